"""boto3 end-to-end tests against target/release/rewind.

One server per session on a free loopback port (``--pace fast``, a temp data dir, responses
recorded to ``$REWIND_E2E_RECORD_ROOT/pytest`` when set); every test starts from a wiped state
via ``POST /_rewind/reset``.

Run: ``.venv/bin/python -m pytest -q tests-e2e`` (scripts/test does this).
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from botocore.exceptions import ClientError, WaiterError

from rewind_server import http, rds_client, session_server

ACCOUNT = "000000000000"
REGION = "us-east-1"
FAST_WAIT = {"Delay": 1, "MaxAttempts": 20}
ID_RULES = (
    "is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII "
    "letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens."
)


@pytest.fixture(scope="session")
def server():
    yield from session_server("fast", "pytest")


@pytest.fixture
def rds(server):
    status, body = http("POST", server.endpoint + "/_rewind/reset")
    assert status == 200, f"POST /_rewind/reset -> {status} {body!r}"
    return rds_client(server.endpoint)


def create_cluster(rds, ident: str, **kw):
    args = dict(
        DBClusterIdentifier=ident,
        Engine="aurora-mysql",
        MasterUsername="admin",
        MasterUserPassword="secret123",
    )
    args.update(kw)
    return rds.create_db_cluster(**args)["DBCluster"]


def create_instance(rds, ident: str, cluster: str, **kw):
    args = dict(
        DBInstanceIdentifier=ident,
        DBClusterIdentifier=cluster,
        Engine="aurora-mysql",
        DBInstanceClass="db.r6g.large",
    )
    args.update(kw)
    return rds.create_db_instance(**args)["DBInstance"]


def error_of(excinfo) -> tuple[str, str, int]:
    err = excinfo.value.response
    return err["Error"]["Code"], err["Error"].get("Message", ""), err["ResponseMetadata"]["HTTPStatusCode"]


def assert_utc_aware(value, what: str):
    assert isinstance(value, dt.datetime), f"{what} is {type(value).__name__}, not datetime"
    assert value.tzinfo is not None, f"{what} is a naive datetime"
    assert value.utcoffset() == dt.timedelta(0), f"{what} is not UTC: {value!r}"


# ---------------------------------------------------------------------------------------------
# The walkthrough
# ---------------------------------------------------------------------------------------------


def test_walkthrough_create_and_describe(rds):
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    created = create_cluster(
        rds,
        "my-cluster",
        EngineVersion="8.0.mysql_aurora.3.05.2",
        BacktrackWindow=86400,
    )
    assert created["Status"] == "creating"
    assert created["DBClusterIdentifier"] == "my-cluster"
    writer = create_instance(rds, "my-writer", "my-cluster")
    assert writer["DBInstanceStatus"] == "creating"
    create_instance(rds, "my-reader", "my-cluster")

    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="my-cluster", WaiterConfig=FAST_WAIT)
    resp = rds.describe_db_clusters(DBClusterIdentifier="my-cluster")
    assert len(resp["DBClusters"]) == 1
    c = resp["DBClusters"][0]
    assert c["Status"] == "available"
    assert c["Engine"] == "aurora-mysql"
    assert c["EngineVersion"] == "8.0.mysql_aurora.3.05.2"
    assert c["BacktrackWindow"] == 86400
    assert c["Port"] == 3306
    assert c["MasterUsername"] == "admin"
    members = {m["DBInstanceIdentifier"]: m for m in c["DBClusterMembers"]}
    assert set(members) == {"my-writer", "my-reader"}
    assert members["my-writer"]["IsClusterWriter"] is True
    assert members["my-reader"]["IsClusterWriter"] is False
    assert c["Endpoint"] and c["ReaderEndpoint"] and c["Endpoint"] != c["ReaderEndpoint"]
    assert c["DBClusterArn"] == f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:my-cluster"
    assert c["DbClusterResourceId"].startswith("cluster-")
    assert c["DBClusterParameterGroup"] == "default.aurora-mysql8.0"
    assert_utc_aware(c["ClusterCreateTime"], "ClusterCreateTime")
    assert c["ClusterCreateTime"] > before

    for ident in ("my-writer", "my-reader"):
        rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=ident, WaiterConfig=FAST_WAIT)
    instances = {i["DBInstanceIdentifier"]: i for i in rds.describe_db_instances()["DBInstances"]}
    assert set(instances) == {"my-writer", "my-reader"}
    for ident, inst in instances.items():
        assert inst["DBInstanceStatus"] == "available"
        assert inst["DBClusterIdentifier"] == "my-cluster"
        assert inst["Engine"] == "aurora-mysql"
        assert inst["DBInstanceClass"] == "db.r6g.large"
        assert inst["DBInstanceArn"] == f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{ident}"
        assert inst["Endpoint"]["Address"]
        assert inst["Endpoint"]["Port"] == 3306
        assert_utc_aware(inst["InstanceCreateTime"], f"{ident} InstanceCreateTime")


def test_response_metadata(rds):
    resp = rds.describe_db_clusters()
    meta = resp["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 200
    assert meta["RequestId"]
    assert meta["HTTPHeaders"].get("x-amzn-requestid") == meta["RequestId"]
    assert resp["DBClusters"] == []
    again = rds.describe_db_clusters()["ResponseMetadata"]["RequestId"]
    assert again != meta["RequestId"]


def test_timestamps_are_timezone_aware(rds):
    create_cluster(rds, "ts")
    create_instance(rds, "ts-1", "ts")
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="ts-1", WaiterConfig=FAST_WAIT)
    c = rds.describe_db_clusters(DBClusterIdentifier="ts")["DBClusters"][0]
    assert_utc_aware(c["ClusterCreateTime"], "ClusterCreateTime")
    i = rds.describe_db_instances(DBInstanceIdentifier="ts-1")["DBInstances"][0]
    assert_utc_aware(i["InstanceCreateTime"], "InstanceCreateTime")
    events = rds.describe_events(SourceType="db-cluster", SourceIdentifier="ts")["Events"]
    assert events, "no events for cluster ts"
    for e in events:
        assert_utc_aware(e["Date"], "Event.Date")
    # the server's clock and the event dates agree (within a generous margin)
    now = dt.datetime.now(dt.timezone.utc)
    assert abs((now - events[0]["Date"]).total_seconds()) < 600


# ---------------------------------------------------------------------------------------------
# Paginators and waiters
# ---------------------------------------------------------------------------------------------


def test_paginator_page_size_20_over_45_clusters(rds):
    names = {f"pg-{i:02d}" for i in range(45)}
    for name in sorted(names):
        create_cluster(rds, name)
    pages = list(rds.get_paginator("describe_db_clusters").paginate(PaginationConfig={"PageSize": 20}))
    assert [len(p["DBClusters"]) for p in pages] == [20, 20, 5]
    seen = [c["DBClusterIdentifier"] for p in pages for c in p["DBClusters"]]
    assert len(seen) == 45
    assert set(seen) == names
    assert "Marker" in pages[0] and "Marker" in pages[1]
    assert not pages[2].get("Marker")

    # MaxItems: a resumable NextToken
    first = rds.get_paginator("describe_db_clusters").paginate(
        PaginationConfig={"PageSize": 20, "MaxItems": 30}
    ).build_full_result()
    assert len(first["DBClusters"]) == 30
    assert first.get("NextToken")
    rest = rds.get_paginator("describe_db_clusters").paginate(
        PaginationConfig={"PageSize": 20, "StartingToken": first["NextToken"]}
    ).build_full_result()
    assert len(rest["DBClusters"]) == 15
    together = [c["DBClusterIdentifier"] for c in first["DBClusters"] + rest["DBClusters"]]
    assert sorted(together) == sorted(names)


def test_paginator_describe_db_instances(rds):
    create_cluster(rds, "many")
    names = {f"many-{i:02d}" for i in range(25)}
    for name in sorted(names):
        create_instance(rds, name, "many")
    pages = list(rds.get_paginator("describe_db_instances").paginate(PaginationConfig={"PageSize": 20}))
    assert [len(p["DBInstances"]) for p in pages] == [20, 5]
    assert {i["DBInstanceIdentifier"] for p in pages for i in p["DBInstances"]} == names


def test_waiters_full_lifecycle(rds):
    create_cluster(rds, "w1")
    create_instance(rds, "w1-a", "w1")
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="w1", WaiterConfig=FAST_WAIT)
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="w1-a", WaiterConfig=FAST_WAIT)
    assert rds.describe_db_instances(DBInstanceIdentifier="w1-a")["DBInstances"][0]["DBInstanceStatus"] == "available"

    deleting = rds.delete_db_instance(DBInstanceIdentifier="w1-a")["DBInstance"]
    assert deleting["DBInstanceStatus"] == "deleting"
    rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier="w1-a", WaiterConfig=FAST_WAIT)
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        rds.describe_db_instances(DBInstanceIdentifier="w1-a")

    deleting = rds.delete_db_cluster(DBClusterIdentifier="w1", SkipFinalSnapshot=True)["DBCluster"]
    assert deleting["Status"] == "deleting"
    rds.get_waiter("db_cluster_deleted").wait(DBClusterIdentifier="w1", WaiterConfig=FAST_WAIT)
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault):
        rds.describe_db_clusters(DBClusterIdentifier="w1")
    assert rds.describe_db_clusters()["DBClusters"] == []


def test_modify_db_instance_applies_at_once_and_leaves_nothing_pending(rds):
    create_cluster(rds, "m1")
    create_instance(rds, "m1-a", "m1")
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="m1-a", WaiterConfig=FAST_WAIT)
    before = rds.describe_db_instances(DBInstanceIdentifier="m1-a")["DBInstances"][0]
    assert before["PendingModifiedValues"] == {}, "AWS always sends the element, empty when nothing is pending"
    modifying = rds.modify_db_instance(
        DBInstanceIdentifier="m1-a", DBInstanceClass="db.r6g.xlarge", PromotionTier=4, ApplyImmediately=True
    )["DBInstance"]
    assert modifying["DBInstanceStatus"] == "modifying"
    assert modifying["DBInstanceClass"] == "db.r6g.xlarge" and modifying["PromotionTier"] == 4
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="m1-a", WaiterConfig=FAST_WAIT)
    after = rds.describe_db_instances(DBInstanceIdentifier="m1-a")["DBInstances"][0]
    assert after["DBInstanceClass"] == "db.r6g.xlarge"
    assert after["PendingModifiedValues"] == {}
    # A cluster shows ClusterPendingModifiedValues only while something is pending: never here.
    assert "PendingModifiedValues" not in rds.describe_db_clusters(DBClusterIdentifier="m1")["DBClusters"][0]
    with pytest.raises(ClientError) as e:
        rds.modify_db_instance(DBInstanceIdentifier="m1-a", MasterUserPassword="another123")
    assert e.value.response["Error"]["Code"] == "InvalidParameterCombination"
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        rds.modify_db_instance(DBInstanceIdentifier="ghost", PromotionTier=1)


def test_waiters_on_missing_resources(rds):
    # deleted-waiters succeed at once on the not-found codes (DBInstanceNotFound without "Fault")
    t0 = time.monotonic()
    rds.get_waiter("db_cluster_deleted").wait(DBClusterIdentifier="ghost", WaiterConfig=FAST_WAIT)
    rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier="ghost", WaiterConfig=FAST_WAIT)
    assert time.monotonic() - t0 < 5
    # an available-waiter on a missing cluster fails at once instead of polling
    with pytest.raises(WaiterError) as ei:
        rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="ghost", WaiterConfig=FAST_WAIT)
    assert "DBClusterNotFoundFault" in str(ei.value)


def test_waiter_through_stop_and_start(rds):
    create_cluster(rds, "ss")
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="ss", WaiterConfig=FAST_WAIT)
    assert rds.stop_db_cluster(DBClusterIdentifier="ss")["DBCluster"]["Status"] == "stopping"
    deadline = time.monotonic() + 20
    while rds.describe_db_clusters(DBClusterIdentifier="ss")["DBClusters"][0]["Status"] != "stopped":
        assert time.monotonic() < deadline, "cluster never reached stopped"
        time.sleep(0.2)
    assert rds.start_db_cluster(DBClusterIdentifier="ss")["DBCluster"]["Status"] == "starting"
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="ss", WaiterConfig=FAST_WAIT)
    assert rds.describe_db_clusters(DBClusterIdentifier="ss")["DBClusters"][0]["Status"] == "available"


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def test_cluster_not_found(rds):
    with pytest.raises(ClientError) as ei:
        rds.describe_db_clusters(DBClusterIdentifier="nope")
    assert error_of(ei) == ("DBClusterNotFoundFault", "DBCluster nope not found.", 404)
    assert ei.value.response["ResponseMetadata"]["RequestId"]
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault):
        rds.describe_db_clusters(DBClusterIdentifier="nope")


def test_instance_not_found_code_and_class(rds):
    with pytest.raises(ClientError) as ei:
        rds.describe_db_instances(DBInstanceIdentifier="nope")
    assert error_of(ei) == ("DBInstanceNotFound", "DBInstance nope not found.", 404)
    # botocore maps the wire code DBInstanceNotFound to the modeled DBInstanceNotFoundFault class
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        rds.describe_db_instances(DBInstanceIdentifier="nope")


def test_create_instance_in_unknown_cluster(rds):
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault):
        create_instance(rds, "orphan", "nope")


def test_duplicates(rds):
    create_cluster(rds, "dup")
    with pytest.raises(rds.exceptions.DBClusterAlreadyExistsFault) as ei:
        create_cluster(rds, "dup")
    code, _, status = error_of(ei)
    assert (code, status) == ("DBClusterAlreadyExistsFault", 400)
    with pytest.raises(rds.exceptions.DBClusterAlreadyExistsFault):
        create_cluster(rds, "DUP")

    create_instance(rds, "dup-1", "dup")
    with pytest.raises(rds.exceptions.DBInstanceAlreadyExistsFault) as ei:
        create_instance(rds, "dup-1", "dup")
    code, _, status = error_of(ei)
    assert (code, status) == ("DBInstanceAlreadyExists", 400)


@pytest.mark.parametrize("bad", ["1bad", "bad--id", "bad-"])
def test_invalid_cluster_identifier(rds, bad):
    with pytest.raises(ClientError) as ei:
        create_cluster(rds, bad)
    code, msg, status = error_of(ei)
    assert code == "InvalidParameterValue"
    assert status == 400
    assert msg == f"The parameter DBClusterIdentifier {ID_RULES}"
    assert rds.describe_db_clusters()["DBClusters"] == []


def test_identifiers_are_lowercased_and_arns_accepted(rds):
    c = create_cluster(rds, "MixedCase")
    assert c["DBClusterIdentifier"] == "mixedcase"
    got = rds.describe_db_clusters(DBClusterIdentifier="MIXEDCASE")["DBClusters"][0]
    assert got["DBClusterIdentifier"] == "mixedcase"
    by_arn = rds.describe_db_clusters(DBClusterIdentifier=got["DBClusterArn"])["DBClusters"][0]
    assert by_arn["DBClusterIdentifier"] == "mixedcase"


@pytest.mark.parametrize(
    "op,kwargs",
    [
        ("describe_db_clusters", {}),
        ("describe_db_instances", {}),
        ("describe_events", {}),
    ],
)
@pytest.mark.parametrize("value", [5, 19, 101])
def test_max_records_out_of_range(rds, op, kwargs, value):
    with pytest.raises(ClientError) as ei:
        getattr(rds, op)(MaxRecords=value, **kwargs)
    code, msg, status = error_of(ei)
    assert (code, status) == ("InvalidParameterValue", 400)
    assert msg == f"Invalid value {value} for MaxRecords. Must be between 20 and 100"


@pytest.mark.parametrize("value", [20, 100])
def test_max_records_bounds_accepted(rds, value):
    assert rds.describe_db_clusters(MaxRecords=value)["DBClusters"] == []


@pytest.mark.parametrize("op", ["describe_db_clusters", "describe_db_instances"])
def test_unknown_filter_name(rds, op):
    with pytest.raises(ClientError) as ei:
        getattr(rds, op)(Filters=[{"Name": "no-such-filter", "Values": ["x"]}])
    code, msg, status = error_of(ei)
    assert (code, status) == ("InvalidParameterValue", 400)
    assert msg == "Unrecognized filter name: no-such-filter"


def test_engine_and_version_errors(rds):
    with pytest.raises(ClientError) as ei:
        create_cluster(rds, "e1", Engine="foo")
    assert error_of(ei)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as ei:
        create_cluster(rds, "e2", EngineVersion="9.9.nope")
    code, msg, _ = error_of(ei)
    assert code == "InvalidParameterCombination"
    assert msg.startswith("Cannot find version")


def test_backtrack_window_errors(rds):
    with pytest.raises(ClientError) as ei:
        create_cluster(rds, "b1", BacktrackWindow=300000)
    assert error_of(ei)[0] == "InvalidParameterValue"
    with pytest.raises(ClientError) as ei:
        create_cluster(rds, "b2", Engine="aurora-postgresql", BacktrackWindow=3600)
    assert error_of(ei)[0] == "InvalidParameterCombination"
    create_cluster(rds, "b3")
    # modifying needs an available cluster (a creating one answers InvalidDBClusterStateFault)
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="b3", WaiterConfig=FAST_WAIT)
    with pytest.raises(ClientError) as ei:
        rds.modify_db_cluster(DBClusterIdentifier="b3", BacktrackWindow=3600, ApplyImmediately=True)
    assert error_of(ei)[:2] == ("InvalidParameterCombination", "Backtrack cannot currently be enabled for this cluster")


def test_delete_cluster_errors(rds):
    create_cluster(rds, "d1")
    create_instance(rds, "d1-a", "d1")
    with pytest.raises(rds.exceptions.InvalidDBClusterStateFault) as ei:
        rds.delete_db_cluster(DBClusterIdentifier="d1", SkipFinalSnapshot=True)
    assert error_of(ei) == (
        "InvalidDBClusterStateFault",
        "Cluster cannot be deleted, it still contains DB instances in non-deleting state.",
        400,
    )
    create_cluster(rds, "d2")
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="d2", WaiterConfig=FAST_WAIT)
    with pytest.raises(ClientError) as ei:
        rds.delete_db_cluster(DBClusterIdentifier="d2")
    assert error_of(ei)[:2] == (
        "InvalidParameterCombination",
        "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.",
    )
    create_cluster(rds, "d3", DeletionProtection=True)
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="d3", WaiterConfig=FAST_WAIT)
    with pytest.raises(ClientError) as ei:
        rds.delete_db_cluster(DBClusterIdentifier="d3", SkipFinalSnapshot=True)
    code, msg, _ = error_of(ei)
    assert code == "InvalidParameterCombination"
    assert "deletion protection" in msg.lower()


def test_parameter_group_errors(rds):
    with pytest.raises(rds.exceptions.DBClusterParameterGroupNotFoundFault) as ei:
        create_cluster(rds, "pgx", DBClusterParameterGroupName="nope")
    assert error_of(ei)[0::2] == ("DBClusterParameterGroupNotFound", 404)
    with pytest.raises(rds.exceptions.DBParameterGroupNotFoundFault) as ei:
        rds.describe_db_cluster_parameters(DBClusterParameterGroupName="nope")
    assert error_of(ei)[0::2] == ("DBParameterGroupNotFound", 404)
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="pg", DBParameterGroupFamily="aurora-mysql8.0", Description="d"
    )
    with pytest.raises(rds.exceptions.DBParameterGroupAlreadyExistsFault) as ei:
        rds.create_db_cluster_parameter_group(
            DBClusterParameterGroupName="pg", DBParameterGroupFamily="aurora-mysql8.0", Description="d"
        )
    assert error_of(ei)[0] == "DBParameterGroupAlreadyExists"
    bad = [{"ParameterName": "binlog_format", "ParameterValue": "BOGUS", "ApplyMethod": "pending-reboot"}]
    with pytest.raises(ClientError) as ei:
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="pg", Parameters=bad)
    assert error_of(ei)[0::2] == ("InvalidParameterValue", 400)
    row = [{"ParameterName": "binlog_format", "ParameterValue": "ROW", "ApplyMethod": "pending-reboot"}]
    with pytest.raises(rds.exceptions.DBParameterGroupNotFoundFault) as ei:
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="nope", Parameters=row)
    assert error_of(ei)[0::2] == ("DBParameterGroupNotFound", 404)
    with pytest.raises(ClientError) as ei:
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="default.aurora-mysql8.0", Parameters=row)
    assert error_of(ei)[0::2] == ("InvalidParameterValue", 400)


def test_parameter_group_binlog_format(rds):
    def binlog(group):
        pages = rds.get_paginator("describe_db_cluster_parameters").paginate(DBClusterParameterGroupName=group)
        params = [p for page in pages for p in page["Parameters"] if p["ParameterName"] == "binlog_format"]
        assert len(params) == 1, f"binlog_format appears {len(params)} times in {group}"
        return params[0]

    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="binlog", DBParameterGroupFamily="aurora-mysql8.0", Description="d"
    )
    assert binlog("binlog")["ParameterValue"] == "OFF"
    out = rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName="binlog",
        Parameters=[{"ParameterName": "binlog_format", "ParameterValue": "ROW", "ApplyMethod": "pending-reboot"}],
    )
    assert out["DBClusterParameterGroupName"] == "binlog"
    p = binlog("binlog")
    assert (p["ParameterValue"], p["Source"]) == ("ROW", "user")
    assert binlog("default.aurora-mysql8.0")["ParameterValue"] == "OFF"
    c = create_cluster(rds, "uses-binlog", DBClusterParameterGroupName="binlog")
    assert c["DBClusterParameterGroup"] == "binlog"


def test_stop_start_state_errors(rds):
    create_cluster(rds, "st")
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="st", WaiterConfig=FAST_WAIT)
    with pytest.raises(rds.exceptions.InvalidDBClusterStateFault):
        rds.start_db_cluster(DBClusterIdentifier="st")


# ---------------------------------------------------------------------------------------------
# Tags, events, regions, reset
# ---------------------------------------------------------------------------------------------


def test_tags_round_trip(rds):
    c = create_cluster(rds, "tg", Tags=[{"Key": "env", "Value": "test"}])
    arn = c["DBClusterArn"]
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "env", "Value": "test"}]
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "env", "Value": "prod"}])
    tags = {t["Key"]: t["Value"] for t in rds.list_tags_for_resource(ResourceName=arn)["TagList"]}
    assert tags == {"env": "prod", "a": "1"}
    rds.remove_tags_from_resource(ResourceName=arn, TagKeys=["env"])
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "a", "Value": "1"}]
    described = rds.describe_db_clusters(DBClusterIdentifier="tg")["DBClusters"][0]
    assert described["TagList"] == [{"Key": "a", "Value": "1"}]


def test_creation_event(rds):
    c = create_cluster(rds, "evt")
    # the event is emitted when creation completes
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="evt", WaiterConfig=FAST_WAIT)
    events = rds.describe_events(SourceType="db-cluster", SourceIdentifier="evt")["Events"]
    created = [e for e in events if e["Message"] == "DB cluster created."]
    assert len(created) == 1, events
    e = created[0]
    assert e["SourceIdentifier"] == "evt"
    assert e["SourceType"] == "db-cluster"
    assert "creation" in e["EventCategories"]
    assert e["SourceArn"] == c["DBClusterArn"]


def test_regions_are_isolated(server, rds):
    eu = rds_client(server.endpoint, "eu-west-1")
    c = create_cluster(eu, "euro")
    assert c["DBClusterArn"] == f"arn:aws:rds:eu-west-1:{ACCOUNT}:cluster:euro"
    assert rds.describe_db_clusters()["DBClusters"] == []
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault):
        rds.describe_db_clusters(DBClusterIdentifier="euro")
    assert [x["DBClusterIdentifier"] for x in eu.describe_db_clusters()["DBClusters"]] == ["euro"]


def test_reset_wipes_state(server, rds):
    create_cluster(rds, "gone")
    assert len(rds.describe_db_clusters()["DBClusters"]) == 1
    status, _ = http("POST", server.endpoint + "/moto-api/reset")
    assert status == 200
    assert rds.describe_db_clusters()["DBClusters"] == []


def test_engine_versions(rds):
    pages = rds.get_paginator("describe_db_engine_versions").paginate(Engine="aurora-mysql")
    versions = {v["EngineVersion"]: v for p in pages for v in p["DBEngineVersions"]}
    assert versions["8.0.mysql_aurora.3.05.2"]["DBParameterGroupFamily"] == "aurora-mysql8.0"
    assert versions["5.7.mysql_aurora.2.11.2"]["DBParameterGroupFamily"] == "aurora-mysql5.7"
    assert {v["Engine"] for v in versions.values()} == {"aurora-mysql"}
    c = create_cluster(rds, "dflt")
    assert c["EngineVersion"].startswith("8.0.mysql_aurora.3.")
