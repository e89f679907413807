//! The engine's storage: gluesql's `Store`/`StoreMut` (and the traits it requires) over a
//! statement's view of the key-value space.
//!
//! One `Storage` lives for one statement. Its writes go to its own [`TxnView`] layered on the
//! transaction's view, so a failed statement is undone by dropping it. Table names reach it
//! either bare (`items`: the current database) or qualified (`shop.items`: the rewrite turns
//! `shop.items` into that one identifier); `information_schema.*` tables are virtual.
//!
//! Rows are stored under their primary key in order-preserving bytes (gluesql's
//! `Key::to_cmp_be_bytes`), so a lookup by primary key is one `get` and a full scan returns
//! rows in key order, as InnoDB does. Tables without a primary key get a hidden row id.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime, NaiveTime, Timelike};
use gluesql_core::ast::{ColumnDef, ColumnUniqueOption, DataType};
use gluesql_core::data::{Key, Schema, Value};
use gluesql_core::error::{Error as GlueError, Result as GlueResult};
use gluesql_core::store::{
    AlterTable, AlterTableError, CustomFunction, CustomFunctionMut, Index, IndexMut, Metadata,
    Planner, RowIter, Store, StoreMut, Transaction,
};
use serde::{Deserialize, Serialize};

use crate::catalog::{ColumnMeta, DatabaseMeta, TableDef};
use crate::error::SqlError;
use crate::info::{self, ClusterInfo};
use crate::keys;
use crate::kv::{KvError, KvRead, TxnView};

/// Databases every server shows; only `information_schema` has (virtual) tables here.
pub(crate) const SYSTEM_DATABASES: [&str; 4] =
    ["information_schema", "mysql", "performance_schema", "sys"];

/// True for a database that cannot be written.
pub(crate) fn is_system_database(db: &str) -> bool {
    SYSTEM_DATABASES.iter().any(|s| s.eq_ignore_ascii_case(db))
}

/// A row an update writes: its storage key, engine key, old and new values.
type RowWrite = (Vec<u8>, Key, Option<Vec<Value>>, Vec<Value>);

/// One stored row: its engine key and its values, in column order.
#[derive(Serialize, Deserialize)]
struct RowRecord {
    k: Key,
    v: Vec<Value>,
}

fn kv_err(e: KvError) -> GlueError {
    GlueError::StorageMsg(e.0)
}

/// Reads a table definition.
pub(crate) fn load_table(
    kv: &(impl KvRead + ?Sized),
    db: &str,
    table: &str,
) -> Result<Option<TableDef>, SqlError> {
    match kv
        .get(&keys::schema(db, table))
        .map_err(|e| SqlError::storage(&e))?
    {
        Some(bytes) => TableDef::decode(&bytes).map(Some),
        None => Ok(None),
    }
}

/// True if database `db` exists (system databases always do).
pub(crate) fn database_exists(kv: &(impl KvRead + ?Sized), db: &str) -> Result<bool, SqlError> {
    if is_system_database(db) {
        return Ok(true);
    }
    Ok(kv
        .get(&keys::database(db))
        .map_err(|e| SqlError::storage(&e))?
        .is_some())
}

/// Every database, system ones included, sorted by name.
pub(crate) fn list_databases(
    kv: &(impl KvRead + ?Sized),
) -> Result<Vec<(String, DatabaseMeta)>, SqlError> {
    let mut dbs: Vec<(String, DatabaseMeta)> = kv
        .scan_prefix(keys::DBS.as_bytes())
        .map_err(|e| SqlError::storage(&e))?
        .into_iter()
        .map(|(k, v)| {
            let name = keys::unesc(&String::from_utf8_lossy(&k[keys::DBS.len()..]));
            (name, serde_json::from_slice(&v).unwrap_or_default())
        })
        .collect();
    dbs.extend(
        SYSTEM_DATABASES
            .iter()
            .map(|s| ((*s).to_owned(), DatabaseMeta::default())),
    );
    dbs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(dbs)
}

