//! MySQL's user-level locks: GET_LOCK, RELEASE_LOCK, IS_FREE_LOCK, IS_USED_LOCK and
//! RELEASE_ALL_LOCKS. Migration tools (Django, Rails, Flyway, Liquibase) take one before they
//! change a schema, so that two deploys never migrate at once.
//!
//! A lock is named (case-insensitive, at most 64 characters), exclusive between sessions and
//! re-entrant within one (taken n times, released n times). A session holds its locks until it
//! releases them or ends; COMMIT and ROLLBACK leave them alone. The lock table is the cluster's,
//! shared by its sessions like the AUTO_INCREMENT marks. A wait ends at its timeout (a negative
//! one, MySQL's "forever", is capped at [`MAX_LOCK_WAIT`]), on KILL or a client gone (through
//! [`Interrupt`]), or with 3058 when it would close a cycle of sessions waiting for each other.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value;
use rusqlite::Connection;

/// The longest a GET_LOCK waits, whatever its timeout: a session never hangs for good.
pub const MAX_LOCK_WAIT: Duration = Duration::from_secs(3600);

/// How often a waiting GET_LOCK looks whether its statement was interrupted.
const INTERRUPT_POLL: Duration = Duration::from_millis(20);

/// The longest lock name MySQL takes.
const MAX_NAME_CHARS: usize = 64;

/// One held lock.
#[derive(Debug)]
struct Held {
    /// The holding session (a [`UserLocks`]-wide number, not its connection id).
    owner: u64,
    /// What IS_USED_LOCK reports: the holder's CONNECTION_ID().
    connection_id: u32,
    /// Times taken and not yet released.
    count: u64,
}

#[derive(Debug, Default)]
struct Table {
    held: HashMap<String, Held>,
    /// Which lock each waiting session waits for (for deadlock detection).
    waiting: HashMap<u64, String>,
}

/// A cluster's named locks, shared by its sessions.
#[derive(Debug, Default)]
pub struct UserLocks {
    table: Mutex<Table>,
    released: Condvar,
    owners: AtomicU64,
}

impl UserLocks {
    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new session's handle on the table; dropping it releases what the session holds.
    pub(crate) fn holder(self: &Arc<Self>, connection_id: u32) -> Holder {
        Holder {
            locks: self.clone(),
            owner: self.owners.fetch_add(1, Ordering::Relaxed) + 1,
            connection_id,
        }
    }
}

/// One session's side of the lock table.
#[derive(Debug)]
pub(crate) struct Holder {
    locks: Arc<UserLocks>,
    owner: u64,
    connection_id: u32,
}

/// What a GET_LOCK that did not get its lock ran into.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NotTaken {
    /// The timeout passed (GET_LOCK gives 0).
    TimedOut,
    /// The statement was killed or its client left (GET_LOCK gives NULL).
    Interrupted,
    /// Waiting would close a cycle of waiting sessions (3058).
    Deadlock,
}

impl Holder {
    /// GET_LOCK(name, timeout): takes `name`, waiting up to `timeout` while another session
    /// holds it, and giving up when `interrupted` says so.
    pub(crate) fn acquire(
        &self,
        name: &str,
        timeout: Duration,
        interrupted: &dyn Fn() -> bool,
    ) -> Result<(), NotTaken> {
        let deadline = Instant::now() + timeout.min(MAX_LOCK_WAIT);
        let mut table = self.locks.lock();
        loop {
            match table.held.get_mut(name) {
                None => {
                    table.held.insert(
                        name.to_owned(),
                        Held {
                            owner: self.owner,
                            connection_id: self.connection_id,
                            count: 1,
                        },
                    );
                    table.waiting.remove(&self.owner);
                    return Ok(());
                }
                Some(h) if h.owner == self.owner => {
                    h.count += 1;
                    table.waiting.remove(&self.owner);
                    return Ok(());
                }
                Some(h) => {
                    let holder = h.owner;
                    let now = Instant::now();
                    let outcome = if now >= deadline {
                        Some(NotTaken::TimedOut)
                    } else if interrupted() {
                        Some(NotTaken::Interrupted)
                    } else if closes_cycle(&table, holder, self.owner) {
                        Some(NotTaken::Deadlock)
                    } else {
                        None
                    };
                    if let Some(outcome) = outcome {
                        table.waiting.remove(&self.owner);
                        return Err(outcome);
                    }
                    table.waiting.insert(self.owner, name.to_owned());
                    let wait = (deadline - now).min(INTERRUPT_POLL);
                    table = self
                        .locks
                        .released
                        .wait_timeout(table, wait)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
            }
        }
    }

    /// RELEASE_LOCK(name): Some(true) when released (once), Some(false) when another session
    /// holds it, None when nobody does.
    pub(crate) fn release(&self, name: &str) -> Option<bool> {
        let mut table = self.locks.lock();
        let h = table.held.get_mut(name)?;
        if h.owner != self.owner {
            return Some(false);
        }
        h.count -= 1;
        if h.count == 0 {
            table.held.remove(name);
            self.locks.released.notify_all();
        }
        Some(true)
    }

    /// RELEASE_ALL_LOCKS(): releases every lock the session holds; the number of times they
    /// had been taken.
    pub(crate) fn release_all(&self) -> u64 {
        let mut table = self.locks.lock();
        let mut released = 0;
        table.held.retain(|_, h| {
            if h.owner == self.owner {
                released += h.count;
                false
            } else {
                true
            }
        });
        table.waiting.remove(&self.owner);
        if released > 0 {
            self.locks.released.notify_all();
        }
        released
    }

    /// IS_USED_LOCK(name): the holder's connection id.
    pub(crate) fn used_by(&self, name: &str) -> Option<u32> {
        self.locks.lock().held.get(name).map(|h| h.connection_id)
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        self.release_all();
    }
}

/// True when `holder` waits, directly or through others, for a lock `waiter` holds.
fn closes_cycle(table: &Table, holder: u64, waiter: u64) -> bool {
    let mut at = holder;
    for _ in 0..=table.waiting.len() {
        if at == waiter {
            return true;
        }
        let Some(next) = table.waiting.get(&at).and_then(|n| table.held.get(n)) else {
            return false;
        };
        at = next.owner;
    }
    false
}

/// Stops a session's statement from another thread (KILL, a client gone, a closed endpoint):
/// SQLite's interrupt, and a flag a waiting GET_LOCK watches.
pub struct Interrupt {
    sqlite: rusqlite::InterruptHandle,
    pub(crate) flag: Arc<AtomicBool>,
}

impl Interrupt {
    pub(crate) fn new(sqlite: rusqlite::InterruptHandle, flag: Arc<AtomicBool>) -> Self {
        Self { sqlite, flag }
    }

