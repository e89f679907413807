//! Statements the session answers itself, without the engine: SHOW ..., DESCRIBE, and the
//! system variables clients read when they connect.

use std::collections::BTreeMap;

use crate::catalog::{DatabaseMeta, TableDef};
use crate::outcome::{Column, ColumnType, ResultSet};
use crate::rewrite::Var;

/// A result set of text columns.
pub(crate) fn text_rows(names: &[&str], rows: Vec<Vec<Option<String>>>) -> ResultSet {
    ResultSet {
        columns: names
            .iter()
            .map(|n| Column::new(*n, ColumnType::VarString))
            .collect(),
        rows,
    }
}

/// MySQL's LIKE, case-insensitive, with `%`, `_` and `\` escapes.
pub(crate) fn like(pattern: &str, s: &str) -> bool {
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

/// SHOW DATABASES.
pub(crate) fn show_databases(dbs: &[(String, DatabaseMeta)], pattern: Option<&str>) -> ResultSet {
    let title = match pattern {
        Some(p) => format!("Database ({p})"),
        None => "Database".to_owned(),
    };
    text_rows(
        &[&title],
        dbs.iter()
            .filter(|(name, _)| pattern.is_none_or(|p| like(p, name)))
            .map(|(name, _)| vec![Some(name.clone())])
            .collect(),
    )
}

/// SHOW [FULL] TABLES.
pub(crate) fn show_tables(
    db: &str,
    tables: &[TableDef],
    full: bool,
    pattern: Option<&str>,
) -> ResultSet {
    let title = match pattern {
        Some(p) => format!("Tables_in_{db} ({p})"),
        None => format!("Tables_in_{db}"),
    };
    let kind = if db.eq_ignore_ascii_case("information_schema") {
        "SYSTEM VIEW"
    } else {
        "BASE TABLE"
    };
    let mut names: Vec<&str> = vec![&title];
    if full {
        names.push("Table_type");
    }
    text_rows(
        &names,
        tables
            .iter()
            .map(|t| t.schema.table_name.clone())
            .filter(|name| pattern.is_none_or(|p| like(p, name)))
            .map(|name| {
                let mut row = vec![Some(name)];
                if full {
                    row.push(Some(kind.to_owned()));
                }
                row
            })
            .collect(),
    )
}

fn key_of(def: &TableDef, i: usize) -> &'static str {
    match def.column_defs()[i].unique {
        Some(u) if u.is_primary => "PRI",
        Some(_) => "UNI",
        None => "",
    }
}

fn extra_of(def: &TableDef, i: usize) -> String {
    let m = &def.columns[i];
    let mut extra = Vec::new();
    if m.auto_increment {
        extra.push("auto_increment");
    }
    if m.default_sql.as_deref() == Some("CURRENT_TIMESTAMP") {
        extra.push("DEFAULT_GENERATED");
    }
    if m.on_update_now {
        extra.push("on update CURRENT_TIMESTAMP");
    }
    extra.join(" ")
}

/// DESCRIBE t / SHOW [FULL] COLUMNS FROM t.
pub(crate) fn describe(def: &TableDef, full: bool, pattern: Option<&str>) -> ResultSet {
    let mut names = vec!["Field", "Type"];
    if full {
        names.push("Collation");
    }
    names.extend(["Null", "Key", "Default", "Extra"]);
    if full {
        names.extend(["Privileges", "Comment"]);
    }
    let rows = def
        .column_defs()
        .iter()
        .enumerate()
        .filter(|(_, d)| pattern.is_none_or(|p| like(p, &d.name)))
        .map(|(i, d)| {
            let m = &def.columns[i];
            let mut row = vec![Some(d.name.clone()), Some(m.sql_type.clone())];
            if full {
                let textual = matches!(
                    m.column_type(),
                    ColumnType::VarString | ColumnType::String | ColumnType::Blob
                ) && !m.sql_type.contains("blob")
                    && !m.sql_type.contains("binary");
                row.push(textual.then(|| "utf8mb4_0900_ai_ci".to_owned()));
            }
            row.extend([
                Some(if d.nullable { "YES" } else { "NO" }.to_owned()),
                Some(key_of(def, i).to_owned()),
                m.default_sql.clone(),
                Some(extra_of(def, i)),
            ]);
            if full {
                row.push(Some("select,insert,update,references".to_owned()));
                row.push(Some(d.comment.clone().unwrap_or_default()));
            }
            row
        })
        .collect();
    text_rows(&names, rows)
}

fn quote_default(def: &TableDef, i: usize) -> Option<String> {
    let m = &def.columns[i];
    let d = m.default_sql.as_ref()?;
    if d == "CURRENT_TIMESTAMP" || d.eq_ignore_ascii_case("NULL") {
        Some(d.clone())
    } else {
        Some(format!("'{}'", d.replace('\'', "''")))
    }
}