/// Every table definition of `db`, sorted by name.
pub(crate) fn list_tables(
    kv: &(impl KvRead + ?Sized),
    db: &str,
) -> Result<Vec<TableDef>, SqlError> {
    if db.eq_ignore_ascii_case("information_schema") {
        return Ok(info::TABLES
            .iter()
            .filter_map(|t| info::virtual_table(t))
            .collect());
    }
    kv.scan_prefix(&keys::schemas(db))
        .map_err(|e| SqlError::storage(&e))?
        .into_iter()
        .map(|(_, v)| TableDef::decode(&v))
        .collect()
}

/// The engine's storage for one statement.
pub(crate) struct Storage<'a> {
    /// This statement's writes over the transaction's view.
    kv: TxnView<'a, dyn KvRead + 'a>,
    /// The current database.
    db: Option<String>,
    /// The user, for access-denied messages.
    user: String,
    /// Rows of `information_schema.aurora_db_cluster`.
    cluster_info: &'a dyn ClusterInfo,
    /// MySQL column descriptions for a CREATE TABLE or ADD COLUMN in flight, by column name.
    pub pending_columns: HashMap<String, ColumnMeta>,
    /// The first AUTO_INCREMENT value of a CREATE TABLE in flight (`AUTO_INCREMENT=N`).
    pub pending_seq: Option<u64>,
    /// Restricts the next scans of one table to the row with one encoded key: set for an
    /// UPDATE or DELETE whose WHERE pins the primary key, so it reads one row, not the table.
    pub scan_hint: Option<(String, Vec<u8>)>,
    /// Table definitions read during the statement, by resolved `(db, table)`.
    cache: RefCell<HashMap<(String, String), Option<TableDef>>>,
    /// The MySQL error behind the last engine failure that started here.
    failure: RefCell<Option<SqlError>>,
    /// Rows whose stored value an update changed (MySQL's affected rows).
    pub changed_rows: u64,
    /// Set for an UPDATE: the engine's UNIQUE check counts a row against its own old value
    /// (1062 for `SET email = email`), so it is hidden from the engine and `insert_data`
    /// checks as MySQL does instead.
    pub update_checks_unique: bool,
}

