//! The one authorization point of the schema. Every object type or field states who may read it
//! with a directive that shows in the SDL — `@scope(name: "stores.products.view")`, `@session`
//! or `@public` — and [`PolicyExtension`] enforces exactly what the exported SDL says, before any
//! resolver (and so any SQL) runs. A field is checked against its type's directive and its own;
//! both must pass. A field with neither is refused (fail closed); a test walks the SDL so that
//! never ships. Connection plumbing (`…Connection`, `…Edge`, `PageInfo`) is reachable only through
//! a guarded field and needs no directive of its own.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo};
use async_graphql::parser::types::{ConstDirective, TypeKind, TypeSystemDefinition};
use async_graphql::{
    ErrorExtensions, PathSegment, Pos, QueryPathSegment, ServerError, ServerResult, TypeDirective, Value,
};

use crate::auth::principal::{Credential, Principal};
use crate::error::ApiError;

/// Requires the caller to hold the named scope.
#[TypeDirective(location = "Object", location = "FieldDefinition")]
pub fn scope(name: String) {}

/// Requires a login session (an API key is not enough).
#[TypeDirective(location = "Object", location = "FieldDefinition")]
pub fn session() {}

/// Open to everyone, including anonymous callers.
#[TypeDirective(location = "Object", location = "FieldDefinition")]
pub fn public() {}

/// Who may read a type or field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    Scope(String),
    Session,
    Public,
}

#[derive(Debug, Default)]
struct TypeRules {
    own: Option<Rule>,
    fields: HashMap<String, Rule>,
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

fn rule_of(directives: &[async_graphql::Positioned<ConstDirective>]) -> Option<Rule> {
    directives.iter().find_map(|d| match d.node.name.node.as_str() {
        "scope" => d.node.get_argument("name").and_then(|v| match &v.node {
            async_graphql::Value::String(name) => Some(Rule::Scope(name.clone())),
            _ => None,
        }),
        "session" => Some(Rule::Session),
        "public" => Some(Rule::Public),
        _ => None,
    })
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
                .filter_map(|f| rule_of(&f.node.directives).map(|rule| (f.node.name.node.to_string(), rule)))
                .collect();
            types.insert(definition.name.node.to_string(), TypeRules { own: rule_of(&definition.directives), fields });
        }
        Ok(Self { types })
    }

    /// The rule a type states for all its fields.
    pub fn type_rule(&self, type_name: &str) -> Option<&Rule> {
        self.types.get(type_name).and_then(|t| t.own.as_ref())
    }

    /// The rule a field states for itself.
    pub fn field_rule(&self, type_name: &str, field: &str) -> Option<&Rule> {
        self.types.get(type_name).and_then(|t| t.fields.get(field))
    }

    /// The rules that apply to `type_name.field`, type rule first; empty when uncovered.
    pub fn rules(&self, type_name: &str, field: &str) -> Vec<&Rule> {
        self.type_rule(type_name).into_iter().chain(self.field_rule(type_name, field)).collect()
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
                Rule::Public => return Ok(()),
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
                let mut error: ServerError = error.extend().into_server_error(Pos::default());
                error.locations.clear();
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
