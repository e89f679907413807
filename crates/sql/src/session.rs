//! One client connection: its state, and the statement loop from SQL text to outcomes.
//!
//! A [`Session`] holds what MySQL keeps per connection: the current database, autocommit, an
//! open transaction's buffered writes, LAST_INSERT_ID, user and system variables. Each call
//! reads the committed head it is given, so concurrent sessions over one head see each other's
//! commits, never each other's uncommitted writes.
//!
//! **The commit boundary.** A session never writes durably itself. When a statement ends a
//! transaction with writes (COMMIT, an autocommitted write, DDL, BEGIN or `SET autocommit=1`
//! over an open transaction), its outcome is [`Outcome::Commit`]: the caller commits the
//! writes (checking [`CommitRequest::check`] under its commit lock if it wants write-write
//! conflicts refused), and only then sends the OK. Statements after it in the same query
//! text wait in the session until [`Session::resume`], so they see the committed head:
//! [`Session::run`] does the whole loop with a commit callback.
//!
//! **What is refused, what is ignored.** Stored programs, events and account management
//! (`CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT`, `GRANT`, `REVOKE`, `CREATE/ALTER/DROP USER`)
//! are recognized by their leading words and refused with error 1235 naming them. `LOCK
//! TABLES` and `UNLOCK TABLES`, which dumps and clients send around their writes, are
//! accepted and do nothing: statements already run alone over their own view of the head.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};

use gluesql_core::data::{Key, Value};
use gluesql_core::executor::{execute, Payload};
use gluesql_core::store::Planner;
use gluesql_core::translate::translate;
use sqlparser::ast::{
    AlterTableOperation, Expr, ObjectName, ObjectType, OneOrManyWithParens, SelectItem, SetExpr,
    ShowCreateObject, ShowStatementFilter, Statement, TableFactor, Use, Value as SqlValue,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithLocation};

use crate::admin;
use crate::catalog::{DatabaseMeta, TableDef};
use crate::error::{from_glue, ErrorContext, SqlError};
use crate::info::{ClusterInfo, NoClusterInfo};
use crate::keys;
use crate::kv::{fingerprint, KvRead, TxnView, Writes};
use crate::lex::{is_table_lock, offset, split, strip_table_options, unsupported, words, Pending};
use crate::outcome::{Column, ColumnType, CommitRequest, OkPacket, Outcome, ResultSet};
use crate::prepare;
use crate::render;
use crate::rewrite::{self, Columns, Env, Var};
use crate::storage::{database_exists, is_system_database, list_databases, list_tables, Storage};
use crate::vars::{default_var, LISTED_VARS};

/// Who is connected and to what: fixed for the life of a connection (except `read_only`,
/// which follows the instance's role, see [`Session::set_read_only`]).
#[derive(Clone)]
pub struct SessionConfig {
    /// `user@host`, as USER() shows it.
    pub user: String,
    /// The database named at connect time.
    pub database: Option<String>,
    /// A reader instance: every write fails with error 1290.
    pub read_only: bool,
    /// `@@version`, e.g. `8.0.32`.
    pub version: String,
    /// `@@version_comment`.
    pub version_comment: String,
    /// `@@aurora_version`, e.g. `3.05.2`.
    pub aurora_version: String,
    /// `@@hostname`.
    pub hostname: String,
    /// CONNECTION_ID().
    pub connection_id: u32,
    /// Rows of `information_schema.aurora_db_cluster`.
    pub cluster_info: Arc<dyn ClusterInfo>,
    /// The clock NOW() and `DEFAULT CURRENT_TIMESTAMP` read (Rewind's clock, which tests move).
    pub clock: Clock,
    /// Where UUID() draws its random bits (Rewind's seeded id generator).
    pub random: Random,
}

/// Where a session reads the time: the caller's clock (Rewind's `Env`), never the host's.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Where a session draws random bits: the caller's seeded generator (Rewind's `Env`), never
/// the OS's, so runs replay.
pub type Random = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The random source of a config nobody gave one: a SplitMix64 sequence shared by the
/// process, fixed from its start (deterministic, so it is no substitute for the caller's).
fn default_random() -> Random {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0x5EED_0F5E_5510_35AB);
    Arc::new(|| {
        let mut z = STATE
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    })
}

impl std::fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionConfig")
            .field("user", &self.user)
            .field("database", &self.database)
            .field("read_only", &self.read_only)
            .field("version", &self.version)
            .field("aurora_version", &self.aurora_version)
            .finish_non_exhaustive()
    }
}

impl SessionConfig {
    /// A writer session for `user@host` reading time from `clock`, with Aurora MySQL
    /// 3.05.2's versions.
    pub fn new(user: impl Into<String>, clock: Clock) -> Self {
        Self {
            user: user.into(),
            database: None,
            read_only: false,
            version: "8.0.32".to_owned(),
            version_comment: "Source distribution".to_owned(),
            aurora_version: "3.05.2".to_owned(),
            hostname: "localhost".to_owned(),
            connection_id: 1,
            cluster_info: Arc::new(NoClusterInfo),
            clock,
            random: default_random(),
        }
    }

    /// Sets where UUID() draws its random bits.
    pub fn with_random(mut self, random: Random) -> Self {
        self.random = random;
        self
    }

