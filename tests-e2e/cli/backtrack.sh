#!/usr/bin/env bash
# shellcheck disable=SC2016 # JMESPath literals in single quotes
# Backtrack as a user drives it with the AWS CLI: backtrack-db-cluster, describe-db-cluster-backtracks
# (lookups, filters, paging), the window fields of describe-db-clusters, every refusal, window
# changes and expiry with Rewind's clock, the injected fault, the events, kill -9 mid-backtrack
# (realistic pace) and `aws rds wait db-cluster-available` afterwards.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

create_cluster() { # create_cluster ID [EXTRA...]
    local id=$1
    shift
    aws_rds create-db-cluster --db-cluster-identifier "$id" --engine aurora-mysql \
        --engine-version 8.0.mysql_aurora.3.05.2 --master-username admin --master-user-password secret123 \
        "$@" >/dev/null
}

create_instance() { # create_instance ID CLUSTER
    aws_rds create-db-instance --db-instance-identifier "$1" --db-cluster-identifier "$2" \
        --engine aurora-mysql --db-instance-class db.r6g.large >/dev/null
}

clock_now() { # Rewind's current time (GET /_rewind/clock)
    http GET /_rewind/clock
    [[ $HTTP_CODE == 200 ]] || fail "GET /_rewind/clock answered $HTTP_CODE: $HTTP_BODY"
    "$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["now"])' "$HTTP_BODY"
}

advance_clock() { # advance_clock SECONDS
    rewind_post /_rewind/clock "{\"advance_seconds\": $1}"
}

tdiff() { # tdiff A B: seconds from ISO time A to ISO time B, 3 decimals
    "$PY" -c '
import sys
from datetime import datetime
a, b = (datetime.fromisoformat(x.replace("Z", "+00:00")) for x in sys.argv[1:3])
print(f"{(b - a).total_seconds():.3f}")' "$1" "$2"
}

assert_same_time() { # assert_same_time EXPECTED ACTUAL what: the same instant (formats may differ)
    local d
    d=$(tdiff "$1" "$2") || fail "$3: cannot compare times [$1] and [$2]"
    [[ $d == 0.000 || $d == -0.000 ]] || fail "$3: expected the instant [$1], got [$2] (${d}s off)"
    _pass
}

assert_time_near() { # assert_time_near EXPECTED ACTUAL SLACK_S what: |ACTUAL - EXPECTED| <= SLACK_S
    local d
    d=$(tdiff "$1" "$2") || fail "$4: cannot compare times [$1] and [$2]"
    "$PY" -c 'import sys; sys.exit(0 if abs(float(sys.argv[1])) <= float(sys.argv[2]) else 1)' "$d" "$3" ||
        fail "$4: expected [$2] within ${3}s of [$1], it is ${d}s off"
    _pass
}

assert_not_before() { # assert_not_before EARLIER LATER what: LATER >= EARLIER
    local d
    d=$(tdiff "$1" "$2") || fail "$3: cannot compare times [$1] and [$2]"
    [[ $d != -* ]] || fail "$3: [$2] is ${d#-}s before [$1]"
    _pass
}

backtracks() { # backtracks CLUSTER [ARGS...]: describe-db-cluster-backtracks output (JSON)
    local c=$1
    shift
    aws_rds describe-db-cluster-backtracks --db-cluster-identifier "$c" "$@"
}

backtrack_ids() { # backtrack_ids CLUSTER [ARGS...]: the listed BacktrackIdentifiers, space-separated
    local c=$1
    shift
    aws_rds describe-db-cluster-backtracks --db-cluster-identifier "$c" "$@" \
        --query 'DBClusterBacktracks[].BacktrackIdentifier' --output text | tr '\t' ' '
}

backtrack_status() { # backtrack_status CLUSTER ID
    aws_rds describe-db-cluster-backtracks --db-cluster-identifier "$1" --backtrack-identifier "$2" \
        --query 'DBClusterBacktracks[0].Status' --output text
}

wait_backtrack_status() { # wait_backtrack_status CLUSTER ID STATUS [TIMEOUT_S=15]
    local c=$1 id=$2 want=$3 timeout=${4:-15} seen=""
    local deadline=$(($(_now_ms) + timeout * 1000))
    while true; do
        seen=$(backtrack_status "$c" "$id" || true)
        if [[ $seen == "$want" ]]; then
            _pass
            return 0
        fi
        if (($(_now_ms) > deadline)); then
            fail "timed out after ${timeout}s waiting for backtrack $id of $c to be $want (last seen: ${seen:-<error>})"
        fi
        sleep 0.2
    done
}

