//! MySQL query forms SQLite has no syntax or no check for, rewritten into forms it has:
//! scalar subqueries that must return at most one row (1242), `x > ALL (...)` / `ANY` /
//! `SOME`, parenthesised UNION branches with their own ORDER BY / LIMIT, STRAIGHT_JOIN and
//! RIGHT JOIN ... USING.

use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, Expr, GroupByExpr, Join, JoinConstraint, JoinOperator, LimitClause, Query,
    Select, SelectItem, SetExpr, Statement, TableFactor, TableWithJoins, Value, Visit, VisitMut,
    Visitor, VisitorMut,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

/// The SQLite function that fails a statement: `rewind_check(ok, 'code: message')` is 1 when
/// `ok` is true and raises MySQL error `code` otherwise.
pub(crate) const CHECK: &str = "rewind_check";

/// The CTE a checked scalar subquery's original query becomes.
const SCALAR: &str = "rewind_scalar";

/// A fixed query text of this module, parsed.
fn template(sql: &str) -> Option<Query> {
    match Parser::parse_sql(&MySqlDialect {}, sql).ok()?.pop()? {
        Statement::Query(q) => Some(*q),
        _ => None,
    }
}

/// Replaces each identifier `name` in `q` with `with`.
fn fill(q: &mut Query, name: &str, with: &Expr) {
    struct Fill<'a>(&'a str, &'a Expr);
    impl VisitorMut for Fill<'_> {
        type Break = ();
        fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
            if matches!(e, Expr::Identifier(i) if i.value == self.0) {
                *e = self.1.clone();
            }
            ControlFlow::Continue(())
        }
    }
    let _ = VisitMut::visit(q, &mut Fill(name, with));
}

/// Puts `inner` as the body of the template's first CTE.
fn with_cte(mut wrapper: Query, inner: Query) -> Option<Query> {
    let cte = wrapper.with.as_mut()?.cte_tables.first_mut()?;
    *cte.query = inner;
    Some(wrapper)
}

/// True for an aggregate call (not a window function) of MySQL or of SQLite (names after
/// the rewrite).
fn is_aggregate_call(e: &Expr) -> bool {
    let Expr::Function(f) = e else {
        return false;
    };
    if f.over.is_some() {
        return false;
    }
    let name = f.name.to_string().to_ascii_lowercase();
    let args = match &f.args {
        sqlparser::ast::FunctionArguments::List(l) => l.args.len(),
        _ => 0,
    };
    match name.as_str() {
        // min(a, b) / max(a, b) are SQLite's scalar LEAST / GREATEST.
        "min" | "max" => args == 1,
        "count" | "sum" | "avg" | "group_concat" | "json_group_array" | "json_group_object"
        | "json_arrayagg" | "json_objectagg" | "bit_and" | "bit_or" | "bit_xor" | "std"
        | "stddev" | "stddev_pop" | "stddev_samp" | "variance" | "var_pop" | "var_samp"
        | "any_value" | "total" | "string_agg" => true,
        _ => false,
    }
}

/// True when `node` calls an aggregate function of its own query level (not of a subquery
/// inside it).
pub(crate) fn has_aggregate<T: Visit>(node: &T) -> bool {
    struct Find {
        depth: usize,
    }
    impl Visitor for Find {
        type Break = ();
        fn pre_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.depth += 1;
            ControlFlow::Continue(())
        }
        fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.depth -= 1;
            ControlFlow::Continue(())
        }
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            if self.depth == 0 && is_aggregate_call(e) {
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        }
    }
    node.visit(&mut Find { depth: 0 }).is_break()
}

/// The SELECT whose items name a query's result columns (the leftmost of a UNION).
fn leftmost(body: &SetExpr) -> Option<&Select> {
    match body {
        SetExpr::Select(s) => Some(s),
        SetExpr::Query(q) => leftmost(&q.body),
        SetExpr::SetOperation { left, .. } => leftmost(left),
        _ => None,
    }
}

/// True when `q` returns one column (known from its items).
fn one_column(q: &Query) -> bool {
    leftmost(&q.body).is_some_and(|s| {
        matches!(
            s.projection.as_slice(),
            [SelectItem::UnnamedExpr(_) | SelectItem::ExprWithAlias { .. }]
        )
    })
}

/// True when `q` cannot return more than one row: LIMIT 0 or 1, no FROM, or aggregates
/// without GROUP BY.
fn at_most_one_row(q: &Query) -> bool {
    let limit = match &q.limit_clause {
        Some(LimitClause::LimitOffset {
            limit: Some(limit), ..
        }) => Some(limit),
        Some(LimitClause::OffsetCommaLimit { limit, .. }) => Some(limit),
        _ => None,
    };
    if matches!(limit, Some(Expr::Value(v)) if matches!(&v.value, Value::Number(n, _) if n == "0" || n == "1"))
    {
        return true;
    }
    let SetExpr::Select(s) = q.body.as_ref() else {
        return false;
    };
    let grouped = match &s.group_by {
        GroupByExpr::Expressions(e, _) => !e.is_empty(),
        GroupByExpr::All(_) => true,
    };
    s.from.is_empty() || (!grouped && s.projection.iter().any(has_aggregate))
}

