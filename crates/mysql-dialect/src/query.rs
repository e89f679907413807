//! SELECT: the rewrite to SQLite, and SQLite's rows as MySQL's result set (protocol types
//! from the catalog where a column comes from a table, values in MySQL's text form).

use std::ops::ControlFlow;

use rusqlite::types::Value;
use sqlparser::ast::{Query, VisitMut};

use crate::error::SqlError;
use crate::outcome::{Column, ColumnType, Outcome, ResultSet};
use crate::session::Session;
use crate::translate::Rewrite;

/// What a result column is, for the protocol and for printing its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    /// The protocol type.
    pub column_type: ColumnType,
    /// Digits after the point a DECIMAL prints.
    pub scale: Option<usize>,
}

/// A result column as SQLite prepared it: its label, declared type, and the table and column
/// it comes from (none for a computed column).
type ColumnOrigin = (String, Option<String>, Option<String>, Option<String>);

/// The protocol type of a MySQL column type as SHOW CREATE TABLE prints it (`int unsigned`,
/// `decimal(10,2)`, `varchar(20)`), or as a SQLite column was declared.
pub(crate) fn kind_of_type(text: &str) -> Kind {
    let lower = text.to_ascii_lowercase();
    let word = lower
        .split(|c: char| c == '(' || c.is_whitespace())
        .next()
        .unwrap_or_default();
    let args: Vec<usize> = lower
        .split_once('(')
        .map(|(_, r)| {
            r.split(')')
                .next()
                .unwrap_or_default()
                .split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let t = match word {
        "tinyint" | "bool" | "boolean" => ColumnType::Tiny,
        "smallint" => ColumnType::Short,
        "mediumint" | "int" | "integer" => ColumnType::Long,
        "bigint" => ColumnType::LongLong,
        "decimal" | "numeric" | "dec" | "fixed" => {
            return Kind {
                column_type: ColumnType::NewDecimal,
                scale: Some(args.get(1).copied().unwrap_or(0)),
            }
        }
        "float" => ColumnType::Float,
        "double" | "real" => ColumnType::Double,
        "char" | "binary" => ColumnType::String,
        "varchar" | "varbinary" => ColumnType::VarString,
        "tinytext" | "text" | "mediumtext" | "longtext" | "tinyblob" | "blob" | "mediumblob"
        | "longblob" => ColumnType::Blob,
        "enum" | "set" => ColumnType::Enum,
        "date" => ColumnType::Date,
        "time" => ColumnType::Time,
        "datetime" => ColumnType::DateTime,
        "timestamp" => ColumnType::Timestamp,
        "year" => ColumnType::Year,
        "json" => ColumnType::Json,
        "bit" => ColumnType::Bit,
        _ => ColumnType::VarString,
    };
    Kind {
        column_type: t,
        scale: None,
    }
}

/// A value in MySQL's text protocol form.
pub(crate) fn render(v: &Value, kind: Kind) -> Option<Vec<u8>> {
    Some(match v {
        Value::Null => return None,
        Value::Integer(n) => match kind.scale {
            Some(s) if s > 0 => format!("{n}.{}", "0".repeat(s)).into_bytes(),
            _ => n.to_string().into_bytes(),
        },
        Value::Real(r) => match kind.scale {
            Some(s) => format!("{r:.s$}").into_bytes(),
            None if kind.column_type == ColumnType::Float => float(*r as f32 as f64, 6),
            None => float(*r, 17),
        },
        Value::Text(s) => match kind.scale {
            // A DECIMAL kept as text (exact): pad to its scale.
            Some(scale) => decimal_text(s, scale).into_bytes(),
            None => s.clone().into_bytes(),
        },
        Value::Blob(b) => b.clone(),
    })
}

/// MySQL prints a DOUBLE with the fewest digits that read back as the same value.
fn float(r: f64, digits: usize) -> Vec<u8> {
    if r.is_finite() && r == r.trunc() && r.abs() < 1e15 {
        return format!("{r:.0}").into_bytes();
    }
    if digits < 17 {
        let s = format!("{:.*e}", digits - 1, r);
        if let Ok(v) = s.parse::<f64>() {
            return format!("{v}").into_bytes();
        }
    }
    let s = format!("{r}");
    if s.len() > 20 {
        // Very large or small: exponent form, as MySQL (`1e21`, `1.5e-10`).
        return format!("{r:e}").into_bytes();
    }
    s.into_bytes()
}

fn decimal_text(s: &str, scale: usize) -> String {
    match s.parse::<f64>() {
        Ok(v) if !s.contains('.') || s.split('.').nth(1).is_some_and(|f| f.len() != scale) => {
            format!("{v:.scale$}")
        }
        _ => s.to_owned(),
    }
}

/// The type of a computed column, from its values.
fn kind_of_values(rows: &[Vec<Value>], i: usize) -> Kind {
    let mut t = ColumnType::Null;
    for row in rows {
        let next = match &row[i] {
            Value::Null => continue,
            Value::Integer(_) => ColumnType::LongLong,
            Value::Real(_) => ColumnType::Double,
            Value::Text(_) => ColumnType::VarString,
            Value::Blob(_) => ColumnType::Blob,
        };
        t = match (t, next) {
            (ColumnType::Null, n) => n,
            (a, b) if a == b => a,
            (ColumnType::LongLong, ColumnType::Double)
            | (ColumnType::Double, ColumnType::LongLong) => ColumnType::Double,
            _ => ColumnType::VarString,
        };
    }
    if t == ColumnType::Null && !rows.is_empty() {
        t = ColumnType::Null;
    } else if t == ColumnType::Null {
        t = ColumnType::VarString;
    }
    Kind {
        column_type: t,
        scale: None,
    }
}

impl Session {
    /// Rewrites a query for SQLite; also returns the information_schema views it reads.
    pub(crate) fn translate_query(
        &mut self,
        mut q: Query,
        text: &str,
    ) -> Result<(String, Vec<String>), SqlError> {
        let (error, views) = {
            let mut rw = Rewrite::new(self, text);
            let _: ControlFlow<()> = q.visit(&mut rw);
            (rw.error, rw.information_schema)
        };
        if let Some(e) = error {
            return Err(e);
        }
        Ok((q.to_string(), views))
    }

    /// SELECT (and anything else that returns rows).
    pub(crate) fn query(&mut self, mut q: Query, text: &str) -> Result<Outcome, SqlError> {
        let for_update = q
            .locks
            .iter()
            .any(|l| matches!(l.lock_type, sqlparser::ast::LockType::Update));
        q.locks.clear();
        let calc_found_rows = match q.body.as_mut() {
            sqlparser::ast::SetExpr::Select(s) => s
                .select_modifiers
                .as_mut()
                .map(|m| std::mem::take(&mut m.sql_calc_found_rows))
                .unwrap_or(false),
            _ => false,
        };
        let counted = if calc_found_rows {
            let mut unlimited = q.clone();
            unlimited.limit_clause = None;
            Some(self.translate_query(unlimited, text)?.0)
        } else {
            None
        };
        let (sql, views) = self.translate_query(q, text)?;
        if for_update && !self.config.read_only && (self.explicit || !self.autocommit) {
            // SELECT ... FOR UPDATE locks what it reads: take the writer lock, on the
            // newest snapshot, as the transaction's first write would.
            return self.write(|s| s.rows(&sql, &views).map(Outcome::Rows));
        }
        self.before_read()?;
        let rs = self.rows(&sql, &views)?;
        self.found_rows = match counted {
            Some(count_sql) => self
                .conn()
                .query_row(&format!("SELECT count(*) FROM ({count_sql})"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .map_err(|e| self.sqlite_error(e))? as u64,
            None => rs.rows.len() as u64,
        };
        self.row_count = -1;
        Ok(Outcome::Rows(rs))
    }

    /// Runs translated SQL and collects its rows, with information_schema views it reads
    /// materialized first.
    pub(crate) fn rows(&mut self, sql: &str, views: &[String]) -> Result<ResultSet, SqlError> {
        if !views.is_empty() {
            self.materialize(views)?;
        }
        self.result_set(sql, &[])
    }

    /// Runs translated SQL with parameters and collects its rows.
    pub(crate) fn result_set(
        &mut self,
        sql: &str,
        params: &[Value],
    ) -> Result<ResultSet, SqlError> {
        let (columns, values) = {
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(sql).map_err(|e| self.sqlite_error(e))?;
            let columns: Vec<ColumnOrigin> = stmt
                .columns_with_metadata()
                .zip(stmt.columns())
                .map(|(m, c)| {
                    (
                        m.name().to_owned(),
                        c.decl_type().map(str::to_owned),
                        m.table_name().map(str::to_owned),
                        m.origin_name().map(str::to_owned),
                    )
                })
                .collect();
            let n = columns.len();
            let mut rows = stmt
                .query(rusqlite::params_from_iter(params.iter()))
                .map_err(|e| self.sqlite_error(e))?;
            let mut values = Vec::new();
            while let Some(row) = rows.next().map_err(|e| self.sqlite_error(e))? {
                let mut r = Vec::with_capacity(n);
                for i in 0..n {
                    r.push(row.get::<_, Value>(i).map_err(|e| self.sqlite_error(e))?);
                }
                values.push(r);
            }
            (columns, values)
        };
        let mut kinds = Vec::with_capacity(columns.len());
        for (i, (_, decl, table, origin)) in columns.iter().enumerate() {
            let from_catalog = self.catalog_kind(table.as_deref(), origin.as_deref())?;
            kinds.push(
                from_catalog
                    .or_else(|| decl.as_deref().map(kind_of_type))
                    .unwrap_or_else(|| kind_of_values(&values, i)),
            );
        }
        let rows = values
            .iter()
            .map(|r| r.iter().zip(&kinds).map(|(v, k)| render(v, *k)).collect())
            .collect();
        Ok(ResultSet {
            columns: columns
                .into_iter()
                .zip(&kinds)
                .map(|((name, ..), k)| Column::new(name, k.column_type))
                .collect(),
            rows,
        })
    }
}

impl Session {
    /// The result columns a statement would return, without running it (a prepared
    /// statement's metadata); None for a statement that returns no rows.
    pub fn describe(&mut self, text: &str) -> Result<Option<Vec<Column>>, SqlError> {
        let statements = crate::split::split(text)?;
        let [one] = statements.as_slice() else {
            return Ok(None);
        };
        let words = crate::split::words(one, 1);
        if words.first().is_some_and(|w| w == "SHOW") {
            return Ok(None);
        }
        let sqlparser::ast::Statement::Query(q) = self.parse(one)? else {
            return Ok(None);
        };
        let (sql, views) = self.translate_query(*q, one)?;
        if !views.is_empty() {
            self.materialize(&views)?;
        }
        let columns: Vec<ColumnOrigin> = {
            let stmt = self
                .conn()
                .prepare_cached(&sql)
                .map_err(|e| self.sqlite_error(e))?;
            stmt.columns_with_metadata()
                .zip(stmt.columns())
                .map(|(m, c)| {
                    (
                        m.name().to_owned(),
                        c.decl_type().map(str::to_owned),
                        m.table_name().map(str::to_owned),
                        m.origin_name().map(str::to_owned),
                    )
                })
                .collect()
        };
        let mut out = Vec::with_capacity(columns.len());
        for (name, decl, table, origin) in columns {
            let kind = self
                .catalog_kind(table.as_deref(), origin.as_deref())?
                .or_else(|| decl.as_deref().map(kind_of_type))
                .map_or(ColumnType::VarString, |k| k.column_type);
            out.push(Column::new(name, kind));
        }
        Ok(Some(out))
    }

    /// The kind of a result column that comes straight from a table's column.
    fn catalog_kind(
        &mut self,
        table: Option<&str>,
        origin: Option<&str>,
    ) -> Result<Option<Kind>, SqlError> {
        let (Some(t), Some(c)) = (table, origin) else {
            return Ok(None);
        };
        let Some((db, name)) = t.split_once('.') else {
            return Ok(None);
        };
        Ok(self.table(db, name)?.and_then(|(_, def)| {
            def.columns
                .iter()
                .find(|col| col.name.eq_ignore_ascii_case(c))
                .map(|col| kind_of_type(&col.ty.show()))
        }))
    }
}
