#!/usr/bin/env python3
"""Measurement half of scripts/bench-dataplane: Rewind's MySQL data plane against MariaDB.

    dataplane.py run --rewind BIN --aws AWS --mariadbd MARIADBD --install-db INSTALL_DB \
                     --sysbench SYSBENCH --work DIR --out RESULTS.md [--binary-note TEXT] [--big]

Runs under the project's .venv python (PyMySQL), with the same client code for both servers:

  1. Rewind (sled on disk in DIR): a cluster and its writer made with the AWS CLI; clients use the
     cluster's Endpoint:Port from describe-db-clusters.
  2. MariaDB: a private mariadbd (fresh datadir in DIR, its own port and socket, compiled-in
     defaults, --no-defaults), never the system service.
  3. Rounds of single-row INSERTs (autocommit and in one transaction), SELECT 1, point SELECTs,
     range and indexed queries on 100,000 rows and 10,000-row batches, alternating between the two (only one works at a time); best round.
  4. sysbench oltp_read_write, oltp_point_select and oltp_insert at 1 and 4 threads on both
     (alternating rounds), with errors and reconnects counted.
  5. The drill: 100,000 rows loaded, counted and deleted on MariaDB (then stopped) and on Rewind,
     where the DELETE is then backtracked and timed until the rows are back on a new connection.
  6. With --big: ~1 GB of sysbench tables loaded into Rewind and served, its RSS sampled.

Writes the markdown report to --out and prints it. Every process it starts is recorded in
DIR/pids (one id a line) so the calling shell's trap can end them too, and every wait is bounded.
Exits non-zero with a clear message when a measurement cannot be made; missing a target is not
an error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pymysql

from common import BenchError, Procs, free_port, loadavg, logger, machine, run_reporting, tail

USER, PASSWORD = "admin", "secret123"
CLUSTER, WRITER = "bench-dp", "bench-dp-writer"
ENGINE_VERSION = "8.0.mysql_aurora.3.05.2"
AUTH = "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/rds/aws4_request, SignedHeaders=host, Signature=x"
AWS_ENV = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}

TABLE_DDL = "(id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(40), balance DECIMAL(10,2))"
WARMUP_INSERTS = 100
SINGLE_INSERTS = 2_000
BATCH_ROWS = 10_000
BATCH_CHUNK = 1_000  # rows per statement in the "10 x 1,000" variant
ROUNDS = 5  # of every measure but the drill, alternating between the servers; the best is reported
SELECT_TABLE_ROWS = 60_000
WARMUP_SELECTS = 200
POINT_SELECTS = 5_000
NOOP_SELECTS = 2_000
CONNECTS = 20
DRILL_ROWS = 100_000
DRILL_ROUNDS = 2
DRILL_GAP_S = 1.1
DISK_PROBES = 100

START_TIMEOUT_S = 30.0
AVAILABLE_TIMEOUT_S = 30.0
BACKTRACK_TIMEOUT_S = 60.0
POLL_S = 0.01

TARGET_INSERT_RATIO = 0.5
TARGET_SELECT_RATIO = 0.5
TARGET_BATCH_RATIO = 0.5  # a 10,000-row INSERT
TARGET_BACKTRACK_S = 5.0

# (3b) queries on 10^5 rows: a table with a secondary index on an INT and on a VARCHAR (the
# servers' default collation), each query a fixed number of times a round; issue 10's "within 2x"
QUERY_TABLE_ROWS = 100_000
QUERY_K_VALUES = 10_000  # k = row * 7919 mod this: 10 rows per k, scattered over the table
QUERY_TABLE_DDL = ("(id INT PRIMARY KEY AUTO_INCREMENT, k INT NOT NULL, name VARCHAR(40), "
                   "balance DECIMAL(10,2), KEY k (k), KEY name (name))")
QUERIES_PER_ROUND = 500
TARGET_QUERY_RATIO = 0.5
# (key, what, SQL with %s parameters); params(rng, lo, hi) and the answer check are in Target.queries
QUERIES = (
    ("q_pk_range", "primary-key range of 100 rows", "SELECT id, name, balance FROM tq WHERE id BETWEEN %s AND %s"),
    ("q_k_eq", "indexed equality on a non-unique INT (10 rows)", "SELECT id, name FROM tq WHERE k = %s"),
    ("q_name_eq", "indexed VARCHAR equality (1 row)", "SELECT id, k FROM tq WHERE name = %s"),
    ("q_k_range_limit", "indexed range, ORDER BY k LIMIT 10",
     "SELECT id, k FROM tq WHERE k BETWEEN %s AND %s ORDER BY k LIMIT 10"),
    ("q_pk_desc", "ORDER BY pk DESC LIMIT 10", "SELECT id, name FROM tq ORDER BY id DESC LIMIT 10"),
)

# sysbench (1.0's bundled OLTP scripts, run from copies in the scratch dir), issue 10's targets
SB_TESTS = (("oltp_read_write", 0.5), ("oltp_point_select", 0.8), ("oltp_insert", 0.5))
SB_THREADS = (1, 4)
SB_TABLES, SB_TABLE_SIZE = 2, 10_000
SB_TIME_S = 5  # per run
SB_ROUNDS = 2  # alternating between the servers; the best is reported
SB_TIMEOUT_S = 120.0
# --big: about 1 GB of sysbench tables on Rewind, its RSS sampled while loading and serving
BIG_TABLES, BIG_TABLE_SIZE = 4, 1_250_000
BIG_SERVE_S = 30
SB_ROW_BYTES = 4 + 4 + 120 + 60  # a sysbench row: id, k, c CHAR(120), pad CHAR(60)
BIG_THREADS = 4
BIG_TIMEOUT_S = 3000.0
RSS_SAMPLE_S = 0.1
TARGET_BIG_RSS_MB = 300


log = logger("bench-dataplane")


# ---------------------------------------------------------------- processes


def pct(xs: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


# ---------------------------------------------------------------- Rewind control plane


class Api:
    """The RDS Query API over one keep-alive HTTP connection."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None) -> tuple[int, str]:
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body.encode() if body is not None else None, headers=headers or {})
                r = self.conn.getresponse()
                return r.status, r.read().decode(errors="replace")
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def call(self, action: str, **params: str) -> ET.Element:
        body = "&".join(
            [f"Action={action}", "Version=2014-10-31"]
            + [f"{k}={urlquote(v)}" for k, v in params.items()]
        )
        status, text = self.request(
            "POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded", "Authorization": AUTH}
        )
        if status != 200:
            raise BenchError(f"{action} answered {status}:\n    {text[:800]}")
        return strip_ns(ET.fromstring(text))

    def clock(self) -> str:
        status, text = self.request("GET", "/_rewind/clock")
        if status != 200:
            raise BenchError(f"GET /_rewind/clock answered {status}: {text[:300]}")
        return json.loads(text)["now"]

    def cluster(self) -> ET.Element:
        root = self.call("DescribeDBClusters", DBClusterIdentifier=CLUSTER)
        c = root.find(".//DBClusters/DBCluster")
        if c is None:
            raise BenchError(f"DescribeDBClusters has no DBCluster {CLUSTER}")
        return c

    def instance_status(self) -> str:
        root = self.call("DescribeDBInstances", DBInstanceIdentifier=WRITER)
        return root.findtext(".//DBInstances/DBInstance/DBInstanceStatus") or "?"


def urlquote(v: str) -> str:
    from urllib.parse import quote

    return quote(str(v), safe="")


