//! SET: user variables, the session's system variables, autocommit, names and transaction
//! characteristics.

use rusqlite::types::Value;
use sqlparser::ast::{Expr, ObjectName, Set};

use crate::error::SqlError;
use crate::outcome::Outcome;
use crate::session::{ok, Session};
use crate::vars::default_var;

/// System variables a session may set besides those with a default in [`default_var`]: set
/// by drivers and dumps at connect time, remembered, and otherwise without effect.
const SETTABLE: &[&str] = &[
    "foreign_key_checks",
    "unique_checks",
    "sql_notes",
    "sql_safe_updates",
    "sql_quote_show_create",
    "sql_log_bin",
    "sql_big_selects",
    "big_tables",
    "group_concat_max_len",
    "optimizer_switch",
    "long_query_time",
    "default_week_format",
    "lc_time_names",
    "cte_max_recursion_depth",
    "session_track_schema",
    "session_track_state_change",
    "session_track_system_variables",
    "session_track_transaction_info",
    "transaction_isolation",
    "character_set_client",
    "character_set_results",
    "character_set_connection",
    "collation_connection",
    "names",
    "information_schema_stats_expiry",
    "sql_require_primary_key",
    "block_encryption_mode",
    "old_alter_table",
    "profiling",
    "max_sort_length",
    "max_heap_table_size",
    "tmp_table_size",
    "sort_buffer_size",
    "join_buffer_size",
    "read_buffer_size",
    "autocommit",
];

/// Variables no SET changes (error 1238).
const READ_ONLY: &[&str] = &[
    "version",
    "version_comment",
    "version_compile_machine",
    "version_compile_os",
    "aurora_version",
    "hostname",
    "innodb_read_only",
    "character_set_system",
    "warning_count",
    "error_count",
    "port",
    "datadir",
    "basedir",
    "lower_case_table_names",
];

/// Variables with only a global value (error 1229 without GLOBAL).
const GLOBAL_ONLY: &[&str] = &[
    "read_only",
    "super_read_only",
    "server_id",
    "max_connections",
    "innodb_buffer_pool_size",
    "general_log",
    "slow_query_log",
    "event_scheduler",
    "binlog_format",
];

/// SET GLOBAL: the master user of an Aurora cluster has no SUPER privilege (parameter
/// groups set global values).
fn super_needed() -> SqlError {
    SqlError::new(
        1227,
        "42000",
        "Access denied; you need (at least one of) the SUPER or SYSTEM_VARIABLES_ADMIN privilege(s) for this operation",
    )
}

impl Session {
    /// Evaluates a MySQL expression to a value (SET's right-hand sides).
    pub(crate) fn eval(&mut self, e: Expr, text: &str) -> Result<Value, SqlError> {
        if let Expr::Identifier(i) = &e {
            // SET x = ON / OFF / a bare word: the word itself.
            if i.quote_style.is_none() && !i.value.starts_with('@') {
                return Ok(match i.value.to_ascii_uppercase().as_str() {
                    "ON" | "TRUE" => Value::Integer(1),
                    "OFF" | "FALSE" => Value::Integer(0),
                    _ => Value::Text(i.value.clone()),
                });
            }
        }
        let sql = self.expr_sql(e, text)?;
        self.conn()
            .query_row(&format!("SELECT {sql}"), [], |r| r.get::<_, Value>(0))
            .map_err(|e| self.sqlite_error(e))
    }

