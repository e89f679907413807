//! Databases and tables: CREATE/DROP DATABASE, USE, CREATE/DROP/ALTER/TRUNCATE TABLE, and what
//! SHOW and DESCRIBE say about them.

mod common;

use common::*;
use mysql_dialect::{ColumnType, Outcome};

fn shop(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec("CREATE DATABASE shop; USE shop");
    c
}

#[test]
fn databases_are_created_listed_used_and_dropped() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    assert_eq!(c.ok("CREATE DATABASE shop").affected_rows, 1);
    c.ok("CREATE DATABASE IF NOT EXISTS `crm` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    assert_eq!(c.err("CREATE DATABASE shop").code, 1007);
    assert_eq!(c.ok("CREATE DATABASE IF NOT EXISTS shop").warnings, 1);
    assert_eq!(
        c.q("SHOW DATABASES"),
        rows(&[
            &["crm"],
            &["information_schema"],
            &["mysql"],
            &["performance_schema"],
            &["shop"],
            &["sys"]
        ])
    );
    assert_eq!(
        c.q("SHOW DATABASES LIKE 's%'"),
        rows(&[&["shop"], &["sys"]])
    );
    assert_eq!(c.val("SELECT DATABASE()"), "NULL");
    assert_eq!(c.err("CREATE TABLE t (id INT)").code, 1046);
    let e = c.err("USE nope");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1049, "Unknown database 'nope'")
    );
    c.ok("USE shop");
    assert_eq!(c.val("SELECT DATABASE()"), "shop");
    c.ok("CREATE TABLE t (id INT PRIMARY KEY)");
    c.ok("CREATE TABLE u (id INT PRIMARY KEY)");
    assert_eq!(c.ok("DROP DATABASE shop").affected_rows, 2);
    assert_eq!(c.val("SELECT DATABASE()"), "NULL");
    assert_eq!(c.err("DROP DATABASE shop").code, 1008);
    assert_eq!(c.ok("DROP DATABASE IF EXISTS shop").warnings, 1);
    assert_eq!(c.err("DROP DATABASE mysql").code, 1044);
    assert_eq!(
        c.val("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'"),
        "0"
    );
    assert_eq!(
        c.q("SHOW CREATE DATABASE crm")[0][1],
        "CREATE DATABASE `crm` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE \
         utf8mb4_unicode_ci */ /*!80016 DEFAULT ENCRYPTION='N' */"
    );
}

#[test]
fn mysql_table_definitions_are_accepted_and_described() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.ok("CREATE TABLE `orders` (
           `id` BIGINT NOT NULL AUTO_INCREMENT,
           `customer` VARCHAR(64) NOT NULL DEFAULT '',
           `code` CHAR(3),
           `qty` INT DEFAULT '1',
           `small` TINYINT,
           `paid` BOOLEAN NOT NULL DEFAULT FALSE,
           `flag` TINYINT(1) DEFAULT 1,
           `amount` DECIMAL(10,2),
           `ratio` DOUBLE,
           `note` TEXT,
           `day` DATE,
           `at` DATETIME,
           `updated` TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
           PRIMARY KEY (`id`),
           KEY `idx_customer` (`customer`),
           UNIQUE KEY `uk_code` (`code`)
         ) ENGINE=InnoDB AUTO_INCREMENT=100 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci");
    assert_eq!(
        c.q("DESCRIBE orders"),
        rows(&[
            &["id", "bigint", "NO", "PRI", "NULL", "auto_increment"],
            &["customer", "varchar(64)", "NO", "MUL", "", ""],
            &["code", "char(3)", "YES", "UNI", "NULL", ""],
            &["qty", "int", "YES", "", "1", ""],
            &["small", "tinyint", "YES", "", "NULL", ""],
            &["paid", "tinyint(1)", "NO", "", "0", ""],
            &["flag", "tinyint(1)", "YES", "", "1", ""],
            &["amount", "decimal(10,2)", "YES", "", "NULL", ""],
            &["ratio", "double", "YES", "", "NULL", ""],
            &["note", "text", "YES", "", "NULL", ""],
            &["day", "date", "YES", "", "NULL", ""],
            &["at", "datetime", "YES", "", "NULL", ""],
            &[
                "updated",
                "timestamp",
                "YES",
                "",
                "CURRENT_TIMESTAMP",
                "DEFAULT_GENERATED on update CURRENT_TIMESTAMP"
            ],
        ])
    );
    assert_eq!(c.q("SHOW COLUMNS FROM orders LIKE 'a%'").len(), 2);
    assert_eq!(c.q("SHOW FULL COLUMNS FROM orders")[1].len(), 9);
    let Outcome::Rows(rs) = c.one("SELECT * FROM orders") else {
        panic!()
    };
    let types: Vec<ColumnType> = rs.columns.iter().map(|c| c.column_type).collect();
    assert_eq!(
        types,
        vec![
            ColumnType::LongLong,
            ColumnType::VarString,
            ColumnType::String,
            ColumnType::Long,
            ColumnType::Tiny,
            ColumnType::Tiny,
            ColumnType::Tiny,
            ColumnType::NewDecimal,
            ColumnType::Double,
            ColumnType::Blob,
            ColumnType::Date,
            ColumnType::DateTime,
            ColumnType::Timestamp,
        ]
    );
    c.ok("INSERT INTO orders (customer) VALUES ('ann')");
    assert_eq!(c.val("SELECT id FROM orders"), "100");
    let create = c.q("SHOW CREATE TABLE orders").remove(0).remove(1);
    assert!(create.starts_with("CREATE TABLE `orders` (\n  `id` bigint NOT NULL AUTO_INCREMENT,"));
    assert!(create.contains("PRIMARY KEY (`id`)"));
    assert!(create.contains("UNIQUE KEY `uk_code` (`code`)"));
    assert!(create.contains("KEY `idx_customer` (`customer`)"));
    assert!(create.contains("AUTO_INCREMENT=101"), "{create}");
    assert_eq!(c.q("SHOW INDEX FROM orders").len(), 3);
    assert_eq!(c.q("SHOW TABLES"), rows(&[&["orders"]]));
    assert_eq!(
        c.q("SHOW FULL TABLES FROM shop LIKE 'ord%'"),
        rows(&[&["orders", "BASE TABLE"]])
    );
}