/// A scalar subquery that fails with 1242 when its query returns more than one row (SQLite
/// takes the first). None when it cannot (or returns several columns: a row subquery).
pub(crate) fn checked_scalar(q: &Query) -> Option<Expr> {
    if !one_column(q) || at_most_one_row(q) {
        return None;
    }
    let wrapper = template(&format!(
        "WITH {SCALAR}(rewind_v) AS (SELECT 1) SELECT rewind_v FROM \
         (SELECT rewind_v, count(*) OVER () AS rewind_n FROM (SELECT rewind_v FROM {SCALAR} LIMIT 2)) \
         WHERE {CHECK}(rewind_n < 2, '1242: Subquery returns more than 1 row')"
    ))?;
    Some(Expr::Subquery(Box::new(with_cte(wrapper, q.clone())?)))
}

/// The query of a subquery operand, without the 1242 check [`checked_scalar`] put on it
/// (IN, ANY and ALL take many rows).
pub(crate) fn subquery_operand(e: &Expr) -> Option<Box<Query>> {
    let Expr::Subquery(q) = e else {
        return None;
    };
    let checked = q.with.as_ref().and_then(|w| match w.cte_tables.as_slice() {
        [cte] if cte.alias.name.value == SCALAR => Some(cte.query.clone()),
        _ => None,
    });
    Some(checked.unwrap_or_else(|| q.clone()))
}

/// `left op ANY (q)` (`all` false) or `left op ALL (q)`, as an aggregate over q's rows with
/// SQL's three-valued answer: ANY is true when one comparison is, false when all are false
/// (or there are no rows), else NULL; ALL the other way round. `compare` builds the
/// comparison of `left` with the row's value, given that value.
pub(crate) fn quantified(q: Query, all: bool, compare: impl FnOnce(Expr) -> Expr) -> Option<Expr> {
    let sql = if all {
        "WITH rewind_set(rewind_v) AS (SELECT 1) SELECT CASE WHEN min(rewind_c) = 0 THEN 0 \
         WHEN count(*) = count(rewind_c) THEN 1 END FROM (SELECT rewind_cmp AS rewind_c FROM rewind_set)"
    } else {
        "WITH rewind_set(rewind_v) AS (SELECT 1) SELECT CASE WHEN max(rewind_c) = 1 THEN 1 \
         WHEN count(*) = count(rewind_c) THEN 0 END FROM (SELECT rewind_cmp AS rewind_c FROM rewind_set)"
    };
    let mut wrapper = template(sql)?;
    let value = Expr::Identifier(sqlparser::ast::Ident::new("rewind_v"));
    fill(&mut wrapper, "rewind_cmp", &compare(value));
    let outer = with_cte(wrapper, q)?;
    Some(Expr::Nested(Box::new(Expr::Subquery(Box::new(outer)))))
}

/// True for the comparison operators ANY / ALL take.
pub(crate) fn is_comparison(op: &BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq
    )
}

/// A query's UNION branches written in parentheses as SQLite reads them: a plain SELECT
/// bare, one with its own ORDER BY / LIMIT as `SELECT * FROM (...)`.
pub(crate) fn unparenthesize_branches(body: &mut SetExpr) {
    let SetExpr::SetOperation { left, right, .. } = body else {
        return;
    };
    for side in [left, right] {
        if let SetExpr::Query(q) = side.as_mut() {
            let plain = q.with.is_none()
                && q.order_by.is_none()
                && q.limit_clause.is_none()
                && q.fetch.is_none()
                && matches!(*q.body, SetExpr::Select(_));
            if plain {
                let inner = (*q.body).clone();
                **side = inner;
            } else if let Some(mut wrapper) = template("SELECT * FROM (SELECT 1) AS rewind_branch")
            {
                if let SetExpr::Select(s) = wrapper.body.as_mut() {
                    if let Some(TableFactor::Derived { subquery, .. }) =
                        s.from.first_mut().map(|t| &mut t.relation)
                    {
                        *subquery = q.clone();
                    }
                }
                **side = *wrapper.body;
            }
        }
        unparenthesize_branches(side);
    }
}

