//! Password hashing with Argon2id at OWASP's minimum parameters (19 MiB, 2 passes, 1 lane),
//! run on the blocking pool so hashing never stalls the async workers, one hash per CPU core at
//! a time.

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("cannot encode a salt: {e}"))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// Turns to hash: one per core. Each hash holds 19 MiB while it runs and more at once than the
/// cores finish no sooner, so a flood of logins waits here instead of taking a blocking thread
/// and its memory apiece (the blocking pool grows to 512 threads: 9.5 GiB).
fn turns() -> &'static Semaphore {
    static TURNS: OnceLock<Semaphore> = OnceLock::new();
    TURNS.get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)))
}

/// Runs `work` (a hash) on the blocking pool when a turn is free.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    let _turn = turns().acquire().await?;
    Ok(tokio::task::spawn_blocking(work).await?)
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub async fn hash(password: &str) -> anyhow::Result<String> {
    let password = password.to_owned();
    hashing(move || hash_blocking(&password)).await?
}

/// Checks a password against a stored hash. With no stored hash (unknown user) it checks against
/// a dummy hash of the same cost, so both cases take the same time and reveal nothing.
pub async fn verify(password: &str, stored: Option<String>) -> bool {
    let password = password.to_owned();
    let known = stored.is_some();
    let matches = hashing(move || {
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        PasswordHash::new(&stored).is_ok_and(|hash| hasher().verify_password(password.as_bytes(), &hash).is_ok())
    })
    .await
    .unwrap_or(false);
    known && matches
}

/// A hash of a random password, made once, for [`verify`] of unknown users.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&uuid::Uuid::new_v4().to_string()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_hash_waits_for_a_free_turn() {
        let stored = hash("correct horse").await.expect("hash");
        assert!(verify("correct horse", Some(stored.clone())).await);
        assert!(!verify("wrong horse", Some(stored.clone())).await);
        assert!(!verify("correct horse", None).await, "an unknown user never matches");

        let every_turn = turns().acquire_many(turns().available_permits() as u32).await.expect("open");
        let waiting = tokio::spawn(async move { verify("correct horse", Some(stored)).await });
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!waiting.is_finished(), "no hash ran while every turn was taken");
        drop(every_turn);
        assert!(waiting.await.expect("joined"), "it ran once a turn was free");
    }
}
