"""End-to-end tests of the ways back besides backtrack: cluster snapshots and restores, with rows.

boto3 drives the control plane, PyMySQL the data plane, against target/release/rewind (one
``--pace fast`` server per session; every test starts from ``POST /_rewind/reset``, and a server
of its own for kill -9). Every wait is bounded; nothing talks to anything but loopback.

Run: ``.venv/bin/python -m pytest -q tests-e2e/test_recovery.py``
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from rewind_server import free_mysql_port, session_server
from test_dataplane import PASSWORD, Cluster, connect, make_cluster, rows, run, wait_accepting, wait_cluster, wait_instance

FAST_WAIT = {"Delay": 1, "MaxAttempts": 30}


@pytest.fixture(scope="session")
def fast_server():
    yield from session_server("fast", "pytest-recovery")


@pytest.fixture
def server(fast_server):
    fast_server.reset()
    return fast_server


@pytest.fixture(scope="session")
def slow_server():
    yield from session_server("realistic", "pytest-recovery-realistic")


@pytest.fixture
def slow(slow_server):
    slow_server.reset()
    return slow_server


@pytest.fixture
def own_server():
    """A fast server of this test's own, for kill -9."""
    yield from session_server("fast", "pytest-recovery-kill")


def seed(c: Cluster, n: int = 3) -> None:
    conn = connect(c.writer, c.port)
    run(conn, "CREATE DATABASE IF NOT EXISTS shop")
    run(conn, "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))")
    for i in range(1, n + 1):
        run(conn, "INSERT INTO shop.orders VALUES (%s, %s)", (i, f"item{i}"))
    conn.close()


def orders(c: Cluster) -> list[tuple]:
    conn = connect(c.writer, c.port)
    try:
        return rows(conn, "SELECT id, item FROM shop.orders ORDER BY id")
    finally:
        conn.close()


def with_writer(srv, rds, ident: str) -> Cluster:
    """Waits for a restored cluster, gives it a writer, and returns its endpoints."""
    rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier=ident, WaiterConfig=FAST_WAIT)
    rds.create_db_instance(
        DBInstanceIdentifier=f"{ident}-w",
        DBClusterIdentifier=ident,
        Engine="aurora-mysql",
        DBInstanceClass="db.r6g.large",
    )
    wait_instance(rds, f"{ident}-w")
    c = Cluster(rds, ident)
    wait_accepting(c.writer, c.port)
    return c


def snapshot(rds, cluster: str, ident: str, **kw) -> dict:
    s = rds.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=ident, **kw)[
        "DBClusterSnapshot"
    ]
    rds.get_waiter("db_cluster_snapshot_available").wait(DBClusterSnapshotIdentifier=ident, WaiterConfig=FAST_WAIT)
    return s


def test_a_snapshot_restores_its_rows_into_a_new_cluster(server):
    rds = server.rds()
    src = make_cluster(server, "src", instances=1)
    seed(src)
    s = snapshot(rds, "src", "before-damage", Tags=[{"Key": "team", "Value": "db"}])
    assert s["Status"] == "creating" and s["SnapshotType"] == "manual"
    assert s["DBClusterSnapshotArn"].endswith(":cluster-snapshot:before-damage")
    assert s["Engine"] == "aurora-mysql" and s["Port"] == src.port and s["MasterUsername"] == "admin"
    conn = connect(src.writer, src.port)
    run(conn, "DELETE FROM shop.orders")
    run(conn, "INSERT INTO shop.orders VALUES (99, 'after')")
    conn.close()

    got = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="before-damage")["DBClusterSnapshots"][0]
    assert got["Status"] == "available" and got["PercentProgress"] == 100
    assert got["TagList"] == [{"Key": "team", "Value": "db"}]
    restored = rds.restore_db_cluster_from_snapshot(
        DBClusterIdentifier="back", SnapshotIdentifier="before-damage", Engine="aurora-mysql", Port=free_mysql_port()
    )["DBCluster"]
    assert restored["Status"] == "creating"
    assert restored["DBClusterMembers"] == [], "no instances until create-db-instance"
    back = with_writer(server, rds, "back")
    assert orders(back) == [(1, "item1"), (2, "item2"), (3, "item3")], "the snapshot's rows"
    assert orders(src) == [(99, "after")], "the source keeps its own rows"
    # The restored cluster is a cluster of its own: its writes do not reach the source.
    conn = connect(back.writer, back.port)
    run(conn, "INSERT INTO shop.orders VALUES (4, 'new')")
    conn.close()
    assert orders(src) == [(99, "after")]
    assert len(orders(back)) == 4


