//! MySQL's data dictionary, stored in the same SQLite database as the data it describes, so a
//! backtrack rewinds schema and rows together and a DDL statement commits atomically with
//! its SQLite objects.
//!
//! Two tables: `rewind_schemata` (one row per MySQL database) and `rewind_tables` (one row
//! per table or view, its [`Table`] definition as JSON). Their names hold no `.`, so they
//! never meet a user table (`"db.t"`).

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::SqlError;
use crate::schema::Table;

/// The dictionary's own tables; created by the first writer that finds them missing.
const BOOTSTRAP: &str = "
CREATE TABLE IF NOT EXISTS rewind_schemata (
    name TEXT PRIMARY KEY,
    charset TEXT NOT NULL,
    collation TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rewind_tables (
    schema_name TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    definition TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (schema_name, name)
);";

/// Databases every MySQL server shows, which are not stored.
pub(crate) const SYSTEM_SCHEMATA: [&str; 4] =
    ["information_schema", "mysql", "performance_schema", "sys"];

/// True for a database Rewind does not let clients create tables in.
pub(crate) fn is_system(db: &str) -> bool {
    SYSTEM_SCHEMATA.iter().any(|s| s.eq_ignore_ascii_case(db))
}

/// What a table entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A base table.
    Table,
    /// A view: its definition's `view` holds the MySQL text.
    View,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Table => "BASE TABLE",
            Kind::View => "VIEW",
        }
    }
}

/// A database's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Schema {
    /// Its name.
    pub name: String,
    /// DEFAULT CHARACTER SET.
    pub charset: String,
    /// DEFAULT COLLATE.
    pub collation: String,
}

/// True when the dictionary tables exist (a new cluster has none until its first DDL).
pub(crate) fn exists(conn: &Connection) -> Result<bool, SqlError> {
    // Every write asks: a cached statement, not a new prepare each time.
    conn.prepare_cached("SELECT count(*) FROM sqlite_schema WHERE name = 'rewind_tables'")
        .and_then(|mut st| st.query_row([], |r| r.get::<_, i64>(0)))
        .map(|n| n > 0)
        .map_err(sqlite)
}

/// Creates the dictionary tables; run inside a write transaction.
pub(crate) fn bootstrap(conn: &Connection) -> Result<(), SqlError> {
    conn.execute_batch(BOOTSTRAP).map_err(sqlite)
}

fn sqlite(e: rusqlite::Error) -> SqlError {
    SqlError::unknown(format!("data dictionary: {e}"))
}

/// Every stored database, by name.
pub(crate) fn schemata(conn: &Connection) -> Result<Vec<Schema>, SqlError> {
    if !exists(conn)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn
        .prepare_cached("SELECT name, charset, collation FROM rewind_schemata ORDER BY name")
        .map_err(sqlite)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Schema {
                name: r.get(0)?,
                charset: r.get(1)?,
                collation: r.get(2)?,
            })
        })
        .map_err(sqlite)?;
    rows.collect::<Result<_, _>>().map_err(sqlite)
}

/// One database's row.
pub(crate) fn schema(conn: &Connection, name: &str) -> Result<Option<Schema>, SqlError> {
    if !exists(conn)? {
        return Ok(None);
    }
    conn.prepare_cached("SELECT name, charset, collation FROM rewind_schemata WHERE name = ?1")
        .map_err(sqlite)?
        .query_row([name], |r| {
            Ok(Schema {
                name: r.get(0)?,
                charset: r.get(1)?,
                collation: r.get(2)?,
            })
        })
        .optional()
        .map_err(sqlite)
}

/// Records a new database.
pub(crate) fn put_schema(conn: &Connection, s: &Schema) -> Result<(), SqlError> {
    conn.execute(
        "INSERT OR REPLACE INTO rewind_schemata (name, charset, collation) VALUES (?1, ?2, ?3)",
        params![s.name, s.charset, s.collation],
    )
    .map(|_| ())
    .map_err(sqlite)
}

/// Forgets a database's row (its tables are dropped by the caller).
pub(crate) fn delete_schema(conn: &Connection, name: &str) -> Result<(), SqlError> {
    conn.execute("DELETE FROM rewind_schemata WHERE name = ?1", [name])
        .map(|_| ())
        .map_err(sqlite)
}

