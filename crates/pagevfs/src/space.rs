//! One database's shared state: head version, pinned snapshots, old page images, the head page
//! cache and the writer lock.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use crate::store::{page_key, PageStore, StoreWrite, SIZE_KEY};

/// Bytes per store page (chunk of the database file).
pub(crate) const PAGE: u64 = 4096;

/// A page image shared between the cache, version chains and readers; `None` = absent (zeros).
pub(crate) type Image = Option<Arc<Vec<u8>>>;

/// Bookkeeping cost of one cache entry besides its bytes.
const ENTRY_OVERHEAD: usize = 64;

/// Tuning of a [`PageSpace`].
#[derive(Debug, Clone)]
pub struct SpaceConfig {
    /// Byte budget of the shared cache of head page images (default 32 MiB; with sled's own
    /// 32 MiB cache under it, a 1 GB database serves in about 300 MB of RSS).
    pub cache_bytes: usize,
    /// How long a connection's writer waits for the writer lock before SQLITE_BUSY, unless the
    /// connection sets its own (MySQL's innodb_lock_wait_timeout, default 50 s).
    pub lock_wait: Duration,
}

impl Default for SpaceConfig {
    fn default() -> Self {
        Self {
            cache_bytes: 32 << 20,
            lock_wait: Duration::from_secs(50),
        }
    }
}

struct CacheEntry {
    image: Image,
    referenced: bool,
}

/// The head cache with CLOCK eviction under a byte budget.
struct Cache {
    map: HashMap<u32, CacheEntry>,
    queue: VecDeque<u32>,
    bytes: usize,
    budget: usize,
}

fn cost(image: &Image) -> usize {
    ENTRY_OVERHEAD + image.as_ref().map_or(0, |i| i.len())
}

impl Cache {
    fn new(budget: usize) -> Self {
        Self {
            map: HashMap::new(),
            queue: VecDeque::new(),
            bytes: 0,
            budget,
        }
    }

    fn get(&mut self, page: u32) -> Option<Image> {
        let entry = self.map.get_mut(&page)?;
        entry.referenced = true;
        Some(entry.image.clone())
    }

    fn insert(&mut self, page: u32, image: Image) {
        let added = cost(&image);
        match self.map.get_mut(&page) {
            Some(entry) => {
                self.bytes = self.bytes - cost(&entry.image) + added;
                entry.image = image;
                entry.referenced = true;
            }
            None => {
                self.bytes += added;
                self.map.insert(
                    page,
                    CacheEntry {
                        image,
                        referenced: false,
                    },
                );
                self.queue.push_back(page);
            }
        }
        self.evict();
    }

    fn evict(&mut self) {
        // Each key is in the queue once; a full sweep clears every reference bit, so two sweeps
        // bound the loop.
        let mut budget_steps = 2 * self.queue.len() + 1;
        while self.bytes > self.budget && budget_steps > 0 {
            budget_steps -= 1;
            let Some(page) = self.queue.pop_front() else {
                break;
            };
            let Some(entry) = self.map.get_mut(&page) else {
                continue;
            };
            if entry.referenced {
                entry.referenced = false;
                self.queue.push_back(page);
            } else if let Some(entry) = self.map.remove(&page) {
                self.bytes -= cost(&entry.image);
            }
        }
    }

    fn clear(&mut self) {
        self.map.clear();
        self.queue.clear();
        self.bytes = 0;
    }
}

/// Mutable state of a space, under one mutex held only briefly (never across store calls).
struct State {
    /// Version of the newest commit this space knows (bumped per commit and per backtrack).
    head: u64,
    generation: u64,
    epoch: u64,
    /// File length at head, once loaded.
    head_size: Option<u64>,
    cache: Cache,
    /// Per page, old images oldest first: `(v, image)` = the page's content for snapshots older
    /// than version `v` (and not older than the previous entry's `v`).
    chains: HashMap<u32, Vec<(u64, Image)>>,
    /// The same for the file length.
    size_chain: Vec<(u64, u64)>,
    /// Pinned snapshot versions with their pin counts.
    pins: BTreeMap<u64, usize>,
    /// Number of old images held in `chains`.
    retained: usize,
}

impl State {
    fn gc(&mut self) {
        match self.pins.keys().next().copied() {
            None => {
                self.chains.clear();
                self.size_chain.clear();
                self.retained = 0;
            }
            Some(oldest) => {
                let mut retained = 0;
                self.chains.retain(|_, chain| {
                    chain.retain(|(v, _)| *v > oldest);
                    retained += chain.len();
                    !chain.is_empty()
                });
                self.retained = retained;
                self.size_chain.retain(|(v, _)| *v > oldest);
            }
        }
    }

