//! MySQL 8.0's collations and built-in functions, registered on a rusqlite connection so that SQL
//! sent to SQLite computes what MySQL computes.
//!
//! # Conventions
//!
//! DATE is TEXT 'YYYY-MM-DD', DATETIME/TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff]', TIME
//! '[-]HH:MM:SS[.ffffff]', booleans INTEGER 0/1, JSON TEXT (results carry SQLite's JSON subtype
//! 'J', so nesting `mysql_json_object('a', mysql_json_array(1))` embeds JSON, not a string).
//! DECIMAL values are stored as INTEGER/REAL (NUMERIC affinity): functions accept integers,
//! reals and numeric text, and exact results come back INTEGER when whole, else REAL. NULL in
//! gives NULL out unless MySQL says otherwise. MySQL errors become user-function errors whose
//! message is `"<code>: <MySQL's message>"`, e.g. `"1264: Out of range value for column 'c' at row 1"`.
//!
//! # Calling convention for the dialect
//!
//! Most functions keep MySQL's name (see [`renames`] for those that must be renamed because
//! SQLite has a same-named built-in or keyword). Syntax forms map as follows:
//!
//! | MySQL | SQLite call |
//! |---|---|
//! | `DATE_ADD(d, INTERVAL n UNIT)`, `d + INTERVAL n UNIT`, `ADDDATE(d, n)` (n days) | `mysql_date_add(d, n, 'UNIT')` |
//! | `DATE_SUB(d, INTERVAL n UNIT)`, `d - INTERVAL n UNIT`, `SUBDATE` | `mysql_date_sub(d, n, 'UNIT')` |
//! | composite units: `INTERVAL '1:30' HOUR_MINUTE` | `mysql_date_add(d, '1:30', 'HOUR_MINUTE')` |
//! | `TIMESTAMPDIFF(UNIT, a, b)` / `TIMESTAMPADD(UNIT, n, d)` | `timestampdiff('UNIT', a, b)` / `timestampadd('UNIT', n, d)` |
//! | `EXTRACT(UNIT FROM x)` | `mysql_extract('UNIT', x)` |
//! | `TRIM(s)` / `TRIM(BOTH r FROM s)` / `TRIM(r FROM s)` | `mysql_trim(s)` / `mysql_trim(s, r)` |
//! | `TRIM(side r FROM s)` (one call for all sides) | `mysql_trim(s, r, 'BOTH' \| 'LEADING' \| 'TRAILING')` |
//! | `TRIM(LEADING r FROM s)`, `LTRIM(s)` | `mysql_ltrim(s, r)`, `mysql_ltrim(s)` |
//! | `TRIM(TRAILING r FROM s)`, `RTRIM(s)` | `mysql_rtrim(s, r)`, `mysql_rtrim(s)` |
//! | `POSITION(a IN b)` | `position(a, b)` (= `locate(a, b)`) |
//! | `SUBSTRING(s FROM p FOR n)` | `mysql_substr(s, p, n)` |
//! | `x LIKE p [ESCAPE e]` (ci/ai) | SQLite's LIKE (calls the `like` override; `\` is the default escape) |
//! | `x LIKE p` on BINARY / _bin operands | `mysql_like_bin(p, x[, e])` |
//! | `x REGEXP p`, `x RLIKE p` | SQLite's REGEXP (calls `regexp(p, x)`) |
//! | `v MEMBER OF (j)` | `mysql_member_of(v, j)` |
//! | `col->'$.p'` / `col->>'$.p'` | `mysql_json_extract(col, '$.p')` / `json_unquote(mysql_json_extract(col, '$.p'))` |
//! | `CAST(x AS SIGNED/UNSIGNED)` | `mysql_cast_signed(x)` / `mysql_cast_unsigned(x)` |
//! | `CAST(x AS CHAR[(n)])`, `CAST(x AS BINARY[(n)])` | `mysql_cast_char(x[, n])`, `mysql_cast_binary(x[, n])` |
//! | `CAST(x AS DECIMAL(p, s))` | `mysql_cast_decimal(x, p, s)` (p, s default 10, 0) |
//! | `CAST(x AS DOUBLE/FLOAT/REAL)` | `mysql_cast_double(x)` |
//! | a string compared with a number (`v = 0`, `id = '3abc'`) | `mysql_compare_double(v[, strict]) = 0` (warns 1292 as MySQL does; `strict` 1: fails with it) |
//! | `CAST(x AS DATE/DATETIME(fsp)/TIME(fsp))` | `mysql_cast_date(x)`, `mysql_cast_datetime(x[, fsp])`, `mysql_cast_time(x[, fsp])` |
//! | `CAST(x AS JSON)` | `mysql_cast_json(x)` (also marks a JSON column's text as JSON) |
//! | storing into a column (INSERT/UPDATE) | `mysql_assign(value, 'type spec', 'column'[, row[, mode]])` (mode: `ASSIGN_*` bits) |
//! | `IF(c, a, b)` / truthiness of a string | `iif(mysql_bool(c), a, b)` |
//!
//! `mysql_assign`'s type specs: `tinyint`/`smallint`/`mediumint`/`int`/`bigint` (optional
//! display width and ` unsigned`), `bool`, `decimal(p,s)`, `float`, `double`, `char(n)`,
//! `varchar(n)`, `tinytext`..`longtext`, `binary(n)`, `varbinary(n)`, `tinyblob`..`longblob`,
//! `enum('a','b')`, `set('a','b')`, `date`, `time[(fsp)]`, `datetime[(fsp)]`,
//! `timestamp[(fsp)]`, `year`, `json`, `bit(n)`. Specs are parsed once per thread and cached.
//! `datetime(n)` / `time(n)` / `timestamp(n)` round the fraction to n digits and print exactly
//! n, as MySQL does; the bare names keep the fraction as given (pass the fsp to get MySQL's
//! rounding: `datetime` is MySQL's `datetime(0)`).
//!
//! Aggregates: `bit_and`, `bit_or`, `bit_xor` (BIGINT UNSIGNED: values above i64::MAX come
//! back as TEXT digits), `std`, `stddev`, `stddev_pop`, `stddev_samp`, `variance`, `var_pop`,
//! `var_samp`.

