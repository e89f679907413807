#!/usr/bin/env bash
# shellcheck disable=SC2016 # JMESPath literals in single quotes
# Cluster and instance lifecycle: stop/start, failover, reboot, modify, delete with the CLI waiters.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

start_server

step "set up: cluster lc with writer lc-w and reader lc-r"
aws_rds create-db-cluster --db-cluster-identifier lc --engine aurora-mysql \
    --engine-version 8.0.mysql_aurora.3.05.2 --backtrack-window 86400 \
    --master-username admin --master-user-password secret123 >/dev/null
for id in lc-w lc-r; do
    aws_rds create-db-instance --db-instance-identifier "$id" --db-cluster-identifier lc \
        --engine aurora-mysql --db-instance-class db.r6g.large >/dev/null
done
wait_cluster_status lc available
wait_instance_status lc-w available
wait_instance_status lc-r available
aws_rds wait db-cluster-available --db-cluster-identifier lc
aws_rds wait db-instance-available --db-instance-identifier lc-w
aws_rds wait db-instance-available --db-instance-identifier lc-r
_pass

writer_of() {
    aws_rds describe-db-clusters --db-cluster-identifier lc \
        --query "DBClusters[0].DBClusterMembers[?IsClusterWriter].DBInstanceIdentifier" --output text
}
assert_eq lc-w "$(writer_of)" "initial writer"

step "stop-db-cluster -> stopping -> stopped"
out=$(aws_rds stop-db-cluster --db-cluster-identifier lc)
assert_eq stopping "$(jp DBCluster.Status <<<"$out")" "stop-db-cluster returns Status"
wait_cluster_status lc stopped
wait_instance_status lc-w stopped
wait_instance_status lc-r stopped

step "start-db-cluster -> starting -> available"
out=$(aws_rds start-db-cluster --db-cluster-identifier lc)
assert_eq starting "$(jp DBCluster.Status <<<"$out")" "start-db-cluster returns Status"
wait_cluster_status lc available
wait_instance_status lc-w available
wait_instance_status lc-r available

step "failover-db-cluster to the reader"
out=$(aws_rds failover-db-cluster --db-cluster-identifier lc --target-db-instance-identifier lc-r)
assert_eq failing-over "$(jp DBCluster.Status <<<"$out")" "failover-db-cluster returns Status"
wait_cluster_status lc available
assert_eq lc-r "$(writer_of)" "writer after failover"
out=$(aws_rds describe-db-clusters --db-cluster-identifier lc)
assert_eq false "$(jp "DBClusters[0].DBClusterMembers[?DBInstanceIdentifier=='lc-w'] | [0].IsClusterWriter" <<<"$out")" \
    "old writer is a reader now"

step "reboot-db-instance -> rebooting -> available"
out=$(aws_rds reboot-db-instance --db-instance-identifier lc-r)
assert_eq rebooting "$(jp DBInstance.DBInstanceStatus <<<"$out")" "reboot-db-instance returns DBInstanceStatus"
wait_instance_status lc-r available

step "reboot-db-cluster -> rebooting -> available"
out=$(aws_rds reboot-db-cluster --db-cluster-identifier lc)
assert_eq rebooting "$(jp DBCluster.Status <<<"$out")" "reboot-db-cluster returns Status"
wait_cluster_status lc available
wait_instance_status lc-w available
wait_instance_status lc-r available
assert_eq lc-r "$(writer_of)" "writer after cluster reboot"

step "modify-db-cluster --backtrack-window 3600 --apply-immediately"
out=$(aws_rds modify-db-cluster --db-cluster-identifier lc --backtrack-window 3600 --apply-immediately)
assert_eq lc "$(jp DBCluster.DBClusterIdentifier <<<"$out")" "modify-db-cluster DBClusterIdentifier"
wait_cluster_status lc available
assert_eq 3600 "$(aws_rds describe-db-clusters --db-cluster-identifier lc \
    --query 'DBClusters[0].BacktrackWindow' --output text)" "BacktrackWindow after modify"

step "delete the instances, wait db-instance-deleted"
for id in lc-r lc-w; do
    out=$(aws_rds delete-db-instance --db-instance-identifier "$id")
    assert_eq deleting "$(jp DBInstance.DBInstanceStatus <<<"$out")" "delete-db-instance $id returns DBInstanceStatus"
done
wait_instance_status lc-r gone
wait_instance_status lc-w gone
aws_rds wait db-instance-deleted --db-instance-identifier lc-r
aws_rds wait db-instance-deleted --db-instance-identifier lc-w
_pass
expect_error DBInstanceNotFound aws_rds describe-db-instances --db-instance-identifier lc-w
no_members() {
    [[ $(aws_rds describe-db-clusters --db-cluster-identifier lc \
        --query 'length(DBClusters[0].DBClusterMembers || `[]`)' --output text) == 0 ]]
}
poll_until 20 "cluster lc to have no members" no_members

step "delete-db-cluster --skip-final-snapshot, wait db-cluster-deleted"
out=$(aws_rds delete-db-cluster --db-cluster-identifier lc --skip-final-snapshot)
assert_eq deleting "$(jp DBCluster.Status <<<"$out")" "delete-db-cluster returns Status"
wait_cluster_status lc gone
aws_rds wait db-cluster-deleted --db-cluster-identifier lc
_pass
expect_error DBClusterNotFoundFault aws_rds describe-db-clusters --db-cluster-identifier lc
assert_eq 0 "$(aws_rds describe-db-clusters --query 'length(DBClusters)' --output text)" "no clusters left"

finish
