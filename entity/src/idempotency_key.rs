//! `idempotency_keys`: the first result of a request made with an idempotency key, for replays.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who used the key and for what operation; a key is unique within its scope.
    pub scope: String,
    pub key: String,
    /// SHA-256 (hex) of the request, to refuse the same key with a different request.
    pub request_hash: String,
    /// The stored result; `NULL` while the first request is still running.
    pub response: Option<Json>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
