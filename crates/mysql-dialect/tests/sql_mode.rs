//! INSERT IGNORE, UPDATE IGNORE and a non-strict sql_mode: values that do not fit are stored
//! as MySQL's nearest value with a warning, which SHOW WARNINGS lists.

mod common;

use common::*;

fn db(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE m; USE m;
         CREATE TABLE st (id INT PRIMARY KEY, ti TINYINT, v VARCHAR(5), nn INT NOT NULL DEFAULT 7,
                          i INT, d DECIMAL(5,2), e ENUM('red','green'), dt DATE)",
    );
    c
}

fn warnings(c: &mut Conn) -> Vec<Vec<String>> {
    c.q("SHOW WARNINGS")
}

#[test]
fn insert_ignore_stores_the_nearest_value_with_warnings() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    let ok = c.ok("INSERT IGNORE INTO st (id, ti, v) VALUES (1, 1000, 'toolongvalue')");
    assert_eq!(ok.affected_rows, 1);
    assert_eq!(ok.warnings, 2);
    assert_eq!(
        warnings(&mut c),
        rows(&[
            &[
                "Warning",
                "1264",
                "Out of range value for column 'ti' at row 1"
            ],
            &["Warning", "1265", "Data truncated for column 'v' at row 1"],
        ])
    );
    assert_eq!(c.val("SELECT @@warning_count"), "2");
    assert_eq!(c.q("SELECT ti, v FROM st"), rows(&[&["127", "toolo"]]));
    // The next statement starts its own diagnostics.
    c.q("SELECT 1");
    assert!(warnings(&mut c).is_empty());

    c.ok("INSERT IGNORE INTO st (id, e, i, nn, ti) VALUES (2, 'purple', 'abc', NULL, -300)");
    let mut codes: Vec<String> = warnings(&mut c).into_iter().map(|w| w[1].clone()).collect();
    codes.sort();
    assert_eq!(codes, ["1048", "1264", "1265", "1366"]);
    assert_eq!(
        c.q("SELECT e, e + 0, i, nn, ti FROM st WHERE id = 2"),
        rows(&[&["", "0", "0", "0", "-128"]])
    );
}

#[test]
fn insert_ignore_rows_are_numbered_and_duplicates_skipped() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.ok("INSERT INTO st (id) VALUES (1)");
    let ok = c.ok("INSERT IGNORE INTO st (id, ti) VALUES (1, 1), (2, 5), (3, 999)");
    assert_eq!(ok.affected_rows, 2);
    assert!(warnings(&mut c).contains(&vec![
        "Warning".to_owned(),
        "1264".to_owned(),
        "Out of range value for column 'ti' at row 3".to_owned()
    ]));
    assert_eq!(
        c.q("SELECT id, ti FROM st ORDER BY id"),
        rows(&[&["1", "NULL"], &["2", "5"], &["3", "127"]])
    );
    // Strict mode names the row too.
    let e = c.err("INSERT INTO st (id, ti) VALUES (4, 1), (5, 128)");
    assert_eq!(e.code, 1264);
    assert_eq!(e.message, "Out of range value for column 'ti' at row 2");
    assert_eq!(
        warnings(&mut c),
        rows(&[&[
            "Error",
            "1264",
            "Out of range value for column 'ti' at row 2"
        ]])
    );
}

#[test]
fn update_ignore_clips_and_counts_unchanged_rows() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.ok("INSERT INTO st (id, ti) VALUES (1, 127), (2, 0)");
    let ok = c.ok("UPDATE IGNORE st SET ti = 500 WHERE id = 1");
    assert_eq!(ok.affected_rows, 0);
    let ok = c.ok("UPDATE LOW_PRIORITY IGNORE st SET ti = 500 WHERE id = 2");
    assert_eq!(ok.affected_rows, 1);
    assert_eq!(c.val("SELECT ti FROM st WHERE id = 2"), "127");
    // A new key that is taken leaves the row as it was.
    let ok = c.ok("UPDATE IGNORE st SET id = 1 WHERE id = 2");
    assert_eq!(ok.affected_rows, 0);
    assert_eq!(c.val("SELECT COUNT(*) FROM st"), "2");
    assert_eq!(c.err("UPDATE st SET ti = 500 WHERE id = 2").code, 1264);
}

#[test]
fn non_strict_sql_mode_warns_instead_of_refusing() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.ok("SET SESSION sql_mode = ''");
    c.ok("INSERT INTO st (id, ti, v, e, d, dt) VALUES (1, 1000, 'toolongvalue', 'purple', 12345, 'nope')");
    assert_eq!(warnings(&mut c).len(), 5);
    assert_eq!(
        c.q("SELECT ti, v, e, d, dt FROM st"),
        rows(&[&["127", "toolo", "", "999.99", "0000-00-00"]])
    );
    // A single-row INSERT still refuses NULL for a NOT NULL column; several rows take 0.
    assert_eq!(c.err("INSERT INTO st (id, nn) VALUES (2, NULL)").code, 1048);
    c.ok("INSERT INTO st (id, nn) VALUES (2, NULL), (3, 4)");
    assert_eq!(c.val("SELECT nn FROM st WHERE id = 2"), "0");
    c.ok("UPDATE st SET nn = NULL WHERE id = 3");
    assert_eq!(c.val("SELECT nn FROM st WHERE id = 3"), "0");
    c.ok("SET SESSION sql_mode = 'TRADITIONAL'");
    assert_eq!(c.err("INSERT INTO st (id, ti) VALUES (4, 1000)").code, 1264);
    c.ok("SET SESSION sql_mode = DEFAULT");
    assert_eq!(
        c.err("INSERT INTO st (id, v) VALUES (4, 'toolongvalue')")
            .code,
        1406
    );
}

#[test]
fn decimal_with_trailing_characters_is_truncated_not_incorrect() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    assert_eq!(
        c.err("INSERT INTO st (id, d) VALUES (1, '12.5abc')").code,
        1265
    );
    assert_eq!(c.err("INSERT INTO st (id, d) VALUES (1, 'abc')").code, 1366);
    c.ok("INSERT IGNORE INTO st (id, d) VALUES (1, '12.5abc')");
    assert_eq!(c.val("SELECT d FROM st"), "12.50");
}
