//! The MySQL-to-engine rewrite: turns a statement parsed in MySQL's dialect into one gluesql
//! runs with MySQL's meaning.
//!
//! - `db.table` becomes the single name `db.table` (aliased `table`), which the storage
//!   resolves; `information_schema` names are case-insensitive. In an UPDATE or DELETE,
//!   `table.col` (or `alias.col`) names that engine name.
//! - Session values are folded into literals: `@@version`, `@@session.autocommit`, `@x`,
//!   `DATABASE()`, `USER()`, `LAST_INSERT_ID()`, `CONNECTION_ID()`, `VERSION()`.
//! - MySQL has no boolean type: `TRUE`/`FALSE` become 1/0, and a non-boolean expression used
//!   as a condition (`WHERE active`) becomes `(active) <> 0`.
//! - `"text"` is a string, as in MySQL without ANSI_QUOTES.
//! - Column names are matched case-insensitively against the tables the statement reads.
//! - Unnamed select items keep MySQL's labels (`COUNT(*)`, `@@version`, `DATABASE()`).
//! - A few MySQL functions become gluesql's: `IF` -> `CASE`, `CURDATE` -> `CURRENT_DATE`...
//! - Time functions of constants are folded: `CONVERT_TZ` (offsets, `UTC`, `SYSTEM`; other
//!   zones give NULL), `UNIX_TIMESTAMP`; `UUID()` draws from the session's random source.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType as SqlType, ExactNumberInfo, Expr, Function, FunctionArg,
    FunctionArgExpr, FunctionArguments, Ident, ObjectName, Query, Select, SelectItem, SetExpr,
    Statement, TableAlias, TableFactor, TimezoneInfo, UnaryOperator, Value as SqlValue, VisitMut,
    VisitorMut,
};

use crate::error::SqlError;
use crate::outcome::ColumnType;

/// A session value folded into a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Var {
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// NULL.
    Null,
}

impl Var {
    /// As a SQL literal.
    pub(crate) fn to_expr(&self) -> Expr {
        match self {
            Var::Int(n) => number(*n),
            Var::Str(s) => string(s),
            Var::Null => Expr::Value(SqlValue::Null),
        }
    }

    /// As MySQL shows it in SHOW VARIABLES.
    pub(crate) fn show(&self) -> String {
        match self {
            Var::Int(n) => n.to_string(),
            Var::Str(s) => s.clone(),
            Var::Null => String::new(),
        }
    }
}

/// A number literal.
pub(crate) fn number(n: impl std::fmt::Display) -> Expr {
    Expr::Value(SqlValue::Number(
        n.to_string().parse().expect("a number parses"),
        false,
    ))
}

/// A string literal.
pub(crate) fn string(s: &str) -> Expr {
    Expr::Value(SqlValue::SingleQuotedString(s.to_owned()))
}

/// What the rewrite needs to know of the session.
pub(crate) trait Env {
    /// A system variable (`name` lower-case, without `@@` or scope), if known.
    fn system_var(&self, name: &str) -> Option<Var>;
    /// A user variable (`name` without `@`).
    fn user_var(&self, name: &str) -> Var;
    /// The current database.
    fn database(&self) -> Option<&str>;
    /// `user@host`.
    fn user(&self) -> &str;
    /// The value of `LAST_INSERT_ID()`.
    fn last_insert_id(&self) -> u64;
    /// The connection id.
    fn connection_id(&self) -> u32;
    /// The statement's current time (UTC): NOW() and friends.
    fn now(&self) -> chrono::NaiveDateTime;
    /// 64 random bits from the session's injected source (UUID()), never the OS's.
    fn random(&self) -> u64;
}

/// Column names the statement can see, for case-insensitive matching and for reading
/// quoted numbers compared with numeric columns as numbers (as MySQL does).
#[derive(Debug, Default)]
pub(crate) struct Columns {
    exact: HashSet<String>,
    folded: HashMap<String, Option<String>>,
    /// Columns numeric in every table that has them (`false`: numeric somewhere, not
    /// everywhere).
    numeric: HashMap<String, bool>,
    /// Columns DECIMAL in every table that has them.
    decimal: HashMap<String, bool>,
    /// Columns of an integer type in every table that has them.
    integer: HashMap<String, bool>,
}

/// Records that column `name` is (or is not) of some kind; it counts as such only if it is in
/// every table.
fn record(kinds: &mut HashMap<String, bool>, name: &str, is: bool) {
    kinds
        .entry(name.to_owned())
        .and_modify(|k| *k &= is)
        .or_insert(is);
}

