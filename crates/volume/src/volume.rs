//! The volume itself: commits, backtracks, retention, checkpoints, and the meta that ties them
//! together.
//!
//! The head state is the *checkpointed* state in the store plus an in-memory *overlay* of the
//! keys changed by the groups after the checkpoint. A commit or a backtrack therefore writes one
//! log value (its group), one index entry and the meta, never the head tree: its cost follows the
//! changes, not the size of the data. When the overlay holds enough keys or keeps enough bytes of
//! groups alive, a checkpoint after the commit writes it into the head tree in bounded batches;
//! when retention needs to free groups it depends on, in the fold's own atomic batch.
//! On open, the overlay is rebuilt by replaying the groups after the checkpoint.
//!
//! Writers (commit, backtrack, fold) are serialized by one mutex over the meta; each writes one
//! atomic, durable store batch, so a crash leaves all of it or none. Readers take the overlay's
//! read lock only for an in-memory lookup, then read the store.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::ops::Bound;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use store::{Batch, Store};

use crate::codec::{self, Change, Group};

mod lineage;

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

/// Everything the volume must remember besides its records, persisted with every write.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Meta {
    /// Every group up to this commit LSN is reflected in the head tree; later ones live in the
    /// overlay (and in the log, from which the overlay is rebuilt).
    #[serde(default)]
    checkpoint_lsn: u64,
    next_lsn: u64,
    head_lsn: u64,
    last_commit_ms: Option<i64>,
    base_lsn: u64,
    base_time_ms: Option<i64>,
    retained_changes: u64,
    oldest_retained_ms: Option<i64>,
    retention: Option<Retention>,
    last_backtrack: Option<(String, Landing)>,
    /// A copy-on-write clone reads what it has not written itself from this volume's tree,
    /// as it was at the clone point (see `lineage`).
    #[serde(default)]
    parent: Option<String>,
    /// Whether this volume was made as a clone: its head may hold inherited values and
    /// tombstones, even once its parent is gone.
    #[serde(default)]
    layered: bool,
    /// The trees of this volume's clones, which get each value before it changes here.
    #[serde(default)]
    children: Vec<String>,
}

/// Keys changed since the checkpoint: key -> head value (`None`: deleted at the head), both
/// zero-copy slices of the groups that wrote them.
type Overlay = BTreeMap<Bytes, Option<Bytes>>;

/// How many keys the overlay holds before a checkpoint writes them into the head tree.
const DEFAULT_CHECKPOINT_AFTER: usize = 8_192;

/// Bytes of groups appended since the checkpoint before the next one. The overlay's values are
/// slices of those groups and keep each of them whole in memory (its before-images too), so
/// a few keys of large commits (a bulk load's pages) could otherwise hold hundreds of MB.
const DEFAULT_CHECKPOINT_BYTES: usize = 16 << 20;

/// Most head keys a checkpoint writes in one store batch.
const CHECKPOINT_BATCH_KEYS: usize = 1_024;

/// Bytes of recent groups kept decoded in memory, so a backtrack to the recent past reads no
/// log from the store (whose speed depends on how much data shares its cache).
const DEFAULT_RECENT_BYTES: usize = 32 << 20;

/// Keys a copy reads from the head tree at a time: a chunk's values are held in memory once.
const COPY_CHUNK: usize = 512;

/// The newest groups of the log, decoded, oldest first: a read-through copy of the log's tail.
#[derive(Default)]
struct Recent {
    groups: VecDeque<Arc<Group>>,
    bytes: usize,
    budget: usize,
}

impl Recent {
    fn push(&mut self, group: Arc<Group>) {
        self.bytes += approx_size(&group);
        self.groups.push_back(group);
        self.trim();
    }

    /// Drops the oldest groups until the budget holds.
    fn trim(&mut self) {
        while self.bytes > self.budget {
            let Some(old) = self.groups.pop_front() else {
                break;
            };
            self.bytes = self.bytes.saturating_sub(approx_size(&old));
        }
    }

