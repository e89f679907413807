//! The SQLite VFS: one global registration that routes each connection's main database file to
//! its space, and keeps any other file SQLite asks for in memory.

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};
use std::io::{Error, ErrorKind};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use sqlite_vfs::{wip, DatabaseHandle, LockKind, OpenKind, OpenOptions, Vfs};

use crate::space::{PageSpace, PAGE};

/// The name the VFS is registered under.
pub(crate) const VFS_NAME: &str = "rewind-pagevfs";

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Retry bookkeeping between the VFS's RESERVED lock and the connection's busy handler.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Retry {
    /// Nothing pending.
    Idle,
    /// The writer lock came free but this connection's snapshot was stale: a retry from a
    /// fresh snapshot (which SQLite only does outside an open read transaction) may succeed
    /// before the deadline.
    Wanted(Instant),
    /// The busy handler granted that retry at the given moment; the retry keeps the deadline.
    Granted { deadline: Instant, at: Instant },
}

/// State one connection shares between its [`crate::PageConnection`], its main-db handle and its
/// busy handler.
pub(crate) struct ConnShared {
    pub(crate) id: u64,
    pub(crate) space: Arc<PageSpace>,
    pub(crate) epoch: u64,
    pub(crate) lock_wait: Mutex<Duration>,
    pub(crate) timed_out: AtomicBool,
    pub(crate) store_error: Mutex<Option<String>>,
    pub(crate) retry: Mutex<Retry>,
    /// The main handle's lock level (see [`rank`]).
    pub(crate) level: AtomicU8,
}

impl ConnShared {
    fn record_error(&self, message: &str) {
        *lock(&self.store_error) = Some(message.to_string());
    }

    /// The busy handler's decision: retry once when the VFS asked for it.
    pub(crate) fn grant_retry(&self) -> bool {
        let mut retry = lock(&self.retry);
        match *retry {
            Retry::Wanted(deadline) if Instant::now() < deadline => {
                *retry = Retry::Granted {
                    deadline,
                    at: Instant::now(),
                };
                true
            }
            _ => {
                *retry = Retry::Idle;
                false
            }
        }
    }
}

/// Lock levels in order.
pub(crate) fn rank(kind: LockKind) -> u8 {
    match kind {
        LockKind::None => 0,
        LockKind::Shared => 1,
        LockKind::Reserved => 2,
        LockKind::Pending => 3,
        LockKind::Exclusive => 4,
    }
}

/// Connections waiting to be opened, by their main file name.
fn registry() -> &'static Mutex<HashMap<String, Arc<ConnShared>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<String, Arc<ConnShared>>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

/// Registers the VFS once per process.
pub(crate) fn ensure_registered() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            sqlite_vfs::register(VFS_NAME, PageVfs::default(), false)
                .map_err(|e| format!("registering the page VFS: {e:?}"))
        })
        .clone()
}

/// Makes `shared` openable as `name` until the returned guard drops.
pub(crate) fn register_conn(name: &str, shared: Arc<ConnShared>) -> RegistryGuard {
    lock(registry()).insert(name.to_string(), shared);
    RegistryGuard(name.to_string())
}

/// Removes a registry entry when dropped.
pub(crate) struct RegistryGuard(String);

impl Drop for RegistryGuard {
    fn drop(&mut self) {
        lock(registry()).remove(&self.0);
    }
}

#[derive(Default)]
struct PageVfs {
    temp_counter: AtomicU64,
}

impl Vfs for PageVfs {
    type Handle = Handle;

