//! Bearer tokens (JWT, jsonwebtoken). Two ways to trust one, both may be on at once:
//!
//! * **standalone**: the service signs its own tokens (HS256 with a secret of at least 32
//!   bytes) for its built-in accounts (`POST /v1/auth/token`) and for `kontaktnav token`;
//! * **external identity provider**: tokens signed by the provider's keys (PEM files or a JWKS
//!   file; RS256, ES256, EdDSA and relatives), with the provider's `iss` and `aud`.
//!
//! The key that may verify a token is chosen by the token's `alg` (and `kid`), and each key is
//! tied to exactly one algorithm: an HS256 token is only ever checked against the service's own
//! secret, never against a provider's public key, so algorithm confusion is impossible. `alg:
//! none` is not an algorithm here at all. `exp`, `iss`, `aud` and `sub` are required; `exp`
//! and `nbf` are checked with a small leeway.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::{ArgAction, Args};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::User;
use crate::domain::Role;
use crate::error::AppError;

/// Settings of authentication.
#[derive(Debug, Clone, Args)]
pub struct AuthSettings {
    /// Issue and accept the service's own tokens (built-in accounts, `kontaktnav token`).
    #[arg(long, env = "LOCAL_AUTH", default_value_t = true, action = ArgAction::Set, global = true)]
    pub local_auth: bool,
    /// The secret that signs the service's own tokens (at least 32 characters). Overrides
    /// `AUTH_SECRET_FILE`; give every instance the same one.
    #[arg(long, env = "AUTH_SECRET", hide_env_values = true, global = true)]
    pub auth_secret: Option<String>,
    /// File holding the signing secret; created with a random secret if missing.
    #[arg(
        long,
        env = "AUTH_SECRET_FILE",
        default_value = "data/auth-secret",
        global = true
    )]
    pub auth_secret_file: PathBuf,
    /// `iss` of the service's own tokens.
    #[arg(long, env = "AUTH_ISSUER", default_value = "kontaktnav", global = true)]
    pub auth_issuer: String,
    /// `aud` of the service's own tokens.
    #[arg(long, env = "AUTH_AUDIENCE", default_value = "kontaktnav", global = true)]
    pub auth_audience: String,
    /// Lifetime of tokens from `POST /v1/auth/token`, e.g. `60m`, `8h`.
    #[arg(long, env = "TOKEN_TTL", default_value = "60m", value_parser = parse_ttl, global = true)]
    pub token_ttl: Duration,
    /// A web session (signed in on the pages with a built-in account) ends after this long
    /// without a page being used, e.g. `60m`; each use renews it.
    #[arg(long, env = "SESSION_IDLE", default_value = "60m", value_parser = parse_ttl, global = true)]
    pub session_idle: Duration,
    /// …and in any case this long after signing in (a working day), e.g. `10h`.
    #[arg(long, env = "SESSION_MAX", default_value = "10h", value_parser = parse_ttl, global = true)]
    pub session_max: Duration,
    /// `iss` of an external identity provider; turns on trust in its tokens.
    #[arg(long, env = "IDP_ISSUER", global = true)]
    pub idp_issuer: Option<String>,
    /// `aud` that the identity provider's tokens must carry for this service.
    #[arg(long, env = "IDP_AUDIENCE", global = true)]
    pub idp_audience: Option<String>,
    /// The provider's public keys: comma-separated PEM files and/or JWKS files (`.json`).
    #[arg(long, env = "IDP_KEYS", value_delimiter = ',', global = true)]
    pub idp_keys: Vec<PathBuf>,
    /// Allowed clock skew for `exp` and `nbf`, in seconds (at most 10: a token is refused at
    /// most that long after its `exp`; RFC 9068 and OpenID Connect ask for "a few minutes" at
    /// most, and a signed-out or expired session should end at once).
    #[arg(long, env = "AUTH_LEEWAY_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=10), global = true)]
    pub auth_leeway_seconds: u64,
    /// Let callers without a token read (they see `public` numbers only).
    #[arg(long, env = "ANONYMOUS_READ", default_value_t = false, action = ArgAction::Set, global = true)]
    pub anonymous_read: bool,
    /// Behind a reverse proxy: take the client's address (for the brake on failed sign-ins)
    /// from what the proxies append to `X-Forwarded-For`, and the page's own origin from
    /// `X-Forwarded-Host`/`-Proto`. Off, those headers are ignored (a client can write them).
    #[arg(long, env = "TRUST_FORWARDED_FOR", default_value_t = false, action = ArgAction::Set, global = true)]
    pub trust_forwarded_for: bool,
    /// How many proxies in front of the service append to `X-Forwarded-For` (nginx's
    /// `$proxy_add_x_forwarded_for`). The client is the entry that many places from the right;
    /// entries further left were written by the client and are never read.
    #[arg(long, env = "TRUSTED_PROXY_HOPS", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=16), global = true)]
    pub trusted_proxy_hops: u8,
    /// The proxies' own addresses (IPs or CIDR ranges, comma-separated; the safer setting, and
    /// it implies `TRUST_FORWARDED_FOR`): forwarded headers count only on connections from
    /// them, and the client is the right-most `X-Forwarded-For` entry that is not one of them
    /// (as nginx's `set_real_ip_from` with `real_ip_recursive`).
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    pub trusted_proxies: Vec<String>,
}

