//! MySQL table definitions: the catalog Rewind keeps inside the SQLite database (one [`Table`]
//! a table, serialized as JSON by the engine, so it backtracks with the data).
//!
//! From a [`Table`] come the SQLite DDL the engine runs ([`Table::sqlite_ddl`],
//! [`rebuild_sql`]), the `mysql_assign` spec strings of the value checks
//! ([`Type::assign_spec`]), SHOW CREATE TABLE ([`Table::show_create`]) and the facts
//! information_schema and SHOW COLUMNS / SHOW INDEX need ([`Type`]'s methods, [`Column`],
//! [`Index`]). Pure data and string generation: nothing here talks to SQLite.
//!
//! Conventions:
//! - one SQLite database for every MySQL schema: `db`.`t` is the SQLite table `"db.t"`, its
//!   index `i` is `"db.t.i"` (see [`SqliteNames`]); a name with upper case is coded so that
//!   SQLite, which folds case, still tells `Mixed` from `mixed` ([`sqlite_table_name`]);
//! - expression texts (DEFAULT (expr), generated columns, CHECK) are kept as MySQL prints them
//!   in SHOW CREATE TABLE (backticked names, `(a + b)`, `_utf8mb4'x'`), and translated to SQLite
//!   by the engine's translator through [`SqliteNames::expr`];
//! - names compare case-insensitively for columns, indexes and constraints, as in MySQL.

mod alter;
mod create;
mod show;
mod sqlite;
mod types;

use serde::{Deserialize, Serialize};

pub use alter::{
    compose_mapping, AlterOperation, AlterPlan, AlterStep, ColumnMapping, TableOption,
};
pub(crate) use create::INVISIBLE_INDEX;
pub use create::{collation_charset, default_collation, mysql_expr};
pub use sqlite::{
    mysql_table_name, quote_ident, quote_str, rebuild_sql, sqlite_collation, sqlite_table_name,
    PlainNames, SqliteNames,
};
pub use types::{charset_max_bytes, IntKind, LobSize, Type};

/// The character set and collation a new table takes when CREATE TABLE names none: the
/// schema's defaults (`CREATE DATABASE ... DEFAULT CHARSET`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaDefaults {
    /// Default character set, e.g. `utf8mb4`.
    pub charset: String,
    /// Default collation, e.g. `utf8mb4_0900_ai_ci`.
    pub collation: String,
}

impl Default for SchemaDefaults {
    /// MySQL 8.0's server defaults.
    fn default() -> Self {
        Self {
            charset: "utf8mb4".into(),
            collation: "utf8mb4_0900_ai_ci".into(),
        }
    }
}

/// A column's DEFAULT, as MySQL keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnDefault {
    /// DEFAULT NULL (also the implicit default of a nullable column, which SHOW CREATE TABLE
    /// prints as `DEFAULT NULL`).
    Null,
    /// A constant, already converted to the column's type, kept as SHOW CREATE TABLE prints it:
    /// quoted MySQL text of the value (`'0'`, `'abc'`, `'0.00'`, `'it''s'`, `'2000-01-01
    /// 00:00:00'`), `b'101'` for BIT. [`ColumnDefault::value`] gives the bare value,
    /// [`Column::sqlite_default`] the SQLite expression.
    Literal(String),
    /// CURRENT_TIMESTAMP(fsp) / NOW(fsp).
    CurrentTimestamp(u8),
    /// `DEFAULT (expr)`: the MySQL text of expr.
    Expression(String),
}

impl ColumnDefault {
    /// A literal's bare value (`'it''s'` -> `it's`, `b'101'` -> `5`); None for the other kinds.
    pub fn value(&self) -> Option<String> {
        match self {
            ColumnDefault::Literal(l) => Some(create::unquote_literal(l)),
            _ => None,
        }
    }
}

/// A generated column's expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// MySQL text of the expression.
    pub expr: String,
    /// STORED (true) or VIRTUAL.
    pub stored: bool,
}

