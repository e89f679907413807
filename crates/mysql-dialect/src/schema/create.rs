//! CREATE TABLE into a [`Table`]: column definitions, keys, constraints and table options, with
//! MySQL's naming rules, normalizations and errors.

use sqlparser::ast::{
    BinaryOperator, CheckConstraint, ColumnOption, CreateTable, CreateTableOptions, DataType, Expr,
    ForeignKeyConstraint, FunctionArg, FunctionArgExpr, FunctionArguments, GeneratedExpressionMode,
    Ident, InTarget, IndexColumn, IndexOption, ObjectName, OrderBySort, ReferentialAction,
    TableConstraint, UnaryOperator, Value,
};

use super::{
    Action, Check, Column, ColumnDefault, ForeignKey, Generated, Index, IndexKind, IndexPart,
    SchemaDefaults, Table, Type,
};
use crate::SqlError;

/// The default collation of a character set, None for an unknown one.
pub fn default_collation(charset: &str) -> Option<&'static str> {
    Some(match charset.to_ascii_lowercase().as_str() {
        "utf8mb4" => "utf8mb4_0900_ai_ci",
        "utf8mb3" | "utf8" => "utf8mb3_general_ci",
        "latin1" => "latin1_swedish_ci",
        "ascii" => "ascii_general_ci",
        "binary" => "binary",
        "latin2" => "latin2_general_ci",
        "ucs2" => "ucs2_general_ci",
        "utf16" => "utf16_general_ci",
        "utf32" => "utf32_general_ci",
        "cp1251" => "cp1251_general_ci",
        "gbk" => "gbk_chinese_ci",
        "big5" => "big5_chinese_ci",
        "sjis" => "sjis_japanese_ci",
        "ujis" => "ujis_japanese_ci",
        "euckr" => "euckr_korean_ci",
        "greek" => "greek_general_ci",
        "hebrew" => "hebrew_general_ci",
        "cp1250" => "cp1250_general_ci",
        _ => return None,
    })
}

/// The character set of a collation (`utf8mb4_bin` -> `utf8mb4`), None for an unknown one.
pub fn collation_charset(collation: &str) -> Option<String> {
    let c = collation.to_ascii_lowercase();
    if c == "binary" {
        return Some("binary".into());
    }
    let (cs, _) = c.split_once('_')?;
    let cs = if cs == "utf8" { "utf8mb3" } else { cs };
    default_collation(cs).map(|_| cs.to_string())
}

fn normalize_charset(cs: &str) -> Result<String, SqlError> {
    let l = cs.to_ascii_lowercase();
    let l = if l == "utf8" {
        "utf8mb3".to_string()
    } else {
        l
    };
    default_collation(&l).ok_or_else(|| SqlError::unknown_charset(cs))?;
    Ok(l)
}

fn normalize_collation(c: &str) -> String {
    let l = c.to_ascii_lowercase();
    match l.strip_prefix("utf8_") {
        Some(rest) => format!("utf8mb3_{rest}"),
        None => l,
    }
}

/// Resolves (charset, collation) from what a clause names, falling back to `default`.
pub(crate) fn resolve_charset(
    charset: Option<&str>,
    collation: Option<&str>,
    default: (&str, &str),
) -> Result<(String, String), SqlError> {
    match (charset, collation) {
        (None, None) => Ok((default.0.to_string(), default.1.to_string())),
        (Some(cs), None) => {
            let cs = normalize_charset(cs)?;
            let coll = default_collation(&cs).unwrap_or("binary").to_string();
            Ok((cs, coll))
        }
        (cs, Some(coll)) => {
            let coll_n = normalize_collation(coll);
            let of = collation_charset(&coll_n).ok_or_else(|| SqlError::unknown_collation(coll))?;
            if let Some(cs) = cs {
                let cs = normalize_charset(cs)?;
                if cs != of {
                    return Err(SqlError::collation_charset_mismatch(coll, &cs));
                }
            }
            Ok((of, coll_n))
        }
    }
}

