//! Strict-mode column assignment (`mysql_assign`), CAST helpers and truthiness.
//!
//! `mysql_assign(value, type_spec, column[, row[, mode]])` converts a value being stored into a
//! column the way MySQL 8.0 does under its default sql_mode (STRICT_TRANS_TABLES, NO_ZERO_DATE,
//! NO_ZERO_IN_DATE, ERROR_FOR_DIVISION_BY_ZERO), raising MySQL's errors where MySQL would
//! refuse the row; with the `ASSIGN_*` mode bits it stores what a non-strict sql_mode or
//! IGNORE stores instead, with the warnings ([`take_warnings`]). The CAST helpers are the lenient counterparts (CAST never fails: it reads
//! the longest usable prefix, clamps, or gives NULL, where MySQL would add a warning).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rusqlite::types::Value;
use rusqlite::Connection;

use crate::value::{check_args, numeric_prefix, reg, to_bytes, to_f64, to_i64, to_str, Dec};

type R = Result<Value, String>;

// ---------------------------------------------------------------------------------------------
// Temporal parsing shared by assignment and CAST.

/// A parsed temporal value: the date (None for a bare time), time of day in microseconds, and
/// whether a time part was written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Temporal {
    pub(crate) date: NaiveDate,
    pub(crate) micros: i64,
    pub(crate) has_time: bool,
}

fn two_digit_year(y: i64) -> i64 {
    if y < 70 {
        2000 + y
    } else {
        1900 + y
    }
}

fn mk([y, m, d]: [i64; 3], [h, mi, s, us]: [i64; 4], has_time: bool) -> Option<Temporal> {
    if !(0..=23).contains(&h) || !(0..=59).contains(&mi) || !(0..=59).contains(&s) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(y).ok()?,
        u32::try_from(m).ok()?,
        u32::try_from(d).ok()?,
    )?;
    if date.year() > 9999 {
        return None;
    }
    Some(Temporal {
        date,
        micros: ((h * 60 + mi) * 60 + s) * 1_000_000 + us,
        has_time,
    })
}

/// Microseconds from a fraction's digits (rounded at the 7th digit).
fn frac_micros(f: &str) -> Option<i64> {
    if f.is_empty() {
        return Some(0);
    }
    if !f.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut us: i64 = format!("{:0<6}", &f[..f.len().min(6)]).parse().ok()?;
    if f.len() > 6 && f.as_bytes()[6] >= b'5' {
        us += 1;
    }
    Some(us)
}

/// A date/datetime from a number such as 20240131 or 20240131103000 (MySQL's number_to_datetime).
fn temporal_from_number(n: i64, us: i64) -> Option<Temporal> {
    let (full, time) = match n {
        101..=691_231 => (n + 20_000_000, false),
        700_101..=991_231 => (n + 19_000_000, false),
        10_000_101..=99_991_231 => (n, false),
        101_000_000..=691_231_235_959 => (n + 20_000_000_000_000, true),
        700_101_000_000..=991_231_235_959 => (n + 19_000_000_000_000, true),
        10_000_101_000_000..=99_991_231_235_959 => (n, true),
        _ => return None,
    };
    if time {
        let (d, t) = (full / 1_000_000, full % 1_000_000);
        mk(
            [d / 10000, d / 100 % 100, d % 100],
            [t / 10000, t / 100 % 100, t % 100, us],
            true,
        )
    } else {
        mk(
            [full / 10000, full / 100 % 100, full % 100],
            [0, 0, 0, us],
            us != 0,
        )
    }
}

/// Parses MySQL's date and datetime literals: 'YYYY-MM-DD', 'YY-MM-DD', any punctuation as the
/// date delimiter, ' ' or 'T' before the time, 'HH:MM:SS[.ffffff]', and the undelimited
/// 'YYYYMMDD[HHMMSS[.f]]' / 'YYMMDD[HHMMSS]'. The whole string must be used (spaces aside).
pub(crate) fn parse_temporal_str(s: &str) -> Option<Temporal> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let (body, frac) = match s.rsplit_once('.') {
        Some((b, f))
            if !f.is_empty()
                && f.bytes().all(|c| c.is_ascii_digit())
                && b.contains([' ', 'T', ':']) =>
        {
            (b, f)
        }
        Some((b, f))
            if f.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
                && b.len() >= 12 =>
        {
            (b, f)
        }
        _ => (s, ""),
    };
    let us = frac_micros(frac)?;
    if body.bytes().all(|c| c.is_ascii_digit()) {
        let n = |a: usize, b: usize| body[a..b].parse::<i64>().ok();
        return match body.len() {
            6 => mk(
                [two_digit_year(n(0, 2)?), n(2, 4)?, n(4, 6)?],
                [0, 0, 0, 0],
                false,
            ),
            8 => mk([n(0, 4)?, n(4, 6)?, n(6, 8)?], [0, 0, 0, 0], false),
            12 => mk(
                [two_digit_year(n(0, 2)?), n(2, 4)?, n(4, 6)?],
                [n(6, 8)?, n(8, 10)?, n(10, 12)?, us],
                true,
            ),
            14 => mk(
                [n(0, 4)?, n(4, 6)?, n(6, 8)?],
                [n(8, 10)?, n(10, 12)?, n(12, 14)?, us],
                true,
            ),
            _ => None,
        };
    }
    // Delimited: split into digit groups, remembering where the date ends.
    let b = body.as_bytes();
    let mut groups: Vec<&str> = Vec::new();
    let mut date_end: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let st = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            groups.push(&body[st..i]);
            continue;
        }
        if groups.len() == 3 && date_end.is_none() && (b[i] == b' ' || b[i] == b'T') {
            date_end = Some(3);
            while i < b.len() && (b[i] == b' ' || b[i] == b'T') {
                i += 1;
            }
            continue;
        }
        // Date parts take any punctuation but ':' (so '10:05:03' is not a date).
        if !b[i].is_ascii_punctuation() || (date_end.is_none() && b[i] == b':') {
            return None;
        }
        i += 1;
        if i < b.len() && !b[i].is_ascii_digit() && !(b[i] == b' ' || b[i] == b'T') {
            return None;
        }
    }
    if groups.len() < 3 || groups.len() > 6 || (groups.len() > 3 && date_end.is_none()) {
        return None;
    }
    let g = |k: usize| groups.get(k).map_or(Some(0), |x| x.parse::<i64>().ok());
    let y = if groups[0].len() <= 2 {
        two_digit_year(g(0)?)
    } else {
        g(0)?
    };
    if groups.len() == 3 && !frac.is_empty() {
        return None;
    }
    mk(
        [y, g(1)?, g(2)?],
        [g(3)?, g(4)?, g(5)?, us],
        groups.len() > 3,
    )
}

