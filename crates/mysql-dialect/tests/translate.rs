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

#[test]
fn aggregates_mysql_has_and_sqlite_spells_otherwise() {
    let (_cluster, mut c) = setup();
    c.exec("INSERT INTO sales VALUES (3, 3, NULL, 0.5), (4, 4, 1.10, 2.5)");
    assert_eq!(
        c.q(
            "SELECT COUNT(DISTINCT qty, price), ANY_VALUE(qty), JSON_ARRAYAGG(id) FROM sales \
             WHERE id < 5"
        ),
        rows(&[&["3", "3", "[1, 2, 3, 4]"]])
    );
    assert_eq!(
        c.val("SELECT JSON_OBJECTAGG(id, qty) FROM sales WHERE id < 3"),
        "{\"1\": 3, \"2\": 4}"
    );
}

#[test]
fn binary_casts_in_a_select_list_are_bytes() {
    let (_cluster, mut c) = setup();
    match c.one(
        "SELECT CAST('abc' AS BINARY), BINARY 'x', CONVERT('abc' USING binary), \
         SUBSTRING(X'DEADBEEF', 2, 2), LEFT(X'DEADBEEF', 1), BINARY 'a' = 'a'",
    ) {
        Outcome::Rows(rs) => {
            let r = &rs.rows[0];
            assert_eq!(r[0].as_deref(), Some(&b"abc"[..]));
            assert!(rs.columns[0].binary && rs.columns[1].binary && rs.columns[2].binary);
            assert_eq!(r[3].as_deref(), Some(&[0xAD, 0xBE][..]));
            assert_eq!(r[4].as_deref(), Some(&[0xDE][..]));
            assert!(rs.columns[3].binary && rs.columns[4].binary);
            assert_eq!(r[5].as_deref(), Some(&b"1"[..]));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn column_types_the_rewrite_reads() {
    let (_cluster, mut c) = setup();
    c.exec(
        "CREATE TABLE ev (id INT PRIMARY KEY, d DATE, dt DATETIME, t TIME, \
         e ENUM('red', 'green'), s SET('a', 'b', 'c'), sb VARCHAR(9) COLLATE utf8mb4_bin, \
         k VARBINARY(8)); \
         INSERT INTO ev VALUES (1, '2024-02-29', '2024-02-29 13:45:10', '13:45:10', 'green', \
         'a,c', 'apple', 'A'), (2, NULL, NULL, NULL, NULL, NULL, 'Apple', 'a')",
    );
    assert_eq!(
        c.q("SELECT d + 0, dt + 0, t + 0, e + 0, s + 0, e * 1 FROM ev ORDER BY id"),
        rows(&[
            &["20240229", "20240229134510", "134510", "2", "5", "2"],
            &["NULL", "NULL", "NULL", "NULL", "NULL", "NULL"],
        ])
    );
    assert_eq!(
        c.q("SELECT id FROM ev WHERE sb LIKE 'app%'"),
        rows(&[&["1"]])
    );
    assert_eq!(c.q("SELECT id FROM ev WHERE k = 'A'"), rows(&[&["1"]]));
    assert_eq!(
        c.q("SELECT X'41' = 'A', X'61' = 'a', 0x61 = 'A'"),
        rows(&[&["1", "1", "0"]])
    );
}

#[test]
fn binary_binds_tighter_and_date_literals_compare_as_datetimes() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        c.q(
            "SELECT BINARY 'a' = 'A', 'a' = BINARY 'a', BINARY 'a' = 'a', \
             DATE '2024-01-01' = '2024-01-01 00:00:00', DATE '2024-01-01' < '2024-01-02'"
        ),
        rows(&[&["0", "1", "1", "1", "1"]])
    );
}

#[test]
fn computed_decimals_compare_exactly() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        c.q(
            "SELECT 0.1 + 0.2 = 0.3, 0.1 + 0.2 = 0.3e0, 0.1 * 3 > 0.3, qty FROM sales \
             WHERE price * 2 = 2.20"
        ),
        rows(&[&["1", "1", "0", "3"]])
    );
}

#[test]
fn math_string_and_charset_functions_mysql_has() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        c.q(
            "SELECT PI(), SIN(0), COS(0), TAN(0), ATAN(1) * 4 = PI(), DEGREES(PI()), \
             RADIANS(180), RAND(1) = RAND(1), RAND() < 1, FLOOR(RAND() * 0)"
        ),
        rows(&[&[
            "3.141593",
            "0",
            "1",
            "0",
            "1",
            "180",
            "3.141592653589793",
            "1",
            "1",
            "0"
        ]])
    );
    assert_eq!(
        c.q(
            "SELECT MAKE_SET(5, 'a', 'b', 'c'), EXPORT_SET(5, 'Y', 'N', ',', 4), \
             WEIGHT_STRING('a') = WEIGHT_STRING('A')"
        ),
        rows(&[&["a,c", "Y,N,Y,N", "1"]])
    );
    c.exec("CREATE TABLE cs (id INT PRIMARY KEY, s VARCHAR(9), sb VARCHAR(9) COLLATE utf8mb4_bin, b BLOB)");
    c.exec("INSERT INTO cs VALUES (1, 'x', 'y', X'00')");
    assert_eq!(
        c.q(
            "SELECT CHARSET('abc'), CHARSET(s), COLLATION(sb), COLLATION('abc'), COLLATION(s), \
             CHARSET(b) FROM cs"
        ),
        rows(&[&[
            "utf8mb4",
            "utf8mb4",
            "utf8mb4_bin",
            "utf8mb4_0900_ai_ci",
            "utf8mb4_0900_ai_ci",
            "binary"
        ]])
    );
}

#[test]
fn bitwise_not_is_unsigned_and_binary_casts_pad() {
    let (_cluster, mut c) = setup();
    assert_eq!(
        c.q("SELECT ~0, ~5, HEX(CAST('abc' AS BINARY(5)))"),
        rows(&[&["18446744073709551615", "18446744073709551610", "6162630000"]])
    );
}

#[test]
fn integer_and_double_arithmetic_overflow_is_an_error() {
    let (_cluster, mut c) = setup();
    c.exec(
        "CREATE TABLE n (id INT PRIMARY KEY, b BIGINT, u INT UNSIGNED, i INT); \
         INSERT INTO n VALUES (1, 9223372036854775807, 0, -7)",
    );
    for sql in [
        "SELECT 9223372036854775807 + 1",
        "SELECT b + 1 FROM n",
        "SELECT u - 1 FROM n",
        "SELECT u + i FROM n",
        "SELECT CAST(0 AS UNSIGNED) - 1",
        "SELECT 1e308 * 10",
    ] {
        assert_eq!(c.err(sql).code, 1690, "{sql}");
    }
    assert_eq!(
        c.q("SELECT b - 1, i * 2, u + 1, 0.1e0 + 0.2e0, 2 * 3 FROM n"),
        rows(&[&[
            "9223372036854775806",
            "-14",
            "1",
            "0.30000000000000004",
            "6"
        ]])
    );
}
