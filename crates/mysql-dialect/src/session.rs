//! One client connection: its MySQL state, and the statement loop from SQL text to outcomes.
//!
//! A [`Session`] holds what MySQL keeps per connection (current database, autocommit, user and
//! system variables, LAST_INSERT_ID) and one SQLite connection over the cluster's pages. Its
//! transactions are MySQL's as applications see them:
//! - a read sees one snapshot for the whole transaction (REPEATABLE READ), and never waits;
//! - a write first takes the cluster's writer lock, waiting up to `innodb_lock_wait_timeout`
//!   for another writer (1205 after that), and keeps it until COMMIT or ROLLBACK; a
//!   transaction that has only read when it first writes moves to the newest snapshot, as
//!   InnoDB's writes read the newest committed rows;
//! - an autocommitted write is one SQLite transaction, durable (one volume commit) before its
//!   OK is sent.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::Connection;
use sqlparser::ast::{Statement, Value as AstValue};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::catalog::{self, Kind};
use crate::error::SqlError;
use crate::info::{ClusterInfo, NoClusterInfo};
use crate::outcome::{OkPacket, Outcome};
use crate::schema::Table;
use crate::split::{split, unsupported, words};
use crate::translate::SessionValues;
use crate::user_locks::UserLocks;
use crate::vars::default_var;

/// The SQLite connection a session runs on, with the page store's locks around it.
pub trait Storage: Send {
    /// The SQLite connection.
    fn sqlite(&self) -> &Connection;
    /// Takes the cluster's writer lock before a write transaction, waiting up to `wait`;
    /// false on timeout. Taking it again while held is a no-op.
    fn acquire_writer(&self, wait: Duration) -> bool;
    /// Gives the writer lock back if no transaction holds it.
    fn release_writer(&self);
    /// True when the last SQLITE_BUSY was a lock wait that timed out (else: a stale snapshot).
    fn lock_timed_out(&self) -> bool;
    /// The page store's message for the last failed commit, if any.
    fn take_store_error(&self) -> Option<String>;
    /// Changes when the pages changed under the connection (a backtrack).
    fn epoch(&self) -> u64;
}

/// Where a session reads the time: the caller's clock (Rewind's `Env`), never the host's.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Where a session draws random bits: the caller's seeded generator (Rewind's `Env`).
pub type Random = Arc<dyn Fn() -> u64 + Send + Sync>;

/// Who is connected and to what: fixed for the life of a connection.
#[derive(Clone)]
pub struct SessionConfig {
    /// `user@host`, as USER() shows it.
    pub user: String,
    /// A reader instance: every write fails with error 1290.
    pub read_only: bool,
    /// `@@version`, e.g. `8.0.32`.
    pub version: String,
    /// `@@aurora_version`, e.g. `3.05.2`.
    pub aurora_version: String,
    /// CONNECTION_ID().
    pub connection_id: u32,
    /// Rows of `information_schema.aurora_db_cluster`.
    pub cluster_info: Arc<dyn ClusterInfo>,
    /// The clock NOW() and `DEFAULT CURRENT_TIMESTAMP` read (Rewind's clock, which tests move).
    pub clock: Clock,
    /// Where UUID() draws its random bits.
    pub random: Random,
    /// The cluster's AUTO_INCREMENT high-water marks, shared by its sessions.
    pub auto_increments: Arc<AutoIncrements>,
    /// The server's other sessions, for SHOW PROCESSLIST and KILL.
    pub processes: Arc<dyn Processes>,
    /// The cluster's GET_LOCK locks, shared by its sessions.
    pub user_locks: Arc<UserLocks>,
}

/// One session as SHOW PROCESSLIST shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// CONNECTION_ID().
    pub id: u32,
    /// The user logged in.
    pub user: String,
    /// The client's address.
    pub host: String,
    /// The current database.
    pub db: Option<String>,
    /// `Query` while a statement runs, else `Sleep`.
    pub command: String,
    /// Seconds in the current command.
    pub time: u64,
    /// The statement running, if any.
    pub info: Option<String>,
}

/// The sessions of a server (the caller keeps the registry): what SHOW PROCESSLIST lists and
/// KILL stops.
pub trait Processes: Send + Sync {
    /// Every session of this server, this one included.
    fn list(&self) -> Vec<Process>;
    /// Interrupts session `id`'s running statement, and with `connection` also closes it;
    /// false when there is no such session.
    fn kill(&self, id: u32, connection: bool) -> bool;
}

/// No registry: the session sees only itself and can kill nobody.
#[derive(Debug, Default)]
pub struct NoProcesses;

impl Processes for NoProcesses {
    fn list(&self) -> Vec<Process> {
        Vec::new()
    }
    fn kill(&self, _: u32, _: bool) -> bool {
        false
    }
}

/// The highest AUTO_INCREMENT value handed out per table, outside any transaction: as in
/// InnoDB, a value a rolled-back insert took is not handed out again (SQLite's own counter
/// rolls back with the transaction). Shared by a cluster's sessions; forgotten when the
/// page space's epoch changes (a backtrack restores the counters with the data).
#[derive(Debug, Default)]
pub struct AutoIncrements {
    highest: std::sync::Mutex<(u64, HashMap<String, i64>)>,
}

impl AutoIncrements {
    /// The highest value handed out for `table` in `epoch`.
    pub(crate) fn get(&self, epoch: u64, table: &str) -> Option<i64> {
        let mut g = self.highest.lock().unwrap_or_else(|p| p.into_inner());
        if g.0 != epoch {
            *g = (epoch, HashMap::new());
        }
        g.1.get(table).copied()
    }

    /// Records that `value` was handed out for `table`.
    pub(crate) fn note(&self, epoch: u64, table: &str, value: i64) {
        let mut g = self.highest.lock().unwrap_or_else(|p| p.into_inner());
        if g.0 != epoch {
            *g = (epoch, HashMap::new());
        }
        let e = g.1.entry(table.to_owned()).or_insert(value);
        *e = (*e).max(value);
    }

    /// Forgets `table`'s mark (TRUNCATE, DROP).
    pub(crate) fn forget(&self, table: &str) {
        let mut g = self.highest.lock().unwrap_or_else(|p| p.into_inner());
        g.1.remove(table);
    }
}