impl<'a> Storage<'a> {
    /// Storage over `head` (the transaction's view) for a session in `db`.
    pub fn new(
        head: &'a (dyn KvRead + 'a),
        db: Option<String>,
        user: String,
        cluster_info: &'a dyn ClusterInfo,
    ) -> Self {
        Self {
            kv: TxnView::new(head),
            db,
            user,
            cluster_info,
            pending_columns: HashMap::new(),
            pending_seq: None,
            scan_hint: None,
            cache: RefCell::new(HashMap::new()),
            failure: RefCell::new(None),
            changed_rows: 0,
            update_checks_unique: false,
        }
    }

    /// The statement's writes.
    pub fn into_writes(self) -> crate::kv::Writes {
        self.kv.into_writes()
    }

    /// The statement's view, for writes the session makes itself (DDL on databases).
    pub fn kv_mut(&mut self) -> &mut TxnView<'a, dyn KvRead + 'a> {
        &mut self.kv
    }

    /// The definition of `db.table`, as MySQL errors.
    pub fn table_def(&self, db: &str, table: &str) -> Result<Option<TableDef>, SqlError> {
        self.table_at(db, table)
            .map_err(|e| self.take_failure().unwrap_or_else(|| SqlError::unknown(e)))
    }

    /// Takes the MySQL error recorded for the last failure, if any.
    pub fn take_failure(&self) -> Option<SqlError> {
        self.failure.borrow_mut().take()
    }

    fn fail(&self, e: SqlError) -> GlueError {
        let msg = e.message.clone();
        *self.failure.borrow_mut() = Some(e);
        GlueError::StorageMsg(msg)
    }

    /// Splits an engine table name into `(db, table)`.
    fn resolve(&self, name: &str) -> GlueResult<(String, String)> {
        match name.split_once('.') {
            Some((db, t)) if db.eq_ignore_ascii_case("information_schema") => {
                Ok(("information_schema".to_owned(), t.to_ascii_lowercase()))
            }
            Some((db, t)) => Ok((db.to_owned(), t.to_owned())),
            None => match &self.db {
                Some(db) if db.eq_ignore_ascii_case("information_schema") => {
                    Ok(("information_schema".to_owned(), name.to_ascii_lowercase()))
                }
                Some(db) => Ok((db.clone(), name.to_owned())),
                None => Err(self.fail(SqlError::no_database())),
            },
        }
    }

    /// Resolves a table about to be written: refuses system databases.
    fn resolve_writable(&self, name: &str) -> GlueResult<(String, String)> {
        let (db, t) = self.resolve(name)?;
        if is_system_database(&db) {
            return Err(self.fail(SqlError::access_denied(&self.user, &db)));
        }
        Ok((db, t))
    }

    /// The definition of `name`, through the statement's cache.
    pub fn table(&self, name: &str) -> GlueResult<Option<TableDef>> {
        let (db, t) = self.resolve(name)?;
        self.table_at(&db, &t)
    }

    fn table_at(&self, db: &str, t: &str) -> GlueResult<Option<TableDef>> {
        if db == "information_schema" {
            return Ok(info::virtual_table(t));
        }
        let key = (db.to_owned(), t.to_owned());
        if let Some(def) = self.cache.borrow().get(&key) {
            return Ok(def.clone());
        }
        let def = load_table(&self.kv, db, t).map_err(|e| self.fail(e))?;
        self.cache.borrow_mut().insert(key, def.clone());
        Ok(def)
    }

    fn put_table(&mut self, db: &str, t: &str, def: &TableDef) {
        self.kv.put(keys::schema(db, t), def.encode());
        self.cache
            .borrow_mut()
            .insert((db.to_owned(), t.to_owned()), Some(def.clone()));
    }

    fn forget_table(&mut self, db: &str, t: &str) -> GlueResult<()> {
        self.kv.delete(keys::schema(db, t));
        self.kv.delete(keys::seq(db, t));
        self.kv.delete(keys::rowid(db, t));
        for (k, _) in self.kv.scan_prefix(&keys::rows(db, t)).map_err(kv_err)? {
            self.kv.delete(k);
        }
        self.cache
            .borrow_mut()
            .insert((db.to_owned(), t.to_owned()), None);
        Ok(())
    }

    /// Reads a counter (`seq` or `rowid`), defaulting to 1.
    pub fn counter(&self, key: &[u8]) -> GlueResult<u64> {
        Ok(self
            .kv
            .get(key)
            .map_err(kv_err)?
            .and_then(|v| String::from_utf8_lossy(&v).parse().ok())
            .unwrap_or(1))
    }

    /// Sets a counter.
    pub fn set_counter(&mut self, key: Vec<u8>, value: u64) {
        self.kv.put(key, value.to_string().into_bytes());
    }

    fn virtual_rows(&self, t: &str) -> GlueResult<Vec<Vec<Value>>> {
        let tables = |db: &str| list_tables(&self.kv, db).map_err(|e| self.fail(e));
        let dbs = list_databases(&self.kv).map_err(|e| self.fail(e))?;
        Ok(match t {
            "aurora_db_cluster" => info::cluster_rows(&self.cluster_info.aurora_db_cluster()),
            "schemata" => info::schemata_rows(&dbs),
            "tables" => {
                let mut all = Vec::new();
                for (db, _) in &dbs {
                    all.push((db.clone(), tables(db)?));
                }
                info::tables_rows(&all)
            }
            "columns" => {
                let mut all = Vec::new();
                for (db, _) in &dbs {
                    all.push((db.clone(), tables(db)?));
                }
                info::columns_rows(&all)
            }
            _ => Vec::new(),
        })
    }

    /// Fits values to their MySQL column types: string lengths, DECIMAL scale, fractional
    /// seconds; refuses what strict mode refuses.
    fn normalize(
        &self,
        def: &TableDef,
        mut values: Vec<Value>,
        row: usize,
    ) -> GlueResult<Vec<Value>> {
        for (value, meta) in values.iter_mut().zip(&def.columns) {
            match value {
                Value::Str(s) => {
                    if let Some(max) = meta.max_len {
                        if s.chars().count() as u64 > max {
                            return Err(self.fail(SqlError::too_long(&meta.name, row)));
                        }
                    }
                }
                Value::Decimal(_) => {
                    if let Some(scale) = meta.scale {
                        round_decimal(value, scale);
                    }
                }
                Value::Timestamp(t) => *t = round_datetime(*t, meta.fsp.unwrap_or(0)),
                Value::Time(t) => *t = round_time(*t, meta.fsp.unwrap_or(0)),
                _ => {}
            }
        }
        Ok(values)
    }

    /// MySQL's UNIQUE check for the rows of an UPDATE: row by row, a changed value must not
    /// be held by another row, the rows not updated yet holding their old values (so a swap
    /// clashes, as in MySQL).
    fn check_unique(
        &self,
        db: &str,
        t: &str,
        def: &TableDef,
        writes: &[RowWrite],
    ) -> GlueResult<()> {
        let changed = |i: usize| {
            writes
                .iter()
                .any(|(_, _, old, new)| old.as_ref().and_then(|o| o.get(i)) != new.get(i))
        };
        let unique: Vec<usize> = def
            .column_defs()
            .iter()
            .enumerate()
            .filter(|(i, d)| {
                d.unique == Some(ColumnUniqueOption { is_primary: false }) && changed(*i)
            })
            .map(|(i, _)| i)
            .collect();
        if unique.is_empty() {
            return Ok(());
        }
        let key_of = |v: Option<&Value>| -> GlueResult<Option<Key>> {
            match v {
                None | Some(Value::Null) => Ok(None),
                Some(v) => Key::try_from(v).map(Some),
            }
        };
        // Each unique column's values over the table, with how many rows hold each.
        let mut held: Vec<HashMap<Key, usize>> = vec![HashMap::new(); unique.len()];
        for (_, bytes) in self.kv.scan_prefix(&keys::rows(db, t)).map_err(kv_err)? {
            let row = Self::decode_row(&bytes)?;
            for (h, &i) in held.iter_mut().zip(&unique) {
                if let Some(k) = key_of(row.v.get(i))? {
                    *h.entry(k).or_default() += 1;
                }
            }
        }
        for (_, _, old, new) in writes {
            for (h, &i) in held.iter_mut().zip(&unique) {
                let before = key_of(old.as_ref().and_then(|o| o.get(i)))?;
                let after = key_of(new.get(i))?;
                if before == after {
                    continue;
                }
                if let Some(b) = before {
                    if let Some(n) = h.get_mut(&b) {
                        *n = n.saturating_sub(1);
                    }
                }
                if let Some(a) = after {
                    let n = h.entry(a).or_default();
                    if *n > 0 {
                        let name = &def.column_defs()[i].name;
                        return Err(self.fail(SqlError::duplicate(
                            &String::from(&new[i]),
                            &format!("{t}.{name}"),
                        )));
                    }
                    *n += 1;
                }
            }
        }
        Ok(())
    }

    fn encode_key(&self, key: &Key) -> GlueResult<Vec<u8>> {
        key.to_cmp_be_bytes()
    }

    fn decode_row(bytes: &[u8]) -> GlueResult<RowRecord> {
        serde_json::from_slice(bytes)
            .map_err(|e| GlueError::StorageMsg(format!("corrupt row: {e}")))
    }
}

