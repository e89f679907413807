//! Argument coercion and the registration helper shared by every family.

use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value, ValueRef};
use rusqlite::Connection;

/// SQLite's subtype for JSON text ('J'), shared with SQLite's own JSON functions.
pub(crate) const JSON_SUBTYPE: u32 = 74;

/// The arguments of one call, owned, with whether each one carries the JSON subtype.
pub(crate) struct Args {
    pub(crate) v: Vec<Value>,
    pub(crate) json: Vec<bool>,
}

/// What a function returns: a value, and whether it is JSON text.
pub(crate) type Ret = Result<(Value, bool), String>;

/// Registers `f` under `name` with `n` arguments (-1: any number).
pub(crate) fn reg_full<F>(
    conn: &Connection,
    name: &str,
    n: i32,
    det: bool,
    f: F,
) -> rusqlite::Result<()>
where
    F: Fn(&Args) -> Ret + Send + 'static,
{
    let mut flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_SUBTYPE
        | FunctionFlags::SQLITE_RESULT_SUBTYPE;
    if det {
        flags |= FunctionFlags::SQLITE_DETERMINISTIC;
    }
    conn.create_scalar_function(name, n, flags, move |ctx| {
        let mut v = Vec::with_capacity(ctx.len());
        let mut json = Vec::with_capacity(ctx.len());
        for i in 0..ctx.len() {
            v.push(owned(ctx.get_raw(i)));
            json.push(ctx.get_subtype(i) == JSON_SUBTYPE);
        }
        match f(&Args { v, json }) {
            Ok((val, is_json)) => Ok((val, if is_json { Some(JSON_SUBTYPE) } else { None })),
            Err(msg) => Err(rusqlite::Error::UserFunctionError(msg.into())),
        }
    })
}

/// Registers a plain (non-JSON) function.
pub(crate) fn reg<F>(conn: &Connection, name: &str, n: i32, det: bool, f: F) -> rusqlite::Result<()>
where
    F: Fn(&[Value]) -> Result<Value, String> + Send + 'static,
{
    reg_full(conn, name, n, det, move |a| f(&a.v).map(|v| (v, false)))
}

/// Registers a function under several names.
pub(crate) fn reg_names<F>(
    conn: &Connection,
    names: &[&str],
    n: i32,
    det: bool,
    f: F,
) -> rusqlite::Result<()>
where
    F: Fn(&[Value]) -> Result<Value, String> + Send + Sync + Clone + 'static,
{
    for name in names {
        reg(conn, name, n, det, f.clone())?;
    }
    Ok(())
}

/// An argument as an owned value.
pub(crate) fn owned(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

/// MySQL's error for a wrong number of arguments.
pub(crate) fn arg_count(name: &str) -> String {
    format!("1582: Incorrect parameter count in the call to native function '{name}'")
}

/// Checks the argument count is within `min..=max`.
pub(crate) fn check_args(a: &[Value], name: &str, min: usize, max: usize) -> Result<(), String> {
    if a.len() < min || a.len() > max {
        Err(arg_count(name))
    } else {
        Ok(())
    }
}

/// Whether any argument is NULL.
pub(crate) fn any_null(a: &[Value]) -> bool {
    a.iter().any(|v| matches!(v, Value::Null))
}

/// The longest numeric prefix of `s` (after leading spaces), as MySQL reads strings in numeric context.
pub(crate) fn numeric_prefix(s: &str) -> &str {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let ds = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i > ds;
    if i < b.len() && b[i] == b'.' {
        let f = i + 1;
        let mut j = f;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > f || digits {
            digits = digits || j > f;
            i = j;
        }
    }
    if !digits {
        return "";
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let es = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > es {
            i = j;
        }
    }
    &t[..i]
}

/// The value as a double, MySQL-style ('12abc' is 12, 'abc' is 0); NULL is None.
pub(crate) fn to_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(*i as f64),
        Value::Real(r) => Some(*r),
        Value::Text(s) => Some(numeric_prefix(s).parse().unwrap_or(0.0)),
        Value::Blob(b) => Some(
            numeric_prefix(&String::from_utf8_lossy(b))
                .parse()
                .unwrap_or(0.0),
        ),
    }
}

/// The value as an integer: reals round half away from zero, strings read their numeric prefix.
pub(crate) fn to_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(*i),
        Value::Real(r) => Some(r.round() as i64),
        Value::Text(_) | Value::Blob(_) => {
            let s = to_str(v)?;
            let p = numeric_prefix(&s);
            if let Ok(i) = p.parse::<i64>() {
                Some(i)
            } else {
                Some(p.parse::<f64>().unwrap_or(0.0).round() as i64)
            }
        }
    }
}

