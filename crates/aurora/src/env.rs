//! Time and ids, injected: nothing else in Rewind reads the system clock or OS randomness.
//!
//! Wall time is `epoch + elapsed tokio time + offset`. Under `tokio::time::pause` the elapsed part
//! is virtual, so tests run a 5-minute transition in microseconds; at run time the offset is what
//! `POST /_rewind/clock` advances, so users can skip ahead without waiting.
//!
//! The loopback address blocks a cluster's endpoints may take are injected here too: which
//! blocks are free depends on the other programs on the machine (another Rewind, a real MySQL),
//! which tests must not depend on.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::time::Instant;

/// The clock, the id generator and the address blocks every part of the domain shares.
#[derive(Debug, Clone)]
pub struct Env {
    /// Where "now" comes from.
    pub clock: Arc<Clock>,
    /// Where ids and request ids come from.
    pub ids: Arc<Ids>,
    /// Which loopback address blocks this process may give a new cluster.
    pub blocks: Arc<dyn AddressBlocks>,
}

impl Env {
    /// An environment starting at `epoch`, with ids drawn from `seed`, where every address
    /// block is free (tests; the server injects its loopback claims with
    /// [`Env::with_address_blocks`]).
    pub fn new(epoch: DateTime<Utc>, seed: u64) -> Self {
        Env {
            clock: Arc::new(Clock::new(epoch)),
            ids: Arc::new(Ids::new(seed)),
            blocks: Arc::new(EveryBlock),
        }
    }

    /// The same environment with `blocks` deciding which address blocks are free.
    pub fn with_address_blocks(self, blocks: Arc<dyn AddressBlocks>) -> Self {
        Env { blocks, ..self }
    }
}

/// Decides which block of loopback addresses (see [`crate::endpoints`]) a cluster may take, so
/// that two Rewind servers on one machine never hand out the same endpoint.
pub trait AddressBlocks: Send + Sync + std::fmt::Debug {
    /// Claims block `index` for this process, for a cluster whose endpoints listen on `port`.
    /// False when another process holds the block or its writer address on `port`; true again
    /// for a block this process already holds.
    fn claim(&self, index: u32, port: u16) -> bool;
}

/// Every block is free: for tests, and for a process alone on its machine.
#[derive(Debug, Clone, Copy, Default)]
pub struct EveryBlock;

impl AddressBlocks for EveryBlock {
    fn claim(&self, _index: u32, _port: u16) -> bool {
        true
    }
}

/// The latest time the clock may show: the end of year 9999, the last year every SDK's
/// timestamp parser accepts. Advancing past it is refused and reading past it saturates, so no
/// time arithmetic overflows and no answer carries a date a client cannot parse.
pub fn latest_time() -> DateTime<Utc> {
    chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .map_or(DateTime::<Utc>::MAX_UTC, |t| t.and_utc())
}

/// Wall time derived from tokio's (possibly paused) monotonic clock plus a movable offset.
#[derive(Debug)]
pub struct Clock {
    epoch: DateTime<Utc>,
    base: Instant,
    offset_ms: AtomicI64,
}

impl Clock {
    /// A clock that reads `epoch` now and moves with tokio time.
    pub fn new(epoch: DateTime<Utc>) -> Self {
        Clock {
            epoch,
            base: Instant::now(),
            offset_ms: AtomicI64::new(0),
        }
    }

    /// The current wall time, never later than [`latest_time`].
    pub fn now(&self) -> DateTime<Utc> {
        self.at_offset(self.offset_ms.load(Ordering::SeqCst))
            .map_or(latest_time(), |t| t.min(latest_time()))
    }

    /// Wall time with `offset_ms`, if it is representable.
    fn at_offset(&self, offset_ms: i64) -> Option<DateTime<Utc>> {
        let elapsed = TimeDelta::from_std(self.base.elapsed()).ok()?;
        self.epoch
            .checked_add_signed(elapsed)?
            .checked_add_signed(TimeDelta::try_milliseconds(offset_ms)?)
    }

