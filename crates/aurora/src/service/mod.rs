//! The Aurora service: every control-plane operation, the state it guards, and its persistence.
//!
//! One mutex guards the whole state; it is never held across `.await`. Each mutating operation
//! validates first, then changes the in-memory state through a [`Tx`] that records what it
//! touched, then writes exactly those records to the store in one durable batch before it
//! answers. Transitions in time are a status plus a due time on the record itself, so a restart
//! reloads them with everything else and the driver picks them up where they were.
//!
//! This file holds the state, the request types and what every operation shares (locking,
//! paging, filters, views); each family of operations has its own file beside it, and [`Tx`]
//! (`tx.rs`) is the one way to change the state.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use store::{Batch, Store};
use tokio::sync::{watch, Notify};
use volume::{CommitPoint, Retention, Transaction, Volume};

use crate::catalog::{self, EngineVersion};
use crate::endpoints::{self, EndpointRole, EndpointSpec};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::lifecycle::{self, Settle};
use crate::model::*;
use crate::pace::{Pace, Step};
use crate::validate;

mod backtrack;
mod backups;
mod clusters;
mod driver;
mod events;
mod instances;
mod parameters;
mod snapshots;
mod subnets;
mod tx;

use backtrack::{earliest_backtrack_time, volume_tree};
pub use backups::AutomatedBackupView;
use snapshots::earliest_restorable_time;
pub use snapshots::{PointInTimeSource, RestoreOptions, RestorePoint};
pub use subnets::SubnetGroupView;

const TREE: &str = "control";
const CLOCK_KEY: &str = "meta/clock-offset-ms";
/// Events older than this are dropped, as RDS keeps them 14 days.
const EVENT_RETENTION: TimeDelta = TimeDelta::days(14);

/// Settings fixed at start-up.
#[derive(Debug, Clone)]
pub struct Config {
    /// The account id in every ARN.
    pub account_id: String,
    /// How long transitions take.
    pub pace: Pace,
    /// Most change records a cluster's volume keeps for backtrack; `None` for no cap. With a
    /// cap, heavy writes make the actual backtrack window shorter than the target.
    pub backtrack_capacity: Option<u64>,
}

/// A page of a Describe result; `marker` is set only when more records follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The records of this page.
    pub items: Vec<T>,
    /// Opaque marker for the next page.
    pub marker: Option<String>,
}

/// A Describe filter (`Filters.Filter.N`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    /// Filter name, e.g. `engine`.
    pub name: String,
    /// Accepted values.
    pub values: Vec<String>,
}

/// Paging arguments shared by every Describe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paging {
    /// MaxRecords as sent.
    pub max_records: Option<i32>,
    /// Marker as sent.
    pub marker: Option<String>,
    /// What the query is (its action and every input but the paging ones): a marker is only
    /// valid for the query that produced it, so one reused with other filters or given to
    /// another action is refused instead of silently skipping records.
    pub scope: String,
}

/// CreateDBCluster's inputs, in domain terms.
#[derive(Debug, Clone, Default)]
pub struct NewCluster {
    /// DBClusterIdentifier.
    pub id: String,
    /// Engine.
    pub engine: String,
    /// EngineVersion.
    pub engine_version: Option<String>,
    /// EngineMode.
    pub engine_mode: Option<String>,
    /// MasterUsername.
    pub master_username: Option<String>,
    /// MasterUserPassword.
    pub master_password: Option<String>,
    /// ManageMasterUserPassword (then no password is required).
    pub manage_master_password: bool,
    /// DatabaseName.
    pub database_name: Option<String>,
    /// Port.
    pub port: Option<i32>,
    /// DBClusterParameterGroupName.
    pub parameter_group: Option<String>,
    /// BacktrackWindow.
    pub backtrack_window: Option<i64>,
    /// DeletionProtection.
    pub deletion_protection: bool,
    /// BackupRetentionPeriod.
    pub backup_retention_period: Option<i32>,
    /// PreferredBackupWindow.
    pub preferred_backup_window: Option<String>,
    /// PreferredMaintenanceWindow.
    pub preferred_maintenance_window: Option<String>,
    /// StorageEncrypted.
    pub storage_encrypted: bool,
    /// KmsKeyId.
    pub kms_key_id: Option<String>,
    /// EnableIAMDatabaseAuthentication.
    pub iam_auth: bool,
    /// CopyTagsToSnapshot.
    pub copy_tags_to_snapshot: bool,
    /// AvailabilityZones.
    pub availability_zones: Vec<String>,
    /// VpcSecurityGroupIds.
    pub vpc_security_group_ids: Vec<String>,
    /// EnableCloudwatchLogsExports.
    pub log_exports: Vec<String>,
    /// DBSubnetGroupName.
    pub subnet_group: Option<String>,
    /// CharacterSetName.
    pub character_set: Option<String>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// The clone group a copy-on-write restore joins.
    pub clone_group_id: Option<String>,
}

