//! Prepared statements byte by byte through the raw client: COM_STMT_PREPARE's answer,
//! COM_STMT_EXECUTE's parameters as the SQL text the session receives (the journal), binary
//! result rows of every column kind, long data, reset, close, and the errors that must leave
//! the connection usable.

mod common;

use common::raw::{self, Options, RawClient, Response};
use common::{Rng, TestServer};

const PREPARE: u8 = 0x16;
const EXECUTE: u8 = 0x17;
const LONG_DATA: u8 = 0x18;
const CLOSE: u8 = 0x19;
const RESET: u8 = 0x1a;
const FETCH: u8 = 0x1c;

// Binary-protocol type codes.
const TINY: u8 = 0x01;
const SHORT: u8 = 0x02;
const LONG: u8 = 0x03;
const FLOAT: u8 = 0x04;
const DOUBLE: u8 = 0x05;
const NULL: u8 = 0x06;
const TIMESTAMP: u8 = 0x07;
const LONGLONG: u8 = 0x08;
const DATE: u8 = 0x0a;
const TIME: u8 = 0x0b;
const DATETIME: u8 = 0x0c;
const YEAR: u8 = 0x0d;
const JSON: u8 = 0xf5;
const NEWDECIMAL: u8 = 0xf6;
const BIT: u8 = 0x10;
const BLOB: u8 = 0xfc;
const VAR_STRING: u8 = 0xfd;
const STRING: u8 = 0xfe;

/// One execute parameter: type code, unsigned, value bytes (`None` is NULL).
type Param = (u8, bool, Option<Vec<u8>>);

fn login_with(server: &TestServer, caps: u32) -> RawClient {
    RawClient::connect(
        server.addr,
        &Options {
            caps,
            ..Options::default()
        },
    )
    .expect("login")
}

/// COM_STMT_PREPARE: `Ok((id, params))` after reading the parameter definitions.
fn prepare(c: &mut RawClient, sql: &str) -> Result<(u32, u16), Response> {
    prepare_described(c, sql).map(|(id, params, _)| (id, params))
}

/// A prepared statement's id, parameter count and announced columns (name, type).
type Prepared = (u32, u16, Vec<(String, u8)>);

/// COM_STMT_PREPARE: `Ok((id, params, columns))`, reading the parameter definitions, then the
/// announced columns (name, type), each list followed by an EOF packet unless DEPRECATE_EOF.
fn prepare_described(c: &mut RawClient, sql: &str) -> Result<Prepared, Response> {
    c.command(PREPARE, sql.as_bytes()).expect("send prepare");
    let p = c.read().expect("prepare reply");
    if p[0] == 0xff {
        return Err(raw::parse_err(&p));
    }
    assert_eq!(p.len(), 12, "COM_STMT_PREPARE_OK: {p:?}");
    assert_eq!(p[0], 0);
    let id = u32::from_le_bytes(p[1..5].try_into().unwrap());
    let num_columns = u16::from_le_bytes([p[5], p[6]]);
    let params = u16::from_le_bytes([p[7], p[8]]);
    assert_eq!(&p[9..], &[0, 0, 0], "filler and no warnings");
    let mut columns = Vec::new();
    for (n, what) in [(params, "parameter"), (num_columns, "column")] {
        for _ in 0..n {
            let def = c.read().expect("definition");
            assert_eq!(&def[..4], b"\x03def", "{what}: {def:?}");
            let mut b = &def[..];
            for _ in 0..4 {
                raw::lenenc_bytes(&mut b).expect("catalog/schema/table/org_table");
            }
            let name = String::from_utf8(raw::lenenc_bytes(&mut b).expect("name")).unwrap();
            raw::lenenc_bytes(&mut b).expect("org_name");
            if what == "column" {
                columns.push((name, b[7]));
            }
        }
        if n > 0 && c.caps & raw::DEPRECATE_EOF == 0 {
            let eof = c.read().expect("EOF after definitions");
            assert_eq!((eof[0], eof.len()), (0xfe, 5), "{what}s end with EOF");
        }
    }
    Ok((id, params, columns))
}

