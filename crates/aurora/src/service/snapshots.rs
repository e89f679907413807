//! Cluster snapshots and restores: taking, copying, sharing and deleting snapshots, and making
//! new clusters from a snapshot or from a point in a cluster's continuous backup.
//!
//! A manual snapshot owns a volume of its own (`snapshot/<id>`) that holds one state and no
//! history; the driver fills it by [`Volume::copy_into`] off the source volume while the source
//! keeps serving. A restore creates the cluster at once (`creating`) and has the driver copy
//! the source state into the new cluster's volume before it becomes available. Both jobs are
//! recorded on the resource, so a restart in the middle simply copies again; each runs on a
//! task of its own beside the driver (two at a time), which settles everything else meanwhile.

use chrono::SubsecRound;

use super::*;

/// Most manual cluster snapshots per region (AWS's default quota).
const MAX_MANUAL_SNAPSHOTS: usize = 100;

/// RestoreDBClusterFromSnapshot's and RestoreDBClusterToPointInTime's inputs besides the
/// source: what the new cluster may set differently from its source.
#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    /// DBClusterIdentifier of the new cluster.
    pub id: String,
    /// Engine (RestoreDBClusterFromSnapshot requires it; it must be the snapshot's).
    pub engine: Option<String>,
    /// EngineVersion.
    pub engine_version: Option<String>,
    /// Port.
    pub port: Option<i32>,
    /// DBClusterParameterGroupName.
    pub parameter_group: Option<String>,
    /// BacktrackWindow.
    pub backtrack_window: Option<i64>,
    /// DeletionProtection.
    pub deletion_protection: bool,
    /// CopyTagsToSnapshot.
    pub copy_tags_to_snapshot: bool,
    /// EnableIAMDatabaseAuthentication.
    pub iam_auth: Option<bool>,
    /// KmsKeyId.
    pub kms_key_id: Option<String>,
    /// AvailabilityZones.
    pub availability_zones: Vec<String>,
    /// VpcSecurityGroupIds.
    pub vpc_security_group_ids: Vec<String>,
    /// EnableCloudwatchLogsExports.
    pub log_exports: Vec<String>,
    /// DBSubnetGroupName.
    pub subnet_group: Option<String>,
    /// DatabaseName (RestoreDBClusterFromSnapshot).
    pub database_name: Option<String>,
    /// BackupRetentionPeriod.
    pub backup_retention_period: Option<i32>,
    /// PreferredBackupWindow.
    pub preferred_backup_window: Option<String>,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// Whose history RestoreDBClusterToPointInTime reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PointInTimeSource {
    /// SourceDBClusterIdentifier: a live cluster.
    Cluster(String),
    /// SourceDbClusterResourceId: a deleted cluster's retained automated backup.
    Retained(String),
}

/// Where RestoreDBClusterToPointInTime reads: which time of the source cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestorePoint {
    /// RestoreToTime.
    Time(DateTime<Utc>),
    /// UseLatestRestorableTime.
    Latest,
}

impl Aurora {
    /// CreateDBClusterSnapshot: records the snapshot as `creating` at once; the driver copies
    /// the cluster's volume as it is now into the snapshot, then it becomes `available`.
    pub fn create_snapshot(
        &self,
        region: &str,
        cluster_id: &str,
        snapshot_id: &str,
        tags: &[Tag],
    ) -> Result<SnapshotView> {
        let cluster_id = self.resource_name(region, cluster_id, "cluster");
        self.mutate(|tx| {
            let c = tx
                .state
                .clusters
                .get(&key(region, &cluster_id))
                .ok_or_else(|| Error::ClusterNotFound(cluster_id.clone()))?
                .clone();
            expect_cluster(&c, &[ClusterStatus::Available])?;
            let k = tx.take_snapshot(&c, snapshot_id, tags.to_vec())?;
            Ok(tx.snapshot_view(&k))
        })
    }

