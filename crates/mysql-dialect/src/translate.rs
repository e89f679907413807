//! MySQL expressions and queries rewritten for SQLite, on sqlparser's AST.
//!
//! The rewrite walks a parsed MySQL statement and changes, in place, what SQLite would read
//! differently: table names (a MySQL table `db`.`t` is the SQLite table `"db.t"`, aliased `t`
//! so that `t.col` still resolves), operators whose meaning differs (`/`, `DIV`, `||`, `<=>`,
//! `XOR`, `->>`), functions SQLite has under another name or not at all (see
//! [`mysql_functions::renames`]), casts, intervals, literals, and session values (`@x`,
//! `@@sql_mode`, `DATABASE()`) which become literals. sqlparser's `Display` then prints SQL
//! that SQLite parses: the two dialects agree on everything the rewrite leaves alone.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::OnceLock;

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, DateTimeField, Expr, Function, FunctionArg,
    FunctionArgExpr, FunctionArgumentClause, FunctionArgumentList, FunctionArguments, Ident,
    InTarget, ObjectName, ObjectNamePart, Query, Select, SelectItem, Spanned, TableFactor, Value,
    ValueWithSpan, VisitorMut,
};
use sqlparser::tokenizer::Span;

use crate::error::SqlError;

/// The schema MySQL's data dictionary views live in.
pub(crate) const INFORMATION_SCHEMA: &str = "information_schema";

/// The SQLite identifier of MySQL table `db`.`table`: one quoted name, so every MySQL schema
/// shares one SQLite database and a commit spanning schemas stays one atomic commit; case
/// variants stay apart ([`crate::schema::sqlite_table_name`]).
pub(crate) fn table_ident(db: &str, table: &str) -> Ident {
    Ident::with_quote('"', crate::schema::sqlite_table_name(db, table))
}

/// The SQLite name of an information_schema view, materialized per connection as a temporary
/// table before a statement that reads it.
pub(crate) fn information_schema_ident(view: &str) -> Ident {
    Ident::with_quote(
        '"',
        format!("{INFORMATION_SCHEMA}.{}", view.to_ascii_lowercase()),
    )
}

/// The SQLite function reading a string as the double MySQL compares it as with a number.
pub(crate) const COMPARE_DOUBLE: &str = "mysql_compare_double";

/// The SQLite function reading a user variable while a statement runs (`@x` in a statement
/// that also assigns with `:=`).
pub(crate) const USER_VARIABLE_GET: &str = "rewind_user_var";
/// The SQLite function behind `@x := expr`: sets the variable, returns the value.
pub(crate) const USER_VARIABLE_SET: &str = "rewind_set_user_var";

/// What a rewrite needs from the session: the current database, and values that become
/// literals in the statement.
pub(crate) trait SessionValues {
    /// The current database (`USE`), if any.
    fn database(&self) -> Option<&str>;
    /// A user variable's value (`@name`); NULL when never set.
    fn user_variable(&self, name: &str) -> Value;
    /// A system variable's value (`@@name`, `@@session.name`).
    fn system_variable(&self, name: &str) -> Result<Value, SqlError>;
    /// The value of a function that reads session state (`DATABASE()`, `CONNECTION_ID()`,
    /// `LAST_INSERT_ID()`, `UUID()`...), or None when `name` is not one.
    fn session_function(&self, name: &str) -> Option<Value>;
}

/// One statement's rewrite: walks it with [`VisitorMut`], keeping the first error.
pub(crate) struct Rewrite<'a> {
    session: &'a dyn SessionValues,
    /// The statement's text, to label result columns with what the client wrote.
    source: &'a str,
    /// Names bound by WITH anywhere in the statement: not tables.
    ctes: HashSet<String>,
    /// Tables the statement reads or writes, as (database, table).
    pub tables: Vec<(String, String)>,
    /// information_schema views the statement reads (lower case).
    pub information_schema: Vec<String>,
    /// The first error met; the statement must not run.
    pub error: Option<SqlError>,
    /// The MySQL type of each result column of the outermost SELECT, where the expression
    /// alone tells it (`NOW()` is a DATETIME): SQLite's values do not.
    pub hints: Option<Vec<Option<&'static str>>>,
    /// The statement's tokens, read once when a projection needs its written text.
    tokens: Option<Vec<sqlparser::tokenizer::TokenWithSpan>>,
    /// Numeric classes of the columns the outermost SELECT names, for its type hints.
    pub columns: NumColumns,
    /// Types and collations of the columns the outermost SELECT names.
    pub meta: MetaColumns,
    /// Index names of USE / FORCE / IGNORE INDEX hints, as (database, table, index).
    pub index_hints: Vec<(String, String, String)>,
    /// The column lists of MATCH ... AGAINST, which a FULLTEXT index must cover.
    pub fulltext: Vec<Vec<String>>,
    /// A string compared with a number that is not all number fails the statement (1292)
    /// instead of warning: the WHERE of an UPDATE or DELETE in strict mode, as in MySQL.
    pub strict_doubles: bool,
}

impl<'a> Rewrite<'a> {
    /// A rewrite of a statement whose text is `source`.
    pub(crate) fn new(session: &'a dyn SessionValues, source: &'a str) -> Self {
        Self {
            session,
            source,
            ctes: HashSet::new(),
            tables: Vec::new(),
            information_schema: Vec::new(),
            error: None,
            hints: None,
            tokens: None,
            columns: NumColumns::new(),
            meta: MetaColumns::new(),
            index_hints: Vec::new(),
            fulltext: Vec::new(),
            strict_doubles: false,
        }
    }

    fn fail(&mut self, e: SqlError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Resolves a MySQL table name to (database, table), the current database filling in.
    pub(crate) fn resolve(&self, name: &ObjectName) -> Result<(String, String), SqlError> {
        resolve(self.session.database(), name)
    }

    /// The SQLite name for a MySQL table name, recording it.
    pub(crate) fn table_name(&mut self, name: &ObjectName) -> Result<ObjectName, SqlError> {
        let (db, table) = self.resolve(name)?;
        if db.eq_ignore_ascii_case(INFORMATION_SCHEMA) {
            let view = table.to_ascii_lowercase();
            if !self.information_schema.contains(&view) {
                self.information_schema.push(view.clone());
            }
            return Ok(ObjectName::from(vec![
                Ident::new("temp"),
                information_schema_ident(&view),
            ]));
        }
        self.tables.push((db.clone(), table.clone()));
        Ok(ObjectName::from(vec![table_ident(&db, &table)]))
    }

    /// The text the client wrote for `expr`, if its span is usable.
    fn source_text(&self, span: Span) -> Option<&'a str> {
        if span == Span::empty() {
            return None;
        }
        let start = offset(self.source, span.start.line, span.start.column)?;
        let end = offset(self.source, span.end.line, span.end.column)?;
        let text = self.source.get(start..end)?.trim();
        // A span that cuts a call or a string in two is not the expression's text.
        let balanced = text.matches('(').count() == text.matches(')').count()
            && text.matches('\'').count() % 2 == 0;
        (balanced && !text.is_empty()).then_some(text)
    }
}

/// Resolves a MySQL table name to (database, table).
pub(crate) fn resolve(
    current: Option<&str>,
    name: &ObjectName,
) -> Result<(String, String), SqlError> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => i.value.clone(),
            other => other.to_string(),
        })
        .collect();
    let (db, table) = match parts.as_slice() {
        [table] => match current {
            Some(db) => (db.to_owned(), table.clone()),
            None => return Err(SqlError::no_database()),
        },
        [db, table] => (db.clone(), table.clone()),
        _ => return Err(SqlError::wrong_name("table", &name.to_string())),
    };
    // MySQL refuses names that end with a space, which the SQLite names of mixed-case
    // tables rely on (`crate::schema::sqlite_table_name`).
    if table.ends_with(' ') {
        return Err(SqlError::wrong_name("table", &table));
    }
    if db.ends_with(' ') {
        return Err(SqlError::wrong_name("database", &db));
    }
    Ok((db, table))
}

/// Byte offset of a 1-based line and column (in characters) of `text`.
fn offset(text: &str, line: u64, column: u64) -> Option<usize> {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i as u64 + 1 == line {
            let col = usize::try_from(column.saturating_sub(1)).ok()?;
            return Some(start + l.char_indices().nth(col).map_or(l.len(), |(at, _)| at));
        }
        start += l.len();
    }
    (line as usize == text.split_inclusive('\n').count() + 1 && column <= 1).then_some(text.len())
}

/// A call of SQLite function `name`.
pub(crate) fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function(Function {
        name: ObjectName::from(vec![Ident::new(name)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: args
                .into_iter()
                .map(|e| FunctionArg::Unnamed(FunctionArgExpr::Expr(e)))
                .collect(),
            clauses: Vec::new(),
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: Vec::new(),
    })
}

/// A string literal.
pub(crate) fn string(s: impl Into<String>) -> Expr {
    Expr::Value(ValueWithSpan {
        value: Value::SingleQuotedString(s.into()),
        span: Span::empty(),
    })
}

/// A literal of any value.
pub(crate) fn literal(value: Value) -> Expr {
    Expr::Value(ValueWithSpan {
        value,
        span: Span::empty(),
    })
}

/// X'..': a blob literal of `bytes`.
fn hex_literal(bytes: &[u8]) -> Expr {
    literal(Value::HexStringLiteral(
        bytes.iter().map(|b| format!("{b:02X}")).collect(),
    ))
}

/// The bytes of a bit-value literal's digits (`b'1000001'` is `A`), right-aligned.
fn bit_bytes(bits: &str) -> Vec<u8> {
    let digits: Vec<u8> = bits.bytes().filter(|b| *b == b'0' || *b == b'1').collect();
    let pad = (8 - digits.len() % 8) % 8;
    let padded: Vec<u8> = std::iter::repeat_n(b'0', pad).chain(digits).collect();
    padded
        .chunks(8)
        .map(|c| c.iter().fold(0u8, |acc, d| (acc << 1) | (d - b'0')))
        .collect()
}

fn nested(e: Expr) -> Expr {
    Expr::Nested(Box::new(e))
}

/// MySQL function name (upper case) -> the SQLite function computing it.
fn renames() -> &'static HashMap<String, &'static str> {
    static MAP: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: HashMap<String, &'static str> = mysql_functions::renames()
            .iter()
            .map(|(mysql, sqlite)| (mysql.to_ascii_uppercase(), *sqlite))
            .collect();
        for (mysql, sqlite) in [
            ("IF", "iif"),
            ("NOW", "now"),
            ("SYSDATE", "now"),
            ("UTC_TIMESTAMP", "now"),
            ("CURDATE", "curdate"),
            ("UTC_DATE", "curdate"),
            ("CURTIME", "curtime"),
            ("UTC_TIME", "curtime"),
        ] {
            map.entry(mysql.to_owned()).or_insert(sqlite);
        }
        map
    })
}

/// The unit name of an INTERVAL, as the date functions take it.
fn unit_name(field: &DateTimeField) -> String {
    match field {
        DateTimeField::Custom(i) => i.value.to_ascii_uppercase(),
        other => other.to_string().to_ascii_uppercase().replace(' ', "_"),
    }
}

