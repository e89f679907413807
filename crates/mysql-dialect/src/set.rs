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
    "tx_isolation",
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

    pub(crate) fn set(&mut self, set: Set) -> Result<Outcome, SqlError> {
        let text = set.to_string();
        match set {
            Set::SingleAssignment {
                variable, values, ..
            } => {
                let value = values
                    .into_iter()
                    .next()
                    .ok_or_else(|| SqlError::syntax("", 1))?;
                self.assign(&variable, value, &text)?;
            }
            Set::MultipleAssignments { assignments } => {
                for a in assignments {
                    self.assign(&a.name, a.value, &text)?;
                }
            }
            Set::ParenthesizedAssignments { variables, values } => {
                for (v, e) in variables.iter().zip(values) {
                    self.assign(v, e, &text)?;
                }
            }
            Set::SetNames { .. } | Set::SetNamesDefault {} | Set::SetTimeZone { .. } => {}
            Set::SetTransaction { modes, .. } => {
                for m in modes {
                    if let sqlparser::ast::TransactionMode::IsolationLevel(level) = m {
                        let level = level.to_string().replace(' ', "-");
                        self.vars.insert(
                            "transaction_isolation".to_owned(),
                            Value::Text(level.clone()),
                        );
                        self.vars
                            .insert("tx_isolation".to_owned(), Value::Text(level));
                    }
                }
            }
            other => return Err(SqlError::not_supported(other.to_string())),
        }
        Ok(Outcome::Ok(ok(0)))
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
            self.user_vars.insert(user.to_ascii_lowercase(), v);
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
        if default_var(&name).is_none() && !SETTABLE.contains(&name.as_str()) {
            return Err(SqlError::new(
                1193,
                "HY000",
                format!("Unknown system variable '{name}'"),
            ));
        }
        let v = self.eval(value, text)?;
        match name.as_str() {
            "autocommit" => {
                let on = truthy(&v);
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
            "transaction_read_only" | "tx_read_only" => {
                self.vars
                    .insert(name, Value::Integer(i64::from(truthy(&v))));
                return Ok(());
            }
            _ => {}
        }
        let v = match v {
            Value::Null if name == "sql_mode" => Value::Text(String::new()),
            other => other,
        };
        self.vars.insert(name, v);
        Ok(())
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Integer(n) => *n != 0,
        Value::Real(r) => *r != 0.0,
        Value::Text(s) => matches!(s.to_ascii_uppercase().as_str(), "ON" | "TRUE" | "1"),
        _ => false,
    }
}