fn object_name(n: &ObjectName) -> String {
    n.0.iter()
        .map(|p| {
            p.as_ident()
                .map_or_else(|| p.to_string(), |i| i.value.clone())
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// (schema, table) of a possibly qualified name.
pub(crate) fn split_name(n: &ObjectName, schema: &str) -> (String, String) {
    let parts: Vec<String> =
        n.0.iter()
            .map(|p| {
                p.as_ident()
                    .map_or_else(|| p.to_string(), |i| i.value.clone())
            })
            .collect();
    match parts.as_slice() {
        [s, t] => (s.clone(), t.clone()),
        [.., t] => (schema.to_string(), t.clone()),
        [] => (schema.to_string(), String::new()),
    }
}

fn quote_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for ch in s.chars() {
        match ch {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn backtick(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// An expression printed as MySQL 8.0 prints it in SHOW CREATE TABLE (Item::print): names
/// backticked, operators parenthesized `(a + b)`, lowercase words and functions, string
/// literals with their introducer `_utf8mb4'x'`. Printing its own output again gives the same
/// text, so SHOW CREATE TABLE round-trips.
pub fn mysql_expr(e: &Expr) -> String {
    match e {
        Expr::Identifier(i) => backtick(&i.value),
        Expr::CompoundIdentifier(ids) => ids
            .iter()
            .map(|i| backtick(&i.value))
            .collect::<Vec<_>>()
            .join("."),
        Expr::Nested(inner) => mysql_expr(inner),
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.to_string(),
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => {
                format!("_utf8mb4{}", quote_string(s))
            }
            Value::Boolean(b) => b.to_string(),
            Value::Null => "NULL".into(),
            Value::HexStringLiteral(h) => format!("0x{}", h.to_ascii_lowercase()),
            other => other.to_string(),
        },
        Expr::Prefixed { prefix, value } => match value.as_ref() {
            Expr::Value(v) => match &v.value {
                Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => {
                    format!("{}{}", prefix.value.to_ascii_lowercase(), quote_string(s))
                }
                _ => format!("{} {}", prefix, mysql_expr(value)),
            },
            _ => format!("{} {}", prefix, mysql_expr(value)),
        },
        Expr::BinaryOp { left, op, right } => {
            let op = match op {
                BinaryOperator::MyIntegerDivide => "div".to_string(),
                o => o.to_string().to_ascii_lowercase(),
            };
            format!("({} {op} {})", mysql_expr(left), mysql_expr(right))
        }
        Expr::UnaryOp { op, expr } => match op {
            UnaryOperator::Not => format!("(not({}))", mysql_expr(expr)),
            UnaryOperator::Minus => match expr.as_ref() {
                Expr::Value(_) => format!("-{}", mysql_expr(expr)),
                _ => format!("-({})", mysql_expr(expr)),
            },
            UnaryOperator::Plus => mysql_expr(expr),
            _ => format!("{op}{}", mysql_expr(expr)),
        },
        Expr::IsNull(x) => format!("({} is null)", mysql_expr(x)),
        Expr::IsNotNull(x) => format!("({} is not null)", mysql_expr(x)),
        Expr::IsTrue(x) => format!("({} is true)", mysql_expr(x)),
        Expr::IsFalse(x) => format!("({} is false)", mysql_expr(x)),
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated,
            ..
        } => format!(
            "({} {}in ({}))",
            mysql_expr(expr),
            if *negated { "not " } else { "" },
            list.iter().map(mysql_expr).collect::<Vec<_>>().join(",")
        ),
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => format!(
            "({} {}between {} and {})",
            mysql_expr(expr),
            if *negated { "not " } else { "" },
            mysql_expr(low),
            mysql_expr(high)
        ),
        Expr::Like {
            negated,
            expr,
            pattern,
            escape_char: None,
            any: false,
        } => {
            let like = format!("({} like {})", mysql_expr(expr), mysql_expr(pattern));
            if *negated {
                format!("(not({like}))")
            } else {
                like
            }
        }
        Expr::Function(f) => {
            let name = object_name(&f.name).to_ascii_lowercase();
            let name = match name.as_str() {
                "current_timestamp" | "localtime" | "localtimestamp" => "now".to_string(),
                "current_date" => "curdate".to_string(),
                "current_time" => "curtime".to_string(),
                _ => name,
            };
            match &f.args {
                FunctionArguments::List(list) if list.duplicate_treatment.is_none() => {
                    let args: Option<Vec<String>> = list
                        .args
                        .iter()
                        .map(|a| match a {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => Some(mysql_expr(x)),
                            _ => None,
                        })
                        .collect();
                    match args {
                        Some(args) if list.clauses.is_empty() && f.over.is_none() => {
                            format!("{name}({})", args.join(","))
                        }
                        _ => e.to_string(),
                    }
                }
                FunctionArguments::None => format!("{name}()"),
                _ => e.to_string(),
            }
        }
        other => other.to_string(),
    }
}

/// Whether MySQL expression text (as [`mysql_expr`] prints it) names the column.
pub(crate) fn expr_uses(text: &str, column: &str) -> bool {
    text.to_ascii_lowercase()
        .contains(&backtick(&column.to_ascii_lowercase()))
}

/// A literal as written in a DEFAULT.
enum Lit {
    Num(String),
    Str(String),
    Bits(u128),
    Null,
}

fn literal(e: &Expr) -> Option<Lit> {
    match e {
        Expr::Value(v) => Some(match &v.value {
            Value::Number(n, _) => Lit::Num(n.to_string()),
            Value::SingleQuotedString(s) | Value::DoubleQuotedString(s) => Lit::Str(s.clone()),
            Value::Boolean(b) => Lit::Num(if *b { "1" } else { "0" }.into()),
            Value::Null => Lit::Null,
            Value::HexStringLiteral(h) => {
                let bytes: Vec<u8> = (0..h.len() / 2)
                    .filter_map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).ok())
                    .collect();
                Lit::Str(String::from_utf8_lossy(&bytes).into_owned())
            }
            Value::SingleQuotedByteStringLiteral(b) => Lit::Bits(u128::from_str_radix(b, 2).ok()?),
            _ => return None,
        }),
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match literal(expr)? {
            Lit::Num(n) => Some(Lit::Num(match n.strip_prefix('-') {
                Some(pos) => pos.to_string(),
                None => format!("-{n}"),
            })),
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Plus,
            expr,
        } => literal(expr),
        Expr::Prefixed { value, .. } => literal(value),
        _ => None,
    }
}

/// A decimal string (`-12.345`, `1e3`) as (negative, integer digits, fraction digits).
fn parse_decimal(s: &str) -> Option<(bool, String, String)> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if s.contains(['e', 'E']) {
        let f: f64 = s.parse().ok()?;
        let text = format!("{f:.30}");
        let (i, fr) = text.split_once('.').unwrap_or((&text, ""));
        return Some((neg, i.to_string(), fr.trim_end_matches('0').to_string()));
    }
    let (i, f) = s.split_once('.').unwrap_or((s, ""));
    if i.is_empty() && f.is_empty()
        || !i.chars().all(|c| c.is_ascii_digit())
        || !f.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let i = i.trim_start_matches('0');
    Some((
        neg,
        if i.is_empty() { "0" } else { i }.to_string(),
        f.to_string(),
    ))
}

/// Rounds a decimal to `scale` digits (half away from zero) and prints it.
fn format_decimal(neg: bool, int: &str, frac: &str, scale: usize) -> (String, usize) {
    let mut digits: Vec<u8> = int.bytes().map(|b| b - b'0').collect();
    let mut f: Vec<u8> = frac.bytes().map(|b| b - b'0').collect();
    let round_up = f.get(scale).is_some_and(|d| *d >= 5);
    f.resize(scale, 0);
    let mut all: Vec<u8> = digits.drain(..).chain(f).collect();
    if round_up {
        let mut i = all.len();
        loop {
            if i == 0 {
                all.insert(0, 1);
                break;
            }
            i -= 1;
            if all[i] == 9 {
                all[i] = 0;
            } else {
                all[i] += 1;
                break;
            }
        }
    }
    let split = all.len() - scale;
    let int_part: String = all[..split].iter().map(|d| (d + b'0') as char).collect();
    let int_part = int_part.trim_start_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let frac_part: String = all[split..].iter().map(|d| (d + b'0') as char).collect();
    let zero = int_part == "0" && frac_part.chars().all(|c| c == '0');
    let sign = if neg && !zero { "-" } else { "" };
    let int_digits = if int_part == "0" { 0 } else { int_part.len() };
    if scale == 0 {
        (format!("{sign}{int_part}"), int_digits)
    } else {
        (format!("{sign}{int_part}.{frac_part}"), int_digits)
    }
}

fn digits_of(s: &str) -> Vec<u32> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect()
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

fn frac_digits(s: &str, fsp: u8) -> Option<String> {
    let frac = s.rsplit_once('.').map(|(_, f)| f).unwrap_or("");
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut f: String = frac.chars().take(fsp as usize).collect();
    while f.len() < fsp as usize {
        f.push('0');
    }
    Some(if fsp > 0 {
        format!(".{f}")
    } else {
        String::new()
    })
}

fn canonical_date(s: &str) -> Option<String> {
    let s = s.trim();
    let d = if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        vec![
            s[..4].parse().ok()?,
            s[4..6].parse().ok()?,
            s[6..].parse().ok()?,
        ]
    } else {
        digits_of(s.split([' ', 'T']).next()?)
    };
    let [y, m, day] = d[..] else { return None };
    if m == 0 || day == 0 || m > 12 || day > days_in_month(y, m) || y > 9999 {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{day:02}"))
}

fn canonical_datetime(s: &str, fsp: u8) -> Option<String> {
    let s = s.trim();
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, t),
        None => (s, "00:00:00"),
    };
    let date = canonical_date(date)?;
    let main = time.split('.').next()?;
    let t = digits_of(main);
    let (h, mi, se) = match t[..] {
        [h, m, s] => (h, m, s),
        [h, m] => (h, m, 0),
        _ => return None,
    };
    if h > 23 || mi > 59 || se > 59 {
        return None;
    }
    let frac = if time.contains('.') {
        frac_digits(time, fsp)?
    } else {
        frac_digits("", fsp)?
    };
    Some(format!("{date} {h:02}:{mi:02}:{se:02}{frac}"))
}

