//! Komerza routes for a product's variants, their custom fields and the fields' options, under
//! `/stores/{storeId}/products/{productId}/variants`.

use axum::http::Method;
use serde_json::{json, Value};

use super::komerza::{created, custom_field, ok, variant, variant_input};
use super::route::{field, form, found, patch, text, Answer, Family, Field, RestError, RestRequest, Route};
use crate::domain::catalog_rules::{
    DELIVERY_MESSAGE_MAX, DYNAMIC_URL_MAX, FIELD_LABEL, HINT_MAX, OPTION_LABEL, OPTION_VALUE, PLACEHOLDER_MAX,
    SUBSCRIPTION_PERIOD, VARIANT_NAME,
};
use crate::domain::variant_files::FRIENDLY_NAME;

macro_rules! variant_doc {
    ($operation:literal) => {
        concat!($operation, " fragment V on Variant { ", variant_selection!(), " }")
    };
}

macro_rules! field_doc {
    ($operation:literal) => {
        concat!($operation, " fragment F on CustomField { ", custom_field_selection!(), " }")
    };
}

macro_rules! option_doc {
    ($operation:literal) => {
        concat!($operation, " fragment X on CustomFieldOption { id dateCreated customFieldId label value order }")
    };
}

macro_rules! route {
    ($method:ident, $path:literal, $summary:literal, $answer:expr, $body:expr, $document:expr, $variables:expr, $respond:expr) => {
        Route {
            family: Family::Komerza,
            method: Method::$method,
            path: $path,
            summary: $summary,
            answer: $answer,
            authenticated: true,
            store_scoped: true,
            query: &[],
            body: $body,
            renames: &[],
            document: $document,
            variables: $variables,
            respond: $respond,
        }
    };
}

/// The variant form's fields with their JSON types.
const VARIANT_FIELDS: &[Field] = &[
    text("name", VARIANT_NAME, false),
    field("cost", "number", false),
    field("minimumQuantity", "integer", false),
    field("maximumQuantity", "integer", false),
    field("order", "integer", false),
    field("type", "integer", false),
    field("stock", "integer", false),
    field("deliveryTypes", "array", false),
    field("stockMode", "integer", false),
    text("dynamicUrl", 1..=DYNAMIC_URL_MAX, false),
    text("deliveryMessage", 1..=DELIVERY_MESSAGE_MAX, false),
    text("subscriptionPeriod", SUBSCRIPTION_PERIOD, false),
];
const FILE_FORM: &[Field] = &[text("friendlyName", FRIENDLY_NAME, true)];
const FIELD_FORM: &[Field] = &[
    text("label", FIELD_LABEL, true),
    field("identifier", "string", true),
    field("type", "string", true),
    field("isRequired", "boolean", false),
    text("placeholder", 1..=PLACEHOLDER_MAX, false),
    text("hint", 1..=HINT_MAX, false),
    field("order", "integer", false),
    field("options", "array", false),
];
const FIELD_PATCH: &[Field] = &[
    text("label", FIELD_LABEL, false),
    field("identifier", "string", false),
    field("type", "string", false),
    field("isRequired", "boolean", false),
    text("placeholder", 1..=PLACEHOLDER_MAX, false),
    text("hint", 1..=HINT_MAX, false),
    field("order", "integer", false),
];
const OPTION_FORM: &[Field] =
    &[text("label", OPTION_LABEL, true), text("value", OPTION_VALUE, true), field("order", "integer", false)];

