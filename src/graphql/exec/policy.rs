//! The one authorization point of the schema. Every object type or field states who may read it
//! with a directive that shows in the SDL — `@scope(name: "stores.products.view")`, `@session`
//! or `@public` — and [`PolicyExtension`] enforces exactly what the exported SDL says, before any
//! resolver (and so any SQL) runs. A field is checked against its type's directives and its own;
//! all must pass (`@public` lets anyone past itself, not past a `@scope` beside it). A field with
//! none is refused (fail closed); a test walks the SDL so that
//! never ships. Connection plumbing (`…Connection`, `…Edge`, `PageInfo`) is reachable only through
//! a guarded field and needs no directive of its own.
//!
//! [`Policy::admits`] reads a whole document against the same rules before it runs: when every
//! field is open to the caller (the usual case) the request can run without a per-field check.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo};
use async_graphql::parser::types::{
    BaseType, ConstDirective, DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet, Type,
    TypeKind, TypeSystemDefinition,
};
use async_graphql::{ErrorExtensions, PathSegment, QueryPathSegment, ServerError, ServerResult, TypeDirective, Value};

use crate::auth::principal::{Credential, Principal};
use crate::error::ApiError;

/// Requires the caller to hold the named scope.
#[TypeDirective(location = "Object", location = "FieldDefinition")]
pub fn scope(name: String) {}

/// Requires a login session (an API key is not enough).
#[TypeDirective(location = "Object", location = "FieldDefinition")]
pub fn session() {}

/// Only for a store's staff (merchant sessions and API keys), never for a customer session,
/// whatever scopes it holds; a customer gets `FORBIDDEN` on the field and the rest of the data.
#[TypeDirective(location = "Object", location = "FieldDefinition")]
pub fn merchant() {}

/// Open to everyone, including anonymous callers.
#[TypeDirective(location = "Object", location = "FieldDefinition")]
pub fn public() {}

/// Who may read a type or field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    Scope(String),
    Session,
    Merchant,
    Public,
}

#[derive(Debug, Default)]
struct TypeRules {
    own: Vec<Rule>,
    fields: HashMap<String, Vec<Rule>>,
    /// The named type each field returns (lists and non-null unwrapped).
    returns: HashMap<String, String>,
}

/// Every rule of the schema, read from its SDL.
#[derive(Debug, Default)]
pub struct Policy {
    types: HashMap<String, TypeRules>,
}

/// Types that only carry pagination and are reached through a guarded field.
pub fn is_connection_plumbing(type_name: &str) -> bool {
    type_name == "PageInfo" || type_name.ends_with("Connection") || type_name.ends_with("Edge")
}

fn rules_of(directives: &[async_graphql::Positioned<ConstDirective>]) -> Vec<Rule> {
    directives
        .iter()
        .filter_map(|d| match d.node.name.node.as_str() {
            "scope" => d.node.get_argument("name").and_then(|v| match &v.node {
                async_graphql::Value::String(name) => Some(Rule::Scope(name.clone())),
                _ => None,
            }),
            "session" => Some(Rule::Session),
            "merchant" => Some(Rule::Merchant),
            "public" => Some(Rule::Public),
            _ => None,
        })
        .collect()
}

impl Policy {
    /// Reads the rules from an SDL document (the schema's own export).
    pub fn from_sdl(sdl: &str) -> Result<Self, String> {
        let document = async_graphql::parser::parse_schema(sdl).map_err(|e| e.to_string())?;
        let mut types = HashMap::new();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else { continue };
            let definition = definition.node;
            let TypeKind::Object(object) = &definition.kind else { continue };
            let fields = object
                .fields
                .iter()
                .map(|f| (f.node.name.node.to_string(), rules_of(&f.node.directives)))
                .filter(|(_, rules)| !rules.is_empty())
                .collect();
            let returns =
                object.fields.iter().map(|f| (f.node.name.node.to_string(), named_type(&f.node.ty.node))).collect();
            types.insert(
                definition.name.node.to_string(),
                TypeRules { own: rules_of(&definition.directives), fields, returns },
            );
        }
        Ok(Self { types })
    }

    /// The rules a type states for all its fields.
    pub fn type_rules(&self, type_name: &str) -> &[Rule] {
        self.types.get(type_name).map_or(&[], |t| &t.own)
    }

    /// The rules a field states for itself.
    pub fn field_rules(&self, type_name: &str, field: &str) -> &[Rule] {
        self.types.get(type_name).and_then(|t| t.fields.get(field)).map_or(&[], Vec::as_slice)
    }

    /// The rules that apply to `type_name.field`, the type's first; empty when uncovered.
    pub fn rules(&self, type_name: &str, field: &str) -> Vec<&Rule> {
        self.type_rules(type_name).iter().chain(self.field_rules(type_name, field)).collect()
    }

    /// Whether `principal` may read `type_name.field`.
    pub fn check(&self, type_name: &str, field: &str, principal: &Principal) -> Result<(), ApiError> {
        if type_name.starts_with("__") || field.starts_with("__") || is_connection_plumbing(type_name) {
            return Ok(());
        }
        let rules = self.rules(type_name, field);
        if rules.is_empty() {
            return Err(ApiError::Forbidden(format!("{type_name}.{field} is not open to anyone")));
        }
        for rule in rules {
            match rule {
                Rule::Public => continue,
                _ if principal.access().is_none() => {
                    return Err(ApiError::Unauthenticated("this operation requires authentication"))
                }
                Rule::Session => {
                    if !matches!(principal.access().map(|a| a.credential), Some(Credential::Session(_))) {
                        return Err(ApiError::Forbidden(
                            "this operation requires a login session, not an API key".into(),
                        ));
                    }
                }
                Rule::Merchant => {
                    if principal.access().is_some_and(|a| a.is_customer()) {
                        return Err(ApiError::MerchantOnly(format!("{type_name}.{field}")));
                    }
                }
                Rule::Scope(name) => {
                    if !principal.has_scope(name) {
                        return Err(ApiError::missing_scope(name));
                    }
                }
            }
        }
        Ok(())
    }
}

