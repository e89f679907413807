//! The SQLite side of the catalog: CREATE TABLE / CREATE INDEX for a [`Table`], the rebuild of
//! SQLite's 12-step ALTER, and the SQL of in-place ALTER steps.

use super::alter::{AlterPlan, AlterStep, ColumnMapping};
use super::{Action, Column, ColumnDefault, Index, IndexKind, Table, Type};
use crate::SqlError;

/// How MySQL names become SQLite names, and how MySQL expressions become SQLite ones: the
/// engine supplies its expression translator.
pub trait SqliteNames {
    /// The SQLite table name of `schema`.`table`: by default [`sqlite_table_name`], one
    /// identifier, since one SQLite database holds every MySQL schema. Bare or double-quoted
    /// (`"db.t"`), both are accepted.
    fn table(&self, schema: &str, table: &str) -> String {
        sqlite_table_name(schema, table)
    }

    /// The SQLite index name (unquoted): by default the table's SQLite name, `.`, the index
    /// name, since SQLite index names are database-wide (and MySQL's are case-insensitive,
    /// as SQLite's are).
    fn index(&self, schema: &str, table: &str, index: &str) -> String {
        format!("{}.{index}", sqlite_table_name(schema, table))
    }

    /// A MySQL expression (as [`super::mysql_expr`] prints it) in SQLite's SQL, for DEFAULT
    /// (expr), generated columns and CHECK constraints.
    fn expr(&self, mysql_expr_text: &str) -> Result<String, SqlError>;
}

/// Marks, in a SQLite table name, that the next letter is an upper-case one of the MySQL name.
const UPPER: char = '^';

/// The SQLite name of MySQL table (or view) `schema`.`table`, the one place MySQL names become
/// SQLite's.
///
/// MySQL on Linux, and Aurora MySQL by default (`lower_case_table_names=0`), tells `Mixed` from
/// `mixed`, in table and database names alike; SQLite folds ASCII case in identifiers. So:
/// - a name without ASCII upper case is `schema.table`, as it always was (stored data of
///   existing clusters keeps its names);
/// - any other is `schema.table` with each upper-case letter written as `^` and the letter in
///   lower case, each `^` doubled, and one space at the end: `Shop`.`Mixed` is
///   `"^shop.^mixed "`. No MySQL table name ends with a space (1103), so such a name never
///   meets one of the first kind, and holding no upper case, two of them never meet under
///   SQLite's folding.
pub fn sqlite_table_name(schema: &str, table: &str) -> String {
    let has_upper = |s: &str| s.bytes().any(|b| b.is_ascii_uppercase());
    if !has_upper(schema) && !has_upper(table) {
        return format!("{schema}.{table}");
    }
    let mut out = String::with_capacity(schema.len() + table.len() + 8);
    let mut push = |s: &str| {
        for c in s.chars() {
            if c.is_ascii_uppercase() {
                out.push(UPPER);
                out.push(c.to_ascii_lowercase());
            } else if c == UPPER {
                out.push(UPPER);
                out.push(UPPER);
            } else {
                out.push(c);
            }
        }
    };
    push(schema);
    push(".");
    push(table);
    out.push(' ');
    out
}

/// The MySQL `schema.table` text of a SQLite table name made by [`sqlite_table_name`] (for
/// SQLite's messages, which name the SQLite table).
pub fn mysql_table_name(sqlite: &str) -> String {
    let Some(coded) = sqlite.strip_suffix(' ') else {
        return sqlite.to_owned();
    };
    let mut out = String::with_capacity(coded.len());
    let mut chars = coded.chars();
    while let Some(c) = chars.next() {
        match c {
            UPPER => match chars.next() {
                Some(UPPER) => out.push(UPPER),
                Some(n) => out.push(n.to_ascii_uppercase()),
                None => out.push(UPPER),
            },
            c => out.push(c),
        }
    }
    out
}

/// Default names and a plain expression translation (backticks become double quotes, string
/// introducers go): for tests and for tables whose expressions need no function mapping.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainNames;