/// Rounds a DECIMAL value to `scale` digits after the point, half away from zero as MySQL
/// does (`0.125` is `0.13`, `-2.5` is `-3`), and shows exactly that many digits.
pub(crate) fn round_decimal(value: &mut Value, scale: u32) {
    let Value::Decimal(d) = value else {
        return;
    };
    if d.scale() > scale {
        let half = format!("0.{}5", "0".repeat(scale as usize));
        let nudged = match Value::Str(half).cast(&DataType::Decimal) {
            Ok(Value::Decimal(half)) if d.is_sign_negative() => d.checked_sub(half),
            Ok(Value::Decimal(half)) => d.checked_add(half),
            _ => None,
        };
        *d = match nudged {
            Some(n) => n.trunc_with_scale(scale),
            None => d.round_dp(scale),
        };
    }
    d.rescale(scale);
}

/// Rounds to `fsp` fractional digits, as MySQL stores DATETIME/TIMESTAMP.
fn round_datetime(t: NaiveDateTime, fsp: u32) -> NaiveDateTime {
    let unit = 10_i64.pow(9 - fsp.min(9));
    let nanos = i64::from(t.nanosecond() % 1_000_000_000);
    let rounded = (nanos + unit / 2) / unit * unit;
    t + Duration::nanoseconds(rounded - nanos)
}

