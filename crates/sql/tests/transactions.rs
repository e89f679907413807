//! Transactions and the commit boundary: what stays buffered, what is handed back, who sees
//! what, and conflicts between sessions.

mod common;

use common::*;
use sql::{KvRead, MemKv, Outcome, Session};

fn shop(kv: &MemKv) -> Conn<'_> {
    let mut c = Conn::new(kv);
    c.exec(
        "CREATE DATABASE shop; USE shop;
         CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)",
    );
    c
}

fn other(kv: &MemKv) -> Conn<'_> {
    Conn::with(kv, config("app@10.0.0.2").with_database("shop"))
}

#[test]
fn autocommit_statements_hand_back_their_writes() {
    let kv = MemKv::new();
    let mut c = shop(&kv);
    let before = kv.snapshot();
    let out = c.s.execute("INSERT INTO t (v) VALUES (1)", &kv);
    let [Outcome::Commit(req)] = out.as_slice() else {
        panic!("{out:?}")
    };
    // Nothing is visible until the caller commits.
    assert_eq!(kv.snapshot(), before);
    assert_eq!(req.ok.affected_rows, 1);
    assert_eq!(req.ok.last_insert_id, 1);
    assert!(req.ok.autocommit && !req.ok.in_transaction);
    let keys: Vec<String> = req
        .writes()
        .iter()
        .map(|(k, _)| String::from_utf8_lossy(k).into_owned())
        .collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys.contains(&"db/shop/seq/t".to_owned()));
    assert!(keys.iter().any(|k| k.starts_with("db/shop/rows/t/")));
    assert!(req.check(&kv).is_ok());
    kv.apply(req).unwrap();
    assert_eq!(c.val("SELECT v FROM t"), "1");
    // A read needs no commit; neither does a write that changed nothing.
    assert!(matches!(
        c.s.execute("SELECT * FROM t", &kv)[0],
        Outcome::Rows(_)
    ));
    assert!(matches!(
        c.s.execute("DELETE FROM t WHERE id = 5", &kv)[0],
        Outcome::Ok(_)
    ));
}

#[test]
fn begin_commit_and_isolation_between_sessions() {
    let kv = MemKv::new();
    let mut a = shop(&kv);
    let mut b = other(&kv);
    let ok = a.ok("BEGIN");
    assert!(ok.in_transaction);
    let ok = a.ok("INSERT INTO t (v) VALUES (10), (20)");
    assert!(ok.in_transaction, "buffered, no commit yet");
    a.ok("UPDATE t SET v = v + 1 WHERE id = 1");
    // The writer sees its own writes; nobody else does, nor does the head hold them.
    assert_eq!(
        a.q("SELECT v FROM t ORDER BY id"),
        rows(&[&["11"], &["20"]])
    );
    assert!(b.q("SELECT v FROM t").is_empty());
    assert!(kv
        .snapshot()
        .keys()
        .all(|k| !k.starts_with(b"db/shop/rows/")));
    // COMMIT hands everything back at once.
    let out = a.s.execute("COMMIT", &kv);
    let [Outcome::Commit(req)] = out.as_slice() else {
        panic!("{out:?}")
    };
    assert!(!req.ok.in_transaction);
    kv.apply(req).unwrap();
    assert_eq!(
        b.q("SELECT v FROM t ORDER BY id"),
        rows(&[&["11"], &["20"]])
    );
    assert!(!a.s.in_transaction());
}

#[test]
fn rollback_leaves_nothing() {
    let kv = MemKv::new();
    let mut c = shop(&kv);
    c.ok("INSERT INTO t (v) VALUES (1)");
    let before = kv.snapshot();
    c.exec("BEGIN; INSERT INTO t (v) VALUES (2); UPDATE t SET v = 9; DELETE FROM t WHERE id = 1");
    assert_eq!(c.q("SELECT id, v FROM t"), rows(&[&["2", "9"]]));
    let out = c.s.execute("ROLLBACK", &kv);
    assert!(
        matches!(&out[..], [Outcome::Ok(ok)] if !ok.in_transaction),
        "{out:?}"
    );
    assert!(!c.s.in_transaction());
    assert_eq!(kv.snapshot(), before);
    assert_eq!(c.q("SELECT id, v FROM t"), rows(&[&["1", "1"]]));
    // The rolled-back insert did not use up an id either.
    assert_eq!(c.ok("INSERT INTO t (v) VALUES (3)").last_insert_id, 2);
}