    pub(crate) fn set(&mut self, set: Set, source: &str) -> Result<Outcome, SqlError> {
        let text = set.to_string();
        // SET SESSION TRANSACTION / SET LOCAL TRANSACTION (sqlparser keeps no scope).
        let scoped = {
            let w = crate::split::words(source, 3);
            matches!(
                w.get(1).map(String::as_str),
                Some("SESSION" | "LOCAL" | "GLOBAL")
            ) && w.get(2).map(String::as_str) == Some("TRANSACTION")
        };
        match set {
            Set::SingleAssignment {
                variable,
                values,
                scope,
                ..
            } => {
                if matches!(scope, Some(sqlparser::ast::ContextModifier::Global)) {
                    return Err(super_needed());
                }
                let value = values
                    .into_iter()
                    .next()
                    .ok_or_else(|| SqlError::syntax("", 1))?;
                self.assign(&variable, value, &text)?;
            }
            Set::MultipleAssignments { assignments } => {
                for a in assignments {
                    if matches!(a.scope, Some(sqlparser::ast::ContextModifier::Global)) {
                        return Err(super_needed());
                    }
                    self.assign(&a.name, a.value, &text)?;
                }
            }
            Set::ParenthesizedAssignments { variables, values } => {
                for (v, e) in variables.iter().zip(values) {
                    self.assign(v, e, &text)?;
                }
            }
            Set::SetNames {
                charset_name,
                collation_name,
            } => self.set_names(&charset_name.value, collation_name.as_deref()),
            Set::SetNamesDefault {} => self.set_names("utf8mb4", None),
            Set::SetTimeZone { value, .. } => {
                let v = self.eval(value, &text)?;
                self.vars.insert("time_zone".to_owned(), v);
            }
            Set::SetTransaction { modes, session, .. } => {
                if !session && !scoped {
                    // For the next transaction only, which runs at the one level there is:
                    // nothing to keep, but refused inside a transaction as MySQL does.
                    if self.explicit {
                        return Err(SqlError::cannot_change_transaction());
                    }
                    return Ok(Outcome::Ok(ok(0)));
                }
                for m in modes {
                    match m {
                        sqlparser::ast::TransactionMode::IsolationLevel(level) => {
                            let level = level.to_string().replace(' ', "-");
                            self.vars
                                .insert("transaction_isolation".to_owned(), Value::Text(level));
                        }
                        // READ ONLY: the session's later transactions refuse writes (1792).
                        sqlparser::ast::TransactionMode::AccessMode(access) => {
                            let read_only =
                                matches!(access, sqlparser::ast::TransactionAccessMode::ReadOnly);
                            self.vars.insert(
                                "transaction_read_only".to_owned(),
                                Value::Integer(i64::from(read_only)),
                            );
                        }
                    }
                }
            }
            other => return Err(SqlError::not_supported(other.to_string())),
        }
        Ok(Outcome::Ok(ok(0)))
    }

    /// SET NAMES: the client, connection and results character sets, and the connection's
    /// collation (the character set's default unless named).
    fn set_names(&mut self, charset: &str, collation: Option<&str>) {
        let charset = charset
            .trim_matches(|c| c == '\'' || c == '"')
            .to_ascii_lowercase();
        let collation = collation.map_or_else(
            || match charset.as_str() {
                "utf8mb4" => "utf8mb4_0900_ai_ci".to_owned(),
                "binary" => "binary".to_owned(),
                other => format!("{other}_general_ci"),
            },
            |c| {
                c.trim_matches(|c| c == '\'' || c == '"')
                    .to_ascii_lowercase()
            },
        );
        for n in [
            "character_set_client",
            "character_set_connection",
            "character_set_results",
        ] {
            self.vars.insert(n.to_owned(), Value::Text(charset.clone()));
        }
        self.vars
            .insert("collation_connection".to_owned(), Value::Text(collation));
    }

