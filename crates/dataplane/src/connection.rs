//! One client connection: authentication against the cluster's master user, and statements
//! through a MySQL session over the cluster's pages, whose commits land in the volume's log.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aurora::endpoints::EndpointSpec;
use aurora::{Aurora, Paging};
use mysql_dialect::{AuroraDbCluster, ColumnType, Outcome, SqlError};
use mysql_wire::{
    Column, ColumnKind, ConnectionParams, ErrorPacket, Login, Reply, ServerConfig, SessionStatus,
};
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::pages::Spaces;
use crate::processes::{ClusterProcesses, Registry, SessionState};

/// A job for a session's thread.
type Job = Box<dyn FnOnce(&mut Option<mysql_dialect::Session>) + Send>;

/// The thread a session runs on: its own, with [`mysql_dialect::SESSION_STACK_BYTES`] of
/// stack, so a deeply nested statement cannot overflow the async runtime's small stacks, and a
/// long statement never blocks a runtime worker. It ends when the connection drops it.
struct Worker {
    jobs: std::sync::mpsc::Sender<Job>,
}

impl Worker {
    fn spawn(id: u32) -> std::io::Result<Worker> {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name(format!("mysql-session-{id}"))
            .stack_size(mysql_dialect::SESSION_STACK_BYTES)
            .spawn(move || {
                let mut session = None;
                while let Ok(job) = queue.recv() {
                    job(&mut session);
                }
            })?;
        Ok(Worker { jobs })
    }

    /// Runs `f` on the session's thread; None if the thread is gone.
    async fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Option<mysql_dialect::Session>) -> R + Send + 'static,
    ) -> Option<R> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |s| {
                let _ = tx.send(f(s));
            }))
            .ok()?;
        rx.await.ok()
    }
}

/// Stops a statement whose connection went away while it ran: dropped before the statement
/// finished (the client disconnected, so the wire dropped the statement's future), it
/// interrupts the session until the statement has ended, as MySQL stops the query of a client
/// that has gone. Interrupting once could come before the statement starts and be lost.
struct StopIfAbandoned {
    interrupt: Arc<rusqlite::InterruptHandle>,
    finished: Arc<AtomicBool>,
}

/// How often, and for how long at most, an abandoned statement is interrupted.
const ABANDONED_INTERRUPT_EVERY: Duration = Duration::from_millis(10);
const ABANDONED_INTERRUPT_FOR: Duration = Duration::from_secs(60);

impl Drop for StopIfAbandoned {
    fn drop(&mut self) {
        if self.finished.load(Ordering::Acquire) {
            return;
        }
        let (interrupt, finished) = (self.interrupt.clone(), self.finished.clone());
        let _ = std::thread::Builder::new()
            .name("mysql-stop-abandoned".into())
            .spawn(move || {
                let start = std::time::Instant::now();
                while !finished.load(Ordering::Acquire) && start.elapsed() < ABANDONED_INTERRUPT_FOR
                {
                    interrupt.interrupt();
                    std::thread::sleep(ABANDONED_INTERRUPT_EVERY);
                }
            });
    }
}

/// Sessions per cluster when its parameter group does not set `max_connections` (what Aurora
/// MySQL gives a db.r6g.large).
const DEFAULT_MAX_CONNECTIONS: usize = 1000;

/// What every connection shares.
pub(crate) struct Shared {
    /// The control plane: credentials, commits, cluster facts.
    pub aurora: Aurora,
    /// Numbers connections (CONNECTION_ID()).
    pub connection_ids: AtomicU32,
    /// Each cluster's pages, shared by its sessions.
    pub spaces: Spaces,
    /// Every open session, for SHOW PROCESSLIST, KILL and `max_connections`.
    pub processes: Arc<Registry>,
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
    let (close, mut killed) = watch::channel(false);
    let worker = match Worker::spawn(connection_id) {
        Ok(w) => w,
        Err(e) => {
            tracing::warn!(%peer, error = %e, "cannot start a session thread");
            return;
        }
    };
    let session = Connection {
        spec: spec.clone(),
        shared,
        worker,
        status: SessionStatus::default(),
        logged_in: false,
        id: connection_id,
        close,
        state: Arc::new(std::sync::Mutex::new(SessionState::new())),
        registered: false,
        found_rows: false,
        interrupt: None,
        net_read_timeout: Duration::from_secs(30),
    };
    let config = ServerConfig {
        server_version: server_version(&session),
        ..ServerConfig::default()
    };
    // The endpoint closing (a backtrack, a reboot) or KILL CONNECTION ends the connection.
    let shutdown = async move {
        tokio::select! {
            _ = closed.wait_for(|c| *c) => {}
            _ = killed.wait_for(|c| *c) => {}
        }
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
    mysql_dialect::SessionConfig::new("", c.clock(), c.random())
        .with_engine_version(&engine)
        .version
}

struct Connection {
    spec: Arc<EndpointSpec>,
    shared: Arc<Shared>,
    /// Where the session (created once the client has authenticated) runs.
    worker: Worker,
    /// The session's autocommit and transaction state after its last statement.
    status: SessionStatus,
    /// The client has authenticated.
    logged_in: bool,
    /// CONNECTION_ID().
    id: u32,
    /// Closes this connection (KILL CONNECTION from another session).
    close: watch::Sender<bool>,
    /// What SHOW PROCESSLIST shows of this session.
    state: Arc<std::sync::Mutex<SessionState>>,
    /// In the registry (logged in).
    registered: bool,
    /// The client asked for found rows (CLIENT_FOUND_ROWS).
    found_rows: bool,
    /// Interrupts the session's statement (set at login).
    interrupt: Option<Arc<rusqlite::InterruptHandle>>,
    /// The session's `net_read_timeout` after its last statement.
    net_read_timeout: Duration,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.registered {
            self.shared.processes.unregister(self.id);
        }
    }
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
    fn random(&self) -> mysql_dialect::Random {
        let ids = self.shared.aurora.env().ids.clone();
        Arc::new(move || ids.next_u64())
    }

