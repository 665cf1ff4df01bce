//! `ticket_messages`: the messages of a ticket, in order.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub ticket_id: Uuid,
    /// customer or merchant.
    pub author_kind: String,
    pub author_user_id: Option<Uuid>,
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::ticket::Entity", from = "Column::TicketId", to = "super::ticket::Column::Id")]
    Ticket,
}

impl ActiveModelBehavior for ActiveModel {}
