"""A Rewind server for the pytest suites: start, stop, kill -9, restart, and talk to it.

Each suite starts its own servers on free loopback ports (``--data-dir`` in a temp dir), records
every response under ``$REWIND_E2E_RECORD_ROOT/<name>`` when set (scripts/test checks them
against the service model) and registers their pids in ``$REWIND_E2E_PID_DIR`` so scripts/test
can clean up after an interrupted run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

REPO_ROOT = Path(__file__).resolve().parent.parent
REWIND_BIN = Path(os.environ.get("REWIND_BIN", REPO_ROOT / "target" / "release" / "rewind"))
REGION = "us-east-1"


def rds_client(endpoint: str, region: str = REGION):
    """A boto3 RDS client for a Rewind endpoint, without retries (a first failure must show)."""
    return boto3.client(
        "rds",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30),
    )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_mysql_port() -> int:
    """A port free on every address (bound on 0.0.0.0), for a cluster's MySQL endpoints."""
    for _ in range(20):
        port = free_port("0.0.0.0")
        if port != 3306:
            return port
    raise AssertionError("no free port")


def http(method: str, url: str, body: bytes | None = None, ctype: str | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------


class Server:
    """One rewind process; restartable on the same data dir."""

    def __init__(self, tmp: Path, pace: str, record_name: str, args: tuple[str, ...] = ()):
        self.tmp = tmp
        self.pace = pace
        self.args = list(args)  # more flags for every start
        self.data_dir = tmp / "data"
        record_root = os.environ.get("REWIND_E2E_RECORD_ROOT")
        self.record_base = Path(record_root) / record_name if record_root else tmp / "records"
        self.starts = 0
        self.proc: subprocess.Popen | None = None
        self.endpoint = ""
        self.log = tmp / "server.log"
        self.pid_dir = os.environ.get("REWIND_E2E_PID_DIR")

    def start(self) -> None:
        assert self.proc is None, "already running"
        self.starts += 1
        record_dir = self.record_base if self.starts == 1 else Path(f"{self.record_base}-{self.starts}")
        record_dir.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("REWIND_")}
        env["REWIND_RECORD_DIR"] = str(record_dir)
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        self.log = self.tmp / f"server-{self.starts}.log"
        with open(self.log, "wb") as logf:
            self.proc = subprocess.Popen(
                [
                    str(REWIND_BIN),
                    "--listen",
                    f"127.0.0.1:{port}",
                    "--data-dir",
                    str(self.data_dir),
                    "--pace",
                    self.pace,
                    *self.args,
                ],
                stdout=logf,
                stderr=subprocess.STDOUT,
                env=env,
            )
        if self.pid_dir:
            Path(self.pid_dir).mkdir(parents=True, exist_ok=True)
            (Path(self.pid_dir) / str(self.proc.pid)).write_text(str(self.proc.pid))
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"server exited with {self.proc.returncode} during startup:\n{self.log_tail()}", pytrace=False)
            try:
                if http("GET", self.endpoint + "/_rewind/health")[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not healthy within 10s:\n{self.log_tail()}", pytrace=False)
            time.sleep(0.1)

    def _forget(self) -> None:
        if self.pid_dir and self.proc is not None:
            (Path(self.pid_dir) / str(self.proc.pid)).unlink(missing_ok=True)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self._forget()

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=5)
        self._forget()

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def now(self) -> dt.datetime:
        """Rewind's current time."""
        status, body = http("GET", self.endpoint + "/_rewind/clock")
        assert status == 200, f"GET /_rewind/clock -> {status} {body!r}"
        return dt.datetime.fromisoformat(json.loads(body)["now"].replace("Z", "+00:00"))

    def advance(self, seconds: int) -> None:
        status, body = http(
            "POST", self.endpoint + "/_rewind/clock", json.dumps({"advance_seconds": seconds}).encode(), "application/json"
        )
        assert status == 200, f"POST /_rewind/clock -> {status} {body!r}"

    def reset(self) -> None:
        status, body = http("POST", self.endpoint + "/_rewind/reset")
        assert status == 200, f"POST /_rewind/reset -> {status} {body!r}"

    def post_json(self, path: str, obj) -> tuple[int, bytes]:
        return http("POST", self.endpoint + path, json.dumps(obj).encode(), "application/json")

    def rds(self, region: str = REGION):
        return rds_client(self.endpoint, region)

    def mysql_cluster(self, ident: str, engine_version: str, user: str, password: str, connects) -> tuple[str, int]:
        """A one-instance aurora-mysql cluster, waited on until `connects(host, port)` (which
        raises a MySQL error until the endpoint accepts) succeeds: its writer (host, port)."""
        import pymysql

        rds = self.rds()
        rds.create_db_cluster(
            DBClusterIdentifier=ident,
            Engine="aurora-mysql",
            EngineVersion=engine_version,
            MasterUsername=user,
            MasterUserPassword=password,
            Port=free_mysql_port(),
        )
        rds.create_db_instance(
            DBInstanceIdentifier=f"{ident}-1", DBClusterIdentifier=ident, Engine="aurora-mysql", DBInstanceClass="db.r6g.large"
        )
        deadline = time.monotonic() + 20
        while True:
            c = rds.describe_db_clusters(DBClusterIdentifier=ident)["DBClusters"][0]
            i = rds.describe_db_instances(DBInstanceIdentifier=f"{ident}-1")["DBInstances"][0]
            if c["Status"] == "available" and i["DBInstanceStatus"] == "available":
                break
            assert time.monotonic() < deadline, f"cluster not available: {c['Status']} / {i['DBInstanceStatus']}"
            time.sleep(0.1)
        host, port = c["Endpoint"], c["Port"]
        last = None
        while True:
            try:
                connects(host, port)
                return host, port
            except pymysql.err.MySQLError as e:
                last = e
            assert time.monotonic() < deadline, f"{host}:{port} not accepting: {last!r}"
            time.sleep(0.1)


def _session_server(pace: str, name: str):
    if not REWIND_BIN.is_file():
        pytest.fail(f"server binary not found: {REWIND_BIN} (run cargo build --release)", pytrace=False)
    tmp = Path(tempfile.mkdtemp(prefix=f"rewind-pytest-{name}-"))
    srv = Server(tmp, pace, name)
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)




def session_server(pace: str, name: str, args: tuple[str, ...] = ()):
    """A generator for a session fixture: a started server (with more flags `args`), stopped
    and removed afterwards."""
    if not REWIND_BIN.is_file():
        pytest.fail(f"server binary not found: {REWIND_BIN} (run cargo build --release)", pytrace=False)
    tmp = Path(tempfile.mkdtemp(prefix=f"rewind-{name}-"))
    srv = Server(tmp, pace, name, args)
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
