//! The built-in accounts: signing in, and creating and changing them (admins).

use actix_web::{HttpRequest, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::User;
use crate::auth::passwords::{check_password, hash_password, verify_password};
use crate::db::accounts::{self, Account};
use crate::db::audit::WriteMeta;
use crate::directory::Directory;
use crate::domain::{FieldError, Invalid, Role, edit, shown};
use crate::error::{AppError, AppResult};
use crate::state::{self, AppState};

/// A token issued at sign-in: the token, how long it lasts, and whether the password it was
/// issued for no longer meets the rules (set before they were stricter): the account is
/// asked to choose a new one.
#[derive(Debug)]
pub struct Issued {
    pub token: String,
    pub ttl: std::time::Duration,
    pub password_change_required: bool,
}

/// Checks a built-in account's password (with the sign-in brake) and issues its token: for
/// `POST /v1/auth/token`: a token for `TOKEN_TTL`.
pub async fn issue_token(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    username: &str,
    password: String,
) -> AppResult<Issued> {
    let (user, ttl, weak) = sign_in(state, req, username, password).await?;
    let token = state.auth.issue(&user, ttl).map_err(AppError::Unexpected)?;
    Ok(Issued {
        token,
        ttl,
        password_change_required: weak,
    })
}

/// The web page's sign-in: a session token, renewed while the pages are in use.
pub async fn start_session(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    username: &str,
    password: String,
) -> AppResult<Issued> {
    let (user, _, weak) = sign_in(state, req, username, password).await?;
    let (token, ttl) = state.auth.session(&user).map_err(AppError::Unexpected)?;
    Ok(Issued {
        token,
        ttl,
        password_change_required: weak,
    })
}

/// A signed-in user of a built-in account changes their own password: the present one is
/// checked as at sign-in (with the brake), the new one against the rules; the account's
/// version changes, so every token of the account issued before stops working. Returns who
/// the user is now, and how long an API token lasts, for the new token or session.
pub async fn change_own_password(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    user: &User,
    present: String,
    new: String,
) -> AppResult<(User, std::time::Duration)> {
    if user.account_version.is_none() {
        return Err(AppError::Forbidden {
            sv: "du loggade in hos din organisations inloggningstjänst; där byter du lösenord".into(),
            en: "you signed in with your organisation's identity provider; change your password there".into(),
        });
    }
    let (signed_in, ttl, _) = sign_in(state, req, &user.sub, present).await?;
    let version = signed_in.account_version.unwrap_or_default();
    let account = Account {
        username: signed_in.sub.clone(),
        display_name: signed_in.name.clone().unwrap_or_default(),
        role: signed_in.role,
        organisations: signed_in.organisations.clone(),
        disabled: false,
        version,
        password_changed: false,
    };
    let hash = hashed(new, &account).await?;
    let meta = super::write_meta(user, req, Some("eget lösenord bytt"))?;
    let username = account.username.clone();
    let changed = state::write(state, move |conn| {
        accounts::change(conn, &meta, &username, version, Account::clone, Some(hash))
    })
    .await?;
    let user = User {
        account_version: Some(changed.version),
        ..signed_in
    };
    Ok((user, ttl))
}

/// Ends the web session `session` on the server: from now on every instance refuses its
/// tokens, renewed or not. Kept until the session could have lasted at the latest.
pub async fn end_session(state: &web::Data<AppState>, session: String) -> AppResult<()> {
    let max = state
        .auth
        .session_max()
        .unwrap_or(std::time::Duration::from_secs(86_400));
    let now = crate::db::now();
    let until = now + chrono::Duration::from_std(max).unwrap_or(chrono::Duration::days(1));
    state::read(state, move |conn| {
        crate::db::sessions::end(conn, &session, now, until)
    })
    .await
}

/// Checks a built-in account's password (with the brake on failed attempts): who it is, how
/// long an API token lasts, and whether the password falls short of today's rules.
async fn sign_in(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    username: &str,
    password: String,
) -> AppResult<(User, std::time::Duration, bool)> {
    let Some(ttl) = state.auth.token_ttl() else {
        return Err(AppError::not_found(
            "tjänsten utfärdar inga egna token; logga in hos identitetsleverantören",
            "this service does not issue tokens; sign in with the identity provider",
        ));
    };
    crate::domain::text::check(username).map_err(|e| AppError::invalid("username", e))?;
    let client = state.auth.client_address(req);
    let name: String = username.trim().to_lowercase().chars().take(64).collect();
    let attempt = state
        .throttle
        .begin(&client, &name)
        .map_err(|wait| AppError::TooManyRequests {
            retry_after_seconds: wait.as_secs().max(1),
        })?;
    let _permit = state
        .throttle
        .checks
        .acquire()
        .await
        .map_err(|e| AppError::Unexpected(e.into()))?;
    let found = state::read(state, move |conn| accounts::find(conn, &name)).await?;
    let verified = web::block(move || {
        let ok = verify_password(&password, found.as_ref().map(|(_, hash)| hash.as_str()));
        found
            .filter(|(account, _)| ok && !account.disabled)
            .map(|(a, _)| {
                let weak = check_password(&password, &a.username, &a.display_name).is_err();
                (a, weak)
            })
    })
    .await?;
    let Some((account, weak)) = verified else {
        if let Some(wait) = state.throttle.locked(&attempt) {
            log::warn!("sign-in locked for a client after repeated failures");
            return Err(AppError::TooManyRequests {
                retry_after_seconds: wait.as_secs().max(1),
            });
        }
        return Err(AppError::unauthorized(
            "fel användarnamn eller lösenord, eller ett avstängt konto",
            "wrong user name or password, or a disabled account",
        ));
    };
    state.throttle.succeeded(attempt);
    // An account made outside the service (`kontaktnav user add`) is not in the served
    // snapshot yet, and its token would be refused: read the directory again first.
    if state.directory.current().account(&account.username) != Some((account.version, false)) {
        state::refresh(state).await?;
    }
    let user = User {
        account_version: Some(account.version),
        ..User::new(
            account.username,
            Some(account.display_name),
            account.role,
            account.organisations,
        )
    };
    Ok((user, ttl, weak))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "redaktor.vaf", "display_name": "Redaktör VÄF", "password": "ett långt lösenord", "role": "editor", "organisations": ["boras-stad-vaf"]}))]