    /// DescribeDBClusterSnapshots: manual and automated snapshots (shared and public ones
    /// only when asked for by type, and there are none), by identifier or ARN, by cluster,
    /// by type and by filters, ordered by identifier.
    pub fn describe_snapshots(
        &self,
        region: &str,
        cluster_id: Option<&str>,
        snapshot_id: Option<&str>,
        snapshot_type: Option<&str>,
        filters: &[Filter],
        paging: &Paging,
    ) -> Result<Page<SnapshotView>> {
        if cluster_id.is_some() && snapshot_id.is_some() {
            return Err(Error::InvalidParameterCombination(
                "DBClusterIdentifier and DBClusterSnapshotIdentifier cannot be used together."
                    .to_owned(),
            ));
        }
        const TYPES: &[&str] = &["automated", "manual", "shared", "public", "awsbackup"];
        if let Some(t) = snapshot_type {
            if !TYPES.contains(&t) {
                return Err(Error::InvalidParameterValue(format!(
                    "Invalid snapshot type {t}. Valid values: {}.",
                    TYPES.join(", ")
                )));
            }
        }
        let filters = filter_values(
            filters,
            &[
                "db-cluster-id",
                "db-cluster-snapshot-id",
                "snapshot-type",
                "engine",
            ],
        )?;
        let wanted = snapshot_id.map(|s| self.resource_name(region, s, "cluster-snapshot"));
        let cluster = cluster_id.map(|c| self.resource_name(region, c, "cluster"));
        let views = self.read(|state, _| {
            if let Some(w) = &wanted {
                if !state.snapshots.contains_key(&key(region, w)) {
                    return Err(Error::SnapshotNotFound(w.clone()));
                }
            }
            Ok(state
                .snapshots
                .range(in_region(region))
                .map(|(_, s)| s)
                .filter(|s| wanted.as_ref().is_none_or(|w| *w == s.id))
                .filter(|s| cluster.as_ref().is_none_or(|c| *c == s.cluster_id))
                .filter(|s| snapshot_type.is_none_or(|t| t == s.snapshot_type))
                .filter(|s| {
                    filters.iter().all(|(name, values)| match *name {
                        "db-cluster-id" => values
                            .iter()
                            .any(|v| self.resource_name(region, v, "cluster") == s.cluster_id),
                        "db-cluster-snapshot-id" => values
                            .iter()
                            .any(|v| self.resource_name(region, v, "cluster-snapshot") == s.id),
                        "snapshot-type" => values.contains(&s.snapshot_type),
                        "engine" => values.contains(&s.engine),
                        _ => false,
                    })
                })
                .map(|s| view_snapshot(&self.inner, s))
                .collect::<Vec<_>>())
        })?;
        paginate(views, |v| v.snapshot.id.clone(), paging)
    }

    /// DeleteDBClusterSnapshot: a manual snapshot that is not being created; its data goes
    /// with it.
    pub fn delete_snapshot(&self, region: &str, snapshot_id: &str) -> Result<SnapshotView> {
        let id = self.resource_name(region, snapshot_id, "cluster-snapshot");
        self.mutate(|tx| {
            let k = key(region, &id);
            let s = tx
                .state
                .snapshots
                .get(&k)
                .ok_or_else(|| Error::SnapshotNotFound(id.clone()))?
                .clone();
            if s.snapshot_type != "manual" {
                return Err(Error::InvalidSnapshotState(
                    "Only manual snapshots may be deleted.".to_owned(),
                ));
            }
            if s.status == SnapshotStatus::Creating {
                return Err(Error::InvalidSnapshotState(format!(
                    "Cannot delete the snapshot {id} because it is not currently in the available state."
                )));
            }
            let view = tx.snapshot_view(&k);
            // What AWS answers on DescribeEvents for a deleted cluster snapshot (the
            // catalogue has no row for it; RDS-EVENT-0041 is its DB snapshot twin).
            tx.snapshot_event_in(&k, "deletion", "Deleted manual snapshot");
            tx.state.snapshots.remove(&k);
            tx.touched.snapshots.insert(k);
            tx.release_volume(&s.data.tree);
            Ok(view)
        })
    }

