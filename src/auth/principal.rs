//! Who is calling, and what they may see and do. Built once per request by the
//! [`Authenticator`](super::authenticator::Authenticator); read by the GraphQL policy and by
//! resolvers for tenancy.

use std::collections::HashSet;
use std::sync::Arc;

use uuid::Uuid;

/// The caller of one request.
#[derive(Clone, Debug, Default)]
pub enum Principal {
    /// No credential was presented.
    #[default]
    Anonymous,
    /// A verified session or API key.
    Authenticated(Arc<Access>),
}

/// How the caller proved who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Credential {
    /// A login session (access token), by session id.
    Session(Uuid),
    /// An API key, by key id.
    ApiKey(Uuid),
    /// The gateway itself acting for a user (demo seeding, rendering webhook payloads).
    Gateway,
}

/// What a verified caller may see and do.
#[derive(Clone, Debug)]
pub struct Access {
    pub user_id: Uuid,
    pub credential: Credential,
    /// Scopes held (canonical names from [`super::scope::ALL`]).
    pub scopes: HashSet<&'static str>,
    /// Stores the caller may see; every other store answers as if it did not exist.
    pub stores: HashSet<Uuid>,
    /// For customer sessions: the customer records that are the caller's own (orders are
    /// limited to these). Empty for merchants.
    pub customers: HashSet<Uuid>,
    /// An API key limited to some stores: it may not act for the whole account (e.g. register
    /// a webhook for every store, including stores created later).
    pub store_limited: bool,
}

impl Access {
    /// Whether this is a customer session (limited to its own orders and public products).
    pub fn is_customer(&self) -> bool {
        !self.customers.is_empty()
    }
}

impl Principal {
    /// The gateway acting for `user_id` with every scope in `store_id` (it renders a store's
    /// events for the store's owner).
    pub fn gateway_for(user_id: Uuid, store_id: Uuid) -> Self {
        Self::Authenticated(Arc::new(Access {
            user_id,
            credential: Credential::Gateway,
            scopes: super::scope::ALL.iter().copied().collect(),
            stores: HashSet::from([store_id]),
            customers: HashSet::new(),
            store_limited: true,
        }))
    }

    /// The gateway acting as `customer_id`, a customer of `store_id` whose login is `user_id`
    /// (demo seeding writes the customer's side of a conversation).
    pub fn gateway_as_customer(user_id: Uuid, store_id: Uuid, customer_id: Uuid) -> Self {
        Self::Authenticated(Arc::new(Access {
            user_id,
            credential: Credential::Gateway,
            scopes: super::scope::CUSTOMER.iter().copied().collect(),
            stores: HashSet::from([store_id]),
            customers: HashSet::from([customer_id]),
            store_limited: true,
        }))
    }

    pub fn access(&self) -> Option<&Access> {
        match self {
            Self::Anonymous => None,
            Self::Authenticated(access) => Some(access),
        }
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.access().is_some_and(|a| a.scopes.contains(scope))
    }

    /// The user of a login session (not an API key).
    pub fn session_user(&self) -> Option<Uuid> {
        self.access().filter(|a| matches!(a.credential, Credential::Session(_))).map(|a| a.user_id)
    }
}
