//! Views. A MySQL view's definition (its SELECT, with table names qualified; its column names
//! and their types; its CHECK OPTION) is kept in the catalog, so it backtracks with the data.
//! A SQLite view of the same name, made from the translated SELECT with the column names as
//! its column list, answers reads. INSERT, UPDATE and DELETE through a view that reads one
//! table's rows (MySQL's updatable view) are rewritten onto that table; WITH CHECK OPTION is
//! enforced for the statement by temporary triggers on it.

use std::ops::ControlFlow;
use std::sync::Arc;

use sqlparser::ast::{
    visit_expressions, visit_expressions_mut, visit_relations_mut, AssignmentTarget,
    BinaryOperator, Delete, Expr, FromTable, GroupByExpr, Ident, Insert, ObjectName,
    ObjectNamePart, OnInsert, Query, Select, SelectItem, SetExpr, TableAlias, TableFactor,
    TableObject, Update,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::catalog::{self, Kind};
use crate::ddl::quote_mysql;
use crate::error::SqlError;
use crate::outcome::Outcome;
use crate::schema::{quote_str, Table};
use crate::session::{ok, quote_ident, Session};
use crate::translate::{resolve, table_ident};

/// How a statement defines a view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Define {
    /// CREATE VIEW: the name must be free.
    Create,
    /// CREATE OR REPLACE VIEW: a view of that name is replaced.
    Replace,
    /// ALTER VIEW: the view must exist.
    Alter,
}

/// Where a trailing `WITH [CASCADED | LOCAL] CHECK OPTION` starts in a CREATE / ALTER VIEW
/// text, and which it is (sqlparser does not read the clause).
pub(crate) fn check_option(text: &str) -> Option<(usize, &'static str)> {
    let tokens = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .ok()?;
    let words: Vec<_> = tokens
        .iter()
        .filter(|t| {
            !matches!(
                t.token,
                Token::Whitespace(_) | Token::SemiColon | Token::EOF
            )
        })
        .collect();
    let word = |i: usize| match &words.get(i)?.token {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    };
    let n = words.len();
    if n < 4 || word(n - 1)? != "OPTION" || word(n - 2)? != "CHECK" {
        return None;
    }
    let (with, kind) = match word(n - 3)?.as_str() {
        "WITH" => (n - 3, "CASCADED"),
        "CASCADED" if word(n - 4)? == "WITH" => (n - 4, "CASCADED"),
        "LOCAL" if word(n - 4)? == "WITH" => (n - 4, "LOCAL"),
        _ => return None,
    };
    let start = words[with].span.start;
    Some((crate::split::offset(text, start.line, start.column), kind))
}

/// 1347: a view statement named a base table.
pub(crate) fn not_a_view(db: &str, name: &str) -> SqlError {
    SqlError::new(1347, "HY000", format!("'{db}.{name}' is not VIEW"))
}

/// 1356: a view whose tables or columns are gone.
fn invalid_view(db: &str, name: &str) -> SqlError {
    SqlError::new(
        1356,
        "HY000",
        format!(
            "View '{db}.{name}' references invalid table(s) or column(s) or function(s) or \
             definer/invoker of view lack rights to use them"
        ),
    )
}

/// 1288 / 1471: a write through a view that does not read one table's rows.
fn not_updatable(view: &str, verb: &str) -> SqlError {
    if verb == "INSERT" {
        SqlError::new(
            1471,
            "HY000",
            format!("The target table {view} of the INSERT is not insertable-into"),
        )
    } else {
        SqlError::new(
            1288,
            "HY000",
            format!("The target table {view} of the {verb} is not updatable"),
        )
    }
}

/// True when a view defined by `definition` (MySQL text) can be written through
/// (information_schema.VIEWS.IS_UPDATABLE).
pub(crate) fn is_updatable(definition: &str) -> bool {
    parse_query(definition).is_ok_and(|q| single_table(&q).is_some())
}

fn parse_query(text: &str) -> Result<Query, SqlError> {
    Parser::new(&MySqlDialect {})
        .try_with_sql(text)
        .and_then(|mut p| p.parse_query())
        .map(|q| *q)
        .map_err(|e| crate::session::parse_error(text, &e))
}

