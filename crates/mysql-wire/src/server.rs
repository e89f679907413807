//! One connection from greeting to close: handshake, authentication, then a command loop.
//!
//! The connection is a single future; [`serve_connection`] races it against the caller's
//! `shutdown` future and simply drops it when shutdown wins, which closes the socket at once
//! (clients see "Lost connection" and reconnect, as after a real failover).

use std::future::Future;
use std::io;

use mysql_common::constants::{CapabilityFlags as Caps, Command, StatusFlags};
use mysql_common::io::{BufMutExt, ParseBuf};
use mysql_common::packets::SslRequest;
use mysql_common::proto::MyDeserialize;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tracing::{debug, warn};

use crate::auth::normalize_scramble;
use crate::codec;
use crate::packet::{PacketStream, ReadError};
use crate::stmt::{self, Statements};
use crate::{
    Column, ColumnKind, ConnectionParams, ErrorPacket, Login, Reply, ServerConfig, Session,
    SessionStatus,
};

/// Capability flags the server offers (mysql_common's `CapabilityFlags` bits). Each reply is
/// shaped by these intersected with the client's flags, never by these alone.
pub const SERVER_CAPABILITIES: u32 = OFFERED.bits();

/// [`SERVER_CAPABILITIES`] as flags.
const OFFERED: Caps = Caps::CLIENT_LONG_PASSWORD
    .union(Caps::CLIENT_FOUND_ROWS)
    .union(Caps::CLIENT_LONG_FLAG)
    .union(Caps::CLIENT_CONNECT_WITH_DB)
    .union(Caps::CLIENT_PROTOCOL_41)
    .union(Caps::CLIENT_INTERACTIVE)
    .union(Caps::CLIENT_TRANSACTIONS)
    .union(Caps::CLIENT_SECURE_CONNECTION)
    .union(Caps::CLIENT_MULTI_STATEMENTS)
    .union(Caps::CLIENT_MULTI_RESULTS)
    .union(Caps::CLIENT_PLUGIN_AUTH)
    .union(Caps::CLIENT_CONNECT_ATTRS)
    .union(Caps::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA)
    .union(Caps::CLIENT_DEPRECATE_EOF);

/// The status flags that tell the client the session's transaction state.
fn status_flags(status: SessionStatus) -> StatusFlags {
    let mut flags = StatusFlags::empty();
    flags.set(StatusFlags::SERVER_STATUS_AUTOCOMMIT, status.autocommit);
    flags.set(StatusFlags::SERVER_STATUS_IN_TRANS, status.in_transaction);
    flags
}

// Command bytes as match patterns (mysql_common's `Command` has no conversion from `u8`).
const QUIT: u8 = Command::COM_QUIT as u8;
const INIT_DB: u8 = Command::COM_INIT_DB as u8;
const QUERY: u8 = Command::COM_QUERY as u8;
const FIELD_LIST: u8 = Command::COM_FIELD_LIST as u8;
const PING: u8 = Command::COM_PING as u8;
const STMT_PREPARE: u8 = Command::COM_STMT_PREPARE as u8;
const STMT_EXECUTE: u8 = Command::COM_STMT_EXECUTE as u8;
const STMT_SEND_LONG_DATA: u8 = Command::COM_STMT_SEND_LONG_DATA as u8;
const STMT_CLOSE: u8 = Command::COM_STMT_CLOSE as u8;
const STMT_RESET: u8 = Command::COM_STMT_RESET as u8;
const SET_OPTION: u8 = Command::COM_SET_OPTION as u8;
const STMT_FETCH: u8 = Command::COM_STMT_FETCH as u8;

/// Serves one accepted connection until the client quits or disconnects, the handshake fails,
/// a packet is malformed, or `shutdown` completes (which closes the socket promptly, even in the
/// middle of a query).
///
/// Returns `Ok` when the connection ended normally (quit, disconnect, failed login, shutdown) and
/// an error for I/O failures and protocol violations, which are also logged here.
pub async fn serve_connection<S, F>(
    stream: TcpStream,
    config: &ServerConfig,
    params: ConnectionParams,
    session: S,
    shutdown: F,
) -> io::Result<()>
where
    S: Session,
    F: Future,
{
    let host = match stream.peer_addr() {
        Ok(addr) => addr.ip().to_string(),
        Err(_) => "localhost".to_owned(),
    };
    // Replies are flushed once each; small packets must not wait for Nagle.
    let _ = stream.set_nodelay(true);
    serve_io(stream, host, config, params, session, shutdown).await
}

