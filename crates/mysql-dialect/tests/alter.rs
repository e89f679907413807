//! ALTER TABLE operations sqlparser does not parse (RENAME INDEX, table options, CONVERT TO
//! CHARACTER SET), and what an ALTER leaves for the next statements.

mod common;

use common::*;

fn shop(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE d; USE d;
         CREATE TABLE prod (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, stock INT,
           a INT, b INT, KEY prod_stock_idx (stock));
         INSERT INTO prod (name, stock) VALUES ('a', 1), ('b', 2)",
    );
    c
}

fn create_table(c: &mut Conn) -> String {
    c.q("SHOW CREATE TABLE prod").remove(0).remove(1)
}

#[test]
fn rename_index_and_table_options() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.ok("ALTER TABLE prod RENAME INDEX prod_stock_idx TO prod_stock");
    assert_eq!(
        c.q("SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_NAME = 'prod' ORDER BY 1"),
        rows(&[&["PRIMARY"], &["prod_stock"]])
    );
    assert_eq!(c.err("ALTER TABLE prod RENAME KEY nope TO x").code, 1176);
    c.ok("ALTER TABLE prod COMMENT = 'products'");
    c.ok("ALTER TABLE prod ENGINE = InnoDB");
    c.ok("ALTER TABLE prod ADD COLUMN z INT, ROW_FORMAT = DYNAMIC, RENAME KEY prod_stock TO s");
    let shown = create_table(&mut c);
    assert!(shown.contains("KEY `s` (`stock`)"), "{shown}");
    assert!(shown.contains("`z` int DEFAULT NULL"), "{shown}");
    assert!(
        shown.ends_with("ROW_FORMAT=DYNAMIC COMMENT='products'"),
        "{shown}"
    );
    assert_eq!(
        c.err("ALTER TABLE prod ENGINE = InnoDB, DROP COLUMN nope")
            .code,
        1091
    );
}

#[test]
fn convert_to_character_set_changes_the_columns_collation() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.ok("ALTER TABLE prod CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    c.exec("INSERT INTO prod (name) VALUES ('X'), ('x')");
    assert_eq!(c.val("SELECT COUNT(*) FROM prod WHERE name = 'x'"), "1");
    assert!(create_table(&mut c).contains("COLLATE=utf8mb4_bin"));
}

#[test]
fn select_star_after_dropping_columns_sees_the_new_columns() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    assert_eq!(c.q("SELECT * FROM prod ORDER BY id")[0].len(), 5);
    c.ok("ALTER TABLE prod DROP COLUMN a, DROP COLUMN b");
    assert_eq!(
        c.q("SELECT * FROM prod ORDER BY id"),
        rows(&[&["1", "a", "1"], &["2", "b", "2"]])
    );
}

#[test]
fn a_failed_insert_uses_up_its_auto_increment_value() {
    let cluster = Cluster::new();
    let mut c = shop(&cluster);
    c.ok("ALTER TABLE prod ADD UNIQUE KEY u (name)");
    assert_eq!(c.err("INSERT INTO prod (name) VALUES ('a')").code, 1062);
    assert_eq!(
        c.ok("INSERT INTO prod (name) VALUES ('c')").last_insert_id,
        4
    );
}