def strip_ns(root: ET.Element) -> ET.Element:
    for el in root.iter():
        if "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def start_rewind(procs: Procs, binary: str, work: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    data = work / "rewind-data"
    out = work / "rewind.log"
    p = procs.start(
        [binary, "--listen", f"127.0.0.1:{port}", "--data-dir", str(data)],
        stdout=open(out, "wb"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    t0 = time.perf_counter()
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/_rewind/health")
            if c.getresponse().status == 200:
                c.close()
                break
        except (ConnectionError, OSError, http.client.HTTPException):
            pass
        if p.poll() is not None:
            raise BenchError(f"rewind exited with status {p.returncode} before answering:\n{tail(out)}")
        if time.perf_counter() - t0 > START_TIMEOUT_S:
            raise BenchError(f"rewind did not answer /_rewind/health within {START_TIMEOUT_S:.0f} s:\n{tail(out)}")
        time.sleep(POLL_S)
    return p, port


def aws(procs: Procs, aws_bin: str, port: int, *args: str) -> tuple[dict, float]:
    """One AWS CLI call against Rewind; returns (JSON answer, wall seconds)."""
    env = dict(os.environ, **AWS_ENV)
    argv = [aws_bin, "rds", *args, "--endpoint-url", f"http://127.0.0.1:{port}", "--output", "json"]
    t0 = time.perf_counter()
    rc, out, err = procs.run(argv, timeout=60, env=env)
    dt = time.perf_counter() - t0
    if rc != 0:
        raise BenchError(f"aws rds {args[0]} failed ({rc}):\n    {err.strip()[:800]}")
    return (json.loads(out) if out.strip() else {}), dt


def wait_available(api: Api, timeout: float) -> tuple[float, list[str]]:
    """Polls until the cluster and the writer are `available`; returns (seconds, statuses seen)."""
    t0 = time.perf_counter()
    seen: list[str] = []
    while True:
        c = api.cluster()
        st = c.findtext("Status") or "?"
        ist = api.instance_status()
        pair = f"{st}/{ist}"
        if not seen or seen[-1] != pair:
            seen.append(pair)
        if st == "available" and ist == "available":
            return time.perf_counter() - t0, seen
        if time.perf_counter() - t0 > timeout:
            raise BenchError(f"cluster not available within {timeout:.0f} s (statuses seen: {' -> '.join(seen)})")
        time.sleep(POLL_S)


# ---------------------------------------------------------------- MariaDB


def start_mariadb(procs: Procs, mariadbd: str, install_db: str, work: Path) -> tuple[subprocess.Popen, int, dict]:
    datadir = work / "mariadb-data"
    init = work / "mariadb-init.sql"
    err = work / "mariadb.err"
    info: dict = {}
    # The same user, password and privileges as Rewind's master user; TCP clients only.
    init.write_text(
        f"CREATE USER IF NOT EXISTS '{USER}'@'%' IDENTIFIED BY '{PASSWORD}';\n"
        f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'%';\n"
    )
    t0 = time.perf_counter()
    rc, out, e = procs.run(
        [install_db, "--no-defaults", f"--datadir={datadir}", "--user=root", "--skip-test-db",
         "--auth-root-authentication-method=socket"],
        timeout=120,
    )
    if rc != 0:
        raise BenchError(f"mariadb-install-db failed ({rc}):\n    {(out + e).strip()[-1500:]}")
    info["install_db_s"] = time.perf_counter() - t0
    port = free_port()
    argv = [
        mariadbd,
        "--no-defaults",
        f"--datadir={datadir}",
        f"--port={port}",
        "--bind-address=127.0.0.1",
        f"--socket={work / 'mariadb.sock'}",
        f"--pid-file={work / 'mariadb.pid'}",
        f"--log-error={err}",
        f"--init-file={init}",
        "--user=root",
    ]
    info["argv"] = " ".join(a.replace(str(work), "$WORK") for a in argv)
    t0 = time.perf_counter()
    p = procs.start(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    while True:
        try:
            c = pymysql.connect(host="127.0.0.1", port=port, user=USER, password=PASSWORD, connect_timeout=2)
            c.close()
            break
        except pymysql.err.MySQLError:
            pass
        if p.poll() is not None:
            raise BenchError(f"mariadbd exited with status {p.returncode} before accepting logins:\n{tail(err)}")
        if time.perf_counter() - t0 > START_TIMEOUT_S:
            raise BenchError(f"mariadbd did not accept a login within {START_TIMEOUT_S:.0f} s:\n{tail(err)}")
        time.sleep(0.05)
    info["start_s"] = time.perf_counter() - t0
    return p, port, info


# ---------------------------------------------------------------- the client code (same for both)


def connect(host: str, port: int, db: str | None = None) -> pymysql.connections.Connection:
    return pymysql.connect(
        host=host,
        port=port,
        user=USER,
        password=PASSWORD,
        database=db,
        autocommit=True,
        # Neither server offers TLS here; without this PyMySQL 1.2 builds a TLS context (loading
        # the system CA store, ~19 ms) on every connect, "preferred" mode, before asking.
        ssl_disabled=True,
        connect_timeout=5,
        read_timeout=120,
        write_timeout=120,
    )


def query_rows_sql(start: int, n: int) -> str:
    """One multi-row INSERT of n rows into tq (k scattered, names unique)."""
    vals = ",".join(f"({(i * 7919) % QUERY_K_VALUES},'name-{i:07d}',{(i * 37) % 100000 / 100:.2f})"
                    for i in range(start, start + n))
    return f"INSERT INTO tq (k, name, balance) VALUES {vals}"


def rows_sql(table: str, start: int, n: int) -> str:
    """One multi-row INSERT of n rows (names and balances derived from the row number)."""
    vals = ",".join(f"('name-{i:07d}',{(i * 37) % 100000 / 100:.2f})" for i in range(start, start + n))
    return f"INSERT INTO {table} (name, balance) VALUES {vals}"


class Target:
    """One server under test, through one PyMySQL connection (the same client code for both)."""

    def __init__(self, who: str, host: str, port: int):
        self.who, self.host, self.port = who, host, port
        self.conn = connect(host, port)
        self.cur = self.conn.cursor()
        self.rounds: list[dict] = []
        self.info: dict = {}
        self.next_tb_row = 0

    def setup(self) -> None:
        """The bench database: t (single-row INSERTs), tb (batches), ts (point SELECTs, 60,000 rows),
        tq (queries on 100,000 rows, two secondary indexes)."""
        cur = self.cur
        cur.execute("SELECT VERSION()")
        self.info["version"] = cur.fetchone()[0]
        self.info["offers_tls"] = bool(self.conn.server_capabilities & pymysql.constants.CLIENT.SSL)
        cur.execute("CREATE DATABASE bench")
        cur.execute("USE bench")
        for table in ("t", "tb", "ts"):
            cur.execute(f"CREATE TABLE {table} {TABLE_DDL}")
        for k in range(SELECT_TABLE_ROWS // BATCH_ROWS):
            cur.execute(rows_sql("ts", k * BATCH_ROWS, BATCH_ROWS))
        cur.execute("SELECT COUNT(*), MIN(id), MAX(id) FROM ts")
        count, lo, hi = cur.fetchone()
        if count != SELECT_TABLE_ROWS or hi - lo + 1 != count:
            raise BenchError(f"{self.who}: ts has {count} rows, ids {lo}..{hi}; expected {SELECT_TABLE_ROWS} consecutive ids")
        self.info["ts_ids"] = (lo, hi)
        cur.execute(f"CREATE TABLE tq {QUERY_TABLE_DDL}")
        for k in range(QUERY_TABLE_ROWS // BATCH_CHUNK):
            cur.execute(query_rows_sql(k * BATCH_CHUNK, BATCH_CHUNK))
        cur.execute("SELECT COUNT(*), MIN(id), MAX(id) FROM tq")
        count, lo, hi = cur.fetchone()
        if count != QUERY_TABLE_ROWS or hi - lo + 1 != count:
            raise BenchError(f"{self.who}: tq has {count} rows, ids {lo}..{hi}; expected {QUERY_TABLE_ROWS} consecutive ids")
        self.info["tq_ids"] = (lo, hi)
        # what the server says it does (EXPLAIN's type and key), for the report
        rng = random.Random(1)
        for key, _, q in QUERIES:
            cur.execute("EXPLAIN " + q, self.query_params(key, rng))
            names = [d[0].lower() for d in cur.description]
            plan = cur.fetchall()
            self.info[key + "_plan"] = "; ".join(
                f"{row[names.index('type')]}/{row[names.index('key')] or 'no key'}" for row in plan)
        ins = "INSERT INTO t (name, balance) VALUES (%s, %s)"
        for i in range(WARMUP_INSERTS):
            cur.execute(ins, (f"warm-{i}", "1.00"))
        for _ in range(WARMUP_SELECTS):
            cur.execute("SELECT 1")
            cur.fetchall()

    def one_round(self, rnd: int) -> None:
        """(1) single-row INSERTs, autocommit and in one transaction; SELECT 1; (3) point SELECTs;
        (2) 10,000 rows as 10 x 1,000-row INSERTs and as one INSERT."""
        cur, who, r = self.cur, self.who, {}
        ins = "INSERT INTO t (name, balance) VALUES (%s, %s)"
        cur.execute("SELECT COUNT(*) FROM t")
        before = cur.fetchone()[0]

        lat = []
        t0 = time.perf_counter()
        for i in range(SINGLE_INSERTS):
            a = time.perf_counter()
            cur.execute(ins, (f"name-{rnd}-{i:07d}", f"{(i * 37) % 100000 / 100:.2f}"))
            lat.append(time.perf_counter() - a)
        r["insert_per_s"] = SINGLE_INSERTS / (time.perf_counter() - t0)
        r["insert_p50_ms"], r["insert_p99_ms"] = pct(lat, 50) * 1e3, pct(lat, 99) * 1e3

        lat = []
        t0 = time.perf_counter()
        cur.execute("BEGIN")
        for i in range(SINGLE_INSERTS):
            a = time.perf_counter()
            cur.execute(ins, (f"txn-{rnd}-{i:07d}", f"{(i * 37) % 100000 / 100:.2f}"))
            lat.append(time.perf_counter() - a)
        a = time.perf_counter()
        cur.execute("COMMIT")
        r["txn_commit_ms"] = (time.perf_counter() - a) * 1e3
        r["txn_insert_per_s"] = SINGLE_INSERTS / (time.perf_counter() - t0)
        r["txn_insert_p50_ms"], r["txn_insert_p99_ms"] = pct(lat, 50) * 1e3, pct(lat, 99) * 1e3
        cur.execute("SELECT COUNT(*) FROM t")
        got = cur.fetchone()[0]
        if got != before + 2 * SINGLE_INSERTS:
            raise BenchError(f"{who}: t has {got} rows after round {rnd}'s INSERTs, expected {before + 2 * SINGLE_INSERTS}")

        lat = []
        t0 = time.perf_counter()
        for _ in range(NOOP_SELECTS):
            a = time.perf_counter()
            cur.execute("SELECT 1")
            cur.fetchall()
            lat.append(time.perf_counter() - a)
        r["noop_per_s"] = NOOP_SELECTS / (time.perf_counter() - t0)
        r["noop_p50_ms"], r["noop_p99_ms"] = pct(lat, 50) * 1e3, pct(lat, 99) * 1e3

        lo, hi = self.info["ts_ids"]
        rng = random.Random(20240101 + rnd)  # the same ids on both servers
        q = "SELECT id, name, balance FROM ts WHERE id = %s"
        lat = []
        t0 = time.perf_counter()
        for _ in range(POINT_SELECTS):
            want = rng.randint(lo, hi)
            a = time.perf_counter()
            cur.execute(q, (want,))
            rows = cur.fetchall()
            lat.append(time.perf_counter() - a)
            if len(rows) != 1 or rows[0][0] != want:
                raise BenchError(f"{who}: point SELECT of id {want} returned {rows!r}")
        r["select_per_s"] = POINT_SELECTS / (time.perf_counter() - t0)
        r["select_p50_ms"], r["select_p99_ms"] = pct(lat, 50) * 1e3, pct(lat, 99) * 1e3

        self.queries(rnd, r)

        # statements are built before the clock starts
        stmts = [rows_sql("tb", self.next_tb_row + k * BATCH_CHUNK, BATCH_CHUNK) for k in range(BATCH_ROWS // BATCH_CHUNK)]
        self.next_tb_row += BATCH_ROWS
        t0 = time.perf_counter()
        for s in stmts:
            cur.execute(s)
        r["batch_chunked_s"] = time.perf_counter() - t0
        stmt = rows_sql("tb", self.next_tb_row, BATCH_ROWS)
        self.next_tb_row += BATCH_ROWS
        r["batch_stmt_kb"] = len(stmt) / 1024
        t0 = time.perf_counter()
        n = cur.execute(stmt)
        r["batch_single_s"] = time.perf_counter() - t0
        if n != BATCH_ROWS:
            raise BenchError(f"{who}: a {BATCH_ROWS}-row INSERT reported {n} affected rows")
        self.rounds.append(r)
        log(f"{who} round {rnd}: INSERT {r['insert_per_s']:,.0f}/s autocommit, {r['txn_insert_per_s']:,.0f}/s "
            f"in a transaction; SELECT 1 {r['noop_per_s']:,.0f}/s; point SELECT {r['select_per_s']:,.0f}/s; "
            f"10,000 rows {r['batch_chunked_s'] * 1e3:.1f} ms (10 x 1,000) / {r['batch_single_s'] * 1e3:.1f} ms (1 x 10,000)")

    def query_params(self, key: str, rng: random.Random) -> tuple:
        lo, hi = self.info["tq_ids"]
        if key == "q_pk_range":
            a = rng.randint(lo, hi - 99)
            return (a, a + 99)
        if key == "q_k_eq":
            return (rng.randrange(QUERY_K_VALUES),)
        if key == "q_name_eq":
            return (f"name-{rng.randrange(QUERY_TABLE_ROWS):07d}",)
        if key == "q_k_range_limit":
            a = rng.randrange(QUERY_K_VALUES - 100)
            return (a, a + 99)
        return ()

    def check_answer(self, key: str, params: tuple, rows: tuple) -> bool:
        lo, hi = self.info["tq_ids"]
        if key == "q_pk_range":
            return sorted(row[0] for row in rows) == list(range(params[0], params[0] + 100))
        if key == "q_k_eq":
            return len(rows) == QUERY_TABLE_ROWS // QUERY_K_VALUES
        if key == "q_name_eq":
            return len(rows) == 1
        if key == "q_k_range_limit":
            ks = [row[1] for row in rows]
            return len(rows) == 10 and ks == sorted(ks) and ks[0] == params[0]
        return [row[0] for row in rows] == list(range(hi, hi - 10, -1))

    def queries(self, rnd: int, r: dict) -> None:
        """(3b) each query of QUERIES, QUERIES_PER_ROUND times on tq, every answer checked."""
        rng = random.Random(20240101 + rnd)  # the same parameters on both servers
        for key, _, q in QUERIES:
            params = [self.query_params(key, rng) for _ in range(QUERIES_PER_ROUND)]
            t0 = time.perf_counter()
            for p in params:
                self.cur.execute(q, p)
                rows = self.cur.fetchall()
                if not self.check_answer(key, p, rows):
                    raise BenchError(f"{self.who}: {q} with {p!r} returned {rows[:12]!r}")
            r[key + "_per_s"] = QUERIES_PER_ROUND / (time.perf_counter() - t0)
        log(f"{self.who} round {rnd}: " + ", ".join(f"{key} {r[key + '_per_s']:,.0f}/s" for key, _, _ in QUERIES))

    def connects(self) -> None:
        lat = []
        for _ in range(CONNECTS):
            a = time.perf_counter()
            c = connect(self.host, self.port)
            lat.append(time.perf_counter() - a)
            c.close()
        self.info["connect_ms"] = statistics.median(lat) * 1e3

    def summary(self) -> dict:
        """Best round per measure (others sharing the machine only ever slow a round down)."""
        s = dict(self.info)
        rs = self.rounds
        for key in ("insert", "txn_insert", "noop", "select"):
            best = max(rs, key=lambda x: x[f"{key}_per_s"])
            for k, v in best.items():
                if k.startswith(key + "_"):
                    s[k] = v
            s[f"{key}_all"] = [x[f"{key}_per_s"] for x in rs]
        for key, _, _ in QUERIES:
            s[key + "_per_s"] = max(x[key + "_per_s"] for x in rs)
            s[key + "_all"] = [x[key + "_per_s"] for x in rs]
        s["txn_commit_ms"] = max(rs, key=lambda x: x["txn_insert_per_s"])["txn_commit_ms"]
        for key in ("batch_chunked_s", "batch_single_s"):
            s[key] = min(x[key] for x in rs)
            s[key[:-2] + "_all"] = [x[key] for x in rs]
        s["batch_stmt_kb"] = rs[0]["batch_stmt_kb"]
        return s

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001
            pass


def load_drill_table(host: str, port: int, who: str) -> tuple[pymysql.connections.Connection, dict]:
    """A fresh drill.t holding DRILL_ROWS rows (100 x 1,000-row INSERTs); returns (conn, timings)."""
    conn = connect(host, port)
    cur = conn.cursor()
    cur.execute("CREATE DATABASE drill")
    cur.execute("USE drill")
    cur.execute(f"CREATE TABLE t {TABLE_DDL}")
    stmts = [rows_sql("t", k * BATCH_CHUNK, BATCH_CHUNK) for k in range(DRILL_ROWS // BATCH_CHUNK)]
    each = []
    t0 = time.perf_counter()
    for s in stmts:
        a = time.perf_counter()
        cur.execute(s)
        each.append(time.perf_counter() - a)
    r = {"load_s": time.perf_counter() - t0, "load_stmt_p50_ms": pct(each, 50) * 1e3,
         "load_stmt_max_ms": max(each) * 1e3,
         "load_stmt_slow": sum(1 for x in each if x > 5 * pct(each, 50))}
    counts = []
    for _ in range(3):
        a = time.perf_counter()
        cur.execute("SELECT COUNT(*) FROM t")
        n = cur.fetchone()[0]
        counts.append(time.perf_counter() - a)
        if n != DRILL_ROWS:
            raise BenchError(f"{who}: drill.t holds {n} rows after loading, expected {DRILL_ROWS}")
    r["count_ms"] = statistics.median(counts) * 1e3
    log(f"{who}: loaded {DRILL_ROWS:,} rows in {r['load_s']:.2f} s (per 1,000-row INSERT: p50 "
        f"{r['load_stmt_p50_ms']:.1f} ms, slowest {r['load_stmt_max_ms']:.1f} ms); COUNT(*) {r['count_ms']:.1f} ms")
    return conn, r


def timed_delete(conn, who: str) -> float:
    cur = conn.cursor()
    t0 = time.perf_counter()
    n = cur.execute("DELETE FROM t")
    dt = time.perf_counter() - t0
    if n != DRILL_ROWS:
        raise BenchError(f"{who}: DELETE FROM t removed {n} rows, expected {DRILL_ROWS}")
    return dt


def backtrack_round(api: Api, host: str, port: int, conn, rnd: int) -> dict:
    """Note Rewind's time, DELETE everything, then backtrack and time until the rows are back."""
    r: dict = {}
    time.sleep(DRILL_GAP_S)
    noted = api.clock()
    time.sleep(DRILL_GAP_S)
    r["delete_s"] = timed_delete(conn, "rewind")
    r["noted"] = noted

    t0 = time.perf_counter()
    root = api.call("BacktrackDBCluster", DBClusterIdentifier=CLUSTER, BacktrackTo=noted)
    r["answer_s"] = time.perf_counter() - t0
    r["id"] = root.findtext(".//BacktrackIdentifier") or "?"
    r["answer_status"] = root.findtext(".//Status") or "?"
    seen: list[str] = []
    while True:
        st = api.cluster().findtext("Status") or "?"
        if not seen or seen[-1] != st:
            seen.append(st)
        if st == "available":
            if len(seen) > 1:
                break
            # Still `available` on the first look: done already, or not started yet?
            rec = api.call("DescribeDBClusterBacktracks", DBClusterIdentifier=CLUSTER, BacktrackIdentifier=r["id"])
            if (rec.findtext(".//DBClusterBacktrack/Status") or "").upper() == "COMPLETED":
                break
        if time.perf_counter() - t0 > BACKTRACK_TIMEOUT_S:
            raise BenchError(f"backtrack {rnd}: cluster not available again within {BACKTRACK_TIMEOUT_S:.0f} s ({seen})")
        time.sleep(POLL_S)
    r["available_s"] = time.perf_counter() - t0
    r["cluster_statuses"] = seen
    attempts, last_err = 0, ""
    while True:
        attempts += 1
        try:
            c = connect(host, port, "drill")
            cur = c.cursor()
            cur.execute("SELECT COUNT(*) FROM t")
            n = cur.fetchone()[0]
            c.close()
            if n == DRILL_ROWS:
                break
            last_err = f"COUNT(*) = {n}"
        except pymysql.err.MySQLError as e:
            last_err = f"{type(e).__name__}: {e}"
        if time.perf_counter() - t0 > BACKTRACK_TIMEOUT_S:
            raise BenchError(f"backtrack {rnd}: no COUNT(*) = {DRILL_ROWS} within {BACKTRACK_TIMEOUT_S:.0f} s ({last_err})")
        time.sleep(POLL_S)
    r["total_s"] = time.perf_counter() - t0
    r["reconnect_attempts"] = attempts
    r["last_err"] = last_err
    # the old session must have been dropped by the backtrack
    try:
        conn.cursor().execute("SELECT 1")
        r["old_session"] = "still open (unexpected)"
    except pymysql.err.MySQLError as e:
        r["old_session"] = f"dropped ({type(e).__name__} {e.args[0] if e.args else ''})"
    bt = api.call("DescribeDBClusterBacktracks", DBClusterIdentifier=CLUSTER, BacktrackIdentifier=r["id"])
    m = bt.find(".//DBClusterBacktracks/DBClusterBacktrack")
    r["record"] = {k: (m.findtext(k) if m is not None else None)
                   for k in ("Status", "BacktrackTo", "BacktrackedFrom", "BacktrackRequestCreationTime")}
    log(f"rewind: backtrack {rnd}: answered in {r['answer_s'] * 1e3:.1f} ms, available after "
        f"{r['available_s'] * 1e3:.0f} ms ({' -> '.join(seen)}), COUNT(*) = {DRILL_ROWS:,} after "
        f"{r['total_s'] * 1e3:.0f} ms ({attempts} connect attempts)")
    return r


def backtrack_events(api: Api) -> list[tuple[str, str]]:
    """Rewind's own backtrack events on the cluster: (Date, Message), oldest first."""
    try:
        root = api.call("DescribeEvents", SourceIdentifier=CLUSTER, SourceType="db-cluster", Duration="60")
    except BenchError:
        return []
    out = []
    for e in root.iter("Event"):
        msg = e.findtext("Message") or ""
        if "acktrack" in msg:
            out.append((e.findtext("Date") or "?", msg))
    return out


# ---------------------------------------------------------------- the disk under both


def disk_probe(work: Path, n: int = DISK_PROBES) -> dict:
    """p50 of a 512-byte overwrite in a preallocated file followed by what each engine waits for
    per commit: sync_file_range(WAIT_BEFORE|WRITE|WAIT_AFTER) (sled 0.34's flush, which leaves
    the device's write cache alone) and fdatasync (InnoDB's redo log at commit, a cache flush)."""
    import ctypes

    out: dict = {}
    path = work / "disk-probe.bin"
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        os.pwrite(fd, b"\0" * (1 << 20), 0)
        os.fsync(fd)
        libc = ctypes.CDLL(None, use_errno=True)
        sfr = getattr(libc, "sync_file_range", None)
        if sfr is not None:
            sfr.argtypes = [ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong, ctypes.c_uint]
        for name in ("sync_file_range", "fdatasync"):
            if name == "sync_file_range" and sfr is None:
                continue
            lat = []
            for i in range(n):
                off = (i * 4096) % (1 << 20)
                a = time.perf_counter()
                os.pwrite(fd, b"x" * 512, off)
                if name == "fdatasync":
                    os.fdatasync(fd)
                elif sfr(fd, off, 512, 1 | 2 | 4) != 0:
                    break
                lat.append(time.perf_counter() - a)
            if lat:
                out[name] = pct(lat, 50) * 1e3
    finally:
        os.close(fd)
        path.unlink(missing_ok=True)
    return out


# ---------------------------------------------------------------- sysbench


class Sysbench:
    """sysbench 1.0's OLTP scripts against one server, as the same client for both: the MySQL
    driver, prepared statements (COM_STMT_PREPARE/EXECUTE, sysbench's default), no TLS. The
    scripts run from copies in the scratch dir, so every sysbench process names that dir."""

    def __init__(self, procs: Procs, binary: str, work: Path, who: str, host: str, port: int, db: str):
        self.procs, self.binary, self.who = procs, binary, who
        self.lua = work / "sysbench"
        self.lua.mkdir(exist_ok=True)
        self.base = [f"--db-driver=mysql", f"--mysql-host={host}", f"--mysql-port={port}",
                     f"--mysql-user={USER}", f"--mysql-password={PASSWORD}", f"--mysql-db={db}"]
        c = connect(host, port)
        c.cursor().execute(f"CREATE DATABASE {db}")
        c.close()

    def script(self, test: str) -> str:
        dst = self.lua / f"{test}.lua"
        if not dst.exists():
            for name in (f"{test}.lua", "oltp_common.lua"):
                (self.lua / name).write_bytes((SYSBENCH_LUA_DIR / name).read_bytes())
        return str(dst)

    def run(self, test: str, command: str, opts: list[str], timeout: float) -> tuple[int, str, float]:
        """One sysbench invocation; (status, stdout + stderr, wall seconds)."""
        argv = [self.binary, self.script(test), *self.base, *opts, command]
        t0 = time.perf_counter()
        rc, out, err = self.procs.run(argv, timeout=timeout, cwd=str(self.lua))
        return rc, out + err, time.perf_counter() - t0

    def prepare(self, tables: int, size: int, threads: int, timeout: float) -> float:
        rc, text, dt = self.run("oltp_read_write", "prepare",
                                [f"--tables={tables}", f"--table-size={size}", f"--threads={threads}"], timeout)
        if rc != 0:
            raise BenchError(f"{self.who}: sysbench prepare failed ({rc}):\n{indent_tail(text)}")
        return dt

    def measure(self, test: str, threads: int, tables: int, size: int, seconds: int) -> dict:
        """One timed run: transactions/s, p95 latency, ignored errors and reconnects; a run that
        sysbench stops (an error it does not ignore) is recorded with its message, not raised."""
        rc, text, _ = self.run(test, "run", [f"--tables={tables}", f"--table-size={size}", f"--threads={threads}",
                                             f"--time={seconds}", "--report-interval=0", "--rand-seed=20240101"],
                               SB_TIMEOUT_S + seconds)
        m = parse_sysbench(text)
        m["status"] = rc
        if rc != 0 or "tps" not in m:
            fatal = [line.strip() for line in text.splitlines() if "FATAL" in line or "error" in line.lower()]
            m["failure"] = "; ".join(fatal[:3]) or f"sysbench exited {rc}:\n{indent_tail(text)}"
            m.setdefault("tps", 0.0)
        log(f"{self.who}: sysbench {test} {threads} thread(s): {m['tps']:,.1f} tps, p95 {m.get('p95_ms', 0):.2f} ms, "
            f"{m.get('errors', 0)} ignored errors, {m.get('reconnects', 0)} reconnects"
            + (f"; FAILED: {m['failure']}" if "failure" in m else ""))
        return m


SYSBENCH_LUA_DIR = Path("/usr/share/sysbench")


def indent_tail(text: str, n: int = 15) -> str:
    return "\n".join("    " + line for line in text.splitlines()[-n:]) or "    (no output)"


def parse_sysbench(text: str) -> dict:
    """The figures of a sysbench 1.0 `run` report."""
    import re

    out: dict = {}
    pats = {"tps": r"transactions:\s+\d+\s+\(([\d.]+) per sec\.\)",
            "errors": r"ignored errors:\s+(\d+)",
            "reconnects": r"reconnects:\s+(\d+)",
            "p95_ms": r"95th percentile:\s+([\d.]+)"}
    for key, pat in pats.items():
        m = re.search(pat, text)
        if m:
            out[key] = float(m.group(1)) if key in ("tps", "p95_ms") else int(m.group(1))
    return out


def sysbench_rounds(rw: Sysbench, mdb: Sysbench) -> dict:
    """Every test at every thread count, SB_ROUNDS rounds alternating between the servers."""
    res: dict = {}
    for rnd in range(1, SB_ROUNDS + 1):
        for test, _ in SB_TESTS:
            for threads in SB_THREADS:
                for sb in ((rw, mdb) if rnd % 2 else (mdb, rw)):
                    m = sb.measure(test, threads, SB_TABLES, SB_TABLE_SIZE, SB_TIME_S)
                    res.setdefault((test, threads, sb.who), []).append(m)
    return res


class RssSampler:
    """The resident set of one process, from /proc/<pid>/status every RSS_SAMPLE_S, in a thread."""

    def __init__(self, pid: int):
        import threading

        self.pid, self.peak_kb, self.samples = pid, 0, 0
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def read(self, field: str) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def loop(self) -> None:
        while not self.stop_flag.is_set():
            try:
                self.peak_kb = max(self.peak_kb, self.read("VmRSS"))
                self.samples += 1
            except OSError:
                return
            self.stop_flag.wait(RSS_SAMPLE_S)

    def __enter__(self) -> "RssSampler":
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop_flag.set()
        self.thread.join(5)


def big_run(procs: Procs, sysbench: str, work: Path, pid: int, host: str, port: int) -> dict:
    """--big: sysbench prepare of BIG_TABLES x BIG_TABLE_SIZE rows on Rewind, then a serving run,
    with Rewind's RSS sampled through both."""
    r: dict = {}
    sb = Sysbench(procs, sysbench, work, "rewind", host, port, "sbbig")
    log(f"rewind --big: sysbench prepare {BIG_TABLES} x {BIG_TABLE_SIZE:,} rows (minutes)")
    with RssSampler(pid) as load_rss:
        r["load_s"] = sb.prepare(BIG_TABLES, BIG_TABLE_SIZE, min(BIG_TABLES, 2), BIG_TIMEOUT_S)
    r["load_rss_mb"] = load_rss.peak_kb / 1024
    c = connect(host, port, "sbbig")
    cur = c.cursor()
    cur.execute("SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'sbbig'")
    r["schema_bytes"] = int(cur.fetchone()[0] or 0)
    cur.execute("SELECT COUNT(*) FROM sbtest1")
    if cur.fetchone()[0] != BIG_TABLE_SIZE:
        raise BenchError(f"rewind --big: sbtest1 does not hold {BIG_TABLE_SIZE} rows after prepare")
    c.close()
    r["data_dir_bytes"] = sum(f.stat().st_size for f in (work / "rewind-data").rglob("*") if f.is_file())
    log(f"rewind --big: loaded in {r['load_s']:.0f} s, peak RSS {r['load_rss_mb']:.0f} MB; serving "
        f"oltp_read_write with {BIG_THREADS} threads for {BIG_SERVE_S} s")
    with RssSampler(pid) as serve_rss:
        r["serve"] = sb.measure("oltp_read_write", BIG_THREADS, BIG_TABLES, BIG_TABLE_SIZE, BIG_SERVE_S)
    r["serve_rss_mb"] = serve_rss.peak_kb / 1024
    r["hwm_mb"] = serve_rss.read("VmHWM") / 1024
    r["samples"] = load_rss.samples + serve_rss.samples
    return r


# ---------------------------------------------------------------- report


def fmt_ms(s: float) -> str:
    return f"{s * 1e3:,.1f} ms"


def event_phases(events: list[tuple[str, str]], bt_id: str) -> tuple[float | None, float | None]:
    """(requested -> started, started -> completed) in ms, from Rewind's event dates."""
    from datetime import datetime

    when: dict[str, datetime] = {}
    for date, msg in events:
        if bt_id not in msg:
            continue
        for phase in ("requested", "started", "completed"):
            if phase in msg:
                try:
                    when[phase] = datetime.fromisoformat(date.replace("Z", "+00:00"))
                except ValueError:
                    pass
    ms = lambda a, b: (when[b] - when[a]).total_seconds() * 1e3 if a in when and b in when else None  # noqa: E731
    return ms("requested", "started"), ms("started", "completed")


def report(r: dict) -> str:
    rw, mdb = r["rewind"], r["mariadb"]
    rl, ml = r["rewind_load"], r["mariadb_load"]
    drill = r["drill"]
    ins_ratio = rw["insert_per_s"] / mdb["insert_per_s"]
    sel_ratio = rw["select_per_s"] / mdb["select_per_s"]
    batch_ratio = mdb["batch_single_s"] / rw["batch_single_s"]
    bt_worst = max(d["total_s"] for d in drill)
    verdict = lambda ok: "**PASS**" if ok else "**MISS**"  # noqa: E731
    lat = lambda d, k: f"p50 {d[k + '_p50_ms']:.3f} ms, p99 {d[k + '_p99_ms']:.3f} ms"  # noqa: E731
    alls = lambda d, k: " / ".join(f"{x:,.0f}" for x in d[k + "_all"])  # noqa: E731
    allms = lambda d, k: " / ".join(f"{x * 1e3:.1f}" for x in d[k + "_all"])  # noqa: E731

    L = []
    L.append("# Rewind data plane vs MariaDB (`scripts/bench-dataplane`)")
    L.append("")
    L.append(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {r['machine']}. "
             f"Rewind (`SELECT VERSION()` = `{rw['version']}`; {r['binary_note']}), sled on disk; "
             f"MariaDB `{mdb['version']}` (Debian's mariadb-server, a private mariadbd with compiled-in defaults). "
             f"Client: PyMySQL {r['pymysql']} on Python {platform.python_version()}, one connection, "
             f"text protocol (COM_QUERY, parameters interpolated by PyMySQL), autocommit on, no TLS "
             f"(offered by Rewind: {'yes' if rw['offers_tls'] else 'no'}, by MariaDB: {'yes' if mdb['offers_tls'] else 'no'}). "
             f"Both servers were up side by side, but only one worked at a time: every measure but the "
             f"backtrack drill ran in {ROUNDS} rounds alternating between them (Rewind, MariaDB; MariaDB, Rewind; ...), "
             f"and the best round of each is shown, with all rounds in brackets.")
    L.append("")
    L.append("| measure | Rewind | MariaDB | Rewind vs MariaDB | target | |")
    L.append("|---|---:|---:|---:|---|---|")
    L.append(f"| (1) single-row autocommit INSERT, {SINGLE_INSERTS:,} in a row (one commit each) | "
             f"{rw['insert_per_s']:,.0f}/s ({lat(rw, 'insert')}) [{alls(rw, 'insert')}] | "
             f"{mdb['insert_per_s']:,.0f}/s ({lat(mdb, 'insert')}) [{alls(mdb, 'insert')}] | "
             f"{ins_ratio:.2f}x | >= {TARGET_INSERT_RATIO}x | {verdict(ins_ratio >= TARGET_INSERT_RATIO)} |")
    dk = lambda name: " / ".join(f"{d[name]:.3f}" if name in d else "?" for d in r["disk"])  # noqa: E731
    L.append(f"| context: the disk's per-commit wait, 512-byte write + sled's `sync_file_range` (Rewind) / + InnoDB's "
             f"`fdatasync` (MariaDB), p50 of {DISK_PROBES} before / after the rounds | {dk('sync_file_range')} ms | "
             f"{dk('fdatasync')} ms | | | |")
    L.append(f"| the same {SINGLE_INSERTS:,} INSERTs inside one transaction (BEGIN ... COMMIT) | "
             f"{rw['txn_insert_per_s']:,.0f}/s ({lat(rw, 'txn_insert')}, COMMIT {rw['txn_commit_ms']:.1f} ms) [{alls(rw, 'txn_insert')}] | "
             f"{mdb['txn_insert_per_s']:,.0f}/s ({lat(mdb, 'txn_insert')}, COMMIT {mdb['txn_commit_ms']:.1f} ms) [{alls(mdb, 'txn_insert')}] | "
             f"{rw['txn_insert_per_s'] / mdb['txn_insert_per_s']:.2f}x | | |")
    L.append(f"| `SELECT 1` round trip, {NOOP_SELECTS:,} in a row | {rw['noop_per_s']:,.0f}/s ({lat(rw, 'noop')}) [{alls(rw, 'noop')}] | "
             f"{mdb['noop_per_s']:,.0f}/s ({lat(mdb, 'noop')}) [{alls(mdb, 'noop')}] | {rw['noop_per_s'] / mdb['noop_per_s']:.2f}x | | |")
    L.append(f"| (2a) 10,000 rows as 10 INSERTs of 1,000 rows (10 commits) | "
             f"{fmt_ms(rw['batch_chunked_s'])} ({BATCH_ROWS / rw['batch_chunked_s']:,.0f} rows/s) [{allms(rw, 'batch_chunked')}] | "
             f"{fmt_ms(mdb['batch_chunked_s'])} ({BATCH_ROWS / mdb['batch_chunked_s']:,.0f} rows/s) [{allms(mdb, 'batch_chunked')}] | "
             f"{mdb['batch_chunked_s'] / rw['batch_chunked_s']:.2f}x | | |")
    L.append(f"| (2b) 10,000 rows as one INSERT ({rw['batch_stmt_kb']:.0f} KiB statement, 1 commit) | "
             f"{fmt_ms(rw['batch_single_s'])} ({BATCH_ROWS / rw['batch_single_s']:,.0f} rows/s) [{allms(rw, 'batch_single')}] | "
             f"{fmt_ms(mdb['batch_single_s'])} ({BATCH_ROWS / mdb['batch_single_s']:,.0f} rows/s) [{allms(mdb, 'batch_single')}] | "
             f"{batch_ratio:.2f}x | >= {TARGET_BATCH_RATIO}x | {verdict(batch_ratio >= TARGET_BATCH_RATIO)} |")
    L.append(f"| (3) point SELECT by primary key, {POINT_SELECTS:,} random ids in a {SELECT_TABLE_ROWS:,}-row table | "
             f"{rw['select_per_s']:,.0f}/s ({lat(rw, 'select')}) [{alls(rw, 'select')}] | "
             f"{mdb['select_per_s']:,.0f}/s ({lat(mdb, 'select')}) [{alls(mdb, 'select')}] | "
             f"{sel_ratio:.2f}x | >= {TARGET_SELECT_RATIO}x | {verdict(sel_ratio >= TARGET_SELECT_RATIO)} |")
    for key, what, q in QUERIES:
        ratio = rw[key + "_per_s"] / mdb[key + "_per_s"]
        L.append(f"| (3b) {what}: `{q}`, {QUERIES_PER_ROUND} a round on a {QUERY_TABLE_ROWS:,}-row table "
                 f"(EXPLAIN type/key: Rewind {rw[key + '_plan']}, MariaDB {mdb[key + '_plan']}) | "
                 f"{rw[key + '_per_s']:,.0f}/s [{alls(rw, key)}] | {mdb[key + '_per_s']:,.0f}/s [{alls(mdb, key)}] | "
                 f"{ratio:.2f}x | >= {TARGET_QUERY_RATIO}x | {verdict(ratio >= TARGET_QUERY_RATIO)} |")
    L.append(f"| connect + login on a new TCP connection, median of {CONNECTS} | {rw['connect_ms']:.2f} ms | "
             f"{mdb['connect_ms']:.2f} ms | {mdb['connect_ms'] / rw['connect_ms']:.2f}x | | |")
    L.append(f"| load {DRILL_ROWS:,} rows into a new table: 100 INSERTs of 1,000 rows | {rl['load_s']:.2f} s "
             f"(per INSERT p50 {rl['load_stmt_p50_ms']:.1f} ms, slowest {rl['load_stmt_max_ms']:.0f} ms) | {ml['load_s']:.2f} s "
             f"(per INSERT p50 {ml['load_stmt_p50_ms']:.1f} ms, slowest {ml['load_stmt_max_ms']:.0f} ms) | "
             f"{ml['load_s'] / rl['load_s']:.2f}x | | |")
    L.append(f"| `SELECT COUNT(*)` of those {DRILL_ROWS:,} rows, median of 3 | {rl['count_ms']:.1f} ms | {ml['count_ms']:.1f} ms | "
             f"{ml['count_ms'] / rl['count_ms']:.2f}x | | |")
    L.append(f"| `DELETE FROM t` of those {DRILL_ROWS:,} rows (one commit) | {fmt_ms(drill[0]['delete_s'])} | "
             f"{fmt_ms(ml['delete_s'])} | {ml['delete_s'] / drill[0]['delete_s']:.2f}x | | |")
    bt_cells = " / ".join(f"{d['total_s']:.2f} s" for d in drill)
    L.append(f"| (4) backtrack of that DELETE: BacktrackDBCluster sent -> cluster `available` and COUNT(*) = {DRILL_ROWS:,} "
             f"on a new connection ({DRILL_ROUNDS} rounds) | {bt_cells} | n/a | | < {TARGET_BACKTRACK_S:.0f} s | "
             f"{verdict(bt_worst < TARGET_BACKTRACK_S)} |")
    L.extend(sysbench_rows(r, verdict))
    if "big" in r:
        b = r["big"]
        peak = max(b["load_rss_mb"], b["serve_rss_mb"])
        sv = b["serve"]
        serve_ok = "failure" not in sv and not sv.get("errors") and not sv.get("reconnects")
        L.append(f"| (6) `--big`: sysbench prepare {BIG_TABLES} x {BIG_TABLE_SIZE:,} rows "
                 f"({BIG_TABLES * BIG_TABLE_SIZE * SB_ROW_BYTES / 1e9:.2f} GB of row data at {SB_ROW_BYTES} bytes a row; "
                 f"Rewind's data dir {b['data_dir_bytes'] / 1e9:.2f} GB with its backtrack log; its information_schema "
                 f"DATA_LENGTH + INDEX_LENGTH says {b['schema_bytes'] / 1e6:.1f} MB) "
                 f"in {b['load_s']:.0f} s, then oltp_read_write {BIG_THREADS} threads {BIG_SERVE_S} s "
                 f"({sv['tps']:,.1f} tps, {sb_errors(sv)}): Rewind's peak RSS (load / serve; VmHWM) | "
                 f"{b['load_rss_mb']:.0f} MB / {b['serve_rss_mb']:.0f} MB; {b['hwm_mb']:.0f} MB | n/a | | "
                 f"< {TARGET_BIG_RSS_MB} MB | {verdict(peak < TARGET_BIG_RSS_MB and serve_ok)} |")
    L.append("")
    L.append("\"Rewind vs MariaDB\" is Rewind's speed over MariaDB's: throughput over throughput, or MariaDB's "
             "time over Rewind's (below 1: Rewind is slower). Throughputs are of one connection issuing "
             "statements back to back, client time included; latencies are per statement, as the client sees them.")
    L.append("")
    per = lambda d: 1e3 / d  # noqa: E731  (per second -> ms each)
    L.append("Derived from the rows above (ms per statement):")
    L.append("")
    L.append(f"- commit cost, autocommit INSERT minus in-transaction INSERT: Rewind "
             f"{per(rw['insert_per_s']) - per(rw['txn_insert_per_s']):.3f} ms, MariaDB "
             f"{per(mdb['insert_per_s']) - per(mdb['txn_insert_per_s']):.3f} ms")
    L.append(f"- statement cost above the `SELECT 1` floor: INSERT in a transaction Rewind "
             f"{per(rw['txn_insert_per_s']) - per(rw['noop_per_s']):.3f} ms, MariaDB "
             f"{per(mdb['txn_insert_per_s']) - per(mdb['noop_per_s']):.3f} ms; point SELECT Rewind "
             f"{per(rw['select_per_s']) - per(rw['noop_per_s']):.3f} ms, MariaDB "
             f"{per(mdb['select_per_s']) - per(mdb['noop_per_s']):.3f} ms")
    L.append(f"- per row in bulk: (2b) Rewind {rw['batch_single_s'] / BATCH_ROWS * 1e6:.1f} us, MariaDB "
             f"{mdb['batch_single_s'] / BATCH_ROWS * 1e6:.1f} us; DELETE Rewind {drill[0]['delete_s'] / DRILL_ROWS * 1e6:.1f} us, "
             f"MariaDB {ml['delete_s'] / DRILL_ROWS * 1e6:.1f} us; COUNT(*) Rewind {rl['count_ms'] / DRILL_ROWS * 1e3:.2f} us, "
             f"MariaDB {ml['count_ms'] / DRILL_ROWS * 1e3:.2f} us")
    L.append(f"- {DRILL_ROWS // 1000}k load, 1,000-row INSERTs taking over 5x their median: Rewind {rl['load_stmt_slow']}, MariaDB {ml['load_stmt_slow']}")
    L.append("")
    L.append("## Backtrack detail")
    L.append("")
    L.append("Times from sending `BacktrackDBCluster` (a direct Query API POST over a kept-alive HTTP connection, "
             "not the AWS CLI); the phases in brackets are from Rewind's own event dates.")
    L.append("")
    L.append("| round | answered (Status) | cluster `available` [PENDING -> APPLYING; APPLYING -> COMPLETED] | "
             "COUNT(*) = 100,000 on a new connection | statuses polled | open session | BacktrackTo requested -> used | BacktrackedFrom |")
    L.append("|---|---:|---:|---:|---|---|---|---|")
    for i, d in enumerate(drill, 1):
        rec = d["record"]
        pend, apply = event_phases(r.get("events", []), d["id"])
        phases = f" [{pend:.0f} ms; {apply:.0f} ms]" if pend is not None and apply is not None else ""
        L.append(f"| {i} | {fmt_ms(d['answer_s'])} ({d['answer_status']}) | {fmt_ms(d['available_s'])}{phases} | "
                 f"{fmt_ms(d['total_s'])} ({d['reconnect_attempts']} connect attempt{'s' if d['reconnect_attempts'] != 1 else ''}) | "
                 f"{' -> '.join(d['cluster_statuses'])}; record {rec['Status']} | {d['old_session']} | "
                 f"{d['noted']} -> {rec['BacktrackTo']} | {rec['BacktrackedFrom']} |")
    L.append("")
    L.append(f"The AWS CLI would add its own start-up once: {r['cli_s'] * 1e3:,.0f} ms per call here (median of 3 "
             f"`aws rds describe-db-clusters`). Round 2 notes a time after round 1's backtrack and deletes the "
             f"restored rows again, so its log also holds round 1's backtrack group.")
    if r.get("events"):
        L.append("")
        L.append("Rewind's backtrack events (DescribeEvents):")
        L.append("")
        for date, msg in r["events"]:
            L.append(f"- `{date}` {msg}")
    L.append("")
    L.append("## Setup")
    L.append("")
    L.append(f"- Rewind: `rewind --listen 127.0.0.1:<free> --data-dir $WORK/rewind-data` (sled). Cluster by "
             f"`aws rds create-db-cluster --engine aurora-mysql --engine-version {ENGINE_VERSION} --backtrack-window 86400 "
             f"--master-username admin --master-user-password secret123 --port <free>` "
             f"({r['cli_create_cluster_s'] * 1e3:,.0f} ms) and `aws rds create-db-instance --db-instance-class db.r6g.large "
             f"--engine aurora-mysql --db-cluster-identifier {CLUSTER}` ({r['cli_create_instance_s'] * 1e3:,.0f} ms); "
             f"cluster and writer `available` {r['rewind_available_s'] * 1e3:,.0f} ms later "
             f"({' -> '.join(r['rewind_statuses'])}, cluster/instance); clients connect to the cluster's "
             f"`Endpoint`:`Port` from `aws rds describe-db-clusters`, {r['rewind_endpoint']}.")
    L.append(f"- MariaDB: `mariadb-install-db --no-defaults --datadir=$WORK/mariadb-data --user=root --skip-test-db` "
             f"({r['mariadb_info']['install_db_s']:.1f} s), then `{r['mariadb_info']['argv']}` (accepting logins "
             f"after {r['mariadb_info']['start_s']:.1f} s); the init file creates `admin`@`%` with Rewind's master "
             f"password and all privileges. Settings that matter here: {r['mariadb_vars']}.")
    L.append(f"- Both data directories are in `$WORK` ({r['fs']}). Load average {r['loadavg_start']:.2f} at the "
             f"start, {r['loadavg_end']:.2f} at the end (other work may share this machine).")
    L.append(f"- Same client code for both: the tables are `CREATE TABLE t {TABLE_DDL}` in a new database; "
             f"(1) {WARMUP_INSERTS} warm-up INSERTs first, then `INSERT INTO t (name, balance) VALUES (%s, %s)` "
             f"({SINGLE_INSERTS:,} per round, so t grows by {2 * SINGLE_INSERTS:,} rows a round); (2) statements "
             f"(`INSERT INTO tb (name, balance) VALUES (...),(...),...`) built before the clock starts; (3) "
             f"`SELECT id, name, balance FROM ts WHERE id = %s` on a table loaded with {SELECT_TABLE_ROWS:,} rows "
             f"before the rounds, ids from a seeded random generator (the same sequence on both), each answer "
             f"checked; (3b) `CREATE TABLE tq {QUERY_TABLE_DDL}` loaded with "
             f"{QUERY_TABLE_ROWS:,} rows (k = row x 7919 mod {QUERY_K_VALUES:,}, names `name-0000000`...), each query "
             f"with parameters from a seeded random generator, each answer checked; (4) `GET /_rewind/clock` noted "
             f"{DRILL_GAP_S} s after the load, `DELETE FROM t` {DRILL_GAP_S} s after that, the cluster polled "
             f"every {POLL_S * 1e3:.0f} ms by DescribeDBClusters, then new connections tried every "
             f"{POLL_S * 1e3:.0f} ms until `SELECT COUNT(*) FROM t` = {DRILL_ROWS:,}.")
    L.append(f"- (5) {r['sysbench_version']}, its bundled `oltp_read_write`, `oltp_point_select`, `oltp_insert` "
             f"(copies in `$WORK/sysbench`), MySQL driver, prepared statements (sysbench's default), `--rand-seed=20240101`; "
             f"`prepare` with `--tables={SB_TABLES} --table-size={SB_TABLE_SIZE}` on each server first (Rewind "
             f"{r['sb_prepare_s']['rewind']:.1f} s, MariaDB {r['sb_prepare_s']['mariadb']:.1f} s), after the rows above; "
             f"then {SB_ROUNDS} rounds of every test at {' and '.join(map(str, SB_THREADS))} threads, `--time={SB_TIME_S}`, "
             f"alternating the server that goes first; oltp_insert grows the same tables. \"errors\" are sysbench's "
             f"ignored errors (deadlocks and lock waits by default); any other error stops a run and is shown.")
    if "big" in r:
        b = r["big"]
        L.append(f"- (6) `--big`, on Rewind only, after the drill: `sysbench oltp_read_write prepare --tables={BIG_TABLES} "
                 f"--table-size={BIG_TABLE_SIZE} --threads={min(BIG_TABLES, 2)}` into a new database, then "
                 f"`oltp_read_write run --threads={BIG_THREADS} --time={BIG_SERVE_S}`; the `rewind` process's VmRSS read "
                 f"from /proc every {RSS_SAMPLE_S * 1e3:.0f} ms through both ({b['samples']:,} samples), VmHWM at the end.")
    L.append("")
    return "\n".join(L) + "\n"


def sb_errors(m: dict) -> str:
    text = f"{m.get('errors', 0)} errors, {m.get('reconnects', 0)} reconnects"
    return text + (f", **stopped: {m['failure']}**" if "failure" in m else "")


def sysbench_rows(r: dict, verdict) -> list[str]:
    """(5) one row per sysbench test and thread count: the best round of each server; a target
    is met only with no error, reconnect or stopped run on Rewind in any round."""
    L = []
    res = r["sysbench"]
    for test, target in SB_TESTS:
        for threads in SB_THREADS:
            rws, mds = res[(test, threads, "rewind")], res[(test, threads, "mariadb")]
            best_rw, best_md = max(rws, key=lambda m: m["tps"]), max(mds, key=lambda m: m["tps"])
            ratio = best_rw["tps"] / best_md["tps"] if best_md["tps"] else 0.0
            clean = all("failure" not in m and not m.get("errors") and not m.get("reconnects") for m in rws)
            L.append(f"| (5) sysbench `{test}`, {threads} thread{'s' if threads > 1 else ''}, {SB_TABLES} x "
                     f"{SB_TABLE_SIZE:,} rows, {SB_TIME_S} s a round | {sb_cell(best_rw, rws)} | {sb_cell(best_md, mds)} | "
                     f"{ratio:.2f}x | >= {target}x, no errors | {verdict(ratio >= target and clean)} |")
    return L


def sb_cell(best: dict, rounds: list[dict]) -> str:
    """The best round's tps and p95, every round's tps, and the errors of the worst round."""
    worst = max(rounds, key=lambda m: ("failure" in m, m.get("errors", 0) + m.get("reconnects", 0)))
    every = " / ".join(f"{m['tps']:,.1f}" for m in rounds)
    return f"{best['tps']:,.1f} tps (p95 {best.get('p95_ms', 0):.2f} ms) [{every}]; {sb_errors(worst)}"


# ---------------------------------------------------------------- main


def fs_of(path: Path) -> str:
    try:
        out = subprocess.run(["df", "--output=fstype,source", str(path)], capture_output=True, text=True, timeout=10)
        lines = out.stdout.split("\n")
        return " on ".join(lines[1].split()) if len(lines) > 1 and lines[1].strip() else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def run(args) -> None:
    work = Path(args.work)
    procs = Procs(work)
    r: dict = {"binary_note": args.binary_note, "machine": machine(), "fs": fs_of(work)}
    try:
        from importlib.metadata import version

        r["pymysql"] = version("PyMySQL")  # pymysql.__version__ imitates mysqlclient's
    except Exception:  # noqa: BLE001
        r["pymysql"] = "?"

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    r["loadavg_start"] = loadavg()
    try:
        # ---- Rewind
        p, api_port = start_rewind(procs, args.rewind, work)
        api = Api(api_port)
        mysql_port = free_port({api_port})
        log(f"rewind: API on 127.0.0.1:{api_port}; creating {CLUSTER} (MySQL port {mysql_port}) with the AWS CLI")
        _, r["cli_create_cluster_s"] = aws(
            procs, args.aws, api_port, "create-db-cluster", "--db-cluster-identifier", CLUSTER,
            "--engine", "aurora-mysql", "--engine-version", ENGINE_VERSION, "--backtrack-window", "86400",
            "--master-username", USER, "--master-user-password", PASSWORD, "--port", str(mysql_port),
        )
        _, r["cli_create_instance_s"] = aws(
            procs, args.aws, api_port, "create-db-instance", "--db-instance-identifier", WRITER,
            "--db-instance-class", "db.r6g.large", "--engine", "aurora-mysql", "--db-cluster-identifier", CLUSTER,
        )
        r["rewind_available_s"], r["rewind_statuses"] = wait_available(api, AVAILABLE_TIMEOUT_S)
        desc, _ = aws(procs, args.aws, api_port, "describe-db-clusters", "--db-cluster-identifier", CLUSTER)
        c0 = desc["DBClusters"][0]
        if c0["Status"] != "available":
            raise BenchError(f"describe-db-clusters says {c0['Status']}, expected available")
        host, port = c0["Endpoint"], int(c0["Port"])
        r["rewind_endpoint"] = f"{host}:{port}"
        cli = [aws(procs, args.aws, api_port, "describe-db-clusters", "--db-cluster-identifier", CLUSTER)[1]
               for _ in range(3)]
        r["cli_s"] = statistics.median(cli)
        log(f"rewind: cluster available; endpoint {host}:{port}")

        # ---- MariaDB
        log("mariadb: initialising a private datadir and starting mariadbd")
        mp, mport, r["mariadb_info"] = start_mariadb(procs, args.mariadbd, args.install_db, work)
        c = connect("127.0.0.1", mport)
        cur = c.cursor()
        cur.execute("SELECT @@innodb_flush_log_at_trx_commit, @@log_bin, @@innodb_doublewrite, "
                    "@@innodb_flush_method, @@innodb_buffer_pool_size")
        f, lb, dw, fm, bp = cur.fetchone()
        r["mariadb_vars"] = (f"innodb_flush_log_at_trx_commit={f}, log_bin={'ON' if lb else 'OFF'}, "
                             f"innodb_doublewrite={'ON' if dw else 'OFF'}, innodb_flush_method={fm}, "
                             f"innodb_buffer_pool_size={int(bp) // (1 << 20)} MiB")
        c.close()
        log(f"mariadb: on 127.0.0.1:{mport} ({r['mariadb_vars']})")

        # ---- the same rounds on both, alternating (R M, M R, R M): only one server works at a time
        r["disk"] = [disk_probe(work)]
        rw, mdb = Target("rewind", host, port), Target("mariadb", "127.0.0.1", mport)
        for t in (rw, mdb):
            t.setup()
        for rnd in range(1, ROUNDS + 1):
            for t in ((rw, mdb) if rnd % 2 else (mdb, rw)):
                t.one_round(rnd)
        for t in (rw, mdb):
            t.connects()
            t.close()
        r["rewind"], r["mariadb"] = rw.summary(), mdb.summary()
        r["disk"].append(disk_probe(work))

        # ---- sysbench, the same way on both
        sb_rw = Sysbench(procs, args.sysbench, work, "rewind", host, port, "sbtest")
        sb_mdb = Sysbench(procs, args.sysbench, work, "mariadb", "127.0.0.1", mport, "sbtest")
        r["sb_prepare_s"] = {sb.who: sb.prepare(SB_TABLES, SB_TABLE_SIZE, 1, SB_TIMEOUT_S) for sb in (sb_rw, sb_mdb)}
        r["sysbench"] = sysbench_rounds(sb_rw, sb_mdb)
        rc, out, _ = procs.run([args.sysbench, "--version"], timeout=10)
        r["sysbench_version"] = out.strip() or "?"

        # ---- the drill: Rewind's backtrack; the same load, COUNT(*) and DELETE on MariaDB
        conn, r["mariadb_load"] = load_drill_table("127.0.0.1", mport, "mariadb")
        r["mariadb_load"]["delete_s"] = timed_delete(conn, "mariadb")
        conn.close()
        Procs.stop(mp, timeout=30)
        drill = []
        conn, r["rewind_load"] = load_drill_table(host, port, "rewind")
        for rnd in range(1, DRILL_ROUNDS + 1):
            if rnd > 1:
                conn = connect(host, port, "drill")
            drill.append(backtrack_round(api, host, port, conn, rnd))
        r["drill"] = drill
        r["events"] = backtrack_events(api)
        if args.big:
            r["big"] = big_run(procs, args.sysbench, work, p.pid, host, port)
        if p.poll() is not None:
            raise BenchError(f"rewind exited ({p.returncode}) during the run:\n{tail(work / 'rewind.log')}")
        Procs.stop(p)
        r["loadavg_end"] = loadavg()
    finally:
        procs.stop_all()

    md = report(r)
    Path(args.out).write_text(md)
    print(md)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    rp = sub.add_parser("run")
    rp.add_argument("--rewind", required=True)
    rp.add_argument("--aws", required=True, help="the AWS CLI (.venv/bin/aws)")
    rp.add_argument("--mariadbd", required=True)
    rp.add_argument("--install-db", required=True, help="mariadb-install-db")
    rp.add_argument("--work", required=True, help="scratch dir (data dirs, logs, pids)")
    rp.add_argument("--out", required=True)
    rp.add_argument("--sysbench", required=True)
    rp.add_argument("--big", action="store_true", help="also load ~1 GB with sysbench and sample Rewind's RSS")
    rp.add_argument("--binary-note", default="", help="where the measured binary came from (for the report)")
    return run_reporting(run, ap.parse_args(), "bench-dataplane")


if __name__ == "__main__":
    sys.exit(main())
