//! Komerza routes for affiliates under `/stores/{storeId}/affiliates`: the list with each
//! affiliate's figures, one affiliate with its ledger, creating (or registering oneself),
//! changing, and converting a balance into store credit. Money travels as JSON numbers.

use axum::http::Method;
use serde_json::{json, Value};

use super::komerza::{created, list, ok, page_args};
use super::number;
use super::route::{field, form, found, patch, Answer, Family, Field, Route, PAGE, PAGE_SIZE};

/// An operation followed by the affiliate fields (`...A`).
macro_rules! affiliate_doc {
    ($operation:literal) => {
        concat!($operation, " fragment A on Affiliate { id dateCreated storeId customerId code isEnabled returnPercentage percentageOff balance referredOrders revenue earnedCommission }")
    };
}

/// One affiliate with its ledger, as answers and `affiliate.created` webhook payloads carry it.
pub(super) const ONE_AFFILIATE: &str = affiliate_doc!(
    "query($id: UUID!) { row: affiliate(id: $id) { ...A ledger { id dateCreated kind amount balanceAfter orderId } } }"
);

const AFFILIATE_FORM: &[Field] = &[
    field("customerId", "string", false),
    field("code", "string", false),
    field("returnPercentage", "integer", false),
    field("percentageOff", "integer", false),
    field("isEnabled", "boolean", false),
];
/// The form without `customerId` (an affiliate stays the customer it is).
const AFFILIATE_CHANGE: &[Field] = &[
    field("code", "string", false),
    field("returnPercentage", "integer", false),
    field("percentageOff", "integer", false),
    field("isEnabled", "boolean", false),
];

pub static ROUTES: [Route; 5] = [
    store_route!(
        GET,
        "/stores/{storeId}/affiliates",
        "List a store's affiliates with their referred orders, revenue and commission (Page, PageSize); a customer sees its own",
        Answer::Page("Affiliate"),
        &[PAGE, PAGE_SIZE],
        None,
        affiliate_doc!("query($store: UUID!, $first: Int!, $offset: Int!) { affiliates(storeId: $store, first: $first, offset: $offset) { totalCount nodes { ...A } } }"),
        |r| page_args(r),
        |r, data| list(r, found(&data["affiliates"], "store")?, affiliate)
    ),
    store_route!(
        POST,
        "/stores/{storeId}/affiliates",
        "Make a customer an affiliate (a customer registers itself where the store allows it)",
        Answer::Created("Affiliate"),
        &[],
        form(AFFILIATE_FORM),
        affiliate_doc!("mutation($store: UUID!, $input: CreateAffiliateInput!) { row: createAffiliate(storeId: $store, input: $input) { ...A } }"),
        |r| Ok(json!({ "store": r.store_id()?, "input": r.body })),
        |_, data| created(affiliate(&data["row"]))
    ),
    store_route!(
        GET,
        "/stores/{storeId}/affiliates/{affiliateId}",
        "Get an affiliate with its ledger",
        Answer::One("Affiliate"),
        &[],
        None,
        ONE_AFFILIATE,
        |r| Ok(json!({ "id": r.path_uuid("affiliateId", "affiliate")? })),
        |_, data| found(&data["row"], "affiliate").map(|row| ok(affiliate(row)))
    ),
    store_route!(
        PUT,
        "/stores/{storeId}/affiliates/{affiliateId}",
        "Change an affiliate (an affiliate changes only its code, where the store allows it)",
        Answer::One("Affiliate"),
        &[],
        patch(AFFILIATE_CHANGE),
        affiliate_doc!("mutation($id: UUID!, $input: UpdateAffiliateInput!) { row: updateAffiliate(id: $id, input: $input) { ...A } }"),
        |r| Ok(json!({ "id": r.path_uuid("affiliateId", "affiliate")?, "input": r.body })),
        |_, data| Ok(ok(affiliate(&data["row"])))
    ),
    store_route!(
        POST,
        "/stores/{storeId}/affiliates/{affiliateId}/convert",
        "Turn an affiliate's balance into its store credit, where the store allows it",
        Answer::One("Affiliate"),
        &[],
        None,
        affiliate_doc!("mutation($id: UUID!) { row: convertAffiliateBalance(id: $id) { ...A } }"),
        |r| Ok(json!({ "id": r.path_uuid("affiliateId", "affiliate")? })),
        |_, data| Ok(ok(affiliate(&data["row"])))
    ),
];

/// A GraphQL affiliate as Komerza shows it (money as JSON numbers).
pub(super) fn affiliate(row: &Value) -> Value {
    let mut affiliate = row.clone();
    for key in ["balance", "revenue", "earnedCommission"] {
        if row.get(key).is_some() {
            affiliate[key] = number(&row[key]);
        }
    }
    if let Some(entries) = affiliate.get_mut("ledger").and_then(Value::as_array_mut) {
        for entry in entries {
            for key in ["amount", "balanceAfter"] {
                entry[key] = number(&entry[key]);
            }
        }
    }
    affiliate
}