/// A date/datetime from any SQL value.
pub(crate) fn parse_temporal(v: &Value) -> Option<Temporal> {
    match v {
        Value::Null => None,
        Value::Integer(i) => temporal_from_number(*i, 0),
        Value::Real(r) => {
            let us = ((r.fract().abs()) * 1e6).round() as i64;
            temporal_from_number(r.trunc() as i64, us)
        }
        other => parse_temporal_str(&to_str(other)?),
    }
}

/// Largest TIME magnitude, 838:59:59, in microseconds.
const MAX_TIME: i64 = (838 * 3600 + 59 * 60 + 59) * 1_000_000;

/// Parses a TIME: '[-][D ]HH:MM[:SS[.f]]', 'HHMMSS[.f]', 'MMSS', 'SS', numbers alike, and
/// datetimes (their time part). None when malformed; out-of-range values are returned as is.
pub(crate) fn parse_time_value(v: &Value) -> Option<i64> {
    let s = match v {
        Value::Null => return None,
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => format!("{r}"),
        other => to_str(other)?,
    };
    let s = s.trim();
    if s.contains('-') && !s.starts_with('-')
        || s.len() >= 12 && s.bytes().take(8).all(|c| c.is_ascii_digit())
    {
        return parse_temporal_str(s).map(|t| t.micros);
    }
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r.trim_start()),
        None => (false, s),
    };
    let (hms, frac) = match body.split_once('.') {
        Some((a, f)) => (a, f),
        None => (body, ""),
    };
    let us = frac_micros(frac)?;
    let (days, hms) = match hms.split_once(' ') {
        Some((d, r)) => (d.parse::<i64>().ok()?, r.trim()),
        None => (0, hms),
    };
    if hms.is_empty() {
        return None;
    }
    let (h, m, sec) = if hms.contains(':') {
        let p: Vec<&str> = hms.split(':').collect();
        let n: Vec<i64> = p
            .iter()
            .map(|x| x.parse::<i64>().ok())
            .collect::<Option<_>>()?;
        match n.as_slice() {
            [h, m] => (*h, *m, 0),
            [h, m, s] => (*h, *m, *s),
            _ => return None,
        }
    } else {
        if !hms.bytes().all(|c| c.is_ascii_digit()) || days != 0 {
            return None;
        }
        let n: i64 = hms.parse().ok()?;
        (n / 10000, n / 100 % 100, n % 100)
    };
    if !(0..=59).contains(&m) || !(0..=59).contains(&sec) || h < 0 {
        return None;
    }
    let total = (((days * 24 + h) * 60 + m) * 60 + sec) * 1_000_000 + us;
    Some(if neg { -total } else { total })
}

/// Rounds microseconds to `fsp` fractional digits, half away from zero.
fn round_micros(us: i64, fsp: u32) -> i64 {
    let unit = 10i64.pow(6 - fsp.min(6));
    let r = us.rem_euclid(unit);
    let base = us - r;
    if r * 2 >= unit {
        base + unit
    } else {
        base
    }
}

/// The "fsp" of a bare `datetime` / `time` / `timestamp` spec: the fraction is kept as given
/// (microseconds, printed with six digits when non-zero), since the spec does not say.
pub(crate) const AS_GIVEN: u32 = 7;

fn frac_text(us: i64, fsp: u32) -> String {
    if fsp == 0 || (fsp == AS_GIVEN && us.rem_euclid(1_000_000) == 0) {
        return String::new();
    }
    let f = format!("{:06}", us.rem_euclid(1_000_000));
    format!(".{}", &f[..fsp.min(6) as usize])
}

/// 'YYYY-MM-DD HH:MM:SS[.f]' with `fsp` digits, after rounding; None when the rounding leaves 9999.
pub(crate) fn fmt_datetime(t: &Temporal, fsp: u32) -> Option<String> {
    let us = round_micros(t.micros, fsp);
    let dt = t
        .date
        .and_time(NaiveTime::MIN)
        .checked_add_signed(Duration::microseconds(us))?;
    if dt.year() > 9999 {
        return None;
    }
    Some(format!(
        "{}{}",
        dt.format("%Y-%m-%d %H:%M:%S"),
        frac_text(us, fsp)
    ))
}

/// '[-]HH:MM:SS[.f]' with `fsp` digits.
pub(crate) fn fmt_time_fsp(us: i64, fsp: u32) -> String {
    let r = round_micros(us.abs(), fsp);
    let secs = r / 1_000_000;
    let sign = if us < 0 && r != 0 { "-" } else { "" };
    format!(
        "{sign}{:02}:{:02}:{:02}{}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        frac_text(r, fsp)
    )
}

// ---------------------------------------------------------------------------------------------
// Column types.

#[derive(Clone, Debug)]
enum Ty {
    Int { min: i128, max: i128 },
    Decimal { p: u32, s: u32, unsigned: bool },
    Float { max: f64, unsigned: bool },
    Chars { n: usize, pad: bool },
    TextBytes(usize),
    Binary { n: usize, pad: bool },
    Enum(Vec<String>),
    Set(Vec<String>),
    Date,
    Time(u32),
    Datetime(u32),
    Timestamp(u32),
    Year,
    Json,
    Bit(u32),
}

fn spec_err(spec: &str) -> String {
    format!("1064: Unknown column type '{spec}' in mysql_assign")
}

/// The quoted members of `enum(...)` / `set(...)`.
fn members(inner: &str, spec: &str) -> Result<Vec<String>, String> {
    let c: Vec<char> = inner.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < c.len() && c[i].is_whitespace() {
            i += 1;
        }
        let q = *c.get(i).ok_or_else(|| spec_err(spec))?;
        if q != '\'' && q != '"' {
            return Err(spec_err(spec));
        }
        i += 1;
        let mut m = String::new();
        loop {
            let ch = *c.get(i).ok_or_else(|| spec_err(spec))?;
            i += 1;
            if ch == q {
                if c.get(i) == Some(&q) {
                    m.push(q);
                    i += 1;
                    continue;
                }
                break;
            }
            if ch == '\\' && i < c.len() {
                m.push(c[i]);
                i += 1;
                continue;
            }
            m.push(ch);
        }
        // MySQL strips trailing spaces from ENUM and SET members.
        out.push(m.trim_end_matches(' ').to_string());
        while i < c.len() && c[i].is_whitespace() {
            i += 1;
        }
        match c.get(i) {
            None => return Ok(out),
            Some(',') => i += 1,
            _ => return Err(spec_err(spec)),
        }
    }
}