impl AuthSettings {
    /// The defaults, with the service's own tokens signed by the secret in `secret_file`.
    pub fn standalone(secret_file: PathBuf) -> Self {
        Self {
            local_auth: true,
            auth_secret: None,
            auth_secret_file: secret_file,
            auth_issuer: "kontaktnav".into(),
            auth_audience: "kontaktnav".into(),
            token_ttl: Duration::from_secs(3600),
            session_idle: Duration::from_secs(3600),
            session_max: Duration::from_secs(10 * 3600),
            idp_issuer: None,
            idp_audience: None,
            idp_keys: Vec::new(),
            auth_leeway_seconds: 5,
            anonymous_read: false,
            trust_forwarded_for: false,
            trusted_proxy_hops: 1,
            trusted_proxies: Vec::new(),
        }
    }
}

/// `90s`, `30m`, `8h`, `7d`: between one second and 366 days.
pub fn parse_ttl(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let split = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("'{raw}' is not a duration like 90s, 30m, 8h or 7d"))?;
    let seconds = match unit {
        "s" => n,
        "m" | "" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(format!("'{raw}': the unit must be s, m, h or d")),
    };
    if !(1..=366 * 86_400).contains(&seconds) {
        return Err(format!("'{raw}' must be between 1 second and 366 days"));
    }
    Ok(Duration::from_secs(seconds))
}

/// The claims kontaktnav reads from any token (`exp`, `iss`, `aud` are checked by the
/// validation and not needed here).
#[derive(Debug, Clone, Deserialize)]
struct TokenClaims {
    sub: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    orgs: Vec<String>,
    iss: String,
    /// The account version, in tokens from signing in with a built-in account.
    #[serde(default)]
    ver: Option<i64>,
    #[serde(default)]
    iat: Option<u64>,
    /// Required (the validation refuses a token without it, with its own message).
    #[serde(default)]
    exp: u64,
    /// When a web session signed in (OpenID Connect's claim); only the service's own session
    /// tokens carry it, and only they are renewed.
    #[serde(default)]
    auth_time: Option<u64>,
    /// A web session's id, the same through its renewals (its CSRF token is made from it). A
    /// name of the service's own, not OpenID Connect's `sid`, which other services may know.
    #[serde(default, rename = "kn_sid")]
    sid: Option<String>,
}

/// The claims of a token the service issues.
#[derive(Debug, Serialize)]
struct IssuedClaims<'a> {
    iss: &'a str,
    aud: &'a str,
    sub: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    role: Role,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    orgs: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    ver: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_time: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "kn_sid")]
    sid: Option<&'a str>,
    iat: u64,
    nbf: u64,
    exp: u64,
    jti: String,
}