impl std::fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionConfig")
            .field("user", &self.user)
            .field("read_only", &self.read_only)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl SessionConfig {
    /// A writer session for `user@host` reading time from `clock`, with Aurora MySQL
    /// 3.05.2's versions.
    pub fn new(user: impl Into<String>, clock: Clock, random: Random) -> Self {
        Self {
            user: user.into(),
            read_only: false,
            version: "8.0.32".to_owned(),
            aurora_version: "3.05.2".to_owned(),
            connection_id: 1,
            cluster_info: Arc::new(NoClusterInfo),
            clock,
            random,
            auto_increments: Arc::new(AutoIncrements::default()),
            processes: Arc::new(NoProcesses),
            user_locks: Arc::default(),
        }
    }

    /// Shares a cluster's GET_LOCK locks with this session.
    pub fn with_user_locks(mut self, locks: Arc<UserLocks>) -> Self {
        self.user_locks = locks;
        self
    }

    /// Sets the registry SHOW PROCESSLIST and KILL use.
    pub fn with_processes(mut self, processes: Arc<dyn Processes>) -> Self {
        self.processes = processes;
        self
    }

    /// Shares a cluster's AUTO_INCREMENT marks with this session.
    pub fn with_auto_increments(mut self, marks: Arc<AutoIncrements>) -> Self {
        self.auto_increments = marks;
        self
    }

    /// Versions from an RDS engine version: `8.0.mysql_aurora.3.05.2` gives `@@version`
    /// `8.0.32` and `@@aurora_version` `3.05.2`.
    pub fn with_engine_version(mut self, engine_version: &str) -> Self {
        if let Some((mysql, aurora)) = engine_version.split_once(".mysql_aurora.") {
            let minor: String = aurora.split('.').take(2).collect::<Vec<_>>().join(".");
            self.version = match (mysql, minor.as_str()) {
                ("5.7", _) => "5.7.12",
                (_, "3.01" | "3.02") => "8.0.23",
                (_, "3.03") => "8.0.26",
                (_, "3.04") => "8.0.28",
                (_, "3.06") => "8.0.34",
                (_, "3.07") => "8.0.36",
                (_, "3.08") => "8.0.39",
                _ => "8.0.32",
            }
            .to_owned();
            self.aurora_version = aurora.to_owned();
        }
        self
    }

    /// Makes the session a reader's (or a writer's).
    pub fn with_read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Sets where `information_schema.aurora_db_cluster` reads from.
    pub fn with_cluster_info(mut self, info: Arc<dyn ClusterInfo>) -> Self {
        self.cluster_info = info;
        self
    }

    /// Sets CONNECTION_ID().
    pub fn with_connection_id(mut self, id: u32) -> Self {
        self.connection_id = id;
        self
    }
}

/// Table definitions by (database, table); None remembers a table that does not exist.
pub(crate) type TableCache = HashMap<(String, String), Option<(Kind, Arc<Table>)>>;

/// Per-connection state; see the module docs.
pub struct Session {
    pub(crate) storage: Box<dyn Storage>,
    pub(crate) config: SessionConfig,
    pub(crate) database: Option<String>,
    pub(crate) autocommit: bool,
    /// A MySQL transaction is open (BEGIN, or a statement with autocommit off).
    pub(crate) explicit: bool,
    /// The open transaction holds the writer lock and has written.
    pub(crate) wrote: bool,
    pub(crate) vars: BTreeMap<String, Value>,
    /// User variables (`@x`), shared with the SQLite functions behind `@x := expr`.
    pub(crate) user_vars: Arc<std::sync::Mutex<HashMap<String, Value>>>,
    pub(crate) last_insert_id: u64,
    pub(crate) found_rows: u64,
    pub(crate) row_count: i64,
    /// Table definitions read from the dictionary, valid while its version is unchanged.
    pub(crate) tables: TableCache,
    pub(crate) tables_version: (i64, i64),
    /// The open transaction's savepoints, oldest first, as MySQL keeps them (a name set
    /// again moves); set again in SQLite when the first write moves the transaction to a
    /// new SQLite transaction.
    pub(crate) savepoints: Vec<String>,
    /// Where `LAST_INSERT_ID(expr)` leaves its value during a statement.
    pub(crate) set_last_insert_id: Arc<std::sync::Mutex<Option<u64>>>,
    /// Type hints of the result columns of the query about to run (see
    /// [`crate::translate::type_hint`]).
    pub(crate) hints: Vec<Option<&'static str>>,
    /// When the running SELECT must stop (`max_execution_time`), read by SQLite's progress
    /// handler.
    pub(crate) deadline: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
    /// The last statement's diagnostics (level, code, message), as SHOW WARNINGS lists them.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The open transaction's access mode when START TRANSACTION gave one (true: READ
    /// ONLY); None follows the session's `transaction_read_only`.
    pub(crate) transaction_read_only: Option<bool>,
    /// The open XA transaction.
    pub(crate) xa: Option<crate::txn::Xa>,
    /// The tables LOCK TABLES holds, until UNLOCK TABLES.
    pub(crate) table_locks: Option<Vec<crate::txn::TableLock>>,
    /// Prepared SELECTs compiled to SQLite statements (see `prepared.rs`).
    pub(crate) plans: crate::prepared::Plans,
    /// The dictionary version was read for the statement running, which cannot change it:
    /// table lookups need not read it again.
    pub(crate) dictionary_checked: bool,
    /// Set by [`crate::Interrupt`] (KILL, a client gone), watched by a waiting GET_LOCK;
    /// cleared when the next statements start.
    pub(crate) interrupted: Arc<std::sync::atomic::AtomicBool>,
}

/// One SHOW WARNINGS row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    /// "Note", "Warning" or "Error".
    pub(crate) level: &'static str,
    pub(crate) code: u16,
    pub(crate) message: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.config)
            .field("database", &self.database)
            .field("autocommit", &self.autocommit)
            .field("explicit", &self.explicit)
            .finish_non_exhaustive()
    }
}

/// The last UUID() timestamp handed out in this process: a frozen or repeated clock still
/// gives every UUID its own time, as MySQL's generator does.
static LAST_UUID_TIME: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Session {
    /// MySQL's UUID(): version 1, its time from the session clock (100 ns steps since
    /// 1582-10-15), its clock sequence (low 14 bits) and node (high 48 bits) from one draw of
    /// the session's random source.
    fn uuid(&self) -> String {
        use std::sync::atomic::Ordering;
        let now = (self.config.clock)();
        let ticks = u64::try_from(now.timestamp_nanos_opt().unwrap_or(0) / 100).unwrap_or(0)
            + 0x01B2_1DD2_1381_4000;
        let mut last = LAST_UUID_TIME.load(Ordering::Relaxed);
        let t = loop {
            let next = ticks.max(last + 1);
            match LAST_UUID_TIME.compare_exchange(last, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => break next,
                Err(seen) => last = seen,
            }
        };
        let r = (self.config.random)();
        let clock_seq = (r & 0x3FFF) | 0x8000;
        let node = r >> 16;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            t & 0xFFFF_FFFF,
            (t >> 32) & 0xFFFF,
            ((t >> 48) & 0x0FFF) | 0x1000,
            clock_seq,
            node
        )
    }
}

/// A multiple-table UPDATE's table list with its commas as CROSS JOINs; None when there
/// are none.
fn update_commas_as_joins(text: &str) -> Option<String> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .ok()?;
    let mut depth = 0i32;
    let mut commas = Vec::new();
    for t in &tokens {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Word(w)
                if depth == 0 && w.quote_style.is_none() && w.value.eq_ignore_ascii_case("SET") =>
            {
                break;
            }
            Token::Comma if depth == 0 => {
                commas.push(crate::split::offset(
                    text,
                    t.span.start.line,
                    t.span.start.column,
                ));
            }
            _ => {}
        }
    }
    if commas.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + commas.len() * 12);
    let mut from = 0;
    for at in commas {
        out.push_str(&text[from..at]);
        out.push_str(" CROSS JOIN ");
        from = at + 1;
    }
    out.push_str(&text[from..]);
    Some(out)
}

/// True for the statements that read the diagnostics of the one before (SHOW WARNINGS,
/// SHOW ERRORS, SHOW COUNT(*) ..., and @@warning_count / @@error_count) instead of starting
/// their own.
fn reads_diagnostics(text: &str) -> bool {
    // Most statements are neither: their first word, found by a byte scan, says so without
    // tokenizing the text (a prepared UPDATE spent 6% of its time here).
    if let Some(first) = plain_first_word(text) {
        if !first.eq_ignore_ascii_case("SHOW") && !first.eq_ignore_ascii_case("SELECT") {
            return false;
        }
    }
    let w = words(text, 2);
    match w.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["SHOW", "WARNINGS" | "ERRORS" | "COUNT"] => true,
        ["SELECT", ..] => {
            let lower = text.to_ascii_lowercase();
            lower.contains("warning_count") || lower.contains("error_count")
        }
        _ => false,
    }
}

