//! commerce-gateway: a GraphQL gateway (with a REST compatibility shim) over a multi-tenant
//! commerce domain. See README.md for the architecture; each module says what it holds.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod domain;
pub mod egress;
pub mod error;
pub mod graphql;
pub mod http;
pub mod limits;
pub mod live;
pub mod replicas;
pub mod rest;
pub mod startup;
pub mod telemetry;
