//! EXPLAIN in MySQL's shapes (the traditional table, FORMAT=JSON, FORMAT=TREE and EXPLAIN
//! ANALYZE), read off SQLite's query plan: tools and people read these columns to see whether
//! an index is used, so the access type and the key are the plan SQLite really runs.
//!
//! Row counts are estimates, as in MySQL: a scan counts the table; a lookup on a whole unique
//! key is 1 row; other lookups and ranges take a fixed share of the table.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;

use sqlparser::ast::{
    AnalyzeFormat, AnalyzeFormatKind, BinaryOperator, Expr, FromTable, Statement, TableFactor,
    Visit, Visitor,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

use crate::catalog::Kind;
use crate::error::SqlError;
use crate::outcome::{Column, ColumnType, Outcome, ResultSet};
use crate::schema::{IntKind, LobSize, Table, Type};
use crate::session::Session;

/// One row of MySQL's traditional EXPLAIN.
#[derive(Debug, Default, Clone)]
struct PlanRow {
    /// The SELECT's number; None for the UNION RESULT row.
    select_id: Option<u32>,
    select_type: String,
    table: Option<String>,
    access: Option<&'static str>,
    key: Option<String>,
    /// The key's columns this access uses, in order.
    key_parts: Vec<String>,
    key_len: Option<u64>,
    refs: Vec<String>,
    rows: Option<u64>,
    extra: Vec<String>,
}

/// What the walk over SQLite's plan needs to know about the statement.
struct Context<'a> {
    /// Plan nodes: (id, parent, detail).
    nodes: &'a [(i64, i64, String)],
    /// Table alias (as SQLite's plan names it) to its catalog entry.
    tables: HashMap<String, Arc<Table>>,
    /// `alias.column` = `other.column` equalities of the statement, for the ref column.
    joins: Vec<((String, String), (String, String))>,
    /// Whether the outermost SELECT has a WHERE.
    top_where: bool,
    database: String,
    /// MATERIALIZE / CO-ROUTINE names to their select ids.
    derived: HashMap<String, u32>,
    next_id: u32,
    rows: Vec<PlanRow>,
}

impl Session {
    /// EXPLAIN / DESCRIBE of a statement: SELECT (with UNION, subqueries, derived tables),
    /// UPDATE, DELETE, INSERT and REPLACE, as MySQL answers them.
    pub(crate) fn explain(
        &mut self,
        statement: Statement,
        analyze: bool,
        format: Option<AnalyzeFormatKind>,
    ) -> Result<Outcome, SqlError> {
        let format = match format {
            Some(AnalyzeFormatKind::Keyword(f) | AnalyzeFormatKind::Assignment(f)) => f,
            None if analyze => AnalyzeFormat::TREE,
            None => AnalyzeFormat::TRADITIONAL,
        };
        if analyze && !matches!(format, AnalyzeFormat::TREE) {
            return Err(SqlError::not_supported(
                "EXPLAIN ANALYZE with format other than TREE",
            ));
        }
        let (top_type, query_text, insert_into) = explained_select(&statement)?;
        let database = self.database.clone().unwrap_or_default();
        let mut cx = Context {
            nodes: &[],
            tables: HashMap::new(),
            joins: Vec::new(),
            top_where: false,
            database,
            derived: HashMap::new(),
            next_id: 1,
            rows: Vec::new(),
        };
        let nodes;
        let mut actual = None;
        if let Some(text) = &query_text {
            let query = parse_query(text)?;
            cx.top_where = match &*query.body {
                sqlparser::ast::SetExpr::Select(s) => s.selection.is_some(),
                _ => false,
            };
            let mut refs = References::default();
            let _ = query.visit(&mut refs);
            cx.joins = refs.joins;
            for (alias, name) in refs.tables {
                let (db, table) = match name.rsplit_once('.') {
                    Some((db, t)) => (db.to_owned(), t.to_owned()),
                    None => (cx.database.clone(), name),
                };
                if let Some((Kind::Table, t)) = self.table(&db, &table)? {
                    cx.tables.insert(alias, t);
                }
            }
            let translated = self.translate_query_for_explain(query.clone(), text)?;
            nodes = self.query_plan(&translated)?;
            if analyze {
                let started = std::time::Instant::now();
                let rows = match self.query(query, text)? {
                    Outcome::Rows(rs) => rs.rows.len(),
                    _ => 0,
                };
                actual = Some((started.elapsed().as_secs_f64() * 1000.0, rows));
            }
            cx.nodes = &nodes;
            cx.walk(0, 1, &top_type);
            cx.next_id = cx.next_id.max(1);
            let others = cx.rows.iter().any(|r| r.select_id != Some(1));
            for r in cx.rows.iter_mut().filter(|r| r.select_id == Some(1)) {
                if r.select_type == "SIMPLE" && others {
                    r.select_type = "PRIMARY".into();
                }
            }
            cx.rows.sort_by_key(|r| r.select_id.unwrap_or(u32::MAX));
            self.estimate_rows(&mut cx);
        }
        if let Some(table) = insert_into {
            let row = PlanRow {
                select_id: Some(1),
                select_type: top_type.clone(),
                table: Some(table),
                access: Some("ALL"),
                ..PlanRow::default()
            };
            // INSERT ... SELECT: the INSERT row first, the SELECT's rows after it.
            cx.rows
                .retain(|r| r.select_id.is_some() || r.table.is_some());
            cx.rows.insert(0, row);
        }
        Ok(Outcome::Rows(match format {
            AnalyzeFormat::JSON => {
                one_cell(&serde_json::to_string_pretty(&json_plan(&cx.rows)).unwrap_or_default())
            }
            AnalyzeFormat::TREE => one_cell(&tree_plan(&cx.rows, actual)),
            _ => traditional(&cx.rows),
        }))
    }