fn execute_body(id: u32, params: &[Param], bind: bool) -> Vec<u8> {
    let mut b = id.to_le_bytes().to_vec();
    b.push(0); // CURSOR_TYPE_NO_CURSOR
    b.extend_from_slice(&1u32.to_le_bytes());
    if params.is_empty() {
        return b;
    }
    let mut nulls = vec![0u8; params.len().div_ceil(8)];
    for (i, p) in params.iter().enumerate() {
        if p.2.is_none() {
            nulls[i / 8] |= 1 << (i % 8);
        }
    }
    b.extend_from_slice(&nulls);
    b.push(u8::from(bind));
    if bind {
        for &(ty, unsigned, _) in params {
            b.extend_from_slice(&[ty, if unsigned { 0x80 } else { 0 }]);
        }
    }
    for (_, _, v) in params {
        b.extend_from_slice(v.as_deref().unwrap_or_default());
    }
    b
}

/// A binary result set: columns (name, type), their definitions' other fields, and rows of
/// raw cell bytes.
#[derive(Debug, PartialEq)]
struct Rows {
    columns: Vec<(String, u8)>,
    meta: Vec<Meta>,
    rows: Vec<Vec<Option<Vec<u8>>>>,
}

/// The fixed fields of a column definition besides the type.
#[derive(Debug, PartialEq, Clone, Copy)]
struct Meta {
    collation: u16,
    length: u32,
    flags: u16,
    decimals: u8,
}

#[derive(Debug, PartialEq)]
enum Reply {
    Plain(Response),
    Rows(Rows),
}

fn execute(c: &mut RawClient, id: u32, params: &[Param]) -> Reply {
    c.command(EXECUTE, &execute_body(id, params, true))
        .expect("send execute");
    binary_response(c)
}

fn err_code(r: &Reply) -> u16 {
    match r {
        Reply::Plain(Response::Err { code, .. }) => *code,
        _ => panic!("expected an error, got {r:?}"),
    }
}

fn rows(r: Reply) -> Rows {
    match r {
        Reply::Rows(rows) => rows,
        _ => panic!("expected rows, got {r:?}"),
    }
}

/// Width of a fixed-size binary cell; `None` for length-prefixed ones.
fn fixed_width(ty: u8) -> Option<usize> {
    match ty {
        TINY => Some(1),
        SHORT | YEAR => Some(2),
        LONG | FLOAT => Some(4),
        LONGLONG | DOUBLE => Some(8),
        _ => None,
    }
}

/// Reads the answer to COM_STMT_EXECUTE, decoding rows in the binary protocol.
fn binary_response(c: &mut RawClient) -> Reply {
    let p = c.read().expect("execute reply");
    match p[0] {
        0x00 => return Reply::Plain(raw::parse_ok(&p)),
        0xff => return Reply::Plain(raw::parse_err(&p)),
        _ => {}
    }
    let n = raw::lenenc(&mut &p[..]).expect("column count") as usize;
    let mut columns = Vec::new();
    let mut meta = Vec::new();
    for _ in 0..n {
        let d = c.read().expect("column definition");
        let mut b = &d[..];
        for _ in 0..4 {
            raw::lenenc_bytes(&mut b).expect("catalog/schema/table/org_table");
        }
        let name = String::from_utf8(raw::lenenc_bytes(&mut b).expect("name")).unwrap();
        raw::lenenc_bytes(&mut b).expect("org_name");
        assert_eq!(b.len(), 13);
        columns.push((name, b[7]));
        meta.push(Meta {
            collation: u16::from_le_bytes([b[1], b[2]]),
            length: u32::from_le_bytes(b[3..7].try_into().unwrap()),
            flags: u16::from_le_bytes([b[8], b[9]]),
            decimals: b[10],
        });
    }
    let deprecate_eof = c.caps & raw::DEPRECATE_EOF != 0;
    if !deprecate_eof {
        let eof = c.read().expect("EOF after columns");
        assert_eq!((eof[0], eof.len()), (0xfe, 5));
    }
    let mut out = Vec::new();
    loop {
        let r = c.read().expect("row");
        if r[0] == 0xfe && (deprecate_eof || r.len() == 5) {
            return Reply::Rows(Rows {
                columns,
                meta,
                rows: out,
            });
        }
        assert_eq!(r[0], 0x00, "binary row header: {r:?}");
        let bitmap_len = (n + 7 + 2) / 8;
        let bitmap = &r[1..1 + bitmap_len];
        assert_eq!(bitmap[0] & 0b11, 0, "the first two bits are reserved");
        let mut b = &r[1 + bitmap_len..];
        let mut row = Vec::new();
        for (i, &(_, ty)) in columns.iter().enumerate() {
            let bit = i + 2;
            if bitmap[bit / 8] & (1 << (bit % 8)) != 0 {
                row.push(None);
                continue;
            }
            let width = match ty {
                DATE | DATETIME | TIMESTAMP | TIME => 1 + usize::from(b[0]),
                _ => fixed_width(ty).unwrap_or(0),
            };
            if width > 0 {
                row.push(Some(b[..width].to_vec()));
                b = &b[width..];
            } else {
                row.push(Some(raw::lenenc_bytes(&mut b).expect("value")));
            }
        }
        assert!(b.is_empty(), "row longer than its columns: {b:?}");
        out.push(row);
    }
}

