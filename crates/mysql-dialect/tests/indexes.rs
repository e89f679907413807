//! Index behaviour MySQL 8.0 checks or answers: key-part limits, index hints naming real
//! indexes, FULLTEXT search with MATCH ... AGAINST, and the table maintenance statements.

mod common;

use common::*;

fn db(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE d; USE d;
         CREATE TABLE person (id INT PRIMARY KEY, age INT, KEY person_age (age));
         INSERT INTO person VALUES (1, 30), (2, 25)",
    );
    c
}

#[test]
fn at_most_16_key_parts() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    let cols: Vec<String> = (0..17).map(|i| format!("c{i}")).collect();
    let defs: Vec<String> = cols.iter().map(|c| format!("{c} INT")).collect();
    let e = c.err(&format!(
        "CREATE TABLE many ({}, KEY ({}))",
        defs.join(", "),
        cols.join(", ")
    ));
    assert_eq!(
        (e.code, e.message.as_str()),
        (1070, "Too many key parts specified; max 16 parts allowed")
    );
    c.ok(&format!(
        "CREATE TABLE sixteen ({}, KEY ({}))",
        defs.join(", "),
        cols[..16].join(", ")
    ));
}

#[test]
fn index_hints_must_name_an_index_of_the_table() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    let e = c.err("SELECT id FROM person FORCE INDEX (nope) WHERE id = 2");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1176, "Key 'nope' doesn't exist in table 'person'")
    );
    assert_eq!(
        c.val("SELECT id FROM person FORCE INDEX (person_age) WHERE age > 26"),
        "1"
    );
    assert_eq!(
        c.val("SELECT id FROM person IGNORE INDEX (PRIMARY) WHERE id = 2"),
        "2"
    );
    assert_eq!(
        c.val("SELECT id FROM person p USE INDEX (PERSON_AGE) WHERE age = 25"),
        "2"
    );
}

#[test]
fn match_against_searches_the_fulltext_columns() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.exec(
        "CREATE TABLE ft (id INT PRIMARY KEY, title VARCHAR(50), body TEXT, FULLTEXT KEY ft_body (body));
         INSERT INTO ft VALUES (1, 't', 'MySQL databases are relational'), (2, 't', 'Rewind emulates Aurora'),
           (3, 't', 'relational algebra for databases')",
    );
    assert_eq!(
        c.q("SELECT id FROM ft WHERE MATCH(body) AGAINST ('+relational +databases' IN BOOLEAN MODE) ORDER BY id"),
        rows(&[&["1"], &["3"]])
    );
    assert_eq!(
        c.q("SELECT id FROM ft WHERE MATCH(body) AGAINST ('aurora' IN BOOLEAN MODE)"),
        rows(&[&["2"]])
    );
    assert_eq!(
        c.q("SELECT id FROM ft WHERE MATCH(ft.body) AGAINST ('relational -mysql' IN BOOLEAN MODE)"),
        rows(&[&["3"]])
    );
    assert_eq!(
        c.q("SELECT id FROM ft WHERE MATCH(body) AGAINST ('algebra aurora') ORDER BY id"),
        rows(&[&["2"], &["3"]])
    );
    let e = c.err("SELECT id FROM ft WHERE MATCH(title) AGAINST ('t')");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1191, "Can't find FULLTEXT index matching the column list")
    );
}

#[test]
fn analyze_optimize_check_answer_as_innodb() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    assert_eq!(
        c.q("ANALYZE TABLE person"),
        rows(&[&["d.person", "analyze", "status", "OK"]])
    );
    assert_eq!(
        c.q("OPTIMIZE TABLE person"),
        rows(&[
            &[
                "d.person",
                "optimize",
                "note",
                "Table does not support optimize, doing recreate + analyze instead"
            ],
            &["d.person", "optimize", "status", "OK"]
        ])
    );
    assert_eq!(
        c.q("CHECK TABLE person, d.nope"),
        rows(&[
            &["d.person", "check", "status", "OK"],
            &["d.nope", "check", "Error", "Table 'd.nope' doesn't exist"],
            &["d.nope", "check", "status", "Operation failed"]
        ])
    );
    assert_eq!(c.q("ANALYZE LOCAL TABLE person").len(), 1);
}
