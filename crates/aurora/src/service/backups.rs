//! Automated backups: one automated snapshot a day in the cluster's backup window, kept for
//! its backup retention period, and what is retained of a deleted cluster's backups.
//!
//! An automated snapshot copies nothing: it is a named point of the cluster's continuous
//! backup (the volume keeps the retention period's history), so restoring it reads the
//! cluster's volume at its time. Deleting the cluster with DeleteAutomatedBackups=false keeps
//! that volume and those snapshots as a retained backup until the retention period has passed.

use super::snapshots::snapshot_of;
use super::*;

/// An automated backup as DescribeDBClusterAutomatedBackups shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AutomatedBackupView {
    /// The cluster (as it is, or as it was when deleted).
    pub cluster: Cluster,
    /// `active` for a live cluster, `retained` for a deleted one.
    pub status: &'static str,
    /// RestoreWindow.EarliestTime.
    pub earliest: DateTime<Utc>,
    /// RestoreWindow.LatestTime.
    pub latest: DateTime<Utc>,
    /// DBClusterAutomatedBackupsArn.
    pub arn: String,
    /// DBClusterArn.
    pub cluster_arn: String,
}

impl Aurora {
    /// DescribeDBClusterAutomatedBackups: the backups of live clusters (`active`) and the
    /// retained backups of deleted ones, by resource id or identifier, ordered by resource id.
    pub fn describe_automated_backups(
        &self,
        region: &str,
        resource_id: Option<&str>,
        cluster_id: Option<&str>,
        filters: &[Filter],
        paging: &Paging,
    ) -> Result<Page<AutomatedBackupView>> {
        let filters = filter_values(
            filters,
            &["status", "db-cluster-id", "db-cluster-resource-id"],
        )?;
        let cluster_id = cluster_id.map(|c| self.resource_name(region, c, "cluster"));
        let views = self.read(|state, now| {
            let live = state
                .clusters
                .range(in_region(region))
                .map(|(_, c)| c)
                .filter(|c| c.restore.is_none() && c.status != ClusterStatus::Creating)
                .map(|c| backup_view(&self.inner, c, "active", now, now));
            let retained = state
                .retained
                .range(in_region(region))
                .map(|(_, r)| backup_view(&self.inner, &r.cluster, "retained", r.deleted_at, now));
            let mut views: Vec<AutomatedBackupView> = live
                .chain(retained)
                .filter(|v| resource_id.is_none_or(|r| r == v.cluster.resource_id))
                .filter(|v| cluster_id.as_ref().is_none_or(|c| *c == v.cluster.id))
                .filter(|v| {
                    filters.iter().all(|(name, values)| match *name {
                        "status" => values.iter().any(|s| s == v.status),
                        "db-cluster-id" => values
                            .iter()
                            .any(|s| self.resource_name(region, s, "cluster") == v.cluster.id),
                        _ => values.contains(&v.cluster.resource_id),
                    })
                })
                .collect();
            views.sort_by(|a, b| a.cluster.resource_id.cmp(&b.cluster.resource_id));
            if let Some(r) = resource_id {
                if views.is_empty() {
                    return Err(Error::AutomatedBackupNotFound(r.to_owned()));
                }
            }
            Ok(views)
        })?;
        paginate(views, |v| v.cluster.resource_id.clone(), paging)
    }

    /// DeleteDBClusterAutomatedBackup: a retained backup goes, with its automated snapshots
    /// and its volume. A live cluster's backups cannot be deleted this way.
    pub fn delete_automated_backup(
        &self,
        region: &str,
        resource_id: &str,
    ) -> Result<AutomatedBackupView> {
        self.mutate(|tx| {
            let k = key(region, resource_id);
            let k = (k.0, resource_id.to_owned());
            let Some(r) = tx.state.retained.get(&k).cloned() else {
                let live = tx
                    .state
                    .clusters
                    .values()
                    .any(|c| c.region == region && c.resource_id == resource_id);
                return Err(if live {
                    Error::InvalidAutomatedBackupState(format!(
                        "The automated backup of {resource_id} belongs to a cluster that exists: delete the cluster first."
                    ))
                } else {
                    Error::AutomatedBackupNotFound(resource_id.to_owned())
                });
            };
            let view = backup_view(tx.inner, &r.cluster, "retained", r.deleted_at, tx.now);
            tx.state.retained.remove(&k);
            tx.touched.retained.insert(k);
            tx.drop_automated_snapshots(&r.cluster.resource_id);
            tx.release_volume(&volume_tree(&r.cluster));
            Ok(view)
        })
    }