    /// CopyDBClusterSnapshot: a new manual snapshot with the source's data (a copy of an
    /// automated snapshot is manual, and outlives the source's retention).
    pub fn copy_snapshot(
        &self,
        region: &str,
        source_id: &str,
        target_id: &str,
        copy_tags: bool,
        tags: &[Tag],
    ) -> Result<SnapshotView> {
        let source_id = self.resource_name(region, source_id, "cluster-snapshot");
        let target_id = validate::identifier("TargetDBClusterSnapshotIdentifier", target_id)?;
        let due = self.inner.env.clock.now() + self.pace(Step::Snapshot);
        self.mutate(|tx| {
            let source = tx
                .state
                .snapshots
                .get(&key(region, &source_id))
                .ok_or_else(|| Error::SnapshotNotFound(source_id.clone()))?
                .clone();
            if source.status != SnapshotStatus::Available {
                return Err(Error::InvalidSnapshotState(format!(
                    "Snapshot {source_id} is not in the available state; only available snapshots can be copied."
                )));
            }
            tx.check_new_snapshot(region, &target_id)?;
            let inherited = if copy_tags {
                source.tags.clone()
            } else {
                Vec::new()
            };
            let tags = merge_tags(inherited, tags)?;
            let k = key(region, &target_id);
            let copy = Snapshot {
                id: target_id.clone(),
                snapshot_type: "manual".to_owned(),
                status: SnapshotStatus::Creating,
                due: Some(due),
                created_at: tx.now,
                data: DataSource {
                    tree: format!("snapshot/{}", tx.inner.env.ids.upper_alnum(26)),
                    at: source.data.at,
                    clone: false,
                },
                copy_from: Some(source.data.clone()),
                source_snapshot_arn: Some(tx.arn("cluster-snapshot", region, &source.id)),
                restore_accounts: Vec::new(),
                tags,
                ..source
            };
            tx.state.snapshots.insert(k.clone(), copy);
            tx.touched.snapshots.insert(k.clone());
            tx.snapshot_event_in(&k, "notification", copy_message("Started", &source.id, region));
            Ok(tx.snapshot_view(&k))
        })
    }

    /// ModifyDBClusterSnapshotAttribute: the `restore` attribute, the accounts that may
    /// restore a manual snapshot (`all` makes it public).
    pub fn modify_snapshot_attribute(
        &self,
        region: &str,
        snapshot_id: &str,
        attribute: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<(String, Vec<String>)> {
        let id = self.resource_name(region, snapshot_id, "cluster-snapshot");
        if attribute != "restore" {
            return Err(Error::InvalidParameterValue(format!(
                "Invalid attribute name {attribute}: the only attribute of a DB cluster snapshot is restore."
            )));
        }
        for account in add.iter().chain(remove) {
            if account != "all"
                && !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(Error::InvalidParameterValue(format!(
                    "Invalid value {account} for the restore attribute: give 12-digit AWS account ids or all."
                )));
            }
        }
        self.mutate(|tx| {
            let k = key(region, &id);
            let s = tx
                .state
                .snapshots
                .get_mut(&k)
                .ok_or_else(|| Error::SnapshotNotFound(id.clone()))?;
            if s.snapshot_type != "manual" {
                return Err(Error::InvalidSnapshotState(
                    "Only manual snapshots can be shared; copy an automated snapshot to share it."
                        .to_owned(),
                ));
            }
            s.restore_accounts.retain(|a| !remove.contains(a));
            for a in add {
                if !s.restore_accounts.contains(a) {
                    s.restore_accounts.push(a.clone());
                }
            }
            let accounts = s.restore_accounts.clone();
            tx.touched.snapshots.insert(k);
            Ok((id.clone(), accounts))
        })
    }

