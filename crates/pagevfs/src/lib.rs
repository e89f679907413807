//! SQLite pages in a page store.
//!
//! A [`PageSpace`] is one SQLite database whose pages live in a versioned, durable key-value
//! [`PageStore`] (the cluster's storage volume). Many [`PageConnection`]s (one per MySQL session,
//! on many threads) open it through one VFS:
//!
//! - **Snapshot reads.** Taking SHARED pins the head version; until the pin is released every
//!   read sees the pages as of that version. A commit that overwrites pages some other pin may
//!   still read first keeps their old images in memory (version chains); they are dropped when
//!   the oldest pin moves past them. Readers never wait for writers and writers never wait for
//!   readers (EXCLUSIVE is granted at once).
//! - **One writer.** RESERVED takes the space's writer lock, waiting up to the connection's lock
//!   wait; a timeout is SQLITE_BUSY with [`PageConnection::lock_timed_out`] true. RESERVED on a
//!   snapshot that is no longer the head is SQLITE_BUSY too (SQLite validated its cache against
//!   the old snapshot, so it must not be moved silently). [`PageConnection::acquire_writer`]
//!   takes the lock before a transaction, so the transaction starts on the head.
//! - **Atomic commits.** Writes are buffered per handle and become one [`PageStore::commit`] at
//!   xSync of the main file (synchronous=FULL makes SQLite always sync at commit), including the
//!   file length and deletions of pages past a shrunk end. A failed store commit fails the
//!   SQL COMMIT with SQLITE_IOERR, leaves the store unchanged and keeps the message for
//!   [`PageConnection::take_store_error`].
//! - **Backtracks.** When [`PageStore::generation`] changes, the space drops its caches and bumps
//!   its [`PageSpace::epoch`]; connections of older epochs report
//!   [`PageConnection::is_current`] false.

mod connection;
mod space;
mod store;
mod vfs;

pub use connection::PageConnection;
pub use space::{PageSpace, SpaceConfig};
pub use store::{page_key, MemStore, PageStore, StoreWrite, SIZE_KEY};
