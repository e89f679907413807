//! SELECT: the rewrite to SQLite, and SQLite's rows as MySQL's result set (protocol types
//! from the catalog where a column comes from a table, values in MySQL's text form).

use std::ops::ControlFlow;

use rusqlite::types::Value;
use sqlparser::ast::{Expr, Query, Select, SelectItem, SetExpr, TableFactor, VisitMut};

use crate::error::SqlError;
use crate::outcome::{Column, ColumnType, Outcome, ResultSet};
use crate::schema::Table;
use crate::session::Session;
use crate::translate::{
    item_hint, num_of_type, numeric_type, resolve, ColumnMeta, MetaColumns, Num, NumColumns,
    Rewrite,
};

/// What a result column is, for the protocol and for printing its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    /// The protocol type.
    pub column_type: ColumnType,
    /// Digits after the point a DECIMAL prints.
    pub scale: Option<usize>,
    /// Bytes, not text.
    pub binary: bool,
    /// UNSIGNED.
    pub unsigned: bool,
}

impl Kind {
    fn of(column_type: ColumnType) -> Kind {
        Kind {
            column_type,
            scale: None,
            binary: false,
            unsigned: false,
        }
    }

    /// The result column this kind describes, labelled `name`.
    fn column(self, name: String) -> Column {
        let mut c = Column::new(name, self.column_type);
        c.binary = self.binary;
        c.unsigned = self.unsigned;
        c.decimals = self.scale.map(|s| s.min(30) as u8);
        c
    }
}

/// A result column as SQLite prepared it: its label, declared type, and the table and column
/// it comes from (none for a computed column).
type ColumnOrigin = (String, Option<String>, Option<String>, Option<String>);