    /// Versions from an RDS engine version: `8.0.mysql_aurora.3.05.2` gives `@@version`
    /// `8.0.32` and `@@aurora_version` `3.05.2`; `5.7.mysql_aurora.2.11.2` gives `5.7.12`.
    pub fn with_engine_version(mut self, engine_version: &str) -> Self {
        match engine_version.split_once(".mysql_aurora.") {
            Some((mysql, aurora)) => {
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
            None => engine_version.clone_into(&mut self.version),
        }
        self
    }

    /// Sets the database named at connect time.
    pub fn with_database(mut self, db: impl Into<String>) -> Self {
        self.database = Some(db.into());
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

/// Per-connection state; see the module docs.
pub struct Session {
    config: SessionConfig,
    /// The current database.
    db: Option<String>,
    /// `@@autocommit`.
    autocommit: bool,
    /// True between BEGIN (or a first statement with autocommit off) and COMMIT/ROLLBACK.
    in_txn: bool,
    /// The open transaction's writes, invisible to other sessions.
    txn: Writes,
    /// For each key in `txn`: the fingerprint of its committed value when first written.
    guards: BTreeMap<Vec<u8>, Option<u64>>,
    /// The open transaction's savepoints, oldest first (names compared case-insensitively).
    savepoints: Vec<Savepoint>,
    /// LAST_INSERT_ID().
    last_insert_id: u64,
    /// System variables this session set (lower-case names).
    vars: BTreeMap<String, Var>,
    /// User variables (`@x`, lower-case names).
    user_vars: HashMap<String, Var>,
    /// Statements of the current query text not yet run (after a commit request).
    pending: VecDeque<Pending>,
    /// The current query text, for error messages.
    sql: String,
    /// The current statement's time, read from the clock once per statement.
    now: NaiveDateTime,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("db", &self.db)
            .field("autocommit", &self.autocommit)
            .field("in_txn", &self.in_txn)
            .field("pending_writes", &self.txn.len())
            .finish_non_exhaustive()
    }
}

/// A savepoint: the transaction's pending writes (and their guards) when it was set, so
/// ROLLBACK TO can put them back.
struct Savepoint {
    name: String,
    txn: Writes,
    guards: BTreeMap<Vec<u8>, Option<u64>>,
}

/// True for an AUTO_INCREMENT or hidden row-id counter key (`db/<db>/seq/<t>`,
/// `db/<db>/rowid/<t>`): MySQL never rolls counters back to a savepoint.
fn is_counter_key(key: &[u8]) -> bool {
    let mut parts = key.split(|b| *b == b'/');
    parts.next() == Some(b"db")
        && parts.next().is_some()
        && matches!(parts.next(), Some(b"seq" | b"rowid"))
}

/// What the engine path produced.
enum Done {
    Rows(ResultSet),
    Ok(OkPacket, Option<u64>),
}

fn ok(affected: u64) -> OkPacket {
    OkPacket {
        affected_rows: affected,
        matched_rows: affected,
        ..OkPacket::default()
    }
}

fn object_name(name: &ObjectName) -> String {
    name.0
        .iter()
        .map(|i| i.value.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

fn pattern(filter: &Option<ShowStatementFilter>) -> Result<Option<&str>, SqlError> {
    match filter {
        None => Ok(None),
        Some(ShowStatementFilter::Like(p) | ShowStatementFilter::ILike(p)) => Ok(Some(p)),
        Some(ShowStatementFilter::NoKeyword(p)) => Ok(Some(p)),
        Some(ShowStatementFilter::Where(_)) => Err(SqlError::not_supported("SHOW ... WHERE")),
    }
}

/// A statement that changes data or schema.
fn is_write(stmt: &Statement) -> bool {
    matches!(
        stmt,
        Statement::Insert(_)
            | Statement::Update { .. }
            | Statement::Delete(_)
            | Statement::CreateTable(_)
            | Statement::AlterTable { .. }
            | Statement::Drop { .. }
            | Statement::Truncate { .. }
            | Statement::CreateDatabase { .. }
            | Statement::CreateSchema { .. }
            | Statement::CreateIndex(_)
            | Statement::CreateView { .. }
    )
}

impl Env for Session {
    fn system_var(&self, name: &str) -> Option<Var> {
        let b = |v: bool| Var::Int(i64::from(v));
        Some(match name {
            "autocommit" => b(self.autocommit),
            "read_only" | "innodb_read_only" | "transaction_read_only" | "tx_read_only"
                if self.config.read_only =>
            {
                b(true)
            }
            "read_only" | "innodb_read_only" | "super_read_only" => b(self.config.read_only),
            "version" => Var::Str(self.config.version.clone()),
            "version_comment" => Var::Str(self.config.version_comment.clone()),
            "aurora_version" => Var::Str(self.config.aurora_version.clone()),
            "hostname" => Var::Str(self.config.hostname.clone()),
            "last_insert_id" | "identity" => Var::Int(self.last_insert_id as i64),
            "pseudo_thread_id" => Var::Int(i64::from(self.config.connection_id)),
            _ => return self.vars.get(name).cloned().or_else(|| default_var(name)),
        })
    }

    fn user_var(&self, name: &str) -> Var {
        self.user_vars.get(name).cloned().unwrap_or(Var::Null)
    }

    fn database(&self) -> Option<&str> {
        self.db.as_deref()
    }

    fn user(&self) -> &str {
        &self.config.user
    }

    fn last_insert_id(&self) -> u64 {
        self.last_insert_id
    }

    fn connection_id(&self) -> u32 {
        self.config.connection_id
    }

    fn now(&self) -> NaiveDateTime {
        self.now
    }

    fn random(&self) -> u64 {
        (self.config.random)()
    }
}

impl Session {
    /// A new connection.
    pub fn new(config: SessionConfig) -> Self {
        Self {
            db: config.database.clone(),
            config,
            autocommit: true,
            in_txn: false,
            txn: Writes::new(),
            guards: BTreeMap::new(),
            savepoints: Vec::new(),
            last_insert_id: 0,
            vars: BTreeMap::new(),
            user_vars: HashMap::new(),
            pending: VecDeque::new(),
            sql: String::new(),
            now: NaiveDateTime::default(),
        }
    }

    /// The current database.
    pub fn database(&self) -> Option<&str> {
        self.db.as_deref()
    }

    /// `@@autocommit`.
    pub fn autocommit(&self) -> bool {
        self.autocommit
    }

    /// True while a transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.in_txn
    }

    /// LAST_INSERT_ID().
    pub fn last_insert_id(&self) -> u64 {
        self.last_insert_id
    }

    /// `user@host`.
    pub fn user(&self) -> &str {
        &self.config.user
    }

    /// True on a reader.
    pub fn read_only(&self) -> bool {
        self.config.read_only
    }

    /// Follows a role change of the instance (failover): a reader refuses writes.
    pub fn set_read_only(&mut self, read_only: bool) {
        self.config.read_only = read_only;
    }

    /// True when statements of the last query text wait for [`Session::resume`].
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Drops the open transaction's writes (e.g. when the connection closes, or after a
    /// backtrack rewound the head they were based on).
    pub fn reset_transaction(&mut self) {
        self.txn.clear();
        self.guards.clear();
        self.savepoints.clear();
        self.in_txn = false;
    }

    /// Runs the statements of `sql` over the committed head `store`, one outcome each, until
    /// the end, an error (later statements are skipped, as MySQL does), or a statement whose
    /// writes must be committed first: that one's outcome is [`Outcome::Commit`] and the rest
    /// wait for [`Session::resume`].
    pub fn execute(&mut self, sql: &str, store: &impl KvRead) -> Vec<Outcome> {
        self.pending.clear();
        match split(sql) {
            Err(e) => return vec![Outcome::Error(e)],
            Ok(groups) if groups.is_empty() => {
                return vec![Outcome::Error(SqlError::empty_query())]
            }
            Ok(groups) => {
                self.pending = groups.into();
                sql.clone_into(&mut self.sql);
            }
        }
        self.resume(store)
    }

    /// Continues the statements left by a commit request, over the (now committed) head.
    pub fn resume(&mut self, store: &impl KvRead) -> Vec<Outcome> {
        let store: &dyn KvRead = store;
        let mut out = Vec::new();
        while let Some(tokens) = self.pending.pop_front() {
            let outcome = self.run_statement(tokens, store);
            match outcome {
                Outcome::Error(_) => {
                    self.pending.clear();
                    out.push(outcome);
                    break;
                }
                Outcome::Commit(_) => {
                    out.push(outcome);
                    break;
                }
                _ => out.push(outcome),
            }
        }
        out
    }

    /// Runs all of `sql`, committing through `commit` where needed: every outcome is rows,
    /// OK or an error. `commit` must make the writes durable and visible in `store` before
    /// returning `Ok`.
    pub fn run(
        &mut self,
        sql: &str,
        store: &impl KvRead,
        mut commit: impl FnMut(&CommitRequest) -> Result<(), SqlError>,
    ) -> Vec<Outcome> {
        let mut all = Vec::new();
        let mut batch = self.execute(sql, store);
        loop {
            for outcome in batch {
                match outcome {
                    Outcome::Commit(request) => match commit(&request) {
                        Ok(()) => all.push(Outcome::Ok(request.ok)),
                        Err(e) => {
                            self.pending.clear();
                            all.push(Outcome::Error(e));
                        }
                    },
                    other => all.push(other),
                }
            }
            if !self.has_pending() {
                return all;
            }
            batch = self.resume(store);
        }
    }

    /// The result columns of `sql`, one statement with `?` placeholders, for the answer to a
    /// prepare: drivers such as sqlx take column names from it. `Ok(None)` when the statement
    /// returns no rows (only SELECT, WITH, SHOW and DESCRIBE are described) or its columns are
    /// not known.
    ///
    /// Each `?` is bound to NULL and the statement run over `store` and the open transaction's
    /// writes, a SELECT with `LIMIT 0` (and without its WHERE if that fails), in a throwaway
    /// copy of the session: the session itself (its transaction, LAST_INSERT_ID, variables)
    /// cannot change, and nothing is written.
    /// Only errors MySQL also reports at prepare and that a NULL cannot cause are returned:
    /// unknown table (1146), database (1049) or column (1054), no database selected (1046).
    /// Others (syntax where NULL is no valid value, unsupported features) give `Ok(None)`,
    /// leaving the execute to report them.
    pub fn describe(
        &self,
        sql: &str,
        store: &impl KvRead,
    ) -> Result<Option<Vec<Column>>, SqlError> {
        let store: &dyn KvRead = store;
        let reported = |e: &SqlError| matches!(e.code, 1046 | 1049 | 1054 | 1146);
        let Ok(mut groups) = split(sql) else {
            return Ok(None);
        };
        let (Some(mut tokens), true) = (groups.pop(), groups.is_empty()) else {
            return Ok(None);
        };
        let query = match words(&tokens, 1).first().map(String::as_str) {
            Some("SELECT" | "WITH" | "(") => true,
            Some("SHOW" | "DESCRIBE" | "DESC") => false,
            _ => return Ok(None),
        };
        for t in &mut tokens {
            if matches!(t.token, Token::Placeholder(_)) {
                t.token = Token::make_keyword("NULL");
            }
        }
        let mut scratch = Session {
            config: self.config.clone(),
            db: self.db.clone(),
            autocommit: self.autocommit,
            in_txn: self.in_txn,
            txn: self.txn.clone(),
            guards: self.guards.clone(),
            last_insert_id: self.last_insert_id,
            vars: self.vars.clone(),
            user_vars: self.user_vars.clone(),
            pending: VecDeque::new(),
            savepoints: Vec::new(),
            sql: sql.to_owned(),
            now: (self.config.clock)().naive_utc(),
        };
        let run = catch_unwind(AssertUnwindSafe(|| {
            if !query {
                return Some(scratch.statement(tokens, store));
            }
            let mut parser = Parser::new(&MySqlDialect {}).with_tokens_with_locations(tokens);
            let Ok(Statement::Query(mut q)) = parser.parse_statement() else {
                return None;
            };
            let into = matches!(q.body.as_ref(), SetExpr::Select(s) if s.into.is_some());
            if into || parser.peek_token().token != Token::EOF {
                return None;
            }
            q.limit = Some(rewrite::number(0));
            q.offset = None;
            Some(scratch.dispatch(Statement::Query(q), store))
        }));
        match run {
            Ok(Some(Ok(Outcome::Rows(rs)))) if !rs.columns.is_empty() => Ok(Some(rs.columns)),
            Ok(Some(Ok(Outcome::Error(e)) | Err(e))) if reported(&e) => Err(e),
            _ => Ok(None),
        }
    }

    fn run_statement(&mut self, tokens: Pending, store: &dyn KvRead) -> Outcome {
        self.now = (self.config.clock)().naive_utc();
        // The engine runs under its own guard; this one covers everything else, so no panic
        // ever reaches the connection. What the transaction held is gone after one.
        match catch_unwind(AssertUnwindSafe(|| self.statement(tokens, store))) {
            Ok(Ok(o)) => o,
            Ok(Err(e)) => Outcome::Error(e),
            Err(panic) => {
                self.reset_transaction();
                Outcome::Error(SqlError::unknown(format!(
                    "internal error: {}",
                    panic_message(&*panic)
                )))
            }
        }
    }

    fn syntax_error(&self, line: u64, column: u64) -> SqlError {
        let near = self
            .sql
            .get(offset(&self.sql, line, column)..)
            .unwrap_or("");
        SqlError::syntax(near.trim_end_matches(';'), line)
    }
}

/// The assignments of a `SET` at top-level commas, each as a `SET` of its own.
fn set_items(tokens: &[TokenWithLocation]) -> Vec<Pending> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let set = tokens
        .iter()
        .position(|t| !matches!(t.token, Token::Whitespace(_)))
        .unwrap_or(0);
    let mut current: Pending = Vec::new();
    for t in &tokens[set + 1..] {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Comma if depth == 0 => {
                items.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(t.clone());
    }
    items.push(current);
    items
        .into_iter()
        .map(|item| {
            let mut statement = vec![
                tokens[set].clone(),
                TokenWithLocation::wrap(Token::Whitespace(sqlparser::tokenizer::Whitespace::Space)),
            ];
            statement.extend(item);
            statement
        })
        .collect()
}

/// True for a `SET` of several assignments where one sets NAMES.
fn mixes_names(tokens: &[TokenWithLocation]) -> bool {
    let items = set_items(tokens);
    items.len() > 1
        && items
            .iter()
            .any(|item| words(item, 2).get(1).is_some_and(|w| w == "NAMES"))
}

impl Session {
    fn statement(&mut self, tokens: Pending, store: &dyn KvRead) -> Result<Outcome, SqlError> {
        let w = words(&tokens, 4);
        let w: Vec<&str> = w.iter().map(String::as_str).collect();
        if let Some(what) = unsupported(&tokens) {
            return Err(SqlError::not_supported(what));
        }
        if is_table_lock(&w) {
            // Table locks guard nothing here: every statement already runs alone over its own
            // view of the head, and a transaction's writes commit atomically. Dumps and
            // clients send them around their writes, so they are accepted and do nothing.
            return Ok(self.ok_now(ok(0)));
        }
        match w.as_slice() {
            ["CREATE", "DATABASE" | "SCHEMA", ..] => return self.create_database(&tokens, store),
            ["SET", "GLOBAL" | "PERSIST" | "PERSIST_ONLY", ..] => {
                return Err(SqlError::new(
                    1227,
                    "42000",
                    "Access denied; you need (at least one of) the SUPER or \
                     SYSTEM_VARIABLES_ADMIN privilege(s) for this operation",
                ))
            }
            ["SET", ..] if mixes_names(&tokens) => {
                // `SET a = 1, NAMES x` (sqlx sends one on connect) is beyond the parser: run
                // each assignment as its own SET, as MySQL applies them in order.
                let mut outcome = Ok(self.ok_now(ok(0)));
                for item in set_items(&tokens) {
                    outcome = self.statement(item, store);
                    if outcome.is_err() {
                        break;
                    }
                }
                return outcome;
            }
            ["SET", "TRANSACTION", ..] => return self.set_transaction(&tokens, false),
            ["SET", "SESSION" | "LOCAL", "TRANSACTION", ..] => {
                return self.set_transaction(&tokens, true)
            }
            ["SHOW", "WARNINGS" | "ERRORS", ..] => {
                return Ok(Outcome::Rows(admin::show_warnings()))
            }
            ["SHOW", "ENGINES", ..] | ["SHOW", "STORAGE", "ENGINES", ..] => {
                return Ok(Outcome::Rows(admin::show_engines()))
            }
            ["SHOW", "STATUS", ..] | ["SHOW", "SESSION" | "GLOBAL", "STATUS", ..] => {
                return Ok(Outcome::Rows(admin::show_status()))
            }
            ["SHOW", "COLLATION", ..] => return Ok(Outcome::Rows(admin::show_charsets(true))),
            ["SHOW", "CHARACTER", "SET", ..] | ["SHOW", "CHARSET", ..] => {
                return Ok(Outcome::Rows(admin::show_charsets(false)))
            }
            ["SHOW", "INDEX" | "INDEXES" | "KEYS", ..] => return self.show_index(&tokens, store),
            ["SHOW", "CREATE", "DATABASE" | "SCHEMA", ..] => {
                return self.show_create_database(&tokens, store)
            }
            ["DROP", "INDEX", ..] => {
                if let Some(table) = Self::index_table(&tokens) {
                    if self.config.read_only {
                        return Err(SqlError::read_only());
                    }
                    // Indexes only make reads faster: there is nothing to drop but the name.
                    self.table_def(store, &table)?;
                    return Ok(self.finish(ok(0), true));
                }
            }
            _ => {}
        }
        let tokens = if matches!(w.as_slice(), ["CREATE", "TABLE", ..]) {
            strip_table_options(tokens)
        } else {
            tokens
        };
        let mut parser = Parser::new(&MySqlDialect {}).with_tokens_with_locations(tokens);
        let stmt = match parser.parse_statement() {
            Ok(s) => s,
            Err(e) => return Err(self.parse_error(&e.to_string(), &parser)),
        };
        let next = parser.peek_token();
        if next.token != Token::EOF {
            return Err(self.syntax_error(next.location.line, next.location.column));
        }
        if self.config.read_only && is_write(&stmt) {
            return Err(SqlError::read_only());
        }
        self.dispatch(stmt, store)
    }

    fn parse_error(&self, message: &str, parser: &Parser) -> SqlError {
        // sqlparser ends its messages with "at Line: L, Column: C".
        let located = message.rsplit_once("at Line: ").and_then(|(_, rest)| {
            let (line, col) = rest.split_once(", Column: ")?;
            Some((line.trim().parse().ok()?, col.trim().parse().ok()?))
        });
        let (line, column) = located.unwrap_or_else(|| {
            let t = parser.peek_token();
            (t.location.line, t.location.column)
        });
        self.syntax_error(line, column)
    }

    fn dispatch(&mut self, stmt: Statement, store: &dyn KvRead) -> Result<Outcome, SqlError> {
        match stmt {
            Statement::StartTransaction { .. } => Ok(self.begin()),
            Statement::Commit { .. } => Ok(self.commit(ok(0))),
            Statement::Rollback {
                savepoint: None, ..
            } => {
                self.reset_transaction();
                Ok(self.ok_now(ok(0)))
            }
            Statement::Rollback {
                savepoint: Some(name),
                ..
            } => self.rollback_to(&name.value),
            Statement::Savepoint { name } => Ok(self.savepoint(name.value)),
            Statement::ReleaseSavepoint { name } => self.release_savepoint(&name.value),
            Statement::SetVariable {
                variables, value, ..
            } => self.set_variables(variables, value, store),
            Statement::SetNames {
                charset_name,
                collation_name,
            } => {
                for v in [
                    "character_set_client",
                    "character_set_connection",
                    "character_set_results",
                ] {
                    self.vars
                        .insert(v.to_owned(), Var::Str(charset_name.clone()));
                }
                let collation = collation_name.unwrap_or_else(|| {
                    if charset_name.eq_ignore_ascii_case("utf8mb4") {
                        "utf8mb4_0900_ai_ci".to_owned()
                    } else {
                        format!("{charset_name}_general_ci")
                    }
                });
                self.vars
                    .insert("collation_connection".to_owned(), Var::Str(collation));
                Ok(self.ok_now(ok(0)))
            }
            Statement::SetNamesDefault {} => {
                for v in [
                    "character_set_client",
                    "character_set_connection",
                    "character_set_results",
                    "collation_connection",
                ] {
                    self.vars.remove(v);
                }
                Ok(self.ok_now(ok(0)))
            }
            Statement::SetTimeZone { value, .. } => {
                let v = self.eval(value, store)?;
                self.vars.insert("time_zone".to_owned(), v);
                Ok(self.ok_now(ok(0)))
            }
            Statement::Use(u) => {
                let name = match u {
                    Use::Object(n) | Use::Database(n) | Use::Schema(n) => object_name(&n),
                    other => return Err(SqlError::not_supported(other)),
                };
                if !database_exists(store, &name)? {
                    return Err(SqlError::unknown_database(&name));
                }
                self.db = Some(name);
                Ok(self.ok_now(ok(0)))
            }
            Statement::ShowDatabases { filter } => Ok(Outcome::Rows(admin::show_databases(
                &list_databases(store)?,
                pattern(&filter)?,
            ))),
            Statement::ShowTables {
                full,
                db_name,
                filter,
                ..
            } => {
                let db = match db_name {
                    Some(d) => d.value,
                    None => self.db.clone().ok_or_else(SqlError::no_database)?,
                };
                if !database_exists(store, &db)? {
                    return Err(SqlError::unknown_database(&db));
                }
                let tables = list_tables(store, &db)?;
                Ok(Outcome::Rows(admin::show_tables(
                    &db,
                    &tables,
                    full,
                    pattern(&filter)?,
                )))
            }
            Statement::ExplainTable { table_name, .. } => {
                let def = self.table_def(store, &table_name)?;
                Ok(Outcome::Rows(admin::describe(&def, false, None)))
            }
            Statement::ShowColumns {
                full,
                table_name,
                filter,
                ..
            } => {
                let def = self.table_def(store, &table_name)?;
                Ok(Outcome::Rows(admin::describe(
                    &def,
                    full,
                    pattern(&filter)?,
                )))
            }
            Statement::ShowCreate {
                obj_type: ShowCreateObject::Table,
                obj_name,
            } => {
                let def = self.table_def(store, &obj_name)?;
                let (db, t) = self.resolve(&obj_name)?;
                let seq = store
                    .get(&keys::seq(&db, &t))
                    .map_err(|e| SqlError::storage(&e))?
                    .and_then(|v| String::from_utf8_lossy(&v).parse().ok());
                Ok(Outcome::Rows(admin::show_create_table(&def, seq)))
            }
            Statement::ShowVariables { filter, .. } => {
                let mut all: BTreeMap<String, Var> = LISTED_VARS
                    .iter()
                    .filter_map(|n| Some(((*n).to_owned(), self.system_var(n)?)))
                    .collect();
                for n in [
                    "autocommit",
                    "aurora_version",
                    "hostname",
                    "innodb_read_only",
                    "read_only",
                    "super_read_only",
                    "version",
                    "version_comment",
                ] {
                    if let Some(v) = self.system_var(n) {
                        all.insert(n.to_owned(), v);
                    }
                }
                for (k, v) in &self.vars {
                    all.insert(k.clone(), v.clone());
                }
                Ok(Outcome::Rows(admin::show_variables(
                    &all,
                    pattern(&filter)?,
                )))
            }
            Statement::ShowStatus { .. } => Ok(Outcome::Rows(admin::show_status())),
            Statement::ShowCollation { .. } => Ok(Outcome::Rows(admin::show_charsets(true))),
            Statement::CreateDatabase {
                db_name,
                if_not_exists,
                ..
            } => self.create_database_named(&object_name(&db_name), if_not_exists, None, store),
            Statement::Drop {
                object_type: ObjectType::Database | ObjectType::Schema,
                if_exists,
                names,
                ..
            } => {
                let mut last = Outcome::Ok(ok(0));
                for n in names {
                    last = self.drop_database(&object_name(&n), if_exists, store)?;
                }
                Ok(last)
            }
            Statement::Drop {
                object_type: ObjectType::Index,
                ..
            } => Ok(self.ok_now(ok(0))),
            Statement::Truncate { table_names, .. } => {
                let names: Vec<ObjectName> = table_names.into_iter().map(|t| t.name).collect();
                self.truncate(&names, store)
            }
            Statement::CreateIndex(ci) => {
                self.table_def(store, &ci.table_name)?;
                Ok(self.finish(ok(0), true))
            }
            stmt @ (Statement::Query(_)
            | Statement::Insert(_)
            | Statement::Update { .. }
            | Statement::Delete(_)
            | Statement::CreateTable(_)
            | Statement::AlterTable { .. }
            | Statement::Drop {
                object_type: ObjectType::Table,
                ..
            }) => self.engine(stmt, store),
            other => {
                let text = other.to_string();
                let what: String = text
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ");
                Err(SqlError::not_supported(what))
            }
        }
    }

    // ----- transactions and the commit boundary -----

    fn stamp(&self, mut ok: OkPacket) -> OkPacket {
        ok.autocommit = self.autocommit;
        ok.in_transaction = self.in_txn;
        ok
    }

    /// An OK that needs no commit.
    fn ok_now(&self, ok: OkPacket) -> Outcome {
        Outcome::Ok(self.stamp(ok))
    }

    /// Ends the open transaction: its writes become a commit request (or a plain OK if none).
    fn commit(&mut self, ok: OkPacket) -> Outcome {
        self.in_txn = false;
        self.hand_back(ok)
    }

    fn hand_back(&mut self, ok: OkPacket) -> Outcome {
        self.savepoints.clear();
        let writes = std::mem::take(&mut self.txn);
        let guards = std::mem::take(&mut self.guards);
        let ok = self.stamp(ok);
        if writes.is_empty() {
            return Outcome::Ok(ok);
        }
        Outcome::Commit(CommitRequest {
            writes: writes.into_iter().collect(),
            guards: guards.into_iter().collect(),
            ok,
        })
    }

    /// `SAVEPOINT name`: marks the transaction's writes so far; a name in use moves here.
    /// With autocommit on and no transaction open there is nothing to mark (MySQL accepts
    /// the statement and keeps nothing).
    fn savepoint(&mut self, name: String) -> Outcome {
        if self.autocommit && !self.in_txn {
            return self.ok_now(ok(0));
        }
        self.in_txn = true;
        self.savepoints
            .retain(|s| !s.name.eq_ignore_ascii_case(&name));
        self.savepoints.push(Savepoint {
            name,
            txn: self.txn.clone(),
            guards: self.guards.clone(),
        });
        self.ok_now(ok(0))
    }

    /// The position of savepoint `name`, or MySQL's error 1305.
    fn find_savepoint(&self, name: &str) -> Result<usize, SqlError> {
        self.savepoints
            .iter()
            .rposition(|s| s.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| SqlError::new(1305, "42000", format!("SAVEPOINT {name} does not exist")))
    }

    /// `ROLLBACK TO [SAVEPOINT] name`: undoes the writes made since, drops later savepoints
    /// and keeps this one. AUTO_INCREMENT counters and LAST_INSERT_ID keep their values, as
    /// in MySQL.
    fn rollback_to(&mut self, name: &str) -> Result<Outcome, SqlError> {
        let at = self.find_savepoint(name)?;
        self.savepoints.truncate(at + 1);
        let mark = &self.savepoints[at];
        let mut txn = mark.txn.clone();
        let mut guards = mark.guards.clone();
        for (k, v) in &self.txn {
            if is_counter_key(k) {
                txn.insert(k.clone(), v.clone());
                if let Some(g) = self.guards.get(k) {
                    guards.insert(k.clone(), *g);
                }
            }
        }
        self.txn = txn;
        self.guards = guards;
        Ok(self.ok_now(ok(0)))
    }

    /// `RELEASE SAVEPOINT name`: forgets it and every later savepoint; the writes stay.
    fn release_savepoint(&mut self, name: &str) -> Result<Outcome, SqlError> {
        let at = self.find_savepoint(name)?;
        self.savepoints.truncate(at);
        Ok(self.ok_now(ok(0)))
    }

    fn begin(&mut self) -> Outcome {
        // BEGIN commits an open transaction first, as MySQL does.
        self.in_txn = true;
        self.hand_back(ok(0))
    }

    /// After a statement that wrote: commit now unless a transaction holds the writes.
    fn finish(&mut self, ok: OkPacket, implicit_commit: bool) -> Outcome {
        if implicit_commit || (self.autocommit && !self.in_txn) {
            self.commit(ok)
        } else {
            self.in_txn = true;
            self.ok_now(ok)
        }
    }

    /// Runs `f` with storage over the transaction's view; on success its writes join the
    /// transaction, each remembering the committed value it replaces (the conflict guard).
    fn with_storage<T>(
        &mut self,
        store: &dyn KvRead,
        f: impl FnOnce(&Self, &mut Storage<'_>) -> Result<T, SqlError>,
    ) -> Result<T, SqlError> {
        let info = Arc::clone(&self.config.cluster_info);
        let view = TxnView::with_writes(store, std::mem::take(&mut self.txn));
        let result = {
            let mut storage = Storage::new(
                &view,
                self.db.clone(),
                self.config.user.clone(),
                info.as_ref(),
            );
            f(self, &mut storage).map(|v| (v, storage.into_writes()))
        };
        self.txn = view.into_writes();
        let (value, writes) = result?;
        for (k, v) in writes {
            if !self.guards.contains_key(&k) {
                let before = store.get(&k).map_err(|e| SqlError::storage(&e))?;
                self.guards
                    .insert(k.clone(), fingerprint(before.as_deref()));
            }
            self.txn.insert(k, v);
        }
        Ok(value)
    }

    // ----- names -----

    /// `(db, table)` of a table name as written.
    fn resolve(&self, name: &ObjectName) -> Result<(String, String), SqlError> {
        match name.0.as_slice() {
            [t] => {
                let db = self.db.clone().ok_or_else(SqlError::no_database)?;
                if db.eq_ignore_ascii_case("information_schema") {
                    return Ok((
                        "information_schema".to_owned(),
                        t.value.to_ascii_lowercase(),
                    ));
                }
                Ok((db, t.value.clone()))
            }
            [db, t] if db.value.eq_ignore_ascii_case("information_schema") => Ok((
                "information_schema".to_owned(),
                t.value.to_ascii_lowercase(),
            )),
            [db, t] => Ok((db.value.clone(), t.value.clone())),
            _ => Err(SqlError::not_supported(format!("the table name {name}"))),
        }
    }

    /// The definition of an existing table, or MySQL's error.
    fn table_def(&self, store: &dyn KvRead, name: &ObjectName) -> Result<TableDef, SqlError> {
        let (db, t) = self.resolve(name)?;
        let def = if db == "information_schema" {
            crate::info::virtual_table(&t)
        } else {
            crate::storage::load_table(store, &db, &t)?
        };
        def.ok_or_else(|| SqlError::no_such_table(&db, &t))
    }

    // ----- the engine path -----

    fn engine(&mut self, stmt: Statement, store: &dyn KvRead) -> Result<Outcome, SqlError> {
        let ddl = matches!(
            stmt,
            Statement::CreateTable(_) | Statement::AlterTable { .. } | Statement::Drop { .. }
        );
        match self.with_storage(store, |s, storage| s.engine_statement(storage, stmt))? {
            Done::Rows(rows) => {
                if !self.autocommit {
                    self.in_txn = true;
                }
                Ok(Outcome::Rows(rows))
            }
            Done::Ok(ok, generated) => {
                if let Some(id) = generated {
                    self.last_insert_id = id;
                }
                Ok(self.finish(ok, ddl))
            }
        }
    }

    fn engine_statement(
        &self,
        storage: &mut Storage<'_>,
        mut stmt: Statement,
    ) -> Result<Done, SqlError> {
        let mut ctx = ErrorContext {
            db: self.db.clone(),
            table: None,
            assigned: Vec::new(),
        };
        let mut filled = prepare::Filled::default();
        let mut target: Option<TableDef> = None;
        // A hint left by an earlier statement on this storage (an upsert runs several) must
        // not narrow this one's scans.
        storage.scan_hint = None;
        storage.update_checks_unique = matches!(stmt, Statement::Update { .. });
        match &mut stmt {
            Statement::CreateTable(ct) => {
                let (db, t) = self.resolve(&ct.name)?;
                if is_system_database(&db) {
                    return Err(SqlError::access_denied(&self.config.user, &db));
                }
                if ct.if_not_exists && storage.table_def(&db, &t)?.is_some() {
                    let mut ok = ok(0);
                    ok.warnings = 1;
                    return Ok(Done::Ok(ok, None));
                }
                let pending = prepare::create_table(ct)?;
                storage.pending_columns = pending.columns;
                storage.pending_seq = pending.seq;
                ctx.table = Some(t);
            }
            Statement::AlterTable {
                name, operations, ..
            } => {
                let (db, t) = self.resolve(name)?;
                if storage.table_def(&db, &t)?.is_none() {
                    return Err(SqlError::no_such_table(&db, &t));
                }
                match prepare::alter_table(operations)? {
                    prepare::AlterPlan::Nothing => return Ok(Done::Ok(ok(0), None)),
                    prepare::AlterPlan::Engine(p) => storage.pending_columns = p.columns,
                }
                for op in operations.iter_mut() {
                    if let AlterTableOperation::RenameTable { table_name } = op {
                        // Unqualified, the new name is in the current database (as MySQL).
                        let (new_db, _) = self.resolve(table_name)?;
                        if is_system_database(&new_db) {
                            return Err(SqlError::access_denied(&self.config.user, &new_db));
                        }
                        if !database_exists(storage.kv_mut(), &new_db)? {
                            return Err(SqlError::unknown_database(&new_db));
                        }
                        *table_name = rewrite::qualify(table_name)?;
                    }
                }
                ctx.table = Some(t);
            }
            Statement::Drop { names, .. } => {
                // The engine takes one-part names: `db.t` becomes the single name `db.t`,
                // which the storage resolves (the rewrite does this for other statements).
                for n in names.iter_mut() {
                    let (db, _) = self.resolve(n)?;
                    if is_system_database(&db) {
                        return Err(SqlError::access_denied(&self.config.user, &db));
                    }
                    *n = rewrite::qualify(n)?;
                }
            }
            Statement::Insert(ins) => {
                let (db, t) = self.resolve(&ins.table_name)?;
                let def = storage
                    .table_def(&db, &t)?
                    .ok_or_else(|| SqlError::no_such_table(&db, &t))?;
                let upsert = ins.ignore || ins.replace_into || ins.on.is_some();
                self.materialize_insert_source(storage, ins, &def, upsert)?;
                let seq_key = keys::seq(&db, &t);
                let seq = storage.counter(&seq_key).map_err(|e| from_glue(&e, &ctx))?;
                filled = prepare::fill_insert(ins, &def, seq)?;
                if let Some(next) = filled.next_seq.filter(|n| *n != seq) {
                    storage.set_counter(seq_key, next);
                }
                if upsert {
                    return self.upsert(storage, ins, &def, (&db, &t), &filled);
                }
                ctx.table = Some(t);
                target = Some(def);
            }
            Statement::Update {
                table, assignments, ..
            } => {
                let TableFactor::Table { name, .. } = &table.relation else {
                    return Err(SqlError::not_supported("UPDATE of a derived table"));
                };
                if !table.joins.is_empty() {
                    return Err(SqlError::not_supported("multi-table UPDATE"));
                }
                let (db, t) = self.resolve(name)?;
                let def = storage
                    .table_def(&db, &t)?
                    .ok_or_else(|| SqlError::no_such_table(&db, &t))?;
                prepare::canonical_assignments(assignments, &def)?;
                prepare::on_update(assignments, &def);
                ctx.table = Some(t);
                target = Some(def);
            }
            Statement::Delete(d) => {
                let from = match &d.from {
                    sqlparser::ast::FromTable::WithFromKeyword(f)
                    | sqlparser::ast::FromTable::WithoutKeyword(f) => f,
                };
                if from.len() != 1 || !from[0].joins.is_empty() || !d.tables.is_empty() {
                    return Err(SqlError::not_supported("multi-table DELETE"));
                }
                if let TableFactor::Table { name, .. } = &from[0].relation {
                    let (db, t) = self.resolve(name)?;
                    let def = storage
                        .table_def(&db, &t)?
                        .ok_or_else(|| SqlError::no_such_table(&db, &t))?;
                    ctx.table = Some(t);
                    target = Some(def);
                }
            }
            _ => {}
        }

        // What the statement can see: for case-insensitive names and result column types.
        let mut columns = Columns::default();
        let mut types: HashMap<String, Option<(ColumnType, Option<u32>)>> = HashMap::new();
        for rel in rewrite::relations(&stmt) {
            let Ok((db, t)) = self.resolve(&rel) else {
                continue;
            };
            if let Ok(Some(def)) = storage.table_def(&db, &t) {
                for (d, m) in def.column_defs().iter().zip(&def.columns) {
                    columns.add(&d.name);
                    columns.set_type(&d.name, m.column_type());
                    let ty = (m.column_type(), m.fsp);
                    types
                        .entry(d.name.clone())
                        .and_modify(|e| {
                            if *e != Some(ty) {
                                *e = None;
                            }
                        })
                        .or_insert(Some(ty));
                }
            }
        }
        if let Statement::Query(q) = &stmt {
            if let SetExpr::Select(sel) = q.body.as_ref() {
                for item in &sel.projection {
                    if let SelectItem::ExprWithAlias { alias, .. } = item {
                        columns.add(&alias.value);
                    }
                }
            }
        }
        rewrite::rewrite(&mut stmt, self, &columns)?;
        if let Some(def) = &target {
            ctx.assigned = prepare::cast_to_columns(&mut stmt, def);
        }

        // An UPDATE or DELETE pinned to one primary key reads that row, not the table.
        if let Some(def) = &target {
            let (selection, table_name) = match &stmt {
                Statement::Update {
                    selection, table, ..
                } => {
                    let name = match &table.relation {
                        TableFactor::Table { name, .. } => object_name(name),
                        _ => String::new(),
                    };
                    (selection.as_ref(), name)
                }
                Statement::Delete(d) => {
                    let name = match &d.from {
                        sqlparser::ast::FromTable::WithFromKeyword(f)
                        | sqlparser::ast::FromTable::WithoutKeyword(f) => match &f[0].relation {
                            TableFactor::Table { name, .. } => object_name(name),
                            _ => String::new(),
                        },
                    };
                    (d.selection.as_ref(), name)
                }
                _ => (None, String::new()),
            };
            if let Some(sel) = selection {
                if !prepare::has_subquery(&stmt) {
                    if let Some(key) = prepare::pinned_key(sel, def) {
                        storage.scan_hint = Some((table_name, key));
                    }
                }
            }
        }

        let payload = run_engine(storage, &stmt, &ctx)?;
        Ok(match payload {
            Payload::Select { labels, rows } => Done::Rows(result_set(labels, rows, &types)),
            Payload::SelectMap(maps) => {
                let labels: Vec<String> = maps
                    .first()
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                let rows = maps
                    .into_iter()
                    .map(|m| {
                        labels
                            .iter()
                            .map(|l| m.get(l).cloned().unwrap_or(Value::Null))
                            .collect()
                    })
                    .collect();
                Done::Rows(result_set(labels, rows, &types))
            }
            Payload::Insert(n) => {
                let mut ok = ok(n as u64);
                ok.last_insert_id = filled
                    .first_generated
                    .or(filled.first_explicit)
                    .unwrap_or(0);
                if n > 1 {
                    ok.info = format!("Records: {n}  Duplicates: 0  Warnings: 0");
                }
                Done::Ok(ok, filled.first_generated)
            }
            Payload::Update(n) => {
                let changed = storage.changed_rows;
                Done::Ok(
                    OkPacket {
                        affected_rows: changed,
                        matched_rows: n as u64,
                        info: format!("Rows matched: {n}  Changed: {changed}  Warnings: 0"),
                        ..OkPacket::default()
                    },
                    None,
                )
            }
            Payload::Delete(n) => Done::Ok(ok(n as u64), None),
            _ => Done::Ok(ok(0), None),
        })
    }

    /// INSERT ... SELECT into a table with an AUTO_INCREMENT column (or any upsert, `always`):
    /// runs the SELECT first and inserts its rows as VALUES, so ids are generated and given
    /// ids move the counter (and an upsert can take the rows one by one).
    fn materialize_insert_source(
        &self,
        storage: &mut Storage<'_>,
        ins: &mut sqlparser::ast::Insert,
        def: &TableDef,
        always: bool,
    ) -> Result<(), SqlError> {
        if def.auto_increment().is_none() && !always {
            return Ok(());
        }
        let Some(source) = ins.source.as_mut() else {
            return Ok(());
        };
        if matches!(source.body.as_ref(), SetExpr::Values(_)) {
            return Ok(());
        }
        let query = Statement::Query(source.clone());
        let Done::Rows(rs) = self.engine_statement(storage, query)? else {
            return Err(SqlError::unknown("INSERT ... SELECT did not select"));
        };
        let rows: Vec<Vec<Expr>> = rs
            .rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|v| match v {
                        None => Expr::Value(SqlValue::Null),
                        Some(text) => rewrite::string(&text),
                    })
                    .collect()
            })
            .collect();
        if rows.is_empty() {
            // Nothing to insert: the SELECT as it stands inserts nothing either.
            return Ok(());
        }
        *source.body = SetExpr::Values(sqlparser::ast::Values {
            explicit_row: false,
            rows,
        });
        source.order_by = None;
        source.limit = None;
        source.offset = None;
        Ok(())
    }

    /// INSERT IGNORE, REPLACE and INSERT ... ON DUPLICATE KEY UPDATE over filled VALUES rows:
    /// each row is looked up by the table's PRIMARY KEY and UNIQUE columns (the keys that
    /// give error 1062), then inserted, skipped, replaced (conflicting rows deleted first) or
    /// turned into an UPDATE of the conflicting row, each as its own statement on the same
    /// storage so later rows see earlier ones. Affected rows follow MySQL: 1 per insert, 1 +
    /// deleted rows per replace, 2 per changed update, 0 per unchanged one.
    fn upsert(
        &self,
        storage: &mut Storage<'_>,
        ins: &sqlparser::ast::Insert,
        def: &TableDef,
        (db, t): (&str, &str),
        filled: &prepare::Filled,
    ) -> Result<Done, SqlError> {
        use sqlparser::ast::{Assignment, Insert, OnInsert};
        let updates: Option<&[Assignment]> = match &ins.on {
            Some(OnInsert::DuplicateKeyUpdate(a)) => Some(a),
            Some(_) => return Err(SqlError::not_supported("ON CONFLICT")),
            None => None,
        };
        let Some(SetExpr::Values(values)) = ins.source.as_ref().map(|q| q.body.as_ref()) else {
            // An INSERT ... SELECT that selected nothing.
            return Ok(Done::Ok(ok(0), None));
        };
        let names: Vec<String> = def.column_defs().iter().map(|d| d.name.clone()).collect();
        let positions: Vec<usize> = ins
            .columns
            .iter()
            .map(|c| def.column_index(&c.value))
            .collect::<Option<_>>()
            .ok_or_else(|| SqlError::unknown("an INSERT column vanished"))?;
        // The unique keys, the primary key first (the order MySQL checks them in).
        let primary = def.primary_key().map(|(i, _)| i);
        let unique: Vec<usize> = primary
            .into_iter()
            .chain(
                def.column_defs()
                    .iter()
                    .enumerate()
                    .filter(|(i, d)| d.unique.is_some() && Some(*i) != primary)
                    .map(|(i, _)| i),
            )
            .collect();
        let table = &ins.table_name;
        let parse = |sql: String| -> Result<Statement, SqlError> {
            Parser::parse_sql(&MySqlDialect {}, &sql)
                .map_err(|e| SqlError::unknown(e.to_string()))?
                .pop()
                .ok_or_else(SqlError::empty_query)
        };
        let column = |i: usize| Expr::Identifier(sqlparser::ast::Ident::with_quote('`', &names[i]));
        let eq = |l: Expr, r: Expr| Expr::BinaryOp {
            left: Box::new(l),
            op: sqlparser::ast::BinaryOperator::Eq,
            right: Box::new(r),
        };
        // Inserts the rows waiting in `rows` as one statement (one uniqueness check).
        let flush = |s: &Self, storage: &mut Storage<'_>, rows: &mut Vec<Vec<Expr>>| {
            if rows.is_empty() {
                return Ok::<(), SqlError>(());
            }
            let mut many = Insert {
                ignore: false,
                replace_into: false,
                on: None,
                insert_alias: None,
                ..ins.clone()
            };
            if let Some(q) = many.source.as_mut() {
                *q.body = SetExpr::Values(sqlparser::ast::Values {
                    explicit_row: false,
                    rows: std::mem::take(rows),
                });
            }
            s.engine_statement(storage, Statement::Insert(many))?;
            Ok(())
        };
        let (mut affected, mut duplicates, mut first_id) = (0u64, 0u64, None);
        // New rows not inserted yet, and the unique keys of the table (with theirs).
        let mut batch: Vec<Vec<Expr>> = Vec::new();
        let mut index: Option<Vec<HashSet<Key>>> = None;
        for (r, row) in values.rows.iter().enumerate() {
            // The value the row gives column `i`: its own, or the column's default.
            let value_of = |i: usize| -> Expr {
                match positions.iter().position(|&p| p == i) {
                    Some(j) => row[j].clone(),
                    None => prepare::default_expr(
                        &def.columns[i],
                        def.columns[i].column_type().is_numeric(),
                    ),
                }
            };
            let conditions: Vec<Expr> = unique
                .iter()
                .map(|&i| (i, value_of(i)))
                .filter(|(_, v)| !matches!(v, Expr::Value(SqlValue::Null)))
                .map(|(i, v)| eq(column(i), v))
                .collect();
            // The row's unique values as engine keys, when they are all literals (NULL: no
            // key); then the lookup is in `index`, else a query per key.
            let row_keys: Option<Vec<Option<Key>>> = unique
                .iter()
                .map(|&i| match value_of(i) {
                    Expr::Value(SqlValue::Null) => Some(None),
                    e => prepare::literal_value(&e, &def.column_defs()[i].data_type)
                        .and_then(|v| Key::try_from(v).ok())
                        .map(Some),
                })
                .collect();
            let mut conflict = None;
            match &row_keys {
                Some(row_keys) => {
                    if index.is_none() {
                        flush(self, storage, &mut batch)?;
                        index = Some(self.unique_index(storage, (db, t), &unique)?);
                    }
                    let sets = index.as_ref().expect("built above");
                    conflict = row_keys
                        .iter()
                        .zip(sets)
                        .zip(&unique)
                        .find(|((k, set), _)| k.as_ref().is_some_and(|k| set.contains(k)))
                        .map(|(_, &i)| eq(column(i), value_of(i)));
                }
                None => {
                    flush(self, storage, &mut batch)?;
                    index = None;
                    for c in &conditions {
                        if self.row_exists(storage, def, (db, t), table, c)? {
                            conflict = Some(c.clone());
                            break;
                        }
                    }
                }
            }
            let Some(found) = conflict else {
                // A new row: it waits in the batch (its keys in the index, so later rows of
                // the statement see it), or goes in now if its keys are unknown.
                match (&row_keys, index.as_mut()) {
                    (Some(row_keys), Some(sets)) => {
                        for (k, set) in row_keys.iter().zip(sets.iter_mut()) {
                            if let Some(k) = k {
                                set.insert(k.clone());
                            }
                        }
                        batch.push(row.clone());
                    }
                    _ => flush(self, storage, &mut vec![row.clone()])?,
                }
                affected += 1;
                if first_id.is_none() {
                    first_id = filled.generated_rows.get(r).copied().flatten();
                }
                continue;
            };
            duplicates += 1;
            if let Some(assignments) = updates {
                flush(self, storage, &mut batch)?;
                // An update of a unique column changes the keys: read them again when next
                // needed.
                let sets_unique = assignments.iter().any(|a| match &a.target {
                    sqlparser::ast::AssignmentTarget::ColumnName(n) => {
                        n.0.last()
                            .and_then(|c| def.column_index(&c.value))
                            .is_none_or(|i| unique.contains(&i))
                    }
                    sqlparser::ast::AssignmentTarget::Tuple(_) => true,
                });
                if sets_unique {
                    index = None;
                }
                let mut assignments = assignments.to_vec();
                for a in &mut assignments {
                    substitute_inserted(&mut a.value, ins, &positions, def, &value_of);
                }
                // The primary key set to the value it has changes nothing, but the engine
                // cannot update a primary key at all: leave such assignments out.
                let mut kept = Vec::with_capacity(assignments.len());
                for a in assignments {
                    let primary_target = match &a.target {
                        sqlparser::ast::AssignmentTarget::ColumnName(n) => {
                            n.0.last()
                                .and_then(|c| def.column_index(&c.value))
                                .filter(|i| Some(*i) == primary)
                        }
                        sqlparser::ast::AssignmentTarget::Tuple(_) => None,
                    };
                    if let Some(i) = primary_target {
                        let mut same = parse(format!("SELECT 1 FROM {table}"))?;
                        if let Statement::Query(q) = &mut same {
                            if let SetExpr::Select(sel) = q.body.as_mut() {
                                sel.projection = vec![SelectItem::UnnamedExpr(eq(
                                    column(i),
                                    Expr::Nested(Box::new(a.value.clone())),
                                ))];
                                sel.selection = Some(found.clone());
                            }
                        }
                        if let Done::Rows(rs) = self.engine_statement(storage, same)? {
                            if rs.rows.first().and_then(|r| r.first()) == Some(&Some("1".into())) {
                                continue;
                            }
                        }
                    }
                    kept.push(a);
                }
                if kept.is_empty() {
                    // Nothing to change: 0 rows affected.
                    continue;
                }
                let assignments = kept;
                let mut stmt = parse(format!("UPDATE {table} SET x = 1"))?;
                if let Statement::Update {
                    assignments: a,
                    selection,
                    ..
                } = &mut stmt
                {
                    *a = assignments;
                    *selection = Some(found);
                }
                storage.changed_rows = 0;
                self.engine_statement(storage, stmt)?;
                if storage.changed_rows > 0 {
                    affected += 2;
                }
            } else if ins.replace_into {
                flush(self, storage, &mut batch)?;
                // With one unique key the new row has the deleted row's key: the keys stay.
                if unique.len() > 1 {
                    index = None;
                }
                let mut stmt = parse(format!("DELETE FROM {table}"))?;
                if let Statement::Delete(d) = &mut stmt {
                    d.selection = conditions.into_iter().reduce(|a, b| Expr::BinaryOp {
                        left: Box::new(a),
                        op: sqlparser::ast::BinaryOperator::Or,
                        right: Box::new(b),
                    });
                }
                if let Done::Ok(deleted, _) = self.engine_statement(storage, stmt)? {
                    affected += deleted.affected_rows;
                }
                flush(self, storage, &mut vec![row.clone()])?;
                affected += 1;
                if first_id.is_none() {
                    first_id = filled.generated_rows.get(r).copied().flatten();
                }
            }
            // INSERT IGNORE: the duplicate row is skipped.
        }
        flush(self, storage, &mut batch)?;
        let mut ok = ok(affected);
        ok.last_insert_id = first_id.unwrap_or(0);
        if values.rows.len() > 1 {
            ok.info = format!(
                "Records: {}  Duplicates: {duplicates}  Warnings: 0",
                values.rows.len()
            );
        }
        Ok(Done::Ok(ok, first_id))
    }