use std::sync::Arc;

mod agg;
mod assign;
mod collation;
mod datetime;
mod fulltext;
mod hash;
mod json;
mod math;
mod regexp;
mod string;
mod value;

pub use assign::{
    assign_value, take_warnings, Warning, ASSIGN_DIVISION_BY_ZERO_NULL, ASSIGN_LENIENT,
    ASSIGN_NULL_DEFAULT,
};
pub use collation::collation_key;

/// What the functions need from the calling session; time is injected so tests and replays are
/// deterministic.
#[derive(Clone)]
pub struct Context {
    /// The session's current time (session time zone is taken as UTC).
    pub now: Arc<dyn Fn() -> chrono::NaiveDateTime + Send + Sync>,
    /// Results longer than this many bytes are NULL, as in MySQL (REPEAT, LPAD, SPACE, ...).
    pub max_allowed_packet: usize,
}

/// Registers every function and collation on `conn`, so the dialect layer can send MySQL
/// expressions to SQLite.
pub fn register(conn: &rusqlite::Connection, ctx: Context) -> rusqlite::Result<()> {
    collation::register(conn)?;
    string::register(conn, &ctx)?;
    datetime::register(conn, &ctx)?;
    math::register(conn)?;
    json::register(conn)?;
    regexp::register(conn)?;
    assign::register(conn)?;
    agg::register(conn)?;
    hash::register(conn)?;
    fulltext::register(conn)?;
    Ok(())
}

/// (MySQL name, registered name) pairs the dialect layer must rename, where SQLite has a
/// same-named built-in (or keyword) with other semantics. Names not listed are registered
/// under their MySQL name (lowercase); syntax forms are in the crate documentation.
pub fn renames() -> &'static [(&'static str, &'static str)] {
    &[
        ("LENGTH", "mysql_length"),
        ("OCTET_LENGTH", "mysql_length"),
        ("SUBSTRING", "mysql_substr"),
        ("SUBSTR", "mysql_substr"),
        ("MID", "mysql_substr"),
        ("CONCAT", "mysql_concat"),
        ("FORMAT", "mysql_format"),
        ("HEX", "mysql_hex"),
        ("INSTR", "mysql_instr"),
        ("QUOTE", "mysql_quote"),
        ("CHAR", "mysql_char"),
        ("LEFT", "mysql_left"),
        ("RIGHT", "mysql_right"),
        ("INSERT", "mysql_insert"),
        ("CURRENT_TIMESTAMP", "now"),
        ("LOCALTIME", "now"),
        ("LOCALTIMESTAMP", "now"),
        ("CURRENT_DATE", "curdate"),
        ("CURRENT_TIME", "curtime"),
        ("DATE", "mysql_date"),
        ("TIME", "mysql_time"),
        ("DATE_ADD", "mysql_date_add"),
        ("ADDDATE", "mysql_date_add"),
        ("DATE_SUB", "mysql_date_sub"),
        ("SUBDATE", "mysql_date_sub"),
        ("EXTRACT", "mysql_extract"),
        ("/", "mysql_div"),
        ("DIV", "mysql_intdiv"),
        ("MOD", "mysql_mod"),
        ("%", "mysql_mod"),
        ("ROUND", "mysql_round"),
        ("LOG", "mysql_log"),
        ("JSON_EXTRACT", "mysql_json_extract"),
        ("JSON_OBJECT", "mysql_json_object"),
        ("JSON_ARRAY", "mysql_json_array"),
        ("JSON_SET", "mysql_json_set"),
        ("JSON_INSERT", "mysql_json_insert"),
        ("JSON_REPLACE", "mysql_json_replace"),
        ("JSON_REMOVE", "mysql_json_remove"),
        ("JSON_TYPE", "mysql_json_type"),
        ("JSON_VALID", "mysql_json_valid"),
        ("JSON_QUOTE", "mysql_json_quote"),
        ("JSON_PRETTY", "mysql_json_pretty"),
        ("TRIM", "mysql_trim"),
        ("LTRIM", "mysql_ltrim"),
        ("RTRIM", "mysql_rtrim"),
        ("TIMESTAMP", "mysql_timestamp"),
        ("UTC_TIMESTAMP", "utc_timestamp"),
        ("UTC_DATE", "utc_date"),
        ("UTC_TIME", "utc_time"),
    ]
}
