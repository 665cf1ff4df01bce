//! `GET /openapi.json`: an OpenAPI 3.1 document of every shim route, generated from the route
//! table, so it cannot drift from what is served.

use serde_json::{json, Map, Value};

use super::route::{Family, Route};

/// The parameters in `{…}` of a path.
fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/').filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect()
}

fn operation(route: &Route) -> Value {
    let mut parameters: Vec<Value> = path_parameters(route.path)
        .into_iter()
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }))
        .collect();
    parameters.extend(
        route
            .query
            .iter()
            .map(|name| json!({ "name": name, "in": "query", "required": false, "schema": { "type": "string" } })),
    );
    if route.family == Family::Commerce && route.store_scoped {
        parameters.push(json!({ "name": "X-Store-Id", "in": "header", "required": false, "description": "The store, when the caller has several", "schema": { "type": "string", "format": "uuid" } }));
    }
    let error = match route.family {
        Family::Commerce => json!({ "$ref": "#/components/schemas/CommerceError" }),
        Family::Komerza => json!({ "$ref": "#/components/schemas/KomerzaError" }),
    };
    let mut responses = Map::new();
    responses.insert(
        "2XX".into(),
        json!({ "description": "Success", "content": { "application/json": { "schema": { "type": "object" } } } }),
    );
    for (status, description) in [
        ("400", "Invalid input"),
        ("401", "Missing or invalid credential"),
        ("403", "Missing scope"),
        ("404", "Not found (or another tenant's)"),
        ("429", "Rate limited"),
    ] {
        responses.insert(
            status.into(),
            json!({ "description": description, "content": { "application/json": { "schema": error } } }),
        );
    }
    let mut operation = json!({
        "summary": route.summary,
        "tags": [match route.family { Family::Commerce => "Commerce API 2.4.0", Family::Komerza => "Komerza" }],
        "parameters": parameters,
        "responses": responses,
    });
    if route.authenticated {
        operation["security"] = json!([{ "bearer": [] }]);
    }
    if let Some(body) = route.body {
        let properties: Map<String, Value> = body.fields.iter().map(|f| (f.name.to_owned(), f.schema())).collect();
        let required: Vec<&str> = body.fields.iter().filter(|f| body.requires(f)).map(|f| f.name).collect();
        operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": {
            "type": "object", "properties": properties, "required": required, "additionalProperties": false
        } } } });
    }
    operation
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for route in super::all_routes() {
        let entry = paths.entry(route.path.to_owned()).or_insert_with(|| json!({}));
        entry[route.method.as_str().to_lowercase()] = operation(route);
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "commerce-gateway REST compatibility shim", "version": env!("CARGO_PKG_VERSION"),
                  "description": "Every route runs a GraphQL document of POST /graphql; see the README." },
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "A login access token or an API key" } },
            "schemas": {
                "CommerceError": { "type": "object", "required": ["code", "message"], "properties": {
                    "code": { "type": "string" }, "message": { "type": "string" },
                    "details": { "type": ["array", "null"], "items": { "type": "object" } } } },
                "KomerzaError": { "type": "object", "required": ["success", "message", "code", "data"], "properties": {
                    "success": { "type": "boolean" }, "message": { "type": "string" }, "code": { "type": "string" },
                    "data": { "type": "null" }, "errors": { "type": "array", "items": { "type": "object" } } } }
            }
        }
    })
}