/// ModifyDBCluster's inputs; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct ClusterChanges {
    /// NewDBClusterIdentifier.
    pub new_id: Option<String>,
    /// BacktrackWindow.
    pub backtrack_window: Option<i64>,
    /// DBClusterParameterGroupName.
    pub parameter_group: Option<String>,
    /// MasterUserPassword.
    pub master_password: Option<String>,
    /// EngineVersion.
    pub engine_version: Option<String>,
    /// Port.
    pub port: Option<i32>,
    /// BackupRetentionPeriod.
    pub backup_retention_period: Option<i32>,
    /// PreferredBackupWindow.
    pub preferred_backup_window: Option<String>,
    /// PreferredMaintenanceWindow.
    pub preferred_maintenance_window: Option<String>,
    /// DeletionProtection.
    pub deletion_protection: Option<bool>,
    /// CopyTagsToSnapshot.
    pub copy_tags_to_snapshot: Option<bool>,
    /// EnableIAMDatabaseAuthentication.
    pub iam_auth: Option<bool>,
    /// VpcSecurityGroupIds.
    pub vpc_security_group_ids: Option<Vec<String>>,
    /// CloudwatchLogsExportConfiguration.EnableLogTypes.
    pub enable_log_types: Vec<String>,
    /// CloudwatchLogsExportConfiguration.DisableLogTypes.
    pub disable_log_types: Vec<String>,
}

/// CreateDBInstance's inputs, in domain terms.
#[derive(Debug, Clone, Default)]
pub struct NewInstance {
    /// DBInstanceIdentifier.
    pub id: String,
    /// DBClusterIdentifier.
    pub cluster_id: Option<String>,
    /// DBInstanceClass.
    pub class: String,
    /// Engine.
    pub engine: String,
    /// AvailabilityZone.
    pub availability_zone: Option<String>,
    /// PromotionTier.
    pub promotion_tier: Option<i32>,
    /// PubliclyAccessible.
    pub publicly_accessible: bool,
    /// AutoMinorVersionUpgrade (default true).
    pub auto_minor_version_upgrade: Option<bool>,
    /// DBParameterGroupName.
    pub parameter_group: Option<String>,
    /// DeletionProtection.
    pub deletion_protection: bool,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// ModifyDBInstance's inputs that an Aurora instance owns; changes apply at once, whatever
/// `ApplyImmediately` says, so nothing is ever left pending.
#[derive(Debug, Clone, Default)]
pub struct InstanceChanges {
    /// DBInstanceClass: the instance is `modifying` while it changes.
    pub class: Option<String>,
    /// PromotionTier.
    pub promotion_tier: Option<i32>,
    /// AutoMinorVersionUpgrade.
    pub auto_minor_version_upgrade: Option<bool>,
    /// PubliclyAccessible.
    pub publicly_accessible: Option<bool>,
    /// Names of the settings given that an Aurora instance takes from its cluster
    /// (AllocatedStorage, MasterUserPassword, ...): refused, naming the first.
    pub cluster_settings: Vec<&'static str>,
}

/// DescribeEvents' inputs.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// SourceIdentifier.
    pub source_id: Option<String>,
    /// SourceType.
    pub source_type: Option<String>,
    /// StartTime.
    pub start: Option<DateTime<Utc>>,
    /// EndTime.
    pub end: Option<DateTime<Utc>>,
    /// Duration in minutes.
    pub duration_minutes: Option<i32>,
    /// EventCategories.
    pub categories: Vec<String>,
    /// Paging.
    pub paging: Paging,
}

/// One parameter change of ModifyDBClusterParameterGroup.
#[derive(Debug, Clone, Default)]
pub struct ParameterChange {
    /// ParameterName.
    pub name: String,
    /// ParameterValue.
    pub value: Option<String>,
    /// ApplyMethod (`immediate` or `pending-reboot`).
    pub apply_method: Option<String>,
}

/// The whole control-plane state, kept in memory and mirrored in the store.
#[derive(Debug, Default)]
struct State {
    clusters: BTreeMap<Key, Cluster>,
    instances: BTreeMap<Key, Instance>,
    groups: BTreeMap<Key, ParameterGroup>,
    events: BTreeMap<u64, Event>,
    backtracks: BTreeMap<Key, Backtrack>,
    snapshots: BTreeMap<Key, Snapshot>,
    /// Retained automated backups of deleted clusters, by (region, resource id).
    retained: BTreeMap<Key, RetainedBackup>,
    subnet_groups: BTreeMap<Key, SubnetGroup>,
}