/// A double printed as MySQL prints it.
pub(crate) fn fmt_f64(r: f64) -> String {
    if r.is_finite() && r.fract() == 0.0 && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else if r.is_finite() && (r.abs() >= 1e15 || r.abs() < 1e-5) && r != 0.0 {
        format!("{r:e}")
    } else {
        format!("{r}")
    }
}

/// The value as a string, MySQL-style; NULL is None.
pub(crate) fn to_str(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(r) => Some(fmt_f64(*r)),
        Value::Text(s) => Some(s.clone()),
        Value::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

/// The value's bytes as a string; NULL is None.
pub(crate) fn to_bytes(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Blob(b) => Some(b.clone()),
        other => to_str(other).map(String::into_bytes),
    }
}

/// Bytes as TEXT when they are UTF-8, else as a BLOB.
pub(crate) fn bytes_value(b: Vec<u8>) -> Value {
    match String::from_utf8(b) {
        Ok(s) => Value::Text(s),
        Err(e) => Value::Blob(e.into_bytes()),
    }
}

/// An optional string as a value.
pub(crate) fn text(s: Option<String>) -> Value {
    s.map_or(Value::Null, Value::Text)
}

/// An optional integer as a value.
pub(crate) fn int(i: Option<i64>) -> Value {
    i.map_or(Value::Null, Value::Integer)
}

/// An optional double as a value (non-finite is NULL).
pub(crate) fn real(r: Option<f64>) -> Value {
    match r {
        Some(r) if r.is_finite() => Value::Real(r),
        _ => Value::Null,
    }
}

/// An exact decimal: `mant / 10^scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dec {
    pub(crate) mant: i128,
    pub(crate) scale: u32,
}

impl Dec {
    /// Parses an exact literal such as '-12.50' (the whole string, spaces trimmed).
    pub(crate) fn parse(s: &str) -> Option<Dec> {
        let s = s.trim();
        let (neg, body) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (ip, fp) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if (ip.is_empty() && fp.is_empty())
            || !ip.bytes().all(|c| c.is_ascii_digit())
            || !fp.bytes().all(|c| c.is_ascii_digit())
            || ip.len() + fp.len() > 36
        {
            return None;
        }
        let digits = format!("{ip}{fp}");
        let m: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        Some(Dec {
            mant: if neg { -m } else { m },
            scale: fp.len() as u32,
        })
    }

    /// An exact operand: an integer, or text holding an exact decimal literal.
    pub(crate) fn of(v: &Value) -> Option<Dec> {
        match v {
            Value::Integer(i) => Some(Dec {
                mant: *i as i128,
                scale: 0,
            }),
            Value::Text(s) => Dec::parse(s),
            _ => None,
        }
    }

    /// Rounds (half away from zero) or pads to `scale` digits; negative scales round left of the point.
    pub(crate) fn round(self, scale: i32, truncate: bool) -> Option<Dec> {
        if scale >= self.scale as i32 {
            let m = self
                .mant
                .checked_mul(10i128.checked_pow(scale as u32 - self.scale)?)?;
            return Some(Dec {
                mant: m,
                scale: scale as u32,
            });
        }
        let drop = (self.scale as i32 - scale) as u32;
        let p = 10i128.checked_pow(drop)?;
        let q = self.mant / p;
        let r = self.mant % p;
        let mut q = q;
        if !truncate && r.abs() * 2 >= p {
            q += self.mant.signum();
        }
        if scale >= 0 {
            Some(Dec {
                mant: q,
                scale: scale as u32,
            })
        } else {
            let m = q.checked_mul(10i128.checked_pow((-scale) as u32)?)?;
            Some(Dec { mant: m, scale: 0 })
        }
    }
}

impl std::fmt::Display for Dec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let neg = self.mant < 0;
        let digits = self.mant.unsigned_abs().to_string();
        let sc = self.scale as usize;
        let digits = if digits.len() <= sc {
            format!("{}{}", "0".repeat(sc + 1 - digits.len()), digits)
        } else {
            digits
        };
        let (ip, fp) = digits.split_at(digits.len() - sc);
        let sign = if neg { "-" } else { "" };
        if sc == 0 {
            write!(f, "{sign}{ip}")
        } else {
            write!(f, "{sign}{ip}.{fp}")
        }
    }
}
