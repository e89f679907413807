//! Cluster operations: create, describe, modify, delete, stop, start, reboot, fail over.

use super::*;

impl Aurora {
    /// CreateDBCluster.
    pub fn create_cluster(&self, region: &str, req: NewCluster) -> Result<ClusterView> {
        self.create(region, req, None)
    }

    /// Creates a cluster; with `restore`, its volume is filled from that data before it
    /// becomes available (RestoreDBClusterFromSnapshot, RestoreDBClusterToPointInTime).
    pub(super) fn create(
        &self,
        region: &str,
        req: NewCluster,
        restore: Option<DataSource>,
    ) -> Result<ClusterView> {
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
        let step = match restore {
            Some(_) => Step::Restore,
            None => Step::CreateCluster,
        };
        let deadline = now + self.pace(step);
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
                subnet_group: tx.subnet_group_for(region, req.subnet_group.as_deref())?,
                character_set: req.character_set.clone(),
                tags: merge_tags(Vec::new(), &req.tags)?,
                writer: None,
                failover_target: None,
                endpoint_index: (0..endpoints::MAX_CLUSTERS)
                    .find(|n| {
                        !tx.state.clusters.values().any(|c| c.endpoint_index == *n)
                            && tx.inner.env.blocks.claim(*n, port)
                    })
                    .ok_or_else(|| {
                        Error::ClusterQuotaExceeded(format!(
                            "Rewind serves at most {} clusters at once.",
                            endpoints::MAX_CLUSTERS
                        ))
                    })?,
                fail_next_backtrack: false,
                window_short: false,
                restore: restore.clone(),
                clone_group_id: req.clone_group_id.clone(),
                last_backup_at: None,
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
                        "clone-group-id" => c
                            .clone_group_id
                            .as_ref()
                            .is_some_and(|g| values.contains(g)),
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
            if window.is_some() || retention.is_some() {
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

    /// DeleteDBCluster; with FinalDBSnapshotIdentifier, a manual snapshot of the cluster as it is
    /// now is taken first (its copy finishes after the cluster is gone). Its automated
    /// snapshots go with it, unless `delete_automated_backups` is false: then they and the
    /// continuous backup are retained until the retention period has passed.
    pub fn delete_cluster(
        &self,
        region: &str,
        id: &str,
        skip_final_snapshot: bool,
        final_snapshot_id: Option<&str>,
        delete_automated_backups: bool,
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
            expect_cluster(
                c,
                &[
                    ClusterStatus::Available,
                    ClusterStatus::Stopped,
                    ClusterStatus::Creating,
                    ClusterStatus::IncompatibleRestore,
                ],
            )?;
            let c = c.clone();
            if let Some(snapshot_id) = final_snapshot_id {
                tx.take_snapshot(&c, snapshot_id, Vec::new())?;
            }
            tx.end_automated_backups(&c, delete_automated_backups);
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

    pub(super) fn cluster_transition(
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
}
