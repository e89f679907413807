//! INSERT, UPDATE and DELETE: MySQL's forms rewritten for SQLite, with every stored value
//! passed through `mysql_assign` (MySQL's strict-mode conversion and checks for the column's
//! type) and MySQL's affected-row counts.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Assignment, AssignmentTarget, Delete, Expr, FromTable, Ident, Insert, ObjectName,
    ObjectNamePart, OnConflictAction, OnInsert, SetExpr, TableFactor, TableObject, TableWithJoins,
    Update, VisitMut,
};

use crate::error::SqlError;
use crate::outcome::{OkPacket, Outcome};
use crate::schema::{Column, Table};
use crate::session::{quote_ident, Session};
use crate::translate::{table_ident, Rewrite};

/// How a statement stores a value that does not fit its column: refused (strict mode), or
/// MySQL's nearest value with a warning (a non-strict sql_mode, IGNORE).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct StoreMode {
    /// Out-of-range numbers clipped, long strings cut, bad ENUMs '' (mysql_assign's warnings).
    lenient: bool,
    /// NULL into a NOT NULL column stores the type's implicit default (warning 1048).
    null_default: bool,
    /// A division by zero stores NULL (no ERROR_FOR_DIVISION_BY_ZERO), not 1365.
    division_by_zero_null: bool,
}

/// The `mysql_assign` mode bits of storing into `column` in `mode`.
fn assign_bits(column: &Column, mode: StoreMode) -> i64 {
    let mut bits = 0;
    if mode.lenient {
        bits |= mysql_functions::ASSIGN_LENIENT;
    }
    if mode.null_default && !column.nullable {
        bits |= mysql_functions::ASSIGN_NULL_DEFAULT;
    }
    if mode.division_by_zero_null {
        bits |= mysql_functions::ASSIGN_DIVISION_BY_ZERO_NULL;
    }
    bits
}

/// `value` wrapped in the check for storing it into `column`, as row `row` of the statement.
fn assign(value: &str, column: &Column, row: usize, mode: StoreMode) -> String {
    let bits = assign_bits(column, mode);
    let spec = column.ty.assign_spec().replace('\'', "''");
    let name = column.name.replace('\'', "''");
    if bits == 0 && row == 1 {
        format!("mysql_assign({value}, '{spec}', '{name}')")
    } else {
        format!("mysql_assign({value}, '{spec}', '{name}', {row}, {bits})")
    }
}

/// The last part of a (possibly qualified) column name.
fn column_name(name: &ObjectName) -> String {
    match name.0.last() {
        Some(ObjectNamePart::Identifier(i)) => i.value.clone(),
        _ => name.to_string(),
    }
}

fn target_name(t: &AssignmentTarget) -> String {
    match t {
        AssignmentTarget::ColumnName(n) => column_name(n),
        AssignmentTarget::Tuple(names) => names.first().map(column_name).unwrap_or_default(),
    }
}

/// True for the literal `DEFAULT` in a VALUES row.
fn is_default(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(i) if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("default"))
}

/// True for NULL or 0, which make an AUTO_INCREMENT column take its next value.
fn generates(e: &Expr) -> bool {
    match e {
        Expr::Value(v) => {
            matches!(&v.value, sqlparser::ast::Value::Null)
                || matches!(&v.value, sqlparser::ast::Value::Number(n, _) if n == "0")
        }
        _ => is_default(e),
    }
}

/// One value of a multi-row VALUES list that goes to SQLite as a bound parameter.
enum BoundCell {
    /// A literal, passed through `mysql_assign` for its column.
    Assigned(rusqlite::types::Value),
    /// NULL or 0 into the AUTO_INCREMENT column: SQLite's next rowid.
    Generated,
}