/// The first word of `text` when it plainly starts with one (after blanks, `--`/`#` line
/// comments and `/* */` comments); None when anything else comes first (a parenthesis, an
/// executable `/*! */` comment, a quote), which the tokenizer must read.
fn plain_first_word(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        match bytes.get(i..) {
            Some([b' ' | b'\t' | b'\n' | b'\r', ..]) => i += 1,
            Some([b'/', b'*', b'!', ..]) => return None,
            Some([b'/', b'*', ..]) => {
                let end = text[i + 2..].find("*/")?;
                i += 2 + end + 2;
            }
            Some([b'-', b'-', b' ' | b'\t' | b'\n', ..]) | Some([b'#', ..]) => {
                i += text[i..].find('\n')? + 1;
            }
            _ => break,
        }
    }
    let word_len = bytes[i..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let after = bytes.get(i + word_len).copied();
    let ends_word = after.is_none_or(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$'));
    (word_len > 0 && ends_word).then(|| &text[i..i + word_len])
}

/// `UPDATE [LOW_PRIORITY] IGNORE ...` as `UPDATE OR IGNORE ...`, the form sqlparser reads
/// (it takes MySQL's IGNORE for the table's name); None for other UPDATEs.
fn update_ignore_as_or(text: &str) -> Option<String> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .ok()?;
    let mut words = tokens.iter().filter_map(|t| match &t.token {
        Token::Word(w) if w.quote_style.is_none() => Some((w.value.to_ascii_uppercase(), t)),
        Token::Whitespace(_) => None,
        _ => Some((String::new(), t)),
    });
    let (first, _) = words.next()?;
    let (mut next, mut at) = words.next()?;
    let mut start = None;
    if first != "UPDATE" {
        return None;
    }
    if next == "LOW_PRIORITY" {
        start = Some(at);
        (next, at) = words.next()?;
    }
    if next != "IGNORE" {
        return None;
    }
    let from = crate::split::offset(
        text,
        start.unwrap_or(at).span.start.line,
        start.unwrap_or(at).span.start.column,
    );
    let to = crate::split::offset(text, at.span.end.line, at.span.end.column);
    Some(format!("{}OR IGNORE{}", &text[..from], &text[to..]))
}

/// A query's `LOCK IN SHARE MODE` (outside parentheses) as `FOR SHARE`, which sqlparser
/// reads; None without it.
fn lock_in_share_mode_as_for_share(text: &str) -> Option<String> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .ok()?;
    let mut depth = 0i32;
    let mut words = Vec::new();
    for t in &tokens {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Word(w) if depth == 0 && w.quote_style.is_none() => {
                words.push((w.value.to_ascii_uppercase(), t.span));
            }
            Token::Whitespace(_) => {}
            _ => words.push((String::new(), t.span)),
        }
    }
    let at = words.windows(4).position(|w| {
        w.iter()
            .map(|(word, _)| word.as_str())
            .eq(["LOCK", "IN", "SHARE", "MODE"])
    })?;
    let (start, end) = (words[at].1.start, words[at + 3].1.end);
    let from = crate::split::offset(text, start.line, start.column);
    let to = crate::split::offset(text, end.line, end.column);
    Some(format!("{}FOR SHARE{}", &text[..from], &text[to..]))
}

/// DROP INDEX's text without its trailing ALGORITHM and LOCK options; None without them.
fn without_index_options(text: &str) -> Option<String> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .ok()?;
    let mut seen_on = false;
    for t in &tokens {
        if let Token::Word(w) = &t.token {
            if w.quote_style.is_some() {
                continue;
            }
            if w.value.eq_ignore_ascii_case("ON") {
                seen_on = true;
            } else if seen_on
                && (w.value.eq_ignore_ascii_case("ALGORITHM")
                    || w.value.eq_ignore_ascii_case("LOCK"))
            {
                let at = crate::split::offset(text, t.span.start.line, t.span.start.column);
                return Some(text[..at].to_owned());
            }
        }
    }
    None
}

/// `CREATE SCHEMA ...` as `CREATE DATABASE ...`.
fn schema_as_database(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    match lower.find("schema") {
        Some(at) => format!("{}DATABASE{}", &text[..at], &text[at + "schema".len()..]),
        None => text.to_owned(),
    }
}

/// A panic's message as error 1105.
fn panic_error(payload: &(dyn std::any::Any + Send)) -> SqlError {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    SqlError::unknown(format!("Internal error: {message}"))
}

/// An OK with `affected` rows.
pub(crate) fn ok(affected: u64) -> OkPacket {
    OkPacket {
        affected_rows: affected,
        matched_rows: affected,
        ..OkPacket::default()
    }
}

impl Session {
    /// A session over `storage`, whose connection already has Rewind's functions and
    /// collations registered.
    pub fn new(storage: Box<dyn Storage>, config: SessionConfig) -> Self {
        // Room for the statements a workload repeats (prepared SELECTs run as the same
        // SQLite text each time) besides the session's own (rusqlite keeps 16 by default).
        storage.sqlite().set_prepared_statement_cache_capacity(128);
        let set_last_insert_id = Arc::new(std::sync::Mutex::new(None));
        let cell = set_last_insert_id.clone();
        // LAST_INSERT_ID(expr): the statement hands the value back through this cell.
        let _ = storage.sqlite().create_scalar_function(
            "rewind_set_last_insert_id",
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            move |ctx| {
                let v: Value = ctx.get(0)?;
                let n = match &v {
                    Value::Integer(n) => *n,
                    Value::Real(r) => r.round() as i64,
                    Value::Text(t) => t.trim().parse::<f64>().map_or(0, |r| r.round() as i64),
                    _ => 0,
                };
                *cell.lock().unwrap_or_else(|p| p.into_inner()) = Some(n as u64);
                Ok(match v {
                    Value::Null => Value::Null,
                    _ => Value::Integer(n),
                })
            },
        );
        // rewind_check(ok, 'code: message'): a statement's own check, failing it with a
        // MySQL error (not deterministic, so SQLite evaluates it where it is written).
        let _ = storage.sqlite().create_scalar_function(
            crate::forms::CHECK,
            2,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            |ctx| {
                let ok: Option<f64> = ctx.get(0)?;
                if ok.is_some_and(|v| v != 0.0) {
                    return Ok(1i64);
                }
                let message: String = ctx.get(1)?;
                Err(rusqlite::Error::UserFunctionError(message.into()))
            },
        );
        let user_vars = Arc::new(std::sync::Mutex::new(HashMap::<String, Value>::new()));
        let read = user_vars.clone();
        let _ = storage.sqlite().create_scalar_function(
            crate::translate::USER_VARIABLE_GET,
            1,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            move |ctx| {
                let name: String = ctx.get(0)?;
                let vars = read.lock().unwrap_or_else(|p| p.into_inner());
                Ok(vars.get(&name).cloned().unwrap_or(Value::Null))
            },
        );
        let write = user_vars.clone();
        let _ = storage.sqlite().create_scalar_function(
            crate::translate::USER_VARIABLE_SET,
            2,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            move |ctx| {
                let name: String = ctx.get(0)?;
                let value: Value = ctx.get(1)?;
                let mut vars = write.lock().unwrap_or_else(|p| p.into_inner());
                vars.insert(name, value.clone());
                Ok(value)
            },
        );
        let interrupted = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let _ = crate::user_locks::register(
            storage.sqlite(),
            config.user_locks.holder(config.connection_id),
            interrupted.clone(),
        );
        Self {
            interrupted,
            set_last_insert_id,
            storage,
            config,
            database: None,
            autocommit: true,
            explicit: false,
            wrote: false,
            vars: BTreeMap::new(),
            user_vars,
            last_insert_id: 0,
            found_rows: 0,
            row_count: -1,
            tables: HashMap::new(),
            tables_version: (-1, -1),
            savepoints: Vec::new(),
            hints: Vec::new(),
            deadline: Arc::new(std::sync::Mutex::new(None)),
            diagnostics: Vec::new(),
            transaction_read_only: None,
            xa: None,
            table_locks: None,
            plans: crate::prepared::Plans::default(),
            dictionary_checked: false,
        }
    }

