//! SQLite's errors as MySQL's: codes, SQLSTATEs and MySQL's wording.
//!
//! Rewind's own functions (crates/mysql-functions) fail with a message that starts with the
//! MySQL error code (`1264: Out of range value for column 'c' at row 1`); SQLite's constraint
//! failures name the SQLite objects (`UNIQUE constraint failed: db.t.a`), which the statement
//! that ran refines where it knows more (the key's name, the value).

use rusqlite::ffi::ErrorCode;

use crate::error::SqlError;

/// The SQLSTATE MySQL sends with `code`.
pub(crate) fn sqlstate(code: u16) -> &'static str {
    match code {
        1062 | 1451 | 1452 | 1048 | 1216 | 1217 | 1557 | 1761 | 1762 => "23000",
        1064 | 1054 | 1052 | 1060 | 1061 | 1091 | 1109 | 1146 | 1149 | 1235 | 1305 | 1582
        | 1583 | 1584 | 1630 | 1046 | 1049 | 1050 | 1051 | 1072 | 1068 | 1075 => "42000",
        1264 | 1406 | 1690 => "22003",
        1222 | 1241 | 1242 => "21000",
        1055 | 1140 => "42000",
        1265 | 1366 | 1292 | 1411 => "HY000",
        1213 => "40001",
        1365 => "22012",
        3140 => "22032",
        3819 => "HY000",
        1205 => "HY000",
        _ => "HY000",
    }
}

/// Maps a rusqlite error; `timed_out` tells a lock wait that ran out from a stale snapshot
/// when SQLite reports SQLITE_BUSY.
pub(crate) fn from_sqlite(e: &rusqlite::Error, timed_out: bool) -> SqlError {
    match e {
        rusqlite::Error::SqliteFailure(f, message) => {
            let message = message.clone().unwrap_or_default();
            match f.code {
                ErrorCode::ConstraintViolation => constraint(&message),
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                    if timed_out {
                        SqlError::lock_wait_timeout()
                    } else {
                        SqlError::deadlock()
                    }
                }
                ErrorCode::TooBig => SqlError::new(
                    1153,
                    "08S01",
                    "Got a packet bigger than 'max_allowed_packet' bytes",
                ),
                ErrorCode::OperationInterrupted => {
                    SqlError::new(1317, "70100", "Query execution was interrupted")
                }
                _ => from_message(&message),
            }
        }
        rusqlite::Error::UserFunctionError(inner) => from_function(&inner.to_string()),
        rusqlite::Error::SqlInputError { msg, .. } => from_message(msg),
        other => from_message(&other.to_string()),
    }
}

/// A message from one of Rewind's functions: `<code>: <message>`.
fn from_function(message: &str) -> SqlError {
    if let Some((code, text)) = message.split_once(": ") {
        if let Ok(code) = code.trim().parse::<u16>() {
            return SqlError::new(code, sqlstate(code), text);
        }
    }
    SqlError::unknown(message)
}

/// SQLite's wording of an error, to MySQL's.
fn from_message(message: &str) -> SqlError {
    // Errors raised in functions reach here as their text when SQLite wraps them.
    if message
        .split_once(": ")
        .is_some_and(|(code, _)| code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit()))
    {
        return from_function(message);
    }
    if let Some(rest) = message.strip_prefix("no such table: ") {
        let name = crate::schema::mysql_table_name(rest.trim_start_matches("main."));
        let (db, table) = name.split_once('.').unwrap_or(("", &name));
        return SqlError::no_such_table(db, table);
    }
    if let Some(rest) = message.strip_prefix("no such column: ") {
        return SqlError::unknown_column(rest, "field list");
    }
    if let Some(rest) = message.strip_prefix("ambiguous column name: ") {
        return SqlError::new(
            1052,
            "23000",
            format!("Column '{rest}' in field list is ambiguous"),
        );
    }
    if let Some(rest) = message.strip_prefix("no such function: ") {
        return SqlError::new(1305, "42000", format!("FUNCTION {rest} does not exist"));
    }
    if message.contains("wrong number of arguments to function") {
        let name = message
            .rsplit(' ')
            .next()
            .unwrap_or("")
            .trim_end_matches("()");
        return SqlError::new(
            1582,
            "42000",
            format!("Incorrect parameter count in the call to native function '{name}'"),
        );
    }
    if message.contains("syntax error") {
        let near = message
            .split_once("near \"")
            .and_then(|(_, r)| r.split_once('"'))
            .map_or("", |(n, _)| n);
        return SqlError::syntax(near, 1);
    }
    if message.starts_with("misuse of aggregate") {
        return SqlError::new(1111, "HY000", "Invalid use of group function");
    }
    if let Some(rest) = message.strip_prefix("misuse of window function ") {
        let name = rest.trim_end_matches("()").to_ascii_lowercase();
        return SqlError::new(
            3593,
            "HY000",
            format!("You cannot use the window function '{name}' in this context.'"),
        );
    }
    if message.starts_with("sub-select returns") {
        return SqlError::new(1241, "21000", "Operand should contain 1 column(s)");
    }
    if message.starts_with("SELECTs to the left and right of") {
        return SqlError::new(
            1222,
            "21000",
            "The used SELECT statements have a different number of columns",
        );
    }
    if message.contains("interrupted") {
        return SqlError::new(1317, "70100", "Query execution was interrupted");
    }
    if message.contains("string or blob too big") {
        return SqlError::new(
            1301,
            "HY000",
            "Result of repeat() was larger than max_allowed_packet (67108864) - truncated",
        );
    }
    SqlError::unknown(message)
}

/// A constraint failure, before the statement refines it.
fn constraint(message: &str) -> SqlError {
    if let Some(rest) = message.strip_prefix("NOT NULL constraint failed: ") {
        let column = rest.rsplit('.').next().unwrap_or(rest);
        return SqlError::cannot_be_null(column);
    }
    if let Some(rest) = message.strip_prefix("CHECK constraint failed: ") {
        return SqlError::new(
            3819,
            "HY000",
            format!("Check constraint '{rest}' is violated."),
        );
    }
    if message.starts_with("FOREIGN KEY constraint failed") {
        return SqlError::new(
            1452,
            "23000",
            "Cannot add or update a child row: a foreign key constraint fails",
        );
    }
    if let Some(rest) = message
        .strip_prefix("UNIQUE constraint failed: ")
        .or_else(|| message.strip_prefix("PRIMARY KEY constraint failed: "))
    {
        return SqlError::new(1062, "23000", format!("Duplicate entry for key '{rest}'"));
    }
    from_message(message)
}