/// The value SQLite would read from `e`'s SQL text, for a plain literal (a number, a string
/// without NUL, NULL); None for anything the translation would rewrite or SQLite could read
/// differently (exponents, more digits than a double keeps exactly).
fn bound_literal(e: &Expr) -> Option<rusqlite::types::Value> {
    use rusqlite::types::Value as V;
    use sqlparser::ast::{UnaryOperator, Value as L};
    let number = |n: &str, negative: bool| {
        let signed = if negative {
            format!("-{n}")
        } else {
            n.to_owned()
        };
        if let Ok(i) = signed.parse::<i64>() {
            return Some(V::Integer(i));
        }
        let digits = n.bytes().filter(u8::is_ascii_digit).count();
        let plain = n.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        (plain && n.contains('.') && digits <= 15)
            .then(|| signed.parse::<f64>().ok().map(V::Real))
            .flatten()
    };
    match e {
        Expr::Value(v) => match &v.value {
            L::Null => Some(V::Null),
            L::Number(n, _) => number(n, false),
            L::SingleQuotedString(t) | L::DoubleQuotedString(t) if !t.contains('\0') => {
                Some(V::Text(t.clone()))
            }
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match &**expr {
            Expr::Value(v) => match &v.value {
                L::Number(n, _) => number(n, true),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// A multi-row VALUES list of plain literals, cell by cell; None when any value needs the
/// translation (an expression, DEFAULT) or a row's length is not the target list's.
fn bound_rows(rows: &[Vec<Expr>], targets: &[&Column]) -> Option<Vec<Vec<BoundCell>>> {
    rows.iter()
        .map(|row| {
            if row.len() != targets.len() {
                return None;
            }
            row.iter()
                .zip(targets)
                .map(|(e, c)| {
                    if c.auto_increment && generates(e) {
                        Some(BoundCell::Generated)
                    } else {
                        bound_literal(e).map(BoundCell::Assigned)
                    }
                })
                .collect()
        })
        .collect()
}

impl Session {
    /// The store mode of a statement: IGNORE, or a non-strict sql_mode, turns value errors
    /// into warnings; NULL into a NOT NULL column is then the implicit default for IGNORE, and
    /// outside strict mode for statements of `many_rows` (MySQL refuses it in a single-row
    /// INSERT).
    fn store_mode(&self, ignore: bool, many_rows: bool) -> StoreMode {
        let strict = self.strict_mode();
        StoreMode {
            lenient: ignore || !strict,
            null_default: ignore || (!strict && many_rows),
            division_by_zero_null: !self.sql_mode_has("ERROR_FOR_DIVISION_BY_ZERO"),
        }
    }

    /// Marks the next `rows` AUTO_INCREMENT values of `table` (counter `name`) as handed out.
    fn burn_auto_increments(&self, table: &Table, name: &str, epoch: u64, rows: i64) {
        let Some(col) = table.rowid_column() else {
            return;
        };
        let high = self.conn().query_row(
            &format!(
                "SELECT max(coalesce((SELECT seq FROM {} WHERE name = ?1), 0), \
                 coalesce((SELECT max({}) FROM {}), 0))",
                table.sequence_table(),
                quote_ident(&col.name),
                quote_ident(name),
            ),
            [name],
            |r| r.get::<_, i64>(0),
        );
        if let Ok(high) = high {
            let marked = self.config.auto_increments.get(epoch, name).unwrap_or(0);
            self.config
                .auto_increments
                .note(epoch, name, high.max(marked) + rows);
        }
    }

    /// The last AUTO_INCREMENT value `table` (counter `name`) handed out: SQLite's counter, or
    /// the highest id when it has none yet.
    fn sequence_value(&self, table: &Table, name: &str) -> Result<i64, SqlError> {
        let Some(col) = table.rowid_column() else {
            return Ok(0);
        };
        self.conn()
            .query_row(
                &format!(
                    "SELECT coalesce((SELECT seq FROM {} WHERE name = ?1), \
                     (SELECT max({}) FROM {}), 0)",
                    table.sequence_table(),
                    quote_ident(&col.name),
                    quote_ident(name),
                ),
                [name],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| self.sqlite_error(e))
    }

    /// Sets SQLite's AUTO_INCREMENT counter of `table` (counter `name`) to `value`.
    fn set_sequence(&self, table: &Table, name: &str, value: i64) -> Result<(), SqlError> {
        self.conn()
            .execute(
                &format!(
                    "UPDATE {} SET seq = ?2 WHERE name = ?1",
                    table.sequence_table()
                ),
                rusqlite::params![name, value],
            )
            .map(|_| ())
            .map_err(|e| self.sqlite_error(e))
    }

    /// Rewrites one expression of a statement for SQLite.
    pub(crate) fn expr_sql(&mut self, mut e: Expr, text: &str) -> Result<String, SqlError> {
        let error = {
            let mut rw = Rewrite::new(self, text);
            let _: ControlFlow<()> = e.visit(&mut rw);
            rw.error
        };
        match error {
            Some(err) => Err(err),
            None => Ok(e.to_string()),
        }
    }

    /// A single-table UPDATE's or DELETE's WHERE rewritten for SQLite, knowing the types of
    /// the table's columns (a VARCHAR compared with a number compares as doubles; in strict
    /// mode, unless `strict` is false for IGNORE, a string that is not all number is 1292).
    fn condition_sql(
        &mut self,
        mut e: Expr,
        text: &str,
        table: &Table,
        qualifier: &str,
        strict: bool,
    ) -> Result<String, SqlError> {
        let (columns, meta) = crate::query::table_columns(table, qualifier);
        let strict = strict && self.strict_mode();
        let error = {
            let mut rw = Rewrite::new(self, text);
            rw.columns = columns;
            rw.meta = meta;
            rw.strict_doubles = strict;
            let _: ControlFlow<()> = e.visit(&mut rw);
            rw.error
        };
        match error {
            Some(err) => Err(err),
            None => Ok(e.to_string()),
        }
    }

    fn table_of(
        &mut self,
        name: &ObjectName,
    ) -> Result<(String, String, std::sync::Arc<Table>), SqlError> {
        let (db, t) = crate::translate::resolve(self.database.as_deref(), name)?;
        if crate::catalog::is_system(&db) {
            // information_schema, mysql, performance_schema, sys: not the user's to write.
            return Err(SqlError::access_denied(&self.config.user, &db));
        }
        let def = self.base_table(&db, &t)?;
        self.check_table_lock(&db, &t)?;
        Ok((db, t, def))
    }

    pub(crate) fn insert(&mut self, insert: Insert, text: &str) -> Result<Outcome, SqlError> {
        if let Some(done) = self.insert_view(&insert, text)? {
            return Ok(done);
        }
        let TableObject::TableName(name) = &insert.table else {
            return Err(SqlError::not_supported("INSERT INTO a table function"));
        };
        let (db, t, table) = self.table_of(name)?;
        let sqlite_table = table_ident(&db, &t).to_string();
        // The target columns, in the order values are given.
        let mut targets: Vec<&Column> = Vec::new();
        let mut rows: Vec<Vec<Expr>> = Vec::new();
        let mut source_query = None;
        if !insert.assignments.is_empty() {
            // INSERT ... SET a = 1, b = 2
            let mut row = Vec::new();
            for a in &insert.assignments {
                let n = target_name(&a.target);
                targets.push(find_column(&table, &n)?);
                row.push(a.value.clone());
            }
            rows.push(row);
        } else {
            if insert.columns.is_empty() {
                targets = table
                    .columns
                    .iter()
                    .filter(|c| c.generated.is_none())
                    .collect();
            } else {
                for c in &insert.columns {
                    targets.push(find_column(&table, &column_name(c))?);
                }
            }
            match insert.source.as_deref() {
                Some(q) => match q.body.as_ref() {
                    SetExpr::Values(v)
                        if insert.columns.is_empty()
                            && v.rows.iter().all(|r| r.content.is_empty()) =>
                    {
                        // INSERT INTO t () VALUES (), (): every column its default.
                        rows = v.rows.iter().map(|_| Vec::new()).collect();
                        targets.clear();
                    }
                    SetExpr::Values(v) if q.with.is_none() && q.order_by.is_none() => {
                        rows = v.rows.iter().map(|r| r.content.clone()).collect();
                    }
                    _ => source_query = Some(q.clone()),
                },
                None => {
                    // INSERT INTO t () VALUES (): every column its default.
                    rows.push(Vec::new());
                    targets.clear();
                }
            }
        }
        // A generated column given DEFAULT is left to SQLite to compute; any other value
        // for it is 3105.
        let mut at = 0;
        while at < targets.len() {
            if targets[at].generated.is_none() {
                at += 1;
                continue;
            }
            let valued = source_query.is_some()
                || rows
                    .iter()
                    .any(|r| r.get(at).is_some_and(|e| !is_default(e)));
            if valued {
                return Err(generated_value(targets[at], &table));
            }
            targets.remove(at);
            for r in &mut rows {
                if at < r.len() {
                    r.remove(at);
                }
            }
        }
        let mut generated = false;
        let auto = table.columns.iter().find(|c| c.auto_increment);
        if let Some(a) = auto {
            if !targets.iter().any(|c| c.name == a.name) {
                generated = true;
            }
        }
        let columns_sql: Vec<String> = targets.iter().map(|c| quote_ident(&c.name)).collect();
        let default_rows = if targets.is_empty() {
            rows.len().max(1)
        } else {
            1
        };
        let mut row_values: Vec<Vec<String>> = Vec::new();
        let mode = self.store_mode(insert.ignore, rows.len() > 1 || source_query.is_some());
        // A plain multi-row INSERT of literals: one prepared row, bound once per row, instead
        // of a statement as long as the client's (SQLite's parse of it cost more than the rows).
        // REPLACE, ON DUPLICATE KEY UPDATE and IGNORE keep going row by row as SQL (below).
        let bulk = (source_query.is_none()
            && insert.on.is_none()
            && !insert.replace_into
            && !insert.ignore
            && !targets.is_empty()
            && rows.len() > 1)
            .then(|| bound_rows(&rows, &targets))
            .flatten();
        let body = if let Some(q) = source_query {
            let (select, _) = self.translate_query(q, text)?;
            let names: Vec<String> = (0..targets.len()).map(|i| format!("c{i}")).collect();
            let values: Vec<String> = targets
                .iter()
                .zip(&names)
                .map(|(c, n)| {
                    if c.auto_increment {
                        generated = true;
                        format!("nullif({}, 0)", assign(n, c, 1, mode))
                    } else {
                        assign(n, c, 1, mode)
                    }
                })
                .collect();
            format!(
                "WITH rewind_source({}) AS ({select}) SELECT {} FROM rewind_source WHERE true",
                names.join(", "),
                values.join(", ")
            )
        } else if let Some(cells) = bulk.as_ref() {
            // Bound row by row below: the rows' values never go through SQL text.
            generated |= cells
                .iter()
                .any(|r| r.iter().any(|c| matches!(c, BoundCell::Generated)));
            String::new()
        } else {
            let mut out = Vec::with_capacity(rows.len());
            for (i, row) in rows.into_iter().enumerate() {
                if row.len() != targets.len() {
                    return Err(SqlError::new(
                        1136,
                        "21S01",
                        format!("Column count doesn't match value count at row {}", i + 1),
                    ));
                }
                let mut values = Vec::with_capacity(row.len());
                for (e, c) in row.into_iter().zip(&targets) {
                    if c.auto_increment && generates(&e) {
                        generated = true;
                        values.push("NULL".to_owned());
                    } else if is_default(&e) {
                        values.push(self.default_sql(c)?);
                    } else {
                        let v = self.expr_sql(e, text)?;
                        values.push(assign(&v, c, i + 1, mode));
                    }
                }
                out.push(format!("({})", values.join(", ")));
                row_values.push(values);
            }
            if targets.is_empty() {
                "DEFAULT VALUES".to_owned()
            } else {
                format!("VALUES {}", out.join(", "))
            }
        };
        let verb = if insert.replace_into {
            "REPLACE"
        } else if insert.ignore {
            "INSERT OR IGNORE"
        } else {
            "INSERT"
        };
        let mut sql = if targets.is_empty() {
            format!("{verb} INTO {sqlite_table} {body}")
        } else {
            format!(
                "{verb} INTO {sqlite_table} ({}) {body}",
                columns_sql.join(", ")
            )
        };
        let mut upsert = false;
        if let Some(OnInsert::DuplicateKeyUpdate(assignments)) = &insert.on {
            upsert = true;
            let mut sets = Vec::new();
            let mut changes = Vec::new();
            for a in assignments {
                let n = target_name(&a.target);
                let c = find_column(&table, &n)?;
                let v = self.excluded(a, &insert, &t, text)?;
                let value = assign(&v, c, 1, mode);
                changes.push(format!(
                    "{} COLLATE BINARY IS NOT ({value})",
                    quote_ident(&c.name)
                ));
                sets.push(format!("{} = {value}", quote_ident(&c.name)));
            }
            for (c, _) in table.on_update_columns() {
                if !sets
                    .iter()
                    .any(|s| s.starts_with(&format!("{} =", quote_ident(c))))
                {
                    sets.push(format!("{} = now()", quote_ident(c)));
                }
            }
            // A row the update would leave as it is, is not updated (MySQL counts it 0).
            sql.push_str(&format!(
                " ON CONFLICT DO UPDATE SET {} WHERE {}",
                sets.join(", "),
                changes.join(" OR ")
            ));
        } else if let Some(OnInsert::OnConflict(c)) = &insert.on {
            if matches!(c.action, OnConflictAction::DoNothing) {
                sql.push_str(" ON CONFLICT DO NOTHING");
            }
        }
        let counter = (generated && table.rowid_column().is_some_and(|c| c.auto_increment))
            .then(|| crate::schema::sqlite_table_name(&table.schema, &table.name));
        let epoch = self.storage.epoch();
        if let Some(name) = &counter {
            if let Some(high) = self.config.auto_increments.get(epoch, name) {
                // Values that rolled-back inserts took stay taken.
                // Cached: the text depends on the table only, and this runs at every INSERT
                // once a value was burnt.
                self.conn()
                    .prepare_cached(&format!(
                        "INSERT INTO {seq} (name, seq) SELECT ?1, ?2 WHERE NOT EXISTS \
                         (SELECT 1 FROM {seq} WHERE name = ?1)",
                        seq = table.sequence_table()
                    ))
                    .and_then(|mut s| s.execute(rusqlite::params![name, high]))
                    .and_then(|_| {
                        self.conn()
                            .prepare_cached(&format!(
                                "UPDATE {} SET seq = max(seq, ?2) WHERE name = ?1",
                                table.sequence_table()
                            ))
                            .and_then(|mut s| s.execute(rusqlite::params![name, high]))
                    })
                    .map_err(|e| self.sqlite_error(e))?;
            }
        }
        // MySQL counts a replaced row twice (deleted, inserted) and an upsert's update twice.
        let mut replaced =
            if insert.replace_into || matches!(insert.on, Some(OnInsert::DuplicateKeyUpdate(_))) {
                self.replaced_rows(&table, &targets, &row_values)
            } else {
                0
            };
        let mut changed = 0;
        // REPLACE and ON DUPLICATE KEY UPDATE of several rows go row by row, as MySQL's
        // do: a later row meets what an earlier one wrote, and each is counted as it went.
        // So does INSERT IGNORE of several rows with generated ids: MySQL reserves one value
        // per row and hands a skipped row's value to the next row (SQLite would burn it).
        let reserving = match &counter {
            Some(name)
                if insert.ignore && !upsert && !insert.replace_into && row_values.len() > 1 =>
            {
                Some((name, self.sequence_value(&table, name)?))
            }
            _ => None,
        };
        let per_row =
            (upsert || insert.replace_into || reserving.is_some()) && row_values.len() > 1;
        let mut per_row_affected = None;
        let mut first_inserted = None;
        if per_row {
            let rows_sql = |rows: &[Vec<String>]| {
                let list: Vec<String> =
                    rows.iter().map(|r| format!("({})", r.join(", "))).collect();
                format!("VALUES {}", list.join(", "))
            };
            let all = rows_sql(&row_values);
            let (mut affected, mut met_rows, mut deleted) = (0u64, 0u64, 0u64);
            for row in &row_values {
                let one = sql.replacen(&all, &rows_sql(std::slice::from_ref(row)), 1);
                let met = if reserving.is_some() {
                    0
                } else {
                    self.replaced_rows(&table, &targets, std::slice::from_ref(row))
                };
                let before = match reserving {
                    Some((name, _)) => Some(self.sequence_value(&table, name)?),
                    None => None,
                };
                let n = match self.conn().execute(&one, []) {
                    Ok(n) => n as u64,
                    Err(e) => return Err(self.insert_error(e, &table, &targets, &row_values)),
                };
                if let (Some((name, _)), Some(before), 0) = (reserving, before, n) {
                    self.set_sequence(&table, name, before)?;
                }
                changed += n as usize;
                if met > 0 {
                    met_rows += 1;
                    deleted += met;
                }
                let inserted_now = n > 0 && (met == 0 || insert.replace_into);
                if inserted_now && first_inserted.is_none() {
                    first_inserted = Some(self.conn().last_insert_rowid());
                }
                affected += match (met > 0, upsert) {
                    (false, _) => n,
                    (true, true) => 2 * n,
                    (true, false) => n + met,
                };
            }
            replaced = if upsert { met_rows } else { deleted };
            per_row_affected = Some(affected);
            if let Some((name, start)) = reserving {
                // Every reserved value is used up, skipped rows' too.
                let reserved = start + row_values.len() as i64;
                if self.sequence_value(&table, name)? < reserved {
                    self.set_sequence(&table, name, reserved)?;
                }
                self.config.auto_increments.note(epoch, name, reserved);
            }
        } else if let Some(cells) = &bulk {
            changed = match self.insert_bound(verb, &sqlite_table, &targets, cells, mode) {
                Ok((n, first)) => {
                    first_inserted = first;
                    n
                }
                Err(e) => {
                    if let (Some(name), true) = (&counter, writing_failure(&e)) {
                        self.burn_auto_increments(&table, name, epoch, cells.len() as i64);
                    }
                    // The rows as SQL, for the error's duplicate value.
                    let row_values = bound_sql(cells, &targets, mode);
                    return Err(self.insert_error(e, &table, &targets, &row_values));
                }
            };
        } else {
            for _ in 0..default_rows {
                changed += match self.conn().execute(&sql, []) {
                    Ok(n) => n,
                    Err(e) => {
                        if let (Some(name), true) = (&counter, writing_failure(&e)) {
                            // InnoDB hands out a simple INSERT's values before it writes a
                            // row: one failing there (a duplicate key, a foreign key) leaves
                            // them used; a value refused before (NULL, too long) does not.
                            let rows = row_values.len().max(1) as i64;
                            self.burn_auto_increments(&table, name, epoch, rows);
                        }
                        return Err(self.insert_error(e, &table, &targets, &row_values));
                    }
                };
            }
        }
        let mut ok = OkPacket {
            affected_rows: changed as u64,
            matched_rows: changed as u64,
            ..OkPacket::default()
        };
        if let (Some(name), true) = (&counter, changed > 0) {
            let last = self.conn().last_insert_rowid();
            self.config.auto_increments.note(epoch, name, last);
        }
        if let Some(affected) = per_row_affected {
            ok.affected_rows = affected;
        } else if upsert && !row_values.is_empty() {
            // Rows that met a key were updated (counted twice when changed) or left alone.
            let inserted = (row_values.len() as u64).saturating_sub(replaced);
            let updated = (changed as u64).saturating_sub(inserted);
            ok.affected_rows = inserted + 2 * updated;
        } else {
            ok.affected_rows += replaced;
        }
        if auto.is_some() && changed > 0 {
            let last = self.conn().last_insert_rowid();
            let first = match first_inserted {
                Some(id) if generated => id.max(1) as u64,
                _ if generated => (last - changed as i64 + 1).max(1) as u64,
                _ => last as u64,
            };
            ok.last_insert_id = first;
            if generated {
                self.last_insert_id = first;
            }
        }
        self.row_count = changed as i64;
        // Records: the rows given; Duplicates: those that met a key (skipped, updated or
        // replacing); INSERT IGNORE warns once per skipped row (1062), as MySQL 8 does.
        let records = if let Some(cells) = &bulk {
            cells.len() as u64
        } else if !row_values.is_empty() {
            row_values.len() as u64
        } else if targets.is_empty() {
            default_rows as u64
        } else {
            changed as u64
        };
        let duplicates = if upsert || insert.replace_into {
            replaced.min(records)
        } else if insert.ignore {
            records.saturating_sub(changed as u64)
        } else {
            0
        };
        let duplicate_warnings = if insert.ignore && !upsert {
            duplicates
        } else {
            0
        };
        let warnings = duplicate_warnings + self.take_value_warnings() as u64;
        ok.warnings = u16::try_from(warnings).unwrap_or(u16::MAX);
        if records > 1 {
            ok.info = format!("Records: {records}  Duplicates: {duplicates}  Warnings: {warnings}");
        }
        Ok(Outcome::Ok(ok))
    }

    /// Inserts `cells` row by row through one prepared statement whose values are bound
    /// parameters (the row number too, for mysql_assign's messages); the rows changed and
    /// the first key SQLite generated (MySQL's LAST_INSERT_ID(), even when a later row gives
    /// its own).
    /// A failing row takes the statement's earlier rows with it before the error is worded
    /// (as one SQLite statement's would be).
    fn insert_bound(
        &self,
        verb: &str,
        sqlite_table: &str,
        targets: &[&Column],
        cells: &[Vec<BoundCell>],
        mode: StoreMode,
    ) -> rusqlite::Result<(usize, Option<i64>)> {
        self.conn()
            .prepare_cached("SAVEPOINT rewind_rows")?
            .execute([])?;
        let done = self.insert_bound_rows(verb, sqlite_table, targets, cells, mode);
        if done.is_ok() {
            self.conn()
                .prepare_cached("RELEASE rewind_rows")?
                .execute([])?;
        } else {
            self.conn()
                .execute_batch("ROLLBACK TO rewind_rows; RELEASE rewind_rows")?;
        }
        done
    }

    fn insert_bound_rows(
        &self,
        verb: &str,
        sqlite_table: &str,
        targets: &[&Column],
        cells: &[Vec<BoundCell>],
        mode: StoreMode,
    ) -> rusqlite::Result<(usize, Option<i64>)> {
        let mut first = None;
        // Each literal is converted here, as `mysql_assign` would convert it in the statement,
        // and bound as stored: no SQL function call per cell.
        let specs: Vec<(String, i64)> = targets
            .iter()
            .map(|c| (c.ty.assign_spec(), assign_bits(c, mode)))
            .collect();
        let columns: Vec<String> = targets.iter().map(|c| quote_ident(&c.name)).collect();
        let values: Vec<String> = (1..=targets.len()).map(|at| format!("?{at}")).collect();
        // Cached: the text holds placeholders only, so the next INSERT of this shape reuses it.
        let mut stmt = self.conn().prepare_cached(&format!(
            "{verb} INTO {sqlite_table} ({}) VALUES ({})",
            columns.join(", "),
            values.join(", ")
        ))?;
        let mut changed = 0;
        for (i, row) in cells.iter().enumerate() {
            let generates_key = row.iter().any(|c| matches!(c, BoundCell::Generated));
            for (at, (cell, (c, (spec, bits)))) in
                row.iter().zip(targets.iter().zip(&specs)).enumerate()
            {
                match cell {
                    BoundCell::Assigned(v) => {
                        let stored =
                            mysql_functions::assign_value(v, spec, &c.name, (i + 1) as i64, *bits)
                                .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
                        stmt.raw_bind_parameter(at + 1, stored)?
                    }
                    BoundCell::Generated => {
                        stmt.raw_bind_parameter(at + 1, rusqlite::types::Null)?
                    }
                }
            }
            let n = stmt.raw_execute()?;
            if n > 0 && first.is_none() && generates_key {
                first = Some(self.conn().last_insert_rowid());
            }
            changed += n;
        }
        Ok((changed, first))
    }

    /// A failed INSERT's error as MySQL words it: a NOT NULL column the statement left out
    /// has no default (strict mode's 1364, not a NULL given); a duplicate names its value.
    fn insert_error(
        &self,
        e: rusqlite::Error,
        table: &Table,
        targets: &[&Column],
        row_values: &[Vec<String>],
    ) -> SqlError {
        let mut err = self.dml_error(e, table);
        if err.code == 1048 {
            let column = err.message.split('\'').nth(1).unwrap_or("").to_owned();
            if !targets.iter().any(|c| c.name.eq_ignore_ascii_case(&column)) {
                err = SqlError::new(
                    1364,
                    "HY000",
                    format!("Field '{column}' doesn't have a default value"),
                );
            }
        }
        let names: Vec<String> = targets.iter().map(|c| c.name.clone()).collect();
        self.with_duplicate(err, table, &names, row_values)
    }

    /// An ON DUPLICATE KEY UPDATE value: `VALUES(c)` and the row alias read the row that
    /// was to be inserted, which SQLite calls `excluded`.
    fn excluded(
        &mut self,
        a: &Assignment,
        insert: &Insert,
        table_name: &str,
        text: &str,
    ) -> Result<String, SqlError> {
        let alias = insert
            .insert_alias
            .as_ref()
            .map(|a| a.row_alias.to_string().to_ascii_lowercase());
        // `AS r (a, b, c)`: the row alias's own names for the target columns, in order.
        let col_aliases: Vec<String> = insert
            .insert_alias
            .as_ref()
            .and_then(|a| a.col_aliases.as_ref())
            .map(|l| l.iter().map(|i| i.value.to_ascii_lowercase()).collect())
            .unwrap_or_default();
        let targets: Vec<String> = insert.columns.iter().map(column_name).collect();
        let mut e = a.value.clone();
        let _: ControlFlow<()> = sqlparser::ast::visit_expressions_mut(&mut e, |x| {
            match x {
                Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("values") => {
                    if let sqlparser::ast::FunctionArguments::List(l) = &f.args {
                        if let Some(sqlparser::ast::FunctionArg::Unnamed(
                            sqlparser::ast::FunctionArgExpr::Expr(inner),
                        )) = l.args.first()
                        {
                            let col = match inner {
                                Expr::Identifier(i) => i.value.clone(),
                                Expr::CompoundIdentifier(p) => {
                                    p.last().map(|i| i.value.clone()).unwrap_or_default()
                                }
                                _ => String::new(),
                            };
                            *x = Expr::CompoundIdentifier(vec![
                                Ident::new("excluded"),
                                Ident::with_quote('"', col),
                            ]);
                        }
                    }
                }
                Expr::CompoundIdentifier(p)
                    if p.len() == 2
                        && alias.as_deref() == Some(&p[0].value.to_ascii_lowercase()) =>
                {
                    p[0] = Ident::new("excluded");
                    let named = p[1].value.to_ascii_lowercase();
                    if let Some(target) = col_aliases
                        .iter()
                        .position(|c| *c == named)
                        .and_then(|at| targets.get(at))
                    {
                        p[1] = Ident::with_quote('"', target.clone());
                    }
                }
                Expr::CompoundIdentifier(p)
                    if p.len() >= 2 && p[p.len() - 2].value.eq_ignore_ascii_case(table_name) =>
                {
                    // `t.col`: the existing row, which SQLite's DO UPDATE names bare.
                    let col = p[p.len() - 1].clone();
                    *x = Expr::Identifier(col);
                }
                _ => {}
            }
            ControlFlow::<()>::Continue(())
        });
        self.expr_sql(e, text)
    }

    /// The SQL of a column's default, for `DEFAULT` in a VALUES row.
    fn default_sql(&self, c: &Column) -> Result<String, SqlError> {
        use crate::schema::ColumnDefault;
        Ok(match &c.default {
            None | Some(ColumnDefault::Null) => {
                if c.nullable || c.auto_increment {
                    "NULL".to_owned()
                } else {
                    return Err(SqlError::new(
                        1364,
                        "HY000",
                        format!("Field '{}' doesn't have a default value", c.name),
                    ));
                }
            }
            Some(ColumnDefault::Literal(l)) => l.clone(),
            Some(ColumnDefault::CurrentTimestamp(_)) => "now()".to_owned(),
            Some(ColumnDefault::Expression(e)) => format!("({e})"),
        })
    }

    /// How many existing rows a REPLACE's rows collide with on a unique key (MySQL counts
    /// them as affected: deleted, then inserted again).
    fn replaced_rows(&self, table: &Table, targets: &[&Column], rows: &[Vec<String>]) -> u64 {
        let sqlite_table = table_ident(&table.schema, &table.name);
        let mut total = 0;
        for row in rows {
            let mut keys = Vec::new();
            for index in table.indexes.iter().filter(|i| i.is_unique()) {
                let conds: Option<Vec<String>> = index
                    .parts
                    .iter()
                    .map(|p| {
                        let at = targets
                            .iter()
                            .position(|t| t.name.eq_ignore_ascii_case(&p.column))?;
                        Some(format!("{} = ({})", quote_ident(&p.column), row[at]))
                    })
                    .collect();
                if let Some(c) = conds {
                    keys.push(format!("({})", c.join(" AND ")));
                }
            }
            if keys.is_empty() {
                continue;
            }
            total += self
                .conn()
                .query_row(
                    &format!(
                        "SELECT count(*) FROM {sqlite_table} WHERE {}",
                        keys.join(" OR ")
                    ),
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap_or(0) as u64;
        }
        total
    }

    /// MySQL names the duplicate value in 1062: found by trying each row's values for the
    /// key's columns against the table.
    fn with_duplicate(
        &self,
        err: SqlError,
        table: &Table,
        targets: &[String],
        rows: &[Vec<String>],
    ) -> SqlError {
        if err.code != 1062 {
            return err;
        }
        let Some(key) = err.message.split("for key '").nth(1) else {
            return err;
        };
        let key_name = key
            .trim_end_matches('\'')
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_owned();
        let Some(index) = table.indexes.iter().find(|i| {
            i.name == key_name
                || (key_name == "PRIMARY" && i.kind == crate::schema::IndexKind::Primary)
        }) else {
            return err;
        };
        let sqlite_table = table_ident(&table.schema, &table.name);
        for row in rows {
            let mut exprs = Vec::new();
            let mut conds = Vec::new();
            for part in &index.parts {
                let Some(at) = targets
                    .iter()
                    .position(|t| t.eq_ignore_ascii_case(&part.column))
                else {
                    return err;
                };
                exprs.push(row[at].clone());
                conds.push(format!("{} = ({})", quote_ident(&part.column), row[at]));
            }
            let found: i64 = self
                .conn()
                .query_row(
                    &format!(
                        "SELECT count(*) FROM {sqlite_table} WHERE {}",
                        conds.join(" AND ")
                    ),
                    [],
                    |r| r.get(0),
                )
                .unwrap_or(0);
            if found == 0 {
                continue;
            }
            let values: Option<Vec<String>> = self
                .conn()
                .query_row(&format!("SELECT {}", exprs.join(", ")), [], |r| {
                    (0..exprs.len())
                        .map(|i| {
                            r.get::<_, rusqlite::types::Value>(i).map(|v| match v {
                                rusqlite::types::Value::Null => "NULL".to_owned(),
                                rusqlite::types::Value::Integer(n) => n.to_string(),
                                rusqlite::types::Value::Real(f) => f.to_string(),
                                rusqlite::types::Value::Text(t) => t,
                                rusqlite::types::Value::Blob(b) => {
                                    String::from_utf8_lossy(&b).into_owned()
                                }
                            })
                        })
                        .collect()
                })
                .ok();
            if let Some(values) = values {
                return SqlError::new(
                    1062,
                    "23000",
                    format!(
                        "Duplicate entry '{}' for key '{}.{}'",
                        values.join("-"),
                        table.name,
                        index.name
                    ),
                );
            }
        }
        err
    }

    /// A failed write's error, worded as MySQL words it for `table`.
    fn dml_error(&self, e: rusqlite::Error, table: &Table) -> SqlError {
        let mut err = self.sqlite_error(e);
        if err.code == 1062 {
            let key = err
                .message
                .split_once("for key '")
                .map(|(_, k)| k.trim_end_matches('\''))
                .unwrap_or_default()
                .to_owned();
            // SQLite names the columns: "db.t.a, db.t.b"; MySQL names the index.
            let cols: Vec<String> = key
                .split(", ")
                .map(|c| c.rsplit('.').next().unwrap_or(c).to_owned())
                .collect();
            let name = table
                .indexes
                .iter()
                .find(|i| {
                    i.parts.len() == cols.len()
                        && i.parts
                            .iter()
                            .zip(&cols)
                            .all(|(p, c)| p.column.eq_ignore_ascii_case(c))
                })
                .map_or_else(|| "PRIMARY".to_owned(), |i| i.name.clone());
            err = SqlError::new(
                1062,
                "23000",
                format!("Duplicate entry for key '{}.{}'", table.name, name),
            );
        } else if err.code == 1452 && table.foreign_keys.is_empty() {
            // The table references nothing: the rows it changed are some child's parents.
            err = parent_row(err);
        } else if err.code == 1048 {
            // SQLite's NOT NULL failure for a column the statement did not name: MySQL says
            // it has no default.
        }
        err
    }

    pub(crate) fn update(&mut self, update: Update, text: &str) -> Result<Outcome, SqlError> {
        if let Some(done) = self.update_view(&update, text)? {
            return Ok(done);
        }
        let TableWithJoins { relation, joins } = &update.table;
        let TableFactor::Table { name, alias, .. } = relation else {
            return Err(SqlError::not_supported("UPDATE of a derived table"));
        };
        let (db, t, table) = self.table_of(name)?;
        if joins.is_empty() {
            let mut read: Vec<&Expr> = update.assignments.iter().map(|a| &a.value).collect();
            read.extend(update.selection.as_ref());
            check_subqueries_skip_target(
                self.database.as_deref(),
                &(db.clone(), t.clone()),
                &read,
            )?;
        }
        let alias_name = alias
            .as_ref()
            .map_or_else(|| t.clone(), |a| a.name.value.clone());
        let mut sets = Vec::new();
        let mut assigned = Vec::new();
        let mut assignments_sql: Vec<(String, String)> = Vec::new();
        let mut changed_terms = Vec::new();
        let ignore = matches!(update.or, Some(sqlparser::ast::SqliteOnConflict::Ignore));
        let mode = self.store_mode(ignore, true);
        for a in &update.assignments {
            if let AssignmentTarget::ColumnName(n) = &a.target {
                if n.0.len() > 1 {
                    let q = match &n.0[n.0.len() - 2] {
                        ObjectNamePart::Identifier(i) => i.value.clone(),
                        other => other.to_string(),
                    };
                    if !q.eq_ignore_ascii_case(&alias_name) && !q.eq_ignore_ascii_case(&t) {
                        return Err(SqlError::not_supported(
                            "a multiple-table UPDATE that sets columns of more than one table",
                        ));
                    }
                }
            }
            let n = target_name(&a.target);
            let c = find_column(&table, &n)?;
            if c.generated.is_some() {
                if is_default(&a.value) {
                    continue;
                }
                return Err(generated_value(c, &table));
            }
            let v = self.expr_sql(a.value.clone(), text)?;
            let value = assign(&v, c, 1, mode);
            // Qualified: in a multiple-table UPDATE other tables have columns of that name.
            changed_terms.push(format!(
                "{}.{} COLLATE BINARY IS NOT ({value})",
                quote_ident(&alias_name),
                quote_ident(&c.name)
            ));
            sets.push(format!("{} = {value}", quote_ident(&c.name)));
            assigned.push(c.name.clone());
            assignments_sql.push((c.name.clone(), value));
        }
        for c in &table.columns {
            if c.on_update_now.is_some() && !assigned.contains(&c.name) {
                sets.push(format!("{} = now()", quote_ident(&c.name)));
            }
        }
        let changed = if changed_terms.is_empty() {
            "0".to_owned()
        } else {
            changed_terms.join(" OR ")
        };
        let mut from = String::new();
        let mut conditions = Vec::new();
        if !joins.is_empty() || update.from.is_some() {
            // UPDATE a JOIN b ON ... SET ...: SQLite's UPDATE ... FROM, the join conditions in
            // WHERE (an inner join; what MySQL means in practice).
            let mut parts = Vec::new();
            for j in joins {
                let mut rel = j.relation.clone();
                let rel_sql = self.relation_sql(&mut rel, text)?;
                parts.push(rel_sql);
                if let Some(on) = join_condition(&j.join_operator) {
                    conditions.push(format!("({})", self.expr_sql(on, text)?));
                }
            }
            if let Some(
                sqlparser::ast::UpdateTableFromKind::AfterSet(tables)
                | sqlparser::ast::UpdateTableFromKind::BeforeSet(tables),
            ) = &update.from
            {
                for twj in tables {
                    let mut rel = twj.relation.clone();
                    parts.push(self.relation_sql(&mut rel, text)?);
                }
            }
            from = format!(" FROM {}", parts.join(", "));
        }
        if let Some(w) = &update.selection {
            let w = if from.is_empty() {
                self.condition_sql(w.clone(), text, &table, &alias_name, !ignore)?
            } else {
                self.expr_sql(w.clone(), text)?
            };
            conditions.push(format!("({w})"));
        }
        let sqlite_table = table_ident(&db, &t).to_string();
        let target = format!("{sqlite_table} AS {}", quote_ident(&alias_name));
        if !update.order_by.is_empty() || update.limit.is_some() {
            let key = self.row_key(&table);
            let mut sub = format!(
                "SELECT {key} FROM {target}{joined}",
                joined = from.replacen(" FROM ", ", ", 1),
                key = key
                    .iter()
                    .map(|k| format!("{}.{k}", quote_ident(&alias_name)))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if !conditions.is_empty() {
                sub.push_str(&format!(" WHERE {}", conditions.join(" AND ")));
            }
            sub.push_str(&self.order_limit(&update.order_by, update.limit.as_ref(), text)?);
            conditions = vec![format!("({}) IN ({sub})", key.join(", "))];
            from.clear();
        }
        let where_all = if conditions.is_empty() {
            "1".to_owned()
        } else {
            conditions.join(" AND ")
        };
        let unchanged: i64 = self
            .conn()
            .query_row(
                &format!(
                    "SELECT count(*) FROM {target}{joined} WHERE ({where_all}) AND NOT ({changed})",
                    // The joined tables come after the target in a SELECT's one FROM.
                    joined = from.replacen(" FROM ", ", ", 1)
                ),
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.dml_error(e, &table))?;
        // IGNORE: a row whose new key is taken is left as it was (MySQL's warning 1062).
        let verb = if ignore { "UPDATE OR IGNORE" } else { "UPDATE" };
        let sql = format!(
            "{verb} {target} SET {}{from} WHERE ({where_all}) AND ({changed})",
            sets.join(", ")
        );
        let n = match self.conn().execute(&sql, []) {
            Ok(n) => n as u64,
            Err(e) => {
                let err = self.dml_error(e, &table);
                if err.code != 1062 {
                    return Err(err);
                }
                // The rows' new key values, to name the duplicate.
                let names: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
                let news: Vec<String> = table
                    .columns
                    .iter()
                    .map(|c| {
                        assignments_sql
                            .iter()
                            .find(|(n, _)| n == &c.name)
                            .map_or_else(|| quote_ident(&c.name), |(_, v)| v.clone())
                    })
                    .collect();
                let candidates: Vec<Vec<String>> = self
                    .conn()
                    .prepare(&format!(
                        "SELECT {} FROM {target}{from} WHERE ({where_all})",
                        news.join(", ")
                    ))
                    .and_then(|mut st| {
                        st.query_map([], |r| {
                            (0..news.len())
                                .map(|i| {
                                    r.get::<_, rusqlite::types::Value>(i)
                                        .map(|v| literal_sql(&v))
                                })
                                .collect()
                        })
                        .and_then(|rows| rows.collect())
                    })
                    .unwrap_or_default();
                return Err(self.with_duplicate(err, &table, &names, &candidates));
            }
        };
        let matched = n + unchanged as u64;
        self.row_count = n as i64;
        let warnings = self.take_value_warnings();
        Ok(Outcome::Ok(OkPacket {
            affected_rows: n,
            matched_rows: matched,
            warnings: u16::try_from(warnings).unwrap_or(u16::MAX),
            info: format!("Rows matched: {matched}  Changed: {n}  Warnings: {warnings}"),
            ..OkPacket::default()
        }))
    }

    /// A FROM item rewritten for SQLite.
    fn relation_sql(&mut self, rel: &mut TableFactor, text: &str) -> Result<String, SqlError> {
        let error = {
            let mut rw = Rewrite::new(self, text);
            let _: ControlFlow<()> = rel.visit(&mut rw);
            rw.error
        };
        match error {
            Some(e) => Err(e),
            None => Ok(rel.to_string()),
        }
    }

    /// The columns that name one row of `table` for SQLite (`rowid`, or the primary key of a
    /// table stored without one).
    fn row_key(&self, table: &Table) -> Vec<String> {
        if table.without_rowid() {
            table
                .primary_key()
                .map(|pk| pk.parts.iter().map(|p| quote_ident(&p.column)).collect())
                .unwrap_or_else(|| vec!["rowid".to_owned()])
        } else {
            vec!["rowid".to_owned()]
        }
    }

    fn order_limit(
        &mut self,
        order_by: &[sqlparser::ast::OrderByExpr],
        limit: Option<&Expr>,
        text: &str,
    ) -> Result<String, SqlError> {
        let mut out = String::new();
        if !order_by.is_empty() {
            let mut parts = Vec::new();
            for o in order_by {
                let mut o = o.clone();
                let error = {
                    let mut rw = Rewrite::new(self, text);
                    let _: ControlFlow<()> = o.visit(&mut rw);
                    rw.error
                };
                if let Some(e) = error {
                    return Err(e);
                }
                parts.push(o.to_string());
            }
            out.push_str(&format!(" ORDER BY {}", parts.join(", ")));
        }
        if let Some(l) = limit {
            out.push_str(&format!(" LIMIT {}", self.expr_sql(l.clone(), text)?));
        }
        Ok(out)
    }

    pub(crate) fn delete(&mut self, delete: Delete, text: &str) -> Result<Outcome, SqlError> {
        if let Some(done) = self.delete_view(&delete, text)? {
            return Ok(done);
        }
        let from = match &delete.from {
            FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f.clone(),
        };
        let single = delete.tables.is_empty()
            && delete.using.is_none()
            && from.len() == 1
            && from[0].joins.is_empty();
        if single {
            let TableFactor::Table { name, alias, .. } = &from[0].relation else {
                return Err(SqlError::not_supported("DELETE from a derived table"));
            };
            let (db, t, table) = self.table_of(name)?;
            check_subqueries_skip_target(
                self.database.as_deref(),
                &(db.clone(), t.clone()),
                &delete.selection.iter().collect::<Vec<_>>(),
            )?;
            let alias_name = alias
                .as_ref()
                .map_or_else(|| t.clone(), |a| a.name.value.clone());
            let target = format!("{} AS {}", table_ident(&db, &t), quote_ident(&alias_name));
            let mut condition = match &delete.selection {
                Some(w) => self.condition_sql(w.clone(), text, &table, &alias_name, true)?,
                None => "1".to_owned(),
            };
            if !delete.order_by.is_empty() || delete.limit.is_some() {
                let key = self.row_key(&table);
                let tail = self.order_limit(&delete.order_by, delete.limit.as_ref(), text)?;
                condition = format!(
                    "({}) IN (SELECT {} FROM {target} WHERE {condition}{tail})",
                    key.join(", "),
                    key.join(", ")
                );
            }
            let n = self
                .conn()
                .execute(&format!("DELETE FROM {target} WHERE {condition}"), [])
                .map_err(|e| parent_row(self.dml_error(e, &table)))? as u64;
            self.row_count = n as i64;
            return Ok(Outcome::Ok(crate::session::ok(n)));
        }
        // DELETE t1[, t2] FROM t1 JOIN t2 ... WHERE ...: the rows to delete are chosen by
        // the join first, then deleted table by table.
        let sources = delete.using.clone().unwrap_or_else(|| from.clone());
        let targets: Vec<ObjectName> = if delete.tables.is_empty() {
            from.iter()
                .filter_map(|t| match &t.relation {
                    TableFactor::Table { name, .. } => Some(name.clone()),
                    _ => None,
                })
                .collect()
        } else {
            delete.tables.clone()
        };
        let mut q = sqlparser::ast::Select {
            select_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
            optimizer_hints: Vec::new(),
            distinct: None,
            select_modifiers: None,
            top: None,
            top_before_distinct: false,
            projection: Vec::new(),
            exclude: None,
            into: None,
            from: sources,
            lateral_views: Vec::new(),
            prewhere: None,
            selection: delete.selection.clone(),
            connect_by: Vec::new(),
            group_by: sqlparser::ast::GroupByExpr::Expressions(Vec::new(), Vec::new()),
            cluster_by: Vec::new(),
            distribute_by: Vec::new(),
            sort_by: Vec::new(),
            having: None,
            named_window: Vec::new(),
            qualify: None,
            window_before_qualify: false,
            value_table_mode: None,
            flavor: sqlparser::ast::SelectFlavor::Standard,
        };
        let mut total = 0;
        let mut chosen_rows = Vec::new();
        for target in targets {
            let alias = column_name(&target);
            let (db, t) = match self.alias_table(&q, &alias) {
                Some(n) => crate::translate::resolve(self.database.as_deref(), &n)?,
                None => crate::translate::resolve(self.database.as_deref(), &target)?,
            };
            let table = self.base_table(&db, &t)?;
            let key = self.row_key(&table);
            q.projection = key
                .iter()
                .map(|k| {
                    sqlparser::ast::SelectItem::UnnamedExpr(Expr::CompoundIdentifier(vec![
                        Ident::with_quote('`', alias.clone()),
                        Ident::new(k.trim_matches('"')),
                    ]))
                })
                .collect();
            let query = sqlparser::ast::Query {
                with: None,
                body: Box::new(SetExpr::Select(Box::new(q.clone()))),
                order_by: None,
                limit_clause: None,
                fetch: None,
                locks: Vec::new(),
                for_clause: None,
                settings: None,
                format_clause: None,
                pipe_operators: Vec::new(),
            };
            let (select, _) = self.translate_query(query, text)?;
            // Every target's rows are chosen before any is deleted: deleting one table's
            // rows first would take rows out of the join that chooses the next table's.
            let chosen = format!("temp.rewind_delete_{}", chosen_rows.len());
            self.exec(&format!("DROP TABLE IF EXISTS {chosen}"))?;
            self.exec(&format!("CREATE TABLE {chosen} AS {select}"))?;
            chosen_rows.push((db, t, table, key, chosen));
        }
        let mut result = Ok(());
        for (db, t, table, key, chosen) in &chosen_rows {
            if result.is_ok() {
                result = self
                    .conn()
                    .execute(
                        &format!(
                            "DELETE FROM {} WHERE ({}) IN (SELECT * FROM {chosen})",
                            table_ident(db, t),
                            key.join(", ")
                        ),
                        [],
                    )
                    .map(|n| total += n as u64)
                    .map_err(|e| parent_row(self.dml_error(e, table)));
            }
            let _ = self.exec(&format!("DROP TABLE IF EXISTS {chosen}"));
        }
        result?;
        self.row_count = total as i64;
        Ok(Outcome::Ok(crate::session::ok(total)))
    }

    /// The table an alias in a FROM list stands for.
    fn alias_table(&self, q: &sqlparser::ast::Select, alias: &str) -> Option<ObjectName> {
        for twj in &q.from {
            let mut factors = vec![&twj.relation];
            factors.extend(twj.joins.iter().map(|j| &j.relation));
            for f in factors {
                if let TableFactor::Table {
                    name,
                    alias: Some(a),
                    ..
                } = f
                {
                    if a.name.value.eq_ignore_ascii_case(alias) {
                        return Some(name.clone());
                    }
                }
            }
        }
        None
    }
}

/// Bound rows as the SQL the text path would have built for them (for error messages).
fn bound_sql(cells: &[Vec<BoundCell>], targets: &[&Column], mode: StoreMode) -> Vec<Vec<String>> {
    cells
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .zip(targets)
                .map(|(cell, c)| match cell {
                    BoundCell::Assigned(v) => assign(&literal_sql(v), c, i + 1, mode),
                    BoundCell::Generated => "NULL".to_owned(),
                })
                .collect()
        })
        .collect()
}

/// True for a failure while writing a row (a duplicate key, a foreign key), after InnoDB
/// would have handed out the statement's AUTO_INCREMENT values.
fn writing_failure(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if matches!(f.extended_code, 2067 | 1555 | 787))
}

/// A value as a SQLite literal.
fn literal_sql(v: &rusqlite::types::Value) -> String {
    use rusqlite::types::Value as V;
    match v {
        V::Null => "NULL".to_owned(),
        V::Integer(n) => n.to_string(),
        V::Real(f) => format!("{f:?}"),
        V::Text(t) => format!("'{}'", t.replace('\'', "''")),
        V::Blob(b) => format!(
            "X'{}'",
            b.iter().map(|x| format!("{x:02X}")).collect::<String>()
        ),
    }
}

/// A join's ON condition.
fn join_condition(op: &sqlparser::ast::JoinOperator) -> Option<Expr> {
    use sqlparser::ast::{JoinConstraint, JoinOperator as J};
    let c = match op {
        J::Join(c)
        | J::Inner(c)
        | J::Left(c)
        | J::LeftOuter(c)
        | J::Right(c)
        | J::RightOuter(c) => c,
        _ => return None,
    };
    match c {
        JoinConstraint::On(e) => Some(e.clone()),
        _ => None,
    }
}

/// A column of `table` by name, or MySQL's 1054.
pub(crate) fn find_column<'t>(table: &'t Table, name: &str) -> Result<&'t Column, SqlError> {
    table
        .columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| SqlError::unknown_column(name, "field list"))
}

/// A foreign key failure caused by changing a referenced (parent) row: MySQL's 1451.
fn parent_row(err: SqlError) -> SqlError {
    if err.code != 1452 {
        return err;
    }
    SqlError::new(
        1451,
        "23000",
        "Cannot delete or update a parent row: a foreign key constraint fails",
    )
}

/// MySQL's 1093: an UPDATE or DELETE whose subqueries (in SET or WHERE) read the table it
/// changes. A derived table, `(SELECT ...) AS x`, is materialised first, so reading the table
/// through one is allowed (the usual workaround).
fn check_subqueries_skip_target(
    current: Option<&str>,
    target: &(String, String),
    exprs: &[&Expr],
) -> Result<(), SqlError> {
    let mut found = false;
    for e in exprs {
        let _ = sqlparser::ast::visit_expressions(*e, |x| {
            let query = match x {
                Expr::Subquery(q) => q,
                Expr::In {
                    target: sqlparser::ast::InTarget::Subquery(subquery),
                    ..
                } => subquery,
                Expr::Exists { subquery, .. } => subquery,
                _ => return ControlFlow::Continue(()),
            };
            if set_expr_reads(current, target, &query.body) {
                found = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
    }
    if found {
        return Err(SqlError::new(
            1093,
            "HY000",
            format!(
                "You can't specify target table '{}' for update in FROM clause",
                target.1
            ),
        ));
    }
    Ok(())
}

/// True when a query's FROM names `target` itself (not through a derived table).
fn set_expr_reads(current: Option<&str>, target: &(String, String), body: &SetExpr) -> bool {
    fn factor_reads(current: Option<&str>, target: &(String, String), f: &TableFactor) -> bool {
        match f {
            TableFactor::Table { name, .. } => crate::translate::resolve(current, name)
                .is_ok_and(|(db, t)| db == target.0 && t == target.1),
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => tables_read(current, target, std::slice::from_ref(table_with_joins)),
            _ => false,
        }
    }
    fn tables_read(
        current: Option<&str>,
        target: &(String, String),
        from: &[TableWithJoins],
    ) -> bool {
        from.iter().any(|t| {
            factor_reads(current, target, &t.relation)
                || t.joins
                    .iter()
                    .any(|j| factor_reads(current, target, &j.relation))
        })
    }
    match body {
        SetExpr::Select(s) => tables_read(current, target, &s.from),
        SetExpr::Query(q) => set_expr_reads(current, target, &q.body),
        SetExpr::SetOperation { left, right, .. } => {
            set_expr_reads(current, target, left) || set_expr_reads(current, target, right)
        }
        _ => false,
    }
}

/// 3105: INSERT or UPDATE giving a generated column a value (only DEFAULT is allowed).
fn generated_value(column: &Column, table: &Table) -> SqlError {
    SqlError::new(
        3105,
        "HY000",
        format!(
            "The value specified for generated column '{}' in table '{}' is not allowed.",
            column.name, table.name
        ),
    )
}
