//! Values as MySQL 8.0 computes, stores and reports them: arithmetic operators, exact
//! division, literals past BIGINT, division by zero, AUTO_INCREMENT values of INSERT IGNORE,
//! the rows CREATE TABLE ... SELECT copies, and UPDATE/DELETE reading their own table.

mod common;

use common::*;
use mysql_dialect::Outcome;

fn db(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec("CREATE DATABASE v; USE v");
    c
}

#[test]
fn div_and_mod_operators() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    assert_eq!(
        c.q("SELECT 7 DIV 2, -7 DIV 2, 7 MOD -3, -7 MOD 3, 7 mod 3, MOD(7, 3), 7.5 MOD 2"),
        rows(&[&["3", "-3", "1", "-1", "1", "1", "1.5"]])
    );
    c.exec("CREATE TABLE m (id INT PRIMARY KEY, `mod` INT); INSERT INTO m VALUES (1, 10)");
    assert_eq!(c.val("SELECT `mod` MOD 4 FROM m"), "2");
    assert_eq!(c.val("SELECT id FROM m WHERE `mod` MOD 3 = 1"), "1");
}

#[test]
fn division_keeps_nine_digit_groups_and_shows_four_more_digits() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    assert_eq!(
        c.q("SELECT 1 / 3, 2 / 3, 10 / 4, 1 / 7 * 7, 100 / 3.0, 1.0 / 3"),
        rows(&[&["0.3333", "0.6667", "2.5000", "1.0000", "33.3333", "0.33333"]])
    );
    assert_eq!(
        c.q("SELECT 1/3 + 1/3 + 1/3, 10 / 3 * 3, (10 / 3) * 3 = 10, 2 / 3 + 2 / 3"),
        rows(&[&["1.0000", "10.0000", "0", "1.3333"]])
    );
    // MySQL 8.0's manual (Arithmetic Operators): each division is computed to 9-digit groups.
    assert_eq!(
        c.val("SELECT (14620 / 9432456) / (24250 / 9432456)"),
        "0.60288653"
    );
    assert_eq!(c.val("SELECT ROUND(1 / 3, 6)"), "0.333333");
    // A division shown as it is has its shown scale whatever its operands.
    c.exec("CREATE TABLE q (x INT); INSERT INTO q VALUES (1), (2), (4)");
    assert_eq!(c.val("SELECT SUM(x) / COUNT(*) FROM q"), "2.3333");
    // Compared, a quotient is its computed value, not the one shown.
    assert_eq!(
        c.q("SELECT 1 / 3 = 0.3333, 1 / 3 = 0.333333333, 1 / 100000 > 0, 1 / 4 = 0.25"),
        rows(&[&["0", "1", "1", "1"]])
    );
}

#[test]
fn integer_literals_past_bigint_stay_exact() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    assert_eq!(
        c.q("SELECT 18446744073709551615 + 0, 18446744073709551614 + 1, 123456789012345678901234567890 + 1"),
        rows(&[&["18446744073709551615", "18446744073709551615", "123456789012345678901234567891"]])
    );
    assert_eq!(
        c.q("SELECT 123456789012345678901234567890 * 10, 5 - 123456789012345678901234567890"),
        rows(&[&[
            "1234567890123456789012345678900",
            "-123456789012345678901234567885"
        ]])
    );
    let e = c.err("SELECT 18446744073709551615 + 1");
    assert_eq!(e.code, 1690);
    assert!(e.message.contains("'18446744073709551615 + 1'"), "{e}");
}