/// A table's or view's definition.
pub(crate) fn table(
    conn: &Connection,
    db: &str,
    name: &str,
) -> Result<Option<(Kind, Table)>, SqlError> {
    if !exists(conn)? {
        return Ok(None);
    }
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT kind, definition FROM rewind_tables WHERE schema_name = ?1 AND name = ?2",
        )
        .map_err(sqlite)?
        .query_row([db, name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(sqlite)?;
    row.map(|(kind, def)| {
        let kind = if kind == "VIEW" {
            Kind::View
        } else {
            Kind::Table
        };
        serde_json::from_str(&def)
            .map(|t| (kind, t))
            .map_err(|e| SqlError::unknown(format!("data dictionary: {e}")))
    })
    .transpose()
}

/// The names and kinds of a database's tables and views, in name order.
pub(crate) fn table_names(conn: &Connection, db: &str) -> Result<Vec<(String, Kind)>, SqlError> {
    if !exists(conn)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn
        .prepare_cached("SELECT name, kind FROM rewind_tables WHERE schema_name = ?1 ORDER BY name")
        .map_err(sqlite)?;
    let rows = stmt
        .query_map([db], |r| {
            let kind: String = r.get(1)?;
            Ok((
                r.get(0)?,
                if kind == "VIEW" {
                    Kind::View
                } else {
                    Kind::Table
                },
            ))
        })
        .map_err(sqlite)?;
    rows.collect::<Result<_, _>>().map_err(sqlite)
}

/// Every table definition of every database (for information_schema), in (db, name) order.
pub(crate) fn all_tables(conn: &Connection) -> Result<Vec<(Kind, Table, String)>, SqlError> {
    if !exists(conn)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT kind, definition, created FROM rewind_tables ORDER BY schema_name, name",
        )
        .map_err(sqlite)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })
        .map_err(sqlite)?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, def, created) = row.map_err(sqlite)?;
        let table: Table = serde_json::from_str(&def)
            .map_err(|e| SqlError::unknown(format!("data dictionary: {e}")))?;
        let kind = if kind == "VIEW" {
            Kind::View
        } else {
            Kind::Table
        };
        out.push((kind, table, created));
    }
    Ok(out)
}

/// Stores a table's definition (new or changed); `created` is kept when the row exists.
pub(crate) fn put_table(
    conn: &Connection,
    kind: Kind,
    t: &Table,
    now: &str,
) -> Result<(), SqlError> {
    let def = serde_json::to_string(t).map_err(|e| SqlError::unknown(e.to_string()))?;
    conn.execute(
        "INSERT INTO rewind_tables (schema_name, name, kind, definition, created)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (schema_name, name) DO UPDATE SET kind = excluded.kind,
             definition = excluded.definition",
        params![t.schema, t.name, kind.as_str(), def, now],
    )
    .map(|_| ())
    .map_err(sqlite)?;
    bump(conn)
}

/// Forgets a table's definition.
pub(crate) fn delete_table(conn: &Connection, db: &str, name: &str) -> Result<(), SqlError> {
    conn.execute(
        "DELETE FROM rewind_tables WHERE schema_name = ?1 AND name = ?2",
        [db, name],
    )
    .map(|_| ())
    .map_err(sqlite)?;
    bump(conn)
}

/// Marks the dictionary changed, so every connection's cache of it is dropped.
fn bump(conn: &Connection) -> Result<(), SqlError> {
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sqlite)?;
    conn.execute_batch(&format!(
        "PRAGMA user_version = {}",
        v.wrapping_add(1) & 0x7fff_ffff
    ))
    .map_err(sqlite)
}

/// A key that changes whenever the dictionary may have changed.
pub(crate) fn version(conn: &Connection) -> Result<(i64, i64), SqlError> {
    // Every statement asks: two cached PRAGMAs (the table-valued pragma functions prepare
    // their PRAGMA again at each call).
    let read = |pragma: &str| {
        conn.prepare_cached(pragma)
            .and_then(|mut st| st.query_row([], |r| r.get::<_, i64>(0)))
            .map_err(sqlite)
    };
    Ok((read("PRAGMA schema_version")?, read("PRAGMA user_version")?))
}