impl Policy {
    /// Whether `principal` may read every field `document` selects in the operation that runs
    /// (`operation`, or its only one). Conservative: fields under `@skip`/`@include` count as
    /// selected, and anything it cannot place (an unknown field, type or fragment, a
    /// subscription) answers `false`, leaving the precise answer to the per-field check.
    pub fn admits(&self, document: &ExecutableDocument, operation: Option<&str>, principal: &Principal) -> bool {
        let operation = match (&document.operations, operation) {
            (DocumentOperations::Single(only), _) => only,
            (DocumentOperations::Multiple(all), Some(name)) => match all.get(name) {
                Some(found) => found,
                None => return false,
            },
            (DocumentOperations::Multiple(all), None) if all.len() == 1 => match all.values().next() {
                Some(only) => only,
                None => return false,
            },
            (DocumentOperations::Multiple(_), None) => return false,
        };
        let root = match operation.node.ty {
            OperationType::Query => "Query",
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => return false,
        };
        self.admits_selection(document, root, &operation.node.selection_set.node, principal, 0)
    }

    fn admits_selection(
        &self,
        document: &ExecutableDocument,
        type_name: &str,
        selection: &SelectionSet,
        principal: &Principal,
        depth: usize,
    ) -> bool {
        // Deeper than async-graphql's recursion limit lets a document be: leave it to the
        // per-field check.
        const MAX_DEPTH: usize = 64;
        if depth > MAX_DEPTH {
            return false;
        }
        selection.items.iter().all(|item| match &item.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                if name.starts_with("__") {
                    return true;
                }
                if self.check(type_name, name, principal).is_err() {
                    return false;
                }
                let children = &field.node.selection_set.node;
                if children.items.is_empty() {
                    return true;
                }
                match self.types.get(type_name).and_then(|t| t.returns.get(name)) {
                    Some(returned) => self.admits_selection(document, returned, children, principal, depth + 1),
                    None => false,
                }
            }
            Selection::FragmentSpread(spread) => match document.fragments.get(&spread.node.fragment_name.node) {
                Some(fragment) => self.admits_selection(
                    document,
                    &fragment.node.type_condition.node.on.node,
                    &fragment.node.selection_set.node,
                    principal,
                    depth + 1,
                ),
                None => false,
            },
            Selection::InlineFragment(inline) => {
                let on = inline.node.type_condition.as_ref().map_or(type_name, |c| c.node.on.node.as_str());
                self.admits_selection(document, on, &inline.node.selection_set.node, principal, depth + 1)
            }
        })
    }
}

fn named_type(ty: &Type) -> String {
    match &ty.base {
        BaseType::Named(name) => name.to_string(),
        BaseType::List(inner) => named_type(inner),
    }
}

/// Enforces a [`Policy`] on every field before it resolves.
pub struct PolicyExtension(pub Arc<Policy>);

impl ExtensionFactory for PolicyExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PolicyCheck(self.0.clone()))
    }
}

struct PolicyCheck(Arc<Policy>);

#[async_graphql::async_trait::async_trait]
impl Extension for PolicyCheck {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // List items are checked once, as the field that holds the list.
        if matches!(info.path_node.segment, QueryPathSegment::Index(_)) {
            return next.run(ctx, info).await;
        }
        let anonymous = Principal::Anonymous;
        let principal = ctx.data_opt::<Principal>().unwrap_or(&anonymous);
        match self.0.check(info.parent_type, info.name, principal) {
            Ok(()) => next.run(ctx, info).await,
            Err(error) => {
                let field = info.field;
                let at = field.alias.as_ref().map_or(field.name.pos, |alias| alias.pos);
                let mut error: ServerError = error.extend().into_server_error(at);
                error.path = path_of(&info);
                Err(error)
            }
        }
    }
}

