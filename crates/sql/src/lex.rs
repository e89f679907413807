//! Query text as statements: MySQL's statement splitting (`;`, executable `/*!...*/`
//! comments), the words a statement starts with, and positions for error messages.

use std::collections::VecDeque;

use sqlparser::dialect::MySqlDialect;
use sqlparser::tokenizer::{Token, TokenWithLocation, Tokenizer, Whitespace};

use crate::error::SqlError;

/// One statement's tokens, waiting to run.
pub(crate) type Pending = Vec<TokenWithLocation>;

/// Byte offset of a 1-based line/column in `sql`.
pub(crate) fn offset(sql: &str, line: u64, column: u64) -> usize {
    let mut off = 0;
    for (i, l) in sql.split_inclusive('\n').enumerate() {
        if i as u64 + 1 == line {
            return off
                + l.char_indices()
                    .nth(column.saturating_sub(1) as usize)
                    .map_or(l.len(), |(b, _)| b);
        }
        off += l.len();
    }
    sql.len()
}

/// Splits query text into statements' tokens; expands `/*!NNNNN ... */` comments as MySQL
/// runs them.
pub(crate) fn split(sql: &str) -> Result<Vec<Pending>, SqlError> {
    let dialect = MySqlDialect {};
    let text = account_at_signs(sql);
    let tokens = Tokenizer::new(&dialect, &text)
        .tokenize_with_location()
        .map_err(|e| {
            SqlError::syntax(
                &sql[offset(sql, e.location.line, e.location.column)..],
                e.location.line,
            )
        })?;
    let mut groups = Vec::new();
    let mut current: Pending = Vec::new();
    let mut queue: VecDeque<TokenWithLocation> = tokens.into();
    while let Some(t) = queue.pop_front() {
        match &t.token {
            Token::SemiColon => groups.push(std::mem::take(&mut current)),
            Token::Whitespace(Whitespace::MultiLineComment(c)) if c.starts_with('!') => {
                let inner = c[1..].trim_start_matches(|ch: char| ch.is_ascii_digit());
                let mut inner_tokens = Tokenizer::new(&dialect, inner)
                    .tokenize()
                    .map_err(|_| SqlError::syntax(c, t.location.line))?;
                inner_tokens.push(Token::Whitespace(Whitespace::Space));
                for tok in inner_tokens.into_iter().rev() {
                    queue.push_front(TokenWithLocation {
                        token: tok,
                        location: t.location,
                    });
                }
            }
            _ => current.push(t),
        }
    }
    groups.push(current);
    Ok(groups
        .into_iter()
        .filter(|g| g.iter().any(|t| !matches!(t.token, Token::Whitespace(_))))
        .collect())
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
                // `i` is at the closing quote (or the end).
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

/// Table options after a CREATE TABLE's column list that the engine has no use for:
/// dropped with their values. The charset and collation only matter to string comparison
/// (which is always the default here); the rest only tune InnoDB.
const IGNORED_TABLE_OPTIONS: [&str; 22] = [
    "ENGINE",
    "CHARSET",
    "COLLATE",
    "ROW_FORMAT",
    "KEY_BLOCK_SIZE",
    "STATS_PERSISTENT",
    "STATS_AUTO_RECALC",
    "STATS_SAMPLE_PAGES",
    "PACK_KEYS",
    "CHECKSUM",
    "TABLE_CHECKSUM",
    "DELAY_KEY_WRITE",
    "MAX_ROWS",
    "MIN_ROWS",
    "AVG_ROW_LENGTH",
    "COMPRESSION",
    "ENCRYPTION",
    "TABLESPACE",
    "INSERT_METHOD",
    "AUTOEXTEND_SIZE",
    "SECONDARY_ENGINE",
    "ENGINE_ATTRIBUTE",
];

/// Normalizes the table options of a CREATE TABLE for the parser, which only reads `ENGINE=`,
/// `AUTO_INCREMENT=`, `DEFAULT CHARSET=`, `COLLATE=` and `COMMENT` in that order. MySQL
/// takes any options in any order, `=` optional, commas between them optional:
/// `CHARSET=utf8mb4`, `DEFAULT CHARACTER SET utf8mb4`, `COLLATE utf8mb4_bin ENGINE InnoDB`.
/// Options without meaning here are dropped; `AUTO_INCREMENT` and `COMMENT` are kept, in
/// the parser's order. Reading stops at the first token that is not an option (`AS SELECT`,
/// or a mistake the parser then reports where it is).
pub(crate) fn strip_table_options(tokens: Pending) -> Pending {
    let sig: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let word = |p: usize| match sig.get(p).map(|&i| &tokens[i].token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    };
    let is = |p: usize, t: &Token| sig.get(p).is_some_and(|&i| tokens[i].token == *t);
    // CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name [(columns)]
    let Some(mut p) = (0..sig.len().min(3)).find(|&p| word(p).as_deref() == Some("TABLE")) else {
        return tokens;
    };
    p += 1;
    if word(p).as_deref() == Some("IF") {
        p += 3;
    }
    p += 1;
    while is(p, &Token::Period) {
        p += 2;
    }
    if is(p, &Token::LParen) {
        let mut depth = 0usize;
        while let Some(&i) = sig.get(p) {
            p += 1;
            match tokens[i].token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    let options_start = p;
    let mut kept: [Option<(usize, usize)>; 2] = [None, None];
    loop {
        let mut q = p;
        if is(q, &Token::Comma) && q > options_start {
            q += 1;
        }
        let defaulted = word(q).as_deref() == Some("DEFAULT");
        if defaulted {
            q += 1;
        }
        let first = q;
        let name = match (word(q), word(q + 1)) {
            (Some(w), Some(next)) if w == "CHARACTER" && next == "SET" => {
                q += 1;
                "CHARSET".to_owned()
            }
            (Some(w), Some(next)) if (w == "DATA" || w == "INDEX") && next == "DIRECTORY" => {
                q += 1;
                "DIRECTORY".to_owned()
            }
            (Some(w), _) => w,
            (None, _) => break,
        };
        q += 1;
        let slot = match name.as_str() {
            "CHARSET" | "COLLATE" => None,
            _ if defaulted => break,
            "AUTO_INCREMENT" => Some(0),
            "COMMENT" => Some(1),
            "DIRECTORY" | "SECONDARY_ENGINE_ATTRIBUTE" => None,
            n if IGNORED_TABLE_OPTIONS.contains(&n) => None,
            _ => break,
        };
        if is(q, &Token::Eq) {
            q += 1;
        }
        let valued = sig.get(q).is_some_and(|&i| {
            matches!(
                tokens[i].token,
                Token::Word(_)
                    | Token::Number(..)
                    | Token::SingleQuotedString(_)
                    | Token::DoubleQuotedString(_)
            )
        });
        if !valued {
            break;
        }
        if let Some(slot) = slot {
            kept[slot] = Some((sig[first], sig[q]));
        }
        p = q + 1;
    }
    if p == options_start {
        return tokens;
    }
    let cut = sig.get(options_start).copied().unwrap_or(tokens.len());
    let resume = sig.get(p).copied().unwrap_or(tokens.len());
    let space = |t: &TokenWithLocation| TokenWithLocation {
        token: Token::Whitespace(Whitespace::Space),
        location: t.location,
    };
    let mut out: Pending = tokens[..cut].to_vec();
    for (from, to) in kept.into_iter().flatten() {
        out.push(space(&tokens[from]));
        out.extend(tokens[from..=to].iter().cloned());
    }
    if let Some(t) = tokens.get(resume) {
        out.push(space(t));
    }
    out.extend(tokens[resume..].iter().cloned());
    out
}

/// The leading words of a statement, upper-cased (other tokens as written).
pub(crate) fn words(tokens: &[TokenWithLocation], n: usize) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .take(n)
        .map(|t| match &t.token {
            Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
            Token::Word(w) => w.value.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// The kind of statement this engine has no support for, named as MySQL's error 1235 names
/// it (`CREATE PROCEDURE`, `GRANT`...), found from the leading keywords alone: stored
/// programs, events and account management, which the parser cannot read (a procedure body
/// is even split at its first `;`) and which have no meaning over a key-value space.
pub(crate) fn unsupported(tokens: &[TokenWithLocation]) -> Option<&'static str> {
    let w: Vec<Option<String>> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .map(|t| match &t.token {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
            _ => None,
        })
        .collect();
    let at = |i: usize| w.get(i).and_then(|x| x.as_deref());
    match (at(0)?, at(1)) {
        ("GRANT", _) => return Some("GRANT"),
        ("REVOKE", _) => return Some("REVOKE"),
        ("DROP", Some("USER")) => return Some("DROP USER"),
        ("ALTER", Some("USER")) => return Some("ALTER USER"),
        ("CREATE", Some("USER")) => return Some("CREATE USER"),
        ("CREATE", _) => {}
        _ => return None,
    }
    // CREATE [DEFINER = user] [AGGREGATE] {PROCEDURE | FUNCTION | TRIGGER | EVENT}: the user
    // (`'a'@'%'`, `CURRENT_USER()`) is a few tokens, none of them these keywords.
    let mut i = 1;
    if at(1) == Some("DEFINER") {
        i = (2..w.len().min(10)).find(|&j| {
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

/// `LOCK TABLE[S] ...` or `UNLOCK TABLE[S]`.
pub(crate) fn is_table_lock(words: &[&str]) -> bool {
    matches!(words, ["LOCK" | "UNLOCK", "TABLES" | "TABLE", ..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_statements_and_runs_executable_comments() {
        let groups = split("SELECT 1; ; /*!40101 SET NAMES utf8 */; SELECT ';'").unwrap();
        assert_eq!(groups.len(), 3);
        assert_eq!(words(&groups[1], 2), vec!["SET", "NAMES"]);
        assert_eq!(offset("ab\ncd", 2, 2), 4);
    }

    #[test]
    fn account_names_lose_their_at_sign_and_nothing_else_does() {
        assert_eq!(
            account_at_signs("CREATE DEFINER=`a`@`%` TRIGGER x; GRANT ALL TO 'b'@\"h\""),
            "CREATE DEFINER=`a` `%` TRIGGER x; GRANT ALL TO 'b' \"h\""
        );
        for kept in [
            "SELECT '`a`@`b`', \"x'@'y\" -- `a`@`b`",
            "SELECT @a, @@version, `a@b` /* 'x'@'y' */",
        ] {
            assert_eq!(account_at_signs(kept), kept);
        }
    }
}
