//! The Aurora service: every control-plane operation, the state it guards, and its persistence.
//!
//! One mutex guards the whole state; it is never held across `.await`. Each mutating operation
//! validates first, then changes the in-memory state through a [`Tx`] that records what it
//! touched, then writes exactly those records to the store in one durable batch before it
//! answers. Transitions in time are a status plus a due time on the record itself, so a restart
//! reloads them with everything else and the driver picks them up where they were.

use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    /// Open storage volumes by cluster resource id (opening one reads its meta once).
    volumes: Mutex<HashMap<String, Arc<Volume>>>,
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
        Some(marker) => items
            .into_iter()
            .filter(|i| key_of(i).as_str() > marker)
            .collect(),
        None => items,
    };
    let marker = (rest.len() > max).then(|| key_of(&rest[max - 1]));
    rest.truncate(max);
    Ok(Page {
        items: rest,
        marker,
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
            } else if k.starts_with("event/") {
                let e: Event = serde_json::from_slice(&v).map_err(bad)?;
                state.events.insert(e.seq, e);
            } else if k == CLOCK_KEY {
                let ms: i64 = serde_json::from_slice(&v).map_err(bad)?;
                env.clock.set_offset_ms(ms);
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
        self.bump();
        drop(state);
        self.inner.wake.notify_one();
        Ok(out)
    }

    fn read<R>(&self, f: impl FnOnce(&State, DateTime<Utc>) -> R) -> R {
        let now = self.inner.env.clock.now();
        f(&self.read_lock(), now)
    }

    // ----- clusters -------------------------------------------------------------------------

    /// CreateDBCluster.
    pub fn create_cluster(&self, region: &str, req: NewCluster) -> Result<ClusterView> {
        let id = validate::identifier("DBClusterIdentifier", &req.id)?;
        let version = resolve_engine_version(&req.engine, req.engine_version.as_deref())?;
        let mode = req
            .engine_mode
            .clone()
            .unwrap_or_else(|| "provisioned".to_owned());
        if !["provisioned", "serverless"].contains(&mode.as_str()) {
            return Err(Error::InvalidParameterValue(format!(
                "Invalid EngineMode {mode}. Rewind supports provisioned and serverless."
            )));
        }
        let backtrack_window = match req.backtrack_window {
            None => None,
            Some(w) => {
                let w = validate::backtrack_window(w)?;
                if w > 0 {
                    check_backtrack_supported(version, &mode)?;
                }
                Some(w)
            }
        };
        match req.master_username.as_deref() {
            None => return Err(blank("MasterUsername")),
            Some(u) => validate::not_blank("MasterUsername", u)?,
        }
        if !req.manage_master_password {
            match req.master_password.as_deref() {
                None => return Err(blank("MasterUserPassword")),
                Some(p) => check_password(p)?,
            }
        }
        let port = check_port(
            req.port
                .unwrap_or(i32::from(catalog::default_port(&req.engine))),
        )?;
        let retention = check_retention(req.backup_retention_period.unwrap_or(1))?;
        let now = self.inner.env.clock.now();
        let deadline = now + self.pace(Step::CreateCluster);
        self.mutate(|tx| {
            let group = match req.parameter_group.as_deref() {
                None => format!("default.{}", version.family),
                Some(name) => tx.cluster_group_for(region, name, version.family)?,
            };
            let k = key(region, &id);
            if tx.state.clusters.contains_key(&k) {
                return Err(Error::ClusterAlreadyExists(id.clone()));
            }
            let azs = if req.availability_zones.is_empty() {
                ["a", "b", "c"]
                    .iter()
                    .map(|z| format!("{region}{z}"))
                    .collect()
            } else {
                req.availability_zones.clone()
            };
            let cluster = Cluster {
                region: region.to_owned(),
                id: id.clone(),
                resource_id: format!("cluster-{}", tx.inner.env.ids.upper_alnum(26)),
                engine: req.engine.clone(),
                engine_version: version.version.to_owned(),
                engine_mode: mode,
                status: ClusterStatus::Creating,
                due: Some(deadline),
                created_at: tx.now,
                master_username: req.master_username.clone(),
                master_password: req.master_password.clone(),
                database_name: req.database_name.clone(),
                port,
                parameter_group: group,
                backtrack_window,
                deletion_protection: req.deletion_protection,
                backup_retention_period: retention,
                preferred_backup_window: req
                    .preferred_backup_window
                    .clone()
                    .unwrap_or_else(|| "07:26-07:56".to_owned()),
                preferred_maintenance_window: req
                    .preferred_maintenance_window
                    .clone()
                    .unwrap_or_else(|| "sun:09:15-sun:09:45".to_owned()),
                storage_encrypted: req.storage_encrypted,
                kms_key_id: req.kms_key_id.clone(),
                iam_auth: req.iam_auth,
                copy_tags_to_snapshot: req.copy_tags_to_snapshot,
                availability_zones: azs,
                vpc_security_group_ids: req.vpc_security_group_ids.clone(),
                log_exports: req.log_exports.clone(),
                subnet_group: req
                    .subnet_group
                    .clone()
                    .unwrap_or_else(|| "default".to_owned()),
                character_set: req.character_set.clone(),
                tags: merge_tags(Vec::new(), &req.tags),
                writer: None,
                failover_target: None,
                endpoint_index: (0..endpoints::MAX_CLUSTERS)
                    .find(|n| !tx.state.clusters.values().any(|c| c.endpoint_index == *n))
                    .ok_or_else(|| {
                        Error::ClusterQuotaExceeded(format!(
                            "Rewind serves at most {} clusters at once.",
                            endpoints::MAX_CLUSTERS
                        ))
                    })?,
                fail_next_backtrack: false,
                window_short: false,
            };
            tx.inner
                .volume(&cluster)?
                .set_retention(tx.inner.retention(&cluster))?;
            tx.state.clusters.insert(k.clone(), cluster);
            tx.touched.clusters.insert(k.clone());
            Ok(tx.cluster_view(&k))
        })
    }

    /// DescribeDBClusters.
    pub fn describe_clusters(
        &self,
        region: &str,
        id: Option<&str>,
        filters: &[Filter],
        paging: &Paging,
    ) -> Result<Page<ClusterView>> {
        let filters = filter_values(
            filters,
            &[
                "clone-group-id",
                "db-cluster-id",
                "db-cluster-resource-id",
                "domain",
                "engine",
            ],
        )?;
        let wanted = id.map(|i| self.resource_name(region, i, "cluster"));
        let views = self.read(|state, now| {
            if let Some(w) = &wanted {
                if !state.clusters.contains_key(&key(region, w)) {
                    return Err(Error::ClusterNotFound(w.clone()));
                }
            }
            Ok(state
                .clusters
                .range(in_region(region))
                .map(|(_, c)| c)
                .filter(|c| wanted.as_ref().is_none_or(|w| *w == c.id))
                .filter(|c| {
                    filters.iter().all(|(name, values)| match *name {
                        "db-cluster-id" => values
                            .iter()
                            .any(|v| self.resource_name(region, v, "cluster") == c.id),
                        "db-cluster-resource-id" => values.contains(&c.resource_id),
                        "engine" => values.contains(&c.engine),
                        _ => false,
                    })
                })
                .map(|c| view_cluster(&self.inner, state, c, now))
                .collect::<Vec<_>>())
        })?;
        paginate(views, |v| v.cluster.id.clone(), paging)
    }

    /// ModifyDBCluster. Changes apply immediately (`ApplyImmediately` is accepted and ignored,
    /// since `PendingModifiedValues` cannot show every pending change).
    pub fn modify_cluster(
        &self,
        region: &str,
        id: &str,
        ch: ClusterChanges,
    ) -> Result<ClusterView> {
        let id = self.resource_name(region, id, "cluster");
        let new_id = ch
            .new_id
            .as_deref()
            .map(|n| validate::identifier("NewDBClusterIdentifier", n))
            .transpose()?;
        if let Some(p) = ch.master_password.as_deref() {
            check_password(p)?;
        }
        let port = ch.port.map(check_port).transpose()?;
        let retention = ch
            .backup_retention_period
            .map(check_retention)
            .transpose()?;
        let window = ch
            .backtrack_window
            .map(validate::backtrack_window)
            .transpose()?;
        let deadline = self.inner.env.clock.now() + self.pace(Step::Modify);
        self.mutate(|tx| {
            let k = key(region, &id);
            let c = tx
                .state
                .clusters
                .get(&k)
                .ok_or_else(|| Error::ClusterNotFound(id.clone()))?
                .clone();
            expect_cluster(&c, &[ClusterStatus::Available])?;
            let mut version =
                catalog::engine_version(&c.engine, &c.engine_version).ok_or_else(|| {
                    Error::Internal(format!("unknown stored version {}", c.engine_version))
                })?;
            if let Some(v) = ch.engine_version.as_deref() {
                version = resolve_engine_version(&c.engine, Some(v))?;
            }
            let group = match ch.parameter_group.as_deref() {
                Some(name) => Some(tx.cluster_group_for(region, name, version.family)?),
                None if version.family != family_of(&c) => {
                    Some(format!("default.{}", version.family))
                }
                None => None,
            };
            if let Some(w) = window {
                match c.backtrack_window {
                    None | Some(0) if w > 0 => {
                        return Err(Error::InvalidParameterCombination(
                            "Backtrack cannot currently be enabled for this cluster".to_owned(),
                        ))
                    }
                    _ => {}
                }
            }
            let target_key = match &new_id {
                Some(n) if *n != id => {
                    let nk = key(region, n);
                    if tx.state.clusters.contains_key(&nk) {
                        return Err(Error::ClusterAlreadyExists(n.clone()));
                    }
                    nk
                }
                _ => k.clone(),
            };
            let mut c = c;
            if let Some(w) = window {
                if c.backtrack_window.is_some() {
                    c.backtrack_window = Some(w);
                }
            }
            c.engine_version = version.version.to_owned();
            if let Some(g) = group {
                c.parameter_group = g;
            }
            if let Some(p) = &ch.master_password {
                c.master_password = Some(p.clone());
            }
            if let Some(p) = port {
                c.port = p;
            }
            if let Some(r) = retention {
                c.backup_retention_period = r;
            }
            if let Some(w) = &ch.preferred_backup_window {
                c.preferred_backup_window = w.clone();
            }
            if let Some(w) = &ch.preferred_maintenance_window {
                c.preferred_maintenance_window = w.clone();
            }
            if let Some(b) = ch.deletion_protection {
                c.deletion_protection = b;
            }
            if let Some(b) = ch.copy_tags_to_snapshot {
                c.copy_tags_to_snapshot = b;
            }
            if let Some(b) = ch.iam_auth {
                c.iam_auth = b;
            }
            if let Some(sgs) = &ch.vpc_security_group_ids {
                c.vpc_security_group_ids = sgs.clone();
            }
            c.log_exports.retain(|l| !ch.disable_log_types.contains(l));
            for l in &ch.enable_log_types {
                if !c.log_exports.contains(l) {
                    c.log_exports.push(l.clone());
                }
            }
            c.status = ClusterStatus::Modifying;
            c.due = Some(deadline);
            if window.is_some() {
                let v = tx.inner.volume(&c)?;
                v.set_retention(tx.inner.retention(&c))?;
                v.fold(tx.now)?;
            }
            if target_key != k {
                c.id = target_key.1.clone();
                tx.remove_cluster(&k);
                let members: Vec<Key> = tx
                    .members_of(region, &id)
                    .map(|i| key(region, &i.id))
                    .collect();
                for ik in members {
                    if let Some(i) = tx.instance_mut(&ik) {
                        i.cluster_id = target_key.1.clone();
                    }
                }
                let backtracks: Vec<Key> = tx
                    .state
                    .backtracks
                    .iter()
                    .filter(|(_, b)| b.region == region && b.cluster_id == id)
                    .map(|(bk, _)| bk.clone())
                    .collect();
                for bk in backtracks {
                    tx.state
                        .backtracks
                        .get_mut(&bk)
                        .expect("listed above")
                        .cluster_id = target_key.1.clone();
                    tx.touched.backtracks.insert(bk);
                }
            }
            tx.state.clusters.insert(target_key.clone(), c);
            tx.touched.clusters.insert(target_key.clone());
            Ok(tx.cluster_view(&target_key))
        })
    }

    /// DeleteDBCluster. No snapshots are emulated: a FinalDBSnapshotIdentifier is checked and
    /// accepted, but no snapshot is kept.
    pub fn delete_cluster(
        &self,
        region: &str,
        id: &str,
        skip_final_snapshot: bool,
        final_snapshot_id: Option<&str>,
    ) -> Result<ClusterView> {
        let id = self.resource_name(region, id, "cluster");
        match (skip_final_snapshot, final_snapshot_id) {
            (false, None) => {
                return Err(Error::InvalidParameterCombination(
                    "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified."
                        .to_owned(),
                ))
            }
            (true, Some(_)) => {
                return Err(Error::InvalidParameterCombination(
                    "FinalDBSnapshotIdentifier can not be specified when deleting a cluster with \
                     SkipFinalSnapshot set to true."
                        .to_owned(),
                ))
            }
            (false, Some(s)) => {
                validate::identifier("FinalDBSnapshotIdentifier", s)?;
            }
            (true, None) => {}
        }
        let deadline = self.inner.env.clock.now() + self.pace(Step::DeleteCluster);
        self.mutate(|tx| {
            let k = key(region, &id);
            let c = tx.state.clusters.get(&k).ok_or_else(|| Error::ClusterNotFound(id.clone()))?;
            if c.deletion_protection {
                return Err(Error::InvalidParameterCombination(
                    "Cannot delete protected Cluster, please disable deletion protection and try again."
                        .to_owned(),
                ));
            }
            if tx.members_of(region, &id).any(|i| i.status != InstanceStatus::Deleting) {
                return Err(Error::InvalidClusterState(
                    "Cluster cannot be deleted, it still contains DB instances in non-deleting state."
                        .to_owned(),
                ));
            }
            expect_cluster(c, &[ClusterStatus::Available, ClusterStatus::Stopped, ClusterStatus::Creating])?;
            let c = tx.cluster_mut(&k).expect("checked above");
            c.status = ClusterStatus::Deleting;
            c.due = Some(deadline);
            Ok(tx.cluster_view(&k))
        })
    }

    /// StopDBCluster: the cluster and its instances go `stopping`, then `stopped`.
    pub fn stop_cluster(&self, region: &str, id: &str) -> Result<ClusterView> {
        self.cluster_transition(
            region,
            id,
            &[ClusterStatus::Available],
            ClusterStatus::Stopping,
            Some(InstanceStatus::Stopping),
            Step::Stop,
        )
    }

    /// StartDBCluster: the cluster and its instances go `starting`, then `available`.
    pub fn start_cluster(&self, region: &str, id: &str) -> Result<ClusterView> {
        self.cluster_transition(
            region,
            id,
            &[ClusterStatus::Stopped],
            ClusterStatus::Starting,
            Some(InstanceStatus::Starting),
            Step::Start,
        )
    }

    /// RebootDBCluster: the cluster and its instances go `rebooting`, then `available`.
    pub fn reboot_cluster(&self, region: &str, id: &str) -> Result<ClusterView> {
        self.cluster_transition(
            region,
            id,
            &[ClusterStatus::Available],
            ClusterStatus::Rebooting,
            Some(InstanceStatus::Rebooting),
            Step::Reboot,
        )
    }

    fn cluster_transition(
        &self,
        region: &str,
        id: &str,
        from: &[ClusterStatus],
        to: ClusterStatus,
        members_to: Option<InstanceStatus>,
        step: Step,
    ) -> Result<ClusterView> {
        let id = self.resource_name(region, id, "cluster");
        let deadline = self.inner.env.clock.now() + self.pace(step);
        self.mutate(|tx| {
            let k = key(region, &id);
            let c = tx
                .state
                .clusters
                .get(&k)
                .ok_or_else(|| Error::ClusterNotFound(id.clone()))?;
            expect_cluster(c, from)?;
            let c = tx.cluster_mut(&k).expect("checked above");
            c.status = to;
            c.due = Some(deadline);
            if let Some(s) = members_to {
                let members: Vec<Key> = tx
                    .members_of(region, &id)
                    .filter(|i| i.status != InstanceStatus::Deleting)
                    .map(|i| key(region, &i.id))
                    .collect();
                for ik in members {
                    let i = tx.instance_mut(&ik).expect("member exists");
                    i.status = s;
                    i.due = Some(deadline);
                }
            }
            Ok(tx.cluster_view(&k))
        })
    }

    /// FailoverDBCluster: promotes `target` (or the reader first in promotion order).
    pub fn failover_cluster(
        &self,
        region: &str,
        id: &str,
        target: Option<&str>,
    ) -> Result<ClusterView> {
        let id = self.resource_name(region, id, "cluster");
        let deadline = self.inner.env.clock.now() + self.pace(Step::Failover);
        self.mutate(|tx| {
            let k = key(region, &id);
            let c = tx
                .state
                .clusters
                .get(&k)
                .ok_or_else(|| Error::ClusterNotFound(id.clone()))?;
            expect_cluster(c, &[ClusterStatus::Available])?;
            let writer = c.writer.clone();
            let target = match target {
                Some(t) => {
                    let t = self.resource_name(region, t, "db");
                    let i = tx
                        .state
                        .instances
                        .get(&key(region, &t))
                        .ok_or_else(|| Error::InstanceNotFound(t.clone()))?;
                    if i.cluster_id != id {
                        return Err(Error::InvalidParameterValue(format!(
                            "The target instance {t} is not a member of DB cluster {id}."
                        )));
                    }
                    if writer.as_deref() == Some(t.as_str()) {
                        return Err(Error::InvalidParameterValue(format!(
                            "The target instance {t} is already the writer of DB cluster {id}."
                        )));
                    }
                    t
                }
                None => tx
                    .promotion_order(region, &id, writer.as_deref())
                    .into_iter()
                    .next()
                    .ok_or_else(|| {
                        Error::InvalidClusterState(format!(
                            "DB cluster {id} has no reader instance to fail over to."
                        ))
                    })?,
            };
            let c = tx.cluster_mut(&k).expect("checked above");
            c.status = ClusterStatus::FailingOver;
            c.due = Some(deadline);
            c.failover_target = Some(target.clone());
            let arn = tx.arn("cluster", region, &id);
            tx.event(
                region,
                &id,
                SourceType::DbCluster,
                arn,
                "failover",
                format!("Started cross AZ failover to DB instance: {target}"),
            );
            Ok(tx.cluster_view(&k))
        })
    }

    // ----- instances ------------------------------------------------------------------------

    /// CreateDBInstance (Aurora: always inside a cluster).
    pub fn create_instance(&self, region: &str, req: NewInstance) -> Result<InstanceView> {
        let id = validate::identifier("DBInstanceIdentifier", &req.id)?;
        if !catalog::ENGINES.contains(&req.engine.as_str()) {
            return Err(unsupported_engine(&req.engine));
        }
        let class_ok = req.class == "db.serverless" || {
            let parts: Vec<&str> = req.class.split('.').collect();
            parts.len() == 3
                && parts[0] == "db"
                && parts[1..]
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
        };
        let cluster_id = req.cluster_id.as_deref().ok_or_else(|| {
            Error::InvalidParameterCombination(format!(
                "The DBClusterIdentifier parameter is required to create a DB instance of engine {}.",
                req.engine
            ))
        })?;
        let cluster_id = self.resource_name(region, cluster_id, "cluster");
        let tier = req.promotion_tier.unwrap_or(1);
        if !(0..=15).contains(&tier) {
            return Err(Error::InvalidParameterValue(format!(
                "Invalid value {tier} for PromotionTier. Must be between 0 and 15"
            )));
        }
        let deadline = self.inner.env.clock.now() + self.pace(Step::CreateInstance);
        self.mutate(|tx| {
            let ck = key(region, &cluster_id);
            let c = tx.state.clusters.get(&ck).ok_or_else(|| Error::ClusterNotFound(cluster_id.clone()))?;
            if c.engine != req.engine {
                return Err(Error::InvalidParameterCombination(format!(
                    "The engine name requested for your DB instance ({}) doesn't match the engine name of your DB cluster ({}).",
                    req.engine, c.engine
                )));
            }
            if !class_ok {
                return Err(Error::InvalidParameterCombination(format!(
                    "RDS does not support creating a DB instance with the following combination: \
                     DBInstanceClass={}, Engine={}, EngineVersion={}, LicenseModel=general-public-license. \
                     For supported combinations of instance class and database engine version, see the documentation.",
                    req.class, c.engine, c.engine_version
                )));
            }
            if !matches!(c.status, ClusterStatus::Available | ClusterStatus::Creating) {
                return Err(Error::InvalidClusterState(format!(
                    "The specified DB cluster {} is not in the available state (it is {}).",
                    c.id,
                    c.status.as_str()
                )));
            }
            let ik = key(region, &id);
            if tx.state.instances.contains_key(&ik) {
                return Err(Error::InstanceAlreadyExists(id.clone()));
            }
            let n_members = tx.members_of(region, &cluster_id).count();
            let az = req
                .availability_zone
                .clone()
                .unwrap_or_else(|| c.availability_zones[n_members % c.availability_zones.len().max(1)].clone());
            let family = family_of(c);
            let slot = (1..=endpoints::MAX_SLOTS)
                .find(|n| !tx.members_of(region, &cluster_id).any(|i| i.slot == *n))
                .ok_or_else(|| {
                    Error::InvalidParameterValue(format!(
                        "DB cluster {cluster_id} has reached the most instances Rewind serves ({}).",
                        endpoints::MAX_SLOTS
                    ))
                })?;
            let instance = Instance {
                region: region.to_owned(),
                id: id.clone(),
                cluster_id: cluster_id.clone(),
                resource_id: format!("db-{}", tx.inner.env.ids.upper_alnum(26)),
                class: req.class.clone(),
                engine: c.engine.clone(),
                engine_version: c.engine_version.clone(),
                status: InstanceStatus::Creating,
                due: Some(deadline),
                created_at: tx.now,
                availability_zone: az,
                promotion_tier: tier,
                publicly_accessible: req.publicly_accessible,
                auto_minor_version_upgrade: req.auto_minor_version_upgrade.unwrap_or(true),
                parameter_group: req.parameter_group.clone().unwrap_or_else(|| format!("default.{family}")),
                deletion_protection: req.deletion_protection,
                tags: merge_tags(Vec::new(), &req.tags),
                slot,
            };
            let needs_writer = c.writer.is_none();
            tx.state.instances.insert(ik.clone(), instance);
            tx.touched.instances.insert(ik.clone());
            if needs_writer {
                tx.cluster_mut(&ck).expect("checked above").writer = Some(id.clone());
            }
            Ok(tx.instance_view(&ik))
        })
    }

    /// DescribeDBInstances.
    pub fn describe_instances(
        &self,
        region: &str,
        id: Option<&str>,
        filters: &[Filter],
        paging: &Paging,
    ) -> Result<Page<InstanceView>> {
        let filters = filter_values(
            filters,
            &[
                "db-cluster-id",
                "db-instance-id",
                "dbi-resource-id",
                "domain",
                "engine",
            ],
        )?;
        let wanted = id.map(|i| self.resource_name(region, i, "db"));
        let views = self.read(|state, _| {
            if let Some(w) = &wanted {
                if !state.instances.contains_key(&key(region, w)) {
                    return Err(Error::InstanceNotFound(w.clone()));
                }
            }
            Ok(state
                .instances
                .range(in_region(region))
                .map(|(_, i)| i)
                .filter(|i| wanted.as_ref().is_none_or(|w| *w == i.id))
                .filter(|i| {
                    filters.iter().all(|(name, values)| match *name {
                        "db-cluster-id" => values
                            .iter()
                            .any(|v| self.resource_name(region, v, "cluster") == i.cluster_id),
                        "db-instance-id" => values
                            .iter()
                            .any(|v| self.resource_name(region, v, "db") == i.id),
                        "dbi-resource-id" => values.contains(&i.resource_id),
                        "engine" => values.contains(&i.engine),
                        _ => false,
                    })
                })
                .map(|i| view_instance(&self.inner, state, i))
                .collect::<Vec<_>>())
        })?;
        paginate(views, |v| v.instance.id.clone(), paging)
    }

    /// DeleteDBInstance. Deleting the writer hands the role to the next reader when it is gone.
    pub fn delete_instance(&self, region: &str, id: &str) -> Result<InstanceView> {
        let id = self.resource_name(region, id, "db");
        let deadline = self.inner.env.clock.now() + self.pace(Step::DeleteInstance);
        self.mutate(|tx| {
            let k = key(region, &id);
            let i = tx.state.instances.get(&k).ok_or_else(|| Error::InstanceNotFound(id.clone()))?;
            if i.deletion_protection {
                return Err(Error::InvalidParameterCombination(
                    "Cannot delete protected DB Instance, please disable deletion protection and try again."
                        .to_owned(),
                ));
            }
            match i.status {
                InstanceStatus::Deleting => {
                    return Err(Error::InvalidInstanceState(format!("Instance {id} is already being deleted.")))
                }
                InstanceStatus::Available | InstanceStatus::Creating | InstanceStatus::Stopped => {}
                _ => return Err(Error::InvalidInstanceState(format!("Instance {id} is not in available state."))),
            }
            let i = tx.instance_mut(&k).expect("checked above");
            i.status = InstanceStatus::Deleting;
            i.due = Some(deadline);
            Ok(tx.instance_view(&k))
        })
    }

    /// RebootDBInstance.
    pub fn reboot_instance(&self, region: &str, id: &str) -> Result<InstanceView> {
        let id = self.resource_name(region, id, "db");
        let deadline = self.inner.env.clock.now() + self.pace(Step::Reboot);
        self.mutate(|tx| {
            let k = key(region, &id);
            let i = tx
                .state
                .instances
                .get(&k)
                .ok_or_else(|| Error::InstanceNotFound(id.clone()))?;
            match i.status {
                InstanceStatus::Available => {}
                InstanceStatus::Stopped => {
                    return Err(Error::InvalidInstanceState(format!(
                        "Instance {id} is not in available state."
                    )))
                }
                _ => return Err(Error::InvalidInstanceState(
                    "Instance cannot currently reboot due to an in-progress management operation."
                        .to_owned(),
                )),
            }
            let i = tx.instance_mut(&k).expect("checked above");
            i.status = InstanceStatus::Rebooting;
            i.due = Some(deadline);
            Ok(tx.instance_view(&k))
        })
    }

    // ----- parameter groups -----------------------------------------------------------------

    /// CreateDBClusterParameterGroup.
    pub fn create_parameter_group(
        &self,
        region: &str,
        name: &str,
        family: &str,
        description: &str,
        tags: &[Tag],
    ) -> Result<ParameterGroupView> {
        let name = validate::parameter_group_name(name)?;
        validate::not_blank("Description", description)?;
        if catalog::family_engine(family).is_none() {
            return Err(Error::InvalidParameterValue(format!(
                "The parameter DBParameterGroupFamily is not valid: {family}. Valid families: {}.",
                catalog::FAMILIES.join(", ")
            )));
        }
        self.mutate(|tx| {
            let k = key(region, &name);
            if tx.state.groups.contains_key(&k) || is_default_group(&name) {
                return Err(Error::ParameterGroupAlreadyExists(name.clone()));
            }
            tx.state.groups.insert(
                k.clone(),
                ParameterGroup {
                    region: region.to_owned(),
                    name: name.clone(),
                    family: family.to_owned(),
                    description: description.to_owned(),
                    values: BTreeMap::new(),
                    tags: merge_tags(Vec::new(), tags),
                },
            );
            tx.touched.groups.insert(k);
            Ok(tx.group_view(region, &name).expect("just inserted"))
        })
    }

    /// DescribeDBClusterParameterGroups: default groups first-class beside custom ones.
    pub fn describe_parameter_groups(
        &self,
        region: &str,
        name: Option<&str>,
        paging: &Paging,
    ) -> Result<Page<ParameterGroupView>> {
        let name = name.map(|n| self.resource_name(region, n, "cluster-pg"));
        let groups = self.read(|state, _| {
            let tx_view = |n: &str| view_group(&self.inner, state, region, n);
            match &name {
                Some(n) => tx_view(n)
                    .map(|g| vec![g])
                    .ok_or_else(|| Error::ParameterGroupNotFound(n.clone())),
                None => {
                    let mut all: Vec<ParameterGroupView> = catalog::FAMILIES
                        .iter()
                        .filter_map(|f| tx_view(&format!("default.{f}")))
                        .collect();
                    all.extend(
                        state
                            .groups
                            .range(in_region(region))
                            .filter_map(|(k, _)| tx_view(&k.1)),
                    );
                    all.sort_by(|a, b| a.name.cmp(&b.name));
                    Ok(all)
                }
            }
        })?;
        paginate(groups, |g| g.name.clone(), paging)
    }

    /// DescribeDBClusterParameters, optionally only those from `source`.
    pub fn describe_parameters(
        &self,
        region: &str,
        name: &str,
        source: Option<&str>,
        paging: &Paging,
    ) -> Result<Page<ParameterValue>> {
        let name = self.resource_name(region, name, "cluster-pg");
        if let Some(s) = source {
            if !["engine-default", "system", "user"].contains(&s) {
                return Err(Error::InvalidParameterValue(format!(
                    "Invalid value {s} for Source. Must be one of: engine-default, system, user"
                )));
            }
        }
        let values = self.read(|state, _| {
            group_values(state, region, &name)
                .ok_or_else(|| Error::ParameterGroupNotFound(name.clone()))
        })?;
        let values = values
            .into_iter()
            .filter(|p| source.is_none_or(|s| p.source == s))
            .collect();
        paginate(values, |p| p.spec.name.to_owned(), paging)
    }

    /// The effective value of a cluster parameter for a cluster (e.g. `binlog_format`).
    pub fn cluster_parameter(
        &self,
        region: &str,
        cluster_id: &str,
        parameter: &str,
    ) -> Result<Option<String>> {
        self.read(|state, _| {
            let c = state
                .clusters
                .get(&key(region, cluster_id))
                .ok_or_else(|| Error::ClusterNotFound(cluster_id.to_owned()))?;
            Ok(group_values(state, region, &c.parameter_group)
                .and_then(|vals| vals.into_iter().find(|p| p.spec.name == parameter))
                .and_then(|p| p.value))
        })
    }

    /// ModifyDBClusterParameterGroup; returns the group name.
    pub fn modify_parameter_group(
        &self,
        region: &str,
        name: &str,
        changes: &[ParameterChange],
    ) -> Result<String> {
        let name = self.resource_name(region, name, "cluster-pg");
        if changes.is_empty() || changes.len() > 20 {
            return Err(Error::InvalidParameterValue(
                "A parameter group can be modified with 1 to 20 parameters per request.".to_owned(),
            ));
        }
        self.mutate(|tx| {
            let k = key(region, &name);
            if is_default_group(&name) {
                return Err(Error::InvalidParameterValue("Cannot modify a default parameter group.".to_owned()));
            }
            let family = tx.state.groups.get(&k).ok_or_else(|| Error::ParameterGroupNotFound(name.clone()))?.family.clone();
            let mut applied = Vec::new();
            for ch in changes {
                let spec = catalog::parameters(&family)
                    .iter()
                    .find(|p| p.name == ch.name)
                    .ok_or_else(|| Error::InvalidParameterValue(format!("Could not find parameter with name: {}", ch.name)))?;
                if !spec.modifiable {
                    return Err(Error::InvalidParameterValue(format!("The parameter {} cannot be modified.", ch.name)));
                }
                let method = match ch.apply_method.as_deref() {
                    None => if spec.apply_type == "static" { "pending-reboot" } else { "immediate" },
                    Some(m @ ("immediate" | "pending-reboot")) => if m == "immediate" { "immediate" } else { "pending-reboot" },
                    Some(other) => {
                        return Err(Error::InvalidParameterValue(format!(
                            "Invalid value {other} for ApplyMethod. Must be immediate or pending-reboot"
                        )))
                    }
                };
                if method == "immediate" && spec.apply_type == "static" {
                    return Err(Error::InvalidParameterCombination(
                        "cannot use immediate apply method for static parameter".to_owned(),
                    ));
                }
                let value = ch.value.clone().unwrap_or_default();
                if !value.is_empty() && !catalog::value_allowed(spec, &value) {
                    return Err(Error::InvalidParameterValue(format!(
                        "Invalid parameter value: {value} for: {} allowed values are: {}",
                        spec.name, spec.allowed
                    )));
                }
                let canonical = spec
                    .allowed
                    .split(',')
                    .find(|a| a.eq_ignore_ascii_case(&value))
                    .map(str::to_owned)
                    .unwrap_or(value);
                applied.push((spec.name, canonical, method));
            }
            let group = tx.state.groups.get_mut(&k).expect("checked above");
            for (pname, value, _) in &applied {
                if value.is_empty() {
                    group.values.remove(*pname);
                } else {
                    group.values.insert((*pname).to_owned(), value.clone());
                }
            }
            tx.touched.groups.insert(k);
            let arn = tx.arn("cluster-pg", region, &name);
            for (pname, value, method) in applied {
                tx.event(region, &name, SourceType::DbParameterGroup, arn.clone(), "configuration change",
                    format!("Updated parameter {pname} to {value} with apply method {method}"));
            }
            Ok(name.clone())
        })
    }

    /// DeleteDBClusterParameterGroup.
    pub fn delete_parameter_group(&self, region: &str, name: &str) -> Result<()> {
        let name = self.resource_name(region, name, "cluster-pg");
        self.mutate(|tx| {
            if is_default_group(&name) {
                return Err(Error::InvalidParameterGroupState(format!(
                    "Default DBClusterParameterGroup cannot be deleted: {name}"
                )));
            }
            let k = key(region, &name);
            if !tx.state.groups.contains_key(&k) {
                return Err(Error::ParameterGroupNotFound(name.clone()));
            }
            if tx.state.clusters.values().any(|c| c.region == region && c.parameter_group == name) {
                return Err(Error::InvalidParameterGroupState(format!(
                    "One or more database clusters are still members of this parameter group {name}, so the group cannot be deleted"
                )));
            }
            tx.state.groups.remove(&k);
            tx.touched.groups.insert(k);
            Ok(())
        })
    }

    // ----- events, tags, versions -----------------------------------------------------------

    /// DescribeEvents: by default the last 60 minutes, oldest first.
    pub fn describe_events(&self, region: &str, q: &EventQuery) -> Result<Page<Event>> {
        if let Some(t) = q.source_type.as_deref() {
            const TYPES: &[&str] = &[
                "db-instance",
                "db-parameter-group",
                "db-security-group",
                "db-snapshot",
                "db-cluster",
                "db-cluster-snapshot",
                "custom-engine-version",
                "db-proxy",
                "blue-green-deployment",
                "db-shard-group",
                "zero-etl",
            ];
            if !TYPES.contains(&t) {
                return Err(Error::InvalidParameterValue(format!(
                    "Invalid value {t} for SourceType. Must be one of: {}",
                    TYPES.join(", ")
                )));
            }
        } else if q.source_id.is_some() {
            return Err(Error::InvalidParameterCombination(
                "Cannot specify SourceIdentifier without SourceType.".to_owned(),
            ));
        }
        let events = self.read(|state, now| {
            let end = q.end.unwrap_or(now);
            let start = match (q.start, q.duration_minutes) {
                (Some(s), _) => s,
                (None, Some(d)) => end - TimeDelta::minutes(i64::from(d)),
                (None, None) => end - TimeDelta::minutes(60),
            };
            let source_id = q.source_id.as_ref().map(|s| s.to_ascii_lowercase());
            state
                .events
                .values()
                .filter(|e| e.region == region && e.date >= start && e.date <= end)
                .filter(|e| {
                    q.source_type
                        .as_deref()
                        .is_none_or(|t| e.source_type.as_str() == t)
                })
                .filter(|e| source_id.as_ref().is_none_or(|s| *s == e.source_id))
                .filter(|e| {
                    q.categories.is_empty() || e.categories.iter().any(|c| q.categories.contains(c))
                })
                .cloned()
                .collect::<Vec<_>>()
        });
        paginate(events, |e| format!("{:020}", e.seq), &q.paging)
    }

    /// AddTagsToResource: adds or overwrites tags by key.
    pub fn add_tags(&self, region: &str, arn: &str, tags: &[Tag]) -> Result<()> {
        let res = self.parse_arn(region, arn)?;
        self.mutate(|tx| {
            let current = tx.tags_mut(region, &res)?;
            *current = merge_tags(std::mem::take(current), tags);
            Ok(())
        })
    }

    /// RemoveTagsFromResource.
    pub fn remove_tags(&self, region: &str, arn: &str, keys: &[String]) -> Result<()> {
        let res = self.parse_arn(region, arn)?;
        self.mutate(|tx| {
            tx.tags_mut(region, &res)?
                .retain(|t| !keys.contains(&t.key));
            Ok(())
        })
    }

    /// ListTagsForResource.
    pub fn list_tags(&self, region: &str, arn: &str) -> Result<Vec<Tag>> {
        let res = self.parse_arn(region, arn)?;
        self.read(|state, _| match &res {
            Resource::Cluster(id) => state
                .clusters
                .get(&key(region, id))
                .map(|c| c.tags.clone())
                .ok_or_else(|| Error::ClusterNotFound(id.clone())),
            Resource::Instance(id) => state
                .instances
                .get(&key(region, id))
                .map(|i| i.tags.clone())
                .ok_or_else(|| Error::InstanceNotFound(id.clone())),
            Resource::Group(name) if is_default_group(name) => Ok(Vec::new()),
            Resource::Group(name) => state
                .groups
                .get(&key(region, name))
                .map(|g| g.tags.clone())
                .ok_or_else(|| Error::ClusterParameterGroupNotFound(name.clone())),
        })
    }

    /// DescribeDBEngineVersions over the catalog.
    pub fn describe_engine_versions(
        &self,
        engine: Option<&str>,
        version: Option<&str>,
        family: Option<&str>,
        default_only: bool,
        paging: &Paging,
    ) -> Result<Page<&'static EngineVersion>> {
        let versions = catalog::ENGINE_VERSIONS
            .iter()
            .filter(|v| engine.is_none_or(|e| e == v.engine))
            .filter(|v| version.is_none_or(|x| x == v.version))
            .filter(|v| family.is_none_or(|f| f == v.family))
            .filter(|v| !default_only || v.is_default)
            .collect();
        paginate(versions, |v| format!("{}/{}", v.engine, v.version), paging)
    }

    // ----- emulator controls ----------------------------------------------------------------

    /// Wipes every resource and event (the `/_rewind/reset` endpoint).
    pub fn reset(&self) -> Result<()> {
        let mut state = self.lock();
        self.inner.store.clear_all()?;
        *state = State::default();
        self.inner
            .volumes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.bump();
        drop(state);
        self.persist_clock()?;
        self.inner.wake.notify_one();
        Ok(())
    }

    /// Moves the clock forward (the `/_rewind/clock` endpoint); due transitions fire at once.
    pub fn advance_clock(&self, by: Duration) -> Result<DateTime<Utc>> {
        self.inner.env.clock.advance(by);
        self.bump();
        self.persist_clock()?;
        self.inner.wake.notify_one();
        Ok(self.inner.env.clock.now())
    }

    fn persist_clock(&self) -> Result<()> {
        let mut batch = Batch::default();
        batch.put(CLOCK_KEY, self.inner.env.clock.offset_ms().to_string());
        Ok(self.inner.store.apply(TREE, batch)?)
    }

    /// Drives transitions in time forever: settles everything due, applies due backtracks to
    /// their volumes, then sleeps until the next due time or until a mutation wakes it. Spawn it
    /// once per service.
    pub async fn run_driver(self) {
        loop {
            let next = match self.settle_due() {
                Ok((next, jobs)) if !jobs.is_empty() => {
                    for job in jobs {
                        self.apply_backtrack(job).await;
                    }
                    let _ = next;
                    continue;
                }
                Ok((next, _)) => next,
                Err(e) => {
                    tracing::error!(error = %e, "settling due transitions failed; retrying");
                    Some(self.inner.env.clock.now() + TimeDelta::seconds(1))
                }
            };
            match next {
                Some(at) => {
                    let deadline = self.inner.env.clock.deadline(at);
                    tokio::select! {
                        _ = tokio::time::sleep_until(deadline) => {}
                        _ = self.inner.wake.notified() => {}
                    }
                }
                None => self.inner.wake.notified().await,
            }
        }
    }

    /// Settles every transition due by now. Returns the next due time and the backtracks whose
    /// volume work is due (run by the caller outside the state lock).
    fn settle_due(&self) -> Result<(Option<DateTime<Utc>>, Vec<BacktrackJob>)> {
        let mut state = self.lock();
        let now = self.inner.env.clock.now();
        let mut tx = Tx {
            state: &mut state,
            touched: Touched::default(),
            now,
            inner: &self.inner,
        };
        tx.settle();
        let volume_due = tx.settle_retention()?;
        tx.prune_events();
        let jobs = tx.backtrack_jobs()?;
        let batch = tx.batch()?;
        if !batch.is_empty() {
            self.inner.store.apply(TREE, batch)?;
        }
        let next = state
            .clusters
            .values()
            .filter_map(|c| c.due)
            .chain(state.instances.values().filter_map(|i| i.due))
            .chain(state.backtracks.values().filter_map(|b| b.due))
            .chain(volume_due)
            .min();
        drop(state);
        self.bump();
        Ok((next, jobs))
    }

    /// Runs one backtrack's volume work off the async workers, then records the outcome.
    async fn apply_backtrack(&self, job: BacktrackJob) {
        let outcome = if job.fail {
            Err("the fault injected through /_rewind/faults".to_owned())
        } else {
            let (volume, id, target, now) = (
                job.volume.clone(),
                job.key.1.clone(),
                job.target,
                self.inner.env.clock.now(),
            );
            match tokio::task::spawn_blocking(move || volume.backtrack_to(&id, target, now)).await {
                Ok(Ok(landing)) => Ok(landing),
                Ok(Err(e)) => Err(e.to_string()),
                Err(e) => Err(format!("the backtrack task stopped: {e}")),
            }
        };
        if let Err(e) = self.finish_backtrack(&job.key, outcome) {
            tracing::error!(error = %e, backtrack = job.key.1, "recording the backtrack outcome failed; will retry");
        }
    }

    fn finish_backtrack(
        &self,
        k: &Key,
        outcome: std::result::Result<volume::Landing, String>,
    ) -> Result<()> {
        self.mutate(|tx| {
            let Some(bt) = tx.state.backtracks.get(k).cloned() else {
                return Ok(());
            };
            if bt.status != BacktrackStatus::Applying {
                return Ok(());
            }
            let ck = key(&bt.region, &bt.cluster_id);
            let arn = tx.arn("cluster", &bt.region, &bt.cluster_id);
            let mut done = bt.clone();
            done.due = None;
            let message = match outcome {
                Ok(landing) => {
                    let at = landing.time().unwrap_or(bt.target);
                    done.status = BacktrackStatus::Completed;
                    done.landed_at = Some(at);
                    format!(
                        "Backtrack {} completed: the cluster is at {} ({} change records undone).",
                        bt.id,
                        rds_time(at),
                        landing.undone
                    )
                }
                Err(reason) => {
                    done.status = BacktrackStatus::Failed;
                    done.failure = Some(reason.clone());
                    format!(
                        "Backtrack {} failed: {reason}. The data is as it was before the request.",
                        bt.id
                    )
                }
            };
            tx.state.backtracks.insert(k.clone(), done);
            tx.touched.backtracks.insert(k.clone());
            if let Some(c) = tx.cluster_mut(&ck) {
                c.status = ClusterStatus::Available;
                c.fail_next_backtrack = false;
            }
            let members: Vec<Key> = tx
                .members_of(&bt.region, &bt.cluster_id)
                .filter(|i| i.status == InstanceStatus::Backtracking)
                .map(|i| key(&i.region, &i.id))
                .collect();
            for ik in members {
                tx.instance_mut(&ik).expect("member exists").status = InstanceStatus::Available;
            }
            tx.event(
                &bt.region,
                &bt.cluster_id,
                SourceType::DbCluster,
                arn,
                "backtrack",
                message,
            );
            Ok(())
        })
    }

    // ----- backtrack ------------------------------------------------------------------------

    /// BacktrackDBCluster: validates, records the backtrack as PENDING, pauses the cluster and
    /// answers at once; the driver applies it in time.
    pub fn backtrack_cluster(
        &self,
        region: &str,
        id: &str,
        to: DateTime<Utc>,
        force: bool,
        use_earliest: bool,
    ) -> Result<Backtrack> {
        let id = self.resource_name(region, id, "cluster");
        let start_due = self.inner.env.clock.now() + self.pace(Step::BacktrackStart);
        self.mutate(|tx| {
            let k = key(region, &id);
            let c = tx.state.clusters.get(&k).ok_or_else(|| Error::ClusterNotFound(id.clone()))?.clone();
            if let Some(version) = catalog::engine_version(&c.engine, &c.engine_version) {
                check_backtrack_supported(version, &c.engine_mode)?;
            }
            if c.backtrack_window.is_none_or(|w| w <= 0) {
                return Err(Error::InvalidClusterState(format!(
                    "Backtrack is not enabled for DB cluster {id}. It can only be enabled when the cluster is created."
                )));
            }
            expect_cluster(&c, &[ClusterStatus::Available])?;
            if to > tx.now {
                return Err(Error::InvalidParameterValue(format!(
                    "The BacktrackTo time {} is in the future. The current time is {}.",
                    rds_time(to),
                    rds_time(tx.now)
                )));
            }
            let volume = tx.inner.volume(&c)?;
            let earliest = earliest_backtrack_time(&c, volume.stats().folded_until, tx.now).unwrap_or(c.created_at);
            let target = if to >= earliest {
                to
            } else if use_earliest {
                earliest
            } else {
                return Err(Error::InvalidParameterValue(format!(
                    "The BacktrackTo time {} is earlier than the earliest backtrack time {} of DB cluster {id}. \
                     Set UseEarliestTimeOnPointInTimeUnavailable to backtrack to the earliest time instead.",
                    rds_time(to),
                    rds_time(earliest)
                )));
            };
            let binlog = group_values(tx.state, region, &c.parameter_group)
                .and_then(|vals| vals.into_iter().find(|p| p.spec.name == "binlog_format"))
                .and_then(|p| p.value)
                .unwrap_or_else(|| "OFF".to_owned());
            if !binlog.eq_ignore_ascii_case("OFF") && !force {
                return Err(Error::InvalidClusterState(format!(
                    "Binary logging is enabled for DB cluster {id} (binlog_format={binlog}). A backtrack \
                     writes no binary log entries and breaks binlog replication; set Force to backtrack anyway."
                )));
            }
            let seq = tx.state.backtracks.values().map(|b| b.seq).max().unwrap_or(0) + 1;
            let backtrack = Backtrack {
                region: region.to_owned(),
                cluster_id: id.clone(),
                id: tx.inner.env.ids.uuid(),
                seq,
                target,
                landed_at: None,
                backtracked_from: None,
                requested_at: tx.now,
                status: BacktrackStatus::Pending,
                due: Some(start_due),
                failure: None,
            };
            let bk = key(region, &backtrack.id);
            tx.state.backtracks.insert(bk.clone(), backtrack.clone());
            tx.touched.backtracks.insert(bk);
            tx.cluster_mut(&k).expect("checked above").status = ClusterStatus::Backtracking;
            let members: Vec<Key> = tx
                .members_of(region, &id)
                .filter(|i| i.status != InstanceStatus::Deleting)
                .map(|i| key(region, &i.id))
                .collect();
            for ik in members {
                tx.instance_mut(&ik).expect("member exists").status = InstanceStatus::Backtracking;
            }
            let arn = tx.arn("cluster", region, &id);
            tx.event(
                region,
                &id,
                SourceType::DbCluster,
                arn,
                "backtrack",
                format!("Backtrack {} to {} requested.", backtrack.id, rds_time(target)),
            );
            Ok(backtrack)
        })
    }

    /// DescribeDBClusterBacktracks: newest first.
    pub fn describe_backtracks(
        &self,
        region: &str,
        cluster_id: &str,
        backtrack_id: Option<&str>,
        filters: &[Filter],
        paging: &Paging,
    ) -> Result<Page<Backtrack>> {
        let cluster_id = self.resource_name(region, cluster_id, "cluster");
        let filters = filter_values(
            filters,
            &["db-cluster-backtrack-id", "db-cluster-backtrack-status"],
        )?;
        let list = self.read(|state, _| {
            if !state.clusters.contains_key(&key(region, &cluster_id)) {
                return Err(Error::ClusterNotFound(cluster_id.clone()));
            }
            let mut list: Vec<Backtrack> = state
                .backtracks
                .values()
                .filter(|b| b.region == region && b.cluster_id == cluster_id)
                .cloned()
                .collect();
            if let Some(wanted) = backtrack_id {
                list.retain(|b| b.id.eq_ignore_ascii_case(wanted));
                if list.is_empty() {
                    return Err(Error::BacktrackNotFound(wanted.to_owned()));
                }
            }
            list.retain(|b| {
                filters.iter().all(|(name, values)| match *name {
                    "db-cluster-backtrack-id" => {
                        values.iter().any(|v| v.eq_ignore_ascii_case(&b.id))
                    }
                    _ => values
                        .iter()
                        .any(|v| v.eq_ignore_ascii_case(b.status.as_str())),
                })
            });
            list.sort_by_key(|b| std::cmp::Reverse(b.seq));
            Ok(list)
        })?;
        paginate(list, |b| format!("{:020}", u64::MAX - b.seq), paging)
    }

    /// Commits a transaction to a cluster's volume at the current time: the write path of the
    /// data plane (and of tests until it exists). Refused unless the cluster accepts writes.
    pub fn commit(
        &self,
        region: &str,
        cluster_id: &str,
        txn: Transaction,
    ) -> Result<Option<CommitPoint>> {
        let volume = self.read(|state, _| {
            let c = state
                .clusters
                .get(&key(region, cluster_id))
                .ok_or_else(|| Error::ClusterNotFound(cluster_id.to_owned()))?;
            expect_cluster(c, &[ClusterStatus::Available, ClusterStatus::Modifying])?;
            self.inner.volume(c)
        })?;
        let point = volume.commit(txn, self.inner.env.clock.now())?;
        self.bump();
        self.inner.wake.notify_one();
        Ok(point)
    }

    /// A cluster's storage volume, for reading.
    pub fn volume(&self, region: &str, cluster_id: &str) -> Result<Arc<Volume>> {
        self.read(|state, _| {
            let c = state
                .clusters
                .get(&key(region, cluster_id))
                .ok_or_else(|| Error::ClusterNotFound(cluster_id.to_owned()))?;
            self.inner.volume(c)
        })
    }

    /// Makes the next backtrack of a cluster fail (the fault endpoint), so users can rehearse
    /// their runbook's error path.
    pub fn fail_next_backtrack(&self, region: &str, cluster_id: &str) -> Result<()> {
        let cluster_id = self.resource_name(region, cluster_id, "cluster");
        self.mutate(|tx| {
            let k = key(region, &cluster_id);
            tx.cluster_mut(&k)
                .ok_or_else(|| Error::ClusterNotFound(cluster_id.clone()))?
                .fail_next_backtrack = true;
            Ok(())
        })
    }

    // ----- helpers --------------------------------------------------------------------------

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
            _ => return Err(bad()),
        };
        if parts[4] != self.inner.config.account_id {
            return Err(match res {
                Resource::Cluster(n) => Error::ClusterNotFound(n),
                Resource::Instance(n) => Error::InstanceNotFound(n),
                Resource::Group(n) => Error::ClusterParameterGroupNotFound(n),
            });
        }
        Ok(res)
    }
}

