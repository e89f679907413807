//! MySQL 8.0 column types: parsed from sqlparser's `DataType`, printed as MySQL prints them, and
//! mapped to what SQLite and the value checks need.

use serde::{Deserialize, Serialize};
use sqlparser::ast::{
    BinaryLength, CharacterLength, DataType, EnumMember, ExactNumberInfo, TypeModifier,
};

use crate::SqlError;

/// The five integer widths, so one `Type::Int` variant serves them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IntKind {
    /// TINYINT: 1 byte.
    Tiny,
    /// SMALLINT: 2 bytes.
    Small,
    /// MEDIUMINT: 3 bytes.
    Medium,
    /// INT: 4 bytes.
    Int,
    /// BIGINT: 8 bytes.
    Big,
}

impl IntKind {
    /// MySQL's name of the type.
    pub fn name(self) -> &'static str {
        match self {
            IntKind::Tiny => "tinyint",
            IntKind::Small => "smallint",
            IntKind::Medium => "mediumint",
            IntKind::Int => "int",
            IntKind::Big => "bigint",
        }
    }

    /// The range of values the type holds, as MySQL checks it.
    pub fn range(self, unsigned: bool) -> (i128, i128) {
        let bits = match self {
            IntKind::Tiny => 8,
            IntKind::Small => 16,
            IntKind::Medium => 24,
            IntKind::Int => 32,
            IntKind::Big => 64,
        };
        if unsigned {
            (0, (1i128 << bits) - 1)
        } else {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        }
    }

    /// The display width ZEROFILL pads to when none is given (MySQL's defaults).
    fn default_width(self, unsigned: bool) -> u32 {
        let w = match self {
            IntKind::Tiny => 4,
            IntKind::Small => 6,
            IntKind::Medium => 9,
            IntKind::Int => 11,
            IntKind::Big => 20,
        };
        if unsigned && self != IntKind::Big {
            w - 1
        } else {
            w
        }
    }
}

/// The four sizes of TEXT and BLOB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LobSize {
    /// TINYTEXT / TINYBLOB: up to 255 bytes.
    Tiny,
    /// TEXT / BLOB: up to 65535 bytes.
    Regular,
    /// MEDIUMTEXT / MEDIUMBLOB: up to 16 MiB.
    Medium,
    /// LONGTEXT / LONGBLOB: up to 4 GiB.
    Long,
}

impl LobSize {
    /// Maximum length in bytes.
    pub fn max_bytes(self) -> u64 {
        match self {
            LobSize::Tiny => 255,
            LobSize::Regular => 65_535,
            LobSize::Medium => 16_777_215,
            LobSize::Long => 4_294_967_295,
        }
    }

    /// The smallest size holding `bytes` bytes, as `TEXT(n)` / `BLOB(n)` choose.
    pub fn for_bytes(bytes: u64) -> LobSize {
        [LobSize::Tiny, LobSize::Regular, LobSize::Medium]
            .into_iter()
            .find(|s| bytes <= s.max_bytes())
            .unwrap_or(LobSize::Long)
    }

    fn prefix(self) -> &'static str {
        match self {
            LobSize::Tiny => "tiny",
            LobSize::Regular => "",
            LobSize::Medium => "medium",
            LobSize::Long => "long",
        }
    }
}

