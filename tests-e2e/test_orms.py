"""Real stacks against a Rewind cluster, end to end: Django, SQLAlchemy + Alembic, mysqldump.

- Django 5.2 (tests-e2e/django_app/: ForeignKey, ManyToMany, unique_together, UniqueConstraint,
  indexes, JSONField, BinaryField, DecimalField; PyMySQL as MySQLdb): ``migrate`` (the project's
  two migrations plus contenttypes and auth), ``check --database default``, ``migrate --check``,
  an ORM workload (``manage.py workload``: lookups, JSON keys, dates, aggregates, update,
  delete, binary, IntegrityError) and ``manage.py test`` (the runner creates, migrates and drops
  a test database). Each runs as a subprocess; on failure the message shows its output and the
  last SQL statements Django sent (logger ``django.db.backends``), the failing one last.
- SQLAlchemy 2 in-process: ``create_all`` with composite primary keys, multi-column UNIQUE and
  cascading foreign keys (ON DELETE CASCADE / SET NULL), ``inspect()`` against the declared
  schema, the cascades at work, and Alembic's ``compare_metadata`` finding no difference.
- ``mysqldump`` (Debian's mariadb-client) of a database loaded back with ``mysql`` into another
  database: the same tables, rows and CREATE TABLE statements.

The target is a one-instance cluster of a ``--pace fast`` Rewind (target/release/rewind, or
$REWIND_BIN). ``ORM_TARGET=mariadb`` runs the same tests against a private MariaDB
(tests-e2e/mariadb_server.py) instead, to check the tests themselves.

Run: ``.venv/bin/python -m pytest -q tests-e2e/test_orms.py``
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pymysql
import pytest

from rewind_server import session_server

HERE = Path(__file__).resolve().parent
DJANGO_APP = HERE / "django_app"
PASSWORD = "secret123"
USER = "admin"
ENGINE_VERSION = "8.0.mysql_aurora.3.05.2"
TARGET = os.environ.get("ORM_TARGET", "rewind")
SQL_TAIL = 25  # statements of Django's SQL log shown with a failure


class Target:
    def __init__(self, name: str, host: str, port: int):
        self.name = name
        self.host = host
        self.port = port

    def connect(self, db: str | None = None, **kw) -> pymysql.Connection:
        kw.setdefault("autocommit", True)
        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=USER,
            password=PASSWORD,
            database=db,
            charset="utf8mb4",
            connect_timeout=5,
            read_timeout=60,
            write_timeout=60,
            **kw,
        )

    def fresh_database(self, name: str) -> None:
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
                cur.execute(f"CREATE DATABASE `{name}`")
        finally:
            conn.close()


def _rewind_cluster(server) -> tuple[str, int]:
    return server.mysql_cluster(
        "orms", ENGINE_VERSION, USER, PASSWORD, lambda h, p: Target("rewind", h, p).connect().close()
    )


@pytest.fixture(scope="module")
def target():
    if TARGET == "mariadb":
        from mariadb_server import MariaDB, MariaDBUnavailable, ensure_installed

        try:
            ensure_installed()
        except MariaDBUnavailable as e:
            pytest.skip(f"MariaDB cannot be installed: {e}")
        srv = MariaDB(password=PASSWORD)
        srv.start()
        try:
            yield Target("mariadb", "127.0.0.1", srv.port)
        finally:
            srv.stop()
    else:
        gen = session_server("fast", "pytest-orms")
        server = next(gen)
        try:
            host, port = _rewind_cluster(server)
            t = Target("rewind", host, port)
            t.server = server
            yield t
        finally:
            gen.close()


# ---------------------------------------------------------------------------------------------
# Django
# ---------------------------------------------------------------------------------------------


class Django:
    """manage.py of tests-e2e/django_app against the target's database `djshop`."""

    def __init__(self, target: Target, tmp: Path):
        self.target = target
        self.tmp = tmp
        self.runs = 0

    def manage(self, *args: str, timeout: float = 300) -> tuple[int, str, Path]:
        self.runs += 1
        log = self.tmp / f"sql-{self.runs}-{args[0]}.log"
        env = dict(
            os.environ,
            DJ_DB_HOST=self.target.host,
            DJ_DB_PORT=str(self.target.port),
            DJ_DB_NAME="djshop",
            DJ_DB_USER=USER,
            DJ_DB_PASSWORD=PASSWORD,
            DJ_SQL_LOG=str(log),
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONUNBUFFERED="1",
        )
        env.pop("DJANGO_SETTINGS_MODULE", None)
        try:
            res = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=DJANGO_APP,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            )
            return res.returncode, res.stdout.decode(errors="replace"), log
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode(errors="replace")
            return -1, out + f"\n(timed out after {timeout}s)", log

    def expect_ok(self, *args: str) -> str:
        rc, out, log = self.manage(*args)
        if rc != 0:
            pytest.fail(f"manage.py {' '.join(args)} exited {rc} on {self.target.name}\n{explain(out, log)}", pytrace=False)
        return out


