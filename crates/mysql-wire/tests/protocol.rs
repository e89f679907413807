//! The protocol byte by byte, through a hand-written client (`common/raw.rs`) that can ask for
//! any capability flags: handshake and auth switch, both result-set framings, every command,
//! large and malformed packets, shutdown.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::raw::{self, Options, RawClient, Response};
use common::{Rng, TestServer};
use mysql_wire::{ServerConfig, SERVER_CAPABILITIES};

fn login(server: &TestServer) -> RawClient {
    RawClient::connect(server.addr, &Options::default()).expect("login")
}

fn rows(r: &Response) -> Vec<Vec<Option<String>>> {
    let Response::Rows { rows, .. } = r else {
        panic!("expected rows, got {r:?}")
    };
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|v| v.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()))
                .collect()
        })
        .collect()
}

fn err_code(r: &Response) -> u16 {
    match r {
        Response::Err { code, .. } => *code,
        _ => panic!("expected an error, got {r:?}"),
    }
}

#[test]
fn greeting_offers_native_password_without_ssl() {
    let server = TestServer::start();
    let (_stream, g) = RawClient::open(server.addr).expect("open");
    assert_eq!(g.version, "8.0.28");
    assert_eq!(g.plugin, "mysql_native_password");
    assert_eq!(g.capabilities, SERVER_CAPABILITIES);
    assert_eq!(g.capabilities & raw::SSL, 0);
    assert_eq!(g.capabilities & raw::SESSION_TRACK, 0);
    assert_eq!(g.capabilities & raw::QUERY_ATTRIBUTES, 0);
    assert_eq!(g.scramble.len(), 20);
    assert!(g.scramble.iter().all(|&b| b != 0 && b < 0x80));
    assert!(g.connection_id >= 1);
}

#[test]
fn eof_or_ok_ends_result_sets_as_negotiated() {
    let server = TestServer::start();
    for caps in [raw::MODERN, raw::MODERN & !raw::DEPRECATE_EOF] {
        let mut c = RawClient::connect(
            server.addr,
            &Options {
                caps,
                ..Options::default()
            },
        )
        .expect("login");
        let r = c.query("SELECT 1");
        assert_eq!(r.len(), 1);
        let Response::Rows {
            columns, status, ..
        } = &r[0]
        else {
            panic!("rows expected: {r:?}")
        };
        assert_eq!(columns, &[("1".to_string(), 0x08)]);
        assert_eq!(status & raw::MORE_RESULTS, 0);
        assert_eq!(rows(&r[0]), [[Some("1".to_string())]]);
        // An empty result set and NULLs, under the same framing.
        assert_eq!(rows(&c.query("show tables")[0]), Vec::<Vec<_>>::new());
        assert_eq!(rows(&c.query("select null")[0]), [[None]]);
        assert_eq!(rows(&c.query("select rows 3")[0]).len(), 3);
    }
}

#[test]
fn sloppy_client_flags_are_intersected_with_the_offer() {
    // The client claims SESSION_TRACK and QUERY_ATTRIBUTES, which the server never offered:
    // the server must keep plain OK packets and read COM_QUERY without attribute prefixes.
    let server = TestServer::start();
    let mut c = RawClient::connect(
        server.addr,
        &Options {
            unmasked: true,
            ..Options::default()
        },
    )
    .expect("login");
    assert_eq!(rows(&c.query("SELECT 7")[0]), [[Some("7".to_string())]]);
    let r = c.query("UPDATE t SET a = 1");
    assert_eq!(
        r,
        [Response::Ok {
            affected: 2,
            last_id: 0,
            status: 0x0002,
            info: "Rows matched: 2  Changed: 2  Warnings: 0".into()
        }]
    );
    assert_eq!(server.journal(), ["SELECT 7", "UPDATE t SET a = 1"]);
}

