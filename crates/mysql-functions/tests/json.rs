//! JSON functions against MySQL 8.0's documented results and output format.
mod common;
use common::*;

#[test]
fn extract_paths() {
    let c = conn();
    assert_eq!(
        s(&c, "mysql_json_extract('[10, 20, [30, 40]]', '$[1]')"),
        "20"
    );
    assert_eq!(
        s(
            &c,
            "mysql_json_extract('[10, 20, [30, 40]]', '$[1]', '$[0]')"
        ),
        "[20, 10]"
    );
    assert_eq!(
        s(&c, "mysql_json_extract('[10, 20, [30, 40]]', '$[2][*]')"),
        "[30, 40]"
    );
    assert_eq!(
        s(&c, "mysql_json_extract('[10, 20, [30, 40]]', '$[last]')"),
        "[30, 40]"
    );
    assert_eq!(
        s(&c, "mysql_json_extract('{\"a\": 1, \"b\": 2}', '$.*')"),
        "[1, 2]"
    );
    assert_eq!(
        s(
            &c,
            "mysql_json_extract('{\"a\": {\"b\": 1}, \"c\": {\"b\": 2}}', '$**.b')"
        ),
        "[1, 2]"
    );
    assert_eq!(s(&c, "mysql_json_extract('{\"a\":\"x\"}', '$.a')"), "\"x\"");
    assert_eq!(
        s(
            &c,
            "mysql_json_extract('{\"a\":{\"b\":[1,{\"c\":true}]}}', '$.a.b[1].c')"
        ),
        "true"
    );
    assert_eq!(
        s(&c, "mysql_json_extract('{\"a b\": 5}', '$.\"a b\"')"),
        "5"
    );
    assert_eq!(s(&c, "mysql_json_extract('{\"a\": 1}', '$.b')"), "NULL");
    assert_eq!(
        s(&c, "mysql_json_extract('{\"a\": 1}', '$.b', '$.c')"),
        "NULL"
    );
    assert_eq!(s(&c, "mysql_json_extract(NULL, '$.a')"), "NULL");
    assert_eq!(
        s(
            &c,
            "mysql_json_extract('{\"a\": {\"x\": 1, \"y\": [2]}}', '$.a')"
        ),
        "{\"x\": 1, \"y\": [2]}"
    );
    assert!(err(&c, "mysql_json_extract('{\"a\": 1}', 'a')")
        .starts_with("3143: Invalid JSON path expression."));
}

#[test]
fn unquote_arrow() {
    let c = conn();
    // col->>'$.a' is JSON_UNQUOTE(JSON_EXTRACT(col, '$.a')).
    assert_eq!(
        s(
            &c,
            "json_unquote(mysql_json_extract('{\"a\": \"x\\ty\"}', '$.a'))"
        ),
        "x\ty"
    );
    assert_eq!(
        s(
            &c,
            "json_unquote(mysql_json_extract('{\"a\": [1, 2]}', '$.a'))"
        ),
        "[1, 2]"
    );
    assert_eq!(
        s(&c, "json_unquote(mysql_json_extract('{\"a\": 3}', '$.a'))"),
        "3"
    );
    assert_eq!(
        s(
            &c,
            "json_unquote(mysql_json_extract('{\"a\": null}', '$.a'))"
        ),
        "null"
    );
    assert_eq!(s(&c, "json_unquote('\"abc\"')"), "abc");
    assert_eq!(s(&c, "json_unquote('abc')"), "abc");
    assert_eq!(s(&c, "json_unquote('\"\\u00e9\"')"), "é");
}

