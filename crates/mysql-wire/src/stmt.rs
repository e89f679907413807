//! Server-side prepared statements, emulated the way client-side drivers emulate them: the
//! statement text is kept per connection, and each COM_STMT_EXECUTE interpolates its binary
//! parameters into the text as SQL literals before it goes to [`crate::Session::query`]. Rows
//! come back as text and are re-encoded in the binary protocol by column kind.
//!
//! From mysql_common: the decoding of binary parameter values (`ValueDeserializer<BinValue>`,
//! bounds-checked), the NULL bitmaps, the binary encoding of floats, dates and times (`Value`'s
//! serializer) and the type constants. Hand-written here, because it has no such thing: the
//! placeholder scanner, the COM_STMT_PREPARE_OK encoder (its `StmtPacket` has no constructor),
//! the COM_STMT_EXECUTE header reader (it only writes that packet), the literal formatter (its
//! `Value::as_sql` writes non-UTF-8 bytes as `0x..` and NaN as `NaN`) and the fixed-width
//! integer cells of binary rows (its `Value` always writes 8 bytes).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use mysql_common::constants::{ColumnFlags, ColumnType};
use mysql_common::io::{BufMutExt, ParseBuf};
use mysql_common::packets::NullBitmap;
use mysql_common::proto::MySerialize;
use mysql_common::value::{BinValue, ClientSide, ServerSide, Value, ValueDeserializer};

use crate::{Column, ColumnKind, ErrorPacket, Execute, Param, ParamValue};

/// MySQL's default `max_prepared_stmt_count`, used as the per-connection bound.
pub(crate) const MAX_STATEMENTS: usize = 16_382;

/// COM_STMT_EXECUTE's parameter flag for unsigned integers.
const PARAM_UNSIGNED: u8 = 0x80;

/// One prepared statement of a connection.
#[derive(Debug)]
struct Prepared {
    /// The text as the client sent it.
    sql: Arc<str>,
    /// Byte offsets of the `?` placeholders in `sql`.
    placeholders: Arc<[usize]>,
    /// Parameter types from the last execute that bound them: later executes may omit them.
    types: Option<Vec<(ColumnType, ColumnFlags)>>,
    /// COM_STMT_SEND_LONG_DATA bytes per parameter, until the next execute or reset.
    long_data: Vec<Option<Vec<u8>>>,
    /// Long data went past the size limit; the next execute fails.
    long_data_too_big: bool,
}

/// The prepared statements of one connection.
#[derive(Debug)]
pub(crate) struct Statements {
    map: HashMap<u32, Prepared>,
    next_id: u32,
    /// Largest long data accepted per parameter (the connection's packet limit).
    max_long_data: usize,
}

/// MySQL's error 1243 for a statement id it does not know, naming the command.
pub(crate) fn unknown_statement(id: u32, command: &str) -> ErrorPacket {
    ErrorPacket::new(
        1243,
        "HY000",
        format!("Unknown prepared statement handler ({id}) given to {command}"),
    )
}

/// MySQL's error 1210 for an execute packet that does not fit its statement.
fn bad_arguments() -> ErrorPacket {
    ErrorPacket::new(1210, "HY000", "Incorrect arguments to mysqld_stmt_execute")
}

impl Statements {
    pub(crate) fn new(max_long_data: usize) -> Self {
        Statements {
            map: HashMap::new(),
            next_id: 1,
            max_long_data,
        }
    }

    /// Stores `sql` and returns its id and number of placeholders.
    pub(crate) fn prepare(&mut self, sql: &str) -> Result<(u32, usize), ErrorPacket> {
        if self.map.len() >= MAX_STATEMENTS {
            return Err(ErrorPacket::new(
                1461,
                "42000",
                format!(
                    "Can't create more than max_prepared_stmt_count statements (current value: {MAX_STATEMENTS})"
                ),
            ));
        }
        let placeholders = placeholders(sql);
        if placeholders.len() > usize::from(u16::MAX) {
            return Err(ErrorPacket::new(
                1390,
                "HY000",
                "Prepared statement contains too many placeholders",
            ));
        }
        let id = self.next_id;
        // Ids are never reused on one connection; 0 is skipped should it ever wrap.
        self.next_id = self.next_id.checked_add(1).unwrap_or(1);
        let n = placeholders.len();
        self.map.insert(
            id,
            Prepared {
                sql: sql.into(),
                placeholders: placeholders.into(),
                types: None,
                long_data: vec![None; n],
                long_data_too_big: false,
            },
        );
        Ok((id, n))
    }

