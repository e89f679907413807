//! SAVEPOINT, ROLLBACK TO and RELEASE SAVEPOINT, as SQLAlchemy's `begin_nested()` and
//! Django's nested `atomic()` send them.

mod common;

use common::*;

fn shop(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE shop; USE shop;
         CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)",
    );
    c
}

fn ids(c: &mut Conn) -> Vec<String> {
    c.q("SELECT id FROM t ORDER BY id")
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

#[test]
fn rollback_to_undoes_later_writes_and_keeps_the_savepoint() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec("BEGIN; INSERT INTO t (v) VALUES (1); SAVEPOINT `s1_x1`");
    c.exec("INSERT INTO t (v) VALUES (2); UPDATE t SET v = 10 WHERE id = 1");
    assert_eq!(
        c.q("SELECT id, v FROM t ORDER BY id"),
        rows(&[&["1", "10"], &["2", "2"]])
    );
    c.ok("ROLLBACK TO SAVEPOINT `s1_x1`");
    assert_eq!(c.q("SELECT id, v FROM t ORDER BY id"), rows(&[&["1", "1"]]));
    // LAST_INSERT_ID and the AUTO_INCREMENT counter are not rolled back.
    assert_eq!(c.val("SELECT LAST_INSERT_ID()"), "2");
    // The savepoint is still there: roll back to it again (short form, other case).
    c.exec("INSERT INTO t (v) VALUES (3)");
    assert_eq!(ids(&mut c), ["1", "3"]);
    c.ok("ROLLBACK TO S1_X1");
    assert_eq!(ids(&mut c), ["1"]);
    assert!(c.s.in_transaction());
    c.ok("COMMIT");
    assert_eq!(ids(&mut c), ["1"]);
    c.ok("INSERT INTO t (v) VALUES (4)");
    assert_eq!(ids(&mut c), ["1", "4"]);
}

#[test]
fn rollback_to_drops_later_savepoints_and_release_drops_it_and_later() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec(
        "START TRANSACTION; SAVEPOINT a; INSERT INTO t (v) VALUES (1);
         SAVEPOINT b; INSERT INTO t (v) VALUES (2); SAVEPOINT c",
    );
    c.ok("ROLLBACK TO a");
    assert!(ids(&mut c).is_empty());
    for gone in ["b", "c"] {
        let e = c.err(&format!("ROLLBACK TO SAVEPOINT {gone}"));
        assert_eq!((e.code, e.sqlstate.as_str()), (1305, "42000"));
        assert_eq!(e.message, format!("SAVEPOINT {gone} does not exist"));
    }
    // The connection and the transaction survive the errors.
    c.exec("INSERT INTO t (v) VALUES (3); SAVEPOINT b; INSERT INTO t (v) VALUES (4); SAVEPOINT c");
    c.ok("RELEASE SAVEPOINT b");
    assert_eq!(c.err("ROLLBACK TO c").code, 1305);
    assert_eq!(c.err("RELEASE SAVEPOINT b").code, 1305);
    // Released savepoints keep their writes.
    assert_eq!(ids(&mut c), ["3", "4"]);
    c.ok("ROLLBACK TO a");
    assert!(ids(&mut c).is_empty());
    c.ok("RELEASE SAVEPOINT a");
    c.ok("COMMIT");
    assert!(ids(&mut c).is_empty());
}

#[test]
fn reusing_a_name_moves_the_savepoint() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec(
        "BEGIN; SAVEPOINT s; INSERT INTO t (v) VALUES (1); SAVEPOINT s2;
         INSERT INTO t (v) VALUES (2); SAVEPOINT s; INSERT INTO t (v) VALUES (3)",
    );
    c.ok("ROLLBACK TO s");
    assert_eq!(ids(&mut c), ["1", "2"]);
    // s2 was set before the moved s, so it survives.
    c.ok("ROLLBACK TO s2");
    assert_eq!(ids(&mut c), ["1"]);
    assert_eq!(c.err("ROLLBACK TO s").code, 1305);
    c.ok("COMMIT");
    assert_eq!(ids(&mut c), ["1"]);
}

#[test]
fn commit_and_rollback_clear_savepoints() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec("BEGIN; SAVEPOINT s; INSERT INTO t (v) VALUES (1); COMMIT");
    assert_eq!(c.err("ROLLBACK TO s").code, 1305);
    c.exec("BEGIN; SAVEPOINT s; INSERT INTO t (v) VALUES (2); ROLLBACK");
    assert_eq!(c.err("ROLLBACK TO SAVEPOINT s").code, 1305);
    assert_eq!(c.err("RELEASE SAVEPOINT s").code, 1305);
    // DDL commits implicitly, savepoints with it.
    c.exec("BEGIN; SAVEPOINT s; INSERT INTO t (v) VALUES (5); CREATE TABLE u (a INT)");
    assert_eq!(c.err("ROLLBACK TO s").code, 1305);
    // As in InnoDB, the rolled-back insert used up the id 2.
    assert_eq!(
        c.q("SELECT id, v FROM t ORDER BY id"),
        rows(&[&["1", "1"], &["3", "5"]])
    );
}

#[test]
fn autocommit_savepoint_is_accepted_and_keeps_nothing() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.ok("SAVEPOINT s");
    assert!(!c.s.in_transaction());
    c.ok("INSERT INTO t (v) VALUES (1)");
    let e = c.err("ROLLBACK TO SAVEPOINT s");
    assert_eq!(e.code, 1305);
    assert_eq!(e.message, "SAVEPOINT s does not exist");
    assert_eq!(ids(&mut c), ["1"]);
}

#[test]
fn autocommit_off_savepoint_opens_the_transaction() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec("SET autocommit = 0; SAVEPOINT s; INSERT INTO t (v) VALUES (1)");
    c.ok("ROLLBACK TO s");
    c.exec("INSERT INTO t (v) VALUES (2); COMMIT");
    assert_eq!(ids(&mut c), ["2"]);
}
