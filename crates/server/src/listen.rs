//! The Query API's accept loop: HTTP/1.1 connections with a header read timeout, at most
//! `max_connections` of them at once, and a graceful stop.
//!
//! `axum::serve` has neither a header timeout nor a connection cap, so a client that opens
//! connections and never finishes a request would hold each one (and its memory) forever.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

use crate::Limits;

/// Serves `app` on `listener` until `stop` resolves, then stops accepting, lets each open
/// connection finish the request it is in, and returns once all are closed (the caller bounds
/// how long it waits).
///
/// A connection whose headers are not all in within `limits.header_read_timeout` (including an
/// idle keep-alive connection) is closed. While `limits.max_connections` are open, no other is
/// accepted: they wait in the kernel's queue, so memory does not grow with them.
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, stop: impl Future) {
    let max = limits.max_connections.clamp(1, u32::MAX as usize);
    let slots = Arc::new(Semaphore::new(max));
    let (closing, closing_seen) = watch::channel(false);
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            _ = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, most likely: wait for some to come back.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let mut closing_seen = closing_seen.clone();
        let header_read_timeout = limits.header_read_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                ended = connection.as_mut() => {
                    if let Err(e) = ended {
                        tracing::debug!(%peer, error = %e, "HTTP connection ended with an error");
                    }
                    return;
                }
                _ = closing_seen.wait_for(|c| *c) => connection.as_mut().graceful_shutdown(),
            }
            let _ = connection.await;
        });
    }
    drop(listener);
    closing.send_replace(true);
    // Every connection holds a slot until it ends: having them all back means all are closed.
    let _ = slots.acquire_many(max as u32).await;
}
