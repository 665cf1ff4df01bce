//! Komerza endpoints at the root: `{success, message, code, data}` envelopes, paginated lists
//! `{success, pages, data}`, integer codes for visibility, stock mode and variant type.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::decimal;
use super::envelope::komerza;
use super::route::{
    field, form, found, param, text, Answer, Family, Field, Kind, Reply, RestError, RestRequest, Route, PAGE, PAGE_SIZE,
};
use crate::domain::catalog_rules::{
    PRODUCT_DESCRIPTION_MAX, PRODUCT_METADATA_MAX, PRODUCT_NAME, STORE_DESCRIPTION_MAX, STORE_NAME,
};
use crate::graphql::catalog::product_list::MAX_SEARCH_LEN;

/// An operation followed by the Komerza product fields (`...P`).
macro_rules! with_product {
    ($($operation:literal),+) => {
        concat!($($operation,)+ " fragment P on Product { id dateCreated name description visibility imageNames storeId shouldBlockVpns order isBestSeller blacklistedPaymentGateways additionalFees { gateway percentage } slug userId metadata variants { ", variant_selection!(), " } }")
    };
}

/// An operation on stores followed by the Komerza store fields (`...S`), whose products,
/// categories, coupons and webhook secret are there when `$products`, `$categories`,
/// `$coupons` and `$secret` say the caller may read them ([`store_parts`]).
macro_rules! with_store {
    ($($operation:literal),+) => {
        with_product!($($operation,)+ " fragment S on Store { id dateCreated name description url urlHistory customDomain userId currencyCode prependProductNameToReceipt isAutomaticReviewsEnabled isCustomerBalanceEnabled isInactive maintenanceReason webhookSecret @include(if: $secret) products(first: 100) @include(if: $products) { nodes { ...P } } categories(first: 100) @include(if: $categories) { nodes { id dateCreated name visibility order storeId slug } } coupons(first: 100) @include(if: $coupons) { nodes { id dateCreated code uses maximumUses isEnabled storeId percentageDecrease amountDecrease variantIds expirationDate } } affiliateOptions { id dateCreated isEnabled defaultReturnPercentage isPublicRegistrationEnabled isLinkEditingEnabled canConvertAffiliateBalance defaultPercentageOff } storeBrandOptions { id dateCreated storeId isAutomaticCurrencyConversionEnabled bannerFileName iconFileName accentColor } notificationOptions { id dateCreated discordWebhookUrl } }")
    };
}

const GET_STORE: &str = with_store!(
    "query($store: UUID!, $products: Boolean!, $categories: Boolean!, $coupons: Boolean!, $secret: Boolean!) { store(id: $store) { ...S } }"
);
const LIST_STORES: &str = with_store!(
    "query($products: Boolean!, $categories: Boolean!, $coupons: Boolean!, $secret: Boolean!) { stores { ...S } }"
);
const CREATE_STORE: &str = with_store!(
    "mutation($input: CreateStoreInput!, $products: Boolean!, $categories: Boolean!, $coupons: Boolean!, $secret: Boolean!) { store: createStore(input: $input) { ...S } }"
);
const STORE_ANALYTICS: &str = "query($store: UUID!, $from: DateTime, $to: DateTime, $top: Int) { store(id: $store) { analytics(from: $from, to: $to, top: $top) { from to revenue orderCount averageOrderValue affiliateRevenue affiliateCommission reviewCount averageRating openTickets topProducts { productId productName quantity revenue } } } }";
const UPDATE_STORE: &str = with_store!(
    "mutation($store: UUID!, $input: UpdateStoreInput!, $products: Boolean!, $categories: Boolean!, $coupons: Boolean!, $secret: Boolean!) { store: updateStore(id: $store, input: $input) { ...S } }"
);
const LIST_PRODUCTS: &str = with_product!("query($store: UUID!, $first: Int!, $offset: Int!, $filter: ProductFilter, $sort: ProductSortKey, $reverse: Boolean) { store(id: $store) { products(first: $first, offset: $offset, filter: $filter, sortKey: $sort, reverse: $reverse) { totalCount nodes { ...P } } } }");
pub(super) const GET_PRODUCT: &str = with_product!("query($id: UUID!) { product(id: $id) { ...P } }");
const CREATE_PRODUCT: &str = with_product!("mutation($store: UUID!, $input: CreateProductInput!) { product: createProduct(storeId: $store, input: $input) { ...P } }");
const UPDATE_PRODUCT: &str = with_product!(
    "mutation($id: UUID!, $input: UpdateProductInput!) { product: updateProduct(id: $id, input: $input) { ...P } }"
);
const DUPLICATE_PRODUCT: &str = with_product!("mutation($id: UUID!) { product: duplicateProduct(id: $id) { ...P } }");
const DELETE_PRODUCT: &str = "mutation($id: UUID!) { deleteProduct(id: $id) }";
const USER: &str = "{ me { id email name dateCreated } }";

