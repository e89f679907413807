//! Prepared statements compiled once: an execute of a SELECT whose translation cannot depend
//! on its parameters' values runs a SQLite statement translated once per template (its `?`
//! kept as SQLite parameters `?N`) with the values bound, so neither the MySQL text nor the
//! SQLite text is parsed again and SQLite reuses its compiled statement. Anything else is
//! interpolated and run as text, as before.
//!
//! A template is compiled only when both of these hold, so its translation is the same for
//! every value of the same class (an integer, or a string that starts with a letter):
//! - it is one plain SELECT whose placeholders are all compared with a column (`c = ?`,
//!   `c BETWEEN ? AND ?`, `c IN (?, ?)`), with no variables, subqueries, locking clause or
//!   function other than COUNT, SUM, AVG, MIN and MAX (the translation writes session values
//!   and a string's length or a number's size into some other forms);
//! - translated with two sets of sample values that differ in size and spelling, it comes out
//!   the same once the samples are replaced by `?N`, each sample found exactly once.
//!
//! Plans hold for one dictionary version (`ALTER TABLE`, `DROP TABLE` and a backtrack change
//! it), one current database and one set of session variables; any change drops them all.

use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::sync::Arc;

use rusqlite::types::Value;
use sqlparser::ast::{BinaryOperator, Expr, InTarget, SetExpr, Statement, Visit, Visitor};

use crate::outcome::Outcome;
use crate::session::Session;
use crate::split::{split, unsupported, words};

/// One parameter of an execute.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The value as a MySQL literal (`NULL`, `12`, `'it\'s'`, `X'FF'`), interpolated when the
    /// statement runs as text.
    pub literal: String,
    /// The value to bind, where it is an integer or a string; None runs the statement as text.
    pub value: Option<Value>,
}

/// The classes of values a compiled template takes: its translation is the same for every
/// value of a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Class {
    Integer,
    /// A string that starts with a letter and holds no NUL (so it reads as no number, date
    /// or hex escape).
    Word,
}

fn class_of(value: &Value) -> Option<Class> {
    match value {
        Value::Integer(_) => Some(Class::Integer),
        Value::Text(s)
            if s.chars().next().is_some_and(char::is_alphabetic) && !s.contains('\0') =>
        {
            Some(Class::Word)
        }
        _ => None,
    }
}

/// A template's SQLite statement.
#[derive(Debug, PartialEq)]
pub(crate) struct Plan {
    sql: String,
    hints: Vec<Option<&'static str>>,
}

/// What the plans were made under.
#[derive(Debug, PartialEq)]
struct MadeUnder {
    dictionary: (i64, i64),
    database: Option<String>,
    vars: BTreeMap<String, Value>,
}

/// Templates at most, before the cache starts over (a client that prepares without bound).
const MAX_PLANS: usize = 512;

/// For the classes of an execute's values, the plan, or None when it must run as text.
type ByClasses = Vec<(Vec<Class>, Option<Arc<Plan>>)>;

/// A session's compiled templates, by template text.
#[derive(Debug, Default)]
pub(crate) struct Plans {
    by_template: HashMap<String, ByClasses>,
    made_under: Option<MadeUnder>,
}

impl Session {
    /// Runs a prepared statement: `template` with `params` bound to its `?` placeholders (at
    /// byte offsets `placeholders`). Answers as [`Session::run`] does for the text with the
    /// literals interpolated.
    pub fn execute(
        &mut self,
        template: &str,
        placeholders: &[usize],
        params: &[Parameter],
    ) -> Vec<Outcome> {
        let Some(plan) = self.plan(template, placeholders, params) else {
            let literals: Vec<&str> = params.iter().map(|p| p.literal.as_str()).collect();
            return self.run(&interpolate(template, placeholders, &literals));
        };
        self.interrupted
            .store(false, std::sync::atomic::Ordering::Release);
        let values: Vec<Value> = params.iter().filter_map(|p| p.value.clone()).collect();
        vec![self.run_one(false, |s| {
            s.hints = plan.hints.clone();
            // `plan` read the dictionary's version; a SELECT does not change it.
            // (`run_one` clears it, however the statement ends.)
            s.dictionary_checked = true;
            s.run_select(&plan.sql, &[], &values, template, None)
        })]
    }

