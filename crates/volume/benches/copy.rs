//! Full-copy cost: a snapshot (copy of the head at a time into an empty volume) and a restore
//! (copy of that snapshot into another), against N rows in the volume, on sled in a temp dir.
//!
//! Prints a markdown table. The claim under test: a full copy is at most linear in the data
//! (time per row at N=10^6 no more than 1.5x that at N=10^4); while it runs, 1% of the rows
//! change, and the copy still holds exactly the state at its target (checked, not timed).
//! A copy-on-write clone at the latest time should cost the same at any N (target: ratio at
//! most 1.5), store nothing at first, and then one key per key written on either side.
//!
//! Run with `cargo bench -p volume --bench copy`; `BENCH_QUICK=1` uses smaller sizes.

use std::sync::Arc;
use std::time::Instant;

use store::{SledStore, Store};
use volume::{Transaction, Volume};

mod common;
use common::{load, row, row_key, Ticks};

/// What one size measured.
struct Figures {
    snapshot_s: f64,
    restore_s: f64,
    clone_s: f64,
    /// Keys the clone stores right after it is made.
    clone_keys: usize,
    /// Keys the clone stores after 1% of the rows changed on each side.
    clone_keys_after: usize,
}

fn run(rows: u64) -> Figures {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).expect("sled"));
    let source = Arc::new(Volume::open(store.clone(), "volume/source").expect("volume"));
    let mut ticks = Ticks::new();
    load(&source, rows, &mut ticks);
    let mut tick = || ticks.tick();
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
    let restored = Volume::open(store.clone(), "volume/restored").expect("volume");
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

    let clone = Arc::new(Volume::open(store.clone(), "volume/clone").expect("volume"));
    let started = Instant::now();
    // At the latest time, as `--use-latest-restorable-time` does.
    source.clone_into(tick(), &clone).expect("clone");
    let clone_s = started.elapsed().as_secs_f64();
    let stored = |store: &Arc<dyn Store>| {
        ["d", "b", "x"]
            .iter()
            .map(|p| {
                store
                    .scan_prefix("volume/clone", p.as_bytes())
                    .expect("scan")
                    .len()
            })
            .sum::<usize>()
    };
    let clone_keys = stored(&store);
    let mut on_source = Transaction::new();
    let mut on_clone = Transaction::new();
    for n in (50..rows).step_by(100) {
        on_source.put(row_key(n), row(n, 300));
        on_clone.put(row_key(n + 1), row(n + 1, 400));
    }
    source.commit(on_source, tick()).expect("source writes");
    clone.commit(on_clone, tick()).expect("clone writes");
    clone.set_checkpoint_after(1);
    let mut last = Transaction::new();
    last.put(b"checkpoint".to_vec(), b"now".to_vec());
    clone.commit(last, tick()).expect("checkpoint");
    assert_eq!(clone.get(&row_key(0)).expect("read"), Some(row(0, 200)));
    assert_eq!(clone.get(&row_key(50)).expect("read"), Some(row(50, 100)));
    assert_eq!(clone.get(&row_key(51)).expect("read"), Some(row(51, 400)));
    Figures {
        snapshot_s,
        restore_s,
        clone_s,
        clone_keys,
        clone_keys_after: stored(&store),
    }
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let sizes: &[u64] = if quick {
        &[1_000, 100_000]
    } else {
        &[10_000, 1_000_000]
    };
    println!("| N rows | snapshot (copy at a time, 1% changed since) | restore (copy of the snapshot) | snapshot us/row | copy-on-write clone | keys a clone stores: new / after 1% writes on each side |");
    println!("|---:|---:|---:|---:|---:|---:|");
    let mut per_row = Vec::new();
    let mut clone_times = Vec::new();
    for &rows in sizes {
        let f = run(rows);
        per_row.push(f.snapshot_s / rows as f64);
        clone_times.push(f.clone_s);
        println!(
            "| {rows} | {:.1} ms | {:.1} ms | {:.2} | {:.1} ms | {} / {} |",
            f.snapshot_s * 1e3,
            f.restore_s * 1e3,
            f.snapshot_s / rows as f64 * 1e6,
            f.clone_s * 1e3,
            f.clone_keys,
            f.clone_keys_after
        );
    }
    println!();
    println!(
        "full copy, time per row, largest / smallest: {:.2} (linear at most: <= 1.5)",
        per_row[per_row.len() - 1] / per_row[0]
    );
    println!(
        "clone time, largest / smallest: {:.2} (flat in the data size: <= 1.5)",
        clone_times[clone_times.len() - 1] / clone_times[0]
    );
}
