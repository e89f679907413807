//! Statement preparation that needs the table definitions: MySQL DDL mapped onto the
//! engine's, AUTO_INCREMENT and `DEFAULT` filled into INSERTs, `ON UPDATE CURRENT_TIMESTAMP`
//! added to UPDATEs, computed values cast to their columns' types, and the primary-key pin
//! of an UPDATE or DELETE found.

use std::collections::HashMap;
use std::ops::ControlFlow;

use gluesql_core::ast::DataType;
use gluesql_core::data::{Key, Value};
use sqlparser::ast::{
    AlterTableOperation, Assignment, AssignmentTarget, BinaryOperator, CastKind, ColumnDef,
    ColumnOption, ColumnOptionDef, CreateTable, DataType as SqlType, ExactNumberInfo, Expr, Ident,
    Insert, ObjectName, SetExpr, Statement, TableConstraint, TimezoneInfo, UnaryOperator,
    Value as SqlValue, Visit, Visitor,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

use crate::catalog::{map_type, ColumnMeta, MappedType, TableDef};
use crate::error::SqlError;
use crate::outcome::ColumnType;
use crate::render;
use crate::rewrite::number;
use crate::storage::round_decimal;

/// MySQL column facts for a table being created or altered.
#[derive(Debug, Default)]
pub(crate) struct PendingTable {
    /// Column descriptions by name.
    pub columns: HashMap<String, ColumnMeta>,
    /// `AUTO_INCREMENT=N`.
    pub seq: Option<u64>,
}

fn is_auto_increment(tokens: &[Token]) -> bool {
    matches!(tokens, [Token::Word(w)] if w.value.eq_ignore_ascii_case("AUTO_INCREMENT"))
}

fn is_now(e: &Expr) -> bool {
    match e {
        Expr::Function(f) => matches!(
            f.name.to_string().to_ascii_uppercase().as_str(),
            "CURRENT_TIMESTAMP" | "NOW" | "LOCALTIMESTAMP" | "LOCALTIME"
        ),
        Expr::Identifier(i) => i.value.eq_ignore_ascii_case("CURRENT_TIMESTAMP"),
        _ => false,
    }
}

/// A quoted number default of a numeric column (`DEFAULT '0'`) as the number.
fn numeric_default(e: Expr, numeric: bool) -> Expr {
    match &e {
        Expr::Value(SqlValue::SingleQuotedString(s))
            if numeric && s.trim().parse::<f64>().is_ok() =>
        {
            number(s.trim())
        }
        _ => e,
    }
}

/// A DEFAULT as DESCRIBE and `information_schema.columns` show it: the value the column
/// would hold, rendered by its type (`0.00` for a DECIMAL(10,2)'s `DEFAULT 0`, `1` for
/// `TRUE`, `x` for `'x'`); `None` for `DEFAULT NULL`. Expressions are shown as written.
fn default_text(e: &Expr, mapped: &MappedType, column: &str) -> Result<Option<String>, SqlError> {
    let literal = match e {
        Expr::Value(SqlValue::Null) => return Ok(None),
        e if is_now(e) => return Ok(Some("CURRENT_TIMESTAMP".to_owned())),
        Expr::Value(SqlValue::Boolean(b)) => return Ok(Some(u8::from(*b).to_string())),
        Expr::Value(SqlValue::SingleQuotedString(s)) if !mapped.column_type.is_numeric() => {
            return Ok(Some(s.clone()))
        }
        Expr::Value(SqlValue::SingleQuotedString(s)) => s.trim().to_owned(),
        Expr::Value(SqlValue::Number(n, _)) => n.to_string(),
        Expr::UnaryOp { op, expr } if matches!(**expr, Expr::Value(SqlValue::Number(..))) => {
            match op {
                UnaryOperator::Minus => format!("-{expr}"),
                UnaryOperator::Plus => expr.to_string(),
                _ => return Ok(Some(e.to_string())),
            }
        }
        e => return Ok(Some(e.to_string())),
    };
    if !mapped.column_type.is_numeric() {
        return Ok(Some(literal));
    }
    let invalid = || {
        SqlError::new(
            1067,
            "42000",
            format!("Invalid default value for '{column}'"),
        )
    };
    let float = || literal.parse::<f64>().map_err(|_| invalid());
    Ok(Some(match mapped.column_type {
        ColumnType::NewDecimal => {
            let cast = |s: &str| Value::Str(s.to_owned()).cast(&DataType::Decimal).ok();
            // Exponents (`1E+3`) read as a float first.
            let mut v = match cast(&literal) {
                Some(v) => v,
                None => cast(&float()?.to_string()).ok_or_else(invalid)?,
            };
            round_decimal(&mut v, mapped.scale.unwrap_or(0));
            render::text(&v, 0).unwrap_or_default()
        }
        ColumnType::Float => (float()? as f32).to_string(),
        ColumnType::Double => float()?.to_string(),
        // Integer types: a fraction rounds half away from zero, as MySQL stores it.
        _ => match literal.parse::<i128>() {
            Ok(n) => n.to_string(),
            Err(_) => format!("{}", float()?.round()),
        },
    }))
}

/// Maps one MySQL column definition onto the engine's, returning MySQL's description of it.
fn column(def: &mut ColumnDef) -> Result<ColumnMeta, SqlError> {
    let mapped = map_type(&def.data_type)?;
    let mut meta = ColumnMeta {
        name: def.name.value.clone(),
        sql_type: mapped.sql_type.clone(),
        type_code: mapped.column_type.code(),
        max_len: mapped.max_len,
        scale: mapped.scale,
        fsp: mapped.fsp,
        auto_increment: false,
        on_update_now: false,
        default_sql: None,
    };
    def.data_type = mapped.engine.clone();
    def.collation = None;
    let mut options = Vec::new();
    for opt in std::mem::take(&mut def.options) {
        match opt.option {
            ColumnOption::Null | ColumnOption::NotNull | ColumnOption::Comment(_) => {
                options.push(opt)
            }
            ColumnOption::Unique { is_primary, .. } => options.push(ColumnOptionDef {
                name: None,
                option: ColumnOption::Unique {
                    is_primary,
                    characteristics: None,
                },
            }),
            ColumnOption::Default(e) => {
                meta.default_sql = default_text(&e, &mapped, &meta.name)?;
                let e = if is_now(&e) {
                    Expr::Function(now())
                } else {
                    numeric_default(e, mapped.column_type.is_numeric())
                };
                options.push(ColumnOptionDef {
                    name: None,
                    option: ColumnOption::Default(e),
                });
            }
            ColumnOption::DialectSpecific(tokens) if is_auto_increment(&tokens) => {
                meta.auto_increment = true;
            }
            ColumnOption::OnUpdate(e) if is_now(&e) => meta.on_update_now = true,
            // Accepted and not enforced, like MySQL before 8.0.16.
            ColumnOption::CharacterSet(_) | ColumnOption::Check(_) => {}
            ColumnOption::ForeignKey { .. } => {}
            other => return Err(SqlError::not_supported(format!("column option {other}"))),
        }
    }
    def.options = options;
    if meta.auto_increment && !mapped.column_type.is_numeric() {
        return Err(SqlError::new(
            1063,
            "42000",
            format!("Incorrect column specifier for column '{}'", meta.name),
        ));
    }
    Ok(meta)
}

/// `NOW()`.
fn now() -> sqlparser::ast::Function {
    match Parser::new(&MySqlDialect {})
        .try_with_sql("NOW()")
        .and_then(|mut p| p.parse_expr())
    {
        Ok(Expr::Function(f)) => f,
        _ => unreachable!("NOW() parses as a function"),
    }
}

fn set_key(columns: &mut [ColumnDef], name: &Ident, is_primary: bool) -> Result<(), SqlError> {
    let col = columns
        .iter_mut()
        .find(|c| c.name.value.eq_ignore_ascii_case(&name.value))
        .ok_or_else(|| {
            SqlError::new(
                1072,
                "42000",
                format!("Key column '{}' doesn't exist in table", name.value),
            )
        })?;
    col.options
        .retain(|o| !matches!(o.option, ColumnOption::Unique { .. }));
    col.options.push(ColumnOptionDef {
        name: None,
        option: ColumnOption::Unique {
            is_primary,
            characteristics: None,
        },
    });
    Ok(())
}

/// Maps a MySQL CREATE TABLE onto the engine's.
pub(crate) fn create_table(ct: &mut CreateTable) -> Result<PendingTable, SqlError> {
    if ct.temporary {
        return Err(SqlError::not_supported("CREATE TEMPORARY TABLE"));
    }
    if ct.like.is_some() {
        return Err(SqlError::not_supported("CREATE TABLE ... LIKE"));
    }
    let mut pending = PendingTable {
        seq: ct.auto_increment_offset.map(u64::from),
        ..PendingTable::default()
    };
    for c in &mut ct.columns {
        let meta = column(c)?;
        pending.columns.insert(meta.name.clone(), meta);
    }
    let mut kept = Vec::new();
    for constraint in std::mem::take(&mut ct.constraints) {
        match &constraint {
            TableConstraint::PrimaryKey { columns, .. }
            | TableConstraint::Unique { columns, .. } => {
                let is_primary = matches!(constraint, TableConstraint::PrimaryKey { .. });
                match columns.as_slice() {
                    [one] => set_key(&mut ct.columns, one, is_primary)?,
                    _ => {
                        let what = if is_primary {
                            "PRIMARY KEY"
                        } else {
                            "UNIQUE KEY"
                        };
                        let cols = columns
                            .iter()
                            .map(|c| c.value.as_str())
                            .collect::<Vec<_>>()
                            .join(", ");
                        return Err(SqlError::not_supported(format!(
                            "multi-column {what} ({cols})"
                        )));
                    }
                }
            }
            TableConstraint::ForeignKey { .. } => kept.push(constraint),
            // Indexes only make reads faster; CHECK is accepted, not enforced.
            TableConstraint::Index { .. }
            | TableConstraint::FulltextOrSpatial { .. }
            | TableConstraint::Check { .. } => {}
        }
    }
    ct.constraints = kept;
    let primaries = ct
        .columns
        .iter()
        .filter(|c| {
            c.options.iter().any(|o| {
                matches!(
                    o.option,
                    ColumnOption::Unique {
                        is_primary: true,
                        ..
                    }
                )
            })
        })
        .count();
    if primaries > 1 {
        return Err(SqlError::new(1068, "42000", "Multiple primary key defined"));
    }
    let autos = pending
        .columns
        .values()
        .filter(|m| m.auto_increment)
        .count();
    if autos > 1 {
        return Err(SqlError::new(
            1075,
            "42000",
            "Incorrect table definition; there can be only one auto column and it must be \
             defined as a key",
        ));
    }
    ct.engine = None;
    ct.default_charset = None;
    ct.collation = None;
    ct.auto_increment_offset = None;
    ct.table_properties.clear();
    ct.with_options.clear();
    Ok(pending)
}

/// What an ALTER TABLE turns into.
pub(crate) enum AlterPlan {
    /// Nothing to do (index changes).
    Nothing,
    /// Run by the engine, with the MySQL description of an added column.
    Engine(PendingTable),
}

/// Maps MySQL ALTER TABLE operations onto the engine's (one operation at a time).
pub(crate) fn alter_table(ops: &mut Vec<AlterTableOperation>) -> Result<AlterPlan, SqlError> {
    ops.retain(|op| {
        !matches!(
            op,
            AlterTableOperation::AddConstraint(TableConstraint::Index { .. })
                | AlterTableOperation::AddConstraint(TableConstraint::FulltextOrSpatial { .. })
        )
    });
    let mut pending = PendingTable::default();
    match ops.as_mut_slice() {
        [] => Ok(AlterPlan::Nothing),
        [op] => match op {
            AlterTableOperation::AddColumn { column_def, .. } => {
                let meta = column(column_def)?;
                if meta.auto_increment {
                    return Err(SqlError::not_supported("ADD COLUMN ... AUTO_INCREMENT"));
                }
                pending.columns.insert(meta.name.clone(), meta);
                Ok(AlterPlan::Engine(pending))
            }
            AlterTableOperation::DropColumn { .. }
            | AlterTableOperation::RenameColumn { .. }
            | AlterTableOperation::RenameTable { .. } => Ok(AlterPlan::Engine(pending)),
            other => Err(SqlError::not_supported(format!("ALTER TABLE ... {other}"))),
        },
        _ => Err(SqlError::not_supported(
            "several operations in one ALTER TABLE",
        )),
    }
}

/// What filling an INSERT produced.
#[derive(Debug, Default)]
pub(crate) struct Filled {
    /// The table's next AUTO_INCREMENT value after the insert, if it has such a column.
    pub next_seq: Option<u64>,
    /// The first value generated (MySQL's LAST_INSERT_ID).
    pub first_generated: Option<u64>,
    /// The first AUTO_INCREMENT value given explicitly.
    pub first_explicit: Option<u64>,
    /// For each VALUES row, the AUTO_INCREMENT value generated for it, if any (an upsert
    /// reports the first one of a row actually inserted).
    pub generated_rows: Vec<Option<u64>>,
}

fn literal_u64(e: &Expr) -> Option<Option<u64>> {
    match e {
        Expr::Value(SqlValue::Null) => Some(None),
        Expr::Value(SqlValue::Number(n, _)) => {
            let n: u64 = n.to_string().parse().ok()?;
            Some((n != 0).then_some(n))
        }
        _ => None,
    }
}

fn is_default_keyword(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(i) if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("DEFAULT"))
}