fn check_alive(c: &mut RawClient) {
    let r = c.query("SELECT 5");
    assert!(matches!(&r[0], Response::Rows { rows, .. } if rows == &[vec![Some(b"5".to_vec())]]));
}

fn lenenc(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    raw::put_lenenc(&mut out, v.len() as u64);
    out.extend_from_slice(v);
    out
}

#[test]
fn every_parameter_type_is_interpolated_as_a_literal() {
    let server = TestServer::start();
    for caps in [raw::MODERN, raw::MODERN & !raw::DEPRECATE_EOF] {
        let mut c = login_with(&server, caps);
        let sql = "INSERT INTO t /* ? */ VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '?', ?, ?, ?, ?, ?, ?, ?, ?)";
        let (id, n) = prepare(&mut c, sql).expect("prepared");
        assert_eq!(n, 18);
        let params: Vec<Param> = vec![
            (TINY, false, Some(vec![0xff])),
            (TINY, true, Some(vec![0xff])),
            (SHORT, false, Some((-300i16).to_le_bytes().to_vec())),
            (LONG, true, Some(u32::MAX.to_le_bytes().to_vec())),
            (LONGLONG, false, Some(i64::MIN.to_le_bytes().to_vec())),
            (LONGLONG, true, Some(u64::MAX.to_le_bytes().to_vec())),
            (FLOAT, false, Some(1.5f32.to_le_bytes().to_vec())),
            (DOUBLE, false, Some((-0.25f64).to_le_bytes().to_vec())),
            (NEWDECIMAL, false, Some(lenenc(b"-12.50"))),
            (
                VAR_STRING,
                false,
                Some(lenenc("it's \\ a\n\r\0\x1a é".as_bytes())),
            ),
            (BLOB, false, Some(lenenc(&[0xff, 0x00, 0x41]))),
            (STRING, false, None),
            (DATE, false, Some(vec![4, 0xe8, 0x07, 2, 29])),
            (
                DATETIME,
                false,
                Some(vec![11, 0xe8, 0x07, 1, 2, 3, 4, 5, 6, 0, 0, 0]),
            ),
            (TIMESTAMP, false, Some(vec![7, 0xe8, 0x07, 1, 2, 3, 4, 5])),
            (TIME, false, Some(vec![8, 1, 1, 0, 0, 0, 2, 3, 4])),
            (NULL, false, None),
            (YEAR, false, Some(2024u16.to_le_bytes().to_vec())),
        ];
        let r = execute(&mut c, id, &params);
        assert!(
            matches!(
                r,
                Reply::Plain(Response::Ok {
                    affected: 1,
                    last_id: 42,
                    ..
                })
            ),
            "{r:?}"
        );
        let expected = "INSERT INTO t /* ? */ VALUES (-1, 255, -300, 4294967295, \
             -9223372036854775808, 18446744073709551615, 1.5, -0.25, -12.50, \
             'it\\'s \\\\ a\\n\\r\\0\\Z é', '?', X'FF0041', NULL, '2024-02-29', \
             '2024-01-02 03:04:05.000006', '2024-01-02 03:04:05', '-26:03:04', NULL, 2024)";
        assert_eq!(server.journal().last().map(String::as_str), Some(expected));

        // A statement without parameters, executed twice, then closed.
        let (id2, n) = prepare(&mut c, "SELECT 'a?b'").expect("prepared");
        assert_eq!(n, 0);
        assert_ne!(id, id2, "ids are per statement");
        for _ in 0..2 {
            let r = rows(execute(&mut c, id2, &[]));
            assert_eq!(r.columns, [("a?b".to_string(), VAR_STRING)]);
            assert_eq!(r.rows, [[Some(b"a?b".to_vec())]]);
        }
        c.command(CLOSE, &id2.to_le_bytes()).expect("close");
        assert_eq!(err_code(&execute(&mut c, id2, &[])), 1243);
        check_alive(&mut c);
    }
}

