//! Rows: INSERT, UPDATE, DELETE and SELECT as the mysql client and pymysql send them.

mod common;

use common::*;
use mysql_dialect::Outcome;

fn shop(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE shop; USE shop;
         CREATE TABLE customers (
           id INT AUTO_INCREMENT PRIMARY KEY,
           name VARCHAR(20) NOT NULL,
           vip BOOLEAN NOT NULL DEFAULT FALSE
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
         CREATE TABLE orders (
           id BIGINT NOT NULL AUTO_INCREMENT,
           customer_id INT NOT NULL,
           amount DECIMAL(10,2) NOT NULL,
           placed DATE,
           PRIMARY KEY (id)
         ) ENGINE=InnoDB;
         INSERT INTO customers (name, vip) VALUES ('ann', TRUE), ('bob', 0), ('cy', 1);
         INSERT INTO orders (customer_id, amount, placed) VALUES
           (1, 10.5, '2024-01-01'), (1, 20, '2024-01-02'), (2, 7.25, '2024-02-01'), (3, 1.999, NULL)",
    );
    c
}

#[test]
fn insert_generates_keys_and_reports_them() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let ok = c.ok("INSERT INTO customers (name) VALUES ('dee'), ('eve')");
    assert_eq!((ok.affected_rows, ok.last_insert_id), (2, 4));
    assert_eq!(ok.info, "Records: 2  Duplicates: 0  Warnings: 0");
    assert_eq!(c.val("SELECT LAST_INSERT_ID()"), "4");
    assert_eq!(c.s.last_insert_id(), 4);
    // Explicit ids move the counter; NULL, 0 and DEFAULT generate.
    c.ok("INSERT INTO customers (id, name) VALUES (10, 'fay')");
    assert_eq!(c.val("SELECT LAST_INSERT_ID()"), "4");
    assert_eq!(
        c.ok("INSERT INTO customers VALUES (NULL, 'gus', 0)")
            .last_insert_id,
        11
    );
    assert_eq!(
        c.ok("INSERT INTO customers VALUES (0, 'hal', 0)")
            .last_insert_id,
        12
    );
    assert_eq!(
        c.ok("INSERT INTO customers VALUES (DEFAULT, 'ida', DEFAULT)")
            .last_insert_id,
        13
    );
    assert_eq!(c.val("SELECT vip FROM customers WHERE id = 13"), "0");
    let e = c.err("INSERT INTO customers (id, name) VALUES (1, 'dup')");
    assert_eq!((e.code, e.sqlstate.as_str()), (1062, "23000"));
    assert_eq!(e.message, "Duplicate entry '1' for key 'customers.PRIMARY'");
    let e = c.err("INSERT INTO customers (name) VALUES (NULL)");
    assert_eq!(e.code, 1048);
    let e = c.err("INSERT INTO customers (name) VALUES ('a name that is far too long')");
    assert_eq!(e.code, 1406);
    assert_eq!(e.message, "Data too long for column 'name' at row 1");
    assert_eq!(c.err("INSERT INTO customers (nope) VALUES (1)").code, 1054);
    assert_eq!(c.err("INSERT INTO customers VALUES (1)").code, 1136);
    // A failed statement leaves nothing behind, not even the counter.
    assert_eq!(
        c.ok("INSERT INTO customers (name) VALUES ('jo')")
            .last_insert_id,
        14
    );
}

