//! `run_until`: a stop closes every endpoint and stops the statements running on them, so a
//! server's shutdown does not wait for a runaway query.

mod common;

use std::time::{Duration, Instant};

use aurora::Paging;
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_closes_the_endpoints_and_stops_a_runaway_statement() {
    let a = running_control_plane();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let dataplane = tokio::spawn(dataplane::run_until(a.clone(), stopped));
    let port = free_port();
    a.create_cluster(R, cluster("c", port)).unwrap();
    a.create_instance(R, instance("w", "c")).unwrap();
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
        if mysql_command(&writer, port, setup)
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

    let mut runaway = mysql_command(
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
    assert!(!mysql_command(&writer, port, "SELECT 1")
        .status()
        .await
        .unwrap()
        .success());
}