    /// DescribeDBClusterSnapshotAttributes: the `restore` attribute.
    pub fn describe_snapshot_attributes(
        &self,
        region: &str,
        snapshot_id: &str,
    ) -> Result<(String, Vec<String>)> {
        let id = self.resource_name(region, snapshot_id, "cluster-snapshot");
        self.read(|state, _| {
            state
                .snapshots
                .get(&key(region, &id))
                .map(|s| (s.id.clone(), s.restore_accounts.clone()))
                .ok_or_else(|| Error::SnapshotNotFound(id.clone()))
        })
    }

    /// RestoreDBClusterFromSnapshot: a new cluster, `creating` until the snapshot's data is in
    /// its volume; no instances until CreateDBInstance, as on AWS.
    pub fn restore_from_snapshot(
        &self,
        region: &str,
        snapshot_id: &str,
        options: RestoreOptions,
    ) -> Result<ClusterView> {
        let snapshot_id = self.resource_name(region, snapshot_id, "cluster-snapshot");
        let s = self.read(|state, _| {
            state
                .snapshots
                .get(&key(region, &snapshot_id))
                .cloned()
                .ok_or_else(|| Error::SnapshotNotFound(snapshot_id.clone()))
        })?;
        if s.status != SnapshotStatus::Available {
            return Err(Error::InvalidSnapshotState(format!(
                "DB cluster snapshot {snapshot_id} is not in the available state; it can be restored once it is."
            )));
        }
        if let Some(engine) = options.engine.as_deref() {
            if engine != s.engine {
                return Err(Error::InvalidParameterCombination(format!(
                    "The engine {engine} does not match the snapshot's engine {}.",
                    s.engine
                )));
            }
        }
        let source = Source::from_snapshot(&s);
        self.create(
            region,
            new_cluster_from(&source, options),
            Some(s.data.clone()),
        )
    }

    /// RestoreDBClusterToPointInTime: a new cluster holding the source cluster's state at a
    /// commit point inside its restorable window. `copy-on-write` makes a clone, which shares
    /// the source's storage and CloneGroupId; `full-copy` (the default) copies the data.
    pub fn restore_to_point_in_time(
        &self,
        region: &str,
        source: &PointInTimeSource,
        point: RestorePoint,
        restore_type: Option<&str>,
        options: RestoreOptions,
    ) -> Result<ClusterView> {
        let clone = match restore_type.unwrap_or("full-copy") {
            "full-copy" => false,
            "copy-on-write" => true,
            other => {
                return Err(Error::InvalidParameterValue(format!(
                    "Invalid RestoreType {other}: expected full-copy or copy-on-write."
                )))
            }
        };
        let (c, latest) = match source {
            PointInTimeSource::Cluster(id) => {
                let id = self.resource_name(region, id, "cluster");
                self.read(|state, now| {
                    let c = state
                        .clusters
                        .get(&key(region, &id))
                        .ok_or_else(|| Error::ClusterNotFound(id.clone()))?
                        .clone();
                    expect_cluster(
                        &c,
                        &[
                            ClusterStatus::Available,
                            ClusterStatus::Modifying,
                            ClusterStatus::Stopped,
                            ClusterStatus::Backtracking,
                        ],
                    )?;
                    Ok::<_, Error>((c, now))
                })?
            }
            PointInTimeSource::Retained(resource_id) => {
                if clone {
                    return Err(Error::InvalidParameterCombination(
                        "A clone (copy-on-write) needs a live source cluster, not a retained backup."
                            .to_owned(),
                    ));
                }
                self.retained_backup(region, resource_id)?
            }
        };
        let source_id = c.id.clone();
        let now = self.inner.env.clock.now();
        let earliest = earliest_restorable_time(&self.inner, &c, now).min(latest);
        let at = match point {
            RestorePoint::Latest => latest,
            RestorePoint::Time(t) if t > latest => {
                return Err(Error::InvalidRestore(format!(
                    "The restore time {} is after the latest restorable time {}.",
                    rds_time(t),
                    rds_time(latest)
                )))
            }
            // Compared at the millisecond the wire shows, so the EarliestRestorableTime
            // Describe answered is itself accepted.
            RestorePoint::Time(t) if t < earliest.trunc_subsecs(3) => {
                return Err(Error::InvalidRestore(format!(
                    "The restore time {} is before the earliest restorable time {} of DB cluster {source_id}.",
                    rds_time(t),
                    rds_time(earliest)
                )))
            }
            RestorePoint::Time(t) => t,
        };
        let source = Source::from_cluster(&c);
        let mut req = new_cluster_from(&source, options);
        if clone {
            req.clone_group_id = Some(
                c.clone_group_id
                    .clone()
                    .unwrap_or_else(|| self.inner.env.ids.uuid()),
            );
        }
        let view = self.create(
            region,
            req.clone(),
            Some(DataSource {
                tree: volume_tree(&c),
                at,
                clone,
            }),
        )?;
        if let Some(group) = req.clone_group_id {
            // The source joins the clone group too.
            self.mutate(|tx| {
                if let Some(src) = tx.cluster_mut(&key(region, &source_id)) {
                    src.clone_group_id.get_or_insert(group);
                }
                Ok(())
            })?;
        }
        Ok(view)
    }

