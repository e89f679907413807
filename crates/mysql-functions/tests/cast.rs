//! CAST helpers and truthiness against MySQL 8.0 (CAST never fails: warnings are dropped).
mod common;
use common::*;

#[test]
fn signed_unsigned() {
    let c = conn();
    assert_eq!(i(&c, "mysql_cast_signed('12abc')"), 12);
    assert_eq!(i(&c, "mysql_cast_signed('abc')"), 0);
    assert_eq!(i(&c, "mysql_cast_signed('  -7 ')"), -7);
    assert_eq!(i(&c, "mysql_cast_signed(1.5)"), 2);
    assert_eq!(i(&c, "mysql_cast_signed(-1.5)"), -2);
    assert_eq!(i(&c, "mysql_cast_signed('1.5')"), 1);
    assert_eq!(i(&c, "mysql_cast_signed('99999999999999999999')"), i64::MAX);
    assert_eq!(i(&c, "mysql_cast_signed(1e20)"), i64::MAX);
    assert_eq!(s(&c, "mysql_cast_signed(NULL)"), "NULL");
    assert_eq!(s(&c, "mysql_cast_unsigned(-1)"), "18446744073709551615");
    assert_eq!(i(&c, "mysql_cast_unsigned(5)"), 5);
    assert_eq!(i(&c, "mysql_cast_unsigned('7x')"), 7);
    assert_eq!(
        s(&c, "mysql_cast_unsigned('18446744073709551615')"),
        "18446744073709551615"
    );
}

#[test]
fn char_decimal_double() {
    let c = conn();
    assert_eq!(s(&c, "mysql_cast_char(123)"), "123");
    assert_eq!(s(&c, "mysql_cast_char(1.5)"), "1.5");
    assert_eq!(s(&c, "mysql_cast_char('abcdef', 3)"), "abc");
    assert_eq!(s(&c, "mysql_cast_char('héllo', 2)"), "hé");
    assert_eq!(s(&c, "mysql_cast_binary('ab', 4)"), "x'61620000'");
    assert_close(f(&c, "mysql_cast_decimal(3.14659, 5, 2)"), 3.15);
    assert_close(f(&c, "mysql_cast_decimal(2.675, 5, 2)"), 2.68);
    assert_eq!(i(&c, "mysql_cast_decimal('12abc', 5, 0)"), 12);
    assert_eq!(i(&c, "mysql_cast_decimal(1000, 3, 0)"), 999);
    assert_close(f(&c, "mysql_cast_decimal(-1000, 4, 2)"), -99.99);
    assert_eq!(i(&c, "mysql_cast_decimal(2.5)"), 3);
    assert!(err(&c, "mysql_cast_decimal(1, 66, 2)").starts_with("1426:"));
    assert_close(f(&c, "mysql_cast_double('1.5e3xyz')"), 1500.0);
    assert_close(f(&c, "mysql_cast_double('abc')"), 0.0);
}

#[test]
fn temporal() {
    let c = conn();
    assert_eq!(
        s(&c, "mysql_cast_date('2024-01-31 10:11:12')"),
        "2024-01-31"
    );
    assert_eq!(s(&c, "mysql_cast_date(20240131)"), "2024-01-31");
    assert_eq!(s(&c, "mysql_cast_date('20240131')"), "2024-01-31");
    assert_eq!(s(&c, "mysql_cast_date('24-1-5')"), "2024-01-05");
    assert_eq!(s(&c, "mysql_cast_date('2024/01/31')"), "2024-01-31");
    assert_eq!(s(&c, "mysql_cast_date('2024-02-30')"), "NULL");
    assert_eq!(s(&c, "mysql_cast_date('abc')"), "NULL");
    assert_eq!(
        s(&c, "mysql_cast_datetime('2024-01-31')"),
        "2024-01-31 00:00:00"
    );
    assert_eq!(
        s(&c, "mysql_cast_datetime('2024-01-31T10:11:12')"),
        "2024-01-31 10:11:12"
    );
    assert_eq!(
        s(&c, "mysql_cast_datetime('2024-01-31 10:11:12.5')"),
        "2024-01-31 10:11:13"
    );
    assert_eq!(
        s(&c, "mysql_cast_datetime('2024-01-31 10:11:12.123456', 3)"),
        "2024-01-31 10:11:12.123"
    );
    assert_eq!(
        s(&c, "mysql_cast_datetime(20240131101112)"),
        "2024-01-31 10:11:12"
    );
    assert_eq!(s(&c, "mysql_cast_datetime('2024-01-31 25:00:00')"), "NULL");
    assert_eq!(s(&c, "mysql_cast_time('10:11:12')"), "10:11:12");
    assert_eq!(s(&c, "mysql_cast_time('2024-01-31 10:11:12')"), "10:11:12");
    assert_eq!(s(&c, "mysql_cast_time(101112)"), "10:11:12");
    assert_eq!(s(&c, "mysql_cast_time('-1 02:00:00')"), "-26:00:00");
    assert_eq!(s(&c, "mysql_cast_time('838:59:59')"), "838:59:59");
    assert_eq!(s(&c, "mysql_cast_time('839:00:00')"), "NULL");
    assert_eq!(s(&c, "mysql_cast_time('10:11:12.5', 1)"), "10:11:12.5");
    assert_eq!(s(&c, "mysql_cast_time('11:61:00')"), "NULL");
}