# backtrack_now CLUSTER [EXTRA...]: backtrack to Rewind's current time; prints the response JSON
backtrack_now() {
    local c=$1
    shift
    aws_rds backtrack-db-cluster --db-cluster-identifier "$c" --backtrack-to "$(clock_now)" "$@"
}

count_lines() { # count_lines ERE TEXT: how many lines of TEXT match ERE (0 is not a failure)
    grep -cE -- "$1" <<<"$2" || true
}

backtrack_events() { # backtrack_events CLUSTER: the messages of the cluster's backtrack events, one a line
    aws_rds describe-events --source-type db-cluster --source-identifier "$1" --event-categories backtrack \
        --query 'Events[].Message' --output json | jp '@'
}

# =============================================================================================
# Fast pace (the default): every transition ~100 ms
# =============================================================================================
start_server

step "clusters with and without a window"
create_cluster bt --backtrack-window 86400
create_instance bt-1 bt
create_instance bt-2 bt
create_cluster nobt
create_cluster exp --backtrack-window 3600
create_cluster pages --backtrack-window 86400
for c in bt nobt exp pages; do wait_cluster_status "$c" available; done
wait_instance_status bt-1 available
wait_instance_status bt-2 available

out=$(aws_rds describe-db-clusters --db-cluster-identifier bt)
c() { jp "DBClusters[0].$1" <<<"$out"; }
assert_eq 86400 "$(c BacktrackWindow)" "BacktrackWindow of bt"
assert_eq 0 "$(c BacktrackConsumedChangeRecords)" "BacktrackConsumedChangeRecords of bt (nothing written)"
bt_created=$(c ClusterCreateTime)
bt_earliest=$(c EarliestBacktrackTime)
assert_nonempty "$bt_earliest" "EarliestBacktrackTime of bt"
assert_same_time "$bt_created" "$bt_earliest" "EarliestBacktrackTime of a cluster younger than its window"

out=$(aws_rds describe-db-clusters --db-cluster-identifier nobt)
for f in BacktrackWindow EarliestBacktrackTime BacktrackConsumedChangeRecords; do
    assert_eq null "$(jp "DBClusters[0].$f" <<<"$out")" "$f of a cluster created without a window"
done
assert_eq 0 "$(backtracks nobt --query 'length(DBClusterBacktracks)')" "backtracks of nobt"
assert_eq 0 "$(backtracks bt --query 'length(DBClusterBacktracks)')" "backtracks of bt before any"

step "backtrack-db-cluster answers PENDING at once, then COMPLETED"
before=$(clock_now)
target=$before
out=$(aws_rds backtrack-db-cluster --db-cluster-identifier bt --backtrack-to "$target")
after=$(clock_now)
id1=$(jp BacktrackIdentifier <<<"$out")
assert_match "$id1" "$UUID_RE" "BacktrackIdentifier is a UUID"
assert_eq PENDING "$(jp Status <<<"$out")" "Status of the answer"
assert_eq bt "$(jp DBClusterIdentifier <<<"$out")" "DBClusterIdentifier of the answer"
assert_same_time "$target" "$(jp BacktrackTo <<<"$out")" "BacktrackTo of the answer"
assert_eq null "$(jp BacktrackedFrom <<<"$out")" "BacktrackedFrom of a PENDING answer"
created1=$(jp BacktrackRequestCreationTime <<<"$out")
assert_not_before "$before" "$created1" "BacktrackRequestCreationTime vs the clock before the request"
assert_not_before "$created1" "$after" "BacktrackRequestCreationTime vs the clock after the request"

