//! REGEXP / REGEXP_LIKE / REGEXP_REPLACE / REGEXP_SUBSTR / REGEXP_INSTR on the `regex` crate.
//!
//! MySQL 8 uses ICU; the syntax shared by ICU and `regex` (classes, groups, anchors, repetition,
//! `\d\w\s`, `[[:alpha:]]`) behaves the same. Matching is case-insensitive by default (the
//! utf8mb4_0900_ai_ci connection collation); a BLOB operand or match type `c` makes it
//! case-sensitive. Positions and occurrences count characters, 1-based.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::{Regex, RegexBuilder};
use rusqlite::types::Value;
use rusqlite::Connection;

use crate::value::{any_null, check_args, reg, to_i64, to_str};

type R = Result<Value, String>;

/// How many compiled patterns each thread keeps before starting over.
const CACHE_MAX: usize = 128;

thread_local! {
    static CACHE: RefCell<HashMap<(String, Flags), Regex>> = RefCell::new(HashMap::new());
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Flags {
    ci: bool,
    multi_line: bool,
    dot_nl: bool,
}

/// MySQL's (ICU's) error for a pattern `regex` refuses, from what is wrong with it.
fn icu_error(pat: &str, e: &regex::Error) -> String {
    let m = match e {
        regex::Error::CompiledTooBig(_) => {
            return "3700: The regular expression pattern exceeds limits on size or complexity."
                .to_string()
        }
        other => other.to_string(),
    };
    if m.contains("unclosed group") || m.contains("unopened group") {
        "3691: Mismatched parenthesis in regular expression.".to_string()
    } else if m.contains("unclosed character class") {
        "3696: The regular expression contains an unclosed bracket expression.".to_string()
    } else if m.contains("invalid character class range") {
        "3697: Invalid range in regular expression.".to_string()
    } else if m.contains("invalid repetition count range") {
        "3693: The maximum is less than the minumum in a {min,max} interval.".to_string()
    } else if m.contains("repetition quantifier expects")
        || m.contains("unclosed counted repetition")
    {
        "3692: Incorrect description of a {min,max} interval.".to_string()
    } else if m.contains("backreferences are not supported") {
        "3694: Invalid back-reference in regular expression.".to_string()
    } else if m.contains("look-around") {
        "3690: Unimplemented functionality in regular expression.".to_string()
    } else if m.contains("repetition operator missing expression") {
        // ICU reports the 1-based character of the quantifier with nothing to repeat.
        let c: Vec<char> = pat.chars().collect();
        let at = (0..c.len())
            .find(|&i| "*+?".contains(c[i]) && (i == 0 || "(|".contains(c[i - 1])))
            .map_or(1, |i| i + 1);
        format!("3688: Syntax error in regular expression on line 1, character {at}.")
    } else if m.contains("escape") {
        "3689: Unrecognized escape sequence in regular expression.".to_string()
    } else {
        "3685: Illegal argument to a regular expression.".to_string()
    }
}

/// Compiles (or fetches from the per-thread cache) `pat` under `flags`.
fn compile(pat: &str, flags: Flags) -> Result<Regex, String> {
    CACHE.with(|c| {
        let key = (pat.to_string(), flags);
        if let Some(r) = c.borrow().get(&key) {
            return Ok(r.clone());
        }
        let r = RegexBuilder::new(pat)
            .case_insensitive(flags.ci)
            .multi_line(flags.multi_line)
            .dot_matches_new_line(flags.dot_nl)
            .build()
            .map_err(|e| icu_error(pat, &e))?;
        let mut m = c.borrow_mut();
        if m.len() >= CACHE_MAX {
            m.clear();
        }
        m.insert(key, r.clone());
        Ok(r)
    })
}

/// The flags for the operands and an optional match_type string (later letters win).
fn flags(
    a: &[Value],
    subject: usize,
    pattern: usize,
    match_type: Option<usize>,
) -> Result<Flags, String> {
    let binary = matches!(a[subject], Value::Blob(_)) || matches!(a[pattern], Value::Blob(_));
    let mut f = Flags {
        ci: !binary,
        multi_line: false,
        dot_nl: false,
    };
    if let Some(mt) = match_type.and_then(|i| a.get(i)).and_then(to_str) {
        for c in mt.chars() {
            match c {
                'c' => f.ci = false,
                'i' => f.ci = true,
                'm' => f.multi_line = true,
                'n' => f.dot_nl = true,
                'u' => {}
                _ => return Err("3900: Invalid match mode flag in regular expression.".to_string()),
            }
        }
    }
    Ok(f)
}

/// Byte offset of the 1-based character position `pos` in `s`; None when past the end + 1.
fn byte_at(s: &str, pos: i64) -> Option<usize> {
    let n = s.chars().count() as i64;
    if pos < 1 || pos > n + 1 {
        return None;
    }
    Some(
        s.char_indices()
            .nth(pos as usize - 1)
            .map_or(s.len(), |(i, _)| i),
    )
}

/// The byte offset of a 1-based position argument, with MySQL's errors for bad ones.
fn start(s: &str, a: &[Value], i: usize, f: &str) -> Result<usize, String> {
    let pos = arg_i(a, i, 1);
    if pos < 1 {
        return Err(format!(
            "1583: Incorrect parameters in the call to native function '{f}'"
        ));
    }
    byte_at(s, pos)
        .ok_or_else(|| "3686: Index out of bounds in regular expression search.".to_string())
}

fn like(a: &[Value], subject: usize, pattern: usize, mt: Option<usize>) -> R {
    if any_null(a) {
        return Ok(Value::Null);
    }
    let f = flags(a, subject, pattern, mt)?;
    let re = compile(&to_str(&a[pattern]).unwrap_or_default(), f)?;
    Ok(Value::Integer(
        re.is_match(&to_str(&a[subject]).unwrap_or_default()) as i64,
    ))
}

fn arg_i(a: &[Value], i: usize, default: i64) -> i64 {
    a.get(i).and_then(to_i64).unwrap_or(default)
}

/// The matches of `re` in `s` starting at byte `from`.
fn matches_from<'a>(re: &Regex, s: &'a str, from: usize) -> Vec<regex::Captures<'a>> {
    re.captures_iter(&s[from..]).collect()
}