    fn assign(&mut self, variable: &ObjectName, value: Expr, text: &str) -> Result<(), SqlError> {
        let parts: Vec<String> = variable
            .0
            .iter()
            .map(|p| p.to_string().trim_matches('`').to_owned())
            .collect();
        let full = parts.join(".");
        if let Some(user) = full.strip_prefix('@').filter(|n| !n.starts_with('@')) {
            let v = self.eval(value, text)?;
            self.user_vars
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(user.to_ascii_lowercase(), v);
            return Ok(());
        }
        let name = full
            .trim_start_matches("@@")
            .to_ascii_lowercase()
            .trim_start_matches("session.")
            .trim_start_matches("local.")
            .trim_start_matches("global.")
            .trim_start_matches("persist.")
            .to_owned();
        let name = name
            .strip_prefix("session ")
            .or_else(|| name.strip_prefix("global "))
            .unwrap_or(&name)
            .to_owned();
        let lower = full.to_ascii_lowercase();
        if lower.starts_with("@@global.") || lower.starts_with("@@persist.") {
            return Err(super_needed());
        }
        if READ_ONLY.contains(&name.as_str()) {
            return Err(SqlError::new(
                1238,
                "HY000",
                format!("Variable '{name}' is a read only variable"),
            ));
        }
        if GLOBAL_ONLY.contains(&name.as_str()) {
            return Err(SqlError::new(
                1229,
                "HY000",
                format!("Variable '{name}' is a GLOBAL variable and should be set with SET GLOBAL"),
            ));
        }
        if default_var(&name).is_none() && !SETTABLE.contains(&name.as_str()) {
            return Err(SqlError::new(
                1193,
                "HY000",
                format!("Unknown system variable '{name}'"),
            ));
        }
        let is_default = matches!(&value, Expr::Identifier(i)
            if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("DEFAULT"));
        if is_default && name != "transaction_isolation" {
            // The variable's default again.
            if name == "autocommit" {
                if !self.autocommit {
                    self.commit_open()?;
                }
                self.autocommit = true;
            }
            if name == "foreign_key_checks" {
                self.exec("PRAGMA foreign_keys = ON")?;
            }
            self.vars.remove(&name);
            return Ok(());
        }
        let v = self.eval(value, text)?;
        match name.as_str() {
            "transaction_isolation" => {
                let level = isolation_level(&v).ok_or_else(|| {
                    let shown = match &v {
                        Value::Null => "NULL".to_owned(),
                        Value::Integer(n) => n.to_string(),
                        Value::Real(r) => r.to_string(),
                        Value::Text(t) => t.clone(),
                        Value::Blob(b) => String::from_utf8_lossy(b).into_owned(),
                    };
                    SqlError::wrong_value(&name, &shown)
                })?;
                let lower = full.to_ascii_lowercase();
                let next_only = lower.starts_with("@@")
                    && !lower.starts_with("@@session.")
                    && !lower.starts_with("@@local.")
                    && !lower.starts_with("@@global.");
                if next_only {
                    // `SET @@transaction_isolation`: the next transaction only, as SET
                    // TRANSACTION without SESSION.
                    if self.explicit {
                        return Err(SqlError::cannot_change_transaction());
                    }
                    return Ok(());
                }
                self.vars.insert(name, Value::Text(level.to_owned()));
                return Ok(());
            }
            "autocommit" => {
                let on = match &v {
                    Value::Integer(n @ (0 | 1)) => *n == 1,
                    Value::Text(t) if ["ON", "TRUE"].iter().any(|w| t.eq_ignore_ascii_case(w)) => {
                        true
                    }
                    Value::Text(t)
                        if ["OFF", "FALSE"].iter().any(|w| t.eq_ignore_ascii_case(w)) =>
                    {
                        false
                    }
                    other => {
                        let shown = match other {
                            Value::Null => "NULL".to_owned(),
                            Value::Integer(n) => n.to_string(),
                            Value::Real(r) => r.to_string(),
                            Value::Text(t) => t.clone(),
                            Value::Blob(b) => String::from_utf8_lossy(b).into_owned(),
                        };
                        return Err(SqlError::wrong_value("autocommit", &shown));
                    }
                };
                if on && !self.autocommit {
                    // Turning autocommit on commits what was open.
                    self.commit_open()?;
                }
                self.autocommit = on;
                return Ok(());
            }
            "foreign_key_checks" => {
                let on = truthy(&v);
                self.exec(&format!(
                    "PRAGMA foreign_keys = {}",
                    if on { "ON" } else { "OFF" }
                ))?;
                self.vars.insert(name, Value::Integer(i64::from(on)));
                return Ok(());
            }
            "transaction_read_only" => {
                self.vars
                    .insert(name, Value::Integer(i64::from(truthy(&v))));
                return Ok(());
            }
            _ => {}
        }
        let v = match v {
            Value::Null if name == "sql_mode" => Value::Text(String::new()),
            Value::Text(modes) if name == "sql_mode" => Value::Text(
                sql_mode(&modes).ok_or_else(|| SqlError::wrong_value("sql_mode", &modes))?,
            ),
            other => other,
        };
        self.vars.insert(name, v);
        Ok(())
    }
}

/// MySQL 8.0's SQL modes, in the order `@@sql_mode` lists them (their bit order).
const SQL_MODES: [&str; 21] = [
    "REAL_AS_FLOAT",
    "PIPES_AS_CONCAT",
    "ANSI_QUOTES",
    "IGNORE_SPACE",
    "ONLY_FULL_GROUP_BY",
    "NO_UNSIGNED_SUBTRACTION",
    "NO_DIR_IN_CREATE",
    "ANSI",
    "NO_AUTO_VALUE_ON_ZERO",
    "NO_BACKSLASH_ESCAPES",
    "STRICT_TRANS_TABLES",
    "STRICT_ALL_TABLES",
    "NO_ZERO_IN_DATE",
    "NO_ZERO_DATE",
    "ALLOW_INVALID_DATES",
    "ERROR_FOR_DIVISION_BY_ZERO",
    "TRADITIONAL",
    "HIGH_NOT_PRECEDENCE",
    "NO_ENGINE_SUBSTITUTION",
    "PAD_CHAR_TO_FULL_LENGTH",
    "TIME_TRUNCATE_FRACTIONAL",
];

