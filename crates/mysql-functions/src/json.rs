//! JSON functions with MySQL's output format and path language.

use serde_json::{Map, Value as J};

use rusqlite::types::Value;
use rusqlite::Connection;

use crate::value::{reg_full, to_str, Args, Ret};

/// Serializes as MySQL does: `{"a": 1, "b": [1, 2]}`, object keys by length then bytes.
pub(crate) fn dump(v: &J, out: &mut String) {
    match v {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    out.push_str(&format!("{f:.1}"));
                } else {
                    out.push_str(&crate::value::fmt_f64(f));
                }
            } else {
                out.push_str(&n.to_string());
            }
        }
        J::String(s) => quote(s, out),
        J::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                dump(x, out);
            }
            out.push(']');
        }
        J::Object(o) => {
            out.push('{');
            for (i, k) in sorted_keys(o).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                quote(k, out);
                out.push_str(": ");
                dump(&o[k], out);
            }
            out.push('}');
        }
    }
}

fn sorted_keys(o: &Map<String, J>) -> Vec<&String> {
    let mut keys: Vec<&String> = o.keys().collect();
    keys.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    keys
}

fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn out(v: &J) -> Ret {
    let mut s = String::new();
    dump(v, &mut s);
    Ok((Value::Text(s), true))
}

fn null() -> Ret {
    Ok((Value::Null, false))
}

/// A JSON document argument: None for SQL NULL.
fn doc(a: &Args, i: usize, f: &str) -> Result<Option<J>, String> {
    match &a.v[i] {
        Value::Null => Ok(None),
        Value::Text(_) | Value::Blob(_) => {
            let s = to_str(&a.v[i]).unwrap_or_default();
            crate::assign::json_parse(&s).map(Some).map_err(|(why, pos)| {
                format!("3141: Invalid JSON text in argument {} to function {f}: \"{why}\" at position {pos}.", i + 1)
            })
        }
        _ => Err(format!("3146: Invalid data type for JSON data in argument {} to function {f}; a JSON string or JSON type is required.", i + 1)),
    }
}