/// Rounds to `fsp` fractional digits, as MySQL stores TIME.
fn round_time(t: NaiveTime, fsp: u32) -> NaiveTime {
    let unit = 10_i64.pow(9 - fsp.min(9));
    let nanos = i64::from(t.nanosecond() % 1_000_000_000);
    let rounded = (nanos + unit / 2) / unit * unit;
    t + Duration::nanoseconds(rounded - nanos)
}

impl Store for Storage<'_> {
    fn fetch_schema(&self, table_name: &str) -> GlueResult<Option<Schema>> {
        Ok(self.table(table_name)?.map(|def| {
            let mut schema = Schema {
                table_name: table_name.to_owned(),
                ..def.schema
            };
            if self.update_checks_unique {
                for d in schema.column_defs.iter_mut().flatten() {
                    if d.unique == Some(ColumnUniqueOption { is_primary: false }) {
                        d.unique = None;
                    }
                }
            }
            schema
        }))
    }

    fn fetch_all_schemas(&self) -> GlueResult<Vec<Schema>> {
        let Some(db) = &self.db else {
            return Ok(Vec::new());
        };
        Ok(list_tables(&self.kv, db)
            .map_err(|e| self.fail(e))?
            .into_iter()
            .map(|d| d.schema)
            .collect())
    }

    fn fetch_data(&self, table_name: &str, key: &Key) -> GlueResult<Option<Vec<Value>>> {
        let (db, t) = self.resolve(table_name)?;
        if db == "information_schema" {
            return Ok(None);
        }
        let k = keys::row(&db, &t, &self.encode_key(key)?);
        match self.kv.get(&k).map_err(kv_err)? {
            Some(bytes) => Ok(Some(Self::decode_row(&bytes)?.v)),
            None => Ok(None),
        }
    }

    fn scan_data<'b>(&'b self, table_name: &str) -> GlueResult<RowIter<'b>> {
        let (db, t) = self.resolve(table_name)?;
        if db == "information_schema" {
            let rows = self.virtual_rows(&t)?;
            return Ok(Box::new(
                rows.into_iter()
                    .enumerate()
                    .map(|(i, v)| Ok((Key::I64(i as i64), v))),
            ));
        }
        if let Some((hinted, key)) = &self.scan_hint {
            if *hinted == table_name {
                let k = keys::row(&db, &t, key);
                let row = match self.kv.get(&k).map_err(kv_err)? {
                    Some(bytes) => {
                        let r = Self::decode_row(&bytes)?;
                        Some(Ok((r.k, r.v)))
                    }
                    None => None,
                };
                return Ok(Box::new(row.into_iter()));
            }
        }
        let rows = self.kv.scan_prefix(&keys::rows(&db, &t)).map_err(kv_err)?;
        Ok(Box::new(rows.into_iter().map(|(_, bytes)| {
            let r = Self::decode_row(&bytes)?;
            Ok((r.k, r.v))
        })))
    }
}

