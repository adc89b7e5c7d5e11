//! Who is calling, and what they may do.
//!
//! Every `/v1` read takes a [`Caller`]: verified from a bearer JWT (see [`tokens`]), or
//! anonymous; every write takes a [`SignedIn`] user, so a call without a token is refused
//! (401) before its body is even read. Authorisation is one line at the top of a handler:
//! `caller.reader()?`, `caller.signed_in()?`, `user.editor_of(&directory, org)?`,
//! `user.admin()?`.

pub mod passwords;
pub mod tokens;

use std::future::{Ready, ready};

use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::directory::Directory;
use crate::domain::Role;
use crate::error::AppError;

pub use tokens::{Auth, AuthSettings};

/// A caller whose token was verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct User {
    /// The token's subject: a user name or the identity provider's id.
    pub sub: String,
    /// Display name, for the audit history.
    pub name: Option<String>,
    pub role: Role,
    /// The organisations an editor may edit (with their sub-organisations).
    pub organisations: Vec<String>,
    /// Who issued the token (`iss`): this service, or the identity provider.
    pub issuer: String,
    /// For a token from signing in with a built-in account: the account's version then. The
    /// token stops working when the account changes (disabled, new role, new password).
    #[serde(skip)]
    pub account_version: Option<i64>,
    /// For a web session of this service's own: the session's id (`kn_sid`), the same in
    /// every renewal of its token. Signing out ends it on the server.
    #[serde(skip)]
    pub session: Option<String>,
}

impl User {
    /// A user to issue a token for (the issuer is filled in when the token is verified).
    pub fn new(sub: impl Into<String>, name: Option<String>, role: Role, organisations: Vec<String>) -> Self {
        Self {
            sub: sub.into(),
            name,
            role,
            organisations,
            issuer: String::new(),
            account_version: None,
            session: None,
        }
    }

    /// An admin, or an editor of `organisation` or of an organisation above it.
    pub fn editor_of(&self, directory: &Directory, organisation: &str) -> Result<&User, AppError> {
        let user = self;
        let allowed = match self.role {
            Role::Admin => true,
            Role::Editor => directory
                .organisation_and_ancestors(organisation)
                .any(|org| user.organisations.iter().any(|own| own == org)),
            Role::Reader => false,
        };
        if allowed {
            return Ok(user);
        }
        let own = if user.organisations.is_empty() {
            "-".to_owned()
        } else {
            user.organisations.join(", ")
        };
        Err(AppError::Forbidden {
            sv: format!(
                "rollen {} får inte ändra organisationen {organisation} (egna organisationer: {own})",
                user.role
            ),
            en: format!(
                "role {} may not edit organisation {organisation} (own organisations: {own})",
                user.role
            ),
        })
    }

    /// An admin.
    pub fn admin(&self) -> Result<&User, AppError> {
        let user = self;
        if user.role == Role::Admin {
            Ok(user)
        } else {
            Err(AppError::Forbidden {
                sv: format!("bara en administratör får göra detta (din roll: {})", user.role),
                en: format!("only an administrator may do this (your role: {})", user.role),
            })
        }
    }
}

/// A signed-in caller: extracting it answers 401 for a call without a token.
#[derive(Debug, Clone)]
pub struct SignedIn(pub User);

impl std::ops::Deref for SignedIn {
    type Target = User;

    fn deref(&self) -> &User {
        &self.0
    }
}

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(caller(req).and_then(|c| c.signed_in().cloned()).map(SignedIn))
    }
}

/// Who is calling. Extracting it fails (401) only for a token that is present and bad: a
/// bad token never silently becomes an anonymous call.
#[derive(Debug, Clone)]
pub enum Caller {
    Anonymous {
        /// The `ANONYMOUS_READ` setting.
        may_read: bool,
    },
    User(User),
}

impl Caller {
    /// Anyone who may read: returns whether `internal` numbers may be shown.
    pub fn reader(&self) -> Result<bool, AppError> {
        match self {
            Caller::User(_) => Ok(true),
            Caller::Anonymous { may_read: true } => Ok(false),
            Caller::Anonymous { may_read: false } => Err(AppError::missing_token()),
        }
    }

    /// Any signed-in user.
    pub fn signed_in(&self) -> Result<&User, AppError> {
        match self {
            Caller::User(user) => Ok(user),
            Caller::Anonymous { .. } => Err(AppError::missing_token()),
        }
    }
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(caller(req))
    }
}

/// What checking a caller needs of the application: the token rules, and the built-in
/// accounts as served now (a token of a changed or disabled account no longer counts).
pub trait Gate: Send + Sync {
    fn auth(&self) -> &Auth;
    /// A built-in account's version and whether it is disabled.
    fn account(&self, username: &str) -> Option<(i64, bool)>;
    /// Whether the web session `session` was signed out (on any instance).
    fn session_ended(&self, session: &str) -> Result<bool, AppError>;
}

fn caller(req: &HttpRequest) -> Result<Caller, AppError> {
    let state: &dyn Gate = req
        .app_data::<web::Data<dyn Gate>>()
        .map(|data| &***data)
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("application state is missing")))?;
    let Some(header) = req.headers().get(AUTHORIZATION) else {
        // The web pages' session, for reading only: a cookie rides along with any request the
        // browser makes, so a write needs the token itself (or a web form with its CSRF token).
        // A session that has run out reads as no session.
        if req.method() == actix_web::http::Method::GET
            && let Some(user) = req
                .cookie(SESSION_COOKIE)
                .and_then(|c| user_of(state, c.value()).ok())
        {
            return Ok(Caller::User(user));
        }
        return Ok(Caller::Anonymous {
            may_read: state.auth().anonymous_read(),
        });
    };
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            AppError::unauthorized(
                "Authorization-huvudet ska vara 'Bearer <token>'",
                "the Authorization header must be 'Bearer <token>'",
            )
        })?;
    user_of(state, token).map(Caller::User)
}

/// The user a token speaks for, if it is valid, its account unchanged and its session (if it
/// is one) not signed out.
pub fn user_of(state: &dyn Gate, token: &str) -> Result<User, AppError> {
    let user = state.auth().verify(token)?;
    if let Some(session) = &user.session
        && state.session_ended(session)?
    {
        return Err(AppError::unauthorized(
            "du har loggat ut från den här sessionen; logga in igen",
            "this session was signed out; sign in again",
        ));
    }
    if let Some(version) = user.account_version {
        let current = state.account(&user.sub);
        if current != Some((version, false)) {
            return Err(AppError::unauthorized(
                "kontot har ändrats eller stängts av sedan inloggningen; logga in igen",
                "the account has changed or been disabled since signing in; sign in again",
            ));
        }
    }
    Ok(user)
}

/// The cookie that carries a web page session's token (HttpOnly, SameSite=Lax).
pub const SESSION_COOKIE: &str = "kontaktnav_session";

/// The CSRF token of a web session: derived from the session's token, which only the browser's
/// cookie jar holds (HttpOnly), so a page of another site cannot know it. A session the service
/// renews gets a new token each time but keeps its id (`kn_sid`, inside the token and as secret):
/// its CSRF token comes from that id, so a page made before a renewal still saves.
pub fn csrf_token(session: &str) -> String {
    use sha2::{Digest, Sha256};
    let key = session_id(session).map_or_else(|| session.to_owned(), |sid| format!("sid {sid}"));
    let digest = Sha256::digest(format!("kontaktnav csrf\n{key}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The `kn_sid` claim of a token, read without checking it (the session's own check does that).
fn session_id(token: &str) -> Option<String> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("kn_sid")?.as_str().map(str::to_owned)
}
