//! String functions against MySQL 8.0's documented results.
mod common;
use common::*;

#[test]
fn concat_null_rules() {
    let c = conn();
    assert_eq!(s(&c, "mysql_concat('My', 'S', 'QL')"), "MySQL");
    assert_eq!(s(&c, "mysql_concat('My', NULL, 'QL')"), "NULL");
    assert_eq!(s(&c, "mysql_concat(14.3)"), "14.3");
    assert_eq!(s(&c, "mysql_concat('a', 1, 2.5)"), "a12.5");
    assert_eq!(
        s(
            &c,
            "concat_ws(',', 'First name', 'Second name', 'Last Name')"
        ),
        "First name,Second name,Last Name"
    );
    assert_eq!(
        s(&c, "concat_ws(',', 'First name', NULL, 'Last Name')"),
        "First name,Last Name"
    );
    assert_eq!(s(&c, "concat_ws(NULL, 'a', 'b')"), "NULL");
}

#[test]
fn length_bytes_vs_chars() {
    let c = conn();
    assert_eq!(i(&c, "mysql_length('é')"), 2);
    assert_eq!(i(&c, "char_length('é')"), 1);
    assert_eq!(i(&c, "mysql_length('text')"), 4);
    assert_eq!(i(&c, "octet_length('日本')"), 6);
    assert_eq!(i(&c, "character_length('日本')"), 2);
    assert_eq!(s(&c, "mysql_length(NULL)"), "NULL");
}

#[test]
fn substring_positions() {
    let c = conn();
    assert_eq!(s(&c, "mysql_substr('Quadratically', 5)"), "ratically");
    assert_eq!(s(&c, "mysql_substr('foobarbar', 4)"), "barbar");
    assert_eq!(s(&c, "mysql_substr('Quadratically', 5, 6)"), "ratica");
    assert_eq!(s(&c, "mysql_substr('Sakila', -3)"), "ila");
    assert_eq!(s(&c, "mysql_substr('Sakila', -5, 3)"), "aki");
    assert_eq!(s(&c, "mysql_substr('Sakila', 0)"), "");
    assert_eq!(s(&c, "mysql_substr('Sakila', -7)"), "");
    assert_eq!(s(&c, "mysql_substr('Sakila', 2, -1)"), "");
    assert_eq!(s(&c, "mysql_substr('héllo', 2, 2)"), "él");
    assert_eq!(s(&c, "mysql_left('foobarbar', 5)"), "fooba");
    assert_eq!(s(&c, "mysql_right('foobarbar', 4)"), "rbar");
    assert_eq!(
        s(&c, "substring_index('www.mysql.com', '.', 2)"),
        "www.mysql"
    );
    assert_eq!(
        s(&c, "substring_index('www.mysql.com', '.', -2)"),
        "mysql.com"
    );
}

#[test]
fn pad_and_repeat() {
    let c = conn();
    assert_eq!(s(&c, "lpad('hi', 4, '??')"), "??hi");
    assert_eq!(s(&c, "lpad('hi', 1, '??')"), "h");
    assert_eq!(s(&c, "rpad('hi', 5, '?')"), "hi???");
    assert_eq!(s(&c, "rpad('hi', 1, '?')"), "h");
    assert_eq!(s(&c, "lpad('é', 3, 'ab')"), "abé");
    assert_eq!(s(&c, "repeat('MySQL', 3)"), "MySQLMySQLMySQL");
    assert_eq!(s(&c, "repeat('a', 0)"), "");
    assert_eq!(s(&c, "repeat('a', -1)"), "");
    assert_eq!(s(&c, "repeat(NULL, 2)"), "NULL");
    let small = conn_with_packet(1024);
    assert_eq!(s(&small, "repeat('a', 1024)").len(), 1024);
    assert_eq!(s(&small, "repeat('a', 1025)"), "NULL");
    assert_eq!(s(&small, "lpad('a', 2000, 'x')"), "NULL");
    assert_eq!(s(&small, "space(2000)"), "NULL");
    assert_eq!(s(&c, "space(3)"), "   ");
}

