//! Query forms MySQL 8.0 has and SQLite lacks or reads differently: subquery checks (1242,
//! 1241, 1235), ANY / ALL, parenthesised UNION branches, STRAIGHT_JOIN, RIGHT JOIN USING,
//! LOCK IN SHARE MODE, multiple-table DELETE, and MySQL's errors for misused aggregates and
//! window functions.

mod common;

use common::*;

fn db(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE f; USE f;
         CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(10), city VARCHAR(10), age INT);
         INSERT INTO p VALUES (1, 'Ann', 'Oslo', 30), (2, 'Bob', 'Oslo', 40),
                              (3, 'Cid', 'Rome', 50), (4, 'Dan', 'Rome', 20);
         CREATE TABLE a (id INT, v VARCHAR(5));
         CREATE TABLE b (id INT, w VARCHAR(5));
         INSERT INTO a VALUES (1, 'a1'), (2, 'a2'), (3, 'a3');
         INSERT INTO b VALUES (2, 'b2'), (3, 'b3'), (3, 'b3x'), (4, 'b4')",
    );
    c
}

fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|v| (*v).to_owned()).collect())
        .collect()
}

#[test]
fn a_scalar_subquery_returning_several_rows_is_1242() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    let e = c.err("SELECT name FROM p WHERE id = (SELECT id FROM p WHERE city = 'Oslo')");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1242, "Subquery returns more than 1 row")
    );
    assert_eq!(c.err("SELECT (SELECT id FROM p) + 1").code, 1242);
    // One row, no row, an aggregate, LIMIT 1 and a correlated subquery are fine.
    assert_eq!(
        c.q("SELECT name FROM p WHERE id = (SELECT id FROM p WHERE name = 'Bob')"),
        strings(&[&["Bob"]])
    );
    assert_eq!(
        c.val("SELECT (SELECT id FROM p WHERE name = 'Zed')"),
        "NULL"
    );
    assert_eq!(c.val("SELECT (SELECT MAX(id) FROM p)"), "4");
    assert_eq!(
        c.val("SELECT (SELECT id FROM p ORDER BY id DESC LIMIT 1)"),
        "4"
    );
    assert_eq!(
        c.q(
            "SELECT name, (SELECT COUNT(*) FROM p q WHERE q.city = p.city AND q.age < p.age) \
             FROM p ORDER BY id"
        ),
        strings(&[&["Ann", "0"], &["Bob", "1"], &["Cid", "1"], &["Dan", "0"]])
    );
    assert_eq!(
        c.q("SELECT name FROM p WHERE age = (SELECT q.age FROM p q WHERE q.id = p.id + 1)"),
        Vec::<Vec<String>>::new()
    );
    // The value keeps its column's type: '30' compares as a number.
    assert_eq!(c.val("SELECT '30' = (SELECT age FROM p WHERE id = 1)"), "1");
    // Only the rows that run the subquery count: here a single one does.
    assert_eq!(
        c.q("SELECT name FROM p WHERE id = 3 AND age > (SELECT age FROM p q WHERE q.city = p.city AND q.id <> p.id)"),
        strings(&[&["Cid"]])
    );
}

#[test]
fn in_subquery_errors_are_mysqls() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    let e = c.err("SELECT id FROM p WHERE id IN (SELECT id FROM p ORDER BY id LIMIT 2)");
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            1235,
            "This version of MySQL doesn't yet support 'LIMIT & IN/ALL/ANY/SOME subquery'"
        )
    );
    assert_eq!(
        c.err("SELECT id FROM p WHERE id > ALL (SELECT id FROM p LIMIT 1)")
            .code,
        1235
    );
    // The usual workaround, a derived table, runs.
    assert_eq!(
        c.q("SELECT id FROM p WHERE id IN (SELECT id FROM (SELECT id FROM p ORDER BY id LIMIT 2) AS t) ORDER BY id"),
        strings(&[&["1"], &["2"]])
    );
    let e = c.err("SELECT id FROM p WHERE id IN (SELECT id, name FROM p)");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1241, "Operand should contain 1 column(s)")
    );
}

