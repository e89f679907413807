//! Backtrack scenarios under a paused clock: the lifecycle, back and forth, window expiry,
//! capacity, refusals, concurrency, faults and a restart in the middle of applying.

mod common;

use std::sync::Arc;
use std::time::Duration;

use aurora::*;
use chrono::{DateTime, TimeDelta, Utc};
use common::*;
use store::{MemoryStore, SledStore, Store};

fn write(a: &Aurora, key: &str, value: Option<&str>) {
    let mut txn = Transaction::new();
    match value {
        Some(v) => txn.put(key.as_bytes(), v.as_bytes()),
        None => txn.delete(key.as_bytes()),
    }
    a.commit(R, "c", txn).unwrap();
}

fn read(a: &Aurora, key: &str) -> Option<String> {
    a.volume(R, "c")
        .unwrap()
        .get(key.as_bytes())
        .unwrap()
        .map(|b| String::from_utf8(b).unwrap())
}

fn now(a: &Aurora) -> DateTime<Utc> {
    a.env().clock.now()
}

async fn ready(pace: Pace, capacity: Option<u64>) -> Aurora {
    let (a, _) = service_with(Arc::new(MemoryStore::new()), pace, capacity);
    a.create_cluster(R, new_cluster("c")).unwrap();
    a.create_instance(R, new_instance("w", "c")).unwrap();
    a.create_instance(R, new_instance("r", "c")).unwrap();
    wait(Duration::from_secs(600)).await;
    a
}

/// Requests a backtrack and waits (bounded) until it completes or fails.
async fn backtrack(a: &Aurora, to: DateTime<Utc>) -> Backtrack {
    let bt = a.backtrack_cluster(R, "c", to, false, false).unwrap();
    for _ in 0..100 {
        wait(Duration::from_secs(1)).await;
        let b = a
            .describe_backtracks(R, "c", Some(&bt.id), &[], &Paging::default())
            .unwrap()
            .items
            .remove(0);
        if matches!(
            b.status,
            BacktrackStatus::Completed | BacktrackStatus::Failed
        ) {
            return b;
        }
    }
    panic!("backtrack did not finish");
}

#[tokio::test(start_paused = true)]
async fn the_lifecycle_goes_pending_applying_completed() {
    let a = ready(Pace::Realistic, None).await;
    write(&a, "row", Some("kept"));
    wait(Duration::from_secs(10)).await;
    let noted = now(&a);
    wait(Duration::from_secs(10)).await;
    write(&a, "row", None); // the DELETE without WHERE

    let bt = a.backtrack_cluster(R, "c", noted, false, false).unwrap();
    assert_eq!(
        (bt.status, bt.target, bt.backtracked_from),
        (BacktrackStatus::Pending, noted, None)
    );
    let c = cluster(&a, "c");
    assert_eq!(c.cluster.status, ClusterStatus::Backtracking);
    let instances = a
        .describe_instances(R, None, &[], &Paging::default())
        .unwrap();
    assert!(instances
        .items
        .iter()
        .all(|i| i.instance.status == InstanceStatus::Backtracking));
    assert!(
        a.commit(R, "c", Transaction::new()).is_err(),
        "no writes while backtracking"
    );

    wait(Duration::from_secs(16)).await;
    let b = a
        .describe_backtracks(R, "c", None, &[], &Paging::default())
        .unwrap()
        .items
        .remove(0);
    assert_eq!(b.status, BacktrackStatus::Applying);
    assert!(b.backtracked_from.is_some());
    assert_eq!(
        read(&a, "row"),
        None,
        "the volume rewinds only at the end of APPLYING"
    );

    wait(Duration::from_secs(61)).await;
    let b = a
        .describe_backtracks(R, "c", None, &[], &Paging::default())
        .unwrap()
        .items
        .remove(0);
    assert_eq!(b.status, BacktrackStatus::Completed);
    assert!(
        b.landed_at.unwrap() <= noted,
        "lands on the last commit at or before the target"
    );
    assert_eq!(read(&a, "row").as_deref(), Some("kept"));
    assert_eq!(cluster(&a, "c").cluster.status, ClusterStatus::Available);
    let instances = a
        .describe_instances(R, None, &[], &Paging::default())
        .unwrap();
    assert!(instances
        .items
        .iter()
        .all(|i| i.instance.status == InstanceStatus::Available));

    let q = EventQuery {
        source_type: Some("db-cluster".into()),
        categories: vec!["backtrack".into()],
        ..Default::default()
    };
    let messages: Vec<String> = a
        .describe_events(R, &q)
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.message)
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages[0].contains("requested")
            && messages[1].contains("started")
            && messages[2].contains("completed")
    );
}

