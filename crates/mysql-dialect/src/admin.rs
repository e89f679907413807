//! SHOW and DESCRIBE: answered from the same information_schema views tools query, so the two
//! never disagree, or from the session's own state (variables, warnings).

use rusqlite::types::Value;
use sqlparser::ast::ObjectName;
use sqlparser::dialect::MySqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::catalog::{self, Kind};
use crate::error::SqlError;
use crate::outcome::{Column, ColumnType, Outcome, ResultSet};
use crate::session::Session;
use crate::vars::{default_var, LISTED_VARS};

/// A result set of text columns.
pub(crate) fn text_rows(names: &[&str], rows: Vec<Vec<Option<Vec<u8>>>>) -> ResultSet {
    ResultSet {
        columns: names
            .iter()
            .map(|n| Column::new(*n, ColumnType::VarString))
            .collect(),
        rows,
    }
}

fn cell(s: &str) -> Option<Vec<u8>> {
    Some(s.as_bytes().to_vec())
}

/// A SQL string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The words and strings of a SHOW statement, and what follows LIKE or WHERE.
struct ShowWords {
    /// Upper-cased keywords and names as written (unquoted), in order, up to LIKE/WHERE.
    words: Vec<String>,
    /// `LIKE 'pattern'`.
    like: Option<String>,
    /// The text after WHERE.
    filter: Option<String>,
    /// `words` as written (names keep their case: table names are case-sensitive).
    raw: Vec<String>,
}

fn show_words(text: &str) -> Result<ShowWords, SqlError> {
    let tokens = Tokenizer::new(&MySqlDialect {}, text)
        .tokenize_with_location()
        .map_err(|e| SqlError::syntax(&e.message, 1))?;
    let mut words = Vec::new();
    let mut raw = Vec::new();
    let mut like = None;
    let mut filter = None;
    let mut iter = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)));
    while let Some(t) = iter.next() {
        match &t.token {
            Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("LIKE") => {
                if let Some(next) = iter.next() {
                    if let Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) = &next.token
                    {
                        like = Some(s.clone());
                    }
                }
            }
            Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("WHERE") => {
                let at = crate::split::offset(text, t.span.end.line, t.span.end.column);
                filter = Some(text[at..].to_owned());
                break;
            }
            Token::Word(w) if w.quote_style.is_none() => {
                words.push(w.value.to_ascii_uppercase());
                raw.push(w.value.clone());
            }
            Token::Word(w) => {
                words.push(format!("`{}`", w.value));
                raw.push(format!("`{}`", w.value));
            }
            Token::Period => {
                words.push(".".to_owned());
                raw.push(".".to_owned());
            }
            Token::SingleQuotedString(s) => {
                words.push(s.clone());
                raw.push(s.clone());
            }
            _ => {}
        }
    }
    Ok(ShowWords {
        words,
        like,
        filter,
        raw,
    })
}

/// MySQL's LIKE for names, case-insensitive, with `%`, `_` and `\` escapes.
fn like(pattern: &str, s: &str) -> bool {
    fn go(p: &[char], s: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('%', rest)) => (0..=s.len()).any(|i| go(rest, &s[i..])),
            Some(('_', rest)) => !s.is_empty() && go(rest, &s[1..]),
            Some(('\\', rest)) if !rest.is_empty() => {
                !s.is_empty() && s[0] == rest[0] && go(&rest[1..], &s[1..])
            }
            Some((c, rest)) => !s.is_empty() && s[0] == *c && go(rest, &s[1..]),
        }
    }
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let s: Vec<char> = s.to_lowercase().chars().collect();
    go(&p, &s)
}

/// Strips backticks from a name word.
fn bare(w: &str) -> String {
    w.trim_matches('`').to_owned()
}

impl Session {
    /// Runs SQL over information_schema (written in MySQL) and returns its rows.
    fn info_query(&mut self, sql: &str) -> Result<Outcome, SqlError> {
        let statement = self.parse(sql)?;
        let sqlparser::ast::Statement::Query(q) = statement else {
            return Err(SqlError::syntax(sql, 1));
        };
        let (sqlite, views) = self.translate_query(*q, sql)?;
        self.before_read()?;
        self.rows(&sqlite, &views).map(Outcome::Rows)
    }

