//! Opaque secrets (API keys, refresh tokens, webhook secrets): a recognisable prefix plus random
//! bytes, stored only as a SHA-256 hash. Their entropy makes a slow hash unnecessary.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new secret: `prefix` followed by `bytes` random bytes, base64url-encoded.
pub fn generate(prefix: &str, bytes: usize) -> String {
    let mut random = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut random);
    format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random))
}

/// SHA-256 of a secret, hex-encoded: what the database keeps.
pub fn hash(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_hashed() {
        let (a, b) = (generate("cgk_", 24), generate("cgk_", 24));
        assert!(a.starts_with("cgk_"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 32);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), hash(&b));
    }
}
