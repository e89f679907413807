//! A small MySQL wire-protocol server on tokio.
//!
//! This crate owns the bytes between a MySQL client and whatever answers its queries: the
//! handshake, mysql_native_password authentication, packet framing, the text-protocol
//! commands a client needs to connect, query and switch databases, and server-side prepared
//! statements. Statements are handed to a [`Session`] as strings and its [`Reply`]s are encoded
//! back. It knows nothing of SQL engines,
//! storage, Aurora or HTTP, and must never import them.
//!
//! One call, [`serve_connection`], runs one accepted TCP connection to its end; the caller owns
//! the listener, the connection ids, the randomness of the scramble and the shutdown signal, so
//! the crate reads no clock and no OS randomness.
//!
//! # Example
//!
//! ```no_run
//! use mysql_wire::{serve_connection, Column, ColumnKind, ConnectionParams, ErrorPacket, Login,
//!                  Reply, ServerConfig, Session};
//!
//! struct Hello;
//!
//! impl Session for Hello {
//!     async fn authenticate(&mut self, login: &Login<'_>) -> Result<(), ErrorPacket> {
//!         if login.user == "admin" && login.verify_password("secret") {
//!             Ok(())
//!         } else {
//!             Err(login.access_denied())
//!         }
//!     }
//!     async fn query(&mut self, _sql: &str) -> Vec<Reply> {
//!         let columns = vec![Column::new("greeting", ColumnKind::VarString)];
//!         vec![Reply::ResultSet { columns, rows: vec![vec![Some("hello".into())]] }]
//!     }
//!     async fn init_db(&mut self, _database: &str) -> Reply {
//!         Reply::ok()
//!     }
//! }
//!
//! # fn random_bytes() -> [u8; 20] { [7; 20] } // the caller's seeded generator
//! # async fn run() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3306").await?;
//! let config = std::sync::Arc::new(ServerConfig::default());
//! for connection_id in 1.. {
//!     let (stream, _) = listener.accept().await?;
//!     let params = ConnectionParams { connection_id, random: random_bytes() };
//!     let config = config.clone();
//!     let shutdown = std::future::pending::<()>(); // e.g. a cancellation token's future
//!     tokio::spawn(async move {
//!         let _ = serve_connection(stream, &config, params, Hello, shutdown).await;
//!     });
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # What is negotiated
//!
//! The server offers [`SERVER_CAPABILITIES`] and then uses only the intersection with what the
//! client asked for. Formatting replies by the server's flags instead (OK-terminated result sets
//! to a client waiting for an EOF packet) breaks the `mysql` client, whose interactive mode sends
//! `select @@version_comment limit 1` right after connecting. Debian's mariadb client, for one,
//! asks for `CLIENT_SESSION_TRACK` but not `CLIENT_DEPRECATE_EOF`, so it gets EOF packets, while
//! a client that asks for `CLIENT_DEPRECATE_EOF` gets result sets ended by an OK packet.
//! Not offered: `CLIENT_SSL` (clients that merely prefer TLS fall back to plain TCP; an
//! SSLRequest is refused), `CLIENT_COMPRESS`, `CLIENT_LOCAL_FILES`, `CLIENT_SESSION_TRACK` and
//! `CLIENT_QUERY_ATTRIBUTES` (both change packet formats). `CLIENT_LONG_PASSWORD` is offered for MariaDB clients' sake: without it they take
//! the server for a MariaDB server and read extended capability bits from the filler.
//!
//! Authentication is mysql_native_password only. A client that starts with another plugin
//! (MySQL 8's `caching_sha2_password`, MariaDB's `client_ed25519`) is sent an AuthSwitchRequest
//! to mysql_native_password with the same scramble, and the [`Session`] sees its second answer.
//!
//! # Prepared statements
//!
//! COM_STMT_PREPARE, COM_STMT_EXECUTE, COM_STMT_SEND_LONG_DATA, COM_STMT_RESET and
//! COM_STMT_CLOSE are emulated the way client-side drivers emulate them: a prepare counts the
//! `?` placeholders (outside strings, quoted identifiers and comments) and stores the text
//! under a per-connection id; an execute decodes the binary parameters, each as its SQL literal
//! (`NULL`, numbers as they are, strings quoted and backslash-escaped, non-UTF-8 bytes as
//! `X'..'`, dates and times quoted) and as its value, and calls [`Session::execute`], which by
//! default interpolates the literals and calls [`Session::query`] (a session may bind the
//! values itself instead, to compile the statement once). Result sets of an execute go in the binary protocol, each
//! text value converted by its [`ColumnKind`] (and [`Column::unsigned()`]); a column with a value
//! that does not parse for its kind (a BIGINT above `i64::MAX` not marked unsigned) is sent as
//! VAR_STRING instead, so the client gets the text. The prepare answer announces the columns
//! [`Session::describe`] finds (sqlx takes names from there), none by default; each execute
//! sends its own, which mysql2, mysql-connector-python and Go's driver read. Bounds and errors
//! follow MySQL: 16382 statements per connection (its default `max_prepared_stmt_count`, error
//! 1461), error 1243 for an unknown statement id, 1210 for an execute that does not fit its
//! statement. Not supported: cursors (the execute's cursor flag is ignored and rows are sent at
//! once; COM_STMT_FETCH gets error 1421), array binding (iteration counts above one) and
//! `/*! ... */` comments holding placeholders.
//!
//! # What comes from mysql_common
//!
//! Packet layouts are left to `mysql_common`, a maintained implementation of the protocol,
//! rather than kept here: framing (its chunk decoder and splitter, with the 16 MiB continuation
//! rule and the size check made before any payload is read), the greeting, the decoding of the
//! client's handshake response (bounds-checked), the auth switch, ERR packets, column
//! definitions, length-encoded integers and strings, the mysql_native_password hash, the
//! protocol constants, and for prepared statements the decoding of binary parameter values,
//! NULL bitmaps and the binary form of floats, dates and times. It is written for clients, so a
//! server needs a little more, which is ours: encoders for OK and EOF packets, text rows and
//! COM_STMT_PREPARE_OK (it only parses those), the reading of COM_STMT_EXECUTE's header (it only
//! writes it), the placeholder scanner, the fixed-width integers of binary rows, the sequence
//! counter both directions share, the folding of the caller's random bytes into a scramble and
//! a constant-time password check. Its column-definition encoder swaps two fields, which
//! `codec.rs` puts back. Nothing in it that draws randomness is called.
//!
//! # Robustness
//!
//! No input panics: a malformed or out-of-order packet, an oversized packet (over
//! [`ServerConfig::max_packet_size`]) or a bad handshake ends that connection with an error
//! logged through `tracing`, after an ERR packet where the protocol allows one. A bad *command*
//! (unknown command byte, a malformed or unknown-statement COM_STMT_EXECUTE, a query that is not
//! UTF-8) gets an ERR packet and the connection stays usable.

