//! A toy [`Session`]: user `admin` with password `secret`, databases `mydb` and `test`, and a
//! handful of canned statements. It records every statement it receives so tests can assert
//! what a real client sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mysql_wire::{Column, ColumnKind, ErrorPacket, Login, Reply, Session};

pub const USER: &str = "admin";
pub const PASSWORD: &str = "secret";
pub const DATABASES: [&str; 2] = ["mydb", "test"];

/// Statements (COM_QUERY text, `COM_INIT_DB <db>`) received by every session of a server.
pub type Journal = Arc<Mutex<Vec<String>>>;

#[derive(Default)]
pub struct ToySession {
    pub database: Option<String>,
    pub journal: Journal,
    /// From the login: whether `;` may separate statements.
    pub multi_statements: bool,
    /// Set by `set net_read_timeout = N` (seconds); MySQL's default otherwise.
    pub net_read_timeout: Option<Duration>,
}

fn unknown_database(db: &str) -> ErrorPacket {
    ErrorPacket::new(1049, "42000", format!("Unknown database '{db}'"))
}

fn syntax_error(sql: &str) -> ErrorPacket {
    let near: String = sql.chars().take(80).collect();
    ErrorPacket::new(
        1064,
        "42000",
        format!(
            "You have an error in your SQL syntax; check the manual that corresponds to your \
             MySQL server version for the right syntax to use near '{near}' at line 1"
        ),
    )
}

fn one(name: &str, kind: ColumnKind, value: Option<String>) -> Reply {
    Reply::ResultSet {
        columns: vec![Column::new(name, kind)],
        rows: vec![vec![value.map(String::into_bytes)]],
    }
}

/// Every byte value once, 0x00 to 0xff: what a BLOB must carry unchanged.
pub fn all_bytes() -> Vec<u8> {
    (0..=255).collect()
}