    /// The database a SHOW names with FROM/IN, else the current one.
    fn show_database(&self, words: &[String], after: usize) -> Result<String, SqlError> {
        match words.get(after..) {
            Some([from, db, ..])
                if from.eq_ignore_ascii_case("FROM") || from.eq_ignore_ascii_case("IN") =>
            {
                Ok(bare(db))
            }
            _ => self.database.clone().ok_or_else(SqlError::no_database),
        }
    }

    /// `db`.`table` from `t [FROM db]` or `db.t` at `at` in `words`.
    fn show_table(&self, words: &[String], at: usize) -> Result<(String, String, usize), SqlError> {
        let name = words
            .get(at)
            .map(|w| bare(w))
            .ok_or_else(|| SqlError::syntax("", 1))?;
        if words.get(at + 1).map(String::as_str) == Some(".") {
            let t = words.get(at + 2).map(|w| bare(w)).unwrap_or_default();
            return Ok((name, t, at + 3));
        }
        match words.get(at + 1..) {
            Some([from, db, ..])
                if from.eq_ignore_ascii_case("FROM") || from.eq_ignore_ascii_case("IN") =>
            {
                Ok((bare(db), name, at + 3))
            }
            _ => Ok((
                self.database.clone().ok_or_else(SqlError::no_database)?,
                name,
                at + 1,
            )),
        }
    }

