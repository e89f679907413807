//! Instance operations: create, describe, modify, delete, reboot.

use super::*;

impl Aurora {
    /// CreateDBInstance (Aurora: always inside a cluster).
    pub fn create_instance(&self, region: &str, req: NewInstance) -> Result<InstanceView> {
        let id = validate::identifier("DBInstanceIdentifier", &req.id)?;
        if !catalog::ENGINES.contains(&req.engine.as_str()) {
            return Err(unsupported_engine(&req.engine));
        }
        let class_ok = class_is_valid(&req.class);
        let cluster_id = req.cluster_id.as_deref().ok_or_else(|| {
            Error::InvalidParameterCombination(format!(
                "The DBClusterIdentifier parameter is required to create a DB instance of engine {}.",
                req.engine
            ))
        })?;
        let cluster_id = self.resource_name(region, cluster_id, "cluster");
        let tier = req.promotion_tier.unwrap_or(1);
        check_tier(tier)?;
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

    /// ModifyDBInstance: a new instance class (the instance is `modifying`, then `available`,
    /// with RDS-EVENT-0012 and 0014), promotion tier, minor version upgrades, public access.
    /// Everything applies at once, so `PendingModifiedValues` stays empty.
    pub fn modify_instance(
        &self,
        region: &str,
        id: &str,
        ch: InstanceChanges,
    ) -> Result<InstanceView> {
        let id = self.resource_name(region, id, "db");
        if let Some(name) = ch.cluster_settings.first() {
            return Err(Error::InvalidParameterCombination(format!(
                "The specified DB instance is a member of a DB cluster. Modify {name} for the DB cluster using the ModifyDbCluster API."
            )));
        }
        if let Some(tier) = ch.promotion_tier {
            check_tier(tier)?;
        }
        let deadline = self.inner.env.clock.now() + self.pace(Step::Modify);
        self.mutate(|tx| {
            let k = key(region, &id);
            let i = tx
                .state
                .instances
                .get(&k)
                .ok_or_else(|| Error::InstanceNotFound(id.clone()))?
                .clone();
            if i.status != InstanceStatus::Available {
                return Err(Error::InvalidInstanceState(format!(
                    "Instance {id} is not in available state."
                )));
            }
            let new_class = ch.class.as_deref().filter(|c| *c != i.class);
            if let Some(class) = new_class {
                if !class_is_valid(class) {
                    return Err(Error::InvalidParameterCombination(format!(
                        "RDS does not support creating a DB instance with the following combination: \
                         DBInstanceClass={class}, Engine={}, EngineVersion={}, LicenseModel=general-public-license. \
                         For supported combinations of instance class and database engine version, see the documentation.",
                        i.engine, i.engine_version
                    )));
                }
            }
            let m = tx.instance_mut(&k).expect("checked above");
            if let Some(tier) = ch.promotion_tier {
                m.promotion_tier = tier;
            }
            if let Some(v) = ch.auto_minor_version_upgrade {
                m.auto_minor_version_upgrade = v;
            }
            if let Some(v) = ch.publicly_accessible {
                m.publicly_accessible = v;
            }
            if let Some(class) = new_class {
                m.class = class.to_owned();
                m.status = InstanceStatus::Modifying;
                m.due = Some(deadline);
                let arn = tx.arn("db", region, &id);
                tx.event(
                    region,
                    &id,
                    SourceType::DbInstance,
                    arn,
                    "configuration change",
                    "Applying modification to database instance class.".to_owned(),
                );
            }
            Ok(tx.instance_view(&k))
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

/// Whether `class` reads as an instance class (`db.<family>.<size>`, or `db.serverless`).
fn class_is_valid(class: &str) -> bool {
    class == "db.serverless" || {
        let parts: Vec<&str> = class.split('.').collect();
        parts.len() == 3
            && parts[0] == "db"
            && parts[1..]
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
    }
}

/// Refuses a PromotionTier outside 0..=15.
fn check_tier(tier: i32) -> Result<()> {
    if (0..=15).contains(&tier) {
        Ok(())
    } else {
        Err(Error::InvalidParameterValue(format!(
            "Invalid value {tier} for PromotionTier. Must be between 0 and 15"
        )))
    }
}
