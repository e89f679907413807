//! The domain's nouns: clusters, instances, parameter groups, events, tags.
//!
//! Plain data, serialized as JSON into the store. Wire shapes live in `rds-api`; the server's
//! conversion module maps between the two.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A region-qualified key: identifiers are unique per region, as in AWS.
pub type Key = (String, String);

/// Lifecycle states of a cluster, as AWS spells them on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterStatus {
    /// Being created; becomes available.
    Creating,
    /// Serving.
    Available,
    /// Applying a modification.
    Modifying,
    /// Shutting down its instances.
    Stopping,
    /// Stopped; only StartDBCluster and DeleteDBCluster apply.
    Stopped,
    /// Starting its instances again.
    Starting,
    /// Moving the writer role to another instance.
    FailingOver,
    /// Restarting its instances.
    Rebooting,
    /// Rewinding its volume; connections are closed until it is done.
    Backtracking,
    /// Being deleted; disappears when done.
    Deleting,
    /// A restore could not produce the data (its source's history was gone when the copy ran).
    IncompatibleRestore,
}

impl ClusterStatus {
    /// The wire spelling (`failing-over`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterStatus::Creating => "creating",
            ClusterStatus::Available => "available",
            ClusterStatus::Modifying => "modifying",
            ClusterStatus::Stopping => "stopping",
            ClusterStatus::Stopped => "stopped",
            ClusterStatus::Starting => "starting",
            ClusterStatus::FailingOver => "failing-over",
            ClusterStatus::Rebooting => "rebooting",
            ClusterStatus::Backtracking => "backtracking",
            ClusterStatus::Deleting => "deleting",
            ClusterStatus::IncompatibleRestore => "incompatible-restore",
        }
    }
}

/// Lifecycle states of an instance, as AWS spells them on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceStatus {
    /// Being created; becomes available.
    Creating,
    /// Serving.
    Available,
    /// Restarting.
    Rebooting,
    /// Changing its instance class (ModifyDBInstance); becomes available.
    Modifying,
    /// Shutting down with its cluster.
    Stopping,
    /// Stopped with its cluster.
    Stopped,
    /// Starting with its cluster.
    Starting,
    /// Paused while its cluster backtracks.
    Backtracking,
    /// Being deleted; disappears when done.
    Deleting,
    /// Shown, never stored, while the data plane cannot open the instance's MySQL endpoint
    /// (its address is held by another program): AWS's status for an instance whose network
    /// cannot be reached, so nothing reports the endpoint as reachable. It reads `available`
    /// again once the endpoint opens.
    IncompatibleNetwork,
}

impl InstanceStatus {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceStatus::Creating => "creating",
            InstanceStatus::Available => "available",
            InstanceStatus::Rebooting => "rebooting",
            InstanceStatus::Modifying => "modifying",
            InstanceStatus::Stopping => "stopping",
            InstanceStatus::Stopped => "stopped",
            InstanceStatus::Starting => "starting",
            InstanceStatus::Backtracking => "backtracking",
            InstanceStatus::Deleting => "deleting",
            InstanceStatus::IncompatibleNetwork => "incompatible-network",
        }
    }
}

/// A resource tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// Tag key, unique per resource.
    pub key: String,
    /// Tag value (may be empty).
    pub value: String,
}