    /// SQLite's EXPLAIN QUERY PLAN of `sql`: (id, parent, detail) in plan order.
    fn query_plan(&mut self, sql: &str) -> Result<Vec<(i64, i64, String)>, SqlError> {
        self.conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(3)?)))
                    .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            })
            .map_err(|e| self.sqlite_error(e))
    }

    /// Fills each row's estimate from its table's row count.
    fn estimate_rows(&self, cx: &mut Context) {
        for r in &mut cx.rows {
            let Some(table) = r.table.as_ref().and_then(|a| cx.tables.get(a)) else {
                continue;
            };
            let n = self.count_rows(table).unwrap_or(0);
            r.rows = Some(match r.access {
                Some("const" | "eq_ref") => 1,
                Some("ref") => n.div_ceil(10).max(1),
                Some("range") => n.div_ceil(3).max(1),
                _ => n.max(1),
            });
        }
    }
}

impl Context<'_> {
    /// Adds the plan rows under `parent`, belonging to SELECT `id` of type `select_type`.
    fn walk(&mut self, parent: i64, id: u32, select_type: &str) {
        let children: Vec<(i64, String)> = self
            .nodes
            .iter()
            .filter(|(_, p, _)| *p == parent)
            .map(|(n, _, d)| (*n, d.clone()))
            .collect();
        let mut first_of_select = self.rows.len();
        for (node, detail) in children {
            let word = |prefix: &str| detail.strip_prefix(prefix).map(str::trim);
            if detail == "SCAN CONSTANT ROW" {
                self.rows.push(PlanRow {
                    select_id: Some(id),
                    select_type: select_type.into(),
                    extra: vec!["No tables used".into()],
                    ..PlanRow::default()
                });
            } else if detail.starts_with("SCAN ") || detail.starts_with("SEARCH ") {
                let first = !self.rows[first_of_select.min(self.rows.len())..]
                    .iter()
                    .any(|r| r.select_id == Some(id) && r.table.is_some());
                let row = self.access_row(&detail, id, select_type, first);
                self.rows.push(row);
            } else if let Some(what) = word("USE TEMP B-TREE FOR") {
                let note = if what.contains("ORDER BY") {
                    "Using filesort"
                } else {
                    "Using temporary"
                };
                let from = first_of_select.min(self.rows.len());
                if let Some(r) = self.rows[from..]
                    .iter_mut()
                    .find(|r| r.select_id == Some(id))
                {
                    if !r.extra.iter().any(|e| e == note) {
                        r.extra.push(note.into());
                        r.extra.sort_by_key(|e| e != "Using temporary");
                    }
                }
            } else if detail.contains("SUBQUERY")
                && !detail.starts_with("LEFT-MOST")
                && !detail.starts_with("BLOOM")
            {
                let sub = self.new_id();
                let kind = if detail.starts_with("CORRELATED") {
                    "DEPENDENT SUBQUERY"
                } else {
                    "SUBQUERY"
                };
                self.walk(node, sub, kind);
            } else if let Some(name) = word("MATERIALIZE").or_else(|| word("CO-ROUTINE")) {
                let sub = self.new_id();
                self.derived.insert(name.to_owned(), sub);
                self.walk(node, sub, "DERIVED");
            } else if detail == "COMPOUND QUERY" || detail.starts_with("MERGE (") {
                self.compound(node, id, select_type);
                first_of_select = self.rows.len();
            } else if !detail.starts_with("BLOOM FILTER") {
                self.walk(node, id, select_type);
            }
        }
    }

    /// A UNION / INTERSECT / EXCEPT: the first part is this SELECT, each other part a new one,
    /// and a result row when the parts are deduplicated.
    fn compound(&mut self, node: i64, id: u32, select_type: &str) {
        let parts: Vec<(i64, String)> = self
            .nodes
            .iter()
            .filter(|(_, p, _)| *p == node)
            .map(|(n, _, d)| (*n, d.clone()))
            .collect();
        let mut ids = Vec::new();
        let mut dedupe = false;
        for (i, (part, detail)) in parts.into_iter().enumerate() {
            if i == 0 {
                let top = if select_type == "SIMPLE" {
                    "PRIMARY"
                } else {
                    select_type
                };
                ids.push(id);
                self.walk(part, id, top);
                continue;
            }
            dedupe |= detail.contains("USING TEMP B-TREE") || detail == "RIGHT";
            let kind = if detail.starts_with("INTERSECT") {
                "INTERSECT"
            } else if detail.starts_with("EXCEPT") {
                "EXCEPT"
            } else {
                "UNION"
            };
            let sub = self.new_id();
            ids.push(sub);
            self.walk(part, sub, kind);
        }
        if dedupe {
            let names: Vec<String> = ids.iter().map(u32::to_string).collect();
            let kind = self.rows.iter().rev().find_map(|r| {
                matches!(r.select_type.as_str(), "INTERSECT" | "EXCEPT")
                    .then(|| r.select_type.clone())
            });
            let kind = kind.unwrap_or_else(|| "UNION".into());
            self.rows.push(PlanRow {
                select_id: None,
                select_type: format!("{kind} RESULT"),
                table: Some(format!("<{}{}>", kind.to_lowercase(), names.join(","))),
                access: Some("ALL"),
                extra: vec!["Using temporary".into()],
                ..PlanRow::default()
            });
        }
    }

    fn new_id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    /// The row of one `SCAN t ...` / `SEARCH t USING ... (conditions)` plan line.
    fn access_row(&self, detail: &str, id: u32, select_type: &str, first: bool) -> PlanRow {
        let rest = detail.split_once(' ').map_or("", |(_, r)| r);
        let (alias, using) = match rest.find(" USING ") {
            Some(at) => (&rest[..at], Some(&rest[at + " USING ".len()..])),
            None => (rest.split(' ').next().unwrap_or(rest), None),
        };
        let alias = alias.trim_matches('"').to_owned();
        let table = self.tables.get(&alias);
        let shown = match self.derived.get(&alias) {
            Some(n) => format!("<derived{n}>"),
            None => alias.clone(),
        };
        let mut row = PlanRow {
            select_id: Some(id),
            select_type: select_type.into(),
            table: Some(shown),
            access: Some("ALL"),
            ..PlanRow::default()
        };
        let searching = detail.starts_with("SEARCH ");
        let conditions: Vec<String> = using
            .and_then(|u| u.split_once('(').map(|(_, c)| c))
            .and_then(|c| c.split_once(')').map(|(c, _)| c))
            .map(|c| c.split(" AND ").map(str::to_owned).collect())
            .unwrap_or_default();
        let Some(using) = using else {
            if self.top_where && id == 1 {
                row.extra.push("Using where".into());
            }
            return row;
        };
        if using.starts_with("AUTOMATIC") {
            row.extra.push("Using where".into());
            row.extra.push("Using join buffer (hash join)".into());
            return row;
        }
        let covering = using.contains("COVERING INDEX");
        let index = if using.starts_with("INTEGER PRIMARY KEY") || using.starts_with("PRIMARY KEY")
        {
            table.and_then(|t| t.primary_key()).cloned()
        } else {
            let name = using
                .trim_start_matches("COVERING ")
                .trim_start_matches("INDEX ")
                .split(' ')
                .next()
                .unwrap_or("");
            table.and_then(|t| {
                let short = name.rsplit('.').next().unwrap_or(name);
                t.indexes.iter().find(|i| i.name == short).cloned()
            })
        };
        let Some(index) = index else {
            return row;
        };
        let used = if searching {
            conditions.len().min(index.parts.len())
        } else {
            index.parts.len()
        };
        row.key = Some(index.name.clone());
        row.key_parts = index
            .parts
            .iter()
            .take(used)
            .map(|p| p.column.clone())
            .collect();
        row.key_len = table.map(|t| {
            index
                .parts
                .iter()
                .take(used)
                .filter_map(|p| t.column(&p.column).map(|c| key_bytes(c, p.prefix)))
                .sum()
        });
        let ranged = conditions
            .iter()
            .any(|c| !c.contains('=') || c.contains("<=") || c.contains(">="));
        row.access = Some(if !searching {
            "index"
        } else if ranged {
            "range"
        } else if index.is_unique() && used == index.parts.len() {
            if first {
                "const"
            } else {
                "eq_ref"
            }
        } else {
            "ref"
        });
        if matches!(row.access, Some("const" | "eq_ref" | "ref")) {
            row.refs = row
                .key_parts
                .iter()
                .map(|col| self.reference(&alias, col, first))
                .collect();
        }
        if covering {
            row.extra.push("Using index".into());
        }
        if row.access == Some("range") {
            row.extra.insert(0, "Using where".into());
        }
        row
    }

    /// The ref column for `alias.col`: the other side of a join equality, or `const`.
    fn reference(&self, alias: &str, col: &str, first: bool) -> String {
        if !first {
            for (a, b) in &self.joins {
                for (mine, other) in [(a, b), (b, a)] {
                    if mine.0 == alias && mine.1.eq_ignore_ascii_case(col) && other.0 != alias {
                        return format!("{}.{}.{}", self.database, other.0, other.1);
                    }
                }
            }
        }
        "const".into()
    }
}