    pub(crate) fn show(&mut self, text: &str, _first: &[&str]) -> Result<Outcome, SqlError> {
        let ShowWords {
            words,
            like,
            filter,
            raw,
        } = show_words(text)?;
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let full = w.get(1) == Some(&"FULL");
        let rest = if full { &w[2..] } else { &w[1..] };
        let cond = |column: &str| -> String {
            match (&like, &filter) {
                (Some(p), _) => format!(" AND {column} LIKE {}", lit(p)),
                (None, Some(f)) => format!(" AND ({f})"),
                _ => String::new(),
            }
        };
        match rest {
            ["DATABASES" | "SCHEMAS", ..] => {
                // MySQL labels the column with the pattern: `Database (pat%)`.
                let label = like.as_ref().map_or_else(|| "Database".to_owned(), |p| format!("Database ({p})"));
                self.info_query(&format!(
                    "SELECT `Database` AS `{}` FROM (SELECT SCHEMA_NAME AS `Database` FROM information_schema.schemata) AS d WHERE 1{} ORDER BY 1",
                    label.replace('`', "``"),
                    cond("`Database`")
                ))
            }
            ["TABLES", ..] => {
                let db = self.show_database(&raw, if full { 3 } else { 2 })?;
                if !catalog::is_system(&db) && catalog::schema(self.conn(), &db)?.is_none() {
                    return Err(SqlError::unknown_database(&db));
                }
                let label = format!("Tables_in_{db}");
                let inner = format!(
                    "SELECT TABLE_NAME AS `{label}`, TABLE_TYPE AS `Table_type` FROM information_schema.tables WHERE TABLE_SCHEMA = {}",
                    lit(&db)
                );
                // MySQL labels the column with the pattern: `Tables_in_db (pat%)`.
                let shown = like.as_ref().map_or_else(|| label.clone(), |p| format!("{label} ({p})"));
                let cols = if full {
                    format!("`{label}` AS `{}`, `Table_type`", shown.replace('`', "``"))
                } else {
                    format!("`{label}` AS `{}`", shown.replace('`', "``"))
                };
                let filter = match (&like, &filter) {
                    (Some(p), _) => format!(" WHERE `{label}` LIKE {}", lit(p)),
                    (None, Some(f)) => format!(" WHERE {f}"),
                    _ => String::new(),
                };
                self.info_query(&format!("SELECT {cols} FROM ({inner}) AS t{filter} ORDER BY 1"))
            }
            ["COLUMNS" | "FIELDS", "FROM" | "IN", ..] => {
                let (db, t, _) = self.show_table(&raw, if full { 4 } else { 3 })?;
                self.show_columns(&db, &t, full, like.as_deref())
                    .and_then(|rows| match filter.as_deref() {
                        Some(f) => self.filter_rows(rows, f),
                        None => Ok(rows),
                    })
            }
            ["INDEX" | "INDEXES" | "KEYS", "FROM" | "IN", ..] => {
                let (db, t, _) = self.show_table(&raw, 3)?;
                self.definition(&db, &t)?;
                self.info_query(&format!(
                    "SELECT TABLE_NAME AS `Table`, NON_UNIQUE AS `Non_unique`, INDEX_NAME AS `Key_name`, \
                     SEQ_IN_INDEX AS `Seq_in_index`, COLUMN_NAME AS `Column_name`, COLLATION AS `Collation`, \
                     CARDINALITY AS `Cardinality`, SUB_PART AS `Sub_part`, PACKED AS `Packed`, NULLABLE AS `Null`, \
                     INDEX_TYPE AS `Index_type`, COMMENT AS `Comment`, INDEX_COMMENT AS `Index_comment`, \
                     IS_VISIBLE AS `Visible`, EXPRESSION AS `Expression` FROM information_schema.statistics \
                     WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                    lit(&db),
                    lit(&t)
                ))
            }
            ["CREATE", "TABLE", ..] | ["CREATE", "VIEW", ..] => {
                let (db, t, _) = self.show_table(&raw, 3)?;
                let (kind, def) = self.definition(&db, &t)?;
                if kind == Kind::View {
                    let check = def
                        .check_option
                        .as_deref()
                        .map_or_else(String::new, |c| format!(" WITH {c} CHECK OPTION"));
                    let text = format!(
                        "CREATE ALGORITHM=UNDEFINED DEFINER=`admin`@`%` SQL SECURITY DEFINER VIEW `{}` AS {}{check}",
                        t,
                        def.view_definition().unwrap_or("")
                    );
                    return Ok(Outcome::Rows(text_rows(
                        &["View", "Create View", "character_set_client", "collation_connection"],
                        vec![vec![cell(&t), cell(&text), cell("utf8mb4"), cell("utf8mb4_0900_ai_ci")]],
                    )));
                }
                let auto = self.next_auto_increment(&db, &def).filter(|n| *n > 1);
                Ok(Outcome::Rows(text_rows(
                    &["Table", "Create Table"],
                    vec![vec![cell(&t), cell(&def.show_create(auto))]],
                )))
            }
            ["CREATE", "DATABASE" | "SCHEMA", ..] => {
                let mut i = 3;
                let if_not_exists = w.get(3) == Some(&"IF");
                if if_not_exists {
                    i = 6;
                }
                let db = raw.get(i).map(|d| bare(d)).ok_or_else(|| SqlError::syntax("", 1))?;
                let s = catalog::schema(self.conn(), &db)?.ok_or_else(|| SqlError::unknown_database(&db))?;
                let guard = if if_not_exists { "/*!32312 IF NOT EXISTS*/ " } else { "" };
                Ok(Outcome::Rows(text_rows(
                    &["Database", "Create Database"],
                    vec![vec![
                        cell(&db),
                        cell(&format!(
                            "CREATE DATABASE {guard}`{db}` /*!40100 DEFAULT CHARACTER SET {} COLLATE {} */ /*!80016 DEFAULT ENCRYPTION='N' */",
                            s.charset, s.collation
                        )),
                    ]],
                )))
            }
            ["TABLE", "STATUS", ..] => {
                let db = self.show_database(&raw, 3)?;
                self.info_query(&format!(
                    "SELECT TABLE_NAME AS `Name`, ENGINE AS `Engine`, VERSION AS `Version`, ROW_FORMAT AS `Row_format`, \
                     TABLE_ROWS AS `Rows`, AVG_ROW_LENGTH AS `Avg_row_length`, DATA_LENGTH AS `Data_length`, \
                     MAX_DATA_LENGTH AS `Max_data_length`, INDEX_LENGTH AS `Index_length`, DATA_FREE AS `Data_free`, \
                     AUTO_INCREMENT AS `Auto_increment`, CREATE_TIME AS `Create_time`, UPDATE_TIME AS `Update_time`, \
                     CHECK_TIME AS `Check_time`, TABLE_COLLATION AS `Collation`, CHECKSUM AS `Checksum`, \
                     CREATE_OPTIONS AS `Create_options`, TABLE_COMMENT AS `Comment` FROM information_schema.tables \
                     WHERE TABLE_SCHEMA = {}{} ORDER BY 1",
                    lit(&db),
                    cond("TABLE_NAME")
                ))
            }
            [.., "VARIABLES"] | ["VARIABLES", ..] | [_, "VARIABLES", ..] => {
                let rows = Outcome::Rows(self.show_variables(like.as_deref()));
                match filter.as_deref() {
                    Some(f) => self.filter_rows(rows, f),
                    None => Ok(rows),
                }
            }
            [.., "STATUS"] | ["STATUS", ..] | [_, "STATUS", ..] => Ok(Outcome::Rows(text_rows(
                &["Variable_name", "Value"],
                Vec::new(),
            ))),
            ["WARNINGS", ..] | ["ERRORS", ..] => {
                let errors_only = rest[0] == "ERRORS";
                let rows = self
                    .diagnostics
                    .iter()
                    .filter(|d| !errors_only || d.level == "Error")
                    .map(|d| vec![cell(d.level), cell(&d.code.to_string()), cell(&d.message)])
                    .collect();
                Ok(Outcome::Rows(text_rows(&["Level", "Code", "Message"], rows)))
            }
            ["COUNT", ..] => {
                let errors = rest.contains(&"ERRORS");
                let n = self
                    .diagnostics
                    .iter()
                    .filter(|d| !errors || d.level == "Error")
                    .count();
                let name = if errors {
                    "@@session.error_count"
                } else {
                    "@@session.warning_count"
                };
                Ok(Outcome::Rows(text_rows(&[name], vec![vec![cell(&n.to_string())]])))
            }
            ["ENGINES", ..] | ["STORAGE", "ENGINES", ..] => self.info_query(
                "SELECT ENGINE AS `Engine`, SUPPORT AS `Support`, COMMENT AS `Comment`, TRANSACTIONS AS `Transactions`, \
                 XA AS `XA`, SAVEPOINTS AS `Savepoints` FROM information_schema.engines",
            ),
            ["COLLATION", ..] => self.info_query(&format!(
                "SELECT COLLATION_NAME AS `Collation`, CHARACTER_SET_NAME AS `Charset`, ID AS `Id`, IS_DEFAULT AS `Default`, \
                 IS_COMPILED AS `Compiled`, SORTLEN AS `Sortlen`, PAD_ATTRIBUTE AS `Pad_attribute` \
                 FROM information_schema.collations WHERE 1{}",
                cond("COLLATION_NAME")
            )),
            ["CHARACTER", "SET", ..] | ["CHARSET", ..] => self.info_query(&format!(
                "SELECT CHARACTER_SET_NAME AS `Charset`, DESCRIPTION AS `Description`, DEFAULT_COLLATE_NAME AS `Default collation`, \
                 MAXLEN AS `Maxlen` FROM information_schema.character_sets WHERE 1{}",
                cond("CHARACTER_SET_NAME")
            )),
            ["PROCESSLIST", ..] => self.info_query(
                "SELECT ID AS `Id`, USER AS `User`, HOST AS `Host`, DB AS `db`, COMMAND AS `Command`, TIME AS `Time`, \
                 STATE AS `State`, INFO AS `Info` FROM information_schema.processlist",
            ),
            ["GRANTS", ..] => {
                let user = self.config.user.split('@').next().unwrap_or("").to_owned();
                Ok(Outcome::Rows(text_rows(
                    &[&format!("Grants for {user}@%")],
                    vec![vec![cell(&format!(
                        "GRANT ALL PRIVILEGES ON *.* TO `{user}`@`%` WITH GRANT OPTION"
                    ))]],
                )))
            }
            ["TRIGGERS", ..] | ["EVENTS", ..] | ["PLUGINS", ..] | ["OPEN", "TABLES", ..]
            | ["BINARY", "LOGS", ..] | ["PROFILES", ..] => {
                Ok(Outcome::Rows(text_rows(&["Name"], Vec::new())))
            }
            _ => Err(SqlError::syntax(text.trim(), 1)),
        }
    }