/// Aggregate functions: a view computing one reads no single row of its table.
const AGGREGATES: &[&str] = &[
    "avg",
    "bit_and",
    "bit_or",
    "bit_xor",
    "count",
    "group_concat",
    "json_arrayagg",
    "json_objectagg",
    "max",
    "min",
    "std",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "sum",
    "var_pop",
    "var_samp",
    "variance",
];

/// The SELECT of a view MySQL can write through: one table, no DISTINCT, GROUP BY, HAVING,
/// LIMIT, UNION, aggregate, window function or subquery among its columns.
fn single_table(q: &Query) -> Option<&Select> {
    if q.with.is_some() || q.limit_clause.is_some() || q.fetch.is_some() {
        return None;
    }
    let SetExpr::Select(s) = q.body.as_ref() else {
        return None;
    };
    let grouped = match &s.group_by {
        GroupByExpr::Expressions(e, _) => !e.is_empty(),
        GroupByExpr::All(_) => true,
    };
    if s.distinct.is_some() || grouped || s.having.is_some() || s.from.len() != 1 {
        return None;
    }
    if !s.from[0].joins.is_empty() || !matches!(s.from[0].relation, TableFactor::Table { .. }) {
        return None;
    }
    let computed = s.projection.iter().any(|item| {
        visit_expressions(item, |e| match e {
            Expr::Function(f)
                if f.over.is_some()
                    || AGGREGATES.contains(&f.name.to_string().to_ascii_lowercase().as_str()) =>
            {
                ControlFlow::Break(())
            }
            Expr::Subquery(_)
            | Expr::Exists { .. }
            | Expr::In {
                target: sqlparser::ast::InTarget::Subquery(_),
                ..
            } => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        })
        .is_break()
    });
    (!computed).then_some(&**s)
}

/// True when any SELECT of the query's body has a `*` or `t.*` item.
fn has_wildcard(body: &SetExpr) -> bool {
    match body {
        SetExpr::Select(s) => s.projection.iter().any(|i| {
            matches!(
                i,
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)
            )
        }),
        SetExpr::Query(q) => has_wildcard(&q.body),
        SetExpr::SetOperation { left, right, .. } => has_wildcard(left) || has_wildcard(right),
        _ => false,
    }
}

/// The first name given twice (names compare case-insensitively, as MySQL's columns do).
fn duplicate(names: &[String]) -> Option<&String> {
    names.iter().enumerate().find_map(|(i, n)| {
        names[..i]
            .iter()
            .any(|m| m.eq_ignore_ascii_case(n))
            .then_some(n)
    })
}

/// The base column an item of a view reads, if it is a plain column.
fn base_column(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(i) => Some(i.value.clone()),
        Expr::CompoundIdentifier(p) if p.len() <= 3 => p.last().map(|i| i.value.clone()),
        Expr::Nested(inner) => base_column(inner),
        _ => None,
    }
}

fn ident_name(n: &ObjectName) -> String {
    match n.0.last() {
        Some(ObjectNamePart::Identifier(i)) => i.value.clone(),
        _ => n.to_string(),
    }
}

/// `db`.`t` as a qualified MySQL name.
fn qualified(db: &str, t: &str) -> ObjectName {
    ObjectName::from(vec![Ident::with_quote('`', db), Ident::with_quote('`', t)])
}

/// Replaces, in `e`, the view's columns (bare, or qualified by one of `qualifiers`) with the
/// expressions they stand for.
fn substitute(e: &mut Expr, columns: &[(String, Expr)], qualifiers: &[String]) {
    let lookup = |name: &str| {
        columns
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(name))
            .map(|(_, e)| e.clone())
    };
    let _: ControlFlow<()> = visit_expressions_mut(e, |x| {
        let found = match x {
            Expr::Identifier(i) if !i.value.starts_with('@') => lookup(&i.value),
            Expr::CompoundIdentifier(p)
                if p.len() == 2
                    && qualifiers
                        .iter()
                        .any(|q| q.eq_ignore_ascii_case(&p[0].value)) =>
            {
                lookup(&p[1].value)
            }
            _ => None,
        };
        if let Some(r) = found {
            *x = if base_column(&r).is_some() {
                r
            } else {
                Expr::Nested(Box::new(r))
            };
        }
        ControlFlow::Continue(())
    });
}

