//! String functions.

use rusqlite::types::Value;
use rusqlite::Connection;

use crate::collation::{collation_key, fold_char};
use crate::value::{
    any_null, bytes_value, check_args, int, reg, reg_names, text, to_bytes, to_f64, to_i64, to_str,
    Dec,
};
use crate::Context;

type R = Result<Value, String>;

fn key(s: &str) -> String {
    collation_key("utf8mb4_0900_ai_ci", s).unwrap_or_default()
}

fn ci_eq(a: char, b: char) -> bool {
    let (mut x, mut y) = (String::new(), String::new());
    fold_char(a, &mut x);
    fold_char(b, &mut y);
    x == y
}

/// 1-based character position of `needle` in `hay` at or after `from` (1-based), case-insensitively; 0 if absent.
fn locate(needle: &str, hay: &str, from: i64) -> i64 {
    let n: Vec<char> = needle.chars().collect();
    let h: Vec<char> = hay.chars().collect();
    if from < 1 || from as usize > h.len() + 1 {
        return 0;
    }
    let start = from as usize - 1;
    if n.is_empty() {
        return from;
    }
    if n.len() > h.len() {
        return 0;
    }
    for i in start..=(h.len() - n.len()) {
        if n.iter().zip(&h[i..]).all(|(a, b)| ci_eq(*a, *b)) {
            return i as i64 + 1;
        }
    }
    0
}

fn s0(a: &[Value], i: usize) -> Option<String> {
    a.get(i).and_then(to_str)
}

fn i0(a: &[Value], i: usize) -> Option<i64> {
    a.get(i).and_then(to_i64)
}

fn substr(s: &str, pos: i64, len: Option<i64>) -> String {
    let c: Vec<char> = s.chars().collect();
    let n = c.len() as i64;
    let start = if pos > 0 {
        pos - 1
    } else if pos < 0 {
        n + pos
    } else {
        return String::new();
    };
    if start < 0 || start >= n {
        return String::new();
    }
    let end = match len {
        None => n,
        Some(l) if l <= 0 => return String::new(),
        Some(l) => (start.saturating_add(l)).min(n),
    };
    c[start as usize..end as usize].iter().collect()
}

fn pad(a: &[Value], left: bool, max: usize) -> R {
    if any_null(a) {
        return Ok(Value::Null);
    }
    let s = s0(a, 0).unwrap_or_default();
    let len = i0(a, 1).unwrap_or(0);
    let p = s0(a, 2).unwrap_or_default();
    if len < 0 {
        return Ok(Value::Null);
    }
    let len = len as usize;
    let chars: Vec<char> = s.chars().collect();
    if len <= chars.len() {
        return Ok(Value::Text(chars[..len].iter().collect()));
    }
    let pc: Vec<char> = p.chars().collect();
    if pc.is_empty() {
        return Ok(Value::Null);
    }
    let need = len - chars.len();
    let max_pc_bytes = pc.iter().map(|c| c.len_utf8()).max().unwrap_or(1);
    if s.len().saturating_add(need.saturating_mul(max_pc_bytes)) > max
        && len.saturating_mul(1) > max
    {
        return Ok(Value::Null);
    }
    let fill: String = pc.iter().cycle().take(need).collect();
    if fill.len() + s.len() > max {
        return Ok(Value::Null);
    }
    Ok(Value::Text(if left { fill + &s } else { s + &fill }))
}

fn hex_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(format!("{:X}", *i as u64)),
        Value::Real(r) => Some(format!("{:X}", r.round() as i64 as u64)),
        other => Some(
            to_bytes(other)?
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect(),
        ),
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let nib = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len() / 2 + 1);
    let mut i = 0;
    if b.len() % 2 == 1 {
        out.push(nib(b[0])?);
        i = 1;
    }
    while i < b.len() {
        out.push(nib(b[i])? * 16 + nib(b[i + 1])?);
        i += 2;
    }
    Some(out)
}

