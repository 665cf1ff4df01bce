//! `spawn_app()` and the `TestApp` that speaks to it.

use std::net::SocketAddr;

use commerce_gateway::cli::AppEnv;
use commerce_gateway::config::{Config, DatabaseConfig, Secret, WebhookSettings};
use commerce_gateway::db::StatementCounter;
use commerce_gateway::startup::Application;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};
use tempfile::TempDir;

/// A fresh, empty database for one test.
pub struct TestDatabase {
    pub url: String,
    /// Keeps a SQLite file alive until the test ends.
    _dir: Option<TempDir>,
}

impl TestDatabase {
    pub async fn new() -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => {
                let admin = Database::connect(base.as_str()).await.expect("connect to TEST_DATABASE_URL");
                let name = format!("cg_test_{}", uuid::Uuid::new_v4().simple());
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
                let _ = admin.close().await;
                let cut = base.rfind('/').expect("TEST_DATABASE_URL ends with /DATABASE");
                Self { url: format!("{}/{name}", &base[..cut]), _dir: None }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                Self { url, _dir: Some(dir) }
            }
        }
    }

    /// The same database for a second server (a replica); the original keeps it alive.
    pub fn replica(&self) -> Self {
        Self { url: self.url.clone(), _dir: None }
    }

    /// Makes the database unreachable for a running server: PostgreSQL drops the database
    /// (ending its sessions); SQLite, whose open files outlive deletion, closes the server's pool.
    pub async fn take_away(&self, server_pool: &DatabaseConnection) {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => {
                let admin = Database::connect(base.as_str()).await.expect("connect to TEST_DATABASE_URL");
                let name = self.url.rsplit('/').next().expect("database name");
                admin.execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)")).await.expect("drop database");
                let _ = admin.close().await;
            }
            _ => server_pool.close_by_ref().await.expect("close the pool"),
        }
    }

    pub fn config(&self, demo: bool) -> Config {
        Config {
            bind: "127.0.0.1:0".parse().expect("address"),
            database: DatabaseConfig { url: Secret::new(self.url.clone()), max_connections: 4 },
            jwt_secret: Secret::new("test-secret-that-is-at-least-32-characters"),
            environment: AppEnv::Development,
            demo,
            rate_limits: None,
            trusted_proxies: Vec::new(),
            rate_limit_store: None,
            transport: Default::default(),
            graphql: Default::default(),
            accounts: Default::default(),
            cors_origins: vec!["https://shop.example".into()],
            // The delivery worker's polling would blur the statement counts other tests take;
            // webhook tests turn it on.
            webhooks: WebhookSettings { worker: false, ..WebhookSettings::default() },
            live: Default::default(),
            graphiql: Default::default(),
            drain: std::time::Duration::ZERO,
            // Off like the delivery worker; the review tests turn it on.
            reviews: commerce_gateway::domain::reviews::ReviewSettings { every: None, ..Default::default() },
        }
    }
}

pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub statements: StatementCounter,
    pub database: TestDatabase,
    /// An access token of the demo merchant (demo apps only).
    pub merchant: String,
}

pub const DEMO_MERCHANT: (&str, &str) = ("demo@example.com", "demo-password");
pub const RIVAL_MERCHANT: (&str, &str) = ("rival@example.com", "rival-password");
pub const DEMO_CUSTOMER: (&str, &str) = ("customer@example.com", "customer-password");

/// Starts the server on an empty, migrated database.
pub async fn spawn_app() -> TestApp {
    spawn(TestDatabase::new().await, false).await
}

/// Starts the server on a database seeded with the demo data.
pub async fn spawn_demo_app() -> TestApp {
    spawn(TestDatabase::new().await, true).await
}

pub async fn spawn(database: TestDatabase, demo: bool) -> TestApp {
    spawn_with(database, demo, |_| {}).await
}