#[test]
fn constructors_format() {
    let c = conn();
    assert_eq!(
        s(&c, "mysql_json_object('id', 87, 'name', 'carrot')"),
        "{\"id\": 87, \"name\": \"carrot\"}"
    );
    assert_eq!(
        s(&c, "mysql_json_object('bb', 1, 'a', 2)"),
        "{\"a\": 2, \"bb\": 1}"
    );
    assert_eq!(s(&c, "mysql_json_object()"), "{}");
    assert_eq!(
        s(&c, "mysql_json_array(1, 'abc', NULL, 2.5)"),
        "[1, \"abc\", null, 2.5]"
    );
    assert_eq!(s(&c, "mysql_json_array()"), "[]");
    assert_eq!(
        s(&c, "mysql_json_object('a', mysql_json_array(1, 2))"),
        "{\"a\": [1, 2]}"
    );
    assert_eq!(
        s(&c, "mysql_json_object('a', '[1, 2]')"),
        "{\"a\": \"[1, 2]\"}"
    );
    assert_eq!(
        s(
            &c,
            "mysql_json_array(mysql_json_extract('{\"b\": {\"c\": 1}}', '$.b'))"
        ),
        "[{\"c\": 1}]"
    );
    assert!(err(&c, "mysql_json_object(NULL, 1)")
        .starts_with("3158: JSON documents may not contain NULL member names."));
    assert!(err(&c, "mysql_json_object('a')").starts_with("1582: Incorrect parameter count"));
    assert_eq!(s(&c, "mysql_json_quote('null')"), "\"null\"");
    assert_eq!(s(&c, "mysql_json_quote('\"null\"')"), "\"\\\"null\\\"\"");
    assert_eq!(s(&c, "mysql_json_quote('[1, 2, 3]')"), "\"[1, 2, 3]\"");
}

const J: &str = "'{ \"a\": 1, \"b\": [2, 3]}'";

#[test]
fn set_insert_replace_remove() {
    let c = conn();
    assert_eq!(
        s(
            &c,
            &format!("mysql_json_set({J}, '$.a', 10, '$.c', '[true, false]')")
        ),
        "{\"a\": 10, \"b\": [2, 3], \"c\": \"[true, false]\"}"
    );
    assert_eq!(
        s(
            &c,
            &format!("mysql_json_insert({J}, '$.a', 10, '$.c', '[true, false]')")
        ),
        "{\"a\": 1, \"b\": [2, 3], \"c\": \"[true, false]\"}"
    );
    assert_eq!(
        s(
            &c,
            &format!("mysql_json_replace({J}, '$.a', 10, '$.c', '[true, false]')")
        ),
        "{\"a\": 10, \"b\": [2, 3]}"
    );
    assert_eq!(
        s(&c, &format!("mysql_json_set({J}, '$.b[5]', 4)")),
        "{\"a\": 1, \"b\": [2, 3, 4]}"
    );
    assert_eq!(
        s(
            &c,
            &format!("mysql_json_set({J}, '$.c', mysql_json_array(1))")
        ),
        "{\"a\": 1, \"b\": [2, 3], \"c\": [1]}"
    );
    assert_eq!(
        s(
            &c,
            "mysql_json_remove('[\"a\", [\"b\", \"c\"], \"d\"]', '$[1]')"
        ),
        "[\"a\", \"d\"]"
    );
    assert_eq!(
        s(&c, &format!("mysql_json_remove({J}, '$.b[0]', '$.zz')")),
        "{\"a\": 1, \"b\": [3]}"
    );
    assert!(err(&c, &format!("mysql_json_set({J}, '$.*', 1)")).starts_with("3149:"));
}

const D: &str = "'{\"a\": 1, \"b\": 2, \"c\": {\"d\": 4}}'";

