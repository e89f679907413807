//! The catalog module: MySQL types, CREATE TABLE as Django / SQLAlchemy / mysqldump write it,
//! ALTER TABLE, SHOW CREATE TABLE (and its round trip), and the SQLite DDL run on a real
//! in-memory SQLite.

use mysql_dialect::schema::{
    rebuild_sql, Action, AlterStep, ColumnDefault, IndexKind, PlainNames, SchemaDefaults,
    SqliteNames, Table, Type,
};
use mysql_dialect::SqlError;
use std::sync::Arc;

use rusqlite::types::Value;
use rusqlite::Connection;
use sqlparser::ast::{AlterTableOperation, Statement};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

fn parse(sql: &str) -> Vec<Statement> {
    Parser::parse_sql(&MySqlDialect {}, sql).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn create(sql: &str) -> Result<(Table, Option<u64>), SqlError> {
    match parse(sql).remove(0) {
        Statement::CreateTable(ct) => Table::from_create(&ct, "db", &SchemaDefaults::default()),
        other => panic!("not a CREATE TABLE: {other}"),
    }
}

fn table(sql: &str) -> Table {
    create(sql).unwrap_or_else(|e| panic!("{sql}: {e}")).0
}

fn ops(sql: &str) -> Vec<AlterTableOperation> {
    match parse(sql).remove(0) {
        Statement::AlterTable(a) => a.operations,
        other => panic!("not an ALTER TABLE: {other}"),
    }
}

fn alter(t: &Table, sql: &str) -> Result<(Table, mysql_dialect::schema::AlterPlan), SqlError> {
    t.alter(&ops(sql))
}

fn err_code<T>(r: Result<T, SqlError>) -> u16 {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code,
    }
}

fn type_of(decl: &str) -> Type {
    table(&format!("CREATE TABLE t (c {decl})")).columns[0]
        .ty
        .clone()
}

/// A connection with mysql-functions registered (its collations, `now()` at a fixed time,
/// `mysql_assign`), foreign keys on.
fn conn() -> Connection {
    let c = Connection::open_in_memory().unwrap();
    let now = chrono::NaiveDate::from_ymd_opt(2024, 5, 6)
        .and_then(|d| d.and_hms_opt(7, 8, 9))
        .unwrap();
    mysql_functions::register(
        &c,
        mysql_functions::Context {
            now: Arc::new(move || now),
            max_allowed_packet: 64 << 20,
        },
    )
    .unwrap();
    c.execute_batch("PRAGMA foreign_keys=ON").unwrap();
    c
}

fn run(c: &Connection, sqls: &[String]) {
    for s in sqls {
        c.execute_batch(s).unwrap_or_else(|e| panic!("{s}\n-> {e}"));
    }
}

fn install(c: &Connection, t: &Table) {
    run(c, &t.sqlite_ddl(&PlainNames).unwrap());
}

