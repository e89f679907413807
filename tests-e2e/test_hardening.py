"""The control plane under requests an adversary or a buggy client would send (issue 12): none may
brick the server, and every answer is one an SDK can parse.

Each test starts its own server (some restart or signal it) on a free loopback port.

Run: ``.venv/bin/python -m pytest -q tests-e2e/test_hardening.py``
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from rewind_server import session_server

LATEST = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)


@pytest.fixture
def server():
    yield from session_server("fast", "pytest-hardening")


def test_the_clock_never_passes_year_9999_and_survives_a_restart(server):
    """An advance past 9999-12-31 is refused with 400 and the range; up to it, every action and
    a restart keep working (the clock is persisted)."""
    for seconds in (9223372036854775807, 8_000_000_000_000, 2**64 - 1):
        status, body = server.post_json("/_rewind/clock", {"advance_seconds": seconds})
        assert status == 400, (seconds, status, body)
        assert "9999" in json.loads(body)["error"], body
    rds = server.rds()
    rds.create_db_cluster(
        DBClusterIdentifier="late", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword="secret123"
    )
    room = int((LATEST - server.now()).total_seconds())
    server.advance(room - 86400)
    assert server.now().year == 9999
    status, body = server.post_json("/_rewind/clock", {"advance_seconds": 2 * 86400})
    assert status == 400, body
    cluster = rds.describe_db_clusters(DBClusterIdentifier="late")["DBClusters"][0]
    assert cluster["ClusterCreateTime"].year < 9999
    assert rds.describe_events(Duration=60)["ResponseMetadata"]["HTTPStatusCode"] == 200

    server.kill9()
    server.start()
    rds = server.rds()
    assert server.now().year == 9999
    assert rds.describe_db_clusters(DBClusterIdentifier="late")["DBClusters"][0]["Status"]
    rds.create_db_cluster(
        DBClusterIdentifier="later", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword="secret123"
    )


def test_tags_are_bounded_as_on_aws(server):
    """At most 50 tags per resource (TagQuotaPerResourceExceeded), keys up to 128 and values up
    to 256 characters (InvalidParameterValue); a refused request changes nothing."""
    from botocore.exceptions import ClientError

    rds = server.rds()
    arn = rds.create_db_cluster(
        DBClusterIdentifier="tagged", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword="secret123"
    )["DBCluster"]["DBClusterArn"]
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": f"k{i}", "Value": "v" * 256} for i in range(50)])
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "k0", "Value": "overwritten"}])
    for tags, code in (
        ([{"Key": "one-too-many", "Value": ""}], "TagQuotaPerResourceExceeded"),
        ([{"Key": "k" * 129, "Value": ""}], "InvalidParameterValue"),
        ([{"Key": "k1", "Value": "v" * 257}], "InvalidParameterValue"),
    ):
        with pytest.raises(ClientError) as e:
            rds.add_tags_to_resource(ResourceName=arn, Tags=tags)
        assert e.value.response["Error"]["Code"] == code, e.value.response
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    listed = rds.list_tags_for_resource(ResourceName=arn)["TagList"]
    assert len(listed) == 50 and {"Key": "k0", "Value": "overwritten"} in listed
    with pytest.raises(ClientError) as e:
        rds.create_db_cluster(
            DBClusterIdentifier="overtagged",
            Engine="aurora-mysql",
            MasterUsername="admin",
            MasterUserPassword="secret123",
            Tags=[{"Key": f"k{i}", "Value": ""} for i in range(51)],
        )
    assert e.value.response["Error"]["Code"] == "TagQuotaPerResourceExceeded"
    assert not [c for c in rds.describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"] == "overtagged"]
