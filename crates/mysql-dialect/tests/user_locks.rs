//! GET_LOCK and the other user-level lock functions, shared by a cluster's sessions, as
//! migration tools use them.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use mysql_dialect::{Outcome, UserLocks};

/// A session of `cluster` with connection id `id`, sharing `locks`.
fn session(cluster: &Cluster, locks: &Arc<UserLocks>, id: u32) -> Conn {
    Conn::with(
        cluster,
        config("admin@10.0.0.1")
            .with_connection_id(id)
            .with_user_locks(locks.clone()),
    )
}

#[test]
fn a_lock_is_exclusive_between_sessions_and_reentrant_within_one() {
    let cluster = Cluster::new();
    let locks = Arc::new(UserLocks::default());
    let mut a = session(&cluster, &locks, 7);
    let mut b = session(&cluster, &locks, 8);

    assert_eq!(
        a.q("SELECT GET_LOCK('migrations', 0), RELEASE_LOCK('migrations'), RELEASE_LOCK('never')"),
        rows(&[&["1", "1", "NULL"]])
    );
    assert_eq!(a.val("SELECT GET_LOCK('migrations', 0)"), "1");
    assert_eq!(
        a.val("SELECT GET_LOCK('Migrations', 0)"),
        "1",
        "re-entrant, any case"
    );
    assert_eq!(b.val("SELECT GET_LOCK('migrations', 0)"), "0");
    assert_eq!(b.val("SELECT IS_USED_LOCK('MIGRATIONS')"), "7");
    assert_eq!(b.val("SELECT IS_FREE_LOCK('migrations')"), "0");
    assert_eq!(
        b.val("SELECT RELEASE_LOCK('migrations')"),
        "0",
        "not b's to release"
    );
    assert_eq!(a.val("SELECT RELEASE_LOCK('migrations')"), "1");
    assert_eq!(
        b.val("SELECT GET_LOCK('migrations', 0)"),
        "0",
        "still taken once"
    );
    assert_eq!(a.val("SELECT RELEASE_LOCK('migrations')"), "1");
    assert_eq!(b.val("SELECT IS_FREE_LOCK('migrations')"), "1");
    assert_eq!(b.val("SELECT IS_USED_LOCK('migrations')"), "NULL");
    assert_eq!(b.val("SELECT GET_LOCK('migrations', 0)"), "1");

    // Locks outlive transactions; RELEASE_ALL_LOCKS counts every time one was taken.
    b.exec("BEGIN; SELECT GET_LOCK('other', 0); SELECT GET_LOCK('other', 0); ROLLBACK");
    assert_eq!(a.val("SELECT IS_USED_LOCK('other')"), "8");
    assert_eq!(b.val("SELECT RELEASE_ALL_LOCKS()"), "3");
    assert_eq!(b.val("SELECT RELEASE_ALL_LOCKS()"), "0");
    assert_eq!(a.val("SELECT IS_FREE_LOCK('other')"), "1");
}

#[test]
fn bad_lock_names_are_3057() {
    let cluster = Cluster::new();
    let mut c = Conn::new(&cluster);
    let e = c.err("SELECT GET_LOCK('', 0)");
    assert_eq!(
        (e.code, e.message.as_str()),
        (3057, "Incorrect user-level lock name ''.")
    );
    assert_eq!(c.err("SELECT RELEASE_LOCK(NULL)").code, 3057);
    let long = "x".repeat(65);
    assert_eq!(c.err(&format!("SELECT IS_FREE_LOCK('{long}')")).code, 3057);
    assert_eq!(
        c.val(&format!("SELECT GET_LOCK('{}', 0)", &long[..64])),
        "1"
    );
}

#[test]
fn a_waiting_get_lock_gets_the_lock_when_it_is_released_or_times_out() {
    let cluster = Cluster::new();
    let locks = Arc::new(UserLocks::default());
    let mut a = session(&cluster, &locks, 1);
    let mut b = session(&cluster, &locks, 2);
    assert_eq!(a.val("SELECT GET_LOCK('deploy', 10)"), "1");

    let start = Instant::now();
    assert_eq!(b.val("SELECT GET_LOCK('deploy', 1)"), "0");
    assert!(
        start.elapsed() >= Duration::from_millis(900),
        "waited its timeout"
    );

    let waiter = std::thread::spawn(move || {
        let start = Instant::now();
        let got = b.val("SELECT GET_LOCK('deploy', 30)");
        (got, start.elapsed(), b)
    });
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(a.val("SELECT RELEASE_LOCK('deploy')"), "1");
    let (got, waited, b) = waiter.join().unwrap();
    assert_eq!(got, "1");
    assert!(waited < Duration::from_secs(10), "woken by the release");
    assert_eq!(a.val("SELECT IS_USED_LOCK('deploy')"), "2");

    // A session that ends gives its locks back.
    drop(b);
    assert_eq!(a.val("SELECT IS_FREE_LOCK('deploy')"), "1");
}

#[test]
fn a_killed_get_lock_stops_waiting() {
    let cluster = Cluster::new();
    let locks = Arc::new(UserLocks::default());
    let mut a = session(&cluster, &locks, 1);
    let mut b = session(&cluster, &locks, 2);
    assert_eq!(a.val("SELECT GET_LOCK('deploy', 0)"), "1");
    let interrupt = b.s.interrupt_handle();
    let waiter = std::thread::spawn(move || {
        let start = Instant::now();
        let out = b.one("SELECT GET_LOCK('deploy', -1)");
        (out, start.elapsed())
    });
    std::thread::sleep(Duration::from_millis(200));
    interrupt.interrupt();
    let (out, waited) = waiter.join().unwrap();
    assert!(
        waited < Duration::from_secs(10),
        "stopped by KILL: {waited:?}"
    );
    match out {
        Outcome::Error(e) => assert_eq!(e.code, 1317),
        Outcome::Rows(r) => assert_eq!(r.rows, vec![vec![None]]),
        other => panic!("{other:?}"),
    }
    assert_eq!(a.val("SELECT IS_USED_LOCK('deploy')"), "1");
}

#[test]
fn waiting_in_a_cycle_is_3058() {
    let cluster = Cluster::new();
    let locks = Arc::new(UserLocks::default());
    let mut a = session(&cluster, &locks, 1);
    let mut b = session(&cluster, &locks, 2);
    assert_eq!(a.val("SELECT GET_LOCK('l1', 0)"), "1");
    assert_eq!(b.val("SELECT GET_LOCK('l2', 0)"), "1");
    let waiter = std::thread::spawn(move || {
        let got = a.val("SELECT GET_LOCK('l2', 30)");
        (got, a)
    });
    std::thread::sleep(Duration::from_millis(200));
    let e = b.err("SELECT GET_LOCK('l1', 30)");
    assert_eq!(e.code, 3058);
    assert_eq!(b.val("SELECT RELEASE_LOCK('l2')"), "1");
    let (got, _a) = waiter.join().unwrap();
    assert_eq!(got, "1");
}
