//! Null propagation as the GraphQL specification has it. async-graphql 7 leaves a field whose
//! resolver failed out of its object (and an object all of whose fields failed becomes null);
//! the specification makes the field null and, when its type is non-null, its parent, up to the
//! nearest position that may be null — typed clients (Apollo's cache, Relay) rely on every
//! selected key being there. [`Shapes::propagate`] repairs a client's response after execution
//! from its errors' paths, the document and the SDL's field types.

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet, Type,
};
use async_graphql::{Name, PathSegment, Response, Value};

use super::types::{named, SchemaTypes};

/// Repairs responses with the SDL's field types.
#[derive(Debug)]
pub struct Shapes<'a> {
    types: &'a SchemaTypes,
}

impl<'a> Shapes<'a> {
    pub fn new(types: &'a SchemaTypes) -> Self {
        Self { types }
    }

    /// Puts `null` where each error's field failed and propagates it through non-null types.
    pub fn propagate(&self, response: &mut Response, document: &ExecutableDocument, operation: &OperationDefinition) {
        let paths: Vec<Vec<PathSegment>> =
            response.errors.iter().filter(|e| !e.path.is_empty()).map(|e| e.path.clone()).collect();
        if paths.is_empty() {
            return;
        }
        let root = match operation.ty {
            OperationType::Query => "Query",
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => "Subscription",
        };
        if response.data == Value::Null {
            // Every root field failed: async-graphql left no object to put them in.
            response.data = Value::Object(Default::default());
        }
        // The positions this repair nulled (few: one per error at most).
        let mut nulled: Vec<Vec<PathSegment>> = Vec::new();
        for path in paths {
            let Some(types) = self.types_along(document, root, &operation.selection_set.node, &path) else { continue };
            let Some(failed) = failed_position(&mut response.data, &path, &types, &nulled) else { continue };
            let position = (0..=failed).rev().find(|&i| types[i].nullable);
            match position {
                Some(i) => {
                    set_null(&mut response.data, &path[..=i]);
                    nulled.push(path[..=i].to_vec());
                }
                None => {
                    response.data = Value::Null;
                    return;
                }
            }
        }
    }

    /// The type at every position of `path` (one per segment), or `None` when the path does not
    /// follow the document.
    fn types_along(
        &self,
        document: &ExecutableDocument,
        root: &str,
        selection: &SelectionSet,
        path: &[PathSegment],
    ) -> Option<Vec<Type>> {
        let mut parent = root.to_owned();
        let mut sets = vec![(selection, None::<&str>)];
        let mut current: Option<Type> = None;
        let mut types = Vec::with_capacity(path.len());
        for segment in path {
            let ty = match segment {
                PathSegment::Field(key) => {
                    let mut found = Vec::new();
                    for (set, condition) in &sets {
                        collect(document, set, *condition, key, &mut found, 0);
                    }
                    let (name, condition, _) = found.first()?;
                    let owner = condition.filter(|c| self.types.has_fields(c)).unwrap_or(parent.as_str());
                    let ty = self.types.field(owner, name.as_str())?.ty.clone();
                    sets = found.iter().map(|(_, condition, set)| (*set, *condition)).collect();
                    parent = named(&ty).to_owned();
                    ty
                }
                PathSegment::Index(_) => match &current?.base {
                    BaseType::List(inner) => (**inner).clone(),
                    BaseType::Named(_) => return None,
                },
            };
            current = Some(ty.clone());
            types.push(ty);
        }
        Some(types)
    }
}

/// The fields of `set` (fragments expanded) answering to `key`: each with its name, the type
/// condition it sits under and its selection.
fn collect<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    condition: Option<&'a str>,
    key: &str,
    found: &mut Vec<(Name, Option<&'a str>, &'a SelectionSet)>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                if field.node.response_key().node.as_str() == key {
                    found.push((field.node.name.node.clone(), condition, &field.node.selection_set.node));
                }
            }
            Selection::InlineFragment(inline) => {
                let inner = inline.node.type_condition.as_ref().map(|c| c.node.on.node.as_str()).or(condition);
                collect(document, &inline.node.selection_set.node, inner, key, found, depth + 1);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    let inner = Some(fragment.node.type_condition.node.on.node.as_str());
                    collect(document, &fragment.node.selection_set.node, inner, key, found, depth + 1);
                }
            }
        }
    }
}

/// The position (index into `path`) whose value failed: the first that is missing, or null
/// where a value was due. An object that async-graphql emptied to null because all its fields
/// failed is given back as an object; `None` when there is nothing to repair (the value is
/// there, or a null this repair already put above it).
fn failed_position(
    data: &mut Value,
    path: &[PathSegment],
    types: &[Type],
    nulled: &[Vec<PathSegment>],
) -> Option<usize> {
    let mut value = data;
    for (i, segment) in path.iter().enumerate() {
        let child = match (value, segment) {
            (Value::Object(object), PathSegment::Field(key)) => object.get_mut(key.as_str()),
            (Value::List(items), PathSegment::Index(index)) => items.get_mut(*index),
            _ => return None,
        };
        let Some(child) = child else { return Some(i) };
        if *child == Value::Null {
            let last = i + 1 == path.len();
            if last {
                return Some(i);
            }
            if nulled.iter().any(|p| p.as_slice() == &path[..=i]) {
                return None;
            }
            if !matches!(types[i].base, BaseType::Named(_)) {
                return Some(i);
            }
            *child = Value::Object(Default::default());
        }
        value = child;
    }
    None
}

