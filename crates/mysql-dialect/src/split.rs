//! Query text as statements: MySQL's statement splitting at `;`, executable `/*!...*/`
//! comments run as MySQL runs them, and the leading words that pick a statement's handler.

use sqlparser::dialect::MySqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::error::SqlError;

/// Byte offset of a 1-based line and column (in characters) of `text`.
pub(crate) fn offset(text: &str, line: u64, column: u64) -> usize {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i as u64 + 1 == line {
            let col = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
            return start + l.char_indices().nth(col).map_or(l.len(), |(at, _)| at);
        }
        start += l.len();
    }
    text.len()
}

/// Splits query text into the texts of its statements. `/*!NNNNN ... */` comments stay in
/// the text: sqlparser's MySQL tokenizer reads what they hold, as MySQL runs it.
pub(crate) fn split(sql: &str) -> Result<Vec<String>, SqlError> {
    let text = account_at_signs(sql).into_owned();
    // Most texts are one statement with no `;` at all: nothing to split, so it is not
    // tokenized here (the parser tokenizes it once; a 10,000-row INSERT was tokenized twice).
    if !text.contains(';') {
        let start = text.trim_start();
        if start.is_empty() {
            return Ok(Vec::new());
        }
        if !start.starts_with(['-', '#', '/']) {
            return Ok(vec![text]);
        }
    }
    let tokens = tokenize(&text)?;
    let mut statements = Vec::new();
    let mut start = 0;
    // Whether the statement so far holds something besides whitespace and comments: read
    // from these tokens, so a statement is not tokenized again to tell.
    let mut code = false;
    for t in &tokens {
        match t.token {
            Token::SemiColon => {
                let at = offset(&text, t.span.start.line, t.span.start.column);
                if code {
                    statements.push(text[start..at].to_owned());
                }
                start = at + 1;
                code = false;
            }
            Token::Whitespace(_) => {}
            _ => code = true,
        }
    }
    if code {
        statements.push(text[start..].to_owned());
    }
    Ok(statements)
}

fn tokenize(text: &str) -> Result<Vec<sqlparser::tokenizer::TokenWithSpan>, SqlError> {
    Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .map_err(|e| {
            SqlError::syntax(
                &text[offset(text, e.location.line, e.location.column)..],
                e.location.line,
            )
        })
}

/// How much of a long statement [`words`] tokenizes first.
const WORDS_PREFIX_BYTES: usize = 512;

/// The statement's first `n` words, upper case (quoted names as written).
///
/// Of a long statement (a 10,000-row INSERT) only the start is tokenized when it holds more
/// than `n` tokens: the first `n` then end before the next one starts, so the cut cannot
/// change them. Otherwise (or when the cut lands inside a string) the whole text is.
pub(crate) fn words(sql: &str, n: usize) -> Vec<String> {
    if sql.len() > WORDS_PREFIX_BYTES {
        let mut cut = WORDS_PREFIX_BYTES;
        while !sql.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Ok(tokens) = Tokenizer::new(&MySqlDialect {}, &sql[..cut]).tokenize() {
            let code: Vec<&Token> = tokens
                .iter()
                .filter(|t| !matches!(t, Token::Whitespace(_)))
                .collect();
            if code.len() > n {
                return code.into_iter().take(n).map(word).collect();
            }
        }
    }
    words_of_whole_text(sql, n)
}

fn words_of_whole_text(sql: &str, n: usize) -> Vec<String> {
    let Ok(tokens) = tokenize(sql) else {
        return Vec::new();
    };
    tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .take(n)
        .map(|t| word(&t.token))
        .collect()
}

fn word(t: &Token) -> String {
    match t {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        Token::Word(w) => w.value.clone(),
        other => other.to_string(),
    }
}

/// The text with the `@` of account names written `'user'@'host'` or `` `user`@`host` ``
/// (DEFINER clauses, GRANT) blanked: the tokenizer would read `` @` `` as the start of a
/// variable and fail, where all that matters of such a statement is its leading words.
/// Positions are kept (one byte for one byte); `@` in strings, comments and quoted names is
/// left alone.
fn account_at_signs(sql: &str) -> std::borrow::Cow<'_, str> {
    let b = sql.as_bytes();
    let is_quote = |c: u8| matches!(c, b'\'' | b'"' | b'`');
    let mut blanks = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q if is_quote(q) => {
                i += 1;
                while i < b.len() {
                    let escaped = b[i] == b'\\' && q != b'`';
                    if escaped || (b[i] == q && b.get(i + 1) == Some(&q)) {
                        i += 2;
                    } else if b[i] == q {
                        break;
                    } else {
                        i += 1;
                    }
                }
                if b.get(i + 1) == Some(&b'@') && b.get(i + 2).is_some_and(|c| is_quote(*c)) {
                    blanks.push(i + 1);
                }
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-')
                && b.get(i + 2).is_none_or(|c| c.is_ascii_whitespace()) =>
            {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') && b.get(i + 2) != Some(&b'!') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    if blanks.is_empty() {
        return std::borrow::Cow::Borrowed(sql);
    }
    let mut bytes = b.to_vec();
    for at in blanks {
        bytes[at] = b' ';
    }
    // Only an ASCII `@` became an ASCII space: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(bytes).expect("ASCII replaced by ASCII"))
}