wait_backtrack_status bt "$id1" COMPLETED
wait_cluster_status bt available
wait_instance_status bt-1 available
wait_instance_status bt-2 available
out=$(backtracks bt --backtrack-identifier "$id1")
assert_eq 1 "$(jp 'length(DBClusterBacktracks)' <<<"$out")" "lookup by --backtrack-identifier"
b() { jp "DBClusterBacktracks[0].$1" <<<"$out"; }
assert_eq "$id1" "$(b BacktrackIdentifier)" "BacktrackIdentifier of the lookup"
assert_eq bt "$(b DBClusterIdentifier)" "DBClusterIdentifier of the lookup"
assert_eq COMPLETED "$(b Status)" "Status after completion"
assert_same_time "$target" "$(b BacktrackTo)" "BacktrackTo after completion (no commit retained: the request)"
assert_same_time "$created1" "$(b BacktrackRequestCreationTime)" "BacktrackRequestCreationTime after completion"
from1=$(b BacktrackedFrom)
assert_nonempty "$from1" "BacktrackedFrom after completion"
assert_not_before "$created1" "$from1" "BacktrackedFrom vs BacktrackRequestCreationTime"
# the cluster's window fields are unchanged by a backtrack of nothing
out=$(aws_rds describe-db-clusters --db-cluster-identifier bt)
assert_eq 86400 "$(c BacktrackWindow)" "BacktrackWindow after a backtrack"
assert_same_time "$bt_created" "$(c EarliestBacktrackTime)" "EarliestBacktrackTime after a backtrack"
assert_eq 0 "$(c BacktrackConsumedChangeRecords)" "BacktrackConsumedChangeRecords after a backtrack"

step "aws rds wait db-cluster-available right after a backtrack"
out=$(backtrack_now bt)
id2=$(jp BacktrackIdentifier <<<"$out")
assert_ne "$id1" "$id2" "a new BacktrackIdentifier per request"
aws_rds wait db-cluster-available --db-cluster-identifier bt
_pass
assert_eq available "$(cluster_status bt)" "cluster after the waiter"
wait_backtrack_status bt "$id2" COMPLETED 5
# newest first
assert_eq "$id2 $id1" "$(backtrack_ids bt)" \
    "describe-db-cluster-backtracks lists newest first"

step "refusals"
expect_error_msg DBClusterNotFoundFault "DBCluster nope not found." \
    aws_rds backtrack-db-cluster --db-cluster-identifier nope --backtrack-to "$(clock_now)"
expect_error InvalidDBClusterStateFault backtrack_now nobt
expect_error InvalidDBClusterStateFault backtrack_now nobt --use-earliest-time-on-point-in-time-unavailable --force
future=$("$PY" -c '
import sys
from datetime import datetime, timedelta
t = datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")) + timedelta(hours=1)
print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))' "$(clock_now)")
expect_error InvalidParameterValue aws_rds backtrack-db-cluster --db-cluster-identifier bt --backtrack-to "$future"
assert_contains "$LAST_ERROR_MESSAGE" "in the future" "message for a BacktrackTo in the future"
expect_error InvalidParameterValue aws_rds backtrack-db-cluster --db-cluster-identifier bt --backtrack-to "$future" \
    --use-earliest-time-on-point-in-time-unavailable
assert_contains "$LAST_ERROR_MESSAGE" "in the future" "message for the future with UseEarliestTime..."
hour_before=$("$PY" -c '
import sys
from datetime import datetime, timedelta
t = datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")) - timedelta(hours=1)
print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))' "$bt_created")
expect_error InvalidParameterValue aws_rds backtrack-db-cluster --db-cluster-identifier bt --backtrack-to "$hour_before"
assert_contains "$LAST_ERROR_MESSAGE" "earliest" "message for a BacktrackTo before EarliestBacktrackTime"
assert_eq 2 "$(backtracks bt --query 'length(DBClusterBacktracks)')" "refused requests leave no backtrack behind"
assert_eq available "$(cluster_status bt)" "cluster after the refusals"

step "--use-earliest-time-on-point-in-time-unavailable lands on EarliestBacktrackTime"
out=$(aws_rds backtrack-db-cluster --db-cluster-identifier bt --backtrack-to "$hour_before" \
    --use-earliest-time-on-point-in-time-unavailable)
id3=$(jp BacktrackIdentifier <<<"$out")
assert_eq PENDING "$(jp Status <<<"$out")" "Status with UseEarliestTime..."
assert_same_time "$bt_earliest" "$(jp BacktrackTo <<<"$out")" "BacktrackTo with UseEarliestTime... (answer)"
wait_backtrack_status bt "$id3" COMPLETED
assert_same_time "$bt_earliest" "$(backtracks bt --backtrack-identifier "$id3" \
    --query 'DBClusterBacktracks[0].BacktrackTo' --output text)" "BacktrackTo with UseEarliestTime... (completed)"
wait_cluster_status bt available