#[derive(Debug)]
struct TrustedKey {
    algorithm: Algorithm,
    kid: Option<String>,
    key: DecodingKey,
    issuer: String,
    audience: String,
}

/// The service's own signing key.
struct LocalIssuer {
    encoding: EncodingKey,
    issuer: String,
    audience: String,
    ttl: Duration,
    session_idle: Duration,
    session_max: Duration,
}

impl std::fmt::Debug for LocalIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalIssuer")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711`, `2001:db8::1`.
fn forwarded_ip(entry: &str) -> Option<std::net::IpAddr> {
    entry
        .parse()
        .ok()
        .or_else(|| entry.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
}

/// Verifies tokens and, in standalone mode, issues them.
#[derive(Debug)]
pub struct Auth {
    local: Option<LocalIssuer>,
    keys: Vec<TrustedKey>,
    /// Tokens whose signature and claims were checked, so that a token is verified once, not
    /// on every request (an RS256 signature costs more than the rest of a read).
    verified: VerifiedCache,
    leeway: u64,
    anonymous_read: bool,
    /// Proxies that append to `X-Forwarded-For`; `None`: the header is not trusted.
    proxy_hops: Option<usize>,
    /// The proxies' addresses (`TRUSTED_PROXIES`); when set, they decide instead of the count.
    proxies: Vec<IpRange>,
}

/// An address or a CIDR range of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IpRange {
    base: std::net::IpAddr,
    prefix: u8,
}

