//! The Commerce API document's own examples — cURL, JavaScript (Node's fetch) and Python
//! (requests) — run as written against the shim, with only the host changed (and the
//! documents' placeholders `<token>`, `cust-uuid`, `prod-uuid-1` filled with real values).
//! `.ci/run` installs curl, Node and Python's requests where a machine lacks them.

use std::process::Command;

use serde_json::Value;

use crate::helpers::{demo_catalog, spawn_demo_app, TestApp};

const HOST: &str = "https://api.commerce.io";

const CURL_LOGIN: &str = r#"curl -X POST https://api.commerce.io/v2/auth/login \
  -H 'Content-Type: application/json' \
  -d '{"email":"jane@example.com","password":"s3cr3t!"}'"#;

const JS_LOGIN: &str = r#"const res = await fetch('https://api.commerce.io/v2/auth/login', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ email: 'jane@example.com', password: 's3cr3t!' }),
});
const { accessToken } = await res.json();"#;

const PYTHON_LOGIN: &str = r#"import requests

resp = requests.post(
    'https://api.commerce.io/v2/auth/login',
    json={'email': 'jane@example.com', 'password': 's3cr3t!'},
)
access_token = resp.json()['accessToken']"#;

const CURL_PRODUCTS: &str = r#"curl -G https://api.commerce.io/v2/products \
  -H 'Authorization: Bearer <token>' \
  -d page=1 \
  -d pageSize=20 \
  -d category=footwear"#;

const JS_PRODUCTS: &str = r#"const params = new URLSearchParams({ page: '1', pageSize: '20', category: 'footwear' });
const res = await fetch(`https://api.commerce.io/v2/products?${params}`, {
  headers: { Authorization: `Bearer ${token}` },
});
const { data, total } = await res.json();"#;

const CURL_ORDER: &str = r#"curl -X POST https://api.commerce.io/v2/orders \
  -H 'Authorization: Bearer <token>' \
  -H 'Content-Type: application/json' \
  -d '{
  "customerId": "cust-uuid",
  "items": [
    { "productId": "prod-uuid-1", "quantity": 2 }
  ]
}'"#;

const JS_ORDER: &str = r#"const res = await fetch('https://api.commerce.io/v2/orders', {
  method: 'POST',
  headers: {
    Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json',
  },
  body: JSON.stringify({
    customerId: 'cust-uuid',
    items: [{ productId: 'prod-uuid-1', quantity: 2 }],
  }),
});
const order = await res.json();"#;

/// Komerza's `POST /stores/{storeId}/products` example (seed 003), as written.
const CURL_KOMERZA_PRODUCT: &str = r#"curl --request POST \
--url https://api.komerza.com/stores/{storeId}/products \
--header 'Authorization: Bearer <token>' \
--header 'Content-Type: application/json' \
--data '
{
"variants": [
{
"name": "<string>",
"cost": 50000,
"minimumQuantity": 1073741824,
"maximumQuantity": 1073741823,
"order": 1073741824,
"type": 0,
"stock": 1073741823,
"deliveryTypes": [
"<string>"
],
"stockMode": 0,
"dynamicUrl": "<string>",
"deliveryMessage": "<string>",
"subscriptionPeriod": "<string>"
}
],
"name": "<string>",
"description": "<string>",
"isBestSeller": true,
"slug": "<string>"
}
'"#;

/// Komerza's `PUT /stores/{storeId}` example (seed 004), as written.
const CURL_KOMERZA_STORE: &str = r#"curl --request PUT \
  --url https://api.komerza.com/stores/{storeId} \
  --header 'Authorization: Bearer <token>' \
  --header 'Content-Type: application/json' \
  --data '
{
  "name": "<string>",
  "description": "<string>",
  "prependProductNameToReceipt": true,
  "currencyCode": "<string>",
  "isAutomaticReviewsEnabled": true
}
'"#;

/// Runs `program` with `args`; returns its stdout, failing the test with its stderr when the
/// program is missing or fails.
async fn run(program: &'static str, args: Vec<String>) -> String {
    let output = tokio::task::spawn_blocking(move || Command::new(program).args(&args).output())
        .await
        .expect("join")
        .unwrap_or_else(|e| panic!("{program} is needed to run the seed examples (.ci/run installs it): {e}"));
    assert!(output.status.success(), "{program} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8 output")
}

