//! The RDS Query API endpoint: form body in, XML out, one thin arm per action.
//!
//! Each arm reads its typed input, makes one domain call and converts the result to its wire
//! shape; the rules live in `aurora`, the wire mapping in `convert`.

use std::sync::atomic::Ordering;

use aurora::{Aurora, Paging};
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use rds_api::{ApiError, ErrorCode, Params, Request, WriteXml};

use crate::convert::{self, domain_error};
use crate::{AppState, LoggedAction};

/// The region used when a request carries no SigV4 credential scope.
const DEFAULT_REGION: &str = "us-east-1";

/// The region of a request: the third part of the SigV4 credential scope
/// (`Credential=AKID/20240101/us-east-1/rds/aws4_request`), from the header or a presigned query.
fn region_of(headers: &HeaderMap, params: &Params) -> String {
    let scope = credential_scope(headers).or_else(|| params.get("X-Amz-Credential"));
    scope
        .and_then(|s| s.split('/').nth(2))
        .filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(DEFAULT_REGION)
        .to_owned()
}

/// The credential scope of the `Authorization` header, if any.
fn credential_scope(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split("Credential=").nth(1))
}

/// `POST /` (and `GET /` with a query string): one Query-API call.
pub async fn handle(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let request_id = state.aurora.env().ids.uuid();
    // Describe answers are pure functions of the request, the state version and the second, so
    // a repeated request is looked up before anything is parsed. The version is read before an
    // answer is computed, so a change made meanwhile is never hidden.
    let raw_key = format!(
        "{}\n{}\n{}",
        credential_scope(&headers).unwrap_or("-"),
        String::from_utf8_lossy(&body),
        query.as_deref().unwrap_or("")
    );
    let (version, second) = (
        state.aurora.version(),
        state.aurora.env().clock.now().timestamp(),
    );
    let hit = state.answers.lock().ok().and_then(|answers| {
        answers
            .get(&raw_key)
            .filter(|a| a.version == version && a.second == second)
            .map(|a| (a.action.clone(), a.before_id.clone(), a.after_id.clone()))
    });
    if let Some((action, before, after)) = hit {
        if state.record_dir.is_some() {
            let xml = format!(
                "{}{request_id}{}",
                String::from_utf8_lossy(&before),
                String::from_utf8_lossy(&after)
            );
            record(&state, &action, StatusCode::OK, &xml);
        }
        let body = Body::new(Spliced::new([
            before,
            Bytes::from(request_id.clone()),
            after,
        ]));
        return respond(StatusCode::OK, &request_id, body, action);
    }

    let mut params = Params::from_form(&body);
    if let Some(q) = &query {
        params.extend_from_form(q.as_bytes());
    }
    let action = params.get("Action").unwrap_or("").to_owned();
    let region = region_of(&headers, &params);
    let outcome = run(&state.aurora, &region, &action, &params);
    let (status, xml) = match outcome {
        Ok(result) => (
            StatusCode::OK,
            rds_api::render_success(&action, &request_id, result.as_deref()),
        ),
        Err(e) => (
            StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST),
            e.to_xml(&request_id),
        ),
    };
    if status.is_success() && CACHED_ACTIONS.contains(&action.as_str()) {
        if let (Some(at), Ok(mut answers)) = (xml.rfind(request_id.as_str()), state.answers.lock())
        {
            if answers.len() >= MAX_CACHED_ANSWERS {
                answers.clear();
            }
            let answer = CachedAnswer {
                version,
                second,
                action: action.clone(),
                before_id: Bytes::copy_from_slice(&xml.as_bytes()[..at]),
                after_id: Bytes::copy_from_slice(&xml.as_bytes()[at + request_id.len()..]),
            };
            answers.insert(raw_key, answer);
        }
    }
    record(&state, &action, status, &xml);
    respond(status, &request_id, Body::from(xml), action)
}

/// The actions whose answers are cached: the ones waiters and dashboards poll.
const CACHED_ACTIONS: &[&str] = &["DescribeDBClusters", "DescribeDBInstances"];