/// The SELECT whose plan EXPLAIN shows for `statement`, the first row's select_type, and the
/// table an INSERT writes into.
fn explained_select(
    statement: &Statement,
) -> Result<(String, Option<String>, Option<String>), SqlError> {
    let where_clause = |e: &Option<Expr>| {
        e.as_ref()
            .map(|e| format!(" WHERE {e}"))
            .unwrap_or_default()
    };
    Ok(match statement {
        Statement::Query(q) => ("SIMPLE".into(), Some(q.to_string()), None),
        Statement::Update(u) => {
            let mut from = u.table.to_string();
            if let Some(
                sqlparser::ast::UpdateTableFromKind::AfterSet(t)
                | sqlparser::ast::UpdateTableFromKind::BeforeSet(t),
            ) = &u.from
            {
                for t in t {
                    from.push_str(&format!(", {t}"));
                }
            }
            (
                "UPDATE".into(),
                Some(format!(
                    "SELECT 1 FROM {from}{}",
                    where_clause(&u.selection)
                )),
                None,
            )
        }
        Statement::Delete(d) => {
            let tables = match &d.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
            };
            let from: Vec<String> = tables
                .iter()
                .chain(d.using.iter().flatten())
                .map(ToString::to_string)
                .collect();
            (
                "DELETE".into(),
                Some(format!(
                    "SELECT 1 FROM {}{}",
                    from.join(", "),
                    where_clause(&d.selection)
                )),
                None,
            )
        }
        Statement::Insert(i) => {
            let table = match &i.table {
                sqlparser::ast::TableObject::TableName(n) => {
                    n.0.last()
                        .map(|p| p.to_string().trim_matches('`').to_owned())
                }
                _ => None,
            };
            let kind = if i.replace_into { "REPLACE" } else { "INSERT" };
            let source = i
                .source
                .as_ref()
                .filter(|q| !matches!(*q.body, sqlparser::ast::SetExpr::Values(_)));
            (kind.into(), source.map(|q| q.to_string()), table)
        }
        other => {
            return Err(SqlError::not_supported(format!("EXPLAIN {other}")));
        }
    })
}