def test_point_in_time_restore_reads_any_commit_inside_the_window(server):
    rds = server.rds()
    src = make_cluster(server, "pitr", instances=1)
    seed(src, 2)
    time.sleep(1.1)
    good = server.now()
    time.sleep(1.1)
    conn = connect(src.writer, src.port)
    run(conn, "DELETE FROM shop.orders")
    conn.close()
    c = rds.describe_db_clusters(DBClusterIdentifier="pitr")["DBClusters"][0]
    assert c["EarliestRestorableTime"] <= good <= c["LatestRestorableTime"]

    rds.restore_db_cluster_to_point_in_time(
        DBClusterIdentifier="pitr-good", SourceDBClusterIdentifier="pitr", RestoreToTime=good, Port=free_mysql_port()
    )
    rds.restore_db_cluster_to_point_in_time(
        DBClusterIdentifier="pitr-latest",
        SourceDBClusterIdentifier="pitr",
        UseLatestRestorableTime=True,
        Port=free_mysql_port(),
    )
    assert orders(with_writer(server, rds, "pitr-good")) == [(1, "item1"), (2, "item2")]
    assert orders(with_writer(server, rds, "pitr-latest")) == []


def test_point_in_time_restore_refuses_what_aws_refuses(server):
    rds = server.rds()
    make_cluster(server, "pitr", instances=1)
    now = server.now()
    with pytest.raises(rds.exceptions.ClientError) as e:
        rds.restore_db_cluster_to_point_in_time(
            DBClusterIdentifier="x", SourceDBClusterIdentifier="pitr", RestoreToTime=now, UseLatestRestorableTime=True
        )
    assert e.value.response["Error"]["Code"] == "InvalidParameterCombination"
    with pytest.raises(rds.exceptions.InvalidRestoreFault):
        rds.restore_db_cluster_to_point_in_time(
            DBClusterIdentifier="x", SourceDBClusterIdentifier="pitr", RestoreToTime=now - dt.timedelta(days=3)
        )
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault):
        rds.restore_db_cluster_to_point_in_time(
            DBClusterIdentifier="x", SourceDBClusterIdentifier="nope", UseLatestRestorableTime=True
        )
    with pytest.raises(rds.exceptions.DBClusterSnapshotNotFoundFault):
        rds.restore_db_cluster_from_snapshot(DBClusterIdentifier="x", SnapshotIdentifier="nope", Engine="aurora-mysql")
    assert [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]] == ["pitr"], "no half cluster"


