#!/usr/bin/env bash
# State survives kill -9; a transition in flight at the crash resumes after restart.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

step "fast pace: create a cluster and an instance"
start_server --pace fast
aws_rds create-db-cluster --db-cluster-identifier keep --engine aurora-mysql \
    --engine-version 8.0.mysql_aurora.3.05.2 --backtrack-window 86400 \
    --master-username admin --master-user-password secret123 --tags Key=env,Value=prod >/dev/null
aws_rds create-db-instance --db-instance-identifier keep-1 --db-cluster-identifier keep \
    --engine aurora-mysql --db-instance-class db.r6g.large >/dev/null
wait_cluster_status keep available
wait_instance_status keep-1 available
aws_rds wait db-cluster-available --db-cluster-identifier keep
aws_rds wait db-instance-available --db-instance-identifier keep-1
_pass
before=$(aws_rds describe-db-clusters --db-cluster-identifier keep)

step "kill -9 and restart on the same data dir"
crash_server
start_server --pace fast
after=$(aws_rds describe-db-clusters --db-cluster-identifier keep)
for f in Status DBClusterArn DbClusterResourceId ClusterCreateTime Endpoint ReaderEndpoint EngineVersion \
    BacktrackWindow DBClusterParameterGroup; do
    assert_eq "$(jp "DBClusters[0].$f" <<<"$before")" "$(jp "DBClusters[0].$f" <<<"$after")" "$f after restart"
done
assert_eq available "$(jp 'DBClusters[0].Status' <<<"$after")" "Status after restart"
assert_eq keep-1 "$(jp 'DBClusters[0].DBClusterMembers[0].DBInstanceIdentifier' <<<"$after")" "member after restart"
assert_eq "env=prod" "$(jp "DBClusters[0].TagList[0].join('=', [Key, Value])" <<<"$after")" "tags after restart"
assert_eq available "$(instance_status keep-1)" "instance after restart"
assert_contains "$(aws_rds describe-events --source-type db-cluster --source-identifier keep \
    --query 'Events[].Message' --output text)" "DB cluster created." "events after restart"
stop_server

step "realistic pace: a cluster caught mid-creation by kill -9 finishes after restart"
rm -rf "$DATA_DIR"
start_server --pace realistic
out=$(aws_rds create-db-cluster --db-cluster-identifier slow --engine aurora-mysql \
    --master-username admin --master-user-password secret123)
assert_eq creating "$(jp DBCluster.Status <<<"$out")" "Status right after create (realistic)"
sleep 1
assert_eq creating "$(cluster_status slow)" "Status one second later (realistic)"
crash_server
start_server --pace realistic
assert_eq creating "$(cluster_status slow)" "Status after restart, before the clock moves"

http GET /_rewind/clock
assert_eq 200 "$HTTP_CODE" "GET /_rewind/clock"
t0=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["now"])' "$HTTP_BODY")
rewind_post /_rewind/clock '{"advance_seconds": 3600}'
http GET /_rewind/clock
t1=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["now"])' "$HTTP_BODY")
delta=$("$PY" -c '
import sys
from datetime import datetime
a, b = (datetime.fromisoformat(x.replace("Z", "+00:00")) for x in sys.argv[1:3])
print(int((b - a).total_seconds()))' "$t0" "$t1")
((delta >= 3600 && delta < 3700)) || fail "clock moved by ${delta}s after advancing 3600s ($t0 -> $t1)"
_pass
wait_cluster_status slow available 30

finish
