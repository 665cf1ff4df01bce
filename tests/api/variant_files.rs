//! The files a variant delivers (Komerza's `files`): registered by the store's staff with their
//! uploader and address, listed on the variant for the staff only, forgotten, capped per variant
//! (also under concurrent uploads), refused whole when wrong, and out of another tenant's reach.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{
    count_rows, demo_catalog, error_codes, spawn_demo_app, spawn_with, TestDatabase, DEMO_CUSTOMER, RIVAL_MERCHANT,
};

const ADD: &str = "mutation($v: UUID!, $name: String!) { addVariantFile(variantId: $v, friendlyName: $name) { id friendlyName ipAddress userId } }";
const FILES: &str = "query($p: UUID!) { product(id: $p) { variants { id files { id friendlyName } } } }";
const DELETE: &str = "mutation($id: UUID!) { deleteVariantFile(id: $id) }";

/// The files of `variant` as `token` sees them (null where it may not read them).
async fn files_of(app: &crate::helpers::TestApp, token: &str, product: &Value, variant: &Value) -> Value {
    let body = app.graphql_as(token, FILES, json!({ "p": product })).await;
    let variants = body["data"]["product"]["variants"].as_array().cloned().unwrap_or_default();
    variants.into_iter().find(|v| &v["id"] == variant).map_or(Value::Null, |v| v["files"].clone())
}

#[tokio::test]
async fn the_staff_register_list_and_forget_files_with_who_and_where() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let me = app.as_merchant("{ me { id } }", json!({})).await["data"]["me"]["id"].clone();
    let added = app.as_merchant(ADD, json!({ "v": ids.variant, "name": "Manual v2.pdf" })).await;
    let file = &added["data"]["addVariantFile"];
    assert_eq!(
        (&file["friendlyName"], &file["ipAddress"], &file["userId"]),
        (&json!("Manual v2.pdf"), &json!("127.0.0.1"), &me),
        "{added}"
    );
    let listed = files_of(&app, &app.merchant, &ids.product, &ids.variant).await;
    let names: Vec<&str> =
        listed.as_array().expect("files").iter().filter_map(|f| f["friendlyName"].as_str()).collect();
    assert_eq!(names.len(), 2, "the demo's guide and the new one: {listed}");
    assert_eq!(names[1], "Manual v2.pdf", "oldest first");

    let customer = app.token(DEMO_CUSTOMER).await;
    let seen = app.graphql_as(&customer, FILES, json!({ "p": ids.product })).await;
    assert!(seen["data"]["product"]["variants"][0]["files"].is_null(), "buyers see no files: {seen}");
    assert!(error_codes(&seen).iter().all(|c| c == "FORBIDDEN"), "{seen}");
    let refused = app.graphql_as(&customer, ADD, json!({ "v": ids.variant, "name": "Mine.pdf" })).await;
    assert_eq!(error_codes(&refused), ["FORBIDDEN"], "{refused}");

    let forgotten = app.as_merchant(DELETE, json!({ "id": file["id"] })).await;
    assert_eq!(forgotten["data"]["deleteVariantFile"], file["id"], "{forgotten}");
    let again = app.as_merchant(DELETE, json!({ "id": file["id"] })).await;
    assert_eq!(error_codes(&again), ["NOT_FOUND"], "{again}");
    assert_eq!(files_of(&app, &app.merchant, &ids.product, &ids.variant).await.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn wrong_missing_and_oversized_names_and_other_tenants_are_refused_and_change_nothing() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let before = count_rows(&app.db, "variant_files").await;
    for name in [json!(""), json!("   "), json!("n".repeat(129)), json!("bad\u{0}name"), json!(42)] {
        let body = app.as_merchant(ADD, json!({ "v": ids.variant, "name": name })).await;
        assert!(!error_codes(&body).is_empty(), "{name}: {body}");
        assert!(body.to_string().contains("riendlyName") || body.to_string().contains("name"), "{body}");
    }
    let missing = app.as_merchant(ADD, json!({ "v": ids.variant })).await;
    assert!(!error_codes(&missing).is_empty(), "{missing}");
    let unknown = app.as_merchant(ADD, json!({ "v": uuid::Uuid::now_v7(), "name": "x.pdf" })).await;
    assert_eq!(error_codes(&unknown), ["NOT_FOUND"], "{unknown}");
    let rival = app.token(RIVAL_MERCHANT).await;
    let theirs = app.graphql_as(&rival, ADD, json!({ "v": ids.variant, "name": "x.pdf" })).await;
    assert_eq!(error_codes(&theirs), ["NOT_FOUND"], "{theirs}");
    let gone = app.graphql_as(&rival, DELETE, json!({ "id": ids.file })).await;
    assert_eq!(error_codes(&gone), ["NOT_FOUND"], "{gone}");
    assert_eq!(count_rows(&app.db, "variant_files").await, before, "nothing written or removed");
}

