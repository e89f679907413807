//! PyMySQL (a pure-Python driver with its own reading of the protocol) against the toy server:
//! type conversion by column type, `select_db`, ping, errors that leave the connection usable,
//! multi-statements, lastrowid/rowcount, wrong passwords and a 20 MiB round trip.
//!
//! The interpreter is `$REWIND_PYTHON`, else the workspace's `.venv/bin/python`; these tests fail
//! with instructions when it or PyMySQL is missing.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::{run_with_deadline, TestServer};

fn python() -> PathBuf {
    let python = std::env::var_os("REWIND_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python")
        });
    let ok = Command::new(&python)
        .args(["-c", "import pymysql"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "PyMySQL is not importable with {}: install it with `.venv/bin/python -m pip install \
         PyMySQL` (scripts/test installs it from tests-e2e/requirements.txt), or point \
         REWIND_PYTHON at an interpreter that has it",
        python.display()
    );
    python
}

/// Runs `body` after `conn = connect(**kwargs)` is in scope; the script prints `ok` at the end.
fn run_python(server: &TestServer, body: &str) -> String {
    let script = format!(
        "import datetime, decimal, pymysql, sys\n\
         PORT = {port}\n\
         def connect(**kw):\n    \
             args = dict(host='127.0.0.1', port=PORT, user='admin', password='secret', connect_timeout=10, read_timeout=30)\n    \
             args.update(kw)\n    \
             return pymysql.connect(**args)\n\
         {body}\n\
         print('ok')\n",
        port = server.port()
    );
    let mut cmd = Command::new(python());
    cmd.arg("-c").arg(script);
    let r = run_with_deadline(cmd, Vec::new(), Duration::from_secs(60));
    assert!(
        r.status.success(),
        "python failed:\n{}\nstdout: {}",
        r.stderr,
        r.stdout()
    );
    let out = r.stdout();
    assert!(out.ends_with("ok\n"), "{out}");
    out
}

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
