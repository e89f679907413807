//! The sessions of every cluster's endpoints: what SHOW PROCESSLIST lists, what KILL stops, and
//! what `max_connections` counts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use mysql_dialect::{Process, Processes};
use tokio::sync::watch;

/// One open session.
struct Entry {
    /// (region, cluster): sessions see and kill only their own cluster's.
    cluster: (String, String),
    user: String,
    host: String,
    /// Interrupts the statement running.
    interrupt: Arc<mysql_dialect::Interrupt>,
    /// Closes the connection.
    close: watch::Sender<bool>,
    /// The current database, the statement running and since when.
    state: Arc<Mutex<SessionState>>,
}

/// What a connection updates as it runs statements.
#[derive(Debug)]
pub(crate) struct SessionState {
    pub db: Option<String>,
    pub info: Option<String>,
    pub since: Instant,
}

impl SessionState {
    pub(crate) fn new() -> Self {
        Self {
            db: None,
            info: None,
            since: Instant::now(),
        }
    }
}

/// Every open session of this server.
#[derive(Default)]
pub(crate) struct Registry {
    sessions: Mutex<HashMap<u32, Entry>>,
}

/// What a connection hands the registry when it logs in.
pub(crate) struct Login {
    pub id: u32,
    pub cluster: (String, String),
    pub user: String,
    pub host: String,
    pub interrupt: Arc<mysql_dialect::Interrupt>,
    pub close: watch::Sender<bool>,
    pub state: Arc<Mutex<SessionState>>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u32, Entry>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a session, unless its cluster already has `max` (MySQL's 1040).
    pub(crate) fn register(&self, login: Login, max: usize) -> bool {
        let mut sessions = self.lock();
        let open = sessions
            .values()
            .filter(|e| e.cluster == login.cluster)
            .count();
        if open >= max {
            return false;
        }
        sessions.insert(
            login.id,
            Entry {
                cluster: login.cluster,
                user: login.user,
                host: login.host,
                interrupt: login.interrupt,
                close: login.close,
                state: login.state,
            },
        );
        true
    }

    /// Forgets a session that ended.
    pub(crate) fn unregister(&self, id: u32) {
        self.lock().remove(&id);
    }
}

/// One cluster's view of the registry, given to its sessions.
pub(crate) struct ClusterProcesses {
    pub registry: Arc<Registry>,
    pub cluster: (String, String),
}

impl Processes for ClusterProcesses {
    fn list(&self) -> Vec<Process> {
        let sessions = self.registry.lock();
        let mut out: Vec<Process> = sessions
            .iter()
            .filter(|(_, e)| e.cluster == self.cluster)
            .map(|(id, e)| {
                let state = e.state.lock().unwrap_or_else(|p| p.into_inner());
                Process {
                    id: *id,
                    user: e.user.clone(),
                    host: e.host.clone(),
                    db: state.db.clone(),
                    command: if state.info.is_some() {
                        "Query"
                    } else {
                        "Sleep"
                    }
                    .to_owned(),
                    time: state.since.elapsed().as_secs(),
                    info: state.info.clone(),
                }
            })
            .collect();
        out.sort_by_key(|p| p.id);
        out
    }

    fn kill(&self, id: u32, connection: bool) -> bool {
        let sessions = self.registry.lock();
        let Some(e) = sessions.get(&id).filter(|e| e.cluster == self.cluster) else {
            return false;
        };
        e.interrupt.interrupt();
        if connection {
            e.close.send_replace(true);
        }
        true
    }
}
