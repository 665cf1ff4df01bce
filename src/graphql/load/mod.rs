//! Reading in batches: generic [`loaders`] (one statement per level of a nested query),
//! the lazily made [`engagement`] loaders, Relay [`pagination`] with signed cursors, the [`plan`] that hands a level's keys to its loaders
//! at once, and text [`search`] conditions.

pub mod engagement;
pub mod loaders;
pub mod pagination;
pub mod plan;
pub mod search;
