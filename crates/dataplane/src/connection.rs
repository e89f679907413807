//! One client connection: authentication against the cluster's master user, and statements
//! through a MySQL session over the cluster's pages, whose commits land in the volume's log.

use std::net::SocketAddr;
use std::sync::atomic::AtomicU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aurora::endpoints::EndpointSpec;
use aurora::{Aurora, Paging};
use mysql_dialect::{AuroraDbCluster, ColumnType, Outcome, SqlError};
use mysql_wire::{
    Column, ColumnKind, ConnectionParams, ErrorPacket, Login, ParamValue, Reply, ServerConfig,
    SessionStatus,
};
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::pages::Spaces;
use crate::processes::{ClusterProcesses, Registry, SessionState};

/// A connection's thread: its own, with [`mysql_dialect::SESSION_STACK_BYTES`] of stack, so a
/// deeply nested statement cannot overflow a small stack; it runs the protocol on a
/// single-threaded runtime of its own and the session's statements inline, so a statement costs
/// no hand-off between threads (the wake-ups were most of a point SELECT's time).
pub(crate) fn spawn(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    connection_id: u32,
    spec: Arc<EndpointSpec>,
    shared: Arc<Shared>,
    closed: watch::Receiver<bool>,
) {
    let stream = match stream.into_std() {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(%peer, error = %e, "cannot hand a connection to its thread");
            return;
        }
    };
    let started = std::thread::Builder::new()
        .name(format!("mysql-session-{connection_id}"))
        .stack_size(mysql_dialect::SESSION_STACK_BYTES)
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(%peer, error = %e, "cannot start a connection's runtime");
                    return;
                }
            };
            runtime.block_on(async move {
                let watched = match stream.try_clone() {
                    Ok(s) => Arc::new(s),
                    Err(e) => {
                        tracing::warn!(%peer, error = %e, "cannot watch a connection");
                        return;
                    }
                };
                match TcpStream::from_std(stream) {
                    Ok(stream) => {
                        serve(stream, watched, peer, connection_id, spec, shared, closed).await
                    }
                    Err(e) => tracing::warn!(%peer, error = %e, "cannot serve a connection"),
                }
            });
        });
    if let Err(e) = started {
        tracing::warn!(%peer, error = %e, "cannot start a session thread");
    }
}

/// A statement running inline on its connection's thread, which therefore cannot watch the
/// socket meanwhile: [`Abandoned`]'s thread does, and stops the statement when its client
/// disconnects, its endpoint closes (a backtrack, a reboot) or KILL closes its connection, as
/// MySQL stops the query of a client that has gone.
struct Running {
    /// A clone of the connection's socket, only ever peeked at (so pipelined input stays).
    socket: Arc<std::net::TcpStream>,
    endpoint_closed: watch::Receiver<bool>,
    killed: watch::Receiver<bool>,
    interrupt: Arc<mysql_dialect::Interrupt>,
    since: Instant,
    /// When the statement was first seen abandoned (it is interrupted every tick from then).
    abandoned: Option<Instant>,
}

impl Running {
    fn abandoned(&self) -> bool {
        if *self.endpoint_closed.borrow() || *self.killed.borrow() {
            return true;
        }
        // Nonblocking (the runtime set it): no input yet is WouldBlock; end of stream is 0.
        match self.socket.peek(&mut [0u8; 1]) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
            ),
        }
    }
}

/// How often running statements are checked, how old one must be to be checked (shorter ones
/// end before anyone could tell), for how long at most an abandoned one is interrupted, and
/// how long the watcher ticks on after the last statement before it sleeps.
const ABANDONED_CHECK_EVERY: Duration = Duration::from_millis(10);
const ABANDONED_INTERRUPT_FOR: Duration = Duration::from_secs(60);
const ABANDONED_IDLE_AFTER: Duration = Duration::from_secs(1);