impl SqliteNames for PlainNames {
    fn expr(&self, e: &str) -> Result<String, SqlError> {
        let mut out = String::with_capacity(e.len());
        let mut chars = e.chars().peekable();
        let mut in_str = false;
        while let Some(c) = chars.next() {
            match c {
                '\'' => {
                    in_str = !in_str;
                    out.push(c);
                }
                '\\' if in_str => {
                    if let Some(n) = chars.next() {
                        if n == '\'' {
                            out.push_str("''");
                        } else {
                            out.push(n);
                        }
                    }
                }
                '`' if !in_str => out.push('"'),
                '_' if !in_str
                    && !out.ends_with(|p: char| p.is_alphanumeric() || p == '_' || p == '"') =>
                {
                    // _utf8mb4'x' -> 'x'
                    let rest: String = chars.clone().take_while(|c| c.is_alphanumeric()).collect();
                    let after = chars.clone().nth(rest.len());
                    if !rest.is_empty() && after == Some('\'') {
                        for _ in 0..rest.len() {
                            chars.next();
                        }
                    } else {
                        out.push(c);
                    }
                }
                c => out.push(c),
            }
        }
        Ok(out)
    }
}

/// An SQLite identifier, double-quoted.
pub fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// An SQLite string literal.
pub fn quote_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The SQLite collation (registered by mysql-functions) for a MySQL collation. Registered:
/// utf8mb4_0900_ai_ci, utf8mb4_0900_as_cs, utf8mb4_bin, utf8mb4_general_ci,
/// utf8mb4_unicode_ci, latin1_swedish_ci, ascii_general_ci. Others map to the nearest: any
/// `_bin` and `binary` to utf8mb4_bin; `_0900_as_cs` / `_cs` to utf8mb4_0900_as_cs; language
/// `_0900_ai_ci` variants to utf8mb4_0900_ai_ci; `_unicode_*_ci` to utf8mb4_unicode_ci;
/// latin1's other `_ci` to latin1_swedish_ci; every other `_ci` to utf8mb4_general_ci.
pub fn sqlite_collation(mysql: &str) -> &'static str {
    let c = mysql.to_ascii_lowercase();
    match c.as_str() {
        "utf8mb4_0900_ai_ci" => "utf8mb4_0900_ai_ci",
        "utf8mb4_0900_as_cs" => "utf8mb4_0900_as_cs",
        "utf8mb4_bin" => "utf8mb4_bin",
        "utf8mb4_general_ci" => "utf8mb4_general_ci",
        "utf8mb4_unicode_ci" => "utf8mb4_unicode_ci",
        "latin1_swedish_ci" => "latin1_swedish_ci",
        "ascii_general_ci" => "ascii_general_ci",
        _ if c.ends_with("_bin") || c == "binary" => "utf8mb4_bin",
        _ if c.ends_with("_cs") => "utf8mb4_0900_as_cs",
        _ if c.ends_with("_0900_ai_ci") => "utf8mb4_0900_ai_ci",
        _ if c.contains("_unicode_") => "utf8mb4_unicode_ci",
        _ if c.starts_with("latin1_") => "latin1_swedish_ci",
        _ => "utf8mb4_general_ci",
    }
}

/// The bare SQLite name of a table, whichever form `names` gives.
fn table_name(names: &dyn SqliteNames, schema: &str, table: &str) -> String {
    let n = names.table(schema, table);
    match n.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => n,
    }
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02X}")).collect()
}

/// A literal default (as SHOW CREATE TABLE prints it) in the form SQLite stores for the type:
/// numbers bare, text quoted, bytes as X'..'.
pub(crate) fn stored_literal(ty: &Type, lit: &str) -> String {
    let v = &super::create::unquote_literal(lit);
    match ty {
        Type::Int { .. }
        | Type::Decimal { .. }
        | Type::Float { .. }
        | Type::Double { .. }
        | Type::Bit(_)
        | Type::Year => v.to_string(),
        Type::Binary(_) | Type::VarBinary(_) | Type::Blob(_) => format!("X'{}'", hex(v)),
        _ => quote_str(v),
    }
}