#[test]
fn any_and_all_compare_with_every_row() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    assert_eq!(
        c.q("SELECT name FROM p WHERE age > ALL (SELECT age FROM p WHERE city = 'Oslo') ORDER BY id"),
        strings(&[&["Cid"]])
    );
    assert_eq!(
        c.q("SELECT name FROM p WHERE age < ANY (SELECT age FROM p WHERE city = 'Oslo') ORDER BY id"),
        strings(&[&["Ann"], &["Dan"]])
    );
    assert_eq!(
        c.q("SELECT name FROM p WHERE age <= SOME (SELECT age FROM p WHERE city = 'Rome') ORDER BY id"),
        strings(&[&["Ann"], &["Bob"], &["Cid"], &["Dan"]])
    );
    // No rows: ALL is true, ANY false; a NULL among the rows makes a not-false ALL NULL.
    assert_eq!(
        c.val("SELECT 1 > ALL (SELECT age FROM p WHERE id > 9)"),
        "1"
    );
    assert_eq!(
        c.val("SELECT 1 > ANY (SELECT age FROM p WHERE id > 9)"),
        "0"
    );
    c.exec("INSERT INTO p VALUES (5, 'Eve', 'Kiev', NULL)");
    assert_eq!(c.val("SELECT 99 > ALL (SELECT age FROM p)"), "NULL");
    assert_eq!(c.val("SELECT 10 > ALL (SELECT age FROM p)"), "0");
    assert_eq!(c.val("SELECT 99 > ANY (SELECT age FROM p)"), "1");
    assert_eq!(c.val("SELECT 10 > ANY (SELECT age FROM p)"), "NULL");
    // = ANY is IN and <> ALL is NOT IN, rows and all.
    assert_eq!(
        c.val("SELECT COUNT(*) FROM p WHERE id = ANY (SELECT id FROM p WHERE city = 'Oslo')"),
        "2"
    );
    assert_eq!(
        c.val("SELECT COUNT(*) FROM p WHERE id <> ALL (SELECT id FROM p WHERE city = 'Oslo')"),
        "3"
    );
}

#[test]
fn union_branches_in_parentheses_keep_their_order_and_limit() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    assert_eq!(
        c.q("(SELECT id FROM a ORDER BY id DESC LIMIT 1) UNION ALL (SELECT id FROM b ORDER BY id LIMIT 1)"),
        strings(&[&["3"], &["2"]])
    );
    assert_eq!(
        c.q("(SELECT id FROM a) UNION (SELECT id FROM b) ORDER BY id"),
        strings(&[&["1"], &["2"], &["3"], &["4"]])
    );
    let e = c.err("SELECT id FROM a UNION SELECT id, v FROM a");
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            1222,
            "The used SELECT statements have a different number of columns"
        )
    );
}

#[test]
fn straight_join_right_join_using_and_share_locks() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    assert_eq!(
        c.q("SELECT a.v, b.w FROM a STRAIGHT_JOIN b ON a.id = b.id ORDER BY b.w"),
        strings(&[&["a2", "b2"], &["a3", "b3"], &["a3", "b3x"]])
    );
    match c.one("SELECT * FROM a RIGHT JOIN b USING (id) ORDER BY id, w") {
        mysql_dialect::Outcome::Rows(rs) => {
            let names: Vec<&str> = rs.columns.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["id", "w", "v"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        c.q("SELECT * FROM a RIGHT JOIN b USING (id) ORDER BY id, w"),
        strings(&[
            &["2", "b2", "a2"],
            &["3", "b3", "a3"],
            &["3", "b3x", "a3"],
            &["4", "b4", "NULL"]
        ])
    );
    assert_eq!(
        c.q("SELECT name FROM p WHERE id = 1 LOCK IN SHARE MODE"),
        strings(&[&["Ann"]])
    );
}

#[test]
fn a_multiple_table_delete_chooses_every_tables_rows_first() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    let ok = c.ok("DELETE a, b FROM a JOIN b ON a.id = b.id WHERE a.id = 3");
    assert_eq!(ok.affected_rows, 3);
    assert_eq!(
        c.val("SELECT (SELECT COUNT(*) FROM a) * 10 + (SELECT COUNT(*) FROM b)"),
        "22"
    );
}

#[test]
fn misused_aggregates_and_window_functions_are_mysqls_errors() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    let e = c.err("SELECT name FROM p WHERE SUM(age) > 1");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1111, "Invalid use of group function")
    );
    let e = c.err("SELECT name FROM p WHERE ROW_NUMBER() OVER (ORDER BY id) = 1");
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            3593,
            "You cannot use the window function 'row_number' in this context.'"
        )
    );
}