    fn open(&self, db: &str, opts: OpenOptions) -> Result<Handle, Error> {
        if opts.kind == OpenKind::MainDb {
            let shared = lock(registry()).get(db).cloned().ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!("{db}: not a page space connection (open it with PageSpace::connect)"),
                )
            })?;
            return Ok(Handle::Main(Box::new(MainHandle::new(shared))));
        }
        Ok(Handle::Mem(MemFile::default()))
    }

    fn delete(&self, _db: &str) -> Result<(), Error> {
        // Only in-memory side files exist, and they vanish with their handle.
        Ok(())
    }

    fn exists(&self, db: &str) -> Result<bool, Error> {
        Ok(lock(registry()).contains_key(db))
    }

    fn temporary_name(&self) -> String {
        format!(
            "rewind-temp-{}",
            self.temp_counter.fetch_add(1, Ordering::Relaxed)
        )
    }

    fn random(&self, buffer: &mut [i8]) {
        for chunk in buffer.chunks_mut(8) {
            let mut hasher = RandomState::new().build_hasher();
            hasher.write_u64(self.temp_counter.fetch_add(1, Ordering::Relaxed));
            let bytes = hasher.finish().to_le_bytes();
            for (out, b) in chunk.iter_mut().zip(bytes) {
                *out = b as i8;
            }
        }
    }

    fn sleep(&self, duration: Duration) -> Duration {
        std::thread::sleep(duration);
        duration
    }

    fn full_pathname<'a>(&self, db: &'a str) -> Result<Cow<'a, str>, Error> {
        Ok(db.into())
    }
}

/// No WAL: the space's MVCC replaces it.
pub(crate) struct NoWal;

impl wip::WalIndex for NoWal {
    fn enabled() -> bool {
        false
    }

    fn map(&mut self, _region: u32) -> Result<[u8; 32768], Error> {
        Err(Error::other("no WAL in a page space"))
    }

    fn lock(
        &mut self,
        _locks: std::ops::Range<u8>,
        _lock: wip::WalIndexLock,
    ) -> Result<bool, Error> {
        Err(Error::other("no WAL in a page space"))
    }

    fn delete(self) -> Result<(), Error> {
        Ok(())
    }
}

/// A file SQLite opened through the VFS.
pub(crate) enum Handle {
    /// A connection's main database file, backed by its space.
    Main(Box<MainHandle>),
    /// Anything else (journals, temp files): private to the handle, in memory.
    Mem(MemFile),
}

/// An in-memory file.
#[derive(Default)]
pub(crate) struct MemFile {
    data: Vec<u8>,
    lock: Option<LockKind>,
}

impl MemFile {
    fn read(&self, buf: &mut [u8], offset: u64) -> Result<(), Error> {
        let len = self.data.len() as u64;
        let avail = len.saturating_sub(offset).min(buf.len() as u64) as usize;
        if avail > 0 {
            let start = offset as usize;
            buf[..avail].copy_from_slice(&self.data[start..start + avail]);
        }
        buf[avail..].fill(0);
        if avail < buf.len() {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }

    fn write(&mut self, buf: &[u8], offset: u64) {
        let end = offset as usize + buf.len();
        if self.data.len() < end {
            self.data.resize(end, 0);
        }
        self.data[offset as usize..end].copy_from_slice(buf);
    }
}

/// A page image as a handle sees it: its own buffered write, or a shared snapshot image.
enum PageRef<'a> {
    Dirty(&'a [u8]),
    Shared(Arc<Vec<u8>>),
}

impl std::ops::Deref for PageRef<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            PageRef::Dirty(image) => image,
            PageRef::Shared(image) => image,
        }
    }
}

/// A connection's main database file: reads see its pinned snapshot plus its own buffered
/// writes; the buffer becomes one store commit at xSync.
pub(crate) struct MainHandle {
    conn: Arc<ConnShared>,
    lock: LockKind,
    /// The pinned snapshot version while at SHARED or above.
    snapshot: Option<u64>,
    /// The file length of the snapshot.
    snap_size: u64,
    /// The file length this handle sees (differs from `snap_size` while writing).
    size: u64,
    /// Pages written in the current write transaction, full 4096-byte images by page number.
    dirty: BTreeMap<u32, Vec<u8>>,
    /// A store commit succeeded in this write transaction.
    committed: bool,
    /// A store commit failed in this write transaction (SQLite rolls it back next).
    commit_failed: bool,
}

impl MainHandle {
    fn new(conn: Arc<ConnShared>) -> Self {
        Self {
            conn,
            lock: LockKind::None,
            snapshot: None,
            snap_size: 0,
            size: 0,
            dirty: BTreeMap::new(),
            committed: false,
            commit_failed: false,
        }
    }

