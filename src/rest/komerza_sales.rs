//! Komerza routes for categories, coupons, customers and orders under `/stores/{storeId}`.
//! Bodies use the GraphQL input names (which follow Komerza's JSON); visibility travels as
//! Komerza's integer code and money as JSON numbers.

use axum::http::Method;
use serde_json::{json, Value};

use super::komerza::{code, created, list, name, ok, page_args, VISIBILITY};
use super::route::{
    field, form, found, param, patch, text, Answer, Family, Field, Kind, RestError, Route, PAGE, PAGE_SIZE,
};
use super::schemas::ORDER_STATUSES;
use super::{decimal, number};
use crate::domain::catalog_rules::CATEGORY_NAME;
use crate::domain::customers::REASON_MAX;
use crate::graphql::catalog::product_list::MAX_SEARCH_LEN;

macro_rules! category_doc {
    ($operation:literal) => {
        concat!($operation, " fragment C on Category { id dateCreated name visibility order storeId slug }")
    };
}

macro_rules! coupon_doc {
    ($operation:literal) => {
        concat!($operation, " fragment K on Coupon { id dateCreated code uses maximumUses isEnabled storeId percentageDecrease amountDecrease variantIds expirationDate }")
    };
}

macro_rules! customer_doc {
    ($operation:literal) => {
        concat!($operation, " fragment U on Customer { id dateCreated storeId email name balance }")
    };
}

macro_rules! order_doc {
    ($operation:literal) => {
        concat!($operation, " fragment O on Order { id dateCreated storeId customerId customerEmail status currencyCode subtotal discount affiliateDiscount creditUsed total couponCode notes items { id productId variantId productName variantName sku unitPrice quantity lineTotal customFieldValues { identifier value } } history { from to reason dateCreated } }")
    };
}

/// One order and one customer, as webhook payloads carry them ([`super::payloads`]).
pub(super) const ONE_ORDER: &str = order_doc!("query($id: UUID!) { row: order(id: $id) { ...O } }");
pub(super) const ONE_CUSTOMER: &str = customer_doc!("query($id: UUID!) { row: customer(id: $id) { ...U } }");

const CATEGORY_FORM: &[Field] = &[
    text("name", CATEGORY_NAME, true),
    field("slug", "string", false),
    field("visibility", "integer", false),
    field("order", "integer", false),
    field("productIds", "array", false),
];
const CATEGORY_PATCH: &[Field] = &[
    text("name", CATEGORY_NAME, false),
    field("slug", "string", false),
    field("visibility", "integer", false),
    field("order", "integer", false),
];
const COUPON_FORM: &[Field] = &[
    field("code", "string", true),
    field("percentageDecrease", "integer", false),
    field("amountDecrease", "number", false),
    field("maximumUses", "integer", false),
    field("isEnabled", "boolean", false),
    field("variantIds", "array", false),
    field("expirationDate", "string", false),
];
const CUSTOMER_FORM: &[Field] = &[field("email", "string", true), field("name", "string", false)];
const ORDER_FORM: &[Field] = &[
    field("items", "array", true),
    field("customerEmail", "string", false),
    field("customerId", "string", false),
    field("customerName", "string", false),
    field("couponCode", "string", false),
    field("affiliateCode", "string", false),
    field("useStoreCredit", "boolean", false),
    field("notes", "string", false),
];
/// Order statuses as Komerza writes them.
/// What an order line may carry (never a price: the server prices).
const ORDER_ITEM: &[&str] = &["productId", "variantId", "quantity", "customFieldValues"];

