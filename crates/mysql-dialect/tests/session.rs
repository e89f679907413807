//! Session statements and what clients send when they connect: the mysql CLI, pymysql, and
//! the control plane's `information_schema.aurora_db_cluster`.

mod common;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use common::*;
use mysql_dialect::{AuroraDbCluster, ColumnType, Outcome, SessionConfig};

#[test]
fn the_mysql_cli_connects() {
    let cluster = Cluster::new();
    let mut c = Conn::with(
        &cluster,
        config("admin@172.17.0.1").with_engine_version("8.0.mysql_aurora.3.05.2"),
    );
    let Outcome::Rows(rs) = c.one("select @@version_comment limit 1") else {
        panic!()
    };
    assert_eq!(rs.names(), vec!["@@version_comment"]);
    assert_eq!(rs.rows, vec![vec![Some(b"Source distribution".to_vec())]]);
    assert_eq!(c.val("SELECT DATABASE()"), "NULL");
    assert_eq!(c.val("select USER()"), "admin@172.17.0.1");
    assert_eq!(c.val("SELECT CURRENT_USER()"), "admin@172.17.0.1");
    c.exec("CREATE DATABASE app");
    c.ok("use app");
    assert_eq!(c.q("show databases").len(), 5);
    assert!(c.q("show tables").is_empty());
    assert_eq!(c.val("SELECT @@version"), "8.0.32");
    assert_eq!(c.val("SELECT @@aurora_version"), "3.05.2");
    assert_eq!(c.val("SELECT VERSION()"), "8.0.32");
    assert_eq!(c.val("select @@session.autocommit"), "1");
    assert_eq!(
        c.val("SELECT @@SESSION.transaction_isolation"),
        "REPEATABLE-READ"
    );
    assert_eq!(c.val("SELECT CONNECTION_ID()"), "1");
    assert!(c.q("SHOW WARNINGS").is_empty());
    let Outcome::Rows(rs) = c.one("SELECT @@max_allowed_packet, @@character_set_client") else {
        panic!()
    };
    assert_eq!(rs.columns[0].column_type, ColumnType::LongLong);
    assert_eq!(rs.rows[0][1].as_deref(), Some(&b"utf8mb4"[..]));
}

#[test]
fn pymysql_connects() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.ok("SET NAMES utf8mb4");
    c.ok("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci");
    assert_eq!(c.val("SELECT @@collation_connection"), "utf8mb4_unicode_ci");
    c.ok("SET AUTOCOMMIT = 0");
    assert!(!c.s.autocommit());
    c.ok("SET autocommit=1");
    assert!(c.s.autocommit());
    c.ok("SET @@session.autocommit = OFF");
    assert!(!c.s.autocommit());
    c.ok("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    c.ok("SET sql_mode = 'STRICT_TRANS_TABLES', time_zone = '+00:00'");
    assert_eq!(c.val("SELECT @@sql_mode"), "STRICT_TRANS_TABLES");
    assert_eq!(c.val("SELECT @@time_zone"), "+00:00");
    c.ok("SET character_set_results = NULL");
    assert_eq!(c.val("SELECT @@character_set_results"), "NULL");
    c.ok("SET sql_mode = DEFAULT");
    assert!(c.val("SELECT @@sql_mode").contains("STRICT_TRANS_TABLES,"));
    c.ok("SET @x = 40 + 2, @y = 'why'");
    assert_eq!(
        c.q("SELECT @x, @y, @unset"),
        rows(&[&["42", "why", "NULL"]])
    );
    assert_eq!(c.err("SET autocommit = 'maybe'").code, 1231);
    assert_eq!(c.err("SET GLOBAL read_only = 1").code, 1227);
    assert_eq!(c.err("SET read_only = 1").code, 1229);
    assert_eq!(c.err("SET version = 'x'").code, 1238);
    assert_eq!(c.err("SELECT @@no_such_thing").code, 1193);
}

#[test]
fn sqlx_connects() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    // What sqlx 0.8's MySQL driver sends on every new connection, NAMES inside a list.
    c.ok(
        "SET sql_mode=(SELECT CONCAT(@@sql_mode, ',PIPES_AS_CONCAT,NO_ENGINE_SUBSTITUTION')),\
         time_zone='+00:00',NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;",
    );
    // MySQL keeps each mode once, in its own order.
    assert_eq!(
        c.val("SELECT @@sql_mode"),
        "PIPES_AS_CONCAT,ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,\
         ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
    );
    assert_eq!(c.val("SELECT @@time_zone"), "+00:00");
    assert_eq!(c.val("SELECT @@collation_connection"), "utf8mb4_unicode_ci");
    c.ok("SET @z = (1 + 2), NAMES latin1");
    assert_eq!(c.val("SELECT @z"), "3");
    assert_eq!(c.val("SELECT @@character_set_client"), "latin1");
    // An error in one item stops there, as in MySQL.
    assert_eq!(c.err("SET NAMES utf8mb4, autocommit = 'maybe'").code, 1231);
}

