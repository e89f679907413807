# shellcheck shell=bash
# tests-e2e/lib.sh: helpers for the AWS CLI end-to-end scripts in tests-e2e/cli/.
#
# Source it first thing in a test script:
#
#     source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
#     start_server
#     aws_rds create-db-cluster ...
#     finish
#
# Each script is a standalone test: it starts its own `rewind` on a free loopback port with its
# own data dir, and a trap kills the server when the script exits (for whatever reason).
# Every loop here is bounded by a deadline; nothing talks to anything but 127.0.0.1.
#
# Environment knobs (all optional):
#   REWIND_BIN               server binary (default: <repo>/target/release/rewind)
#   REWIND_E2E_RECORD_ROOT   where each server start records its responses, one subdir per start
#                            (default: a temp dir that is removed on exit)
#   REWIND_E2E_PID_DIR       scripts/test sets this; every server pid is written there so the
#                            runner can clean up after a script that was killed hard
#   REWIND_E2E_KEEP=1        keep the temp dir (data dir, server logs) after the script ends

set -Eeuo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$E2E_DIR/.." && pwd)
REWIND_BIN=${REWIND_BIN:-$REPO_ROOT/target/release/rewind}
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}

# Use the project's pinned awscli/python when present (scripts/test creates .venv/).
if [[ -x $REPO_ROOT/.venv/bin/aws ]]; then
    PATH="$REPO_ROOT/.venv/bin:$PATH"
fi
if [[ -x $REPO_ROOT/.venv/bin/python ]]; then
    PY=$REPO_ROOT/.venv/bin/python
else
    PY=python3
fi
export PATH

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rewind-e2e-$TEST_NAME.XXXXXX")
DATA_DIR=$TMP/data
RECORD_ROOT=${REWIND_E2E_RECORD_ROOT:-$TMP/records}

SERVER_PID=""
SERVER_LOG=""
SERVER_STARTS=0
PORT=""
ENDPOINT=""
RECORD_DIR=""
CHECKS=0

# Credentials and region as a user of an emulator would set them; nothing from the user's own
# AWS config may leak in (profiles, real endpoints, retries that hide a failing first answer).
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER=""
export AWS_DEFAULT_OUTPUT=json
export AWS_CONFIG_FILE=$TMP/aws-config
export AWS_SHARED_CREDENTIALS_FILE=$TMP/aws-credentials
export AWS_EC2_METADATA_DISABLED=true
export AWS_MAX_ATTEMPTS=1
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_REGION \
    AWS_ENDPOINT_URL AWS_ENDPOINT_URL_RDS AWS_CA_BUNDLE AWS_RETRY_MODE
# The server reads these too; the scripts pass everything they mean as flags.
unset REWIND_LISTEN REWIND_DATA_DIR REWIND_IN_MEMORY REWIND_PACE REWIND_ACCOUNT_ID REWIND_RECORD_DIR
# Loopback must never go through a proxy.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# ---------------------------------------------------------------------------------------------
# Output and assertions
# ---------------------------------------------------------------------------------------------