fn canonical_time(s: &str, fsp: u8) -> Option<String> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let main = s.split('.').next()?;
    let (h, m, sec) = if main.contains(':') {
        match digits_of(main)[..] {
            [h, m, s] => (h, m, s),
            [h, m] => (h, m, 0),
            _ => return None,
        }
    } else {
        let n: u32 = main.parse().ok()?;
        (n / 10000, n / 100 % 100, n % 100)
    };
    if m > 59 || sec > 59 || h > 838 {
        return None;
    }
    let frac = if s.contains('.') {
        frac_digits(s, fsp)?
    } else {
        frac_digits("", fsp)?
    };
    Some(format!(
        "{}{h:02}:{m:02}:{sec:02}{frac}",
        if neg { "-" } else { "" }
    ))
}

/// The canonical text of a literal DEFAULT for a column of type `ty`, or MySQL's 1067.
fn literal_default(ty: &Type, lit: Lit, column: &str) -> Result<ColumnDefault, SqlError> {
    let bad = || SqlError::invalid_default(column);
    let text = match lit {
        Lit::Null => return Ok(ColumnDefault::Null),
        Lit::Num(n) | Lit::Str(n) if ty.is_lob() => {
            let _ = n;
            return Err(SqlError::lob_default(column));
        }
        Lit::Bits(_) if ty.is_lob() => return Err(SqlError::lob_default(column)),
        Lit::Bits(b) => match ty {
            Type::Bit(_) | Type::Int { .. } | Type::Decimal { .. } => b.to_string(),
            _ => {
                let bytes: Vec<u8> = b
                    .to_be_bytes()
                    .into_iter()
                    .skip_while(|x| *x == 0)
                    .collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
        },
        Lit::Num(n) | Lit::Str(n) => n,
    };
    let value = match ty {
        Type::Int { kind, unsigned, .. } => {
            let (neg, i, f) = parse_decimal(&text).ok_or_else(bad)?;
            let (s, _) = format_decimal(neg, &i, &f, 0);
            let v: i128 = s.parse().map_err(|_| bad())?;
            let (lo, hi) = kind.range(*unsigned);
            if v < lo || v > hi {
                return Err(bad());
            }
            v.to_string()
        }
        Type::Decimal {
            precision,
            scale,
            unsigned,
        } => {
            let (neg, i, f) = parse_decimal(&text).ok_or_else(bad)?;
            let (s, int_digits) = format_decimal(neg, &i, &f, *scale as usize);
            if int_digits > (*precision - *scale) as usize || (*unsigned && s.starts_with('-')) {
                return Err(bad());
            }
            s
        }
        Type::Float { unsigned, .. } | Type::Double { unsigned, .. } => {
            let v: f64 = text.trim().parse().map_err(|_| bad())?;
            if *unsigned && v < 0.0 {
                return Err(bad());
            }
            let v = if matches!(ty, Type::Float { .. }) {
                f64::from(v as f32)
            } else {
                v
            };
            if matches!(ty, Type::Float { .. }) {
                format!("{}", v as f32)
            } else {
                format!("{v}")
            }
        }
        Type::Bit(n) => {
            let v: u128 = text.trim().parse().map_err(|_| bad())?;
            if *n < 64 && v >= (1u128 << n) || v > u128::from(u64::MAX) {
                return Err(bad());
            }
            v.to_string()
        }
        Type::Char(n) | Type::VarChar(n) => {
            if text.chars().count() > *n as usize {
                return Err(bad());
            }
            if matches!(ty, Type::Char(_)) {
                text.trim_end_matches(' ').to_string()
            } else {
                text
            }
        }
        Type::Binary(n) | Type::VarBinary(n) => {
            if text.len() > *n as usize {
                return Err(bad());
            }
            text
        }
        Type::Enum(members) => {
            if let Ok(k) = text.parse::<usize>() {
                if k >= 1 && k <= members.len() && text.chars().all(|c| c.is_ascii_digit()) {
                    return Ok(ColumnDefault::Literal(show_quoted(&members[k - 1])));
                }
            }
            members
                .iter()
                .find(|m| m.eq_ignore_ascii_case(text.trim_end_matches(' ')))
                .cloned()
                .ok_or_else(bad)?
        }
        Type::Set(members) => {
            let mut on = vec![false; members.len()];
            if !text.is_empty() {
                for part in text.split(',') {
                    let i = members
                        .iter()
                        .position(|m| m.eq_ignore_ascii_case(part))
                        .ok_or_else(bad)?;
                    on[i] = true;
                }
            }
            members
                .iter()
                .zip(on)
                .filter(|(_, o)| *o)
                .map(|(m, _)| m.as_str())
                .collect::<Vec<_>>()
                .join(",")
        }
        Type::Date => canonical_date(&text).ok_or_else(bad)?,
        Type::DateTime(p) => canonical_datetime(&text, *p).ok_or_else(bad)?,
        Type::Timestamp(p) => {
            let v = canonical_datetime(&text, *p).ok_or_else(bad)?;
            if v.as_str() < "1970-01-01 00:00:01" || v.as_str() > "2038-01-19 03:14:07.999999" {
                return Err(bad());
            }
            v
        }
        Type::Time(p) => canonical_time(&text, *p).ok_or_else(bad)?,
        Type::Year => {
            let v: u32 = text.trim().parse().map_err(|_| bad())?;
            let v = match (v, text.trim().len()) {
                (0, 4) => 0,
                (0, _) => 2000,
                (1..=69, _) => 2000 + v,
                (70..=99, _) => 1900 + v,
                (1901..=2155, _) => v,
                _ => return Err(bad()),
            };
            v.to_string()
        }
        Type::Text(_) | Type::Blob(_) | Type::Json | Type::Geometry(_) => {
            return Err(SqlError::lob_default(column))
        }
    };
    Ok(ColumnDefault::Literal(match ty {
        Type::Bit(_) => format!("b'{:b}'", value.parse::<u128>().unwrap_or(0)),
        _ => show_quoted(&value),
    }))
}

/// A string as SHOW CREATE TABLE quotes defaults and comments (MySQL's append_unescaped:
/// `'` doubled, backslash and control characters escaped).
pub(crate) fn show_quoted(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The value a SHOW CREATE TABLE literal stands for: `'it''s'` -> `it's`; `b'101'` -> `5`.
pub(crate) fn unquote_literal(lit: &str) -> String {
    if let Some(bits) = lit.strip_prefix("b'").and_then(|r| r.strip_suffix('\'')) {
        return u128::from_str_radix(bits, 2).unwrap_or(0).to_string();
    }
    let inner = lit
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .unwrap_or(lit);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                chars.next();
                out.push('\'');
            }
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('0') => out.push('\0'),
                Some(o) => out.push(o),
                None => {}
            },
            c => out.push(c),
        }
    }
    out
}

