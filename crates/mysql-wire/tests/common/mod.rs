//! Test harness: the toy server on 127.0.0.1:0 in its own runtime thread, a runner for client
//! programs with a deadline, and a hand-written raw client.
#![allow(dead_code)] // each test file uses part of it

pub mod raw;
pub mod toy;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mysql_wire::{serve_connection, ConnectionParams, ServerConfig};
use tokio::sync::watch;

pub use toy::{Journal, ToySession, PASSWORD, USER};

/// How each connection served by a [`TestServer`] ended.
pub type Outcomes = Arc<Mutex<Vec<Result<(), String>>>>;

/// The toy server, listening on a loopback port until dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub journal: Journal,
    pub outcomes: Outcomes,
    /// Bumped to close every open connection through its `shutdown` future.
    kill: watch::Sender<u64>,
    /// Dropped to stop the accept loop.
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start() -> Self {
        Self::with_config(ServerConfig::default())
    }

    pub fn with_config(config: ServerConfig) -> Self {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let addr = std_listener.local_addr().expect("local addr");
        let journal = Journal::default();
        let outcomes = Outcomes::default();
        let (kill, _) = watch::channel(0u64);
        let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (j, o, k) = (journal.clone(), outcomes.clone(), kill.clone());
        let config = Arc::new(config);
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).expect("listener");
                let mut next_id = 1u32;
                loop {
                    let stream = tokio::select! {
                        accepted = listener.accept() => match accepted {
                            Ok((stream, _)) => stream,
                            Err(_) => continue,
                        },
                        _ = &mut stop_rx => break,
                    };
                    let params = ConnectionParams {
                        connection_id: next_id,
                        random: pseudo_random(next_id),
                    };
                    next_id += 1;
                    let session = ToySession {
                        journal: j.clone(),
                        ..ToySession::default()
                    };
                    let mut rx = k.subscribe();
                    let shutdown = async move {
                        let _ = rx.changed().await;
                    };
                    let (config, outcomes) = (config.clone(), o.clone());
                    tokio::spawn(async move {
                        let r = serve_connection(stream, &config, params, session, shutdown).await;
                        outcomes.lock().unwrap().push(r.map_err(|e| e.to_string()));
                    });
                }
            });
        });
        TestServer {
            addr,
            journal,
            outcomes,
            kill,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn port(&self) -> String {
        self.addr.port().to_string()
    }

    /// Fires the `shutdown` future of every open connection.
    pub fn kill_connections(&self) {
        self.kill.send_modify(|g| *g += 1);
    }

    pub fn journal(&self) -> Vec<String> {
        self.journal.lock().unwrap().clone()
    }

    /// Waits until `n` connections have ended and returns their outcomes.
    pub fn wait_outcomes(&self, n: usize, within: Duration) -> Vec<Result<(), String>> {
        let deadline = Instant::now() + within;
        loop {
            let o = self.outcomes.lock().unwrap().clone();
            if o.len() >= n || Instant::now() > deadline {
                return o;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill_connections();
        self.stop.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Deterministic scramble bytes per connection (xorshift), standing in for real randomness.
fn pseudo_random(seed: u32) -> [u8; 20] {
    let mut x = u64::from(seed).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    std::array::from_fn(|_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 24) as u8
    })
}

/// What a client program did.
pub struct Run {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// Runs a program with `stdin`, killing it and failing the test after `timeout`.
pub fn run_with_deadline(mut cmd: Command, stdin: Vec<u8>, timeout: Duration) -> Run {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let mut input = child.stdin.take().expect("stdin");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let stdout = reader.join().unwrap_or_default();
            let stderr = err_reader.join().unwrap_or_default();
            panic!(
                "{what} did not finish within {timeout:?}\nstdout: {}\nstderr: {stderr}",
                String::from_utf8_lossy(&stdout[..stdout.len().min(4000)])
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let _ = writer.join();
    Run {
        status,
        stdout: reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// The `mysql` command-line client; fails the test when it is not installed.
pub fn mysql_bin() -> PathBuf {
    find_on_path("mysql").unwrap_or_else(|| {
        panic!(
            "the `mysql` client is not installed: these tests drive Debian's mariadb-client \
             (`apt-get install -y mariadb-client`, which scripts/test does)"
        )
    })
}

pub fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// A `mysql` command against `server`, isolated from the user's own option file and history.
pub fn mysql_cmd(server: &TestServer, args: &[&str]) -> Command {
    let mut cmd = Command::new(mysql_bin());
    cmd.env("HOME", std::env::temp_dir())
        .env("MYSQL_HISTFILE", "/dev/null")
        .env_remove("MYSQL_PWD")
        .env_remove("MYSQL_HOST")
        .env_remove("MYSQL_TCP_PORT")
        .args(["-h", "127.0.0.1", "-P", &server.port()])
        .args(args);
    cmd
}

/// Seeded xorshift for the fuzz tests, so a failure can be replayed.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// The interpreter of the Python driver tests: `$REWIND_PYTHON`, else the workspace's
/// `.venv/bin/python`. Fails the test with instructions when it cannot import `module`.
pub fn python(module: &str) -> PathBuf {
    let python = std::env::var_os("REWIND_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python")
        });
    let ok = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "{module} is not importable with {}: install it into .venv (scripts/test installs \
         PyMySQL and mysql-connector-python from tests-e2e/requirements.txt), or point \
         REWIND_PYTHON at an interpreter that has it",
        python.display()
    );
    python
}

/// Runs a Python script against `server`: `module` (and datetime, decimal, sys) imported,
/// `PORT` set, then `prelude` (which defines `connect`) and `body`; the script prints `ok` at
/// the end. Returns its output.
pub fn run_python(server: &TestServer, module: &str, prelude: &str, body: &str) -> String {
    let script = format!(
        "import datetime, decimal, sys, {module}\nPORT = {port}\n{prelude}{body}\nprint('ok')\n",
        port = server.port()
    );
    let mut cmd = Command::new(python(module));
    cmd.arg("-c").arg(script);
    let r = run_with_deadline(cmd, Vec::new(), Duration::from_secs(60));
    assert!(
        r.status.success(),
        "python failed:\n{}\nstdout: {}",
        r.stderr,
        r.stdout()
    );
    let out = r.stdout();
    assert!(out.ends_with("ok\n"), "{out}");
    out
}
