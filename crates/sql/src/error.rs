//! MySQL errors: code, SQLSTATE and message, with MySQL's own texts, and the one place where
//! the engine's errors become MySQL's.

use std::fmt;

use gluesql_core::error::{
    AlterError, DeleteError, Error as GlueError, EvaluateError, ExecuteError, FetchError,
    InsertError, TranslateError, UpdateError, ValidateError, ValueError,
};

use crate::kv::KvError;

/// A MySQL error as the server sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlError {
    /// MySQL error number (`ER_*`).
    pub code: u16,
    /// Five-character SQLSTATE.
    pub sqlstate: String,
    /// The message.
    pub message: String,
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ERROR {} ({}): {}",
            self.code, self.sqlstate, self.message
        )
    }
}

impl std::error::Error for SqlError {}

impl SqlError {
    /// An error with the given code, SQLSTATE and message.
    pub fn new(code: u16, sqlstate: &str, message: impl Into<String>) -> Self {
        Self {
            code,
            sqlstate: sqlstate.to_owned(),
            message: message.into(),
        }
    }

    /// 1064: the statement does not parse; `near` is the text from where parsing failed.
    pub fn syntax(near: &str, line: u64) -> Self {
        let near: String = near.chars().take(80).collect();
        Self::new(
            1064,
            "42000",
            format!(
                "You have an error in your SQL syntax; check the manual that corresponds to your \
                 MySQL server version for the right syntax to use near '{near}' at line {line}"
            ),
        )
    }

    /// 1065: nothing to run.
    pub fn empty_query() -> Self {
        Self::new(1065, "42000", "Query was empty")
    }

    /// 1235: valid MySQL this engine does not run.
    pub fn not_supported(what: impl fmt::Display) -> Self {
        Self::new(
            1235,
            "42000",
            format!("This version of MySQL doesn't yet support '{what}'"),
        )
    }

    /// 1290: a write on a read-only instance.
    pub fn read_only() -> Self {
        Self::new(
            1290,
            "HY000",
            "The MySQL server is running with the --read-only option so it cannot execute this \
             statement",
        )
    }

    /// 1213: a write-write conflict with another transaction, detected at commit.
    pub fn deadlock() -> Self {
        Self::new(
            1213,
            "40001",
            "Deadlock found when trying to get lock; try restarting transaction",
        )
    }

    /// 1046: an unqualified table name and no current database.
    pub fn no_database() -> Self {
        Self::new(1046, "3D000", "No database selected")
    }

    /// 1049: USE of a database that does not exist.
    pub fn unknown_database(db: &str) -> Self {
        Self::new(1049, "42000", format!("Unknown database '{db}'"))
    }

    /// 1007: CREATE DATABASE of an existing one.
    pub fn database_exists(db: &str) -> Self {
        Self::new(
            1007,
            "HY000",
            format!("Can't create database '{db}'; database exists"),
        )
    }

    /// 1008: DROP DATABASE of a missing one.
    pub fn drop_missing_database(db: &str) -> Self {
        Self::new(
            1008,
            "HY000",
            format!("Can't drop database '{db}'; database doesn't exist"),
        )
    }

    /// 1044: writing into a system schema.
    pub fn access_denied(user: &str, db: &str) -> Self {
        let (name, host) = user.split_once('@').unwrap_or((user, "%"));
        Self::new(
            1044,
            "42000",
            format!("Access denied for user '{name}'@'{host}' to database '{db}'"),
        )
    }

    /// 1146: a table that does not exist.
    pub fn no_such_table(db: &str, table: &str) -> Self {
        Self::new(1146, "42S02", format!("Table '{db}.{table}' doesn't exist"))
    }

    /// 1050: CREATE TABLE of an existing one.
    pub fn table_exists(table: &str) -> Self {
        Self::new(1050, "42S01", format!("Table '{table}' already exists"))
    }

    /// 1051: DROP TABLE of a missing one.
    pub fn unknown_table(db: &str, table: &str) -> Self {
        Self::new(1051, "42S02", format!("Unknown table '{db}.{table}'"))
    }

    /// 1054: a column that does not exist.
    pub fn unknown_column(column: &str, place: &str) -> Self {
        Self::new(
            1054,
            "42S22",
            format!("Unknown column '{column}' in '{place}'"),
        )
    }

    /// 1062: a duplicate key.
    pub fn duplicate(value: &str, key: &str) -> Self {
        Self::new(
            1062,
            "23000",
            format!("Duplicate entry '{value}' for key '{key}'"),
        )
    }

    /// 1048: NULL into a NOT NULL column.
    pub fn cannot_be_null(column: &str) -> Self {
        Self::new(1048, "23000", format!("Column '{column}' cannot be null"))
    }

