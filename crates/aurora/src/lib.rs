//! The Aurora domain: clusters, instances, parameter groups and events, and their lifecycle in
//! time.
//!
//! It owns the rules AWS enforces (identifiers, engines, backtrack windows, states), the lifecycle
//! table, and the driver that settles transitions when they are due. Time and ids come from one
//! injected [`Env`]. Persistence goes through the `store` trait. This crate must never import
//! HTTP, XML or a database library directly.

pub mod catalog;
pub mod endpoints;
mod env;
mod error;
pub mod lifecycle;
mod model;
mod pace;
mod service;
pub mod validate;

pub use env::{AddressBlocks, Clock, Env, EveryBlock, Ids};
pub use error::{Error, Result};
pub use model::*;
pub use pace::{Pace, Step};
pub use service::{
    Aurora, AutomatedBackupView, ClusterChanges, Config, EventQuery, Filter, InstanceChanges,
    NewCluster, NewInstance, Page, Paging, ParameterChange, PointInTimeSource, RestoreOptions,
    RestorePoint, SubnetGroupView,
};
pub use volume::{CommitPoint, Transaction, Volume};
