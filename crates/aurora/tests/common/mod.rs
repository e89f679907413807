//! Helpers shared by the domain scenario tests: a service on a paused clock, and requests.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use aurora::*;
use chrono::{DateTime, Utc};
use store::Store;

pub const R: &str = "us-east-1";

pub fn epoch() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
        .unwrap()
        .to_utc()
}

pub fn service(store: Arc<dyn Store>, pace: Pace) -> Aurora {
    service_with(store, pace, None).0
}

/// A service and its driver task, so a test can "kill" it by aborting the driver.
pub fn service_with(
    store: Arc<dyn Store>,
    pace: Pace,
    backtrack_capacity: Option<u64>,
) -> (Aurora, tokio::task::JoinHandle<()>) {
    service_at(store, pace, backtrack_capacity, epoch())
}

/// As [`service_with`], with the clock starting at `start` (a restart happens later in time).
pub fn service_at(
    store: Arc<dyn Store>,
    pace: Pace,
    backtrack_capacity: Option<u64>,
    start: DateTime<Utc>,
) -> (Aurora, tokio::task::JoinHandle<()>) {
    let aurora = Aurora::open(
        Env::new(start, 42),
        Config {
            account_id: "000000000000".into(),
            pace,
            backtrack_capacity,
        },
        store,
    )
    .unwrap();
    let driver = tokio::spawn(aurora.clone().run_driver());
    (aurora, driver)
}

pub fn new_cluster(id: &str) -> NewCluster {
    NewCluster {
        id: id.into(),
        engine: "aurora-mysql".into(),
        engine_version: Some("8.0.mysql_aurora.3.05.2".into()),
        master_username: Some("admin".into()),
        master_password: Some("secret123".into()),
        backtrack_window: Some(86400),
        ..Default::default()
    }
}

pub fn new_instance(id: &str, cluster: &str) -> NewInstance {
    NewInstance {
        id: id.into(),
        cluster_id: Some(cluster.into()),
        class: "db.r6g.large".into(),
        engine: "aurora-mysql".into(),
        ..Default::default()
    }
}

pub fn cluster(a: &Aurora, id: &str) -> ClusterView {
    a.describe_clusters(R, Some(id), &[], &Paging::default())
        .unwrap()
        .items
        .remove(0)
}

pub async fn wait(d: Duration) {
    tokio::time::sleep(d).await;
}
