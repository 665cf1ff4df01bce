//! Integration tests: each starts the real server on 127.0.0.1:0 against a fresh database
//! (a SQLite file, or a new PostgreSQL database when `TEST_DATABASE_URL` is set) and speaks HTTP.

mod api_keys;
mod catalog_graph;
mod catalog_mutations;
mod catalog_validation;
mod cli;
mod control_characters;
mod customers_coupons;
mod demo;
mod graphql_ws_client;
mod hardening;
mod health;
mod helpers;
mod http_surface;
mod merchant_only;
mod migrations;
mod orders;
mod policy;
mod product_lists;
mod query_cost;
mod rate_limits;
mod replicas;
mod rest_commerce;
mod rest_komerza;
mod rest_walls;
mod scale;
mod schema;
mod secrets_at_rest;
mod seed_examples;
mod sessions;
mod shared_rate_limits;
mod subscriptions;
mod tenancy;
mod variables;
mod webhooks;
