//! Scoped API keys: creation within the creator's rights, shown-once secrets, revocation, and
//! usage tracking without a write per request.

use serde_json::{json, Value};

use crate::helpers::{count_rows, error_codes, spawn_demo_app, DEMO_CUSTOMER, RIVAL_MERCHANT};

const CREATE: &str =
    "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name scopes storeIds prefix } } }";
const LIST: &str = "{ apiKeys { id name scopes prefix lastUsedAt revokedAt } }";
const UPDATE: &str = "mutation($id: UUID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { id name scopes storeIds } }";

fn details(body: &Value) -> Vec<String> {
    body["errors"][0]["extensions"]["details"]
        .as_array()
        .map(|d| d.iter().filter_map(|x| x["field"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_key_holds_what_it_was_given_and_its_secret_is_shown_once() {
    let app = spawn_demo_app().await;
    let body = app
        .as_merchant(CREATE, json!({ "input": { "name": "  catalog sync ", "scopes": ["stores.products.view", "stores.view", "stores.view"] } }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let created = &body["data"]["createApiKey"];
    let secret = created["secret"].as_str().expect("secret");
    assert!(secret.starts_with("cgk_") && secret.len() >= 4 + 22, "at least 128 random bits: {secret}");
    assert_eq!(created["apiKey"]["name"], "catalog sync");
    assert_eq!(created["apiKey"]["scopes"], json!(["stores.products.view", "stores.view"]));
    assert_eq!(created["apiKey"]["storeIds"], Value::Null);
    assert!(secret.starts_with(created["apiKey"]["prefix"].as_str().expect("prefix")));

    let listing = app.as_merchant(LIST, json!({})).await;
    assert!(listing["data"]["apiKeys"].as_array().expect("keys").iter().any(|k| k["id"] == created["apiKey"]["id"]));
    assert!(!listing.to_string().contains(secret), "listings never show secrets");

    let stores = app.graphql_as(secret, "{ stores { name products(first: 1) { totalCount } } }", json!({})).await;
    assert!(stores.get("errors").is_none(), "{stores}");
    let me = app.graphql_as(secret, "{ me { email } }", json!({})).await;
    assert_eq!(error_codes(&me), ["FORBIDDEN"]);
    assert!(me["errors"][0]["message"].as_str().expect("message").contains("user.view"), "the scope is named: {me}");
}

#[tokio::test]
async fn bad_key_inputs_are_validation_errors_and_write_nothing() {
    let app = spawn_demo_app().await;
    let rival_store = {
        let rival = app.token(RIVAL_MERCHANT).await;
        let body = app.graphql_as(&rival, "{ stores { id } }", json!({})).await;
        body["data"]["stores"][0]["id"].clone()
    };
    let keys = count_rows(&app.db, "api_keys").await;
    let many_scopes: Vec<String> = (0..1000).map(|i| format!("scope.{i}")).collect();
    let many_stores: Vec<String> = (0..101).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let cases = [
        (json!({ "name": "", "scopes": ["stores.view"] }), "name"),
        (json!({ "name": "   ", "scopes": ["stores.view"] }), "name"),
        (json!({ "name": "k".repeat(65), "scopes": ["stores.view"] }), "name"),
        (json!({ "name": "k", "scopes": [] }), "scopes"),
        (json!({ "name": "k", "scopes": ["stores.fly"] }), "scopes[0]"),
        (json!({ "name": "k", "scopes": many_scopes }), "scopes"),
        (json!({ "name": "k", "scopes": ["stores.view"], "storeIds": [rival_store] }), "storeIds[0]"),
        (json!({ "name": "k", "scopes": ["stores.view"], "storeIds": many_stores }), "storeIds"),
    ];
    for (input, field) in cases {
        let body = app.as_merchant(CREATE, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{input}: {body}");
        assert!(details(&body).contains(&field.to_owned()), "{field}: {body}");
    }
    for input in
        [json!({ "scopes": ["stores.view"] }), json!({ "name": "k" }), json!({ "name": 5, "scopes": ["stores.view"] })]
    {
        let body = app.as_merchant(CREATE, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{input}: {body}");
    }
    assert_eq!(count_rows(&app.db, "api_keys").await, keys);
}

#[tokio::test]
async fn a_key_cannot_hold_more_than_its_creator() {
    let app = spawn_demo_app().await;
    let customer = app.token(DEMO_CUSTOMER).await;
    let body = app
        .graphql_as(
            &customer,
            CREATE,
            json!({ "input": { "name": "k", "scopes": ["stores.products.view", "stores.view"] } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["VALIDATION"], "{body}");
    assert_eq!(details(&body), ["scopes[1]"]);
    assert!(body.to_string().contains("you do not hold stores.view"));
}

#[tokio::test]
async fn keys_cannot_manage_keys() {
    let app = spawn_demo_app().await;
    let key = app.api_key(&app.merchant, &["stores.view", "user.view"], None).await;
    let keys = count_rows(&app.db, "api_keys").await;
    let create = app.graphql_as(&key, CREATE, json!({ "input": { "name": "k", "scopes": ["stores.view"] } })).await;
    assert_eq!(error_codes(&create), ["FORBIDDEN"], "{create}");
    assert_eq!(error_codes(&app.graphql_as(&key, LIST, json!({})).await), ["FORBIDDEN"]);
    let revoke = app
        .graphql_as(
            &key,
            "mutation($id: UUID!) { revokeApiKey(id: $id) { id } }",
            json!({ "id": uuid::Uuid::now_v7() }),
        )
        .await;
    assert_eq!(error_codes(&revoke), ["FORBIDDEN"]);
    let update = app
        .graphql_as(&key, UPDATE, json!({ "id": uuid::Uuid::now_v7(), "input": { "scopes": ["stores.view"] } }))
        .await;
    assert_eq!(error_codes(&update), ["FORBIDDEN"]);
    assert_eq!(count_rows(&app.db, "api_keys").await, keys);
}

#[tokio::test]
async fn a_changed_key_holds_its_new_rights_at_once_and_only_its_owner_can_change_it() {
    let app = spawn_demo_app().await;
    let second = app.as_merchant("mutation { createStore(input: { name: \"Second Shop\" }) { id } }", json!({})).await;
    assert!(second.get("errors").is_none(), "{second}");
    let input = json!({ "name": "k", "scopes": ["stores.view", "stores.products.view"] });
    let created = app.as_merchant(CREATE, json!({ "input": input })).await;
    let secret = created["data"]["createApiKey"]["secret"].as_str().expect("secret").to_owned();
    let id = created["data"]["createApiKey"]["apiKey"]["id"].clone();
    const READ: &str = "{ stores { id products(first: 1) { totalCount } } }";
    let read = app.graphql_as(&secret, READ, json!({})).await;
    assert!(read.get("errors").is_none(), "{read}");
    let stores: Vec<Value> =
        read["data"]["stores"].as_array().expect("stores").iter().map(|s| s["id"].clone()).collect();
    assert_eq!(stores.len(), 2, "{read}");

    let rival = app.token(RIVAL_MERCHANT).await;
    let foreign = app.graphql_as(&rival, UPDATE, json!({ "id": id, "input": { "scopes": ["stores.view"] } })).await;
    assert_eq!(error_codes(&foreign), ["NOT_FOUND"], "another user's key answers as missing: {foreign}");
    assert!(app.graphql_as(&secret, READ, json!({})).await.get("errors").is_none(), "unchanged by the rival");

    let narrowed = app
        .as_merchant(UPDATE, json!({ "id": id, "input": { "scopes": ["stores.view"], "storeIds": [stores[0]] } }))
        .await;
    assert_eq!(
        narrowed["data"]["updateApiKey"],
        json!({ "id": id, "name": "k", "scopes": ["stores.view"], "storeIds": [stores[0]] }),
        "{narrowed}"
    );
    // At once, although the key was cached by the reads above.
    let read = app.graphql_as(&secret, READ, json!({})).await;
    assert_eq!(error_codes(&read), ["FORBIDDEN"], "{read}");
    assert!(read["errors"][0]["message"].as_str().is_some_and(|m| m.contains("stores.products.view")), "{read}");
    assert_eq!(read["data"]["stores"].as_array().map(Vec::len), Some(1), "limited to one store: {read}");

    let lifted = app.as_merchant(UPDATE, json!({ "id": id, "input": { "name": " renamed ", "storeIds": null } })).await;
    assert_eq!(
        lifted["data"]["updateApiKey"],
        json!({ "id": id, "name": "renamed", "scopes": ["stores.view"], "storeIds": null }),
        "{lifted}"
    );
    let read = app.graphql_as(&secret, "{ stores { id } }", json!({})).await;
    assert_eq!(read["data"]["stores"].as_array().map(Vec::len), Some(stores.len()), "{read}");

    app.as_merchant("mutation($id: UUID!) { revokeApiKey(id: $id) { id } }", json!({ "id": id })).await;
    let late = app.as_merchant(UPDATE, json!({ "id": id, "input": { "name": "again" } })).await;
    assert_eq!(error_codes(&late), ["CONFLICT"], "{late}");
}

#[tokio::test]
async fn bad_key_changes_are_validation_errors_and_change_nothing() {
    let app = spawn_demo_app().await;
    let created = app.as_merchant(CREATE, json!({ "input": { "name": "k", "scopes": ["stores.view"] } })).await;
    let id = created["data"]["createApiKey"]["apiKey"]["id"].clone();
    let rival_store = {
        let rival = app.token(RIVAL_MERCHANT).await;
        app.graphql_as(&rival, "{ stores { id } }", json!({})).await["data"]["stores"][0]["id"].clone()
    };
    let many_scopes: Vec<String> = (0..1000).map(|i| format!("scope.{i}")).collect();
    let many_stores: Vec<String> = (0..101).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let cases = [
        (json!({ "name": "" }), "name"),
        (json!({ "name": "k".repeat(65) }), "name"),
        (json!({ "scopes": [] }), "scopes"),
        (json!({ "scopes": ["stores.fly"] }), "scopes[0]"),
        (json!({ "scopes": many_scopes }), "scopes"),
        (json!({ "storeIds": [rival_store] }), "storeIds[0]"),
        (json!({ "storeIds": many_stores }), "storeIds"),
    ];
    for (input, field) in cases {
        let body = app.as_merchant(UPDATE, json!({ "id": id, "input": input })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{input}: {body}");
        assert!(details(&body).contains(&field.to_owned()), "{field}: {body}");
    }
    for variables in [
        json!({ "input": { "name": "x" } }),
        json!({ "id": id }),
        json!({ "id": "not-a-uuid", "input": { "name": "x" } }),
        json!({ "id": id, "input": { "name": 5 } }),
    ] {
        let body = app.as_merchant(UPDATE, variables.clone()).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{variables}: {body}");
    }
    let customer = app.token(DEMO_CUSTOMER).await;
    let body = app.graphql_as(&customer, UPDATE, json!({ "id": id, "input": { "name": "x" } })).await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "a customer holds no such key: {body}");
    let listing = app.as_merchant(LIST, json!({})).await;
    let key = listing["data"]["apiKeys"].as_array().expect("keys").iter().find(|k| k["id"] == id).cloned();
    assert_eq!(key.map(|k| (k["name"].clone(), k["scopes"].clone())), Some((json!("k"), json!(["stores.view"]))));
}

#[tokio::test]
async fn a_revoked_key_is_refused_and_only_its_owner_can_revoke_it() {
    let app = spawn_demo_app().await;
    let created = app.as_merchant(CREATE, json!({ "input": { "name": "k", "scopes": ["stores.view"] } })).await;
    let secret = created["data"]["createApiKey"]["secret"].as_str().expect("secret").to_owned();
    let id = created["data"]["createApiKey"]["apiKey"]["id"].clone();
    const REVOKE: &str = "mutation($id: UUID!) { revokeApiKey(id: $id) { id revokedAt } }";

    let rival = app.token(RIVAL_MERCHANT).await;
    let foreign = app.graphql_as(&rival, REVOKE, json!({ "id": id })).await;
    assert_eq!(error_codes(&foreign), ["NOT_FOUND"], "another user's key answers as missing: {foreign}");
    assert_eq!(app.post_graphql(Some(&secret), "{ stores { id } }", json!({})).await.0, 200);

    let revoked = app.as_merchant(REVOKE, json!({ "id": id })).await;
    assert!(revoked["data"]["revokeApiKey"]["revokedAt"].is_string(), "{revoked}");
    let (status, body) = app.post_graphql(Some(&secret), "{ stores { id } }", json!({})).await;
    assert_eq!((status, error_codes(&body)), (401, vec!["UNAUTHENTICATED".to_owned()]));
    let missing = app.as_merchant(REVOKE, json!({ "id": uuid::Uuid::now_v7() })).await;
    assert_eq!(error_codes(&missing), ["NOT_FOUND"]);
}

#[tokio::test]
async fn last_use_is_tracked_without_a_write_per_request() {
    let app = spawn_demo_app().await;
    let key = app.api_key(&app.merchant, &["user.view"], None).await;
    app.graphql_as(&key, "{ me { id } }", json!({})).await;
    let before = app.statements.get();
    app.graphql_as(&key, "{ me { id } }", json!({})).await;
    assert_eq!(app.statements.get() - before, 1, "a warm key costs no SQL: only the `me` lookup");
    let listing = app.as_merchant(LIST, json!({})).await;
    let used = listing["data"]["apiKeys"].as_array().expect("keys").iter().find(|k| k["name"] == "test key").cloned();
    assert!(used.expect("the key")["lastUsedAt"].is_string(), "{listing}");
    assert_eq!(count_rows(&app.db, "api_keys WHERE last_used_at IS NOT NULL").await, 0, "not written yet");
}

#[tokio::test]
async fn a_key_limited_to_stores_sees_only_those() {
    let app = spawn_demo_app().await;
    let user = commerce_gateway::auth::users::create(&app.db, "two@example.com", "two-stores-pw").await.expect("user");
    let mut ids = Vec::new();
    for name in ["First", "Second"] {
        let id = uuid::Uuid::now_v7();
        let sql = format!(
            "INSERT INTO stores (id, owner_id, name, description, url, url_history, currency_code, \
             prepend_product_name_to_receipt, is_automatic_reviews_enabled, is_customer_balance_enabled, is_inactive, \
             webhook_secret, created_at, updated_at) SELECT {}, id, '{name}', '', '{}', '[]', 'USD', false, false, false, \
             false, 'whsec', created_at, updated_at FROM users WHERE id = {}",
            crate::helpers::uuid_literal(&app.db, id),
            name.to_lowercase(),
            crate::helpers::uuid_literal(&app.db, user.id)
        );
        use sea_orm::ConnectionTrait;
        app.db.execute_unprepared(&sql).await.expect("insert store");
        ids.push(id.to_string());
    }
    let token = app.token(("two@example.com", "two-stores-pw")).await;
    let all = app.graphql_as(&token, "{ stores { name } }", json!({})).await;
    assert_eq!(all["data"]["stores"], json!([{ "name": "First" }, { "name": "Second" }]));
    let key = app.api_key(&token, &["stores.view"], Some(vec![ids[1].clone()])).await;
    let limited = app.graphql_as(&key, "{ stores { name } }", json!({})).await;
    assert_eq!(limited["data"]["stores"], json!([{ "name": "Second" }]));
    let other = app.graphql_as(&key, "query($id: UUID!) { store(id: $id) { name } }", json!({ "id": ids[0] })).await;
    assert_eq!(other["data"]["store"], Value::Null);
}

#[tokio::test]
async fn a_user_holds_at_most_the_configured_number_of_live_keys() {
    let app = crate::helpers::spawn_with(crate::helpers::TestDatabase::new().await, true, |config| {
        config.accounts.max_api_keys = 3;
    })
    .await;
    let input = json!({ "input": { "name": "k", "scopes": ["stores.view"] } });
    let mut ids = Vec::new();
    // The demo seeding issued one key already.
    for _ in 0..2 {
        let body = app.as_merchant(CREATE, input.clone()).await;
        assert!(body.get("errors").is_none(), "{body}");
        ids.push(body["data"]["createApiKey"]["apiKey"]["id"].clone());
    }
    let keys_before = count_rows(&app.db, "api_keys").await;
    let refused = app.as_merchant(CREATE, input.clone()).await;
    assert_eq!(error_codes(&refused), ["CONFLICT"], "{refused}");
    assert_eq!(details(&refused), ["apiKeys"]);
    assert_eq!(count_rows(&app.db, "api_keys").await, keys_before, "nothing was written");

    let revoke = "mutation($id: UUID!) { revokeApiKey(id: $id) { revokedAt } }";
    let revoked = app.as_merchant(revoke, json!({ "id": ids[0] })).await;
    assert!(revoked.get("errors").is_none(), "{revoked}");
    let again = app.as_merchant(CREATE, input).await;
    assert!(again.get("errors").is_none(), "a revoked key frees its place: {again}");

    // Another user's count is their own.
    let rival = app.token(RIVAL_MERCHANT).await;
    let theirs = app.graphql_as(&rival, CREATE, json!({ "input": { "name": "r", "scopes": ["stores.view"] } })).await;
    assert!(theirs.get("errors").is_none(), "{theirs}");
}
