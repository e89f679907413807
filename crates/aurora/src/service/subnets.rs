//! DB subnet groups and global clusters: the network and topology records that Terraform's
//! `aws_db_subnet_group` and `aws_rds_cluster` read and write around a cluster. Rewind has no
//! VPC, so subnets are names with an availability zone each (the region's zones in turn), and
//! there is never a global cluster.

use super::*;

/// The subnet group every region has, which clusters use unless told otherwise.
const DEFAULT_GROUP: &str = "default";

/// Most subnet groups per region (AWS's default quota).
const MAX_GROUPS: usize = 50;

/// Most subnets per group (AWS's default quota).
const MAX_SUBNETS: usize = 20;

/// A subnet group as Describe shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetGroupView {
    /// The record (the default group is derived, never stored).
    pub group: SubnetGroup,
    /// Each subnet and its availability zone.
    pub subnets: Vec<(String, String)>,
    /// DBSubnetGroupArn.
    pub arn: String,
}

impl Aurora {
    /// CreateDBSubnetGroup.
    pub fn create_subnet_group(
        &self,
        region: &str,
        name: &str,
        description: &str,
        subnet_ids: &[String],
        tags: &[Tag],
    ) -> Result<SubnetGroupView> {
        let name = check_group_name(name)?;
        validate::not_blank("DBSubnetGroupDescription", description)?;
        check_subnets(subnet_ids)?;
        self.mutate(|tx| {
            let k = key(region, &name);
            if tx.state.subnet_groups.contains_key(&k) {
                return Err(Error::SubnetGroupAlreadyExists(name.clone()));
            }
            if tx.state.subnet_groups.range(in_region(region)).count() >= MAX_GROUPS {
                return Err(Error::SubnetGroupQuotaExceeded(format!(
                    "Cannot create more than {MAX_GROUPS} DB subnet groups."
                )));
            }
            let group = SubnetGroup {
                region: region.to_owned(),
                name: name.clone(),
                description: description.to_owned(),
                subnet_ids: subnet_ids.to_vec(),
                tags: merge_tags(Vec::new(), tags)?,
            };
            tx.state.subnet_groups.insert(k.clone(), group.clone());
            tx.touched.subnet_groups.insert(k);
            Ok(view_subnet_group(tx.inner, &group))
        })
    }

    /// DescribeDBSubnetGroups: the default group and the created ones, by name.
    pub fn describe_subnet_groups(
        &self,
        region: &str,
        name: Option<&str>,
        paging: &Paging,
    ) -> Result<Page<SubnetGroupView>> {
        let wanted = name.map(|n| n.to_ascii_lowercase());
        let views = self.read(|state, _| {
            let mut all = vec![default_group(region)];
            all.extend(
                state
                    .subnet_groups
                    .range(in_region(region))
                    .map(|(_, g)| g.clone()),
            );
            // Paging follows the name order.
            all.sort_by(|a, b| a.name.cmp(&b.name));
            let views: Vec<SubnetGroupView> = all
                .iter()
                .filter(|g| wanted.as_ref().is_none_or(|w| *w == g.name))
                .map(|g| view_subnet_group(&self.inner, g))
                .collect();
            if let (Some(w), true) = (&wanted, views.is_empty()) {
                return Err(Error::SubnetGroupNotFound(w.clone()));
            }
            Ok(views)
        })?;
        paginate(views, |v| v.group.name.clone(), paging)
    }

    /// ModifyDBSubnetGroup: new subnets (and description).
    pub fn modify_subnet_group(
        &self,
        region: &str,
        name: &str,
        description: Option<&str>,
        subnet_ids: &[String],
    ) -> Result<SubnetGroupView> {
        let name = name.to_ascii_lowercase();
        check_subnets(subnet_ids)?;
        self.mutate(|tx| {
            let k = key(region, &name);
            if name == DEFAULT_GROUP {
                return Err(Error::InvalidSubnetGroupState(
                    "The default DB subnet group cannot be modified.".to_owned(),
                ));
            }
            let g = tx
                .state
                .subnet_groups
                .get_mut(&k)
                .ok_or_else(|| Error::SubnetGroupNotFound(name.clone()))?;
            g.subnet_ids = subnet_ids.to_vec();
            if let Some(d) = description {
                g.description = d.to_owned();
            }
            let g = g.clone();
            tx.touched.subnet_groups.insert(k);
            Ok(view_subnet_group(tx.inner, &g))
        })
    }

