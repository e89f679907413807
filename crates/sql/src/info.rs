//! `information_schema`: virtual tables computed when read, never stored.
//!
//! `aurora_db_cluster` shows what the control plane knows of the cluster (its rows come from
//! the caller through [`ClusterInfo`]); `schemata`, `tables` and `columns` describe the
//! databases in the key-value space, for tools that browse a server.

use chrono::{DateTime, Utc};
use gluesql_core::ast::DataType;
use gluesql_core::data::{Schema, Value};

use crate::catalog::{ColumnMeta, DatabaseMeta, TableDef};
use crate::outcome::ColumnType;
use crate::storage::engine_column;

/// One row of `information_schema.aurora_db_cluster`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuroraDbCluster {
    /// The cluster's identifier.
    pub db_cluster_identifier: String,
    /// The backtrack window, in seconds (0: backtrack disabled).
    pub backtrack_window: i64,
    /// The earliest time the cluster can be backtracked to, if backtrack is enabled.
    pub earliest_backtrack_time: Option<DateTime<Utc>>,
    /// The cluster's status (`available`, `backtracking`, ...).
    pub status: String,
}

/// Supplies what the control plane knows of the cluster, read at query time.
pub trait ClusterInfo: Send + Sync {
    /// The rows of `information_schema.aurora_db_cluster`.
    fn aurora_db_cluster(&self) -> Vec<AuroraDbCluster>;
}

impl<F: Fn() -> Vec<AuroraDbCluster> + Send + Sync> ClusterInfo for F {
    fn aurora_db_cluster(&self) -> Vec<AuroraDbCluster> {
        self()
    }
}

/// No control plane: `aurora_db_cluster` is empty.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoClusterInfo;

impl ClusterInfo for NoClusterInfo {
    fn aurora_db_cluster(&self) -> Vec<AuroraDbCluster> {
        Vec::new()
    }
}

/// The virtual tables, by lower-case name.
pub(crate) const TABLES: [&str; 4] = ["aurora_db_cluster", "columns", "schemata", "tables"];

fn def(name: &str, columns: &[(&str, DataType, &str)]) -> TableDef {
    TableDef {
        schema: Schema {
            table_name: name.to_owned(),
            column_defs: Some(
                columns
                    .iter()
                    .map(|(n, t, _)| engine_column(n, t.clone(), false))
                    .collect(),
            ),
            indexes: Vec::new(),
            engine: None,
            foreign_keys: Vec::new(),
            comment: None,
        },
        columns: columns
            .iter()
            .map(|(n, t, sql_type)| {
                let mut meta = ColumnMeta {
                    sql_type: (*sql_type).to_owned(),
                    ..ColumnMeta::from_engine(n, t)
                };
                // VARCHAR is text to clients; only `text` columns stay BLOB-typed.
                if sql_type.starts_with("varchar") {
                    meta.type_code = ColumnType::VarString.code();
                }
                meta
            })
            .collect(),
    }
}

/// The definition of virtual table `name` (case-insensitive).
pub(crate) fn virtual_table(name: &str) -> Option<TableDef> {
    use DataType::{Int, Text, Timestamp};
    let text = "varchar(64)";
    Some(match name.to_ascii_lowercase().as_str() {
        "aurora_db_cluster" => def(
            "aurora_db_cluster",
            &[
                ("db_cluster_identifier", Text, text),
                ("backtrack_window", Int, "bigint"),
                ("earliest_backtrack_time", Timestamp, "datetime"),
                ("status", Text, text),
            ],
        ),
        "schemata" => def(
            "schemata",
            &[
                ("CATALOG_NAME", Text, text),
                ("SCHEMA_NAME", Text, text),
                ("DEFAULT_CHARACTER_SET_NAME", Text, text),
                ("DEFAULT_COLLATION_NAME", Text, text),
            ],
        ),
        "tables" => def(
            "tables",
            &[
                ("TABLE_CATALOG", Text, text),
                ("TABLE_SCHEMA", Text, text),
                ("TABLE_NAME", Text, text),
                ("TABLE_TYPE", Text, text),
                ("ENGINE", Text, text),
                ("TABLE_COMMENT", Text, text),
            ],
        ),
        "columns" => def(
            "columns",
            &[
                ("TABLE_CATALOG", Text, text),
                ("TABLE_SCHEMA", Text, text),
                ("TABLE_NAME", Text, text),
                ("COLUMN_NAME", Text, text),
                ("ORDINAL_POSITION", Int, "bigint"),
                ("COLUMN_DEFAULT", Text, "text"),
                ("IS_NULLABLE", Text, text),
                ("DATA_TYPE", Text, text),
                ("COLUMN_TYPE", Text, "text"),
                ("COLUMN_KEY", Text, text),
                ("EXTRA", Text, text),
            ],
        ),
        _ => return None,
    })
}

fn s(v: &str) -> Value {
    Value::Str(v.to_owned())
}

/// Rows of `aurora_db_cluster`.
pub(crate) fn cluster_rows(rows: &[AuroraDbCluster]) -> Vec<Vec<Value>> {
    rows.iter()
        .map(|r| {
            vec![
                s(&r.db_cluster_identifier),
                Value::I64(r.backtrack_window),
                r.earliest_backtrack_time
                    .map_or(Value::Null, |t| Value::Timestamp(t.naive_utc())),
                s(&r.status),
            ]
        })
        .collect()
}

/// Rows of `schemata`.
pub(crate) fn schemata_rows(dbs: &[(String, DatabaseMeta)]) -> Vec<Vec<Value>> {
    dbs.iter()
        .map(|(db, meta)| vec![s("def"), s(db), s(&meta.charset), s(&meta.collation)])
        .collect()
}

/// Rows of `tables`.
pub(crate) fn tables_rows(all: &[(String, Vec<TableDef>)]) -> Vec<Vec<Value>> {
    let mut rows = Vec::new();
    for (db, tables) in all {
        let system = db.eq_ignore_ascii_case("information_schema");
        for t in tables {
            rows.push(vec![
                s("def"),
                s(db),
                s(&t.schema.table_name),
                s(if system { "SYSTEM VIEW" } else { "BASE TABLE" }),
                if system { Value::Null } else { s("InnoDB") },
                s(t.schema.comment.as_deref().unwrap_or("")),
            ]);
        }
    }
    rows
}

/// Rows of `columns`.
pub(crate) fn columns_rows(all: &[(String, Vec<TableDef>)]) -> Vec<Vec<Value>> {
    let mut rows = Vec::new();
    for (db, tables) in all {
        for t in tables {
            for (i, (d, m)) in t.column_defs().iter().zip(&t.columns).enumerate() {
                let key = match d.unique {
                    Some(u) if u.is_primary => "PRI",
                    Some(_) => "UNI",
                    None => "",
                };
                let data_type = m.sql_type.split(['(', ' ']).next().unwrap_or("");
                rows.push(vec![
                    s("def"),
                    s(db),
                    s(&t.schema.table_name),
                    s(&d.name),
                    Value::I64(i as i64 + 1),
                    m.default_sql.as_deref().map_or(Value::Null, s),
                    s(if d.nullable { "YES" } else { "NO" }),
                    s(data_type),
                    s(&m.sql_type),
                    s(key),
                    s(if m.auto_increment {
                        "auto_increment"
                    } else {
                        ""
                    }),
                ]);
            }
        }
    }
    rows
}
