//! JSON_TABLE as a table in FROM: COLUMNS with PATH, FOR ORDINALITY, EXISTS PATH, DEFAULT ...
//! ON EMPTY and NESTED PATH, as MySQL 8.0 returns them.

mod common;

use common::*;

#[test]
fn json_table_rows_and_columns() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec("CREATE DATABASE j; USE j");
    assert_eq!(
        c.q("SELECT j.v FROM JSON_TABLE('[{\"v\": 1}, {\"v\": 2}]', '$[*]' COLUMNS (v INT PATH '$.v')) AS j"),
        rows(&[&["1"], &["2"]])
    );
    assert_eq!(
        c.q("SELECT * FROM JSON_TABLE('[{\"a\": \"x\", \"b\": [1, 2]}, {\"c\": 3}]', '$[*]' COLUMNS (\
               n FOR ORDINALITY, a VARCHAR(10) PATH '$.a' DEFAULT 'none' ON EMPTY, \
               has_c INT EXISTS PATH '$.c', \
               NESTED PATH '$.b[*]' COLUMNS (b INT PATH '$'))) AS t"),
        rows(&[&["1", "x", "0", "1"], &["1", "x", "0", "2"], &["2", "none", "1", "NULL"]])
    );
    c.exec("CREATE TABLE docs (id INT PRIMARY KEY, tags JSON); INSERT INTO docs VALUES (1, '[\"a\", \"b\"]')");
    assert_eq!(
        c.q("SELECT d.id, t.tag FROM docs AS d JOIN JSON_TABLE('[\"a\", \"c\"]', '$[*]' COLUMNS (tag VARCHAR(5) PATH '$')) AS t \
             ON JSON_CONTAINS(d.tags, JSON_QUOTE(t.tag)) ORDER BY t.tag"),
        rows(&[&["1", "a"]])
    );
    assert_eq!(
        c.err("SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (v INT PATH '$'))")
            .code,
        1248
    );
}
