//! Payload encoders and decoders for the few packets this crate speaks, with no I/O.
//!
//! Everything here works on one logical packet payload (framing lives in `packet.rs`). Decoders
//! read through [`Reader`], whose every method returns `None` instead of indexing past the end, so
//! a hostile payload can only make a decoder fail, never panic. Encoders append to a `Vec<u8>`.

use crate::{Column, ColumnKind, ErrorPacket};

/// Capability flags (`CLIENT_*`), named as in MySQL's `include/mysql_com.h`.
pub(crate) mod caps {
    pub const LONG_PASSWORD: u32 = 0x0000_0001;
    pub const LONG_FLAG: u32 = 0x0000_0004;
    pub const CONNECT_WITH_DB: u32 = 0x0000_0008;
    pub const PROTOCOL_41: u32 = 0x0000_0200;
    pub const INTERACTIVE: u32 = 0x0000_0400;
    pub const SSL: u32 = 0x0000_0800;
    pub const TRANSACTIONS: u32 = 0x0000_2000;
    pub const SECURE_CONNECTION: u32 = 0x0000_8000;
    pub const MULTI_STATEMENTS: u32 = 0x0001_0000;
    pub const MULTI_RESULTS: u32 = 0x0002_0000;
    pub const PLUGIN_AUTH: u32 = 0x0008_0000;
    pub const CONNECT_ATTRS: u32 = 0x0010_0000;
    pub const PLUGIN_AUTH_LENENC_CLIENT_DATA: u32 = 0x0020_0000;
    pub const DEPRECATE_EOF: u32 = 0x0100_0000;
}

/// Server status flags (`SERVER_*`) sent in OK and EOF packets.
pub(crate) mod status {
    pub const AUTOCOMMIT: u16 = 0x0002;
    pub const MORE_RESULTS_EXISTS: u16 = 0x0008;
}

/// Command bytes (`COM_*`) of the packets a client may send after the handshake.
pub(crate) mod command {
    pub const QUIT: u8 = 0x01;
    pub const INIT_DB: u8 = 0x02;
    pub const QUERY: u8 = 0x03;
    pub const FIELD_LIST: u8 = 0x04;
    pub const PING: u8 = 0x0e;
    pub const STMT_PREPARE: u8 = 0x16;
    pub const STMT_EXECUTE: u8 = 0x17;
    pub const STMT_SEND_LONG_DATA: u8 = 0x18;
    pub const STMT_CLOSE: u8 = 0x19;
    pub const STMT_RESET: u8 = 0x1a;
    pub const SET_OPTION: u8 = 0x1b;
    pub const STMT_FETCH: u8 = 0x1c;
}

/// The one authentication plugin this server speaks.
pub(crate) const NATIVE_PASSWORD: &str = "mysql_native_password";

/// Collation id announced in the handshake and used for text columns: `utf8mb4_general_ci`,
/// known to every client since MySQL 5.5 (MySQL 8's own default, 255, is unknown to some).
pub(crate) const UTF8MB4_GENERAL_CI: u8 = 45;
/// Collation id of binary data (numbers, dates, blobs).
const BINARY: u16 = 63;

/// A bounds-checked cursor over a payload.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.buf.len() {
            return None;
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Some(head)
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.bytes(1).map(|b| b[0])
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        let b = self.bytes(4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Bytes up to a NUL, which is consumed; `None` when there is no NUL.
    pub(crate) fn nul_terminated(&mut self) -> Option<&'a [u8]> {
        let end = self.buf.iter().position(|&b| b == 0)?;
        let s = self.bytes(end)?;
        self.bytes(1)?;
        Some(s)
    }

    /// Bytes up to a NUL, or to the end when the NUL is missing (lenient, for trailing fields).
    pub(crate) fn nul_terminated_or_rest(&mut self) -> &'a [u8] {
        match self.nul_terminated() {
            Some(s) => s,
            None => self.rest(),
        }
    }

    pub(crate) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }

    /// A length-encoded integer; `None` on the NULL marker (0xfb), 0xff or a short buffer.
    pub(crate) fn lenenc_int(&mut self) -> Option<u64> {
        let first = self.u8()?;
        let width = match first {
            0..=0xfa => return Some(u64::from(first)),
            0xfc => 2,
            0xfd => 3,
            0xfe => 8,
            _ => return None,
        };
        let b = self.bytes(width)?;
        Some(
            b.iter()
                .rev()
                .fold(0u64, |acc, &x| (acc << 8) | u64::from(x)),
        )
    }

    pub(crate) fn lenenc_bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.lenenc_int()?).ok()?;
        self.bytes(n)
    }
}