pub struct NewAccount {
    pub username: String,
    display_name: String,
    /// 12–200 characters, not the user name, not easy to guess (a common password, a
    /// keyboard run, repeats).
    password: String,
    role: Role,
    #[serde(default)]
    organisations: Vec<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountChangesBody {
    display_name: Option<String>,
    /// A new password (12–200 characters, not the user name, not easy to guess).
    password: Option<String>,
    role: Option<Role>,
    organisations: Option<Vec<String>>,
    /// A disabled account cannot sign in.
    disabled: Option<bool>,
    pub reason: Option<String>,
}

impl NewAccount {
    /// An account as a page's form describes it.
    pub fn new(
        username: String,
        display_name: String,
        password: String,
        role: Role,
        organisations: Vec<String>,
    ) -> Self {
        Self {
            username,
            display_name,
            password,
            role,
            organisations,
            reason: None,
        }
    }
}

impl AccountChangesBody {
    /// The changes a page's form asks for: every field it shows, a password only when typed.
    pub fn new(
        display_name: String,
        password: Option<String>,
        role: Role,
        organisations: Vec<String>,
        disabled: bool,
    ) -> Self {
        Self {
            display_name: Some(display_name),
            password,
            role: Some(role),
            organisations: Some(organisations),
            disabled: Some(disabled),
            reason: None,
        }
    }
}

/// Creates an account: its user name free, its organisations known.
pub async fn create(state: &web::Data<AppState>, meta: WriteMeta, new: NewAccount) -> AppResult<Account> {
    let mut errors = unknown_organisations(&state.directory.current(), &new.organisations);
    let username = accounts::username(&new.username).map_err(|e| errors.push(e.at("username")));
    let display_name = edit::label(&new.display_name).map_err(|e| errors.push(e.at("display_name")));
    let (Ok(username), Ok(display_name)) = (username, display_name) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let account = Account {
        username,
        display_name,
        role: new.role,
        organisations: new.organisations,
        disabled: false,
        version: 1,
        password_changed: false,
    };
    let hash = hashed(new.password, &account).await?;
    let stored = account.clone();
    state::write(state, move |conn| accounts::create(conn, &meta, &stored, &hash)).await?;
    Ok(account)
}

/// Changes account `username` at `version`: what the body names, nothing else.
pub async fn change(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    username: String,
    version: i64,
    changes: AccountChangesBody,
) -> AppResult<Account> {
    let directory = state.directory.current();
    let mut errors = unknown_organisations(&directory, changes.organisations.as_deref().unwrap_or_default());
    let display_name = changes.display_name.as_deref().map(edit::label).transpose();
    let display_name = display_name
        .map_err(|e| errors.push(e.at("display_name")))
        .ok()
        .flatten();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let hash = match changes.password {
        Some(password) => {
            let name = username.clone();
            let account = state::read(state, move |conn| accounts::find(conn, &name))
                .await?
                .map(|(account, _)| account)
                .ok_or_else(|| AppError::not_found("kontot finns inte", "no such account"))?;
            let named = Account {
                display_name: display_name.clone().unwrap_or(account.display_name.clone()),
                ..account
            };
            Some(hashed(password, &named).await?)
        }
        None => None,
    };
    state::write(state, move |conn| {
        let change = |a: &Account| Account {
            display_name: display_name.unwrap_or_else(|| a.display_name.clone()),
            role: changes.role.unwrap_or(a.role),
            organisations: changes.organisations.unwrap_or_else(|| a.organisations.clone()),
            disabled: changes.disabled.unwrap_or(a.disabled),
            ..a.clone()
        };
        accounts::change(conn, &meta, &username, version, change, hash)
    })
    .await
}

/// Organisations that do not exist, as errors of `organisations[i]`.
fn unknown_organisations(directory: &Directory, organisations: &[String]) -> Vec<FieldError> {
    organisations
        .iter()
        .enumerate()
        .filter(|(_, org)| directory.organisation(org).is_none())
        .map(|(i, org)| {
            Invalid::rule(
                format!("okänd organisation '{}'", shown(org)),
                format!("unknown organisation '{}'", shown(org)),
            )
            .at(format!("organisations[{i}]"))
        })
        .collect()
}

/// A password for `account`, checked and hashed off the async workers.
async fn hashed(password: String, account: &Account) -> AppResult<String> {
    let (username, display_name) = (account.username.clone(), account.display_name.clone());
    web::block(move || hash_password(&password, &username, &display_name))
        .await?
        .map_err(|e| AppError::invalid("password", e))
}