/// An SQL value used as a JSON value: JSON-typed text is parsed, other text is a string.
fn val(a: &Args, i: usize) -> J {
    match &a.v[i] {
        Value::Null => J::Null,
        Value::Integer(n) => J::from(*n),
        Value::Real(r) => serde_json::Number::from_f64(*r).map_or(J::Null, J::Number),
        v => {
            let s = to_str(v).unwrap_or_default();
            if a.json[i] {
                serde_json::from_str(&s).unwrap_or(J::String(s))
            } else {
                J::String(s)
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Leg {
    Key(String),
    AnyKey,
    Index(i64),
    Last(i64),
    AnyIndex,
    /// `**`: the value itself and every value nested in it.
    Recursive,
}

fn path_err() -> String {
    "3143: Invalid JSON path expression.".to_string()
}

fn parse_path(p: &str) -> Result<Vec<Leg>, String> {
    let p = p.trim();
    let rest = p.strip_prefix('$').ok_or_else(path_err)?;
    let c: Vec<char> = rest.chars().collect();
    let mut i = 0;
    let mut legs = Vec::new();
    while i < c.len() {
        match c[i] {
            ' ' => i += 1,
            '*' if c.get(i + 1) == Some(&'*') => {
                i += 2;
                if !c[i..].iter().any(|x| *x == '.' || *x == '[') {
                    return Err(path_err());
                }
                legs.push(Leg::Recursive);
            }
            '.' => {
                i += 1;
                if i < c.len() && c[i] == '*' {
                    legs.push(Leg::AnyKey);
                    i += 1;
                } else if i < c.len() && c[i] == '"' {
                    i += 1;
                    let mut k = String::new();
                    while i < c.len() && c[i] != '"' {
                        if c[i] == '\\' && i + 1 < c.len() {
                            i += 1;
                        }
                        k.push(c[i]);
                        i += 1;
                    }
                    if i >= c.len() {
                        return Err(path_err());
                    }
                    i += 1;
                    legs.push(Leg::Key(k));
                } else {
                    let st = i;
                    while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$') {
                        i += 1;
                    }
                    if st == i {
                        return Err(path_err());
                    }
                    legs.push(Leg::Key(c[st..i].iter().collect()));
                }
            }
            '[' => {
                let end = c[i..].iter().position(|&x| x == ']').ok_or_else(path_err)? + i;
                let inner: String = c[i + 1..end].iter().collect::<String>().trim().to_string();
                if inner == "*" {
                    legs.push(Leg::AnyIndex);
                } else if let Some(r) = inner.strip_prefix("last") {
                    let r = r.trim();
                    let n = if r.is_empty() {
                        0
                    } else {
                        r.strip_prefix('-')
                            .ok_or_else(path_err)?
                            .trim()
                            .parse()
                            .map_err(|_| path_err())?
                    };
                    legs.push(Leg::Last(n));
                } else {
                    legs.push(Leg::Index(
                        inner.parse::<u32>().map_err(|_| path_err())? as i64
                    ));
                }
                i = end + 1;
            }
            _ => return Err(path_err()),
        }
    }
    Ok(legs)
}

fn wild(legs: &[Leg]) -> bool {
    legs.iter()
        .any(|l| matches!(l, Leg::AnyKey | Leg::AnyIndex | Leg::Recursive))
}

fn index_of(leg: &Leg, len: usize) -> Option<usize> {
    match leg {
        Leg::Index(n) => Some(*n as usize),
        Leg::Last(n) => (len as i64 - 1 - n).try_into().ok(),
        _ => None,
    }
}

fn find<'a>(v: &'a J, legs: &[Leg], acc: &mut Vec<&'a J>) {
    let Some((leg, rest)) = legs.split_first() else {
        acc.push(v);
        return;
    };
    match (leg, v) {
        (Leg::Recursive, _) => {
            fn walk<'a>(v: &'a J, rest: &[Leg], acc: &mut Vec<&'a J>) {
                find(v, rest, acc);
                match v {
                    J::Object(o) => {
                        for k in sorted_keys(o) {
                            walk(&o[k], rest, acc);
                        }
                    }
                    J::Array(a) => {
                        for x in a {
                            walk(x, rest, acc);
                        }
                    }
                    _ => {}
                }
            }
            walk(v, rest, acc);
        }
        (Leg::Key(k), J::Object(o)) => {
            if let Some(x) = o.get(k) {
                find(x, rest, acc);
            }
        }
        (Leg::AnyKey, J::Object(o)) => {
            for k in sorted_keys(o) {
                find(&o[k], rest, acc);
            }
        }
        (Leg::AnyIndex, J::Array(a)) => {
            for x in a {
                find(x, rest, acc);
            }
        }
        (Leg::Index(_) | Leg::Last(_), J::Array(a)) => {
            if let Some(x) = index_of(leg, a.len()).and_then(|i| a.get(i)) {
                find(x, rest, acc);
            }
        }
        // A scalar is treated as a one-element array.
        (Leg::Index(_) | Leg::Last(_), other) if index_of(leg, 1) == Some(0) => {
            find(other, rest, acc);
        }
        _ => {}
    }
}

fn str_arg(a: &Args, i: usize) -> Option<String> {
    to_str(&a.v[i])
}

fn extract(a: &Args) -> Ret {
    if a.v.len() < 2 {
        return Err(crate::value::arg_count("json_extract"));
    }
    let d = doc(a, 0, "json_extract")?;
    let mut paths = Vec::new();
    for i in 1..a.v.len() {
        let Some(p) = str_arg(a, i) else {
            return null();
        };
        paths.push(parse_path(&p)?);
    }
    let Some(d) = d else { return null() };
    let mut acc = Vec::new();
    for p in &paths {
        find(&d, p, &mut acc);
    }
    if paths.len() == 1 && !wild(&paths[0]) {
        return match acc.first() {
            Some(v) => out(v),
            None => null(),
        };
    }
    if acc.is_empty() {
        return null();
    }
    out(&J::Array(acc.into_iter().cloned().collect()))
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Set,
    Insert,
    Replace,
}

fn modify(v: &mut J, legs: &[Leg], new: J, mode: Mode) {
    let Some((leg, rest)) = legs.split_first() else {
        if mode != Mode::Insert {
            *v = new;
        }
        return;
    };
    if rest.is_empty() {
        match (leg, &mut *v) {
            (Leg::Key(k), J::Object(o)) => {
                let exists = o.contains_key(k);
                if (exists && mode != Mode::Insert) || (!exists && mode != Mode::Replace) {
                    o.insert(k.clone(), new);
                }
            }
            (Leg::Index(_) | Leg::Last(_), J::Array(arr)) => match index_of(leg, arr.len()) {
                Some(i) if i < arr.len() => {
                    if mode != Mode::Insert {
                        arr[i] = new;
                    }
                }
                _ => {
                    if mode != Mode::Replace {
                        arr.push(new);
                    }
                }
            },
            (Leg::Index(_) | Leg::Last(_), other) => {
                if index_of(leg, 1) == Some(0) {
                    if mode != Mode::Insert {
                        *other = new;
                    }
                } else if mode != Mode::Replace {
                    let old = std::mem::replace(other, J::Null);
                    *other = J::Array(vec![old, new]);
                }
            }
            _ => {}
        }
        return;
    }
    match (leg, v) {
        (Leg::Key(k), J::Object(o)) => {
            if let Some(x) = o.get_mut(k) {
                modify(x, rest, new, mode);
            }
        }
        (Leg::Index(_) | Leg::Last(_), J::Array(arr)) => {
            if let Some(x) = index_of(leg, arr.len()).and_then(|i| arr.get_mut(i)) {
                modify(x, rest, new, mode);
            }
        }
        (Leg::Index(_) | Leg::Last(_), other) if index_of(leg, 1) == Some(0) => {
            modify(other, rest, new, mode);
        }
        _ => {}
    }
}

fn set_like(a: &Args, mode: Mode, f: &str) -> Ret {
    if a.v.len() < 3 || a.v.len().is_multiple_of(2) {
        return Err(crate::value::arg_count(f));
    }
    let Some(mut d) = doc(a, 0, f)? else {
        return null();
    };
    let mut i = 1;
    while i < a.v.len() {
        let Some(p) = str_arg(a, i) else {
            return null();
        };
        let legs = parse_path(&p)?;
        if wild(&legs) {
            return Err(
                "3149: In this situation, path expressions may not contain the * and ** tokens."
                    .to_string(),
            );
        }
        modify(&mut d, &legs, val(a, i + 1), mode);
        i += 2;
    }
    out(&d)
}

fn remove(v: &mut J, legs: &[Leg]) {
    let Some((leg, rest)) = legs.split_first() else {
        return;
    };
    match (leg, v) {
        (Leg::Key(k), J::Object(o)) => {
            if rest.is_empty() {
                o.remove(k);
            } else if let Some(x) = o.get_mut(k) {
                remove(x, rest);
            }
        }
        (Leg::Index(_) | Leg::Last(_), J::Array(arr)) => {
            if let Some(i) = index_of(leg, arr.len()).filter(|i| *i < arr.len()) {
                if rest.is_empty() {
                    arr.remove(i);
                } else {
                    remove(&mut arr[i], rest);
                }
            }
        }
        _ => {}
    }
}

fn num_eq(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
            (Some(p), Some(q), _, _) => p == q,
            (_, _, Some(p), Some(q)) => p == q,
            _ => x.as_f64() == y.as_f64(),
        },
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| num_eq(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| num_eq(v, w)))
        }
        _ => a == b,
    }
}

