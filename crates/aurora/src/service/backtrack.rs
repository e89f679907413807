//! Backtrack: requests, their application by the driver, the volumes behind them, and the
//! data plane's commits.

use super::*;

impl Aurora {
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
    ///
    /// The status check and the durable write happen under one read guard of the state, so a
    /// BacktrackDBCluster (which needs the write guard to move the cluster to `backtracking`)
    /// is accepted either before the check (the commit is refused) or after the commit is in
    /// the volume: no commit can slip in between the backtrack's acceptance and its landing.
    pub fn commit(
        &self,
        region: &str,
        cluster_id: &str,
        txn: Transaction,
    ) -> Result<Option<CommitPoint>> {
        let point = self.read(|state, _| {
            let c = state
                .clusters
                .get(&key(region, cluster_id))
                .ok_or_else(|| Error::ClusterNotFound(cluster_id.to_owned()))?;
            expect_cluster(c, &[ClusterStatus::Available, ClusterStatus::Modifying])?;
            let volume = self.inner.volume(c)?;
            let before = volume.stats();
            let point = volume.commit(txn, self.inner.env.clock.now())?;
            let after = volume.stats();
            // The driver's next due time moves only when the history starts (its oldest group
            // ages out from then on) or a fold on capacity moved its start (RDS-EVENT-0131).
            let due_moved = before.oldest_retained.is_none() && after.oldest_retained.is_some()
                || before.folded_until != after.folded_until;
            Ok::<_, Error>((point, due_moved))
        })?;
        let (point, due_moved) = point;
        // What Describe shows changed (change records, restorable times), the endpoints did
        // not: a new version, without waking the data plane's listeners at every commit.
        self.inner.version.fetch_add(1, Ordering::SeqCst);
        if due_moved {
            self.inner.wake.notify_one();
        }
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
}

impl Inner {
    /// The storage volume of a cluster, opened once and shared.
    pub(super) fn volume(&self, c: &Cluster) -> Result<Arc<Volume>> {
        self.volume_at(&volume_tree(c))
    }

    /// The volume stored in `tree` (a cluster's or a snapshot's), opened once and shared; a
    /// clone gets its parent's one handle attached.
    pub(super) fn volume_at(&self, tree: &str) -> Result<Arc<Volume>> {
        let mut volumes = self.volumes.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = volumes.get(tree) {
            return Ok(v.clone());
        }
        let opened = Arc::new(
            Volume::open(self.store.clone(), tree).map_err(|e| Error::Internal(e.to_string()))?,
        );
        if let Some(parent) = opened.parent_tree() {
            // The parent may need opening too, which takes the map's lock: attach first,
            // publish after, so nobody reads a clone without its parent.
            drop(volumes);
            opened.attach_parent(self.volume_at(&parent)?)?;
            volumes = self.volumes.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(v) = volumes.get(tree) {
                return Ok(v.clone());
            }
        }
        volumes.insert(tree.to_owned(), opened.clone());
        Ok(opened)
    }

    /// Deletes the volume in `tree` and all its history, and forgets it; its clones first
    /// inherit what they still read through it.
    pub(super) fn destroy_volume(&self, tree: &str) {
        let release = || -> Result<()> {
            let v = self.volume_at(tree)?;
            let children = v
                .child_trees()
                .iter()
                .map(|c| self.volume_at(c))
                .collect::<Result<Vec<_>>>()?;
            v.release_clones(&children)?;
            Ok(v.destroy()?)
        };
        match release() {
            Ok(()) => {}
            Err(e) => tracing::warn!(error = %e, tree, "could not free the volume"),
        }
        self.volumes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(tree);
    }

    /// How much history a cluster's volume keeps: its continuous backup (the backup retention
    /// period, for point-in-time restore and automated snapshots) or its backtrack window if
    /// longer; a backtrack window is capped by the configured change-record capacity.
    pub(super) fn retention(&self, c: &Cluster) -> Retention {
        let backup = i64::from(c.backup_retention_period) * 86_400;
        match c.backtrack_window {
            Some(w) if w > 0 => Retention {
                window_seconds: w.max(backup),
                capacity: self.config.backtrack_capacity,
            },
            _ => Retention {
                window_seconds: backup,
                capacity: None,
            },
        }
    }
}

/// The store tree of a cluster's volume.
pub(super) fn volume_tree(c: &Cluster) -> String {
    format!("volume/{}", c.resource_id)
}

impl From<volume::Error> for Error {
    fn from(e: volume::Error) -> Self {
        Error::Internal(format!("storage volume: {e}"))
    }
}

/// The earliest time a backtrack can reach: the target window back from now (not before the
/// cluster existed), moved later when retention had to fold history inside the window.
/// Validation, `UseEarliestTimeOnPointInTimeUnavailable` and Describe all use this one value.
pub(super) fn earliest_backtrack_time(
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
