//! Passwords of the built-in accounts (argon2id), and the brake on guessing them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::domain::Invalid;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 200;

/// The least zxcvbn score a new password needs (3 of 4: "safely unguessable", about 10^8
/// guesses and more; the list of common passwords, keyboard runs, repeats, years and dates,
/// and the account's own names count against it).
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// Words Swedish staff build easy passwords from, which zxcvbn's English lists lack: counted
/// as guessed first, as zxcvbn counts the account's own names.
const SWEDISH_WORDS: [&str; 40] = [
    "lösenord",
    "losenord",
    "hemligt",
    "hemlig",
    "välkommen",
    "valkommen",
    "sommar",
    "vinter",
    "våren",
    "varen",
    "hösten",
    "hosten",
    "borås",
    "boras",
    "göteborg",
    "goteborg",
    "sverige",
    "stockholm",
    "kontaktnav",
    "vårdcentral",
    "vardcentral",
    "närhälsan",
    "narhalsan",
    "hemtjänst",
    "hemtjanst",
    "socialtjänst",
    "kommunen",
    "regionen",
    "kärlek",
    "karlek",
    "fotboll",
    "januari",
    "februari",
    "augusti",
    "december",
    "måndag",
    "fredag",
    "hejsan",
    "katten",
    "hunden",
];

/// The rules of a new password for account `username` (named `display_name`): 12–200
/// characters, more than white space, not the user name, and not easy to guess (zxcvbn: not a
/// common password, no keyboard run, no repeat, not built of the account's own names).
/// The length is the password's form (400); the rest are rules (422).
pub fn check_password(password: &str, username: &str, display_name: &str) -> Result<(), Invalid> {
    let chars = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        return Err(Invalid::new(
            format!("lösenordet ska ha {MIN_PASSWORD_CHARS}–{MAX_PASSWORD_CHARS} tecken"),
            format!("the password must have {MIN_PASSWORD_CHARS}–{MAX_PASSWORD_CHARS} characters"),
        ));
    }
    if password.trim().is_empty() {
        return Err(Invalid::rule(
            "lösenordet får inte vara bara mellanslag",
            "the password must not be white space only",
        ));
    }
    let folded = password.trim().to_lowercase();
    if folded == username.trim().to_lowercase() || folded == display_name.trim().to_lowercase() {
        return Err(Invalid::rule(
            "lösenordet får inte vara användarnamnet eller kontots namn",
            "the password must not be the user name or the account's name",
        ));
    }
    let mut known: Vec<&str> = vec![username, display_name];
    known.extend(SWEDISH_WORDS);
    let estimate = zxcvbn::zxcvbn(password, &known);
    if estimate.score() < MIN_SCORE {
        return Err(Invalid::rule(
            "lösenordet är för lätt att gissa (ett vanligt lösenord, en tangentföljd, upprepningar eller kontots eget namn); välj till exempel fyra ord som inte hör ihop",
            "the password is too easy to guess (a common password, a keyboard run, repeats or the account's own name); choose, say, four words that do not belong together",
        ));
    }
    Ok(())
}