    /// COM_STMT_CLOSE: forgets the statement; unknown ids are ignored (there is no reply).
    pub(crate) fn close(&mut self, body: &[u8]) {
        if let Some(id) = ParseBuf(body).checked_eat_u32_le() {
            self.map.remove(&id);
        }
    }

    /// COM_STMT_RESET: drops the long data of the statement.
    pub(crate) fn reset(&mut self, body: &[u8]) -> Result<(), ErrorPacket> {
        let id = ParseBuf(body).checked_eat_u32_le().unwrap_or(0);
        let stmt = self
            .map
            .get_mut(&id)
            .ok_or_else(|| unknown_statement(id, "mysqld_stmt_reset"))?;
        stmt.long_data.iter_mut().for_each(|d| *d = None);
        stmt.long_data_too_big = false;
        Ok(())
    }

    /// COM_STMT_SEND_LONG_DATA: appends to one parameter. There is no reply, so a bad packet,
    /// an unknown statement or parameter is ignored (MySQL reports some of these at the next
    /// execute; here only an overflow is).
    pub(crate) fn send_long_data(&mut self, body: &[u8]) {
        let mut b = ParseBuf(body);
        let (Some(id), Some(param)) = (b.checked_eat_u32_le(), b.checked_eat_u16_le()) else {
            return;
        };
        let Some(stmt) = self.map.get_mut(&id) else {
            return;
        };
        let Some(slot) = stmt.long_data.get_mut(usize::from(param)) else {
            return;
        };
        let data = slot.get_or_insert_with(Vec::new);
        if data.len() + b.len() > self.max_long_data {
            stmt.long_data_too_big = true;
        } else {
            data.extend_from_slice(b.eat_all());
        }
    }

    /// COM_STMT_EXECUTE: reads the parameters and returns the statement with them, each as
    /// its SQL literal and its value. Long data is consumed, as MySQL does.
    pub(crate) fn execute(&mut self, body: &[u8]) -> Result<Execute, ErrorPacket> {
        let mut b = ParseBuf(body);
        let id = b.checked_eat_u32_le().ok_or_else(bad_arguments)?;
        let stmt = self
            .map
            .get_mut(&id)
            .ok_or_else(|| unknown_statement(id, "mysqld_stmt_execute"))?;
        let long_data: Vec<_> = stmt.long_data.iter_mut().map(Option::take).collect();
        if std::mem::take(&mut stmt.long_data_too_big) {
            return Err(ErrorPacket::new(
                1153,
                "08S01",
                "Got a packet bigger than 'max_allowed_packet' bytes",
            ));
        }
        // Cursor flags are read past, not honoured: rows are always sent at once.
        let _flags = b.checked_eat_u8().ok_or_else(bad_arguments)?;
        let _iterations = b.checked_eat_u32_le().ok_or_else(bad_arguments)?;
        let n = stmt.placeholders.len();
        let mut execute = Execute {
            id,
            sql: stmt.sql.clone(),
            placeholders: stmt.placeholders.clone(),
            params: Vec::with_capacity(n),
        };
        if n == 0 {
            return Ok(execute);
        }
        let nulls = b
            .checked_eat(NullBitmap::<ClientSide>::bitmap_len(n))
            .ok_or_else(bad_arguments)?;
        let nulls = NullBitmap::<ClientSide, &[u8]>::from_bytes(nulls);
        let new_types = b.checked_eat_u8().ok_or_else(bad_arguments)?;
        if new_types == 1 {
            let mut types = Vec::with_capacity(n);
            for _ in 0..n {
                let ty = b.checked_eat_u8().ok_or_else(bad_arguments)?;
                let flags = b.checked_eat_u8().ok_or_else(bad_arguments)?;
                let ty = ColumnType::try_from(ty).map_err(|_| bad_arguments())?;
                let flags = if flags & PARAM_UNSIGNED != 0 {
                    ColumnFlags::UNSIGNED_FLAG
                } else {
                    ColumnFlags::empty()
                };
                types.push((ty, flags));
            }
            stmt.types = Some(types);
        }
        let types = stmt.types.as_ref().ok_or_else(bad_arguments)?;
        for (i, (&(ty, flags), long)) in types.iter().zip(long_data).enumerate() {
            let param = if let Some(bytes) = long {
                bytes_param(bytes)
            } else if nulls.is_null(i) {
                Param {
                    literal: "NULL".to_owned(),
                    value: ParamValue::Null,
                }
            } else {
                if !supported_param_type(ty) {
                    return Err(bad_arguments());
                }
                let value: ValueDeserializer<BinValue> =
                    b.parse((ty, flags)).map_err(|_| bad_arguments())?;
                let literal = literal(&value.0, ty).ok_or_else(bad_arguments)?;
                let value = match value.0 {
                    Value::Int(x) => ParamValue::Int(x),
                    Value::UInt(x) => ParamValue::UInt(x),
                    // A string literal, not a decimal's number.
                    Value::Bytes(bytes) if literal.ends_with('\'') => bytes_value(bytes),
                    _ => ParamValue::Other,
                };
                Param { literal, value }
            };
            execute.params.push(param);
        }
        Ok(execute)
    }
}