impl Inner {
    /// The storage volume of a cluster, opened once and shared.
    fn volume(&self, c: &Cluster) -> Result<Arc<Volume>> {
        let mut volumes = self.volumes.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = volumes.get(&c.resource_id) {
            return Ok(v.clone());
        }
        let v = Arc::new(
            Volume::open(self.store.clone(), &format!("volume/{}", c.resource_id))
                .map_err(|e| Error::Internal(e.to_string()))?,
        );
        volumes.insert(c.resource_id.clone(), v.clone());
        Ok(v)
    }

    /// How much history a cluster's volume keeps: its backtrack window (none when backtrack is
    /// off), capped by the configured change-record capacity.
    fn retention(&self, c: &Cluster) -> Retention {
        match c.backtrack_window {
            Some(w) if w > 0 => Retention {
                window_seconds: w,
                capacity: self.config.backtrack_capacity,
            },
            _ => Retention {
                window_seconds: 0,
                capacity: None,
            },
        }
    }
}

impl From<volume::Error> for Error {
    fn from(e: volume::Error) -> Self {
        Error::Internal(format!("storage volume: {e}"))
    }
}

/// The earliest time a backtrack can reach: the target window back from now (not before the
/// cluster existed), moved later when retention had to fold history inside the window.
/// Validation, `UseEarliestTimeOnPointInTimeUnavailable` and Describe all use this one value.
fn earliest_backtrack_time(
    c: &Cluster,
    folded_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match c.backtrack_window {
        Some(w) if w > 0 => {
            let by_window = std::cmp::max(c.created_at, now - TimeDelta::seconds(w));
            let earliest = folded_until.map_or(by_window, |f| std::cmp::max(by_window, f));
            // Whole seconds, rounded up, so Describe answers stay the same for a second; the
            // creation time is kept exact.
            Some(if earliest == c.created_at {
                earliest
            } else {
                ceil_second(earliest)
            })
        }
        _ => None,
    }
}