#[test]
fn the_prepare_answer_carries_the_described_columns() {
    let server = TestServer::start();
    for caps in [raw::MODERN, raw::MODERN & !raw::DEPRECATE_EOF] {
        let mut c = login_with(&server, caps);
        let expected = vec![
            ("id".to_string(), LONGLONG),
            ("name".to_string(), VAR_STRING),
        ];
        // Parameters first, then columns, each list with its own EOF in the old framing.
        let (id, n, columns) = prepare_described(&mut c, "select rows ?").expect("prepared");
        assert_eq!((n, &columns), (1, &expected));
        // The execute still sends its own columns.
        let r = rows(execute(
            &mut c,
            id,
            &[(LONGLONG, false, Some(2i64.to_le_bytes().to_vec()))],
        ));
        assert_eq!((r.columns, r.rows.len()), (expected.clone(), 2));
        // Columns without parameters.
        let (_, n, columns) = prepare_described(&mut c, "select rows 3").expect("prepared");
        assert_eq!((n, columns), (0, expected));
        // Statements the session does not describe announce no columns.
        let (_, _, columns) = prepare_described(&mut c, "SELECT ?").expect("prepared");
        assert!(columns.is_empty());
        // A describe error is the prepare's error; the connection goes on.
        let e = prepare_described(&mut c, "select missing ?").expect_err("unknown table");
        assert!(matches!(e, Response::Err { code: 1146, .. }), "{e:?}");
        check_alive(&mut c);
    }
}

#[test]
fn rows_come_back_in_the_binary_protocol_by_column_kind() {
    let server = TestServer::start();
    for caps in [raw::MODERN, raw::MODERN & !raw::DEPRECATE_EOF] {
        let mut c = login_with(&server, caps);
        let (id, _) = prepare(&mut c, "select kinds").expect("prepared");
        let r = rows(execute(&mut c, id, &[]));
        let types: Vec<u8> = r.columns.iter().map(|c| c.1).collect();
        assert_eq!(
            types,
            [
                TINY, SHORT, LONG, LONGLONG, FLOAT, DOUBLE, NEWDECIMAL, YEAR, DATE, TIME, DATETIME,
                TIMESTAMP, VAR_STRING, BLOB, BLOB, JSON, NULL
            ]
        );
        let cells: Vec<Vec<u8>> = r.rows[0]
            .iter()
            .map(|v| v.clone().unwrap_or_default())
            .collect();
        let expected: Vec<Vec<u8>> = vec![
            vec![0x80],
            (-2i16).to_le_bytes().to_vec(),
            70000i32.to_le_bytes().to_vec(),
            (-9_000_000_000i64).to_le_bytes().to_vec(),
            1.5f32.to_le_bytes().to_vec(),
            (-0.25f64).to_le_bytes().to_vec(),
            b"12.50".to_vec(),
            2024u16.to_le_bytes().to_vec(),
            vec![4, 0xe8, 0x07, 2, 29],
            vec![12, 1, 1, 0, 0, 0, 2, 3, 4, 0x20, 0xa1, 0x07, 0],
            vec![11, 0xe8, 0x07, 1, 2, 3, 4, 5, 6, 0, 0, 0],
            vec![7, 0xe8, 0x07, 1, 2, 3, 4, 5],
            "héllo".as_bytes().to_vec(),
            b"long text".to_vec(),
            b"raw".to_vec(),
            b"{\"a\": 1}".to_vec(),
            vec![],
        ];
        assert_eq!(cells, expected);
        assert_eq!(r.rows[0][16], None, "the NULL column");
        assert_eq!(r.rows[1], vec![None; 17], "a row of NULLs");

        // Values that do not parse for their kind turn the whole column into a string.
        let (id, _) = prepare(&mut c, "select bad kinds").expect("prepared");
        let r = rows(execute(&mut c, id, &[]));
        assert_eq!(
            r.columns,
            [
                ("n".to_string(), VAR_STRING),
                ("day".to_string(), VAR_STRING),
                ("ok".to_string(), LONG)
            ]
        );
        assert_eq!(
            r.rows,
            [
                vec![
                    Some(b"1".to_vec()),
                    Some(b"2024-01-01".to_vec()),
                    Some(3i32.to_le_bytes().to_vec())
                ],
                vec![
                    Some(b"18446744073709551615".to_vec()),
                    Some(b"yesterday".to_vec()),
                    None
                ],
            ]
        );
        // Text-protocol queries on the same connection are unchanged.
        check_alive(&mut c);
    }
}