/// Runs a whole ALTER as the engine would: catalog, then SQLite with foreign keys off.
fn alter_in(c: &Connection, t: &Table, sql: &str) -> Table {
    let (new, plan) = alter(t, sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let stmts = plan.sql(t, &new, &PlainNames).unwrap();
    c.execute_batch("PRAGMA foreign_keys=OFF; BEGIN").unwrap();
    run(c, &stmts);
    c.execute_batch("COMMIT; PRAGMA foreign_keys=ON").unwrap();
    let bad: Option<String> = c
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .ok();
    assert_eq!(bad, None, "foreign key check after {sql}");
    new
}

fn rows(c: &Connection, sql: &str) -> Vec<Vec<Value>> {
    let mut st = c.prepare(sql).unwrap();
    let n = st.column_count();
    st.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn round_trip(t: &Table) {
    let text = t.show_create(None);
    let back = table(&text);
    let mut back = back;
    back.schema = t.schema.clone();
    // SHOW CREATE TABLE prints a foreign key's implicit index as a plain KEY: read back, it is
    // an index like any other (as in MySQL after a dump and reload).
    let mut explicit = t.clone();
    for i in &mut explicit.indexes {
        i.implicit = false;
    }
    assert_eq!(back, explicit, "round trip of\n{text}");
    let json = serde_json::to_string(t).unwrap();
    let again: Table = serde_json::from_str(&json).unwrap();
    assert_eq!(&again, t);
}

// ---------------------------------------------------------------- types

#[test]
fn types_print_as_mysql_8() {
    for (decl, shown, data_type) in [
        ("INT", "int", "int"),
        ("INTEGER(11)", "int", "int"),
        ("int unsigned", "int unsigned", "int"),
        (
            "INT(10) UNSIGNED ZEROFILL",
            "int(10) unsigned zerofill",
            "int",
        ),
        ("int zerofill", "int(10) unsigned zerofill", "int"),
        ("TINYINT(1)", "tinyint(1)", "tinyint"),
        ("tinyint(4)", "tinyint", "tinyint"),
        ("BOOL", "tinyint(1)", "tinyint"),
        ("boolean", "tinyint(1)", "tinyint"),
        ("smallint(6)", "smallint", "smallint"),
        ("MEDIUMINT UNSIGNED", "mediumint unsigned", "mediumint"),
        ("BIGINT(20) unsigned", "bigint unsigned", "bigint"),
        ("SERIAL", "bigint unsigned", "bigint"),
        ("DECIMAL", "decimal(10,0)", "decimal"),
        ("NUMERIC(10, 2)", "decimal(10,2)", "decimal"),
        ("dec(5)", "decimal(5,0)", "decimal"),
        ("FLOAT", "float", "float"),
        ("float(7,4)", "float(7,4)", "float"),
        ("FLOAT(30)", "double", "double"),
        ("REAL", "double", "double"),
        ("DOUBLE PRECISION", "double", "double"),
        ("double(8,2) unsigned", "double(8,2) unsigned", "double"),
        ("BIT", "bit(1)", "bit"),
        ("bit(8)", "bit(8)", "bit"),
        ("CHAR", "char(1)", "char"),
        ("char(10)", "char(10)", "char"),
        ("VARCHAR(255)", "varchar(255)", "varchar"),
        ("TINYTEXT", "tinytext", "tinytext"),
        ("TEXT", "text", "text"),
        ("MEDIUMTEXT", "mediumtext", "mediumtext"),
        ("LONGTEXT", "longtext", "longtext"),
        ("BINARY(16)", "binary(16)", "binary"),
        ("VARBINARY(255)", "varbinary(255)", "varbinary"),
        ("BLOB", "blob", "blob"),
        ("blob(300)", "blob", "blob"),
        ("LONGBLOB", "longblob", "longblob"),
        ("ENUM('a','b')", "enum('a','b')", "enum"),
        ("enum('it''s','x')", "enum('it''s','x')", "enum"),
        ("SET('x','y')", "set('x','y')", "set"),
        ("DATE", "date", "date"),
        ("TIME", "time", "time"),
        ("time(3)", "time(3)", "time"),
        ("DATETIME", "datetime", "datetime"),
        ("DATETIME(6)", "datetime(6)", "datetime"),
        ("TIMESTAMP(6)", "timestamp(6)", "timestamp"),
        ("YEAR", "year", "year"),
        ("YEAR(4)", "year", "year"),
        ("JSON", "json", "json"),
    ] {
        let ty = type_of(decl);
        assert_eq!(ty.show(), shown, "{decl}");
        assert_eq!(ty.data_type(), data_type, "{decl}");
    }
}

#[test]
fn information_schema_facts() {
    let int = type_of("int");
    assert_eq!(int.numeric_precision(), Some(10));
    assert_eq!(int.numeric_scale(), Some(0));
    assert_eq!(type_of("bigint").numeric_precision(), Some(19));
    assert_eq!(type_of("bigint unsigned").numeric_precision(), Some(20));
    assert_eq!(type_of("tinyint").numeric_precision(), Some(3));
    assert_eq!(type_of("smallint").numeric_precision(), Some(5));
    assert_eq!(type_of("mediumint").numeric_precision(), Some(7));
    let dec = type_of("decimal(10,2)");
    assert_eq!(
        (dec.numeric_precision(), dec.numeric_scale()),
        (Some(10), Some(2))
    );
    assert_eq!(type_of("float").numeric_precision(), Some(12));
    assert_eq!(type_of("float").numeric_scale(), None);
    assert_eq!(type_of("double").numeric_precision(), Some(22));
    assert_eq!(type_of("bit(5)").numeric_precision(), Some(5));
    let vc = type_of("varchar(20)");
    assert_eq!(vc.char_max_length(), Some(20));
    assert_eq!(vc.octet_length("utf8mb4"), Some(80));
    assert_eq!(vc.octet_length("latin1"), Some(20));
    assert_eq!(type_of("text").char_max_length(), Some(65535));
    assert_eq!(type_of("text").octet_length("utf8mb4"), Some(65535));
    assert_eq!(type_of("longtext").char_max_length(), Some(4294967295));
    assert_eq!(type_of("enum('a','bbb')").char_max_length(), Some(3));
    assert_eq!(type_of("set('a','bbb')").char_max_length(), Some(5));
    assert_eq!(type_of("datetime(6)").datetime_precision(), Some(6));
    assert_eq!(type_of("timestamp").datetime_precision(), Some(0));
    assert_eq!(type_of("date").datetime_precision(), None);
    assert!(type_of("varchar(3)").is_textual());
    assert!(type_of("enum('a')").is_textual());
    assert!(!type_of("json").is_textual());
    assert!(type_of("varbinary(3)").is_binary());
    assert!(type_of("blob").is_binary());
    assert!(!type_of("text").is_binary());
}

#[test]
fn assign_specs() {
    for (decl, spec) in [
        ("tinyint(1)", "tinyint"),
        ("int unsigned", "int unsigned"),
        ("int(5) zerofill", "int unsigned"),
        ("bigint", "bigint"),
        ("mediumint", "mediumint"),
        ("decimal(10,2)", "decimal(10,2)"),
        ("float(7,4)", "float"),
        ("double", "double"),
        ("char(3)", "char(3)"),
        ("varchar(20)", "varchar(20)"),
        ("text", "text"),
        ("longtext", "longtext"),
        ("binary(4)", "binary(4)"),
        ("varbinary(9)", "varbinary(9)"),
        ("mediumblob", "mediumblob"),
        ("enum('a','b')", "enum('a','b')"),
        ("set('a','b')", "set('a','b')"),
        ("date", "date"),
        ("time(3)", "time(3)"),
        ("datetime(6)", "datetime(6)"),
        ("timestamp", "timestamp(0)"),
        ("year", "year"),
        ("json", "json"),
        ("bit(3)", "bit(3)"),
    ] {
        assert_eq!(type_of(decl).assign_spec(), spec, "{decl}");
    }
}

#[test]
fn sqlite_decls_read_back() {
    for decl in [
        "tinyint(1)",
        "int unsigned",
        "bigint",
        "smallint",
        "mediumint unsigned",
        "decimal(12,3)",
        "float",
        "double",
        "bit(3)",
        "char(3)",
        "varchar(20)",
        "tinytext",
        "text",
        "mediumtext",
        "longtext",
        "binary(4)",
        "varbinary(9)",
        "tinyblob",
        "blob",
        "mediumblob",
        "longblob",
        "date",
        "time(3)",
        "datetime(6)",
        "timestamp",
        "year",
        "json",
    ] {
        let ty = type_of(decl);
        assert_eq!(
            Type::from_sqlite_decl(&ty.sqlite_decl()).as_ref(),
            Some(&ty),
            "{decl} as {}",
            ty.sqlite_decl()
        );
    }
    assert_eq!(
        Type::from_sqlite_decl("ENUM TEXT").map(|t| t.data_type()),
        Some("enum")
    );
    assert_eq!(
        Type::from_sqlite_decl("INTEGER").map(|t| t.show()),
        Some("bigint".to_string())
    );
    assert_eq!(Type::from_sqlite_decl(""), None);
}

/// The declared types give the SQLite affinity chosen for each family.
#[test]
fn sqlite_affinities() {
    let t = table(
        "CREATE TABLE aff (i int, d decimal(10,2), f double, v varchar(10), e enum('1','2'), \
         s set('1'), j json, dt date, tm time, ts datetime(6), y year, b varbinary(4), bl blob, \
         bt bit(4), c char(2))",
    );
    let c = conn();
    install(&c, &t);
    c.execute_batch(
        "INSERT INTO \"db.aff\" VALUES ('12', '12.5', '1.5', '1', '1', '1', '1e2', '2020-01-01', \
         '10', '2020-01-01 00:00:00.000000', '2024', X'01', '1', '5', '01')",
    )
    .unwrap();
    let got = rows(
        &c,
        "SELECT typeof(i), typeof(d), typeof(f), typeof(v), typeof(e), typeof(s), typeof(j), \
         typeof(dt), typeof(tm), typeof(ts), typeof(y), typeof(b), typeof(bl), typeof(bt), \
         typeof(c), j FROM \"db.aff\"",
    );
    let text = |s: &str| Value::Text(s.to_string());
    assert_eq!(
        got[0],
        vec![
            text("integer"),
            text("real"),
            text("real"),
            text("text"),
            text("text"),
            text("text"),
            text("text"),
            text("text"),
            text("text"),
            text("text"),
            text("integer"),
            text("blob"),
            // BLOB affinity keeps a text as text.
            text("text"),
            text("integer"),
            text("text"),
            text("1e2"),
        ]
    );
    // The declared types read back as the MySQL types.
    let decls: Vec<String> = rows(&c, "SELECT type FROM pragma_table_info('db.aff')")
        .into_iter()
        .map(|r| match &r[0] {
            Value::Text(s) => s.clone(),
            _ => String::new(),
        })
        .collect();
    let back: Vec<String> = decls
        .iter()
        .map(|d| {
            Type::from_sqlite_decl(d)
                .map(|t| t.data_type())
                .unwrap_or("?")
                .to_string()
        })
        .collect();
    assert_eq!(
        back,
        [
            "int",
            "decimal",
            "double",
            "varchar",
            "enum",
            "set",
            "json",
            "date",
            "time",
            "datetime",
            "year",
            "varbinary",
            "blob",
            "bit",
            "char"
        ]
    );
}

#[test]
fn type_errors() {
    assert_eq!(err_code(create("CREATE TABLE t (a varchar(20000))")), 1074);
    assert_eq!(err_code(create("CREATE TABLE t (a char(256))")), 1074);
    assert_eq!(err_code(create("CREATE TABLE t (a decimal(66,2))")), 1426);
    assert_eq!(err_code(create("CREATE TABLE t (a decimal(10,31))")), 1425);
    assert_eq!(err_code(create("CREATE TABLE t (a decimal(5,6))")), 1427);
    assert_eq!(err_code(create("CREATE TABLE t (a datetime(7))")), 1426);
    assert_eq!(err_code(create("CREATE TABLE t (a bit(65))")), 1439);
    assert_eq!(err_code(create("CREATE TABLE t (a enum('x','X'))")), 1291);
}

// ---------------------------------------------------------------- CREATE TABLE

/// What Django 5's MySQL backend sends for auth / admin / contenttypes.
#[test]
fn django_migrations() {
    let c = conn();
    let mut user = table(
        "CREATE TABLE `auth_user` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, `password` \
         varchar(128) NOT NULL, `last_login` datetime(6) NULL, `is_superuser` bool NOT NULL, \
         `username` varchar(150) NOT NULL UNIQUE, `first_name` varchar(150) NOT NULL, \
         `last_name` varchar(150) NOT NULL, `email` varchar(254) NOT NULL, `is_staff` bool NOT \
         NULL, `is_active` bool NOT NULL, `date_joined` datetime(6) NOT NULL)",
    );
    assert_eq!(user.indexes[0].kind, IndexKind::Primary);
    assert_eq!(user.indexes[1].name, "username");
    assert_eq!(user.indexes[1].kind, IndexKind::Unique);
    assert!(user.columns[0].auto_increment);
    assert_eq!(user.columns[2].default, Some(ColumnDefault::Null));
    install(&c, &user);
    let ct = table(
        "CREATE TABLE `django_content_type` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, \
         `name` varchar(100) NOT NULL, `app_label` varchar(100) NOT NULL, `model` varchar(100) \
         NOT NULL)",
    );
    install(&c, &ct);
    let ct = alter_in(
        &c,
        &ct,
        "ALTER TABLE `django_content_type` ADD CONSTRAINT \
         `django_content_type_app_label_model_76bd3d3b_uniq` UNIQUE (`app_label`, `model`)",
    );
    let ct = alter_in(
        &c,
        &ct,
        "ALTER TABLE `django_content_type` MODIFY `name` varchar(100) NULL",
    );
    assert!(ct.column("name").unwrap().nullable);
    let ct = alter_in(
        &c,
        &ct,
        "ALTER TABLE `django_content_type` DROP COLUMN `name`",
    );
    assert!(ct.column("name").is_none());
    round_trip(&ct);

    let log = table(
        "CREATE TABLE `django_admin_log` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, \
         `action_time` datetime(6) NOT NULL, `object_id` longtext NULL, `object_repr` \
         varchar(200) NOT NULL, `action_flag` smallint UNSIGNED NOT NULL CHECK (`action_flag` >= \
         0), `change_message` longtext NOT NULL, `content_type_id` integer NULL, `user_id` \
         integer NOT NULL)",
    );
    assert_eq!(log.checks.len(), 1);
    assert_eq!(log.checks[0].name, "django_admin_log_chk_1");
    assert_eq!(log.checks[0].expr, "(`action_flag` >= 0)");
    assert_eq!(log.column("object_id").unwrap().default, None);
    install(&c, &log);
    let log = alter_in(
        &c,
        &log,
        "ALTER TABLE `django_admin_log` ADD CONSTRAINT \
         `django_admin_log_content_type_id_c4bce8eb_fk_django_co` FOREIGN KEY (`content_type_id`) \
         REFERENCES `django_content_type` (`id`)",
    );
    // MySQL's index for the key, named after the constraint.
    assert!(log
        .index("django_admin_log_content_type_id_c4bce8eb_fk_django_co")
        .is_some());
    let log = alter_in(
        &c,
        &log,
        "ALTER TABLE `django_admin_log` ADD CONSTRAINT `django_admin_log_user_id_c564eba6_fk_auth_user_id` \
         FOREIGN KEY (`user_id`) REFERENCES `auth_user` (`id`)",
    );
    assert_eq!(log.foreign_keys.len(), 2);
    round_trip(&log);

    // Django's "add a NOT NULL column with a default, then drop the default".
    user = alter_in(
        &c,
        &user,
        "ALTER TABLE `auth_user` ADD COLUMN `karma` integer DEFAULT 0 NOT NULL",
    );
    c.execute_batch(
        "INSERT INTO \"db.auth_user\" (password, is_superuser, username, first_name, last_name, \
         email, is_staff, is_active, date_joined) VALUES ('p', 0, 'u', 'f', 'l', 'e', 0, 1, \
         '2024-01-01 00:00:00.000000')",
    )
    .unwrap();
    user = alter_in(
        &c,
        &user,
        "ALTER TABLE `auth_user` ALTER COLUMN `karma` DROP DEFAULT",
    );
    assert_eq!(user.column("karma").unwrap().default, None);
    assert_eq!(
        rows(&c, "SELECT id, karma FROM \"db.auth_user\""),
        vec![vec![Value::Integer(1), Value::Integer(0)]]
    );
    // The admin log row referencing the user survives the user table's rebuilds.
    c.execute_batch(
        "INSERT INTO \"db.django_content_type\" (app_label, model) VALUES ('a', 'm'); \
         INSERT INTO \"db.django_admin_log\" (action_time, object_repr, action_flag, \
         change_message, content_type_id, user_id) VALUES ('2024-01-01', 'x', 1, '', 1, 1)",
    )
    .unwrap();
    let e = c
        .execute_batch(
            "INSERT INTO \"db.django_admin_log\" (action_time, object_repr, action_flag, \
             change_message, user_id) VALUES ('2024-01-01', 'x', 1, '', 99)",
        )
        .unwrap_err();
    assert!(e.to_string().contains("FOREIGN KEY"), "{e}");
    let e = c
        .execute_batch(
            "INSERT INTO \"db.django_admin_log\" (action_time, object_repr, action_flag, \
             change_message, user_id) VALUES ('2024-01-01', 'x', -1, '', 1)",
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("django_admin_log_chk_1"),
        "CHECK failure names the constraint: {e}"
    );
    round_trip(&user);
}

/// SQLAlchemy 2's CREATE TABLE for MySQL (tab-indented, trailing-space lines, table-level keys).
#[test]
fn sqlalchemy_tables() {
    let users = table(
        "CREATE TABLE users (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\tname VARCHAR(50) NOT \
         NULL, \n\tfullname VARCHAR(100), \n\tstatus ENUM('active','banned') NOT NULL DEFAULT \
         'active', \n\tscore NUMERIC(10, 2) DEFAULT '0', \n\tis_admin BOOL DEFAULT false, \
         \n\tmeta JSON, \n\tcreated_at DATETIME DEFAULT now(), \n\tPRIMARY KEY (id), \n\tUNIQUE \
         (name)\n)ENGINE=InnoDB",
    );
    assert_eq!(users.indexes[1].name, "name");
    let col = |n: &str| users.column(n).unwrap().clone();
    assert_eq!(
        col("score").default,
        Some(ColumnDefault::Literal("'0.00'".into()))
    );
    assert_eq!(
        col("is_admin").default,
        Some(ColumnDefault::Literal("'0'".into()))
    );
    assert_eq!(
        col("created_at").default,
        Some(ColumnDefault::CurrentTimestamp(0))
    );
    assert_eq!(
        col("status").default,
        Some(ColumnDefault::Literal("'active'".into()))
    );
    assert_eq!(col("meta").default, None);
    let addresses = table(
        "CREATE TABLE addresses (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\tuser_id INTEGER NOT \
         NULL, \n\temail_address VARCHAR(100) NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN \
         KEY(user_id) REFERENCES users (id) ON DELETE CASCADE\n)",
    );
    let fk = &addresses.foreign_keys[0];
    assert_eq!(fk.name, "addresses_ibfk_1");
    assert_eq!(fk.on_delete, Action::Cascade);
    assert_eq!(fk.on_update, Action::NoAction);
    assert_eq!(
        (fk.ref_schema.as_str(), fk.ref_table.as_str()),
        ("db", "users")
    );
    // The index MySQL adds for the key takes the column's name.
    assert_eq!(addresses.indexes[1].name, "user_id");
    assert_eq!(addresses.indexes[1].kind, IndexKind::Key);

    let c = conn();
    install(&c, &users);
    install(&c, &addresses);
    let mut addresses = addresses;
    match parse("CREATE INDEX ix_addresses_email_address ON addresses (email_address)").remove(0) {
        Statement::CreateIndex(ci) => {
            let step = addresses.apply_create_index(&ci).unwrap();
            assert_eq!(
                step,
                AlterStep::CreateIndex("ix_addresses_email_address".into())
            );
            run(
                &c,
                &addresses
                    .sqlite_index_ddl("ix_addresses_email_address", &PlainNames)
                    .unwrap(),
            );
        }
        other => panic!("{other}"),
    }
    c.execute_batch(
        "INSERT INTO \"db.users\" (name) VALUES ('a'), ('b'); \
         INSERT INTO \"db.addresses\" (user_id, email_address) VALUES (1, 'x'), (1, 'y'), (2, 'z'); \
         DELETE FROM \"db.users\" WHERE id = 1",
    )
    .unwrap();
    assert_eq!(
        rows(&c, "SELECT count(*) FROM \"db.addresses\""),
        vec![vec![Value::Integer(1)]]
    );
    assert_eq!(
        rows(
            &c,
            "SELECT status, score, is_admin, created_at FROM \"db.users\""
        ),
        vec![vec![
            Value::Text("active".into()),
            Value::Integer(0),
            Value::Integer(0),
            Value::Text("2024-05-06 07:08:09".into())
        ]]
    );
    round_trip(&users);
    round_trip(&addresses);
}

const DUMP: &str = "CREATE TABLE `orders` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `customer_id` int NOT NULL,
  `code` varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `note` text,
  `amount` decimal(12,2) NOT NULL DEFAULT '0.00',
  `flags` set('gift','rush') DEFAULT NULL,
  `state` enum('new','paid','shipped') NOT NULL DEFAULT 'new',
  `created` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated` datetime(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `shipped` timestamp NULL DEFAULT NULL,
  `total` decimal(13,2) GENERATED ALWAYS AS ((`amount` * 1.1)) STORED,
  `mask` bit(4) DEFAULT b'101',
  `legacy` varchar(10) CHARACTER SET latin1 DEFAULT 'x''y' COMMENT 'old ''data''',
  PRIMARY KEY (`id`),
  UNIQUE KEY `code` (`code`),
  KEY `customer_created` (`customer_id`,`created` DESC),
  KEY `note_prefix` (`note`(20)),
  FULLTEXT KEY `ft_note` (`note`),
  CONSTRAINT `orders_fk_customer` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT,
  CONSTRAINT `orders_chk_1` CHECK ((`amount` >= 0)),
  CONSTRAINT `state_known` CHECK ((`state` in (_utf8mb4'new',_utf8mb4'paid',_utf8mb4'shipped')))
) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='customer orders'";

/// mysqldump's CREATE TABLE (= SHOW CREATE TABLE) comes back exactly.
#[test]
fn mysqldump_form_is_show_create() {
    let (t, auto) = create(DUMP).unwrap();
    assert_eq!(auto, Some(42));
    assert_eq!(t.show_create(Some(42)), DUMP);
    let code = t.column("code").unwrap();
    assert_eq!(code.collation.as_deref(), Some("utf8mb4_bin"));
    let legacy = t.column("legacy").unwrap();
    assert_eq!(
        (legacy.charset.as_deref(), legacy.collation.as_deref()),
        (Some("latin1"), Some("latin1_swedish_ci"))
    );
    assert_eq!(legacy.comment, "old 'data'");
    assert_eq!(
        legacy.default,
        Some(ColumnDefault::Literal("'x''y'".into()))
    );
    assert_eq!(
        t.column("mask").unwrap().default,
        Some(ColumnDefault::Literal("b'101'".into()))
    );
    assert_eq!(t.column("updated").unwrap().on_update_now, Some(6));
    assert_eq!(
        t.column("updated").unwrap().extra(),
        "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(6)"
    );
    assert_eq!(t.column("total").unwrap().extra(), "STORED GENERATED");
    assert_eq!(t.column("id").unwrap().extra(), "auto_increment");
    assert_eq!(t.index("note_prefix").unwrap().parts[0].prefix, Some(20));
    assert!(t.index("customer_created").unwrap().parts[1].desc);
    round_trip(&t);

    let c = conn();
    let customers = table("CREATE TABLE customers (id int PRIMARY KEY)");
    install(&c, &customers);
    install(&c, &t);
    run(&c, &t.auto_increment_sql(&PlainNames, 42));
    c.execute_batch(
        "INSERT INTO \"db.customers\" VALUES (7); INSERT INTO \"db.orders\" (customer_id, code, \
         amount) VALUES (7, 'A', 10)",
    )
    .unwrap();
    assert_eq!(
        rows(
            &c,
            "SELECT id, total, mask, legacy, state FROM \"db.orders\""
        ),
        vec![vec![
            Value::Integer(42),
            // NUMERIC affinity stores 11.0 as the integer 11 (lossless).
            Value::Integer(11),
            Value::Integer(5),
            Value::Text("x'y".into()),
            Value::Text("new".into())
        ]]
    );
}

#[test]
fn show_create_exact_text() {
    let t = table(
        "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, a varchar(20), b int \
         DEFAULT 3, c double NOT NULL, d datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), e \
         text NOT NULL, f int DEFAULT (b + 1), KEY (a), UNIQUE KEY (b, a), CHECK (c > 0)) \
         COMMENT 'hi'",
    );
    assert_eq!(
        t.show_create(Some(3)),
        "CREATE TABLE `t` (
  `id` int NOT NULL AUTO_INCREMENT,
  `a` varchar(20) DEFAULT NULL,
  `b` int DEFAULT '3',
  `c` double NOT NULL,
  `d` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `e` text NOT NULL,
  `f` int DEFAULT ((`b` + 1)),
  PRIMARY KEY (`id`),
  UNIQUE KEY `b` (`b`,`a`),
  KEY `a` (`a`),
  CONSTRAINT `t_chk_1` CHECK ((`c` > 0))
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='hi'"
    );
    // AUTO_INCREMENT=1 is not printed; latin1 tables print no COLLATE.
    let l = table("CREATE TABLE l (a char(2)) DEFAULT CHARSET=latin1");
    assert_eq!(
        l.show_create(Some(1)),
        "CREATE TABLE `l` (\n  `a` char(2) DEFAULT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=latin1"
    );
    // A table with a non-primary collation prints it on every column.
    let u = table("CREATE TABLE u (a varchar(5)) CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci");
    assert_eq!(
        u.show_create(None),
        "CREATE TABLE `u` (\n  `a` varchar(5) COLLATE utf8mb4_unicode_ci DEFAULT NULL\n) \
         ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
    );
    let tmp = table("CREATE TEMPORARY TABLE tt (a int NOT NULL) ROW_FORMAT=DYNAMIC");
    assert_eq!(
        tmp.show_create(None),
        "CREATE TEMPORARY TABLE `tt` (\n  `a` int NOT NULL\n) ENGINE=InnoDB DEFAULT \
         CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci ROW_FORMAT=DYNAMIC"
    );
}

#[test]
fn round_trips() {
    for sql in [
        "CREATE TABLE a (id int PRIMARY KEY)",
        "CREATE TABLE b (x int, y int, PRIMARY KEY (x, y), KEY (y))",
        "CREATE TABLE c (x varchar(10) COLLATE utf8mb4_bin, y char(3) CHARACTER SET ascii, z \
         text CHARACTER SET latin1 COLLATE latin1_bin) ",
        "CREATE TABLE d (x int unsigned zerofill, y tinyint(1) NOT NULL DEFAULT '1', z float(7,3) \
         DEFAULT 1.5, w double DEFAULT -2)",
        "CREATE TABLE e (x datetime DEFAULT '2020-01-02', y time(2) DEFAULT '1:2:3', z date \
         DEFAULT 20200102, w year DEFAULT 99, v timestamp(3) NULL DEFAULT NULL)",
        "CREATE TABLE f (x enum('a','b') DEFAULT 2, y set('a','b','c') DEFAULT 'c,a', z json, w \
         varbinary(4) DEFAULT 'ab', v binary(2) NOT NULL)",
        "CREATE TABLE g (a int, b int AS (a * 2), c int GENERATED ALWAYS AS (a + b) STORED NOT \
         NULL, d varchar(30) DEFAULT (concat('x', 'y')), CONSTRAINT pos CHECK (a > 0 AND b < 10), \
         CHECK (a IS NOT NULL), CHECK (d LIKE 'x%'), CHECK (a BETWEEN 1 AND 5), CHECK (a NOT IN \
         (3, 4)))",
        "CREATE TABLE h (id int, p int, q int, UNIQUE KEY u1 (p) COMMENT 'c', CONSTRAINT fk_h \
         FOREIGN KEY (p) REFERENCES other.par (id) ON UPDATE CASCADE, FOREIGN KEY (q, p) \
         REFERENCES h (id, p) ON DELETE SET NULL)",
        "CREATE TABLE i (a bigint NOT NULL AUTO_INCREMENT, b varchar(191), PRIMARY KEY (a), \
         UNIQUE KEY (b), KEY (b, a), KEY (b(10))) AUTO_INCREMENT=10 COMMENT='it''s'",
        "CREATE TABLE j (`weird ``name` int, `select` int) ENGINE=MyISAM",
        "CREATE TABLE k (x decimal(30,10) DEFAULT '123.45', y bit(1) DEFAULT b'0', z mediumint \
         DEFAULT -8388608)",
        DUMP,
    ] {
        round_trip(&table(sql));
    }
}

#[test]
fn naming_rules() {
    let t = table(
        "CREATE TABLE n (a int, b int, c int, UNIQUE (a), UNIQUE (a, b), KEY a_3 (c), KEY (a), \
         INDEX (b), CONSTRAINT FOREIGN KEY (c) REFERENCES p (id), FOREIGN KEY (b) REFERENCES p \
         (id), CHECK (a > 0), CONSTRAINT named CHECK (b > 0), CHECK (c > 0))",
    );
    let names: Vec<&str> = t.indexes.iter().map(|i| i.name.as_str()).collect();
    // Unique before plain keys; generated names `a`, `a_2`, (a_3 taken) `a_4`; the foreign
    // keys find indexes starting with their columns.
    assert_eq!(names, ["a", "a_2", "a_3", "a_4", "b"]);
    let fks: Vec<&str> = t.foreign_keys.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(fks, ["n_ibfk_1", "n_ibfk_2"]);
    let checks: Vec<&str> = t.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(checks, ["n_chk_1", "named", "n_chk_2"]);
    // ALTER continues the numbering.
    let (t2, _) = alter(
        &t,
        "ALTER TABLE n ADD FOREIGN KEY (a) REFERENCES p (id), ADD CHECK (b < 5)",
    )
    .unwrap();
    assert_eq!(t2.foreign_keys[2].name, "n_ibfk_3");
    assert_eq!(t2.checks[3].name, "n_chk_3");
    // A FOREIGN KEY index_name names the created index when there is no CONSTRAINT name.
    let f = table("CREATE TABLE f (a int, FOREIGN KEY fa (a) REFERENCES p (id))");
    assert_eq!(f.indexes[0].name, "fa");
    // Inline KEY on a column is PRIMARY KEY; PRIMARY KEY columns become NOT NULL.
    let k = table("CREATE TABLE k (a int KEY, b int)");
    assert_eq!(k.indexes[0].kind, IndexKind::Primary);
    assert!(!k.columns[0].nullable);
    // Inline REFERENCES is parsed and ignored by MySQL 8.0.
    let r = table("CREATE TABLE r (a int REFERENCES p (id))");
    assert!(r.foreign_keys.is_empty());
    // Unique keys over NOT NULL columns sort before nullable ones, then prefix keys.
    let o = table(
        "CREATE TABLE o (a int, b int NOT NULL, c varchar(50) NOT NULL, KEY k (a), UNIQUE ua (a), \
         UNIQUE uc (c(5)), UNIQUE ub (b), FULLTEXT ft (c), PRIMARY KEY (c))",
    );
    let names: Vec<&str> = o.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["PRIMARY", "ub", "uc", "ua", "k", "ft"]);
}

#[test]
fn create_errors() {
    let code = |sql: &str| err_code(create(sql));
    assert_eq!(code("CREATE TABLE t (a int, A int)"), 1060);
    assert_eq!(code("CREATE TABLE t (a int, KEY k (a), KEY k (a))"), 1061);
    assert_eq!(
        code("CREATE TABLE t (a int PRIMARY KEY, b int PRIMARY KEY)"),
        1068
    );
    assert_eq!(
        code("CREATE TABLE t (a int PRIMARY KEY, PRIMARY KEY (a))"),
        1068
    );
    assert_eq!(code("CREATE TABLE t (a int AUTO_INCREMENT)"), 1075);
    assert_eq!(
        code("CREATE TABLE t (a int AUTO_INCREMENT, b int AUTO_INCREMENT, KEY (a), KEY (b))"),
        1075
    );
    assert_eq!(
        code("CREATE TABLE t (a int, b int AUTO_INCREMENT, KEY (a, b))"),
        1075
    );
    assert_eq!(
        code("CREATE TABLE t (a varchar(3) AUTO_INCREMENT PRIMARY KEY)"),
        1063
    );
    assert_eq!(code("CREATE TABLE t (a int, KEY (b))"), 1072);
    assert_eq!(
        code("CREATE TABLE t (a int, FOREIGN KEY (b) REFERENCES p (id))"),
        1072
    );
    assert_eq!(code("CREATE TABLE t (a int NOT NULL DEFAULT NULL)"), 1067);
    assert_eq!(code("CREATE TABLE t (a int DEFAULT 'x')"), 1067);
    assert_eq!(code("CREATE TABLE t (a tinyint DEFAULT 300)"), 1067);
    assert_eq!(code("CREATE TABLE t (a int unsigned DEFAULT -1)"), 1067);
    assert_eq!(code("CREATE TABLE t (a varchar(2) DEFAULT 'abc')"), 1067);
    assert_eq!(code("CREATE TABLE t (a enum('x') DEFAULT 'y')"), 1067);
    assert_eq!(code("CREATE TABLE t (a date DEFAULT '2020-02-30')"), 1067);
    assert_eq!(
        code("CREATE TABLE t (a datetime DEFAULT CURRENT_TIMESTAMP(3))"),
        1067
    );
    assert_eq!(
        code("CREATE TABLE t (a int DEFAULT CURRENT_TIMESTAMP)"),
        1067
    );
    assert_eq!(
        code("CREATE TABLE t (a int AUTO_INCREMENT DEFAULT 1 PRIMARY KEY)"),
        1067
    );
    assert_eq!(code("CREATE TABLE t (a text DEFAULT 'x')"), 1101);
    assert_eq!(code("CREATE TABLE t (a json DEFAULT 'x')"), 1101);
    assert_eq!(code("CREATE TABLE t (a text, KEY (a))"), 1170);
    assert_eq!(code("CREATE TABLE t (a int, KEY (a(3)))"), 1089);
    assert_eq!(code("CREATE TABLE t (a varchar(3), KEY (a(4)))"), 1089);
    assert_eq!(code("CREATE TABLE t (a json, KEY (a))"), 3152);
    assert_eq!(code("CREATE TABLE t (a int NULL, PRIMARY KEY (a))"), 1171);
    assert_eq!(
        code(
            "CREATE TABLE t (a int NOT NULL, FOREIGN KEY (a) REFERENCES p (id) ON DELETE SET NULL)"
        ),
        1830
    );
    assert_eq!(code("CREATE TABLE t (a int, KEY `PRIMARY` (a))"), 1280);
    assert_eq!(
        code("CREATE TABLE t (a varchar(3) CHARACTER SET nope)"),
        1115
    );
    assert_eq!(code("CREATE TABLE t (a varchar(3) COLLATE nope_ci)"), 1273);
    assert_eq!(
        code("CREATE TABLE t (a varchar(3) CHARACTER SET latin1 COLLATE utf8mb4_bin)"),
        1253
    );
    assert_eq!(
        code("CREATE TABLE t (a int, CONSTRAINT c CHECK (a > 0), CONSTRAINT c CHECK (a < 9))"),
        3822
    );
    assert_eq!(
        code("CREATE TABLE t (a int, CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id), CONSTRAINT f FOREIGN KEY (a) REFERENCES q (id))"),
        1826
    );
    // DEFAULT forms MySQL takes.
    let t = table(
        "CREATE TABLE t (a timestamp DEFAULT NOW(), b datetime(3) DEFAULT CURRENT_TIMESTAMP(3) \
         ON UPDATE NOW(3), c int DEFAULT NULL, d char(3) CHARACTER SET binary, e varchar(3) \
         CHARACTER SET binary, f text CHARACTER SET binary)",
    );
    assert_eq!(
        t.columns[0].default,
        Some(ColumnDefault::CurrentTimestamp(0))
    );
    assert_eq!(t.columns[1].on_update_now, Some(3));
    assert_eq!(t.columns[3].ty.show(), "binary(3)");
    assert_eq!(t.columns[4].ty.show(), "varbinary(3)");
    assert_eq!(t.columns[5].ty.show(), "blob");
    assert_eq!(t.columns[3].collation, None);
}

#[test]
fn foreign_keys_against_parent() {
    let parent = table("CREATE TABLE p (id int PRIMARY KEY, code varchar(5), k int, KEY (k))");
    let child = table(
        "CREATE TABLE c (a int, b bigint, s varchar(9), n int, FOREIGN KEY (a) REFERENCES p \
         (id), FOREIGN KEY (b) REFERENCES p (id), FOREIGN KEY (s) REFERENCES p (code), FOREIGN \
         KEY (n) REFERENCES p (nope), FOREIGN KEY (a) REFERENCES p (k))",
    );
    let fk = |i: usize| &child.foreign_keys[i];
    assert!(child.check_foreign_key(fk(0), &parent).is_ok());
    assert_eq!(err_code(child.check_foreign_key(fk(1), &parent)), 3780);
    assert_eq!(err_code(child.check_foreign_key(fk(2), &parent)), 1822);
    assert_eq!(err_code(child.check_foreign_key(fk(3), &parent)), 3734);
    assert!(child.check_foreign_key(fk(4), &parent).is_ok());
}

// ---------------------------------------------------------------- SQLite

#[test]
fn sqlite_ddl_shapes() {
    let t = table(
        "CREATE TABLE s (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(20) NOT NULL \
         DEFAULT 'x', at datetime(6) DEFAULT CURRENT_TIMESTAMP(6), KEY k (name DESC))",
    );
    assert!(!t.without_rowid());
    assert_eq!(
        t.sqlite_ddl(&PlainNames).unwrap(),
        vec![
            "CREATE TABLE \"db.s\" (\n  \"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n  \
             \"name\" VARCHAR(20) NOT NULL DEFAULT 'x' COLLATE utf8mb4_0900_ai_ci,\n  \"at\" \
             DATETIME TEXT(6) DEFAULT (now(6))\n)"
                .to_string(),
            "CREATE INDEX \"db.s.k\" ON \"db.s\" (\"name\" DESC)".to_string(),
        ]
    );
    let w = table("CREATE TABLE w (a varchar(5), b int, PRIMARY KEY (a, b))");
    assert!(w.without_rowid());
    let ddl = w.sqlite_ddl(&PlainNames).unwrap();
    assert!(
        ddl[0].ends_with("PRIMARY KEY (\"a\", \"b\")\n) WITHOUT ROWID"),
        "{}",
        ddl[0]
    );
    // A double-quoted name from the engine's SqliteNames is taken as is.
    struct Quoted;
    impl SqliteNames for Quoted {
        fn table(&self, schema: &str, table: &str) -> String {
            format!("\"{schema}.{table}\"")
        }
        fn expr(&self, e: &str) -> Result<String, SqlError> {
            PlainNames.expr(e)
        }
    }
    assert_eq!(w.sqlite_ddl(&Quoted).unwrap(), ddl);
}

#[test]
fn rowid_and_without_rowid_tables_work() {
    let c = conn();
    let a = table("CREATE TABLE a (id bigint unsigned AUTO_INCREMENT PRIMARY KEY, v int)");
    let b = table("CREATE TABLE b (k varchar(10) PRIMARY KEY, v int)");
    let m = table("CREATE TABLE m (x int, y int, z int, PRIMARY KEY (x, y))");
    let nopk = table("CREATE TABLE np (x int)");
    for t in [&a, &b, &m, &nopk] {
        install(&c, t);
    }
    c.execute_batch(
        "INSERT INTO \"db.a\" (v) VALUES (1), (2); DELETE FROM \"db.a\" WHERE id = 2; \
         INSERT INTO \"db.a\" (v) VALUES (3); \
         INSERT INTO \"db.b\" VALUES ('b', 1), ('a', 2); \
         INSERT INTO \"db.m\" VALUES (2, 1, 0), (1, 2, 0), (1, 1, 0);",
    )
    .unwrap();
    // AUTOINCREMENT never reuses a value, like MySQL 8's persisted counter.
    assert_eq!(
        rows(&c, "SELECT id FROM \"db.a\""),
        vec![vec![Value::Integer(1)], vec![Value::Integer(3)]]
    );
    // WITHOUT ROWID: scans come in key order, as InnoDB's clustered index.
    assert_eq!(
        rows(&c, "SELECT k FROM \"db.b\""),
        vec![vec![Value::Text("a".into())], vec![Value::Text("b".into())]]
    );
    assert_eq!(
        rows(&c, "SELECT x, y FROM \"db.m\""),
        vec![
            vec![Value::Integer(1), Value::Integer(1)],
            vec![Value::Integer(1), Value::Integer(2)],
            vec![Value::Integer(2), Value::Integer(1)]
        ]
    );
    // The key's collation makes 'A' a duplicate of 'a' (utf8mb4_0900_ai_ci).
    assert!(c
        .execute_batch("INSERT INTO \"db.b\" VALUES ('A', 3)")
        .is_err());
    assert!(c
        .execute_batch("INSERT INTO \"db.m\" VALUES (NULL, 1, 0)")
        .is_err());
}

#[test]
fn foreign_key_actions_in_sqlite() {
    let c = conn();
    let p = table("CREATE TABLE p (id int PRIMARY KEY, code varchar(3), UNIQUE KEY (code))");
    let ch = table(
        "CREATE TABLE ch (id int PRIMARY KEY, pid int, pc varchar(3), CONSTRAINT f1 FOREIGN KEY \
         (pid) REFERENCES p (id) ON DELETE CASCADE ON UPDATE CASCADE, CONSTRAINT f2 FOREIGN KEY \
         (pc) REFERENCES p (code) ON DELETE SET NULL)",
    );
    let r =
        table("CREATE TABLE r (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p (id))");
    install(&c, &p);
    install(&c, &ch);
    install(&c, &r);
    c.execute_batch(
        "INSERT INTO \"db.p\" VALUES (1, 'a'), (2, 'b'), (3, 'c'); \
         INSERT INTO \"db.ch\" VALUES (10, 1, 'b'), (11, 2, 'a'); \
         INSERT INTO \"db.r\" VALUES (20, 3)",
    )
    .unwrap();
    c.execute_batch("UPDATE \"db.p\" SET id = 5 WHERE id = 1")
        .unwrap();
    assert_eq!(
        rows(&c, "SELECT pid FROM \"db.ch\" WHERE id = 10"),
        vec![vec![Value::Integer(5)]]
    );
    c.execute_batch("DELETE FROM \"db.p\" WHERE code = 'b'")
        .unwrap();
    // id 11 pointed at p 2 (deleted: cascade); id 10 pointed at code 'b' (set null).
    assert_eq!(
        rows(&c, "SELECT id, pid, pc FROM \"db.ch\""),
        vec![vec![Value::Integer(10), Value::Integer(5), Value::Null]]
    );
    // No action clause: RESTRICT, immediate.
    let e = c
        .execute_batch("DELETE FROM \"db.p\" WHERE id = 3")
        .unwrap_err();
    assert!(e.to_string().contains("FOREIGN KEY"), "{e}");
    assert!(c
        .execute_batch("INSERT INTO \"db.r\" VALUES (21, 99)")
        .is_err());
}

// ---------------------------------------------------------------- ALTER TABLE

fn base() -> Table {
    table(
        "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, a varchar(10) NOT NULL, b \
         int DEFAULT 5, c datetime, KEY ka (a), UNIQUE KEY ub (b))",
    )
}

fn seeded() -> (Connection, Table) {
    let c = conn();
    let t = base();
    install(&c, &t);
    c.execute_batch(
        "INSERT INTO \"db.t\" (a, b) VALUES ('x', 1), ('y', 2), ('z', 3); \
         DELETE FROM \"db.t\" WHERE id = 3",
    )
    .unwrap();
    (c, t)
}

fn next_id(c: &Connection) -> i64 {
    next_id_with(c, "a, b", "'n', NULL")
}

fn next_id_with(c: &Connection, cols: &str, vals: &str) -> i64 {
    c.execute_batch(&format!("INSERT INTO \"db.t\" ({cols}) VALUES ({vals})"))
        .unwrap();
    c.query_row("SELECT max(id) FROM \"db.t\"", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn alter_columns() {
    let (c, t) = seeded();
    // ADD COLUMN at the end with a constant default: in place.
    let (t1, plan) = alter(&t, "ALTER TABLE t ADD COLUMN d int NOT NULL DEFAULT 7").unwrap();
    assert_eq!(plan.steps, vec![AlterStep::AddColumn("d".into())]);
    let t1 = {
        run(&c, &plan.sql(&t, &t1, &PlainNames).unwrap());
        t1
    };
    // FIRST / AFTER: rebuild, new column from its (implicit) default.
    let t2 = alter_in(
        &c,
        &t1,
        "ALTER TABLE t ADD COLUMN z varchar(3) NOT NULL FIRST, ADD e date AFTER a",
    );
    let names: Vec<&str> = t2.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["z", "id", "a", "e", "b", "c", "d"]);
    assert_eq!(
        rows(&c, "SELECT z, id, a, e, b, d FROM \"db.t\" ORDER BY id"),
        vec![
            vec![
                Value::Text(String::new()),
                Value::Integer(1),
                Value::Text("x".into()),
                Value::Null,
                Value::Integer(1),
                Value::Integer(7)
            ],
            vec![
                Value::Text(String::new()),
                Value::Integer(2),
                Value::Text("y".into()),
                Value::Null,
                Value::Integer(2),
                Value::Integer(7)
            ],
        ]
    );
    // The AUTOINCREMENT counter survives the rebuild (3 was used and deleted).
    assert_eq!(next_id_with(&c, "z, a", "'', 'n'"), 4);
    // MODIFY changes the type through mysql_assign; CHANGE renames, keys follow.
    let t3 = alter_in(
        &c,
        &t2,
        "ALTER TABLE t MODIFY b bigint NOT NULL DEFAULT 0, CHANGE a title varchar(20) NOT NULL",
    );
    assert_eq!(t3.column("b").unwrap().ty.show(), "bigint");
    assert_eq!(t3.index("ka").unwrap().parts[0].column, "title");
    assert_eq!(
        rows(&c, "SELECT title FROM \"db.t\" ORDER BY id LIMIT 1"),
        vec![vec![Value::Text("x".into())]]
    );
    // Only a comment: catalog only.
    let (t4, plan) = alter(
        &t3,
        "ALTER TABLE t MODIFY b bigint NOT NULL DEFAULT 0 COMMENT 'bee'",
    )
    .unwrap();
    assert_eq!(plan.steps, vec![AlterStep::CatalogOnly]);
    assert_eq!(t4.column("b").unwrap().comment, "bee");
    // RENAME COLUMN in place.
    let (t5, plan) = alter(&t4, "ALTER TABLE t RENAME COLUMN title TO heading").unwrap();
    assert_eq!(
        plan.steps,
        vec![AlterStep::RenameColumn {
            from: "title".into(),
            to: "heading".into()
        }]
    );
    run(&c, &plan.sql(&t4, &t5, &PlainNames).unwrap());
    assert_eq!(t5.index("ka").unwrap().parts[0].column, "heading");
    // SET / DROP DEFAULT.
    let t6 = alter_in(
        &c,
        &t5,
        "ALTER TABLE t ALTER COLUMN d SET DEFAULT 9, ALTER e SET DEFAULT '2020-1-2'",
    );
    assert_eq!(
        t6.column("d").unwrap().default,
        Some(ColumnDefault::Literal("'9'".into()))
    );
    assert_eq!(
        t6.column("e").unwrap().default,
        Some(ColumnDefault::Literal("'2020-01-02'".into()))
    );
    let t7 = alter_in(&c, &t6, "ALTER TABLE t ALTER COLUMN d DROP DEFAULT");
    assert_eq!(t7.column("d").unwrap().default, None);
    // DROP COLUMN takes it out of its indexes, dropping one left empty.
    let t8 = alter_in(&c, &t7, "ALTER TABLE t DROP COLUMN heading, DROP b");
    assert!(t8.index("ka").is_none() && t8.index("ub").is_none());
    assert_eq!(next_id_with(&c, "z, d", "'', 0"), 5);
    round_trip(&t8);
    assert_eq!(err_code(alter(&t8, "ALTER TABLE t DROP COLUMN nope")), 1091);
    assert_eq!(
        err_code(alter(&t8, "ALTER TABLE t ADD COLUMN ID int")),
        1060
    );
    assert_eq!(err_code(alter(&t8, "ALTER TABLE t MODIFY nope int")), 1054);
    assert_eq!(err_code(alter(&t8, "ALTER TABLE t CHANGE d z int")), 1060);
    assert_eq!(
        err_code(alter(&t8, "ALTER TABLE t ADD x int AFTER nope")),
        1054
    );
    assert_eq!(
        err_code(alter(
            &t8,
            "ALTER TABLE t ADD COLUMN x int AUTO_INCREMENT UNIQUE"
        )),
        1075
    );
    // MODIFY without AUTO_INCREMENT drops it, as in MySQL.
    let (t9, _) = alter(&t8, "ALTER TABLE t MODIFY id int NOT NULL").unwrap();
    assert_eq!(t9.auto_increment_column(), None);
    let one = table("CREATE TABLE o (a int)");
    assert_eq!(err_code(alter(&one, "ALTER TABLE o DROP COLUMN a")), 1090);
}

#[test]
fn alter_keys() {
    let (c, t) = seeded();
    let (t1, plan) = alter(
        &t,
        "ALTER TABLE t ADD INDEX ic (c), ADD UNIQUE KEY (a, b), ADD FULLTEXT (a)",
    )
    .unwrap();
    assert_eq!(
        plan.steps,
        vec![
            AlterStep::CreateIndex("ic".into()),
            AlterStep::CreateIndex("a".into()),
            AlterStep::CreateIndex("a_2".into())
        ]
    );
    run(&c, &plan.sql(&t, &t1, &PlainNames).unwrap());
    let names: Vec<&str> = t1.indexes.iter().map(|i| i.name.as_str()).collect();
    // Both UNIQUE keys have a nullable column: creation order.
    assert_eq!(names, ["PRIMARY", "ub", "a", "ka", "ic", "a_2"]);
    // Duplicates refuse a UNIQUE index.
    c.execute_batch(
        "INSERT INTO \"db.t\" (a, b, c) VALUES ('q', 10, '2020-01-01'), ('q', 11, '2020-01-01')",
    )
    .unwrap();
    let (t2, plan) = alter(&t1, "ALTER TABLE t ADD CONSTRAINT uc UNIQUE (c)").unwrap();
    let sql = plan.sql(&t1, &t2, &PlainNames).unwrap();
    assert!(c.execute_batch(&sql[0]).is_err());
    // DROP INDEX / KEY, RENAME INDEX.
    let (t3, plan) = alter(&t1, "ALTER TABLE t DROP INDEX ic").unwrap();
    assert_eq!(plan.steps, vec![AlterStep::DropIndex("ic".into())]);
    run(&c, &plan.sql(&t1, &t3, &PlainNames).unwrap());
    let mut t4 = t3.clone();
    let step = t4.rename_index("ka", "k_a").unwrap();
    let mut plan = mysql_dialect::schema::AlterPlan::new(&t3);
    plan.push(step);
    run(&c, &plan.sql(&t3, &t4, &PlainNames).unwrap());
    assert!(t4.index("k_a").is_some());
    let mut t5 = t4.clone();
    assert_eq!(err_code(t5.drop_index("nope")), 1091);
    assert_eq!(err_code(t5.rename_index("nope", "x")), 1176);
    assert_eq!(err_code(t5.rename_index("k_a", "ub")), 1061);
    assert_eq!(err_code(alter(&t4, "ALTER TABLE t DROP INDEX nope")), 1091);
    assert_eq!(err_code(alter(&t4, "ALTER TABLE t ADD INDEX ub (c)")), 1061);
    assert_eq!(
        err_code(alter(&t4, "ALTER TABLE t ADD PRIMARY KEY (a)")),
        1068
    );
    assert_eq!(err_code(alter(&t4, "ALTER TABLE t ADD INDEX (nope)")), 1072);
    // PRIMARY KEY changes rebuild; the auto column must stay a key.
    assert_eq!(err_code(alter(&t4, "ALTER TABLE t DROP PRIMARY KEY")), 1075);
    let t6 = alter_in(
        &c,
        &t4,
        "ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, a)",
    );
    assert!(t6.without_rowid());
    assert_eq!(
        t6.auto_increment_column().map(|c| c.name.as_str()),
        Some("id")
    );
    let t7 = alter_in(
        &c,
        &t6,
        "ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id)",
    );
    assert!(!t7.without_rowid());
    round_trip(&t7);
    let no_pk = table("CREATE TABLE n (a int)");
    assert_eq!(
        err_code(alter(&no_pk, "ALTER TABLE n DROP PRIMARY KEY")),
        1091
    );
}

#[test]
fn alter_constraints() {
    let c = conn();
    let p = table("CREATE TABLE p (id int PRIMARY KEY)");
    install(&c, &p);
    let t = table("CREATE TABLE t (id int PRIMARY KEY, pid int, n int)");
    install(&c, &t);
    c.execute_batch("INSERT INTO \"db.p\" VALUES (1); INSERT INTO \"db.t\" VALUES (1, 1, 5)")
        .unwrap();
    let t1 = alter_in(
        &c,
        &t,
        "ALTER TABLE t ADD CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE, \
         ADD CONSTRAINT pos CHECK (n > 0)",
    );
    assert!(t1.index("fk_p").is_some());
    assert!(c
        .execute_batch("INSERT INTO \"db.t\" VALUES (2, 1, -1)")
        .unwrap_err()
        .to_string()
        .contains("pos"));
    // A CHECK that rows break fails the rebuild.
    let (t2, plan) = alter(&t1, "ALTER TABLE t ADD CHECK (n > 10)").unwrap();
    let sql = plan.sql(&t1, &t2, &PlainNames).unwrap();
    c.execute_batch("BEGIN").unwrap();
    let failed = sql.iter().any(|s| c.execute_batch(s).is_err());
    c.execute_batch("ROLLBACK").unwrap();
    assert!(failed);
    // The FK needs its index; the column its FK.
    assert_eq!(err_code(alter(&t1, "ALTER TABLE t DROP INDEX fk_p")), 1553);
    assert_eq!(err_code(alter(&t1, "ALTER TABLE t DROP COLUMN pid")), 1828);
    assert_eq!(
        err_code(alter(&t1, "ALTER TABLE t RENAME COLUMN n TO m")),
        3959
    );
    // A CHECK on the dropped column alone goes with it.
    let (t3, _) = alter(&t1, "ALTER TABLE t DROP COLUMN n").unwrap();
    assert!(t3.checks.is_empty());
    let t4 = alter_in(&c, &t1, "ALTER TABLE t DROP FOREIGN KEY fk_p");
    assert!(t4.foreign_keys.is_empty());
    assert!(t4.index("fk_p").is_some(), "MySQL keeps the index");
    c.execute_batch("INSERT INTO \"db.t\" VALUES (3, 99, 1)")
        .unwrap();
    let t5 = alter_in(&c, &t4, "ALTER TABLE t DROP CONSTRAINT pos");
    assert!(t5.checks.is_empty());
    c.execute_batch("INSERT INTO \"db.t\" VALUES (4, 99, -1)")
        .unwrap();
    assert_eq!(
        err_code(alter(&t5, "ALTER TABLE t DROP FOREIGN KEY nope")),
        1091
    );
    assert_eq!(
        err_code(alter(&t5, "ALTER TABLE t DROP CONSTRAINT nope")),
        3940
    );
    let mut t6 = t5.clone();
    assert_eq!(err_code(t6.drop_check("nope")), 3821);
    // Generated column dependencies.
    let g = table("CREATE TABLE g (a int, b int AS (a + 1))");
    assert_eq!(err_code(alter(&g, "ALTER TABLE g DROP COLUMN a")), 3108);
    assert_eq!(err_code(alter(&g, "ALTER TABLE g CHANGE a z int")), 3108);
}

#[test]
fn alter_table_options_and_rename() {
    let (c, t) = seeded();
    let mut t1 = t.clone();
    let opts = Table::parse_table_options(
        &Parser::new(&MySqlDialect {})
            .try_with_sql("ENGINE=innodb COMMENT='new' DEFAULT CHARSET=latin1 ROW_FORMAT=compact")
            .unwrap()
            .parse_plain_options()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        t1.apply_table_options(&opts).unwrap(),
        AlterStep::CatalogOnly
    );
    assert_eq!(
        (t1.charset.as_str(), t1.collation.as_str()),
        ("latin1", "latin1_swedish_ci")
    );
    assert_eq!(t1.comment, "new");
    // Existing columns keep their charset; new ones take the new default.
    assert_eq!(t1.column("a").unwrap().charset.as_deref(), Some("utf8mb4"));
    let (t2, _) = alter(&t1, "ALTER TABLE t ADD COLUMN l varchar(3)").unwrap();
    assert_eq!(t2.column("l").unwrap().charset.as_deref(), Some("latin1"));
    assert!(t2
        .show_create(None)
        .contains("`a` varchar(10) CHARACTER SET utf8mb4 NOT NULL"));
    round_trip(&t2);
    let mut t3 = t2.clone();
    let step = t3.convert_charset("utf8mb4", Some("utf8mb4_bin")).unwrap();
    assert!(matches!(step, AlterStep::Rebuild(_)));
    assert!(t3
        .columns
        .iter()
        .filter(|c| c.ty.is_textual())
        .all(|c| c.collation.as_deref() == Some("utf8mb4_bin")));
    // AUTO_INCREMENT=n moves the counter (never below max + 1).
    let (t4, plan) = alter(&t, "ALTER TABLE t AUTO_INCREMENT = 100").unwrap();
    assert_eq!(plan.steps, vec![AlterStep::AutoIncrement(100)]);
    run(&c, &plan.sql(&t, &t4, &PlainNames).unwrap());
    assert_eq!(next_id(&c), 100);
    run(&c, &t4.auto_increment_sql(&PlainNames, 1));
    assert_eq!(next_id(&c), 101);
    // RENAME TO moves the table and its indexes; a later table may reuse the old names.
    let (t5, plan) = alter(&t4, "ALTER TABLE t RENAME TO db2.u").unwrap();
    assert_eq!(
        plan.steps,
        vec![AlterStep::RenameTable {
            schema: Some("db2".into()),
            name: "u".into()
        }]
    );
    assert_eq!((t5.schema.as_str(), t5.name.as_str()), ("db2", "u"));
    run(&c, &plan.sql(&t4, &t5, &PlainNames).unwrap());
    install(&c, &t);
    assert_eq!(
        rows(&c, "SELECT count(*) FROM \"db2.u\""),
        vec![vec![Value::Integer(4)]]
    );
    // Rename and rebuild together.
    let t6 = alter_in(&c, &t5, "ALTER TABLE u ADD COLUMN q int FIRST, RENAME TO v");
    assert_eq!((t6.schema.as_str(), t6.name.as_str()), ("db2", "v"));
    assert_eq!(
        rows(&c, "SELECT count(*) FROM \"db2.v\""),
        vec![vec![Value::Integer(4)]]
    );
    c.execute_batch("INSERT INTO \"db2.v\" (a) VALUES ('r')")
        .unwrap();
    assert_eq!(
        rows(&c, "SELECT max(id) FROM \"db2.v\""),
        vec![vec![Value::Integer(102)]]
    );
}

#[test]
fn rebuild_keeps_children_pointing_at_the_parent() {
    let c = conn();
    let p = table("CREATE TABLE p (id int AUTO_INCREMENT PRIMARY KEY, v int)");
    let ch = table("CREATE TABLE ch (id int PRIMARY KEY, pid int, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE)");
    install(&c, &p);
    install(&c, &ch);
    c.execute_batch(
        "INSERT INTO \"db.p\" (v) VALUES (1), (2); INSERT INTO \"db.ch\" VALUES (1, 1), (2, 2)",
    )
    .unwrap();
    let (p2, plan) = alter(
        &p,
        "ALTER TABLE p MODIFY v bigint, ADD w int NOT NULL FIRST",
    )
    .unwrap();
    let mapping = plan.mapping.clone();
    assert_eq!(
        mapping,
        vec![
            ("w".to_string(), None),
            ("id".to_string(), Some("id".to_string())),
            ("v".to_string(), Some("v".to_string()))
        ]
    );
    let sql = rebuild_sql(&p, &p2, &mapping, &PlainNames).unwrap();
    assert!(
        sql.iter()
            .any(|s| s.contains("mysql_assign(\"v\", 'bigint', 'v')")),
        "{sql:?}"
    );
    c.execute_batch("PRAGMA foreign_keys=OFF; BEGIN").unwrap();
    run(&c, &sql);
    c.execute_batch("COMMIT; PRAGMA foreign_keys=ON").unwrap();
    c.execute_batch("DELETE FROM \"db.p\" WHERE id = 1")
        .unwrap();
    assert_eq!(
        rows(&c, "SELECT id FROM \"db.ch\""),
        vec![vec![Value::Integer(2)]]
    );
    // Catalogs of children follow a parent rename.
    let mut ch2 = ch.clone();
    assert!(ch2.follow_parent_rename(("db", "p"), ("db", "q"), None));
    assert_eq!(ch2.foreign_keys[0].ref_table, "q");
}

#[test]
fn serde_json_catalog_entry() {
    let t = table(DUMP);
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(json["name"], "orders");
    assert_eq!(json["columns"][0]["ty"]["Int"]["kind"], "Big");
    let back: Table = serde_json::from_value(json).unwrap();
    assert_eq!(back, t);
    let v = Table::view("db", "v", "SELECT 1");
    assert_eq!(v.view_definition(), Some("SELECT 1"));
}

#[test]
fn defaults_for_the_engine() {
    let t = table(
        "CREATE TABLE d (a int DEFAULT 3, b varchar(5) DEFAULT 'it''s', c bit(3) DEFAULT 5, d \
         varbinary(3) DEFAULT 'ab', e datetime(2) DEFAULT NOW(2), f int DEFAULT (a * 2), g int, \
         h int NOT NULL, i decimal(5,1) DEFAULT 2)",
    );
    let col = |n: &str| t.column(n).unwrap();
    let sql = |n: &str| col(n).sqlite_default(&PlainNames).unwrap();
    assert_eq!(sql("a").as_deref(), Some("3"));
    assert_eq!(sql("b").as_deref(), Some("'it''s'"));
    assert_eq!(sql("c").as_deref(), Some("5"));
    assert_eq!(sql("d").as_deref(), Some("X'6162'"));
    assert_eq!(sql("e").as_deref(), Some("now(2)"));
    assert_eq!(sql("f").as_deref(), Some("((\"a\" * 2))"));
    assert_eq!(sql("g").as_deref(), Some("NULL"));
    assert_eq!(sql("h"), None);
    assert_eq!(sql("i").as_deref(), Some("2.0"));
    assert_eq!(
        col("b").default.as_ref().and_then(|d| d.value()).as_deref(),
        Some("it's")
    );
    // information_schema COLUMN_DEFAULT.
    assert_eq!(col("b").default_text().as_deref(), Some("it's"));
    assert_eq!(col("c").default_text().as_deref(), Some("b'101'"));
    assert_eq!(
        col("e").default_text().as_deref(),
        Some("CURRENT_TIMESTAMP(2)")
    );
    assert_eq!(col("f").default_text().as_deref(), Some("(`a` * 2)"));
    assert_eq!(col("g").default_text(), None);
    assert_eq!(col("e").extra(), "DEFAULT_GENERATED");
}

#[test]
fn not_enforced_checks() {
    let t = table("CREATE TABLE ne (a int, CONSTRAINT c CHECK (a > 0) NOT ENFORCED)");
    assert!(!t.checks[0].enforced);
    assert!(t
        .show_create(None)
        .contains("CONSTRAINT `c` CHECK ((`a` > 0)) /*!80016 NOT ENFORCED */"));
    round_trip(&t);
    let c = conn();
    install(&c, &t);
    c.execute_batch("INSERT INTO \"db.ne\" VALUES (-1)")
        .unwrap();
}

/// Only an AUTO_INCREMENT key is SQLite's rowid: another integer key is a WITHOUT ROWID key,
/// so NULL is refused as MySQL does instead of becoming a new rowid.
#[test]
fn integer_keys_without_auto_increment_refuse_null() {
    let c = conn();
    let t = table("CREATE TABLE pk (id int PRIMARY KEY, v int)");
    assert!(t.rowid_column().is_none() && t.without_rowid());
    install(&c, &t);
    assert!(c
        .execute_batch("INSERT INTO \"db.pk\" VALUES (NULL, 1)")
        .is_err());
    let a = table("CREATE TABLE pa (id int AUTO_INCREMENT PRIMARY KEY)");
    assert_eq!(a.rowid_column().map(|c| c.name.as_str()), Some("id"));
}

#[test]
fn key_length_limit() {
    assert_eq!(
        err_code(create("CREATE TABLE t (a varchar(1000), KEY (a))")),
        1071
    );
    assert_eq!(
        err_code(create(
            "CREATE TABLE t (a varchar(700), b varchar(100), UNIQUE (a, b))"
        )),
        1071
    );
    table("CREATE TABLE t (a varchar(1000), KEY (a(768)))");
    table("CREATE TABLE t (a varchar(3000) CHARACTER SET latin1, KEY (a))");
    table("CREATE TABLE t (a text, FULLTEXT (a))");
}

#[test]
fn like_and_schema_wide_names() {
    let t = table(
        "CREATE TABLE a (id int PRIMARY KEY, p int, CONSTRAINT fa FOREIGN KEY (p) REFERENCES a \
         (id), CONSTRAINT ca CHECK (p > 0))",
    );
    let l = t.like("db", "b", false);
    assert!(l.foreign_keys.is_empty());
    assert_eq!(l.checks[0].name, "b_chk_1");
    assert_eq!(l.indexes.len(), t.indexes.len());
    l.check_constraint_names([&t]).unwrap();
    let clash = table("CREATE TABLE c (p int, CONSTRAINT ca CHECK (p < 0))");
    assert_eq!(err_code(clash.check_constraint_names([&t, &l])), 3822);
    let clash = table("CREATE TABLE d (p int, CONSTRAINT fa FOREIGN KEY (p) REFERENCES a (id))");
    assert_eq!(err_code(clash.check_constraint_names([&t])), 1826);
}

#[test]
fn temporary_tables_in_sqlite() {
    let c = conn();
    let t = table("CREATE TEMPORARY TABLE tt (id int AUTO_INCREMENT PRIMARY KEY, a int, KEY (a))");
    install(&c, &t);
    let t2 = alter_in(&c, &t, "ALTER TABLE tt ADD b int FIRST");
    c.execute_batch("INSERT INTO \"db.tt\" (a) VALUES (1)")
        .unwrap();
    assert_eq!(
        rows(
            &c,
            "SELECT count(*) FROM temp.sqlite_master WHERE name = 'db.tt.a'"
        ),
        vec![vec![Value::Integer(1)]]
    );
    assert!(t2.temporary);
}

/// A type change runs every value through mysql_assign: MySQL's conversions and errors.
#[test]
fn rebuild_converts_values_like_mysql() {
    let c = conn();
    let t =
        table("CREATE TABLE cv (id int AUTO_INCREMENT PRIMARY KEY, s varchar(10), d datetime(3))");
    install(&c, &t);
    c.execute_batch(
        "INSERT INTO \"db.cv\" (s, d) VALUES ('12', '2020-01-02 03:04:05.678'), ('7', NULL)",
    )
    .unwrap();
    let t2 = alter_in(&c, &t, "ALTER TABLE cv MODIFY s int, MODIFY d datetime");
    assert_eq!(
        rows(&c, "SELECT s, d FROM \"db.cv\" ORDER BY id"),
        vec![
            vec![
                Value::Integer(12),
                Value::Text("2020-01-02 03:04:06".into())
            ],
            vec![Value::Integer(7), Value::Null]
        ]
    );
    c.execute_batch("INSERT INTO \"db.cv\" (s) VALUES (123456)")
        .unwrap();
    let (t3, plan) = alter(&t2, "ALTER TABLE cv MODIFY s tinyint").unwrap();
    let sql = plan.sql(&t2, &t3, &PlainNames).unwrap();
    c.execute_batch("BEGIN").unwrap();
    let err = sql.iter().find_map(|s| c.execute_batch(s).err());
    c.execute_batch("ROLLBACK").unwrap();
    let err = err.expect("out of range").to_string();
    assert!(err.contains("1264"), "{err}");
}

#[test]
fn unique_index_for_sqlite_errors() {
    let t = base();
    assert_eq!(
        t.unique_index_for(&["id"]).map(|i| i.name.as_str()),
        Some("PRIMARY")
    );
    assert_eq!(
        t.unique_index_for(&["B"]).map(|i| i.name.as_str()),
        Some("ub")
    );
    assert!(t.unique_index_for(&["a"]).is_none());
}