    /// Drops the entries of one chain no pinned snapshot can look up: entry `(v, _)` serves the
    /// snapshots in `[previous v, v)`, and new pins only ever come at the head (past every `v`).
    fn prune<T>(pins: &BTreeMap<u64, usize>, chain: &mut Vec<(u64, T)>) -> usize {
        let before = chain.len();
        let mut prev = 0;
        chain.retain(|(v, _)| {
            let keep = pins.range(prev..*v).next().is_some();
            prev = *v;
            keep
        });
        before - chain.len()
    }

    fn unpin(&mut self, version: u64) {
        let oldest_before = self.pins.keys().next().copied();
        if let Some(count) = self.pins.get_mut(&version) {
            *count -= 1;
            if *count == 0 {
                self.pins.remove(&version);
            }
        }
        if self.pins.keys().next().copied() != oldest_before && !self.chains_empty() {
            self.gc();
        }
    }

    fn chains_empty(&self) -> bool {
        self.chains.is_empty() && self.size_chain.is_empty()
    }
}

static NEXT_SPACE: AtomicU64 = AtomicU64::new(1);

/// One database whose pages live in a [`PageStore`]; shared (in an `Arc`) by all the connections
/// that open it, so they see each other's commits, share the page cache and take turns writing.
pub struct PageSpace {
    pub(crate) id: u64,
    pub(crate) store: Arc<dyn PageStore>,
    pub(crate) config: SpaceConfig,
    /// Fences store reads (read side) against commits and cache drops (write side), so that no
    /// reader sees half a commit.
    fence: RwLock<()>,
    state: Mutex<State>,
    /// The connection id holding the writer lock.
    writer: Mutex<Option<u64>>,
    writer_freed: Condvar,
    pub(crate) next_conn: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl PageSpace {
    /// A space over `store`. Nothing is read until a connection needs it.
    pub fn new(store: Arc<dyn PageStore>, config: SpaceConfig) -> Arc<Self> {
        let generation = store.generation();
        Arc::new(Self {
            id: NEXT_SPACE.fetch_add(1, Ordering::Relaxed),
            state: Mutex::new(State {
                head: 0,
                generation,
                epoch: 0,
                head_size: None,
                cache: Cache::new(config.cache_bytes),
                chains: HashMap::new(),
                size_chain: Vec::new(),
                pins: BTreeMap::new(),
                retained: 0,
            }),
            store,
            config,
            fence: RwLock::new(()),
            writer: Mutex::new(None),
            writer_freed: Condvar::new(),
            next_conn: AtomicU64::new(1),
        })
    }

    /// The current epoch: bumped each time the store's generation was seen to change
    /// (a backtrack); connections opened in an older epoch are no longer current.
    pub fn epoch(&self) -> u64 {
        self.check_generation();
        lock(&self.state).epoch
    }

    /// The version of the newest commit (counts this space's commits and backtracks); for
    /// diagnostics and tests.
    pub fn head_version(&self) -> u64 {
        lock(&self.state).head
    }

    /// How many old page images are kept for pinned snapshots right now; for tests of the
    /// version garbage collection.
    pub fn retained_images(&self) -> usize {
        lock(&self.state).retained
    }

    /// Bytes the head cache holds right now (within [`SpaceConfig::cache_bytes`]).
    pub fn cached_bytes(&self) -> usize {
        lock(&self.state).cache.bytes
    }

    /// The store this space reads and commits to.
    pub fn store(&self) -> &Arc<dyn PageStore> {
        &self.store
    }

    fn read_fence(&self) -> std::sync::RwLockReadGuard<'_, ()> {
        self.fence.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write_fence(&self) -> std::sync::RwLockWriteGuard<'_, ()> {
        self.fence.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Compares the store's generation; if it changed, drops the cache and version chains and
    /// bumps the epoch (and the head version, so every older snapshot is stale for writing).
    pub(crate) fn check_generation(&self) {
        let generation = self.store.generation();
        if lock(&self.state).generation == generation {
            return;
        }
        let _fence = self.write_fence();
        let generation = self.store.generation();
        let mut st = lock(&self.state);
        if st.generation != generation {
            st.generation = generation;
            st.epoch += 1;
            st.head += 1;
            st.head_size = None;
            st.cache.clear();
            st.chains.clear();
            st.size_chain.clear();
            st.retained = 0;
        }
    }

    /// Head file length; caller holds the read or write fence.
    fn load_head_size(&self) -> Result<u64, String> {
        if let Some(size) = lock(&self.state).head_size {
            return Ok(size);
        }
        let size = match self.store.get(SIZE_KEY)? {
            None => 0,
            Some(bytes) => {
                let arr: [u8; 8] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| format!("store key 'size' has {} bytes, not 8", bytes.len()))?;
                u64::from_be_bytes(arr)
            }
        };
        lock(&self.state).head_size = Some(size);
        Ok(size)
    }

