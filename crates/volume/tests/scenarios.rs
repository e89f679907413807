//! Named scenarios of the volume: the ones the property test finds by chance, spelled out.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use store::{MemoryStore, SledStore, Store};
use volume::{Error, Retention, Transaction, Volume};

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + secs, 0).unwrap()
}

fn put(v: &Volume, key: &str, value: &str, at: i64) {
    let mut txn = Transaction::new();
    txn.put(key.as_bytes(), value.as_bytes());
    v.commit(txn, t(at)).unwrap();
}

fn value(v: &Volume, key: &str) -> Option<String> {
    v.get(key.as_bytes())
        .unwrap()
        .map(|b| String::from_utf8(b).unwrap())
}

fn volume() -> Volume {
    Volume::open(Arc::new(MemoryStore::new()), "v").unwrap()
}

#[test]
fn back_then_forward_again_even_after_new_writes_on_the_new_path() {
    let v = volume();
    put(&v, "row", "a", 100);
    put(&v, "row", "b", 200);
    // Back to 150: "a".
    let landing = v.backtrack_to("bt1", t(150), t(300)).unwrap();
    assert_eq!(value(&v, "row").as_deref(), Some("a"));
    assert_eq!(
        landing.time(),
        Some(t(100)),
        "lands on the last commit at or before the target"
    );
    // New write on the new path.
    put(&v, "row", "c", 400);
    // Forward to 250: the abandoned path's "b" is still reachable.
    v.backtrack_to("bt2", t(250), t(500)).unwrap();
    assert_eq!(value(&v, "row").as_deref(), Some("b"));
    // And to 450: the state after the new write.
    v.backtrack_to("bt3", t(450), t(600)).unwrap();
    assert_eq!(value(&v, "row").as_deref(), Some("c"));
    // Before anything was written: the empty initial state.
    v.backtrack_to("bt4", t(50), t(700)).unwrap();
    assert_eq!(value(&v, "row"), None);
}

#[test]
fn a_backtrack_is_applied_once_per_id() {
    let v = volume();
    put(&v, "k", "1", 10);
    put(&v, "k", "2", 20);
    let first = v.backtrack_to("same", t(15), t(30)).unwrap();
    put(&v, "k", "3", 40);
    let again = v.backtrack_to("same", t(15), t(50)).unwrap();
    assert_eq!(first, again);
    assert_eq!(
        value(&v, "k").as_deref(),
        Some("3"),
        "a repeated id changes nothing"
    );
}

#[test]
fn cost_follows_changes_since_the_target_not_data_size() {
    for rows in [10u32, 2000] {
        let v = volume();
        let mut bulk = Transaction::new();
        for n in 0..rows {
            bulk.put(format!("row{n:06}").into_bytes(), b"x".to_vec());
        }
        v.commit(bulk, t(1)).unwrap();
        for n in 0..25u32 {
            put(
                &v,
                &format!("row{:06}", n % 5),
                &format!("v{n}"),
                10 + i64::from(n),
            );
        }
        let landing = v.backtrack_to("bt", t(5), t(100)).unwrap();
        assert_eq!(
            landing.undone, 25,
            "{rows} rows: only the records after the target are read"
        );
        assert_eq!(landing.changed_keys, 5);
        assert_eq!(value(&v, "row000003").as_deref(), Some("x"));
    }
}

#[test]
fn retention_window_and_capacity_limit_the_reach() {
    let v = volume();
    v.set_retention(Retention {
        window_seconds: 100,
        capacity: None,
    })
    .unwrap();
    put(&v, "k", "old", 0);
    put(&v, "k", "mid", 80);
    assert_eq!(v.stats().change_records, 2);
    v.fold(t(150)).unwrap();
    assert_eq!(
        v.stats().change_records,
        1,
        "the commit at 0 is older than the window"
    );
    assert_eq!(v.stats().folded_until, Some(t(0)));
    assert!(matches!(
        v.backtrack_to("x", t(-1), t(160)),
        Err(Error::BeyondRetention { .. })
    ));
    v.backtrack_to("y", t(60), t(170)).unwrap();
    assert_eq!(
        value(&v, "k").as_deref(),
        Some("old"),
        "the folded base still holds its state"
    );

    let c = volume();
    c.set_retention(Retention {
        window_seconds: 3600,
        capacity: Some(2),
    })
    .unwrap();
    for n in 0..5 {
        put(&c, "k", &n.to_string(), n);
    }
    let stats = c.stats();
    assert!(stats.change_records <= 2);
    assert_eq!(
        stats.folded_until,
        Some(t(2)),
        "capacity cut the window short"
    );
}