def test_snapshot_errors_copies_attributes_and_deletion(server):
    rds = server.rds()
    make_cluster(server, "c", instances=1)
    with pytest.raises(rds.exceptions.DBClusterNotFoundFault):
        rds.create_db_cluster_snapshot(DBClusterIdentifier="nope", DBClusterSnapshotIdentifier="s1")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="c", DBClusterSnapshotIdentifier="s1")
    with pytest.raises(rds.exceptions.DBClusterSnapshotAlreadyExistsFault):
        rds.create_db_cluster_snapshot(DBClusterIdentifier="c", DBClusterSnapshotIdentifier="S1")
    rds.get_waiter("db_cluster_snapshot_available").wait(DBClusterSnapshotIdentifier="s1", WaiterConfig=FAST_WAIT)

    copy = rds.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier="s1", TargetDBClusterSnapshotIdentifier="s2", Tags=[{"Key": "k", "Value": "v"}]
    )["DBClusterSnapshot"]
    assert copy["SourceDBClusterSnapshotArn"].endswith(":cluster-snapshot:s1")
    assert copy["SnapshotType"] == "manual"
    rds.get_waiter("db_cluster_snapshot_available").wait(DBClusterSnapshotIdentifier="s2", WaiterConfig=FAST_WAIT)
    arn = copy["DBClusterSnapshotArn"]
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "k", "Value": "v"}]
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "k2", "Value": "v2"}])
    assert len(rds.list_tags_for_resource(ResourceName=arn)["TagList"]) == 2

    attrs = rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="s1", AttributeName="restore", ValuesToAdd=["123456789012"]
    )["DBClusterSnapshotAttributesResult"]
    assert attrs["DBClusterSnapshotAttributes"] == [{"AttributeName": "restore", "AttributeValues": ["123456789012"]}]
    got = rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier="s1")
    assert got["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"][0]["AttributeValues"] == [
        "123456789012"
    ]
    with pytest.raises(rds.exceptions.ClientError) as e:
        rds.modify_db_cluster_snapshot_attribute(
            DBClusterSnapshotIdentifier="s1", AttributeName="bogus", ValuesToAdd=["all"]
        )
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"

    listed = rds.describe_db_cluster_snapshots(DBClusterIdentifier="c", SnapshotType="manual")["DBClusterSnapshots"]
    assert [s["DBClusterSnapshotIdentifier"] for s in listed] == ["s1", "s2"]
    by_filter = rds.describe_db_cluster_snapshots(
        Filters=[{"Name": "db-cluster-snapshot-id", "Values": ["s2"]}, {"Name": "snapshot-type", "Values": ["manual"]}]
    )["DBClusterSnapshots"]
    assert [s["DBClusterSnapshotIdentifier"] for s in by_filter] == ["s2"]
    automated = rds.describe_db_cluster_snapshots(SnapshotType="automated")["DBClusterSnapshots"]
    assert [s["DBClusterIdentifier"] for s in automated] == ["c"], "the cluster's first automated snapshot"
    pages = list(rds.get_paginator("describe_db_cluster_snapshots").paginate(PaginationConfig={"PageSize": 20}))
    assert sum(len(p["DBClusterSnapshots"]) for p in pages) == 3
    with pytest.raises(rds.exceptions.DBClusterSnapshotNotFoundFault):
        rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="nope")

    rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=arn)
    rds.get_waiter("db_cluster_snapshot_deleted").wait(DBClusterSnapshotIdentifier="s2", WaiterConfig=FAST_WAIT)
    events = rds.describe_events(SourceType="db-cluster-snapshot", SourceIdentifier="s1")["Events"]
    assert [e["Message"] for e in events] == ["Creating manual cluster snapshot", "Manual cluster snapshot created"]


def events_of(rds, source_type: str, ident: str | None = None, categories: list[str] | None = None) -> list[tuple]:
    kw = {"SourceType": source_type}
    if ident is not None:
        kw["SourceIdentifier"] = ident
    if categories is not None:
        kw["EventCategories"] = categories
    return [(e["SourceIdentifier"], e["Message"], e["EventCategories"]) for e in rds.describe_events(**kw)["Events"]]