def explain(out: str, log: Path) -> str:
    lines = out.rstrip().splitlines()
    steps = [ln for ln in lines if ln.startswith("STEP ")]
    text = ""
    if steps:
        text += f"last step: {steps[-1][5:]}\n"
    fails = [ln for ln in lines if ln.startswith(("FAIL ", "  last SQL: "))]
    if fails:  # the workload's failed checks, each with the statement before it
        text += "--- failed checks ---\n" + "\n".join(ln[:1500] for ln in fails) + "\n"
    text += "--- output (last 40 lines) ---\n" + "\n".join(lines[-40:]) + "\n"
    try:
        sql = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        sql = []
    if sql:
        text += f"--- last {min(SQL_TAIL, len(sql))} of {len(sql)} SQL log lines (the failing statement last) ---\n"
        text += "\n".join(ln[:1500] for ln in sql[-SQL_TAIL:])
    return text


@pytest.fixture(scope="module")
def django(target, tmp_path_factory):
    target.fresh_database("djshop")
    dj = Django(target, tmp_path_factory.mktemp("django"))
    rc, out, log = dj.manage("migrate", "--noinput")
    dj.migrated = (rc, out, log)
    return dj


def test_django_migrate(django):
    rc, out, log = django.migrated
    if rc != 0:
        pytest.fail(f"manage.py migrate exited {rc} on {django.target.name}\n{explain(out, log)}", pytrace=False)
    assert "Applying shop.0002_nickname_longer_title... OK" in out, out
    django.expect_ok("migrate", "--check")
    django.expect_ok("check", "--database", "default")
    # the schema the migrations made, as the server shows it
    conn = django.target.connect("djshop")
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW TABLES")
            tables = {r[0] for r in cur.fetchall()}
            assert {"shop_author", "shop_book", "shop_book_tags", "shop_tag", "shop_review", "django_migrations",
                    "auth_user", "django_content_type"} <= tables, tables
            cur.execute(
                "SELECT INDEX_NAME, NON_UNIQUE, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) FROM information_schema.STATISTICS "
                "WHERE TABLE_SCHEMA = 'djshop' AND TABLE_NAME = 'shop_book' GROUP BY INDEX_NAME, NON_UNIQUE"
            )
            idx = {r[0]: (int(r[1]), r[2]) for r in cur.fetchall()}
            assert idx.get("PRIMARY") == (0, "id"), idx
            assert idx.get("shop_book_isbn_uniq") == (0, "isbn"), idx
            assert idx.get("shop_book_pub_price_idx") == (1, "published,price"), idx
            assert (0, "author_id,title") in idx.values(), idx
            cur.execute(
                "SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = 'djshop' AND TABLE_NAME = 'shop_book' ORDER BY ORDINAL_POSITION"
            )
            cols = {r[0]: (r[1].lower(), r[2]) for r in cur.fetchall()}
            assert cols["title"] == ("varchar", 250), cols
            assert cols["price"][0] == "decimal" and cols["cover"][0] == "longblob", cols
            assert cols["data"][0] in ("json", "longtext"), cols  # MariaDB's JSON is LONGTEXT
            cur.execute(
                "SELECT COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
                "WHERE TABLE_SCHEMA = 'djshop' AND TABLE_NAME = 'shop_book_tags' AND REFERENCED_TABLE_NAME IS NOT NULL "
                "ORDER BY COLUMN_NAME"
            )
            assert cur.fetchall() == (("book_id", "shop_book", "id"), ("tag_id", "shop_tag", "id"))
    finally:
        conn.close()


def test_django_orm_workload(django):
    if django.migrated[0] != 0:
        pytest.fail("manage.py migrate failed (see test_django_migrate)", pytrace=False)
    out = django.expect_ok("workload")
    assert "STEP done" in out, out