/// `CURRENT_TIMESTAMP`, `NOW()`, `LOCALTIME(3)`...: Some(fsp).
fn now_call(e: &Expr) -> Option<u8> {
    match e {
        Expr::Function(f) => {
            let name = object_name(&f.name).to_ascii_lowercase();
            if !matches!(
                name.as_str(),
                "current_timestamp" | "now" | "localtime" | "localtimestamp"
            ) {
                return None;
            }
            match &f.args {
                FunctionArguments::None => Some(0),
                FunctionArguments::List(l) => match l.args.as_slice() {
                    [] => Some(0),
                    [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))] => {
                        match &v.value {
                            Value::Number(n, _) => n.to_string().parse().ok(),
                            _ => None,
                        }
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        Expr::Identifier(i)
            if matches!(
                i.value.to_ascii_lowercase().as_str(),
                "current_timestamp" | "localtime" | "localtimestamp"
            ) =>
        {
            Some(0)
        }
        _ => None,
    }
}

/// Keys and constraints written inside a column definition.
pub(crate) enum Inline {
    Primary,
    Unique,
    Check(Option<String>, CheckConstraint),
}

/// A column definition's pieces, before the table-level checks.
pub(crate) struct ColumnSpec {
    pub column: Column,
    pub inline: Vec<Inline>,
    pub explicit_null: bool,
}

/// Builds a column from its name, type and options (CREATE TABLE, ADD, MODIFY, CHANGE).
pub(crate) fn column_from_def(
    name: &Ident,
    data_type: &DataType,
    options: &[(Option<Ident>, &ColumnOption)],
    table_charset: (&str, &str),
) -> Result<ColumnSpec, SqlError> {
    let cname = name.value.clone();
    if cname.chars().count() > 64 {
        return Err(SqlError::name_too_long(&cname));
    }
    let mut ty = Type::from_sql_for(data_type, &cname)?;
    let mut col = Column {
        name: cname.clone(),
        ty: ty.clone(),
        nullable: true,
        default: None,
        on_update_now: None,
        auto_increment: false,
        comment: String::new(),
        charset: None,
        collation: None,
        generated: None,
    };
    let mut inline = Vec::new();
    let mut explicit_null = false;
    let mut charset: Option<String> = None;
    let mut collation: Option<String> = None;
    let mut default_expr: Option<&Expr> = None;
    if let DataType::Collate(_, c) = data_type {
        collation = Some(object_name(c));
    }
    for (cname_opt, opt) in options {
        match opt {
            ColumnOption::Null => {
                col.nullable = true;
                explicit_null = true;
            }
            ColumnOption::NotNull => {
                col.nullable = false;
                explicit_null = false;
            }
            ColumnOption::Default(e) => default_expr = Some(e),
            ColumnOption::PrimaryKey(_) => inline.push(Inline::Primary),
            ColumnOption::Unique(_) => inline.push(Inline::Unique),
            // MySQL 8.0 parses and ignores a column's inline REFERENCES.
            ColumnOption::ForeignKey(_) => {}
            ColumnOption::Check(c) => inline.push(Inline::Check(
                cname_opt
                    .as_ref()
                    .map(|i| i.value.clone())
                    .or(c.name.as_ref().map(|i| i.value.clone())),
                c.clone(),
            )),
            ColumnOption::DialectSpecific(tokens) => {
                let words: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
                if words
                    .iter()
                    .any(|w| w.eq_ignore_ascii_case("AUTO_INCREMENT"))
                {
                    col.auto_increment = true;
                } else {
                    return Err(SqlError::not_supported(words.join(" ")));
                }
            }
            ColumnOption::CharacterSet(cs) => charset = Some(object_name(cs)),
            ColumnOption::Collation(c) => collation = Some(object_name(c)),
            ColumnOption::Comment(c) => col.comment = c.clone(),
            ColumnOption::OnUpdate(e) => match now_call(e) {
                Some(p) if matches!(ty, Type::DateTime(q) | Type::Timestamp(q) if q == p) => {
                    col.on_update_now = Some(p)
                }
                _ => {
                    return Err(SqlError::new(
                        1294,
                        "HY000",
                        format!("Invalid ON UPDATE clause for '{cname}' column"),
                    ))
                }
            },
            ColumnOption::Generated {
                generation_expr: Some(e),
                generation_expr_mode,
                ..
            } => {
                col.generated = Some(Generated {
                    expr: mysql_expr(e),
                    stored: matches!(generation_expr_mode, Some(GeneratedExpressionMode::Stored)),
                })
            }
            ColumnOption::Invisible => return Err(SqlError::not_supported("INVISIBLE columns")),
            ColumnOption::Srid(_) => return Err(SqlError::not_supported("SRID")),
            other => return Err(SqlError::not_supported(format!("column option {other}"))),
        }
    }
    // CHARACTER SET binary turns character types into binary ones.
    if charset
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("binary"))
    {
        ty = match ty {
            Type::Char(n) => Type::Binary(n),
            Type::VarChar(n) => Type::VarBinary(n),
            Type::Text(s) => Type::Blob(s),
            t => t,
        };
        charset = None;
        col.ty = ty.clone();
    }
    if ty.is_textual() {
        let (cs, coll) = resolve_charset(charset.as_deref(), collation.as_deref(), table_charset)?;
        col.charset = Some(cs);
        col.collation = Some(coll);
    }
    if col.auto_increment {
        if !matches!(
            ty,
            Type::Int { .. } | Type::Float { .. } | Type::Double { .. }
        ) {
            return Err(SqlError::wrong_column_spec(&cname));
        }
        if default_expr.is_some() {
            return Err(SqlError::invalid_default(&cname));
        }
    }
    if let Some(e) = default_expr {
        if col.generated.is_some() {
            return Err(SqlError::new(
                3105,
                "HY000",
                format!(
                    "The 'default' clause specified for generated column '{cname}' is not allowed."
                ),
            ));
        }
        col.default = Some(if let Some(p) = now_call(e) {
            match ty {
                Type::DateTime(q) | Type::Timestamp(q) if q == p => {
                    ColumnDefault::CurrentTimestamp(p)
                }
                _ => return Err(SqlError::invalid_default(&cname)),
            }
        } else if let Expr::Nested(inner) = e {
            ColumnDefault::Expression(mysql_expr(inner))
        } else {
            match literal(e) {
                Some(l) => literal_default(&ty, l, &cname)?,
                None => return Err(SqlError::invalid_default(&cname)),
            }
        });
    }
    if col.default == Some(ColumnDefault::Null) && !col.nullable {
        return Err(SqlError::invalid_default(&cname));
    }
    Ok(ColumnSpec {
        column: col,
        inline,
        explicit_null,
    })
}

/// Fills the implicit parts MySQL stores: DEFAULT NULL of nullable columns, none for LOBs.
pub(crate) fn finish_column(col: &mut Column) {
    let may_default = !col.ty.is_lob() && !col.auto_increment && col.generated.is_none();
    if col.nullable && col.default.is_none() && may_default {
        col.default = Some(ColumnDefault::Null);
    }
    if col.ty.is_lob() && col.default == Some(ColumnDefault::Null) {
        col.default = None;
    }
    if !col.nullable && col.default == Some(ColumnDefault::Null) {
        col.default = None;
    }
}

pub(crate) fn action(a: &Option<ReferentialAction>) -> Action {
    match a {
        Some(ReferentialAction::Restrict) => Action::Restrict,
        Some(ReferentialAction::Cascade) => Action::Cascade,
        Some(ReferentialAction::SetNull) => Action::SetNull,
        Some(ReferentialAction::SetDefault) => Action::SetDefault,
        Some(ReferentialAction::NoAction) | None => Action::NoAction,
    }
}

/// An index column: `a`, `a(10)`, `a DESC`, or a functional key part `(expr)`.
pub(crate) fn index_part(c: &IndexColumn) -> Result<IndexPart, SqlError> {
    let desc = matches!(c.column.options.sort, Some(OrderBySort::Desc));
    if let Expr::Nested(inner) = &c.column.expr {
        return Ok(IndexPart {
            column: String::new(),
            prefix: None,
            desc,
            expr: Some(mysql_expr(inner)),
        });
    }
    let (column, prefix) = match &c.column.expr {
        Expr::Identifier(i) => (i.value.clone(), None),
        Expr::Function(f) => {
            let n = match &f.args {
                FunctionArguments::List(l) => match l.args.as_slice() {
                    [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))] => {
                        match &v.value {
                            Value::Number(n, _) => n.to_string().parse::<u32>().ok(),
                            _ => None,
                        }
                    }
                    _ => None,
                },
                _ => None,
            };
            match (n, f.name.0.as_slice()) {
                (Some(n), [part]) if part.as_ident().is_some() => (
                    part.as_ident().map(|i| i.value.clone()).unwrap_or_default(),
                    Some(n),
                ),
                _ => return Err(SqlError::not_supported("functional key parts")),
            }
        }
        _ => return Err(SqlError::not_supported("functional key parts")),
    };
    Ok(IndexPart {
        column,
        prefix,
        desc,
        expr: None,
    })
}