#[tokio::test]
async fn a_variant_takes_fifty_files_even_when_they_arrive_together() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let held = files_of(&app, &app.merchant, &ids.product, &ids.variant).await.as_array().map_or(0, Vec::len);
    for index in held..45 {
        let body = app.as_merchant(ADD, json!({ "v": ids.variant, "name": format!("part-{index}.zip") })).await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let racing = (0..10).map(|index| {
        let app = &app;
        let variant = ids.variant.clone();
        async move { app.as_merchant(ADD, json!({ "v": variant, "name": format!("race-{index}.zip") })).await }
    });
    let answers = futures_util::future::join_all(racing).await;
    let won = answers.iter().filter(|a| a["errors"].is_null()).count();
    let refused: Vec<Vec<String>> = answers.iter().map(error_codes).filter(|c| !c.is_empty()).collect();
    assert_eq!((won, refused.len()), (5, 5), "{answers:?}");
    assert!(refused.iter().all(|codes| codes == &["CONFLICT"]), "{refused:?}");
    assert_eq!(files_of(&app, &app.merchant, &ids.product, &ids.variant).await.as_array().map(Vec::len), Some(50));
}

#[tokio::test]
async fn the_address_is_the_forwarded_one_only_behind_a_trusted_proxy() {
    let trusting = spawn_with(TestDatabase::new().await, true, |config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().expect("address")];
    })
    .await;
    let ids = demo_catalog(&trusting, &trusting.merchant).await;
    let forwarded = |app: &crate::helpers::TestApp| {
        let (url, token, variant) =
            (format!("http://{}/graphql", app.address), app.merchant.clone(), ids.variant.clone());
        async move {
            let answer = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .header("x-forwarded-for", "198.51.100.9, 203.0.113.7")
                .json(&json!({ "query": ADD, "variables": { "v": variant, "name": "Forwarded.pdf" } }))
                .send()
                .await
                .expect("POST");
            answer.json::<Value>().await.expect("JSON")
        }
    };
    let behind = forwarded(&trusting).await;
    assert_eq!(behind["data"]["addVariantFile"]["ipAddress"], "203.0.113.7", "the nearest untrusted hop: {behind}");

    let direct = spawn_demo_app().await;
    let ids = demo_catalog(&direct, &direct.merchant).await;
    let answer = reqwest::Client::new()
        .post(format!("http://{}/graphql", direct.address))
        .bearer_auth(&direct.merchant)
        .header("x-forwarded-for", "203.0.113.7")
        .json(&json!({ "query": ADD, "variables": { "v": ids.variant, "name": "Direct.pdf" } }))
        .send()
        .await
        .expect("POST")
        .json::<Value>()
        .await
        .expect("JSON");
    assert_eq!(answer["data"]["addVariantFile"]["ipAddress"], "127.0.0.1", "an untrusted header is ignored: {answer}");
}

