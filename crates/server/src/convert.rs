//! The one place where domain types and wire shapes meet.
//!
//! Wire shapes keep AWS's names (`DBCluster`); domain types are Rust's (`ClusterView`). Which
//! members AWS shows for an Aurora MySQL cluster, and the domain error -> wire code mapping, are
//! decided here and nowhere else.

use aurora as domain;
use aurora::catalog::EngineVersion;
use chrono::Timelike;
use rds_api as wire;
use rds_api::{ApiError, ErrorCode};

/// Maps a domain refusal to its AWS error code (and so its HTTP status).
pub fn domain_error(e: domain::Error) -> ApiError {
    use domain::Error as E;
    let code = match &e {
        E::ClusterNotFound(_) => ErrorCode::DBClusterNotFoundFault,
        E::InstanceNotFound(_) => ErrorCode::DBInstanceNotFoundFault,
        E::ClusterParameterGroupNotFound(_) => ErrorCode::DBClusterParameterGroupNotFoundFault,
        E::ParameterGroupNotFound(_) => ErrorCode::DBParameterGroupNotFoundFault,
        E::BacktrackNotFound(_) => ErrorCode::DBClusterBacktrackNotFoundFault,
        E::ClusterAlreadyExists(_) => ErrorCode::DBClusterAlreadyExistsFault,
        E::InstanceAlreadyExists(_) => ErrorCode::DBInstanceAlreadyExistsFault,
        E::ParameterGroupAlreadyExists(_) => ErrorCode::DBParameterGroupAlreadyExistsFault,
        E::ClusterQuotaExceeded(_) => ErrorCode::DBClusterQuotaExceededFault,
        E::InvalidClusterState(_) => ErrorCode::InvalidDBClusterStateFault,
        E::InvalidInstanceState(_) => ErrorCode::InvalidDBInstanceStateFault,
        E::InvalidParameterGroupState(_) => ErrorCode::InvalidDBParameterGroupStateFault,
        E::InvalidParameterValue(_) => ErrorCode::InvalidParameterValue,
        E::InvalidParameterCombination(_) => ErrorCode::InvalidParameterCombination,
        E::TagQuotaPerResourceExceeded(_) => ErrorCode::TagQuotaPerResourceExceeded,
        E::SnapshotNotFound(_) => ErrorCode::DBClusterSnapshotNotFoundFault,
        E::SnapshotAlreadyExists(_) => ErrorCode::DBClusterSnapshotAlreadyExistsFault,
        E::InvalidSnapshotState(_) => ErrorCode::InvalidDBClusterSnapshotStateFault,
        E::InvalidRestore(_) => ErrorCode::InvalidRestoreFault,
        E::SnapshotQuotaExceeded(_) => ErrorCode::SnapshotQuotaExceededFault,
        E::SubnetGroupNotFound(_) => ErrorCode::DBSubnetGroupNotFoundFault,
        E::SubnetGroupAlreadyExists(_) => ErrorCode::DBSubnetGroupAlreadyExistsFault,
        E::InvalidSubnetGroupState(_) => ErrorCode::InvalidDBSubnetGroupStateFault,
        E::InvalidSubnet(_) => ErrorCode::InvalidSubnet,
        E::SubnetGroupDoesNotCoverEnoughAZs(_) => ErrorCode::DBSubnetGroupDoesNotCoverEnoughAZs,
        E::SubnetGroupQuotaExceeded(_) => ErrorCode::DBSubnetGroupQuotaExceededFault,
        E::SubnetQuotaExceeded(_) => ErrorCode::DBSubnetQuotaExceededFault,
        E::GlobalClusterNotFound(_) => ErrorCode::GlobalClusterNotFoundFault,
        E::AutomatedBackupNotFound(_) => ErrorCode::DBClusterAutomatedBackupNotFoundFault,
        E::InvalidAutomatedBackupState(_) => ErrorCode::InvalidDBClusterAutomatedBackupStateFault,
        E::Internal(_) => ErrorCode::InternalFailure,
    };
    ApiError::new(code, e.message())
}