/// A MySQL 8.0 column type, normalized the way MySQL stores it (BOOL is `tinyint(1)`, FLOAT(30)
/// is DOUBLE, TEXT(300) is TEXT, SERIAL is `bigint unsigned`...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Type {
    /// TINYINT .. BIGINT. `width` is kept only where MySQL 8 still prints it: `tinyint(1)` and
    /// ZEROFILL columns.
    Int {
        /// Which integer type.
        kind: IntKind,
        /// UNSIGNED (implied by ZEROFILL).
        unsigned: bool,
        /// ZEROFILL.
        zerofill: bool,
        /// Display width, where it matters.
        width: Option<u32>,
    },
    /// DECIMAL(p,s).
    Decimal {
        /// Total digits, 1..=65.
        precision: u32,
        /// Digits after the point, 0..=30.
        scale: u32,
        /// UNSIGNED (deprecated, but kept and printed).
        unsigned: bool,
    },
    /// FLOAT, with the deprecated (M,D) if given.
    Float {
        /// (M,D) if given.
        digits: Option<(u32, u32)>,
        /// UNSIGNED.
        unsigned: bool,
    },
    /// DOUBLE (REAL, DOUBLE PRECISION, FLOAT(25..53)), with the deprecated (M,D) if given.
    Double {
        /// (M,D) if given.
        digits: Option<(u32, u32)>,
        /// UNSIGNED.
        unsigned: bool,
    },
    /// BIT(n), 1..=64.
    Bit(u32),
    /// CHAR(n), n characters.
    Char(u32),
    /// VARCHAR(n), n characters.
    VarChar(u32),
    /// TINYTEXT, TEXT, MEDIUMTEXT, LONGTEXT.
    Text(LobSize),
    /// BINARY(n), n bytes.
    Binary(u32),
    /// VARBINARY(n), n bytes.
    VarBinary(u32),
    /// TINYBLOB, BLOB, MEDIUMBLOB, LONGBLOB.
    Blob(LobSize),
    /// ENUM of these members.
    Enum(Vec<String>),
    /// SET of these members.
    Set(Vec<String>),
    /// DATE.
    Date,
    /// TIME(fsp).
    Time(u8),
    /// DATETIME(fsp).
    DateTime(u8),
    /// TIMESTAMP(fsp).
    Timestamp(u8),
    /// YEAR.
    Year,
    /// JSON.
    Json,
    /// A spatial type (GEOMETRY, POINT, LINESTRING, POLYGON, the MULTI- forms,
    /// GEOMETRYCOLLECTION), by its lower-case name; the value's bytes are kept as given.
    Geometry(String),
}

/// MySQL's spatial type names.
const GEOMETRY_TYPES: [&str; 8] = [
    "geometry",
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
];