#[test]
fn group_concat_distinct_with_a_separator() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.exec("INSERT INTO p VALUES (5, 'Ann', 'Oslo', NULL), (6, NULL, 'Oslo', 1)");
    assert_eq!(
        c.q(
            "SELECT city, GROUP_CONCAT(DISTINCT name ORDER BY name DESC SEPARATOR '|') FROM p \
             GROUP BY city ORDER BY city"
        ),
        strings(&[&["Oslo", "Bob|Ann"], &["Rome", "Dan|Cid"]])
    );
    assert_eq!(
        c.val("SELECT GROUP_CONCAT(DISTINCT age ORDER BY age SEPARATOR '-') FROM p WHERE city = 'Oslo'"),
        "1-30-40"
    );
    assert_eq!(
        c.val("SELECT GROUP_CONCAT(DISTINCT name SEPARATOR '-') FROM p WHERE id > 9"),
        "NULL"
    );
}

fn sales(c: &mut Conn) {
    c.exec(
        "CREATE TABLE sales (id INT PRIMARY KEY, region VARCHAR(10), product VARCHAR(10), qty INT);
         INSERT INTO sales VALUES (1, 'east', 'apple', 5), (2, 'east', 'pear', 9),
             (3, 'east', 'apple', 7), (4, 'west', 'plum', 3)",
    );
}

#[test]
fn group_by_with_rollup_adds_super_aggregate_rows() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    sales(&mut c);
    assert_eq!(
        c.q("SELECT region, product, SUM(qty) FROM sales GROUP BY region, product WITH ROLLUP"),
        strings(&[
            &["east", "apple", "12"],
            &["east", "pear", "9"],
            &["east", "NULL", "21"],
            &["west", "plum", "3"],
            &["west", "NULL", "3"],
            &["NULL", "NULL", "24"],
        ])
    );
    assert_eq!(
        c.q(
            "SELECT region, COUNT(*), GROUPING(region) FROM sales GROUP BY region WITH ROLLUP \
             HAVING COUNT(*) > 1 ORDER BY COUNT(*)"
        ),
        strings(&[&["east", "3", "0"], &["NULL", "4", "1"]])
    );
    assert_eq!(
        c.q("SELECT region AS r, SUM(qty) AS total FROM sales GROUP BY 1 WITH ROLLUP ORDER BY total DESC"),
        strings(&[&["NULL", "24"], &["east", "21"], &["west", "3"]])
    );
}

#[test]
fn only_full_group_by_rejects_ungrouped_columns() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    sales(&mut c);
    let e = c.err("SELECT region, product FROM sales GROUP BY region");
    assert_eq!(e.code, 1055);
    assert_eq!(
        e.message,
        "Expression #2 of SELECT list is not in GROUP BY clause and contains nonaggregated \
         column 'f.sales.product' which is not functionally dependent on columns in GROUP BY \
         clause; this is incompatible with sql_mode=only_full_group_by"
    );
    assert_eq!(
        c.err("SELECT qty + 1, COUNT(*) FROM sales GROUP BY region")
            .code,
        1055
    );
    assert_eq!(
        c.err("SELECT region, RANK() OVER (ORDER BY qty) FROM sales GROUP BY region")
            .code,
        1055
    );
    // Grouped expressions, aggregates, a grouped key's columns, columns equal to a constant,
    // a join's equal columns, positions and aliases are fine.
    assert_eq!(
        c.q("SELECT UPPER(region), SUM(qty) FROM sales GROUP BY region ORDER BY 1"),
        strings(&[&["EAST", "21"], &["WEST", "3"]])
    );
    assert_eq!(
        c.q("SELECT id, region FROM sales GROUP BY id ORDER BY id LIMIT 1"),
        strings(&[&["1", "east"]])
    );
    assert_eq!(
        c.q("SELECT region, product, COUNT(*) FROM sales WHERE product = 'apple' GROUP BY region"),
        strings(&[&["east", "apple", "2"]])
    );
    assert_eq!(
        c.q("SELECT r, COUNT(*) FROM (SELECT region AS r, qty FROM sales) AS d GROUP BY r ORDER BY r"),
        strings(&[&["east", "3"], &["west", "1"]])
    );
    assert_eq!(
        c.q("SELECT p.id, p.name, COUNT(*) FROM p JOIN sales s ON s.id = p.id GROUP BY p.id ORDER BY p.id LIMIT 1"),
        strings(&[&["1", "Ann", "1"]])
    );
    assert_eq!(
        c.q("SELECT s.region AS r, RANK() OVER (ORDER BY SUM(qty)) FROM sales s GROUP BY r ORDER BY r"),
        strings(&[&["east", "2"], &["west", "1"]])
    );
    // Without ONLY_FULL_GROUP_BY any row's value will do.
    c.exec("SET sql_mode = 'STRICT_TRANS_TABLES'");
    assert_eq!(
        c.q("SELECT region, COUNT(qty) FROM sales WHERE id < 3 GROUP BY region"),
        strings(&[&["east", "2"]])
    );
    assert_eq!(
        c.q("SELECT region, product FROM sales WHERE id = 4 GROUP BY region"),
        strings(&[&["west", "plum"]])
    );
}