mod auth;
mod codec;
mod packet;
mod server;
mod stmt;

use std::future::Future;
use std::time::Duration;

pub use auth::{native_password_response, verify_native_password};
pub use server::{serve_connection, SERVER_CAPABILITIES};

/// Settings shared by every connection of one listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// Version announced in the handshake; clients show it and some enable features by it
    /// (`"8.0.28"` makes MySQL 8 clients behave as against MySQL 8).
    pub server_version: String,
    /// Largest query the server accepts, like MySQL's `max_allowed_packet`; a client sending a
    /// larger one gets error 1153 and is disconnected. Replies are not limited.
    pub max_packet_size: usize,
    /// How long a client may take to complete the handshake and authentication, like MySQL's
    /// `connect_timeout`, so that a silent peer does not hold a task forever.
    pub connect_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            server_version: "8.0.28".to_owned(),
            max_packet_size: 64 << 20,
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// What differs between connections of one listener: both are chosen by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionParams {
    /// Connection id announced in the handshake (what `CONNECTION_ID()` would return).
    pub connection_id: u32,
    /// 20 random bytes for the auth scramble, fresh per connection. They are folded into
    /// printable 7-bit bytes (no NUL, no `$`) as MySQL does; [`Login::scramble`] is the result.
    pub random: [u8; 20],
}

