//! Argument values checked against their types before execution, as graphql-js validates them.
//! async-graphql's validation accepts a literal a scalar would refuse (`top: -2147483649`,
//! `id: "not-a-uuid"`) and so does its check of variables for its own scalars (UUID, DateTime,
//! Decimal); the refusal then came from the resolver, as an execution error with a path. Here
//! every argument of the operation (its variables resolved) is parsed with the very scalar
//! that will read it, and enums and input objects are walked, so such a request is refused
//! whole, before anything runs.

use std::collections::HashSet;

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet, Type,
};
use async_graphql::{InputType, Name, Value as ConstValue, Variables};

use super::text_input::argument_path;
use super::types::{named, SchemaTypes};
use crate::error::FieldError;

/// Every argument of `operation` whose value (variables resolved) its type refuses.
pub fn problems(
    types: &SchemaTypes,
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    variables: &Variables,
) -> Vec<FieldError> {
    let root = match operation.ty {
        OperationType::Query => "Query",
        OperationType::Mutation => "Mutation",
        OperationType::Subscription => "Subscription",
    };
    let mut walk = Walk { types, document, variables, fragments: HashSet::new(), found: Vec::new() };
    walk.selection(&operation.selection_set.node, root);
    walk.found
}

struct Walk<'a> {
    types: &'a SchemaTypes,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    /// Fragments already walked (each is checked once: its type condition fixes its parent).
    fragments: HashSet<&'a str>,
    found: Vec<FieldError>,
}

impl<'a> Walk<'a> {
    fn selection(&mut self, set: &'a SelectionSet, parent: &str) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let Some(shape) = self.types.field(parent, field.name.node.as_str()) else { continue };
                    for (name, value) in &field.arguments {
                        let Some(ty) = shape.args.get(name.node.as_str()) else { continue };
                        let value = value.node.clone().into_const_with(|variable: Name| {
                            Ok::<_, std::convert::Infallible>(
                                self.variables.get(&variable).cloned().unwrap_or_default(),
                            )
                        });
                        let Ok(value) = value;
                        check(self.types, &value, ty, &argument_path(&name.node), &mut self.found);
                    }
                    self.selection(&field.selection_set.node, named(&shape.ty));
                }
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    let on = inline.type_condition.as_ref().map_or(parent, |c| c.node.on.node.as_str());
                    self.selection(&inline.selection_set.node, on);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.document.fragments.get(name) else { continue };
                    if self.fragments.insert(name) {
                        let on = fragment.node.type_condition.node.on.node.as_str();
                        self.selection(&fragment.node.selection_set.node, on);
                    }
                }
            }
        }
    }
}

/// Checks `value` against `ty`, naming problems by `path`.
fn check(types: &SchemaTypes, value: &ConstValue, ty: &Type, path: &str, found: &mut Vec<FieldError>) {
    let mut refuse = |message: String| found.push(FieldError { field: path.to_owned(), message });
    if *value == ConstValue::Null {
        if !ty.nullable {
            refuse("must not be null".to_owned());
        }
        return;
    }
    let name = match &ty.base {
        BaseType::List(inner) => {
            match value {
                ConstValue::List(items) => {
                    for (index, item) in items.iter().enumerate() {
                        check(types, item, inner, &format!("{path}[{index}]"), found);
                    }
                }
                // A single value stands for a list of one.
                single => check(types, single, inner, path, found),
            }
            return;
        }
        BaseType::Named(name) => name.as_str(),
    };
    if let Some(parse) = scalar(name) {
        if let Err(message) = parse(value) {
            refuse(message);
        }
    } else if let Some(values) = types.enum_values(name) {
        let given = match value {
            ConstValue::Enum(given) => Some(given.as_str()),
            ConstValue::String(given) => Some(given.as_str()),
            _ => None,
        };
        if !given.is_some_and(|given| values.contains(given)) {
            let mut listed: Vec<&str> = values.iter().map(String::as_str).collect();
            listed.sort_unstable();
            refuse(format!("must be one of {}", listed.join(", ")));
        }
    } else if let Some(fields) = types.input_fields(name) {
        let ConstValue::Object(object) = value else {
            return refuse("must be an object".to_owned());
        };
        for field in fields {
            match object.get(field.name.as_str()) {
                Some(value) => check(types, value, &field.ty, &join(path, &field.name), found),
                None if !field.ty.nullable && !field.has_default => {
                    found.push(FieldError { field: join(path, &field.name), message: "is required".to_owned() })
                }
                None => {}
            }
        }
    }
}