/// `a AND b`, either side possibly absent.
fn and(a: Option<Expr>, b: Option<Expr>) -> Option<Expr> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Expr::BinaryOp {
            left: Box::new(Expr::Nested(Box::new(a))),
            op: BinaryOperator::And,
            right: Box::new(Expr::Nested(Box::new(b))),
        }),
        (a, b) => a.or(b),
    }
}

/// A view read as one relation's rows.
struct Merged {
    /// The relation it reads (a base table or another view).
    db: String,
    name: String,
    /// What the view's expressions call that relation (its alias, else its name).
    qualifier: String,
    /// Each view column: its name and its expression over that relation.
    columns: Vec<(String, Expr)>,
    /// The view's WHERE.
    selection: Option<Expr>,
}

/// The WITH CHECK OPTION conditions a write through a chain of views must keep true, over
/// the relation reached so far.
#[derive(Default)]
struct Checks {
    /// A CASCADED check above: every view below is checked too.
    cascaded: bool,
    /// Each condition and the view (`db.v`) it is from.
    conditions: Vec<(Expr, String)>,
}

impl Checks {
    /// One step down the chain, through `view` (read as `m`).
    fn descend(&mut self, view: &Table, m: &Merged, qualifiers: &[String]) {
        for (c, _) in &mut self.conditions {
            substitute(c, &m.columns, qualifiers);
        }
        let own = view.check_option.as_deref();
        if own.is_some() || self.cascaded {
            if let Some(w) = &m.selection {
                self.conditions
                    .push((w.clone(), format!("{}.{}", view.schema, view.name)));
            }
        }
        if own == Some("CASCADED") {
            self.cascaded = true;
        }
    }
}

/// Rewrites `e` to read the row a trigger sees as NEW.
fn on_new_row(e: &mut Expr, qualifier: &str) {
    let _: ControlFlow<()> = visit_expressions_mut(e, |x| {
        let column = match x {
            Expr::Identifier(i) if !i.value.starts_with('@') => Some(i.clone()),
            Expr::CompoundIdentifier(p)
                if p.len() == 2 && p[0].value.eq_ignore_ascii_case(qualifier) =>
            {
                Some(p[1].clone())
            }
            _ => None,
        };
        if let Some(c) = column {
            *x = Expr::CompoundIdentifier(vec![Ident::new("NEW"), Ident::with_quote('"', c.value)]);
        }
        ControlFlow::Continue(())
    });
}