pub(crate) fn put_lenenc_int(out: &mut Vec<u8>, v: u64) {
    if v < 0xfb {
        out.push(v as u8);
    } else if v <= 0xffff {
        out.push(0xfc);
        out.extend_from_slice(&(v as u16).to_le_bytes());
    } else if v <= 0xff_ffff {
        out.push(0xfd);
        out.extend_from_slice(&(v as u32).to_le_bytes()[..3]);
    } else {
        out.push(0xfe);
        out.extend_from_slice(&v.to_le_bytes());
    }
}

pub(crate) fn put_lenenc_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_lenenc_int(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// Protocol::HandshakeV10, the server's greeting.
pub(crate) fn handshake_v10(
    server_version: &str,
    connection_id: u32,
    scramble: &[u8; 20],
    capabilities: u32,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.push(10);
    // A NUL inside the version would end it early on the client side.
    out.extend(server_version.bytes().filter(|&b| b != 0));
    out.push(0);
    out.extend_from_slice(&connection_id.to_le_bytes());
    out.extend_from_slice(&scramble[..8]);
    out.push(0);
    out.extend_from_slice(&(capabilities as u16).to_le_bytes());
    out.push(UTF8MB4_GENERAL_CI);
    out.extend_from_slice(&status::AUTOCOMMIT.to_le_bytes());
    out.extend_from_slice(&((capabilities >> 16) as u16).to_le_bytes());
    out.push(21); // length of the whole auth-plugin-data, with its trailing NUL
    out.extend_from_slice(&[0; 10]);
    out.extend_from_slice(&scramble[8..]);
    out.push(0);
    out.extend_from_slice(NATIVE_PASSWORD.as_bytes());
    out.push(0);
    out
}

/// Protocol::HandshakeResponse41 as far as this server needs it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct HandshakeResponse {
    /// The flags exactly as the client sent them.
    pub capabilities: u32,
    pub user: Vec<u8>,
    pub auth_response: Vec<u8>,
    pub database: Option<Vec<u8>>,
    pub auth_plugin: Option<Vec<u8>>,
}

/// Length of an SSLRequest: the first 32 bytes of a HandshakeResponse41, nothing after.
pub(crate) const SSL_REQUEST_LEN: usize = 32;

/// Decodes a HandshakeResponse41. Optional fields are read according to `negotiated`, the
/// client's flags intersected with the server's; a missing trailing plugin name (old clients)
/// is tolerated. `None` means the packet is malformed.
pub(crate) fn decode_handshake_response(
    payload: &[u8],
    negotiated: u32,
) -> Option<HandshakeResponse> {
    let mut r = Reader::new(payload);
    let capabilities = r.u32()?;
    let _max_packet = r.u32()?;
    let _charset = r.u8()?;
    r.bytes(23)?;
    let user = r.nul_terminated()?.to_vec();
    let auth_response = if negotiated & caps::PLUGIN_AUTH_LENENC_CLIENT_DATA != 0 {
        r.lenenc_bytes()?
    } else if negotiated & caps::SECURE_CONNECTION != 0 {
        let n = usize::from(r.u8()?);
        r.bytes(n)?
    } else {
        r.nul_terminated()?
    }
    .to_vec();
    let mut database = None;
    if negotiated & caps::CONNECT_WITH_DB != 0 && !r.is_empty() {
        database = Some(r.nul_terminated_or_rest().to_vec()).filter(|d| !d.is_empty());
    }
    let mut auth_plugin = None;
    if negotiated & caps::PLUGIN_AUTH != 0 && !r.is_empty() {
        auth_plugin = Some(r.nul_terminated_or_rest().to_vec());
    }
    // Connection attributes (CONNECT_ATTRS) may follow; nothing here uses them.
    Some(HandshakeResponse {
        capabilities,
        user,
        auth_response,
        database,
        auth_plugin,
    })
}