/// Distinct requests remembered at most; beyond it the cache starts afresh.
const MAX_CACHED_ANSWERS: usize = 256;

/// A rendered answer, split around its request id (shared, so a hit copies nothing).
pub(crate) struct CachedAnswer {
    version: u64,
    second: i64,
    action: String,
    before_id: Bytes,
    after_id: Bytes,
}

/// A response body made of a few shared buffers, sent as they are with an exact length.
struct Spliced {
    parts: std::collections::VecDeque<Bytes>,
    len: u64,
}

impl Spliced {
    fn new<const N: usize>(parts: [Bytes; N]) -> Self {
        let len = parts.iter().map(|p| p.len() as u64).sum();
        Spliced {
            parts: parts.into_iter().filter(|p| !p.is_empty()).collect(),
            len,
        }
    }
}

impl http_body::Body for Spliced {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let next = self.parts.pop_front();
        if let Some(part) = &next {
            self.len -= part.len() as u64;
        }
        std::task::Poll::Ready(next.map(|p| Ok(http_body::Frame::data(p))))
    }

    fn is_end_stream(&self) -> bool {
        self.parts.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.len)
    }
}

/// Any other path: an AWS-shaped error, never an HTML page.
pub async fn unknown_route(State(state): State<AppState>) -> Response {
    error_answer(
        &state,
        ApiError::new(
            ErrorCode::InvalidAction,
            "Rewind serves the RDS Query API at POST / (and its own endpoints under /_rewind/).",
        ),
    )
}

/// Reads every request's whole body before its handler runs, within the body limit and the
/// body read timeout: a body too large, malformed (bad chunk sizes, an early end) or too slow
/// gets the RDS error envelope an SDK parses, as every other failure does, instead of the HTTP
/// stack's plain text. The one place a body is read from the socket.
pub async fn read_body(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    let limits = &state.limits;
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(
        limits.body_read_timeout,
        http_body_util::Limited::new(body, limits.max_body_bytes).collect(),
    )
    .await;
    let e = match read {
        Ok(Ok(body)) => {
            return next
                .run(axum::extract::Request::from_parts(
                    parts,
                    Body::from(body.to_bytes()),
                ))
                .await
        }
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => ApiError::new(
            ErrorCode::RequestEntityTooLarge,
            format!(
                "The request body is larger than the {} bytes Rewind accepts (--max-body-bytes).",
                limits.max_body_bytes
            ),
        ),
        Ok(Err(e)) => ApiError::new(
            ErrorCode::InvalidQueryParameter,
            format!("The request body could not be read: {e}."),
        ),
        Err(_) => ApiError::new(
            ErrorCode::RequestTimeout,
            format!(
                "The request body did not arrive within {} s (--body-read-timeout).",
                limits.body_read_timeout.as_secs_f64()
            ),
        ),
    };
    error_answer(&state, e)
}

/// An error answered before any action ran, with a fresh request id.
fn error_answer(state: &AppState, e: ApiError) -> Response {
    let request_id = state.aurora.env().ids.uuid();
    respond(
        StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST),
        &request_id,
        Body::from(e.to_xml(&request_id)),
        "-".to_owned(),
    )
}

fn respond(status: StatusCode, request_id: &str, body: Body, action: String) -> Response {
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        h.insert("x-amzn-RequestId", id);
    }
    response.extensions_mut().insert(LoggedAction(action));
    response
}

fn record(state: &AppState, action: &str, status: StatusCode, xml: &str) {
    let Some(dir) = &state.record_dir else { return };
    let seq = state.recorded.fetch_add(1, Ordering::Relaxed);
    let name: String = action
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(64)
        .collect();
    let name = if name.is_empty() {
        "NoAction".to_owned()
    } else {
        name
    };
    let suffix = if status.is_success() { "" } else { "-error" };
    let path = dir.join(format!("{seq:06}-{name}{suffix}.xml"));
    if let Err(e) = std::fs::write(&path, xml) {
        tracing::warn!(path = %path.display(), error = %e, "could not record response");
    }
}

type Output = Option<Box<dyn WriteXml>>;