/// The statements running on every connection of this process, and the one thread that watches
/// them (started with the first statement; it sleeps while none has run for a second).
struct Abandoned {
    state: std::sync::Mutex<Watched>,
    wake: std::sync::Condvar,
}

#[derive(Default)]
struct Watched {
    running: std::collections::HashMap<u64, Running>,
    next: u64,
    /// The watcher waits on `wake` (so a new statement must wake it).
    asleep: bool,
    started: bool,
    last_seen: Option<Instant>,
}

fn abandoned() -> &'static Abandoned {
    static WATCHER: std::sync::OnceLock<Abandoned> = std::sync::OnceLock::new();
    WATCHER.get_or_init(|| Abandoned {
        state: std::sync::Mutex::new(Watched::default()),
        wake: std::sync::Condvar::new(),
    })
}

impl Abandoned {
    fn lock(&self) -> std::sync::MutexGuard<'_, Watched> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Watches a statement until the returned guard is dropped (when it has ended).
    fn watch(&'static self, running: Running) -> WatchedStatement {
        let mut st = self.lock();
        let id = st.next;
        st.next += 1;
        st.running.insert(id, running);
        st.last_seen = Some(Instant::now());
        if !st.started {
            st.started = true;
            if std::thread::Builder::new()
                .name("mysql-watch-abandoned".into())
                .spawn(move || self.run())
                .is_err()
            {
                st.started = false;
            }
        } else if st.asleep {
            st.asleep = false;
            self.wake.notify_one();
        }
        WatchedStatement { id }
    }

    fn run(&self) {
        let mut st = self.lock();
        loop {
            let now = Instant::now();
            if st.running.is_empty() && st.last_seen.is_some_and(|t| now - t > ABANDONED_IDLE_AFTER)
            {
                st.asleep = true;
                while st.asleep {
                    st = self.wake.wait(st).unwrap_or_else(|p| p.into_inner());
                }
                continue;
            }
            for r in st.running.values_mut() {
                if now - r.since < ABANDONED_CHECK_EVERY {
                    continue;
                }
                if r.abandoned.is_none() && r.abandoned() {
                    r.abandoned = Some(now);
                }
                if r.abandoned
                    .is_some_and(|t| now - t < ABANDONED_INTERRUPT_FOR)
                {
                    // Interrupting once could come before the statement reaches SQLite and be
                    // lost, so every tick until it has ended.
                    r.interrupt.interrupt();
                }
            }
            drop(st);
            std::thread::sleep(ABANDONED_CHECK_EVERY);
            st = self.lock();
        }
    }
}

/// A statement under [`Abandoned`]'s watch; dropped when it has ended.
struct WatchedStatement {
    id: u64,
}