impl IpRange {
    fn parse(raw: &str) -> anyhow::Result<Self> {
        let raw = raw.trim();
        let (ip, prefix) = raw.split_once('/').unwrap_or((raw, ""));
        let base: std::net::IpAddr = ip
            .parse()
            .with_context(|| format!("TRUSTED_PROXIES: '{raw}' is not an IP address or CIDR range"))?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            "" => max,
            p => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .with_context(|| format!("TRUSTED_PROXIES: '{raw}' has no valid prefix length"))?,
        };
        Ok(Self { base, prefix })
    }

    fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr::{V4, V6};
        let ip = match ip {
            V6(v6) => v6.to_ipv4_mapped().map_or(V6(v6), V4),
            v4 => v4,
        };
        match (self.base, ip) {
            (V4(base), V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(base) & mask == u32::from(ip) & mask
            }
            (V6(base), V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(base) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl Auth {
    pub fn from_settings(settings: &AuthSettings) -> anyhow::Result<Self> {
        let mut keys = Vec::new();
        let mut local = None;
        if settings.local_auth {
            let secret = match &settings.auth_secret {
                Some(secret) => secret.clone().into_bytes(),
                None => read_or_create_secret(&settings.auth_secret_file)?,
            };
            if secret.len() < 32 {
                bail!("the signing secret (AUTH_SECRET or AUTH_SECRET_FILE) must be at least 32 bytes");
            }
            keys.push(TrustedKey {
                algorithm: Algorithm::HS256,
                kid: None,
                key: DecodingKey::from_secret(&secret),
                issuer: settings.auth_issuer.clone(),
                audience: settings.auth_audience.clone(),
            });
            local = Some(LocalIssuer {
                encoding: EncodingKey::from_secret(&secret),
                issuer: settings.auth_issuer.clone(),
                audience: settings.auth_audience.clone(),
                ttl: settings.token_ttl,
                session_idle: settings.session_idle,
                session_max: settings.session_max,
            });
        }
        match (&settings.idp_issuer, &settings.idp_audience) {
            (Some(issuer), Some(audience)) => {
                if settings.idp_keys.is_empty() {
                    bail!("IDP_ISSUER is set but IDP_KEYS names no key file");
                }
                for path in &settings.idp_keys {
                    for (algorithm, kid, key) in load_public_keys(path)? {
                        keys.push(TrustedKey {
                            algorithm,
                            kid,
                            key,
                            issuer: issuer.clone(),
                            audience: audience.clone(),
                        });
                    }
                }
            }
            (None, None) if settings.idp_keys.is_empty() => {}
            _ => bail!("an identity provider needs IDP_ISSUER, IDP_AUDIENCE and IDP_KEYS together"),
        }
        if keys.is_empty() {
            bail!("no way to sign in: LOCAL_AUTH is off and no identity provider is configured");
        }
        Ok(Self {
            local,
            keys,
            verified: VerifiedCache::default(),
            leeway: settings.auth_leeway_seconds,
            anonymous_read: settings.anonymous_read,
            proxy_hops: settings
                .trust_forwarded_for
                .then_some(usize::from(settings.trusted_proxy_hops)),
            proxies: settings
                .trusted_proxies
                .iter()
                .filter(|p| !p.trim().is_empty())
                .map(|p| IpRange::parse(p))
                .collect::<anyhow::Result<_>>()?,
        })
    }

    /// The client's address, as far as this service can trust it. With `TRUSTED_PROXIES`:
    /// on a connection from one of them, the right-most `X-Forwarded-For` entry that is not
    /// one of them; else the peer. With only `TRUST_FORWARDED_FOR`: the entry
    /// `TRUSTED_PROXY_HOPS` places from the right (fewer entries than proxies: the peer).
    /// Every header line is read as one list, as RFC 9110 joins them.
    pub fn client_address(&self, req: &actix_web::HttpRequest) -> String {
        let peer = req.peer_addr().map(|a| a.ip());
        let shown =
            |ip: Option<std::net::IpAddr>| ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        let entries: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        if !self.proxies.is_empty() {
            if !self.from_proxy(req) {
                return shown(peer);
            }
            let mut client = peer;
            for entry in entries.iter().rev() {
                let Some(ip) = forwarded_ip(entry) else { break };
                client = Some(ip);
                if !self.proxies.iter().any(|p| p.contains(ip)) {
                    break;
                }
            }
            return shown(client);
        }
        let Some(hops) = self.proxy_hops else {
            return shown(peer);
        };
        entries
            .len()
            .checked_sub(hops)
            .and_then(|i| forwarded_ip(entries[i]))
            .map_or_else(|| shown(peer), |ip| ip.to_string())
    }

    /// Whether the connection comes from a proxy whose `X-Forwarded-*` headers count.
    pub fn from_proxy(&self, req: &actix_web::HttpRequest) -> bool {
        if self.proxies.is_empty() {
            return self.proxy_hops.is_some();
        }
        req.peer_addr()
            .is_some_and(|a| self.proxies.iter().any(|p| p.contains(a.ip())))
    }

    pub fn anonymous_read(&self) -> bool {
        self.anonymous_read
    }

    /// How long after signing in a web session ends at the latest (`SESSION_MAX`).
    pub fn session_max(&self) -> Option<Duration> {
        self.local.as_ref().map(|l| l.session_max)
    }

    /// The default lifetime of issued tokens.
    pub fn token_ttl(&self) -> Option<Duration> {
        self.local.as_ref().map(|l| l.ttl)
    }

    /// Signs a token for `user`, valid for `ttl`.
    pub fn issue(&self, user: &User, ttl: Duration) -> anyhow::Result<String> {
        let now = jsonwebtoken::get_current_timestamp();
        self.sign(user, now + ttl.as_secs(), None)
    }

    /// A new web session for `user`: a token that ends after `SESSION_IDLE` unless renewed,
    /// and its lifetime (for the cookie).
    pub fn session(&self, user: &User) -> anyhow::Result<(String, Duration)> {
        let Some(local) = &self.local else {
            bail!("this service does not issue tokens (LOCAL_AUTH=false)");
        };
        let now = jsonwebtoken::get_current_timestamp();
        let until = now + local.session_idle.min(local.session_max).as_secs();
        let sid = Uuid::new_v4().to_string();
        Ok((
            self.sign(user, until, Some((now, &sid)))?,
            Duration::from_secs(until - now),
        ))
    }

    /// The web session `token` renewed, while it is in use: `SESSION_IDLE` from now, but never
    /// past `SESSION_MAX` after signing in. `None` for a token that is not one of the service's
    /// own sessions (a pasted identity provider token keeps its own `exp`), that was renewed
    /// less than a minute ago, or that cannot last longer.
    pub fn renewed_session(&self, token: &str) -> Option<(String, Duration)> {
        const RENEW_AFTER: u64 = 60;
        let local = self.local.as_ref()?;
        let (claims, own) = self.verified(token).ok()?;
        let signed_in = claims.auth_time.filter(|_| own)?;
        let sid = claims.sid.clone()?;
        let now = jsonwebtoken::get_current_timestamp();
        // Not within a minute of the last renewal, and never one that has run out (the
        // verification allows a little clock skew past `exp`).
        if now < claims.iat.unwrap_or(0) + RENEW_AFTER || now >= claims.exp {
            return None;
        }
        let until = (now + local.session_idle.as_secs()).min(signed_in + local.session_max.as_secs());
        if until <= claims.exp || until <= now {
            return None;
        }
        let user = user_from(claims, own).ok()?;
        let token = self.sign(&user, until, Some((signed_in, &sid))).ok()?;
        Some((token, Duration::from_secs(until - now)))
    }

    /// Signs `user`'s token until `exp` (seconds since 1970); a web session's with when it
    /// signed in and its id.
    fn sign(&self, user: &User, exp: u64, session: Option<(u64, &str)>) -> anyhow::Result<String> {
        let Some(local) = &self.local else {
            bail!("this service does not issue tokens (LOCAL_AUTH=false)");
        };
        let now = jsonwebtoken::get_current_timestamp();
        let claims = IssuedClaims {
            iss: &local.issuer,
            aud: &local.audience,
            sub: &user.sub,
            name: user.name.as_deref(),
            role: user.role,
            orgs: &user.organisations,
            ver: user.account_version,
            auth_time: session.map(|(at, _)| at),
            sid: session.map(|(_, sid)| sid),
            iat: now,
            nbf: now,
            exp,
            jti: Uuid::new_v4().to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &local.encoding)
            .context("signing a token")
    }

    /// Checks a token and returns who it speaks for, or a 401 saying what is wrong.
    pub fn verify(&self, token: &str) -> Result<User, AppError> {
        let (claims, own) = self.verified(token)?;
        user_from(claims, own)
    }

    /// A token's claims once its signature and times are checked, and whether the service
    /// signed it itself: from the cache of verified tokens while the token has not expired,
    /// else checked (and, accepted, kept in the cache).
    fn verified(&self, token: &str) -> Result<(TokenClaims, bool), AppError> {
        let digest = token_digest(token);
        let now = jsonwebtoken::get_current_timestamp();
        if let Some(hit) = self.verified.get(&digest, now) {
            return Ok(hit);
        }
        let (claims, own) = self.check(token)?;
        self.verified.put(digest, &claims, own, now);
        Ok((claims, own))
    }

    /// Checks a token's signature and claims against every trusted key that may have signed
    /// it.
    fn check(&self, token: &str) -> Result<(TokenClaims, bool), AppError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| {
            AppError::unauthorized(
                "token kan inte läsas: ingen JWT, eller en algoritm som inte stöds (t.ex. 'none')",
                "the token cannot be read: not a JWT, or an algorithm that is not supported (such as 'none')",
            )
        })?;
        let candidates: Vec<&TrustedKey> = self
            .keys
            .iter()
            .filter(|k| k.algorithm == header.alg)
            .filter(|k| match (&k.kid, &header.kid) {
                (Some(ours), Some(theirs)) => ours == theirs,
                _ => true,
            })
            .collect();
        if candidates.is_empty() {
            return Err(AppError::unauthorized(
                format!("algoritmen {:?} accepteras inte av den här tjänsten", header.alg),
                format!("the algorithm {:?} is not accepted by this service", header.alg),
            ));
        }
        let mut first_error = None;
        for key in candidates {
            let mut validation = Validation::new(key.algorithm);
            validation.set_issuer(&[&key.issuer]);
            validation.set_audience(&[&key.audience]);
            validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
            validation.validate_nbf = true;
            validation.leeway = self.leeway;
            match jsonwebtoken::decode::<TokenClaims>(token, &key.key, &validation) {
                // Only the service's own tokens can speak for its accounts.
                Ok(data) => return Ok((data.claims, key.algorithm == Algorithm::HS256)),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.map_or_else(
            || AppError::unauthorized("token avvisades", "the token was refused"),
            |e| refused(e.kind()),
        ))
    }
}

/// The SHA-256 of the whole token, signature included: a token changed in any byte has
/// another digest, so only a token exactly as verified is found in the cache.
fn token_digest(token: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes()).into()
}