def test_restores_clones_copies_and_deletions_leave_the_catalogue_events(server):
    rds = server.rds()
    src = make_cluster(server, "ev", instances=1)
    seed(src, 1)
    snapshot(rds, "ev", "ev-snap")
    automated = rds.describe_db_cluster_snapshots(DBClusterIdentifier="ev", SnapshotType="automated")[
        "DBClusterSnapshots"
    ][0]["DBClusterSnapshotIdentifier"]
    assert events_of(rds, "db-cluster-snapshot", automated) == [
        (automated, "Creating automated cluster snapshot", ["backup"]),
        (automated, "Automated cluster snapshot created", ["backup"]),
    ]
    rds.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier="ev-snap", TargetDBClusterSnapshotIdentifier="ev-copy")
    rds.get_waiter("db_cluster_snapshot_available").wait(DBClusterSnapshotIdentifier="ev-copy", WaiterConfig=FAST_WAIT)
    rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier="ev-copy")
    assert events_of(rds, "db-cluster-snapshot", "ev-copy") == [
        ("ev-copy", "Started copy of snapshot ev-snap in region us-east-1.", ["notification"]),
        ("ev-copy", "Finished copy of snapshot ev-snap in region us-east-1.", ["notification"]),
        ("ev-copy", "Deleted manual snapshot", ["deletion"]),
    ]
    assert events_of(rds, "db-cluster-snapshot", categories=["deletion"]) == [
        ("ev-copy", "Deleted manual snapshot", ["deletion"])
    ]
    assert [m for _, m, _ in events_of(rds, "db-cluster-snapshot", "ev-snap", ["backup"])] == [
        "Creating manual cluster snapshot",
        "Manual cluster snapshot created",
    ]

    rds.restore_db_cluster_from_snapshot(
        DBClusterIdentifier="ev-back", SnapshotIdentifier="ev-snap", Engine="aurora-mysql", Port=free_mysql_port()
    )
    rds.restore_db_cluster_to_point_in_time(
        DBClusterIdentifier="ev-pitr", SourceDBClusterIdentifier="ev", UseLatestRestorableTime=True, Port=free_mysql_port()
    )
    rds.restore_db_cluster_to_point_in_time(
        DBClusterIdentifier="ev-clone",
        SourceDBClusterIdentifier="ev",
        UseLatestRestorableTime=True,
        RestoreType="copy-on-write",
        Port=free_mysql_port(),
    )
    for ident in ["ev-back", "ev-pitr", "ev-clone"]:
        rds.get_waiter("db_cluster_available").wait(DBClusterIdentifier=ident, WaiterConfig=FAST_WAIT)
        # AWS's catalogue has one event for a new DB cluster, however it was made (RDS-EVENT-0170).
        assert events_of(rds, "db-cluster", ident) == [(ident, "DB cluster created.", ["creation"])], ident
    created = sorted(i for i, _, _ in events_of(rds, "db-cluster", categories=["creation"]))
    assert created == ["ev", "ev-back", "ev-clone", "ev-pitr"]
    assert events_of(rds, "db-cluster", categories=["backup", "deletion"]) == []


def test_a_final_snapshot_outlives_its_cluster(server):
    rds = server.rds()
    src = make_cluster(server, "doomed", instances=1)
    seed(src, 2)
    rds.delete_db_instance(DBInstanceIdentifier="doomed-1")
    wait_instance(rds, "doomed-1", "gone")
    rds.delete_db_cluster(DBClusterIdentifier="doomed", FinalDBSnapshotIdentifier="doomed-final")
    rds.get_waiter("db_cluster_deleted").wait(DBClusterIdentifier="doomed", WaiterConfig=FAST_WAIT)
    rds.get_waiter("db_cluster_snapshot_available").wait(DBClusterSnapshotIdentifier="doomed-final", WaiterConfig=FAST_WAIT)
    rds.restore_db_cluster_from_snapshot(
        DBClusterIdentifier="reborn", SnapshotIdentifier="doomed-final", Engine="aurora-mysql", Port=free_mysql_port()
    )
    assert orders(with_writer(server, rds, "reborn")) == [(1, "item1"), (2, "item2")]


