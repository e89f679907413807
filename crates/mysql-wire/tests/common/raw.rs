//! A minimal blocking MySQL client written for these tests, independent of the crate's codec,
//! so the server is checked against a second reading of the protocol. It can ask for any
//! capability flags (with or without CLIENT_DEPRECATE_EOF) and any auth plugin, and checks
//! sequence ids on every packet it reads.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub const LONG_PASSWORD: u32 = 0x1;
pub const CONNECT_WITH_DB: u32 = 0x8;
pub const PROTOCOL_41: u32 = 0x200;
pub const SSL: u32 = 0x800;
pub const TRANSACTIONS: u32 = 0x2000;
pub const SECURE_CONNECTION: u32 = 0x8000;
pub const MULTI_STATEMENTS: u32 = 0x1_0000;
pub const MULTI_RESULTS: u32 = 0x2_0000;
pub const PLUGIN_AUTH: u32 = 0x8_0000;
pub const PLUGIN_AUTH_LENENC: u32 = 0x20_0000;
pub const SESSION_TRACK: u32 = 0x80_0000;
pub const DEPRECATE_EOF: u32 = 0x100_0000;
pub const QUERY_ATTRIBUTES: u32 = 0x800_0000;

/// Flags a modern client asks for (everything this server might offer, and more).
pub const MODERN: u32 = LONG_PASSWORD
    | PROTOCOL_41
    | TRANSACTIONS
    | SECURE_CONNECTION
    | MULTI_STATEMENTS
    | MULTI_RESULTS
    | PLUGIN_AUTH
    | PLUGIN_AUTH_LENENC
    | SESSION_TRACK
    | DEPRECATE_EOF
    | QUERY_ATTRIBUTES;

/// What the server sent in its greeting.
#[derive(Debug, Clone)]
pub struct Greeting {
    pub version: String,
    pub connection_id: u32,
    pub scramble: Vec<u8>,
    pub capabilities: u32,
    pub plugin: String,
}

/// One decoded server reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Ok {
        affected: u64,
        last_id: u64,
        status: u16,
        info: String,
    },
    Err {
        code: u16,
        state: String,
        message: String,
    },
    Rows {
        columns: Vec<(String, u8)>,
        rows: Vec<Vec<Option<Vec<u8>>>>,
        status: u16,
    },
}

pub const MORE_RESULTS: u16 = 0x0008;

pub struct RawClient {
    pub stream: TcpStream,
    pub seq: u8,
    pub greeting: Greeting,
    /// Flags in force: what this client asked for, intersected with the server's.
    pub caps: u32,
    /// Whether the server sent an AuthSwitchRequest during login.
    pub switched_to: Option<String>,
}

pub struct Options<'a> {
    pub user: &'a str,
    pub password: &'a str,
    pub database: Option<&'a str>,
    pub caps: u32,
    pub plugin: &'a str,
    /// Send `caps` as they are instead of intersected with the server's offer (a sloppy client).
    pub unmasked: bool,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            user: super::USER,
            password: super::PASSWORD,
            database: None,
            caps: MODERN,
            plugin: "mysql_native_password",
            unmasked: false,
        }
    }
}

pub fn lenenc(b: &mut &[u8]) -> Option<u64> {
    let (&first, rest) = b.split_first()?;
    *b = rest;
    let width = match first {
        0..=0xfa => return Some(u64::from(first)),
        0xfc => 2,
        0xfd => 3,
        0xfe => 8,
        _ => return None,
    };
    let mut v = 0u64;
    for i in 0..width {
        v |= u64::from(*b.get(i)?) << (8 * i);
    }
    *b = &b[width..];
    Some(v)
}

pub fn lenenc_bytes(b: &mut &[u8]) -> Option<Vec<u8>> {
    let n = lenenc(b)? as usize;
    let v = b.get(..n)?.to_vec();
    *b = &b[n..];
    Some(v)
}

