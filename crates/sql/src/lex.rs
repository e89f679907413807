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
    let tokens = Tokenizer::new(&dialect, sql)
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

/// Storage options after a CREATE TABLE's column list that only tune InnoDB (and that the
/// parser does not know): dropped with their values.
const IGNORED_TABLE_OPTIONS: [&str; 12] = [
    "ROW_FORMAT",
    "KEY_BLOCK_SIZE",
    "STATS_PERSISTENT",
    "STATS_AUTO_RECALC",
    "STATS_SAMPLE_PAGES",
    "PACK_KEYS",
    "CHECKSUM",
    "DELAY_KEY_WRITE",
    "MAX_ROWS",
    "MIN_ROWS",
    "AVG_ROW_LENGTH",
    "COMPRESSION",
];

pub(crate) fn strip_table_options(tokens: Pending) -> Pending {
    let mut out = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    let mut closed = false;
    let mut iter = tokens.into_iter().peekable();
    while let Some(t) = iter.next() {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.saturating_sub(1);
                closed |= depth == 0;
            }
            Token::Word(w)
                if closed
                    && depth == 0
                    && IGNORED_TABLE_OPTIONS
                        .iter()
                        .any(|o| w.value.eq_ignore_ascii_case(o)) =>
            {
                // Skip `[=] value`.
                let skip_ws =
                    |it: &mut std::iter::Peekable<std::vec::IntoIter<TokenWithLocation>>| {
                        while matches!(it.peek().map(|t| &t.token), Some(Token::Whitespace(_))) {
                            it.next();
                        }
                    };
                skip_ws(&mut iter);
                if matches!(iter.peek().map(|t| &t.token), Some(Token::Eq)) {
                    iter.next();
                    skip_ws(&mut iter);
                }
                iter.next();
                continue;
            }
            _ => {}
        }
        out.push(t);
    }
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
}