fn now_sql(p: u8) -> String {
    if p == 0 {
        "now()".into()
    } else {
        format!("now({p})")
    }
}

/// The value MySQL gives existing rows for a new NOT NULL column without DEFAULT.
fn implicit_default(ty: &Type) -> String {
    let zeros = |p: u8| {
        if p > 0 {
            format!(".{}", "0".repeat(p as usize))
        } else {
            String::new()
        }
    };
    match ty {
        Type::Int { .. }
        | Type::Decimal { .. }
        | Type::Float { .. }
        | Type::Double { .. }
        | Type::Bit(_)
        | Type::Year => "0".into(),
        Type::Char(_) | Type::VarChar(_) | Type::Text(_) | Type::Set(_) => "''".into(),
        Type::Binary(_) | Type::VarBinary(_) | Type::Blob(_) | Type::Geometry(_) => "X''".into(),
        Type::Enum(m) => quote_str(m.first().map_or("", |s| s.as_str())),
        Type::Date => "'0000-00-00'".into(),
        Type::Time(p) => format!("'00:00:00{}'", zeros(*p)),
        Type::DateTime(p) | Type::Timestamp(p) => format!("'0000-00-00 00:00:00{}'", zeros(*p)),
        Type::Json => "'null'".into(),
    }
}

impl Table {
    /// The SQLite name of this table (unquoted).
    pub fn sqlite_name(&self, names: &dyn SqliteNames) -> String {
        table_name(names, &self.schema, &self.name)
    }

    /// [`Table::sqlite_index_sql`] by index name, empty for PRIMARY or an unknown name.
    pub fn sqlite_index_ddl(
        &self,
        index: &str,
        names: &dyn SqliteNames,
    ) -> Result<Vec<String>, SqlError> {
        Ok(self
            .index(index)
            .and_then(|i| self.sqlite_index_sql(i, names))
            .into_iter()
            .collect())
    }

    /// The SQLite column definition of `col` (as in CREATE TABLE and ALTER TABLE ADD COLUMN).
    pub fn sqlite_column_def(
        &self,
        col: &Column,
        names: &dyn SqliteNames,
    ) -> Result<String, SqlError> {
        let mut s = quote_ident(&col.name);
        let rowid = self
            .rowid_column()
            .is_some_and(|r| r.name.eq_ignore_ascii_case(&col.name));
        if rowid {
            s.push_str(" INTEGER PRIMARY KEY");
            if col.auto_increment {
                s.push_str(" AUTOINCREMENT");
            }
        } else {
            s.push(' ');
            s.push_str(&col.ty.sqlite_decl());
        }
        if !col.nullable {
            s.push_str(" NOT NULL");
        }
        match &col.default {
            None | Some(ColumnDefault::Null) => {}
            Some(ColumnDefault::Literal(v)) => {
                s.push_str(" DEFAULT ");
                s.push_str(&stored_literal(&col.ty, v));
            }
            Some(ColumnDefault::CurrentTimestamp(p)) => {
                s.push_str(&format!(" DEFAULT ({})", now_sql(*p)));
            }
            Some(ColumnDefault::Expression(e)) => {
                s.push_str(&format!(" DEFAULT ({})", names.expr(e)?));
            }
        }
        if let Some(coll) = &col.collation {
            s.push_str(" COLLATE ");
            s.push_str(sqlite_collation(coll));
        }
        if let Some(g) = &col.generated {
            s.push_str(&format!(
                " GENERATED ALWAYS AS ({}) {}",
                names.expr(&g.expr)?,
                if g.stored { "STORED" } else { "VIRTUAL" }
            ));
        }
        Ok(s)
    }