    /// The cached groups with commit LSN in `(after, upto]`, if the cache holds all of them.
    fn covering(&self, after: u64, upto: u64) -> Option<Vec<Arc<Group>>> {
        let first = self.groups.front()?;
        if first.first_lsn > after + 1 {
            return None;
        }
        Some(
            self.groups
                .iter()
                .filter(|g| g.commit_lsn() > after && g.commit_lsn() <= upto)
                .cloned()
                .collect(),
        )
    }

    /// Forgets the groups up to commit LSN `lsn` (folded).
    fn drop_through(&mut self, lsn: u64) {
        while self.groups.front().is_some_and(|g| g.commit_lsn() <= lsn) {
            let old = self.groups.pop_front().expect("checked");
            self.bytes = self.bytes.saturating_sub(approx_size(&old));
        }
    }

    fn clear(&mut self) {
        self.groups.clear();
        self.bytes = 0;
    }
}

fn approx_size(g: &Group) -> usize {
    64 + g.bytes().len()
}

/// A storage volume in one tree of a store.
pub struct Volume {
    store: Arc<dyn Store>,
    tree: String,
    meta: Mutex<Meta>,
    overlay: RwLock<Overlay>,
    checkpoint_after: AtomicUsize,
    checkpoint_bytes: AtomicUsize,
    /// Whether the meta was read from [`codec::LEGACY_META_KEY`] (a data dir from before the
    /// key moved), so the next write of the meta also deletes it there.
    legacy_meta: AtomicBool,
    /// Bytes of the groups appended since the checkpoint (which the overlay keeps alive);
    /// written only by writers holding `meta`.
    overlay_bytes: AtomicUsize,
    /// The log's tail, decoded; written only by writers holding `meta`.
    recent: Mutex<Recent>,
    /// Bumped by every backtrack: the head changed other than by a commit.
    generation: AtomicU64,
    /// The last answer of [`Volume::changes_since`], so the next one reads only the index
    /// entries between the two: Describe asks at every poll.
    since: Mutex<Option<SinceCount>>,
    /// Whether the head is layered over inherited values (a clone, see `lineage`).
    layered: AtomicBool,
    /// The parent volume a clone reads through, once attached.
    parent: RwLock<Option<Arc<Volume>>>,
}

/// Change records from `since_ms` on, counted up to the index entry `(upto_ms, upto_lsn)`.
#[derive(Debug, Clone, Copy)]
struct SinceCount {
    since_ms: i64,
    upto_ms: i64,
    upto_lsn: u64,
    count: u64,
}

/// A write prepared under the meta lock: the next meta, the store batch, and what it does to
/// the overlay once the batch is durable.
struct Pending {
    next: Meta,
    batch: Batch,
    /// Overlay entries the write sets, in order.
    delta: Vec<(Bytes, Option<Bytes>)>,
    /// True when the batch checkpoints the whole overlay (and `delta`) into the head tree.
    checkpointed: bool,
    /// The groups the write appends, for the cache of the log's tail.
    appended: Vec<Arc<Group>>,
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

/// A key and its value (`None`: absent), owned.
type KeyState = (Vec<u8>, Option<Vec<u8>>);

/// A key's value at the head and at the backtrack target.
type HeadAndTarget<'a> = (Option<&'a [u8]>, Option<&'a [u8]>);

impl Volume {
    /// Opens the volume stored in `tree` (empty if new), rebuilding the overlay from the log.
    pub fn open(store: Arc<dyn Store>, tree: &str) -> Result<Self> {
        let mut stored_meta = store.get(tree, codec::META_KEY)?;
        let legacy_meta = stored_meta.is_none();
        if legacy_meta {
            stored_meta = store.get(tree, codec::LEGACY_META_KEY)?;
        }
        let legacy_meta = legacy_meta && stored_meta.is_some();
        let meta: Meta = match stored_meta {
            Some(bytes) => {
                serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt(e.to_string()))?
            }
            None => Meta {
                next_lsn: 1,
                ..Meta::default()
            },
        };
        let mut overlay = Overlay::new();
        let mut overlay_bytes = 0;
        for group in read_log(&*store, tree, meta.checkpoint_lsn, u64::MAX - 1)? {
            overlay_bytes += approx_size(&group);
            overlay.extend(group.head_values());
        }
        let layered = meta.layered;
        Ok(Volume {
            store,
            tree: tree.to_owned(),
            layered: AtomicBool::new(layered),
            parent: RwLock::new(None),
            meta: Mutex::new(meta),
            overlay: RwLock::new(overlay),
            checkpoint_after: AtomicUsize::new(DEFAULT_CHECKPOINT_AFTER),
            checkpoint_bytes: AtomicUsize::new(DEFAULT_CHECKPOINT_BYTES),
            legacy_meta: AtomicBool::new(legacy_meta),
            overlay_bytes: AtomicUsize::new(overlay_bytes),
            recent: Mutex::new(Recent {
                budget: DEFAULT_RECENT_BYTES,
                ..Recent::default()
            }),
            generation: AtomicU64::new(0),
            since: Mutex::new(None),
        })
    }

