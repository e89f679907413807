//! Read-only transactions, START TRANSACTION's characteristics, single-node XA and LOCK
//! TABLES, answered as MySQL 8.0 answers them.

mod common;

use common::*;

fn bank(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE bank; USE bank;
         CREATE TABLE acct (id INT PRIMARY KEY, bal INT);
         CREATE TABLE other (id INT PRIMARY KEY);
         INSERT INTO acct VALUES (1, 10)",
    );
    c
}

#[test]
fn read_only_transactions_refuse_writes() {
    let cluster = Cluster::new();
    let mut c = bank(&cluster);
    c.ok("START TRANSACTION READ ONLY");
    assert_eq!(c.val("SELECT COUNT(*) FROM acct"), "1");
    let e = c.err("INSERT INTO acct VALUES (2, 2)");
    assert_eq!((e.code, e.sqlstate.as_str()), (1792, "25006"));
    assert_eq!(c.err("UPDATE acct SET bal = 0").code, 1792);
    c.ok("COMMIT");
    c.ok("START TRANSACTION READ WRITE, WITH CONSISTENT SNAPSHOT");
    c.ok("INSERT INTO acct VALUES (2, 2)");
    c.ok("COMMIT");
    c.ok("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    c.ok("COMMIT");
    assert_eq!(c.err("START TRANSACTION READ ONLY, READ WRITE").code, 1064);
    assert_eq!(c.err("START TRANSACTION WITH SNAPSHOT").code, 1064);

    // The session's mode applies to autocommitted statements and later transactions.
    c.ok("SET SESSION TRANSACTION READ ONLY");
    assert_eq!(c.err("INSERT INTO acct VALUES (3, 3)").code, 1792);
    assert_eq!(c.val("SELECT @@transaction_read_only"), "1");
    c.ok("START TRANSACTION READ WRITE");
    c.ok("INSERT INTO acct VALUES (3, 3)");
    c.ok("COMMIT");
    c.ok("SET SESSION TRANSACTION READ WRITE");
    c.ok("INSERT INTO acct VALUES (4, 4)");
    assert_eq!(c.val("SELECT COUNT(*) FROM acct"), "4");
}

#[test]
fn xa_transactions_on_one_node() {
    let cluster = Cluster::new();
    let mut c = bank(&cluster);
    c.ok("XA START 'x1'");
    c.ok("INSERT INTO acct VALUES (2, 2)");
    assert_eq!(c.err("COMMIT").code, 1399);
    assert_eq!(c.err("XA START 'x2'").code, 1399);
    assert_eq!(c.err("XA END 'other'").code, 1397);
    assert_eq!(c.err("XA PREPARE 'x1'").code, 1399);
    let e = c.err("XA ROLLBACK 'x1'");
    assert_eq!(e.code, 1399);
    assert_eq!(
        e.message,
        "XAER_RMFAIL: The command cannot be executed when global transaction is in the  ACTIVE state"
    );
    c.ok("XA END 'x1'");
    assert_eq!(c.err("INSERT INTO acct VALUES (3, 3)").code, 1399);
    assert_eq!(c.err("XA COMMIT 'x1'").code, 1399);
    c.ok("XA PREPARE 'x1'");
    assert_eq!(c.q("XA RECOVER"), rows(&[&["1", "2", "0", "x1"]]));
    c.ok("XA COMMIT 'x1'");
    assert_eq!(c.val("SELECT COUNT(*) FROM acct"), "2");
    assert_eq!(c.err("XA COMMIT 'x1'").code, 1397);

    // Rolled back after END; ONE PHASE commits from IDLE.
    c.ok("XA START 'x2', 'b', 7");
    c.ok("INSERT INTO acct VALUES (3, 3)");
    c.ok("XA END 'x2', 'b', 7");
    c.ok("XA ROLLBACK 'x2', 'b', 7");
    assert_eq!(c.val("SELECT COUNT(*) FROM acct"), "2");
    c.ok("XA BEGIN 'x3'");
    c.ok("INSERT INTO acct VALUES (3, 3)");
    c.ok("XA END 'x3'");
    c.ok("XA COMMIT 'x3' ONE PHASE");
    assert_eq!(c.val("SELECT COUNT(*) FROM acct"), "3");

    // Not inside a local transaction.
    c.ok("BEGIN");
    assert_eq!(c.err("XA START 'x4'").code, 1400);
    c.ok("ROLLBACK");
}

#[test]
fn lock_tables_read_refuses_writes_until_unlock() {
    let cluster = Cluster::new();
    let mut c = bank(&cluster);
    c.ok("LOCK TABLES acct WRITE");
    c.ok("UPDATE acct SET bal = bal + 1 WHERE id = 1");
    c.ok("UNLOCK TABLES");
    c.ok("LOCK TABLES acct READ, other AS o WRITE");
    assert_eq!(c.val("SELECT bal FROM acct WHERE id = 1"), "11");
    let e = c.err("UPDATE acct SET bal = 0 WHERE id = 1");
    assert_eq!(e.code, 1099);
    assert_eq!(
        e.message,
        "Table 'acct' was locked with a READ lock and can't be updated"
    );
    assert_eq!(c.err("DELETE FROM acct").code, 1099);
    c.ok("INSERT INTO other VALUES (1)");
    c.ok("UNLOCK TABLES");
    c.ok("UPDATE acct SET bal = 0 WHERE id = 1");
    assert_eq!(c.val("SELECT bal FROM acct WHERE id = 1"), "0");
    assert_eq!(c.err("LOCK TABLES nope READ").code, 1146);
    c.ok("LOCK TABLE other READ");
    assert_eq!(c.err("INSERT INTO acct VALUES (5, 5)").code, 1100);
    // START TRANSACTION releases the locks.
    c.ok("START TRANSACTION");
    c.ok("INSERT INTO acct VALUES (5, 5)");
    c.ok("COMMIT");
}