/// [`serve_connection`] over any byte stream, so unit tests can use an in-memory pipe.
pub(crate) async fn serve_io<IO, S, F>(
    io: IO,
    host: String,
    config: &ServerConfig,
    params: ConnectionParams,
    session: S,
    shutdown: F,
) -> io::Result<()>
where
    IO: AsyncRead + AsyncWrite + Unpin + Send,
    S: Session,
    F: Future,
{
    let id = params.connection_id;
    let conn = Connection {
        io: PacketStream::new(io, config.max_packet_size),
        caps: Caps::empty(),
        session,
        statements: Statements::new(config.max_packet_size),
    };
    let result = tokio::select! {
        r = conn.run(config, params, &host) => r,
        _ = shutdown => {
            debug!(connection = id, "mysql connection closed by shutdown");
            Ok(())
        }
    };
    match result {
        Ok(()) => Ok(()),
        Err(Fail::Protocol(msg)) => {
            warn!(connection = id, %host, "mysql connection closed: {msg}");
            Err(io::Error::new(io::ErrorKind::InvalidData, msg))
        }
        Err(Fail::Io(e)) => {
            debug!(connection = id, %host, "mysql connection lost: {e}");
            Err(e)
        }
    }
}

/// Why a connection ended abnormally.
enum Fail {
    /// The socket failed or closed in the middle of a packet.
    Io(io::Error),
    /// The client broke the protocol; the connection cannot continue.
    Protocol(String),
}

impl From<io::Error> for Fail {
    fn from(e: io::Error) -> Self {
        Fail::Io(e)
    }
}

type Result<T> = std::result::Result<T, Fail>;

struct Connection<IO, S> {
    io: PacketStream<IO>,
    /// Flags in force: the client's intersected with [`SERVER_CAPABILITIES`].
    caps: Caps,
    session: S,
    /// This connection's prepared statements.
    statements: Statements,
}

/// What reading one packet produced, once framing errors have been answered.
enum Packet {
    Payload(Vec<u8>),
    /// The client closed the connection between commands.
    Closed,
}