/// Protocol::AuthSwitchRequest to mysql_native_password with the connection's scramble.
pub(crate) fn auth_switch_request(scramble: &[u8; 20]) -> Vec<u8> {
    let mut out = vec![0xfe];
    out.extend_from_slice(NATIVE_PASSWORD.as_bytes());
    out.push(0);
    out.extend_from_slice(scramble);
    out.push(0);
    out
}

/// OK_Packet (header 0x00), or with `header = 0xfe` the OK that ends a result set when
/// CLIENT_DEPRECATE_EOF is negotiated. A non-empty `info` is length-encoded, as MySQL servers
/// send it and as libmysqlclient and libmariadb read it whatever the flags (the protocol
/// documentation's "string<EOF>" without CLIENT_SESSION_TRACK makes the mariadb client report
/// "Received malformed packet").
pub(crate) fn ok_packet(
    header: u8,
    affected_rows: u64,
    last_insert_id: u64,
    status: u16,
    info: &str,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(11 + info.len());
    out.push(header);
    put_lenenc_int(&mut out, affected_rows);
    put_lenenc_int(&mut out, last_insert_id);
    out.extend_from_slice(&status.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // warnings
    if !info.is_empty() {
        put_lenenc_bytes(&mut out, info.as_bytes());
    }
    out
}

/// EOF_Packet (protocol 4.1 form).
pub(crate) fn eof_packet(status: u16) -> Vec<u8> {
    let mut out = vec![0xfe];
    out.extend_from_slice(&0u16.to_le_bytes()); // warnings
    out.extend_from_slice(&status.to_le_bytes());
    out
}

/// ERR_Packet (protocol 4.1 form, with the SQL state). The state is forced to five ASCII bytes.
pub(crate) fn err_packet(e: &ErrorPacket) -> Vec<u8> {
    let mut out = Vec::with_capacity(9 + e.message.len());
    out.push(0xff);
    out.extend_from_slice(&e.code.to_le_bytes());
    out.push(b'#');
    let mut state: Vec<u8> = e
        .sql_state
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    state.resize(5, b'0');
    out.extend_from_slice(&state);
    out.extend_from_slice(e.message.as_bytes());
    out
}

/// How a [`ColumnKind`] looks on the wire: type code, collation, display length, flags, decimals.
struct WireType {
    type_code: u8,
    collation: u16,
    length: u32,
    flags: u16,
    decimals: u8,
}

const NUM_FLAG: u16 = 0x8000;
const BINARY_FLAG: u16 = 0x0080;
const BLOB_FLAG: u16 = 0x0010;
/// `decimals` of floating-point columns: "not a fixed number of decimals".
const NOT_FIXED_DEC: u8 = 31;

fn wire_type(kind: ColumnKind) -> WireType {
    use ColumnKind as K;
    let num = |type_code, length, decimals| WireType {
        type_code,
        collation: BINARY,
        length,
        flags: NUM_FLAG | BINARY_FLAG,
        decimals,
    };
    let binary = |type_code, length, flags| WireType {
        type_code,
        collation: BINARY,
        length,
        flags: BINARY_FLAG | flags,
        decimals: 0,
    };
    let text = |type_code, length, flags| WireType {
        type_code,
        collation: u16::from(UTF8MB4_GENERAL_CI),
        length,
        flags,
        decimals: 0,
    };
    match kind {
        K::Tiny => num(0x01, 4, 0),
        K::Short => num(0x02, 6, 0),
        K::Long => num(0x03, 11, 0),
        K::LongLong => num(0x08, 20, 0),
        K::Float => num(0x04, 12, NOT_FIXED_DEC),
        K::Double => num(0x05, 22, NOT_FIXED_DEC),
        K::NewDecimal => num(0xf6, 67, 0),
        K::Year => num(0x0d, 4, 0),
        K::Date => binary(0x0a, 10, 0),
        K::Time => binary(0x0b, 10, 0),
        K::DateTime => binary(0x0c, 19, 0),
        K::Timestamp => binary(0x07, 19, 0),
        K::Blob => binary(0xfc, 65_535, BLOB_FLAG),
        K::VarString => text(0xfd, 1_020, 0),
        K::Text => text(0xfc, 262_140, BLOB_FLAG),
        K::Json => text(0xf5, u32::MAX, BLOB_FLAG),
        K::Null => binary(0x06, 0, 0),
    }
}

/// Protocol::ColumnDefinition41 of a result-set column.
pub(crate) fn column_definition(column: &Column) -> Vec<u8> {
    let t = wire_type(column.kind);
    let mut out = Vec::with_capacity(32 + 2 * column.name.len());
    put_lenenc_bytes(&mut out, b"def"); // catalog
    put_lenenc_bytes(&mut out, b""); // schema
    put_lenenc_bytes(&mut out, b""); // table
    put_lenenc_bytes(&mut out, b""); // org_table
    put_lenenc_bytes(&mut out, column.name.as_bytes());
    put_lenenc_bytes(&mut out, column.name.as_bytes()); // org_name
    put_lenenc_int(&mut out, 0x0c); // length of the fixed-length fields below
    out.extend_from_slice(&t.collation.to_le_bytes());
    out.extend_from_slice(&t.length.to_le_bytes());
    out.push(t.type_code);
    out.extend_from_slice(&t.flags.to_le_bytes());
    out.push(t.decimals);
    out.extend_from_slice(&[0, 0]);
    out
}

/// ProtocolText::ResultsetRow: each value length-encoded, NULL as 0xfb. The row is padded with
/// NULLs or cut to `width` values so the client never misreads the result set.
pub(crate) fn text_row(row: &[Option<String>], width: usize) -> Vec<u8> {
    let size: usize = row.iter().flatten().map(|v| v.len() + 9).sum();
    let mut out = Vec::with_capacity(size + width);
    for i in 0..width {
        match row.get(i) {
            Some(Some(v)) => put_lenenc_bytes(&mut out, v.as_bytes()),
            _ => out.push(0xfb),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lenenc_round_trips_at_every_width() {
        for v in [
            0,
            250,
            251,
            0xffff,
            0x1_0000,
            0xff_ffff,
            0x100_0000,
            u64::MAX,
        ] {
            let mut out = Vec::new();
            put_lenenc_int(&mut out, v);
            let mut r = Reader::new(&out);
            assert_eq!(r.lenenc_int(), Some(v));
            assert!(r.is_empty());
        }
    }

    #[test]
    fn handshake_carries_the_scramble_in_two_parts() {
        let scramble: [u8; 20] = *b"abcdefghijklmnopqrst";
        let p = handshake_v10("8.0.28", 7, &scramble, 0x0008_a20d);
        let mut r = Reader::new(&p);
        assert_eq!(r.u8(), Some(10));
        assert_eq!(r.nul_terminated(), Some(&b"8.0.28"[..]));
        assert_eq!(r.u32(), Some(7));
        assert_eq!(r.bytes(8), Some(&b"abcdefgh"[..]));
        assert_eq!(
            r.bytes(1 + 2 + 1 + 2 + 2),
            Some(&[0, 0x0d, 0xa2, 45, 2, 0, 0x08, 0][..])
        );
        assert_eq!(r.u8(), Some(21));
        r.bytes(10);
        assert_eq!(r.nul_terminated(), Some(&b"ijklmnopqrst"[..]));
        assert_eq!(r.nul_terminated(), Some(NATIVE_PASSWORD.as_bytes()));
        assert!(r.is_empty());
    }

    fn response(caps: u32, tail: &[u8]) -> Vec<u8> {
        let mut p = caps.to_le_bytes().to_vec();
        p.extend_from_slice(&(16u32 << 20).to_le_bytes());
        p.push(45);
        p.extend_from_slice(&[0; 23]);
        p.extend_from_slice(tail);
        p
    }

    #[test]
    fn handshake_response_with_db_and_plugin() {
        let c = caps::PROTOCOL_41
            | caps::SECURE_CONNECTION
            | caps::CONNECT_WITH_DB
            | caps::PLUGIN_AUTH
            | caps::PLUGIN_AUTH_LENENC_CLIENT_DATA;
        let p = response(c, b"admin\0\x03abcmydb\0mysql_native_password\0");
        let r = decode_handshake_response(&p, c).expect("valid");
        assert_eq!(r.user, b"admin");
        assert_eq!(r.auth_response, b"abc");
        assert_eq!(r.database.as_deref(), Some(&b"mydb"[..]));
        assert_eq!(r.auth_plugin.as_deref(), Some(NATIVE_PASSWORD.as_bytes()));
    }

    #[test]
    fn handshake_response_without_plugin_name_is_tolerated() {
        let c = caps::PROTOCOL_41 | caps::SECURE_CONNECTION | caps::PLUGIN_AUTH;
        let r = decode_handshake_response(&response(c, b"u\0\x00"), c).expect("valid");
        assert_eq!(r.user, b"u");
        assert!(r.auth_response.is_empty());
        assert_eq!(r.auth_plugin, None);
    }

    #[test]
    fn truncated_handshake_response_is_malformed() {
        let c = caps::PROTOCOL_41 | caps::SECURE_CONNECTION;
        assert_eq!(decode_handshake_response(&response(c, b"admin"), c), None);
        assert_eq!(
            decode_handshake_response(&response(c, b"admin\0\x14ab"), c),
            None
        );
        assert_eq!(decode_handshake_response(&[1, 2, 3], c), None);
    }

    #[test]
    fn ok_packet_info_is_length_encoded() {
        assert_eq!(ok_packet(0, 1, 42, 2, ""), [0, 1, 42, 2, 0, 0, 0]);
        assert_eq!(
            ok_packet(0xfe, 2, 0, 2, "ab"),
            [0xfe, 2, 0, 2, 0, 0, 0, 2, b'a', b'b']
        );
    }

    #[test]
    fn sql_state_is_always_five_bytes() {
        let e = ErrorPacket::new(1045, "28", "no");
        assert_eq!(&err_packet(&e)[3..9], b"#28000");
        let e = ErrorPacket::new(1045, "HY000extra", "no");
        assert_eq!(&err_packet(&e)[3..9], b"#HY000");
    }

    #[test]
    fn rows_are_padded_and_cut_to_the_column_count() {
        assert_eq!(text_row(&[Some("ab".into())], 2), b"\x02ab\xfb");
        assert_eq!(text_row(&[None, Some("x".into())], 1), b"\xfb");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any bytes, under any negotiated flags, decode or fail without panicking.
        #[test]
        fn handshake_response_decoder_never_panics(
            payload in proptest::collection::vec(any::<u8>(), 0..96),
            negotiated in any::<u32>(),
        ) {
            let _ = decode_handshake_response(&payload, negotiated);
            let mut r = Reader::new(&payload);
            while r.lenenc_bytes().is_some() {}
        }
    }
}