    /// Pins a snapshot at the head: returns its version and file length.
    pub(crate) fn pin(&self) -> Result<(u64, u64), String> {
        self.check_generation();
        // The fence keeps a commit from landing between reading the head and registering the
        // pin (the commit decides from the pins whether to keep old images).
        let _fence = self.read_fence();
        let size = self.load_head_size()?;
        let mut st = lock(&self.state);
        let version = st.head;
        *st.pins.entry(version).or_insert(0) += 1;
        Ok((version, size))
    }

    /// Releases a pin taken by [`PageSpace::pin`].
    pub(crate) fn unpin(&self, version: u64) {
        lock(&self.state).unpin(version);
    }

    /// The file length as of `snapshot` (`None` = head, unpinned).
    pub(crate) fn size_at(&self, snapshot: Option<u64>) -> Result<u64, String> {
        let _fence = self.read_fence();
        if let Some(s) = snapshot {
            let st = lock(&self.state);
            if let Some((_, size)) = st.size_chain.iter().find(|(v, _)| *v > s) {
                return Ok(*size);
            }
        }
        self.load_head_size()
    }

    /// The image of 1-based page `page` as of `snapshot` (`None` = head, unpinned).
    ///
    /// Chains and cache change together under the state mutex, so a hit there needs no fence
    /// (a commit still writing to the store has not touched them yet); only a store read takes
    /// the fence, so it cannot see a commit that the chains do not show yet.
    pub(crate) fn read_page(&self, snapshot: Option<u64>, page: u32) -> Result<Image, String> {
        if let Some(image) = self.lookup(snapshot, page) {
            return Ok(image);
        }
        let _fence = self.read_fence();
        if let Some(image) = self.lookup(snapshot, page) {
            return Ok(image);
        }
        let image = self.store.get(&page_key(page))?.map(Arc::new);
        lock(&self.state).cache.insert(page, image.clone());
        Ok(image)
    }

    /// The image from the version chain or the head cache, if there.
    fn lookup(&self, snapshot: Option<u64>, page: u32) -> Option<Image> {
        let mut st = lock(&self.state);
        if let Some(s) = snapshot {
            if let Some(chain) = st.chains.get(&page) {
                if let Some((_, image)) = chain.iter().find(|(v, _)| *v > s) {
                    return Some(image.clone());
                }
            }
        }
        st.cache.get(page)
    }

    /// Head image of a page; caller holds the write fence.
    fn head_image(&self, page: u32) -> Result<Image, String> {
        if let Some(image) = lock(&self.state).cache.get(page) {
            return Ok(image);
        }
        Ok(self.store.get(&page_key(page))?.map(Arc::new))
    }

    /// Commits the pages and file length a writer buffered on top of `snapshot` as one store
    /// commit. On success returns the new version (the writer's pin moved to it); on failure the
    /// store and the space are unchanged.
    pub(crate) fn commit(
        &self,
        snapshot: u64,
        pages: &BTreeMap<u32, Vec<u8>>,
        new_size: u64,
    ) -> Result<u64, String> {
        let _fence = self.write_fence();
        let (head, others_pinned) = {
            let st = lock(&self.state);
            (st.head, st.pins.values().sum::<usize>() > 1)
        };
        if head != snapshot {
            return Err(format!(
                "commit on snapshot {snapshot} but the head is {head} (the store changed)"
            ));
        }
        let old_size = self.load_head_size()?;
        let old_pages = old_size.div_ceil(PAGE) as u32;
        let new_pages = new_size.div_ceil(PAGE) as u32;

        let mut writes: Vec<StoreWrite> = Vec::with_capacity(pages.len() + 1);
        let mut new_images: Vec<(u32, Image)> = Vec::with_capacity(pages.len());
        for (&page, image) in pages.range(..=new_pages) {
            if page == 0 {
                continue;
            }
            writes.push((page_key(page), Some(image.clone())));
            new_images.push((page, Some(Arc::new(image.clone()))));
        }
        for page in (new_pages + 1)..=old_pages {
            writes.push((page_key(page), None));
            new_images.push((page, None));
        }
        writes.push((SIZE_KEY.to_vec(), Some(new_size.to_be_bytes().to_vec())));

        // Old images for the snapshots other readers pinned (all at or below head).
        let mut old_images: Vec<(u32, Image)> = Vec::new();
        if others_pinned {
            for &(page, _) in &new_images {
                let old = if page > old_pages {
                    None
                } else {
                    self.head_image(page)?
                };
                old_images.push((page, old));
            }
        }

        self.store.commit(writes)?;

        let mut guard = lock(&self.state);
        let st = &mut *guard;
        let version = st.head + 1;
        st.head = version;
        st.head_size = Some(new_size);
        // The writer's own pin moves to what it just committed.
        *st.pins.entry(version).or_insert(0) += 1;
        st.unpin(snapshot);
        for (page, old) in old_images {
            let chain = st.chains.entry(page).or_default();
            chain.push((version, old));
            st.retained += 1;
            st.retained -= State::prune(&st.pins, chain);
            if chain.is_empty() {
                st.chains.remove(&page);
            }
        }
        if others_pinned {
            st.size_chain.push((version, old_size));
            State::prune(&st.pins, &mut st.size_chain);
        }
        for (page, image) in new_images {
            st.cache.insert(page, image);
        }
        Ok(version)
    }

