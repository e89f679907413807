//! What can go wrong in the domain, in the domain's words.
//!
//! The server maps each variant to its AWS wire code in one place; the messages here copy AWS's
//! real text where it is known.

use std::fmt;

/// A refused or failed domain operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// No cluster by that identifier in the caller's region.
    ClusterNotFound(String),
    /// No instance by that identifier in the caller's region.
    InstanceNotFound(String),
    /// No cluster parameter group by that name (CreateDBCluster/ModifyDBCluster wording).
    ClusterParameterGroupNotFound(String),
    /// No backtrack by that identifier on the cluster.
    BacktrackNotFound(String),
    /// No parameter group by that name (parameter-group operations' wording).
    ParameterGroupNotFound(String),
    /// A cluster with that identifier exists already.
    ClusterAlreadyExists(String),
    /// An instance with that identifier exists already.
    InstanceAlreadyExists(String),
    /// A parameter group with that name exists already.
    ParameterGroupAlreadyExists(String),
    /// No more clusters can be created.
    ClusterQuotaExceeded(String),
    /// The cluster's state forbids the operation.
    InvalidClusterState(String),
    /// The instance's state forbids the operation.
    InvalidInstanceState(String),
    /// The parameter group's state forbids the operation.
    InvalidParameterGroupState(String),
    /// A parameter has a bad value.
    InvalidParameterValue(String),
    /// Parameters that cannot go together.
    InvalidParameterCombination(String),
    /// No cluster snapshot by that identifier.
    SnapshotNotFound(String),
    /// A cluster snapshot with that identifier exists already.
    SnapshotAlreadyExists(String),
    /// The snapshot's state forbids the operation.
    InvalidSnapshotState(String),
    /// A restore that cannot be made (a time outside the restorable window).
    InvalidRestore(String),
    /// No DB subnet group by that name.
    SubnetGroupNotFound(String),
    /// A DB subnet group by that name exists already.
    SubnetGroupAlreadyExists(String),
    /// The subnet group's state forbids the operation (in use, or the default group).
    InvalidSubnetGroupState(String),
    /// A subnet id that is not one.
    InvalidSubnet(String),
    /// The subnets do not span two availability zones.
    SubnetGroupDoesNotCoverEnoughAZs(String),
    /// No more subnet groups can be created.
    SubnetGroupQuotaExceeded(String),
    /// Too many subnets in one group.
    SubnetQuotaExceeded(String),
    /// No global cluster by that identifier (Rewind has none).
    GlobalClusterNotFound(String),
    /// No automated backup by that resource id.
    AutomatedBackupNotFound(String),
    /// The automated backup's state forbids the operation.
    InvalidAutomatedBackupState(String),
    /// No more manual snapshots can be kept.
    SnapshotQuotaExceeded(String),
    /// A resource would carry more than [`crate::validate::MAX_TAGS`] tags.
    TagQuotaPerResourceExceeded(String),
    /// Storage failed underneath; nothing was acknowledged.
    Internal(String),
}

impl Error {
    /// The human-readable message sent to the client.
    pub fn message(&self) -> String {
        match self {
            Error::ClusterNotFound(id) => format!("DBCluster {id} not found."),
            Error::InstanceNotFound(id) => format!("DBInstance {id} not found."),
            Error::ClusterParameterGroupNotFound(name) | Error::ParameterGroupNotFound(name) => {
                format!("DBClusterParameterGroup not found: {name}")
            }
            Error::BacktrackNotFound(id) => format!("DBClusterBacktrack {id} not found."),
            Error::ClusterAlreadyExists(_) => "DB Cluster already exists".to_owned(),
            Error::InstanceAlreadyExists(_) => "DB instance already exists".to_owned(),
            Error::ParameterGroupAlreadyExists(name) => {
                format!("Parameter group {name} already exists")
            }
            Error::SnapshotNotFound(id) => format!("DBClusterSnapshot {id} not found."),
            Error::SnapshotAlreadyExists(id) => {
                format!("Cannot create the snapshot because a snapshot with the identifier {id} already exists.")
            }
            Error::SubnetGroupNotFound(name) => format!("DB Subnet group '{name}' not found."),
            Error::SubnetGroupAlreadyExists(name) => {
                format!("The DB subnet group '{name}' already exists.")
            }
            Error::GlobalClusterNotFound(id) => format!("Global cluster {id} not found."),
            Error::AutomatedBackupNotFound(id) => {
                format!("No automated backup found for DbClusterResourceId {id}.")
            }
            Error::ClusterQuotaExceeded(m)
            | Error::InvalidAutomatedBackupState(m)
            | Error::InvalidSubnetGroupState(m)
            | Error::InvalidSubnet(m)
            | Error::SubnetGroupDoesNotCoverEnoughAZs(m)
            | Error::SubnetGroupQuotaExceeded(m)
            | Error::SubnetQuotaExceeded(m)
            | Error::InvalidSnapshotState(m)
            | Error::InvalidRestore(m)
            | Error::SnapshotQuotaExceeded(m)
            | Error::InvalidClusterState(m)
            | Error::InvalidInstanceState(m)
            | Error::InvalidParameterGroupState(m)
            | Error::InvalidParameterValue(m)
            | Error::InvalidParameterCombination(m)
            | Error::TagQuotaPerResourceExceeded(m)
            | Error::Internal(m) => m.clone(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

impl From<store::StoreError> for Error {
    fn from(e: store::StoreError) -> Self {
        Error::Internal(format!("Rewind could not persist the change: {e}"))
    }
}

/// Results of domain operations.
pub type Result<T> = std::result::Result<T, Error>;