/// An Aurora DB cluster: the unit that owns the storage volume and the writer role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Region the cluster lives in (part of its key and ARN).
    pub region: String,
    /// Identifier, stored lowercase.
    pub id: String,
    /// `cluster-XXXX`, stable across renames.
    pub resource_id: String,
    /// `aurora-mysql` or `aurora-postgresql`.
    pub engine: String,
    /// Exact engine version.
    pub engine_version: String,
    /// `provisioned` or `serverless`.
    pub engine_mode: String,
    /// Where the lifecycle stands.
    pub status: ClusterStatus,
    /// When the current transitional status completes; `None` when settled.
    pub due: Option<DateTime<Utc>>,
    /// ClusterCreateTime.
    pub created_at: DateTime<Utc>,
    /// Master user name.
    pub master_username: Option<String>,
    /// Master password; kept for the data plane's authentication, never sent back.
    pub master_password: Option<String>,
    /// Initial database name.
    pub database_name: Option<String>,
    /// Port clients connect to.
    pub port: u16,
    /// Name of the cluster parameter group in use.
    pub parameter_group: String,
    /// `None`: backtrack never enabled; `Some(0)`: disabled for good; `Some(s)`: target window.
    pub backtrack_window: Option<i64>,
    /// Whether DeleteDBCluster is refused.
    pub deletion_protection: bool,
    /// Days of automated backups.
    pub backup_retention_period: i32,
    /// `hh:mm-hh:mm`.
    pub preferred_backup_window: String,
    /// `ddd:hh:mm-ddd:hh:mm`.
    pub preferred_maintenance_window: String,
    /// StorageEncrypted.
    pub storage_encrypted: bool,
    /// KMS key, when encrypted with one.
    pub kms_key_id: Option<String>,
    /// IAMDatabaseAuthenticationEnabled.
    pub iam_auth: bool,
    /// CopyTagsToSnapshot.
    pub copy_tags_to_snapshot: bool,
    /// AvailabilityZones the cluster spans.
    pub availability_zones: Vec<String>,
    /// VPC security groups.
    pub vpc_security_group_ids: Vec<String>,
    /// CloudWatch log exports enabled.
    pub log_exports: Vec<String>,
    /// The DB subnet group name.
    pub subnet_group: String,
    /// Character set given at creation.
    pub character_set: Option<String>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Identifier of the instance holding the writer role.
    pub writer: Option<String>,
    /// The instance a running failover promotes.
    pub failover_target: Option<String>,
    /// Fixes the block of loopback addresses its endpoints listen on (see `endpoints`).
    #[serde(default)]
    pub endpoint_index: u32,
    /// Set by the fault endpoint: the next backtrack fails and leaves the data untouched.
    #[serde(default)]
    pub fail_next_backtrack: bool,
    /// Whether the actual backtrack window is currently shorter than the target (so the
    /// RDS-EVENT-0131/0132 pair is emitted once per change).
    #[serde(default)]
    pub window_short: bool,
    /// While a restore is filling the new cluster's volume: where its data comes from. The
    /// cluster stays `creating` until the copy is done, and a restart redoes the copy.
    #[serde(default)]
    pub restore: Option<DataSource>,
    /// CloneGroupId: shared by a cluster and its copy-on-write clones.
    #[serde(default)]
    pub clone_group_id: Option<String>,
    /// When its last automated snapshot was taken (the next is due in the following backup
    /// window).
    #[serde(default)]
    pub last_backup_at: Option<DateTime<Utc>>,
}

/// A DB subnet group a user created (the `default` group is derived, not stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetGroup {
    /// Region.
    pub region: String,
    /// DBSubnetGroupName, stored lowercase.
    pub name: String,
    /// DBSubnetGroupDescription.
    pub description: String,
    /// SubnetIds, in the order given.
    pub subnet_ids: Vec<String>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// A deleted cluster's automated backups, kept because the deletion said
/// DeleteAutomatedBackups=false: its volume (continuous backup up to the deletion) and its
/// automated snapshots, until the retention period has passed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetainedBackup {
    /// Region.
    pub region: String,
    /// The deleted cluster's resource id (DbClusterResourceId), the key of the record.
    pub resource_id: String,
    /// The deleted cluster's identifier.
    pub cluster_id: String,
    /// When the cluster was deleted: the latest restorable time.
    pub deleted_at: DateTime<Utc>,
    /// The cluster as it was, for restores and Describe.
    pub cluster: Cluster,
}

/// A state of some volume's data: the volume's tree and the time to read it at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSource {
    /// The store tree of the volume read.
    pub tree: String,
    /// The time whose state is read (the last commit at or before it).
    pub at: DateTime<Utc>,
    /// Share the source's storage (a copy-on-write clone) instead of copying it.
    #[serde(default)]
    pub clone: bool,
}

/// Lifecycle states of a DB cluster snapshot, as AWS spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SnapshotStatus {
    /// Its data is being copied.
    Creating,
    /// Complete: it can be restored, copied and deleted.
    Available,
    /// The copy could not be made (the source's history was gone).
    Failed,
}

impl SnapshotStatus {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotStatus::Creating => "creating",
            SnapshotStatus::Available => "available",
            SnapshotStatus::Failed => "failed",
        }
    }
}

