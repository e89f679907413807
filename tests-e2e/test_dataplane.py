"""End-to-end tests of the MySQL data plane with PyMySQL, against target/release/rewind.

The control plane is driven with boto3, the data plane with PyMySQL over TCP to the loopback
addresses describe-db-clusters / describe-db-instances show. Self-contained like the other
suites: one ``--pace fast`` server per session (every test starts from ``POST /_rewind/reset``),
one ``--pace realistic`` server per session for the tests that hold a state with Rewind's clock
(``POST /_rewind/clock``), and a server of its own for the kill -9 test. Every cluster gets a
MySQL port picked free at run time, never 3306, so this suite can run beside the others (which
leave their clusters on 3306). Every wait is bounded; nothing talks to anything but loopback.

Run: ``.venv/bin/python -m pytest -q tests-e2e/test_dataplane.py``
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import time

import pymysql
import pytest

from rewind_server import Server, free_mysql_port, session_server

PASSWORD = "secret123"
ENGINE_VERSION = "8.0.mysql_aurora.3.05.2"
MIB = 1024 * 1024

# client errors: connect refused (TCP / socket), lost connection, gone away
CR_CONN_HOST_ERROR = 2003
CR_CONNECTION_ERROR = 2002
CR_SERVER_LOST = 2013
CR_SERVER_GONE_ERROR = 2006
ER_OPTION_PREVENTS_STATEMENT = 1290
ER_ACCESS_DENIED_ERROR = 1045


@pytest.fixture(scope="session")
def fast_server():
    yield from session_server("fast", "pytest-dataplane")


@pytest.fixture(scope="session")
def slow_server():
    yield from session_server("realistic", "pytest-dataplane-realistic")


@pytest.fixture
def server(fast_server):
    fast_server.reset()
    return fast_server


@pytest.fixture
def slow(slow_server):
    slow_server.reset()
    return slow_server


@pytest.fixture
def own_server():
    """A fast server of this test's own, for kill -9."""
    yield from session_server("fast", "pytest-dataplane-kill")


# ---------------------------------------------------------------------------------------------
# Clusters and connections
# ---------------------------------------------------------------------------------------------


class Cluster:
    """What describe says about a cluster's endpoints."""

    def __init__(self, rds, ident: str):
        self.rds = rds
        self.ident = ident
        self.refresh()

    def refresh(self) -> None:
        c = self.rds.describe_db_clusters(DBClusterIdentifier=self.ident)["DBClusters"][0]
        self.desc = c
        self.writer = c["Endpoint"]
        self.reader = c["ReaderEndpoint"]
        self.port = c["Port"]
        insts = self.rds.describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": [self.ident]}])["DBInstances"]
        self.instances = {i["DBInstanceIdentifier"]: i["Endpoint"]["Address"] for i in insts}
        self.instance_ports = {i["DBInstanceIdentifier"]: i["Endpoint"]["Port"] for i in insts}
        self.writer_id = next((m["DBInstanceIdentifier"] for m in c["DBClusterMembers"] if m["IsClusterWriter"]), None)

    def hosts(self) -> list[str]:
        return [self.writer, self.reader, *self.instances.values()]


