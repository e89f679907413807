//! MySQL 8.0's functional key parts (`KEY k ((expr))`, 8.0.13) and INVISIBLE indexes, as the
//! catalog, SHOW CREATE TABLE and SHOW INDEX present them.

mod common;

use common::*;

fn db(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec("CREATE DATABASE i; USE i");
    c
}

#[test]
fn functional_key_parts_index_an_expression() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.ok("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(20), KEY name_lower ((LOWER(name))))");
    c.exec("INSERT INTO people VALUES (1, 'Ann'), (2, 'BOB')");
    assert_eq!(
        c.val("SELECT id FROM people WHERE LOWER(name) = 'bob'"),
        "2"
    );
    let create = c.q("SHOW CREATE TABLE people")[0][1].clone();
    assert!(
        create.contains("KEY `name_lower` ((lower(`name`)))"),
        "{create}"
    );
    assert_eq!(
        c.q("SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, EXPRESSION FROM information_schema.statistics \
             WHERE TABLE_NAME = 'people' ORDER BY INDEX_NAME"),
        rows(&[&["name_lower", "1", "NULL", "lower(`name`)"], &["PRIMARY", "1", "id", "NULL"]])
    );
    // Unnamed, unique, and together with a plain column.
    c.ok("CREATE UNIQUE INDEX u ON people ((id * 10), name)");
    c.ok("ALTER TABLE people ADD INDEX ((UPPER(name)))");
    let create = c.q("SHOW CREATE TABLE people")[0][1].clone();
    assert!(
        create.contains("UNIQUE KEY `u` (((`id` * 10)),`name`)")
            || create.contains("UNIQUE KEY `u` ((`id` * 10),`name`)"),
        "{create}"
    );
    assert!(
        create.contains("KEY `functional_index` ((upper(`name`)))"),
        "{create}"
    );
    assert_eq!(
        c.err("CREATE TABLE bad (id INT, PRIMARY KEY ((id + 1)))")
            .code,
        3756
    );
}

#[test]
fn invisible_indexes_are_kept_and_shown() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.ok("CREATE TABLE inv (id INT PRIMARY KEY, v INT, w INT, KEY v_idx (v) INVISIBLE, KEY w_idx (w) COMMENT 'w' VISIBLE)");
    let create = c.q("SHOW CREATE TABLE inv")[0][1].clone();
    assert!(
        create.contains("KEY `v_idx` (`v`) /*!80000 INVISIBLE */"),
        "{create}"
    );
    assert!(
        create.contains("KEY `w_idx` (`w`) COMMENT 'w'\n")
            || create.contains("KEY `w_idx` (`w`) COMMENT 'w',"),
        "{create}"
    );
    assert_eq!(
        c.q("SELECT INDEX_NAME, IS_VISIBLE, INDEX_COMMENT FROM information_schema.statistics WHERE TABLE_NAME = 'inv' ORDER BY INDEX_NAME"),
        rows(&[&["PRIMARY", "YES", ""], &["v_idx", "NO", ""], &["w_idx", "YES", "w"]])
    );
    c.exec("INSERT INTO inv VALUES (1, 2, 3)");
    assert_eq!(c.val("SELECT id FROM inv WHERE v = 2"), "1");
    // A column may be called invisible, and a VARCHAR(10) before INVISIBLE is a column's.
    c.ok("CREATE TABLE cols (invisible INT, KEY (invisible))");
    assert_eq!(
        c.err("CREATE TABLE pk (id INT, PRIMARY KEY (id) INVISIBLE)")
            .code,
        3522
    );
}