fn out<T: WriteXml + 'static>(shape: T) -> Result<Output, ApiError> {
    Ok(Some(Box::new(shape)))
}

fn run(aurora: &Aurora, region: &str, action: &str, params: &Params) -> Result<Output, ApiError> {
    if action.is_empty() {
        return Err(ApiError::new(
            ErrorCode::MissingAction,
            "The request must contain the parameter Action",
        ));
    }
    if let Some(version) = params.get("Version") {
        if version != "2014-10-31" {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("Rewind serves RDS API version 2014-10-31 only, not {version}."),
            ));
        }
    }
    let request = Request::parse(action, params)?;
    dispatch(
        aurora,
        region,
        &marker_scope(action, region, params),
        request,
    )
}

/// What a Describe's markers are bound to: the action, the region and every parameter but
/// the paging ones (`Marker`, `MaxRecords`, which may change from page to page) and a
/// presigned query's signature (`X-Amz-*`, new on every request). Parameters are in key order.
fn marker_scope(action: &str, region: &str, params: &Params) -> String {
    let mut scope = format!("{action}\n{region}");
    for key in params.keys().filter(|k| {
        !matches!(*k, "Action" | "Version" | "Marker" | "MaxRecords") && !k.starts_with("X-Amz-")
    }) {
        scope.push('\n');
        scope.push_str(key);
        scope.push('=');
        scope.push_str(params.get(key).unwrap_or(""));
    }
    scope
}

fn paging(scope: &str, max_records: Option<i32>, marker: Option<String>) -> Paging {
    Paging {
        max_records,
        marker,
        scope: scope.to_owned(),
    }
}