    /// Interrupts the running statement.
    pub fn interrupt(&self) {
        self.flag.store(true, Ordering::Release);
        self.sqlite.interrupt();
    }
}

/// The lock's key: MySQL compares lock names case-insensitively; NULL, '' and names longer
/// than 64 characters are 3057.
fn lock_name(v: &Value) -> rusqlite::Result<String> {
    let name = match v {
        Value::Text(t) => t.clone(),
        Value::Blob(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Null => String::new(),
    };
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        let shown = if matches!(v, Value::Null) {
            "NULL"
        } else {
            &name
        };
        return Err(rusqlite::Error::UserFunctionError(
            format!("3057: Incorrect user-level lock name '{shown}'.").into(),
        ));
    }
    Ok(name.to_lowercase())
}

/// GET_LOCK's timeout argument in seconds; negative means MySQL's "forever".
fn timeout(v: &Value) -> Duration {
    let seconds = match v {
        Value::Integer(i) => *i as f64,
        Value::Real(r) => *r,
        Value::Text(t) => t.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    };
    if seconds < 0.0 {
        MAX_LOCK_WAIT
    } else {
        Duration::from_secs_f64(seconds.round().min(MAX_LOCK_WAIT.as_secs_f64()))
    }
}

/// Registers the locking functions on a session's connection; `interrupted` is the flag its
/// [`Interrupt`] sets.
pub(crate) fn register(
    conn: &Connection,
    holder: Holder,
    interrupted: Arc<AtomicBool>,
) -> rusqlite::Result<()> {
    let holder = Arc::new(holder);
    let flags = FunctionFlags::SQLITE_UTF8;
    let h = holder.clone();
    conn.create_scalar_function("get_lock", 2, flags, move |ctx| {
        let name = lock_name(&ctx.get::<Value>(0)?)?;
        let wait = timeout(&ctx.get::<Value>(1)?);
        let stop = || interrupted.load(Ordering::Acquire);
        Ok(match h.acquire(&name, wait, &stop) {
            Ok(()) => Some(1),
            Err(NotTaken::TimedOut) => Some(0),
            Err(NotTaken::Interrupted) => None,
            Err(NotTaken::Deadlock) => {
                return Err(rusqlite::Error::UserFunctionError(
                    "3058: Deadlock found when trying to get user-level lock; try rolling back \
                     transaction/releasing locks and restarting lock acquisition."
                        .into(),
                ))
            }
        })
    })?;
    let h = holder.clone();
    conn.create_scalar_function("release_lock", 1, flags, move |ctx| {
        let name = lock_name(&ctx.get::<Value>(0)?)?;
        Ok(h.release(&name).map(i64::from))
    })?;
    let h = holder.clone();
    conn.create_scalar_function("is_free_lock", 1, flags, move |ctx| {
        let name = lock_name(&ctx.get::<Value>(0)?)?;
        Ok(i64::from(h.used_by(&name).is_none()))
    })?;
    let h = holder.clone();
    conn.create_scalar_function("is_used_lock", 1, flags, move |ctx| {
        let name = lock_name(&ctx.get::<Value>(0)?)?;
        Ok(h.used_by(&name).map(i64::from))
    })?;
    conn.create_scalar_function("release_all_locks", 0, flags, move |_| {
        Ok(holder.release_all() as i64)
    })
}
