//! Writing output shapes: the XML must pass the model checker of `rds-codegen`, and error codes
//! must carry the model's wire codes and statuses.

use chrono::{TimeZone, Utc};
use rds_api::{
    render_success, ApiError, DBCluster, DBClusterBacktrack, DBClusterMember, DBClusterMessage,
    ErrorCode, ServerlessV2ScalingConfigurationInfo, Tag, TagListMessage,
    VpcSecurityGroupMembership,
};
use rds_codegen::{check_response, Model};

fn model() -> Model {
    Model::load_default().expect("model loads")
}

fn sample_cluster() -> DBCluster {
    DBCluster {
        allocated_storage: Some(1),
        availability_zones: Some(vec!["us-east-1a".into(), "us-east-1b".into()]),
        db_cluster_identifier: Some("sample-cluster".into()),
        status: Some("available".into()),
        earliest_restorable_time: Utc.with_ymd_and_hms(2021, 3, 22, 9, 16, 28).single(),
        multi_az: Some(false),
        engine: Some("aurora-mysql".into()),
        port: Some(3306),
        read_replica_identifiers: Some(vec![]),
        db_cluster_members: Some(vec![DBClusterMember {
            db_instance_identifier: Some("sample-instance-1".into()),
            is_cluster_writer: Some(true),
            promotion_tier: Some(1),
            ..Default::default()
        }]),
        vpc_security_groups: Some(vec![VpcSecurityGroupMembership {
            vpc_security_group_id: Some("sg-0123456789abcdef0".into()),
            status: Some("active".into()),
        }]),
        backtrack_window: Some(86_400),
        backtrack_consumed_change_records: Some(0),
        serverless_v2_scaling_configuration: Some(ServerlessV2ScalingConfigurationInfo {
            min_capacity: Some(0.5),
            max_capacity: Some(16.0),
            ..Default::default()
        }),
        enabled_cloudwatch_logs_exports: Some(vec!["audit".into()]),
        tag_list: Some(vec![Tag {
            key: Some("env".into()),
            value: Some("a<b & 'c'".into()),
        }]),
        ..Default::default()
    }
}

#[test]
fn describe_db_clusters_round_trips_through_the_checker() {
    let message = DBClusterMessage {
        marker: None,
        db_clusters: Some(vec![sample_cluster()]),
    };
    let xml = render_success("DescribeDBClusters", "rid-1", Some(&message));
    assert_eq!(check_response(&model(), &xml), Ok(()), "{xml}");

    assert!(xml.starts_with(
        "<DescribeDBClustersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\
         <DescribeDBClustersResult><DBClusters><DBCluster><AllocatedStorage>1</AllocatedStorage>\
         <AvailabilityZones><AvailabilityZone>us-east-1a</AvailabilityZone>"
    ));
    for needle in [
        "<Port>3306</Port>",
        "<MultiAZ>false</MultiAZ>",
        "<EarliestRestorableTime>2021-03-22T09:16:28.000Z</EarliestRestorableTime>",
        "<ReadReplicaIdentifiers/>",
        "<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>sample-instance-1",
        "<EnabledCloudwatchLogsExports><member>audit</member></EnabledCloudwatchLogsExports>",
        "<ServerlessV2ScalingConfiguration><MinCapacity>0.5</MinCapacity>\
         <MaxCapacity>16</MaxCapacity></ServerlessV2ScalingConfiguration>",
        "<Value>a&lt;b &amp; &apos;c&apos;</Value>",
        "</DescribeDBClustersResult><ResponseMetadata><RequestId>rid-1</RequestId>",
    ] {
        assert!(xml.contains(needle), "missing {needle} in {xml}");
    }
    // Unset members are omitted, never written empty.
    assert!(!xml.contains("<Marker"));
    assert!(!xml.contains("<DatabaseName"));
    // Members come in model order: AvailabilityZones is declared before Port.
    assert!(xml.find("<AvailabilityZones>") < xml.find("<Port>"));
}