#[tokio::test(start_paused = true)]
async fn back_and_forth_across_paths() {
    let a = ready(Pace::Fast, None).await;
    write(&a, "k", Some("a"));
    wait(Duration::from_secs(60)).await;
    let t_a = now(&a);
    wait(Duration::from_secs(1)).await;
    write(&a, "k", Some("b"));
    wait(Duration::from_secs(60)).await;
    let t_b = now(&a);
    wait(Duration::from_secs(1)).await;
    assert_eq!(backtrack(&a, t_a).await.status, BacktrackStatus::Completed);
    assert_eq!(read(&a, "k").as_deref(), Some("a"));
    write(&a, "k", Some("c")); // new path
    wait(Duration::from_secs(60)).await;
    let t_c = now(&a);
    wait(Duration::from_secs(1)).await;
    backtrack(&a, t_b).await; // forward, to the abandoned path
    assert_eq!(read(&a, "k").as_deref(), Some("b"));
    backtrack(&a, t_c).await; // and to the new path again
    assert_eq!(read(&a, "k").as_deref(), Some("c"));
    let list = a
        .describe_backtracks(R, "c", None, &[], &Paging::default())
        .unwrap()
        .items;
    assert_eq!(list.len(), 3);
    assert!(
        list.windows(2)
            .all(|w| w[0].requested_at >= w[1].requested_at),
        "newest first"
    );
    let f = [Filter {
        name: "db-cluster-backtrack-status".into(),
        values: vec!["completed".into()],
    }];
    assert_eq!(
        a.describe_backtracks(R, "c", None, &f, &Paging::default())
            .unwrap()
            .items
            .len(),
        3
    );
    let f = [Filter {
        name: "db-cluster-backtrack-id".into(),
        values: vec![list[1].id.to_uppercase()],
    }];
    assert_eq!(
        a.describe_backtracks(R, "c", None, &f, &Paging::default())
            .unwrap()
            .items[0]
            .id,
        list[1].id
    );
    assert!(matches!(
        a.describe_backtracks(
            R,
            "c",
            Some("00000000-0000-4000-8000-000000000000"),
            &[],
            &Paging::default()
        ),
        Err(Error::BacktrackNotFound(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn the_window_expires_and_records_are_freed() {
    let a = ready(Pace::Fast, None).await;
    a.modify_cluster(
        R,
        "c",
        ClusterChanges {
            backtrack_window: Some(3600),
            ..Default::default()
        },
    )
    .unwrap();
    wait(Duration::from_secs(1)).await;
    let t0 = now(&a);
    write(&a, "k", Some("v1"));
    write(&a, "k", Some("v2"));
    assert_eq!(cluster(&a, "c").backtrack_change_records, Some(2));
    a.advance_clock(Duration::from_secs(2 * 3600)).unwrap();
    wait(Duration::from_millis(10)).await;
    let c = cluster(&a, "c");
    assert_eq!(
        c.backtrack_change_records,
        Some(0),
        "records older than the window are folded"
    );
    let earliest = c.earliest_backtrack_time.unwrap();
    let exact = now(&a) - TimeDelta::seconds(3600);
    assert!(
        earliest >= exact && earliest - exact < TimeDelta::seconds(1),
        "{earliest} vs {exact}"
    );
    assert_eq!(earliest.timestamp_subsec_nanos(), 0, "whole seconds");
    assert!(matches!(
        a.backtrack_cluster(R, "c", t0, false, false),
        Err(Error::InvalidParameterValue(_))
    ));
    let bt = a.backtrack_cluster(R, "c", t0, false, true).unwrap();
    assert_eq!(
        bt.target,
        c.earliest_backtrack_time.unwrap(),
        "falls back to the earliest time"
    );
}

#[tokio::test(start_paused = true)]
async fn a_capacity_shortens_the_window_and_the_writer_hears_of_it() {
    let a = ready(Pace::Fast, Some(5)).await;
    for n in 0..8 {
        write(&a, &format!("k{n}"), Some("v"));
        wait(Duration::from_secs(10)).await;
    }
    let c = cluster(&a, "c");
    assert!(c.backtrack_change_records.unwrap() <= 5);
    assert!(
        c.earliest_backtrack_time.unwrap() > c.cluster.created_at,
        "actual window < target"
    );
    let q = EventQuery {
        source_type: Some("db-instance".into()),
        categories: vec!["backtrack".into()],
        ..Default::default()
    };
    let events = a.describe_events(R, &q).unwrap().items;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].source_id, "w");
    assert!(events[0]
        .message
        .starts_with("The actual Backtrack window is smaller"));
    // A day later the folded history is outside the target window: the window recovers.
    a.advance_clock(Duration::from_secs(86400 + 60)).unwrap();
    wait(Duration::from_millis(10)).await;
    let q = EventQuery {
        duration_minutes: Some(60 * 48),
        ..q
    };
    let events = a.describe_events(R, &q).unwrap().items;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events[1]
        .message
        .starts_with("The actual Backtrack window is the same"));
}

#[tokio::test(start_paused = true)]
async fn refusals() {
    let a = ready(Pace::Fast, None).await;
    let t = now(&a);
    assert!(matches!(
        a.backtrack_cluster(R, "nope", t, false, false),
        Err(Error::ClusterNotFound(_))
    ));
    assert!(matches!(
        a.backtrack_cluster(R, "c", t + TimeDelta::seconds(60), false, false),
        Err(Error::InvalidParameterValue(m)) if m.contains("in the future")
    ));
    a.create_cluster(
        R,
        NewCluster {
            backtrack_window: None,
            ..new_cluster("plain")
        },
    )
    .unwrap();
    wait(Duration::from_secs(1)).await;
    assert!(matches!(
        a.backtrack_cluster(R, "plain", t, false, false),
        Err(Error::InvalidClusterState(_))
    ));

    // Binary logging on: refused unless forced.
    a.create_parameter_group(R, "binlog", "aurora-mysql8.0", "binlog on", &[])
        .unwrap();
    let row = ParameterChange {
        name: "binlog_format".into(),
        value: Some("ROW".into()),
        apply_method: None,
    };
    a.modify_parameter_group(R, "binlog", &[row]).unwrap();
    a.modify_cluster(
        R,
        "c",
        ClusterChanges {
            parameter_group: Some("binlog".into()),
            ..Default::default()
        },
    )
    .unwrap();
    wait(Duration::from_secs(1)).await;
    let e = a.backtrack_cluster(R, "c", t, false, false).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidClusterState(m) if m.contains("binlog_format=ROW")),
        "{e:?}"
    );
    a.backtrack_cluster(R, "c", t, true, false).unwrap();
    // A second one while the first runs.
    assert!(matches!(
        a.backtrack_cluster(R, "c", t, true, false),
        Err(Error::InvalidClusterState(_))
    ));
}