#[test]
fn contains_keys_length_type() {
    let c = conn();
    assert_eq!(i(&c, &format!("json_contains({D}, '1', '$.a')")), 1);
    assert_eq!(i(&c, &format!("json_contains({D}, '1', '$.b')")), 0);
    assert_eq!(
        i(&c, &format!("json_contains({D}, '{{\"d\": 4}}', '$.a')")),
        0
    );
    assert_eq!(
        i(&c, &format!("json_contains({D}, '{{\"d\": 4}}', '$.c')")),
        1
    );
    assert_eq!(i(&c, "json_contains('[1, 2, [3, 4]]', '[1, 3]')"), 1);
    assert_eq!(
        i(&c, &format!("json_contains_path({D}, 'one', '$.a', '$.e')")),
        1
    );
    assert_eq!(
        i(&c, &format!("json_contains_path({D}, 'all', '$.a', '$.e')")),
        0
    );
    assert_eq!(
        i(&c, &format!("json_contains_path({D}, 'one', '$.c.d')")),
        1
    );
    assert_eq!(
        i(&c, &format!("json_contains_path({D}, 'one', '$.a.d')")),
        0
    );
    assert_eq!(
        s(&c, "json_keys('{\"a\": 1, \"b\": {\"c\": 30}}')"),
        "[\"a\", \"b\"]"
    );
    assert_eq!(
        s(&c, "json_keys('{\"a\": 1, \"b\": {\"c\": 30}}', '$.b')"),
        "[\"c\"]"
    );
    assert_eq!(s(&c, "json_keys('[1]')"), "NULL");
    assert_eq!(i(&c, "json_length('[1, 2, {\"a\": 3}]')"), 3);
    assert_eq!(i(&c, "json_length('{\"a\": 1, \"b\": {\"c\": 30}}')"), 2);
    assert_eq!(
        i(&c, "json_length('{\"a\": 1, \"b\": {\"c\": 30}}', '$.b')"),
        1
    );
    assert_eq!(i(&c, "json_length('\"x\"')"), 1);
    assert_eq!(i(&c, "json_depth('[10, {\"a\": 20}]')"), 3);
    assert_eq!(s(&c, "mysql_json_type('[\"a\", \"b\", 1]')"), "ARRAY");
    assert_eq!(s(&c, "mysql_json_type('{\"a\": 1}')"), "OBJECT");
    assert_eq!(
        s(
            &c,
            "mysql_json_type(mysql_json_extract('{\"a\": [10, true]}', '$.a[0]'))"
        ),
        "INTEGER"
    );
    assert_eq!(
        s(
            &c,
            "mysql_json_type(mysql_json_extract('{\"a\": [10, true]}', '$.a[1]'))"
        ),
        "BOOLEAN"
    );
    assert_eq!(s(&c, "mysql_json_type('1.5')"), "DOUBLE");
    assert_eq!(s(&c, "mysql_json_type('\"s\"')"), "STRING");
    assert_eq!(s(&c, "mysql_json_type('null')"), "NULL");
    assert_eq!(s(&c, "mysql_json_type(NULL)"), "NULL");
}

#[test]
fn validity_and_errors() {
    let c = conn();
    assert_eq!(i(&c, "mysql_json_valid('{\"a\": 1}')"), 1);
    assert_eq!(i(&c, "mysql_json_valid('hello')"), 0);
    assert_eq!(i(&c, "mysql_json_valid('\"hello\"')"), 1);
    assert_eq!(s(&c, "mysql_json_valid(NULL)"), "NULL");
    let e = err(&c, "mysql_json_extract('{\"a\":', '$.a')");
    assert!(
        e.starts_with("3141: Invalid JSON text in argument 1 to function json_extract: \""),
        "{e}"
    );
    let e = err(&c, "mysql_json_type('[1, 2')");
    assert!(
        e.starts_with("3141: Invalid JSON text in argument 1 to function json_type: \""),
        "{e}"
    );
    let e = err(&c, "json_length('{\"a\" 1}')");
    assert_eq!(e, "3141: Invalid JSON text in argument 1 to function json_length: \"Missing a colon after a name of object member.\" at position 5.");
    let e = err(&c, "json_keys('[1] x')");
    assert_eq!(e, "3141: Invalid JSON text in argument 1 to function json_keys: \"The document root must not be followed by other values.\" at position 4.");
}

#[test]
fn numbers_format() {
    let c = conn();
    assert_eq!(s(&c, "mysql_json_extract('{\"a\": 1.0}', '$.a')"), "1.0");
    assert_eq!(s(&c, "mysql_json_extract('{\"a\": 0.1}', '$.a')"), "0.1");
    assert_eq!(s(&c, "mysql_json_extract('{\"a\": -5}', '$.a')"), "-5");
    assert_eq!(s(&c, "mysql_json_array(1.5, -2)"), "[1.5, -2]");
    assert_eq!(
        s(&c, "mysql_json_extract('{\"a\": \"\\u00e9\\n\"}', '$.a')"),
        "\"é\\n\""
    );
}