#[test]
fn wrong_password_empty_password_and_unknown_user_are_denied() {
    let server = TestServer::start();
    let denied = |o: Options<'_>| match RawClient::connect(server.addr, &o) {
        Err(Response::Err {
            code,
            state,
            message,
        }) => (code, state, message),
        Err(other) => panic!("unexpected {other:?}"),
        Ok(_) => panic!("login should fail"),
    };
    let (code, state, message) = denied(Options {
        password: "wrong",
        ..Options::default()
    });
    assert_eq!((code, state.as_str()), (1045, "28000"));
    assert_eq!(
        message,
        "Access denied for user 'admin'@'127.0.0.1' (using password: YES)"
    );
    let (_, _, message) = denied(Options {
        password: "",
        ..Options::default()
    });
    assert!(message.ends_with("(using password: NO)"), "{message}");
    let (code, _, _) = denied(Options {
        user: "root",
        ..Options::default()
    });
    assert_eq!(code, 1045);
    let (code, state, message) = denied(Options {
        database: Some("nope"),
        ..Options::default()
    });
    assert_eq!((code, state.as_str()), (1049, "42000"));
    assert_eq!(message, "Unknown database 'nope'");
}

#[test]
fn other_auth_plugins_are_switched_to_native_password() {
    let server = TestServer::start();
    for plugin in ["caching_sha2_password", "client_ed25519", "sha256_password"] {
        let c = RawClient::connect(
            server.addr,
            &Options {
                plugin,
                ..Options::default()
            },
        )
        .expect("login after switch");
        assert_eq!(c.switched_to.as_deref(), Some("mysql_native_password"));
        let refused = RawClient::connect(
            server.addr,
            &Options {
                plugin,
                password: "wrong",
                ..Options::default()
            },
        );
        assert!(matches!(refused, Err(Response::Err { code: 1045, .. })));
    }
    let c = login(&server);
    assert_eq!(c.switched_to, None, "no switch for mysql_native_password");
}

#[test]
fn database_at_connect_and_init_db() {
    let server = TestServer::start();
    let mut c = RawClient::connect(
        server.addr,
        &Options {
            database: Some("mydb"),
            ..Options::default()
        },
    )
    .expect("login");
    assert_eq!(
        rows(&c.query("SELECT DATABASE()")[0]),
        [[Some("mydb".to_string())]]
    );
    c.command(0x02, b"test").expect("init db");
    assert!(matches!(c.response().expect("reply"), Response::Ok { .. }));
    assert_eq!(
        rows(&c.query("SELECT DATABASE()")[0]),
        [[Some("test".to_string())]]
    );
    c.command(0x02, b"nope").expect("init db");
    assert_eq!(err_code(&c.response().expect("reply")), 1049);
}

#[test]
fn multi_statements_flag_more_results_and_stop_at_the_first_error() {
    let server = TestServer::start();
    let mut c = login(&server);
    let r = c.query("SELECT 1; INSERT INTO t VALUES (1); SELECT 'a;b'");
    assert_eq!(r.len(), 3);
    assert!(matches!(&r[0], Response::Rows { status, .. } if status & raw::MORE_RESULTS != 0));
    assert!(
        matches!(&r[1], Response::Ok { affected: 1, last_id: 42, status, .. } if status & raw::MORE_RESULTS != 0)
    );
    assert_eq!(rows(&r[2]), [[Some("a;b".to_string())]]);
    let r = c.query("SELECT 1; bogus; SELECT 2");
    assert_eq!(r.len(), 2);
    assert_eq!(err_code(&r[1]), 1064);

    // Without CLIENT_MULTI_RESULTS only the first result may be sent.
    let mut old = RawClient::connect(
        server.addr,
        &Options {
            caps: raw::MODERN & !raw::MULTI_RESULTS,
            ..Options::default()
        },
    )
    .expect("login");
    let r = old.query("SELECT 1; SELECT 2");
    assert_eq!(r.len(), 1);
    assert_eq!(rows(&r[0]), [[Some("1".to_string())]]);
    assert!(matches!(old.query("SELECT 3")[0], Response::Rows { .. }));

    // Without CLIENT_MULTI_STATEMENTS the session learns it from the login and refuses.
    let mut single = RawClient::connect(
        server.addr,
        &Options {
            caps: raw::MODERN & !raw::MULTI_STATEMENTS,
            ..Options::default()
        },
    )
    .expect("login");
    assert_eq!(err_code(&single.query("SELECT 1; SELECT 2")[0]), 1064);
}

