"""End-to-end tests of server-side prepared statements with mysql-connector-python.

``cursor(prepared=True)`` sends COM_STMT_PREPARE, COM_STMT_EXECUTE with binary parameters and
reads binary result rows, COM_STMT_CLOSE when the cursor closes: the protocol Node's mysql2
``execute()``, Go's database/sql, PHP mysqli and JDBC with useServerPrepStmts speak too. The pure
Python implementation is used (``use_pure=True``): the C extension must be imported before
Python's ``ssl`` on some machines, and the pure one shows the bytes' meaning most plainly.

Same servers as test_dataplane.py: one ``--pace fast`` server for the session, reset before
each test, a cluster on a free MySQL port per test.

Run: ``.venv/bin/python -m pytest -q tests-e2e/test_prepared_statements.py``
"""

from __future__ import annotations

import datetime as dt
import decimal

import mysql.connector
import pytest

from rewind_server import session_server
from test_dataplane import PASSWORD, make_cluster

ER_DUP_ENTRY = 1062
ER_NO_SUCH_TABLE = 1146


@pytest.fixture(scope="session")
def fast_server():
    yield from session_server("fast", "pytest-prepared")


@pytest.fixture
def server(fast_server):
    fast_server.reset()
    return fast_server


def connect(host: str, port: int, database: str | None = None):
    kw = {"database": database} if database else {}
    return mysql.connector.connect(
        host=host,
        port=port,
        user="admin",
        password=PASSWORD,
        use_pure=True,
        autocommit=True,
        connection_timeout=10,
        **kw,
    )


def fresh_db(server, ident: str):
    """A connection to database `app` of a new one-instance cluster."""
    c = make_cluster(server, ident, instances=1)
    conn = connect(c.writer, c.port)
    cur = conn.cursor()
    cur.execute("CREATE DATABASE app")
    cur.close()
    conn.database = "app"
    return conn


TABLE = (
    "CREATE TABLE t (id INT PRIMARY KEY, big BIGINT, price DECIMAL(10,2), ratio DOUBLE, "
    "name VARCHAR(100), at DATETIME, day DATE, flag BOOLEAN, body TEXT)"
)


def test_every_type_round_trips_through_prepared_statements(server):
    conn = fresh_db(server, "prep-types")
    cur = conn.cursor(prepared=True)
    cur.execute(TABLE)
    insert = "INSERT INTO t (id, big, price, ratio, name, at, day, flag, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    at = dt.datetime(2024, 1, 2, 3, 4, 5)
    day = dt.date(2024, 2, 29)
    tricky = "o'hara \"q\" back\\slash\nnew line, é, ? and -- not a comment"
    cur.execute(insert, (1, 9_000_000_000, decimal.Decimal("12.50"), -0.25, "ann", at, day, True, "long text"))
    assert cur.rowcount == 1
    cur.execute(insert, (2, -1, decimal.Decimal("0.01"), 1e10, tricky, at, day, False, tricky * 50))
    assert cur.rowcount == 1
    cur.execute(insert, (3, None, None, None, None, None, None, None, None))
    assert cur.rowcount == 1

    cur.execute("SELECT id, big, price, ratio, name, at, day, flag, body FROM t WHERE id = ?", (1,))
    row = cur.fetchone()
    assert cur.fetchone() is None
    assert row == (1, 9_000_000_000, decimal.Decimal("12.50"), -0.25, "ann", at, day, 1, "long text")
    assert [type(v) for v in row] == [int, int, decimal.Decimal, float, str, dt.datetime, dt.date, int, str]
    assert [d[0] for d in cur.description] == ["id", "big", "price", "ratio", "name", "at", "day", "flag", "body"]

    cur.execute("SELECT name, body, ratio FROM t WHERE id = ?", (2,))
    assert cur.fetchall() == [(tricky, tricky * 50, 1e10)]
    cur.execute("SELECT big, price, ratio, name, at, day, flag, body FROM t WHERE id = ?", (3,))
    assert cur.fetchall() == [(None,) * 8]

    # Parameters in WHERE of every kind, a statement with no parameters, several rows.
    cur.execute("SELECT id FROM t WHERE at = ? AND day = ? AND price = ? ORDER BY id", (at, day, decimal.Decimal("12.5")))
    assert cur.fetchall() == [(1,)]
    cur.execute("SELECT id FROM t WHERE name = ?", (tricky,))
    assert cur.fetchall() == [(2,)]
    cur.execute("SELECT id FROM t WHERE big IS NULL")
    assert cur.fetchall() == [(3,)]
    cur.execute("SELECT id, name FROM t WHERE id >= ? ORDER BY id", (1,))
    assert cur.fetchall() == [(1, "ann"), (2, tricky), (3, None)]
    cur.execute("SELECT COUNT(*), SUM(price) FROM t WHERE id <> ?", (99,))
    assert cur.fetchall() == [(3, decimal.Decimal("12.51"))]
    cur.close()

    # What the prepared statements wrote, read with the text protocol.
    text = conn.cursor()
    text.execute("SELECT name, flag FROM t WHERE id = 2")
    assert text.fetchall() == [(tricky, 0)]
    conn.close()


