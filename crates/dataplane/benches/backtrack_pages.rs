//! Backtrack cost over the data plane's storage: SQL rows in SQLite pages in a sled volume.
//!
//! The claim under test (issue: "backtrack stays flat in data size"): with K rows changed since
//! the target, backtracking takes about the same time whether the table holds 10^4 or 10^6 rows
//! (target: at most 1.5x), because a backtrack restores the page images changed since the
//! target, never the table. And a 100,000-row DELETE is rewound in under 1 s.
//!
//! Each case loads N rows of `(id INTEGER PRIMARY KEY, name TEXT, balance INTEGER)` through a
//! real page space over a real volume on sled in a temp dir, then runs rounds of: note the
//! time, UPDATE K rows (in commits of 100), backtrack the volume to the noted time, check the
//! table's checksum is back. A case reports the median round.
//!
//! So that only the data size differs, both sizes update the same K rows (every 10th id of the
//! first 10^4). A second pair spreads the K rows over the whole key space (about one row per
//! page): it shows the cost follows the pages changed (which the first 10^4 rows pack
//! into a few dozen), not the rows stored.
//!
//! Run with `cargo bench -p dataplane --bench backtrack_pages`; `BENCH_QUICK=1` uses 10^5 rows
//! for the large size.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use pagevfs::{PageConnection, PageSpace, PageStore, SpaceConfig, StoreWrite};
use store::{SledStore, Store};
use volume::{Transaction, Volume};

const ROUNDS: usize = 7;
const LOAD_BATCH: i64 = 50_000;
const CHANGE_BATCH: i64 = 100;

/// A volume as a page store, on a clock that moves 1 ms per commit.
struct VolumePages {
    volume: Volume,
    now: Mutex<DateTime<Utc>>,
}

impl VolumePages {
    fn tick(&self) -> DateTime<Utc> {
        let mut now = self.now.lock().unwrap();
        *now += TimeDelta::milliseconds(1);
        *now
    }
}

impl PageStore for VolumePages {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        self.volume.get(key).map_err(|e| e.to_string())
    }

    fn commit(&self, writes: Vec<StoreWrite>) -> Result<(), String> {
        let mut txn = Transaction::new();
        for (key, value) in writes {
            match value {
                Some(v) => txn.put(key, v),
                None => txn.delete(key),
            }
        }
        let at = self.tick();
        self.volume
            .commit(txn, at)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn generation(&self) -> u64 {
        self.volume.generation()
    }
}

/// A table of `rows` rows on a fresh volume.
fn loaded(rows: i64) -> (tempfile::TempDir, Arc<VolumePages>, Arc<PageSpace>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn Store> = Arc::new(SledStore::open(dir.path()).expect("sled"));
    let pages = Arc::new(VolumePages {
        volume: Volume::open(store, "volume/bench").expect("volume"),
        now: Mutex::new(Utc.timestamp_opt(1_800_000_000, 0).unwrap()),
    });
    let space = PageSpace::new(pages.clone(), SpaceConfig::default());
    let mut conn = space.connect().expect("connect");
    conn.execute_batch(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance INTEGER NOT NULL)",
    )
    .expect("create");
    let mut done = 0;
    while done < rows {
        let tx = conn.transaction().expect("begin");
        {
            let mut insert = tx
                .prepare("INSERT INTO users VALUES (?1, ?2, 100)")
                .expect("prepare");
            for id in done..(done + LOAD_BATCH).min(rows) {
                insert
                    .execute(rusqlite::params![id, format!("user {id}")])
                    .expect("insert");
            }
        }
        tx.commit().expect("load");
        done = (done + LOAD_BATCH).min(rows);
    }
    (dir, pages, space)
}

fn checksum(conn: &PageConnection) -> (i64, i64) {
    conn.query_row("SELECT count(*), total(balance) FROM users", [], |r| {
        Ok((r.get(0)?, r.get::<_, f64>(1)? as i64))
    })
    .expect("checksum")
}

/// Backtracks to `target`, timed; the table must read as `expected` afterwards.
fn backtrack(
    pages: &VolumePages,
    space: &Arc<PageSpace>,
    id: &str,
    target: DateTime<Utc>,
    expected: (i64, i64),
) -> f64 {
    let started = Instant::now();
    pages
        .volume
        .backtrack_to(id, target, pages.tick())
        .expect("backtrack");
    let secs = started.elapsed().as_secs_f64();
    let conn = space.connect().expect("connect after backtrack");
    assert_eq!(checksum(&conn), expected, "the table is back as it was");
    secs
}

/// Median backtrack time of K updated rows, `stride` ids apart, over N rows.
fn updates(rows: i64, changes: i64, stride: i64) -> f64 {
    let (_dir, pages, space) = loaded(rows);
    let mut times = Vec::new();
    for round in 0..ROUNDS {
        let mut conn = space.connect().expect("connect");
        let before = checksum(&conn);
        let target = pages.tick();
        pages.tick();
        let mut done = 0;
        while done < changes {
            let tx = conn.transaction().expect("begin");
            for i in done..(done + CHANGE_BATCH).min(changes) {
                tx.execute(
                    "UPDATE users SET balance = balance + 1 WHERE id = ?1",
                    [i * stride],
                )
                .expect("update");
            }
            tx.commit().expect("change");
            done = (done + CHANGE_BATCH).min(changes);
        }
        assert_ne!(checksum(&conn), before);
        drop(conn);
        times.push(backtrack(
            &pages,
            &space,
            &format!("u{round}"),
            target,
            before,
        ));
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Backtrack time of one DELETE of every row.
fn delete_all(rows: i64) -> f64 {
    let (_dir, pages, space) = loaded(rows);
    let conn = space.connect().expect("connect");
    let before = checksum(&conn);
    let target = pages.tick();
    pages.tick();
    conn.execute("DELETE FROM users", []).expect("delete");
    assert_eq!(checksum(&conn).0, 0);
    drop(conn);
    backtrack(&pages, &space, "delete", target, before)
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let (small, large) = if quick {
        (10_000, 100_000)
    } else {
        (10_000, 1_000_000)
    };
    let k = 1_000;
    let cases = [
        ("the same rows", small, small / k),
        ("the same rows", large, small / k),
        ("spread over the key space", 100_000, 100_000 / k),
        ("spread over the key space", large, large / k),
    ];
    println!("| K rows updated since target | which rows | N rows | backtrack time (median of {ROUNDS}) |");
    println!("|---:|---|---:|---:|");
    let mut times = Vec::new();
    for (which, n, stride) in cases {
        let secs = updates(n, k, stride);
        println!("| {k} | {which} | {n} | {:.1} ms |", secs * 1000.0);
        times.push(secs);
    }
    println!();
    let ratio = times[1] / times[0];
    let verdict = if ratio <= 1.5 { "PASS" } else { "MISS" };
    println!("K={k}, the same rows: time(N={large}) / time(N={small}) = {ratio:.2} (target <= 1.5: {verdict})");
    println!(
        "K={k}, spread: time(N={large}) / time(N=100000) = {:.2}",
        times[3] / times[2]
    );
    let secs = delete_all(100_000);
    let verdict = if secs < 1.0 { "PASS" } else { "MISS" };
    println!(
        "backtrack of a 100,000-row DELETE: {:.1} ms (target < 1 s: {verdict})",
        secs * 1000.0
    );
}