fn quote_member(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

fn members(list: &[String]) -> String {
    list.iter()
        .map(|m| quote_member(m))
        .collect::<Vec<_>>()
        .join(",")
}

/// What a length argument of a type says, so `from_sql` can check it against MySQL's limits.
fn char_len(len: &Option<CharacterLength>) -> Option<u64> {
    match len {
        Some(CharacterLength::IntegerLength { length, .. }) => Some(*length),
        Some(CharacterLength::Max) => Some(u64::MAX),
        None => None,
    }
}

fn exact(info: &ExactNumberInfo) -> (Option<u64>, Option<i64>) {
    match info {
        ExactNumberInfo::None => (None, None),
        ExactNumberInfo::Precision(p) => (Some(*p), None),
        ExactNumberInfo::PrecisionAndScale(p, s) => (Some(*p), Some(*s)),
    }
}

impl Type {
    /// The type a column declaration names, normalized as MySQL stores it (errors name no
    /// column; [`Type::from_sql_for`] names it).
    pub fn from_sql(dt: &DataType) -> Result<Type, SqlError> {
        Self::from_sql_for(dt, "")
    }

    /// [`Type::from_sql`] naming the column in errors (1074, 1426, 1425, 1439, 1291).
    pub fn from_sql_for(dt: &DataType, column: &str) -> Result<Type, SqlError> {
        use DataType as D;
        let int = |kind, unsigned, width: &Option<u64>| {
            let width = width.map(|w| w as u32);
            Type::Int {
                kind,
                unsigned,
                zerofill: false,
                // MySQL 8 keeps the width only for tinyint(1), the boolean convention.
                width: if kind == IntKind::Tiny && width == Some(1) {
                    Some(1)
                } else {
                    None
                },
            }
        };
        let decimal = |info: &ExactNumberInfo, unsigned: bool| -> Result<Type, SqlError> {
            let (p, s) = exact(info);
            let precision = p.unwrap_or(10);
            let scale = s.unwrap_or(0);
            if precision > 65 {
                return Err(SqlError::too_big_precision(precision, column, 65));
            }
            if scale > 30 {
                return Err(SqlError::too_big_scale(scale as u64, column, 30));
            }
            if scale < 0 || scale as u64 > precision {
                return Err(SqlError::scale_bigger_than_precision(column));
            }
            Ok(Type::Decimal {
                precision: precision.max(1) as u32,
                scale: scale as u32,
                unsigned,
            })
        };
        let float = |info: &ExactNumberInfo, unsigned: bool, double: bool| {
            let (p, s) = exact(info);
            match (p, s) {
                (Some(m), Some(d)) => {
                    if d < 0 || d as u64 > m {
                        return Err(SqlError::scale_bigger_than_precision(column));
                    }
                    let digits = Some((m as u32, d as u32));
                    Ok(if double {
                        Type::Double { digits, unsigned }
                    } else {
                        Type::Float { digits, unsigned }
                    })
                }
                // FLOAT(p): the precision picks FLOAT or DOUBLE.
                (Some(p), None) if !double => {
                    if p > 53 {
                        Err(SqlError::new(
                            1063,
                            "42000",
                            format!("Incorrect column specifier for column '{column}'"),
                        ))
                    } else if p > 24 {
                        Ok(Type::Double {
                            digits: None,
                            unsigned,
                        })
                    } else {
                        Ok(Type::Float {
                            digits: None,
                            unsigned,
                        })
                    }
                }
                _ => Ok(if double {
                    Type::Double {
                        digits: None,
                        unsigned,
                    }
                } else {
                    Type::Float {
                        digits: None,
                        unsigned,
                    }
                }),
            }
        };
        let chars = |n: Option<u64>, var: bool| -> Result<Type, SqlError> {
            let max = if var { 16_383 } else { 255 };
            let n = n.unwrap_or(1);
            if n > max {
                return Err(SqlError::column_too_long(column, max));
            }
            Ok(if var {
                Type::VarChar(n as u32)
            } else {
                Type::Char(n as u32)
            })
        };
        let fsp = |p: &Option<u64>, what: &str| -> Result<u8, SqlError> {
            match p {
                Some(p) if *p > 6 => Err(SqlError::too_big_precision(*p, what, 6)),
                Some(p) => Ok(*p as u8),
                None => Ok(0),
            }
        };
        Ok(match dt {
            D::TinyInt(w) => int(IntKind::Tiny, false, w),
            D::TinyIntUnsigned(w) => int(IntKind::Tiny, true, w),
            D::UTinyInt => int(IntKind::Tiny, true, &None),
            D::SmallInt(w) | D::Int2(w) => int(IntKind::Small, false, w),
            D::SmallIntUnsigned(w) | D::Int2Unsigned(w) => int(IntKind::Small, true, w),
            D::USmallInt => int(IntKind::Small, true, &None),
            D::MediumInt(w) => int(IntKind::Medium, false, w),
            D::MediumIntUnsigned(w) => int(IntKind::Medium, true, w),
            D::Int(w) | D::Integer(w) | D::Int4(w) => int(IntKind::Int, false, w),
            D::IntUnsigned(w) | D::IntegerUnsigned(w) | D::Int4Unsigned(w) => {
                int(IntKind::Int, true, w)
            }
            D::Int32 => int(IntKind::Int, false, &None),
            D::UInt32 => int(IntKind::Int, true, &None),
            D::BigInt(w) | D::Int8(w) => int(IntKind::Big, false, w),
            D::BigIntUnsigned(w) | D::Int8Unsigned(w) => int(IntKind::Big, true, w),
            D::Int64 => int(IntKind::Big, false, &None),
            D::UBigInt | D::UInt64 => int(IntKind::Big, true, &None),
            D::Signed | D::SignedInteger => int(IntKind::Big, false, &None),
            D::Unsigned | D::UnsignedInteger => int(IntKind::Big, true, &None),
            D::Zerofill(inner) => match Type::from_sql_for(inner, column)? {
                Type::Int { kind, width, .. } => Type::Int {
                    kind,
                    unsigned: true,
                    zerofill: true,
                    width: Some(width.unwrap_or(kind.default_width(true))),
                },
                // ZEROFILL on a non-integer keeps the type, made unsigned.
                Type::Decimal {
                    precision, scale, ..
                } => Type::Decimal {
                    precision,
                    scale,
                    unsigned: true,
                },
                Type::Float { digits, .. } => Type::Float {
                    digits,
                    unsigned: true,
                },
                Type::Double { digits, .. } => Type::Double {
                    digits,
                    unsigned: true,
                },
                other => other,
            },
            D::Bool | D::Boolean => Type::Int {
                kind: IntKind::Tiny,
                unsigned: false,
                zerofill: false,
                width: Some(1),
            },
            D::Decimal(i) | D::Numeric(i) | D::Dec(i) => decimal(i, false)?,
            D::DecimalUnsigned(i) | D::DecUnsigned(i) => decimal(i, true)?,
            D::Float(i) => float(i, false, false)?,
            D::FloatUnsigned(i) => float(i, true, false)?,
            D::Float4 | D::Float32 => float(&ExactNumberInfo::None, false, false)?,
            D::Double(i) => float(i, false, true)?,
            D::DoubleUnsigned(i) => float(i, true, true)?,
            D::Real | D::DoublePrecision | D::Float8 | D::Float64 => {
                float(&ExactNumberInfo::None, false, true)?
            }
            D::RealUnsigned | D::DoublePrecisionUnsigned => {
                float(&ExactNumberInfo::None, true, true)?
            }
            D::Bit(n) => {
                let n = n.unwrap_or(1);
                if n > 64 {
                    return Err(SqlError::new(
                        1439,
                        "42000",
                        format!("Display width out of range for column '{column}' (max = 64)"),
                    ));
                }
                Type::Bit(n.max(1) as u32)
            }
            D::Char(l) | D::Character(l) => chars(char_len(l), false)?,
            D::Varchar(l) | D::Nvarchar(l) | D::CharVarying(l) | D::CharacterVarying(l) => {
                match char_len(l) {
                    Some(n) => chars(Some(n), true)?,
                    None => return Err(SqlError::syntax(")", 1)),
                }
            }
            D::TinyText => Type::Text(LobSize::Tiny),
            D::Text => Type::Text(LobSize::Regular),
            D::MediumText => Type::Text(LobSize::Medium),
            D::LongText => Type::Text(LobSize::Long),
            D::Binary(n) => {
                let n = n.unwrap_or(1);
                if n > 255 {
                    return Err(SqlError::column_too_long(column, 255));
                }
                Type::Binary(n as u32)
            }
            D::Varbinary(l) => match l {
                Some(BinaryLength::IntegerLength { length }) if *length <= 65_535 => {
                    Type::VarBinary(*length as u32)
                }
                Some(_) => return Err(SqlError::column_too_long(column, 65_535)),
                None => return Err(SqlError::syntax(")", 1)),
            },
            D::TinyBlob => Type::Blob(LobSize::Tiny),
            D::Blob(n) => Type::Blob(n.map_or(LobSize::Regular, LobSize::for_bytes)),
            D::MediumBlob => Type::Blob(LobSize::Medium),
            D::LongBlob => Type::Blob(LobSize::Long),
            D::Enum(list, _) => {
                let list: Vec<String> = list
                    .iter()
                    .map(|m| match m {
                        EnumMember::Name(s) | EnumMember::NamedValue(s, _) => s.clone(),
                    })
                    .collect();
                check_members(&list, column, "ENUM")?;
                Type::Enum(list)
            }
            D::Set(list) => {
                check_members(list, column, "SET")?;
                Type::Set(list.clone())
            }
            D::Date => Type::Date,
            D::Time(p, _) => Type::Time(fsp(p, column)?),
            D::Datetime(p) => Type::DateTime(fsp(p, column)?),
            D::Timestamp(p, _) => Type::Timestamp(fsp(p, column)?),
            D::JSON => Type::Json,
            D::Custom(name, mods) => {
                let n = name.to_string().to_ascii_lowercase();
                let num = mods.first().and_then(|m| match m {
                    TypeModifier::Number(s, _) => s.parse::<u64>().ok(),
                    _ => None,
                });
                match n.as_str() {
                    "year" => Type::Year,
                    "serial" => Type::Int {
                        kind: IntKind::Big,
                        unsigned: true,
                        zerofill: false,
                        width: None,
                    },
                    "int1" => int(IntKind::Tiny, false, &num),
                    "int3" | "middleint" => int(IntKind::Medium, false, &num),
                    "fixed" => {
                        let scale = mods.get(1).and_then(|m| match m {
                            TypeModifier::Number(s, _) => s.parse::<i64>().ok(),
                            _ => None,
                        });
                        let info = match (num, scale) {
                            (Some(p), Some(s)) => ExactNumberInfo::PrecisionAndScale(p, s),
                            (Some(p), None) => ExactNumberInfo::Precision(p),
                            _ => ExactNumberInfo::None,
                        };
                        decimal(&info, false)?
                    }
                    "nchar" | "national" => chars(num, false)?,
                    "long" => Type::Text(LobSize::Medium),
                    "text" => Type::Text(LobSize::for_bytes(num.unwrap_or(65_535) * 4)),
                    "geomcollection" => Type::Geometry("geometrycollection".into()),
                    g if GEOMETRY_TYPES.contains(&g) => Type::Geometry(g.to_owned()),
                    _ => return Err(SqlError::not_supported(format!("column type {dt}"))),
                }
            }
            other => return Err(SqlError::not_supported(format!("column type {other}"))),
        })
    }

    /// The type as SHOW CREATE TABLE and information_schema COLUMN_TYPE print it.
    pub fn show(&self) -> String {
        let sign = |u: bool| if u { " unsigned" } else { "" };
        match self {
            Type::Int {
                kind,
                unsigned,
                zerofill,
                width,
            } => {
                let w = width.map(|w| format!("({w})")).unwrap_or_default();
                format!(
                    "{}{w}{}{}",
                    kind.name(),
                    sign(*unsigned),
                    if *zerofill { " zerofill" } else { "" }
                )
            }
            Type::Decimal {
                precision,
                scale,
                unsigned,
            } => format!("decimal({precision},{scale}){}", sign(*unsigned)),
            Type::Float { digits, unsigned } | Type::Double { digits, unsigned } => {
                let name = if matches!(self, Type::Float { .. }) {
                    "float"
                } else {
                    "double"
                };
                let d = digits
                    .map(|(m, d)| format!("({m},{d})"))
                    .unwrap_or_default();
                format!("{name}{d}{}", sign(*unsigned))
            }
            Type::Bit(n) => format!("bit({n})"),
            Type::Char(n) => format!("char({n})"),
            Type::VarChar(n) => format!("varchar({n})"),
            Type::Text(s) => format!("{}text", s.prefix()),
            Type::Binary(n) => format!("binary({n})"),
            Type::VarBinary(n) => format!("varbinary({n})"),
            Type::Blob(s) => format!("{}blob", s.prefix()),
            Type::Enum(l) => format!("enum({})", members(l)),
            Type::Set(l) => format!("set({})", members(l)),
            Type::Date => "date".into(),
            Type::Time(p) | Type::DateTime(p) | Type::Timestamp(p) => {
                let name = self.data_type();
                if *p > 0 {
                    format!("{name}({p})")
                } else {
                    name.to_string()
                }
            }
            Type::Year => "year".into(),
            Type::Json => "json".into(),
            Type::Geometry(g) => g.clone(),
        }
    }

    /// information_schema DATA_TYPE: the type's bare name.
    pub fn data_type(&self) -> &'static str {
        match self {
            Type::Int { kind, .. } => kind.name(),
            Type::Decimal { .. } => "decimal",
            Type::Float { .. } => "float",
            Type::Double { .. } => "double",
            Type::Bit(_) => "bit",
            Type::Char(_) => "char",
            Type::VarChar(_) => "varchar",
            Type::Text(LobSize::Tiny) => "tinytext",
            Type::Text(LobSize::Regular) => "text",
            Type::Text(LobSize::Medium) => "mediumtext",
            Type::Text(LobSize::Long) => "longtext",
            Type::Binary(_) => "binary",
            Type::VarBinary(_) => "varbinary",
            Type::Blob(LobSize::Tiny) => "tinyblob",
            Type::Blob(LobSize::Regular) => "blob",
            Type::Blob(LobSize::Medium) => "mediumblob",
            Type::Blob(LobSize::Long) => "longblob",
            Type::Enum(_) => "enum",
            Type::Set(_) => "set",
            Type::Date => "date",
            Type::Time(_) => "time",
            Type::DateTime(_) => "datetime",
            Type::Timestamp(_) => "timestamp",
            Type::Year => "year",
            Type::Json => "json",
            Type::Geometry(g) => GEOMETRY_TYPES
                .iter()
                .find(|t| **t == g.as_str())
                .copied()
                .unwrap_or("geometry"),
        }
    }

    /// information_schema CHARACTER_MAXIMUM_LENGTH: characters for character types, bytes for
    /// binary ones (TEXT types report their byte limit, as MySQL does), None for the rest.
    pub fn char_max_length(&self) -> Option<u64> {
        match self {
            Type::Char(n) | Type::VarChar(n) | Type::Binary(n) | Type::VarBinary(n) => {
                Some(u64::from(*n))
            }
            Type::Text(s) | Type::Blob(s) => Some(s.max_bytes()),
            Type::Enum(l) => Some(
                l.iter()
                    .map(|m| m.chars().count() as u64)
                    .max()
                    .unwrap_or(0),
            ),
            Type::Set(l) => Some(
                l.iter().map(|m| m.chars().count() as u64).sum::<u64>()
                    + l.len().saturating_sub(1) as u64,
            ),
            _ => None,
        }
    }

    /// information_schema CHARACTER_OCTET_LENGTH for a column in `charset` (utf8mb4: 4 bytes a
    /// character).
    pub fn octet_length(&self, charset: &str) -> Option<u64> {
        let per = charset_max_bytes(charset);
        match self {
            Type::Char(_) | Type::VarChar(_) | Type::Enum(_) | Type::Set(_) => {
                self.char_max_length().map(|n| n * per)
            }
            _ => self.char_max_length(),
        }
    }

    /// information_schema NUMERIC_PRECISION (MySQL's values: int 10, bigint 19 or 20 unsigned,
    /// float 12, double 22, bit n).
    pub fn numeric_precision(&self) -> Option<u64> {
        Some(match self {
            Type::Int { kind, unsigned, .. } => match kind {
                IntKind::Tiny => 3,
                IntKind::Small => 5,
                IntKind::Medium => 7,
                IntKind::Int => 10,
                IntKind::Big if *unsigned => 20,
                IntKind::Big => 19,
            },
            Type::Decimal { precision, .. } => u64::from(*precision),
            Type::Float { digits, .. } => digits.map_or(12, |(m, _)| u64::from(m)),
            Type::Double { digits, .. } => digits.map_or(22, |(m, _)| u64::from(m)),
            Type::Bit(n) => u64::from(*n),
            _ => return None,
        })
    }

    /// information_schema NUMERIC_SCALE (NULL for FLOAT/DOUBLE without (M,D) and for BIT).
    pub fn numeric_scale(&self) -> Option<u64> {
        match self {
            Type::Int { .. } => Some(0),
            Type::Decimal { scale, .. } => Some(u64::from(*scale)),
            Type::Float { digits, .. } | Type::Double { digits, .. } => {
                digits.map(|(_, d)| u64::from(d))
            }
            _ => None,
        }
    }

    /// information_schema DATETIME_PRECISION: the fsp of TIME, DATETIME and TIMESTAMP.
    pub fn datetime_precision(&self) -> Option<u64> {
        match self {
            Type::Time(p) | Type::DateTime(p) | Type::Timestamp(p) => Some(u64::from(*p)),
            _ => None,
        }
    }

    /// Whether the type holds characters, and so has a character set and collation.
    pub fn is_textual(&self) -> bool {
        matches!(
            self,
            Type::Char(_) | Type::VarChar(_) | Type::Text(_) | Type::Enum(_) | Type::Set(_)
        )
    }

    /// Whether the type holds bytes (BINARY, VARBINARY, BLOBs): stored as SQLite BLOBs.
    pub fn is_binary(&self) -> bool {
        matches!(
            self,
            Type::Binary(_) | Type::VarBinary(_) | Type::Blob(_) | Type::Geometry(_)
        )
    }

    /// Whether a literal DEFAULT is refused (TEXT, BLOB, JSON: MySQL's error 1101).
    pub fn is_lob(&self) -> bool {
        matches!(
            self,
            Type::Text(_) | Type::Blob(_) | Type::Json | Type::Geometry(_)
        )
    }

    /// Whether the type is an integer type (AUTO_INCREMENT candidates with FLOAT/DOUBLE).
    pub fn is_integer(&self) -> bool {
        matches!(self, Type::Int { .. })
    }

    /// The spec string of `mysql_assign(value, spec, column)`, the value check run on every
    /// write into a column of this type.
    pub fn assign_spec(&self) -> String {
        match self {
            Type::Int { kind, unsigned, .. } => {
                format!(
                    "{}{}",
                    kind.name(),
                    if *unsigned { " unsigned" } else { "" }
                )
            }
            Type::Decimal {
                precision, scale, ..
            } => format!("decimal({precision},{scale})"),
            Type::Float { .. } => "float".into(),
            Type::Double { .. } => "double".into(),
            // With the precision always: mysql_assign rounds the fraction to it (a bare
            // `datetime` keeps the value's own digits).
            Type::Time(p) | Type::DateTime(p) | Type::Timestamp(p) => {
                format!("{}({p})", self.data_type())
            }
            Type::Geometry(_) => "longblob".into(),
            _ => self.show(),
        }
    }

    /// The declared type of the SQLite column: it picks the SQLite affinity and can be read
    /// back with [`Type::from_sqlite_decl`].
    ///
    /// Integers get INTEGER affinity (the name contains INT), DECIMAL NUMERIC, FLOAT/DOUBLE
    /// REAL; character, ENUM, SET, JSON and temporal types TEXT affinity (`ENUM TEXT`, `DATE
    /// TEXT`, `DATETIME TEXT(6)`, `SET_TEXT` as SET is an SQLite keyword), so a value such as '1' or '1e2' stays the text it was
    /// written as instead of becoming a number; binary types BLOB affinity (`VARBINARY
    /// BLOB(16)`). SQLite's type grammar allows words then `(n[,m])`, so the affinity word
    /// goes before the numbers. BIT and YEAR are NUMERIC (they hold integers).
    pub fn sqlite_decl(&self) -> String {
        let unsigned = |u: bool| if u { " UNSIGNED" } else { "" };
        match self {
            Type::Int {
                kind,
                unsigned: u,
                width,
                ..
            } => {
                if *kind == IntKind::Big && *u {
                    // Past i64::MAX a BIGINT UNSIGNED is kept as its digits (SQLite integers
                    // are signed): no INTEGER affinity, which would turn them into REALs.
                    return "U64 UNSIGNED BLOB".to_owned();
                }
                let w = match (kind, width) {
                    (IntKind::Tiny, Some(1)) => "(1)",
                    _ => "",
                };
                format!("{}{}{w}", kind.name().to_ascii_uppercase(), unsigned(*u))
            }
            Type::Decimal {
                precision,
                scale,
                unsigned: u,
            } => format!("DECIMAL{}({precision},{scale})", unsigned(*u)),
            Type::Float { unsigned: u, .. } => format!("FLOAT{}", unsigned(*u)),
            Type::Double { unsigned: u, .. } => format!("DOUBLE{}", unsigned(*u)),
            Type::Bit(n) => format!("BIT({n})"),
            Type::Char(n) => format!("CHAR({n})"),
            Type::VarChar(n) => format!("VARCHAR({n})"),
            Type::Text(_) | Type::Blob(_) => self.data_type().to_ascii_uppercase(),
            Type::Binary(n) => format!("BINARY BLOB({n})"),
            Type::VarBinary(n) => format!("VARBINARY BLOB({n})"),
            Type::Enum(_) => "ENUM TEXT".into(),
            Type::Set(_) => "SET_TEXT".into(),
            Type::Date => "DATE TEXT".into(),
            Type::Time(p) | Type::DateTime(p) | Type::Timestamp(p) => {
                let name = self.data_type().to_ascii_uppercase();
                if *p > 0 {
                    format!("{name} TEXT({p})")
                } else {
                    format!("{name} TEXT")
                }
            }
            Type::Year => "YEAR".into(),
            Type::Json => "JSON TEXT".into(),
            Type::Geometry(g) => format!("{} BLOB", g.to_ascii_uppercase()),
        }
    }

    /// The type a SQLite declared type names, for result columns the catalog does not know:
    /// reads [`Type::sqlite_decl`]'s output, and SQLite's own names by affinity (INTEGER is
    /// BIGINT, REAL DOUBLE, TEXT LONGTEXT, BLOB LONGBLOB, NUMERIC DECIMAL(65,30)). ENUM and SET
    /// come back without members (their protocol type is a string either way).
    pub fn from_sqlite_decl(decl: &str) -> Option<Type> {
        let decl = decl.trim().to_ascii_uppercase();
        if decl.is_empty() {
            return None;
        }
        let (words, nums) = match decl.find('(') {
            Some(i) => (&decl[..i], decl[i + 1..].trim_end_matches(')')),
            None => (decl.as_str(), ""),
        };
        let nums: Vec<u32> = nums
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect();
        let words: Vec<&str> = words.split_whitespace().collect();
        let unsigned = words.contains(&"UNSIGNED");
        let n0 = nums.first().copied();
        let int = |kind| Type::Int {
            kind,
            unsigned,
            zerofill: false,
            width: if kind == IntKind::Tiny && n0 == Some(1) {
                Some(1)
            } else {
                None
            },
        };
        Some(match *words.first()? {
            "TINYINT" => int(IntKind::Tiny),
            "SMALLINT" => int(IntKind::Small),
            "MEDIUMINT" => int(IntKind::Medium),
            "INT" => int(IntKind::Int),
            "BIGINT" | "INTEGER" => int(IntKind::Big),
            "U64" => Type::Int {
                kind: IntKind::Big,
                unsigned: true,
                zerofill: false,
                width: None,
            },
            "DECIMAL" | "NUMERIC" => Type::Decimal {
                precision: n0.unwrap_or(65),
                scale: nums
                    .get(1)
                    .copied()
                    .unwrap_or(if n0.is_some() { 0 } else { 30 }),
                unsigned,
            },
            "FLOAT" => Type::Float {
                digits: None,
                unsigned,
            },
            "DOUBLE" | "REAL" => Type::Double {
                digits: None,
                unsigned,
            },
            "BIT" => Type::Bit(n0.unwrap_or(1)),
            "CHAR" => Type::Char(n0.unwrap_or(1)),
            "VARCHAR" => Type::VarChar(n0.unwrap_or(255)),
            "TINYTEXT" => Type::Text(LobSize::Tiny),
            "TEXT" => Type::Text(LobSize::Regular),
            "MEDIUMTEXT" => Type::Text(LobSize::Medium),
            "LONGTEXT" => Type::Text(LobSize::Long),
            "BINARY" => Type::Binary(n0.unwrap_or(1)),
            "VARBINARY" => Type::VarBinary(n0.unwrap_or(255)),
            "TINYBLOB" => Type::Blob(LobSize::Tiny),
            "BLOB" => Type::Blob(LobSize::Regular),
            "MEDIUMBLOB" => Type::Blob(LobSize::Medium),
            "LONGBLOB" => Type::Blob(LobSize::Long),
            "ENUM" => Type::Enum(vec![]),
            "SET" | "SET_TEXT" => Type::Set(vec![]),
            "DATE" => Type::Date,
            "TIME" => Type::Time(n0.unwrap_or(0) as u8),
            "DATETIME" => Type::DateTime(n0.unwrap_or(0) as u8),
            "TIMESTAMP" => Type::Timestamp(n0.unwrap_or(0) as u8),
            "YEAR" => Type::Year,
            "JSON" => Type::Json,
            g if GEOMETRY_TYPES
                .contains(&g.trim_end_matches(" BLOB").to_ascii_lowercase().as_str()) =>
            {
                Type::Geometry(g.trim_end_matches(" BLOB").to_ascii_lowercase())
            }
            _ => return None,
        })
    }
}

/// Bytes a character takes at most in `charset` (utf8mb4 4, utf8mb3 3, latin1 and ascii 1).
pub fn charset_max_bytes(charset: &str) -> u64 {
    match charset {
        "utf8mb4" | "utf16" | "utf32" => 4,
        "utf8mb3" | "utf8" => 3,
        "ucs2" | "gbk" | "big5" | "sjis" => 2,
        "ujis" | "eucjpms" => 3,
        _ => 1,
    }
}

fn check_members(list: &[String], column: &str, what: &str) -> Result<(), SqlError> {
    for (i, m) in list.iter().enumerate() {
        if list[..i].iter().any(|o| o.eq_ignore_ascii_case(m)) {
            return Err(SqlError::new(
                1291,
                "HY000",
                format!("Column '{column}' has duplicated value '{m}' in {what}"),
            ));
        }
        if what == "SET" && m.contains(',') {
            return Err(SqlError::new(
                1367,
                "HY000",
                format!("Illegal set '{m}' value found during parsing"),
            ));
        }
    }
    if what == "SET" && list.len() > 64 {
        return Err(SqlError::new(
            1097,
            "HY000",
            format!("Too many strings for column {column} and SET"),
        ));
    }
    Ok(())
}