/// The Aurora control plane. Cheap to clone; clones share one state.
#[derive(Clone)]
pub struct Aurora {
    inner: Arc<Inner>,
}

struct Inner {
    env: Env,
    config: Config,
    store: Arc<dyn Store>,
    state: RwLock<State>,
    /// Bumped by every change of state, transition or clock move: lets the server reuse a
    /// rendered Describe answer while nothing it shows has changed.
    version: AtomicU64,
    /// Wakes the driver when a new due time may be earlier than the one it sleeps for.
    wake: Notify,
    /// Carries the state version to whoever follows changes (the data plane).
    changes: watch::Sender<u64>,
    /// Open storage volumes by store tree: clusters' and snapshots' (opening one reads its
    /// meta once).
    volumes: Mutex<HashMap<String, Arc<Volume>>>,
    /// Endpoints the data plane could not open, by (region, cluster, role), with the instances
    /// behind each, which are shown `incompatible-network` meanwhile. Not stored: after a
    /// restart the data plane tries again and reports afresh.
    unreachable: Mutex<HashMap<(String, String, EndpointRole), Vec<String>>>,
    /// The copies running beside the driver, each on a task of its own (at most
    /// [`MAX_COPIES_AT_ONCE`]): the driver starts a due copy only when it is not among them,
    /// and a copy leaves the set once its outcome is recorded. Not stored: the job itself is
    /// recorded on its snapshot or cluster, so after a restart the driver starts it again.
    copying: Mutex<HashSet<CopyTarget>>,
    /// What the last look at automated backups found: `Some(next)` when nothing is due before
    /// `next` (`None`: nothing ever) unless the control state changes, `None` when it must look
    /// again. The driver wakes at every commit, and a commit changes nothing backups depend
    /// on, so it skips scanning every cluster's snapshots; every mutation forgets it.
    backups_next: Mutex<Option<Option<DateTime<Utc>>>>,
}

/// Most copies (full-copy restores, manual snapshots and their copies) made at once. Each
/// holds a blocking thread and reads its whole source, so a burst of restores waits its turn
/// instead of taking every core from the MySQL sessions; the driver keeps settling meanwhile.
const MAX_COPIES_AT_ONCE: usize = 2;

/// A copy of a volume's state the driver makes outside the state lock: a snapshot's data, or
/// a restored cluster's.
struct CopyJob {
    target: CopyTarget,
    source: Arc<Volume>,
    at: DateTime<Utc>,
    dest: Arc<Volume>,
    /// A copy-on-write clone: `dest` shares `source`'s storage.
    clone: bool,
}

/// Whose data a [`CopyJob`] fills.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum CopyTarget {
    Snapshot(Key),
    Cluster(Key),
}

/// A backtrack the driver applies to a volume outside the state lock.
struct BacktrackJob {
    key: Key,
    volume: Arc<Volume>,
    target: DateTime<Utc>,
    fail: bool,
}

/// What one mutation touched, so exactly those records are written.
#[derive(Default)]
struct Touched {
    clusters: BTreeSet<Key>,
    instances: BTreeSet<Key>,
    groups: BTreeSet<Key>,
    events: BTreeSet<u64>,
    backtracks: BTreeSet<Key>,
    snapshots: BTreeSet<Key>,
    retained: BTreeSet<Key>,
    subnet_groups: BTreeSet<Key>,
}

/// A mutation in progress: the state, the time it happens at, and what it touched.
struct Tx<'a> {
    state: &'a mut State,
    touched: Touched,
    now: DateTime<Utc>,
    inner: &'a Inner,
}

fn key(region: &str, id: &str) -> Key {
    (region.to_owned(), id.to_ascii_lowercase())
}

/// The keys of one region's records: regions partition every map of the state.
fn in_region(region: &str) -> std::ops::Range<Key> {
    key(region, "")..(format!("{region}\0"), String::new())
}

fn paginate<T>(items: Vec<T>, key_of: impl Fn(&T) -> String, paging: &Paging) -> Result<Page<T>> {
    let max = validate::max_records(paging.max_records)?;
    let mut rest: Vec<T> = match paging.marker.as_deref().filter(|m| !m.is_empty()) {
        Some(marker) => {
            let after = open_marker(marker, &paging.scope)?;
            items.into_iter().filter(|i| key_of(i) > after).collect()
        }
        None => items,
    };
    let marker = (rest.len() > max).then(|| seal_marker(&key_of(&rest[max - 1]), &paging.scope));
    rest.truncate(max);
    Ok(Page {
        items: rest,
        marker,
    })
}

