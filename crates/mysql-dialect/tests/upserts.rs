//! INSERT IGNORE, REPLACE, INSERT ... ON DUPLICATE KEY UPDATE and all-default inserts.

mod common;

use common::*;

fn shop(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE shop; USE shop;
         CREATE TABLE u (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(50) UNIQUE,
                         n INT NOT NULL DEFAULT 0);
         INSERT INTO u (email, n) VALUES ('a@x', 1), ('b@x', 2)",
    );
    c
}

fn all(c: &mut Conn) -> Vec<Vec<String>> {
    c.q("SELECT id, email, n FROM u ORDER BY id")
}

#[test]
fn insert_ignore_skips_duplicates_by_primary_and_unique_key() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let ok = c.ok("INSERT IGNORE INTO u (id, email, n) VALUES (1, 'z@x', 9), (3, 'c@x', 3), (4, 'b@x', 4), (5, 'c@x', 5)");
    assert_eq!(ok.affected_rows, 1);
    // MySQL 8 warns (1062) for each row it skipped.
    assert_eq!(ok.info, "Records: 4  Duplicates: 3  Warnings: 3");
    assert_eq!(ok.warnings, 3);
    assert_eq!(
        all(&mut c),
        rows(&[&["1", "a@x", "1"], &["2", "b@x", "2"], &["3", "c@x", "3"]])
    );
    // Without a duplicate it is a plain insert; generated ids count from the inserted row.
    let ok = c.ok("INSERT IGNORE INTO u (email) VALUES ('a@x'), ('d@x')");
    assert_eq!(ok.affected_rows, 1);
    assert_eq!(
        c.val("SELECT id FROM u WHERE email = 'd@x'"),
        ok.last_insert_id.to_string()
    );
    assert_eq!(
        c.val("SELECT LAST_INSERT_ID()"),
        ok.last_insert_id.to_string()
    );
    // A plain INSERT still fails on the duplicate, and the connection goes on.
    let e = c.err("INSERT INTO u (id, email) VALUES (1, 'q@x')");
    assert_eq!(e.code, 1062);
    assert_eq!(
        c.ok("INSERT IGNORE INTO u (id) VALUES (1)").affected_rows,
        0
    );
}

#[test]
fn replace_deletes_then_inserts() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    assert_eq!(
        c.ok("REPLACE INTO u (id, email, n) VALUES (1, 'a2@x', 10)")
            .affected_rows,
        2
    );
    assert_eq!(
        c.ok("REPLACE INTO u (id, email, n) VALUES (7, 'g@x', 7)")
            .affected_rows,
        1
    );
    assert_eq!(
        all(&mut c),
        rows(&[&["1", "a2@x", "10"], &["2", "b@x", "2"], &["7", "g@x", "7"]])
    );
    // A row clashing with two rows (one by id, one by email) replaces both: 1 + 2.
    assert_eq!(c.ok("REPLACE u VALUES (1, 'b@x', 5)").affected_rows, 3);
    assert_eq!(all(&mut c), rows(&[&["1", "b@x", "5"], &["7", "g@x", "7"]]));
    // Omitted columns take their defaults, not the old row's values.
    assert_eq!(
        c.ok("REPLACE INTO u (id, email) VALUES (7, 'g@x')")
            .affected_rows,
        2
    );
    assert_eq!(c.val("SELECT n FROM u WHERE id = 7"), "0");
}

#[test]
fn on_duplicate_key_update_counts_as_mysql() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let ok = c.ok("INSERT INTO u (id, email, n) VALUES (1, 'a@x', 5) ON DUPLICATE KEY UPDATE n = n + VALUES(n)");
    assert_eq!(ok.affected_rows, 2);
    assert_eq!(c.val("SELECT n FROM u WHERE id = 1"), "6");
    // Nothing changes: 0 rows affected.
    let ok = c.ok(
        "INSERT INTO u (id, email, n) VALUES (1, 'a@x', 6) ON DUPLICATE KEY UPDATE n = VALUES(n)",
    );
    assert_eq!(ok.affected_rows, 0);
    // One new row, one update by the UNIQUE email: 1 + 2.
    let ok = c.ok("INSERT INTO u (email, n) VALUES ('new@x', 1), ('b@x', 1) \
         ON DUPLICATE KEY UPDATE n = n + VALUES(n), email = CONCAT(email, '!')");
    assert_eq!(ok.affected_rows, 3);
    assert_eq!(ok.info, "Records: 2  Duplicates: 1  Warnings: 0");
    assert_eq!(
        all(&mut c),
        rows(&[
            &["1", "a@x", "6"],
            &["2", "b@x!", "3"],
            &["3", "new@x", "1"]
        ])
    );
    assert_eq!(ok.last_insert_id, 3);
    // A later row sees an earlier row of the same statement.
    let ok = c.ok("INSERT INTO u (id, n) VALUES (9, 1), (9, 1) ON DUPLICATE KEY UPDATE n = n + 10");
    assert_eq!(ok.affected_rows, 3);
    assert_eq!(c.val("SELECT n FROM u WHERE id = 9"), "11");
}

