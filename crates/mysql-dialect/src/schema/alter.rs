//! ALTER TABLE on the catalog: each operation changes the [`Table`] and says what SQLite must do
//! ([`AlterStep`]); an [`AlterPlan`] gathers the steps of one statement.

use serde::{Deserialize, Serialize};
use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnOption, CreateIndex, DataType, Expr, Ident,
    MySQLColumnPosition, RenameTableNameKind, SqlOption, TableConstraint, Value,
};

use super::create::{
    canonical_engine, column_from_def, expr_uses, finish_column, index_comment, index_part,
    resolve_charset, split_name, Inline,
};
use super::{Column, ColumnDefault, IndexKind, IndexPart, Table};
use crate::SqlError;

/// New column name -> the old column its values come from (None: a new column, filled with its
/// default). In the new table's column order.
pub type ColumnMapping = Vec<(String, Option<String>)>;

/// A table option of CREATE TABLE or ALTER TABLE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableOption {
    /// ENGINE=x.
    Engine(String),
    /// \[DEFAULT\] CHARSET=x / CHARACTER SET x.
    Charset(String),
    /// \[DEFAULT\] COLLATE=x.
    Collate(String),
    /// AUTO_INCREMENT=n.
    AutoIncrement(u64),
    /// COMMENT='x'.
    Comment(String),
    /// ROW_FORMAT=x.
    RowFormat(String),
}

fn option_text(e: &Expr) -> String {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => s.clone(),
            Value::Number(n, _) => n.to_string(),
            other => other.to_string(),
        },
        Expr::Identifier(i) => i.value.clone(),
        other => other.to_string(),
    }
}