/// The column an expression names, if it is a plain column reference.
fn column_name(e: &Expr) -> Option<&str> {
    match e {
        Expr::Identifier(i) => Some(&i.value),
        Expr::CompoundIdentifier(p) => p.last().map(|i| i.value.as_str()),
        _ => None,
    }
}

impl Columns {
    /// Adds a visible name.
    pub fn add(&mut self, name: &str) {
        if self.exact.insert(name.to_owned()) {
            let folded = name.to_lowercase();
            match self.folded.get(&folded) {
                Some(Some(other)) if other != name => {
                    // Two spellings: ambiguous, leave such names alone.
                    self.folded.insert(folded, None);
                }
                Some(_) => {}
                None => {
                    self.folded.insert(folded, Some(name.to_owned()));
                }
            }
        }
    }

    /// Records the type of column `name`: numeric columns take quoted numbers, and DECIMAL
    /// ones need number literals cast before an equality test (the engine never finds a
    /// DECIMAL equal to a bare number, while `<` and `>` work).
    pub fn set_type(&mut self, name: &str, ty: ColumnType) {
        record(&mut self.numeric, name, ty.is_numeric());
        record(&mut self.decimal, name, ty == ColumnType::NewDecimal);
        let integer = matches!(
            ty,
            ColumnType::Tiny | ColumnType::Short | ColumnType::Long | ColumnType::LongLong
        );
        record(&mut self.integer, name, integer);
    }

    fn is_integer(&self, e: &Expr) -> bool {
        column_name(e).is_some_and(|n| self.integer.get(n).copied().unwrap_or(false))
    }

    fn is_numeric(&self, e: &Expr) -> bool {
        column_name(e).is_some_and(|n| self.numeric.get(n).copied().unwrap_or(false))
    }

    fn is_decimal(&self, e: &Expr) -> bool {
        column_name(e).is_some_and(|n| self.decimal.get(n).copied().unwrap_or(false))
    }

    /// The declared spelling of `name`, if it differs only by case.
    fn canonical(&self, name: &str) -> Option<&str> {
        if self.exact.contains(name) {
            return None;
        }
        self.folded.get(&name.to_lowercase())?.as_deref()
    }
}

/// The tables a statement reads or writes, as written (`t` or `db.t`).
pub(crate) fn relations(stmt: &Statement) -> Vec<ObjectName> {
    let mut names = Vec::new();
    let _ = sqlparser::ast::visit_relations(stmt, |r| {
        names.push(r.clone());
        ControlFlow::<()>::Continue(())
    });
    names
}

/// Rewrites `stmt` in place; see the module docs.
pub(crate) fn rewrite(
    stmt: &mut Statement,
    env: &dyn Env,
    columns: &Columns,
) -> Result<(), SqlError> {
    let mut v = Rewriter { env, columns };
    match stmt.visit(&mut v) {
        ControlFlow::Break(e) => return Err(e),
        ControlFlow::Continue(()) => {}
    }
    match stmt {
        Statement::Update { selection, .. } => {
            if let Some(e) = selection.take() {
                *selection = Some(predicate(e));
            }
        }
        Statement::Delete(d) => {
            if let Some(e) = d.selection.take() {
                d.selection = Some(predicate(e));
            }
        }
        _ => {}
    }
    name_target_columns(stmt);
    Ok(())
}

/// The engine knows an UPDATE's or DELETE's rows only by the table's engine name (`d.t`
/// after [`qualify`]), not by `t` or an alias: `t.col` and `alias.col` are renamed to it.
fn name_target_columns(stmt: &mut Statement) {
    let factor = match &*stmt {
        Statement::Update { table, .. } => Some(&table.relation),
        Statement::Delete(d) => match &d.from {
            sqlparser::ast::FromTable::WithFromKeyword(f)
            | sqlparser::ast::FromTable::WithoutKeyword(f) => f.first().map(|t| &t.relation),
        },
        _ => None,
    };
    let Some(TableFactor::Table { name, alias, .. }) = factor else {
        return;
    };
    let [engine] = name.0.as_slice() else {
        return;
    };
    let engine = engine.value.clone();
    let mut names = vec![engine.rsplit('.').next().unwrap_or(&engine).to_owned()];
    names.extend(alias.as_ref().map(|a| a.name.value.clone()));
    names.retain(|n| *n != engine);
    if names.is_empty() {
        return;
    }
    let _ = sqlparser::ast::visit_expressions_mut(stmt, |e| {
        if let Expr::CompoundIdentifier(parts) = e {
            if parts.len() == 2 && names.contains(&parts[0].value) {
                parts[0] = Ident::with_quote('`', engine.clone());
            }
        }
        ControlFlow::<()>::Continue(())
    });
}