/// A FROM list's joins as SQLite runs them: STRAIGHT_JOIN is a CROSS JOIN (SQLite keeps the
/// order of a CROSS JOIN's tables), and `l RIGHT JOIN r USING (...)` is
/// `r LEFT JOIN l USING (...)`, whose `*` lists the USING columns, then r's, then l's, as
/// MySQL does.
pub(crate) fn rewrite_joins(from: &mut [TableWithJoins]) {
    for t in from {
        for j in &mut t.joins {
            if let JoinOperator::StraightJoin(c) = &j.join_operator {
                j.join_operator = JoinOperator::CrossJoin(c.clone());
            }
        }
        while let Some(at) = t.joins.iter().position(|j| {
            matches!(&j.join_operator,
                JoinOperator::Right(c) | JoinOperator::RightOuter(c)
                    if matches!(c, JoinConstraint::Using(_) | JoinConstraint::Natural))
        }) {
            let rest = t.joins.split_off(at + 1);
            let Some(right) = t.joins.pop() else {
                break;
            };
            let (JoinOperator::Right(c) | JoinOperator::RightOuter(c)) = right.join_operator else {
                break;
            };
            let before = std::mem::take(&mut t.joins);
            let left_relation = std::mem::replace(&mut t.relation, right.relation);
            let left = if before.is_empty() {
                left_relation
            } else {
                TableFactor::NestedJoin {
                    table_with_joins: Box::new(TableWithJoins {
                        relation: left_relation,
                        joins: before,
                    }),
                    alias: None,
                }
            };
            t.joins.push(Join {
                relation: left,
                global: false,
                join_operator: JoinOperator::Left(c),
            });
            t.joins.extend(rest);
        }
    }
}

/// The values of `array` (an aggregate's JSON array) but its nulls, joined by `separator`.
pub(crate) fn joined(array: Expr, separator: Expr) -> Option<Expr> {
    let mut q = template(
        "SELECT group_concat(value, rewind_sep) FROM json_each(rewind_array) \
         WHERE \"type\" <> 'null'",
    )?;
    fill(&mut q, "rewind_sep", &separator);
    fill(&mut q, "rewind_array", &array);
    Some(Expr::Subquery(Box::new(q)))
}

/// True when `a` and `b` are the same expression; columns match by name (and by table
/// where both name one).
fn same_expr(a: &Expr, b: &Expr) -> bool {
    fn parts(e: &Expr) -> Option<Vec<String>> {
        match e {
            Expr::Identifier(i) => Some(vec![i.value.to_ascii_lowercase()]),
            Expr::CompoundIdentifier(p) => {
                Some(p.iter().map(|i| i.value.to_ascii_lowercase()).collect())
            }
            _ => None,
        }
    }
    match (parts(a), parts(b)) {
        (Some(x), Some(y)) => x.iter().rev().zip(y.iter().rev()).all(|(p, q)| p == q),
        _ => a == b,
    }
}

/// The expressions a GROUP BY list names: a position or a select item's alias stands for
/// that item's expression.
pub(crate) fn group_expressions(select: &Select, list: &[Expr]) -> Vec<Expr> {
    let item = |e: &Expr| -> Option<Expr> {
        match e {
            Expr::Value(v) => match &v.value {
                Value::Number(n, _) => {
                    let at = n.parse::<usize>().ok()?.checked_sub(1)?;
                    match select.projection.get(at)? {
                        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                            Some(e.clone())
                        }
                        _ => None,
                    }
                }
                _ => None,
            },
            Expr::Identifier(name) => select.projection.iter().find_map(|i| match i {
                SelectItem::ExprWithAlias { expr, alias }
                    if alias.value.eq_ignore_ascii_case(&name.value) =>
                {
                    Some(expr.clone())
                }
                _ => None,
            }),
            _ => None,
        }
    };
    list.iter()
        .map(|e| item(e).unwrap_or_else(|| e.clone()))
        .collect()
}

/// One grouping level of a ROLLUP: the rolled-up expressions read NULL and `GROUPING()`
/// of them 1, outside aggregates and subqueries.
fn roll_up(select: &mut Select, groups: &[Expr], rolled: &[Expr]) {
    struct Roll<'a> {
        groups: &'a [Expr],
        rolled: &'a [Expr],
        depth: usize,
    }
    impl VisitorMut for Roll<'_> {
        type Break = ();
        fn pre_visit_query(&mut self, _: &mut Query) -> ControlFlow<()> {
            self.depth += 1;
            ControlFlow::Continue(())
        }
        fn post_visit_query(&mut self, _: &mut Query) -> ControlFlow<()> {
            self.depth -= 1;
            ControlFlow::Continue(())
        }
        fn pre_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
            if self.depth == 0 {
                if let Expr::Function(f) = e {
                    if f.name.to_string().eq_ignore_ascii_case("GROUPING") {
                        let args = match &f.args {
                            sqlparser::ast::FunctionArguments::List(l) => l
                                .args
                                .iter()
                                .filter_map(|a| match a {
                                    sqlparser::ast::FunctionArg::Unnamed(
                                        sqlparser::ast::FunctionArgExpr::Expr(e),
                                    ) => Some(e),
                                    _ => None,
                                })
                                .collect(),
                            _ => Vec::new(),
                        };
                        let bits = args.iter().fold(0u64, |acc, a| {
                            acc * 2 + u64::from(self.rolled.iter().any(|r| same_expr(r, a)))
                        });
                        *e = Expr::value(Value::Number(bits.to_string(), false));
                        return ControlFlow::Continue(());
                    }
                }
            }
            if is_aggregate_call(e) {
                self.depth += 1;
            }
            ControlFlow::Continue(())
        }
        fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
            if is_aggregate_call(e) {
                self.depth -= 1;
            } else if self.depth == 0
                && self.rolled.iter().any(|r| same_expr(r, e))
                && !self.groups.is_empty()
            {
                *e = Expr::value(Value::Null);
            }
            ControlFlow::Continue(())
        }
    }
    let mut roll = Roll {
        groups,
        rolled,
        depth: 0,
    };
    for item in &mut select.projection {
        let _ = VisitMut::visit(item, &mut roll);
    }
    if let Some(h) = &mut select.having {
        let _ = VisitMut::visit(h, &mut roll);
    }
}