#[test]
fn a_backtrack_survives_reopening_and_is_not_repeated() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
        let v = Volume::open(store, "v").unwrap();
        put(&v, "k", "1", 10);
        put(&v, "k", "2", 20);
        v.backtrack_to("bt", t(15), t(30)).unwrap();
    }
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
    let v = Volume::open(store, "v").unwrap();
    assert_eq!(value(&v, "k").as_deref(), Some("1"));
    let before = v.stats();
    v.backtrack_to("bt", t(15), t(40)).unwrap();
    assert_eq!(
        v.stats(),
        before,
        "a restart that repeats the backtrack finds it done"
    );
}

fn contents(v: &Volume) -> Vec<(Vec<u8>, Vec<u8>)> {
    v.scan_prefix(b"").unwrap()
}

#[test]
fn a_copy_holds_the_state_at_its_target_and_none_of_the_history() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let v = Volume::open(store.clone(), "v").unwrap();
    v.set_checkpoint_after(700);
    for i in 0..3_000 {
        put(&v, &format!("k{i:05}"), "old", 10);
    }
    put(&v, "gone-later", "here", 20);
    let at_target = contents(&v);
    put(&v, "k00007", "new", 30);
    let mut txn = Transaction::new();
    txn.delete("gone-later".as_bytes());
    txn.put("born-later".as_bytes(), "x".as_bytes());
    v.commit(txn, t(40)).unwrap();

    let dest = Volume::open(store.clone(), "copy").unwrap();
    let point = v.copy_into(t(25), &dest).unwrap();
    assert_eq!(
        point.time,
        t(20),
        "lands on the last commit at or before the target"
    );
    assert_eq!(contents(&dest), at_target);
    assert_eq!(dest.stats().change_records, 0, "a copy has no history");
    assert_eq!(
        value(&v, "k00007").as_deref(),
        Some("new"),
        "the source is untouched"
    );
    // The copy is durable: reopened from the store it holds the same.
    drop(dest);
    assert_eq!(contents(&Volume::open(store, "copy").unwrap()), at_target);
}

#[test]
fn a_copy_racing_commits_still_holds_exactly_the_state_at_its_target() {
    let v = Arc::new(volume());
    v.set_checkpoint_after(300);
    for i in 0..2_000 {
        put(&v, &format!("k{i:05}"), "0", 10);
    }
    let at_target = contents(&v);
    let writer = {
        let v = v.clone();
        std::thread::spawn(move || {
            for round in 1..=200 {
                let mut txn = Transaction::new();
                for i in (round % 7..2_000).step_by(97) {
                    txn.put(
                        format!("k{i:05}").into_bytes(),
                        round.to_string().into_bytes(),
                    );
                }
                txn.delete(format!("k{:05}", round * 3).into_bytes());
                txn.put(format!("new{round}").into_bytes(), b"x".to_vec());
                v.commit(txn, t(20 + round)).unwrap();
            }
        })
    };
    let dest = Volume::open(Arc::new(MemoryStore::new()), "copy").unwrap();
    for _ in 0..5 {
        v.copy_into(t(15), &dest).unwrap();
        assert_eq!(contents(&dest), at_target, "a copy taken while commits run");
    }
    writer.join().unwrap();
    v.copy_into(t(15), &dest).unwrap();
    assert_eq!(contents(&dest), at_target);
}

#[test]
fn a_copy_before_retention_is_refused() {
    let v = volume();
    v.set_retention(Retention {
        window_seconds: 10,
        capacity: None,
    })
    .unwrap();
    put(&v, "k", "1", 0);
    put(&v, "k", "2", 50);
    put(&v, "k", "3", 100);
    let dest = volume();
    v.copy_into(t(55), &dest).unwrap();
    assert_eq!(
        value(&dest, "k").as_deref(),
        Some("2"),
        "the folded base is still reachable"
    );
    assert!(matches!(
        v.copy_into(t(20), &dest),
        Err(Error::BeyondRetention { .. })
    ));
}

