//! Listeners kept in step with the endpoints the control plane wants open.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aurora::endpoints::EndpointSpec;
use aurora::Aurora;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::connection::{self, Shared};

/// One open endpoint: its accept loop, the settings new connections get, and the signal that
/// drops its connections.
struct Listener {
    spec: watch::Sender<Arc<EndpointSpec>>,
    accept: JoinHandle<()>,
    close: watch::Sender<bool>,
}

impl Listener {
    /// Drops every connection and closes the socket; returns once the address is free again.
    async fn shut(self) {
        self.close.send_replace(true);
        self.accept.abort();
        let _ = self.accept.await;
    }
}

/// Whether open connections must be dropped when an endpoint's settings change from `old` to
/// `new`. A new master password is not a reason: open sessions survive it, as on AWS.
fn drops_connections(old: &EndpointSpec, new: &EndpointSpec) -> bool {
    (&old.region, &old.cluster_id, &old.role, old.read_only)
        != (&new.region, &new.cluster_id, &new.role, new.read_only)
}

/// Serves every cluster's endpoints until the process ends. Spawn it once beside the control
/// plane's driver.
pub async fn run(aurora: Aurora) {
    run_until(aurora, std::future::pending::<()>()).await
}

/// [`run`] until `stop` resolves; then every endpoint closes and drops its connections, which
/// interrupts their running statements, so that a shutdown does not wait for a runaway query.
pub async fn run_until(aurora: Aurora, stop: impl std::future::Future) {
    let mut listeners: HashMap<SocketAddr, Listener> = HashMap::new();
    tokio::select! {
        _ = follow(aurora, &mut listeners) => {}
        _ = stop => {}
    }
    for (_, listener) in listeners.drain() {
        listener.shut().await;
    }
}

/// Keeps `listeners` in step with the endpoints the control plane wants open.
async fn follow(aurora: Aurora, listeners: &mut HashMap<SocketAddr, Listener>) {
    let shared = Arc::new(Shared {
        aurora: aurora.clone(),
        connection_ids: AtomicU32::new(1),
        spaces: crate::pages::Spaces::default(),
        processes: Arc::default(),
    });
    let mut changes = aurora.changes();
    loop {
        let complete = reconcile(&shared, listeners).await;
        if complete {
            if changes.changed().await.is_err() {
                return;
            }
        } else {
            // An address could not be bound (in use by another program): try again shortly.
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
    let mut stale = Vec::new();
    for (addr, listener) in listeners.iter() {
        let current = listener.spec.borrow().clone();
        match wanted.get(addr) {
            Some(spec) if !drops_connections(&current, spec) => {
                if *spec != *current {
                    listener.spec.send_replace(Arc::new(spec.clone()));
                }
            }
            _ => stale.push(*addr),
        }
    }
    for addr in stale {
        if let Some(listener) = listeners.remove(&addr) {
            let spec = listener.spec.borrow().clone();
            tracing::info!(%addr, cluster = spec.cluster_id, role = ?spec.role, "closing MySQL endpoint");
            listener.shut().await;
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
                shared.aurora.report_endpoint(&spec, Ok(()));
                let (close, closed) = watch::channel(false);
                let (spec, current) = watch::channel(Arc::new(spec));
                let accept = tokio::spawn(accept_loop(socket, current, shared.clone(), closed));
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
                // Until it opens, its instances read incompatible-network, with an event.
                shared.aurora.report_endpoint(&spec, Err(&e.to_string()));
                complete = false;
            }
        }
    }
    complete
}

async fn accept_loop(
    socket: TcpListener,
    current: watch::Receiver<Arc<EndpointSpec>>,
    shared: Arc<Shared>,
    closed: watch::Receiver<bool>,
) {
    loop {
        let (stream, peer) = match socket.accept().await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(addr = %current.borrow().addr, error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let connection_id = shared.connection_ids.fetch_add(1, Ordering::Relaxed);
        let spec = current.borrow().clone();
        connection::spawn(
            stream,
            peer,
            connection_id,
            spec,
            shared.clone(),
            closed.clone(),
        );
    }
}
