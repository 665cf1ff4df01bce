//! `webhook_deliveries`: each attempt to deliver an event to a webhook, for the delivery log.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub store_id: Option<Uuid>,
    pub event_type: String,
    pub payload: Json,
    pub attempt: i32,
    pub response_status: Option<i32>,
    pub error: Option<String>,
    pub delivered_at: Option<DateTimeUtc>,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::webhook::Entity", from = "Column::WebhookId", to = "super::webhook::Column::Id")]
    Webhook,
}

impl ActiveModelBehavior for ActiveModel {}
