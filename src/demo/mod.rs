//! `--demo`: seeds two merchants' stores with a realistic catalog, customers and orders, once
//! (a later start finds the demo merchant and adds nothing), and issues a fresh API key with
//! every scope at each start, since only its hash is stored.

mod catalog;
pub mod generated;
mod orders;
mod shopper;

use std::collections::HashMap;
use std::net::SocketAddr;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::auth::users;
use crate::auth::{api_key, scope};
use crate::domain::catalog::{new_product, new_variant, slugify};
use crate::domain::stores::new_store;
use catalog::{DemoProduct, DEMO_CATEGORIES, DEMO_PRODUCTS, RIVAL_CATEGORIES, RIVAL_PRODUCTS};
use entity::{
    affiliate, category, category_product, coupon, custom_field, custom_field_option, customer, product, store,
    store_affiliate_options, store_brand_options, store_notification_options, user, variant, variant_file,
};

pub const DEMO_EMAIL: &str = "demo@example.com";
pub const DEMO_PASSWORD: &str = "demo-password";
pub const CUSTOMER_EMAIL: &str = "customer@example.com";
pub const CUSTOMER_PASSWORD: &str = "customer-password";
pub const RIVAL_EMAIL: &str = "rival@example.com";
pub const RIVAL_PASSWORD: &str = "rival-password";
/// The demo store's slug; its presence means the demo data is there.
const DEMO_STORE_URL: &str = "demo-store";
/// Name of the every-scope key re-issued at each demo start.
pub const DEMO_KEY_NAME: &str = "demo key (every scope)";

/// What a demo start did.
pub struct Seeded {
    /// Whether this start created the demo data (false: it was already there).
    pub created: bool,
    /// A fresh API key of the demo merchant with every scope.
    pub api_key: String,
}

impl Seeded {
    /// The start-up message: where to click and how to log in.
    pub fn banner(&self, address: SocketAddr) -> String {
        let state = if self.created { "seeded just now" } else { "already present" };
        format!(
            "\n  commerce-gateway demo ({state})\n\
             \n  GraphiQL:   http://{address}/graphql\
             \n  Merchant:   {DEMO_EMAIL} / {DEMO_PASSWORD}   (owns \"Demo Store\")\
             \n  Customer:   {CUSTOMER_EMAIL} / {CUSTOMER_PASSWORD}\
             \n  Rival:      {RIVAL_EMAIL} / {RIVAL_PASSWORD}   (owns \"Rival Store\")\
             \n  API key:    {}   (every scope; send as Authorization: Bearer …)\n",
            self.api_key
        )
    }
}

/// Seeds the demo data unless it is there already, and issues a fresh every-scope demo key.
pub async fn seed(db: &DatabaseConnection) -> anyhow::Result<Seeded> {
    let txn = db.begin().await?;
    let existing = store::Entity::find().filter(store::Column::Url.eq(DEMO_STORE_URL)).one(&txn).await?;
    let (merchant, created) = match existing {
        Some(store) => match user::Entity::find_by_id(store.owner_id).one(&txn).await? {
            Some(owner) => (owner, false),
            None => anyhow::bail!("the demo store has no owner"),
        },
        None => (seed_everything(&txn).await?, true),
    };
    entity::api_key::Entity::delete_many()
        .filter(entity::api_key::Column::UserId.eq(merchant.id))
        .filter(entity::api_key::Column::Name.eq(DEMO_KEY_NAME))
        .exec(&txn)
        .await?;
    let key = api_key::issue(&txn, merchant.id, DEMO_KEY_NAME, scope::ALL, None).await?;
    txn.commit().await?;
    Ok(Seeded { created, api_key: key.secret })
}

async fn seed_everything(txn: &DatabaseTransaction) -> anyhow::Result<user::Model> {
    let merchant = user_named(txn, DEMO_EMAIL, DEMO_PASSWORD).await?;
    let shopper = user_named(txn, CUSTOMER_EMAIL, CUSTOMER_PASSWORD).await?;
    let rival = user_named(txn, RIVAL_EMAIL, RIVAL_PASSWORD).await?;

    let demo = DemoStore {
        name: "Demo Store",
        url: DEMO_STORE_URL,
        currency: "USD",
        categories: DEMO_CATEGORIES,
        products: DEMO_PRODUCTS,
        customers: &[
            (CUSTOMER_EMAIL, "Casey Customer", 1500),
            ("alex@example.com", "Alex Buyer", 0),
            ("sam@example.com", "Sam Shopper", 0),
        ],
        coupons: &[("WELCOME10", 10)],
        affiliates: &[("alex@example.com", "ALEX10")],
        orders: orders::DEMO_ORDERS,
    };
    demo.seed(txn, &merchant, Some(&shopper)).await?;

    let rival_store = DemoStore {
        name: "Rival Store",
        url: "rival-store",
        currency: "EUR",
        categories: RIVAL_CATEGORIES,
        products: RIVAL_PRODUCTS,
        customers: &[("rory@example.com", "Rory Rival-Fan", 0)],
        coupons: &[],
        affiliates: &[],
        orders: orders::RIVAL_ORDERS,
    };
    rival_store.seed(txn, &rival, None).await?;
    Ok(merchant)
}