/// Starts the server with a configuration adjusted by `configure`.
pub async fn spawn_with(database: TestDatabase, demo: bool, configure: impl FnOnce(&mut Config)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        commerce_gateway::telemetry::init(commerce_gateway::cli::LogFormat::Human);
    }
    let mut config = database.config(demo);
    configure(&mut config);
    let app = Application::build(config).await.expect("application starts");
    let address = app.local_addr().expect("bound address");
    let db = app.state().db.clone();
    let statements = app.state().statements.clone();
    tokio::spawn(app.run_until_stopped());
    let mut app =
        TestApp { address, client: reqwest::Client::new(), db, statements, database, merchant: String::new() };
    if demo {
        app.merchant = app.token(DEMO_MERCHANT).await;
        // Warm the authenticator's caches so statement counts measure the query alone.
        app.as_merchant("{ me { id } }", json!({})).await;
    }
    app
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// Posts a GraphQL operation with an optional bearer token; returns status and body.
    pub async fn post_graphql(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request =
            self.client.post(self.url("/graphql")).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("POST /graphql");
        let status = response.status().as_u16();
        (status, response.json().await.expect("GraphQL JSON body"))
    }

    /// A GraphQL operation as `token`, expecting HTTP 200.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.post_graphql(Some(token), query, variables).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// A GraphQL operation without credentials, expecting HTTP 200.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self.post_graphql(None, query, variables).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// A GraphQL operation as the demo merchant.
    pub async fn as_merchant(&self, query: &str, variables: Value) -> Value {
        self.graphql_as(&self.merchant, query, variables).await
    }

    /// Runs `query` as the demo merchant; returns how many SQL statements it executed and the body.
    pub async fn merchant_counting(&self, query: &str, variables: Value) -> (u64, Value) {
        let before = self.statements.get();
        let body = self.as_merchant(query, variables).await;
        (self.statements.get() - before, body)
    }

    /// Logs in; returns the `AuthPayload` (or panics with the errors).
    pub async fn login(&self, (email, password): (&str, &str)) -> Value {
        let body = self
            .graphql(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken expiresIn tokenType userId } }",
                json!({ "e": email, "p": password }),
            )
            .await;
        assert!(body.get("errors").is_none(), "login of {email} failed: {body}");
        body["data"]["login"].clone()
    }

    /// An access token for a login.
    pub async fn token(&self, credentials: (&str, &str)) -> String {
        self.login(credentials).await["accessToken"].as_str().expect("accessToken").to_owned()
    }

    /// Creates an API key as `token` with `scopes` (and `store_ids` if given); returns its secret.
    pub async fn api_key(&self, token: &str, scopes: &[&str], store_ids: Option<Vec<String>>) -> String {
        let body = self
            .graphql_as(
                token,
                "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }",
                json!({ "input": { "name": "test key", "scopes": scopes, "storeIds": store_ids } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "createApiKey failed: {body}");
        body["data"]["createApiKey"]["secret"].as_str().expect("secret").to_owned()
    }
}

/// The `extensions.code` of every error in a GraphQL response.
pub fn error_codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Counts the rows of a table.
pub async fn count_rows(db: &DatabaseConnection, table: &str) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count query")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("count")
}

/// A UUID literal as the backend stores it (SQLite: a 16-byte blob; PostgreSQL: `uuid`).
pub fn uuid_literal(db: &DatabaseConnection, id: uuid::Uuid) -> String {
    match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => format!("X'{}'", id.simple()),
        _ => format!("'{id}'::uuid"),
    }
}

/// Ids of one of each catalog row in the demo merchant's store.
pub struct DemoCatalog {
    pub store: Value,
    /// A product whose first variant has a select field with options.
    pub product: Value,
    pub variant: Value,
    pub field: Value,
    pub option: Value,
    pub category: Value,
    /// A product whose first variant has no custom fields, and that variant.
    pub plain_product: Value,
    pub plain_variant: Value,
    pub customer: Value,
    pub coupon: Value,
    /// The newest order (pending) and the one before it (confirmed).
    pub orders: [Value; 2],
    /// The newest support ticket.
    pub ticket: Value,
    /// The newest review.
    pub review: Value,
    /// The first affiliate.
    pub affiliate: Value,
    /// The file `variant` delivers (null for a caller who may not read files).
    pub file: Value,
}

impl DemoCatalog {
    /// All ids as GraphQL variables: `s`, `p`, `v`, `f`, `o`, `c`, `pv`, `cu` (customer), `cp` (coupon),
    /// `or` and `or2` (orders), `tk` (ticket), `rv` (review), `af` (affiliate), `fl` (file).
    pub fn variables(&self) -> Value {
        json!({ "s": self.store, "p": self.product, "v": self.variant, "f": self.field, "o": self.option, "c": self.category,
                "pv": self.plain_variant, "cu": self.customer, "cp": self.coupon, "or": self.orders[0], "or2": self.orders[1],
                "tk": self.ticket, "rv": self.review, "af": self.affiliate, "fl": self.file })
    }
}

