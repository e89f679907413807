//! MySQL errors: code, SQLSTATE and message, with MySQL's own texts, and the one place where
//! SQLite's errors become MySQL's.

use std::fmt;

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

    /// 1205: another transaction held the writer lock for longer than
    /// `innodb_lock_wait_timeout`.
    pub fn lock_wait_timeout() -> Self {
        Self::new(
            1205,
            "HY000",
            "Lock wait timeout exceeded; try restarting transaction",
        )
    }

    /// 1105: anything else, with the engine's message.
    pub fn unknown(message: impl fmt::Display) -> Self {
        Self::new(1105, "HY000", message.to_string())
    }

    /// 1426: a precision above the type's maximum (DECIMAL 65, fractional seconds 6).
    pub fn too_big_precision(precision: u64, column: &str, max: u64) -> Self {
        Self::new(
            1426,
            "42000",
            format!("Too-big precision {precision} specified for '{column}'. Maximum is {max}."),
        )
    }

    /// 1425: a DECIMAL scale above 30.
    pub fn too_big_scale(scale: u64, column: &str, max: u64) -> Self {
        Self::new(
            1425,
            "42000",
            format!("Too big scale {scale} specified for column '{column}'. Maximum is {max}."),
        )
    }

    /// 1427: (M,D) with D > M.
    pub fn scale_bigger_than_precision(column: &str) -> Self {
        Self::new(
            1427,
            "42000",
            format!(
                "For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column '{column}')."
            ),
        )
    }

    /// 1074: CHAR/VARCHAR/BINARY longer than the type allows.
    pub fn column_too_long(column: &str, max: u64) -> Self {
        Self::new(
            1074,
            "42000",
            format!("Column length too big for column '{column}' (max = {max}); use BLOB or TEXT instead"),
        )
    }

    /// 1060: two columns with one name.
    pub fn duplicate_column(column: &str) -> Self {
        Self::new(1060, "42S21", format!("Duplicate column name '{column}'"))
    }

    /// 1061: two indexes with one name.
    pub fn duplicate_key_name(key: &str) -> Self {
        Self::new(1061, "42000", format!("Duplicate key name '{key}'"))
    }

    /// 1068: a second PRIMARY KEY.
    pub fn multiple_primary_key() -> Self {
        Self::new(1068, "42000", "Multiple primary key defined")
    }

    /// 1075: more than one AUTO_INCREMENT column, or one that no index starts with.
    pub fn wrong_auto_key() -> Self {
        Self::new(
            1075,
            "42000",
            "Incorrect table definition; there can be only one auto column and it must be defined \
             as a key",
        )
    }

    /// 1072: an index on a column the table does not have.
    pub fn key_column_missing(column: &str) -> Self {
        Self::new(
            1072,
            "42000",
            format!("Key column '{column}' doesn't exist in table"),
        )
    }

    /// 1067: a DEFAULT the column cannot take.
    pub fn invalid_default(column: &str) -> Self {
        Self::new(
            1067,
            "42000",
            format!("Invalid default value for '{column}'"),
        )
    }

    /// 1101: a literal DEFAULT on TEXT, BLOB, GEOMETRY or JSON.
    pub fn lob_default(column: &str) -> Self {
        Self::new(
            1101,
            "42000",
            format!("BLOB, TEXT, GEOMETRY or JSON column '{column}' can't have a default value"),
        )
    }

    /// 1091: DROP of a column, index, foreign key or constraint that does not exist.
    pub fn cant_drop(what: &str) -> Self {
        Self::new(
            1091,
            "42000",
            format!("Can't DROP '{what}'; check that column/key exists"),
        )
    }

    /// 1090: ALTER TABLE dropping the last column.
    pub fn drop_all_columns() -> Self {
        Self::new(
            1090,
            "42000",
            "You can't delete all columns with ALTER TABLE; use DROP TABLE instead",
        )
    }

    /// 1170: an index on a TEXT/BLOB column without a prefix length.
    pub fn blob_key_without_length(column: &str) -> Self {
        Self::new(
            1170,
            "42000",
            format!("BLOB/TEXT column '{column}' used in key specification without a key length"),
        )
    }

    /// 1063: a column attribute the type cannot have (AUTO_INCREMENT on a string...).
    pub fn wrong_column_spec(column: &str) -> Self {
        Self::new(
            1063,
            "42000",
            format!("Incorrect column specifier for column '{column}'"),
        )
    }

    /// 1115: an unknown character set.
    pub fn unknown_charset(charset: &str) -> Self {
        Self::new(1115, "42000", format!("Unknown character set: '{charset}'"))
    }

    /// 1273: an unknown collation.
    pub fn unknown_collation(collation: &str) -> Self {
        Self::new(1273, "HY000", format!("Unknown collation: '{collation}'"))
    }

    /// 1253: a collation of another character set.
    pub fn collation_charset_mismatch(collation: &str, charset: &str) -> Self {
        Self::new(
            1253,
            "42000",
            format!("COLLATION '{collation}' is not valid for CHARACTER SET '{charset}'"),
        )
    }

    /// 1822: a foreign key whose referenced columns no index of the parent starts with.
    pub fn fk_missing_parent_index(fk: &str, parent: &str) -> Self {
        Self::new(
            1822,
            "HY000",
            format!(
                "Failed to add the foreign key constraint. Missing index for constraint '{fk}' in \
                 the referenced table '{parent}'"
            ),
        )
    }

    /// 3734: a foreign key on a column the parent does not have.
    pub fn fk_missing_parent_column(column: &str, fk: &str, parent: &str) -> Self {
        Self::new(
            3734,
            "HY000",
            format!(
                "Failed to add the foreign key constraint. Missing column '{column}' for \
                 constraint '{fk}' in the referenced table '{parent}'"
            ),
        )
    }

    /// 3780: a foreign key between columns of incompatible types.
    pub fn fk_incompatible(column: &str, parent_column: &str, fk: &str) -> Self {
        Self::new(
            3780,
            "HY000",
            format!(
                "Referencing column '{column}' and referenced column '{parent_column}' in foreign \
                 key constraint '{fk}' are incompatible."
            ),
        )
    }

    /// 1215: a foreign key MySQL cannot add, for reasons with no finer error.
    pub fn fk_cannot_add() -> Self {
        Self::new(1215, "HY000", "Cannot add foreign key constraint")
    }

    /// 1830: ON DELETE/UPDATE SET NULL on a NOT NULL column.
    pub fn fk_set_null_not_null(column: &str, fk: &str) -> Self {
        Self::new(
            1830,
            "HY000",
            format!(
                "Column '{column}' cannot be NOT NULL: needed in a foreign key constraint '{fk}' SET NULL"
            ),
        )
    }

    /// 1828: dropping a column a foreign key uses.
    pub fn fk_column_drop(column: &str, fk: &str) -> Self {
        Self::new(
            1828,
            "HY000",
            format!("Cannot drop column '{column}': needed in a foreign key constraint '{fk}'"),
        )
    }

    /// 1553: dropping the index a foreign key needs.
    pub fn fk_index_drop(index: &str) -> Self {
        Self::new(
            1553,
            "HY000",
            format!("Cannot drop index '{index}': needed in a foreign key constraint"),
        )
    }

    /// 1826: two foreign keys with one name.
    pub fn fk_duplicate_name(name: &str) -> Self {
        Self::new(
            1826,
            "HY000",
            format!("Duplicate foreign key constraint name '{name}'"),
        )
    }

    /// 3822: two CHECK constraints with one name.
    pub fn check_duplicate_name(name: &str) -> Self {
        Self::new(
            3822,
            "HY000",
            format!("Duplicate check constraint name '{name}'."),
        )
    }

    /// 3940: DROP CHECK of a constraint that does not exist.
    pub fn check_missing(name: &str) -> Self {
        Self::new(
            3940,
            "HY000",
            format!("Constraint '{name}' does not exist."),
        )
    }

    /// 3959: dropping or renaming a column a CHECK constraint uses.
    pub fn check_uses_column(check: &str, column: &str) -> Self {
        Self::new(
            3959,
            "HY000",
            format!(
                "Check constraint '{check}' uses column '{column}', hence column cannot be dropped or renamed."
            ),
        )
    }

    /// 3108: dropping or renaming a column a generated column uses.
    pub fn generated_dependency(column: &str) -> Self {
        Self::new(
            3108,
            "HY000",
            format!("Column '{column}' has a generated column dependency."),
        )
    }

    /// 1059: an identifier longer than 64 characters.
    pub fn name_too_long(name: &str) -> Self {
        Self::new(
            1059,
            "42000",
            format!("Identifier name '{name}' is too long"),
        )
    }

    /// 1071: an index longer than InnoDB's 3072 bytes.
    pub fn key_too_long() -> Self {
        Self::new(
            1071,
            "42000",
            "Specified key was too long; max key length is 3072 bytes",
        )
    }

    /// 1089: a prefix length on a non-string column, or longer than the column.
    pub fn wrong_sub_key() -> Self {
        Self::new(
            1089,
            "HY000",
            "Incorrect prefix key; the used key part isn't a string, the used length is longer \
             than the key part, or the storage engine doesn't support unique prefix keys",
        )
    }
}