_T0_MS=$(( ${EPOCHREALTIME/./} / 1000 ))
_elapsed() { local ms=$(( ${EPOCHREALTIME/./} / 1000 - _T0_MS )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
log() { printf '[%s] %s\n' "$TEST_NAME" "$*"; }
step() { printf '\n[%s +%ss] == %s\n' "$TEST_NAME" "$(_elapsed)" "$*"; }

fail() {
    printf 'FAIL [%s]: %s\n' "$TEST_NAME" "$*" >&2
    exit 1
}

_pass() { CHECKS=$((CHECKS + 1)); }

assert_eq() { # assert_eq EXPECTED ACTUAL [what]
    [[ "$2" == "$1" ]] || fail "${3:+$3: }expected [$1], got [$2]"
    _pass
}

assert_ne() { # assert_ne UNEXPECTED ACTUAL [what]
    [[ "$2" != "$1" ]] || fail "${3:+$3: }expected anything but [$1]"
    _pass
}

assert_contains() { # assert_contains HAYSTACK NEEDLE [what]
    [[ "$1" == *"$2"* ]] || fail "${3:+$3: }expected to contain [$2], got [$1]"
    _pass
}

assert_not_contains() { # assert_not_contains HAYSTACK NEEDLE [what]
    [[ "$1" != *"$2"* ]] || fail "${3:+$3: }expected not to contain [$2], got [$1]"
    _pass
}

assert_match() { # assert_match VALUE ERE [what]
    [[ "$1" =~ $2 ]] || fail "${3:+$3: }expected to match /$2/, got [$1]"
    _pass
}

assert_nonempty() { # assert_nonempty VALUE [what]; "None"/"null" count as empty
    [[ -n "$1" && "$1" != None && "$1" != null ]] || fail "${2:-value} is empty (got [$1])"
    _pass
}

# expect_error CODE CMD...: CMD must fail, and the CLI's stderr must name CODE as
# "An error occurred (CODE)". Leaves LAST_STDERR, LAST_STDOUT and LAST_ERROR_MESSAGE (the
# server's message, the text after "operation: ") for further checks.
expect_error() {
    local code=$1
    shift
    local rc=0
    "$@" >"$TMP/last.out" 2>"$TMP/last.err" || rc=$?
    LAST_STDOUT=$(cat "$TMP/last.out")
    LAST_STDERR=$(cat "$TMP/last.err")
    LAST_ERROR_MESSAGE=$(sed -n 's/^An error occurred ([^)]*) when calling the [A-Za-z0-9]* operation: //p' \
        "$TMP/last.err" | head -n 1)
    if ((rc == 0)); then
        fail "expected error $code from [$*], but it succeeded: $LAST_STDOUT"
    fi
    if [[ $LAST_STDERR != *"An error occurred ($code)"* ]]; then
        fail "expected error $code from [$*], got exit $rc with stderr: $LAST_STDERR"
    fi
    _pass
}

# expect_error_msg CODE MESSAGE CMD...: as expect_error, and the message must equal MESSAGE.
expect_error_msg() {
    local code=$1 msg=$2
    shift 2
    expect_error "$code" "$@"
    assert_eq "$msg" "$LAST_ERROR_MESSAGE" "message of $code"
}

# expect_error_prefix CODE PREFIX CMD...: as expect_error, and the message must start with PREFIX.
expect_error_prefix() {
    local code=$1 prefix=$2
    shift 2
    expect_error "$code" "$@"
    [[ $LAST_ERROR_MESSAGE == "$prefix"* ]] ||
        fail "message of $code: expected to start with [$prefix], got [$LAST_ERROR_MESSAGE]"
    _pass
}

# jp QUERY: evaluate a JMESPath query (the same library the CLI uses) over the JSON on stdin.
# Prints strings raw, booleans as true/false, null as null, numbers plainly and anything else
# as compact JSON. Lists of scalars print one item per line.
jp() {
    "$PY" -c '
import json, sys
import jmespath
def show(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (str, int, float)):
        return str(v)
    return json.dumps(v, sort_keys=True, separators=(",", ":"))
data = json.load(sys.stdin)
v = jmespath.search(sys.argv[1], data)
if isinstance(v, list) and all(not isinstance(x, (list, dict)) for x in v):
    print("\n".join(show(x) for x in v))
else:
    print(show(v))
' "$1"
}

# deadline helpers (seconds, fractional allowed), based on bash's EPOCHREALTIME
_now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# poll_until TIMEOUT_S DESCRIPTION CMD...: run CMD every 0.25 s until it succeeds; fail after TIMEOUT_S.
poll_until() {
    local timeout=$1 what=$2
    shift 2
    local deadline=$(($(_now_ms) + timeout * 1000))
    while true; do
        if "$@"; then
            _pass
            return 0
        fi
        if (($(_now_ms) > deadline)); then
            fail "timed out after ${timeout}s waiting for: $what"
        fi
        sleep 0.25
    done
}

# ---------------------------------------------------------------------------------------------
# Server lifecycle
# ---------------------------------------------------------------------------------------------

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server [EXTRA_FLAGS...]: start rewind on a fresh free port with DATA_DIR (kept across
# restarts, so a restart sees the same state) and a new RECORD_DIR, then wait for health.
# Unless EXTRA_FLAGS choose a pace, the server runs with --pace fast. With START_VIA_ENV=1 the
# listen address and data dir go in REWIND_LISTEN / REWIND_DATA_DIR instead of flags (and
# EXTRA_FLAGS may be empty: then no --pace is added either, leave it to REWIND_PACE).
start_server() {
    [[ -x $REWIND_BIN ]] || fail "server binary not found: $REWIND_BIN (run cargo build --release)"
    [[ -z $SERVER_PID ]] || fail "start_server: a server is already running (pid $SERVER_PID)"
    local args=("$@") a
    local has_pace=0
    for a in "${args[@]}"; do
        [[ $a == --pace || $a == --pace=* ]] && has_pace=1
    done
    ((has_pace)) || [[ ${START_VIA_ENV:-0} == 1 ]] || args+=(--pace fast)

    local attempt
    for attempt in 1 2 3; do
        SERVER_STARTS=$((SERVER_STARTS + 1))
        PORT=$(free_port)
        ENDPOINT=http://127.0.0.1:$PORT
        RECORD_DIR=$RECORD_ROOT/$TEST_NAME-$SERVER_STARTS
        SERVER_LOG=$TMP/server-$SERVER_STARTS.log
        mkdir -p "$RECORD_DIR" "$DATA_DIR"
        log "starting rewind on $ENDPOINT ${args[*]} (data $DATA_DIR)"
        if [[ ${START_VIA_ENV:-0} == 1 ]]; then
            # the same settings through REWIND_* variables instead of flags
            REWIND_RECORD_DIR=$RECORD_DIR REWIND_LISTEN="127.0.0.1:$PORT" REWIND_DATA_DIR=$DATA_DIR \
                "$REWIND_BIN" "${args[@]}" >"$SERVER_LOG" 2>&1 &
        else
            REWIND_RECORD_DIR=$RECORD_DIR "$REWIND_BIN" --listen "127.0.0.1:$PORT" --data-dir "$DATA_DIR" \
                "${args[@]}" >"$SERVER_LOG" 2>&1 &
        fi
        SERVER_PID=$!
        if [[ -n ${REWIND_E2E_PID_DIR:-} ]]; then
            mkdir -p "$REWIND_E2E_PID_DIR" && echo "$SERVER_PID" >"$REWIND_E2E_PID_DIR/$SERVER_PID"
        fi
        if _wait_healthy 10; then
            return 0
        fi
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            fail "server on $ENDPOINT did not answer GET /_rewind/health with 200 within 10s"
        fi
        wait "$SERVER_PID" 2>/dev/null || true
        log "server exited during startup (attempt $attempt); log:"
        tail -n 20 "$SERVER_LOG" | sed 's/^/    /'
        _forget_pid
    done
    fail "server failed to start 3 times"
}

_wait_healthy() { # _wait_healthy TIMEOUT_S: 0 when healthy, 1 when the process died or time ran out
    local deadline=$(($(_now_ms) + $1 * 1000)) code
    while (($(_now_ms) <= deadline)); do
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$ENDPOINT/_rewind/health" || true)
        [[ $code == 200 ]] && return 0
        sleep 0.1
    done
    return 1
}

# stop_server: SIGTERM, wait up to 5 s, then SIGKILL.
stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i
    for i in $(seq 50); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    _forget_pid
}

_forget_pid() {
    [[ -n ${REWIND_E2E_PID_DIR:-} ]] && rm -f "$REWIND_E2E_PID_DIR/$SERVER_PID"
    SERVER_PID=""
}

# crash_server: SIGKILL, no chance to flush anything.
crash_server() {
    [[ -n $SERVER_PID ]] || fail "crash_server: no server running"
    log "kill -9 $SERVER_PID"
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    _forget_pid
}

_cleanup() {
    local rc=$?
    trap - ERR
    set +e
    if [[ -n $SERVER_PID ]]; then
        kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
        _forget_pid
    fi
    if ((rc != 0)) && [[ -n $SERVER_LOG && -f $SERVER_LOG ]]; then
        printf '[%s] last lines of %s:\n' "$TEST_NAME" "$SERVER_LOG" >&2
        tail -n 30 "$SERVER_LOG" | sed 's/^/    /' >&2
    fi
    if [[ ${REWIND_E2E_KEEP:-0} == 1 ]]; then
        log "kept $TMP"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'printf "FAIL [%s]: command failed (exit %s) at %s line %s: %s\n" "$TEST_NAME" "$?" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

# finish: the last line of every test script.
finish() {
    printf 'PASS [%s] (%d checks)\n' "$TEST_NAME" "$CHECKS"
}

# ---------------------------------------------------------------------------------------------
# Talking to the server
# ---------------------------------------------------------------------------------------------

# aws_rds ARGS...: `aws rds` against this server, region us-east-1 unless ARGS give --region.
# Bounded: a hung server makes the command fail after AWS_E2E_CMD_TIMEOUT seconds (waiters
# poll every 30 s, so give them room).
aws_rds() {
    local region_args=(--region us-east-1) a
    for a in "$@"; do
        [[ $a == --region || $a == --region=* ]] && region_args=()
    done
    timeout -k 5 "${AWS_E2E_CMD_TIMEOUT:-150}" \
        aws rds --endpoint-url "$ENDPOINT" "${region_args[@]}" \
        --cli-connect-timeout 5 --cli-read-timeout 30 "$@"
}

# http METHOD PATH [BODY [CONTENT_TYPE]]: raw request with curl. Sets HTTP_CODE, HTTP_BODY and
# HTTP_HEADERS (headers as received, CRs stripped).
http() {
    local method=$1 path=$2 body=${3-} ctype=${4:-application/x-www-form-urlencoded; charset=utf-8}
    local args=(-sS --max-time 10 -X "$method" -D "$TMP/http.h" -o "$TMP/http.b" -w '%{http_code}')
    if [[ $# -ge 3 ]]; then
        args+=(-H "Content-Type: $ctype" --data-binary "$body")
    fi
    HTTP_CODE=$(curl "${args[@]}" "$ENDPOINT$path") || fail "curl $method $path failed"
    HTTP_BODY=$(cat "$TMP/http.b")
    HTTP_HEADERS=$(tr -d '\r' <"$TMP/http.h")
}

# header_value NAME: value of a response header from the last `http` call (case-insensitive).
header_value() {
    printf '%s\n' "$HTTP_HEADERS" | awk -v n="$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" '
        { split($0, kv, ":"); k = tolower(kv[1]); if (k == n) { sub(/^[^:]*:[ \t]*/, ""); print; exit } }'
}

# rewind_post PATH [JSON]: POST to a control endpoint, asserting 200.
rewind_post() {
    if [[ $# -ge 2 ]]; then
        http POST "$1" "$2" application/json
    else
        http POST "$1"
    fi
    assert_eq 200 "$HTTP_CODE" "POST $1 status (body: $HTTP_BODY)"
}

# cluster_status ID / instance_status ID: the status describe shows, or "gone" when describe
# answers with the not-found code; fails (printing nothing) on any other error.
cluster_status() {
    _status_of DBClusterNotFoundFault describe-db-clusters --db-cluster-identifier "$1" \
        --query 'DBClusters[0].Status' --output text
}
instance_status() {
    _status_of DBInstanceNotFound describe-db-instances --db-instance-identifier "$1" \
        --query 'DBInstances[0].DBInstanceStatus' --output text
}
_status_of() {
    local notfound=$1 out
    shift
    if out=$(aws_rds "$@" 2>"$TMP/status.err"); then
        echo "$out"
    elif grep -q "($notfound)" "$TMP/status.err"; then
        echo gone
    else
        return 1
    fi
}

# wait_cluster_status ID STATUS [TIMEOUT_S=20]; wait_instance_status ID STATUS [TIMEOUT_S=20]
# Poll describe (bounded) until the resource shows STATUS ("gone": until describe says not found);
# the failure names the last status seen. The CLI's own waiters sleep 30 s between polls, so the
# scripts poll with these first and then run `aws rds wait`, which then succeeds on its first poll.
wait_cluster_status() { _wait_status cluster_status cluster "$@"; }
wait_instance_status() { _wait_status instance_status instance "$@"; }

_wait_status() {
    local getter=$1 kind=$2 id=$3 want=$4 timeout=${5:-20} seen=""
    local deadline=$(($(_now_ms) + timeout * 1000))
    while true; do
        seen=$("$getter" "$id" || true)
        if [[ $seen == "$want" ]]; then
            _pass
            return 0
        fi
        if (($(_now_ms) > deadline)); then
            fail "timed out after ${timeout}s waiting for $kind $id to be $want (last seen: ${seen:-<error>})"
        fi
        sleep 0.25
    done
}