    fn space(&self) -> &PageSpace {
        &self.conn.space
    }

    fn store_err(&self, message: String) -> Error {
        self.conn.record_error(&message);
        Error::other(message)
    }

    fn set_lock(&mut self, kind: LockKind) {
        self.lock = kind;
        self.conn.level.store(rank(kind), Ordering::SeqCst);
    }

    /// The image of page `page` this handle sees (`None` = never written: zeros).
    fn page(&self, page: u32) -> Result<Option<PageRef<'_>>, Error> {
        if let Some(image) = self.dirty.get(&page) {
            return Ok(Some(PageRef::Dirty(image)));
        }
        match self.space().read_page(self.snapshot, page) {
            Ok(image) => Ok(image.map(PageRef::Shared)),
            Err(e) => Err(self.store_err(e)),
        }
    }

    fn pin(&mut self) -> Result<(), Error> {
        let (version, size) = self.space().pin().map_err(|e| self.store_err(e))?;
        self.snapshot = Some(version);
        self.snap_size = size;
        self.size = size;
        Ok(())
    }

    fn unpin(&mut self) {
        if let Some(version) = self.snapshot.take() {
            self.space().unpin(version);
        }
    }

    /// SHARED -> RESERVED: the writer lock, only on the head snapshot.
    fn reserve(&mut self) -> Result<bool, Error> {
        let conn = Arc::clone(&self.conn);
        let space = &conn.space;
        let Some(snapshot) = self.snapshot else {
            return Err(Error::other("RESERVED lock without a snapshot"));
        };
        let now = Instant::now();
        let deadline = match std::mem::replace(&mut *lock(&conn.retry), Retry::Idle) {
            Retry::Granted { deadline, at } if now.duration_since(at) < Duration::from_secs(1) => {
                deadline
            }
            _ => now + *lock(&conn.lock_wait),
        };
        let owned_before = space.writer() == Some(conn.id);
        let stale = |retry: &Mutex<Retry>| {
            conn.timed_out.store(false, Ordering::SeqCst);
            if Instant::now() < deadline {
                *lock(retry) = Retry::Wanted(deadline);
            }
            Ok(false)
        };
        if !owned_before {
            space.check_generation();
            if !space.is_head(snapshot) {
                return stale(&conn.retry);
            }
            if !space.acquire_writer(conn.id, deadline) {
                conn.timed_out.store(true, Ordering::SeqCst);
                return Ok(false);
            }
        }
        space.check_generation();
        if !space.is_head(snapshot) {
            if !owned_before {
                space.release_writer(conn.id);
            }
            return stale(&conn.retry);
        }
        Ok(true)
    }

    /// The file length to commit: SQLite truncates a shrunk file only after xSync, so take the
    /// length from the page-1 header when it is valid (change counter == version-valid-for).
    fn final_size(&self) -> u64 {
        let Some(page1) = self.dirty.get(&1) else {
            return self.size;
        };
        let be32 = |at: usize| {
            u32::from_be_bytes([page1[at], page1[at + 1], page1[at + 2], page1[at + 3]])
        };
        if &page1[..16] != b"SQLite format 3\0" || be32(24) != be32(92) {
            return self.size;
        }
        let page_size = match u16::from_be_bytes([page1[16], page1[17]]) {
            1 => 65536u64,
            n => n as u64,
        };
        let pages = be32(28) as u64;
        let header_size = pages * page_size;
        if pages > 0 && header_size < self.size {
            header_size
        } else {
            self.size
        }
    }

    /// A rollback of a transaction whose pages spilled to this handle writes the original
    /// images back and syncs; that is no commit. Every real commit changes page 1 (SQLite bumps
    /// its change counter), so only when page 1 equals the snapshot's are the buffered pages
    /// compared, and those equal to the snapshot dropped. True when nothing is left.
    fn drop_unchanged_pages(&mut self) -> Result<bool, Error> {
        let same = |h: &Self, page: u32, image: &[u8]| -> Result<bool, Error> {
            let old = h
                .space()
                .read_page(h.snapshot, page)
                .map_err(|e| h.store_err(e))?;
            Ok(match old {
                Some(old) => old.as_slice() == image,
                None => image.iter().all(|&b| b == 0),
            })
        };
        if let Some(page1) = self.dirty.get(&1) {
            if !same(self, 1, page1)? {
                return Ok(false);
            }
        }
        let mut changed = BTreeMap::new();
        for (&page, image) in &self.dirty {
            if !same(self, page, image)? {
                changed.insert(page, image.clone());
            }
        }
        self.dirty = changed;
        Ok(self.dirty.is_empty())
    }

    /// Commits the buffered pages and length as one store commit.
    fn commit(&mut self) -> Result<(), Error> {
        let Some(snapshot) = self.snapshot else {
            return Ok(());
        };
        let final_size = self.final_size();
        if self.dirty.is_empty() && final_size == self.snap_size {
            return Ok(());
        }
        let keep = final_size.div_ceil(PAGE) as u32;
        self.dirty.retain(|&page, _| page <= keep);
        if final_size == self.snap_size && self.drop_unchanged_pages()? {
            return Ok(());
        }
        match self.space().commit(snapshot, &self.dirty, final_size) {
            Ok(version) => {
                self.snapshot = Some(version);
                self.snap_size = final_size;
                self.size = final_size;
                self.dirty.clear();
                self.committed = true;
                Ok(())
            }
            Err(message) => Err(self.store_err(message)),
        }
    }

    /// Leaving RESERVED or above: the write transaction is over.
    fn end_write(&mut self) {
        if self.committed
            && !self.commit_failed
            && (!self.dirty.is_empty() || self.size != self.snap_size)
        {
            // Changes after the committing xSync (SQLite's post-commit truncate when the header
            // did not give the length): one more commit; an error can only be recorded.
            let _ = self.commit();
        }
        self.dirty.clear();
        self.size = self.snap_size;
        self.committed = false;
        self.commit_failed = false;
        self.conn.space.release_writer(self.conn.id);
    }

    fn require_writer(&self) -> Result<(), Error> {
        if rank(self.lock) < rank(LockKind::Reserved) {
            return Err(Error::other("write without the RESERVED lock"));
        }
        Ok(())
    }
}