    /// The values of each unique column (`unique`, by position) over the table's rows, as
    /// engine keys: one scan, so an upsert of many rows looks each up without a query.
    fn unique_index(
        &self,
        storage: &mut Storage<'_>,
        (db, t): (&str, &str),
        unique: &[usize],
    ) -> Result<Vec<HashSet<Key>>, SqlError> {
        use gluesql_core::store::Store;
        storage.scan_hint = None;
        let mut sets = vec![HashSet::new(); unique.len()];
        let glue = |e: gluesql_core::error::Error| {
            storage
                .take_failure()
                .unwrap_or_else(|| SqlError::unknown(e.to_string()))
        };
        let rows = storage.scan_data(&format!("{db}.{t}")).map_err(glue)?;
        for row in rows {
            let (_, values) = row.map_err(glue)?;
            for (set, &i) in sets.iter_mut().zip(unique) {
                match values.get(i) {
                    None | Some(Value::Null) => {}
                    Some(v) => {
                        if let Ok(k) = Key::try_from(v.clone()) {
                            set.insert(k);
                        }
                    }
                }
            }
        }
        Ok(sets)
    }

    /// True if a row of the table meets `condition` (`key_column = value`): one read for a
    /// literal primary key, a query otherwise.
    fn row_exists(
        &self,
        storage: &mut Storage<'_>,
        def: &TableDef,
        (db, t): (&str, &str),
        table: &ObjectName,
        condition: &Expr,
    ) -> Result<bool, SqlError> {
        if let Some(key) = prepare::pinned_key(condition, def) {
            return Ok(storage
                .kv_mut()
                .get(&keys::row(db, t, &key))
                .map_err(|e| SqlError::storage(&e))?
                .is_some());
        }
        let mut stmt = Parser::parse_sql(&MySqlDialect {}, &format!("SELECT 1 FROM {table}"))
            .map_err(|e| SqlError::unknown(e.to_string()))?
            .pop()
            .ok_or_else(SqlError::empty_query)?;
        if let Statement::Query(q) = &mut stmt {
            if let SetExpr::Select(sel) = q.body.as_mut() {
                sel.selection = Some(condition.clone());
            }
        }
        match self.engine_statement(storage, stmt)? {
            Done::Rows(rs) => Ok(!rs.rows.is_empty()),
            Done::Ok(..) => Ok(false),
        }
    }