#[test]
fn types_are_remembered_and_long_data_is_appended() {
    let server = TestServer::start();
    let mut c = login_with(&server, raw::MODERN);
    let (id, _) = prepare(&mut c, "SELECT ?").expect("prepared");
    // The first execute must bind types; without them the parameters cannot be read.
    c.command(
        EXECUTE,
        &execute_body(id, &[(LONG, false, Some(vec![7, 0, 0, 0]))], false),
    )
    .expect("send");
    assert_eq!(err_code(&binary_response(&mut c)), 1210);
    let r = rows(execute(
        &mut c,
        id,
        &[(LONG, false, Some(vec![7, 0, 0, 0]))],
    ));
    assert_eq!(r.rows, [[Some(7i64.to_le_bytes().to_vec())]]);
    // Later executes may leave the types out.
    c.command(
        EXECUTE,
        &execute_body(id, &[(LONG, false, Some(vec![9, 0, 0, 0]))], false),
    )
    .expect("send");
    let r = rows(binary_response(&mut c));
    assert_eq!(r.rows, [[Some(9i64.to_le_bytes().to_vec())]]);

    // Long data in two pieces; the execute carries no value for that parameter.
    let (id, n) = prepare(&mut c, "SELECT ?").expect("prepared");
    assert_eq!(n, 1);
    for piece in [&b"hel"[..], b"lo"] {
        let mut body = id.to_le_bytes().to_vec();
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(piece);
        c.command(LONG_DATA, &body).expect("long data");
    }
    // Long data for a parameter that does not exist is ignored (there is no reply to it).
    let mut body = id.to_le_bytes().to_vec();
    body.extend_from_slice(&5u16.to_le_bytes());
    c.command(LONG_DATA, &body).expect("long data");
    let r = rows(execute(&mut c, id, &[(BLOB, false, Some(vec![]))]));
    assert_eq!(r.rows, [[Some(b"hello".to_vec())]]);
    assert_eq!(
        server.journal().last().map(String::as_str),
        Some("SELECT 'hello'")
    );
    // Consumed by the execute: the next one reads its value from the packet.
    let r = rows(execute(
        &mut c,
        id,
        &[(BLOB, false, Some(lenenc(b"again")))],
    ));
    assert_eq!(r.rows, [[Some(b"again".to_vec())]]);

    // COM_STMT_RESET drops pending long data.
    let mut body = id.to_le_bytes().to_vec();
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(b"dropped");
    c.command(LONG_DATA, &body).expect("long data");
    c.command(RESET, &id.to_le_bytes()).expect("reset");
    assert!(matches!(
        c.response().expect("reset reply"),
        Response::Ok { status: 0x0002, .. }
    ));
    let r = rows(execute(&mut c, id, &[(BLOB, false, Some(lenenc(b"kept")))]));
    assert_eq!(r.rows, [[Some(b"kept".to_vec())]]);
    check_alive(&mut c);
}

