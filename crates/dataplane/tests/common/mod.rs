//! What the data plane's end-to-end tests share: a control plane on a memory store, the
//! aurora-mysql clusters and instances they make, free loopback ports.

#![allow(dead_code)]

use std::sync::Arc;

use aurora::{Aurora, Config, Env, NewCluster, NewInstance, Pace};
use chrono::{DateTime, Utc};
use store::MemoryStore;

pub const R: &str = "us-east-1";

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The tests' clock and id seed.
pub fn env() -> Env {
    let epoch: DateTime<Utc> = chrono::DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
        .unwrap()
        .to_utc();
    Env::new(epoch, 7)
}

/// A control plane on `env` and a memory store, at the fast pace.
pub fn control_plane_on(env: Env) -> Aurora {
    let config = Config {
        account_id: "000000000000".into(),
        pace: Pace::Fast,
        backtrack_capacity: None,
    };
    Aurora::open(env, config, Arc::new(MemoryStore::new())).unwrap()
}

/// A control plane whose driver runs (inside a tokio runtime).
pub fn running_control_plane() -> Aurora {
    let a = control_plane_on(env());
    tokio::spawn(a.clone().run_driver());
    a
}

/// An aurora-mysql cluster on `port`, master user admin / secret123.
pub fn cluster(id: &str, port: u16) -> NewCluster {
    NewCluster {
        id: id.into(),
        engine: "aurora-mysql".into(),
        engine_version: Some("8.0.mysql_aurora.3.05.2".into()),
        master_username: Some("admin".into()),
        master_password: Some("secret123".into()),
        port: Some(i32::from(port)),
        ..Default::default()
    }
}

/// An instance of `cluster`.
pub fn instance(id: &str, cluster: &str) -> NewInstance {
    NewInstance {
        id: id.into(),
        cluster_id: Some(cluster.into()),
        class: "db.r6g.large".into(),
        engine: "aurora-mysql".into(),
        ..Default::default()
    }
}

/// The mysql CLI (Debian's mariadb-client) running `sql` on `host:port` as admin, output
/// discarded.
pub fn mysql_command(host: &str, port: u16, sql: &str) -> tokio::process::Command {
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