/// One arm per action: typed input -> domain call -> wire shape. `scope` binds the markers of
/// a Describe to its request (see [`marker_scope`]).
fn dispatch(a: &Aurora, region: &str, scope: &str, request: Request) -> Result<Output, ApiError> {
    use rds_api::*;
    let r = region;
    match request {
        Request::CreateDBCluster(m) => {
            let view = a
                .create_cluster(r, convert::new_cluster(m))
                .map_err(domain_error)?;
            out(CreateDBClusterResult {
                db_cluster: Some(convert::cluster(a, &view)),
            })
        }
        Request::DescribeDBClusters(m) => {
            let filters = convert::filters(m.filters);
            let page = a
                .describe_clusters(
                    r,
                    m.db_cluster_identifier.as_deref(),
                    &filters,
                    &paging(scope, m.max_records, m.marker),
                )
                .map_err(domain_error)?;
            out(DBClusterMessage {
                marker: page.marker,
                db_clusters: Some(page.items.iter().map(|v| convert::cluster(a, v)).collect()),
            })
        }
        Request::ModifyDBCluster(m) => {
            let id = m.db_cluster_identifier.clone();
            let view = a
                .modify_cluster(r, &id, convert::cluster_changes(m))
                .map_err(domain_error)?;
            out(ModifyDBClusterResult {
                db_cluster: Some(convert::cluster(a, &view)),
            })
        }
        Request::DeleteDBCluster(m) => {
            let view = a
                .delete_cluster(
                    r,
                    &m.db_cluster_identifier,
                    m.skip_final_snapshot.unwrap_or(false),
                    m.final_db_snapshot_identifier.as_deref(),
                    m.delete_automated_backups.unwrap_or(true),
                )
                .map_err(domain_error)?;
            out(DeleteDBClusterResult {
                db_cluster: Some(convert::cluster(a, &view)),
            })
        }
        Request::StartDBCluster(m) => {
            let view = a
                .start_cluster(r, &m.db_cluster_identifier)
                .map_err(domain_error)?;
            out(StartDBClusterResult {
                db_cluster: Some(convert::cluster(a, &view)),
            })
        }
        Request::StopDBCluster(m) => {
            let view = a
                .stop_cluster(r, &m.db_cluster_identifier)
                .map_err(domain_error)?;
            out(StopDBClusterResult {
                db_cluster: Some(convert::cluster(a, &view)),
            })
        }
        Request::RebootDBCluster(m) => {
            let view = a
                .reboot_cluster(r, &m.db_cluster_identifier)
                .map_err(domain_error)?;
            out(RebootDBClusterResult {
                db_cluster: Some(convert::cluster(a, &view)),
            })
        }
        Request::FailoverDBCluster(m) => {
            let view = a
                .failover_cluster(
                    r,
                    &m.db_cluster_identifier,
                    m.target_db_instance_identifier.as_deref(),
                )
                .map_err(domain_error)?;
            out(FailoverDBClusterResult {
                db_cluster: Some(convert::cluster(a, &view)),
            })
        }
        Request::CreateDBInstance(m) => {
            let view = a
                .create_instance(r, convert::new_instance(m))
                .map_err(domain_error)?;
            out(CreateDBInstanceResult {
                db_instance: Some(convert::instance(&view)),
            })
        }
        Request::DescribeDBInstances(m) => {
            let filters = convert::filters(m.filters);
            let page = a
                .describe_instances(
                    r,
                    m.db_instance_identifier.as_deref(),
                    &filters,
                    &paging(scope, m.max_records, m.marker),
                )
                .map_err(domain_error)?;
            out(DBInstanceMessage {
                marker: page.marker,
                db_instances: Some(page.items.iter().map(convert::instance).collect()),
            })
        }
        Request::ModifyDBInstance(m) => {
            let id = m.db_instance_identifier.clone();
            let view = a
                .modify_instance(r, &id, convert::instance_changes(m))
                .map_err(domain_error)?;
            out(ModifyDBInstanceResult {
                db_instance: Some(convert::instance(&view)),
            })
        }
        Request::DeleteDBInstance(m) => {
            let view = a
                .delete_instance(r, &m.db_instance_identifier)
                .map_err(domain_error)?;
            out(DeleteDBInstanceResult {
                db_instance: Some(convert::instance(&view)),
            })
        }
        Request::RebootDBInstance(m) => {
            let view = a
                .reboot_instance(r, &m.db_instance_identifier)
                .map_err(domain_error)?;
            out(RebootDBInstanceResult {
                db_instance: Some(convert::instance(&view)),
            })
        }
        Request::CreateDBClusterParameterGroup(m) => {
            let tags = convert::tags(m.tags);
            let group = a
                .create_parameter_group(
                    r,
                    &m.db_cluster_parameter_group_name,
                    &m.db_parameter_group_family,
                    &m.description,
                    &tags,
                )
                .map_err(domain_error)?;
            out(CreateDBClusterParameterGroupResult {
                db_cluster_parameter_group: Some(convert::parameter_group(&group)),
            })
        }
        Request::DescribeDBClusterParameterGroups(m) => {
            reject_filters(&m.filters)?;
            let page = a
                .describe_parameter_groups(
                    r,
                    m.db_cluster_parameter_group_name.as_deref(),
                    &paging(scope, m.max_records, m.marker),
                )
                .map_err(domain_error)?;
            out(DBClusterParameterGroupsMessage {
                marker: page.marker,
                db_cluster_parameter_groups: Some(
                    page.items.iter().map(convert::parameter_group).collect(),
                ),
            })
        }
        Request::DescribeDBClusterParameters(m) => {
            reject_filters(&m.filters)?;
            let page = a
                .describe_parameters(
                    r,
                    &m.db_cluster_parameter_group_name,
                    m.source.as_deref(),
                    &paging(scope, m.max_records, m.marker),
                )
                .map_err(domain_error)?;
            out(DBClusterParameterGroupDetails {
                parameters: Some(page.items.iter().map(convert::parameter).collect()),
                marker: page.marker,
            })
        }
        Request::ModifyDBClusterParameterGroup(m) => {
            let changes = convert::parameter_changes(m.parameters)?;
            let name = a
                .modify_parameter_group(r, &m.db_cluster_parameter_group_name, &changes)
                .map_err(domain_error)?;
            out(DBClusterParameterGroupNameMessage {
                db_cluster_parameter_group_name: Some(name),
            })
        }
        Request::DeleteDBClusterParameterGroup(m) => {
            a.delete_parameter_group(r, &m.db_cluster_parameter_group_name)
                .map_err(domain_error)?;
            Ok(None)
        }
        Request::DescribeEvents(m) => {
            let mut query = convert::event_query(m);
            query.paging.scope = scope.to_owned();
            let page = a.describe_events(r, &query).map_err(domain_error)?;
            out(EventsMessage {
                marker: page.marker,
                events: Some(page.items.iter().map(convert::event).collect()),
            })
        }
        Request::AddTagsToResource(m) => {
            a.add_tags(r, &m.resource_name, &convert::tags(Some(m.tags)))
                .map_err(domain_error)?;
            Ok(None)
        }
        Request::RemoveTagsFromResource(m) => {
            a.remove_tags(r, &m.resource_name, &m.tag_keys)
                .map_err(domain_error)?;
            Ok(None)
        }
        Request::ListTagsForResource(m) => {
            reject_filters(&m.filters)?;
            let tags = a.list_tags(r, &m.resource_name).map_err(domain_error)?;
            out(TagListMessage {
                tag_list: Some(tags.iter().map(convert::tag).collect()),
            })
        }
        Request::DescribeDBEngineVersions(m) => {
            reject_filters(&m.filters)?;
            let page = a
                .describe_engine_versions(
                    m.engine.as_deref(),
                    m.engine_version.as_deref(),
                    m.db_parameter_group_family.as_deref(),
                    m.default_only.unwrap_or(false),
                    &paging(scope, m.max_records, m.marker),
                )
                .map_err(domain_error)?;
            out(DBEngineVersionMessage {
                marker: page.marker,
                db_engine_versions: Some(
                    page.items
                        .iter()
                        .map(|v| convert::engine_version(v))
                        .collect(),
                ),
            })
        }
        Request::BacktrackDBCluster(m) => {
            let b = a
                .backtrack_cluster(
                    r,
                    &m.db_cluster_identifier,
                    m.backtrack_to,
                    m.force.unwrap_or(false),
                    m.use_earliest_time_on_point_in_time_unavailable
                        .unwrap_or(false),
                )
                .map_err(domain_error)?;
            out(convert::backtrack(&b))
        }
        Request::CreateDBClusterSnapshot(m) => {
            let view = a
                .create_snapshot(
                    r,
                    &m.db_cluster_identifier,
                    &m.db_cluster_snapshot_identifier,
                    &convert::tags(m.tags),
                )
                .map_err(domain_error)?;
            out(CreateDBClusterSnapshotResult {
                db_cluster_snapshot: Some(convert::snapshot(&view)),
            })
        }
        Request::DescribeDBClusterSnapshots(m) => {
            let filters = convert::filters(m.filters);
            let page = a
                .describe_snapshots(
                    r,
                    m.db_cluster_identifier.as_deref(),
                    m.db_cluster_snapshot_identifier.as_deref(),
                    m.snapshot_type.as_deref(),
                    &filters,
                    &paging(scope, m.max_records, m.marker),
                )
                .map_err(domain_error)?;
            out(DBClusterSnapshotMessage {
                marker: page.marker,
                db_cluster_snapshots: Some(page.items.iter().map(convert::snapshot).collect()),
            })
        }
        Request::DeleteDBClusterSnapshot(m) => {
            let view = a
                .delete_snapshot(r, &m.db_cluster_snapshot_identifier)
                .map_err(domain_error)?;
            out(DeleteDBClusterSnapshotResult {
                db_cluster_snapshot: Some(convert::snapshot(&view)),
            })
        }
        Request::CopyDBClusterSnapshot(m) => {
            let view = a
                .copy_snapshot(
                    r,
                    &m.source_db_cluster_snapshot_identifier,
                    &m.target_db_cluster_snapshot_identifier,
                    m.copy_tags.unwrap_or(false),
                    &convert::tags(m.tags),
                )
                .map_err(domain_error)?;
            out(CopyDBClusterSnapshotResult {
                db_cluster_snapshot: Some(convert::snapshot(&view)),
            })
        }
        Request::ModifyDBClusterSnapshotAttribute(m) => {
            let attributes = a
                .modify_snapshot_attribute(
                    r,
                    &m.db_cluster_snapshot_identifier,
                    &m.attribute_name,
                    &m.values_to_add.unwrap_or_default(),
                    &m.values_to_remove.unwrap_or_default(),
                )
                .map_err(domain_error)?;
            out(ModifyDBClusterSnapshotAttributeResult {
                db_cluster_snapshot_attributes_result: Some(convert::snapshot_attributes(
                    attributes,
                )),
            })
        }
        Request::DescribeDBClusterSnapshotAttributes(m) => {
            let attributes = a
                .describe_snapshot_attributes(r, &m.db_cluster_snapshot_identifier)
                .map_err(domain_error)?;
            out(DescribeDBClusterSnapshotAttributesResult {
                db_cluster_snapshot_attributes_result: Some(convert::snapshot_attributes(
                    attributes,
                )),
            })
        }
        Request::RestoreDBClusterFromSnapshot(m) => {
            let options = convert::restore_from_snapshot(&m);
            let view = a
                .restore_from_snapshot(r, &m.snapshot_identifier, options)
                .map_err(domain_error)?;
            out(RestoreDBClusterFromSnapshotResult {
                db_cluster: Some(convert::cluster(a, &view)),
            })
        }
        Request::RestoreDBClusterToPointInTime(m) => {
            let options = convert::restore_to_point_in_time(&m);
            let point = match (
                m.restore_to_time,
                m.use_latest_restorable_time.unwrap_or(false),
            ) {
                (Some(_), true) => {
                    return Err(ApiError::new(
                        ErrorCode::InvalidParameterCombination,
                        "Cannot specify both RestoreToTime and UseLatestRestorableTime.",
                    ))
                }
                (Some(t), false) => aurora::RestorePoint::Time(t),
                (None, true) => aurora::RestorePoint::Latest,
                (None, false) => {
                    return Err(ApiError::new(
                        ErrorCode::InvalidParameterCombination,
                        "Either RestoreToTime or UseLatestRestorableTime must be specified.",
                    ))
                }
            };
            let source = match (&m.source_db_cluster_identifier, &m.source_db_cluster_resource_id) {
                (Some(_), Some(_)) => {
                    return Err(ApiError::new(
                        ErrorCode::InvalidParameterCombination,
                        "Cannot specify both SourceDBClusterIdentifier and SourceDbClusterResourceId.",
                    ))
                }
                (Some(id), None) => aurora::PointInTimeSource::Cluster(id.clone()),
                (None, Some(r)) => aurora::PointInTimeSource::Retained(r.clone()),
                (None, None) => {
                    return Err(ApiError::new(
                        ErrorCode::InvalidParameterCombination,
                        "Either SourceDBClusterIdentifier or SourceDbClusterResourceId must be specified.",
                    ))
                }
            };
            let view = a
                .restore_to_point_in_time(r, &source, point, m.restore_type.as_deref(), options)
                .map_err(domain_error)?;
            out(RestoreDBClusterToPointInTimeResult {
                db_cluster: Some(convert::cluster(a, &view)),
            })
        }
        Request::DescribeDBClusterAutomatedBackups(m) => {
            let filters = convert::filters(m.filters);
            let page = a
                .describe_automated_backups(
                    r,
                    m.db_cluster_resource_id.as_deref(),
                    m.db_cluster_identifier.as_deref(),
                    &filters,
                    &paging(scope, m.max_records, m.marker),
                )
                .map_err(domain_error)?;
            out(DBClusterAutomatedBackupMessage {
                marker: page.marker,
                db_cluster_automated_backups: Some(
                    page.items.iter().map(convert::automated_backup).collect(),
                ),
            })
        }
        Request::DeleteDBClusterAutomatedBackup(m) => {
            let view = a
                .delete_automated_backup(r, &m.db_cluster_resource_id)
                .map_err(domain_error)?;
            out(DeleteDBClusterAutomatedBackupResult {
                db_cluster_automated_backup: Some(convert::automated_backup(&view)),
            })
        }
        Request::CreateDBSubnetGroup(m) => {
            let view = a
                .create_subnet_group(
                    r,
                    &m.db_subnet_group_name,
                    &m.db_subnet_group_description,
                    &m.subnet_ids,
                    &convert::tags(m.tags),
                )
                .map_err(domain_error)?;
            out(CreateDBSubnetGroupResult {
                db_subnet_group: Some(convert::subnet_group(&view)),
            })
        }
        Request::DescribeDBSubnetGroups(m) => {
            reject_filters(&m.filters)?;
            let page = a
                .describe_subnet_groups(
                    r,
                    m.db_subnet_group_name.as_deref(),
                    &paging(scope, m.max_records, m.marker),
                )
                .map_err(domain_error)?;
            out(DBSubnetGroupMessage {
                marker: page.marker,
                db_subnet_groups: Some(page.items.iter().map(convert::subnet_group).collect()),
            })
        }
        Request::ModifyDBSubnetGroup(m) => {
            let view = a
                .modify_subnet_group(
                    r,
                    &m.db_subnet_group_name,
                    m.db_subnet_group_description.as_deref(),
                    &m.subnet_ids,
                )
                .map_err(domain_error)?;
            out(ModifyDBSubnetGroupResult {
                db_subnet_group: Some(convert::subnet_group(&view)),
            })
        }
        Request::DeleteDBSubnetGroup(m) => {
            a.delete_subnet_group(r, &m.db_subnet_group_name)
                .map_err(domain_error)?;
            Ok(None)
        }
        Request::DescribeGlobalClusters(m) => {
            let filters = convert::filters(m.filters);
            a.describe_global_clusters(m.global_cluster_identifier.as_deref(), &filters)
                .map_err(domain_error)?;
            out(GlobalClustersMessage {
                marker: None,
                global_clusters: Some(Vec::new()),
            })
        }
        Request::DescribeDBClusterBacktracks(m) => {
            let filters = convert::filters(m.filters);
            let page = a
                .describe_backtracks(
                    r,
                    &m.db_cluster_identifier,
                    m.backtrack_identifier.as_deref(),
                    &filters,
                    &paging(scope, m.max_records, m.marker),
                )
                .map_err(domain_error)?;
            out(DBClusterBacktrackMessage {
                marker: page.marker,
                db_cluster_backtracks: Some(page.items.iter().map(convert::backtrack).collect()),
            })
        }
    }
}