fn parse_spec(spec: &str) -> Result<Ty, String> {
    let t = spec.trim();
    let (head, args, tail) = match t.find('(') {
        Some(o) => {
            let close = t.rfind(')').ok_or_else(|| spec_err(spec))?;
            (&t[..o], &t[o + 1..close], &t[close + 1..])
        }
        None => {
            let (h, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
            (h, "", rest)
        }
    };
    let name = head.trim().to_ascii_lowercase();
    let tail = tail.to_ascii_lowercase();
    let unsigned = tail.split_whitespace().any(|w| w == "unsigned");
    let nums: Vec<u64> = if name == "enum" || name == "set" || args.trim().is_empty() {
        Vec::new()
    } else {
        args.split(',')
            .map(|x| x.trim().parse::<u64>().map_err(|_| spec_err(spec)))
            .collect::<Result<_, _>>()?
    };
    let n0 = |d: u64| nums.first().copied().unwrap_or(d);
    let int = |bits: u32| -> Ty {
        if unsigned {
            Ty::Int {
                min: 0,
                max: (1i128 << bits) - 1,
            }
        } else {
            Ty::Int {
                min: -(1i128 << (bits - 1)),
                max: (1i128 << (bits - 1)) - 1,
            }
        }
    };
    let fsp = |n: u64| -> Result<u32, String> {
        if n > 6 {
            Err(format!(
                "1426: Too-big precision {n} specified for '{spec}'. Maximum is 6."
            ))
        } else {
            Ok(n as u32)
        }
    };
    Ok(match name.as_str() {
        "tinyint" | "bool" | "boolean" => int(8),
        "smallint" => int(16),
        "mediumint" => int(24),
        "int" | "integer" => int(32),
        "bigint" => int(64),
        "serial" => Ty::Int {
            min: 0,
            max: (1i128 << 64) - 1,
        },
        "decimal" | "numeric" | "dec" | "fixed" => {
            let p = n0(10).clamp(1, 65) as u32;
            let s = nums.get(1).copied().unwrap_or(0).min(30) as u32;
            if s > p {
                return Err(spec_err(spec));
            }
            Ty::Decimal { p, s, unsigned }
        }
        "float" if n0(0) > 24 => Ty::Float {
            max: f64::MAX,
            unsigned,
        },
        "float" => Ty::Float {
            max: f32::MAX as f64,
            unsigned,
        },
        "double" | "real" => Ty::Float {
            max: f64::MAX,
            unsigned,
        },
        "char" => Ty::Chars {
            n: n0(1) as usize,
            pad: true,
        },
        "varchar" => Ty::Chars {
            n: n0(65535) as usize,
            pad: false,
        },
        "tinytext" => Ty::TextBytes(255),
        "text" => Ty::TextBytes(65535),
        "mediumtext" => Ty::TextBytes((1 << 24) - 1),
        "longtext" => Ty::TextBytes((1usize << 32) - 1),
        "binary" => Ty::Binary {
            n: n0(1) as usize,
            pad: true,
        },
        "varbinary" => Ty::Binary {
            n: n0(65535) as usize,
            pad: false,
        },
        "tinyblob" => Ty::Binary { n: 255, pad: false },
        "blob" => Ty::Binary {
            n: 65535,
            pad: false,
        },
        "mediumblob" => Ty::Binary {
            n: (1 << 24) - 1,
            pad: false,
        },
        "longblob" => Ty::Binary {
            n: (1usize << 32) - 1,
            pad: false,
        },
        "enum" => Ty::Enum(members(args, spec)?),
        "set" => Ty::Set(members(args, spec)?),
        "date" => Ty::Date,
        "time" => Ty::Time(if nums.is_empty() {
            AS_GIVEN
        } else {
            fsp(n0(0))?
        }),
        "datetime" => Ty::Datetime(if nums.is_empty() {
            AS_GIVEN
        } else {
            fsp(n0(0))?
        }),
        "timestamp" => Ty::Timestamp(if nums.is_empty() {
            AS_GIVEN
        } else {
            fsp(n0(0))?
        }),
        "year" => Ty::Year,
        "json" => Ty::Json,
        "bit" => {
            let n = n0(1);
            if !(1..=64).contains(&n) {
                return Err(spec_err(spec));
            }
            Ty::Bit(n as u32)
        }
        _ => return Err(spec_err(spec)),
    })
}

thread_local! {
    static SPECS: RefCell<HashMap<String, Rc<Ty>>> = RefCell::new(HashMap::new());
}

fn cached_spec(spec: &str) -> Result<Rc<Ty>, String> {
    SPECS.with(|c| {
        if let Some(t) = c.borrow().get(spec) {
            return Ok(t.clone());
        }
        let t = Rc::new(parse_spec(spec)?);
        let mut m = c.borrow_mut();
        if m.len() > 1024 {
            m.clear();
        }
        m.insert(spec.to_string(), t.clone());
        Ok(t)
    })
}

// ---------------------------------------------------------------------------------------------
// Numbers.

/// A number read from a value: exact when it can be.
#[derive(Clone, Copy, Debug)]
enum Num {
    Exact(Dec),
    Approx(f64),
}

impl Num {
    fn f64(self) -> f64 {
        match self {
            Num::Exact(d) => d.mant as f64 / 10f64.powi(d.scale as i32),
            Num::Approx(f) => f,
        }
    }

    /// Rounded to `scale` places half away from zero, as an exact decimal (None: too big).
    fn to_dec(self, scale: u32) -> Option<Dec> {
        match self {
            Num::Exact(d) => d.round(scale as i32, false),
            Num::Approx(f) => real_dec(f)?.round(scale as i32, false),
        }
    }
}

/// A double as the exact decimal of its shortest representation (how MySQL stores a double
/// into DECIMAL); None when it has more than 36 digits.
fn real_dec(f: f64) -> Option<Dec> {
    if !f.is_finite() {
        return None;
    }
    Dec::parse(&format!("{f}")).or_else(|| (f.abs() < 1.0).then_some(Dec { mant: 0, scale: 0 }))
}

/// A string that is wholly a number (spaces around allowed).
fn full_number(s: &str) -> Option<Num> {
    let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
    if t.is_empty() {
        return None;
    }
    let p = numeric_prefix(t);
    if p.len() != t.len() {
        return None;
    }
    if p.contains(['e', 'E']) {
        return p.parse().ok().map(Num::Approx);
    }
    Some(Dec::parse(p).map_or_else(|| Num::Approx(p.parse().unwrap_or(0.0)), Num::Exact))
}

/// The number in a value, or None when a string is not wholly numeric.
fn num_of(v: &Value) -> Option<Num> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(Num::Exact(Dec {
            mant: *i as i128,
            scale: 0,
        })),
        Value::Real(r) => Some(Num::Approx(*r)),
        other => full_number(&to_str(other)?),
    }
}