/// The kind of statement Rewind has no support for, named as MySQL's error 1235 names it
/// (`CREATE PROCEDURE`, `GRANT`...), from the leading keywords alone: stored programs, events
/// and account management, which the parser cannot read (a procedure body is even split at
/// its first `;`).
pub(crate) fn unsupported(words: &[String]) -> Option<&'static str> {
    let at = |i: usize| words.get(i).map(String::as_str);
    match (at(0)?, at(1)) {
        ("GRANT", _) => return Some("GRANT"),
        ("LOAD", Some("DATA")) => return Some("LOAD DATA"),
        ("LOAD", Some("XML")) => return Some("LOAD XML"),
        ("REVOKE", _) => return Some("REVOKE"),
        ("DROP", Some("USER")) => return Some("DROP USER"),
        ("ALTER", Some("USER")) => return Some("ALTER USER"),
        ("CREATE", Some("USER")) => return Some("CREATE USER"),
        ("CREATE", _) => {}
        _ => return None,
    }
    let mut i = 1;
    if at(1) == Some("DEFINER") {
        i = (2..words.len().min(10)).find(|&j| {
            matches!(
                at(j),
                Some("PROCEDURE" | "FUNCTION" | "TRIGGER" | "EVENT" | "AGGREGATE")
            )
        })?;
    }
    match (at(i)?, at(i + 1)) {
        ("PROCEDURE", _) => Some("CREATE PROCEDURE"),
        ("FUNCTION", _) | ("AGGREGATE", Some("FUNCTION")) => Some("CREATE FUNCTION"),
        ("TRIGGER", _) => Some("CREATE TRIGGER"),
        ("EVENT", _) => Some("CREATE EVENT"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_statements_and_runs_executable_comments() {
        let got = split("/*!40101 SET @a=1 */; SELECT ';' ; -- x\n ; SELECT 2").unwrap();
        let got: Vec<&str> = got.iter().map(|s| s.trim()).collect();
        assert_eq!(got, vec!["/*!40101 SET @a=1 */", "SELECT ';'", "SELECT 2"]);
        assert_eq!(words(got[0], 2), vec!["SET", "@A"]);
    }

    #[test]
    fn statements_of_only_comments_or_whitespace_are_dropped() {
        let got = split("SELECT 1; /* c */ ; -- d\n; \n ; SELECT 2 /* e */").unwrap();
        let got: Vec<&str> = got.iter().map(|s| s.trim()).collect();
        assert_eq!(got, vec!["SELECT 1", "SELECT 2 /* e */"]);
        assert!(split(" -- only a comment").unwrap().is_empty());
    }

    #[test]
    fn a_text_without_a_semicolon_is_one_statement_unless_it_is_only_comments() {
        assert_eq!(split(" SELECT 'a' -- x").unwrap(), vec![" SELECT 'a' -- x"]);
        assert!(split(" \n\t").unwrap().is_empty());
        assert!(split("/* c */ -- d").unwrap().is_empty());
        assert!(split("# e").unwrap().is_empty());
        assert_eq!(split("/* c */ SELECT 1").unwrap(), vec!["/* c */ SELECT 1"]);
        assert_eq!(split("-1 + 2").unwrap(), vec!["-1 + 2"]);
    }

    #[test]
    fn the_words_of_a_long_statement_are_those_of_its_whole_text() {
        let rows = vec!["('x;y', 1)"; 200].join(",");
        let long = format!("INSERT /* c */ INTO `t` (a, b) VALUES {rows}");
        assert!(long.len() > WORDS_PREFIX_BYTES);
        assert_eq!(words(&long, 4), vec!["INSERT", "INTO", "t", "("]);
        let quoted = format!("SELECT '{}' AS a, 2", "q".repeat(WORDS_PREFIX_BYTES));
        let unicode = format!("SELECT {} FROM t", "é, ".repeat(WORDS_PREFIX_BYTES));
        for text in [&long, &quoted, &unicode] {
            // Asked for fewer words than the prefix holds, as many, or more: the whole text's.
            for n in [1, 4, 10, 60, 2_000] {
                assert_eq!(
                    words(text, n),
                    words_of_whole_text(text, n),
                    "{n} words of {text}"
                );
            }
        }
        assert_eq!(
            words(&quoted, 3)[2],
            "AS",
            "the cut in a string reads the whole text"
        );
    }

    #[test]
    fn account_names_lose_their_at_sign() {
        let got = split("CREATE DEFINER=`root`@`%` VIEW v AS SELECT '@'").unwrap();
        assert_eq!(got[0], "CREATE DEFINER=`root` `%` VIEW v AS SELECT '@'");
    }
}
