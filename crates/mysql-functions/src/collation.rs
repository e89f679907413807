//! MySQL collations as SQLite collations, and LIKE with MySQL semantics.

use std::cmp::Ordering;

use rusqlite::types::Value;
use rusqlite::Connection;

use crate::value::{check_args, reg, to_bytes, to_str};

/// The collations registered, by name.
const NAMES: &[&str] = &[
    "utf8mb4_0900_ai_ci",
    "utf8mb4_0900_as_cs",
    "utf8mb4_bin",
    "utf8mb4_general_ci",
    "utf8mb4_unicode_ci",
    "latin1_swedish_ci",
    "ascii_general_ci",
];

/// The base letter(s) of a lowercase Latin letter with a diacritic, or None.
fn strip_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Appends the case- and accent-insensitive key of one character.
pub(crate) fn fold_char(c: char, out: &mut String) {
    for l in c.to_lowercase() {
        match strip_accent(l) {
            Some(base) => out.push_str(base),
            None => out.push(l),
        }
    }
}

fn ai_ci(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

fn general_ci(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim_end_matches(' ').chars() {
        for l in c.to_lowercase() {
            // general_ci weighs ß as a single 's'.
            match (l, strip_accent(l)) {
                ('ß', _) => out.push('s'),
                ('æ', _) | ('œ', _) | ('þ', _) => out.push(l),
                (_, Some(b)) => out.push_str(b),
                (_, None) => out.push(l),
            }
        }
    }
    out
}

fn swedish_ci(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim_end_matches(' ').chars() {
        for l in c.to_lowercase() {
            // Swedish letters sort after z: å < ä(=æ) < ö(=ø); ü weighs as y.
            match l {
                'å' => out.push('\u{7b}'),
                'ä' | 'æ' => out.push('\u{7c}'),
                'ö' | 'ø' => out.push('\u{7d}'),
                'ü' => out.push('y'),
                _ => match strip_accent(l) {
                    Some(b) if l != 'ß' => out.push_str(b),
                    _ => out.push(l),
                },
            }
        }
    }
    out
}

/// The key two strings must share to be equal under `collation` (case-insensitive name);
/// None for an unknown collation. Equal keys mean equal strings (except for
/// `utf8mb4_0900_as_cs`, whose key is the string itself); the registered collations order
/// keys as MySQL does (UCA: punctuation, digits, letters; general_ci: by uppercase).
pub fn collation_key(collation: &str, s: &str) -> Option<String> {
    match collation.to_ascii_lowercase().as_str() {
        "utf8mb4_0900_ai_ci" => Some(ai_ci(s)),
        "utf8mb4_0900_as_cs" | "utf8mb4_bin" => Some(s.to_string()),
        "utf8mb4_general_ci" => Some(general_ci(s)),
        "utf8mb4_unicode_ci" => Some(ai_ci(s.trim_end_matches(' '))),
        "latin1_swedish_ci" => Some(swedish_ci(s)),
        "ascii_general_ci" => Some(s.trim_end_matches(' ').to_ascii_lowercase()),
        _ => None,
    }
}

/// The folded characters of `s`, as `ai_ci(s)` holds them, without building that string: an
/// ORDER BY or DISTINCT compares the same values many times, so the comparison must not
/// allocate (ASCII, the common case, folds in place).
fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(|c| {
        let mut buf = ['\0'; 6];
        let mut len = 0;
        if c.is_ascii() {
            buf[0] = c.to_ascii_lowercase();
            len = 1;
        } else {
            for l in c.to_lowercase() {
                match strip_accent(l) {
                    Some(base) => {
                        for b in base.chars() {
                            buf[len] = b;
                            len += 1;
                        }
                    }
                    None => {
                        buf[len] = l;
                        len += 1;
                    }
                }
            }
        }
        buf.into_iter().take(len)
    })
}

/// `uca_cmp(&ai_ci(a), &ai_ci(b))`, without the two allocations.
fn ai_ci_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        let weight = |c: &u8| (ascii_class(*c), c.to_ascii_lowercase());
        return a
            .as_bytes()
            .iter()
            .map(weight)
            .cmp(b.as_bytes().iter().map(weight));
    }
    folded(a)
        .map(|c| (class(c), c))
        .cmp(folded(b).map(|c| (class(c), c)))
}

/// [`class`] of an ASCII byte.
fn ascii_class(c: u8) -> u8 {
    if c.is_ascii_alphabetic() {
        2
    } else if c.is_ascii_digit() {
        1
    } else {
        0
    }
}

/// UCA's primary groups: spaces and punctuation (0), digits (1), letters (2).
fn class(c: char) -> u8 {
    if c.is_alphabetic() {
        2
    } else if c.is_numeric() {
        1
    } else {
        0
    }
}

/// Compares under `utf8mb4_0900_as_cs`: by letter first, then accent, then case (lowercase first).
fn as_cs_cmp(a: &str, b: &str) -> Ordering {
    uca_cmp(&ai_ci(a), &ai_ci(b))
        .then_with(|| a.to_lowercase().cmp(&b.to_lowercase()))
        .then_with(|| {
            let flip = |s: &str| -> Vec<(bool, char)> {
                s.chars().map(|c| (c.is_uppercase(), c)).collect()
            };
            flip(a).cmp(&flip(b))
        })
}

/// UCA's primary order over folded keys: spaces and punctuation, then digits, then letters
/// (so '_a' < '1a' < 'a', unlike code-point order).
fn uca_cmp(a: &str, b: &str) -> Ordering {
    a.chars()
        .map(|c| (class(c), c))
        .cmp(b.chars().map(|c| (class(c), c)))
}