/// The marker for the page after `position` of the query `scope`: the position in hex behind
/// a digest of scope and position, so it means nothing to the client and is bound to its query.
fn seal_marker(position: &str, scope: &str) -> String {
    let hex: String = position.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{:016x}{hex}", marker_digest(position, scope))
}

/// The position a marker of the query `scope` stands for; InvalidParameterValue for a marker
/// another query (action, filters, identifiers, region) produced, or one not made by Rewind.
fn open_marker(marker: &str, scope: &str) -> Result<String> {
    let invalid = || {
        Error::InvalidParameterValue(
            "The parameter Marker is not a valid marker for this request: pass back the Marker \
             of the previous page of the same request."
                .into(),
        )
    };
    let (digest, hex) = marker.split_at_checked(16).ok_or_else(invalid)?;
    let digest = u64::from_str_radix(digest, 16).map_err(|_| invalid())?;
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(invalid)?;
    let position = String::from_utf8(bytes).map_err(|_| invalid())?;
    if marker_digest(&position, scope) != digest {
        return Err(invalid());
    }
    Ok(position)
}

/// FNV-1a over scope and position: stable across restarts and builds, so markers stay valid
/// while the server restarts between two pages.
fn marker_digest(position: &str, scope: &str) -> u64 {
    scope
        .bytes()
        .chain([0])
        .chain(position.bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

fn filter_values<'f>(
    filters: &'f [Filter],
    allowed: &[&str],
) -> Result<BTreeMap<&'f str, Vec<String>>> {
    let mut out: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for f in filters {
        if !allowed.contains(&f.name.as_str()) {
            return Err(Error::InvalidParameterValue(format!(
                "Unrecognized filter name: {}",
                f.name
            )));
        }
        if f.values.is_empty() {
            return Err(Error::InvalidParameterValue(format!(
                "The parameter Filter: {} must have at least one value.",
                f.name
            )));
        }
        out.entry(f.name.as_str())
            .or_default()
            .extend(f.values.iter().cloned());
    }
    Ok(out)
}

/// The resource an ARN names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Resource {
    Cluster(String),
    Instance(String),
    Group(String),
    Snapshot(String),
    SubnetGroup(String),
}

impl Aurora {
    /// Loads the state from `store` (empty on first start) and returns the service. Call
    /// [`Aurora::run_driver`] on a task to make transitions happen.
    pub fn open(env: Env, config: Config, store: Arc<dyn Store>) -> Result<Self> {
        let mut state = State::default();
        for (k, v) in store.scan_prefix(TREE, b"")? {
            let k = String::from_utf8_lossy(&k).into_owned();
            let bad = |e: serde_json::Error| Error::Internal(format!("corrupt record {k}: {e}"));
            if k.starts_with("cluster/") {
                let c: Cluster = serde_json::from_slice(&v).map_err(bad)?;
                state.clusters.insert(key(&c.region, &c.id), c);
            } else if k.starts_with("instance/") {
                let i: Instance = serde_json::from_slice(&v).map_err(bad)?;
                state.instances.insert(key(&i.region, &i.id), i);
            } else if k.starts_with("group/") {
                let g: ParameterGroup = serde_json::from_slice(&v).map_err(bad)?;
                state.groups.insert(key(&g.region, &g.name), g);
            } else if k.starts_with("backtrack/") {
                let b: Backtrack = serde_json::from_slice(&v).map_err(bad)?;
                state.backtracks.insert(key(&b.region, &b.id), b);
            } else if k.starts_with("subnet-group/") {
                let g: SubnetGroup = serde_json::from_slice(&v).map_err(bad)?;
                state.subnet_groups.insert(key(&g.region, &g.name), g);
            } else if k.starts_with("retained/") {
                let r: RetainedBackup = serde_json::from_slice(&v).map_err(bad)?;
                state.retained.insert(key(&r.region, &r.resource_id), r);
            } else if k.starts_with("snapshot/") {
                let s: Snapshot = serde_json::from_slice(&v).map_err(bad)?;
                state.snapshots.insert(key(&s.region, &s.id), s);
            } else if k.starts_with("event/") {
                let e: Event = serde_json::from_slice(&v).map_err(bad)?;
                state.events.insert(e.seq, e);
            } else if k == CLOCK_KEY {
                let ms: i64 = serde_json::from_slice(&v).map_err(bad)?;
                env.clock.set_offset_ms(ms);
            }
        }
        for c in state.clusters.values() {
            if !env.blocks.claim(c.endpoint_index, c.port) {
                tracing::warn!(
                    cluster = c.id,
                    endpoint = %endpoints::writer_address(c.endpoint_index),
                    "another program holds this cluster's address block; its endpoints open once it is free"
                );
            }
        }
        Ok(Aurora {
            inner: Arc::new(Inner {
                env,
                config,
                store,
                state: RwLock::new(state),
                version: AtomicU64::new(0),
                changes: watch::Sender::new(0),
                wake: Notify::new(),
                volumes: Mutex::new(HashMap::new()),
                unreachable: Mutex::new(HashMap::new()),
                copying: Mutex::new(HashSet::new()),
                backups_next: Mutex::new(None),
            }),
        })
    }