#[test]
fn table_errors_read_like_mysql() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.ok("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(5))");
    let e = c.err("CREATE TABLE t (id INT)");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1050, "Table 't' already exists")
    );
    assert_eq!(c.ok("CREATE TABLE IF NOT EXISTS t (id INT)").warnings, 1);
    let e = c.err("SELECT * FROM nope");
    assert_eq!((e.code, e.sqlstate.as_str()), (1146, "42S02"));
    assert_eq!(e.message, "Table 'shop.nope' doesn't exist");
    assert_eq!(c.err("DROP TABLE nope").code, 1051);
    c.ok("DROP TABLE IF EXISTS nope");
    assert_eq!(c.err("DESCRIBE nope").code, 1146);
    c.ok("CREATE TABLE k (a INT, b INT, PRIMARY KEY (a, b))");
    c.ok("INSERT INTO k VALUES (1, 1), (1, 2)");
    assert_eq!(c.err("INSERT INTO k VALUES (1, 2)").code, 1062);
    c.ok("CREATE TABLE g (a GEOMETRY)");
    assert_eq!(
        c.err("CREATE TABLE k2 (a INT PRIMARY KEY, b INT PRIMARY KEY)")
            .code,
        1068
    );
    assert_eq!(c.err("CREATE TABLE mysql.k (a INT)").code, 1044);
    assert_eq!(c.err("CREATE TABLE nodb.k (a INT)").code, 1049);
}

#[test]
fn truncate_drop_and_alter() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec(
        "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(10));
         INSERT INTO t (name) VALUES ('a'), ('b'), ('c')",
    );
    c.ok("TRUNCATE TABLE t");
    assert_eq!(c.val("SELECT COUNT(*) FROM t"), "0");
    c.ok("INSERT INTO t (name) VALUES ('d')");
    assert_eq!(c.q("SELECT id, name FROM t"), rows(&[&["1", "d"]]));
    c.ok("TRUNCATE t");
    c.ok("ALTER TABLE t ADD COLUMN price DECIMAL(8,2) DEFAULT 0");
    c.ok("INSERT INTO t (name, price) VALUES ('e', 1.5)");
    assert_eq!(c.q("SELECT name, price FROM t"), rows(&[&["e", "1.50"]]));
    assert_eq!(c.q("DESCRIBE t")[2][1], "decimal(8,2)");
    c.ok("ALTER TABLE t RENAME COLUMN price TO cost");
    assert_eq!(c.q("SELECT cost FROM t"), rows(&[&["1.50"]]));
    assert_eq!(c.q("DESCRIBE t")[2][1], "decimal(8,2)");
    c.ok("ALTER TABLE t ADD INDEX idx_name (name)");
    c.ok("CREATE INDEX idx2 ON t (name)");
    c.ok("ALTER TABLE t DROP COLUMN cost");
    assert_eq!(c.q("SELECT * FROM t"), rows(&[&["1", "e"]]));
    c.ok("ALTER TABLE t RENAME TO t2");
    c.ok("INSERT INTO t2 (name) VALUES ('f')");
    assert_eq!(
        c.q("SELECT id FROM t2 ORDER BY id"),
        rows(&[&["1"], &["2"]])
    );
    assert_eq!(c.err("SELECT * FROM t").code, 1146);
    c.ok("ALTER TABLE t2 MODIFY name TEXT");
    assert_eq!(c.q("DESCRIBE t2")[1][1], "text");
    c.ok("DROP TABLE t2");
    assert!(c.q("SHOW TABLES").is_empty());
    assert_eq!(
        c.val("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'shop'"),
        "0"
    );
}