impl StoreMut for Storage<'_> {
    fn insert_schema(&mut self, schema: &Schema) -> GlueResult<()> {
        let (db, t) = self.resolve_writable(&schema.table_name)?;
        if t.contains('.') || t.is_empty() {
            return Err(self.fail(SqlError::wrong_name("table", &t)));
        }
        if !database_exists(&self.kv, &db).map_err(|e| self.fail(e))? {
            return Err(self.fail(SqlError::unknown_database(&db)));
        }
        let existing = self.table_at(&db, &t)?;
        let defs = schema.column_defs.clone().unwrap_or_default();
        let columns = defs
            .iter()
            .map(|d| {
                self.pending_columns
                    .get(&d.name)
                    .cloned()
                    .or_else(|| {
                        existing
                            .as_ref()
                            .and_then(|e| e.columns.iter().find(|c| c.name == d.name).cloned())
                    })
                    .unwrap_or_else(|| ColumnMeta::from_engine(&d.name, &d.data_type))
            })
            .collect();
        let def = TableDef {
            schema: Schema {
                table_name: t.clone(),
                engine: None,
                ..schema.clone()
            },
            columns,
        };
        if existing.is_none() {
            let first = self.pending_seq.unwrap_or(1);
            self.set_counter(keys::seq(&db, &t), first);
        }
        self.put_table(&db, &t, &def);
        Ok(())
    }

    fn delete_schema(&mut self, table_name: &str) -> GlueResult<()> {
        let (db, t) = self.resolve_writable(table_name)?;
        self.forget_table(&db, &t)
    }

    fn append_data(&mut self, table_name: &str, rows: Vec<Vec<Value>>) -> GlueResult<()> {
        let (db, t) = self.resolve_writable(table_name)?;
        let def = self
            .table_at(&db, &t)?
            .ok_or_else(|| self.fail(SqlError::no_such_table(&db, &t)))?;
        let counter = keys::rowid(&db, &t);
        let mut next = self.counter(&counter)?;
        for (i, values) in rows.into_iter().enumerate() {
            let values = self.normalize(&def, values, i + 1)?;
            let key = Key::I64(next as i64);
            next += 1;
            let k = keys::row(&db, &t, &self.encode_key(&key)?);
            let record = RowRecord { k: key, v: values };
            self.kv
                .put(k, serde_json::to_vec(&record).expect("rows serialize"));
        }
        self.set_counter(counter, next);
        Ok(())
    }

    fn insert_data(&mut self, table_name: &str, rows: Vec<(Key, Vec<Value>)>) -> GlueResult<()> {
        let (db, t) = self.resolve_writable(table_name)?;
        let def = self
            .table_at(&db, &t)?
            .ok_or_else(|| self.fail(SqlError::no_such_table(&db, &t)))?;
        let mut writes = Vec::with_capacity(rows.len());
        for (i, (key, values)) in rows.into_iter().enumerate() {
            let values = self.normalize(&def, values, i + 1)?;
            let k = keys::row(&db, &t, &self.encode_key(&key)?);
            let old = match self.kv.get(&k).map_err(kv_err)? {
                Some(bytes) => Some(Self::decode_row(&bytes)?.v),
                None => None,
            };
            writes.push((k, key, old, values));
        }
        if self.update_checks_unique {
            self.check_unique(&db, &t, &def, &writes)?;
        }
        for (k, key, old, values) in writes {
            if old.as_ref() != Some(&values) {
                self.changed_rows += 1;
            }
            let record = RowRecord { k: key, v: values };
            self.kv
                .put(k, serde_json::to_vec(&record).expect("rows serialize"));
        }
        Ok(())
    }

    fn delete_data(&mut self, table_name: &str, keys_to_delete: Vec<Key>) -> GlueResult<()> {
        let (db, t) = self.resolve_writable(table_name)?;
        for key in keys_to_delete {
            let k = keys::row(&db, &t, &self.encode_key(&key)?);
            self.kv.delete(k);
        }
        Ok(())
    }
}