impl Session {
    /// CREATE [OR REPLACE] VIEW and ALTER VIEW.
    pub(crate) fn define_view(
        &mut self,
        name: &ObjectName,
        columns: Vec<Ident>,
        mut query: Query,
        mode: Define,
        text: &str,
    ) -> Result<Outcome, SqlError> {
        let (db, v) = resolve(self.database.as_deref(), name)?;
        if catalog::is_system(&db) {
            return Err(SqlError::access_denied(&self.config.user, &db));
        }
        let defaults = self.schema_defaults(&db)?;
        let existing = self.table(&db, &v)?.map(|(k, _)| k);
        match (existing, mode) {
            (Some(Kind::Table), Define::Replace | Define::Alter) => {
                return Err(not_a_view(&db, &v))
            }
            (Some(_), Define::Create) => return Err(SqlError::table_exists(&v)),
            (None, Define::Alter) => return Err(SqlError::no_such_table(&db, &v)),
            _ => {}
        }
        let check = check_option(text).map(|(_, k)| k.to_owned());
        // The definition names its tables with their database: the view reads the same
        // tables whatever database a later statement runs in.
        let ctes: Vec<String> = query
            .with
            .iter()
            .flat_map(|w| &w.cte_tables)
            .map(|c| c.alias.name.value.to_ascii_lowercase())
            .collect();
        let mut stored = query.clone();
        let current = self.database.clone();
        let _: ControlFlow<()> = visit_relations_mut(&mut stored, |n| {
            if n.0.len() == 1 && !ctes.contains(&ident_name(n).to_ascii_lowercase()) {
                if let Some(d) = &current {
                    n.0.insert(0, ObjectNamePart::Identifier(Ident::with_quote('`', d)));
                }
            }
            ControlFlow::Continue(())
        });
        let definition = stored.to_string();
        let wildcard = has_wildcard(&query.body);
        query.locks.clear();
        let (select, _) = self.translate_query(query, text)?;
        // Prepared, not run: a missing table or column is refused now, as MySQL does.
        let inner: Vec<String> = self
            .conn()
            .prepare(&select)
            .map(|s| s.column_names().map(str::to_owned).collect())
            .map_err(|e| self.sqlite_error(e))?;
        let names: Vec<String> = if columns.is_empty() {
            inner.clone()
        } else if columns.len() != inner.len() {
            return Err(SqlError::new(
                1353,
                "HY000",
                "In definition of view, derived table or common table expression, SELECT list \
                 and column names list have different column counts",
            ));
        } else {
            columns.into_iter().map(|c| c.value).collect()
        };
        if let Some(d) = duplicate(&names) {
            return Err(SqlError::new(
                1060,
                "42S21",
                format!("Duplicate column name '{d}'"),
            ));
        }
        // A `*` stands for the columns the table has now: a column added later is not the
        // view's (SQLite would expand it again at every read).
        let body = if wildcard && duplicate(&inner).is_none() {
            let picked: Vec<String> = inner.iter().map(|c| quote_ident(c)).collect();
            format!("SELECT {} FROM ({select})", picked.join(", "))
        } else {
            select.clone()
        };
        let types = self.query_columns(&format!("SELECT * FROM ({select}) LIMIT 1"))?;
        let mut view = Table::view(&db, &v, &definition);
        view.columns = view_columns(&db, &names, &types, &defaults);
        view.check_option = check;
        if existing == Some(Kind::View) {
            self.exec(&format!("DROP VIEW IF EXISTS {}", table_ident(&db, &v)))?;
        }
        let listed: Vec<String> = names.iter().map(|n| quote_ident(n)).collect();
        self.exec(&format!(
            "CREATE VIEW {}({}) AS {body}",
            table_ident(&db, &v),
            listed.join(", ")
        ))?;
        catalog::put_table(self.conn(), Kind::View, &view, &self.now_text())?;
        Ok(Outcome::Ok(ok(0)))
    }