/// The expression a column's declared default stands for (NULL if it has none).
pub(crate) fn default_expr(meta: &ColumnMeta, is_numeric: bool) -> Expr {
    match &meta.default_sql {
        None => Expr::Value(SqlValue::Null),
        Some(s) if s == "CURRENT_TIMESTAMP" => Expr::Function(now()),
        Some(s) if is_numeric => match Parser::new(&MySqlDialect {})
            .try_with_sql(s)
            .and_then(|mut p| p.parse_expr())
        {
            Ok(e) => e,
            Err(_) => Expr::Value(SqlValue::SingleQuotedString(s.clone())),
        },
        Some(s) => Expr::Value(SqlValue::SingleQuotedString(s.clone())),
    }
}

/// Fills AUTO_INCREMENT values and `DEFAULT` keywords into an INSERT ... VALUES, with column
/// names matched case-insensitively. `seq` is the table's next AUTO_INCREMENT value.
pub(crate) fn fill_insert(ins: &mut Insert, def: &TableDef, seq: u64) -> Result<Filled, SqlError> {
    let names: Vec<String> = def.column_defs().iter().map(|d| d.name.clone()).collect();
    for c in &mut ins.columns {
        match def.column_index(&c.value) {
            Some(i) => c.value = names[i].clone(),
            None => return Err(SqlError::unknown_column(&c.value, "field list")),
        }
    }
    let auto = def.auto_increment();
    let mut filled = Filled {
        next_seq: auto.map(|_| seq),
        ..Filled::default()
    };
    let Some(source) = ins.source.as_mut() else {
        return Err(SqlError::not_supported("INSERT without VALUES"));
    };
    let SetExpr::Values(values) = source.body.as_mut() else {
        // INSERT ... SELECT: into an AUTO_INCREMENT table it arrives as VALUES (the session
        // runs the SELECT first); otherwise the engine runs it.
        return Ok(filled);
    };
    if ins.columns.is_empty() && values.rows.iter().all(Vec::is_empty) && !names.is_empty() {
        // `INSERT INTO t () VALUES ()` / `INSERT INTO t VALUES ()`: every column takes its
        // default. Naming one column that has a default (AUTO_INCREMENT, DEFAULT or NULL) as
        // DEFAULT lets the engine fill the others as usual.
        let defs = def.column_defs();
        let first = auto
            .or_else(|| {
                (0..names.len()).find(|&i| def.columns[i].default_sql.is_some() || defs[i].nullable)
            })
            .ok_or_else(|| {
                SqlError::new(
                    1364,
                    "HY000",
                    format!("Field '{}' doesn't have a default value", names[0]),
                )
            })?;
        ins.columns = vec![Ident::with_quote('`', &names[first])];
        for row in &mut values.rows {
            row.push(Expr::Identifier(Ident::new("DEFAULT")));
        }
    }
    if ins.columns.is_empty() {
        if values.rows.iter().any(|r| r.len() != names.len()) {
            return Err(SqlError::new(
                1136,
                "21S01",
                "Column count doesn't match value count at row 1",
            ));
        }
        ins.columns = names.iter().map(|n| Ident::with_quote('`', n)).collect();
    }
    let positions: Vec<usize> = ins
        .columns
        .iter()
        .map(|c| def.column_index(&c.value).expect("checked above"))
        .collect();
    if let Some(a) = auto {
        if !positions.contains(&a) {
            ins.columns.push(Ident::with_quote('`', &names[a]));
            for row in &mut values.rows {
                row.push(Expr::Value(SqlValue::Null));
            }
        }
    }
    // Defaults of the current time come from the session's clock, not the engine's.
    for (i, meta) in def.columns.iter().enumerate() {
        if meta.default_sql.as_deref() == Some("CURRENT_TIMESTAMP")
            && !ins.columns.iter().any(|c| c.value == names[i])
        {
            ins.columns.push(Ident::with_quote('`', &names[i]));
            for row in &mut values.rows {
                row.push(Expr::Function(now()));
            }
        }
    }
    let positions: Vec<usize> = ins
        .columns
        .iter()
        .map(|c| def.column_index(&c.value).expect("checked above"))
        .collect();
    let mut next = seq;
    for (r, row) in values.rows.iter_mut().enumerate() {
        let mut generated = None;
        if row.len() != positions.len() {
            return Err(SqlError::new(
                1136,
                "21S01",
                format!("Column count doesn't match value count at row {}", r + 1),
            ));
        }
        for (value, &i) in row.iter_mut().zip(&positions) {
            let meta = &def.columns[i];
            if meta.column_type().is_numeric() {
                crate::rewrite::unquote_number(value);
            }
            if Some(i) == auto {
                let given = if is_default_keyword(value) {
                    Some(None)
                } else {
                    literal_u64(value)
                };
                match given {
                    Some(None) => {
                        *value = number(next);
                        filled.first_generated.get_or_insert(next);
                        generated = Some(next);
                        next += 1;
                    }
                    Some(Some(n)) => {
                        filled.first_explicit.get_or_insert(n);
                        next = next.max(n + 1);
                    }
                    None => {}
                }
            } else if is_default_keyword(value) {
                *value = default_expr(meta, meta.column_type().is_numeric());
            }
        }
        filled.generated_rows.push(generated);
    }
    if auto.is_some() {
        filled.next_seq = Some(next);
    }
    Ok(filled)
}

