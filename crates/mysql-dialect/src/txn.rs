//! The transaction statements sqlparser does not read as MySQL means them: START
//! TRANSACTION's characteristics (READ ONLY, READ WRITE, WITH CONSISTENT SNAPSHOT), XA on a
//! single node (XA START begins a transaction that XA END, PREPARE and COMMIT finish, with
//! MySQL's XAER errors for a command in the wrong state), and LOCK TABLES (a READ-locked or
//! unlocked table cannot be written until UNLOCK TABLES).

use rusqlite::types::Value;
use sqlparser::dialect::MySqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::error::SqlError;
use crate::outcome::{OkPacket, Outcome, ResultSet};
use crate::session::{ok, Session};

/// Where the session's XA transaction is: between START and END, between END and PREPARE,
/// or prepared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum XaPhase {
    Active,
    Idle,
    Prepared,
}

impl XaPhase {
    fn name(self) -> &'static str {
        match self {
            XaPhase::Active => "ACTIVE",
            XaPhase::Idle => "IDLE",
            XaPhase::Prepared => "PREPARED",
        }
    }
}

/// The session's XA transaction: its xid (gtrid, bqual, formatID) and phase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Xa {
    xid: (String, String, u64),
    pub(crate) phase: XaPhase,
}

/// A table held by LOCK TABLES.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TableLock {
    db: String,
    /// The table's name, and the alias it was locked under.
    names: Vec<String>,
    write: bool,
}

/// 1399: an XA command the transaction's phase does not allow.
pub(crate) fn xa_wrong_state(phase: XaPhase) -> SqlError {
    SqlError::new(
        1399,
        "XAE07",
        format!(
            "XAER_RMFAIL: The command cannot be executed when global transaction is in the  {} state",
            phase.name()
        ),
    )
}

fn xa_unknown_xid() -> SqlError {
    SqlError::new(1397, "XAE04", "XAER_NOTA: Unknown XID")
}

fn xa_invalid() -> SqlError {
    SqlError::new(
        1398,
        "XAE05",
        "XAER_INVAL: Invalid arguments (or unsupported command)",
    )
}

/// The statement's tokens without whitespace and trailing semicolons.
fn tokens(text: &str) -> Result<Vec<Token>, SqlError> {
    let mut out: Vec<Token> = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize()
        .map_err(|_| SqlError::syntax(text.trim(), 1))?
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    while matches!(out.last(), Some(Token::SemiColon | Token::EOF)) {
        out.pop();
    }
    Ok(out)
}