#[test]
fn every_command_leaves_the_connection_usable() {
    let server = TestServer::start();
    let mut c = login(&server);
    fn check_alive(c: &mut RawClient) {
        assert_eq!(rows(&c.query("SELECT 5")[0]), [[Some("5".to_string())]]);
    }

    c.command(0x0e, b"").expect("ping");
    assert!(matches!(c.response().expect("pong"), Response::Ok { .. }));

    c.command(0x04, b"t\0").expect("field list");
    let end = c.read().expect("end of field list");
    assert_eq!(end[0], 0xfe, "empty column list: {end:?}");
    check_alive(&mut c);

    // Prepared statements are covered in prepared.rs; here only their framing.
    c.command(0x16, b"SELECT ?").expect("prepare");
    let ok = c.read().expect("COM_STMT_PREPARE_OK");
    assert_eq!(
        (ok[0], ok.len(), ok[7]),
        (0x00, 12, 1),
        "one parameter: {ok:?}"
    );
    let param = c.read().expect("parameter definition");
    assert_eq!(&param[..4], b"\x03def");
    check_alive(&mut c);

    c.command(0x17, &[99, 0, 0, 0, 0, 1, 0, 0, 0])
        .expect("execute");
    assert_eq!(err_code(&c.response().expect("reply")), 1243);
    // COM_STMT_CLOSE and COM_STMT_SEND_LONG_DATA have no reply; the next reply is the query's.
    c.command(0x18, &[1, 0, 0, 0, 0, 0, b'x'])
        .expect("long data");
    c.command(0x19, &[1, 0, 0, 0]).expect("close");
    c.command(0x18, &[1, 0, 0, 0, 0, 0, b'x'])
        .expect("long data");
    check_alive(&mut c);

    for cmd in [0x00, 0x05, 0x08, 0x11, 0x1f, 0x99, 0xff] {
        c.command(cmd, b"whatever").expect("send");
        let r = c.response().expect("reply");
        assert_eq!(err_code(&r), 1047, "command {cmd:#x}");
        check_alive(&mut c);
    }

    // An empty packet (no command byte at all).
    c.seq = 0;
    c.write(b"").expect("send");
    assert_eq!(err_code(&c.response().expect("reply")), 1047);

    // Bytes that are not UTF-8 outside a string literal: 1300. (Inside one they are a binary
    // string, which reaches the session as a hex literal.)
    c.command(0x03, b"SELECT \xff\xfe").expect("send");
    assert_eq!(err_code(&c.response().expect("reply")), 1300);
    check_alive(&mut c);

    c.command(0x01, b"").expect("quit");
    assert!(c.is_closed());
    let outcomes = server.wait_outcomes(1, Duration::from_secs(5));
    assert_eq!(outcomes, [Ok(())]);
}

#[test]
fn queries_and_rows_across_the_16_mib_packet_boundary() {
    let server = TestServer::start();
    let mut c = login(&server);
    // "SELECT '" + text + "'" with the COM_QUERY byte is exactly one full packet, so the query
    // ends with an empty packet; then a query spanning two full packets and a bit.
    for total in [0xff_ffff, 20 << 20] {
        let text_len = total - 1 - "SELECT ''".len();
        let text: String = (0..text_len)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let sql = format!("SELECT '{text}'");
        assert_eq!(1 + sql.len(), total);
        let r = c.query(&sql);
        let Response::Rows { rows, .. } = &r[0] else {
            panic!("rows expected")
        };
        assert!(rows[0][0].as_deref() == Some(text.as_bytes()));
        let journal = server.journal();
        assert!(journal.last().is_some_and(|q| *q == sql));
    }
    assert!(matches!(c.query("SELECT 1")[0], Response::Rows { .. }));
}

#[test]
fn oversized_query_is_refused_and_the_connection_closed() {
    let server = TestServer::with_config(ServerConfig {
        max_packet_size: 1 << 20,
        ..ServerConfig::default()
    });
    let mut c = login(&server);
    let sql = format!("SELECT '{}'", "x".repeat(2 << 20));
    // The server may close before reading everything; a failed write is fine.
    let _ = c.command(0x03, sql.as_bytes());
    assert!(c.is_closed());
    let outcomes = server.wait_outcomes(1, Duration::from_secs(5));
    assert!(
        outcomes[0]
            .as_ref()
            .is_err_and(|e| e.contains("max_packet_size")),
        "{outcomes:?}"
    );
    assert!(matches!(
        login(&server).query("SELECT 1")[0],
        Response::Rows { .. }
    ));
}