impl<IO: AsyncRead + AsyncWrite + Unpin + Send, S: Session> Connection<IO, S> {
    async fn run(
        mut self,
        config: &ServerConfig,
        params: ConnectionParams,
        host: &str,
    ) -> Result<()> {
        let login =
            tokio::time::timeout(config.connect_timeout, self.handshake(config, params, host));
        match login.await {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => return Ok(()),
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                debug!(connection = params.connection_id, "handshake timed out");
                return Ok(());
            }
        }
        loop {
            self.io.reset_seq();
            self.io.set_read_timeout(self.session.net_read_timeout());
            let payload = match self.read().await? {
                Packet::Payload(p) => p,
                Packet::Closed => return Ok(()),
            };
            let Some((&cmd, body)) = payload.split_first() else {
                self.send_error(&unknown_command()).await?;
                continue;
            };
            if cmd == QUIT {
                return Ok(());
            }
            self.dispatch(cmd, body).await?;
        }
    }

    /// Greets, reads the client's response (switching its auth plugin if needed) and asks the
    /// session. `Ok(false)` means the login was refused and answered with an error.
    async fn handshake(
        &mut self,
        config: &ServerConfig,
        params: ConnectionParams,
        host: &str,
    ) -> Result<bool> {
        let scramble = normalize_scramble(params.random);
        let greeting = codec::handshake_v10(
            &config.server_version,
            params.connection_id,
            &scramble,
            OFFERED,
        );
        self.io.write_packet(&greeting).await?;
        self.io.flush().await?;

        let payload = match self.read().await? {
            Packet::Payload(p) => p,
            Packet::Closed => return Ok(false),
        };
        let client_caps = ParseBuf(&payload).checked_eat_u32_le().unwrap_or(0);
        let client_caps = Caps::from_bits_retain(client_caps);
        if !client_caps.contains(Caps::CLIENT_PROTOCOL_41) {
            let e = ErrorPacket::new(
                1251,
                "08004",
                "Client does not support authentication protocol requested by server; consider upgrading MySQL client",
            );
            self.send_error(&e).await?;
            return Ok(false);
        }
        if client_caps.contains(Caps::CLIENT_SSL) && Some(payload.len()) == SslRequest::SIZE {
            // Only a client that ignores the missing CLIENT_SSL gets here; TLS would follow.
            let e = ErrorPacket::new(
                2026,
                "HY000",
                "SSL connection error: SSL is not supported by this server",
            );
            self.send_error(&e).await?;
            return Ok(false);
        }
        self.caps = client_caps & OFFERED;
        debug!(
            connection = params.connection_id,
            "client capabilities {:#010x}, negotiated {:#010x}",
            client_caps.bits(),
            self.caps.bits()
        );
        let Some(response) = codec::decode_handshake_response(&payload) else {
            self.send_error(&bad_handshake()).await?;
            return Err(Fail::Protocol("malformed handshake response".into()));
        };

        let mut auth_response = response.scramble_buf().to_vec();
        if self.caps.contains(Caps::CLIENT_PLUGIN_AUTH) && codec::wants_plugin_switch(&response) {
            self.io
                .write_packet(&codec::auth_switch_request(&scramble))
                .await?;
            self.io.flush().await?;
            auth_response = match self.read().await? {
                Packet::Payload(p) => p,
                Packet::Closed => return Ok(false),
            };
        }

        let database = response.db_name().filter(|d| !d.is_empty());
        let (Ok(user), Ok(database)) = (
            std::str::from_utf8(response.user()),
            database.map(std::str::from_utf8).transpose(),
        ) else {
            self.send_error(&bad_handshake()).await?;
            return Ok(false);
        };
        let login = Login {
            user,
            database,
            scramble: &scramble,
            auth_response: &auth_response,
            host,
            connection_id: params.connection_id,
            multi_statements: self.caps.contains(Caps::CLIENT_MULTI_STATEMENTS),
            found_rows: self.caps.contains(Caps::CLIENT_FOUND_ROWS),
        };
        match self.session.authenticate(&login).await {
            Ok(()) => {
                let status = status_flags(self.session.status());
                self.send_ok(0, 0, status, "").await?;
                Ok(true)
            }
            Err(e) => {
                debug!(connection = params.connection_id, %user, "login refused: {e}");
                self.send_error(&e).await?;
                Ok(false)
            }
        }
    }

    async fn dispatch(&mut self, cmd: u8, body: &[u8]) -> Result<()> {
        match cmd {
            QUERY => {
                let replies = match std::str::from_utf8(body) {
                    Ok(sql) => self.query(sql).await?,
                    Err(_) => match binary_strings_as_hex(body) {
                        Some(sql) => self.query(&sql).await?,
                        None => vec![Reply::Error(ErrorPacket::new(
                            1300,
                            "HY000",
                            "Invalid utf8mb4 character string in query",
                        ))],
                    },
                };
                self.send_replies(replies).await
            }
            INIT_DB => {
                let reply = match std::str::from_utf8(body) {
                    Ok(db) => self.session.init_db(db).await,
                    Err(_) => Reply::Error(ErrorPacket::new(1049, "42000", "Unknown database")),
                };
                self.send_replies(vec![reply]).await
            }
            PING => {
                self.send_ok(0, 0, status_flags(self.session.status()), "")
                    .await
            }
            // The column list of a table; none is known here, so an empty list.
            FIELD_LIST => {
                self.send_end_of_rows(status_flags(self.session.status()))
                    .await
            }
            // Answered with an EOF packet on success, per the protocol.
            SET_OPTION => {
                self.send_end_of_rows(status_flags(self.session.status()))
                    .await
            }
            STMT_PREPARE => self.prepare(body).await,
            STMT_EXECUTE => {
                let replies = match self.statements.execute(body) {
                    Ok(statement) => self.execute(&statement).await?,
                    Err(e) => vec![Reply::Error(e)],
                };
                self.send_replies_as(replies, true).await
            }
            STMT_RESET => match self.statements.reset(body) {
                Ok(()) => {
                    self.send_ok(0, 0, status_flags(self.session.status()), "")
                        .await
                }
                Err(e) => self.send_error(&e).await,
            },
            // Rows are always sent with the execute, so no cursor is ever open.
            STMT_FETCH => {
                let id = ParseBuf(body).checked_eat_u32_le().unwrap_or(0);
                let e = ErrorPacket::new(
                    1421,
                    "HY000",
                    format!(
                        "The statement ({id}) has no open cursor: cursors (COM_STMT_FETCH) are not supported"
                    ),
                );
                self.send_error(&e).await
            }
            // The client expects no reply to these; answering would desynchronize it.
            STMT_CLOSE => {
                self.statements.close(body);
                Ok(())
            }
            STMT_SEND_LONG_DATA => {
                self.statements.send_long_data(body);
                Ok(())
            }
            _ => self.send_error(&unknown_command()).await,
        }
    }

    /// COM_STMT_PREPARE: stores the text and answers with its id, one parameter definition per
    /// `?`, then the result columns the session describes, as MySQL orders them.
    async fn prepare(&mut self, body: &[u8]) -> Result<()> {
        let Ok(sql) = std::str::from_utf8(body) else {
            let e = ErrorPacket::new(1300, "HY000", "Invalid utf8mb4 character string in query");
            return self.send_error(&e).await;
        };
        let columns = match self.session.describe(sql).await {
            Ok(columns) => columns,
            Err(e) => return self.send_error(&e).await,
        };
        let (id, params) = match self.statements.prepare(sql) {
            Ok(prepared) => prepared,
            Err(e) => return self.send_error(&e).await,
        };
        // `prepare` refuses more than u16::MAX placeholders; no result has that many columns.
        let count = u16::try_from(params).unwrap_or(u16::MAX);
        let columns = &columns[..columns.len().min(usize::from(u16::MAX))];
        let num_columns = columns.len() as u16;
        self.io
            .write_packet(&stmt::prepare_ok(id, num_columns, count))
            .await?;
        let status = status_flags(self.session.status());
        let param = Column::new("?", ColumnKind::VarString);
        let params = std::iter::repeat_n(&param, params);
        for group in [params.collect::<Vec<_>>(), columns.iter().collect()] {
            if group.is_empty() {
                continue;
            }
            for column in group {
                self.io
                    .write_packet(&codec::column_definition(column))
                    .await?;
            }
            if !self.caps.contains(Caps::CLIENT_DEPRECATE_EOF) {
                self.io.write_packet(&codec::eof_packet(status)).await?;
            }
        }
        self.io.flush().await?;
        Ok(())
    }

    /// Sends the replies of one text-protocol command.
    async fn send_replies(&mut self, replies: Vec<Reply>) -> Result<()> {
        self.send_replies_as(replies, false).await
    }

    /// Sends the replies of one command, flagging all but the last with "more results"; result
    /// sets go in the binary protocol when `binary` (the answer to COM_STMT_EXECUTE).
    async fn send_replies_as(&mut self, mut replies: Vec<Reply>, binary: bool) -> Result<()> {
        if replies.is_empty() {
            replies.push(Reply::ok());
        }
        if !self.caps.contains(Caps::CLIENT_MULTI_RESULTS) && replies.len() > 1 {
            debug!(
                "client lacks multi-results: sending only the first of {} replies",
                replies.len()
            );
            replies.truncate(1);
        }
        let last = replies.len() - 1;
        // The state after the whole command; every reply of a multi-statement query carries it.
        let session = status_flags(self.session.status());
        for (i, reply) in replies.into_iter().enumerate() {
            let status = if i < last {
                session | StatusFlags::SERVER_MORE_RESULTS_EXISTS
            } else {
                session
            };
            match reply {
                Reply::Ok {
                    affected_rows,
                    last_insert_id,
                    info,
                } => {
                    let p = codec::ok_packet(0x00, affected_rows, last_insert_id, status, &info);
                    self.io.write_packet(&p).await?;
                }
                Reply::ResultSet { columns, rows } if columns.is_empty() => {
                    warn!(
                        "result set without columns ({} rows) sent as OK",
                        rows.len()
                    );
                    let p = codec::ok_packet(0x00, 0, 0, status, "");
                    self.io.write_packet(&p).await?;
                }
                Reply::ResultSet { columns, rows } => {
                    let columns = if binary {
                        stmt::binary_columns(&columns, &rows)
                    } else {
                        columns
                    };
                    let mut count = Vec::new();
                    count.put_lenenc_int(columns.len() as u64);
                    self.io.write_packet(&count).await?;
                    for column in &columns {
                        self.io
                            .write_packet(&codec::column_definition(column))
                            .await?;
                    }
                    if !self.caps.contains(Caps::CLIENT_DEPRECATE_EOF) {
                        self.io.write_packet(&codec::eof_packet(status)).await?;
                    }
                    for row in &rows {
                        let row = if binary {
                            stmt::binary_row(&columns, row)
                        } else {
                            codec::text_row(row, columns.len())
                        };
                        self.io.write_packet(&row).await?;
                    }
                    self.write_end_of_rows(status).await?;
                }
                Reply::Error(e) => {
                    // An error ends the command: nothing after it is sent.
                    self.io.write_packet(&codec::err_packet(&e)).await?;
                    break;
                }
            }
        }
        self.io.flush().await?;
        Ok(())
    }

    /// The end of a row list: an EOF packet, or with CLIENT_DEPRECATE_EOF an OK packet with the
    /// 0xfe header.
    async fn write_end_of_rows(&mut self, status: StatusFlags) -> io::Result<()> {
        if self.caps.contains(Caps::CLIENT_DEPRECATE_EOF) {
            self.io
                .write_packet(&codec::ok_packet(0xfe, 0, 0, status, ""))
                .await
        } else {
            self.io.write_packet(&codec::eof_packet(status)).await
        }
    }

    async fn send_end_of_rows(&mut self, status: StatusFlags) -> Result<()> {
        self.write_end_of_rows(status).await?;
        self.io.flush().await?;
        Ok(())
    }

    async fn send_ok(
        &mut self,
        affected: u64,
        last_id: u64,
        status: StatusFlags,
        info: &str,
    ) -> Result<()> {
        self.io
            .write_packet(&codec::ok_packet(0x00, affected, last_id, status, info))
            .await?;
        self.io.flush().await?;
        Ok(())
    }

    async fn send_error(&mut self, e: &ErrorPacket) -> Result<()> {
        self.io.write_packet(&codec::err_packet(e)).await?;
        self.io.flush().await?;
        Ok(())
    }

    /// Runs a statement while watching the socket: a client that disconnects meanwhile ends the
    /// connection at once, and the statement's future is dropped (MySQL stops the query of a
    /// client that has gone; a session stops its work when that future or itself is dropped).
    async fn query(&mut self, sql: &str) -> Result<Vec<Reply>> {
        tokio::select! {
            replies = self.session.query(sql) => Ok(replies),
            () = self.io.closed() => Err(Fail::Io(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the client disconnected during a statement",
            ))),
        }
    }

    /// Runs a prepared statement, watching the socket as [`Self::query`] does.
    async fn execute(&mut self, statement: &crate::Execute) -> Result<Vec<Reply>> {
        tokio::select! {
            replies = self.session.execute(statement) => Ok(replies),
            () = self.io.closed() => Err(Fail::Io(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the client disconnected during a statement",
            ))),
        }
    }

    /// Reads a packet; framing errors are answered with MySQL's error where one exists and
    /// end the connection.
    async fn read(&mut self) -> Result<Packet> {
        match self.io.read_packet().await {
            Ok(p) => Ok(Packet::Payload(p)),
            Err(ReadError::Closed) => Ok(Packet::Closed),
            Err(ReadError::Io(e)) => Err(Fail::Io(e)),
            Err(ReadError::OutOfOrder { expected, got }) => {
                let e = ErrorPacket::new(1156, "08S01", "Got packets out of order");
                let _ = self.send_error(&e).await;
                Err(Fail::Protocol(format!(
                    "packet out of order (sequence id {got}, expected {expected})"
                )))
            }
            Err(ReadError::TimedOut) => Err(Fail::Io(io::Error::new(
                io::ErrorKind::TimedOut,
                "a packet did not complete within net_read_timeout",
            ))),
            Err(ReadError::TooLarge) => {
                // The reply must follow the client's last chunk, so the rest is read first.
                self.io.skip_packet().await?;
                let e = ErrorPacket::new(
                    1153,
                    "08S01",
                    "Got a packet bigger than 'max_allowed_packet' bytes",
                );
                let _ = self.send_error(&e).await;
                Err(Fail::Protocol("packet bigger than max_packet_size".into()))
            }
        }
    }
}