    /// The injected environment (clock and ids).
    pub fn env(&self) -> &Env {
        &self.inner.env
    }

    /// The account id in ARNs.
    pub fn account_id(&self) -> &str {
        &self.inner.config.account_id
    }

    fn lock(&self) -> RwLockWriteGuard<'_, State> {
        // A panic while holding the lock leaves a state that was validated before mutation;
        // keep serving rather than poisoning every later request.
        self.inner.state.write().unwrap_or_else(|p| p.into_inner())
    }

    fn read_lock(&self) -> RwLockReadGuard<'_, State> {
        self.inner.state.read().unwrap_or_else(|p| p.into_inner())
    }

    /// A number that changes whenever anything Describe shows may have changed (resources,
    /// transitions, volume statistics, the clock); time-derived fields change with the second.
    pub fn version(&self) -> u64 {
        self.inner.version.load(Ordering::SeqCst)
    }

    fn bump(&self) {
        let version = self.inner.version.fetch_add(1, Ordering::SeqCst) + 1;
        self.inner.changes.send_replace(version);
    }

    /// A receiver that wakes whenever the state changes (the data plane reconciles on it).
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.inner.changes.subscribe()
    }

    /// What the data plane tells of an endpoint it was asked to open: `Err(why)` when it could
    /// not (another program holds the address), `Ok` once it is open. While it cannot be
    /// opened, the instances behind it read `incompatible-network`, and the first failure
    /// records an event saying why.
    pub fn report_endpoint(&self, spec: &EndpointSpec, opened: std::result::Result<(), &str>) {
        let k = (
            spec.region.clone(),
            spec.cluster_id.clone(),
            spec.role.clone(),
        );
        let mut unreachable = self
            .inner
            .unreachable
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let why = match opened {
            Ok(()) => {
                if unreachable.remove(&k).is_some() {
                    drop(unreachable);
                    self.bump();
                }
                return;
            }
            Err(why) => why,
        };
        if unreachable.contains_key(&k) {
            return;
        }
        let instances = self.read(|state, _| {
            let writer = state
                .clusters
                .get(&key(&spec.region, &spec.cluster_id))
                .and_then(|c| c.writer.clone());
            let readers: Vec<String> = state
                .instances
                .values()
                .filter(|i| i.region == spec.region && i.cluster_id == spec.cluster_id)
                .filter(|i| Some(&i.id) != writer.as_ref())
                .map(|i| i.id.clone())
                .collect();
            match &spec.role {
                EndpointRole::Instance(id) => vec![id.clone()],
                EndpointRole::Reader if !readers.is_empty() => readers,
                EndpointRole::Writer | EndpointRole::Reader => writer.into_iter().collect(),
            }
        });
        unreachable.insert(k, instances.clone());
        drop(unreachable);
        let message = format!(
            "The DB instance is in an incompatible network: its endpoint {} cannot be opened ({why})",
            spec.addr
        );
        let _ = self.mutate(|tx| {
            for id in &instances {
                let arn = tx.arn("db", &spec.region, id);
                tx.event(
                    &spec.region,
                    id,
                    SourceType::DbInstance,
                    arn,
                    "failure",
                    message.clone(),
                );
            }
            Ok(())
        });
    }

    /// The MySQL endpoints every cluster with instances should have on this machine, and
    /// whether each serves connections right now (see [`crate::endpoints`]).
    pub fn endpoints(&self) -> Vec<EndpointSpec> {
        self.read(|state, _| {
            let mut out = Vec::new();
            for c in state.clusters.values() {
                let members: Vec<&Instance> = state
                    .instances
                    .values()
                    .filter(|i| i.region == c.region && i.cluster_id == c.id)
                    .collect();
                if members.is_empty() {
                    continue;
                }
                let serving = matches!(
                    c.status,
                    ClusterStatus::Available | ClusterStatus::Modifying
                );
                let up = |i: &Instance| serving && i.status == InstanceStatus::Available;
                let writer = members
                    .iter()
                    .find(|i| c.writer.as_deref() == Some(i.id.as_str()));
                let readers_up = members
                    .iter()
                    .any(|i| Some(i.id.as_str()) != c.writer.as_deref() && up(i));
                let spec = |role, ip, read_only, accepting| EndpointSpec {
                    region: c.region.clone(),
                    cluster_id: c.id.clone(),
                    role,
                    addr: std::net::SocketAddr::new(std::net::IpAddr::V4(ip), c.port),
                    read_only,
                    accepting,
                    credentials: (
                        c.master_username.clone().unwrap_or_default(),
                        c.master_password.clone().unwrap_or_default(),
                    ),
                };
                let writer_up = writer.is_some_and(|w| up(w));
                out.push(spec(
                    EndpointRole::Writer,
                    endpoints::writer_address(c.endpoint_index),
                    false,
                    writer_up,
                ));
                // The reader endpoint spreads over the readers, or reaches the writer when
                // there are none, as on AWS.
                out.push(spec(
                    EndpointRole::Reader,
                    endpoints::reader_address(c.endpoint_index),
                    readers_up,
                    readers_up || writer_up,
                ));
                for i in &members {
                    let is_writer = c.writer.as_deref() == Some(i.id.as_str());
                    out.push(spec(
                        EndpointRole::Instance(i.id.clone()),
                        endpoints::instance_address(c.endpoint_index, i.slot),
                        !is_writer,
                        up(i),
                    ));
                }
            }
            out
        })
    }

    /// Runs `f` as one mutation and persists what it touched before returning.
    fn mutate<R>(&self, f: impl FnOnce(&mut Tx<'_>) -> Result<R>) -> Result<R> {
        let now = self.inner.env.clock.now();
        let mut state = self.lock();
        let mut tx = Tx {
            state: &mut state,
            touched: Touched::default(),
            now,
            inner: &self.inner,
        };
        let out = f(&mut tx)?;
        let batch = tx.batch()?;
        if !batch.is_empty() {
            self.inner.store.apply(TREE, batch)?;
        }
        self.inner.forget_backups_next();
        self.bump();
        drop(state);
        self.inner.wake.notify_one();
        Ok(out)
    }

    fn read<R>(&self, f: impl FnOnce(&State, DateTime<Utc>) -> R) -> R {
        let now = self.inner.env.clock.now();
        f(&self.read_lock(), now)
    }

    fn pace(&self, step: Step) -> TimeDelta {
        TimeDelta::from_std(self.inner.config.pace.duration(step)).unwrap_or(TimeDelta::zero())
    }

    /// Accepts an identifier or the ARN of a resource of `kind`, and returns the lowercase name.
    fn resource_name(&self, region: &str, id_or_arn: &str, kind: &str) -> String {
        let prefix = format!(
            "arn:aws:rds:{region}:{}:{kind}:",
            self.inner.config.account_id
        );
        id_or_arn
            .strip_prefix(&prefix)
            .unwrap_or(id_or_arn)
            .to_ascii_lowercase()
    }

    fn parse_arn(&self, region: &str, arn: &str) -> Result<Resource> {
        let bad = || {
            Error::InvalidParameterValue(format!(
                "The specified resource name does not match an RDS resource in this region: {arn}"
            ))
        };
        let parts: Vec<&str> = arn.splitn(7, ':').collect();
        if parts.len() != 7 || parts[0] != "arn" || parts[2] != "rds" || parts[3] != region {
            return Err(bad());
        }
        let name = parts[6].to_ascii_lowercase();
        let res = match parts[5] {
            "cluster" => Resource::Cluster(name),
            "db" => Resource::Instance(name),
            "cluster-pg" => Resource::Group(name),
            "cluster-snapshot" => Resource::Snapshot(name),
            "subgrp" => Resource::SubnetGroup(name),
            _ => return Err(bad()),
        };
        if parts[4] != self.inner.config.account_id {
            return Err(match res {
                Resource::Cluster(n) => Error::ClusterNotFound(n),
                Resource::Instance(n) => Error::InstanceNotFound(n),
                Resource::Group(n) => Error::ClusterParameterGroupNotFound(n),
                Resource::Snapshot(n) => Error::SnapshotNotFound(n),
                Resource::SubnetGroup(n) => Error::SubnetGroupNotFound(n),
            });
        }
        Ok(res)
    }
}