/// Most tokens the cache keeps (some hundreds of bytes each); full, it first drops the
/// expired ones, then starts over.
const VERIFIED_MAX: usize = 10_000;

/// Verified tokens by their digest, each with its claims until its `exp`. Only a token that
/// passed every check is put in; what depends on the directory (the account disabled or
/// changed, the role and organisations it grants) is checked on every request after this, so
/// a cached token never outlives what it may do. A new `Auth` (other keys) has a new cache.
#[derive(Debug, Default)]
struct VerifiedCache {
    entries: std::sync::RwLock<std::collections::HashMap<[u8; 32], (TokenClaims, bool)>>,
}

impl VerifiedCache {
    /// The claims of a verified token that has not expired at `now` (Unix seconds).
    fn get(&self, digest: &[u8; 32], now: u64) -> Option<(TokenClaims, bool)> {
        let entries = self.entries.read().ok()?;
        entries
            .get(digest)
            .filter(|(claims, _)| now < claims.exp)
            .cloned()
    }

    fn put(&self, digest: [u8; 32], claims: &TokenClaims, own: bool, now: u64) {
        if now >= claims.exp {
            return;
        }
        // A poisoned lock only means no caching: every token is then checked in full.
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= VERIFIED_MAX {
            entries.retain(|_, (c, _)| now < c.exp);
            if entries.len() >= VERIFIED_MAX {
                entries.clear();
            }
        }
        entries.insert(digest, (claims.clone(), own));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }
}