/// Adds `col = NOW()` for each `ON UPDATE CURRENT_TIMESTAMP` column the UPDATE leaves alone.
pub(crate) fn on_update(assignments: &mut Vec<Assignment>, def: &TableDef) {
    for meta in def.columns.iter().filter(|m| m.on_update_now) {
        let assigned = assignments.iter().any(|a| match &a.target {
            AssignmentTarget::ColumnName(n) => {
                n.0.last()
                    .is_some_and(|i| i.value.eq_ignore_ascii_case(&meta.name))
            }
            AssignmentTarget::Tuple(_) => false,
        });
        if !assigned {
            assignments.push(Assignment {
                target: AssignmentTarget::ColumnName(ObjectName(vec![Ident::new(&meta.name)])),
                value: Expr::Function(now()),
            });
        }
    }
}

/// Matches assignment targets to declared column names, case-insensitively.
pub(crate) fn canonical_assignments(
    assignments: &mut [Assignment],
    def: &TableDef,
) -> Result<(), SqlError> {
    for a in assignments {
        if let AssignmentTarget::ColumnName(n) = &mut a.target {
            if let Some(last) = n.0.last_mut() {
                match def.column_index(&last.value) {
                    Some(i) => {
                        last.value = def.column_defs()[i].name.clone();
                        if def.columns[i].column_type().is_numeric() {
                            crate::rewrite::unquote_number(&mut a.value);
                        }
                    }
                    None => return Err(SqlError::unknown_column(&last.value, "field list")),
                }
            }
            if n.0.len() > 1 {
                let last = n.0.pop().expect("non-empty");
                n.0 = vec![last];
            }
        }
    }
    Ok(())
}

