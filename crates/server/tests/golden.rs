//! Golden responses: the walkthrough and its errors through `app()` without a socket, under a
//! paused clock and seeded ids, compared byte for byte with `fixtures/golden/`, and every body
//! checked against the RDS service model.
//!
//! After an intended change of output, regenerate with `UPDATE_GOLDEN=1 cargo test -p server`
//! and review the diff.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aurora::{Aurora, Config, Env, Pace};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use rds_codegen::{check_response, Model};
use server::{app, AppState};
use store::MemoryStore;
use tower::ServiceExt;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/golden")
}

fn service() -> (Aurora, axum::Router) {
    let epoch = chrono::DateTime::parse_from_rfc3339("2026-03-01T12:00:00Z")
        .unwrap()
        .to_utc();
    let aurora = Aurora::open(
        Env::new(epoch, 2014),
        Config {
            account_id: "123456789012".into(),
            pace: Pace::Fast,
            backtrack_capacity: None,
        },
        Arc::new(MemoryStore::new()),
    )
    .unwrap();
    tokio::spawn(aurora.clone().run_driver());
    let router = app(AppState::new(aurora.clone(), None));
    (aurora, router)
}

struct Reply {
    status: StatusCode,
    request_id_header: String,
    content_type: String,
    body: String,
}

async fn call(router: &axum::Router, region: &str, body: &str) -> Reply {
    let req = Request::post("/")
        .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
        .header(
            "authorization",
            format!("AWS4-HMAC-SHA256 Credential=test/20260301/{region}/rds/aws4_request, SignedHeaders=host, Signature=0"),
        )
        .body(Body::from(body.to_owned()))
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (request_id_header, content_type) = (header("x-amzn-requestid"), header("content-type"));
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        request_id_header,
        content_type,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// Compares with (or, under UPDATE_GOLDEN=1, writes) the golden file, and checks the model.
fn assert_golden(model: &Model, name: &str, reply: &Reply) {
    assert_eq!(reply.content_type, "text/xml", "{name}");
    assert!(
        reply.body.contains(&format!(
            "<RequestId>{}</RequestId>",
            reply.request_id_header
        )),
        "{name}: the x-amzn-RequestId header must match the body"
    );
    if let Err(problems) = check_response(model, &reply.body) {
        panic!(
            "{name} does not match the service model:\n{}\n{}",
            problems.join("\n"),
            reply.body
        );
    }
    let actual = format!("HTTP {}\n{}\n", reply.status.as_u16(), reply.body);
    let path = golden_dir().join(format!("{name}.xml"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing {}; run UPDATE_GOLDEN=1 cargo test -p server",
            path.display()
        )
    });
    assert_eq!(actual, expected, "{name} differs from {}", path.display());
}

const V: &str = "Version=2014-10-31";

