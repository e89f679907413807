//! Byte layouts of the volume's keys and records. One tree per volume, four key spaces:
//! `d` + user key (head state), `l` + LSN (log), `t` + time + LSN (time index), `m` (meta).

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

/// One log record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A key changed from `before` to `after` (`None` = absent).
    Change {
        /// The user key.
        key: Vec<u8>,
        /// Value before the change.
        before: Option<Vec<u8>>,
        /// Value after the change.
        after: Option<Vec<u8>>,
    },
    /// Closes the group of records `first_lsn..` this LSN: a consistent point.
    Commit {
        /// Wall-clock commit time in milliseconds.
        time_ms: i64,
        /// First LSN of the group.
        first_lsn: u64,
        /// Number of change records in the group.
        changes: u32,
        /// True for the group a backtrack appended.
        backtrack: bool,
    },
}

fn put_opt(out: &mut Vec<u8>, v: &Option<Vec<u8>>) {
    match v {
        None => out.push(0),
        Some(bytes) => {
            out.push(1);
            out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            out.extend_from_slice(bytes);
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

impl Record {
    /// Encodes the record.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Record::Change { key, before, after } => {
                out.push(1);
                out.extend_from_slice(&(key.len() as u32).to_be_bytes());
                out.extend_from_slice(key);
                put_opt(&mut out, before);
                put_opt(&mut out, after);
            }
            Record::Commit {
                time_ms,
                first_lsn,
                changes,
                backtrack,
            } => {
                out.push(2);
                out.extend_from_slice(&time_ms.to_be_bytes());
                out.extend_from_slice(&first_lsn.to_be_bytes());
                out.extend_from_slice(&changes.to_be_bytes());
                out.push(u8::from(*backtrack));
            }
        }
        out
    }

    /// Decodes a record; `None` when the bytes are not one.
    pub fn decode(bytes: &[u8]) -> Option<Record> {
        let mut r = Reader(bytes);
        let record = match r.u8()? {
            1 => Record::Change {
                key: r.bytes()?,
                before: r.opt()?,
                after: r.opt()?,
            },
            2 => Record::Commit {
                time_ms: r.u64()? as i64,
                first_lsn: r.u64()?,
                changes: r.u32()?,
                backtrack: r.u8()? == 1,
            },
            _ => return None,
        };
        r.0.is_empty().then_some(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        for r in [
            Record::Change {
                key: b"k".to_vec(),
                before: None,
                after: Some(b"v".to_vec()),
            },
            Record::Change {
                key: vec![],
                before: Some(vec![]),
                after: None,
            },
            Record::Commit {
                time_ms: -5,
                first_lsn: 7,
                changes: 3,
                backtrack: true,
            },
        ] {
            assert_eq!(Record::decode(&r.encode()), Some(r));
        }
        assert_eq!(Record::decode(&[9]), None);
        assert_eq!(Record::decode(&[1, 0, 0]), None);
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
