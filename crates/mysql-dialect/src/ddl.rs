//! DDL: databases, tables, indexes and views. Each statement commits what was open before it
//! (MySQL's implicit commit) and runs as one SQLite transaction that changes the SQLite
//! objects and the data dictionary together, so it lands whole or not at all, and a backtrack
//! takes it back whole.

use std::ops::ControlFlow;
use std::sync::Arc;

use sqlparser::ast::{
    AlterTableOperation, CreateTable, Expr, Ident, ObjectName, ObjectType, Statement, VisitMut,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use crate::catalog::{self, Kind, Schema};
use crate::error::SqlError;
use crate::outcome::Outcome;
use crate::schema::{AlterOperation, SchemaDefaults, SqliteNames, Table};
use crate::session::{ok, quote_ident, Session};
use crate::translate::{resolve, table_ident, Rewrite, SessionValues};
use crate::views::Define;

/// Names and expressions for the SQLite DDL of stored definitions: expressions there run
/// later, on every connection, so session values are not folded in.
struct Names;

/// No session: `DEFAULT (expr)` and CHECK expressions keep their function calls.
struct NoSession;

impl SessionValues for NoSession {
    fn database(&self) -> Option<&str> {
        None
    }
    fn user_variable(&self, _: &str) -> sqlparser::ast::Value {
        sqlparser::ast::Value::Null
    }
    fn system_variable(&self, name: &str) -> Result<sqlparser::ast::Value, SqlError> {
        Err(SqlError::unknown_variable(name))
    }
    fn session_function(&self, _: &str) -> Option<sqlparser::ast::Value> {
        None
    }
}

impl SqliteNames for Names {
    fn expr(&self, mysql: &str) -> Result<String, SqlError> {
        let dialect = MySqlDialect {};
        let mut e: Expr = Parser::new(&dialect)
            .try_with_sql(mysql)
            .and_then(|mut p| p.parse_expr())
            .map_err(|e| crate::session::parse_error(mysql, &e))?;
        let session = NoSession;
        let mut rw = Rewrite::new(&session, mysql);
        let _: ControlFlow<()> = e.visit(&mut rw);
        match rw.error {
            Some(err) => Err(err),
            None => Ok(e.to_string()),
        }
    }
}

fn names_of(name: &ObjectName) -> String {
    name.to_string().replace('`', "")
}

impl Session {
    /// Runs a DDL statement (or anything not handled elsewhere) as its own transaction.
    pub(crate) fn ddl(&mut self, statement: Statement, text: &str) -> Result<Outcome, SqlError> {
        let temporary = matches!(&statement, Statement::CreateTable(c) if c.temporary);
        if self.config.read_only && !temporary {
            return Err(SqlError::read_only());
        }
        if !is_ddl(&statement) {
            return Err(SqlError::not_supported(first_words(text)));
        }
        self.run_ddl(|s| s.ddl_statement(statement, text))
    }

    /// Runs `f`, a DDL statement's work, as its own transaction (MySQL's implicit commit),
    /// with SQLite's foreign keys off while tables are rebuilt.
    fn run_ddl(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<Outcome, SqlError>,
    ) -> Result<Outcome, SqlError> {
        self.commit_open()?;
        self.ensure_dictionary()?;
        let checks = self.foreign_key_checks();
        self.exec("PRAGMA foreign_keys = OFF")?;
        // Committed by itself even with autocommit = 0 (MySQL's implicit commit): left open, a
        // ROLLBACK would undo it, and the PRAGMA below would be a no-op inside the open
        // transaction, leaving foreign keys unchecked on this session.
        let autocommit = std::mem::replace(&mut self.autocommit, true);
        let result = self.write(f);
        self.autocommit = autocommit;
        if checks {
            self.exec("PRAGMA foreign_keys = ON")?;
        }
        result
    }

    /// `@@foreign_key_checks`.
    pub(crate) fn foreign_key_checks(&self) -> bool {
        !matches!(
            self.system_value("foreign_key_checks"),
            Some(rusqlite::types::Value::Integer(0))
        )
    }

    fn ddl_statement(&mut self, statement: Statement, text: &str) -> Result<Outcome, SqlError> {
        match statement {
            Statement::CreateDatabase {
                db_name,
                if_not_exists,
                default_charset,
                default_collation,
                ..
            } => self.create_database(
                &names_of(&db_name),
                if_not_exists,
                default_charset,
                default_collation,
            ),
            Statement::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => self.create_database(
                &schema_name.to_string().replace('`', ""),
                if_not_exists,
                None,
                None,
            ),
            Statement::Drop {
                object_type,
                if_exists,
                names,
                table,
                ..
            } => match object_type {
                ObjectType::Schema | ObjectType::Database => {
                    let mut done = ok(0);
                    for name in &names {
                        match self.drop_database(&names_of(name), if_exists)? {
                            Some(n) => done.affected_rows += n,
                            None => done.warnings += 1,
                        }
                    }
                    done.matched_rows = done.affected_rows;
                    Ok(Outcome::Ok(done))
                }
                ObjectType::Table => {
                    let missing = self.drop_tables(&names, if_exists, Kind::Table)?;
                    Ok(Outcome::Ok(noted(missing)))
                }
                ObjectType::View => {
                    let missing = self.drop_tables(&names, if_exists, Kind::View)?;
                    Ok(Outcome::Ok(noted(missing)))
                }
                ObjectType::Index => {
                    let Some(table) = table else {
                        return Err(SqlError::syntax("", 1));
                    };
                    for name in &names {
                        let op = parse_alter_op(&format!(
                            "ALTER TABLE t DROP INDEX {}",
                            quote_mysql(&names_of(name))
                        ))?;
                        self.alter_table(&table, &[op])?;
                    }
                    Ok(Outcome::Ok(ok(0)))
                }
                other => Err(SqlError::not_supported(format!("DROP {other}"))),
            },
            Statement::CreateTable(ct) => self.create_table(&ct, text),
            Statement::AlterTable(alter) => {
                self.alter_table(&alter.name, &alter.operations)?;
                Ok(Outcome::Ok(ok(0)))
            }
            Statement::CreateIndex(ci) => {
                let kind = if ci.unique { "UNIQUE INDEX" } else { "INDEX" };
                let name = ci
                    .name
                    .as_ref()
                    .map(|n| quote_mysql(&names_of(n)))
                    .unwrap_or_default();
                let columns: Vec<String> = ci.columns.iter().map(|c| c.to_string()).collect();
                let op = parse_alter_op(&format!(
                    "ALTER TABLE t ADD {kind} {name} ({})",
                    columns.join(", ")
                ))?;
                self.alter_table(&ci.table_name, &[op])?;
                Ok(Outcome::Ok(ok(0)))
            }
            Statement::RenameTable(renames) => {
                for r in renames {
                    self.rename_table(&r.old_name, &r.new_name)?;
                }
                Ok(Outcome::Ok(ok(0)))
            }
            Statement::Truncate(t) => {
                for target in &t.table_names {
                    let (db, name) = resolve(self.database.as_deref(), &target.name)?;
                    let table = self.base_table(&db, &name)?;
                    if self.foreign_key_checks() {
                        self.refuse_truncate_of_parent(&db, &name)?;
                    }
                    self.exec(&format!("DELETE FROM {}", table_ident(&db, &name)))?;
                    self.reset_sequence(&table)?;
                }
                Ok(Outcome::Ok(ok(0)))
            }
            Statement::CreateView(v) => {
                let columns = v.columns.iter().map(|c| c.name.clone()).collect();
                let mode = if v.or_replace {
                    Define::Replace
                } else {
                    Define::Create
                };
                self.define_view(&v.name, columns, *v.query, mode, text)
            }
            Statement::AlterView(a) => match a.operation {
                sqlparser::ast::AlterViewOperation::As { columns, query, .. } => {
                    self.define_view(&a.name, columns, *query, Define::Alter, text)
                }
                _ => Err(SqlError::not_supported("ALTER VIEW")),
            },
            other => Err(SqlError::not_supported(first_words(&other.to_string()))),
        }
    }

    fn create_database(
        &mut self,
        name: &str,
        if_not_exists: bool,
        charset: Option<String>,
        collation: Option<String>,
    ) -> Result<Outcome, SqlError> {
        if catalog::is_system(name) || catalog::schema(self.conn(), name)?.is_some() {
            if if_not_exists {
                return Ok(Outcome::Ok(noted(1)));
            }
            return Err(SqlError::database_exists(name));
        }
        let charset = charset.unwrap_or_else(|| "utf8mb4".to_owned());
        let collation = collation.unwrap_or_else(|| {
            if charset.eq_ignore_ascii_case("utf8mb4") {
                "utf8mb4_0900_ai_ci".to_owned()
            } else {
                format!("{charset}_general_ci")
            }
        });
        catalog::put_schema(
            self.conn(),
            &Schema {
                name: name.to_owned(),
                charset,
                collation,
            },
        )?;
        Ok(Outcome::Ok(ok(1)))
    }

    /// Drops a database: the number of its tables, or None when IF EXISTS found none.
    fn drop_database(&mut self, name: &str, if_exists: bool) -> Result<Option<u64>, SqlError> {
        if catalog::is_system(name) {
            return Err(SqlError::access_denied(&self.config.user, name));
        }
        if catalog::schema(self.conn(), name)?.is_none() {
            if if_exists {
                return Ok(None);
            }
            return Err(SqlError::drop_missing_database(name));
        }
        let tables = catalog::table_names(self.conn(), name)?;
        for (t, kind) in &tables {
            let sqlite = table_ident(name, t).to_string();
            let what = if *kind == Kind::View { "VIEW" } else { "TABLE" };
            self.exec(&format!("DROP {what} IF EXISTS {sqlite}"))?;
            catalog::delete_table(self.conn(), name, t)?;
        }
        catalog::delete_schema(self.conn(), name)?;
        if self.database.as_deref() == Some(name) {
            self.database = None;
        }
        Ok(Some(tables.len() as u64))
    }

    fn drop_tables(
        &mut self,
        names: &[ObjectName],
        if_exists: bool,
        kind: Kind,
    ) -> Result<usize, SqlError> {
        let mut missing = Vec::new();
        let mut dropping = Vec::new();
        for n in names {
            let (db, t) = resolve(self.database.as_deref(), n)?;
            if catalog::is_system(&db) {
                return Err(SqlError::access_denied(&self.config.user, &db));
            }
            dropping.push((db, t));
        }
        if kind == Kind::Table && self.foreign_key_checks() {
            // A table another table's foreign key references cannot go (unless both do).
            for (_, other, _) in catalog::all_tables(self.conn())? {
                if dropping.contains(&(other.schema.clone(), other.name.clone())) {
                    continue;
                }
                for fk in &other.foreign_keys {
                    if dropping.contains(&(fk.ref_schema.clone(), fk.ref_table.clone())) {
                        return Err(SqlError::new(
                            3730,
                            "HY000",
                            format!(
                                "Cannot drop table '{}' referenced by a foreign key constraint '{}' on table '{}'.",
                                fk.ref_table, fk.name, other.name
                            ),
                        ));
                    }
                }
            }
        }
        for (db, t) in dropping {
            match self.table(&db, &t)? {
                Some((k, _)) if k == kind => {
                    let sqlite = table_ident(&db, &t).to_string();
                    let what = if kind == Kind::View { "VIEW" } else { "TABLE" };
                    self.exec(&format!("DROP {what} {sqlite}"))?;
                    catalog::delete_table(self.conn(), &db, &t)?;
                    self.config
                        .auto_increments
                        .forget(&crate::schema::sqlite_table_name(&db, &t));
                }
                Some((Kind::Table, _)) if kind == Kind::View => {
                    return Err(crate::views::not_a_view(&db, &t));
                }
                _ => missing.push(format!("{db}.{t}")),
            }
        }
        if !missing.is_empty() && !if_exists {
            return Err(SqlError::new(
                1051,
                "42S02",
                format!("Unknown table '{}'", missing.join(",")),
            ));
        }
        Ok(missing.len())
    }

    pub(crate) fn schema_defaults(&self, db: &str) -> Result<SchemaDefaults, SqlError> {
        let s = catalog::schema(self.conn(), db)?.ok_or_else(|| SqlError::unknown_database(db))?;
        Ok(SchemaDefaults {
            charset: s.charset,
            collation: s.collation,
        })
    }

    fn create_table(&mut self, ct: &CreateTable, text: &str) -> Result<Outcome, SqlError> {
        let (db, name) = resolve(self.database.as_deref(), &ct.name)?;
        if catalog::is_system(&db) {
            return Err(SqlError::access_denied(&self.config.user, &db));
        }
        let defaults = self.schema_defaults(&db)?;
        if self.table(&db, &name)?.is_some() {
            if ct.if_not_exists {
                return Ok(Outcome::Ok(noted(1)));
            }
            return Err(SqlError::table_exists(&name));
        }
        if ct.columns.is_empty() && ct.constraints.is_empty() && ct.query.is_none() {
            if let Some(at) = empty_column_list(text) {
                let line = text[..at].matches('\n').count() as u64 + 1;
                return Err(SqlError::syntax(&text[at..], line));
            }
        }
        let (table, auto_increment) = if let Some(like) = &ct.like {
            let like_name = match like {
                sqlparser::ast::CreateTableLikeKind::Parenthesized(l)
                | sqlparser::ast::CreateTableLikeKind::Plain(l) => &l.name,
            };
            let (ldb, lname) = resolve(self.database.as_deref(), like_name)?;
            let mut t = (*self.base_table(&ldb, &lname)?).clone();
            t.schema = db.clone();
            t.name = name.clone();
            (t, None)
        } else if let Some(q) = &ct.query {
            // CREATE TABLE ... [(columns)] AS SELECT: the given columns, then the query's.
            let (select, views) = self.translate_query((**q).clone(), text)?;
            if !views.is_empty() {
                self.materialize(&views)?;
            }
            let mut shape = ct.clone();
            shape.query = None;
            for (name, ty) in self.query_columns(&select)? {
                if shape
                    .columns
                    .iter()
                    .any(|c| c.name.value.eq_ignore_ascii_case(&name))
                {
                    continue;
                }
                shape.columns.push(column_def(&name, &ty)?);
            }
            Table::from_create(&shape, &db, &defaults)?
        } else {
            Table::from_create(ct, &db, &defaults)?
        };
        let _ = text;
        self.check_new_foreign_keys(&table, &[])?;
        for sql in table.sqlite_ddl(&Names)? {
            self.exec(&sql)?;
        }
        if let Some(n) = auto_increment.filter(|n| *n > 1) {
            for sql in table.auto_increment_sql(&Names, n) {
                self.exec(&sql)?;
            }
        }
        catalog::put_table(self.conn(), Kind::Table, &table, &self.now_text())?;
        if let Some(q) = &ct.query {
            // CREATE TABLE ... AS SELECT: the rows come along, into the query's columns.
            let (select, _) = self.translate_query((**q).clone(), text)?;
            let names = self.query_columns(&select)?;
            let cols: Vec<String> = names.iter().map(|(c, _)| quote_ident(c)).collect();
            let rows = self
                .conn()
                .execute(
                    &format!(
                        "INSERT INTO {} ({}) {select}",
                        table_ident(&db, &name),
                        cols.join(", ")
                    ),
                    [],
                )
                .map_err(|e| self.sqlite_error(e))? as u64;
            // MySQL reports the rows copied, as an INSERT ... SELECT does.
            let mut done = ok(rows);
            done.info = format!("Records: {rows}  Duplicates: 0  Warnings: 0");
            return Ok(Outcome::Ok(done));
        }
        Ok(Outcome::Ok(ok(0)))
    }

    /// The result columns of translated SQL and the MySQL type each gets in a table made
    /// from it: a table column's own type, else one for the values' type.
    pub(crate) fn query_columns(
        &mut self,
        select: &str,
    ) -> Result<Vec<(String, String)>, SqlError> {
        let origins: Vec<(String, Option<String>, Option<String>)> = {
            let stmt = self
                .conn()
                .prepare(select)
                .map_err(|e| self.sqlite_error(e))?;
            stmt.columns_with_metadata()
                .map(|m| {
                    (
                        m.name().to_owned(),
                        m.table_name().map(str::to_owned),
                        m.origin_name().map(str::to_owned),
                    )
                })
                .collect()
        };
        let kinds = self.result_set(select, &[])?.columns;
        let mut out = Vec::with_capacity(origins.len());
        for ((name, table, origin), kind) in origins.into_iter().zip(kinds) {
            let from_table = match (table.as_deref().and_then(|t| t.split_once('.')), origin) {
                (Some((db, t)), Some(c)) => self.table(db, t)?.and_then(|(_, def)| {
                    def.columns
                        .iter()
                        .find(|col| col.name.eq_ignore_ascii_case(&c))
                        .map(|col| {
                            let mut ty = col.ty.show();
                            if !col.nullable {
                                ty.push_str(" NOT NULL");
                            }
                            ty
                        })
                }),
                _ => None,
            };
            let ty = from_table.unwrap_or_else(|| {
                use crate::outcome::ColumnType as C;
                match kind.column_type {
                    C::Tiny => "tinyint".to_owned(),
                    C::Short => "smallint".to_owned(),
                    C::Long => "int".to_owned(),
                    C::LongLong => "bigint".to_owned(),
                    C::Float => "float".to_owned(),
                    C::Double => "double".to_owned(),
                    C::NewDecimal => format!("decimal(65,{})", kind.decimals.unwrap_or(0).min(30)),
                    C::Date => "date".to_owned(),
                    C::Time => "time".to_owned(),
                    C::DateTime => "datetime".to_owned(),
                    C::Timestamp => "timestamp".to_owned(),
                    C::Year => "year".to_owned(),
                    C::Json => "json".to_owned(),
                    C::Blob | C::Bit if kind.binary => "longblob".to_owned(),
                    _ => "longtext".to_owned(),
                }
            });
            out.push((name, ty));
        }
        Ok(out)
    }

    fn reset_sequence(&self, table: &Table) -> Result<(), SqlError> {
        if table.rowid_column().is_none_or(|c| !c.auto_increment) {
            return Ok(());
        }
        let bare = crate::schema::sqlite_table_name(&table.schema, &table.name);
        self.config.auto_increments.forget(&bare);
        self.conn()
            .execute(
                &format!("DELETE FROM {} WHERE name = ?1", table.sequence_table()),
                [&bare],
            )
            .map(|_| ())
            .map_err(|e| self.sqlite_error(e))
    }

    /// The AUTO_INCREMENT counter's next value for a table, as MySQL shows it.
    pub(crate) fn next_auto_increment(&self, db: &str, table: &Table) -> Option<u64> {
        table.auto_increment_column()?;
        let bare = crate::schema::sqlite_table_name(db, &table.name);
        let seq: i64 = self
            .conn()
            .query_row(
                &format!("SELECT seq FROM {} WHERE name = ?1", table.sequence_table()),
                [&bare],
                |r| r.get(0),
            )
            .unwrap_or(0);
        Some(seq as u64 + 1)
    }

    fn alter_table(
        &mut self,
        name: &ObjectName,
        ops: &[AlterTableOperation],
    ) -> Result<(), SqlError> {
        let ops: Vec<AlterOperation> = ops
            .iter()
            .map(|o| AlterOperation::Parsed(Box::new(o.clone())))
            .collect();
        self.alter_table_operations(name, ops)
    }

    /// ALTER TABLE with operations sqlparser does not parse (RENAME INDEX, table options,
    /// CONVERT TO CHARACTER SET), read from the text; None when it has none of them.
    pub(crate) fn alter_table_text(&mut self, text: &str) -> Option<Result<Outcome, SqlError>> {
        let (name, ops) = alter_text_operations(text)?;
        Some(self.run_ddl(|s| {
            let mut parsed = Vec::with_capacity(ops.len());
            for op in ops {
                parsed.push(match op {
                    Err(op_text) => AlterOperation::Parsed(Box::new(parse_alter_op(&format!(
                        "ALTER TABLE t {op_text}"
                    ))?)),
                    Ok(op) => op,
                });
            }
            let name = ObjectName::from(name.into_iter().map(Ident::new).collect::<Vec<_>>());
            s.alter_table_operations(&name, parsed)?;
            Ok(Outcome::Ok(ok(0)))
        }))
    }

    fn alter_table_operations(
        &mut self,
        name: &ObjectName,
        mut ops: Vec<AlterOperation>,
    ) -> Result<(), SqlError> {
        let (db, t) = resolve(self.database.as_deref(), name)?;
        let old = self.base_table(&db, &t)?;
        // RENAME TO names a table as everywhere else: unqualified, in the current database.
        for op in &mut ops {
            let AlterOperation::Parsed(op) = op else {
                continue;
            };
            if let AlterTableOperation::RenameTable {
                table_name:
                    sqlparser::ast::RenameTableNameKind::As(n)
                    | sqlparser::ast::RenameTableNameKind::To(n),
            } = op.as_mut()
            {
                if n.0.len() == 1 {
                    let current = self.database.clone().ok_or_else(SqlError::no_database)?;
                    n.0.insert(
                        0,
                        sqlparser::ast::ObjectNamePart::Identifier(Ident::new(current)),
                    );
                }
            }
        }
        let (new, plan) = old.alter_operations(&ops)?;
        let existing: Vec<String> = old.foreign_keys.iter().map(|f| f.name.clone()).collect();
        self.check_new_foreign_keys(&new, &existing)?;
        if (new.schema.as_str(), new.name.as_str()) != (db.as_str(), t.as_str()) {
            if catalog::is_system(&new.schema) {
                return Err(SqlError::access_denied(&self.config.user, &new.schema));
            }
            self.schema_defaults(&new.schema)?;
            if self.table(&new.schema, &new.name)?.is_some() {
                return Err(SqlError::table_exists(&new.name));
            }
        }
        let views = self.views_aside()?;
        for sql in plan.sql(&old, &new, &Names)? {
            self.exec(&sql)?;
        }
        self.views_back(views)?;
        if plan.rebuild && self.foreign_key_checks() {
            self.check_foreign_keys(&new.schema, &new.name)?;
        }
        if (new.schema.as_str(), new.name.as_str()) != (db.as_str(), t.as_str()) {
            catalog::delete_table(self.conn(), &db, &t)?;
            // Foreign keys elsewhere that name the old table follow it (SQLite rewrote
            // theirs).
            for (k, mut other, _) in catalog::all_tables(self.conn())? {
                if other.follow_parent_rename((&db, &t), (&new.schema, &new.name), None) {
                    catalog::put_table(self.conn(), k, &other, &self.now_text())?;
                }
            }
        }
        catalog::put_table(self.conn(), Kind::Table, &new, &self.now_text())?;
        self.tables.clear();
        Ok(())
    }

    /// 1701: InnoDB truncates no table another table's foreign key references (a table's
    /// references to itself do not count).
    fn refuse_truncate_of_parent(&self, db: &str, name: &str) -> Result<(), SqlError> {
        let bt = |s: &str| format!("`{}`", s.replace('`', "``"));
        let cols = |c: &[String]| c.iter().map(|c| bt(c)).collect::<Vec<_>>().join(", ");
        for (kind, other, _) in catalog::all_tables(self.conn())? {
            if kind != Kind::Table || (other.schema.as_str(), other.name.as_str()) == (db, name) {
                continue;
            }
            if let Some(fk) = other
                .foreign_keys
                .iter()
                .find(|f| f.ref_schema == db && f.ref_table == name)
            {
                return Err(SqlError::new(
                    1701,
                    "42000",
                    format!(
                        "Cannot truncate a table referenced in a foreign key constraint ({}.{}, \
                         CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}.{} ({}))",
                        bt(&other.schema),
                        bt(&other.name),
                        bt(&fk.name),
                        cols(&fk.columns),
                        bt(db),
                        bt(name),
                        cols(&fk.ref_columns)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Checks the foreign keys of `table` not named in `existing` against their parents, as
    /// MySQL does when one is added with FOREIGN_KEY_CHECKS on: the parent exists (1824), has
    /// the columns (3734) and an index on them (1822), of compatible types (3780).
    fn check_new_foreign_keys(
        &mut self,
        table: &Table,
        existing: &[String],
    ) -> Result<(), SqlError> {
        if !self.foreign_key_checks() {
            return Ok(());
        }
        for fk in &table.foreign_keys {
            if existing.iter().any(|n| n.eq_ignore_ascii_case(&fk.name)) {
                continue;
            }
            if (fk.ref_schema.as_str(), fk.ref_table.as_str())
                == (table.schema.as_str(), table.name.as_str())
            {
                table.check_foreign_key(fk, table)?;
                continue;
            }
            match self.table(&fk.ref_schema, &fk.ref_table)? {
                Some((Kind::Table, parent)) => table.check_foreign_key(fk, &parent)?,
                _ => {
                    return Err(SqlError::new(
                        1824,
                        "HY000",
                        format!("Failed to open the referenced table '{}'", fk.ref_table),
                    ))
                }
            }
        }
        Ok(())
    }

    /// Refuses a change that leaves rows breaking a foreign key (MySQL checks them when a
    /// constraint is added).
    fn check_foreign_keys(&self, db: &str, t: &str) -> Result<(), SqlError> {
        let sqlite = table_ident(db, t).to_string();
        let bad: Option<String> = self
            .conn()
            .query_row(&format!("PRAGMA foreign_key_check({sqlite})"), [], |r| {
                r.get::<_, String>(0)
            })
            .ok();
        if bad.is_some() {
            return Err(SqlError::new(
                1452,
                "23000",
                format!("Cannot add or update a child row: a foreign key constraint fails (`{db}`.`{t}`)"),
            ));
        }
        Ok(())
    }

    fn rename_table(&mut self, from: &ObjectName, to: &ObjectName) -> Result<(), SqlError> {
        let (ndb, nt) = resolve(self.database.as_deref(), to)?;
        let op = parse_alter_op(&format!(
            "ALTER TABLE t RENAME TO {}.{}",
            quote_mysql(&ndb),
            quote_mysql(&nt)
        ))?;
        self.alter_table(from, &[op])
    }

    /// A table's definition for SHOW CREATE TABLE and information_schema.
    pub(crate) fn definition(&mut self, db: &str, t: &str) -> Result<(Kind, Arc<Table>), SqlError> {
        self.table(db, t)?
            .ok_or_else(|| SqlError::no_such_table(db, t))
    }
}

/// An ALTER TABLE statement's table name parts and operations, each either one sqlparser
/// does not parse (Ok) or the text of one it does (Err); None when all are sqlparser's.
#[allow(clippy::type_complexity)]
fn alter_text_operations(text: &str) -> Option<(Vec<String>, Vec<Result<AlterOperation, String>>)> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens: Vec<_> = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .ok()?
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let word = |i: usize| match tokens.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) => Some(w),
        _ => None,
    };
    let mut i = 2;
    let mut name = vec![word(i)?.value.clone()];
    i += 1;
    if tokens.get(i).map(|t| &t.token) == Some(&Token::Period) {
        name.push(word(i + 1)?.value.clone());
        i += 2;
    }
    // The operations: split at top-level commas.
    let mut ops: Vec<Vec<&sqlparser::tokenizer::TokenWithSpan>> = vec![Vec::new()];
    let mut depth = 0i32;
    for t in &tokens[i..] {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => {
                ops.push(Vec::new());
                continue;
            }
            Token::SemiColon | Token::EOF if depth == 0 => continue,
            _ => {}
        }
        ops.last_mut()?.push(t);
    }
    let upper = |t: &sqlparser::tokenizer::TokenWithSpan| match &t.token {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        _ => String::new(),
    };
    let name_of = |t: &sqlparser::tokenizer::TokenWithSpan| match &t.token {
        Token::Word(w) => Some(w.value.clone()),
        Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => Some(s.clone()),
        _ => None,
    };
    let mut out = Vec::new();
    let mut any = false;
    for op in ops {
        let (Some(first), Some(last)) = (op.first(), op.last()) else {
            return None;
        };
        let words: Vec<String> = op.iter().map(|t| upper(t)).collect();
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let parsed = match w.as_slice() {
            ["RENAME", "INDEX" | "KEY", _, "TO", _] => Some(AlterOperation::RenameIndex {
                from: name_of(op[2])?,
                to: name_of(op[4])?,
            }),
            ["CONVERT", "TO", "CHARACTER", "SET", _, rest @ ..]
            | ["CONVERT", "TO", "CHARSET", _, rest @ ..] => {
                let at = if w[2] == "CHARSET" { 3 } else { 4 };
                let collation = match rest {
                    [] => None,
                    ["COLLATE", _] => Some(name_of(op[at + 2])?),
                    ["COLLATE", "=", _] => Some(name_of(op[at + 3])?),
                    _ => return None,
                };
                Some(AlterOperation::ConvertCharset {
                    charset: name_of(op[at])?,
                    collation,
                })
            }
            ["ENGINE" | "COMMENT" | "CHARSET" | "CHARACTER" | "COLLATE" | "ROW_FORMAT"
            | "DEFAULT" | "KEY_BLOCK_SIZE" | "STATS_PERSISTENT" | "STATS_AUTO_RECALC"
            | "STATS_SAMPLE_PAGES" | "PACK_KEYS" | "CHECKSUM" | "DELAY_KEY_WRITE", ..] => {
                let from =
                    crate::split::offset(text, first.span.start.line, first.span.start.column);
                let to = crate::split::offset(text, last.span.end.line, last.span.end.column);
                let sql = format!("CREATE TABLE t (a INT) {}", text.get(from..to)?);
                let dialect = MySqlDialect {};
                let Ok(mut v) = Parser::parse_sql(&dialect, &sql) else {
                    return None;
                };
                let Some(Statement::CreateTable(ct)) = v.pop() else {
                    return None;
                };
                let options = match &ct.table_options {
                    sqlparser::ast::CreateTableOptions::Plain(o)
                    | sqlparser::ast::CreateTableOptions::With(o)
                    | sqlparser::ast::CreateTableOptions::Options(o)
                    | sqlparser::ast::CreateTableOptions::TableProperties(o) => o.clone(),
                    sqlparser::ast::CreateTableOptions::None => Vec::new(),
                };
                Some(AlterOperation::Options(
                    Table::parse_table_options(&options).ok()?,
                ))
            }
            _ => None,
        };
        match parsed {
            Some(op) => {
                any = true;
                out.push(Ok(op));
            }
            None => {
                let from =
                    crate::split::offset(text, first.span.start.line, first.span.start.column);
                let to = crate::split::offset(text, last.span.end.line, last.span.end.column);
                out.push(Err(text.get(from..to)?.to_owned()));
            }
        }
    }
    any.then_some((name, out))
}

/// Parses one ALTER TABLE operation written as text.
fn parse_alter_op(sql: &str) -> Result<AlterTableOperation, SqlError> {
    let dialect = MySqlDialect {};
    match Parser::parse_sql(&dialect, sql).map_err(|e| crate::session::parse_error(sql, &e))? {
        mut v if v.len() == 1 => match v.remove(0) {
            Statement::AlterTable(mut a) if a.operations.len() == 1 => Ok(a.operations.remove(0)),
            _ => Err(SqlError::syntax(sql, 1)),
        },
        _ => Err(SqlError::syntax(sql, 1)),
    }
}

/// A MySQL identifier in backticks.
pub(crate) fn quote_mysql(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

fn first_words(text: &str) -> String {
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_ddl(s: &Statement) -> bool {
    matches!(
        s,
        Statement::CreateDatabase { .. }
            | Statement::CreateSchema { .. }
            | Statement::Drop { .. }
            | Statement::CreateTable(_)
            | Statement::AlterTable(_)
            | Statement::CreateIndex(_)
            | Statement::RenameTable(_)
            | Statement::Truncate(_)
            | Statement::CreateView(_)
            | Statement::AlterView(_)
    )
}

/// An OK with `notes` warnings: what MySQL's IF [NOT] EXISTS leaves (Note 1007, 1050, 1051).
fn noted(notes: usize) -> crate::outcome::OkPacket {
    let mut done = ok(0);
    done.warnings = u16::try_from(notes).unwrap_or(u16::MAX);
    done
}

/// A column definition `name type` as CREATE TABLE reads it.
fn column_def(name: &str, ty: &str) -> Result<sqlparser::ast::ColumnDef, SqlError> {
    let text = format!("CREATE TABLE t ({} {ty})", quote_mysql(name));
    match Parser::parse_sql(&MySqlDialect {}, &text) {
        Ok(mut s) => match s.pop() {
            Some(Statement::CreateTable(mut ct)) if ct.columns.len() == 1 => {
                Ok(ct.columns.remove(0))
            }
            _ => Err(SqlError::unknown(format!(
                "cannot define column {name} {ty}"
            ))),
        },
        Err(e) => Err(SqlError::unknown(format!(
            "cannot define column {name} {ty}: {e}"
        ))),
    }
}

/// Where `CREATE TABLE t ()` has its `)`: MySQL's grammar wants at least one column there
/// (1064), where `CREATE TABLE t` alone is 1113.
fn empty_column_list(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '\'' | '"' | '`') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '(') => {
                let rest = &text[i + 1..];
                let close = i + 1 + (rest.len() - rest.trim_start().len());
                return text[close..].starts_with(')').then_some(close);
            }
            _ => {}
        }
    }
    None
}
