//! Transactions: what is committed when, who sees what, and a second writer waiting for the
//! first.

mod common;

use common::*;
use mysql_dialect::Outcome;

fn shop(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE shop; USE shop;
         CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)",
    );
    c
}

fn other(cluster: &Cluster) -> Conn {
    let mut c = Conn::with(cluster, config("app@10.0.0.2"));
    c.ok("USE shop");
    c
}

#[test]
fn autocommit_statements_are_committed_before_their_ok() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let mut b = other(&cluster);
    let ok = c.ok("INSERT INTO t (v) VALUES (1)");
    assert_eq!(ok.affected_rows, 1);
    assert_eq!(ok.last_insert_id, 1);
    assert!(ok.autocommit && !ok.in_transaction);
    assert!(!c.s.in_transaction());
    // Every other session sees it at once.
    assert_eq!(b.val("SELECT v FROM t"), "1");
    assert_eq!(c.val("SELECT v FROM t"), "1");
    assert!(matches!(c.one("SELECT * FROM t"), Outcome::Rows(_)));
    assert_eq!(c.ok("DELETE FROM t WHERE id = 5").affected_rows, 0);
}

#[test]
fn begin_commit_and_isolation_between_sessions() {
    let cluster = Cluster::new();
    let mut a = shop(&cluster);
    let mut b = other(&cluster);
    let ok = a.ok("BEGIN");
    assert!(ok.in_transaction);
    let ok = a.ok("INSERT INTO t (v) VALUES (10), (20)");
    assert!(ok.in_transaction, "not committed yet");
    a.ok("UPDATE t SET v = v + 1 WHERE id = 1");
    // The writer sees its own writes; nobody else does.
    assert_eq!(
        a.q("SELECT v FROM t ORDER BY id"),
        rows(&[&["11"], &["20"]])
    );
    assert!(b.q("SELECT v FROM t").is_empty());
    // COMMIT makes everything visible at once.
    let ok = a.ok("COMMIT");
    assert!(!ok.in_transaction);
    assert_eq!(
        b.q("SELECT v FROM t ORDER BY id"),
        rows(&[&["11"], &["20"]])
    );
    assert!(!a.s.in_transaction());
}

#[test]
fn a_transaction_reads_one_snapshot() {
    let cluster = Cluster::new();
    let mut a = shop(&cluster);
    let mut b = other(&cluster);
    a.ok("INSERT INTO t (v) VALUES (1)");
    b.exec("BEGIN; SELECT * FROM t");
    a.ok("INSERT INTO t (v) VALUES (2)");
    // REPEATABLE READ: the open transaction still sees what it first read.
    assert_eq!(b.val("SELECT COUNT(*) FROM t"), "1");
    b.ok("COMMIT");
    assert_eq!(b.val("SELECT COUNT(*) FROM t"), "2");
}

#[test]
fn rollback_leaves_nothing() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let mut b = other(&cluster);
    c.ok("INSERT INTO t (v) VALUES (1)");
    c.exec("BEGIN; INSERT INTO t (v) VALUES (2); UPDATE t SET v = 9; DELETE FROM t WHERE id = 1");
    assert_eq!(c.q("SELECT id, v FROM t"), rows(&[&["2", "9"]]));
    assert_eq!(b.q("SELECT id, v FROM t"), rows(&[&["1", "1"]]));
    let out = c.run("ROLLBACK");
    assert!(
        matches!(&out[..], [Outcome::Ok(ok)] if !ok.in_transaction),
        "{out:?}"
    );
    assert!(!c.s.in_transaction());
    assert_eq!(b.q("SELECT id, v FROM t"), rows(&[&["1", "1"]]));
    assert_eq!(c.q("SELECT id, v FROM t"), rows(&[&["1", "1"]]));
    // As in InnoDB, the rolled-back insert used up its id.
    assert_eq!(c.ok("INSERT INTO t (v) VALUES (3)").last_insert_id, 3);
}