impl Drop for MainHandle {
    fn drop(&mut self) {
        if rank(self.lock) >= rank(LockKind::Reserved) {
            self.dirty.clear();
            self.conn.space.release_writer(self.conn.id);
        }
        self.unpin();
        self.conn.level.store(0, Ordering::SeqCst);
    }
}

impl DatabaseHandle for Handle {
    type WalIndex = NoWal;

    fn size(&self) -> Result<u64, Error> {
        match self {
            Handle::Mem(f) => Ok(f.data.len() as u64),
            Handle::Main(h) => {
                if h.snapshot.is_some() {
                    Ok(h.size)
                } else {
                    h.space().size_at(None).map_err(|e| h.store_err(e))
                }
            }
        }
    }

    fn read_exact_at(&mut self, buf: &mut [u8], offset: u64) -> Result<(), Error> {
        let h = match self {
            Handle::Mem(f) => return f.read(buf, offset),
            Handle::Main(h) => h,
        };
        let size = if h.snapshot.is_some() {
            h.size
        } else {
            h.space().size_at(None).map_err(|e| h.store_err(e))?
        };
        let avail = size.saturating_sub(offset).min(buf.len() as u64) as usize;
        let mut done = 0usize;
        while done < avail {
            let pos = offset + done as u64;
            let page = (pos / PAGE) as u32 + 1;
            let within = (pos % PAGE) as usize;
            let n = (PAGE as usize - within).min(avail - done);
            match h.page(page)? {
                Some(image) => {
                    let have = image.len().saturating_sub(within).min(n);
                    buf[done..done + have].copy_from_slice(&image[within..within + have]);
                    buf[done + have..done + n].fill(0);
                }
                None => buf[done..done + n].fill(0),
            }
            done += n;
        }
        buf[avail..].fill(0);
        if avail < buf.len() {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }

    fn write_all_at(&mut self, buf: &[u8], offset: u64) -> Result<(), Error> {
        let h = match self {
            Handle::Mem(f) => {
                f.write(buf, offset);
                return Ok(());
            }
            Handle::Main(h) => h,
        };
        h.require_writer()?;
        let mut done = 0usize;
        while done < buf.len() {
            let pos = offset + done as u64;
            let page = (pos / PAGE) as u32 + 1;
            let within = (pos % PAGE) as usize;
            let n = (PAGE as usize - within).min(buf.len() - done);
            if !h.dirty.contains_key(&page) {
                let mut image = vec![0u8; PAGE as usize];
                let page_start = (page as u64 - 1) * PAGE;
                if n < PAGE as usize && page_start < h.size {
                    if let Some(old) = h.page(page)? {
                        let keep = old.len().min(PAGE as usize);
                        image[..keep].copy_from_slice(&old[..keep]);
                    }
                }
                h.dirty.insert(page, image);
            }
            if let Some(image) = h.dirty.get_mut(&page) {
                image[within..within + n].copy_from_slice(&buf[done..done + n]);
            }
            done += n;
        }
        h.size = h.size.max(offset + buf.len() as u64);
        Ok(())
    }

    fn sync(&mut self, _data_only: bool) -> Result<(), Error> {
        match self {
            Handle::Mem(_) => Ok(()),
            Handle::Main(h) => {
                if rank(h.lock) < rank(LockKind::Reserved) || h.commit_failed {
                    // After a failed commit SQLite rolls back and syncs the restored pages: they
                    // equal the store's, so there is nothing to commit.
                    return Ok(());
                }
                let result = h.commit();
                if result.is_err() {
                    h.commit_failed = true;
                }
                result
            }
        }
    }

    fn set_len(&mut self, size: u64) -> Result<(), Error> {
        let h = match self {
            Handle::Mem(f) => {
                f.data.resize(size as usize, 0);
                return Ok(());
            }
            Handle::Main(h) => h,
        };
        h.require_writer()?;
        if size < h.size {
            let keep = size.div_ceil(PAGE) as u32;
            h.dirty.retain(|&page, _| page <= keep);
            let tail = (size % PAGE) as usize;
            if tail != 0 {
                if let Some(image) = h.dirty.get_mut(&keep) {
                    image[tail..].fill(0);
                }
            }
        }
        h.size = size;
        Ok(())
    }

    fn lock(&mut self, kind: LockKind) -> Result<bool, Error> {
        let h = match self {
            Handle::Mem(f) => {
                f.lock = Some(kind);
                return Ok(true);
            }
            Handle::Main(h) => h,
        };
        let (from, to) = (rank(h.lock), rank(kind));
        if to <= from {
            return Ok(true);
        }
        if from == 0 {
            h.pin()?;
            h.set_lock(LockKind::Shared);
        }
        if to >= rank(LockKind::Reserved) && from < rank(LockKind::Reserved) && !h.reserve()? {
            return Ok(false);
        }
        // PENDING and EXCLUSIVE never wait: readers keep their snapshots.
        h.set_lock(kind);
        Ok(true)
    }

    fn unlock(&mut self, kind: LockKind) -> Result<bool, Error> {
        let h = match self {
            Handle::Mem(f) => {
                f.lock = Some(kind);
                return Ok(true);
            }
            Handle::Main(h) => h,
        };
        let (from, to) = (rank(h.lock), rank(kind));
        if to >= from {
            return Ok(true);
        }
        if from >= rank(LockKind::Reserved) && to <= rank(LockKind::Shared) {
            h.end_write();
        }
        if to == 0 {
            h.unpin();
        }
        h.set_lock(kind);
        Ok(true)
    }

    fn reserved(&mut self) -> Result<bool, Error> {
        match self {
            Handle::Mem(_) => Ok(false),
            Handle::Main(h) => Ok(h.space().writer().is_some()),
        }
    }

    fn current_lock(&self) -> Result<LockKind, Error> {
        match self {
            Handle::Mem(f) => Ok(f.lock.unwrap_or(LockKind::None)),
            Handle::Main(h) => Ok(h.lock),
        }
    }

    fn wal_index(&self, _readonly: bool) -> Result<NoWal, Error> {
        Ok(NoWal)
    }
}