/// True if `e` holds a subquery anywhere.
pub(crate) fn has_subquery<T: Visit>(node: &T) -> bool {
    struct Finder;
    impl Visitor for Finder {
        type Break = ();
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            match e {
                Expr::Subquery(_) | Expr::InSubquery { .. } | Expr::Exists { .. } => {
                    ControlFlow::Break(())
                }
                _ => ControlFlow::Continue(()),
            }
        }
    }
    node.visit(&mut Finder).is_break()
}

/// A literal as the engine value of a column of `data_type` (integers and text only).
pub(crate) fn literal_value(e: &Expr, data_type: &DataType) -> Option<Value> {
    let v = match e {
        Expr::Value(SqlValue::Number(n, _)) => {
            let s = n.to_string();
            match data_type {
                DataType::Int8 => Value::I8(s.parse().ok()?),
                DataType::Int16 => Value::I16(s.parse().ok()?),
                DataType::Int32 => Value::I32(s.parse().ok()?),
                DataType::Int => Value::I64(s.parse().ok()?),
                DataType::Uint8 => Value::U8(s.parse().ok()?),
                DataType::Uint16 => Value::U16(s.parse().ok()?),
                DataType::Uint32 => Value::U32(s.parse().ok()?),
                DataType::Uint64 => Value::U64(s.parse().ok()?),
                _ => return None,
            }
        }
        Expr::Value(SqlValue::SingleQuotedString(s)) if *data_type == DataType::Text => {
            Value::Str(s.clone())
        }
        _ => return None,
    };
    Some(v)
}

