//! Cluster parameter groups: create, describe, modify, delete, and reading one value.

use super::*;

impl Aurora {
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
                    tags: merge_tags(Vec::new(), tags)?,
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
}