    // ----- session statements -----

    /// Evaluates an expression of a SET, folding session values.
    fn eval(&mut self, mut expr: Expr, store: &dyn KvRead) -> Result<Var, SqlError> {
        match &expr {
            Expr::Value(SqlValue::Number(n, _)) => {
                let s = n.to_string();
                return Ok(s.parse().map(Var::Int).unwrap_or(Var::Str(s)));
            }
            Expr::Value(SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s)) => {
                return Ok(Var::Str(s.clone()))
            }
            Expr::Value(SqlValue::Null) => return Ok(Var::Null),
            Expr::Value(SqlValue::Boolean(b)) => return Ok(Var::Int(i64::from(*b))),
            Expr::Identifier(i) if !i.value.starts_with('@') => {
                return Ok(Var::Str(i.value.clone()))
            }
            _ => {}
        }
        rewrite::rewrite_expr(&mut expr, self)?;
        let sql = format!("SELECT {expr}");
        let stmt = Parser::parse_sql(&MySqlDialect {}, &sql)
            .map_err(|e| SqlError::unknown(e.to_string()))?
            .pop()
            .ok_or_else(SqlError::empty_query)?;
        let done = self.with_storage(store, |s, storage| s.engine_statement(storage, stmt))?;
        let Done::Rows(rs) = done else {
            return Ok(Var::Null);
        };
        let (Some(col), Some(row)) = (rs.columns.first(), rs.rows.first()) else {
            return Ok(Var::Null);
        };
        Ok(match &row[0] {
            None => Var::Null,
            Some(text) if col.column_type.is_numeric() => {
                text.parse().map(Var::Int).unwrap_or(Var::Str(text.clone()))
            }
            Some(text) => Var::Str(text.clone()),
        })
    }

    fn set_variables(
        &mut self,
        variables: OneOrManyWithParens<ObjectName>,
        values: Vec<Expr>,
        store: &dyn KvRead,
    ) -> Result<Outcome, SqlError> {
        let OneOrManyWithParens::One(first) = variables else {
            return Err(SqlError::not_supported("SET (a, b) = ..."));
        };
        let mut assignments = Vec::new();
        let mut values = values.into_iter();
        let first_value = values.next().ok_or_else(|| SqlError::syntax("", 1))?;
        assignments.push((object_name(&first), first_value));
        // MySQL's `SET a = 1, b = 2` parses as one name and the values `1`, `b = 2`.
        for v in values {
            match v {
                Expr::BinaryOp {
                    left,
                    op: sqlparser::ast::BinaryOperator::Eq,
                    right,
                } => {
                    let name = match *left {
                        Expr::Identifier(i) => i.value,
                        Expr::CompoundIdentifier(parts) => parts
                            .iter()
                            .map(|p| p.value.as_str())
                            .collect::<Vec<_>>()
                            .join("."),
                        other => return Err(SqlError::syntax(&other.to_string(), 1)),
                    };
                    assignments.push((name, *right));
                }
                other => return Err(SqlError::syntax(&other.to_string(), 1)),
            }
        }
        let mut outcome = None;
        for (name, value) in assignments {
            if let Some(user) = name.strip_prefix('@').filter(|n| !n.starts_with('@')) {
                let v = self.eval(value, store)?;
                self.user_vars.insert(user.to_ascii_lowercase(), v);
                continue;
            }
            let next_only = name.starts_with("@@") && !name.contains('.');
            let lower = name.trim_start_matches("@@").to_ascii_lowercase();
            let (scope, var) = match lower.split_once('.') {
                Some((scope, var)) => (scope.to_owned(), var.to_owned()),
                None => ("session".to_owned(), lower.clone()),
            };
            match scope.as_str() {
                "session" | "local" => {}
                "global" | "persist" | "persist_only" => {
                    return Err(SqlError::new(
                        1227,
                        "42000",
                        "Access denied; you need (at least one of) the SUPER or \
                         SYSTEM_VARIABLES_ADMIN privilege(s) for this operation",
                    ))
                }
                _ => return Err(SqlError::unknown_variable(&lower)),
            }
            let is_default =
                matches!(&value, Expr::Identifier(i) if i.value.eq_ignore_ascii_case("DEFAULT"));
            match var.as_str() {
                "autocommit" => {
                    let v = if is_default {
                        Var::Int(1)
                    } else {
                        self.eval(value, store)?
                    };
                    let on = match &v {
                        Var::Int(1) => true,
                        Var::Int(0) => false,
                        Var::Str(s) if s.eq_ignore_ascii_case("on") || s == "1" => true,
                        Var::Str(s) if s.eq_ignore_ascii_case("off") || s == "0" => false,
                        other => return Err(SqlError::wrong_value("autocommit", &other.show())),
                    };
                    let was = self.autocommit;
                    self.autocommit = on;
                    if on && !was && self.in_txn {
                        // Turning autocommit on commits the open transaction.
                        outcome = Some(self.commit(ok(0)));
                    } else if on && !was {
                        self.in_txn = false;
                    }
                }
                "transaction_isolation" | "tx_isolation" => {
                    let v = if is_default {
                        Var::Str("REPEATABLE-READ".to_owned())
                    } else {
                        self.eval(value, store)?
                    };
                    let level = isolation_level(&v).ok_or_else(|| {
                        let shown = if v == Var::Null {
                            "NULL".to_owned()
                        } else {
                            v.show()
                        };
                        SqlError::wrong_value(&var, &shown)
                    })?;
                    // `SET @@name = ...` (no scope) is for the next transaction only, as
                    // SET TRANSACTION; `SET name`, `SET SESSION name`, `@@session.name` set
                    // the session value.
                    if next_only {
                        if self.in_txn {
                            return Err(SqlError::cannot_change_transaction());
                        }
                    } else {
                        self.set_isolation(level);
                    }
                }
                "read_only" | "innodb_read_only" | "super_read_only" => {
                    return Err(SqlError::new(
                        1229,
                        "HY000",
                        format!(
                        "Variable '{var}' is a GLOBAL variable and should be set with SET GLOBAL"
                    ),
                    ))
                }
                "version"
                | "version_comment"
                | "aurora_version"
                | "hostname"
                | "port"
                | "license"
                | "lower_case_table_names"
                | "system_time_zone"
                | "version_compile_os"
                | "version_compile_machine"
                | "character_set_system" => {
                    return Err(SqlError::new(
                        1238,
                        "HY000",
                        format!("Variable '{var}' is a read only variable"),
                    ))
                }
                _ => {
                    if is_default {
                        self.vars.remove(&var);
                    } else {
                        let v = self.eval(value, store)?;
                        self.vars.insert(var, v);
                    }
                }
            }
        }
        Ok(outcome.unwrap_or_else(|| self.ok_now(ok(0))))
    }

    /// `SET [SESSION] TRANSACTION characteristic, ...`: with SESSION, the isolation level
    /// becomes the session's `@@transaction_isolation` (and `@@tx_isolation`). Without it,
    /// MySQL applies the level to the next transaction only and leaves the session value
    /// alone: it is checked and accepted here (every transaction runs the same way), and
    /// refused inside a transaction as MySQL does (1568). Access modes (READ ONLY/READ
    /// WRITE) are accepted and not enforced.
    fn set_transaction(
        &mut self,
        tokens: &[TokenWithLocation],
        session: bool,
    ) -> Result<Outcome, SqlError> {
        let rest = Self::rest(tokens, if session { 3 } else { 2 });
        let mut level = None;
        for part in rest.split(|t| *t == Token::Comma) {
            let w: Vec<String> = part
                .iter()
                .filter(|t| **t != Token::SemiColon)
                .map(|t| match t {
                    Token::Word(w) => w.value.to_ascii_uppercase(),
                    other => other.to_string(),
                })
                .collect();
            let w: Vec<&str> = w.iter().map(String::as_str).collect();
            match w.as_slice() {
                ["ISOLATION", "LEVEL", named @ ..] if level.is_none() => {
                    level = Some(match named {
                        ["REPEATABLE", "READ"] => "REPEATABLE-READ",
                        ["READ", "COMMITTED"] => "READ-COMMITTED",
                        ["READ", "UNCOMMITTED"] => "READ-UNCOMMITTED",
                        ["SERIALIZABLE"] => "SERIALIZABLE",
                        _ => return Err(SqlError::syntax(&named.join(" "), 1)),
                    });
                }
                ["READ", "WRITE" | "ONLY"] => {}
                _ => return Err(SqlError::syntax(&w.join(" "), 1)),
            }
        }
        if session {
            if let Some(level) = level {
                self.set_isolation(level);
            }
        } else if self.in_txn {
            return Err(SqlError::cannot_change_transaction());
        }
        Ok(self.ok_now(ok(0)))
    }

    /// Sets the session's isolation level under both of its names.
    fn set_isolation(&mut self, level: &str) {
        for name in ["transaction_isolation", "tx_isolation"] {
            self.vars
                .insert(name.to_owned(), Var::Str(level.to_owned()));
        }
    }

    /// The significant tokens after the leading `n` words.
    fn rest(tokens: &[TokenWithLocation], n: usize) -> Vec<Token> {
        tokens
            .iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_)))
            .skip(n)
            .map(|t| t.token.clone())
            .collect()
    }

    /// The table of `DROP INDEX name ON [db.]table [ALGORITHM=...] [LOCK=...]`.
    fn index_table(tokens: &[TokenWithLocation]) -> Option<ObjectName> {
        let rest = Self::rest(tokens, 3);
        let on = |t: &Token| matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("ON"));
        if !rest.first().is_some_and(on) {
            return None;
        }
        let mut parts = vec![sqlparser::ast::Ident::new(Self::name_token(rest.get(1))?)];
        let mut i = 2;
        if rest.get(i) == Some(&Token::Period) {
            parts.push(sqlparser::ast::Ident::new(Self::name_token(
                rest.get(i + 1),
            )?));
            i += 2;
        }
        // Only ALGORITHM and LOCK options may follow.
        while let Some(Token::Word(w)) = rest.get(i) {
            let known = ["ALGORITHM", "LOCK"]
                .iter()
                .any(|o| w.value.eq_ignore_ascii_case(o));
            if !known {
                return None;
            }
            i += 1;
            if rest.get(i) == Some(&Token::Eq) {
                i += 1;
            }
            Self::name_token(rest.get(i))?;
            i += 1;
        }
        (i == rest.len()).then_some(ObjectName(parts))
    }

    fn name_token(t: Option<&Token>) -> Option<String> {
        match t {
            Some(Token::Word(w)) => Some(w.value.clone()),
            _ => None,
        }
    }

    fn create_database(
        &mut self,
        tokens: &[TokenWithLocation],
        store: &dyn KvRead,
    ) -> Result<Outcome, SqlError> {
        if self.config.read_only {
            return Err(SqlError::read_only());
        }
        let rest = Self::rest(tokens, 2);
        let upper = |t: &Token| match t {
            Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
            other => other.to_string(),
        };
        let mut i = 0;
        let mut if_not_exists = false;
        if rest.len() >= 3
            && upper(&rest[0]) == "IF"
            && upper(&rest[1]) == "NOT"
            && upper(&rest[2]) == "EXISTS"
        {
            if_not_exists = true;
            i = 3;
        }
        let name = Self::name_token(rest.get(i)).ok_or_else(|| {
            SqlError::syntax(
                &rest
                    .iter()
                    .skip(i)
                    .map(|t| t.to_string())
                    .collect::<String>(),
                1,
            )
        })?;
        i += 1;
        let mut meta = DatabaseMeta::default();
        while i < rest.len() {
            let word = upper(&rest[i]);
            i += 1;
            match word.as_str() {
                "DEFAULT" => continue,
                "CHARACTER" if rest.get(i).map(upper).as_deref() == Some("SET") => {
                    i += 1;
                }
                "CHARSET" | "COLLATE" | "ENCRYPTION" => {}
                _ => {
                    let near: Vec<String> = rest[i - 1..].iter().map(|t| t.to_string()).collect();
                    return Err(SqlError::syntax(&near.join(" "), 1));
                }
            }
            if rest.get(i) == Some(&Token::Eq) {
                i += 1;
            }
            let value = match rest.get(i) {
                Some(Token::Word(w)) => w.value.clone(),
                Some(Token::SingleQuotedString(s)) => s.clone(),
                other => {
                    return Err(SqlError::syntax(
                        &other.map(|t| t.to_string()).unwrap_or_default(),
                        1,
                    ))
                }
            };
            i += 1;
            match word.as_str() {
                "COLLATE" => meta.collation = value,
                "ENCRYPTION" => {}
                _ => meta.charset = value,
            }
        }
        self.create_database_named(&name, if_not_exists, Some(meta), store)
    }

    fn create_database_named(
        &mut self,
        name: &str,
        if_not_exists: bool,
        meta: Option<DatabaseMeta>,
        store: &dyn KvRead,
    ) -> Result<Outcome, SqlError> {
        if name.is_empty() || name.contains('.') || name.len() > 64 {
            return Err(SqlError::wrong_name("database", name));
        }
        if database_exists(&TxnView::with_writes(store, self.txn.clone()), name)? {
            if if_not_exists {
                let mut ok = ok(1);
                ok.warnings = 1;
                return Ok(self.finish(ok, true));
            }
            return Err(SqlError::database_exists(name));
        }
        let meta = meta.unwrap_or_default();
        self.with_storage(store, |_, storage| {
            storage.kv_mut().put(
                keys::database(name),
                serde_json::to_vec(&meta).expect("database meta serializes"),
            );
            Ok(())
        })?;
        Ok(self.finish(ok(1), true))
    }

    fn drop_database(
        &mut self,
        name: &str,
        if_exists: bool,
        store: &dyn KvRead,
    ) -> Result<Outcome, SqlError> {
        if is_system_database(name) {
            return Err(SqlError::access_denied(&self.config.user, name));
        }
        let tables = self.with_storage(store, |_, storage| {
            let kv = storage.kv_mut();
            if kv
                .get(&keys::database(name))
                .map_err(|e| SqlError::storage(&e))?
                .is_none()
            {
                return Ok(None);
            }
            let data = kv
                .scan_prefix(&keys::database_data(name))
                .map_err(|e| SqlError::storage(&e))?;
            let schema_prefix = keys::schemas(name);
            let tables = data
                .iter()
                .filter(|(k, _)| k.starts_with(&schema_prefix))
                .count();
            for (k, _) in data {
                kv.delete(k);
            }
            kv.delete(keys::database(name));
            Ok(Some(tables))
        })?;
        match tables {
            None if if_exists => {
                let mut ok = ok(0);
                ok.warnings = 1;
                Ok(self.finish(ok, true))
            }
            None => Err(SqlError::drop_missing_database(name)),
            Some(n) => {
                if self.db.as_deref() == Some(name) {
                    self.db = None;
                }
                Ok(self.finish(ok(n as u64), true))
            }
        }
    }

    fn truncate(&mut self, names: &[ObjectName], store: &dyn KvRead) -> Result<Outcome, SqlError> {
        let mut targets = Vec::new();
        for n in names {
            let (db, t) = self.resolve(n)?;
            if is_system_database(&db) {
                return Err(SqlError::access_denied(&self.config.user, &db));
            }
            targets.push((db, t));
        }
        self.with_storage(store, |_, storage| {
            for (db, t) in &targets {
                if storage.table_def(db, t)?.is_none() {
                    return Err(SqlError::no_such_table(db, t));
                }
                let kv = storage.kv_mut();
                for (k, _) in kv
                    .scan_prefix(&keys::rows(db, t))
                    .map_err(|e| SqlError::storage(&e))?
                {
                    kv.delete(k);
                }
                storage.set_counter(keys::seq(db, t), 1);
                storage.set_counter(keys::rowid(db, t), 1);
            }
            Ok(())
        })?;
        Ok(self.finish(ok(0), true))
    }

    fn show_index(
        &self,
        tokens: &[TokenWithLocation],
        store: &dyn KvRead,
    ) -> Result<Outcome, SqlError> {
        let rest = Self::rest(tokens, 2);
        let from = |t: &Token| matches!(t, Token::Word(w) if w.value.eq_ignore_ascii_case("FROM") || w.value.eq_ignore_ascii_case("IN"));
        if !rest.first().is_some_and(from) {
            return Err(SqlError::syntax(
                &rest.iter().map(|t| t.to_string()).collect::<String>(),
                1,
            ));
        }
        let mut parts = vec![Self::name_token(rest.get(1)).ok_or_else(|| SqlError::syntax("", 1))?];
        if rest.get(2) == Some(&Token::Period) {
            parts.insert(0, parts[0].clone());
            parts[1] = Self::name_token(rest.get(3)).ok_or_else(|| SqlError::syntax("", 1))?;
        } else if rest.get(2).is_some_and(from) {
            parts.insert(
                0,
                Self::name_token(rest.get(3)).ok_or_else(|| SqlError::syntax("", 1))?,
            );
        }
        let name = ObjectName(parts.into_iter().map(sqlparser::ast::Ident::new).collect());
        let def = self.table_def(store, &name)?;
        Ok(Outcome::Rows(admin::show_index(&def)))
    }

    fn show_create_database(
        &self,
        tokens: &[TokenWithLocation],
        store: &dyn KvRead,
    ) -> Result<Outcome, SqlError> {
        let rest = Self::rest(tokens, 3);
        let name = Self::name_token(rest.last()).ok_or_else(|| SqlError::syntax("", 1))?;
        let dbs = list_databases(store)?;
        let (_, meta) = dbs
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| SqlError::unknown_database(&name))?;
        let ddl = format!(
            "CREATE DATABASE `{name}` /*!40100 DEFAULT CHARACTER SET {} COLLATE {} */ \
             /*!80016 DEFAULT ENCRYPTION='N' */",
            meta.charset, meta.collation
        );
        Ok(Outcome::Rows(admin::text_rows(
            &["Database", "Create Database"],
            vec![vec![Some(name), Some(ddl)]],
        )))
    }
}

