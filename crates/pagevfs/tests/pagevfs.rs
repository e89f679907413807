//! End-to-end tests of the page VFS with real threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use pagevfs::{page_key, MemStore, PageConnection, PageSpace, PageStore, SpaceConfig, SIZE_KEY};
use rusqlite::ErrorCode;

fn space_over(store: &Arc<MemStore>) -> Arc<PageSpace> {
    PageSpace::new(store.clone() as Arc<dyn PageStore>, SpaceConfig::default())
}

fn new_space() -> (Arc<MemStore>, Arc<PageSpace>) {
    let store = Arc::new(MemStore::new());
    let space = space_over(&store);
    (store, space)
}

fn count(conn: &PageConnection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn code(err: &rusqlite::Error) -> Option<ErrorCode> {
    err.sqlite_error_code()
}

fn store_size(store: &MemStore) -> u64 {
    let bytes = store.get(SIZE_KEY).unwrap().unwrap();
    u64::from_be_bytes(bytes.try_into().unwrap())
}

#[test]
fn rows_survive_reopen_and_restart() {
    let (store, space) = new_space();
    {
        let mut a = space.connect().unwrap();
        a.execute_batch(
            "CREATE TABLE t (a INTEGER, b TEXT, v INTEGER, PRIMARY KEY (a, b)) WITHOUT ROWID;
             CREATE INDEX t_v ON t (v);",
        )
        .unwrap();
        let tx = a.transaction().unwrap();
        {
            let mut ins = tx
                .prepare("INSERT INTO t (a, b, v) VALUES (?1, ?2, ?3)")
                .unwrap();
            for i in 0..10_000i64 {
                ins.execute(rusqlite::params![i / 10, format!("k{}", i % 10), i * 7])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
        assert_eq!(count(&a, "t"), 10_000);
    }
    // The page size is 4096 and the file length is stored.
    assert_eq!(store_size(&store) % 4096, 0);
    let page1 = store.get(&page_key(1)).unwrap().unwrap();
    assert_eq!(&page1[..16], b"SQLite format 3\0");
    assert_eq!(u16::from_be_bytes([page1[16], page1[17]]), 4096);

    // A new connection on the same space.
    let b = space.connect().unwrap();
    assert_eq!(count(&b, "t"), 10_000);
    drop(b);

    // A new space over the same store (a restart).
    let space2 = space_over(&store);
    let c = space2.connect().unwrap();
    assert_eq!(count(&c, "t"), 10_000);
    let v: i64 = c
        .query_row("SELECT v FROM t WHERE a = 123 AND b = 'k4'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(v, 1234 * 7);
    let (a, b): (i64, String) = c
        .query_row("SELECT a, b FROM t WHERE v = ?1", [777 * 7], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((a, b), (77, "k7".to_string()));
    let plan: String = c
        .query_row("EXPLAIN QUERY PLAN SELECT a FROM t WHERE v = 5", [], |r| {
            r.get(3)
        })
        .unwrap();
    assert!(plan.contains("t_v"), "{plan}");
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn reader_keeps_its_snapshot_and_never_waits() {
    let (_store, space) = new_space();
    let a = space.connect().unwrap();
    a.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);")
        .unwrap();
    a.execute_batch("BEGIN").unwrap();
    assert_eq!(count(&a, "t"), 2);

    let space_b = space.clone();
    let took = thread::spawn(move || {
        let b = space_b.connect().unwrap();
        let start = Instant::now();
        b.execute_batch("INSERT INTO t VALUES (3); INSERT INTO t VALUES (4);")
            .unwrap();
        assert_eq!(count(&b, "t"), 4);
        start.elapsed()
    })
    .join()
    .unwrap();
    assert!(took < Duration::from_secs(2), "writer waited {took:?}");

    // Still the old snapshot inside the transaction, old images retained for it.
    assert_eq!(count(&a, "t"), 2);
    assert!(space.retained_images() > 0);
    a.execute_batch("COMMIT").unwrap();
    assert_eq!(count(&a, "t"), 4);
    // No pin needs them any more.
    assert_eq!(space.retained_images(), 0);
}

#[test]
fn second_writer_waits_then_times_out() {
    let (_store, space) = new_space();
    let a = space.connect().unwrap();
    a.execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
    a.execute_batch("BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
        .unwrap();

    let started = Arc::new(Barrier::new(2));
    let (space_b, started_b) = (space.clone(), started.clone());
    let waiter = thread::spawn(move || {
        let b = space_b.connect().unwrap();
        started_b.wait();
        let start = Instant::now();
        let result = b.execute("INSERT INTO t VALUES (2)", []);
        (
            result.map_err(|e| e.to_string()),
            start.elapsed(),
            count(&b, "t"),
        )
    });
    started.wait();
    thread::sleep(Duration::from_millis(300));
    a.execute_batch("COMMIT").unwrap();
    let (result, waited, seen) = waiter.join().unwrap();
    assert_eq!(result, Ok(1));
    assert!(
        waited >= Duration::from_millis(250),
        "did not wait: {waited:?}"
    );
    assert_eq!(seen, 2);

    // With a short lock wait the second writer gives up with BUSY, as a timeout.
    a.execute_batch("BEGIN IMMEDIATE; INSERT INTO t VALUES (3);")
        .unwrap();
    let space_c = space.clone();
    let (err, waited, timed_out) = thread::spawn(move || {
        let c = space_c.connect().unwrap();
        c.set_lock_wait(Duration::from_millis(200));
        let start = Instant::now();
        let err = c.execute("INSERT INTO t VALUES (4)", []).unwrap_err();
        (code(&err), start.elapsed(), c.lock_timed_out())
    })
    .join()
    .unwrap();
    assert_eq!(err, Some(ErrorCode::DatabaseBusy));
    assert!(timed_out);
    assert!(waited >= Duration::from_millis(190), "{waited:?}");
    assert!(waited < Duration::from_secs(3), "waited twice? {waited:?}");
    a.execute_batch("COMMIT").unwrap();
    assert_eq!(count(&a, "t"), 3);

    // acquire_writer times out the same way, and release_writer is idempotent.
    assert!(a.acquire_writer(Duration::from_millis(10)));
    let d = space.connect().unwrap();
    assert!(!d.acquire_writer(Duration::from_millis(50)));
    assert!(d.lock_timed_out());
    a.release_writer();
    a.release_writer();
    assert!(d.acquire_writer(Duration::from_millis(50)));
    d.release_writer();
    assert!(!d.holds_writer());
}

#[test]
fn no_lost_updates_with_acquire_writer() {
    let (_store, space) = new_space();
    let setup = space.connect().unwrap();
    setup
        .execute_batch("CREATE TABLE c (n INTEGER); INSERT INTO c VALUES (0);")
        .unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let space = space.clone();
            thread::spawn(move || {
                let conn = space.connect().unwrap();
                for _ in 0..500 {
                    assert!(conn.acquire_writer(Duration::from_secs(30)));
                    conn.execute("UPDATE c SET n = n + 1", []).unwrap();
                    assert!(!conn.holds_writer());
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let n: i64 = setup
        .query_row("SELECT n FROM c", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2000);
}

#[test]
fn autocommit_writers_without_acquire_do_not_lose_updates() {
    let (_store, space) = new_space();
    let setup = space.connect().unwrap();
    setup
        .execute_batch("CREATE TABLE c (n INTEGER); INSERT INTO c VALUES (0);")
        .unwrap();
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let space = space.clone();
            thread::spawn(move || {
                let conn = space.connect().unwrap();
                for _ in 0..200 {
                    conn.execute("UPDATE c SET n = n + 1", []).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let n: i64 = setup
        .query_row("SELECT n FROM c", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 600);
}

#[test]
fn stale_snapshot_writer_gets_busy_then_redoes() {
    let (_store, space) = new_space();
    let a = space.connect().unwrap();
    a.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO t VALUES (1, 10);",
    )
    .unwrap();
    a.execute_batch("BEGIN").unwrap();
    let v: i64 = a
        .query_row("SELECT v FROM t WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 10);

    let b = space.connect().unwrap();
    b.execute("UPDATE t SET v = 20 WHERE id = 1", []).unwrap();

    let start = Instant::now();
    let err = a
        .execute("UPDATE t SET v = v + 1 WHERE id = 1", [])
        .unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::DatabaseBusy));
    assert!(!a.lock_timed_out());
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(!a.holds_writer());
    a.execute_batch("ROLLBACK").unwrap();

    a.execute_batch("BEGIN").unwrap();
    a.execute("UPDATE t SET v = v + 1 WHERE id = 1", [])
        .unwrap();
    a.execute_batch("COMMIT").unwrap();
    let v: i64 = b
        .query_row("SELECT v FROM t WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 21);

    // A pre-acquired writer lock makes BEGIN IMMEDIATE start on the head.
    let c = space.connect().unwrap();
    assert!(c.acquire_writer(Duration::from_secs(1)));
    b.execute("SELECT 1", []).ok();
    c.execute_batch("BEGIN IMMEDIATE; UPDATE t SET v = v * 2 WHERE id = 1; COMMIT;")
        .unwrap();
    assert!(!c.holds_writer());
    let v: i64 = b
        .query_row("SELECT v FROM t WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 42);
}

#[test]
fn failed_store_commit_fails_commit_and_leaves_store_unchanged() {
    let (store, space) = new_space();
    let a = space.connect().unwrap();
    a.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    let before = store.contents();
    let commits = store.commit_count();

    a.execute_batch("BEGIN; INSERT INTO t VALUES (2); INSERT INTO t VALUES (3);")
        .unwrap();
    store.fail_next_commit("volume unavailable: quorum lost");
    let err = a.execute_batch("COMMIT").unwrap_err();
    assert!(
        matches!(code(&err), Some(ErrorCode::SystemIoFailure)),
        "{err:?}"
    );
    assert_eq!(store.contents(), before);
    assert_eq!(store.commit_count(), commits);
    assert_eq!(
        a.take_store_error().as_deref(),
        Some("volume unavailable: quorum lost")
    );
    assert_eq!(a.take_store_error(), None);
    assert!(!a.holds_writer());

    // SQLite rolled the transaction back; a ROLLBACK is harmless and the connection works.
    let _ = a.execute_batch("ROLLBACK");
    assert_eq!(count(&a, "t"), 1);
    a.execute("INSERT INTO t VALUES (4)", []).unwrap();
    assert_eq!(count(&a, "t"), 2);
    let other = space.connect().unwrap();
    assert_eq!(count(&other, "t"), 2);
    let sum: i64 = other
        .query_row("SELECT sum(x) FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sum, 5);
}

#[test]
fn generation_change_drops_caches_and_old_connections() {
    let (store, space) = new_space();
    let a = space.connect().unwrap();
    a.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    let earlier = store.contents();
    let epoch = space.epoch();
    a.execute("INSERT INTO t VALUES (2)", []).unwrap();
    assert_eq!(count(&a, "t"), 2);
    assert!(a.is_current());

    store.restore(earlier);
    assert!(!a.is_current());
    assert_eq!(space.epoch(), epoch + 1);

    let b = space.connect().unwrap();
    assert!(b.is_current());
    assert_eq!(count(&b, "t"), 1);
    b.execute("INSERT INTO t VALUES (5)", []).unwrap();
    let space2 = space_over(&store);
    let c = space2.connect().unwrap();
    let sum: i64 = c
        .query_row("SELECT sum(x) FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sum, 6);
}

#[test]
fn reader_sees_consistent_data_during_many_commits() {
    race(SpaceConfig::default());
}

#[test]
fn reader_sees_consistent_data_with_a_tiny_cache() {
    // Most reads go to the store, concurrently with commits.
    race(SpaceConfig {
        cache_bytes: 16 * 1024,
        ..SpaceConfig::default()
    });
}

fn race(config: SpaceConfig) {
    let store = Arc::new(MemStore::new());
    let space = PageSpace::new(store as Arc<dyn PageStore>, config);
    let setup = space.connect().unwrap();
    setup
        .execute_batch(
            "CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INTEGER, pad TEXT);
             INSERT INTO acct VALUES (1, 1000, ''), (2, 0, '');",
        )
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let space = space.clone();
            thread::spawn(move || {
                let conn = space.connect().unwrap();
                for i in 0..1000i64 {
                    assert!(conn.acquire_writer(Duration::from_secs(30)));
                    let amount = (i % 7) + w;
                    // Grow and shrink a padding column so pages split and free.
                    let pad = "x".repeat(((i * 37) % 3000) as usize);
                    conn.execute_batch(&format!(
                        "BEGIN IMMEDIATE;
                         UPDATE acct SET bal = bal - {amount}, pad = '{pad}' WHERE id = 1;
                         UPDATE acct SET bal = bal + {amount} WHERE id = 2;
                         COMMIT;"
                    ))
                    .unwrap();
                }
            })
        })
        .collect();
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let space = space.clone();
            let stop = stop.clone();
            thread::spawn(move || {
                let conn = space.connect().unwrap();
                // A tiny SQLite page cache, so pages are re-read from the space.
                conn.execute_batch("PRAGMA cache_size = 2").unwrap();
                let mut checks = 0u32;
                let mut overlapped = 0u32;
                while !stop.load(Ordering::SeqCst) && checks < 100_000 {
                    conn.execute_batch("BEGIN").unwrap();
                    let v0 = space.head_version();
                    let first: i64 = conn
                        .query_row("SELECT sum(bal) FROM acct", [], |r| r.get(0))
                        .unwrap();
                    thread::yield_now();
                    let b1: i64 = conn
                        .query_row("SELECT bal FROM acct WHERE id = 1", [], |r| r.get(0))
                        .unwrap();
                    let b2: i64 = conn
                        .query_row("SELECT bal FROM acct WHERE id = 2", [], |r| r.get(0))
                        .unwrap();
                    if space.head_version() != v0 {
                        overlapped += 1;
                    }
                    conn.execute_batch("COMMIT").unwrap();
                    assert_eq!(first, 1000);
                    assert_eq!(b1 + b2, 1000);
                    // Autocommit reads too.
                    let s: i64 = conn
                        .query_row("SELECT sum(bal) FROM acct", [], |r| r.get(0))
                        .unwrap();
                    assert_eq!(s, 1000);
                    checks += 1;
                }
                (checks, overlapped)
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::SeqCst);
    let mut total_overlapped = 0;
    for r in readers {
        let (checks, overlapped) = r.join().unwrap();
        total_overlapped += overlapped;
        assert!(checks > 0);
    }
    // Some reader transactions ran while commits landed.
    assert!(total_overlapped > 0);
    let ok: String = setup
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    assert_eq!(space.retained_images(), 0);
}

#[test]
fn vacuum_truncates_in_the_same_commit() {
    let (store, space) = new_space();
    let a = space.connect().unwrap();
    a.execute_batch(
        "CREATE TABLE big (x TEXT); CREATE TABLE keep (y INTEGER); INSERT INTO keep VALUES (7);",
    )
    .unwrap();
    a.execute_batch("BEGIN").unwrap();
    for _ in 0..300 {
        a.execute("INSERT INTO big VALUES (?1)", [&"z".repeat(2000)])
            .unwrap();
    }
    a.execute_batch("COMMIT").unwrap();
    let big_size = store_size(&store);
    let big_pages = big_size / 4096;
    assert!(big_pages > 100);
    assert!(store.get(&page_key(big_pages as u32)).unwrap().is_some());

    // A reader pinned before the shrink keeps seeing the big file.
    let r = space.connect().unwrap();
    r.execute_batch("BEGIN").unwrap();
    assert_eq!(count(&r, "big"), 300);

    a.execute_batch("DROP TABLE big; VACUUM;").unwrap();
    let small_size = store_size(&store);
    assert!(small_size < big_size / 10, "{small_size} vs {big_size}");
    let small_pages = (small_size / 4096) as u32;
    for page in (small_pages + 1)..=(big_pages as u32) {
        assert!(store.get(&page_key(page)).unwrap().is_none(), "page {page}");
    }
    assert_eq!(count(&r, "big"), 300);
    r.execute_batch("COMMIT").unwrap();
    let ok: String = r
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let y: i64 = r.query_row("SELECT y FROM keep", [], |r| r.get(0)).unwrap();
    assert_eq!(y, 7);

    let fresh = space_over(&store).connect().unwrap();
    let ok: String = fresh
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn head_cache_stays_within_budget() {
    let store = Arc::new(MemStore::new());
    let space = PageSpace::new(
        store.clone() as Arc<dyn PageStore>,
        SpaceConfig {
            cache_bytes: 64 * 1024,
            ..SpaceConfig::default()
        },
    );
    let a = space.connect().unwrap();
    a.execute_batch("CREATE TABLE t (x TEXT)").unwrap();
    a.execute_batch("BEGIN").unwrap();
    for _ in 0..200 {
        a.execute("INSERT INTO t VALUES (?1)", [&"q".repeat(1000)])
            .unwrap();
    }
    a.execute_batch("COMMIT").unwrap();
    assert!(space.cached_bytes() <= 64 * 1024);
    let b = space.connect().unwrap();
    assert_eq!(count(&b, "t"), 200);
    assert!(space.cached_bytes() <= 64 * 1024);
}

#[test]
fn one_store_commit_per_sql_commit() {
    let (store, space) = new_space();
    let a = space.connect().unwrap();
    a.execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
    let n = store.commit_count();
    a.execute("INSERT INTO t VALUES (1)", []).unwrap();
    assert_eq!(store.commit_count(), n + 1);
    a.execute_batch(
        "BEGIN; INSERT INTO t VALUES (2); INSERT INTO t VALUES (3); UPDATE t SET x = x + 1; COMMIT;",
    )
    .unwrap();
    assert_eq!(store.commit_count(), n + 2);
    assert_eq!(count(&a, "t"), 3);
    a.execute_batch("BEGIN IMMEDIATE; COMMIT;").unwrap();
    a.execute_batch("BEGIN; SELECT * FROM t; ROLLBACK;")
        .unwrap();
    a.execute_batch("BEGIN; INSERT INTO t VALUES (9); ROLLBACK;")
        .unwrap();
    assert_eq!(store.commit_count(), n + 2);
    a.execute_batch("VACUUM").unwrap();
    assert_eq!(store.commit_count(), n + 3);
    assert_eq!(count(&a, "t"), 3);
}

#[test]
fn spilled_transaction_rolls_back_and_commits() {
    let (store, space) = new_space();
    let a = space.connect().unwrap();
    a.execute_batch("PRAGMA cache_size = 5; CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a');")
        .unwrap();
    let before = store.contents();
    let commits = store.commit_count();
    let fill = |conn: &PageConnection| {
        for i in 0..400 {
            conn.execute("INSERT INTO t VALUES (?1)", [&format!("{i:0>1500}")])
                .unwrap();
        }
    };
    // The page cache spills to the handle's buffer; a rollback must leave the store as it was.
    a.execute_batch("BEGIN").unwrap();
    fill(&a);
    let b = space.connect().unwrap();
    assert_eq!(count(&b, "t"), 1);
    a.execute_batch("ROLLBACK").unwrap();
    assert_eq!(
        store.commit_count(),
        commits,
        "a rollback is no store commit"
    );
    assert_eq!(store.contents().get(&page_key(1)), before.get(&page_key(1)));
    assert_eq!(store_size(&store), {
        let bytes = before.get(SIZE_KEY).unwrap().clone();
        u64::from_be_bytes(bytes.try_into().unwrap())
    });
    assert_eq!(count(&a, "t"), 1);
    assert_eq!(count(&b, "t"), 1);

    // The same with a failing store commit, then for real.
    a.execute_batch("BEGIN").unwrap();
    fill(&a);
    store.fail_next_commit("disk on fire");
    assert!(a.execute_batch("COMMIT").is_err());
    assert_eq!(a.take_store_error().as_deref(), Some("disk on fire"));
    let _ = a.execute_batch("ROLLBACK");
    assert_eq!(count(&a, "t"), 1);
    assert_eq!(count(&b, "t"), 1);

    a.execute_batch("BEGIN").unwrap();
    fill(&a);
    a.execute_batch("COMMIT").unwrap();
    assert_eq!(count(&b, "t"), 401);
    let fresh = space_over(&store).connect().unwrap();
    assert_eq!(count(&fresh, "t"), 401);
    let ok: String = fresh
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn long_reader_keeps_one_old_image_per_page() {
    let (_store, space) = new_space();
    let a = space.connect().unwrap();
    a.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO t VALUES (1, 0);",
    )
    .unwrap();
    let r = space.connect().unwrap();
    r.execute_batch("BEGIN").unwrap();
    let v: i64 = r
        .query_row("SELECT v FROM t", [], |row| row.get(0))
        .unwrap();
    assert_eq!(v, 0);
    for i in 1..=50 {
        a.execute("UPDATE t SET v = ?1", [i]).unwrap();
    }
    // Page 1 and the table's leaf: one old image each, not one per commit.
    assert!(space.retained_images() <= 4, "{}", space.retained_images());
    let v: i64 = r
        .query_row("SELECT v FROM t", [], |row| row.get(0))
        .unwrap();
    assert_eq!(v, 0);
    r.execute_batch("COMMIT").unwrap();
    assert_eq!(space.retained_images(), 0);
    let v: i64 = r
        .query_row("SELECT v FROM t", [], |row| row.get(0))
        .unwrap();
    assert_eq!(v, 50);
}

#[test]
fn statement_rollback_inside_a_transaction() {
    let (_store, space) = new_space();
    let a = space.connect().unwrap();
    a.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
        .unwrap();
    a.execute_batch("BEGIN; INSERT INTO t VALUES (1, 'a'), (2, 'b');")
        .unwrap();
    let err = a
        .execute("INSERT INTO t VALUES (3, 'c'), (4, 'a')", [])
        .unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::ConstraintViolation));
    a.execute_batch("SAVEPOINT s; INSERT INTO t VALUES (5, 'e'); ROLLBACK TO s; RELEASE s;")
        .unwrap();
    a.execute_batch("INSERT INTO t VALUES (6, 'f'); COMMIT;")
        .unwrap();
    let b = space.connect().unwrap();
    let ids: Vec<i64> = b
        .prepare("SELECT id FROM t ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ids, vec![1, 2, 6]);
}

#[test]
fn dropping_a_connection_frees_the_writer_lock() {
    let (store, space) = new_space();
    let a = space.connect().unwrap();
    a.execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
    let commits = store.commit_count();
    a.execute_batch("BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
        .unwrap();
    assert!(a.holds_writer());
    drop(a);
    let b = space.connect().unwrap();
    b.set_lock_wait(Duration::from_millis(100));
    assert_eq!(count(&b, "t"), 0);
    assert_eq!(store.commit_count(), commits);

    let c = space.connect().unwrap();
    assert!(c.acquire_writer(Duration::from_millis(100)));
    drop(c);
    b.execute("INSERT INTO t VALUES (2)", []).unwrap();
    assert_eq!(count(&b, "t"), 1);
    assert_eq!(space.retained_images(), 0);
}