    /// The current database.
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// The autocommit setting.
    pub fn autocommit(&self) -> bool {
        self.autocommit
    }

    /// True while a transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.explicit
    }

    /// LAST_INSERT_ID(): the first id the session's last generating INSERT produced.
    pub fn last_insert_id(&self) -> u64 {
        self.last_insert_id
    }

    /// Makes the session a reader's or a writer's, as a failover turns a reader instance's
    /// open connections into the writer's without reconnecting.
    pub fn set_read_only(&mut self, read_only: bool) {
        self.config.read_only = read_only;
    }

    /// The SQLite connection.
    pub(crate) fn conn(&self) -> &Connection {
        self.storage.sqlite()
    }

    /// Runs every statement of `text`, stopping at the first error, as MySQL does for a
    /// multi-statement query.
    pub fn run(&mut self, text: &str) -> Vec<Outcome> {
        let statements = match split(text) {
            Ok(s) => s,
            Err(e) => return vec![Outcome::Error(e)],
        };
        if statements.is_empty() {
            return vec![Outcome::Error(SqlError::empty_query())];
        }
        self.interrupted
            .store(false, std::sync::atomic::Ordering::Release);
        let mut out = Vec::new();
        for s in statements {
            let outcome = self.run_one(reads_diagnostics(&s), |session| session.statement(&s));
            let failed = matches!(outcome, Outcome::Error(_));
            out.push(outcome);
            if failed {
                break;
            }
        }
        out
    }

    /// Runs one statement by `f` with what every statement gets: its own diagnostics (unless
    /// it reads the previous statement's: SHOW WARNINGS, @@warning_count), a panic as its
    /// error, LAST_INSERT_ID(expr)'s value taken, the OK stamped with the session's state.
    pub(crate) fn run_one(
        &mut self,
        reads_diagnostics: bool,
        f: impl FnOnce(&mut Self) -> Result<Outcome, SqlError>,
    ) -> Outcome {
        if !reads_diagnostics {
            self.diagnostics.clear();
            mysql_functions::take_warnings();
        }
        // A panic underneath (a bug, a failing store) is this statement's error, not the
        // end of the connection.
        let result = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self))) {
            Ok(r) => r,
            Err(payload) => {
                // An autocommitted statement's half-done work goes, and the writer
                // lock with it (the storage may panic again: that is ignored).
                if !self.explicit {
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.rollback_sqlite();
                    }));
                }
                Err(panic_error(payload.as_ref()))
            }
        };
        self.dictionary_checked = false;
        let mut outcome = match result {
            Ok(o) => o,
            Err(e) => Outcome::Error(e),
        };
        let set = self
            .set_last_insert_id
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let (Some(id), false) = (set, matches!(outcome, Outcome::Error(_))) {
            self.last_insert_id = id;
            if let Outcome::Ok(ok) = &mut outcome {
                ok.last_insert_id = id;
            }
        }
        if !reads_diagnostics {
            if let Outcome::Error(e) = &outcome {
                self.diagnostics = vec![Diagnostic {
                    level: "Error",
                    code: e.code,
                    message: e.message.clone(),
                }];
            } else {
                self.take_value_warnings();
            }
        }
        match outcome {
            Outcome::Ok(mut ok) => {
                let listed = u16::try_from(self.diagnostics.len()).unwrap_or(u16::MAX);
                ok.warnings = ok.warnings.max(listed);
                Outcome::Ok(self.stamp(ok))
            }
            other => other,
        }
    }

    /// Moves the warnings `mysql_assign` raised into the statement's diagnostics; how many
    /// there are now.
    pub(crate) fn take_value_warnings(&mut self) -> usize {
        self.diagnostics.extend(
            mysql_functions::take_warnings()
                .into_iter()
                .map(|w| Diagnostic {
                    level: "Warning",
                    code: w.code,
                    message: w.message,
                }),
        );
        self.diagnostics.len()
    }

    /// True when the session's sql_mode has `mode` (upper case).
    pub(crate) fn sql_mode_has(&self, mode: &str) -> bool {
        match self.system_value("sql_mode") {
            Some(Value::Text(t)) => t.to_ascii_uppercase().split(',').any(|m| m.trim() == mode),
            _ => true,
        }
    }

    /// True when the session's sql_mode refuses values that do not fit their column
    /// (STRICT_TRANS_TABLES, STRICT_ALL_TABLES, or TRADITIONAL which includes them).
    pub(crate) fn strict_mode(&self) -> bool {
        let mode = match self.system_value("sql_mode") {
            Some(Value::Text(t)) => t.to_ascii_uppercase(),
            _ => return true,
        };
        mode.split(',').any(|m| {
            matches!(
                m.trim(),
                "STRICT_TRANS_TABLES" | "STRICT_ALL_TABLES" | "TRADITIONAL"
            )
        })
    }

    fn stamp(&self, mut ok: OkPacket) -> OkPacket {
        ok.in_transaction = self.explicit;
        ok.autocommit = self.autocommit;
        ok
    }

    /// The session's lock wait (`innodb_lock_wait_timeout`).
    pub(crate) fn lock_wait(&self) -> Duration {
        let secs = match self.system_value("innodb_lock_wait_timeout") {
            Some(Value::Integer(n)) => n.max(1) as u64,
            _ => 50,
        };
        Duration::from_secs(secs)
    }

    /// The session's `net_read_timeout`: how long the wire waits for the rest of a packet
    /// the client has begun to send.
    pub fn net_read_timeout(&self) -> Duration {
        match self.system_value("net_read_timeout") {
            Some(Value::Integer(n)) => Duration::from_secs(n.max(1) as u64),
            _ => Duration::from_secs(30),
        }
    }

    /// A system variable's current value for this session.
    pub(crate) fn system_value(&self, name: &str) -> Option<Value> {
        let name = name.to_ascii_lowercase();
        if let Some(v) = self.vars.get(&name) {
            return Some(v.clone());
        }
        Some(match name.as_str() {
            "autocommit" => Value::Integer(i64::from(self.autocommit)),
            "version" => Value::Text(self.config.version.clone()),
            "aurora_version" => Value::Text(self.config.aurora_version.clone()),
            "version_comment" => Value::Text("Source distribution".into()),
            "hostname" => Value::Text("localhost".into()),
            "read_only" | "innodb_read_only" | "super_read_only" => {
                Value::Integer(i64::from(self.config.read_only))
            }
            "identity" | "last_insert_id" => Value::Integer(self.last_insert_id as i64),
            "warning_count" => Value::Integer(self.diagnostics.len() as i64),
            "error_count" => Value::Integer(
                self.diagnostics
                    .iter()
                    .filter(|d| d.level == "Error")
                    .count() as i64,
            ),
            "server_id" => Value::Integer(1),
            _ => return default_var(&name),
        })
    }

    /// The session's clock, as MySQL's DATETIME text.
    pub(crate) fn now_text(&self) -> String {
        (self.config.clock)()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    fn statement(&mut self, text: &str) -> Result<Outcome, SqlError> {
        let w = words(text, 10);
        let first: Vec<&str> = w.iter().map(String::as_str).collect();
        if let Some(what) = unsupported(&w) {
            return Err(SqlError::not_supported(what));
        }
        match first.as_slice() {
            ["LOCK", "TABLES" | "TABLE", ..] => return self.lock_tables(text),
            ["UNLOCK", "TABLES" | "TABLE", ..] => return self.unlock_tables(),
            ["START", "TRANSACTION", ..] => return self.start_transaction(text),
            ["XA", ..] => return self.xa(text),
            ["ALTER", "TABLE", .., "DISABLE" | "ENABLE", "KEYS"] => return Ok(Outcome::Ok(ok(0))),
            ["SHOW", ..] => return self.show(text, &first),
            ["ANALYZE" | "OPTIMIZE" | "CHECK" | "REPAIR", "TABLE" | "TABLES", ..]
            | ["ANALYZE" | "OPTIMIZE" | "REPAIR", "LOCAL" | "NO_WRITE_TO_BINLOG", "TABLE" | "TABLES", ..] => {
                return self.table_maintenance(text)
            }
            ["KILL", ..] => return self.kill(&w),
            _ => {}
        }
        // A SET list with NAMES among other items, which sqlparser reads wrong or not at
        // all: its items run one by one, stopping at the first error as MySQL does.
        if first.first() == Some(&"SET") {
            if let Some(text) = crate::set::colon_assignments_as_eq(text) {
                return self.statement(&text);
            }
            if let Some(items) = crate::set::set_items(text) {
                let mut last = Outcome::Ok(ok(0));
                for item in items {
                    let statement = self.parse(&item)?;
                    last = self.dispatch(statement, &item)?;
                }
                return Ok(last);
            }
        }
        if let ["UPDATE", ..] = first.as_slice() {
            let ignore = update_ignore_as_or(text);
            let text = ignore.as_deref().unwrap_or(text);
            // UPDATE a, b SET ...: the comma join sqlparser reads only as CROSS JOIN.
            return match self.parse(text) {
                Ok(statement) => self.dispatch(statement, text),
                Err(e) => match update_commas_as_joins(text).map(|j| (self.parse(&j), j)) {
                    Some((Ok(statement), joined)) => self.dispatch(statement, &joined),
                    _ => Err(e),
                },
            };
        }
        if let ["DROP", "INDEX", ..] = first.as_slice() {
            // DROP INDEX ... ALGORITHM=... LOCK=...: options with no effect here, which
            // sqlparser does not read.
            if let Some(text) = without_index_options(text) {
                let statement = self.parse(&text)?;
                return self.dispatch(statement, &text);
            }
        }
        if let ["ALTER", "TABLE", ..] = first.as_slice() {
            // RENAME INDEX, table options, CONVERT TO CHARACTER SET: read from the text.
            if let Err(e) = self.parse(text) {
                return self.alter_table_text(text).unwrap_or(Err(e));
            }
        }
        if let ["CREATE", "SCHEMA", ..] = first.as_slice() {
            // CREATE SCHEMA is CREATE DATABASE, options and all (sqlparser reads the
            // options only after DATABASE).
            let text = schema_as_database(text);
            let statement = self.parse(&text)?;
            return self.dispatch(statement, &text);
        }
        if matches!(first.as_slice(), ["CREATE" | "ALTER", ..]) && first.contains(&"VIEW") {
            // WITH ... CHECK OPTION, which sqlparser does not read: the view reads it from
            // the text.
            if let Some((end, _)) = crate::views::check_option(text) {
                let statement = self.parse(&text[..end])?;
                return self.dispatch(statement, text);
            }
        }
        let statement = match self.parse(text) {
            Ok(statement) => statement,
            // SELECT ... LOCK IN SHARE MODE is MySQL's older spelling of FOR SHARE.
            Err(e) => match lock_in_share_mode_as_for_share(text) {
                Some(shared) => return self.dispatch(self.parse(&shared)?, &shared),
                None => return Err(e),
            },
        };
        self.dispatch(statement, text)
    }

    /// KILL [CONNECTION | QUERY] id.
    fn kill(&mut self, words: &[String]) -> Result<Outcome, SqlError> {
        let (connection, id) = match words {
            [_, q, id, ..] if q == "QUERY" => (false, id),
            [_, c, id, ..] if c == "CONNECTION" => (true, id),
            [_, id, ..] => (true, id),
            _ => return Err(SqlError::syntax("", 1)),
        };
        let id: u32 = id.parse().map_err(|_| SqlError::syntax(id, 1))?;
        if !self.config.processes.kill(id, connection) {
            return Err(SqlError::new(
                1094,
                "HY000",
                format!("Unknown thread id: {id}"),
            ));
        }
        Ok(Outcome::Ok(ok(0)))
    }

    /// Interrupts the statement this session is running, from another thread (KILL QUERY,
    /// a closed endpoint).
    pub fn interrupt_handle(&self) -> crate::Interrupt {
        crate::Interrupt::new(self.conn().get_interrupt_handle(), self.interrupted.clone())
    }

    /// Parses one statement's text.
    pub(crate) fn parse(&self, text: &str) -> Result<Statement, SqlError> {
        let dialect = MySqlDialect {};
        let tokens = sqlparser::tokenizer::Tokenizer::new(&dialect, text)
            .with_unescape(true)
            .tokenize_with_location()
            .map_err(|e| parse_error(text, &e.into()))?;
        let mut parser = Parser::new(&dialect).with_tokens_with_locations(mysql_forms(tokens));
        let statement = parser
            .parse_statement()
            .map_err(|e| parse_error(text, &e))?;
        // Anything after the statement is a syntax error where it starts.
        while parser.consume_token(&sqlparser::tokenizer::Token::SemiColon) {}
        let rest = parser.peek_token();
        if rest.token != sqlparser::tokenizer::Token::EOF {
            let at = crate::split::offset(text, rest.span.start.line, rest.span.start.column);
            return Err(SqlError::syntax(&text[at..], rest.span.start.line));
        }
        Ok(statement)
    }

    fn dispatch(&mut self, statement: Statement, text: &str) -> Result<Outcome, SqlError> {
        use Statement as S;
        match statement {
            S::Query(q) => {
                // One read of the dictionary's version for the whole SELECT, which cannot
                // change it (its table lookups would each read it again).
                self.dictionary_version()?;
                self.dictionary_checked = true;
                let result = self.query(*q, text);
                self.dictionary_checked = false;
                result
            }
            S::Insert(i) => {
                self.check_transaction_writable()?;
                self.write(|s| s.insert(i, text))
            }
            S::Update(u) => {
                self.check_transaction_writable()?;
                self.write(|s| s.update(u, text))
            }
            S::Delete(d) => {
                self.check_transaction_writable()?;
                self.write(|s| s.delete(d, text))
            }
            S::StartTransaction { .. } => {
                self.begin_transaction()?;
                Ok(Outcome::Ok(ok(0)))
            }
            S::Commit { .. } => {
                self.check_no_xa()?;
                self.commit_open().map(|()| Outcome::Ok(ok(0)))
            }
            S::Rollback { savepoint, .. } => match savepoint {
                Some(name) => self.rollback_to(&name.value),
                None => {
                    self.check_no_xa()?;
                    self.rollback_open();
                    Ok(Outcome::Ok(ok(0)))
                }
            },
            S::Savepoint { name } => self.savepoint(&name.value),
            S::ReleaseSavepoint { name } => self.release_savepoint(&name.value),
            S::Use(u) => self.use_database(&u),
            S::Set(set) => self.set(set, text),
            S::ExplainTable { table_name, .. } => self.describe_table(&table_name, false, None),
            S::Explain {
                statement,
                analyze,
                format,
                ..
            } => self.explain(*statement, analyze, format),
            other => self.ddl(other, text),
        }
    }

    /// Runs `f` as a write: in its own SQLite transaction under the writer lock when
    /// autocommitting, else inside the open transaction (taking the writer lock at its first
    /// write).
    pub(crate) fn write(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<Outcome, SqlError>,
    ) -> Result<Outcome, SqlError> {
        if self.config.read_only {
            return Err(SqlError::read_only());
        }
        self.ensure_dictionary()?;
        if !self.autocommit {
            self.explicit = true;
        }
        if self.explicit {
            if !self.wrote {
                self.start_writing()?;
            }
            return self.in_savepoint(f);
        }
        self.begin_write()?;
        match f(self) {
            Ok(outcome) => {
                self.commit_sqlite()?;
                Ok(outcome)
            }
            Err(e) => {
                self.rollback_sqlite();
                Err(e)
            }
        }
    }

    /// Runs `f` so that, if it fails, what it did is undone and the transaction goes on (a
    /// failed statement in a MySQL transaction leaves the earlier ones in place).
    fn in_savepoint(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<Outcome, SqlError>,
    ) -> Result<Outcome, SqlError> {
        self.exec_cached("SAVEPOINT rewind_statement")?;
        match f(self) {
            Ok(o) => {
                self.exec_cached("RELEASE rewind_statement")?;
                Ok(o)
            }
            Err(e) => {
                let _ = self.exec("ROLLBACK TO rewind_statement");
                let _ = self.exec("RELEASE rewind_statement");
                Err(e)
            }
        }
    }

    /// Takes the writer lock and opens a SQLite write transaction on the newest snapshot.
    fn begin_write(&mut self) -> Result<(), SqlError> {
        if !self.storage.acquire_writer(self.lock_wait()) {
            return Err(SqlError::lock_wait_timeout());
        }
        if let Err(e) = self.exec_cached("BEGIN IMMEDIATE") {
            self.storage.release_writer();
            return Err(e);
        }
        Ok(())
    }

    /// The open MySQL transaction's first write: it must hold the writer lock on the newest
    /// snapshot. A transaction that has only read moves to the newest snapshot (InnoDB's
    /// writes read the newest rows too); its reads so far have no effect to keep.
    fn start_writing(&mut self) -> Result<(), SqlError> {
        if !self.conn().is_autocommit() {
            // Reads so far pinned a snapshot that may be stale: start over on the newest.
            self.rollback_sqlite();
        }
        self.begin_write()?;
        self.wrote = true;
        for name in self.savepoints.clone() {
            self.exec(&format!("SAVEPOINT {}", quote_ident(&name)))?;
        }
        Ok(())
    }

    /// Runs SQL without results.
    pub(crate) fn exec(&self, sql: &str) -> Result<(), SqlError> {
        self.conn()
            .execute_batch(sql)
            .map_err(|e| self.sqlite_error(e))
    }

    /// Runs one constant statement without results through SQLite's statement cache: every
    /// write repeats BEGIN IMMEDIATE, SAVEPOINT and RELEASE, which would be compiled anew.
    pub(crate) fn exec_cached(&self, sql: &str) -> Result<(), SqlError> {
        self.conn()
            .prepare_cached(sql)
            .and_then(|mut st| st.execute([]))
            .map(|_| ())
            .map_err(|e| self.sqlite_error(e))
    }

    /// Commits the SQLite transaction; the page store's refusal becomes the error.
    fn commit_sqlite(&mut self) -> Result<(), SqlError> {
        let result = self.conn().execute_batch("COMMIT");
        self.storage.release_writer();
        match result {
            Ok(()) => Ok(()),
            Err(e) => {
                let message = self.storage.take_store_error();
                if !self.conn().is_autocommit() {
                    let _ = self.conn().execute_batch("ROLLBACK");
                }
                Err(match message {
                    Some(m) => SqlError::new(1105, "HY000", format!("The commit was refused: {m}")),
                    None => self.sqlite_error(e),
                })
            }
        }
    }

    fn rollback_sqlite(&mut self) {
        if !self.conn().is_autocommit() {
            let _ = self.conn().execute_batch("ROLLBACK");
        }
        self.storage.release_writer();
    }

    /// Ends the open transaction with a commit (COMMIT, BEGIN, DDL's implicit commit).
    pub(crate) fn commit_open(&mut self) -> Result<(), SqlError> {
        let result = if self.conn().is_autocommit() {
            Ok(())
        } else {
            self.commit_sqlite()
        };
        self.explicit = false;
        self.wrote = false;
        self.savepoints.clear();
        self.transaction_read_only = None;
        self.storage.release_writer();
        result
    }

    /// Ends the open transaction, undoing it.
    pub(crate) fn rollback_open(&mut self) {
        self.rollback_sqlite();
        self.explicit = false;
        self.wrote = false;
        self.savepoints.clear();
        self.transaction_read_only = None;
    }

    fn savepoint(&mut self, name: &str) -> Result<Outcome, SqlError> {
        if !self.autocommit || self.explicit {
            self.explicit = true;
            if self.conn().is_autocommit() {
                self.exec("BEGIN")?;
            }
            self.exec(&format!("SAVEPOINT {}", quote_ident(name)))?;
            self.savepoints.retain(|s| !s.eq_ignore_ascii_case(name));
            self.savepoints.push(name.to_owned());
        }
        Ok(Outcome::Ok(ok(0)))
    }

    fn rollback_to(&mut self, name: &str) -> Result<Outcome, SqlError> {
        let at = self.savepoint_at(name)?;
        if self.conn().is_autocommit() {
            return Err(SqlError::new(
                1305,
                "42000",
                format!("SAVEPOINT {name} does not exist"),
            ));
        }
        self.conn()
            .execute_batch(&format!("ROLLBACK TO {}", quote_ident(name)))
            .map_err(|_| {
                SqlError::new(1305, "42000", format!("SAVEPOINT {name} does not exist"))
            })?;
        self.savepoints.truncate(at + 1);
        Ok(Outcome::Ok(ok(0)))
    }

    /// Where `name` is among the open transaction's savepoints; 1305 when it is not.
    fn savepoint_at(&self, name: &str) -> Result<usize, SqlError> {
        self.savepoints
            .iter()
            .position(|s| s.eq_ignore_ascii_case(name))
            .ok_or_else(|| SqlError::new(1305, "42000", format!("SAVEPOINT {name} does not exist")))
    }

    fn release_savepoint(&mut self, name: &str) -> Result<Outcome, SqlError> {
        let at = self.savepoint_at(name)?;
        if self.conn().is_autocommit() {
            return Err(SqlError::new(
                1305,
                "42000",
                format!("SAVEPOINT {name} does not exist"),
            ));
        }
        self.conn()
            .execute_batch(&format!("RELEASE {}", quote_ident(name)))
            .map_err(|_| {
                SqlError::new(1305, "42000", format!("SAVEPOINT {name} does not exist"))
            })?;
        self.savepoints.truncate(at);
        Ok(Outcome::Ok(ok(0)))
    }

    /// Opens a read transaction for a statement inside a MySQL transaction, so its snapshot
    /// lasts until COMMIT.
    pub(crate) fn before_read(&mut self) -> Result<(), SqlError> {
        if !self.autocommit {
            self.explicit = true;
        }
        if self.explicit && self.conn().is_autocommit() {
            self.exec_cached("BEGIN")?;
        }
        Ok(())
    }

    /// Creates the dictionary tables if this database has none yet (a new cluster).
    pub(crate) fn ensure_dictionary(&mut self) -> Result<(), SqlError> {
        if catalog::exists(self.conn())? {
            return Ok(());
        }
        let outer = !self.conn().is_autocommit();
        if outer {
            // Inside a transaction that already writes: create them there.
            return catalog::bootstrap(self.conn());
        }
        self.begin_write()?;
        if let Err(e) = catalog::bootstrap(self.conn()) {
            self.rollback_sqlite();
            return Err(e);
        }
        self.commit_sqlite()
    }

    /// The dictionary's version, the cache of table definitions dropped when it changed.
    pub(crate) fn dictionary_version(&mut self) -> Result<(i64, i64), SqlError> {
        let version = catalog::version(self.conn())?;
        if version != self.tables_version {
            self.tables.clear();
            // A cached SQLite statement prepared before the change reports its old columns
            // until its first step re-prepares it (`SELECT *` would lose an added column).
            self.conn().flush_prepared_statement_cache();
            self.tables_version = version;
        }
        Ok(version)
    }

    /// A table's definition, from the dictionary (cached while it is unchanged).
    pub(crate) fn table(
        &mut self,
        db: &str,
        name: &str,
    ) -> Result<Option<(Kind, Arc<Table>)>, SqlError> {
        if !self.dictionary_checked {
            self.dictionary_version()?;
        }
        let key = (db.to_owned(), name.to_owned());
        if let Some(hit) = self.tables.get(&key) {
            return Ok(hit.clone());
        }
        let found = catalog::table(self.conn(), db, name)?.map(|(k, t)| (k, Arc::new(t)));
        self.tables.insert(key, found.clone());
        Ok(found)
    }

    /// A base table's definition, or MySQL's 1146.
    pub(crate) fn base_table(&mut self, db: &str, name: &str) -> Result<Arc<Table>, SqlError> {
        match self.table(db, name)? {
            Some((Kind::Table, t)) => Ok(t),
            _ => Err(SqlError::no_such_table(db, name)),
        }
    }

    /// Maps a SQLite error to MySQL's.
    pub(crate) fn sqlite_error(&self, e: rusqlite::Error) -> SqlError {
        crate::errors::from_sqlite(&e, self.storage.lock_timed_out())
    }

    fn use_database(&mut self, u: &sqlparser::ast::Use) -> Result<Outcome, SqlError> {
        use sqlparser::ast::Use;
        let name = match u {
            Use::Object(n) | Use::Database(n) | Use::Schema(n) => n.to_string(),
            other => other.to_string(),
        };
        let name = name.trim_matches('`').to_owned();
        if !catalog::is_system(&name) && catalog::schema(self.conn(), &name)?.is_none() {
            return Err(SqlError::unknown_database(&name));
        }
        self.database = Some(name);
        Ok(Outcome::Ok(ok(0)))
    }
}