#[test]
fn show_variables_and_friends() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    assert_eq!(
        c.q("SHOW VARIABLES LIKE 'version%'"),
        rows(&[
            &["version", "8.0.32"],
            &["version_comment", "Source distribution"],
            &["version_compile_machine", "x86_64"],
            &["version_compile_os", "Linux"],
        ])
    );
    assert_eq!(
        c.q("SHOW SESSION VARIABLES LIKE 'autocommit'"),
        rows(&[&["autocommit", "ON"]])
    );
    assert_eq!(c.q("SHOW ENGINES")[0][0], "InnoDB");
    assert!(c.q("SHOW STATUS").is_empty());
    assert!(c
        .q("SHOW COLLATION")
        .iter()
        .any(|r| r[0] == "utf8mb4_0900_ai_ci"));
    assert!(c.q("SHOW CHARACTER SET").iter().any(|r| r[0] == "utf8mb4"));
}

#[test]
fn now_reads_the_session_clock() {
    let cluster = Cluster::new();
    let t = Utc.with_ymd_and_hms(2031, 2, 3, 4, 5, 6).unwrap();
    let mut c = Conn::with(
        &cluster,
        SessionConfig::new("admin@%", Arc::new(move || t), Arc::new(|| 7)),
    );
    assert_eq!(
        c.q("SELECT NOW(), CURDATE(), CURRENT_TIMESTAMP"),
        rows(&[&["2031-02-03 04:05:06", "2031-02-03", "2031-02-03 04:05:06"]])
    );
    c.exec(
        "CREATE DATABASE d; USE d;
         CREATE TABLE e (id INT PRIMARY KEY, at DATETIME DEFAULT CURRENT_TIMESTAMP, up TIMESTAMP DEFAULT NOW() ON UPDATE CURRENT_TIMESTAMP, n INT);
         INSERT INTO e (id) VALUES (1); INSERT INTO e (id, at) VALUES (2, DEFAULT);
         UPDATE e SET n = 1 WHERE id = 1",
    );
    assert_eq!(
        c.q("SELECT id, at, up FROM e"),
        rows(&[
            &["1", "2031-02-03 04:05:06", "2031-02-03 04:05:06"],
            &["2", "2031-02-03 04:05:06", "2031-02-03 04:05:06"]
        ])
    );
}

#[test]
fn information_schema_shows_the_cluster_and_the_catalog() {
    let cluster = Cluster::new();
    let earliest = Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap();
    let info = Arc::new(move || {
        vec![AuroraDbCluster {
            db_cluster_identifier: "my-cluster".to_owned(),
            backtrack_window: 86_400,
            earliest_backtrack_time: Some(earliest),
            status: "available".to_owned(),
        }]
    });
    let mut c = Conn::with(&cluster, config("admin@%").with_cluster_info(info));
    let Outcome::Rows(rs) = c.one("SELECT * FROM information_schema.aurora_db_cluster") else {
        panic!()
    };
    assert_eq!(
        rs.names(),
        vec![
            "db_cluster_identifier",
            "backtrack_window",
            "earliest_backtrack_time",
            "status"
        ]
    );
    assert_eq!(
        rs.rows,
        vec![vec![
            Some(b"my-cluster".to_vec()),
            Some(b"86400".to_vec()),
            Some(b"2024-05-01 12:00:00".to_vec()),
            Some(b"available".to_vec())
        ]]
    );
    assert_eq!(
        c.q("SELECT backtrack_window FROM INFORMATION_SCHEMA.AURORA_DB_CLUSTER WHERE status = 'available'"),
        rows(&[&["86400"]])
    );
    assert_eq!(
        c.err("INSERT INTO information_schema.aurora_db_cluster VALUES ('x', 1, NULL, 'y')")
            .code,
        1044
    );
    c.exec("CREATE DATABASE shop; USE shop; CREATE TABLE items (id INT PRIMARY KEY, name TEXT)");
    assert_eq!(
        c.q("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'shop'"),
        rows(&[&["items", "BASE TABLE"]])
    );
    assert_eq!(
        c.q("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'shop'"),
        rows(&[&["shop"]])
    );
    assert_eq!(
        c.q("SELECT column_name, column_key FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position"),
        rows(&[&["id", "PRI"], &["name", ""]])
    );
    c.ok("USE information_schema");
    let views = c.q("SHOW TABLES");
    for view in ["AURORA_DB_CLUSTER", "COLUMNS", "SCHEMATA", "TABLES"] {
        assert!(views.iter().any(|r| r[0] == view), "{view}: {views:?}");
    }
    assert_eq!(
        c.q("SELECT db_cluster_identifier FROM aurora_db_cluster"),
        rows(&[&["my-cluster"]])
    );
}