/// The parameter types mysql_common's binary decoder handles without panicking (it calls
/// `unimplemented!` for the rest: TIMESTAMP2, DATETIME2, TIME2, TYPED_ARRAY, UNKNOWN).
fn supported_param_type(ty: ColumnType) -> bool {
    use ColumnType as T;
    !matches!(
        ty,
        T::MYSQL_TYPE_TIMESTAMP2
            | T::MYSQL_TYPE_DATETIME2
            | T::MYSQL_TYPE_TIME2
            | T::MYSQL_TYPE_TYPED_ARRAY
            | T::MYSQL_TYPE_UNKNOWN
    )
}

/// Byte offsets of the `?` placeholders of `sql`: those outside '...' and "..." strings (with
/// backslash escapes and doubled quotes), `backtick` identifiers and `-- `, `#` and `/* */`
/// comments. MySQL's `/*! ... */` executable comments are treated as comments too.
pub(crate) fn placeholders(sql: &str) -> Vec<usize> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'?' => {
                out.push(i);
                i += 1;
            }
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() {
                    if b[i] == b'\\' && q != b'`' {
                        i += 2;
                    } else if b[i] == q {
                        // A doubled quote stays inside; a single one ends the string.
                        if b.get(i + 1) == Some(&q) {
                            i += 2;
                        } else {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                i += 1;
            }
            b'#' => i = line_end(b, i),
            b'-' if b.get(i + 1) == Some(&b'-')
                && b.get(i + 2)
                    .is_none_or(|c| c.is_ascii_whitespace() || *c < 0x20) =>
            {
                i = line_end(b, i);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = b[i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(b.len(), |p| i + 2 + p + 2);
            }
            _ => i += 1,
        }
    }
    out
}

fn line_end(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| from + p + 1)
}

/// Bytes as a parameter: a string when they are UTF-8, else binary.
fn bytes_param(bytes: Vec<u8>) -> Param {
    Param {
        literal: bytes_literal(&bytes),
        value: bytes_value(bytes),
    }
}

fn bytes_value(bytes: Vec<u8>) -> ParamValue {
    match String::from_utf8(bytes) {
        Ok(s) => ParamValue::Text(s),
        Err(e) => ParamValue::Bytes(e.into_bytes()),
    }
}

/// `sql` with the placeholder at each offset replaced by the literal of the same index.
pub(crate) fn interpolate(sql: &str, placeholders: &[usize], params: &[Param]) -> String {
    let extra: usize = params.iter().map(|p| p.literal.len()).sum();
    let mut out = String::with_capacity(sql.len() + extra);
    let mut from = 0;
    for (&at, param) in placeholders.iter().zip(params) {
        out.push_str(&sql[from..at]);
        out.push_str(&param.literal);
        from = at + 1;
    }
    out.push_str(&sql[from..]);
    out
}

