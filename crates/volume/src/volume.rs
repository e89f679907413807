//! The volume itself: commits, backtracks, retention, and the meta that ties them together.
//!
//! Writers (commit, backtrack, fold) are serialized by one mutex over the meta; each writes one
//! atomic store batch that carries the head-state changes, the log records, the index entry and
//! the new meta together, so a crash leaves either all of it or none. Readers go straight to the
//! store's head state.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use store::{Batch, Store};

use crate::codec::{self, Change, Group};

/// A volume failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The store failed underneath; nothing was changed.
    Store(String),
    /// The target time lies before the oldest state the volume still holds.
    BeyondRetention {
        /// The earliest time that can still be reached.
        earliest: DateTime<Utc>,
    },
    /// The volume's bytes are not what it wrote.
    Corrupt(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Store(e) => write!(f, "volume store: {e}"),
            Error::BeyondRetention { earliest } => {
                write!(
                    f,
                    "the target time is before the earliest retained time {earliest}"
                )
            }
            Error::Corrupt(e) => write!(f, "volume corrupt: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<store::StoreError> for Error {
    fn from(e: store::StoreError) -> Self {
        Error::Store(e.0)
    }
}

/// Results of volume operations.
pub type Result<T> = std::result::Result<T, Error>;

/// Work in progress: buffered writes, invisible to everyone else until committed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Transaction {
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl Transaction {
    /// An empty transaction.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value` when committed.
    pub fn put(&mut self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.writes.insert(key.into(), Some(value.into()));
    }

    /// Removes `key` when committed.
    pub fn delete(&mut self, key: impl Into<Vec<u8>>) {
        self.writes.insert(key.into(), None);
    }

    /// This transaction's own pending write of `key`: `Some(None)` is a pending delete.
    pub fn pending(&self, key: &[u8]) -> Option<Option<&[u8]>> {
        self.writes.get(key).map(|v| v.as_deref())
    }

    /// The pending writes, in key order.
    pub fn writes(&self) -> impl Iterator<Item = (&[u8], Option<&[u8]>)> {
        self.writes
            .iter()
            .map(|(k, v)| (k.as_slice(), v.as_deref()))
    }

    /// True when committing would change nothing.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }
}

/// A consistent point in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitPoint {
    /// LSN of the commit record.
    pub lsn: u64,
    /// Commit time.
    pub time: DateTime<Utc>,
}

/// Where a backtrack landed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Landing {
    /// The commit LSN whose state the head now holds (0: the empty initial state).
    pub lsn: u64,
    /// That commit's time; `None` for the initial state or a folded base of unknown time.
    pub time_ms: Option<i64>,
    /// Change records read and undone to get there.
    pub undone: u64,
    /// Keys whose value the backtrack changed.
    pub changed_keys: u64,
}

impl Landing {
    /// The consistent time landed on, if known.
    pub fn time(&self) -> Option<DateTime<Utc>> {
        self.time_ms.and_then(ms_to_time)
    }
}

/// How much history to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// Target window in seconds: history older than this is folded.
    pub window_seconds: i64,
    /// Most change records to keep; beyond it the oldest groups are folded even within the
    /// window, and the actual window falls short of the target.
    pub capacity: Option<u64>,
}

/// What Describe shows of a volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Change records retained for backtrack (BacktrackConsumedChangeRecords).
    pub change_records: u64,
    /// Commit time of the newest folded group: nothing before it can be reached.
    pub folded_until: Option<DateTime<Utc>>,
    /// Commit time of the oldest retained group (when the next fold may be due).
    pub oldest_retained: Option<DateTime<Utc>>,
    /// LSN of the head's last commit.
    pub head_lsn: u64,
}

/// A key's value at the head and at the backtrack target.
type HeadAndTarget = (Option<Vec<u8>>, Option<Vec<u8>>);

/// Everything the volume must remember besides its records, persisted with every write.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Meta {
    next_lsn: u64,
    head_lsn: u64,
    last_commit_ms: Option<i64>,
    base_lsn: u64,
    base_time_ms: Option<i64>,
    retained_changes: u64,
    oldest_retained_ms: Option<i64>,
    retention: Option<Retention>,
    last_backtrack: Option<(String, Landing)>,
}

/// A storage volume in one tree of a store.
pub struct Volume {
    store: Arc<dyn Store>,
    tree: String,
    meta: Mutex<Meta>,
}

impl fmt::Debug for Volume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Volume")
            .field("tree", &self.tree)
            .finish_non_exhaustive()
    }
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn ms_to_time(ms: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms).single()
}

