//! The storage volume: the log is the database.
//!
//! A volume is a versioned key-value space shared by a cluster's writer and readers. Every
//! committed transaction appends a *group* of change records `(lsn, key, before, after)` closed
//! by a commit record, and updates the materialized head state in the same atomic, durable
//! store batch. A time index maps commit times to commit LSNs.
//!
//! The log is the history the cluster actually lived, in wall-clock order. A backtrack to time
//! `T` lands on the last commit at or before `T`: it reads only the groups after that commit,
//! folds their before-images into one net change per key, and appends that net change as a new
//! group (kind "backtrack"). Nothing is erased, so a later backtrack can go "forward" again to
//! any time the cluster lived through, including the path abandoned by an earlier backtrack.
//! The cost is proportional to the change records between the head and the target, never to the
//! size of the data.
//!
//! Retention folds groups older than the window (and, with a capacity, the oldest groups beyond
//! it) into the base: their records are freed, the head stays as it is, and times before the
//! newest folded commit become unreachable.
//!
//! This crate knows nothing of SQL, HTTP or Aurora; it must never import them.

mod codec;
mod volume;

pub use volume::{CommitPoint, Error, Landing, Result, Retention, Stats, Transaction, Volume};
