//! The `Category` type: a store's product groupings, ordered for display.

use async_graphql::Object;
use uuid::Uuid;

use super::policy::scope;
use crate::domain::catalog::{Coded, Visibility};
use entity::category;

pub struct Category(pub category::Model);

/// A grouping of a store's products (footwear, apparel, …), ordered for display.
#[Object(directive = scope::apply("stores.categories.view".into()))]
impl Category {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When the category was created (UTC).
    async fn date_created(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }

    /// The store it belongs to.
    async fn store_id(&self) -> Uuid {
        self.0.store_id
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// URL slug, unique within the store.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Who can see it on the storefront.
    async fn visibility(&self) -> Visibility {
        Visibility::from_code(self.0.visibility)
    }

    /// Display position among the store's categories (ascending).
    async fn order(&self) -> i32 {
        self.0.sort_order
    }
}
