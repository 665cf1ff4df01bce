//! Where a request comes from: the peer, or behind a trusted proxy the nearest address of
//! `X-Forwarded-For` that is not one. Rate limits key anonymous callers by it, and what a caller
//! uploads records it (a variant file's `ipAddress`).

use std::net::IpAddr;

use axum::http::HeaderMap;

/// The address a request came from, as the HTTP layer found it (a request extension, and data of
/// the GraphQL request it runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// The client of a request from `peer` with `headers`, believing the `X-Forwarded-For` of
    /// the proxies in `trusted`.
    pub fn of(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> Self {
        if !trusted.contains(&peer) {
            return Self(peer);
        }
        let hops: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|hop| hop.trim().parse().ok())
            .collect();
        Self(hops.into_iter().rev().find(|hop| !trusted.contains(hop)).unwrap_or(peer))
    }
}