/// Real threads on a real clock: the check and the state change must be one atomic step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_one_of_concurrent_requests_is_accepted() {
    let (a, _) = service_with(Arc::new(MemoryStore::new()), Pace::Fast, None);
    a.create_cluster(R, new_cluster("c")).unwrap();
    for _ in 0..50 {
        if cluster(&a, "c").cluster.status == ClusterStatus::Available {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let t = now(&a);
    let barrier = Arc::new(std::sync::Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (a, barrier) = (a.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                a.backtrack_cluster(R, "c", t, false, false)
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(results
        .iter()
        .filter(|r| r.is_err())
        .all(|r| matches!(r, Err(Error::InvalidClusterState(_)))));
}

#[tokio::test(start_paused = true)]
async fn an_injected_fault_fails_the_backtrack_and_keeps_the_data() {
    let a = ready(Pace::Fast, None).await;
    let t = now(&a);
    wait(Duration::from_secs(1)).await;
    write(&a, "k", Some("new"));
    a.fail_next_backtrack(R, "c").unwrap();
    let b = backtrack(&a, t).await;
    assert_eq!(b.status, BacktrackStatus::Failed);
    assert_eq!(read(&a, "k").as_deref(), Some("new"));
    assert_eq!(cluster(&a, "c").cluster.status, ClusterStatus::Available);
    assert_eq!(
        backtrack(&a, t).await.status,
        BacktrackStatus::Completed,
        "the fault fires once"
    );
    assert_eq!(read(&a, "k"), None);
}

#[tokio::test(start_paused = true)]
async fn a_restart_while_applying_finishes_the_backtrack() {
    let dir = tempfile::tempdir().unwrap();
    let (noted, killed_at);
    {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
        let (a, driver) = service_with(store, Pace::Realistic, None);
        a.create_cluster(R, new_cluster("c")).unwrap();
        a.create_instance(R, new_instance("w", "c")).unwrap();
        wait(Duration::from_secs(600)).await;
        write(&a, "k", Some("before"));
        wait(Duration::from_secs(5)).await;
        noted = now(&a);
        wait(Duration::from_secs(5)).await;
        write(&a, "k", Some("after"));
        a.backtrack_cluster(R, "c", noted, false, false).unwrap();
        wait(Duration::from_secs(20)).await;
        let b = a
            .describe_backtracks(R, "c", None, &[], &Paging::default())
            .unwrap()
            .items
            .remove(0);
        assert_eq!(b.status, BacktrackStatus::Applying);
        killed_at = now(&a);
        driver.abort(); // kill -9: nothing is shut down cleanly
        let _ = driver.await;
    }
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
    let (a, _driver) = service_at(store, Pace::Realistic, None, killed_at);
    assert_eq!(cluster(&a, "c").cluster.status, ClusterStatus::Backtracking);
    assert_eq!(
        read(&a, "k").as_deref(),
        Some("after"),
        "not half-applied: not applied yet"
    );
    wait(Duration::from_secs(120)).await;
    let b = a
        .describe_backtracks(R, "c", None, &[], &Paging::default())
        .unwrap()
        .items
        .remove(0);
    assert_eq!(b.status, BacktrackStatus::Completed);
    assert_eq!(read(&a, "k").as_deref(), Some("before"));
    assert_eq!(cluster(&a, "c").cluster.status, ClusterStatus::Available);
}

#[tokio::test(start_paused = true)]
async fn one_clock_jump_carries_a_backtrack_through_every_step() {
    let a = ready(Pace::Realistic, None).await;
    let t = now(&a);
    wait(Duration::from_secs(1)).await;
    write(&a, "k", Some("later"));
    let bt = a.backtrack_cluster(R, "c", t, false, false).unwrap();
    a.advance_clock(Duration::from_secs(120)).unwrap();
    wait(Duration::from_millis(10)).await;
    let b = a
        .describe_backtracks(R, "c", None, &[], &Paging::default())
        .unwrap()
        .items
        .remove(0);
    assert_eq!(b.status, BacktrackStatus::Completed);
    assert_eq!(
        b.backtracked_from,
        Some(bt.requested_at + TimeDelta::seconds(15)),
        "APPLYING began when PENDING was due"
    );
    assert_eq!(read(&a, "k"), None);
}

/// A commit racing BacktrackDBCluster is either refused or durable before the backtrack is
/// accepted: none lands between the acceptance and the landing, so none acknowledged is undone
/// by a backtrack to the time of the request.
#[tokio::test(start_paused = true)]
async fn a_commit_racing_a_backtrack_is_refused_or_lands_before_it() {
    let a = ready(Pace::Fast, None).await;
    for round in 0..100 {
        let committed = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let writer = {
            let (a, committed) = (a.clone(), committed.clone());
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for i in 0..1_000_000u64 {
                    let key = format!("r{round}-{i}");
                    let mut txn = Transaction::new();
                    txn.put(key.as_bytes(), b"v".as_slice());
                    match a.commit(R, "c", txn) {
                        Ok(point) => acknowledged.push((key, point.expect("a write").lsn)),
                        Err(_) => break,
                    }
                    committed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                acknowledged
            })
        };
        // The backtrack is requested while the writer is committing: after its first commits
        // (on a loaded machine a fixed sleep may pass before the writer thread runs at all).
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while committed.load(std::sync::atomic::Ordering::SeqCst) < 3 {
            assert!(
                std::time::Instant::now() < deadline,
                "round {round}: the writer never committed"
            );
            std::thread::yield_now();
        }
        let to = now(&a);
        a.backtrack_cluster(R, "c", to, false, false).unwrap();
        let head_at_answer = a.volume(R, "c").unwrap().stats().head_lsn;
        let acknowledged = writer.join().unwrap();
        assert!(!acknowledged.is_empty(), "round {round}: no commit raced");
        for (key, lsn) in &acknowledged {
            assert!(
                *lsn <= head_at_answer,
                "round {round}: {key} (LSN {lsn}) was committed after the backtrack was accepted (head {head_at_answer})"
            );
        }
        for _ in 0..100 {
            if cluster(&a, "c").cluster.status == ClusterStatus::Available {
                break;
            }
            wait(Duration::from_secs(1)).await;
        }
        assert_eq!(cluster(&a, "c").cluster.status, ClusterStatus::Available);
        for (key, _) in &acknowledged {
            assert_eq!(
                read(&a, key).as_deref(),
                Some("v"),
                "round {round}: {key} was undone"
            );
        }
    }
}