    /// Records the outcome of a copy the driver made: a snapshot becomes available, a restored
    /// cluster gets its retention and moves on to `available`; a copy that failed leaves a
    /// `failed` snapshot or an `incompatible-restore` cluster.
    pub(super) fn finish_copy(
        &self,
        target: &CopyTarget,
        outcome: std::result::Result<(), String>,
    ) -> Result<()> {
        self.mutate(|tx| {
            match target {
                CopyTarget::Snapshot(k) => {
                    let Some(s) = tx.state.snapshots.get_mut(k) else {
                        return Ok(());
                    };
                    if s.status != SnapshotStatus::Creating {
                        return Ok(());
                    }
                    let from = s.copy_from.take();
                    s.due = None;
                    s.status = match outcome {
                        Ok(()) => SnapshotStatus::Available,
                        Err(_) => SnapshotStatus::Failed,
                    };
                    let manual = s.snapshot_type == "manual";
                    let copied_from = s
                        .source_snapshot_arn
                        .as_deref()
                        .and_then(|arn| arn.split_once(":cluster-snapshot:"))
                        .map(|(_, id)| id.to_owned());
                    tx.touched.snapshots.insert(k.clone());
                    match (&outcome, copied_from) {
                        (Ok(()), Some(source)) => tx.snapshot_event_in(
                            k,
                            "notification",
                            copy_message("Finished", &source, &k.0),
                        ),
                        (Ok(()), None) if manual => {
                            tx.snapshot_event(k, "Manual cluster snapshot created")
                        }
                        (Ok(()), None) => {
                            tx.snapshot_event(k, "Automated cluster snapshot created")
                        }
                        (Err(why), _) => tx
                            .snapshot_event(k, &format!("Cluster snapshot creation failed: {why}")),
                    }
                    if let Some(from) = from {
                        tx.release_volume(&from.tree);
                    }
                }
                CopyTarget::Cluster(k) => {
                    let Some(c) = tx.state.clusters.get(k).cloned() else {
                        return Ok(());
                    };
                    let Some(from) = c.restore.clone() else {
                        return Ok(());
                    };
                    let m = tx.cluster_mut(k).expect("checked above");
                    m.restore = None;
                    match &outcome {
                        Ok(()) => {
                            let volume = tx.inner.volume(&c)?;
                            volume.set_retention(tx.inner.retention(&c))?;
                        }
                        Err(why) => {
                            m.status = ClusterStatus::IncompatibleRestore;
                            m.due = None;
                            let arn = tx.arn("cluster", &c.region, &c.id);
                            tx.event(
                                &c.region,
                                &c.id,
                                SourceType::DbCluster,
                                arn,
                                "failure",
                                format!("Unable to restore the DB cluster: {why}"),
                            );
                        }
                    }
                    tx.release_volume(&from.tree);
                }
            }
            Ok(())
        })
    }
}

