//! Byte layouts of the volume's keys and records. One tree per volume, four key spaces:
//! `d` + user key (head state), `l` + commit LSN (log, one group per value), `t` + time + LSN (time index), `m` (meta).

/// Key of a user key in the head state.
pub fn data_key(key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len() + 1);
    k.push(b'd');
    k.extend_from_slice(key);
    k
}

/// Key of a log record.
pub fn log_key(lsn: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(9);
    k.push(b'l');
    k.extend_from_slice(&lsn.to_be_bytes());
    k
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

/// The meta key.
pub const META_KEY: &[u8] = b"m";

/// One change of one key, with enough to undo and redo it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The user key.
    pub key: Vec<u8>,
    /// Value before the change (`None` = absent).
    pub before: Option<Vec<u8>>,
    /// Value after the change.
    pub after: Option<Vec<u8>>,
}

/// One group of the log: the change records of a transaction (or of a backtrack), LSNs
/// `first_lsn..first_lsn + changes.len()`, closed by its commit record at the next LSN. A group
/// is stored as one value under its commit LSN, so a backtrack reads one value per commit, not
/// one per change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Wall-clock commit time in milliseconds.
    pub time_ms: i64,
    /// LSN of the first change record.
    pub first_lsn: u64,
    /// True for the group a backtrack appended.
    pub backtrack: bool,
    /// The change records, in LSN order.
    pub changes: Vec<Change>,
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_opt(out: &mut Vec<u8>, v: &Option<Vec<u8>>) {
    match v {
        None => out.push(0),
        Some(bytes) => {
            out.push(1);
            put_bytes(out, bytes);
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
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
    fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = self.u32()? as usize;
        self.take(n).map(<[u8]>::to_vec)
    }
    fn opt(&mut self) -> Option<Option<Vec<u8>>> {
        match self.u8()? {
            0 => Some(None),
            1 => self.bytes().map(Some),
            _ => None,
        }
    }
}

impl Group {
    /// LSN of the group's commit record.
    pub fn commit_lsn(&self) -> u64 {
        self.first_lsn + self.changes.len() as u64
    }

    /// Encodes the group.
    pub fn encode(&self) -> Vec<u8> {
        let size: usize = self
            .changes
            .iter()
            .map(|c| {
                c.key.len()
                    + 16
                    + c.before.as_ref().map_or(0, Vec::len)
                    + c.after.as_ref().map_or(0, Vec::len)
            })
            .sum();
        let mut out = Vec::with_capacity(size + 24);
        out.extend_from_slice(&self.time_ms.to_be_bytes());
        out.extend_from_slice(&self.first_lsn.to_be_bytes());
        out.push(u8::from(self.backtrack));
        out.extend_from_slice(&(self.changes.len() as u32).to_be_bytes());
        for c in &self.changes {
            put_bytes(&mut out, &c.key);
            put_opt(&mut out, &c.before);
            put_opt(&mut out, &c.after);
        }
        out
    }

    /// Decodes a group; `None` when the bytes are not one.
    pub fn decode(bytes: &[u8]) -> Option<Group> {
        let mut r = Reader(bytes);
        let time_ms = r.u64()? as i64;
        let first_lsn = r.u64()?;
        let backtrack = match r.u8()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let n = r.u32()? as usize;
        let mut changes = Vec::with_capacity(n.min(bytes.len()));
        for _ in 0..n {
            changes.push(Change {
                key: r.bytes()?,
                before: r.opt()?,
                after: r.opt()?,
            });
        }
        r.0.is_empty().then_some(Group {
            time_ms,
            first_lsn,
            backtrack,
            changes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_round_trip() {
        let g = Group {
            time_ms: -5,
            first_lsn: 7,
            backtrack: true,
            changes: vec![
                Change {
                    key: b"k".to_vec(),
                    before: None,
                    after: Some(b"v".to_vec()),
                },
                Change {
                    key: vec![],
                    before: Some(vec![]),
                    after: None,
                },
            ],
        };
        assert_eq!(g.commit_lsn(), 9);
        assert_eq!(Group::decode(&g.encode()), Some(g.clone()));
        let mut truncated = g.encode();
        truncated.pop();
        assert_eq!(Group::decode(&truncated), None);
        assert_eq!(Group::decode(&[9]), None);
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
}