/// The longest numeric prefix of a value, as CAST reads it ('12abc' is 12, 'abc' is 0).
fn num_prefix_of(v: &Value) -> Option<Num> {
    match v {
        Value::Null => None,
        Value::Integer(_) | Value::Real(_) => num_of(v),
        other => {
            let s = to_str(other)?;
            let p = numeric_prefix(&s);
            if p.contains(['e', 'E']) {
                return Some(Num::Approx(p.parse().unwrap_or(0.0)));
            }
            Some(Dec::parse(p).map_or_else(|| Num::Approx(p.parse().unwrap_or(0.0)), Num::Exact))
        }
    }
}

/// A string as the double MySQL compares it as with a number (`'3abc' = 3`, `'abc' = 0`),
/// with MySQL's warning 1292 when something other than spaces follows the number (`''` is 0
/// without one), or that as an error when `strict` (an UPDATE's or DELETE's WHERE in strict
/// mode); numbers and NULL unchanged.
fn compare_double(v: &Value, strict: bool) -> Result<Value, String> {
    let s = match v {
        Value::Null | Value::Integer(_) | Value::Real(_) => return Ok(v.clone()),
        Value::Text(s) => s.clone(),
        Value::Blob(b) => String::from_utf8_lossy(b).into_owned(),
    };
    let number = numeric_prefix(&s);
    let rest = &s.trim_start()[number.len()..];
    if !rest.trim_end_matches(' ').is_empty() {
        let message = format!("Truncated incorrect DOUBLE value: '{s}'");
        if strict {
            return Err(format!("1292: {message}"));
        }
        warn(1292, message);
    }
    Ok(Value::Real(number.parse().unwrap_or(0.0)))
}

/// An exact decimal as INTEGER when whole (as SQLite's NUMERIC affinity would store it), else REAL.
pub(crate) fn dec_value(d: Dec) -> Value {
    let p = 10i128.pow(d.scale.min(38));
    if d.mant % p == 0 {
        if let Ok(i) = i64::try_from(d.mant / p) {
            return Value::Integer(i);
        }
    }
    Value::Real(d.to_string().parse().unwrap_or(0.0))
}

/// An integer that may exceed i64 (BIGINT UNSIGNED): INTEGER when it fits, else its digits as TEXT.
fn wide_int(i: i128) -> Value {
    i64::try_from(i).map_or_else(|_| Value::Text(i.to_string()), Value::Integer)
}

// ---------------------------------------------------------------------------------------------
// Assignment.

struct Col<'a> {
    name: &'a str,
    row: i64,
}

impl Col<'_> {
    fn range(&self) -> String {
        format!(
            "1264: Out of range value for column '{}' at row {}",
            self.name, self.row
        )
    }
    fn truncated(&self) -> String {
        format!(
            "1265: Data truncated for column '{}' at row {}",
            self.name, self.row
        )
    }
    fn too_long(&self) -> String {
        format!(
            "1406: Data too long for column '{}' at row {}",
            self.name, self.row
        )
    }
    fn incorrect(&self, code: u32, kind: &str, v: &Value) -> String {
        let shown = to_str(v).unwrap_or_default();
        format!(
            "{code}: Incorrect {kind} value: '{shown}' for column '{}' at row {}",
            self.name, self.row
        )
    }
}

/// The number in a value stored into a numeric column of `kind` (integer, decimal), or
/// MySQL's error (Field_num::check_int): no number at all is 1366; a number followed by other
/// characters ('12abc') is 1265.
fn number_for(v: &Value, kind: &str, c: &Col) -> Result<Num, String> {
    num_of(v).ok_or_else(|| {
        let s = to_str(v).unwrap_or_default();
        if numeric_prefix(&s).is_empty() {
            c.incorrect(1366, kind, v)
        } else {
            c.truncated()
        }
    })
}

fn assign_int(v: &Value, min: i128, max: i128, c: &Col) -> R {
    let n = number_for(v, "integer", c)?;
    let i = match n {
        Num::Exact(d) => d.round(0, false).map(|d| d.mant),
        Num::Approx(f) => {
            let r = f.round();
            (r.is_finite() && r.abs() < 1e38).then_some(r as i128)
        }
    }
    .ok_or_else(|| c.range())?;
    if i < min || i > max {
        return Err(c.range());
    }
    Ok(wide_int(i))
}

fn decimal_fit(n: Num, p: u32, s: u32, unsigned: bool) -> Result<Dec, Dec> {
    let limit = 10i128.pow(p);
    let maxd = Dec {
        mant: limit - 1,
        scale: s,
    };
    let d = match n.to_dec(s) {
        Some(d) => d,
        None => {
            return Err(if n.f64() < 0.0 {
                Dec {
                    mant: -(limit - 1),
                    scale: s,
                }
            } else {
                maxd
            })
        }
    };
    if unsigned && d.mant < 0 {
        return Err(Dec { mant: 0, scale: s });
    }
    if d.mant.abs() >= limit {
        return Err(if d.mant < 0 {
            Dec {
                mant: -(limit - 1),
                scale: s,
            }
        } else {
            maxd
        });
    }
    Ok(d)
}

/// A value stored into a utf8mb4 column: a BLOB must hold valid UTF-8 (MySQL's 1366 otherwise).
fn utf8_text(v: &Value, c: &Col) -> Result<String, String> {
    match v {
        Value::Blob(b) => match std::str::from_utf8(b) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => {
                let bad = &b[e.valid_up_to()..];
                let mut shown: String = bad.iter().take(6).map(|x| format!("\\x{x:02X}")).collect();
                if bad.len() > 6 {
                    shown.push_str("...");
                }
                Err(format!(
                    "1366: Incorrect string value: '{shown}' for column '{}' at row {}",
                    c.name, c.row
                ))
            }
        },
        other => Ok(to_str(other).unwrap_or_default()),
    }
}

fn assign_chars(v: &Value, n: usize, pad: bool, c: &Col) -> R {
    let s = utf8_text(v, c)?;
    let len = s.chars().count();
    let mut s = if len > n {
        let cut = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
        if s[cut..].bytes().all(|b| b == b' ') {
            s[..cut].to_string()
        } else {
            return Err(c.too_long());
        }
    } else {
        s
    };
    if pad {
        let t = s.trim_end_matches(' ').len();
        s.truncate(t);
    }
    Ok(Value::Text(s))
}

fn enum_value(v: &Value, m: &[String], c: &Col) -> R {
    let by_index = |i: i128| -> R {
        if i >= 1 && i as usize <= m.len() {
            Ok(Value::Text(m[i as usize - 1].clone()))
        } else {
            Err(c.truncated())
        }
    };
    match v {
        Value::Integer(i) => by_index(*i as i128),
        Value::Real(r) if r.fract() == 0.0 => by_index(*r as i128),
        Value::Real(_) => Err(c.truncated()),
        other => {
            let s = to_str(other).unwrap_or_default();
            let k = crate::collation_key("utf8mb4_0900_ai_ci", s.trim_end_matches(' '));
            if let Some(x) = m
                .iter()
                .find(|x| crate::collation_key("utf8mb4_0900_ai_ci", x) == k)
            {
                return Ok(Value::Text(x.clone()));
            }
            match s.trim().parse::<i128>() {
                Ok(i) => by_index(i),
                Err(_) => Err(c.truncated()),
            }
        }
    }
}

