//! Views: definitions with column lists, ALTER VIEW, `*` fixed when the view is made, errors for
//! missing tables and columns, writes through single-table views and WITH CHECK OPTION.

mod common;

use common::*;
use mysql_dialect::Outcome;

fn staff(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE hr; USE hr; \
         CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, dept VARCHAR(10), \
         salary INT NOT NULL); \
         INSERT INTO emp VALUES (1, 'ann', 'eng', 100), (2, 'bob', 'eng', 80), \
         (3, 'cy', 'ops', 70), (4, 'di', NULL, 60)",
    );
    c
}

fn columns(c: &mut Conn, sql: &str) -> Vec<String> {
    match c.one(sql) {
        Outcome::Rows(rs) => rs.columns.into_iter().map(|c| c.name).collect(),
        other => panic!("{sql}: {other:?}"),
    }
}

#[test]
fn a_column_list_names_the_view_columns() {
    let cluster = Cluster::new();
    let mut c = staff(&cluster);
    c.ok("CREATE VIEW v_dept (dept, n, total) AS SELECT dept, COUNT(*), SUM(salary) FROM emp GROUP BY dept");
    assert_eq!(
        columns(&mut c, "SELECT * FROM v_dept"),
        ["dept", "n", "total"]
    );
    assert_eq!(
        c.q("SELECT dept FROM v_dept WHERE total > 100"),
        rows(&[&["eng"]])
    );
    c.ok(
        "CREATE VIEW v_join AS SELECT e.name, d.total FROM emp e JOIN v_dept d ON d.dept = e.dept",
    );
    assert_eq!(
        c.q("SELECT * FROM v_join ORDER BY name"),
        rows(&[&["ann", "180"], &["bob", "180"], &["cy", "70"]])
    );
    assert_eq!(
        c.err("CREATE VIEW v2 (a) AS SELECT id, name FROM emp").code,
        1353
    );
    assert_eq!(c.err("CREATE VIEW v3 AS SELECT id, id FROM emp").code, 1060);
    // The columns are in the catalog: DESCRIBE and information_schema list them.
    assert_eq!(
        c.q("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_NAME = 'v_dept' ORDER BY ORDINAL_POSITION"),
        rows(&[&["dept"], &["n"], &["total"]])
    );
}

#[test]
fn alter_view_replaces_the_definition() {
    let cluster = Cluster::new();
    let mut c = staff(&cluster);
    c.ok("CREATE VIEW v AS SELECT id, name, salary FROM emp WHERE dept = 'eng'");
    assert_eq!(c.err("CREATE VIEW v AS SELECT 1").code, 1050);
    c.ok("ALTER VIEW v AS SELECT id, name FROM emp WHERE dept = 'eng'");
    assert_eq!(columns(&mut c, "SELECT * FROM v"), ["id", "name"]);
    assert_eq!(c.err("ALTER VIEW nope AS SELECT 1").code, 1146);
    assert_eq!(c.err("ALTER VIEW emp AS SELECT 1").code, 1347);
    assert_eq!(c.err("CREATE OR REPLACE VIEW emp AS SELECT 1").code, 1347);
    assert_eq!(c.err("DROP VIEW emp").code, 1347);
}

#[test]
fn a_view_must_name_existing_tables_and_columns() {
    let cluster = Cluster::new();
    let mut c = staff(&cluster);
    assert_eq!(
        c.err("CREATE VIEW v_bad AS SELECT nope FROM emp").code,
        1054
    );
    assert_eq!(
        c.err("CREATE VIEW v_missing AS SELECT * FROM nope").code,
        1146
    );
    assert_eq!(
        c.q("SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'hr'"),
        rows(&[&["0"]])
    );
}

#[test]
fn star_is_the_columns_the_table_had_and_a_dropped_table_breaks_the_view() {
    let cluster = Cluster::new();
    let mut c = staff(&cluster);
    c.ok("CREATE VIEW v_star AS SELECT * FROM emp");
    c.ok("ALTER TABLE emp ADD COLUMN extra INT");
    // A change that copies the table keeps the view reading it.
    c.ok("ALTER TABLE emp MODIFY extra BIGINT");
    assert_eq!(c.val("SELECT name FROM v_star WHERE id = 3"), "cy");
    assert_eq!(
        columns(&mut c, "SELECT * FROM v_star WHERE id = 1"),
        ["id", "name", "dept", "salary"]
    );
    c.ok("DROP TABLE emp");
    let e = c.err("SELECT * FROM v_star");
    assert_eq!(e.code, 1356, "{e}");
    // A broken view does not stop other tables' changes.
    c.ok("CREATE TABLE other (a INT, b INT)");
    c.ok("ALTER TABLE other MODIFY a BIGINT NOT NULL");
    c.ok("ALTER TABLE other DROP COLUMN b");
    c.ok("ALTER TABLE other RENAME COLUMN a TO z");
    c.ok("RENAME TABLE other TO other2");
    assert_eq!(c.q("SELECT COUNT(*) FROM other2"), rows(&[&["0"]]));
    c.ok("CREATE TABLE emp (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, dept VARCHAR(10), salary INT NOT NULL)");
    c.ok("INSERT INTO emp VALUES (1, 'new', 'eng', 1)");
    assert_eq!(
        c.q("SELECT * FROM v_star"),
        rows(&[&["1", "new", "eng", "1"]])
    );
}