/// A query rewritten for SQLite: its text, the information_schema views it reads, and its
/// result columns' type hints.
pub(crate) type Translated = (String, Vec<String>, Vec<Option<&'static str>>);

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
        "bigint" | "u64" => ColumnType::LongLong,
        "decimal" | "numeric" | "dec" | "fixed" => {
            return Kind {
                scale: if args.is_empty() {
                    None
                } else {
                    Some(args.get(1).copied().unwrap_or(0))
                },
                unsigned: lower.contains("unsigned"),
                ..Kind::of(ColumnType::NewDecimal)
            }
        }
        "float" => ColumnType::Float,
        "double" | "real" => ColumnType::Double,
        "char" | "binary" => ColumnType::String,
        "varchar" | "varbinary" => ColumnType::VarString,
        "tinytext" | "text" | "mediumtext" | "longtext" | "tinyblob" | "blob" | "mediumblob"
        | "longblob" | "geometry" | "point" | "linestring" | "polygon" | "multipoint"
        | "multilinestring" | "multipolygon" | "geometrycollection" => ColumnType::Blob,
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
        binary: matches!(
            word,
            "binary"
                | "varbinary"
                | "tinyblob"
                | "blob"
                | "mediumblob"
                | "longblob"
                | "bit"
                | "geometry"
                | "point"
                | "linestring"
                | "polygon"
                | "multipoint"
                | "multilinestring"
                | "multipolygon"
                | "geometrycollection"
        ),
        unsigned: lower.contains("unsigned"),
        ..Kind::of(t)
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
        // MySQL prints no negative zero (`-0.0` is `0.0`).
        Value::Real(r) if *r == 0.0 && r.is_sign_negative() => {
            return render(&Value::Real(0.0), kind)
        }
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

/// A date, time or datetime column told by its values' shape (`2024-05-01 12:00:00`), for
/// expressions whose type follows their operands.
fn kind_of_shape(rows: &[Vec<Value>], i: usize) -> Option<Kind> {
    let mut found: Option<ColumnType> = None;
    for row in rows {
        let t = match &row[i] {
            Value::Null => continue,
            Value::Text(s) => {
                let b = s.as_bytes();
                let date = b.len() >= 10
                    && b[4] == b'-'
                    && b[7] == b'-'
                    && b[..4]
                        .iter()
                        .chain(&b[5..7])
                        .chain(&b[8..10])
                        .all(u8::is_ascii_digit);
                if date && b.len() == 10 {
                    ColumnType::Date
                } else if date && b.len() >= 19 && b[10] == b' ' && b[13] == b':' && b[16] == b':' {
                    ColumnType::DateTime
                } else if s.split(':').count() == 3
                    && s.trim_start_matches('-').split(':').all(|p| {
                        !p.is_empty()
                            && p.split('.')
                                .next()
                                .is_some_and(|d| d.bytes().all(|c| c.is_ascii_digit()))
                    })
                {
                    ColumnType::Time
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        match found {
            None => found = Some(t),
            Some(f) if f == t => {}
            _ => return None,
        }
    }
    found.map(Kind::of)
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
    if t == ColumnType::Null && rows.is_empty() {
        t = ColumnType::VarString;
    }
    Kind {
        binary: t == ColumnType::Blob,
        ..Kind::of(t)
    }
}

impl Session {
    /// Rewrites a query for SQLite; also returns the information_schema views it reads.
    pub(crate) fn translate_query(
        &mut self,
        q: Query,
        text: &str,
    ) -> Result<(String, Vec<String>), SqlError> {
        let (sql, views, _) = self.translate_query_typed(q, text)?;
        Ok((sql, views))
    }

    /// [`Session::translate_query`], with the result columns' type hints.
    pub(crate) fn translate_query_typed(
        &mut self,
        q: Query,
        text: &str,
    ) -> Result<Translated, SqlError> {
        self.translate_query_as(q, text, true)
    }

    /// The SQLite text EXPLAIN plans: as run, but a UNION stays a compound SELECT, so the plan
    /// shows MySQL's UNION rows rather than the DISTINCT that keeps the first of equal rows.
    pub(crate) fn translate_query_for_explain(
        &mut self,
        q: Query,
        text: &str,
    ) -> Result<String, SqlError> {
        Ok(self.translate_query_as(q, text, false)?.0)
    }

    fn translate_query_as(
        &mut self,
        mut q: Query,
        text: &str,
        first_wins: bool,
    ) -> Result<Translated, SqlError> {
        self.check_full_group_by(&q)?;
        let hints = self.query_hints(&q);
        let (columns, meta) = match branches(&q.body).first() {
            Some(s) => (self.num_columns(s, &[], 0), self.meta_columns(s)),
            None => (NumColumns::new(), MetaColumns::new()),
        };
        let (error, views, hints, tables, index_hints, fulltext) = {
            let mut rw = Rewrite::new(self, text);
            rw.hints = hints;
            rw.columns = columns;
            rw.meta = meta;
            let _: ControlFlow<()> = q.visit(&mut rw);
            (
                rw.error,
                rw.information_schema,
                rw.hints,
                rw.tables,
                rw.index_hints,
                rw.fulltext,
            )
        };
        if let Some(e) = error {
            return Err(e);
        }
        self.check_indexes_named(&tables, &index_hints, &fulltext)?;
        if first_wins {
            first_of_equal_rows(&mut q.body);
        }
        Ok((q.to_string(), views, hints.unwrap_or_default()))
    }

    /// ONLY_FULL_GROUP_BY (in the session's sql_mode): a grouped SELECT's items read only
    /// grouped columns, aggregates, or columns the grouped ones determine (1055). Checked on
    /// the outermost SELECTs whose FROM list is made of base tables.
    fn check_full_group_by(&mut self, q: &Query) -> Result<(), SqlError> {
        let full = matches!(self.system_value("sql_mode"), Some(Value::Text(m))
            if m.to_ascii_uppercase().split(',').any(|w| w == "ONLY_FULL_GROUP_BY"));
        if !full {
            return Ok(());
        }
        for select in branches(&q.body) {
            if !crate::forms::is_grouped(select) {
                continue;
            }
            let implicit = matches!(&select.group_by,
                sqlparser::ast::GroupByExpr::Expressions(list, _) if list.is_empty());
            let mut tables = Vec::new();
            let factors = select.from.iter().flat_map(|t| {
                std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation))
            });
            for factor in factors {
                let TableFactor::Table { name, alias, .. } = factor else {
                    return Ok(());
                };
                let Ok((db, table)) = resolve(self.database.as_deref(), name) else {
                    return Ok(());
                };
                let Ok(Some((crate::catalog::Kind::Table, def))) = self.table(&db, &table) else {
                    return Ok(());
                };
                let qualifier = alias
                    .as_ref()
                    .map_or(table.clone(), |a| a.name.value.clone());
                let lower = |c: &str| c.to_ascii_lowercase();
                let keys = def
                    .indexes
                    .iter()
                    .filter(|i| {
                        i.kind == crate::schema::IndexKind::Primary
                            || (i.kind == crate::schema::IndexKind::Unique
                                && i.parts.iter().all(|p| {
                                    def.columns.iter().any(|c| {
                                        c.name.eq_ignore_ascii_case(&p.column) && !c.nullable
                                    })
                                }))
                    })
                    .map(|i| i.parts.iter().map(|p| lower(&p.column)).collect())
                    .collect();
                tables.push(crate::forms::GroupedTable {
                    label: format!("{db}.{qualifier}"),
                    qualifier: lower(&qualifier),
                    columns: def
                        .columns
                        .iter()
                        .map(|c| (lower(&c.name), c.name.clone()))
                        .collect(),
                    keys,
                });
            }
            if let Some((at, column)) = crate::forms::ungrouped_item(select, &tables) {
                if implicit {
                    return Err(SqlError::new(
                        1140,
                        "42000",
                        format!(
                            "In aggregated query without GROUP BY, expression #{at} of SELECT \
                             list contains nonaggregated column '{column}'; this is \
                             incompatible with sql_mode=only_full_group_by"
                        ),
                    ));
                }
                return Err(SqlError::new(
                    1055,
                    "42000",
                    format!(
                        "Expression #{at} of SELECT list is not in GROUP BY clause and contains \
                         nonaggregated column '{column}' which is not functionally dependent on \
                         columns in GROUP BY clause; this is incompatible with \
                         sql_mode=only_full_group_by"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The indexes a query names exist: each index hint's in its table (1176), and a
    /// FULLTEXT index on exactly the columns of each MATCH among the query's tables (1191).
    fn check_indexes_named(
        &mut self,
        tables: &[(String, String)],
        index_hints: &[(String, String, String)],
        fulltext: &[Vec<String>],
    ) -> Result<(), SqlError> {
        for (db, t, index) in index_hints {
            let Some((crate::catalog::Kind::Table, def)) = self.table(db, t)? else {
                continue;
            };
            let primary = index.eq_ignore_ascii_case("PRIMARY") && def.primary_key().is_some();
            let known = def
                .indexes
                .iter()
                .any(|i| i.name.eq_ignore_ascii_case(index));
            if !primary && !known {
                return Err(SqlError::new(
                    1176,
                    "42000",
                    format!("Key '{index}' doesn't exist in table '{t}'"),
                ));
            }
        }
        for columns in fulltext {
            let mut wanted: Vec<String> = columns.iter().map(|c| c.to_ascii_lowercase()).collect();
            wanted.sort();
            let mut found = false;
            for (db, t) in tables {
                let Some((_, def)) = self.table(db, t)? else {
                    continue;
                };
                found |= def.indexes.iter().any(|i| {
                    let mut cols: Vec<String> = i
                        .parts
                        .iter()
                        .map(|p| p.column.to_ascii_lowercase())
                        .collect();
                    cols.sort();
                    i.kind == crate::schema::IndexKind::Fulltext && cols == wanted
                });
            }
            if !found {
                return Err(SqlError::new(
                    1191,
                    "HY000",
                    "Can't find FULLTEXT index matching the column list",
                ));
            }
        }
        Ok(())
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
        let (sql, views, hints) = self.translate_query_typed(q, text)?;
        self.hints = hints;
        if for_update && !self.config.read_only && (self.explicit || !self.autocommit) {
            // SELECT ... FOR UPDATE locks what it reads: take the writer lock, on the
            // newest snapshot, as the transaction's first write would.
            return self.write(|s| s.rows(&sql, &views).map(Outcome::Rows));
        }
        self.run_select(&sql, &views, &[], text, counted)
    }

    /// Runs a translated SELECT (with `params` bound to its `?N`) as a statement: in the open
    /// transaction's snapshot, under `max_execution_time`, counting FOUND_ROWS() (by
    /// `counted`, the query without its LIMIT, for SQL_CALC_FOUND_ROWS).
    pub(crate) fn run_select(
        &mut self,
        sql: &str,
        views: &[String],
        params: &[Value],
        text: &str,
        counted: Option<String>,
    ) -> Result<Outcome, SqlError> {
        self.before_read()?;
        let limit = match self.system_value("max_execution_time") {
            Some(Value::Integer(ms)) if ms > 0 => Some(ms as u64),
            _ => None,
        };
        if let Some(ms) = limit {
            if let Ok(mut d) = self.deadline.lock() {
                *d = Some(std::time::Instant::now() + std::time::Duration::from_millis(ms));
            }
        }
        let materialized = if views.is_empty() {
            Ok(())
        } else {
            self.materialize(views)
        };
        let result = materialized
            .and_then(|()| self.result_set(sql, params))
            .map_err(|e| self.broken_view(e, text));
        let timed_out = self
            .deadline
            .lock()
            .map(|mut d| d.take().is_some_and(|at| std::time::Instant::now() >= at))
            .unwrap_or(false);
        let rs =
            match result {
                Err(e) if e.code == 1317 && timed_out => return Err(SqlError::new(
                    3024,
                    "HY000",
                    "Query execution was interrupted, maximum statement execution time exceeded",
                )),
                other => other?,
            };
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
        let hints = std::mem::take(&mut self.hints);
        let mut kinds = Vec::with_capacity(columns.len());
        for (i, (_, decl, table, origin)) in columns.iter().enumerate() {
            let from_catalog = self.catalog_kind(table.as_deref(), origin.as_deref())?;
            let hinted = match hints.get(i).copied().flatten() {
                Some("shape") => kind_of_shape(&values, i),
                Some(t) => Some(kind_of_type(t)),
                None => None,
            };
            kinds.push(
                from_catalog
                    .or_else(|| decl.as_deref().map(kind_of_type))
                    .or(hinted)
                    .unwrap_or_else(|| kind_of_values(&values, i)),
            );
        }
        let rows = values
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .zip(&kinds)
                    .map(|(v, k)| match v {
                        // Moved, not copied, where `render` would copy them as they are.
                        Value::Text(s) if k.scale.is_none() => Some(s.into_bytes()),
                        Value::Blob(b) => Some(b),
                        v => render(&v, *k),
                    })
                    .collect()
            })
            .collect();
        Ok(ResultSet {
            columns: columns
                .into_iter()
                .zip(&kinds)
                .map(|((name, ..), k)| k.column(name))
                .collect(),
            rows,
        })
    }
}

/// Of rows equal under their collation ('apple' and 'Apple' under ai_ci), MySQL's UNION keeps
/// the first and SQLite's the last; SQLite's DISTINCT keeps the first. So a result's
/// `a UNION b` runs as `SELECT DISTINCT * FROM (a UNION ALL b)` (same columns, first branch's
/// names). Only the outermost query's UNIONs: a subquery's UNION is read for membership, where
/// the spelling kept does not matter, and a recursive CTE must stay a compound SELECT.
fn first_of_equal_rows(body: &mut SetExpr) {
    use sqlparser::ast::{SetOperator, SetQuantifier};
    match body {
        SetExpr::SetOperation {
            op: SetOperator::Union,
            set_quantifier: quantifier @ (SetQuantifier::None | SetQuantifier::Distinct),
            left,
            right,
        } => {
            first_of_equal_rows(left);
            first_of_equal_rows(right);
            *quantifier = SetQuantifier::All;
            let Some(mut distinct) = distinct_over_derived() else {
                *quantifier = SetQuantifier::Distinct;
                return;
            };
            let union = std::mem::replace(
                body,
                SetExpr::Values(sqlparser::ast::Values {
                    explicit_row: false,
                    value_keyword: false,
                    rows: Vec::new(),
                }),
            );
            if let SetExpr::Select(select) = &mut *distinct.body {
                if let Some(TableFactor::Derived { subquery, .. }) =
                    select.from.first_mut().map(|t| &mut t.relation)
                {
                    *subquery.body = union;
                }
            }
            *body = *distinct.body;
        }
        SetExpr::SetOperation { left, right, .. } => {
            first_of_equal_rows(left);
            first_of_equal_rows(right);
        }
        SetExpr::Query(q) => first_of_equal_rows(&mut q.body),
        _ => {}
    }
}

/// `SELECT DISTINCT * FROM (SELECT 1) AS "union"`, whose derived table's body is replaced.
fn distinct_over_derived() -> Option<Query> {
    let dialect = sqlparser::dialect::MySqlDialect {};
    match sqlparser::parser::Parser::parse_sql(
        &dialect,
        "SELECT DISTINCT * FROM (SELECT 1) AS `union`",
    )
    .ok()?
    .pop()?
    {
        sqlparser::ast::Statement::Query(q) => Some(*q),
        _ => None,
    }
}

/// The SELECTs whose items are a query's result columns: one, or each branch of a UNION.
fn branches(body: &SetExpr) -> Vec<&Select> {
    match body {
        SetExpr::Select(s) => vec![s],
        SetExpr::Query(q) => branches(&q.body),
        SetExpr::SetOperation { left, right, .. } => {
            let mut out = branches(left);
            out.extend(branches(right));
            out
        }
        _ => Vec::new(),
    }
}

/// The label of a select item, as a derived table's column name.
fn item_label(item: &SelectItem) -> Option<String> {
    match item {
        SelectItem::ExprWithAlias { alias, .. } => Some(alias.value.clone()),
        SelectItem::UnnamedExpr(Expr::Identifier(i)) => Some(i.value.clone()),
        SelectItem::UnnamedExpr(Expr::CompoundIdentifier(parts)) => {
            parts.last().map(|p| p.value.clone())
        }
        _ => None,
    }
}

impl Session {
    /// The type hints of a query's result columns, from its outermost SELECT (all branches of
    /// a UNION: a DECIMAL column prints the largest scale of its branches). None when the
    /// query has no plain SELECT.
    fn query_hints(&mut self, q: &Query) -> Option<Vec<Option<&'static str>>> {
        let ctes: Vec<String> = q
            .with
            .iter()
            .flat_map(|w| &w.cte_tables)
            .map(|c| c.alias.name.value.to_ascii_lowercase())
            .collect();
        let selects = branches(&q.body);
        let first = selects.first()?;
        let mut hints: Vec<Option<&'static str>> = Vec::with_capacity(first.projection.len());
        let per_branch: Vec<(Vec<Option<Num>>, NumColumns)> = selects
            .iter()
            .map(|s| {
                let cols = self.num_columns(s, &ctes, 0);
                let nums =
                    s.projection
                        .iter()
                        .map(|item| match item {
                            SelectItem::UnnamedExpr(e)
                            | SelectItem::ExprWithAlias { expr: e, .. } => numeric_type(e, &cols),
                            _ => None,
                        })
                        .collect();
                (nums, cols)
            })
            .collect();
        for (i, item) in first.projection.iter().enumerate() {
            let hint = match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    let cols = &per_branch[0].1;
                    if selects.len() > 1 {
                        // A UNION's DECIMAL column: the largest scale of its branches.
                        let merged =
                            per_branch
                                .iter()
                                .try_fold(None, |acc: Option<Num>, (n, _)| {
                                    let this = n.get(i).copied().flatten()?;
                                    Some(Some(
                                        acc.map_or(this, |a| crate::translate::num_union(a, this)),
                                    ))
                                });
                        match merged.flatten() {
                            Some(Num::Dec(s)) => Some(crate::translate::decimal_hint(s)),
                            _ => item_hint(e, cols),
                        }
                    } else {
                        item_hint(e, cols)
                    }
                }
                _ => None,
            };
            hints.push(hint);
        }
        Some(hints)
    }

    /// Types and collations of the columns `select` can name from its base tables.
    fn meta_columns(&mut self, select: &Select) -> MetaColumns {
        let mut out = MetaColumns::new();
        let mut clashes: Vec<String> = Vec::new();
        let factors = select
            .from
            .iter()
            .flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)));
        for factor in factors {
            let TableFactor::Table { name, alias, .. } = factor else {
                continue;
            };
            let Ok((db, table)) = resolve(self.database.as_deref(), name) else {
                continue;
            };
            let Ok(Some((_, def))) = self.table(&db, &table) else {
                continue;
            };
            let qualifier = alias
                .as_ref()
                .map_or(table.clone(), |a| a.name.value.clone())
                .to_ascii_lowercase();
            for col in &def.columns {
                let meta = ColumnMeta::of(col);
                let c = col.name.to_ascii_lowercase();
                for key in [format!("{qualifier}.{c}"), c] {
                    match out.get(&key) {
                        Some(old) if *old == meta => {}
                        None if !clashes.contains(&key) => {
                            out.insert(key, meta.clone());
                        }
                        _ => {
                            out.remove(&key);
                            clashes.push(key);
                        }
                    }
                }
            }
        }
        out
    }

    /// Numeric classes of the columns `select` can name, from the tables (and derived tables)
    /// of its FROM clause.
    fn num_columns(&mut self, select: &Select, ctes: &[String], depth: usize) -> NumColumns {
        let mut out = NumColumns::new();
        let mut clashes: Vec<String> = Vec::new();
        let mut add = |out: &mut NumColumns, key: String, n: Option<Num>| match (out.get(&key), n) {
            (Some(old), Some(n)) if *old == n => {}
            (None, Some(n)) if !clashes.contains(&key) => {
                out.insert(key, n);
            }
            _ => {
                out.remove(&key);
                clashes.push(key);
            }
        };
        let factors = select
            .from
            .iter()
            .flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)));
        for factor in factors {
            match factor {
                TableFactor::Table { name, alias, .. } => {
                    if name.0.len() == 1 && ctes.contains(&name.to_string().to_ascii_lowercase()) {
                        continue;
                    }
                    let Ok((db, table)) = resolve(self.database.as_deref(), name) else {
                        continue;
                    };
                    let Ok(Some((_, def))) = self.table(&db, &table) else {
                        continue;
                    };
                    let qualifier = alias
                        .as_ref()
                        .map_or(table.clone(), |a| a.name.value.clone())
                        .to_ascii_lowercase();
                    for col in &def.columns {
                        let n = num_of_type(&col.ty.show());
                        let c = col.name.to_ascii_lowercase();
                        add(&mut out, format!("{qualifier}.{c}"), n);
                        add(&mut out, c, n);
                    }
                }
                TableFactor::Derived {
                    subquery,
                    alias: Some(alias),
                    ..
                } if depth < 8 => {
                    let SetExpr::Select(inner) = subquery.body.as_ref() else {
                        continue;
                    };
                    let cols = self.num_columns(inner, ctes, depth + 1);
                    let qualifier = alias.name.value.to_ascii_lowercase();
                    for item in &inner.projection {
                        let (
                            Some(label),
                            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. },
                        ) = (item_label(item), item)
                        else {
                            continue;
                        };
                        let n = numeric_type(e, &cols);
                        let c = label.to_ascii_lowercase();
                        add(&mut out, format!("{qualifier}.{c}"), n);
                        add(&mut out, c, n);
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// Numeric classes and types of the columns of one table named `qualifier` (a single-table
/// UPDATE's or DELETE's), keyed as [`Session::num_columns`] and [`Session::meta_columns`] key
/// them.
pub(crate) fn table_columns(def: &Table, qualifier: &str) -> (NumColumns, MetaColumns) {
    let qualifier = qualifier.to_ascii_lowercase();
    let (mut nums, mut metas) = (NumColumns::new(), MetaColumns::new());
    for col in &def.columns {
        let c = col.name.to_ascii_lowercase();
        let meta = ColumnMeta::of(col);
        if let Some(n) = num_of_type(&col.ty.show()) {
            nums.insert(format!("{qualifier}.{c}"), n);
            nums.insert(c.clone(), n);
        }
        metas.insert(format!("{qualifier}.{c}"), meta.clone());
        metas.insert(c, meta);
    }
    (nums, metas)
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
        let statement = if words.first().is_some_and(|w| w == "SHOW") {
            None
        } else {
            Some(self.parse(one)?)
        };
        let q = match statement {
            Some(sqlparser::ast::Statement::Query(q)) => q,
            Some(sqlparser::ast::Statement::ExplainTable { .. }) | None => {
                // SHOW and DESCRIBE read the catalog only: run them for their columns, and
                // leave no transaction a read may have opened.
                let (explicit, idle) = (self.explicit, self.conn().is_autocommit());
                let out = match statement {
                    Some(sqlparser::ast::Statement::ExplainTable { table_name, .. }) => {
                        self.describe_table(&table_name, false, None)
                    }
                    _ => self.show(one, &[]),
                };
                if idle && !explicit && !self.conn().is_autocommit() {
                    let _ = self.conn().execute_batch("ROLLBACK");
                }
                self.explicit = explicit;
                return match out? {
                    Outcome::Rows(rs) => Ok(Some(rs.columns)),
                    _ => Ok(None),
                };
            }
            Some(_) => return Ok(None),
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
                .unwrap_or_else(|| Kind::of(ColumnType::VarString));
            out.push(kind.column(name));
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