/// Checks the password rules (see [`check_password`]), then hashes (argon2id, random salt,
/// PHC string).
pub fn hash_password(password: &str, username: &str, display_name: &str) -> Result<String, Invalid> {
    check_password(password, username, display_name)?;
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

/// The brake on guessing passwords. Every attempt is counted *before* its password is
/// checked (so parallel guesses count too) against three keys: the client and user name
/// together ([`MAX_FAILURES`] in [`WINDOW`]), the client alone ([`MAX_CLIENT_FAILURES`],
/// over all user names), and the user name alone ([`MAX_ACCOUNT_FAILURES`], from any
/// address: guesses spread over many addresses or a forged `X-Forwarded-For` still stop).
/// The price of the last key: someone who knows a user name can keep that account from
/// signing in with its password for a while (a token from the identity provider still works).
/// Reaching a limit locks that key for [`LOCKOUT`], even for the right
/// password. A right password takes back only its own attempt: signing in to one's own
/// account does not reset the count of guesses at another.
#[derive(Debug)]
pub struct LoginThrottle {
    entries: Mutex<HashMap<String, Failures>>,
    /// Password checks running at once (each takes ~19 MiB and a core for a moment).
    pub checks: tokio::sync::Semaphore,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            entries: Mutex::default(),
            checks: tokio::sync::Semaphore::new(CONCURRENT_CHECKS),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    since: Instant,
    locked_until: Option<Instant>,
}

pub const MAX_FAILURES: u32 = 5;
pub const MAX_CLIENT_FAILURES: u32 = 20;
pub const MAX_ACCOUNT_FAILURES: u32 = 20;
const WINDOW: Duration = Duration::from_secs(15 * 60);
const LOCKOUT: Duration = Duration::from_secs(15 * 60);
const CONCURRENT_CHECKS: usize = 4;
/// Keys remembered at most; beyond this, expired entries go, then all but locked ones.
const MAX_ENTRIES: usize = 10_000;

/// One counted attempt, to be taken back if the password was right.
#[derive(Debug)]
pub struct Attempt {
    client: String,
    pair: String,
    account: String,
}

impl LoginThrottle {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        // A poisoned map is still a valid map.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts an attempt by `client` at `username`; `Err(wait)` while either key is locked.
    pub fn begin(&self, client: &str, username: &str) -> Result<Attempt, Duration> {
        let now = Instant::now();
        let attempt = Attempt {
            client: format!("client:{client}"),
            pair: format!("pair:{client}:{username}"),
            account: format!("account:{username}"),
        };
        let mut entries = self.entries();
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, f| {
                f.locked_until.is_some_and(|u| u > now) || now.duration_since(f.since) < WINDOW
            });
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, f| f.locked_until.is_some_and(|u| u > now));
            }
        }
        let keys = [
            (&attempt.client, MAX_CLIENT_FAILURES),
            (&attempt.pair, MAX_FAILURES),
            (&attempt.account, MAX_ACCOUNT_FAILURES),
        ];
        for (key, _) in keys {
            if let Some(until) = entries.get(key).and_then(|f| f.locked_until).filter(|u| *u > now) {
                return Err(until - now);
            }
        }
        for (key, limit) in keys {
            let entry = entries.entry(key.clone()).or_insert(Failures {
                count: 0,
                since: now,
                locked_until: None,
            });
            if now.duration_since(entry.since) > WINDOW {
                *entry = Failures {
                    count: 0,
                    since: now,
                    locked_until: None,
                };
            }
            entry.count += 1;
            if entry.count >= limit {
                entry.locked_until = Some(now + LOCKOUT);
            }
        }
        Ok(attempt)
    }

    /// The lock an attempt's keys are under now, if any (answer 429 rather than 401).
    pub fn locked(&self, attempt: &Attempt) -> Option<Duration> {
        let now = Instant::now();
        let entries = self.entries();
        [&attempt.client, &attempt.pair, &attempt.account]
            .into_iter()
            .filter_map(|k| entries.get(k).and_then(|f| f.locked_until))
            .filter(|u| *u > now)
            .max()
            .map(|u| u - now)
    }

    /// The password was right: this attempt does not count.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut entries = self.entries();
        entries.remove(&attempt.pair);
        for (key, limit) in [
            (&attempt.client, MAX_CLIENT_FAILURES),
            (&attempt.account, MAX_ACCOUNT_FAILURES),
        ] {
            if let Some(entry) = entries.get_mut(key) {
                entry.count = entry.count.saturating_sub(1);
                if entry.count < limit {
                    entry.locked_until = None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("rätt häst batteri", "anna", "Anna").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("rätt häst batteri", Some(&hash)));
        assert!(!verify_password("fel häst batteri", Some(&hash)));
        assert!(!verify_password("rätt häst batteri", None));
        assert!(hash_password("kort", "anna", "Anna").is_err());
    }

    /// What the hostile test had accepted, and what the rules let through.
    #[test]
    fn easy_passwords_are_refused_and_long_unusual_ones_taken() {
        for (password, why) in [
            ("aaaaaaaaaaaa", "a repeat"),
            ("123456789012", "a run of digits"),
            ("password1234", "a common password"),
            ("qwertyuiopås", "a keyboard run"),
            ("            ", "white space"),
            ("redaktor.vaf", "the user name"),
            ("Redaktör VÄF", "the account's name"),
            ("redaktor.vaf2026", "the user name and a year"),
            ("lösenord1234", "a common word and a run"),
            ("kort", "too short"),
        ] {
            assert!(
                check_password(password, "redaktor.vaf", "Redaktör VÄF").is_err(),
                "{why}: {password:?}"
            );
        }
        for password in [
            "ett långt lösenord",
            "rätt häst batteri",
            "rätt lösenord här",
            "ett langt testlosenord",
        ] {
            assert_eq!(
                check_password(password, "redaktor.vaf", "Redaktör VÄF"),
                Ok(()),
                "{password}"
            );
        }
    }

    #[test]
    fn the_throttle_locks_a_user_name_and_a_client() {
        let t = LoginThrottle::default();
        for _ in 1..MAX_FAILURES {
            let a = t.begin("10.0.0.1", "admin").unwrap();
            assert!(t.locked(&a).is_none());
        }
        let fifth = t.begin("10.0.0.1", "admin").unwrap();
        assert!(t.locked(&fifth).is_some());
        assert!(t.begin("10.0.0.1", "admin").is_err());
        // Signing in to one's own account takes back only that attempt.
        let own = t.begin("10.0.0.1", "anna").unwrap();
        t.succeeded(own);
        assert!(t.begin("10.0.0.1", "admin").is_err());
        // Another client is not affected ...
        assert!(t.begin("10.0.0.2", "admin").is_ok());
        // ... but one client guessing across many names is stopped too.
        let mut refused = false;
        for n in 0..MAX_CLIENT_FAILURES {
            refused |= t.begin("10.0.0.3", &format!("user{n}")).is_err();
        }
        assert!(!refused);
        assert!(t.begin("10.0.0.3", "someone").is_err());
        // One user name guessed from ever new addresses is stopped at its own limit.
        let mut refused_at = None;
        for n in 0..=MAX_ACCOUNT_FAILURES {
            if t.begin(&format!("192.0.2.{n}"), "kim").is_err() {
                refused_at = Some(n);
                break;
            }
        }
        assert_eq!(refused_at, Some(MAX_ACCOUNT_FAILURES));
    }
}