/// What a client presented when connecting, handed to [`Session::authenticate`].
#[derive(Debug, Clone, Copy)]
pub struct Login<'a> {
    /// User name as sent by the client.
    pub user: &'a str,
    /// Database named at connect time (`mysql ... DBNAME`), if any.
    pub database: Option<&'a str>,
    /// The scramble the server sent; the client's answer was computed from it.
    pub scramble: &'a [u8; 20],
    /// The client's mysql_native_password answer; empty for an empty password.
    pub auth_response: &'a [u8],
    /// The client's IP address as text, for messages like `'admin'@'127.0.0.1'`.
    pub host: &'a str,
    /// The connection id announced in the handshake.
    pub connection_id: u32,
    /// Whether the client enabled multi-statements (CLIENT_MULTI_STATEMENTS); without it MySQL
    /// rejects a query holding several statements with a syntax error.
    pub multi_statements: bool,
    /// Whether the client asked for found rows (CLIENT_FOUND_ROWS): an UPDATE's affected-rows
    /// count is then the rows it matched, not those it changed.
    pub found_rows: bool,
}

impl Login<'_> {
    /// Whether the client's answer proves it knows `password`.
    pub fn verify_password(&self, password: &str) -> bool {
        verify_native_password(self.scramble, password, self.auth_response)
    }

    /// MySQL's error 1045 for this login: `Access denied for user 'u'@'h' (using password: YES)`.
    pub fn access_denied(&self) -> ErrorPacket {
        let using = if self.auth_response.is_empty() {
            "NO"
        } else {
            "YES"
        };
        ErrorPacket::new(
            1045,
            "28000",
            format!(
                "Access denied for user '{}'@'{}' (using password: {using})",
                self.user, self.host
            ),
        )
    }
}

/// The SQL side of one connection. The server calls it one command at a time, never
/// concurrently, so it may keep per-connection state (current database, open transaction).
///
/// The futures may be dropped at an `.await` when the connection ends (client gone or the
/// `shutdown` future of [`serve_connection`] fired), so they must leave shared state
/// consistent at every `.await`.
pub trait Session: Send {
    /// Decides whether the client may connect. Called once after the handshake; on `Err` the
    /// error is sent and the connection closed. Check the password with
    /// [`Login::verify_password`]; reject an unknown `database` with error 1049.
    fn authenticate(
        &mut self,
        login: &Login<'_>,
    ) -> impl Future<Output = Result<(), ErrorPacket>> + Send;

    /// Runs a COM_QUERY: return one reply per statement in `sql`, stopping at the first error
    /// (several only if [`Login::multi_statements`] was set). An empty vector is sent as a plain
    /// OK; a client without CLIENT_MULTI_RESULTS only gets the first reply.
    fn query(&mut self, sql: &str) -> impl Future<Output = Vec<Reply>> + Send;

    /// Runs a COM_INIT_DB (what the `mysql` client sends for `use db`): make `database`
    /// current, or return error 1049 `Unknown database 'x'`.
    fn init_db(&mut self, database: &str) -> impl Future<Output = Reply> + Send;

    /// Runs a COM_STMT_EXECUTE of a prepared statement. The default runs
    /// [`Execute::interpolated`] as a query; a session that can bind parameters itself (and
    /// so compile the statement once) overrides it.
    fn execute(&mut self, statement: &Execute) -> impl Future<Output = Vec<Reply>> + Send {
        let sql = statement.interpolated();
        async move { self.query(&sql).await }
    }

    /// The result columns of `sql`, a statement being prepared (`?` placeholders unbound), for
    /// the prepare answer: sqlx and JDBC's `getMetaData()` take column names from there. Empty
    /// when it returns no rows or they are unknown (the default); an error fails the prepare,
    /// as MySQL's unknown table does. Each execute still sends its own columns.
    fn describe(
        &mut self,
        sql: &str,
    ) -> impl Future<Output = Result<Vec<Column>, ErrorPacket>> + Send {
        let _ = sql;
        async { Ok(Vec::new()) }
    }

