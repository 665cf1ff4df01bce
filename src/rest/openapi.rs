//! `GET /openapi.json`: an OpenAPI 3.1 document of every shim route, generated from the route
//! table, so it cannot drift from what is served.

use serde_json::{json, Map, Value};

use axum::http::Method;

use super::route::{Answer, Family, Route};

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
            .map(|param| json!({ "name": param.name, "in": "query", "required": false, "schema": param.schema() })),
    );
    if route.family == Family::Commerce && route.store_scoped {
        parameters.push(json!({ "name": "X-Store-Id", "in": "header", "required": false, "description": "The store, when the caller has several", "schema": { "type": "string", "format": "uuid" } }));
    }
    let mut operation = json!({
        "summary": route.summary,
        "tags": [match route.family { Family::Commerce => "Commerce API 2.4.0", Family::Komerza => "Komerza" }],
        "parameters": parameters,
        "responses": responses(route),
    });
    if route.authenticated {
        operation["security"] = json!([{ "bearer": [] }]);
    }
    if let Some(body) = route.body {
        let properties: Map<String, Value> =
            body.fields.iter().map(|f| (f.name.to_owned(), f.schema(!body.requires(f)))).collect();
        let required: Vec<&str> = body.fields.iter().filter(|f| body.requires(f)).map(|f| f.name).collect();
        operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": {
            "type": "object", "properties": properties, "required": required, "additionalProperties": false
        } } } });
    }
    operation
}

/// The success answer's status and body schema, in the route's family's envelope.
fn success(route: &Route) -> (&'static str, Option<Value>) {
    let schema = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let komerza = |data: Value| {
        json!({ "type": "object", "required": ["success", "message", "code", "data"], "properties": {
            "success": { "const": true }, "message": { "type": "null" }, "code": { "type": "null" }, "data": data } })
    };
    match (route.family, route.answer) {
        (Family::Commerce, Answer::One(name)) => ("200", Some(schema(name))),
        (Family::Commerce, Answer::Created(name)) => ("201", Some(schema(name))),
        (Family::Commerce, Answer::Page(name)) => (
            "200",
            Some(json!({ "type": "object", "required": ["data", "total", "page", "pageSize", "pages"], "properties": {
                "data": { "type": "array", "items": schema(name) }, "total": { "type": "integer", "minimum": 0 },
                "page": { "type": "integer", "minimum": 1 }, "pageSize": { "type": "integer", "minimum": 1 },
                "pages": { "type": "integer", "minimum": 0 } } })),
        ),
        (Family::Commerce, Answer::Nothing) => ("204", None),
        (Family::Komerza, Answer::One(name)) => ("200", Some(komerza(schema(name)))),
        (Family::Komerza, Answer::Created(name)) => ("201", Some(komerza(schema(name)))),
        (Family::Komerza, Answer::Page(name)) => (
            "200",
            Some(json!({ "type": "object", "required": ["success", "pages", "data"], "properties": {
                "success": { "const": true }, "pages": { "type": "integer", "minimum": 0 },
                "data": { "type": "array", "items": schema(name) } } })),
        ),
        (Family::Komerza, Answer::Nothing) => ("200", Some(komerza(json!({ "type": "null" })))),
    }
}

/// Every status the route answers: its success, and each refusal it can give.
fn responses(route: &Route) -> Map<String, Value> {
    let mut responses = Map::new();
    let (status, body) = success(route);
    let mut answer = json!({ "description": route.summary });
    if let Some(schema) = body {
        answer["content"] = json!({ "application/json": { "schema": schema } });
    }
    responses.insert(status.into(), answer);
    let writes = route.method != Method::GET;
    let refusals = [
        ("400", "Invalid input: every problem, each naming its field", true),
        ("401", "Missing or invalid credential", true),
        ("403", "The credential lacks the scope", route.authenticated),
        ("404", "Not found (or another tenant's)", route.store_scoped || route.path.contains('{')),
        ("409", "Conflicts with the current state (a duplicate, stock, a status that forbids it)", writes),
        ("413", "The body is larger than the limit", route.body.is_some()),
        ("415", "The body is not application/json", route.body.is_some()),
        ("422", "A business rule forbids it (stock, the status machine)", writes && route.family == Family::Commerce),
        ("429", "Rate limited: wait for Retry-After", true),
    ];
    let error = match route.family {
        Family::Commerce => json!({ "$ref": "#/components/schemas/CommerceError" }),
        Family::Komerza => json!({ "$ref": "#/components/schemas/KomerzaError" }),
    };
    for (status, description, answered) in refusals {
        if answered {
            responses.insert(
                status.into(),
                json!({ "description": description, "content": { "application/json": { "schema": error } } }),
            );
        }
    }
    responses
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
            "schemas": schemas(),
        }
    })
}

/// The answer objects and the two families' error bodies.
fn schemas() -> Map<String, Value> {
    let mut schemas = super::schemas::all();
    let problem = json!({ "type": "object", "required": ["field", "message"], "properties": {
        "field": { "type": "string" }, "message": { "type": "string" } } });
    schemas.insert(
        "CommerceError".into(),
        json!({ "type": "object", "required": ["code", "message"], "properties": {
            "code": { "type": "string" }, "message": { "type": "string" },
            "details": { "type": ["array", "null"], "items": problem } } }),
    );
    schemas.insert(
        "KomerzaError".into(),
        json!({ "type": "object", "required": ["success", "message", "code", "data"], "properties": {
            "success": { "const": false }, "message": { "type": "string" }, "code": { "type": "string" },
            "data": { "type": "null" }, "errors": { "type": "array", "items": problem } } }),
    );
    schemas
}
