//! `rewind`: starts the emulator. Reads its configuration from flags or `REWIND_*` variables,
//! opens the store, resumes any transitions in flight and serves on 127.0.0.1 by default.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aurora::{Aurora, Config, Env, Pace};
use clap::Parser;
use server::Limits;
use store::{MemoryStore, SledStore, Store};

/// Rewind: an emulator of the Amazon RDS control plane for Aurora MySQL, with Backtrack.
#[derive(Debug, Parser)]
#[command(name = "rewind", version, about)]
struct Cli {
    /// Address to serve the RDS Query API on (loopback by default).
    #[arg(long, env = "REWIND_LISTEN", default_value = "127.0.0.1:4599")]
    listen: SocketAddr,

    /// Directory of the sled store that keeps all state across restarts.
    #[arg(long, env = "REWIND_DATA_DIR", default_value = ".rewind")]
    data_dir: PathBuf,

    /// Keep all state in memory only; nothing survives a restart.
    #[arg(long, env = "REWIND_IN_MEMORY")]
    in_memory: bool,

    /// How long transitions take: `fast` (~100 ms each) or `realistic` (AWS-like minutes).
    #[arg(long, env = "REWIND_PACE", default_value = "fast")]
    pace: Pace,

    /// Most change records each cluster keeps for backtrack. Unset: only the window limits
    /// history. Set it to see the actual window fall short of the target under heavy writes.
    #[arg(long, env = "REWIND_BACKTRACK_CAPACITY")]
    backtrack_capacity: Option<u64>,

    /// The account id used in ARNs.
    #[arg(long, env = "REWIND_ACCOUNT_ID", default_value = "000000000000")]
    account_id: String,

    /// Largest Query API request body accepted, in bytes; a larger one gets 413
    /// RequestEntityTooLarge.
    #[arg(long, env = "REWIND_MAX_BODY_BYTES", default_value_t = Limits::default().max_body_bytes)]
    max_body_bytes: usize,

    /// Seconds a Query API client may take to send a request's headers (or keep an idle
    /// connection open) before the connection is closed.
    #[arg(long, env = "REWIND_HEADER_READ_TIMEOUT", default_value = "10", value_parser = seconds)]
    header_read_timeout: Duration,

    /// Seconds a Query API client may take to send a request's body; then 408 RequestTimeout.
    #[arg(long, env = "REWIND_BODY_READ_TIMEOUT", default_value = "30", value_parser = seconds)]
    body_read_timeout: Duration,

    /// Query API connections served at once; further ones wait to be accepted.
    #[arg(long, env = "REWIND_MAX_HTTP_CONNECTIONS", default_value_t = Limits::default().max_connections)]
    max_http_connections: usize,

    /// Seconds a SIGTERM or Ctrl-C waits for requests and statements in flight before the
    /// process exits anyway (running MySQL statements are interrupted at once).
    #[arg(long, env = "REWIND_SHUTDOWN_GRACE", default_value = "10", value_parser = seconds)]
    shutdown_grace: Duration,

    /// Also write every Query-API response body to this directory (used by the test suites to
    /// check responses against the service model).
    #[arg(long, env = "REWIND_RECORD_DIR", hide = true)]
    record_dir: Option<PathBuf>,
}

/// A duration given in (possibly fractional) seconds.
fn seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("expected a positive number of seconds, got '{text}'"))
}

/// The one place that reads the system clock and OS entropy: it seeds the injected `Env`.
#[allow(clippy::disallowed_methods)]
fn real_env() -> Env {
    let seed = u64::from_le_bytes(
        uuid::Uuid::new_v4().as_bytes()[..8]
            .try_into()
            .unwrap_or([7; 8]),
    );
    Env::new(chrono::Utc::now(), seed).with_address_blocks(Arc::new(
        dataplane::LoopbackBlocks::new(dataplane::CLAIM_PORT),
    ))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    tune_malloc();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_target(false)
        .with_ansi(false)
        .init();
    match run(cli).await {
        // Exit at once: tasks still running after the grace period (a statement that did not
        // stop) must not keep the process, and the store's lock, alive.
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("rewind: {e}");
            std::process::exit(1);
        }
    }
}