/// One column, with everything SHOW CREATE TABLE and information_schema.COLUMNS show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Name as written.
    pub name: String,
    /// Type.
    pub ty: Type,
    /// NULL allowed (PRIMARY KEY columns never are).
    pub nullable: bool,
    /// DEFAULT, if any (None: no default, `NO_DEFAULT_VALUE`).
    pub default: Option<ColumnDefault>,
    /// ON UPDATE CURRENT_TIMESTAMP(fsp): the engine sets the column on every UPDATE that
    /// changes the row and does not assign it (SQLite has no such clause).
    pub on_update_now: Option<u8>,
    /// AUTO_INCREMENT.
    pub auto_increment: bool,
    /// COMMENT ('' if none).
    pub comment: String,
    /// Character set, for textual types (resolved at CREATE time as MySQL does, so a later
    /// change of the table's default does not move it); None for the others.
    pub charset: Option<String>,
    /// Collation, for textual types; None for the others.
    pub collation: Option<String>,
    /// GENERATED ALWAYS AS (...) [STORED|VIRTUAL].
    pub generated: Option<Generated>,
}

impl Column {
    /// information_schema COLUMN_DEFAULT: the default's text, None when NULL or absent.
    pub fn default_text(&self) -> Option<String> {
        match &self.default {
            None | Some(ColumnDefault::Null) => None,
            Some(ColumnDefault::Literal(v)) => Some(match self.ty {
                Type::Bit(_) => v.clone(),
                _ => create::unquote_literal(v),
            }),
            Some(ColumnDefault::CurrentTimestamp(0)) => Some("CURRENT_TIMESTAMP".into()),
            Some(ColumnDefault::CurrentTimestamp(p)) => Some(format!("CURRENT_TIMESTAMP({p})")),
            Some(ColumnDefault::Expression(e)) => Some(e.clone()),
        }
    }

    /// The SQLite expression of the column's default, for a `DEFAULT` in VALUES and for
    /// filling a new column: the literal in its stored form (numbers bare, text quoted, bytes
    /// X'..'), `now(fsp)` (Rewind's clock, registered by mysql-functions), `(expr)` through the
    /// translator, `NULL`. None when the column has no default (MySQL's 1364 in strict mode,
    /// unless nullable or AUTO_INCREMENT).
    pub fn sqlite_default(
        &self,
        names: &dyn SqliteNames,
    ) -> Result<Option<String>, crate::SqlError> {
        Ok(match &self.default {
            None => None,
            Some(ColumnDefault::Null) => Some("NULL".into()),
            Some(ColumnDefault::Literal(v)) => Some(sqlite::stored_literal(&self.ty, v)),
            Some(ColumnDefault::CurrentTimestamp(0)) => Some("now()".into()),
            Some(ColumnDefault::CurrentTimestamp(p)) => Some(format!("now({p})")),
            Some(ColumnDefault::Expression(e)) => Some(format!("({})", names.expr(e)?)),
        })
    }

    /// information_schema EXTRA / SHOW COLUMNS Extra: `auto_increment`, `DEFAULT_GENERATED`,
    /// `on update CURRENT_TIMESTAMP`, `STORED GENERATED`, `VIRTUAL GENERATED`.
    pub fn extra(&self) -> String {
        let mut parts = Vec::new();
        if self.auto_increment {
            parts.push("auto_increment".to_string());
        }
        if matches!(
            self.default,
            Some(ColumnDefault::CurrentTimestamp(_)) | Some(ColumnDefault::Expression(_))
        ) {
            parts.push("DEFAULT_GENERATED".into());
        }
        if let Some(p) = self.on_update_now {
            parts.push(if p == 0 {
                "on update CURRENT_TIMESTAMP".into()
            } else {
                format!("on update CURRENT_TIMESTAMP({p})")
            });
        }
        if let Some(g) = &self.generated {
            parts.push(if g.stored {
                "STORED GENERATED".into()
            } else {
                "VIRTUAL GENERATED".into()
            });
        }
        parts.join(" ")
    }
}

/// What an index is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IndexKind {
    /// PRIMARY KEY (named `PRIMARY`).
    Primary,
    /// UNIQUE KEY.
    Unique,
    /// KEY / INDEX.
    Key,
    /// FULLTEXT KEY (kept in the catalog; a plain SQLite index, no full-text search).
    Fulltext,
}

/// One column of an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPart {
    /// Column name ('' for a functional key part).
    pub column: String,
    /// Prefix length `col(10)` (kept for the catalog; SQLite indexes the whole value).
    pub prefix: Option<u32>,
    /// DESC.
    pub desc: bool,
    /// A functional key part's expression, as MySQL prints it (`lower(`name`)`): MySQL
    /// 8.0.13's `KEY k ((expr))`, an SQLite expression index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
}

