//! Shutdown's last step: a store that cannot flush (sled retrying on a full disk) does not keep
//! the process alive past the bound.

use std::sync::Arc;
use std::time::{Duration, Instant};

use store::{Batch, MemoryStore, Result, Store};

/// A memory store whose flush blocks for `flush_takes`.
struct SlowFlush {
    inner: MemoryStore,
    flush_takes: Duration,
}

impl Store for SlowFlush {
    fn get(&self, tree: &str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.inner.get(tree, key)
    }
    fn scan_prefix(&self, tree: &str, prefix: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.inner.scan_prefix(tree, prefix)
    }
    fn scan_range(
        &self,
        tree: &str,
        start: &[u8],
        end: &[u8],
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.inner.scan_range(tree, start, end, limit)
    }
    fn last_in_range(
        &self,
        tree: &str,
        start: &[u8],
        end: &[u8],
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        self.inner.last_in_range(tree, start, end)
    }
    fn clear_tree(&self, tree: &str) -> Result<()> {
        self.inner.clear_tree(tree)
    }
    fn apply(&self, tree: &str, batch: Batch) -> Result<()> {
        self.inner.apply(tree, batch)
    }
    fn clear_all(&self) -> Result<()> {
        self.inner.clear_all()
    }
    fn flush(&self) -> Result<()> {
        std::thread::sleep(self.flush_takes);
        Ok(())
    }
}

fn slow(flush_takes: Duration) -> Arc<dyn Store> {
    Arc::new(SlowFlush {
        inner: MemoryStore::new(),
        flush_takes,
    })
}

#[test]
fn a_flush_that_does_not_end_is_given_up_after_the_bound() {
    let started = Instant::now();
    let flushed = server::flush_within(slow(Duration::from_secs(30)), Duration::from_millis(200));
    assert!(
        !flushed.expect("no error"),
        "the flush cannot have finished"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_flush_within_the_bound_is_waited_for() {
    let flushed = server::flush_within(slow(Duration::from_millis(50)), Duration::from_secs(10));
    assert!(flushed.expect("no error"));
}
