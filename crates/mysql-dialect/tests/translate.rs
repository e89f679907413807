//! The MySQL -> SQLite rewrite seen from a client: result column labels, DECIMAL scales.

mod common;

use common::*;
use mysql_dialect::Outcome;

/// The labels of a query's result columns.
fn labels(c: &mut Conn, sql: &str) -> Vec<String> {
    match c.one(sql) {
        Outcome::Rows(rs) => rs.columns.into_iter().map(|c| c.name).collect(),
        other => panic!("{sql}: {other:?}"),
    }
}

fn setup() -> (Cluster, Conn) {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec(
        "CREATE DATABASE d; USE d; \
         CREATE TABLE sales (id INT PRIMARY KEY, qty INT, price DECIMAL(10,2), f DOUBLE); \
         INSERT INTO sales VALUES (1, 3, 1.10, 0.5), (2, 4, 2.60, 1.5)",
    );
    (cluster, c)
}

#[test]
fn labels_are_the_text_the_client_wrote() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        labels(
            &mut c,
            "SELECT CAST(qty AS CHAR), TRIM(LEADING '0' FROM '00120'), SUBSTRING('abc', 2), \
             qty IS NULL, (SELECT COUNT(*) FROM sales), -3, CEIL(1.2), d + INTERVAL 1 DAY \
             FROM sales, (SELECT DATE '2024-01-01' AS d) x WHERE id = 1"
        ),
        [
            "CAST(qty AS CHAR)",
            "TRIM(LEADING '0' FROM '00120')",
            "SUBSTRING('abc', 2)",
            "qty IS NULL",
            "(SELECT COUNT(*) FROM sales)",
            "-3",
            "CEIL(1.2)",
            "d + INTERVAL 1 DAY",
        ]
    );
    assert_eq!(
        labels(
            &mut c,
            "SELECT DISTINCT 'abc', NULL, TRUE, COUNT(*) FROM sales"
        ),
        ["abc", "NULL", "TRUE", "COUNT(*)"]
    );
}

#[test]
fn a_column_is_labelled_as_written() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        labels(
            &mut c,
            "SELECT ID, Qty, s.price, x AS y FROM sales s, (SELECT 1 AS x) t"
        ),
        ["ID", "Qty", "price", "y"]
    );
}

#[test]
fn decimal_results_print_mysqls_scale() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        c.q(
            "SELECT SUM(qty), AVG(qty), SUM(price), AVG(price), MAX(price), SUM(qty * price) \
             FROM sales"
        ),
        rows(&[&["7", "3.5000", "3.70", "1.850000", "2.60", "13.70"]])
    );
    assert_eq!(
        c.q(
            "SELECT 0.1 + 0.2, 2.50 - 0.5, 10 / 4, 100 / 3.0, 1.0 / 3, ROUND(5.0, 1), \
             COALESCE(qty, price), IF(1, 2, 3.5), CAST(1 AS DECIMAL(10,4)) FROM sales WHERE id = 1"
        ),
        rows(&[&["0.3", "2.00", "2.5000", "33.3333", "0.33333", "5.0", "3.00", "2.0", "1.0000"]])
    );
    // Through a derived table, and across the branches of a UNION.
    assert_eq!(
        c.val("SELECT x.a FROM (SELECT AVG(qty) AS a FROM sales) x"),
        "3.5000"
    );
    assert_eq!(
        c.q("SELECT 1 AS b UNION ALL SELECT 2.5 ORDER BY b"),
        rows(&[&["1.0"], &["2.5"]])
    );
    // A DOUBLE stays a DOUBLE.
    assert_eq!(c.val("SELECT SUM(f) FROM sales"), "2");
}

#[test]
fn binary_literals_are_bytes() {
    let (_cluster, mut c) = setup();
    c.exec(
        "CREATE TABLE bin (id INT PRIMARY KEY, b BLOB, vb VARBINARY(8)); \
         INSERT INTO bin VALUES (2, _binary 'text as bytes', _binary'\\0\\1')",
    );
    assert_eq!(
        c.q("SELECT HEX(b), HEX(vb) FROM bin"),
        rows(&[&["74657874206173206279746573", "0031"]])
    );
    assert_eq!(
        c.q("SELECT HEX(b'1000001'), HEX(x'41'), HEX(0x4142), LENGTH('a\\0b')"),
        rows(&[&["41", "41", "4142", "3"]])
    );
}