/// A decoded parameter as an SQL literal; `None` for a non-finite float, which SQL cannot say.
fn literal(value: &Value, ty: ColumnType) -> Option<String> {
    Some(match *value {
        Value::NULL => "NULL".to_owned(),
        Value::Int(x) => x.to_string(),
        Value::UInt(x) => x.to_string(),
        Value::Float(x) if x.is_finite() => x.to_string(),
        Value::Double(x) if x.is_finite() => x.to_string(),
        Value::Float(_) | Value::Double(_) => return None,
        Value::Date(y, m, d, 0, 0, 0, 0) if ty == ColumnType::MYSQL_TYPE_DATE => {
            format!("'{y:04}-{m:02}-{d:02}'")
        }
        Value::Date(y, m, d, h, i, s, 0) => {
            format!("'{y:04}-{m:02}-{d:02} {h:02}:{i:02}:{s:02}'")
        }
        Value::Date(y, m, d, h, i, s, us) => {
            format!("'{y:04}-{m:02}-{d:02} {h:02}:{i:02}:{s:02}.{us:06}'")
        }
        Value::Time(neg, days, h, i, s, us) => {
            let sign = if neg { "-" } else { "" };
            let hours = u64::from(days) * 24 + u64::from(h);
            if us == 0 {
                format!("'{sign}{hours:02}:{i:02}:{s:02}'")
            } else {
                format!("'{sign}{hours:02}:{i:02}:{s:02}.{us:06}'")
            }
        }
        // A decimal sent as text stays a number when it is one.
        Value::Bytes(ref bytes)
            if matches!(
                ty,
                ColumnType::MYSQL_TYPE_NEWDECIMAL | ColumnType::MYSQL_TYPE_DECIMAL
            ) && is_decimal(bytes) =>
        {
            String::from_utf8_lossy(bytes).into_owned()
        }
        Value::Bytes(ref bytes) => bytes_literal(bytes),
    })
}

/// `[+-]digits[.digits]`, with at least one digit.
fn is_decimal(b: &[u8]) -> bool {
    let b = b.strip_prefix(b"-").or(b.strip_prefix(b"+")).unwrap_or(b);
    let mut parts = b.splitn(2, |&c| c == b'.');
    let int = parts.next().unwrap_or_default();
    let frac = parts.next().unwrap_or_default();
    (!int.is_empty() || !frac.is_empty()) && int.iter().chain(frac).all(u8::is_ascii_digit)
}

/// Bytes as a quoted, escaped string when they are UTF-8, else as `X'hex'`.
pub(crate) fn bytes_literal(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            let mut out = String::with_capacity(s.len() + 2);
            out.push('\'');
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\'' => out.push_str("\\'"),
                    '\0' => out.push_str("\\0"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\x1a' => out.push_str("\\Z"),
                    c => out.push(c),
                }
            }
            out.push('\'');
            out
        }
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() * 2 + 3);
            out.push_str("X'");
            for b in bytes {
                let _ = write!(out, "{b:02X}");
            }
            out.push('\'');
            out
        }
    }
}

/// COM_STMT_PREPARE_OK. Hand-written: mysql_common's `StmtPacket` can be read, not built.
pub(crate) fn prepare_ok(id: u32, num_columns: u16, num_params: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(12);
    out.push(0x00);
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&num_columns.to_le_bytes());
    out.extend_from_slice(&num_params.to_le_bytes());
    out.push(0x00); // filler
    out.extend_from_slice(&0u16.to_le_bytes()); // warnings
    out
}

/// The columns as they will be sent in the binary protocol: a column whose values do not all
/// parse for its kind (a BIGINT above `i64::MAX` not marked unsigned, text in a DATE column)
/// is sent as VAR_STRING with its text, so the client gets the value rather than an error or
/// garbage. The fallback keeps the column's names and NOT NULL flag.
pub(crate) fn binary_columns(columns: &[Column], rows: &[Vec<Option<Vec<u8>>>]) -> Vec<Column> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let fits = rows
                .iter()
                .filter_map(|r| r.get(i).and_then(Option::as_deref))
                .all(|v| binary_cell(c, v).is_some());
            if fits {
                c.clone()
            } else {
                Column {
                    kind: ColumnKind::VarString,
                    unsigned: false,
                    decimals: None,
                    length: None,
                    ..c.clone()
                }
            }
        })
        .collect()
}

