//! Payloads of the packets this crate speaks, with no I/O (framing lives in `packet.rs`).
//!
//! mysql_common encodes the greeting, the auth switch, ERR packets and column definitions and
//! decodes the client's handshake response (every read bounds-checked: a hostile payload makes
//! it fail, never panic). It has no encoder for OK and EOF packets or text rows (its `OkPacket`
//! only parses, its `Value` serializes the binary protocol), so those three are written here on
//! its length-encoding helpers.

use mysql_common::collations::CollationId;
use mysql_common::constants::{CapabilityFlags, ColumnFlags, ColumnType, StatusFlags};
use mysql_common::io::{BufMutExt, ParseBuf};
use mysql_common::packets::{
    self, AuthPlugin, AuthSwitchRequest, ErrPacket, HandshakePacket, HandshakeResponse,
    ServerError, SqlState,
};
use mysql_common::proto::MySerialize;

use crate::{Column, ColumnKind, ErrorPacket};

/// The one authentication plugin this server speaks.
const NATIVE_PASSWORD: &[u8] = b"mysql_native_password";

/// Collation announced in the handshake and used for text columns: `utf8mb4_general_ci`,
/// known to every client since MySQL 5.5 (MySQL 8's own default, 255, is unknown to some).
const TEXT_COLLATION: CollationId = CollationId::UTF8MB4_GENERAL_CI;

fn serialize(packet: &impl MySerialize) -> Vec<u8> {
    let mut out = Vec::new();
    packet.serialize(&mut out);
    out
}

/// Protocol::HandshakeV10, the server's greeting.
pub(crate) fn handshake_v10(
    server_version: &str,
    connection_id: u32,
    scramble: &[u8; 20],
    capabilities: CapabilityFlags,
) -> Vec<u8> {
    let (head, tail) = scramble.split_at(8);
    // The second part travels NUL-terminated, as MySQL sends it (auth-plugin-data length 21).
    let tail = [tail, &[0]].concat();
    serialize(&HandshakePacket::new(
        10,
        server_version.as_bytes(),
        connection_id,
        head.try_into().expect("8 bytes"),
        Some(tail),
        capabilities,
        TEXT_COLLATION as u8,
        StatusFlags::SERVER_STATUS_AUTOCOMMIT,
        Some(NATIVE_PASSWORD),
    ))
}

/// Decodes a HandshakeResponse41; `None` means the packet is malformed.
///
/// mysql_common reads the optional fields by the client's own flags. The server must read them by
/// the flags both sides have, which is the same thing as long as every flag that shapes this
/// packet is one the server offers; the assertion below keeps it so.
pub(crate) fn decode_handshake_response(payload: &[u8]) -> Option<HandshakeResponse<'_>> {
    const SHAPING: u32 = CapabilityFlags::CLIENT_SECURE_CONNECTION.bits()
        | CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA.bits()
        | CapabilityFlags::CLIENT_CONNECT_WITH_DB.bits()
        | CapabilityFlags::CLIENT_PLUGIN_AUTH.bits()
        | CapabilityFlags::CLIENT_CONNECT_ATTRS.bits();
    const _: () = assert!(crate::SERVER_CAPABILITIES & SHAPING == SHAPING);
    ParseBuf(payload).parse(()).ok()
}

/// Whether the client started with a plugin other than mysql_native_password and so must be
/// switched. A missing plugin name (old clients) means mysql_native_password.
pub(crate) fn wants_plugin_switch(response: &HandshakeResponse<'_>) -> bool {
    response
        .auth_plugin()
        .is_some_and(|p| !p.as_bytes().is_empty() && *p != AuthPlugin::MysqlNativePassword)
}

/// Protocol::AuthSwitchRequest to mysql_native_password with the connection's scramble.
pub(crate) fn auth_switch_request(scramble: &[u8; 20]) -> Vec<u8> {
    serialize(&AuthSwitchRequest::new(
        NATIVE_PASSWORD,
        [&scramble[..], &[0]].concat(),
    ))
}