#[test]
fn select_where_order_limit_group_join() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    assert_eq!(
        c.q("SELECT * FROM orders"),
        rows(&[
            &["1", "1", "10.50", "2024-01-01"],
            &["2", "1", "20.00", "2024-01-02"],
            &["3", "2", "7.25", "2024-02-01"],
            &["4", "3", "2.00", "NULL"],
        ])
    );
    assert_eq!(
        c.q("SELECT id FROM orders WHERE amount > 5 AND placed >= '2024-01-02' ORDER BY id"),
        rows(&[&["2"], &["3"]])
    );
    assert_eq!(
        c.q("SELECT name FROM customers ORDER BY name DESC LIMIT 2"),
        rows(&[&["cy"], &["bob"]])
    );
    assert_eq!(
        c.q("SELECT name FROM customers ORDER BY id LIMIT 1, 1"),
        rows(&[&["bob"]])
    );
    assert_eq!(
        c.q("SELECT name FROM customers ORDER BY id LIMIT 1 OFFSET 2"),
        rows(&[&["cy"]])
    );
    assert_eq!(
        c.q("SELECT customer_id, COUNT(*), SUM(amount) FROM orders GROUP BY customer_id ORDER BY customer_id"),
        rows(&[&["1", "2", "30.50"], &["2", "1", "7.25"], &["3", "1", "2.00"]])
    );
    assert_eq!(
        c.q("SELECT c.name, SUM(o.amount) AS total FROM customers c JOIN orders o ON o.customer_id = c.id
             GROUP BY c.name HAVING SUM(o.amount) > 5 ORDER BY c.name"),
        rows(&[&["ann", "30.50"], &["bob", "7.25"]])
    );
    assert_eq!(
        c.q("SELECT customers.name, orders.id FROM customers INNER JOIN orders ON customers.id = orders.customer_id WHERE orders.id = 3"),
        rows(&[&["bob", "3"]])
    );
    assert_eq!(
        c.q("SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.amount > 15 ORDER BY c.id"),
        rows(&[&["ann", "2"], &["bob", "NULL"], &["cy", "NULL"]])
    );
    assert_eq!(
        c.q("SELECT name FROM customers WHERE vip ORDER BY id"),
        rows(&[&["ann"], &["cy"]])
    );
    assert_eq!(
        c.q("SELECT name FROM customers WHERE NOT vip"),
        rows(&[&["bob"]])
    );
    assert_eq!(
        c.q("SELECT name FROM customers WHERE vip = TRUE AND id > 1"),
        rows(&[&["cy"]])
    );
    assert_eq!(
        c.q("SELECT name FROM customers WHERE name LIKE 'b%'"),
        rows(&[&["bob"]])
    );
    assert_eq!(
        c.q("SELECT name FROM customers WHERE id IN (1, 3) ORDER BY id"),
        rows(&[&["ann"], &["cy"]])
    );
    assert_eq!(
        c.q("SELECT name FROM customers WHERE id BETWEEN 2 AND 3 ORDER BY id"),
        rows(&[&["bob"], &["cy"]])
    );
    assert_eq!(
        c.q("SELECT id FROM orders WHERE placed IS NULL"),
        rows(&[&["4"]])
    );
    assert_eq!(
        c.q("SELECT name FROM customers WHERE name = \"cy\""),
        rows(&[&["cy"]])
    );
    assert_eq!(
        c.q("SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE amount > 15)"),
        rows(&[&["ann"]])
    );
    assert_eq!(
        c.q("SELECT COUNT(DISTINCT customer_id) FROM orders"),
        rows(&[&["3"]])
    );
    assert_eq!(
        c.q("SELECT MAX(amount), MIN(amount), AVG(id) FROM orders")[0][0],
        "20.00"
    );
    assert_eq!(
        c.val("SELECT `name` FROM `shop`.`customers` WHERE `id` = 2"),
        "bob"
    );
    // Table names are case-sensitive, as on Linux MySQL.
    assert_eq!(c.err("SELECT NAME FROM Customers WHERE ID = 2").code, 1146);
}

#[test]
fn result_labels_follow_mysql() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let Outcome::Rows(rs) = c.one("SELECT COUNT(*), name AS n, 1 + 1, id FROM customers GROUP BY name, id ORDER BY id LIMIT 1") else {
        panic!()
    };
    assert_eq!(rs.names(), vec!["COUNT(*)", "n", "1 + 1", "id"]);
    assert_eq!(
        rs.rows[0],
        vec![
            Some("1".into()),
            Some("ann".into()),
            Some("2".into()),
            Some("1".into())
        ]
    );
}

#[test]
fn column_names_are_case_insensitive() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    assert_eq!(
        c.q("SELECT NAME FROM customers WHERE ID = 2"),
        rows(&[&["bob"]])
    );
    c.ok("UPDATE customers SET Name = 'BOB' WHERE Id = 2");
    c.ok("INSERT INTO customers (NAME) VALUES ('zed')");
    assert_eq!(
        c.q("SELECT name FROM customers WHERE id >= 2 ORDER BY ID"),
        rows(&[&["BOB"], &["cy"], &["zed"]])
    );
}

