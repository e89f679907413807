//! The real `mysql` client from Debian's mariadb-client package against the toy server: batch
//! mode, a database argument, wrong passwords, scripts on stdin, 4 MiB and 20 MiB queries, auth
//! plugin switches, its default `--ssl`, shutdown mid-query, and the interactive mode in a pty
//! (through util-linux `script`), which is where a server that ignores the client's capability
//! flags hangs. These tests fail, rather than skip, when `mysql` is not installed.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{mysql_cmd, run_with_deadline, Run, TestServer, PASSWORD, USER};

const DEADLINE: Duration = Duration::from_secs(30);

/// `mysql -h 127.0.0.1 -P PORT -u admin -psecret ARGS...`
fn admin(server: &TestServer, args: &[&str]) -> Command {
    let password = format!("-p{PASSWORD}");
    let mut cmd = mysql_cmd(server, &["-u", USER, &password]);
    cmd.args(args);
    cmd
}

fn run(cmd: Command, stdin: &str) -> Run {
    run_with_deadline(cmd, stdin.as_bytes().to_vec(), DEADLINE)
}

fn assert_success(r: &Run) {
    assert!(
        r.status.success(),
        "mysql failed: {}\nstdout: {}",
        r.stderr,
        r.stdout()
    );
}

#[test]
fn batch_select_1() {
    let server = TestServer::start();
    let r = run(admin(&server, &["-e", "SELECT 1"]), "");
    assert_success(&r);
    assert_eq!(r.stdout(), "1\n1\n");
    assert_eq!(server.journal(), ["SELECT 1"]);
}

#[test]
fn database_argument_selects_the_database_at_connect() {
    let server = TestServer::start();
    let r = run(admin(&server, &["-e", "SELECT DATABASE()", "mydb"]), "");
    assert_success(&r);
    assert_eq!(r.stdout(), "DATABASE()\nmydb\n");

    let r = run(admin(&server, &["-e", "SELECT 1", "nope"]), "");
    assert!(!r.status.success());
    assert!(
        r.stderr
            .contains("ERROR 1049 (42000): Unknown database 'nope'"),
        "{}",
        r.stderr
    );
}

#[test]
fn wrong_password_fails_with_error_1045() {
    let server = TestServer::start();
    let cmd = mysql_cmd(&server, &["-u", USER, "-pwrong", "-e", "SELECT 1"]);
    let r = run(cmd, "");
    assert!(!r.status.success(), "exit status {:?}", r.status);
    assert!(
        r.stderr.contains(
            "ERROR 1045 (28000): Access denied for user 'admin'@'127.0.0.1' (using password: YES)"
        ),
        "{}",
        r.stderr
    );
    assert!(server.journal().is_empty());
}

#[test]
fn script_on_stdin_with_use_ok_packets_and_errors() {
    let server = TestServer::start();
    let script = "select 1;\nuse test;\nselect database();\ninsert into t values (1);\n\
                  update t set a = 1;\nuse nope;\nbogus;\nselect 2;\n";
    let r = run(admin(&server, &["-vvv"]), script);
    // The client stops at the first error (no --force), with exit code 1.
    assert_eq!(r.status.code(), Some(1));
    let out = r.stdout();
    assert!(
        out.contains("Database changed") || out.contains("test"),
        "{out}"
    );
    assert!(out.contains("Query OK, 1 row affected"), "{out}");
    assert!(
        out.contains("Query OK, 2 rows affected") && out.contains("Rows matched: 2  Changed: 2"),
        "{out}"
    );
    assert!(
        r.stderr
            .contains("ERROR 1049 (42000) at line 6: Unknown database 'nope'"),
        "{}",
        r.stderr
    );
    let journal = server.journal();
    assert!(
        journal.contains(&"COM_INIT_DB test".to_string()),
        "{journal:?}"
    );
    assert!(!journal.contains(&"select 2".to_string()));

    // With --force it carries on after errors: the connection stayed usable.
    let r = run(admin(&server, &["--force"]), script);
    assert!(r.stdout().ends_with("2\n2\n"), "{}", r.stdout());
    assert!(
        r.stderr.contains("ERROR 1064 (42000) at line 7"),
        "{}",
        r.stderr
    );
}

/// Runs `SELECT '<text of len bytes>'` from stdin and checks the value comes back whole.
fn large_query(len: usize, extra: &[&str]) {
    let server = TestServer::start();
    let text: String = (0..len)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let mut args = vec!["--batch", "--skip-column-names"];
    args.extend_from_slice(extra);
    let r = run_with_deadline(
        admin(&server, &args),
        format!("SELECT '{text}';\nSELECT 1;\n").into_bytes(),
        Duration::from_secs(60),
    );
    assert_success(&r);
    let out = r.stdout;
    assert_eq!(out.len(), len + 1 + 2, "value, newline, then `1\\n`");
    assert!(out[..len] == *text.as_bytes(), "value came back intact");
    assert_eq!(&out[len..], b"\n1\n");
}