/// general_ci weighs letters by their uppercase form, so letters sort before '_' and '['.
fn upper_cmp(a: &str, b: &str) -> Ordering {
    a.chars()
        .flat_map(char::to_uppercase)
        .cmp(b.chars().flat_map(char::to_uppercase))
}

/// Registers the collations and the `like` override.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    for &name in NAMES {
        match name {
            "utf8mb4_0900_as_cs" => conn.create_collation(name, as_cs_cmp)?,
            "utf8mb4_bin" => conn.create_collation(name, |a: &str, b: &str| a.cmp(b))?,
            "utf8mb4_0900_ai_ci" => conn.create_collation(name, ai_ci_cmp)?,
            "utf8mb4_unicode_ci" => conn.create_collation(name, |a: &str, b: &str| {
                ai_ci_cmp(a.trim_end_matches(' '), b.trim_end_matches(' '))
            })?,
            _ => conn.create_collation(name, move |a: &str, b: &str| {
                let ka = collation_key(name, a).unwrap_or_default();
                let kb = collation_key(name, b).unwrap_or_default();
                match name {
                    "utf8mb4_0900_ai_ci" | "utf8mb4_unicode_ci" => uca_cmp(&ka, &kb),
                    "utf8mb4_general_ci" | "ascii_general_ci" => upper_cmp(&ka, &kb),
                    _ => ka.cmp(&kb),
                }
            })?,
        }
    }
    let like = |a: &[Value], ci: bool| -> Result<Value, String> {
        check_args(a, "like", 2, 3)?;
        let (Some(p), Some(s)) = (to_str(&a[0]), to_str(&a[1])) else {
            return Ok(Value::Null);
        };
        let esc = match a.get(2) {
            None => Some('\\'),
            Some(Value::Null) => return Ok(Value::Null),
            Some(e) => {
                let e = to_str(e).unwrap_or_default();
                let mut it = e.chars();
                match (it.next(), it.next()) {
                    (c, None) => c,
                    _ => return Err("1210: Incorrect arguments to ESCAPE".to_string()),
                }
            }
        };
        // A BLOB operand (a binary string: BLOB / VARBINARY column, X'..', _binary) makes
        // the match binary, byte by byte (`_` is one byte): each byte becomes the character
        // of the same number.
        if matches!(a[0], Value::Blob(_)) || matches!(a[1], Value::Blob(_)) {
            let bytes = |v: &Value| -> String {
                to_bytes(v)
                    .unwrap_or_default()
                    .into_iter()
                    .map(char::from)
                    .collect()
            };
            return Ok(Value::Integer(
                like_match(&bytes(&a[0]), &bytes(&a[1]), esc, false) as i64,
            ));
        }
        Ok(Value::Integer(like_match(&p, &s, esc, ci) as i64))
    };
    // SQLite rewrites `X LIKE P [ESCAPE E]` as like(P, X[, E]).
    reg(conn, "like", 2, true, move |a| like(a, true))?;
    reg(conn, "like", 3, true, move |a| like(a, true))?;
    reg(conn, "mysql_like_bin", -1, true, move |a| like(a, false))?;
    Ok(())
}

enum Tok {
    Lit(String),
    One,
    Any,
}

/// MySQL LIKE under utf8mb4_0900_ai_ci: `%` any run, `_` one character, `esc` escapes.
pub(crate) fn like_match(pattern: &str, s: &str, esc: Option<char>, ci: bool) -> bool {
    let fold_char = |c: char, out: &mut String| {
        if ci {
            fold_char(c, out)
        } else {
            out.push(c)
        }
    };
    let mut toks = Vec::new();
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        if Some(c) == esc {
            let lit = it.next().unwrap_or(c);
            let mut k = String::new();
            fold_char(lit, &mut k);
            toks.push(Tok::Lit(k));
        } else if c == '%' {
            toks.push(Tok::Any);
        } else if c == '_' {
            toks.push(Tok::One);
        } else {
            let mut k = String::new();
            fold_char(c, &mut k);
            toks.push(Tok::Lit(k));
        }
    }
    let chars: Vec<String> = s
        .chars()
        .map(|c| {
            let mut k = String::new();
            fold_char(c, &mut k);
            k
        })
        .collect();
    // Classic wildcard matching with backtracking to the last '%'.
    let (mut ti, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < chars.len() {
        match toks.get(ti) {
            Some(Tok::Any) => {
                star = Some((ti, si));
                ti += 1;
                continue;
            }
            Some(Tok::One) => {
                ti += 1;
                si += 1;
                continue;
            }
            Some(Tok::Lit(k)) if *k == chars[si] => {
                ti += 1;
                si += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((st, ss)) => {
                ti = st + 1;
                si = ss + 1;
                star = Some((st, ss + 1));
            }
            None => return false,
        }
    }
    toks[ti..].iter().all(|t| matches!(t, Tok::Any))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The allocation-free comparison orders every pair as comparing the folded keys does.
    #[test]
    fn ai_ci_cmp_agrees_with_the_folded_keys() {
        let words = [
            "", " ", "a", "A", "á", "Ä", "ab", "Ab", "ab ", "_a", "1a", "a1", "b", "résumé",
            "RESUME", "ß", "ss", "SS", "st", "sr", "æ", "ae", "Œuvre", "oeuvre", "ﬁ", "fi", "z",
            "Ž", "日本", "İ", "i̇", "x-y", "x y",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    ai_ci_cmp(a, b),
                    uca_cmp(&ai_ci(a), &ai_ci(b)),
                    "{a:?} vs {b:?}"
                );
            }
        }
        assert_eq!(ai_ci_cmp("_a", "1a"), Ordering::Less);
        assert_eq!(ai_ci_cmp("1a", "A"), Ordering::Less);
        assert_eq!(ai_ci_cmp("résumé", "RESUME"), Ordering::Equal);
    }
}
