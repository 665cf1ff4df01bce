//! A store's option objects on GraphQL (read with the store, changed by its staff) and the
//! Komerza store object with every documented field, with wrong, missing and oversized values
//! refused and another tenant's store out of reach.

use serde_json::{json, Value};

use crate::helpers::{assert_documented, demo_catalog, error_codes, spawn_demo_app, RIVAL_MERCHANT};

const BRAND: &str = "mutation($s: UUID!, $input: BrandOptionsInput!) { updateStoreBrandOptions(storeId: $s, input: $input) { isAutomaticCurrencyConversionEnabled bannerFileName iconFileName accentColor } }";
const NOTIFY: &str = "mutation($s: UUID!, $input: NotificationOptionsInput!) { updateNotificationOptions(storeId: $s, input: $input) { discordWebhookUrl } }";
const READ: &str = "query($s: UUID!) { store(id: $s) { storeBrandOptions { id accentColor bannerFileName } notificationOptions { id discordWebhookUrl } affiliateOptions { id isEnabled } } }";

#[tokio::test]
async fn brand_and_notification_options_are_read_changed_and_walled() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let read = app.as_merchant(READ, json!({ "s": store })).await;
    assert_eq!(read["data"]["store"]["storeBrandOptions"]["accentColor"], "#3b82f6", "the demo's: {read}");

    let changed = app
        .as_merchant(BRAND, json!({ "s": store, "input": { "accentColor": "#A1b2C3", "bannerFileName": "banner.png", "isAutomaticCurrencyConversionEnabled": true } }))
        .await;
    assert_eq!(
        changed["data"]["updateStoreBrandOptions"],
        json!({ "isAutomaticCurrencyConversionEnabled": true, "bannerFileName": "banner.png", "iconFileName": null, "accentColor": "#A1b2C3" }),
        "{changed}"
    );
    let cleared = app.as_merchant(BRAND, json!({ "s": store, "input": { "bannerFileName": null } })).await;
    assert_eq!(cleared["data"]["updateStoreBrandOptions"]["bannerFileName"], Value::Null, "{cleared}");
    let hook = app
        .as_merchant(
            NOTIFY,
            json!({ "s": store, "input": { "discordWebhookUrl": "https://discord.com/api/webhooks/1/x" } }),
        )
        .await;
    assert_eq!(hook["data"]["updateNotificationOptions"]["discordWebhookUrl"], "https://discord.com/api/webhooks/1/x");

    let before = app.as_merchant(READ, json!({ "s": store })).await;
    for (mutation, input, field) in [
        (BRAND, json!({ "accentColor": "blue" }), "accentColor"),
        (BRAND, json!({ "accentColor": "#12345" }), "accentColor"),
        (BRAND, json!({ "accentColor": 12 }), "accentColor"),
        (BRAND, json!({ "bannerFileName": "" }), "bannerFileName"),
        (BRAND, json!({ "iconFileName": "i".repeat(256) }), "iconFileName"),
        (BRAND, json!({ "isAutomaticCurrencyConversionEnabled": "yes" }), "isAutomaticCurrencyConversionEnabled"),
        (NOTIFY, json!({ "discordWebhookUrl": "http://discord.com/api/webhooks/1/x" }), "discordWebhookUrl"),
        (NOTIFY, json!({ "discordWebhookUrl": "not a url" }), "discordWebhookUrl"),
        (
            NOTIFY,
            json!({ "discordWebhookUrl": format!("https://discord.com/{}", "x".repeat(2100)) }),
            "discordWebhookUrl",
        ),
    ] {
        let body = app.as_merchant(mutation, json!({ "s": store, "input": input })).await;
        assert_eq!(error_codes(&body), ["VALIDATION"], "{input}: {body}");
        assert!(body["errors"][0].to_string().contains(field), "{input} names {field}: {body}");
    }
    let missing = app.as_merchant(BRAND, json!({ "s": store })).await;
    assert_eq!(error_codes(&missing), ["VALIDATION"], "{missing}");
    assert_eq!(app.as_merchant(READ, json!({ "s": store })).await, before, "nothing half-written");

    let rival = app.token(RIVAL_MERCHANT).await;
    for (mutation, input) in
        [(BRAND, json!({ "accentColor": "#000000" })), (NOTIFY, json!({ "discordWebhookUrl": null }))]
    {
        let body = app.graphql_as(&rival, mutation, json!({ "s": store, "input": input })).await;
        assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    }
    assert!(app.graphql_as(&rival, READ, json!({ "s": store })).await["data"]["store"].is_null());
    assert_eq!(app.as_merchant(READ, json!({ "s": store })).await, before, "the rival changed nothing");
}