/// Operations whose `Filters` AWS documents as "not currently supported" reject any filter.
fn reject_filters(filters: &Option<Vec<rds_api::Filter>>) -> Result<(), ApiError> {
    match filters.as_deref() {
        Some([first, ..]) => Err(ApiError::new(
            ErrorCode::InvalidParameterValue,
            format!("Unrecognized filter name: {}", first.name),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_comes_from_the_credential_scope() {
        let mut h = HeaderMap::new();
        let p = Params::default();
        assert_eq!(region_of(&h, &p), "us-east-1");
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static(
                "AWS4-HMAC-SHA256 Credential=test/20240101/eu-west-1/rds/aws4_request, SignedHeaders=host, Signature=x",
            ),
        );
        assert_eq!(region_of(&h, &p), "eu-west-1");
    }

    #[test]
    fn a_marker_scope_leaves_out_only_the_paging_and_signing_parameters() {
        let scope = |form: &str| {
            let params = Params::from_form(form.as_bytes());
            marker_scope(params.get("Action").unwrap_or(""), "us-east-1", &params)
        };
        let plain = scope("Action=DescribeDBClusters&Version=2014-10-31");
        assert_eq!(
            plain,
            scope("Action=DescribeDBClusters&Marker=x&MaxRecords=20&X-Amz-Date=1")
        );
        assert_ne!(plain, scope("Action=DescribeDBInstances"));
        assert_ne!(
            plain,
            scope("Action=DescribeDBClusters&DBClusterIdentifier=c")
        );
        assert_ne!(
            plain,
            scope("Action=DescribeDBClusters&Filters.Filter.1.Name=engine")
        );
    }
}