fn contains(t: &J, c: &J) -> bool {
    match (t, c) {
        (J::Array(ta), J::Array(ca)) => ca.iter().all(|x| ta.iter().any(|y| contains(y, x))),
        (J::Array(ta), other) => ta.iter().any(|y| contains(y, other)),
        (J::Object(to), J::Object(co)) => co
            .iter()
            .all(|(k, v)| to.get(k).is_some_and(|w| contains(w, v))),
        _ => num_eq(t, c),
    }
}

fn type_name(v: &J) -> &'static str {
    match v {
        J::Null => "NULL",
        J::Bool(_) => "BOOLEAN",
        J::Number(n) if n.is_i64() => "INTEGER",
        J::Number(n) if n.is_u64() => "UNSIGNED INTEGER",
        J::Number(_) => "DOUBLE",
        J::String(_) => "STRING",
        J::Array(_) => "ARRAY",
        J::Object(_) => "OBJECT",
    }
}

/// The value at the optional path argument `i`, or the whole document.
fn at_path(a: &Args, d: J, i: usize) -> Result<Option<J>, String> {
    if a.v.len() <= i {
        return Ok(Some(d));
    }
    let Some(p) = str_arg(a, i) else {
        return Ok(None);
    };
    let legs = parse_path(&p)?;
    if wild(&legs) {
        return Err(
            "3149: In this situation, path expressions may not contain the * and ** tokens."
                .to_string(),
        );
    }
    let mut acc = Vec::new();
    find(&d, &legs, &mut acc);
    Ok(acc.first().map(|v| (*v).clone()))
}