#[test]
fn changes_since_follows_commits_folds_and_a_moving_window() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let v = Volume::open(store.clone(), "v").unwrap();
    // A fresh handle on the same tree counts with no cached answer: the reference.
    let fresh = |since: i64| {
        Volume::open(store.clone(), "v")
            .unwrap()
            .changes_since(t(since))
            .unwrap()
    };
    v.set_retention(Retention {
        window_seconds: 1_000,
        capacity: None,
    })
    .unwrap();
    let mut at = 0;
    let mut commit = |v: &Volume, keys: usize| {
        at += 10;
        let mut txn = Transaction::new();
        for k in 0..keys {
            txn.put(format!("k{k}").into_bytes(), format!("{at}").into_bytes());
        }
        v.commit(txn, t(at)).unwrap();
    };
    for _ in 0..30 {
        commit(&v, 2);
    }
    // Commits at 10..=300, two records each.
    let count_from = |since: i64| 2 * (1..=30).filter(|n| n * 10 >= since).count() as u64;
    for since in [0, 5, 100, 100, 155, 300, 301] {
        assert_eq!(
            v.changes_since(t(since)).unwrap(),
            count_from(since),
            "since {since}"
        );
    }
    // Earlier again (a larger window): counted afresh.
    assert_eq!(v.changes_since(t(50)).unwrap(), count_from(50));
    // New commits are added to a cached answer.
    commit(&v, 3);
    assert_eq!(v.changes_since(t(50)).unwrap(), count_from(50) + 3);
    // A backtrack's group counts too.
    v.backtrack_to("b", t(150), t(400)).unwrap();
    assert!(v.changes_since(t(50)).unwrap() > count_from(50) + 3);
    assert_eq!(v.changes_since(t(50)).unwrap(), fresh(50));
    // A fold past the window's start: the cached count is not trusted.
    v.fold(t(1_250)).unwrap();
    assert_eq!(v.changes_since(t(200)).unwrap(), fresh(200));
    assert!(
        fresh(200) < count_from(200) + 3,
        "the fold freed records after 200"
    );
}

/// Page-sized values make groups of many chunks: they reopen, backtrack and fold whole.
#[test]
fn large_groups_reopen_backtrack_and_fold_from_their_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let page = |n: u8| vec![n; 4096];
    let commit_pages = |v: &Volume, n: u8, at: i64| {
        let mut txn = Transaction::new();
        for p in 0..20u8 {
            txn.put(vec![b'p', p], page(n.wrapping_add(p)));
        }
        v.commit(txn, t(at)).unwrap();
    };
    {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
        let v = Volume::open(store, "v").unwrap();
        commit_pages(&v, 1, 10);
        commit_pages(&v, 2, 20);
        commit_pages(&v, 3, 30);
    }
    // Reopened: the overlay is rebuilt from the chunks, and the log read back from the store.
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
    let v = Volume::open(store.clone(), "v").unwrap();
    v.set_recent_bytes(0);
    assert_eq!(v.get(&[b'p', 5]).unwrap(), Some(page(8)));
    let landing = v.backtrack_to("bt", t(15), t(40)).unwrap();
    assert_eq!((landing.undone, landing.changed_keys), (40, 20));
    assert_eq!(v.get(&[b'p', 5]).unwrap(), Some(page(6)));
    // Folding everything deletes every chunk of every group, not only the first.
    v.set_retention(Retention {
        window_seconds: 1,
        capacity: None,
    })
    .unwrap();
    v.fold(t(100)).unwrap();
    assert_eq!(v.stats().change_records, 0);
    assert_eq!(
        store.scan_prefix("v", b"l").unwrap(),
        Vec::<(Vec<u8>, Vec<u8>)>::new()
    );
    assert_eq!(v.get(&[b'p', 5]).unwrap(), Some(page(6)));
}

