//! The whole dataset lives in the key-value space: a fresh session over the same committed
//! map sees everything, and restoring an older map (what a backtrack does) restores the
//! tables. Also how statements touch the space: point reads by primary key never scan.

mod common;

use common::*;
use sql::{MemKv, Outcome, Session};

fn rows_scanned(kv: &MemKv) -> Vec<String> {
    kv.take_scanned()
        .into_iter()
        .map(|p| String::from_utf8_lossy(&p).into_owned())
        .filter(|p| p.contains("/rows/"))
        .collect()
}

#[test]
fn a_fresh_session_over_the_same_map_sees_everything() {
    let kv = MemKv::new();
    {
        let mut c = Conn::new(&kv);
        c.exec(
            "CREATE DATABASE shop; USE shop;
             CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20));
             INSERT INTO items (name) VALUES ('a'), ('b');
             CREATE DATABASE crm; CREATE TABLE crm.people (name VARCHAR(10))",
        );
        c.exec("INSERT INTO crm.people VALUES ('zoe')");
    }
    // Another process, another session: only the committed map is shared.
    let copy = MemKv::from_map(kv.snapshot());
    let mut c = Conn::with(&copy, config("admin@%").with_database("shop"));
    assert_eq!(
        c.q("SELECT id, name FROM items"),
        rows(&[&["1", "a"], &["2", "b"]])
    );
    assert_eq!(c.q("SELECT name FROM crm.people"), rows(&[&["zoe"]]));
    assert_eq!(c.q("SHOW TABLES FROM crm"), rows(&[&["people"]]));
    assert_eq!(c.q("DESCRIBE items")[1][1], "varchar(20)");
    // The AUTO_INCREMENT counter came along too.
    assert_eq!(
        c.ok("INSERT INTO items (name) VALUES ('c')").last_insert_id,
        3
    );
    let keys: Vec<String> = copy
        .snapshot()
        .keys()
        .map(|k| String::from_utf8_lossy(k).into_owned())
        .collect();
    for expected in [
        "dbs/shop",
        "dbs/crm",
        "db/shop/schema/items",
        "db/shop/seq/items",
        "db/crm/schema/people",
        "db/crm/rowid/people",
    ] {
        assert!(keys.iter().any(|k| k == expected), "{expected} in {keys:?}");
    }
    assert_eq!(
        keys.iter()
            .filter(|k| k.starts_with("db/shop/rows/items/"))
            .count(),
        3
    );
}

#[test]
fn restoring_an_older_map_restores_the_tables() {
    let kv = MemKv::new();
    let mut c = Conn::new(&kv);
    c.exec(
        "CREATE DATABASE shop; USE shop;
         CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20));
         INSERT INTO items VALUES (1, 'keep')",
    );
    let before = kv.snapshot();
    c.exec("DELETE FROM items; DROP TABLE items; CREATE TABLE other (x INT); DROP DATABASE shop; CREATE DATABASE oops");
    assert_eq!(c.err("SELECT * FROM shop.items").code, 1146);
    // The backtrack: the head goes back to the earlier state.
    let rewound = MemKv::from_map(before);
    let mut s = Session::new(config("admin@%").with_database("shop"));
    let out = s.run(
        "SHOW DATABASES; SELECT * FROM items; SHOW TABLES",
        &rewound,
        |r| rewound.apply(r),
    );
    let Outcome::Rows(dbs) = &out[0] else {
        panic!("{out:?}")
    };
    assert!(dbs.rows.iter().any(|r| r[0].as_deref() == Some("shop")));
    assert!(!dbs.rows.iter().any(|r| r[0].as_deref() == Some("oops")));
    let Outcome::Rows(items) = &out[1] else {
        panic!("{out:?}")
    };
    assert_eq!(
        items.rows,
        vec![vec![Some("1".to_owned()), Some("keep".to_owned())]]
    );
    let Outcome::Rows(tables) = &out[2] else {
        panic!("{out:?}")
    };
    assert_eq!(tables.rows, vec![vec![Some("items".to_owned())]]);
}

#[test]
fn point_statements_by_primary_key_do_not_scan_the_table() {
    let kv = MemKv::new();
    let mut c = Conn::new(&kv);
    c.exec("CREATE DATABASE shop; USE shop; CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), n INT)");
    let values: Vec<String> = (1..=200).map(|i| format!("({i}, 'n{i}', 0)")).collect();
    c.exec(&format!("INSERT INTO t VALUES {}", values.join(", ")));
    rows_scanned(&kv);

    assert_eq!(c.q("SELECT name FROM t WHERE id = 150"), rows(&[&["n150"]]));
    assert_eq!(
        c.q("SELECT name FROM t WHERE id = 150 AND n = 0"),
        rows(&[&["n150"]])
    );
    assert_eq!(
        c.q("SELECT name FROM shop.t WHERE t.id = 7"),
        rows(&[&["n7"]])
    );
    assert_eq!(
        c.ok("UPDATE t SET n = n + 1 WHERE id = 150").affected_rows,
        1
    );
    assert_eq!(
        c.ok("UPDATE t SET n = 5 WHERE id = 150 AND n = 1")
            .affected_rows,
        1
    );
    assert_eq!(c.ok("UPDATE t SET n = 5 WHERE id = 999").matched_rows, 0);
    assert_eq!(c.ok("DELETE FROM t WHERE id = 149").affected_rows, 1);
    assert_eq!(
        c.ok("INSERT INTO t VALUES (1000, 'new', 0)").affected_rows,
        1
    );
    assert_eq!(c.err("INSERT INTO t VALUES (1000, 'dup', 0)").code, 1062);
    assert_eq!(rows_scanned(&kv), Vec::<String>::new());

    // The pin is only a shortcut: every other condition still applies.
    assert_eq!(
        c.ok("UPDATE t SET n = 9 WHERE id = 150 AND n = 0")
            .matched_rows,
        0
    );
    assert_eq!(c.q("SELECT n FROM t WHERE id = 150"), rows(&[&["5"]]));
    assert_eq!(
        c.ok("DELETE FROM t WHERE id = 150 AND name = 'other'")
            .affected_rows,
        0
    );
    assert_eq!(rows_scanned(&kv), Vec::<String>::new());

    // Anything else reads the table.
    assert_eq!(c.q("SELECT COUNT(*) FROM t WHERE n = 0"), rows(&[&["199"]]));
    assert_eq!(rows_scanned(&kv), vec!["db/shop/rows/t/".to_owned()]);
    assert_eq!(c.ok("UPDATE t SET n = 1 WHERE id > 195").affected_rows, 6);
    assert_eq!(rows_scanned(&kv).len(), 1);
}

#[test]
fn inside_a_transaction_point_reads_see_own_writes() {
    let kv = MemKv::new();
    let mut c = Conn::new(&kv);
    c.exec("CREATE DATABASE shop; USE shop; CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    c.exec("BEGIN; INSERT INTO t VALUES (1, 1); UPDATE t SET v = 2 WHERE id = 1");
    assert_eq!(c.q("SELECT v FROM t WHERE id = 1"), rows(&[&["2"]]));
    c.ok("DELETE FROM t WHERE id = 1");
    assert!(c.q("SELECT v FROM t WHERE id = 1").is_empty());
    c.ok("COMMIT");
    assert!(kv
        .snapshot()
        .keys()
        .all(|k| !k.starts_with(b"db/shop/rows/")));
}
