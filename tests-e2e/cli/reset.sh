#!/usr/bin/env bash
# POST /_rewind/reset and POST /moto-api/reset wipe all state.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

start_server

populate() {
    aws_rds create-db-cluster --db-cluster-identifier r1 --engine aurora-mysql \
        --master-username admin --master-user-password secret123 >/dev/null
    aws_rds create-db-instance --db-instance-identifier r1-1 --db-cluster-identifier r1 \
        --engine aurora-mysql --db-instance-class db.r6g.large >/dev/null
    aws_rds create-db-cluster-parameter-group --db-cluster-parameter-group-name r-pg \
        --db-parameter-group-family aurora-mysql8.0 --description reset >/dev/null
    assert_eq 1 "$(aws_rds describe-db-clusters --query 'length(DBClusters)' --output text)" "clusters before reset"
    assert_eq 1 "$(aws_rds describe-db-instances --query 'length(DBInstances)' --output text)" "instances before reset"
}

assert_empty() { # assert_empty WHICH
    assert_eq 0 "$(aws_rds describe-db-clusters --query 'length(DBClusters)' --output text)" "clusters after $1"
    assert_eq 0 "$(aws_rds describe-db-instances --query 'length(DBInstances)' --output text)" "instances after $1"
    expect_error DBClusterNotFoundFault aws_rds describe-db-clusters --db-cluster-identifier r1
    expect_error DBParameterGroupNotFound aws_rds describe-db-cluster-parameters --db-cluster-parameter-group-name r-pg
    assert_eq 0 "$(aws_rds describe-events --query 'length(Events)' --output text)" "events after $1"
    # built-in defaults are not state: they are still there
    assert_eq OFF "$(aws_rds describe-db-cluster-parameters --db-cluster-parameter-group-name default.aurora-mysql8.0 \
        --query "Parameters[?ParameterName=='binlog_format'] | [0].ParameterValue" --output text)" \
        "default group after $1"
}

step "POST /_rewind/reset"
populate
rewind_post /_rewind/reset
assert_empty /_rewind/reset

step "the same names can be created again"
populate

step "POST /moto-api/reset"
rewind_post /moto-api/reset
assert_empty /moto-api/reset

step "reset survives a restart (the wipe is persisted)"
populate
rewind_post /_rewind/reset
stop_server
start_server
assert_eq 0 "$(aws_rds describe-db-clusters --query 'length(DBClusters)' --output text)" "clusters after reset + restart"

finish