#[test]
fn update_and_delete_with_and_without_where() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    let ok = c.ok("UPDATE orders SET amount = amount * 2 WHERE customer_id = 1");
    assert_eq!((ok.affected_rows, ok.matched_rows), (2, 2));
    assert_eq!(ok.info, "Rows matched: 2  Changed: 2  Warnings: 0");
    assert_eq!(
        c.q("SELECT amount FROM orders WHERE customer_id = 1 ORDER BY id"),
        rows(&[&["21.00"], &["40.00"]])
    );
    // Setting a value to itself matches but changes nothing.
    let ok = c.ok("UPDATE customers SET name = 'ann' WHERE id = 1");
    assert_eq!((ok.affected_rows, ok.matched_rows), (0, 1));
    let ok = c.ok("UPDATE customers SET vip = TRUE");
    assert_eq!((ok.affected_rows, ok.matched_rows), (1, 3));
    assert_eq!(
        c.ok("UPDATE customers SET name = 'x' WHERE id = 99")
            .matched_rows,
        0
    );
    assert_eq!(
        c.err("UPDATE customers SET name = 'this is way too long for it' WHERE id = 1")
            .code,
        1406
    );
    assert_eq!(
        c.ok("UPDATE customers SET id = 7 WHERE id = 1")
            .affected_rows,
        1
    );
    assert_eq!(c.err("UPDATE customers SET id = 2 WHERE id = 7").code, 1062);
    assert_eq!(
        c.ok("UPDATE customers SET id = 1 WHERE id = 7")
            .affected_rows,
        1
    );
    assert_eq!(c.err("UPDATE customers SET nope = 1").code, 1054);
    assert_eq!(c.ok("DELETE FROM orders WHERE id = 1").affected_rows, 1);
    assert_eq!(
        c.ok("DELETE FROM orders WHERE amount < 10").affected_rows,
        2
    );
    assert_eq!(c.ok("DELETE FROM orders WHERE id = 1").affected_rows, 0);
    assert_eq!(c.ok("DELETE FROM orders").affected_rows, 1);
    assert_eq!(c.val("SELECT COUNT(*) FROM orders"), "0");
}

#[test]
fn tables_without_primary_key_keep_insertion_order() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec("CREATE TABLE log (msg TEXT, at DATETIME(3)); INSERT INTO log VALUES ('b', '2024-01-01 10:00:00.1234'), ('a', NULL); INSERT INTO log (msg) VALUES ('c')");
    assert_eq!(
        c.q("SELECT * FROM log"),
        rows(&[
            &["b", "2024-01-01 10:00:00.123"],
            &["a", "NULL"],
            &["c", "NULL"]
        ])
    );
    assert_eq!(c.ok("DELETE FROM log WHERE msg = 'a'").affected_rows, 1);
    assert_eq!(
        c.ok("UPDATE log SET msg = 'z' WHERE msg = 'c'")
            .affected_rows,
        1
    );
    assert_eq!(c.q("SELECT msg FROM log"), rows(&[&["b"], &["z"]]));
}

#[test]
fn values_take_their_column_types() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec(
        "CREATE TABLE v (id INT PRIMARY KEY, d DECIMAL(6,3), dt DATETIME, t TIME, f DOUBLE, b BIGINT UNSIGNED, s SMALLINT, ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
         INSERT INTO v (id, d, dt, t, f, b, s) VALUES (1, 2.5, '2024-03-04 05:06:07.8', '10:11:12', 0.5, 18446744073709551615, -3)",
    );
    assert_eq!(
        c.q("SELECT id, d, dt, t, f, b, s FROM v"),
        rows(&[&[
            "1",
            "2.500",
            "2024-03-04 05:06:08",
            "10:11:12",
            "0.5",
            "18446744073709551615",
            "-3"
        ]])
    );
    assert_eq!(c.q("SELECT ts IS NOT NULL FROM v"), rows(&[&["1"]]));
    assert_eq!(c.err("INSERT INTO v (id, s) VALUES (2, 70000)").code, 1264);
    assert_eq!(
        c.err("INSERT INTO v (id, dt) VALUES (2, 'not a date')")
            .code,
        // MySQL 8: "Incorrect datetime value: 'not a date' for column 'dt' at row 1".
        1292
    );
}