#[test]
fn division_by_zero_is_null_in_a_query_and_1365_when_stored_in_strict_mode() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.exec("CREATE TABLE n (id INT PRIMARY KEY, d DECIMAL(10,3)); INSERT INTO n VALUES (1, 0.5)");
    assert_eq!(
        c.q("SELECT 1 / 0, 5 DIV 0, 5 MOD 0"),
        rows(&[&["NULL", "NULL", "NULL"]])
    );
    assert_eq!(
        c.q("SHOW WARNINGS"),
        rows(&[&["Warning", "1365", "Division by 0"]])
    );

    let e = c.err("UPDATE n SET d = 1 / 0 WHERE id = 1");
    assert_eq!(
        (e.code, e.sqlstate.as_str(), e.message.as_str()),
        (1365, "22012", "Division by 0")
    );
    assert_eq!(c.val("SELECT d FROM n WHERE id = 1"), "0.500");
    assert_eq!(c.err("INSERT INTO n VALUES (2, 3 MOD 0)").code, 1365);
    assert_eq!(c.val("SELECT COUNT(*) FROM n"), "1");

    // IGNORE, or a mode without ERROR_FOR_DIVISION_BY_ZERO or strictness: NULL is stored.
    assert_eq!(
        c.ok("UPDATE IGNORE n SET d = 1 / 0 WHERE id = 1")
            .affected_rows,
        1
    );
    assert_eq!(c.val("SELECT d FROM n WHERE id = 1"), "NULL");
    c.ok("SET sql_mode = 'STRICT_TRANS_TABLES'");
    c.ok("INSERT INTO n VALUES (3, 1 / 0)");
    c.ok("SET sql_mode = 'ERROR_FOR_DIVISION_BY_ZERO'");
    c.ok("INSERT INTO n VALUES (4, 1 / 0)");
    assert_eq!(
        c.q("SELECT id, d FROM n ORDER BY id"),
        rows(&[&["1", "NULL"], &["3", "NULL"], &["4", "NULL"]])
    );
    // A later statement is not blamed for an earlier division.
    c.ok("SET sql_mode = DEFAULT");
    c.q("SELECT 1 / 0");
    c.ok("INSERT INTO n VALUES (5, 2)");
}

#[test]
fn insert_ignore_hands_a_skipped_rows_value_to_the_next_row() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.exec(
        "CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), UNIQUE KEY (name));
         INSERT INTO a (name) VALUES ('x'), ('y')",
    );
    // A single skipped row uses up its value.
    assert_eq!(
        c.ok("INSERT IGNORE INTO a (name) VALUES ('x')")
            .affected_rows,
        0
    );
    // In several rows a skipped row's value goes to the next row; all the values the
    // statement reserved are used up.
    let ok = c.ok("INSERT IGNORE INTO a (name) VALUES ('x'), ('z'), ('y'), ('w'), ('x')");
    assert_eq!((ok.affected_rows, ok.last_insert_id), (2, 4));
    assert_eq!(ok.info, "Records: 5  Duplicates: 3  Warnings: 3");
    assert_eq!(
        c.q("SELECT id, name FROM a ORDER BY id"),
        rows(&[&["1", "x"], &["2", "y"], &["4", "z"], &["5", "w"]])
    );
    assert_eq!(c.ok("INSERT INTO a (name) VALUES ('v')").last_insert_id, 9);
    assert_eq!(c.val("SELECT LAST_INSERT_ID()"), "9");
}

#[test]
fn create_table_select_reports_the_rows_it_copied() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.exec("CREATE TABLE src (a INT, b INT); INSERT INTO src VALUES (1, 1), (1, 2), (2, 3)");
    let ok = c.ok("CREATE TABLE copy_as AS SELECT a, b * 2 AS b2 FROM src WHERE a = 1");
    assert_eq!(
        (ok.affected_rows, ok.info.as_str()),
        (2, "Records: 2  Duplicates: 0  Warnings: 0")
    );
    assert_eq!(
        c.ok("CREATE TABLE copy_all SELECT a FROM src")
            .affected_rows,
        3
    );
    assert_eq!(
        c.ok("CREATE TABLE copy_none SELECT a FROM src WHERE a > 5")
            .affected_rows,
        0
    );
    assert_eq!(c.val("SELECT SUM(b2) FROM copy_as"), "6");
}