/// `INTERVAL n UNIT` as (amount, unit) arguments.
fn interval_args(e: &Expr) -> Option<(Expr, Expr)> {
    let Expr::Interval(i) = e else { return None };
    let unit = match (&i.leading_field, &i.last_field) {
        (Some(lead), Some(last)) => format!("{}_{}", unit_name(lead), unit_name(last)),
        (Some(lead), None) => unit_name(lead),
        _ => "SECOND".to_owned(),
    };
    Some(((*i.value).clone(), string(unit)))
}

/// The collations registered on every connection; others map to the nearest.
fn collation_name(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "binary" | "utf8mb4_bin" | "utf8_bin" | "utf8mb3_bin" | "latin1_bin" | "ascii_bin" => {
            if lower == "binary" {
                "BINARY"
            } else {
                "utf8mb4_bin"
            }
        }
        "utf8mb4_0900_as_cs" | "utf8mb4_0900_as_ci" => "utf8mb4_0900_as_cs",
        "utf8mb4_general_ci" | "utf8_general_ci" | "utf8mb3_general_ci" => "utf8mb4_general_ci",
        "utf8mb4_unicode_ci" | "utf8mb4_unicode_520_ci" | "utf8_unicode_ci" => "utf8mb4_unicode_ci",
        "latin1_swedish_ci" | "latin1_general_ci" => "latin1_swedish_ci",
        "ascii_general_ci" => "ascii_general_ci",
        _ => "utf8mb4_0900_ai_ci",
    }
}

/// True for a column reference, which SQLite labels as MySQL does (by the column's name).
fn is_column(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(i) if !i.value.starts_with('@'))
        || matches!(e, Expr::CompoundIdentifier(parts) if !parts[0].value.starts_with('@'))
}

