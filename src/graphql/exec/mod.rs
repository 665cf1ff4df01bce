//! How a request runs: the [`engine`] (validation and cost limits first, then the hook-free or the
//! per-field-checked schema), the authorization [`policy`] read from the SDL's directives, the
//! [`cost`] measurement and limits, and the one check of [`text_input`] for control characters.

pub mod cost;
pub mod engine;
pub mod policy;
pub mod text_input;