/// The table options MySQL keeps, from sqlparser's option list (others, such as
/// KEY_BLOCK_SIZE or STATS_PERSISTENT, are accepted and dropped).
pub(crate) fn table_options(opts: &[SqlOption]) -> Result<Vec<TableOption>, SqlError> {
    let mut out = Vec::new();
    for o in opts {
        match o {
            SqlOption::NamedParenthesizedList(l) if l.key.value.eq_ignore_ascii_case("ENGINE") => {
                if let Some(n) = &l.name {
                    out.push(TableOption::Engine(n.value.clone()));
                }
            }
            SqlOption::Comment(c) => out.push(TableOption::Comment(c.to_string())),
            SqlOption::KeyValue { key, value } => {
                let k = key.to_string().to_ascii_uppercase();
                let v = option_text(value);
                match k.as_str() {
                    "DEFAULT CHARSET" | "CHARSET" | "DEFAULT CHARACTER SET" | "CHARACTER SET" => {
                        out.push(TableOption::Charset(v))
                    }
                    "DEFAULT COLLATE" | "COLLATE" => out.push(TableOption::Collate(v)),
                    "AUTO_INCREMENT" => out.push(TableOption::AutoIncrement(
                        v.parse().map_err(|_| SqlError::syntax(&v, 1))?,
                    )),
                    "ROW_FORMAT" => out.push(TableOption::RowFormat(v)),
                    "ENGINE" => out.push(TableOption::Engine(v)),
                    "COMMENT" => out.push(TableOption::Comment(v)),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// One operation of an ALTER TABLE statement: sqlparser's, or one of those MySQL has that
/// sqlparser does not parse (the engine reads them from the text).
#[derive(Debug, Clone, PartialEq)]
pub enum AlterOperation {
    /// An operation sqlparser parsed.
    Parsed(Box<AlterTableOperation>),
    /// RENAME INDEX / KEY `from` TO `to`.
    RenameIndex {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// Table options: ENGINE=, COMMENT=, \[DEFAULT\] CHARSET=, COLLATE=, ROW_FORMAT=...
    Options(Vec<TableOption>),
    /// CONVERT TO CHARACTER SET `charset` \[COLLATE `collation`\].
    ConvertCharset {
        /// The character set.
        charset: String,
        /// The collation, when given.
        collation: Option<String>,
    },
}

/// What SQLite must do for one ALTER TABLE operation already applied to the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlterStep {
    /// Nothing: the change lives in the catalog only (COMMENT, ENGINE, default charset, ...).
    CatalogOnly,
    /// CREATE INDEX for the named index of the new table.
    CreateIndex(String),
    /// DROP INDEX of the named index of the old table.
    DropIndex(String),
    /// An index renamed (SQLite: drop and create).
    RenameIndex {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// A column appended in place (`ALTER TABLE ADD COLUMN`, possible when it is last, not a
    /// key, and its default is a constant).
    AddColumn(String),
    /// A column renamed in place (`ALTER TABLE RENAME COLUMN`, which also fixes the other
    /// tables' foreign keys in SQLite; their catalogs are the engine's to update).
    RenameColumn {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// RENAME TO: the table moves to `schema` (None: the same schema) . `name`. The catalog
    /// value is not renamed by [`Table::apply_alter`] (the engine moves the catalog entry, the
    /// SQLite table and its indexes); [`Table::alter`] renames the table it returns.
    RenameTable {
        /// New schema, when given.
        schema: Option<String>,
        /// New name.
        name: String,
    },
    /// AUTO_INCREMENT=n: the next value is max(n, max(column) + 1).
    AutoIncrement(u64),
    /// The table must be rebuilt ([`super::rebuild_sql`]) with this column mapping.
    Rebuild(ColumnMapping),
}

/// The steps of one ALTER TABLE statement, combined: a rebuild absorbs everything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlterPlan {
    /// The steps in order.
    pub steps: Vec<AlterStep>,
    /// Current column -> column of the table before the statement.
    pub mapping: ColumnMapping,
    /// Whether any step needs a rebuild.
    pub rebuild: bool,
    /// The (schema, name) a RENAME TO moves the table to.
    pub rename: Option<(String, String)>,
}

/// Composes two column mappings: `next` maps its columns to `prev`'s, `prev` to the original
/// table's; the result maps `next`'s columns to the original's.
pub fn compose_mapping(prev: &ColumnMapping, next: &ColumnMapping) -> ColumnMapping {
    next.iter()
        .map(|(n, src)| {
            let orig = src.as_ref().and_then(|s| {
                prev.iter()
                    .find(|(p, _)| p.eq_ignore_ascii_case(s))
                    .and_then(|(_, o)| o.clone())
            });
            (n.clone(), orig)
        })
        .collect()
}

impl AlterPlan {
    /// A plan starting from `old`, the table as it is in SQLite now.
    pub fn new(old: &Table) -> AlterPlan {
        AlterPlan {
            steps: Vec::new(),
            mapping: old
                .columns
                .iter()
                .map(|c| (c.name.clone(), Some(c.name.clone())))
                .collect(),
            rebuild: false,
            rename: None,
        }
    }

    /// Adds the step of the next operation, following column renames in the mapping.
    pub fn push(&mut self, step: AlterStep) {
        match &step {
            AlterStep::Rebuild(m) => {
                self.mapping = compose_mapping(&self.mapping, m);
                self.rebuild = true;
            }
            AlterStep::RenameTable { schema, name } => {
                self.rename = Some((schema.clone().unwrap_or_default(), name.clone()));
            }
            AlterStep::RenameColumn { from, to } => {
                for (n, _) in &mut self.mapping {
                    if n.eq_ignore_ascii_case(from) {
                        *n = to.clone();
                    }
                }
            }
            AlterStep::AddColumn(c) => self.mapping.push((c.clone(), None)),
            _ => {}
        }
        self.steps.push(step);
    }

    /// The SQL that brings SQLite from `old` to `new` (the tables before and after the whole
    /// statement). A rebuild runs with `PRAGMA foreign_keys=OFF` in one transaction, then
    /// `PRAGMA foreign_key_check`, as SQLite's ALTER TABLE procedure says; the engine does that.
    pub fn sql(
        &self,
        old: &Table,
        new: &Table,
        names: &dyn super::SqliteNames,
    ) -> Result<Vec<String>, SqlError> {
        super::sqlite::plan_sql(self, old, new, names)
    }
}

fn unknown_column(t: &Table, c: &str) -> SqlError {
    SqlError::unknown_column(c, &t.name)
}

impl Table {
    fn place(
        &mut self,
        col: Column,
        pos: Option<&MySQLColumnPosition>,
        at: usize,
    ) -> Result<(), SqlError> {
        let idx = match pos {
            None => at,
            Some(MySQLColumnPosition::First) => 0,
            Some(MySQLColumnPosition::After(a)) => {
                self.column_index(&a.value)
                    .ok_or_else(|| unknown_column(self, &a.value))?
                    + 1
            }
        };
        self.columns.insert(idx.min(self.columns.len()), col);
        Ok(())
    }

    fn identity_mapping(&self) -> ColumnMapping {
        self.columns
            .iter()
            .map(|c| (c.name.clone(), Some(c.name.clone())))
            .collect()
    }

    /// Renames a column in the keys, after the checks of CHANGE / RENAME COLUMN.
    fn rename_in_keys(&mut self, from: &str, to: &str) -> Result<(), SqlError> {
        if from == to {
            return Ok(());
        }
        if let Some(c) = self.checks.iter().find(|c| expr_uses(&c.expr, from)) {
            return Err(SqlError::check_uses_column(&c.name, from));
        }
        if self.columns.iter().any(|c| {
            c.generated
                .as_ref()
                .is_some_and(|g| expr_uses(&g.expr, from))
                || matches!(&c.default, Some(ColumnDefault::Expression(e)) if expr_uses(e, from))
        }) {
            return Err(SqlError::generated_dependency(from));
        }
        for i in &mut self.indexes {
            for p in &mut i.parts {
                if p.column.eq_ignore_ascii_case(from) {
                    p.column = to.to_string();
                }
            }
        }
        let (schema, name) = (self.schema.clone(), self.name.clone());
        for fk in &mut self.foreign_keys {
            for c in &mut fk.columns {
                if c.eq_ignore_ascii_case(from) {
                    *c = to.to_string();
                }
            }
            // A self-referencing key follows its own column.
            if fk.ref_schema == schema && fk.ref_table == name {
                for c in &mut fk.ref_columns {
                    if c.eq_ignore_ascii_case(from) {
                        *c = to.to_string();
                    }
                }
            }
        }
        Ok(())
    }

    /// MODIFY / CHANGE: replaces column `old` with a new definition.
    fn redefine(
        &mut self,
        old: &str,
        new_name: &Ident,
        data_type: &DataType,
        options: &[ColumnOption],
        pos: Option<&MySQLColumnPosition>,
    ) -> Result<AlterStep, SqlError> {
        let at = self
            .column_index(old)
            .ok_or_else(|| unknown_column(self, old))?;
        let old_col = self.columns[at].clone();
        if !new_name.value.eq_ignore_ascii_case(old) && self.column(&new_name.value).is_some() {
            return Err(SqlError::duplicate_column(&new_name.value));
        }
        let opts: Vec<(Option<Ident>, &ColumnOption)> = options.iter().map(|o| (None, o)).collect();
        let spec = column_from_def(new_name, data_type, &opts, (&self.charset, &self.collation))?;
        let mut col = spec.column;
        self.rename_in_keys(&old_col.name, &col.name)?;
        if let Some(fk) = self
            .foreign_keys
            .iter()
            .find(|fk| fk.columns.iter().any(|c| c.eq_ignore_ascii_case(&col.name)))
        {
            if !col.nullable
                && (fk.on_delete == super::Action::SetNull
                    || fk.on_update == super::Action::SetNull)
            {
                return Err(SqlError::fk_set_null_not_null(&col.name, &fk.name));
            }
        }
        if self.primary_key().is_some_and(|pk| {
            pk.parts
                .iter()
                .any(|p| p.column.eq_ignore_ascii_case(&col.name))
        }) {
            col.nullable = false;
        }
        finish_column(&mut col);
        self.columns.remove(at);
        self.place(col.clone(), pos, at)?;
        let mut keys = false;
        for i in spec.inline {
            keys = true;
            let part = vec![IndexPart {
                column: col.name.clone(),
                prefix: None,
                desc: false,
                expr: None,
            }];
            match i {
                Inline::Primary => {
                    self.add_index(None, IndexKind::Primary, part, String::new())?;
                }
                Inline::Unique => {
                    self.add_index(None, IndexKind::Unique, part, String::new())?;
                }
                Inline::Check(n, c) => {
                    self.add_check(n, &c)?;
                }
            }
        }
        self.finish()?;
        let same_place = self.column_index(&col.name) == Some(at);
        let mut a = old_col.clone();
        a.comment.clear();
        a.on_update_now = None;
        let mut b = col.clone();
        b.comment.clear();
        b.on_update_now = None;
        if a == b && same_place && !keys {
            return Ok(AlterStep::CatalogOnly);
        }
        let mut mapping = self.identity_mapping();
        for (n, src) in &mut mapping {
            if n.eq_ignore_ascii_case(&col.name) {
                *src = Some(old_col.name.clone());
            }
        }
        Ok(AlterStep::Rebuild(mapping))
    }

    fn drop_column(&mut self, name: &str) -> Result<(), SqlError> {
        let at = self
            .column_index(name)
            .ok_or_else(|| SqlError::cant_drop(name))?;
        let cname = self.columns[at].name.clone();
        if self.columns.len() == 1 {
            return Err(SqlError::drop_all_columns());
        }
        if let Some(fk) = self
            .foreign_keys
            .iter()
            .find(|fk| fk.columns.iter().any(|c| c.eq_ignore_ascii_case(&cname)))
        {
            return Err(SqlError::fk_column_drop(&cname, &fk.name));
        }
        if self.columns.iter().any(|c| {
            !c.name.eq_ignore_ascii_case(&cname)
                && (c.generated.as_ref().is_some_and(|g| expr_uses(&g.expr, &cname))
                    || matches!(&c.default, Some(ColumnDefault::Expression(e)) if expr_uses(e, &cname)))
        }) {
            return Err(SqlError::generated_dependency(&cname));
        }
        // A CHECK on this column alone goes with it; one that uses others too forbids the drop.
        let mut keep = Vec::new();
        for c in std::mem::take(&mut self.checks) {
            if expr_uses(&c.expr, &cname) {
                let others = self
                    .columns
                    .iter()
                    .any(|o| !o.name.eq_ignore_ascii_case(&cname) && expr_uses(&c.expr, &o.name));
                if others {
                    let name = c.name.clone();
                    keep.push(c);
                    self.checks = keep;
                    return Err(SqlError::check_uses_column(&name, &cname));
                }
                continue;
            }
            keep.push(c);
        }
        self.checks = keep;
        self.columns.remove(at);
        for i in &mut self.indexes {
            i.parts.retain(|p| !p.column.eq_ignore_ascii_case(&cname));
        }
        self.indexes.retain(|i| !i.parts.is_empty());
        Ok(())
    }

    fn drop_index_named(&mut self, name: &str) -> Result<AlterStep, SqlError> {
        let at = self
            .indexes
            .iter()
            .position(|i| i.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| SqlError::cant_drop(name))?;
        let idx = self.indexes[at].clone();
        for fk in &self.foreign_keys {
            let others = self.indexes.iter().enumerate().any(|(j, i)| {
                j != at && i.kind != IndexKind::Fulltext && i.starts_with(&fk.columns)
            });
            if idx.starts_with(&fk.columns) && !others {
                return Err(SqlError::fk_index_drop(&idx.name));
            }
        }
        self.indexes.remove(at);
        Ok(if idx.kind == IndexKind::Primary {
            AlterStep::Rebuild(self.identity_mapping())
        } else {
            AlterStep::DropIndex(idx.name)
        })
    }

    /// DROP INDEX / DROP KEY name (also `PRIMARY`). MySQL's 1091 when missing, 1553 when a
    /// foreign key needs it.
    pub fn drop_index(&mut self, name: &str) -> Result<AlterStep, SqlError> {
        let step = self.drop_index_named(name)?;
        self.finish()?;
        Ok(step)
    }

    /// DROP CHECK name (sqlparser does not parse it): MySQL's 3821 when missing.
    pub fn drop_check(&mut self, name: &str) -> Result<AlterStep, SqlError> {
        let at = self
            .checks
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                SqlError::new(
                    3821,
                    "HY000",
                    format!("Check constraint '{name}' is not found in the table."),
                )
            })?;
        let c = self.checks.remove(at);
        Ok(if c.enforced {
            AlterStep::Rebuild(self.identity_mapping())
        } else {
            AlterStep::CatalogOnly
        })
    }

    /// RENAME INDEX / KEY from TO to (sqlparser does not parse it): 1176 when missing, 1061
    /// when taken.
    pub fn rename_index(&mut self, from: &str, to: &str) -> Result<AlterStep, SqlError> {
        let name = self.name.clone();
        let at = self
            .indexes
            .iter()
            .position(|i| i.name.eq_ignore_ascii_case(from) && i.kind != IndexKind::Primary)
            .ok_or_else(|| {
                SqlError::new(
                    1176,
                    "42000",
                    format!("Key '{from}' doesn't exist in table '{name}'"),
                )
            })?;
        if to.eq_ignore_ascii_case("PRIMARY") {
            return Err(SqlError::new(
                1280,
                "42000",
                format!("Incorrect index name '{to}'"),
            ));
        }
        if !from.eq_ignore_ascii_case(to) && self.index(to).is_some() {
            return Err(SqlError::duplicate_key_name(to));
        }
        let old = std::mem::replace(&mut self.indexes[at].name, to.to_string());
        Ok(AlterStep::RenameIndex {
            from: old,
            to: to.to_string(),
        })
    }

    /// Table options of ALTER TABLE (ENGINE=, COMMENT=, \[DEFAULT\] CHARSET=, COLLATE=,
    /// AUTO_INCREMENT=, ROW_FORMAT=), which sqlparser's ALTER does not parse apart from
    /// AUTO_INCREMENT: the engine can parse them with `Parser::parse_plain_options` and
    /// [`Table::parse_table_options`]. A default charset change moves no existing column.
    pub fn apply_table_options(&mut self, opts: &[TableOption]) -> Result<AlterStep, SqlError> {
        let mut step = AlterStep::CatalogOnly;
        let cs = opts.iter().find_map(|o| match o {
            TableOption::Charset(c) => Some(c.as_str()),
            _ => None,
        });
        let coll = opts.iter().find_map(|o| match o {
            TableOption::Collate(c) => Some(c.as_str()),
            _ => None,
        });
        if cs.is_some() || coll.is_some() {
            let (a, b) = resolve_charset(cs, coll, (&self.charset, &self.collation))?;
            self.charset = a;
            self.collation = b;
        }
        for o in opts {
            match o {
                TableOption::Engine(e) => self.engine = canonical_engine(e),
                TableOption::Comment(c) => self.comment = c.clone(),
                TableOption::RowFormat(r) => self.row_format = Some(r.to_ascii_uppercase()),
                TableOption::AutoIncrement(n) => step = AlterStep::AutoIncrement(*n),
                TableOption::Charset(_) | TableOption::Collate(_) => {}
            }
        }
        Ok(step)
    }

    /// sqlparser's table options as [`TableOption`]s.
    pub fn parse_table_options(opts: &[SqlOption]) -> Result<Vec<TableOption>, SqlError> {
        table_options(opts)
    }

    /// CONVERT TO CHARACTER SET cs [COLLATE c]: the table default and every textual column.
    pub fn convert_charset(
        &mut self,
        charset: &str,
        collation: Option<&str>,
    ) -> Result<AlterStep, SqlError> {
        let (cs, coll) =
            resolve_charset(Some(charset), collation, (&self.charset, &self.collation))?;
        for c in &mut self.columns {
            if c.ty.is_textual() {
                c.charset = Some(cs.clone());
                c.collation = Some(coll.clone());
            }
        }
        self.charset = cs;
        self.collation = coll;
        Ok(AlterStep::Rebuild(self.identity_mapping()))
    }

    /// CREATE \[UNIQUE\] INDEX ... ON this table.
    pub fn apply_create_index(&mut self, ci: &CreateIndex) -> Result<AlterStep, SqlError> {
        let parts = ci
            .columns
            .iter()
            .map(index_part)
            .collect::<Result<Vec<_>, _>>()?;
        let name = ci.name.as_ref().map(|n| {
            n.0.last()
                .and_then(|p| p.as_ident().map(|i| i.value.clone()))
                .unwrap_or_default()
        });
        let kind = if ci.unique {
            IndexKind::Unique
        } else {
            IndexKind::Key
        };
        let name = self.add_index(name, kind, parts, index_comment(&ci.index_options))?;
        self.finish()?;
        Ok(AlterStep::CreateIndex(name))
    }

    /// Applies one ALTER TABLE operation to the catalog and says what SQLite must do. On error
    /// `self` may be partly changed: work on a copy, or use [`Table::alter`]. Whole-table rules
    /// (one AUTO_INCREMENT column, and a key on it) are checked by [`Table::validate`] once all
    /// operations of the statement are applied.
    pub fn apply_alter(&mut self, op: &AlterTableOperation) -> Result<AlterStep, SqlError> {
        use AlterTableOperation as A;
        let step = match op {
            A::AddColumn {
                column_def,
                column_position,
                ..
            } => {
                if self.column(&column_def.name.value).is_some() {
                    return Err(SqlError::duplicate_column(&column_def.name.value));
                }
                let opts: Vec<(Option<Ident>, &ColumnOption)> = column_def
                    .options
                    .iter()
                    .map(|o| (o.name.clone(), &o.option))
                    .collect();
                let spec = column_from_def(
                    &column_def.name,
                    &column_def.data_type,
                    &opts,
                    (&self.charset, &self.collation),
                )?;
                let mut col = spec.column;
                finish_column(&mut col);
                let at = self.columns.len();
                self.place(col.clone(), column_position.as_ref(), at)?;
                let in_place = column_position.is_none()
                    && spec.inline.is_empty()
                    && !col.auto_increment
                    && col.generated.as_ref().is_none_or(|g| !g.stored)
                    && match &col.default {
                        None => col.nullable,
                        Some(ColumnDefault::Null) => col.nullable,
                        Some(ColumnDefault::Literal(_)) => true,
                        _ => false,
                    };
                for i in spec.inline {
                    let part = vec![IndexPart {
                        column: col.name.clone(),
                        prefix: None,
                        desc: false,
                        expr: None,
                    }];
                    match i {
                        Inline::Primary => {
                            self.add_index(None, IndexKind::Primary, part, String::new())?;
                        }
                        Inline::Unique => {
                            self.add_index(None, IndexKind::Unique, part, String::new())?;
                        }
                        Inline::Check(n, c) => {
                            self.add_check(n, &c)?;
                        }
                    }
                }
                self.finish()?;
                if in_place {
                    AlterStep::AddColumn(col.name)
                } else {
                    let mut m = self.identity_mapping();
                    for (n, src) in &mut m {
                        if n.eq_ignore_ascii_case(&col.name) {
                            *src = None;
                        }
                    }
                    AlterStep::Rebuild(m)
                }
            }
            A::DropColumn { column_names, .. } => {
                for n in column_names {
                    self.drop_column(&n.value)?;
                }
                self.finish()?;
                AlterStep::Rebuild(self.identity_mapping())
            }
            A::ModifyColumn {
                col_name,
                data_type,
                options,
                column_position,
            } => self.redefine(
                &col_name.value,
                col_name,
                data_type,
                options,
                column_position.as_ref(),
            )?,
            A::ChangeColumn {
                old_name,
                new_name,
                data_type,
                options,
                column_position,
            } => self.redefine(
                &old_name.value,
                new_name,
                data_type,
                options,
                column_position.as_ref(),
            )?,
            A::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let at = self
                    .column_index(&old_column_name.value)
                    .ok_or_else(|| unknown_column(self, &old_column_name.value))?;
                let from = self.columns[at].name.clone();
                let to = new_column_name.value.clone();
                if !from.eq_ignore_ascii_case(&to) && self.column(&to).is_some() {
                    return Err(SqlError::duplicate_column(&to));
                }
                self.rename_in_keys(&from, &to)?;
                self.columns[at].name = to.clone();
                AlterStep::RenameColumn { from, to }
            }
            A::AlterColumn { column_name, op } => {
                let at = self
                    .column_index(&column_name.value)
                    .ok_or_else(|| unknown_column(self, &column_name.value))?;
                let col = self.columns[at].clone();
                let mut new = match op {
                    AlterColumnOperation::SetDefault { value } => {
                        let o = ColumnOption::Default(value.clone());
                        let mut opts: Vec<(Option<Ident>, &ColumnOption)> = vec![(None, &o)];
                        let nn = ColumnOption::NotNull;
                        if !col.nullable {
                            opts.insert(0, (None, &nn));
                        }
                        let spec = column_from_def(
                            &Ident::new(col.name.clone()),
                            &sql_type_of(&col),
                            &opts,
                            (&self.charset, &self.collation),
                        )?;
                        let mut c = col.clone();
                        if col.generated.is_some() {
                            return Err(SqlError::new(
                                3105,
                                "HY000",
                                format!(
                                    "The 'default' clause specified for generated column '{}' is not allowed.",
                                    col.name
                                ),
                            ));
                        }
                        c.default = spec.column.default;
                        c
                    }
                    AlterColumnOperation::DropDefault => {
                        let mut c = col.clone();
                        c.default = None;
                        c
                    }
                    other => return Err(SqlError::not_supported(format!("ALTER COLUMN {other}"))),
                };
                finish_column(&mut new);
                let changed = new != col;
                self.columns[at] = new;
                if changed {
                    AlterStep::Rebuild(self.identity_mapping())
                } else {
                    AlterStep::CatalogOnly
                }
            }
            A::AddConstraint { constraint, .. } => match constraint {
                TableConstraint::PrimaryKey(_) => {
                    self.add_constraint_index(constraint)?;
                    self.finish()?;
                    AlterStep::Rebuild(self.identity_mapping())
                }
                TableConstraint::Unique(_)
                | TableConstraint::Index(_)
                | TableConstraint::FulltextOrSpatial(_) => {
                    let n = self.add_constraint_index(constraint)?;
                    self.finish()?;
                    AlterStep::CreateIndex(n)
                }
                TableConstraint::ForeignKey(fk) => {
                    self.add_foreign_key(fk)?;
                    self.finish()?;
                    AlterStep::Rebuild(self.identity_mapping())
                }
                TableConstraint::Check(c) => {
                    self.add_check(None, c)?;
                    if c.enforced.unwrap_or(true) {
                        AlterStep::Rebuild(self.identity_mapping())
                    } else {
                        AlterStep::CatalogOnly
                    }
                }
                other => return Err(SqlError::not_supported(format!("ADD {other}"))),
            },
            A::DropIndex { name } => self.drop_index(&name.value)?,
            A::DropPrimaryKey { .. } => {
                if self.primary_key().is_none() {
                    return Err(SqlError::cant_drop("PRIMARY"));
                }
                self.drop_index("PRIMARY")?
            }
            A::DropForeignKey { name, .. } => {
                let at = self
                    .foreign_keys
                    .iter()
                    .position(|f| f.name.eq_ignore_ascii_case(&name.value))
                    .ok_or_else(|| SqlError::cant_drop(&name.value))?;
                self.foreign_keys.remove(at);
                AlterStep::Rebuild(self.identity_mapping())
            }
            A::DropConstraint {
                name, if_exists, ..
            } => {
                let n = &name.value;
                if self.checks.iter().any(|c| c.name.eq_ignore_ascii_case(n)) {
                    self.drop_check(n)?
                } else if self
                    .foreign_keys
                    .iter()
                    .any(|f| f.name.eq_ignore_ascii_case(n))
                {
                    self.foreign_keys
                        .retain(|f| !f.name.eq_ignore_ascii_case(n));
                    AlterStep::Rebuild(self.identity_mapping())
                } else if self
                    .indexes
                    .iter()
                    .any(|i| i.name.eq_ignore_ascii_case(n) && i.is_unique())
                {
                    self.drop_index(n)?
                } else if *if_exists {
                    AlterStep::CatalogOnly
                } else {
                    return Err(SqlError::check_missing(n));
                }
            }
            A::RenameTable { table_name } => {
                let n = match table_name {
                    RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => n,
                };
                let schema = (n.0.len() > 1).then(|| split_name(n, &self.schema).0);
                let (_, name) = split_name(n, &self.schema);
                AlterStep::RenameTable { schema, name }
            }
            A::AutoIncrement { value, .. } => {
                let v = value.value.to_string();
                AlterStep::AutoIncrement(v.parse().map_err(|_| SqlError::syntax(&v, 1))?)
            }
            A::Algorithm { .. } | A::Lock { .. } => AlterStep::CatalogOnly,
            other => return Err(SqlError::not_supported(format!("ALTER TABLE {other}"))),
        };
        Ok(step)
    }

    /// Moves the catalog value to `schema`.`name`; a self-referencing foreign key follows.
    pub fn rename_to(&mut self, schema: &str, name: &str) {
        let from = (self.schema.clone(), self.name.clone());
        for fk in &mut self.foreign_keys {
            if fk.ref_schema == from.0 && fk.ref_table == from.1 {
                fk.ref_schema = schema.to_string();
                fk.ref_table = name.to_string();
            }
        }
        self.schema = schema.to_string();
        self.name = name.to_string();
    }

    /// The whole-table rules MySQL checks at the end of CREATE / ALTER: one AUTO_INCREMENT
    /// column and an index starting with it (1075), SET NULL foreign keys on nullable columns
    /// (1830).
    pub fn validate(&mut self) -> Result<(), SqlError> {
        self.finish()?;
        self.validate_rules()
    }

    /// Applies every operation of one ALTER TABLE statement to a copy of `self` (MySQL's ALTER
    /// is all or nothing) and returns the new table with the plan of what SQLite must do.
    pub fn alter(&self, ops: &[AlterTableOperation]) -> Result<(Table, AlterPlan), SqlError> {
        let ops: Vec<AlterOperation> = ops
            .iter()
            .map(|o| AlterOperation::Parsed(Box::new(o.clone())))
            .collect();
        self.alter_operations(&ops)
    }

    /// [`Table::alter`] with the operations sqlparser does not parse among them.
    pub fn alter_operations(&self, ops: &[AlterOperation]) -> Result<(Table, AlterPlan), SqlError> {
        let mut t = self.clone();
        let mut plan = AlterPlan::new(self);
        for op in ops {
            let step = match op {
                AlterOperation::Parsed(op) => t.apply_alter(op)?,
                AlterOperation::RenameIndex { from, to } => t.rename_index(from, to)?,
                AlterOperation::Options(opts) => t.apply_table_options(opts)?,
                AlterOperation::ConvertCharset { charset, collation } => {
                    t.convert_charset(charset, collation.as_deref())?
                }
            };
            plan.push(step);
            if std::mem::take(&mut t.dropped_implicit_index) {
                // SQLite's copy of the dropped index goes with a rebuild.
                plan.push(AlterStep::Rebuild(t.identity_mapping()));
            }
        }
        if let Some((schema, name)) = &mut plan.rename {
            if schema.is_empty() {
                *schema = t.schema.clone();
            }
            let (schema, name) = (schema.clone(), name.clone());
            t.rename_to(&schema, &name);
        }
        t.validate()?;
        Ok((t, plan))
    }

    /// CREATE TABLE `schema`.`name` LIKE this one: columns, indexes and options copied; as in
    /// MySQL 8.0 foreign keys are not, and CHECK constraints get the new table's generated
    /// names (constraint names are unique per schema). Not temporary unless `temporary`.
    pub fn like(&self, schema: &str, name: &str, temporary: bool) -> Table {
        let mut t = self.clone();
        t.schema = schema.to_string();
        t.name = name.to_string();
        t.temporary = temporary;
        t.foreign_keys.clear();
        for (i, c) in t.checks.iter_mut().enumerate() {
            c.name = format!("{name}_chk_{}", i + 1);
        }
        t
    }

    /// MySQL's rule that FOREIGN KEY and CHECK names are unique in a schema: checks this
    /// table's against the other tables of its schema (1826 for a foreign key, 3822 for a
    /// check). The engine calls it on CREATE / ALTER / RENAME with the schema's other tables.
    pub fn check_constraint_names<'a>(
        &self,
        others: impl IntoIterator<Item = &'a Table>,
    ) -> Result<(), SqlError> {
        for o in others {
            if o.schema != self.schema || o.name == self.name {
                continue;
            }
            for fk in &self.foreign_keys {
                if o.foreign_keys
                    .iter()
                    .any(|f| f.name.eq_ignore_ascii_case(&fk.name))
                {
                    return Err(SqlError::fk_duplicate_name(&fk.name));
                }
            }
            for c in &self.checks {
                if o.checks
                    .iter()
                    .any(|k| k.name.eq_ignore_ascii_case(&c.name))
                {
                    return Err(SqlError::check_duplicate_name(&c.name));
                }
            }
        }
        Ok(())
    }

    /// A child table's foreign keys follow a rename of their parent (table or column); the
    /// engine calls this on every table referencing a renamed one. Returns whether anything
    /// changed.
    pub fn follow_parent_rename(
        &mut self,
        from: (&str, &str),
        to: (&str, &str),
        column: Option<(&str, &str)>,
    ) -> bool {
        let mut changed = false;
        for fk in &mut self.foreign_keys {
            if fk.ref_schema == from.0 && fk.ref_table == from.1 {
                if (fk.ref_schema.as_str(), fk.ref_table.as_str()) != to {
                    fk.ref_schema = to.0.to_string();
                    fk.ref_table = to.1.to_string();
                    changed = true;
                }
                if let Some((a, b)) = column {
                    for c in &mut fk.ref_columns {
                        if c.eq_ignore_ascii_case(a) {
                            *c = b.to_string();
                            changed = true;
                        }
                    }
                }
            }
        }
        changed
    }
}

/// The sqlparser type of a column, for re-reading its DEFAULT through `column_from_def`.
fn sql_type_of(c: &Column) -> DataType {
    let text = format!("CREATE TABLE t (c {})", c.ty.show());
    let parsed = sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::MySqlDialect {}, &text);
    match parsed.ok().and_then(|mut v| v.pop()) {
        Some(sqlparser::ast::Statement::CreateTable(ct)) => ct
            .columns
            .into_iter()
            .next()
            .map(|c| c.data_type)
            .unwrap_or(DataType::Text),
        _ => DataType::Text,
    }
}