#[test]
fn readers_refuse_every_write() {
    let cluster = Cluster::new();
    let mut w = Conn::new(&cluster);
    w.exec("CREATE DATABASE shop; USE shop; CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1)");
    let mut r = Conn::with(&cluster, config("ro@%").with_read_only(true));
    r.ok("USE shop");
    for sql in [
        "INSERT INTO t VALUES (2)",
        "UPDATE t SET id = 3",
        "DELETE FROM t",
        "CREATE TABLE u (id INT)",
        "DROP TABLE t",
        "ALTER TABLE t ADD COLUMN x INT",
        "TRUNCATE TABLE t",
        "CREATE DATABASE other",
        "CREATE SCHEMA IF NOT EXISTS other DEFAULT CHARSET utf8mb4",
        "DROP DATABASE shop",
        "CREATE INDEX i ON t (id)",
    ] {
        let e = r.err(sql);
        assert_eq!(e.code, 1290, "{sql}");
        assert_eq!(
            e.message,
            "The MySQL server is running with the --read-only option so it cannot execute this statement"
        );
    }
    assert_eq!(r.q("SELECT id FROM t"), rows(&[&["1"]]));
    assert_eq!(r.val("SELECT @@innodb_read_only"), "1");
    assert_eq!(r.val("SELECT @@read_only"), "1");
    r.exec("BEGIN; SELECT 1; COMMIT; SET autocommit = 0; SET NAMES utf8mb4");
    // Failover: the reader becomes the writer.
    r.s.set_read_only(false);
    r.ok("INSERT INTO t VALUES (2)");
    r.ok("COMMIT");
    assert_eq!(w.val("SELECT COUNT(*) FROM t"), "2");
}

#[test]
fn mistakes_are_mysql_errors_and_the_session_goes_on() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    let e = c.err("SELEC 1");
    assert_eq!((e.code, e.sqlstate.as_str()), (1064, "42000"));
    assert!(
        e.message.contains("near 'SELEC 1' at line 1"),
        "{}",
        e.message
    );
    let e = c.err("SELECT * FROM");
    assert_eq!(e.code, 1064);
    assert_eq!(c.err("SELECT 'unterminated").code, 1064);
    let e = c.err("");
    assert_eq!((e.code, e.message.as_str()), (1065, "Query was empty"));
    assert_eq!(c.err("  ;  ").code, 1065);
    assert_eq!(c.err("SELECT * FROM t").code, 1046);
    c.exec("CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, x INT)");
    for sql in [
        "GRANT ALL ON *.* TO 'x'@'%'",
        "SELECT * FROM t FOR UPDATE NOWAIT SKIP",
        "CREATE FUNCTION f() RETURNS INT RETURN 1",
        "SELECT * FROM a.b.c",
    ] {
        let o = c.one(sql);
        let Outcome::Error(e) = o else {
            panic!("{sql}: {o:?}")
        };
        assert!(
            [1064, 1103, 1235, 1105, 1146].contains(&e.code),
            "{sql}: {e}"
        );
    }
    // What MySQL 8.0 runs, the session runs too.
    assert!(matches!(c.one("EXPLAIN SELECT * FROM t"), Outcome::Rows(_)));
    c.ok("CREATE VIEW v AS SELECT 1");
    assert_eq!(c.val("SELECT * FROM v"), "1");
    c.ok("INSERT INTO t VALUES (1, 0)");
    assert_eq!(
        c.ok("UPDATE t a JOIN t b ON a.id = b.id SET a.x = 1")
            .affected_rows,
        1
    );
    assert_eq!(
        c.q("SELECT x FROM t UNION SELECT x FROM t"),
        rows(&[&["1"]])
    );
    assert_eq!(c.val("SELECT LAST_INSERT_ID(5)"), "5");
    assert_eq!(c.val("SELECT LAST_INSERT_ID()"), "5");
    // The counter idiom: LAST_INSERT_ID(expr) in an UPDATE.
    let ok = c.ok("UPDATE t SET x = LAST_INSERT_ID(x + 10)");
    assert_eq!(ok.last_insert_id, 11);
    assert_eq!(c.val("SELECT LAST_INSERT_ID()"), "11");
    c.ok("CREATE TEMPORARY TABLE tt (id INT)");
    c.ok("INSERT INTO tt VALUES (7)");
    assert_eq!(c.val("SELECT id FROM tt"), "7");
    assert!(matches!(c.one("SHOW PROCESSLIST"), Outcome::Rows(_)));
    assert_eq!(c.val("SELECT 40 + 2"), "42");
    assert_eq!(c.val("SELECT IF(1 > 0, 'yes', 'no')"), "yes");
    assert_eq!(c.val("SELECT 1 FROM DUAL"), "1");
    c.ok("/*!40101 SET NAMES utf8mb4 */");
    c.exec("/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */; LOCK TABLES t WRITE; UNLOCK TABLES");
}