/// The value at a wildcard-free path, mutably.
fn get_mut<'a>(v: &'a mut J, legs: &[Leg]) -> Option<&'a mut J> {
    let Some((leg, rest)) = legs.split_first() else {
        return Some(v);
    };
    match (leg, v) {
        (Leg::Key(k), J::Object(o)) => get_mut(o.get_mut(k)?, rest),
        (Leg::Index(_) | Leg::Last(_), J::Array(arr)) => {
            let i = index_of(leg, arr.len())?;
            get_mut(arr.get_mut(i)?, rest)
        }
        (Leg::Index(_) | Leg::Last(_), other) if index_of(leg, 1) == Some(0) => {
            get_mut(other, rest)
        }
        _ => None,
    }
}

fn no_wild(legs: &[Leg]) -> Result<(), String> {
    if wild(legs) {
        Err(
            "3149: In this situation, path expressions may not contain the * and ** tokens."
                .to_string(),
        )
    } else {
        Ok(())
    }
}

/// JSON_ARRAY_APPEND / JSON_ARRAY_INSERT.
fn array_edit(a: &Args, insert: bool, f: &str) -> Ret {
    if a.v.len() < 3 || a.v.len().is_multiple_of(2) {
        return Err(crate::value::arg_count(f));
    }
    let Some(mut d) = doc(a, 0, f)? else {
        return null();
    };
    for i in (1..a.v.len()).step_by(2) {
        let Some(p) = str_arg(a, i) else {
            return null();
        };
        let legs = parse_path(&p)?;
        no_wild(&legs)?;
        let new = val(a, i + 1);
        if insert {
            let Some((last, parent)) = legs.split_last() else {
                return Err(
                    "3165: A path expression is not a path to a cell in an array.".to_string(),
                );
            };
            if !matches!(last, Leg::Index(_) | Leg::Last(_)) {
                return Err(
                    "3165: A path expression is not a path to a cell in an array.".to_string(),
                );
            }
            if let Some(J::Array(arr)) = get_mut(&mut d, parent) {
                let at = index_of(last, arr.len() + 1).unwrap_or(0).min(arr.len());
                arr.insert(at, new);
            }
        } else if let Some(t) = get_mut(&mut d, &legs) {
            match t {
                J::Array(arr) => arr.push(new),
                other => {
                    let old = std::mem::replace(other, J::Null);
                    *other = J::Array(vec![old, new]);
                }
            }
        }
    }
    out(&d)
}

fn merge_preserve(a: J, b: J) -> J {
    match (a, b) {
        (J::Object(mut x), J::Object(y)) => {
            for (k, v) in y {
                let merged = match x.remove(&k) {
                    Some(old) => merge_preserve(old, v),
                    None => v,
                };
                x.insert(k, merged);
            }
            J::Object(x)
        }
        (x, y) => {
            let mut arr = match x {
                J::Array(v) => v,
                other => vec![other],
            };
            match y {
                J::Array(v) => arr.extend(v),
                other => arr.push(other),
            }
            J::Array(arr)
        }
    }
}

fn merge_patch(a: J, b: J) -> J {
    let J::Object(patch) = b else { return b };
    let mut target = match a {
        J::Object(o) => o,
        _ => Map::new(),
    };
    for (k, v) in patch {
        if v.is_null() {
            target.remove(&k);
        } else {
            let old = target.remove(&k).unwrap_or(J::Null);
            target.insert(k, merge_patch(old, v));
        }
    }
    J::Object(target)
}

fn merge(a: &Args, f: &str, patch: bool) -> Ret {
    if a.v.len() < 2 {
        return Err(crate::value::arg_count(f));
    }
    let mut acc: Option<J> = None;
    let mut saw_null = false;
    for i in 0..a.v.len() {
        let d = doc(a, i, f)?;
        match (d, patch) {
            (None, false) => return null(),
            (None, true) => {
                saw_null = true;
                acc = None;
            }
            (Some(d), _) => {
                acc = Some(match acc.take() {
                    None if saw_null && patch => {
                        // NULL merged with an object stays NULL; a non-object replaces it.
                        if d.is_object() {
                            continue;
                        }
                        saw_null = false;
                        d
                    }
                    None => d,
                    Some(prev) if patch => merge_patch(prev, d),
                    Some(prev) => merge_preserve(prev, d),
                });
            }
        }
    }
    match acc {
        Some(d) => out(&d),
        None => null(),
    }
}