#[test]
fn empty_lists_are_written_as_empty_wrappers() {
    let message = DBClusterMessage {
        marker: None,
        db_clusters: Some(vec![]),
    };
    let xml = render_success("DescribeDBClusters", "r", Some(&message));
    assert!(xml.contains("<DescribeDBClustersResult><DBClusters/></DescribeDBClustersResult>"));
    assert_eq!(check_response(&model(), &xml), Ok(()));

    // `None` omits the wrapper, which the checker rejects for a top-level list.
    let xml = render_success(
        "DescribeDBClusters",
        "r",
        Some(&DBClusterMessage::default()),
    );
    assert!(check_response(&model(), &xml).is_err());
}

#[test]
fn other_outputs_pass_the_checker() {
    let backtrack = DBClusterBacktrack {
        db_cluster_identifier: Some("sample-cluster".into()),
        backtrack_identifier: Some("a5507cbc-7815-4ba8-ac23-68faaa0fcea2".into()),
        backtrack_to: Utc.with_ymd_and_hms(2021, 3, 22, 14, 13, 37).single(),
        backtrack_request_creation_time: Utc.with_ymd_and_hms(2021, 3, 22, 14, 21, 25).single(),
        status: Some("PENDING".into()),
        ..Default::default()
    };
    let xml = render_success("BacktrackDBCluster", "r", Some(&backtrack));
    assert!(xml.contains("<BacktrackDBClusterResult><DBClusterIdentifier>sample-cluster"));
    assert_eq!(check_response(&model(), &xml), Ok(()), "{xml}");

    let tags = TagListMessage {
        tag_list: Some(vec![Tag {
            key: Some("k".into()),
            value: None,
        }]),
    };
    let xml = render_success("ListTagsForResource", "r", Some(&tags));
    assert!(xml.contains("<TagList><Tag><Key>k</Key></Tag></TagList>"));
    assert_eq!(check_response(&model(), &xml), Ok(()), "{xml}");

    let xml = render_success("AddTagsToResource", "r", None);
    assert_eq!(check_response(&model(), &xml), Ok(()), "{xml}");
}

#[test]
fn errors_carry_model_codes_and_statuses() {
    let cases = [
        (
            ErrorCode::DBInstanceNotFoundFault,
            "DBInstanceNotFound",
            404,
            true,
        ),
        (
            ErrorCode::DBClusterNotFoundFault,
            "DBClusterNotFoundFault",
            404,
            true,
        ),
        (
            ErrorCode::DBClusterQuotaExceededFault,
            "DBClusterQuotaExceededFault",
            403,
            true,
        ),
        (
            ErrorCode::DBParameterGroupNotFoundFault,
            "DBParameterGroupNotFound",
            404,
            true,
        ),
        (
            ErrorCode::InvalidDBInstanceStateFault,
            "InvalidDBInstanceState",
            400,
            true,
        ),
        (
            ErrorCode::InvalidParameterCombination,
            "InvalidParameterCombination",
            400,
            true,
        ),
        (
            ErrorCode::MalformedQueryString,
            "MalformedQueryString",
            404,
            true,
        ),
        (
            ErrorCode::InvalidClientTokenId,
            "InvalidClientTokenId",
            403,
            true,
        ),
        (ErrorCode::InternalFailure, "InternalFailure", 500, false),
        (
            ErrorCode::ServiceUnavailable,
            "ServiceUnavailable",
            503,
            false,
        ),
    ];
    for (code, wire, status, sender) in cases {
        assert_eq!(code.wire_code(), wire);
        assert_eq!(code.http_status(), status, "{code:?}");
        assert_eq!(code.is_sender_fault(), sender, "{code:?}");
    }
}

#[test]
fn error_bodies_pass_the_checker() {
    let model = model();
    let not_found = ApiError::new(
        ErrorCode::DBInstanceNotFoundFault,
        "DBInstance sample-instance-9 not found.",
    );
    let xml = not_found.to_xml("rid");
    assert!(xml.contains("<Type>Sender</Type><Code>DBInstanceNotFound</Code>"));
    assert_eq!(check_response(&model, &xml), Ok(()), "{xml}");

    let internal = ApiError::new(ErrorCode::InternalFailure, "boom");
    let xml = internal.to_xml("rid");
    assert!(xml.contains("<Type>Receiver</Type>"));
    assert_eq!(check_response(&model, &xml), Ok(()), "{xml}");
    assert_eq!(internal.to_string(), "InternalFailure: boom");
}
