//! `run_until`: a stop closes every endpoint and stops the statements running on them, so a
//! server's shutdown does not wait for a runaway query.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aurora::{Aurora, Config, Env, NewCluster, NewInstance, Pace, Paging};
use store::MemoryStore;

const R: &str = "us-east-1";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The mysql CLI running `sql` on `host:port`.
fn mysql(host: &str, port: u16, sql: &str) -> tokio::process::Command {
    let mut c = tokio::process::Command::new("mysql");
    c.args([
        "-h",
        host,
        "-P",
        &port.to_string(),
        "-u",
        "admin",
        "-psecret123",
    ])
    .args([
        "--batch",
        "--skip-column-names",
        "--connect-timeout=5",
        "-e",
        sql,
    ])
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null());
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_closes_the_endpoints_and_stops_a_runaway_statement() {
    let epoch = chrono::DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
        .unwrap()
        .to_utc();
    let a = Aurora::open(
        Env::new(epoch, 7),
        Config {
            account_id: "000000000000".into(),
            pace: Pace::Fast,
            backtrack_capacity: None,
        },
        Arc::new(MemoryStore::new()),
    )
    .unwrap();
    tokio::spawn(a.clone().run_driver());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let dataplane = tokio::spawn(dataplane::run_until(a.clone(), stopped));
    let port = free_port();
    a.create_cluster(
        R,
        NewCluster {
            id: "c".into(),
            engine: "aurora-mysql".into(),
            engine_version: Some("8.0.mysql_aurora.3.05.2".into()),
            master_username: Some("admin".into()),
            master_password: Some("secret123".into()),
            port: Some(i32::from(port)),
            ..Default::default()
        },
    )
    .unwrap();
    a.create_instance(
        R,
        NewInstance {
            id: "w".into(),
            cluster_id: Some("c".into()),
            class: "db.r6g.large".into(),
            engine: "aurora-mysql".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let writer = a
        .describe_clusters(R, Some("c"), &[], &Paging::default())
        .unwrap()
        .items
        .remove(0)
        .endpoint;
    let setup = "CREATE DATABASE d; CREATE TABLE d.n (i INT PRIMARY KEY); INSERT INTO d.n WITH \
        RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) SELECT i FROM s";
    let mut ready = false;
    for _ in 0..200 {
        if mysql(&writer, port, setup)
            .status()
            .await
            .unwrap()
            .success()
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(ready, "the writer endpoint never accepted the setup");

    let mut runaway = mysql(
        &writer,
        port,
        "SELECT COUNT(*) FROM d.n a, d.n b, d.n c WHERE a.i + b.i + c.i > 0",
    )
    .spawn()
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        runaway.try_wait().unwrap().is_none(),
        "the cross join runs for minutes"
    );

    let started = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), dataplane)
        .await
        .expect("run_until returns soon after the stop")
        .unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(5), runaway.wait())
        .await
        .expect("the client's connection is dropped")
        .unwrap();
    assert!(!ended.success(), "the statement did not finish");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!mysql(&writer, port, "SELECT 1")
        .status()
        .await
        .unwrap()
        .success());
}
