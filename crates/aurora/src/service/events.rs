//! Events, tags and the engine-version catalogue.

use super::*;

impl Aurora {
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
            *current = merge_tags(current.clone(), tags)?;
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
            Resource::SubnetGroup(name) => state
                .subnet_groups
                .get(&key(region, name))
                .map(|g| g.tags.clone())
                .ok_or_else(|| Error::SubnetGroupNotFound(name.clone())),
            Resource::Snapshot(id) => state
                .snapshots
                .get(&key(region, id))
                .map(|s| s.tags.clone())
                .ok_or_else(|| Error::SnapshotNotFound(id.clone())),
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
}