step "binlog_format=ROW: refused unless --force"
aws_rds create-db-cluster-parameter-group --db-cluster-parameter-group-name binlog-row \
    --db-parameter-group-family aurora-mysql8.0 --description "binlog on" >/dev/null
aws_rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name binlog-row \
    --parameters ParameterName=binlog_format,ParameterValue=ROW,ApplyMethod=pending-reboot >/dev/null
create_cluster binlogged --backtrack-window 3600 --db-cluster-parameter-group-name binlog-row
wait_cluster_status binlogged available
assert_eq binlog-row "$(aws_rds describe-db-clusters --db-cluster-identifier binlogged \
    --query 'DBClusters[0].DBClusterParameterGroup' --output text)" "parameter group of binlogged"
expect_error InvalidDBClusterStateFault backtrack_now binlogged
assert_contains "$LAST_ERROR_MESSAGE" "binlog_format=ROW" "message for a backtrack with binlog on"
assert_eq available "$(cluster_status binlogged)" "binlogged after the refusal"
out=$(backtrack_now binlogged --force)
assert_eq PENDING "$(jp Status <<<"$out")" "Status with --force"
bl_id=$(jp BacktrackIdentifier <<<"$out")
wait_backtrack_status binlogged "$bl_id" COMPLETED
wait_cluster_status binlogged available

step "aurora-postgresql with a window is refused at create"
expect_error InvalidParameterCombination aws_rds create-db-cluster --db-cluster-identifier pg-bt \
    --engine aurora-postgresql --master-username admin --master-user-password secret123 --backtrack-window 3600
assert_eq gone "$(cluster_status pg-bt)" "no cluster left by the refused create"
aws_rds create-db-cluster --db-cluster-identifier pg-plain --engine aurora-postgresql \
    --master-username admin --master-user-password secret123 >/dev/null
wait_cluster_status pg-plain available
expect_error InvalidParameterCombination backtrack_now pg-plain --use-earliest-time-on-point-in-time-unavailable

step "describe-db-cluster-backtracks: lookups and filters"
expect_error_msg DBClusterBacktrackNotFoundFault "DBClusterBacktrack 00000000-0000-0000-0000-000000000000 not found." \
    backtracks bt --backtrack-identifier 00000000-0000-0000-0000-000000000000
expect_error DBClusterBacktrackNotFoundFault backtracks bt --backtrack-identifier "$bl_id" # another cluster's
expect_error DBClusterNotFoundFault backtracks nope
expect_error InvalidParameterValue backtracks bt --filters Name=bogus,Values=x
for v in completed COMPLETED Completed; do
    assert_eq 3 "$(backtracks bt --filters "Name=db-cluster-backtrack-status,Values=$v" \
        --query 'length(DBClusterBacktracks)')" "status filter $v"
done
assert_eq 0 "$(backtracks bt --filters Name=db-cluster-backtrack-status,Values=failed \
    --query 'length(DBClusterBacktracks)')" "status filter failed (none yet)"
assert_eq 0 "$(backtracks bt --filters Name=db-cluster-backtrack-status,Values=pending,applying \
    --query 'length(DBClusterBacktracks)')" "status filter pending,applying (none running)"
assert_eq "$id2" "$(backtrack_ids bt --filters "Name=db-cluster-backtrack-id,Values=$id2")" "id filter"
assert_eq 2 "$(backtracks bt --filters "Name=db-cluster-backtrack-id,Values=$id1,$id3" \
    --query 'length(DBClusterBacktracks)')" "id filter with two values"
assert_eq 0 "$(backtracks bt --filters Name=db-cluster-backtrack-id,Values=00000000-0000-0000-0000-000000000000 \
    --query 'length(DBClusterBacktracks)')" "id filter matching nothing"

step "POST /_rewind/faults: the next backtrack fails, the one after completes"
http POST /_rewind/faults '{"cluster": "nope", "fail_next_backtrack": true}' application/json
assert_eq 404 "$HTTP_CODE" "fault on an unknown cluster (body: $HTTP_BODY)"
http POST /_rewind/faults '{"cluster": "bt", "region": "us-west-2", "fail_next_backtrack": true}' application/json
assert_eq 404 "$HTTP_CODE" "fault on bt in another region (body: $HTTP_BODY)"
rewind_post /_rewind/faults '{"cluster": "bt", "fail_next_backtrack": true}'
out=$(backtrack_now bt)
fid=$(jp BacktrackIdentifier <<<"$out")
assert_eq PENDING "$(jp Status <<<"$out")" "the faulted backtrack is accepted"
wait_backtrack_status bt "$fid" FAILED
wait_cluster_status bt available
wait_instance_status bt-1 available
wait_instance_status bt-2 available
out=$(backtrack_now bt)
id4=$(jp BacktrackIdentifier <<<"$out")
wait_backtrack_status bt "$id4" COMPLETED
wait_cluster_status bt available
assert_eq "$fid" "$(backtrack_ids bt --filters Name=db-cluster-backtrack-status,Values=FAILED)" \
    "status filter FAILED"