#[test]
fn recursive_ctes_are_bounded_like_mysqls() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    let deep =
        "WITH RECURSIVE deep AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM deep WHERE n < 2000) \
                SELECT COUNT(*) FROM deep";
    let e = c.err(deep);
    assert_eq!(e.code, 3636);
    assert_eq!(
        e.message,
        "Recursive query aborted after 1001 iterations. Try increasing @@cte_max_recursion_depth to a larger value."
    );
    // 1000 levels are allowed; the limit is the session's.
    assert_eq!(
        c.val("WITH RECURSIVE d (n) AS (SELECT 1 UNION ALL SELECT d.n + 1 FROM d WHERE d.n < 1001) SELECT MAX(n) FROM d"),
        "1001"
    );
    c.exec("SET SESSION cte_max_recursion_depth = 5000");
    assert_eq!(c.val(deep), "2000");
    assert_eq!(
        c.q("WITH RECURSIVE t AS (SELECT 1 AS n, 'x' AS s UNION SELECT n + 1, 'y' FROM t WHERE n < 3) \
             SELECT * FROM t ORDER BY n"),
        strings(&[&["1", "x"], &["2", "y"], &["3", "y"]])
    );
    // The anchor types the column: 'abc' is a VARCHAR(3).
    let e = c.err(
        "WITH RECURSIVE cte AS (SELECT 1 AS n, 'abc' AS str UNION ALL SELECT n + 1, CONCAT(str, str) \
         FROM cte WHERE n < 3) SELECT * FROM cte",
    );
    assert_eq!(
        (e.code, e.message.as_str()),
        (1406, "Data too long for column 'str' at row 1")
    );
    c.exec("SET sql_mode = ''");
    assert_eq!(
        c.q("WITH RECURSIVE cte AS (SELECT 1 AS n, 'abc' AS str UNION ALL SELECT n + 1, CONCAT(str, 'd') \
             FROM cte WHERE n < 2) SELECT * FROM cte ORDER BY n"),
        strings(&[&["1", "abc"], &["2", "abc"]])
    );
}

#[test]
fn range_frames_take_interval_bounds_over_dates() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    c.exec(
        "CREATE TABLE ev (id INT PRIMARY KEY, day DATE, at DATETIME);
         INSERT INTO ev VALUES (1, '2024-01-01', '2024-01-01 10:00:00'), (2, '2024-01-02', '2024-01-01 10:30:00'),
             (3, '2024-01-01', '2024-01-01 12:00:00'), (4, '2024-01-04', '2024-01-02 10:00:00')",
    );
    assert_eq!(
        c.q("SELECT id, COUNT(*) OVER (ORDER BY day RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) \
             FROM ev ORDER BY id"),
        strings(&[&["1", "2"], &["2", "3"], &["3", "2"], &["4", "1"]])
    );
    assert_eq!(
        c.q("SELECT id, COUNT(*) OVER (ORDER BY at RANGE BETWEEN CURRENT ROW AND INTERVAL 90 MINUTE FOLLOWING) \
             FROM ev ORDER BY id"),
        strings(&[&["1", "2"], &["2", "2"], &["3", "1"], &["4", "1"]])
    );
}

