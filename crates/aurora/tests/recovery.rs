//! Snapshots, restores and clones under a paused clock: the events they leave, as AWS's event
//! catalogue words them, found by source type and category.

mod common;

use std::sync::Arc;
use std::time::Duration;

use aurora::*;
use common::*;
use store::MemoryStore;

fn write(a: &Aurora, cluster: &str, key: &str, value: &str) {
    let mut txn = Transaction::new();
    txn.put(key.as_bytes(), value.as_bytes());
    a.commit(R, cluster, txn).unwrap();
}

/// (source id, message, categories) of the events DescribeEvents returns for these filters.
fn events(
    a: &Aurora,
    source_type: Option<&str>,
    source_id: Option<&str>,
    categories: &[&str],
) -> Vec<(String, String, Vec<String>)> {
    a.describe_events(
        R,
        &EventQuery {
            source_type: source_type.map(str::to_owned),
            source_id: source_id.map(str::to_owned),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            duration_minutes: Some(600),
            ..Default::default()
        },
    )
    .unwrap()
    .items
    .into_iter()
    .map(|e| (e.source_id, e.message, e.categories))
    .collect()
}

fn messages(a: &Aurora, source_type: &str, source_id: &str, categories: &[&str]) -> Vec<String> {
    events(a, Some(source_type), Some(source_id), categories)
        .into_iter()
        .map(|(_, m, _)| m)
        .collect()
}

fn restore(id: &str) -> RestoreOptions {
    RestoreOptions {
        id: id.into(),
        ..Default::default()
    }
}

#[tokio::test(start_paused = true)]
async fn snapshots_restores_and_clones_leave_the_catalogue_events() {
    let a = service(Arc::new(MemoryStore::new()), Pace::Fast);
    a.create_cluster(R, new_cluster("src")).unwrap();
    wait(Duration::from_secs(5)).await;
    write(&a, "src", "k", "v");

    // The automated snapshot taken when the cluster became available (RDS-EVENT-0168/0169).
    let automated = a
        .describe_snapshots(
            R,
            Some("src"),
            None,
            Some("automated"),
            &[],
            &Paging::default(),
        )
        .unwrap()
        .items
        .remove(0)
        .snapshot
        .id;
    assert_eq!(
        events(&a, Some("db-cluster-snapshot"), Some(&automated), &[]),
        vec![
            (
                automated.clone(),
                "Creating automated cluster snapshot".to_owned(),
                vec!["backup".to_owned()]
            ),
            (
                automated.clone(),
                "Automated cluster snapshot created".to_owned(),
                vec!["backup".to_owned()]
            ),
        ]
    );

    // A manual snapshot (RDS-EVENT-0074/0075), its copy (0196/0197) and the copy's deletion.
    a.create_snapshot(R, "src", "s1", &[]).unwrap();
    wait(Duration::from_secs(5)).await;
    a.copy_snapshot(R, "s1", "s2", false, &[]).unwrap();
    wait(Duration::from_secs(5)).await;
    a.copy_snapshot(R, &automated, "s3", false, &[]).unwrap();
    wait(Duration::from_secs(5)).await;
    a.delete_snapshot(R, "s2").unwrap();
    assert_eq!(
        messages(&a, "db-cluster-snapshot", "s1", &[]),
        vec![
            "Creating manual cluster snapshot",
            "Manual cluster snapshot created"
        ]
    );
    assert_eq!(
        events(&a, Some("db-cluster-snapshot"), Some("s2"), &[]),
        vec![
            (
                "s2".to_owned(),
                "Started copy of snapshot s1 in region us-east-1.".to_owned(),
                vec!["notification".to_owned()]
            ),
            (
                "s2".to_owned(),
                "Finished copy of snapshot s1 in region us-east-1.".to_owned(),
                vec!["notification".to_owned()]
            ),
            (
                "s2".to_owned(),
                "Deleted manual snapshot".to_owned(),
                vec!["deletion".to_owned()]
            ),
        ]
    );
    assert_eq!(
        messages(&a, "db-cluster-snapshot", "s3", &["notification"]),
        vec![
            format!("Started copy of snapshot {automated} in region us-east-1."),
            format!("Finished copy of snapshot {automated} in region us-east-1."),
        ]
    );
    assert_eq!(
        messages(&a, "db-cluster-snapshot", "s2", &["deletion"]),
        vec!["Deleted manual snapshot"]
    );

    // Restores and clones: the catalogue has one event for a new DB cluster however it is
    // made, RDS-EVENT-0170 in `creation`.
    a.restore_from_snapshot(R, "s1", restore("from-snap"))
        .unwrap();
    a.restore_to_point_in_time(
        R,
        &PointInTimeSource::Cluster("src".into()),
        RestorePoint::Latest,
        Some("full-copy"),
        restore("pitr"),
    )
    .unwrap();
    a.restore_to_point_in_time(
        R,
        &PointInTimeSource::Cluster("src".into()),
        RestorePoint::Latest,
        Some("copy-on-write"),
        restore("clone"),
    )
    .unwrap();
    wait(Duration::from_secs(5)).await;
    for id in ["from-snap", "pitr", "clone"] {
        assert_eq!(cluster(&a, id).cluster.status, ClusterStatus::Available);
        assert_eq!(
            events(&a, Some("db-cluster"), Some(id), &[]),
            vec![(
                id.to_owned(),
                "DB cluster created.".to_owned(),
                vec!["creation".to_owned()]
            )],
            "{id}"
        );
    }
    let mut created: Vec<String> = events(&a, Some("db-cluster"), None, &["creation"])
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    created.sort();
    assert_eq!(created, vec!["clone", "from-snap", "pitr", "src"]);
    assert!(
        events(&a, Some("db-cluster"), None, &["backup", "deletion"]).is_empty(),
        "snapshot events are not the cluster's"
    );
    let backups: Vec<String> = events(&a, Some("db-cluster-snapshot"), None, &["backup"])
        .into_iter()
        .map(|(_, m, _)| m)
        .collect();
    assert!(
        backups.iter().all(|m| m.contains("cluster snapshot")),
        "{backups:?}"
    );
    assert!(!backups.iter().any(|m| m.contains("copy")), "{backups:?}");
}
