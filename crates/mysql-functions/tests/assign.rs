//! Strict-mode assignment (`mysql_assign`) against MySQL 8.0 with the default sql_mode.
mod common;
use common::*;

fn a(c: &rusqlite::Connection, value: &str, spec: &str) -> String {
    s(
        c,
        &format!("mysql_assign({value}, '{}', 'c')", spec.replace('\'', "''")),
    )
}

fn e(c: &rusqlite::Connection, value: &str, spec: &str) -> String {
    err(
        c,
        &format!("mysql_assign({value}, '{}', 'c')", spec.replace('\'', "''")),
    )
}

const RANGE: &str = "1264: Out of range value for column 'c' at row 1";
const TRUNC: &str = "1265: Data truncated for column 'c' at row 1";
const LONG: &str = "1406: Data too long for column 'c' at row 1";

#[test]
fn null_passes() {
    let c = conn();
    for spec in [
        "int",
        "varchar(3)",
        "date",
        "json",
        "enum('a')",
        "decimal(5,2)",
    ] {
        assert_eq!(a(&c, "NULL", spec), "NULL");
    }
}

#[test]
fn integers() {
    let c = conn();
    assert_eq!(a(&c, "127", "tinyint"), "127");
    assert_eq!(e(&c, "128", "tinyint"), RANGE);
    assert_eq!(e(&c, "-129", "tinyint"), RANGE);
    assert_eq!(a(&c, "255", "tinyint unsigned"), "255");
    assert_eq!(e(&c, "256", "TINYINT UNSIGNED"), RANGE);
    assert_eq!(e(&c, "-1", "int unsigned"), RANGE);
    assert_eq!(a(&c, "-32768", "smallint"), "-32768");
    assert_eq!(e(&c, "32768", "smallint"), RANGE);
    assert_eq!(a(&c, "8388607", "mediumint"), "8388607");
    assert_eq!(e(&c, "16777216", "mediumint unsigned"), RANGE);
    assert_eq!(a(&c, "2147483647", "int"), "2147483647");
    assert_eq!(e(&c, "2147483648", "int(11)"), RANGE);
    assert_eq!(
        a(&c, "-9223372036854775808", "bigint"),
        "-9223372036854775808"
    );
    assert_eq!(
        a(&c, "'18446744073709551615'", "bigint unsigned"),
        "18446744073709551615"
    );
    assert_eq!(e(&c, "'18446744073709551616'", "bigint unsigned"), RANGE);
    assert_eq!(a(&c, "2.5", "int"), "3");
    assert_eq!(a(&c, "-2.5", "int"), "-3");
    assert_eq!(a(&c, "'12'", "int"), "12");
    assert_eq!(a(&c, "' 12 '", "int"), "12");
    assert_eq!(a(&c, "'1.5'", "int"), "2");
    assert_eq!(a(&c, "'1e3'", "int"), "1000");
    // A number with trailing characters is "Data truncated"; no number at all is 1366.
    assert_eq!(e(&c, "'12abc'", "int"), TRUNC);
    assert_eq!(
        e(&c, "'abc'", "int"),
        "1366: Incorrect integer value: 'abc' for column 'c' at row 1"
    );
    assert_eq!(
        e(&c, "''", "int"),
        "1366: Incorrect integer value: '' for column 'c' at row 1"
    );
    assert_eq!(e(&c, "1e30", "bigint"), RANGE);
    assert_eq!(a(&c, "1", "boolean"), "1");
    assert_eq!(
        err(&c, "mysql_assign('x', 'int', 'qty', 3)"),
        "1366: Incorrect integer value: 'x' for column 'qty' at row 3"
    );
}