#[test]
fn array_append_insert() {
    let c = conn();
    let a = "'[\"a\", [\"b\", \"c\"], \"d\"]'";
    assert_eq!(
        s(&c, &format!("json_array_append({a}, '$[1]', 1)")),
        "[\"a\", [\"b\", \"c\", 1], \"d\"]"
    );
    assert_eq!(
        s(&c, &format!("json_array_append({a}, '$[0]', 2)")),
        "[[\"a\", 2], [\"b\", \"c\"], \"d\"]"
    );
    assert_eq!(
        s(&c, &format!("json_array_append({a}, '$[1][0]', 3)")),
        "[\"a\", [[\"b\", 3], \"c\"], \"d\"]"
    );
    let o = "'{\"a\": 1, \"b\": [2, 3], \"c\": 4}'";
    assert_eq!(
        s(&c, &format!("json_array_append({o}, '$.b', 'x')")),
        "{\"a\": 1, \"b\": [2, 3, \"x\"], \"c\": 4}"
    );
    assert_eq!(
        s(&c, &format!("json_array_append({o}, '$.c', 'y')")),
        "{\"a\": 1, \"b\": [2, 3], \"c\": [4, \"y\"]}"
    );
    assert_eq!(
        s(&c, "json_array_append('{\"a\": 1}', '$', 'z')"),
        "[{\"a\": 1}, \"z\"]"
    );
    let b = "'[\"a\", {\"b\": [1, 2]}, [3, 4]]'";
    assert_eq!(
        s(&c, &format!("json_array_insert({b}, '$[1]', 'x')")),
        "[\"a\", \"x\", {\"b\": [1, 2]}, [3, 4]]"
    );
    assert_eq!(
        s(&c, &format!("json_array_insert({b}, '$[100]', 'x')")),
        "[\"a\", {\"b\": [1, 2]}, [3, 4], \"x\"]"
    );
    assert_eq!(
        s(&c, &format!("json_array_insert({b}, '$[1].b[0]', 'x')")),
        "[\"a\", {\"b\": [\"x\", 1, 2]}, [3, 4]]"
    );
    assert_eq!(
        s(&c, &format!("json_array_insert({b}, '$[2][1]', 'y')")),
        "[\"a\", {\"b\": [1, 2]}, [3, \"y\", 4]]"
    );
    assert!(err(&c, &format!("json_array_insert({b}, '$.a', 'y')")).starts_with("3165:"));
}

#[test]
fn merges() {
    let c = conn();
    assert_eq!(
        s(&c, "json_merge_preserve('[1, 2]', '[true, false]')"),
        "[1, 2, true, false]"
    );
    assert_eq!(
        s(
            &c,
            "json_merge_preserve('{\"name\": \"x\"}', '{\"id\": 47}')"
        ),
        "{\"id\": 47, \"name\": \"x\"}"
    );
    assert_eq!(s(&c, "json_merge_preserve('1', 'true')"), "[1, true]");
    assert_eq!(
        s(&c, "json_merge_preserve('[1, 2]', '{\"id\": 47}')"),
        "[1, 2, {\"id\": 47}]"
    );
    assert_eq!(
        s(
            &c,
            "json_merge_preserve('{ \"a\": 1, \"b\": 2 }', '{ \"a\": 3, \"c\": 4 }')"
        ),
        "{\"a\": [1, 3], \"b\": 2, \"c\": 4}"
    );
    assert_eq!(s(&c, "json_merge('[1]', '[2]', '3')"), "[1, 2, 3]");
    assert_eq!(s(&c, "json_merge_preserve('[1]', NULL)"), "NULL");
    assert_eq!(
        s(&c, "json_merge_patch('[1, 2]', '[true, false]')"),
        "[true, false]"
    );
    assert_eq!(
        s(&c, "json_merge_patch('{\"name\": \"x\"}', '{\"id\": 47}')"),
        "{\"id\": 47, \"name\": \"x\"}"
    );
    assert_eq!(s(&c, "json_merge_patch('1', 'true')"), "true");
    assert_eq!(
        s(&c, "json_merge_patch('[1, 2]', '{\"id\": 47}')"),
        "{\"id\": 47}"
    );
    assert_eq!(
        s(
            &c,
            "json_merge_patch('{ \"a\": 1, \"b\":2 }', '{ \"a\": 3, \"c\":4 }')"
        ),
        "{\"a\": 3, \"b\": 2, \"c\": 4}"
    );
    assert_eq!(
        s(&c, "json_merge_patch('{\"a\":1, \"b\":2}', '{\"b\":null}')"),
        "{\"a\": 1}"
    );
    assert_eq!(
        s(
            &c,
            "json_merge_patch('{\"a\":{\"x\":1}}', '{\"a\":{\"y\":2}}')"
        ),
        "{\"a\": {\"x\": 1, \"y\": 2}}"
    );
}

