//! Arithmetic and math functions.

use rusqlite::types::Value;
use rusqlite::Connection;

use crate::assign::{dec_value, divided_by_zero};
use crate::value::{
    any_null, check_args, int, real, reg, reg_names, text, to_f64, to_i64, to_str, Dec,
};

type R = Result<Value, String>;

fn is_real(v: &Value) -> bool {
    matches!(v, Value::Real(_))
        || (matches!(v, Value::Text(_) | Value::Blob(_)) && Dec::of(v).is_none())
}

/// `x / y`. MySQL computes a quotient, truncated, to whole 9-digit groups of scale(x) +
/// scale(y) + 4 digits, and shows it with scale(x) + div_precision_increment (4): `inner`
/// keeps the 9-digit groups for a division whose value goes into more arithmetic (1/3 + 1/3 +
/// 1/3 is 1.0000, not 0.9999); else the value is the shown one, rounded half away from zero.
fn div(a: &[Value], inner: bool) -> R {
    if any_null(a) {
        return Ok(Value::Null);
    }
    if let (Some(x), Some(y)) = (Dec::of(&a[0]), Dec::of(&a[1])) {
        if y.mant == 0 {
            divided_by_zero();
            return Ok(Value::Null);
        }
        let scale = if inner {
            (x.scale + y.scale + 4).div_ceil(9) * 9
        } else {
            x.scale + 4
        };
        // mant = x.mant * 10^(scale + scale(y) - scale(x)) / y.mant
        let num = 10i128
            .checked_pow(scale + y.scale - x.scale)
            .and_then(|p| x.mant.checked_mul(p));
        if let Some(num) = num {
            let (q, r) = (num / y.mant, num % y.mant);
            let q = if !inner && r.abs() * 2 >= y.mant.abs() {
                q + (num.signum() * y.mant.signum())
            } else {
                q
            };
            return Ok(dec_value(Dec { mant: q, scale }));
        }
    }
    let (x, y) = (to_f64(&a[0]).unwrap_or(0.0), to_f64(&a[1]).unwrap_or(0.0));
    if y == 0.0 {
        divided_by_zero();
        return Ok(Value::Null);
    }
    Ok(real(Some(x / y)))
}

fn intdiv(a: &[Value]) -> R {
    if any_null(a) {
        return Ok(Value::Null);
    }
    if let (Value::Integer(x), Value::Integer(y)) = (&a[0], &a[1]) {
        if *y == 0 {
            divided_by_zero();
            return Ok(Value::Null);
        }
        return x
            .checked_div(*y)
            .map(Value::Integer)
            .ok_or_else(|| "1690: BIGINT value is out of range in 'DIV'".to_string());
    }
    let (x, y) = (to_f64(&a[0]).unwrap_or(0.0), to_f64(&a[1]).unwrap_or(0.0));
    if y == 0.0 {
        divided_by_zero();
        return Ok(Value::Null);
    }
    let q = (x / y).trunc();
    if q.abs() >= 9.2e18 {
        return Err("1690: BIGINT value is out of range in 'DIV'".to_string());
    }
    Ok(Value::Integer(q as i64))
}

fn modulo(a: &[Value]) -> R {
    if any_null(a) {
        return Ok(Value::Null);
    }
    if let (Value::Integer(x), Value::Integer(y)) = (&a[0], &a[1]) {
        if *y == 0 {
            divided_by_zero();
            return Ok(Value::Null);
        }
        return Ok(Value::Integer(x.checked_rem(*y).unwrap_or(0)));
    }
    if !is_real(&a[0]) && !is_real(&a[1]) {
        if let (Some(x), Some(y)) = (Dec::of(&a[0]), Dec::of(&a[1])) {
            let sc = x.scale.max(y.scale) as i32;
            if let (Some(x), Some(y)) = (x.round(sc, false), y.round(sc, false)) {
                if y.mant == 0 {
                    divided_by_zero();
                    return Ok(Value::Null);
                }
                return Ok(dec_value(Dec {
                    mant: x.mant % y.mant,
                    scale: sc as u32,
                }));
            }
        }
    }
    let (x, y) = (to_f64(&a[0]).unwrap_or(0.0), to_f64(&a[1]).unwrap_or(0.0));
    if y == 0.0 {
        divided_by_zero();
        return Ok(Value::Null);
    }
    Ok(real(Some(x % y)))
}

