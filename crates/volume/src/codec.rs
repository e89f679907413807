//! Byte layouts of the volume's keys and records. One tree per volume, four key spaces:
//! `d` + user key (head state), `l` + commit LSN [+ chunk number] (log, one group in one or
//! more chunks), `t` + time + LSN (time index), `z` (meta).

use std::borrow::Cow;

use bytes::Bytes;

/// Key of a user key in the head state.
pub fn data_key(key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len() + 1);
    k.push(b'd');
    k.extend_from_slice(key);
    k
}

/// Key of a value a clone inherited from its parent (the parent's value at the clone point,
/// written by the parent before it changed the key): `[0]` absent, `[1] + value` present.
pub fn inherited_key(key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len() + 1);
    k.push(b'b');
    k.extend_from_slice(key);
    k
}

/// Key of a clone's own deletion of a key (so the parent's value does not show through).
pub fn gone_key(key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len() + 1);
    k.push(b'x');
    k.extend_from_slice(key);
    k
}

/// The stored form of an inherited value.
pub fn encode_inherited(value: Option<&[u8]>) -> Vec<u8> {
    match value {
        None => vec![0],
        Some(v) => {
            let mut out = Vec::with_capacity(v.len() + 1);
            out.push(1);
            out.extend_from_slice(v);
            out
        }
    }
}

/// An inherited value from its stored form.
pub fn decode_inherited(stored: Vec<u8>) -> Option<Vec<u8>> {
    match stored.first() {
        Some(1) => Some(stored[1..].to_vec()),
        _ => None,
    }
}

/// Key of a log record.
pub fn log_key(lsn: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(9);
    k.push(b'l');
    k.extend_from_slice(&lsn.to_be_bytes());
    k
}

/// Most bytes of a group stored under one key. sled writes a message larger than a quarter of
/// its 512 KiB segment as a blob and counts it in its cache at the size of the blob's pointer,
/// so a tree node of a few large values would never be evicted: the log of a bulk load then
/// stayed in memory. 17 chunks (a sled leaf splits past 16 entries) stay below that size.
pub const LOG_CHUNK: usize = 6 * 1024;

/// Key of chunk `n` of the group committed at `lsn`; chunk 0 is [`log_key`] itself, so a group
/// of one chunk is stored as before chunks existed.
pub fn log_chunk_key(lsn: u64, n: u32) -> Vec<u8> {
    let mut k = log_key(lsn);
    if n > 0 {
        k.extend_from_slice(&n.to_be_bytes());
    }
    k
}

/// The commit LSN of a log key or chunk key.
pub fn parse_log_key(k: &[u8]) -> Option<u64> {
    if (k.len() != 9 && k.len() != 13) || k[0] != b'l' {
        return None;
    }
    Some(u64::from_be_bytes(k[1..9].try_into().ok()?))
}

/// Value of a time index entry: the group's change count and chunk count, so that folding
/// needs no read of the log.
pub fn index_value(changes: u32, chunks: u32) -> Vec<u8> {
    let mut v = changes.to_be_bytes().to_vec();
    v.extend_from_slice(&chunks.to_be_bytes());
    v
}

/// Decodes an index value into (changes, chunks); a value of 4 bytes (written before chunks
/// existed) is one chunk.
pub fn parse_index_value(v: &[u8]) -> Option<(u32, u32)> {
    let changes = u32::from_be_bytes(v.get(..4)?.try_into().ok()?);
    match v.len() {
        4 => Some((changes, 1)),
        8 => Some((changes, u32::from_be_bytes(v[4..].try_into().ok()?))),
        _ => None,
    }
}

/// Key of a time index entry; times order correctly even before 1970.
pub fn index_key(time_ms: i64, lsn: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(17);
    k.push(b't');
    k.extend_from_slice(&((time_ms as u64) ^ (1 << 63)).to_be_bytes());
    k.extend_from_slice(&lsn.to_be_bytes());
    k
}

/// Decodes an index key into (time, commit LSN).
pub fn parse_index_key(k: &[u8]) -> Option<(i64, u64)> {
    if k.len() != 17 || k[0] != b't' {
        return None;
    }
    let t = u64::from_be_bytes(k[1..9].try_into().ok()?) ^ (1 << 63);
    let lsn = u64::from_be_bytes(k[9..17].try_into().ok()?);
    Some((t as i64, lsn))
}

/// The meta key, rewritten at every commit. It sorts after every other key, so the sled node
/// it shares holds the newest time-index entries (a few bytes each): under `m` it shared the
/// node of the log's newest chunks, and every commit made sled rewrite that node's images.
pub const META_KEY: &[u8] = b"z";