// ----- requests -------------------------------------------------------------------------------

/// CreateDBCluster's input in domain terms.
pub fn new_cluster(m: wire::CreateDBClusterMessage) -> domain::NewCluster {
    domain::NewCluster {
        id: m.db_cluster_identifier,
        engine: m.engine,
        engine_version: m.engine_version,
        engine_mode: m.engine_mode,
        master_username: m.master_username,
        master_password: m.master_user_password,
        manage_master_password: m.manage_master_user_password.unwrap_or(false),
        database_name: m.database_name,
        port: m.port,
        parameter_group: m.db_cluster_parameter_group_name,
        backtrack_window: m.backtrack_window,
        deletion_protection: m.deletion_protection.unwrap_or(false),
        backup_retention_period: m.backup_retention_period,
        preferred_backup_window: m.preferred_backup_window,
        preferred_maintenance_window: m.preferred_maintenance_window,
        storage_encrypted: m.storage_encrypted.unwrap_or(false),
        kms_key_id: m.kms_key_id,
        iam_auth: m.enable_iam_database_authentication.unwrap_or(false),
        copy_tags_to_snapshot: m.copy_tags_to_snapshot.unwrap_or(false),
        availability_zones: m.availability_zones.unwrap_or_default(),
        vpc_security_group_ids: m.vpc_security_group_ids.unwrap_or_default(),
        log_exports: m.enable_cloudwatch_logs_exports.unwrap_or_default(),
        subnet_group: m.db_subnet_group_name,
        character_set: m.character_set_name,
        tags: tags(m.tags),
        clone_group_id: None,
    }
}

/// ModifyDBCluster's input in domain terms.
pub fn cluster_changes(m: wire::ModifyDBClusterMessage) -> domain::ClusterChanges {
    let logs = m.cloudwatch_logs_export_configuration.unwrap_or_default();
    domain::ClusterChanges {
        new_id: m.new_db_cluster_identifier,
        backtrack_window: m.backtrack_window,
        parameter_group: m.db_cluster_parameter_group_name,
        master_password: m.master_user_password,
        engine_version: m.engine_version,
        port: m.port,
        backup_retention_period: m.backup_retention_period,
        preferred_backup_window: m.preferred_backup_window,
        preferred_maintenance_window: m.preferred_maintenance_window,
        deletion_protection: m.deletion_protection,
        copy_tags_to_snapshot: m.copy_tags_to_snapshot,
        iam_auth: m.enable_iam_database_authentication,
        vpc_security_group_ids: m.vpc_security_group_ids,
        enable_log_types: logs.enable_log_types.unwrap_or_default(),
        disable_log_types: logs.disable_log_types.unwrap_or_default(),
    }
}

/// CreateDBInstance's input in domain terms.
pub fn new_instance(m: wire::CreateDBInstanceMessage) -> domain::NewInstance {
    domain::NewInstance {
        id: m.db_instance_identifier,
        cluster_id: m.db_cluster_identifier,
        class: m.db_instance_class,
        engine: m.engine,
        availability_zone: m.availability_zone,
        promotion_tier: m.promotion_tier,
        publicly_accessible: m.publicly_accessible.unwrap_or(false),
        auto_minor_version_upgrade: m.auto_minor_version_upgrade,
        parameter_group: m.db_parameter_group_name,
        deletion_protection: m.deletion_protection.unwrap_or(false),
        tags: tags(m.tags),
    }
}