fn set_value(v: &Value, m: &[String], c: &Col) -> R {
    let mut mask: u64 = 0;
    match v {
        Value::Integer(i) => {
            let i = *i as u64;
            if m.len() < 64 && i >> m.len() != 0 {
                return Err(c.truncated());
            }
            mask = i;
        }
        other => {
            let s = to_str(other).unwrap_or_default();
            if !s.is_empty() {
                for part in s.split(',') {
                    let k = crate::collation_key("utf8mb4_0900_ai_ci", part.trim_end_matches(' '));
                    match m
                        .iter()
                        .position(|x| crate::collation_key("utf8mb4_0900_ai_ci", x) == k)
                    {
                        Some(p) => mask |= 1 << p,
                        None => match part.trim().parse::<u64>() {
                            Ok(i)
                                if s.split(',').count() == 1
                                    && (m.len() >= 64 || i >> m.len() == 0) =>
                            {
                                mask = i
                            }
                            _ => return Err(c.truncated()),
                        },
                    }
                }
            }
        }
    }
    Ok(Value::Text(set_text(m, mask)))
}

/// Whether a stored TIMESTAMP (UTC) is within '1970-01-01 00:00:01' .. '2038-01-19 03:14:07'.
fn timestamp_in_range(t: &Temporal, fsp: u32) -> bool {
    let dt: NaiveDateTime =
        t.date.and_time(NaiveTime::MIN) + Duration::microseconds(round_micros(t.micros, fsp));
    let secs = dt.and_utc().timestamp();
    (1..=2_147_483_647).contains(&secs)
}

fn year_value(v: &Value, c: &Col) -> R {
    let (y, from_text) = match v {
        Value::Integer(i) => (*i, false),
        Value::Real(r) => (r.round() as i64, false),
        other => {
            let s = to_str(other).unwrap_or_default();
            match full_number(&s) {
                Some(n) => (
                    n.to_dec(0)
                        .and_then(|d| i64::try_from(d.mant).ok())
                        .ok_or_else(|| c.range())?,
                    true,
                ),
                None => return Err(c.incorrect(1366, "integer", v)),
            }
        }
    };
    let y = match y {
        0 if from_text => 2000,
        0 => 0,
        1..=69 => 2000 + y,
        70..=99 => 1900 + y,
        1901..=2155 => y,
        _ => return Err(c.range()),
    };
    Ok(Value::Integer(y))
}

/// The parse error position serde_json reports, as a 0-based character offset into `s`.
fn json_pos(s: &str, e: &serde_json::Error) -> usize {
    if e.is_eof() {
        return s.chars().count();
    }
    let (line, col) = (e.line(), e.column());
    let mut off = 0;
    for (i, l) in s.split('\n').enumerate() {
        if i + 1 == line {
            return off + col.saturating_sub(1).min(l.chars().count());
        }
        off += l.chars().count() + 1;
    }
    off
}

/// MySQL's (RapidJSON's) wording for a JSON syntax error, approximated from serde_json's.
pub(crate) fn json_reason(e: &serde_json::Error) -> &'static str {
    let m = e.to_string();
    if m.contains("EOF while parsing a string") {
        "Missing a closing quotation mark in string."
    } else if m.contains("EOF while parsing an object") || m.contains("key must be a string") {
        "Missing a name for object member."
    } else if m.contains("EOF while parsing a list") || m.contains("expected `,` or `]`") {
        "Missing a comma or ']' after an array element."
    } else if m.contains("EOF while parsing") {
        "Invalid value."
    } else if m.contains("expected `:`") {
        "Missing a colon after a name of object member."
    } else if m.contains("trailing characters") {
        "The document root must not be followed by other values."
    } else if m.contains("expected `,` or `}`") {
        "Missing a comma or '}' after an object member."
    } else if m.contains("escape") {
        "Invalid escape character in string."
    } else if m.contains("control character") {
        "Invalid encoding in string."
    } else {
        "Invalid value."
    }
}

/// Parses JSON text, or gives (reason, position) as MySQL reports them.
pub(crate) fn json_parse(s: &str) -> Result<serde_json::Value, (&'static str, usize)> {
    if s.trim().is_empty() {
        return Err(("The document is empty.", s.chars().count()));
    }
    serde_json::from_str(s).map_err(|e| (json_reason(&e), json_pos(s, &e)))
}

fn json_value(v: &Value, c: &Col) -> R {
    let j = match v {
        Value::Integer(i) => serde_json::Value::from(*i),
        Value::Real(r) => serde_json::Number::from_f64(*r)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Blob(_) => {
            return Err(
                "3144: Cannot create a JSON value from a string with CHARACTER SET 'binary'."
                    .to_string(),
            )
        }
        other => {
            let s = to_str(other).unwrap_or_default();
            json_parse(&s).map_err(|(why, pos)| {
                format!("3140: Invalid JSON text: \"{why}\" at position {pos} in value for column '{}'.", c.name)
            })?
        }
    };
    let mut out = String::new();
    crate::json::dump(&j, &mut out);
    Ok(Value::Text(out))
}

fn bit_value(v: &Value, n: u32, c: &Col) -> R {
    let x: u64 = match v {
        Value::Integer(i) => *i as u64,
        Value::Real(r) => r.round() as i64 as u64,
        other => {
            let b = to_bytes(other).unwrap_or_default();
            let sig: Vec<u8> = b.iter().copied().skip_while(|x| *x == 0).collect();
            if sig.len() > 8 {
                return Err(c.too_long());
            }
            sig.iter().fold(0u64, |acc, x| acc << 8 | *x as u64)
        }
    };
    if n < 64 && x >> n != 0 {
        return Err(c.too_long());
    }
    Ok(Value::Integer(x as i64))
}

