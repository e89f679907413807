//! One suite, every backend: what the domain relies on must hold for sled and memory alike.

use store::{Batch, MemoryStore, SledStore, Store};

fn batch(ops: &[(&str, Option<&str>)]) -> Batch {
    let mut b = Batch::default();
    for (k, v) in ops {
        match v {
            Some(v) => b.put(k.as_bytes(), v.as_bytes()),
            None => b.delete(k.as_bytes()),
        }
    }
    b
}

fn keys(entries: Vec<(Vec<u8>, Vec<u8>)>) -> Vec<String> {
    entries
        .into_iter()
        .map(|(k, _)| String::from_utf8(k).unwrap())
        .collect()
}

fn puts_gets_and_deletes(s: &dyn Store) {
    s.apply(
        "t",
        batch(&[("a", Some("1")), ("b", Some("2")), ("a", Some("3"))]),
    )
    .unwrap();
    assert_eq!(
        s.get("t", b"a").unwrap(),
        Some(b"3".to_vec()),
        "later op in a batch wins"
    );
    assert_eq!(s.get("other", b"a").unwrap(), None, "trees are separate");
    s.apply("t", batch(&[("b", None)])).unwrap();
    assert_eq!(s.get("t", b"b").unwrap(), None);
}

fn scans_in_key_order_within_prefix(s: &dyn Store) {
    s.apply(
        "t",
        batch(&[
            ("p/2", Some("")),
            ("p/1", Some("")),
            ("q/1", Some("")),
            ("p", Some("")),
        ]),
    )
    .unwrap();
    assert_eq!(keys(s.scan_prefix("t", b"p/").unwrap()), vec!["p/1", "p/2"]);
    assert_eq!(
        keys(s.scan_prefix("t", b"").unwrap()),
        vec!["p", "p/1", "p/2", "q/1"]
    );
    assert!(s.scan_prefix("missing", b"").unwrap().is_empty());
}

fn ranges_are_half_open_and_last_is_inclusive(s: &dyn Store) {
    s.apply(
        "t",
        batch(&[
            ("a1", Some("")),
            ("a2", Some("")),
            ("a3", Some("")),
            ("b1", Some("")),
        ]),
    )
    .unwrap();
    assert_eq!(
        keys(s.scan_range("t", b"a2", b"b1", 10).unwrap()),
        vec!["a2", "a3"]
    );
    assert_eq!(
        keys(s.scan_range("t", b"a", b"z", 2).unwrap()),
        vec!["a1", "a2"]
    );
    assert!(s.scan_range("t", b"b", b"a", 10).unwrap().is_empty());
    let last = |lo: &str, hi: &str| {
        s.last_in_range("t", lo.as_bytes(), hi.as_bytes())
            .unwrap()
            .map(|(k, _)| String::from_utf8(k).unwrap())
    };
    assert_eq!(last("a", "a2"), Some("a2".into()));
    assert_eq!(last("a", "a9"), Some("a3".into()));
    assert_eq!(last("a3x", "a9"), None);
    s.clear_tree("t").unwrap();
    assert!(s.scan_prefix("t", b"").unwrap().is_empty());
}

fn clear_all_empties_every_tree(s: &dyn Store) {
    s.apply("t1", batch(&[("a", Some("1"))])).unwrap();
    s.apply("t2", batch(&[("b", Some("2"))])).unwrap();
    s.clear_all().unwrap();
    assert!(s.scan_prefix("t1", b"").unwrap().is_empty());
    assert!(s.scan_prefix("t2", b"").unwrap().is_empty());
    s.apply("t1", batch(&[("c", Some("3"))])).unwrap();
    assert_eq!(
        s.get("t1", b"c").unwrap(),
        Some(b"3".to_vec()),
        "usable after clear"
    );
}

macro_rules! conformance {
    ($backend:ident, $make:expr) => {
        mod $backend {
            use super::*;
            #[test]
            fn puts_gets_and_deletes() {
                let (_dir, s) = $make;
                super::puts_gets_and_deletes(&s);
            }
            #[test]
            fn scans_in_key_order_within_prefix() {
                let (_dir, s) = $make;
                super::scans_in_key_order_within_prefix(&s);
            }
            #[test]
            fn ranges_are_half_open_and_last_is_inclusive() {
                let (_dir, s) = $make;
                super::ranges_are_half_open_and_last_is_inclusive(&s);
            }
            #[test]
            fn clear_all_empties_every_tree() {
                let (_dir, s) = $make;
                super::clear_all_empties_every_tree(&s);
            }
        }
    };
}

conformance!(memory, ((), MemoryStore::new()));
conformance!(sled, {
    let dir = tempfile::tempdir().unwrap();
    let s = SledStore::open(dir.path()).unwrap();
    (dir, s)
});

#[test]
fn sled_writes_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = SledStore::open(dir.path()).unwrap();
        s.apply("t", batch(&[("k", Some("v"))])).unwrap();
    }
    let s = SledStore::open(dir.path()).unwrap();
    assert_eq!(s.get("t", b"k").unwrap(), Some(b"v".to_vec()));
}
