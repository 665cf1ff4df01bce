//! The schema's types as the request checks read them, from its own SDL: every field of every
//! object and interface type with its arguments, every input object's fields and every enum's
//! values. [`super::nulls`] walks answers with it and [`super::coercion`] checks arguments.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{BaseType, InputValueDefinition, Type, TypeKind, TypeSystemDefinition};
use async_graphql::Positioned;

/// A field's type and its arguments' types.
#[derive(Debug)]
pub struct FieldShape {
    pub ty: Type,
    pub args: HashMap<String, Type>,
}

/// A field of an input object.
#[derive(Debug)]
pub struct InputField {
    pub name: String,
    pub ty: Type,
    pub has_default: bool,
}

#[derive(Debug, Default)]
pub struct SchemaTypes {
    fields: HashMap<String, HashMap<String, FieldShape>>,
    inputs: HashMap<String, Vec<InputField>>,
    enums: HashMap<String, HashSet<String>>,
}

impl SchemaTypes {
    pub fn from_sdl(sdl: &str) -> Result<Self, String> {
        let document = async_graphql::parser::parse_schema(sdl).map_err(|e| e.to_string())?;
        let mut types = Self::default();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else { continue };
            let definition = definition.node;
            let name = definition.name.node.to_string();
            let fields = match &definition.kind {
                TypeKind::Object(object) => &object.fields,
                TypeKind::Interface(interface) => &interface.fields,
                TypeKind::InputObject(input) => {
                    types.inputs.insert(name, input.fields.iter().map(input_field).collect());
                    continue;
                }
                TypeKind::Enum(values) => {
                    let values = values.values.iter().map(|v| v.node.value.node.to_string()).collect();
                    types.enums.insert(name, values);
                    continue;
                }
                _ => continue,
            };
            let fields = fields
                .iter()
                .map(|f| {
                    let args = f
                        .node
                        .arguments
                        .iter()
                        .map(|a| (a.node.name.node.to_string(), a.node.ty.node.clone()))
                        .collect();
                    (f.node.name.node.to_string(), FieldShape { ty: f.node.ty.node.clone(), args })
                })
                .collect();
            types.fields.insert(name, fields);
        }
        Ok(types)
    }

    /// `owner.name`, if `owner` is an object or interface type with that field.
    pub fn field(&self, owner: &str, name: &str) -> Option<&FieldShape> {
        self.fields.get(owner)?.get(name)
    }

    /// Whether `name` is an object or interface type.
    pub fn has_fields(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    pub fn input_fields(&self, name: &str) -> Option<&[InputField]> {
        self.inputs.get(name).map(Vec::as_slice)
    }

    pub fn enum_values(&self, name: &str) -> Option<&HashSet<String>> {
        self.enums.get(name)
    }
}

fn input_field(field: &Positioned<InputValueDefinition>) -> InputField {
    let field = &field.node;
    InputField {
        name: field.name.node.to_string(),
        ty: field.ty.node.clone(),
        has_default: field.default_value.is_some(),
    }
}

/// The named type inside any lists.
pub fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}