fn join(path: &str, next: &str) -> String {
    if path.is_empty() {
        next.to_owned()
    } else {
        format!("{path}.{next}")
    }
}

type Parse = fn(&ConstValue) -> Result<(), String>;

/// How the schema's scalars read a value: the very `InputType` each is backed by, and what a
/// value it refuses is told (in words a REST client reads too, not the parser's).
fn scalar(name: &str) -> Option<Parse> {
    Some(match name {
        "Int" => |v| parse::<i32>(v, "must be a whole number from -2147483648 to 2147483647"),
        "Float" => |v| parse::<f64>(v, "must be a number"),
        "String" => |v| parse::<String>(v, "must be a string"),
        "Boolean" => |v| parse::<bool>(v, "must be true or false"),
        "ID" => |v| parse::<async_graphql::ID>(v, "must be an id (a string)"),
        "UUID" => |v| parse::<uuid::Uuid>(v, "must be a UUID, such as 3c90c3cc-0d44-4b50-8888-8dd25736052a"),
        "DateTime" => {
            |v| parse::<chrono::DateTime<chrono::Utc>>(v, "must be an RFC 3339 date-time, such as 2026-01-31T12:00:00Z")
        }
        "Decimal" => |v| parse::<rust_decimal::Decimal>(v, "must be a decimal number, such as 12.99"),
        _ => return None,
    })
}

fn parse<T: InputType>(value: &ConstValue, refused: &str) -> Result<(), String> {
    T::parse(Some(value.clone())).map(|_| ()).map_err(|_| refused.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scalar_of_the_schema_is_read_as_its_resolvers_read_it() {
        let sdl = crate::graphql::sdl();
        let document = async_graphql::parser::parse_schema(&sdl).expect("SDL");
        let unknown: Vec<String> = document
            .definitions
            .iter()
            .filter_map(|definition| match definition {
                async_graphql::parser::types::TypeSystemDefinition::Type(t) => Some(&t.node),
                _ => None,
            })
            .filter(|t| matches!(t.kind, async_graphql::parser::types::TypeKind::Scalar))
            .map(|t| t.name.node.to_string())
            .filter(|name| scalar(name).is_none())
            .collect();
        assert!(unknown.is_empty(), "scalars without a parser here: {unknown:?}");
    }

    #[test]
    fn values_are_checked_through_lists_and_input_objects() {
        let sdl = "type Query { f(id: UUID!, n: Int, ids: [UUID!], input: In): Int }
                   input In { kind: Kind!, at: DateTime, items: [Item!]! }
                   input Item { amount: Decimal!, note: String = \"\" }
                   enum Kind { A B }
                   scalar UUID scalar DateTime scalar Decimal";
        let types = SchemaTypes::from_sdl(sdl).expect("SDL");
        let run = |query: &str| {
            let document = async_graphql::parser::parse_query(query).expect("query");
            let async_graphql::parser::types::DocumentOperations::Single(operation) = &document.operations else {
                unreachable!("one operation")
            };
            let mut fields: Vec<String> = problems(&types, &document, &operation.node, &Variables::default())
                .into_iter()
                .map(|p| p.field)
                .collect();
            fields.sort();
            fields
        };
        let uuid = "\"67e55044-10b1-426f-9247-bb680e5fe0c8\"";
        assert_eq!(run(&format!("{{ f(id: {uuid}, n: 5) }}")), Vec::<String>::new());
        assert_eq!(run("{ f(id: \"x\", n: -2147483649) }"), ["id", "n"]);
        assert_eq!(run(&format!("{{ f(id: {uuid}, ids: [{uuid}, \"no\"]) }}")), ["ids[1]"]);
        let input = format!(
            "{{ f(id: {uuid}, input: {{ kind: C, at: \"yesterday\", items: [{{ amount: \"1.5\" }}, {{ amount: \"x\" }}, {{ note: \"n\" }}] }}) }}"
        );
        assert_eq!(run(&input), ["at", "items[1].amount", "items[2].amount", "kind"]);
    }
}