fn parse_query(text: &str) -> Result<sqlparser::ast::Query, SqlError> {
    match Parser::parse_sql(&MySqlDialect {}, text) {
        Ok(mut v) if v.len() == 1 => match v.remove(0) {
            Statement::Query(q) => Ok(*q),
            _ => Err(SqlError::syntax(text, 1)),
        },
        Ok(_) => Err(SqlError::syntax(text, 1)),
        Err(e) => Err(crate::session::parse_error(text, &e)),
    }
}

/// The tables a statement reads (by the name its plan shows) and its column equalities.
#[derive(Default)]
struct References {
    tables: Vec<(String, String)>,
    joins: Vec<((String, String), (String, String))>,
}

impl Visitor for References {
    type Break = ();

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table { name, alias, .. } = factor {
            let name = name
                .0
                .iter()
                .map(|p| p.to_string().trim_matches('`').to_owned())
                .collect::<Vec<_>>()
                .join(".");
            let shown = alias
                .as_ref()
                .map(|a| a.name.value.clone())
                .unwrap_or_else(|| name.rsplit('.').next().unwrap_or(&name).to_owned());
            self.tables.push((shown, name));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if let Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } = e
        {
            if let (Expr::CompoundIdentifier(a), Expr::CompoundIdentifier(b)) = (&**left, &**right)
            {
                if let ([.., ta, ca], [.., tb, cb]) = (a.as_slice(), b.as_slice()) {
                    self.joins.push((
                        (ta.value.clone(), ca.value.clone()),
                        (tb.value.clone(), cb.value.clone()),
                    ));
                }
            }
        }
        ControlFlow::Continue(())
    }
}

