//! The engine end to end over a page space: the forms real applications send, and the
//! answers MySQL 8 gives.

mod common;

use std::sync::Arc;
use std::thread;

use common::*;

#[test]
fn the_drill_tables_and_rows() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec(
        "CREATE DATABASE shop; USE shop; \
         CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(20) NOT NULL, qty INT);",
    );
    let ok = c.ok("INSERT INTO orders (item, qty) VALUES ('apple', 3), ('pear', 5)");
    assert_eq!((ok.affected_rows, ok.last_insert_id), (2, 1));
    assert_eq!(c.val("SELECT LAST_INSERT_ID()"), "1");
    assert_eq!(
        c.q("SELECT id, item FROM orders ORDER BY id"),
        rows(&[&["1", "apple"], &["2", "pear"]])
    );
    let ok = c.ok("UPDATE orders SET qty = 3 WHERE qty >= 3");
    assert_eq!((ok.affected_rows, ok.matched_rows), (1, 2));
    assert_eq!(c.ok("DELETE FROM orders").affected_rows, 2);
    assert_eq!(c.val("SELECT COUNT(*) FROM orders"), "0");
    // A second session sees the committed state.
    let mut d = Conn::new(&cluster);
    d.ok("USE shop");
    assert_eq!(d.val("SELECT COUNT(*) FROM orders"), "0");
}

#[test]
fn comparisons_and_arithmetic_are_mysqls() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    assert_eq!(c.val("SELECT 'abc' = 'ABC'"), "1");
    assert_eq!(c.val("SELECT 1/0"), "NULL");
    assert_eq!(c.val("SELECT 7 DIV 2"), "3");
    assert_eq!(c.val("SELECT NULL <=> NULL"), "1");
    assert_eq!(c.q("SELECT 1+1 AS two, 'x'"), rows(&[&["2", "x"]]));
}

#[test]
fn no_lost_updates_from_four_connections() {
    let cluster = Arc::new(Cluster::new());
    let mut c = Conn::new(&cluster);
    c.exec("CREATE DATABASE app; USE app; CREATE TABLE c (id INT PRIMARY KEY, n INT); INSERT INTO c VALUES (1, 0)");
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let cluster = cluster.clone();
            thread::spawn(move || {
                let mut w = Conn::new(&cluster);
                w.ok("USE app");
                for _ in 0..200 {
                    w.ok("UPDATE c SET n = n + 1 WHERE id = 1");
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    assert_eq!(c.val("SELECT n FROM c WHERE id = 1"), "800");
}
