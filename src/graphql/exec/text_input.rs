//! The one place text inputs are refused for control characters: every string argument of the
//! operation that runs — written in the document or passed as a variable, at any depth of an
//! input object or list — is read before anything executes, and each one holding a control
//! character other than tab, line feed or carriage return is a `VALIDATION` problem naming its
//! field (`input.` left off, as the domain's checks name fields). REST routes run GraphQL
//! documents, so their bodies and query strings are covered too. PostgreSQL refuses a NUL in
//! text outright; no layer below should have to see one.

use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::{Name, Value as ConstValue, Variables};

use crate::domain::validate::is_clean_text;
use crate::error::FieldError;

/// Every argument string of `document` that holds a refused character, with `variables` as the
/// engine completed them (declared defaults included).
pub fn problems(document: &ExecutableDocument, variables: &Variables) -> Vec<FieldError> {
    let mut found = Vec::new();
    let mut sets: Vec<&SelectionSet> = document.operations.iter().map(|(_, op)| &op.node.selection_set.node).collect();
    sets.extend(document.fragments.values().map(|fragment| &fragment.node.selection_set.node));
    while let Some(set) = sets.pop() {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    for (name, value) in arguments(&field.node, variables) {
                        walk(&value, argument_path(name), &mut found);
                    }
                    sets.push(&field.node.selection_set.node);
                }
                Selection::InlineFragment(inline) => sets.push(&inline.node.selection_set.node),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    found.sort_by(|a, b| a.field.cmp(&b.field));
    found.dedup_by(|a, b| a.field == b.field);
    found
}

/// A field's arguments with the request's variables in place (a missing one is null).
pub fn arguments<'a>(field: &'a Field, variables: &'a Variables) -> impl Iterator<Item = (&'a Name, ConstValue)> + 'a {
    field.arguments.iter().map(move |(name, value)| {
        let Ok(value) = value.node.clone().into_const_with(|variable: Name| {
            Ok::<_, std::convert::Infallible>(variables.get(&variable).cloned().unwrap_or_default())
        });
        (&name.node, value)
    })
}

/// How problems in an argument are named: an `input` argument's fields as the REST bodies name
/// them (`variants[0].sku`), any other argument by its name.
pub fn argument_path(name: &Name) -> String {
    if name == "input" {
        String::new()
    } else {
        name.to_string()
    }
}

fn walk(value: &ConstValue, path: String, found: &mut Vec<FieldError>) {
    match value {
        ConstValue::String(text) if !is_clean_text(text) => found.push(FieldError {
            field: path,
            message: "must not contain control characters (other than tab and line breaks)".into(),
        }),
        ConstValue::List(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, format!("{path}[{index}]"), found);
            }
        }
        ConstValue::Object(fields) => {
            for (name, item) in fields {
                let path = if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
                walk(item, path, found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(query: &str, variables: serde_json::Value) -> Vec<String> {
        let document = async_graphql::parser::parse_query(query).expect("query");
        problems(&document, &Variables::from_json(variables)).into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn strings_anywhere_in_the_arguments_are_read() {
        let query = "mutation($i: CreateProductInput!, $s: String) { createProduct(storeId: \"x\", input: $i) { id } \
                     a: product(slug: $s) { id ...F } } fragment F on Product { variants(search: \"ok\\u0001\") { id } }";
        let variables =
            serde_json::json!({ "i": { "name": "fine\tname\n", "variants": [{ "sku": "A\u{0}" }] }, "s": "x\u{7f}" });
        assert_eq!(fields(query, variables), ["search", "slug", "variants[0].sku"]);
        assert!(fields("{ stores(search: \"line\\r\\nbreak\") { id } }", serde_json::json!({})).is_empty());
    }
}
