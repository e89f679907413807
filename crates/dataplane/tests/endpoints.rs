//! The data plane end to end in one process: a control plane on a memory store, the data plane
//! following it, and Debian's stock `mysql` client against the endpoints it opens.

mod common;

use std::sync::Arc;
use std::time::Duration;

use aurora::endpoints::EndpointRole;
use aurora::{Aurora, NewCluster, Paging};
use common::*;

/// Runs the mysql CLI; returns (success, stdout, stderr).
async fn mysql(host: &str, port: u16, password: &str, sql: &str) -> (bool, String, String) {
    let out = tokio::process::Command::new("mysql")
        .args(["-h", host, "-P", &port.to_string(), "-u", "admin", &format!("-p{password}")])
        .args(["--batch", "--skip-column-names", "--connect-timeout=5", "-e", sql])
        .output()
        .await
        .expect("the mysql client (Debian's mariadb-client) must be installed: scripts/test installs it");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn until<F: std::future::Future<Output = bool>>(mut check: impl FnMut() -> F, what: &str) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writer_reader_auth_and_a_backtrack_through_the_mysql_client() {
    let a = running_control_plane();
    tokio::spawn(dataplane::run(a.clone()));
    let port = free_port();
    let c = NewCluster {
        backtrack_window: Some(3600),
        ..cluster("c", port)
    };
    a.create_cluster(R, c).unwrap();
    for id in ["w", "r"] {
        a.create_instance(R, instance(id, "c")).unwrap();
    }
    let view = || {
        a.describe_clusters(R, Some("c"), &[], &Paging::default())
            .unwrap()
            .items
            .remove(0)
    };
    let (writer, reader) = (view().endpoint, view().reader_endpoint);
    until(
        || async { a.endpoints().iter().filter(|s| s.accepting).count() == 4 },
        "four endpoints",
    )
    .await;
    until(
        || async { mysql(&reader, port, "secret123", "SELECT 1").await.0 },
        "the reader endpoint",
    )
    .await;

    let (ok, out, err) = mysql(&writer, port, "secret123",
        "CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO t VALUES (1,'a'),(2,'b'); SELECT COUNT(*) FROM t").await;
    assert!(ok, "{err}");
    assert_eq!(out, "2");
    let (_, out, _) = mysql(&reader, port, "secret123", "SELECT v FROM d.t ORDER BY id").await;
    assert_eq!(out, "a\nb", "the reader reads the writer's volume");
    let (ok, _, err) = mysql(&reader, port, "secret123", "DELETE FROM d.t").await;
    assert!(!ok && err.contains("ERROR 1290"), "{err}");
    let spec = a
        .endpoints()
        .into_iter()
        .find(|s| s.role == EndpointRole::Instance("r".into()))
        .unwrap();
    let (ok, _, err) = mysql(
        &spec.addr.ip().to_string(),
        port,
        "secret123",
        "DROP DATABASE d",
    )
    .await;
    assert!(
        !ok && err.contains("ERROR 1290"),
        "a reader instance endpoint is read-only too: {err}"
    );
    let (ok, _, err) = mysql(&writer, port, "wrong-password", "SELECT 1").await;
    assert!(!ok && err.contains("ERROR 1045"), "{err}");

    // Break things, then backtrack to before: the rows come back.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let noted = a.env().clock.now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (ok, _, err) = mysql(
        &writer,
        port,
        "secret123",
        "USE d; DELETE FROM t; DROP TABLE t",
    )
    .await;
    assert!(ok, "{err}");
    a.backtrack_cluster(R, "c", noted, false, false).unwrap();
    let (ok, _, _) = mysql(&writer, port, "secret123", "SELECT 1").await;
    assert!(!ok, "connections are refused while the cluster backtracks");
    until(
        || async { view().cluster.status == aurora::ClusterStatus::Available },
        "the backtrack",
    )
    .await;
    until(
        || async { mysql(&writer, port, "secret123", "SELECT 1").await.0 },
        "the writer endpoint again",
    )
    .await;
    let (_, out, err) = mysql(&writer, port, "secret123", "SELECT v FROM d.t ORDER BY id").await;
    assert_eq!(out, "a\nb", "rows and table are back: {err}");
}

/// A control plane that claims its address blocks on this machine, as the server does.
fn claiming_control_plane(claim_port: u16) -> Aurora {
    control_plane_on(
        env().with_address_blocks(Arc::new(dataplane::LoopbackBlocks::new(claim_port))),
    )
}

fn writer_endpoint(a: &Aurora, id: &str, port: u16) -> String {
    a.create_cluster(R, cluster(id, port)).unwrap();
    a.describe_clusters(R, Some(id), &[], &Paging::default())
        .unwrap()
        .items
        .remove(0)
        .endpoint
}