impl Volume {
    /// Opens the volume stored in `tree` (empty if new).
    pub fn open(store: Arc<dyn Store>, tree: &str) -> Result<Self> {
        let meta = match store.get(tree, codec::META_KEY)? {
            Some(bytes) => {
                serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt(e.to_string()))?
            }
            None => Meta {
                next_lsn: 1,
                ..Meta::default()
            },
        };
        Ok(Volume {
            store,
            tree: tree.to_owned(),
            meta: Mutex::new(meta),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Meta> {
        self.meta.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The head value of `key`.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.store.get(&self.tree, &codec::data_key(key))?)
    }

    /// Head entries whose key starts with `prefix`, in key order.
    pub fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        Ok(self
            .store
            .scan_prefix(&self.tree, &codec::data_key(prefix))?
            .into_iter()
            .map(|(k, v)| (k[1..].to_vec(), v))
            .collect())
    }

    /// Sets how much history to keep; applied from the next commit or fold on.
    pub fn set_retention(&self, retention: Retention) -> Result<()> {
        let mut meta = self.lock();
        let mut next = meta.clone();
        next.retention = Some(retention);
        self.write(&mut meta, next, Batch::default())
    }

    /// Current statistics, from memory.
    pub fn stats(&self) -> Stats {
        let meta = self.lock();
        Stats {
            change_records: meta.retained_changes,
            folded_until: meta.base_time_ms.and_then(ms_to_time),
            oldest_retained: meta.oldest_retained_ms.and_then(ms_to_time),
            head_lsn: meta.head_lsn,
        }
    }

    /// Persists `next` as the meta together with `batch`, then adopts it in memory.
    fn write(&self, meta: &mut MutexGuard<'_, Meta>, next: Meta, mut batch: Batch) -> Result<()> {
        let bytes = serde_json::to_vec(&next).map_err(|e| Error::Corrupt(e.to_string()))?;
        batch.put(codec::META_KEY, bytes);
        self.store.apply(&self.tree, batch)?;
        **meta = next;
        Ok(())
    }

    /// Appends one group (its changes to the head state, the group to the log, its commit to
    /// the time index) to `batch`, updating `next`.
    fn append_group(
        next: &mut Meta,
        batch: &mut Batch,
        changes: Vec<Change>,
        time_ms: i64,
        backtrack: bool,
    ) -> CommitPoint {
        for c in &changes {
            match &c.after {
                Some(v) => batch.put(codec::data_key(&c.key), v.clone()),
                None => batch.delete(codec::data_key(&c.key)),
            }
        }
        let group = Group {
            time_ms,
            first_lsn: next.next_lsn,
            backtrack,
            changes,
        };
        let lsn = group.commit_lsn();
        let count = group.changes.len() as u32;
        batch.put(codec::log_key(lsn), group.encode());
        // The index value is the group's change count, so folding needs no read of the log.
        batch.put(codec::index_key(time_ms, lsn), count.to_be_bytes().to_vec());
        next.next_lsn = lsn + 1;
        next.head_lsn = lsn;
        next.last_commit_ms = Some(time_ms);
        next.retained_changes += u64::from(count);
        next.oldest_retained_ms.get_or_insert(time_ms);
        CommitPoint {
            lsn,
            time: ms_to_time(time_ms).unwrap_or_default(),
        }
    }

    /// Commits `txn` at `at`: durable when this returns. An empty transaction writes nothing.
    /// Commit times never go backwards: a time before the last commit is taken as that time.
    pub fn commit(&self, txn: Transaction, at: DateTime<Utc>) -> Result<Option<CommitPoint>> {
        if txn.is_empty() {
            return Ok(None);
        }
        let mut meta = self.lock();
        let mut next = meta.clone();
        let time_ms = next.last_commit_ms.map_or(ms(at), |last| last.max(ms(at)));
        let mut changes = Vec::with_capacity(txn.writes.len());
        for (key, after) in txn.writes {
            let before = self.get(&key)?;
            if before != after {
                changes.push(Change { key, before, after });
            }
        }
        if changes.is_empty() {
            return Ok(None);
        }
        let mut batch = Batch::default();
        let point = Self::append_group(&mut next, &mut batch, changes, time_ms, false);
        self.plan_fold(&mut next, &mut batch, time_ms)?;
        self.write(&mut meta, next, batch)?;
        Ok(Some(point))
    }

    /// The commit a backtrack to `target` would land on: the last commit at or before it.
    fn landing_point(&self, meta: &Meta, target_ms: i64) -> Result<(u64, Option<i64>)> {
        let last = self.store.last_in_range(
            &self.tree,
            &codec::index_key(i64::MIN, 0),
            &codec::index_key(target_ms, u64::MAX),
        )?;
        match last.as_ref().and_then(|(k, _)| codec::parse_index_key(k)) {
            Some((time_ms, lsn)) => Ok((lsn, Some(time_ms))),
            None => match meta.base_time_ms {
                Some(base) if target_ms < base => Err(Error::BeyondRetention {
                    earliest: ms_to_time(base).unwrap_or_default(),
                }),
                base => Ok((meta.base_lsn, base)),
            },
        }
    }