    /// Drops the SQLite views for an ALTER TABLE, returning their SQL: SQLite checks every
    /// view when a table is renamed (a rebuild renames its copy), and refuses while one reads
    /// a table that is gone, which a MySQL view may. They come back unchanged
    /// ([`Session::views_back`]): like MySQL's, a view of a renamed table or column breaks.
    pub(crate) fn views_aside(&self) -> Result<Vec<String>, SqlError> {
        let views: Vec<(String, String)> = self
            .conn()
            .prepare("SELECT name, sql FROM main.sqlite_schema WHERE type = 'view'")
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()
            })
            .map_err(|e| self.sqlite_error(e))?;
        for (name, _) in &views {
            self.exec(&format!("DROP VIEW {}", quote_ident(name)))?;
        }
        Ok(views.into_iter().map(|(_, sql)| sql).collect())
    }

    /// Makes again the views [`Session::views_aside`] dropped.
    pub(crate) fn views_back(&self, views: Vec<String>) -> Result<(), SqlError> {
        for sql in views {
            self.exec(&sql)?;
        }
        Ok(())
    }

    /// A failed read's error as MySQL words it: a view it reads whose tables or columns are
    /// gone is 1356, not the missing table's 1146.
    pub(crate) fn broken_view(&mut self, err: SqlError, text: &str) -> SqlError {
        if !matches!(err.code, 1146 | 1054) {
            return err;
        }
        let Ok(sqlparser::ast::Statement::Query(mut q)) = self.parse(text) else {
            return err;
        };
        let mut names = Vec::new();
        let _: ControlFlow<()> = visit_relations_mut(&mut *q, |n| {
            names.push(n.clone());
            ControlFlow::Continue(())
        });
        for n in names {
            let Ok((db, t)) = resolve(self.database.as_deref(), &n) else {
                continue;
            };
            if !matches!(self.table(&db, &t), Ok(Some((Kind::View, _)))) {
                continue;
            }
            let probe = format!("SELECT * FROM {}", table_ident(&db, &t));
            if self.conn().prepare(&probe).is_err() {
                return invalid_view(&db, &t);
            }
        }
        err
    }

    /// The view a write names, if it names one.
    fn view_target(&mut self, db: &str, name: &str) -> Result<Option<Arc<Table>>, SqlError> {
        if catalog::is_system(db) {
            return Ok(None);
        }
        Ok(match self.table(db, name)? {
            Some((Kind::View, t)) => Some(t),
            _ => None,
        })
    }

    /// A view as one relation's rows, or MySQL's error for writing through it with `verb`.
    fn merged(&mut self, view: &Table, verb: &str) -> Result<Merged, SqlError> {
        let q = parse_query(view.view_definition().unwrap_or(""))?;
        let Some(select) = single_table(&q) else {
            return Err(not_updatable(&view.name, verb));
        };
        let TableFactor::Table { name, alias, .. } = &select.from[0].relation else {
            return Err(not_updatable(&view.name, verb));
        };
        let (db, base) = resolve(Some(&view.schema), name)?;
        if catalog::is_system(&db) {
            return Err(not_updatable(&view.name, verb));
        }
        let Some((_, base_def)) = self.table(&db, &base)? else {
            return Err(invalid_view(&view.schema, &view.name));
        };
        let qualifier = alias
            .as_ref()
            .map_or_else(|| base.clone(), |a| a.name.value.clone());
        let mut columns = Vec::new();
        for item in &select.projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let label = base_column(e).unwrap_or_else(|| e.to_string());
                    columns.push((label, e.clone()));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    columns.push((alias.value.clone(), expr.clone()));
                }
                _ => {
                    for c in &base_def.columns {
                        columns.push((c.name.clone(), Expr::Identifier(Ident::new(&c.name))));
                    }
                }
            }
        }
        // The catalog's names are the view's (a column list renames them).
        if view.columns.len() == columns.len() {
            for ((name, _), c) in columns.iter_mut().zip(&view.columns) {
                name.clone_from(&c.name);
            }
        }
        Ok(Merged {
            db,
            name: base,
            qualifier,
            columns,
            selection: select.selection.clone(),
        })
    }

    /// Runs `f` with the CHECK OPTION conditions enforced on `db`.`table` (read as
    /// `qualifier`): a row written that breaks one fails the statement with 1369.
    fn with_checks(
        &mut self,
        checks: &Checks,
        db: &str,
        table: &str,
        qualifier: &str,
        f: impl FnOnce(&mut Self) -> Result<Outcome, SqlError>,
    ) -> Result<Outcome, SqlError> {
        let mut triggers = Vec::new();
        let mut made = Ok(());
        for (i, (cond, view)) in checks.conditions.iter().enumerate() {
            let mut c = cond.clone();
            on_new_row(&mut c, qualifier);
            let source = c.to_string();
            let sql = match self.expr_sql(c, &source) {
                Ok(sql) => sql,
                Err(e) => {
                    made = Err(e);
                    break;
                }
            };
            for event in ["INSERT", "UPDATE"] {
                let name = format!("rewind_check_option_{i}_{event}");
                let message = quote_str(&format!("1369: CHECK OPTION failed '{view}'"));
                made = self.exec(&format!(
                    "CREATE TEMP TRIGGER {name} AFTER {event} ON main.{} FOR EACH ROW \
                     WHEN NOT coalesce(({sql}), 0) BEGIN SELECT RAISE(ABORT, {message}); END",
                    table_ident(db, table)
                ));
                if made.is_err() {
                    break;
                }
                triggers.push(name);
            }
            if made.is_err() {
                break;
            }
        }
        let result = made.and_then(|()| f(self));
        for name in triggers {
            let _ = self.exec(&format!("DROP TRIGGER IF EXISTS temp.{name}"));
        }
        result
    }

    /// UPDATE through a view, run on its base table; None when the target is no view.
    pub(crate) fn update_view(
        &mut self,
        update: &Update,
        text: &str,
    ) -> Result<Option<Outcome>, SqlError> {
        let TableFactor::Table { name, alias, .. } = &update.table.relation else {
            return Ok(None);
        };
        let (mut db, mut t) = resolve(self.database.as_deref(), name)?;
        let Some(mut view) = self.view_target(&db, &t)? else {
            return Ok(None);
        };
        if !update.table.joins.is_empty() || update.from.is_some() {
            return Err(SqlError::not_supported("a multiple-table UPDATE of a view"));
        }
        let mut u = update.clone();
        let mut qualifiers = vec![alias.as_ref().map_or(t.clone(), |a| a.name.value.clone())];
        let mut checks = Checks::default();
        loop {
            let m = self.merged(&view, "UPDATE")?;
            for a in &mut u.assignments {
                let AssignmentTarget::ColumnName(n) = &mut a.target else {
                    return Err(not_updatable(&view.name, "UPDATE"));
                };
                let column = ident_name(n);
                let (_, e) = m
                    .columns
                    .iter()
                    .find(|(c, _)| c.eq_ignore_ascii_case(&column))
                    .ok_or_else(|| SqlError::unknown_column(&column, "field list"))?;
                let base = base_column(e).ok_or_else(|| {
                    SqlError::new(1348, "HY000", format!("Column '{column}' is not updatable"))
                })?;
                *n = ObjectName::from(vec![Ident::with_quote('`', base)]);
                substitute(&mut a.value, &m.columns, &qualifiers);
            }
            if let Some(w) = &mut u.selection {
                substitute(w, &m.columns, &qualifiers);
            }
            u.selection = and(u.selection.take(), m.selection.clone());
            for o in &mut u.order_by {
                substitute(&mut o.expr, &m.columns, &qualifiers);
            }
            checks.descend(&view, &m, &qualifiers);
            set_relation(&mut u.table.relation, &m);
            qualifiers = vec![m.qualifier.clone()];
            (db, t) = (m.db, m.name);
            match self.view_target(&db, &t)? {
                Some(next) => view = next,
                None => break,
            }
        }
        let qualifier = qualifiers.remove(0);
        self.with_checks(&checks, &db, &t, &qualifier, |s| s.update(u, text))
            .map(Some)
    }

    /// DELETE through a view, run on its base table; None when the target is no view.
    pub(crate) fn delete_view(
        &mut self,
        delete: &Delete,
        text: &str,
    ) -> Result<Option<Outcome>, SqlError> {
        let from = match &delete.from {
            FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
        };
        let [only] = from.as_slice() else {
            return Ok(None);
        };
        let TableFactor::Table { name, alias, .. } = &only.relation else {
            return Ok(None);
        };
        let (mut db, mut t) = resolve(self.database.as_deref(), name)?;
        let Some(mut view) = self.view_target(&db, &t)? else {
            return Ok(None);
        };
        if !delete.tables.is_empty() || delete.using.is_some() || !only.joins.is_empty() {
            return Err(SqlError::not_supported("a multiple-table DELETE of a view"));
        }
        let mut d = delete.clone();
        let mut qualifiers = vec![alias.as_ref().map_or(t.clone(), |a| a.name.value.clone())];
        loop {
            let m = self.merged(&view, "DELETE")?;
            if let Some(w) = &mut d.selection {
                substitute(w, &m.columns, &qualifiers);
            }
            d.selection = and(d.selection.take(), m.selection.clone());
            for o in &mut d.order_by {
                substitute(&mut o.expr, &m.columns, &qualifiers);
            }
            let (FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f)) = &mut d.from;
            set_relation(&mut f[0].relation, &m);
            qualifiers = vec![m.qualifier.clone()];
            (db, t) = (m.db, m.name);
            match self.view_target(&db, &t)? {
                Some(next) => view = next,
                None => break,
            }
        }
        self.delete(d, text).map(Some)
    }

    /// INSERT through a view, run on its base table; None when the target is no view.
    pub(crate) fn insert_view(
        &mut self,
        insert: &Insert,
        text: &str,
    ) -> Result<Option<Outcome>, SqlError> {
        let TableObject::TableName(name) = &insert.table else {
            return Ok(None);
        };
        let (mut db, mut t) = resolve(self.database.as_deref(), name)?;
        let Some(mut view) = self.view_target(&db, &t)? else {
            return Ok(None);
        };
        let outer = format!("{db}.{t}");
        let mut ins = insert.clone();
        let mut qualifiers = vec![t.clone()];
        let mut checks = Checks::default();
        loop {
            let m = self.merged(&view, "INSERT")?;
            if m.columns.iter().any(|(_, e)| base_column(e).is_none()) {
                return Err(not_updatable(&view.name, "INSERT"));
            }
            if ins.columns.is_empty() && ins.assignments.is_empty() && has_values(&ins) {
                // Every column of the view, in its order.
                ins.columns = m
                    .columns
                    .iter()
                    .map(|(c, _)| ObjectName::from(vec![Ident::with_quote('`', c)]))
                    .collect();
            }
            let base_of = |column: &str| -> Result<ObjectName, SqlError> {
                m.columns
                    .iter()
                    .find(|(c, _)| c.eq_ignore_ascii_case(column))
                    .and_then(|(_, e)| base_column(e))
                    .map(|b| ObjectName::from(vec![Ident::with_quote('`', b)]))
                    .ok_or_else(|| SqlError::unknown_column(column, "field list"))
            };
            for c in &mut ins.columns {
                *c = base_of(&ident_name(c))?;
            }
            let fix = |a: &mut sqlparser::ast::Assignment| -> Result<(), SqlError> {
                if let AssignmentTarget::ColumnName(n) = &mut a.target {
                    *n = base_of(&ident_name(n))?;
                }
                substitute(&mut a.value, &m.columns, &qualifiers);
                Ok(())
            };
            for a in &mut ins.assignments {
                fix(a)?;
            }
            if let Some(OnInsert::DuplicateKeyUpdate(more)) = &mut ins.on {
                for a in more {
                    fix(a)?;
                }
            }
            checks.descend(&view, &m, &qualifiers);
            ins.table = TableObject::TableName(qualified(&m.db, &m.name));
            qualifiers = vec![m.qualifier.clone()];
            (db, t) = (m.db, m.name);
            match self.view_target(&db, &t)? {
                Some(next) => view = next,
                None => break,
            }
        }
        // A column of the table the view leaves out must have a default.
        let base = self.base_table(&db, &t)?;
        let given: Vec<String> = if ins.assignments.is_empty() {
            ins.columns.iter().map(ident_name).collect()
        } else {
            ins.assignments
                .iter()
                .filter_map(|a| match &a.target {
                    AssignmentTarget::ColumnName(n) => Some(ident_name(n)),
                    AssignmentTarget::Tuple(_) => None,
                })
                .collect()
        };
        let missing = base.columns.iter().any(|c| {
            !c.nullable
                && c.default.is_none()
                && !c.auto_increment
                && c.generated.is_none()
                && !given.iter().any(|g| g.eq_ignore_ascii_case(&c.name))
        });
        if missing {
            return Err(SqlError::new(
                1423,
                "HY000",
                format!("Field of view '{outer}' underlying table doesn't have a default value"),
            ));
        }
        let qualifier = qualifiers.remove(0);
        self.with_checks(&checks, &db, &t, &qualifier, |s| s.insert(ins, text))
            .map(Some)
    }
}