/// ModifyDBInstance in domain terms: what an Aurora instance owns, and the names of the
/// settings given that belong to its cluster (refused). The rest (monitoring, certificates,
/// ApplyImmediately, ...) is accepted and has no effect here.
pub fn instance_changes(m: wire::ModifyDBInstanceMessage) -> domain::InstanceChanges {
    let cluster_settings = [
        ("AllocatedStorage", m.allocated_storage.is_some()),
        ("MasterUserPassword", m.master_user_password.is_some()),
        ("BackupRetentionPeriod", m.backup_retention_period.is_some()),
        ("PreferredBackupWindow", m.preferred_backup_window.is_some()),
        ("EngineVersion", m.engine_version.is_some()),
        ("MultiAZ", m.multi_az.is_some()),
        ("StorageType", m.storage_type.is_some()),
        ("Iops", m.iops.is_some()),
        ("DBPortNumber", m.db_port_number.is_some()),
        ("VpcSecurityGroupIds", m.vpc_security_group_ids.is_some()),
        (
            "EnableIAMDatabaseAuthentication",
            m.enable_iam_database_authentication.is_some(),
        ),
    ]
    .into_iter()
    .filter_map(|(name, given)| given.then_some(name))
    .collect();
    domain::InstanceChanges {
        class: m.db_instance_class,
        promotion_tier: m.promotion_tier,
        auto_minor_version_upgrade: m.auto_minor_version_upgrade,
        publicly_accessible: m.publicly_accessible,
        cluster_settings,
    }
}

/// RestoreDBClusterFromSnapshot's settings for the new cluster, in domain terms.
pub fn restore_from_snapshot(
    m: &wire::RestoreDBClusterFromSnapshotMessage,
) -> domain::RestoreOptions {
    domain::RestoreOptions {
        id: m.db_cluster_identifier.clone(),
        engine: Some(m.engine.clone()),
        engine_version: m.engine_version.clone(),
        port: m.port,
        parameter_group: m.db_cluster_parameter_group_name.clone(),
        backtrack_window: m.backtrack_window,
        deletion_protection: m.deletion_protection.unwrap_or(false),
        copy_tags_to_snapshot: m.copy_tags_to_snapshot.unwrap_or(false),
        iam_auth: m.enable_iam_database_authentication,
        kms_key_id: m.kms_key_id.clone(),
        availability_zones: m.availability_zones.clone().unwrap_or_default(),
        vpc_security_group_ids: m.vpc_security_group_ids.clone().unwrap_or_default(),
        log_exports: m.enable_cloudwatch_logs_exports.clone().unwrap_or_default(),
        subnet_group: m.db_subnet_group_name.clone(),
        database_name: m.database_name.clone(),
        backup_retention_period: m.backup_retention_period,
        preferred_backup_window: m.preferred_backup_window.clone(),
        tags: tags(m.tags.clone()),
    }
}

/// RestoreDBClusterToPointInTime's settings for the new cluster, in domain terms.
pub fn restore_to_point_in_time(
    m: &wire::RestoreDBClusterToPointInTimeMessage,
) -> domain::RestoreOptions {
    domain::RestoreOptions {
        id: m.db_cluster_identifier.clone(),
        engine: None,
        engine_version: None,
        port: m.port,
        parameter_group: m.db_cluster_parameter_group_name.clone(),
        backtrack_window: m.backtrack_window,
        deletion_protection: m.deletion_protection.unwrap_or(false),
        copy_tags_to_snapshot: m.copy_tags_to_snapshot.unwrap_or(false),
        iam_auth: m.enable_iam_database_authentication,
        kms_key_id: m.kms_key_id.clone(),
        availability_zones: Vec::new(),
        vpc_security_group_ids: m.vpc_security_group_ids.clone().unwrap_or_default(),
        log_exports: m.enable_cloudwatch_logs_exports.clone().unwrap_or_default(),
        subnet_group: m.db_subnet_group_name.clone(),
        database_name: None,
        backup_retention_period: m.backup_retention_period,
        preferred_backup_window: m.preferred_backup_window.clone(),
        tags: tags(m.tags.clone()),
    }
}

/// Describe filters in domain terms.
pub fn filters(f: Option<Vec<wire::Filter>>) -> Vec<domain::Filter> {
    f.unwrap_or_default()
        .into_iter()
        .map(|f| domain::Filter {
            name: f.name,
            values: f.values,
        })
        .collect()
}