#[test]
fn decimals_and_floats() {
    let c = conn();
    assert_eq!(a(&c, "1.005", "decimal(5,2)"), "1.01");
    assert_eq!(a(&c, "-1.005", "decimal(5,2)"), "-1.01");
    assert_eq!(a(&c, "2.675", "decimal(5,2)"), "2.68");
    assert_eq!(a(&c, "999.994", "decimal(5,2)"), "999.99");
    assert_eq!(e(&c, "999.995", "decimal(5,2)"), RANGE);
    assert_eq!(e(&c, "1000", "decimal(5,2)"), RANGE);
    assert_eq!(a(&c, "'12.345'", "decimal(10,2)"), "12.35");
    assert_eq!(a(&c, "12", "decimal(10,2)"), "12");
    assert_eq!(a(&c, "12.4", "decimal"), "12");
    assert_eq!(a(&c, "'1e2'", "decimal(6,2)"), "100");
    assert_eq!(e(&c, "-1", "decimal(5,2) unsigned"), RANGE);
    assert_eq!(
        e(&c, "'abc'", "decimal(5,2)"),
        "1366: Incorrect decimal value: 'abc' for column 'c' at row 1"
    );
    assert!(matches!(
        v(&c, "mysql_assign(12, 'decimal(10,2)', 'c')"),
        rusqlite::types::Value::Integer(12)
    ));
    assert!(matches!(
        v(&c, "mysql_assign(12.5, 'decimal(10,2)', 'c')"),
        rusqlite::types::Value::Real(_)
    ));
    assert_eq!(a(&c, "'1.5'", "double"), "1.5");
    assert_eq!(a(&c, "3", "float"), "3");
    assert!(matches!(
        v(&c, "mysql_assign(3, 'double', 'c')"),
        rusqlite::types::Value::Real(_)
    ));
    assert_eq!(e(&c, "1e39", "float"), RANGE);
    assert_close(f(&c, "mysql_assign(1e39, 'double', 'c')"), 1e39);
    assert_eq!(e(&c, "'abc'", "double"), TRUNC);
}

#[test]
fn strings() {
    let c = conn();
    assert_eq!(a(&c, "'abc'", "varchar(3)"), "abc");
    assert_eq!(a(&c, "'héé'", "varchar(3)"), "héé");
    assert_eq!(e(&c, "'abcd'", "varchar(3)"), LONG);
    // Excess trailing spaces are cut with a note, never an error.
    assert_eq!(a(&c, "'ab     '", "varchar(3)"), "ab ");
    assert_eq!(a(&c, "'ab  '", "varchar(10)"), "ab  ");
    assert_eq!(a(&c, "'ab  '", "char(10)"), "ab");
    assert_eq!(e(&c, "'abcd'", "char(3)"), LONG);
    assert_eq!(a(&c, "'x'", "char"), "x");
    assert_eq!(a(&c, "12", "varchar(5)"), "12");
    assert_eq!(a(&c, "1.5", "varchar(5)"), "1.5");
    assert_eq!(e(&c, "123456", "varchar(5)"), LONG);
    assert_eq!(a(&c, "repeat('a', 255)", "tinytext").len(), 255);
    assert_eq!(e(&c, "repeat('a', 256)", "tinytext"), LONG);
    assert_eq!(e(&c, "repeat('é', 128)", "tinytext"), LONG);
    assert_eq!(a(&c, "repeat('a', 65535)", "text").len(), 65535);
    assert_eq!(e(&c, "repeat('a', 65536)", "text"), LONG);
    assert_eq!(a(&c, "repeat('a', 65536)", "mediumtext").len(), 65536);
    assert_eq!(a(&c, "'x'", "longtext"), "x");
    assert_eq!(a(&c, "x'C3A9'", "varchar(1)"), "é");
    assert_eq!(
        e(&c, "x'61FF'", "varchar(5)"),
        "1366: Incorrect string value: '\\xFF' for column 'c' at row 1"
    );
    assert_eq!(
        e(&c, "x'FFFEFDFCFBFAF9'", "text"),
        "1366: Incorrect string value: '\\xFF\\xFE\\xFD\\xFC\\xFB\\xFA...' for column 'c' at row 1"
    );
}