/// Pages that panic while told to: the SQLite connection underneath a session.
struct Fragile {
    conn: pagevfs::PageConnection,
    explode: Arc<std::sync::atomic::AtomicBool>,
}

impl Fragile {
    fn check(&self) {
        if self.explode.load(std::sync::atomic::Ordering::Relaxed) {
            panic!("scan exploded");
        }
    }
}

impl mysql_dialect::Storage for Fragile {
    fn sqlite(&self) -> &rusqlite::Connection {
        self.check();
        &self.conn
    }
    fn acquire_writer(&self, wait: std::time::Duration) -> bool {
        self.check();
        self.conn.acquire_writer(wait)
    }
    fn release_writer(&self) {
        self.conn.release_writer();
    }
    fn lock_timed_out(&self) -> bool {
        self.conn.lock_timed_out()
    }
    fn take_store_error(&self) -> Option<String> {
        self.conn.take_store_error()
    }
    fn epoch(&self) -> u64 {
        self.conn.epoch()
    }
}

#[test]
fn a_panic_underneath_is_an_error_and_the_session_goes_on() {
    let cluster = Cluster::new();
    Conn::new(&cluster).exec(
        "CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1)",
    );
    let explode = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let conn = cluster.space.connect().unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA trusted_schema = ON;")
        .unwrap();
    let head = Fragile {
        conn,
        explode: explode.clone(),
    };
    let mut s = mysql_dialect::Session::new(Box::new(head), config("a@%"));
    assert!(matches!(&s.run("USE d")[..], [Outcome::Ok(_)]));
    explode.store(true, std::sync::atomic::Ordering::Relaxed);
    for sql in [
        "SELECT * FROM t",
        "SHOW TABLES",
        "DELETE FROM t WHERE id > 0",
    ] {
        let out = s.run(sql);
        assert!(
            matches!(&out[..], [Outcome::Error(e)] if e.code == 1105 && e.message.contains("scan exploded")),
            "{sql}: {out:?}"
        );
    }
    explode.store(false, std::sync::atomic::Ordering::Relaxed);
    let out = s.run("SELECT * FROM t");
    assert!(
        matches!(&out[..], [Outcome::Rows(r)] if r.rows.len() == 1),
        "{out:?}"
    );
}

#[test]
fn sessions_can_move_between_threads() {
    fn send<T: Send>() {}
    send::<mysql_dialect::Session>();
}

