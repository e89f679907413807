//! One client connection: authentication against the cluster's master user, statements through
//! a SQL session over the volume, and commits that check for write conflicts and land in the log.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, Mutex};

use aurora::endpoints::EndpointSpec;
use aurora::{Aurora, Paging, Transaction, Volume};
use mysql_wire::{
    Column, ColumnKind, ConnectionParams, ErrorPacket, Login, Reply, ServerConfig, SessionStatus,
};
use sql::{AuroraDbCluster, ColumnType, CommitRequest, KvError, KvRead, Outcome, SqlError};
use tokio::net::TcpStream;
use tokio::sync::watch;

/// One lock per (region, cluster).
pub(crate) type CommitLocks = Mutex<HashMap<(String, String), Arc<Mutex<()>>>>;

/// What every connection shares.
pub(crate) struct Shared {
    /// The control plane: credentials, commits, cluster facts.
    pub aurora: Aurora,
    /// Numbers connections (CONNECTION_ID()).
    pub connection_ids: AtomicU32,
    /// One lock per cluster, held across a commit's conflict check and the commit itself.
    pub commit_locks: CommitLocks,
}

/// A volume's committed head, as the SQL engine reads it.
struct Head(Arc<Volume>);

impl KvRead for Head {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        self.0.get(key).map_err(|e| KvError(e.to_string()))
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>, KvError> {
        self.0
            .scan_prefix(prefix)
            .map_err(|e| KvError(e.to_string()))
    }
}