impl Rewrite<'_> {
    /// The text of each select item of `select` as the client wrote it, read from the
    /// statement's tokens (sqlparser's spans of expressions stop short of many forms: `CAST`,
    /// `TRIM`, `x IS NULL`, `(SELECT ...)`); None when the tokens do not line up.
    fn projection_texts(&mut self, select: &Select) -> Option<Vec<String>> {
        use sqlparser::tokenizer::{Token, Tokenizer};
        let start = select.select_token.0.span.start;
        if start.line == 0 {
            return None;
        }
        if self.tokens.is_none() {
            self.tokens = Some(
                Tokenizer::new(&sqlparser::dialect::MySqlDialect {}, self.source)
                    .tokenize_with_location()
                    .unwrap_or_default(),
            );
        }
        let tokens = self.tokens.as_deref()?;
        let at = tokens.iter().position(|t| t.span.start == start)?;
        let word = |t: &Token, words: &[&str]| {
            matches!(t, Token::Word(w) if w.quote_style.is_none()
                && words.iter().any(|k| w.value.eq_ignore_ascii_case(k)))
        };
        const MODIFIERS: &[&str] = &[
            "ALL",
            "DISTINCT",
            "DISTINCTROW",
            "HIGH_PRIORITY",
            "STRAIGHT_JOIN",
            "SQL_SMALL_RESULT",
            "SQL_BIG_RESULT",
            "SQL_BUFFER_RESULT",
            "SQL_NO_CACHE",
            "SQL_CACHE",
            "SQL_CALC_FOUND_ROWS",
        ];
        const ENDS: &[&str] = &[
            "FROM",
            "WHERE",
            "GROUP",
            "HAVING",
            "WINDOW",
            "ORDER",
            "LIMIT",
            "UNION",
            "EXCEPT",
            "INTERSECT",
            "INTO",
            "FOR",
            "LOCK",
        ];
        let mut items: Vec<String> = Vec::new();
        let mut first: Option<Span> = None;
        let mut last: Option<Span> = None;
        let mut depth = 0usize;
        let mut leading = true;
        let source = self.source;
        let text = |a: Span, b: Span| -> Option<String> {
            let from = offset(source, a.start.line, a.start.column)?;
            let to = offset(source, b.end.line, b.end.column)?;
            source.get(from..to).map(str::to_owned)
        };
        for t in &tokens[at + 1..] {
            if matches!(t.token, Token::Whitespace(_)) {
                continue;
            }
            if leading && word(&t.token, MODIFIERS) {
                continue;
            }
            leading = false;
            let end_of_list = depth == 0
                && (matches!(t.token, Token::RParen | Token::SemiColon | Token::EOF)
                    || word(&t.token, ENDS));
            if end_of_list || (depth == 0 && t.token == Token::Comma) {
                items.push(text(first?, last?)?);
                first = None;
                last = None;
                if end_of_list {
                    break;
                }
                continue;
            }
            match t.token {
                Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
                Token::RParen | Token::RBracket | Token::RBrace => depth = depth.saturating_sub(1),
                _ => {}
            }
            first.get_or_insert(t.span);
            last = Some(t.span);
        }
        if let (Some(a), Some(b)) = (first, last) {
            items.push(text(a, b)?);
        }
        (items.len() == select.projection.len()).then_some(items)
    }

    /// Gives unnamed select items the label MySQL shows: the text the client wrote.
    fn label_projection(&mut self, select: &mut Select) {
        let texts = self.projection_texts(select);
        // information_schema's columns keep their own (upper-case) names.
        let dictionary = select.from.iter().any(|t| {
            std::iter::once(&t.relation)
                .chain(t.joins.iter().map(|j| &j.relation))
                .any(|f| {
                    matches!(f, TableFactor::Table { name, .. }
                        if self.resolve(name).is_ok_and(|(db, _)| db.eq_ignore_ascii_case(INFORMATION_SCHEMA)))
                })
        });
        for (i, item) in select.projection.iter_mut().enumerate() {
            let SelectItem::UnnamedExpr(e) = item else {
                continue;
            };
            let written = texts.as_ref().and_then(|t| t.get(i).cloned());
            if is_column(e) {
                if dictionary {
                    continue;
                }
                // A column is labelled with its name as written (`SELECT iD` shows `iD`).
                let name = match e {
                    Expr::Identifier(i) => i.value.clone(),
                    Expr::CompoundIdentifier(parts) => {
                        parts.last().map(|p| p.value.clone()).unwrap_or_default()
                    }
                    _ => continue,
                };
                *item = SelectItem::ExprWithAlias {
                    expr: e.clone(),
                    alias: Ident::with_quote('"', name),
                };
                continue;
            }
            let string_value = match e {
                Expr::Value(v) => match &v.value {
                    Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => Some(s.clone()),
                    Value::Null => Some("NULL".to_owned()),
                    _ => None,
                },
                Expr::Prefixed { value, .. } => match &**value {
                    Expr::Value(v) => match &v.value {
                        Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => {
                            Some(s.clone())
                        }
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            };
            if let Some(label) = string_value.or(written) {
                *item = SelectItem::ExprWithAlias {
                    expr: e.clone(),
                    alias: Ident::with_quote('"', label),
                };
                continue;
            }
            let label = match e {
                Expr::Value(v) => match &v.value {
                    Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => s.clone(),
                    Value::Null => "NULL".to_owned(),
                    Value::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
                    _ => self
                        .source_text(e.span())
                        .map_or_else(|| e.to_string(), str::to_owned),
                },
                // sqlparser's span of a call can stop short of its arguments (`COUNT(*)`).
                Expr::Function(_) => self
                    .source_text(e.span())
                    .filter(|t| t.ends_with(')'))
                    .map_or_else(|| e.to_string(), str::to_owned),
                _ => self
                    .source_text(e.span())
                    .map_or_else(|| e.to_string(), str::to_owned),
            };
            *item = SelectItem::ExprWithAlias {
                expr: e.clone(),
                alias: Ident::with_quote('"', label),
            };
        }
        // MySQL's `FROM DUAL` is no table at all.
        select.from.retain(|t| {
            !(t.joins.is_empty()
                && matches!(&t.relation, TableFactor::Table { name, .. }
                    if name.0.len() == 1 && name.to_string().eq_ignore_ascii_case("dual")))
        });
    }

    fn rewrite_function(&mut self, f: &mut Function) -> Option<Expr> {
        let name = f.name.to_string().to_ascii_uppercase();
        if name == "LAST_INSERT_ID"
            && matches!(&f.args, FunctionArguments::List(l) if l.args.len() == 1)
        {
            // LAST_INSERT_ID(expr) returns expr and makes it the session's value.
            f.name = ObjectName::from(vec![Ident::new("rewind_set_last_insert_id")]);
            return None;
        }
        if let Some(v) = self.session.session_function(&name) {
            return Some(literal(v));
        }
        match name.as_str() {
            "ISNULL" => {
                let arg = single_arg(f)?;
                return Some(nested(Expr::IsNull(Box::new(arg))));
            }
            "DATE_ADD" | "ADDDATE" | "DATE_SUB" | "SUBDATE" => {
                if let FunctionArguments::List(list) = &mut f.args {
                    if let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e))) = list.args.get(1) {
                        if let Some((amount, unit)) = interval_args(e) {
                            list.args.splice(
                                1..2,
                                [amount, unit]
                                    .map(|e| FunctionArg::Unnamed(FunctionArgExpr::Expr(e))),
                            );
                        } else if list.args.len() == 2 {
                            // ADDDATE(d, n): n days.
                            list.args
                                .push(FunctionArg::Unnamed(FunctionArgExpr::Expr(string("DAY"))));
                        }
                    }
                }
            }
            "TIMESTAMPDIFF" | "TIMESTAMPADD" => {
                // The unit is a keyword: pass it as a string.
                if let FunctionArguments::List(list) = &mut f.args {
                    if let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Identifier(
                        unit,
                    )))) = list.args.first()
                    {
                        let unit = unit.value.to_ascii_uppercase();
                        list.args[0] = FunctionArg::Unnamed(FunctionArgExpr::Expr(string(unit)));
                    }
                }
            }
            "CHARSET" | "COLLATION" => {
                let arg = single_arg(f)?;
                let binary = matches!(&arg, Expr::Value(v) if matches!(v.value, Value::HexStringLiteral(_)))
                    || self.meta_of(&arg).is_some_and(|m| is_binary_type(&m.ty));
                let collation = if binary {
                    "binary".to_owned()
                } else {
                    self.meta_of(&arg)
                        .and_then(|m| m.collation.clone())
                        .unwrap_or_else(|| "utf8mb4_0900_ai_ci".to_owned())
                };
                let charset = match collation.split_once('_') {
                    Some((cs, _)) => cs.to_owned(),
                    None => collation.clone(),
                };
                return Some(string(if name == "CHARSET" {
                    charset
                } else {
                    collation
                }));
            }
            // Any row's value: the smallest is one.
            "ANY_VALUE" => {
                f.name = ObjectName::from(vec![Ident::new("min")]);
                return None;
            }
            // SQLite's JSON aggregates, printed as MySQL prints JSON.
            "JSON_ARRAYAGG" | "JSON_OBJECTAGG" => {
                f.name = ObjectName::from(vec![Ident::new(if name == "JSON_ARRAYAGG" {
                    "json_group_array"
                } else {
                    "json_group_object"
                })]);
                return Some(call(
                    "mysql_json_extract",
                    vec![Expr::Function(f.clone()), string("$")],
                ));
            }
            // COUNT(DISTINCT a, b): the distinct rows of non-NULL values.
            "COUNT" => {
                if let FunctionArguments::List(list) = &mut f.args {
                    if list.duplicate_treatment.is_some() && list.args.len() > 1 {
                        let parts: Vec<Expr> = list
                            .args
                            .drain(..)
                            .filter_map(|a| match a {
                                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                                _ => None,
                            })
                            .collect();
                        let any_null = parts
                            .iter()
                            .map(|p| nested(Expr::IsNull(Box::new(p.clone()))))
                            .reduce(|a, b| Expr::BinaryOp {
                                left: Box::new(a),
                                op: BinaryOperator::Or,
                                right: Box::new(b),
                            });
                        let row = Expr::Case {
                            case_token:
                                sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
                            end_token:
                                sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
                            operand: None,
                            conditions: vec![sqlparser::ast::CaseWhen {
                                condition: any_null.unwrap_or(literal(Value::Null)),
                                result: literal(Value::Null),
                            }],
                            else_result: Some(Box::new(call("json_array", parts))),
                        };
                        list.args
                            .push(FunctionArg::Unnamed(FunctionArgExpr::Expr(row)));
                    }
                }
            }
            "GROUP_CONCAT" => {
                if let FunctionArguments::List(list) = &mut f.args {
                    let mut separator = None;
                    list.clauses.retain(|c| match c {
                        FunctionArgumentClause::Separator(v) => {
                            separator = Some(v.clone());
                            false
                        }
                        _ => true,
                    });
                    if list.args.len() > 1 {
                        // GROUP_CONCAT(a, b): MySQL concatenates the arguments.
                        let parts: Vec<Expr> = list
                            .args
                            .drain(..)
                            .filter_map(|a| match a {
                                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                                _ => None,
                            })
                            .collect();
                        list.args
                            .push(FunctionArg::Unnamed(FunctionArgExpr::Expr(call(
                                "mysql_concat",
                                parts,
                            ))));
                    }
                    if let Some(sep) = separator {
                        if list.duplicate_treatment.is_some() && sep.to_string() != "','" {
                            // SQLite's DISTINCT aggregates take one argument: the distinct
                            // values as a JSON array, joined with the separator.
                            f.name = ObjectName::from(vec![Ident::new("json_group_array")]);
                            return crate::forms::joined(
                                Expr::Function(f.clone()),
                                Expr::Value(sep),
                            );
                        }
                        if list.duplicate_treatment.is_none() {
                            list.args.push(FunctionArg::Unnamed(FunctionArgExpr::Expr(
                                Expr::Value(sep),
                            )));
                        }
                    }
                }
            }
            "ROUND" => {
                let double = function_args(f)
                    .first()
                    .is_some_and(|a| numeric_type(a, &self.columns) == Some(Num::Double));
                if double {
                    f.name = ObjectName::from(vec![Ident::new("mysql_round_double")]);
                    return None;
                }
            }
            _ => {}
        }
        if let Some(sqlite) = renames().get(&name) {
            f.name = ObjectName::from(vec![Ident::new(*sqlite)]);
        }
        if matches!(f.args, FunctionArguments::None) {
            // CURRENT_TIMESTAMP and friends, written without parentheses.
            f.args = FunctionArguments::List(FunctionArgumentList {
                duplicate_treatment: None,
                args: Vec::new(),
                clauses: Vec::new(),
            });
        }
        None
    }

    fn rewrite_cast(&mut self, expr: Expr, data_type: &DataType) -> Expr {
        let text = data_type.to_string().to_ascii_uppercase();
        let word = text.split(['(', ' ']).next().unwrap_or_default().to_owned();
        let numbers: Vec<Expr> = text
            .split_once('(')
            .map(|(_, rest)| {
                rest.trim_end_matches(')')
                    .split(',')
                    .filter_map(|n| n.trim().parse::<u64>().ok())
                    .map(|n| literal(Value::Number(n.to_string(), false)))
                    .collect()
            })
            .unwrap_or_default();
        let with = |mut args: Vec<Expr>, rest: Vec<Expr>| {
            args.extend(rest);
            args
        };
        match word.as_str() {
            "SIGNED" | "INT" | "INTEGER" | "BIGINT" => call("mysql_cast_signed", vec![expr]),
            "UNSIGNED" => call("mysql_cast_unsigned", vec![expr]),
            "CHAR" | "VARCHAR" | "NCHAR" | "TEXT" | "STRING" => {
                // A DECIMAL prints its scale (`CAST(10.50 AS CHAR)` is '10.50').
                let expr = match numeric_type(&expr, &self.columns) {
                    Some(Num::Dec(s)) if s > 0 => call(
                        "iif",
                        vec![
                            nested(Expr::IsNull(Box::new(expr.clone()))),
                            literal(Value::Null),
                            call("printf", vec![string(format!("%.{s}f")), expr]),
                        ],
                    ),
                    _ => expr,
                };
                call("mysql_cast_char", with(vec![expr], numbers))
            }
            "DECIMAL" | "NUMERIC" | "DEC" => {
                let mut args = vec![expr];
                args.extend(numbers);
                while args.len() < 3 {
                    let n = if args.len() == 1 { "10" } else { "0" };
                    args.push(literal(Value::Number(n.to_owned(), false)));
                }
                call("mysql_cast_decimal", args)
            }
            "DATE" => call("mysql_cast_date", vec![expr]),
            "DATETIME" | "TIMESTAMP" => call("mysql_cast_datetime", with(vec![expr], numbers)),
            "TIME" => call("mysql_cast_time", with(vec![expr], numbers)),
            "BINARY" if !numbers.is_empty() => call("mysql_cast_binary", with(vec![expr], numbers)),
            "BINARY" | "VARBINARY" | "BLOB" => Expr::Cast {
                kind: CastKind::Cast,
                expr: Box::new(expr),
                data_type: DataType::Blob(None),
                format: None,
            },
            "DOUBLE" | "FLOAT" | "REAL" => Expr::Cast {
                kind: CastKind::Cast,
                expr: Box::new(expr),
                data_type: DataType::Real,
                format: None,
            },
            "JSON" => call("mysql_json_cast", vec![expr]),
            "YEAR" => call("mysql_cast_signed", vec![expr]),
            _ => {
                self.fail(SqlError::syntax(&text, 1));
                expr
            }
        }
    }

    /// `left op ANY (right)` or, with `all`, `left op ALL (right)`.
    fn quantified(
        &mut self,
        left: Expr,
        op: BinaryOperator,
        right: &Expr,
        all: bool,
    ) -> Option<Expr> {
        let q = crate::forms::subquery_operand(right)?;
        crate::forms::quantified(*q, all, |value| {
            self.rewrite_binary(left.clone(), &op, value.clone())
                .unwrap_or(Expr::BinaryOp {
                    left: Box::new(left),
                    op,
                    right: Box::new(value),
                })
        })
    }

    fn rewrite_binary(&mut self, left: Expr, op: &BinaryOperator, right: Expr) -> Option<Expr> {
        let comparison = crate::forms::is_comparison(op) || matches!(op, BinaryOperator::Spaceship);
        if comparison {
            // A string compared with a binary string (a BINARY / BLOB column, X'..') is
            // compared as bytes.
            let binary = |e: &Expr| {
                matches!(e, Expr::Value(v) if matches!(v.value, Value::HexStringLiteral(_)))
                    || self.meta_of(e).is_some_and(|m| is_binary_type(&m.ty))
            };
            let blob = |e: Expr| Expr::Cast {
                kind: CastKind::Cast,
                expr: Box::new(e),
                data_type: DataType::Blob(None),
                format: None,
            };
            let (left, right) = match (is_string_literal(&left), is_string_literal(&right)) {
                (true, false) if binary(&right) => (blob(left), right),
                (false, true) if binary(&left) => (left, blob(right)),
                _ => (left, right),
            };
            let no_columns = NumColumns::new();
            let numeric = |e: &Expr| numeric_type(e, &no_columns).is_some();
            let (l, r) = self.strings_as_doubles(left, right);
            // A JSON value compared with a scalar compares as that scalar (`j->'$.a' = 'x'`).
            let scalar = |e: &Expr| is_string_literal(e) || numeric(e);
            let (l, r) = match (json_extract_args(&l), json_extract_args(&r)) {
                (Some(args), None) if scalar(&r) => (call("json_extract", args), r),
                (None, Some(args)) if scalar(&l) => (l, call("json_extract", args)),
                _ => (l, r),
            };
            // DECIMAL arithmetic is exact in MySQL (`0.1 + 0.2 = 0.3`); SQLite's REAL is not:
            // a computed DECIMAL compares rounded to its scale.
            let exact = |e: Expr| match numeric_type(&e, &self.columns) {
                Some(Num::Dec(s)) if !is_column(&e) && !matches!(e, Expr::Value(_)) => call(
                    "mysql_round",
                    vec![e, literal(Value::Number(s.to_string(), false))],
                ),
                _ => e,
            };
            let (left, right) = (exact(l), exact(r));
            return self.rewrite_comparison(left, op, right);
        }
        self.rewrite_other_binary(left, op, right)
    }

    /// MySQL compares a string with a number as two doubles (`'10abc' = 10`, `v = 0` for a
    /// VARCHAR `v` holding 'abc', `id = '3abc'`), warning 1292 for a string that is not all
    /// number; SQLite would compare text with text, or find no number equal to a text. The
    /// string side becomes `mysql_compare_double(..)`, and only it: a column compared with a
    /// literal of its own type is left bare, so its index still serves. A bare numeric column
    /// and a string literal that is all number are left to SQLite's column affinity, which
    /// reads `'3'` as 3 with the index.
    fn strings_as_doubles(&self, left: Expr, right: Expr) -> (Expr, Expr) {
        match (
            self.string_side(&left, &right),
            self.string_side(&right, &left),
        ) {
            (true, false) => (self.as_double(left), right),
            (false, true) => (left, self.as_double(right)),
            _ => (left, right),
        }
    }

    /// `e` read as the double a comparison with a number reads it as.
    fn as_double(&self, e: Expr) -> Expr {
        let mut args = vec![e];
        if self.strict_doubles {
            args.push(literal(Value::Number("1".into(), false)));
        }
        call(COMPARE_DOUBLE, args)
    }

    /// `x IN (list)` with strings compared with numbers, as [`Self::strings_as_doubles`]
    /// does for `=`: a string `x` against a list of numbers, or a numeric `x` against the
    /// string literals of its list. None when nothing changes.
    fn in_list_as_doubles(&self, inner: &Expr, list: &[Expr]) -> Option<(Expr, Vec<Expr>)> {
        if matches!(inner, Expr::Tuple(_)) {
            return None;
        }
        let numbers = NumColumns::new();
        if !list.is_empty()
            && list.iter().all(|e| numeric_type(e, &numbers).is_some())
            && list.iter().any(|e| self.string_side(inner, e))
        {
            return Some((self.as_double(inner.clone()), list.to_vec()));
        }
        if !list.iter().any(|e| self.string_side(e, inner)) {
            return None;
        }
        let list = list
            .iter()
            .map(|e| {
                if self.string_side(e, inner) {
                    self.as_double(e.clone())
                } else {
                    e.clone()
                }
            })
            .collect();
        Some((inner.clone(), list))
    }

    /// True when `string`, compared with `number`, must be read as a double: a string
    /// literal or a character / binary string column of the query, against a number.
    fn string_side(&self, string: &Expr, number: &Expr) -> bool {
        if numeric_type(number, &NumColumns::new()).is_some() {
            // A number written in the statement (`0`, `1 + 1`, `-2.5`).
            return is_string_literal(string) || self.is_string_column(string);
        }
        // `a + b` over columns is `mysql_arith('+', a, b, ..)` by now.
        let arithmetic = matches!(number, Expr::Function(f)
            if f.name.to_string().eq_ignore_ascii_case("mysql_arith"));
        if !arithmetic && numeric_type(number, &self.columns).is_none() {
            return false;
        }
        // A numeric column or an expression over one.
        match string {
            Expr::Value(v) => match &v.value {
                Value::SingleQuotedString(t) | Value::DoubleQuotedString(t) => {
                    !is_column(number) || !is_plain_number(t)
                }
                _ => false,
            },
            _ => self.is_string_column(string),
        }
    }

    /// True for a column of the query whose type is a character or binary string (not ENUM
    /// or SET, which compare with numbers by their index).
    fn is_string_column(&self, e: &Expr) -> bool {
        is_column(e) && self.meta_of(e).is_some_and(|m| is_string_type(&m.ty))
    }

    fn rewrite_comparison(&mut self, left: Expr, op: &BinaryOperator, right: Expr) -> Option<Expr> {
        if matches!(op, BinaryOperator::Spaceship) {
            return Some(nested(Expr::IsNotDistinctFrom(
                Box::new(left),
                Box::new(right),
            )));
        }
        if needs_connection_collation(&left, &right) {
            return Some(Expr::BinaryOp {
                left: Box::new(connection_collation(left)),
                op: op.clone(),
                right: Box::new(right),
            });
        }
        Some(Expr::BinaryOp {
            left: Box::new(left),
            op: op.clone(),
            right: Box::new(right),
        })
    }

    fn rewrite_other_binary(
        &mut self,
        left: Expr,
        op: &BinaryOperator,
        right: Expr,
    ) -> Option<Expr> {
        if let Some(checked) = self.checked_arithmetic(&left, op, &right) {
            return Some(checked);
        }
        Some(match op {
            BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq
                if needs_connection_collation(&left, &right) =>
            {
                Expr::BinaryOp {
                    left: Box::new(connection_collation(left)),
                    op: op.clone(),
                    right: Box::new(right),
                }
            }
            BinaryOperator::Divide => call("mysql_div", vec![left, right]),
            BinaryOperator::MyIntegerDivide => call("mysql_intdiv", vec![left, right]),
            BinaryOperator::Modulo => call("mysql_mod", vec![left, right]),
            BinaryOperator::Spaceship => {
                nested(Expr::IsNotDistinctFrom(Box::new(left), Box::new(right)))
            }
            BinaryOperator::StringConcat => nested(Expr::BinaryOp {
                left: Box::new(left),
                op: BinaryOperator::Or,
                right: Box::new(right),
            }),
            BinaryOperator::Xor => {
                let truth = |e: Expr| {
                    nested(Expr::BinaryOp {
                        left: Box::new(nested(e)),
                        op: BinaryOperator::NotEq,
                        right: Box::new(literal(Value::Number("0".into(), false))),
                    })
                };
                nested(Expr::BinaryOp {
                    left: Box::new(truth(left)),
                    op: BinaryOperator::NotEq,
                    right: Box::new(truth(right)),
                })
            }
            BinaryOperator::BitwiseXor => {
                let or = nested(Expr::BinaryOp {
                    left: Box::new(left.clone()),
                    op: BinaryOperator::BitwiseOr,
                    right: Box::new(right.clone()),
                });
                let and = nested(Expr::BinaryOp {
                    left: Box::new(left),
                    op: BinaryOperator::BitwiseAnd,
                    right: Box::new(right),
                });
                nested(Expr::BinaryOp {
                    left: Box::new(or),
                    op: BinaryOperator::Minus,
                    right: Box::new(and),
                })
            }
            BinaryOperator::Arrow => call("mysql_json_extract", vec![left, right]),
            BinaryOperator::LongArrow => call(
                "json_unquote",
                vec![call("mysql_json_extract", vec![left, right])],
            ),
            BinaryOperator::Plus | BinaryOperator::Minus => {
                let sub = matches!(op, BinaryOperator::Minus);
                if let Some((amount, unit)) = interval_args(&right) {
                    let f = if sub {
                        "mysql_date_sub"
                    } else {
                        "mysql_date_add"
                    };
                    call(f, vec![left, amount, unit])
                } else if let (false, Some((amount, unit))) = (sub, interval_args(&left)) {
                    call("mysql_date_add", vec![right, amount, unit])
                } else {
                    let (l, r) = (self.numeric_operand(&left), self.numeric_operand(&right));
                    if l.is_none() && r.is_none() {
                        return None;
                    }
                    Expr::BinaryOp {
                        left: Box::new(l.unwrap_or(left)),
                        op: op.clone(),
                        right: Box::new(r.unwrap_or(right)),
                    }
                }
            }
            BinaryOperator::Multiply => {
                let (l, r) = (self.numeric_operand(&left), self.numeric_operand(&right));
                if l.is_none() && r.is_none() {
                    return None;
                }
                Expr::BinaryOp {
                    left: Box::new(l.unwrap_or(left)),
                    op: op.clone(),
                    right: Box::new(r.unwrap_or(right)),
                }
            }
            _ => return None,
        })
    }

    /// Integer and DOUBLE `+ - *` as `mysql_arith(op, a, b, unsigned, text)`, which fails
    /// with MySQL's 1690 where the result leaves BIGINT [UNSIGNED] or DOUBLE (SQLite would
    /// turn an overflowing integer into a REAL, and a DOUBLE into infinity).
    fn checked_arithmetic(&self, left: &Expr, op: &BinaryOperator, right: &Expr) -> Option<Expr> {
        let symbol = match op {
            BinaryOperator::Plus => "+",
            BinaryOperator::Minus => "-",
            BinaryOperator::Multiply => "*",
            _ => return None,
        };
        if matches!(left, Expr::Interval(_)) || matches!(right, Expr::Interval(_)) {
            return None;
        }
        let (a, b) = (
            numeric_type(left, &self.columns)?,
            numeric_type(right, &self.columns)?,
        );
        let double = match (a, b) {
            (Num::Int, Num::Int) => false,
            (Num::Double, Num::Double | Num::Int) | (Num::Int, Num::Double) => true,
            _ => return None,
        };
        let unsigned = |e: &Expr| match e {
            // A literal past BIGINT's range that fits 64 bits is BIGINT UNSIGNED.
            Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case(EXACT_INTEGER) => f
                .to_string()
                .split('\'')
                .nth(1)
                .is_some_and(|n| n.parse::<u64>().is_ok()),
            Expr::Function(f) => f
                .name
                .to_string()
                .eq_ignore_ascii_case("mysql_cast_unsigned"),
            _ => self.meta_of(e).is_some_and(|m| m.ty.contains("unsigned")),
        };
        let flag = !double && (unsigned(left) || unsigned(right));
        Some(call(
            "mysql_arith",
            vec![
                string(symbol),
                left.clone(),
                right.clone(),
                literal(Value::Number(u8::from(flag).to_string(), false)),
                string(unwrap_exact(&format!("{left} {symbol} {right}"))),
            ],
        ))
    }

    /// The column `e` names, if the outermost SELECT's tables have it.
    fn meta_of(&self, e: &Expr) -> Option<&ColumnMeta> {
        let key = |p: &[Ident]| {
            p.iter()
                .map(|i| i.value.to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join(".")
        };
        match e {
            Expr::Identifier(i) => self.meta.get(&i.value.to_ascii_lowercase()),
            Expr::CompoundIdentifier(parts) => {
                let n = parts.len();
                self.meta
                    .get(&key(&parts[n.saturating_sub(2)..]))
                    .or_else(|| self.meta.get(&key(&parts[n - 1..])))
            }
            _ => None,
        }
    }

    /// A temporal, ENUM or SET column in arithmetic, as the number MySQL reads it as
    /// (`d + 0` is 20240229, an ENUM its index, a SET its bits); None for other operands.
    fn numeric_operand(&self, e: &Expr) -> Option<Expr> {
        let meta = self.meta_of(e)?;
        let ty = meta.ty.as_str();
        let word = ty.split(['(', ' ']).next().unwrap_or_default();
        let replace = |x: Expr, from: &str| call("replace", vec![x, string(from), string("")]);
        let cast_numeric = |x: Expr| Expr::Cast {
            kind: CastKind::Cast,
            expr: Box::new(x),
            data_type: DataType::Numeric(sqlparser::ast::ExactNumberInfo::None),
            format: None,
        };
        match word {
            "date" => Some(cast_numeric(replace(e.clone(), "-"))),
            "datetime" | "timestamp" => Some(cast_numeric(replace(
                replace(replace(e.clone(), "-"), " "),
                ":",
            ))),
            "time" => Some(cast_numeric(replace(e.clone(), ":"))),
            "enum" | "set" => {
                let members = enum_members(ty);
                let value = |i: usize, m: &str| -> (Expr, Expr) {
                    if word == "enum" {
                        (
                            Expr::BinaryOp {
                                left: Box::new(e.clone()),
                                op: BinaryOperator::Eq,
                                right: Box::new(string(m)),
                            },
                            literal(Value::Number((i + 1).to_string(), false)),
                        )
                    } else {
                        let wrap = |x: Expr| Expr::BinaryOp {
                            left: Box::new(Expr::BinaryOp {
                                left: Box::new(string(",")),
                                op: BinaryOperator::StringConcat,
                                right: Box::new(x),
                            }),
                            op: BinaryOperator::StringConcat,
                            right: Box::new(string(",")),
                        };
                        (
                            Expr::BinaryOp {
                                left: Box::new(call(
                                    "instr",
                                    vec![wrap(e.clone()), wrap(string(m))],
                                )),
                                op: BinaryOperator::Gt,
                                right: Box::new(literal(Value::Number("0".into(), false))),
                            },
                            literal(Value::Number((1u64 << i.min(63)).to_string(), false)),
                        )
                    }
                };
                let case = |cond: Expr, then: Expr| Expr::Case {
                    case_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
                    end_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
                    operand: None,
                    conditions: vec![sqlparser::ast::CaseWhen {
                        condition: cond,
                        result: then,
                    }],
                    else_result: Some(Box::new(literal(Value::Number("0".into(), false)))),
                };
                let parts = members.iter().enumerate().map(|(i, m)| {
                    let (cond, then) = value(i, m);
                    case(cond, then)
                });
                let sum = parts.reduce(|a, b| Expr::BinaryOp {
                    left: Box::new(a),
                    op: BinaryOperator::Plus,
                    right: Box::new(b),
                })?;
                // NULL stays NULL.
                Some(nested(call(
                    "iif",
                    vec![
                        nested(Expr::IsNull(Box::new(e.clone()))),
                        literal(Value::Null),
                        nested(sum),
                    ],
                )))
            }
            _ => None,
        }
    }
}