#[test]
fn foreign_keys_are_enforced() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec(
        "CREATE TABLE p (id INT PRIMARY KEY);
         CREATE TABLE ch (id INT PRIMARY KEY, pid INT, CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id));
         INSERT INTO p VALUES (1); INSERT INTO ch VALUES (1, 1)",
    );
    assert_eq!(c.err("INSERT INTO ch VALUES (2, 5)").code, 1452);
    assert_eq!(c.err("UPDATE ch SET pid = 9 WHERE id = 1").code, 1452);
    assert_eq!(c.err("DELETE FROM p WHERE id = 1").code, 1451);
    assert_eq!(c.err("DROP TABLE p").code, 3730);
    // Referential actions are carried out.
    c.exec(
        "CREATE TABLE c2 (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p(id) ON DELETE CASCADE);
         INSERT INTO p VALUES (2); INSERT INTO c2 VALUES (1, 2), (2, 2)",
    );
    c.ok("DELETE FROM p WHERE id = 2");
    assert_eq!(c.val("SELECT COUNT(*) FROM c2"), "0");
}

#[test]
fn more_mysql_types_and_table_options() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.ok(
        "CREATE TABLE e (id INT UNSIGNED NOT NULL, s ENUM('a','b') NOT NULL DEFAULT 'a', j JSON, y YEAR,
           f FLOAT, b BLOB, m MEDIUMTEXT, c VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
           UNIQUE KEY (c), KEY (y), PRIMARY KEY (id), CHECK (id > 0))
         ENGINE=InnoDB ROW_FORMAT=DYNAMIC STATS_PERSISTENT=0 COMMENT='things'",
    );
    c.ok("INSERT INTO e (id, j, y, f, b, m, c) VALUES (4000000000, '{\"a\": 1}', 2024, 1.5, 'xyz', 'mm', 'c')");
    assert_eq!(
        c.q("SELECT * FROM e"),
        rows(&[&[
            "4000000000",
            "a",
            "{\"a\": 1}",
            "2024",
            "1.5",
            "xyz",
            "mm",
            "c"
        ]])
    );
    assert_eq!(
        c.q("DESCRIBE e")
            .iter()
            .map(|r| r[1].as_str())
            .collect::<Vec<_>>(),
        vec![
            "int unsigned",
            "enum('a','b')",
            "json",
            "year",
            "float",
            "blob",
            "mediumtext",
            "varchar(10)"
        ]
    );
    assert_eq!(
        c.q("SELECT table_comment FROM information_schema.tables WHERE table_name = 'e'"),
        rows(&[&["things"]])
    );
}

#[test]
fn table_charset_and_collation_options_need_no_default() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    for sql in [
        "CREATE TABLE opt1 (id INT PRIMARY KEY) CHARSET=utf8mb4",
        "CREATE TABLE opt2 (id INT PRIMARY KEY) ENGINE=InnoDB CHARSET=utf8mb4",
        "CREATE TABLE opt3 (id INT PRIMARY KEY) DEFAULT CHARACTER SET utf8mb4",
        "CREATE TABLE opt4 (id INT PRIMARY KEY) CHARACTER SET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "CREATE TABLE opt5 (id INT PRIMARY KEY) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        "CREATE TABLE opt6 (id INT PRIMARY KEY) COLLATE=utf8mb4_bin",
        "CREATE TABLE opt7 (id INT PRIMARY KEY) ENGINE=InnoDB, CHARSET=utf8mb4, COMMENT='x'",
        "CREATE TABLE opt8 (id INT PRIMARY KEY) DEFAULT COLLATE utf8mb4_bin CHARSET utf8mb4",
    ] {
        c.ok(sql);
    }
    assert_eq!(c.q("SHOW TABLES").len(), 8);
    c.ok("INSERT INTO opt1 VALUES (1)");
    assert_eq!(c.val("SELECT id FROM opt1"), "1");
    // A column named like an option is still a column.
    c.ok("CREATE TABLE opt9 (charset VARCHAR(10), id INT PRIMARY KEY) CHARSET=utf8mb4");
    assert_eq!(c.q("DESCRIBE opt9")[0][0], "charset");
    assert_eq!(
        c.err("CREATE TABLE bad (id INT PRIMARY KEY) CHARSET=").code,
        1064
    );
}