/// Translates, plans and executes one statement, never letting an engine panic escape.
fn run_engine(
    storage: &mut Storage<'_>,
    stmt: &Statement,
    ctx: &ErrorContext,
) -> Result<Payload, SqlError> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let statement = translate(stmt)?;
        let plan = storage.plan(statement.into())?;
        execute(storage, &plan)
    }));
    match result {
        Ok(Ok(payload)) => Ok(payload),
        Ok(Err(e)) => Err(storage.take_failure().unwrap_or_else(|| from_glue(&e, ctx))),
        Err(panic) => Err(SqlError::unknown(format!(
            "internal error: {}",
            panic_message(&*panic)
        ))),
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "panic".to_owned())
}

/// A result set from engine rows: declared column types where a label names a column of the
/// tables read, otherwise the type of the first non-NULL value.
fn result_set(
    labels: Vec<String>,
    rows: Vec<Vec<Value>>,
    types: &HashMap<String, Option<(ColumnType, Option<u32>)>>,
) -> ResultSet {
    let declared: Vec<Option<(ColumnType, Option<u32>)>> = labels
        .iter()
        .map(|label| types.get(label).copied().flatten())
        .collect();
    let columns = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let inferred = || {
                rows.iter()
                    .filter_map(|r| r.get(i))
                    .find_map(render::value_type)
            };
            let counted = label.to_ascii_uppercase().starts_with("COUNT(");
            let ty = declared[i]
                .map(|(t, _)| t)
                .or(counted.then_some(ColumnType::LongLong))
                .or_else(inferred)
                .unwrap_or(ColumnType::VarString);
            Column::new(label.clone(), ty)
        })
        .collect();
    ResultSet {
        columns,
        rows: rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let fsp = declared.get(i).copied().flatten().and_then(|(_, f)| f);
                        render::text(v, fsp.unwrap_or(0))
                    })
                    .collect()
            })
            .collect(),
    }
}