fn view_cluster(inner: &Inner, state: &State, c: &Cluster, now: DateTime<Utc>) -> ClusterView {
    let mut members: Vec<&Instance> = state
        .instances
        .values()
        .filter(|i| i.region == c.region && i.cluster_id == c.id)
        .collect();
    // The writer first, then readers in creation order.
    let is_writer = |i: &Instance| c.writer.as_deref() == Some(i.id.as_str());
    members.sort_by(|a, b| {
        (!is_writer(a), a.created_at, &a.id).cmp(&(!is_writer(b), b.created_at, &b.id))
    });
    // A cluster being restored has a copy writing its volume, under the volume's lock: its
    // figures are not there yet, and reading them would wait for the whole copy.
    let restoring = c.restore.is_some();
    let stats = inner
        .volume(c)
        .ok()
        .filter(|_| !restoring)
        .map(|v| v.stats());
    let enabled = c.backtrack_window.is_some_and(|w| w > 0) && !restoring;
    let earliest_backtrack_time =
        earliest_backtrack_time(c, stats.and_then(|s| s.folded_until), now);
    // The volume also keeps the backup retention period's history; the backtrack window's
    // share of it is what counts here.
    let backtrack_change_records = earliest_backtrack_time.filter(|_| enabled).map(|since| {
        inner
            .volume(c)
            .and_then(|v| Ok(v.changes_since(since)?))
            .unwrap_or(0)
    });
    let settled = !matches!(
        c.status,
        ClusterStatus::Creating | ClusterStatus::IncompatibleRestore
    );
    let earliest_restorable_time = settled.then(|| earliest_restorable_time(inner, c, now));
    ClusterView {
        arn: format!(
            "arn:aws:rds:{}:{}:cluster:{}",
            c.region, inner.config.account_id, c.id
        ),
        endpoint: endpoints::writer_address(c.endpoint_index).to_string(),
        reader_endpoint: endpoints::reader_address(c.endpoint_index).to_string(),
        members: members
            .into_iter()
            .map(|i| Member {
                instance_id: i.id.clone(),
                is_writer: c.writer.as_deref() == Some(i.id.as_str()),
                promotion_tier: i.promotion_tier,
            })
            .collect(),
        earliest_backtrack_time,
        backtrack_change_records,
        earliest_restorable_time,
        cluster: c.clone(),
    }
}