#[test]
fn ddl_resolves_database_qualified_names() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec(
        "CREATE DATABASE q; CREATE TABLE q.t (id INT PRIMARY KEY, c INT);
         CREATE TABLE q.b (id INT PRIMARY KEY); CREATE TABLE a (id INT PRIMARY KEY);
         CREATE TABLE opt3 (id INT PRIMARY KEY)",
    );
    c.ok("ALTER TABLE q.t ADD COLUMN d INT DEFAULT 7");
    c.ok("INSERT INTO q.t (id, c) VALUES (1, 2)");
    assert_eq!(c.q("SELECT id, c, d FROM q.t"), rows(&[&["1", "2", "7"]]));
    c.ok("CREATE INDEX i ON q.t (c)");
    c.ok("ALTER TABLE q.t ADD INDEX j (d)");
    c.ok("ALTER TABLE q.t RENAME COLUMN d TO e");
    assert_eq!(c.q("DESCRIBE q.t")[2][0], "e");
    c.ok("ALTER TABLE q.t DROP COLUMN e");
    assert_eq!(c.q("DESCRIBE q.t").len(), 2);
    c.ok("DROP INDEX i ON q.t");
    let e = c.err("ALTER TABLE q.nosuch ADD COLUMN x INT");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1146, "Table 'q.nosuch' doesn't exist")
    );
    let e = c.err("CREATE INDEX i ON q.nosuch (c)");
    assert_eq!(e.code, 1146);

    c.ok("DROP TABLE shop.opt3");
    c.ok("DROP TABLE q.t");
    assert_eq!(c.err("SELECT * FROM q.t").code, 1146);
    c.ok("DROP TABLE IF EXISTS q.nosuch");
    let e = c.err("DROP TABLE q.nosuch");
    assert_eq!(
        (e.code, e.sqlstate.as_str(), e.message.as_str()),
        (1051, "42S02", "Unknown table 'q.nosuch'")
    );
    c.ok("DROP TABLE a, q.b");
    assert!(c.q("SHOW TABLES").is_empty());
    assert!(c.q("SHOW TABLES FROM q").is_empty());
    assert_eq!(
        c.val("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN ('q', 'shop')"),
        "0"
    );
    // RENAME TO names a table as everywhere else: unqualified, in the current database.
    c.ok("CREATE TABLE q.r (id INT PRIMARY KEY)");
    c.ok("INSERT INTO q.r VALUES (1)");
    c.ok("ALTER TABLE q.r RENAME TO q.r2");
    assert_eq!(c.q("SHOW TABLES FROM q"), rows(&[&["r2"]]));
    c.ok("ALTER TABLE q.r2 RENAME TO r3");
    assert!(c.q("SHOW TABLES FROM q").is_empty());
    assert_eq!(c.val("SELECT id FROM shop.r3"), "1");
    c.ok("ALTER TABLE r3 RENAME TO q.r4");
    assert_eq!(c.val("SELECT id FROM q.r4"), "1");
    assert_eq!(c.err("ALTER TABLE q.r4 RENAME TO nodb.r5").code, 1049);
    assert_eq!(c.err("ALTER TABLE q.r4 RENAME TO mysql.r5").code, 1044);
    assert_eq!(c.val("SELECT id FROM q.r4"), "1");
    assert_eq!(c.err("DROP INDEX i ON r4").code, 1146);
    c.ok("USE q");
    c.ok("CREATE INDEX i ON r4 (id)");
    c.ok("DROP INDEX i ON r4");
    assert_eq!(c.err("DROP INDEX i ON r4").code, 1091);
    c.ok("CREATE INDEX i ON q.r4 (id)");
    c.ok("DROP INDEX `i` ON `q`.`r4` ALGORITHM=INPLACE LOCK=NONE");
    assert_eq!(c.err("DROP TABLE nodb.t").code, 1051);
    assert_eq!(c.err("DROP TABLE mysql.user").code, 1044);
}