/// True for INSERT ... VALUES / SELECT (not INSERT ... SET).
fn has_values(insert: &Insert) -> bool {
    insert.source.is_some()
}

/// Points a FROM item at the relation a view reads, under the name its expressions use.
fn set_relation(relation: &mut TableFactor, m: &Merged) {
    if let TableFactor::Table { name, alias, .. } = relation {
        *name = qualified(&m.db, &m.name);
        *alias = Some(TableAlias {
            explicit: true,
            name: Ident::with_quote('`', &m.qualifier),
            columns: Vec::new(),
            at: None,
        });
    }
}

/// The catalog columns of a view: its names with the types of the query's columns.
fn view_columns(
    db: &str,
    names: &[String],
    types: &[(String, String)],
    defaults: &crate::schema::SchemaDefaults,
) -> Vec<crate::schema::Column> {
    let defs: Vec<String> = names
        .iter()
        .zip(types)
        .map(|(n, (_, ty))| format!("{} {ty}", quote_mysql(n)))
        .collect();
    let text = format!("CREATE TABLE t ({})", defs.join(", "));
    // A type the query's values suggest but CREATE TABLE would refuse leaves the view
    // without column details, not without the view.
    match Parser::parse_sql(&MySqlDialect {}, &text) {
        Ok(mut s) => match s.pop() {
            Some(sqlparser::ast::Statement::CreateTable(ct)) => {
                Table::from_create(&ct, db, defaults)
                    .map(|(t, _)| t.columns)
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        },
        Err(_) => Vec::new(),
    }
}