/// Tags in domain terms; a tag without a key is ignored, as it names nothing.
pub fn tags(t: Option<Vec<wire::Tag>>) -> Vec<domain::Tag> {
    t.unwrap_or_default()
        .into_iter()
        .filter_map(|t| {
            Some(domain::Tag {
                key: t.key?,
                value: t.value.unwrap_or_default(),
            })
        })
        .collect()
}

/// ModifyDBClusterParameterGroup's parameters in domain terms.
pub fn parameter_changes(
    p: Vec<wire::Parameter>,
) -> Result<Vec<domain::ParameterChange>, ApiError> {
    p.into_iter()
        .enumerate()
        .map(|(n, p)| {
            let name = p.parameter_name.ok_or_else(|| {
                ApiError::new(
                    ErrorCode::MissingParameter,
                    format!("The request must contain the parameter Parameters.Parameter.{}.ParameterName", n + 1),
                )
            })?;
            Ok(domain::ParameterChange { name, value: p.parameter_value, apply_method: p.apply_method })
        })
        .collect()
}

/// DescribeEvents' input in domain terms.
pub fn event_query(m: wire::DescribeEventsMessage) -> domain::EventQuery {
    domain::EventQuery {
        source_id: m.source_identifier,
        source_type: m.source_type,
        start: m.start_time,
        end: m.end_time,
        duration_minutes: m.duration,
        categories: m.event_categories.unwrap_or_default(),
        paging: domain::Paging {
            max_records: m.max_records,
            marker: m.marker,
            ..domain::Paging::default()
        },
    }
}

// ----- responses ------------------------------------------------------------------------------

/// The Route 53 zone AWS reports for RDS endpoints in a region (us-east-1's when unknown).
fn hosted_zone_id(region: &str) -> &'static str {
    match region {
        "us-east-2" => "Z2XHWR1WZ565X2",
        "us-west-1" => "Z10WI91S59XXQN",
        "us-west-2" => "Z1PVIF0B656C1W",
        "eu-west-1" => "Z29XKXDKYMONMX",
        "eu-central-1" => "Z1RLNUO7B9Q6NB",
        "ap-northeast-1" => "Z24O6O9L7SGTNB",
        _ => "Z2R2ITUGPM61AM",
    }
}

/// A tag on the wire.
pub fn tag(t: &domain::Tag) -> wire::Tag {
    wire::Tag {
        key: Some(t.key.clone()),
        value: Some(t.value.clone()),
    }
}

