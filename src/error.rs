//! One error type for request handling, with a stable code per variant. GraphQL errors carry the
//! code in `extensions.code`; internal details are logged, never returned.

use std::sync::Arc;

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;

/// The stable error codes every surface speaks: GraphQL's `extensions.code`, the REST
/// families' envelopes (each maps a code to its status and name in one table, in
/// `rest::envelope`), and the HTTP layer's refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Unauthenticated,
    Forbidden,
    NotFound,
    Validation,
    Conflict,
    InsufficientStock,
    InvalidTransition,
    RateLimited,
    Internal,
}

impl Code {
    pub const ALL: [Code; 9] = [
        Code::Unauthenticated,
        Code::Forbidden,
        Code::NotFound,
        Code::Validation,
        Code::Conflict,
        Code::InsufficientStock,
        Code::InvalidTransition,
        Code::RateLimited,
        Code::Internal,
    ];

    /// The code as clients read it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::Validation => "VALIDATION",
            Self::Conflict => "CONFLICT",
            Self::InsufficientStock => "INSUFFICIENT_STOCK",
            Self::InvalidTransition => "INVALID_TRANSITION",
            Self::RateLimited => "RATE_LIMITED",
            Self::Internal => "INTERNAL",
        }
    }

    /// The code a client reads as `name`, if it is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == name)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One invalid input field and what is wrong with it.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// `extensions.reason` of a [`ApiError::MerchantOnly`] error.
pub const MERCHANT_ONLY: &str = "MERCHANT_ONLY";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No usable credential where one is required, or a presented one that is invalid, expired
    /// or revoked.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// The credential is valid but lacks what the operation requires (named in the message).
    #[error("{0}")]
    Forbidden(String),
    /// A field only a store's staff may read, asked for by a customer (`FORBIDDEN`, with
    /// `extensions.reason` `MERCHANT_ONLY` so the REST shim can leave the field out).
    #[error("{0} is for the store's staff only")]
    MerchantOnly(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("invalid input: {}", summary(.0))]
    Validation(Vec<FieldError>),
    /// The input is well-formed but clashes with existing data (a taken slug, a product's last
    /// variant, …).
    #[error("conflict: {}", summary(.0))]
    Conflict(Vec<FieldError>),
    /// An order asks for more units than a variant has in stock.
    #[error("insufficient stock: {}", summary(.0))]
    InsufficientStock(Vec<FieldError>),
    /// An order cannot move from its status to the one asked for.
    #[error("{0}")]
    InvalidTransition(String),
    #[error("internal error")]
    Internal(Arc<DbErr>),
}

impl From<DbErr> for ApiError {
    fn from(error: DbErr) -> Self {
        Self::Internal(Arc::new(error))
    }
}

impl From<Arc<DbErr>> for ApiError {
    fn from(error: Arc<DbErr>) -> Self {
        Self::Internal(error)
    }
}

/// Turns any error that maps to an [`ApiError`] into a GraphQL error carrying its code.
pub trait GraphqlResult<T> {
    fn into_graphql(self) -> async_graphql::Result<T>;
}

impl<T, E: Into<ApiError>> GraphqlResult<T> for Result<T, E> {
    fn into_graphql(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.into().extend())
    }
}

fn summary(fields: &[FieldError]) -> String {
    fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
}

impl ApiError {
    /// The error for a missing scope, naming it.
    pub fn missing_scope(scope: &str) -> Self {
        Self::Forbidden(format!("this operation requires the scope {scope}"))
    }

    /// A fault of the server itself (not of the request), logged and answered as `INTERNAL`.
    pub fn internal(what: impl Into<String>) -> Self {
        Self::Internal(Arc::new(DbErr::Custom(what.into())))
    }

    /// A validation error on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError { field: field.to_owned(), message: message.into() }])
    }

    /// A conflict on one field.
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Self::Conflict(vec![FieldError { field: field.to_owned(), message: message.into() }])
    }

    /// A write's error, with a unique-index violation (a concurrent writer took the value first)
    /// reported as a conflict on `field` rather than as an internal error.
    pub fn from_write(error: DbErr, field: &str) -> Self {
        match error.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Self::conflict(field, "is already taken"),
            _ => error.into(),
        }
    }

    /// The stable code clients match on.
    pub fn code(&self) -> Code {
        match self {
            Self::Unauthenticated(_) => Code::Unauthenticated,
            Self::Forbidden(_) | Self::MerchantOnly(_) => Code::Forbidden,
            Self::NotFound(_) => Code::NotFound,
            Self::Validation(_) => Code::Validation,
            Self::Conflict(_) => Code::Conflict,
            Self::InsufficientStock(_) => Code::InsufficientStock,
            Self::InvalidTransition(_) => Code::InvalidTransition,
            Self::Internal(_) => Code::Internal,
        }
    }

    /// The `{field, message}` details of the variants that carry them.
    pub fn details(&self) -> &[FieldError] {
        match self {
            Self::Validation(fields) | Self::Conflict(fields) | Self::InsufficientStock(fields) => fields,
            _ => &[],
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        if let Self::Internal(source) = self {
            tracing::error!(error = %source, "internal error while resolving a request");
        }
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| {
            ext.set("code", self.code().as_str());
            if let Self::MerchantOnly(_) = self {
                ext.set("reason", MERCHANT_ONLY);
            }
            if let Self::Validation(fields) | Self::Conflict(fields) | Self::InsufficientStock(fields) = self {
                let details: Vec<async_graphql::Value> = fields
                    .iter()
                    .map(|f| {
                        let mut detail = async_graphql::indexmap::IndexMap::new();
                        detail.insert(async_graphql::Name::new("field"), async_graphql::Value::from(f.field.as_str()));
                        detail.insert(
                            async_graphql::Name::new("message"),
                            async_graphql::Value::from(f.message.as_str()),
                        );
                        async_graphql::Value::Object(detail)
                    })
                    .collect();
                ext.set("details", details);
            }
        })
    }
}
