//! Reading in batches: generic [`loaders`] (one statement per level of a nested query),
//! the [`occasional`] loaders made on first use, Relay [`pagination`] with signed cursors, the [`plan`] that hands a level's keys to its loaders
//! at once, and text [`search`] conditions.

pub mod loaders;
pub mod occasional;
pub mod pagination;
pub mod plan;
pub mod search;