#[test]
fn four_mib_query() {
    large_query(4 << 20, &[]);
}

#[test]
fn twenty_mib_query_spans_two_packets_and_more() {
    // The client's own max_allowed_packet (16 MiB by default) must be raised to send it.
    large_query(20 << 20, &["--max-allowed-packet=64M"]);
}

#[test]
fn other_client_auth_plugins_are_switched_to_native_password() {
    let server = TestServer::start();
    for plugin in ["caching_sha2_password", "client_ed25519"] {
        let auth = format!("--default-auth={plugin}");
        let r = run(admin(&server, &[&auth, "-e", "SELECT 3"]), "");
        assert_success(&r);
        assert_eq!(r.stdout(), "3\n3\n", "{plugin}");
    }
}

#[test]
fn default_and_explicit_ssl_fall_back_to_plain_tcp() {
    // Debian's client has `ssl` on by default without certificate verification: it asks for
    // TLS only if the server offers it, so both of these connect in clear text.
    let server = TestServer::start();
    for args in [&["-e", "SELECT 1"][..], &["--ssl", "-e", "SELECT 1"]] {
        let r = run(admin(&server, args), "");
        assert_success(&r);
    }
    // Demanding a verified certificate cannot work against a server without TLS.
    let r = run(
        admin(&server, &["--ssl-verify-server-cert", "-e", "SELECT 1"]),
        "",
    );
    assert!(!r.status.success());
    assert!(
        r.stderr
            .contains("SSL is required, but the server does not support it"),
        "{}",
        r.stderr
    );
}

#[test]
fn shutdown_drops_a_client_in_the_middle_of_a_query() {
    let server = TestServer::start();
    let cmd = admin(&server, &["-e", "select sleep(1000)"]);
    let killer = {
        let start = Instant::now();
        let journal = server.journal.clone();
        // Fire shutdown once the query has reached the session.
        std::thread::spawn(move || loop {
            if !journal.lock().unwrap().is_empty() || start.elapsed() > DEADLINE {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        })
    };
    let start = Instant::now();
    let child = std::thread::spawn(move || run(cmd, ""));
    killer.join().expect("killer");
    server.kill_connections();
    let r = child.join().expect("mysql");
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(!r.status.success());
    assert!(
        r.stderr.contains("ERROR 2013") || r.stderr.contains("ERROR 2006"),
        "{}",
        r.stderr
    );
}

/// The interactive client in a pseudo-terminal: banner, `select @@version_comment limit 1`,
/// a query, `use`, and `quit`, all within the deadline.
#[test]
fn interactive_session_in_a_pty_does_not_hang() {
    let server = TestServer::start();
    let script = common::find_on_path("script").unwrap_or_else(|| {
        panic!("util-linux `script` is needed to give mysql a terminal (Debian: bsdutils)")
    });
    let command_line = format!(
        "{} -h 127.0.0.1 -P {} -u {USER} -p{PASSWORD}",
        common::mysql_bin().display(),
        server.port()
    );
    let mut cmd = Command::new(script);
    // -q quiet, -e return the child's exit code, -f flush as output arrives; no log file.
    cmd.args(["-q", "-e", "-f", "-c", &command_line, "/dev/null"])
        .env("HOME", std::env::temp_dir())
        .env("MYSQL_HISTFILE", "/dev/null")
        .env("TERM", "dumb");
    let start = Instant::now();
    let r = run(
        cmd,
        "SELECT 1;\nuse mydb\nselect database();\nshow databases;\nquit\n",
    );
    let out = r.stdout();
    assert_success(&r);
    assert!(start.elapsed() < Duration::from_secs(15));
    assert!(out.contains("Welcome to the MariaDB monitor"), "{out}");
    assert!(
        out.contains("Server version: 8.0.28 Rewind toy server"),
        "{out}"
    );
    assert!(out.contains("|    1 |"), "{out}");
    assert!(out.contains("Database changed"), "{out}");
    assert!(out.contains("| mydb       |"), "{out}");
    assert!(out.contains("Bye"), "{out}");
    let journal = server.journal();
    assert_eq!(
        journal.first().map(String::as_str),
        Some("select @@version_comment limit 1"),
        "{journal:?}"
    );
    assert!(
        journal.contains(&"COM_INIT_DB mydb".to_string()),
        "{journal:?}"
    );
}