impl Tx<'_> {
    fn cluster_mut(&mut self, k: &Key) -> Option<&mut Cluster> {
        self.touched.clusters.insert(k.clone());
        self.state.clusters.get_mut(k)
    }

    fn instance_mut(&mut self, k: &Key) -> Option<&mut Instance> {
        self.touched.instances.insert(k.clone());
        self.state.instances.get_mut(k)
    }

    fn remove_cluster(&mut self, k: &Key) {
        self.touched.clusters.insert(k.clone());
        self.state.clusters.remove(k);
    }

    fn members_of<'s>(
        &'s self,
        region: &'s str,
        cluster_id: &'s str,
    ) -> impl Iterator<Item = &'s Instance> + 's {
        self.state
            .instances
            .values()
            .filter(move |i| i.region == region && i.cluster_id == cluster_id)
    }

    /// Readers in the order Aurora promotes them: lowest tier first, then oldest.
    fn promotion_order(&self, region: &str, cluster_id: &str, writer: Option<&str>) -> Vec<String> {
        let mut readers: Vec<&Instance> = self
            .members_of(region, cluster_id)
            .filter(|i| Some(i.id.as_str()) != writer && i.status != InstanceStatus::Deleting)
            .collect();
        readers.sort_by(|a, b| {
            (a.promotion_tier, a.created_at, &a.id).cmp(&(b.promotion_tier, b.created_at, &b.id))
        });
        readers.into_iter().map(|i| i.id.clone()).collect()
    }

    fn arn(&self, kind: &str, region: &str, name: &str) -> String {
        format!(
            "arn:aws:rds:{region}:{}:{kind}:{name}",
            self.inner.config.account_id
        )
    }

    fn event(
        &mut self,
        region: &str,
        source_id: &str,
        source_type: SourceType,
        source_arn: String,
        category: &str,
        message: String,
    ) {
        let seq = self.state.events.keys().next_back().map_or(1, |s| s + 1);
        self.state.events.insert(
            seq,
            Event {
                seq,
                region: region.to_owned(),
                source_id: source_id.to_owned(),
                source_type,
                source_arn,
                message,
                categories: vec![category.to_owned()],
                date: self.now,
            },
        );
        self.touched.events.insert(seq);
    }

    fn prune_events(&mut self) {
        let horizon = self.now - EVENT_RETENTION;
        let old: Vec<u64> = self
            .state
            .events
            .values()
            .take_while(|e| e.date < horizon)
            .map(|e| e.seq)
            .collect();
        for seq in old {
            self.state.events.remove(&seq);
            self.touched.events.insert(seq);
        }
    }

    /// Resolves a cluster parameter group name for a cluster of `family`.
    fn cluster_group_for(&self, region: &str, name: &str, family: &str) -> Result<String> {
        let name = name.to_ascii_lowercase();
        let group_family = if let Some(f) = name.strip_prefix("default.") {
            catalog::FAMILIES.contains(&f).then(|| f.to_owned())
        } else {
            self.state
                .groups
                .get(&key(region, &name))
                .map(|g| g.family.clone())
        };
        match group_family {
            None => Err(Error::ClusterParameterGroupNotFound(name)),
            Some(f) if f != family => Err(Error::InvalidParameterCombination(format!(
                "The parameter group {name} with DBParameterGroupFamily {f} can't be used for this \
                 cluster. Use a parameter group with DBParameterGroupFamily {family}."
            ))),
            Some(_) => Ok(name),
        }
    }

    fn tags_mut(&mut self, region: &str, res: &Resource) -> Result<&mut Vec<Tag>> {
        match res {
            Resource::Cluster(id) => {
                let k = key(region, id);
                self.cluster_mut(&k)
                    .map(|c| &mut c.tags)
                    .ok_or_else(|| Error::ClusterNotFound(id.clone()))
            }
            Resource::Instance(id) => {
                let k = key(region, id);
                self.instance_mut(&k)
                    .map(|i| &mut i.tags)
                    .ok_or_else(|| Error::InstanceNotFound(id.clone()))
            }
            Resource::Group(name) => {
                if is_default_group(name) {
                    return Err(Error::InvalidParameterValue(format!(
                        "Default parameter group {name} cannot be tagged."
                    )));
                }
                let k = key(region, name);
                self.touched.groups.insert(k.clone());
                self.state
                    .groups
                    .get_mut(&k)
                    .map(|g| &mut g.tags)
                    .ok_or_else(|| Error::ClusterParameterGroupNotFound(name.clone()))
            }
        }
    }

    fn cluster_view(&self, k: &Key) -> ClusterView {
        view_cluster(self.inner, self.state, &self.state.clusters[k], self.now)
    }

    fn instance_view(&self, k: &Key) -> InstanceView {
        view_instance(self.inner, self.state, &self.state.instances[k])
    }

    fn group_view(&self, region: &str, name: &str) -> Option<ParameterGroupView> {
        view_group(self.inner, self.state, region, name)
    }

    /// Backtracks whose volume work is due.
    fn backtrack_jobs(&self) -> Result<Vec<BacktrackJob>> {
        let mut jobs = Vec::new();
        for (k, b) in &self.state.backtracks {
            if b.status != BacktrackStatus::Applying || b.due.is_none_or(|d| d > self.now) {
                continue;
            }
            let Some(c) = self.state.clusters.get(&key(&b.region, &b.cluster_id)) else {
                continue;
            };
            jobs.push(BacktrackJob {
                key: k.clone(),
                volume: self.inner.volume(c)?,
                target: b.target,
                fail: c.fail_next_backtrack,
            });
        }
        Ok(jobs)
    }

    /// Folds what retention gives up by now, and emits RDS-EVENT-0131/0132 on the writer when
    /// the actual window falls short of the target or recovers. Returns when to look again.
    fn settle_retention(&mut self) -> Result<Option<DateTime<Utc>>> {
        let mut next: Option<DateTime<Utc>> = None;
        let enabled: Vec<Key> = self
            .state
            .clusters
            .iter()
            .filter(|(_, c)| c.backtrack_window.is_some_and(|w| w > 0))
            .map(|(k, _)| k.clone())
            .collect();
        for k in enabled {
            let c = self.state.clusters[&k].clone();
            let window = TimeDelta::seconds(c.backtrack_window.unwrap_or(0));
            let volume = self.inner.volume(&c)?;
            volume.fold(self.now)?;
            let stats = volume.stats();
            let by_window = std::cmp::max(c.created_at, self.now - window);
            let short = stats.folded_until.is_some_and(|f| f > by_window);
            for at in [
                stats.oldest_retained.map(|t| t + window),
                stats.folded_until.filter(|_| short).map(|f| f + window),
            ]
            .into_iter()
            .flatten()
            {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
            if short != c.window_short {
                self.cluster_mut(&k).expect("listed above").window_short = short;
                if let Some(writer) = c.writer.clone() {
                    let arn = self.arn("db", &c.region, &writer);
                    let message = if short {
                        "The actual Backtrack window is smaller than the target Backtrack window you specified. \
                         Consider reducing the number of hours in your target Backtrack window."
                    } else {
                        "The actual Backtrack window is the same as the target Backtrack window."
                    };
                    self.event(
                        &c.region,
                        &writer,
                        SourceType::DbInstance,
                        arn,
                        "backtrack",
                        message.to_owned(),
                    );
                }
            }
        }
        Ok(next)
    }

    /// Moves every resource whose due time has come to its next status.
    fn settle(&mut self) {
        let now = self.now;
        let due_backtracks: Vec<Key> = self
            .state
            .backtracks
            .iter()
            .filter(|(_, b)| {
                b.status == BacktrackStatus::Pending && b.due.is_some_and(|d| d <= now)
            })
            .map(|(k, _)| k.clone())
            .collect();
        let apply = TimeDelta::from_std(self.inner.config.pace.duration(Step::BacktrackApply))
            .unwrap_or_default();
        for k in due_backtracks {
            let b = self.state.backtracks.get_mut(&k).expect("listed above");
            // The step happens when it was due, not when the driver got to it: after a clock
            // jump, APPLYING starts at its due time and may itself be due at once.
            let started = b.due.unwrap_or(now);
            b.status = BacktrackStatus::Applying;
            b.backtracked_from = Some(started);
            b.due = Some(started + apply);
            let (region, cluster, id) = (b.region.clone(), b.cluster_id.clone(), b.id.clone());
            self.touched.backtracks.insert(k);
            let arn = self.arn("cluster", &region, &cluster);
            self.event(
                &region,
                &cluster,
                SourceType::DbCluster,
                arn,
                "backtrack",
                format!("Backtrack {id} started: connections are closed until it completes."),
            );
        }

        let due_instances: Vec<Key> = self
            .state
            .instances
            .iter()
            .filter(|(_, i)| i.due.is_some_and(|d| d <= now))
            .map(|(k, _)| k.clone())
            .collect();
        for k in due_instances {
            let i = self.state.instances[&k].clone();
            let arn = self.arn("db", &i.region, &i.id);
            match lifecycle::instance(i.status) {
                Settle::To(next, event) => {
                    let m = self.instance_mut(&k).expect("listed above");
                    m.status = next;
                    m.due = None;
                    if let Some((category, message)) = event {
                        self.event(
                            &i.region,
                            &i.id,
                            SourceType::DbInstance,
                            arn,
                            category,
                            message.to_owned(),
                        );
                    }
                }
                Settle::Gone => {
                    self.touched.instances.insert(k.clone());
                    self.state.instances.remove(&k);
                    self.event(
                        &i.region,
                        &i.id,
                        SourceType::DbInstance,
                        arn,
                        "deletion",
                        "DB instance deleted.".to_owned(),
                    );
                    let ck = key(&i.region, &i.cluster_id);
                    if self
                        .state
                        .clusters
                        .get(&ck)
                        .is_some_and(|c| c.writer.as_deref() == Some(i.id.as_str()))
                    {
                        let next = self
                            .promotion_order(&i.region, &i.cluster_id, Some(&i.id))
                            .into_iter()
                            .next();
                        self.cluster_mut(&ck).expect("checked").writer = next;
                    }
                }
                Settle::Stay => {
                    self.instance_mut(&k).expect("listed above").due = None;
                }
            }
        }
        let due_clusters: Vec<Key> = self
            .state
            .clusters
            .iter()
            .filter(|(_, c)| c.due.is_some_and(|d| d <= now))
            .map(|(k, _)| k.clone())
            .collect();
        for k in due_clusters {
            let c = self.state.clusters[&k].clone();
            let arn = self.arn("cluster", &c.region, &c.id);
            match lifecycle::cluster(c.status) {
                Settle::To(next, event) => {
                    let m = self.cluster_mut(&k).expect("listed above");
                    m.status = next;
                    m.due = None;
                    if c.status == ClusterStatus::FailingOver {
                        if let Some(target) = m.failover_target.take() {
                            m.writer = Some(target.clone());
                            self.event(
                                &c.region,
                                &c.id,
                                SourceType::DbCluster,
                                arn.clone(),
                                "failover",
                                format!("Completed failover to DB instance: {target}"),
                            );
                        }
                    }
                    if let Some((category, message)) = event {
                        self.event(
                            &c.region,
                            &c.id,
                            SourceType::DbCluster,
                            arn,
                            category,
                            message.to_owned(),
                        );
                    }
                }
                Settle::Gone => {
                    if let Ok(v) = self.inner.volume(&c) {
                        if let Err(e) = v.destroy() {
                            tracing::warn!(error = %e, cluster = c.id, "could not free the volume");
                        }
                        self.inner
                            .volumes
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .remove(&c.resource_id);
                    }
                    let gone: Vec<Key> = self
                        .state
                        .backtracks
                        .iter()
                        .filter(|(_, b)| b.region == c.region && b.cluster_id == c.id)
                        .map(|(bk, _)| bk.clone())
                        .collect();
                    for bk in gone {
                        self.state.backtracks.remove(&bk);
                        self.touched.backtracks.insert(bk);
                    }
                    self.remove_cluster(&k);
                    self.event(
                        &c.region,
                        &c.id,
                        SourceType::DbCluster,
                        arn,
                        "deletion",
                        "DB cluster deleted.".to_owned(),
                    );
                }
                Settle::Stay => {
                    self.cluster_mut(&k).expect("listed above").due = None;
                }
            }
        }
    }

    /// The store writes for everything this transaction touched.
    fn batch(&self) -> Result<Batch> {
        let json = |v: serde_json::Result<Vec<u8>>| v.map_err(|e| Error::Internal(e.to_string()));
        let mut b = Batch::default();
        for k in &self.touched.clusters {
            let sk = format!("cluster/{}/{}", k.0, k.1);
            match self.state.clusters.get(k) {
                Some(c) => b.put(sk, json(serde_json::to_vec(c))?),
                None => b.delete(sk),
            }
        }
        for k in &self.touched.instances {
            let sk = format!("instance/{}/{}", k.0, k.1);
            match self.state.instances.get(k) {
                Some(i) => b.put(sk, json(serde_json::to_vec(i))?),
                None => b.delete(sk),
            }
        }
        for k in &self.touched.groups {
            let sk = format!("group/{}/{}", k.0, k.1);
            match self.state.groups.get(k) {
                Some(g) => b.put(sk, json(serde_json::to_vec(g))?),
                None => b.delete(sk),
            }
        }
        for k in &self.touched.backtracks {
            let sk = format!("backtrack/{}/{}", k.0, k.1);
            match self.state.backtracks.get(k) {
                Some(bt) => b.put(sk, json(serde_json::to_vec(bt))?),
                None => b.delete(sk),
            }
        }
        for seq in &self.touched.events {
            let sk = format!("event/{seq:020}");
            match self.state.events.get(seq) {
                Some(e) => b.put(sk, json(serde_json::to_vec(e))?),
                None => b.delete(sk),
            }
        }
        Ok(b)
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
    let stats = inner.volume(c).ok().map(|v| v.stats());
    let enabled = c.backtrack_window.is_some_and(|w| w > 0);
    let earliest_backtrack_time =
        earliest_backtrack_time(c, stats.and_then(|s| s.folded_until), now);
    let backtrack_change_records = stats.filter(|_| enabled).map(|s| s.change_records);
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
        cluster: c.clone(),
    }
}

fn view_instance(inner: &Inner, state: &State, i: &Instance) -> InstanceView {
    let cluster = state.clusters.get(&key(&i.region, &i.cluster_id));
    InstanceView {
        arn: format!(
            "arn:aws:rds:{}:{}:db:{}",
            i.region, inner.config.account_id, i.id
        ),
        address: endpoints::instance_address(cluster.map_or(0, |c| c.endpoint_index), i.slot)
            .to_string(),
        port: cluster.map_or(catalog::default_port(&i.engine), |c| c.port),
        master_username: cluster.and_then(|c| c.master_username.clone()),
        instance: i.clone(),
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

fn merge_tags(mut current: Vec<Tag>, new: &[Tag]) -> Vec<Tag> {
    for t in new {
        match current.iter_mut().find(|c| c.key == t.key) {
            Some(c) => c.value = t.value.clone(),
            None => current.push(t.clone()),
        }
    }
    current
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
