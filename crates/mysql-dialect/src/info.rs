//! `information_schema`: MySQL's data dictionary views, computed from the catalog into
//! per-connection temporary tables just before a statement that reads them, so that tools'
//! queries (joins, filters, ORDER BY) run as written.

use chrono::{DateTime, Utc};
use rusqlite::types::Value;

use crate::catalog::{self, Kind};
use crate::error::SqlError;
use crate::schema::{IndexKind, Table};
use crate::session::{quote_ident, Session};
use crate::translate::information_schema_ident;

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

/// A view's columns (name, SQLite declaration) and rows.
type View = (Vec<(&'static str, &'static str)>, Vec<Vec<Value>>);

const T: &str = "VARCHAR(64) COLLATE utf8mb4_general_ci";
/// A database or table name: compared byte by byte, as MySQL's dictionary does with
/// `lower_case_table_names=0` (`TABLE_NAME = 'mixed'` does not find `Mixed`).
const K: &str = "VARCHAR(64) COLLATE BINARY";
const L: &str = "TEXT COLLATE utf8mb4_general_ci";
const N: &str = "BIGINT UNSIGNED";

fn s(v: &str) -> Value {
    Value::Text(v.to_owned())
}

fn opt_s(v: Option<&str>) -> Value {
    v.map_or(Value::Null, s)
}

fn n(v: Option<u64>) -> Value {
    v.map_or(Value::Null, |x| Value::Integer(x as i64))
}

/// The views of information_schema this engine computes.
const INFORMATION_SCHEMA_VIEWS: &[&str] = &[
    "aurora_db_cluster",
    "character_sets",
    "check_constraints",
    "collations",
    "columns",
    "engines",
    "key_column_usage",
    "processlist",
    "referential_constraints",
    "schemata",
    "statistics",
    "table_constraints",
    "tables",
    "views",
];

impl Session {
    /// Fills the temporary tables of the views a statement reads.
    pub(crate) fn materialize(&mut self, views: &[String]) -> Result<(), SqlError> {
        let needs_tables = views.iter().any(|v| v != "aurora_db_cluster");
        let tables = if needs_tables {
            catalog::all_tables(self.conn())?
        } else {
            Vec::new()
        };
        for view in views {
            let (columns, rows) = match self.view(view, &tables)? {
                Some(v) => v,
                None => {
                    return Err(SqlError::no_such_table("information_schema", view));
                }
            };
            let name = format!("temp.{}", information_schema_ident(view));
            let decls: Vec<String> = columns
                .iter()
                .map(|(c, d)| format!("{} {d}", quote_ident(c)))
                .collect();
            self.exec(&format!(
                "DROP TABLE IF EXISTS {name}; CREATE TEMP TABLE {} ({});",
                information_schema_ident(view),
                decls.join(", ")
            ))?;
            if rows.is_empty() {
                continue;
            }
            let marks = vec!["?"; columns.len()].join(", ");
            let conn = self.conn();
            let mut stmt = conn
                .prepare(&format!("INSERT INTO {name} VALUES ({marks})"))
                .map_err(|e| self.sqlite_error(e))?;
            for row in rows {
                stmt.execute(rusqlite::params_from_iter(row.iter()))
                    .map_err(|e| self.sqlite_error(e))?;
            }
        }
        Ok(())
    }

