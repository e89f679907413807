//! Prepared statements executed with bound parameters (`Session::execute`) answer as the same
//! statement with the values written in as literals does, whether the template was compiled
//! once (a SELECT comparing columns with placeholders) or runs as text; compiled templates
//! follow ALTER TABLE, DROP TABLE, USE, SET and a backtrack.

mod common;

use common::{Cluster, Conn};
use mysql_dialect::{Outcome, Parameter};
use rusqlite::types::Value;

fn int(n: i64) -> Parameter {
    Parameter {
        literal: n.to_string(),
        value: Some(Value::Integer(n)),
    }
}

fn text(s: &str) -> Parameter {
    Parameter {
        literal: format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        value: Some(Value::Text(s.to_owned())),
    }
}

fn null() -> Parameter {
    Parameter {
        literal: "NULL".into(),
        value: None,
    }
}

fn placeholders(template: &str) -> Vec<usize> {
    template.match_indices('?').map(|(i, _)| i).collect()
}

fn interpolated(template: &str, params: &[Parameter]) -> String {
    let mut out = String::new();
    let mut from = 0;
    for (at, p) in placeholders(template).into_iter().zip(params) {
        out.push_str(&template[from..at]);
        out.push_str(&p.literal);
        from = at + 1;
    }
    out.push_str(&template[from..]);
    out
}

/// Executes `template` with `params`, one statement's outcome.
fn execute(c: &mut Conn, template: &str, params: &[Parameter]) -> Outcome {
    let mut out = c.s.execute(template, &placeholders(template), params);
    assert_eq!(out.len(), 1, "{template}: {out:?}");
    out.remove(0)
}

/// Rows as strings ("NULL" for NULL), or the error's code.
fn answer(o: Outcome) -> Result<(Vec<String>, Vec<Vec<String>>), u16> {
    match o {
        Outcome::Rows(rs) => Ok((
            rs.columns.iter().map(|c| c.name.clone()).collect(),
            rs.rows
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|v| v.map_or("NULL".into(), |b| String::from_utf8_lossy(&b).into()))
                        .collect()
                })
                .collect(),
        )),
        Outcome::Error(e) => Err(e.code),
        other => panic!("{other:?}"),
    }
}

/// The execute's answer, checked against the text with the literals written in (and the
/// warnings each leaves behind).
fn same_as_text(
    c: &mut Conn,
    template: &str,
    params: &[Parameter],
) -> Result<Vec<Vec<String>>, u16> {
    let bound = answer(execute(c, template, params));
    let bound_warnings = c.q("SHOW WARNINGS");
    let sql = interpolated(template, params);
    let literal = answer(c.one(&sql));
    let literal_warnings = c.q("SHOW WARNINGS");
    assert_eq!(bound, literal, "{sql}");
    assert_eq!(bound_warnings, literal_warnings, "{sql}");
    bound.map(|(_, rows)| rows)
}

fn ids(r: &[&str]) -> Result<Vec<Vec<String>>, u16> {
    Ok(r.iter().map(|s| vec![(*s).to_owned()]).collect())
}

fn fruit(c: &mut Conn) {
    c.exec(
        "CREATE DATABASE d; USE d;
         CREATE TABLE t (id INT PRIMARY KEY, c VARCHAR(20), n INT, b VARBINARY(10), KEY (n));
         INSERT INTO t VALUES (1, 'apple', 10, 'apple'), (2, 'Banana', 20, 'x'),
                              (3, 'cherry', 30, NULL), (4, 'äpfel', NULL, 'y')",
    );
}

