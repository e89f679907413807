//! The key-value space the SQL engine runs on, and a transaction's view of it.
//!
//! The engine never touches a storage volume directly: it reads through [`KvRead`] (the
//! committed head, implemented by the caller over the cluster's volume) and buffers its own
//! writes in a [`TxnView`] until they are handed back for a durable commit. Views stack: a
//! statement's view sits on its transaction's view, which sits on the head, so a failed
//! statement is undone by dropping its layer.
//!
//! [`MemKv`] is a committed head held in memory, for tests and for callers' tests.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::error::SqlError;
use crate::outcome::CommitRequest;

/// A failure of the key-value space underneath.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvError(pub String);

impl fmt::Display for KvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage: {}", self.0)
    }
}

impl std::error::Error for KvError {}

/// Read access to a key-value space: the committed head of a cluster's volume.
pub trait KvRead {
    /// The value of `key`, if present.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError>;
    /// Every key starting with `prefix`, with its value, in key order.
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Pairs, KvError>;
}

impl<T: KvRead + ?Sized> KvRead for &T {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        (**self).get(key)
    }
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Pairs, KvError> {
        (**self).scan_prefix(prefix)
    }
}

impl<T: KvRead + ?Sized> KvRead for Arc<T> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        (**self).get(key)
    }
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Pairs, KvError> {
        (**self).scan_prefix(prefix)
    }
}

/// Buffered writes: key -> new value (`None`: deleted).
pub type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Key-value pairs in key order, as a prefix scan returns them.
pub type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

/// A transaction's view: its own pending writes over a head it only reads.
pub struct TxnView<'a, R: KvRead + ?Sized> {
    /// What the writes are layered on: the committed head, or an enclosing view.
    head: &'a R,
    /// Writes not yet handed back; they shadow the head.
    writes: Writes,
}

impl<'a, R: KvRead + ?Sized> TxnView<'a, R> {
    /// A view with no pending writes.
    pub fn new(head: &'a R) -> Self {
        Self::with_writes(head, Writes::new())
    }

    /// A view resuming earlier pending writes over `head`.
    pub fn with_writes(head: &'a R, writes: Writes) -> Self {
        Self { head, writes }
    }

    /// Sets `key` to `value`, visible to this view only.
    pub fn put(&mut self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.writes.insert(key.into(), Some(value.into()));
    }

    /// Removes `key`, for this view only.
    pub fn delete(&mut self, key: impl Into<Vec<u8>>) {
        self.writes.insert(key.into(), None);
    }

    /// This view's own pending write of `key`: `Some(None)` is a pending delete.
    pub fn pending(&self, key: &[u8]) -> Option<Option<&[u8]>> {
        self.writes.get(key).map(|v| v.as_deref())
    }

    /// The pending writes, in key order.
    pub fn writes(&self) -> &Writes {
        &self.writes
    }

    /// The layer underneath.
    pub fn head(&self) -> &'a R {
        self.head
    }

    /// Gives up the view, keeping its pending writes.
    pub fn into_writes(self) -> Writes {
        self.writes
    }
}

impl<R: KvRead + ?Sized> KvRead for TxnView<'_, R> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        match self.writes.get(key) {
            Some(v) => Ok(v.clone()),
            None => self.head.get(key),
        }
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Pairs, KvError> {
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> =
            self.head.scan_prefix(prefix)?.into_iter().collect();
        let range = self
            .writes
            .range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix));
        for (k, v) in range {
            match v {
                Some(v) => merged.insert(k.clone(), v.clone()),
                None => merged.remove(k),
            };
        }
        Ok(merged.into_iter().collect())
    }
}

/// A cheap, stable fingerprint of a value, for write-write conflict checks.
pub(crate) fn fingerprint(value: Option<&[u8]>) -> Option<u64> {
    // FNV-1a, 64 bits: stable across processes, unlike the std hasher.
    value.map(|bytes| {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        })
    })
}

/// A committed head kept in memory: the test double of a cluster volume.
///
/// Commits go through [`MemKv::apply`], which checks the request's conflict guards and
/// applies its writes atomically under one lock, as a caller over a real volume should.
#[derive(Debug, Default)]
pub struct MemKv {
    /// The committed key-value pairs.
    map: RwLock<BTreeMap<Vec<u8>, Vec<u8>>>,
    /// How many prefix scans were served, so tests can tell a key lookup from a table scan.
    scans: AtomicU64,
    /// The prefixes scanned, most recent last (bounded), for the same purpose.
    scanned: RwLock<Vec<Vec<u8>>>,
}

impl MemKv {
    /// An empty space.
    pub fn new() -> Self {
        Self::default()
    }

    /// A space holding a copy of `map`.
    pub fn from_map(map: BTreeMap<Vec<u8>, Vec<u8>>) -> Self {
        Self {
            map: RwLock::new(map),
            ..Self::default()
        }
    }

    /// A copy of every committed pair.
    pub fn snapshot(&self) -> BTreeMap<Vec<u8>, Vec<u8>> {
        self.map.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Commits `request` durably (in memory): refuses it with MySQL's deadlock error if a key
    /// it writes was changed by someone else since this transaction first wrote it.
    pub fn apply(&self, request: &CommitRequest) -> Result<(), SqlError> {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        for (key, expected) in request.guards() {
            if fingerprint(map.get(key).map(Vec::as_slice)) != *expected {
                return Err(SqlError::deadlock());
            }
        }
        for (key, value) in request.writes() {
            match value {
                Some(v) => map.insert(key.clone(), v.clone()),
                None => map.remove(key),
            };
        }
        Ok(())
    }

    /// Prefix scans served so far.
    pub fn scan_count(&self) -> u64 {
        self.scans.load(Ordering::Relaxed)
    }

    /// The prefixes scanned since the last call, oldest first.
    pub fn take_scanned(&self) -> Vec<Vec<u8>> {
        std::mem::take(&mut *self.scanned.write().unwrap_or_else(|e| e.into_inner()))
    }
}

impl KvRead for MemKv {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        Ok(self
            .map
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned())
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Pairs, KvError> {
        self.scans.fetch_add(1, Ordering::Relaxed);
        {
            let mut scanned = self.scanned.write().unwrap_or_else(|e| e.into_inner());
            if scanned.len() >= 1024 {
                scanned.remove(0);
            }
            scanned.push(prefix.to_vec());
        }
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        Ok(map
            .range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_shadows_head() {
        let head = MemKv::from_map(BTreeMap::from([
            (b"a/1".to_vec(), b"x".to_vec()),
            (b"a/2".to_vec(), b"y".to_vec()),
            (b"b/1".to_vec(), b"z".to_vec()),
        ]));
        let mut view = TxnView::new(&head);
        view.delete(b"a/1".to_vec());
        view.put(b"a/3".to_vec(), b"w".to_vec());
        assert_eq!(view.get(b"a/1").unwrap(), None);
        assert_eq!(view.get(b"b/1").unwrap(), Some(b"z".to_vec()));
        let keys: Vec<_> = view
            .scan_prefix(b"a/")
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, vec![b"a/2".to_vec(), b"a/3".to_vec()]);
        assert_eq!(view.pending(b"a/1"), Some(None));
    }

    #[test]
    fn fingerprint_tells_values_apart() {
        assert_eq!(fingerprint(None), None);
        assert_ne!(fingerprint(Some(b"a")), fingerprint(Some(b"b")));
    }
}