def test_snapshots_and_restores_survive_kill_9(own_server):
    srv = own_server
    rds = srv.rds()
    src = make_cluster(srv, "k9", instances=1)
    seed(src, 3)
    snapshot(rds, "k9", "k9-snap")
    rds.restore_db_cluster_from_snapshot(
        DBClusterIdentifier="k9-back", SnapshotIdentifier="k9-snap", Engine="aurora-mysql", Port=free_mysql_port()
    )
    rds.restore_db_cluster_to_point_in_time(
        DBClusterIdentifier="k9-clone",
        SourceDBClusterIdentifier="k9",
        UseLatestRestorableTime=True,
        RestoreType="copy-on-write",
        Port=free_mysql_port(),
    )
    clone = with_writer(srv, rds, "k9-clone")
    conn = connect(clone.writer, clone.port)
    run(conn, "INSERT INTO shop.orders VALUES (30, 'clone pre-kill')")
    conn.close()
    srv.kill9()
    srv.start()
    rds = srv.rds()
    got = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="k9-snap")["DBClusterSnapshots"][0]
    assert got["Status"] == "available"
    # The restore was acknowledged before the kill: it finishes after the restart.
    assert orders(with_writer(srv, rds, "k9-back")) == [(1, "item1"), (2, "item2"), (3, "item3")]
    # The clone still shares the source's rows, and each side keeps its own writes.
    src, clone = Cluster(rds, "k9"), Cluster(rds, "k9-clone")
    wait_accepting(src.writer, src.port)
    wait_accepting(clone.writer, clone.port)
    conn = connect(src.writer, src.port)
    run(conn, "UPDATE shop.orders SET item = 'source post-kill' WHERE id = 1")
    conn.close()
    assert orders(clone) == [(1, "item1"), (2, "item2"), (3, "item3"), (30, "clone pre-kill")]
    assert orders(src) == [(1, "source post-kill"), (2, "item2"), (3, "item3")]


def test_a_copy_on_write_clone_and_its_source_do_not_see_each_others_writes(server):
    rds = server.rds()
    src = make_cluster(server, "origin", instances=1)
    seed(src, 2)
    rds.restore_db_cluster_to_point_in_time(
        DBClusterIdentifier="clone",
        SourceDBClusterIdentifier="origin",
        UseLatestRestorableTime=True,
        RestoreType="copy-on-write",
        Port=free_mysql_port(),
    )
    clone = with_writer(server, rds, "clone")
    group = rds.describe_db_clusters(DBClusterIdentifier="clone")["DBClusters"][0]["CloneGroupId"]
    assert rds.describe_db_clusters(DBClusterIdentifier="origin")["DBClusters"][0]["CloneGroupId"] == group
    in_group = rds.describe_db_clusters(Filters=[{"Name": "clone-group-id", "Values": [group]}])["DBClusters"]
    assert sorted(c["DBClusterIdentifier"] for c in in_group) == ["clone", "origin"]
    a = connect(src.writer, src.port)
    run(a, "INSERT INTO shop.orders VALUES (10, 'source only')")
    a.close()
    b = connect(clone.writer, clone.port)
    run(b, "INSERT INTO shop.orders VALUES (20, 'clone only')")
    b.close()
    assert orders(src) == [(1, "item1"), (2, "item2"), (10, "source only")]
    assert orders(clone) == [(1, "item1"), (2, "item2"), (20, "clone only")]


def test_a_snapshot_being_created_cannot_be_deleted_or_restored(slow):
    rds = slow.rds()
    rds.create_db_cluster(
        DBClusterIdentifier="c", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword=PASSWORD
    )
    slow.advance(600)
    wait_cluster(rds, "c")
    s = rds.create_db_cluster_snapshot(DBClusterIdentifier="c", DBClusterSnapshotIdentifier="busy")["DBClusterSnapshot"]
    assert s["Status"] == "creating" and s["PercentProgress"] == 0
    with pytest.raises(rds.exceptions.InvalidDBClusterSnapshotStateFault):
        rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier="busy")
    with pytest.raises(rds.exceptions.InvalidDBClusterSnapshotStateFault):
        rds.restore_db_cluster_from_snapshot(DBClusterIdentifier="x", SnapshotIdentifier="busy", Engine="aurora-mysql")
    slow.advance(120)
    rds.get_waiter("db_cluster_snapshot_available").wait(DBClusterSnapshotIdentifier="busy", WaiterConfig=FAST_WAIT)
    rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier="busy")
    with pytest.raises(rds.exceptions.DBClusterSnapshotNotFoundFault):
        rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="busy")