    /// 1406: a string longer than its column allows.
    pub fn too_long(column: &str, row: usize) -> Self {
        Self::new(
            1406,
            "22001",
            format!("Data too long for column '{column}' at row {row}"),
        )
    }

    /// 1103: a table or database name this engine cannot store.
    pub fn wrong_name(what: &str, name: &str) -> Self {
        let code = if what == "database" { 1102 } else { 1103 };
        Self::new(code, "42000", format!("Incorrect {what} name '{name}'"))
    }

    /// 1193: a system variable nobody set.
    pub fn unknown_variable(name: &str) -> Self {
        Self::new(1193, "HY000", format!("Unknown system variable '{name}'"))
    }

    /// 1231: a system variable set to a value it cannot take.
    pub fn wrong_value(name: &str, value: &str) -> Self {
        Self::new(
            1231,
            "42000",
            format!("Variable '{name}' can't be set to the value of '{value}'"),
        )
    }

    /// 1568: SET TRANSACTION (for the next transaction) inside a transaction.
    pub fn cannot_change_transaction() -> Self {
        Self::new(
            1568,
            "25001",
            "Transaction characteristics can't be changed while a transaction is in progress",
        )
    }

    /// 1366: a value of the wrong type for its column.
    pub fn incorrect_value(detail: impl fmt::Display) -> Self {
        Self::new(1366, "HY000", format!("Incorrect value: {detail}"))
    }

    /// 1105: anything else, with the engine's message.
    pub fn unknown(message: impl fmt::Display) -> Self {
        Self::new(1105, "HY000", message.to_string())
    }

    /// 1105 for a failure of the key-value space.
    pub fn storage(e: &KvError) -> Self {
        Self::unknown(e)
    }
}

/// What the engine was doing, to word its errors as MySQL would.
#[derive(Debug, Clone, Default)]
pub(crate) struct ErrorContext {
    /// The current database, to qualify table names.
    pub db: Option<String>,
    /// The table the statement writes, if any (for duplicate-key messages).
    pub table: Option<String>,
    /// Columns whose computed values were CAST to their types (to name one a number
    /// overflows).
    pub assigned: Vec<(String, gluesql_core::ast::DataType)>,
}

impl ErrorContext {
    /// `db.table` as MySQL names a table in messages.
    fn qualified(&self, table: &str) -> (String, String) {
        match table.split_once('.') {
            Some((db, t)) => (db.to_owned(), t.to_owned()),
            None => (self.db.clone().unwrap_or_default(), table.to_owned()),
        }
    }

    fn key_name(&self, key: &str) -> String {
        match &self.table {
            Some(t) => {
                let t = t.rsplit('.').next().unwrap_or(t);
                format!("{t}.{key}")
            }
            None => key.to_owned(),
        }
    }
}

/// True for the engine's numeric types.
fn is_number(t: &gluesql_core::ast::DataType) -> bool {
    use gluesql_core::ast::DataType as D;
    matches!(
        t,
        D::Int8
            | D::Int16
            | D::Int32
            | D::Int
            | D::Int128
            | D::Uint8
            | D::Uint16
            | D::Uint32
            | D::Uint64
            | D::Uint128
            | D::Float32
            | D::Float
            | D::Decimal
    )
}