/// Every field seed 004 documents on the store object, with its JSON type.
const STORE_FIELDS: &[(&str, &str)] = &[
    ("id", "string"),
    ("dateCreated", "string"),
    ("name", "string"),
    ("description", "string"),
    ("url", "string"),
    ("urlHistory", "array"),
    ("domain", "null|string"),
    ("lastCustomDomainUpdate", "null|string"),
    ("userId", "string"),
    ("currencyCode", "string"),
    ("prependProductNameToReceipt", "boolean"),
    ("isAutomaticReviewsEnabled", "boolean"),
    ("isCustomerBalanceEnabled", "boolean"),
    ("isInactive", "boolean"),
    ("builderRepository", "null|object"),
    ("customDomain", "null|string"),
    ("affiliateOptions", "object"),
    ("storeBrandOptions", "object"),
    ("notificationOptions", "object"),
    ("maintenanceReason", "null|string"),
    ("products", "array"),
    ("categories", "array"),
    ("coupons", "array"),
    ("webhookSecret", "string"),
];

#[tokio::test]
async fn the_komerza_store_object_carries_the_documented_fields_and_options() {
    let app = spawn_demo_app().await;
    let store = demo_catalog(&app, &app.merchant).await.store;
    let path = format!("/stores/{}", store.as_str().unwrap_or_default());
    let form = json!({ "name": "Demo Store", "description": "Renamed", "prependProductNameToReceipt": true, "currencyCode": "USD", "isAutomaticReviewsEnabled": true });
    for (method, body) in [(reqwest::Method::GET, None), (reqwest::Method::PUT, Some(form))] {
        let (status, answer) = app.rest(method.clone(), &path, Some(&app.merchant), body).await;
        assert_eq!(status, 200, "{answer}");
        let data = &answer["data"];
        assert_documented(data, STORE_FIELDS, &format!("{method} store"));
        assert_eq!(data["affiliateOptions"]["defaultReturnPercentage"], 10, "the demo's programme: {data}");
        assert_eq!(data["storeBrandOptions"]["storeId"], store);
    }
    let (_, listed) = app.rest(reqwest::Method::GET, "/stores", Some(&app.merchant), None).await;
    assert!(listed["data"][0]["notificationOptions"].is_object(), "{listed}");

    // Its products, categories, coupons and webhook secret, each for callers holding its scope.
    let (_, full) = app.rest(reqwest::Method::GET, &path, Some(&app.merchant), None).await;
    let data = &full["data"];
    assert!(data["webhookSecret"].as_str().is_some_and(|s| s.starts_with("whsec_")), "{data}");
    assert!(
        data["products"]
            .as_array()
            .is_some_and(|p| !p.is_empty() && p[0]["visibility"].is_u64() && p[0]["variants"][0]["cost"].is_number()),
        "{data}"
    );
    assert!(data["categories"].as_array().is_some_and(|c| !c.is_empty() && c[0]["visibility"].is_u64()), "{data}");
    assert!(data["coupons"].as_array().is_some_and(|c| c[0]["code"] == "WELCOME10"), "{data}");
    let viewer = app.api_key(&app.merchant, &["stores.view", "stores.coupons.view"], None).await;
    let (status, partial) = app.rest(reqwest::Method::GET, &path, Some(&viewer), None).await;
    assert_eq!(status, 200, "{partial}");
    let data = &partial["data"];
    for hidden in ["products", "categories", "webhookSecret"] {
        assert!(data.get(hidden).is_none(), "{hidden} needs its scope: {data}");
    }
    assert!(data["coupons"].is_array() && data["name"] == "Demo Store", "{data}");
}