#[test]
fn lateral_derived_tables_read_the_tables_before_them() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    assert_eq!(
        c.q("SELECT a.v, t.c FROM a, LATERAL (SELECT COUNT(*) AS c FROM b WHERE b.id <= a.id) AS t ORDER BY a.v"),
        strings(&[&["a1", "0"], &["a2", "1"], &["a3", "3"]])
    );
    assert_eq!(
        c.q("SELECT a.id, t.w, t.n FROM a JOIN LATERAL (SELECT b.w, b.id * 10 AS n FROM b WHERE b.id = a.id) AS t \
             ON TRUE ORDER BY a.id, t.w"),
        strings(&[&["2", "b2", "20"], &["3", "b3", "30"], &["3", "b3x", "30"]])
    );
}

#[test]
fn union_distinct_recursion_ends_on_its_own_and_using_groups_either_table() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    // A UNION DISTINCT cycle ends when a level adds no new row.
    assert_eq!(
        c.q("WITH RECURSIVE r AS (SELECT 1 AS n UNION SELECT n % 5 + 1 FROM r) SELECT COUNT(*) FROM r"),
        strings(&[&["5"]])
    );
    c.exec(
        "CREATE TABLE k (id INT PRIMARY KEY, label VARCHAR(5)); INSERT INTO k VALUES (2, 'two'), (3, 'three')",
    );
    assert_eq!(
        c.q("SELECT id, k.label, COUNT(*) FROM k JOIN b USING (id) GROUP BY id ORDER BY id"),
        strings(&[&["2", "two", "1"], &["3", "three", "2"]])
    );
    assert_eq!(
        c.err("SELECT id, b.w FROM k JOIN b USING (id) GROUP BY id")
            .code,
        1055
    );
}

#[test]
fn an_aggregate_without_group_by_reads_no_other_column() {
    let cluster = Cluster::new();
    let mut c = db(&cluster);
    let e = c.err("SELECT name, COUNT(*) FROM p");
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            1140,
            "In aggregated query without GROUP BY, expression #1 of SELECT list contains \
             nonaggregated column 'f.p.name'; this is incompatible with sql_mode=only_full_group_by"
        )
    );
    assert_eq!(
        c.q("SELECT city, COUNT(*) FROM p WHERE city = 'Rome'"),
        strings(&[&["Rome", "2"]])
    );
    assert_eq!(c.val("SELECT MAX(age) - MIN(age) FROM p"), "30");
    assert_eq!(
        c.q("SELECT id, (SELECT COUNT(*) FROM b) FROM a ORDER BY id LIMIT 1"),
        strings(&[&["1", "4"]])
    );
    c.exec("SET sql_mode = ''");
    assert_eq!(
        c.q("SELECT COUNT(*), MIN(name) FROM p"),
        strings(&[&["4", "Ann"]])
    );
}

/// Of two rows equal under the collation, UNION keeps the first, as MySQL does (SQLite's own
/// UNION keeps the last); column names, UNION ALL after it and ORDER BY / LIMIT still apply.
#[test]
fn union_keeps_the_first_of_rows_equal_under_the_collation() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec(
        "CREATE DATABASE u; USE u; CREATE TABLE w (id INT PRIMARY KEY, s VARCHAR(10)); \
         INSERT INTO w VALUES (1, 'apple'), (2, 'Apple'), (3, 'banana'), (4, 'BANANA')",
    );
    assert_eq!(
        c.q("SELECT s FROM w WHERE id = 1 UNION SELECT s FROM w WHERE id = 2"),
        rows(&[&["apple"]])
    );
    assert_eq!(
        c.q("SELECT s AS fruit FROM w WHERE id IN (1, 3) UNION SELECT s FROM w ORDER BY fruit DESC LIMIT 5"),
        rows(&[&["banana"], &["apple"]])
    );
    match c.one("SELECT s AS fruit FROM w UNION SELECT 'x'") {
        mysql_dialect::Outcome::Rows(rs) => assert_eq!(rs.names(), ["fruit"]),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        c.q("SELECT s FROM w WHERE id = 1 UNION SELECT s FROM w WHERE id = 2 UNION ALL SELECT s FROM w WHERE id = 2"),
        rows(&[&["apple"], &["Apple"]])
    );
    assert_eq!(
        c.val("SELECT COUNT(*) FROM w WHERE s IN (SELECT s FROM w WHERE id = 2 UNION SELECT 'x')"),
        "2"
    );
}