/// ProtocolBinary::ResultsetRow: a 0x00 header, a NULL bitmap (offset 2), then the non-NULL
/// values by column kind. `columns` must come from [`binary_columns`]; a value that still does
/// not parse is sent as NULL. The row is padded with NULLs or cut to the column count.
pub(crate) fn binary_row(columns: &[Column], row: &[Option<Vec<u8>>]) -> Vec<u8> {
    let mut nulls = NullBitmap::<ServerSide>::new(columns.len());
    let mut values = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        match row
            .get(i)
            .and_then(Option::as_deref)
            .and_then(|v| binary_cell(column, v))
        {
            Some(cell) => values.extend_from_slice(&cell),
            None => nulls.set(i, true),
        }
    }
    let mut out = Vec::with_capacity(1 + nulls.as_ref().len() + values.len());
    out.push(0x00);
    out.extend_from_slice(nulls.as_ref());
    out.extend_from_slice(&values);
    out
}

/// One value in the binary protocol, as MySQL encodes its column's kind: integers, floats,
/// dates and times parsed from the text form into fixed-width or packed cells (integers
/// unsigned when the column is), everything else (strings, blobs, decimals, JSON, ENUM, SET,
/// BIT) its bytes length-encoded as they are. `None` when the text does not parse for the kind.
fn binary_cell(column: &Column, value: &[u8]) -> Option<Vec<u8>> {
    use ColumnKind as K;
    let text = || std::str::from_utf8(value).ok().map(str::trim);
    let unsigned = column.unsigned;
    Some(match column.kind {
        K::Tiny if unsigned => text()?.parse::<u8>().ok()?.to_le_bytes().to_vec(),
        K::Tiny => text()?.parse::<i8>().ok()?.to_le_bytes().to_vec(),
        K::Short if unsigned => text()?.parse::<u16>().ok()?.to_le_bytes().to_vec(),
        K::Short => text()?.parse::<i16>().ok()?.to_le_bytes().to_vec(),
        K::Year => text()?.parse::<u16>().ok()?.to_le_bytes().to_vec(),
        K::Long if unsigned => text()?.parse::<u32>().ok()?.to_le_bytes().to_vec(),
        K::Long => text()?.parse::<i32>().ok()?.to_le_bytes().to_vec(),
        K::LongLong if unsigned => text()?.parse::<u64>().ok()?.to_le_bytes().to_vec(),
        K::LongLong => text()?.parse::<i64>().ok()?.to_le_bytes().to_vec(),
        K::Float => serialize(&Value::Float(text()?.parse().ok()?)),
        K::Double => serialize(&Value::Double(text()?.parse().ok()?)),
        K::Date | K::DateTime | K::Timestamp => serialize(&parse_datetime(text()?)?),
        K::Time => serialize(&parse_time(text()?)?),
        K::NewDecimal
        | K::VarString
        | K::Text
        | K::Blob
        | K::VarBinary
        | K::Binary
        | K::Json
        | K::Enum
        | K::Set
        | K::Bit => {
            let mut out = Vec::with_capacity(value.len() + 9);
            out.put_lenenc_str(value);
            out
        }
        // A NULL-typed column has no binary form for a value.
        K::Null => return None,
    })
}

fn serialize(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    v.serialize(&mut out);
    out
}

/// `YYYY-MM-DD[ HH:MM:SS[.f...]]` (a `T` separator too) as `Value::Date`.
fn parse_datetime(t: &str) -> Option<Value> {
    let (date, time) = match t.split_once([' ', 'T']) {
        Some((d, tm)) => (d, Some(tm)),
        None => (t, None),
    };
    let mut d = date.splitn(3, '-');
    let year = number(d.next()?, 4)?;
    let month = number(d.next()?, 2)?;
    let day = number(d.next()?, 2)?;
    let (h, m, s, us) = match time {
        Some(tm) => {
            let (neg, hours, m, s, us) = parse_clock(tm)?;
            if neg || hours > 23 {
                return None;
            }
            (hours, m, s, us)
        }
        None => (0, 0, 0, 0),
    };
    Some(Value::Date(
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
        u8::try_from(h).ok()?,
        m,
        s,
        us,
    ))
}

