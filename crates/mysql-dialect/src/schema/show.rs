//! SHOW CREATE TABLE, in MySQL 8.0's exact text.

use super::create::default_collation;
use super::{Action, ColumnDefault, Index, IndexKind, Table, Type};

fn bt(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

use super::create::show_quoted as quoted;

fn parts(i: &Index) -> String {
    i.parts
        .iter()
        .map(|p| {
            let mut s = match &p.expr {
                Some(e) => format!("({e})"),
                None => bt(&p.column),
            };
            if let Some(n) = p.prefix {
                s.push_str(&format!("({n})"));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl Table {
    /// SHOW CREATE TABLE as MySQL 8.0 prints it; `auto_increment` is the table's next counter
    /// value, printed as `AUTO_INCREMENT=n` when above 1 (the engine reads it from SQLite).
    pub fn show_create(&self, auto_increment: Option<u64>) -> String {
        let mut lines = Vec::new();
        for c in &self.columns {
            let mut s = format!("{} {}", bt(&c.name), c.ty.show());
            if let (Some(cs), Some(coll)) = (&c.charset, &c.collation) {
                if coll != &self.collation {
                    s.push_str(&format!(" CHARACTER SET {cs}"));
                }
                if default_collation(cs) != Some(coll.as_str()) {
                    s.push_str(&format!(" COLLATE {coll}"));
                }
            }
            if let Some(g) = &c.generated {
                s.push_str(&format!(
                    " GENERATED ALWAYS AS ({}) {}",
                    g.expr,
                    if g.stored { "STORED" } else { "VIRTUAL" }
                ));
            }
            if !c.nullable {
                s.push_str(" NOT NULL");
            } else if matches!(c.ty, Type::Timestamp(_)) {
                s.push_str(" NULL");
            }
            match &c.default {
                None => {}
                Some(ColumnDefault::Null) => s.push_str(" DEFAULT NULL"),
                Some(ColumnDefault::Literal(v)) => s.push_str(&format!(" DEFAULT {v}")),
                Some(ColumnDefault::CurrentTimestamp(0)) => {
                    s.push_str(" DEFAULT CURRENT_TIMESTAMP")
                }
                Some(ColumnDefault::CurrentTimestamp(p)) => {
                    s.push_str(&format!(" DEFAULT CURRENT_TIMESTAMP({p})"))
                }
                Some(ColumnDefault::Expression(e)) => s.push_str(&format!(" DEFAULT ({e})")),
            }
            match c.on_update_now {
                Some(0) => s.push_str(" ON UPDATE CURRENT_TIMESTAMP"),
                Some(p) => s.push_str(&format!(" ON UPDATE CURRENT_TIMESTAMP({p})")),
                None => {}
            }
            if c.auto_increment {
                s.push_str(" AUTO_INCREMENT");
            }
            if !c.comment.is_empty() {
                s.push_str(&format!(" COMMENT {}", quoted(&c.comment)));
            }
            lines.push(s);
        }
        for i in &self.indexes {
            let mut s = match i.kind {
                IndexKind::Primary => format!("PRIMARY KEY ({})", parts(i)),
                IndexKind::Unique => format!("UNIQUE KEY {} ({})", bt(&i.name), parts(i)),
                IndexKind::Key => format!("KEY {} ({})", bt(&i.name), parts(i)),
                IndexKind::Fulltext => format!("FULLTEXT KEY {} ({})", bt(&i.name), parts(i)),
            };
            if !i.comment.is_empty() {
                s.push_str(&format!(" COMMENT {}", quoted(&i.comment)));
            }
            if i.invisible {
                s.push_str(" /*!80000 INVISIBLE */");
            }
            lines.push(s);
        }
        for fk in &self.foreign_keys {
            let cols = |c: &[String]| c.iter().map(|c| bt(c)).collect::<Vec<_>>().join(", ");
            let target = if fk.ref_schema == self.schema {
                bt(&fk.ref_table)
            } else {
                format!("{}.{}", bt(&fk.ref_schema), bt(&fk.ref_table))
            };
            let mut s = format!(
                "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
                bt(&fk.name),
                cols(&fk.columns),
                target,
                cols(&fk.ref_columns)
            );
            if fk.on_delete != Action::NoAction {
                s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
            }
            if fk.on_update != Action::NoAction {
                s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
            }
            lines.push(s);
        }
        for c in &self.checks {
            let mut s = format!("CONSTRAINT {} CHECK ({})", bt(&c.name), c.expr);
            if !c.enforced {
                s.push_str(" /*!80016 NOT ENFORCED */");
            }
            lines.push(s);
        }
        let mut out = format!(
            "CREATE {}TABLE {} (\n  {}\n) ENGINE={}",
            if self.temporary { "TEMPORARY " } else { "" },
            bt(&self.name),
            lines.join(",\n  "),
            self.engine
        );
        if let Some(n) = auto_increment.filter(|n| *n > 1) {
            out.push_str(&format!(" AUTO_INCREMENT={n}"));
        }
        out.push_str(&format!(" DEFAULT CHARSET={}", self.charset));
        if default_collation(&self.charset) != Some(self.collation.as_str())
            || self.collation == "utf8mb4_0900_ai_ci"
        {
            out.push_str(&format!(" COLLATE={}", self.collation));
        }
        if let Some(r) = &self.row_format {
            out.push_str(&format!(" ROW_FORMAT={r}"));
        }
        if !self.comment.is_empty() {
            out.push_str(&format!(" COMMENT={}", quoted(&self.comment)));
        }
        out
    }
}
