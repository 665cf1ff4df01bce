//! Reading in batches: generic [`loaders`] (one statement per level of a nested query),
//! Relay [`pagination`] with signed cursors, and text [`search`] conditions.

pub mod loaders;
pub mod pagination;
pub mod search;