/// Rewrites one expression (a SET value, a DEFAULT) with the session's values.
pub(crate) fn rewrite_expr(expr: &mut Expr, env: &dyn Env) -> Result<(), SqlError> {
    let columns = Columns::default();
    let mut v = Rewriter {
        env,
        columns: &columns,
    };
    match expr.visit(&mut v) {
        ControlFlow::Break(e) => Err(e),
        ControlFlow::Continue(()) => Ok(()),
    }
}

struct Rewriter<'a> {
    env: &'a dyn Env,
    columns: &'a Columns,
}

/// The name a `@@[scope.]name` reference asks for, lower-case.
fn system_var_name(parts: &[Ident]) -> Option<String> {
    let first = parts.first()?;
    let head = first.value.strip_prefix("@@")?;
    let name = match (head.to_ascii_lowercase().as_str(), parts.len()) {
        (_, 1) => head.to_owned(),
        ("session" | "global" | "local", 2) => parts[1].value.clone(),
        _ => return None,
    };
    Some(name.to_ascii_lowercase())
}

fn function_name(f: &Function) -> String {
    f.name
        .0
        .last()
        .map(|i| i.value.to_ascii_uppercase())
        .unwrap_or_default()
}

fn no_args(f: &Function) -> bool {
    match &f.args {
        FunctionArguments::None => true,
        FunctionArguments::List(l) => l.args.is_empty(),
        FunctionArguments::Subquery(_) => false,
    }
}