/// The event of a snapshot copy in one region, on the copy: the catalogue's words for a local
/// copy (RDS-EVENT-0196 "Started", 0197 "Finished"), naming the source snapshot.
fn copy_message(stage: &str, source: &str, region: &str) -> String {
    format!("{stage} copy of snapshot {source} in region {region}.")
}

/// What a restore inherits from its source, a snapshot or a cluster.
struct Source {
    engine: String,
    engine_version: String,
    engine_mode: String,
    port: u16,
    master_username: Option<String>,
    master_password: Option<String>,
    database_name: Option<String>,
    storage_encrypted: bool,
    kms_key_id: Option<String>,
    iam_auth: bool,
    parameter_group: Option<String>,
    backup_retention_period: i32,
    preferred_backup_window: String,
}

impl Source {
    fn from_snapshot(s: &Snapshot) -> Self {
        Source {
            engine: s.engine.clone(),
            engine_version: s.engine_version.clone(),
            engine_mode: s.engine_mode.clone(),
            port: s.port,
            master_username: s.master_username.clone(),
            master_password: s.master_password.clone(),
            database_name: s.database_name.clone(),
            storage_encrypted: s.storage_encrypted,
            kms_key_id: s.kms_key_id.clone(),
            iam_auth: s.iam_auth,
            parameter_group: None,
            backup_retention_period: s.backup_retention_period,
            preferred_backup_window: s.preferred_backup_window.clone(),
        }
    }

    fn from_cluster(c: &Cluster) -> Self {
        Source {
            engine: c.engine.clone(),
            engine_version: c.engine_version.clone(),
            engine_mode: c.engine_mode.clone(),
            port: c.port,
            master_username: c.master_username.clone(),
            master_password: c.master_password.clone(),
            database_name: c.database_name.clone(),
            storage_encrypted: c.storage_encrypted,
            kms_key_id: c.kms_key_id.clone(),
            iam_auth: c.iam_auth,
            parameter_group: Some(c.parameter_group.clone()),
            backup_retention_period: c.backup_retention_period,
            preferred_backup_window: c.preferred_backup_window.clone(),
        }
    }
}

/// The CreateDBCluster a restore amounts to: the source's settings, overridden by the request.
fn new_cluster_from(source: &Source, o: RestoreOptions) -> NewCluster {
    NewCluster {
        id: o.id,
        engine: source.engine.clone(),
        engine_version: o.engine_version.or(Some(source.engine_version.clone())),
        engine_mode: Some(source.engine_mode.clone()),
        master_username: source.master_username.clone(),
        master_password: source.master_password.clone(),
        manage_master_password: source.master_password.is_none(),
        database_name: o.database_name.or(source.database_name.clone()),
        port: Some(o.port.unwrap_or(i32::from(source.port))),
        parameter_group: o.parameter_group.or(source.parameter_group.clone()),
        backtrack_window: o.backtrack_window,
        deletion_protection: o.deletion_protection,
        backup_retention_period: Some(
            o.backup_retention_period
                .unwrap_or(source.backup_retention_period),
        ),
        preferred_backup_window: o
            .preferred_backup_window
            .or(Some(source.preferred_backup_window.clone())),
        preferred_maintenance_window: None,
        storage_encrypted: source.storage_encrypted,
        kms_key_id: o.kms_key_id.or(source.kms_key_id.clone()),
        iam_auth: o.iam_auth.unwrap_or(source.iam_auth),
        copy_tags_to_snapshot: o.copy_tags_to_snapshot,
        availability_zones: o.availability_zones,
        vpc_security_group_ids: o.vpc_security_group_ids,
        log_exports: o.log_exports,
        subnet_group: o.subnet_group,
        character_set: None,
        tags: o.tags,
        clone_group_id: None,
    }
}