/// A cluster as DescribeDBClusters shows an Aurora MySQL provisioned cluster.
pub fn cluster(a: &domain::Aurora, v: &domain::ClusterView) -> wire::DBCluster {
    let c = &v.cluster;
    let now = a.env().clock.now();
    let settled = !matches!(c.status, domain::ClusterStatus::Creating);
    let members: Vec<wire::DBClusterMember> = v
        .members
        .iter()
        .map(|m| wire::DBClusterMember {
            db_instance_identifier: Some(m.instance_id.clone()),
            is_cluster_writer: Some(m.is_writer),
            db_cluster_parameter_group_status: Some("in-sync".to_owned()),
            promotion_tier: Some(m.promotion_tier),
        })
        .collect();
    wire::DBCluster {
        allocated_storage: Some(1),
        availability_zones: Some(c.availability_zones.clone()),
        backup_retention_period: Some(c.backup_retention_period),
        character_set_name: c.character_set.clone(),
        database_name: c.database_name.clone(),
        db_cluster_identifier: Some(c.id.clone()),
        db_cluster_parameter_group: Some(c.parameter_group.clone()),
        db_subnet_group: Some(c.subnet_group.clone()),
        status: Some(c.status.as_str().to_owned()),
        earliest_restorable_time: v.earliest_restorable_time,
        endpoint: Some(v.endpoint.clone()),
        reader_endpoint: Some(v.reader_endpoint.clone()),
        multi_az: Some(v.members.len() > 1),
        engine: Some(c.engine.clone()),
        engine_version: Some(c.engine_version.clone()),
        // Whole seconds, like every time-derived field, so an answer holds for a second.
        latest_restorable_time: settled.then(|| now.with_nanosecond(0).unwrap_or(now)),
        port: Some(i32::from(c.port)),
        master_username: c.master_username.clone(),
        preferred_backup_window: Some(c.preferred_backup_window.clone()),
        preferred_maintenance_window: Some(c.preferred_maintenance_window.clone()),
        read_replica_identifiers: Some(Vec::new()),
        db_cluster_members: Some(members),
        vpc_security_groups: Some(
            c.vpc_security_group_ids
                .iter()
                .map(|id| wire::VpcSecurityGroupMembership {
                    vpc_security_group_id: Some(id.clone()),
                    status: Some("active".to_owned()),
                })
                .collect(),
        ),
        hosted_zone_id: Some(hosted_zone_id(&c.region).to_owned()),
        storage_encrypted: Some(c.storage_encrypted),
        kms_key_id: c.kms_key_id.clone(),
        db_cluster_resource_id: Some(c.resource_id.clone()),
        db_cluster_arn: Some(v.arn.clone()),
        associated_roles: Some(Vec::new()),
        iam_database_authentication_enabled: Some(c.iam_auth),
        cluster_create_time: Some(c.created_at),
        earliest_backtrack_time: v.earliest_backtrack_time,
        backtrack_window: c.backtrack_window,
        backtrack_consumed_change_records: v.backtrack_change_records.map(|n| n as i64),
        enabled_cloudwatch_logs_exports: (!c.log_exports.is_empty()).then(|| c.log_exports.clone()),
        engine_mode: Some(c.engine_mode.clone()),
        storage_type: Some("aurora".to_owned()),
        auto_minor_version_upgrade: Some(true),
        deletion_protection: Some(c.deletion_protection),
        http_endpoint_enabled: Some(false),
        copy_tags_to_snapshot: Some(c.copy_tags_to_snapshot),
        cross_account_clone: Some(false),
        clone_group_id: c.clone_group_id.clone(),
        domain_memberships: Some(Vec::new()),
        tag_list: Some(c.tags.iter().map(tag).collect()),
        network_type: Some("IPV4".to_owned()),
        engine_lifecycle_support: Some("open-source-rds-extended-support".to_owned()),
        ..Default::default()
    }
}

/// A cluster snapshot as DescribeDBClusterSnapshots shows an Aurora MySQL one.
pub fn snapshot(v: &domain::SnapshotView) -> wire::DBClusterSnapshot {
    let s = &v.snapshot;
    wire::DBClusterSnapshot {
        availability_zones: Some(s.availability_zones.clone()),
        db_cluster_snapshot_identifier: Some(s.id.clone()),
        db_cluster_identifier: Some(s.cluster_id.clone()),
        snapshot_create_time: Some(s.created_at),
        engine: Some(s.engine.clone()),
        engine_mode: Some(s.engine_mode.clone()),
        allocated_storage: Some(1),
        status: Some(s.status.as_str().to_owned()),
        port: Some(i32::from(s.port)),
        vpc_id: Some("vpc-rewind".to_owned()),
        cluster_create_time: Some(s.cluster_created_at),
        master_username: s.master_username.clone(),
        engine_version: Some(s.engine_version.clone()),
        license_model: Some(s.engine.clone()),
        snapshot_type: Some(s.snapshot_type.clone()),
        percent_progress: Some(if s.status == domain::SnapshotStatus::Available {
            100
        } else {
            0
        }),
        storage_encrypted: Some(s.storage_encrypted),
        kms_key_id: s.kms_key_id.clone(),
        db_cluster_snapshot_arn: Some(v.arn.clone()),
        source_db_cluster_snapshot_arn: s.source_snapshot_arn.clone(),
        iam_database_authentication_enabled: Some(s.iam_auth),
        tag_list: Some(s.tags.iter().map(tag).collect()),
        storage_type: Some("aurora".to_owned()),
        db_cluster_resource_id: Some(s.cluster_resource_id.clone()),
        ..Default::default()
    }
}

