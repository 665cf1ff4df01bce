//! `webhook_attempts`: every request made for a delivery, for the delivery log.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub delivery_id: Uuid,
    /// The receiver's HTTP status; `NULL` when no response arrived.
    pub response_status: Option<i32>,
    pub duration_ms: i32,
    /// Why the attempt failed (timeout, refused address, connection error, status).
    pub error: Option<String>,
    /// The first KiB of the response body.
    pub response_body: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::webhook_delivery::Entity",
        from = "Column::DeliveryId",
        to = "super::webhook_delivery::Column::Id"
    )]
    Delivery,
}

impl ActiveModelBehavior for ActiveModel {}
