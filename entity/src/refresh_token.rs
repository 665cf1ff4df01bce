//! `refresh_tokens`: opaque, rotated refresh tokens. One family per login session; only hashes stored.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "refresh_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// The session: every rotation of one login shares it; access tokens carry it.
    pub family_id: Uuid,
    /// SHA-256 (hex) of the token.
    #[sea_orm(unique)]
    pub token_hash: String,
    pub remember: bool,
    pub expires_at: DateTimeUtc,
    /// Set when the token was exchanged for a new one; presenting it again revokes the family.
    pub used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::user::Entity", from = "Column::UserId", to = "super::user::Column::Id")]
    User,
}

impl ActiveModelBehavior for ActiveModel {}
