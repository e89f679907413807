//! The emulator's own endpoints: health, reset (also at moto's path) and the movable clock.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;

/// `GET /_rewind/health`: 200 once the state is loaded and the listener is up.
pub async fn health() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

/// `POST /_rewind/reset` and `POST /moto-api/reset`: wipes every resource and event.
pub async fn reset(State(state): State<AppState>) -> Response {
    match state.aurora.reset() {
        Ok(()) => Json(json!({ "status": "reset" })).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": e.message() })),
        )
            .into_response(),
    }
}

/// Body of `POST /_rewind/faults`.
#[derive(Debug, Deserialize)]
pub struct Fault {
    /// The cluster identifier.
    cluster: String,
    /// Its region (default `us-east-1`).
    #[serde(default = "default_region")]
    region: String,
    /// Make the cluster's next backtrack fail (the only fault so far; must be `true`).
    fail_next_backtrack: bool,
}

fn default_region() -> String {
    "us-east-1".to_owned()
}

/// `POST /_rewind/faults` with `{"cluster": "c", "fail_next_backtrack": true}`: the next
/// backtrack of that cluster ends `FAILED`, the cluster back to `available`, data untouched.
pub async fn inject_fault(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    let fault: Fault = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => {
            let message = format!(
                "expected a JSON body {{\"cluster\": \"ID\", \"region\": \"us-east-1\", \"fail_next_backtrack\": true}}: {e}"
            );
            return (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response();
        }
    };
    if !fault.fail_next_backtrack {
        let message = "fail_next_backtrack must be true (it is the only fault Rewind injects)";
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response();
    }
    match state
        .aurora
        .fail_next_backtrack(&fault.region, &fault.cluster)
    {
        Ok(()) => {
            Json(json!({ "cluster": fault.cluster, "fail_next_backtrack": true })).into_response()
        }
        Err(e @ aurora::Error::ClusterNotFound(_)) => {
            (StatusCode::NOT_FOUND, Json(json!({ "error": e.message() }))).into_response()
        }
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": e.message() })),
        )
            .into_response(),
    }
}

/// `GET /_rewind/clock`: Rewind's current time.
pub async fn get_clock(State(state): State<AppState>) -> Response {
    let now = state.aurora.env().clock.now();
    Json(json!({ "now": rds_protocol::format_timestamp(&now) })).into_response()
}

/// Body of `POST /_rewind/clock`.
#[derive(Debug, Deserialize)]
pub struct Advance {
    /// Seconds to move the clock forward.
    advance_seconds: u64,
}

/// `POST /_rewind/clock` with `{"advance_seconds": N}`: moves time forward; due transitions run.
pub async fn advance_clock(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    let advance: Advance = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => {
            let message =
                format!("expected a JSON body {{\"advance_seconds\": N}} with N >= 0: {e}");
            return (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response();
        }
    };
    match state
        .aurora
        .advance_clock(Duration::from_secs(advance.advance_seconds))
    {
        Ok(now) => Json(json!({ "now": rds_protocol::format_timestamp(&now) })).into_response(),
        Err(e @ aurora::Error::InvalidParameterValue(_)) => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": e.message() })),
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": e.message() })),
        )
            .into_response(),
    }
}