#[test]
fn autocommit_off_opens_transactions_implicitly() {
    let kv = MemKv::new();
    let mut c = shop(&kv);
    let mut b = other(&kv);
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
    let out = c.s.execute("SET autocommit=1", &kv);
    let [Outcome::Commit(req)] = out.as_slice() else {
        panic!("{out:?}")
    };
    kv.apply(req).unwrap();
    assert_eq!(b.q("SELECT v FROM t ORDER BY id"), rows(&[&["1"], &["3"]]));
}

#[test]
fn ddl_and_begin_commit_implicitly() {
    let kv = MemKv::new();
    let mut c = shop(&kv);
    let mut b = other(&kv);
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
    let kv = MemKv::new();
    let mut c = shop(&kv);
    c.exec("BEGIN; INSERT INTO t (v) VALUES (1)");
    assert_eq!(c.err("INSERT INTO t (id, v) VALUES (1, 5)").code, 1062);
    assert_eq!(c.err("INSERT INTO t (v) VALUES (2), (NULL)").code, 1048);
    assert!(c.s.in_transaction());
    c.ok("COMMIT");
    assert_eq!(c.q("SELECT id, v FROM t"), rows(&[&["1", "1"]]));
}

#[test]
fn write_write_conflicts_are_refused_at_commit() {
    let kv = MemKv::new();
    let mut a = shop(&kv);
    a.ok("INSERT INTO t (v) VALUES (1)");
    let mut b = other(&kv);
    a.exec("BEGIN; UPDATE t SET v = 100 WHERE id = 1");
    b.ok("UPDATE t SET v = 200 WHERE id = 1");
    let out = a.s.execute("COMMIT", &kv);
    let [Outcome::Commit(req)] = out.as_slice() else {
        panic!("{out:?}")
    };
    let e = req.check(&kv).unwrap_err();
    assert_eq!((e.code, e.sqlstate.as_str()), (1213, "40001"));
    assert_eq!(kv.apply(req).unwrap_err().code, 1213);
    assert_eq!(b.val("SELECT v FROM t"), "200");
    // The session is usable and retries cleanly.
    a.exec("BEGIN; UPDATE t SET v = 300 WHERE id = 1; COMMIT");
    assert_eq!(b.val("SELECT v FROM t"), "300");
}

#[test]
fn multi_statement_text_waits_for_each_commit() {
    let kv = MemKv::new();
    let mut c = shop(&kv);
    let out = c.s.execute(
        "INSERT INTO t (v) VALUES (7); SELECT v FROM t; SELECT 2",
        &kv,
    );
    assert_eq!(out.len(), 1);
    let Outcome::Commit(req) = &out[0] else {
        panic!("{out:?}")
    };
    assert!(c.s.has_pending());
    kv.apply(req).unwrap();
    let rest = c.s.resume(&kv);
    assert_eq!(rest.len(), 2);
    let Outcome::Rows(rs) = &rest[0] else {
        panic!("{rest:?}")
    };
    assert_eq!(rs.rows, vec![vec![Some("7".to_owned())]]);
    // An error stops the rest, as in MySQL.
    let out = c.run("SELECT 1; SELECT nope FROM t; SELECT 3");
    assert_eq!(out.len(), 2);
    assert!(matches!(&out[1], Outcome::Error(e) if e.code == 1054));
    // A failed commit is reported and also stops the rest.
    let mut s = Session::new(config("x@%").with_database("shop"));
    let out = s.run("INSERT INTO t (v) VALUES (8); SELECT 1", &kv, |_| {
        Err(sql::SqlError::unknown("disk full"))
    });
    assert_eq!(out.len(), 1);
    assert!(matches!(&out[0], Outcome::Error(e) if e.message == "disk full"));
    assert!(kv.get(b"db/shop/seq/t").unwrap().is_some());
    assert_eq!(c.q("SELECT v FROM t"), rows(&[&["7"]]));
}