/// An automated backup as DescribeDBClusterAutomatedBackups shows it.
pub fn automated_backup(v: &domain::AutomatedBackupView) -> wire::DBClusterAutomatedBackup {
    let c = &v.cluster;
    wire::DBClusterAutomatedBackup {
        engine: Some(c.engine.clone()),
        vpc_id: Some("vpc-rewind".to_owned()),
        db_cluster_automated_backups_arn: Some(v.arn.clone()),
        db_cluster_identifier: Some(c.id.clone()),
        restore_window: Some(wire::RestoreWindow {
            earliest_time: Some(v.earliest),
            latest_time: Some(v.latest),
        }),
        master_username: c.master_username.clone(),
        db_cluster_resource_id: Some(c.resource_id.clone()),
        region: Some(c.region.clone()),
        license_model: Some(c.engine.clone()),
        status: Some(v.status.to_owned()),
        iam_database_authentication_enabled: Some(c.iam_auth),
        cluster_create_time: Some(c.created_at),
        storage_encrypted: Some(c.storage_encrypted),
        allocated_storage: Some(1),
        engine_version: Some(c.engine_version.clone()),
        db_cluster_arn: Some(v.cluster_arn.clone()),
        backup_retention_period: Some(c.backup_retention_period),
        preferred_backup_window: Some(c.preferred_backup_window.clone()),
        engine_mode: Some(c.engine_mode.clone()),
        availability_zones: Some(c.availability_zones.clone()),
        port: Some(i32::from(c.port)),
        kms_key_id: c.kms_key_id.clone(),
        storage_type: Some("aurora".to_owned()),
        tag_list: Some(c.tags.iter().map(tag).collect()),
        ..Default::default()
    }
}

/// A DB subnet group as DescribeDBSubnetGroups shows it.
pub fn subnet_group(v: &domain::SubnetGroupView) -> wire::DBSubnetGroup {
    wire::DBSubnetGroup {
        db_subnet_group_name: Some(v.group.name.clone()),
        db_subnet_group_description: Some(v.group.description.clone()),
        vpc_id: Some("vpc-rewind".to_owned()),
        subnet_group_status: Some("Complete".to_owned()),
        subnets: Some(
            v.subnets
                .iter()
                .map(|(id, zone)| wire::Subnet {
                    subnet_identifier: Some(id.clone()),
                    subnet_availability_zone: Some(wire::AvailabilityZone {
                        name: Some(zone.clone()),
                    }),
                    subnet_outpost: None,
                    subnet_status: Some("Active".to_owned()),
                })
                .collect(),
        ),
        db_subnet_group_arn: Some(v.arn.clone()),
        supported_network_types: Some(vec!["IPV4".to_owned()]),
    }
}

/// The `restore` attribute of a snapshot.
pub fn snapshot_attributes(
    (id, accounts): (String, Vec<String>),
) -> wire::DBClusterSnapshotAttributesResult {
    wire::DBClusterSnapshotAttributesResult {
        db_cluster_snapshot_identifier: Some(id),
        db_cluster_snapshot_attributes: Some(vec![wire::DBClusterSnapshotAttribute {
            attribute_name: Some("restore".to_owned()),
            attribute_values: Some(accounts),
        }]),
    }
}