def test_django_test_runner(django):
    if django.migrated[0] != 0:
        pytest.fail("manage.py migrate failed (see test_django_migrate)", pytrace=False)
    out = django.expect_ok("test", "shop", "--noinput", "-v", "2")
    assert "Ran 6 tests" in out and "\nOK" in out, out
    assert "Creating test database for alias 'default' ('test_djshop')" in out, out
    assert "Destroying test database for alias 'default' ('test_djshop')" in out, out
    conn = django.target.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW DATABASES LIKE 'test_djshop'")
            assert cur.fetchall() == (), "the test database was not dropped"
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# SQLAlchemy + Alembic
# ---------------------------------------------------------------------------------------------


def _sa_metadata():
    from sqlalchemy import (
        Boolean,
        Column,
        Date,
        DateTime,
        ForeignKey,
        ForeignKeyConstraint,
        Index,
        Integer,
        LargeBinary,
        MetaData,
        Numeric,
        String,
        Table,
        Text,
        UniqueConstraint,
    )

    md = MetaData()
    Table(
        "org",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", String(80), nullable=False, unique=True),
        Column("founded", Date),
    )
    Table(
        "team",
        md,
        Column("org_id", Integer, ForeignKey("org.id", ondelete="CASCADE", name="fk_team_org"), primary_key=True),
        Column("team_no", Integer, primary_key=True, autoincrement=False),
        Column("name", String(50), nullable=False),
        Column("budget", Numeric(12, 2)),
        UniqueConstraint("org_id", "name", name="uq_team_org_name"),
    )
    Table(
        "member",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("org_id", Integer, nullable=False),
        Column("team_no", Integer, nullable=False),
        Column("email", String(120), nullable=False),
        Column("manager_id", Integer, ForeignKey("member.id", ondelete="SET NULL", name="fk_member_manager")),
        Column("active", Boolean, nullable=False),
        Column("joined", DateTime),
        Column("bio", Text),
        Column("avatar", LargeBinary),
        ForeignKeyConstraint(
            ["org_id", "team_no"], ["team.org_id", "team.team_no"], ondelete="CASCADE", name="fk_member_team"
        ),
        UniqueConstraint("org_id", "email", name="uq_member_org_email"),
        Index("ix_member_team", "org_id", "team_no"),
        Index("ix_member_joined", "joined"),
    )
    return md


@pytest.fixture(scope="module")
def sa_engine(target):
    from sqlalchemy import create_engine

    target.fresh_database("sa_app")
    engine = create_engine(
        f"mysql+pymysql://{USER}:{PASSWORD}@{target.host}:{target.port}/sa_app?charset=utf8mb4",
        echo=bool(os.environ.get("ORM_ECHO")),
    )
    md = _sa_metadata()
    md.create_all(engine)
    yield engine, md
    engine.dispose()


def _norm_type(t) -> str:
    """A comparable text of a column type: class name plus length / precision / scale."""
    from sqlalchemy.dialects import mysql

    name = type(t).__name__.upper()
    name = {"INTEGER": "INT", "TINYINT": "BOOL"}.get(name, name)
    if isinstance(t, mysql.TINYINT) and getattr(t, "display_width", None) not in (None, 1):
        name = "TINYINT"
    parts = [name]
    for attr in ("length", "precision", "scale"):
        v = getattr(t, attr, None)
        if v is not None:
            parts.append(f"{attr}={v}")
    return " ".join(parts)