#[test]
fn unknown_ids_and_bad_executes_get_errors_and_the_connection_stays_usable() {
    let server = TestServer::start();
    let mut c = login_with(&server, raw::MODERN);
    let r = execute(&mut c, 77, &[]);
    assert_eq!(
        r,
        Reply::Plain(Response::Err {
            code: 1243,
            state: "HY000".into(),
            message: "Unknown prepared statement handler (77) given to mysqld_stmt_execute".into()
        })
    );
    c.command(RESET, &77u32.to_le_bytes()).expect("reset");
    let r = c.response().expect("reply");
    assert!(
        matches!(&r, Response::Err { code: 1243, message, .. } if message.ends_with("mysqld_stmt_reset")),
        "{r:?}"
    );
    c.command(FETCH, &[1, 0, 0, 0, 1, 0, 0, 0]).expect("fetch");
    assert!(matches!(
        c.response().expect("reply"),
        Response::Err { code: 1421, .. }
    ));
    // Closing an unknown statement has no reply either.
    c.command(CLOSE, &77u32.to_le_bytes()).expect("close");
    check_alive(&mut c);

    let (id, _) = prepare(&mut c, "SELECT ?, ?").expect("prepared");
    let two = [
        (LONG, false, Some(vec![1, 0, 0, 0])),
        (LONG, false, Some(vec![2, 0, 0, 0])),
    ];
    let full = execute_body(id, &two, true);
    // Every truncation of a valid packet, and too few parameters.
    for cut in 0..full.len() {
        c.command(EXECUTE, &full[..cut]).expect("send");
        let r = binary_response(&mut c);
        assert!(matches!(err_code(&r), 1210 | 1243), "cut {cut}: {r:?}");
    }
    c.command(EXECUTE, &execute_body(id, &two[..1], true))
        .expect("send");
    assert_eq!(err_code(&binary_response(&mut c)), 1210);
    // An unknown type code, a type the decoder cannot read, and a NaN.
    for ty in [0x42, 0x12] {
        let mut bad = full.clone();
        bad[11] = ty;
        c.command(EXECUTE, &bad).expect("send");
        assert_eq!(err_code(&binary_response(&mut c)), 1210, "type {ty:#x}");
    }
    let nan = [
        (DOUBLE, false, Some(f64::NAN.to_le_bytes().to_vec())),
        two[1].clone(),
    ];
    assert_eq!(err_code(&execute(&mut c, id, &nan)), 1210);
    // A truncated length-encoded string.
    let short = [(VAR_STRING, false, Some(vec![9, b'a'])), two[1].clone()];
    assert_eq!(err_code(&execute(&mut c, id, &short)), 1210);
    // Still usable, and the statement still works.
    // (The toy knows no `SELECT 1, 2`: its syntax error shows the statement ran.)
    assert_eq!(err_code(&execute(&mut c, id, &two)), 1064);
    assert_eq!(
        server.journal().last().map(String::as_str),
        Some("SELECT 1, 2")
    );
}

#[test]
fn prepare_errors_and_the_statement_limit() {
    let server = TestServer::start();
    let mut c = login_with(&server, raw::MODERN);
    c.command(PREPARE, b"SELECT '\xff'").expect("send");
    assert!(matches!(
        c.response().expect("reply"),
        Response::Err { code: 1300, .. }
    ));
    check_alive(&mut c);

    // MySQL's default max_prepared_stmt_count, per connection here. Pipelined for speed.
    let limit = 16_382;
    let mut last = 0;
    let mut left = limit;
    while left > 0 {
        let n = left.min(1000);
        left -= n;
        let mut batch = Vec::new();
        for _ in 0..n {
            batch.extend_from_slice(&[7, 0, 0, 0, PREPARE]);
            batch.extend_from_slice(b"SELECT");
        }
        std::io::Write::write_all(&mut c.stream, &batch).expect("send");
        for _ in 0..n {
            c.seq = 1;
            let p = c.read().expect("prepare ok");
            assert_eq!(p[0], 0, "{p:?}");
            last = u32::from_le_bytes(p[1..5].try_into().unwrap());
        }
    }
    let r = prepare(&mut c, "SELECT 1");
    assert_eq!(
        r,
        Err(Response::Err {
            code: 1461,
            state: "42000".into(),
            message:
                "Can't create more than max_prepared_stmt_count statements (current value: 16382)"
                    .into()
        })
    );
    c.command(CLOSE, &last.to_le_bytes()).expect("close");
    let (id, _) = prepare(&mut c, "SELECT 1").expect("room again after a close");
    assert!(id > last, "ids are not reused");
    check_alive(&mut c);
}