/// Where the meta was kept before [`META_KEY`]; read when that is absent, deleted at the next
/// write of the meta.
pub const LEGACY_META_KEY: &[u8] = b"m";

/// One change of one key, with enough to undo and redo it, borrowed from wherever it lives
/// (a transaction being committed, or a group's bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change<'a> {
    /// The user key.
    pub key: &'a [u8],
    /// Value before the change (`None` = absent).
    pub before: Option<&'a [u8]>,
    /// Value after the change.
    pub after: Option<&'a [u8]>,
}

/// One group of the log: the change records of a transaction (or of a backtrack), LSNs
/// `first_lsn..first_lsn + len`, closed by its commit record at the next LSN. A group is stored
/// under its commit LSN, in chunks of at most [`LOG_CHUNK`] bytes, so a backtrack reads
/// contiguous keys per commit, not one scattered key per change.
///
/// In memory a group stays in its encoded form and its records are read in place: one shared
/// buffer per group instead of three allocations per record, and the overlay holds zero-copy
/// slices of it. A backtrack then walks contiguous memory and allocates next to nothing, so it
/// runs at the same speed whatever else the process holds (a million rows of head state make
/// every small allocation, free and pointer chase slower).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Wall-clock commit time in milliseconds.
    pub time_ms: i64,
    /// LSN of the first change record.
    pub first_lsn: u64,
    /// True for the group a backtrack appended.
    pub backtrack: bool,
    len: u32,
    bytes: Bytes,
}

/// Bytes before the first record: time, first LSN, flags, record count.
const HEADER: usize = 8 + 8 + 1 + 4;

/// Flag bit: the group was appended by a backtrack.
const BACKTRACK: u8 = 1;
/// Flag bit: the stored form, whose after-images may be patches of their before-images.
const PATCHED: u8 = 2;

/// An after-image of the stored form is its before-image with these ranges replaced:
/// (offset, bytes) runs, written when they take less room than the image. A page that one
/// commit changes in a few places (SQLite's header counter, one row and its cell pointer) is
/// stored as those places, which halves what every commit writes to the store.
const AFTER_PATCH: u8 = 2;

/// Unchanged runs shorter than this stay inside a patch run: a run's own header costs 8 bytes.
const PATCH_GAP: usize = 16;

/// The runs where `after` differs from `before` (same length), gaps under [`PATCH_GAP`]
/// merged; `None` when writing them would not save room.
fn patch_runs(before: &[u8], after: &[u8]) -> Option<Vec<(usize, usize)>> {
    if before.len() != after.len() {
        return None;
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut size = 4;
    let mut i = 0;
    while i < after.len() {
        if before[i] == after[i] {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut same = 0;
        let mut j = end;
        while j < after.len() && same < PATCH_GAP {
            if before[j] == after[j] {
                same += 1;
            } else {
                same = 0;
                end = j + 1;
            }
            j += 1;
        }
        runs.push((start, end - start));
        size += 8 + (end - start);
        if size >= after.len() {
            return None;
        }
        i = end;
    }
    (size < after.len()).then_some(runs)
}

fn put_after(out: &mut Vec<u8>, before: Option<&[u8]>, after: Option<&[u8]>) {
    if let (Some(b), Some(a)) = (before, after) {
        if let Some(runs) = patch_runs(b, a) {
            out.push(AFTER_PATCH);
            out.extend_from_slice(&(runs.len() as u32).to_be_bytes());
            for (at, len) in runs {
                out.extend_from_slice(&(at as u32).to_be_bytes());
                put_bytes(out, &a[at..at + len]);
            }
            return;
        }
    }
    put_opt(out, after);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_opt(out: &mut Vec<u8>, v: Option<&[u8]>) {
    match v {
        None => out.push(0),
        Some(bytes) => {
            out.push(1);
            put_bytes(out, bytes);
        }
    }
}

/// A record of the stored form: key, before-image and the after-image, rebuilt if patched.
type StoredChange<'a> = (&'a [u8], Option<&'a [u8]>, Option<Cow<'a, [u8]>>);

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_be_bytes(b.try_into().expect("4 bytes")))
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8)
            .map(|b| u64::from_be_bytes(b.try_into().expect("8 bytes")))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn opt(&mut self) -> Option<Option<&'a [u8]>> {
        match self.u8()? {
            0 => Some(None),
            1 => self.bytes().map(Some),
            _ => None,
        }
    }
    fn change(&mut self) -> Option<Change<'a>> {
        Some(Change {
            key: self.bytes()?,
            before: self.opt()?,
            after: self.opt()?,
        })
    }
    /// A record of the stored form: its after-image rebuilt when it was written as a patch.
    fn stored_change(&mut self) -> Option<StoredChange<'a>> {
        let key = self.bytes()?;
        let before = self.opt()?;
        let after = match self.0.first()? {
            &AFTER_PATCH => {
                self.take(1)?;
                let mut image = before?.to_vec();
                for _ in 0..self.u32()? {
                    let at = self.u32()? as usize;
                    let run = self.bytes()?;
                    image
                        .get_mut(at..at.checked_add(run.len())?)?
                        .copy_from_slice(run);
                }
                Some(Cow::Owned(image))
            }
            _ => self.opt()?.map(Cow::Borrowed),
        };
        Some((key, before, after))
    }
}