/// `[-]H...:MM:SS[.f...]` as `Value::Time`.
fn parse_time(t: &str) -> Option<Value> {
    let (neg, hours, m, s, us) = parse_clock(t)?;
    let days = u32::try_from(hours / 24).ok()?;
    Some(Value::Time(neg, days, (hours % 24) as u8, m, s, us))
}

/// `[-]H...:MM:SS[.f...]` as (negative, hours, minutes, seconds, microseconds).
fn parse_clock(t: &str) -> Option<(bool, u64, u8, u8, u32)> {
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (clock, frac) = match t.split_once('.') {
        Some((c, f)) => (c, Some(f)),
        None => (t, None),
    };
    let mut parts = clock.splitn(3, ':');
    let hours = number(parts.next()?, 10)?;
    let minutes = number(parts.next()?, 2)?;
    let seconds = number(parts.next()?, 2)?;
    if minutes > 59 || seconds > 59 {
        return None;
    }
    let micros = match frac {
        Some(f) if !f.is_empty() && f.len() <= 6 && f.bytes().all(|c| c.is_ascii_digit()) => {
            format!("{f:0<6}").parse().ok()?
        }
        Some(_) => return None,
        None => 0,
    };
    Some((neg, hours, minutes as u8, seconds as u8, micros))
}