assert_eq 5 "$(backtracks bt --filters Name=db-cluster-backtrack-status,Values=completed,failed \
    --query 'length(DBClusterBacktracks)')" "status filter completed,failed"
assert_eq "$id4 $fid $id3 $id2 $id1" "$(backtrack_ids bt)" \
    "all backtracks of bt, newest first"

step "describe-events --event-categories backtrack"
ev=$(backtrack_events bt)
to1=$(backtracks bt --backtrack-identifier "$id1" --query 'DBClusterBacktracks[0].BacktrackTo' --output text)
for id in "$id1" "$id2" "$id3" "$id4" "$fid"; do
    assert_eq 1 "$(count_lines "^Backtrack $id to .* requested\.$" "$ev")" "one 'requested' event for $id"
    assert_eq 1 "$(count_lines "^Backtrack $id started: " "$ev")" "one 'started' event for $id"
done
for id in "$id1" "$id2" "$id3" "$id4"; do
    assert_eq 1 "$(count_lines "^Backtrack $id completed: " "$ev")" "one 'completed' event for $id"
    assert_eq 0 "$(count_lines "^Backtrack $id failed" "$ev")" "no 'failed' event for $id"
done
assert_eq 1 "$(count_lines "^Backtrack $fid failed: " "$ev")" "one 'failed' event for the faulted backtrack"
assert_eq 0 "$(count_lines "^Backtrack $fid completed" "$ev")" "no 'completed' event for the faulted backtrack"
assert_contains "$ev" "Backtrack $id1 to $to1 requested." "requested event names BacktrackTo"
# requested < started < completed, in the order describe-events lists them
order=$(grep -n "^Backtrack $id1 " <<<"$ev" | sed -E 's/^[0-9]+:Backtrack [^ ]+ (to .* requested|started|completed).*/\1/;s/^to .*/requested/')
assert_eq "requested started completed" "$(tr '\n' ' ' <<<"$order" | sed 's/ $//')" "order of the events of $id1"
assert_not_contains "$ev" "DB cluster created." "the backtrack category leaves out the creation event"
assert_eq 0 "$(aws_rds describe-events --source-type db-cluster --source-identifier nobt \
    --event-categories backtrack --query 'length(Events)')" "no backtrack events for nobt"
cats=$(aws_rds describe-events --source-type db-cluster --source-identifier bt --event-categories backtrack \
    --query 'Events[].EventCategories[]' --output text | tr '\t' '\n' | sort -u)
assert_eq backtrack "$cats" "EventCategories of the backtrack events"

step "paging: 22 backtracks, --page-size 20"
page_ids=()
for i in $(seq 22); do
    out=$(backtrack_now pages)
    page_ids+=("$(jp BacktrackIdentifier <<<"$out")")
    wait_cluster_status pages available 10