pub static ROUTES: [Route; 14] = [
    route!(
        POST,
        "/stores/{storeId}/products/{productId}/variants",
        "Add a variant to a product",
        Answer::Created("Variant"),
        form(VARIANT_FIELDS),
        variant_doc!("mutation($id: UUID!, $input: VariantInput!) { row: createVariant(productId: $id, input: $input) { ...V } }"),
        |r| Ok(json!({ "id": r.path_uuid("productId", "product")?, "input": variant_input(&r.body, "")? })),
        |_, data| created(variant(&data["row"]))
    ),
    route!(
        GET,
        "/stores/{storeId}/products/{productId}/variants/{variantId}",
        "Get a variant with its custom fields and options",
        Answer::One("Variant"),
        None,
        PRODUCT_VARIANTS,
        |r| Ok(json!({ "id": r.path_uuid("productId", "product")? })),
        |r, data| path_variant(r, data).map(|row| ok(variant(row)))
    ),
    route!(
        GET,
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}",
        "Get a custom field with its options",
        Answer::One("CustomField"),
        None,
        PRODUCT_VARIANTS,
        |r| Ok(json!({ "id": r.path_uuid("productId", "product")? })),
        |r, data| path_field(r, data).map(|row| ok(custom_field(row)))
    ),
    route!(
        GET,
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}/options/{optionId}",
        "Get a custom field option",
        Answer::One("Option"),
        None,
        PRODUCT_VARIANTS,
        |r| Ok(json!({ "id": r.path_uuid("productId", "product")? })),
        |r, data| {
            let id = json!(r.path_uuid("optionId", "custom field option")?);
            let options = path_field(r, data)?["options"].as_array();
            let option = options.and_then(|all| all.iter().find(|o| o["id"] == id));
            option.map(|row| ok(row.clone())).ok_or_else(|| RestError::not_found("custom field option"))
        }
    ),
    route!(
        PUT,
        "/stores/{storeId}/products/{productId}/variants/{variantId}",
        "Update a variant (absent fields keep their value)",
        Answer::One("Variant"),
        form(VARIANT_FIELDS),
        variant_doc!("mutation($id: UUID!, $input: UpdateVariantInput!) { row: updateVariant(id: $id, input: $input) { ...V } }"),
        |r| Ok(json!({ "id": r.path_uuid("variantId", "variant")?, "input": variant_input(&r.body, "")? })),
        |_, data| Ok(ok(variant(&data["row"])))
    ),
    route!(
        DELETE,
        "/stores/{storeId}/products/{productId}/variants/{variantId}",
        "Delete a variant (a product keeps at least one)",
        Answer::Nothing,
        None,
        "mutation($id: UUID!) { deleteVariant(id: $id) }",
        |r| Ok(json!({ "id": r.path_uuid("variantId", "variant")? })),
        |_, _| Ok(ok(Value::Null))
    ),
    route!(
        POST,
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields",
        "Add a custom field (with its options) to a variant",
        Answer::Created("CustomField"),
        form(FIELD_FORM),
        field_doc!("mutation($id: UUID!, $input: CustomFieldInput!) { row: createCustomField(variantId: $id, input: $input) { ...F } }"),
        |r| Ok(json!({ "id": r.path_uuid("variantId", "variant")?, "input": field_input(r)? })),
        |_, data| created(custom_field(&data["row"]))
    ),
    route!(
        PUT,
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}",
        "Update a custom field",
        Answer::One("CustomField"),
        patch(FIELD_PATCH),
        field_doc!("mutation($id: UUID!, $input: UpdateCustomFieldInput!) { row: updateCustomField(id: $id, input: $input) { ...F } }"),
        |r| Ok(json!({ "id": r.path_uuid("fieldId", "custom field")?, "input": field_input(r)? })),
        |_, data| Ok(ok(custom_field(&data["row"])))
    ),
    route!(
        DELETE,
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}",
        "Delete a custom field and its options",
        Answer::Nothing,
        None,
        "mutation($id: UUID!) { deleteCustomField(id: $id) }",
        |r| Ok(json!({ "id": r.path_uuid("fieldId", "custom field")? })),
        |_, _| Ok(ok(Value::Null))
    ),
    route!(
        POST,
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}/options",
        "Add an option to a select or radio field",
        Answer::Created("Option"),
        form(OPTION_FORM),
        option_doc!("mutation($id: UUID!, $input: CustomFieldOptionInput!) { row: createCustomFieldOption(customFieldId: $id, input: $input) { ...X } }"),
        |r| Ok(json!({ "id": r.path_uuid("fieldId", "custom field")?, "input": r.body })),
        |_, data| created(data["row"].clone())
    ),
    route!(
        PUT,
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}/options/{optionId}",
        "Update an option",
        Answer::One("Option"),
        patch(OPTION_FORM),
        option_doc!("mutation($id: UUID!, $input: UpdateCustomFieldOptionInput!) { row: updateCustomFieldOption(id: $id, input: $input) { ...X } }"),
        |r| Ok(json!({ "id": r.path_uuid("optionId", "custom field option")?, "input": r.body })),
        |_, data| Ok(ok(data["row"].clone()))
    ),
    route!(
        DELETE,
        "/stores/{storeId}/products/{productId}/variants/{variantId}/fields/{fieldId}/options/{optionId}",
        "Delete an option",
        Answer::Nothing,
        None,
        "mutation($id: UUID!) { deleteCustomFieldOption(id: $id) }",
        |r| Ok(json!({ "id": r.path_uuid("optionId", "custom field option")? })),
        |_, _| Ok(ok(Value::Null))
    ),
    route!(
        POST,
        "/stores/{storeId}/products/{productId}/variants/{variantId}/files",
        "Register a file the variant delivers (its uploader and address are recorded; up to 50)",
        Answer::Created("VariantFile"),
        form(FILE_FORM),
        "mutation($id: UUID!, $name: String!) { row: addVariantFile(variantId: $id, friendlyName: $name) { id dateCreated friendlyName ipAddress userId } }",
        |r| Ok(json!({ "id": r.path_uuid("variantId", "variant")?, "name": r.body["friendlyName"] })),
        |_, data| created(data["row"].clone())
    ),
    route!(
        DELETE,
        "/stores/{storeId}/products/{productId}/variants/{variantId}/files/{fileId}",
        "Forget a file of the variant",
        Answer::Nothing,
        None,
        "mutation($id: UUID!) { deleteVariantFile(id: $id) }",
        |r| Ok(json!({ "id": r.path_uuid("fileId", "file")? })),
        |_, _| Ok(ok(Value::Null))
    ),
];