/// SHOW CREATE TABLE, rebuilt from the stored definition.
pub(crate) fn show_create_table(def: &TableDef, next_seq: Option<u64>) -> ResultSet {
    let mut lines = Vec::new();
    for (i, d) in def.column_defs().iter().enumerate() {
        let m = &def.columns[i];
        let mut line = format!("  `{}` {}", d.name, m.sql_type);
        if !d.nullable {
            line.push_str(" NOT NULL");
        }
        match quote_default(def, i) {
            Some(dv) => line.push_str(&format!(" DEFAULT {dv}")),
            None if d.nullable && !m.sql_type.contains("text") && !m.sql_type.contains("blob") => {
                line.push_str(" DEFAULT NULL")
            }
            None => {}
        }
        if m.on_update_now {
            line.push_str(" ON UPDATE CURRENT_TIMESTAMP");
        }
        if m.auto_increment {
            line.push_str(" AUTO_INCREMENT");
        }
        if let Some(c) = &d.comment {
            line.push_str(&format!(" COMMENT '{}'", c.replace('\'', "''")));
        }
        lines.push(line);
    }
    if let Some((_, pk)) = def.primary_key() {
        lines.push(format!("  PRIMARY KEY (`{}`)", pk.name));
    }
    for d in def.column_defs() {
        if matches!(d.unique, Some(u) if !u.is_primary) {
            lines.push(format!("  UNIQUE KEY `{0}` (`{0}`)", d.name));
        }
    }
    let auto = match (def.auto_increment(), next_seq) {
        (Some(_), Some(n)) if n > 1 => format!(" AUTO_INCREMENT={n}"),
        _ => String::new(),
    };
    let comment = def
        .schema
        .comment
        .as_ref()
        .map(|c| format!(" COMMENT='{}'", c.replace('\'', "''")))
        .unwrap_or_default();
    let ddl = format!(
        "CREATE TABLE `{}` (\n{}\n) ENGINE=InnoDB{auto} DEFAULT CHARSET=utf8mb4 \
         COLLATE=utf8mb4_0900_ai_ci{comment}",
        def.schema.table_name,
        lines.join(",\n")
    );
    text_rows(
        &["Table", "Create Table"],
        vec![vec![Some(def.schema.table_name.clone()), Some(ddl)]],
    )
}

/// SHOW INDEX FROM t: the primary and unique keys.
pub(crate) fn show_index(def: &TableDef) -> ResultSet {
    let rows = def
        .column_defs()
        .iter()
        .filter_map(|d| {
            let u = d.unique?;
            let name = if u.is_primary {
                "PRIMARY".to_owned()
            } else {
                d.name.clone()
            };
            Some(vec![
                Some(def.schema.table_name.clone()),
                Some("0".to_owned()),
                Some(name),
                Some("1".to_owned()),
                Some(d.name.clone()),
                Some("A".to_owned()),
                Some("BTREE".to_owned()),
                Some("YES".to_owned()),
            ])
        })
        .collect();
    text_rows(
        &[
            "Table",
            "Non_unique",
            "Key_name",
            "Seq_in_index",
            "Column_name",
            "Collation",
            "Index_type",
            "Visible",
        ],
        rows,
    )
}

/// SHOW VARIABLES.
pub(crate) fn show_variables(vars: &BTreeMap<String, Var>, pattern: Option<&str>) -> ResultSet {
    text_rows(
        &["Variable_name", "Value"],
        vars.iter()
            .filter(|(name, _)| pattern.is_none_or(|p| like(p, name)))
            .map(|(name, v)| {
                let shown = match (name.as_str(), v) {
                    (
                        "autocommit"
                        | "read_only"
                        | "innodb_read_only"
                        | "super_read_only"
                        | "explicit_defaults_for_timestamp"
                        | "sql_auto_is_null"
                        | "performance_schema"
                        | "transaction_read_only"
                        | "tx_read_only",
                        Var::Int(n),
                    ) => if *n == 0 { "OFF" } else { "ON" }.to_owned(),
                    _ => v.show(),
                };
                vec![Some(name.clone()), Some(shown)]
            })
            .collect(),
    )
}

/// SHOW ENGINES.
pub(crate) fn show_engines() -> ResultSet {
    text_rows(
        &[
            "Engine",
            "Support",
            "Comment",
            "Transactions",
            "XA",
            "Savepoints",
        ],
        vec![[
            "InnoDB",
            "DEFAULT",
            "Supports transactions, row-level locking, and foreign keys",
            "YES",
            "YES",
            "YES",
        ]
        .iter()
        .map(|s| Some((*s).to_owned()))
        .collect()],
    )
}

/// SHOW WARNINGS / SHOW ERRORS: none are kept.
pub(crate) fn show_warnings() -> ResultSet {
    text_rows(&["Level", "Code", "Message"], Vec::new())
}

/// SHOW [SESSION] STATUS: nothing is counted.
pub(crate) fn show_status() -> ResultSet {
    text_rows(&["Variable_name", "Value"], Vec::new())
}

/// SHOW COLLATION / SHOW CHARACTER SET: the ones this engine speaks.
pub(crate) fn show_charsets(collation: bool) -> ResultSet {
    if collation {
        text_rows(
            &[
                "Collation",
                "Charset",
                "Id",
                "Default",
                "Compiled",
                "Sortlen",
                "Pad_attribute",
            ],
            vec![[
                "utf8mb4_0900_ai_ci",
                "utf8mb4",
                "255",
                "Yes",
                "Yes",
                "0",
                "NO PAD",
            ]
            .iter()
            .map(|s| Some((*s).to_owned()))
            .collect()],
        )
    } else {
        text_rows(
            &["Charset", "Description", "Default collation", "Maxlen"],
            vec![["utf8mb4", "UTF-8 Unicode", "utf8mb4_0900_ai_ci", "4"]
                .iter()
                .map(|s| Some((*s).to_owned()))
                .collect()],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::like;

    #[test]
    fn like_matches_mysql_patterns() {
        assert!(like("ver%", "version_comment"));
        assert!(like("a_c", "ABC"));
        assert!(!like("a_c", "abbc"));
        assert!(like("a\\_b", "a_b"));
        assert!(!like("a\\_b", "axb"));
    }
}
