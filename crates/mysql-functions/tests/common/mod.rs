//! Shared test helpers: a connection with the functions registered and a fixed clock.
#![allow(dead_code)]

use std::sync::Arc;

use rusqlite::types::Value;
use rusqlite::Connection;

/// The fixed "now" every test connection sees.
pub const NOW: &str = "2024-03-15 10:20:30.123456";

pub fn conn_with_packet(max: usize) -> Connection {
    let c = Connection::open_in_memory().unwrap();
    let now = chrono::NaiveDateTime::parse_from_str(NOW, "%Y-%m-%d %H:%M:%S%.f").unwrap();
    mysql_functions::register(
        &c,
        mysql_functions::Context {
            now: Arc::new(move || now),
            max_allowed_packet: max,
        },
    )
    .unwrap();
    c
}

pub fn conn() -> Connection {
    conn_with_packet(64 * 1024 * 1024)
}

/// The single value `SELECT <expr>` returns.
pub fn v(c: &Connection, expr: &str) -> Value {
    c.query_row(&format!("SELECT {expr}"), [], |r| r.get::<_, Value>(0))
        .unwrap_or_else(|e| panic!("SELECT {expr}: {e}"))
}

/// The value as text (integers and reals printed), or "NULL".
pub fn s(c: &Connection, expr: &str) -> String {
    match v(c, expr) {
        Value::Null => "NULL".to_string(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => format!("{r}"),
        Value::Text(t) => t,
        Value::Blob(b) => format!(
            "x'{}'",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
    }
}

/// The integer `SELECT <expr>` returns.
pub fn i(c: &Connection, expr: &str) -> i64 {
    match v(c, expr) {
        Value::Integer(i) => i,
        other => panic!("SELECT {expr}: expected integer, got {other:?}"),
    }
}

/// The real `SELECT <expr>` returns (integers widened).
pub fn f(c: &Connection, expr: &str) -> f64 {
    match v(c, expr) {
        Value::Real(r) => r,
        Value::Integer(i) => i as f64,
        other => panic!("SELECT {expr}: expected number, got {other:?}"),
    }
}

/// The error message `SELECT <expr>` fails with.
pub fn err(c: &Connection, expr: &str) -> String {
    match c.query_row(&format!("SELECT {expr}"), [], |r| r.get::<_, Value>(0)) {
        Ok(v) => panic!("SELECT {expr}: expected an error, got {v:?}"),
        Err(rusqlite::Error::SqliteFailure(_, Some(m))) => m,
        Err(e) => e.to_string(),
    }
}

pub fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9 * b.abs().max(1.0), "{a} != {b}");
}