    /// Moves wall time forward without waiting; timers due in between fire at once. Refused,
    /// with how many whole seconds it may still move, when it would pass [`latest_time`].
    pub fn advance(&self, by: Duration) -> Result<(), u64> {
        let room = || {
            (latest_time() - self.now())
                .num_seconds()
                .max(0)
                .unsigned_abs()
        };
        let by_ms = i64::try_from(by.as_millis()).map_err(|_| room())?;
        self.offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |offset| {
                let next = offset.checked_add(by_ms)?;
                self.at_offset(next)
                    .filter(|t| *t <= latest_time())
                    .map(|_| next)
            })
            .map(|_| ())
            .map_err(|_| room())
    }

    /// How far the clock has been advanced in total, to persist across restarts.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// Restores a persisted offset.
    pub fn set_offset_ms(&self, ms: i64) {
        self.offset_ms.store(ms, Ordering::SeqCst);
    }

    /// The tokio instant at which wall time reaches `at` (now, if it already has).
    pub fn deadline(&self, at: DateTime<Utc>) -> Instant {
        let wait = (at - self.now()).to_std().unwrap_or(Duration::ZERO);
        Instant::now() + wait
    }
}

/// A seeded generator (SplitMix64): reproducible ids in tests, distinct ids at run time.
#[derive(Debug)]
pub struct Ids {
    state: AtomicU64,
}

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

impl Ids {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Ids {
            state: AtomicU64::new(seed),
        }
    }

    /// The next 64 random bits; lock-free, so request ids cost nothing on the hot path.
    pub fn next_u64(&self) -> u64 {
        let mut z = self
            .state
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A lowercase RFC 4122 version-4 UUID, the form AWS uses for request and backtrack ids.
    pub fn uuid(&self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        // Every request makes one: hex digits go straight into one buffer.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(36);
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
        out
    }

    /// `len` characters of upper-case letters and digits, as in `cluster-ABC...` resource ids.
    pub fn upper_alnum(&self, len: usize) -> String {
        (0..len)
            .map(|_| UPPER_ALNUM[(self.next_u64() % UPPER_ALNUM.len() as u64) as usize] as char)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids() {
        let (a, b) = (Ids::new(7), Ids::new(7));
        assert_eq!(a.uuid(), b.uuid());
        assert_ne!(a.uuid(), Ids::new(8).uuid());
        let u = a.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        let dashes: Vec<usize> = u.match_indices('-').map(|(i, _)| i).collect();
        assert_eq!(dashes, vec![8, 13, 18, 23]);
        assert!(u
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(a.upper_alnum(26).len(), 26);
    }

    #[tokio::test(start_paused = true)]
    async fn clock_follows_paused_time_and_offset() {
        let epoch = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let clock = Clock::new(epoch);
        assert_eq!(clock.now(), epoch);
        tokio::time::sleep(Duration::from_secs(300)).await;
        assert_eq!(clock.now(), epoch + TimeDelta::seconds(300));
        clock.advance(Duration::from_secs(3600)).unwrap();
        assert_eq!(clock.now(), epoch + TimeDelta::seconds(3900));
        assert_eq!(
            clock.deadline(epoch),
            Instant::now(),
            "past deadlines are due now"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_clock_never_passes_the_end_of_year_9999() {
        let epoch = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let clock = Clock::new(epoch);
        let room = (latest_time() - epoch).num_seconds() as u64;
        for too_far in [u64::MAX, i64::MAX as u64, room + 1] {
            assert_eq!(clock.advance(Duration::from_secs(too_far)), Err(room));
            assert_eq!(clock.now(), epoch, "a refused advance moves nothing");
        }
        clock.advance(Duration::from_secs(room)).unwrap();
        assert_eq!(clock.now(), latest_time());
        // A persisted offset from before the bound (or a corrupt one) reads as the bound.
        clock.set_offset_ms(i64::MAX);
        assert_eq!(clock.now(), latest_time());
        let _ = clock.deadline(latest_time());
    }
}