const STORE_FORM: &[Field] = &[
    text("name", STORE_NAME, true),
    text("description", 0..=STORE_DESCRIPTION_MAX, true),
    field("prependProductNameToReceipt", "boolean", true),
    field("currencyCode", "string", true),
    field("isAutomaticReviewsEnabled", "boolean", true),
];
const NEW_STORE_FORM: &[Field] = &[
    text("name", STORE_NAME, true),
    text("description", 0..=STORE_DESCRIPTION_MAX, false),
    field("url", "string", false),
    field("currencyCode", "string", false),
    field("prependProductNameToReceipt", "boolean", false),
    field("isAutomaticReviewsEnabled", "boolean", false),
];
const PRODUCT_FORM: &[Field] = &[
    field("variants", "array", true),
    text("name", PRODUCT_NAME, true),
    text("description", 1..=PRODUCT_DESCRIPTION_MAX, false),
    field("isBestSeller", "boolean", false),
    field("slug", "string", false),
    field("additionalFees", "object", false),
];
const PRODUCT_UPDATE: &[Field] = &[
    text("name", PRODUCT_NAME, false),
    text("description", 1..=PRODUCT_DESCRIPTION_MAX, false),
    field("slug", "string", false),
    field("visibility", "integer", false),
    field("order", "integer", false),
    field("isBestSeller", "boolean", false),
    field("imageNames", "array", false),
    field("shouldBlockVpns", "boolean", false),
    field("blacklistedPaymentGateways", "array", false),
    text("metadata", 1..=PRODUCT_METADATA_MAX, false),
    field("additionalFees", "object", false),
];
/// What a variant of a Komerza form may carry.
pub(super) const VARIANT_FORM: &[&str] = &[
    "name",
    "cost",
    "minimumQuantity",
    "maximumQuantity",
    "order",
    "type",
    "stock",
    "deliveryTypes",
    "stockMode",
    "dynamicUrl",
    "deliveryMessage",
    "subscriptionPeriod",
];