#[test]
fn comparisons_read_strings_as_numbers_and_json_as_scalars() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        c.q("SELECT '10' = 10, '10abc' = 10, 'abc' = 0, '1e1' = 10, ' 10' = 10, 1 = '1.0'"),
        rows(&[&["1", "1", "1", "1", "1", "1"]])
    );
    assert_eq!(
        c.q("SELECT JSON_EXTRACT('{\"a\": \"x\"}', '$.a') = 'x', \
             JSON_EXTRACT('{\"age\": 30}', '$.age') = 30, 'a' IN ('A', 'b'), \
             'abc' LIKE BINARY 'ABC', 'abc' LIKE 'ABC'"),
        rows(&[&["1", "1", "1", "0", "1"]])
    );
}

#[test]
fn json_constructors_take_booleans() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        c.val("SELECT JSON_ARRAY(1, TRUE, FALSE)"),
        "[1, true, false]"
    );
    assert_eq!(c.val("SELECT JSON_OBJECT('d', TRUE)"), "{\"d\": true}");
}

#[test]
fn casts_keep_fractional_seconds_and_zero_has_no_sign() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        c.q(
            "SELECT CAST('2024-02-29 13:45:10.123' AS DATETIME(1)), -0.0, \
             AVG(qty = 3) FROM sales"
        ),
        rows(&[&["2024-02-29 13:45:10.1", "0.0", "0.5000"]])
    );
}

#[test]
fn doubles_round_half_to_even_and_floats_keep_single_precision() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        c.q(
            "SELECT ROUND(f, 0), ROUND(2.5e0), ROUND(2.5), ROUND(price, 1) FROM sales WHERE id = 2"
        ),
        rows(&[&["2", "2", "3", "2.6"]])
    );
    c.exec("CREATE TABLE fl (id INT PRIMARY KEY, x FLOAT); INSERT INTO fl VALUES (1, 0.1)");
    assert_eq!(
        c.q("SELECT x, x = 0.1, x * 1 FROM fl"),
        rows(&[&["0.1", "0", "0.10000000149011612"]])
    );
}

#[test]
fn binary_strings_repeat_and_match_as_bytes() {
    let (_cluster, mut c) = setup();
    c.exec(
        "CREATE TABLE bin (id INT PRIMARY KEY, b BLOB); \
         INSERT INTO bin VALUES (1, REPEAT(X'AB', 3)), (2, _binary 'text')",
    );
    assert_eq!(c.val("SELECT HEX(b) FROM bin WHERE id = 1"), "ABABAB");
    assert_eq!(c.q("SELECT id FROM bin WHERE b LIKE 'TEXT%'"), rows(&[]));
    assert_eq!(
        c.q("SELECT id FROM bin WHERE b LIKE 'te%'"),
        rows(&[&["2"]])
    );
    assert_eq!(
        c.q("SELECT id FROM sales WHERE (id, qty) IN ((1, 3), (2, 5))"),
        rows(&[&["1"]])
    );
}

#[test]
fn rows_unknown_and_decimal_text() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        c.q("SELECT (1, 2) = (1, 2), (1, 2) < (1, 3), NULL IS UNKNOWN, 1 IS NOT UNKNOWN"),
        rows(&[&["1", "1", "1", "1"]])
    );
    c.exec("INSERT INTO sales VALUES (3, NULL, NULL, NULL)");
    assert_eq!(
        c.q("SELECT CAST(price AS CHAR), CAST(1.5 AS CHAR(2)) FROM sales ORDER BY id"),
        rows(&[&["1.10", "1."], &["2.60", "1."], &["NULL", "1."]])
    );
}

#[test]
fn string_functions_mysql_gives_as_binary() {
    let (_cluster, mut c) = setup();
    match c.one("SELECT UNHEX('616263'), FROM_BASE64('aGVsbG8='), BIT_LENGTH('ab'), LEAST('10', 9)")
    {
        Outcome::Rows(rs) => {
            assert!(
                rs.columns[0].binary && rs.columns[1].binary,
                "{:?}",
                rs.columns
            );
            assert_eq!(rs.rows[0][0].as_deref(), Some(&b"abc"[..]));
            assert_eq!(rs.rows[0][2].as_deref(), Some(&b"16"[..]));
            assert_eq!(rs.rows[0][3].as_deref(), Some(&b"9"[..]));
        }
        other => panic!("{other:?}"),
    }
}