#[test]
fn unsupported_statements_name_what_is_unsupported() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    c.exec("CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY)");
    for (sql, what) in [
        ("CREATE PROCEDURE p() BEGIN SELECT 1; END", "CREATE PROCEDURE"),
        (
            "CREATE DEFINER=`admin`@`%` PROCEDURE p() BEGIN SELECT 1; END",
            "CREATE PROCEDURE",
        ),
        ("CREATE FUNCTION f() RETURNS INT RETURN 1", "CREATE FUNCTION"),
        (
            "CREATE DEFINER = 'admin'@'%' FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1",
            "CREATE FUNCTION",
        ),
        (
            "CREATE AGGREGATE FUNCTION f RETURNS STRING SONAME 'x.so'",
            "CREATE FUNCTION",
        ),
        (
            "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.id = NEW.id + 1",
            "CREATE TRIGGER",
        ),
        (
            "/*!50003 CREATE*/ /*!50017 DEFINER=`admin`@`%`*/ /*!50003 TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN END */",
            "CREATE TRIGGER",
        ),
        (
            "CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DO DELETE FROM t",
            "CREATE EVENT",
        ),
        ("GRANT SELECT ON d.* TO 'someone'@'%'", "GRANT"),
        ("GRANT ALL PRIVILEGES ON *.* TO someone", "GRANT"),
        ("REVOKE SELECT ON d.* FROM 'someone'@'%'", "REVOKE"),
        ("CREATE USER 'someone'@'%' IDENTIFIED BY 'pw'", "CREATE USER"),
        ("CREATE USER IF NOT EXISTS someone", "CREATE USER"),
        ("DROP USER 'someone'@'%'", "DROP USER"),
        ("ALTER USER 'someone'@'%' IDENTIFIED BY 'pw2'", "ALTER USER"),
    ] {
        let e = c.err(sql);
        assert_eq!(
            (e.code, e.sqlstate.as_str(), e.message.clone()),
            (
                1235,
                "42000",
                format!("This version of MySQL doesn't yet support '{what}'")
            ),
            "{sql}"
        );
        // The session goes on.
        assert_eq!(c.val("SELECT COUNT(*) FROM t"), "0", "after {sql}");
    }
    // What a procedure body left after its `;` never runs.
    let out = c.run("CREATE PROCEDURE p() BEGIN INSERT INTO t VALUES (1); END; SELECT 2");
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(c.val("SELECT COUNT(*) FROM t"), "0");
    // A table or column named like these keywords is no statement of theirs.
    c.ok("CREATE TABLE user (id INT PRIMARY KEY, `grant` INT)");
    c.ok("DROP TABLE user");
    // LOCK TABLES / UNLOCK TABLES, as dumps and clients send them: accepted, no effect.
    for sql in [
        "LOCK TABLES t WRITE",
        "LOCK TABLES `t` READ LOCAL, t AS t2 WRITE",
        "LOCK TABLE t READ",
        "UNLOCK TABLES",
        "UNLOCK TABLE",
    ] {
        c.ok(sql);
    }
    c.ok("INSERT INTO t VALUES (1)");
    assert_eq!(c.val("SELECT COUNT(*) FROM t"), "1");
    // Account-like text in strings is data.
    assert_eq!(c.val("SELECT '`a`@`%`'"), "`a`@`%`");
}

#[test]
fn information_schema_text_columns_are_varchar() {
    let cluster = Cluster::new();
    let info = Arc::new(|| {
        vec![AuroraDbCluster {
            db_cluster_identifier: "my-cluster".to_owned(),
            backtrack_window: 0,
            earliest_backtrack_time: None,
            status: "available".to_owned(),
        }]
    });
    let mut c = Conn::with(&cluster, config("admin@%").with_cluster_info(info));
    let Outcome::Rows(rs) = c.one(
        "SELECT db_cluster_identifier, status, backtrack_window, earliest_backtrack_time \
         FROM information_schema.aurora_db_cluster",
    ) else {
        panic!()
    };
    let types: Vec<ColumnType> = rs.columns.iter().map(|c| c.column_type).collect();
    assert_eq!(
        types,
        vec![
            ColumnType::VarString,
            ColumnType::VarString,
            ColumnType::LongLong,
            ColumnType::DateTime
        ]
    );
    let Outcome::Rows(rs) =
        c.one("SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME FROM information_schema.schemata")
    else {
        panic!()
    };
    assert!(rs
        .columns
        .iter()
        .all(|c| c.column_type == ColumnType::VarString));
}

/// A session keeps table definitions and prepared SQLite statements between statements (keyed
/// on the dictionary's version, read through a cached statement): another session's DDL must
/// still be seen at once, `SELECT *` included.
#[test]
fn cached_table_definitions_follow_other_sessions_ddl() {
    let cluster = Cluster::new();
    let mut a = Conn::new(&cluster);
    let mut b = Conn::new(&cluster);
    a.exec("CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (1, 10)");
    b.exec("USE d");
    assert_eq!(a.q("SELECT * FROM t"), rows(&[&["1", "10"]]));
    b.exec("ALTER TABLE t ADD COLUMN w VARCHAR(5) DEFAULT 'x'");
    assert_eq!(a.q("SELECT * FROM t"), rows(&[&["1", "10", "x"]]));
    b.exec("DROP TABLE t");
    assert_eq!(a.err("SELECT * FROM t").code, 1146);
    b.exec("CREATE TABLE t (k VARCHAR(3) PRIMARY KEY)");
    a.exec("INSERT INTO t VALUES ('abc')");
    assert_eq!(a.q("SELECT * FROM t"), rows(&[&["abc"]]));
}