impl Group {
    /// Encodes a group of `changes`.
    pub fn new<'a>(time_ms: i64, first_lsn: u64, backtrack: bool, changes: &[Change<'a>]) -> Group {
        let size: usize = changes
            .iter()
            .map(|c| {
                c.key.len() + 16 + c.before.map_or(0, <[u8]>::len) + c.after.map_or(0, <[u8]>::len)
            })
            .sum();
        let mut bytes = Vec::with_capacity(size + HEADER);
        bytes.extend_from_slice(&time_ms.to_be_bytes());
        bytes.extend_from_slice(&first_lsn.to_be_bytes());
        bytes.push(if backtrack { BACKTRACK } else { 0 });
        bytes.extend_from_slice(&(changes.len() as u32).to_be_bytes());
        for c in changes {
            put_bytes(&mut bytes, c.key);
            put_opt(&mut bytes, c.before);
            put_opt(&mut bytes, c.after);
        }
        Group {
            time_ms,
            first_lsn,
            backtrack,
            len: changes.len() as u32,
            bytes: bytes.into(),
        }
    }

    /// LSN of the group's commit record.
    pub fn commit_lsn(&self) -> u64 {
        self.first_lsn + u64::from(self.len)
    }

    /// Number of change records.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// The encoded group, as stored.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The group's stored form: its in-memory form with after-images written as patches of
    /// their before-images where that is shorter. [`Group::decode`] reads both forms.
    pub fn stored(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes.len() / 2);
        out.extend_from_slice(&self.bytes[..HEADER]);
        out[16] |= PATCHED;
        for c in self.changes() {
            put_bytes(&mut out, c.key);
            put_opt(&mut out, c.before);
            put_after(&mut out, c.before, c.after);
        }
        out
    }

    /// The stored form cut into the chunks it is stored as, in order.
    pub fn chunks(&self) -> Vec<Vec<u8>> {
        self.stored()
            .chunks(LOG_CHUNK)
            .map(<[u8]>::to_vec)
            .collect()
    }

    /// A zero-copy handle on `part`, which must be borrowed from this group's records.
    pub fn share(&self, part: &[u8]) -> Bytes {
        self.bytes.slice_ref(part)
    }

    /// Each record's key and after-image, as zero-copy handles, in LSN order.
    pub fn head_values(&self) -> impl Iterator<Item = (Bytes, Option<Bytes>)> + '_ {
        self.changes()
            .map(|c| (self.share(c.key), c.after.map(|a| self.share(a))))
    }

    /// The change records, in LSN order, read in place.
    pub fn changes(&self) -> impl Iterator<Item = Change<'_>> {
        let mut r = Reader(&self.bytes[HEADER..]);
        // Checked by `decode` (or written by `new`), so every record reads.
        (0..self.len).map_while(move |_| r.change())
    }

    /// Checks and adopts stored bytes; `None` when they are not one group.
    pub fn decode(bytes: Vec<u8>) -> Option<Group> {
        let mut r = Reader(&bytes);
        let time_ms = r.u64()? as i64;
        let first_lsn = r.u64()?;
        let flags = r.u8()?;
        if flags & !(BACKTRACK | PATCHED) != 0 {
            return None;
        }
        let backtrack = flags & BACKTRACK != 0;
        let len = r.u32()?;
        if flags & PATCHED != 0 {
            let mut records = Vec::with_capacity(len.min(1 << 16) as usize);
            for _ in 0..len {
                records.push(r.stored_change()?);
            }
            if !r.0.is_empty() {
                return None;
            }
            let changes: Vec<Change<'_>> = records
                .iter()
                .map(|(key, before, after)| Change {
                    key,
                    before: *before,
                    after: after.as_deref(),
                })
                .collect();
            return Some(Group::new(time_ms, first_lsn, backtrack, &changes));
        }
        for _ in 0..len {
            r.change()?;
        }
        if !r.0.is_empty() {
            return None;
        }
        Some(Group {
            time_ms,
            first_lsn,
            backtrack,
            len,
            bytes: bytes.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_round_trip() {
        let changes = [
            Change {
                key: b"k",
                before: None,
                after: Some(b"v"),
            },
            Change {
                key: b"",
                before: Some(b""),
                after: None,
            },
        ];
        let g = Group::new(-5, 7, true, &changes);
        assert_eq!(g.commit_lsn(), 9);
        assert_eq!(g.changes().collect::<Vec<_>>(), changes);
        let decoded = Group::decode(g.bytes().to_vec()).expect("decodes");
        assert_eq!(decoded, g);
        assert_eq!(
            (decoded.time_ms, decoded.first_lsn, decoded.backtrack),
            (-5, 7, true)
        );
        let mut truncated = g.bytes().to_vec();
        truncated.pop();
        assert_eq!(Group::decode(truncated), None);
        let mut trailing = g.bytes().to_vec();
        trailing.push(0);
        assert_eq!(Group::decode(trailing), None);
        assert_eq!(Group::decode(vec![9]), None);
    }

    #[test]
    fn large_groups_are_stored_in_chunks_that_reassemble() {
        let page = vec![7u8; 4096];
        let changes: Vec<Change<'_>> = (0..5u8)
            .map(|_| Change {
                key: b"page",
                before: Some(&page),
                after: Some(&page),
            })
            .collect();
        let g = Group::new(1, 1, false, &changes);
        let chunks = g.chunks();
        assert_eq!(chunks.len(), g.stored().len().div_ceil(LOG_CHUNK));
        assert!(chunks.len() > 1 && chunks.iter().all(|c| c.len() <= LOG_CHUNK));
        assert_eq!(Group::decode(chunks.concat()), Some(g));
        assert_eq!(log_chunk_key(9, 0), log_key(9));
        assert_eq!(parse_log_key(&log_chunk_key(9, 3)), Some(9));
        assert!(log_chunk_key(9, 3) > log_key(9) && log_chunk_key(9, 3) < log_key(10));
        assert_eq!(parse_index_value(&index_value(5, 3)), Some((5, 3)));
        assert_eq!(parse_index_value(&5u32.to_be_bytes()), Some((5, 1)));
        assert_eq!(parse_index_value(&[1, 2]), None);
    }

    #[test]
    fn index_keys_sort_by_time_then_lsn() {
        let mut keys = [
            index_key(5, 1),
            index_key(-3, 9),
            index_key(5, 0),
            index_key(0, 2),
        ];
        keys.sort();
        let parsed: Vec<_> = keys.iter().map(|k| parse_index_key(k).unwrap()).collect();
        assert_eq!(parsed, vec![(-3, 9), (0, 2), (5, 0), (5, 1)]);
    }

    #[test]
    fn after_images_are_stored_as_patches_of_their_before_images() {
        let before: Vec<u8> = (0..4096u32).map(|i| (i % 251) as u8).collect();
        let mut after = before.clone();
        after[24] ^= 1; // a header counter
        after[100..103].copy_from_slice(b"new");
        after[3000..3120].fill(9); // a new row
        let fresh = vec![5u8; 4096];
        let changes = [
            Change {
                key: b"page-1",
                before: Some(&before),
                after: Some(&after),
            },
            Change {
                key: b"page-2",
                before: None,
                after: Some(&fresh),
            },
            Change {
                key: b"page-3",
                before: Some(&before),
                after: None,
            },
            Change {
                key: b"page-4",
                before: Some(&before),
                after: Some(&fresh),
            },
        ];
        let g = Group::new(3, 10, true, &changes);
        let stored = g.stored();
        // The changed page is stored as its three runs; the others as they are.
        assert!(stored.len() + 3800 < g.bytes().len(), "{}", stored.len());
        let back = Group::decode(stored.clone()).expect("decodes");
        assert_eq!(back, g);
        assert!(back.backtrack);
        assert_eq!(back.changes().collect::<Vec<_>>(), changes);
        // A patch that reaches past its image is refused, not applied.
        let mut bad = stored;
        let broken = Group::new(3, 10, false, &changes[..1]).stored();
        let mut broken_far = broken.clone();
        // The first run's offset sits after key, before-image, tag and run count.
        let offset_at = HEADER + 4 + 6 + 1 + 4 + 4096 + 1 + 4;
        broken_far[offset_at..offset_at + 4].copy_from_slice(&4096u32.to_be_bytes());
        assert_eq!(Group::decode(broken_far), None);
        bad.truncate(bad.len() - 1);
        assert_eq!(Group::decode(bad), None);
        assert_eq!(Group::decode(broken).map(|g| g.len()), Some(1));
    }
}