fn view_instance(inner: &Inner, state: &State, i: &Instance) -> InstanceView {
    let cluster = state.clusters.get(&key(&i.region, &i.cluster_id));
    let mut shown = i.clone();
    let cut_off = inner
        .unreachable
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .any(|((region, _, _), ids)| *region == i.region && ids.contains(&i.id));
    if cut_off && i.status == InstanceStatus::Available {
        shown.status = InstanceStatus::IncompatibleNetwork;
    }
    InstanceView {
        arn: format!(
            "arn:aws:rds:{}:{}:db:{}",
            i.region, inner.config.account_id, i.id
        ),
        address: endpoints::instance_address(cluster.map_or(0, |c| c.endpoint_index), i.slot)
            .to_string(),
        port: cluster.map_or(catalog::default_port(&i.engine), |c| c.port),
        master_username: cluster.and_then(|c| c.master_username.clone()),
        instance: shown,
    }
}

fn view_group(
    inner: &Inner,
    state: &State,
    region: &str,
    name: &str,
) -> Option<ParameterGroupView> {
    let arn = format!(
        "arn:aws:rds:{region}:{}:cluster-pg:{name}",
        inner.config.account_id
    );
    if let Some(family) = name.strip_prefix("default.") {
        return catalog::FAMILIES
            .contains(&family)
            .then(|| ParameterGroupView {
                name: name.to_owned(),
                family: family.to_owned(),
                description: format!("Default cluster parameter group for {family}"),
                arn,
            });
    }
    state
        .groups
        .get(&key(region, name))
        .map(|g| ParameterGroupView {
            name: g.name.clone(),
            family: g.family.clone(),
            description: g.description.clone(),
            arn,
        })
}

fn group_values(state: &State, region: &str, name: &str) -> Option<Vec<ParameterValue>> {
    let (family, values) = if let Some(f) = name.strip_prefix("default.") {
        if !catalog::FAMILIES.contains(&f) {
            return None;
        }
        (f.to_owned(), BTreeMap::new())
    } else {
        let g = state.groups.get(&key(region, name))?;
        (g.family.clone(), g.values.clone())
    };
    Some(
        catalog::parameters(&family)
            .iter()
            .map(|spec| match values.get(spec.name) {
                Some(v) => ParameterValue {
                    spec: *spec,
                    value: Some(v.clone()),
                    source: "user",
                },
                None => ParameterValue {
                    spec: *spec,
                    value: spec.default.map(str::to_owned),
                    source: "engine-default",
                },
            })
            .collect(),
    )
}