/// A few keys of large commits checkpoint by bytes, long before the key limit.
#[test]
fn the_overlay_checkpoints_when_its_groups_pass_the_byte_budget() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let v = Volume::open(store.clone(), "v").unwrap();
    v.set_checkpoint_bytes(3 * 4096);
    let head_keys = || store.scan_prefix("v", b"d").unwrap().len();
    let mut txn = Transaction::new();
    txn.put(b"a".to_vec(), vec![1; 4096]);
    v.commit(txn, t(1)).unwrap();
    assert_eq!(head_keys(), 0, "one small group stays in the overlay");
    for (i, at) in [(2u8, 2), (3, 3)] {
        let mut txn = Transaction::new();
        txn.put(b"a".to_vec(), vec![i; 4096]);
        v.commit(txn, t(at)).unwrap();
    }
    assert_eq!(head_keys(), 1, "the groups passed 12 KiB: checkpointed");
    assert_eq!(v.get(b"a").unwrap(), Some(vec![3; 4096]));
    let reopened = Volume::open(store.clone(), "v").unwrap();
    assert_eq!(reopened.get(b"a").unwrap(), Some(vec![3; 4096]));
}

/// A checkpoint of more keys than one store batch takes writes them all, and they survive a
/// reopen with nothing left to replay.
#[test]
fn a_checkpoint_in_several_batches_keeps_every_key_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
        let v = Volume::open(store.clone(), "v").unwrap();
        v.set_checkpoint_after(2_000);
        let mut txn = Transaction::new();
        for i in 0..2_500u32 {
            txn.put(i.to_be_bytes().to_vec(), i.to_le_bytes().to_vec());
        }
        v.commit(txn, t(1)).unwrap();
        assert_eq!(store.scan_prefix("v", b"d").unwrap().len(), 2_500);
    }
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).unwrap());
    let v = Volume::open(store, "v").unwrap();
    assert_eq!(v.scan_prefix(b"").unwrap().len(), 2_500);
    assert_eq!(
        v.get(&2_499u32.to_be_bytes()).unwrap(),
        Some(2_499u32.to_le_bytes().to_vec())
    );
    v.backtrack_to("bt", t(0), t(2)).unwrap();
    assert_eq!(
        v.scan_prefix(b"").unwrap(),
        Vec::<(Vec<u8>, Vec<u8>)>::new()
    );
}

fn shared(store: &Arc<dyn Store>, tree: &str) -> Arc<Volume> {
    Arc::new(Volume::open(store.clone(), tree).unwrap())
}

#[test]
fn a_clone_shares_the_state_at_its_target_and_each_side_keeps_its_own_writes() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let parent = shared(&store, "p");
    parent.set_checkpoint_after(50);
    for i in 0..200 {
        put(&parent, &format!("k{i:03}"), "old", 10);
    }
    put(&parent, "k001", "target", 20);
    let at_target = contents(&parent);
    put(&parent, "k002", "after", 30);
    let mut txn = Transaction::new();
    txn.delete(b"k003".to_vec());
    parent.commit(txn, t(31)).unwrap();

    let clone = shared(&store, "c");
    clone.set_checkpoint_after(5);
    let point = parent.clone_into(t(25), &clone).unwrap();
    assert_eq!(point.time, t(20));
    assert_eq!(
        contents(&clone),
        at_target,
        "the clone holds the state at its target"
    );
    assert_eq!(clone.stats().change_records, 0);

    // Writes on either side after the clone point stay on that side.
    put(&parent, "k004", "parent", 40);
    let mut txn = Transaction::new();
    txn.delete(b"k005".to_vec());
    parent.commit(txn, t(41)).unwrap();
    put(&clone, "k006", "clone", 42);
    let mut txn = Transaction::new();
    txn.delete(b"k007".to_vec());
    clone.commit(txn, t(43)).unwrap();
    for n in 0..20 {
        put(&clone, &format!("new{n}"), "c", 44 + n);
    }
    assert_eq!(value(&clone, "k004").as_deref(), Some("old"));
    assert_eq!(value(&clone, "k005").as_deref(), Some("old"));
    assert_eq!(value(&clone, "k003").as_deref(), Some("old"));
    assert_eq!(value(&clone, "k006").as_deref(), Some("clone"));
    assert_eq!(value(&clone, "k007"), None);
    assert_eq!(value(&parent, "k006").as_deref(), Some("old"));
    assert_eq!(value(&parent, "k007").as_deref(), Some("old"));
    assert_eq!(value(&parent, "new0"), None);
    // A parent's backtrack does not move the clone either.
    parent.backtrack_to("b", t(15), t(100)).unwrap();
    assert_eq!(value(&parent, "k001").as_deref(), Some("old"));
    assert_eq!(value(&clone, "k001").as_deref(), Some("target"));

    // Storage: the clone holds its own writes and the parent's changed keys, not the data.
    let own =
        store.scan_prefix("c", b"d").unwrap().len() + store.scan_prefix("c", b"b").unwrap().len();
    assert!(own < 60, "the clone stores {own} keys of 200");

    // Reopened from the store, with the parent's one handle attached, the same answers.
    let expected = contents(&clone);
    let reopened = shared(&store, "c");
    assert_eq!(reopened.parent_tree().as_deref(), Some("p"));
    assert!(
        reopened.get(b"k100").is_err(),
        "no silent answer before the parent is attached"
    );
    reopened.attach_parent(parent.clone()).unwrap();
    assert_eq!(contents(&reopened), expected);

    // A full copy of a clone, and a clone of a clone.
    let copy = shared(&store, "copy");
    reopened.copy_into(t(1_000), &copy).unwrap();
    assert_eq!(contents(&copy), expected);
    let grandchild = shared(&store, "g");
    reopened.clone_into(t(1_000), &grandchild).unwrap();
    put(&reopened, "k010", "changed", 1_001);
    assert_eq!(contents(&grandchild), expected);

    // The parent goes: its clones inherit what they still read through it.
    parent
        .release_clones(std::slice::from_ref(&reopened))
        .unwrap();
    parent.destroy().unwrap();
    let mut expected_child = expected.clone();
    for (k, v) in expected_child.iter_mut() {
        if k == b"k010" {
            *v = b"changed".to_vec();
        }
    }
    assert_eq!(contents(&reopened), expected_child);
    assert_eq!(contents(&grandchild), expected);
    assert_eq!(reopened.parent_tree(), None);
}

