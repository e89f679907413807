//! mysql-connector-python's prepared cursor (COM_STMT_PREPARE and COM_STMT_EXECUTE) against the
//! toy server, in its pure-Python protocol reader and its C extension (libmysqlclient's): rows
//! in the binary protocol as a real driver decodes them, by column type and flags. BLOBs with
//! every byte value, JSON, an UNSIGNED BIGINT above `i64::MAX`, DECIMAL with its scale, ENUM,
//! SET and BIT.
//!
//! The interpreter is `$REWIND_PYTHON`, else the workspace's `.venv/bin/python`; these tests fail
//! with instructions when it or mysql-connector-python is missing.

mod common;

use common::TestServer;

/// `connect(pure)` opens a connection with the pure-Python reader or the C extension.
const CONNECT: &str = "def connect(pure):\n    \
    return mysql.connector.connect(host='127.0.0.1', port=PORT, user='admin', password='secret', \
    use_pure=pure, connection_timeout=10, autocommit=True)\n";

#[test]
fn binary_protocol_values_by_column_definition() {
    let server = TestServer::start();
    let out = common::run_python(
        &server,
        "mysql.connector",
        CONNECT,
        r#"
def norm(v):
    """Bytes for every string-like value: the readers differ in what they decode (the pure one
    returns bytes for any binary-collation column, JSON included, as against MySQL 8)."""
    if isinstance(v, (bytes, bytearray)):
        return bytes(v)
    if isinstance(v, str):
        return v.encode()
    if isinstance(v, set):
        return ",".join(sorted(v)).encode()
    return v

try:
    import _mysql_connector
    readers = [True, False]
except ImportError:
    readers = [True]
for pure in readers:
    conn = connect(pure)
    cur = conn.cursor(prepared=True)
    cur.execute("select bytes")
    rows = [[norm(v) for v in row] for row in cur.fetchall()]
    assert rows[0][:3] == [bytes(range(256)), bytes(range(256)), b"\x00\xff'\x00"], (pure, rows[0])
    assert rows[0][3] in (5, b"\x05"), (pure, rows[0])
    assert rows[1] == [b"", None, None, None], (pure, rows[1])
    cur.execute("select typed")
    rows = [[norm(v) for v in row] for row in cur.fetchall()]
    # The C extension reads a BIGINT UNSIGNED as signed in prepared statements (it does so
    # against MariaDB 10.11 too); the pure reader honours UNSIGNED_FLAG.
    wrap = 0 if pure else 1 << 64
    big = [v - wrap if v >= 1 << 63 else v for v in (18446744073709551615, 9223372036854775808)]
    assert rows[0] == ['{"a": [1, "é"]}'.encode(), big[0], decimal.Decimal("-12.50"),
                       b"medium", b"a,c", 255], (pure, rows[0])
    assert rows[1] == [None, big[1], decimal.Decimal("0.05"), None, b"", 0], (pure, rows[1])
    binary_rows = rows
    d = cur.description
    assert [c[1] for c in d] == [245, 8, 246, 254, 254, 1], (pure, d)
    assert d[2][6] == 0 and d[1][6] == 1, (pure, "null_ok", d)
    # The same values in the text protocol, on the same connection.
    text = conn.cursor()
    text.execute("select typed")
    rows = [[norm(v) for v in row] for row in text.fetchall()]
    assert rows[0][1:] == binary_rows[0][1:] or not pure, (rows, binary_rows)
    assert rows[0][1] == 18446744073709551615 and rows[1][1] == 9223372036854775808, rows
    conn.close()
    print("reader", "pure" if pure else "c")
"#,
    );
    assert!(out.contains("reader pure"), "{out}");
}