/// The members of `enum('a','b')` / `set('a','b')`, unquoted.
fn enum_members(ty: &str) -> Vec<String> {
    let Some(inner) = ty.split_once('(').map(|(_, r)| r) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut m = String::new();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    m.push('\'');
                    continue;
                }
                break;
            }
            m.push(c);
        }
        out.push(m);
    }
    out
}

/// What a rewrite must know of a column beyond its numeric class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnMeta {
    /// Its MySQL type as SHOW CREATE TABLE prints it, lower case (`enum('a','b')`).
    pub ty: String,
    /// A `_bin` collation: LIKE is case-sensitive.
    pub bin_collation: bool,
    /// The collation declared for it, if any.
    pub collation: Option<String>,
}

impl ColumnMeta {
    /// What a rewrite must know of `col`, as its table declares it.
    pub(crate) fn of(col: &crate::schema::Column) -> ColumnMeta {
        ColumnMeta {
            ty: col.ty.show().to_ascii_lowercase(),
            bin_collation: col
                .collation
                .as_deref()
                .is_some_and(|c| c.to_ascii_lowercase().ends_with("_bin")),
            collation: col.collation.as_ref().map(|c| c.to_ascii_lowercase()),
        }
    }
}

/// [`ColumnMeta`] of the columns a SELECT can name, keyed as [`NumColumns`].
pub(crate) type MetaColumns = HashMap<String, ColumnMeta>;

