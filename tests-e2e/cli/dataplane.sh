#!/usr/bin/env bash
# shellcheck disable=SC2016 # JMESPath literals and SQL in single quotes
# The MySQL data plane as a user drives it with the stock `mysql` client (Debian's mariadb-client):
# the endpoints describe-db-clusters / describe-db-instances show, read-only readers (1290), the
# master password (1045) and changing it, the SQL families (batch -e and with a database
# argument), the backtrack drill with real rows (back, then forward again), 4 MiB and 20 MiB
# queries, data surviving kill -9, and (realistic pace, Rewind's clock) endpoints refusing
# connections while the cluster backtracks, reboots, fails over or is stopped, failover moving
# the writer, and a deleted instance's endpoint going away.
#
# Every cluster here listens on MYSQL_PORT, a free port picked at run time (never 3306), so this
# script can run beside the other suites, which leave their clusters on 3306.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

command -v mysql >/dev/null || fail "the mysql client is not installed (apt-get install mariadb-client)"

MYSQL_PORT=$("$PY" -c '
import socket
s = socket.socket()
s.bind(("0.0.0.0", 0))
print(s.getsockname()[1])
s.close()')
[[ $MYSQL_PORT != 3306 ]] || fail "picked 3306 as a free port"
PASSWORD=secret123
log "MySQL endpoints on port $MYSQL_PORT"

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

create_cluster() { # create_cluster ID [EXTRA...]
    local id=$1
    shift
    aws_rds create-db-cluster --db-cluster-identifier "$id" --engine aurora-mysql \
        --engine-version 8.0.mysql_aurora.3.05.2 --master-username admin --master-user-password secret123 \
        --port "$MYSQL_PORT" "$@" >/dev/null
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

# my HOST [MYSQL_ARGS...]: the stock client, no option files, TCP to HOST:MYSQL_PORT as the
# master user, batch output without column names; bounded.
my() {
    local host=$1
    shift
    timeout -k 5 "${MY_TIMEOUT:-60}" mysql --no-defaults --protocol=TCP -h "$host" -P "$MYSQL_PORT" \
        -u "${MY_USER:-admin}" -p"${MY_PASSWORD:-$PASSWORD}" --connect-timeout=5 --batch --skip-column-names "$@"
}

# q HOST SQL [DB]: output of `mysql -e SQL` (with DB as the database argument); any error fails.
q() {
    local host=$1 sql=$2 out rc=0
    local args=()
    [[ $# -ge 3 ]] && args+=("$3")
    out=$(my "$host" "${args[@]}" -e "$sql" 2>"$TMP/my.err") || rc=$?
    ((rc == 0)) || fail "mysql -h $host ${args[*]} -e \"$sql\" failed (exit $rc): $(cat "$TMP/my.err")"
    printf '%s\n' "$out"
}

# expect_my_error CODE HOST SQL [DB]: SQL must fail with "ERROR CODE (" on stderr; leaves the
# client's stderr in MY_ERR.
expect_my_error() {
    local code=$1 host=$2 sql=$3 rc=0
    local args=()
    [[ $# -ge 4 ]] && args+=("$4")
    my "$host" "${args[@]}" -e "$sql" >"$TMP/my.out" 2>"$TMP/my.err" || rc=$?
    MY_ERR=$(cat "$TMP/my.err")
    ((rc != 0)) || fail "expected MySQL error $code from [$sql] at $host, but it succeeded: $(cat "$TMP/my.out")"
    [[ $MY_ERR == *"ERROR $code ("* ]] ||
        fail "expected MySQL error $code from [$sql] at $host, got exit $rc: $MY_ERR"
    _pass
}

# connect_refused HOST: one connection attempt, refused with client error 2003 (or 2002)
connect_refused() {
    local rc=0
    MY_TIMEOUT=15 my "$1" -e 'SELECT 1' >"$TMP/my.out" 2>"$TMP/my.err" || rc=$?
    MY_ERR=$(cat "$TMP/my.err")
    ((rc != 0)) && [[ $MY_ERR == *"ERROR 2003 ("* || $MY_ERR == *"ERROR 2002 ("* ]]
}

connect_works() { # connect_works HOST: SELECT 1 answers 1
    [[ $(MY_TIMEOUT=15 my "$1" -e 'SELECT 1' 2>"$TMP/my.err") == 1 ]]
}

# wait_refused HOST [TIMEOUT_S=10] what / wait_accepting HOST [TIMEOUT_S=10] what: the data
# plane follows the control plane asynchronously, so give it a bounded moment.
wait_refused() {
    local host=$1 timeout=${2:-10} what=${3:-}
    local deadline=$(($(_now_ms) + timeout * 1000))
    until connect_refused "$host"; do
        if (($(_now_ms) > deadline)); then
            fail "${what:+$what: }$host:$MYSQL_PORT still not refusing connections after ${timeout}s (last: ${MY_ERR:-connected})"
        fi
        sleep 0.2
    done
    _pass
}
wait_accepting() {
    local host=$1 timeout=${2:-10} what=${3:-}
    local deadline=$(($(_now_ms) + timeout * 1000))
    until connect_works "$host"; do
        if (($(_now_ms) > deadline)); then
            fail "${what:+$what: }$host:$MYSQL_PORT does not accept connections after ${timeout}s: $(cat "$TMP/my.err")"
        fi
        sleep 0.2
    done
    _pass
}

# still_refused HOST what: refused now, and still refused a moment later
still_refused() {
    connect_refused "$1" || fail "$2: $1:$MYSQL_PORT should refuse connections (got: ${MY_ERR:-a connection})"
    _pass
    sleep 0.3
    connect_refused "$1" || fail "$2: $1:$MYSQL_PORT accepted a connection a moment later (${MY_ERR:-connected})"
    _pass
}

# Deferred checks: details whose failure should not hide the checks after them. A failed one is
# printed at once and fails the script at the end (before `finish`), with all the others.
DEFERRED=()
defer_fail() {
    DEFERRED+=("$1")
    printf 'FAIL (reported at the end) [%s]: %s\n' "$TEST_NAME" "$1" >&2
}
soft_match() { # soft_match VALUE ERE what
    if [[ $1 =~ $2 ]]; then _pass; else defer_fail "$3: expected to match /$2/, got [$1]"; fi
}
soft_q() { # soft_q HOST SQL [DB]: the statement must succeed
    local host=$1 sql=$2 rc=0
    local args=()
    [[ $# -ge 3 ]] && args+=("$3")
    my "$host" "${args[@]}" -e "$sql" >/dev/null 2>"$TMP/my.err" || rc=$?
    if ((rc == 0)); then _pass; else defer_fail "mysql -e \"$sql\" failed: $(grep ERROR "$TMP/my.err")"; fi
}
finish_deferred() {
    ((${#DEFERRED[@]} == 0)) || fail "$(printf '%d deferred checks failed:\n' "${#DEFERRED[@]}"; printf '    %s\n' "${DEFERRED[@]}")"
}

cluster_field() { # cluster_field ID FIELD
    aws_rds describe-db-clusters --db-cluster-identifier "$1" --query "DBClusters[0].$2" --output text
}
instance_address() { # instance_address ID
    aws_rds describe-db-instances --db-instance-identifier "$1" --query 'DBInstances[0].Endpoint.Address' --output text
}

# =============================================================================================
# Fast pace
# =============================================================================================
start_server

step "a cluster with a writer and a reader; the endpoints describe shows"
create_cluster dp --backtrack-window 86400
create_instance dp-w dp
create_instance dp-r dp
wait_cluster_status dp available
wait_instance_status dp-w available
wait_instance_status dp-r available
out=$(aws_rds describe-db-clusters --db-cluster-identifier dp)
W=$(jp 'DBClusters[0].Endpoint' <<<"$out")
R=$(jp 'DBClusters[0].ReaderEndpoint' <<<"$out")
assert_eq "$MYSQL_PORT" "$(jp 'DBClusters[0].Port' <<<"$out")" "Port of dp"
assert_eq dp-w "$(jp 'DBClusters[0].DBClusterMembers[?IsClusterWriter].DBInstanceIdentifier | [0]' <<<"$out")" \
    "the first instance is the writer"
assert_match "$W" '^127\.[0-9]+\.[0-9]+\.1$' "writer (cluster) endpoint of dp"
assert_eq "${W%.1}.2" "$R" "reader endpoint of dp: .2 of the writer's block"
BLOCK=${W%.1}
out=$(aws_rds describe-db-instances --filters Name=db-cluster-id,Values=dp)
IW=$(jp 'DBInstances[?DBInstanceIdentifier==`dp-w`].Endpoint.Address | [0]' <<<"$out")
IR=$(jp 'DBInstances[?DBInstanceIdentifier==`dp-r`].Endpoint.Address | [0]' <<<"$out")
assert_eq "$MYSQL_PORT $MYSQL_PORT" "$(jp 'DBInstances[].Endpoint.Port' <<<"$out" | tr '\n' ' ' | sed 's/ $//')" \
    "Endpoint.Port of both instances"
assert_match "$IW" "^${BLOCK//./\\.}\\.(1[1-9]|[2-9][0-9]|[12][0-9][0-9])\$" "dp-w's endpoint is in dp's block, at .11 or above"
assert_match "$IR" "^${BLOCK//./\\.}\\.(1[1-9]|[2-9][0-9]|[12][0-9][0-9])\$" "dp-r's endpoint is in dp's block, at .11 or above"
assert_ne "$IW" "$IR" "the instances' endpoints differ"
log "writer $W, reader $R, dp-w $IW, dp-r $IR (port $MYSQL_PORT)"
for h in "$W" "$R" "$IW" "$IR"; do
    wait_accepting "$h" 10 "endpoint of dp"
done

step "the session variables and functions"
out=$(q "$W" 'SELECT @@version, @@version_comment, @@aurora_version, DATABASE(), USER()')
IFS=$'\t' read -r v vc av db usr <<<"$out"
assert_match "$v" '^8\.0\.[0-9]+' "@@version of an 8.0 cluster"
assert_nonempty "$vc" "@@version_comment"
assert_eq 3.05.2 "$av" "@@aurora_version of 8.0.mysql_aurora.3.05.2"
assert_eq NULL "$db" "DATABASE() without a database"
assert_match "$usr" '^admin@' "USER()"
now_sql=$(q "$W" 'SELECT NOW()')
assert_match "$now_sql" '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$' "NOW()"
rewind_now=$(clock_now)
"$PY" -c '
import sys
from datetime import datetime, timezone
a = datetime.strptime(sys.argv[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
b = datetime.fromisoformat(sys.argv[2].replace("Z", "+00:00"))
sys.exit(0 if abs((a - b).total_seconds()) <= 5 else 1)' "$now_sql" "$rewind_now" ||
    fail "NOW() [$now_sql] is more than 5 s from Rewind's clock [$rewind_now]"
_pass
assert_eq "$(printf '1\t1')" "$(q "$W" 'SET NAMES utf8mb4; SET autocommit = 1; SELECT @@autocommit, 1')" \
    "SET NAMES, SET autocommit"

step "DDL: CREATE DATABASE, USE, CREATE TABLE with every listed type"
q "$W" 'CREATE DATABASE shop' >/dev/null
dbs=$(q "$W" 'SHOW DATABASES')
grep -qx shop <<<"$dbs" || fail "SHOW DATABASES does not list shop: $dbs"
_pass
q "$W" 'USE shop; CREATE TABLE products (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sku CHAR(8) NOT NULL,
    name VARCHAR(64) NOT NULL,
    price DECIMAL(10,2) NOT NULL DEFAULT 0.00,
    weight DOUBLE,
    stock BIGINT DEFAULT 0,
    rating TINYINT,
    active BOOLEAN DEFAULT TRUE,
    notes TEXT,
    added DATE,
    updated DATETIME,
    seen TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' >/dev/null
q "$W" 'CREATE TABLE orders (
    id BIGINT NOT NULL AUTO_INCREMENT,
    product_id INT NOT NULL,
    qty INT NOT NULL DEFAULT 1,
    PRIMARY KEY (id)
) ENGINE=InnoDB' shop >/dev/null
# CHARSET= alone (no DEFAULT), and the other spellings of the table options
soft_q "$W" 'CREATE TABLE opt1 (id INT PRIMARY KEY) CHARSET=utf8mb4' shop
soft_q "$W" 'CREATE TABLE opt2 (id INT PRIMARY KEY) ENGINE=InnoDB CHARSET=utf8mb4' shop
soft_q "$W" 'CREATE TABLE opt3 (id INT PRIMARY KEY) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_0900_ai_ci' shop
soft_q "$W" 'CREATE TABLE opt4 (id INT PRIMARY KEY) DEFAULT CHARACTER SET utf8mb4' shop
# a table named with its database, from another one
soft_q "$W" 'DROP TABLE shop.opt3'
for t in opt1 opt2 opt3 opt4; do
    my "$W" shop -e "DROP TABLE IF EXISTS $t" >/dev/null 2>&1 || true
done
assert_eq "$(printf 'orders\nproducts')" "$(q "$W" 'SHOW TABLES' shop | sort)" "SHOW TABLES (database argument)"
assert_eq shop "$(q "$W" 'USE shop; SELECT DATABASE()')" "DATABASE() after USE"
assert_eq shop "$(q "$W" 'SELECT DATABASE()' shop)" "DATABASE() with a database argument"
desc=$(q "$W" 'DESCRIBE products' shop)
assert_eq 12 "$(wc -l <<<"$desc" | tr -d ' ')" "DESCRIBE products: one line per column"
assert_eq "$(printf 'id\tint\tNO\tPRI\tNULL\tauto_increment')" "$(grep '^id' <<<"$desc")" "DESCRIBE: id"
assert_match "$(grep '^name' <<<"$desc")" $'^name\tvarchar\\(64\\)\tNO\t' "DESCRIBE: name"
soft_match "$(grep '^price' <<<"$desc")" $'^price\tdecimal\\(10,2\\)\tNO\t\t0\\.00\t' "DESCRIBE: price (DEFAULT 0.00)"
assert_match "$(grep '^sku' <<<"$desc")" $'^sku\tchar\\(8\\)\tNO' "DESCRIBE: sku"
assert_match "$(grep '^stock' <<<"$desc")" $'^stock\tbigint\tYES\t\t0' "DESCRIBE: stock"
assert_match "$(grep '^active' <<<"$desc")" $'^active\ttinyint\\(1\\)\tYES' "DESCRIBE: active (BOOLEAN)"

step "DML: multi-row INSERT, LAST_INSERT_ID(), defaults, every type back"
out=$(q "$W" "INSERT INTO products (sku, name, price, weight, stock, rating, notes, added, updated, seen) VALUES
    ('A-1', 'anvil', 19.99, 50.5, 3, 5, 'heavy', '2024-05-01', '2024-05-01 10:00:00', '2024-05-01 10:00:01'),
    ('B-2', 'bucket', 4.50, 1.25, 40, -3, NULL, '2024-05-02', '2024-05-02 11:30:00', '2024-05-02 11:30:01'),
    ('C-3', 'crate', 12.00, 7, 9223372036854775807, 127, 'big', '2024-05-03', '2024-05-03 12:45:30', '2024-05-03 12:45:31');
    SELECT LAST_INSERT_ID()" shop)
assert_eq 1 "$out" "LAST_INSERT_ID() after a 3-row INSERT (the first id)"
q "$W" "INSERT INTO products (sku, name) VALUES ('D-4', 'drill')" shop >/dev/null
assert_eq 4 "$(q "$W" "INSERT INTO products (sku, name) VALUES ('E-5', 'easel'); SELECT LAST_INSERT_ID() - 1" shop)" \
    "LAST_INSERT_ID() in the same session"
assert_eq "$(printf '4\tdrill\t0.00\t0\t1\tNULL')" \
    "$(q "$W" "SELECT id, name, price, stock, active, notes FROM products WHERE sku = 'D-4'" shop)" "defaults of D-4"
assert_eq "$(printf '1\tA-1\tanvil\t19.99\t50.5\t3\t5\t1\theavy\t2024-05-01\t2024-05-01 10:00:00\t2024-05-01 10:00:01')" \
    "$(q "$W" 'SELECT * FROM products WHERE id = 1' shop)" "row 1, every type"
assert_eq "$(printf '3\tcrate\t9223372036854775807\t127\t7')" \
    "$(q "$W" 'SELECT id, name, stock, rating, weight FROM products WHERE id = 3' shop)" "BIGINT max, TINYINT max, DOUBLE"
assert_eq -3 "$(q "$W" "SELECT rating FROM products WHERE sku = 'B-2'" shop)" "negative TINYINT"

step "SELECT: WHERE, ORDER BY, LIMIT, GROUP BY, COUNT/SUM, JOIN"
assert_eq "$(printf 'anvil\ncrate')" "$(q "$W" 'SELECT name FROM products WHERE price > 10 ORDER BY name' shop)" \
    "WHERE + ORDER BY"
assert_eq "$(printf 'easel\ndrill')" "$(q "$W" 'SELECT name FROM products ORDER BY id DESC LIMIT 2' shop)" \
    "ORDER BY DESC LIMIT"
assert_eq "$(printf '5\t36.49')" "$(q "$W" 'SELECT COUNT(*), SUM(price) FROM products' shop)" "COUNT(*), SUM(DECIMAL)"
q "$W" 'INSERT INTO orders (product_id, qty) VALUES (1, 2), (1, 3), (2, 1), (3, 4)' shop >/dev/null
assert_eq "$(printf '1\t2\t5\n2\t1\t1\n3\t1\t4')" \
    "$(q "$W" 'SELECT product_id, COUNT(*), SUM(qty) FROM orders GROUP BY product_id ORDER BY product_id' shop)" \
    "GROUP BY with COUNT and SUM"
assert_eq "$(printf 'anvil\t5\nbucket\t1\ncrate\t4')" \
    "$(q "$W" 'SELECT p.name, SUM(o.qty) FROM orders o JOIN products p ON p.id = o.product_id GROUP BY p.name ORDER BY p.name' shop)" \
    "JOIN + GROUP BY"

step "UPDATE and DELETE, with and without WHERE; TRUNCATE"
q "$W" "UPDATE products SET stock = stock + 1 WHERE sku = 'A-1'" shop >/dev/null
assert_eq 4 "$(q "$W" "SELECT stock FROM products WHERE sku = 'A-1'" shop)" "UPDATE with WHERE"
q "$W" "DELETE FROM products WHERE sku = 'E-5'" shop >/dev/null
assert_eq 4 "$(q "$W" 'SELECT COUNT(*) FROM products' shop)" "DELETE with WHERE"
q "$W" 'CREATE TABLE scratch (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO scratch VALUES (1, "a"), (2, "b"), (3, "c")' shop >/dev/null
q "$W" 'UPDATE scratch SET v = "z"' shop >/dev/null
assert_eq "$(printf 'z\nz\nz')" "$(q "$W" 'SELECT v FROM scratch ORDER BY id' shop)" "UPDATE without WHERE"
q "$W" 'DELETE FROM scratch' shop >/dev/null
assert_eq 0 "$(q "$W" 'SELECT COUNT(*) FROM scratch' shop)" "DELETE without WHERE"
q "$W" 'INSERT INTO scratch VALUES (4, "d"), (5, "e")' shop >/dev/null
q "$W" 'TRUNCATE TABLE scratch' shop >/dev/null
assert_eq 0 "$(q "$W" 'SELECT COUNT(*) FROM scratch' shop)" "TRUNCATE TABLE"
q "$W" 'DROP TABLE scratch' shop >/dev/null
assert_eq "$(printf 'orders\nproducts')" "$(q "$W" 'SHOW TABLES' shop | sort)" "DROP TABLE"

step "transactions in one session: BEGIN/COMMIT, START TRANSACTION/ROLLBACK, autocommit = 0"
assert_eq 4 "$(q "$W" 'START TRANSACTION; INSERT INTO orders (product_id) VALUES (4); ROLLBACK; SELECT COUNT(*) FROM orders' shop)" \
    "ROLLBACK discards"
assert_eq 5 "$(q "$W" 'BEGIN; INSERT INTO orders (product_id) VALUES (4); COMMIT; SELECT COUNT(*) FROM orders' shop)" \
    "COMMIT keeps"
assert_eq 5 "$(q "$W" 'SET autocommit = 0; INSERT INTO orders (product_id) VALUES (4); ROLLBACK; SELECT COUNT(*) FROM orders' shop)" \
    "autocommit = 0 then ROLLBACK"
q "$W" 'SET autocommit = 0; INSERT INTO orders (product_id) VALUES (4)' shop >/dev/null
assert_eq 5 "$(q "$W" 'SELECT COUNT(*) FROM orders' shop)" "an uncommitted write is gone when its session ends"
assert_eq 1 "$(q "$W" 'SELECT @@autocommit' shop)" "autocommit is per session"

step "unsupported and wrong statements: an error, and the session goes on"
printf 'SELECT * FROM nosuch;\nCREATE PROCEDURE p() SELECT 1;\nSELECT "still here", COUNT(*) FROM products;\n' |
    my "$W" shop --force >"$TMP/force.out" 2>"$TMP/force.err" || fail "mysql --force: $(cat "$TMP/force.err")"
assert_contains "$(cat "$TMP/force.err")" "ERROR 1146 (42S02)" "a missing table"
assert_contains "$(cat "$TMP/force.err")" "doesn't exist" "message of a missing table"
assert_match "$(cat "$TMP/force.err")" 'ERROR [0-9]{4} \([0-9A-Z]{5}\)[^:]*: .*PROCEDURE' "CREATE PROCEDURE: a MySQL error naming it"
assert_eq "$(printf 'still here\t4')" "$(cat "$TMP/force.out")" "the session after the errors"
expect_my_error 1064 "$W" 'SELEC 1'
expect_my_error 1049 "$W" 'SELECT 1' nosuchdb

step "information_schema.aurora_db_cluster"
out=$(q "$W" "SELECT backtrack_window, earliest_backtrack_time, status FROM information_schema.aurora_db_cluster WHERE db_cluster_identifier = 'dp'")
IFS=$'\t' read -r bw ebt st <<<"$out"
assert_eq 86400 "$bw" "backtrack_window"
assert_eq available "$st" "status"
earliest=$(cluster_field dp EarliestBacktrackTime)
"$PY" -c '
import sys
from datetime import datetime, timezone
a = datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00"))
b = datetime.fromisoformat(sys.argv[2].replace(" ", "T")).replace(tzinfo=timezone.utc)
sys.exit(0 if abs((a - b).total_seconds()) < 1 else 1)' "$earliest" "$ebt" ||
    fail "earliest_backtrack_time [$ebt] is not EarliestBacktrackTime [$earliest]"
_pass
assert_eq "" "$(q "$W" "SELECT status FROM information_schema.aurora_db_cluster WHERE db_cluster_identifier = 'nope'")" \
    "no row for another cluster"

step "the reader endpoint and the reader's endpoint are read-only (1290); they read committed data"
for h in "$R" "$IR"; do
    assert_eq 4 "$(q "$h" 'SELECT COUNT(*) FROM products' shop)" "the writer's rows, read at $h"
    expect_my_error 1290 "$h" "INSERT INTO products (sku, name) VALUES ('R-1', 'nope')" shop
    assert_contains "$MY_ERR" "read-only" "message of 1290 at $h"
    expect_my_error 1290 "$h" "UPDATE products SET name = 'nope'" shop
    expect_my_error 1290 "$h" "DELETE FROM products" shop
    expect_my_error 1290 "$h" "CREATE TABLE nope (id INT)" shop
    expect_my_error 1290 "$h" "CREATE DATABASE nope"
    expect_my_error 1290 "$h" "DROP TABLE orders" shop
done
assert_eq 4 "$(q "$W" 'SELECT COUNT(*) FROM products' shop)" "nothing changed by the refused writes"
q "$IW" "INSERT INTO products (sku, name) VALUES ('F-6', 'funnel')" shop >/dev/null
assert_eq funnel "$(q "$W" "SELECT name FROM products WHERE sku = 'F-6'" shop)" "a write through the writer's own endpoint"
assert_eq funnel "$(q "$IR" "SELECT name FROM products WHERE sku = 'F-6'" shop)" "and the reader sees it"
q "$W" "DELETE FROM products WHERE sku = 'F-6'" shop >/dev/null

step "the master password: 1045 when wrong, and modify-db-cluster changes it"
MY_PASSWORD=wrong expect_my_error 1045 "$W" 'SELECT 1'
MY_PASSWORD=wrong expect_my_error 1045 "$R" 'SELECT 1'
MY_USER=root expect_my_error 1045 "$W" 'SELECT 1'
aws_rds modify-db-cluster --db-cluster-identifier dp --master-user-password n3wSecret99 --apply-immediately >/dev/null
wait_cluster_status dp available
deadline=$(($(_now_ms) + 10000))
until MY_PASSWORD=n3wSecret99 connect_works "$W"; do
    (($(_now_ms) < deadline)) || fail "the new password does not work 10 s after the modify: $(cat "$TMP/my.err")"
    sleep 0.2
done
_pass
for h in "$W" "$R" "$IW" "$IR"; do
    MY_PASSWORD=secret123 expect_my_error 1045 "$h" 'SELECT 1'
    assert_eq 4 "$(MY_PASSWORD=n3wSecret99 q "$h" 'SELECT COUNT(*) FROM products' shop)" "the new password at $h"
done
PASSWORD=n3wSecret99

step "the backtrack drill: data, a noted time, breakage, backtrack, then forward again"
q "$W" 'CREATE DATABASE bank; USE bank;
    CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(20) NOT NULL, balance DECIMAL(12,2) NOT NULL);
    CREATE TABLE ledger (id INT PRIMARY KEY AUTO_INCREMENT, account INT NOT NULL, amount DECIMAL(12,2));
    CREATE TABLE audit (id INT PRIMARY KEY, note TEXT);
    INSERT INTO accounts VALUES (1, "ann", 100.00), (2, "bob", 250.50), (3, "cy", 75.25);
    INSERT INTO ledger (account, amount) VALUES (1, 100.00), (2, 250.50), (3, 75.25), (2, -10.00);
    INSERT INTO audit VALUES (1, "opened"), (2, "checked")' >/dev/null
good_accounts=$(q "$W" 'SELECT id, owner, balance FROM accounts ORDER BY id' bank)
good_ledger=$(q "$W" 'SELECT COUNT(*), SUM(amount) FROM ledger' bank)
good_audit=$(q "$W" 'SELECT id, note FROM audit ORDER BY id' bank)
sleep 1.5
T1=$(clock_now)
log "noted $T1"
sleep 1.5
q "$W" 'DELETE FROM ledger' bank >/dev/null
q "$W" 'UPDATE accounts SET balance = 0, owner = "oops"' bank >/dev/null
q "$W" 'DROP TABLE audit' bank >/dev/null
q "$W" 'CREATE TABLE later (id INT PRIMARY KEY); INSERT INTO later VALUES (7)' bank >/dev/null
assert_eq 0 "$(q "$W" 'SELECT COUNT(*) FROM ledger' bank)" "ledger emptied"
assert_eq "$(printf 'accounts\nlater\nledger')" "$(q "$W" 'SHOW TABLES' bank | sort)" "audit dropped"
broken_accounts=$(q "$W" 'SELECT id, owner, balance FROM accounts ORDER BY id' bank)
sleep 1.5
T2=$(clock_now)
log "noted $T2 (after the breakage)"
sleep 1.5
out=$(aws_rds backtrack-db-cluster --db-cluster-identifier dp --backtrack-to "$T1")
assert_eq PENDING "$(jp Status <<<"$out")" "backtrack to the noted time"
wait_cluster_status dp available
wait_instance_status dp-w available
wait_instance_status dp-r available
for h in "$W" "$R" "$IW" "$IR"; do
    wait_accepting "$h" 10 "after the backtrack"
    assert_eq "$good_accounts" "$(q "$h" 'SELECT id, owner, balance FROM accounts ORDER BY id' bank)" \
        "accounts back (old values) at $h"
    assert_eq "$good_ledger" "$(q "$h" 'SELECT COUNT(*), SUM(amount) FROM ledger' bank)" "ledger rows back at $h"
    assert_eq "$good_audit" "$(q "$h" 'SELECT id, note FROM audit ORDER BY id' bank)" "dropped table back at $h"
    assert_eq "$(printf 'accounts\naudit\nledger')" "$(q "$h" 'SHOW TABLES' bank | sort)" "tables at $T1, at $h"
done
assert_eq 4 "$(q "$W" 'SELECT COUNT(*) FROM products' shop)" "shop untouched by the backtrack"

step "backtrack forward to the time after the breakage"
out=$(aws_rds backtrack-db-cluster --db-cluster-identifier dp --backtrack-to "$T2")
assert_eq PENDING "$(jp Status <<<"$out")" "backtrack forward"
wait_cluster_status dp available
wait_instance_status dp-r available
for h in "$W" "$R"; do
    wait_accepting "$h" 10 "after the forward backtrack"
    assert_eq 0 "$(q "$h" 'SELECT COUNT(*) FROM ledger' bank)" "ledger empty again at $h"
    assert_eq "$broken_accounts" "$(q "$h" 'SELECT id, owner, balance FROM accounts ORDER BY id' bank)" \
        "accounts as broken at $h"
    assert_eq "$(printf 'accounts\nlater\nledger')" "$(q "$h" 'SHOW TABLES' bank | sort)" "tables at $T2, at $h"
    assert_eq 7 "$(q "$h" 'SELECT id FROM later' bank)" "the later table at $h"
done
# and back again, to show nothing was lost on the way
out=$(aws_rds backtrack-db-cluster --db-cluster-identifier dp --backtrack-to "$T1")
wait_cluster_status dp available
wait_accepting "$W" 10 "after the second backtrack to $T1"
assert_eq "$good_audit" "$(q "$W" 'SELECT id, note FROM audit ORDER BY id' bank)" "audit back once more"

step "4 MiB and 20 MiB queries"
q "$W" 'CREATE TABLE big (id INT PRIMARY KEY, body LONGTEXT)' bank >/dev/null
for mib in 4 20; do
    "$PY" - "$TMP/big$mib.sql" "$TMP/big$mib.txt" "$mib" <<'EOF'
import sys
sql, txt, mib = sys.argv[1], sys.argv[2], int(sys.argv[3])
unit = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"  # 64 bytes, no escapes
body = (unit * (mib * 1024 * 1024 // len(unit) + 1))[: mib * 1024 * 1024]
with open(sql, "w") as f:
    f.write(f"INSERT INTO big VALUES ({mib}, '{body}');\n")
with open(txt, "w") as f:
    f.write(body + "\n")
EOF
    rc=0
    my "$W" bank --max-allowed-packet=64M <"$TMP/big$mib.sql" 2>"$TMP/my.err" || rc=$?
    ((rc == 0)) || fail "the ${mib} MiB INSERT failed (exit $rc): $(head -c 500 "$TMP/my.err")"
    _pass
    assert_eq $((mib * 1024 * 1024)) "$(q "$W" "SELECT LENGTH(body) FROM big WHERE id = $mib" bank)" \
        "LENGTH of the ${mib} MiB value"
    rc=0
    my "$W" bank --max-allowed-packet=64M -e "SELECT body FROM big WHERE id = $mib" >"$TMP/big$mib.out" 2>"$TMP/my.err" ||
        rc=$?
    ((rc == 0)) || fail "SELECT of the ${mib} MiB value failed (exit $rc): $(head -c 500 "$TMP/my.err")"
    cmp -s "$TMP/big$mib.txt" "$TMP/big$mib.out" ||
        fail "the ${mib} MiB value read back differs ($(wc -c <"$TMP/big$mib.out") bytes)"
    _pass
    # the value read back through the reader too
    assert_eq $((mib * 1024 * 1024)) "$(q "$R" "SELECT LENGTH(body) FROM big WHERE id = $mib" bank)" \
        "LENGTH of the ${mib} MiB value through the reader"
    rm -f "$TMP/big$mib".*
done

step "a second cluster: its own block of addresses and its own data"
create_cluster dp2
create_instance dp2-w dp2
wait_cluster_status dp2 available
wait_instance_status dp2-w available
W2=$(cluster_field dp2 Endpoint)
R2=$(cluster_field dp2 ReaderEndpoint)
assert_match "$W2" '^127\.[0-9]+\.[0-9]+\.1$' "writer endpoint of dp2"
assert_ne "$W" "$W2" "dp2's writer endpoint differs from dp's"
MY_PASSWORD=secret123 wait_accepting "$W2" 10 "dp2's writer"
assert_eq "" "$(MY_PASSWORD=secret123 q "$W2" 'SHOW DATABASES' | grep -x -e shop -e bank || true)" \
    "dp2 has none of dp's databases"
MY_PASSWORD=secret123 q "$W2" 'CREATE DATABASE solo; CREATE TABLE solo.t (id INT PRIMARY KEY); INSERT INTO solo.t VALUES (1), (2)' >/dev/null
# with no reader, the reader endpoint reaches the writer
assert_eq 2 "$(MY_PASSWORD=secret123 q "$R2" 'SELECT COUNT(*) FROM solo.t')" "dp2's reader endpoint (no readers)"
MY_PASSWORD=secret123 q "$R2" 'INSERT INTO solo.t VALUES (3)' >/dev/null
assert_eq 3 "$(MY_PASSWORD=secret123 q "$W2" 'SELECT COUNT(*) FROM solo.t')" \
    "a write through the reader endpoint of a cluster without readers reaches the writer"
dbs=$(q "$W" 'SHOW DATABASES')
grep -qx solo <<<"$dbs" && fail "dp lists dp2's database solo"
_pass

step "kill -9 and restart on the same data dir: the data is still there"
q "$W" 'INSERT INTO accounts VALUES (9, "last", 9.99)' bank >/dev/null
crash_server
wait_refused "$W" 5 "the writer endpoint while the server is down"
start_server
assert_eq available "$(cluster_status dp)" "dp after restart"
for h in "$W" "$R" "$IW" "$IR"; do
    wait_accepting "$h" 15 "after restart"
    assert_eq "$good_accounts"$'\n'"$(printf '9\tlast\t9.99')" \
        "$(q "$h" 'SELECT id, owner, balance FROM accounts ORDER BY id' bank)" "accounts after kill -9, at $h"
    assert_eq "$good_audit" "$(q "$h" 'SELECT id, note FROM audit ORDER BY id' bank)" "audit after kill -9, at $h"
    assert_eq 4 "$(q "$h" 'SELECT COUNT(*) FROM products' shop)" "shop after kill -9, at $h"
done
assert_eq $((20 * 1024 * 1024)) "$(q "$W" 'SELECT LENGTH(body) FROM big WHERE id = 20' bank)" "the 20 MiB row after kill -9"
assert_eq 3 "$(MY_PASSWORD=secret123 q "$W2" 'SELECT COUNT(*) FROM solo.t')" "dp2's rows after kill -9"
MY_PASSWORD=secret123 expect_my_error 1045 "$W" 'SELECT 1'
stop_server
for h in "$W" "$R" "$IW" "$IR" "$W2"; do
    wait_refused "$h" 5 "after the server stopped"
done

# =============================================================================================
# Realistic pace: hold each state with Rewind's clock and watch the endpoints
# =============================================================================================
rm -rf "$DATA_DIR"
start_server --pace realistic
PASSWORD=secret123

step "realistic pace: a cluster with two instances"
create_cluster rt --backtrack-window 86400
create_instance rt-1 rt
create_instance rt-2 rt
advance_clock 900
wait_cluster_status rt available 20
wait_instance_status rt-1 available 20
wait_instance_status rt-2 available 20
W=$(cluster_field rt Endpoint)
R=$(cluster_field rt ReaderEndpoint)
I1=$(instance_address rt-1)
I2=$(instance_address rt-2)
ALL=("$W" "$R" "$I1" "$I2")
for h in "${ALL[@]}"; do wait_accepting "$h" 10 "rt"; done
q "$W" 'CREATE DATABASE app; CREATE TABLE app.kv (k VARCHAR(10) PRIMARY KEY, v INT); INSERT INTO app.kv VALUES ("a", 1), ("b", 2)' >/dev/null
sleep 1.5
T=$(clock_now)
sleep 1.5
q "$W" 'INSERT INTO app.kv VALUES ("c", 3)' >/dev/null

step "backtracking: every endpoint refuses connections until it completes"
aws_rds backtrack-db-cluster --db-cluster-identifier rt --backtrack-to "$T" >/dev/null
assert_eq backtracking "$(cluster_status rt)" "rt right after the request"
for h in "${ALL[@]}"; do wait_refused "$h" 5 "backtracking (PENDING)"; done
advance_clock 20
assert_eq backtracking "$(cluster_status rt)" "rt while APPLYING"
for h in "${ALL[@]}"; do still_refused "$h" "backtracking (APPLYING)"; done
advance_clock 120
wait_cluster_status rt available 15
wait_instance_status rt-1 available 15
wait_instance_status rt-2 available 15
for h in "${ALL[@]}"; do
    wait_accepting "$h" 10 "after the backtrack"
    assert_eq "$(printf 'a\t1\nb\t2')" "$(q "$h" 'SELECT k, v FROM app.kv ORDER BY k')" "rows at the noted time, at $h"
done

step "rebooting: refused, then back"
aws_rds reboot-db-cluster --db-cluster-identifier rt >/dev/null 2>"$TMP/reboot.err" ||
    fail "reboot-db-cluster: $(cat "$TMP/reboot.err")"
assert_eq rebooting "$(cluster_status rt)" "rt after reboot-db-cluster"
for h in "${ALL[@]}"; do wait_refused "$h" 5 "rebooting"; done
for h in "${ALL[@]}"; do still_refused "$h" "rebooting"; done
advance_clock 90
wait_cluster_status rt available 15
wait_instance_status rt-1 available 15
wait_instance_status rt-2 available 15
for h in "${ALL[@]}"; do
    wait_accepting "$h" 10 "after the reboot"
done
assert_eq 2 "$(q "$R" 'SELECT COUNT(*) FROM app.kv')" "rows after the reboot"

step "failing-over: refused; then the writer endpoint is rt-2"
aws_rds failover-db-cluster --db-cluster-identifier rt --target-db-instance-identifier rt-2 >/dev/null
assert_eq failing-over "$(cluster_status rt)" "rt after failover-db-cluster"
for h in "${ALL[@]}"; do wait_refused "$h" 5 "failing-over"; done
for h in "${ALL[@]}"; do still_refused "$h" "failing-over"; done
advance_clock 60
wait_cluster_status rt available 15
wait_instance_status rt-1 available 15
wait_instance_status rt-2 available 15
assert_eq rt-2 "$(aws_rds describe-db-clusters --db-cluster-identifier rt \
    --query 'DBClusters[0].DBClusterMembers[?IsClusterWriter].DBInstanceIdentifier | [0]' --output text)" "the new writer"
for h in "${ALL[@]}"; do wait_accepting "$h" 10 "after the failover"; done
q "$W" 'INSERT INTO app.kv VALUES ("w", 10)' >/dev/null
_pass
q "$I2" 'INSERT INTO app.kv VALUES ("x", 11)' >/dev/null
_pass
expect_my_error 1290 "$I1" 'INSERT INTO app.kv VALUES ("y", 12)'
expect_my_error 1290 "$R" 'INSERT INTO app.kv VALUES ("y", 12)'
assert_eq "$(printf 'a\nb\nw\nx')" "$(q "$I1" 'SELECT k FROM app.kv ORDER BY k')" "the old writer reads the new writer's rows"

step "stopped: refused while stopping and stopped; back after start"
aws_rds stop-db-cluster --db-cluster-identifier rt >/dev/null
for h in "${ALL[@]}"; do wait_refused "$h" 5 "stopping"; done
advance_clock 200
wait_cluster_status rt stopped 15
for h in "${ALL[@]}"; do still_refused "$h" "stopped"; done
aws_rds start-db-cluster --db-cluster-identifier rt >/dev/null
for h in "${ALL[@]}"; do still_refused "$h" "starting"; done
advance_clock 320
wait_cluster_status rt available 15
wait_instance_status rt-1 available 15
wait_instance_status rt-2 available 15
for h in "${ALL[@]}"; do
    wait_accepting "$h" 10 "after start"
    assert_eq 4 "$(q "$h" 'SELECT COUNT(*) FROM app.kv')" "rows after stop and start, at $h"
done

step "deleting an instance closes its endpoint"
aws_rds delete-db-instance --db-instance-identifier rt-1 >/dev/null
wait_refused "$I1" 5 "rt-1 deleting"
assert_eq 4 "$(q "$W" 'SELECT COUNT(*) FROM app.kv')" "the writer endpoint while rt-1 is deleted"
assert_eq 4 "$(q "$I2" 'SELECT COUNT(*) FROM app.kv')" "rt-2's endpoint while rt-1 is deleted"
advance_clock 320
wait_instance_status rt-1 gone 15
still_refused "$I1" "rt-1 deleted"
# no reader left: the reader endpoint reaches the writer
wait_accepting "$R" 10 "the reader endpoint without readers"
assert_eq 4 "$(q "$R" 'SELECT COUNT(*) FROM app.kv')" "the reader endpoint reads through the writer"

finish_deferred
finish