    /// The connection's state as the status flags of every OK and EOF packet tell it. Drivers
    /// act on it: PyMySQL sends `SET AUTOCOMMIT = 1` only when the flags say autocommit is off,
    /// so flags that do not follow `SET autocommit` and BEGIN/COMMIT lose its writes. The
    /// default suits a session without transactions.
    fn status(&self) -> SessionStatus {
        SessionStatus::default()
    }

    /// How long a packet the client has begun to send may wait for its next bytes before the
    /// connection is dropped, like MySQL's `net_read_timeout` (read before each command, so a
    /// `SET net_read_timeout` applies from the next one). The default is MySQL's, 30 s.
    fn net_read_timeout(&self) -> Duration {
        Duration::from_secs(30)
    }
}

/// One COM_STMT_EXECUTE: the prepared statement's text and the parameters bound to its `?`
/// placeholders, each as its SQL literal and as its value.
#[derive(Debug, Clone)]
pub struct Execute {
    /// The statement id (COM_STMT_PREPARE's answer), unique on its connection.
    pub id: u32,
    /// The statement's text as prepared, placeholders and all.
    pub sql: std::sync::Arc<str>,
    /// Byte offsets of the `?` placeholders in `sql`, in order.
    pub placeholders: std::sync::Arc<[usize]>,
    /// One per placeholder.
    pub params: Vec<Param>,
}

impl Execute {
    /// The text with each placeholder replaced by its parameter's literal, as client-side
    /// drivers interpolate.
    pub fn interpolated(&self) -> String {
        stmt::interpolate(&self.sql, &self.placeholders, &self.params)
    }
}

/// A parameter of an execute.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// As a SQL literal: `NULL`, a number, a quoted and escaped string, `X'..'`, a quoted date.
    pub literal: String,
    /// The value, where it is an integer or a string.
    pub value: ParamValue,
}

/// A parameter's value as the client bound it.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// NULL (the NULL bitmap's bit set).
    Null,
    /// A signed integer (TINY to LONGLONG).
    Int(i64),
    /// An integer sent with the unsigned flag.
    UInt(u64),
    /// A string (or long data) that is UTF-8.
    Text(String),
    /// A string that is not UTF-8.
    Bytes(Vec<u8>),
    /// A float, decimal, date or time: only its literal is given.
    Other,
}

/// What a [`Session`] reports of its transaction state after each command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionStatus {
    /// `@@autocommit`.
    pub autocommit: bool,
    /// A transaction is open (BEGIN, or a statement with autocommit off, not yet ended).
    pub in_transaction: bool,
}

impl Default for SessionStatus {
    fn default() -> Self {
        SessionStatus {
            autocommit: true,
            in_transaction: false,
        }
    }
}

/// The result of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Success without rows (DML, DDL, `SET`, `USE`).
    Ok {
        /// Rows changed, shown as `Query OK, N rows affected`.
        affected_rows: u64,
        /// `LAST_INSERT_ID()` after the statement, 0 if none.
        last_insert_id: u64,
        /// Extra human-readable text, e.g. `Rows matched: 1  Changed: 1  Warnings: 0`.
        info: String,
    },
    /// Rows, each value in its MySQL text-protocol form as bytes (`b"12.50"`, `b"2024-02-29"`,
    /// a BLOB's raw bytes), `None` is SQL NULL. A COM_QUERY sends the bytes as they are; a
    /// COM_STMT_EXECUTE re-encodes them in the binary protocol by [`ColumnKind`]. Each row
    /// should have one value per column; shorter rows are padded with NULLs, longer ones cut.
    ResultSet {
        /// Column names and types, at least one.
        columns: Vec<Column>,
        /// The rows, in order.
        rows: Vec<Vec<Option<Vec<u8>>>>,
    },
    /// Failure; the connection stays usable.
    Error(ErrorPacket),
}

impl Reply {
    /// `Ok` with nothing affected.
    pub fn ok() -> Self {
        Reply::Ok {
            affected_rows: 0,
            last_insert_id: 0,
            info: String::new(),
        }
    }
}