def test_sqlalchemy_inspect(sa_engine):
    from sqlalchemy import inspect

    engine, md = sa_engine
    insp = inspect(engine)
    assert sorted(insp.get_table_names()) == ["member", "org", "team"]

    cols = {t: {c["name"]: (_norm_type(c["type"]), c["nullable"]) for c in insp.get_columns(t)} for t in ("org", "team", "member")}
    assert cols["org"] == {"id": ("INT", False), "name": ("VARCHAR length=80", False), "founded": ("DATE", True)}
    assert cols["team"] == {
        "org_id": ("INT", False),
        "team_no": ("INT", False),
        "name": ("VARCHAR length=50", False),
        "budget": ("DECIMAL precision=12 scale=2", True),
    }
    assert cols["member"] == {
        "id": ("INT", False),
        "org_id": ("INT", False),
        "team_no": ("INT", False),
        "email": ("VARCHAR length=120", False),
        "manager_id": ("INT", True),
        "active": ("BOOL", False),
        "joined": ("DATETIME", True),
        "bio": ("TEXT", True),
        "avatar": ("BLOB", True),
    }
    assert [c["name"] for c in insp.get_columns("member")] == list(md.tables["member"].c.keys()), "column order"
    autoinc = {c["name"]: c.get("autoincrement") for c in insp.get_columns("member")}
    assert autoinc["id"] is True, autoinc

    assert insp.get_pk_constraint("org")["constrained_columns"] == ["id"]
    assert insp.get_pk_constraint("team")["constrained_columns"] == ["org_id", "team_no"]
    assert insp.get_pk_constraint("member")["constrained_columns"] == ["id"]

    uniques = {t: sorted((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(t)) for t in ("org", "team", "member")}
    assert uniques["team"] == [("uq_team_org_name", ("org_id", "name"))], uniques
    assert uniques["member"] == [("uq_member_org_email", ("org_id", "email"))], uniques
    assert [cols for _, cols in uniques["org"]] == [("name",)], uniques

    idx = {i["name"]: (tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes("member")}
    assert idx.get("ix_member_team") == (("org_id", "team_no"), False), idx
    assert idx.get("ix_member_joined") == (("joined",), False), idx
    # MySQL drops the index it made for fk_member_team once ix_member_team can serve the FK
    assert sorted(idx) == ["fk_member_manager", "ix_member_joined", "ix_member_team", "uq_member_org_email"], idx

    def fks(t):
        return sorted(
            (f["name"], tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]),
             (f.get("options") or {}).get("ondelete"))
            for f in insp.get_foreign_keys(t)
        )

    assert fks("team") == [("fk_team_org", ("org_id",), "org", ("id",), "CASCADE")]
    assert fks("member") == [
        ("fk_member_manager", ("manager_id",), "member", ("id",), "SET NULL"),
        ("fk_member_team", ("org_id", "team_no"), "team", ("org_id", "team_no"), "CASCADE"),
    ]


def test_sqlalchemy_cascades(sa_engine):
    from sqlalchemy import delete, func, insert, select, update
    from sqlalchemy.exc import IntegrityError

    engine, md = sa_engine
    org, team, member = md.tables["org"], md.tables["team"], md.tables["member"]
    with engine.begin() as c:
        c.execute(delete(org))
        r = c.execute(insert(org).values(name="Acme", founded=dt.date(1999, 1, 2)))
        acme = r.inserted_primary_key[0]
        other = c.execute(insert(org).values(name="Other")).inserted_primary_key[0]
        c.execute(insert(team), [
            {"org_id": acme, "team_no": 1, "name": "core", "budget": decimal.Decimal("1000.50")},
            {"org_id": acme, "team_no": 2, "name": "web", "budget": None},
            {"org_id": other, "team_no": 1, "name": "core", "budget": decimal.Decimal("5.00")},
        ])
        boss = c.execute(insert(member).values(org_id=acme, team_no=1, email="boss@acme", active=True,
                                               joined=dt.datetime(2020, 5, 17, 9, 30), avatar=b"\x00\x01\xff")).inserted_primary_key[0]
        c.execute(insert(member), [
            {"org_id": acme, "team_no": 2, "email": "dev@acme", "active": True, "manager_id": boss, "bio": "x" * 5000},
            {"org_id": other, "team_no": 1, "email": "dev@other", "active": False, "manager_id": boss, "bio": None},
        ])
    with engine.connect() as c:
        assert c.execute(select(member.c.avatar).where(member.c.id == boss)).scalar_one() == b"\x00\x01\xff"
        assert c.execute(select(team.c.budget).where(team.c.org_id == acme, team.c.team_no == 1)).scalar_one() == decimal.Decimal("1000.50")
        assert c.execute(select(func.count()).select_from(member).where(member.c.active.is_(True))).scalar_one() == 2
    # a duplicate of the multi-column UNIQUE and of the composite primary key
    for values in ({"org_id": acme, "team_no": 3, "name": "core"}, {"org_id": acme, "team_no": 1, "name": "other"}):
        with pytest.raises(IntegrityError):
            with engine.begin() as c:
                c.execute(insert(team).values(**values))
    # a member of a team that does not exist
    with pytest.raises(IntegrityError):
        with engine.begin() as c:
            c.execute(insert(member).values(org_id=other, team_no=9, email="ghost@other", active=True))
    with engine.begin() as c:
        # ON DELETE SET NULL: the boss leaves, the others lose their manager
        c.execute(delete(member).where(member.c.id == boss))
        assert c.execute(select(member.c.email, member.c.manager_id).order_by(member.c.email)).all() == [
            ("dev@acme", None), ("dev@other", None)]
        # ON DELETE CASCADE through the composite FK: org -> team -> member
        c.execute(delete(org).where(org.c.id == acme))
        assert c.execute(select(team.c.org_id, team.c.name)).all() == [(other, "core")]
        assert c.execute(select(member.c.email)).scalars().all() == ["dev@other"]
        c.execute(update(member).where(member.c.email == "dev@other").values(active=True))
        assert c.execute(select(member.c.active)).scalar_one() is True