/// True for a character or binary string type (CHAR, VARCHAR, TEXT, BINARY, VARBINARY, BLOB
/// and their sizes).
fn is_string_type(ty: &str) -> bool {
    let word = ty.split(['(', ' ']).next().unwrap_or_default();
    matches!(
        word,
        "char"
            | "varchar"
            | "tinytext"
            | "text"
            | "mediumtext"
            | "longtext"
            | "binary"
            | "varbinary"
            | "tinyblob"
            | "blob"
            | "mediumblob"
            | "longblob"
    )
}

/// True for a string SQLite's numeric affinity reads whole as a number (`'3'`, `' 1e1 '`),
/// as MySQL reads it without a warning.
fn is_plain_number(s: &str) -> bool {
    let t = s.trim_matches(' ');
    !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && t.bytes().any(|b| b.is_ascii_digit())
        && t.parse::<f64>().is_ok()
}

/// True for a binary string type (BINARY, VARBINARY, BLOB).
fn is_binary_type(ty: &str) -> bool {
    let word = ty.split(['(', ' ']).next().unwrap_or_default();
    matches!(
        word,
        "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob"
    )
}

/// The MySQL type an expression has whatever its operands (a `DATETIME` for `NOW()`), as a
/// type name; `"shape"` when only the values can tell (`DATE_ADD` of a DATE is a DATE, of a
/// DATETIME a DATETIME).
pub(crate) fn type_hint(e: &Expr) -> Option<&'static str> {
    Some(match e {
        Expr::Nested(inner) => return type_hint(inner),
        Expr::Function(f) => {
            let name = f.name.to_string().to_ascii_uppercase();
            match name.as_str() {
                "NOW" | "CURRENT_TIMESTAMP" | "SYSDATE" | "LOCALTIME" | "LOCALTIMESTAMP"
                | "UTC_TIMESTAMP" | "FROM_UNIXTIME" | "TIMESTAMP" => "datetime",
                "CURDATE" | "CURRENT_DATE" | "UTC_DATE" | "DATE" | "LAST_DAY" | "MAKEDATE"
                | "FROM_DAYS" => "date",
                "CURTIME" | "CURRENT_TIME" | "UTC_TIME" | "TIME" | "SEC_TO_TIME" | "TIMEDIFF"
                | "MAKETIME" => "time",
                "SUM" | "AVG" => "decimal",
                "COUNT" | "LENGTH" | "CHAR_LENGTH" | "CHARACTER_LENGTH" | "OCTET_LENGTH"
                | "YEAR" | "MONTH" | "DAY" | "DAYOFMONTH" | "HOUR" | "MINUTE" | "SECOND"
                | "DAYOFWEEK" | "DAYOFYEAR" | "WEEKDAY" | "QUARTER" | "WEEK" | "TO_DAYS"
                | "DATEDIFF" | "TIMESTAMPDIFF" | "LOCATE" | "INSTR" | "POSITION"
                | "FIND_IN_SET" | "ROW_NUMBER" | "RANK" | "DENSE_RANK" | "CONNECTION_ID"
                | "LAST_INSERT_ID" | "FOUND_ROWS" | "ROW_COUNT" | "UNIX_TIMESTAMP"
                | "BIT_COUNT" | "CRC32" | "ASCII" | "ORD" | "SIGN" | "MICROSECOND" => "bigint",
                "JSON_EXTRACT"
                | "JSON_OBJECT"
                | "JSON_ARRAY"
                | "JSON_SET"
                | "JSON_INSERT"
                | "JSON_REPLACE"
                | "JSON_REMOVE"
                | "JSON_MERGE_PRESERVE"
                | "JSON_MERGE_PATCH"
                | "JSON_MERGE"
                | "JSON_ARRAY_APPEND"
                | "JSON_ARRAY_INSERT"
                | "JSON_KEYS"
                | "JSON_ARRAYAGG"
                | "JSON_OBJECTAGG"
                | "JSON_QUOTE" => "json",
                "DATE_ADD" | "DATE_SUB" | "ADDDATE" | "SUBDATE" | "TIMESTAMPADD"
                | "STR_TO_DATE" | "IFNULL" | "COALESCE" | "GREATEST" | "LEAST" | "IF"
                | "NULLIF" | "MIN" | "MAX" | "ADDTIME" | "SUBTIME" | "CONVERT_TZ" => "shape",
                _ => return None,
            }
        }
        Expr::Cast { data_type, .. }
        | Expr::Convert {
            data_type: Some(data_type),
            ..
        } => {
            let t = data_type.to_string().to_ascii_uppercase();
            match t.split(['(', ' ']).next().unwrap_or_default() {
                "DATE" => "date",
                "DATETIME" | "TIMESTAMP" => "datetime",
                "TIME" => "time",
                "SIGNED" | "INT" | "INTEGER" | "BIGINT" => "bigint",
                "UNSIGNED" => "bigint unsigned",
                "DECIMAL" | "NUMERIC" | "DEC" => "decimal",
                "JSON" => "json",
                "DOUBLE" | "FLOAT" | "REAL" => "double",
                "BINARY" => return None,
                _ => return None,
            }
        }
        Expr::BinaryOp { op, left, right } => match op {
            BinaryOperator::Divide => "decimal",
            BinaryOperator::MyIntegerDivide => "bigint",
            BinaryOperator::Arrow => "json",
            BinaryOperator::Plus | BinaryOperator::Minus
                if matches!(**right, Expr::Interval(_)) || matches!(**left, Expr::Interval(_)) =>
            {
                "shape"
            }
            _ => return None,
        },
        Expr::Case { .. } => "shape",
        _ => return None,
    })
}

/// The numeric class of a MySQL expression's result, for the digits a DECIMAL prints after
/// the point (SQLite keeps DECIMAL values as INTEGER/REAL, which have no scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Num {
    /// An integer type.
    Int,
    /// DECIMAL with this scale.
    Dec(u32),
    /// FLOAT / DOUBLE.
    Double,
}

/// MySQL's `div_precision_increment`: the digits `/` adds to its dividend's scale.
const DIV_PRECISION_INCREMENT: u32 = 4;
/// The largest DECIMAL scale.
const MAX_SCALE: u32 = 30;

/// Numeric classes of the columns a SELECT can name: keys are lower-case `column` and
/// `qualifier.column`.
pub(crate) type NumColumns = HashMap<String, Num>;

/// The numeric class of a column of MySQL type `text` (`decimal(10,2)`, `int unsigned`).
pub(crate) fn num_of_type(text: &str) -> Option<Num> {
    let lower = text.to_ascii_lowercase();
    let word = lower
        .split(|c: char| c == '(' || c.is_whitespace())
        .next()
        .unwrap_or_default();
    Some(match word {
        "tinyint" | "bool" | "boolean" | "smallint" | "mediumint" | "int" | "integer"
        | "bigint" | "year" | "bit" => Num::Int,
        "decimal" | "numeric" | "dec" | "fixed" => Num::Dec(
            lower
                .split_once('(')
                .and_then(|(_, r)| r.split(')').next())
                .and_then(|args| args.split(',').nth(1))
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0),
        ),
        "float" | "double" | "real" => Num::Double,
        _ => return None,
    })
}

/// The class of a result combining operands of classes `a` and `b` (`+`, `COALESCE`, `CASE`).
pub(crate) fn num_union(a: Num, b: Num) -> Num {
    match (a, b) {
        (Num::Double, _) | (_, Num::Double) => Num::Double,
        (Num::Int, Num::Int) => Num::Int,
        (Num::Dec(x), Num::Dec(y)) => Num::Dec(x.max(y)),
        (Num::Dec(x), Num::Int) | (Num::Int, Num::Dec(x)) => Num::Dec(x),
    }
}

fn scale_of(n: Num) -> u32 {
    match n {
        Num::Dec(s) => s,
        _ => 0,
    }
}

