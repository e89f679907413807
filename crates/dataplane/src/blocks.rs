//! Address blocks claimed on the machine, so that several Rewind servers side by side never
//! hand out the same endpoint.
//!
//! A block is claimed by holding a listening socket on its address `.254` at one port that every
//! Rewind uses ([`CLAIM_PORT`]): the kernel lets one process bind it, so the claim is exclusive
//! across processes and ends with the process, even after `kill -9`. A block whose writer
//! address is already bound on the cluster's port (another server, a real MySQL) is not taken.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Mutex;

use aurora::endpoints;
use aurora::AddressBlocks;

/// The port of the claim sockets, the same for every Rewind (one below the API's default).
pub const CLAIM_PORT: u16 = 4598;

/// This process's claims on loopback address blocks.
#[derive(Debug)]
pub struct LoopbackBlocks {
    /// The port claims are bound on ([`CLAIM_PORT`] in the server; tests pick their own).
    claim_port: u16,
    /// The claim socket of each block held, kept open for the life of the process.
    held: Mutex<HashMap<u32, TcpListener>>,
}

impl LoopbackBlocks {
    /// No blocks held yet; claims bind on `claim_port`.
    pub fn new(claim_port: u16) -> Self {
        Self {
            claim_port,
            held: Mutex::new(HashMap::new()),
        }
    }
}

fn claim_address(index: u32) -> Ipv4Addr {
    let [a, b, c, _] = endpoints::writer_address(index).octets();
    Ipv4Addr::new(a, b, c, 254)
}

impl AddressBlocks for LoopbackBlocks {
    fn claim(&self, index: u32, port: u16) -> bool {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if held.contains_key(&index) {
            return true;
        }
        let Ok(claim) =
            TcpListener::bind(SocketAddr::from((claim_address(index), self.claim_port)))
        else {
            return false;
        };
        // The writer address must be free too: a program that is not a Rewind may hold it.
        if TcpListener::bind(SocketAddr::from((endpoints::writer_address(index), port))).is_err() {
            return false;
        }
        held.insert(index, claim);
        true
    }
}
