//! Where a cluster's MySQL endpoints live on this machine, and which ones should be open.
//!
//! Every endpoint of every cluster shares the cluster's port (3306 unless `--port` says
//! otherwise), as on AWS, and is told apart by its loopback address: cluster n gets the block
//! `127.(1 + n / 256).(n % 256).x`, with the writer (cluster) endpoint at `.1`, the reader
//! endpoint at `.2` and instance k at `.(10 + k)`. The whole of 127.0.0.0/8 is loopback on Linux;
//! on macOS the addresses must be aliased first (`ifconfig lo0 alias 127.1.0.1`).

use std::net::{Ipv4Addr, SocketAddr};

/// Most clusters that can have endpoints at once.
pub const MAX_CLUSTERS: u32 = 254 * 256;

/// Most instances per cluster (AWS allows 16).
pub const MAX_SLOTS: u32 = 200;

fn block(index: u32, last: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, (1 + index / 256) as u8, (index % 256) as u8, last)
}

/// The writer (cluster) endpoint's address.
pub fn writer_address(index: u32) -> Ipv4Addr {
    block(index, 1)
}

/// The reader endpoint's address.
pub fn reader_address(index: u32) -> Ipv4Addr {
    block(index, 2)
}

/// Instance `slot`'s own endpoint address.
pub fn instance_address(index: u32, slot: u32) -> Ipv4Addr {
    block(index, (10 + slot.min(MAX_SLOTS)) as u8)
}

/// What an endpoint serves.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EndpointRole {
    /// The cluster endpoint: always the current writer.
    Writer,
    /// The reader endpoint: the readers, or the writer when there are none.
    Reader,
    /// One instance's own endpoint.
    Instance(String),
}

/// One endpoint the data plane should (or should not) serve right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSpec {
    /// The cluster's region.
    pub region: String,
    /// The cluster's identifier.
    pub cluster_id: String,
    /// What it serves.
    pub role: EndpointRole,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Whether writes are refused (MySQL error 1290).
    pub read_only: bool,
    /// Whether connections are served; false while the cluster backtracks, stops, reboots or
    /// fails over, and while the instance behind it is not available.
    pub accepting: bool,
    /// The master user's name and password, checked at connect.
    pub credentials: (String, String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_distinct_and_loopback() {
        let all = [
            writer_address(1),
            reader_address(1),
            instance_address(1, 1),
            writer_address(2),
            writer_address(257),
        ];
        for a in all {
            assert!(a.is_loopback(), "{a}");
        }
        let mut unique = all.to_vec();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len());
        assert_eq!(writer_address(0).to_string(), "127.1.0.1");
        assert_eq!(instance_address(3, 2).to_string(), "127.1.3.12");
        assert_eq!(writer_address(MAX_CLUSTERS - 1).octets()[1], 254);
    }
}
