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
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": e.message() })),
        )
            .into_response(),
    }
}
