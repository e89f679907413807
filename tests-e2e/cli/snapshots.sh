#!/usr/bin/env bash
# shellcheck disable=SC2016 # JMESPath literals in single quotes
# Cluster snapshots and restores with the AWS CLI: create / describe (identifier, ARN, cluster,
# type, filters, paging) / copy / attributes / tags / delete, both waiters, the events, a final
# snapshot at delete-db-cluster, restore-db-cluster-from-snapshot, restore-db-cluster-to-point-in-time
# and the refusals (deleting a snapshot being created: tests-e2e/test_recovery.py, at realistic pace). Rows are the data plane's business (scripts/drill-beyond-window).
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

start_server

SNAP_ARN=arn:aws:rds:us-east-1:000000000000:cluster-snapshot

step "a cluster to snapshot"
aws_rds create-db-cluster --db-cluster-identifier src --engine aurora-mysql --master-username admin \
    --master-user-password secret123 --copy-tags-to-snapshot --tags Key=team,Value=db >/dev/null
wait_cluster_status src available

step "create-db-cluster-snapshot and the waiter"
out=$(aws_rds create-db-cluster-snapshot --db-cluster-identifier src --db-cluster-snapshot-identifier Snap-1 \
    --tags Key=why,Value=drill)
assert_eq snap-1 "$(jp DBClusterSnapshot.DBClusterSnapshotIdentifier <<<"$out")" "identifier stored lowercase"
assert_eq creating "$(jp DBClusterSnapshot.Status <<<"$out")" "status at creation"
assert_eq manual "$(jp DBClusterSnapshot.SnapshotType <<<"$out")" "SnapshotType"
assert_eq "$SNAP_ARN:snap-1" "$(jp DBClusterSnapshot.DBClusterSnapshotArn <<<"$out")" "ARN"
assert_eq "team=db,why=drill" "$(jp "sort_by(DBClusterSnapshot.TagList, &Key)[].join('=', [Key, Value]) | join(',', @)" <<<"$out")" \
    "CopyTagsToSnapshot copies the cluster's tags beside the snapshot's own"
aws_rds wait db-cluster-snapshot-available --db-cluster-snapshot-identifier snap-1
out=$(aws_rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier "$SNAP_ARN:snap-1")
assert_eq available "$(jp 'DBClusterSnapshots[0].Status' <<<"$out")" "status after the waiter"
assert_eq 100 "$(jp 'DBClusterSnapshots[0].PercentProgress' <<<"$out")" "PercentProgress"
assert_eq src "$(jp 'DBClusterSnapshots[0].DBClusterIdentifier' <<<"$out")" "source cluster"
assert_eq aurora-mysql "$(jp 'DBClusterSnapshots[0].Engine' <<<"$out")" "engine"

step "refusals"
expect_error DBClusterNotFoundFault aws_rds create-db-cluster-snapshot --db-cluster-identifier nope \
    --db-cluster-snapshot-identifier s
expect_error DBClusterSnapshotAlreadyExistsFault aws_rds create-db-cluster-snapshot --db-cluster-identifier src \
    --db-cluster-snapshot-identifier snap-1
expect_error InvalidParameterValue aws_rds create-db-cluster-snapshot --db-cluster-identifier src \
    --db-cluster-snapshot-identifier 1-bad
expect_error DBClusterSnapshotNotFoundFault aws_rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier nope
expect_error DBClusterSnapshotNotFoundFault aws_rds delete-db-cluster-snapshot --db-cluster-snapshot-identifier nope
expect_error InvalidParameterValue aws_rds describe-db-cluster-snapshots --snapshot-type weekly

step "copy-db-cluster-snapshot"
out=$(aws_rds copy-db-cluster-snapshot --source-db-cluster-snapshot-identifier snap-1 \
    --target-db-cluster-snapshot-identifier snap-2 --copy-tags)
assert_eq "$SNAP_ARN:snap-1" "$(jp DBClusterSnapshot.SourceDBClusterSnapshotArn <<<"$out")" "SourceDBClusterSnapshotArn"
aws_rds wait db-cluster-snapshot-available --db-cluster-snapshot-identifier snap-2
assert_eq "team=db,why=drill" "$(aws_rds list-tags-for-resource --resource-name "$SNAP_ARN:snap-2" \
    --query "sort_by(TagList, &Key)[].join('=', [Key, Value]) | join(',', @)" --output text)" "--copy-tags"

step "describe by cluster, type, filters and pages"
for n in 3 4 5; do
    aws_rds create-db-cluster-snapshot --db-cluster-identifier src --db-cluster-snapshot-identifier "snap-$n" >/dev/null
done
assert_eq "snap-1 snap-2 snap-3 snap-4 snap-5" "$(aws_rds describe-db-cluster-snapshots --db-cluster-identifier src \
    --snapshot-type manual --query 'DBClusterSnapshots[].DBClusterSnapshotIdentifier' --output text | tr '\t' ' ')" \
    "by cluster and type"
assert_eq "snap-2" "$(aws_rds describe-db-cluster-snapshots \
    --filters Name=db-cluster-snapshot-id,Values=snap-2 Name=engine,Values=aurora-mysql \
    --query 'DBClusterSnapshots[].DBClusterSnapshotIdentifier' --output text)" "filters"
assert_match "$(aws_rds describe-db-cluster-snapshots --snapshot-type automated \
    --query 'DBClusterSnapshots[].DBClusterSnapshotIdentifier' --output text)" '^rds:src-[0-9]{4}(-[0-9]{2}){4}$' \
    "the first automated snapshot, taken once the cluster is available"
