//! Snapshots, restores and clones: the events they leave, as AWS's event catalogue words them
//! (under a paused clock), and copies running beside the driver while it settles other
//! clusters (on real time, with a copy held at a gate in the store).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use aurora::*;
use common::*;
use store::{Batch, MemoryStore, Store};

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

/// A memory store whose `clear_tree`, the first write of every copy and clone, waits while
/// its gate is shut: a test holds a copy in the middle for as long as it needs.
#[derive(Default)]
struct GatedStore {
    inner: MemoryStore,
    shut: Mutex<bool>,
    opened: Condvar,
    /// Copies waiting at the gate.
    waiting: AtomicUsize,
}

impl GatedStore {
    fn set_shut(&self, shut: bool) {
        *self.shut.lock().unwrap() = shut;
        self.opened.notify_all();
    }
}

/// Opens the gate when dropped, so a failing test lets its held copy finish instead of
/// leaving a blocking thread the runtime waits for.
struct OpenOnDrop(Arc<GatedStore>);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.set_shut(false);
    }
}

impl Store for GatedStore {
    fn get(&self, tree: &str, key: &[u8]) -> store::Result<Option<Vec<u8>>> {
        self.inner.get(tree, key)
    }
    fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> store::Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.inner.scan_prefix(tree, prefix)
    }
    fn scan_range(
        &self,
        tree: &str,
        start: &[u8],
        end: &[u8],
        limit: usize,
    ) -> store::Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.inner.scan_range(tree, start, end, limit)
    }
    fn last_in_range(
        &self,
        tree: &str,
        start: &[u8],
        end: &[u8],
    ) -> store::Result<Option<(Vec<u8>, Vec<u8>)>> {
        self.inner.last_in_range(tree, start, end)
    }
    fn clear_tree(&self, tree: &str) -> store::Result<()> {
        let mut shut = self.shut.lock().unwrap();
        self.waiting.fetch_add(1, Ordering::SeqCst);
        while *shut {
            shut = self.opened.wait(shut).unwrap();
        }
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        drop(shut);
        self.inner.clear_tree(tree)
    }
    fn apply(&self, tree: &str, batch: Batch) -> store::Result<()> {
        self.inner.apply(tree, batch)
    }
    fn clear_all(&self) -> store::Result<()> {
        self.inner.clear_all()
    }
}

/// Polls `done` every 10 ms of real time until it holds; fails after 20 s, long past anything
/// here (each step takes Fast's 100 ms), so a wait that never ends fails instead of hanging.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..2000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen");
}

fn status(a: &Aurora, id: &str) -> ClusterStatus {
    cluster(a, id).cluster.status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_clusters_settle_and_backtrack_while_a_copy_runs() {
    let store = Arc::new(GatedStore::default());
    let a = service(store.clone(), Pace::Fast);
    a.create_cluster(R, new_cluster("src")).unwrap();
    a.create_cluster(R, new_cluster("other")).unwrap();
    until("both clusters available", || {
        status(&a, "src") == ClusterStatus::Available
            && status(&a, "other") == ClusterStatus::Available
    })
    .await;
    write(&a, "src", "row", "copied");
    write(&a, "other", "k", "before");
    let before = a.env().clock.now();
    a.advance_clock(Duration::from_secs(2)).unwrap();
    write(&a, "other", "k", "after");

    store.set_shut(true);
    let _open = OpenOnDrop(store.clone());
    // Three full-copy restores of src: two copies run (the most at once), held at the gate.
    let big = ["big1", "big2", "big3"];
    for id in big {
        a.restore_to_point_in_time(
            R,
            &PointInTimeSource::Cluster("src".into()),
            RestorePoint::Latest,
            Some("full-copy"),
            restore(id),
        )
        .unwrap();
    }
    until("two copies reaching the gate", || {
        store.waiting.load(Ordering::SeqCst) == 2
    })
    .await;

    // Meanwhile the driver backtracks another cluster and brings a new one up.
    let bt = a
        .backtrack_cluster(R, "other", before, false, false)
        .unwrap();
    a.create_cluster(R, new_cluster("third")).unwrap();
    let completed = || {
        a.describe_backtracks(R, "other", Some(&bt.id), &[], &Paging::default())
            .unwrap()
            .items[0]
            .status
            == BacktrackStatus::Completed
    };
    until("the backtrack of other completing", completed).await;
    until("third becoming available", || {
        status(&a, "third") == ClusterStatus::Available
    })
    .await;
    let k = a.volume(R, "other").unwrap().get(b"k").unwrap();
    assert_eq!(
        k.as_deref(),
        Some(&b"before"[..]),
        "other is back at its target"
    );
    for id in big {
        assert_eq!(
            status(&a, id),
            ClusterStatus::Creating,
            "{id} is still copying"
        );
    }
    assert_eq!(
        store.waiting.load(Ordering::SeqCst),
        2,
        "two copies at the gate, the third waiting for a slot though the driver went round since"
    );

    store.set_shut(false);
    until("the restored clusters becoming available", || {
        big.iter()
            .all(|id| status(&a, id) == ClusterStatus::Available)
    })
    .await;
    for id in big {
        let row = a.volume(R, id).unwrap().get(b"row").unwrap();
        assert_eq!(row.as_deref(), Some(&b"copied"[..]), "{id}");
    }
}

fn automated(a: &Aurora) -> Vec<String> {
    a.describe_snapshots(
        R,
        Some("c"),
        None,
        Some("automated"),
        &[],
        &Paging::default(),
    )
    .unwrap()
    .items
    .into_iter()
    .map(|v| v.snapshot.id)
    .collect()
}

#[tokio::test(start_paused = true)]
async fn automated_snapshots_come_in_their_window_however_often_commits_wake_the_driver() {
    let a = service(Arc::new(MemoryStore::new()), Pace::Fast);
    a.create_cluster(R, new_cluster("c")).unwrap();
    wait(Duration::from_secs(1)).await;
    assert_eq!(
        automated(&a),
        vec!["rds:c-2026-03-01-12-00"],
        "the first, once available"
    );
    // Every commit wakes the driver; none of them makes a backup due.
    for n in 0..50 {
        write(&a, "c", &format!("k{n}"), "v");
        wait(Duration::from_millis(10)).await;
    }
    assert_eq!(automated(&a).len(), 1);

    a.modify_cluster(
        R,
        "c",
        ClusterChanges {
            preferred_backup_window: Some("14:00-14:30".into()),
            ..Default::default()
        },
    )
    .unwrap();
    wait(Duration::from_secs(1)).await;
    for n in 0..10 {
        write(&a, "c", &format!("j{n}"), "v");
        wait(Duration::from_millis(10)).await;
    }
    a.advance_clock(Duration::from_secs(2 * 3600)).unwrap();
    assert_eq!(
        automated(&a),
        vec!["rds:c-2026-03-01-12-00", "rds:c-2026-03-01-14-00"],
        "the new window's first start"
    );
    write(&a, "c", "after", "v");
    a.advance_clock(Duration::from_secs(24 * 3600)).unwrap();
    // A day later: the next window's snapshot; the one before is past the one-day retention.
    assert_eq!(automated(&a), vec!["rds:c-2026-03-02-14-00"]);
}
