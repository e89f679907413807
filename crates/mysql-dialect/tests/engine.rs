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

#[test]
fn concurrent_autocommit_inserts_into_one_auto_increment_table_all_succeed() {
    let cluster = Arc::new(Cluster::new());
    let mut c = Conn::new(&cluster);
    c.exec("CREATE DATABASE app; USE app; CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, w INT, n INT)");
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let cluster = cluster.clone();
            thread::spawn(move || {
                let mut s = Conn::new(&cluster);
                s.ok("USE app");
                for n in 0..300 {
                    s.ok(&format!("INSERT INTO t (w, n) VALUES ({w}, {n})"));
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    assert_eq!(c.val("SELECT COUNT(*) FROM t"), "1200");
    assert_eq!(c.val("SELECT COUNT(DISTINCT id) FROM t"), "1200");
    assert_eq!(c.val("SELECT MAX(id) FROM t"), "1200");
}

#[test]
fn transfers_keep_the_total_and_readers_always_see_it() {
    let cluster = Arc::new(Cluster::new());
    let mut c = Conn::new(&cluster);
    c.exec(
        "CREATE DATABASE bank; USE bank; CREATE TABLE acct (id INT PRIMARY KEY, bal INT NOT NULL)",
    );
    for i in 0..10 {
        c.ok(&format!("INSERT INTO acct VALUES ({i}, 100)"));
    }
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (cluster, stop) = (cluster.clone(), stop.clone());
        thread::spawn(move || {
            let mut r = Conn::new(&cluster);
            r.ok("USE bank");
            let mut seen = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) || seen == 0 {
                r.ok("BEGIN");
                let a = r.val("SELECT SUM(bal) FROM acct");
                let b = r.val("SELECT SUM(bal) FROM acct WHERE id >= 0");
                r.ok("COMMIT");
                assert_eq!((a.as_str(), b.as_str()), ("1000", "1000"));
                seen += 1;
            }
            seen
        })
    };
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let cluster = cluster.clone();
            thread::spawn(move || {
                let mut s = Conn::new(&cluster);
                s.ok("USE bank");
                for k in 0..100 {
                    let (from, to) = ((w + k) % 10, (w * 3 + k * 7 + 1) % 10);
                    s.ok("START TRANSACTION");
                    s.ok(&format!("UPDATE acct SET bal = bal - 1 WHERE id = {from}"));
                    s.ok(&format!("UPDATE acct SET bal = bal + 1 WHERE id = {to}"));
                    s.ok("COMMIT");
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(reader.join().expect("reader") > 0);
    assert_eq!(c.val("SELECT SUM(bal) FROM acct"), "1000");
}

#[test]
fn a_second_writer_waits_and_a_short_lock_wait_gives_1205() {
    let cluster = Cluster::new();
    let mut a = Conn::new(&cluster);
    a.exec("CREATE DATABASE app; USE app; CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 0)");
    let mut b = Conn::new(&cluster);
    b.exec("USE app; SET innodb_lock_wait_timeout = 1");
    a.exec("BEGIN; UPDATE t SET v = 1 WHERE id = 1");
    assert_eq!(b.err("UPDATE t SET v = 2 WHERE id = 1").code, 1205);
    // Readers never wait: b still reads the committed row.
    assert_eq!(b.val("SELECT v FROM t WHERE id = 1"), "0");
    a.ok("COMMIT");
    b.ok("UPDATE t SET v = 2 WHERE id = 1");
    assert_eq!(a.val("SELECT v FROM t WHERE id = 1"), "2");
}

#[test]
fn long_expressions_run_or_fail_without_taking_the_process_down() {
    // The data plane runs each session on a thread with this stack (see dataplane's
    // connection.rs): statements nest as deep as that allows, and deeper ones get an error.
    let handle = thread::Builder::new()
        .stack_size(mysql_dialect::SESSION_STACK_BYTES)
        .spawn(|| {
            let cluster = Cluster::new();
            let mut c = Conn::new(&cluster);
            c.exec("CREATE DATABASE app; USE app; CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1), (5)");
            let sum = vec!["1"; 1100].join("+");
            assert_eq!(c.val(&format!("SELECT {sum}")), "1100");
            let ors: Vec<String> = (0..2000).map(|i| format!("id={i}")).collect();
            assert_eq!(c.val(&format!("SELECT COUNT(*) FROM t WHERE {}", ors.join(" OR "))), "2");
            let ins: Vec<String> = (0..20000).map(|i| i.to_string()).collect();
            assert_eq!(c.val(&format!("SELECT COUNT(*) FROM t WHERE id IN ({})", ins.join(","))), "2");
            let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
            let out = c.run(&format!("SELECT {deep}"));
            assert!(matches!(&out[..], [mysql_dialect::Outcome::Rows(_)] | [mysql_dialect::Outcome::Error(_)]));
            assert_eq!(c.val("SELECT REPEAT('a', 30000000000)"), "NULL");
        })
        .expect("thread");
    handle.join().expect("no stack overflow");
}

#[test]
fn an_index_that_serves_a_foreign_key_replaces_the_one_mysql_made_for_it() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec(
        "CREATE DATABASE app; USE app; CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b)); \
         CREATE TABLE m (id INT PRIMARY KEY, a INT, b INT, CONSTRAINT fk_m FOREIGN KEY (a, b) REFERENCES p (a, b))",
    );
    let show = |c: &mut Conn| c.q("SHOW CREATE TABLE m")[0][1].clone();
    assert!(
        show(&mut c).contains("KEY `fk_m` (`a`,`b`)"),
        "{}",
        show(&mut c)
    );
    c.ok("CREATE INDEX ix_m ON m (a, b)");
    let text = show(&mut c);
    assert!(
        text.contains("KEY `ix_m` (`a`,`b`)") && !text.contains("KEY `fk_m`"),
        "{text}"
    );
    // The foreign key still holds, served by the new index.
    c.ok("INSERT INTO p VALUES (1, 1)");
    c.ok("INSERT INTO m VALUES (1, 1, 1)");
    assert_eq!(c.err("INSERT INTO m VALUES (2, 9, 9)").code, 1452);
}
