#!/usr/bin/env bash
# shellcheck disable=SC2016 # JMESPath literals in single quotes
# Every error of the behaviour contract, provoked the way a user would with the AWS CLI.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

start_server

ID_MSG='is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.'

create_cluster() { # create_cluster ID [EXTRA...]
    local id=$1
    shift
    aws_rds create-db-cluster --db-cluster-identifier "$id" --engine aurora-mysql \
        --master-username admin --master-user-password secret123 "$@" >/dev/null
}

step "not found"
expect_error_msg DBClusterNotFoundFault "DBCluster nope not found." \
    aws_rds describe-db-clusters --db-cluster-identifier nope
expect_error_msg DBInstanceNotFound "DBInstance nope not found." \
    aws_rds describe-db-instances --db-instance-identifier nope
expect_error DBClusterNotFoundFault aws_rds delete-db-cluster --db-cluster-identifier nope --skip-final-snapshot
expect_error DBInstanceNotFound aws_rds delete-db-instance --db-instance-identifier nope
expect_error DBClusterNotFoundFault aws_rds modify-db-cluster --db-cluster-identifier nope --apply-immediately \
    --backtrack-window 3600
expect_error DBInstanceNotFound aws_rds reboot-db-instance --db-instance-identifier nope

step "create-db-instance in an unknown cluster"
expect_error DBClusterNotFoundFault aws_rds create-db-instance --db-instance-identifier orphan \
    --db-cluster-identifier nope --engine aurora-mysql --db-instance-class db.r6g.large

step "duplicates"
create_cluster dup --backtrack-window 86400
expect_error DBClusterAlreadyExistsFault create_cluster dup
expect_error DBClusterAlreadyExistsFault create_cluster DUP # identifiers are case-insensitive
aws_rds create-db-instance --db-instance-identifier dup-1 --db-cluster-identifier dup \
    --engine aurora-mysql --db-instance-class db.r6g.large >/dev/null
expect_error DBInstanceAlreadyExists aws_rds create-db-instance --db-instance-identifier dup-1 \
    --db-cluster-identifier dup --engine aurora-mysql --db-instance-class db.r6g.large

step "invalid identifiers"
for bad in 1bad bad--id bad-; do
    expect_error_msg InvalidParameterValue "The parameter DBClusterIdentifier $ID_MSG" create_cluster "$bad"
done
expect_error_msg InvalidParameterValue "The parameter DBInstanceIdentifier $ID_MSG" \
    aws_rds create-db-instance --db-instance-identifier bad--inst --db-cluster-identifier dup \
    --engine aurora-mysql --db-instance-class db.r6g.large
# nothing was created by the failed calls
assert_eq "dup" "$(aws_rds describe-db-clusters --query 'DBClusters[].DBClusterIdentifier' --output text)" \
    "only the valid cluster exists"

step "engine and engine version"
expect_error InvalidParameterValue aws_rds create-db-cluster --db-cluster-identifier e1 --engine foo \
    --master-username admin --master-user-password secret123
expect_error_prefix InvalidParameterCombination "Cannot find version" create_cluster e2 --engine-version 9.9.nope

step "backtrack window"
expect_error InvalidParameterValue create_cluster b1 --backtrack-window 300000
expect_error InvalidParameterCombination aws_rds create-db-cluster --db-cluster-identifier b2 \
    --engine aurora-postgresql --master-username admin --master-user-password secret123 --backtrack-window 3600
create_cluster nobt
expect_error_msg InvalidParameterCombination "Backtrack cannot currently be enabled for this cluster" \
    aws_rds modify-db-cluster --db-cluster-identifier nobt --backtrack-window 3600 --apply-immediately
# dup was created with a window; turn it off, then it cannot come back
wait_cluster_status dup available
aws_rds modify-db-cluster --db-cluster-identifier dup --backtrack-window 0 --apply-immediately >/dev/null
wait_cluster_status dup available
assert_eq 0 "$(aws_rds describe-db-clusters --db-cluster-identifier dup \
    --query 'DBClusters[0].BacktrackWindow || `0`' --output text)" "BacktrackWindow after setting 0"
