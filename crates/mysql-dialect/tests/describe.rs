//! `Session::describe`: the result columns of a statement with `?` placeholders, found without
//! side effects, for the answer to a prepare.

mod common;

use common::*;
use mysql_dialect::{Column, ColumnType, Outcome};

fn shop(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE shop; USE shop;
         CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), born DATE);
         CREATE TABLE o (id BIGINT PRIMARY KEY, t_id INT, total DECIMAL(10,2));
         INSERT INTO t (name, born) VALUES ('a', '2000-01-02'), ('b', NULL);
         INSERT INTO o VALUES (10, 1, 12.50)",
    );
    c
}

fn described(c: &mut Conn, sql: &str) -> Vec<(String, ColumnType)> {
    match c.s.describe(sql) {
        Ok(Some(columns)) => columns
            .into_iter()
            .map(
                |Column {
                     name, column_type, ..
                 }| (name, column_type),
            )
            .collect(),
        other => panic!("{sql}: {other:?}"),
    }
}

fn cols(c: &[(&str, ColumnType)]) -> Vec<(String, ColumnType)> {
    c.iter().map(|(n, t)| ((*n).to_owned(), *t)).collect()
}

#[test]
fn selects_with_placeholders_are_described_by_name_and_type() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    assert_eq!(
        described(
            &mut c,
            "SELECT id, name, born FROM t WHERE id = ? AND name <> ?"
        ),
        cols(&[
            ("id", ColumnType::Long),
            ("name", ColumnType::VarString),
            ("born", ColumnType::Date),
        ])
    );
    assert_eq!(
        described(
            &mut c,
            "SELECT * FROM t WHERE id IN (?, ?) LIMIT ? OFFSET ?"
        ),
        cols(&[
            ("id", ColumnType::Long),
            ("name", ColumnType::VarString),
            ("born", ColumnType::Date),
        ])
    );
    assert_eq!(
        described(
            &mut c,
            "SELECT t.name, o.t_id, o.total FROM t JOIN o ON o.t_id = t.id WHERE o.total > ?"
        ),
        cols(&[
            ("name", ColumnType::VarString),
            ("t_id", ColumnType::Long),
            ("total", ColumnType::NewDecimal),
        ])
    );
    let names: Vec<String> = described(
        &mut c,
        "SELECT id + ? AS n, UPPER(name) AS up, COUNT(*) FROM t WHERE name = ? GROUP BY id, name",
    )
    .into_iter()
    .map(|(n, _)| n)
    .collect();
    assert_eq!(names, ["n", "up", "COUNT(*)"]);
    // A placeholder inside a string is text, not a parameter.
    assert_eq!(described(&mut c, "SELECT '?' AS q").len(), 1);
    assert_eq!(
        described(&mut c, "SHOW TABLES")
            .into_iter()
            .map(|(n, _)| n)
            .collect::<Vec<_>>(),
        ["Tables_in_shop"]
    );
    assert_eq!(described(&mut c, "DESCRIBE t").len(), 6);
}

#[test]
fn statements_without_rows_are_not_described() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    for sql in [
        "INSERT INTO t (name) VALUES (?)",
        "UPDATE t SET name = ? WHERE id = ?",
        "DELETE FROM t WHERE id = ?",
        "SET @x = ?",
        "BEGIN",
        "CREATE TABLE u (id INT)",
        "SELECT 1; SELECT 2",
        "",
    ] {
        assert_eq!(c.s.describe(sql), Ok(None), "{sql}");
    }
}

#[test]
fn describing_changes_nothing() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec("SET @v = 7; BEGIN; INSERT INTO t (name) VALUES ('c')");
    let id = c.s.last_insert_id();
    assert_eq!(id, 3);
    let mut other = Conn::new(&cluster);
    other.ok("USE shop");
    for sql in [
        "SELECT LAST_INSERT_ID(?) AS l",
        "SELECT @v := ? AS v",
        "SELECT * FROM t WHERE id = ? FOR UPDATE",
        "SELECT name FROM t WHERE id = ?",
        "SHOW VARIABLES LIKE ?",
    ] {
        let _ = c.s.describe(sql);
    }
    assert_eq!(
        other.val("SELECT COUNT(*) FROM t"),
        "2",
        "nothing committed"
    );
    assert_eq!(c.s.last_insert_id(), id);
    assert!(c.s.in_transaction(), "the transaction is still open");
    assert_eq!(c.val("SELECT @v"), "7");
    // The transaction's own row is still there, and still uncommitted.
    assert_eq!(c.val("SELECT COUNT(*) FROM t"), "3");
    c.ok("ROLLBACK");
    assert_eq!(c.val("SELECT COUNT(*) FROM t"), "2");

    // With autocommit off, a describe opens no transaction.
    c.ok("SET autocommit = 0");
    assert!(!c.s.in_transaction());
    described(&mut c, "SELECT name FROM t WHERE id = ?");
    assert!(!c.s.in_transaction());
}

#[test]
fn unknown_names_are_errors_and_other_failures_describe_nothing() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let mut code = |sql: &str| c.s.describe(sql).map_err(|e| e.code);
    assert_eq!(code("SELECT * FROM missing WHERE id = ?"), Err(1146));
    // Unknown columns are found at prepare, as MySQL finds them.
    assert_eq!(code("SELECT nope FROM t WHERE id = ?"), Err(1054));
    assert_eq!(code("SELECT * FROM nodb.t"), Err(1049).or(Err(1146)));
    // Syntax errors are reported at prepare, as MySQL reports them.
    assert_eq!(code("SELEC id FROM t"), Err(1064));
    assert_eq!(code("SELECT id FROM t WHERE"), Err(1064));
    let mut fresh = Conn::new(&cluster);
    assert_eq!(
        fresh.s.describe("SELECT id FROM t").map_err(|e| e.code),
        Err(1046)
    );
    // The session goes on as before.
    assert!(matches!(
        c.one("SELECT id FROM t WHERE id = 1"),
        Outcome::Rows(_)
    ));
}
