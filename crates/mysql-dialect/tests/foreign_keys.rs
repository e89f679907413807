//! Foreign keys as MySQL 8.0 checks them when they are created, and TRUNCATE of a parent.

mod common;

use common::*;

fn family(cluster: &Cluster) -> Conn {
    let mut c = Conn::new(cluster);
    c.exec(
        "CREATE DATABASE d; USE d;
         CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(10));
         CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES parent (id))",
    );
    c
}

#[test]
fn a_new_foreign_key_needs_its_parent_table_and_columns() {
    let cluster = Cluster::new();
    let mut c = family(&cluster);
    let e = c.err("CREATE TABLE bad_ref (id INT PRIMARY KEY, x INT, FOREIGN KEY (x) REFERENCES no_such_table (id))");
    assert_eq!(
        (e.code, e.message.as_str()),
        (1824, "Failed to open the referenced table 'no_such_table'")
    );
    let e = c.err("CREATE TABLE bad_col (id INT PRIMARY KEY, x INT, FOREIGN KEY (x) REFERENCES parent (nope))");
    assert_eq!(e.code, 3734);
    assert_eq!(
        e.message,
        "Failed to add the foreign key constraint. Missing column 'nope' for constraint 'bad_col_ibfk_1' in the referenced table 'parent'"
    );
    assert_eq!(
        c.err("CREATE TABLE bad_type (x BIGINT, FOREIGN KEY (x) REFERENCES parent (id))")
            .code,
        3780
    );
    assert_eq!(
        c.err("CREATE TABLE bad_idx (x VARCHAR(10), FOREIGN KEY (x) REFERENCES parent (name))")
            .code,
        1822
    );
    assert_eq!(
        c.err("ALTER TABLE child ADD FOREIGN KEY (parent_id) REFERENCES nope (id)")
            .code,
        1824
    );
    assert_eq!(
        c.val("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'd' AND TABLE_NAME LIKE 'bad%'"),
        "0"
    );
    c.ok("CREATE TABLE node (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES node (id))");
    c.ok("SET FOREIGN_KEY_CHECKS = 0");
    c.ok("CREATE TABLE later (id INT PRIMARY KEY, x INT, FOREIGN KEY (x) REFERENCES not_yet (id))");
}

#[test]
fn truncate_refuses_a_referenced_table() {
    let cluster = Cluster::new();
    let mut c = family(&cluster);
    let e = c.err("TRUNCATE TABLE parent");
    assert_eq!(e.code, 1701);
    assert_eq!(
        e.message,
        "Cannot truncate a table referenced in a foreign key constraint (`d`.`child`, CONSTRAINT `child_ibfk_1` FOREIGN KEY (`parent_id`) REFERENCES `d`.`parent` (`id`))"
    );
    c.ok("TRUNCATE TABLE child");
    c.ok("CREATE TABLE node (id INT PRIMARY KEY, up INT, FOREIGN KEY (up) REFERENCES node (id))");
    c.ok("TRUNCATE TABLE node");
    c.ok("SET FOREIGN_KEY_CHECKS = 0");
    c.ok("TRUNCATE TABLE parent");
}