    fn view(
        &mut self,
        view: &str,
        tables: &[(Kind, Table, String)],
    ) -> Result<Option<View>, SqlError> {
        let base = || {
            tables
                .iter()
                .filter(|(k, _, _)| *k == Kind::Table)
                .map(|(_, t, c)| (t, c))
        };
        Ok(Some(match view {
            "schemata" => {
                let mut rows: Vec<Vec<Value>> = catalog::SYSTEM_SCHEMATA
                    .iter()
                    .map(|db| {
                        vec![
                            s("def"),
                            s(db),
                            s("utf8mb3"),
                            s("utf8mb3_general_ci"),
                            Value::Null,
                            s("NO"),
                        ]
                    })
                    .collect();
                for sc in catalog::schemata(self.conn())? {
                    rows.push(vec![
                        s("def"),
                        s(&sc.name),
                        s(&sc.charset),
                        s(&sc.collation),
                        Value::Null,
                        s("NO"),
                    ]);
                }
                (
                    vec![
                        ("CATALOG_NAME", T),
                        ("SCHEMA_NAME", K),
                        ("DEFAULT_CHARACTER_SET_NAME", T),
                        ("DEFAULT_COLLATION_NAME", T),
                        ("SQL_PATH", T),
                        ("DEFAULT_ENCRYPTION", T),
                    ],
                    rows,
                )
            }
            "tables" => {
                let mut rows = Vec::new();
                for (kind, t, created) in tables {
                    let is_view = *kind == Kind::View;
                    let rows_count = if is_view { None } else { self.count_rows(t) };
                    let auto = if is_view {
                        None
                    } else {
                        self.next_auto_increment(&t.schema, t)
                    };
                    rows.push(vec![
                        s("def"),
                        s(&t.schema),
                        s(&t.name),
                        s(if is_view { "VIEW" } else { "BASE TABLE" }),
                        if is_view { Value::Null } else { s(&t.engine) },
                        if is_view {
                            Value::Null
                        } else {
                            Value::Integer(10)
                        },
                        if is_view {
                            Value::Null
                        } else {
                            s(t.row_format.as_deref().unwrap_or("Dynamic"))
                        },
                        n(rows_count),
                        n(rows_count.map(|_| 0)),
                        n(rows_count.map(|_| 16384)),
                        n(rows_count.map(|_| 0)),
                        n(rows_count.map(|_| 0)),
                        n(rows_count.map(|_| 0)),
                        n(auto),
                        s(created),
                        Value::Null,
                        Value::Null,
                        if is_view {
                            Value::Null
                        } else {
                            s(&t.collation)
                        },
                        Value::Null,
                        s(""),
                        s(if is_view { "VIEW" } else { &t.comment }),
                    ]);
                }
                // information_schema's own views, as MySQL 8 lists them.
                for view in INFORMATION_SCHEMA_VIEWS {
                    let mut row = vec![
                        s("def"),
                        s("information_schema"),
                        s(&view.to_ascii_uppercase()),
                        s("SYSTEM VIEW"),
                        Value::Null,
                        Value::Integer(10),
                    ];
                    row.resize(20, Value::Null);
                    row.push(s(""));
                    rows.push(row);
                }
                (
                    vec![
                        ("TABLE_CATALOG", T),
                        ("TABLE_SCHEMA", K),
                        ("TABLE_NAME", K),
                        ("TABLE_TYPE", T),
                        ("ENGINE", T),
                        ("VERSION", N),
                        ("ROW_FORMAT", T),
                        ("TABLE_ROWS", N),
                        ("AVG_ROW_LENGTH", N),
                        ("DATA_LENGTH", N),
                        ("MAX_DATA_LENGTH", N),
                        ("INDEX_LENGTH", N),
                        ("DATA_FREE", N),
                        ("AUTO_INCREMENT", N),
                        ("CREATE_TIME", "DATETIME"),
                        ("UPDATE_TIME", "DATETIME"),
                        ("CHECK_TIME", "DATETIME"),
                        ("TABLE_COLLATION", T),
                        ("CHECKSUM", N),
                        ("CREATE_OPTIONS", T),
                        ("TABLE_COMMENT", L),
                    ],
                    rows,
                )
            }
            "columns" => {
                let mut rows = Vec::new();
                // A view's columns are listed too, with the types they had when it was made.
                for (_, t, _) in tables {
                    for (i, c) in t.columns.iter().enumerate() {
                        let key = column_key(t, &c.name);
                        let collation = c
                            .ty
                            .is_textual()
                            .then(|| c.collation.clone().unwrap_or_else(|| t.collation.clone()));
                        let charset =
                            c.ty.is_textual()
                                .then(|| c.charset.clone().unwrap_or_else(|| t.charset.clone()));
                        rows.push(vec![
                            s("def"),
                            s(&t.schema),
                            s(&t.name),
                            s(&c.name),
                            Value::Integer(i as i64 + 1),
                            opt_s(c.default_text().as_deref()),
                            s(if c.nullable { "YES" } else { "NO" }),
                            s(c.ty.data_type()),
                            n(c.ty.char_max_length()),
                            n(c.ty.octet_length(charset.as_deref().unwrap_or("utf8mb4"))),
                            n(c.ty.numeric_precision()),
                            n(c.ty.numeric_scale()),
                            n(c.ty.datetime_precision()),
                            opt_s(charset.as_deref()),
                            opt_s(collation.as_deref()),
                            s(&c.ty.show()),
                            s(key),
                            s(&c.extra()),
                            s("select,insert,update,references"),
                            s(&c.comment),
                            s(c.generated.as_ref().map_or("", |g| g.expr.as_str())),
                            Value::Null,
                        ]);
                    }
                }
                (
                    vec![
                        ("TABLE_CATALOG", T),
                        ("TABLE_SCHEMA", K),
                        ("TABLE_NAME", K),
                        ("COLUMN_NAME", T),
                        ("ORDINAL_POSITION", N),
                        ("COLUMN_DEFAULT", L),
                        ("IS_NULLABLE", T),
                        ("DATA_TYPE", L),
                        ("CHARACTER_MAXIMUM_LENGTH", N),
                        ("CHARACTER_OCTET_LENGTH", N),
                        ("NUMERIC_PRECISION", N),
                        ("NUMERIC_SCALE", N),
                        ("DATETIME_PRECISION", N),
                        ("CHARACTER_SET_NAME", T),
                        ("COLLATION_NAME", T),
                        ("COLUMN_TYPE", L),
                        ("COLUMN_KEY", T),
                        ("EXTRA", T),
                        ("PRIVILEGES", T),
                        ("COLUMN_COMMENT", L),
                        ("GENERATION_EXPRESSION", L),
                        ("SRS_ID", N),
                    ],
                    rows,
                )
            }
            "statistics" => {
                let mut rows = Vec::new();
                for (t, _) in base() {
                    for idx in &t.indexes {
                        for (seq, p) in idx.parts.iter().enumerate() {
                            let nullable =
                                p.expr.is_some() || t.column(&p.column).is_some_and(|c| c.nullable);
                            rows.push(vec![
                                s("def"),
                                s(&t.schema),
                                s(&t.name),
                                Value::Integer(i64::from(!idx.is_unique())),
                                s(&t.schema),
                                s(&idx.name),
                                Value::Integer(seq as i64 + 1),
                                if p.expr.is_some() {
                                    Value::Null
                                } else {
                                    s(&p.column)
                                },
                                s(if p.desc { "D" } else { "A" }),
                                Value::Integer(0),
                                n(p.prefix.map(u64::from)),
                                Value::Null,
                                s(if nullable { "YES" } else { "" }),
                                s(if idx.kind == IndexKind::Fulltext {
                                    "FULLTEXT"
                                } else {
                                    "BTREE"
                                }),
                                s(""),
                                s(&idx.comment),
                                s(if idx.invisible { "NO" } else { "YES" }),
                                p.expr.as_deref().map_or(Value::Null, s),
                            ]);
                        }
                    }
                }
                (
                    vec![
                        ("TABLE_CATALOG", T),
                        ("TABLE_SCHEMA", K),
                        ("TABLE_NAME", K),
                        ("NON_UNIQUE", "INT"),
                        ("INDEX_SCHEMA", K),
                        ("INDEX_NAME", T),
                        ("SEQ_IN_INDEX", N),
                        ("COLUMN_NAME", T),
                        ("COLLATION", T),
                        ("CARDINALITY", N),
                        ("SUB_PART", N),
                        ("PACKED", T),
                        ("NULLABLE", T),
                        ("INDEX_TYPE", T),
                        ("COMMENT", T),
                        ("INDEX_COMMENT", T),
                        ("IS_VISIBLE", T),
                        ("EXPRESSION", L),
                    ],
                    rows,
                )
            }
            "key_column_usage" => {
                let mut rows = Vec::new();
                for (t, _) in base() {
                    for idx in t.indexes.iter().filter(|i| i.is_unique()) {
                        for (seq, p) in idx.parts.iter().enumerate() {
                            rows.push(vec![
                                s("def"),
                                s(&t.schema),
                                s(&idx.name),
                                s("def"),
                                s(&t.schema),
                                s(&t.name),
                                s(&p.column),
                                Value::Integer(seq as i64 + 1),
                                Value::Null,
                                Value::Null,
                                Value::Null,
                                Value::Null,
                            ]);
                        }
                    }
                    for fk in &t.foreign_keys {
                        for (seq, (c, r)) in fk.columns.iter().zip(&fk.ref_columns).enumerate() {
                            rows.push(vec![
                                s("def"),
                                s(&t.schema),
                                s(&fk.name),
                                s("def"),
                                s(&t.schema),
                                s(&t.name),
                                s(c),
                                Value::Integer(seq as i64 + 1),
                                Value::Integer(seq as i64 + 1),
                                s(&fk.ref_schema),
                                s(&fk.ref_table),
                                s(r),
                            ]);
                        }
                    }
                }
                (
                    vec![
                        ("CONSTRAINT_CATALOG", T),
                        ("CONSTRAINT_SCHEMA", K),
                        ("CONSTRAINT_NAME", T),
                        ("TABLE_CATALOG", T),
                        ("TABLE_SCHEMA", K),
                        ("TABLE_NAME", K),
                        ("COLUMN_NAME", T),
                        ("ORDINAL_POSITION", N),
                        ("POSITION_IN_UNIQUE_CONSTRAINT", N),
                        ("REFERENCED_TABLE_SCHEMA", K),
                        ("REFERENCED_TABLE_NAME", K),
                        ("REFERENCED_COLUMN_NAME", T),
                    ],
                    rows,
                )
            }
            "table_constraints" => {
                let mut rows = Vec::new();
                for (t, _) in base() {
                    for idx in t.indexes.iter().filter(|i| i.is_unique()) {
                        let kind = if idx.kind == IndexKind::Primary {
                            "PRIMARY KEY"
                        } else {
                            "UNIQUE"
                        };
                        rows.push(vec![
                            s("def"),
                            s(&t.schema),
                            s(&idx.name),
                            s(&t.schema),
                            s(&t.name),
                            s(kind),
                            s("YES"),
                        ]);
                    }
                    for fk in &t.foreign_keys {
                        rows.push(vec![
                            s("def"),
                            s(&t.schema),
                            s(&fk.name),
                            s(&t.schema),
                            s(&t.name),
                            s("FOREIGN KEY"),
                            s("YES"),
                        ]);
                    }
                    for c in &t.checks {
                        rows.push(vec![
                            s("def"),
                            s(&t.schema),
                            s(&c.name),
                            s(&t.schema),
                            s(&t.name),
                            s("CHECK"),
                            s(if c.enforced { "YES" } else { "NO" }),
                        ]);
                    }
                }
                (
                    vec![
                        ("CONSTRAINT_CATALOG", T),
                        ("CONSTRAINT_SCHEMA", K),
                        ("CONSTRAINT_NAME", T),
                        ("TABLE_SCHEMA", K),
                        ("TABLE_NAME", K),
                        ("CONSTRAINT_TYPE", T),
                        ("ENFORCED", T),
                    ],
                    rows,
                )
            }
            "referential_constraints" => {
                let mut rows = Vec::new();
                for (t, _) in base() {
                    for fk in &t.foreign_keys {
                        let unique = tables
                            .iter()
                            .find(|(_, p, _)| p.schema == fk.ref_schema && p.name == fk.ref_table)
                            .and_then(|(_, p, _)| {
                                p.indexes
                                    .iter()
                                    .find(|i| i.is_unique() && i.starts_with(&fk.ref_columns))
                                    .map(|i| i.name.clone())
                            });
                        rows.push(vec![
                            s("def"),
                            s(&t.schema),
                            s(&fk.name),
                            s("def"),
                            s(&fk.ref_schema),
                            opt_s(unique.as_deref()),
                            s("NONE"),
                            s(fk.on_update.sql()),
                            s(fk.on_delete.sql()),
                            s(&t.name),
                            s(&fk.ref_table),
                        ]);
                    }
                }
                (
                    vec![
                        ("CONSTRAINT_CATALOG", T),
                        ("CONSTRAINT_SCHEMA", K),
                        ("CONSTRAINT_NAME", T),
                        ("UNIQUE_CONSTRAINT_CATALOG", T),
                        ("UNIQUE_CONSTRAINT_SCHEMA", K),
                        ("UNIQUE_CONSTRAINT_NAME", T),
                        ("MATCH_OPTION", T),
                        ("UPDATE_RULE", T),
                        ("DELETE_RULE", T),
                        ("TABLE_NAME", K),
                        ("REFERENCED_TABLE_NAME", K),
                    ],
                    rows,
                )
            }
            "check_constraints" => {
                let mut rows = Vec::new();
                for (t, _) in base() {
                    for c in &t.checks {
                        rows.push(vec![s("def"), s(&t.schema), s(&c.name), s(&c.expr)]);
                    }
                }
                (
                    vec![
                        ("CONSTRAINT_CATALOG", T),
                        ("CONSTRAINT_SCHEMA", K),
                        ("CONSTRAINT_NAME", T),
                        ("CHECK_CLAUSE", L),
                    ],
                    rows,
                )
            }
            "views" => {
                let rows = tables
                    .iter()
                    .filter(|(k, _, _)| *k == Kind::View)
                    .map(|(_, t, _)| {
                        vec![
                            s("def"),
                            s(&t.schema),
                            s(&t.name),
                            s(t.view_definition().unwrap_or("")),
                            s(t.check_option.as_deref().unwrap_or("NONE")),
                            s(
                                if crate::views::is_updatable(t.view_definition().unwrap_or("")) {
                                    "YES"
                                } else {
                                    "NO"
                                },
                            ),
                            s(&self.config.user),
                            s("DEFINER"),
                            s("utf8mb4"),
                            s("utf8mb4_0900_ai_ci"),
                        ]
                    })
                    .collect();
                (
                    vec![
                        ("TABLE_CATALOG", T),
                        ("TABLE_SCHEMA", K),
                        ("TABLE_NAME", K),
                        ("VIEW_DEFINITION", L),
                        ("CHECK_OPTION", T),
                        ("IS_UPDATABLE", T),
                        ("DEFINER", T),
                        ("SECURITY_TYPE", T),
                        ("CHARACTER_SET_CLIENT", T),
                        ("COLLATION_CONNECTION", T),
                    ],
                    rows,
                )
            }
            "aurora_db_cluster" => {
                let rows = self
                    .config
                    .cluster_info
                    .aurora_db_cluster()
                    .into_iter()
                    .map(|r| {
                        vec![
                            s(&r.db_cluster_identifier),
                            Value::Integer(r.backtrack_window),
                            r.earliest_backtrack_time.map_or(Value::Null, |t| {
                                s(&t.format("%Y-%m-%d %H:%M:%S").to_string())
                            }),
                            s(&r.status),
                        ]
                    })
                    .collect();
                (
                    vec![
                        ("db_cluster_identifier", T),
                        ("backtrack_window", "BIGINT"),
                        ("earliest_backtrack_time", "DATETIME"),
                        ("status", T),
                    ],
                    rows,
                )
            }
            "engines" => (
                vec![
                    ("ENGINE", T),
                    ("SUPPORT", T),
                    ("COMMENT", T),
                    ("TRANSACTIONS", T),
                    ("XA", T),
                    ("SAVEPOINTS", T),
                ],
                vec![vec![
                    s("InnoDB"),
                    s("DEFAULT"),
                    s("Supports transactions, row-level locking, and foreign keys"),
                    s("YES"),
                    s("YES"),
                    s("YES"),
                ]],
            ),
            "character_sets" => (
                vec![
                    ("CHARACTER_SET_NAME", T),
                    ("DEFAULT_COLLATE_NAME", T),
                    ("DESCRIPTION", T),
                    ("MAXLEN", N),
                ],
                vec![
                    vec![
                        s("utf8mb4"),
                        s("utf8mb4_0900_ai_ci"),
                        s("UTF-8 Unicode"),
                        Value::Integer(4),
                    ],
                    vec![
                        s("utf8mb3"),
                        s("utf8mb3_general_ci"),
                        s("UTF-8 Unicode"),
                        Value::Integer(3),
                    ],
                    vec![
                        s("latin1"),
                        s("latin1_swedish_ci"),
                        s("cp1252 West European"),
                        Value::Integer(1),
                    ],
                    vec![
                        s("ascii"),
                        s("ascii_general_ci"),
                        s("US ASCII"),
                        Value::Integer(1),
                    ],
                    vec![
                        s("binary"),
                        s("binary"),
                        s("Binary pseudo charset"),
                        Value::Integer(1),
                    ],
                ],
            ),
            "collations" => (
                vec![
                    ("COLLATION_NAME", T),
                    ("CHARACTER_SET_NAME", T),
                    ("ID", N),
                    ("IS_DEFAULT", T),
                    ("IS_COMPILED", T),
                    ("SORTLEN", N),
                    ("PAD_ATTRIBUTE", T),
                ],
                [
                    ("utf8mb4_0900_ai_ci", "utf8mb4", 255, "Yes", "NO PAD"),
                    ("utf8mb4_0900_as_cs", "utf8mb4", 278, "", "NO PAD"),
                    ("utf8mb4_bin", "utf8mb4", 46, "", "PAD SPACE"),
                    ("utf8mb4_general_ci", "utf8mb4", 45, "", "PAD SPACE"),
                    ("utf8mb4_unicode_ci", "utf8mb4", 224, "", "PAD SPACE"),
                    ("latin1_swedish_ci", "latin1", 8, "Yes", "PAD SPACE"),
                    ("ascii_general_ci", "ascii", 11, "Yes", "PAD SPACE"),
                    ("binary", "binary", 63, "Yes", "NO PAD"),
                ]
                .iter()
                .map(|(c, cs, id, d, pad)| {
                    vec![
                        s(c),
                        s(cs),
                        Value::Integer(*id),
                        s(d),
                        s("Yes"),
                        Value::Integer(1),
                        s(pad),
                    ]
                })
                .collect(),
            ),
            "processlist" => (
                vec![
                    ("ID", N),
                    ("USER", T),
                    ("HOST", T),
                    ("DB", T),
                    ("COMMAND", T),
                    ("TIME", N),
                    ("STATE", T),
                    ("INFO", L),
                ],
                {
                    let mut list = self.config.processes.list();
                    if list.is_empty() {
                        list.push(crate::session::Process {
                            id: self.config.connection_id,
                            user: self.config.user.split('@').next().unwrap_or("").to_owned(),
                            host: self.config.user.split('@').nth(1).unwrap_or("").to_owned(),
                            db: self.database.clone(),
                            command: "Query".to_owned(),
                            time: 0,
                            info: None,
                        });
                    }
                    list.into_iter()
                        .map(|p| {
                            vec![
                                Value::Integer(i64::from(p.id)),
                                s(&p.user),
                                s(&p.host),
                                opt_s(p.db.as_deref()),
                                s(&p.command),
                                Value::Integer(p.time as i64),
                                s(if p.info.is_some() { "executing" } else { "" }),
                                opt_s(p.info.as_deref()),
                            ]
                        })
                        .collect()
                },
            ),
            // FILES: mysqldump reads it for NDB tablespaces (none here).
            "routines" | "triggers" | "partitions" | "events" | "parameters"
            | "column_statistics" | "files" => (
                vec![
                    ("TABLE_SCHEMA", K),
                    ("TABLE_NAME", K),
                    ("ROUTINE_SCHEMA", K),
                    ("ROUTINE_NAME", T),
                    ("ROUTINE_TYPE", T),
                    ("TRIGGER_SCHEMA", K),
                    ("TRIGGER_NAME", T),
                    ("EVENT_OBJECT_SCHEMA", K),
                    ("EVENT_OBJECT_TABLE", K),
                    ("EVENT_SCHEMA", K),
                    ("EVENT_NAME", T),
                    ("PARTITION_NAME", T),
                    ("SPECIFIC_SCHEMA", K),
                    ("SPECIFIC_NAME", T),
                    ("TABLESPACE_NAME", T),
                    ("FILE_ID", T),
                    ("FILE_NAME", T),
                    ("FILE_TYPE", T),
                    ("LOGFILE_GROUP_NAME", T),
                    ("TOTAL_EXTENTS", T),
                    ("INITIAL_SIZE", T),
                    ("EXTENT_SIZE", T),
                    ("ENGINE", T),
                    ("EXTRA", T),
                ],
                Vec::new(),
            ),
            _ => return Ok(None),
        }))
    }

    /// A table's row count, for TABLE_ROWS and EXPLAIN (InnoDB's is an estimate; this one is
    /// exact).
    pub(crate) fn count_rows(&self, t: &Table) -> Option<u64> {
        self.conn()
            .query_row(
                &format!(
                    "SELECT count(*) FROM {}",
                    crate::translate::table_ident(&t.schema, &t.name)
                ),
                [],
                |r| r.get::<_, i64>(0),
            )
            .ok()
            .map(|n| n as u64)
    }
}

/// COLUMN_KEY: PRI, UNI or MUL, as MySQL derives it from the first index the column leads.
pub(crate) fn column_key(t: &Table, column: &str) -> &'static str {
    let mut key = "";
    for idx in &t.indexes {
        let Some(first) = idx.parts.first() else {
            continue;
        };
        if !first.column.eq_ignore_ascii_case(column) {
            continue;
        }
        match idx.kind {
            IndexKind::Primary => return "PRI",
            IndexKind::Unique if idx.parts.len() == 1 => {
                if key != "PRI" {
                    key = "UNI";
                }
            }
            _ => {
                if key.is_empty() {
                    key = "MUL";
                }
            }
        }
    }
    key
}