    /// The retained backup of a deleted cluster, for RestoreDBClusterToPointInTime with
    /// SourceDbClusterResourceId: the cluster as it was and the latest time it reached.
    pub(super) fn retained_backup(
        &self,
        region: &str,
        resource_id: &str,
    ) -> Result<(Cluster, DateTime<Utc>)> {
        self.read(|state, _| {
            state
                .retained
                .get(&(region.to_owned(), resource_id.to_owned()))
                .map(|r| (r.cluster.clone(), r.deleted_at))
                .ok_or_else(|| Error::AutomatedBackupNotFound(resource_id.to_owned()))
        })
    }
}

fn backup_view(
    inner: &Inner,
    c: &Cluster,
    status: &'static str,
    latest: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AutomatedBackupView {
    let account = &inner.config.account_id;
    AutomatedBackupView {
        earliest: earliest_restorable_time(inner, c, now).min(latest),
        latest,
        arn: format!(
            "arn:aws:rds:{}:{account}:cluster-auto-backup:{}",
            c.region, c.resource_id
        ),
        cluster_arn: format!("arn:aws:rds:{}:{account}:cluster:{}", c.region, c.id),
        status,
        cluster: c.clone(),
    }
}

/// The start of the first backup window (`hh:mm-hh:mm`, UTC) strictly after `after`.
fn next_window_start(after: DateTime<Utc>, window: &str) -> DateTime<Utc> {
    let (h, m) = window
        .split('-')
        .next()
        .and_then(|start| start.split_once(':'))
        .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)))
        .filter(|(h, m)| *h < 24 && *m < 60)
        .unwrap_or((0, 0));
    let day = after.date_naive();
    let at = |d: chrono::NaiveDate| d.and_hms_opt(h, m, 0).map(|t| t.and_utc()).unwrap_or(after);
    let today = at(day);
    if today > after {
        today
    } else {
        at(day.succ_opt().unwrap_or(day))
    }
}

/// Most automated snapshots taken for one cluster in one settle (a clock jump of more days
/// than a retention period holds needs no more).
const MAX_BACKUPS_PER_SETTLE: usize = 36;

