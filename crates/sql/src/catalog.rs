//! Table and database definitions as stored in the key-value space, and the mapping of MySQL
//! column types onto the engine's.
//!
//! A table's definition keeps two things side by side: the engine's schema (what gluesql
//! plans and checks against) and, per column, the MySQL type as the user declared it
//! (`varchar(20)`, `tinyint(1)`, `decimal(10,2)`), which DESCRIBE, SHOW CREATE TABLE, result
//! column types and value normalization (length, scale, fractional seconds) need.

use gluesql_core::ast::{ColumnUniqueOption, DataType};
use gluesql_core::data::Schema;
use serde::{Deserialize, Serialize};
use sqlparser::ast::{CharacterLength, DataType as SqlType, ExactNumberInfo, TimezoneInfo};

use crate::error::SqlError;
use crate::outcome::ColumnType;

/// What a database marker holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct DatabaseMeta {
    /// Default character set.
    pub charset: String,
    /// Default collation.
    pub collation: String,
}

impl Default for DatabaseMeta {
    fn default() -> Self {
        Self {
            charset: "utf8mb4".to_owned(),
            collation: "utf8mb4_0900_ai_ci".to_owned(),
        }
    }
}

/// One column as MySQL sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct ColumnMeta {
    /// Column name, as declared.
    pub name: String,
    /// The type as DESCRIBE shows it: `int`, `varchar(20)`, `decimal(10,2)`.
    pub sql_type: String,
    /// Protocol type code (see [`ColumnType::code`]).
    pub type_code: u8,
    /// Most characters a string column holds.
    #[serde(default)]
    pub max_len: Option<u64>,
    /// Digits after the point of a DECIMAL column.
    #[serde(default)]
    pub scale: Option<u32>,
    /// Fractional-second digits of a DATETIME/TIMESTAMP/TIME column.
    #[serde(default)]
    pub fsp: Option<u32>,
    /// AUTO_INCREMENT column.
    #[serde(default)]
    pub auto_increment: bool,
    /// `ON UPDATE CURRENT_TIMESTAMP`.
    #[serde(default)]
    pub on_update_now: bool,
    /// The DEFAULT clause as written, for DESCRIBE and `VALUES (DEFAULT)`.
    #[serde(default)]
    pub default_sql: Option<String>,
}

impl ColumnMeta {
    /// The protocol type.
    pub fn column_type(&self) -> ColumnType {
        column_type_from_code(self.type_code)
    }

    /// A plain description for a column the engine created without MySQL type information.
    pub fn from_engine(name: &str, data_type: &DataType) -> Self {
        let (sql_type, column_type) = match data_type {
            DataType::Boolean => ("tinyint(1)", ColumnType::Tiny),
            DataType::Int8 => ("tinyint", ColumnType::Tiny),
            DataType::Int16 => ("smallint", ColumnType::Short),
            DataType::Int32 => ("int", ColumnType::Long),
            DataType::Int | DataType::Int128 => ("bigint", ColumnType::LongLong),
            DataType::Uint8 => ("tinyint unsigned", ColumnType::Tiny),
            DataType::Uint16 => ("smallint unsigned", ColumnType::Short),
            DataType::Uint32 => ("int unsigned", ColumnType::Long),
            DataType::Uint64 | DataType::Uint128 => ("bigint unsigned", ColumnType::LongLong),
            DataType::Float32 => ("float", ColumnType::Float),
            DataType::Float => ("double", ColumnType::Double),
            DataType::Decimal => ("decimal", ColumnType::NewDecimal),
            DataType::Date => ("date", ColumnType::Date),
            DataType::Timestamp => ("datetime", ColumnType::DateTime),
            DataType::Time => ("time", ColumnType::Time),
            DataType::Bytea => ("blob", ColumnType::Blob),
            _ => ("text", ColumnType::Blob),
        };
        Self {
            name: name.to_owned(),
            sql_type: sql_type.to_owned(),
            type_code: column_type.code(),
            max_len: None,
            scale: None,
            fsp: None,
            auto_increment: false,
            on_update_now: false,
            default_sql: None,
        }
    }
}

/// Maps a protocol code back to its type.
pub(crate) fn column_type_from_code(code: u8) -> ColumnType {
    [
        ColumnType::Tiny,
        ColumnType::Short,
        ColumnType::Long,
        ColumnType::LongLong,
        ColumnType::Float,
        ColumnType::Double,
        ColumnType::NewDecimal,
        ColumnType::VarString,
        ColumnType::String,
        ColumnType::Blob,
        ColumnType::Date,
        ColumnType::Time,
        ColumnType::DateTime,
        ColumnType::Timestamp,
        ColumnType::Year,
    ]
    .into_iter()
    .find(|t| t.code() == code)
    .unwrap_or(ColumnType::VarString)
}

/// A table's stored definition.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TableDef {
    /// The engine's schema; `table_name` is the bare table name.
    pub schema: Schema,
    /// MySQL's view of each column, in the schema's column order.
    pub columns: Vec<ColumnMeta>,
}

