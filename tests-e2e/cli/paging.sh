#!/usr/bin/env bash
# Pagination through the CLI: --max-items/--starting-token, --page-size, and raw --max-records/--marker.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

start_server

N=25
step "create $N clusters"
expected=()
pids=()
for i in $(seq -w 1 $N); do
    expected+=("page-$i")
    aws_rds create-db-cluster --db-cluster-identifier "page-$i" --engine aurora-mysql \
        --master-username admin --master-user-password secret123 >/dev/null 2>"$TMP/create-$i.err" &
    pids+=($!)
    if ((${#pids[@]} >= 4)); then # a few at a time; 2 cores
        for p in "${pids[@]}"; do wait "$p" || fail "create-db-cluster failed: $(cat "$TMP"/create-*.err)"; done
        pids=()
    fi
done
for p in "${pids[@]}"; do wait "$p" || fail "create-db-cluster failed: $(cat "$TMP"/create-*.err)"; done
expected_sorted=$(printf '%s\n' "${expected[@]}" | sort)
assert_eq "$N" "$(aws_rds describe-db-clusters --query 'length(DBClusters)' --output text)" "clusters in one listing"

step "--max-items 10, then follow NextToken"
seen=()
token=""
pages=0
sizes=()
while :; do
    pages=$((pages + 1))
    ((pages <= 10)) || fail "more than 10 pages; NextToken never ends"
    if [[ -z $token ]]; then
        out=$(aws_rds describe-db-clusters --max-items 10)
    else
        out=$(aws_rds describe-db-clusters --max-items 10 --starting-token "$token")
    fi
    ids=$(jp 'DBClusters[].DBClusterIdentifier' <<<"$out")
    n=$(jp 'length(DBClusters)' <<<"$out")
    sizes+=("$n")
    [[ -n $ids ]] && mapfile -t -O "${#seen[@]}" seen <<<"$ids"
    token=$(jp 'NextToken' <<<"$out")
    [[ $token == null ]] && token=""
    [[ -n $token ]] || break
done
assert_eq "10 10 5" "${sizes[*]}" "page sizes with --max-items 10"
assert_eq 3 "$pages" "pages with --max-items 10"
assert_eq "$N" "${#seen[@]}" "clusters seen over all pages"
assert_eq "$expected_sorted" "$(printf '%s\n' "${seen[@]}" | sort -u)" "distinct clusters over all pages"

step "--page-size 20: the CLI follows the Marker itself"
before=$(find "$RECORD_DIR" -name '*-DescribeDBClusters.xml' 2>/dev/null | wc -l)
out=$(aws_rds describe-db-clusters --page-size 20)
assert_eq "$N" "$(jp 'length(DBClusters)' <<<"$out")" "clusters with --page-size 20"
assert_eq "$expected_sorted" "$(jp 'DBClusters[].DBClusterIdentifier' <<<"$out" | sort -u)" "distinct clusters with --page-size 20"
recorded_since() { echo $(($(find "$RECORD_DIR" -name '*-DescribeDBClusters.xml' 2>/dev/null | wc -l) - before)); }
two_recorded() { (($(recorded_since) >= 2)); }
poll_until 5 "2 DescribeDBClusters responses recorded in REWIND_RECORD_DIR" two_recorded
assert_eq 2 "$(recorded_since)" "DescribeDBClusters requests made for --page-size 20"
# the first of the two pages carried a Marker and 20 clusters
first_page=$(find "$RECORD_DIR" -name '*-DescribeDBClusters.xml' | sort | tail -n 2 | head -n 1)
assert_eq 20 "$(grep -o '<DBCluster>' "$first_page" | wc -l)" "clusters in the first recorded page"
assert_contains "$(cat "$first_page")" "<Marker>" "first recorded page has a Marker"

step "raw --max-records 20 / --marker"
out=$(aws_rds describe-db-clusters --max-records 20)
assert_eq 20 "$(jp 'length(DBClusters)' <<<"$out")" "first page with --max-records 20"
marker=$(jp Marker <<<"$out")
assert_nonempty "$marker" "Marker after the first page"
first=$(jp 'DBClusters[].DBClusterIdentifier' <<<"$out")
out=$(aws_rds describe-db-clusters --max-records 20 --marker "$marker")
assert_eq 5 "$(jp 'length(DBClusters)' <<<"$out")" "second page with --max-records 20"
assert_eq null "$(jp Marker <<<"$out")" "no Marker on the last page"
assert_eq "$expected_sorted" "$(printf '%s\n%s\n' "$first" "$(jp 'DBClusters[].DBClusterIdentifier' <<<"$out")" | sort -u)" \
    "both raw pages together"
out=$(aws_rds describe-db-clusters --max-records 100)
assert_eq "$N" "$(jp 'length(DBClusters)' <<<"$out")" "one page of 100"
assert_eq null "$(jp Marker <<<"$out")" "no Marker when everything fits"

finish
