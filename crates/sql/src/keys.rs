//! The key layout: where databases, tables, counters and rows live in the key-value space.
//!
//! ```text
//! dbs/<db>                          database marker (JSON: charset, collation)
//! db/<db>/schema/<table>            table definition (JSON: engine schema + MySQL column types)
//! db/<db>/seq/<table>               next AUTO_INCREMENT value (decimal)
//! db/<db>/rowid/<table>             next hidden row id of a table without primary key
//! db/<db>/rows/<table>/<key>        one row (JSON: engine key + values); <key> is the primary
//!                                   key in order-preserving bytes, or the hidden row id
//! ```
//!
//! Everything a database holds is under `db/<db>/`, so restoring the key-value space (a
//! backtrack) restores every table, row and counter with it. Names are escaped so that `/`
//! can never split a key: `%` becomes `%25` and `/` becomes `%2F`.

/// Escapes a database or table name for use as one key segment.
pub(crate) fn esc(name: &str) -> String {
    name.replace('%', "%25").replace('/', "%2F")
}

/// Reverses [`esc`].
pub(crate) fn unesc(segment: &str) -> String {
    segment.replace("%2F", "/").replace("%25", "%")
}

/// Prefix of all database markers.
pub(crate) const DBS: &str = "dbs/";

/// The marker of database `db`.
pub(crate) fn database(db: &str) -> Vec<u8> {
    format!("{DBS}{}", esc(db)).into_bytes()
}

/// Prefix of everything database `db` holds.
pub(crate) fn database_data(db: &str) -> Vec<u8> {
    format!("db/{}/", esc(db)).into_bytes()
}

/// Prefix of the table definitions of `db`.
pub(crate) fn schemas(db: &str) -> Vec<u8> {
    format!("db/{}/schema/", esc(db)).into_bytes()
}

/// The definition of `db.table`.
pub(crate) fn schema(db: &str, table: &str) -> Vec<u8> {
    format!("db/{}/schema/{}", esc(db), esc(table)).into_bytes()
}

/// The counter of `db.table`.
pub(crate) fn seq(db: &str, table: &str) -> Vec<u8> {
    format!("db/{}/seq/{}", esc(db), esc(table)).into_bytes()
}

/// The hidden row-id counter of `db.table` (tables without a primary key).
pub(crate) fn rowid(db: &str, table: &str) -> Vec<u8> {
    format!("db/{}/rowid/{}", esc(db), esc(table)).into_bytes()
}

/// Prefix of the rows of `db.table`.
pub(crate) fn rows(db: &str, table: &str) -> Vec<u8> {
    format!("db/{}/rows/{}/", esc(db), esc(table)).into_bytes()
}

/// The row of `db.table` whose encoded key is `key`.
pub(crate) fn row(db: &str, table: &str, key: &[u8]) -> Vec<u8> {
    let mut k = rows(db, table);
    k.extend_from_slice(key);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_split_keys() {
        assert_eq!(esc("a/b%c"), "a%2Fb%25c");
        assert_eq!(unesc(&esc("a/b%2Fc")), "a/b%2Fc");
        assert_eq!(rows("d", "t"), b"db/d/rows/t/".to_vec());
        assert!(!rows("d", "tab").starts_with(&rows("d", "t")));
    }
}