fn path_of(info: &ResolveInfo<'_>) -> Vec<PathSegment> {
    let mut path = Vec::new();
    let mut node = Some(info.path_node);
    while let Some(current) = node {
        path.push(match current.segment {
            QueryPathSegment::Name(name) => PathSegment::Field(name.to_owned()),
            QueryPathSegment::Index(index) => PathSegment::Index(index),
        });
        node = current.parent;
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use uuid::Uuid;

    use super::*;
    use crate::auth::principal::Access;

    const SDL: &str = r#"
        type Query { stores: [Store!]! @scope(name: "stores.view") version: String! @public }
        type Store @scope(name: "stores.view") {
          name: String!
          secret: String! @scope(name: "stores.secrets")
          products: ProductConnection!
        }
        type ProductConnection { nodes: [Product!]! totalCount: Int! }
        type Product @scope(name: "stores.products.view") { name: String! }
        type Mutation { login: String! @public }
    "#;

    fn holding(scopes: &[&'static str]) -> Principal {
        proving(Credential::Session(Uuid::nil()), scopes)
    }

    fn proving(credential: Credential, scopes: &[&'static str]) -> Principal {
        Principal::Authenticated(Arc::new(Access {
            user_id: Uuid::nil(),
            credential,
            scopes: scopes.iter().copied().collect(),
            stores: HashSet::new(),
            customers: HashSet::new(),
            store_limited: false,
        }))
    }

    fn admits(query: &str, operation: Option<&str>, principal: &Principal) -> bool {
        let policy = Policy::from_sdl(SDL).expect("policy");
        let document = async_graphql::parser::parse_query(query).expect("query");
        policy.admits(&document, operation, principal)
    }

    #[test]
    fn a_document_is_admitted_only_when_every_selected_field_is_open() {
        let reader = holding(&["stores.view", "stores.products.view"]);
        let nested = "{ stores { name products { totalCount nodes { name } } } }";
        assert!(admits(nested, None, &reader));
        assert!(!admits(nested, None, &holding(&["stores.view"])), "products need their own scope");
        assert!(!admits("{ stores { secret } }", None, &reader), "a field's own rule");
        assert!(admits("{ version __typename }", None, &Principal::Anonymous));
        assert!(!admits("{ stores { name } }", None, &Principal::Anonymous));
        assert!(admits("mutation { login }", None, &Principal::Anonymous));
    }

    #[test]
    fn fragments_and_skipped_fields_are_read_too() {
        let reader = holding(&["stores.view", "stores.products.view"]);
        let spread = "query { stores { ...S } } fragment S on Store { name secret }";
        assert!(!admits(spread, None, &reader), "a named fragment");
        assert!(!admits("{ stores { ... on Store { secret } } }", None, &reader), "an inline fragment");
        assert!(!admits("{ stores { ... { secret } } }", None, &reader), "an untyped inline fragment");
        assert!(!admits("{ stores { secret @skip(if: true) } }", None, &reader), "skipped fields count");
    }

    #[test]
    fn what_cannot_be_placed_is_left_to_the_field_check() {
        let reader = holding(&["stores.view", "stores.products.view", "stores.secrets"]);
        assert!(!admits("{ stores { unknown { name } } }", None, &reader), "a field of no known type");
        assert!(!admits("{ stores { ...Missing } }", None, &reader));
        let two = "query A { version } query B { stores { secret } }";
        assert!(admits(two, Some("A"), &holding(&[])));
        assert!(!admits(two, Some("B"), &holding(&[])));
        assert!(!admits(two, None, &reader), "no operation chosen");
        assert!(!admits(two, Some("C"), &reader), "no such operation");
    }

    #[test]
    fn every_directive_applies_and_public_opens_only_itself() {
        let policy = Policy::from_sdl(
            r#"
            type Query { auth: Auth! @public both: String! @session @scope(name: "user.view") }
            type Auth @public { token: String! user: String! @scope(name: "user.view") }
            "#,
        )
        .expect("policy");
        let anonymous = Principal::Anonymous;
        assert!(policy.check("Auth", "token", &anonymous).is_ok());
        assert!(
            matches!(policy.check("Auth", "user", &anonymous), Err(ApiError::Unauthenticated(_))),
            "a public type does not open its scoped field"
        );
        assert!(policy.check("Auth", "user", &holding(&["user.view"])).is_ok());
        assert!(policy.check("Query", "both", &holding(&["user.view"])).is_ok(), "a session holding the scope");
        let key = proving(Credential::ApiKey(Uuid::nil()), &["user.view"]);
        assert!(policy.check("Query", "both", &key).is_err(), "the second directive is not dropped");
        assert!(policy.check("Query", "both", &holding(&[])).is_err());
    }
}
