#!/usr/bin/env bash
# describe-db-engine-versions, and the engine version a cluster gets by default.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

start_server

step "describe-db-engine-versions --engine aurora-mysql"
out=$(aws_rds describe-db-engine-versions --engine aurora-mysql)
versions=$(jp 'DBEngineVersions[].EngineVersion' <<<"$out")
assert_contains "$versions" 8.0.mysql_aurora.3.05.2 "aurora-mysql versions"
assert_contains "$versions" 5.7.mysql_aurora.2.11.2 "aurora-mysql versions"
assert_eq aurora-mysql8.0 \
    "$(jp "DBEngineVersions[?EngineVersion=='8.0.mysql_aurora.3.05.2'] | [0].DBParameterGroupFamily" <<<"$out")" \
    "family of 8.0.mysql_aurora.3.05.2"
assert_eq aurora-mysql5.7 \
    "$(jp "DBEngineVersions[?EngineVersion=='5.7.mysql_aurora.2.11.2'] | [0].DBParameterGroupFamily" <<<"$out")" \
    "family of 5.7.mysql_aurora.2.11.2"
assert_eq aurora-mysql "$(jp 'DBEngineVersions[].Engine' <<<"$out" | sort -u)" "only aurora-mysql versions listed"
assert_eq "" "$(jp 'DBEngineVersions[].EngineVersion' <<<"$out" | sort | uniq -d)" "no version listed twice"

step "--engine-version narrows to one"
out=$(aws_rds describe-db-engine-versions --engine aurora-mysql --engine-version 8.0.mysql_aurora.3.05.2)
assert_eq 1 "$(jp 'length(DBEngineVersions)' <<<"$out")" "versions matching 8.0.mysql_aurora.3.05.2"

step "a cluster created without --engine-version gets a 3.x version"
out=$(aws_rds create-db-cluster --db-cluster-identifier dflt --engine aurora-mysql \
    --master-username admin --master-user-password secret123)
version=$(jp DBCluster.EngineVersion <<<"$out")
assert_match "$version" '^8\.0\.mysql_aurora\.3\.' "default aurora-mysql EngineVersion"
assert_contains "$versions" "$version" "default version is one of the listed versions"
assert_eq default.aurora-mysql8.0 "$(jp DBCluster.DBClusterParameterGroup <<<"$out")" "default group of the default version"

step "a 5.7 cluster gets the 5.7 default group"
out=$(aws_rds create-db-cluster --db-cluster-identifier old --engine aurora-mysql \
    --engine-version 5.7.mysql_aurora.2.11.2 --master-username admin --master-user-password secret123)
assert_eq 5.7.mysql_aurora.2.11.2 "$(jp DBCluster.EngineVersion <<<"$out")" "EngineVersion of the 5.7 cluster"
assert_eq default.aurora-mysql5.7 "$(jp DBCluster.DBClusterParameterGroup <<<"$out")" "group of the 5.7 cluster"

finish