/// An index (PRIMARY, UNIQUE, KEY or FULLTEXT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Name; `PRIMARY` for the primary key.
    pub name: String,
    /// Kind.
    pub kind: IndexKind,
    /// Columns in order.
    pub parts: Vec<IndexPart>,
    /// COMMENT ('' if none).
    pub comment: String,
    /// Created by MySQL for a foreign key that had no index: dropped, as MySQL drops it, once
    /// an index added later can serve the foreign key.
    #[serde(default)]
    pub implicit: bool,
    /// INVISIBLE (MySQL 8.0): kept and maintained, shown as such; the optimizer may still use
    /// it here.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invisible: bool,
}

impl Index {
    /// Whether the index enforces uniqueness (PRIMARY or UNIQUE).
    pub fn is_unique(&self) -> bool {
        matches!(self.kind, IndexKind::Primary | IndexKind::Unique)
    }

    /// Whether the index's leading columns are `cols`, in order (what a foreign key needs).
    pub fn starts_with(&self, cols: &[String]) -> bool {
        cols.len() <= self.parts.len()
            && cols
                .iter()
                .zip(&self.parts)
                .all(|(c, p)| p.column.eq_ignore_ascii_case(c))
    }
}

/// A foreign key's referential action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// RESTRICT.
    Restrict,
    /// CASCADE.
    Cascade,
    /// SET NULL.
    SetNull,
    /// NO ACTION, also the rule of an unspecified clause (not printed by SHOW CREATE TABLE).
    NoAction,
    /// SET DEFAULT (InnoDB refuses it; kept if given).
    SetDefault,
}

impl Action {
    /// The SQL words, as SHOW CREATE TABLE and information_schema print them.
    pub fn sql(self) -> &'static str {
        match self {
            Action::Restrict => "RESTRICT",
            Action::Cascade => "CASCADE",
            Action::SetNull => "SET NULL",
            Action::NoAction => "NO ACTION",
            Action::SetDefault => "SET DEFAULT",
        }
    }
}

/// A FOREIGN KEY constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// Constraint name (`<table>_ibfk_<n>` when not given).
    pub name: String,
    /// Referencing columns.
    pub columns: Vec<String>,
    /// Schema of the referenced table.
    pub ref_schema: String,
    /// Referenced table.
    pub ref_table: String,
    /// Referenced columns.
    pub ref_columns: Vec<String>,
    /// ON DELETE.
    pub on_delete: Action,
    /// ON UPDATE.
    pub on_update: Action,
}

/// A CHECK constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Name (`<table>_chk_<n>` when not given).
    pub name: String,
    /// MySQL text of the condition.
    pub expr: String,
    /// ENFORCED (NOT ENFORCED checks are kept in the catalog only).
    pub enforced: bool,
}

/// A MySQL table definition: the catalog entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Schema (database).
    pub schema: String,
    /// Table name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<Column>,
    /// Indexes in MySQL's order (PRIMARY, then UNIQUE, then the others, then FULLTEXT).
    pub indexes: Vec<Index>,
    /// FOREIGN KEYs in order of creation.
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraints in order of creation.
    pub checks: Vec<Check>,
    /// ENGINE (always reported `InnoDB` unless given otherwise).
    pub engine: String,
    /// Default character set.
    pub charset: String,
    /// Default collation.
    pub collation: String,
    /// COMMENT ('' if none).
    pub comment: String,
    /// CREATE TEMPORARY TABLE.
    pub temporary: bool,
    /// ROW_FORMAT, if given.
    pub row_format: Option<String>,
    /// For a view's catalog entry: its SELECT text (its columns are the view's, with the
    /// types they had when it was defined; indexes etc. stay empty).
    #[serde(default)]
    pub view: Option<String>,
    /// For a view: its WITH CHECK OPTION, `CASCADED` or `LOCAL` (None: no check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_option: Option<String>,
    /// Set when an operation dropped an implicit foreign-key index, so the ALTER rebuilds
    /// the SQLite table (not stored).
    #[serde(skip)]
    pub dropped_implicit_index: bool,
}

impl Table {
    /// The catalog entry of a view `schema`.`name` defined by `definition`.
    pub fn view(schema: &str, name: &str, definition: &str) -> Table {
        let mut t = Table::empty(schema, name, &SchemaDefaults::default());
        t.engine = String::new();
        t.view = Some(definition.to_string());
        t
    }

