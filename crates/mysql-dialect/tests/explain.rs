//! EXPLAIN as MySQL answers it: twelve columns, the access type and key of the plan SQLite
//! really runs, UPDATE/DELETE/INSERT explained, FORMAT=JSON and FORMAT=TREE, EXPLAIN ANALYZE.

mod common;

use common::*;
use mysql_dialect::Outcome;

fn shop(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE shop; USE shop; \
         CREATE TABLE item (id INT PRIMARY KEY, sku VARCHAR(10) NOT NULL, kind INT, \
         price DECIMAL(8,2), UNIQUE KEY sku (sku), KEY kind (kind)); \
         CREATE TABLE line (o INT, n INT, item INT NOT NULL, PRIMARY KEY (o, n)); \
         INSERT INTO item VALUES (1, 'a', 1, 1.00), (2, 'b', 1, 2.00), (3, 'c', 2, 3.00); \
         INSERT INTO line VALUES (1, 1, 1), (1, 2, 2), (2, 1, 3)",
    );
    c
}

/// (type, key, key_len, ref, Extra) of each EXPLAIN row, NULL as "NULL".
fn access(c: &mut Conn, sql: &str) -> Vec<[String; 5]> {
    c.q(sql)
        .into_iter()
        .map(|r| {
            [
                r[4].clone(),
                r[6].clone(),
                r[7].clone(),
                r[8].clone(),
                r[11].clone(),
            ]
        })
        .collect()
}

fn strings(v: &[&str; 5]) -> [String; 5] {
    v.map(str::to_owned)
}

#[test]
fn the_traditional_table_has_mysqls_twelve_columns() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    match c.one("EXPLAIN SELECT * FROM item") {
        Outcome::Rows(rs) => assert_eq!(
            rs.names(),
            [
                "id",
                "select_type",
                "table",
                "partitions",
                "type",
                "possible_keys",
                "key",
                "key_len",
                "ref",
                "rows",
                "filtered",
                "Extra"
            ]
        ),
        other => panic!("{other:?}"),
    }
    let row = &c.q("EXPLAIN SELECT * FROM item")[0];
    assert_eq!(
        [&row[0], &row[1], &row[2], &row[4], &row[9]],
        ["1", "SIMPLE", "item", "ALL", "3"]
    );
    let described = c.q("DESCRIBE SELECT * FROM item");
    assert_eq!(described, c.q("EXPLAIN SELECT * FROM item"));
}

#[test]
fn the_access_type_and_key_are_the_plans() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    assert_eq!(
        access(&mut c, "EXPLAIN SELECT * FROM item WHERE id = 2"),
        [strings(&["const", "PRIMARY", "4", "const", "NULL"])]
    );
    assert_eq!(
        access(&mut c, "EXPLAIN SELECT id FROM item WHERE sku = 'b'"),
        [strings(&["const", "sku", "42", "const", "Using index"])]
    );
    assert_eq!(
        access(&mut c, "EXPLAIN SELECT price FROM item WHERE kind = 1")[0][..3],
        strings(&["ref", "kind", "5", "", ""])[..3]
    );
    let range = access(&mut c, "EXPLAIN SELECT * FROM item WHERE id > 1");
    assert_eq!(
        range[0][0..2],
        strings(&["range", "PRIMARY", "", "", ""])[..2]
    );
    // A primary-key prefix of a composite key is a ref on PRIMARY, one part long.
    assert_eq!(
        access(&mut c, "EXPLAIN SELECT * FROM line WHERE o = 1")[0][..3],
        strings(&["ref", "PRIMARY", "4", "", ""])[..3]
    );
    let scan = access(&mut c, "EXPLAIN SELECT * FROM item WHERE price > 1");
    assert_eq!(
        scan,
        [strings(&["ALL", "NULL", "NULL", "NULL", "Using where"])]
    );
    assert_eq!(
        access(&mut c, "EXPLAIN SELECT 1 + 1"),
        [strings(&["NULL", "NULL", "NULL", "NULL", "No tables used"])]
    );
}

#[test]
fn a_join_refers_to_the_other_tables_column() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let rows = c.q("EXPLAIN SELECT l.o, i.sku FROM line l JOIN item i ON i.id = l.item");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let lookup = rows.iter().find(|r| r[2] == "i").expect("a row for i");
    assert_eq!(
        [&lookup[4], &lookup[6], &lookup[8]],
        ["eq_ref", "PRIMARY", "shop.l.item"]
    );
}

