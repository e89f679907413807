"""A private MariaDB server for the differential SQL suite (tests-e2e/test_differential.py).

Debian's ``mariadb-server`` (bookworm: MariaDB 10.11) is installed with apt when ``mariadbd`` is
missing (scripts/test does it in its differential step; this module does it too when run on its
own, as root or with passwordless sudo; when neither works it raises MariaDBUnavailable and the
suite is skipped with that note). Each start makes a fresh data directory with
``mariadb-install-db`` in a temp dir and runs ``mariadbd --no-defaults`` on it, listening on a
free port of 127.0.0.1 only (and a unix socket in the temp dir), configured as close to MySQL
8.0's defaults as MariaDB allows:

- ``sql_mode`` = MySQL 8.0's default (ONLY_FULL_GROUP_BY, STRICT_TRANS_TABLES, NO_ZERO_IN_DATE,
  NO_ZERO_DATE, ERROR_FOR_DIVISION_BY_ZERO, NO_ENGINE_SUBSTITUTION);
- ``character-set-server=utf8mb4`` with ``collation-server=utf8mb4_uca1400_ai_ci``, and the
  client connects with that collation too (``SET NAMES utf8mb4`` alone gives
  utf8mb4_general_ci on MariaDB). MariaDB 10.11 has no ``utf8mb4_0900_ai_ci`` (MySQL 8.0's
  default). ``uca1400_ai_ci`` (UCA 14.0) is the closest: like 0900_ai_ci (UCA 9.0) it is
  accent- and case-insensitive with ß = ss, and gives supplementary characters (emoji) their
  own weights, where ``utf8mb4_unicode_ci`` (UCA 4.0) makes every emoji equal to every other.
  What remains different is padding (0900 is NO PAD: 'a' = 'a ' is 0 and 'x' / 'x ' are
  distinct keys; uca1400_ai_ci is PAD SPACE) and the collation names reported: those
  statements carry a MySQL 8.0 annotation (differential/DIFFERENCES.md);
- ``time_zone`` +00:00, ``explicit_defaults_for_timestamp``, ``group_concat_max_len`` 1024,
  ``max_allowed_packet`` 64M, ``lower_case_table_names`` 0, InnoDB, REPEATABLE READ (all
  MySQL 8.0's values).

The master user is ``admin`` with the suite's password, as on a Rewind cluster. Every wait is
bounded; ``stop()`` shuts the server down (SHUTDOWN, then SIGTERM, then SIGKILL) and removes
the data dir. The pid is registered in ``$REWIND_E2E_PID_DIR`` so scripts/test can kill a
server left by an interrupted run. Start to first query takes about 2 s.

Check by hand: ``.venv/bin/python tests-e2e/mariadb_server.py`` (start, print settings, stop).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pymysql

SQL_MODE = (
    "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
)
COLLATION = "utf8mb4_uca1400_ai_ci"
SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")


def _which(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for d in SBIN_DIRS:
        p = Path(d) / name
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
    return None


class MariaDBUnavailable(RuntimeError):
    """mariadbd is missing and cannot be installed here."""


def ensure_installed() -> None:
    """Install Debian's mariadb-server with apt when mariadbd is missing (bounded)."""
    if _which("mariadbd") and _which("mariadb-install-db"):
        return
    if not shutil.which("apt-get"):
        raise MariaDBUnavailable("mariadbd is missing and there is no apt-get to install mariadb-server")
    sudo: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise MariaDBUnavailable("mariadbd is missing and neither root nor sudo is available to apt-get install mariadb-server")
        sudo = ["sudo", "-n"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run([*sudo, "apt-get", "update", "-qq"], env=env, check=True, timeout=300, stdout=subprocess.DEVNULL)
        subprocess.run(
            [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "mariadb-server"],
            env=env,
            check=True,
            timeout=600,
            stdout=subprocess.DEVNULL,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
        raise MariaDBUnavailable(f"apt-get install mariadb-server failed: {e}") from None
    if not (_which("mariadbd") and _which("mariadb-install-db")):
        raise MariaDBUnavailable("apt-get installed mariadb-server but mariadbd / mariadb-install-db are still missing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MariaDB:
    """One private mariadbd on 127.0.0.1:<port>, with a fresh data dir."""

    def __init__(self, user: str = "admin", password: str = "secret123"):
        self.user = user
        self.password = password
        self.tmp = Path(tempfile.mkdtemp(prefix="rewind-mariadb-"))
        self.datadir = self.tmp / "data"
        self.sock = self.tmp / "sock"
        self.log = self.tmp / "mariadbd.log"
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.pid_dir = os.environ.get("REWIND_E2E_PID_DIR")
        self.version = ""
        self.collation = COLLATION

    # -----------------------------------------------------------------------------------------

    def start(self, timeout: float = 60) -> None:
        ensure_installed()
        mariadbd = _which("mariadbd")
        install_db = _which("mariadb-install-db")
        assert mariadbd and install_db
        as_root = ["--user=root"] if os.geteuid() == 0 else []
        common = ["--no-defaults", f"--datadir={self.datadir}", "--innodb-log-file-size=16M"]
        res = subprocess.run(
            [
                install_db,
                *common,
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *as_root,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=120,
        )
        if res.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed ({res.returncode}):\n{res.stdout.decode(errors='replace')[-3000:]}")
        self.port = _free_port()
        args = [
            mariadbd,
            *common,
            *as_root,
            f"--socket={self.sock}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--pid-file={self.tmp / 'mariadbd.pid'}",
            f"--log-error={self.log}",
            "--skip-name-resolve",
            "--skip-log-bin",
            "--performance-schema=OFF",
            "--innodb-buffer-pool-size=64M",
            "--innodb-flush-log-at-trx-commit=2",
            "--max-connections=50",
            # MySQL 8.0's defaults, as far as MariaDB has them
            f"--sql-mode={SQL_MODE}",
            "--character-set-server=utf8mb4",
            f"--collation-server={COLLATION}",
            "--default-time-zone=+00:00",
            "--explicit-defaults-for-timestamp",
            "--lower-case-table-names=0",
            "--default-storage-engine=InnoDB",
            "--group-concat-max-len=1024",
            "--max-allowed-packet=64M",
            "--transaction-isolation=REPEATABLE-READ",
        ]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        if self.pid_dir:
            Path(self.pid_dir).mkdir(parents=True, exist_ok=True)
            (Path(self.pid_dir) / str(self.proc.pid)).write_text(str(self.proc.pid))
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mariadbd exited with {self.proc.returncode} during startup:\n{self.log_tail()}")
            try:
                root = pymysql.connect(unix_socket=str(self.sock), user="root", connect_timeout=2, read_timeout=30, autocommit=True)
                break
            except pymysql.err.MySQLError as e:
                last = e
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"mariadbd not answering within {timeout}s ({last!r}):\n{self.log_tail()}")
            time.sleep(0.1)
        try:
            with root.cursor() as cur:
                cur.execute("SELECT VERSION()")
                self.version = cur.fetchone()[0]
                pw = root.escape(self.password)
                for host in ("127.0.0.1", "localhost", "%"):
                    cur.execute(f"CREATE USER '{self.user}'@'{host}' IDENTIFIED BY {pw}")
                    cur.execute(f"GRANT ALL PRIVILEGES ON *.* TO '{self.user}'@'{host}' WITH GRANT OPTION")
        except BaseException:
            root.close()
            self.stop()
            raise
        root.close()

    def connect(self, **kw) -> pymysql.Connection:
        kw.setdefault("autocommit", True)
        kw.setdefault("connect_timeout", 5)
        kw.setdefault("read_timeout", 30)
        kw.setdefault("write_timeout", 30)
        return pymysql.connect(
            host="127.0.0.1", port=self.port, user=self.user, password=self.password, charset="utf8mb4", collation=COLLATION, **kw
        )

    def log_tail(self, n: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        try:
            if self.proc is not None and self.proc.poll() is None:
                try:
                    conn = pymysql.connect(unix_socket=str(self.sock), user="root", connect_timeout=2, read_timeout=5)
                    try:
                        with conn.cursor() as cur:
                            cur.execute("SHUTDOWN")
                    finally:
                        conn.close()
                except pymysql.err.MySQLError:
                    pass
                try:
                    self.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.proc.terminate()
                    try:
                        self.proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        self.proc.kill()
                        self.proc.wait(timeout=5)
            if self.proc is not None and self.pid_dir:
                (Path(self.pid_dir) / str(self.proc.pid)).unlink(missing_ok=True)
            self.proc = None
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


if __name__ == "__main__":  # a manual check: start, print the settings, stop
    m = MariaDB()
    m.start()
    try:
        c = m.connect()
        with c.cursor() as cur:
            cur.execute(
                "SELECT VERSION(), @@sql_mode, @@collation_server, @@collation_connection, @@time_zone, "
                "@@explicit_defaults_for_timestamp, @@group_concat_max_len"
            )
            print(m.port, cur.fetchone())
        c.close()
    finally:
        m.stop()
