//! MySQL 8.0 sessions over SQLite: what an application written for Aurora MySQL sends, run by
//! an embedded SQL engine whose pages live in the cluster's volume.
//!
//! The layers, bottom up: [`pagevfs`] keeps SQLite's pages in the volume (one volume commit
//! per SQLite commit, snapshot reads, one writer at a time); [`mysql_functions`] registers
//! MySQL's functions and collations on each connection; this crate parses MySQL's dialect
//! (sqlparser's MySqlDialect), keeps MySQL's catalog in the same database (so a backtrack
//! rewinds schema and data together), rewrites statements for SQLite and words its errors as
//! MySQL's. It never imports the control plane: the dataplane gives it a page space and a
//! clock.
//!
//! ```
//! use std::sync::Arc;
//! use chrono::{TimeZone, Utc};
//! use mysql_dialect::{open_session, Outcome, SessionConfig};
//! use pagevfs::{MemStore, PageSpace, SpaceConfig};
//!
//! let space = PageSpace::new(Arc::new(MemStore::new()), SpaceConfig::default());
//! let clock = Arc::new(|| Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap());
//! let config = SessionConfig::new("admin@%", clock, Arc::new(|| 4));
//! let mut s = open_session(&space, config).unwrap();
//! let out = s.run(
//!     "CREATE DATABASE shop; USE shop; CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20)); \
//!      INSERT INTO t VALUES (1, 'a'); SELECT name FROM t WHERE id = 1",
//! );
//! let Outcome::Rows(rows) = &out[4] else { panic!("{out:?}") };
//! assert_eq!(rows.rows, vec![vec![Some(b"a".to_vec())]]);
//! ```

mod admin;
mod catalog;
mod ddl;
mod dml;
mod error;
mod errors;
mod explain;
mod forms;
mod info;
mod outcome;
mod prepared;
mod query;
pub mod schema;
mod session;
mod set;
mod split;
mod translate;
mod txn;
mod user_locks;
mod vars;
mod views;

use std::sync::Arc;
use std::time::Duration;

pub use error::SqlError;
pub use info::{AuroraDbCluster, ClusterInfo, NoClusterInfo};
pub use outcome::{Column, ColumnType, OkPacket, Outcome, ResultSet};
pub use prepared::Parameter;
pub use session::{
    AutoIncrements, Clock, NoProcesses, Process, Processes, Random, Session, SessionConfig, Storage,
};
pub use user_locks::{Interrupt, UserLocks, MAX_LOCK_WAIT};

impl Storage for pagevfs::PageConnection {
    fn sqlite(&self) -> &rusqlite::Connection {
        self
    }
    fn acquire_writer(&self, wait: Duration) -> bool {
        pagevfs::PageConnection::acquire_writer(self, wait)
    }
    fn release_writer(&self) {
        pagevfs::PageConnection::release_writer(self);
    }
    fn lock_timed_out(&self) -> bool {
        pagevfs::PageConnection::lock_timed_out(self)
    }
    fn take_store_error(&self) -> Option<String> {
        pagevfs::PageConnection::take_store_error(self)
    }
    fn epoch(&self) -> u64 {
        pagevfs::PageConnection::epoch(self)
    }
}

/// The stack a thread running a session needs: parsing, rewriting and printing a statement
/// recurse once per nesting level (a 1,100-term `1+1+...+1` is 1,100 levels), so sessions run
/// on threads with this much stack rather than on the async runtime's (2 MiB). Deeper
/// statements get an error from the parser's recursion limit or SQLite's depth limit first.
pub const SESSION_STACK_BYTES: usize = 256 << 20;

/// Opens a session on a page space: a new SQLite connection with MySQL's functions and
/// collations, foreign keys enforced.
pub fn open_session(
    space: &Arc<pagevfs::PageSpace>,
    config: SessionConfig,
) -> Result<Session, SqlError> {
    let conn = space
        .connect()
        .map_err(|e| SqlError::unknown(format!("cannot open the database: {e}")))?;
    let clock = config.clock.clone();
    mysql_functions::register(
        &conn,
        mysql_functions::Context {
            now: Arc::new(move || clock().naive_utc()),
            max_allowed_packet: 67_108_864,
        },
    )
    .map_err(|e| SqlError::unknown(format!("cannot register functions: {e}")))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA trusted_schema = ON;")
        .map_err(|e| SqlError::unknown(e.to_string()))?;
    let mut conn = conn;
    let session_deadline = Arc::new(std::sync::Mutex::new(None::<std::time::Instant>));
    let deadline = session_deadline.clone();
    conn.progress_handler(
        10_000,
        Some(move || {
            deadline
                .lock()
                .map(|d| d.is_some_and(|at| std::time::Instant::now() >= at))
                .unwrap_or(false)
        }),
    )
    .map_err(|e| SqlError::unknown(e.to_string()))?;
    let mut session = Session::new(Box::new(conn), config);
    session.deadline = session_deadline;
    Ok(session)
}