/// `GROUP BY a, b WITH ROLLUP` as SQLite can run it: the UNION ALL of the groupings
/// (a, b), (a) and (), in MySQL's order (each group's super-aggregate after it) unless the
/// query orders its rows itself.
pub(crate) fn expand_rollup(query: &mut Query) {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return;
    };
    let GroupByExpr::Expressions(list, modifiers) = &select.group_by else {
        return;
    };
    if !modifiers.contains(&sqlparser::ast::GroupByWithModifier::Rollup) {
        return;
    }
    let groups = group_expressions(select, list);
    let mut levels = Vec::new();
    for k in (0..=list.len()).rev() {
        let mut level = select.clone();
        level.group_by = GroupByExpr::Expressions(list[..k].to_vec(), Vec::new());
        roll_up(&mut level, &groups, &groups[k..]);
        levels.push(SetExpr::Select(level));
    }
    let positions: Option<Vec<usize>> = groups
        .iter()
        .map(|g| {
            select.projection.iter().position(|i| match i {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    same_expr(e, g)
                }
                _ => false,
            })
        })
        .collect();
    let mut levels = levels.into_iter();
    let Some(first) = levels.next() else {
        return;
    };
    *query.body = levels.fold(first, |left, right| SetExpr::SetOperation {
        left: Box::new(left),
        op: sqlparser::ast::SetOperator::Union,
        set_quantifier: sqlparser::ast::SetQuantifier::All,
        right: Box::new(right),
    });
    if let (None, Some(positions)) = (&query.order_by, positions) {
        query.order_by = Some(sqlparser::ast::OrderBy {
            kind: sqlparser::ast::OrderByKind::Expressions(
                positions
                    .into_iter()
                    .map(|p| sqlparser::ast::OrderByExpr {
                        expr: Expr::value(Value::Number((p + 1).to_string(), false)),
                        options: sqlparser::ast::OrderByOptions {
                            sort: None,
                            nulls_first: Some(false),
                        },
                        with_fill: None,
                    })
                    .collect(),
            ),
            interpolate: None,
        });
    }
}

/// A base table of a FROM list, for ONLY_FULL_GROUP_BY: what a column reference can name.
pub(crate) struct GroupedTable {
    /// The name a column is qualified with: the alias, or the table's name (lower case).
    pub qualifier: String,
    /// `db.qualifier`, as MySQL names the table in its error.
    pub label: String,
    /// Column names (lower case) and as written.
    pub columns: Vec<(String, String)>,
    /// The column lists of its primary key and NOT NULL unique keys (lower case): grouping by
    /// one determines every column of the table.
    pub keys: Vec<Vec<String>>,
}

/// A column a select item reads: (index of its table, column name in lower case).
type ColumnRef = (usize, String);

fn column_ref(e: &Expr, tables: &[GroupedTable]) -> Option<ColumnRef> {
    let (qualifier, name) = match e {
        Expr::Identifier(i) => (None, i.value.to_ascii_lowercase()),
        Expr::CompoundIdentifier(p) if p.len() >= 2 => (
            Some(p[p.len() - 2].value.to_ascii_lowercase()),
            p[p.len() - 1].value.to_ascii_lowercase(),
        ),
        _ => return None,
    };
    let mut found = tables.iter().enumerate().filter(|(_, t)| {
        qualifier.as_ref().is_none_or(|q| *q == t.qualifier)
            && t.columns.iter().any(|(c, _)| *c == name)
    });
    let (at, _) = found.next()?;
    found.next().is_none().then_some((at, name))
}

/// The equalities `a = b` among the AND-ed conditions of `e`.
fn equalities<'e>(e: &'e Expr, out: &mut Vec<(&'e Expr, &'e Expr)>) {
    match e {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            equalities(left, out);
            equalities(right, out);
        }
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => out.push((left, right)),
        Expr::Nested(inner) => equalities(inner, out),
        _ => {}
    }
}