fn overlaps(x: &J, y: &J) -> bool {
    match (x, y) {
        (J::Array(p), J::Array(q)) => p.iter().any(|e| q.iter().any(|f| num_eq(e, f))),
        (J::Array(p), other) | (other, J::Array(p)) => p.iter().any(|e| num_eq(e, other)),
        (J::Object(p), J::Object(q)) => p
            .iter()
            .any(|(k, v)| q.get(k).is_some_and(|w| num_eq(v, w))),
        _ => num_eq(x, y),
    }
}

/// A path leg as MySQL prints it in JSON_SEARCH results.
fn key_leg(k: &str, out: &mut String) {
    let ident = k
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && k.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    out.push('.');
    if ident {
        out.push_str(k);
    } else {
        quote(k, out);
    }
}

fn search(
    v: &J,
    path: &mut String,
    pat: &str,
    esc: Option<char>,
    all: bool,
    hits: &mut Vec<String>,
) {
    if !all && !hits.is_empty() {
        return;
    }
    match v {
        J::String(s) if crate::collation::like_match(pat, s, esc, true) => hits.push(path.clone()),
        J::Array(arr) => {
            for (i, x) in arr.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                search(x, path, pat, esc, all, hits);
                path.truncate(len);
            }
        }
        J::Object(o) => {
            for k in sorted_keys(o) {
                let len = path.len();
                key_leg(k, path);
                search(&o[k], path, pat, esc, all, hits);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

fn json_search(a: &Args) -> Ret {
    if a.v.len() < 3 {
        return Err(crate::value::arg_count("json_search"));
    }
    let d = doc(a, 0, "json_search")?;
    let (Some(mode), Some(pat)) = (str_arg(a, 1), str_arg(a, 2)) else {
        return null();
    };
    let all =
        match mode.to_ascii_lowercase().as_str() {
            "all" => true,
            "one" => false,
            _ => return Err(
                "3150: The oneOrAll argument to json_search may take these values: 'one' or 'all'."
                    .to_string(),
            ),
        };
    let esc = match a.v.get(3) {
        None | Some(Value::Null) => Some('\\'),
        Some(e) => {
            let e = to_str(e).unwrap_or_default();
            let mut it = e.chars();
            match (it.next(), it.next()) {
                (None, _) => Some('\\'),
                (c, None) => c,
                _ => return Err("1210: Incorrect arguments to ESCAPE".to_string()),
            }
        }
    };
    let Some(d) = d else { return null() };
    let mut hits = Vec::new();
    if a.v.len() <= 4 {
        search(&d, &mut "$".to_string(), &pat, esc, all, &mut hits);
    } else {
        for i in 4..a.v.len() {
            let Some(p) = str_arg(a, i) else {
                return null();
            };
            let legs = parse_path(&p)?;
            no_wild(&legs)?;
            let mut acc = Vec::new();
            find(&d, &legs, &mut acc);
            if let Some(v) = acc.first() {
                let mut base = p.trim().to_string();
                search(v, &mut base, &pat, esc, all, &mut hits);
            }
        }
    }
    hits.dedup();
    match hits.len() {
        0 => null(),
        1 => out(&J::String(hits.remove(0))),
        _ => out(&J::Array(hits.into_iter().map(J::String).collect())),
    }
}

/// JSON_PRETTY's layout: two-space indents, one member or element per line.
fn pretty(v: &J, indent: usize, out: &mut String) {
    let pad = |n: usize, out: &mut String| out.push_str(&"  ".repeat(n));
    match v {
        J::Array(arr) if !arr.is_empty() => {
            out.push_str("[\n");
            for (i, x) in arr.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                pad(indent + 1, out);
                pretty(x, indent + 1, out);
            }
            out.push('\n');
            pad(indent, out);
            out.push(']');
        }
        J::Object(o) if !o.is_empty() => {
            out.push_str("{\n");
            for (i, k) in sorted_keys(o).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                pad(indent + 1, out);
                quote(k, out);
                out.push_str(": ");
                pretty(&o[k], indent + 1, out);
            }
            out.push('\n');
            pad(indent, out);
            out.push('}');
        }
        other => dump(other, out),
    }
}

/// Registers the less common JSON functions.
fn register_more(conn: &Connection) -> rusqlite::Result<()> {
    reg_full(conn, "json_array_append", -1, true, |a| {
        array_edit(a, false, "json_array_append")
    })?;
    reg_full(conn, "json_array_insert", -1, true, |a| {
        array_edit(a, true, "json_array_insert")
    })?;
    reg_full(conn, "json_merge_preserve", -1, true, |a| {
        merge(a, "json_merge_preserve", false)
    })?;
    reg_full(conn, "json_merge", -1, true, |a| {
        merge(a, "json_merge", false)
    })?;
    reg_full(conn, "json_merge_patch", -1, true, |a| {
        merge(a, "json_merge_patch", true)
    })?;
    reg_full(conn, "json_overlaps", 2, true, |a| {
        let (x, y) = (doc(a, 0, "json_overlaps")?, doc(a, 1, "json_overlaps")?);
        let (Some(x), Some(y)) = (x, y) else {
            return null();
        };
        Ok((Value::Integer(overlaps(&x, &y) as i64), false))
    })?;
    // `value MEMBER OF (json_array)` as mysql_member_of(value, json_array).
    reg_full(conn, "mysql_member_of", 2, true, |a| {
        if matches!(a.v[0], Value::Null) {
            return null();
        }
        let Some(arr) = doc(a, 1, "member of")? else {
            return null();
        };
        let needle = val(a, 0);
        let hit = match &arr {
            J::Array(items) => items.iter().any(|x| num_eq(x, &needle)),
            other => num_eq(other, &needle),
        };
        Ok((Value::Integer(hit as i64), false))
    })?;
    reg_full(conn, "json_search", -1, true, json_search)?;
    reg_full(conn, "mysql_json_pretty", 1, true, |a| {
        let Some(d) = doc(a, 0, "json_pretty")? else {
            return null();
        };
        let mut s = String::new();
        pretty(&d, 0, &mut s);
        Ok((Value::Text(s), false))
    })?;
    Ok(())
}

/// Registers the JSON functions.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    register_more(conn)?;
    reg_full(conn, "mysql_json_extract", -1, true, extract)?;
    reg_full(conn, "json_unquote", 1, true, |a| {
        let Some(s) = str_arg(a, 0) else {
            return null();
        };
        let t = s.trim();
        if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
            return match serde_json::from_str::<J>(t) {
                Ok(J::String(u)) => Ok((Value::Text(u), false)),
                _ => Err(
                    "3141: Invalid JSON text in argument 1 to function json_unquote".to_string(),
                ),
            };
        }
        Ok((Value::Text(s), false))
    })?;
    reg_full(conn, "mysql_json_object", -1, true, |a| {
        if a.v.len() % 2 != 0 {
            return Err(crate::value::arg_count("json_object"));
        }
        let mut o = Map::new();
        for i in (0..a.v.len()).step_by(2) {
            let Some(k) = str_arg(a, i) else {
                return Err("3158: JSON documents may not contain NULL member names.".to_string());
            };
            o.insert(k, val(a, i + 1));
        }
        out(&J::Object(o))
    })?;
    reg_full(conn, "mysql_json_array", -1, true, |a| {
        out(&J::Array((0..a.v.len()).map(|i| val(a, i)).collect()))
    })?;
    reg_full(conn, "json_contains", -1, true, |a| {
        if !(2..=3).contains(&a.v.len()) {
            return Err(crate::value::arg_count("json_contains"));
        }
        let t = doc(a, 0, "json_contains")?;
        let c = doc(a, 1, "json_contains")?;
        let (Some(t), Some(c)) = (t, c) else {
            return null();
        };
        match at_path(a, t, 2)? {
            Some(t) => Ok((Value::Integer(contains(&t, &c) as i64), false)),
            None => null(),
        }
    })?;
    reg_full(conn, "json_contains_path", -1, true, |a| {
        if a.v.len() < 3 {
            return Err(crate::value::arg_count("json_contains_path"));
        }
        let d = doc(a, 0, "json_contains_path")?;
        let Some(mode) = str_arg(a, 1) else {
            return null();
        };
        let all = match mode.to_ascii_lowercase().as_str() {
            "all" => true,
            "one" => false,
            _ => return Err("3150: The oneOrAll argument to json_contains_path may take these values: 'one' or 'all'.".to_string()),
        };
        let Some(d) = d else { return null() };
        let mut hits = Vec::new();
        for i in 2..a.v.len() {
            let Some(p) = str_arg(a, i) else {
                return null();
            };
            let legs = parse_path(&p)?;
            let mut acc = Vec::new();
            find(&d, &legs, &mut acc);
            hits.push(!acc.is_empty());
        }
        let r = if all {
            hits.iter().all(|h| *h)
        } else {
            hits.iter().any(|h| *h)
        };
        Ok((Value::Integer(r as i64), false))
    })?;
    reg_full(conn, "mysql_json_set", -1, true, |a| {
        set_like(a, Mode::Set, "json_set")
    })?;
    reg_full(conn, "mysql_json_insert", -1, true, |a| {
        set_like(a, Mode::Insert, "json_insert")
    })?;
    reg_full(conn, "mysql_json_replace", -1, true, |a| {
        set_like(a, Mode::Replace, "json_replace")
    })?;
    reg_full(conn, "mysql_json_remove", -1, true, |a| {
        if a.v.len() < 2 {
            return Err(crate::value::arg_count("json_remove"));
        }
        let Some(mut d) = doc(a, 0, "json_remove")? else {
            return null();
        };
        for i in 1..a.v.len() {
            let Some(p) = str_arg(a, i) else {
                return null();
            };
            let legs = parse_path(&p)?;
            if legs.is_empty() {
                return Err(
                    "3153: The path expression '$' is not allowed in this context.".to_string(),
                );
            }
            if wild(&legs) {
                return Err("3149: In this situation, path expressions may not contain the * and ** tokens.".to_string());
            }
            remove(&mut d, &legs);
        }
        out(&d)
    })?;
    reg_full(conn, "json_keys", -1, true, |a| {
        if !(1..=2).contains(&a.v.len()) {
            return Err(crate::value::arg_count("json_keys"));
        }
        let Some(d) = doc(a, 0, "json_keys")? else {
            return null();
        };
        match at_path(a, d, 1)? {
            Some(J::Object(o)) => out(&J::Array(
                sorted_keys(&o)
                    .into_iter()
                    .map(|k| J::String(k.clone()))
                    .collect(),
            )),
            _ => null(),
        }
    })?;
    reg_full(conn, "json_length", -1, true, |a| {
        if !(1..=2).contains(&a.v.len()) {
            return Err(crate::value::arg_count("json_length"));
        }
        let Some(d) = doc(a, 0, "json_length")? else {
            return null();
        };
        Ok(match at_path(a, d, 1)? {
            Some(J::Object(o)) => (Value::Integer(o.len() as i64), false),
            Some(J::Array(x)) => (Value::Integer(x.len() as i64), false),
            Some(_) => (Value::Integer(1), false),
            None => (Value::Null, false),
        })
    })?;
    reg_full(conn, "json_depth", 1, true, |a| {
        fn depth(v: &J) -> i64 {
            match v {
                J::Array(x) if !x.is_empty() => 1 + x.iter().map(depth).max().unwrap_or(0),
                J::Object(o) if !o.is_empty() => 1 + o.values().map(depth).max().unwrap_or(0),
                _ => 1,
            }
        }
        let Some(d) = doc(a, 0, "json_depth")? else {
            return null();
        };
        Ok((Value::Integer(depth(&d)), false))
    })?;
    reg_full(conn, "mysql_json_type", 1, true, |a| {
        let Some(d) = doc(a, 0, "json_type")? else {
            return null();
        };
        Ok((Value::Text(type_name(&d).to_string()), false))
    })?;
    reg_full(conn, "mysql_json_valid", 1, true, |a| {
        Ok(match &a.v[0] {
            Value::Null => (Value::Null, false),
            Value::Text(_) | Value::Blob(_) => {
                let s = to_str(&a.v[0]).unwrap_or_default();
                (
                    Value::Integer(serde_json::from_str::<J>(&s).is_ok() as i64),
                    false,
                )
            }
            _ => (Value::Integer(0), false),
        })
    })?;
    reg_full(conn, "mysql_json_quote", 1, true, |a| {
        let Some(s) = str_arg(a, 0) else {
            return null();
        };
        let mut o = String::new();
        quote(&s, &mut o);
        Ok((Value::Text(o), true))
    })?;
    Ok(())
}
