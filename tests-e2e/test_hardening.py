"""The control plane under requests an adversary or a buggy client would send (issue 12): none may
brick the server, and every answer is one an SDK can parse.

Each test starts its own server (some restart or signal it) on a free loopback port.

Run: ``.venv/bin/python -m pytest -q tests-e2e/test_hardening.py``
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import signal
import socket
import threading
import time
from urllib.parse import urlparse

import pytest

from rewind_server import session_server

LATEST = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)


@pytest.fixture
def server():
    yield from session_server("fast", "pytest-hardening")


#: Short bounds, so the tests of the listener's timeouts and cap run in seconds.
SHORT_BOUNDS = (
    "--header-read-timeout", "1",
    "--body-read-timeout", "1",
    "--max-http-connections", "8",
    "--shutdown-grace", "3",
)


@pytest.fixture
def bounded():
    yield from session_server("fast", "pytest-hardening-bounded", SHORT_BOUNDS)


def host_port(server) -> tuple[str, int]:
    url = urlparse(server.endpoint)
    return url.hostname, url.port


def raw_exchange(server, request: bytes, pause_after: int | None = None, timeout: float = 10) -> bytes:
    """Sends `request` on a fresh socket (when `pause_after` is set, only that many bytes, then
    nothing more) and returns everything the server sends until it closes the connection."""
    with socket.create_connection(host_port(server), timeout=timeout) as s:
        s.sendall(request if pause_after is None else request[:pause_after])
        out = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out


def assert_rds_error(status: int, headers, body: bytes, want_status: int, code: str) -> None:
    """The answer is the RDS XML error envelope an SDK parses, with the request id header."""
    text = body.decode()
    assert status == want_status, (status, text)
    assert headers["content-type"] == "text/xml", headers
    request_id = headers["x-amzn-requestid"]
    assert re.fullmatch(
        r'<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type>'
        rf"<Code>{code}</Code><Message>[^<]+</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        text,
    ), text


def parse_http(raw: bytes) -> tuple[int, dict, bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body[: int(headers.get("content-length", len(body)))]


def test_the_clock_never_passes_year_9999_and_survives_a_restart(server):
    """An advance past 9999-12-31 is refused with 400 and the range; up to it, every action and
    a restart keep working (the clock is persisted)."""
    for seconds in (9223372036854775807, 8_000_000_000_000, 2**64 - 1):
        status, body = server.post_json("/_rewind/clock", {"advance_seconds": seconds})
        assert status == 400, (seconds, status, body)
        assert "9999" in json.loads(body)["error"], body
    rds = server.rds()
    rds.create_db_cluster(
        DBClusterIdentifier="late", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword="secret123"
    )
    room = int((LATEST - server.now()).total_seconds())
    server.advance(room - 86400)
    assert server.now().year == 9999
    status, body = server.post_json("/_rewind/clock", {"advance_seconds": 2 * 86400})
    assert status == 400, body
    cluster = rds.describe_db_clusters(DBClusterIdentifier="late")["DBClusters"][0]
    assert cluster["ClusterCreateTime"].year < 9999
    assert rds.describe_events(Duration=60)["ResponseMetadata"]["HTTPStatusCode"] == 200

    server.kill9()
    server.start()
    rds = server.rds()
    assert server.now().year == 9999
    assert rds.describe_db_clusters(DBClusterIdentifier="late")["DBClusters"][0]["Status"]
    rds.create_db_cluster(
        DBClusterIdentifier="later", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword="secret123"
    )


def test_tags_are_bounded_as_on_aws(server):
    """At most 50 tags per resource (TagQuotaPerResourceExceeded), keys up to 128 and values up
    to 256 characters (InvalidParameterValue); a refused request changes nothing."""
    from botocore.exceptions import ClientError

    rds = server.rds()
    arn = rds.create_db_cluster(
        DBClusterIdentifier="tagged", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword="secret123"
    )["DBCluster"]["DBClusterArn"]
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": f"k{i}", "Value": "v" * 256} for i in range(50)])
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "k0", "Value": "overwritten"}])
    for tags, code in (
        ([{"Key": "one-too-many", "Value": ""}], "TagQuotaPerResourceExceeded"),
        ([{"Key": "k" * 129, "Value": ""}], "InvalidParameterValue"),
        ([{"Key": "k1", "Value": "v" * 257}], "InvalidParameterValue"),
    ):
        with pytest.raises(ClientError) as e:
            rds.add_tags_to_resource(ResourceName=arn, Tags=tags)
        assert e.value.response["Error"]["Code"] == code, e.value.response
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    listed = rds.list_tags_for_resource(ResourceName=arn)["TagList"]
    assert len(listed) == 50 and {"Key": "k0", "Value": "overwritten"} in listed
    with pytest.raises(ClientError) as e:
        rds.create_db_cluster(
            DBClusterIdentifier="overtagged",
            Engine="aurora-mysql",
            MasterUsername="admin",
            MasterUserPassword="secret123",
            Tags=[{"Key": f"k{i}", "Value": ""} for i in range(51)],
        )
    assert e.value.response["Error"]["Code"] == "TagQuotaPerResourceExceeded"
    assert not [c for c in rds.describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"] == "overtagged"]


def test_oversized_and_malformed_bodies_get_the_rds_error_envelope(server):
    """A body over the 2 MiB limit gets 413 RequestEntityTooLarge, a bad chunk size 400
    InvalidQueryParameter, both as RDS XML with the request id; boto3 parses the first."""
    from botocore.exceptions import ClientError

    conn = http.client.HTTPConnection(*host_port(server), timeout=10)
    body = b"Action=DescribeDBClusters&Version=2014-10-31&Pad=" + b"x" * (3 * 1024 * 1024)
    conn.request("POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    assert_rds_error(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read(), 413, "RequestEntityTooLarge")
    conn.close()

    rds = server.rds()
    arn = rds.create_db_cluster(
        DBClusterIdentifier="big", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword="secret123"
    )["DBCluster"]["DBClusterArn"]
    with pytest.raises(ClientError) as e:
        rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": f"k{i}", "Value": "v" * 60_000} for i in range(48)])
    assert e.value.response["Error"]["Code"] == "RequestEntityTooLarge", e.value.response
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert e.value.response["ResponseMetadata"]["RequestId"]

    for chunks in (b"zz\r\nAction=DescribeDBClusters\r\n0\r\n\r\n", b"5\r\nAction=DescribeDBClusters\r\n0\r\n\r\n"):
        raw = raw_exchange(
            server,
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + chunks,
        )
        assert_rds_error(*parse_http(raw), 400, "InvalidQueryParameter")
    assert rds.describe_db_clusters()["DBClusters"][0]["DBClusterIdentifier"] == "big"


def test_slow_clients_are_cut_off_and_others_still_served(bounded):
    """Half-sent headers: the connection is closed after the header read timeout (1 s here); a
    half-sent body gets 408 RequestTimeout after the body read timeout; meanwhile and afterwards
    other clients are served."""
    rds = bounded.rds()
    started = time.monotonic()
    with socket.create_connection(host_port(bounded), timeout=10) as slow:
        slow.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-")
        assert rds.describe_db_clusters()["DBClusters"] == []
        assert slow.recv(65536) == b""  # closed by the server, before the 10 s socket timeout
    assert 0.8 <= time.monotonic() - started < 5

    started = time.monotonic()
    raw = raw_exchange(
        bounded,
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 100\r\n\r\nAction=Describe",
    )
    assert 0.8 <= time.monotonic() - started < 5
    assert_rds_error(*parse_http(raw), 408, "RequestTimeout")
    assert rds.describe_db_clusters()["DBClusters"] == []


def test_idle_connections_beyond_the_cap_do_not_stop_service(bounded):
    """Three times the connection cap (8 here) of connections that send nothing: a normal request
    waits its turn and is served once the idle ones ahead of it are closed (header read timeout
    1 s), and every idle one is closed."""
    idle = [socket.create_connection(host_port(bounded), timeout=10) for _ in range(24)]
    try:
        started = time.monotonic()
        assert bounded.rds().describe_db_clusters()["DBClusters"] == []
        assert time.monotonic() - started < 10
        for s in idle:
            s.settimeout(10)
            assert s.recv(1) == b""
    finally:
        for s in idle:
            s.close()
    assert bounded.rds().describe_db_clusters()["DBClusters"] == []


def test_sigterm_during_a_runaway_query_exits_within_the_grace_period(bounded):
    """SIGTERM while a three-way cross join runs: the process exits within the shutdown grace
    (3 s here) plus a margin, and a new server on the same data directory starts and serves the
    data of the old one."""
    import pymysql

    def connect(host, port, **kw):
        return pymysql.connect(host=host, port=port, user="admin", password="secret123", autocommit=True,
                               connect_timeout=5, read_timeout=60, **kw)

    host, port = bounded.mysql_cluster("term", "8.0.mysql_aurora.3.05.2", "admin", "secret123",
                                       lambda h, p: connect(h, p).close())
    conn = connect(host, port)
    with conn.cursor() as cur:
        cur.execute("CREATE DATABASE app")
        cur.execute("CREATE TABLE app.n (i INT PRIMARY KEY)")
        cur.execute("INSERT INTO app.n WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) SELECT i FROM s")
    outcome: list = []

    def runaway():
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT COUNT(*) FROM app.n a, app.n b, app.n c WHERE a.i + b.i + c.i > 0")
            outcome.append("finished")
        except pymysql.err.MySQLError as e:
            outcome.append(e)

    t = threading.Thread(target=runaway, daemon=True)
    t.start()
    time.sleep(1)
    assert not outcome, "the cross join was expected to run for minutes"
    started = time.monotonic()
    bounded.proc.send_signal(signal.SIGTERM)
    try:
        bounded.proc.wait(timeout=3 + 4)
    except Exception:
        bounded.proc.kill()
        raise
    assert time.monotonic() - started < 7
    bounded._forget()
    t.join(timeout=10)
    assert outcome and outcome[0] != "finished", outcome

    bounded.start()
    rds = bounded.rds()
    deadline = time.monotonic() + 20
    while True:
        try:
            again = connect(host, port)
            break
        except pymysql.err.MySQLError:
            assert time.monotonic() < deadline, "the cluster's endpoint did not come back"
            time.sleep(0.1)
    with again.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM app.n")
        assert cur.fetchone()[0] == 1000
    assert rds.describe_db_clusters(DBClusterIdentifier="term")["DBClusters"][0]["Status"] == "available"


def test_markers_are_opaque_and_bound_to_their_request(server):
    """A Marker names no resource and is valid only for the request that produced it (same
    action, filters, identifiers, region; the page size may change): given to another action,
    with other filters or forged, it gets InvalidParameterValue. Paginators page as before."""
    from botocore.exceptions import ClientError

    rds = server.rds()
    for n in range(25):
        rds.create_db_cluster(
            DBClusterIdentifier=f"m{n:02}", Engine="aurora-mysql", MasterUsername="admin", MasterUserPassword="secret123"
        )
    first = rds.describe_db_clusters(MaxRecords=20)
    marker = first["Marker"]
    assert len(first["DBClusters"]) == 20 and "m19" not in marker and "m20" not in marker, marker
    rest = rds.describe_db_clusters(MaxRecords=20, Marker=marker)
    assert [c["DBClusterIdentifier"] for c in rest["DBClusters"]] == [f"m{n}" for n in range(20, 25)]
    assert "Marker" not in rest
    assert len(rds.describe_db_clusters(MaxRecords=100, Marker=marker)["DBClusters"]) == 5

    engine = [{"Name": "engine", "Values": ["aurora-mysql"]}]
    for call in (
        lambda: rds.describe_db_instances(Marker=marker),
        lambda: rds.describe_db_clusters(Filters=engine, Marker=marker),
        lambda: rds.describe_db_clusters(DBClusterIdentifier="m21", Marker=marker),
        lambda: rds.describe_events(Marker=marker),
        lambda: rds.describe_db_clusters(Marker="m19"),
        lambda: rds.describe_db_clusters(Marker=marker[:-2]),
        lambda: server.rds("eu-west-1").describe_db_clusters(Marker=marker),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert e.value.response["Error"]["Code"] == "InvalidParameterValue", e.value.response
        assert "Marker" in e.value.response["Error"]["Message"]

    pages = list(rds.get_paginator("describe_db_clusters").paginate(Filters=engine, PaginationConfig={"PageSize": 20}))
    assert [len(p["DBClusters"]) for p in pages] == [20, 5]
