//! PyMySQL (a pure-Python driver with its own reading of the protocol) against the toy server:
//! type conversion by column type, `select_db`, ping, errors that leave the connection usable,
//! multi-statements, lastrowid/rowcount, wrong passwords, a 20 MiB round trip, and the values
//! and column definitions of binary, JSON, UNSIGNED and DECIMAL columns.
//!
//! The interpreter is `$REWIND_PYTHON`, else the workspace's `.venv/bin/python`; these tests fail
//! with instructions when it or PyMySQL is missing.

mod common;

use common::TestServer;

/// Runs `body` with PyMySQL imported and `connect(**kwargs)` defined.
fn run_python(server: &TestServer, body: &str) -> String {
    common::run_python(server, "pymysql", PYMYSQL_CONNECT, body)
}

const PYMYSQL_CONNECT: &str = "def connect(**kw):\n    \
    args = dict(host='127.0.0.1', port=PORT, user='admin', password='secret', connect_timeout=10, read_timeout=30)\n    \
    args.update(kw)\n    \
    return pymysql.connect(**args)\n";

#[test]
fn queries_types_and_database_switching() {
    let server = TestServer::start();
    run_python(
        &server,
        r#"
conn = connect(database='mydb')
cur = conn.cursor()
cur.execute("SELECT 1")
assert cur.fetchall() == ((1,),), cur.fetchall()
cur.execute("select types")
row = cur.fetchone()
assert row == (-7, decimal.Decimal('12.50'), 0.25, 'héllo', datetime.date(2024, 2, 29),
               datetime.datetime(2024, 2, 29, 13, 14, 15), b'raw', None), row
assert [d[0] for d in cur.description] == ['i', 'd', 'f', 's', 'day', 'at', 'b', 'n']
cur.execute("SELECT DATABASE()")
assert cur.fetchone() == ('mydb',)
conn.select_db('test')
cur.execute("SELECT DATABASE()")
assert cur.fetchone() == ('test',)
conn.ping(reconnect=False)
cur.execute("select rows 1000")
assert len(cur.fetchall()) == 1000
cur.execute("insert into t values (1)")
assert (cur.rowcount, cur.lastrowid) == (1, 42)
try:
    cur.execute("bogus")
    raise SystemExit("no error")
except pymysql.err.ProgrammingError as e:
    assert e.args[0] == 1064, e.args
try:
    conn.select_db('nope')
    raise SystemExit("no error")
except pymysql.err.OperationalError as e:
    assert e.args == (1049, "Unknown database 'nope'"), e.args
cur.execute("SELECT 2")
assert cur.fetchone() == (2,)
conn.close()
"#,
    );
}

#[test]
fn multi_statements_give_one_result_each() {
    let server = TestServer::start();
    run_python(
        &server,
        r#"
conn = connect(client_flag=pymysql.constants.CLIENT.MULTI_STATEMENTS)
cur = conn.cursor()
cur.execute("SELECT 1; insert into t values (1); SELECT 'x'")
assert cur.fetchall() == ((1,),)
assert cur.nextset()
assert cur.rowcount == 1
assert cur.nextset()
assert cur.fetchall() == (('x',),)
assert not cur.nextset()
cur.execute("SELECT 3")
assert cur.fetchone() == (3,)
"#,
    );
}

#[test]
fn wrong_password_and_unknown_database_are_refused() {
    let server = TestServer::start();
    run_python(
        &server,
        r#"
try:
    connect(password='wrong')
    raise SystemExit("connected")
except pymysql.err.OperationalError as e:
    assert e.args == (1045, "Access denied for user 'admin'@'127.0.0.1' (using password: YES)"), e.args
try:
    connect(database='nope')
    raise SystemExit("connected")
except pymysql.err.OperationalError as e:
    assert e.args[0] == 1049, e.args
"#,
    );
}

#[test]
fn twenty_mib_round_trip() {
    let server = TestServer::start();
    run_python(
        &server,
        r#"
conn = connect(max_allowed_packet=64 << 20)
cur = conn.cursor()
text = 'abcdefghijklmnopqrstuvwxyz' * ((20 << 20) // 26 + 1)
cur.execute("SELECT '" + text + "'")
(value,), = cur.fetchall()
assert value == text, len(value)
cur.execute("SELECT 1")
assert cur.fetchone() == (1,)
"#,
    );
}

#[test]
fn bytes_json_unsigned_and_decimals_in_the_text_protocol() {
    let server = TestServer::start();
    run_python(
        &server,
        r#"
conn = connect()
cur = conn.cursor()
cur.execute("select bytes")
rows = cur.fetchall()
# Binary-collation columns come back as bytes, every byte value intact.
assert rows[0] == (bytes(range(256)), bytes(range(256)), b"\x00\xff'\x00", b"\x05"), rows[0]
assert rows[1] == (b"", None, None, None), rows[1]
assert [d[1] for d in cur.description] == [252, 253, 254, 16], cur.description
cur.execute("select typed")
rows = cur.fetchall()
# JSON is text by its type code, though MySQL 8 sends it with the binary collation.
assert rows[0] == ('{"a": [1, "é"]}', 18446744073709551615, decimal.Decimal("-12.50"),
                   "medium", "a,c", 255), rows[0]
assert rows[1] == (None, 9223372036854775808, decimal.Decimal("0.05"), None, "", 0), rows[1]
d = cur.description
assert d[0][:2] == ("doc", 245), d[0]
assert d[2] == ("price", 246, None, 12, 12, 2, False), d[2]
assert d[1][6] and d[3][6], "nullable by default"
f = cur._result.fields
assert f[1].flags & 32, "UNSIGNED_FLAG"
names = (f[2].db, f[2].table_name, f[2].org_table, f[2].org_name)
assert names == (b"mydb", "t", "things", "cost"), names  # PyMySQL leaves the schema as bytes
assert f[3].flags & 256 and f[4].flags & 2048, "ENUM_FLAG and SET_FLAG"
assert [x.charsetnr for x in f] == [63, 63, 63, 45, 45, 63], [x.charsetnr for x in f]
"#,
    );
}

#[test]
fn a_query_over_max_allowed_packet_gets_1153_in_sequence() {
    let server = TestServer::with_config(mysql_wire::ServerConfig {
        max_packet_size: 20 << 20,
        ..mysql_wire::ServerConfig::default()
    });
    // One chunk over the limit, and a 40 MiB query of three chunks whose second passes it:
    // both are read to their end, so the error follows the client's last sequence id.
    run_python(
        &server,
        r#"
for size in (21 << 20, 40 << 20):
    conn = connect(max_allowed_packet=64 << 20)
    try:
        conn.cursor().execute("SELECT '" + "x" * size + "'")
        raise SystemExit("no error")
    except pymysql.err.OperationalError as e:
        assert e.args[0] == 1153, e.args
        assert "max_allowed_packet" in e.args[1], e.args
"#,
    );
}