/// The bytes MySQL counts for a key part on `col` (its key_len).
fn key_bytes(col: &crate::schema::Column, prefix: Option<u32>) -> u64 {
    let chars = |n: u32| {
        u64::from(n)
            * col
                .charset
                .as_deref()
                .map_or(1, crate::schema::charset_max_bytes)
    };
    let fraction = |fsp: u8| u64::from(fsp).div_ceil(2);
    let bytes = match &col.ty {
        Type::Int { kind, .. } => match kind {
            IntKind::Tiny => 1,
            IntKind::Small => 2,
            IntKind::Medium => 3,
            IntKind::Int => 4,
            IntKind::Big => 8,
        },
        Type::Decimal {
            precision, scale, ..
        } => {
            let digits =
                |d: u32| u64::from(d / 9) * 4 + [0, 1, 1, 2, 2, 3, 3, 4, 4][(d % 9) as usize];
            digits(precision - scale) + digits(*scale)
        }
        Type::Float { .. } => 4,
        Type::Double { .. } => 8,
        Type::Bit(n) => u64::from(*n).div_ceil(8),
        Type::Char(n) => chars(prefix.unwrap_or(*n)),
        Type::VarChar(n) => chars(prefix.unwrap_or(*n)) + 2,
        Type::Text(_) => chars(prefix.unwrap_or(255)) + 2,
        Type::Binary(n) => u64::from(prefix.unwrap_or(*n)),
        Type::VarBinary(n) => u64::from(prefix.unwrap_or(*n)) + 2,
        Type::Blob(size) => {
            let whole = match size {
                LobSize::Tiny => 255,
                _ => 767,
            };
            u64::from(prefix.unwrap_or(whole)) + 2
        }
        Type::Enum(m) => {
            if m.len() > 255 {
                2
            } else {
                1
            }
        }
        Type::Set(m) => match m.len() {
            0..=8 => 1,
            9..=16 => 2,
            17..=24 => 3,
            25..=32 => 4,
            _ => 8,
        },
        Type::Date => 3,
        Type::Time(fsp) => 3 + fraction(*fsp),
        Type::DateTime(fsp) => 5 + fraction(*fsp),
        Type::Timestamp(fsp) => 4 + fraction(*fsp),
        Type::Year => 1,
        Type::Json | Type::Geometry(_) => 0,
    };
    bytes + u64::from(col.nullable)
}