pub(crate) fn index_comment(opts: &[IndexOption]) -> String {
    let comment = opts
        .iter()
        .find_map(|o| match o {
            IndexOption::Comment(c) if c != INVISIBLE_INDEX => Some(c.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let invisible = opts
        .iter()
        .any(|o| matches!(o, IndexOption::Comment(c) if c == INVISIBLE_INDEX));
    // The marker rides on the comment to `Table::add_index`, which takes it off.
    if invisible {
        comment + INVISIBLE_INDEX
    } else {
        comment
    }
}

/// What the statement's tokens carry for an index's INVISIBLE (sqlparser has no such index
/// option): a comment no one writes.
pub(crate) const INVISIBLE_INDEX: &str = "\u{0}rewind:invisible";

impl Table {
    /// An empty table with the given defaults, for building definitions by hand.
    pub fn empty(schema: &str, name: &str, defaults: &SchemaDefaults) -> Table {
        Table {
            schema: schema.to_string(),
            name: name.to_string(),
            columns: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            engine: "InnoDB".into(),
            charset: defaults.charset.clone(),
            collation: defaults.collation.clone(),
            comment: String::new(),
            temporary: false,
            row_format: None,
            view: None,
            check_option: None,
            dropped_implicit_index: false,
        }
    }

    /// The table a CREATE TABLE defines, and its AUTO_INCREMENT=n starting counter if given.
    /// `schema` is the current database, used when the name is not qualified; `defaults` the
    /// schema's character set and collation. CREATE TABLE ... LIKE / AS SELECT are the
    /// engine's (they need other tables or a query).
    pub fn from_create(
        ct: &CreateTable,
        schema: &str,
        defaults: &SchemaDefaults,
    ) -> Result<(Table, Option<u64>), SqlError> {
        if ct.query.is_some() || ct.like.is_some() || ct.clone.is_some() {
            return Err(SqlError::not_supported(
                "CREATE TABLE ... LIKE / AS SELECT here",
            ));
        }
        let (schema, name) = split_name(&ct.name, schema);
        if name.chars().count() > 64 {
            return Err(SqlError::name_too_long(&name));
        }
        let mut t = Table::empty(&schema, &name, defaults);
        t.temporary = ct.temporary;
        let options = match &ct.table_options {
            CreateTableOptions::Plain(o) | CreateTableOptions::With(o) => o.clone(),
            CreateTableOptions::Options(o) | CreateTableOptions::TableProperties(o) => o.clone(),
            CreateTableOptions::None => Vec::new(),
        };
        let opts = super::alter::table_options(&options)?;
        let mut auto_increment = None;
        let (mut cs, mut coll) = (None, None);
        for o in &opts {
            match o {
                TableOption::Charset(c) => cs = Some(c.clone()),
                TableOption::Collate(c) => coll = Some(c.clone()),
                TableOption::AutoIncrement(n) => auto_increment = Some(*n),
                _ => {}
            }
        }
        let (charset, collation) = resolve_charset(
            cs.as_deref(),
            coll.as_deref(),
            (&defaults.charset, &defaults.collation),
        )?;
        t.charset = charset;
        t.collation = collation;
        for o in opts {
            match o {
                TableOption::Engine(e) => t.engine = canonical_engine(&e),
                TableOption::Comment(c) => t.comment = c,
                TableOption::RowFormat(r) => t.row_format = Some(r.to_ascii_uppercase()),
                _ => {}
            }
        }
        if let Some(c) = &ct.comment {
            t.comment = c.to_string();
        }
        let mut pending_checks: Vec<(Option<String>, CheckConstraint)> = Vec::new();
        let mut explicit_null = Vec::new();
        let mut inline_keys: Vec<(IndexKind, String)> = Vec::new();
        for def in &ct.columns {
            if t.column(&def.name.value).is_some() {
                return Err(SqlError::duplicate_column(&def.name.value));
            }
            let opts: Vec<(Option<Ident>, &ColumnOption)> = def
                .options
                .iter()
                .map(|o| (o.name.clone(), &o.option))
                .collect();
            let spec =
                column_from_def(&def.name, &def.data_type, &opts, (&t.charset, &t.collation))?;
            if spec.explicit_null {
                explicit_null.push(spec.column.name.clone());
            }
            for i in spec.inline {
                match i {
                    Inline::Primary => {
                        inline_keys.push((IndexKind::Primary, def.name.value.clone()))
                    }
                    Inline::Unique => inline_keys.push((IndexKind::Unique, def.name.value.clone())),
                    Inline::Check(n, c) => pending_checks.push((n, c)),
                }
            }
            t.columns.push(spec.column);
        }
        if t.columns.is_empty() {
            return Err(SqlError::new(
                1113,
                "42000",
                "A table must have at least 1 column",
            ));
        }
        // Column-level keys come first, in column order, as MySQL's parser appends them.
        for (kind, col) in inline_keys {
            let part = IndexPart {
                column: col.clone(),
                prefix: None,
                desc: false,
                expr: None,
            };
            t.add_index(None, kind, vec![part], String::new())?;
        }
        let mut fks = Vec::new();
        for c in &ct.constraints {
            match c {
                TableConstraint::Check(ch) => pending_checks.push((None, ch.clone())),
                TableConstraint::ForeignKey(fk) => fks.push(fk.clone()),
                other => {
                    t.add_constraint_index(other)?;
                }
            }
        }
        for (n, c) in pending_checks {
            t.add_check(n, &c)?;
        }
        for fk in &fks {
            t.add_foreign_key(fk)?;
        }
        for name in explicit_null {
            if t.primary_key().is_some_and(|pk| {
                pk.parts
                    .iter()
                    .any(|p| p.column.eq_ignore_ascii_case(&name))
            }) {
                return Err(SqlError::new(
                    1171,
                    "42000",
                    "All parts of a PRIMARY KEY must be NOT NULL; if you need NULL in a key, use \
                     UNIQUE instead",
                ));
            }
        }
        t.finish()?;
        t.validate_rules()?;
        t.dropped_implicit_index = false;
        Ok((t, auto_increment))
    }

    /// Checks the whole definition and fills what MySQL derives (PRIMARY KEY columns NOT
    /// NULL, implicit DEFAULT NULL, index order).
    pub(crate) fn finish(&mut self) -> Result<(), SqlError> {
        if let Some(pk) = self.primary_key().cloned() {
            for p in &pk.parts {
                if let Some(i) = self.column_index(&p.column) {
                    self.columns[i].nullable = false;
                    if self.columns[i].generated.is_some()
                        && !self.columns[i].generated.as_ref().is_some_and(|g| g.stored)
                    {
                        return Err(SqlError::new(
                            3106,
                            "HY000",
                            "'Defining a virtual generated column as primary key' is not supported for generated columns.",
                        ));
                    }
                }
            }
        }
        for c in &mut self.columns {
            finish_column(c);
        }
        self.sort_indexes();
        Ok(())
    }

    /// The whole-table rules: one AUTO_INCREMENT column with an index starting with it,
    /// SET NULL foreign keys on nullable columns.
    pub(crate) fn validate_rules(&self) -> Result<(), SqlError> {
        let autos: Vec<&Column> = self.columns.iter().filter(|c| c.auto_increment).collect();
        if autos.len() > 1 {
            return Err(SqlError::wrong_auto_key());
        }
        if let Some(a) = autos.first() {
            if !self.indexes.iter().any(|i| {
                i.kind != IndexKind::Fulltext
                    && i.parts
                        .first()
                        .is_some_and(|p| p.column.eq_ignore_ascii_case(&a.name))
            }) {
                return Err(SqlError::wrong_auto_key());
            }
        }
        for fk in &self.foreign_keys {
            for c in &fk.columns {
                let col = self
                    .column(c)
                    .ok_or_else(|| SqlError::key_column_missing(c))?;
                if !col.nullable
                    && (fk.on_delete == Action::SetNull || fk.on_update == Action::SetNull)
                {
                    return Err(SqlError::fk_set_null_not_null(c, &fk.name));
                }
            }
        }
        Ok(())
    }

    /// A unique index name from `base` (MySQL's make_unique_key_name: `a`, `a_2`, `a_3`...).
    fn unique_key_name(&self, base: &str) -> String {
        let taken = |n: &str| n.eq_ignore_ascii_case("PRIMARY") || self.index(n).is_some();
        if !taken(base) {
            return base.to_string();
        }
        (2..)
            .map(|i| format!("{base}_{i}"))
            .find(|n| !taken(n))
            .unwrap_or_default()
    }

    /// Adds an index after MySQL's checks (key columns exist, names unique, one primary key,
    /// prefix lengths valid). `name` None takes MySQL's generated name.
    pub(crate) fn add_index(
        &mut self,
        name: Option<String>,
        kind: IndexKind,
        mut parts: Vec<IndexPart>,
        comment: String,
    ) -> Result<String, SqlError> {
        let (comment, invisible) = match comment.strip_suffix(INVISIBLE_INDEX) {
            Some(c) => (c.to_owned(), true),
            None => (comment, false),
        };
        if invisible && kind == IndexKind::Primary {
            return Err(SqlError::new(
                3522,
                "HY000",
                "A primary key index cannot be invisible",
            ));
        }
        if parts.len() > 16 {
            return Err(SqlError::new(
                1070,
                "42000",
                "Too many key parts specified; max 16 parts allowed",
            ));
        }
        for p in &mut parts {
            if p.expr.is_some() {
                if kind == IndexKind::Primary {
                    return Err(SqlError::new(
                        3756,
                        "HY000",
                        "The primary key cannot be a functional index",
                    ));
                }
                continue;
            }
            let col = self
                .column(&p.column)
                .ok_or_else(|| SqlError::key_column_missing(&p.column))?;
            p.column = col.name.clone();
            if matches!(col.ty, Type::Json) {
                return Err(SqlError::new(
                    3152,
                    "42000",
                    format!(
                        "JSON column '{}' supports indexing only via generated columns on a \
                         specified JSON path.",
                        col.name
                    ),
                ));
            }
            match (p.prefix, &col.ty) {
                (None, Type::Text(_) | Type::Blob(_)) if kind != IndexKind::Fulltext => {
                    return Err(SqlError::blob_key_without_length(&col.name))
                }
                (Some(n), ty) => {
                    let len = match ty {
                        Type::Char(l) | Type::VarChar(l) | Type::Binary(l) | Type::VarBinary(l) => {
                            Some(u64::from(*l))
                        }
                        Type::Text(s) | Type::Blob(s) => Some(s.max_bytes()),
                        _ => None,
                    };
                    match len {
                        Some(l) if u64::from(n) > l || n == 0 => {
                            return Err(SqlError::wrong_sub_key())
                        }
                        Some(l) if u64::from(n) == l && !ty.is_lob() => p.prefix = None,
                        Some(_) => {}
                        None => return Err(SqlError::wrong_sub_key()),
                    }
                }
                _ => {}
            }
        }
        if kind != IndexKind::Fulltext {
            let mut bytes = 0u64;
            for p in &parts {
                if let Some(col) = self.column(&p.column) {
                    let per = col.charset.as_deref().map_or(1, super::charset_max_bytes);
                    let chars = p.prefix.map(u64::from).or(match col.ty {
                        Type::Char(n) | Type::VarChar(n) | Type::Binary(n) | Type::VarBinary(n) => {
                            Some(u64::from(n))
                        }
                        _ => None,
                    });
                    bytes += match (&col.ty, chars) {
                        (Type::Binary(_) | Type::VarBinary(_) | Type::Blob(_), Some(n)) => n,
                        (_, Some(n)) => n * per,
                        (_, None) => 8,
                    };
                }
            }
            if bytes > 3072 {
                return Err(SqlError::key_too_long());
            }
        }
        let name = match kind {
            IndexKind::Primary => {
                if self.primary_key().is_some() {
                    return Err(SqlError::multiple_primary_key());
                }
                "PRIMARY".to_string()
            }
            _ => match name {
                Some(n) => {
                    if n.eq_ignore_ascii_case("PRIMARY") {
                        return Err(SqlError::new(
                            1280,
                            "42000",
                            format!("Incorrect index name '{n}'"),
                        ));
                    }
                    if self.index(&n).is_some() {
                        return Err(SqlError::duplicate_key_name(&n));
                    }
                    if n.chars().count() > 64 {
                        return Err(SqlError::name_too_long(&n));
                    }
                    n
                }
                None if parts[0].expr.is_some() => self.unique_key_name("functional_index"),
                None => self.unique_key_name(&parts[0].column),
            },
        };
        // MySQL drops the index it made for a foreign key once this one can serve it.
        let before = self.indexes.len();
        let covering = kind != IndexKind::Fulltext;
        let new_cols: Vec<String> = parts.iter().map(|p| p.column.clone()).collect();
        self.indexes.retain(|i| {
            let cols: Vec<String> = i.parts.iter().map(|p| p.column.clone()).collect();
            let covered = covering
                && cols.len() <= new_cols.len()
                && cols
                    .iter()
                    .zip(&new_cols)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b));
            !(i.implicit && covered)
        });
        if self.indexes.len() != before {
            self.dropped_implicit_index = true;
        }
        self.indexes.push(Index {
            name: name.clone(),
            kind,
            parts,
            comment,
            implicit: false,
            invisible,
        });
        Ok(name)
    }

    /// PRIMARY KEY / UNIQUE / KEY / FULLTEXT table constraints.
    pub(crate) fn add_constraint_index(&mut self, c: &TableConstraint) -> Result<String, SqlError> {
        let parts =
            |cols: &[IndexColumn]| cols.iter().map(index_part).collect::<Result<Vec<_>, _>>();
        match c {
            TableConstraint::PrimaryKey(pk) => self.add_index(
                None,
                IndexKind::Primary,
                parts(&pk.columns)?,
                index_comment(&pk.index_options),
            ),
            TableConstraint::Unique(u) => self.add_index(
                u.index_name
                    .as_ref()
                    .or(u.name.as_ref())
                    .map(|i| i.value.clone()),
                IndexKind::Unique,
                parts(&u.columns)?,
                index_comment(&u.index_options),
            ),
            TableConstraint::Index(i) => self.add_index(
                i.name.as_ref().map(|i| i.value.clone()),
                IndexKind::Key,
                parts(&i.columns)?,
                index_comment(&i.index_options),
            ),
            TableConstraint::FulltextOrSpatial(f) if f.fulltext => self.add_index(
                f.opt_index_name.as_ref().map(|i| i.value.clone()),
                IndexKind::Fulltext,
                parts(&f.columns)?,
                String::new(),
            ),
            other => Err(SqlError::not_supported(format!("constraint {other}"))),
        }
    }

    fn next_generated_number(&self, infix: &str, names: &[&str]) -> u32 {
        let prefix = format!("{}{infix}", self.name.to_ascii_lowercase());
        names
            .iter()
            .filter_map(|n| {
                n.to_ascii_lowercase()
                    .strip_prefix(&prefix)?
                    .parse::<u32>()
                    .ok()
            })
            .max()
            .unwrap_or(0)
            + 1
    }

    /// Adds a CHECK constraint (`<table>_chk_<n>` when unnamed).
    pub(crate) fn add_check(
        &mut self,
        name: Option<String>,
        c: &CheckConstraint,
    ) -> Result<String, SqlError> {
        let name = match name.or(c.name.as_ref().map(|i| i.value.clone())) {
            Some(n) => {
                if self.checks.iter().any(|k| k.name.eq_ignore_ascii_case(&n)) {
                    return Err(SqlError::check_duplicate_name(&n));
                }
                n
            }
            None => {
                let names: Vec<&str> = self.checks.iter().map(|k| k.name.as_str()).collect();
                let n = self.next_generated_number("_chk_", &names);
                format!("{}_chk_{n}", self.name)
            }
        };
        let expr = mysql_expr(&c.expr);
        self.checks.push(Check {
            name: name.clone(),
            expr,
            enforced: c.enforced.unwrap_or(true),
        });
        Ok(name)
    }

    /// Adds a FOREIGN KEY (`<table>_ibfk_<n>` when unnamed), creating the index MySQL creates
    /// when none starts with its columns. Returns the created index's name, if any.
    pub(crate) fn add_foreign_key(
        &mut self,
        fk: &ForeignKeyConstraint,
    ) -> Result<Option<String>, SqlError> {
        let columns: Vec<String> = fk
            .columns
            .iter()
            .map(|c| {
                self.column(&c.value)
                    .map(|col| col.name.clone())
                    .ok_or_else(|| SqlError::key_column_missing(&c.value))
            })
            .collect::<Result<_, _>>()?;
        let (ref_schema, ref_table) = split_name(&fk.foreign_table, &self.schema);
        let ref_columns: Vec<String> = fk
            .referred_columns
            .iter()
            .map(|c| c.value.clone())
            .collect();
        if ref_columns.len() != columns.len() {
            return Err(SqlError::new(
                1239,
                "42000",
                format!(
                    "Incorrect foreign key definition for '{}': Key reference and table reference \
                     don't match",
                    fk.name
                        .as_ref()
                        .map_or("foreign key without name", |n| n.value.as_str())
                ),
            ));
        }
        let name = match &fk.name {
            Some(n) => {
                if self
                    .foreign_keys
                    .iter()
                    .any(|k| k.name.eq_ignore_ascii_case(&n.value))
                {
                    return Err(SqlError::fk_duplicate_name(&n.value));
                }
                n.value.clone()
            }
            None => {
                let names: Vec<&str> = self.foreign_keys.iter().map(|k| k.name.as_str()).collect();
                let n = self.next_generated_number("_ibfk_", &names);
                format!("{}_ibfk_{n}", self.name)
            }
        };
        let on_delete = action(&fk.on_delete);
        let on_update = action(&fk.on_update);
        self.foreign_keys.push(ForeignKey {
            name: name.clone(),
            columns: columns.clone(),
            ref_schema,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
        });
        let mut created = None;
        if !self
            .indexes
            .iter()
            .any(|i| i.kind != IndexKind::Fulltext && i.starts_with(&columns))
        {
            // The CONSTRAINT symbol, else the FOREIGN KEY index_name, else the first column.
            let base = fk
                .name
                .as_ref()
                .or(fk.index_name.as_ref())
                .map(|i| i.value.clone());
            let index_name = match base {
                Some(b) if self.index(&b).is_none() => b,
                Some(b) => return Err(SqlError::duplicate_key_name(&b)),
                None => self.unique_key_name(&columns[0]),
            };
            let parts = columns
                .iter()
                .map(|c| IndexPart {
                    column: c.clone(),
                    prefix: None,
                    desc: false,
                    expr: None,
                })
                .collect();
            let name = self.add_index(Some(index_name), IndexKind::Key, parts, String::new())?;
            if let Some(i) = self.indexes.iter_mut().find(|i| i.name == name) {
                i.implicit = true;
            }
            created = Some(name);
        }
        Ok(created)
    }

    /// Checks a foreign key of `self` against the referenced table, as MySQL does when the
    /// parent exists (the engine calls it; FOREIGN_KEY_CHECKS=0 skips it): the columns exist
    /// (3734), an index of the parent starts with them (1822), the types are compatible (3780).
    /// SQLite further needs a PRIMARY KEY or UNIQUE index on exactly the referenced columns;
    /// [`ForeignKey`]s to a non-unique parent index pass here but make SQLite report "foreign
    /// key mismatch" on writes.
    pub fn check_foreign_key(&self, fk: &ForeignKey, parent: &Table) -> Result<(), SqlError> {
        for (c, pc) in fk.columns.iter().zip(&fk.ref_columns) {
            let pcol = parent
                .column(pc)
                .ok_or_else(|| SqlError::fk_missing_parent_column(pc, &fk.name, &parent.name))?;
            let col = self
                .column(c)
                .ok_or_else(|| SqlError::key_column_missing(c))?;
            let family = |t: &Type| match t {
                Type::Int { kind, unsigned, .. } => format!("int{kind:?}{unsigned}"),
                Type::Char(_) | Type::VarChar(_) => "char".to_string(),
                Type::Binary(_) | Type::VarBinary(_) => "binary".to_string(),
                Type::Decimal {
                    precision, scale, ..
                } => format!("dec{precision},{scale}"),
                other => other.data_type().to_string(),
            };
            if family(&col.ty) != family(&pcol.ty) || col.charset != pcol.charset {
                return Err(SqlError::fk_incompatible(c, pc, &fk.name));
            }
        }
        if !parent
            .indexes
            .iter()
            .any(|i| i.kind != IndexKind::Fulltext && i.starts_with(&fk.ref_columns))
        {
            return Err(SqlError::fk_missing_parent_index(&fk.name, &parent.name));
        }
        Ok(())
    }
}

/// MySQL's spelling of an engine name (`innodb` -> `InnoDB`).
pub(crate) fn canonical_engine(e: &str) -> String {
    match e.to_ascii_lowercase().as_str() {
        "innodb" => "InnoDB".into(),
        "myisam" => "MyISAM".into(),
        "memory" | "heap" => "MEMORY".into(),
        "csv" => "CSV".into(),
        "archive" => "ARCHIVE".into(),
        "blackhole" => "BLACKHOLE".into(),
        _ => e.to_string(),
    }
}

use super::alter::TableOption;