/// A DB cluster snapshot: a cluster's whole volume at one time, with what a restore needs to
/// build the cluster again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Region.
    pub region: String,
    /// DBClusterSnapshotIdentifier, stored lowercase (`rds:...` for automated ones).
    pub id: String,
    /// `manual` or `automated`.
    pub snapshot_type: String,
    /// Where it stands.
    pub status: SnapshotStatus,
    /// When the copy of its data is due to run.
    pub due: Option<DateTime<Utc>>,
    /// SnapshotCreateTime.
    pub created_at: DateTime<Utc>,
    /// Where its data is read from: its own tree once copied; an automated snapshot is a
    /// point in its cluster's continuous backup and reads the cluster's volume.
    pub data: DataSource,
    /// While `creating`: what is being copied into `data`.
    pub copy_from: Option<DataSource>,
    /// The source cluster's identifier.
    pub cluster_id: String,
    /// The source cluster's resource id.
    pub cluster_resource_id: String,
    /// The source cluster's creation time.
    pub cluster_created_at: DateTime<Utc>,
    /// Engine.
    pub engine: String,
    /// Engine version.
    pub engine_version: String,
    /// Engine mode.
    pub engine_mode: String,
    /// Port.
    pub port: u16,
    /// Master user name.
    pub master_username: Option<String>,
    /// Master password, so a restored cluster accepts the same credentials (never shown).
    pub master_password: Option<String>,
    /// Initial database name.
    pub database_name: Option<String>,
    /// StorageEncrypted.
    pub storage_encrypted: bool,
    /// KMS key.
    pub kms_key_id: Option<String>,
    /// IAMDatabaseAuthenticationEnabled.
    pub iam_auth: bool,
    /// AvailabilityZones.
    pub availability_zones: Vec<String>,
    /// The source cluster's backup retention period.
    pub backup_retention_period: i32,
    /// The source cluster's backup window.
    pub preferred_backup_window: String,
    /// The ARN of the snapshot this one was copied from.
    pub source_snapshot_arn: Option<String>,
    /// Accounts allowed to restore it (`all` for public): the `restore` attribute.
    pub restore_accounts: Vec<String>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// Where a backtrack stands, as AWS sends it on the wire (upper case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BacktrackStatus {
    /// Accepted, waiting to be applied.
    Pending,
    /// Being applied: the cluster is paused.
    Applying,
    /// Done: the volume holds the state at `BacktrackTo`.
    Completed,
    /// Gave up; the data is as it was before the request.
    Failed,
}

impl BacktrackStatus {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BacktrackStatus::Pending => "PENDING",
            BacktrackStatus::Applying => "APPLYING",
            BacktrackStatus::Completed => "COMPLETED",
            BacktrackStatus::Failed => "FAILED",
        }
    }
}

/// One BacktrackDBCluster request and its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backtrack {
    /// Region.
    pub region: String,
    /// The cluster rewound.
    pub cluster_id: String,
    /// BacktrackIdentifier (a UUID).
    pub id: String,
    /// Creation order, for newest-first listing and paging.
    pub seq: u64,
    /// The time requested (or the earliest time, when the request allowed falling back to it).
    pub target: DateTime<Utc>,
    /// The consistent time actually landed on, once completed.
    pub landed_at: Option<DateTime<Utc>>,
    /// When applying started (BacktrackedFrom).
    pub backtracked_from: Option<DateTime<Utc>>,
    /// BacktrackRequestCreationTime.
    pub requested_at: DateTime<Utc>,
    /// Where it stands.
    pub status: BacktrackStatus,
    /// When the next step is due.
    pub due: Option<DateTime<Utc>>,
    /// Why it failed, for the event.
    pub failure: Option<String>,
}