#[test]
fn binaries() {
    let c = conn();
    assert_eq!(a(&c, "'ab'", "binary(4)"), "x'61620000'");
    assert_eq!(a(&c, "x'0102'", "varbinary(2)"), "x'0102'");
    assert_eq!(e(&c, "x'010203'", "varbinary(2)"), LONG);
    assert_eq!(e(&c, "'abcde'", "binary(4)"), LONG);
    assert_eq!(a(&c, "'ab'", "blob"), "x'6162'");
    assert_eq!(e(&c, "randomblob(256)", "tinyblob"), LONG);
    assert!(matches!(
        v(&c, "mysql_assign('ab', 'longblob', 'c')"),
        rusqlite::types::Value::Blob(_)
    ));
    assert!(matches!(
        v(&c, "mysql_assign('ab', 'mediumblob', 'c')"),
        rusqlite::types::Value::Blob(_)
    ));
}

#[test]
fn enums_and_sets() {
    let c = conn();
    let en = "enum('Small','Medium','It''s')";
    assert_eq!(a(&c, "'small'", en), "Small");
    assert_eq!(a(&c, "'MEDIUM'", en), "Medium");
    assert_eq!(a(&c, "'it''s'", en), "It's");
    assert_eq!(a(&c, "2", en), "Medium");
    assert_eq!(a(&c, "'3'", en), "It's");
    assert_eq!(e(&c, "''", en), TRUNC);
    assert_eq!(e(&c, "'large'", en), TRUNC);
    assert_eq!(e(&c, "0", en), TRUNC);
    assert_eq!(e(&c, "4", en), TRUNC);
    let set = "set('a','b','c','d')";
    assert_eq!(a(&c, "'d,a'", set), "a,d");
    assert_eq!(a(&c, "'a,d,a'", set), "a,d");
    assert_eq!(a(&c, "'D'", set), "d");
    assert_eq!(a(&c, "''", set), "");
    assert_eq!(a(&c, "5", set), "a,c");
    assert_eq!(e(&c, "'a,x'", set), TRUNC);
    assert_eq!(e(&c, "16", set), TRUNC);
}

#[test]
fn dates_and_times() {
    let c = conn();
    assert_eq!(a(&c, "'2024-01-31'", "date"), "2024-01-31");
    assert_eq!(a(&c, "'2024-1-5'", "date"), "2024-01-05");
    assert_eq!(a(&c, "'20240131'", "date"), "2024-01-31");
    assert_eq!(a(&c, "20240131", "date"), "2024-01-31");
    assert_eq!(a(&c, "'2024-01-31 10:11:12'", "date"), "2024-01-31");
    assert_eq!(
        a(&c, "'2024-01-31T10:11:12'", "datetime"),
        "2024-01-31 10:11:12"
    );
    assert_eq!(a(&c, "'2024-01-31'", "datetime"), "2024-01-31 00:00:00");
    assert_eq!(a(&c, "20240131101112", "datetime"), "2024-01-31 10:11:12");
    assert_eq!(
        a(&c, "'2024-01-31 10:11:12.5'", "datetime(0)"),
        "2024-01-31 10:11:13"
    );
    // A bare spec keeps the fraction as given (the dialect may not pass the fsp).
    assert_eq!(
        a(&c, "'2024-01-31 10:11:12.5'", "datetime"),
        "2024-01-31 10:11:12.500000"
    );
    assert_eq!(
        a(&c, "'2024-01-31 10:11:12.000'", "datetime"),
        "2024-01-31 10:11:12"
    );
    assert_eq!(a(&c, "'10:11:12.25'", "time"), "10:11:12.250000");
    assert_eq!(
        a(&c, "'2024-01-31 10:11:12.25'", "timestamp"),
        "2024-01-31 10:11:12.250000"
    );
    assert_eq!(
        a(&c, "'2024-01-31 10:11:12.5'", "datetime(6)"),
        "2024-01-31 10:11:12.500000"
    );
    assert_eq!(
        a(&c, "'2024-01-31 10:11:12.123456'", "datetime(3)"),
        "2024-01-31 10:11:12.123"
    );
    assert_eq!(
        a(&c, "'2024-12-31 23:59:59.9'", "datetime(0)"),
        "2025-01-01 00:00:00"
    );
    assert_eq!(
        e(&c, "'2024-02-30'", "date"),
        "1292: Incorrect date value: '2024-02-30' for column 'c' at row 1"
    );
    assert_eq!(
        e(&c, "'0000-00-00'", "date"),
        "1292: Incorrect date value: '0000-00-00' for column 'c' at row 1"
    );
    assert_eq!(
        e(&c, "'abc'", "datetime"),
        "1292: Incorrect datetime value: 'abc' for column 'c' at row 1"
    );
    assert_eq!(
        e(&c, "'2024-01-31 24:00:00'", "datetime"),
        "1292: Incorrect datetime value: '2024-01-31 24:00:00' for column 'c' at row 1"
    );
    assert_eq!(
        a(&c, "'2038-01-19 03:14:07'", "timestamp"),
        "2038-01-19 03:14:07"
    );
    assert_eq!(
        e(&c, "'2038-01-19 03:14:08'", "timestamp"),
        "1292: Incorrect datetime value: '2038-01-19 03:14:08' for column 'c' at row 1"
    );
    assert_eq!(
        e(&c, "'1970-01-01 00:00:00'", "timestamp"),
        "1292: Incorrect datetime value: '1970-01-01 00:00:00' for column 'c' at row 1"
    );
    assert_eq!(
        a(&c, "'2024-01-31 10:11:12.25'", "timestamp(2)"),
        "2024-01-31 10:11:12.25"
    );
    assert_eq!(a(&c, "'10:11:12'", "time"), "10:11:12");
    assert_eq!(a(&c, "'-838:59:59'", "time"), "-838:59:59");
    assert_eq!(a(&c, "'1 02:03:04'", "time"), "26:03:04");
    assert_eq!(a(&c, "101112", "time"), "10:11:12");
    assert_eq!(a(&c, "'10:11'", "time"), "10:11:00");
    assert_eq!(a(&c, "'10:11:12.5'", "time(1)"), "10:11:12.5");
    assert_eq!(a(&c, "'2024-01-31 10:11:12'", "time"), "10:11:12");
    assert_eq!(
        e(&c, "'839:00:00'", "time"),
        "1292: Incorrect time value: '839:00:00' for column 'c' at row 1"
    );
    assert_eq!(
        e(&c, "'10:61:00'", "time"),
        "1292: Incorrect time value: '10:61:00' for column 'c' at row 1"
    );
}