fn assign(v: &Value, ty: &Ty, c: &Col) -> R {
    if matches!(v, Value::Null) {
        return Ok(Value::Null);
    }
    match ty {
        Ty::Int { min, max } => assign_int(v, *min, *max, c),
        Ty::Decimal { p, s, unsigned } => {
            let n = number_for(v, "decimal", c)?;
            decimal_fit(n, *p, *s, *unsigned)
                .map(dec_value)
                .map_err(|_| c.range())
        }
        Ty::Float { max, unsigned } => {
            let f = num_of(v).ok_or_else(|| c.truncated())?.f64();
            if !f.is_finite() || f.abs() > *max || (*unsigned && f < 0.0) {
                return Err(c.range());
            }
            // A FLOAT keeps single precision: 0.1 is stored as 0.10000000149011612.
            let single = *max == f32::MAX as f64;
            Ok(Value::Real(if single { f as f32 as f64 } else { f }))
        }
        Ty::Chars { n, pad } => assign_chars(v, *n, *pad, c),
        Ty::TextBytes(n) => {
            let s = utf8_text(v, c)?;
            if s.len() > *n {
                return Err(c.too_long());
            }
            Ok(Value::Text(s))
        }
        Ty::Binary { n, pad } => {
            let mut b = to_bytes(v).unwrap_or_default();
            if b.len() > *n {
                return Err(c.too_long());
            }
            if *pad {
                b.resize(*n, 0);
            }
            Ok(Value::Blob(b))
        }
        Ty::Enum(m) => enum_value(v, m, c),
        Ty::Set(m) => set_value(v, m, c),
        Ty::Date => {
            let t = parse_temporal(v).ok_or_else(|| c.incorrect(1292, "date", v))?;
            Ok(Value::Text(t.date.format("%Y-%m-%d").to_string()))
        }
        Ty::Datetime(fsp) => {
            let t = parse_temporal(v).ok_or_else(|| c.incorrect(1292, "datetime", v))?;
            fmt_datetime(&t, *fsp)
                .map(Value::Text)
                .ok_or_else(|| c.incorrect(1292, "datetime", v))
        }
        Ty::Timestamp(fsp) => {
            let t = parse_temporal(v).filter(|t| timestamp_in_range(t, *fsp));
            let t = t.ok_or_else(|| c.incorrect(1292, "datetime", v))?;
            fmt_datetime(&t, *fsp)
                .map(Value::Text)
                .ok_or_else(|| c.incorrect(1292, "datetime", v))
        }
        Ty::Time(fsp) => {
            let us = parse_time_value(v).ok_or_else(|| c.incorrect(1292, "time", v))?;
            if us.abs() > MAX_TIME + 999_999 || round_micros(us.abs(), *fsp) > MAX_TIME {
                return Err(c.incorrect(1292, "time", v));
            }
            Ok(Value::Text(fmt_time_fsp(us, *fsp)))
        }
        Ty::Year => year_value(v, c),
        Ty::Json => json_value(v, c),
        Ty::Bit(n) => bit_value(v, *n, c),
    }
}

// ---------------------------------------------------------------------------------------------
// Non-strict assignment (sql_mode without STRICT_*, INSERT/UPDATE IGNORE): MySQL keeps the
// nearest value it can store and raises a warning instead of the error.

/// `mysql_assign`'s mode bit: a value that does not fit is stored as MySQL's nearest value
/// with a warning (a non-strict sql_mode, or IGNORE), not refused.
pub const ASSIGN_LENIENT: i64 = 1;
/// `mysql_assign`'s mode bit: NULL into this NOT NULL column becomes the type's implicit
/// default with warning 1048 (IGNORE; a non-strict multiple-row INSERT or UPDATE).
pub const ASSIGN_NULL_DEFAULT: i64 = 2;

/// A warning raised while storing a value, as SHOW WARNINGS lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// MySQL's code (1264, 1265, 1366, 1048...).
    pub code: u16,
    /// MySQL's message.
    pub message: String,
}

/// `mysql_assign`'s mode bit: a value computed with a division by zero is stored as NULL
/// (sql_mode without ERROR_FOR_DIVISION_BY_ZERO), not refused with 1365.
pub const ASSIGN_DIVISION_BY_ZERO_NULL: i64 = 4;

