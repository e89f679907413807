-- wrk script for scripts/bench.
-- BENCH_BODY set: POST it as a Query-API form body with a SigV4-shaped Authorization header
-- (the signature is not checked by Rewind; moto only reads the credential scope to route to RDS).
-- BENCH_BODY unset: plain GET of the URL's path (the health endpoint).
-- done() prints one JSON line (prefixed BENCH_JSON) that bench.py parses.

local body = os.getenv("BENCH_BODY")
if body ~= nil and body ~= "" then
    wrk.method = "POST"
    wrk.body = body
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["Authorization"] =
        "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/rds/aws4_request, SignedHeaders=host, Signature=x"
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
        '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
        '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
        summary.requests, summary.duration, summary.bytes,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
        e.connect, e.read, e.write, e.status, e.timeout))
end
