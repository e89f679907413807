#!/usr/bin/env bash
# The wire format as seen with curl: error envelope, request id header, missing parameters,
# success envelope shape, and the control endpoints.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

start_server

# xml QUERY: facts about the XML in $HTTP_BODY. QUERY is one of:
#   root          local name of the root element
#   first-child   local name of the root's first child element
#   ns            namespace of the root
#   text PATH     text of the first element at PATH (local names, '/'-separated, below the root)
#   has PATH      "yes" when an element exists at PATH
xml() {
    printf '%s' "$HTTP_BODY" >"$TMP/body.xml"
    "$PY" -c '
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
local = lambda e: e.tag.rsplit("}", 1)[-1]
def find(path):
    node = root
    for part in path.split("/"):
        node = next((c for c in node if local(c) == part), None)
        if node is None:
            return None
    return node
q = sys.argv[2]
if q == "root":
    print(local(root))
elif q == "ns":
    print(root.tag[1:].split("}")[0] if root.tag.startswith("{") else "")
elif q == "first-child":
    print(local(root[0]) if len(root) else "")
elif q == "text":
    n = find(sys.argv[3])
    print("" if n is None else (n.text or ""))
elif q == "has":
    print("yes" if find(sys.argv[3]) is not None else "no")
' "$TMP/body.xml" "$@"
}

NS=http://rds.amazonaws.com/doc/2014-10-31/

step "unknown Action with plain curl"
code=$(curl -sS --max-time 10 -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' -d 'Action=FooBar&Version=2014-10-31' "$ENDPOINT/")
HTTP_CODE=$code HTTP_BODY=$(cat "$TMP/b") HTTP_HEADERS=$(tr -d '\r' <"$TMP/h")
assert_eq 400 "$HTTP_CODE" "HTTP status for Action=FooBar"
assert_contains "$HTTP_BODY" "<Code>InvalidAction</Code>" "body for Action=FooBar"
assert_eq ErrorResponse "$(xml root)" "error root element"
assert_eq "$NS" "$(xml ns)" "error namespace"
assert_eq Sender "$(xml text Error/Type)" "Error/Type"
assert_nonempty "$(xml text Error/Message)" "Error/Message"
rid=$(header_value x-amzn-RequestId)
assert_nonempty "$rid" "x-amzn-RequestId header"
assert_eq "$rid" "$(xml text RequestId)" "RequestId in body equals the header"

step "missing required parameter"
http POST / 'Action=CreateDBCluster&Version=2014-10-31&Engine=aurora-mysql'
assert_eq 400 "$HTTP_CODE" "HTTP status for CreateDBCluster without DBClusterIdentifier"
assert_eq MissingParameter "$(xml text Error/Code)" "code for CreateDBCluster without DBClusterIdentifier"
assert_contains "$(xml text Error/Message)" DBClusterIdentifier "message names the missing parameter"
http POST / 'Action=DeleteDBInstance&Version=2014-10-31'
assert_eq 400 "$HTTP_CODE" "HTTP status for DeleteDBInstance without DBInstanceIdentifier"
assert_eq MissingParameter "$(xml text Error/Code)" "code for DeleteDBInstance without DBInstanceIdentifier"

step "success envelope (empty DescribeDBClusters)"
http POST / 'Action=DescribeDBClusters&Version=2014-10-31'
assert_eq 200 "$HTTP_CODE" "HTTP status of DescribeDBClusters"
assert_contains "$(header_value Content-Type)" "text/xml" "Content-Type"
assert_eq DescribeDBClustersResponse "$(xml root)" "root element"
assert_eq "$NS" "$(xml ns)" "namespace"
assert_eq DescribeDBClustersResult "$(xml first-child)" "first child is the Result element"
assert_eq yes "$(xml has DescribeDBClustersResult/DBClusters)" "empty DBClusters wrapper is present"
rid=$(header_value x-amzn-RequestId)
assert_nonempty "$rid" "x-amzn-RequestId header"
assert_eq "$rid" "$(xml text ResponseMetadata/RequestId)" "ResponseMetadata/RequestId equals the header"

step "request ids are unique"
http POST / 'Action=DescribeDBClusters&Version=2014-10-31'
assert_ne "$rid" "$(header_value x-amzn-RequestId)" "second request id"

step "not found with curl"
http POST / 'Action=DescribeDBClusters&Version=2014-10-31&DBClusterIdentifier=nope'
assert_eq 404 "$HTTP_CODE" "HTTP status of DBClusterNotFoundFault"
assert_eq DBClusterNotFoundFault "$(xml text Error/Code)" "code"
assert_eq "DBCluster nope not found." "$(xml text Error/Message)" "message"
http POST / 'Action=DescribeDBInstances&Version=2014-10-31&DBInstanceIdentifier=nope'
assert_eq 404 "$HTTP_CODE" "HTTP status of DBInstanceNotFound"
assert_eq DBInstanceNotFound "$(xml text Error/Code)" "code"

step "form decoding: + and %20 both mean a space"
http POST / 'Action=CreateDBClusterParameterGroup&Version=2014-10-31&DBClusterParameterGroupName=sp&DBParameterGroupFamily=aurora-mysql8.0&Description=two+words%20here'
assert_eq 200 "$HTTP_CODE" "CreateDBClusterParameterGroup status ($HTTP_BODY)"
assert_eq "two words here" \
    "$(xml text CreateDBClusterParameterGroupResult/DBClusterParameterGroup/Description)" "decoded Description"

step "control endpoints"
http GET /_rewind/health
assert_eq 200 "$HTTP_CODE" "GET /_rewind/health"
http GET /_rewind/clock
assert_eq 200 "$HTTP_CODE" "GET /_rewind/clock"
now=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["now"])' "$HTTP_BODY")
assert_match "$now" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' "clock now is ISO-8601"

finish