/// ROUND / TRUNCATE: exact, half away from zero, for integers, numeric text and REALs.
fn round(a: &[Value], truncate: bool, name: &str) -> R {
    check_args(a, name, if truncate { 2 } else { 1 }, 2)?;
    if any_null(a) {
        return Ok(Value::Null);
    }
    let d = a.get(1).and_then(to_i64).unwrap_or(0).clamp(-100, 30) as i32;
    match &a[0] {
        Value::Integer(i) => {
            if d >= 0 {
                return Ok(Value::Integer(*i));
            }
            let x = Dec {
                mant: *i as i128,
                scale: 0,
            }
            .round(d, truncate);
            Ok(int(x.and_then(|x| i64::try_from(x.mant).ok()).or(Some(0))))
        }
        v if !is_real(v) => {
            let Some(x) = Dec::of(v) else {
                return Ok(Value::Null);
            };
            let target = d.min(x.scale as i32);
            Ok(x.round(target, truncate).map_or(Value::Null, dec_value))
        }
        // A REAL is read as the decimal it prints as (DECIMAL columns are stored as REAL), so
        // ROUND(2.675, 2) is 2.68 as in MySQL's DECIMAL arithmetic.
        Value::Real(r) if dec_of_real(*r).is_some() => {
            let x = dec_of_real(*r).unwrap_or(Dec { mant: 0, scale: 0 });
            let target = d.min(x.scale as i32);
            let rounded = x
                .round(target, truncate)
                .map_or(*r, |v| v.to_string().parse().unwrap_or(*r));
            Ok(Value::Real(rounded))
        }
        v => {
            let x = to_f64(v).unwrap_or(0.0);
            let p = 10f64.powi(d);
            let r = if truncate {
                (x * p).trunc() / p
            } else {
                (x * p).round_ties_even() / p
            };
            Ok(real(Some(if r.is_finite() { r } else { x })))
        }
    }
}

fn dec_of_real(r: f64) -> Option<Dec> {
    if r.is_finite() {
        Dec::parse(&format!("{r}"))
    } else {
        None
    }
}

fn unary(a: &[Value], f: fn(f64) -> Option<f64>) -> R {
    Ok(real(to_f64(&a[0]).and_then(f)))
}

fn extreme(a: &[Value], greatest: bool) -> R {
    if a.len() < 2 {
        return Err(crate::value::arg_count(if greatest {
            "greatest"
        } else {
            "least"
        }));
    }
    if any_null(a) {
        return Ok(Value::Null);
    }
    let pick = |better: bool| better == greatest;
    if a.iter().all(|v| matches!(v, Value::Integer(_))) {
        let mut best = a[0].clone();
        for v in &a[1..] {
            if let (Value::Integer(x), Value::Integer(b)) = (v, &best) {
                if x != b && pick(x > b) {
                    best = v.clone();
                }
            }
        }
        return Ok(best);
    }
    if a.iter()
        .all(|v| matches!(v, Value::Integer(_) | Value::Real(_)))
    {
        let mut best = to_f64(&a[0]).unwrap_or(0.0);
        for v in &a[1..] {
            let x = to_f64(v).unwrap_or(0.0);
            if x != best && pick(x > best) {
                best = x;
            }
        }
        return Ok(Value::Real(best));
    }
    // Numbers and strings mixed: compared as numbers (`LEAST('10', 9)` is 9).
    if a.iter()
        .any(|v| matches!(v, Value::Integer(_) | Value::Real(_)))
        && a.iter().all(|v| !matches!(v, Value::Blob(_)))
    {
        let mut best = &a[0];
        let mut best_x = to_f64(best).unwrap_or(0.0);
        for v in &a[1..] {
            let x = to_f64(v).unwrap_or(0.0);
            if x != best_x && pick(x > best_x) {
                best = v;
                best_x = x;
            }
        }
        return Ok(match best {
            Value::Text(_) => Value::Real(best_x),
            v => v.clone(),
        });
    }
    // Any string: compare as strings under the default collation.
    let key = |v: &Value| {
        crate::collation_key("utf8mb4_0900_ai_ci", &to_str(v).unwrap_or_default())
            .unwrap_or_default()
    };
    let mut best = &a[0];
    for v in &a[1..] {
        let (kx, kb) = (key(v), key(best));
        if kx != kb && pick(kx > kb) {
            best = v;
        }
    }
    Ok(text(to_str(best)))
}