    /// Whether `snapshot` is still the head (a writer may only start on the head).
    pub(crate) fn is_head(&self, snapshot: u64) -> bool {
        lock(&self.state).head == snapshot
    }

    /// The connection holding the writer lock, if any.
    pub(crate) fn writer(&self) -> Option<u64> {
        *lock(&self.writer)
    }

    /// Waits until the writer lock is free (or already `conn`'s) and takes it for `conn`;
    /// false when `deadline` passed first.
    pub(crate) fn acquire_writer(&self, conn: u64, deadline: Instant) -> bool {
        let mut writer = lock(&self.writer);
        loop {
            match *writer {
                None => {
                    *writer = Some(conn);
                    return true;
                }
                Some(owner) if owner == conn => return true,
                Some(_) => {}
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            writer = self
                .writer_freed
                .wait_timeout(writer, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Frees the writer lock if `conn` holds it.
    pub(crate) fn release_writer(&self, conn: u64) {
        let mut writer = lock(&self.writer);
        if *writer == Some(conn) {
            *writer = None;
            self.writer_freed.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(b: u8) -> Image {
        Some(Arc::new(vec![b; PAGE as usize]))
    }

    #[test]
    fn prune_keeps_only_entries_a_pin_can_reach() {
        // Entries valid before versions 3, 5, 8; pins at 4 and 9 (9 reads head).
        let mut chain = vec![(3u64, 'a'), (5, 'b'), (8, 'c')];
        let pins: BTreeMap<u64, usize> = [(4, 1), (9, 1)].into_iter().collect();
        assert_eq!(State::prune(&pins, &mut chain), 2);
        assert_eq!(chain, vec![(5, 'b')]);
        let pins: BTreeMap<u64, usize> = [(0, 1), (7, 2)].into_iter().collect();
        let mut chain = vec![(3u64, 'a'), (5, 'b'), (8, 'c')];
        State::prune(&pins, &mut chain);
        assert_eq!(chain, vec![(3, 'a'), (8, 'c')]);
    }

    #[test]
    fn cache_evicts_within_budget_and_keeps_referenced() {
        let entry = PAGE as usize + ENTRY_OVERHEAD;
        let mut cache = Cache::new(3 * entry);
        for page in 1..=3 {
            cache.insert(page, img(page as u8));
        }
        assert!(cache.get(1).is_some());
        cache.insert(4, img(4));
        assert!(cache.bytes <= 3 * entry);
        assert!(cache.get(1).is_some(), "referenced entry survives");
        assert!(!cache.map.contains_key(&2), "oldest unreferenced goes");
        cache.insert(5, None);
        assert!(cache.bytes <= 3 * entry);
        assert_eq!(cache.get(5), Some(None));
    }

    #[test]
    fn snapshot_reads_old_images_until_unpinned() {
        let store = Arc::new(crate::MemStore::new());
        let space = PageSpace::new(store, SpaceConfig::default());
        let (v0, size0) = space.pin().unwrap();
        let (reader, _) = space.pin().unwrap();
        let pages: BTreeMap<u32, Vec<u8>> = [(1, vec![7; PAGE as usize])].into_iter().collect();
        let v1 = space.commit(v0, &pages, PAGE).unwrap();
        assert_eq!(v1, v0 + 1);
        assert_eq!(space.read_page(Some(reader), 1).unwrap(), None);
        assert_eq!(space.size_at(Some(reader)).unwrap(), size0);
        assert_eq!(space.read_page(Some(v1), 1).unwrap(), img(7));
        assert_eq!(space.size_at(Some(v1)).unwrap(), PAGE);
        assert_eq!(space.retained_images(), 1);
        space.unpin(reader);
        assert_eq!(space.retained_images(), 0);
        // A commit on a snapshot that is not the head is refused.
        assert!(space.commit(v0, &pages, PAGE).is_err());
        space.unpin(v1);
    }
}