#[test]
fn writes_through_a_single_table_view_reach_the_table() {
    let cluster = Cluster::new();
    let mut c = staff(&cluster);
    c.ok("CREATE VIEW v_eng AS SELECT id, name FROM emp WHERE dept = 'eng'");
    assert_eq!(
        c.ok("UPDATE v_eng SET name = 'ANN' WHERE id = 1")
            .affected_rows,
        1
    );
    assert_eq!(c.val("SELECT name FROM emp WHERE id = 1"), "ANN");
    // Only the view's rows: cy is not in eng.
    assert_eq!(
        c.ok("UPDATE v_eng SET name = 'x' WHERE id = 3")
            .affected_rows,
        0
    );
    assert_eq!(
        c.err("INSERT INTO v_eng (id, name) VALUES (5, 'eve')").code,
        1423
    );
    assert_eq!(c.ok("DELETE FROM v_eng WHERE id = 2").affected_rows, 1);
    assert_eq!(c.val("SELECT COUNT(*) FROM emp"), "3");
    c.ok("CREATE VIEW v_all (num, who, pay) AS SELECT id, name, salary FROM emp");
    assert_eq!(
        c.ok("INSERT INTO v_all VALUES (7, 'gus', 5)").affected_rows,
        1
    );
    assert_eq!(
        c.ok("UPDATE v_all SET pay = pay + 1 WHERE who = 'gus'")
            .affected_rows,
        1
    );
    assert_eq!(c.val("SELECT salary FROM emp WHERE id = 7"), "6");

    c.ok("CREATE VIEW v_dept (dept, n) AS SELECT dept, COUNT(*) FROM emp GROUP BY dept");
    assert_eq!(c.err("UPDATE v_dept SET n = 0").code, 1288);
    assert_eq!(c.err("DELETE FROM v_dept").code, 1288);
    c.ok("CREATE VIEW v_expr AS SELECT id, UPPER(name) AS uname FROM emp");
    assert_eq!(
        c.err("INSERT INTO v_expr (id, uname) VALUES (9, 'x')").code,
        1471
    );
    assert_eq!(c.err("UPDATE v_expr SET uname = 'x'").code, 1348);
    assert_eq!(
        c.ok("UPDATE v_expr SET id = 30 WHERE uname = 'CY'")
            .affected_rows,
        1
    );
    assert_eq!(
        c.q("SELECT TABLE_NAME, IS_UPDATABLE FROM information_schema.VIEWS ORDER BY TABLE_NAME"),
        rows(&[
            &["v_all", "YES"],
            &["v_dept", "NO"],
            &["v_eng", "YES"],
            &["v_expr", "YES"]
        ])
    );
}

#[test]
fn check_option_refuses_rows_the_view_would_not_show() {
    let cluster = Cluster::new();
    let mut c = staff(&cluster);
    c.ok("CREATE VIEW v_check AS SELECT id, name, dept, salary FROM emp WHERE salary >= 70 WITH CHECK OPTION");
    assert_eq!(
        c.ok("INSERT INTO v_check VALUES (6, 'fay', 'ops', 75)")
            .affected_rows,
        1
    );
    assert_eq!(
        c.err("INSERT INTO v_check VALUES (7, 'gus', 'ops', 10)")
            .code,
        1369
    );
    assert_eq!(
        c.err("UPDATE v_check SET salary = 5 WHERE id = 6").code,
        1369
    );
    assert_eq!(
        c.q("SELECT id, salary FROM v_check ORDER BY id"),
        rows(&[&["1", "100"], &["2", "80"], &["3", "70"], &["6", "75"]])
    );
    assert_eq!(
        c.q("SELECT CHECK_OPTION FROM information_schema.VIEWS WHERE TABLE_NAME = 'v_check'"),
        rows(&[&["CASCADED"]])
    );
    // A view over a checked view: CASCADED checks both conditions, LOCAL only its own and
    // those of views below that check.
    c.ok("CREATE VIEW v_ops AS SELECT id, name, dept, salary FROM v_check WHERE dept = 'ops'");
    assert_eq!(
        c.err("INSERT INTO v_ops VALUES (8, 'hal', 'ops', 1)").code,
        1369
    );
    assert_eq!(
        c.ok("INSERT INTO v_ops VALUES (8, 'hal', 'eng', 90)")
            .affected_rows,
        1
    );
    c.ok("CREATE VIEW v_low AS SELECT id, name, dept, salary FROM emp WHERE salary < 1000");
    c.ok("CREATE VIEW v_local AS SELECT id, name, dept, salary FROM v_low WHERE dept = 'ops' WITH LOCAL CHECK OPTION");
    assert_eq!(
        c.err("INSERT INTO v_local VALUES (9, 'ike', 'eng', 1)")
            .code,
        1369
    );
    assert_eq!(
        c.ok("INSERT INTO v_local VALUES (9, 'ike', 'ops', 5000)")
            .affected_rows,
        1
    );
    c.ok("CREATE VIEW v_cascade AS SELECT id, name, dept, salary FROM v_low WHERE dept = 'ops' WITH CASCADED CHECK OPTION");
    assert_eq!(
        c.err("INSERT INTO v_cascade VALUES (10, 'jo', 'ops', 5000)")
            .code,
        1369
    );
    // Nothing is left behind: a plain insert of such a row into the table works.
    assert_eq!(
        c.ok("INSERT INTO emp VALUES (11, 'kim', 'ops', 1)")
            .affected_rows,
        1
    );
}
