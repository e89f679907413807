//! What a statement answers: rows, an OK, or an error.
//!
//! These types are the boundary with the wire protocol: they carry what a MySQL server sends
//! (column names and protocol types, text values, affected rows, error code and SQLSTATE) and
//! nothing of the engine underneath.

use crate::error::SqlError;

/// The answer to one statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A result set.
    Rows(ResultSet),
    /// Success without rows.
    Ok(OkPacket),
    /// Failure; the session stays usable.
    Error(SqlError),
}

/// Rows with their column descriptions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResultSet {
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// Each row's values as MySQL's text protocol renders them (bytes: BLOBs are not
    /// text); `None` is SQL NULL.
    pub rows: Vec<Vec<Option<Vec<u8>>>>,
}

impl ResultSet {
    /// The column names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }
}

/// One column of a result set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The label the client sees.
    pub name: String,
    /// The protocol type.
    pub column_type: ColumnType,
    /// Bytes, not text (BLOB, BINARY, VARBINARY): drivers return them as bytes.
    pub binary: bool,
    /// An UNSIGNED integer or DECIMAL.
    pub unsigned: bool,
    /// Digits after the point of a DECIMAL.
    pub decimals: Option<u8>,
}

impl Column {
    /// A text-flavoured column named `name` of type `column_type`.
    pub fn new(name: impl Into<String>, column_type: ColumnType) -> Self {
        Self {
            name: name.into(),
            column_type,
            binary: false,
            unsigned: false,
            decimals: None,
        }
    }
}

/// MySQL protocol column types (the ones this engine produces).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// TINYINT, BOOLEAN.
    Tiny,
    /// SMALLINT.
    Short,
    /// INT, MEDIUMINT.
    Long,
    /// BIGINT.
    LongLong,
    /// FLOAT.
    Float,
    /// DOUBLE.
    Double,
    /// DECIMAL.
    NewDecimal,
    /// VARCHAR and text results of expressions.
    VarString,
    /// CHAR.
    String,
    /// TEXT, BLOB.
    Blob,
    /// JSON.
    Json,
    /// BIT.
    Bit,
    /// ENUM and SET values (sent as strings, flagged).
    Enum,
    /// The type of a bare NULL.
    Null,
    /// DATE.
    Date,
    /// TIME.
    Time,
    /// DATETIME.
    DateTime,
    /// TIMESTAMP.
    Timestamp,
    /// YEAR.
    Year,
}

impl ColumnType {
    /// The type's code in the MySQL protocol (`MYSQL_TYPE_*`).
    pub fn code(self) -> u8 {
        match self {
            ColumnType::NewDecimal => 0xf6,
            ColumnType::Tiny => 0x01,
            ColumnType::Short => 0x02,
            ColumnType::Long => 0x03,
            ColumnType::Float => 0x04,
            ColumnType::Double => 0x05,
            ColumnType::Timestamp => 0x07,
            ColumnType::LongLong => 0x08,
            ColumnType::Date => 0x0a,
            ColumnType::Time => 0x0b,
            ColumnType::DateTime => 0x0c,
            ColumnType::Year => 0x0d,
            ColumnType::VarString => 0xfd,
            ColumnType::String => 0xfe,
            ColumnType::Blob => 0xfc,
            ColumnType::Json => 0xf5,
            ColumnType::Bit => 0x10,
            ColumnType::Enum => 0xfe,
            ColumnType::Null => 0x06,
        }
    }

    /// True for types a client reads as numbers.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ColumnType::Tiny
                | ColumnType::Short
                | ColumnType::Long
                | ColumnType::LongLong
                | ColumnType::Float
                | ColumnType::Double
                | ColumnType::NewDecimal
                | ColumnType::Year
        )
    }
}

/// MySQL's OK packet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OkPacket {
    /// Rows changed (for UPDATE: changed, not merely matched, as MySQL reports by default).
    pub affected_rows: u64,
    /// Rows matched by an UPDATE's WHERE, for clients that ask for found rows
    /// (`CLIENT_FOUND_ROWS`); equal to `affected_rows` for other statements.
    pub matched_rows: u64,
    /// The first AUTO_INCREMENT value the statement generated, or 0.
    pub last_insert_id: u64,
    /// Warnings raised.
    pub warnings: u16,
    /// The human-readable info string (`Rows matched: 1  Changed: 1  Warnings: 0`), may be empty.
    pub info: String,
    /// True while a transaction is open after the statement (`SERVER_STATUS_IN_TRANS`).
    pub in_transaction: bool,
    /// The session's autocommit setting after the statement (`SERVER_STATUS_AUTOCOMMIT`).
    pub autocommit: bool,
}