/// Finds a [`DemoCatalog`] as `token` (the demo merchant or the rival one).
pub async fn demo_catalog(app: &TestApp, token: &str) -> DemoCatalog {
    let body = app
        .graphql_as(
            token,
            "{ stores { id categories { nodes { id } } customers(first: 1) { nodes { id } } coupons(first: 1) { nodes { id } } orders(first: 2) { nodes { id } } tickets(first: 1) { nodes { id } }
               reviews: products(first: 50) { nodes { reviews(first: 1) { nodes { id } } } }
               products(first: 50) { nodes { id variants { id files { id } customFields { id type options { id } } } } } } }",
            json!({}),
        )
        .await;
    let store = &body["data"]["stores"][0];
    let products = store["products"]["nodes"].as_array().expect("products");
    let (product, variant, field, file) = products
        .iter()
        .find_map(|p| {
            let variant = &p["variants"][0];
            let field = variant["customFields"].as_array()?.iter().find(|f| f["type"] == "SELECT")?;
            Some((p["id"].clone(), variant["id"].clone(), field.clone(), variant["files"][0]["id"].clone()))
        })
        .unwrap_or_else(|| panic!("a product with a select field: {body}"));
    let plain = products
        .iter()
        .find(|p| p["variants"][0]["customFields"].as_array().is_some_and(Vec::is_empty))
        .expect("a product without custom fields");
    let affiliates = app
        .graphql_as(
            token,
            "query($s: UUID!) { affiliates(storeId: $s, first: 1) { nodes { id } } }",
            json!({ "s": store["id"] }),
        )
        .await;
    DemoCatalog {
        affiliate: affiliates["data"]["affiliates"]["nodes"][0]["id"].clone(),
        store: store["id"].clone(),
        product,
        variant,
        option: field["options"][0]["id"].clone(),
        field: field["id"].clone(),
        category: store["categories"]["nodes"][0]["id"].clone(),
        plain_product: plain["id"].clone(),
        plain_variant: plain["variants"][0]["id"].clone(),
        file,
        customer: store["customers"]["nodes"][0]["id"].clone(),
        coupon: store["coupons"]["nodes"][0]["id"].clone(),
        orders: [store["orders"]["nodes"][0]["id"].clone(), store["orders"]["nodes"][1]["id"].clone()],
        ticket: store["tickets"]["nodes"][0]["id"].clone(),
        review: store["reviews"]["nodes"]
            .as_array()
            .and_then(|products| {
                products.iter().find_map(|p| p["reviews"]["nodes"][0]["id"].as_str().map(|id| json!(id)))
            })
            .unwrap_or(Value::Null),
    }
}

impl TestApp {
    /// A REST call with an optional bearer token, JSON body and extra headers; returns the status
    /// and the JSON body (`Null` when there is none).
    pub async fn rest_with(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("REST call");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        (status, body)
    }

    pub async fn rest(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.rest_with(method, path, token, body, &[]).await
    }
}

/// Links a new login to the demo store's customer `email`, and returns its session token.
pub async fn customer_login(app: &TestApp, email: &str) -> String {
    use sea_orm::ConnectionTrait;
    let login = format!("login-{email}");
    let user = commerce_gateway::auth::users::create(&app.db, &login, "second-customer-pw").await.expect("user");
    let sql = format!("UPDATE customers SET user_id = {} WHERE email = '{email}'", uuid_literal(&app.db, user.id));
    app.db.execute_unprepared(&sql).await.expect("link the customer");
    app.token((login.as_str(), "second-customer-pw")).await
}

/// The JSON type of `value` as a seed document writes it.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Asserts that `object` has every `(field, types)` of a seed document's table (`types` such as
/// `"null|string"`), present and of one of those JSON types.
pub fn assert_documented(object: &Value, table: &[(&str, &str)], what: &str) {
    for (field, expected) in table {
        let found = json_kind(&object[*field]);
        assert!(
            object.get(*field).is_some() && expected.split('|').any(|k| k == found),
            "{what}.{field}: {found}, documented {expected}, in {object}"
        );
    }
}