#[test]
fn servers_side_by_side_never_share_an_endpoint() {
    let (claim_port, mysql_port) = (free_port(), free_port());
    let first = claiming_control_plane(claim_port);
    let second = claiming_control_plane(claim_port);
    let a = writer_endpoint(&first, "a", mysql_port);
    let b = writer_endpoint(&second, "b", mysql_port);
    assert_ne!(a, b, "two servers handed out the same endpoint");
    // A second cluster of the first server takes a third block.
    let c = writer_endpoint(&first, "c", mysql_port);
    assert!(c != a && c != b, "{c} is already in use");

    // A writer address held by a program that is not a Rewind is skipped too.
    let third = claiming_control_plane(free_port());
    let next = writer_endpoint(&third, "probe", free_port());
    let foreign_port = free_port();
    let held: std::net::Ipv4Addr = next.parse().unwrap();
    let _foreign = std::net::TcpListener::bind((held, foreign_port)).unwrap();
    let fourth = claiming_control_plane(free_port());
    let d = writer_endpoint(&fourth, "d", foreign_port);
    assert_ne!(d, next, "{d} is held by another program");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_cannot_be_opened_is_not_reported_available() {
    // Every block is taken as free (no claims), so a foreign program can hold the writer's.
    let a = running_control_plane();
    tokio::spawn(dataplane::run(a.clone()));
    let port = free_port();
    let writer = writer_endpoint(&a, "held", port);
    let host: std::net::Ipv4Addr = writer.parse().unwrap();
    let foreign = std::net::TcpListener::bind((host, port)).expect("hold the writer address");
    a.create_instance(R, instance("w", "held")).unwrap();
    let status = || {
        a.describe_instances(R, Some("w"), &[], &Paging::default())
            .unwrap()
            .items
            .remove(0)
            .instance
            .status
            .as_str()
    };
    until(
        || async { status() == "incompatible-network" },
        "the instance to read incompatible-network",
    )
    .await;
    let events = a
        .describe_events(
            R,
            &aurora::EventQuery {
                source_id: Some("w".into()),
                source_type: Some("db-instance".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let why = events
        .items
        .iter()
        .find(|e| e.message.contains("incompatible network"))
        .unwrap_or_else(|| panic!("no event says why: {:?}", events.items));
    assert!(
        why.message.contains(&format!("{host}:{port}")),
        "{}",
        why.message
    );
    assert_eq!(
        events
            .items
            .iter()
            .filter(|e| e.message.contains("incompatible network"))
            .count(),
        1,
        "one event per failure, not one per retry"
    );

    // Once the address is free, the endpoint opens and the instance is available.
    drop(foreign);
    until(
        || async { status() == "available" },
        "the instance to be available",
    )
    .await;
    until(
        || async { mysql(&writer, port, "secret123", "SELECT 1").await.0 },
        "the writer endpoint",
    )
    .await;
}

/// The mysql CLI running `sql` in the background, ended (by its id) when dropped.
fn mysql_in_background(host: &str, port: u16, sql: &str) -> tokio::process::Child {
    mysql_command(host, port, sql)
        .kill_on_drop(true)
        .spawn()
        .expect("the mysql client (Debian's mariadb-client) must be installed")
}

/// Statements run inline on their connection's thread, so another thread watches them: a
/// client that disconnects, and an endpoint that closes (a backtrack), stop a statement that
/// would otherwise run for minutes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_statement_stops_when_its_client_goes_or_its_endpoint_closes() {
    let a = running_control_plane();
    tokio::spawn(dataplane::run(a.clone()));
    let port = free_port();
    let c = NewCluster {
        backtrack_window: Some(3600),
        ..cluster("gone", port)
    };
    a.create_cluster(R, c).unwrap();
    a.create_instance(R, instance("gone-w", "gone")).unwrap();
    let view = || {
        a.describe_clusters(R, Some("gone"), &[], &Paging::default())
            .unwrap()
            .items
            .remove(0)
    };
    let writer = view().endpoint;
    until(
        || async { mysql(&writer, port, "secret123", "SELECT 1").await.0 },
        "the writer endpoint",
    )
    .await;
    let (ok, _, err) = mysql(&writer, port, "secret123",
        "CREATE DATABASE d; CREATE TABLE d.n (i INT PRIMARY KEY); \
         INSERT INTO d.n WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) SELECT i FROM s").await;
    assert!(ok, "{err}");
    let runaway = "SELECT COUNT(*) FROM d.n a, d.n b, d.n c WHERE a.i + b.i + c.i > 0";
    let listed = || async {
        let (_, out, _) = mysql(&writer, port, "secret123", "SHOW PROCESSLIST").await;
        out.contains("d.n b")
    };

    // The client goes away mid-statement.
    let mut client = mysql_in_background(&writer, port, runaway);
    until(listed, "the statement in SHOW PROCESSLIST").await;
    client.kill().await.unwrap();
    until(
        || async { !listed().await },
        "the abandoned statement to stop",
    )
    .await;

    // The endpoint closes mid-statement (a backtrack): the statement stops, the client is let go.
    let noted = a.env().clock.now();
    let mut client = mysql_in_background(&writer, port, runaway);
    until(listed, "the statement in SHOW PROCESSLIST").await;
    a.backtrack_cluster(R, "gone", noted, false, false).unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(10), client.wait()).await;
    assert!(
        matches!(ended, Ok(Ok(status)) if !status.success()),
        "the client was not let go when its endpoint closed: {ended:?}"
    );
}