    /// CREATE TABLE for this table under the SQLite name `sqlite_name`.
    pub fn sqlite_create_table(
        &self,
        sqlite_name: &str,
        names: &dyn SqliteNames,
    ) -> Result<String, SqlError> {
        let mut lines = Vec::new();
        for c in &self.columns {
            lines.push(self.sqlite_column_def(c, names)?);
        }
        if let Some(pk) = self.primary_key() {
            if self.rowid_column().is_none() {
                lines.push(format!("PRIMARY KEY ({})", index_columns(pk, None)));
            }
        }
        for fk in &self.foreign_keys {
            let action = |a: Action| match a {
                Action::Restrict | Action::NoAction => "RESTRICT",
                Action::Cascade => "CASCADE",
                Action::SetNull => "SET NULL",
                Action::SetDefault => "SET DEFAULT",
            };
            lines.push(format!(
                "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
                quote_ident(&fk.name),
                fk.columns
                    .iter()
                    .map(|c| quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                quote_ident(&table_name(names, &fk.ref_schema, &fk.ref_table)),
                fk.ref_columns
                    .iter()
                    .map(|c| quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                action(fk.on_delete),
                action(fk.on_update),
            ));
        }
        for c in self.checks.iter().filter(|c| c.enforced) {
            lines.push(format!(
                "CONSTRAINT {} CHECK ({})",
                quote_ident(&c.name),
                names.expr(&c.expr)?
            ));
        }
        Ok(format!(
            "CREATE {}TABLE {} (\n  {}\n){}",
            if self.temporary { "TEMP " } else { "" },
            quote_ident(sqlite_name),
            lines.join(",\n  "),
            if self.without_rowid() {
                " WITHOUT ROWID"
            } else {
                ""
            }
        ))
    }

    /// CREATE \[UNIQUE\] INDEX for a secondary index (None for PRIMARY, part of the table).
    /// Prefix lengths are not SQLite's: the whole value is indexed (a UNIQUE prefix index is
    /// then less strict than MySQL's).
    pub fn sqlite_index_sql(&self, index: &Index, names: &dyn SqliteNames) -> Option<String> {
        if index.kind == IndexKind::Primary {
            return None;
        }
        Some(format!(
            "CREATE {}INDEX {} ON {} ({})",
            if index.kind == IndexKind::Unique {
                "UNIQUE "
            } else {
                ""
            },
            quote_ident(&names.index(&self.schema, &self.name, &index.name)),
            quote_ident(&self.sqlite_name(names)),
            index_columns(index, Some(names))
        ))
    }

    /// DROP INDEX of this table's index `index`.
    pub fn sqlite_drop_index_sql(&self, index: &str, names: &dyn SqliteNames) -> String {
        format!(
            "DROP INDEX {}",
            quote_ident(&names.index(&self.schema, &self.name, index))
        )
    }

    /// The statements creating this table in SQLite: CREATE TABLE then its CREATE INDEXes.
    /// (`AUTO_INCREMENT=n` of CREATE TABLE: then run [`Table::auto_increment_sql`].)
    pub fn sqlite_ddl(&self, names: &dyn SqliteNames) -> Result<Vec<String>, SqlError> {
        let mut out = vec![self.sqlite_create_table(&self.sqlite_name(names), names)?];
        out.extend(
            self.indexes
                .iter()
                .filter_map(|i| self.sqlite_index_sql(i, names)),
        );
        Ok(out)
    }

    /// The AUTOINCREMENT counters' table: `temp.sqlite_sequence` for a temporary table,
    /// `main.sqlite_sequence` otherwise (qualified, since an unqualified name would find the
    /// temporary one first).
    pub fn sequence_table(&self) -> &'static str {
        if self.temporary {
            "temp.sqlite_sequence"
        } else {
            "main.sqlite_sequence"
        }
    }

    /// Sets the next AUTO_INCREMENT value to max(next, max(column) + 1), as ALTER TABLE
    /// AUTO_INCREMENT=n and CREATE TABLE ... AUTO_INCREMENT=n do, in `sqlite_sequence`. Empty
    /// when the counter is not SQLite's (no rowid AUTOINCREMENT column).
    pub fn auto_increment_sql(&self, names: &dyn SqliteNames, next: u64) -> Vec<String> {
        let Some(col) = self.rowid_column().filter(|c| c.auto_increment) else {
            return Vec::new();
        };
        let t = self.sqlite_name(names);
        let seq = next.saturating_sub(1).min(i64::MAX as u64);
        vec![
            format!(
                "INSERT INTO {sq} (name, seq) SELECT {n}, 0 WHERE NOT EXISTS \
                 (SELECT 1 FROM {sq} WHERE name = {n})",
                n = quote_str(&t),
                sq = self.sequence_table()
            ),
            format!(
                "UPDATE {sq} SET seq = max({seq}, coalesce((SELECT max({c}) FROM {q}), \
                 0)) WHERE name = {n}",
                c = quote_ident(&col.name),
                q = quote_ident(&t),
                n = quote_str(&t),
                sq = self.sequence_table()
            ),
        ]
    }
}

/// An index's key list; a functional key part is its expression in SQLite's SQL (left as
/// MySQL wrote it if it does not translate: SQLite then refuses the index).
fn index_columns(i: &Index, names: Option<&dyn SqliteNames>) -> String {
    i.parts
        .iter()
        .map(|p| {
            let key = match (&p.expr, names) {
                (Some(e), Some(names)) => {
                    format!("({})", names.expr(e).unwrap_or_else(|_| e.clone()))
                }
                _ => quote_ident(&p.column),
            };
            if p.desc {
                format!("{key} DESC")
            } else {
                key
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// SQLite's 12-step ALTER body turning table `old` into `new`: create `new` under a temporary
/// name, copy the rows (each value through `mysql_assign(value, '<new spec>', '<column>')` when
/// the type changed; new columns get their default, or MySQL's implicit default when NOT NULL
/// without one), keep the AUTOINCREMENT counter, drop `old`, rename, create the indexes. The
/// engine runs it with `PRAGMA foreign_keys=OFF` in one transaction and then checks
/// `PRAGMA foreign_key_check`.
pub fn rebuild_sql(
    old: &Table,
    new: &Table,
    mapping: &ColumnMapping,
    names: &dyn SqliteNames,
) -> Result<Vec<String>, SqlError> {
    let old_name = old.sqlite_name(names);
    let new_name = new.sqlite_name(names);
    let tmp = format!("{new_name}~rebuild");
    let mut out = vec![new.sqlite_create_table(&tmp, names)?];
    let mut cols = Vec::new();
    let mut exprs = Vec::new();
    let new_rowid = new.rowid_column().map(|c| c.name.clone());
    for c in &new.columns {
        if c.generated.is_some() {
            continue;
        }
        let src = mapping
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&c.name))
            .and_then(|(_, s)| s.as_ref())
            .and_then(|s| old.column(s));
        let e = match src {
            Some(o) if o.ty == c.ty => quote_ident(&o.name),
            Some(o) => format!(
                "mysql_assign({}, {}, {})",
                quote_ident(&o.name),
                quote_str(&c.ty.assign_spec()),
                quote_str(&c.name)
            ),
            None if c.auto_increment => {
                if new_rowid
                    .as_ref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(&c.name))
                {
                    "NULL".into()
                } else {
                    "row_number() OVER ()".into()
                }
            }
            None => match &c.default {
                Some(ColumnDefault::Literal(v)) => stored_literal(&c.ty, v),
                Some(ColumnDefault::CurrentTimestamp(p)) => now_sql(*p),
                Some(ColumnDefault::Expression(e)) => format!("({})", names.expr(e)?),
                Some(ColumnDefault::Null) => "NULL".into(),
                None if c.nullable => "NULL".into(),
                None => implicit_default(&c.ty),
            },
        };
        cols.push(quote_ident(&c.name));
        exprs.push(e);
    }
    out.push(format!(
        "INSERT INTO {} ({}) SELECT {} FROM {}",
        quote_ident(&tmp),
        cols.join(", "),
        exprs.join(", "),
        quote_ident(&old_name)
    ));
    let old_auto = old.rowid_column().is_some_and(|c| c.auto_increment);
    let new_auto = new.rowid_column().is_some_and(|c| c.auto_increment);
    if old_auto && new_auto {
        out.push(format!(
            "INSERT INTO {sq} (name, seq) SELECT {t}, 0 WHERE NOT EXISTS (SELECT 1 \
             FROM {sq} WHERE name = {t})",
            t = quote_str(&tmp),
            sq = new.sequence_table()
        ));
        out.push(format!(
            "UPDATE {sq} SET seq = max(seq, coalesce((SELECT seq FROM {sq} \
             WHERE name = {o}), 0)) WHERE name = {t}",
            o = quote_str(&old_name),
            t = quote_str(&tmp),
            sq = new.sequence_table()
        ));
    }
    out.push(format!("DROP TABLE {}", quote_ident(&old_name)));
    out.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        quote_ident(&tmp),
        quote_ident(&new_name)
    ));
    out.extend(
        new.indexes
            .iter()
            .filter_map(|i| new.sqlite_index_sql(i, names)),
    );
    Ok(out)
}

