//! Helpers shared by the integration tests: a cluster's pages in memory and sessions over it.

#![allow(dead_code)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use mysql_dialect::{
    open_session, AutoIncrements, Clock, OkPacket, Outcome, Session, SessionConfig, SqlError,
};
use pagevfs::{MemStore, PageSpace, SpaceConfig};

/// A clock stopped at 2024-05-01 12:00:00 UTC.
pub fn clock() -> Clock {
    Arc::new(|| Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap())
}

/// A writer session's config for `user`.
pub fn config(user: &str) -> SessionConfig {
    SessionConfig::new(user, clock(), Arc::new(|| 0x0123_4567_89ab_cdef))
}

/// One cluster's storage: a page space over an in-memory store.
pub struct Cluster {
    pub store: Arc<MemStore>,
    pub space: Arc<PageSpace>,
    pub marks: Arc<AutoIncrements>,
}

impl Cluster {
    pub fn new() -> Self {
        let store = Arc::new(MemStore::new());
        let space = PageSpace::new(store.clone(), SpaceConfig::default());
        Self {
            store,
            space,
            marks: Arc::new(AutoIncrements::default()),
        }
    }
}

/// A session on a cluster.
pub struct Conn {
    pub s: Session,
}

impl Conn {
    pub fn new(cluster: &Cluster) -> Self {
        Self::with(cluster, config("admin@10.0.0.1"))
    }

    pub fn with(cluster: &Cluster, config: SessionConfig) -> Self {
        Self {
            s: open_session(
                &cluster.space,
                config.with_auto_increments(cluster.marks.clone()),
            )
            .expect("session opens"),
        }
    }

    /// Runs `sql`.
    pub fn run(&mut self, sql: &str) -> Vec<Outcome> {
        self.s.run(sql)
    }

    /// Runs one statement.
    pub fn one(&mut self, sql: &str) -> Outcome {
        let mut out = self.run(sql);
        assert_eq!(out.len(), 1, "{sql}: {out:?}");
        out.remove(0)
    }

    /// Runs one statement that must succeed without rows.
    pub fn ok(&mut self, sql: &str) -> OkPacket {
        match self.one(sql) {
            Outcome::Ok(ok) => ok,
            other => panic!("{sql}: {other:?}"),
        }
    }

    /// Runs several statements that must all succeed.
    pub fn exec(&mut self, sql: &str) {
        for o in self.run(sql) {
            if let Outcome::Error(e) = o {
                panic!("{sql}: {e}");
            }
        }
    }

    /// Runs one statement that must fail.
    pub fn err(&mut self, sql: &str) -> SqlError {
        match self.one(sql) {
            Outcome::Error(e) => e,
            other => panic!("{sql}: expected an error, got {other:?}"),
        }
    }

    /// Runs a query: rows as strings, NULL as "NULL".
    pub fn q(&mut self, sql: &str) -> Vec<Vec<String>> {
        match self.one(sql) {
            Outcome::Rows(rs) => rs
                .rows
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|v| {
                            v.map_or_else(
                                || "NULL".to_owned(),
                                |b| String::from_utf8_lossy(&b).into_owned(),
                            )
                        })
                        .collect()
                })
                .collect(),
            other => panic!("{sql}: {other:?}"),
        }
    }

    /// Runs a query returning one value.
    pub fn val(&mut self, sql: &str) -> String {
        let rows = self.q(sql);
        assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
        rows[0][0].clone()
    }
}

/// Rows written as `[["1", "a"], ...]`.
pub fn rows(r: &[&[&str]]) -> Vec<Vec<String>> {
    r.iter()
        .map(|row| row.iter().map(|s| (*s).to_owned()).collect())
        .collect()
}
