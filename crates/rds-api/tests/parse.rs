//! Parsing the request bodies of the spec (§2.3 of `rds-backtrack-api.md`, as botocore's
//! serializer writes them) into typed requests, and the errors bad bodies produce.

use chrono::{TimeZone, Utc};
use rds_api::{
    ErrorCode, Filter, ParamError, Params, Request, RequestError, ServerlessV2ScalingConfiguration,
    Tag, TagSpecification,
};

/// Parses a form body given as `key=value` pairs (already decoded, joined here).
fn parse(pairs: &[&str]) -> Result<Request, RequestError> {
    let body = pairs.join("&");
    let params = Params::from_form(body.as_bytes());
    let action = params
        .get("Action")
        .expect("bodies name their action")
        .to_owned();
    Request::parse(&action, &params)
}

fn tag(key: &str, value: Option<&str>) -> Tag {
    Tag {
        key: Some(key.to_owned()),
        value: value.map(str::to_owned),
    }
}

fn strings(items: &[&str]) -> Option<Vec<String>> {
    Some(items.iter().map(|s| (*s).to_owned()).collect())
}

#[test]
fn create_db_cluster_reads_lists_structures_and_empty_lists() {
    let request = parse(&[
        "Action=CreateDBCluster",
        "Version=2014-10-31",
        "DBClusterIdentifier=c1",
        "Engine=aurora-mysql",
        "VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1",
        "VpcSecurityGroupIds.VpcSecurityGroupId.2=sg-2",
        "AvailabilityZones=",
        "EnableCloudwatchLogsExports.member.1=audit",
        "Tags.Tag.1.Key=k",
        "Tags.Tag.1.Value=v",
        "BacktrackWindow=259200",
        "TagSpecifications.item.1.ResourceType=cluster-auto-backup",
        "TagSpecifications.item.1.Tags.Tag.1.Key=a",
        "ServerlessV2ScalingConfiguration.MinCapacity=0.5",
    ])
    .unwrap();
    assert_eq!(request.action(), "CreateDBCluster");
    assert_eq!(request.output_shape(), Some("CreateDBClusterResult"));
    let Request::CreateDBCluster(m) = request else {
        panic!("wrong variant: {request:?}");
    };
    assert_eq!(m.db_cluster_identifier, "c1");
    assert_eq!(m.engine, "aurora-mysql");
    assert_eq!(m.vpc_security_group_ids, strings(&["sg-1", "sg-2"]));
    assert_eq!(m.availability_zones, Some(vec![]));
    assert_eq!(m.enable_cloudwatch_logs_exports, strings(&["audit"]));
    assert_eq!(m.tags, Some(vec![tag("k", Some("v"))]));
    assert_eq!(m.backtrack_window, Some(259_200));
    assert_eq!(
        m.tag_specifications,
        Some(vec![TagSpecification {
            resource_type: Some("cluster-auto-backup".into()),
            tags: Some(vec![tag("a", None)]),
        }])
    );
    assert_eq!(
        m.serverless_v2_scaling_configuration,
        Some(ServerlessV2ScalingConfiguration {
            min_capacity: Some(0.5),
            ..Default::default()
        })
    );
    // Absent members stay absent: no key under the prefix, no structure.
    assert_eq!(m.scaling_configuration, None);
    assert_eq!(m.port, None);
    assert_eq!(m.db_cluster_parameter_group_name, None);
}

#[test]
fn describe_db_cluster_backtracks_reads_filters() {
    let request = parse(&[
        "Action=DescribeDBClusterBacktracks",
        "DBClusterIdentifier=c1",
        "Filters.Filter.1.Name=db-cluster-backtrack-status",
        "Filters.Filter.1.Values.Value.1=applying",
        "Filters.Filter.1.Values.Value.2=completed",
        "MaxRecords=20",
    ])
    .unwrap();
    let Request::DescribeDBClusterBacktracks(m) = request else {
        panic!("wrong variant: {request:?}");
    };
    assert_eq!(m.db_cluster_identifier, "c1");
    assert_eq!(m.max_records, Some(20));
    assert_eq!(
        m.filters,
        Some(vec![Filter {
            name: "db-cluster-backtrack-status".into(),
            values: vec!["applying".into(), "completed".into()],
        }])
    );
}