/// A DB instance of a cluster: writer or reader over the cluster's volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// Region.
    pub region: String,
    /// Identifier, stored lowercase.
    pub id: String,
    /// The owning cluster's identifier.
    pub cluster_id: String,
    /// `db-XXXX`.
    pub resource_id: String,
    /// DBInstanceClass, e.g. `db.r6g.large`.
    pub class: String,
    /// Engine (the cluster's).
    pub engine: String,
    /// Engine version (the cluster's).
    pub engine_version: String,
    /// Where the lifecycle stands.
    pub status: InstanceStatus,
    /// When the current transitional status completes.
    pub due: Option<DateTime<Utc>>,
    /// InstanceCreateTime.
    pub created_at: DateTime<Utc>,
    /// Availability zone.
    pub availability_zone: String,
    /// Failover priority, 0 (first) to 15.
    pub promotion_tier: i32,
    /// PubliclyAccessible.
    pub publicly_accessible: bool,
    /// AutoMinorVersionUpgrade.
    pub auto_minor_version_upgrade: bool,
    /// DB (instance) parameter group name.
    pub parameter_group: String,
    /// Whether DeleteDBInstance is refused.
    pub deletion_protection: bool,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Its place in the cluster's address block: its endpoint is `.(10 + slot)`.
    #[serde(default)]
    pub slot: u32,
}

/// A custom cluster parameter group; default groups are derived from the catalog, not stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParameterGroup {
    /// Region.
    pub region: String,
    /// Name, stored lowercase.
    pub name: String,
    /// Family, e.g. `aurora-mysql8.0`.
    pub family: String,
    /// Description.
    pub description: String,
    /// Values set by the user; absent names keep the engine default.
    pub values: BTreeMap<String, String>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// One row of DescribeDBClusterParameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterValue {
    /// The catalog entry.
    pub spec: crate::catalog::ParameterSpec,
    /// The effective value; `None` when unset.
    pub value: Option<String>,
    /// `engine-default` or `user`.
    pub source: &'static str,
}

/// The kind of resource an event is about, as DescribeEvents' SourceType spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceType {
    /// A DB cluster.
    DbCluster,
    /// A DB instance.
    DbInstance,
    /// A parameter group.
    DbParameterGroup,
    /// A DB cluster snapshot.
    DbClusterSnapshot,
}

impl SourceType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::DbCluster => "db-cluster",
            SourceType::DbInstance => "db-instance",
            SourceType::DbParameterGroup => "db-parameter-group",
            SourceType::DbClusterSnapshot => "db-cluster-snapshot",
        }
    }
}

/// An entry of DescribeEvents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Order of recording, also the paging key.
    pub seq: u64,
    /// Region.
    pub region: String,
    /// Identifier of the source resource.
    pub source_id: String,
    /// Kind of source.
    pub source_type: SourceType,
    /// The ARN of the source.
    pub source_arn: String,
    /// The message, as in AWS's event catalogue.
    pub message: String,
    /// Categories, e.g. `creation`.
    pub categories: Vec<String>,
    /// When it happened.
    pub date: DateTime<Utc>,
}

/// A cluster as Describe shows it: the record plus what is derived from the rest of the state.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterView {
    /// The stored record.
    pub cluster: Cluster,
    /// Its ARN.
    pub arn: String,
    /// Writer endpoint host name.
    pub endpoint: String,
    /// Reader endpoint host name.
    pub reader_endpoint: String,
    /// Members in creation order: (instance id, is writer, promotion tier).
    pub members: Vec<Member>,
    /// Earliest time a backtrack may target, when backtrack is enabled.
    pub earliest_backtrack_time: Option<DateTime<Utc>>,
    /// Change records the volume keeps for backtrack, when backtrack is enabled.
    pub backtrack_change_records: Option<u64>,
    /// EarliestRestorableTime, once the cluster exists.
    pub earliest_restorable_time: Option<DateTime<Utc>>,
}

/// A member row of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Instance identifier.
    pub instance_id: String,
    /// Holds the writer role.
    pub is_writer: bool,
    /// Failover priority.
    pub promotion_tier: i32,
}

/// An instance as Describe shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceView {
    /// The stored record.
    pub instance: Instance,
    /// Its ARN.
    pub arn: String,
    /// The instance endpoint host name.
    pub address: String,
    /// The port (the cluster's).
    pub port: u16,
    /// The cluster's master user name, which DescribeDBInstances repeats.
    pub master_username: Option<String>,
}

/// A snapshot as Describe shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotView {
    /// The stored record.
    pub snapshot: Snapshot,
    /// Its ARN.
    pub arn: String,
}

/// A parameter group as Describe shows it (default or custom).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterGroupView {
    /// Name.
    pub name: String,
    /// Family.
    pub family: String,
    /// Description.
    pub description: String,
    /// ARN.
    pub arn: String,
}
