//! `api_keys`: scoped keys a user hands to integrators. Only a hash of the secret is stored.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// The recognisable start of the secret, shown in listings so a key can be identified.
    pub prefix: String,
    /// SHA-256 (hex) of the whole secret.
    #[sea_orm(unique)]
    pub secret_hash: String,
    /// JSON array of scope names (`stores.products.view`, …).
    pub scopes: Json,
    /// JSON array of store ids the key is limited to; `NULL` means every store of its user.
    pub store_ids: Option<Json>,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::user::Entity", from = "Column::UserId", to = "super::user::Column::Id")]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