#[test]
fn out_of_order_packet_closes_only_that_connection() {
    let server = TestServer::start();
    let mut c = login(&server);
    c.seq = 3;
    c.write(b"\x03SELECT 1").expect("send");
    c.seq = 4;
    let r = c.response().expect("error before close");
    assert_eq!(err_code(&r), 1156);
    assert!(c.is_closed());
    assert!(matches!(
        login(&server).query("SELECT 1")[0],
        Response::Rows { .. }
    ));
}

#[test]
fn pre_41_clients_and_ssl_requests_are_refused() {
    let server = TestServer::start();
    let refused = RawClient::connect(
        server.addr,
        &Options {
            caps: raw::MODERN & !raw::PROTOCOL_41,
            ..Options::default()
        },
    );
    assert!(matches!(refused, Err(Response::Err { code: 1251, .. })));

    // An SSLRequest although CLIENT_SSL was not offered.
    let (mut stream, _) = RawClient::open(server.addr).expect("open");
    let mut p = vec![32, 0, 0, 1];
    p.extend_from_slice(&(raw::MODERN | raw::SSL).to_le_bytes());
    p.extend_from_slice(&[0, 0, 0, 1, 45]);
    p.extend_from_slice(&[0; 23]);
    stream.write_all(&p).expect("send");
    let mut reply = Vec::new();
    let _ = std::io::Read::read_to_end(&mut stream, &mut reply);
    assert_eq!(&reply[4..7], &[0xff, 0xea, 0x07], "ERR 2026: {reply:?}");
}

#[test]
fn silent_client_is_dropped_after_the_connect_timeout() {
    let server = TestServer::with_config(ServerConfig {
        connect_timeout: Duration::from_millis(200),
        ..ServerConfig::default()
    });
    let (stream, _) = RawClient::open(server.addr).expect("open");
    let start = Instant::now();
    let mut rest = Vec::new();
    let _ = std::io::Read::read_to_end(&mut &stream, &mut rest);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(rest.is_empty());
}

#[test]
fn shutdown_closes_idle_and_busy_connections_promptly() {
    let server = TestServer::start();
    let mut idle = login(&server);
    let mut busy = login(&server);
    busy.command(0x03, b"select sleep(1000)").expect("send");
    let mut handshaking = RawClient::open(server.addr).expect("open").0;
    std::thread::sleep(Duration::from_millis(100));

    let start = Instant::now();
    server.kill_connections();
    assert!(idle.is_closed());
    assert!(busy.is_closed());
    let mut rest = Vec::new();
    let _ = std::io::Read::read_to_end(&mut handshaking, &mut rest);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        server.wait_outcomes(3, Duration::from_secs(5)),
        [Ok(()), Ok(()), Ok(())]
    );
    // The listener is not the connection's business: new clients still get in.
    assert!(matches!(
        login(&server).query("SELECT 1")[0],
        Response::Rows { .. }
    ));
}

#[test]
fn random_bytes_never_take_the_server_down() {
    let server = TestServer::start();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut connections = 0;
    let send = |stream: &mut std::net::TcpStream, bytes: &[u8]| {
        let _ = stream.write_all(bytes);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(stream, &mut sink);
    };
    for i in 0..150 {
        let len = (rng.next() % 200) as usize;
        let mut junk = rng.bytes(len);
        match i % 3 {
            // Raw junk instead of a handshake response.
            0 => {
                let (mut s, _) = RawClient::open(server.addr).expect("open");
                send(&mut s, &junk);
            }
            // A well-framed handshake response with a random payload.
            1 => {
                let (mut s, _) = RawClient::open(server.addr).expect("open");
                let mut framed = vec![junk.len() as u8, 0, 0, 1];
                if i % 2 == 0 && junk.len() > 4 {
                    junk[1] |= 0x02; // PROTOCOL_41, so the decoder runs
                }
                framed.extend_from_slice(&junk);
                send(&mut s, &framed);
            }
            // Random command packets after a valid login.
            _ => {
                let mut c = login(&server);
                let mut framed = Vec::new();
                for chunk in junk.chunks(17) {
                    framed.extend_from_slice(&[chunk.len() as u8, 0, 0, 0]);
                    framed.extend_from_slice(chunk);
                }
                framed.extend_from_slice(&rng.bytes(7));
                send(&mut c.stream, &framed);
            }
        }
        connections += 1;
    }
    // Every connection ended with an outcome: none of their tasks panicked.
    let outcomes = server.wait_outcomes(connections, Duration::from_secs(10));
    assert_eq!(outcomes.len(), connections);
    assert!(matches!(
        login(&server).query("SELECT 1")[0],
        Response::Rows { .. }
    ));
}