/// The variants of the path's product, with their fields and options (the path's ids were
/// checked against the store and each other before the document runs).
const PRODUCT_VARIANTS: &str = variant_doc!("query($id: UUID!) { row: product(id: $id) { variants { ...V } } }");

/// The variant the path names among `data`'s product variants.
fn path_variant<'a>(r: &RestRequest, data: &'a Value) -> Result<&'a Value, RestError> {
    let id = json!(r.path_uuid("variantId", "variant")?);
    let variants = found(&data["row"], "variant")?["variants"].as_array();
    variants.and_then(|all| all.iter().find(|v| v["id"] == id)).ok_or_else(|| RestError::not_found("variant"))
}

/// The custom field the path names on its variant.
fn path_field<'a>(r: &RestRequest, data: &'a Value) -> Result<&'a Value, RestError> {
    let id = json!(r.path_uuid("fieldId", "custom field")?);
    let fields = path_variant(r, data)?["customFields"].as_array();
    fields.and_then(|all| all.iter().find(|f| f["id"] == id)).ok_or_else(|| RestError::not_found("custom field"))
}

/// A custom-field body with Komerza's lower-case `type` as the GraphQL enum name.
fn field_input(r: &RestRequest) -> Result<Value, RestError> {
    let mut input = r.body.clone();
    if let Some(kind) = r.body_field("type") {
        let known = ["text", "textarea", "select", "checkbox", "radio", "number"];
        let kind = kind.as_str().filter(|k| known.contains(k));
        let kind = kind.ok_or_else(|| RestError::validation("type", format!("must be one of {}", known.join(", "))))?;
        input["type"] = json!(kind.to_uppercase());
    }
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::super::komerza::VARIANT_FORM;
    use super::*;

    #[test]
    fn the_variant_form_fields_are_the_ones_variant_input_accepts() {
        let names: Vec<&str> = VARIANT_FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(names, VARIANT_FORM);
    }
}