impl AlterTable for Storage<'_> {
    fn rename_schema(&mut self, table_name: &str, new_table_name: &str) -> GlueResult<()> {
        let (db, t) = self.resolve_writable(table_name)?;
        let (new_db, new_t) = self.resolve_writable(new_table_name)?;
        let mut def = self
            .table_at(&db, &t)?
            .ok_or_else(|| GlueError::from(AlterTableError::TableNotFound(t.clone())))?;
        if self.table_at(&new_db, &new_t)?.is_some() {
            return Err(self.fail(SqlError::table_exists(&new_t)));
        }
        let seq = self.counter(&keys::seq(&db, &t))?;
        let rowid = self.counter(&keys::rowid(&db, &t))?;
        let rows = self.kv.scan_prefix(&keys::rows(&db, &t)).map_err(kv_err)?;
        let old_prefix = keys::rows(&db, &t).len();
        for (k, v) in rows {
            self.kv.put(keys::row(&new_db, &new_t, &k[old_prefix..]), v);
        }
        self.forget_table(&db, &t)?;
        def.schema.table_name = new_t.clone();
        self.put_table(&new_db, &new_t, &def);
        self.set_counter(keys::seq(&new_db, &new_t), seq);
        self.set_counter(keys::rowid(&new_db, &new_t), rowid);
        Ok(())
    }

    fn rename_column(&mut self, table_name: &str, old: &str, new: &str) -> GlueResult<()> {
        let (db, t) = self.resolve_writable(table_name)?;
        let mut def = self
            .table_at(&db, &t)?
            .ok_or_else(|| GlueError::from(AlterTableError::TableNotFound(t.clone())))?;
        if def.column_defs().iter().any(|d| d.name == new) {
            return Err(AlterTableError::AlreadyExistingColumn(new.to_owned()).into());
        }
        let i = def
            .column_defs()
            .iter()
            .position(|d| d.name == old)
            .ok_or(AlterTableError::RenamingColumnNotFound)?;
        if let Some(defs) = def.schema.column_defs.as_mut() {
            defs[i].name = new.to_owned();
        }
        def.columns[i].name = new.to_owned();
        // Values are stored by position: the rows need no rewrite.
        self.put_table(&db, &t, &def);
        Ok(())
    }
}

impl Transaction for Storage<'_> {
    fn begin(&mut self, autocommit: bool) -> GlueResult<bool> {
        // Transactions are the session's: the engine only ever runs single statements.
        if autocommit {
            Ok(false)
        } else {
            Err(GlueError::StorageMsg(
                "transactions are handled by the session".to_owned(),
            ))
        }
    }
}

impl Index for Storage<'_> {}
impl IndexMut for Storage<'_> {}
impl Metadata for Storage<'_> {}
impl CustomFunction for Storage<'_> {
    fn fetch_function<'b>(
        &'b self,
        _func_name: &str,
    ) -> GlueResult<Option<&'b gluesql_core::data::CustomFunction>> {
        // No stored functions: an unknown name is MySQL's "does not exist".
        Ok(None)
    }

    fn fetch_all_functions(&self) -> GlueResult<Vec<&gluesql_core::data::CustomFunction>> {
        Ok(Vec::new())
    }
}
impl CustomFunctionMut for Storage<'_> {}
impl Planner for Storage<'_> {}

/// The engine column definition a virtual table column gets.
pub(crate) fn engine_column(name: &str, data_type: DataType, primary: bool) -> ColumnDef {
    ColumnDef {
        name: name.to_owned(),
        data_type,
        nullable: !primary,
        default: None,
        unique: primary.then_some(ColumnUniqueOption { is_primary: true }),
        comment: None,
    }
}