fn crc32(b: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &x in b {
        c ^= x as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// Registers the math functions.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    reg(conn, "mysql_div", 2, true, |a| div(a, false))?;
    reg(conn, "mysql_div_inner", 2, true, |a| div(a, true))?;
    reg(conn, "mysql_intdiv", 2, true, intdiv)?;
    // An integer literal past BIGINT, as its digits (the translator marks it so).
    reg(conn, "mysql_exact", 1, true, |a| Ok(a[0].clone()))?;
    reg(conn, "mysql_mod", 2, true, modulo)?;
    reg(conn, "mysql_round", -1, true, |a| round(a, false, "round"))?;
    reg(conn, "truncate", 2, true, |a| round(a, true, "truncate"))?;
    // ROUND of a DOUBLE (the dialect knows the operand's type; SQLite's REAL does not):
    // halves go to the even neighbour, as C's rint() in MySQL.
    reg(conn, "mysql_round_double", -1, true, |a| {
        check_args(a, "round", 1, 2)?;
        if any_null(a) {
            return Ok(Value::Null);
        }
        let d = a.get(1).and_then(to_i64).unwrap_or(0).clamp(-308, 308) as i32;
        let x = to_f64(&a[0]).unwrap_or(0.0);
        let p = 10f64.powi(d);
        let r = (x * p).round_ties_even() / p;
        Ok(real(Some(if r.is_finite() { r } else { x })))
    })?;
    let ceil_floor = |a: &[Value], up: bool| -> R {
        Ok(match &a[0] {
            Value::Null => Value::Null,
            Value::Integer(i) => Value::Integer(*i),
            v if !is_real(v) => match Dec::of(v) {
                Some(x) => {
                    let t = x.round(0, true).map_or(0, |t| t.mant);
                    let has_frac = x
                        .round(0, true)
                        .and_then(|t| t.round(x.scale as i32, false))
                        .is_some_and(|t| t.mant != x.mant);
                    let r = if has_frac && up && x.mant > 0 {
                        t + 1
                    } else if has_frac && !up && x.mant < 0 {
                        t - 1
                    } else {
                        t
                    };
                    i64::try_from(r).map_or(Value::Null, Value::Integer)
                }
                None => Value::Null,
            },
            v => match to_f64(v).map(|x| if up { x.ceil() } else { x.floor() }) {
                // A whole result is BIGINT, as for MySQL's exact operands.
                Some(r) if r.abs() < 9.2e18 => Value::Integer(r as i64),
                r => real(r),
            },
        })
    };
    reg_names(conn, &["ceiling", "ceil"], 1, true, move |a| {
        ceil_floor(a, true)
    })?;
    reg(conn, "floor", 1, true, move |a| ceil_floor(a, false))?;
    reg(conn, "sign", 1, true, |a| {
        Ok(int(to_f64(&a[0]).map(|x| {
            if x > 0.0 {
                1
            } else if x < 0.0 {
                -1
            } else {
                0
            }
        })))
    })?;
    reg_names(conn, &["pow", "power"], 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let r = to_f64(&a[0])
            .unwrap_or(0.0)
            .powf(to_f64(&a[1]).unwrap_or(0.0));
        if r.is_finite() {
            Ok(Value::Real(r))
        } else {
            Err("1690: DOUBLE value is out of range in 'pow'".to_string())
        }
    })?;
    reg(conn, "mysql_log", -1, true, |a| {
        check_args(a, "log", 1, 2)?;
        if any_null(a) {
            return Ok(Value::Null);
        }
        if a.len() == 1 {
            return unary(a, |x| (x > 0.0).then(|| x.ln()));
        }
        let (b, x) = (to_f64(&a[0]).unwrap_or(0.0), to_f64(&a[1]).unwrap_or(0.0));
        Ok(real(
            (b > 0.0 && b != 1.0 && x > 0.0).then(|| x.ln() / b.ln()),
        ))
    })?;
    reg(conn, "ln", 1, true, |a| {
        unary(a, |x| (x > 0.0).then(|| x.ln()))
    })?;
    reg(conn, "log2", 1, true, |a| {
        unary(a, |x| (x > 0.0).then(|| x.log2()))
    })?;
    reg(conn, "log10", 1, true, |a| {
        unary(a, |x| (x > 0.0).then(|| x.log10()))
    })?;
    reg(conn, "exp", 1, true, |a| unary(a, |x| Some(x.exp())))?;
    // mysql_arith(op, a, b, unsigned, text): `a op b` for integer or DOUBLE operands, with
    // MySQL's 1690 when the result is out of range (BIGINT, BIGINT UNSIGNED when `unsigned`
    // is 1, or DOUBLE). Results above i64::MAX come back as TEXT digits.
    reg(conn, "mysql_arith", 5, true, |a| {
        if any_null(&a[1..3]) {
            return Ok(Value::Null);
        }
        let op = to_str(&a[0]).unwrap_or_default();
        let unsigned = to_i64(&a[3]).unwrap_or(0) != 0;
        let what = to_str(&a[4]).unwrap_or_default();
        // Digits past BIGINT UNSIGNED are an exact DECIMAL literal (up to 38 digits here).
        let int = |v: &Value| -> Option<i128> {
            match v {
                Value::Integer(i) => Some(i128::from(*i)),
                Value::Text(t) => {
                    let t = t.trim();
                    let digits = t.strip_prefix('-').unwrap_or(t);
                    (digits.len() <= 38 && digits.bytes().all(|b| b.is_ascii_digit()))
                        .then(|| t.parse::<i128>().ok())
                        .flatten()
                }
                _ => None,
            }
        };
        let decimal = |x: i128| x.unsigned_abs() > u128::from(u64::MAX);
        if let (Some(x), Some(y)) = (int(&a[1]), int(&a[2])) {
            let r = match op.as_str() {
                "+" => x.checked_add(y),
                "-" => x.checked_sub(y),
                _ => x.checked_mul(y),
            };
            let r = match r {
                Some(r) if decimal(x) || decimal(y) => {
                    return Ok(i64::try_from(r)
                        .map_or_else(|_| Value::Text(r.to_string()), Value::Integer));
                }
                Some(r) => r,
                None => return Err(format!("1690: DECIMAL value is out of range in '{what}'")),
            };
            let (lo, hi, name) = if unsigned {
                (0, i128::from(u64::MAX), "BIGINT UNSIGNED")
            } else {
                (i128::from(i64::MIN), i128::from(i64::MAX), "BIGINT")
            };
            if r < lo || r > hi {
                return Err(format!("1690: {name} value is out of range in '{what}'"));
            }
            return Ok(i64::try_from(r).map_or_else(|_| Value::Text(r.to_string()), Value::Integer));
        }
        let (x, y) = (to_f64(&a[1]).unwrap_or(0.0), to_f64(&a[2]).unwrap_or(0.0));
        let r = match op.as_str() {
            "+" => x + y,
            "-" => x - y,
            _ => x * y,
        };
        if !r.is_finite() {
            return Err(format!("1690: DOUBLE value is out of range in '{what}'"));
        }
        Ok(Value::Real(r))
    })?;
    // `~x`: the 64-bit complement, unsigned (above i64::MAX as TEXT digits, as `bit_and`).
    reg(conn, "mysql_bitnot", 1, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let x = match &a[0] {
            Value::Integer(i) => *i as u64,
            v => to_f64(v).map_or(0, |f| f.round() as i64 as u64),
        };
        let r = !x;
        Ok(i64::try_from(r).map_or_else(|_| Value::Text(r.to_string()), Value::Integer))
    })?;
    // Trigonometry, in radians; out-of-domain arguments give NULL.
    reg(conn, "sin", 1, true, |a| unary(a, |x| Some(x.sin())))?;
    reg(conn, "cos", 1, true, |a| unary(a, |x| Some(x.cos())))?;
    reg(conn, "tan", 1, true, |a| unary(a, |x| Some(x.tan())))?;
    reg(conn, "cot", 1, true, |a| {
        unary(a, |x| (x.tan() != 0.0).then(|| 1.0 / x.tan()))
    })?;
    reg(conn, "asin", 1, true, |a| {
        unary(a, |x| (-1.0..=1.0).contains(&x).then(|| x.asin()))
    })?;
    reg(conn, "acos", 1, true, |a| {
        unary(a, |x| (-1.0..=1.0).contains(&x).then(|| x.acos()))
    })?;
    reg(conn, "atan", -1, true, |a| {
        check_args(a, "atan", 1, 2)?;
        if any_null(a) {
            return Ok(Value::Null);
        }
        let y = to_f64(&a[0]).unwrap_or(0.0);
        Ok(real(Some(match a.get(1) {
            Some(x) => y.atan2(to_f64(x).unwrap_or(0.0)),
            None => y.atan(),
        })))
    })?;
    reg(conn, "atan2", 2, true, |a| {
        if any_null(a) {
            return Ok(Value::Null);
        }
        let (y, x) = (to_f64(&a[0]).unwrap_or(0.0), to_f64(&a[1]).unwrap_or(0.0));
        Ok(real(Some(y.atan2(x))))
    })?;
    reg(conn, "degrees", 1, true, |a| {
        unary(a, |x| Some(x.to_degrees()))
    })?;
    reg(conn, "radians", 1, true, |a| {
        unary(a, |x| Some(x.to_radians()))
    })?;
    // RAND([seed]): a seeded call gives the first value of MySQL's sequence for that seed
    // (so `RAND(1) = RAND(1)`); an unseeded one takes a fresh seed on every call.
    reg(conn, "rand", -1, false, |a| {
        check_args(a, "rand", 0, 1)?;
        let seed = match a.first() {
            None => {
                // A process-wide splitmix64 sequence (time is the session's, not read here).
                use std::sync::atomic::{AtomicU64, Ordering};
                static STATE: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
                let mut z = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                (z ^ (z >> 31)) as i64
            }
            Some(v) => to_i64(v).unwrap_or(0),
        };
        const MAX: u64 = 0x3FFF_FFFF;
        let seed = seed as u64 as u32 as u64;
        let (mut s1, s2) = (
            (seed.wrapping_mul(0x10001).wrapping_add(55_555_555)) % MAX,
            seed.wrapping_mul(0x1000_0001) % MAX,
        );
        s1 = (s1 * 3 + s2) % MAX;
        Ok(Value::Real(s1 as f64 / MAX as f64))
    })?;
    reg(conn, "sqrt", 1, true, |a| {
        unary(a, |x| (x >= 0.0).then(|| x.sqrt()))
    })?;
    reg(conn, "pi", 0, true, |_| {
        Ok(Value::Real(std::f64::consts::PI))
    })?;
    reg(conn, "greatest", -1, true, |a| extreme(a, true))?;
    reg(conn, "least", -1, true, |a| extreme(a, false))?;
    reg(conn, "crc32", 1, true, |a| {
        Ok(int(crate::value::to_bytes(&a[0]).map(|b| crc32(&b) as i64)))
    })?;
    reg(conn, "bit_count", 1, true, |a| {
        Ok(int(to_i64(&a[0]).map(|i| i.count_ones() as i64)))
    })?;
    Ok(())
}
