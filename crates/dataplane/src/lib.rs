//! The data plane: every cluster's MySQL endpoints on this machine.
//!
//! It follows the control plane ([`aurora::Aurora::endpoints`], woken by
//! [`aurora::Aurora::changes`]): an endpoint that accepts connections gets a listener on its
//! loopback address; one that stops accepting (the cluster backtracks, stops, reboots, fails
//! over, or the instance behind it is not available) loses its listener, so new connections are
//! refused, and every open connection on it is dropped. Each connection runs a
//! [`mysql_dialect::Session`] over the cluster's SQLite pages, kept in its storage volume
//! (`pages`); each SQLite commit is committed through the control plane, so it lands in the
//! volume's log and can be backtracked.
//!
//! It also decides which loopback address blocks are free on this machine
//! ([`LoopbackBlocks`]), so two servers side by side never share an endpoint.
//!
//! It owns listeners and sessions only: the protocol is `mysql-wire`'s, the SQL is `mysql-dialect`'s, the
//! data is the volume's. It never imports HTTP or XML.

mod blocks;
mod connection;
mod listeners;
mod pages;
mod processes;

pub use blocks::{LoopbackBlocks, CLAIM_PORT};
pub use listeners::{run, run_until};
