#!/usr/bin/env bash
# shellcheck disable=SC2016 # JMESPath literals in single quotes
# Tags: --tags at create time, add/list/remove on cluster and instance ARNs.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

start_server

ARN=arn:aws:rds:us-east-1:000000000000:cluster:tagged
IARN=arn:aws:rds:us-east-1:000000000000:db:tagged-1

tags_of() { # tags_of ARN: "k=v" lines, sorted
    aws_rds list-tags-for-resource --resource-name "$1" --query '(TagList || `[]`)[].[Key,Value]' --output text |
        awk -F'\t' 'NF { print $1 "=" $2 }' | sort
}

step "create with --tags"
out=$(aws_rds create-db-cluster --db-cluster-identifier tagged --engine aurora-mysql \
    --master-username admin --master-user-password secret123 \
    --tags Key=env,Value=test Key=team,Value=db)
assert_eq "$ARN" "$(jp DBCluster.DBClusterArn <<<"$out")" "cluster ARN"
assert_eq "env=test,team=db" "$(jp "sort_by(DBCluster.TagList, &Key)[].join('=', [Key, Value]) | join(',', @)" <<<"$out")" \
    "TagList in create-db-cluster response"
out=$(aws_rds describe-db-clusters --db-cluster-identifier tagged)
assert_eq "env=test,team=db" "$(jp "sort_by(DBClusters[0].TagList, &Key)[].join('=', [Key, Value]) | join(',', @)" <<<"$out")" \
    "TagList in describe-db-clusters"
assert_eq $'env=test\nteam=db' "$(tags_of "$ARN")" "list-tags-for-resource after create"

step "add-tags-to-resource"
aws_rds add-tags-to-resource --resource-name "$ARN" --tags Key=owner,Value=me
assert_eq $'env=test\nowner=me\nteam=db' "$(tags_of "$ARN")" "tags after add"
aws_rds add-tags-to-resource --resource-name "$ARN" --tags Key=env,Value=prod
assert_eq $'env=prod\nowner=me\nteam=db' "$(tags_of "$ARN")" "adding an existing key replaces its value"

step "remove-tags-from-resource"
aws_rds remove-tags-from-resource --resource-name "$ARN" --tag-keys team
assert_eq $'env=prod\nowner=me' "$(tags_of "$ARN")" "tags after remove"
aws_rds remove-tags-from-resource --resource-name "$ARN" --tag-keys env owner
assert_eq "" "$(tags_of "$ARN")" "tags after removing the rest"
assert_eq 0 "$(aws_rds describe-db-clusters --db-cluster-identifier tagged \
    --query 'length(DBClusters[0].TagList || `[]`)' --output text)" "TagList in describe after removing all"

step "instance tags"
out=$(aws_rds create-db-instance --db-instance-identifier tagged-1 --db-cluster-identifier tagged \
    --engine aurora-mysql --db-instance-class db.r6g.large --tags Key=role,Value=writer)
assert_eq "$IARN" "$(jp DBInstance.DBInstanceArn <<<"$out")" "instance ARN"
assert_eq "role=writer" "$(tags_of "$IARN")" "instance tags after create"
aws_rds add-tags-to-resource --resource-name "$IARN" --tags Key=tier,Value=gold
assert_eq $'role=writer\ntier=gold' "$(tags_of "$IARN")" "instance tags after add"
assert_eq "role=writer,tier=gold" "$(aws_rds describe-db-instances --db-instance-identifier tagged-1 \
    --query "sort_by(DBInstances[0].TagList, &Key)[].join('=', [Key, Value]) | join(',', @)" --output text)" \
    "TagList in describe-db-instances"
assert_eq "" "$(tags_of "$ARN")" "cluster tags unaffected by instance tags"

finish
