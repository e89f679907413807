"""boto3 end-to-end tests of Backtrack against target/release/rewind.

Self-contained (the same session-server pattern as test_boto3.py, its own server): one server per
session on a free loopback port (``--pace fast``, a temp data dir, responses recorded to
``$REWIND_E2E_RECORD_ROOT/pytest-backtrack`` when set); every test starts from a wiped state via
``POST /_rewind/reset``. Times are taken from Rewind's own clock (``GET /_rewind/clock``).

Run: ``.venv/bin/python -m pytest -q tests-e2e/test_backtrack_boto3.py``
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from botocore.exceptions import ClientError

from rewind_server import http, rds_client, session_server

REGION = "us-east-1"
FAST_WAIT = {"Delay": 1, "MaxAttempts": 20}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(scope="session")
def server():
    yield from session_server("fast", "pytest-backtrack")


@pytest.fixture
def rds(server):
    status, body = http("POST", server.endpoint + "/_rewind/reset")
    assert status == 200, f"POST /_rewind/reset -> {status} {body!r}"
    return rds_client(server.endpoint)


def error_of(excinfo) -> tuple[str, str, int]:
    err = excinfo.value.response
    return err["Error"]["Code"], err["Error"].get("Message", ""), err["ResponseMetadata"]["HTTPStatusCode"]


def assert_utc_aware(value, what: str):
    assert isinstance(value, dt.datetime), f"{what} is {type(value).__name__}, not datetime"
    assert value.tzinfo is not None, f"{what} is a naive datetime"
    assert value.utcoffset() == dt.timedelta(0), f"{what} is not UTC: {value!r}"


def backtrack_cluster(rds, ident: str, window: int = 86400, instances: int = 1) -> dict:
    """An available aurora-mysql cluster with a backtrack window (and instances)."""
    rds.create_db_cluster(
        DBClusterIdentifier=ident,
        Engine="aurora-mysql",
        EngineVersion="8.0.mysql_aurora.3.05.2",
        MasterUsername="admin",
        MasterUserPassword="secret123",
        BacktrackWindow=window,
    )
    for n in range(instances):
        rds.create_db_instance(
            DBInstanceIdentifier=f"{ident}-{n + 1}",
            DBClusterIdentifier=ident,
            Engine="aurora-mysql",
            DBInstanceClass="db.r6g.large",
        )
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier=ident, WaiterConfig=FAST_WAIT)
    for n in range(instances):
        rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=f"{ident}-{n + 1}", WaiterConfig=FAST_WAIT)
    return rds.describe_db_clusters(DBClusterIdentifier=ident)["DBClusters"][0]


def wait_cluster_available(rds, ident: str, timeout: float = 10) -> None:
    """Poll describe every 0.1 s (the waiter's 1 s delay adds up over many backtracks)."""
    deadline = time.monotonic() + timeout
    while True:
        status = rds.describe_db_clusters(DBClusterIdentifier=ident)["DBClusters"][0]["Status"]
        if status == "available":
            return
        assert time.monotonic() < deadline, f"cluster {ident} not available after {timeout}s (last: {status})"
        time.sleep(0.1)


def wait_backtrack(rds, cluster: str, ident: str, status: str, timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    seen = None
    while True:
        bt = rds.describe_db_cluster_backtracks(DBClusterIdentifier=cluster, BacktrackIdentifier=ident)
        assert len(bt["DBClusterBacktracks"]) == 1
        seen = bt["DBClusterBacktracks"][0]
        if seen["Status"] == status:
            return seen
        assert time.monotonic() < deadline, f"backtrack {ident} not {status} after {timeout}s: {seen}"
        time.sleep(0.2)


# ---------------------------------------------------------------------------------------------


def test_backtrack_answers_pending_with_aware_times(server, rds):
    c = backtrack_cluster(rds, "bt")
    assert c["BacktrackWindow"] == 86400
    assert c["BacktrackConsumedChangeRecords"] == 0
    assert_utc_aware(c["EarliestBacktrackTime"], "EarliestBacktrackTime")
    assert c["EarliestBacktrackTime"] == c["ClusterCreateTime"]

    before = server.now()
    target = before
    resp = rds.backtrack_db_cluster(DBClusterIdentifier="bt", BacktrackTo=target)
    after = server.now()
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert resp["Status"] == "PENDING"
    assert resp["DBClusterIdentifier"] == "bt"
    assert UUID_RE.match(resp["BacktrackIdentifier"]), resp["BacktrackIdentifier"]
    assert_utc_aware(resp["BacktrackTo"], "BacktrackTo")
    assert resp["BacktrackTo"] == target
    assert_utc_aware(resp["BacktrackRequestCreationTime"], "BacktrackRequestCreationTime")
    assert before <= resp["BacktrackRequestCreationTime"] <= after
    assert "BacktrackedFrom" not in resp

    done = wait_backtrack(rds, "bt", resp["BacktrackIdentifier"], "COMPLETED")
    assert done["BacktrackTo"] == target
    assert done["BacktrackRequestCreationTime"] == resp["BacktrackRequestCreationTime"]
    assert_utc_aware(done["BacktrackedFrom"], "BacktrackedFrom")
    assert done["BacktrackedFrom"] >= done["BacktrackRequestCreationTime"]


def test_waiter_after_backtrack(server, rds):
    backtrack_cluster(rds, "wt", instances=2)
    resp = rds.backtrack_db_cluster(DBClusterIdentifier="wt", BacktrackTo=server.now())
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="wt", WaiterConfig=FAST_WAIT)
    assert rds.describe_db_clusters(DBClusterIdentifier="wt")["DBClusters"][0]["Status"] == "available"
    for ident in ("wt-1", "wt-2"):
        rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=ident, WaiterConfig=FAST_WAIT)
    bt = wait_backtrack(rds, "wt", resp["BacktrackIdentifier"], "COMPLETED", timeout=5)
    assert bt["Status"] == "COMPLETED"
    # and the cluster takes the next one
    again = rds.backtrack_db_cluster(DBClusterIdentifier="wt", BacktrackTo=server.now())
    assert again["Status"] == "PENDING"
    assert again["BacktrackIdentifier"] != resp["BacktrackIdentifier"]
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="wt", WaiterConfig=FAST_WAIT)


