//! The catalog on GraphQL: stores, categories, products, variants, custom fields and options —
//! their types, the storefront product lists, and the mutations (which call `domain`).

pub mod category;
pub mod category_mutations;
pub mod custom_field_mutations;
pub mod product;
pub mod product_list;
pub mod product_mutations;
pub mod review;
pub mod review_mutations;
pub mod store;
pub mod store_mutations;
pub mod store_options;
pub mod variant_file;
pub mod variant_mutations;
