//! Backtrack cost: K changes since the target, N rows in the volume, on sled in a temp dir.
//!
//! Prints a markdown table. The claims under test: for a fixed K the time barely moves with N
//! (target: N=10^6 at most 1.5x N=10^4), and at least 10^5 change records are undone per second.
//!
//! So that only the data size differs between N=10^4 and N=10^6, both run the same change set:
//! K single-row updates cycling over the same D = min(K, 10^4) rows, spread evenly over the key
//! space. Each case runs 11 rounds (write K changes, backtrack to just before them), and the
//! whole set of cases runs twice in the same order; a case reports the median of its 22 rounds.
//! The median damps the fsync jitter of this machine's disk, and the second pass evens out
//! what the first case of a process pays for a cold heap.
//!
//! Run with `cargo bench -p volume --bench backtrack`; `BENCH_QUICK=1` uses smaller sizes.

use std::sync::Arc;
use std::time::Instant;

use store::{SledStore, Store};
use volume::{Transaction, Volume};

mod common;
use common::{load, row, row_key, Ticks};

/// Changes are written in commits of this many.
const CHANGE_BATCH: u64 = 1_000;
/// Distinct rows the changes touch, at most.
const DISTINCT: u64 = 10_000;
const ROUNDS: usize = 11;
/// Pause after loading, so background work of the store does not land in the timings.
const SETTLE_SECONDS: u64 = 5;

/// Loads `rows`, then runs the rounds; returns each round's backtrack time in seconds.
fn run(rows: u64, changes: u64) -> Vec<f64> {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).expect("sled"));
    let volume = Volume::open(store, "volume/bench").expect("volume");
    // The load goes straight into the head tree, so both sizes start with an empty overlay.
    volume.set_checkpoint_after(1);
    let mut ticks = Ticks::new();
    load(&volume, rows, &mut ticks);
    let mut tick = || ticks.tick();
    volume.set_checkpoint_after(1 << 20);
    // Let sled's background threads finish with the load before anything is timed.
    std::thread::sleep(std::time::Duration::from_secs(SETTLE_SECONDS));
    let distinct = changes.min(DISTINCT).min(rows);
    let stride = rows / distinct;
    let mut times = Vec::new();
    let mut serial = 1_000_000;
    for round in 0..ROUNDS {
        let target = tick();
        tick();
        let mut done = 0;
        while done < changes {
            let mut txn = Transaction::new();
            for i in done..(done + CHANGE_BATCH).min(changes) {
                serial += 1;
                txn.put(row_key((i % distinct) * stride), row(i, serial));
            }
            done = (done + CHANGE_BATCH).min(changes);
            volume.commit(txn, tick()).expect("change");
        }
        let started = Instant::now();
        let landing = volume
            .backtrack_to(&format!("bench-{round}"), target, tick())
            .expect("backtrack");
        times.push(started.elapsed().as_secs_f64());
        assert_eq!(
            landing.undone, changes,
            "every change since the target is undone"
        );
        assert_eq!(landing.changed_keys, distinct);
    }
    times
}

/// Passes over the whole set of cases.
const PASSES: usize = 2;

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let (ks, ns): (&[u64], &[u64]) = if quick {
        (&[1_000, 10_000], &[10_000, 100_000])
    } else {
        (&[1_000, 100_000], &[10_000, 1_000_000])
    };
    let mut rounds: Vec<((u64, u64), Vec<f64>)> = ks
        .iter()
        .flat_map(|&k| ns.iter().map(move |&n| ((k, n), Vec::new())))
        .collect();
    for _ in 0..PASSES {
        for ((k, n), times) in &mut rounds {
            times.extend(run(*n, *k));
        }
    }
    let total = PASSES * ROUNDS;
    println!("| K changes since target | N rows | backtrack time (median of {total}) | change records undone/s |");
    println!("|---:|---:|---:|---:|");
    let mut results = Vec::new();
    for ((k, n), mut times) in rounds {
        times.sort_by(f64::total_cmp);
        let secs = times[times.len() / 2];
        println!(
            "| {k} | {n} | {:.1} ms | {:.0} |",
            secs * 1000.0,
            k as f64 / secs
        );
        results.push((k, n, secs));
    }
    println!();
    for &k in ks {
        let time = |n: u64| {
            results
                .iter()
                .find(|r| r.0 == k && r.1 == n)
                .map_or(f64::NAN, |r| r.2)
        };
        let ratio = time(ns[1]) / time(ns[0]);
        let verdict = if ratio <= 1.5 { "PASS" } else { "MISS" };
        println!(
            "K={k}: time(N={}) / time(N={}) = {ratio:.2} (target <= 1.5: {verdict})",
            ns[1], ns[0]
        );
    }
    let k = ks[ks.len() - 1];
    let slowest = results
        .iter()
        .filter(|r| r.0 == k)
        .map(|r| r.0 as f64 / r.2)
        .fold(f64::INFINITY, f64::min);
    let verdict = if slowest >= 100_000.0 { "PASS" } else { "MISS" };
    println!(
        "slowest rate at K={k}: {slowest:.0} change records undone/s (target >= 100000: {verdict})"
    );
}