/// In an ON DUPLICATE KEY UPDATE value, `VALUES(col)` and `alias.col` (MySQL 8's
/// `INSERT ... AS alias`) become the value the row tried to insert into `col`.
fn substitute_inserted(
    expr: &mut Expr,
    ins: &sqlparser::ast::Insert,
    positions: &[usize],
    def: &TableDef,
    value_of: &dyn Fn(usize) -> Expr,
) {
    use sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments, VisitMut, VisitorMut};
    use std::ops::ControlFlow;
    struct Sub<'a> {
        table: &'a str,
        alias: Option<(&'a str, Option<&'a [sqlparser::ast::Ident]>)>,
        positions: &'a [usize],
        def: &'a TableDef,
        value_of: &'a dyn Fn(usize) -> Expr,
    }
    impl Sub<'_> {
        fn column(&self, name: &str) -> Option<usize> {
            self.def.column_index(name)
        }
        fn aliased(&self, name: &str) -> Option<usize> {
            match self.alias?.1 {
                Some(cols) => {
                    let j = cols
                        .iter()
                        .position(|c| c.value.eq_ignore_ascii_case(name))?;
                    self.positions.get(j).copied()
                }
                None => self.column(name),
            }
        }
    }
    impl VisitorMut for Sub<'_> {
        type Break = ();
        fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
            let found = match &*expr {
                Expr::Function(f)
                    if f.name.0.len() == 1 && f.name.0[0].value.eq_ignore_ascii_case("VALUES") =>
                {
                    match &f.args {
                        FunctionArguments::List(l) if l.args.len() == 1 => match &l.args[0] {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Identifier(c))) => {
                                self.column(&c.value)
                            }
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(
                                Expr::CompoundIdentifier(p),
                            )) => p.last().and_then(|c| self.column(&c.value)),
                            _ => None,
                        },
                        _ => None,
                    }
                }
                Expr::CompoundIdentifier(parts) if parts.len() == 2 => match self.alias {
                    Some((alias, _)) if parts[0].value.eq_ignore_ascii_case(alias) => {
                        self.aliased(&parts[1].value)
                    }
                    _ => None,
                },
                _ => None,
            };
            if let Some(i) = found {
                *expr = Expr::Nested(Box::new((self.value_of)(i)));
            } else if let Expr::CompoundIdentifier(parts) = &*expr {
                // `t.col` or `db.t.col` is the conflicting row's column: the UPDATE has one
                // table, and the engine does not resolve the qualifier of `db.t`.
                let names_table = parts.len() >= 2
                    && parts[parts.len() - 2]
                        .value
                        .eq_ignore_ascii_case(self.table);
                if names_table {
                    *expr = Expr::Identifier(parts[parts.len() - 1].clone());
                }
            }
            ControlFlow::Continue(())
        }
    }
    let alias = ins.insert_alias.as_ref().and_then(|a| {
        let name = a.row_alias.0.last()?.value.as_str();
        // sqlparser gives `Some([])` when no column aliases follow.
        let cols = a.col_aliases.as_deref().filter(|c| !c.is_empty());
        Some((name, cols))
    });
    let table = ins.table_name.0.last().map_or("", |i| i.value.as_str());
    let _ = expr.visit(&mut Sub {
        table,
        alias,
        positions,
        def,
        value_of,
    });
}

/// The isolation level a `transaction_isolation` value names (MySQL's enum: its names,
/// any case, or 0-3), as MySQL shows it.
fn isolation_level(v: &Var) -> Option<&'static str> {
    const LEVELS: [&str; 4] = [
        "READ-UNCOMMITTED",
        "READ-COMMITTED",
        "REPEATABLE-READ",
        "SERIALIZABLE",
    ];
    match v {
        Var::Str(s) => LEVELS.iter().find(|l| l.eq_ignore_ascii_case(s)).copied(),
        Var::Int(n) => usize::try_from(*n)
            .ok()
            .and_then(|i| LEVELS.get(i))
            .copied(),
        Var::Null => None,
    }
}