fn plain_args(f: &Function) -> Option<Vec<Expr>> {
    match &f.args {
        FunctionArguments::List(l) => l
            .args
            .iter()
            .map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// A call of the engine function `name`.
fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function(Function {
        name: ObjectName(vec![Ident::new(name)]),
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(sqlparser::ast::FunctionArgumentList {
            duplicate_treatment: None,
            args: args
                .into_iter()
                .map(|a| FunctionArg::Unnamed(FunctionArgExpr::Expr(a)))
                .collect(),
            clauses: Vec::new(),
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: Vec::new(),
    })
}

/// The engine type a MySQL CAST target means.
fn cast_type(t: &SqlType) -> Result<SqlType, SqlError> {
    if let SqlType::Custom(name, _) = t {
        match name.to_string().to_ascii_uppercase().as_str() {
            "SIGNED" | "SIGNED INTEGER" => return Ok(SqlType::Int(None)),
            "UNSIGNED" | "UNSIGNED INTEGER" => return Ok(SqlType::UInt64),
            _ => {}
        }
    }
    Ok(match t {
        SqlType::Char(_) | SqlType::Varchar(_) | SqlType::Nvarchar(_) => SqlType::Text,
        SqlType::UnsignedInteger(_) | SqlType::UnsignedInt(_) => SqlType::UInt64,
        SqlType::Integer(_) | SqlType::Int(_) => SqlType::Int(None),
        other => crate::catalog::map_type(other)?.engine,
    })
}

fn typed(data_type: SqlType, value: String) -> Expr {
    Expr::TypedString { data_type, value }
}

impl Rewriter<'_> {
    fn system_var(&self, name: &str) -> Result<Expr, SqlError> {
        self.env
            .system_var(name)
            .map(|v| v.to_expr())
            .ok_or_else(|| SqlError::unknown_variable(name))
    }

    fn function(&self, f: &Function) -> Result<Option<Expr>, SqlError> {
        let name = function_name(f);
        let zero = no_args(f);
        Ok(Some(match name.as_str() {
            "DATABASE" | "SCHEMA" if zero => match self.env.database() {
                Some(db) => string(db),
                None => Expr::Value(SqlValue::Null),
            },
            "USER" | "CURRENT_USER" | "SESSION_USER" | "SYSTEM_USER" if zero => {
                string(self.env.user())
            }
            "VERSION" if zero => self.system_var("version")?,
            "LAST_INSERT_ID" if zero => number(self.env.last_insert_id()),
            "LAST_INSERT_ID" => return Err(SqlError::not_supported("LAST_INSERT_ID(expr)")),
            "CONNECTION_ID" if zero => number(self.env.connection_id()),
            "NOW" | "CURRENT_TIMESTAMP" | "SYSDATE" | "UTC_TIMESTAMP" | "LOCALTIME"
            | "LOCALTIMESTAMP"
                if zero =>
            {
                typed(
                    SqlType::Timestamp(None, TimezoneInfo::None),
                    self.env.now().format("%Y-%m-%d %H:%M:%S").to_string(),
                )
            }
            "CURDATE" | "CURRENT_DATE" | "UTC_DATE" if zero => {
                typed(SqlType::Date, self.env.now().format("%Y-%m-%d").to_string())
            }
            "CURTIME" | "CURRENT_TIME" | "UTC_TIME" if zero => typed(
                SqlType::Time(None, TimezoneInfo::None),
                self.env.now().format("%H:%M:%S").to_string(),
            ),
            "CONVERT_TZ" => convert_tz(f)?,
            "UNIX_TIMESTAMP" if zero => number(self.env.now().and_utc().timestamp()),
            "UNIX_TIMESTAMP" => unix_timestamp(f)?,
            "UUID" if zero => string(&uuid_v1(self.env.now(), self.env.random())),
            "IF" => {
                let args = plain_args(f).filter(|a| a.len() == 3).ok_or_else(|| {
                    SqlError::new(
                        1582,
                        "42000",
                        "Incorrect parameter count in the call to native function 'IF'",
                    )
                })?;
                let mut args = args.into_iter();
                let (c, a, b) = (
                    args.next().expect("3 args"),
                    args.next().expect("3 args"),
                    args.next().expect("3 args"),
                );
                Expr::Case {
                    operand: None,
                    conditions: vec![predicate(c)],
                    results: vec![a],
                    else_result: Some(Box::new(b)),
                }
            }
            _ => return Ok(None),
        }))
    }

    fn label_items(&self, select: &mut Select) {
        for item in &mut select.projection {
            let SelectItem::UnnamedExpr(e) = item else {
                continue;
            };
            let label = match &*e {
                Expr::Identifier(i) if i.quote_style == Some('"') => i.value.clone(),
                Expr::Identifier(i) if i.value.starts_with('@') => i.value.clone(),
                Expr::Identifier(_) => continue,
                Expr::CompoundIdentifier(parts)
                    if !parts.first().is_some_and(|p| p.value.starts_with('@')) =>
                {
                    continue
                }
                other => other.to_string(),
            };
            *item = SelectItem::ExprWithAlias {
                expr: e.clone(),
                alias: Ident::with_quote('`', label),
            };
        }
    }
}

impl VisitorMut for Rewriter<'_> {
    type Break = SqlError;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<SqlError> {
        // No row locks here: conflicting writes are refused at commit instead.
        query.locks.clear();
        if let SetExpr::Select(select) = query.body.as_mut() {
            self.label_items(select);
            // `FROM DUAL` is no table at all.
            if select.from.len() == 1
                && select.from[0].joins.is_empty()
                && matches!(&select.from[0].relation, TableFactor::Table { name, .. }
                    if name.0.len() == 1 && name.0[0].value.eq_ignore_ascii_case("dual"))
            {
                select.from.clear();
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, query: &mut Query) -> ControlFlow<SqlError> {
        if let SetExpr::Select(select) = query.body.as_mut() {
            if let Some(e) = select.selection.take() {
                select.selection = Some(predicate(e));
            }
            if let Some(e) = select.having.take() {
                select.having = Some(predicate(e));
            }
            for t in &mut select.from {
                for j in &mut t.joins {
                    use sqlparser::ast::{JoinConstraint, JoinOperator as J};
                    let c = match &mut j.join_operator {
                        J::Inner(c) | J::LeftOuter(c) | J::RightOuter(c) | J::FullOuter(c) => c,
                        _ => continue,
                    };
                    if let JoinConstraint::On(e) = c {
                        let taken = std::mem::replace(e, Expr::Value(SqlValue::Null));
                        *e = predicate(taken);
                    }
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<SqlError> {
        if let TableFactor::Table { name, alias, .. } = factor {
            if name.0.len() == 2 && alias.is_none() {
                *alias = Some(TableAlias {
                    name: name.0[1].clone(),
                    columns: Vec::new(),
                });
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, name: &mut ObjectName) -> ControlFlow<SqlError> {
        match qualify(name) {
            Ok(n) => {
                *name = n;
                ControlFlow::Continue(())
            }
            Err(e) => ControlFlow::Break(e),
        }
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<SqlError> {
        let replacement = match expr {
            Expr::Identifier(ident) => {
                if let Some(name) = system_var_name(std::slice::from_ref(ident)) {
                    Some(self.system_var(&name))
                } else if let Some(user) = ident.value.strip_prefix('@') {
                    Some(Ok(self.env.user_var(&user.to_ascii_lowercase()).to_expr()))
                } else if ident.quote_style == Some('"') {
                    Some(Ok(string(&ident.value)))
                } else {
                    if let Some(c) = self.columns.canonical(&ident.value) {
                        ident.value = c.to_owned();
                    }
                    None
                }
            }
            Expr::CompoundIdentifier(parts) => {
                if let Some(name) = system_var_name(parts) {
                    Some(self.system_var(&name))
                } else {
                    if parts.len() == 3 {
                        parts.remove(0);
                    }
                    if let Some(last) = parts.last_mut() {
                        if let Some(c) = self.columns.canonical(&last.value) {
                            last.value = c.to_owned();
                        }
                    }
                    None
                }
            }
            Expr::Value(SqlValue::Boolean(b)) => Some(Ok(number(u8::from(*b)))),
            Expr::Value(SqlValue::DoubleQuotedString(s)) => Some(Ok(string(s))),
            Expr::Function(f) => self.function(f).transpose(),
            Expr::BinaryOp {
                left,
                op: BinaryOperator::MyIntegerDivide,
                right,
            } => Some(Ok(call("DIV", vec![(**left).clone(), (**right).clone()]))),
            // A comparison with NULL is NULL (only `<=>` differs); said so before the engine
            // sees `primary_key = NULL` and fails looking the key up.
            Expr::BinaryOp { left, op, right }
                if is_comparison(op)
                    && *op != BinaryOperator::Spaceship
                    && (is_null(left) || is_null(right)) =>
            {
                Some(Ok(Expr::Value(SqlValue::Null)))
            }
            // The engine does integer arithmetic whenever the left side is an integer column
            // (`n * 1.5` gave `n`, `n / 2` truncated) and float arithmetic on DECIMAL and
            // fractional literals (`price * 1.1` gave 11.000000000000000888); MySQL computes
            // both exactly, as DECIMAL does here.
            Expr::BinaryOp { left, op, right }
                if is_arithmetic(op)
                    && (self.columns.is_integer(left)
                        || self.columns.is_decimal(left)
                        || self.columns.is_integer(right)
                        || self.columns.is_decimal(right))
                    && (*op == BinaryOperator::Divide
                        || is_fraction(left)
                        || is_fraction(right)) =>
            {
                for side in [left, right] {
                    if self.columns.is_integer(side) || is_number(side) {
                        **side = as_decimal((**side).clone());
                    }
                }
                None
            }
            Expr::BinaryOp { left, op, right } if is_comparison(op) => {
                if self.columns.is_numeric(left) {
                    unquote_number(right);
                    if self.columns.is_decimal(left) {
                        cast_to_decimal(right);
                    }
                } else if self.columns.is_numeric(right) {
                    unquote_number(left);
                    if self.columns.is_decimal(right) {
                        cast_to_decimal(left);
                    }
                }
                None
            }
            Expr::InList { expr, list, .. } if self.columns.is_numeric(expr) => {
                list.iter_mut().for_each(unquote_number);
                if self.columns.is_decimal(expr) {
                    list.iter_mut().for_each(cast_to_decimal);
                }
                None
            }
            Expr::Between {
                expr, low, high, ..
            } if self.columns.is_numeric(expr) => {
                unquote_number(low);
                unquote_number(high);
                None
            }
            Expr::IntroducedString { value, .. } => Some(Ok(Expr::Value(value.clone()))),
            Expr::Cast { data_type, .. } => match cast_type(data_type) {
                Ok(t) => {
                    *data_type = t;
                    None
                }
                Err(e) => Some(Err(e)),
            },
            _ => None,
        };
        match replacement {
            Some(Ok(e)) => {
                *expr = e;
                ControlFlow::Continue(())
            }
            Some(Err(e)) => ControlFlow::Break(e),
            None => ControlFlow::Continue(()),
        }
    }
}

/// MySQL's error for a native function called with the wrong number of arguments.
fn parameter_count(name: &str) -> SqlError {
    SqlError::new(
        1582,
        "42000",
        format!("Incorrect parameter count in the call to native function '{name}'"),
    )
}

/// A constant argument: `Some(None)` for NULL, `Some(Some(text))` for a string or typed
/// literal (NOW() is one by now), `None` for anything computed per row.
fn constant(e: &Expr) -> Option<Option<String>> {
    match e {
        Expr::Value(SqlValue::Null) => Some(None),
        Expr::Value(SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s)) => {
            Some(Some(s.clone()))
        }
        Expr::Value(SqlValue::Number(n, _)) => Some(Some(n.to_string())),
        Expr::TypedString { value, .. } => Some(Some(value.clone())),
        Expr::Nested(inner) => constant(inner),
        _ => None,
    }
}

/// A DATETIME or DATE literal, with the number of fractional digits it was written with.
fn parse_datetime(s: &str) -> Option<(chrono::NaiveDateTime, usize)> {
    let s = s.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some((d.and_hms_opt(0, 0, 0)?, 0));
    }
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok()?;
    let digits = s.rsplit_once('.').map_or(0, |(_, f)| f.len().min(6));
    Some((t, digits))
}

/// A time zone's offset from UTC in minutes: `UTC` and `SYSTEM` (the server runs in UTC)
/// and `+HH:MM`/`-HH:MM` within MySQL's range; `None` for anything else (a named zone this
/// server cannot resolve, as MySQL without time-zone tables).
fn zone_offset(zone: &str) -> Option<i64> {
    let z = zone.trim();
    if z.eq_ignore_ascii_case("UTC") || z.eq_ignore_ascii_case("SYSTEM") {
        return Some(0);
    }
    let (sign, rest) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    if h.to_string().len() > 2 || m.to_string().len() > 2 || m > 59 {
        return None;
    }
    let minutes = sign * (h * 60 + m);
    (-(13 * 60 + 59)..=14 * 60)
        .contains(&minutes)
        .then_some(minutes)
}

/// A computed DATETIME: typed, or as text when it has a fraction (which the engine's
/// untyped result columns would not show).
fn datetime_literal(t: chrono::NaiveDateTime, digits: usize) -> Expr {
    let text = t.format("%Y-%m-%d %H:%M:%S").to_string();
    if digits == 0 {
        return typed(SqlType::Timestamp(None, TimezoneInfo::None), text);
    }
    let frac = format!("{:06}", t.and_utc().timestamp_subsec_micros());
    string(&format!("{text}.{}", &frac[..digits]))
}

/// `CONVERT_TZ(dt, from, to)` with constant zones: the shifted time, or NULL where MySQL
/// gives NULL (a NULL argument, a zone it cannot resolve, a value that is no time).
fn convert_tz(f: &Function) -> Result<Expr, SqlError> {
    let null = Expr::Value(SqlValue::Null);
    let args = plain_args(f)
        .filter(|a| a.len() == 3)
        .ok_or_else(|| parameter_count("CONVERT_TZ"))?;
    let zone = |e: &Expr| match constant(e) {
        Some(z) => Ok(z.and_then(|z| zone_offset(&z))),
        None => Err(SqlError::not_supported(
            "CONVERT_TZ with a time zone computed per row",
        )),
    };
    let (Some(from), Some(to)) = (zone(&args[1])?, zone(&args[2])?) else {
        return Ok(null);
    };
    let shift = to - from;
    match constant(&args[0]) {
        Some(None) => Ok(null),
        Some(Some(text)) => Ok(match parse_datetime(&text) {
            Some((t, digits)) => datetime_literal(t + chrono::Duration::minutes(shift), digits),
            None => null,
        }),
        None if shift == 0 => Ok(args[0].clone()),
        None => Ok(Expr::BinaryOp {
            left: Box::new(args[0].clone()),
            op: BinaryOperator::Plus,
            right: Box::new(Expr::Interval(sqlparser::ast::Interval {
                value: Box::new(string(&shift.to_string())),
                leading_field: Some(sqlparser::ast::DateTimeField::Minute),
                leading_precision: None,
                last_field: None,
                fractional_seconds_precision: None,
            })),
        }),
    }
}

/// `UNIX_TIMESTAMP(dt)` of a constant time (the server runs in UTC): seconds since the
/// epoch, with the fraction it was written with; 0 before the epoch, NULL for NULL.
fn unix_timestamp(f: &Function) -> Result<Expr, SqlError> {
    let args = plain_args(f)
        .filter(|a| a.len() == 1)
        .ok_or_else(|| parameter_count("UNIX_TIMESTAMP"))?;
    match constant(&args[0]) {
        Some(None) => Ok(Expr::Value(SqlValue::Null)),
        Some(Some(text)) => {
            let Some((t, digits)) = parse_datetime(&text) else {
                return Ok(Expr::Value(SqlValue::Null));
            };
            let t = t.and_utc();
            if t.timestamp() < 0 {
                return Ok(number(0));
            }
            if digits == 0 {
                return Ok(number(t.timestamp()));
            }
            let frac = format!("{:06}", t.timestamp_subsec_micros());
            Ok(number(format!("{}.{}", t.timestamp(), &frac[..digits])))
        }
        None => Err(SqlError::not_supported("UNIX_TIMESTAMP of a column")),
    }
}

/// A time-based (version 1) UUID as MySQL's UUID() makes: the time from the session's
/// clock, clock sequence and node from its injected random bits.
fn uuid_v1(now: chrono::NaiveDateTime, random: u64) -> String {
    // 100-nanosecond intervals since 1582-10-15, the UUID epoch.
    let ticks =
        (now.and_utc().timestamp_nanos_opt().unwrap_or(0) / 100) as u64 + 0x01B2_1DD2_1381_4000;
    let clock_seq = (random & 0x3FFF) | 0x8000;
    // A random node has the multicast bit set (RFC 4122, 4.5).
    let node = ((random >> 16) & 0xFFFF_FFFF_FFFF) | 0x0100_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        ticks & 0xFFFF_FFFF,
        (ticks >> 32) & 0xFFFF,
        ((ticks >> 48) & 0x0FFF) | 0x1000,
        clock_seq,
        node
    )
}

/// `db.t` as the single engine name `db.t`; `information_schema` lower-cased.
pub(crate) fn qualify(name: &ObjectName) -> Result<ObjectName, SqlError> {
    match name.0.as_slice() {
        [_] => Ok(name.clone()),
        [db, t] => {
            let joined = if db.value.eq_ignore_ascii_case("information_schema") {
                format!("information_schema.{}", t.value.to_ascii_lowercase())
            } else {
                format!("{}.{}", db.value, t.value)
            };
            Ok(ObjectName(vec![Ident::with_quote('`', joined)]))
        }
        _ => Err(SqlError::not_supported(format!("the table name {name}"))),
    }
}

fn is_comparison(op: &BinaryOperator) -> bool {
    use BinaryOperator as B;
    matches!(
        op,
        B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq | B::Spaceship
    )
}

/// A quoted number (`'42'`) as the number, where it meets a numeric column.
pub(crate) fn unquote_number(e: &mut Expr) {
    if let Expr::Value(SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s)) = e {
        let t = s.trim();
        if !t.is_empty() && t.parse::<f64>().is_ok() && !t.contains(['e', 'E', 'x', 'X']) {
            *e = number(t);
        }
    }
}

fn is_null(e: &Expr) -> bool {
    matches!(e, Expr::Value(SqlValue::Null))
}

/// A number literal, signed or not.
fn is_number(e: &Expr) -> bool {
    match e {
        Expr::Value(SqlValue::Number(..)) => true,
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => matches!(**expr, Expr::Value(SqlValue::Number(..))),
        _ => false,
    }
}

/// A number literal with a fraction or an exponent.
fn is_fraction(e: &Expr) -> bool {
    let e = match e {
        Expr::UnaryOp { expr, .. } => expr,
        e => e,
    };
    matches!(e, Expr::Value(SqlValue::Number(n, _)) if n.as_bigint_and_exponent().1 > 0)
}

fn is_arithmetic(op: &BinaryOperator) -> bool {
    use BinaryOperator as B;
    matches!(op, B::Plus | B::Minus | B::Multiply | B::Divide | B::Modulo)
}

fn as_decimal(e: Expr) -> Expr {
    Expr::Cast {
        kind: CastKind::Cast,
        expr: Box::new(e),
        data_type: SqlType::Decimal(ExactNumberInfo::None),
        format: None,
    }
}

/// A number literal as a DECIMAL value, where it meets a DECIMAL column.
fn cast_to_decimal(e: &mut Expr) {
    if is_number(e) {
        *e = as_decimal(e.clone());
    }
}

/// True for expressions MySQL and gluesql both read as true/false.
fn is_condition(e: &Expr) -> bool {
    match e {
        Expr::BinaryOp { op, .. } => is_comparison(op),
        Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsTrue(_)
        | Expr::IsNotTrue(_)
        | Expr::IsFalse(_)
        | Expr::IsNotFalse(_)
        | Expr::IsDistinctFrom(..)
        | Expr::IsNotDistinctFrom(..)
        | Expr::InList { .. }
        | Expr::InSubquery { .. }
        | Expr::Between { .. }
        | Expr::Like { .. }
        | Expr::ILike { .. }
        | Expr::RLike { .. }
        | Expr::SimilarTo { .. }
        | Expr::Exists { .. } => true,
        _ => false,
    }
}

/// A condition as gluesql needs it: non-boolean operands compare against 0, as MySQL reads
/// them, and NULL operands of OR (or of AND under NOT) cannot swallow the result (gluesql
/// answers `TRUE OR NULL` with NULL, SQL with TRUE).
pub(crate) fn predicate(e: Expr) -> Expr {
    condition(e, true)
}

/// `e` as a condition whose NULL counts as false (`positive`) or as true (under NOT).
fn condition(e: Expr, positive: bool) -> Expr {
    // In a positive context only OR needs its NULL operands settled; under NOT, only AND.
    let settle = |e: Expr| call("IFNULL", vec![e, Expr::Value(SqlValue::Boolean(!positive))]);
    match e {
        Expr::BinaryOp {
            left,
            op: op @ (BinaryOperator::And | BinaryOperator::Or),
            right,
        } => {
            let (l, r) = (condition(*left, positive), condition(*right, positive));
            let needs = (op == BinaryOperator::Or) == positive;
            let (l, r) = if needs {
                (settle(l), settle(r))
            } else {
                (l, r)
            };
            Expr::BinaryOp {
                left: Box::new(l),
                op,
                right: Box::new(r),
            }
        }
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Xor,
            right,
        } => Expr::BinaryOp {
            left: Box::new(condition(*left, true)),
            op: BinaryOperator::Xor,
            right: Box::new(condition(*right, true)),
        },
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr,
        } => Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr: Box::new(condition(*expr, !positive)),
        },
        Expr::Nested(inner) => Expr::Nested(Box::new(condition(*inner, positive))),
        e if is_condition(&e) => e,
        e => Expr::BinaryOp {
            left: Box::new(Expr::Nested(Box::new(e))),
            op: BinaryOperator::NotEq,
            right: Box::new(number(0)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::parser::Parser;

    struct E;
    impl Env for E {
        fn system_var(&self, name: &str) -> Option<Var> {
            (name == "version").then(|| Var::Str("8.0.32".into()))
        }
        fn user_var(&self, _: &str) -> Var {
            Var::Null
        }
        fn database(&self) -> Option<&str> {
            Some("shop")
        }
        fn user(&self) -> &str {
            "admin@%"
        }
        fn last_insert_id(&self) -> u64 {
            7
        }
        fn connection_id(&self) -> u32 {
            3
        }
        fn now(&self) -> chrono::NaiveDateTime {
            chrono::NaiveDate::from_ymd_opt(2024, 5, 6)
                .unwrap()
                .and_hms_opt(7, 8, 9)
                .unwrap()
        }
        fn random(&self) -> u64 {
            0x0123_4567_89AB_CDEF
        }
    }

    fn rw(sql: &str) -> String {
        let mut s = Parser::parse_sql(&MySqlDialect {}, sql).unwrap().remove(0);
        let mut cols = Columns::default();
        cols.add("Name");
        rewrite(&mut s, &E, &cols).unwrap();
        s.to_string()
    }

    #[test]
    fn folds_session_values_and_keeps_labels() {
        assert_eq!(
            rw("SELECT @@version, DATABASE(), LAST_INSERT_ID()"),
            "SELECT '8.0.32' AS `@@version`, 'shop' AS `DATABASE()`, 7 AS `LAST_INSERT_ID()`"
        );
        assert_eq!(
            rw("SELECT NOW()"),
            "SELECT TIMESTAMP '2024-05-06 07:08:09' AS `NOW()`"
        );
    }

    #[test]
    fn mysql_conditions_and_names() {
        assert_eq!(
            rw("SELECT name FROM shop.items WHERE active AND flag = TRUE"),
            "SELECT Name FROM `shop.items` AS items WHERE (active) <> 0 AND flag = 1"
        );
        assert_eq!(
            rw("SELECT a FROM t WHERE b = \"x\""),
            "SELECT a FROM t WHERE b = 'x'"
        );
    }

    #[test]
    fn unknown_system_variable_is_an_error() {
        let mut s = Parser::parse_sql(&MySqlDialect {}, "SELECT @@nope")
            .unwrap()
            .remove(0);
        let e = rewrite(&mut s, &E, &Columns::default()).unwrap_err();
        assert_eq!(e.code, 1193);
    }
}