def test_paginator_over_22_backtracks(server, rds):
    backtrack_cluster(rds, "pages", instances=0)
    ids = []
    for _ in range(22):
        resp = rds.backtrack_db_cluster(DBClusterIdentifier="pages", BacktrackTo=server.now())
        ids.append(resp["BacktrackIdentifier"])
        wait_cluster_available(rds, "pages")
    assert len(set(ids)) == 22
    newest_first = list(reversed(ids))

    paginator = rds.get_paginator("describe_db_cluster_backtracks")
    pages = list(paginator.paginate(DBClusterIdentifier="pages", PaginationConfig={"PageSize": 20}))
    assert [len(p["DBClusterBacktracks"]) for p in pages] == [20, 2]
    assert pages[0].get("Marker")
    assert not pages[1].get("Marker")
    seen = [b["BacktrackIdentifier"] for p in pages for b in p["DBClusterBacktracks"]]
    assert seen == newest_first
    created = [b["BacktrackRequestCreationTime"] for p in pages for b in p["DBClusterBacktracks"]]
    assert created == sorted(created, reverse=True)

    first = paginator.paginate(
        DBClusterIdentifier="pages", PaginationConfig={"PageSize": 20, "MaxItems": 5}
    ).build_full_result()
    assert [b["BacktrackIdentifier"] for b in first["DBClusterBacktracks"]] == newest_first[:5]
    assert first.get("NextToken")
    rest = paginator.paginate(
        DBClusterIdentifier="pages", PaginationConfig={"PageSize": 20, "StartingToken": first["NextToken"]}
    ).build_full_result()
    assert [b["BacktrackIdentifier"] for b in rest["DBClusterBacktracks"]] == newest_first[5:]

    filtered = paginator.paginate(
        DBClusterIdentifier="pages",
        Filters=[{"Name": "db-cluster-backtrack-status", "Values": ["completed"]}],
        PaginationConfig={"PageSize": 20},
    ).build_full_result()
    assert len(filtered["DBClusterBacktracks"]) == 22

    with pytest.raises(ClientError) as ei:
        rds.describe_db_cluster_backtracks(DBClusterIdentifier="pages", MaxRecords=19)
    assert error_of(ei)[0::2] == ("InvalidParameterValue", 400)


def test_unknown_backtrack_id(server, rds):
    backtrack_cluster(rds, "nf", instances=0)
    with pytest.raises(rds.exceptions.DBClusterBacktrackNotFoundFault) as ei:
        rds.describe_db_cluster_backtracks(
            DBClusterIdentifier="nf", BacktrackIdentifier="00000000-0000-0000-0000-000000000000"
        )
    assert error_of(ei) == (
        "DBClusterBacktrackNotFoundFault",
        "DBClusterBacktrack 00000000-0000-0000-0000-000000000000 not found.",
        404,
    )
    # a real id, asked of another cluster
    backtrack_cluster(rds, "other", instances=0)
    other = rds.backtrack_db_cluster(DBClusterIdentifier="other", BacktrackTo=server.now())
    with pytest.raises(rds.exceptions.DBClusterBacktrackNotFoundFault):
        rds.describe_db_cluster_backtracks(DBClusterIdentifier="nf", BacktrackIdentifier=other["BacktrackIdentifier"])
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault) as ei:
        rds.describe_db_cluster_backtracks(DBClusterIdentifier="nope")
    assert error_of(ei)[0::2] == ("DBClusterNotFoundFault", 404)
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault):
        rds.backtrack_db_cluster(DBClusterIdentifier="nope", BacktrackTo=server.now())