#[test]
fn one_template_with_values_of_every_type_answers_as_mysql() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    fruit(&mut c);
    let by_c = "SELECT id FROM t WHERE c = ? ORDER BY id";
    // Strings compare under the column's collation (utf8mb4_0900_ai_ci).
    assert_eq!(same_as_text(&mut c, by_c, &[text("APPLE")]), ids(&["1"]));
    assert_eq!(same_as_text(&mut c, by_c, &[text("banana")]), ids(&["2"]));
    assert_eq!(same_as_text(&mut c, by_c, &[text("apfel")]), ids(&["4"]));
    // A number against a string column: as the text does.
    same_as_text(&mut c, by_c, &[int(0)]).unwrap();
    assert_eq!(same_as_text(&mut c, by_c, &[int(1)]), ids(&[]));
    assert_eq!(same_as_text(&mut c, by_c, &[null()]), ids(&[]));
    assert_eq!(same_as_text(&mut c, by_c, &[text("")]), ids(&[]));
    // utf8mb4_0900_ai_ci does not pad: a trailing space counts.
    assert_eq!(same_as_text(&mut c, by_c, &[text("apple ")]), ids(&[]));
    let by_id = "SELECT c FROM t WHERE id = ?";
    assert_eq!(same_as_text(&mut c, by_id, &[int(2)]), ids(&["Banana"]));
    assert_eq!(same_as_text(&mut c, by_id, &[int(-2)]), ids(&[]));
    assert_eq!(same_as_text(&mut c, by_id, &[text("2")]), ids(&["Banana"]));
    same_as_text(&mut c, by_id, &[text("3abc")]).unwrap();
    // A word against an INT column is 0 as a number.
    assert_eq!(same_as_text(&mut c, by_id, &[text("abc")]), ids(&[]));
    assert_eq!(same_as_text(&mut c, by_id, &[int(i64::MAX)]), ids(&[]));
    // Binary strings compare byte by byte.
    let by_b = "SELECT id FROM t WHERE b = ?";
    assert_eq!(same_as_text(&mut c, by_b, &[text("apple")]), ids(&["1"]));
    assert_eq!(same_as_text(&mut c, by_b, &[text("APPLE")]), ids(&[]));
    // The sysbench forms: ranges, sums, ORDER BY, DISTINCT, IN.
    let range = "SELECT c FROM t WHERE id BETWEEN ? AND ? ORDER BY c";
    assert_eq!(
        same_as_text(&mut c, range, &[int(1), int(3)]),
        ids(&["apple", "Banana", "cherry"])
    );
    assert_eq!(same_as_text(&mut c, range, &[int(3), int(1)]), ids(&[]));
    let sum = "SELECT SUM(n) FROM t WHERE id BETWEEN ? AND ?";
    assert_eq!(same_as_text(&mut c, sum, &[int(1), int(2)]), ids(&["30"]));
    assert_eq!(same_as_text(&mut c, sum, &[int(5), int(9)]), ids(&["NULL"]));
    let distinct = "SELECT DISTINCT n > ? FROM t WHERE id IN (?, ?, ?) ORDER BY 1";
    assert_eq!(
        same_as_text(&mut c, distinct, &[int(15), int(1), int(2), int(4)]),
        Ok(vec![
            vec!["NULL".to_owned()],
            vec!["0".into()],
            vec!["1".into()]
        ])
    );
    let both = "SELECT id FROM t WHERE n >= ? AND c <> ? ORDER BY id";
    assert_eq!(
        same_as_text(&mut c, both, &[int(10), text("Banana")]),
        ids(&["1", "3"])
    );
    assert_eq!(same_as_text(&mut c, both, &[text("x"), int(0)]), ids(&[]));
}

#[test]
fn templates_whose_translation_reads_their_values_still_answer_right() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    fruit(&mut c);
    c.exec("SET @x = 2");
    for (template, params) in [
        // A value as a result column: its type comes from the literal.
        ("SELECT ? AS v", vec![int(5)]),
        ("SELECT ? AS v", vec![text("abc")]),
        (
            "SELECT ?, id FROM t WHERE id = ?",
            vec![text("word"), int(1)],
        ),
        // LIMIT, LIKE, arithmetic, functions, variables, subqueries.
        ("SELECT id FROM t ORDER BY id LIMIT ?", vec![int(2)]),
        (
            "SELECT id FROM t WHERE c LIKE ? ORDER BY id",
            vec![text("b%")],
        ),
        ("SELECT id FROM t WHERE n = ? + 10", vec![int(10)]),
        (
            "SELECT id FROM t WHERE c = CONCAT(?, 'pple')",
            vec![text("a")],
        ),
        ("SELECT id FROM t WHERE id = @x + ?", vec![int(1)]),
        (
            "SELECT id FROM t WHERE id = (SELECT MAX(id) FROM t WHERE n < ?)",
            vec![int(25)],
        ),
        (
            "SELECT id FROM t WHERE c = ? FOR UPDATE",
            vec![text("apple")],
        ),
        (
            "SELECT SQL_CALC_FOUND_ROWS id FROM t WHERE id > ? LIMIT 1",
            vec![int(1)],
        ),
        // A string holding a NUL, and one that reads as a date.
        ("SELECT id FROM t WHERE c = ?", vec![text("app\0le")]),
        ("SELECT id FROM t WHERE c = ?", vec![text("2024-01-01")]),
        // information_schema.
        (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
            vec![text("d")],
        ),
    ] {
        let first = same_as_text(&mut c, template, &params);
        let again = same_as_text(&mut c, template, &params);
        assert_eq!(first, again, "{template}");
    }
    assert_eq!(
        same_as_text(&mut c, "SELECT id FROM t WHERE id = @x + ?", &[int(1)]),
        ids(&["3"])
    );
    c.exec("SET @x = 0");
    assert_eq!(
        same_as_text(&mut c, "SELECT id FROM t WHERE id = @x + ?", &[int(1)]),
        ids(&["1"])
    );
    // An unknown table or column is MySQL's error, each time.
    for _ in 0..2 {
        assert_eq!(
            answer(execute(
                &mut c,
                "SELECT id FROM nope WHERE id = ?",
                &[int(1)]
            )),
            Err(1146)
        );
        assert_eq!(
            answer(execute(
                &mut c,
                "SELECT nope FROM t WHERE id = ?",
                &[int(1)]
            )),
            Err(1054)
        );
    }
}

