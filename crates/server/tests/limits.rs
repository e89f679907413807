//! The listener's bounds: request bodies too large, malformed or too slow get the RDS error
//! envelope; slow headers and idle connections are closed; connections are capped; a stop
//! ends the accept loop.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use aurora::{Aurora, Config, Env, Pace};
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use server::{app, AppState, Limits};
use store::MemoryStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

fn aurora() -> Aurora {
    let epoch = chrono::DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
        .unwrap()
        .to_utc();
    Aurora::open(
        Env::new(epoch, 7),
        Config {
            account_id: "123456789012".into(),
            pace: Pace::Fast,
            backtrack_capacity: None,
        },
        Arc::new(MemoryStore::new()),
    )
    .unwrap()
}

fn limits() -> Limits {
    Limits {
        max_body_bytes: 1000,
        header_read_timeout: Duration::from_millis(300),
        body_read_timeout: Duration::from_millis(300),
        max_connections: 2,
    }
}

/// A body that never sends anything, or fails at once (as a bad chunk size does).
enum Broken {
    Stalled,
    Failing,
}

impl http_body::Body for Broken {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        match *self {
            Broken::Stalled => Poll::Pending,
            Broken::Failing => Poll::Ready(Some(Err(std::io::Error::other("invalid chunk size")))),
        }
    }
}

async fn answer(body: Body) -> (StatusCode, String, String) {
    let router = app(AppState::new(aurora(), None).with_limits(limits()));
    let res = router
        .oneshot(Request::post("/").body(body).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let id = res
        .headers()
        .get("x-amzn-requestid")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, id, String::from_utf8(body.to_vec()).unwrap())
}

fn assert_envelope(body: &str, code: &str, request_id: &str) {
    assert!(body.starts_with("<ErrorResponse"), "{body}");
    assert!(body.contains("<Type>Sender</Type>"), "{body}");
    assert!(body.contains(&format!("<Code>{code}</Code>")), "{body}");
    assert!(!request_id.is_empty());
    assert!(
        body.contains(&format!("<RequestId>{request_id}</RequestId>")),
        "{body}"
    );
}

#[tokio::test]
async fn bodies_within_the_limit_are_served_and_larger_ones_get_413() {
    let small = "Action=DescribeDBClusters&Version=2014-10-31";
    let (status, _, body) = answer(Body::from(small)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let large = format!("{small}&Pad={}", "x".repeat(1000));
    let (status, id, body) = answer(Body::from(large)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_envelope(&body, "RequestEntityTooLarge", &id);
}

#[tokio::test]
async fn a_body_that_cannot_be_read_gets_invalid_query_parameter() {
    let (status, id, body) = answer(Body::new(Broken::Failing)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "InvalidQueryParameter", &id);
}

#[tokio::test(start_paused = true)]
async fn a_stalled_body_gets_request_timeout() {
    let (status, id, body) = answer(Body::new(Broken::Stalled)).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert_envelope(&body, "RequestTimeout", &id);
}

/// Serves the app on a loopback port with [`limits`]; the sender stops it.
async fn listening() -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app(AppState::new(aurora(), None).with_limits(limits()));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(server::serve(listener, router, limits(), stopped));
    (addr, stop, served)
}

/// Reads until the peer closes; the bytes read.
async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out))
        .await
        .expect("the server closes the connection")
        .ok();
    out
}

async fn health(addr: std::net::SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /_rewind/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    String::from_utf8_lossy(&read_to_close(&mut s).await).into_owned()
}

#[tokio::test]
async fn half_sent_headers_are_cut_off_and_others_are_still_served() {
    let (addr, _stop, _served) = listening().await;
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    read_to_close(&mut slow).await;
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert!(health(addr).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_idle_ones_are_closed() {
    let (addr, _stop, _served) = listening().await;
    let mut idle = Vec::new();
    for _ in 0..limits().max_connections + 3 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    let started = Instant::now();
    let reply = health(addr).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    // It waited for the idle connections ahead of it to time out, at least once.
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[tokio::test]
async fn a_stop_closes_idle_connections_and_ends_the_loop() {
    let (addr, stop, served) = listening().await;
    let mut idle = TcpStream::connect(addr).await.unwrap();
    assert!(health(addr).await.starts_with("HTTP/1.1 200"));
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), served)
        .await
        .expect("serve returns after a stop")
        .unwrap();
    read_to_close(&mut idle).await;
    assert!(TcpStream::connect(addr).await.is_err());
}
