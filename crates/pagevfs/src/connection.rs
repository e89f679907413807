//! A rusqlite connection to a space, with the writer-lock and error controls the MySQL layer
//! needs.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use crate::space::PageSpace;
use crate::vfs::{self, rank, ConnShared, Retry};

impl PageSpace {
    /// Opens a new connection (one per MySQL session) on this space: journal_mode=MEMORY,
    /// temp_store=MEMORY, synchronous=FULL (so every commit reaches xSync, where it becomes one
    /// store commit), page_size=4096, and a busy handler that only retries a stale-snapshot
    /// lock attempt (the writer wait itself happens inside the VFS).
    pub fn connect(self: &Arc<Self>) -> rusqlite::Result<PageConnection> {
        vfs::ensure_registered().map_err(|e| {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
                Some(e),
            )
        })?;
        self.check_generation();
        let id = self.next_conn.fetch_add(1, Ordering::Relaxed);
        let shared = Arc::new(ConnShared {
            id,
            space: Arc::clone(self),
            epoch: self.epoch(),
            lock_wait: Mutex::new(self.config.lock_wait),
            timed_out: AtomicBool::new(false),
            store_error: Mutex::new(None),
            retry: Mutex::new(Retry::Idle),
            level: AtomicU8::new(0),
        });
        let name = format!("rewind-space-{}-conn-{}", self.id, id);
        let mut conn = {
            let _registered = vfs::register_conn(&name, Arc::clone(&shared));
            Connection::open_with_flags_and_vfs(
                &name,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                vfs::VFS_NAME,
            )?
        };
        let handler = Arc::clone(&shared);
        conn.busy_handler(Some(move |_count: i32| handler.grant_retry()))?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "MEMORY", |row| row.get(0))?;
        debug_assert_eq!(mode.to_ascii_lowercase(), "memory");
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "page_size", 4096)?;
        Ok(PageConnection { conn, shared })
    }
}

/// A SQLite connection whose main database lives in a [`PageSpace`]; derefs to
/// [`rusqlite::Connection`]. Reads see the snapshot pinned at their SHARED lock; writers take the
/// space's writer lock at RESERVED and commit atomically to the store.
///
/// Keep the settings [`PageSpace::connect`] made: `synchronous` must not be OFF (the commit
/// happens at xSync), `locking_mode` must stay NORMAL (EXCLUSIVE would keep the writer lock),
/// `journal_mode` stays MEMORY, and the busy handler must not be replaced (no `busy_timeout`):
/// it is what retries a write that waited for the lock from a fresh snapshot.
pub struct PageConnection {
    conn: Connection,
    shared: Arc<ConnShared>,
}

impl PageConnection {
    /// Takes the space's writer lock before a transaction starts, waiting up to `timeout`
    /// (false on timeout, with [`PageConnection::lock_timed_out`] true). A `BEGIN IMMEDIATE` (or
    /// an autocommit write) right after then pins the newest snapshot and uses this lock as its
    /// RESERVED lock, so it cannot fail as stale. The lock is released when that transaction
    /// ends, or by [`PageConnection::release_writer`] — call that after a statement that failed
    /// before writing (e.g. a stale BUSY inside a read transaction that started before the
    /// lock was taken), since no write transaction then ends to release it.
    pub fn acquire_writer(&self, timeout: Duration) -> bool {
        let got = self
            .shared
            .space
            .acquire_writer(self.shared.id, Instant::now() + timeout);
        self.shared.timed_out.store(!got, Ordering::SeqCst);
        got
    }

    /// Gives back a writer lock taken by [`PageConnection::acquire_writer`] that no transaction
    /// used; does nothing while a write transaction holds it, or when not held (idempotent).
    pub fn release_writer(&self) {
        if self.shared.level.load(Ordering::SeqCst) < rank(sqlite_vfs::LockKind::Reserved) {
            self.shared.space.release_writer(self.shared.id);
        }
    }

    /// Whether this connection holds the space's writer lock.
    pub fn holds_writer(&self) -> bool {
        self.shared.space.writer() == Some(self.shared.id)
    }

    /// Sets how long this connection's writes wait for the writer lock
    /// (innodb_lock_wait_timeout).
    pub fn set_lock_wait(&self, wait: Duration) {
        *self
            .shared
            .lock_wait
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = wait;
    }

    /// This connection's writer-lock wait.
    pub fn lock_wait(&self) -> Duration {
        *self
            .shared
            .lock_wait
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the last failed writer-lock attempt (SQLITE_BUSY) was a wait timeout (MySQL
    /// error 1205) rather than a stale snapshot (someone committed after this transaction's
    /// snapshot: a serialization failure, retry the transaction).
    pub fn lock_timed_out(&self) -> bool {
        self.shared.timed_out.load(Ordering::SeqCst)
    }

    /// The store's message from the last failed store read or commit, taken (so the caller can
    /// show why a statement got SQLITE_IOERR).
    pub fn take_store_error(&self) -> Option<String> {
        self.shared
            .store_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// False once the store was changed from outside (a backtrack) after this connection was
    /// opened: SQLite's own page cache may then be stale, so the caller reopens it.
    pub fn is_current(&self) -> bool {
        self.shared.space.epoch() == self.shared.epoch
    }

    /// The space epoch this connection was opened in.
    pub fn epoch(&self) -> u64 {
        self.shared.epoch
    }

    /// The space this connection belongs to.
    pub fn space(&self) -> &Arc<PageSpace> {
        &self.shared.space
    }
}

impl Deref for PageConnection {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl DerefMut for PageConnection {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

impl Drop for PageConnection {
    fn drop(&mut self) {
        // A pre-acquired lock no transaction used; a transaction's lock goes when SQLite closes
        // the file.
        self.release_writer();
    }
}