    /// The plan of `template` for these values, compiled at its first execute.
    fn plan(
        &mut self,
        template: &str,
        placeholders: &[usize],
        params: &[Parameter],
    ) -> Option<Arc<Plan>> {
        if params.is_empty() || params.len() != placeholders.len() {
            return None;
        }
        let classes: Vec<Class> = params
            .iter()
            .map(|p| p.value.as_ref().and_then(class_of))
            .collect::<Option<_>>()?;
        let made_under = MadeUnder {
            dictionary: self.dictionary_version().ok()?,
            database: self.database.clone(),
            vars: self.vars.clone(),
        };
        if self.plans.made_under.as_ref() != Some(&made_under)
            || self.plans.by_template.len() >= MAX_PLANS
        {
            self.plans.by_template.clear();
            self.plans.made_under = Some(made_under);
        }
        if let Some(known) = self.plans.by_template.get(template) {
            if let Some((_, plan)) = known.iter().find(|(c, _)| *c == classes) {
                return plan.clone();
            }
        }
        let plan = self.compile(template, placeholders, &classes).map(Arc::new);
        self.plans
            .by_template
            .entry(template.to_owned())
            .or_default()
            .push((classes, plan.clone()));
        plan
    }

    /// Translates `template` with two sets of sample values; the plan when both agree.
    fn compile(
        &mut self,
        template: &str,
        placeholders: &[usize],
        classes: &[Class],
    ) -> Option<Plan> {
        let w = words(template, 10);
        if w.first().map(String::as_str) != Some("SELECT") || unsupported(&w).is_some() {
            return None;
        }
        let Ok(Statement::Query(q)) = self.parse(template) else {
            return None;
        };
        if !value_independent(&q, placeholders.len()) {
            return None;
        }
        let first = self.translate_with(template, placeholders, classes, false)?;
        let second = self.translate_with(template, placeholders, classes, true)?;
        (first == second).then_some(first)
    }

    /// The template's translation with sample values, the samples replaced by `?N`.
    fn translate_with(
        &mut self,
        template: &str,
        placeholders: &[usize],
        classes: &[Class],
        second: bool,
    ) -> Option<Plan> {
        let samples: Vec<String> = classes
            .iter()
            .enumerate()
            .map(|(i, c)| sample(*c, i, second))
            .collect();
        let refs: Vec<&str> = samples.iter().map(String::as_str).collect();
        let text = interpolate(template, placeholders, &refs);
        // The text as `run` would hand it to the statement: one, unchanged.
        if split(&text).ok()? != [text.clone()] {
            return None;
        }
        let Ok(Statement::Query(q)) = self.parse(&text) else {
            return None;
        };
        let (sql, views, hints) = self.translate_query_typed(*q, &text).ok()?;
        if !views.is_empty() {
            return None;
        }
        Some(Plan {
            sql: with_parameters(&sql, &samples)?,
            hints,
        })
    }
}

/// `template` with the placeholder at each offset replaced by the literal of the same index.
pub(crate) fn interpolate(template: &str, placeholders: &[usize], literals: &[&str]) -> String {
    let extra: usize = literals.iter().map(|l| l.len()).sum();
    let mut out = String::with_capacity(template.len() + extra);
    let mut from = 0;
    for (&at, literal) in placeholders.iter().zip(literals) {
        let Some(before) = template.get(from..at) else {
            break;
        };
        out.push_str(before);
        out.push_str(literal);
        from = at + 1;
    }
    out.push_str(template.get(from..).unwrap_or_default());
    out
}

/// The `i`th sample value of a class, as SQL; the second set differs in size and spelling.
fn sample(class: Class, i: usize, second: bool) -> String {
    match (class, second) {
        (Class::Integer, false) => (7_391_000_000_000u64 + i as u64).to_string(),
        (Class::Integer, true) => (8_642_000 + i as u64).to_string(),
        (Class::Word, false) => format!("'rwq{i}x'"),
        (Class::Word, true) => format!("'rewind sample {i} of a prepared statement'"),
    }
}

/// `sql` with each sample replaced by `?N` (N from 1), or None unless each occurs exactly
/// once, as a whole token.
fn with_parameters(sql: &str, samples: &[String]) -> Option<String> {
    let mut at = Vec::with_capacity(samples.len());
    for (i, s) in samples.iter().enumerate() {
        let mut found = sql.match_indices(s.as_str()).filter(|(start, _)| {
            let before = sql[..*start].chars().next_back();
            let after = sql[start + s.len()..].chars().next();
            let joins =
                |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || "_.'$".contains(c));
            !joins(before) && !joins(after)
        });
        let (start, _) = found.next()?;
        if found.next().is_some() {
            return None;
        }
        at.push((start, s.len(), i + 1));
    }
    at.sort_unstable();
    let mut out = String::with_capacity(sql.len());
    let mut from = 0;
    for (start, len, n) in at {
        if start < from {
            return None;
        }
        out.push_str(&sql[from..start]);
        out.push_str(&format!("?{n}"));
        from = start + len;
    }
    out.push_str(&sql[from..]);
    Some(out)
}