def test_refusals_and_earliest_time(server, rds):
    c = backtrack_cluster(rds, "ref", instances=0)
    rds.create_db_cluster(
        DBClusterIdentifier="nowin", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword="secret123"
    )
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="nowin", WaiterConfig=FAST_WAIT)
    nowin = rds.describe_db_clusters(DBClusterIdentifier="nowin")["DBClusters"][0]
    for field in ("BacktrackWindow", "EarliestBacktrackTime", "BacktrackConsumedChangeRecords"):
        assert field not in nowin, f"{field} shown for a cluster without a window"
    with pytest.raises(rds.exceptions.InvalidDBClusterStateFault):
        rds.backtrack_db_cluster(DBClusterIdentifier="nowin", BacktrackTo=server.now())

    with pytest.raises(ClientError) as ei:
        rds.backtrack_db_cluster(DBClusterIdentifier="ref", BacktrackTo=server.now() + dt.timedelta(hours=1))
    code, msg, status = error_of(ei)
    assert (code, status) == ("InvalidParameterValue", 400)
    assert "in the future" in msg

    too_early = c["ClusterCreateTime"] - dt.timedelta(hours=1)
    with pytest.raises(ClientError) as ei:
        rds.backtrack_db_cluster(DBClusterIdentifier="ref", BacktrackTo=too_early)
    assert error_of(ei)[0] == "InvalidParameterValue"
    resp = rds.backtrack_db_cluster(
        DBClusterIdentifier="ref", BacktrackTo=too_early, UseEarliestTimeOnPointInTimeUnavailable=True
    )
    assert resp["Status"] == "PENDING"
    assert resp["BacktrackTo"] == c["EarliestBacktrackTime"]
    done = wait_backtrack(rds, "ref", resp["BacktrackIdentifier"], "COMPLETED")
    assert done["BacktrackTo"] == c["EarliestBacktrackTime"]
    assert rds.describe_db_cluster_backtracks(DBClusterIdentifier="ref")["DBClusterBacktracks"][0][
        "BacktrackIdentifier"
    ] == resp["BacktrackIdentifier"]


def test_filters_and_fault(server, rds):
    backtrack_cluster(rds, "flt", instances=1)
    ok = rds.backtrack_db_cluster(DBClusterIdentifier="flt", BacktrackTo=server.now())["BacktrackIdentifier"]
    wait_backtrack(rds, "flt", ok, "COMPLETED")
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="flt", WaiterConfig=FAST_WAIT)

    status, body = server.post_json("/_rewind/faults", {"cluster": "flt", "fail_next_backtrack": True})
    assert status == 200, body
    status, body = server.post_json("/_rewind/faults", {"cluster": "nope", "fail_next_backtrack": True})
    assert status == 404, body
    bad = rds.backtrack_db_cluster(DBClusterIdentifier="flt", BacktrackTo=server.now())["BacktrackIdentifier"]
    failed = wait_backtrack(rds, "flt", bad, "FAILED")
    assert_utc_aware(failed["BacktrackedFrom"], "BacktrackedFrom of a failed backtrack")
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier="flt", WaiterConfig=FAST_WAIT)
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="flt-1", WaiterConfig=FAST_WAIT)

    def ids(name, values):
        resp = rds.describe_db_cluster_backtracks(
            DBClusterIdentifier="flt", Filters=[{"Name": name, "Values": values}]
        )
        return [b["BacktrackIdentifier"] for b in resp["DBClusterBacktracks"]]

    assert ids("db-cluster-backtrack-status", ["completed"]) == [ok]
    assert ids("db-cluster-backtrack-status", ["COMPLETED"]) == [ok]
    assert ids("db-cluster-backtrack-status", ["Failed"]) == [bad]
    assert ids("db-cluster-backtrack-status", ["completed", "failed"]) == [bad, ok]
    assert ids("db-cluster-backtrack-status", ["pending", "applying"]) == []
    assert ids("db-cluster-backtrack-id", [ok]) == [ok]
    with pytest.raises(ClientError) as ei:
        ids("bogus", ["x"])
    assert error_of(ei)[0::2] == ("InvalidParameterValue", 400)

    events = rds.describe_events(SourceType="db-cluster", SourceIdentifier="flt", EventCategories=["backtrack"])
    messages = [e["Message"] for e in events["Events"]]
    for e in events["Events"]:
        assert "backtrack" in e["EventCategories"]
        assert_utc_aware(e["Date"], "Event.Date")
    assert sum(m.startswith(f"Backtrack {ok} to ") and m.endswith(" requested.") for m in messages) == 1
    assert sum(m.startswith(f"Backtrack {ok} started") for m in messages) == 1
    assert sum(m.startswith(f"Backtrack {ok} completed") for m in messages) == 1
    assert sum(m.startswith(f"Backtrack {bad} failed") for m in messages) == 1
    assert not any(m.startswith(f"Backtrack {bad} completed") for m in messages)

    # the fault is used up: the next one completes
    again = rds.backtrack_db_cluster(DBClusterIdentifier="flt", BacktrackTo=server.now())["BacktrackIdentifier"]
    wait_backtrack(rds, "flt", again, "COMPLETED")
