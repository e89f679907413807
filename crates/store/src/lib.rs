//! Durable key-value trees, the one place Rewind touches a database library.
//!
//! The domain and the storage volume see only the [`Store`] trait: named trees of ordered byte
//! keys, written in atomic batches that are durable when `apply` returns (so an answered request
//! survives `kill -9`). Two backends: [`SledStore`] on disk and [`MemoryStore`] for tests and
//! `--in-memory`. One conformance suite (`tests/conformance.rs`) runs against both. This crate
//! must never import anything RDS- or Aurora-specific.

mod memory;
mod sled_store;

use std::fmt;

pub use memory::MemoryStore;
pub use sled_store::SledStore;

/// A storage failure: I/O or corruption underneath. Callers report it as an internal error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// Results of store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Writes to one tree, applied all together or not at all.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// `(key, Some(value))` sets, `(key, None)` removes; later entries win.
    pub ops: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

impl Batch {
    /// Sets `key` to `value`.
    pub fn put(&mut self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.ops.push((key.into(), Some(value.into())));
    }

    /// Removes `key`.
    pub fn delete(&mut self, key: impl Into<Vec<u8>>) {
        self.ops.push((key.into(), None));
    }

    /// True when the batch would change nothing.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Named trees of ordered byte keys. Implementations are shared across threads.
pub trait Store: Send + Sync + 'static {
    /// The value of `key` in `tree`.
    fn get(&self, tree: &str, key: &[u8]) -> Result<Option<Vec<u8>>>;

    /// Every entry whose key starts with `prefix`, in key order.
    fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>>;

    /// Entries with `start <= key < end`, in key order, at most `limit` of them.
    fn scan_range(
        &self,
        tree: &str,
        start: &[u8],
        end: &[u8],
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>>;

    /// The entry with the greatest key in `start..=end`, if any.
    fn last_in_range(
        &self,
        tree: &str,
        start: &[u8],
        end: &[u8],
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>>;

    /// Removes every entry of one tree, durably.
    fn clear_tree(&self, tree: &str) -> Result<()>;

    /// Applies `batch` atomically; when this returns `Ok`, the writes survive a crash.
    fn apply(&self, tree: &str, batch: Batch) -> Result<()>;

    /// Removes every entry of every tree (the emulator's reset).
    fn clear_all(&self) -> Result<()>;

    /// Writes out anything still buffered, before the process exits. Every `apply` is already
    /// durable, so the default does nothing.
    fn flush(&self) -> Result<()> {
        Ok(())
    }
}