def test_alembic_autogenerate_is_empty(sa_engine):
    from alembic.autogenerate import compare_metadata, produce_migrations, render_python_code
    from alembic.migration import MigrationContext

    engine, md = sa_engine
    with engine.connect() as conn:
        mc = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(mc, md)
        ops = produce_migrations(mc, md)
    assert diffs == [], f"alembic finds differences after create_all:\n{diffs!r}\n{render_python_code(ops.upgrade_ops)}"
    assert ops.upgrade_ops.is_empty()


# ---------------------------------------------------------------------------------------------
# mysqldump | mysql
# ---------------------------------------------------------------------------------------------

DUMP_SCHEMA = [
    """CREATE TABLE customers (
        id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        name VARCHAR(100) NOT NULL,
        email VARCHAR(191) NULL UNIQUE,
        balance DECIMAL(12,2) NOT NULL DEFAULT 0.00,
        born DATE NULL,
        created DATETIME(6) NOT NULL,
        active TINYINT(1) NOT NULL DEFAULT 1,
        note TEXT,
        avatar BLOB,
        prefs JSON,
        KEY ix_customers_name (name)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""",
    """CREATE TABLE orders (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        customer_id INT NOT NULL,
        placed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
        amount DOUBLE,
        status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new',
        CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""",
    """CREATE TABLE order_lines (
        order_id BIGINT UNSIGNED NOT NULL,
        line_no SMALLINT NOT NULL,
        sku CHAR(8) NOT NULL,
        qty INT NOT NULL DEFAULT 1,
        PRIMARY KEY (order_id, line_no),
        CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""",
    "CREATE TABLE empty_one (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    # Table names are case-sensitive (lower_case_table_names=0): two tables, dumped as named.
    "CREATE TABLE AuditLog (id INT NOT NULL PRIMARY KEY, what VARCHAR(20)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "CREATE TABLE auditlog (n INT NOT NULL PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
]

TRICKY = ["O'Brien", 'say "hi"', "back\\slash", "tab\there\nnewline\r\n", "日本語 🎉 ünï", "", "NULL", "%_;--", "\x00zero"]


def _fill_dump_source(conn) -> None:
    with conn.cursor() as cur:
        for stmt in DUMP_SCHEMA:
            cur.execute(stmt)
        rows = []
        for n in range(300):
            name = TRICKY[n % len(TRICKY)] + f" #{n}"
            email = None if n % 7 == 0 else f"user{n}@example.com"
            balance = decimal.Decimal(n * 37 % 100000) / 100 - 200
            born = None if n % 5 == 0 else dt.date(1950 + n % 60, 1 + n % 12, 1 + n % 28)
            created = dt.datetime(2024, 1, 1, 0, 0, 0) + dt.timedelta(seconds=n * 3607, microseconds=n * 1234)
            note = None if n % 3 == 0 else TRICKY[(n + 3) % len(TRICKY)] * (1 + n % 4)
            avatar = None if n % 4 == 0 else bytes((n + i) % 256 for i in range(n % 64)) + b"\x00'\"\\\xff"
            prefs = None if n % 6 == 0 else f'{{"n": {n}, "tags": ["a", "b\\"q"], "nested": {{"ok": {str(n % 2 == 0).lower()}}}}}'
            rows.append((name, email, balance, born, created, n % 2, note, avatar, prefs))
        cur.executemany(
            "INSERT INTO customers (name, email, balance, born, created, active, note, avatar, prefs) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
        cur.execute("DELETE FROM customers WHERE id IN (10, 11, 250)")  # gaps; AUTO_INCREMENT stays ahead
        cur.execute("SELECT id FROM customers ORDER BY id")
        ids = [r[0] for r in cur.fetchall()]
        orders = [(ids[n % len(ids)], f"2024-0{1 + n % 9}-1{n % 10} 12:34:56", None if n % 9 == 0 else n * 1.25,
                   ("new", "paid", "shipped")[n % 3]) for n in range(200)]
        cur.executemany("INSERT INTO orders (customer_id, placed_at, amount, status) VALUES (%s, %s, %s, %s)", orders)
        cur.execute("SELECT id FROM orders ORDER BY id")
        oids = [r[0] for r in cur.fetchall()]
        lines = [(oid, ln, f"SKU{oid:03d}{ln}"[:8], ln * 2) for oid in oids[:150] for ln in range(1, 1 + oid % 4)]
        cur.executemany("INSERT INTO order_lines (order_id, line_no, sku, qty) VALUES (%s, %s, %s, %s)", lines)
        cur.executemany("INSERT INTO AuditLog (id, what) VALUES (%s, %s)", [(1, "created"), (2, "paid")])
        cur.executemany("INSERT INTO auditlog (n) VALUES (%s)", [(7,), (8,), (9,)])


def _snapshot(conn) -> dict:
    out = {}
    with conn.cursor() as cur:
        cur.execute("SHOW FULL TABLES")
        tables = sorted(tuple(r) for r in cur.fetchall())
        out["tables"] = tables
        for t, _ in tables:
            cur.execute(f"SHOW CREATE TABLE `{t}`")
            out[f"create {t}"] = cur.fetchone()[1]
            cur.execute(f"SELECT * FROM `{t}` ORDER BY 1, 2" if t == "order_lines" else f"SELECT * FROM `{t}` ORDER BY 1")
            out[f"rows {t}"] = cur.fetchall()
    return out


def _client(prog: str, target: Target, *args: str, stdin=None, stdout=None, timeout: float = 120):
    exe = shutil.which(prog)
    if exe is None:
        pytest.fail(f"{prog} not found (apt-get install mariadb-client)", pytrace=False)
    cmd = [exe, f"--host={target.host}", f"--port={target.port}", "--protocol=TCP", f"--user={USER}", f"--password={PASSWORD}", *args]
    res = subprocess.run(cmd, stdin=stdin, stdout=stdout if stdout is not None else subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return res


@pytest.mark.parametrize("options", [(), ("--hex-blob",)], ids=["default", "hex-blob"])
def test_mysqldump_roundtrip(target, tmp_path, options):
    """The default dump writes BLOBs as raw bytes in string literals (not UTF-8);
    --hex-blob writes them as 0x... literals."""
    for db in ("dump_src", "dump_dst"):
        target.fresh_database(db)
    src = target.connect("dump_src")
    try:
        _fill_dump_source(src)
        want = _snapshot(src)
    finally:
        src.close()

    dump = tmp_path / "dump.sql"
    with open(dump, "wb") as f:
        res = _client("mysqldump", target, *options, "dump_src", stdout=f)
    assert res.returncode == 0, f"mysqldump exited {res.returncode}: {res.stderr.decode(errors='replace')}"
    text = dump.read_bytes()
    assert b"INSERT INTO `customers` VALUES" in text and b"-- Dump completed" in text, text[-2000:].decode(errors="replace")

    with open(dump, "rb") as f:
        res = _client("mysql", target, "dump_dst", stdin=f)
    err = res.stderr.decode(errors="replace")
    assert res.returncode == 0, f"mysql < dump.sql exited {res.returncode}: {err[:300]} ... {err[-600:]}"

    dst = target.connect("dump_dst")
    try:
        got = _snapshot(dst)
    finally:
        dst.close()
    assert got["tables"] == want["tables"]
    for key in want:  # the data first, then the CREATE TABLE statements
        if key.startswith("rows "):
            assert len(got[key]) == len(want[key]), f"{key}: {len(got[key])} rows, want {len(want[key])}"
            for g, w in zip(got[key], want[key]):
                assert g == w, f"{key}: first different row {g!r}, want {w!r}"
    for key in want:
        if key.startswith("create "):
            assert got[key] == want[key], f"{key} differs after the reload"