/// CONV(n, from, to) as MySQL: unsigned 64-bit unless a base is negative.
fn conv(n: &str, from: i64, to: i64) -> Option<String> {
    let (fb, tb) = (from.unsigned_abs(), to.unsigned_abs());
    if !(2..=36).contains(&fb) || !(2..=36).contains(&tb) {
        return None;
    }
    let t = n.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let mut v: u64 = 0;
    for c in body.chars() {
        match c.to_digit(fb as u32) {
            Some(d) => v = v.saturating_mul(fb).saturating_add(d as u64),
            None => break,
        }
    }
    if neg {
        if from < 0 {
            v = (v.min(1u64 << 63) as i64).wrapping_neg() as u64;
        } else {
            v = v.wrapping_neg();
        }
    }
    let (neg_out, mut m) = if to < 0 && (v as i64) < 0 {
        (true, (v as i64).unsigned_abs())
    } else {
        (false, v)
    };
    let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = Vec::new();
    loop {
        out.push(digits[(m % tb) as usize]);
        m /= tb;
        if m == 0 {
            break;
        }
    }
    if neg_out {
        out.push(b'-');
    }
    out.reverse();
    String::from_utf8(out).ok()
}

fn group_thousands(ip: &str) -> String {
    let b = ip.as_bytes();
    let mut out = String::new();
    for (i, c) in b.iter().enumerate() {
        if i > 0 && (b.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*c as char);
    }
    out
}

fn format(a: &[Value]) -> R {
    check_args(a, "format", 2, 3)?;
    if a[0] == Value::Null || a[1] == Value::Null {
        return Ok(Value::Null);
    }
    let d = i0(a, 1).unwrap_or(0).clamp(0, 30) as usize;
    // A REAL is read as the decimal it prints as, so FORMAT(2.675, 2) is '2.68' as in MySQL.
    let exact = match &a[0] {
        Value::Real(r) if r.is_finite() => Dec::parse(&format!("{r}")),
        v => Dec::of(v),
    };
    let fixed = match exact.and_then(|x| x.round(d as i32, false)) {
        Some(x) => x.to_string(),
        None => format!("{:.*}", d, to_f64(&a[0]).unwrap_or(0.0)),
    };
    let (neg, body) = match fixed.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, fixed.as_str()),
    };
    let (ip, fp) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let mut out = String::new();
    let is_zero = body.bytes().all(|c| c == b'0' || c == b'.');
    if neg && !is_zero {
        out.push('-');
    }
    out.push_str(&group_thousands(ip));
    if let Some(f) = fp {
        out.push('.');
        out.push_str(f);
    }
    Ok(Value::Text(out))
}

fn to_base64(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    let mut col = 0;
    for ch in b.chunks(3) {
        if col == 76 {
            out.push('\n');
            col = 0;
        }
        let n = (ch[0] as u32) << 16
            | (*ch.get(1).unwrap_or(&0) as u32) << 8
            | *ch.get(2).unwrap_or(&0) as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if ch.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if ch.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
        col += 4;
    }
    out
}

fn from_base64(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let clean: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let body: Vec<u8> = {
        let mut b = clean.clone();
        let mut pads = 0;
        while b.last() == Some(&b'=') && pads < 2 {
            b.pop();
            pads += 1;
        }
        if pads > 0 && !clean.len().is_multiple_of(4) {
            return None;
        }
        b
    };
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::new();
    for ch in body.chunks(4) {
        let mut n = 0u32;
        for (i, c) in ch.iter().enumerate() {
            n |= val(*c)? << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if ch.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if ch.len() > 3 {
            out.push(n as u8);
        }
    }
    Some(out)
}

fn substring_index(s: &str, delim: &str, count: i64) -> String {
    if delim.is_empty() || count == 0 {
        return String::new();
    }
    let positions: Vec<usize> = s.match_indices(delim).map(|(i, _)| i).collect();
    if count > 0 {
        match positions.get(count as usize - 1) {
            Some(&p) => s[..p].to_string(),
            None => s.to_string(),
        }
    } else {
        let k = count.unsigned_abs() as usize;
        if k > positions.len() {
            s.to_string()
        } else {
            s[positions[positions.len() - k] + delim.len()..].to_string()
        }
    }
}

/// Removes whole copies of `rem` from the start and/or end of `s`.
fn trim<'a>(s: &'a str, rem: &str, lead: bool, trail: bool) -> &'a str {
    let mut t = s;
    if rem.is_empty() {
        return t;
    }
    if lead {
        while let Some(r) = t.strip_prefix(rem) {
            t = r;
        }
    }
    if trail {
        while let Some(r) = t.strip_suffix(rem) {
            t = r;
        }
    }
    t
}