#[test]
fn binary_values_travel_unchanged_in_the_text_protocol() {
    let server = TestServer::start();
    for caps in [raw::MODERN, raw::MODERN & !raw::DEPRECATE_EOF] {
        let mut c = RawClient::connect(
            server.addr,
            &Options {
                caps,
                ..Options::default()
            },
        )
        .expect("login");
        let r = c.query("select bytes");
        let Response::Rows {
            columns,
            rows: cells,
            ..
        } = &r[0]
        else {
            panic!("expected rows, got {r:?}")
        };
        let types: Vec<u8> = columns.iter().map(|c| c.1).collect();
        assert_eq!(types, [0xfc, 0xfd, 0xfe, 0x10]);
        let all = common::toy::all_bytes();
        assert_eq!(
            cells,
            &[
                vec![
                    Some(all.clone()),
                    Some(all),
                    Some(vec![0, 0xff, b'\'', 0]),
                    Some(vec![5])
                ],
                vec![Some(vec![]), None, None, None],
            ]
        );
        let r = c.query("select typed");
        assert_eq!(
            rows(&r[0])[0],
            [
                Some("{\"a\": [1, \"é\"]}".into()),
                Some("18446744073709551615".into()),
                Some("-12.50".into()),
                Some("medium".into()),
                Some("a,c".into()),
                Some("255".into())
            ]
        );
    }
}

#[test]
fn a_client_that_disconnects_during_a_statement_ends_it() {
    let server = TestServer::start();
    let mut client = login(&server);
    client.command(0x03, b"select sleep(1000)").expect("send");
    std::thread::sleep(Duration::from_millis(100));
    drop(client);
    // The statement would run for 1,000 s; the connection (and the statement's future with it)
    // ends as soon as the server sees the client gone.
    let outcomes = server.wait_outcomes(1, Duration::from_secs(10));
    assert_eq!(outcomes.len(), 1, "the connection did not end");
    let e = outcomes[0].as_ref().expect_err("ends as a lost connection");
    assert!(e.contains("disconnected during a statement"), "{e}");
}

#[test]
fn a_half_sent_packet_is_dropped_after_net_read_timeout() {
    let server = TestServer::start();
    let mut client = login(&server);
    assert!(matches!(
        client.query("set net_read_timeout = 1")[0],
        Response::Ok { .. }
    ));
    // Idle longer than the timeout between commands is fine: it bounds a begun packet only.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        rows(&client.query("SELECT 1")[0]),
        [[Some("1".to_string())]]
    );
    // A COM_QUERY announcing 100 bytes, of which 10 come.
    client.seq = 0;
    client
        .stream
        .write_all(&[
            100, 0, 0, 0, 0x03, b's', b'e', b'l', b'e', b'c', b't', b' ', b'1', b' ',
        ])
        .expect("send");
    client
        .stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut rest = Vec::new();
    let read = std::io::Read::read_to_end(&mut client.stream, &mut rest);
    assert!(
        read.is_ok(),
        "the server did not close the connection: {read:?}"
    );
    assert!(rest.is_empty(), "{rest:?}");
    let outcomes = server.wait_outcomes(1, Duration::from_secs(5));
    let e = outcomes[0].as_ref().expect_err("ends as a timed-out read");
    assert!(e.contains("net_read_timeout"), "{e}");
}