/// True for a plain SELECT whose `n` placeholders are all compared with a column and that
/// reads nothing the translation writes in as a value (see the module's comment).
fn value_independent(q: &sqlparser::ast::Query, n: usize) -> bool {
    let SetExpr::Select(select) = q.body.as_ref() else {
        return false;
    };
    let calc_found_rows = select
        .select_modifiers
        .as_ref()
        .is_some_and(|m| m.sql_calc_found_rows);
    if q.with.is_some()
        || !q.locks.is_empty()
        || q.fetch.is_some()
        || q.for_clause.is_some()
        || select.into.is_some()
        || calc_found_rows
    {
        return false;
    }
    struct Check {
        compared: usize,
        refused: bool,
    }
    impl Visitor for Check {
        type Break = ();
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            match e {
                Expr::Identifier(i) if i.value.starts_with('@') => self.refused = true,
                Expr::CompoundIdentifier(p)
                    if p.first().is_some_and(|i| i.value.starts_with('@')) =>
                {
                    self.refused = true
                }
                Expr::Function(f) => {
                    let name = f.name.to_string().to_ascii_uppercase();
                    if !matches!(name.as_str(), "COUNT" | "SUM" | "AVG" | "MIN" | "MAX") {
                        self.refused = true;
                    }
                }
                Expr::Subquery(_)
                | Expr::Exists { .. }
                | Expr::In {
                    target: InTarget::Subquery(_) | InTarget::Unnest(_) | InTarget::Table { .. },
                    ..
                } => self.refused = true,
                Expr::BinaryOp { left, op, right } if is_comparison(op) => {
                    if is_column(left) && is_placeholder(right) {
                        self.compared += 1;
                    }
                    if is_placeholder(left) && is_column(right) {
                        self.compared += 1;
                    }
                }
                Expr::Between {
                    expr, low, high, ..
                } if is_column(expr) => {
                    self.compared +=
                        usize::from(is_placeholder(low)) + usize::from(is_placeholder(high));
                }
                Expr::In {
                    expr,
                    target: InTarget::List(list),
                    ..
                } if is_column(expr) => {
                    self.compared += list.iter().filter(|e| is_placeholder(e)).count();
                }
                _ => {}
            }
            if self.refused {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
    }
    let mut check = Check {
        compared: 0,
        refused: false,
    };
    let _ = q.visit(&mut check);
    !check.refused && check.compared == n
}

fn is_comparison(op: &BinaryOperator) -> bool {
    use BinaryOperator as B;
    matches!(op, B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq)
}

fn is_placeholder(e: &Expr) -> bool {
    matches!(e, Expr::Value(v) if matches!(v.value, sqlparser::ast::Value::Placeholder(_)))
}

fn is_column(e: &Expr) -> bool {
    match e {
        Expr::Identifier(i) => !i.value.starts_with('@'),
        Expr::CompoundIdentifier(p) => p.first().is_some_and(|i| !i.value.starts_with('@')),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        let space = pagevfs::PageSpace::new(
            Arc::new(pagevfs::MemStore::new()),
            pagevfs::SpaceConfig::default(),
        );
        let clock: crate::Clock = Arc::new(|| chrono::DateTime::UNIX_EPOCH);
        let config = crate::SessionConfig::new("admin@localhost", clock, Arc::new(|| 7));
        crate::open_session(&space, config).expect("session")
    }

    /// Whether `template` got a plan at its first execute with `params`.
    fn compiled(s: &mut Session, template: &str, params: &[Parameter]) -> bool {
        let at: Vec<usize> = template.match_indices('?').map(|(i, _)| i).collect();
        let out = s.execute(template, &at, params);
        assert!(
            !matches!(out[..], [Outcome::Error(_)]),
            "{template}: {out:?}"
        );
        s.plans
            .by_template
            .get(template)
            .is_some_and(|p| p.iter().any(|(_, plan)| plan.is_some()))
    }

    fn int(n: i64) -> Parameter {
        Parameter {
            literal: n.to_string(),
            value: Some(Value::Integer(n)),
        }
    }

    fn word(w: &str) -> Parameter {
        Parameter {
            literal: format!("'{w}'"),
            value: Some(Value::Text(w.to_owned())),
        }
    }

    #[test]
    fn sysbench_selects_compile_and_value_dependent_ones_do_not() {
        let mut s = session();
        for sql in [
            "CREATE DATABASE sb",
            "USE sb",
            "CREATE TABLE sbtest1 (id INT PRIMARY KEY, k INT NOT NULL, c CHAR(120), pad CHAR(60))",
            "INSERT INTO sbtest1 VALUES (1, 1, 'a', 'b')",
        ] {
            assert!(matches!(s.run(sql)[..], [Outcome::Ok(_)]), "{sql}");
        }
        let two = [int(1), int(5)];
        for (template, params) in [
            ("SELECT c FROM sbtest1 WHERE id=?", &two[..1]),
            ("SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ?", &two[..]),
            (
                "SELECT SUM(k) FROM sbtest1 WHERE id BETWEEN ? AND ?",
                &two[..],
            ),
            (
                "SELECT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c",
                &two[..],
            ),
            (
                "SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN ? AND ? ORDER BY c",
                &two[..],
            ),
            ("SELECT id FROM sbtest1 WHERE k IN (?, ?)", &two[..]),
        ] {
            assert!(compiled(&mut s, template, params), "{template}");
        }
        assert!(compiled(
            &mut s,
            "SELECT id FROM sbtest1 WHERE c = ?",
            &[word("a")]
        ));
        for (template, params) in [
            ("SELECT ? FROM sbtest1", &two[..1]),
            ("SELECT id FROM sbtest1 LIMIT ?", &two[..1]),
            ("SELECT id FROM sbtest1 WHERE id = ? + 1", &two[..1]),
            ("SELECT id FROM sbtest1 WHERE id = ABS(?)", &two[..1]),
            ("SELECT id FROM sbtest1 WHERE id = ? FOR UPDATE", &two[..1]),
            ("SELECT id FROM sbtest1 WHERE id = @v AND k = ?", &two[..1]),
            ("SELECT id FROM sbtest1 WHERE id = ?; SELECT 1", &two[..1]),
        ] {
            assert!(!compiled(&mut s, template, params), "{template}");
        }
        // A number-like string or a NULL runs as text, the template stays compiled for words.
        let by_c = "SELECT id FROM sbtest1 WHERE c = ?";
        assert!(compiled(&mut s, by_c, &[word("12")]));
        assert_eq!(s.plans.by_template[by_c].len(), 1);
        // A schema change drops every plan.
        assert!(matches!(
            s.run("ALTER TABLE sbtest1 ADD COLUMN e INT")[..],
            [Outcome::Ok(_)]
        ));
        assert!(!compiled(&mut s, "SELECT ? FROM sbtest1", &two[..1]));
        assert!(!s.plans.by_template.contains_key(by_c));
    }

    #[test]
    fn samples_become_numbered_parameters_once_each() {
        let samples = vec![
            sample(Class::Integer, 0, false),
            sample(Class::Word, 1, false),
        ];
        let sql = format!(
            "SELECT a FROM t WHERE id = {} AND c = {}",
            samples[0], samples[1]
        );
        assert_eq!(
            with_parameters(&sql, &samples).as_deref(),
            Some("SELECT a FROM t WHERE id = ?1 AND c = ?2")
        );
        let twice = format!("SELECT {0} WHERE id = {0}", samples[0]);
        assert_eq!(with_parameters(&twice, &samples[..1]), None);
        let inside = format!("SELECT 1{}", samples[0]);
        assert_eq!(
            with_parameters(&inside, &samples[..1]),
            None,
            "part of a number"
        );
    }

    #[test]
    fn classes() {
        assert_eq!(class_of(&Value::Integer(-3)), Some(Class::Integer));
        assert_eq!(class_of(&Value::Text("abc".into())), Some(Class::Word));
        assert_eq!(class_of(&Value::Text("12abc".into())), None);
        assert_eq!(class_of(&Value::Text(" abc".into())), None);
        assert_eq!(class_of(&Value::Text(String::new())), None);
        assert_eq!(class_of(&Value::Text("a\0".into())), None);
        assert_eq!(class_of(&Value::Real(1.5)), None);
        assert_eq!(class_of(&Value::Null), None);
    }
}