/// OK_Packet (header 0x00), or with `header = 0xfe` the OK that ends a result set when
/// CLIENT_DEPRECATE_EOF is negotiated. A non-empty `info` is length-encoded, as MySQL servers
/// send it and as libmysqlclient and libmariadb read it whatever the flags (the protocol
/// documentation's "string<EOF>" without CLIENT_SESSION_TRACK makes the mariadb client report
/// "Received malformed packet"). Hand-written: mysql_common only parses OK packets.
pub(crate) fn ok_packet(
    header: u8,
    affected_rows: u64,
    last_insert_id: u64,
    status: StatusFlags,
    info: &str,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(11 + info.len());
    out.push(header);
    out.put_lenenc_int(affected_rows);
    out.put_lenenc_int(last_insert_id);
    out.extend_from_slice(&status.bits().to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // warnings
    if !info.is_empty() {
        out.put_lenenc_str(info.as_bytes());
    }
    out
}

/// EOF_Packet (protocol 4.1 form). Hand-written: mysql_common only parses it.
pub(crate) fn eof_packet(status: StatusFlags) -> Vec<u8> {
    let mut out = vec![0xfe];
    out.extend_from_slice(&0u16.to_le_bytes()); // warnings
    out.extend_from_slice(&status.bits().to_le_bytes());
    out
}

/// ERR_Packet (protocol 4.1 form, with the SQL state). The state is forced to five ASCII bytes.
pub(crate) fn err_packet(e: &ErrorPacket) -> Vec<u8> {
    let mut state = [b'0'; 5];
    let alnum = e.sql_state.bytes().filter(u8::is_ascii_alphanumeric);
    for (s, b) in state.iter_mut().zip(alnum) {
        *s = b;
    }
    let error = ServerError::new(e.code, Some(SqlState::new(state)), e.message.as_bytes());
    serialize(&ErrPacket::Error(error))
}

/// Protocol::ColumnDefinition41 of a result-set column, with the type code, collation, display
/// length, flags and decimals MySQL 8 sends for its kind, then what the column itself says:
/// UNSIGNED and NOT NULL flags, decimals, length, schema and table names.
pub(crate) fn column_definition(column: &Column) -> Vec<u8> {
    use ColumnKind as K;
    use ColumnType as T;
    let binary = CollationId::BINARY as u16;
    let text = TEXT_COLLATION as u16;
    let (num, bin, blob) = (
        ColumnFlags::NUM_FLAG | ColumnFlags::BINARY_FLAG,
        ColumnFlags::BINARY_FLAG,
        ColumnFlags::BLOB_FLAG,
    );
    let none = ColumnFlags::empty();
    // "Not a fixed number of decimals", for floating-point columns.
    let not_fixed = 31;
    // Integers lose the sign's place in the display length when unsigned (BIGINT keeps 20).
    let sign = u32::from(!column.unsigned);
    let (column_type, collation, length, flags, decimals) = match column.kind {
        K::Tiny => (T::MYSQL_TYPE_TINY, binary, 3 + sign, num, 0),
        K::Short => (T::MYSQL_TYPE_SHORT, binary, 5 + sign, num, 0),
        K::Long => (T::MYSQL_TYPE_LONG, binary, 10 + sign, num, 0),
        K::LongLong => (T::MYSQL_TYPE_LONGLONG, binary, 20, num, 0),
        K::Float => (T::MYSQL_TYPE_FLOAT, binary, 12, num, not_fixed),
        K::Double => (T::MYSQL_TYPE_DOUBLE, binary, 22, num, not_fixed),
        K::NewDecimal => (T::MYSQL_TYPE_NEWDECIMAL, binary, 66 + sign, num, 0),
        K::Year => (T::MYSQL_TYPE_YEAR, binary, 4, num, 0),
        K::Date => (T::MYSQL_TYPE_DATE, binary, 10, bin, 0),
        K::Time => (T::MYSQL_TYPE_TIME, binary, 10, bin, 0),
        K::DateTime => (T::MYSQL_TYPE_DATETIME, binary, 19, bin, 0),
        K::Timestamp => (T::MYSQL_TYPE_TIMESTAMP, binary, 19, bin, 0),
        K::VarString => (T::MYSQL_TYPE_VAR_STRING, text, 1_020, none, 0),
        K::Text => (T::MYSQL_TYPE_BLOB, text, 262_140, blob, 0),
        K::Blob => (T::MYSQL_TYPE_BLOB, binary, 65_535, bin | blob, 0),
        K::VarBinary => (T::MYSQL_TYPE_VAR_STRING, binary, 255, bin, 0),
        K::Binary => (T::MYSQL_TYPE_STRING, binary, 255, bin, 0),
        K::Json => (T::MYSQL_TYPE_JSON, binary, u32::MAX, bin | blob, 0),
        K::Enum => (T::MYSQL_TYPE_STRING, text, 1_020, ColumnFlags::ENUM_FLAG, 0),
        K::Set => (T::MYSQL_TYPE_STRING, text, 1_020, ColumnFlags::SET_FLAG, 0),
        K::Bit => (T::MYSQL_TYPE_BIT, binary, 64, ColumnFlags::UNSIGNED_FLAG, 0),
        K::Null => (T::MYSQL_TYPE_NULL, binary, 0, bin, 0),
    };
    let mut flags = flags;
    flags.set(
        ColumnFlags::UNSIGNED_FLAG,
        column.unsigned || column.kind == K::Bit,
    );
    flags.set(ColumnFlags::NOT_NULL_FLAG, column.not_null);
    let org_name = column.org_name.as_deref().unwrap_or(&column.name);
    let mut out = serialize(
        &packets::Column::new(column_type)
            .with_schema(column.schema.as_bytes())
            .with_table(column.table.as_bytes())
            .with_org_table(column.org_table.as_bytes())
            .with_name(column.name.as_bytes())
            .with_org_name(org_name.as_bytes())
            .with_character_set(collation)
            .with_column_length(column.length.unwrap_or(length))
            .with_flags(flags)
            .with_decimals(column.decimals.unwrap_or(decimals)),
    );
    // mysql_common 0.38.2 serializes column_length before character_set (its own deserializer,
    // like the protocol, reads the collation first); swap them back. The fixed-length tail is
    // 0x0c, length (4), collation (2), type, flags (2), decimals, filler (2).
    let n = out.len();
    out[n - 12..n - 6].rotate_left(4);
    out
}

/// ProtocolText::ResultsetRow: each value's bytes length-encoded as they are, NULL as 0xfb.
/// The row is padded with NULLs or cut to `width` values so the client never misreads the
/// result set. Hand-written: mysql_common has no text-row encoder.
pub(crate) fn text_row(row: &[Option<Vec<u8>>], width: usize) -> Vec<u8> {
    let size: usize = row.iter().flatten().map(|v| v.len() + 9).sum();
    let mut out = Vec::with_capacity(size + width);
    for i in 0..width {
        match row.get(i) {
            Some(Some(v)) => out.put_lenenc_str(v),
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
            let p = ok_packet(0, v, v, StatusFlags::empty(), "");
            let mut r = ParseBuf(&p[1..]);
            assert_eq!(r.checked_eat_lenenc_int(), Some(v));
            assert_eq!(r.checked_eat_lenenc_int(), Some(v));
            assert_eq!(r.len(), 4);
        }
    }

    #[test]
    fn handshake_carries_the_scramble_in_two_parts() {
        let scramble: [u8; 20] = *b"abcdefghijklmnopqrst";
        let caps = CapabilityFlags::from_bits_retain(0x0008_a20d);
        let p = handshake_v10("8.0.28", 7, &scramble, caps);
        let mut r = ParseBuf(&p);
        assert_eq!(r.checked_eat_u8(), Some(10));
        assert_eq!(r.checked_eat(7), Some(&b"8.0.28\0"[..]));
        assert_eq!(r.checked_eat_u32_le(), Some(7));
        assert_eq!(r.checked_eat(8), Some(&b"abcdefgh"[..]));
        assert_eq!(
            r.checked_eat(1 + 2 + 1 + 2 + 2),
            Some(&[0, 0x0d, 0xa2, 45, 2, 0, 0x08, 0][..])
        );
        assert_eq!(r.checked_eat_u8(), Some(21));
        assert_eq!(r.checked_eat(10), Some(&[0; 10][..]));
        assert_eq!(r.checked_eat(13), Some(&b"ijklmnopqrst\0"[..]));
        assert_eq!(r.eat_all(), b"mysql_native_password\0");
        // mysql_common's own reader agrees.
        let h: HandshakePacket<'_> = ParseBuf(&p).parse(()).expect("parses");
        assert_eq!(h.nonce(), scramble);
        assert_eq!(h.capabilities(), caps);
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
        use CapabilityFlags as F;
        let c = (F::CLIENT_PROTOCOL_41
            | F::CLIENT_SECURE_CONNECTION
            | F::CLIENT_CONNECT_WITH_DB
            | F::CLIENT_PLUGIN_AUTH
            | F::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)
            .bits();
        let p = response(c, b"admin\0\x03abcmydb\0mysql_native_password\0");
        let r = decode_handshake_response(&p).expect("valid");
        assert_eq!(r.user(), b"admin");
        assert_eq!(r.scramble_buf(), b"abc");
        assert_eq!(r.db_name(), Some(&b"mydb"[..]));
        assert_eq!(r.auth_plugin(), Some(&AuthPlugin::MysqlNativePassword));
        assert!(!wants_plugin_switch(&r));
        let p = response(c, b"admin\0\x03abcmydb\0caching_sha2_password\0");
        assert!(wants_plugin_switch(
            &decode_handshake_response(&p).expect("valid")
        ));
    }

    #[test]
    fn handshake_response_without_plugin_name_is_tolerated() {
        use CapabilityFlags as F;
        let c =
            (F::CLIENT_PROTOCOL_41 | F::CLIENT_SECURE_CONNECTION | F::CLIENT_PLUGIN_AUTH).bits();
        let p = response(c, b"u\0\x00");
        let r = decode_handshake_response(&p).expect("valid");
        assert_eq!(r.user(), b"u");
        assert!(r.scramble_buf().is_empty());
        assert!(!wants_plugin_switch(&r));
    }

    #[test]
    fn truncated_handshake_response_is_malformed() {
        use CapabilityFlags as F;
        let c = (F::CLIENT_PROTOCOL_41 | F::CLIENT_SECURE_CONNECTION).bits();
        assert_eq!(decode_handshake_response(&response(c, b"admin")), None);
        assert_eq!(
            decode_handshake_response(&response(c, b"admin\0\x14ab")),
            None
        );
        assert_eq!(decode_handshake_response(&[1, 2, 3]), None);
    }

    #[test]
    fn ok_packet_info_is_length_encoded() {
        let autocommit = StatusFlags::SERVER_STATUS_AUTOCOMMIT;
        assert_eq!(ok_packet(0, 1, 42, autocommit, ""), [0, 1, 42, 2, 0, 0, 0]);
        assert_eq!(
            ok_packet(0xfe, 2, 0, autocommit, "ab"),
            [0xfe, 2, 0, 2, 0, 0, 0, 2, b'a', b'b']
        );
    }

    #[test]
    fn sql_state_is_always_five_bytes() {
        let e = ErrorPacket::new(1045, "28", "no");
        assert_eq!(&err_packet(&e)[3..9], b"#28000");
        let e = ErrorPacket::new(1045, "HY000extra", "no");
        assert_eq!(&err_packet(&e)[3..9], b"#HY000");
        assert_eq!(err_packet(&e), b"\xff\x15\x04#HY000no");
    }

    #[test]
    fn column_definition_reads_back_with_mysql_commons_parser() {
        // Fails if a future mysql_common fixes its field order: then drop the swap above.
        let p = column_definition(&Column::new("n", ColumnKind::Text));
        let c: packets::Column = ParseBuf(&p).parse(()).expect("parses");
        assert_eq!(c.name_ref(), b"n");
        assert_eq!(c.org_name_ref(), b"n");
        assert_eq!(c.character_set(), 45);
        assert_eq!(c.column_length(), 262_140);
        assert_eq!(c.column_type(), ColumnType::MYSQL_TYPE_BLOB);
        assert_eq!(c.flags(), ColumnFlags::BLOB_FLAG);
        assert_eq!(&p[..4], b"\x03def");
        assert_eq!(
            &p[p.len() - 13..p.len() - 6],
            b"\x0c\x2d\x00\xfc\xff\x03\x00"
        );
    }

    fn definition(column: &Column) -> packets::Column {
        let p = column_definition(column);
        ParseBuf(&p).parse(()).expect("parses")
    }

    #[test]
    fn new_kinds_are_defined_as_mysql_8_defines_them() {
        use ColumnFlags as F;
        use ColumnKind as K;
        use ColumnType as T;
        // (kind, type, collation, length, flags), as MySQL 8.0 sends a table column of each.
        let cases = [
            (
                K::Blob,
                T::MYSQL_TYPE_BLOB,
                63,
                65_535,
                F::BLOB_FLAG | F::BINARY_FLAG,
            ),
            (
                K::VarBinary,
                T::MYSQL_TYPE_VAR_STRING,
                63,
                255,
                F::BINARY_FLAG,
            ),
            (K::Binary, T::MYSQL_TYPE_STRING, 63, 255, F::BINARY_FLAG),
            (
                K::Json,
                T::MYSQL_TYPE_JSON,
                63,
                u32::MAX,
                F::BLOB_FLAG | F::BINARY_FLAG,
            ),
            (K::Enum, T::MYSQL_TYPE_STRING, 45, 1_020, F::ENUM_FLAG),
            (K::Set, T::MYSQL_TYPE_STRING, 45, 1_020, F::SET_FLAG),
            (K::Bit, T::MYSQL_TYPE_BIT, 63, 64, F::UNSIGNED_FLAG),
            (K::Null, T::MYSQL_TYPE_NULL, 63, 0, F::BINARY_FLAG),
        ];
        for (kind, ty, collation, length, flags) in cases {
            let c = definition(&Column::new("c", kind));
            assert_eq!(
                (
                    c.column_type(),
                    c.character_set(),
                    c.column_length(),
                    c.flags()
                ),
                (ty, collation, length, flags),
                "{kind:?}"
            );
            assert_eq!(c.decimals(), 0, "{kind:?}");
        }
    }

    #[test]
    fn unsigned_decimals_not_null_length_and_names() {
        use ColumnFlags as F;
        let c = definition(&Column::new("n", ColumnKind::LongLong).unsigned().not_null());
        assert_eq!(
            (c.column_length(), c.flags()),
            (
                20,
                F::NUM_FLAG | F::BINARY_FLAG | F::UNSIGNED_FLAG | F::NOT_NULL_FLAG
            )
        );
        let c = definition(&Column::new("n", ColumnKind::Long).unsigned());
        assert_eq!(c.column_length(), 10);
        let c = definition(
            &Column::new("price", ColumnKind::NewDecimal)
                .decimals(2)
                .length(12),
        );
        assert_eq!((c.decimals(), c.column_length()), (2, 12));
        assert_eq!(c.flags(), F::NUM_FLAG | F::BINARY_FLAG);
        assert_eq!(
            definition(&Column::new("f", ColumnKind::Double)).decimals(),
            31
        );
        assert_eq!(
            definition(&Column::new("f", ColumnKind::Double).decimals(2)).decimals(),
            2
        );
        let c = definition(
            &Column::new("alias", ColumnKind::VarString)
                .schema("app")
                .table("t")
                .org_table("things")
                .org_name("name"),
        );
        assert_eq!(c.schema_ref(), b"app");
        assert_eq!(
            (c.table_ref(), c.org_table_ref()),
            (&b"t"[..], &b"things"[..])
        );
        assert_eq!(
            (c.name_ref(), c.org_name_ref()),
            (&b"alias"[..], &b"name"[..])
        );
        let c = definition(&Column::new("x", ColumnKind::Text).table("t"));
        assert_eq!((c.table_ref(), c.org_table_ref()), (&b"t"[..], &b"t"[..]));
    }

    #[test]
    fn rows_are_padded_and_cut_to_the_column_count() {
        assert_eq!(text_row(&[Some(b"ab".to_vec())], 2), b"\x02ab\xfb");
        let all: Vec<u8> = (0..=255).collect();
        let row = text_row(&[Some(all.clone()), Some(Vec::new())], 2);
        assert_eq!(
            &row[..3],
            b"\xfc\x00\x01",
            "256 bytes: 0xfc and a 2-byte length"
        );
        assert_eq!((&row[3..259], &row[259..]), (&all[..], &[0][..]));
        assert_eq!(text_row(&[None, Some("x".into())], 1), b"\xfb");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any bytes, under any client flags, decode or fail without panicking.
        #[test]
        fn handshake_response_decoder_never_panics(
            payload in proptest::collection::vec(any::<u8>(), 0..96),
            caps in any::<u32>(),
        ) {
            let _ = decode_handshake_response(&payload);
            let _ = decode_handshake_response(&response(caps, &payload));
            let mut r = ParseBuf(&payload);
            while r.checked_eat_lenenc_str().is_some() {}
        }
    }
}