/// MySQL's one-to-one case mapping: characters whose full mapping expands ('ß' -> "SS") stay.
fn simple_case(s: &str, up: bool) -> String {
    s.chars()
        .map(|c| {
            let mut m: Vec<char> = if up {
                c.to_uppercase().collect()
            } else {
                c.to_lowercase().collect()
            };
            if m.len() == 1 {
                m.pop().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// Registers the string functions.
pub(crate) fn register(conn: &Connection, ctx: &Context) -> rusqlite::Result<()> {
    let max = ctx.max_allowed_packet;
    reg(conn, "mysql_concat", -1, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        Ok(bytes_value(
            a.iter().filter_map(to_bytes).flatten().collect(),
        ))
    })?;
    reg(conn, "concat_ws", -1, true, |a| {
        if a.is_empty() {
            return Err(crate::value::arg_count("concat_ws"));
        }
        let Some(sep) = to_bytes(&a[0]) else {
            return Ok(Value::Null);
        };
        let parts: Vec<Vec<u8>> = a[1..].iter().filter_map(to_bytes).collect();
        Ok(bytes_value(parts.join(&sep[..])))
    })?;
    reg_names(conn, &["mysql_length", "octet_length"], 1, true, |a| {
        Ok(int(to_bytes(&a[0]).map(|b| b.len() as i64)))
    })?;
    // CHAR(n, ...): a binary string of each integer's bytes, most significant first, without
    // leading zero bytes (CHAR(256) is 0x0100); NULLs are skipped.
    reg(conn, "mysql_char", -1, true, |a| {
        let mut out = Vec::new();
        for v in a {
            let Some(n) = to_i64(v) else {
                continue;
            };
            let bytes = (n as u32).to_be_bytes();
            let first = bytes.iter().position(|b| *b != 0).unwrap_or(3);
            out.extend_from_slice(&bytes[first..]);
        }
        Ok(Value::Blob(out))
    })?;
    // CONVERT(x USING charset) of a binary string: the same bytes as text.
    reg(conn, "mysql_charset_text", 1, true, |a| {
        Ok(match &a[0] {
            Value::Blob(b) => Value::Text(String::from_utf8_lossy(b).into_owned()),
            other => other.clone(),
        })
    })?;
    // QUOTE(s): s in single quotes with \\, ', NUL and Ctrl-Z escaped by a backslash; NULL
    // gives the word NULL (a binary string, as the NULL literal's collation is binary).
    reg(conn, "mysql_quote", 1, true, |a| {
        let Some(bytes) = to_bytes(&a[0]) else {
            return Ok(Value::Blob(b"NULL".to_vec()));
        };
        let mut out = Vec::with_capacity(bytes.len() + 2);
        out.push(b'\'');
        for b in bytes {
            match b {
                b'\\' | b'\'' => out.extend([b'\\', b]),
                0 => out.extend(*b"\\0"),
                0x1a => out.extend(*b"\\Z"),
                _ => out.push(b),
            }
        }
        out.push(b'\'');
        Ok(match (&a[0], String::from_utf8(out)) {
            (Value::Blob(_), Ok(s)) => Value::Blob(s.into_bytes()),
            (_, Ok(s)) => Value::Text(s),
            (_, Err(e)) => Value::Blob(e.into_bytes()),
        })
    })?;
    reg_names(conn, &["char_length", "character_length"], 1, true, |a| {
        Ok(match &a[0] {
            Value::Blob(b) => Value::Integer(b.len() as i64),
            v => int(to_str(v).map(|s| s.chars().count() as i64)),
        })
    })?;
    reg_names(conn, &["upper", "ucase"], 1, true, |a| {
        // Binary strings have no case: MySQL returns them unchanged.
        if let Value::Blob(b) = &a[0] {
            return Ok(Value::Blob(b.clone()));
        }
        Ok(text(to_str(&a[0]).map(|s| simple_case(&s, true))))
    })?;
    reg_names(conn, &["lower", "lcase"], 1, true, |a| {
        // Binary strings have no case: MySQL returns them unchanged.
        if let Value::Blob(b) = &a[0] {
            return Ok(Value::Blob(b.clone()));
        }
        Ok(text(to_str(&a[0]).map(|s| simple_case(&s, false))))
    })?;
    reg(conn, "mysql_substr", -1, true, |a| {
        check_args(a, "substring", 2, 3)?;
        if any_null(a) {
            return Ok(Value::Null);
        }
        if let Value::Blob(b) = &a[0] {
            // A binary string counts bytes, and stays binary.
            return Ok(Value::Blob(from_latin(&substr(
                &latin(b),
                i0(a, 1).unwrap_or(0),
                i0(a, 2),
            ))));
        }
        Ok(Value::Text(substr(
            &s0(a, 0).unwrap_or_default(),
            i0(a, 1).unwrap_or(0),
            i0(a, 2),
        )))
    })?;
    reg_names(conn, &["mysql_left", "left"], 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let n = i0(a, 1).unwrap_or(0).max(0) as usize;
        if let Value::Blob(b) = &a[0] {
            return Ok(Value::Blob(b.iter().take(n).copied().collect()));
        }
        Ok(Value::Text(
            s0(a, 0).unwrap_or_default().chars().take(n).collect(),
        ))
    })?;
    reg_names(conn, &["mysql_right", "right"], 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let n = i0(a, 1).unwrap_or(0).max(0) as usize;
        if let Value::Blob(b) = &a[0] {
            return Ok(Value::Blob(b[b.len().saturating_sub(n)..].to_vec()));
        }
        let c: Vec<char> = s0(a, 0).unwrap_or_default().chars().collect();
        Ok(Value::Text(c[c.len().saturating_sub(n)..].iter().collect()))
    })?;
    reg(conn, "lpad", 3, true, move |a| pad(a, true, max))?;
    reg(conn, "rpad", 3, true, move |a| pad(a, false, max))?;
    reg(conn, "repeat", 2, true, move |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let n = i0(a, 1).unwrap_or(0);
        if let Value::Blob(b) = &a[0] {
            // A binary string repeats as bytes.
            if n <= 0 {
                return Ok(Value::Blob(Vec::new()));
            }
            return match b.len().checked_mul(n as usize) {
                Some(total) if total <= max => Ok(Value::Blob(b.repeat(n as usize))),
                _ => Ok(Value::Null),
            };
        }
        let s = s0(a, 0).unwrap_or_default();
        if n <= 0 {
            return Ok(Value::Text(String::new()));
        }
        match s.len().checked_mul(n as usize) {
            Some(total) if total <= max => Ok(Value::Text(s.repeat(n as usize))),
            _ => Ok(Value::Null),
        }
    })?;
    reg(conn, "space", 1, true, move |a| {
        let Some(n) = i0(a, 0) else {
            return Ok(Value::Null);
        };
        if n <= 0 {
            return Ok(Value::Text(String::new()));
        }
        if n as u64 > max as u64 {
            return Ok(Value::Null);
        }
        Ok(Value::Text(" ".repeat(n as usize)))
    })?;
    reg(conn, "reverse", 1, true, |a| {
        Ok(text(to_str(&a[0]).map(|s| s.chars().rev().collect())))
    })?;
    reg(conn, "locate", -1, true, |a| {
        check_args(a, "locate", 2, 3)?;
        if any_null(a) {
            return Ok(Value::Null);
        }
        let from = if a.len() == 3 {
            i0(a, 2).unwrap_or(0)
        } else {
            1
        };
        Ok(Value::Integer(locate(
            &s0(a, 0).unwrap_or_default(),
            &s0(a, 1).unwrap_or_default(),
            from,
        )))
    })?;
    reg(conn, "position", 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        Ok(Value::Integer(locate(
            &s0(a, 0).unwrap_or_default(),
            &s0(a, 1).unwrap_or_default(),
            1,
        )))
    })?;
    reg(conn, "mysql_instr", 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        Ok(Value::Integer(locate(
            &s0(a, 1).unwrap_or_default(),
            &s0(a, 0).unwrap_or_default(),
            1,
        )))
    })?;
    reg(conn, "field", -1, true, |a| {
        if a.len() < 2 {
            return Err(crate::value::arg_count("field"));
        }
        let Some(s) = to_str(&a[0]) else {
            return Ok(Value::Integer(0));
        };
        let k = key(&s);
        for (i, v) in a[1..].iter().enumerate() {
            if let Some(t) = to_str(v) {
                if key(&t) == k {
                    return Ok(Value::Integer(i as i64 + 1));
                }
            }
        }
        Ok(Value::Integer(0))
    })?;
    reg(conn, "find_in_set", 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let s = key(&s0(a, 0).unwrap_or_default());
        let list = s0(a, 1).unwrap_or_default();
        if s.contains(',') || list.is_empty() {
            return Ok(Value::Integer(0));
        }
        Ok(Value::Integer(
            list.split(',')
                .position(|x| key(x) == s)
                .map_or(0, |p| p as i64 + 1),
        ))
    })?;
    reg(conn, "elt", -1, true, |a| {
        if a.len() < 2 {
            return Err(crate::value::arg_count("elt"));
        }
        match i0(a, 0) {
            Some(n) if n >= 1 && (n as usize) < a.len() => Ok(text(to_str(&a[n as usize]))),
            _ => Ok(Value::Null),
        }
    })?;
    reg(conn, "strcmp", 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let o = key(&s0(a, 0).unwrap_or_default()).cmp(&key(&s0(a, 1).unwrap_or_default()));
        Ok(Value::Integer(o as i64))
    })?;
    reg(conn, "mysql_hex", 1, true, |a| Ok(text(hex_of(&a[0]))))?;
    reg(conn, "unhex", 1, true, |a| {
        Ok(match to_str(&a[0]) {
            None => Value::Null,
            // A binary string, as in MySQL.
            Some(s) => unhex(&s).map_or(Value::Null, Value::Blob),
        })
    })?;
    // WEIGHT_STRING(s): the sort key under the default collation, as bytes.
    reg(conn, "weight_string", 1, true, |a| {
        Ok(match to_str(&a[0]) {
            None => Value::Null,
            Some(s) => crate::collation_key("utf8mb4_0900_ai_ci", &s)
                .map_or(Value::Null, |k| Value::Blob(k.into())),
        })
    })?;
    // MAKE_SET(bits, s1, s2, ...): the strings whose bit is set, comma-separated.
    reg(conn, "make_set", -1, true, |a| {
        check_args(a, "make_set", 2, 65)?;
        let Some(bits) = to_i64(&a[0]) else {
            return Ok(Value::Null);
        };
        let parts: Vec<String> = a[1..]
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 64 && (bits as u64 >> i) & 1 == 1)
            .filter_map(|(_, v)| to_str(v))
            .collect();
        Ok(Value::Text(parts.join(",")))
    })?;
    // EXPORT_SET(bits, on, off[, separator[, number_of_bits]]).
    reg(conn, "export_set", -1, true, |a| {
        check_args(a, "export_set", 3, 5)?;
        if any_null(a) {
            return Ok(Value::Null);
        }
        let bits = to_i64(&a[0]).unwrap_or(0) as u64;
        let (on, off) = (
            to_str(&a[1]).unwrap_or_default(),
            to_str(&a[2]).unwrap_or_default(),
        );
        let sep = a.get(3).and_then(to_str).unwrap_or_else(|| ",".to_owned());
        let n = a
            .get(4)
            .and_then(to_i64)
            .map_or(64, |n| if (0..=64).contains(&n) { n } else { 64 }) as usize;
        let parts: Vec<&str> = (0..n)
            .map(|i| {
                if (bits >> i) & 1 == 1 {
                    on.as_str()
                } else {
                    off.as_str()
                }
            })
            .collect();
        Ok(Value::Text(parts.join(&sep)))
    })?;
    reg(conn, "bit_length", 1, true, |a| {
        Ok(int(to_bytes(&a[0]).map(|b| b.len() as i64 * 8)))
    })?;
    reg(conn, "ascii", 1, true, |a| {
        Ok(int(
            to_bytes(&a[0]).map(|b| b.first().map_or(0, |c| *c as i64))
        ))
    })?;
    reg(conn, "ord", 1, true, |a| {
        Ok(int(to_str(&a[0]).map(|s| {
            let mut buf = [0u8; 4];
            match s.chars().next() {
                None => 0,
                Some(c) => c
                    .encode_utf8(&mut buf)
                    .bytes()
                    .fold(0i64, |acc, b| acc * 256 + b as i64),
            }
        })))
    })?;
    reg(conn, "bin", 1, true, |a| {
        Ok(text(to_str(&a[0]).and_then(|s| conv(&s, 10, 2))))
    })?;
    reg(conn, "oct", 1, true, |a| {
        Ok(text(to_str(&a[0]).and_then(|s| conv(&s, 10, 8))))
    })?;
    reg(conn, "conv", 3, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        Ok(text(conv(
            &s0(a, 0).unwrap_or_default(),
            i0(a, 1).unwrap_or(0),
            i0(a, 2).unwrap_or(0),
        )))
    })?;
    reg(conn, "mysql_format", -1, true, format)?;
    reg_names(conn, &["mysql_insert", "insert"], 4, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let c: Vec<char> = s0(a, 0).unwrap_or_default().chars().collect();
        let pos = i0(a, 1).unwrap_or(0);
        let len = i0(a, 2).unwrap_or(0);
        let new = s0(a, 3).unwrap_or_default();
        if pos < 1 || pos as usize > c.len() {
            return Ok(Value::Text(c.iter().collect()));
        }
        let start = pos as usize - 1;
        let end = if len < 0 {
            c.len()
        } else {
            start.saturating_add(len as usize).min(c.len())
        };
        let mut out: String = c[..start].iter().collect();
        out.push_str(&new);
        out.extend(&c[end..]);
        Ok(Value::Text(out))
    })?;
    reg(conn, "substring_index", 3, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        Ok(Value::Text(substring_index(
            &s0(a, 0).unwrap_or_default(),
            &s0(a, 1).unwrap_or_default(),
            i0(a, 2).unwrap_or(0),
        )))
    })?;
    // TRIM([BOTH | LEADING | TRAILING] [remstr] FROM s): remstr is a whole string, removed
    // repeatedly. mysql_trim(s[, remstr[, 'BOTH' | 'LEADING' | 'TRAILING']]).
    for (name, lead, trail) in [
        ("mysql_trim", true, true),
        ("mysql_ltrim", true, false),
        ("mysql_rtrim", false, true),
    ] {
        reg(conn, name, -1, true, move |a| {
            check_args(a, name, 1, if name == "mysql_trim" { 3 } else { 2 })?;
            if any_null(a) {
                return Ok(Value::Null);
            }
            let s = s0(a, 0).unwrap_or_default();
            let rem = if a.len() >= 2 {
                s0(a, 1).unwrap_or_default()
            } else {
                " ".to_string()
            };
            let (lead, trail) = match a.get(2).and_then(to_str).map(|w| w.to_ascii_uppercase()) {
                None => (lead, trail),
                Some(w) if w == "BOTH" => (true, true),
                Some(w) if w == "LEADING" => (true, false),
                Some(w) if w == "TRAILING" => (false, true),
                Some(w) => return Err(format!("1064: Unknown TRIM side '{w}'")),
            };
            Ok(Value::Text(trim(&s, &rem, lead, trail).to_string()))
        })?;
    }
    reg(conn, "to_base64", 1, true, |a| {
        Ok(text(to_bytes(&a[0]).map(|b| to_base64(&b))))
    })?;
    reg(conn, "from_base64", 1, true, |a| {
        Ok(match to_str(&a[0]) {
            None => Value::Null,
            Some(s) => from_base64(&s).map_or(Value::Null, Value::Blob),
        })
    })?;
    Ok(())
}

/// Bytes as the characters of the same numbers, so character functions count bytes.
fn latin(b: &[u8]) -> String {
    b.iter().map(|&x| char::from(x)).collect()
}

/// The inverse of [`latin`].
fn from_latin(s: &str) -> Vec<u8> {
    s.chars().map(|c| c as u32 as u8).collect()
}
