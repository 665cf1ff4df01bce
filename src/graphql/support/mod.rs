//! Support on GraphQL: tickets between a store and its customers, their messages, and the
//! mutations that open, answer, close, archive and delete them (which call `domain::tickets`).

pub mod ticket;
pub mod ticket_mutations;
