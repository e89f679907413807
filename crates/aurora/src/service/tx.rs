//! [`Tx`]: the one way to change the state, recording what it touched so exactly that is persisted.

use super::*;

impl Tx<'_> {
    pub(super) fn cluster_mut(&mut self, k: &Key) -> Option<&mut Cluster> {
        self.touched.clusters.insert(k.clone());
        self.state.clusters.get_mut(k)
    }

    pub(super) fn instance_mut(&mut self, k: &Key) -> Option<&mut Instance> {
        self.touched.instances.insert(k.clone());
        self.state.instances.get_mut(k)
    }

    pub(super) fn remove_cluster(&mut self, k: &Key) {
        self.touched.clusters.insert(k.clone());
        self.state.clusters.remove(k);
    }

    pub(super) fn members_of<'s>(
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
    pub(super) fn promotion_order(
        &self,
        region: &str,
        cluster_id: &str,
        writer: Option<&str>,
    ) -> Vec<String> {
        let mut readers: Vec<&Instance> = self
            .members_of(region, cluster_id)
            .filter(|i| Some(i.id.as_str()) != writer && i.status != InstanceStatus::Deleting)
            .collect();
        readers.sort_by(|a, b| {
            (a.promotion_tier, a.created_at, &a.id).cmp(&(b.promotion_tier, b.created_at, &b.id))
        });
        readers.into_iter().map(|i| i.id.clone()).collect()
    }

    pub(super) fn arn(&self, kind: &str, region: &str, name: &str) -> String {
        format!(
            "arn:aws:rds:{region}:{}:{kind}:{name}",
            self.inner.config.account_id
        )
    }

    pub(super) fn event(
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

    pub(super) fn prune_events(&mut self) {
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
    pub(super) fn cluster_group_for(
        &self,
        region: &str,
        name: &str,
        family: &str,
    ) -> Result<String> {
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

    pub(super) fn tags_mut(&mut self, region: &str, res: &Resource) -> Result<&mut Vec<Tag>> {
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
            Resource::Snapshot(id) => {
                let k = key(region, id);
                self.touched.snapshots.insert(k.clone());
                self.state
                    .snapshots
                    .get_mut(&k)
                    .map(|s| &mut s.tags)
                    .ok_or_else(|| Error::SnapshotNotFound(id.clone()))
            }
            Resource::SubnetGroup(name) => {
                let k = key(region, name);
                self.touched.subnet_groups.insert(k.clone());
                self.state
                    .subnet_groups
                    .get_mut(&k)
                    .map(|g| &mut g.tags)
                    .ok_or_else(|| Error::SubnetGroupNotFound(name.clone()))
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

    pub(super) fn cluster_view(&self, k: &Key) -> ClusterView {
        view_cluster(self.inner, self.state, &self.state.clusters[k], self.now)
    }

    pub(super) fn instance_view(&self, k: &Key) -> InstanceView {
        view_instance(self.inner, self.state, &self.state.instances[k])
    }

    pub(super) fn group_view(&self, region: &str, name: &str) -> Option<ParameterGroupView> {
        view_group(self.inner, self.state, region, name)
    }

    /// Backtracks whose volume work is due.
    pub(super) fn backtrack_jobs(&self) -> Result<Vec<BacktrackJob>> {
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
    pub(super) fn settle_retention(&mut self) -> Result<Option<DateTime<Utc>>> {
        let mut next: Option<DateTime<Utc>> = None;
        let keys: Vec<Key> = self
            .state
            .clusters
            .iter()
            .filter(|(_, c)| c.restore.is_none() && c.status != ClusterStatus::Deleting)
            .map(|(k, _)| k.clone())
            .collect();
        for k in keys {
            let c = self.state.clusters[&k].clone();
            let retention = self.inner.retention(&c);
            let kept = TimeDelta::seconds(retention.window_seconds);
            let volume = self.inner.volume(&c)?;
            let due =
                |stats: &volume::Stats| stats.oldest_retained.is_some_and(|t| t + kept <= self.now);
            // From memory: the driver wakes at every commit, and a volume folds only when
            // its oldest group has aged out.
            let mut stats = volume.stats();
            if due(&stats) {
                volume.fold(self.now)?;
                stats = volume.stats();
            }
            if due(&stats) {
                // The volume kept more than the cluster's settings say (a data dir from
                // before retention covered the backup period): give it the right retention.
                volume.set_retention(retention)?;
                volume.fold(self.now)?;
                stats = volume.stats();
            }
            if let Some(at) = stats
                .oldest_retained
                .map(|t| t + kept)
                .filter(|at| *at > self.now)
            {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
            if c.backtrack_window.is_none_or(|w| w <= 0) {
                continue;
            }
            let window = TimeDelta::seconds(c.backtrack_window.unwrap_or(0));
            let by_window = std::cmp::max(c.created_at, self.now - window);
            let short = stats.folded_until.is_some_and(|f| f > by_window);
            if let Some(at) = stats.folded_until.filter(|_| short).map(|f| f + window) {
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
    pub(super) fn settle(&mut self) {
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
            // A restore becomes available only once its data is copied.
            .filter(|(_, c)| c.due.is_some_and(|d| d <= now) && c.restore.is_none())
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
                    let tree = volume_tree(&c);
                    if self.volume_in_use(&tree) {
                        // A snapshot still reads it (a final snapshot being copied, or an
                        // automated one kept after the cluster): it goes when they do.
                    } else {
                        self.inner.destroy_volume(&tree);
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
    pub(super) fn batch(&self) -> Result<Batch> {
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
        for k in &self.touched.snapshots {
            let sk = format!("snapshot/{}/{}", k.0, k.1);
            match self.state.snapshots.get(k) {
                Some(s) => b.put(sk, json(serde_json::to_vec(s))?),
                None => b.delete(sk),
            }
        }
        for k in &self.touched.subnet_groups {
            let sk = format!("subnet-group/{}/{}", k.0, k.1);
            match self.state.subnet_groups.get(k) {
                Some(g) => b.put(sk, json(serde_json::to_vec(g))?),
                None => b.delete(sk),
            }
        }
        for k in &self.touched.retained {
            let sk = format!("retained/{}/{}", k.0, k.1);
            match self.state.retained.get(k) {
                Some(r) => b.put(sk, json(serde_json::to_vec(r))?),
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