#[test]
fn list_items_follow_numeric_order() {
    let request = parse(&[
        "Action=RemoveTagsFromResource",
        "ResourceName=arn:aws:rds:us-east-1:123456789012:cluster:c1",
        "TagKeys.member.10=j",
        "TagKeys.member.2=b",
        "TagKeys.member.1=a",
    ])
    .unwrap();
    let Request::RemoveTagsFromResource(m) = request else {
        panic!("wrong variant: {request:?}");
    };
    assert_eq!(
        m.resource_name,
        "arn:aws:rds:us-east-1:123456789012:cluster:c1"
    );
    assert_eq!(m.tag_keys, vec!["a", "b", "j"]);
    assert_eq!(Request::RemoveTagsFromResource(m).output_shape(), None);
}

#[test]
fn modify_db_cluster_parameter_group_reads_parameters() {
    let request = parse(&[
        "Action=ModifyDBClusterParameterGroup",
        "DBClusterParameterGroupName=pg1",
        "Parameters.Parameter.1.ParameterName=binlog_format",
        "Parameters.Parameter.1.ParameterValue=ROW",
        "Parameters.Parameter.1.ApplyMethod=pending-reboot",
    ])
    .unwrap();
    let Request::ModifyDBClusterParameterGroup(m) = request else {
        panic!("wrong variant: {request:?}");
    };
    assert_eq!(m.db_cluster_parameter_group_name, "pg1");
    assert_eq!(m.parameters.len(), 1);
    let p = &m.parameters[0];
    assert_eq!(p.parameter_name.as_deref(), Some("binlog_format"));
    assert_eq!(p.parameter_value.as_deref(), Some("ROW"));
    assert_eq!(p.apply_method.as_deref(), Some("pending-reboot"));
    assert_eq!(p.is_modifiable, None);
}

#[test]
fn modify_db_cluster_reads_nested_lists_including_empty_ones() {
    let request = parse(&[
        "Action=ModifyDBCluster",
        "DBClusterIdentifier=c1",
        "BacktrackWindow=0",
        "ApplyImmediately=true",
        "CloudwatchLogsExportConfiguration.EnableLogTypes.member.1=audit",
        "CloudwatchLogsExportConfiguration.DisableLogTypes=",
    ])
    .unwrap();
    let Request::ModifyDBCluster(m) = request else {
        panic!("wrong variant: {request:?}");
    };
    assert_eq!(m.backtrack_window, Some(0));
    assert_eq!(m.apply_immediately, Some(true));
    let logs = m.cloudwatch_logs_export_configuration.unwrap();
    assert_eq!(logs.enable_log_types, strings(&["audit"]));
    assert_eq!(logs.disable_log_types, Some(vec![]));
}

#[test]
fn backtrack_and_describe_events_read_timestamps() {
    let request = parse(&[
        "Action=BacktrackDBCluster",
        "DBClusterIdentifier=c1",
        "BacktrackTo=2024-01-02T01%3A04%3A05.123000Z",
        "Force=true",
        "UseEarliestTimeOnPointInTimeUnavailable=false",
    ])
    .unwrap();
    let Request::BacktrackDBCluster(m) = request else {
        panic!("wrong variant: {request:?}");
    };
    let expected =
        Utc.with_ymd_and_hms(2024, 1, 2, 1, 4, 5).unwrap() + chrono::Duration::milliseconds(123);
    assert_eq!(m.backtrack_to, expected);
    assert_eq!(m.force, Some(true));
    assert_eq!(
        m.use_earliest_time_on_point_in_time_unavailable,
        Some(false)
    );

    let request = parse(&[
        "Action=DescribeEvents",
        "SourceType=db-cluster",
        "SourceIdentifier=c1",
        "StartTime=2024-01-01T00:00:00Z",
        "EventCategories.EventCategory.1=backtrack",
        "Duration=60",
    ])
    .unwrap();
    let Request::DescribeEvents(m) = request else {
        panic!("wrong variant: {request:?}");
    };
    assert_eq!(
        m.start_time,
        Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single()
    );
    assert_eq!(m.event_categories, strings(&["backtrack"]));
    assert_eq!(m.duration, Some(60));
    assert_eq!(m.source_type.as_deref(), Some("db-cluster"));
}