fn cell(s: &str) -> Option<Vec<u8>> {
    Some(s.as_bytes().to_vec())
}

/// MySQL's twelve EXPLAIN columns.
fn traditional(rows: &[PlanRow]) -> ResultSet {
    let columns = [
        ("id", ColumnType::LongLong),
        ("select_type", ColumnType::VarString),
        ("table", ColumnType::VarString),
        ("partitions", ColumnType::VarString),
        ("type", ColumnType::VarString),
        ("possible_keys", ColumnType::VarString),
        ("key", ColumnType::VarString),
        ("key_len", ColumnType::VarString),
        ("ref", ColumnType::VarString),
        ("rows", ColumnType::LongLong),
        ("filtered", ColumnType::Double),
        ("Extra", ColumnType::VarString),
    ];
    ResultSet {
        columns: columns.iter().map(|(n, t)| Column::new(*n, *t)).collect(),
        rows: rows
            .iter()
            .map(|r| {
                let has_table = r.access.is_some() && r.select_id.is_some();
                vec![
                    r.select_id.map(|n| n.to_string().into_bytes()),
                    cell(&r.select_type),
                    r.table.as_deref().and_then(cell),
                    None,
                    r.access.and_then(cell),
                    r.key.as_deref().and_then(cell),
                    r.key.as_deref().and_then(cell),
                    r.key_len.map(|n| n.to_string().into_bytes()),
                    (!r.refs.is_empty()).then(|| r.refs.join(",").into_bytes()),
                    r.rows
                        .filter(|_| has_table)
                        .map(|n| n.to_string().into_bytes()),
                    has_table.then(|| b"100.00".to_vec()),
                    (!r.extra.is_empty()).then(|| r.extra.join("; ").into_bytes()),
                ]
            })
            .collect(),
    }
}

/// A one-column, one-row answer named `EXPLAIN` (FORMAT=JSON, FORMAT=TREE).
fn one_cell(text: &str) -> ResultSet {
    ResultSet {
        columns: vec![Column::new("EXPLAIN", ColumnType::VarString)],
        rows: vec![vec![cell(text)]],
    }
}

