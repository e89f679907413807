//! Functions ORMs send: CONVERT_TZ, UNIX_TIMESTAMP, CURDATE, UUID.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use common::*;
use mysql_dialect::{Outcome, SessionConfig};

#[test]
fn djangos_first_query_works() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    let out = c.one(
        "SELECT VERSION(), @@sql_mode, @@default_storage_engine, @@sql_auto_is_null, \
         @@lower_case_table_names, CONVERT_TZ('2001-01-01 01:00:00', 'UTC', 'UTC') IS NOT NULL",
    );
    let Outcome::Rows(rs) = out else {
        panic!("{out:?}")
    };
    let row: Vec<String> = rs.rows[0]
        .iter()
        .map(|v| String::from_utf8(v.clone().unwrap()).unwrap())
        .collect();
    assert_eq!(row[0], "8.0.32");
    assert!(row[1].contains("STRICT_TRANS_TABLES"), "{row:?}");
    assert_eq!(&row[2..], ["InnoDB", "0", "0", "1"]);
}

#[test]
fn convert_tz_with_offsets_and_known_names() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    let cases = [
        (
            "CONVERT_TZ('2001-01-01 01:00:00', 'UTC', 'UTC')",
            "2001-01-01 01:00:00",
        ),
        (
            "CONVERT_TZ('2001-01-01 01:00:00', '+00:00', '-05:30')",
            "2000-12-31 19:30:00",
        ),
        (
            "CONVERT_TZ('2001-01-01 01:00:00', '+02:00', 'SYSTEM')",
            "2000-12-31 23:00:00",
        ),
        (
            "CONVERT_TZ('2024-02-28 23:30:00.25', 'utc', '+01:00')",
            "2024-02-29 00:30:00.25",
        ),
        (
            "CONVERT_TZ('2024-03-01', '+14:00', '-13:59')",
            "2024-02-28 20:01:00",
        ),
        (
            "CONVERT_TZ(NOW(), '+00:00', '+03:00')",
            "2024-05-01 15:00:00",
        ),
        (
            "CONVERT_TZ('2001-01-01 01:00:00', 'UTC', 'Europe/Paris')",
            "NULL",
        ),
        ("CONVERT_TZ('2001-01-01 01:00:00', '+15:00', 'UTC')", "NULL"),
        ("CONVERT_TZ('not a time', 'UTC', 'UTC')", "NULL"),
        ("CONVERT_TZ(NULL, 'UTC', 'UTC')", "NULL"),
        ("CONVERT_TZ('2001-01-01 01:00:00', NULL, 'UTC')", "NULL"),
        (
            "CONVERT_TZ('2001-01-01 01:00:00', 'UTC', 'America/Chicago') IS NULL",
            "1",
        ),
    ];
    for (expr, want) in cases {
        assert_eq!(c.val(&format!("SELECT {expr}")), want, "{expr}");
    }
    let e = c.err("SELECT CONVERT_TZ('2001-01-01 01:00:00', 'UTC')");
    assert_eq!((e.code, e.sqlstate.as_str()), (1582, "42000"));
    assert_eq!(
        e.message,
        "Incorrect parameter count in the call to native function 'CONVERT_TZ'"
    );
    // Over a column: the shift applies per row.
    c.exec(
        "CREATE DATABASE d; USE d; CREATE TABLE ev (id INT PRIMARY KEY, at DATETIME);
         INSERT INTO ev VALUES (1, '2024-01-01 00:10:00'), (2, NULL)",
    );
    assert_eq!(
        c.q("SELECT CONVERT_TZ(at, 'UTC', '-01:00'), CONVERT_TZ(at, 'UTC', 'UTC') FROM ev ORDER BY id"),
        rows(&[&["2023-12-31 23:10:00", "2024-01-01 00:10:00"], &["NULL", "NULL"]])
    );
    assert_eq!(c.val("SELECT COUNT(*) FROM ev WHERE CONVERT_TZ(at, '+00:00', '+01:00') > '2024-01-01 01:00:00'"), "1");
}

#[test]
fn unix_timestamp_and_curdate_read_the_session_clock() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    // The test clock is 2024-05-01 12:00:00 UTC.
    assert_eq!(c.val("SELECT UNIX_TIMESTAMP()"), "1714564800");
    assert_eq!(
        c.val("SELECT UNIX_TIMESTAMP('2024-05-01 12:00:00')"),
        "1714564800"
    );
    assert_eq!(c.val("SELECT UNIX_TIMESTAMP('1970-01-02')"), "86400");
    assert_eq!(
        c.val("SELECT UNIX_TIMESTAMP('2001-01-01 00:00:00.5')"),
        "978307200.5"
    );
    assert_eq!(c.val("SELECT UNIX_TIMESTAMP('1960-01-01')"), "0");
    assert_eq!(c.val("SELECT UNIX_TIMESTAMP(NULL)"), "NULL");
    assert_eq!(
        c.val("SELECT UNIX_TIMESTAMP() - UNIX_TIMESTAMP(NOW())"),
        "0"
    );
    assert_eq!(c.val("SELECT CURDATE()"), "2024-05-01");
    assert_eq!(c.val("SELECT CURDATE() = '2024-05-01'"), "1");
    assert_eq!(c.err("SELECT UNIX_TIMESTAMP(1, 2)").code, 1582);
}

#[test]
fn uuid_draws_from_the_injected_source() {
    let cluster = Cluster::new();
    let n = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&n);
    let random: mysql_dialect::Random = Arc::new(move || {
        seen.fetch_add(1, Ordering::Relaxed);
        0xABCD_EF01_2345_6789
    });
    let mut c = Conn::with(&cluster, SessionConfig::new("admin@%", clock(), random));
    let u = c.val("SELECT UUID()");
    assert_eq!(n.load(Ordering::Relaxed), 1);
    // Version 1, time from the session clock; clock sequence and node from the source.
    assert_eq!(u.len(), 36);
    assert_eq!(&u[14..15], "1", "{u}");
    assert!(u.ends_with("-a789-abcdef012345"), "{u}");
    let parts: Vec<&str> = u.split('-').collect();
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
    // Two calls draw twice; two sessions with the default source differ.
    let r = c.q("SELECT UUID(), UUID()");
    assert_eq!(n.load(Ordering::Relaxed), 3);
    assert_eq!(r[0][0].len(), 36);
    let mut a = Conn::new(&cluster);
    let mut b = Conn::new(&cluster);
    assert_ne!(a.val("SELECT UUID()"), b.val("SELECT UUID()"));
    // A UUID can be stored.
    a.exec("CREATE DATABASE d; USE d; CREATE TABLE t (id CHAR(36) PRIMARY KEY)");
    a.ok("INSERT INTO t VALUES (UUID())");
    assert_eq!(a.val("SELECT LENGTH(id) FROM t"), "36");
}