/// True when `select` groups its rows: GROUP BY, or (implicitly, into one group) an
/// aggregate among its items or in HAVING.
pub(crate) fn is_grouped(select: &Select) -> bool {
    let explicit = match &select.group_by {
        GroupByExpr::Expressions(list, _) => !list.is_empty(),
        GroupByExpr::All(_) => false,
    };
    explicit
        || select.projection.iter().any(has_aggregate)
        || select.having.as_ref().is_some_and(has_aggregate)
}

/// The first select item of a grouped `select` that reads a column neither grouped nor
/// functionally dependent on the grouped columns (MySQL's ONLY_FULL_GROUP_BY: 1055, or
/// 1140 for an aggregate without GROUP BY), as (1-based position, `db.table.column`).
/// `tables` are the FROM list's base tables; the caller checks only a FROM list made of
/// base tables.
pub(crate) fn ungrouped_item(select: &Select, tables: &[GroupedTable]) -> Option<(usize, String)> {
    let GroupByExpr::Expressions(list, _) = &select.group_by else {
        return None;
    };
    if !is_grouped(select) {
        return None;
    }
    let groups = group_expressions(select, list);
    // The columns the groups determine: grouped ones, ones equal to a constant or to a
    // determined column (WHERE and inner joins), and whole tables whose key is determined.
    // (An unqualified grouped name several tables have, as JOIN ... USING allows, is each
    // of theirs.)
    let mut known: Vec<ColumnRef> = groups
        .iter()
        .flat_map(|g| match g {
            Expr::Identifier(i) => {
                let name = i.value.to_ascii_lowercase();
                tables
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.columns.iter().any(|(c, _)| *c == name))
                    .map(|(at, _)| (at, name.clone()))
                    .collect()
            }
            _ => column_ref(g, tables).into_iter().collect::<Vec<_>>(),
        })
        .collect();
    let mut pairs = Vec::new();
    if let Some(w) = &select.selection {
        equalities(w, &mut pairs);
    }
    for t in &select.from {
        for j in &t.joins {
            if let JoinOperator::Join(JoinConstraint::On(on))
            | JoinOperator::Inner(JoinConstraint::On(on))
            | JoinOperator::StraightJoin(JoinConstraint::On(on)) = &j.join_operator
            {
                equalities(on, &mut pairs);
            }
        }
    }
    loop {
        let before = known.len();
        for (a, b) in &pairs {
            for (x, y) in [(a, b), (b, a)] {
                let Some(cx) = column_ref(x, tables) else {
                    continue;
                };
                let determined = matches!(y, Expr::Value(_))
                    || column_ref(y, tables).is_some_and(|cy| known.contains(&cy));
                if determined && !known.contains(&cx) {
                    known.push(cx);
                }
            }
        }
        for (at, t) in tables.iter().enumerate() {
            let keyed = t
                .keys
                .iter()
                .any(|k| k.iter().all(|c| known.contains(&(at, c.clone()))));
            if keyed {
                for (c, _) in &t.columns {
                    if !known.contains(&(at, c.clone())) {
                        known.push((at, c.clone()));
                    }
                }
            }
        }
        if known.len() == before {
            break;
        }
    }
    struct Ungrouped<'a> {
        groups: &'a [Expr],
        tables: &'a [GroupedTable],
        known: &'a [ColumnRef],
        skip: usize,
        found: Option<String>,
    }
    impl Ungrouped<'_> {
        fn skips(&self, e: &Expr) -> bool {
            is_aggregate_call(e) || self.groups.iter().any(|g| same_expr(g, e))
        }
    }
    impl Visitor for Ungrouped<'_> {
        type Break = ();
        fn pre_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.skip += 1;
            ControlFlow::Continue(())
        }
        fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.skip -= 1;
            ControlFlow::Continue(())
        }
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            if self.skips(e) {
                self.skip += 1;
            } else if self.skip == 0 {
                if let Some((at, c)) = column_ref(e, self.tables) {
                    if !self.known.contains(&(at, c.clone())) {
                        let t = &self.tables[at];
                        let written = t
                            .columns
                            .iter()
                            .find(|(l, _)| *l == c)
                            .map_or(c.clone(), |(_, w)| w.clone());
                        self.found = Some(format!("{}.{written}", t.label));
                        return ControlFlow::Break(());
                    }
                }
            }
            ControlFlow::Continue(())
        }
        fn post_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            if self.skips(e) {
                self.skip -= 1;
            }
            ControlFlow::Continue(())
        }
    }
    for (i, item) in select.projection.iter().enumerate() {
        let mut v = Ungrouped {
            groups: &groups,
            tables,
            known: &known,
            skip: 0,
            found: None,
        };
        let _ = item.visit(&mut v);
        if let Some(column) = v.found {
            return Some((i + 1, column));
        }
    }
    None
}