#[test]
fn json_and_bool() {
    let c = conn();
    assert_eq!(
        s(&c, "mysql_cast_json('{\"b\":1,\"a\":[1,2]}')"),
        "{\"a\": [1, 2], \"b\": 1}"
    );
    assert_eq!(
        s(&c, "mysql_json_object('x', mysql_cast_json('[1]'))"),
        "{\"x\": [1]}"
    );
    assert_eq!(s(&c, "mysql_cast_json(5)"), "5");
    assert_eq!(s(&c, "mysql_json_cast('[1,2]')"), "[1, 2]");
    assert!(err(&c, "mysql_cast_json('{')")
        .starts_with("3141: Invalid JSON text in argument 1 to function cast_as_json: \""));
    assert_eq!(
        err(&c, "mysql_cast_json('NULL')"),
        "3141: Invalid JSON text in argument 1 to function cast_as_json: \"Invalid value.\" at position 0."
    );
    assert_eq!(
        err(&c, "mysql_cast_json('{\"name\":\"CoderAcademy\", \"age\"}')"),
        "3141: Invalid JSON text in argument 1 to function cast_as_json: \"Missing a colon after a name of object member.\" at position 29."
    );
    assert_eq!(
        err(&c, "mysql_cast_json('{\"a\":')"),
        "3141: Invalid JSON text in argument 1 to function cast_as_json: \"Invalid value.\" at position 5."
    );
    assert_eq!(
        err(&c, "mysql_cast_json('')"),
        "3141: Invalid JSON text in argument 1 to function cast_as_json: \"The document is empty.\" at position 0."
    );
    assert_eq!(i(&c, "mysql_bool('0.0')"), 0);
    assert_eq!(i(&c, "mysql_bool('0.1')"), 1);
    assert_eq!(i(&c, "mysql_bool('abc')"), 0);
    assert_eq!(i(&c, "mysql_bool(-3)"), 1);
    assert_eq!(s(&c, "mysql_bool(NULL)"), "NULL");
}

/// A string compared with a number: its double, and warning 1292 unless it is all number.
#[test]
fn compare_double_warns_on_truncated_strings() {
    let c = conn();
    let read = |sql: &str| {
        mysql_functions::take_warnings();
        let got = s(&c, sql);
        let warnings: Vec<String> = mysql_functions::take_warnings()
            .into_iter()
            .map(|w| format!("{} {}", w.code, w.message))
            .collect();
        (got, warnings)
    };
    assert_eq!(
        read("mysql_compare_double('3abc')"),
        (
            "3".to_owned(),
            vec!["1292 Truncated incorrect DOUBLE value: '3abc'".to_owned()]
        )
    );
    assert_eq!(
        read("mysql_compare_double('abc')").1,
        vec!["1292 Truncated incorrect DOUBLE value: 'abc'".to_owned()]
    );
    assert_eq!(
        read("mysql_compare_double(' 1e1 ')"),
        ("10".to_owned(), vec![])
    );
    assert_eq!(read("mysql_compare_double('')"), ("0".to_owned(), vec![]));
    assert_eq!(read("mysql_compare_double(7)"), ("7".to_owned(), vec![]));
    assert_eq!(
        read("mysql_compare_double(NULL)"),
        ("NULL".to_owned(), vec![])
    );
    // An UPDATE's or DELETE's WHERE in strict mode: an error.
    assert!(err(&c, "mysql_compare_double('3abc', 1)")
        .starts_with("1292: Truncated incorrect DOUBLE value: '3abc'"));
    assert_eq!(read("mysql_compare_double('3', 1)").0, "3");
}