#[test]
fn update_and_delete_cannot_read_their_own_table_except_through_a_derived_table() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.exec("CREATE TABLE b (id INT PRIMARY KEY, price INT); INSERT INTO b VALUES (1, 5), (2, 9)");
    let e = c.err("UPDATE b SET price = (SELECT MAX(price) FROM b) WHERE id = 1");
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            1093,
            "You can't specify target table 'b' for update in FROM clause"
        )
    );
    assert_eq!(
        c.err("UPDATE b SET price = 1 WHERE id IN (SELECT id FROM v.b)")
            .code,
        1093
    );
    assert_eq!(
        c.err("DELETE FROM b WHERE EXISTS (SELECT 1 FROM b AS o WHERE o.id > b.id)")
            .code,
        1093
    );
    let ok = c.ok(
        "UPDATE b SET price = (SELECT m FROM (SELECT MAX(price) AS m FROM b) AS x) WHERE id = 1",
    );
    assert_eq!(ok.affected_rows, 1);
    assert_eq!(
        c.ok("DELETE FROM b WHERE id IN (SELECT id FROM (SELECT id FROM b WHERE price > 5) AS t)")
            .affected_rows,
        2
    );
    // Other tables are fine.
    c.exec("CREATE TABLE o (id INT); INSERT INTO o VALUES (1); INSERT INTO b VALUES (1, 1)");
    assert_eq!(
        c.ok("UPDATE b SET price = (SELECT MAX(id) FROM o)")
            .affected_rows,
        0
    );
}

#[test]
fn compound_units_of_extract_and_interval() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.exec("CREATE TABLE ev (dt DATETIME(6), t TIME); INSERT INTO ev VALUES ('2024-02-29 13:45:10.123456', '13:45:10')");
    assert_eq!(
        c.q("SELECT EXTRACT(YEAR_MONTH FROM dt), EXTRACT(DAY_SECOND FROM dt), EXTRACT(HOUR_MINUTE FROM dt), \
             EXTRACT(DAY_MICROSECOND FROM dt), EXTRACT(MINUTE_SECOND FROM t), EXTRACT(YEAR FROM dt) FROM ev"),
        rows(&[&["202402", "29134510", "1345", "29134510123456", "4510", "2024"]])
    );
    assert_eq!(
        c.q("SELECT DATE_ADD('2024-01-01', INTERVAL '1:30' HOUR_MINUTE), '2024-01-31' + INTERVAL '1-2' YEAR_MONTH, \
             DATE_SUB('2024-01-02 00:00:00', INTERVAL '1 01:00:00' DAY_SECOND)"),
        rows(&[&["2024-01-01 01:30:00", "2025-03-31", "2023-12-31 23:00:00"]])
    );
    // A column named like a unit is still a column.
    c.exec("CREATE TABLE u (day_hour INT); INSERT INTO u VALUES (7)");
    assert_eq!(c.val("SELECT day_hour FROM u"), "7");
}

#[test]
fn quote_and_char_using() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    assert_eq!(
        c.q("SELECT QUOTE('it''s'), QUOTE('a\\\\b'), QUOTE(12), QUOTE(NULL), CHAR(72, 105 USING utf8mb4)"),
        rows(&[&["'it\\'s'", "'a\\\\b'", "'12'", "NULL", "Hi"]])
    );
    assert_eq!(
        c.q("SELECT HEX(CHAR(65, 66)), HEX(CHAR(256, NULL, 1)), CONVERT(CHAR(77) USING utf8mb4)"),
        rows(&[&["4142", "010001", "M"]])
    );
    let Outcome::Rows(rs) = c.one("SELECT QUOTE(NULL), CHAR(72, 105 USING utf8mb4), CHAR(72, 105)")
    else {
        panic!()
    };
    assert_eq!(
        rs.columns.iter().map(|c| c.binary).collect::<Vec<_>>(),
        vec![true, false, true]
    );
}

#[test]
fn generated_columns_take_no_values_and_tables_need_columns() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.exec(
        "CREATE TABLE gen (id INT PRIMARY KEY, price INT, total INT AS (price * 2) STORED);
         INSERT INTO gen (id, price) VALUES (1, 5)",
    );
    let e = c.err("INSERT INTO gen (id, price, total) VALUES (2, 1, 5)");
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            3105,
            "The value specified for generated column 'total' in table 'gen' is not allowed."
        )
    );
    assert_eq!(c.err("UPDATE gen SET total = 3").code, 3105);
    assert_eq!(c.err("INSERT INTO gen (id, total) SELECT 3, 4").code, 3105);
    c.ok("INSERT INTO gen (id, price, total) VALUES (4, 1, DEFAULT)");
    c.ok("UPDATE gen SET total = DEFAULT, price = 2 WHERE id = 4");
    assert_eq!(c.val("SELECT total FROM gen WHERE id = 4"), "4");

    assert_eq!(c.err("CREATE TABLE no_cols ()").code, 1064);
    assert_eq!(c.err("CREATE TABLE no_cols").code, 1113);
}