/// How a recursive CTE is bounded, from the session: `cte_max_recursion_depth`, and whether
/// a value too long for a column is an error (strict sql_mode) or cut.
pub(crate) struct Recursion {
    /// `@@cte_max_recursion_depth`.
    pub max_depth: u64,
    /// STRICT_TRANS_TABLES or STRICT_ALL_TABLES.
    pub strict: bool,
}

/// Applies `f` to each SELECT of a UNION tree; false (and nothing applied) when a branch
/// is not a plain SELECT.
fn for_each_select(body: &mut SetExpr, f: &mut impl FnMut(&mut Select)) -> bool {
    fn plain(body: &SetExpr) -> bool {
        match body {
            SetExpr::Select(_) => true,
            SetExpr::SetOperation { left, right, .. } => plain(left) && plain(right),
            _ => false,
        }
    }
    fn apply(body: &mut SetExpr, f: &mut impl FnMut(&mut Select)) {
        match body {
            SetExpr::Select(s) => f(s),
            SetExpr::SetOperation { left, right, .. } => {
                apply(left, f);
                apply(right, f);
            }
            _ => {}
        }
    }
    if !plain(body) {
        return false;
    }
    apply(body, f);
    true
}

/// True when `select` reads the table named `name` (one of its FROM items).
fn reads_table(select: &Select, name: &str) -> bool {
    select.from.iter().any(|t| {
        std::iter::once(&t.relation)
            .chain(t.joins.iter().map(|j| &j.relation))
            .any(|f| matches!(f, TableFactor::Table { name: n, .. } if n.0.len() == 1 && n.to_string().trim_matches('`').eq_ignore_ascii_case(name)))
    })
}

/// A translated query's recursive CTEs as MySQL runs them: each recursion level of a UNION
/// ALL counts, and one past `cte_max_recursion_depth` fails with 3636; a column's type comes from the
/// anchor alone (a string literal is a VARCHAR of its length: a longer value from the
/// recursive part is 1406 in strict mode, cut otherwise). The CTE `n` becomes
/// `rewind_recursive_n`, whose rows carry their level, and `n` reads its columns.
pub(crate) fn bound_recursion(query: &mut Query, bounds: &Recursion) {
    let Some(with) = query.with.as_mut() else {
        return;
    };
    if !with.recursive {
        return;
    }
    let mut at = 0;
    while at < with.cte_tables.len() {
        if let Some(hidden) = bound_cte(&mut with.cte_tables[at], bounds) {
            with.cte_tables.insert(at, hidden);
            at += 1;
        }
        at += 1;
    }
}