#[test]
fn what_client_libraries_send() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    // pymysql quotes every parameter itself: escapes, quoted numbers, _binary strings.
    c.ok(r"INSERT INTO customers (id, name, vip) VALUES ('7', 'O\'Brien', '1'), (8, 'a\\b', 0), (9, _binary'it''s', 0)");
    assert_eq!(
        c.q("SELECT id, name, vip FROM customers WHERE id >= '7' ORDER BY id"),
        rows(&[
            &["7", "O'Brien", "1"],
            &["8", "a\\b", "0"],
            &["9", "it's", "0"]
        ])
    );
    assert_eq!(c.val("SELECT name FROM customers WHERE id = '8'"), "a\\b");
    assert_eq!(
        c.q("SELECT id FROM customers WHERE id IN ('1', '9') ORDER BY id"),
        rows(&[&["1"], &["9"]])
    );
    c.ok("UPDATE customers SET vip = '1' WHERE id = '9'");
    assert_eq!(c.val("SELECT vip FROM customers WHERE id = 9"), "1");
    assert_eq!(
        c.val("SELECT name FROM customers WHERE name LIKE '%Brien'"),
        "O'Brien"
    );
    assert_eq!(c.val("SELECT CAST('5' AS SIGNED) + 1"), "6");
    assert_eq!(c.q("SELECT 7 DIV 2, 7 % 2"), rows(&[&["3", "1"]]));
    assert_eq!(c.val("SELECT DATE_FORMAT(NOW(), '%Y')"), "2024");
    // SELECT ... FOR UPDATE reads (and, in a transaction, takes the writer lock).
    assert_eq!(
        c.q("SELECT id FROM customers WHERE id = 1 FOR UPDATE"),
        rows(&[&["1"]])
    );
}

#[test]
fn conditions_follow_sql_null_logic() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    // Order 4 has a NULL date.
    let q = |c: &mut Conn, w: &str| c.q(&format!("SELECT id FROM orders WHERE {w} ORDER BY id"));
    assert_eq!(
        q(&mut c, "id = 4 OR placed > '2024-01-01'"),
        rows(&[&["2"], &["3"], &["4"]])
    );
    assert_eq!(
        q(&mut c, "NOT (id = 4 OR placed > '2024-01-01')"),
        rows(&[&["1"]])
    );
    assert_eq!(
        q(&mut c, "NOT (id <> 4 AND placed > '2030-01-01')"),
        rows(&[&["1"], &["2"], &["3"], &["4"]])
    );
    assert_eq!(
        q(&mut c, "(id = 4 OR placed = '2024-01-01') AND amount < 15"),
        rows(&[&["1"], &["4"]])
    );
    assert_eq!(
        q(&mut c, "placed IS NULL OR amount > 15"),
        rows(&[&["2"], &["4"]])
    );
}

#[test]
fn insert_select_and_create_table_as_select() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec("CREATE TABLE archive (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), total DECIMAL(10,2))");
    // Given ids move the counter; missing ones are generated.
    let ok =
        c.ok("INSERT INTO archive (id, name) SELECT id + 10, name FROM customers WHERE id = 2");
    assert_eq!((ok.affected_rows, ok.last_insert_id), (1, 12));
    let ok = c.ok(
        "INSERT INTO archive (name, total) SELECT c.name, SUM(o.amount) FROM customers c
         JOIN orders o ON o.customer_id = c.id GROUP BY c.name ORDER BY c.name",
    );
    assert_eq!((ok.affected_rows, ok.last_insert_id), (3, 13));
    assert_eq!(
        c.q("SELECT * FROM archive"),
        rows(&[
            &["12", "bob", "NULL"],
            &["13", "ann", "30.50"],
            &["14", "bob", "7.25"],
            &["15", "cy", "2.00"]
        ])
    );
    assert_eq!(
        c.ok("INSERT INTO archive (name) SELECT name FROM customers WHERE id > 100")
            .affected_rows,
        0
    );
    c.ok(
        "CREATE TABLE totals AS SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id",
    );
    assert_eq!(
        c.q("SELECT * FROM totals ORDER BY customer_id"),
        rows(&[&["1", "2"], &["2", "1"], &["3", "1"]])
    );
    // A comma join is a cross join.
    assert_eq!(
        c.val("SELECT COUNT(*) FROM customers, orders"),
        c.val("SELECT (SELECT COUNT(*) FROM customers) * (SELECT COUNT(*) FROM orders)")
    );
}