/// Registers the regular-expression functions.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    // SQLite rewrites `X REGEXP Y` as regexp(Y, X).
    reg(conn, "regexp", 2, true, |a| like(a, 1, 0, None))?;
    reg(conn, "regexp_like", -1, true, |a| {
        check_args(a, "regexp_like", 2, 3)?;
        like(a, 0, 1, Some(2))
    })?;
    reg(conn, "regexp_substr", -1, true, |a| {
        check_args(a, "regexp_substr", 2, 5)?;
        if any_null(a) {
            return Ok(Value::Null);
        }
        let s = to_str(&a[0]).unwrap_or_default();
        let re = compile(&to_str(&a[1]).unwrap_or_default(), flags(a, 0, 1, Some(4))?)?;
        let from = start(&s, a, 2, "regexp_substr")?;
        let occ = arg_i(a, 3, 1).max(1) as usize;
        let m = re
            .find_iter(&s[from..])
            .nth(occ - 1)
            .map(|m| m.as_str().to_string());
        Ok(m.map_or(Value::Null, Value::Text))
    })?;
    reg(conn, "regexp_instr", -1, true, |a| {
        check_args(a, "regexp_instr", 2, 6)?;
        if any_null(a) {
            return Ok(Value::Null);
        }
        let s = to_str(&a[0]).unwrap_or_default();
        let re = compile(&to_str(&a[1]).unwrap_or_default(), flags(a, 0, 1, Some(5))?)?;
        let from = start(&s, a, 2, "regexp_instr")?;
        let occ = arg_i(a, 3, 1).max(1) as usize;
        let after = match arg_i(a, 4, 0) {
            0 => false,
            1 => true,
            _ => {
                return Err(
                    "1210: Incorrect arguments to regexp_instr: return_option must be 1 or 0."
                        .to_string(),
                )
            }
        };
        let hit = re
            .find_iter(&s[from..])
            .nth(occ - 1)
            .map(|m| from + if after { m.end() } else { m.start() });
        Ok(Value::Integer(
            hit.map_or(0, |b| s[..b].chars().count() as i64 + 1),
        ))
    })?;
    reg(conn, "regexp_replace", -1, true, |a| {
        check_args(a, "regexp_replace", 3, 6)?;
        if any_null(a) {
            return Ok(Value::Null);
        }
        let s = to_str(&a[0]).unwrap_or_default();
        let re = compile(&to_str(&a[1]).unwrap_or_default(), flags(a, 0, 1, Some(5))?)?;
        let rep = to_str(&a[2]).unwrap_or_default();
        let from = start(&s, a, 3, "regexp_replace")?;
        let occ = arg_i(a, 4, 0).max(0) as usize;
        let mut out = s[..from].to_string();
        let mut last = from;
        for (i, caps) in matches_from(&re, &s, from).iter().enumerate() {
            if occ != 0 && i + 1 != occ {
                continue;
            }
            let m = caps.get(0).expect("group 0 always matches");
            out.push_str(&s[last..from + m.start()]);
            caps.expand(&rep, &mut out);
            last = from + m.end();
            if occ != 0 {
                break;
            }
        }
        out.push_str(&s[last..]);
        Ok(Value::Text(out))
    })?;
    Ok(())
}
