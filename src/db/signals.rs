//! Signals between gateway replicas over PostgreSQL `LISTEN`/`NOTIFY`: an event was recorded
//! (wake the delivery worker), a session ended, a key was revoked, a user's stores changed
//! (drop the cached credential or tenancy). [`send`] inside a transaction is delivered when it
//! commits, to every replica including the sender; on SQLite (one process) it does nothing and
//! the process acts on its own changes directly.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use uuid::Uuid;

/// The channel every replica listens on.
pub const CHANNEL: &str = "commerce_gateway";

/// What one replica tells the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// An event was committed (by id; its body is in the outbox): fan it out.
    EventRecorded(Uuid),
    /// A login session ended (logout, a reused refresh token).
    SessionEnded(Uuid),
    /// An API key was revoked or its access changed (by the SHA-256 of its secret, never the
    /// secret).
    KeyChanged(String),
    /// A user's stores changed (one created or deleted).
    StoresChanged(Uuid),
}

impl Signal {
    fn encode(&self) -> String {
        match self {
            Self::EventRecorded(id) => format!("event:{id}"),
            Self::SessionEnded(id) => format!("session:{id}"),
            Self::KeyChanged(hash) => format!("key:{hash}"),
            Self::StoresChanged(user) => format!("stores:{user}"),
        }
    }

    /// The signal a notification's payload carries, if it is one.
    pub fn decode(payload: &str) -> Option<Self> {
        match payload.split_once(':') {
            Some(("event", id)) => Uuid::parse_str(id).ok().map(Self::EventRecorded),
            Some(("session", id)) => Uuid::parse_str(id).ok().map(Self::SessionEnded),
            Some(("key", hash)) if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Some(Self::KeyChanged(hash.to_owned()))
            }
            Some(("stores", user)) => Uuid::parse_str(user).ok().map(Self::StoresChanged),
            _ => None,
        }
    }
}

/// Tells every replica `signal` (when `db`'s transaction commits, if it is one). Nothing on
/// SQLite.
pub async fn send<C: ConnectionTrait>(db: &C, signal: Signal) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let statement = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), signal.encode().into()],
    );
    db.execute_raw(statement).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_survive_the_wire_and_junk_is_ignored() {
        let user = Uuid::now_v7();
        for signal in [
            Signal::EventRecorded(user),
            Signal::SessionEnded(user),
            Signal::KeyChanged("ab".repeat(32)),
            Signal::StoresChanged(user),
        ] {
            assert_eq!(Signal::decode(&signal.encode()), Some(signal));
        }
        for junk in ["", "event", "event:1", "key:secret", "session:nope", "stores:", "other:1"] {
            assert_eq!(Signal::decode(junk), None, "{junk}");
        }
    }
}