/// The demo user with this email: the existing one (password untouched), or a new one.
async fn user_named(txn: &DatabaseTransaction, email: &str, password: &str) -> anyhow::Result<user::Model> {
    match user::Entity::find().filter(user::Column::Email.eq(email)).one(txn).await? {
        Some(existing) => Ok(existing),
        None => Ok(users::create(txn, email, password).await?),
    }
}

/// One demo store and everything in it.
struct DemoStore {
    name: &'static str,
    url: &'static str,
    currency: &'static str,
    categories: &'static [(&'static str, &'static str)],
    products: &'static [DemoProduct],
    /// (email, name, store credit in cents); the first is linked to the shopper login if any.
    customers: &'static [(&'static str, &'static str, i64)],
    /// (code, percentage off).
    coupons: &'static [(&'static str, i32)],
    /// (customer email, code): affiliates with the store's default percentages.
    affiliates: &'static [(&'static str, &'static str)],
    orders: &'static [orders::DemoOrder],
}

impl DemoStore {
    async fn seed(
        &self,
        txn: &DatabaseTransaction,
        owner: &user::Model,
        shopper: Option<&user::Model>,
    ) -> anyhow::Result<store::Model> {
        let now = Utc::now();
        let description = format!("{} sells a little of everything. Explore it in GraphiQL.", self.name);
        let mut store = new_store(owner.id, self.name.into(), self.url.into(), description);
        store.currency_code = self.currency.into();
        store.prepend_product_name_to_receipt = true;
        store.is_automatic_reviews_enabled = true;
        store.is_customer_balance_enabled = true;
        let store = store.into_active_model().insert(txn).await?;
        self.seed_options(txn, store.id).await?;

        let mut categories = HashMap::new();
        for (position, (slug, name)) in (1..).zip(self.categories) {
            let row = category::ActiveModel {
                id: Set(Uuid::now_v7()),
                store_id: Set(store.id),
                name: Set((*name).into()),
                slug: Set((*slug).into()),
                visibility: Set(0),
                sort_order: Set(position),
                created_at: Set(now),
            }
            .insert(txn)
            .await?;
            categories.insert(*slug, row.id);
        }

        let mut variants_by_sku = HashMap::new();
        for (position, demo) in (1..).zip(self.products) {
            let product = seed_product(txn, &store, owner, demo, position).await?;
            let category_id = categories.get(demo.category).copied().ok_or_else(|| {
                anyhow::anyhow!("demo product {} names an unknown category {}", demo.name, demo.category)
            })?;
            category_product::ActiveModel {
                id: Set(Uuid::now_v7()),
                category_id: Set(category_id),
                product_id: Set(product.id),
                sort_order: Set(position),
                created_at: Set(now),
            }
            .insert(txn)
            .await?;
            for (variant_position, demo_variant) in (1..).zip(demo.variants) {
                let variant = seed_variant(txn, (&product, owner), demo, demo_variant, variant_position).await?;
                variants_by_sku.insert(demo_variant.sku, (product.clone(), variant));
            }
        }

        let mut customers = HashMap::new();
        for (index, (email, name, credit)) in self.customers.iter().enumerate() {
            let row = customer::ActiveModel {
                id: Set(Uuid::now_v7()),
                store_id: Set(store.id),
                user_id: Set(if index == 0 { shopper.map(|u| u.id) } else { None }),
                email: Set((*email).into()),
                name: Set(Some((*name).into())),
                balance_cents: Set(*credit),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
            customers.insert(*email, row);
        }

        let mut coupons = HashMap::new();
        for (code, percent) in self.coupons {
            let row = coupon::ActiveModel {
                id: Set(Uuid::now_v7()),
                store_id: Set(store.id),
                code: Set((*code).into()),
                uses: Set(0),
                maximum_uses: Set(Some(1000)),
                is_enabled: Set(true),
                percentage_decrease: Set(Some(*percent)),
                amount_decrease_cents: Set(None),
                variant_ids: Set(json!([])),
                expires_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
            coupons.insert(*code, row);
        }

        for (email, code) in self.affiliates {
            let customer =
                customers.get(email).ok_or_else(|| anyhow::anyhow!("demo affiliate {email} is no customer"))?;
            affiliate::ActiveModel {
                id: Set(Uuid::now_v7()),
                store_id: Set(store.id),
                customer_id: Set(customer.id),
                code: Set((*code).into()),
                return_percentage: Set(None),
                percentage_off: Set(None),
                balance_cents: Set(0),
                is_enabled: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }

        let mut first_orders = HashMap::new();
        for order in self.orders {
            let id = order.seed(txn, &store, owner, &customers, &variants_by_sku).await?;
            first_orders.entry(order.customer).or_insert(id);
        }
        if let (Some(shopper), Some((email, _, _))) = (shopper, self.customers.first()) {
            if let Some(customer) = customers.get(email) {
                shopper::seed(txn, &store, owner, shopper, customer, first_orders.get(email).copied()).await?;
            }
        }
        Ok(store)
    }

    async fn seed_options(&self, txn: &DatabaseTransaction, store_id: Uuid) -> anyhow::Result<()> {
        let now = Utc::now();
        store_brand_options::ActiveModel {
            id: Set(Uuid::now_v7()),
            store_id: Set(store_id),
            is_automatic_currency_conversion_enabled: Set(false),
            banner_file_name: Set(None),
            icon_file_name: Set(None),
            accent_color: Set(Some("#3b82f6".into())),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
        store_affiliate_options::ActiveModel {
            id: Set(Uuid::now_v7()),
            store_id: Set(store_id),
            is_enabled: Set(true),
            default_return_percentage: Set(10),
            is_public_registration_enabled: Set(false),
            is_link_editing_enabled: Set(true),
            can_convert_affiliate_balance: Set(true),
            default_percentage_off: Set(5),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
        store_notification_options::ActiveModel {
            id: Set(Uuid::now_v7()),
            store_id: Set(store_id),
            discord_webhook_url: Set(None),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
        Ok(())
    }
}

async fn seed_product(
    txn: &DatabaseTransaction,
    store: &store::Model,
    owner: &user::Model,
    demo: &DemoProduct,
    position: i32,
) -> anyhow::Result<product::Model> {
    let mut row = new_product(Uuid::now_v7(), store.id, Some(owner.id), demo.name, slugify(demo.name), position);
    row.description = Some(demo.description.into());
    row.visibility = demo.visibility;
    row.is_best_seller = demo.best_seller;
    row.image_names = json!([format!("{}.jpg", slugify(demo.name))]);
    Ok(row.into_active_model().insert(txn).await?)
}

/// A variant with the product's custom fields; a variant that asks questions also delivers a
/// care guide (a file registered from the loopback address by the owner).
async fn seed_variant(
    txn: &DatabaseTransaction,
    (product, owner): (&product::Model, &user::Model),
    demo: &DemoProduct,
    demo_variant: &catalog::DemoVariant,
    position: i32,
) -> anyhow::Result<variant::Model> {
    let now = Utc::now();
    let mut row = new_variant(
        Uuid::now_v7(),
        (product.id, product.store_id),
        demo_variant.name,
        Some(demo_variant.sku.into()),
        (demo_variant.cents, demo_variant.stock),
        position,
    );
    row.maximum_quantity = 10;
    row.delivery_message = Some("Thanks for your order! It ships within two working days.".into());
    let variant = row.into_active_model().insert(txn).await?;
    if !demo.fields.is_empty() {
        variant_file::Model {
            id: Uuid::now_v7(),
            variant_id: variant.id,
            friendly_name: format!("{} care guide.pdf", demo.name),
            ip_address: "127.0.0.1".into(),
            uploaded_by: Some(owner.id),
            created_at: now,
        }
        .into_active_model()
        .insert(txn)
        .await?;
    }
    for (field_position, demo_field) in (1..).zip(demo.fields) {
        let field = custom_field::ActiveModel {
            id: Set(Uuid::now_v7()),
            variant_id: Set(variant.id),
            label: Set(demo_field.label.into()),
            identifier: Set(demo_field.identifier.into()),
            field_type: Set(demo_field.field_type.into()),
            is_required: Set(demo_field.required),
            placeholder: Set(demo_field.placeholder.map(Into::into)),
            hint: Set(demo_field.hint.map(Into::into)),
            sort_order: Set(field_position),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
        for (option_position, label) in (0..).zip(demo_field.options) {
            custom_field_option::ActiveModel {
                id: Set(Uuid::now_v7()),
                custom_field_id: Set(field.id),
                label: Set((*label).into()),
                value: Set(slugify(label)),
                sort_order: Set(option_position),
                created_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(variant)
}
