//! Property tests: random transactions, rollbacks, backtracks back and forth and retention,
//! checked against a naive model that keeps a full copy of the state after every commit.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use store::{MemoryStore, SledStore, Store};
use volume::{Error, Retention, Transaction, Volume};

type State = BTreeMap<Vec<u8>, Vec<u8>>;

/// The lived history as full copies: (time, state after the commit or backtrack at that time).
#[derive(Default)]
struct Model {
    history: Vec<(i64, State)>,
    /// Times before this cannot be reached any more (newest folded commit time).
    folded_until: Option<i64>,
}

impl Model {
    fn head(&self) -> State {
        self.history
            .last()
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }
    fn at(&self, t: i64) -> State {
        self.history
            .iter()
            .rev()
            .find(|(time, _)| *time <= t)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// Write these keys (None = delete) then commit after `gap` ms, or roll back.
    Txn {
        writes: Vec<(u8, Option<u8>)>,
        gap: i64,
        commit: bool,
    },
    /// Backtrack to `back` ms before now, after `gap` ms.
    Backtrack { back: i64, gap: i64 },
    /// Let time pass and fold.
    Fold { gap: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (proptest::collection::vec((0u8..12, proptest::option::of(any::<u8>())), 1..6), 0i64..3000, proptest::bool::weighted(0.85))
            .prop_map(|(writes, gap, commit)| Op::Txn { writes, gap, commit }),
        2 => (0i64..20_000, 0i64..2000).prop_map(|(back, gap)| Op::Backtrack { back, gap }),
        1 => (0i64..8000).prop_map(|gap| Op::Fold { gap }),
    ]
}

fn t(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(1_700_000_000_000 + ms).unwrap()
}

fn head_of(v: &Volume) -> State {
    v.scan_prefix(b"").unwrap().into_iter().collect()
}

fn run(store: Arc<dyn Store>, ops: Vec<Op>, retention: Option<Retention>, checkpoint_after: usize) {
    let v = Volume::open(store.clone(), "vol").unwrap();
    v.set_checkpoint_after(checkpoint_after);
    // Half the runs read the log from the store instead of the cache of its tail.
    v.set_recent_bytes(if checkpoint_after.is_multiple_of(2) {
        0
    } else {
        1 << 20
    });
    if let Some(r) = retention {
        v.set_retention(r).unwrap();
    }
    let mut model = Model::default();
    let mut now = 0i64;
    for (n, op) in ops.into_iter().enumerate() {
        match op {
            Op::Txn {
                writes,
                gap,
                commit,
            } => {
                now += gap;
                let mut txn = Transaction::new();
                let mut state = model.head();
                for (k, val) in writes {
                    match val {
                        Some(x) => {
                            txn.put(vec![k], vec![x]);
                            state.insert(vec![k], vec![x]);
                        }
                        None => {
                            txn.delete(vec![k]);
                            state.remove(&vec![k]);
                        }
                    }
                }
                // Uncommitted work is never visible.
                assert_eq!(
                    head_of(&v),
                    model.head(),
                    "op {n}: uncommitted writes leaked"
                );
                if commit {
                    let point = v.commit(txn, t(now)).unwrap();
                    if state != model.head() {
                        assert!(point.is_some());
                        model.history.push((now, state));
                    }
                }
            }
            Op::Backtrack { back, gap } => {
                now += gap;
                let target = now - back;
                let result = v.backtrack_to(&format!("bt-{n}"), t(target), t(now));
                match model.folded_until {
                    Some(f) if target < f => {
                        assert!(
                            matches!(result, Err(Error::BeyondRetention { .. })),
                            "op {n}: {result:?}"
                        );
                    }
                    _ => {
                        let landing = result.unwrap();
                        let expected = model.at(target);
                        if let Some(time) = landing.time_ms {
                            assert!(
                                time - 1_700_000_000_000 <= target,
                                "landed after the target"
                            );
                        }
                        if expected != model.head() {
                            model.history.push((now, expected));
                        }
                    }
                }
            }
            Op::Fold { gap } => {
                now += gap;
                v.fold(t(now)).unwrap();
            }
        }
        assert_eq!(
            head_of(&v),
            model.head(),
            "op {n}: head differs from the model"
        );
        // Mirror what the volume folded: it must never have freed anything still in reach.
        let stats = v.stats();
        if let Some(f) = stats.folded_until {
            let f = (f - TimeDelta::milliseconds(1_700_000_000_000)).timestamp_millis();
            model.folded_until = Some(f);
            if let Some(r) = retention {
                let by_window = f < now - r.window_seconds * 1000;
                assert!(
                    by_window || r.capacity.is_some(),
                    "op {n}: folded inside the window without a capacity"
                );
            }
        }
        if let Some(c) = retention.and_then(|r| r.capacity) {
            let head_group_only =
                stats.oldest_retained == model.history.last().map(|(t0, _)| t(*t0));
            assert!(
                stats.change_records <= c || head_group_only,
                "op {n}: capacity exceeded"
            );
        }
    }
    // Reopening yields the same head and the same reach.
    drop(v);
    let reopened = Volume::open(store, "vol").unwrap();
    assert_eq!(head_of(&reopened), model.head());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn matches_the_model_without_retention(ops in proptest::collection::vec(op(), 1..60), every in 1usize..10) {
        run(Arc::new(MemoryStore::new()), ops, None, every);
    }

    #[test]
    fn matches_the_model_with_a_window(ops in proptest::collection::vec(op(), 1..60), every in 1usize..10) {
        run(Arc::new(MemoryStore::new()), ops, Some(Retention { window_seconds: 10, capacity: None }), every);
    }

    #[test]
    fn matches_the_model_with_a_capacity(ops in proptest::collection::vec(op(), 1..60), every in 1usize..10) {
        run(Arc::new(MemoryStore::new()), ops, Some(Retention { window_seconds: 3600, capacity: Some(12) }), every);
    }

    #[test]
    fn matches_the_model_with_the_default_overlay(ops in proptest::collection::vec(op(), 1..60)) {
        run(Arc::new(MemoryStore::new()), ops, Some(Retention { window_seconds: 10, capacity: None }), 65_536);
    }
}

#[test]
fn sled_backed_volume_matches_the_model_too() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
    let ops = (0..40)
        .map(|n| match n % 5 {
            3 => Op::Backtrack {
                back: 2500 + n * 13,
                gap: 100,
            },
            4 => Op::Fold { gap: 500 },
            _ => Op::Txn {
                writes: vec![((n % 7) as u8, Some(n as u8)), (((n + 3) % 9) as u8, None)],
                gap: 700,
                commit: n % 11 != 0,
            },
        })
        .collect();
    run(
        store,
        ops,
        Some(Retention {
            window_seconds: 8,
            capacity: Some(20),
        }),
        4,
    );
}