/// Up to `max_digits` ASCII digits (at least one) as a number.
fn number(s: &str, max_digits: usize) -> Option<u64> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_skip_strings_identifiers_and_comments() {
        let sql = "SELECT ?, '?', \"?\", `?`, 'it''s ?', 'a\\'?', ? -- ?\n, ? # ?\n /* ? */ ?";
        let found: Vec<char> = placeholders(sql)
            .iter()
            .map(|&i| sql.as_bytes()[i] as char)
            .collect();
        assert_eq!(found, ['?'; 4]);
        assert_eq!(placeholders("SELECT 1--?"), [10], "--? is no comment");
        assert_eq!(placeholders("SELECT 'unterminated ?"), Vec::<usize>::new());
        assert_eq!(placeholders("/* ? "), Vec::<usize>::new());
        assert_eq!(placeholders("?"), [0]);
    }

    #[test]
    fn an_execute_gives_each_parameter_as_literal_and_value() {
        let mut statements = Statements::new(1 << 20);
        let (id, n) = statements
            .prepare("SELECT ?, ?, ?, ?, ?")
            .expect("prepares");
        assert_eq!(n, 5);
        let mut body = id.to_le_bytes().to_vec();
        body.push(0); // flags
        body.extend_from_slice(&1u32.to_le_bytes()); // iterations
        body.push(0b0000_0100); // the third is NULL
        body.push(1); // types follow
        for (ty, flags) in [
            (ColumnType::MYSQL_TYPE_LONGLONG, 0),
            (ColumnType::MYSQL_TYPE_VAR_STRING, 0),
            (ColumnType::MYSQL_TYPE_NULL, 0),
            (ColumnType::MYSQL_TYPE_DOUBLE, 0),
            (ColumnType::MYSQL_TYPE_LONGLONG, PARAM_UNSIGNED),
        ] {
            body.extend_from_slice(&[ty as u8, flags]);
        }
        body.extend_from_slice(&(-5i64).to_le_bytes());
        body.push(4);
        body.extend_from_slice(b"it's");
        body.extend_from_slice(&1.5f64.to_le_bytes());
        body.extend_from_slice(&u64::MAX.to_le_bytes());
        let execute = statements.execute(&body).expect("executes");
        let values: Vec<_> = execute.params.iter().map(|p| p.value.clone()).collect();
        assert_eq!(
            values,
            [
                ParamValue::Int(-5),
                ParamValue::Text("it's".into()),
                ParamValue::Null,
                ParamValue::Other,
                ParamValue::UInt(u64::MAX)
            ]
        );
        assert_eq!(
            execute.interpolated(),
            "SELECT -5, 'it\\'s', NULL, 1.5, 18446744073709551615"
        );
        assert_eq!(&*execute.sql, "SELECT ?, ?, ?, ?, ?");
    }

    #[test]
    fn literals_are_escaped() {
        assert_eq!(
            bytes_literal(b"a'b\\c\0\n\r\x1a\""),
            "'a\\'b\\\\c\\0\\n\\r\\Z\"'"
        );
        assert_eq!(bytes_literal(&[0xff, 0x00]), "X'FF00'");
        let t = ColumnType::MYSQL_TYPE_DATETIME;
        assert_eq!(
            literal(&Value::Date(2024, 1, 2, 3, 4, 5, 6), t).as_deref(),
            Some("'2024-01-02 03:04:05.000006'")
        );
        assert_eq!(
            literal(
                &Value::Date(2024, 1, 2, 0, 0, 0, 0),
                ColumnType::MYSQL_TYPE_DATE
            )
            .as_deref(),
            Some("'2024-01-02'")
        );
        assert_eq!(
            literal(&Value::Time(true, 1, 2, 3, 4, 0), t).as_deref(),
            Some("'-26:03:04'")
        );
        assert_eq!(literal(&Value::Double(f64::NAN), t), None);
        let dec = ColumnType::MYSQL_TYPE_NEWDECIMAL;
        assert_eq!(
            literal(&Value::Bytes(b"-12.50".to_vec()), dec).as_deref(),
            Some("-12.50")
        );
        assert_eq!(
            literal(&Value::Bytes(b"1;x".to_vec()), dec).as_deref(),
            Some("'1;x'")
        );
    }

    fn cell(kind: ColumnKind, text: &str) -> Option<Vec<u8>> {
        binary_cell(&Column::new("c", kind), text.as_bytes())
    }

    #[test]
    fn text_values_become_binary_cells_or_fall_back() {
        assert_eq!(
            cell(ColumnKind::Long, "-2"),
            Some(vec![0xfe, 0xff, 0xff, 0xff])
        );
        assert_eq!(cell(ColumnKind::Tiny, "200"), None);
        assert_eq!(
            cell(ColumnKind::DateTime, "2024-02-29 13:14:15.5"),
            Some(vec![11, 0xe8, 0x07, 2, 29, 13, 14, 15, 0x20, 0xa1, 0x07, 0])
        );
        assert_eq!(cell(ColumnKind::Date, "0000-00-00"), Some(vec![0]));
        assert_eq!(
            cell(ColumnKind::Time, "-838:59:59"),
            Some(vec![8, 1, 34, 0, 0, 0, 22, 59, 59])
        );
        assert_eq!(cell(ColumnKind::Date, "yesterday"), None);
        assert_eq!(
            binary_cell(&Column::new("n", ColumnKind::Long), b"\xff"),
            None,
            "not UTF-8"
        );
        let columns = [Column::new("n", ColumnKind::LongLong).not_null()];
        let rows = [vec![Some(b"18446744073709551615".to_vec())]];
        let sent = &binary_columns(&columns, &rows)[0];
        assert_eq!((sent.kind, sent.not_null), (ColumnKind::VarString, true));
    }

    #[test]
    fn unsigned_integers_and_bytes_in_the_binary_protocol() {
        let big = Column::new("n", ColumnKind::LongLong).unsigned();
        assert_eq!(
            binary_cell(&big, b"18446744073709551615"),
            Some(vec![0xff; 8])
        );
        assert_eq!(binary_cell(&big, b"-1"), None);
        let tiny = Column::new("n", ColumnKind::Tiny).unsigned();
        assert_eq!(binary_cell(&tiny, b"200"), Some(vec![200]));
        let rows = [vec![Some(b"18446744073709551615".to_vec())]];
        assert_eq!(binary_columns(std::slice::from_ref(&big), &rows)[0], big);
        let all: Vec<u8> = (0..=255).collect();
        for kind in [ColumnKind::Blob, ColumnKind::VarBinary, ColumnKind::Bit] {
            let c = binary_cell(&Column::new("b", kind), &all).expect("bytes");
            assert_eq!(
                (&c[..3], &c[3..]),
                (&[0xfc, 0, 1][..], &all[..]),
                "{kind:?}"
            );
        }
    }
}