/// glibc's malloc settings for a server whose big, short-lived buffers (a commit's page
/// images and log group, sled's 512 KiB write buffers) are freed by other threads than the ones
/// that allocated them. By default glibc keeps an arena per thread (up to 8 per core), each
/// keeping its freed memory, and raises its mmap threshold to the size of each large block freed
/// (up to 32 MiB), after which those buffers come from the arenas too: loading 1 million
/// sysbench rows left RSS at 430 MB over a heap of 260 MB. One arena (threads keep their own
/// small caches in front of it) and a fixed 128 KiB threshold, so large blocks stay mmapped
/// and go back to the OS when freed, kept it at 250 MB. glibc reads these only at startup and
/// setting them in-process needs unsafe code, so the process re-executes itself once with them
/// set (same pid, arguments and environment otherwise); a variable already set is left alone.
fn tune_malloc() {
    use std::os::unix::process::CommandExt;
    const SETTINGS: [(&str, &str); 2] = [
        ("MALLOC_ARENA_MAX", "1"),
        ("MALLOC_MMAP_THRESHOLD_", "131072"),
    ];
    const DONE: &str = "REWIND_MALLOC_TUNED";
    if !cfg!(all(target_os = "linux", target_env = "gnu")) || std::env::var_os(DONE).is_some() {
        return;
    }
    let mut args = std::env::args_os();
    let (Ok(exe), Some(arg0)) = (std::env::current_exe(), args.next()) else {
        return;
    };
    let missing: Vec<_> = SETTINGS
        .into_iter()
        .filter(|(var, _)| std::env::var_os(var).is_none())
        .collect();
    if missing.is_empty() {
        return;
    }
    let mut command = std::process::Command::new(exe);
    command.arg0(arg0).args(args).env(DONE, "1").envs(missing);
    // Returns only if the exec failed; then run as we are.
    let _ = command.exec();
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    if !cli.account_id.chars().all(|c| c.is_ascii_digit()) || cli.account_id.len() != 12 {
        return Err(format!("--account-id must be 12 digits, got '{}'", cli.account_id).into());
    }
    if cli.max_body_bytes == 0 || cli.max_http_connections == 0 {
        return Err("--max-body-bytes and --max-http-connections must be positive".into());
    }
    let store: Arc<dyn Store> = if cli.in_memory {
        Arc::new(MemoryStore::new())
    } else {
        Arc::new(
            SledStore::open(&cli.data_dir)
                .map_err(|e| format!("{}: {e}", cli.data_dir.display()))?,
        )
    };
    if let Some(dir) = &cli.record_dir {
        std::fs::create_dir_all(dir)?;
    }
    let aurora = Aurora::open(
        real_env(),
        Config {
            account_id: cli.account_id.clone(),
            pace: cli.pace,
            backtrack_capacity: cli.backtrack_capacity,
        },
        store.clone(),
    )?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let stop_signal = || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        }
    };
    tokio::spawn(aurora.clone().run_driver());
    let dataplane = tokio::spawn(dataplane::run_until(aurora.clone(), stop_signal()));
    let listener = tokio::net::TcpListener::bind(cli.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cli.listen))?;
    tracing::info!(
        listen = %listener.local_addr()?,
        data_dir = %if cli.in_memory { "(in memory)".to_owned() } else { cli.data_dir.display().to_string() },
        pace = ?cli.pace,
        account_id = cli.account_id,
        "rewind ready"
    );
    let limits = Limits {
        max_body_bytes: cli.max_body_bytes,
        header_read_timeout: cli.header_read_timeout,
        body_read_timeout: cli.body_read_timeout,
        max_connections: cli.max_http_connections,
    };
    let app =
        server::app(server::AppState::new(aurora, cli.record_dir).with_limits(limits.clone()));
    let http = tokio::spawn(server::serve(listener, app, limits, stop_signal()));
    shutdown().await;
    tracing::info!(
        grace_seconds = cli.shutdown_grace.as_secs_f64(),
        "shutting down"
    );
    stop.send_replace(true);
    // Both stop accepting at once; the MySQL side drops its connections, which interrupts
    // their statements. Whatever has not ended within the grace period is abandoned.
    let drained = tokio::time::timeout(cli.shutdown_grace, async {
        let _ = http.await;
        let _ = dataplane.await;
    })
    .await;
    if drained.is_err() {
        tracing::warn!("requests or statements still running after the grace period; exiting");
    }
    if !server::flush_within(store, cli.shutdown_grace)? {
        tracing::warn!("the store did not finish flushing within the grace period; exiting");
    }
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