impl TableDef {
    /// Serialized for the key-value space.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a table definition always serializes")
    }

    /// Read back from the key-value space.
    pub fn decode(bytes: &[u8]) -> Result<Self, SqlError> {
        serde_json::from_slice(bytes)
            .map_err(|e| SqlError::unknown(format!("corrupt table definition: {e}")))
    }

    /// Index and definition of the primary key column, if any.
    pub fn primary_key(&self) -> Option<(usize, &gluesql_core::ast::ColumnDef)> {
        self.schema.column_defs.as_ref().and_then(|defs| {
            defs.iter()
                .enumerate()
                .find(|(_, d)| d.unique == Some(ColumnUniqueOption { is_primary: true }))
        })
    }

    /// Index of the AUTO_INCREMENT column, if any.
    pub fn auto_increment(&self) -> Option<usize> {
        self.columns.iter().position(|c| c.auto_increment)
    }

    /// The engine's column definitions.
    pub fn column_defs(&self) -> &[gluesql_core::ast::ColumnDef] {
        self.schema.column_defs.as_deref().unwrap_or(&[])
    }

    /// Position of the column named `name` (exact, then case-insensitive, as MySQL matches).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        let defs = self.column_defs();
        defs.iter()
            .position(|d| d.name == name)
            .or_else(|| defs.iter().position(|d| d.name.eq_ignore_ascii_case(name)))
    }
}

/// A MySQL column type and what the engine stores it as.
#[derive(Debug, Clone)]
pub(crate) struct MappedType {
    /// The type handed to the engine (one it accepts).
    pub engine: SqlType,
    /// MySQL's rendering of the declared type.
    pub sql_type: String,
    /// Protocol type.
    pub column_type: ColumnType,
    /// String length limit.
    pub max_len: Option<u64>,
    /// DECIMAL scale.
    pub scale: Option<u32>,
    /// Fractional-second digits.
    pub fsp: Option<u32>,
}

fn char_len(len: &Option<CharacterLength>) -> Option<u64> {
    match len {
        Some(CharacterLength::IntegerLength { length, .. }) => Some(*length),
        _ => None,
    }
}