#[test]
fn locate_instr_replace() {
    let c = conn();
    assert_eq!(i(&c, "locate('bar', 'foobarbar')"), 4);
    assert_eq!(i(&c, "locate('xbar', 'foobar')"), 0);
    assert_eq!(i(&c, "locate('bar', 'foobarbar', 5)"), 7);
    assert_eq!(i(&c, "locate('BAR', 'foobarbar')"), 4);
    assert_eq!(i(&c, "mysql_instr('foobarbar', 'bar')"), 4);
    assert_eq!(i(&c, "mysql_instr('xbar', 'foobar')"), 0);
    assert_eq!(i(&c, "mysql_instr('héllo', 'l')"), 3);
    assert_eq!(i(&c, "position('bar', 'foobarbar')"), 4);
    assert_eq!(
        s(&c, "replace('www.mysql.com', 'w', 'Ww')"),
        "WwWwWw.mysql.com"
    );
    assert_eq!(s(&c, "replace('aAa', 'a', 'b')"), "bAb");
    assert_eq!(s(&c, "replace('abc', NULL, 'b')"), "NULL");
}

#[test]
fn trim_forms() {
    let c = conn();
    // TRIM('  bar   '), and SQLite's own trim for the one-argument form agrees.
    assert_eq!(s(&c, "mysql_trim('  bar   ')"), "bar");
    assert_eq!(s(&c, "trim('  bar   ')"), "bar");
    // TRIM(LEADING 'x' FROM 'xxxbarxxx')
    assert_eq!(s(&c, "mysql_ltrim('xxxbarxxx', 'x')"), "barxxx");
    // TRIM(BOTH 'x' FROM 'xxxbarxxx')
    assert_eq!(s(&c, "mysql_trim('xxxbarxxx', 'x')"), "bar");
    // TRIM(TRAILING 'xyz' FROM 'barxxyz'): remstr is a string, not a set of characters.
    assert_eq!(s(&c, "mysql_rtrim('barxxyz', 'xyz')"), "barx");
    assert_eq!(s(&c, "mysql_trim('abab-ab', 'ab')"), "-");
    assert_eq!(s(&c, "mysql_ltrim('  barbar   ')"), "barbar   ");
    assert_eq!(s(&c, "mysql_rtrim('barbar   ')"), "barbar");
    assert_eq!(s(&c, "mysql_trim(NULL, 'x')"), "NULL");
    assert_eq!(s(&c, "mysql_trim('xa', '')"), "xa");
    // The dialect's three-argument form: mysql_trim(s, remstr, side).
    assert_eq!(s(&c, "mysql_trim('xxbarxx', 'x', 'LEADING')"), "barxx");
    assert_eq!(s(&c, "mysql_trim('xxbarxx', 'x', 'TRAILING')"), "xxbar");
    assert_eq!(s(&c, "mysql_trim('xxbarxx', 'x', 'BOTH')"), "bar");
    assert_eq!(s(&c, "mysql_trim('  bar  ', ' ', 'both')"), "bar");
}

#[test]
fn case_mapping() {
    let c = conn();
    assert_eq!(s(&c, "upper('Hej é ß')"), "HEJ É ß");
    assert_eq!(s(&c, "lower('QUADRATICALLY')"), "quadratically");
    assert_eq!(s(&c, "lcase('ÉCOLE')"), "école");
    assert_eq!(s(&c, "ucase(NULL)"), "NULL");
    assert_eq!(s(&c, "upper(x'6162')"), "x'6162'");
}

#[test]
fn format_numbers() {
    let c = conn();
    assert_eq!(s(&c, "mysql_format(12332.123456, 4)"), "12,332.1235");
    assert_eq!(s(&c, "mysql_format(12332.1, 4)"), "12,332.1000");
    assert_eq!(s(&c, "mysql_format(12332.2, 0)"), "12,332");
    assert_eq!(s(&c, "mysql_format(-1234.5, 0)"), "-1,235");
    assert_eq!(s(&c, "mysql_format(2.675, 2)"), "2.68");
    assert_eq!(s(&c, "mysql_format(1234567, 2)"), "1,234,567.00");
    assert_eq!(s(&c, "mysql_format('1234.5', 1)"), "1,234.5");
    assert_eq!(s(&c, "mysql_format(NULL, 2)"), "NULL");
}

