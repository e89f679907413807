//! Full-copy cost: a snapshot (copy of the head at a time into an empty volume) and a restore
//! (copy of that snapshot into another), against N rows in the volume, on sled in a temp dir.
//!
//! Prints a markdown table. The claim under test: a full copy is at most linear in the data
//! (time per row at N=10^6 no more than 1.5x that at N=10^4); while it runs, 1% of the rows
//! change, and the copy still holds exactly the state at its target (checked, not timed).
//! Copy-on-write clones, whose cost should not grow with N at all, are not measured here:
//! they still copy (see the README).
//!
//! Run with `cargo bench -p volume --bench copy`; `BENCH_QUICK=1` uses smaller sizes.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use store::{SledStore, Store};
use volume::{Transaction, Volume};

const LOAD_BATCH: u64 = 50_000;

fn row_key(n: u64) -> Vec<u8> {
    format!("t/users/{n:010}").into_bytes()
}

fn row(n: u64, balance: u64) -> Vec<u8> {
    format!("{{\"id\":{n},\"name\":\"user {n}\",\"balance\":{balance}}}").into_bytes()
}

/// (snapshot seconds, restore seconds) for `rows` rows.
fn run(rows: u64) -> (f64, f64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).expect("sled"));
    let source = Volume::open(store.clone(), "volume/source").expect("volume");
    let mut now: DateTime<Utc> = Utc.timestamp_opt(1_800_000_000, 0).unwrap();
    let mut tick = || {
        now += TimeDelta::milliseconds(1);
        now
    };
    let mut loaded = 0;
    while loaded < rows {
        let mut txn = Transaction::new();
        for n in loaded..(loaded + LOAD_BATCH).min(rows) {
            txn.put(row_key(n), row(n, 100));
        }
        loaded = (loaded + LOAD_BATCH).min(rows);
        source.commit(txn, tick()).expect("load");
    }
    let target = tick();
    // 1% of the rows change after the target: the copy must undo them from the log.
    let mut txn = Transaction::new();
    for n in (0..rows).step_by(100) {
        txn.put(row_key(n), row(n, 200));
    }
    source.commit(txn, tick()).expect("changes");

    let snapshot = Volume::open(store.clone(), "snapshot/bench").expect("volume");
    let started = Instant::now();
    source.copy_into(target, &snapshot).expect("snapshot");
    let snapshot_s = started.elapsed().as_secs_f64();
    let restored = Volume::open(store, "volume/restored").expect("volume");
    let started = Instant::now();
    snapshot.copy_into(tick(), &restored).expect("restore");
    let restore_s = started.elapsed().as_secs_f64();
    for n in [0, rows / 2, rows - 1] {
        // Every row holds its value at the target, changed after it or not.
        assert_eq!(
            restored.get(&row_key(n)).expect("read"),
            Some(row(n, 100)),
            "row {n}"
        );
    }
    (snapshot_s, restore_s)
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let sizes: &[u64] = if quick {
        &[1_000, 100_000]
    } else {
        &[10_000, 1_000_000]
    };
    println!("| N rows | snapshot (copy at a time, 1% changed since) | restore (copy of the snapshot) | snapshot us/row |");
    println!("|---:|---:|---:|---:|");
    let mut per_row = Vec::new();
    for &rows in sizes {
        let (snap, restore) = run(rows);
        per_row.push(snap / rows as f64);
        println!(
            "| {rows} | {:.1} ms | {:.1} ms | {:.2} |",
            snap * 1e3,
            restore * 1e3,
            snap / rows as f64 * 1e6
        );
    }
    println!();
    println!(
        "time per row, largest / smallest: {:.2} (linear at most: <= 1.5)",
        per_row[per_row.len() - 1] / per_row[0]
    );
}
