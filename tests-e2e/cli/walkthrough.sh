#!/usr/bin/env bash
# The user walkthrough from the README, typed as a user would, then checks on what
# describe-db-clusters / describe-db-instances say about the result.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

start_server

step "create the cluster and two instances"
out=$(aws_rds create-db-cluster --db-cluster-identifier my-cluster --engine aurora-mysql \
    --engine-version 8.0.mysql_aurora.3.05.2 --backtrack-window 86400 \
    --master-username admin --master-user-password secret123)
assert_eq my-cluster "$(jp DBCluster.DBClusterIdentifier <<<"$out")" "create-db-cluster DBClusterIdentifier"
assert_eq creating "$(jp DBCluster.Status <<<"$out")" "create-db-cluster returns Status"

out=$(aws_rds create-db-instance --db-instance-identifier my-writer --db-cluster-identifier my-cluster \
    --engine aurora-mysql --db-instance-class db.r6g.large)
assert_eq my-writer "$(jp DBInstance.DBInstanceIdentifier <<<"$out")" "create-db-instance DBInstanceIdentifier"
assert_eq creating "$(jp DBInstance.DBInstanceStatus <<<"$out")" "create-db-instance returns DBInstanceStatus"
assert_eq my-cluster "$(jp DBInstance.DBClusterIdentifier <<<"$out")" "create-db-instance DBClusterIdentifier"

aws_rds create-db-instance --db-instance-identifier my-reader --db-cluster-identifier my-cluster \
    --engine aurora-mysql --db-instance-class db.r6g.large >/dev/null

step "wait db-cluster-available"
aws_rds wait db-cluster-available --db-cluster-identifier my-cluster
_pass

step "describe-db-clusters"
out=$(aws_rds describe-db-clusters --db-cluster-identifier my-cluster)
assert_eq 1 "$(jp 'length(DBClusters)' <<<"$out")" "number of clusters"
c() { jp "DBClusters[0].$1" <<<"$out"; }
assert_eq my-cluster "$(c DBClusterIdentifier)" DBClusterIdentifier
assert_eq available "$(c Status)" Status
assert_eq aurora-mysql "$(c Engine)" Engine
assert_eq 8.0.mysql_aurora.3.05.2 "$(c EngineVersion)" EngineVersion
assert_eq 86400 "$(c BacktrackWindow)" BacktrackWindow
assert_eq 3306 "$(c Port)" Port
assert_eq admin "$(c MasterUsername)" MasterUsername
assert_eq true "$(c "DBClusterMembers[?DBInstanceIdentifier=='my-writer'] | [0].IsClusterWriter")" \
    "my-writer IsClusterWriter"
assert_eq false "$(c "DBClusterMembers[?DBInstanceIdentifier=='my-reader'] | [0].IsClusterWriter")" \
    "my-reader IsClusterWriter"
assert_eq 2 "$(c 'length(DBClusterMembers)')" "number of DBClusterMembers"
endpoint=$(c Endpoint)
reader_endpoint=$(c ReaderEndpoint)
assert_nonempty "$endpoint" Endpoint
assert_nonempty "$reader_endpoint" ReaderEndpoint
assert_ne "$endpoint" "$reader_endpoint" "ReaderEndpoint differs from Endpoint"
assert_eq arn:aws:rds:us-east-1:000000000000:cluster:my-cluster "$(c DBClusterArn)" DBClusterArn
assert_match "$(c DbClusterResourceId)" '^cluster-[A-Za-z0-9]+' DbClusterResourceId
assert_match "$(c ClusterCreateTime)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' ClusterCreateTime
assert_eq default.aurora-mysql8.0 "$(c DBClusterParameterGroup)" DBClusterParameterGroup

step "describe-db-instances, wait db-instance-available"
aws_rds wait db-instance-available --db-instance-identifier my-writer
_pass
aws_rds wait db-instance-available --db-instance-identifier my-reader
_pass
out=$(aws_rds describe-db-instances)
for id in my-writer my-reader; do
    i() { jp "DBInstances[?DBInstanceIdentifier=='$id'] | [0].$1" <<<"$out"; }
    assert_eq available "$(i DBInstanceStatus)" "$id DBInstanceStatus"
    assert_eq my-cluster "$(i DBClusterIdentifier)" "$id DBClusterIdentifier"
    assert_eq aurora-mysql "$(i Engine)" "$id Engine"
    assert_eq db.r6g.large "$(i DBInstanceClass)" "$id DBInstanceClass"
    assert_eq "arn:aws:rds:us-east-1:000000000000:db:$id" "$(i DBInstanceArn)" "$id DBInstanceArn"
    assert_nonempty "$(i Endpoint.Address)" "$id Endpoint.Address"
    assert_eq 3306 "$(i Endpoint.Port)" "$id Endpoint.Port"
done
assert_ne "$(jp "DBInstances[?DBInstanceIdentifier=='my-writer'] | [0].Endpoint.Address" <<<"$out")" \
    "$(jp "DBInstances[?DBInstanceIdentifier=='my-reader'] | [0].Endpoint.Address" <<<"$out")" \
    "instances have distinct endpoint addresses"

step "identifiers: case-insensitive, ARN accepted"
assert_eq my-cluster "$(aws_rds describe-db-clusters --db-cluster-identifier MY-Cluster \
    --query 'DBClusters[0].DBClusterIdentifier' --output text)" "describe by upper-case identifier"
assert_eq my-cluster "$(aws_rds describe-db-clusters \
    --db-cluster-identifier arn:aws:rds:us-east-1:000000000000:cluster:my-cluster \
    --query 'DBClusters[0].DBClusterIdentifier' --output text)" "describe by ARN"
assert_eq my-writer "$(aws_rds describe-db-instances --db-instance-identifier MY-WRITER \
    --query 'DBInstances[0].DBInstanceIdentifier' --output text)" "describe instance by upper-case identifier"
assert_eq my-writer "$(aws_rds describe-db-instances \
    --db-instance-identifier arn:aws:rds:us-east-1:000000000000:db:my-writer \
    --query 'DBInstances[0].DBInstanceIdentifier' --output text)" "describe instance by ARN"

finish