#[test]
fn hex_unhex() {
    let c = conn();
    assert_eq!(s(&c, "mysql_hex(255)"), "FF");
    assert_eq!(s(&c, "mysql_hex('abc')"), "616263");
    assert_eq!(s(&c, "mysql_hex(-1)"), "FFFFFFFFFFFFFFFF");
    // UNHEX is a binary string.
    assert_eq!(s(&c, "unhex('4D7953514C')"), "x'4d7953514c'");
    assert_eq!(s(&c, "CAST(unhex(mysql_hex('string')) AS TEXT)"), "string");
    assert_eq!(s(&c, "bit_length('ab')"), "16");
    assert_eq!(s(&c, "unhex('GG')"), "NULL");
    assert_eq!(s(&c, "unhex('FF')"), "x'ff'");
    assert_eq!(s(&c, "conv('a', 16, 2)"), "1010");
    assert_eq!(s(&c, "conv('6E', 18, 8)"), "172");
    assert_eq!(s(&c, "conv(-17, 10, -18)"), "-H");
    assert_eq!(s(&c, "bin(12)"), "1100");
}

#[test]
fn misc() {
    let c = conn();
    assert_eq!(i(&c, "field('Bb', 'Aa', 'Bb', 'Cc', 'Dd', 'Ff')"), 2);
    assert_eq!(i(&c, "field('Gg', 'Aa', 'Bb')"), 0);
    assert_eq!(i(&c, "find_in_set('b', 'a,b,c,d')"), 2);
    assert_eq!(s(&c, "elt(1, 'Aa', 'Bb')"), "Aa");
    assert_eq!(s(&c, "elt(4, 'Aa', 'Bb')"), "NULL");
    assert_eq!(i(&c, "strcmp('text', 'text2')"), -1);
    assert_eq!(i(&c, "strcmp('text2', 'text')"), 1);
    assert_eq!(i(&c, "strcmp('text', 'TEXT')"), 0);
    assert_eq!(s(&c, "reverse('abc')"), "cba");
    assert_eq!(
        s(&c, "mysql_insert('Quadratic', 3, 4, 'What')"),
        "QuWhattic"
    );
    assert_eq!(
        s(&c, "mysql_insert('Quadratic', -1, 4, 'What')"),
        "Quadratic"
    );
    assert_eq!(s(&c, "mysql_insert('Quadratic', 3, 100, 'What')"), "QuWhat");
    assert_eq!(i(&c, "ascii('dx')"), 100);
    assert_eq!(i(&c, "ord('2')"), 50);
    assert_eq!(s(&c, "to_base64('abc')"), "YWJj");
    assert_eq!(s(&c, "from_base64(to_base64('abc'))"), "x'616263'");
}

#[test]
fn digests() {
    let c = conn();
    assert_eq!(s(&c, "md5('testing')"), "ae2b1fca515949e5d54fb22b8ed95575");
    assert_eq!(s(&c, "md5('')"), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(
        s(&c, "sha1('abc')"),
        "a9993e364706816aba3e25717850c26c9cd0d89d"
    );
    assert_eq!(
        s(&c, "sha('abc')"),
        "a9993e364706816aba3e25717850c26c9cd0d89d"
    );
    assert_eq!(
        s(&c, "sha2('abc', 224)"),
        "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"
    );
    assert_eq!(
        s(&c, "sha2('abc', 256)"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        s(&c, "sha2('abc', 0)"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        s(&c, "sha2('abc', 384)"),
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
    );
    assert_eq!(
        s(&c, "sha2('abc', 512)"),
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
    );
    assert_eq!(s(&c, "sha2('abc', 100)"), "NULL");
    assert_eq!(s(&c, "md5(NULL)"), "NULL");
    let long = "a".repeat(1000);
    assert_eq!(
        s(&c, &format!("md5('{long}')")),
        "cabe45dcc9ae5b66ba86600cca6b8ba8"
    );
    assert_eq!(
        s(&c, &format!("sha1('{long}')")),
        "291e9a6c66994949b57ba5e650361e98fc36b1ba"
    );
}