expect_error_msg InvalidParameterCombination "Backtrack cannot currently be enabled for this cluster" \
    aws_rds modify-db-cluster --db-cluster-identifier dup --backtrack-window 3600 --apply-immediately

step "delete-db-cluster refusals"
expect_error_msg InvalidDBClusterStateFault \
    "Cluster cannot be deleted, it still contains DB instances in non-deleting state." \
    aws_rds delete-db-cluster --db-cluster-identifier dup --skip-final-snapshot
wait_cluster_status nobt available
expect_error_msg InvalidParameterCombination \
    "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified." \
    aws_rds delete-db-cluster --db-cluster-identifier nobt
create_cluster prot --deletion-protection
wait_cluster_status prot available
expect_error InvalidParameterCombination aws_rds delete-db-cluster --db-cluster-identifier prot --skip-final-snapshot
assert_match "$(tr '[:upper:]' '[:lower:]' <<<"$LAST_ERROR_MESSAGE")" 'deletion protection' "message mentions deletion protection"
assert_eq available "$(cluster_status prot)" "protected cluster still there"

step "stop/start state errors"
expect_error InvalidDBClusterStateFault aws_rds start-db-cluster --db-cluster-identifier nobt
aws_rds stop-db-cluster --db-cluster-identifier nobt >/dev/null
wait_cluster_status nobt stopped
expect_error InvalidDBClusterStateFault aws_rds stop-db-cluster --db-cluster-identifier nobt

step "MaxRecords out of range"
for cmd in describe-db-clusters describe-db-instances describe-events describe-db-cluster-parameter-groups \
    describe-db-engine-versions; do
    expect_error_msg InvalidParameterValue "Invalid value 5 for MaxRecords. Must be between 20 and 100" \
        aws_rds "$cmd" --max-records 5
done
expect_error_msg InvalidParameterValue "Invalid value 101 for MaxRecords. Must be between 20 and 100" \
    aws_rds describe-db-clusters --max-records 101
expect_error_msg InvalidParameterValue "Invalid value 5 for MaxRecords. Must be between 20 and 100" \
    aws_rds describe-db-cluster-parameters --db-cluster-parameter-group-name default.aurora-mysql8.0 --max-records 5
# the bounds themselves are fine
aws_rds describe-db-clusters --max-records 20 >/dev/null
aws_rds describe-db-clusters --max-records 100 >/dev/null
_pass

step "unknown filter name"
expect_error_msg InvalidParameterValue "Unrecognized filter name: foo" \
    aws_rds describe-db-clusters --filters Name=foo,Values=bar
expect_error_msg InvalidParameterValue "Unrecognized filter name: not-a-filter" \
    aws_rds describe-db-instances --filters Name=not-a-filter,Values=x

step "parameter groups"
expect_error DBClusterParameterGroupNotFound create_cluster pgc --db-cluster-parameter-group-name no-such-pg
expect_error DBParameterGroupNotFound aws_rds describe-db-cluster-parameters \
    --db-cluster-parameter-group-name no-such-pg
expect_error DBParameterGroupNotFound aws_rds modify-db-cluster-parameter-group \
    --db-cluster-parameter-group-name no-such-pg \
    --parameters ParameterName=binlog_format,ParameterValue=ROW,ApplyMethod=pending-reboot
aws_rds create-db-cluster-parameter-group --db-cluster-parameter-group-name pg1 \
    --db-parameter-group-family aurora-mysql8.0 --description "e2e" >/dev/null
expect_error DBParameterGroupAlreadyExists aws_rds create-db-cluster-parameter-group \
    --db-cluster-parameter-group-name pg1 --db-parameter-group-family aurora-mysql8.0 --description "again"
expect_error InvalidParameterValue aws_rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name pg1 \
    --parameters ParameterName=binlog_format,ParameterValue=BOGUS,ApplyMethod=pending-reboot
expect_error InvalidParameterValue aws_rds modify-db-cluster-parameter-group \
    --db-cluster-parameter-group-name default.aurora-mysql8.0 \
    --parameters ParameterName=binlog_format,ParameterValue=ROW,ApplyMethod=pending-reboot

finish
