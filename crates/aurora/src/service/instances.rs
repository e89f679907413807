//! Instance operations: create, describe, delete, reboot.

use super::*;

impl Aurora {
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
                tags: merge_tags(Vec::new(), &req.tags)?,
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
}