#[test]
fn decimal_columns_equal_numbers_however_written() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    // amounts: 10.50, 20.00, 7.25 and 1.999 (ids 1-4)
    let ids = |c: &mut Conn, sql: &str| {
        c.q(sql)
            .into_iter()
            .map(|r| r[0].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&mut c, "SELECT id FROM orders WHERE amount = 10.50"),
        ["1"]
    );
    assert_eq!(
        ids(&mut c, "SELECT id FROM orders WHERE amount = 10.5"),
        ["1"]
    );
    assert_eq!(
        ids(&mut c, "SELECT id FROM orders WHERE 20 = amount"),
        ["2"]
    );
    assert_eq!(
        ids(&mut c, "SELECT id FROM orders WHERE amount = '7.25'"),
        ["3"]
    );
    assert_eq!(
        ids(
            &mut c,
            "SELECT id FROM orders WHERE amount <> 20 ORDER BY id"
        ),
        ["1", "3", "4"]
    );
    assert_eq!(
        ids(
            &mut c,
            "SELECT id FROM orders WHERE amount IN (7.25, 20) ORDER BY id"
        ),
        ["2", "3"]
    );
    assert_eq!(
        ids(&mut c, "SELECT id FROM orders WHERE amount = -7.25"),
        Vec::<String>::new()
    );
    assert_eq!(
        c.ok("UPDATE orders SET placed = '2024-03-01' WHERE amount = 7.25")
            .affected_rows,
        1
    );
    assert_eq!(
        c.ok("DELETE FROM orders WHERE amount = 10.5").affected_rows,
        1
    );
    assert_eq!(c.val("SELECT COUNT(*) FROM orders"), "3");
}

#[test]
fn comparing_with_null_is_null_even_on_the_primary_key() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    // A prepared `WHERE id = ?` bound to NULL arrives as `id = NULL`: no row, no error.
    assert!(c.q("SELECT * FROM customers WHERE id = NULL").is_empty());
    assert!(c.q("SELECT * FROM customers WHERE NULL <> id").is_empty());
    assert_eq!(c.q("SELECT 1 = NULL, 2 < NULL"), rows(&[&["NULL", "NULL"]]));
    assert_eq!(
        c.ok("UPDATE customers SET vip = 1 WHERE id = NULL")
            .affected_rows,
        0
    );
    assert_eq!(
        c.val("SELECT COUNT(*) FROM customers WHERE id IN (NULL, 2)"),
        "1"
    );
}

fn users(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE d; USE d;
         CREATE TABLE u (id INT PRIMARY KEY AUTO_INCREMENT, email VARCHAR(40) UNIQUE,
                         name VARCHAR(20));
         INSERT INTO u (email, name) VALUES ('a@x', 'a'), ('b@x', 'b')",
    );
    c
}