pub static ROUTES: [Route; 12] = [
    Route {
        family: Family::Komerza,
        method: Method::GET,
        path: "/stores",
        summary: "List the caller's stores, by name",
        answer: Answer::Page("Store"),
        authenticated: true,
        store_scoped: false,
        query: &[],
        body: None,
        renames: &[],
        document: LIST_STORES,
        variables: |r| Ok(store_parts(r, json!({}))),
        respond: |_, data| {
            let stores: Vec<Value> = data["stores"].as_array().map(|all| all.iter().map(store).collect()).unwrap_or_default();
            Ok(Reply { status: StatusCode::OK, body: Some(json!({ "success": true, "pages": 1, "data": stores })) })
        },
    },
    Route {
        family: Family::Komerza,
        method: Method::POST,
        path: "/stores",
        summary: "Create a store (its URL slug is made from the name when absent)",
        answer: Answer::Created("Store"),
        authenticated: true,
        store_scoped: false,
        query: &[],
        body: form(NEW_STORE_FORM),
        renames: &[],
        document: CREATE_STORE,
        variables: |r| Ok(store_parts(r, json!({ "input": r.body }))),
        respond: |_, data| created(store(&data["store"])),
    },
    Route {
        family: Family::Komerza,
        method: Method::GET,
        path: "/stores/{storeId}/analytics",
        summary: "A store's sales between From and To (ISO 8601; default the last 30 days) with its Top products (0–50, default 5), affiliate figures, reviews and open tickets",
        answer: Answer::One("Analytics"),
        authenticated: true,
        store_scoped: true,
        query: &[param("From", Kind::Time), param("To", Kind::Time), param("Top", Kind::Whole(0, 50))],
        body: None,
        renames: &[("from", "From"), ("to", "To"), ("top", "Top")],
        document: STORE_ANALYTICS,
        variables: |r| {
            let top = r.query_parse::<i32>("Top", "a whole number from 0 to 50")?;
            Ok(json!({ "store": r.store_id()?, "from": r.query.get("From"), "to": r.query.get("To"), "top": top }))
        },
        respond: |_, data| {
            let figures = &found(&data["store"], "store")?["analytics"];
            let mut analytics = figures.clone();
            for key in ["revenue", "averageOrderValue", "affiliateRevenue", "affiliateCommission"] {
                analytics[key] = super::number(&figures[key]);
            }
            if let Some(products) = analytics["topProducts"].as_array_mut() {
                for product in products {
                    product["revenue"] = super::number(&product["revenue"]);
                }
            }
            Ok(ok(analytics))
        },
    },
    Route {
        family: Family::Komerza,
        method: Method::GET,
        path: "/stores/{storeId}",
        summary: "Get a store",
        answer: Answer::One("Store"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: None,
        renames: &[],
        document: GET_STORE,
        variables: |r| Ok(store_parts(r, json!({ "store": r.store_id()? }))),
        respond: |_, data| found(&data["store"], "store").map(|s| ok(store(s))),
    },
    Route {
        family: Family::Komerza,
        method: Method::PUT,
        path: "/stores/{storeId}",
        summary: "Update a store",
        answer: Answer::One("Store"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: form(STORE_FORM),
        renames: &[],
        document: UPDATE_STORE,
        variables: |r| {
            let mut input = json!({});
            for f in STORE_FORM {
                input[f.name] = r.body[f.name].clone();
            }
            Ok(store_parts(r, json!({ "store": r.store_id()?, "input": input })))
        },
        respond: |_, data| Ok(ok(store(&data["store"]))),
    },
    Route {
        family: Family::Komerza,
        method: Method::GET,
        path: "/stores/{storeId}/products",
        summary:
            "List a store's products (Page, PageSize; Search, CategoryId, Visibility, IsBestSeller; SortBy, SortOrder)",
        answer: Answer::Page("Product"),
        authenticated: true,
        store_scoped: true,
        query: &[
            PAGE,
            PAGE_SIZE,
            param("Search", Kind::Text(MAX_SEARCH_LEN)),
            param("CategoryId", Kind::Id),
            param("Visibility", Kind::Whole(0, 2)),
            param("IsBestSeller", Kind::Flag),
            param("SortBy", Kind::OneOf(&["Order", "Name", "Price", "Cost", "Stock", "DateCreated"])),
            param("SortOrder", Kind::OneOf(&["asc", "desc", "ascending", "descending"])),
        ],
        body: None,
        renames: &[("filter.search", "Search")],
        document: LIST_PRODUCTS,
        variables: list_products,
        respond: |r, data| list(r, &found(&data["store"], "store")?["products"], product),
    },
    Route {
        family: Family::Komerza,
        method: Method::GET,
        path: "/stores/{storeId}/products/{productId}",
        summary: "Get a product",
        answer: Answer::One("Product"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: None,
        renames: &[],
        document: GET_PRODUCT,
        variables: |r| Ok(json!({ "id": r.path_uuid("productId", "product")? })),
        respond: |_, data| Ok(ok(product(found(&data["product"], "product")?))),
    },
    Route {
        family: Family::Komerza,
        method: Method::POST,
        path: "/stores/{storeId}/products",
        summary: "Create a product with its variants",
        answer: Answer::Created("Product"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: form(PRODUCT_FORM),
        renames: &[],
        document: CREATE_PRODUCT,
        variables: |r| {
            let variants =
                r.body["variants"].as_array().ok_or_else(|| RestError::validation("variants", "must be an array"))?;
            let mut inputs = Vec::with_capacity(variants.len());
            let mut problems = Vec::new();
            for (index, variant) in variants.iter().enumerate() {
                match variant_input(variant, &format!("variants[{index}].")) {
                    Ok(input) => inputs.push(input),
                    Err(problem) => problems.push(problem),
                }
            }
            let fees = r.body_field("additionalFees").map(fees_input).transpose();
            if let Err(problem) = &fees {
                problems.push(RestError::problems(problem.details.clone()));
            }
            if !problems.is_empty() {
                return Err(RestError::merged(problems));
            }
            Ok(json!({ "store": r.store_id()?, "input": {
                "name": r.body["name"], "description": r.body_field("description"), "isBestSeller": r.body_field("isBestSeller"),
                "slug": r.body_field("slug"), "variants": inputs, "additionalFees": fees?,
            } }))
        },
        respond: |_, data| created(product(&data["product"])),
    },
    Route {
        family: Family::Komerza,
        method: Method::PUT,
        path: "/stores/{storeId}/products/{productId}",
        summary: "Update a product's own fields (absent fields keep their value)",
        answer: Answer::One("Product"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: form(PRODUCT_UPDATE),
        renames: &[],
        document: UPDATE_PRODUCT,
        variables: |r| {
            let mut input = r.body.clone();
            if let Some(visibility) = r.body_field("visibility") {
                input["visibility"] = name(VISIBILITY, visibility, "visibility")?;
            }
            if let Some(fees) = r.body_field("additionalFees") {
                input["additionalFees"] = fees_input(fees)?;
            }
            Ok(json!({ "id": r.path_uuid("productId", "product")?, "input": input }))
        },
        respond: |_, data| Ok(ok(product(&data["product"]))),
    },
    Route {
        family: Family::Komerza,
        method: Method::DELETE,
        path: "/stores/{storeId}/products/{productId}",
        summary: "Delete a product (orders keep their lines)",
        answer: Answer::Nothing,
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: None,
        renames: &[],
        document: DELETE_PRODUCT,
        variables: |r| Ok(json!({ "id": r.path_uuid("productId", "product")? })),
        respond: |_, _| Ok(ok(Value::Null)),
    },
    Route {
        family: Family::Komerza,
        method: Method::POST,
        path: "/stores/{storeId}/products/{productId}/duplicate",
        summary: "Duplicate a product with its variants, fields and options",
        answer: Answer::Created("Product"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: None,
        renames: &[],
        document: DUPLICATE_PRODUCT,
        variables: |r| Ok(json!({ "id": r.path_uuid("productId", "product")? })),
        respond: |_, data| created(product(&data["product"])),
    },
    Route {
        family: Family::Komerza,
        method: Method::GET,
        path: "/user",
        summary: "The signed-in user",
        answer: Answer::One("User"),
        authenticated: true,
        store_scoped: false,
        query: &[],
        body: None,
        renames: &[],
        document: USER,
        variables: |_| Ok(json!({})),
        respond: |_, data| Ok(ok(data["me"].clone())),
    },
];

/// The product list's query parameters as the GraphQL filter and sort.
fn list_products(r: &RestRequest) -> Result<Value, RestError> {
    let mut variables = page_args(r)?;
    let mut filter = json!({});
    if let Some(search) = r.query.get("Search") {
        filter["search"] = json!(search);
    }
    if let Some(category) = r.query_parse::<uuid::Uuid>("CategoryId", "a category id")? {
        filter["categoryId"] = json!(category);
    }
    if let Some(visibility) = r.query_parse::<u64>("Visibility", "0, 1 or 2")? {
        filter["visibility"] = name(VISIBILITY, &json!(visibility), "Visibility")?;
    }
    if let Some(best) = r.query_parse::<bool>("IsBestSeller", "true or false")? {
        filter["isBestSeller"] = json!(best);
    }
    variables["filter"] = filter;
    variables["sort"] = json!(match r.query.get("SortBy").map(|s| s.to_ascii_lowercase()).as_deref() {
        None | Some("order") => "ORDER",
        Some("name") => "NAME",
        Some("price") | Some("cost") => "PRICE",
        Some("stock") => "STOCK",
        Some("datecreated") => "CREATED_AT",
        Some(_) => return Err(RestError::validation("SortBy", "must be Order, Name, Price, Stock or DateCreated")),
    });
    variables["reverse"] = json!(match r.query.get("SortOrder").map(|s| s.to_ascii_lowercase()).as_deref() {
        None | Some("asc") | Some("ascending") => false,
        Some("desc") | Some("descending") => true,
        Some(_) => return Err(RestError::validation("SortOrder", "must be asc or desc")),
    });
    Ok(variables)
}

pub(super) fn ok(data: Value) -> Reply {
    Reply { status: StatusCode::OK, body: Some(komerza(data)) }
}

/// A Komerza answer for a created row (201).
pub(super) fn created(data: Value) -> Result<Reply, RestError> {
    Ok(Reply { status: StatusCode::CREATED, body: Some(komerza(data)) })
}

/// `Page` (1-based) and `PageSize` (1–100, default 20) as `first` and `offset`, with the store.
pub(super) fn page_args(r: &RestRequest) -> Result<Value, RestError> {
    let (size, offset) = r.paging("Page", "PageSize")?;
    Ok(json!({ "store": r.store_id()?, "first": size, "offset": offset }))
}

/// A paginated Komerza list `{success, pages, data}` of a connection's nodes.
pub(super) fn list(r: &RestRequest, connection: &Value, map: fn(&Value) -> Value) -> Result<Reply, RestError> {
    let (size, _) = r.paging("Page", "PageSize")?;
    let total = connection["totalCount"].as_i64().unwrap_or(0);
    let items: Vec<Value> =
        connection["nodes"].as_array().map(|nodes| nodes.iter().map(map).collect()).unwrap_or_default();
    Ok(Reply {
        status: StatusCode::OK,
        body: Some(json!({ "success": true, "pages": (total + size - 1) / size, "data": items })),
    })
}

pub(super) const VISIBILITY: &[&str] = &["PUBLIC", "UNLISTED", "PRIVATE"];
const STOCK_MODE: &[&str] = &["FIXED", "CALCULATED", "UNLIMITED"];
const VARIANT_TYPE: &[&str] = &["ONE_TIME", "SUBSCRIPTION"];

/// An enum name as Komerza's integer code.
pub(super) fn code(names: &[&str], value: &Value) -> Value {
    value.as_str().and_then(|v| names.iter().position(|n| *n == v)).map_or(Value::Null, |i| json!(i))
}

/// A Komerza integer code as the enum name, or a validation error on `field`.
pub(super) fn name(names: &[&str], value: &Value, field: &str) -> Result<Value, RestError> {
    value
        .as_u64()
        .and_then(|i| names.get(usize::try_from(i).ok()?))
        .map(|n| json!(n))
        .ok_or_else(|| RestError::validation(field, format!("must be one of 0 to {}", names.len() - 1)))
}

/// A variant of a Komerza form as a GraphQL variant input; `prefix` (`variants[0].`) names its
/// fields in errors, all of which come in one answer (unknown fields and unknown codes).
pub(super) fn variant_input(variant: &Value, prefix: &str) -> Result<Value, RestError> {
    let object =
        variant.as_object().ok_or_else(|| RestError::validation(prefix.trim_end_matches('.'), "must be an object"))?;
    let mut problems: Vec<RestError> = object
        .keys()
        .filter(|k| !VARIANT_FORM.contains(&k.as_str()))
        .map(|extra| RestError::validation(&format!("{prefix}{extra}"), "is not accepted here"))
        .collect();
    let mut input = json!({});
    for (key, value) in object.iter().filter(|(_, v)| !v.is_null()) {
        let converted = match key.as_str() {
            "cost" => Ok(decimal(value)),
            "type" => name(VARIANT_TYPE, value, &format!("{prefix}type")),
            "stockMode" => name(STOCK_MODE, value, &format!("{prefix}stockMode")),
            _ => Ok(value.clone()),
        };
        match converted {
            Ok(value) => input[key.as_str()] = value,
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(input)
    } else {
        Err(RestError::merged(problems))
    }
}

/// `variables` with the parts of a store the caller may read: its products, categories and
/// coupons (first 100 of each) and its webhook secret, each by the scope that guards it. A part
/// the caller may not read is left out of the answer rather than failing it.
fn store_parts(r: &RestRequest, mut variables: Value) -> Value {
    for (part, scope) in [
        ("products", "stores.products.view"),
        ("categories", "stores.categories.view"),
        ("coupons", "stores.coupons.view"),
        ("secret", "user.webhooks.view"),
    ] {
        variables[part] = json!(r.principal.has_scope(scope));
    }
    variables
}

/// A GraphQL store as Komerza shows it: `domain` beside `customDomain`, its products,
/// categories and coupons as lists in Komerza's shapes, and the fields this gateway has nothing
/// behind (`lastCustomDomainUpdate`, `builderRepository`) as null.
fn store(s: &Value) -> Value {
    let mut store = s.clone();
    store["domain"] = s["customDomain"].clone();
    store["lastCustomDomainUpdate"] = Value::Null;
    store["builderRepository"] = Value::Null;
    let nodes = |key: &str, map: fn(&Value) -> Value| -> Option<Value> {
        let rows = s.get(key)?["nodes"].as_array()?;
        Some(Value::Array(rows.iter().map(map).collect()))
    };
    for (key, map) in [
        ("products", product as fn(&Value) -> Value),
        ("categories", super::komerza_sales::category),
        ("coupons", super::komerza_sales::coupon),
    ] {
        if let Some(list) = nodes(key, map) {
            store[key] = list;
        }
    }
    store
}

/// Komerza's `additionalFees` object (`{"stripe": 2.9}`: percent by payment gateway) as the
/// GraphQL list of fees; a value that is not a number is named by its gateway.
fn fees_input(fees: &Value) -> Result<Value, RestError> {
    let entries = fees.as_object().map(|o| o.iter().collect::<Vec<_>>()).unwrap_or_default();
    let problems: Vec<(String, String)> = entries
        .iter()
        .filter(|(_, percentage)| !percentage.is_number())
        .map(|(gateway, _)| {
            (format!("additionalFees.{gateway}"), "must be a number of percent, such as 2.9".to_owned())
        })
        .collect();
    if !problems.is_empty() {
        return Err(RestError::problems(problems));
    }
    Ok(json!(entries
        .into_iter()
        .map(|(gateway, percentage)| json!({ "gateway": gateway, "percentage": decimal(percentage) }))
        .collect::<Vec<_>>()))
}

/// A GraphQL product as Komerza shows it (integer codes; costs as numbers; no description is "").
pub(super) fn product(p: &Value) -> Value {
    let mut product = p.clone();
    product["visibility"] = code(VISIBILITY, &p["visibility"]);
    if p["description"].is_null() {
        product["description"] = json!("");
    }
    let fees = p["additionalFees"].as_array().map(Vec::as_slice).unwrap_or_default();
    product["additionalFees"] = Value::Object(
        fees.iter()
            .filter_map(|fee| Some((fee["gateway"].as_str()?.to_owned(), super::number(&fee["percentage"]))))
            .collect(),
    );
    if let Some(variants) = product["variants"].as_array_mut() {
        for v in variants {
            *v = variant(v);
        }
    }
    product
}

/// A GraphQL variant as Komerza shows it.
pub(super) fn variant(v: &Value) -> Value {
    let mut variant = v.clone();
    variant["cost"] = super::number(&v["cost"]);
    variant["stockMode"] = code(STOCK_MODE, &v["stockMode"]);
    variant["type"] = code(VARIANT_TYPE, &v["type"]);
    if v["files"].is_null() {
        variant["files"] = json!([]);
    }
    if let Some(fields) = variant["customFields"].as_array_mut() {
        for f in fields {
            *f = custom_field(f);
        }
    }
    variant
}

/// A GraphQL custom field as Komerza shows it (its type in lower case).
pub(super) fn custom_field(f: &Value) -> Value {
    let mut field = f.clone();
    field["type"] = json!(f["type"].as_str().map(str::to_lowercase));
    field
}
