//! A variant's files on GraphQL (`Variant.files`, for the store's staff) and the mutations that
//! register and forget them ([`crate::domain::variant_files`]).

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::auth::client_address::ClientAddress;
use crate::domain::variant_files;
use crate::error::GraphqlResult;
use crate::graphql::exec::policy::{merchant, scope};
use crate::graphql::{caller, data};
use entity::variant_file;

pub struct VariantFile(pub variant_file::Model);

/// A file a variant delivers (the bytes are in the merchant's file store); for the store's staff.
#[Object(directive = scope::apply("stores.products.view".into()), directive = merchant::apply())]
impl VariantFile {
    /// Unique identifier.
    async fn id(&self) -> Uuid {
        self.0.id
    }

    /// When it was registered (UTC).
    async fn date_created(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The name buyers see (1–128 characters).
    async fn friendly_name(&self) -> &str {
        &self.0.friendly_name
    }

    /// The address it was uploaded from.
    async fn ip_address(&self) -> &str {
        &self.0.ip_address
    }

    /// The user who uploaded it; null once that user is gone.
    async fn user_id(&self) -> Option<Uuid> {
        self.0.uploaded_by
    }
}

/// Variant file mutations.
#[derive(Default)]
pub struct VariantFileMutation;

#[Object]
impl VariantFileMutation {
    /// Registers a file the variant delivers, recording who uploaded it and from which address
    /// (up to 50 a variant).
    #[graphql(directive = scope::apply("stores.products.update".into()))]
    async fn add_variant_file(
        &self,
        ctx: &Context<'_>,
        variant_id: Uuid,
        friendly_name: String,
    ) -> async_graphql::Result<VariantFile> {
        let (db, principal) = caller(ctx)?;
        let client = data::<ClientAddress>(ctx)?;
        variant_files::add(db, principal, variant_id, &friendly_name, client.0).await.map(VariantFile).into_graphql()
    }

    /// Forgets a file of a variant; returns its id.
    #[graphql(directive = scope::apply("stores.products.update".into()))]
    async fn delete_variant_file(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Uuid> {
        let (db, principal) = caller(ctx)?;
        variant_files::delete(db, principal, id).await.into_graphql()
    }
}
