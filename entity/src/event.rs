//! `events`: the outbox. A domain operation writes its events in its own transaction; the
//! dispatcher renders `data` and fans each event out to the subscribed webhooks.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `NULL` only for a test event sent to one endpoint.
    pub store_id: Option<Uuid>,
    pub event_type: String,
    /// The order, product, variant, customer or webhook the event is about.
    pub subject_id: Uuid,
    /// The subject in the Komerza REST shape, rendered when the event is dispatched.
    pub data: Option<Json>,
    pub created_at: DateTimeUtc,
    /// When the event was fanned out to its webhooks; `NULL` while waiting.
    pub dispatched_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::store::Entity", from = "Column::StoreId", to = "super::store::Column::Id")]
    Store,
}

impl ActiveModelBehavior for ActiveModel {}