#[test]
fn missing_required_member_is_missing_parameter() {
    let err = parse(&["Action=BacktrackDBCluster", "DBClusterIdentifier=c1"]).unwrap_err();
    assert_eq!(
        err,
        RequestError::Param(ParamError::Missing("BacktrackTo".into()))
    );
    let api = err.to_api_error();
    assert_eq!(api.code, ErrorCode::MissingParameter);
    assert_eq!(
        api.message,
        "The request must contain the parameter BacktrackTo"
    );
    assert_eq!(api.http_status(), 400);
}

#[test]
fn missing_required_member_of_a_nested_structure_names_the_full_key() {
    let err = parse(&[
        "Action=DescribeDBClusterBacktracks",
        "DBClusterIdentifier=c1",
        "Filters.Filter.1.Values.Value.1=applying",
    ])
    .unwrap_err();
    assert_eq!(
        err,
        RequestError::Param(ParamError::Missing("Filters.Filter.1.Name".into()))
    );
}

#[test]
fn blank_required_string_is_invalid_parameter_value() {
    let err = parse(&["Action=DeleteDBCluster", "DBClusterIdentifier="]).unwrap_err();
    assert_eq!(
        err,
        RequestError::Param(ParamError::Blank("DBClusterIdentifier".into()))
    );
    let api = err.to_api_error();
    assert_eq!(api.code, ErrorCode::InvalidParameterValue);
    assert_eq!(
        api.message,
        "The parameter DBClusterIdentifier must be provided and must not be blank."
    );
}

#[test]
fn bad_scalars_are_invalid() {
    let err = parse(&["Action=DescribeDBClusters", "MaxRecords=abc"]).unwrap_err();
    assert_eq!(
        err,
        RequestError::Param(ParamError::Invalid {
            name: "MaxRecords".into(),
            value: "abc".into(),
            expected: "integer",
        })
    );
    assert_eq!(err.to_api_error().code, ErrorCode::InvalidParameterValue);

    for bad in [
        "ServerlessV2ScalingConfiguration.MinCapacity=lots",
        "BacktrackWindow=1.5",
        "DeletionProtection=yes",
    ] {
        let err = parse(&[
            "Action=CreateDBCluster",
            "DBClusterIdentifier=c",
            "Engine=e",
            bad,
        ])
        .unwrap_err();
        assert!(
            matches!(err, RequestError::Param(ParamError::Invalid { .. })),
            "{bad}: {err:?}"
        );
    }
    let err = parse(&[
        "Action=BacktrackDBCluster",
        "DBClusterIdentifier=c",
        "BacktrackTo=soon",
    ])
    .unwrap_err();
    assert!(matches!(
        err,
        RequestError::Param(ParamError::Invalid {
            expected: "timestamp",
            ..
        })
    ));
}

#[test]
fn a_list_key_with_a_value_is_invalid() {
    let err = parse(&[
        "Action=RemoveTagsFromResource",
        "ResourceName=r",
        "TagKeys=a",
    ])
    .unwrap_err();
    assert!(matches!(
        err,
        RequestError::Param(ParamError::Invalid {
            expected: "list",
            ..
        })
    ));
}

#[test]
fn unknown_action_is_invalid_action() {
    let err = parse(&["Action=DescribeDBSnapshots"]).unwrap_err();
    assert_eq!(
        err,
        RequestError::UnknownAction("DescribeDBSnapshots".into())
    );
    let api = err.to_api_error();
    assert_eq!(api.code, ErrorCode::InvalidAction);
    assert_eq!(
        api.message,
        "The action DescribeDBSnapshots is not valid for this web service."
    );
}

#[test]
fn every_operation_parses_and_names_itself() {
    for (action, _) in rds_api::OPERATIONS {
        // Only required members matter here; an empty body must fail on one of them, or
        // succeed for operations whose inputs are all optional.
        match Request::parse(action, &Params::default()) {
            Ok(request) => assert_eq!(request.action(), *action),
            Err(err) => assert!(
                matches!(err, RequestError::Param(ParamError::Missing(_))),
                "{action}: {err:?}"
            ),
        }
    }
}