fn bound_cte(cte: &mut sqlparser::ast::Cte, bounds: &Recursion) -> Option<sqlparser::ast::Cte> {
    use crate::translate::{call, string};
    use sqlparser::ast::{Ident, SelectItem as Item};
    let name = cte.alias.name.value.clone();
    let SetExpr::SetOperation {
        op: sqlparser::ast::SetOperator::Union,
        left,
        right,
        set_quantifier,
    } = cte.query.body.as_mut()
    else {
        return None;
    };
    // UNION DISTINCT ends when a level adds no new row: a level column would make every row
    // new, so only UNION ALL counts its levels.
    let counted = matches!(set_quantifier, sqlparser::ast::SetQuantifier::All);
    let SetExpr::Select(recursive) = right.as_mut() else {
        return None;
    };
    if !reads_table(recursive, &name)
        || cte.query.order_by.is_some()
        || !for_each_select(left, &mut |_| {})
    {
        return None;
    }
    let anchor_items: Vec<Item> = leftmost(left)?.projection.clone();
    let columns: Vec<String> = if cte.alias.columns.is_empty() {
        anchor_items
            .iter()
            .map(|i| match i {
                Item::ExprWithAlias { alias, .. } => Some(alias.value.clone()),
                Item::UnnamedExpr(Expr::Identifier(i)) => Some(i.value.clone()),
                _ => None,
            })
            .collect::<Option<_>>()?
    } else {
        cte.alias
            .columns
            .iter()
            .map(|c| c.name.value.clone())
            .collect()
    };
    if columns.len() != recursive.projection.len() {
        return None;
    }
    let depth = "rewind_depth";
    let hidden = format!("rewind_recursive_{name}");
    let level = Expr::CompoundIdentifier(vec![Ident::with_quote('`', &name), Ident::new(depth)]);
    let message = format!(
        "3636: Recursive query aborted after {} iterations. Try increasing \
         @@cte_max_recursion_depth to a larger value.",
        bounds.max_depth + 1
    );
    let check = call(
        CHECK,
        vec![
            Expr::BinaryOp {
                left: Box::new(level.clone()),
                op: BinaryOperator::Lt,
                right: Box::new(Expr::value(Value::Number(
                    bounds.max_depth.to_string(),
                    false,
                ))),
            },
            string(message),
        ],
    );
    // The anchor's string literals type their columns.
    for (i, item) in recursive.projection.iter_mut().enumerate() {
        let Some(
            Item::UnnamedExpr(Expr::Value(v))
            | Item::ExprWithAlias {
                expr: Expr::Value(v),
                ..
            },
        ) = anchor_items.get(i)
        else {
            continue;
        };
        let Value::SingleQuotedString(s) = &v.value else {
            continue;
        };
        let width = Expr::value(Value::Number(s.chars().count().to_string(), false));
        let (Item::UnnamedExpr(e) | Item::ExprWithAlias { expr: e, .. }) = item else {
            continue;
        };
        let value = e.clone();
        *e = if bounds.strict {
            let too_long = format!("1406: Data too long for column '{}' at row 1", columns[i]);
            Expr::Case {
                case_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
                end_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
                operand: None,
                conditions: vec![sqlparser::ast::CaseWhen {
                    condition: Expr::BinaryOp {
                        left: Box::new(call("length", vec![value.clone()])),
                        op: BinaryOperator::Gt,
                        right: Box::new(width),
                    },
                    result: call(
                        CHECK,
                        vec![
                            Expr::value(Value::Number("0".into(), false)),
                            string(too_long),
                        ],
                    ),
                }],
                else_result: Some(Box::new(value)),
            }
        } else {
            call(
                "substr",
                vec![value, Expr::value(Value::Number("1".into(), false)), width],
            )
        };
    }
    if !counted {
        return None;
    }
    recursive.projection.push(Item::ExprWithAlias {
        expr: Expr::BinaryOp {
            left: Box::new(level),
            op: BinaryOperator::Plus,
            right: Box::new(check),
        },
        alias: Ident::new(depth),
    });
    for t in &mut recursive.from {
        for f in std::iter::once(&mut t.relation).chain(t.joins.iter_mut().map(|j| &mut j.relation))
        {
            if let TableFactor::Table { name: n, alias, .. } = f {
                if n.0.len() == 1 && n.to_string().trim_matches('`').eq_ignore_ascii_case(&name) {
                    *n = sqlparser::ast::ObjectName::from(vec![Ident::new(&hidden)]);
                    if alias.is_none() {
                        *alias = Some(sqlparser::ast::TableAlias {
                            explicit: true,
                            name: Ident::with_quote('`', &name),
                            columns: Vec::new(),
                            at: None,
                        });
                    }
                }
            }
        }
    }
    for_each_select(left, &mut |anchor| {
        anchor.projection.push(Item::ExprWithAlias {
            expr: Expr::value(Value::Number("0".into(), false)),
            alias: Ident::new(depth),
        });
    });
    let mut alias = cte.alias.clone();
    alias.name = Ident::new(&hidden);
    if !alias.columns.is_empty() {
        alias
            .columns
            .push(sqlparser::ast::TableAliasColumnDef::from_name(depth));
    }
    let quoted: Vec<String> = columns
        .iter()
        .map(|c| format!("`{}`", c.replace('`', "``")))
        .collect();
    let reader = template(&format!("SELECT {} FROM {hidden}", quoted.join(", ")))?;
    let body = std::mem::replace(&mut cte.query, Box::new(reader));
    Some(sqlparser::ast::Cte {
        alias,
        query: body,
        from: None,
        materialized: None,
        closing_paren_token: cte.closing_paren_token.clone(),
    })
}

/// A RANGE frame with INTERVAL bounds over a date or datetime ORDER BY (MySQL 8.0), as
/// SQLite runs RANGE frames, over numbers: the ORDER BY value in seconds since the epoch and
/// each bound in seconds. Units of variable length (MONTH, YEAR...) stay as written.
pub(crate) fn interval_frame(spec: &mut sqlparser::ast::WindowSpec) {
    use sqlparser::ast::{DateTimeField as F, WindowFrameBound as B, WindowFrameUnits};
    let Some(frame) = &mut spec.window_frame else {
        return;
    };
    if frame.units != WindowFrameUnits::Range || spec.order_by.len() != 1 {
        return;
    }
    let seconds = |e: &Expr| -> Option<Expr> {
        let Expr::Interval(i) = e else {
            return None;
        };
        let per: f64 = match i.leading_field.as_ref()? {
            F::Second | F::Seconds => 1.0,
            F::Minute | F::Minutes => 60.0,
            F::Hour | F::Hours => 3600.0,
            F::Day | F::Days => 86400.0,
            F::Week(_) | F::Weeks => 604_800.0,
            F::Microsecond | F::Microseconds => 0.000_001,
            _ => return None,
        };
        if i.last_field.is_some() {
            return None;
        }
        // SQLite takes a constant number only: the amount must be a literal.
        let amount: f64 = match &*i.value {
            Expr::Value(v) => match &v.value {
                Value::Number(n, _) | Value::SingleQuotedString(n) => n.trim().parse().ok()?,
                _ => return None,
            },
            _ => return None,
        };
        let total = amount * per;
        let text = if total.fract() == 0.0 {
            format!("{}", total as i64)
        } else {
            format!("{total}")
        };
        Some(Expr::value(Value::Number(text, false)))
    };
    let mut bounds: Vec<&mut B> = vec![&mut frame.start_bound];
    bounds.extend(frame.end_bound.as_mut());
    let mut any = false;
    for bound in bounds {
        if let B::Preceding(Some(e)) | B::Following(Some(e)) = bound {
            if matches!(**e, Expr::Interval(_)) {
                let Some(s) = seconds(e) else {
                    return;
                };
                **e = s;
                any = true;
            }
        }
    }
    if any {
        let order = &mut spec.order_by[0].expr;
        *order = crate::translate::call(
            "unixepoch",
            vec![order.clone(), crate::translate::string("subsec")],
        );
    }
}