/// The encoded primary key an UPDATE/DELETE condition pins (`pk = literal`, possibly AND-ed
/// with more conditions), so the statement can read that one row instead of the table.
pub(crate) fn pinned_key(selection: &Expr, def: &TableDef) -> Option<Vec<u8>> {
    let (_, pk) = def.primary_key()?;
    fn find<'e>(e: &'e Expr, pk: &str) -> Option<&'e Expr> {
        match e {
            Expr::Nested(inner) => find(inner, pk),
            Expr::BinaryOp {
                left,
                op: BinaryOperator::And,
                right,
            } => find(left, pk).or_else(|| find(right, pk)),
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Eq,
                right,
            } => {
                let is_pk = |e: &Expr| match e {
                    Expr::Identifier(i) => i.value == pk,
                    Expr::CompoundIdentifier(p) => p.last().is_some_and(|i| i.value == pk),
                    _ => false,
                };
                if is_pk(left) {
                    Some(right)
                } else if is_pk(right) {
                    Some(left)
                } else {
                    None
                }
            }
            _ => None,
        }
    }
    let literal = find(selection, &pk.name)?;
    let value = literal_value(literal, &pk.data_type)?;
    Key::try_from(value).ok()?.to_cmp_be_bytes().ok()
}

/// Makes computed values take their columns' types, as MySQL converts them: the engine
/// refuses a value of another type (`40 + n` is a BIGINT, `n` an INT), so each one not a
/// literal (those the engine already converts) is CAST to the column's engine type. Covers
/// UPDATE assignments and INSERT ... VALUES rows; returns the columns cast, for messages.
pub(crate) fn cast_to_columns(stmt: &mut Statement, def: &TableDef) -> Vec<(String, DataType)> {
    let defs = def.column_defs();
    let mut cast = Vec::new();
    let mut apply = |value: &mut Expr, name: &str| {
        let Some(d) = defs.iter().find(|d| d.name == name) else {
            return;
        };
        let Some(data_type) = engine_sql_type(&d.data_type) else {
            return;
        };
        let literal = match value {
            Expr::Value(_) => true,
            Expr::UnaryOp { expr, .. } => matches!(**expr, Expr::Value(_)),
            Expr::Identifier(i) => i.value.eq_ignore_ascii_case("DEFAULT"),
            _ => false,
        };
        if literal {
            return;
        }
        *value = Expr::Cast {
            kind: CastKind::Cast,
            expr: Box::new(std::mem::replace(value, Expr::Value(SqlValue::Null))),
            data_type,
            format: None,
        };
        cast.push((d.name.clone(), d.data_type.clone()));
    };
    match stmt {
        Statement::Update { assignments, .. } => {
            for a in assignments {
                if let AssignmentTarget::ColumnName(n) = &a.target {
                    if let Some(name) = n.0.last() {
                        apply(&mut a.value, &name.value);
                    }
                }
            }
        }
        Statement::Insert(ins) => {
            let Some(SetExpr::Values(values)) = ins.source.as_mut().map(|q| q.body.as_mut()) else {
                return cast;
            };
            for row in &mut values.rows {
                for (value, column) in row.iter_mut().zip(&ins.columns) {
                    apply(value, &column.value);
                }
            }
        }
        _ => {}
    }
    cast
}

/// The CAST target the engine reads as `data_type` (None: left as it is).
fn engine_sql_type(data_type: &DataType) -> Option<SqlType> {
    Some(match data_type {
        DataType::Int8 => SqlType::Int8(None),
        DataType::Int16 => SqlType::Int16,
        DataType::Int32 => SqlType::Int32,
        DataType::Int => SqlType::Int64,
        DataType::Int128 => SqlType::Int128,
        DataType::Uint8 => SqlType::UInt8,
        DataType::Uint16 => SqlType::UInt16,
        DataType::Uint32 => SqlType::UInt32,
        DataType::Uint64 => SqlType::UInt64,
        DataType::Uint128 => SqlType::UInt128,
        DataType::Float32 => SqlType::Float32,
        DataType::Float => SqlType::Float64,
        DataType::Decimal => SqlType::Decimal(ExactNumberInfo::None),
        DataType::Text => SqlType::Text,
        DataType::Date => SqlType::Date,
        DataType::Timestamp => SqlType::Timestamp(None, TimezoneInfo::None),
        DataType::Time => SqlType::Time(None, TimezoneInfo::None),
        _ => return None,
    })
}