/// MySQL's 1064 for a parser error, quoting the text from where it failed.
/// The compound units of EXTRACT and INTERVAL, which sqlparser does not know.
const COMPOUND_UNITS: &[&str] = &[
    "YEAR_MONTH",
    "DAY_HOUR",
    "DAY_MINUTE",
    "DAY_SECOND",
    "DAY_MICROSECOND",
    "HOUR_MINUTE",
    "HOUR_SECOND",
    "HOUR_MICROSECOND",
    "MINUTE_SECOND",
    "MINUTE_MICROSECOND",
    "SECOND_MICROSECOND",
];

/// MySQL forms sqlparser does not parse, as tokens it does (the source text, which result
/// column names are read from, is unchanged):
/// - `a MOD b` (sqlparser knows `%` and the function `MOD(a, b)`): the word MOD right after an
///   operand becomes `%`;
/// - `EXTRACT(YEAR_MONTH FROM d)` with a compound unit: `mysql_extract('YEAR_MONTH', d)`;
/// - `INTERVAL '1:30' HOUR_MINUTE`: `INTERVAL '1:30' HOUR TO MINUTE`, which the translator
///   turns back into the compound unit;
/// - `CHAR(72, 105 USING utf8mb4)`: `CONVERT(CHAR(72, 105) USING utf8mb4)`;
/// - an index's `INVISIBLE` (or `VISIBLE`) after its key list: a marker comment that
///   `Table::add_index` reads (or nothing).
fn mysql_forms(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    use sqlparser::keywords::Keyword;
    let word = |t: &Token, w: &str| matches!(t, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
    let compound = |t: &Token| match t {
        Token::Word(x) if x.quote_style.is_none() => COMPOUND_UNITS
            .iter()
            .find(|u| x.value.eq_ignore_ascii_case(u))
            .copied(),
        _ => None,
    };
    let ends_operand = |t: &Token| match t {
        Token::Number(..)
        | Token::SingleQuotedString(_)
        | Token::DoubleQuotedString(_)
        | Token::RParen => true,
        Token::Word(w) => {
            w.quote_style.is_some()
                || !matches!(
                    w.keyword,
                    Keyword::SELECT
                        | Keyword::WHERE
                        | Keyword::AND
                        | Keyword::OR
                        | Keyword::NOT
                        | Keyword::XOR
                        | Keyword::ON
                        | Keyword::BY
                        | Keyword::HAVING
                        | Keyword::WHEN
                        | Keyword::THEN
                        | Keyword::ELSE
                        | Keyword::SET
                        | Keyword::IN
                        | Keyword::IS
                        | Keyword::LIKE
                        | Keyword::BETWEEN
                        | Keyword::CASE
                        | Keyword::DISTINCT
                        | Keyword::ALL
                        | Keyword::LIMIT
                        | Keyword::OFFSET
                        | Keyword::DIV
                        | Keyword::MOD
                        | Keyword::RETURN
                        | Keyword::VALUES
                        | Keyword::INTERVAL
                )
        }
        _ => false,
    };
    let solid: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let at = |k: usize| solid.get(k).map(|&i| &tokens[i].token);
    let mut replace: Vec<Option<Vec<Token>>> = vec![None; tokens.len()];
    let mut seen_interval = false;
    // Where each `)` was opened (positions in `solid`).
    let mut open: Vec<usize> = Vec::new();
    let mut opened_at: std::collections::HashMap<usize, usize> = Default::default();
    for k in 0..solid.len() {
        let i = solid[k];
        let t = &tokens[i].token;
        match t {
            Token::LParen => open.push(k),
            Token::RParen => {
                if let Some(o) = open.pop() {
                    opened_at.insert(k, o);
                }
            }
            _ => {}
        }
        let previous = k.checked_sub(1).and_then(at);
        // `KEY k (a, b) [options] INVISIBLE`: the list closed before the index options was
        // opened right after KEY / INDEX / UNIQUE and a name.
        let after_key_list = || {
            let mut close = k.checked_sub(1);
            while let Some(j) = close.filter(|j| k - j <= 6) {
                let option = match at(j) {
                    Some(Token::SingleQuotedString(_) | Token::Number(..) | Token::Eq) => true,
                    Some(t) => ["COMMENT", "USING", "BTREE", "HASH", "KEY_BLOCK_SIZE"]
                        .iter()
                        .any(|w| word(t, w)),
                    None => false,
                };
                if !option {
                    break;
                }
                close = j.checked_sub(1);
            }
            let Some(o) = close.and_then(|p| opened_at.get(&p)) else {
                return false;
            };
            (o.saturating_sub(4)..*o).any(|j| {
                at(j).is_some_and(|t| word(t, "KEY") || word(t, "INDEX") || word(t, "UNIQUE"))
            })
        };
        if (word(t, "INVISIBLE") || word(t, "VISIBLE")) && after_key_list() {
            replace[i] = Some(if word(t, "INVISIBLE") {
                vec![
                    Token::make_keyword("COMMENT"),
                    Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
                    Token::SingleQuotedString(crate::schema::INVISIBLE_INDEX.to_owned()),
                ]
            } else {
                vec![Token::Whitespace(sqlparser::tokenizer::Whitespace::Space)]
            });
            continue;
        }
        if word(t, "INTERVAL") {
            seen_interval = true;
        }
        if word(t, "MOD") && previous.is_some_and(ends_operand) {
            replace[i] = Some(vec![Token::Mod]);
        } else if word(t, "EXTRACT") && matches!(at(k + 1), Some(Token::LParen)) {
            if let (Some(unit), Some(from)) = (at(k + 2).and_then(compound), at(k + 3)) {
                if word(from, "FROM") {
                    replace[i] = Some(vec![Token::make_word("mysql_extract", None)]);
                    replace[solid[k + 2]] = Some(vec![Token::SingleQuotedString(unit.to_owned())]);
                    replace[solid[k + 3]] = Some(vec![Token::Comma]);
                }
            }
        } else if let Some(unit) = compound(t).filter(|u| *u != "SECOND_MICROSECOND") {
            if seen_interval && replace[i].is_none() && previous.is_some_and(ends_operand) {
                let (lead, last) = unit.split_once('_').unwrap_or((unit, unit));
                replace[i] = Some(vec![
                    Token::make_keyword(lead),
                    Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
                    Token::make_keyword("TO"),
                    Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
                    Token::make_keyword(last),
                ]);
            }
        } else if word(t, "CHAR")
            && !previous.is_some_and(ends_operand)
            && matches!(at(k + 1), Some(Token::LParen))
        {
            // The USING at depth 1 and the closing parenthesis.
            let mut depth = 0usize;
            let mut using = None;
            for j in k + 1..solid.len() {
                match &tokens[solid[j]].token {
                    Token::LParen => depth += 1,
                    Token::RParen => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    other if depth == 1 && word(other, "USING") => using = Some(j),
                    _ => {}
                }
            }
            if let Some(u) = using {
                replace[i] = Some(vec![
                    Token::make_keyword("CONVERT"),
                    Token::LParen,
                    tokens[i].token.clone(),
                ]);
                replace[solid[u]] = Some(vec![
                    Token::RParen,
                    Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
                    tokens[solid[u]].token.clone(),
                ]);
            }
        }
    }
    let mut out = Vec::with_capacity(tokens.len());
    for (t, r) in tokens.into_iter().zip(replace) {
        match r {
            Some(new) => out.extend(new.into_iter().map(|token| TokenWithSpan {
                token,
                span: t.span,
            })),
            None => out.push(t),
        }
    }
    out
}

pub(crate) fn parse_error(text: &str, e: &sqlparser::parser::ParserError) -> SqlError {
    let message = e.to_string();
    // sqlparser ends its messages with "at Line: L, Column: C".
    let position = message.rsplit_once("at Line: ").and_then(|(_, rest)| {
        let (line, col) = rest.split_once(", Column: ")?;
        Some((
            line.trim().parse::<u64>().ok()?,
            col.trim().parse::<u64>().ok()?,
        ))
    });
    match position {
        Some((line, column)) => {
            let at = crate::split::offset(text, line, column);
            SqlError::syntax(&text[at.min(text.len())..], line)
        }
        None => SqlError::syntax(text.trim(), 1),
    }
}

/// `name` as a quoted SQLite identifier.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A SQLite value as a literal for a rewritten statement.
pub(crate) fn ast_value(v: &Value) -> AstValue {
    match v {
        Value::Null => AstValue::Null,
        Value::Integer(n) => AstValue::Number(n.to_string(), false),
        Value::Real(r) => AstValue::Number(format!("{r:?}"), false),
        Value::Text(s) => AstValue::SingleQuotedString(s.clone()),
        Value::Blob(b) => {
            AstValue::HexStringLiteral(b.iter().map(|x| format!("{x:02X}")).collect())
        }
    }
}

impl SessionValues for Session {
    fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    fn user_variable(&self, name: &str) -> AstValue {
        self.user_vars
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&name.to_ascii_lowercase())
            .map_or(AstValue::Null, ast_value)
    }

    fn system_variable(&self, name: &str) -> Result<AstValue, SqlError> {
        let bare = name
            .trim_start_matches("session.")
            .trim_start_matches("global.")
            .trim_start_matches("local.");
        self.system_value(bare)
            .map(|v| ast_value(&v))
            .ok_or_else(|| SqlError::unknown_variable(bare))
    }

    fn session_function(&self, name: &str) -> Option<AstValue> {
        let text = |s: &str| Some(AstValue::SingleQuotedString(s.to_owned()));
        match name {
            "DATABASE" | "SCHEMA" => Some(self.database.as_deref().map_or(AstValue::Null, |d| {
                AstValue::SingleQuotedString(d.to_owned())
            })),
            "USER" | "CURRENT_USER" | "SESSION_USER" | "SYSTEM_USER" => text(&self.config.user),
            "VERSION" => text(&self.config.version),
            "CONNECTION_ID" => Some(AstValue::Number(
                self.config.connection_id.to_string(),
                false,
            )),
            "LAST_INSERT_ID" => Some(AstValue::Number(self.last_insert_id.to_string(), false)),
            "FOUND_ROWS" => Some(AstValue::Number(self.found_rows.to_string(), false)),
            "ROW_COUNT" => Some(AstValue::Number(self.row_count.to_string(), false)),
            "UUID" => text(&self.uuid()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_word_is_read_past_blanks_and_comments_only_when_plain() {
        assert_eq!(plain_first_word("UPDATE t SET k=1"), Some("UPDATE"));
        assert_eq!(plain_first_word("  \n\tselect 1"), Some("select"));
        assert_eq!(plain_first_word("/* note */ SHOW WARNINGS"), Some("SHOW"));
        assert_eq!(plain_first_word("-- note\nDELETE FROM t"), Some("DELETE"));
        assert_eq!(
            plain_first_word("# note\nINSERT INTO t VALUES (1)"),
            Some("INSERT")
        );
        assert_eq!(plain_first_word("/*!40101 SET x=1 */"), None);
        assert_eq!(plain_first_word("(SELECT @@warning_count)"), None);
        assert_eq!(plain_first_word("/* never closed"), None);
        assert_eq!(plain_first_word("`t`"), None);
        assert_eq!(plain_first_word("SELECT_X"), None, "not a whole word");
    }

    #[test]
    fn only_statements_that_read_diagnostics_keep_the_previous_ones() {
        for reads in [
            "SHOW WARNINGS",
            "show errors",
            "SHOW COUNT(*) WARNINGS",
            "SELECT @@warning_count",
            "/* c */ select @@error_count",
        ] {
            assert!(reads_diagnostics(reads), "{reads}");
        }
        for not in [
            "UPDATE t SET k = k + 1 WHERE id = 1",
            "DELETE FROM t WHERE id = 2",
            "SELECT 1",
            "SHOW TABLES",
            "INSERT INTO t VALUES ('@@warning_count')",
        ] {
            assert!(!reads_diagnostics(not), "{not}");
        }
    }
}
