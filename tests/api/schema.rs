/// `schema.graphql` is the published SDL; it must equal what the code exports.
#[test]
fn schema_graphql_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql at the repository root");
    let exported = commerce_gateway::graphql::sdl();
    assert!(
        committed == exported,
        "schema.graphql is out of date: run `cargo run -- schema > schema.graphql` and commit it"
    );
}

#[test]
fn the_sdl_names_the_contract_types() {
    let sdl = commerce_gateway::graphql::sdl();
    for expected in [
        "stores: [Store!]!",
        "store(id: UUID!): Store",
        "product(id: UUID!): Product",
        "type ProductConnection",
        "variants: [Variant!]!",
        "customFields: [CustomField!]!",
        "options: [CustomFieldOption!]!",
        "totalCount:",
        "order(id: UUID!): Order",
        "type OrderConnection",
        "type CustomerConnection",
        "type CouponConnection",
        "type CategoryConnection",
        "me: User!",
        "createApiKey(input: CreateApiKeyInput!): CreateApiKeyPayload!",
    ] {
        assert!(sdl.contains(expected), "the SDL lacks `{expected}`");
    }
}