#[test]
fn overlaps_member_of() {
    let c = conn();
    assert_eq!(i(&c, "json_overlaps('[1,3,5,7]', '[2,5,7]')"), 1);
    assert_eq!(i(&c, "json_overlaps('[1,3,5,7]', '[2,6,8]')"), 0);
    assert_eq!(
        i(
            &c,
            "json_overlaps('{\"a\":1,\"b\":10,\"d\":10}', '{\"c\":1,\"e\":10,\"f\":1,\"d\":10}')"
        ),
        1
    );
    assert_eq!(i(&c, "json_overlaps('5', '5')"), 1);
    assert_eq!(i(&c, "json_overlaps('[4,5,6,7]', '6')"), 1);
    assert_eq!(
        i(&c, "mysql_member_of(17, '[23, \"abc\", 17, \"ab\", 10]')"),
        1
    );
    assert_eq!(
        i(&c, "mysql_member_of('ab', '[23, \"abc\", 17, \"ab\", 10]')"),
        1
    );
    assert_eq!(
        i(&c, "mysql_member_of('a', '[23, \"abc\", 17, \"ab\", 10]')"),
        0
    );
}

#[test]
fn search_and_pretty() {
    let c = conn();
    let j = "'[\"abc\", [{\"k\": \"10\"}, \"def\"], {\"x\":\"abc\"}, {\"y\":\"bcd\"}]'";
    assert_eq!(
        s(&c, &format!("json_search({j}, 'one', 'abc')")),
        "\"$[0]\""
    );
    assert_eq!(
        s(&c, &format!("json_search({j}, 'all', 'abc')")),
        "[\"$[0]\", \"$[2].x\"]"
    );
    assert_eq!(s(&c, &format!("json_search({j}, 'all', 'ghi')")), "NULL");
    assert_eq!(
        s(&c, &format!("json_search({j}, 'all', '10')")),
        "\"$[1][0].k\""
    );
    assert_eq!(
        s(&c, &format!("json_search({j}, 'all', '10', NULL, '$')")),
        "\"$[1][0].k\""
    );
    assert_eq!(
        s(&c, &format!("json_search({j}, 'all', '%a%')")),
        "[\"$[0]\", \"$[2].x\"]"
    );
    assert_eq!(
        s(&c, &format!("json_search({j}, 'all', '%b%')")),
        "[\"$[0]\", \"$[2].x\", \"$[3].y\"]"
    );
    assert_eq!(
        s(&c, &format!("json_search({j}, 'all', '%b%', NULL, '$[3]')")),
        "\"$[3].y\""
    );
    assert_eq!(
        s(&c, &format!("json_search({j}, 'all', '10', NULL, '$[1]')")),
        "\"$[1][0].k\""
    );
    assert_eq!(
        s(&c, "mysql_json_pretty('[1,3,5]')"),
        "[\n  1,\n  3,\n  5\n]"
    );
    assert_eq!(
        s(
            &c,
            "mysql_json_pretty('{\"a\":\"10\",\"b\":\"15\",\"x\":\"25\"}')"
        ),
        "{\n  \"a\": \"10\",\n  \"b\": \"15\",\n  \"x\": \"25\"\n}"
    );
    assert_eq!(
        s(&c, "mysql_json_pretty('{\"a\":[],\"b\":{}}')"),
        "{\n  \"a\": [],\n  \"b\": {}\n}"
    );
}
