//! Listeners kept in step with the endpoints the control plane wants open.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aurora::endpoints::EndpointSpec;
use aurora::Aurora;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::connection::{self, Shared};

/// One open endpoint: its accept loop, and the signal that drops its connections.
struct Listener {
    spec: EndpointSpec,
    accept: JoinHandle<()>,
    close: watch::Sender<bool>,
}

impl Listener {
    fn shut(self) {
        self.close.send_replace(true);
        self.accept.abort();
    }
}

/// Serves every cluster's endpoints until the process ends. Spawn it once beside the control
/// plane's driver.
pub async fn run(aurora: Aurora) {
    let shared = Arc::new(Shared {
        aurora: aurora.clone(),
        connection_ids: AtomicU32::new(1),
        commit_locks: Mutex::new(HashMap::new()),
    });
    let mut changes = aurora.changes();
    let mut listeners: HashMap<SocketAddr, Listener> = HashMap::new();
    loop {
        let complete = reconcile(&shared, &mut listeners).await;
        if complete {
            if changes.changed().await.is_err() {
                return;
            }
        } else {
            // An address could not be bound (still in use): try again shortly.
            tokio::select! {
                r = changes.changed() => if r.is_err() { return },
                _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
        }
    }
}

/// Opens what should be open and closes the rest; false when some listener could not be bound.
async fn reconcile(shared: &Arc<Shared>, listeners: &mut HashMap<SocketAddr, Listener>) -> bool {
    let wanted: HashMap<SocketAddr, EndpointSpec> = shared
        .aurora
        .endpoints()
        .into_iter()
        .filter(|s| s.accepting)
        .map(|s| (s.addr, s))
        .collect();
    let stale: Vec<SocketAddr> = listeners
        .iter()
        .filter(|(addr, l)| wanted.get(addr) != Some(&l.spec))
        .map(|(addr, _)| *addr)
        .collect();
    for addr in stale {
        if let Some(l) = listeners.remove(&addr) {
            tracing::info!(%addr, cluster = l.spec.cluster_id, role = ?l.spec.role, "closing MySQL endpoint");
            l.shut();
        }
    }
    let mut complete = true;
    for (addr, spec) in wanted {
        if listeners.contains_key(&addr) {
            continue;
        }
        match TcpListener::bind(addr).await {
            Ok(socket) => {
                tracing::info!(%addr, cluster = spec.cluster_id, role = ?spec.role, "MySQL endpoint open");
                let (close, closed) = watch::channel(false);
                let accept =
                    tokio::spawn(accept_loop(socket, spec.clone(), shared.clone(), closed));
                listeners.insert(
                    addr,
                    Listener {
                        spec,
                        accept,
                        close,
                    },
                );
            }
            Err(e) => {
                tracing::warn!(%addr, error = %e, "cannot open MySQL endpoint yet");
                complete = false;
            }
        }
    }
    complete
}

async fn accept_loop(
    socket: TcpListener,
    spec: EndpointSpec,
    shared: Arc<Shared>,
    closed: watch::Receiver<bool>,
) {
    let spec = Arc::new(spec);
    loop {
        let (stream, peer) = match socket.accept().await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(addr = %spec.addr, error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let connection_id = shared.connection_ids.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(connection::serve(
            stream,
            peer,
            connection_id,
            spec.clone(),
            shared.clone(),
            closed.clone(),
        ));
    }
}
