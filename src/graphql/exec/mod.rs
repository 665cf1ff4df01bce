//! How a request runs: the [`engine`] (validation and cost limits first, then the hook-free or the
//! per-field-checked schema), the authorization [`policy`] read from the SDL's directives, the
//! [`cost`] measurement and limits, the checks of argument values ([`coercion`]) and of their
//! text ([`text_input`]) before execution, and the specification's propagation of [`nulls`] that
//! async-graphql leaves out, both read from the SDL's [`types`].

pub mod coercion;
pub mod cost;
pub mod documents;
pub mod engine;
pub mod nulls;
pub mod policy;
pub mod text_input;
pub mod types;
