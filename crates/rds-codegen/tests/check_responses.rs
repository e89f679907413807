//! The response checker against the sample payloads of the spec (§7 of
//! `rds-backtrack-api.md`, copied to `tests/samples/`), and against broken variants of them that
//! a strict SDK rejects.

use std::path::{Path, PathBuf};
use std::process::Command;

use rds_codegen::{check_response, Model};

fn model() -> Model {
    Model::load_default().expect("model loads")
}

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/samples")
}

fn sample(name: &str) -> String {
    let path = samples_dir().join(format!("{name}.xml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `sample` with `from` replaced by `to` (which must occur), checked; returns the problems.
fn broken(name: &str, from: &str, to: &str) -> Vec<String> {
    let body = sample(name);
    assert!(body.contains(from), "{name} does not contain {from:?}");
    match check_response(&model(), &body.replacen(from, to, 1)) {
        Ok(()) => panic!("{name} with {from:?} -> {to:?} passed the checker"),
        Err(problems) => problems,
    }
}

fn assert_mentions(problems: &[String], needles: &[&str]) {
    assert!(
        problems
            .iter()
            .any(|p| needles.iter().all(|n| p.contains(n))),
        "no problem mentions all of {needles:?}: {problems:#?}"
    );
}

#[test]
fn every_spec_sample_passes() {
    let model = model();
    for name in [
        "backtrack-db-cluster",
        "describe-db-cluster-backtracks",
        "describe-db-clusters",
        "describe-events",
        "add-tags-to-resource",
        "error-db-instance-not-found",
    ] {
        assert_eq!(check_response(&model, &sample(name)), Ok(()), "{name}");
    }
}

#[test]
fn unknown_element_fails() {
    let problems = broken(
        "describe-db-clusters",
        "<Port>3306</Port>",
        "<Port>3306</Port><Bogus>1</Bogus>",
    );
    assert_mentions(
        &problems,
        &["DBCluster[1]/Bogus", "not a member of shape DBCluster"],
    );
}

#[test]
fn empty_integer_fails() {
    let problems = broken("describe-db-clusters", "<Port>3306</Port>", "<Port/>");
    assert_mentions(
        &problems,
        &["DBCluster[1]/Port", "empty element for a integer"],
    );
}

#[test]
fn non_numeric_integer_and_long_overflow_fail() {
    let problems = broken(
        "describe-db-clusters",
        "<Port>3306</Port>",
        "<Port>33.06</Port>",
    );
    assert_mentions(&problems, &["/Port", "\"33.06\""]);
    let problems = broken(
        "describe-db-clusters",
        "<BacktrackWindow>86400</BacktrackWindow>",
        "<BacktrackWindow>99999999999999999999</BacktrackWindow>",
    );
    assert_mentions(&problems, &["/BacktrackWindow", "expected long"]);
}

#[test]
fn capitalised_boolean_fails() {
    let problems = broken(
        "describe-db-clusters",
        "<MultiAZ>false</MultiAZ>",
        "<MultiAZ>True</MultiAZ>",
    );
    assert_mentions(&problems, &["/MultiAZ", "exactly true or false"]);
}

#[test]
fn timestamp_without_zone_fails() {
    let problems = broken(
        "describe-events",
        "<Date>2021-03-21T10:05:12.345Z</Date>",
        "<Date>2021-03-21T10:05:12.345</Date>",
    );
    assert_mentions(&problems, &["Event[1]/Date", "RFC 3339"]);
}

#[test]
fn wrong_list_item_name_fails() {
    let problems = broken(
        "describe-db-clusters",
        "<AvailabilityZone>us-east-1a</AvailabilityZone>",
        "<member>us-east-1a</member>",
    );
    assert_mentions(
        &problems,
        &["AvailabilityZones/member[1]", "<AvailabilityZone>"],
    );
}

#[test]
fn result_after_metadata_fails() {
    let body = "<DescribeDBClusterBacktracksResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\
        <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\
        <DescribeDBClusterBacktracksResult><DBClusterBacktracks/></DescribeDBClusterBacktracksResult>\
        </DescribeDBClusterBacktracksResponse>";
    let problems = check_response(&model(), body).unwrap_err();
    assert_mentions(
        &problems,
        &[
            "first child is <ResponseMetadata>",
            "<DescribeDBClusterBacktracksResult>",
        ],
    );
}

#[test]
fn wrong_root_fails() {
    let body = sample("backtrack-db-cluster")
        .replace("BacktrackDBClusterResponse", "BacktrackDBClustersResponse");
    let problems = check_response(&model(), &body).unwrap_err();
    assert_mentions(
        &problems,
        &["BacktrackDBClustersResponse", "root is neither"],
    );

    // A real operation's root around another operation's result.
    let body = sample("backtrack-db-cluster").replace(
        "BacktrackDBClusterResponse",
        "DescribeDBClusterBacktracksResponse",
    );
    let problems = check_response(&model(), &body).unwrap_err();
    assert_mentions(&problems, &["expected <DescribeDBClusterBacktracksResult>"]);
}

#[test]
fn result_for_an_operation_without_output_fails() {
    let problems = broken(
        "add-tags-to-resource",
        "<ResponseMetadata>",
        "<AddTagsToResourceResult/><ResponseMetadata>",
    );
    assert_mentions(&problems, &["unexpected <AddTagsToResourceResult>"]);
}

#[test]
fn missing_top_level_list_fails() {
    let body = "<DescribeDBClustersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\
        <DescribeDBClustersResult><Marker>m</Marker></DescribeDBClustersResult>\
        <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\
        </DescribeDBClustersResponse>";
    let problems = check_response(&model(), body).unwrap_err();
    assert_mentions(&problems, &["list <DBClusters> is missing"]);
    let fixed = body.replace("<Marker>m</Marker>", "<DBClusters/>");
    assert_eq!(check_response(&model(), &fixed), Ok(()));
}

#[test]
fn missing_namespace_and_request_id_fail() {
    let problems = broken(
        "backtrack-db-cluster",
        " xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"",
        "",
    );
    assert_mentions(&problems, &["root namespace"]);
    let problems = broken(
        "backtrack-db-cluster",
        "<RequestId>3f1e2d4c-5b6a-4798-8a1b-2c3d4e5f6a7b</RequestId>",
        "",
    );
    assert_mentions(&problems, &["ResponseMetadata", "exactly one <RequestId>"]);
}

#[test]
fn malformed_error_bodies_fail() {
    let problems = broken(
        "error-db-instance-not-found",
        "<Type>Sender</Type>",
        "<Type>Client</Type>",
    );
    assert_mentions(
        &problems,
        &["ErrorResponse/Error/Type", "neither Sender nor Receiver"],
    );
    let problems = broken(
        "error-db-instance-not-found",
        "<Code>DBInstanceNotFound</Code>",
        "",
    );
    assert_mentions(
        &problems,
        &[
            "ErrorResponse/Error",
            "expected [\"Type\", \"Code\", \"Message\"]",
        ],
    );
    let problems = broken("error-db-instance-not-found", "<RequestId>", "<RequestID>");
    assert!(!problems.is_empty());
}

#[test]
fn malformed_xml_fails() {
    let problems = broken("describe-events", "</Events>", "</Event>");
    assert_mentions(&problems, &["malformed XML"]);
}

#[test]
fn cli_checks_a_directory_recursively() {
    let exe = env!("CARGO_BIN_EXE_rds-codegen");
    let ok = Command::new(exe)
        .arg("check-responses")
        .arg(samples_dir())
        .output()
        .expect("rds-codegen runs");
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{stdout}");
    assert!(stdout.contains("6 responses checked, 0 failed"), "{stdout}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("nested")).unwrap();
    std::fs::write(dir.path().join("good.xml"), sample("describe-events")).unwrap();
    std::fs::write(
        dir.path().join("nested/bad.xml"),
        sample("describe-db-clusters").replace("<Port>3306</Port>", "<Port/>"),
    )
    .unwrap();
    std::fs::write(dir.path().join("ignored.txt"), "not xml").unwrap();
    let failed = Command::new(exe)
        .arg("check-responses")
        .arg(dir.path())
        .output()
        .expect("rds-codegen runs");
    let stdout = String::from_utf8_lossy(&failed.stdout);
    assert_eq!(failed.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("2 responses checked, 1 failed"), "{stdout}");
    assert!(stdout.contains("nested/bad.xml"), "{stdout}");
    assert!(stdout.contains("DBCluster[1]/Port"), "{stdout}");
}