#[test]
fn a_unique_column_set_to_its_own_value_is_no_clash() {
    let cluster = Cluster::new();
    let mut c = users(&cluster);
    // What an ORM's save() sends: every column, the unique one unchanged.
    let ok = c.ok("UPDATE u SET email = 'a@x', name = 'z' WHERE id = 1");
    assert_eq!((ok.matched_rows, ok.affected_rows), (1, 1));
    assert_eq!(c.ok("UPDATE u SET email = email").affected_rows, 0);
    assert_eq!(
        c.ok("UPDATE u SET email = 'a@x' WHERE id = 1")
            .affected_rows,
        0
    );
    // A value the row itself frees, and a new value.
    c.ok("UPDATE u SET email = CONCAT(email, '.y')");
    c.ok("UPDATE u SET email = 'c@x' WHERE id = 2");
    assert_eq!(
        c.q("SELECT id, email, name FROM u ORDER BY id"),
        rows(&[&["1", "a@x.y", "z"], &["2", "c@x", "b"]])
    );
    // A real clash with another row is still 1062, as MySQL words it.
    let e = c.err("UPDATE u SET email = 'c@x' WHERE id = 1");
    assert_eq!(e.code, 1062);
    assert_eq!(e.message, "Duplicate entry 'c@x' for key 'u.email'");
    // Rows are checked one by one: a swap, or two rows given one value, clash.
    assert_eq!(
        c.err("UPDATE u SET email = IF(id = 1, 'c@x', 'a@x.y')")
            .code,
        1062
    );
    assert_eq!(c.err("UPDATE u SET email = 'q@x'").code, 1062);
    // A value an earlier row of the statement gave up is free.
    c.ok("UPDATE u SET email = IF(id = 1, 'n@x', 'a@x.y')");
    assert_eq!(c.val("SELECT email FROM u WHERE id = 2"), "a@x.y");
    // The upsert form of a full-row save.
    let ok = c.ok("INSERT INTO u (id, email, name) VALUES (1, 'n@x', 'y') \
         ON DUPLICATE KEY UPDATE id = VALUES(id), email = VALUES(email), name = VALUES(name)");
    assert_eq!(ok.affected_rows, 2);
    // NULLs never clash.
    assert_eq!(c.ok("UPDATE u SET email = NULL").affected_rows, 2);
    assert_eq!(c.val("SELECT COUNT(*) FROM u WHERE email IS NULL"), "2");
}

#[test]
fn computed_values_take_their_column_types() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec(
        "CREATE DATABASE d; USE d;
         CREATE TABLE t (id INT PRIMARY KEY, n INT, s TINYINT, b BIGINT, f FLOAT,
                         m DECIMAL(6,2), v VARCHAR(10), day DATE);
         INSERT INTO t VALUES (1, 1, 1, 1, 1, 1, 'x', '2024-01-31')",
    );
    // A literal first makes the sum a BIGINT in the engine; MySQL converts it.
    for sql in [
        "UPDATE t SET n = 40 + n",
        "UPDATE t SET s = 40 + s, b = 40 + b, f = 40 + f, m = 40 + m",
        "UPDATE t SET v = 40 + n",
        "UPDATE t SET day = NOW()",
    ] {
        assert_eq!(c.ok(sql).affected_rows, 1, "{sql}");
    }
    assert_eq!(
        c.q("SELECT n, s, b, f, m, v, day FROM t"),
        rows(&[&["41", "41", "41", "41", "41.00", "81", "2024-05-01"]])
    );
    c.ok("UPDATE t SET n = LENGTH(v) + ABS(-5), m = 1.5 * b");
    assert_eq!(c.q("SELECT n, m FROM t"), rows(&[&["7", "61.50"]]));
    // Only a value out of the column's range fails, as MySQL words it.
    let e = c.err("UPDATE t SET s = 400 + s");
    assert_eq!((e.code, e.sqlstate.as_str()), (1264, "22003"));
    assert_eq!(e.message, "Out of range value for column 's' at row 1");
    let e = c.err("UPDATE t SET n = 4000000000 + n WHERE id = 1");
    assert_eq!(e.message, "Out of range value for column 'n' at row 1");
    assert_eq!(c.val("SELECT n FROM t"), "7");
    // INSERT values the same way.
    c.ok("INSERT INTO t (id, n, s, v) VALUES (2, ABS(-5), 1 + CAST(1 AS SIGNED), 2 * 21)");
    assert_eq!(
        c.q("SELECT n, s, v FROM t WHERE id = 2"),
        rows(&[&["5", "2", "42"]])
    );
    assert_eq!(
        c.err("INSERT INTO t (id, s) VALUES (3, 200 + LENGTH('x'))")
            .code,
        1264
    );
}