done
assert_eq 22 "$(printf '%s\n' "${page_ids[@]}" | sort -u | wc -l | tr -d ' ')" "22 distinct ids were returned"
newest_first=$(for ((i = ${#page_ids[@]} - 1; i >= 0; i--)); do echo "${page_ids[$i]}"; done)

n0=$(grep -c 'action="DescribeDBClusterBacktracks"' "$SERVER_LOG" || true)
all=$(backtracks pages --page-size 20)
n1=$(grep -c 'action="DescribeDBClusterBacktracks"' "$SERVER_LOG" || true)
assert_eq 2 "$((n1 - n0))" "requests made by --page-size 20 over 22 backtracks"
assert_eq "$newest_first" "$(jp 'DBClusterBacktracks[].BacktrackIdentifier' <<<"$all")" \
    "all 22 with --page-size 20, newest first"
assert_eq 22 "$(jp 'DBClusterBacktracks[?Status==`COMPLETED`] | length(@)' <<<"$all")" "all 22 COMPLETED"
times=$(jp 'DBClusterBacktracks[].BacktrackRequestCreationTime' <<<"$all")
assert_eq "$(sort -r <<<"$times")" "$times" "BacktrackRequestCreationTime descending"

out=$(backtracks pages --no-paginate --max-records 20)
assert_eq 20 "$(jp 'length(DBClusterBacktracks)' <<<"$out")" "first page (MaxRecords 20)"
marker=$(jp Marker <<<"$out")
assert_nonempty "$marker" "Marker of the first page"
p1=$(jp 'DBClusterBacktracks[].BacktrackIdentifier' <<<"$out")
out=$(backtracks pages --no-paginate --max-records 20 --marker "$marker")
assert_eq 2 "$(jp 'length(DBClusterBacktracks)' <<<"$out")" "second page"
assert_eq null "$(jp Marker <<<"$out")" "no Marker on the last page"
p2=$(jp 'DBClusterBacktracks[].BacktrackIdentifier' <<<"$out")
assert_eq "$newest_first" "$(printf '%s\n%s' "$p1" "$p2")" "the two pages together, in order"

out=$(backtracks pages --max-items 20 --page-size 20)
assert_eq 20 "$(jp 'length(DBClusterBacktracks)' <<<"$out")" "--max-items 20"
token=$(jp NextToken <<<"$out")
assert_nonempty "$token" "NextToken after --max-items 20"
first=$(jp 'DBClusterBacktracks[].BacktrackIdentifier' <<<"$out")
out=$(backtracks pages --starting-token "$token" --page-size 20)
assert_eq 2 "$(jp 'length(DBClusterBacktracks)' <<<"$out")" "--starting-token: the rest"
assert_eq null "$(jp NextToken <<<"$out")" "no NextToken at the end"
assert_eq "$newest_first" "$(printf '%s\n%s' "$first" "$(jp 'DBClusterBacktracks[].BacktrackIdentifier' <<<"$out")")" \
    "--max-items then --starting-token covers all 22 once"
out=$(backtracks pages --max-items 5)
assert_eq 5 "$(jp 'length(DBClusterBacktracks)' <<<"$out")" "--max-items 5"
assert_nonempty "$(jp NextToken <<<"$out")" "NextToken after --max-items 5"
expect_error InvalidParameterValue backtracks pages --page-size 5
expect_error InvalidParameterValue backtracks pages --page-size 101
# filters apply before paging
assert_eq 22 "$(backtracks pages --page-size 20 --filters Name=db-cluster-backtrack-status,Values=completed \
    --query 'length(DBClusterBacktracks)')" "status filter over two pages"

step "window changes with modify-db-cluster"
out=$(aws_rds modify-db-cluster --db-cluster-identifier bt --backtrack-window 3600 --apply-immediately)
assert_eq 3600 "$(jp DBCluster.BacktrackWindow <<<"$out")" "BacktrackWindow in the modify answer"
wait_cluster_status bt available
assert_eq 3600 "$(aws_rds describe-db-clusters --db-cluster-identifier bt \
    --query 'DBClusters[0].BacktrackWindow' --output text)" "BacktrackWindow after modify"
expect_error_msg InvalidParameterCombination "Backtrack cannot currently be enabled for this cluster" \
    aws_rds modify-db-cluster --db-cluster-identifier nobt --backtrack-window 3600 --apply-immediately
assert_eq null "$(aws_rds describe-db-clusters --db-cluster-identifier nobt \
    --query 'DBClusters[0].BacktrackWindow')" "nobt still has no window"
aws_rds modify-db-cluster --db-cluster-identifier bt --backtrack-window 0 --apply-immediately >/dev/null
wait_cluster_status bt available
out=$(aws_rds describe-db-clusters --db-cluster-identifier bt)
assert_eq 0 "$(c BacktrackWindow)" "BacktrackWindow after setting 0"
assert_eq null "$(c EarliestBacktrackTime)" "EarliestBacktrackTime after setting 0"
assert_eq null "$(c BacktrackConsumedChangeRecords)" "BacktrackConsumedChangeRecords after setting 0"
expect_error_msg InvalidParameterCombination "Backtrack cannot currently be enabled for this cluster" \
    aws_rds modify-db-cluster --db-cluster-identifier bt --backtrack-window 3600 --apply-immediately
expect_error InvalidDBClusterStateFault backtrack_now bt --use-earliest-time-on-point-in-time-unavailable
# the history stays readable
assert_eq 5 "$(backtracks bt --query 'length(DBClusterBacktracks)')" "backtracks of bt after disabling"

step "window expiry with the clock"
out=$(aws_rds describe-db-clusters --db-cluster-identifier exp)
exp_created=$(c ClusterCreateTime)
assert_same_time "$exp_created" "$(c EarliestBacktrackTime)" "EarliestBacktrackTime of exp before the clock moves"
advance_clock 7200
out=$(aws_rds describe-db-clusters --db-cluster-identifier exp)
now=$(clock_now)
exp_earliest=$(c EarliestBacktrackTime)
expected=$("$PY" -c '
import sys
from datetime import datetime, timedelta
t = datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")) - timedelta(seconds=3600)
print(t.isoformat())' "$now")
assert_time_near "$expected" "$exp_earliest" 2 "EarliestBacktrackTime after 7200 s with a 3600 s window"
assert_eq 3600 "$(c BacktrackWindow)" "BacktrackWindow of exp after the clock moved"
assert_eq 0 "$(c BacktrackConsumedChangeRecords)" "BacktrackConsumedChangeRecords of exp"
expect_error InvalidParameterValue aws_rds backtrack-db-cluster --db-cluster-identifier exp --backtrack-to "$exp_created"
# EarliestBacktrackTime moves with the clock: bracket the request between two readings.
before=$(aws_rds describe-db-clusters --db-cluster-identifier exp --query 'DBClusters[0].EarliestBacktrackTime' --output text)
out=$(aws_rds backtrack-db-cluster --db-cluster-identifier exp --backtrack-to "$exp_created" \
    --use-earliest-time-on-point-in-time-unavailable)
after=$(aws_rds describe-db-clusters --db-cluster-identifier exp --query 'DBClusters[0].EarliestBacktrackTime' --output text)
assert_eq PENDING "$(jp Status <<<"$out")" "expired target with UseEarliestTime..."
assert_eq ok "$("$PY" -c '
import sys
from datetime import datetime
t = [datetime.fromisoformat(a.replace("Z", "+00:00")) for a in sys.argv[1:]]
print("ok" if t[0] <= t[1] <= t[2] else f"{t[1]} is not within [{t[0]}, {t[2]}]")' "$before" "$(jp BacktrackTo <<<"$out")" "$after")" \
    "BacktrackTo = EarliestBacktrackTime at the time of the request"
wait_backtrack_status exp "$(jp BacktrackIdentifier <<<"$out")" COMPLETED
wait_cluster_status exp available
# a time inside the window is still fine
out=$(backtrack_now exp)
wait_backtrack_status exp "$(jp BacktrackIdentifier <<<"$out")" COMPLETED
wait_cluster_status exp available
stop_server

# =============================================================================================
# Realistic pace: PENDING 15 s, APPLYING 60 s; the clock finishes them
# =============================================================================================
rm -rf "$DATA_DIR"
start_server --pace realistic

step "realistic pace: cluster and instance up"
create_cluster rt --backtrack-window 86400
create_instance rt-1 rt
advance_clock 900
wait_cluster_status rt available 20
wait_instance_status rt-1 available 20

step "several concurrent requests: exactly one is accepted"
target=$(clock_now)
pids=()
for i in 1 2 3 4; do
    (
        rc=0
        aws_rds backtrack-db-cluster --db-cluster-identifier rt --backtrack-to "$target" \
            >"$TMP/conc.$i.out" 2>"$TMP/conc.$i.err" || rc=$?
        echo "$rc" >"$TMP/conc.$i.rc"
    ) &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
accepted=0
rid=""
for i in 1 2 3 4; do
    if [[ $(cat "$TMP/conc.$i.rc") == 0 ]]; then
        accepted=$((accepted + 1))
        rid=$(jp BacktrackIdentifier <"$TMP/conc.$i.out")
    else
        assert_contains "$(cat "$TMP/conc.$i.err")" "An error occurred (InvalidDBClusterStateFault)" \
            "a concurrent request that lost"
    fi
done
assert_eq 1 "$accepted" "concurrent backtrack requests accepted"
assert_match "$rid" "$UUID_RE" "id of the accepted request"

step "realistic pace: backtracking right away, PENDING then APPLYING"
assert_eq backtracking "$(cluster_status rt)" "cluster right after the request"
assert_eq backtracking "$(instance_status rt-1)" "instance right after the request"
out=$(backtracks rt)
assert_eq 1 "$(jp 'length(DBClusterBacktracks)' <<<"$out")" "one backtrack recorded"
assert_eq "$rid" "$(jp 'DBClusterBacktracks[0].BacktrackIdentifier' <<<"$out")" "the accepted one"
assert_eq PENDING "$(jp 'DBClusterBacktracks[0].Status' <<<"$out")" "Status while pending"
assert_eq null "$(jp 'DBClusterBacktracks[0].BacktrackedFrom' <<<"$out")" "no BacktrackedFrom while pending"
rcreated=$(jp 'DBClusterBacktracks[0].BacktrackRequestCreationTime' <<<"$out")
assert_eq 1 "$(backtracks rt --filters Name=db-cluster-backtrack-status,Values=pending \
    --query 'length(DBClusterBacktracks)')" "status filter pending"
expect_error InvalidDBClusterStateFault backtrack_now rt
expect_error InvalidDBClusterStateFault backtrack_now rt --force --use-earliest-time-on-point-in-time-unavailable
advance_clock 20
wait_backtrack_status rt "$rid" APPLYING 10
out=$(backtracks rt --backtrack-identifier "$rid")
rfrom=$(jp 'DBClusterBacktracks[0].BacktrackedFrom' <<<"$out")
assert_nonempty "$rfrom" "BacktrackedFrom while applying"
d=$(tdiff "$rcreated" "$rfrom")
"$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 14.9 else 1)' "$d" ||
    fail "BacktrackedFrom $rfrom is only ${d}s after the request ($rcreated); PENDING lasts 15 s"
_pass
assert_eq backtracking "$(cluster_status rt)" "cluster while applying"
assert_eq backtracking "$(instance_status rt-1)" "instance while applying"
expect_error InvalidDBClusterStateFault backtrack_now rt
assert_eq 1 "$(backtracks rt --query 'length(DBClusterBacktracks)')" "refused requests recorded nothing"

step "kill -9 while APPLYING, restart on the same data dir"
crash_server
start_server --pace realistic
assert_eq APPLYING "$(backtrack_status rt "$rid")" "backtrack after restart, before the clock moves"
assert_eq backtracking "$(cluster_status rt)" "cluster after restart, before the clock moves"
advance_clock 120
wait_backtrack_status rt "$rid" COMPLETED 15
wait_cluster_status rt available 15
wait_instance_status rt-1 available 15
aws_rds wait db-cluster-available --db-cluster-identifier rt
_pass
out=$(backtracks rt --backtrack-identifier "$rid")
assert_same_time "$target" "$(jp 'DBClusterBacktracks[0].BacktrackTo' <<<"$out")" "BacktrackTo after restart"
assert_eq "$rfrom" "$(jp 'DBClusterBacktracks[0].BacktrackedFrom' <<<"$out")" "BacktrackedFrom kept across restart"
assert_eq "$rcreated" "$(jp 'DBClusterBacktracks[0].BacktrackRequestCreationTime' <<<"$out")" \
    "BacktrackRequestCreationTime kept across restart"
ev=$(backtrack_events rt)
assert_eq 1 "$(count_lines "^Backtrack $rid to .* requested\.$" "$ev")" "one 'requested' event after restart"
assert_eq 1 "$(count_lines "^Backtrack $rid started: " "$ev")" "one 'started' event after restart"
assert_eq 1 "$(count_lines "^Backtrack $rid completed: " "$ev")" "one 'completed' event after restart"
assert_eq 3 "$(count_lines . "$ev")" "backtrack events of rt (only the accepted request)"

step "a new backtrack after the restart runs to the end"
out=$(backtrack_now rt)
rid2=$(jp BacktrackIdentifier <<<"$out")
assert_eq backtracking "$(cluster_status rt)" "cluster right after the second request"
# two steps: one advance only fires the transition that is due (PENDING -> APPLYING); the
# APPLYING minute then counts from that moment, so a single 120 s advance is not enough
advance_clock 20
wait_backtrack_status rt "$rid2" APPLYING 10
advance_clock 120
wait_backtrack_status rt "$rid2" COMPLETED 15
wait_cluster_status rt available 15
assert_eq "$rid2 $rid" "$(backtrack_ids rt)" \
    "backtracks of rt, newest first"

finish