#[tokio::test(start_paused = true)]
async fn walkthrough_and_errors_match_golden_files() {
    let model = Model::load_default().unwrap();
    let (_aurora, router) = service();
    let r = "us-east-1";
    let steps: Vec<(&str, String)> = vec![
        ("01-create-db-cluster", format!("Action=CreateDBCluster&{V}&DBClusterIdentifier=my-cluster&Engine=aurora-mysql&EngineVersion=8.0.mysql_aurora.3.05.2&BacktrackWindow=86400&MasterUsername=admin&MasterUserPassword=secret123&Tags.Tag.1.Key=team&Tags.Tag.1.Value=db")),
        ("02-create-db-instance-writer", format!("Action=CreateDBInstance&{V}&DBInstanceIdentifier=my-writer&DBClusterIdentifier=my-cluster&Engine=aurora-mysql&DBInstanceClass=db.r6g.large")),
        ("03-create-db-instance-reader", format!("Action=CreateDBInstance&{V}&DBInstanceIdentifier=my-reader&DBClusterIdentifier=my-cluster&Engine=aurora-mysql&DBInstanceClass=db.r6g.large")),
    ];
    for (name, body) in &steps {
        assert_golden(&model, name, &call(&router, r, body).await);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let steps: Vec<(&str, String)> = vec![
        ("04-describe-db-clusters", format!("Action=DescribeDBClusters&{V}&DBClusterIdentifier=my-cluster")),
        ("05-describe-db-instances", format!("Action=DescribeDBInstances&{V}&Filters.Filter.1.Name=db-cluster-id&Filters.Filter.1.Values.Value.1=my-cluster")),
        ("06-describe-events", format!("Action=DescribeEvents&{V}&SourceType=db-cluster&SourceIdentifier=my-cluster")),
        ("07-list-tags", format!("Action=ListTagsForResource&{V}&ResourceName=arn%3Aaws%3Ards%3Aus-east-1%3A123456789012%3Acluster%3Amy-cluster")),
        ("08-add-tags", format!("Action=AddTagsToResource&{V}&ResourceName=arn%3Aaws%3Ards%3Aus-east-1%3A123456789012%3Adb%3Amy-writer&Tags.Tag.1.Key=role&Tags.Tag.1.Value=writer")),
        ("09-describe-parameters", format!("Action=DescribeDBClusterParameters&{V}&DBClusterParameterGroupName=default.aurora-mysql8.0&MaxRecords=20")),
        ("10-describe-engine-versions", format!("Action=DescribeDBEngineVersions&{V}&Engine=aurora-mysql&DefaultOnly=true")),
        ("11-create-parameter-group", format!("Action=CreateDBClusterParameterGroup&{V}&DBClusterParameterGroupName=binlog&DBParameterGroupFamily=aurora-mysql8.0&Description=binlog+on")),
        ("12-modify-parameter-group", format!("Action=ModifyDBClusterParameterGroup&{V}&DBClusterParameterGroupName=binlog&Parameters.Parameter.1.ParameterName=binlog_format&Parameters.Parameter.1.ParameterValue=ROW&Parameters.Parameter.1.ApplyMethod=pending-reboot")),
        ("13-error-cluster-not-found", format!("Action=DescribeDBClusters&{V}&DBClusterIdentifier=nope")),
        ("14-error-instance-not-found", format!("Action=DescribeDBInstances&{V}&DBInstanceIdentifier=nope")),
        ("15-error-instance-exists", format!("Action=CreateDBInstance&{V}&DBInstanceIdentifier=My-Writer&DBClusterIdentifier=my-cluster&Engine=aurora-mysql&DBInstanceClass=db.r6g.large")),
        ("16-error-delete-with-members", format!("Action=DeleteDBCluster&{V}&DBClusterIdentifier=my-cluster&SkipFinalSnapshot=true")),
        ("17-error-max-records", format!("Action=DescribeDBClusters&{V}&MaxRecords=5")),
        ("18-error-unknown-action", format!("Action=CreateDBProxy&{V}")),
        ("19-error-missing-parameter", format!("Action=CreateDBCluster&{V}&Engine=aurora-mysql")),
        ("20-error-enable-backtrack", format!("Action=CreateDBCluster&{V}&DBClusterIdentifier=pg&Engine=aurora-postgresql&BacktrackWindow=60&MasterUsername=u&MasterUserPassword=secret123")),
        ("21-delete-db-cluster-parameter-group-in-use", format!("Action=DeleteDBClusterParameterGroup&{V}&DBClusterParameterGroupName=default.aurora-mysql8.0")),
        ("22-other-region-is-empty", format!("Action=DescribeDBClusters&{V}")),
    ];
    for (name, body) in &steps {
        let region = if name.starts_with("22") {
            "eu-west-1"
        } else {
            r
        };
        assert_golden(&model, name, &call(&router, region, body).await);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let backtrack = |body: &str| format!("{body}&{V}&DBClusterIdentifier=my-cluster");
    let steps: Vec<(&str, String)> = vec![
        (
            "23-backtrack-db-cluster",
            backtrack("Action=BacktrackDBCluster&BacktrackTo=2026-03-01T12%3A00%3A00.500Z"),
        ),
        (
            "24-error-second-backtrack",
            backtrack("Action=BacktrackDBCluster&BacktrackTo=2026-03-01T12%3A00%3A00Z"),
        ),
        (
            "25-describe-backtracks-pending",
            backtrack("Action=DescribeDBClusterBacktracks"),
        ),
    ];
    for (name, body) in &steps {
        assert_golden(&model, name, &call(&router, r, body).await);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let steps: Vec<(&str, String)> = vec![
        ("26-describe-backtracks-completed", backtrack("Action=DescribeDBClusterBacktracks&Filters.Filter.1.Name=db-cluster-backtrack-status&Filters.Filter.1.Values.Value.1=completed")),
        ("27-error-backtrack-future", backtrack("Action=BacktrackDBCluster&BacktrackTo=2030-01-01T00%3A00%3A00Z")),
        ("28-error-backtrack-not-found", backtrack("Action=DescribeDBClusterBacktracks&BacktrackIdentifier=00000000-0000-4000-8000-000000000000")),
        ("29-describe-cluster-after-backtrack", format!("Action=DescribeDBClusters&{V}&DBClusterIdentifier=my-cluster")),
    ];
    for (name, body) in &steps {
        assert_golden(&model, name, &call(&router, r, body).await);
    }
}

#[tokio::test(start_paused = true)]
async fn errors_carry_the_modeled_http_status() {
    let (_aurora, router) = service();
    let cases = [
        (format!("Action=DescribeDBClusters&{V}&DBClusterIdentifier=nope"), 404, "DBClusterNotFoundFault"),
        (format!("Action=DescribeDBInstances&{V}&DBInstanceIdentifier=nope"), 404, "DBInstanceNotFound"),
        (format!("Action=DescribeDBClusterParameters&{V}&DBClusterParameterGroupName=nope"), 404, "DBParameterGroupNotFound"),
        (format!("Action=CreateDBCluster&{V}&DBClusterIdentifier=c&Engine=aurora-mysql&MasterUsername=u&MasterUserPassword=secret123&DBClusterParameterGroupName=nope"), 404, "DBClusterParameterGroupNotFound"),
        (format!("Action=Nope&{V}"), 400, "InvalidAction"),
        (V.to_owned(), 400, "MissingAction"),
        (format!("Action=DescribeDBClusters&{V}&MaxRecords=abc"), 400, "InvalidParameterValue"),
    ];
    for (body, status, code) in cases {
        let reply = call(&router, "us-east-1", &body).await;
        assert_eq!(reply.status.as_u16(), status, "{body}");
        assert!(
            reply.body.contains(&format!("<Code>{code}</Code>")),
            "{body}: {}",
            reply.body
        );
    }
}

#[tokio::test(start_paused = true)]
async fn unknown_paths_answer_xml_and_control_endpoints_work() {
    let (_aurora, router) = service();
    let res = router
        .clone()
        .oneshot(Request::get("/nope").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).starts_with("<ErrorResponse"));

    let health = router
        .clone()
        .oneshot(Request::get("/_rewind/health").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);

    call(&router, "us-east-1", &format!("Action=CreateDBCluster&{V}&DBClusterIdentifier=c&Engine=aurora-mysql&MasterUsername=u&MasterUserPassword=secret123")).await;
    let advance = Request::post("/_rewind/clock")
        .body(Body::from(r#"{"advance_seconds": 7200}"#))
        .unwrap();
    let res = router.clone().oneshot(advance).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body =
        String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(body.contains("2026-03-01T14:00:00"), "{body}");
    let bad = Request::post("/_rewind/clock")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(
        router.clone().oneshot(bad).await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );

    for path in ["/_rewind/reset", "/moto-api/reset"] {
        call(&router, "us-east-1", &format!("Action=CreateDBCluster&{V}&DBClusterIdentifier=c2&Engine=aurora-mysql&MasterUsername=u&MasterUserPassword=secret123")).await;
        let res = router
            .clone()
            .oneshot(Request::post(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let reply = call(
            &router,
            "us-east-1",
            &format!("Action=DescribeDBClusters&{V}"),
        )
        .await;
        assert!(
            reply.body.contains("<DBClusters/>"),
            "{path}: {}",
            reply.body
        );
    }

    // GET with a query string is accepted like a POST body.
    let res = router
        .clone()
        .oneshot(
            Request::get("/?Action=DescribeDBClusters&Version=2014-10-31")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test(start_paused = true)]
async fn cached_describe_answers_never_outlive_a_change() {
    let (aurora, router) = service();
    let describe = format!("Action=DescribeDBClusters&{V}");
    let first = call(&router, "us-east-1", &describe).await;
    let again = call(&router, "us-east-1", &describe).await;
    assert_ne!(
        first.request_id_header, again.request_id_header,
        "every answer has its own id"
    );
    assert_eq!(
        first.body.replace(&first.request_id_header, "ID"),
        again.body.replace(&again.request_id_header, "ID")
    );
    // A change within the same second shows at once.
    call(&router, "us-east-1", &format!("Action=CreateDBCluster&{V}&DBClusterIdentifier=c&Engine=aurora-mysql&MasterUsername=u&MasterUserPassword=secret123")).await;
    let after_create = call(&router, "us-east-1", &describe).await;
    assert!(
        after_create.body.contains("<Status>creating</Status>"),
        "{}",
        after_create.body
    );
    // So does a transition made by the driver.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let settled = call(&router, "us-east-1", &describe).await;
    assert!(
        settled.body.contains("<Status>available</Status>"),
        "{}",
        settled.body
    );
    // And a move of the clock.
    let before = aurora.version();
    aurora.advance_clock(Duration::from_secs(1)).unwrap();
    assert_ne!(aurora.version(), before);
    // Another region never sees this region's answer.
    let other = call(&router, "eu-west-1", &describe).await;
    assert!(other.body.contains("<DBClusters/>"), "{}", other.body);
}
