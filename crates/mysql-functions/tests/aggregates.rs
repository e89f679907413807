//! Aggregates SQLite lacks, against MySQL 8.0.
mod common;
use common::*;

fn setup() -> rusqlite::Connection {
    let c = conn();
    c.execute_batch("CREATE TABLE t(g, x); INSERT INTO t VALUES (1, 1), (1, 2), (1, 3), (1, 4), (1, NULL), (2, 5), (3, NULL);")
        .unwrap();
    c
}

#[test]
fn bit_aggregates() {
    let c = setup();
    assert_eq!(i(&c, "bit_or(x) FROM t WHERE g = 1"), 7);
    assert_eq!(i(&c, "bit_and(x) FROM t WHERE g = 1"), 0);
    assert_eq!(i(&c, "bit_xor(x) FROM t WHERE g = 1"), 4);
    assert_eq!(i(&c, "bit_and(x) FROM t WHERE g = 2"), 5);
    // Empty or all-NULL input: BIT_AND is all ones (BIGINT UNSIGNED), the others 0.
    assert_eq!(
        s(&c, "bit_and(x) FROM t WHERE g = 9"),
        "18446744073709551615"
    );
    assert_eq!(
        s(&c, "bit_and(x) FROM t WHERE g = 3"),
        "18446744073709551615"
    );
    assert_eq!(i(&c, "bit_or(x) FROM t WHERE g = 9"), 0);
    assert_eq!(i(&c, "bit_xor(x) FROM t WHERE g = 3"), 0);
    assert_eq!(s(&c, "bit_or(-1)"), "18446744073709551615");
}

#[test]
fn deviation_and_variance() {
    let c = setup();
    assert_close(f(&c, "std(x) FROM t WHERE g = 1"), 1.25f64.sqrt());
    assert_close(f(&c, "stddev(x) FROM t WHERE g = 1"), 1.25f64.sqrt());
    assert_close(f(&c, "stddev_pop(x) FROM t WHERE g = 1"), 1.25f64.sqrt());
    assert_close(
        f(&c, "stddev_samp(x) FROM t WHERE g = 1"),
        (5.0f64 / 3.0).sqrt(),
    );
    assert_close(f(&c, "variance(x) FROM t WHERE g = 1"), 1.25);
    assert_close(f(&c, "var_pop(x) FROM t WHERE g = 1"), 1.25);
    assert_close(f(&c, "var_samp(x) FROM t WHERE g = 1"), 5.0 / 3.0);
    assert_close(f(&c, "var_pop(x) FROM t WHERE g = 2"), 0.0);
    assert_eq!(s(&c, "var_samp(x) FROM t WHERE g = 2"), "NULL");
    assert_eq!(s(&c, "std(x) FROM t WHERE g = 3"), "NULL");
    assert_eq!(s(&c, "variance(x) FROM t WHERE g = 9"), "NULL");
    let per_group: Vec<Option<f64>> = {
        let mut st = c
            .prepare("SELECT var_pop(x) FROM t GROUP BY g ORDER BY g")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(per_group, vec![Some(1.25), Some(0.0), None]);
}