#[test]
fn compiled_templates_follow_alter_drop_use_and_set() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    fruit(&mut c);
    let all = "SELECT * FROM t WHERE id = ?";
    let (columns, _) = answer(execute(&mut c, all, &[int(1)])).unwrap();
    assert_eq!(columns, ["id", "c", "n", "b"]);
    c.exec("ALTER TABLE t ADD COLUMN e INT NOT NULL DEFAULT 7");
    let (columns, rows) = answer(execute(&mut c, all, &[int(1)])).unwrap();
    assert_eq!(columns, ["id", "c", "n", "b", "e"]);
    assert_eq!(rows, [["1", "apple", "10", "apple", "7"]]);
    // Another session's ALTER is seen too.
    let mut other = Conn::new(&cluster);
    other.exec("USE d; ALTER TABLE t DROP COLUMN b");
    let (columns, _) = answer(execute(&mut c, all, &[int(1)])).unwrap();
    assert_eq!(columns, ["id", "c", "n", "e"]);
    other.exec("DROP TABLE t");
    assert_eq!(answer(execute(&mut c, all, &[int(1)])), Err(1146));
    other.exec("CREATE TABLE t (id INT PRIMARY KEY, z TEXT); INSERT INTO t VALUES (1, 'new')");
    assert_eq!(
        answer(execute(&mut c, all, &[int(1)])),
        Ok((
            vec!["id".into(), "z".into()],
            vec![vec!["1".into(), "new".into()]]
        ))
    );
    // The current database names the table.
    c.exec("CREATE DATABASE d2; CREATE TABLE d2.t (id INT PRIMARY KEY, z TEXT); INSERT INTO d2.t VALUES (1, 'two')");
    let z = "SELECT z FROM t WHERE id = ?";
    assert_eq!(
        answer(execute(&mut c, z, &[int(1)])).map(|a| a.1),
        ids(&["new"])
    );
    c.exec("USE d2");
    assert_eq!(
        answer(execute(&mut c, z, &[int(1)])).map(|a| a.1),
        ids(&["two"])
    );
    // sql_mode decides whether a grouped query is refused.
    let grouped = "SELECT id, z FROM t WHERE id >= ? GROUP BY z";
    c.exec("SET sql_mode = 'ONLY_FULL_GROUP_BY'");
    assert_eq!(
        answer(execute(&mut c, grouped, &[int(1)])).map(|a| a.1),
        Err(1055)
    );
    c.exec("SET sql_mode = ''");
    assert_eq!(
        answer(execute(&mut c, grouped, &[int(1)])).map(|a| a.1),
        Ok(vec![vec!["1".into(), "two".into()]])
    );
}

#[test]
fn a_backtrack_under_a_compiled_template_is_seen() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    fruit(&mut c);
    let before = cluster.store.contents();
    let by_id = "SELECT * FROM t WHERE id = ?";
    let (columns, _) = answer(execute(&mut c, by_id, &[int(2)])).unwrap();
    assert_eq!(columns, ["id", "c", "n", "b"]);
    c.exec("ALTER TABLE t DROP COLUMN c; UPDATE t SET n = 99 WHERE id = 2");
    assert_eq!(
        answer(execute(&mut c, by_id, &[int(2)])).map(|a| a.1),
        Ok(vec![vec!["2".into(), "99".into(), "x".into()]])
    );
    cluster.store.restore(before);
    // A session opened after the backtrack, and the one that was open, see the old table.
    let mut fresh = Conn::new(&cluster);
    fresh.exec("USE d");
    let expected = answer(fresh.one("SELECT * FROM t WHERE id = 2"));
    assert_eq!(
        expected.clone().map(|a| a.1),
        Ok(vec![vec![
            "2".into(),
            "Banana".into(),
            "20".into(),
            "x".into()
        ]])
    );
    assert_eq!(answer(execute(&mut fresh, by_id, &[int(2)])), expected);
    let seen = answer(execute(&mut c, by_id, &[int(2)]));
    assert!(seen == expected || seen.is_err(), "{seen:?}");
}

/// An INSERT of literals runs a cached SQLite statement; the next one after an ALTER TABLE
/// checks its values against the new column types.
#[test]
fn a_repeated_insert_follows_alter_table() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec("CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, c VARCHAR(10))");
    c.exec("INSERT INTO t (id, c) VALUES (1, 'abc')");
    assert_eq!(
        c.err("INSERT INTO t (id, c) VALUES (2, 'abcdefghijkl')")
            .code,
        1406
    );
    c.exec("ALTER TABLE t MODIFY c VARCHAR(20)");
    c.exec("INSERT INTO t (id, c) VALUES (2, 'abcdefghijkl')");
    c.exec("ALTER TABLE t MODIFY c VARCHAR(12), ADD COLUMN n INT NOT NULL DEFAULT 5");
    assert_eq!(
        c.err("INSERT INTO t (id, c) VALUES (3, 'abcdefghijklm')")
            .code,
        1406
    );
    c.exec("INSERT INTO t (id, c) VALUES (3, 'abc')");
    assert_eq!(
        c.q("SELECT id, c, n FROM t ORDER BY id"),
        common::rows(&[
            &["1", "abc", "5"],
            &["2", "abcdefghijkl", "5"],
            &["3", "abc", "5"]
        ])
    );
}
