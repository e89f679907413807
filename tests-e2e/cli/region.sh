#!/usr/bin/env bash
# Regions come from the SigV4 credential scope and partition the state; the account id from the flag.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

start_server

step "a cluster in eu-west-1"
out=$(aws_rds create-db-cluster --region eu-west-1 --db-cluster-identifier euro --engine aurora-mysql \
    --master-username admin --master-user-password secret123)
assert_eq arn:aws:rds:eu-west-1:000000000000:cluster:euro "$(jp DBCluster.DBClusterArn <<<"$out")" "ARN in eu-west-1"
euro_endpoint=$(jp DBCluster.Endpoint <<<"$out")
assert_contains "$euro_endpoint" "127." "Endpoint is a loopback address of this machine"
aws_rds wait db-cluster-available --region eu-west-1 --db-cluster-identifier euro
_pass

step "not visible from us-east-1"
assert_eq 0 "$(aws_rds describe-db-clusters --region us-east-1 --query 'length(DBClusters)' --output text)" \
    "clusters listed in us-east-1"
expect_error DBClusterNotFoundFault aws_rds describe-db-clusters --region us-east-1 --db-cluster-identifier euro
assert_eq euro "$(aws_rds describe-db-clusters --region eu-west-1 --query 'DBClusters[].DBClusterIdentifier' \
    --output text)" "clusters listed in eu-west-1"

step "the same identifier in another region is a different cluster"
out=$(aws_rds create-db-cluster --region us-east-1 --db-cluster-identifier euro --engine aurora-mysql \
    --master-username admin --master-user-password secret123)
assert_eq arn:aws:rds:us-east-1:000000000000:cluster:euro "$(jp DBCluster.DBClusterArn <<<"$out")" "ARN in us-east-1"
assert_ne "$euro_endpoint" "$(jp DBCluster.Endpoint <<<"$out")" "each cluster has its own endpoint address"
eu_id=$(aws_rds describe-db-clusters --region eu-west-1 --db-cluster-identifier euro \
    --query 'DBClusters[0].DbClusterResourceId' --output text)
us_id=$(aws_rds describe-db-clusters --region us-east-1 --db-cluster-identifier euro \
    --query 'DBClusters[0].DbClusterResourceId' --output text)
assert_ne "$eu_id" "$us_id" "resource ids differ across regions"

step "instances and events are per region too"
aws_rds create-db-instance --region eu-west-1 --db-instance-identifier euro-1 --db-cluster-identifier euro \
    --engine aurora-mysql --db-instance-class db.r6g.large >/dev/null
assert_eq arn:aws:rds:eu-west-1:000000000000:db:euro-1 "$(aws_rds describe-db-instances --region eu-west-1 \
    --db-instance-identifier euro-1 --query 'DBInstances[0].DBInstanceArn' --output text)" "instance ARN in eu-west-1"
expect_error DBInstanceNotFound aws_rds describe-db-instances --region us-east-1 --db-instance-identifier euro-1
assert_contains "$(aws_rds describe-events --region eu-west-1 --source-type db-cluster --source-identifier euro \
    --query 'Events[].SourceArn' --output text)" "arn:aws:rds:eu-west-1:" "event SourceArn in eu-west-1"

step "--account-id shows in ARNs"
stop_server
rm -rf "$DATA_DIR"
start_server --account-id 111122223333
out=$(aws_rds create-db-cluster --db-cluster-identifier acct --engine aurora-mysql \
    --master-username admin --master-user-password secret123)
assert_eq arn:aws:rds:us-east-1:111122223333:cluster:acct "$(jp DBCluster.DBClusterArn <<<"$out")" \
    "ARN with --account-id"

finish
