//! REGEXP functions against MySQL 8.0's documented results.
mod common;
use common::*;

#[test]
fn regexp_operator_and_like() {
    let c = conn();
    assert_eq!(i(&c, "'Michael!' REGEXP '.*'"), 1);
    assert_eq!(i(&c, "'a' REGEXP '^[a-d]'"), 1);
    assert_eq!(i(&c, "'ABC' REGEXP 'abc'"), 1);
    assert_eq!(i(&c, "'abc' NOT REGEXP 'x'"), 1);
    assert_eq!(i(&c, "'fo\nfo' REGEXP '^fo$'"), 0);
    assert_eq!(s(&c, "NULL REGEXP 'a'"), "NULL");
    assert_eq!(i(&c, "regexp_like('CamelCase', 'CAMELCASE')"), 1);
    assert_eq!(i(&c, "regexp_like('CamelCase', 'CAMELCASE', 'c')"), 0);
    assert_eq!(i(&c, "regexp_like('abc', 'ABC', 'ci')"), 1);
    assert_eq!(i(&c, "regexp_like(x'616263', 'ABC')"), 0);
    assert_eq!(i(&c, "regexp_like('fo\nfo', '^fo$', 'm')"), 1);
    assert_eq!(i(&c, "regexp_like('a\nb', 'a.b')"), 0);
    assert_eq!(i(&c, "regexp_like('a\nb', 'a.b', 'n')"), 1);
    assert_eq!(i(&c, "regexp_like('abc123', '[[:digit:]]+$')"), 1);
    assert_eq!(
        err(&c, "regexp_like('a', '(')"),
        "3691: Mismatched parenthesis in regular expression."
    );
    assert_eq!(
        err(&c, "regexp_like('a', 'a', 'z')"),
        "3900: Invalid match mode flag in regular expression."
    );
    assert_eq!(
        err(&c, "regexp_like('a', 'a[')"),
        "3696: The regular expression contains an unclosed bracket expression."
    );
    assert_eq!(
        err(&c, "regexp_like('a', 'a{2,1}')"),
        "3693: The maximum is less than the minumum in a {min,max} interval."
    );
    assert_eq!(
        err(&c, "regexp_like('a', '*a')"),
        "3688: Syntax error in regular expression on line 1, character 1."
    );
    assert_eq!(
        err(&c, "regexp_substr('ab', '[b-a]')"),
        "3697: Invalid range in regular expression."
    );
}

#[test]
fn instr_substr_replace() {
    let c = conn();
    assert_eq!(i(&c, "regexp_instr('dog cat dog', 'dog')"), 1);
    assert_eq!(i(&c, "regexp_instr('dog cat dog', 'dog', 2)"), 9);
    assert_eq!(i(&c, "regexp_instr('aa aaa aaaa', 'a{2}')"), 1);
    assert_eq!(i(&c, "regexp_instr('aa aaa aaaa', 'a{4}')"), 8);
    assert_eq!(i(&c, "regexp_instr('dog cat dog', 'cat', 1, 1, 1)"), 8);
    assert_eq!(i(&c, "regexp_instr('dog cat dog', 'dog', 1, 2)"), 9);
    assert_eq!(i(&c, "regexp_instr('éa', 'a')"), 2);
    assert_eq!(i(&c, "regexp_instr('abc', 'x')"), 0);
    assert_eq!(s(&c, "regexp_replace('a b c', 'b', 'X')"), "a X c");
    assert_eq!(
        s(&c, "regexp_replace('abc def ghi', '[a-z]+', 'X', 1, 3)"),
        "abc def X"
    );
    assert_eq!(
        s(&c, "regexp_replace('abc def ghi', '[a-z]+', 'X', 5)"),
        "abc X X"
    );
    assert_eq!(s(&c, "regexp_replace('ABC', 'b', 'x')"), "AxC");
    assert_eq!(
        s(&c, "regexp_replace('John Smith', '(\\w+) (\\w+)', '$2 $1')"),
        "Smith John"
    );
    assert_eq!(s(&c, "regexp_substr('abc def ghi', '[a-z]+')"), "abc");
    assert_eq!(s(&c, "regexp_substr('abc def ghi', '[a-z]+', 1, 3)"), "ghi");
    assert_eq!(s(&c, "regexp_substr('abc def ghi', 'x')"), "NULL");
    assert_eq!(s(&c, "regexp_substr(NULL, 'x')"), "NULL");
    assert_eq!(
        err(&c, "regexp_substr('abc', 'a', 10)"),
        "3686: Index out of bounds in regular expression search."
    );
    assert_eq!(
        err(&c, "regexp_substr('abc', 'a', 0)"),
        "1583: Incorrect parameters in the call to native function 'regexp_substr'"
    );
    assert!(err(&c, "regexp_instr('abc', 'a', 1, 1, 2)").starts_with("1210:"));
}