/// Splits on `;` outside single quotes; empty pieces are dropped.
fn split_statements(sql: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in sql.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            ';' if !quoted => {
                out.push(&sql[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&sql[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

impl ToySession {
    async fn statement(&mut self, sql: &str) -> Reply {
        let lower = sql.to_ascii_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        match words.as_slice() {
            ["select", "@@version_comment", "limit", "1"] => one(
                "@@version_comment",
                ColumnKind::VarString,
                Some("Rewind toy server".into()),
            ),
            ["select", "database()"] => {
                one("DATABASE()", ColumnKind::VarString, self.database.clone())
            }
            ["select", "null"] => one("NULL", ColumnKind::Null, None),
            ["select", "types"] => Reply::ResultSet {
                columns: vec![
                    Column::new("i", ColumnKind::LongLong),
                    Column::new("d", ColumnKind::NewDecimal),
                    Column::new("f", ColumnKind::Double),
                    Column::new("s", ColumnKind::VarString),
                    Column::new("day", ColumnKind::Date),
                    Column::new("at", ColumnKind::DateTime),
                    Column::new("b", ColumnKind::Blob),
                    Column::new("n", ColumnKind::Long),
                ],
                rows: vec![vec![
                    Some("-7".into()),
                    Some("12.50".into()),
                    Some("0.25".into()),
                    Some("héllo".into()),
                    Some("2024-02-29".into()),
                    Some("2024-02-29 13:14:15".into()),
                    Some("raw".into()),
                    None,
                ]],
            },
            // One column of every kind, then a row of NULLs.
            ["select", "kinds"] => {
                use ColumnKind as K;
                let kinds = [
                    ("tiny", K::Tiny, "-128"),
                    ("short", K::Short, "-2"),
                    ("long", K::Long, "70000"),
                    ("longlong", K::LongLong, "-9000000000"),
                    ("float", K::Float, "1.5"),
                    ("double", K::Double, "-0.25"),
                    ("decimal", K::NewDecimal, "12.50"),
                    ("year", K::Year, "2024"),
                    ("date", K::Date, "2024-02-29"),
                    ("time", K::Time, "-26:03:04.5"),
                    ("datetime", K::DateTime, "2024-01-02 03:04:05.000006"),
                    ("timestamp", K::Timestamp, "2024-01-02 03:04:05"),
                    ("varstring", K::VarString, "héllo"),
                    ("text", K::Text, "long text"),
                    ("blob", K::Blob, "raw"),
                    ("json", K::Json, "{\"a\": 1}"),
                    ("null", K::Null, ""),
                ];
                Reply::ResultSet {
                    columns: kinds.iter().map(|(n, k, _)| Column::new(*n, *k)).collect(),
                    rows: vec![
                        kinds
                            .iter()
                            .map(|(_, k, v)| (*k != K::Null).then(|| v.as_bytes().to_vec()))
                            .collect(),
                        vec![None; kinds.len()],
                    ],
                }
            }
            // Binary kinds holding every byte value, and a BIT(3).
            ["select", "bytes"] => {
                use ColumnKind as K;
                Reply::ResultSet {
                    columns: vec![
                        Column::new("blob", K::Blob),
                        Column::new("varbinary", K::VarBinary).length(256),
                        Column::new("binary", K::Binary).length(4),
                        Column::new("bit", K::Bit).length(3),
                    ],
                    rows: vec![
                        vec![
                            Some(all_bytes()),
                            Some(all_bytes()),
                            Some(vec![0, 0xff, b'\'', 0]),
                            Some(vec![0x05]),
                        ],
                        vec![Some(Vec::new()), None, None, None],
                    ],
                }
            }
            // JSON, an UNSIGNED BIGINT above i64::MAX, DECIMAL(10,2) NOT NULL of table
            // `mydb`.`things` AS `t`, ENUM and SET.
            ["select", "typed"] => {
                use ColumnKind as K;
                Reply::ResultSet {
                    columns: vec![
                        Column::new("doc", K::Json),
                        Column::new("big", K::LongLong).unsigned(),
                        Column::new("price", K::NewDecimal)
                            .decimals(2)
                            .length(12)
                            .not_null()
                            .schema("mydb")
                            .table("t")
                            .org_table("things")
                            .org_name("cost"),
                        Column::new("size", K::Enum),
                        Column::new("tags", K::Set),
                        Column::new("small", K::Tiny).unsigned(),
                    ],
                    rows: vec![
                        vec![
                            Some("{\"a\": [1, \"é\"]}".into()),
                            Some(u64::MAX.to_string().into_bytes()),
                            Some("-12.50".into()),
                            Some("medium".into()),
                            Some("a,c".into()),
                            Some("255".into()),
                        ],
                        vec![
                            None,
                            Some("9223372036854775808".into()),
                            Some("0.05".into()),
                            None,
                            Some(Vec::new()),
                            Some("0".into()),
                        ],
                    ],
                }
            }
            ["select", "bad", "kinds"] => Reply::ResultSet {
                columns: vec![
                    Column::new("n", ColumnKind::LongLong),
                    Column::new("day", ColumnKind::Date),
                    Column::new("ok", ColumnKind::Long),
                ],
                rows: vec![
                    vec![
                        Some("1".into()),
                        Some("2024-01-01".into()),
                        Some("3".into()),
                    ],
                    vec![
                        Some("18446744073709551615".into()),
                        Some("yesterday".into()),
                        None,
                    ],
                ],
            },
            ["select", "rows", n] => {
                let n: usize = n.parse().unwrap_or(0);
                Reply::ResultSet {
                    columns: vec![
                        Column::new("id", ColumnKind::LongLong),
                        Column::new("name", ColumnKind::VarString),
                    ],
                    rows: (0..n)
                        .map(|i| {
                            vec![
                                Some(i.to_string().into_bytes()),
                                Some(format!("row-{i}").into_bytes()),
                            ]
                        })
                        .collect(),
                }
            }
            ["select", "sleep(1000)"] => {
                tokio::time::sleep(Duration::from_secs(1000)).await;
                one("SLEEP(1000)", ColumnKind::LongLong, Some("0".into()))
            }
            ["show", "databases"] => Reply::ResultSet {
                columns: vec![Column::new("Database", ColumnKind::VarString)],
                rows: DATABASES
                    .iter()
                    .map(|d| vec![Some(d.as_bytes().to_vec())])
                    .collect(),
            },
            ["show", "tables"] => Reply::ResultSet {
                columns: vec![Column::new(
                    format!("Tables_in_{}", self.database.as_deref().unwrap_or("")),
                    ColumnKind::VarString,
                )],
                // One table once a database is current, so the interactive client's
                // auto-rehash sends a COM_FIELD_LIST for it.
                rows: self
                    .database
                    .iter()
                    .map(|_| vec![Some(b"t1".to_vec())])
                    .collect(),
            },
            ["set", "net_read_timeout", "=", n] if n.parse::<u64>().is_ok() => {
                self.net_read_timeout = Some(Duration::from_secs(n.parse().unwrap_or(30)));
                Reply::ok()
            }
            ["set", ..] => Reply::ok(),
            ["insert", ..] => Reply::Ok {
                affected_rows: 1,
                last_insert_id: 42,
                info: String::new(),
            },
            ["update", ..] => Reply::Ok {
                affected_rows: 2,
                last_insert_id: 0,
                info: "Rows matched: 2  Changed: 2  Warnings: 0".into(),
            },
            ["select", n] if n.parse::<i64>().is_ok() => {
                one(n, ColumnKind::LongLong, Some(n.to_string()))
            }
            ["select", ..] if sql[6..].trim().starts_with('\'') && sql.ends_with('\'') => {
                let literal = sql[6..].trim();
                let text = &literal[1..literal.len() - 1];
                let name: String = text.chars().take(64).collect();
                one(&name, ColumnKind::VarString, Some(text.to_string()))
            }
            _ => Reply::Error(syntax_error(sql)),
        }
    }
}

impl Session for ToySession {
    async fn authenticate(&mut self, login: &Login<'_>) -> Result<(), ErrorPacket> {
        if login.user != USER || !login.verify_password(PASSWORD) {
            return Err(login.access_denied());
        }
        if let Some(db) = login.database {
            if !DATABASES.contains(&db) {
                return Err(unknown_database(db));
            }
            self.database = Some(db.to_string());
        }
        self.multi_statements = login.multi_statements;
        Ok(())
    }

    async fn query(&mut self, sql: &str) -> Vec<Reply> {
        self.journal.lock().unwrap().push(sql.to_string());
        let statements = split_statements(sql);
        if statements.len() > 1 && !self.multi_statements {
            return vec![Reply::Error(syntax_error(statements[1]))];
        }
        let mut replies = Vec::new();
        for statement in statements {
            let reply = self.statement(statement).await;
            let failed = matches!(reply, Reply::Error(_));
            replies.push(reply);
            if failed {
                break;
            }
        }
        replies
    }

    /// Describes `select rows ...` and fails `select missing ...`, like MySQL's unknown table.
    async fn describe(&mut self, sql: &str) -> Result<Vec<Column>, ErrorPacket> {
        let lower = sql.to_ascii_lowercase();
        if lower.starts_with("select rows") {
            Ok(vec![
                Column::new("id", ColumnKind::LongLong),
                Column::new("name", ColumnKind::VarString),
            ])
        } else if lower.starts_with("select missing") {
            Err(ErrorPacket::new(
                1146,
                "42S02",
                "Table 'mydb.missing' doesn't exist",
            ))
        } else {
            Ok(Vec::new())
        }
    }

    fn net_read_timeout(&self) -> Duration {
        self.net_read_timeout.unwrap_or(Duration::from_secs(30))
    }

    async fn init_db(&mut self, database: &str) -> Reply {
        self.journal
            .lock()
            .unwrap()
            .push(format!("COM_INIT_DB {database}"));
        if DATABASES.contains(&database) {
            self.database = Some(database.to_string());
            Reply::ok()
        } else {
            Reply::Error(unknown_database(database))
        }
    }
}