#[tokio::test]
async fn komerza_registers_shows_and_forgets_files_and_walls_them() {
    let app = spawn_demo_app().await;
    let ids = demo_catalog(&app, &app.merchant).await;
    let store = ids.store.as_str().expect("id");
    let variant = format!(
        "/stores/{store}/products/{}/variants/{}",
        ids.product.as_str().expect("id"),
        ids.variant.as_str().expect("id")
    );
    let (status, created) = app
        .rest(
            Method::POST,
            &format!("{variant}/files"),
            Some(&app.merchant),
            Some(json!({ "friendlyName": "Keys.txt" })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        (&created["data"]["friendlyName"], &created["data"]["ipAddress"]),
        (&json!("Keys.txt"), &json!("127.0.0.1"))
    );
    let (_, shown) = app.rest(Method::GET, &variant, Some(&app.merchant), None).await;
    let files = shown["data"]["files"].as_array().expect("files");
    assert!(files.iter().any(|f| f["id"] == created["data"]["id"]), "{shown}");
    for key in ["id", "dateCreated", "friendlyName", "ipAddress", "userId"] {
        assert!(files[0].get(key).is_some(), "seed 003 documents {key}: {shown}");
    }
    let customer = app.token(DEMO_CUSTOMER).await;
    let (status, bought) = app
        .rest(
            Method::GET,
            &format!("/stores/{store}/products/{}", ids.product.as_str().expect("id")),
            Some(&customer),
            None,
        )
        .await;
    assert_eq!(status, 200, "{bought}");
    assert_eq!(bought["data"]["variants"][0]["files"], json!([]), "a buyer's answer holds no files: {bought}");

    let before = count_rows(&app.db, "variant_files").await;
    for (body, field) in [
        (json!({}), "friendlyName"),
        (json!({ "friendlyName": "" }), "friendlyName"),
        (json!({ "friendlyName": "f".repeat(129) }), "friendlyName"),
        (json!({ "friendlyName": 7 }), "friendlyName"),
        (json!({ "friendlyName": "a.pdf", "ipAddress": "10.0.0.1" }), "ipAddress"),
    ] {
        let (status, refused) =
            app.rest(Method::POST, &format!("{variant}/files"), Some(&app.merchant), Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {refused}");
        assert!(refused["errors"].to_string().contains(field), "{field}: {refused}");
    }
    let rival = app.token(RIVAL_MERCHANT).await;
    let file = format!("{variant}/files/{}", created["data"]["id"].as_str().expect("id"));
    let (status, _) = app.rest(Method::DELETE, &file, Some(&rival), None).await;
    assert_eq!(status, 404);
    let (status, _) =
        app.rest(Method::POST, &format!("{variant}/files"), Some(&rival), Some(json!({ "friendlyName": "x" }))).await;
    assert_eq!(status, 404);
    let other_variant = format!(
        "/stores/{store}/products/{}/variants/{}/files/{}",
        ids.plain_product.as_str().expect("id"),
        ids.plain_variant.as_str().expect("id"),
        created["data"]["id"].as_str().expect("id")
    );
    let (status, _) = app.rest(Method::DELETE, &other_variant, Some(&app.merchant), None).await;
    assert_eq!(status, 404, "a file is reached only under its own variant");
    assert_eq!(count_rows(&app.db, "variant_files").await, before, "nothing written or removed");
    let (status, deleted) = app.rest(Method::DELETE, &file, Some(&app.merchant), None).await;
    assert_eq!((status, &deleted["data"]), (200, &Value::Null), "{deleted}");
    assert_eq!(count_rows(&app.db, "variant_files").await, before - 1);
}

#[tokio::test]
async fn the_files_of_every_variant_cost_one_statement() {
    let app = spawn_demo_app().await;
    let plain = "{ stores { products(first: 50) { nodes { id variants { id } } } } }";
    let (without, _) = app.merchant_counting(plain, json!({})).await;
    let query = "{ stores { products(first: 50) { nodes { id variants { id files { friendlyName } } } } } }";
    let (statements, body) = app.merchant_counting(query, json!({})).await;
    assert_eq!(statements, without + 1, "one statement for every variant's files: {body}");
    assert!(body.to_string().contains("care guide.pdf"), "{body}");
}