    /// A number that changes whenever the head changes other than by [`Volume::commit`] (a
    /// backtrack), so that caches of the head (the data plane's pages) know to drop.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    fn lock(&self) -> MutexGuard<'_, Meta> {
        self.meta.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn overlay(&self) -> std::sync::RwLockReadGuard<'_, Overlay> {
        self.overlay.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets how many changed keys the overlay holds before a checkpoint (tests lower it to
    /// exercise checkpoints; the default suits real use).
    pub fn set_checkpoint_after(&self, keys: usize) {
        self.checkpoint_after.store(keys.max(1), Ordering::Relaxed);
    }

    /// Sets how many bytes of groups appended since the checkpoint trigger the next one (tests
    /// lower it; the default bounds the memory the overlay keeps alive).
    pub fn set_checkpoint_bytes(&self, bytes: usize) {
        self.checkpoint_bytes.store(bytes, Ordering::Relaxed);
    }

    fn recent(&self) -> MutexGuard<'_, Recent> {
        self.recent.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets how many bytes of recent groups stay decoded in memory (tests set 0 to exercise
    /// reading the log from the store).
    pub fn set_recent_bytes(&self, bytes: usize) {
        let mut recent = self.recent();
        recent.budget = bytes;
        recent.trim();
    }

    /// The head value of `key`.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        if let Some(v) = self.overlay().get(key) {
            return Ok(v.as_ref().map(|v| v.to_vec()));
        }
        let own = self.store.get(&self.tree, &codec::data_key(key))?;
        if own.is_some() || !self.layered.load(Ordering::Acquire) {
            return Ok(own);
        }
        self.inherited(key)
    }

