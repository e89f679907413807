//! The page store under a space: the trait the cluster's storage volume implements, and an
//! in-memory one for tests.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// One write of a store commit: a key and its new value (`None` deletes the key).
pub type StoreWrite = (Vec<u8>, Option<Vec<u8>>);

/// A durable, versioned key-value store that holds a database's pages.
///
/// The space reads keys `page/<u32 big-endian page number>` (a 4096-byte chunk of the
/// database file; SQLite page `n` lives at file offset `(n - 1) * 4096`) and `size` (the file
/// length as a u64 big-endian). Every SQLite commit becomes exactly one [`PageStore::commit`].
pub trait PageStore: Send + Sync + 'static {
    /// The current value of `key`, `None` if it was never written or was deleted.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String>;

    /// Applies all `writes` atomically: either all of them become visible to later `get`s, or
    /// (on `Err`) none of them do.
    fn commit(&self, writes: Vec<StoreWrite>) -> Result<(), String>;

    /// A number that changes whenever the store's contents were changed from outside the space
    /// (a backtrack). The space compares it at every new snapshot and, when it changed, drops
    /// everything it cached and bumps its epoch.
    fn generation(&self) -> u64;
}

/// The store key of a SQLite page number (1-based).
pub fn page_key(page_no: u32) -> Vec<u8> {
    let mut key = b"page/".to_vec();
    key.extend_from_slice(&page_no.to_be_bytes());
    key
}

/// The store key of the database file's length.
pub const SIZE_KEY: &[u8] = b"size";

#[derive(Default)]
struct MemInner {
    map: BTreeMap<Vec<u8>, Vec<u8>>,
    generation: u64,
    fail_next: Option<String>,
    commits: u64,
}

/// An in-memory [`PageStore`] for tests (this crate's and the dialect crate's): commits are
/// atomic under one mutex; the next commit can be made to fail, and the contents can be replaced
/// by an earlier copy to simulate a backtrack.
#[derive(Default)]
pub struct MemStore {
    inner: Mutex<MemInner>,
}

impl MemStore {
    /// An empty store at generation 0.
    pub fn new() -> Self {
        Self::default()
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, MemInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes the next [`PageStore::commit`] fail with `message`, leaving the contents unchanged.
    pub fn fail_next_commit(&self, message: impl Into<String>) {
        self.inner().fail_next = Some(message.into());
    }

    /// A copy of all keys and values (to compare, or to restore later with [`MemStore::restore`]).
    pub fn contents(&self) -> BTreeMap<Vec<u8>, Vec<u8>> {
        self.inner().map.clone()
    }

    /// Replaces the contents with `contents` and bumps the generation: a simulated backtrack.
    pub fn restore(&self, contents: BTreeMap<Vec<u8>, Vec<u8>>) {
        let mut inner = self.inner();
        inner.map = contents;
        inner.generation += 1;
    }

    /// Bumps the generation without changing the contents.
    pub fn bump_generation(&self) {
        self.inner().generation += 1;
    }

    /// How many commits succeeded so far.
    pub fn commit_count(&self) -> u64 {
        self.inner().commits
    }
}

impl PageStore for MemStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        Ok(self.inner().map.get(key).cloned())
    }

    fn commit(&self, writes: Vec<StoreWrite>) -> Result<(), String> {
        let mut inner = self.inner();
        if let Some(message) = inner.fail_next.take() {
            return Err(message);
        }
        for (key, value) in writes {
            match value {
                Some(value) => inner.map.insert(key, value),
                None => inner.map.remove(&key),
            };
        }
        inner.commits += 1;
        Ok(())
    }

    fn generation(&self) -> u64 {
        self.inner().generation
    }
}