/// FORMAT=JSON: one query_block per SELECT, the outermost holding the others.
fn json_plan(rows: &[PlanRow]) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let block = |id: u32| -> Value {
        let tables: Vec<Value> = rows
            .iter()
            .filter(|r| r.select_id == Some(id) && r.access.is_some())
            .map(|r| {
                let mut t = Map::new();
                t.insert("table_name".into(), json!(r.table));
                t.insert("access_type".into(), json!(r.access));
                if let Some(k) = &r.key {
                    t.insert("possible_keys".into(), json!([k]));
                    t.insert("key".into(), json!(k));
                    t.insert("used_key_parts".into(), json!(r.key_parts));
                    t.insert("key_length".into(), json!(r.key_len.map(|n| n.to_string())));
                }
                if !r.refs.is_empty() {
                    t.insert("ref".into(), json!(r.refs));
                }
                t.insert("rows_examined_per_scan".into(), json!(r.rows));
                t.insert("filtered".into(), json!("100.00"));
                if r.extra.iter().any(|e| e == "Using index") {
                    t.insert("using_index".into(), json!(true));
                }
                json!({ "table": Value::Object(t) })
            })
            .collect();
        let mut b = Map::new();
        b.insert("select_id".into(), json!(id));
        match tables.len() {
            0 => {
                b.insert("message".into(), json!("No tables used"));
            }
            1 => {
                if let Some(Value::Object(t)) = tables.into_iter().next() {
                    b.extend(t);
                }
            }
            _ => {
                b.insert("nested_loop".into(), Value::Array(tables));
            }
        }
        Value::Object(b)
    };
    let mut ids: Vec<u32> = rows.iter().filter_map(|r| r.select_id).collect();
    ids.dedup();
    let mut top = block(1);
    let subqueries: Vec<Value> = ids
        .iter()
        .filter(|id| **id != 1)
        .map(|id| {
            let dependent = rows
                .iter()
                .any(|r| r.select_id == Some(*id) && r.select_type.starts_with("DEPENDENT"));
            json!({ "dependent": dependent, "query_block": block(*id) })
        })
        .collect();
    if !subqueries.is_empty() {
        if let Value::Object(b) = &mut top {
            b.insert("subqueries".into(), Value::Array(subqueries));
        }
    }
    json!({ "query_block": top })
}

/// FORMAT=TREE (and EXPLAIN ANALYZE, with the measured time and rows on the top line).
fn tree_plan(rows: &[PlanRow], actual: Option<(f64, usize)>) -> String {
    let mut lines = Vec::new();
    let mut ids: Vec<u32> = rows.iter().filter_map(|r| r.select_id).collect();
    ids.dedup();
    for id in ids {
        let tables: Vec<&PlanRow> = rows
            .iter()
            .filter(|r| r.select_id == Some(id) && r.access.is_some())
            .collect();
        let depth = usize::from(id != 1);
        if id != 1 {
            lines.push(format!(
                "-> Select #{id} (subquery in condition; run only once)"
            ));
        }
        if tables.is_empty() {
            lines.push(format!(
                "{}-> Rows fetched before execution",
                "    ".repeat(depth)
            ));
            continue;
        }
        let mut inner = depth;
        if tables.len() > 1 {
            for _ in 1..tables.len() {
                lines.push(format!("{}-> Nested loop inner join", "    ".repeat(inner)));
                inner += 1;
            }
        }
        for r in tables {
            lines.push(format!(
                "{}-> {}",
                "    ".repeat(inner.min(depth + 1)),
                access_phrase(r)
            ));
        }
    }
    if let (Some((ms, n)), Some(first)) = (actual, lines.first_mut()) {
        first.push_str(&format!(
            "  (actual time={ms:.3}..{ms:.3} rows={n} loops=1)"
        ));
    }
    lines.join("\n")
}

fn access_phrase(r: &PlanRow) -> String {
    let table = r.table.as_deref().unwrap_or("");
    let key = r.key.as_deref().unwrap_or("");
    let on = || {
        r.key_parts
            .iter()
            .zip(
                r.refs
                    .iter()
                    .map(|s| if s == "const" { "?" } else { s.as_str() }),
            )
            .map(|(c, v)| format!("{c}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows = r.rows.map(|n| format!("  (rows={n})")).unwrap_or_default();
    match r.access {
        Some("const" | "eq_ref") => format!(
            "Single-row index lookup on {table} using {key} ({}){rows}",
            on()
        ),
        Some("ref") => format!("Index lookup on {table} using {key} ({}){rows}", on()),
        Some("range") => format!("Index range scan on {table} using {key}{rows}"),
        Some("index") if r.extra.iter().any(|e| e == "Using index") => {
            format!("Covering index scan on {table} using {key}{rows}")
        }
        Some("index") => format!("Index scan on {table} using {key}{rows}"),
        _ => format!("Table scan on {table}{rows}"),
    }
}