#[test]
fn autocommit_off_opens_transactions_implicitly() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let mut b = other(&cluster);
    let ok = c.ok("SET AUTOCOMMIT = 0");
    assert!(!ok.autocommit);
    assert_eq!(c.val("SELECT @@autocommit"), "0");
    c.ok("INSERT INTO t (v) VALUES (1)");
    assert!(c.s.in_transaction());
    assert!(b.q("SELECT * FROM t").is_empty());
    c.ok("COMMIT");
    assert_eq!(b.q("SELECT v FROM t"), rows(&[&["1"]]));
    c.ok("INSERT INTO t (v) VALUES (2)");
    c.ok("ROLLBACK");
    assert_eq!(b.q("SELECT v FROM t"), rows(&[&["1"]]));
    // Turning autocommit back on commits what is open.
    c.ok("INSERT INTO t (v) VALUES (3)");
    let ok = c.ok("SET autocommit=1");
    assert!(ok.autocommit && !ok.in_transaction);
    assert_eq!(b.q("SELECT v FROM t ORDER BY id"), rows(&[&["1"], &["3"]]));
}

#[test]
fn ddl_and_begin_commit_implicitly() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let mut b = other(&cluster);
    c.exec("BEGIN; INSERT INTO t (v) VALUES (1)");
    c.ok("CREATE TABLE u (id INT PRIMARY KEY)");
    assert!(!c.s.in_transaction());
    assert_eq!(b.q("SELECT v FROM t"), rows(&[&["1"]]));
    c.exec("BEGIN; INSERT INTO t (v) VALUES (2)");
    c.ok("BEGIN");
    assert!(c.s.in_transaction());
    assert_eq!(b.q("SELECT v FROM t ORDER BY id"), rows(&[&["1"], &["2"]]));
}

#[test]
fn a_failed_statement_inside_a_transaction_keeps_the_rest() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec("BEGIN; INSERT INTO t (v) VALUES (1)");
    assert_eq!(c.err("INSERT INTO t (id, v) VALUES (1, 5)").code, 1062);
    assert_eq!(c.err("INSERT INTO t (v) VALUES (2), (NULL)").code, 1048);
    assert!(c.s.in_transaction());
    c.ok("COMMIT");
    assert_eq!(c.q("SELECT id, v FROM t"), rows(&[&["1", "1"]]));
}

#[test]
fn a_second_writer_waits_for_the_first_and_times_out() {
    let cluster = Cluster::new();
    let mut a = shop(&cluster);
    a.ok("INSERT INTO t (v) VALUES (1)");
    let mut b = other(&cluster);
    a.exec("BEGIN; UPDATE t SET v = 100 WHERE id = 1");
    b.ok("SET innodb_lock_wait_timeout = 1");
    let e = b.err("UPDATE t SET v = 200 WHERE id = 1");
    assert_eq!(
        (e.code, e.sqlstate.as_str(), e.message.as_str()),
        (
            1205,
            "HY000",
            "Lock wait timeout exceeded; try restarting transaction"
        )
    );
    assert_eq!(b.val("SELECT v FROM t"), "1");
    a.ok("COMMIT");
    assert_eq!(b.val("SELECT v FROM t"), "100");
    // The session is usable and retries cleanly.
    b.ok("UPDATE t SET v = 200 WHERE id = 1");
    a.exec("BEGIN; UPDATE t SET v = v + 100 WHERE id = 1; COMMIT");
    assert_eq!(b.val("SELECT v FROM t"), "300");
}

#[test]
fn multi_statement_text_runs_in_order_and_stops_at_an_error() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let out = c.run("INSERT INTO t (v) VALUES (7); SELECT v FROM t; SELECT 2");
    assert_eq!(out.len(), 3);
    assert!(matches!(&out[0], Outcome::Ok(ok) if ok.affected_rows == 1));
    let Outcome::Rows(rs) = &out[1] else {
        panic!("{out:?}")
    };
    assert_eq!(rs.rows, vec![vec![Some(b"7".to_vec())]]);
    // An error stops the rest, as in MySQL.
    let out = c.run("SELECT 1; SELECT nope FROM t; SELECT 3");
    assert_eq!(out.len(), 2);
    assert!(matches!(&out[1], Outcome::Error(e) if e.code == 1054));
    assert_eq!(c.q("SELECT v FROM t"), rows(&[&["7"]]));
}
