//! Rewind's HTTP face: the axum app that serves the RDS Query API at `POST /` and the
//! emulator's own control endpoints under `/_rewind/`.
//!
//! `app(state)` builds the router so tests drive it without a socket. Each request goes
//! params -> typed `rds_api::Request` -> one domain call -> wire shape (see `convert`, the one
//! module that maps between the domain and the wire). This crate holds no business rules.

mod control;
mod convert;
mod listen;
mod query;

pub use listen::serve;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aurora::Aurora;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The control plane.
    pub aurora: Aurora,
    /// When set, every Query-API response body is also written here (for the model check of
    /// the end-to-end suites).
    pub record_dir: Option<Arc<PathBuf>>,
    /// Numbers recorded responses in arrival order.
    pub recorded: Arc<AtomicU64>,
    /// Rendered Describe answers, reused while the state version and the second are the same.
    pub(crate) answers: Arc<Mutex<HashMap<String, query::CachedAnswer>>>,
    /// What one client may take of the listener.
    pub limits: Limits,
}

impl AppState {
    /// State for `aurora`, recording responses into `record_dir` if given, with the default
    /// [`Limits`].
    pub fn new(aurora: Aurora, record_dir: Option<PathBuf>) -> Self {
        AppState {
            aurora,
            record_dir: record_dir.map(Arc::new),
            recorded: Arc::new(AtomicU64::new(0)),
            answers: Arc::new(Mutex::new(HashMap::new())),
            limits: Limits::default(),
        }
    }

    /// The same state with other limits.
    pub fn with_limits(self, limits: Limits) -> Self {
        AppState { limits, ..self }
    }
}

/// Bounds on what one client may hold of the Query API listener, so that no client (slow,
/// buggy or hostile) can make the server grow without bound or hold a connection forever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body accepted; a larger one gets `413 RequestEntityTooLarge`.
    pub max_body_bytes: usize,
    /// How long a client may take to send a request's headers, and how long an idle
    /// keep-alive connection stays open; then the connection is closed.
    pub header_read_timeout: Duration,
    /// How long a client may take to send a request's body; then `408 RequestTimeout`.
    pub body_read_timeout: Duration,
    /// Connections served at once; further ones wait in the kernel's accept queue.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 2 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// Flushes `store` on a thread of its own and waits at most `bound` for it: a store that
/// cannot flush (a full disk can make sled retry forever) must not keep the process, and the
/// store's lock, alive after a shutdown. Every `apply` is already durable, so giving up on the
/// flush loses nothing acknowledged. Ok(false) when the bound passed first.
pub fn flush_within(
    store: Arc<dyn store::Store>,
    bound: Duration,
) -> Result<bool, store::StoreError> {
    let (done, flushed) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("store-flush".into())
        .spawn(move || {
            let _ = done.send(store.flush());
        });
    if spawned.is_err() {
        return Ok(false);
    }
    match flushed.recv_timeout(bound) {
        Ok(result) => result.map(|()| true),
        Err(_) => Ok(false),
    }
}

/// The action a response answered, left in its extensions for the request log line.
#[derive(Debug, Clone)]
pub(crate) struct LoggedAction(pub String);

/// The whole service as a router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", post(query::handle).get(query::handle))
        .route("/_rewind/health", get(control::health))
        .route("/_rewind/reset", post(control::reset))
        .route("/moto-api/reset", post(control::reset))
        .route(
            "/_rewind/clock",
            get(control::get_clock).post(control::advance_clock),
        )
        .route("/_rewind/faults", post(control::inject_fault))
        .fallback(query::unknown_route)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            query::read_body,
        ))
        // `read_body` enforces the limit (with an RDS error); the extractors need not.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// One structured log line per request: method, path, action, status, latency.
async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    let action = response
        .extensions()
        .get::<LoggedAction>()
        .map_or("-", |a| a.0.as_str());
    tracing::info!(
        %method,
        path,
        action,
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}