def test_automated_backups_come_daily_expire_and_can_be_retained(slow):
    rds = slow.rds()
    rds.create_db_cluster(
        DBClusterIdentifier="daily",
        Engine="aurora-mysql",
        MasterUsername="admin",
        MasterUserPassword=PASSWORD,
        BackupRetentionPeriod=2,
        PreferredBackupWindow="03:00-03:30",
    )
    slow.advance(600)
    wait_cluster(rds, "daily")

    def automated() -> list[dict]:
        return rds.describe_db_cluster_snapshots(DBClusterIdentifier="daily", SnapshotType="automated")[
            "DBClusterSnapshots"
        ]

    first = automated()
    assert len(first) == 1, "the first automated snapshot once the cluster is available"
    assert first[0]["DBClusterSnapshotIdentifier"].startswith("rds:daily-")
    assert first[0]["Status"] == "available"
    with pytest.raises(rds.exceptions.InvalidDBClusterSnapshotStateFault):
        rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=first[0]["DBClusterSnapshotIdentifier"])
    slow.advance(4 * 86400)
    deadline = time.monotonic() + 10
    while len(automated()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    taken = [s["SnapshotCreateTime"] for s in automated()]
    assert 2 <= len(taken) <= 3, f"one a day, kept two days: {taken}"
    assert all((t.hour, t.minute) == (3, 0) for t in taken), f"in the backup window: {taken}"
    assert first[0]["DBClusterSnapshotIdentifier"] not in [s["DBClusterSnapshotIdentifier"] for s in automated()]
    copy = rds.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier=automated()[0]["DBClusterSnapshotIdentifier"],
        TargetDBClusterSnapshotIdentifier="kept",
    )["DBClusterSnapshot"]
    assert copy["SnapshotType"] == "manual", "a copy of an automated snapshot is manual"

    active = rds.describe_db_cluster_automated_backups(DBClusterIdentifier="daily")["DBClusterAutomatedBackups"]
    assert [b["Status"] for b in active] == ["active"]
    resource_id = active[0]["DbClusterResourceId"]
    rds.delete_db_cluster(DBClusterIdentifier="daily", SkipFinalSnapshot=True, DeleteAutomatedBackups=False)
    slow.advance(300)
    retained = rds.describe_db_cluster_automated_backups(DbClusterResourceId=resource_id)["DBClusterAutomatedBackups"]
    assert [b["Status"] for b in retained] == ["retained"]
    window = retained[0]["RestoreWindow"]
    rds.restore_db_cluster_to_point_in_time(
        DBClusterIdentifier="from-retained",
        SourceDbClusterResourceId=resource_id,
        RestoreToTime=window["LatestTime"],
    )
    slow.advance(600)
    wait_cluster(rds, "from-retained")
    with pytest.raises(rds.exceptions.InvalidDBClusterAutomatedBackupStateFault):
        rds.delete_db_cluster_automated_backup(
            DbClusterResourceId=rds.describe_db_clusters(DBClusterIdentifier="from-retained")["DBClusters"][0][
                "DbClusterResourceId"
            ]
        )
    rds.delete_db_cluster_automated_backup(DbClusterResourceId=resource_id)
    with pytest.raises(rds.exceptions.DBClusterAutomatedBackupNotFoundFault):
        rds.describe_db_cluster_automated_backups(DbClusterResourceId=resource_id)
    assert rds.describe_db_cluster_snapshots(DBClusterIdentifier="daily", SnapshotType="automated")["DBClusterSnapshots"] == []