fn user_from(claims: TokenClaims, local: bool) -> Result<User, AppError> {
    let role = claims
        .role
        .as_deref()
        .map(Role::parse)
        .transpose()
        .map_err(|e| AppError::unauthorized(format!("token: {}", e.sv), format!("token: {}", e.en)))?
        .ok_or_else(|| {
            AppError::unauthorized(
                "token saknar claim 'role' (reader, editor eller admin)",
                "the token has no 'role' claim (reader, editor or admin)",
            )
        })?;
    if claims.sub.trim().is_empty() {
        return Err(AppError::unauthorized(
            "token har tomt 'sub'",
            "the token has an empty 'sub'",
        ));
    }
    Ok(User {
        sub: claims.sub,
        name: claims.name,
        role,
        organisations: claims.orgs,
        issuer: claims.iss,
        account_version: claims.ver.filter(|_| local),
        session: claims.sid.filter(|_| local),
    })
}

fn refused(kind: &ErrorKind) -> AppError {
    let (sv, en): (String, String) = match kind {
        ErrorKind::ExpiredSignature => ("token har gått ut".into(), "the token has expired".into()),
        ErrorKind::ImmatureSignature => (
            "token gäller inte ännu (nbf)".into(),
            "the token is not valid yet (nbf)".into(),
        ),
        ErrorKind::InvalidIssuer => (
            "token kommer från en utfärdare (iss) som inte är betrodd".into(),
            "the token's issuer (iss) is not trusted".into(),
        ),
        ErrorKind::InvalidAudience => (
            "token är inte utfärdad för den här tjänsten (aud)".into(),
            "the token is not meant for this service (aud)".into(),
        ),
        ErrorKind::InvalidSignature => (
            "tokens signatur stämmer inte".into(),
            "the token's signature does not verify".into(),
        ),
        ErrorKind::MissingRequiredClaim(claim) => (
            format!("token saknar claim '{claim}'"),
            format!("the token has no '{claim}' claim"),
        ),
        ErrorKind::InvalidAlgorithm => (
            "tokens algoritm passar inte nyckeln".into(),
            "the token's algorithm does not match the key".into(),
        ),
        _ => ("token kan inte läsas".into(), "the token cannot be read".into()),
    };
    AppError::unauthorized(sv, en)
}

