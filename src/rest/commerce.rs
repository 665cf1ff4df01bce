//! Commerce API 2.4.0 under `/v2`. Its product is a product with its first variant (sku,
//! price = cost, stock), `currency` is the store's, `category` the slug of the product's first
//! category, `active` means "not PRIVATE". Its store is the caller's (see
//! [`super::resolve_store`]).

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::route::{
    field, form, found, param, patch, rule, Answer, Family, Field, Kind, Param, Reply, RestError, RestRequest, Route,
    Rule, PAGE, PAGE_SIZE,
};
use super::schemas::ORDER_STATUSES;
use super::{decimal, number};
use crate::error::Code;
use crate::graphql::catalog::product_list::MAX_SEARCH_LEN;

/// An operation followed by the product fields every product route reads (`...P`).
macro_rules! with_product {
    ($($operation:literal),+) => {
        concat!($($operation,)+ " fragment P on Product { id storeId name description visibility imageNames dateCreated dateUpdated categorySlugs variants { sku cost stock } }")
    };
}

/// An operation followed by the order fields every order route reads (`...O`).
macro_rules! with_order {
    ($($operation:literal),+) => {
        concat!($($operation,)+ " fragment O on Order { id storeId customerId status currencyCode subtotal discount total notes dateCreated dateUpdated items { productId sku productName quantity unitPrice lineTotal } }")
    };
}

const LOGIN: &str = "mutation($email: String!, $password: String!, $remember: Boolean!) { login(email: $email, password: $password, remember: $remember) { accessToken tokenType expiresIn refreshToken } }";
const REFRESH: &str = "mutation($token: String!) { refreshSession(refreshToken: $token) { accessToken tokenType expiresIn refreshToken } }";
const LOGOUT: &str = "mutation { logout }";
const LIST_PRODUCTS: &str = with_product!(
    "query($store: UUID!, $first: Int!, $offset: Int!, $filter: ProductFilter, $sort: ProductSortKey, $reverse: Boolean) { store(id: $store) { currencyCode products(first: $first, offset: $offset, filter: $filter, sortKey: $sort, reverse: $reverse) { totalCount nodes { ...P } } } } "
);
const GET_PRODUCT: &str =
    with_product!("query($id: UUID!, $store: UUID!) { product(id: $id) { ...P } store(id: $store) { currencyCode } } ");
const CREATE_PRODUCT: &str = with_product!(
    "mutation($store: UUID!, $input: CreateProductInput!) { product: createProduct(storeId: $store, input: $input) { ...P } } "
);
const UPDATE_PRODUCT: &str = with_product!(
    "mutation($id: UUID!, $input: UpdateProductInput!) { product: updateProduct(id: $id, input: $input) { ...P } } "
);
const DELETE_PRODUCT: &str = "mutation($id: UUID!) { deleteProduct(id: $id) }";
const LIST_ORDERS: &str = with_order!(
    "query($store: UUID!, $first: Int!, $offset: Int!, $filter: OrderFilter) { orders(storeId: $store, first: $first, offset: $offset, filter: $filter) { totalCount nodes { ...O } } } "
);
const GET_ORDER: &str = with_order!("query($id: UUID!) { order(id: $id) { ...O } } ");
const CREATE_ORDER: &str = with_order!(
    "mutation($store: UUID!, $input: CreateOrderInput!, $key: String) { order: createOrder(storeId: $store, input: $input, idempotencyKey: $key) { ...O } } "
);
/// One document for every transition; `@include` runs the one asked for (the others are never
/// resolved, so only its scope is checked).
const SET_STATUS: &str = with_order!(
    "mutation($id: UUID!, $reason: String!, $confirmed: Boolean!, $shipped: Boolean!, $delivered: Boolean!, $cancelled: Boolean!, $refunded: Boolean!) { ",
    "confirmed: confirmOrder(id: $id) @include(if: $confirmed) { ...O } ",
    "shipped: shipOrder(id: $id) @include(if: $shipped) { ...O } ",
    "delivered: deliverOrder(id: $id) @include(if: $delivered) { ...O } ",
    "cancelled: cancelOrder(id: $id, reason: $reason) @include(if: $cancelled) { ...O } ",
    "refunded: refundOrder(id: $id, reason: $reason) @include(if: $refunded) { ...O } } "
);

/// The Commerce API's product categories: a product's is the first of its category slugs that is
/// one of them, and `home` when none is (the document allows no other value, nor null).
pub const CATEGORIES: &[&str] = &["footwear", "apparel", "accessories", "electronics", "home"];