/// A 4 KiB page whose version `n` differs from version 0 in a few places, as SQLite's pages do
/// from one commit to the next.
fn page(n: u8) -> Vec<u8> {
    let mut p: Vec<u8> = (0..4096u32).map(|i| (i % 253) as u8).collect();
    p[24] = n;
    for i in 0..usize::from(n) {
        p[1000 + 40 * i..1000 + 40 * i + 30].fill(n);
    }
    p
}

#[test]
fn pages_written_as_patches_come_back_from_the_store_whole() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    {
        let v = Volume::open(store.clone(), "v").unwrap();
        for n in 0..20u8 {
            let mut txn = Transaction::new();
            txn.put(b"page".to_vec(), page(n));
            v.commit(txn, t(10 * i64::from(n))).unwrap();
        }
    }
    // Reopened, the log is read back from the store, not from the groups kept in memory.
    let v = Volume::open(store.clone(), "v").unwrap();
    assert_eq!(v.get(b"page").unwrap(), Some(page(19)));
    v.backtrack_to("bt", t(55), t(300)).unwrap();
    assert_eq!(v.get(b"page").unwrap(), Some(page(5)));
    let v = Volume::open(store, "v").unwrap();
    assert_eq!(v.get(b"page").unwrap(), Some(page(5)));
    v.backtrack_to("forward", t(195), t(310)).unwrap();
    assert_eq!(v.get(b"page").unwrap(), Some(page(19)));
}

#[test]
fn a_meta_kept_under_the_old_key_is_read_and_moved() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    {
        let v = Volume::open(store.clone(), "v").unwrap();
        put(&v, "k", "1", 10);
        put(&v, "k", "2", 20);
    }
    // What a data dir written before the key moved holds.
    let meta = store.get("v", b"z").unwrap().expect("meta");
    let mut batch = store::Batch::default();
    batch.put(b"m".to_vec(), meta);
    batch.delete(b"z".to_vec());
    store.apply("v", batch).unwrap();

    let v = Volume::open(store.clone(), "v").unwrap();
    assert_eq!(value(&v, "k").as_deref(), Some("2"));
    assert_eq!(v.stats().head_lsn, 4);
    put(&v, "k", "3", 30);
    assert_eq!(store.get("v", b"m").unwrap(), None);
    let v = Volume::open(store, "v").unwrap();
    v.backtrack_to("bt", t(15), t(40)).unwrap();
    assert_eq!(value(&v, "k").as_deref(), Some("1"));
}
