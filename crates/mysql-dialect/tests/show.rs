//! SHOW as MySQL 8.0 answers it: column labels with the LIKE pattern, WHERE on the SHOW's own
//! columns, the session's variables and the last statement's diagnostics.

mod common;

use common::*;
use mysql_dialect::Outcome;

fn names(o: Outcome) -> Vec<String> {
    match o {
        Outcome::Rows(rs) => rs.names().iter().map(|n| (*n).to_owned()).collect(),
        other => panic!("{other:?}"),
    }
}

fn shop(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE shop; USE shop;
         CREATE TABLE item (id INT PRIMARY KEY, sku VARCHAR(20) NOT NULL, qty INT);
         CREATE TABLE other (id INT)",
    );
    c
}

#[test]
fn show_tables_and_databases_like_label_the_column_with_the_pattern() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    assert_eq!(
        names(c.one("SHOW TABLES LIKE 'it%'")),
        ["Tables_in_shop (it%)"]
    );
    assert_eq!(c.q("SHOW TABLES LIKE 'it%'"), rows(&[&["item"]]));
    assert_eq!(names(c.one("SHOW TABLES")), ["Tables_in_shop"]);
    assert_eq!(
        names(c.one("SHOW FULL TABLES LIKE 'o%'")),
        ["Tables_in_shop (o%)", "Table_type"]
    );
    assert_eq!(
        names(c.one("SHOW DATABASES LIKE 'sho%'")),
        ["Database (sho%)"]
    );
    assert_eq!(c.q("SHOW DATABASES LIKE 'sho%'"), rows(&[&["shop"]]));
}

#[test]
fn show_columns_and_variables_filter_with_where() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let r = c.q("SHOW FIELDS FROM item WHERE Field = 'sku'");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0][..2], ["sku", "varchar(20)"]);
    assert_eq!(
        c.q("SHOW COLUMNS FROM item WHERE `Null` = 'YES' OR `Key` = 'PRI'")
            .iter()
            .map(|r| r[0].clone())
            .collect::<Vec<_>>(),
        ["id", "qty"]
    );
    assert_eq!(
        c.q("SHOW VARIABLES WHERE Variable_name IN ('character_set_client', 'autocommit')"),
        rows(&[&["autocommit", "ON"], &["character_set_client", "utf8mb4"]])
    );
    assert!(c
        .q("SHOW VARIABLES WHERE Value = 'nothing like this'")
        .is_empty());
}

#[test]
fn mysql_8_variables() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    assert_eq!(c.err("SELECT @@tx_isolation").code, 1193);
    assert_eq!(c.err("SET tx_isolation = 'READ-COMMITTED'").code, 1193);
    assert_eq!(
        c.q("SELECT @@sql_safe_updates, @@group_concat_max_len"),
        rows(&[&["0", "1024"]])
    );
    assert_eq!(
        c.q("SHOW VARIABLES LIKE 'sql_safe_updates'"),
        rows(&[&["sql_safe_updates", "OFF"]])
    );
}

#[test]
fn sql_mode_is_kept_in_mysql_order() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.ok("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ansi_quotes')");
    assert_eq!(
        c.val("SELECT @@sql_mode"),
        "ANSI_QUOTES,ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,\
         ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
    );
    c.ok("SET sql_mode = 'TRADITIONAL'");
    assert_eq!(
        c.val("SELECT @@sql_mode"),
        "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,\
         ERROR_FOR_DIVISION_BY_ZERO,TRADITIONAL,NO_ENGINE_SUBSTITUTION"
    );
    c.ok("SET sql_mode = ''");
    assert_eq!(c.val("SELECT @@sql_mode"), "");
    let e = c.err("SET sql_mode = 'NO_SUCH_MODE'");
    assert_eq!(e.code, 1231);
}

#[test]
fn user_variables_assigned_with_colon_equals() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec("INSERT INTO item VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
    c.ok("SET @n := 0");
    assert_eq!(c.val("SELECT @n"), "0");
    assert_eq!(
        c.q("SELECT @n := @n + 1 AS n, sku FROM item ORDER BY id"),
        rows(&[&["1", "a"], &["2", "b"], &["3", "c"]])
    );
    assert_eq!(c.val("SELECT @n"), "3");
    c.ok("SET @a := 5, @b := @a * 2");
    assert_eq!(c.q("SELECT @a, @b"), rows(&[&["5", "10"]]));
    assert_eq!(c.val("SELECT @total := SUM(qty) FROM item"), "6");
    assert_eq!(c.val("SELECT @total"), "6");
}

#[test]
fn show_warnings_lists_the_last_error() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    assert!(c.q("SHOW WARNINGS").is_empty());
    assert_eq!(c.err("SET nope_var = 1").code, 1193);
    assert_eq!(
        c.q("SHOW WARNINGS"),
        rows(&[&["Error", "1193", "Unknown system variable 'nope_var'"]])
    );
    assert_eq!(c.q("SHOW ERRORS").len(), 1);
    assert_eq!(c.val("SHOW COUNT(*) ERRORS"), "1");
    c.ok("SET @x = 1");
    assert!(c.q("SHOW WARNINGS").is_empty());
}
