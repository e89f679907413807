//! MATCH (cols) AGAINST (query [IN BOOLEAN MODE]): InnoDB's full-text search as word matching
//! over the indexed columns' text, computed row by row (no inverted index).
//!
//! Words are runs of letters, digits and `_`, compared case-insensitively; words shorter than
//! InnoDB's `innodb_ft_min_token_size` (3) and InnoDB's default stopwords are not indexed, so
//! they never match. The relevance is the number of query-word occurrences found (InnoDB's
//! ranking is not reproduced; a match is > 0, a non-match 0).

use rusqlite::types::Value;
use rusqlite::Connection;

use crate::value::{reg, to_i64, to_str};

/// InnoDB's default full-text stopword list (`INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD`).
const STOPWORDS: [&str; 36] = [
    "a", "about", "an", "are", "as", "at", "be", "by", "com", "de", "en", "for", "from", "how",
    "i", "in", "is", "it", "la", "of", "on", "or", "that", "the", "this", "to", "was", "what",
    "when", "where", "who", "will", "with", "und", "the", "www",
];

/// The shortest word indexed (`innodb_ft_min_token_size`).
const MIN_TOKEN: usize = 3;

/// The indexed words of `text`, lower case, in order.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| w.chars().count() >= MIN_TOKEN)
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// One term of a boolean-mode query.
struct Term {
    /// The words (several for a "quoted phrase").
    words: Vec<String>,
    /// `word*`: matches words starting with it.
    prefix: bool,
    /// `+`: required; `-`: excluded; else optional.
    op: Option<char>,
}

/// A boolean-mode query's terms; grouping parentheses and the ranking operators `> < ~` are
/// read as plain optional terms.
fn boolean_terms(query: &str) -> Vec<Term> {
    let mut terms = Vec::new();
    let mut chars = query.chars().peekable();
    let mut op = None;
    while let Some(&c) = chars.peek() {
        match c {
            '+' | '-' => {
                op = Some(c);
                chars.next();
            }
            '"' => {
                chars.next();
                let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
                let words = words(&phrase);
                if !words.is_empty() {
                    terms.push(Term {
                        words,
                        prefix: false,
                        op: op.take(),
                    });
                }
                op = None;
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_alphanumeric() || c == '_' {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                let prefix = chars.peek() == Some(&'*');
                if prefix {
                    chars.next();
                }
                let word = word.to_lowercase();
                let indexed = (prefix || word.chars().count() >= MIN_TOKEN)
                    && !STOPWORDS.contains(&word.as_str());
                if indexed {
                    terms.push(Term {
                        words: vec![word],
                        prefix,
                        op: op.take(),
                    });
                }
                op = None;
            }
            _ => {
                if !matches!(c, '>' | '<' | '~' | '(') {
                    op = None;
                }
                chars.next();
            }
        }
    }
    terms
}

/// How often `term` occurs in `doc`.
fn occurrences(term: &Term, doc: &[String]) -> usize {
    let hit = |w: &String, t: &String| {
        if term.prefix {
            w.starts_with(t.as_str())
        } else {
            w == t
        }
    };
    let n = term.words.len();
    if n == 0 || doc.len() < n {
        return 0;
    }
    (0..=doc.len() - n)
        .filter(|&i| {
            term.words
                .iter()
                .zip(&doc[i..i + n])
                .all(|(t, w)| hit(w, t))
        })
        .count()
}

/// The relevance of `doc` for `query`: 0 when it does not match.
pub(crate) fn relevance(query: &str, boolean: bool, doc: &str) -> f64 {
    let doc = words(doc);
    if !boolean {
        let wanted = words(query);
        return wanted
            .iter()
            .map(|w| doc.iter().filter(|d| *d == w).count())
            .sum::<usize>() as f64;
    }
    let terms = boolean_terms(query);
    let mut score = 0usize;
    for t in &terms {
        let found = occurrences(t, &doc);
        match t.op {
            Some('+') if found == 0 => return 0.0,
            Some('-') if found > 0 => return 0.0,
            Some('-') => {}
            _ => score += found,
        }
    }
    score as f64
}

/// Registers `mysql_match(mode, query, column...)`: mode 1 is BOOLEAN MODE, 0 natural
/// language (WITH QUERY EXPANSION is read as natural language).
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    reg(conn, "mysql_match", -1, true, |a| {
        if a.len() < 3 {
            return Err("mysql_match: mode, query and at least one column".into());
        }
        let boolean = to_i64(&a[0]) == Some(1);
        let query = to_str(&a[1]).unwrap_or_default();
        let doc: Vec<String> = a[2..].iter().filter_map(to_str).collect();
        Ok(Value::Real(relevance(&query, boolean, &doc.join(" "))))
    })
}

#[cfg(test)]
mod tests {
    use super::relevance;

    #[test]
    fn boolean_mode_requires_and_excludes_words() {
        let doc = "MySQL databases are relational";
        assert!(relevance("+relational +databases", true, doc) > 0.0);
        assert_eq!(relevance("+relational +aurora", true, doc), 0.0);
        assert_eq!(relevance("relational -mysql", true, doc), 0.0);
        assert!(relevance("aurora relational", true, doc) > 0.0);
        assert!(relevance("data*", true, doc) > 0.0);
        assert!(relevance("\"databases are relational\"", true, doc) > 0.0);
        assert_eq!(relevance("\"relational databases\"", true, doc), 0.0);
        assert_eq!(relevance("-mysql", true, doc), 0.0);
    }

    #[test]
    fn natural_language_counts_indexed_words() {
        let doc = "Rewind emulates Aurora, aurora!";
        assert_eq!(relevance("AURORA", false, doc), 2.0);
        assert_eq!(relevance("the is", false, "the is"), 0.0);
        assert_eq!(relevance("postgres", false, doc), 0.0);
    }
}
