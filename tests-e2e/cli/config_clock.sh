#!/usr/bin/env bash
# Configuration through REWIND_* variables, --in-memory, and POST /_rewind/clock moving timestamps.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

step "settings from REWIND_LISTEN / REWIND_DATA_DIR / REWIND_PACE / REWIND_ACCOUNT_ID"
START_VIA_ENV=1 REWIND_PACE=fast REWIND_ACCOUNT_ID=222233334444 start_server
out=$(aws_rds create-db-cluster --db-cluster-identifier env-made --engine aurora-mysql \
    --master-username admin --master-user-password secret123)
assert_eq arn:aws:rds:us-east-1:222233334444:cluster:env-made "$(jp DBCluster.DBClusterArn <<<"$out")" \
    "ARN with REWIND_ACCOUNT_ID"
wait_cluster_status env-made available 10 # fast pace from REWIND_PACE
stop_server
# the data went to REWIND_DATA_DIR: a flag-started server on the same dir sees it
start_server --account-id 222233334444
assert_eq available "$(cluster_status env-made)" "cluster kept in REWIND_DATA_DIR"
stop_server

step "--in-memory keeps nothing across a restart"
rm -rf "$DATA_DIR"
start_server --in-memory
aws_rds create-db-cluster --db-cluster-identifier volatile --engine aurora-mysql \
    --master-username admin --master-user-password secret123 >/dev/null
assert_eq 1 "$(aws_rds describe-db-clusters --query 'length(DBClusters)' --output text)" "clusters before restart"
stop_server
start_server --in-memory
assert_eq 0 "$(aws_rds describe-db-clusters --query 'length(DBClusters)' --output text)" \
    "clusters after an --in-memory restart"
assert_eq gone "$(cluster_status volatile)" "volatile cluster after restart"
stop_server

step "POST /_rewind/clock moves the timestamps of what happens next"
start_server
http GET /_rewind/clock
t0=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["now"])' "$HTTP_BODY")
rewind_post /_rewind/clock '{"advance_seconds": 86400}'
out=$(aws_rds create-db-cluster --db-cluster-identifier tomorrow --engine aurora-mysql \
    --master-username admin --master-user-password secret123)
created=$(jp DBCluster.ClusterCreateTime <<<"$out")
delta=$("$PY" -c '
import sys
from datetime import datetime
a, b = (datetime.fromisoformat(x.replace("Z", "+00:00")) for x in sys.argv[1:3])
print(int((b - a).total_seconds()))' "$t0" "$created")
((delta >= 86400 && delta < 86400 + 120)) ||
    fail "ClusterCreateTime $created is ${delta}s after the clock before advancing ($t0); expected ~86400"
_pass
wait_cluster_status tomorrow available 10
http POST /_rewind/clock '{"advance_seconds": "soon"}' application/json
assert_ne 200 "$HTTP_CODE" "POST /_rewind/clock with a non-number"

finish
