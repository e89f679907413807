//! Values as MySQL's text protocol shows them, and the protocol type of a result column.

use gluesql_core::data::Value;

use crate::outcome::ColumnType;

fn fraction(nanos: u32, fsp: u32) -> String {
    if fsp == 0 {
        return String::new();
    }
    let digits = format!("{nanos:09}");
    format!(".{}", &digits[..fsp.min(9) as usize])
}

/// A value as MySQL renders it in text (`fsp`: fractional-second digits shown); `None` is
/// NULL.
pub(crate) fn text(v: &Value, fsp: u32) -> Option<String> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Value::I8(n) => n.to_string(),
        Value::I16(n) => n.to_string(),
        Value::I32(n) => n.to_string(),
        Value::I64(n) => n.to_string(),
        Value::I128(n) => n.to_string(),
        Value::U8(n) => n.to_string(),
        Value::U16(n) => n.to_string(),
        Value::U32(n) => n.to_string(),
        Value::U64(n) => n.to_string(),
        Value::U128(n) => n.to_string(),
        Value::F32(f) => f.to_string(),
        Value::F64(f) => f.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Str(s) => s.clone(),
        Value::Bytea(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Timestamp(t) => format!(
            "{}{}",
            t.format("%Y-%m-%d %H:%M:%S"),
            fraction(t.and_utc().timestamp_subsec_nanos(), fsp)
        ),
        Value::Time(t) => format!(
            "{}{}",
            t.format("%H:%M:%S"),
            fraction(chrono::Timelike::nanosecond(t) % 1_000_000_000, fsp)
        ),
        other => String::from(other),
    })
}

/// The protocol type a value suggests, for columns not taken straight from a table.
pub(crate) fn value_type(v: &Value) -> Option<ColumnType> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(_) | Value::I8(_) | Value::U8(_) => ColumnType::Tiny,
        Value::I16(_) | Value::U16(_) => ColumnType::Short,
        Value::I32(_) | Value::U32(_) => ColumnType::Long,
        Value::I64(_) | Value::U64(_) | Value::I128(_) | Value::U128(_) => ColumnType::LongLong,
        Value::F32(_) => ColumnType::Float,
        Value::F64(_) => ColumnType::Double,
        Value::Decimal(_) => ColumnType::NewDecimal,
        Value::Date(_) => ColumnType::Date,
        Value::Timestamp(_) => ColumnType::DateTime,
        Value::Time(_) => ColumnType::Time,
        Value::Bytea(_) => ColumnType::Blob,
        _ => ColumnType::VarString,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn renders_like_mysql() {
        assert_eq!(text(&Value::Bool(true), 0).as_deref(), Some("1"));
        assert_eq!(text(&Value::F64(2.0), 0).as_deref(), Some("2"));
        assert_eq!(text(&Value::Null, 0), None);
        let t = NaiveDate::from_ymd_opt(2024, 1, 2)
            .unwrap()
            .and_hms_opt(3, 4, 5)
            .unwrap();
        assert_eq!(
            text(&Value::Timestamp(t), 0).as_deref(),
            Some("2024-01-02 03:04:05")
        );
        let t = t + chrono::Duration::milliseconds(120);
        assert_eq!(
            text(&Value::Timestamp(t), 3).as_deref(),
            Some("2024-01-02 03:04:05.120")
        );
    }
}