/// Turns an engine error into MySQL's.
pub(crate) fn from_glue(e: &GlueError, ctx: &ErrorContext) -> SqlError {
    let table_missing = |t: &str| {
        let (db, t) = ctx.qualified(t);
        SqlError::no_such_table(&db, &t)
    };
    match e {
        GlueError::Parser(m) => SqlError::syntax(m, 1),
        GlueError::Translate(t) => match t {
            TranslateError::UnsupportedDataType(d) => {
                SqlError::not_supported(format!("data type {d}"))
            }
            other => SqlError::not_supported(other),
        },
        GlueError::Fetch(FetchError::TableNotFound(t))
        | GlueError::Execute(ExecuteError::TableNotFound(t))
        | GlueError::Insert(InsertError::TableNotFound(t)) => table_missing(t),
        GlueError::Alter(a) => match a.as_ref() {
            AlterError::TableAlreadyExists(t) => {
                SqlError::table_exists(t.rsplit('.').next().unwrap_or(t))
            }
            AlterError::TableNotFound(t) => {
                let (db, t) = ctx.qualified(t);
                SqlError::unknown_table(&db, &t)
            }
            AlterError::CannotDropTableWithReferencing {
                referenced_table_name,
                referencings,
            } => SqlError::new(
                3730,
                "HY000",
                format!(
                    "Cannot drop table '{referenced_table_name}' referenced by a foreign key \
                     constraint on table '{}'.",
                    referencings
                        .first()
                        .map(|r| r.table_name.as_str())
                        .unwrap_or_default()
                ),
            ),
            other => SqlError::unknown(other),
        },
        GlueError::Validate(v) => match v {
            ValidateError::DuplicateEntryOnPrimaryKeyField(key) => {
                let shown = match gluesql_core::data::Value::from(key.clone()) {
                    gluesql_core::data::Value::Null => "NULL".to_owned(),
                    v => String::from(&v),
                };
                SqlError::duplicate(&shown, &ctx.key_name("PRIMARY"))
            }
            ValidateError::DuplicateEntryOnUniqueField(value, column) => {
                SqlError::duplicate(&String::from(value), &ctx.key_name(column))
            }
            other => SqlError::unknown(other),
        },
        GlueError::Insert(InsertError::CannotFindReferencedValue {
            table_name,
            column_name,
            ..
        })
        | GlueError::Update(UpdateError::CannotFindReferencedValue {
            table_name,
            column_name,
            ..
        }) => SqlError::new(
            1452,
            "23000",
            format!(
                "Cannot add or update a child row: a foreign key constraint fails (references \
                 `{table_name}` (`{column_name}`))"
            ),
        ),
        GlueError::Delete(DeleteError::ReferencingColumnExists(column)) => SqlError::new(
            1451,
            "23000",
            format!(
                "Cannot delete or update a parent row: a foreign key constraint fails \
                 (referenced by {column})"
            ),
        ),
        GlueError::Insert(InsertError::LackOfRequiredColumn(c)) => SqlError::new(
            1364,
            "HY000",
            format!("Field '{c}' doesn't have a default value"),
        ),
        GlueError::Insert(InsertError::WrongColumnName(c))
        | GlueError::Update(UpdateError::ColumnNotFound(c)) => {
            SqlError::unknown_column(c, "field list")
        }
        GlueError::Insert(InsertError::ColumnAndValuesNotMatched) => SqlError::new(
            1136,
            "21S01",
            "Column count doesn't match value count at row 1",
        ),
        GlueError::Evaluate(EvaluateError::IdentifierNotFound(c)) => {
            SqlError::unknown_column(c, "field list")
        }
        GlueError::Evaluate(EvaluateError::CompoundIdentifierNotFound {
            table_alias,
            column_name,
        }) => {
            // An engine name `d.t` is the table `t` the statement wrote.
            let t = table_alias.rsplit('.').next().unwrap_or(table_alias);
            SqlError::unknown_column(&format!("{t}.{column_name}"), "field list")
        }
        GlueError::Evaluate(
            EvaluateError::NumberParseFailed { literal, .. }
            | EvaluateError::NumberCastFailed { literal, .. },
        ) => SqlError::new(
            1264,
            "22003",
            format!("Out of range value {literal} for its column"),
        ),
        GlueError::Evaluate(
            EvaluateError::TextParseFailed { literal, data_type }
            | EvaluateError::TextCastFailed { literal, data_type },
        ) => SqlError::new(
            1366,
            "HY000",
            format!(
                "Incorrect {} value: '{literal}'",
                data_type.to_string().to_lowercase()
            ),
        ),
        GlueError::Evaluate(EvaluateError::UnsupportedFunction(name)) => {
            let db = ctx.db.as_deref().unwrap_or("mysql");
            SqlError::new(
                1305,
                "42000",
                format!("FUNCTION {db}.{} does not exist", name.to_lowercase()),
            )
        }
        GlueError::Evaluate(EvaluateError::UnsupportedCustomFunction) => {
            SqlError::new(1305, "42000", "FUNCTION does not exist")
        }
        GlueError::Update(UpdateError::UpdateOnPrimaryKeyNotSupported(c)) => {
            SqlError::not_supported(format!("UPDATE of the PRIMARY KEY column {c}"))
        }
        GlueError::Value(v) => match v.as_ref() {
            ValueError::NullValueOnNotNullField => SqlError::new(
                1048,
                "23000",
                "Column cannot be null (a NOT NULL column got NULL)",
            ),
            ValueError::DivisorShouldNotBeZero => SqlError::new(1365, "22012", "Division by 0"),
            ValueError::ConvertFailed { value, data_type }
                if value.get_type().is_some_and(|t| is_number(&t)) && is_number(data_type) =>
            {
                match ctx.assigned.iter().find(|(_, t)| t == data_type) {
                    Some((column, _)) => SqlError::new(
                        1264,
                        "22003",
                        format!("Out of range value for column '{column}' at row 1"),
                    ),
                    None => SqlError::incorrect_value(v),
                }
            }
            other => SqlError::incorrect_value(other),
        },
        other => SqlError::unknown(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_match_mysql() {
        assert_eq!(
            SqlError::read_only().to_string(),
            "ERROR 1290 (HY000): The MySQL server is running with the --read-only option so it \
             cannot execute this statement"
        );
        assert_eq!(
            SqlError::no_such_table("shop", "items").message,
            "Table 'shop.items' doesn't exist"
        );
    }
}
