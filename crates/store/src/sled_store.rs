//! The on-disk backend, sled: one sled tree per store tree, flushed before a batch is acknowledged.

use std::path::Path;

use crate::{Batch, Result, Store, StoreError};

/// A sled database in a directory. Cheap to share: sled handles are reference-counted.
#[derive(Debug, Clone)]
pub struct SledStore {
    db: sled::Db,
}

fn err(e: sled::Error) -> StoreError {
    StoreError(e.to_string())
}

impl SledStore {
    /// Opens (or creates) the database under `dir`. sled's cache of tree nodes may grow to
    /// 32 MiB: a ceiling, not an allocation. The data plane caches the pages it reads in front
    /// of it, so a larger one mostly held the same pages twice. (sled counts a node at its size
    /// in the log, which is honest only while no message is a blob: the volume keeps its values
    /// small for that.) sled releases
    /// its file lock from background threads a moment after the last handle drops, so a lock
    /// still held is retried for up to two seconds before giving up.
    pub fn open(dir: &Path) -> Result<Self> {
        let config = sled::Config::new()
            .path(dir)
            .cache_capacity(32 * 1024 * 1024);
        let mut attempts = 0;
        loop {
            match config.open() {
                Ok(db) => return Ok(SledStore { db }),
                // sled reports a held lock as a plain I/O error with this text.
                Err(sled::Error::Io(e))
                    if e.to_string().contains("could not acquire lock") && attempts < 100 =>
                {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => return Err(err(e)),
            }
        }
    }

    fn tree(&self, name: &str) -> Result<sled::Tree> {
        self.db.open_tree(name).map_err(err)
    }
}

impl Store for SledStore {
    fn get(&self, tree: &str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.tree(tree)?.get(key).map_err(err)?.map(|v| v.to_vec()))
    }

    fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.tree(tree)?
            .scan_prefix(prefix)
            .map(|entry| entry.map(|(k, v)| (k.to_vec(), v.to_vec())).map_err(err))
            .collect()
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
        self.tree(tree)?
            .range(start..end)
            .take(limit)
            .map(|entry| entry.map(|(k, v)| (k.to_vec(), v.to_vec())).map_err(err))
            .collect()
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
        match self.tree(tree)?.range(start..=end).next_back() {
            None => Ok(None),
            Some(entry) => entry
                .map(|(k, v)| Some((k.to_vec(), v.to_vec())))
                .map_err(err),
        }
    }

    fn clear_tree(&self, tree: &str) -> Result<()> {
        self.db.drop_tree(tree).map_err(err)?;
        self.db.flush().map_err(err)?;
        Ok(())
    }

    fn apply(&self, tree: &str, batch: Batch) -> Result<()> {
        let mut sled_batch = sled::Batch::default();
        for (key, value) in batch.ops {
            match value {
                Some(v) => sled_batch.insert(key, v),
                None => sled_batch.remove(key),
            }
        }
        self.tree(tree)?.apply_batch(sled_batch).map_err(err)?;
        self.db.flush().map_err(err)?;
        Ok(())
    }

    fn clear_all(&self) -> Result<()> {
        for name in self.db.tree_names() {
            if name != self.db.name() {
                self.db.drop_tree(&name).map_err(err)?;
            }
        }
        self.db.clear().map_err(err)?;
        self.db.flush().map_err(err)?;
        Ok(())
    }

    fn flush(&self) -> Result<()> {
        self.db.flush().map_err(err)?;
        Ok(())
    }
}