const PRODUCT_FIELDS: &[Field] = &[
    field("sku", "string", true),
    field("name", "string", true),
    field("description", "string", false),
    field("price", "number", true),
    rule("currency", Rule::StoreCurrency, true),
    field("stock", "integer", true),
    rule("category", Rule::OneOf(CATEGORIES), true),
    rule("imageUrl", Rule::WebUrl, false),
    field("active", "boolean", false),
];
/// GraphQL input paths as the Commerce API names them.
const PRODUCT_RENAMES: &[(&str, &str)] = &[
    ("variants[0].sku", "sku"),
    ("variants[0].cost", "price"),
    ("variants[0].stock", "stock"),
    ("variants[0].name", "name"),
    ("defaultVariant.sku", "sku"),
    ("defaultVariant.cost", "price"),
    ("defaultVariant.stock", "stock"),
    ("categorySlugs", "category"),
    ("imageNames", "imageUrl"),
    ("imageNames[0]", "imageUrl"),
];
const ORDER_RENAMES: &[(&str, &str)] = &[("couponCode", "coupon")];
/// The Commerce API's paging parameters: Komerza's, spelt in camel case.
const COMMERCE_PAGE: Param = Param { name: "page", ..PAGE };
const COMMERCE_PAGE_SIZE: Param = Param { name: "pageSize", ..PAGE_SIZE };
const STATUSES: &[&str] = &["confirmed", "shipped", "delivered", "cancelled", "refunded"];