assert_eq 6 "$(aws_rds describe-db-cluster-snapshots --page-size 20 \
    --query 'length(DBClusterSnapshots)' --output text)" "the CLI's paging gathers every page"
out=$(aws_rds describe-db-cluster-snapshots --max-records 20 --no-paginate)
assert_eq None "$(jp 'Marker || `"None"`' <<<"$out")" "no marker when everything fits"

step "snapshot attributes"
out=$(aws_rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier snap-2 \
    --attribute-name restore --values-to-add 123456789012 all)
assert_eq "123456789012 all" "$(jp "DBClusterSnapshotAttributesResult.DBClusterSnapshotAttributes[0].AttributeValues | join(' ', @)" <<<"$out")" \
    "restore attribute"
aws_rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier snap-2 \
    --attribute-name restore --values-to-remove all >/dev/null
assert_eq 123456789012 "$(aws_rds describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier snap-2 \
    --query 'DBClusterSnapshotAttributesResult.DBClusterSnapshotAttributes[0].AttributeValues' --output text)" \
    "after removing all"
expect_error InvalidParameterValue aws_rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier snap-2 \
    --attribute-name copy --values-to-add all

step "restore-db-cluster-from-snapshot"
out=$(aws_rds restore-db-cluster-from-snapshot --db-cluster-identifier from-snap --snapshot-identifier snap-1 \
    --engine aurora-mysql --backtrack-window 3600 --tags Key=restored,Value=yes)
assert_eq creating "$(jp DBCluster.Status <<<"$out")" "a restored cluster starts creating"
assert_eq 0 "$(jp 'length(DBCluster.DBClusterMembers)' <<<"$out")" "no instances"
aws_rds wait db-cluster-available --db-cluster-identifier from-snap
assert_eq 3600 "$(aws_rds describe-db-clusters --db-cluster-identifier from-snap --query 'DBClusters[0].BacktrackWindow' \
    --output text)" "BacktrackWindow as given"
expect_error DBClusterAlreadyExistsFault aws_rds restore-db-cluster-from-snapshot --db-cluster-identifier from-snap \
    --snapshot-identifier snap-1 --engine aurora-mysql
expect_error DBClusterSnapshotNotFoundFault aws_rds restore-db-cluster-from-snapshot --db-cluster-identifier x \
    --snapshot-identifier nope --engine aurora-mysql

step "restore-db-cluster-to-point-in-time"
out=$(aws_rds describe-db-clusters --db-cluster-identifier src)
earliest=$(jp 'DBClusters[0].EarliestRestorableTime' <<<"$out")
assert_nonempty "$earliest" "EarliestRestorableTime"
assert_nonempty "$(jp 'DBClusters[0].LatestRestorableTime' <<<"$out")" "LatestRestorableTime"
aws_rds restore-db-cluster-to-point-in-time --db-cluster-identifier pitr --source-db-cluster-identifier src \
    --restore-to-time "$earliest" >/dev/null
aws_rds wait db-cluster-available --db-cluster-identifier pitr
expect_error InvalidParameterCombination aws_rds restore-db-cluster-to-point-in-time --db-cluster-identifier x \
    --source-db-cluster-identifier src --restore-to-time "$earliest" --use-latest-restorable-time
expect_error InvalidRestoreFault aws_rds restore-db-cluster-to-point-in-time --db-cluster-identifier x \
    --source-db-cluster-identifier src --restore-to-time 2020-01-01T00:00:00Z
expect_error InvalidParameterValue aws_rds restore-db-cluster-to-point-in-time --db-cluster-identifier x \
    --source-db-cluster-identifier src --use-latest-restorable-time --restore-type sideways
out=$(aws_rds restore-db-cluster-to-point-in-time --db-cluster-identifier clone --source-db-cluster-identifier src \
    --use-latest-restorable-time --restore-type copy-on-write)
group=$(jp DBCluster.CloneGroupId <<<"$out")
assert_nonempty "$group" "a clone's CloneGroupId"
assert_eq "clone src" "$(aws_rds describe-db-clusters --filters "Name=clone-group-id,Values=$group" \
    --query 'DBClusters[].DBClusterIdentifier' --output text | tr '\t' ' ')" "the clone group"

step "delete-db-cluster with a final snapshot; delete-db-cluster-snapshot and its waiter"
aws_rds delete-db-cluster --db-cluster-identifier pitr --final-db-snapshot-identifier pitr-final >/dev/null
aws_rds wait db-cluster-snapshot-available --db-cluster-snapshot-identifier pitr-final
assert_eq pitr "$(aws_rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier pitr-final \
    --query 'DBClusterSnapshots[0].DBClusterIdentifier' --output text)" "the final snapshot's cluster"
aws_rds delete-db-cluster-snapshot --db-cluster-snapshot-identifier "$SNAP_ARN:snap-3" >/dev/null
aws_rds wait db-cluster-snapshot-deleted --db-cluster-snapshot-identifier snap-3
expect_error DBClusterSnapshotNotFoundFault aws_rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier snap-3

step "events of a snapshot"
assert_eq "Creating manual cluster snapshot|Manual cluster snapshot created" "$(aws_rds describe-events \
    --source-type db-cluster-snapshot --source-identifier snap-1 --query 'Events[].Message' --output text | tr '\t' '|')" \
    "describe-events --source-type db-cluster-snapshot"

finish