impl From<ErrorPacket> for Reply {
    fn from(e: ErrorPacket) -> Self {
        Reply::Error(e)
    }
}

/// One column of a result set: its name and kind, plus what MySQL's column definition says
/// beyond them. [`Column::new`] gives the defaults of a computed column (`SELECT 1 + 1`):
/// signed, nullable, the kind's own display length and decimals, no table; the builder methods
/// say more. Drivers convert values by kind and flags (an UNSIGNED BIGINT above `i64::MAX`
/// needs [`Column::unsigned()`] to travel as a number in the binary protocol); some read the
/// rest: `cursor.description` of PyMySQL and mysql-connector-python carries the display length,
/// decimals and the NOT NULL flag (Django's introspection reads them from there), JDBC's
/// `ResultSetMetaData` the table and schema names. SQLAlchemy only reads names.
///
/// Non-exhaustive so that fields can be added: build one with [`Column::new`] and the builder
/// methods; the fields stay public for reading and changing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Column {
    /// The name clients show as the header and drivers use as the key (the alias, if any).
    pub name: String,
    /// The MySQL type; drivers convert values by it (pymysql turns DATETIME into `datetime`).
    pub kind: ColumnKind,
    /// `UNSIGNED` (UNSIGNED_FLAG), for the integer, DECIMAL and floating-point kinds: the
    /// binary protocol then reads integers as unsigned and drivers return them so.
    pub unsigned: bool,
    /// The decimals byte: a DECIMAL's scale, a DOUBLE(M,D)'s D, a DATETIME(6)'s fractional
    /// digits. `None` is the kind's default: 31 ("not fixed") for FLOAT and DOUBLE, else 0.
    pub decimals: Option<u8>,
    /// `NOT NULL` (NOT_NULL_FLAG), as MySQL sets it for a NOT NULL table column.
    pub not_null: bool,
    /// The display length MySQL announces (a VARCHAR(10) in utf8mb4 is 40); `None` is the
    /// kind's default, the length of its largest value (see [`ColumnKind`]).
    pub length: Option<u32>,
    /// The database of the column's table, empty for a computed column.
    pub schema: String,
    /// The table as the query names it (its alias), empty for a computed column.
    pub table: String,
    /// The table's real name, empty for a computed column.
    pub org_table: String,
    /// The column's real name in its table; `None` sends [`Column::name`], as MySQL does for
    /// a computed column.
    pub org_name: Option<String>,
}

impl Column {
    /// A column named `name` of type `kind`, with the defaults of a computed column.
    pub fn new(name: impl Into<String>, kind: ColumnKind) -> Self {
        Column {
            name: name.into(),
            kind,
            unsigned: false,
            decimals: None,
            not_null: false,
            length: None,
            schema: String::new(),
            table: String::new(),
            org_table: String::new(),
            org_name: None,
        }
    }

    /// Marks the column `UNSIGNED`.
    pub fn unsigned(mut self) -> Self {
        self.unsigned = true;
        self
    }

    /// Sets the decimals byte (a DECIMAL's scale, fractional-second digits).
    pub fn decimals(mut self, decimals: u8) -> Self {
        self.decimals = Some(decimals);
        self
    }

    /// Marks the column `NOT NULL`.
    pub fn not_null(mut self) -> Self {
        self.not_null = true;
        self
    }

    /// Sets the display length, instead of the kind's default.
    pub fn length(mut self, length: u32) -> Self {
        self.length = Some(length);
        self
    }

    /// Sets the column's database.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = schema.into();
        self
    }

    /// Sets the column's table, both as named in the query and as its real name.
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = table.into();
        self.org_table = self.table.clone();
        self
    }

    /// Sets the table's real name when the query names it by an alias (call after
    /// [`Column::table()`]).
    pub fn org_table(mut self, org_table: impl Into<String>) -> Self {
        self.org_table = org_table.into();
        self
    }

    /// Sets the column's real name when [`Column::name`] is an alias.
    pub fn org_name(mut self, org_name: impl Into<String>) -> Self {
        self.org_name = Some(org_name.into());
        self
    }
}