/// Sets the value at `path` (whose parent exists) to null.
fn set_null(data: &mut Value, path: &[PathSegment]) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut value = data;
    for segment in parents {
        let next = match (value, segment) {
            (Value::Object(object), PathSegment::Field(key)) => object.get_mut(key.as_str()),
            (Value::List(items), PathSegment::Index(index)) => items.get_mut(*index),
            _ => None,
        };
        let Some(next) = next else { return };
        value = next;
    }
    match (value, last) {
        (Value::Object(object), PathSegment::Field(key)) => {
            object.insert(Name::new(key), Value::Null);
        }
        (Value::List(items), PathSegment::Index(index)) => {
            if let Some(item) = items.get_mut(*index) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    struct Query;

    struct Inner;

    #[Object]
    impl Inner {
        async fn fine(&self) -> i32 {
            1
        }
        async fn broken(&self) -> async_graphql::Result<i32> {
            Err("no".into())
        }
        async fn maybe(&self) -> async_graphql::Result<Option<i32>> {
            Err("no".into())
        }
    }

    #[Object]
    impl Query {
        async fn inner(&self) -> Option<Inner> {
            Some(Inner)
        }
        async fn strict(&self) -> Inner {
            Inner
        }
        async fn list(&self) -> Option<Vec<Inner>> {
            Some(vec![Inner, Inner])
        }
    }

    async fn run(query: &str) -> (Value, Value) {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let types = SchemaTypes::from_sdl(&schema.sdl()).expect("SDL");
        let shapes = Shapes::new(&types);
        let mut response = schema.execute(query).await;
        let before = response.data.clone();
        let document = async_graphql::parser::parse_query(query).expect("query");
        let operation = match &document.operations {
            async_graphql::parser::types::DocumentOperations::Single(op) => op.node.clone(),
            _ => unreachable!("one operation"),
        };
        shapes.propagate(&mut response, &document, &operation);
        (before, response.data)
    }

    fn json(value: &Value) -> serde_json::Value {
        value.clone().into_json().expect("JSON")
    }

    #[tokio::test]
    async fn a_failed_field_is_null_and_a_non_null_one_nulls_its_parent() {
        let (before, after) = run("{ inner { fine maybe } }").await;
        // When an async-graphql release keeps the field itself, this fails: the module can go.
        assert_eq!(json(&before), serde_json::json!({ "inner": { "fine": 1 } }), "upstream drops the field");
        assert_eq!(json(&after), serde_json::json!({ "inner": { "fine": 1, "maybe": null } }));

        let (_, after) = run("{ inner { fine broken } }").await;
        assert_eq!(json(&after), serde_json::json!({ "inner": null }));

        let (_, after) = run("{ a: inner { fine } strict { fine broken } }").await;
        assert_eq!(after, Value::Null, "a non-null root field nulls the data");

        let (_, after) = run("{ list { fine broken } inner { fine } }").await;
        assert_eq!(json(&after), serde_json::json!({ "list": null, "inner": { "fine": 1 } }));

        let (_, after) = run("{ inner { ... on Inner { renamed: maybe } } }").await;
        assert_eq!(json(&after), serde_json::json!({ "inner": { "renamed": null } }));

        let (_, after) = run("{ inner { maybe } }").await;
        assert_eq!(json(&after), serde_json::json!({ "inner": { "maybe": null } }), "an object emptied by failures");
    }

    /// Refused, a non-null field would null its whole object: every field that carries a rule of
    /// its own (beyond its object's) is nullable, so a refusal nulls only it. Root fields are
    /// the operation's answer and stay as they are.
    #[test]
    fn every_field_guarded_apart_from_its_object_is_nullable() {
        let sdl = crate::graphql::sdl();
        let document = async_graphql::parser::parse_schema(&sdl).expect("SDL");
        let mut strict = Vec::new();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else { continue };
            let TypeKind::Object(object) = &definition.node.kind else { continue };
            let name = definition.node.name.node.as_str();
            if matches!(name, "Query" | "Mutation" | "Subscription") {
                continue;
            }
            for field in &object.fields {
                let guarded = field
                    .node
                    .directives
                    .iter()
                    .any(|d| matches!(d.node.name.node.as_str(), "scope" | "session" | "merchant"));
                if guarded && !field.node.ty.node.nullable {
                    strict.push(format!("{name}.{}", field.node.name.node));
                }
            }
        }
        assert!(strict.is_empty(), "guarded non-null fields: {strict:?}");
    }
}
