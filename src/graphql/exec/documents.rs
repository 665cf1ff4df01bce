//! What the engine learns about a document, kept for the next request that sends it: its parse
//! (keyed by its text) and, for each set of variables it was sent with, that it passed every
//! check before execution and what it costs (validation and cost depend on the variables: a
//! `first: $n` or a variable's value). A repeated document is parsed and validated once, not on
//! every request. Both caches are bounded by an estimate of the bytes they hold; a request whose
//! checks fail is not remembered (it is refused again, the same way, when repeated). Documents
//! with a mutation are never kept: they may carry credentials (`login`, `refreshSession`) in their
//! text or variables, and writes are seldom repeated word for word.

use std::sync::Arc;

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{IntrospectionMode, Request};
use moka::sync::Cache;

use super::cost::Measured;
use super::engine::Origin;

/// Bytes of parsed documents kept (estimated at [`PARSE_FACTOR`] times their text).
const PARSED_BYTES: u64 = 32 << 20;
/// Bytes of admission keys kept.
const ADMITTED_BYTES: u64 = 16 << 20;
/// A parsed document's size over its text's, roughly (nodes, positions, names).
const PARSE_FACTOR: usize = 8;

/// What admitting a request found, when it passed.
#[derive(Debug, Clone, Copy)]
pub struct Admission {
    /// It asks only about the schema.
    pub schema_only: bool,
    pub measured: Measured,
}

/// Everything the checks before execution read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AdmissionKey {
    text: String,
    operation: Option<String>,
    variables: String,
    origin: Origin,
    introspection: u8,
}

impl AdmissionKey {
    /// The key of `request` (its variables complete with their declared defaults).
    pub fn of(request: &Request, origin: Origin) -> Self {
        Self {
            text: request.query.clone(),
            operation: request.operation_name.clone(),
            variables: request.variables.to_string(),
            origin,
            introspection: match request.introspection_mode {
                IntrospectionMode::Enabled => 0,
                IntrospectionMode::Disabled => 1,
                IntrospectionMode::IntrospectionOnly => 2,
            },
        }
    }

    fn weight(&self) -> u32 {
        let bytes = self.text.len() + self.variables.len() + self.operation.as_ref().map_or(0, String::len) + 64;
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }
}

/// The two caches.
pub struct Documents {
    parsed: Cache<String, Arc<ExecutableDocument>>,
    admitted: Cache<AdmissionKey, Admission>,
}

impl Default for Documents {
    fn default() -> Self {
        Self {
            parsed: Cache::builder()
                .max_capacity(PARSED_BYTES)
                .weigher(|text: &String, _| u32::try_from(text.len() * PARSE_FACTOR + 256).unwrap_or(u32::MAX))
                .build(),
            admitted: Cache::builder()
                .max_capacity(ADMITTED_BYTES)
                .weigher(|key: &AdmissionKey, _| key.weight())
                .build(),
        }
    }
}

impl Documents {
    /// The parsed document of `text`: the one kept, or a fresh parse that is then kept; `None`
    /// when it does not parse (execution reports why).
    pub fn parsed(&self, text: &str) -> Option<Arc<ExecutableDocument>> {
        if let Some(document) = self.parsed.get(text) {
            return Some(document);
        }
        let document = Arc::new(async_graphql::parser::parse_query(text).ok()?);
        if !writes(&document) {
            self.parsed.insert(text.to_owned(), document.clone());
        }
        Some(document)
    }

    /// Gives `request` its parsed document (see [`Documents::parsed`]).
    pub fn parse(&self, request: &mut Request) {
        if let Some(document) = self.parsed(&request.query) {
            request.set_parsed_query(ExecutableDocument::clone(&document));
        }
    }

    /// What admitting a request with this key found before, if it passed.
    pub fn admitted(&self, key: &AdmissionKey) -> Option<Admission> {
        self.admitted.get(key)
    }

    /// Remembers that a request with this key passed, if its document is kept (a document that
    /// writes is not).
    pub fn remember(&self, key: AdmissionKey, admission: Admission) {
        if self.parsed.contains_key(key.text.as_str()) {
            self.admitted.insert(key, admission);
        }
    }
}

/// Whether any operation of `document` is a mutation.
fn writes(document: &ExecutableDocument) -> bool {
    document.operations.iter().any(|(_, operation)| operation.node.ty == OperationType::Mutation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_kept_and_documents_that_write_are_not() {
        let documents = Documents::default();
        let query = "query($id: UUID!) { product(id: $id) { name } }";
        let login = "mutation { login(email: \"a@example.com\", password: \"secret-password\") { accessToken } }";
        for text in [query, login] {
            assert!(documents.parsed(text).is_some(), "{text} parses");
        }
        assert!(documents.parsed.contains_key(query));
        assert!(!documents.parsed.contains_key(login), "a mutation's text is not kept");
        let measured = Measured { requested: 1, depth: 1 };
        for text in [query, login] {
            let key = AdmissionKey::of(&Request::new(text), Origin::Client);
            documents.remember(key.clone(), Admission { schema_only: false, measured });
            assert_eq!(documents.admitted(&key).is_some(), text == query, "{text}");
        }
    }
}