#[test]
fn subqueries_unions_and_derived_tables_get_their_own_select_ids() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let union = c.q("EXPLAIN SELECT id FROM item UNION SELECT o FROM line");
    let kinds: Vec<(&str, &str)> = union
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        kinds,
        [("1", "PRIMARY"), ("2", "UNION"), ("NULL", "UNION RESULT")]
    );
    assert_eq!(union[2][2], "<union1,2>");
    let sub =
        c.q("EXPLAIN SELECT sku, (SELECT MAX(n) FROM line WHERE line.item = item.id) FROM item");
    let kinds: Vec<&str> = sub.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(kinds, ["PRIMARY", "DEPENDENT SUBQUERY"]);
    let ordered = c.q("EXPLAIN SELECT * FROM item ORDER BY price");
    assert_eq!(ordered[0][11], "Using filesort");
}

#[test]
fn writes_are_explained_without_running() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let update = c.q("EXPLAIN UPDATE item SET price = 0 WHERE id = 1");
    assert_eq!(
        [&update[0][1], &update[0][2], &update[0][6]],
        ["UPDATE", "item", "PRIMARY"]
    );
    let delete = c.q("EXPLAIN DELETE FROM item WHERE kind = 2");
    assert_eq!(
        [&delete[0][1], &delete[0][4], &delete[0][6]],
        ["DELETE", "ref", "kind"]
    );
    let insert = c.q("EXPLAIN INSERT INTO item VALUES (9, 'z', 1, 1)");
    assert_eq!(
        [&insert[0][1], &insert[0][2], &insert[0][4]],
        ["INSERT", "item", "ALL"]
    );
    assert_eq!(
        c.val("SELECT COUNT(*) FROM item WHERE price = 0 OR id = 9"),
        "0"
    );
    assert_eq!(c.val("SELECT COUNT(*) FROM item"), "3");
}

#[test]
fn json_and_tree_formats_describe_the_same_plan() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let json = c.val("EXPLAIN FORMAT=JSON SELECT * FROM item WHERE id = 2");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["query_block"]["select_id"], 1);
    assert_eq!(v["query_block"]["table"]["access_type"], "const");
    assert_eq!(v["query_block"]["table"]["key"], "PRIMARY");
    let tree = c.val("EXPLAIN FORMAT=TREE SELECT * FROM item WHERE kind = 1");
    assert!(
        tree.starts_with("-> Index lookup on item using kind"),
        "{tree}"
    );
    let analyzed = c.val("EXPLAIN ANALYZE SELECT * FROM item");
    assert!(analyzed.starts_with("-> Table scan on item"), "{analyzed}");
    assert!(analyzed.contains("rows=3 loops=1"), "{analyzed}");
}

#[test]
fn what_cannot_be_explained_gets_mysqls_errors() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    assert_eq!(c.err("EXPLAIN SELECT * FROM nothing").code, 1146);
    assert_eq!(c.err("EXPLAIN SELECT nope FROM item").code, 1054);
}

/// The bench's queries on a table with secondary indexes (scripts/bench-dataplane, (3b)):
/// each runs on an index, the VARCHAR one under the default utf8mb4_0900_ai_ci collation.
#[test]
fn range_and_indexed_queries_run_on_their_index() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec(
        "CREATE DATABASE b; USE b; \
         CREATE TABLE tq (id INT PRIMARY KEY AUTO_INCREMENT, k INT NOT NULL, name VARCHAR(40), \
         balance DECIMAL(10,2), KEY k (k), KEY name (name)); \
         INSERT INTO tq (k, name, balance) VALUES (1, 'name-1', 1.00), (2, 'name-2', 2.00)",
    );
    let plan = |c: &mut Conn, sql: &str| {
        let rows = access(c, sql);
        (rows[0][0].clone(), rows[0][1].clone(), rows[0][4].clone())
    };
    for (sql, ty, key) in [
        (
            "EXPLAIN SELECT id, name, balance FROM tq WHERE id BETWEEN 5 AND 104",
            "range",
            "PRIMARY",
        ),
        ("EXPLAIN SELECT id, name FROM tq WHERE k = 7", "ref", "k"),
        (
            "EXPLAIN SELECT id, k FROM tq WHERE name = 'name-0000042'",
            "ref",
            "name",
        ),
        (
            "EXPLAIN SELECT id, k FROM tq WHERE k BETWEEN 10 AND 109 ORDER BY k LIMIT 10",
            "range",
            "k",
        ),
    ] {
        let (got_ty, got_key, extra) = plan(&mut c, sql);
        assert_eq!(
            (got_ty.as_str(), got_key.as_str()),
            (ty, key),
            "{sql}: {extra}"
        );
        assert!(!extra.contains("filesort"), "{sql}: {extra}");
    }
    // The rowid table read backwards: no sort (SQLite's plan names no index for it).
    let (_, _, extra) = plan(
        &mut c,
        "EXPLAIN SELECT id, name FROM tq ORDER BY id DESC LIMIT 10",
    );
    assert!(!extra.contains("filesort"), "{extra}");
}