#[test]
fn defaults_are_described_as_their_column_types_show_them() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.ok("CREATE TABLE d (
           id INT PRIMARY KEY,
           price DECIMAL(10,2) NOT NULL DEFAULT 0.00,
           p2 DECIMAL(10,2) DEFAULT 0,
           p3 DECIMAL(6,3) DEFAULT '1.5',
           p4 DECIMAL(5,0) DEFAULT 2.6,
           p5 DECIMAL(10,2) DEFAULT -3.1,
           r DOUBLE DEFAULT 1.5,
           r2 DOUBLE DEFAULT 2,
           n INT DEFAULT '1',
           v VARCHAR(5) DEFAULT 'x',
           at DATETIME DEFAULT CURRENT_TIMESTAMP,
           ok BOOLEAN DEFAULT TRUE,
           z VARCHAR(5) DEFAULT NULL
         )");
    let described: Vec<(String, String)> = c
        .q("DESCRIBE d")
        .into_iter()
        .map(|r| (r[0].clone(), r[4].clone()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("id", "NULL"),
        ("price", "0.00"),
        ("p2", "0.00"),
        ("p3", "1.500"),
        ("p4", "3"),
        ("p5", "-3.10"),
        ("r", "1.5"),
        ("r2", "2"),
        ("n", "1"),
        ("v", "x"),
        ("at", "CURRENT_TIMESTAMP"),
        ("ok", "1"),
        ("z", "NULL"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(described, expected);
    assert_eq!(c.q("SHOW COLUMNS FROM d LIKE 'price'")[0][4], "0.00");
    c.ok("ALTER TABLE d ADD COLUMN p6 DECIMAL(8,2) DEFAULT 5");
    assert_eq!(c.q("SHOW COLUMNS FROM d LIKE 'p6'")[0][4], "5.00");
    assert_eq!(
        c.val("SELECT column_default FROM information_schema.columns WHERE column_name = 'price'"),
        "0.00"
    );
    let create = c.q("SHOW CREATE TABLE d").remove(0).remove(1);
    assert!(
        create.contains("`price` decimal(10,2) NOT NULL DEFAULT '0.00'"),
        "{create}"
    );
    // The defaults fill rows as before.
    c.ok("INSERT INTO d (id) VALUES (1)");
    assert_eq!(
        c.q("SELECT price, p2, p3, p4, p5, r, r2, n, v, ok, p6 FROM d"),
        rows(&[&["0.00", "0.00", "1.500", "3", "-3.10", "1.5", "2", "1", "x", "1", "5.00"]])
    );
    // Values and defaults round half away from zero, as MySQL's DECIMAL does.
    c.ok("INSERT INTO d (id, price, p4) VALUES (2, 0.125, 2.5)");
    c.ok("INSERT INTO d (id, price, p4) VALUES (3, -0.125, -2.5)");
    assert_eq!(
        c.q("SELECT price, p4 FROM d WHERE id > 1 ORDER BY id"),
        rows(&[&["0.13", "3"], &["-0.13", "-3"]])
    );
}

#[test]
fn table_and_database_names_are_case_sensitive() {
    // As on Linux MySQL and Aurora MySQL (lower_case_table_names=0): SQLite folds case in
    // its identifiers, Rewind's SQLite names must not.
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.exec("CREATE TABLE Mixed (Id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(5), KEY iv (v))");
    c.exec("INSERT INTO Mixed (v) VALUES ('up'), ('up2')");
    let e = c.err("SELECT * FROM mixed");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1146, "Table 'shop.mixed' doesn't exist")
    );
    // A lower-case twin with an index of the same name is another table.
    c.ok("CREATE TABLE mixed (x INT, KEY iv (x))");
    c.exec("INSERT INTO mixed VALUES (7)");
    assert_eq!(c.q("SELECT x FROM mixed"), rows(&[&["7"]]));
    assert_eq!(
        c.q("SELECT Id, v FROM Mixed ORDER BY Id"),
        rows(&[&["1", "up"], &["2", "up2"]])
    );
    assert_eq!(c.q("SHOW TABLES"), rows(&[&["Mixed"], &["mixed"]]));
    assert_eq!(
        c.q(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop' \
             ORDER BY TABLE_NAME COLLATE utf8mb4_bin"
        ),
        rows(&[&["Mixed"], &["mixed"]])
    );
    // As mysqldump asks for a table's columns: names compare byte by byte.
    assert_eq!(
        c.q(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop' \
             AND TABLE_NAME = 'Mixed' ORDER BY ORDINAL_POSITION"
        ),
        rows(&[&["Id"], &["v"]])
    );
    assert_eq!(c.q("SHOW COLUMNS FROM mixed").len(), 1);
    assert!(c.q("SHOW CREATE TABLE Mixed")[0][1].starts_with("CREATE TABLE `Mixed` ("));
    assert_eq!(c.err("CREATE TABLE Mixed (a INT)").code, 1050);
    // Joins, subqueries and views reach each by its own name.
    assert_eq!(
        c.q(
            "SELECT m.v, l.x FROM Mixed m JOIN mixed l ON l.x > m.Id WHERE m.Id = \
             (SELECT MAX(Id) FROM Mixed)"
        ),
        rows(&[&["up2", "7"]])
    );
    c.ok("CREATE VIEW MixedView AS SELECT v FROM Mixed WHERE Id = 1");
    assert_eq!(c.err("SELECT * FROM mixedview").code, 1146);
    assert_eq!(c.q("SELECT v FROM MixedView"), rows(&[&["up"]]));
    // AUTO_INCREMENT counts per table; ALTER and RENAME keep names apart.
    c.exec("INSERT INTO Mixed (v) VALUES ('up3')");
    assert_eq!(c.val("SELECT LAST_INSERT_ID()"), "3");
    c.ok("ALTER TABLE Mixed ADD COLUMN w INT");
    c.ok("RENAME TABLE mixed TO MIXED");
    assert_eq!(
        c.q("SHOW TABLES"),
        rows(&[&["MIXED"], &["Mixed"], &["MixedView"]])
    );
    assert_eq!(c.q("SELECT x FROM MIXED"), rows(&[&["7"]]));
    c.ok("DROP TABLE MIXED");
    assert_eq!(c.q("SELECT COUNT(*) FROM Mixed"), rows(&[&["3"]]));
    c.ok("DROP VIEW MixedView");
    c.ok("DROP TABLE Mixed");
    assert_eq!(c.err("DROP TABLE Mixed").code, 1051);
    // Foreign keys reach a mixed-case parent.
    c.exec("CREATE TABLE Parent (id INT PRIMARY KEY); INSERT INTO Parent VALUES (1)");
    c.ok("CREATE TABLE kid (p INT, FOREIGN KEY (p) REFERENCES Parent (id))");
    c.ok("INSERT INTO kid VALUES (1)");
    assert_eq!(c.err("INSERT INTO kid VALUES (2)").code, 1452);
    assert_eq!(c.err("DELETE FROM Parent").code, 1451);
    // A name ending in a space is refused, as MySQL does.
    assert_eq!(c.err("CREATE TABLE `t ` (a INT)").code, 1103);
    // Databases too.
    c.ok("CREATE DATABASE Shop");
    c.exec("CREATE TABLE Shop.t (a INT); CREATE TABLE shop.t (b INT)");
    c.exec("INSERT INTO Shop.t VALUES (1); INSERT INTO shop.t VALUES (2)");
    assert_eq!(c.q("SELECT a FROM Shop.t"), rows(&[&["1"]]));
    assert_eq!(c.q("SELECT b FROM shop.t"), rows(&[&["2"]]));
    assert_eq!(c.err("SELECT * FROM SHOP.t").code, 1146);
    assert_eq!(c.err("USE SHOP").code, 1049);
    c.ok("USE Shop");
    assert_eq!(c.q("SELECT a FROM t"), rows(&[&["1"]]));
}

#[test]
fn lower_case_names_keep_their_sqlite_names() {
    use mysql_dialect::schema::{mysql_table_name, sqlite_table_name};
    // Stored data of clusters made before case-sensitive names still reads.
    assert_eq!(sqlite_table_name("shop", "orders"), "shop.orders");
    assert_eq!(sqlite_table_name("shop", "a^b"), "shop.a^b");
    let coded = sqlite_table_name("Shop", "Mi^xed");
    assert_eq!(coded, "^shop.^mi^^xed ");
    assert_eq!(mysql_table_name(&coded), "Shop.Mi^xed");
    assert_eq!(mysql_table_name("shop.orders"), "shop.orders");
    assert_ne!(
        sqlite_table_name("shop", "Mixed").to_ascii_lowercase(),
        sqlite_table_name("shop", "mixed")
    );
}