#[test]
fn years() {
    let c = conn();
    assert_eq!(a(&c, "2024", "year"), "2024");
    assert_eq!(a(&c, "'2024'", "year"), "2024");
    assert_eq!(a(&c, "1901", "year"), "1901");
    assert_eq!(a(&c, "2155", "year"), "2155");
    assert_eq!(e(&c, "1900", "year"), RANGE);
    assert_eq!(e(&c, "2156", "year"), RANGE);
    assert_eq!(a(&c, "5", "year"), "2005");
    assert_eq!(a(&c, "'69'", "year"), "2069");
    assert_eq!(a(&c, "70", "year"), "1970");
    assert_eq!(a(&c, "0", "year"), "0");
    assert_eq!(a(&c, "'0'", "year"), "2000");
    assert_eq!(
        e(&c, "'abc'", "year"),
        "1366: Incorrect integer value: 'abc' for column 'c' at row 1"
    );
}

#[test]
fn json_and_bits() {
    let c = conn();
    assert_eq!(
        a(&c, "'{\"b\":1,\"a\":[1,2]}'", "json"),
        "{\"a\": [1, 2], \"b\": 1}"
    );
    assert_eq!(a(&c, "'\"x\"'", "json"), "\"x\"");
    assert_eq!(a(&c, "5", "json"), "5");
    let m = err(&c, "mysql_assign('{\"a\":', 'json', 't.c')");
    assert!(m.starts_with("3140: Invalid JSON text: \""), "{m}");
    assert!(m.ends_with(" in value for column 't.c'."), "{m}");
    let m = err(&c, "mysql_assign('abc', 'json', 't.c')");
    assert_eq!(
        m,
        "3140: Invalid JSON text: \"Invalid value.\" at position 0 in value for column 't.c'."
    );
    assert!(err(&c, "mysql_assign(x'01', 'json', 'c')").starts_with("3144:"));
    assert_eq!(a(&c, "5", "bit(3)"), "5");
    assert_eq!(e(&c, "8", "bit(3)"), LONG);
    assert_eq!(a(&c, "x'0102'", "bit(16)"), "258");
    assert_eq!(a(&c, "-1", "bit(64)"), "-1");
}

