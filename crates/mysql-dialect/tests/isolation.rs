//! The session's isolation level: SET [SESSION] TRANSACTION ISOLATION LEVEL and the
//! `transaction_isolation` variable (MySQL 8.0 has no `tx_isolation`).

mod common;

use common::*;

fn levels(c: &mut Conn) -> Vec<String> {
    c.q("SELECT @@transaction_isolation, @@session.transaction_isolation")
        .remove(0)
}

#[test]
fn set_session_transaction_isolation_level_is_seen_per_connection() {
    let cluster = Cluster::new();
    let mut a = Conn::new(&cluster);
    let mut b = Conn::new(&cluster);
    assert_eq!(levels(&mut a), ["REPEATABLE-READ"; 2]);
    a.ok("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    assert_eq!(levels(&mut a), ["READ-COMMITTED"; 2]);
    assert_eq!(levels(&mut b), ["REPEATABLE-READ"; 2]);
    a.ok("SET LOCAL TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE");
    assert_eq!(levels(&mut a), ["SERIALIZABLE"; 2]);
    a.ok("set session transaction read only, isolation level read uncommitted");
    assert_eq!(levels(&mut a), ["READ-UNCOMMITTED"; 2]);
    let shown = a.q("SHOW VARIABLES LIKE '%isolation'");
    assert_eq!(
        shown,
        rows(&[&["transaction_isolation", "READ-UNCOMMITTED"]])
    );
    assert_eq!(
        a.err("SET SESSION TRANSACTION ISOLATION LEVEL CHAOS").code,
        1064
    );
    assert_eq!(levels(&mut a), ["READ-UNCOMMITTED"; 2]);
}

#[test]
fn the_variables_follow_set() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.ok("SET @@session.transaction_isolation = 'READ-COMMITTED'");
    assert_eq!(levels(&mut c), ["READ-COMMITTED"; 2]);
    c.ok("SET transaction_isolation = 'serializable'");
    assert_eq!(levels(&mut c), ["SERIALIZABLE"; 2]);
    c.ok("SET transaction_isolation = 'REPEATABLE-READ'");
    assert_eq!(levels(&mut c), ["REPEATABLE-READ"; 2]);
    c.ok("SET SESSION transaction_isolation = 1");
    assert_eq!(levels(&mut c), ["READ-COMMITTED"; 2]);
    c.ok("SET transaction_isolation = DEFAULT");
    assert_eq!(levels(&mut c), ["REPEATABLE-READ"; 2]);
    let e = c.err("SET transaction_isolation = 'READ COMMITTED'");
    assert_eq!((e.code, e.sqlstate.as_str()), (1231, "42000"));
    assert_eq!(
        e.message,
        "Variable 'transaction_isolation' can't be set to the value of 'READ COMMITTED'"
    );
    let e = c.err("SET @@session.transaction_isolation = 7");
    assert_eq!(
        e.message,
        "Variable 'transaction_isolation' can't be set to the value of '7'"
    );
    assert_eq!(c.err("SET transaction_isolation = NULL").code, 1231);
    assert_eq!(levels(&mut c), ["REPEATABLE-READ"; 2]);
}

#[test]
fn next_transaction_forms_leave_the_session_value() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec("CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY)");
    // Without SESSION the level is for the next transaction only (MySQL).
    c.ok("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
    c.ok("SET @@transaction_isolation = 'READ-COMMITTED'");
    assert_eq!(levels(&mut c), ["REPEATABLE-READ"; 2]);
    assert_eq!(c.err("SET @@transaction_isolation = 'nope'").code, 1231);
    // ... and refused inside one.
    c.exec("BEGIN; INSERT INTO t VALUES (1)");
    let e = c.err("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    assert_eq!((e.code, e.sqlstate.as_str()), (1568, "25001"));
    assert_eq!(
        e.message,
        "Transaction characteristics can't be changed while a transaction is in progress"
    );
    assert_eq!(
        c.err("SET @@transaction_isolation = 'READ-COMMITTED'").code,
        1568
    );
    // The session form is allowed in a transaction, for the transactions after it.
    c.ok("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    c.ok("COMMIT");
    assert_eq!(c.val("SELECT COUNT(*) FROM t"), "1");
    assert_eq!(levels(&mut c), ["READ-COMMITTED"; 2]);
}
