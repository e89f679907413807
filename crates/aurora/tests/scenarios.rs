//! Domain scenarios under a paused tokio clock: transitions take their paced time without any
//! real sleeping, and restarts reopen the same sled directory.

mod common;

use std::sync::Arc;
use std::time::Duration;

use aurora::*;
use common::*;
use store::{MemoryStore, SledStore};

#[tokio::test(start_paused = true)]
async fn walkthrough_creates_writer_and_reader_and_settles_in_time() {
    let a = service(Arc::new(MemoryStore::new()), Pace::Realistic);
    let created = a.create_cluster(R, new_cluster("My-Cluster")).unwrap();
    assert_eq!(created.cluster.id, "my-cluster");
    assert_eq!(created.cluster.status, ClusterStatus::Creating);
    a.create_instance(R, new_instance("my-writer", "my-cluster"))
        .unwrap();
    a.create_instance(R, new_instance("my-reader", "MY-CLUSTER"))
        .unwrap();

    // Reading never moves state: still creating however often we look.
    for _ in 0..3 {
        assert_eq!(
            cluster(&a, "my-cluster").cluster.status,
            ClusterStatus::Creating
        );
    }
    wait(Duration::from_secs(121)).await;
    let c = cluster(&a, "arn:aws:rds:us-east-1:000000000000:cluster:my-cluster");
    assert_eq!(c.cluster.status, ClusterStatus::Available);
    assert_eq!(
        c.members
            .iter()
            .map(|m| (m.instance_id.as_str(), m.is_writer))
            .collect::<Vec<_>>(),
        vec![("my-writer", true), ("my-reader", false)]
    );
    assert_ne!(c.endpoint, c.reader_endpoint);
    assert_eq!(c.cluster.parameter_group, "default.aurora-mysql8.0");
    assert_eq!(c.earliest_backtrack_time, Some(c.cluster.created_at));

    let page = a
        .describe_instances(R, None, &[], &Paging::default())
        .unwrap();
    assert!(page
        .items
        .iter()
        .all(|i| i.instance.status == InstanceStatus::Creating));
    wait(Duration::from_secs(480)).await;
    let page = a
        .describe_instances(R, None, &[], &Paging::default())
        .unwrap();
    assert!(page
        .items
        .iter()
        .all(|i| i.instance.status == InstanceStatus::Available));

    let events = a
        .describe_events(
            R,
            &EventQuery {
                duration_minutes: Some(60),
                ..Default::default()
            },
        )
        .unwrap();
    let messages: Vec<&str> = events.items.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "DB cluster created.",
            "Creating automated cluster snapshot",
            "Automated cluster snapshot created",
            "DB instance created.",
            "DB instance created."
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn backtrack_window_rules() {
    let a = service(Arc::new(MemoryStore::new()), Pace::Fast);
    let too_big = NewCluster {
        backtrack_window: Some(259_201),
        ..new_cluster("a")
    };
    assert!(matches!(
        a.create_cluster(R, too_big),
        Err(Error::InvalidParameterValue(_))
    ));
    let pg = NewCluster {
        engine: "aurora-postgresql".into(),
        engine_version: None,
        ..new_cluster("b")
    };
    assert!(matches!(
        a.create_cluster(R, pg),
        Err(Error::InvalidParameterCombination(_))
    ));

    a.create_cluster(
        R,
        NewCluster {
            backtrack_window: None,
            ..new_cluster("never")
        },
    )
    .unwrap();
    a.create_cluster(R, new_cluster("enabled")).unwrap();
    wait(Duration::from_secs(1)).await;
    let enable = ClusterChanges {
        backtrack_window: Some(3600),
        ..Default::default()
    };
    let e = a.modify_cluster(R, "never", enable.clone()).unwrap_err();
    assert_eq!(
        e.message(),
        "Backtrack cannot currently be enabled for this cluster"
    );

    let c = a.modify_cluster(R, "enabled", enable.clone()).unwrap();
    assert_eq!(c.cluster.backtrack_window, Some(3600));
    assert_eq!(c.cluster.status, ClusterStatus::Modifying);
    wait(Duration::from_secs(1)).await;
    a.modify_cluster(
        R,
        "enabled",
        ClusterChanges {
            backtrack_window: Some(0),
            ..Default::default()
        },
    )
    .unwrap();
    wait(Duration::from_secs(1)).await;
    assert_eq!(cluster(&a, "enabled").earliest_backtrack_time, None);
    assert!(
        a.modify_cluster(R, "enabled", enable).is_err(),
        "0 disables for good"
    );
}

#[tokio::test(start_paused = true)]
async fn refusals_carry_aws_codes() {
    let a = service(Arc::new(MemoryStore::new()), Pace::Fast);
    a.create_cluster(R, new_cluster("c1")).unwrap();
    assert_eq!(
        a.create_cluster(R, new_cluster("C1")).unwrap_err(),
        Error::ClusterAlreadyExists("c1".into())
    );
    assert!(matches!(
        a.create_cluster(R, new_cluster("1bad")),
        Err(Error::InvalidParameterValue(_))
    ));
    let bad_version = NewCluster {
        engine_version: Some("8.0.nope".into()),
        ..new_cluster("c2")
    };
    assert_eq!(
        a.create_cluster(R, bad_version).unwrap_err().message(),
        "Cannot find version 8.0.nope for aurora-mysql"
    );
    assert!(matches!(
        a.describe_clusters(R, Some("nope"), &[], &Paging::default()),
        Err(Error::ClusterNotFound(id)) if id == "nope"
    ));
    assert!(matches!(
        a.create_instance(R, new_instance("i1", "nope")),
        Err(Error::ClusterNotFound(_))
    ));
    a.create_instance(R, new_instance("i1", "c1")).unwrap();
    assert_eq!(
        a.create_instance(R, new_instance("I1", "c1")).unwrap_err(),
        Error::InstanceAlreadyExists("i1".into())
    );
    wait(Duration::from_secs(1)).await;
    let e = a.delete_cluster(R, "c1", true, None, true).unwrap_err();
    assert_eq!(
        e.message(),
        "Cluster cannot be deleted, it still contains DB instances in non-deleting state."
    );
    let e = a.delete_cluster(R, "c1", false, None, true).unwrap_err();
    assert!(matches!(e, Error::InvalidParameterCombination(_)));
    assert!(matches!(
        a.start_cluster(R, "c1"),
        Err(Error::InvalidClusterState(_))
    ));
    let f = [Filter {
        name: "bogus".into(),
        values: vec!["x".into()],
    }];
    assert_eq!(
        a.describe_clusters(R, None, &f, &Paging::default())
            .unwrap_err()
            .message(),
        "Unrecognized filter name: bogus"
    );
    let p = Paging {
        max_records: Some(5),
        ..Paging::default()
    };
    assert!(a.describe_clusters(R, None, &[], &p).is_err());
    // Other regions see nothing.
    assert!(a
        .describe_clusters("eu-west-1", Some("c1"), &[], &Paging::default())
        .is_err());
}

#[tokio::test(start_paused = true)]
async fn markers_page_through_every_cluster_once() {
    let a = service(Arc::new(MemoryStore::new()), Pace::Fast);
    for n in 0..45 {
        a.create_cluster(R, new_cluster(&format!("c{n:02}")))
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut paging = Paging {
        max_records: Some(20),
        marker: None,
        scope: "DescribeDBClusters".into(),
    };
    let mut markers = Vec::new();
    for _ in 0..10 {
        let page = a.describe_clusters(R, None, &[], &paging).unwrap();
        seen.extend(page.items.into_iter().map(|c| c.cluster.id));
        match page.marker {
            Some(m) => {
                markers.push(m.clone());
                paging.marker = Some(m)
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 45);
    seen.dedup();
    assert_eq!(seen.len(), 45);

    // A marker is opaque and bound to its query: another scope, an identifier or a forged
    // marker is InvalidParameterValue.
    let first = markers[0].clone();
    assert!(!first.contains("c19"), "{first}");
    for (marker, scope) in [
        (
            first.clone(),
            "DescribeDBClusters\nFilters.Filter.1.Name=engine",
        ),
        (first.clone(), "DescribeDBInstances"),
        ("c19".to_owned(), "DescribeDBClusters"),
        (format!("{first}00"), "DescribeDBClusters"),
    ] {
        let other = Paging {
            max_records: Some(20),
            marker: Some(marker.clone()),
            scope: scope.into(),
        };
        let e = a.describe_clusters(R, None, &[], &other).unwrap_err();
        assert!(
            matches!(&e, aurora::Error::InvalidParameterValue(m) if m.contains("Marker")),
            "{marker} {scope}: {e:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn stop_start_failover_and_delete_run_their_course() {
    let a = service(Arc::new(MemoryStore::new()), Pace::Fast);
    a.create_cluster(R, new_cluster("c")).unwrap();
    a.create_instance(R, new_instance("w", "c")).unwrap();
    a.create_instance(R, new_instance("r", "c")).unwrap();
    wait(Duration::from_secs(1)).await;

    assert_eq!(
        a.stop_cluster(R, "c").unwrap().cluster.status,
        ClusterStatus::Stopping
    );
    wait(Duration::from_secs(1)).await;
    assert_eq!(cluster(&a, "c").cluster.status, ClusterStatus::Stopped);
    let inst = a
        .describe_instances(R, Some("w"), &[], &Paging::default())
        .unwrap();
    assert_eq!(inst.items[0].instance.status, InstanceStatus::Stopped);
    a.start_cluster(R, "c").unwrap();
    wait(Duration::from_secs(1)).await;
    assert_eq!(cluster(&a, "c").cluster.status, ClusterStatus::Available);

    a.failover_cluster(R, "c", Some("r")).unwrap();
    assert_eq!(cluster(&a, "c").cluster.status, ClusterStatus::FailingOver);
    wait(Duration::from_secs(1)).await;
    let c = cluster(&a, "c");
    assert_eq!(c.cluster.writer.as_deref(), Some("r"));

    // Deleting the writer hands the role to the remaining reader.
    a.delete_instance(R, "r").unwrap();
    wait(Duration::from_secs(1)).await;
    assert_eq!(cluster(&a, "c").cluster.writer.as_deref(), Some("w"));
    a.delete_instance(R, "w").unwrap();
    wait(Duration::from_secs(1)).await;
    assert_eq!(
        a.delete_cluster(R, "c", true, None, true)
            .unwrap()
            .cluster
            .status,
        ClusterStatus::Deleting
    );
    wait(Duration::from_secs(1)).await;
    assert!(a
        .describe_clusters(R, Some("c"), &[], &Paging::default())
        .is_err());
}

#[tokio::test(start_paused = true)]
async fn parameter_groups_carry_binlog_format() {
    let a = service(Arc::new(MemoryStore::new()), Pace::Fast);
    a.create_parameter_group(R, "binlog", "aurora-mysql8.0", "with binlog", &[])
        .unwrap();
    let c = NewCluster {
        parameter_group: Some("binlog".into()),
        ..new_cluster("c")
    };
    a.create_cluster(R, c).unwrap();
    assert_eq!(
        a.cluster_parameter(R, "c", "binlog_format")
            .unwrap()
            .as_deref(),
        Some("OFF")
    );
    let change = |v: &str, m: &str| ParameterChange {
        name: "binlog_format".into(),
        value: Some(v.into()),
        apply_method: Some(m.into()),
    };
    assert!(matches!(
        a.modify_parameter_group(R, "binlog", &[change("ROW", "immediate")]),
        Err(Error::InvalidParameterCombination(_))
    ));
    assert!(a
        .modify_parameter_group(R, "binlog", &[change("SOMETIMES", "pending-reboot")])
        .is_err());
    a.modify_parameter_group(R, "binlog", &[change("row", "pending-reboot")])
        .unwrap();
    assert_eq!(
        a.cluster_parameter(R, "c", "binlog_format")
            .unwrap()
            .as_deref(),
        Some("ROW")
    );
    let user = a
        .describe_parameters(R, "binlog", Some("user"), &Paging::default())
        .unwrap();
    assert_eq!(user.items.len(), 1);
    assert!(matches!(
        a.modify_parameter_group(
            R,
            "default.aurora-mysql8.0",
            &[change("ROW", "pending-reboot")]
        ),
        Err(Error::InvalidParameterValue(_))
    ));
    assert!(matches!(
        a.delete_parameter_group(R, "binlog"),
        Err(Error::InvalidParameterGroupState(_))
    ));
    assert!(matches!(
        a.describe_parameters(R, "nope", None, &Paging::default()),
        Err(Error::ParameterGroupNotFound(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn transitions_in_flight_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Arc::new(SledStore::open(dir.path()).unwrap());
        let (a, driver) = service_with(store, Pace::Realistic, None);
        a.create_cluster(R, new_cluster("c")).unwrap();
        a.add_tags(
            R,
            "arn:aws:rds:us-east-1:000000000000:cluster:c",
            &[Tag {
                key: "k".into(),
                value: "v".into(),
            }],
        )
        .unwrap();
        // The process "dies" here: the driver and the service are dropped without any shutdown.
        driver.abort();
        let _ = driver.await;
    }
    let store = Arc::new(SledStore::open(dir.path()).unwrap());
    let a = service(store, Pace::Realistic);
    let c = cluster(&a, "c");
    assert_eq!(c.cluster.status, ClusterStatus::Creating);
    assert_eq!(
        c.cluster.tags,
        vec![Tag {
            key: "k".into(),
            value: "v".into()
        }]
    );
    // The user skips ahead: the transition persisted with its due time completes.
    a.advance_clock(Duration::from_secs(3600)).unwrap();
    wait(Duration::from_millis(10)).await;
    assert_eq!(cluster(&a, "c").cluster.status, ClusterStatus::Available);
}

#[tokio::test(start_paused = true)]
async fn modify_instance_changes_class_through_modifying_and_refuses_cluster_settings() {
    let a = service(Arc::new(MemoryStore::new()), Pace::Fast);
    a.create_cluster(R, new_cluster("c")).unwrap();
    a.create_instance(R, new_instance("w", "c")).unwrap();
    wait(Duration::from_secs(1)).await;

    let changed = a
        .modify_instance(
            R,
            "W",
            InstanceChanges {
                class: Some("db.r6g.xlarge".into()),
                promotion_tier: Some(3),
                auto_minor_version_upgrade: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(changed.instance.status, InstanceStatus::Modifying);
    assert_eq!(changed.instance.class, "db.r6g.xlarge");
    assert_eq!(changed.instance.promotion_tier, 3);
    assert!(!changed.instance.auto_minor_version_upgrade);
    let busy = a.modify_instance(
        R,
        "w",
        InstanceChanges {
            promotion_tier: Some(2),
            ..Default::default()
        },
    );
    assert!(
        matches!(busy, Err(Error::InvalidInstanceState(_))),
        "{busy:?}"
    );
    wait(Duration::from_secs(1)).await;
    let i = a
        .describe_instances(R, Some("w"), &[], &Paging::default())
        .unwrap()
        .items
        .remove(0)
        .instance;
    assert_eq!(i.status, InstanceStatus::Available);
    assert_eq!(i.class, "db.r6g.xlarge");

    // A change that leaves the class as it is applies without `modifying`.
    let same = a
        .modify_instance(
            R,
            "w",
            InstanceChanges {
                class: Some("db.r6g.xlarge".into()),
                publicly_accessible: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(same.instance.status, InstanceStatus::Available);
    assert!(same.instance.publicly_accessible);

    let events = a
        .describe_events(
            R,
            &EventQuery {
                source_type: Some("db-instance".into()),
                source_id: Some("w".into()),
                categories: vec!["configuration change".into()],
                ..Default::default()
            },
        )
        .unwrap();
    let messages: Vec<&str> = events.items.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "Applying modification to database instance class.",
            "Finished applying modification to DB instance class."
        ]
    );

    for (changes, code) in [
        (
            InstanceChanges {
                promotion_tier: Some(16),
                ..Default::default()
            },
            "value",
        ),
        (
            InstanceChanges {
                class: Some("large".into()),
                ..Default::default()
            },
            "combination",
        ),
        (
            InstanceChanges {
                cluster_settings: vec!["MasterUserPassword"],
                ..Default::default()
            },
            "combination",
        ),
    ] {
        let e = a.modify_instance(R, "w", changes).unwrap_err();
        let kind = match e {
            Error::InvalidParameterValue(_) => "value",
            Error::InvalidParameterCombination(_) => "combination",
            _ => "other",
        };
        assert_eq!(kind, code, "{e:?}");
    }
    assert!(matches!(
        a.modify_instance(R, "nope", InstanceChanges::default()),
        Err(Error::InstanceNotFound(_))
    ));
}