/// The earliest time RestoreDBClusterToPointInTime can reach: the backup retention period
/// back from now, not before the cluster existed nor before what its volume still holds.
pub(super) fn earliest_restorable_time(
    inner: &Inner,
    c: &Cluster,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let by_retention = now - TimeDelta::days(i64::from(c.backup_retention_period));
    let folded = inner
        .volume(c)
        .ok()
        .and_then(|v| v.stats().folded_until)
        .map_or(c.created_at, |f| f.max(c.created_at));
    let earliest = by_retention.max(folded);
    if earliest == c.created_at {
        earliest
    } else {
        ceil_second(earliest)
    }
}

/// A snapshot of `c` named `id` whose data is `data`: available, with the cluster's settings
/// and (with CopyTagsToSnapshot) its tags. Callers adjust what differs.
pub(super) fn snapshot_of(
    c: &Cluster,
    id: String,
    snapshot_type: &str,
    created_at: DateTime<Utc>,
    data: DataSource,
) -> Snapshot {
    Snapshot {
        region: c.region.clone(),
        id,
        snapshot_type: snapshot_type.to_owned(),
        status: SnapshotStatus::Available,
        due: None,
        created_at,
        data,
        copy_from: None,
        cluster_id: c.id.clone(),
        cluster_resource_id: c.resource_id.clone(),
        cluster_created_at: c.created_at,
        engine: c.engine.clone(),
        engine_version: c.engine_version.clone(),
        engine_mode: c.engine_mode.clone(),
        port: c.port,
        master_username: c.master_username.clone(),
        master_password: c.master_password.clone(),
        database_name: c.database_name.clone(),
        storage_encrypted: c.storage_encrypted,
        kms_key_id: c.kms_key_id.clone(),
        iam_auth: c.iam_auth,
        availability_zones: c.availability_zones.clone(),
        backup_retention_period: c.backup_retention_period,
        preferred_backup_window: c.preferred_backup_window.clone(),
        source_snapshot_arn: None,
        restore_accounts: Vec::new(),
        tags: if c.copy_tags_to_snapshot {
            c.tags.clone()
        } else {
            Vec::new()
        },
    }
}

pub(super) fn view_snapshot(inner: &Inner, s: &Snapshot) -> SnapshotView {
    SnapshotView {
        arn: format!(
            "arn:aws:rds:{}:{}:cluster-snapshot:{}",
            s.region, inner.config.account_id, s.id
        ),
        snapshot: s.clone(),
    }
}