fn unknown_command() -> ErrorPacket {
    ErrorPacket::new(1047, "08S01", "Unknown command")
}

fn bad_handshake() -> ErrorPacket {
    ErrorPacket::new(1043, "08S01", "Bad handshake")
}

/// Query text whose string literals hold bytes that are not UTF-8 (a BLOB in a mysqldump
/// without `--hex-blob`, a driver sending raw bytes) as text the SQL layer can read: each such
/// literal becomes the hex literal of its bytes (escapes undone, as MySQL reads them), which
/// MySQL treats as the same binary string. None when bytes outside a string are not UTF-8.
pub(crate) fn binary_strings_as_hex(body: &[u8]) -> Option<String> {
    let mut out: Vec<u8> = Vec::with_capacity(body.len() * 2);
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        match c {
            b'\'' | b'"' => {
                let start = i;
                let mut value = Vec::new();
                i += 1;
                loop {
                    let b = *body.get(i)?;
                    if b == b'\\' {
                        let e = *body.get(i + 1)?;
                        match e {
                            b'0' => value.push(0),
                            b'b' => value.push(8),
                            b'n' => value.push(b'\n'),
                            b'r' => value.push(b'\r'),
                            b't' => value.push(b'\t'),
                            b'Z' => value.push(0x1a),
                            b'%' | b'_' => value.extend([b'\\', e]),
                            other => value.push(other),
                        }
                        i += 2;
                    } else if b == c && body.get(i + 1) == Some(&c) {
                        value.push(c);
                        i += 2;
                    } else if b == c {
                        i += 1;
                        break;
                    } else {
                        value.push(b);
                        i += 1;
                    }
                }
                if std::str::from_utf8(&value).is_ok() {
                    out.extend_from_slice(&body[start..i]);
                } else {
                    // `_binary X'..'` is not a form parsers read: the hex literal is binary.
                    if out.ends_with(b"_binary ") {
                        out.truncate(out.len() - b"_binary ".len());
                    }
                    out.extend_from_slice(b"X'");
                    for b in value {
                        out.extend_from_slice(format!("{b:02X}").as_bytes());
                    }
                    out.push(b'\'');
                }
            }
            b'`' => {
                let end = body[i + 1..].iter().position(|&b| b == b'`')? + i + 2;
                out.extend_from_slice(&body[i..end]);
                i = end;
            }
            b'#' => {
                let end = body[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(body.len(), |p| i + p);
                out.extend_from_slice(&body[i..end]);
                i = end;
            }
            b'-' if body.get(i + 1) == Some(&b'-')
                && body.get(i + 2).is_none_or(|b| b.is_ascii_whitespace()) =>
            {
                let end = body[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(body.len(), |p| i + p);
                out.extend_from_slice(&body[i..end]);
                i = end;
            }
            b'/' if body.get(i + 1) == Some(&b'*') && body.get(i + 2) != Some(&b'!') => {
                let end = body[i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(body.len(), |p| i + 2 + p + 2);
                out.extend_from_slice(&body[i..end]);
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod binary_text_tests {
    use super::binary_strings_as_hex;

    #[test]
    fn strings_with_raw_bytes_become_hex_literals() {
        let body = b"INSERT INTO t VALUES (1,'\\0\xff\\'x',_binary '\x80'),(2,'ok \xc3\xa9', 'a''b') -- it's";
        let got = binary_strings_as_hex(body).expect("readable");
        assert_eq!(
            got,
            "INSERT INTO t VALUES (1,X'00FF2778',X'80'),(2,'ok \u{e9}', 'a''b') -- it's"
        );
        assert!(binary_strings_as_hex(b"SELECT \xff").is_none());
    }
}