#[test]
fn on_duplicate_key_update_with_a_row_alias() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let ok = c.ok("INSERT INTO u (id, email, n) VALUES (2, 'b@x', 40) AS new ON DUPLICATE KEY UPDATE n = u.n + new.n");
    assert_eq!(ok.affected_rows, 2);
    assert_eq!(c.val("SELECT n FROM u WHERE id = 2"), "42");
    let ok = c.ok("INSERT INTO u (id, email, n) VALUES (2, 'b@x', 8) AS r (a, b, m) ON DUPLICATE KEY UPDATE n = r.m");
    assert_eq!(ok.affected_rows, 2);
    assert_eq!(c.val("SELECT n FROM u WHERE id = 2"), "8");
    // The table named with its database, its columns qualified.
    let ok = c.ok("INSERT INTO shop.u (id, n) VALUES (2, 1) AS new ON DUPLICATE KEY UPDATE n = shop.u.n + new.n");
    assert_eq!(ok.affected_rows, 2);
    let ok = c
        .ok("INSERT INTO shop.u (id, n) VALUES (2, 1) ON DUPLICATE KEY UPDATE n = u.n + VALUES(n)");
    assert_eq!(ok.affected_rows, 2);
    assert_eq!(c.val("SELECT n FROM u WHERE id = 2"), "10");
}

#[test]
fn upsert_errors_keep_the_statement_atomic() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    // The update of the second row would duplicate 'a@x': nothing of the statement stays.
    let e = c.err(
        "INSERT INTO u (id, email, n) VALUES (5, 'e@x', 1), (2, 'b@x', 1) \
         ON DUPLICATE KEY UPDATE email = 'a@x'",
    );
    assert_eq!((e.code, e.sqlstate.as_str()), (1062, "23000"));
    assert_eq!(all(&mut c), rows(&[&["1", "a@x", "1"], &["2", "b@x", "2"]]));
    let e = c.err("INSERT INTO u (id, nope) VALUES (1, 1) ON DUPLICATE KEY UPDATE n = 1");
    assert_eq!(e.code, 1054);
    // Inside a transaction, upserts stay pending like other writes.
    c.exec("BEGIN; INSERT IGNORE INTO u (id, email) VALUES (1, 'x'), (8, 'h@x')");
    assert_eq!(c.val("SELECT COUNT(*) FROM u"), "3");
    c.ok("ROLLBACK");
    assert_eq!(c.val("SELECT COUNT(*) FROM u"), "2");
}

#[test]
fn upsert_from_select_and_without_keys() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec("CREATE TABLE src (id INT, email VARCHAR(50)); INSERT INTO src VALUES (1, 'a@x'), (6, 'f@x')");
    let ok = c.ok("INSERT IGNORE INTO u (id, email) SELECT id, email FROM src");
    assert_eq!(ok.affected_rows, 1);
    assert_eq!(c.val("SELECT email FROM u WHERE id = 6"), "f@x");
    // A table without keys has no duplicates: everything is inserted.
    let ok = c.ok("INSERT IGNORE INTO src VALUES (1, 'a@x')");
    assert_eq!(ok.affected_rows, 1);
    assert_eq!(c.val("SELECT COUNT(*) FROM src"), "3");
}

