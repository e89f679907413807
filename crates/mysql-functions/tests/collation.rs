//! Collations and LIKE against MySQL 8.0.
mod common;
use common::*;

fn eq(c: &rusqlite::Connection, a: &str, b: &str, coll: &str) -> i64 {
    i(c, &format!("'{a}' = '{b}' COLLATE {coll}"))
}

#[test]
fn ai_ci_equalities() {
    let c = conn();
    let k = "utf8mb4_0900_ai_ci";
    assert_eq!(eq(&c, "a", "A", k), 1);
    assert_eq!(eq(&c, "a", "á", k), 1);
    assert_eq!(eq(&c, "A", "á", k), 1);
    assert_eq!(eq(&c, "ß", "ss", k), 1);
    assert_eq!(eq(&c, "résumé", "RESUME", k), 1);
    assert_eq!(eq(&c, "a", "b", k), 0);
    // NO PAD: trailing spaces count in the 0900 collations.
    assert_eq!(eq(&c, "a", "a ", k), 0);
    assert_eq!(eq(&c, "a", "a ", "utf8mb4_0900_as_cs"), 0);
}

#[test]
fn pad_space_collations() {
    let c = conn();
    for k in [
        "utf8mb4_general_ci",
        "utf8mb4_unicode_ci",
        "latin1_swedish_ci",
        "ascii_general_ci",
    ] {
        assert_eq!(eq(&c, "a", "a ", k), 1, "{k}");
        assert_eq!(eq(&c, "a", "A", k), 1, "{k}");
    }
    assert_eq!(eq(&c, "a", "á", "utf8mb4_general_ci"), 1);
    assert_eq!(eq(&c, "ß", "s", "utf8mb4_general_ci"), 1);
    assert_eq!(eq(&c, "ß", "ss", "utf8mb4_unicode_ci"), 1);
}

#[test]
fn case_sensitive_collations() {
    let c = conn();
    for k in ["utf8mb4_bin", "utf8mb4_0900_as_cs"] {
        assert_eq!(eq(&c, "a", "A", k), 0, "{k}");
        assert_eq!(eq(&c, "a", "á", k), 0, "{k}");
        assert_eq!(eq(&c, "abc", "abc", k), 1, "{k}");
    }
}

#[test]
fn ordering() {
    let c = conn();
    assert_eq!(i(&c, "'a' < 'B' COLLATE utf8mb4_0900_ai_ci"), 1);
    assert_eq!(i(&c, "'a' < 'B' COLLATE utf8mb4_bin"), 0);
    // as_cs: letters first, then lowercase before uppercase.
    assert_eq!(i(&c, "'a' < 'B' COLLATE utf8mb4_0900_as_cs"), 1);
    assert_eq!(i(&c, "'a' < 'A' COLLATE utf8mb4_0900_as_cs"), 1);
    let got: Vec<String> = {
        c.execute_batch(
            "CREATE TABLE t(x TEXT COLLATE utf8mb4_0900_ai_ci); INSERT INTO t VALUES ('b'),('A'),('á'),('C'),('a');",
        )
        .unwrap();
        let mut st = c.prepare("SELECT DISTINCT x FROM t ORDER BY x").unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(&got[1..], ["b", "C"]);
    assert_eq!(
        mysql_functions::collation_key("utf8mb4_0900_ai_ci", "Á"),
        Some("a".to_string())
    );
    assert_eq!(mysql_functions::collation_key("nope", "Á"), None);
}

#[test]
fn like_ai_ci() {
    let c = conn();
    assert_eq!(i(&c, "'ÁBC' LIKE 'a%'"), 1);
    assert_eq!(i(&c, "'abc' LIKE 'ABC'"), 1);
    assert_eq!(i(&c, "'é' LIKE '_'"), 1);
    assert_eq!(i(&c, "'ab' LIKE '_'"), 0);
    assert_eq!(i(&c, "'David!' LIKE 'David_'"), 1);
    assert_eq!(i(&c, "'David!' LIKE '%D%v%'"), 1);
    assert_eq!(i(&c, "'a%b' LIKE 'a\\%b'"), 1);
    assert_eq!(i(&c, "'axb' LIKE 'a\\%b'"), 0);
    assert_eq!(i(&c, "'a_b' LIKE 'a|_b' ESCAPE '|'"), 1);
    assert_eq!(i(&c, "'axb' LIKE 'a|_b' ESCAPE '|'"), 0);
    assert_eq!(i(&c, "'a\\b' LIKE 'a\\b' ESCAPE ''"), 1);
    assert_eq!(i(&c, "'abc' NOT LIKE 'b%'"), 1);
    assert_eq!(i(&c, "'a ' LIKE 'a'"), 0);
    assert_eq!(s(&c, "NULL LIKE 'a'"), "NULL");
    assert!(err(&c, "'a' LIKE 'a' ESCAPE 'xy'").starts_with("1210:"));
}

#[test]
fn like_bin() {
    let c = conn();
    assert_eq!(i(&c, "mysql_like_bin('a%', 'ABC')"), 0);
    assert_eq!(i(&c, "mysql_like_bin('A%', 'ABC')"), 1);
    assert_eq!(i(&c, "mysql_like_bin('a', 'á')"), 0);
    assert_eq!(i(&c, "mysql_like_bin('_', 'é')"), 1);
    assert_eq!(i(&c, "mysql_like_bin('a|%', 'a%', '|')"), 1);
    // BINARY operands: `_` is one byte.
    assert_eq!(i(&c, "mysql_like_bin('_', x'C3A9')"), 0);
    assert_eq!(i(&c, "mysql_like_bin('__', x'C3A9')"), 1);
    assert_eq!(i(&c, "mysql_like_bin(x'25FF', x'00FF')"), 1);
}

#[test]
fn punctuation_digit_letter_order() {
    let c = conn();
    assert_eq!(i(&c, "'_a' < '1a' COLLATE utf8mb4_0900_ai_ci"), 1);
    assert_eq!(i(&c, "'1a' < 'a' COLLATE utf8mb4_0900_ai_ci"), 1);
    assert_eq!(i(&c, "' ' < '_' COLLATE utf8mb4_0900_ai_ci"), 1);
    assert_eq!(i(&c, "'Z' < 'a_' COLLATE utf8mb4_0900_ai_ci"), 0);
    // general_ci weighs by uppercase: letters before '_'.
    assert_eq!(i(&c, "'a' < '_' COLLATE utf8mb4_general_ci"), 1);
    assert_eq!(i(&c, "'a' < '_' COLLATE utf8mb4_0900_ai_ci"), 0);
}