    /// The rows of a SHOW that satisfy its `WHERE` condition, which names the SHOW's own
    /// columns (`SHOW VARIABLES WHERE Variable_name IN (...)`): the rows go through SQLite as
    /// a VALUES list under those names, in their order.
    fn filter_rows(&mut self, rows: Outcome, condition: &str) -> Result<Outcome, SqlError> {
        let Outcome::Rows(set) = rows else {
            return Ok(rows);
        };
        if set.rows.is_empty() {
            return Ok(Outcome::Rows(set));
        }
        let text = |v: &Option<Vec<u8>>| match v {
            Some(b) => lit(&String::from_utf8_lossy(b)),
            None => "NULL".to_owned(),
        };
        let values: Vec<String> = set
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let cells: Vec<String> = r
                    .iter()
                    .zip(&set.columns)
                    .map(|(v, c)| match i {
                        0 => format!("{} AS `{}`", text(v), c.name.replace('`', "``")),
                        _ => text(v),
                    })
                    .collect();
                format!("SELECT {i} AS rewind_row, {}", cells.join(", "))
            })
            .collect();
        let sql = format!(
            "SELECT rewind_row FROM ({}) AS shown WHERE {condition}",
            values.join(" UNION ALL ")
        );
        let keep = match self.info_query(&sql)? {
            Outcome::Rows(kept) => kept
                .rows
                .iter()
                .filter_map(|r| r.first().cloned().flatten())
                .filter_map(|b| String::from_utf8_lossy(&b).parse::<usize>().ok())
                .collect::<std::collections::HashSet<usize>>(),
            _ => return Ok(Outcome::Rows(set)),
        };
        let ResultSet { columns, rows } = set;
        let rows = rows
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep.contains(i))
            .map(|(_, r)| r)
            .collect();
        Ok(Outcome::Rows(ResultSet { columns, rows }))
    }

    /// ANALYZE / OPTIMIZE / CHECK / REPAIR TABLE: one status per table, as InnoDB answers
    /// (SQLite keeps its pages and statistics itself: there is nothing to do).
    pub(crate) fn table_maintenance(&mut self, text: &str) -> Result<Outcome, SqlError> {
        let ShowWords { words, raw, .. } = show_words(text)?;
        let op = words[0].to_ascii_lowercase();
        let start = words
            .iter()
            .position(|w| w == "TABLE" || w == "TABLES")
            .map_or(words.len(), |i| i + 1);
        const OPTIONS: [&str; 7] = [
            "FOR", "UPGRADE", "QUICK", "FAST", "MEDIUM", "EXTENDED", "CHANGED",
        ];
        let mut names: Vec<(String, String)> = Vec::new();
        let mut i = start;
        while i < raw.len() {
            if OPTIONS.contains(&words[i].as_str()) || words[i] == "USE_FRM" {
                i += 1;
                continue;
            }
            if raw.get(i + 1).map(String::as_str) == Some(".") {
                names.push((
                    bare(&raw[i]),
                    raw.get(i + 2).map(|t| bare(t)).unwrap_or_default(),
                ));
                i += 3;
            } else {
                let db = self.database.clone().ok_or_else(SqlError::no_database)?;
                names.push((db, bare(&raw[i])));
                i += 1;
            }
        }
        if names.is_empty() {
            return Err(SqlError::syntax("", 1));
        }
        let mut rows = Vec::new();
        for (db, t) in names {
            let label = format!("{db}.{t}");
            let row = |kind: &str, message: &str| {
                vec![cell(&label), cell(&op), cell(kind), cell(message)]
            };
            match self.table(&db, &t)? {
                None => {
                    rows.push(row("Error", &format!("Table '{db}.{t}' doesn't exist")));
                    rows.push(row("status", "Operation failed"));
                }
                Some(_) if op == "optimize" => {
                    rows.push(row(
                        "note",
                        "Table does not support optimize, doing recreate + analyze instead",
                    ));
                    rows.push(row("status", "OK"));
                }
                Some(_) if op == "repair" => rows.push(row(
                    "note",
                    "The storage engine for the table doesn't support repair",
                )),
                Some(_) => rows.push(row("status", "OK")),
            }
        }
        Ok(Outcome::Rows(text_rows(
            &["Table", "Op", "Msg_type", "Msg_text"],
            rows,
        )))
    }

    /// DESCRIBE t / SHOW [FULL] COLUMNS.
    pub(crate) fn show_columns(
        &mut self,
        db: &str,
        t: &str,
        full: bool,
        like: Option<&str>,
    ) -> Result<Outcome, SqlError> {
        self.definition(db, t)?;
        let columns = if full {
            "COLUMN_NAME AS `Field`, COLUMN_TYPE AS `Type`, COLLATION_NAME AS `Collation`, IS_NULLABLE AS `Null`, \
             COLUMN_KEY AS `Key`, COLUMN_DEFAULT AS `Default`, EXTRA AS `Extra`, PRIVILEGES AS `Privileges`, \
             COLUMN_COMMENT AS `Comment`"
        } else {
            "COLUMN_NAME AS `Field`, COLUMN_TYPE AS `Type`, IS_NULLABLE AS `Null`, COLUMN_KEY AS `Key`, \
             COLUMN_DEFAULT AS `Default`, EXTRA AS `Extra`"
        };
        let filter = like.map_or_else(String::new, |p| format!(" AND COLUMN_NAME LIKE {}", lit(p)));
        self.info_query(&format!(
            "SELECT {columns} FROM information_schema.columns WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {}{filter} \
             ORDER BY ORDINAL_POSITION",
            lit(db),
            lit(t)
        ))
    }

    /// DESCRIBE / EXPLAIN of a table name.
    pub(crate) fn describe_table(
        &mut self,
        name: &ObjectName,
        full: bool,
        like: Option<&str>,
    ) -> Result<Outcome, SqlError> {
        let (db, t) = crate::translate::resolve(self.database.as_deref(), name)?;
        self.show_columns(&db, &t, full, like)
    }

    fn show_variables(&self, pattern: Option<&str>) -> ResultSet {
        let mut names: Vec<String> = LISTED_VARS.iter().map(|s| (*s).to_owned()).collect();
        for extra in [
            "autocommit",
            "version",
            "version_comment",
            "hostname",
            "read_only",
            "innodb_read_only",
            "aurora_version",
        ] {
            names.push(extra.to_owned());
        }
        names.extend(self.vars.keys().cloned());
        names.sort();
        names.dedup();
        let rows = names
            .into_iter()
            .filter(|n| pattern.is_none_or(|p| like(p, n)))
            .filter_map(|n| {
                let v = self.system_value(&n).or_else(|| default_var(&n))?;
                let shown = match (&v, n.as_str()) {
                    (
                        Value::Integer(x),
                        "autocommit"
                        | "read_only"
                        | "innodb_read_only"
                        | "foreign_key_checks"
                        | "unique_checks"
                        | "transaction_read_only"
                        | "sql_auto_is_null"
                        | "sql_safe_updates"
                        | "explicit_defaults_for_timestamp"
                        | "performance_schema",
                    ) => {
                        if *x == 0 {
                            "OFF".to_owned()
                        } else {
                            "ON".to_owned()
                        }
                    }
                    (Value::Integer(x), _) => x.to_string(),
                    (Value::Real(r), _) => r.to_string(),
                    (Value::Text(s), _) => s.clone(),
                    (Value::Blob(b), _) => String::from_utf8_lossy(b).into_owned(),
                    (Value::Null, _) => String::new(),
                };
                Some(vec![cell(&n), cell(&shown)])
            })
            .collect();
        text_rows(&["Variable_name", "Value"], rows)
    }
}