/// Maps a MySQL column type onto one the engine accepts.
pub(crate) fn map_type(ty: &SqlType) -> Result<MappedType, SqlError> {
    use ColumnType as C;
    let simple = |engine: SqlType, sql_type: String, column_type: ColumnType| MappedType {
        engine,
        sql_type,
        column_type,
        max_len: None,
        scale: None,
        fsp: None,
    };
    let width = |base: &str, w: &Option<u64>| match w {
        // MySQL 8 shows display widths only for tinyint(1).
        Some(1) if base == "tinyint" => "tinyint(1)".to_owned(),
        _ => base.to_owned(),
    };
    let text = |sql_type: &str, column_type: ColumnType, max_len: Option<u64>| MappedType {
        engine: SqlType::Text,
        sql_type: sql_type.to_owned(),
        column_type,
        max_len,
        scale: None,
        fsp: None,
    };
    let temporal = |engine: SqlType, base: &str, column_type: ColumnType, fsp: &Option<u64>| {
        let fsp = fsp.map(|f| f.min(6) as u32).filter(|f| *f > 0);
        MappedType {
            engine,
            sql_type: match fsp {
                Some(f) => format!("{base}({f})"),
                None => base.to_owned(),
            },
            column_type,
            max_len: None,
            scale: None,
            fsp,
        }
    };
    Ok(match ty {
        SqlType::TinyInt(w) => simple(SqlType::Int8(None), width("tinyint", w), C::Tiny),
        SqlType::UnsignedTinyInt(_) => simple(SqlType::UInt8, "tinyint unsigned".into(), C::Tiny),
        SqlType::Bool | SqlType::Boolean => {
            simple(SqlType::Int8(None), "tinyint(1)".into(), C::Tiny)
        }
        SqlType::SmallInt(_) => simple(SqlType::Int16, "smallint".into(), C::Short),
        SqlType::UnsignedSmallInt(_) => {
            simple(SqlType::UInt16, "smallint unsigned".into(), C::Short)
        }
        SqlType::MediumInt(_) => simple(SqlType::Int32, "mediumint".into(), C::Long),
        SqlType::UnsignedMediumInt(_) => {
            simple(SqlType::UInt32, "mediumint unsigned".into(), C::Long)
        }
        SqlType::Int(_) | SqlType::Integer(_) => simple(SqlType::Int32, "int".into(), C::Long),
        SqlType::UnsignedInt(_) | SqlType::UnsignedInteger(_) => {
            simple(SqlType::UInt32, "int unsigned".into(), C::Long)
        }
        SqlType::BigInt(_) => simple(SqlType::Int(None), "bigint".into(), C::LongLong),
        SqlType::UnsignedBigInt(_) => {
            simple(SqlType::UInt64, "bigint unsigned".into(), C::LongLong)
        }
        SqlType::Decimal(info) | SqlType::Numeric(info) | SqlType::Dec(info) => {
            let (p, s) = match info {
                ExactNumberInfo::None => (10, 0),
                ExactNumberInfo::Precision(p) => (*p, 0),
                ExactNumberInfo::PrecisionAndScale(p, s) => (*p, *s),
            };
            if p > 65 || s > 30 || s > p {
                return Err(SqlError::new(
                    1426,
                    "42000",
                    format!("Too-big precision {p} specified. Maximum is 65."),
                ));
            }
            MappedType {
                engine: SqlType::Decimal(ExactNumberInfo::None),
                sql_type: format!("decimal({p},{s})"),
                column_type: C::NewDecimal,
                max_len: None,
                scale: Some(s as u32),
                fsp: None,
            }
        }
        SqlType::Float(Some(p)) if *p > 24 => simple(SqlType::Float64, "double".into(), C::Double),
        SqlType::Float(_) | SqlType::Float4 => simple(SqlType::Float32, "float".into(), C::Float),
        SqlType::Double | SqlType::DoublePrecision | SqlType::Real | SqlType::Float8 => {
            simple(SqlType::Float64, "double".into(), C::Double)
        }
        SqlType::Varchar(len) | SqlType::CharacterVarying(len) | SqlType::CharVarying(len) => {
            let n = char_len(len);
            text(
                &format!("varchar({})", n.unwrap_or(255)),
                C::VarString,
                n.or(Some(255)),
            )
        }
        SqlType::Char(len) | SqlType::Character(len) => {
            let n = char_len(len).unwrap_or(1);
            text(&format!("char({n})"), C::String, Some(n))
        }
        SqlType::Text => text("text", C::Blob, Some(65_535)),
        SqlType::JSON => text("json", C::Blob, None),
        SqlType::Enum(values) => {
            let list = values
                .iter()
                .map(|v| format!("'{}'", v.replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(",");
            text(&format!("enum({list})"), C::String, None)
        }
        SqlType::Blob(_) | SqlType::Varbinary(_) | SqlType::Binary(_) => {
            let name = match ty {
                SqlType::Varbinary(n) => format!("varbinary({})", n.unwrap_or(255)),
                SqlType::Binary(n) => format!("binary({})", n.unwrap_or(1)),
                _ => "blob".to_owned(),
            };
            // Held as text: SQL text can only carry text anyway.
            text(&name, C::Blob, None)
        }
        SqlType::Date => simple(SqlType::Date, "date".into(), C::Date),
        SqlType::Datetime(fsp) => temporal(
            SqlType::Timestamp(None, TimezoneInfo::None),
            "datetime",
            C::DateTime,
            fsp,
        ),
        SqlType::Timestamp(fsp, _) => temporal(
            SqlType::Timestamp(None, TimezoneInfo::None),
            "timestamp",
            C::Timestamp,
            fsp,
        ),
        SqlType::Time(fsp, _) => temporal(
            SqlType::Time(None, TimezoneInfo::None),
            "time",
            C::Time,
            fsp,
        ),
        SqlType::Custom(name, args) => {
            let n = name.to_string().to_ascii_lowercase();
            match n.as_str() {
                "tinytext" => text("tinytext", C::Blob, Some(255)),
                "mediumtext" => text("mediumtext", C::Blob, Some(16_777_215)),
                "longtext" => text("longtext", C::Blob, None),
                "tinyblob" | "mediumblob" | "longblob" => text(&n, C::Blob, None),
                "year" => simple(SqlType::Int16, "year".into(), C::Year),
                "serial" => simple(SqlType::UInt64, "bigint unsigned".into(), C::LongLong),
                _ => {
                    let shown = if args.is_empty() {
                        n
                    } else {
                        format!("{n}({})", args.join(","))
                    };
                    return Err(SqlError::not_supported(format!("column type {shown}")));
                }
            }
        }
        other => return Err(SqlError::not_supported(format!("column type {other}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_types_map_to_engine_types() {
        let m = map_type(&SqlType::Varchar(Some(CharacterLength::IntegerLength {
            length: 20,
            unit: None,
        })))
        .unwrap();
        assert_eq!(m.sql_type, "varchar(20)");
        assert_eq!(m.max_len, Some(20));
        let m = map_type(&SqlType::Decimal(ExactNumberInfo::PrecisionAndScale(10, 2))).unwrap();
        assert_eq!((m.sql_type.as_str(), m.scale), ("decimal(10,2)", Some(2)));
        assert_eq!(
            map_type(&SqlType::TinyInt(Some(1))).unwrap().sql_type,
            "tinyint(1)"
        );
        assert!(map_type(&SqlType::Uuid).is_err());
        for t in [ColumnType::Tiny, ColumnType::Blob, ColumnType::Timestamp] {
            assert_eq!(column_type_from_code(t.code()), t);
        }
    }
}