/// MySQL column types, each sent with the type code, collation, flags and display length
/// MySQL 8 uses for it (the length being that of the type's largest value unless
/// [`Column::length()`] says otherwise). Binary kinds (collation `binary`, 63) are what drivers
/// return as bytes; text kinds use `utf8mb4_general_ci` (45).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// `TINYINT` (`MYSQL_TYPE_TINY`), also `BOOLEAN`.
    Tiny,
    /// `SMALLINT` (`MYSQL_TYPE_SHORT`).
    Short,
    /// `INT` (`MYSQL_TYPE_LONG`).
    Long,
    /// `BIGINT` (`MYSQL_TYPE_LONGLONG`), what `SELECT 1` returns.
    LongLong,
    /// `FLOAT` (`MYSQL_TYPE_FLOAT`).
    Float,
    /// `DOUBLE` (`MYSQL_TYPE_DOUBLE`).
    Double,
    /// `DECIMAL` (`MYSQL_TYPE_NEWDECIMAL`), text `-12.50`; its scale is [`Column::decimals()`].
    NewDecimal,
    /// `YEAR` (`MYSQL_TYPE_YEAR`).
    Year,
    /// `DATE` (`MYSQL_TYPE_DATE`), text `YYYY-MM-DD`.
    Date,
    /// `TIME` (`MYSQL_TYPE_TIME`), text `HH:MM:SS`.
    Time,
    /// `DATETIME` (`MYSQL_TYPE_DATETIME`), text `YYYY-MM-DD HH:MM:SS[.ffffff]`.
    DateTime,
    /// `TIMESTAMP` (`MYSQL_TYPE_TIMESTAMP`).
    Timestamp,
    /// `VARCHAR`/`CHAR` in utf8mb4 (`MYSQL_TYPE_VAR_STRING`).
    VarString,
    /// `TEXT` in utf8mb4 (`MYSQL_TYPE_BLOB` with a text collation).
    Text,
    /// `BLOB` (`MYSQL_TYPE_BLOB`, collation binary, BLOB and BINARY flags): any bytes, which
    /// drivers return as bytes (PyMySQL's `bytes`).
    Blob,
    /// `VARBINARY` (`MYSQL_TYPE_VAR_STRING`, collation binary, BINARY flag), default length
    /// 255: bytes, as for [`ColumnKind::Blob`].
    VarBinary,
    /// `BINARY` (`MYSQL_TYPE_STRING`, collation binary, BINARY flag), default length 255.
    Binary,
    /// `JSON` (`MYSQL_TYPE_JSON`), text `{"a": 1}`. MySQL 8 sends it with collation binary and
    /// the BLOB and BINARY flags; drivers still return text, by the type code.
    Json,
    /// `ENUM` in utf8mb4 (`MYSQL_TYPE_STRING` with ENUM_FLAG), text the member's name.
    Enum,
    /// `SET` in utf8mb4 (`MYSQL_TYPE_STRING` with SET_FLAG), text `a,b`.
    Set,
    /// `BIT` (`MYSQL_TYPE_BIT`, collation binary, UNSIGNED flag), default length 64 (bits):
    /// the value is its bytes, most significant first (`b'101'` is `[0x05]`).
    Bit,
    /// The type of a bare `NULL` literal (`MYSQL_TYPE_NULL`).
    Null,
}

/// An error sent to the client as an ERR packet, e.g. `ERROR 1045 (28000): Access denied ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorPacket {
    /// MySQL error number (1045, 1049, 1064, ...).
    pub code: u16,
    /// Five-character SQLSTATE (`28000`, `42000`, `HY000`); padded or cut to five on the wire.
    pub sql_state: String,
    /// Human-readable message, ideally MySQL's own text for `code`.
    pub message: String,
}

impl ErrorPacket {
    /// An error with the given number, SQLSTATE and message.
    pub fn new(code: u16, sql_state: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorPacket {
            code,
            sql_state: sql_state.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ErrorPacket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ERROR {} ({}): {}",
            self.code, self.sql_state, self.message
        )
    }
}

impl std::error::Error for ErrorPacket {}