/// The SQL of a whole [`AlterPlan`].
pub(crate) fn plan_sql(
    plan: &AlterPlan,
    old: &Table,
    new: &Table,
    names: &dyn SqliteNames,
) -> Result<Vec<String>, SqlError> {
    let auto = plan.steps.iter().rev().find_map(|s| match s {
        AlterStep::AutoIncrement(n) => Some(*n),
        _ => None,
    });
    if plan.rebuild {
        let mut out = rebuild_sql(old, new, &plan.mapping, names)?;
        if let Some(n) = auto {
            out.extend(new.auto_increment_sql(names, n));
        }
        return Ok(out);
    }
    let old_t = quote_ident(&old.sqlite_name(names));
    let mut out = Vec::new();
    for step in &plan.steps {
        match step {
            AlterStep::CatalogOnly | AlterStep::AutoIncrement(_) | AlterStep::Rebuild(_) => {}
            AlterStep::CreateIndex(n) => {
                if let Some(i) = new.index(n) {
                    let at_old = Table {
                        schema: old.schema.clone(),
                        name: old.name.clone(),
                        ..new.clone()
                    };
                    out.extend(at_old.sqlite_index_sql(i, names));
                }
            }
            AlterStep::DropIndex(n) => out.push(old.sqlite_drop_index_sql(n, names)),
            AlterStep::RenameIndex { from, to } => {
                out.push(old.sqlite_drop_index_sql(from, names));
                if let Some(i) = new.index(to) {
                    let at_old = Table {
                        schema: old.schema.clone(),
                        name: old.name.clone(),
                        ..new.clone()
                    };
                    out.extend(at_old.sqlite_index_sql(i, names));
                }
            }
            AlterStep::AddColumn(c) => {
                if let Some(col) = new.column(c) {
                    out.push(format!(
                        "ALTER TABLE {old_t} ADD COLUMN {}",
                        new.sqlite_column_def(col, names)?
                    ));
                }
            }
            AlterStep::RenameColumn { from, to } => out.push(format!(
                "ALTER TABLE {old_t} RENAME COLUMN {} TO {}",
                quote_ident(from),
                quote_ident(to)
            )),
            AlterStep::RenameTable { .. } => {}
        }
    }
    let renamed =
        (old.schema.as_str(), old.name.as_str()) != (new.schema.as_str(), new.name.as_str());
    if renamed {
        out.push(format!(
            "ALTER TABLE {old_t} RENAME TO {}",
            quote_ident(&new.sqlite_name(names))
        ));
        for i in new.indexes.iter().filter(|i| i.kind != IndexKind::Primary) {
            out.push(old.sqlite_drop_index_sql(&i.name, names));
            out.extend(new.sqlite_index_sql(i, names));
        }
    }
    if let Some(n) = auto {
        out.extend(new.auto_increment_sql(names, n));
    }
    Ok(out)
}
