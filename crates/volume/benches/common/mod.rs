//! What the volume's benches share: the rows they load and the clock their commits use.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use volume::{Transaction, Volume};

/// Rows are loaded in commits of this many.
const LOAD_BATCH: u64 = 50_000;

/// The key of row `n`.
pub fn row_key(n: u64) -> Vec<u8> {
    format!("t/users/{n:010}").into_bytes()
}

/// Row `n` with a balance.
pub fn row(n: u64, balance: u64) -> Vec<u8> {
    format!("{{\"id\":{n},\"name\":\"user {n}\",\"balance\":{balance}}}").into_bytes()
}

/// Commit times one millisecond apart, so every commit has a time of its own.
pub struct Ticks(DateTime<Utc>);

impl Ticks {
    /// Starts at a fixed time.
    pub fn new() -> Self {
        Ticks(Utc.timestamp_opt(1_800_000_000, 0).unwrap())
    }

    /// The next commit time.
    pub fn tick(&mut self) -> DateTime<Utc> {
        self.0 += TimeDelta::milliseconds(1);
        self.0
    }
}

/// Loads rows `0..rows` (balance 100) into `volume`.
pub fn load(volume: &Volume, rows: u64, ticks: &mut Ticks) {
    let mut loaded = 0;
    while loaded < rows {
        let mut txn = Transaction::new();
        for n in loaded..(loaded + LOAD_BATCH).min(rows) {
            txn.put(row_key(n), row(n, 100));
        }
        loaded = (loaded + LOAD_BATCH).min(rows);
        volume.commit(txn, ticks.tick()).expect("load");
    }
}