thread_local! {
    static WARNINGS: RefCell<Vec<Warning>> = const { RefCell::new(Vec::new()) };
    /// A division by zero happened in the statement running on this thread.
    static DIVIDED_BY_ZERO: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Notes a division (or DIV, MOD) by zero: NULL with warning 1365 in a query; in strict mode
/// a statement storing a value after it fails with 1365, as MySQL's does.
pub(crate) fn divided_by_zero() {
    DIVIDED_BY_ZERO.set(true);
    warn(1365, "Division by 0".to_owned());
}

/// MySQL keeps at most this many diagnostics per statement (`max_error_count`).
const MAX_WARNINGS: usize = 1024;

fn warn(code: u16, message: String) {
    WARNINGS.with(|w| {
        let mut w = w.borrow_mut();
        // SQLite may evaluate one assignment more than once per row (an UPDATE's change test
        // and its SET): the same warning is kept once.
        if w.len() < MAX_WARNINGS && !w.iter().any(|x| x.code == code && x.message == message) {
            w.push(Warning { code, message });
        }
    });
}

/// The warnings `mysql_assign` raised on this thread since the last call, oldest first (a
/// session runs its statements on one thread: it takes them after each statement).
pub fn take_warnings() -> Vec<Warning> {
    DIVIDED_BY_ZERO.set(false);
    WARNINGS.with(|w| std::mem::take(&mut *w.borrow_mut()))
}

/// The value a NOT NULL column of the type takes for NULL when MySQL does not refuse it.
fn implicit_default(ty: &Ty) -> Value {
    let text = |s: &str| Value::Text(s.to_owned());
    match ty {
        Ty::Int { .. } | Ty::Decimal { .. } | Ty::Year | Ty::Bit(_) => Value::Integer(0),
        Ty::Float { .. } => Value::Real(0.0),
        Ty::Chars { .. } | Ty::TextBytes(_) | Ty::Set(_) => text(""),
        Ty::Binary { n, pad } => Value::Blob(if *pad { vec![0; *n] } else { Vec::new() }),
        Ty::Enum(m) => text(m.first().map_or("", String::as_str)),
        Ty::Date => text("0000-00-00"),
        Ty::Datetime(fsp) | Ty::Timestamp(fsp) => Value::Text(format!(
            "0000-00-00 00:00:00{}",
            frac_text(0, if *fsp == AS_GIVEN { 0 } else { *fsp })
        )),
        Ty::Time(_) => text("00:00:00"),
        Ty::Json => text("null"),
    }
}

/// Text for a character column: a BLOB's bytes up to the first that is not UTF-8.
fn valid_text(v: &Value) -> String {
    match v {
        Value::Blob(b) => match std::str::from_utf8(b) {
            Ok(s) => s.to_owned(),
            Err(e) => String::from_utf8_lossy(&b[..e.valid_up_to()]).into_owned(),
        },
        other => to_str(other).unwrap_or_default(),
    }
}

/// The value MySQL stores, outside strict mode, for a value `assign` refused: numbers
/// clipped to the type's range (a string's numeric prefix, 0 without one), strings cut to the
/// column's length, a bad ENUM as '' and a bad SET's unknown members dropped, a bad date as
/// the zero date. None where MySQL refuses the value in any mode (JSON).
fn nearest(v: &Value, ty: &Ty) -> Option<Value> {
    let number = || num_prefix_of(v).unwrap_or(Num::Exact(Dec { mant: 0, scale: 0 }));
    Some(match ty {
        Ty::Int { min, max } => {
            let i = match number() {
                Num::Exact(d) => d
                    .round(0, false)
                    .map_or(if d.mant < 0 { *min } else { *max }, |d| d.mant),
                Num::Approx(f) if f.is_nan() => 0,
                Num::Approx(f) => f.round() as i128,
            };
            wide_int(i.clamp(*min, *max))
        }
        Ty::Decimal { p, s, unsigned } => {
            dec_value(decimal_fit(number(), *p, *s, *unsigned).unwrap_or_else(|clipped| clipped))
        }
        Ty::Float { max, unsigned } => {
            let f = number().f64();
            let f = if f.is_nan() || (*unsigned && f < 0.0) {
                0.0
            } else {
                f.clamp(-max, *max)
            };
            let single = *max == f32::MAX as f64;
            Value::Real(if single { f as f32 as f64 } else { f })
        }
        Ty::Chars { n, pad } => {
            let mut s: String = valid_text(v).chars().take(*n).collect();
            if *pad {
                let t = s.trim_end_matches(' ').len();
                s.truncate(t);
            }
            Value::Text(s)
        }
        Ty::TextBytes(n) => {
            let mut s = valid_text(v);
            let mut cut = s.len().min(*n);
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
            Value::Text(s)
        }
        Ty::Binary { n, pad } => {
            let mut b = to_bytes(v).unwrap_or_default();
            b.truncate(*n);
            if *pad {
                b.resize(*n, 0);
            }
            Value::Blob(b)
        }
        Ty::Enum(_) => Value::Text(String::new()),
        Ty::Set(m) => set_known_members(v, m),
        Ty::Date | Ty::Datetime(_) | Ty::Timestamp(_) => implicit_default(ty),
        Ty::Time(fsp) => match parse_time_value(v) {
            Some(us) => Value::Text(fmt_time_fsp(us.clamp(-MAX_TIME, MAX_TIME), *fsp)),
            None => implicit_default(ty),
        },
        Ty::Year => Value::Integer(0),
        Ty::Bit(n) => Value::Integer(if *n >= 64 {
            -1
        } else {
            ((1u64 << n) - 1) as i64
        }),
        Ty::Json => return None,
    })
}

/// A SET value of the members of `v` the column knows (MySQL drops the others).
fn set_known_members(v: &Value, m: &[String]) -> Value {
    let all = if m.len() >= 64 {
        u64::MAX
    } else {
        (1u64 << m.len()) - 1
    };
    let mask = match v {
        Value::Integer(i) => *i as u64 & all,
        other => {
            let s = to_str(other).unwrap_or_default();
            s.split(',').fold(0u64, |mask, part| {
                let k = crate::collation_key("utf8mb4_0900_ai_ci", part.trim_end_matches(' '));
                m.iter()
                    .position(|x| crate::collation_key("utf8mb4_0900_ai_ci", x) == k)
                    .map_or(mask, |p| mask | 1 << p)
            })
        }
    };
    Value::Text(set_text(m, mask))
}

/// `assign` in the given mode (`ASSIGN_*` bits): outside strict mode a refused value is
/// stored as [`nearest`] with MySQL's warning (a too-long string is 1265 then, not 1406).
fn assign_in_mode(v: &Value, ty: &Ty, c: &Col, mode: i64) -> R {
    if DIVIDED_BY_ZERO.get() && mode & (ASSIGN_LENIENT | ASSIGN_DIVISION_BY_ZERO_NULL) == 0 {
        return Err("1365: Division by 0".to_owned());
    }
    if matches!(v, Value::Null) && mode & ASSIGN_NULL_DEFAULT != 0 {
        warn(1048, format!("Column '{}' cannot be null", c.name));
        return Ok(implicit_default(ty));
    }
    let err = match assign(v, ty, c) {
        Err(e) if mode & ASSIGN_LENIENT != 0 => e,
        done => return done,
    };
    let code = err.split(':').next().and_then(|n| n.parse::<u16>().ok());
    let Some(code @ (1264 | 1265 | 1292 | 1366 | 1406)) = code else {
        return Err(err);
    };
    let Some(value) = nearest(v, ty) else {
        return Err(err);
    };
    match code {
        1406 | 1292 => warn(1265, c.truncated()["1265: ".len()..].to_owned()),
        _ => warn(code, err[err.find(": ").map_or(0, |i| i + 2)..].to_owned()),
    }
    Ok(value)
}

// ---------------------------------------------------------------------------------------------
// CAST.

fn cast_signed(v: &Value) -> Value {
    match num_prefix_of(v) {
        None => Value::Null,
        Some(Num::Exact(d)) if d.scale == 0 || !matches!(v, Value::Text(_) | Value::Blob(_)) => {
            let r = d.round(0, false).map_or(0, |d| d.mant);
            Value::Integer(r.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
        }
        // A string's fraction is cut off (MySQL reads strings with strtoll).
        Some(Num::Exact(d)) => {
            let r = d.round(0, true).map_or(0, |d| d.mant);
            Value::Integer(r.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
        }
        Some(Num::Approx(f)) => {
            let r = if matches!(v, Value::Real(_)) {
                f.round()
            } else {
                f.trunc()
            };
            // `as` saturates, as MySQL clamps.
            Value::Integer(r as i64)
        }
    }
}

fn cast_unsigned(v: &Value) -> Value {
    let signed = |i: i64| wide_int(i as u64 as i128);
    match num_prefix_of(v) {
        None => Value::Null,
        Some(Num::Approx(f)) if f >= 9.2e18 => wide_int(if f >= 18_446_744_073_709_551_615.0 {
            u64::MAX as i128
        } else {
            f.round() as u64 as i128
        }),
        Some(Num::Exact(d)) if d.mant > i64::MAX as i128 * 10i128.pow(d.scale) => {
            let r = d
                .round(0, false)
                .map_or(u64::MAX as i128, |d| d.mant)
                .min(u64::MAX as i128);
            wide_int(r)
        }
        _ => match cast_signed(v) {
            Value::Integer(i) => signed(i),
            other => other,
        },
    }
}

fn cast_decimal(a: &[Value]) -> R {
    check_args(a, "cast_as_decimal", 1, 3)?;
    let p = a.get(1).and_then(to_i64).unwrap_or(10);
    let s = a.get(2).and_then(to_i64).unwrap_or(0);
    if !(1..=65).contains(&p) {
        return Err(format!(
            "1426: Too-big precision {p} specified for 'CAST'. Maximum is 65."
        ));
    }
    if !(0..=30).contains(&s) || s > p {
        return Err(format!(
            "1425: Too big scale {s} specified for 'CAST'. Maximum is 30."
        ));
    }
    let Some(n) = num_prefix_of(&a[0]) else {
        return Ok(Value::Null);
    };
    Ok(dec_value(
        decimal_fit(n, p as u32, s as u32, false).unwrap_or_else(|clamped| clamped),
    ))
}

fn fsp_arg(a: &[Value], i: usize) -> Result<u32, String> {
    let f = a.get(i).and_then(to_i64).unwrap_or(0);
    if !(0..=6).contains(&f) {
        return Err(format!(
            "1426: Too-big precision {f} specified for 'CAST'. Maximum is 6."
        ));
    }
    Ok(f as u32)
}

fn truthy(v: &Value) -> Value {
    match v {
        Value::Null => Value::Null,
        Value::Integer(i) => Value::Integer((*i != 0) as i64),
        other => Value::Integer((to_f64(other).unwrap_or(0.0) != 0.0) as i64),
    }
}

/// Converts `value` for storing into column `column` of type `spec`, as row `row` of a
/// statement in `mode` (the `ASSIGN_*` bits): what `mysql_assign(value, spec, column, row,
/// mode)` returns, for a caller that binds the result itself (a multi-row INSERT of literals
/// then makes no SQL function call per cell). Errors are `mysql_assign`'s (`<code>: <text>`),
/// warnings go where its warnings go ([`take_warnings`]).
pub fn assign_value(
    value: &Value,
    spec: &str,
    column: &str,
    row: i64,
    mode: i64,
) -> Result<Value, String> {
    let ty = cached_spec(spec)?;
    assign_in_mode(value, &ty, &Col { name: column, row }, mode)
}

/// Registers mysql_assign, the CAST helpers and mysql_bool.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    reg(conn, "mysql_assign", -1, true, |a| {
        check_args(a, "mysql_assign", 3, 5)?;
        let spec = to_str(&a[1]).ok_or_else(|| spec_err("NULL"))?;
        let ty = cached_spec(&spec)?;
        let name = to_str(&a[2]).unwrap_or_default();
        let row = a.get(3).and_then(to_i64).unwrap_or(1);
        let mode = a.get(4).and_then(to_i64).unwrap_or(0);
        assign_in_mode(&a[0], &ty, &Col { name: &name, row }, mode)
    })?;
    reg(conn, "mysql_cast_signed", 1, true, |a| {
        Ok(cast_signed(&a[0]))
    })?;
    reg(conn, "mysql_cast_unsigned", 1, true, |a| {
        Ok(cast_unsigned(&a[0]))
    })?;
    reg(conn, "mysql_cast_char", -1, true, |a| {
        check_args(a, "cast_as_char", 1, 2)?;
        let Some(s) = to_str(&a[0]) else {
            return Ok(Value::Null);
        };
        Ok(Value::Text(match a.get(1).and_then(to_i64) {
            Some(n) if n >= 0 => s.chars().take(n as usize).collect(),
            _ => s,
        }))
    })?;
    reg(conn, "mysql_cast_binary", -1, true, |a| {
        check_args(a, "cast_as_binary", 1, 2)?;
        let Some(mut b) = to_bytes(&a[0]) else {
            return Ok(Value::Null);
        };
        if let Some(n) = a.get(1).and_then(to_i64).filter(|n| *n >= 0) {
            b.resize(n as usize, 0);
        }
        Ok(Value::Blob(b))
    })?;
    reg(conn, "mysql_cast_decimal", -1, true, cast_decimal)?;
    reg(conn, "mysql_cast_double", 1, true, |a| {
        Ok(match num_prefix_of(&a[0]) {
            None => Value::Null,
            Some(n) => Value::Real(n.f64()),
        })
    })?;
    reg(conn, "mysql_compare_double", -1, true, |a| {
        check_args(a, "mysql_compare_double", 1, 2)?;
        let strict = a.get(1).and_then(to_i64).is_some_and(|s| s != 0);
        compare_double(&a[0], strict)
    })?;
    reg(conn, "mysql_cast_date", 1, true, |a| {
        Ok(parse_temporal(&a[0]).map_or(Value::Null, |t| {
            Value::Text(t.date.format("%Y-%m-%d").to_string())
        }))
    })?;
    reg(conn, "mysql_cast_datetime", -1, true, |a| {
        check_args(a, "cast_as_datetime", 1, 2)?;
        let fsp = fsp_arg(a, 1)?;
        Ok(parse_temporal(&a[0])
            .and_then(|t| fmt_datetime(&t, fsp))
            .map_or(Value::Null, Value::Text))
    })?;
    reg(conn, "mysql_cast_time", -1, true, |a| {
        check_args(a, "cast_as_time", 1, 2)?;
        let fsp = fsp_arg(a, 1)?;
        Ok(parse_time_value(&a[0])
            .filter(|us| round_micros(us.abs(), fsp) <= MAX_TIME)
            .map_or(Value::Null, |us| Value::Text(fmt_time_fsp(us, fsp))))
    })?;
    // mysql_json_cast is the name the dialect calls; both are kept.
    for name in ["mysql_cast_json", "mysql_json_cast"] {
        crate::value::reg_full(conn, name, 1, true, |a| {
            cast_json(&a.v[0]).map(|v| (v, true))
        })?;
    }
    reg(conn, "mysql_bool", 1, true, |a| Ok(truthy(&a[0])))?;
    Ok(())
}

fn cast_json(v: &Value) -> R {
    match v {
        Value::Null => Ok(Value::Null),
        v @ (Value::Text(_) | Value::Blob(_)) => {
            let s = to_str(v).unwrap_or_default();
            let j = json_parse(&s).map_err(|(why, pos)| {
                format!("3141: Invalid JSON text in argument 1 to function cast_as_json: \"{why}\" at position {pos}.")
            })?;
            let mut out = String::new();
            crate::json::dump(&j, &mut out);
            Ok(Value::Text(out))
        }
        v => {
            let mut out = String::new();
            let j = match v {
                Value::Integer(i) => serde_json::Value::from(*i),
                Value::Real(r) => serde_json::Number::from_f64(*r)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
                _ => serde_json::Value::Null,
            };
            crate::json::dump(&j, &mut out);
            Ok(Value::Text(out))
        }
    }
}

/// A SET value's text: the members whose bits are in `mask`, in definition order.
fn set_text(members: &[String], mask: u64) -> String {
    members
        .iter()
        .enumerate()
        .filter(|(i, _)| mask >> i & 1 == 1)
        .map(|(_, x)| x.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