    /// A view's SELECT text; None for a base table.
    pub fn view_definition(&self) -> Option<&str> {
        self.view.as_deref()
    }

    /// The column named `name` (case-insensitive).
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The position of the column named `name` (case-insensitive).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The index named `name` (case-insensitive).
    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case(name))
    }

    /// The PRIMARY or UNIQUE index over exactly these columns (any order): the key MySQL names
    /// in "Duplicate entry ... for key" when SQLite reports "UNIQUE constraint failed: t.a,
    /// t.b".
    pub fn unique_index_for(&self, columns: &[&str]) -> Option<&Index> {
        self.indexes.iter().find(|i| {
            i.is_unique()
                && i.parts.len() == columns.len()
                && columns
                    .iter()
                    .all(|c| i.parts.iter().any(|p| p.column.eq_ignore_ascii_case(c)))
        })
    }

    /// The primary key, if any.
    pub fn primary_key(&self) -> Option<&Index> {
        self.indexes.iter().find(|i| i.kind == IndexKind::Primary)
    }

    /// The AUTO_INCREMENT column, if any.
    pub fn auto_increment_column(&self) -> Option<&Column> {
        self.columns.iter().find(|c| c.auto_increment)
    }

    /// The column that is SQLite's rowid alias (`INTEGER PRIMARY KEY AUTOINCREMENT`): an
    /// AUTO_INCREMENT integer column that is the whole primary key (not DESC). SQLite then
    /// generates the values (NULL gives the next one, as in MySQL) and keeps the counter in
    /// `sqlite_sequence`, never reusing a value, like MySQL 8's persisted counter. Other integer
    /// keys are not rowid aliases, since SQLite would turn an inserted NULL into a new rowid
    /// where MySQL refuses it. An AUTO_INCREMENT column that is not the rowid alias (composite
    /// key, UNIQUE only) must be numbered by the engine.
    pub fn rowid_column(&self) -> Option<&Column> {
        let pk = self.primary_key()?;
        if pk.parts.len() != 1 || pk.parts[0].desc {
            return None;
        }
        let col = self.column(&pk.parts[0].column)?;
        match col.ty {
            Type::Int { .. } if col.auto_increment && col.generated.is_none() => Some(col),
            _ => None,
        }
    }

    /// Whether the SQLite table is `WITHOUT ROWID`: every table with a primary key that is not
    /// the rowid alias, so rows are clustered by the key (InnoDB's order for scans without
    /// ORDER BY) and the key is the table's b-tree, as in InnoDB.
    pub fn without_rowid(&self) -> bool {
        self.primary_key().is_some() && self.rowid_column().is_none()
    }

    /// The columns the engine must set on UPDATE: (name, fsp) of ON UPDATE CURRENT_TIMESTAMP.
    pub fn on_update_columns(&self) -> Vec<(&str, u8)> {
        self.columns
            .iter()
            .filter_map(|c| c.on_update_now.map(|p| (c.name.as_str(), p)))
            .collect()
    }

    /// MySQL's index order: PRIMARY first, then UNIQUE keys over NOT NULL columns, other
    /// UNIQUE keys, then plain keys, FULLTEXT last; otherwise order of creation (sort_keys in
    /// sql_table.cc).
    pub(crate) fn sort_indexes(&mut self) {
        let nullable = |t: &Table, i: &Index| {
            i.parts
                .iter()
                .any(|p| t.column(&p.column).is_none_or(|c| c.nullable))
        };
        let rank = |t: &Table, i: &Index| -> (u8, u8, u8) {
            match i.kind {
                IndexKind::Primary => (0, 0, 0),
                IndexKind::Unique => (
                    if nullable(t, i) { 2 } else { 1 },
                    0,
                    u8::from(i.parts.iter().any(|p| p.prefix.is_some())),
                ),
                IndexKind::Key => (3, 0, 0),
                IndexKind::Fulltext => (3, 1, 0),
            }
        };
        let mut keyed: Vec<((u8, u8, u8), Index)> = std::mem::take(&mut self.indexes)
            .into_iter()
            .map(|i| (rank(self, &i), i))
            .collect();
        keyed.sort_by_key(|(r, _)| *r);
        self.indexes = keyed.into_iter().map(|(_, i)| i).collect();
    }
}