fn is_default_group(name: &str) -> bool {
    name.starts_with("default.")
}

fn family_of(c: &Cluster) -> &'static str {
    catalog::engine_version(&c.engine, &c.engine_version).map_or("aurora-mysql8.0", |v| v.family)
}

/// `current` with `new` added or overwriting by key, within AWS's bounds on tags.
fn merge_tags(mut current: Vec<Tag>, new: &[Tag]) -> Result<Vec<Tag>> {
    for t in new {
        validate::tag(t)?;
        match current.iter_mut().find(|c| c.key == t.key) {
            Some(c) => c.value = t.value.clone(),
            None => current.push(t.clone()),
        }
    }
    if current.len() > validate::MAX_TAGS {
        return Err(Error::TagQuotaPerResourceExceeded(format!(
            "Cannot add tags: a resource can have at most {} tags, and this would give it {}.",
            validate::MAX_TAGS,
            current.len()
        )));
    }
    Ok(current)
}

fn blank(param: &str) -> Error {
    Error::InvalidParameterValue(format!(
        "The parameter {param} must be provided and must not be blank."
    ))
}

fn unsupported_engine(engine: &str) -> Error {
    Error::InvalidParameterValue(format!(
        "Invalid DB engine: {engine}. Rewind emulates the Aurora engines: {}.",
        catalog::ENGINES.join(", ")
    ))
}

fn resolve_engine_version(engine: &str, version: Option<&str>) -> Result<&'static EngineVersion> {
    if !catalog::ENGINES.contains(&engine) {
        return Err(unsupported_engine(engine));
    }
    match version {
        None => catalog::default_version(engine).ok_or_else(|| unsupported_engine(engine)),
        Some(v) => catalog::engine_version(engine, v).ok_or_else(|| {
            Error::InvalidParameterCombination(format!("Cannot find version {v} for {engine}"))
        }),
    }
}

fn check_backtrack_supported(version: &EngineVersion, mode: &str) -> Result<()> {
    if version.engine != "aurora-mysql" {
        return Err(Error::InvalidParameterCombination(format!(
            "Backtrack is not enabled for the {} engine.",
            version.engine
        )));
    }
    if mode != "provisioned" {
        return Err(Error::InvalidParameterCombination(format!(
            "Aurora MySQL Engine Version {} with mode: {} does not support Backtrack.",
            version.version,
            mode.to_ascii_uppercase()
        )));
    }
    Ok(())
}

fn check_password(p: &str) -> Result<()> {
    if p.len() < 8 {
        return Err(Error::InvalidParameterValue(
            "The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters."
                .to_owned(),
        ));
    }
    if p.len() > 41
        || p.chars()
            .any(|c| matches!(c, '/' | '"' | '@') || !c.is_ascii_graphic())
    {
        return Err(Error::InvalidParameterValue(
            "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters \
             besides '/', '@', '\"', ' ' may be used, up to 41 characters."
                .to_owned(),
        ));
    }
    Ok(())
}

fn check_port(port: i32) -> Result<u16> {
    u16::try_from(port)
        .ok()
        .filter(|p| *p >= 1150)
        .ok_or_else(|| {
            Error::InvalidParameterValue(format!(
                "Invalid port {port}. The port must be between 1150 and 65535."
            ))
        })
}

fn check_retention(days: i32) -> Result<i32> {
    if (1..=35).contains(&days) {
        Ok(days)
    } else {
        Err(Error::InvalidParameterValue(format!(
            "Invalid backup retention period {days}. It must be between 1 and 35 days."
        )))
    }
}

fn expect_cluster(c: &Cluster, allowed: &[ClusterStatus]) -> Result<()> {
    if allowed.contains(&c.status) {
        return Ok(());
    }
    let expected: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    Err(Error::InvalidClusterState(format!(
        "DbCluster {} is in {} state but expected it to be one of {}.",
        c.id,
        c.status.as_str(),
        expected.join(",")
    )))
}

/// A timestamp as messages show it.
fn rds_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// `t` rounded up to a whole second.
fn ceil_second(t: DateTime<Utc>) -> DateTime<Utc> {
    let whole = t - TimeDelta::nanoseconds(i64::from(t.timestamp_subsec_nanos()));
    if whole == t {
        t
    } else {
        whole + TimeDelta::seconds(1)
    }
}