    /// Runs `text` to the end on the session's thread.
    async fn run(&mut self, text: &str) -> Vec<Reply> {
        if !self.logged_in {
            return vec![Reply::Error(ErrorPacket::new(
                1045,
                "28000",
                "Not authenticated",
            ))];
        }
        {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            st.info = Some(text.chars().take(1024).collect());
            st.since = std::time::Instant::now();
        }
        let text = text.to_owned();
        let state = self.state.clone();
        let found_rows = self.found_rows;
        let finished = Arc::new(AtomicBool::new(false));
        let _stop_if_abandoned = self.interrupt.clone().map(|interrupt| StopIfAbandoned {
            interrupt,
            finished: finished.clone(),
        });
        let done = self
            .worker
            .call(move |session| {
                let ran = session.as_mut().map(|session| {
                    let replies: Vec<Reply> = session
                        .run(&text)
                        .into_iter()
                        .map(|o| reply(o, found_rows))
                        .collect();
                    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
                    st.info = None;
                    st.since = std::time::Instant::now();
                    st.db = session.database().map(str::to_owned);
                    (replies, status_of(session), session.net_read_timeout())
                });
                finished.store(true, Ordering::Release);
                ran
            })
            .await
            .flatten();
        match done {
            Some((replies, status, net_read_timeout)) => {
                self.status = status;
                self.net_read_timeout = net_read_timeout;
                replies
            }
            None => vec![Reply::Error(ErrorPacket::new(
                2013,
                "HY000",
                "Lost connection to MySQL server during query",
            ))],
        }
    }

    /// The result columns of a statement being prepared; nothing runs for real (see
    /// `mysql_dialect::Session::describe`).
    async fn describe_columns(&mut self, text: &str) -> Result<Vec<Column>, ErrorPacket> {
        let text = text.to_owned();
        self.worker
            .call(move |session| {
                let Some(session) = session.as_mut() else {
                    return Ok(Vec::new());
                };
                match session.describe(&text) {
                    Ok(columns) => Ok(columns
                        .unwrap_or_default()
                        .into_iter()
                        .map(column)
                        .collect()),
                    Err(e) => Err(ErrorPacket::new(e.code, &e.sqlstate, e.message)),
                }
            })
            .await
            .unwrap_or_else(|| Ok(Vec::new()))
    }

    /// The cluster's `max_connections` (its parameter group's, else Aurora's default).
    fn max_connections(&self) -> usize {
        self.shared
            .aurora
            .cluster_parameter(&self.spec.region, &self.spec.cluster_id, "max_connections")
            .ok()
            .flatten()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_MAX_CONNECTIONS)
    }
}

fn status_of(s: &mysql_dialect::Session) -> SessionStatus {
    SessionStatus {
        autocommit: s.autocommit(),
        in_transaction: s.in_transaction(),
    }
}

fn error(e: SqlError) -> Reply {
    Reply::Error(ErrorPacket::new(e.code, &e.sqlstate, e.message))
}

fn reply(outcome: Outcome, found_rows: bool) -> Reply {
    match outcome {
        Outcome::Rows(rs) => Reply::ResultSet {
            columns: rs.columns.into_iter().map(column).collect(),
            rows: rs.rows,
        },
        Outcome::Ok(ok) => Reply::Ok {
            affected_rows: if found_rows {
                ok.matched_rows
            } else {
                ok.affected_rows
            },
            last_insert_id: ok.last_insert_id,
            info: ok.info,
        },
        Outcome::Error(e) => error(e),
    }
}