#[test]
fn strings_compared_with_numbers_compare_as_doubles_and_keep_same_type_indexes() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec("CREATE TABLE tag (id INT PRIMARY KEY, label VARCHAR(10), KEY label (label))");
    c.exec("INSERT INTO tag VALUES (1, 'abc'), (2, '2'), (3, '3.0x'), (4, '10')");
    // A VARCHAR against a number: as doubles, 'abc' is 0 with warning 1292.
    assert_eq!(c.q("SELECT id FROM tag WHERE label = 0"), rows(&[&["1"]]));
    let mut warnings = c.q("SHOW WARNINGS");
    warnings.sort();
    assert_eq!(
        warnings,
        rows(&[
            &[
                "Warning",
                "1292",
                "Truncated incorrect DOUBLE value: '3.0x'"
            ],
            &["Warning", "1292", "Truncated incorrect DOUBLE value: 'abc'"]
        ])
    );
    assert_eq!(
        c.q("SELECT id FROM tag WHERE label < 5 ORDER BY id"),
        rows(&[&["1"], &["2"], &["3"]])
    );
    assert_eq!(
        c.q("SELECT id FROM tag WHERE label IN (3, 10) ORDER BY id"),
        rows(&[&["3"], &["4"]])
    );
    // An INT against a string: '3abc' is 3, with the warning.
    assert_eq!(
        c.q("SELECT sku FROM item WHERE id = '3abc'"),
        rows(&[&["c"]])
    );
    assert_eq!(
        c.q("SHOW WARNINGS"),
        rows(&[&[
            "Warning",
            "1292",
            "Truncated incorrect DOUBLE value: '3abc'"
        ]])
    );
    assert_eq!(
        c.q("SELECT sku FROM item WHERE id IN ('1x', 2) ORDER BY sku"),
        rows(&[&["a"], &["b"]])
    );
    // A join of a VARCHAR with an INT.
    assert_eq!(
        c.q("SELECT i.sku, t.id FROM item i JOIN tag t ON t.label = i.id ORDER BY i.sku"),
        rows(&[&["b", "2"], &["c", "3"]])
    );
    assert_eq!(
        c.q("SELECT sku FROM item WHERE kind + 0 = '2'"),
        rows(&[&["c"]])
    );
    // UPDATE and DELETE compare alike; in strict mode the truncation fails them, as in
    // MySQL, and UPDATE IGNORE warns.
    assert_eq!(
        c.err("UPDATE item SET kind = 9 WHERE id = '3abc'").code,
        1292
    );
    assert_eq!(c.err("DELETE FROM tag WHERE label = 0").code, 1292);
    assert_eq!(c.val("SELECT COUNT(*) FROM tag"), "4");
    let ok = c.ok("UPDATE IGNORE item SET kind = 9 WHERE id = '3abc'");
    assert_eq!((ok.affected_rows, ok.warnings), (1, 1));
    c.ok("SET sql_mode = ''");
    assert_eq!(c.ok("DELETE FROM tag WHERE label = 0").affected_rows, 1);
    assert_eq!(
        c.ok("UPDATE tag SET id = id WHERE label IN (2, 10)")
            .affected_rows,
        0
    );
    assert_eq!(c.val("SELECT COUNT(*) FROM tag"), "3");
    // Same types keep their index; an INT against a plain numeric string too.
    assert_eq!(
        access(&mut c, "EXPLAIN SELECT id FROM tag WHERE label = 'abc'")[0][..2],
        strings(&["ref", "label", "", "", ""])[..2]
    );
    assert_eq!(
        access(&mut c, "EXPLAIN SELECT * FROM item WHERE id = '2'")[0][..2],
        strings(&["const", "PRIMARY", "", "", ""])[..2]
    );
    assert_eq!(
        access(&mut c, "EXPLAIN SELECT * FROM item WHERE id = '2x'")[0][..2],
        strings(&["const", "PRIMARY", "", "", ""])[..2]
    );
}