    /// Head entries whose key starts with `prefix`, in key order.
    pub fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        if self.layered.load(Ordering::Acquire) {
            let mut all = self.head_entries()?;
            all.retain(|(k, _)| k.starts_with(prefix));
            return Ok(all);
        }
        let overlay = self.overlay();
        let mut out: BTreeMap<Vec<u8>, Vec<u8>> = self
            .store
            .scan_prefix(&self.tree, &codec::data_key(prefix))?
            .into_iter()
            .map(|(k, v)| (k[1..].to_vec(), v))
            .collect();
        for (k, v) in overlay
            .range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
        {
            match v {
                Some(v) => out.insert(k.to_vec(), v.to_vec()),
                None => out.remove(k.as_ref()),
            };
        }
        Ok(out.into_iter().collect())
    }

    /// Sets how much history to keep; applied from the next commit or fold on.
    pub fn set_retention(&self, retention: Retention) -> Result<()> {
        let mut meta = self.lock();
        let mut pending = Pending::from(&*meta);
        pending.next.retention = Some(retention);
        self.finish(&mut meta, pending)
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

    /// Makes `pending` durable (with the meta, in one batch), then adopts it in memory.
    fn finish(&self, meta: &mut MutexGuard<'_, Meta>, mut pending: Pending) -> Result<()> {
        let bytes = serde_json::to_vec(&pending.next).map_err(|e| Error::Corrupt(e.to_string()))?;
        pending.batch.put(codec::META_KEY, bytes);
        let legacy_meta = self.legacy_meta.load(Ordering::Relaxed);
        if legacy_meta {
            pending.batch.delete(codec::LEGACY_META_KEY);
        }
        self.store.apply(&self.tree, pending.batch)?;
        if legacy_meta {
            self.legacy_meta.store(false, Ordering::Relaxed);
        }
        let mut overlay = self.overlay.write().unwrap_or_else(|p| p.into_inner());
        let appended: usize = pending.appended.iter().map(|g| approx_size(g)).sum();
        if pending.checkpointed {
            overlay.clear();
            self.overlay_bytes.store(0, Ordering::Relaxed);
        } else {
            overlay.extend(pending.delta);
            self.overlay_bytes.fetch_add(appended, Ordering::Relaxed);
        }
        drop(overlay);
        let mut recent = self.recent();
        recent.drop_through(pending.next.base_lsn);
        for g in pending.appended {
            recent.push(g);
        }
        **meta = pending.next;
        Ok(())
    }

    /// Adds to `batch` the head value of `k`; a clone records a deletion as a tombstone, so
    /// the value it inherited does not show through.
    fn write_head(&self, batch: &mut Batch, k: &[u8], v: Option<&[u8]>) {
        let layered = self.layered.load(Ordering::Acquire);
        match v {
            Some(v) => {
                batch.put(codec::data_key(k), v.to_vec());
                if layered {
                    batch.delete(codec::gone_key(k));
                }
            }
            None => {
                batch.delete(codec::data_key(k));
                if layered {
                    batch.put(codec::gone_key(k), Vec::new());
                }
            }
        }
    }

    /// Adds to `pending` the writing of the overlay (and the pending delta) into the head tree.
    fn plan_checkpoint(&self, pending: &mut Pending) {
        if pending.checkpointed {
            return;
        }
        let mut merged: Overlay = self.overlay().clone();
        merged.extend(pending.delta.iter().cloned());
        for (k, v) in merged {
            self.write_head(&mut pending.batch, &k, v.as_deref());
        }
        pending.next.checkpoint_lsn = pending.next.head_lsn;
        pending.checkpointed = true;
    }

    /// Whether the overlay, once `pending` is in, has grown past its limits (keys, or bytes
    /// of the groups it keeps alive).
    fn checkpoint_due(&self, pending: &Pending) -> bool {
        let appended: usize = pending.appended.iter().map(|g| approx_size(g)).sum();
        self.overlay().len() + pending.delta.len() > self.checkpoint_after.load(Ordering::Relaxed)
            || self.overlay_bytes.load(Ordering::Relaxed) + appended
                > self.checkpoint_bytes.load(Ordering::Relaxed)
    }

    /// Writes the overlay into the head tree in batches of at most [`CHECKPOINT_BATCH_KEYS`]
    /// keys, then moves the checkpoint to the head in a last batch with the meta. sled buffers
    /// a whole batch in its write buffers before the flush, several times its size, so one
    /// batch of thousands of pages cost hundreds of MB. A crash between the batches leaves
    /// head keys written ahead of the checkpoint; the overlay rebuilt from the log on open holds
    /// every key changed since the checkpoint and shadows them, so no reader sees the difference.
    fn checkpoint(&self, meta: &mut MutexGuard<'_, Meta>) -> Result<()> {
        let entries: Vec<(Bytes, Option<Bytes>)> = self
            .overlay()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for part in entries.chunks(CHECKPOINT_BATCH_KEYS) {
            let mut batch = Batch::default();
            for (k, v) in part {
                self.write_head(&mut batch, k, v.as_deref());
            }
            self.store.apply(&self.tree, batch)?;
        }
        let mut pending = Pending::from(&**meta);
        pending.next.checkpoint_lsn = pending.next.head_lsn;
        pending.checkpointed = true;
        self.finish(meta, pending)
    }

    /// Appends one group (to the log, with its commit in the time index) to `pending`.
    fn append_group(
        pending: &mut Pending,
        changes: &[Change<'_>],
        time_ms: i64,
        backtrack: bool,
    ) -> CommitPoint {
        let next = &mut pending.next;
        let group = Group::new(time_ms, next.next_lsn, backtrack, changes);
        let lsn = group.commit_lsn();
        let count = group.len();
        let mut chunks = 0;
        for chunk in group.chunks() {
            pending.batch.put(codec::log_chunk_key(lsn, chunks), chunk);
            chunks += 1;
        }
        pending.delta.extend(group.head_values());
        pending.appended.push(Arc::new(group));
        pending.batch.put(
            codec::index_key(time_ms, lsn),
            codec::index_value(count, chunks),
        );
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
        let mut owned = Vec::with_capacity(txn.writes.len());
        for (key, after) in txn.writes {
            let before = self.get(&key)?;
            if before != after {
                owned.push((key, before, after));
            }
        }
        if owned.is_empty() {
            return Ok(None);
        }
        let changes: Vec<Change<'_>> = owned
            .iter()
            .map(|(key, before, after)| Change {
                key,
                before: before.as_deref(),
                after: after.as_deref(),
            })
            .collect();
        self.push_to_children(&meta, &changes)?;
        let mut pending = Pending::from(&*meta);
        let time_ms = pending
            .next
            .last_commit_ms
            .map_or(ms(at), |last| last.max(ms(at)));
        let point = Self::append_group(&mut pending, &changes, time_ms, false);
        // The group holds its own copy: free the transaction's before the store write.
        drop(changes);
        drop(owned);
        self.plan_fold(&mut pending, time_ms)?;
        let checkpoint_due = !pending.checkpointed && self.checkpoint_due(&pending);
        self.finish(&mut meta, pending)?;
        if checkpoint_due {
            // The commit is durable already; a checkpoint that fails leaves the overlay as it
            // was, and the next commit tries again.
            let _ = self.checkpoint(&mut meta);
        }
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
        let mut pending = Pending::from(&*meta);
        let mut landing = Landing {
            lsn: landing_lsn,
            time_ms: landing_ms,
            undone: 0,
            changed_keys: 0,
        };
        if landing_lsn < meta.head_lsn {
            // Walk forward from the target: the first record seen per key holds the target value
            // (its before-image), the last one seen holds the head value (its after-image).
            let cached = self.recent().covering(landing_lsn, meta.head_lsn);
            let groups = match cached {
                Some(groups) => groups,
                None => self.read_groups(landing_lsn, meta.head_lsn)?,
            };
            // Borrowed from the groups: only the net changes are copied, once each.
            let mut net: HashMap<&[u8], HeadAndTarget<'_>> = HashMap::new();
            for group in &groups {
                for change in group.changes() {
                    landing.undone += 1;
                    net.entry(change.key)
                        .and_modify(|e| e.0 = change.after)
                        .or_insert((change.after, change.before));
                }
            }
            let mut changes: Vec<Change<'_>> = net
                .into_iter()
                .filter(|(_, (head, target))| head != target)
                .map(|(key, (head, target))| Change {
                    key,
                    before: head,
                    after: target,
                })
                .collect();
            changes.sort_unstable_by(|a, b| a.key.cmp(b.key));
            self.push_to_children(&meta, &changes)?;
            landing.changed_keys = changes.len() as u64;
            let time_ms = pending
                .next
                .last_commit_ms
                .map_or(ms(at), |last| last.max(ms(at)));
            Self::append_group(&mut pending, &changes, time_ms, true);
            // No checkpoint here: a backtrack costs what it undoes; the next commit checkpoints.
            self.plan_fold(&mut pending, time_ms)?;
        }
        pending.next.last_backtrack = Some((id.to_owned(), landing.clone()));
        self.finish(&mut meta, pending)?;
        self.generation.fetch_add(1, Ordering::SeqCst);
        Ok(landing)
    }

    /// Writes the state this volume had at `target` (its last commit at or before it) into
    /// `dest` as `dest`'s whole initial state, with no history: a full-copy snapshot or restore.
    ///
    /// Commits go on meanwhile. The head is copied in chunks, each read under the overlay's
    /// lock, so every key copied holds a value from the landing commit or later; then every key
    /// a group after the landing commit changed gets its value at that commit, its first
    /// before-image, from the log. The cost is the size of the data plus the changes since the
    /// target. `dest` is emptied first, so a copy a crash interrupted is simply done again.
    pub fn copy_into(&self, target: DateTime<Utc>, dest: &Volume) -> Result<CommitPoint> {
        let (landing_lsn, landing_ms) = {
            let meta = self.lock();
            self.landing_point(&meta, ms(target))?
        };
        let mut dest_meta = dest.lock();
        dest.store.clear_tree(&dest.tree)?;
        if self.layered.load(Ordering::Acquire) {
            // A clone's head lives in several layers: read it key by key through them.
            for part in self.head_entries()?.chunks(COPY_CHUNK) {
                let mut batch = Batch::default();
                for (k, v) in part {
                    batch.put(codec::data_key(k), v.clone());
                }
                dest.store.apply(&dest.tree, batch)?;
            }
        } else {
            let mut cursor = codec::data_key(b"");
            let end = [b'd' + 1];
            loop {
                let overlay = self.overlay();
                let rows = self
                    .store
                    .scan_range(&self.tree, &cursor, &end, COPY_CHUNK)?;
                let last = (rows.len() == COPY_CHUNK).then(|| rows[rows.len() - 1].0[1..].to_vec());
                let mut chunk: BTreeMap<Vec<u8>, Option<Vec<u8>>> = rows
                    .into_iter()
                    .map(|(k, v)| (k[1..].to_vec(), Some(v)))
                    .collect();
                let from = &cursor[1..];
                let upto = match &last {
                    Some(l) => Bound::Included(l.as_slice()),
                    None => Bound::Unbounded,
                };
                for (k, v) in overlay.range::<[u8], _>((Bound::Included(from), upto)) {
                    chunk.insert(k.to_vec(), v.as_ref().map(|v| v.to_vec()));
                }
                drop(overlay);
                let mut batch = Batch::default();
                for (k, v) in chunk {
                    if let Some(v) = v {
                        batch.put(codec::data_key(&k), v);
                    }
                }
                if !batch.is_empty() {
                    dest.store.apply(&dest.tree, batch)?;
                }
                match last {
                    Some(l) => {
                        cursor = codec::data_key(&l);
                        cursor.push(0);
                    }
                    None => break,
                }
            }
        }
        let mut batch = Batch::default();
        {
            let meta = self.lock();
            if meta.base_lsn > landing_lsn {
                // Retention folded the groups the copy needs while it ran.
                return Err(Error::BeyondRetention {
                    earliest: meta.base_time_ms.and_then(ms_to_time).unwrap_or_default(),
                });
            }
            for (k, v) in self.values_at(&meta, landing_lsn)? {
                match v {
                    Some(v) => batch.put(codec::data_key(&k), v),
                    None => batch.delete(codec::data_key(&k)),
                }
            }
        }
        let next = Meta {
            next_lsn: 1,
            base_time_ms: landing_ms,
            ..Meta::default()
        };
        let bytes = serde_json::to_vec(&next).map_err(|e| Error::Corrupt(e.to_string()))?;
        batch.put(codec::META_KEY, bytes);
        dest.store.apply(&dest.tree, batch)?;
        dest.overlay
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        dest.recent().clear();
        *dest.since.lock().unwrap_or_else(|p| p.into_inner()) = None;
        dest.layered.store(false, Ordering::Release);
        *dest.parent.write().unwrap_or_else(|p| p.into_inner()) = None;
        *dest_meta = next;
        dest.generation.fetch_add(1, Ordering::SeqCst);
        Ok(CommitPoint {
            lsn: landing_lsn,
            time: landing_ms.and_then(ms_to_time).unwrap_or(target),
        })
    }

    /// Change records of the groups committed at or after `since`: the part of the retained
    /// history a backtrack window covers, when retention keeps more for point-in-time restore.
    /// Incremental: a later `since` reads only the index entries that left the window and
    /// those committed since the last answer.
    pub fn changes_since(&self, since: DateTime<Utc>) -> Result<u64> {
        let since_ms = ms(since);
        let meta = self.lock();
        let mut cache = self.since.lock().unwrap_or_else(|p| p.into_inner());
        let end = codec::index_key(i64::MAX, u64::MAX);
        // Still valid while the window only moved forward and folds stayed before it.
        let valid = (*cache)
            .filter(|c| c.since_ms <= since_ms && meta.base_time_ms.is_none_or(|b| b < c.since_ms));
        let mut count = match valid {
            Some(c) => {
                let left = self.index_sum(
                    &codec::index_key(c.since_ms, 0),
                    &codec::index_key(since_ms, 0),
                )?;
                c.count - left.0.min(c.count)
            }
            None => 0,
        };
        let from = match valid {
            Some(c) => {
                let mut k = codec::index_key(c.upto_ms, c.upto_lsn);
                k.push(0);
                k.max(codec::index_key(since_ms, 0))
            }
            None => codec::index_key(since_ms, 0),
        };
        let (added, last) = self.index_sum(&from, &end)?;
        count += added;
        let (upto_ms, upto_lsn) = match (last, valid) {
            (Some(l), _) => l,
            (None, Some(c)) => (c.upto_ms, c.upto_lsn),
            (None, None) => (since_ms, 0),
        };
        *cache = Some(SinceCount {
            since_ms,
            upto_ms,
            upto_lsn,
            count,
        });
        Ok(count)
    }

    /// The change records of the index entries in `[from, to)`, and the last entry's key.
    fn index_sum(&self, from: &[u8], to: &[u8]) -> Result<(u64, Option<(i64, u64)>)> {
        let mut total = 0u64;
        let mut last = None;
        let mut from = from.to_vec();
        loop {
            let rows = self.store.scan_range(&self.tree, &from, to, COPY_CHUNK)?;
            for (k, v) in &rows {
                let (count, _) = codec::parse_index_value(v)
                    .ok_or_else(|| Error::Corrupt("index value".into()))?;
                total += u64::from(count);
                last = codec::parse_index_key(k);
            }
            match rows.last() {
                Some((k, _)) if rows.len() == COPY_CHUNK => {
                    from = k.clone();
                    from.push(0);
                }
                _ => return Ok((total, last)),
            }
        }
    }

    /// Every key changed after the commit `landing_lsn`, with its value at that commit (the
    /// before-image of its first change since): what a copy or a clone of the state at the
    /// landing must set apart from the head.
    fn values_at(&self, meta: &Meta, landing_lsn: u64) -> Result<Vec<KeyState>> {
        if landing_lsn >= meta.head_lsn {
            return Ok(Vec::new());
        }
        let groups = match self.recent().covering(landing_lsn, meta.head_lsn) {
            Some(groups) => groups,
            None => self.read_groups(landing_lsn, meta.head_lsn)?,
        };
        let mut first: HashMap<&[u8], Option<&[u8]>> = HashMap::new();
        for group in &groups {
            for change in group.changes() {
                first.entry(change.key).or_insert(change.before);
            }
        }
        Ok(first
            .into_iter()
            .map(|(k, v)| (k.to_vec(), v.map(<[u8]>::to_vec)))
            .collect())
    }

    /// The log's groups with commit LSN in `(after, upto]`, read from the store.
    fn read_groups(&self, after: u64, upto: u64) -> Result<Vec<Arc<Group>>> {
        Ok(read_log(&*self.store, &self.tree, after, upto)?
            .into_iter()
            .map(Arc::new)
            .collect())
    }

    /// Folds whatever retention gives up at `now`; returns the number of records freed.
    pub fn fold(&self, now: DateTime<Utc>) -> Result<u64> {
        let mut meta = self.lock();
        let mut pending = Pending::from(&*meta);
        self.plan_fold(&mut pending, ms(now))?;
        let freed = meta.retained_changes - pending.next.retained_changes;
        if pending.next.base_lsn != meta.base_lsn {
            self.finish(&mut meta, pending)?;
        }
        Ok(freed)
    }

    /// Adds to `pending` the folding of every group that retention gives up at `now_ms`. A
    /// group the overlay still depends on is checkpointed first, in the same batch.
    fn plan_fold(&self, pending: &mut Pending, now_ms: i64) -> Result<()> {
        let Some(retention) = pending.next.retention else {
            return Ok(());
        };
        let boundary = now_ms.saturating_sub(retention.window_seconds.saturating_mul(1000));
        let mut from = codec::index_key(i64::MIN, 0);
        let end = codec::index_key(i64::MAX, u64::MAX);
        loop {
            let next = &pending.next;
            let over_capacity = retention
                .capacity
                .is_some_and(|c| next.retained_changes > c);
            let oldest = self.store.scan_range(&self.tree, &from, &end, 1)?;
            let Some((k, v)) = oldest.into_iter().next() else {
                // Only a group still in the batch (the head's, during a commit) may remain.
                pending.next.oldest_retained_ms = (next.head_lsn > next.base_lsn)
                    .then_some(next.last_commit_ms)
                    .flatten();
                return Ok(());
            };
            let (time_ms, lsn) =
                codec::parse_index_key(&k).ok_or_else(|| Error::Corrupt("index key".into()))?;
            // Never fold the head's own commit on capacity alone: the head must stay reachable.
            let due = time_ms < boundary || (over_capacity && lsn != next.head_lsn);
            if !due {
                pending.next.oldest_retained_ms = Some(time_ms);
                return Ok(());
            }
            if lsn > pending.next.checkpoint_lsn {
                self.plan_checkpoint(pending);
            }
            let (changes, chunks) =
                codec::parse_index_value(&v).ok_or_else(|| Error::Corrupt("index value".into()))?;
            for n in 0..chunks {
                pending.batch.delete(codec::log_chunk_key(lsn, n));
            }
            pending.batch.delete(k.clone());
            let next = &mut pending.next;
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
        self.overlay
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.overlay_bytes.store(0, Ordering::Relaxed);
        self.recent().clear();
        *self.since.lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.layered.store(false, Ordering::Release);
        *self.parent.write().unwrap_or_else(|p| p.into_inner()) = None;
        *meta = Meta {
            next_lsn: 1,
            ..Meta::default()
        };
        Ok(())
    }
}

/// The log's groups with commit LSN in `(after, upto]`, read from the store and reassembled
/// from their chunks.
fn read_log(store: &dyn Store, tree: &str, after: u64, upto: u64) -> Result<Vec<Group>> {
    let corrupt = |lsn: u64| Error::Corrupt(format!("undecodable log group {lsn}"));
    let mut groups = Vec::new();
    let mut current: Option<(u64, Vec<u8>)> = None;
    for (k, v) in store.scan_range(
        tree,
        &codec::log_key(after + 1),
        &codec::log_key(upto + 1),
        usize::MAX,
    )? {
        let lsn =
            codec::parse_log_key(&k).ok_or_else(|| Error::Corrupt(format!("log key {k:?}")))?;
        match &mut current {
            Some((open, bytes)) if *open == lsn => bytes.extend_from_slice(&v),
            _ => {
                if let Some((done, bytes)) = current.replace((lsn, v)) {
                    groups.push(Group::decode(bytes).ok_or_else(|| corrupt(done))?);
                }
            }
        }
    }
    if let Some((done, bytes)) = current {
        groups.push(Group::decode(bytes).ok_or_else(|| corrupt(done))?);
    }
    Ok(groups)
}

impl From<&Meta> for Pending {
    fn from(meta: &Meta) -> Self {
        Pending {
            next: meta.clone(),
            batch: Batch::default(),
            delta: Vec::new(),
            checkpointed: false,
            appended: Vec::new(),
        }
    }
}
