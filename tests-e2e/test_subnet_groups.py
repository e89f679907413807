"""End-to-end tests of what Terraform's aws_db_subnet_group and aws_rds_cluster call besides the
cluster itself: DB subnet groups (with the region's `default` group) and DescribeGlobalClusters.

boto3 against target/release/rewind, one ``--pace fast`` server per session; every test starts
from ``POST /_rewind/reset``.

Run: ``.venv/bin/python -m pytest -q tests-e2e/test_subnet_groups.py``
"""

from __future__ import annotations

import pytest

from rewind_server import session_server
from test_dataplane import PASSWORD, wait_cluster


@pytest.fixture(scope="session")
def fast_server():
    yield from session_server("fast", "pytest-subnet-groups")


@pytest.fixture
def rds(fast_server):
    fast_server.reset()
    return fast_server.rds()


def code(e) -> str:
    return e.value.response["Error"]["Code"]


def test_subnet_groups_as_terraform_drives_them(rds):
    default = rds.describe_db_subnet_groups(DBSubnetGroupName="default")["DBSubnetGroups"][0]
    assert default["SubnetGroupStatus"] == "Complete" and len(default["Subnets"]) >= 2
    g = rds.create_db_subnet_group(
        DBSubnetGroupName="App-Net",
        DBSubnetGroupDescription="app subnets",
        SubnetIds=["subnet-1111", "subnet-2222"],
        Tags=[{"Key": "Name", "Value": "app"}],
    )["DBSubnetGroup"]
    assert g["DBSubnetGroupName"] == "app-net"
    assert g["DBSubnetGroupArn"] == "arn:aws:rds:us-east-1:000000000000:subgrp:app-net"
    zones = {s["SubnetAvailabilityZone"]["Name"] for s in g["Subnets"]}
    assert len(zones) == 2, "two subnets in two zones"
    assert rds.list_tags_for_resource(ResourceName=g["DBSubnetGroupArn"])["TagList"] == [{"Key": "Name", "Value": "app"}]
    names = [x["DBSubnetGroupName"] for x in rds.describe_db_subnet_groups()["DBSubnetGroups"]]
    assert names == ["app-net", "default"]

    with pytest.raises(rds.exceptions.DBSubnetGroupAlreadyExistsFault):
        rds.create_db_subnet_group(DBSubnetGroupName="app-net", DBSubnetGroupDescription="d", SubnetIds=["subnet-1", "subnet-2"])
    with pytest.raises(rds.exceptions.DBSubnetGroupDoesNotCoverEnoughAZs):
        rds.create_db_subnet_group(DBSubnetGroupName="one", DBSubnetGroupDescription="d", SubnetIds=["subnet-1"])
    with pytest.raises(rds.exceptions.InvalidSubnet):
        rds.create_db_subnet_group(DBSubnetGroupName="bad", DBSubnetGroupDescription="d", SubnetIds=["sg-1", "subnet-2"])
    with pytest.raises(rds.exceptions.DBSubnetGroupNotFoundFault):
        rds.describe_db_subnet_groups(DBSubnetGroupName="nope")

    m = rds.modify_db_subnet_group(DBSubnetGroupName="app-net", SubnetIds=["subnet-3333", "subnet-4444", "subnet-5555"])
    assert [s["SubnetIdentifier"] for s in m["DBSubnetGroup"]["Subnets"]] == ["subnet-3333", "subnet-4444", "subnet-5555"]

    with pytest.raises(rds.exceptions.DBSubnetGroupNotFoundFault):
        rds.create_db_cluster(
            DBClusterIdentifier="c", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword=PASSWORD,
            DBSubnetGroupName="nope",
        )
    c = rds.create_db_cluster(
        DBClusterIdentifier="c", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword=PASSWORD,
        DBSubnetGroupName="App-Net",
    )["DBCluster"]
    assert c["DBSubnetGroup"] == "app-net"
    wait_cluster(rds, "c")
    with pytest.raises(rds.exceptions.InvalidDBSubnetGroupStateFault):
        rds.delete_db_subnet_group(DBSubnetGroupName="app-net")
    with pytest.raises(rds.exceptions.InvalidDBSubnetGroupStateFault):
        rds.delete_db_subnet_group(DBSubnetGroupName="default")
    rds.delete_db_cluster(DBClusterIdentifier="c", SkipFinalSnapshot=True)
    rds.get_waiter("db_cluster_deleted").wait(DBClusterIdentifier="c", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    rds.delete_db_subnet_group(DBSubnetGroupName="app-net")
    with pytest.raises(rds.exceptions.DBSubnetGroupNotFoundFault):
        rds.delete_db_subnet_group(DBSubnetGroupName="app-net")


def test_there_are_no_global_clusters(rds):
    assert rds.describe_global_clusters()["GlobalClusters"] == []
    got = rds.describe_global_clusters(Filters=[{"Name": "db-cluster-id", "Values": ["arn:aws:rds:us-east-1:000000000000:cluster:c"]}])
    assert got["GlobalClusters"] == []
    with pytest.raises(rds.exceptions.GlobalClusterNotFoundFault):
        rds.describe_global_clusters(GlobalClusterIdentifier="g")
    with pytest.raises(rds.exceptions.ClientError) as e:
        rds.describe_global_clusters(Filters=[{"Name": "bogus", "Values": ["x"]}])
    assert code(e) == "InvalidParameterValue"