impl Tx<'_> {
    /// Refuses a new snapshot identifier that is taken, or one past the manual quota.
    pub(super) fn check_new_snapshot(&self, region: &str, id: &str) -> Result<()> {
        if self.state.snapshots.contains_key(&key(region, id)) {
            return Err(Error::SnapshotAlreadyExists(id.to_owned()));
        }
        let manual = self
            .state
            .snapshots
            .range(in_region(region))
            .filter(|(_, s)| s.snapshot_type == "manual")
            .count();
        if manual >= MAX_MANUAL_SNAPSHOTS {
            return Err(Error::SnapshotQuotaExceeded(format!(
                "Cannot create more than {MAX_MANUAL_SNAPSHOTS} manual DB cluster snapshots."
            )));
        }
        Ok(())
    }

    /// Records a manual snapshot of `c` as it is now, `creating` until the driver has copied it.
    pub(super) fn take_snapshot(
        &mut self,
        c: &Cluster,
        snapshot_id: &str,
        tags: Vec<Tag>,
    ) -> Result<Key> {
        let id = validate::identifier("DBClusterSnapshotIdentifier", snapshot_id)?;
        self.check_new_snapshot(&c.region, &id)?;
        let due = self.now
            + TimeDelta::from_std(self.inner.config.pace.duration(Step::Snapshot))
                .unwrap_or_default();
        let mut snapshot = snapshot_of(
            c,
            id.clone(),
            "manual",
            self.now,
            DataSource {
                tree: format!("snapshot/{}", self.inner.env.ids.upper_alnum(26)),
                at: self.now,
                clone: false,
            },
        );
        snapshot.status = SnapshotStatus::Creating;
        snapshot.due = Some(due);
        snapshot.copy_from = Some(DataSource {
            tree: volume_tree(c),
            at: self.now,
            clone: false,
        });
        snapshot.tags = merge_tags(snapshot.tags, &tags)?;
        let k = key(&c.region, &id);
        self.state.snapshots.insert(k.clone(), snapshot);
        self.touched.snapshots.insert(k.clone());
        self.snapshot_event(&k, "Creating manual cluster snapshot");
        Ok(k)
    }

    pub(super) fn snapshot_view(&self, k: &Key) -> SnapshotView {
        view_snapshot(self.inner, &self.state.snapshots[k])
    }

    /// An event about a snapshot in the category `backup`, where AWS's catalogue puts its
    /// creation (RDS-EVENT-0074/0075 manual, 0168/0169 automated).
    pub(super) fn snapshot_event(&mut self, k: &Key, message: &str) {
        self.snapshot_event_in(k, "backup", message);
    }

    /// An event about a snapshot in `category` (copies are `notification`, deletion is
    /// `deletion`, as AWS files them).
    pub(super) fn snapshot_event_in(
        &mut self,
        k: &Key,
        category: &str,
        message: impl Into<String>,
    ) {
        let arn = self.arn("cluster-snapshot", &k.0, &k.1);
        self.event(
            &k.0,
            &k.1,
            SourceType::DbClusterSnapshot,
            arn,
            category,
            message.into(),
        );
    }

    /// Whether anything still reads or owns the volume in `tree`: a live cluster, a snapshot
    /// whose data it is or that is being copied from it, or a restore copying from it.
    pub(super) fn volume_in_use(&self, tree: &str) -> bool {
        self.state.clusters.values().any(|c| {
            (volume_tree(c) == tree && c.status != ClusterStatus::Deleting)
                || c.restore.as_ref().is_some_and(|r| r.tree == tree)
        }) || self
            .state
            .snapshots
            .values()
            .any(|s| s.data.tree == tree || s.copy_from.as_ref().is_some_and(|f| f.tree == tree))
    }

    /// Frees the volume in `tree` once nothing uses it any more.
    pub(super) fn release_volume(&mut self, tree: &str) {
        if !self.volume_in_use(tree) {
            self.inner.destroy_volume(tree);
        }
    }

    /// Copies whose time has come: snapshots being created, clusters being restored.
    pub(super) fn copy_jobs(&self) -> Result<Vec<CopyJob>> {
        let mut jobs = Vec::new();
        for (k, s) in &self.state.snapshots {
            let Some(from) = &s.copy_from else { continue };
            if s.status != SnapshotStatus::Creating || s.due.is_some_and(|d| d > self.now) {
                continue;
            }
            jobs.push(CopyJob {
                target: CopyTarget::Snapshot(k.clone()),
                source: self.inner.volume_at(&from.tree)?,
                at: from.at,
                dest: self.inner.volume_at(&s.data.tree)?,
                clone: false,
            });
        }
        for (k, c) in &self.state.clusters {
            let Some(from) = &c.restore else { continue };
            if c.status != ClusterStatus::Creating || c.due.is_some_and(|d| d > self.now) {
                continue;
            }
            jobs.push(CopyJob {
                target: CopyTarget::Cluster(k.clone()),
                source: self.inner.volume_at(&from.tree)?,
                at: from.at,
                dest: self.inner.volume(c)?,
                clone: from.clone,
            });
        }
        Ok(jobs)
    }
}