#[test]
fn columns_qualified_by_a_qualified_table() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec(
        "CREATE DATABASE d; CREATE DATABASE e; USE e;
         CREATE TABLE d.u (id INT PRIMARY KEY, email VARCHAR(20), name VARCHAR(20));
         INSERT INTO d.u VALUES (1, 'a@x', 'a'), (2, 'b@x', 'b'), (3, 'c@x', 'c')",
    );
    // `t.col` and `d.t.col` name the columns of `d.t`, in SET, WHERE and SELECT.
    c.ok("UPDATE d.u SET name = u.email WHERE id = 2");
    c.ok("UPDATE d.u SET u.name = CONCAT(d.u.email, '!') WHERE u.id = 1");
    c.ok("UPDATE d.u AS x SET x.name = UPPER(x.name) WHERE x.id = 3");
    assert_eq!(
        c.q("SELECT u.id, d.u.name FROM d.u WHERE u.id < 3 OR d.u.name = 'C' ORDER BY u.id"),
        rows(&[&["1", "a@x!"], &["2", "b@x"], &["3", "C"]])
    );
    assert_eq!(c.ok("DELETE FROM d.u WHERE u.id = 3").affected_rows, 1);
    // Another table's name is still unknown.
    let e = c.err("UPDATE d.u SET name = v.email WHERE id = 2");
    assert_eq!(e.code, 1054);
    assert_eq!(e.message, "Unknown column 'v.email' in 'field list'");
    let e = c.err("UPDATE d.u SET name = u.nope WHERE id = 2");
    assert_eq!(e.message, "Unknown column 'u.nope' in 'field list'");
}

#[test]
fn arithmetic_with_fractions_is_exact() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    // customer_id is INT, amount DECIMAL(10,2): order 1 is (1, 10.50).
    assert_eq!(
        c.q(
            "SELECT customer_id * 1.5, 1.5 * customer_id, customer_id + 0.25, customer_id / 4, \
             amount * 1.1, amount / 4, customer_id * 2 FROM orders WHERE id = 1"
        ),
        // MySQL's scales: a product adds them, a quotient adds div_precision_increment (4).
        rows(&[&["1.5", "1.5", "1.25", "0.2500", "11.550", "2.625000", "2"]])
    );
    c.ok("UPDATE orders SET amount = customer_id * 2.5 WHERE id = 1");
    assert_eq!(c.val("SELECT amount FROM orders WHERE id = 1"), "2.50");
}

/// A multi-row INSERT of literals goes to SQLite row by row with bound values: each row's
/// checks name its row, a failing row leaves none of the statement's rows, generated keys,
/// IGNORE and the non-strict warnings count as for one statement.
#[test]
fn a_multi_row_insert_of_literals_keeps_its_checks_row_by_row() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec(
        "CREATE DATABASE b; USE b; \
         CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(5) NOT NULL, \
         n TINYINT, d DECIMAL(5,2), UNIQUE KEY name (name))",
    );
    let ok = c.ok("INSERT INTO t (id, name, n, d) VALUES (NULL, 'a', -5, 1.5), (0, 'b', NULL, -2.25), (10, \"c\", 3, 0.125)");
    assert_eq!((ok.affected_rows, ok.last_insert_id), (3, 1));
    assert_eq!(
        c.q("SELECT id, name, n, d FROM t"),
        rows(&[
            &["1", "a", "-5", "1.50"],
            &["2", "b", "NULL", "-2.25"],
            &["10", "c", "3", "0.13"],
        ])
    );
    let e = c.err("INSERT INTO t (name, n) VALUES ('d', 1), ('e', 2), ('f', 300)");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1264, "Out of range value for column 'n' at row 3")
    );
    let e = c.err("INSERT INTO t (name) VALUES ('g'), ('toolong')");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1406, "Data too long for column 'name' at row 2")
    );
    let e = c.err("INSERT INTO t (name) VALUES ('h'), ('a')");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1062, "Duplicate entry 'a' for key 't.name'")
    );
    assert_eq!(c.val("SELECT count(*) FROM t"), "3");
    let ok = c.ok("INSERT IGNORE INTO t (name, n) VALUES ('i', 1), ('a', 2), ('j', 999)");
    assert_eq!((ok.affected_rows, ok.warnings), (2, 2));
    assert_eq!(ok.info, "Records: 3  Duplicates: 1  Warnings: 2");
    assert_eq!(c.val("SELECT n FROM t WHERE name = 'j'"), "127");
    c.exec("SET sql_mode = ''");
    let ok = c.ok("INSERT INTO t (name, n) VALUES ('k', 1), ('l', 'x'), ('m', NULL)");
    assert_eq!(ok.affected_rows, 3);
    assert_eq!(c.val("SELECT n FROM t WHERE name = 'l'"), "0");
}
