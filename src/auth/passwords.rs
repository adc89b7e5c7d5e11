//! Passwords of the built-in accounts (argon2id), and the brake on guessing them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::domain::Invalid;

const MIN_PASSWORD_CHARS: usize = 10;
const MAX_PASSWORD_CHARS: usize = 200;

/// Checks the password rules, then hashes (argon2id, random salt, PHC string).
pub fn hash_password(password: &str) -> Result<String, Invalid> {
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        return Err(Invalid::new(
            format!("lösenordet ska ha {MIN_PASSWORD_CHARS}–{MAX_PASSWORD_CHARS} tecken"),
            format!("the password must have {MIN_PASSWORD_CHARS}–{MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| {
            Invalid::new(
                format!("lösenordet kunde inte hashas: {e}"),
                format!("the password could not be hashed: {e}"),
            )
        })
}

/// A hash of a password nobody knows: checked for unknown user names too, so that the answer
/// takes as long whether the account exists or not.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Xi4uG7U8hyQz3b1y0eJ8Nw2cP9x3rBwUZr0iV1k3kJk";

/// True when `password` matches the stored hash (`None`: no such account, still costs a check).
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let hash = stored.unwrap_or(DUMMY_HASH);
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && stored.is_some()
}

/// Failed sign-ins per client: after [`MAX_FAILURES`] within [`WINDOW`], the client is refused
/// for [`LOCKOUT`], even with the right password.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    clients: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    since: Instant,
    locked_until: Option<Instant>,
}

pub const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);
const LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// Clients remembered at most; the oldest entries are dropped beyond this.
const MAX_CLIENTS: usize = 10_000;

impl LoginThrottle {
    fn clients(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        // A poisoned map is still a valid map.
        self.clients.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `Err(wait)` while the client is locked out.
    pub fn check(&self, client: &str) -> Result<(), Duration> {
        let now = Instant::now();
        match self.clients().get(client).and_then(|f| f.locked_until) {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// Counts a failure; returns the lockout if this one started it.
    pub fn failed(&self, client: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut clients = self.clients();
        if clients.len() >= MAX_CLIENTS {
            clients.retain(|_, f| {
                now.duration_since(f.since) < WINDOW || f.locked_until.is_some_and(|u| u > now)
            });
        }
        let entry = clients.entry(client.to_owned()).or_insert(Failures {
            count: 0,
            since: now,
            locked_until: None,
        });
        if now.duration_since(entry.since) > WINDOW && entry.locked_until.is_none_or(|u| u <= now) {
            *entry = Failures {
                count: 0,
                since: now,
                locked_until: None,
            };
        }
        entry.count += 1;
        if entry.count >= MAX_FAILURES {
            entry.locked_until = Some(now + LOCKOUT);
            return Some(LOCKOUT);
        }
        None
    }

    pub fn succeeded(&self, client: &str) {
        self.clients().remove(client);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("rätt häst batteri").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("rätt häst batteri", Some(&hash)));
        assert!(!verify_password("fel häst batteri", Some(&hash)));
        assert!(!verify_password("rätt häst batteri", None));
        assert!(hash_password("kort").is_err());
    }

    #[test]
    fn the_throttle_locks_after_repeated_failures() {
        let t = LoginThrottle::default();
        for _ in 1..MAX_FAILURES {
            assert!(t.failed("a").is_none());
            assert!(t.check("a").is_ok());
        }
        assert!(t.failed("a").is_some());
        assert!(t.check("a").is_err());
        assert!(t.check("b").is_ok());
    }
}