#[test]
fn random_statement_packets_never_break_the_connection() {
    let server = TestServer::start();
    let mut c = login_with(&server, raw::MODERN);
    let (id, _) = prepare(&mut c, "SELECT ?, ?, ?").expect("prepared");
    let mut rng = Rng(0x5eed_0bad_cafe_0002);
    for i in 0..2000 {
        let len = (rng.next() % 40) as usize;
        let mut body: Vec<u8> = id.to_le_bytes().to_vec();
        body.extend((0..len).map(|_| rng.next() as u8));
        if i % 4 == 0 {
            // Mostly well-formed: no cursor, one iteration, types bound.
            body.truncate(4);
            body.extend_from_slice(&[0, 1, 0, 0, 0, (rng.next() % 8) as u8, 1]);
            body.extend((0..len).map(|_| rng.next() as u8));
        }
        match i % 5 {
            0 => {
                c.command(LONG_DATA, &body).expect("send");
                continue;
            }
            1 => {
                // A random id as well.
                body[..4].copy_from_slice(&(rng.next() as u32 % 4).to_le_bytes());
            }
            _ => {}
        }
        c.command(EXECUTE, &body).expect("send");
        let _ = binary_response(&mut c);
    }
    check_alive(&mut c);
    let r = execute(
        &mut c,
        id,
        &[
            (NULL, false, None),
            (TINY, false, Some(vec![1])),
            (STRING, false, Some(lenenc(b"x"))),
        ],
    );
    assert_eq!(err_code(&r), 1064, "the toy does not know this SELECT");
    assert_eq!(
        server.journal().last().map(String::as_str),
        Some("SELECT NULL, 1, 'x'")
    );
}

#[test]
fn bytes_json_unsigned_and_decimals_in_the_binary_protocol() {
    let server = TestServer::start();
    let mut c = login_with(&server, raw::MODERN);
    let all: Vec<u8> = (0..=255).collect();
    let (id, _) = prepare(&mut c, "select bytes").expect("prepared");
    let r = rows(execute(&mut c, id, &[]));
    let types: Vec<u8> = r.columns.iter().map(|c| c.1).collect();
    assert_eq!(types, [BLOB, VAR_STRING, STRING, BIT]);
    let meta = |collation, length, flags| Meta {
        collation,
        length,
        flags,
        decimals: 0,
    };
    assert_eq!(
        r.meta,
        [
            meta(63, 65_535, 0x90),
            meta(63, 256, 0x80),
            meta(63, 4, 0x80),
            meta(63, 3, 0x20)
        ]
    );
    assert_eq!(
        r.rows,
        [
            vec![
                Some(all.clone()),
                Some(all.clone()),
                Some(vec![0, 0xff, b'\'', 0]),
                Some(vec![5])
            ],
            vec![Some(vec![]), None, None, None],
        ]
    );

    let (id, _) = prepare(&mut c, "select typed").expect("prepared");
    let r = rows(execute(&mut c, id, &[]));
    let types: Vec<u8> = r.columns.iter().map(|c| c.1).collect();
    assert_eq!(types, [JSON, LONGLONG, NEWDECIMAL, STRING, STRING, TINY]);
    assert_eq!(
        r.meta,
        [
            meta(63, u32::MAX, 0x90),
            meta(63, 20, 0x80a0),
            Meta {
                decimals: 2,
                ..meta(63, 12, 0x8081)
            },
            meta(45, 1_020, 0x100),
            meta(45, 1_020, 0x800),
            meta(63, 3, 0x80a0),
        ]
    );
    assert_eq!(
        r.rows,
        [
            vec![
                Some("{\"a\": [1, \"é\"]}".as_bytes().to_vec()),
                Some(u64::MAX.to_le_bytes().to_vec()),
                Some(b"-12.50".to_vec()),
                Some(b"medium".to_vec()),
                Some(b"a,c".to_vec()),
                Some(vec![255]),
            ],
            vec![
                None,
                Some((1u64 << 63).to_le_bytes().to_vec()),
                Some(b"0.05".to_vec()),
                None,
                Some(vec![]),
                Some(vec![0]),
            ],
        ]
    );
    check_alive(&mut c);
}