fn json(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// An example with the host changed and placeholders filled.
fn local(example: &str, app: &TestApp, fills: &[(&str, &str)]) -> String {
    let mut script = example.replace(HOST, &format!("http://{}", app.address));
    for (placeholder, value) in fills {
        script = script.replace(placeholder, value);
    }
    script
}

async fn curl(script: String) -> Value {
    json(&run("bash", vec!["-c".into(), script]).await)
}

async fn node(script: String, print: &str) -> Value {
    let program = format!("{script}\nconsole.log(JSON.stringify({print}));");
    json(&run("node", vec!["--input-type=module".into(), "-e".into(), program]).await)
}

#[tokio::test]
async fn the_commerce_examples_run_as_written() {
    let app = spawn_demo_app().await;
    crate::rest_commerce::add_jane(&app).await;

    let tokens = curl(local(CURL_LOGIN, &app, &[])).await;
    assert!(tokens["accessToken"].as_str().is_some_and(|t| t.len() > 20), "curl login: {tokens}");
    let from_node = node(local(JS_LOGIN, &app, &[]), "accessToken").await;
    assert!(from_node.as_str().is_some_and(|t| t.len() > 20), "node login: {from_node}");
    let python = format!("{}\nprint(__import__('json').dumps(access_token))", local(PYTHON_LOGIN, &app, &[]));
    let from_python = json(&run("python3", vec!["-c".into(), python]).await);
    assert!(from_python.as_str().is_some_and(|t| t.len() > 20), "python login: {from_python}");

    let token = app.merchant.clone();
    let page = curl(local(CURL_PRODUCTS, &app, &[("<token>", &token)])).await;
    assert!(
        page["data"].as_array().is_some_and(|d| !d.is_empty() && d.iter().all(|p| p["category"] == "footwear")),
        "{page}"
    );
    let js = format!("const token = '{token}';\n{}", local(JS_PRODUCTS, &app, &[]));
    let listed = node(js, "{ data, total }").await;
    assert_eq!(listed["total"], page["total"], "{listed}");

    let ids = demo_catalog(&app, &app.merchant).await;
    let customer = app
        .as_merchant("query($o: UUID!) { order(id: $o) { customerId } }", serde_json::json!({ "o": ids.orders[0] }))
        .await["data"]["order"]["customerId"]
        .as_str()
        .expect("customer")
        .to_owned();
    let product = ids.plain_product.as_str().expect("product").to_owned();
    let fills = [("<token>", token.as_str()), ("cust-uuid", customer.as_str()), ("prod-uuid-1", product.as_str())];
    let order = curl(local(CURL_ORDER, &app, &fills)).await;
    assert_eq!(
        (order["status"].clone(), order["items"][0]["quantity"].clone()),
        (Value::from("pending"), Value::from(2)),
        "{order}"
    );
    let js = format!("const token = '{token}';\n{}", local(JS_ORDER, &app, &fills[1..]));
    let order = node(js, "order").await;
    assert_eq!(order["customerId"], Value::from(customer), "{order}");
}

#[tokio::test]
async fn the_komerza_curl_examples_reach_the_shim_and_get_komerza_answers() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store.as_str().expect("id").to_owned();
    let komerza = |example: &str| {
        example
            .replace("https://api.komerza.com", &format!("http://{}", app.address))
            .replace("{storeId}", &store)
            .replace("<token>", &app.merchant)
    };
    // The documents' placeholder values break the documented limits (a maximum below the minimum,
    // "<string>" as a delivery type, a slug and a currency code that are not ones): the answer is
    // Komerza's validation envelope naming each field.
    let product = curl(komerza(CURL_KOMERZA_PRODUCT)).await;
    assert_eq!(
        (product["success"].clone(), product["code"].clone()),
        (Value::from(false), Value::from("ValidationError")),
        "{product}"
    );
    let fields: Vec<&str> =
        product["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    assert!(fields.contains(&"variants[0].maximumQuantity") && fields.contains(&"slug"), "{fields:?}");
    let store_update = curl(komerza(CURL_KOMERZA_STORE)).await;
    assert_eq!(store_update["code"], "ValidationError", "{store_update}");
    assert_eq!(store_update["errors"][0]["field"], "currencyCode");
    // The same requests with valid values succeed.
    let valid = komerza(CURL_KOMERZA_STORE).replace("\"currencyCode\": \"<string>\"", "\"currencyCode\": \"EUR\"");
    let updated = curl(valid).await;
    assert_eq!(
        (updated["success"].clone(), updated["data"]["name"].clone()),
        (Value::from(true), Value::from("<string>")),
        "{updated}"
    );
}