/// The secret in `path`, or a new random one written there (readable by the owner only).
fn read_or_create_secret(path: &Path) -> anyhow::Result<Vec<u8>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.trim().as_bytes().to_vec()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut bytes = [0u8; 48];
            getrandom::fill(&mut bytes)
                .map_err(|e| anyhow::anyhow!("no random numbers for the secret: {e}"))?;
            let secret = STANDARD.encode(bytes);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
            write_private(path, &secret)
                .with_context(|| format!("writing the signing secret {}", path.display()))?;
            log::info!("created a new signing secret in {}", path.display());
            Ok(secret.into_bytes())
        }
        Err(e) => Err(e).with_context(|| format!("reading the signing secret {}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// Public keys from a PEM file (RSA → RS256, EC → ES256, Ed25519 → EdDSA) or a JWKS file.
fn load_public_keys(path: &Path) -> anyhow::Result<Vec<(Algorithm, Option<String>, DecodingKey)>> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading identity provider key {}", path.display()))?;
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !is_json {
        let key = [
            (Algorithm::RS256, DecodingKey::from_rsa_pem(&bytes)),
            (Algorithm::ES256, DecodingKey::from_ec_pem(&bytes)),
            (Algorithm::EdDSA, DecodingKey::from_ed_pem(&bytes)),
        ]
        .into_iter()
        .find_map(|(alg, key)| key.ok().map(|k| (alg, None, k)));
        return key.map(|k| vec![k]).with_context(|| {
            format!(
                "{} is not an RSA, EC or Ed25519 public key in PEM",
                path.display()
            )
        });
    }
    let set: JwkSet = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not a JWKS document", path.display()))?;
    let mut keys = Vec::new();
    for jwk in &set.keys {
        if jwk
            .common
            .public_key_use
            .as_ref()
            .is_some_and(|u| *u != jsonwebtoken::jwk::PublicKeyUse::Signature)
        {
            continue;
        }
        let algorithm = match (jwk.common.key_algorithm, &jwk.algorithm) {
            (Some(alg), _) => algorithm_of(alg),
            (None, AlgorithmParameters::RSA(_)) => Some(Algorithm::RS256),
            (None, AlgorithmParameters::EllipticCurve(p)) => match p.curve {
                EllipticCurve::P256 => Some(Algorithm::ES256),
                EllipticCurve::P384 => Some(Algorithm::ES384),
                _ => None,
            },
            (None, AlgorithmParameters::OctetKeyPair(_)) => Some(Algorithm::EdDSA),
            _ => None,
        };
        let Some(algorithm) =
            algorithm.filter(|a| *a != Algorithm::HS256 && *a != Algorithm::HS384 && *a != Algorithm::HS512)
        else {
            log::warn!("{}: skipping a key with an unsupported algorithm", path.display());
            continue;
        };
        let key = DecodingKey::from_jwk(jwk).with_context(|| format!("a key in {}", path.display()))?;
        keys.push((algorithm, jwk.common.key_id.clone(), key));
    }
    if keys.is_empty() {
        bail!("{} holds no usable signing key", path.display());
    }
    Ok(keys)
}

fn algorithm_of(alg: KeyAlgorithm) -> Option<Algorithm> {
    use KeyAlgorithm as K;
    Some(match alg {
        K::RS256 => Algorithm::RS256,
        K::RS384 => Algorithm::RS384,
        K::RS512 => Algorithm::RS512,
        K::PS256 => Algorithm::PS256,
        K::PS384 => Algorithm::PS384,
        K::PS512 => Algorithm::PS512,
        K::ES256 => Algorithm::ES256,
        K::ES384 => Algorithm::ES384,
        K::EdDSA => Algorithm::EdDSA,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_read_like_people_write_them() {
        assert_eq!(parse_ttl("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_ttl("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(parse_ttl("8h").unwrap(), Duration::from_secs(8 * 3600));
        assert_eq!(parse_ttl("7d").unwrap(), Duration::from_secs(7 * 86_400));
        for bad in ["", "h", "0s", "5y", "400d", "-5m"] {
            assert!(parse_ttl(bad).is_err(), "{bad}");
        }
    }

    fn auth(dir: &Path) -> Auth {
        Auth::from_settings(&AuthSettings::standalone(dir.join("secret"))).unwrap()
    }

    fn editor() -> User {
        User {
            sub: "anna".into(),
            name: None,
            role: Role::Editor,
            organisations: vec!["narhalsan".into()],
            issuer: "kontaktnav".into(),
            account_version: None,
            session: None,
        }
    }

    #[test]
    fn a_token_is_verified_once_and_a_changed_one_never_hits_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let auth = auth(dir.path());
        let token = auth.issue(&editor(), Duration::from_secs(600)).unwrap();
        assert_eq!(auth.verify(&token).unwrap().sub, "anna");
        assert_eq!(auth.verified.len(), 1);
        assert_eq!(auth.verify(&token).unwrap().role, Role::Editor, "from the cache");
        assert_eq!(auth.verified.len(), 1);
        // Every byte of the token counts: a changed signature, a changed payload (an admin's
        // role with the editor's signature), a token cut short.
        let (head, signature) = token.rsplit_once('.').unwrap();
        let flipped = |c: char| if c == 'A' { 'B' } else { 'A' };
        let last = signature.chars().last().unwrap();
        let forged = [
            format!("{head}.{}{}", &signature[..signature.len() - 1], flipped(last)),
            {
                let (header, payload) = head.split_once('.').unwrap();
                let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(payload)
                    .unwrap();
                let claims = String::from_utf8(claims)
                    .unwrap()
                    .replace("\"editor\"", "\"admin\"");
                let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
                format!("{header}.{payload}.{signature}")
            },
            token[..token.len() - 2].to_owned(),
        ];
        for forged in &forged {
            assert!(auth.verify(forged).is_err(), "{forged}");
        }
        assert_eq!(auth.verified.len(), 1, "nothing refused is kept");
        // Another service's secret: its tokens are refused, cached or not.
        let other = tempfile::tempdir().unwrap();
        let theirs = super::tests::auth(other.path())
            .issue(&editor(), Duration::from_secs(600))
            .unwrap();
        assert!(auth.verify(&theirs).is_err());
        assert!(auth.verify(&theirs).is_err());
    }

    #[test]
    fn a_cached_token_never_outlives_its_exp_and_the_cache_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let auth = auth(dir.path());
        let token = auth.issue(&editor(), Duration::from_secs(600)).unwrap();
        auth.verify(&token).unwrap();
        let digest = token_digest(&token);
        let now = jsonwebtoken::get_current_timestamp();
        assert!(auth.verified.get(&digest, now).is_some());
        let (claims, _) = auth.verified.get(&digest, now).unwrap();
        assert!(
            auth.verified.get(&digest, claims.exp).is_none(),
            "at exp: checked again"
        );
        assert!(auth.verified.get(&digest, claims.exp + 1).is_none());
        // Full: the expired go first, then all; never more than the bound.
        let cache = VerifiedCache::default();
        for i in 0..(VERIFIED_MAX + 10) as u64 {
            let mut c = claims.clone();
            c.exp = now + 1 + (i % 3);
            let mut digest = [0u8; 32];
            digest[..8].copy_from_slice(&i.to_le_bytes());
            cache.put(digest, &c, true, now);
            assert!(cache.len() <= VERIFIED_MAX);
        }
        // An expired token is not put in at all.
        let mut old = claims.clone();
        old.exp = now;
        let before = cache.len();
        cache.put([9u8; 32], &old, true, now);
        assert_eq!(cache.len(), before);
    }
}