#[test]
fn insert_with_every_column_defaulted() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec(
        "CREATE DATABASE d; USE d;
         CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, n INT DEFAULT 7, s VARCHAR(5),
                         at DATETIME DEFAULT CURRENT_TIMESTAMP)",
    );
    let ok = c.ok("INSERT INTO t () VALUES ()");
    assert_eq!((ok.affected_rows, ok.last_insert_id), (1, 1));
    let ok = c.ok("INSERT INTO t VALUES ()");
    assert_eq!((ok.affected_rows, ok.last_insert_id), (1, 2));
    let ok = c.ok("INSERT INTO t () VALUES (), ()");
    assert_eq!((ok.affected_rows, ok.last_insert_id), (2, 3));
    assert_eq!(
        c.q("SELECT id, n, s, at FROM t ORDER BY id"),
        rows(&[
            &["1", "7", "NULL", "2024-05-01 12:00:00"],
            &["2", "7", "NULL", "2024-05-01 12:00:00"],
            &["3", "7", "NULL", "2024-05-01 12:00:00"],
            &["4", "7", "NULL", "2024-05-01 12:00:00"],
        ])
    );
    // Without AUTO_INCREMENT too; and a row with values still has to match the columns.
    c.exec("CREATE TABLE k (a INT DEFAULT 1, b INT)");
    assert_eq!(c.ok("INSERT INTO k () VALUES ()").affected_rows, 1);
    assert_eq!(c.q("SELECT a, b FROM k"), rows(&[&["1", "NULL"]]));
    let e = c.err("INSERT INTO k VALUES (1)");
    assert_eq!(e.code, 1136);
    let e = c.err("INSERT INTO k VALUES (), (1, 2)");
    assert_eq!(e.code, 1136);
    // A NOT NULL column without a default: MySQL's strict-mode error, whichever column.
    c.exec("CREATE TABLE nn (a INT NOT NULL, b INT); CREATE TABLE nn2 (a INT NOT NULL)");
    for t in ["nn", "nn2"] {
        let e = c.err(&format!("INSERT INTO {t} () VALUES ()"));
        assert_eq!((e.code, e.sqlstate.as_str()), (1364, "HY000"));
        assert_eq!(e.message, "Field 'a' doesn't have a default value");
    }
}

#[test]
fn later_rows_see_earlier_rows_and_changed_keys() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    // Two new rows with one email in one statement: the second is the duplicate.
    let ok = c.ok("INSERT IGNORE INTO u (email, n) VALUES ('c@x', 1), ('d@x', 1), ('c@x', 2)");
    assert_eq!(ok.affected_rows, 2);
    assert_eq!(c.val("SELECT n FROM u WHERE email = 'c@x'"), "1");
    // An update moves a unique value; a later row of the statement meets it there.
    let ok = c.ok(
        "INSERT INTO u (id, email, n) VALUES (1, 'a@x', 0), (9, 'moved@x', 5) \
         ON DUPLICATE KEY UPDATE email = 'moved@x'",
    );
    assert_eq!(ok.affected_rows, 2);
    assert_eq!(
        c.q("SELECT id, email FROM u WHERE id IN (1, 9) OR email = 'moved@x' ORDER BY id"),
        rows(&[&["1", "moved@x"]])
    );
    // Setting the unique key the row was found by to its own value is no change (the ORM
    // pattern `email = VALUES(email)`).
    let ok = c.ok("INSERT INTO u (email, n) VALUES ('moved@x', 3) \
         ON DUPLICATE KEY UPDATE email = VALUES(email), n = VALUES(n)");
    assert_eq!(ok.affected_rows, 2);
    assert_eq!(c.val("SELECT n FROM u WHERE email = 'moved@x'"), "3");
    let ok = c.ok(
        "INSERT INTO u (email) VALUES ('moved@x') ON DUPLICATE KEY UPDATE email = VALUES(email)",
    );
    assert_eq!(ok.affected_rows, 0);
    // REPLACE over two unique keys, row after row.
    let ok =
        c.ok("REPLACE INTO u (id, email, n) VALUES (2, 'c@x', 7), (20, 'c@x', 8), (2, 'z@x', 9)");
    // Row 1 replaces ids 2 and 3 (1 + 2), row 2 replaces the row 1 just wrote (2), row 3 is
    // new (id 2 is gone).
    assert_eq!(ok.affected_rows, 6);
    assert_eq!(
        c.q("SELECT id, email, n FROM u ORDER BY id"),
        rows(&[
            &["1", "moved@x", "3"],
            &["2", "z@x", "9"],
            &["4", "d@x", "1"],
            &["20", "c@x", "8"]
        ])
    );
}