pub static ROUTES: [Route; 20] = [
    store_route!(
        GET,
        "/stores/{storeId}/categories",
        "List a store's categories in display order (Page, PageSize)",
        Answer::Page("Category"),
        &[PAGE, PAGE_SIZE],
        None,
        category_doc!("query($store: UUID!, $first: Int!, $offset: Int!) { store(id: $store) { categories(first: $first, offset: $offset) { totalCount nodes { ...C } } } }"),
        |r| page_args(r),
        |r, data| list(r, &found(&data["store"], "store")?["categories"], category)
    ),
    store_route!(
        POST,
        "/stores/{storeId}/categories",
        "Create a category, optionally with its products in order",
        Answer::Created("Category"),
        &[],
        form(CATEGORY_FORM),
        category_doc!("mutation($store: UUID!, $input: CreateCategoryInput!) { row: createCategory(storeId: $store, input: $input) { ...C } }"),
        |r| Ok(json!({ "store": r.store_id()?, "input": visibility_input(&r.body)? })),
        |_, data| created(category(&data["row"]))
    ),
    store_route!(
        GET,
        "/stores/{storeId}/categories/{categoryId}",
        "Get a category",
        Answer::One("Category"),
        &[],
        None,
        category_doc!("query($id: UUID!) { row: category(id: $id) { ...C } }"),
        |r| Ok(json!({ "id": r.path_uuid("categoryId", "category")? })),
        |_, data| found(&data["row"], "category").map(|row| ok(category(row)))
    ),
    store_route!(
        PUT,
        "/stores/{storeId}/categories/{categoryId}",
        "Update a category",
        Answer::One("Category"),
        &[],
        patch(CATEGORY_PATCH),
        category_doc!("mutation($id: UUID!, $input: UpdateCategoryInput!) { row: updateCategory(id: $id, input: $input) { ...C } }"),
        |r| Ok(json!({ "id": r.path_uuid("categoryId", "category")?, "input": visibility_input(&r.body)? })),
        |_, data| Ok(ok(category(&data["row"])))
    ),
    store_route!(
        DELETE,
        "/stores/{storeId}/categories/{categoryId}",
        "Delete a category (its products stay)",
        Answer::Nothing,
        &[],
        None,
        "mutation($id: UUID!) { deleteCategory(id: $id) }",
        |r| Ok(json!({ "id": r.path_uuid("categoryId", "category")? })),
        |_, _| Ok(ok(Value::Null))
    ),
    store_route!(
        GET,
        "/stores/{storeId}/coupons",
        "List a store's coupons (Page, PageSize)",
        Answer::Page("Coupon"),
        &[PAGE, PAGE_SIZE],
        None,
        coupon_doc!("query($store: UUID!, $first: Int!, $offset: Int!) { store(id: $store) { coupons(first: $first, offset: $offset) { totalCount nodes { ...K } } } }"),
        |r| page_args(r),
        |r, data| list(r, &found(&data["store"], "store")?["coupons"], coupon)
    ),
    store_route!(
        POST,
        "/stores/{storeId}/coupons",
        "Create a coupon (a percentage or an amount off)",
        Answer::Created("Coupon"),
        &[],
        form(COUPON_FORM),
        coupon_doc!("mutation($store: UUID!, $input: CreateCouponInput!) { row: createCoupon(storeId: $store, input: $input) { ...K } }"),
        |r| Ok(json!({ "store": r.store_id()?, "input": money_input(&r.body, "amountDecrease") })),
        |_, data| created(coupon(&data["row"]))
    ),
    store_route!(
        GET,
        "/stores/{storeId}/coupons/{couponId}",
        "Get a coupon",
        Answer::One("Coupon"),
        &[],
        None,
        coupon_doc!("query($id: UUID!) { row: coupon(id: $id) { ...K } }"),
        |r| Ok(json!({ "id": r.path_uuid("couponId", "coupon")? })),
        |_, data| found(&data["row"], "coupon").map(|row| ok(coupon(row)))
    ),
    store_route!(
        PUT,
        "/stores/{storeId}/coupons/{couponId}",
        "Update a coupon",
        Answer::One("Coupon"),
        &[],
        patch(COUPON_FORM),
        coupon_doc!("mutation($id: UUID!, $input: UpdateCouponInput!) { row: updateCoupon(id: $id, input: $input) { ...K } }"),
        |r| Ok(json!({ "id": r.path_uuid("couponId", "coupon")?, "input": money_input(&r.body, "amountDecrease") })),
        |_, data| Ok(ok(coupon(&data["row"])))
    ),
    store_route!(
        DELETE,
        "/stores/{storeId}/coupons/{couponId}",
        "Delete a coupon (orders keep its code)",
        Answer::Nothing,
        &[],
        None,
        "mutation($id: UUID!) { deleteCoupon(id: $id) }",
        |r| Ok(json!({ "id": r.path_uuid("couponId", "coupon")? })),
        |_, _| Ok(ok(Value::Null))
    ),
    store_route!(
        GET,
        "/stores/{storeId}/customers",
        "List a store's customers (Page, PageSize, Search by email or name)",
        Answer::Page("Customer"),
        &[PAGE, PAGE_SIZE, param("Search", Kind::Text(MAX_SEARCH_LEN))],
        None,
        customer_doc!("query($store: UUID!, $first: Int!, $offset: Int!, $search: String) { store(id: $store) { customers(first: $first, offset: $offset, search: $search) { totalCount nodes { ...U } } } }"),
        |r| {
            let mut variables = page_args(r)?;
            variables["search"] = json!(r.query.get("Search"));
            Ok(variables)
        },
        |r, data| list(r, &found(&data["store"], "store")?["customers"], customer)
    ),
    store_route!(
        POST,
        "/stores/{storeId}/customers",
        "Create a customer",
        Answer::Created("Customer"),
        &[],
        form(CUSTOMER_FORM),
        customer_doc!("mutation($store: UUID!, $input: CreateCustomerInput!) { row: createCustomer(storeId: $store, input: $input) { ...U } }"),
        |r| Ok(json!({ "store": r.store_id()?, "input": r.body })),
        |_, data| created(customer(&data["row"]))
    ),
    store_route!(
        GET,
        "/stores/{storeId}/customers/{customerId}",
        "Get a customer",
        Answer::One("Customer"),
        &[],
        None,
        ONE_CUSTOMER,
        |r| Ok(json!({ "id": r.path_uuid("customerId", "customer")? })),
        |_, data| found(&data["row"], "customer").map(|row| ok(customer(row)))
    ),
    store_route!(
        POST,
        "/stores/{storeId}/customers/{customerId}/balance",
        "Add (positive amount) or take (negative) store credit with a reason kept in the history; never below zero",
        Answer::One("Customer"),
        &[],
        form(&[field("amount", "number", true), text("reason", 1..=REASON_MAX, true)]),
        customer_doc!("mutation($id: UUID!, $input: BalanceAdjustmentInput!) { row: adjustCustomerBalance(id: $id, input: $input) { ...U } }"),
        |r| Ok(json!({ "id": r.path_uuid("customerId", "customer")?, "input": money_input(&r.body, "amount") })),
        |_, data| Ok(ok(customer(&data["row"])))
    ),
    store_route!(
        PUT,
        "/stores/{storeId}/customers/{customerId}",
        "Update a customer's email or name",
        Answer::One("Customer"),
        &[],
        patch(CUSTOMER_FORM),
        customer_doc!("mutation($id: UUID!, $input: UpdateCustomerInput!) { row: updateCustomer(id: $id, input: $input) { ...U } }"),
        |r| Ok(json!({ "id": r.path_uuid("customerId", "customer")?, "input": r.body })),
        |_, data| Ok(ok(customer(&data["row"])))
    ),
    Route {
        family: Family::Komerza,
        method: Method::GET,
        path: "/stores/{storeId}/orders",
        summary: "List a store's orders, newest first (Page, PageSize; Status, From and To as ISO 8601 times, CustomerEmail)",
        answer: Answer::Page("Order"),
        authenticated: true,
        store_scoped: true,
        query: &[
            PAGE,
            PAGE_SIZE,
            param("Status", Kind::OneOf(ORDER_STATUSES)),
            param("From", Kind::Time),
            param("To", Kind::Time),
            param("CustomerEmail", Kind::Text(254)),
        ],
        body: None,
        renames: &[("filter.from", "From"), ("filter.to", "To"), ("filter.customerEmail", "CustomerEmail")],
        document: order_doc!("query($store: UUID!, $first: Int!, $offset: Int!, $filter: OrderFilter) { orders(storeId: $store, first: $first, offset: $offset, filter: $filter) { totalCount nodes { ...O } } }"),
        variables: |r| {
            let mut variables = page_args(r)?;
            let status = r.query.get("Status").map(|s| s.to_uppercase());
            variables["filter"] = json!({
                "status": status, "from": r.query.get("From"), "to": r.query.get("To"), "customerEmail": r.query.get("CustomerEmail"),
            });
            Ok(variables)
        },
        respond: |r, data| list(r, found(&data["orders"], "store")?, order),
    },
    store_route!(
        GET,
        "/stores/{storeId}/orders/{orderId}",
        "Get an order",
        Answer::One("Order"),
        &[],
        None,
        ONE_ORDER,
        |r| Ok(json!({ "id": r.path_uuid("orderId", "order")? })),
        |_, data| Ok(ok(order(found(&data["row"], "order")?)))
    ),
    store_route!(
        POST,
        "/stores/{storeId}/orders",
        "Place an order (prices are the server's; Idempotency-Key makes retries safe)",
        Answer::Created("Order"),
        &[],
        form(ORDER_FORM),
        order_doc!("mutation($store: UUID!, $input: CreateOrderInput!, $key: String) { row: createOrder(storeId: $store, input: $input, idempotencyKey: $key) { ...O } }"),
        |r| {
            let items = r.body["items"].as_array().ok_or_else(|| RestError::validation("items", "must be an array"))?;
            for (index, item) in items.iter().enumerate() {
                let object = item.as_object().ok_or_else(|| RestError::validation(&format!("items[{index}]"), "must be an object"))?;
                if let Some(extra) = object.keys().find(|k| !ORDER_ITEM.contains(&k.as_str())) {
                    return Err(RestError::validation(&format!("items[{index}].{extra}"), "is not accepted here"));
                }
            }
            Ok(json!({ "store": r.store_id()?, "input": r.body, "key": r.idempotency_key }))
        },
        |_, data| created(order(&data["row"]))
    ),
    store_route!(
        POST,
        "/stores/{storeId}/orders/{orderId}/deliver",
        "Deliver an order (pending, confirmed or shipped): every step left is taken and recorded; digital goods need no shipping step",
        Answer::One("Order"),
        &[],
        None,
        order_doc!("mutation($id: UUID!) { row: completeOrder(id: $id) { ...O } }"),
        |r| Ok(json!({ "id": r.path_uuid("orderId", "order")? })),
        |_, data| Ok(ok(order(&data["row"])))
    ),
    store_route!(
        POST,
        "/stores/{storeId}/orders/{orderId}/refund",
        "Refund an order (store credit spent on it is returned); needs a reason",
        Answer::One("Order"),
        &[],
        form(&[field("reason", "string", true)]),
        order_doc!("mutation($id: UUID!, $reason: String!) { row: refundOrder(id: $id, reason: $reason) { ...O } }"),
        |r| Ok(json!({ "id": r.path_uuid("orderId", "order")?, "reason": r.body["reason"] })),
        |_, data| Ok(ok(order(&data["row"])))
    ),
];