fn is_word(t: Option<&Token>, word: &str) -> bool {
    matches!(t, Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// A syntax error near token `at` of `text`.
fn near(text: &str, toks: &[Token], at: usize) -> SqlError {
    let shown: Vec<String> = toks[at.min(toks.len())..]
        .iter()
        .map(|t| t.to_string())
        .collect();
    let shown = shown.join(" ");
    SqlError::syntax(
        if shown.is_empty() {
            text.trim()
        } else {
            &shown
        },
        1,
    )
}

/// An xid at `toks[*at..]`: 'gtrid'[, 'bqual'[, formatID]].
fn xid(text: &str, toks: &[Token], at: &mut usize) -> Result<(String, String, u64), SqlError> {
    let part = |t: Option<&Token>| match t {
        Some(Token::SingleQuotedString(s) | Token::DoubleQuotedString(s)) => Some(s.clone()),
        Some(Token::HexStringLiteral(h)) => Some(format!("0x{h}")),
        Some(Token::Number(n, _)) => Some(n.clone()),
        _ => None,
    };
    let gtrid = part(toks.get(*at)).ok_or_else(|| near(text, toks, *at))?;
    *at += 1;
    let mut bqual = String::new();
    let mut format_id = 1;
    if toks.get(*at) == Some(&Token::Comma) {
        bqual = part(toks.get(*at + 1)).ok_or_else(|| near(text, toks, *at + 1))?;
        *at += 2;
        if toks.get(*at) == Some(&Token::Comma) {
            format_id = match toks.get(*at + 1) {
                Some(Token::Number(n, _)) => n.parse().map_err(|_| near(text, toks, *at + 1))?,
                _ => return Err(near(text, toks, *at + 1)),
            };
            *at += 2;
        }
    }
    if gtrid.len() > 64 || bqual.len() > 64 {
        return Err(xa_invalid());
    }
    Ok((gtrid, bqual, format_id))
}

impl Session {
    /// START TRANSACTION [READ ONLY | READ WRITE | WITH CONSISTENT SNAPSHOT [, ...]]: a
    /// transaction (every one reads one consistent snapshot here), READ ONLY refusing writes.
    pub(crate) fn start_transaction(&mut self, text: &str) -> Result<Outcome, SqlError> {
        let toks = tokens(text)?;
        let mut read_only = None;
        let mut at = 2;
        while at < toks.len() {
            match (&toks[at], toks.get(at + 1), toks.get(at + 2)) {
                (Token::Word(w), _, _)
                    if w.value.eq_ignore_ascii_case("READ") && read_only.is_none() =>
                {
                    read_only = Some(match toks.get(at + 1) {
                        t if is_word(t, "ONLY") => true,
                        t if is_word(t, "WRITE") => false,
                        _ => return Err(near(text, &toks, at)),
                    });
                    at += 2;
                }
                (Token::Word(w), a, b)
                    if w.value.eq_ignore_ascii_case("WITH")
                        && is_word(a, "CONSISTENT")
                        && is_word(b, "SNAPSHOT") =>
                {
                    at += 3;
                }
                _ => return Err(near(text, &toks, at)),
            }
            if at < toks.len() {
                if toks[at] != Token::Comma || at + 1 == toks.len() {
                    return Err(near(text, &toks, at));
                }
                at += 1;
            }
        }
        self.begin_transaction()?;
        self.transaction_read_only = read_only;
        Ok(Outcome::Ok(ok(0)))
    }

    /// BEGIN / START TRANSACTION: commits what was open and releases table locks, as MySQL
    /// does; refused while an XA transaction is open.
    pub(crate) fn begin_transaction(&mut self) -> Result<(), SqlError> {
        if let Some(xa) = &self.xa {
            return Err(xa_wrong_state(xa.phase));
        }
        self.commit_open()?;
        self.table_locks = None;
        self.explicit = true;
        Ok(())
    }

    /// COMMIT or ROLLBACK is refused while an XA transaction is open (XA COMMIT ends it).
    pub(crate) fn check_no_xa(&self) -> Result<(), SqlError> {
        match &self.xa {
            Some(xa) => Err(xa_wrong_state(xa.phase)),
            None => Ok(()),
        }
    }

    /// Refuses a write the open transaction cannot make: a READ ONLY transaction (or session)
    /// is 1792, an XA transaction past XA END is 1399.
    pub(crate) fn check_transaction_writable(&self) -> Result<(), SqlError> {
        if let Some(xa) = &self.xa {
            if xa.phase != XaPhase::Active {
                return Err(xa_wrong_state(xa.phase));
            }
        }
        let session_read_only = matches!(
            self.system_value("transaction_read_only"),
            Some(Value::Integer(n)) if n != 0
        );
        let explicit_mode = if self.explicit {
            self.transaction_read_only
        } else {
            None
        };
        if explicit_mode.unwrap_or(session_read_only) {
            return Err(SqlError::new(
                1792,
                "25006",
                "Cannot execute statement in a READ ONLY transaction.",
            ));
        }
        Ok(())
    }

    /// Under LOCK TABLES, a table written must be locked for WRITE: 1099 when it is locked
    /// READ, 1100 when it is not locked.
    pub(crate) fn check_table_lock(&self, db: &str, table: &str) -> Result<(), SqlError> {
        let Some(locks) = &self.table_locks else {
            return Ok(());
        };
        let lock = locks
            .iter()
            .find(|l| l.db == db && l.names.iter().any(|n| n == table));
        match lock {
            Some(l) if l.write => Ok(()),
            Some(_) => Err(SqlError::new(
                1099,
                "HY000",
                format!("Table '{table}' was locked with a READ lock and can't be updated"),
            )),
            None => Err(SqlError::new(
                1100,
                "HY000",
                format!("Table '{table}' was not locked with LOCK TABLES"),
            )),
        }
    }

    /// LOCK TABLES t [[AS] a] {READ [LOCAL] | [LOW_PRIORITY] WRITE}, ...: commits what was
    /// open, then holds the locks (replacing any held) until UNLOCK TABLES.
    pub(crate) fn lock_tables(&mut self, text: &str) -> Result<Outcome, SqlError> {
        let toks = tokens(text)?;
        let mut locks = Vec::new();
        let mut at = 2;
        loop {
            let name = |t: Option<&Token>| match t {
                Some(Token::Word(w)) => Some(w.value.clone()),
                _ => None,
            };
            let original = |t: &Token| match t {
                Token::Word(w) => w.value.clone(),
                other => other.to_string(),
            };
            name(toks.get(at)).ok_or_else(|| near(text, &toks, at))?;
            let mut parts = vec![original(&toks[at])];
            at += 1;
            if toks.get(at) == Some(&Token::Period) {
                name(toks.get(at + 1)).ok_or_else(|| near(text, &toks, at + 1))?;
                parts.push(original(&toks[at + 1]));
                at += 2;
            }
            let (db, table) = match parts.as_slice() {
                [db, t] => (db.clone(), t.clone()),
                [t] => (
                    self.database.clone().ok_or_else(SqlError::no_database)?,
                    t.clone(),
                ),
                _ => return Err(near(text, &toks, at)),
            };
            self.base_table(&db, &table)?;
            let mut names = vec![table];
            if is_word(toks.get(at), "AS") {
                at += 1;
            }
            let mode = |t: Option<&Token>| {
                ["READ", "WRITE", "LOW_PRIORITY"]
                    .iter()
                    .any(|m| is_word(t, m))
            };
            if !mode(toks.get(at)) {
                names.push(original(toks.get(at).ok_or_else(|| near(text, &toks, at))?));
                at += 1;
            }
            if is_word(toks.get(at), "LOW_PRIORITY") {
                at += 1;
            }
            let write = if is_word(toks.get(at), "READ") {
                at += 1;
                if is_word(toks.get(at), "LOCAL") {
                    at += 1;
                }
                false
            } else if is_word(toks.get(at), "WRITE") {
                at += 1;
                true
            } else {
                return Err(near(text, &toks, at));
            };
            locks.push(TableLock { db, names, write });
            match toks.get(at) {
                None => break,
                Some(Token::Comma) => at += 1,
                Some(_) => return Err(near(text, &toks, at)),
            }
        }
        self.check_no_xa()?;
        self.commit_open()?;
        self.table_locks = Some(locks);
        Ok(Outcome::Ok(ok(0)))
    }

    /// UNLOCK TABLES: releases the locks, committing the open transaction if any were held.
    pub(crate) fn unlock_tables(&mut self) -> Result<Outcome, SqlError> {
        if self.table_locks.take().is_some() {
            self.commit_open()?;
        }
        Ok(Outcome::Ok(ok(0)))
    }

    /// XA START | BEGIN | END | PREPARE | COMMIT | ROLLBACK | RECOVER on one node.
    pub(crate) fn xa(&mut self, text: &str) -> Result<Outcome, SqlError> {
        let toks = tokens(text)?;
        let verb = match toks.get(1) {
            Some(Token::Word(w)) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
            _ => return Err(near(text, &toks, 1)),
        };
        if verb == "RECOVER" {
            return Ok(Outcome::Rows(self.xa_recover()));
        }
        let mut at = 2;
        let id = xid(text, &toks, &mut at)?;
        let rest: Vec<String> = toks[at..]
            .iter()
            .map(|t| match t {
                Token::Word(w) => w.value.to_ascii_uppercase(),
                other => other.to_string(),
            })
            .collect();
        let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
        let same = self.xa.as_ref().is_some_and(|x| x.xid == id);
        let phase = self.xa.as_ref().map(|x| x.phase);
        match verb.as_str() {
            "START" | "BEGIN" => {
                match (rest.as_slice(), phase) {
                    ([], None) => {}
                    (["JOIN" | "RESUME"], Some(XaPhase::Idle)) if same => {
                        if let Some(x) = &mut self.xa {
                            x.phase = XaPhase::Active;
                        }
                        return Ok(Outcome::Ok(ok(0)));
                    }
                    ([], Some(p)) => return Err(xa_wrong_state(p)),
                    (["JOIN" | "RESUME"], _) => return Err(xa_invalid()),
                    _ => return Err(near(text, &toks, at)),
                }
                if self.explicit || self.table_locks.is_some() {
                    return Err(SqlError::new(
                        1400,
                        "XAE09",
                        "XAER_OUTSIDE: Some work is done outside global transaction",
                    ));
                }
                self.commit_open()?;
                self.explicit = true;
                self.xa = Some(Xa {
                    xid: id,
                    phase: XaPhase::Active,
                });
            }
            "END" => {
                if !matches!(
                    rest.as_slice(),
                    [] | ["SUSPEND"] | ["SUSPEND", "FOR", "MIGRATE"]
                ) {
                    return Err(near(text, &toks, at));
                }
                match phase {
                    Some(XaPhase::Active) if same => {}
                    Some(XaPhase::Active) => return Err(xa_unknown_xid()),
                    Some(p) => return Err(xa_wrong_state(p)),
                    None => return Err(xa_unknown_xid()),
                }
                if let Some(x) = &mut self.xa {
                    x.phase = XaPhase::Idle;
                }
            }
            "PREPARE" => {
                if !rest.is_empty() {
                    return Err(near(text, &toks, at));
                }
                match phase {
                    Some(XaPhase::Idle) if same => {}
                    Some(p) if same => return Err(xa_wrong_state(p)),
                    _ => return Err(xa_unknown_xid()),
                }
                if let Some(x) = &mut self.xa {
                    x.phase = XaPhase::Prepared;
                }
            }
            "COMMIT" => {
                let one_phase = match rest.as_slice() {
                    [] => false,
                    ["ONE", "PHASE"] => true,
                    _ => return Err(near(text, &toks, at)),
                };
                match phase {
                    _ if !same => return Err(xa_unknown_xid()),
                    Some(XaPhase::Idle) if one_phase => {}
                    Some(XaPhase::Prepared) if !one_phase => {}
                    Some(p) => return Err(xa_wrong_state(p)),
                    None => return Err(xa_unknown_xid()),
                }
                self.xa = None;
                self.commit_open()?;
            }
            "ROLLBACK" => {
                if !rest.is_empty() {
                    return Err(near(text, &toks, at));
                }
                match phase {
                    _ if !same => return Err(xa_unknown_xid()),
                    Some(XaPhase::Active) => return Err(xa_wrong_state(XaPhase::Active)),
                    _ => {}
                }
                self.xa = None;
                self.rollback_open();
            }
            _ => return Err(near(text, &toks, 1)),
        }
        Ok(Outcome::Ok(OkPacket::default()))
    }

    /// XA RECOVER: the session's prepared XA transaction, if any.
    fn xa_recover(&self) -> ResultSet {
        let cell = |s: String| Some(s.into_bytes());
        let rows = self
            .xa
            .iter()
            .filter(|x| x.phase == XaPhase::Prepared)
            .map(|x| {
                let (g, b, f) = &x.xid;
                vec![
                    cell(f.to_string()),
                    cell(g.len().to_string()),
                    cell(b.len().to_string()),
                    cell(format!("{g}{b}")),
                ]
            })
            .collect();
        crate::admin::text_rows(&["formatID", "gtrid_length", "bqual_length", "data"], rows)
    }
}
