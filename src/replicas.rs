//! What replicas of one deployment tell each other. On PostgreSQL every process listens on the
//! [`signals`](crate::db::signals) channel: every replica's committed events (this one's too)
//! wake this one's delivery worker and go to its subscriptions in commit order, and an ended session, a revoked key or a user's changed stores
//! drop this replica's cached copy within moments instead of after the caches' 30 s. While the
//! listening connection is down (and when it comes back) nothing can be trusted to have been
//! heard, so every cached credential is dropped and the worker looks for work.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{DatabaseConnection, DbBackend};

use crate::auth::authenticator::Authenticator;
use crate::db::signals::{Signal, CHANNEL};
use crate::live::Hub;
use tokio::sync::Notify;

/// How long to wait before listening again after the connection failed.
const RETRY: Duration = Duration::from_secs(1);

/// Acts on other replicas' signals until the process ends; returns at once on SQLite.
pub async fn listen(db: DatabaseConnection, auth: Arc<Authenticator>, wake: Arc<Notify>, hub: Arc<Hub>) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let pool = db.get_postgres_connection_pool().clone();
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for other replicas' signals; retrying");
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(CHANNEL).await {
            tracing::warn!(%error, "cannot listen for other replicas' signals; retrying");
            tokio::time::sleep(RETRY).await;
            continue;
        }
        missed(&auth, &wake);
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => act(&auth, &wake, &hub, Signal::decode(notification.payload())),
                // The connection dropped and came back: signals in between are lost.
                Ok(None) => missed(&auth, &wake),
                Err(error) => {
                    tracing::warn!(%error, "lost the signal channel; listening again");
                    break;
                }
            }
        }
        missed(&auth, &wake);
        tokio::time::sleep(RETRY).await;
    }
}

fn act(auth: &Authenticator, wake: &Notify, hub: &Hub, signal: Option<Signal>) {
    match signal {
        Some(Signal::EventRecorded(id)) => {
            wake.notify_one();
            hub.heard(id);
        }
        Some(Signal::SessionEnded(session)) => auth.end_session(session),
        Some(Signal::KeyChanged(hash)) => auth.forget_key(&hash),
        Some(Signal::StoresChanged(user)) => auth.forget_tenancy(user),
        None => tracing::warn!("ignored a malformed signal"),
    }
}

fn missed(auth: &Authenticator, wake: &Notify) {
    auth.forget_everything();
    wake.notify_one();
}