/// A body with Komerza's integer `visibility` as the GraphQL enum name.
fn visibility_input(body: &Value) -> Result<Value, RestError> {
    let mut input = body.clone();
    if let Some(visibility) = body.get("visibility").filter(|v| !v.is_null()) {
        input["visibility"] = name(VISIBILITY, visibility, "visibility")?;
    }
    Ok(input)
}

/// A body with the money field `key` as a decimal string.
fn money_input(body: &Value, key: &str) -> Value {
    let mut input = body.clone();
    if let Some(amount) = body.get(key).filter(|v| !v.is_null()) {
        input[key] = decimal(amount);
    }
    input
}

/// `row` with the listed decimal fields as JSON numbers.
fn with_numbers(row: &Value, keys: &[&str]) -> Value {
    let mut row = row.clone();
    for key in keys {
        if row.get(*key).is_some_and(|v| !v.is_null()) {
            row[*key] = number(&row[*key]);
        }
    }
    row
}

pub(super) fn category(row: &Value) -> Value {
    let mut row = row.clone();
    row["visibility"] = code(VISIBILITY, &row["visibility"]);
    row
}

pub(super) fn coupon(row: &Value) -> Value {
    with_numbers(row, &["amountDecrease"])
}

pub(super) fn customer(row: &Value) -> Value {
    with_numbers(row, &["balance"])
}

pub(super) fn order(row: &Value) -> Value {
    let mut order = with_numbers(row, &["subtotal", "discount", "affiliateDiscount", "creditUsed", "total"]);
    order["status"] = json!(row["status"].as_str().map(str::to_lowercase));
    if let Some(items) = order["items"].as_array_mut() {
        for item in items {
            *item = with_numbers(item, &["unitPrice", "lineTotal"]);
        }
    }
    if let Some(changes) = order["history"].as_array_mut() {
        for change in changes {
            for key in ["from", "to"] {
                change[key] = json!(change[key].as_str().map(str::to_lowercase));
            }
        }
    }
    order
}