impl Inner {
    /// Makes the driver look at automated backups at its next settle: the state changed.
    pub(super) fn forget_backups_next(&self) {
        *self.backups_next.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

impl Tx<'_> {
    /// [`Tx::settle_backups`], unless its last look said nothing is due yet and nothing has
    /// changed since: no mutation, and no cluster moved by this settle (one that has just
    /// become available takes its first automated snapshot). Returns when to look again.
    pub(super) fn settle_backups_when_due(&mut self) -> Option<DateTime<Utc>> {
        let inner = self.inner;
        let mut known = inner.backups_next.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(next) = *known {
            if self.touched.clusters.is_empty() && next.is_none_or(|n| self.now < n) {
                return next;
            }
        }
        let next = self.settle_backups();
        *known = Some(next);
        next
    }

    /// Takes the automated snapshots that are due (the first once a cluster is available,
    /// then one in each backup window), and drops those past their cluster's retention
    /// period, and the retained backups whose period has ended. Returns when to look again.
    pub(super) fn settle_backups(&mut self) -> Option<DateTime<Utc>> {
        let mut next: Option<DateTime<Utc>> = None;
        let mut soonest =
            |at: DateTime<Utc>| next = Some(next.map_or(at, |n: DateTime<Utc>| n.min(at)));
        let live: Vec<Key> = self
            .state
            .clusters
            .iter()
            .filter(|(_, c)| {
                c.restore.is_none()
                    && matches!(
                        c.status,
                        ClusterStatus::Available
                            | ClusterStatus::Modifying
                            | ClusterStatus::Backtracking
                    )
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in live {
            let c = self.state.clusters[&k].clone();
            let mut last = c.last_backup_at;
            if last.is_none() {
                self.take_automated(&c, self.now);
                last = Some(self.now);
            }
            for _ in 0..MAX_BACKUPS_PER_SETTLE {
                let due = next_window_start(last.unwrap_or(self.now), &c.preferred_backup_window);
                if due > self.now {
                    soonest(due);
                    break;
                }
                self.take_automated(&c, due);
                last = Some(due);
            }
            if last != c.last_backup_at {
                self.cluster_mut(&k).expect("listed above").last_backup_at = last;
            }
            let horizon = self.now - TimeDelta::days(i64::from(c.backup_retention_period));
            if let Some(at) = self.expire_automated(&c.resource_id, horizon) {
                soonest(at + TimeDelta::days(i64::from(c.backup_retention_period)));
            }
        }
        let retained: Vec<RetainedBackup> = self.state.retained.values().cloned().collect();
        for r in retained {
            let period = TimeDelta::days(i64::from(r.cluster.backup_retention_period));
            if r.deleted_at + period <= self.now {
                let k = key(&r.region, &r.resource_id);
                let k = (k.0, r.resource_id.clone());
                self.state.retained.remove(&k);
                self.touched.retained.insert(k);
                self.drop_automated_snapshots(&r.resource_id);
                self.release_volume(&volume_tree(&r.cluster));
            } else {
                if let Some(at) = self.expire_automated(&r.resource_id, self.now - period) {
                    soonest(at + period);
                }
                soonest(r.deleted_at + period);
            }
        }
        next
    }

    /// Records an automated snapshot of `c` at `at`: a point of its continuous backup.
    fn take_automated(&mut self, c: &Cluster, at: DateTime<Utc>) {
        let id = format!("rds:{}-{}", c.id, at.format("%Y-%m-%d-%H-%M"));
        let k = key(&c.region, &id);
        if self.state.snapshots.contains_key(&k) {
            return;
        }
        let snapshot = snapshot_of(
            c,
            id,
            "automated",
            at,
            DataSource {
                tree: volume_tree(c),
                at,
                clone: false,
            },
        );
        self.state.snapshots.insert(k.clone(), snapshot);
        self.touched.snapshots.insert(k.clone());
        self.snapshot_event(&k, "Creating automated cluster snapshot");
        self.snapshot_event(&k, "Automated cluster snapshot created");
    }

    /// Drops the automated snapshots of the cluster `resource_id` taken before `horizon`;
    /// returns the time of the oldest one kept.
    fn expire_automated(
        &mut self,
        resource_id: &str,
        horizon: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let mine: Vec<(Key, DateTime<Utc>)> = self
            .state
            .snapshots
            .iter()
            .filter(|(_, s)| s.snapshot_type == "automated" && s.cluster_resource_id == resource_id)
            .map(|(k, s)| (k.clone(), s.created_at))
            .collect();
        let mut oldest: Option<DateTime<Utc>> = None;
        for (k, at) in mine {
            if at < horizon {
                self.state.snapshots.remove(&k);
                self.touched.snapshots.insert(k);
            } else {
                oldest = Some(oldest.map_or(at, |o| o.min(at)));
            }
        }
        oldest
    }

    /// Drops every automated snapshot of the cluster `resource_id`.
    fn drop_automated_snapshots(&mut self, resource_id: &str) {
        let far = self.now + TimeDelta::days(365_000);
        self.expire_automated(resource_id, far);
    }

    /// What DeleteDBCluster does to the cluster's automated backups: drops them, or keeps
    /// them (and the volume) as a retained backup.
    pub(super) fn end_automated_backups(&mut self, c: &Cluster, delete: bool) {
        if delete {
            self.drop_automated_snapshots(&c.resource_id);
            return;
        }
        let k = (c.region.clone(), c.resource_id.clone());
        self.state.retained.insert(
            k.clone(),
            RetainedBackup {
                region: c.region.clone(),
                resource_id: c.resource_id.clone(),
                cluster_id: c.id.clone(),
                deleted_at: self.now,
                cluster: c.clone(),
            },
        );
        self.touched.retained.insert(k);
    }
}