def test_update_and_delete_row_counts_and_statement_reuse(server):
    conn = fresh_db(server, "prep-dml")
    cur = conn.cursor(prepared=True)
    cur.execute("CREATE TABLE kv (k INT PRIMARY KEY, v VARCHAR(20))")
    insert = "INSERT INTO kv VALUES (?, ?)"
    for k in range(1, 6):
        # The same text again: the connector re-executes its prepared statement.
        cur.execute(insert, (k, f"v{k}"))
        assert cur.rowcount == 1
    cur.execute("UPDATE kv SET v = ? WHERE k > ?", ("big", 2))
    assert cur.rowcount == 3
    cur.execute("UPDATE kv SET v = ? WHERE k = ?", ("none", 99))
    assert cur.rowcount == 0
    cur.execute("DELETE FROM kv WHERE k <= ?", (2,))
    assert cur.rowcount == 2
    cur.execute("SELECT k, v FROM kv ORDER BY k")
    assert cur.fetchall() == [(3, "big"), (4, "big"), (5, "big")]

    # A second prepared cursor on the same connection, used between two of the first's.
    other = conn.cursor(prepared=True)
    other.execute("SELECT v FROM kv WHERE k = ?", (4,))
    assert other.fetchall() == [("big",)]
    cur.execute("SELECT COUNT(*) FROM kv WHERE v = ?", ("big",))
    assert cur.fetchall() == [(3,)]
    other.execute("SELECT v FROM kv WHERE k = ?", (5,))
    assert other.fetchall() == [("big",)]
    other.close()
    cur.close()
    conn.close()


def test_errors_leave_the_connection_usable(server):
    conn = fresh_db(server, "prep-errors")
    cur = conn.cursor(prepared=True)
    cur.execute("CREATE TABLE u (id INT PRIMARY KEY, name VARCHAR(20))")
    cur.execute("INSERT INTO u VALUES (?, ?)", (1, "a"))
    with pytest.raises(mysql.connector.Error) as e:
        cur.execute("INSERT INTO u VALUES (?, ?)", (1, "dup"))
    assert e.value.errno == ER_DUP_ENTRY, e.value
    # An unknown table is reported by the prepare, as MySQL does.
    with pytest.raises(mysql.connector.Error) as e:
        cur.execute("SELECT * FROM missing WHERE id = ?", (1,))
    assert e.value.errno == ER_NO_SUCH_TABLE, e.value
    # The wrong number of parameters is refused by the connector or the server.
    with pytest.raises(mysql.connector.Error):
        cur.execute("SELECT name FROM u WHERE id = ?", (1, 2))

    cur.execute("INSERT INTO u VALUES (?, ?)", (2, "b"))
    assert cur.rowcount == 1
    cur.execute("SELECT id, name FROM u WHERE id IN (?, ?) ORDER BY id", (1, 2))
    assert cur.fetchall() == [(1, "a"), (2, "b")]
    text = conn.cursor()
    text.execute("SELECT COUNT(*) FROM u")
    assert text.fetchall() == [(2,)]
    conn.close()


def test_columns_announced_at_prepare_leave_the_connector_reading_the_executes(server):
    """The prepare answer carries the result columns (sqlx and JDBC's getMetaData() take names
    from there); the connector reads them, then each execute's own, and must show the latter."""
    conn = fresh_db(server, "prep-describe")
    cur = conn.cursor(prepared=True)
    cur.execute("CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10,2))")
    cur.execute("INSERT INTO p VALUES (?, ?, ?), (?, ?, ?)", (1, "a", decimal.Decimal("1.50"), 2, "b", None))
    select = "SELECT id, name AS label, price FROM p WHERE id >= ? ORDER BY id"
    cur.execute(select, (1,))
    assert [d[0] for d in cur.description] == ["id", "label", "price"]
    assert cur.fetchall() == [(1, "a", decimal.Decimal("1.50")), (2, "b", None)]
    cur.execute(select, (2,))
    assert [d[0] for d in cur.description] == ["id", "label", "price"]
    assert cur.fetchall() == [(2, "b", None)]

    # Expressions are described with a provisional type; the execute's types decode the values.
    cur.execute("SELECT id * ? AS twice, UPPER(name) AS up FROM p WHERE id = ?", (2, 1))
    assert [d[0] for d in cur.description] == ["twice", "up"]
    assert cur.fetchall() == [(2, "A")]

    # A write on the same cursor: no columns announced, the row count as before.
    cur.execute("UPDATE p SET name = ? WHERE id = ?", ("c", 2))
    assert cur.rowcount == 1

    # Inside a transaction a prepare sees its writes and leaves it open.
    conn.start_transaction()
    cur.execute("INSERT INTO p VALUES (?, ?, ?)", (3, "t", None))
    cur.execute("SELECT name FROM p WHERE id = ?", (3,))
    assert [d[0] for d in cur.description] == ["name"]
    assert cur.fetchall() == [("t",)]
    assert conn.in_transaction
    conn.rollback()
    cur.execute("SELECT COUNT(*) AS n FROM p WHERE id > ?", (0,))
    assert [d[0] for d in cur.description] == ["n"]
    assert cur.fetchall() == [(2,)]
    cur.close()
    conn.close()