/// An instance as DescribeDBInstances shows a member of an Aurora cluster.
pub fn instance(v: &domain::InstanceView) -> wire::DBInstance {
    let i = &v.instance;
    let creating = i.status == domain::InstanceStatus::Creating;
    let family =
        aurora::catalog::engine_version(&i.engine, &i.engine_version).map_or("", |e| e.family);
    wire::DBInstance {
        db_instance_identifier: Some(i.id.clone()),
        db_instance_class: Some(i.class.clone()),
        engine: Some(i.engine.clone()),
        db_instance_status: Some(i.status.as_str().to_owned()),
        master_username: v.master_username.clone(),
        // AWS shows no endpoint until the instance has been created.
        endpoint: (!creating).then(|| wire::Endpoint {
            address: Some(v.address.clone()),
            port: Some(i32::from(v.port)),
            hosted_zone_id: Some(hosted_zone_id(&i.region).to_owned()),
        }),
        allocated_storage: Some(1),
        instance_create_time: (!creating).then_some(i.created_at),
        backup_retention_period: Some(1),
        db_security_groups: Some(Vec::new()),
        vpc_security_groups: Some(Vec::new()),
        db_parameter_groups: Some(vec![wire::DBParameterGroupStatus {
            db_parameter_group_name: Some(i.parameter_group.clone()),
            parameter_apply_status: Some("in-sync".to_owned()),
        }]),
        availability_zone: Some(i.availability_zone.clone()),
        db_subnet_group: Some(wire::DBSubnetGroup {
            db_subnet_group_name: Some("default".to_owned()),
            db_subnet_group_description: Some("default".to_owned()),
            subnet_group_status: Some("Complete".to_owned()),
            subnets: Some(Vec::new()),
            ..Default::default()
        }),
        pending_modified_values: Some(wire::PendingModifiedValues::default()),
        multi_az: Some(false),
        engine_version: Some(i.engine_version.clone()),
        auto_minor_version_upgrade: Some(i.auto_minor_version_upgrade),
        read_replica_db_instance_identifiers: Some(Vec::new()),
        license_model: Some("general-public-license".to_owned()),
        option_group_memberships: Some(vec![wire::OptionGroupMembership {
            option_group_name: Some(format!("default:{}", family.replace('.', "-"))),
            status: Some("in-sync".to_owned()),
        }]),
        publicly_accessible: Some(i.publicly_accessible),
        storage_type: Some("aurora".to_owned()),
        db_instance_port: Some(0),
        db_cluster_identifier: Some(i.cluster_id.clone()),
        storage_encrypted: Some(false),
        dbi_resource_id: Some(i.resource_id.clone()),
        ca_certificate_identifier: Some("rds-ca-rsa2048-g1".to_owned()),
        domain_memberships: Some(Vec::new()),
        copy_tags_to_snapshot: Some(false),
        monitoring_interval: Some(0),
        promotion_tier: Some(i.promotion_tier),
        db_instance_arn: Some(v.arn.clone()),
        iam_database_authentication_enabled: Some(false),
        performance_insights_enabled: Some(false),
        deletion_protection: Some(i.deletion_protection),
        associated_roles: Some(Vec::new()),
        tag_list: Some(i.tags.iter().map(tag).collect()),
        customer_owned_ip_enabled: Some(false),
        network_type: Some("IPV4".to_owned()),
        backup_target: Some("region".to_owned()),
        dedicated_log_volume: Some(false),
        engine_lifecycle_support: Some("open-source-rds-extended-support".to_owned()),
        ..Default::default()
    }
}

/// A cluster parameter group on the wire.
pub fn parameter_group(g: &domain::ParameterGroupView) -> wire::DBClusterParameterGroup {
    wire::DBClusterParameterGroup {
        db_cluster_parameter_group_name: Some(g.name.clone()),
        db_parameter_group_family: Some(g.family.clone()),
        description: Some(g.description.clone()),
        db_cluster_parameter_group_arn: Some(g.arn.clone()),
    }
}

/// One parameter row on the wire.
pub fn parameter(p: &domain::ParameterValue) -> wire::Parameter {
    let s = &p.spec;
    wire::Parameter {
        parameter_name: Some(s.name.to_owned()),
        parameter_value: p.value.clone(),
        description: Some(s.description.to_owned()),
        source: Some(p.source.to_owned()),
        apply_type: Some(s.apply_type.to_owned()),
        data_type: Some(s.data_type.to_owned()),
        allowed_values: (!s.allowed.is_empty()).then(|| s.allowed.to_owned()),
        is_modifiable: Some(s.modifiable),
        apply_method: Some(
            if s.apply_type == "static" {
                "pending-reboot"
            } else {
                "immediate"
            }
            .to_owned(),
        ),
        supported_engine_modes: Some(vec!["provisioned".to_owned()]),
        ..Default::default()
    }
}