def wait_cluster(rds, ident: str, status: str = "available", timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    seen = None
    while True:
        seen = rds.describe_db_clusters(DBClusterIdentifier=ident)["DBClusters"][0]["Status"]
        if seen == status:
            return
        assert time.monotonic() < deadline, f"cluster {ident} not {status} after {timeout}s (last: {seen})"
        time.sleep(0.1)


def wait_instance(rds, ident: str, status: str = "available", timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    seen = None
    while True:
        try:
            seen = rds.describe_db_instances(DBInstanceIdentifier=ident)["DBInstances"][0]["DBInstanceStatus"]
        except rds.exceptions.DBInstanceNotFoundFault:
            seen = "gone"
        if seen == status:
            return
        assert time.monotonic() < deadline, f"instance {ident} not {status} after {timeout}s (last: {seen})"
        time.sleep(0.1)


def make_cluster(
    srv: Server,
    ident: str,
    instances: int = 2,
    window: int | None = 86400,
    engine_version: str = ENGINE_VERSION,
) -> Cluster:
    """An available cluster on a free MySQL port with `instances` instances (the first the writer)."""
    rds = srv.rds()
    kw = {"BacktrackWindow": window} if window is not None else {}
    rds.create_db_cluster(
        DBClusterIdentifier=ident,
        Engine="aurora-mysql",
        EngineVersion=engine_version,
        MasterUsername="admin",
        MasterUserPassword=PASSWORD,
        Port=free_mysql_port(),
        **kw,
    )
    for n in range(instances):
        rds.create_db_instance(
            DBInstanceIdentifier=f"{ident}-{n + 1}",
            DBClusterIdentifier=ident,
            Engine="aurora-mysql",
            DBInstanceClass="db.r6g.large",
        )
    if srv.pace == "realistic":
        srv.advance(900)
    wait_cluster(rds, ident)
    for n in range(instances):
        wait_instance(rds, f"{ident}-{n + 1}")
    c = Cluster(rds, ident)
    for host in c.hosts():
        wait_accepting(host, c.port)
    return c


def connect(host: str, port: int, password: str = PASSWORD, user: str = "admin", **kw) -> pymysql.Connection:
    kw.setdefault("autocommit", True)
    return pymysql.connect(
        host=host,
        port=port,
        user=user,
        password=password,
        connect_timeout=5,
        read_timeout=60,
        write_timeout=60,
        **kw,
    )


def one(conn, sql: str, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone()
        return row[0] if row is not None and len(row) == 1 else row


def rows(conn, sql: str, args=None) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return [tuple(r) for r in cur.fetchall()]


def run(conn, sql: str, args=None) -> int:
    with conn.cursor() as cur:
        return cur.execute(sql, args)


class Texts:
    """Collects text values (TEXT, LONGTEXT, VARCHAR) that came back as bytes.

    MySQL sends text columns with the connection's character set, so PyMySQL decodes them to
    str; a column sent with the binary character set (63) arrives as bytes. The tests decode
    such values to go on checking what they check, and fail at the end with every one seen.
    """

    def __init__(self):
        self.binary: list[str] = []

    def __call__(self, value, what: str):
        if isinstance(value, bytes):
            self.binary.append(what)
            return value.decode("utf-8")
        return value

    def row(self, row: tuple, what: str) -> tuple:
        return tuple(self(v, f"{what}[{i}]") for i, v in enumerate(row))

    def check(self) -> None:
        assert not self.binary, (
            "text values came back as bytes (column sent with the binary character set): " + ", ".join(self.binary)
        )


def mysql_error(fn, *args) -> tuple[int, str]:
    """Run fn(*args); it must raise a MySQL error: its (code, message)."""
    with pytest.raises(pymysql.err.MySQLError) as ei:
        fn(*args)
    assert len(ei.value.args) >= 2 and isinstance(ei.value.args[0], int), f"not a MySQL error: {ei.value!r}"
    return ei.value.args[0], str(ei.value.args[1])


def refused(host: str, port: int) -> int | None:
    """The client error of one connection attempt (2003/2002), or None when it connected."""
    try:
        conn = connect(host, port)
    except pymysql.err.OperationalError as e:
        return e.args[0]
    conn.close()
    return None


def wait_refused(host: str, port: int, timeout: float = 5, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while True:
        code = refused(host, port)
        if code in (CR_CONN_HOST_ERROR, CR_CONNECTION_ERROR):
            return
        assert time.monotonic() < deadline, f"{what}: {host}:{port} not refusing connections after {timeout}s (got {code})"
        time.sleep(0.1)


def assert_still_refused(host: str, port: int, what: str) -> None:
    for _ in range(3):
        code = refused(host, port)
        assert code in (CR_CONN_HOST_ERROR, CR_CONNECTION_ERROR), f"{what}: {host}:{port} should refuse, got {code}"
        time.sleep(0.1)


def wait_accepting(host: str, port: int, timeout: float = 10, password: str = PASSWORD) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            conn = connect(host, port, password=password)
            try:
                if one(conn, "SELECT 1") == 1:
                    return
            finally:
                conn.close()
        except pymysql.err.MySQLError as e:
            last = e
        assert time.monotonic() < deadline, f"{host}:{port} not accepting after {timeout}s: {last!r}"
        time.sleep(0.1)


def assert_dropped(conn, what: str) -> None:
    """An open connection was closed by the server: its next query fails with 2013 or 2006."""
    with pytest.raises(pymysql.err.OperationalError) as ei:
        one(conn, "SELECT 1")
    assert ei.value.args[0] in (CR_SERVER_LOST, CR_SERVER_GONE_ERROR), f"{what}: {ei.value!r}"


def backtrack(rds, ident: str, to: dt.datetime) -> dict:
    resp = rds.backtrack_db_cluster(DBClusterIdentifier=ident, BacktrackTo=to)
    assert resp["Status"] == "PENDING"
    return resp


# ---------------------------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------------------------


def test_endpoints_are_what_describe_shows(server):
    c = make_cluster(server, "ep", instances=2)
    assert c.writer_id == "ep-1"
    m = re.fullmatch(r"127\.(\d+)\.(\d+)\.1", c.writer)
    assert m, c.writer
    block = c.writer[: -len(".1")]
    assert c.reader == f"{block}.2"
    assert c.port not in (3306, None)
    assert set(c.instance_ports.values()) == {c.port}
    for ident, addr in c.instances.items():
        last = int(addr.rsplit(".", 1)[1])
        assert addr.startswith(block + ".") and 11 <= last <= 210, f"{ident}: {addr}"
    assert len(set(c.instances.values())) == 2

    w = connect(c.writer, c.port)
    run(w, "CREATE DATABASE app")
    run(w, "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(10))")
    run(w, "INSERT INTO app.t VALUES (1, 'one')")
    # every endpoint reads the writer's data
    for host in c.hosts():
        conn = connect(host, c.port)
        assert rows(conn, "SELECT id, v FROM app.t") == [(1, "one")], host
        conn.close()
    # writer and reader told apart
    writable = {}
    for name, host in [("writer", c.writer), ("reader", c.reader), *c.instances.items()]:
        conn = connect(host, c.port)
        try:
            run(conn, "INSERT INTO app.t VALUES (%s, %s)", (100 + len(writable), name))
            writable[name] = True
        except pymysql.err.MySQLError as e:
            assert e.args[0] == ER_OPTION_PREVENTS_STATEMENT, (name, e)
            writable[name] = False
        conn.close()
    assert writable == {"writer": True, "reader": False, "ep-1": True, "ep-2": False}

    # a second cluster: its own block and its own data; with no reader, the reader endpoint
    # reaches the writer
    d = make_cluster(server, "solo", instances=1)
    assert d.writer != c.writer and d.writer.endswith(".1")
    assert d.reader == d.writer[: -len(".1")] + ".2"
    s = connect(d.writer, d.port)
    assert "app" not in [r[0] for r in rows(s, "SHOW DATABASES")]
    run(s, "CREATE DATABASE solo")
    run(s, "CREATE TABLE solo.t (id INT PRIMARY KEY)")
    run(s, "INSERT INTO solo.t VALUES (1)")
    r = connect(d.reader, d.port)
    assert one(r, "SELECT COUNT(*) FROM solo.t") == 1
    run(r, "INSERT INTO solo.t VALUES (2)")  # the reader endpoint is the writer here
    assert one(s, "SELECT COUNT(*) FROM solo.t") == 2
    assert "solo" not in [x[0] for x in rows(w, "SHOW DATABASES")]


def test_readers_are_read_only(server):
    c = make_cluster(server, "ro", instances=3)
    w = connect(c.writer, c.port)
    run(w, "CREATE DATABASE shop")
    run(w, "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20), qty INT)")
    run(w, "INSERT INTO shop.items VALUES (1, 'a', 1), (2, 'b', 2)")
    readers = {"reader endpoint": c.reader, "ro-2": c.instances["ro-2"], "ro-3": c.instances["ro-3"]}
    writes = [
        "INSERT INTO shop.items VALUES (3, 'c', 3)",
        "UPDATE shop.items SET qty = 0",
        "UPDATE shop.items SET qty = 0 WHERE id = 1",
        "DELETE FROM shop.items",
        "DELETE FROM shop.items WHERE id = 1",
        "CREATE TABLE shop.other (id INT PRIMARY KEY)",
        "CREATE DATABASE other",
        "DROP TABLE shop.items",
        "TRUNCATE TABLE shop.items",
    ]
    for name, host in readers.items():
        conn = connect(host, c.port)
        for sql in writes:
            code, msg = mysql_error(run, conn, sql)
            assert code == ER_OPTION_PREVENTS_STATEMENT, f"{name}: {sql}: {code} {msg}"
            assert "read-only" in msg or "read_only" in msg, f"{name}: {sql}: {msg}"
        # still usable, and it sees the writer's next commit
        assert rows(conn, "SELECT id, name, qty FROM shop.items ORDER BY id") == rows(
            w, "SELECT id, name, qty FROM shop.items ORDER BY id"
        ), name
        run(w, "UPDATE shop.items SET qty = qty + 10 WHERE id = 2")
        assert one(conn, "SELECT qty FROM shop.items WHERE id = 2") == one(w, "SELECT qty FROM shop.items WHERE id = 2")
        conn.close()
    # a write in an explicit transaction on a reader fails too
    conn = connect(c.reader, c.port, database="shop")
    run(conn, "BEGIN")
    assert mysql_error(run, conn, "INSERT INTO items VALUES (9, 'z', 9)")[0] == ER_OPTION_PREVENTS_STATEMENT
    run(conn, "ROLLBACK")
    assert one(w, "SELECT COUNT(*) FROM shop.items") == 2


def test_master_password(server):
    c = make_cluster(server, "pw", instances=2)
    for host in c.hosts():
        code, msg = mysql_error(connect, host, c.port, "wrong")
        assert code == ER_ACCESS_DENIED_ERROR, (host, msg)
        assert "Access denied" in msg
    code, _ = mysql_error(connect, c.writer, c.port, PASSWORD, "root")
    assert code == ER_ACCESS_DENIED_ERROR
    code, _ = mysql_error(connect, c.writer, c.port, "")
    assert code == ER_ACCESS_DENIED_ERROR
    w = connect(c.writer, c.port)
    assert one(w, "SELECT USER()").startswith("admin@")
    run(w, "CREATE DATABASE keep")
    w.close()

    rds = server.rds()
    rds.modify_db_cluster(DBClusterIdentifier="pw", MasterUserPassword="n3wSecret99", ApplyImmediately=True)
    wait_cluster(rds, "pw")
    wait_accepting(c.writer, c.port, password="n3wSecret99")
    for host in c.hosts():
        wait_accepting(host, c.port, password="n3wSecret99")
        code, _ = mysql_error(connect, host, c.port, PASSWORD)
        assert code == ER_ACCESS_DENIED_ERROR, host
        conn = connect(host, c.port, password="n3wSecret99")
        assert "keep" in [r[0] for r in rows(conn, "SHOW DATABASES")]
        conn.close()


# ---------------------------------------------------------------------------------------------
# SQL
# ---------------------------------------------------------------------------------------------


def test_session_variables_and_functions(server):
    c = make_cluster(server, "vars", instances=1)
    conn = connect(c.writer, c.port)
    version, comment, aurora = rows(conn, "SELECT @@version, @@version_comment, @@aurora_version")[0]
    assert re.match(r"^8\.0\.\d+", version), version
    assert comment
    assert aurora == "3.05.2"
    assert one(conn, "SELECT DATABASE()") is None
    assert one(conn, "SELECT USER()").startswith("admin@")
    now = one(conn, "SELECT NOW()")
    assert isinstance(now, dt.datetime), repr(now)
    rewind_now = server.now().replace(tzinfo=None)
    assert abs((now - rewind_now).total_seconds()) <= 5, (now, rewind_now)
    run(conn, "SET NAMES utf8mb4")
    run(conn, "SET autocommit = 0")
    assert one(conn, "SELECT @@autocommit") == 0
    run(conn, "SET autocommit = 1")
    assert one(conn, "SELECT @@autocommit") == 1
    run(conn, "CREATE DATABASE d")
    run(conn, "USE d")
    assert one(conn, "SELECT DATABASE()") == "d"
    run(conn, "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)")
    with conn.cursor() as cur:
        cur.execute("INSERT INTO t (v) VALUES (10), (20), (30)")
        assert cur.lastrowid == 1
    assert one(conn, "SELECT LAST_INSERT_ID()") == 1
    with conn.cursor() as cur:
        cur.execute("INSERT INTO t (v) VALUES (40)")
        assert cur.lastrowid == 4
    assert one(conn, "SELECT LAST_INSERT_ID()") == 4
    # per connection: another session has its own
    other = connect(c.writer, c.port, database="d")
    assert one(other, "SELECT DATABASE()") == "d"
    assert one(other, "SELECT LAST_INSERT_ID()") == 0

    # a 5.7 cluster says so
    old = make_cluster(server, "old", instances=1, engine_version="5.7.mysql_aurora.2.11.2")
    conn = connect(old.writer, old.port)
    version, aurora = rows(conn, "SELECT @@version, @@aurora_version")[0]
    assert re.match(r"^5\.7\.\d+", version), version
    assert aurora == "2.11.2"


def test_ddl_types_and_show(server):
    c = make_cluster(server, "ddl", instances=1)
    conn = connect(c.writer, c.port)
    run(conn, "CREATE DATABASE shop")
    assert "shop" in [r[0] for r in rows(conn, "SHOW DATABASES")]
    run(conn, "USE shop")
    run(
        conn,
        """CREATE TABLE products (
            id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
            sku CHAR(8) NOT NULL,
            name VARCHAR(64) NOT NULL,
            price DECIMAL(10,2) NOT NULL DEFAULT 0.00,
            weight DOUBLE,
            stock BIGINT DEFAULT 0,
            rating TINYINT,
            active BOOLEAN DEFAULT TRUE,
            notes TEXT,
            added DATE,
            updated DATETIME,
            seen TIMESTAMP
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""",
    )
    # the table options of the issue, spelled the ways MySQL accepts; checked at the end
    option_problems = []
    for i, options in enumerate(["ENGINE=InnoDB", "CHARSET=utf8mb4", "ENGINE=InnoDB CHARSET=utf8mb4", "DEFAULT CHARSET=utf8mb4"]):
        sql = f"CREATE TABLE opt{i} (id INT PRIMARY KEY) {options}"
        try:
            run(conn, sql)
        except pymysql.err.MySQLError as e:
            option_problems.append(f"{sql}: {e.args}")
        else:
            run(conn, f"DROP TABLE opt{i}")
    assert [r[0] for r in rows(conn, "SHOW TABLES")] == ["products"]

    desc = {r[0]: r for r in rows(conn, "DESCRIBE products")}
    assert list(desc) == ["id", "sku", "name", "price", "weight", "stock", "rating", "active", "notes", "added", "updated", "seen"]
    assert desc["id"][1:6] == ("int", "NO", "PRI", None, "auto_increment")
    assert desc["sku"][1:3] == ("char(8)", "NO")
    assert desc["name"][1:3] == ("varchar(64)", "NO")
    assert desc["price"][1:3] == ("decimal(10,2)", "NO")
    desc_price_default = desc["price"][4]  # checked at the end
    assert desc["weight"][1] == "double"
    assert desc["stock"][1] == "bigint"
    assert desc["rating"][1] == "tinyint"
    assert desc["active"][1] == "tinyint(1)"
    assert desc["notes"][1] == "text"
    assert desc["added"][1] == "date"
    assert desc["updated"][1] == "datetime"
    assert desc["seen"][1] == "timestamp"

    with conn.cursor() as cur:
        n = cur.execute(
            "INSERT INTO products (sku, name, price, weight, stock, rating, active, notes, added, updated, seen) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s), (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                "A-1", "anvil", decimal.Decimal("19.99"), 50.5, 9223372036854775807, -128, True, "heavy",
                dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 10, 0, 0), dt.datetime(2024, 5, 1, 10, 0, 1),
                "B-2", "bücket €", decimal.Decimal("4.50"), 1.25, -1, 127, False, None,
                dt.date(2024, 2, 29), dt.datetime(2024, 2, 29, 23, 59, 59), dt.datetime(2024, 3, 1, 0, 0, 0),
            ),
        )
        assert n == 2
        assert cur.lastrowid == 1
    run(conn, "INSERT INTO products (sku, name) VALUES ('C-3', 'crate')")
    texts = Texts()
    got = [texts.row(r, f"products row {r[0]}") for r in rows(conn, "SELECT * FROM products ORDER BY id")]
    assert got == [
        (1, "A-1", "anvil", decimal.Decimal("19.99"), 50.5, 9223372036854775807, -128, 1, "heavy",
         dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 10, 0, 0), dt.datetime(2024, 5, 1, 10, 0, 1)),
        (2, "B-2", "bücket €", decimal.Decimal("4.50"), 1.25, -1, 127, 0, None,
         dt.date(2024, 2, 29), dt.datetime(2024, 2, 29, 23, 59, 59), dt.datetime(2024, 3, 1, 0, 0, 0)),
        (3, "C-3", "crate", decimal.Decimal("0.00"), None, 0, None, 1, None, None, None, None),
    ]
    # NOT NULL is enforced
    code, msg = mysql_error(run, conn, "INSERT INTO products (sku, name) VALUES (NULL, 'x')")
    assert code == 1048, msg  # ER_BAD_NULL_ERROR
    # PRIMARY KEY is enforced
    code, msg = mysql_error(run, conn, "INSERT INTO products (id, sku, name) VALUES (1, 'D', 'dup')")
    assert code == 1062, msg  # ER_DUP_ENTRY

    run(conn, "TRUNCATE TABLE products")
    assert one(conn, "SELECT COUNT(*) FROM products") == 0
    run(conn, "DROP TABLE products")
    assert rows(conn, "SHOW TABLES") == []
    run(conn, "DROP DATABASE shop")
    assert "shop" not in [r[0] for r in rows(conn, "SHOW DATABASES")]
    assert mysql_error(run, conn, "USE shop")[0] == 1049  # ER_BAD_DB_ERROR

    # names qualified with their database, from another database
    run(conn, "CREATE DATABASE other")
    run(conn, "USE other")
    run(conn, "CREATE DATABASE q")
    qualified_problems = []
    for sql in [
        "CREATE TABLE q.t (id INT PRIMARY KEY, v TEXT)",
        "INSERT INTO q.t VALUES (1, 'a'), (2, 'b')",
        "UPDATE q.t SET v = 'c' WHERE id = 2",
        "DELETE FROM q.t WHERE id = 1",
        "DESCRIBE q.t",
        "SHOW TABLES FROM q",
        "TRUNCATE TABLE q.t",
        "DROP TABLE q.t",
        "DROP TABLE IF EXISTS q.nosuch",
    ]:
        try:
            run(conn, sql)
        except pymysql.err.MySQLError as e:
            qualified_problems.append(f"{sql}: {e.args}")
    run(conn, "DROP DATABASE q")
    run(conn, "DROP DATABASE other")

    problems = [f"table option refused: {p}" for p in option_problems]
    problems += [f"statement on db.table refused: {p}" for p in qualified_problems]
    if desc_price_default != "0.00":
        problems.append(f"DESCRIBE: the Default of DECIMAL(10,2) DEFAULT 0.00 is {desc_price_default!r}, not '0.00'")
    if texts.binary:
        problems.append("text values came back as bytes (binary character set): " + ", ".join(texts.binary))
    assert not problems, "\n".join(problems)


def test_dml_and_queries(server):
    c = make_cluster(server, "dml", instances=1)
    conn = connect(c.writer, c.port)
    run(conn, "CREATE DATABASE shop")
    conn.select_db("shop")
    run(conn, "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, city VARCHAR(20))")
    run(conn, "CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10,2) NOT NULL)")
    assert run(conn, "INSERT INTO customers VALUES (1, 'ann', 'oslo'), (2, 'bob', 'rome'), (3, 'cy', 'oslo'), (4, 'di', NULL)") == 4
    assert run(conn, "INSERT INTO orders (customer_id, amount) VALUES (1, 10.00), (1, 5.50), (2, 7.25), (3, 1.00), (3, 2.00), (3, 3.00)") == 6

    assert rows(conn, "SELECT name FROM customers WHERE city = 'oslo' ORDER BY name") == [("ann",), ("cy",)]
    assert rows(conn, "SELECT name FROM customers WHERE city IS NULL") == [("di",)]
    assert rows(conn, "SELECT id FROM customers ORDER BY id DESC LIMIT 2") == [(4,), (3,)]
    assert rows(conn, "SELECT id FROM customers ORDER BY id LIMIT 2 OFFSET 1") == [(2,), (3,)]
    assert rows(conn, "SELECT COUNT(*), SUM(amount) FROM orders") == [(6, decimal.Decimal("28.75"))]
    assert rows(
        conn, "SELECT customer_id, COUNT(*), SUM(amount) FROM orders GROUP BY customer_id ORDER BY customer_id"
    ) == [(1, 2, decimal.Decimal("15.50")), (2, 1, decimal.Decimal("7.25")), (3, 3, decimal.Decimal("6.00"))]
    assert rows(
        conn,
        "SELECT c.name, COUNT(o.id) AS n FROM customers c JOIN orders o ON o.customer_id = c.id "
        "GROUP BY c.name ORDER BY n DESC, c.name",
    ) == [("cy", 3), ("ann", 2), ("bob", 1)]
    assert rows(
        conn,
        "SELECT c.name, o.amount FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.amount > 5 ORDER BY o.amount",
    ) == [("ann", decimal.Decimal("5.50")), ("bob", decimal.Decimal("7.25")), ("ann", decimal.Decimal("10.00"))]
    # parameters with quotes are escaped by the client and read back intact
    run(conn, "INSERT INTO customers VALUES (%s, %s, %s)", (5, "o'hara \"q\"", "back\\slash"))
    assert rows(conn, "SELECT name, city FROM customers WHERE id = 5") == [("o'hara \"q\"", "back\\slash")]

    # UPDATE and DELETE with and without WHERE, with affected-row counts
    assert run(conn, "UPDATE customers SET city = 'bergen' WHERE city = 'oslo'") == 2
    assert rows(conn, "SELECT id FROM customers WHERE city = 'bergen' ORDER BY id") == [(1,), (3,)]
    assert run(conn, "UPDATE orders SET amount = amount * 2") == 6
    assert one(conn, "SELECT SUM(amount) FROM orders") == decimal.Decimal("57.50")
    assert run(conn, "DELETE FROM orders WHERE customer_id = 3") == 3
    assert one(conn, "SELECT COUNT(*) FROM orders") == 3
    assert run(conn, "DELETE FROM orders") == 3
    assert one(conn, "SELECT COUNT(*) FROM orders") == 0
    run(conn, "INSERT INTO orders (customer_id, amount) VALUES (1, 1.00)")
    run(conn, "TRUNCATE TABLE orders")
    assert one(conn, "SELECT COUNT(*) FROM orders") == 0


def test_transactions_and_autocommit_per_connection(server):
    c = make_cluster(server, "tx", instances=2)
    a = connect(c.writer, c.port, autocommit=False)  # PyMySQL's default: autocommit off
    b = connect(c.writer, c.port)  # autocommit on
    r = connect(c.reader, c.port)
    assert one(a, "SELECT @@autocommit") == 0
    assert one(b, "SELECT @@autocommit") == 1
    run(b, "CREATE DATABASE bank")
    run(b, "CREATE TABLE bank.acct (id INT PRIMARY KEY, bal INT NOT NULL)")
    run(b, "INSERT INTO bank.acct VALUES (1, 100), (2, 50)")

    # an uncommitted write is invisible elsewhere; COMMIT publishes it
    run(a, "UPDATE bank.acct SET bal = bal - 30 WHERE id = 1")
    run(a, "UPDATE bank.acct SET bal = bal + 30 WHERE id = 2")
    assert rows(a, "SELECT bal FROM bank.acct ORDER BY id") == [(70,), (80,)]  # its own writes
    assert rows(b, "SELECT bal FROM bank.acct ORDER BY id") == [(100,), (50,)]
    assert rows(r, "SELECT bal FROM bank.acct ORDER BY id") == [(100,), (50,)]
    a.commit()
    assert rows(b, "SELECT bal FROM bank.acct ORDER BY id") == [(70,), (80,)]
    assert rows(r, "SELECT bal FROM bank.acct ORDER BY id") == [(70,), (80,)]

    # ROLLBACK discards
    run(a, "INSERT INTO bank.acct VALUES (3, 1)")
    run(a, "DELETE FROM bank.acct WHERE id = 1")
    assert one(a, "SELECT COUNT(*) FROM bank.acct") == 2
    a.rollback()
    assert rows(a, "SELECT id, bal FROM bank.acct ORDER BY id") == [(1, 70), (2, 80)]
    assert rows(b, "SELECT id, bal FROM bank.acct ORDER BY id") == [(1, 70), (2, 80)]

    # BEGIN / START TRANSACTION on an autocommit connection
    run(b, "BEGIN")
    run(b, "INSERT INTO bank.acct VALUES (4, 4)")
    assert one(r, "SELECT COUNT(*) FROM bank.acct WHERE id = 4") == 0
    run(b, "COMMIT")
    assert one(r, "SELECT COUNT(*) FROM bank.acct WHERE id = 4") == 1
    run(b, "START TRANSACTION")
    run(b, "UPDATE bank.acct SET bal = 0")
    run(b, "ROLLBACK")
    assert rows(b, "SELECT bal FROM bank.acct ORDER BY id") == [(70,), (80,), (4,)]
    assert one(b, "SELECT @@autocommit") == 1  # back to autocommit after the transaction

    # SET autocommit = 0 on one connection only
    run(b, "SET autocommit = 0")
    assert one(b, "SELECT @@autocommit") == 0
    assert one(r, "SELECT @@autocommit") == 1
    run(b, "INSERT INTO bank.acct VALUES (5, 5)")
    assert one(a, "SELECT COUNT(*) FROM bank.acct WHERE id = 5") == 0
    a.commit()  # end a's read snapshot, if any
    # a session that ends with an open transaction loses it
    b.close()
    time.sleep(0.2)
    assert one(a, "SELECT COUNT(*) FROM bank.acct WHERE id = 5") == 0
    a.commit()
    # SET autocommit = 1 commits the open transaction (MySQL)
    run(a, "INSERT INTO bank.acct VALUES (6, 6)")
    run(a, "SET autocommit = 1")
    assert one(r, "SELECT COUNT(*) FROM bank.acct WHERE id = 6") == 1


def test_status_flags_follow_the_session(server):
    """Drivers read autocommit and "in transaction" from every OK packet's status flags.

    PyMySQL's `conn.autocommit(True)` sends `SET AUTOCOMMIT = 1` only when the flags say it is
    off; flags stuck on "autocommit" made it send nothing, and the writes after it were lost
    when the connection closed (SQLAlchemy's AUTOCOMMIT isolation level and Django do this).
    """
    in_trans = pymysql.constants.SERVER_STATUS.SERVER_STATUS_IN_TRANS
    c = make_cluster(server, "flags")
    setup = connect(c.writer, c.port)
    run(setup, "CREATE DATABASE app")
    run(setup, "CREATE TABLE app.notes (id INT PRIMARY KEY, body VARCHAR(20))")

    conn = connect(c.writer, c.port, autocommit=False)  # PyMySQL sends SET AUTOCOMMIT = 0
    assert conn.get_autocommit() is False
    assert not conn.server_status & in_trans
    run(conn, "INSERT INTO app.notes VALUES (1, 'in a transaction')")
    assert conn.server_status & in_trans
    conn.commit()
    assert not conn.server_status & in_trans
    run(conn, "BEGIN")
    assert conn.server_status & in_trans
    conn.rollback()

    conn.autocommit(True)  # must reach the server: the flags said autocommit was off
    assert conn.get_autocommit() is True
    assert one(conn, "SELECT @@autocommit") == 1
    run(conn, "INSERT INTO app.notes VALUES (2, 'autocommitted')")
    assert not conn.server_status & in_trans
    conn.close()
    assert rows(setup, "SELECT id FROM app.notes ORDER BY id") == [(1,), (2,)]


def test_information_schema_aurora_db_cluster(server):
    c = make_cluster(server, "my-cluster", instances=1, window=86400)
    conn = connect(c.writer, c.port)
    sql = (
        "SELECT backtrack_window, earliest_backtrack_time, status FROM information_schema.aurora_db_cluster "
        "WHERE db_cluster_identifier = %s"
    )
    got = rows(conn, sql, ("my-cluster",))
    assert len(got) == 1, got
    texts = Texts()
    window, earliest, status = got[0]
    assert int(window) == 86400
    assert texts(status, "status") == "available"
    desc = server.rds().describe_db_clusters(DBClusterIdentifier="my-cluster")["DBClusters"][0]
    if isinstance(earliest, str):
        earliest = dt.datetime.fromisoformat(earliest.replace(" ", "T").replace("Z", ""))
    assert isinstance(earliest, dt.datetime), repr(earliest)
    expected = desc["EarliestBacktrackTime"].astimezone(dt.timezone.utc).replace(tzinfo=None)
    assert abs((earliest.replace(tzinfo=None) - expected).total_seconds()) < 1, (earliest, expected)
    assert rows(conn, sql, ("other",)) == []
    # the reader sees the same
    r = connect(c.reader, c.port)
    assert int(rows(r, sql, ("my-cluster",))[0][0]) == 86400

    rds = server.rds()
    rds.modify_db_cluster(DBClusterIdentifier="my-cluster", BacktrackWindow=3600, ApplyImmediately=True)
    wait_cluster(rds, "my-cluster")
    wait_accepting(c.writer, c.port)
    conn = connect(c.writer, c.port)
    assert int(rows(conn, sql, ("my-cluster",))[0][0]) == 3600
    ident = one(conn, "SELECT db_cluster_identifier FROM information_schema.aurora_db_cluster")
    assert texts(ident, "db_cluster_identifier") == "my-cluster"
    texts.check()


def test_unsupported_statements_keep_the_connection(server):
    c = make_cluster(server, "uns", instances=1)
    conn = connect(c.writer, c.port)
    run(conn, "CREATE DATABASE d")
    conn.select_db("d")
    run(conn, "CREATE TABLE t (id INT PRIMARY KEY, v INT)")
    run(conn, "INSERT INTO t VALUES (1, 1)")
    cid = one(conn, "SELECT CONNECTION_ID()")
    statements = {
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.v = 0": "TRIGGER",
        "CREATE PROCEDURE p() BEGIN SELECT 1; END": "PROCEDURE",
        "GRANT SELECT ON d.* TO 'someone'@'%'": "GRANT",
        "LOAD DATA INFILE '/tmp/x.csv' INTO TABLE t": "LOAD DATA",
    }
    problems = []
    for sql, word in statements.items():
        try:
            run(conn, sql)
        except pymysql.err.MySQLError as e:
            code, msg = e.args[0], str(e.args[1]) if len(e.args) > 1 else ""
            if not (isinstance(code, int) and 1000 <= code < 5000):
                problems.append(f"{sql}: not a server error: {e!r}")
            elif word.lower() not in msg.lower():
                problems.append(f"{sql}: error {code} does not name {word}: {msg}")
        else:
            problems.append(f"{sql}: accepted")
        # the connection stays usable, the same session
        assert one(conn, "SELECT CONNECTION_ID()") == cid, sql
        assert rows(conn, "SELECT id, v FROM t") == [(1, 1)], sql
    # a plain syntax error and an unknown table: MySQL's codes
    assert mysql_error(run, conn, "SELEC 1")[0] == 1064
    code, msg = mysql_error(run, conn, "SELECT * FROM nosuch")
    assert code == 1146 and "nosuch" in msg
    assert one(conn, "SELECT 1") == 1
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# Backtrack with data
# ---------------------------------------------------------------------------------------------


def test_backtrack_drill(server):
    c = make_cluster(server, "drill", instances=2)
    rds = server.rds()
    w = connect(c.writer, c.port)
    run(w, "CREATE DATABASE bank")
    w.select_db("bank")
    run(w, "CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(20) NOT NULL, balance DECIMAL(12,2) NOT NULL)")
    run(w, "CREATE TABLE ledger (id INT AUTO_INCREMENT PRIMARY KEY, account INT NOT NULL, amount DECIMAL(12,2))")
    run(w, "CREATE TABLE audit (id INT PRIMARY KEY, note TEXT)")
    run(w, "INSERT INTO accounts VALUES (1, 'ann', 100.00), (2, 'bob', 250.50), (3, 'cy', 75.25)")
    run(w, "INSERT INTO ledger (account, amount) VALUES (1, 100.00), (2, 250.50), (3, 75.25), (2, -10.00)")
    run(w, "INSERT INTO audit VALUES (1, 'opened'), (2, 'checked')")
    good = {
        "accounts": rows(w, "SELECT * FROM accounts ORDER BY id"),
        "ledger": rows(w, "SELECT * FROM ledger ORDER BY id"),
        "audit": rows(w, "SELECT * FROM audit ORDER BY id"),
    }
    time.sleep(1.5)
    t1 = server.now()
    time.sleep(1.5)
    assert run(w, "DELETE FROM ledger") == 4
    assert run(w, "UPDATE accounts SET balance = 0, owner = 'oops'") == 3
    run(w, "DROP TABLE audit")
    run(w, "CREATE TABLE later (id INT PRIMARY KEY)")
    run(w, "INSERT INTO later VALUES (7)")
    broken_accounts = rows(w, "SELECT * FROM accounts ORDER BY id")
    time.sleep(1.5)
    t2 = server.now()
    time.sleep(1.5)
    w.close()

    backtrack(rds, "drill", t1)
    wait_cluster(rds, "drill")
    for ident in c.instances:
        wait_instance(rds, ident)
    for host in c.hosts():
        wait_accepting(host, c.port)
        conn = connect(host, c.port, database="bank")
        for table, want in good.items():
            assert rows(conn, f"SELECT * FROM {table} ORDER BY id") == want, (host, table)
        assert sorted(r[0] for r in rows(conn, "SHOW TABLES")) == ["accounts", "audit", "ledger"], host
        conn.close()

    # forward again, to after the breakage
    backtrack(rds, "drill", t2)
    wait_cluster(rds, "drill")
    for ident in c.instances:
        wait_instance(rds, ident)
    for host in (c.writer, c.reader):
        wait_accepting(host, c.port)
        conn = connect(host, c.port, database="bank")
        assert rows(conn, "SELECT COUNT(*) FROM ledger") == [(0,)], host
        assert rows(conn, "SELECT * FROM accounts ORDER BY id") == broken_accounts, host
        assert sorted(r[0] for r in rows(conn, "SHOW TABLES")) == ["accounts", "later", "ledger"], host
        assert rows(conn, "SELECT id FROM later") == [(7,)], host
        conn.close()

    # new writes after a backtrack go on from there, and a later backtrack still finds t1
    w = connect(c.writer, c.port, database="bank")
    run(w, "INSERT INTO later VALUES (8)")
    w.close()
    backtrack(rds, "drill", t1)
    wait_cluster(rds, "drill")
    wait_accepting(c.writer, c.port)
    w = connect(c.writer, c.port, database="bank")
    assert rows(w, "SELECT * FROM audit ORDER BY id") == good["audit"]
    assert rows(w, "SELECT * FROM accounts ORDER BY id") == good["accounts"]


def test_backtrack_rewinds_schema_indexes_and_catalog(server):
    """ALTER, CREATE INDEX, composite keys and foreign keys come back with the rows, on writer and reader."""
    c = make_cluster(server, "schema", instances=2)
    rds = server.rds()
    w = connect(c.writer, c.port)
    run(w, "CREATE DATABASE app")
    w.select_db("app")
    run(w, "CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20))")
    run(w, "CREATE TABLE child (a INT, b INT, parent_id INT, note VARCHAR(10), PRIMARY KEY (a, b), "
           "CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)")
    run(w, "INSERT INTO parent VALUES (1, 'one'), (2, 'two')")
    run(w, "INSERT INTO child VALUES (1, 1, 1, 'x'), (1, 2, 2, 'y')")
    before = {t: rows(w, f"SHOW CREATE TABLE {t}")[0][1] for t in ("parent", "child")}
    good = rows(w, "SELECT * FROM child ORDER BY a, b")
    time.sleep(1.5)
    t1 = server.now()
    time.sleep(1.5)
    run(w, "ALTER TABLE child ADD COLUMN extra INT NOT NULL DEFAULT 5 AFTER a, DROP COLUMN note")
    run(w, "CREATE INDEX by_extra ON child (extra)")
    run(w, "DELETE FROM parent WHERE id = 1")
    assert rows(w, "SELECT COUNT(*) FROM child") == [(1,)]
    assert "by_extra" in rows(w, "SHOW CREATE TABLE child")[0][1]
    w.close()

    backtrack(rds, "schema", t1)
    wait_cluster(rds, "schema")
    for ident in c.instances:
        wait_instance(rds, ident)
    for host in (c.writer, c.reader):
        wait_accepting(host, c.port)
        conn = connect(host, c.port, database="app")
        for t, text in before.items():
            assert rows(conn, f"SHOW CREATE TABLE {t}")[0][1] == text, (host, t)
        assert rows(conn, "SELECT * FROM child ORDER BY a, b") == good, host
        assert rows(conn, "SELECT INDEX_NAME FROM information_schema.statistics "
                          "WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'child' AND INDEX_NAME = 'by_extra'") == [], host
        conn.close()
    w = connect(c.writer, c.port, database="app")
    run(w, "DELETE FROM parent WHERE id = 2")
    assert rows(w, "SELECT * FROM child ORDER BY a, b") == [good[0]]


def test_open_connections_are_dropped_by_a_backtrack(server):
    c = make_cluster(server, "drop", instances=2)
    rds = server.rds()
    w = connect(c.writer, c.port)
    run(w, "CREATE DATABASE d")
    run(w, "CREATE TABLE d.t (id INT PRIMARY KEY)")
    run(w, "INSERT INTO d.t VALUES (1)")
    time.sleep(1.2)
    t = server.now()
    time.sleep(1.2)
    run(w, "INSERT INTO d.t VALUES (2)")
    held = {host: connect(host, c.port) for host in c.hosts()}
    for conn in held.values():
        assert one(conn, "SELECT 1") == 1
    backtrack(rds, "drop", t)
    wait_cluster(rds, "drop")
    for ident in c.instances:
        wait_instance(rds, ident)
    for host, conn in held.items():
        assert_dropped(conn, f"a connection to {host} held across the backtrack")
    assert_dropped(w, "the writer connection")
    for host in c.hosts():
        wait_accepting(host, c.port)
        conn = connect(host, c.port)
        assert rows(conn, "SELECT id FROM d.t") == [(1,)], host
        conn.close()


# ---------------------------------------------------------------------------------------------
# Big queries, kill -9
# ---------------------------------------------------------------------------------------------


def test_4_and_20_mib_queries(server):
    c = make_cluster(server, "big", instances=2)
    conn = connect(c.writer, c.port, max_allowed_packet=64 * MIB)
    run(conn, "CREATE DATABASE d")
    conn.select_db("d")
    run(conn, "CREATE TABLE big (id INT PRIMARY KEY, body LONGTEXT)")
    unit = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
    texts = Texts()
    for mib in (4, 20):
        body = (unit * (mib * MIB // len(unit) + 1))[: mib * MIB]
        # the query text itself is the big thing
        assert one(conn, "SELECT LENGTH(%s)", (body,)) == mib * MIB
        assert run(conn, "INSERT INTO big VALUES (%s, %s)", (mib, body)) == 1
        assert one(conn, "SELECT LENGTH(body) FROM big WHERE id = %s", (mib,)) == mib * MIB
        back = texts(one(conn, "SELECT body FROM big WHERE id = %s", (mib,)), f"the {mib} MiB LONGTEXT")
        assert back == body, f"{mib} MiB value read back differs (length {len(back) if back else back})"
        r = connect(c.reader, c.port, max_allowed_packet=64 * MIB)
        assert texts(one(r, "SELECT body FROM d.big WHERE id = %s", (mib,)), f"the {mib} MiB LONGTEXT (reader)") == body
        r.close()
    assert one(conn, "SELECT COUNT(*) FROM big") == 2
    texts.check()


def test_data_survives_kill_9(own_server):
    srv = own_server
    c = make_cluster(srv, "kept", instances=2)
    w = connect(c.writer, c.port)
    run(w, "CREATE DATABASE d")
    w.select_db("d")
    run(w, "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20), at DATETIME)")
    run(w, "INSERT INTO t (v, at) VALUES ('a', '2024-01-01 00:00:00'), ('b', '2024-01-02 00:00:00')")
    run(w, "CREATE TABLE gone (id INT PRIMARY KEY)")
    run(w, "DROP TABLE gone")
    run(w, "UPDATE t SET v = 'b2' WHERE id = 2")
    tx = connect(c.writer, c.port, autocommit=False)
    run(tx, "INSERT INTO d.t (v) VALUES ('uncommitted')")  # never committed
    want = rows(w, "SELECT id, v, at FROM d.t ORDER BY id")
    srv.kill9()
    for host in c.hosts():
        wait_refused(host, c.port, what="server killed")
    srv.start()
    rds = srv.rds()
    wait_cluster(rds, "kept")
    for host in c.hosts():
        wait_accepting(host, c.port, timeout=15)
        conn = connect(host, c.port)
        assert rows(conn, "SELECT id, v, at FROM d.t ORDER BY id") == want, host
        conn.select_db("d")
        assert [r[0] for r in rows(conn, "SHOW TABLES")] == ["t"], host
        conn.close()
    # and the cluster goes on: AUTO_INCREMENT continues after the highest id
    w = connect(c.writer, c.port)
    with w.cursor() as cur:
        cur.execute("INSERT INTO d.t (v) VALUES ('c')")
        assert cur.lastrowid > 2


# ---------------------------------------------------------------------------------------------
# Realistic pace: states held with Rewind's clock
# ---------------------------------------------------------------------------------------------


def test_endpoints_closed_while_backtracking_rebooting_failing_over_stopped(slow):
    c = make_cluster(slow, "rt", instances=2)
    rds = slow.rds()
    w = connect(c.writer, c.port)
    run(w, "CREATE DATABASE app")
    run(w, "CREATE TABLE app.kv (k VARCHAR(10) PRIMARY KEY, v INT)")
    run(w, "INSERT INTO app.kv VALUES ('a', 1), ('b', 2)")
    time.sleep(1.2)
    t = slow.now()
    time.sleep(1.2)
    run(w, "INSERT INTO app.kv VALUES ('c', 3)")
    held = {host: connect(host, c.port) for host in c.hosts()}

    # backtracking: PENDING 15 s, APPLYING 60 s
    backtrack(rds, "rt", t)
    assert rds.describe_db_clusters(DBClusterIdentifier="rt")["DBClusters"][0]["Status"] == "backtracking"
    for host in c.hosts():
        wait_refused(host, c.port, what="backtracking")
    for host, conn in held.items():
        assert_dropped(conn, f"{host} while backtracking")
    assert_dropped(w, "the writer connection while backtracking")
    slow.advance(20)
    assert rds.describe_db_clusters(DBClusterIdentifier="rt")["DBClusters"][0]["Status"] == "backtracking"
    for host in c.hosts():
        assert_still_refused(host, c.port, "backtracking (applying)")
    slow.advance(120)
    wait_cluster(rds, "rt")
    for ident in c.instances:
        wait_instance(rds, ident)
    for host in c.hosts():
        wait_accepting(host, c.port)
        conn = connect(host, c.port)
        assert rows(conn, "SELECT k, v FROM app.kv ORDER BY k") == [("a", 1), ("b", 2)], host
        conn.close()

    # rebooting (60 s)
    held = {host: connect(host, c.port) for host in c.hosts()}
    rds.reboot_db_cluster(DBClusterIdentifier="rt")
    assert rds.describe_db_clusters(DBClusterIdentifier="rt")["DBClusters"][0]["Status"] == "rebooting"
    for host in c.hosts():
        wait_refused(host, c.port, what="rebooting")
    for host, conn in held.items():
        assert_dropped(conn, f"{host} while rebooting")
    slow.advance(90)
    wait_cluster(rds, "rt")
    for ident in c.instances:
        wait_instance(rds, ident)
    for host in c.hosts():
        wait_accepting(host, c.port)

    # failing-over (30 s) to rt-2: the writer endpoint moves
    old_writer, new_writer = c.instances["rt-1"], c.instances["rt-2"]
    held = {host: connect(host, c.port) for host in c.hosts()}
    rds.failover_db_cluster(DBClusterIdentifier="rt", TargetDBInstanceIdentifier="rt-2")
    assert rds.describe_db_clusters(DBClusterIdentifier="rt")["DBClusters"][0]["Status"] == "failing-over"
    for host in c.hosts():
        wait_refused(host, c.port, what="failing-over")
    for host, conn in held.items():
        assert_dropped(conn, f"{host} while failing over")
    slow.advance(60)
    wait_cluster(rds, "rt")
    for ident in c.instances:
        wait_instance(rds, ident)
    c.refresh()
    assert c.writer_id == "rt-2"
    for host in c.hosts():
        wait_accepting(host, c.port)
    conn = connect(c.writer, c.port)
    run(conn, "INSERT INTO app.kv VALUES ('w', 10)")
    conn = connect(new_writer, c.port)
    run(conn, "INSERT INTO app.kv VALUES ('x', 11)")
    for host in (old_writer, c.reader):
        conn = connect(host, c.port)
        assert mysql_error(run, conn, "INSERT INTO app.kv VALUES ('y', 12)")[0] == ER_OPTION_PREVENTS_STATEMENT, host
        assert rows(conn, "SELECT k FROM app.kv ORDER BY k") == [("a",), ("b",), ("w",), ("x",)], host

    # stopping (180 s) and stopped; starting (300 s)
    held = {host: connect(host, c.port) for host in c.hosts()}
    rds.stop_db_cluster(DBClusterIdentifier="rt")
    for host in c.hosts():
        wait_refused(host, c.port, what="stopping")
    for host, conn in held.items():
        assert_dropped(conn, f"{host} while stopping")
    slow.advance(200)
    wait_cluster(rds, "rt", "stopped")
    for host in c.hosts():
        assert_still_refused(host, c.port, "stopped")
    rds.start_db_cluster(DBClusterIdentifier="rt")
    for host in c.hosts():
        assert_still_refused(host, c.port, "starting")
    slow.advance(320)
    wait_cluster(rds, "rt")
    for ident in c.instances:
        wait_instance(rds, ident)
    for host in c.hosts():
        wait_accepting(host, c.port)
        conn = connect(host, c.port)
        assert one(conn, "SELECT COUNT(*) FROM app.kv") == 4, host
        conn.close()


def test_deleting_an_instance_closes_its_endpoint(slow):
    c = make_cluster(slow, "del", instances=3)
    rds = slow.rds()
    w = connect(c.writer, c.port)
    run(w, "CREATE DATABASE d")
    run(w, "CREATE TABLE d.t (id INT PRIMARY KEY)")
    run(w, "INSERT INTO d.t VALUES (1)")
    gone = c.instances["del-3"]
    held = connect(gone, c.port)
    rds.delete_db_instance(DBInstanceIdentifier="del-3")
    wait_refused(gone, c.port, what="del-3 deleting")
    assert_dropped(held, "a connection to the instance being deleted")
    # the rest still serve
    for host in (c.writer, c.reader, c.instances["del-1"], c.instances["del-2"]):
        conn = connect(host, c.port)
        assert one(conn, "SELECT COUNT(*) FROM d.t") == 1, host
        conn.close()
    slow.advance(320)
    wait_instance(rds, "del-3", "gone")
    assert_still_refused(gone, c.port, "del-3 deleted")
    # the reader endpoint is over del-2 only: still read-only
    conn = connect(c.reader, c.port)
    assert mysql_error(run, conn, "INSERT INTO d.t VALUES (2)")[0] == ER_OPTION_PREVENTS_STATEMENT


def test_savepoints(server):
    """SAVEPOINT / ROLLBACK TO / RELEASE, as SQLAlchemy's begin_nested() and Django's atomic() send them."""
    c = make_cluster(server, "sp", instances=1)
    a = connect(c.writer, c.port, autocommit=False)
    run(a, "CREATE DATABASE app")
    run(a, "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)")
    run(a, "INSERT INTO app.t (v) VALUES (1)")
    run(a, "SAVEPOINT `s1_x1`")
    run(a, "INSERT INTO app.t (v) VALUES (2)")
    run(a, "SAVEPOINT `s1_x2`")
    run(a, "UPDATE app.t SET v = 10 WHERE id = 1")
    run(a, "ROLLBACK TO SAVEPOINT `s1_x1`")
    assert rows(a, "SELECT id, v FROM app.t ORDER BY id") == [(1, 1)]
    assert mysql_error(run, a, "RELEASE SAVEPOINT `s1_x2`") == (1305, "SAVEPOINT s1_x2 does not exist")
    run(a, "INSERT INTO app.t (v) VALUES (3)")
    run(a, "RELEASE SAVEPOINT `s1_x1`")
    a.commit()
    b = connect(c.writer, c.port)
    assert rows(b, "SELECT id, v FROM app.t ORDER BY id") == [(1, 1), (3, 3)]
    # autocommit: accepted, nothing to roll back to
    run(b, "SAVEPOINT s")
    assert mysql_error(run, b, "ROLLBACK TO s") == (1305, "SAVEPOINT s does not exist")
    assert one(b, "SELECT COUNT(*) FROM app.t") == 2


def test_upserts(server):
    """INSERT IGNORE, REPLACE and ON DUPLICATE KEY UPDATE: rows and MySQL's affected-row counts."""
    c = make_cluster(server, "ups", instances=1)
    a = connect(c.writer, c.port)
    run(a, "CREATE DATABASE app")
    run(a, "CREATE TABLE app.u (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(50) UNIQUE, n INT NOT NULL DEFAULT 0)")
    assert run(a, "INSERT INTO app.u (email, n) VALUES ('a@x', 1), ('b@x', 2)") == 2
    assert run(a, "INSERT IGNORE INTO app.u (id, email, n) VALUES (1, 'z@x', 9), (3, 'c@x', 3), (4, 'b@x', 4)") == 1
    assert run(a, "REPLACE INTO app.u (id, email, n) VALUES (1, 'a2@x', 10)") == 2
    assert run(a, "REPLACE INTO app.u (id, email, n) VALUES (7, 'g@x', 7)") == 1
    assert (
        run(
            a,
            "INSERT INTO app.u (id, email, n) VALUES (%s, %s, %s), (%s, %s, %s) ON DUPLICATE KEY UPDATE n = n + VALUES(n)",
            (2, "b@x", 5, 8, "h@x", 8),
        )
        == 3
    )
    assert run(a, "INSERT INTO app.u (id, email, n) VALUES (8, 'h@x', 8) ON DUPLICATE KEY UPDATE n = VALUES(n)") == 0
    assert run(a, "INSERT INTO app.u (id, email, n) VALUES (3, 'c@x', 1) AS new ON DUPLICATE KEY UPDATE n = u.n + new.n") == 2
    assert rows(a, "SELECT id, email, n FROM app.u ORDER BY id") == [
        (1, "a2@x", 10),
        (2, "b@x", 7),
        (3, "c@x", 4),
        (7, "g@x", 7),
        (8, "h@x", 8),
    ]
    assert mysql_error(run, a, "INSERT INTO app.u (id, email) VALUES (1, 'q@x')")[0] == 1062
    assert one(a, "SELECT COUNT(*) FROM app.u") == 5


def test_insert_all_defaults(server):
    """INSERT INTO t () VALUES () and INSERT INTO t VALUES (): every column takes its default (SQLAlchemy)."""
    c = make_cluster(server, "dflt", instances=1)
    a = connect(c.writer, c.port)
    run(a, "CREATE DATABASE app")
    run(a, "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, n INT DEFAULT 7, s VARCHAR(5))")
    with a.cursor() as cur:
        assert cur.execute("INSERT INTO app.t () VALUES ()") == 1
        assert cur.lastrowid == 1
        assert cur.execute("INSERT INTO app.t VALUES ()") == 1
        assert cur.lastrowid == 2
    assert rows(a, "SELECT id, n, s FROM app.t ORDER BY id") == [(1, 7, None), (2, 7, None)]


def test_orm_style_updates(server):
    """Django-style save (every column, the unique one unchanged, WHERE `db`.`t`.`pk`) and `n = 40 + n`."""
    c = make_cluster(server, "ormupd", instances=1)
    a = connect(c.writer, c.port)
    run(a, "CREATE DATABASE app")
    run(
        a,
        "CREATE TABLE app.u (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(40) UNIQUE, "
        "name VARCHAR(20), n INT NOT NULL DEFAULT 1)",
    )
    assert run(a, "INSERT INTO app.u (email, name) VALUES ('a@x', 'a'), ('b@x', 'b')") == 2
    save = "UPDATE `app`.`u` SET `email` = %s, `name` = %s, `n` = %s WHERE `u`.`id` = %s"
    assert run(a, save, ("a@x", "z", 1, 1)) == 1
    assert run(a, save, ("a@x", "z", 1, 1)) == 0
    assert mysql_error(run, a, save, ("b@x", "z", 1, 1)) == (1062, "Duplicate entry 'b@x' for key 'u.email'")
    assert run(a, "UPDATE app.u SET n = 40 + n WHERE id = %s", (2,)) == 1
    assert mysql_error(run, a, "UPDATE app.u SET n = 4000000000 + n") == (
        1264,
        "Out of range value for column 'n' at row 1",
    )
    assert rows(a, "SELECT id, email, name, n FROM app.u ORDER BY id") == [(1, "a@x", "z", 1), (2, "b@x", "b", 41)]


def test_runaway_queries_stop_on_kill_and_max_execution_time(server):
    """A three-way cross join of 1,000-row tables: KILL QUERY, KILL and max_execution_time stop it;
    SHOW PROCESSLIST lists it while it runs."""
    import threading

    c = make_cluster(server, "runaway", instances=1)
    a = connect(c.writer, c.port)
    run(a, "CREATE DATABASE app")
    a.select_db("app")
    run(a, "CREATE TABLE n (i INT PRIMARY KEY)")
    run(a, "INSERT INTO n WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) SELECT i FROM s")
    assert one(a, "SELECT COUNT(*) FROM n") == 1000
    runaway = "SELECT COUNT(*) FROM n a, n b, n c WHERE a.i + b.i + c.i > 0"
    a_id = one(a, "SELECT CONNECTION_ID()")
    b = connect(c.writer, c.port, database="app")

    def run_and_catch(conn, out):
        try:
            run(conn, runaway)
            out.append(None)
        except pymysql.err.MySQLError as e:
            out.append(e.args[0])

    # KILL QUERY: the statement stops with 1317, the connection stays.
    got: list = []
    t = threading.Thread(target=run_and_catch, args=(a, got))
    t.start()
    listed = False
    for _ in range(100):
        procs = rows(b, "SHOW PROCESSLIST")
        if any(p[0] == a_id and p[7] and "n a, n b" in p[7] for p in procs):
            listed = True
            break
        time.sleep(0.05)
    assert listed, procs
    run(b, f"KILL QUERY {a_id}")
    t.join(timeout=30)
    assert not t.is_alive() and got == [1317], got
    assert one(a, "SELECT 1") == 1

    # max_execution_time: 3024.
    run(a, "SET max_execution_time = 300")
    assert mysql_error(run, a, runaway)[0] == 3024
    run(a, "SET max_execution_time = 0")

    # KILL: the statement stops and the connection is closed.
    got = []
    t = threading.Thread(target=run_and_catch, args=(a, got))
    t.start()
    time.sleep(0.3)
    run(b, f"KILL {a_id}")
    t.join(timeout=30)
    assert not t.is_alive()
    with pytest.raises(pymysql.err.MySQLError):
        one(a, "SELECT 1")
    assert mysql_error(run, b, "KILL 999999")[0] == 1094
    assert all(p[0] != a_id for p in rows(b, "SHOW PROCESSLIST"))


def test_a_runaway_query_stops_when_its_client_disconnects(server):
    """The client of a three-way cross join of 1,000-row tables goes away: the statement stops
    (its session leaves SHOW PROCESSLIST) and the writer lock it may hold is free again."""
    import socket
    import threading

    c = make_cluster(server, "gone", instances=1)
    a = connect(c.writer, c.port)
    run(a, "CREATE DATABASE app")
    a.select_db("app")
    run(a, "CREATE TABLE n (i INT PRIMARY KEY)")
    run(a, "INSERT INTO n WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) SELECT i FROM s")
    a_id = one(a, "SELECT CONNECTION_ID()")
    b = connect(c.writer, c.port, database="app")

    def runaway():
        try:
            run(a, "SELECT COUNT(*) FROM n a, n b, n c WHERE a.i + b.i + c.i > 0")
        except pymysql.err.MySQLError:
            pass

    t = threading.Thread(target=runaway, daemon=True)
    t.start()
    for _ in range(100):
        if any(p[0] == a_id and p[7] for p in rows(b, "SHOW PROCESSLIST")):
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the runaway query never showed in SHOW PROCESSLIST")
    a._sock.shutdown(socket.SHUT_RDWR)  # the client goes away mid-query
    gone = False
    for _ in range(100):  # up to 10 s; the query alone runs for minutes
        if all(p[0] != a_id for p in rows(b, "SHOW PROCESSLIST")):
            gone = True
            break
        time.sleep(0.1)
    assert gone, rows(b, "SHOW PROCESSLIST")
    assert run(b, "INSERT INTO n VALUES (1001)") == 1


def test_net_read_timeout_drops_a_half_sent_packet(server):
    """A client that begins a packet and stops is dropped after the session's net_read_timeout;
    idle time between statements is not bounded by it."""
    c = make_cluster(server, "halfsent", instances=1)
    a = connect(c.writer, c.port)
    a_id = one(a, "SELECT CONNECTION_ID()")
    run(a, "SET SESSION net_read_timeout = 1")
    assert one(a, "SELECT @@net_read_timeout") == 1
    time.sleep(1.5)
    assert one(a, "SELECT 1") == 1
    a._sock.sendall(bytes([100, 0, 0, 0, 0x03]) + b"SELECT 1 ")  # 10 of 100 announced bytes
    a._sock.settimeout(10)
    assert a._sock.recv(1) == b"", "the server kept the half-sent packet's connection open"
    b = connect(c.writer, c.port)
    assert all(p[0] != a_id for p in rows(b, "SHOW PROCESSLIST"))


def test_long_statements_run_and_the_server_stays_up(server):
    """A 1,100-term sum and a 1,000-term OR list run (they used to overflow the stack and abort
    the process); a 30 GB REPEAT is NULL, as over max_allowed_packet in MySQL."""
    c = make_cluster(server, "long", instances=1)
    a = connect(c.writer, c.port)
    run(a, "CREATE DATABASE app")
    a.select_db("app")
    run(a, "CREATE TABLE t (id INT PRIMARY KEY)")
    run(a, "INSERT INTO t VALUES (1), (500), (2000)")
    assert one(a, "SELECT " + "+".join(["1"] * 1100)) == 1100
    ors = " OR ".join(f"id={i}" for i in range(1000))
    assert one(a, f"SELECT COUNT(*) FROM t WHERE {ors}") == 2
    assert one(a, "SELECT REPEAT('a', 30000000000)") is None
    b = connect(c.writer, c.port)
    assert one(b, "SELECT 1") == 1