pub static ROUTES: [Route; 12] = [
    Route {
        family: Family::Commerce,
        method: Method::POST,
        path: "/v2/auth/login",
        summary: "Log in with email and password; returns a 1 h JWT and a refresh token",
        answer: Answer::One("CommerceTokens"),
        authenticated: false,
        store_scoped: false,
        query: &[],
        body: form(&[
            field("email", "string", true),
            field("password", "string", true),
            field("remember", "boolean", false),
        ]),
        renames: &[],
        document: LOGIN,
        variables: |r| {
            Ok(
                json!({ "email": r.body["email"], "password": r.body["password"], "remember": r.body_field("remember").cloned().unwrap_or(json!(false)) }),
            )
        },
        respond: |_, data| Ok(Reply { status: StatusCode::OK, body: Some(data["login"].clone()) }),
    },
    Route {
        family: Family::Commerce,
        method: Method::POST,
        path: "/v2/auth/refresh",
        summary: "Trade a refresh token for new tokens (the old one is rotated)",
        answer: Answer::One("CommerceTokens"),
        authenticated: false,
        store_scoped: false,
        query: &[],
        body: form(&[field("refreshToken", "string", true)]),
        renames: &[],
        document: REFRESH,
        variables: |r| Ok(json!({ "token": r.body["refreshToken"] })),
        respond: |_, data| Ok(Reply { status: StatusCode::OK, body: Some(data["refreshSession"].clone()) }),
    },
    Route {
        family: Family::Commerce,
        method: Method::DELETE,
        path: "/v2/auth/logout",
        summary: "Revoke the current session",
        answer: Answer::Nothing,
        authenticated: true,
        store_scoped: false,
        query: &[],
        body: None,
        renames: &[],
        document: LOGOUT,
        // An API key has no session to revoke: the documented 401, not a 403 the route never
        // lists (keys are revoked with `revokeApiKey`).
        variables: |r| {
            if r.api_key {
                let message =
                    "logout ends a login session: send its access token (an API key is revoked with revokeApiKey)";
                return Err(RestError::new(Code::Unauthenticated, message));
            }
            Ok(json!({}))
        },
        respond: |_, _| Ok(Reply { status: StatusCode::NO_CONTENT, body: None }),
    },
    Route {
        family: Family::Commerce,
        method: Method::GET,
        path: "/v2/products",
        summary: "List products with paging, filters and sorting",
        answer: Answer::Page("CommerceProduct"),
        authenticated: true,
        store_scoped: true,
        query: &[
            COMMERCE_PAGE,
            COMMERCE_PAGE_SIZE,
            param("search", Kind::Text(MAX_SEARCH_LEN)),
            param("category", Kind::OneOf(CATEGORIES)),
            param("active", Kind::Flag),
            param("sort", Kind::OneOf(&["name", "price", "stock", "createdAt"])),
            param("order", Kind::OneOf(&["asc", "desc"])),
        ],
        body: None,
        renames: &[("filter.search", "search"), ("filter.categorySlug", "category")],
        document: LIST_PRODUCTS,
        variables: list_products,
        respond: |r, data| {
            let store = &data["store"];
            if store.is_null() {
                return Err(RestError::not_found("store"));
            }
            let connection = &store["products"];
            let items = connection["nodes"]
                .as_array()
                .map(|nodes| nodes.iter().map(|p| product(&store["currencyCode"], p)).collect())
                .unwrap_or_default();
            Ok(Reply { status: StatusCode::OK, body: Some(page_of(r, items, &connection["totalCount"])?) })
        },
    },
    Route {
        family: Family::Commerce,
        method: Method::POST,
        path: "/v2/products",
        summary: "Create a product (with its single variant)",
        answer: Answer::Created("CommerceProduct"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: form(PRODUCT_FIELDS),
        renames: PRODUCT_RENAMES,
        document: CREATE_PRODUCT,
        variables: |r| {
            let active = r.body_field("active").and_then(Value::as_bool).unwrap_or(true);
            let images: Vec<Value> = r.body_field("imageUrl").cloned().into_iter().collect();
            Ok(json!({ "store": r.store_id()?, "input": {
                "name": r.body["name"], "description": r.body_field("description"),
                "visibility": if active { "PUBLIC" } else { "PRIVATE" }, "imageNames": images,
                "categorySlugs": [r.body["category"]],
                "variants": [{ "name": r.body["name"], "sku": r.body["sku"], "cost": decimal(&r.body["price"]), "stock": r.body["stock"] }],
            } }))
        },
        respond: |r, data| {
            Ok(Reply { status: StatusCode::CREATED, body: Some(product(&known_currency(r), &data["product"])) })
        },
    },
    Route {
        family: Family::Commerce,
        method: Method::GET,
        path: "/v2/products/{productId}",
        summary: "Get a product",
        answer: Answer::One("CommerceProduct"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: None,
        renames: &[],
        document: GET_PRODUCT,
        variables: |r| Ok(json!({ "id": r.path_uuid("productId", "product")?, "store": r.store_id()? })),
        respond: |_, data| {
            let currency = &data["store"]["currencyCode"];
            Ok(Reply { status: StatusCode::OK, body: Some(product(currency, found(&data["product"], "product")?)) })
        },
    },
    Route {
        family: Family::Commerce,
        method: Method::PATCH,
        path: "/v2/products/{productId}",
        summary: "Change some fields of a product",
        answer: Answer::One("CommerceProduct"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: patch(PRODUCT_FIELDS),
        renames: PRODUCT_RENAMES,
        document: UPDATE_PRODUCT,
        variables: |r| {
            let mut input = json!({});
            let mut variant = json!({});
            for (from, to) in [("name", "name"), ("description", "description")] {
                if let Some(value) = r.body.get(from) {
                    input[to] = value.clone();
                }
            }
            if let Some(active) = r.body_field("active").and_then(Value::as_bool) {
                input["visibility"] = json!(if active { "PUBLIC" } else { "PRIVATE" });
            }
            if let Some(image) = r.body.get("imageUrl") {
                input["imageNames"] = if image.is_null() { json!([]) } else { json!([image]) };
            }
            if let Some(category) = r.body_field("category") {
                input["categorySlugs"] = json!([category]);
            }
            for (from, to) in [("sku", "sku"), ("stock", "stock")] {
                if let Some(value) = r.body_field(from) {
                    variant[to] = value.clone();
                }
            }
            if let Some(price) = r.body_field("price") {
                variant["cost"] = decimal(price);
            }
            if variant.as_object().is_some_and(|v| !v.is_empty()) {
                input["defaultVariant"] = variant;
            }
            Ok(json!({ "id": r.path_uuid("productId", "product")?, "input": input }))
        },
        respond: |r, data| {
            let body = product(&known_currency(r), found(&data["product"], "product")?);
            Ok(Reply { status: StatusCode::OK, body: Some(body) })
        },
    },
    Route {
        family: Family::Commerce,
        method: Method::DELETE,
        path: "/v2/products/{productId}",
        summary: "Soft-delete a product; orders keep their lines",
        answer: Answer::Nothing,
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: None,
        renames: &[],
        document: DELETE_PRODUCT,
        variables: |r| Ok(json!({ "id": r.path_uuid("productId", "product")? })),
        respond: |_, _| Ok(Reply { status: StatusCode::NO_CONTENT, body: None }),
    },
    Route {
        family: Family::Commerce,
        method: Method::GET,
        path: "/v2/orders",
        summary: "List orders (a customer sees only their own)",
        answer: Answer::Page("CommerceOrder"),
        authenticated: true,
        store_scoped: true,
        query: &[
            COMMERCE_PAGE,
            COMMERCE_PAGE_SIZE,
            param("status", Kind::OneOf(ORDER_STATUSES)),
            param("from", Kind::Time),
            param("to", Kind::Time),
        ],
        body: None,
        renames: &[("filter.to", "to")],
        document: LIST_ORDERS,
        variables: |r| {
            let (first, offset) = r.paging("page", "pageSize")?;
            let mut filter = json!({});
            if let Some(status) = r.query.get("status") {
                filter["status"] = json!(status.to_uppercase());
            }
            for name in ["from", "to"] {
                if let Some(at) = r.query_parse::<chrono::DateTime<chrono::Utc>>(name, "an ISO 8601 date-time")? {
                    filter[name] = json!(at);
                }
            }
            Ok(json!({ "store": r.store_id()?, "first": first, "offset": offset, "filter": filter }))
        },
        respond: |r, data| {
            let connection = &data["orders"];
            if connection.is_null() {
                return Err(RestError::not_found("store"));
            }
            let items =
                connection["nodes"].as_array().map(|nodes| nodes.iter().map(order).collect()).unwrap_or_default();
            Ok(Reply { status: StatusCode::OK, body: Some(page_of(r, items, &connection["totalCount"])?) })
        },
    },
    Route {
        family: Family::Commerce,
        method: Method::POST,
        path: "/v2/orders",
        summary: "Place an order; stock is reserved atomically (Idempotency-Key makes retries safe)",
        answer: Answer::Created("CommerceOrder"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: form(&[
            field("customerId", "string", true),
            field("items", "array", true),
            field("notes", "string", false),
            field("coupon", "string", false),
        ]),
        renames: ORDER_RENAMES,
        document: CREATE_ORDER,
        variables: |r| {
            let items = r.body["items"].as_array().ok_or_else(|| RestError::validation("items", "must be an array"))?;
            let mut lines = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let Some(object) = item.as_object() else {
                    return Err(RestError::validation(&format!("items[{index}]"), "must be an object"));
                };
                if let Some(extra) = object.keys().find(|k| !["productId", "quantity"].contains(&k.as_str())) {
                    return Err(RestError::validation(&format!("items[{index}].{extra}"), "is not accepted here"));
                }
                lines.push(json!({ "productId": object.get("productId"), "quantity": object.get("quantity") }));
            }
            Ok(json!({ "store": r.store_id()?, "key": r.idempotency_key, "input": {
                "customerId": r.body["customerId"], "items": lines, "notes": r.body_field("notes"), "couponCode": r.body_field("coupon"),
            } }))
        },
        respond: |_, data| Ok(Reply { status: StatusCode::CREATED, body: Some(order(&data["order"])) }),
    },
    Route {
        family: Family::Commerce,
        method: Method::GET,
        path: "/v2/orders/{orderId}",
        summary: "Get an order",
        answer: Answer::One("CommerceOrder"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: None,
        renames: &[],
        document: GET_ORDER,
        variables: |r| Ok(json!({ "id": r.path_uuid("orderId", "order")? })),
        respond: |_, data| Ok(Reply { status: StatusCode::OK, body: Some(order(found(&data["order"], "order")?)) }),
    },
    Route {
        family: Family::Commerce,
        method: Method::PATCH,
        path: "/v2/orders/{orderId}/status",
        summary: "Move an order to a new status (cancelling and refunding need a reason)",
        answer: Answer::One("CommerceOrder"),
        authenticated: true,
        store_scoped: true,
        query: &[],
        body: form(&[field("status", "string", true), field("reason", "string", false)]),
        renames: &[],
        document: SET_STATUS,
        variables: |r| {
            let status = r.body["status"].as_str().filter(|s| STATUSES.contains(s));
            let status = status.ok_or_else(|| {
                RestError::validation("status", "must be confirmed, shipped, delivered, cancelled or refunded")
            })?;
            let mut variables = json!({ "id": r.path_uuid("orderId", "order")?, "reason": r.body_field("reason").cloned().unwrap_or(json!("")) });
            for name in STATUSES {
                variables[*name] = json!(*name == status);
            }
            Ok(variables)
        },
        respond: |_, data| {
            let changed = STATUSES
                .iter()
                .find_map(|s| data.get(*s))
                .ok_or_else(|| RestError::new(Code::Internal, "internal error"))?;
            Ok(Reply { status: StatusCode::OK, body: Some(order(found(changed, "order")?)) })
        },
    },
];

/// The list envelope: `{data, total, page, pageSize, pages}`.
fn page_of(r: &RestRequest, data: Vec<Value>, total: &Value) -> Result<Value, RestError> {
    let (size, offset) = r.paging("page", "pageSize")?;
    let total = total.as_i64().unwrap_or(0);
    Ok(
        json!({ "data": data, "total": total, "page": offset / size + 1, "pageSize": size, "pages": (total + size - 1) / size }),
    )
}

fn list_products(r: &RestRequest) -> Result<Value, RestError> {
    let (first, offset) = r.paging("page", "pageSize")?;
    let mut filter = json!({});
    if let Some(search) = r.query.get("search") {
        filter["search"] = json!(search);
    }
    if let Some(category) = r.query.get("category") {
        filter["categorySlug"] = json!(category);
    }
    if let Some(active) = r.query_parse::<bool>("active", "true or false")? {
        filter["active"] = json!(active);
    }
    let sort = match r.query.get("sort").map(String::as_str) {
        None => "ORDER",
        Some("name") => "NAME",
        Some("price") => "PRICE",
        Some("stock") => "STOCK",
        Some("createdAt") => "CREATED_AT",
        Some(_) => return Err(RestError::validation("sort", "must be name, price, stock or createdAt")),
    };
    let reverse = match r.query.get("order").map(String::as_str) {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => return Err(RestError::validation("order", "must be asc or desc")),
    };
    Ok(
        json!({ "store": r.store_id()?, "first": first, "offset": offset, "filter": filter, "sort": sort, "reverse": reverse }),
    )
}

/// The store's currency as read before a write (see [`super::resolve_store`]); reads select
/// it in their document instead.
fn known_currency(r: &RestRequest) -> Value {
    json!(r.store.as_ref().and_then(|s| s.currency.as_deref()))
}

/// A GraphQL product as the Commerce API shows it, priced in `currency`.
fn product(currency: &Value, p: &Value) -> Value {
    let variant = &p["variants"][0];
    json!({
        "productId": p["id"],
        "sku": variant["sku"],
        "name": p["name"],
        "description": p["description"],
        "price": number(&variant["cost"]),
        "currency": currency,
        "stock": variant["stock"].as_i64().unwrap_or(0),
        "category": category(p),
        "imageUrl": image_url(p),
        "active": p["visibility"] != "PRIVATE",
        "createdAt": p["dateCreated"],
        "updatedAt": p["dateUpdated"],
    })
}

/// A product's first image that is a URL; images kept as bare file names (Komerza's
/// `imageNames`) are not URLs, and the document's `imageUrl` is a URI or null.
fn image_url(p: &Value) -> Value {
    let names = p["imageNames"].as_array().into_iter().flatten().filter_map(Value::as_str);
    names.into_iter().find(|name| crate::domain::validate::is_web_url(name)).map_or(Value::Null, |url| json!(url))
}

/// A product's Commerce API category (see [`CATEGORIES`]).
fn category(p: &Value) -> &'static str {
    let slugs = p["categorySlugs"].as_array().into_iter().flatten().filter_map(Value::as_str);
    slugs.filter_map(|slug| CATEGORIES.iter().find(|c| **c == slug)).next().copied().unwrap_or("home")
}

/// A GraphQL order as the Commerce API shows it.
fn order(o: &Value) -> Value {
    let items: Vec<Value> = o["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    json!({ "productId": i["productId"], "sku": i["sku"], "name": i["productName"], "quantity": i["quantity"],
                            "unitPrice": number(&i["unitPrice"]), "lineTotal": number(&i["lineTotal"]) })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "orderId": o["id"],
        "customerId": o["customerId"],
        "items": items,
        "subtotal": number(&o["subtotal"]),
        "discount": number(&o["discount"]),
        "total": number(&o["total"]),
        "currency": o["currencyCode"],
        "status": o["status"].as_str().map(str::to_lowercase),
        "notes": o["notes"],
        "createdAt": o["dateCreated"],
        "updatedAt": o["dateUpdated"],
    })
}