/// Serves one accepted connection until the client leaves or the endpoint closes.
pub(crate) async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    connection_id: u32,
    spec: Arc<EndpointSpec>,
    shared: Arc<Shared>,
    mut closed: watch::Receiver<bool>,
) {
    let mut random = [0u8; 20];
    for chunk in random.chunks_mut(8) {
        let bytes = shared.aurora.env().ids.next_u64().to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    let session = Connection {
        spec: spec.clone(),
        shared,
        sql: None,
    };
    let config = ServerConfig {
        server_version: server_version(&session),
        ..ServerConfig::default()
    };
    let shutdown = async move {
        let _ = closed.wait_for(|c| *c).await;
    };
    if let Err(e) = mysql_wire::serve_connection(
        stream,
        &config,
        ConnectionParams {
            connection_id,
            random,
        },
        session,
        shutdown,
    )
    .await
    {
        tracing::debug!(%peer, error = %e, "MySQL connection ended with an error");
    }
}

/// The version string clients see, from the cluster's engine version.
fn server_version(c: &Connection) -> String {
    let engine = c.engine_version();
    sql::SessionConfig::new("", c.clock())
        .with_engine_version(&engine)
        .version
}

struct Connection {
    spec: Arc<EndpointSpec>,
    shared: Arc<Shared>,
    /// Created once the client has authenticated.
    sql: Option<sql::Session>,
}

impl Connection {
    fn engine_version(&self) -> String {
        self.shared
            .aurora
            .describe_clusters(
                &self.spec.region,
                Some(&self.spec.cluster_id),
                &[],
                &Paging::default(),
            )
            .ok()
            .and_then(|p| p.items.into_iter().next())
            .map(|v| v.cluster.engine_version)
            .unwrap_or_default()
    }

    /// Rewind's clock, for NOW() and timestamps.
    fn clock(&self) -> Arc<dyn Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync> {
        let clock = self.shared.aurora.env().clock.clone();
        Arc::new(move || clock.now())
    }

    /// Rewind's seeded id generator, for UUID().
    fn random(&self) -> sql::Random {
        let ids = self.shared.aurora.env().ids.clone();
        Arc::new(move || ids.next_u64())
    }

    fn head(&self) -> Result<Head, SqlError> {
        self.shared
            .aurora
            .volume(&self.spec.region, &self.spec.cluster_id)
            .map(Head)
            .map_err(|e| SqlError::new(1105, "HY000", e.message()))
    }

    /// Runs `text` to the end, committing where the session asks to.
    fn run(&mut self, text: &str) -> Vec<Reply> {
        let head = match self.head() {
            Ok(h) => h,
            Err(e) => return vec![error(e)],
        };
        let (shared, spec) = (self.shared.clone(), self.spec.clone());
        let Some(session) = self.sql.as_mut() else {
            return vec![Reply::Error(ErrorPacket::new(
                1045,
                "28000",
                "Not authenticated",
            ))];
        };
        let outcomes = session.run(text, &head, |request| {
            commit(&shared, &spec, &head, request)
        });
        outcomes.into_iter().map(reply).collect()
    }

    /// The result columns of a statement being prepared, over the committed head and the open
    /// transaction's writes; nothing runs for real (see `sql::Session::describe`).
    fn describe_columns(&self, text: &str) -> Result<Vec<Column>, ErrorPacket> {
        let (Some(session), Ok(head)) = (self.sql.as_ref(), self.head()) else {
            return Ok(Vec::new());
        };
        match session.describe(text, &head) {
            Ok(columns) => Ok(columns
                .unwrap_or_default()
                .into_iter()
                .map(column)
                .collect()),
            Err(e) => Err(ErrorPacket::new(e.code, e.sqlstate, e.message)),
        }
    }
}

/// Commits a session's writes: the conflict check and the commit hold the cluster's lock.
fn commit(
    shared: &Shared,
    spec: &EndpointSpec,
    head: &Head,
    request: &CommitRequest,
) -> Result<(), SqlError> {
    let lock = {
        let mut locks = shared
            .commit_locks
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        locks
            .entry((spec.region.clone(), spec.cluster_id.clone()))
            .or_default()
            .clone()
    };
    let _held = lock.lock().unwrap_or_else(|p| p.into_inner());
    request.check(head)?;
    let mut txn = Transaction::new();
    for (key, value) in request.writes() {
        match value {
            Some(v) => txn.put(key.clone(), v.clone()),
            None => txn.delete(key.clone()),
        }
    }
    shared
        .aurora
        .commit(&spec.region, &spec.cluster_id, txn)
        .map(|_| ())
        .map_err(|e| {
            SqlError::new(
                1105,
                "HY000",
                format!("The commit was refused: {}", e.message()),
            )
        })
}

fn error(e: SqlError) -> Reply {
    Reply::Error(ErrorPacket::new(e.code, e.sqlstate, e.message))
}

fn reply(outcome: Outcome) -> Reply {
    match outcome {
        Outcome::Rows(rs) => Reply::ResultSet {
            columns: rs.columns.into_iter().map(column).collect(),
            // The engine's values are text: the wire carries their UTF-8 bytes.
            rows: rs
                .rows
                .into_iter()
                .map(|row| row.into_iter().map(|v| v.map(String::into_bytes)).collect())
                .collect(),
        },
        Outcome::Ok(ok) => Reply::Ok {
            affected_rows: ok.affected_rows,
            last_insert_id: ok.last_insert_id,
            info: ok.info,
        },
        Outcome::Error(e) => error(e),
        // `Session::run` turns every commit request into an OK or an error.
        Outcome::Commit(request) => Reply::Ok {
            affected_rows: request.ok.affected_rows,
            last_insert_id: request.ok.last_insert_id,
            info: request.ok.info,
        },
    }
}

fn column(c: sql::Column) -> Column {
    Column::new(c.name, kind(c.column_type))
}

fn kind(t: ColumnType) -> ColumnKind {
    match t {
        ColumnType::Tiny => ColumnKind::Tiny,
        ColumnType::Short => ColumnKind::Short,
        ColumnType::Long => ColumnKind::Long,
        ColumnType::LongLong => ColumnKind::LongLong,
        ColumnType::Float => ColumnKind::Float,
        ColumnType::Double => ColumnKind::Double,
        ColumnType::NewDecimal => ColumnKind::NewDecimal,
        ColumnType::VarString | ColumnType::String => ColumnKind::VarString,
        // The engine keeps TEXT and BLOB alike, as text: send them as text in the connection's
        // character set, so drivers return strings, as MySQL does for TEXT.
        ColumnType::Blob => ColumnKind::Text,
        ColumnType::Date => ColumnKind::Date,
        ColumnType::Time => ColumnKind::Time,
        ColumnType::DateTime => ColumnKind::DateTime,
        ColumnType::Timestamp => ColumnKind::Timestamp,
        ColumnType::Year => ColumnKind::Year,
    }
}

impl mysql_wire::Session for Connection {
    async fn authenticate(&mut self, login: &Login<'_>) -> Result<(), ErrorPacket> {
        let (user, password) = &self.spec.credentials;
        if login.user != user || !login.verify_password(password) {
            return Err(login.access_denied());
        }
        let aurora = self.shared.aurora.clone();
        let (region, cluster) = (self.spec.region.clone(), self.spec.cluster_id.clone());
        let info = move || -> Vec<AuroraDbCluster> {
            aurora
                .describe_clusters(&region, Some(&cluster), &[], &Paging::default())
                .map(|p| {
                    p.items
                        .into_iter()
                        .map(|v| AuroraDbCluster {
                            db_cluster_identifier: v.cluster.id.clone(),
                            backtrack_window: v.cluster.backtrack_window.unwrap_or(0),
                            earliest_backtrack_time: v.earliest_backtrack_time,
                            status: v.cluster.status.as_str().to_owned(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let config =
            sql::SessionConfig::new(format!("{}@{}", login.user, login.host), self.clock())
                .with_engine_version(&self.engine_version())
                .with_read_only(self.spec.read_only)
                .with_connection_id(login.connection_id)
                .with_cluster_info(Arc::new(info))
                .with_random(self.random());
        self.sql = Some(sql::Session::new(config));
        if let Some(db) = login.database {
            if let Some(Reply::Error(e)) =
                self.run(&format!("USE `{}`", db.replace('`', "``"))).pop()
            {
                self.sql = None;
                return Err(e);
            }
        }
        Ok(())
    }

    async fn query(&mut self, sql: &str) -> Vec<Reply> {
        tokio::task::block_in_place(|| self.run(sql))
    }

    async fn init_db(&mut self, db: &str) -> Reply {
        let text = format!("USE `{}`", db.replace('`', "``"));
        tokio::task::block_in_place(|| self.run(&text))
            .pop()
            .unwrap_or_else(Reply::ok)
    }

    async fn describe(&mut self, sql: &str) -> Result<Vec<Column>, ErrorPacket> {
        tokio::task::block_in_place(|| self.describe_columns(sql))
    }

    fn status(&self) -> SessionStatus {
        self.sql
            .as_ref()
            .map_or_else(SessionStatus::default, |s| SessionStatus {
                autocommit: s.autocommit(),
                in_transaction: s.in_transaction(),
            })
    }
}