/// A translated query's LATERAL derived tables (MySQL 8.0.14) as SQLite can run them: SQLite
/// has no LATERAL, but a table-valued function's argument may read the tables to its left.
/// `LATERAL (q) AS t` becomes `json_each((SELECT json_group_array(json_array(cols)) FROM (q)))
/// AS t`, and `t.col` the matching element of each row's array.
pub(crate) fn lateral_as_json(query: &mut Query) {
    let SetExpr::Select(select) = query.body.as_mut() else {
        return;
    };
    let mut laterals: Vec<(String, Vec<String>)> = Vec::new();
    for t in &mut select.from {
        let factors =
            std::iter::once(&mut t.relation).chain(t.joins.iter_mut().map(|j| &mut j.relation));
        for f in factors {
            let TableFactor::Derived {
                lateral: true,
                subquery,
                alias: Some(alias),
                ..
            } = f
            else {
                continue;
            };
            let Some(columns) = leftmost(&subquery.body).and_then(|s| {
                s.projection
                    .iter()
                    .map(|i| match i {
                        SelectItem::ExprWithAlias { alias, .. } => Some(alias.value.clone()),
                        SelectItem::UnnamedExpr(Expr::Identifier(i)) => Some(i.value.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<String>>>()
            }) else {
                continue;
            };
            let columns = if alias.columns.is_empty() {
                columns
            } else {
                alias.columns.iter().map(|c| c.name.value.clone()).collect()
            };
            // The derived table's columns, renamed by position (names may repeat).
            let names: Vec<String> = (1..=columns.len()).map(|i| format!("c{i}")).collect();
            let Some(rows) = template(&format!(
                "WITH rewind_lateral({}) AS (SELECT 1) \
                 SELECT json_group_array(json_array({})) FROM rewind_lateral",
                names.join(", "),
                names.join(", ")
            ))
            .and_then(|t| with_cte(t, (**subquery).clone())) else {
                continue;
            };
            let Some(mut each) = template("SELECT * FROM json_each(rewind_rows) AS rewind_t")
            else {
                continue;
            };
            fill(&mut each, "rewind_rows", &Expr::Subquery(Box::new(rows)));
            let SetExpr::Select(mut s) = *each.body else {
                continue;
            };
            let Some(TableWithJoins {
                relation: mut function,
                ..
            }) = s.from.pop()
            else {
                continue;
            };
            if let TableFactor::Table { alias: a, .. } = &mut function {
                *a = Some(sqlparser::ast::TableAlias {
                    columns: Vec::new(),
                    ..alias.clone()
                });
            }
            laterals.push((alias.name.value.to_ascii_lowercase(), columns));
            *f = function;
        }
    }
    if laterals.is_empty() {
        return;
    }
    struct Columns<'a>(&'a [(String, Vec<String>)]);
    impl VisitorMut for Columns<'_> {
        type Break = ();
        fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
            let Expr::CompoundIdentifier(parts) = e else {
                return ControlFlow::Continue(());
            };
            let [table, column] = parts.as_slice() else {
                return ControlFlow::Continue(());
            };
            let found = self.0.iter().find_map(|(t, cols)| {
                (*t == table.value.to_ascii_lowercase())
                    .then(|| {
                        cols.iter()
                            .position(|c| c.eq_ignore_ascii_case(&column.value))
                    })
                    .flatten()
            });
            if let Some(at) = found {
                let value = Expr::CompoundIdentifier(vec![
                    table.clone(),
                    sqlparser::ast::Ident::new("value"),
                ]);
                *e = crate::translate::call(
                    "json_extract",
                    vec![value, crate::translate::string(format!("$[{at}]"))],
                );
            }
            ControlFlow::Continue(())
        }
    }
    let _ = VisitMut::visit(query, &mut Columns(&laterals));
}
