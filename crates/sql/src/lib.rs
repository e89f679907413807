//! The SQL engine adapter of the data plane: MySQL statements over a versioned key-value
//! space.
//!
//! This crate owns the MySQL face of a cluster's data: parsing MySQL's dialect, rewriting it
//! for the engine (gluesql), running it over a key-value space, and answering the session
//! statements clients send (SET, SHOW, USE, `@@version`...). Tables, rows and counters live as
//! plain keys and values (see [`keys`](crate::keys) for the layout), so whatever restores the
//! key-value space — a backtrack — restores the databases with it.
//!
//! It must never import the storage volume or the control plane (`volume`, `aurora`): it sees
//! the committed head only through [`KvRead`], and hands writes back as a [`CommitRequest`]
//! for the caller to commit durably (see [`Session`] for the boundary).
//!
//! ```
//! use std::sync::Arc;
//! use chrono::{TimeZone, Utc};
//! use sql::{MemKv, Outcome, Session, SessionConfig};
//!
//! let kv = MemKv::new();
//! let clock = Arc::new(|| Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap());
//! let mut s = Session::new(SessionConfig::new("admin@%", clock));
//! let out = s.run(
//!     "CREATE DATABASE shop; USE shop; CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20)); \
//!      INSERT INTO t VALUES (1, 'a'); SELECT name FROM t WHERE id = 1",
//!     &kv,
//!     |commit| kv.apply(commit),
//! );
//! let Outcome::Rows(rows) = &out[4] else { panic!("{out:?}") };
//! assert_eq!(rows.rows, vec![vec![Some("a".to_owned())]]);
//! ```

mod admin;
mod catalog;
mod error;
mod info;
mod keys;
mod kv;
mod lex;
mod outcome;
mod prepare;
mod render;
mod rewrite;
mod session;
mod storage;
mod vars;

pub use error::SqlError;
pub use info::{AuroraDbCluster, ClusterInfo, NoClusterInfo};
pub use kv::{KvError, KvRead, MemKv, Pairs, TxnView, Writes};
pub use outcome::{Column, ColumnType, CommitRequest, OkPacket, Outcome, ResultSet};
pub use session::{Clock, Random, Session, SessionConfig};