/// An event on the wire.
pub fn event(e: &domain::Event) -> wire::Event {
    wire::Event {
        source_identifier: Some(e.source_id.clone()),
        source_type: Some(e.source_type.as_str().to_owned()),
        message: Some(e.message.clone()),
        event_categories: Some(e.categories.clone()),
        date: Some(e.date),
        source_arn: Some(e.source_arn.clone()),
    }
}

/// A backtrack on the wire: `BacktrackTo` is the requested time until it completes, then the
/// consistent time actually landed on; the status is upper case, as AWS sends it.
pub fn backtrack(b: &domain::Backtrack) -> wire::DBClusterBacktrack {
    wire::DBClusterBacktrack {
        db_cluster_identifier: Some(b.cluster_id.clone()),
        backtrack_identifier: Some(b.id.clone()),
        backtrack_to: Some(b.landed_at.unwrap_or(b.target)),
        backtracked_from: b.backtracked_from,
        backtrack_request_creation_time: Some(b.requested_at),
        status: Some(b.status.as_str().to_owned()),
    }
}

/// An engine version on the wire.
pub fn engine_version(v: &EngineVersion) -> wire::DBEngineVersion {
    let mysql = v.engine == "aurora-mysql";
    let major = if mysql {
        v.version.split(".mysql_aurora").next().unwrap_or(v.version)
    } else {
        v.version.split('.').next().unwrap_or(v.version)
    };
    let (engine_description, version_description) = if mysql {
        (
            "Aurora MySQL".to_owned(),
            format!("Aurora MySQL {} (compatible with MySQL {major})", v.version),
        )
    } else {
        (
            "Aurora (PostgreSQL)".to_owned(),
            format!(
                "Aurora PostgreSQL (Compatible with PostgreSQL {})",
                v.version
            ),
        )
    };
    let later: Vec<wire::UpgradeTarget> = aurora::catalog::ENGINE_VERSIONS
        .iter()
        .filter(|t| t.engine == v.engine)
        .skip_while(|t| t.version != v.version)
        .skip(1)
        .map(|t| wire::UpgradeTarget {
            engine: Some(t.engine.to_owned()),
            engine_version: Some(t.version.to_owned()),
            auto_upgrade: Some(false),
            is_major_version_upgrade: Some(t.family != v.family),
            ..Default::default()
        })
        .collect();
    wire::DBEngineVersion {
        engine: Some(v.engine.to_owned()),
        major_engine_version: Some(major.to_owned()),
        engine_version: Some(v.version.to_owned()),
        db_parameter_group_family: Some(v.family.to_owned()),
        db_engine_description: Some(engine_description),
        db_engine_version_description: Some(version_description),
        valid_upgrade_target: Some(later),
        exportable_log_types: Some(if mysql {
            vec!["audit", "error", "general", "slowquery"]
                .into_iter()
                .map(str::to_owned)
                .collect()
        } else {
            vec!["postgresql".to_owned()]
        }),
        supports_log_exports_to_cloudwatch_logs: Some(true),
        supports_read_replica: Some(true),
        supported_engine_modes: Some(vec!["provisioned".to_owned()]),
        supported_feature_names: Some(Vec::new()),
        status: Some("available".to_owned()),
        supports_parallel_query: Some(mysql),
        supports_global_databases: Some(true),
        tag_list: Some(Vec::new()),
        supports_babelfish: Some(false),
        supports_limitless_database: Some(false),
        supports_certificate_rotation_without_restart: Some(true),
        supports_local_write_forwarding: Some(mysql),
        supports_integrations: Some(false),
        ..Default::default()
    }
}
