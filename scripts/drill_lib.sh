# scripts/drill_lib.sh: what the drills share (sourced, not run): the AWS CLI and mysql client
# checks, a fresh Rewind of their own unless REWIND_URL names a running one, a free MySQL port,
# and the say/fail/expect helpers. The sourcing script sets DRILL (its name, for messages).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

AWS=${AWS:-$([[ -x .venv/bin/aws ]] && echo .venv/bin/aws || echo aws)}
command -v "$AWS" >/dev/null || { echo "$DRILL: the AWS CLI is needed (scripts/test installs it in .venv/)" >&2; exit 2; }
command -v mysql >/dev/null || { echo "$DRILL: the mysql client is needed (apt-get install mariadb-client)" >&2; exit 2; }
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=

SCRATCH=$(mktemp -d)
SERVER_PID=
cleanup() {
    [[ -n ${MYSQL_PID:-} ]] && kill "$MYSQL_PID" 2>/dev/null
    [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

if [[ -z ${REWIND_URL:-} ]]; then
    BIN=${REWIND_BIN:-target/release/rewind}
    [[ -x $BIN ]] || cargo build --release -q -p server
    port=$(free_port)
    REWIND_URL=http://127.0.0.1:$port
    "$BIN" --listen "127.0.0.1:$port" --data-dir "$SCRATCH/data" >"$SCRATCH/rewind.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do curl -fs "$REWIND_URL/_rewind/health" >/dev/null 2>&1 && break; sleep 0.05; done
fi
E=(--endpoint-url "$REWIND_URL")
# A MySQL port of its own, so the drill never meets another server's 3306.
DB_PORT=${DRILL_MYSQL_PORT:-$(free_port)}
CLUSTER=$DRILL-$(date +%s)

say() { printf '\n==> %s\n' "$*"; }
fail() { echo "${DRILL^^} FAILED: $*" >&2; [[ -f $SCRATCH/rewind.log ]] && tail -20 "$SCRATCH/rewind.log" >&2; exit 1; }
expect() { # expect WANT GOT WHAT
    [[ $1 == "$2" ]] || fail "$3: expected '$1', got '$2'"
    echo "    ok: $3 = $2"
}
cluster_field() { "$AWS" rds describe-db-clusters "${E[@]}" --db-cluster-identifier "$CLUSTER" --query "DBClusters[0].$1" --output text; }
wait_available() {
    for _ in $(seq 200); do
        [[ $(cluster_field Status) == available ]] && return 0
        sleep 0.1
    done
    fail "the cluster did not become available"
}
rewind_now() { curl -fs "$REWIND_URL/_rewind/clock" | python3 -c 'import json, sys; print(json.load(sys.stdin)["now"])'; }

cluster_of() { # cluster_of ID FIELD: a field of describe-db-clusters for cluster ID
    "$AWS" rds describe-db-clusters "${E[@]}" --db-cluster-identifier "$1" --query "DBClusters[0].$2" --output text
}
add_writer() { # add_writer CLUSTER: one instance, waited for until its endpoint answers
    "$AWS" rds wait db-cluster-available "${E[@]}" --db-cluster-identifier "$1"
    "$AWS" rds create-db-instance "${E[@]}" --db-instance-identifier "$1-writer" \
        --db-cluster-identifier "$1" --engine aurora-mysql --db-instance-class db.r6g.large >/dev/null
    "$AWS" rds wait db-instance-available "${E[@]}" --db-instance-identifier "$1-writer"
    local host port
    host=$(cluster_of "$1" Endpoint)
    port=$(cluster_of "$1" Port)
    for _ in $(seq 100); do
        mysql -h "$host" -P "$port" -u admin -psecret123 -e 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    fail "the writer of $1 does not answer at $host:$port"
}
on() { # on CLUSTER [mysql args...]: the mysql client on CLUSTER's writer endpoint
    local host port
    host=$(cluster_of "$1" Endpoint)
    port=$(cluster_of "$1" Port)
    mysql -h "$host" -P "$port" -u admin -psecret123 --batch --skip-column-names "${@:2}"
}
