//! How a request runs: the [`engine`] (validation and cost limits first, then the hook-free or the
//! per-field-checked schema), the authorization [`policy`] read from the SDL's directives, the
//! [`cost`] measurement and limits, the one check of [`text_input`] for control characters, and
//! the specification's propagation of [`nulls`] that async-graphql leaves out.

pub mod cost;
pub mod engine;
pub mod nulls;
pub mod policy;
pub mod text_input;