    /// DeleteDBSubnetGroup: refused for the default group and for one a cluster uses.
    pub fn delete_subnet_group(&self, region: &str, name: &str) -> Result<()> {
        let name = name.to_ascii_lowercase();
        self.mutate(|tx| {
            if name == DEFAULT_GROUP {
                return Err(Error::InvalidSubnetGroupState(
                    "Cannot delete the default DB subnet group.".to_owned(),
                ));
            }
            let k = key(region, &name);
            if !tx.state.subnet_groups.contains_key(&k) {
                return Err(Error::SubnetGroupNotFound(name.clone()));
            }
            if let Some(c) = tx
                .state
                .clusters
                .values()
                .find(|c| c.region == region && c.subnet_group == name)
            {
                return Err(Error::InvalidSubnetGroupState(format!(
                    "Cannot delete the subnet group '{name}' because at least one database cluster: {} is still using it.",
                    c.id
                )));
            }
            tx.state.subnet_groups.remove(&k);
            tx.touched.subnet_groups.insert(k);
            Ok(())
        })
    }

    /// DescribeGlobalClusters: Rewind has no global databases, so the list is empty and a
    /// named one is not found.
    pub fn describe_global_clusters(&self, id: Option<&str>, filters: &[Filter]) -> Result<()> {
        filter_values(filters, &["db-cluster-id", "engine"])?;
        match id {
            Some(id) => Err(Error::GlobalClusterNotFound(id.to_owned())),
            None => Ok(()),
        }
    }
}

impl Tx<'_> {
    /// Resolves the subnet group a new cluster names (the default one when none).
    pub(super) fn subnet_group_for(&self, region: &str, name: Option<&str>) -> Result<String> {
        let name = name.unwrap_or(DEFAULT_GROUP).to_ascii_lowercase();
        if name == DEFAULT_GROUP || self.state.subnet_groups.contains_key(&key(region, &name)) {
            Ok(name)
        } else {
            Err(Error::SubnetGroupNotFound(name))
        }
    }
}

fn default_group(region: &str) -> SubnetGroup {
    SubnetGroup {
        region: region.to_owned(),
        name: DEFAULT_GROUP.to_owned(),
        description: "default".to_owned(),
        subnet_ids: ["a", "b", "c"]
            .iter()
            .map(|z| format!("subnet-default-{region}{z}"))
            .collect(),
        tags: Vec::new(),
    }
}

fn view_subnet_group(inner: &Inner, g: &SubnetGroup) -> SubnetGroupView {
    let zones = ["a", "b", "c"];
    SubnetGroupView {
        subnets: g
            .subnet_ids
            .iter()
            .enumerate()
            .map(|(n, s)| (s.clone(), format!("{}{}", g.region, zones[n % zones.len()])))
            .collect(),
        arn: format!(
            "arn:aws:rds:{}:{}:subgrp:{}",
            g.region, inner.config.account_id, g.name
        ),
        group: g.clone(),
    }
}

fn check_group_name(name: &str) -> Result<String> {
    let ok = !name.is_empty()
        && name.len() <= 255
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ' ' | '-'));
    if !ok {
        return Err(Error::InvalidParameterValue(format!(
            "Invalid DBSubnetGroupName {name}: it must contain 1 to 255 letters, numbers, periods, underscores, spaces or hyphens."
        )));
    }
    let name = name.to_ascii_lowercase();
    if name == DEFAULT_GROUP {
        return Err(Error::InvalidParameterValue(
            "The DBSubnetGroupName default is reserved for the default DB subnet group.".to_owned(),
        ));
    }
    Ok(name)
}

fn check_subnets(subnet_ids: &[String]) -> Result<()> {
    if let Some(bad) = subnet_ids.iter().find(|s| !s.starts_with("subnet-")) {
        return Err(Error::InvalidSubnet(format!(
            "The subnet {bad} is not a subnet id (subnet-...)."
        )));
    }
    if subnet_ids.len() > MAX_SUBNETS {
        return Err(Error::SubnetQuotaExceeded(format!(
            "A DB subnet group can have at most {MAX_SUBNETS} subnets."
        )));
    }
    let distinct: BTreeSet<&String> = subnet_ids.iter().collect();
    if distinct.len() < 2 {
        return Err(Error::SubnetGroupDoesNotCoverEnoughAZs(
            "The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: 1. Add subnets to cover at least 2 AZs."
                .to_owned(),
        ));
    }
    Ok(())
}