#[test]
fn bad_specs() {
    let c = conn();
    assert!(err(&c, "mysql_assign(1, 'geometry', 'c')").starts_with("1064:"));
    assert!(err(&c, "mysql_assign(1, 'enum(a)', 'c')").starts_with("1064:"));
    assert!(err(&c, "mysql_assign(1, 'int')").starts_with("1582:"));
}

/// `mysql_assign(v, spec, 'c', row, mode)` outside strict mode: the value MySQL keeps, and its
/// warning.
fn lenient(c: &rusqlite::Connection, value: &str, spec: &str, mode: i64) -> (String, Vec<u16>) {
    mysql_functions::take_warnings();
    let got = s(
        c,
        &format!(
            "mysql_assign({value}, '{}', 'c', 2, {mode})",
            spec.replace('\'', "''")
        ),
    );
    let codes = mysql_functions::take_warnings()
        .into_iter()
        .map(|w| w.code)
        .collect();
    (got, codes)
}

#[test]
fn lenient_mode_stores_the_nearest_value() {
    let c = conn();
    let l = mysql_functions::ASSIGN_LENIENT;
    let n = mysql_functions::ASSIGN_NULL_DEFAULT;
    let cases: &[(&str, &str, i64, &str, &[u16])] = &[
        ("1000", "tinyint", l, "127", &[1264]),
        ("-1000", "tinyint", l, "-128", &[1264]),
        ("-5", "int unsigned", l, "0", &[1264]),
        ("'abc'", "int", l, "0", &[1366]),
        ("'12abc'", "int", l, "12", &[1265]),
        ("1000", "decimal(5,2)", l, "999.99", &[1264]),
        ("'12.5abc'", "decimal(5,2)", l, "12.5", &[1265]),
        ("'toolongvalue'", "varchar(5)", l, "toolo", &[1265]),
        ("'purple'", "enum('red','green')", l, "", &[1265]),
        ("'a,x,b'", "set('a','b')", l, "a,b", &[1265]),
        ("'nope'", "date", l, "0000-00-00", &[1265]),
        (
            "'nope'",
            "datetime(2)",
            l,
            "0000-00-00 00:00:00.00",
            &[1265],
        ),
        ("'900:00:00'", "time", l, "838:59:59", &[1265]),
        ("3000", "year", l, "0", &[1264]),
        ("16", "bit(4)", l, "15", &[1265]),
        ("NULL", "int", n, "0", &[1048]),
        ("NULL", "enum('red','green')", n, "red", &[1048]),
        ("NULL", "varchar(3)", l, "NULL", &[]),
        ("5", "tinyint", l, "5", &[]),
    ];
    for (value, spec, mode, want, codes) in cases {
        assert_eq!(
            lenient(&c, value, spec, *mode),
            (want.to_string(), codes.to_vec()),
            "{value} into {spec}"
        );
    }
    // The row and column are named; strict mode (no bits) still refuses.
    mysql_functions::take_warnings();
    s(&c, "mysql_assign(1000, 'tinyint', 'ti', 3, 1)");
    assert_eq!(
        mysql_functions::take_warnings()[0].message,
        "Out of range value for column 'ti' at row 3"
    );
    assert_eq!(e(&c, "1000", "tinyint"), RANGE);
    // JSON is refused in every mode.
    assert!(err(&c, "mysql_assign('{', 'json', 'c', 1, 1)").starts_with("3140"));
}

#[test]
fn decimal_with_trailing_characters_is_1265() {
    let c = conn();
    assert_eq!(e(&c, "'12.5abc'", "decimal(5,2)"), TRUNC);
    assert!(e(&c, "'abc'", "decimal(5,2)").starts_with("1366: Incorrect decimal value"));
}
