#!/usr/bin/env bash
# describe-events: the events the contract promises for create, stop/start and delete.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

start_server

events_of() { # events_of SOURCE_TYPE ID: one message per line
    aws_rds describe-events --source-type "$1" --source-identifier "$2" \
        --query 'Events[].Message' --output json | jp '@'
}

step "cluster and instance creation"
aws_rds create-db-cluster --db-cluster-identifier ev --engine aurora-mysql \
    --master-username admin --master-user-password secret123 >/dev/null
aws_rds create-db-instance --db-instance-identifier ev-1 --db-cluster-identifier ev \
    --engine aurora-mysql --db-instance-class db.r6g.large >/dev/null
wait_cluster_status ev available
wait_instance_status ev-1 available
aws_rds wait db-cluster-available --db-cluster-identifier ev
aws_rds wait db-instance-available --db-instance-identifier ev-1
_pass

out=$(aws_rds describe-events --source-type db-cluster --source-identifier ev)
assert_contains "$(jp 'Events[].Message' <<<"$out")" "DB cluster created." "cluster events"
created=$(jp "Events[?Message=='DB cluster created.'] | [0]" <<<"$out")
assert_eq ev "$(jp SourceIdentifier <<<"$created")" "SourceIdentifier of the creation event"
assert_eq db-cluster "$(jp SourceType <<<"$created")" "SourceType of the creation event"
assert_contains "$(jp EventCategories <<<"$created")" creation "EventCategories of the creation event"
assert_eq arn:aws:rds:us-east-1:000000000000:cluster:ev "$(jp SourceArn <<<"$created")" "SourceArn of the creation event"
assert_match "$(jp Date <<<"$created")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "Date of the creation event"
assert_eq 0 "$(jp "length(Events[?SourceType!='db-cluster' || SourceIdentifier!='ev'])" <<<"$out")" \
    "source filter returns only events of cluster ev"

assert_contains "$(events_of db-instance ev-1)" "DB instance created." "instance events"
assert_not_contains "$(events_of db-instance ev-1)" "DB cluster created." "instance events exclude cluster events"

step "unfiltered describe-events includes both"
all=$(aws_rds describe-events --query 'Events[].Message' --output json | jp '@')
assert_contains "$all" "DB cluster created." "all events"
assert_contains "$all" "DB instance created." "all events"
by_type=$(aws_rds describe-events --source-type db-instance --query 'Events[].SourceType' --output json | jp '@' | sort -u)
assert_eq db-instance "$by_type" "--source-type db-instance alone"

step "stop/start events"
aws_rds stop-db-cluster --db-cluster-identifier ev >/dev/null
wait_cluster_status ev stopped
aws_rds start-db-cluster --db-cluster-identifier ev >/dev/null
wait_cluster_status ev available
msgs=$(events_of db-cluster ev)
assert_contains "$msgs" "DB cluster stopped." "events after stop"
assert_contains "$msgs" "DB cluster started." "events after start"

step "deletion events"
aws_rds delete-db-instance --db-instance-identifier ev-1 >/dev/null
wait_instance_status ev-1 gone
aws_rds wait db-instance-deleted --db-instance-identifier ev-1
aws_rds delete-db-cluster --db-cluster-identifier ev --skip-final-snapshot >/dev/null
wait_cluster_status ev gone
aws_rds wait db-cluster-deleted --db-cluster-identifier ev
_pass
assert_contains "$(events_of db-instance ev-1)" "DB instance deleted." "instance events after delete"
assert_contains "$(events_of db-cluster ev)" "DB cluster deleted." "cluster events after delete"

finish
