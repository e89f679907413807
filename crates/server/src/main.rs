//! `rewind`: starts the emulator. Reads its configuration from flags or `REWIND_*` variables,
//! opens the store, resumes any transitions in flight and serves on 127.0.0.1 by default.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use aurora::{Aurora, Config, Env, Pace};
use clap::Parser;
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

    /// Also write every Query-API response body to this directory (used by the test suites to
    /// check responses against the service model).
    #[arg(long, env = "REWIND_RECORD_DIR", hide = true)]
    record_dir: Option<PathBuf>,
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
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_target(false)
        .with_ansi(false)
        .init();
    if let Err(e) = run(cli).await {
        eprintln!("rewind: {e}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    if !cli.account_id.chars().all(|c| c.is_ascii_digit()) || cli.account_id.len() != 12 {
        return Err(format!("--account-id must be 12 digits, got '{}'", cli.account_id).into());
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
        store,
    )?;
    tokio::spawn(aurora.clone().run_driver());
    tokio::spawn(dataplane::run(aurora.clone()));
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
    let app = server::app(server::AppState::new(aurora, cli.record_dir));
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await?;
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
