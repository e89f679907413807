//! The in-memory backend: for tests and `--in-memory` runs, where nothing must outlive the process.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use crate::{Batch, Result, Store, StoreError};

/// One tree: ordered keys to values.
type Tree = BTreeMap<Vec<u8>, Vec<u8>>;

/// Trees kept in ordered maps behind one lock; batches are atomic because they apply under it.
#[derive(Debug, Default)]
pub struct MemoryStore {
    trees: Mutex<HashMap<String, Tree>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, Tree>>> {
        self.trees
            .lock()
            .map_err(|_| StoreError("memory store lock poisoned".into()))
    }
}

impl Store for MemoryStore {
    fn get(&self, tree: &str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.lock()?.get(tree).and_then(|t| t.get(key).cloned()))
    }

    fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let trees = self.lock()?;
        let Some(t) = trees.get(tree) else {
            return Ok(Vec::new());
        };
        Ok(t.range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    fn scan_range(
        &self,
        tree: &str,
        start: &[u8],
        end: &[u8],
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        if start >= end {
            return Ok(Vec::new());
        }
        let trees = self.lock()?;
        let Some(t) = trees.get(tree) else {
            return Ok(Vec::new());
        };
        Ok(t.range(start.to_vec()..end.to_vec())
            .take(limit)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    fn last_in_range(
        &self,
        tree: &str,
        start: &[u8],
        end: &[u8],
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        if start > end {
            return Ok(None);
        }
        let trees = self.lock()?;
        let Some(t) = trees.get(tree) else {
            return Ok(None);
        };
        Ok(t.range(start.to_vec()..=end.to_vec())
            .next_back()
            .map(|(k, v)| (k.clone(), v.clone())))
    }

    fn clear_tree(&self, tree: &str) -> Result<()> {
        self.lock()?.remove(tree);
        Ok(())
    }

    fn apply(&self, tree: &str, batch: Batch) -> Result<()> {
        let mut trees = self.lock()?;
        let t = trees.entry(tree.to_owned()).or_default();
        for (key, value) in batch.ops {
            match value {
                Some(v) => t.insert(key, v),
                None => t.remove(&key),
            };
        }
        Ok(())
    }

    fn clear_all(&self) -> Result<()> {
        self.lock()?.clear();
        Ok(())
    }
}
