//! The binary itself: subcommands, bad configuration, signals.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{count_rows, TestDatabase};

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_commerce-gateway"));
    command.env_remove("JWT_SECRET").env_remove("APP_ENV").env_remove("DEMO").env("RUST_LOG", "warn");
    command
}

fn run(command: &mut Command) -> Output {
    command.stdin(Stdio::null()).output().expect("run commerce-gateway")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn schema_prints_the_sdl() {
    let output = run(binary().arg("schema"));
    assert!(output.status.success());
    assert_eq!(text(&output.stdout), commerce_gateway::graphql::sdl());
}

#[test]
fn a_bad_database_url_is_a_clear_error_not_a_panic() {
    let cases = [
        ("postgres://nobody:secret-pw@127.0.0.1:1/none", "cannot connect to the database"),
        ("mysql://root@127.0.0.1/shop", "unsupported DATABASE_URL"),
        ("not a url", "unsupported DATABASE_URL"),
        ("sqlite:///no/such/directory/x.db?mode=rwc", "cannot connect to the database"),
    ];
    for (url, expected) in cases {
        let output = run(binary().arg("migrate").env("DATABASE_URL", url));
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{url}: {stderr}");
        assert!(stderr.contains(expected), "{url}: {stderr}");
        assert!(!stderr.contains("panicked"), "{url}: {stderr}");
        assert!(!stderr.contains("secret-pw"), "the password is not printed: {stderr}");
    }
}

#[test]
fn production_refuses_to_start_without_a_jwt_secret() {
    let output = run(binary().args(["serve", "--bind", "127.0.0.1:0"]).env("APP_ENV", "production"));
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("JWT_SECRET is not set"));
}

#[test]
fn the_api_key_cap_must_be_a_number_from_1_to_100000() {
    for bad in ["none", "0", "100001", "99999999999", ""] {
        let output = run(binary().args(["schema", "--max-api-keys-per-user", bad]));
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {}", text(&output.stderr));
        assert!(text(&output.stderr).contains("--max-api-keys-per-user"), "{bad:?}: {}", text(&output.stderr));
    }
    let fine = run(binary().args(["schema"]).env("MAX_API_KEYS_PER_USER", "7"));
    assert_eq!(fine.status.code(), Some(0), "{}", text(&fine.stderr));
}

#[test]
fn production_refuses_the_demo_data() {
    let mut child = binary()
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env("APP_ENV", "production")
        .env("JWT_SECRET", "a-production-secret-of-at-least-32-characters")
        .env("DATABASE_URL", "sqlite::memory:")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start commerce-gateway");
    // A server that wrongly starts is stopped rather than left serving.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().expect("poll the child").is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let output = child.wait_with_output().expect("its output");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("production mode (APP_ENV=production) refuses to start with it"));
    assert!(!text(&output.stdout).contains("demo-password"), "nothing was seeded or printed");
}

#[tokio::test]
async fn users_create_stores_a_hashed_password_and_refuses_bad_input() {
    let database = TestDatabase::new().await;
    let create = |email: &str, password: &str| {
        run(binary()
            .args(["users", "create", "--email", email, "--password", password])
            .env("DATABASE_URL", &database.url))
    };
    let ok = create("Merchant@Example.com", "correct horse battery");
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("merchant@example.com"));

    let cases = [
        ("merchant@example.com", "another password", "already exists"),
        ("not-an-email", "long enough pw", "email must look like"),
        ("", "long enough pw", "email must look like"),
        (&format!("{}@example.com", "a".repeat(300)), "long enough pw", "email must look like"),
        ("short@example.com", "short", "password must be"),
        ("long@example.com", &"p".repeat(129), "password must be"),
    ];
    for (email, password, expected) in cases {
        let output = create(email, password);
        assert_eq!(output.status.code(), Some(1), "{email:.30}");
        assert!(text(&output.stderr).contains(expected), "{email:.30}: {}", text(&output.stderr));
    }
    let missing =
        run(binary().args(["users", "create", "--email", "x@example.com"]).env("DATABASE_URL", &database.url));
    assert_eq!(missing.status.code(), Some(2), "clap refuses a missing --password");

    let db = sea_orm::Database::connect(database.url.as_str()).await.expect("connect");
    assert_eq!(count_rows(&db, "users").await, 1, "refused users were not written");
    assert_eq!(count_rows(&db, "users WHERE password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%'").await, 1);
}

#[tokio::test]
async fn sigterm_stops_the_server_gracefully_and_logs_can_be_json() {
    let database = TestDatabase::new().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
    let mut child = binary()
        .args(["serve", "--log-format", "json"])
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", &database.url)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server");

    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if let Ok(response) = client.get(format!("http://127.0.0.1:{port}/healthz")).send().await {
            assert_eq!(response.status(), 200);
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the server did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status}");
    let output = child.wait_with_output().expect("output");
    let logs = text(&output.stderr);
    let lines: Vec<serde_json::Value> =
        logs.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}"))).collect();
    assert!(lines.iter().any(|l| l["message"] == "stopped"), "{logs}");
    assert!(lines
        .iter()
        .any(|l| l["level"] == "WARN" && l["message"].as_str().is_some_and(|m| m.contains("JWT_SECRET"))));
}

#[tokio::test]
async fn seed_adds_generated_stores_and_refuses_bad_arguments() {
    let database = TestDatabase::new().await;
    let seed = |args: &[&str]| run(binary().arg("seed").args(args).env("DATABASE_URL", &database.url));
    let unknown = seed(&["--owner", "nobody@example.com"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("no user nobody@example.com"), "{}", text(&unknown.stderr));
    let created = run(binary()
        .args(["users", "create", "--email", "owner@example.com", "--password", "owner-password"])
        .env("DATABASE_URL", &database.url));
    assert!(created.status.success());
    for (args, expected) in [
        (vec!["--owner", "owner@example.com", "--stores", "0"], "--stores must be between 1 and 1000"),
        (vec!["--owner", "owner@example.com", "--variants", "11"], "--variants must be between 1 and 10"),
        (vec!["--owner", "owner@example.com", "--products", "many"], "invalid value"),
        (vec!["--stores", "1"], "--owner"),
    ] {
        let output = seed(&args);
        assert_ne!(output.status.code(), Some(0), "{args:?}");
        assert!(text(&output.stderr).contains(expected), "{args:?}: {}", text(&output.stderr));
    }
    let ok =
        seed(&["--owner", "owner@example.com", "--stores", "2", "--products", "3", "--variants", "2", "--fields", "1"]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let db = sea_orm::Database::connect(database.url.as_str()).await.expect("connect");
    assert_eq!(count_rows(&db, "stores").await, 2);
    assert_eq!(count_rows(&db, "products").await, 6);
    assert_eq!(count_rows(&db, "variants").await, 12);
    assert_eq!(count_rows(&db, "custom_field_options").await, 24);
}