/// A `sql_mode` value as MySQL stores it: names upper-cased, the combination modes (ANSI,
/// TRADITIONAL) with the modes they stand for, each once, in MySQL's order; None when a
/// name is no SQL mode (error 1231).
fn sql_mode(value: &str) -> Option<String> {
    let mut on = [false; SQL_MODES.len()];
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let name = name.to_ascii_uppercase();
        let at = SQL_MODES.iter().position(|m| *m == name)?;
        on[at] = true;
        let implied: &[&str] = match name.as_str() {
            "ANSI" => &[
                "REAL_AS_FLOAT",
                "PIPES_AS_CONCAT",
                "ANSI_QUOTES",
                "IGNORE_SPACE",
                "ONLY_FULL_GROUP_BY",
            ],
            "TRADITIONAL" => &[
                "STRICT_TRANS_TABLES",
                "STRICT_ALL_TABLES",
                "NO_ZERO_IN_DATE",
                "NO_ZERO_DATE",
                "ERROR_FOR_DIVISION_BY_ZERO",
                "NO_ENGINE_SUBSTITUTION",
            ],
            _ => &[],
        };
        for m in implied {
            if let Some(i) = SQL_MODES.iter().position(|x| x == m) {
                on[i] = true;
            }
        }
    }
    let names: Vec<&str> = SQL_MODES
        .iter()
        .zip(on)
        .filter(|(_, set)| *set)
        .map(|(m, _)| *m)
        .collect();
    Some(names.join(","))
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Integer(n) => *n != 0,
        Value::Real(r) => *r != 0.0,
        Value::Text(s) => matches!(s.to_ascii_uppercase().as_str(), "ON" | "TRUE" | "1"),
        _ => false,
    }
}

/// An isolation level as `transaction_isolation` takes it: a name (`READ-COMMITTED`, any
/// case), its number (0 to 3), or DEFAULT.
fn isolation_level(v: &Value) -> Option<&'static str> {
    const LEVELS: [&str; 4] = [
        "READ-UNCOMMITTED",
        "READ-COMMITTED",
        "REPEATABLE-READ",
        "SERIALIZABLE",
    ];
    match v {
        Value::Integer(n) => usize::try_from(*n)
            .ok()
            .and_then(|i| LEVELS.get(i).copied()),
        Value::Text(t) if t.eq_ignore_ascii_case("DEFAULT") => Some("REPEATABLE-READ"),
        Value::Text(t) => LEVELS.iter().copied().find(|l| l.eq_ignore_ascii_case(t)),
        _ => None,
    }
}

/// The items of a SET list as SET statements of their own (`SET a = 1, NAMES utf8mb4` is
/// `SET a = 1` then `SET NAMES utf8mb4`), for the lists sqlparser reads only whole; None
/// when `text` is no list.
pub(crate) fn set_items(text: &str) -> Option<Vec<String>> {
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .ok()?;
    let mut depth = 0i32;
    let mut start = None;
    let mut items = Vec::new();
    for t in &tokens {
        let at = crate::split::offset(text, t.span.start.line, t.span.start.column);
        match &t.token {
            Token::Whitespace(_) => {}
            Token::Word(w) if start.is_none() && w.value.eq_ignore_ascii_case("SET") => {
                start = Some(crate::split::offset(
                    text,
                    t.span.end.line,
                    t.span.end.column,
                ));
            }
            _ if start.is_none() => return None,
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => {
                let from = start?;
                items.push(format!("SET {}", text[from..at].trim()));
                start = Some(at + 1);
            }
            _ => {}
        }
    }
    let from = start?;
    let last = text[from..].trim().trim_end_matches(';').trim();
    if items.is_empty() || last.is_empty() {
        return None;
    }
    items.push(format!("SET {last}"));
    let names = |item: &String| {
        let w = crate::split::words(item, 2);
        matches!(
            w.get(1).map(String::as_str),
            Some("NAMES" | "CHARSET" | "CHARACTER")
        )
    };
    items.iter().any(names).then_some(items)
}

/// A SET statement with its `:=` assignments written `=` (`SET @n := 0`), which sqlparser
/// reads only in expressions; None when it has none.
pub(crate) fn colon_assignments_as_eq(text: &str) -> Option<String> {
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .ok()?;
    let mut depth = 0i32;
    let mut at = Vec::new();
    for t in &tokens {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Assignment if depth == 0 => at.push(crate::split::offset(
                text,
                t.span.start.line,
                t.span.start.column,
            )),
            _ => {}
        }
    }
    if at.is_empty() {
        return None;
    }
    let mut out = text.to_owned();
    for i in at.into_iter().rev() {
        out.replace_range(i..i + 2, " =");
    }
    Some(out)
}
