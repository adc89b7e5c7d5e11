//! Signing in with a built-in account.

use actix_web::{HttpRequest, web};

use crate::auth::User;
use crate::auth::passwords::verify_password;
use crate::db::accounts;
use crate::error::{AppError, AppResult};
use crate::state::{self, AppState};

/// Checks a built-in account's password (with the sign-in brake) and issues its token: for
/// `POST /v1/auth/token` and the web page's sign-in.
pub async fn sign_in(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    username: &str,
    password: String,
) -> AppResult<(String, std::time::Duration)> {
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
            .map(|(a, _)| a)
    })
    .await?;
    let Some(account) = verified else {
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
    let token = state.auth.issue(&user, ttl).map_err(AppError::Unexpected)?;
    Ok((token, ttl))
}