pub fn put_lenenc(out: &mut Vec<u8>, v: u64) {
    match v {
        0..=250 => out.push(v as u8),
        251..=0xffff => {
            out.push(0xfc);
            out.extend_from_slice(&(v as u16).to_le_bytes());
        }
        _ => {
            out.push(0xfe);
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

pub fn parse_ok(p: &[u8]) -> Response {
    let mut b = &p[1..];
    let affected = lenenc(&mut b).expect("affected rows");
    let last_id = lenenc(&mut b).expect("last insert id");
    let status = u16::from_le_bytes([b[0], b[1]]);
    let mut rest = &b[4..];
    let info = if rest.is_empty() {
        String::new()
    } else {
        let info = lenenc_bytes(&mut rest).expect("length-encoded info");
        assert!(rest.is_empty(), "OK packet longer than its info");
        String::from_utf8(info).expect("utf8 info")
    };
    Response::Ok {
        affected,
        last_id,
        status,
        info,
    }
}

pub fn parse_err(p: &[u8]) -> Response {
    assert_eq!(p[3], b'#', "ERR packet without SQL state marker: {p:?}");
    Response::Err {
        code: u16::from_le_bytes([p[1], p[2]]),
        state: String::from_utf8_lossy(&p[4..9]).into_owned(),
        message: String::from_utf8_lossy(&p[9..]).into_owned(),
    }
}

impl RawClient {
    /// Connects and reads the greeting only.
    pub fn open(addr: SocketAddr) -> io::Result<(TcpStream, Greeting)> {
        let mut stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.set_nodelay(true)?;
        let (p, seq) = read_raw(&mut stream)?;
        assert_eq!(seq, 0);
        Ok((stream, parse_greeting(&p)))
    }

    /// Connects and logs in; `Err` carries the server's ERR packet.
    pub fn connect(addr: SocketAddr, o: &Options<'_>) -> Result<RawClient, Response> {
        let (stream, greeting) = Self::open(addr).expect("connect");
        let wanted = o.caps
            | if o.database.is_some() {
                CONNECT_WITH_DB
            } else {
                0
            };
        let caps = wanted & greeting.capabilities;
        let sent = if o.unmasked { wanted } else { caps };
        let mut c = RawClient {
            stream,
            seq: 1,
            greeting,
            caps,
            switched_to: None,
        };
        let auth = match o.plugin {
            "mysql_native_password" => {
                mysql_wire::native_password_response(&c.greeting.scramble, o.password)
            }
            _ => vec![0x5a; 32], // what a caching_sha2_password answer looks like: 32 bytes
        };
        let mut p = sent.to_le_bytes().to_vec();
        p.extend_from_slice(&(64u32 << 20).to_le_bytes());
        p.push(45);
        p.extend_from_slice(&[0; 23]);
        p.extend_from_slice(o.user.as_bytes());
        p.push(0);
        if caps & PLUGIN_AUTH_LENENC != 0 {
            put_lenenc(&mut p, auth.len() as u64);
        } else {
            p.push(auth.len() as u8);
        }
        p.extend_from_slice(&auth);
        if let Some(db) = o.database {
            p.extend_from_slice(db.as_bytes());
            p.push(0);
        }
        p.extend_from_slice(o.plugin.as_bytes());
        p.push(0);
        c.write(&p).expect("send handshake response");
        let mut reply = c.read().expect("auth reply");
        if reply.first() == Some(&0xfe) {
            let plugin_end = reply.iter().position(|&b| b == 0).expect("plugin name");
            let plugin = String::from_utf8_lossy(&reply[1..plugin_end]).into_owned();
            let data = &reply[plugin_end + 1..];
            assert_eq!(data.len(), 21, "scramble and NUL");
            assert_eq!(&data[..20], &c.greeting.scramble[..], "same scramble");
            let answer = mysql_wire::native_password_response(&data[..20], o.password);
            c.switched_to = Some(plugin);
            c.write(&answer).expect("send auth switch response");
            reply = c.read().expect("auth reply");
        }
        match reply[0] {
            0x00 => Ok(c),
            0xff => Err(parse_err(&reply)),
            _ => panic!("unexpected auth reply {reply:?}"),
        }
    }

    /// Writes one payload with the current sequence id, splitting at 16 MiB - 1.
    pub fn write(&mut self, payload: &[u8]) -> io::Result<()> {
        let mut rest = payload;
        loop {
            let n = rest.len().min(0xff_ffff);
            let len = (n as u32).to_le_bytes();
            self.stream.write_all(&[len[0], len[1], len[2], self.seq])?;
            self.stream.write_all(&rest[..n])?;
            self.seq = self.seq.wrapping_add(1);
            rest = &rest[n..];
            if n < 0xff_ffff {
                return Ok(());
            }
        }
    }

    /// Reads one logical packet, checking sequence ids.
    pub fn read(&mut self) -> io::Result<Vec<u8>> {
        let mut payload = Vec::new();
        loop {
            let (p, seq) = read_raw(&mut self.stream)?;
            assert_eq!(seq, self.seq, "sequence id");
            self.seq = self.seq.wrapping_add(1);
            let full = p.len() == 0xff_ffff;
            payload.extend_from_slice(&p);
            if !full {
                return Ok(payload);
            }
        }
    }

    /// Sends a command packet (sequence id 0).
    pub fn command(&mut self, cmd: u8, body: &[u8]) -> io::Result<()> {
        self.seq = 0;
        let mut p = Vec::with_capacity(1 + body.len());
        p.push(cmd);
        p.extend_from_slice(body);
        self.write(&p)
    }

    /// Reads every result of the current command (following "more results").
    pub fn responses(&mut self) -> io::Result<Vec<Response>> {
        let mut out = Vec::new();
        loop {
            let r = self.response()?;
            let more = match &r {
                Response::Ok { status, .. } | Response::Rows { status, .. } => {
                    status & MORE_RESULTS != 0
                }
                Response::Err { .. } => false,
            };
            out.push(r);
            if !more {
                return Ok(out);
            }
        }
    }

    /// Reads one result: OK, ERR or a text result set, framed per the negotiated flags.
    pub fn response(&mut self) -> io::Result<Response> {
        let p = self.read()?;
        match p[0] {
            0x00 => return Ok(parse_ok(&p)),
            0xff => return Ok(parse_err(&p)),
            _ => {}
        }
        let n = lenenc(&mut &p[..]).expect("column count");
        let mut columns = Vec::new();
        for _ in 0..n {
            let c = self.read()?;
            let mut b = &c[..];
            for _ in 0..4 {
                lenenc_bytes(&mut b).expect("catalog/schema/table/org_table");
            }
            let name = String::from_utf8(lenenc_bytes(&mut b).expect("name")).expect("utf8");
            lenenc_bytes(&mut b).expect("org_name");
            assert_eq!(lenenc(&mut b), Some(0x0c));
            let ty = b[6];
            assert_eq!(b.len(), 12, "fixed-length column fields");
            columns.push((name, ty));
        }
        let deprecate_eof = self.caps & DEPRECATE_EOF != 0;
        if !deprecate_eof {
            let eof = self.read()?;
            assert!(
                eof[0] == 0xfe && eof.len() == 5,
                "EOF after columns: {eof:?}"
            );
        }
        let mut rows = Vec::new();
        loop {
            let r = self.read()?;
            if r[0] == 0xfe && r.len() < 0xff_ffff && (deprecate_eof || r.len() < 9) {
                let status = if deprecate_eof {
                    let Response::Ok { status, .. } = parse_ok(&r) else {
                        unreachable!()
                    };
                    status
                } else {
                    assert_eq!(r.len(), 5, "EOF packet");
                    u16::from_le_bytes([r[3], r[4]])
                };
                return Ok(Response::Rows {
                    columns,
                    rows,
                    status,
                });
            }
            if r[0] == 0xff {
                return Ok(parse_err(&r));
            }
            let mut b = &r[..];
            let mut row = Vec::new();
            for _ in 0..columns.len() {
                if b.first() == Some(&0xfb) {
                    b = &b[1..];
                    row.push(None);
                } else {
                    row.push(Some(lenenc_bytes(&mut b).expect("value")));
                }
            }
            assert!(b.is_empty(), "row longer than its columns");
            rows.push(row);
        }
    }

    pub fn query(&mut self, sql: &str) -> Vec<Response> {
        self.command(0x03, sql.as_bytes()).expect("send query");
        self.responses().expect("read replies")
    }

    /// True when the server closed the connection (EOF or reset) within the read timeout.
    pub fn is_closed(&mut self) -> bool {
        let mut b = [0u8; 1];
        loop {
            match self.stream.read(&mut b) {
                Ok(0) => return true,
                Ok(_) => continue, // drain a final ERR packet
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                Err(e) if e.kind() == io::ErrorKind::TimedOut => return false,
                Err(_) => return true,
            }
        }
    }
}

fn read_raw(stream: &mut TcpStream) -> io::Result<(Vec<u8>, u8)> {
    let mut h = [0u8; 4];
    stream.read_exact(&mut h)?;
    let len = usize::from(h[0]) | usize::from(h[1]) << 8 | usize::from(h[2]) << 16;
    let mut p = vec![0; len];
    stream.read_exact(&mut p)?;
    Ok((p, h[3]))
}

fn parse_greeting(p: &[u8]) -> Greeting {
    assert_eq!(p[0], 10, "protocol version");
    let end = p.iter().position(|&b| b == 0).expect("version NUL");
    let version = String::from_utf8_lossy(&p[1..end]).into_owned();
    let b = &p[end + 1..];
    let connection_id = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let mut scramble = b[4..12].to_vec();
    assert_eq!(b[12], 0, "filler");
    let low = u16::from_le_bytes([b[13], b[14]]);
    let high = u16::from_le_bytes([b[18], b[19]]);
    let capabilities = u32::from(low) | u32::from(high) << 16;
    let auth_len = usize::from(b[20]);
    assert_eq!(auth_len, 21);
    let rest = &b[31..];
    scramble.extend_from_slice(&rest[..12]);
    assert_eq!(rest[12], 0, "scramble NUL");
    let plugin_end = rest[13..].iter().position(|&b| b == 0).expect("plugin NUL");
    let plugin = String::from_utf8_lossy(&rest[13..13 + plugin_end]).into_owned();
    Greeting {
        version,
        connection_id,
        scramble,
        capabilities,
        plugin,
    }
}