impl Drop for WatchedStatement {
    fn drop(&mut self) {
        abandoned().lock().running.remove(&self.id);
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
async fn serve(
    stream: TcpStream,
    watched: Arc<std::net::TcpStream>,
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
    let session = Connection {
        spec: spec.clone(),
        shared,
        session: None,
        socket: watched,
        endpoint_closed: closed.clone(),
        killed: killed.clone(),
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
    /// The session, once the client has authenticated.
    session: Option<mysql_dialect::Session>,
    /// The connection's socket, for [`Abandoned`] to peek at while a statement runs.
    socket: Arc<std::net::TcpStream>,
    /// The endpoint closing, and this connection killed: both stop a running statement.
    endpoint_closed: watch::Receiver<bool>,
    killed: watch::Receiver<bool>,
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
    interrupt: Option<Arc<mysql_dialect::Interrupt>>,
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

    /// Runs `text` to the end, inline on this connection's thread.
    async fn run(&mut self, text: &str) -> Vec<Reply> {
        self.run_with(text, |session| session.run(text))
    }

    /// Runs statements by `f` (`text` is what SHOW PROCESSLIST shows meanwhile), watched for
    /// an abandoning client.
    fn run_with(
        &mut self,
        text: &str,
        f: impl FnOnce(&mut mysql_dialect::Session) -> Vec<Outcome>,
    ) -> Vec<Reply> {
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
        let _watched = self.interrupt.clone().map(|interrupt| {
            abandoned().watch(Running {
                socket: self.socket.clone(),
                endpoint_closed: self.endpoint_closed.clone(),
                killed: self.killed.clone(),
                interrupt,
                since: Instant::now(),
                abandoned: None,
            })
        });
        let found_rows = self.found_rows;
        let Some(session) = self.session.as_mut() else {
            return vec![Reply::Error(ErrorPacket::new(
                2013,
                "HY000",
                "Lost connection to MySQL server during query",
            ))];
        };
        let replies: Vec<Reply> = f(session)
            .into_iter()
            .map(|o| reply(o, found_rows))
            .collect();
        {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            st.info = None;
            st.since = std::time::Instant::now();
            st.db = session.database().map(str::to_owned);
        }
        self.status = status_of(session);
        self.net_read_timeout = session.net_read_timeout();
        replies
    }

    /// The result columns of a statement being prepared; nothing runs for real (see
    /// `mysql_dialect::Session::describe`).
    fn describe_columns(&mut self, text: &str) -> Result<Vec<Column>, ErrorPacket> {
        let Some(session) = self.session.as_mut() else {
            return Ok(Vec::new());
        };
        match session.describe(text) {
            Ok(columns) => Ok(columns
                .unwrap_or_default()
                .into_iter()
                .map(column)
                .collect()),
            Err(e) => Err(ErrorPacket::new(e.code, &e.sqlstate, e.message)),
        }
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
        let (space, marks, user_locks) = self
            .shared
            .spaces
            .space(
                &self.shared.aurora,
                &self.spec.region,
                &self.spec.cluster_id,
            )
            .map_err(|m| ErrorPacket::new(1105, "HY000", m))?;
        let cluster = (self.spec.region.clone(), self.spec.cluster_id.clone());
        let config = config
            .with_auto_increments(marks)
            .with_user_locks(user_locks)
            .with_processes(Arc::new(ClusterProcesses {
                registry: self.shared.processes.clone(),
                cluster: cluster.clone(),
            }));
        let session = mysql_dialect::open_session(&space, config)
            .map_err(|e| ErrorPacket::new(e.code, &e.sqlstate, e.message))?;
        let interrupt = Arc::new(session.interrupt_handle());
        self.status = status_of(&session);
        self.session = Some(session);
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

    async fn execute(&mut self, statement: &mysql_wire::Execute) -> Vec<Reply> {
        let params: Vec<mysql_dialect::Parameter> = statement
            .params
            .iter()
            .map(|p| mysql_dialect::Parameter {
                literal: p.literal.clone(),
                value: match &p.value {
                    ParamValue::Int(n) => Some(rusqlite::types::Value::Integer(*n)),
                    ParamValue::UInt(n) => {
                        i64::try_from(*n).ok().map(rusqlite::types::Value::Integer)
                    }
                    ParamValue::Text(s) => Some(rusqlite::types::Value::Text(s.clone())),
                    ParamValue::Null | ParamValue::Bytes(_) | ParamValue::Other => None,
                },
            })
            .collect();
        let text = statement.interpolated();
        self.run_with(&text, |session| {
            session.execute(&statement.sql, &statement.placeholders, &params)
        })
    }

    async fn init_db(&mut self, db: &str) -> Reply {
        let text = format!("USE `{}`", db.replace('`', "``"));
        self.run(&text).await.pop().unwrap_or_else(Reply::ok)
    }

    async fn describe(&mut self, sql: &str) -> Result<Vec<Column>, ErrorPacket> {
        self.describe_columns(sql)
    }

    fn status(&self) -> SessionStatus {
        self.status
    }

    fn net_read_timeout(&self) -> Duration {
        self.net_read_timeout
    }
}