fn column(c: mysql_dialect::Column) -> Column {
    let mut out = Column::new(c.name, kind(c.column_type, c.binary));
    if c.unsigned {
        out = out.unsigned();
    }
    if let Some(d) = c.decimals {
        out = out.decimals(d);
    }
    out
}

fn kind(t: ColumnType, binary: bool) -> ColumnKind {
    match t {
        ColumnType::Tiny => ColumnKind::Tiny,
        ColumnType::Short => ColumnKind::Short,
        ColumnType::Long => ColumnKind::Long,
        ColumnType::LongLong => ColumnKind::LongLong,
        ColumnType::Float => ColumnKind::Float,
        ColumnType::Double => ColumnKind::Double,
        ColumnType::NewDecimal => ColumnKind::NewDecimal,
        ColumnType::VarString if binary => ColumnKind::VarBinary,
        ColumnType::String if binary => ColumnKind::Binary,
        ColumnType::VarString | ColumnType::String => ColumnKind::VarString,
        ColumnType::Blob if binary => ColumnKind::Blob,
        ColumnType::Blob => ColumnKind::Text,
        ColumnType::Date => ColumnKind::Date,
        ColumnType::Time => ColumnKind::Time,
        ColumnType::DateTime => ColumnKind::DateTime,
        ColumnType::Timestamp => ColumnKind::Timestamp,
        ColumnType::Year => ColumnKind::Year,
        ColumnType::Json => ColumnKind::Json,
        ColumnType::Bit => ColumnKind::Bit,
        ColumnType::Enum => ColumnKind::Enum,
        ColumnType::Null => ColumnKind::Null,
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
        let config = mysql_dialect::SessionConfig::new(
            format!("{}@{}", login.user, login.host),
            self.clock(),
            self.random(),
        )
        .with_engine_version(&self.engine_version())
        .with_read_only(self.spec.read_only)
        .with_connection_id(login.connection_id)
        .with_cluster_info(Arc::new(info));
        let (space, marks) = self
            .shared
            .spaces
            .space(
                &self.shared.aurora,
                &self.spec.region,
                &self.spec.cluster_id,
            )
            .map_err(|m| ErrorPacket::new(1105, "HY000", m))?;
        let cluster = (self.spec.region.clone(), self.spec.cluster_id.clone());
        let config =
            config
                .with_auto_increments(marks)
                .with_processes(Arc::new(ClusterProcesses {
                    registry: self.shared.processes.clone(),
                    cluster: cluster.clone(),
                }));
        let opened = self
            .worker
            .call(move |slot| {
                let session = mysql_dialect::open_session(&space, config)?;
                let interrupt = Arc::new(session.interrupt_handle());
                let status = status_of(&session);
                *slot = Some(session);
                Ok::<_, mysql_dialect::SqlError>((interrupt, status))
            })
            .await
            .ok_or_else(|| ErrorPacket::new(1105, "HY000", "the session thread stopped"))?;
        let (interrupt, status) =
            opened.map_err(|e| ErrorPacket::new(e.code, &e.sqlstate, e.message))?;
        self.status = status;
        let registered = self.shared.processes.register(
            crate::processes::Login {
                id: self.id,
                cluster,
                user: login.user.to_owned(),
                host: login.host.to_owned(),
                interrupt: interrupt.clone(),
                close: self.close.clone(),
                state: self.state.clone(),
            },
            self.max_connections(),
        );
        if !registered {
            return Err(ErrorPacket::new(1040, "08004", "Too many connections"));
        }
        self.registered = true;
        self.interrupt = Some(interrupt);
        self.logged_in = true;
        self.found_rows = login.found_rows;
        if let Some(db) = login.database {
            if let Some(Reply::Error(e)) = self
                .run(&format!("USE `{}`", db.replace('`', "``")))
                .await
                .pop()
            {
                self.logged_in = false;
                return Err(e);
            }
        }
        Ok(())
    }

    async fn query(&mut self, sql: &str) -> Vec<Reply> {
        self.run(sql).await
    }

    async fn init_db(&mut self, db: &str) -> Reply {
        let text = format!("USE `{}`", db.replace('`', "``"));
        self.run(&text).await.pop().unwrap_or_else(Reply::ok)
    }

    async fn describe(&mut self, sql: &str) -> Result<Vec<Column>, ErrorPacket> {
        self.describe_columns(sql).await
    }

    fn status(&self) -> SessionStatus {
        self.status
    }

    fn net_read_timeout(&self) -> Duration {
        self.net_read_timeout
    }
}