fn function_args(f: &Function) -> Vec<&Expr> {
    match &f.args {
        FunctionArguments::List(list) => list
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The numeric class of MySQL expression `e`, given the classes of the columns it can name;
/// None when it is not numeric or cannot be told.
/// A division whose value goes into more arithmetic, a comparison, ROUND or TRUNCATE becomes
/// `mysql_div_inner`, which keeps MySQL's 9-digit groups (`1/3 = 0.3333` is false in MySQL);
/// `mysql_div` gives the value shown.
fn mark_inner_divisions(expr: &mut Expr) {
    use sqlparser::ast::UnaryOperator;
    let operands: Vec<&mut Expr> = match expr {
        Expr::BinaryOp {
            left,
            op:
                BinaryOperator::Plus
                | BinaryOperator::Minus
                | BinaryOperator::Multiply
                | BinaryOperator::Divide
                | BinaryOperator::Modulo
                | BinaryOperator::MyIntegerDivide
                | BinaryOperator::Eq
                | BinaryOperator::NotEq
                | BinaryOperator::Lt
                | BinaryOperator::LtEq
                | BinaryOperator::Gt
                | BinaryOperator::GtEq
                | BinaryOperator::Spaceship,
            right,
        } => vec![&mut **left, &mut **right],
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => vec![&mut **expr],
        Expr::Function(f)
            if matches!(
                f.name.to_string().to_ascii_uppercase().as_str(),
                "ROUND" | "TRUNCATE"
            ) =>
        {
            match &mut f.args {
                sqlparser::ast::FunctionArguments::List(list) => list
                    .args
                    .iter_mut()
                    .take(1)
                    .filter_map(|a| match a {
                        sqlparser::ast::FunctionArg::Unnamed(
                            sqlparser::ast::FunctionArgExpr::Expr(e),
                        ) => Some(e),
                        _ => None,
                    })
                    .collect(),
                _ => return,
            }
        }
        _ => return,
    };
    for operand in operands {
        let mut at = operand;
        while let Expr::Nested(inner) = at {
            at = inner;
        }
        if let Expr::BinaryOp {
            left,
            op: BinaryOperator::Divide,
            right,
        } = at
        {
            *at = call("mysql_div_inner", vec![(**left).clone(), (**right).clone()]);
        }
    }
}

/// The identity function around an integer literal past BIGINT, which SQLite gets as text.
const EXACT_INTEGER: &str = "mysql_exact";

/// Translated SQL with [`EXACT_INTEGER`]'s literals as the client wrote them (for messages).
fn unwrap_exact(sql: &str) -> String {
    let open = format!("{EXACT_INTEGER}('");
    let mut out = String::new();
    let mut rest = sql;
    while let Some(at) = rest.find(&open) {
        out.push_str(&rest[..at]);
        rest = &rest[at + open.len()..];
        let end = rest.find("')").unwrap_or(rest.len());
        out.push_str(&rest[..end]);
        rest = rest.get(end + 2..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

pub(crate) fn numeric_type(e: &Expr, columns: &NumColumns) -> Option<Num> {
    let all = |args: &[&Expr]| -> Option<Num> {
        let mut out: Option<Num> = None;
        for a in args {
            if matches!(a, Expr::Value(v) if v.value == Value::Null) {
                continue;
            }
            let n = numeric_type(a, columns)?;
            out = Some(out.map_or(n, |o| num_union(o, n)));
        }
        out
    };
    match e {
        Expr::Nested(inner) => numeric_type(inner, columns),
        Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case(EXACT_INTEGER) => {
            Some(Num::Int)
        }
        Expr::Identifier(i) => columns.get(&i.value.to_ascii_lowercase()).copied(),
        Expr::CompoundIdentifier(parts) => {
            let n = parts.len();
            let key = |p: &[Ident]| {
                p.iter()
                    .map(|i| i.value.to_ascii_lowercase())
                    .collect::<Vec<_>>()
                    .join(".")
            };
            columns
                .get(&key(&parts[n.saturating_sub(2)..]))
                .or_else(|| columns.get(&key(&parts[n - 1..])))
                .copied()
        }
        Expr::Value(v) => match &v.value {
            Value::Number(s, _) => Some(if s.contains(['e', 'E']) {
                Num::Double
            } else if let Some((_, frac)) = s.split_once('.') {
                Num::Dec((frac.len() as u32).min(MAX_SCALE))
            } else {
                Num::Int
            }),
            Value::Boolean(_) => Some(Num::Int),
            _ => None,
        },
        Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Minus | sqlparser::ast::UnaryOperator::Plus,
            expr,
        } => numeric_type(expr, columns),
        Expr::BinaryOp { left, op, right } => {
            if matches!(**left, Expr::Interval(_)) || matches!(**right, Expr::Interval(_)) {
                return None;
            }
            match op {
                BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Modulo => Some(
                    num_union(numeric_type(left, columns)?, numeric_type(right, columns)?),
                ),
                BinaryOperator::Multiply => {
                    let (a, b) = (numeric_type(left, columns)?, numeric_type(right, columns)?);
                    Some(match (a, b) {
                        (Num::Double, _) | (_, Num::Double) => Num::Double,
                        (Num::Int, Num::Int) => Num::Int,
                        _ => Num::Dec((scale_of(a) + scale_of(b)).min(MAX_SCALE)),
                    })
                }
                BinaryOperator::Divide => {
                    let (a, b) = (numeric_type(left, columns)?, numeric_type(right, columns)?);
                    Some(match (a, b) {
                        (Num::Double, _) | (_, Num::Double) => Num::Double,
                        _ => Num::Dec((scale_of(a) + DIV_PRECISION_INCREMENT).min(MAX_SCALE)),
                    })
                }
                BinaryOperator::MyIntegerDivide
                | BinaryOperator::Eq
                | BinaryOperator::NotEq
                | BinaryOperator::Lt
                | BinaryOperator::LtEq
                | BinaryOperator::Gt
                | BinaryOperator::GtEq
                | BinaryOperator::Spaceship
                | BinaryOperator::And
                | BinaryOperator::Or
                | BinaryOperator::Xor => Some(Num::Int),
                _ => None,
            }
        }
        Expr::Cast { data_type, .. }
        | Expr::Convert {
            data_type: Some(data_type),
            ..
        } => {
            let t = data_type.to_string().to_ascii_lowercase();
            match t.split(['(', ' ']).next().unwrap_or_default() {
                "signed" | "unsigned" => Some(Num::Int),
                "decimal" | "numeric" | "dec" => num_of_type(&t).or(Some(Num::Dec(0))),
                _ => num_of_type(&t),
            }
        }
        Expr::Case {
            conditions,
            else_result,
            ..
        } => {
            let mut arms: Vec<&Expr> = conditions.iter().map(|c| &c.result).collect();
            arms.extend(else_result.as_deref());
            all(&arms)
        }
        Expr::Function(f) => {
            let name = f.name.to_string().to_ascii_uppercase();
            let args = function_args(f);
            let first = || args.first().and_then(|a| numeric_type(a, columns));
            match name.as_str() {
                "SUM" => Some(match first()? {
                    Num::Int => Num::Dec(0),
                    n => n,
                }),
                "AVG" => Some(match first()? {
                    Num::Double => Num::Double,
                    n => Num::Dec((scale_of(n) + DIV_PRECISION_INCREMENT).min(MAX_SCALE)),
                }),
                "MIN" | "MAX" | "ABS" | "ANY_VALUE" => first(),
                "CEIL" | "CEILING" | "FLOOR" => match first()? {
                    Num::Double => Some(Num::Double),
                    _ => Some(Num::Int),
                },
                "ROUND" | "TRUNCATE" => match first()? {
                    Num::Dec(_) => {
                        let digits = match args.get(1) {
                            None => 0,
                            Some(Expr::Value(v)) => match &v.value {
                                Value::Number(n, _) => n.parse::<u32>().unwrap_or(0),
                                _ => return None,
                            },
                            Some(Expr::UnaryOp { .. }) => 0,
                            Some(_) => return None,
                        };
                        Some(Num::Dec(digits.min(MAX_SCALE)))
                    }
                    n => Some(n),
                },
                "COALESCE" | "IFNULL" | "GREATEST" | "LEAST" => all(&args),
                "IF" => all(args.get(1..)?),
                "NULLIF" => first(),
                // Already rewritten casts (a rewrite's operands are visited first).
                "MYSQL_CAST_SIGNED" | "MYSQL_CAST_UNSIGNED" => Some(Num::Int),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The type hint of a DECIMAL result with `scale` digits after the point.
pub(crate) fn decimal_hint(scale: u32) -> &'static str {
    static HINTS: OnceLock<Vec<String>> = OnceLock::new();
    let hints = HINTS.get_or_init(|| {
        (0..=MAX_SCALE)
            .map(|s| format!("decimal(65,{s})"))
            .collect()
    });
    &hints[scale.min(MAX_SCALE) as usize]
}

/// The type hint of a select item: its DECIMAL scale where the operands tell it, else what
/// [`type_hint`] says.
pub(crate) fn item_hint(e: &Expr, columns: &NumColumns) -> Option<&'static str> {
    // PI() is a DOUBLE that prints 6 decimals.
    if matches!(e, Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("pi")) {
        return Some(decimal_hint(6));
    }
    match numeric_type(e, columns) {
        Some(Num::Dec(s)) => Some(decimal_hint(s)),
        _ => type_hint(e),
    }
}

/// True when a comparison has no column and no explicit COLLATE to take a collation from:
/// SQLite would compare byte by byte, MySQL with the connection's collation.
fn needs_connection_collation(left: &Expr, right: &Expr) -> bool {
    let decided = |e: &Expr| {
        is_column(e)
            || matches!(e, Expr::Collate { .. })
            || matches!(e, Expr::Nested(n) if matches!(**n, Expr::Collate { .. }))
    };
    let texty = |e: &Expr| !matches!(e, Expr::Value(v) if matches!(v.value, Value::Number(..) | Value::Null));
    let row = |e: &Expr| matches!(e, Expr::Tuple(_));
    !decided(left) && !decided(right) && !row(left) && !row(right) && (texty(left) || texty(right))
}

/// `e COLLATE utf8mb4_0900_ai_ci`: MySQL's default collation for a comparison of values.
fn connection_collation(e: Expr) -> Expr {
    Expr::Collate {
        expr: Box::new(nested(e)),
        collation: ObjectName::from(vec![Ident::new("utf8mb4_0900_ai_ci")]),
    }
}

/// `x COLLATE BINARY`, as `BINARY x` is rewritten.
fn is_binary_collated(e: &Expr) -> bool {
    match e {
        Expr::Nested(inner) => is_binary_collated(inner),
        Expr::Collate { collation, .. } => collation.to_string().eq_ignore_ascii_case("binary"),
        _ => false,
    }
}

fn is_string_literal(e: &Expr) -> bool {
    matches!(e, Expr::Value(v)
        if matches!(v.value, Value::SingleQuotedString(_) | Value::DoubleQuotedString(_)))
}

/// The arguments of a rewritten `JSON_EXTRACT` (or `->`) call.
fn json_extract_args(e: &Expr) -> Option<Vec<Expr>> {
    match e {
        Expr::Nested(inner) => json_extract_args(inner),
        Expr::Function(f)
            if f.name
                .to_string()
                .eq_ignore_ascii_case("mysql_json_extract") =>
        {
            let args: Vec<Expr> = function_args(f).into_iter().cloned().collect();
            (args.len() == 2).then_some(args)
        }
        _ => None,
    }
}

fn single_arg(f: &Function) -> Option<Expr> {
    match &f.args {
        FunctionArguments::List(list) if list.args.len() == 1 => match &list.args[0] {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e.clone()),
            _ => None,
        },
        _ => None,
    }
}

impl VisitorMut for Rewrite<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.ctes.insert(cte.alias.name.value.to_ascii_lowercase());
            }
        }
        crate::forms::expand_rollup(query);
        crate::forms::unparenthesize_branches(&mut query.body);
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, query: &mut Query) -> ControlFlow<()> {
        crate::forms::lateral_as_json(query);
        if query.with.as_ref().is_some_and(|w| w.recursive) {
            let number = |v: Result<Value, SqlError>| match v {
                Ok(Value::Number(n, _)) => n.parse::<u64>().ok(),
                _ => None,
            };
            let sql_mode = match self.session.system_variable("sql_mode") {
                Ok(Value::SingleQuotedString(m)) => m.to_ascii_uppercase(),
                _ => String::new(),
            };
            let bounds = crate::forms::Recursion {
                max_depth: number(self.session.system_variable("cte_max_recursion_depth"))
                    .unwrap_or(1000),
                strict: sql_mode.contains("STRICT_TRANS_TABLES")
                    || sql_mode.contains("STRICT_ALL_TABLES"),
            };
            crate::forms::bound_recursion(query, &bounds);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &mut Select) -> ControlFlow<()> {
        // SQL_NO_CACHE, HIGH_PRIORITY, ...: MySQL's hints, no SQL for SQLite (query.rs has
        // taken SQL_CALC_FOUND_ROWS out already).
        select.select_modifiers = None;
        crate::forms::rewrite_joins(&mut select.from);
        if self.hints.is_none() {
            self.hints = Some(
                select
                    .projection
                    .iter()
                    .map(|item| match item {
                        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                            item_hint(e, &self.columns)
                        }
                        _ => None,
                    })
                    .collect(),
            );
        }
        self.label_projection(select);
        // A select item `BINARY x` / `CAST(x AS BINARY)` is a binary string (elsewhere it
        // compares byte by byte: a BINARY collation).
        for item in &mut select.projection {
            if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } = item {
                if let Expr::Cast {
                    data_type: data_type @ DataType::Binary(None),
                    expr: inner,
                    ..
                } = e
                {
                    // (`BINARY a = b` is parsed as `BINARY (a = b)`: see pre_visit_expr.)
                    if !matches!(**inner, Expr::BinaryOp { .. }) {
                        *data_type = DataType::Blob(None);
                    }
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        if let TableFactor::JsonTable {
            json_expr,
            json_path,
            columns,
            alias,
        } = factor
        {
            match json_table_factor(json_expr, &json_path.value, columns, alias.take()) {
                Ok(derived) => *factor = derived,
                Err(e) => self.fail(e),
            }
            return ControlFlow::Continue(());
        }
        // The row source of a JSON_TABLE (above): SQLite's own table-valued function.
        if matches!(factor, TableFactor::Table { name, args: Some(_), .. }
            if name.to_string().eq_ignore_ascii_case("json_each"))
        {
            return ControlFlow::Continue(());
        }
        if let TableFactor::Table {
            name,
            alias,
            index_directives,
            ..
        } = factor
        {
            if name.0.len() == 1 && self.ctes.contains(&name.to_string().to_ascii_lowercase()) {
                index_directives.clear();
                return ControlFlow::Continue(());
            }
            if let Ok((db, table)) = self.resolve(name) {
                for d in index_directives.iter() {
                    if let sqlparser::ast::TableIndexDirective::MySql(h) = d {
                        for i in &h.index_names {
                            self.index_hints
                                .push((db.clone(), table.clone(), i.value.clone()));
                        }
                    }
                }
            }
            index_directives.clear();
            let bare = match name.0.last() {
                Some(ObjectNamePart::Identifier(i)) => i.clone(),
                _ => Ident::new(name.to_string()),
            };
            match self.table_name(name) {
                Ok(sqlite) => {
                    *name = sqlite;
                    if alias.is_none() {
                        *alias = Some(sqlparser::ast::TableAlias {
                            explicit: true,
                            name: Ident::with_quote('`', bare.value),
                            columns: Vec::new(),
                            at: None,
                        });
                    }
                }
                Err(e) => self.fail(e),
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        mark_inner_divisions(expr);
        // MySQL runs no IN / ANY / ALL subquery with a LIMIT of its own.
        let limited = match expr {
            Expr::In {
                target: InTarget::Subquery(subquery),
                ..
            } => subquery.limit_clause.is_some(),
            Expr::AnyOp { right, .. } | Expr::AllOp { right, .. } => {
                matches!(&**right, Expr::Subquery(q) if q.limit_clause.is_some())
            }
            _ => false,
        };
        if limited {
            self.fail(SqlError::not_supported("LIMIT & IN/ALL/ANY/SOME subquery"));
        }
        if let Expr::Function(Function {
            over: Some(sqlparser::ast::WindowType::WindowSpec(spec)),
            ..
        }) = expr
        {
            crate::forms::interval_frame(spec);
        }
        // `@x := expr` assigns per row: the session's variable, through a function.
        if let Expr::BinaryOp {
            left,
            op: BinaryOperator::Assignment,
            right,
        } = expr
        {
            if let Expr::Identifier(i) = &**left {
                if i.value.starts_with('@') && !i.value.starts_with("@@") {
                    let name = i.value[1..].to_ascii_lowercase();
                    let value = std::mem::replace(&mut **right, Expr::value(Value::Null));
                    *expr = call(USER_VARIABLE_SET, vec![string(name), value]);
                }
            }
        }
        // sqlparser reads `BINARY a = b` as `BINARY (a = b)`; MySQL's BINARY binds tighter
        // than any binary operator: `(BINARY a) = b`.
        if let Expr::Cast {
            data_type: DataType::Binary(None),
            expr: inner,
            kind: CastKind::Cast,
            format: None,
        } = expr
        {
            let mut leftmost: &Expr = inner;
            while let Expr::BinaryOp { left, .. } = leftmost {
                leftmost = left;
            }
            let start = leftmost.span().start;
            let prefix_form = matches!(**inner, Expr::BinaryOp { .. })
                && offset(self.source, start.line, start.column).is_some_and(|at| {
                    self.source.get(..at).is_some_and(|before| {
                        before.trim_end().to_ascii_uppercase().ends_with("BINARY")
                    })
                });
            if prefix_form {
                let mut rebound = (**inner).clone();
                let mut spine = &mut rebound;
                while let Expr::BinaryOp { left, .. } = spine {
                    spine = left;
                }
                *spine = Expr::Cast {
                    kind: CastKind::Cast,
                    expr: Box::new(spine.clone()),
                    data_type: DataType::Binary(None),
                    format: None,
                };
                *expr = rebound;
            }
        }
        // A DATE literal compared with a string holding a time of day compares as DATETIME
        // (`DATE '2024-01-01' = '2024-01-01 00:00:00'`).
        if let Expr::BinaryOp { left, op, right } = expr {
            let comparison = matches!(
                op,
                BinaryOperator::Eq
                    | BinaryOperator::NotEq
                    | BinaryOperator::Lt
                    | BinaryOperator::LtEq
                    | BinaryOperator::Gt
                    | BinaryOperator::GtEq
            );
            let date = |e: &Expr| matches!(e, Expr::TypedString(t) if matches!(t.data_type, DataType::Date));
            let timed = |e: &Expr| {
                matches!(e, Expr::Value(v) if matches!(&v.value,
                    Value::SingleQuotedString(s) if s.trim().len() > 10))
            };
            if comparison && ((date(left) && timed(right)) || (timed(left) && date(right))) {
                **left = call("mysql_cast_datetime", vec![(**left).clone()]);
                **right = call("mysql_cast_datetime", vec![(**right).clone()]);
            }
        }
        // TRUE / FALSE given to a JSON constructor are JSON booleans, not 1 / 0.
        if let Expr::Function(f) = expr {
            let name = f.name.to_string().to_ascii_uppercase();
            if matches!(
                name.as_str(),
                "JSON_OBJECT"
                    | "JSON_ARRAY"
                    | "JSON_SET"
                    | "JSON_INSERT"
                    | "JSON_REPLACE"
                    | "JSON_ARRAY_APPEND"
                    | "JSON_ARRAY_INSERT"
            ) {
                if let FunctionArguments::List(list) = &mut f.args {
                    for arg in &mut list.args {
                        if let FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v))) = arg {
                            if let Value::Boolean(b) = v.value {
                                *arg = FunctionArg::Unnamed(FunctionArgExpr::Expr(call(
                                    "json",
                                    vec![string(if b { "true" } else { "false" })],
                                )));
                            }
                        }
                    }
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::In {
            expr: inner,
            target: InTarget::List(list),
            ..
        } = expr
        {
            if let Some((e, l)) = self.in_list_as_doubles(inner, list) {
                **inner = e;
                *list = l;
                return ControlFlow::Continue(());
            }
        }
        let replacement = match expr {
            Expr::Identifier(i) if i.value.starts_with("@@") && i.quote_style.is_none() => {
                match self.session.system_variable(&i.value[2..]) {
                    Ok(v) => Some(literal(v)),
                    Err(e) => {
                        self.fail(e);
                        None
                    }
                }
            }
            Expr::Identifier(i) if i.value.starts_with('@') && i.quote_style.is_none() => {
                if self.source.contains(":=") {
                    // The statement assigns user variables: reads see each row's value.
                    Some(call(
                        USER_VARIABLE_GET,
                        vec![string(i.value[1..].to_ascii_lowercase())],
                    ))
                } else {
                    Some(literal(self.session.user_variable(&i.value[1..])))
                }
            }
            Expr::CompoundIdentifier(parts) if parts[0].value.starts_with("@@") => {
                let name = parts.last().map(|p| p.value.clone()).unwrap_or_default();
                match self.session.system_variable(&name) {
                    Ok(v) => Some(literal(v)),
                    Err(e) => {
                        self.fail(e);
                        None
                    }
                }
            }
            Expr::CompoundIdentifier(parts) if parts.len() == 3 => {
                Some(Expr::CompoundIdentifier(parts[1..].to_vec()))
            }
            Expr::Value(v) => match &v.value {
                // SQL text cannot hold a NUL: such a string goes as hex.
                Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) if s.contains('\0') => {
                    Some(Expr::Cast {
                        kind: CastKind::Cast,
                        expr: Box::new(hex_literal(s.as_bytes())),
                        data_type: DataType::Text,
                        format: None,
                    })
                }
                Value::DoubleQuotedString(s) => Some(string(s.clone())),
                Value::Boolean(b) => Some(literal(Value::Number(
                    if *b { "1" } else { "0" }.into(),
                    false,
                ))),
                // b'1000001': a bit-value literal is a binary string.
                Value::SingleQuotedByteStringLiteral(bits) => Some(hex_literal(&bit_bytes(bits))),
                // An integer past i64 (a BIGINT UNSIGNED, or an exact DECIMAL): SQLite would
                // read it as a REAL and lose digits; as text it stays exact, mysql_assign takes
                // it as a number, and arithmetic knows it by the wrapper.
                Value::Number(n, _)
                    if n.bytes().all(|b| b.is_ascii_digit()) && n.parse::<i64>().is_err() =>
                {
                    Some(call(EXACT_INTEGER, vec![string(n.clone())]))
                }
                _ => None,
            },
            Expr::Prefixed { prefix, value } => {
                let text = match &**value {
                    Expr::Value(v) => match &v.value {
                        Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => Some(s),
                        _ => None,
                    },
                    _ => None,
                };
                if let (true, Some(text)) = (prefix.value.eq_ignore_ascii_case("_binary"), text) {
                    Some(hex_literal(text.as_bytes()))
                } else if prefix.value.eq_ignore_ascii_case("_binary") {
                    Some(Expr::Cast {
                        kind: CastKind::Cast,
                        expr: value.clone(),
                        data_type: DataType::Blob(None),
                        format: None,
                    })
                } else {
                    Some((**value).clone())
                }
            }
            Expr::TypedString(t) => Some(literal(t.value.value.clone())),
            Expr::BinaryOp { left, op, right } => {
                let op = op.clone();
                self.rewrite_binary((**left).clone(), &op, (**right).clone())
            }
            Expr::Function(f) => self.rewrite_function(f),
            Expr::Cast {
                expr: inner,
                data_type,
                ..
            } => {
                if matches!(data_type, DataType::Binary(None)) {
                    // `BINARY x`: compare byte by byte.
                    Some(nested(Expr::Collate {
                        expr: inner.clone(),
                        collation: ObjectName::from(vec![Ident::new("BINARY")]),
                    }))
                } else {
                    let data_type = data_type.clone();
                    Some(self.rewrite_cast((**inner).clone(), &data_type))
                }
            }
            Expr::Convert {
                expr: inner,
                data_type: Some(data_type),
                ..
            } => {
                let data_type = data_type.clone();
                Some(self.rewrite_cast((**inner).clone(), &data_type))
            }
            Expr::Convert {
                expr: inner,
                data_type: None,
                charset,
                ..
            } => Some(
                if charset
                    .as_ref()
                    .is_some_and(|c| c.to_string().eq_ignore_ascii_case("binary"))
                {
                    // CONVERT(x USING binary): a binary string.
                    Expr::Cast {
                        kind: CastKind::Cast,
                        expr: inner.clone(),
                        data_type: DataType::Blob(None),
                        format: None,
                    }
                } else {
                    // Text in the character set: a binary string's bytes become text.
                    call("mysql_charset_text", vec![(**inner).clone()])
                },
            ),
            Expr::Extract {
                field, expr: inner, ..
            } => Some(call(
                "mysql_extract",
                vec![string(unit_name(field)), (**inner).clone()],
            )),
            Expr::Substring {
                expr: inner,
                substring_from,
                substring_for,
                ..
            } => {
                let mut args = vec![(**inner).clone()];
                args.extend(substring_from.as_deref().cloned());
                args.extend(substring_for.as_deref().cloned());
                Some(call("mysql_substr", args))
            }
            Expr::Position { expr: needle, r#in } => Some(call(
                "mysql_instr",
                vec![(**r#in).clone(), (**needle).clone()],
            )),
            Expr::Trim {
                expr: inner,
                trim_where,
                trim_what,
                ..
            } => {
                let side = match trim_where {
                    Some(sqlparser::ast::TrimWhereField::Leading) => "LEADING",
                    Some(sqlparser::ast::TrimWhereField::Trailing) => "TRAILING",
                    _ => "BOTH",
                };
                let what = trim_what.as_deref().cloned().unwrap_or_else(|| string(" "));
                Some(call(
                    "mysql_trim",
                    vec![(**inner).clone(), what, string(side)],
                ))
            }
            Expr::Collate {
                expr: inner,
                collation,
            } => Some(Expr::Collate {
                expr: inner.clone(),
                collation: ObjectName::from(vec![Ident::new(collation_name(
                    &collation.to_string(),
                ))]),
            }),
            Expr::RLike {
                negated,
                expr: inner,
                pattern,
                ..
            } => Some(Expr::RLike {
                negated: *negated,
                expr: inner.clone(),
                pattern: pattern.clone(),
                regexp: true,
            }),
            Expr::AnyOp {
                left,
                compare_op: BinaryOperator::Eq,
                right,
                ..
            } => crate::forms::subquery_operand(right).map(|q| Expr::In {
                expr: left.clone(),
                target: InTarget::Subquery(q),
                negated: false,
                global: false,
            }),
            Expr::AllOp {
                left,
                compare_op: BinaryOperator::NotEq,
                right,
            } => crate::forms::subquery_operand(right).map(|q| Expr::In {
                expr: left.clone(),
                target: InTarget::Subquery(q),
                negated: true,
                global: false,
            }),
            // `x > ALL (...)`, `x < ANY (...)`: SQLite has neither.
            Expr::AnyOp {
                left,
                compare_op,
                right,
                ..
            } if crate::forms::is_comparison(compare_op) => {
                let (left, op) = ((**left).clone(), compare_op.clone());
                self.quantified(left, op, right, false)
            }
            Expr::AllOp {
                left,
                compare_op,
                right,
            } if crate::forms::is_comparison(compare_op) => {
                let (left, op) = ((**left).clone(), compare_op.clone());
                self.quantified(left, op, right, true)
            }
            // A scalar subquery returns at most one row (1242).
            Expr::Subquery(q) => crate::forms::checked_scalar(q),
            Expr::In {
                expr: inner,
                target: InTarget::List(list),
                ..
            } if !matches!(**inner, Expr::Tuple(_))
                && list
                    .first()
                    .is_some_and(|first| needs_connection_collation(inner, first)) =>
            {
                **inner = connection_collation((**inner).clone());
                None
            }
            Expr::Like {
                negated,
                expr: inner,
                pattern,
                escape_char,
                ..
            } if is_binary_collated(pattern)
                || is_binary_collated(inner)
                || self.meta_of(inner).is_some_and(|m| m.bin_collation) =>
            {
                let mut args = vec![(**pattern).clone(), (**inner).clone()];
                args.extend(escape_char.as_deref().cloned());
                let like = call("mysql_like_bin", args);
                Some(if *negated {
                    Expr::UnaryOp {
                        op: sqlparser::ast::UnaryOperator::Not,
                        expr: Box::new(nested(like)),
                    }
                } else {
                    like
                })
            }
            // `~x` is a BIGINT UNSIGNED in MySQL (`~0` is 18446744073709551615).
            Expr::UnaryOp {
                op: sqlparser::ast::UnaryOperator::BitwiseNot,
                expr: inner,
            } => Some(call("mysql_bitnot", vec![(**inner).clone()])),
            // SQLite has no UNKNOWN: a boolean is unknown when it is NULL.
            Expr::IsUnknown(inner) => Some(nested(Expr::IsNull(inner.clone()))),
            Expr::IsNotUnknown(inner) => Some(nested(Expr::IsNotNull(inner.clone()))),
            Expr::MatchAgainst {
                columns,
                match_value,
                opt_search_modifier,
            } => {
                self.fulltext.push(
                    columns
                        .iter()
                        .map(|c| match c.0.last() {
                            Some(ObjectNamePart::Identifier(i)) => i.value.clone(),
                            _ => c.to_string(),
                        })
                        .collect(),
                );
                let boolean = matches!(
                    opt_search_modifier,
                    Some(sqlparser::ast::SearchModifier::InBooleanMode)
                );
                let mut args = vec![
                    literal(Value::Number(u8::from(boolean).to_string(), false)),
                    Expr::Value(match_value.clone()),
                ];
                args.extend(columns.iter().map(|c| match c.0.as_slice() {
                    [ObjectNamePart::Identifier(i)] => Expr::Identifier(i.clone()),
                    parts => Expr::CompoundIdentifier(
                        parts.iter().filter_map(|p| p.as_ident().cloned()).collect(),
                    ),
                }));
                Some(call("mysql_match", args))
            }
            _ => None,
        };
        if let Some(r) = replacement {
            *expr = r;
        }
        ControlFlow::Continue(())
    }
}

/// JSON_TABLE(expr, path COLUMNS (...)) AS alias: a derived table over SQLite's `json_each`,
/// one row per element of the array a `[*]` path ends in (else one row for the value the path
/// finds); NESTED PATH columns join their own `json_each` (a missing array gives one row of
/// NULLs, as MySQL's). The JSON argument may not refer to an earlier table of the FROM.
fn json_table_factor(
    json_expr: &Expr,
    json_path: &Value,
    columns: &[sqlparser::ast::JsonTableColumn],
    alias: Option<sqlparser::ast::TableAlias>,
) -> Result<TableFactor, SqlError> {
    let mut select = Vec::new();
    let mut from = Vec::new();
    json_table_level(
        &json_expr.to_string(),
        json_path,
        columns,
        &mut select,
        &mut from,
    )?;
    let sql = format!("SELECT {} FROM {}", select.join(", "), from.join(" "));
    let query =
        match sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::MySqlDialect {}, &sql)
            .map_err(|e| SqlError::unknown(format!("JSON_TABLE: {e}")))?
            .pop()
        {
            Some(sqlparser::ast::Statement::Query(q)) => q,
            _ => return Err(SqlError::unknown("JSON_TABLE")),
        };
    let Some(alias) = alias else {
        // MySQL: "Every derived table must have its own alias".
        return Err(SqlError::new(
            1248,
            "42000",
            "Every derived table must have its own alias",
        ));
    };
    Ok(TableFactor::Derived {
        lateral: false,
        subquery: query,
        alias: Some(alias),
        sample: None,
    })
}

/// One level of JSON_TABLE's columns: its row source into `from`, its columns into `select`.
fn json_table_level(
    source: &str,
    path: &Value,
    columns: &[sqlparser::ast::JsonTableColumn],
    select: &mut Vec<String>,
    from: &mut Vec<String>,
) -> Result<(), SqlError> {
    use sqlparser::ast::{JsonTableColumn as C, JsonTableColumnErrorHandling as H};
    let path = match path {
        Value::SingleQuotedString(p) | Value::DoubleQuotedString(p) => p.clone(),
        other => other.to_string(),
    };
    let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let level = from.len();
    let rows = format!("rewind_jt{level}");
    // The element each row stands for, as SQL over the row source.
    let (row_source, element, ordinal) = match path.strip_suffix("[*]") {
        Some(base) => {
            let base = if base.is_empty() { "$" } else { base };
            (
                format!("json_each({source}, {})", quote(base)),
                format!("{rows}.value"),
                format!("({rows}.key + 1)"),
            )
        }
        None => (
            "json_each('[0]')".to_owned(),
            format!("JSON_EXTRACT({source}, {})", quote(&path)),
            "1".to_owned(),
        ),
    };
    from.push(if level == 0 {
        format!("{row_source} AS {rows}")
    } else {
        format!("LEFT JOIN {row_source} AS {rows} ON true")
    });
    for c in columns {
        match c {
            C::ForOrdinality(name) => select.push(format!("{ordinal} AS {name}")),
            C::Nested(n) => json_table_level(&element, &n.path.value, &n.columns, select, from)?,
            C::Named(n) => {
                let p = match &n.path.value {
                    Value::SingleQuotedString(p) | Value::DoubleQuotedString(p) => p.clone(),
                    other => other.to_string(),
                };
                let found = if p == "$" {
                    element.clone()
                } else {
                    format!("JSON_EXTRACT({element}, {})", quote(&p))
                };
                let ty = crate::schema::Type::from_sql_for(&n.r#type, &n.name.value)?;
                let expr = if n.exists {
                    format!("({found} IS NOT NULL)")
                } else {
                    let scalar = if matches!(ty, crate::schema::Type::Json) || p == "$" {
                        found.clone()
                    } else {
                        format!("JSON_UNQUOTE({found})")
                    };
                    let value = match &n.on_empty {
                        Some(H::Default(d)) => {
                            format!("CASE WHEN {found} IS NULL THEN {d} ELSE {scalar} END")
                        }
                        _ => scalar,
                    };
                    format!(
                        "mysql_assign({value}, {}, {}, 1, 1)",
                        quote(&ty.assign_spec()),
                        quote(&n.name.value)
                    )
                };
                select.push(format!("{expr} AS {}", n.name));
            }
        }
    }
    Ok(())
}