    /// Moves the head to the state the volume had at `target`, as one new group at `at`.
    /// Idempotent per `id`: repeating a backtrack that already applied returns its landing.
    pub fn backtrack_to(
        &self,
        id: &str,
        target: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<Landing> {
        let mut meta = self.lock();
        if let Some((done, landing)) = &meta.last_backtrack {
            if done == id {
                return Ok(landing.clone());
            }
        }
        let (landing_lsn, landing_ms) = self.landing_point(&meta, ms(target))?;
        let mut next = meta.clone();
        let mut batch = Batch::default();
        let mut landing = Landing {
            lsn: landing_lsn,
            time_ms: landing_ms,
            undone: 0,
            changed_keys: 0,
        };
        if landing_lsn < meta.head_lsn {
            // Walk back from the head: the first record seen per key holds the head value (its
            // after-image), the last one seen holds the target value (its before-image).
            let groups = self.store.scan_range(
                &self.tree,
                &codec::log_key(landing_lsn + 1),
                &codec::log_key(meta.head_lsn + 1),
                usize::MAX,
            )?;
            // key -> (head value, target value)
            let mut net: BTreeMap<Vec<u8>, HeadAndTarget> = BTreeMap::new();
            for (k, v) in groups.into_iter().rev() {
                let group = Group::decode(&v)
                    .ok_or_else(|| Error::Corrupt(format!("undecodable log group {k:?}")))?;
                for Change { key, before, after } in group.changes.into_iter().rev() {
                    landing.undone += 1;
                    match net.entry(key) {
                        std::collections::btree_map::Entry::Occupied(mut e) => {
                            e.get_mut().1 = before
                        }
                        std::collections::btree_map::Entry::Vacant(e) => {
                            e.insert((after, before));
                        }
                    }
                }
            }
            let changes: Vec<Change> = net
                .into_iter()
                .filter(|(_, (head, target))| head != target)
                .map(|(key, (head, target))| Change {
                    key,
                    before: head,
                    after: target,
                })
                .collect();
            landing.changed_keys = changes.len() as u64;
            let time_ms = next.last_commit_ms.map_or(ms(at), |last| last.max(ms(at)));
            Self::append_group(&mut next, &mut batch, changes, time_ms, true);
            self.plan_fold(&mut next, &mut batch, time_ms)?;
        }
        next.last_backtrack = Some((id.to_owned(), landing.clone()));
        self.write(&mut meta, next, batch)?;
        Ok(landing)
    }

    /// Folds whatever retention says is due at `now`; returns the number of records freed.
    pub fn fold(&self, now: DateTime<Utc>) -> Result<u64> {
        let mut meta = self.lock();
        let mut next = meta.clone();
        let mut batch = Batch::default();
        self.plan_fold(&mut next, &mut batch, ms(now))?;
        let freed = meta.retained_changes - next.retained_changes;
        if next.base_lsn != meta.base_lsn {
            self.write(&mut meta, next, batch)?;
        }
        Ok(freed)
    }

    /// Adds to `batch` the folding of every group that retention gives up at `now_ms`.
    fn plan_fold(&self, next: &mut Meta, batch: &mut Batch, now_ms: i64) -> Result<()> {
        let Some(retention) = next.retention else {
            return Ok(());
        };
        let boundary = now_ms.saturating_sub(retention.window_seconds.saturating_mul(1000));
        let mut from = codec::index_key(i64::MIN, 0);
        let end = codec::index_key(i64::MAX, u64::MAX);
        loop {
            let over_capacity = retention
                .capacity
                .is_some_and(|c| next.retained_changes > c);
            let oldest = self.store.scan_range(&self.tree, &from, &end, 1)?;
            let Some((k, v)) = oldest.into_iter().next() else {
                // Only a group still in `batch` (the head's, during a commit) may remain.
                next.oldest_retained_ms = (next.head_lsn > next.base_lsn)
                    .then_some(next.last_commit_ms)
                    .flatten();
                return Ok(());
            };
            let (time_ms, lsn) =
                codec::parse_index_key(&k).ok_or_else(|| Error::Corrupt("index key".into()))?;
            // Never fold the head's own commit on capacity alone: the head must stay reachable.
            let due = time_ms < boundary || (over_capacity && lsn != next.head_lsn);
            if !due {
                next.oldest_retained_ms = Some(time_ms);
                return Ok(());
            }
            let changes = u32::from_be_bytes(
                v.as_slice()
                    .try_into()
                    .map_err(|_| Error::Corrupt("index value".into()))?,
            );
            batch.delete(codec::log_key(lsn));
            batch.delete(k.clone());
            next.retained_changes -= u64::from(changes);
            next.base_lsn = lsn;
            next.base_time_ms = Some(time_ms);
            from = k;
            from.push(0);
        }
    }

    /// Deletes the volume and all its history.
    pub fn destroy(&self) -> Result<()> {
        let mut meta = self.lock();
        self.store.clear_tree(&self.tree)?;
        *meta = Meta {
            next_lsn: 1,
            ..Meta::default()
        };
        Ok(())
    }
}
