//! The web session: the token in an HttpOnly, SameSite=Lax cookie, the CSRF token and the
//! origin check of every form that changes something, the pages' errors (WebError), and
//! signing in and out.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, get, post, web};
use serde::Deserialize;

use crate::auth::{SESSION_COOKIE, User, csrf_token, user_of};
use crate::db::audit::WriteMeta;
use crate::error::AppError;
use crate::service::accounts::start_session;
use crate::state::AppState;

use super::forms::{SessionView, percent};
use super::pages::app_message;
use super::{html, ok, pages, see_other};

/// The caller of a page: signed in through the session cookie, or not.
pub struct Session {
    user: Option<User>,
    token: Option<String>,
    /// A cookie was sent but its token no longer works (expired, account changed).
    expired: bool,
    anonymous_read: bool,
}

impl FromRequest for Session {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            return ready(Err(actix_web::error::ErrorInternalServerError("state")));
        };
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        // Checked once a request: `renew_session` has done it already (a session's check
        // asks the database whether it was signed out).
        let checked = req.extensions().get::<CheckedCookie>().map(|c| c.0.clone());
        let user = checked.unwrap_or_else(|| token.as_deref().and_then(|t| user_of(&***state, t).ok()));
        ready(Ok(Session {
            expired: token.is_some() && user.is_none(),
            token: user.as_ref().and(token),
            user,
            anonymous_read: state.auth.anonymous_read(),
        }))
    }
}

impl Session {
    /// Whether internal numbers may be shown; `Err` sends the caller to sign in.
    pub(super) fn reader(&self, req: &HttpRequest) -> Result<bool, WebError> {
        match (&self.user, self.anonymous_read) {
            (Some(_), _) => Ok(true),
            (None, true) => Ok(false),
            (None, false) => Err(WebError::SignIn(req.uri().to_string())),
        }
    }

    pub(super) fn signed_in(&self, req: &HttpRequest) -> Result<&User, WebError> {
        self.user
            .as_ref()
            .ok_or_else(|| WebError::SignIn(req.uri().to_string()))
    }

    pub(super) fn csrf(&self) -> String {
        self.token.as_deref().map(csrf_token).unwrap_or_default()
    }

    /// A form that changes something: signed in, sent from this site, with this session's
    /// CSRF token.
    pub(super) fn writer(&self, req: &HttpRequest, csrf: &str) -> Result<&User, WebError> {
        same_origin(req)?;
        let user = self.signed_in(req)?;
        if csrf.is_empty() || csrf != self.csrf() {
            return Err(WebError::Forbidden(
                "Formuläret är för gammalt eller kommer inte från den här sidan. Ladda om sidan och försök igen."
                    .into(),
            ));
        }
        Ok(user)
    }
}

/// This service's origin as the browser sees it: the host from `X-Forwarded-Host` (or
/// `Forwarded`) only behind a trusted proxy, else from the connection and `Host`, so that a
/// client cannot name its own site as ours.
pub(super) fn own_origin(req: &HttpRequest) -> String {
    let trusted = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.auth.from_proxy(req));
    let info = req.connection_info();
    if trusted {
        return format!("{}://{}", info.scheme(), info.host());
    }
    // The scheme as a TLS proxy says it (`X-Forwarded-Proto`): a forged one can only name this
    // host with another scheme, never another site.
    let scheme = info.scheme().to_owned();
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map_or_else(|| req.app_config().host().to_owned(), str::to_owned);
    format!("{scheme}://{host}")
}

/// A POST must come from a page of this service (the browser says where from in `Origin`).
pub(super) fn same_origin(req: &HttpRequest) -> Result<(), WebError> {
    let own = own_origin(req);
    // Browsers send `Origin` with every POST; `Referer` is the fallback of older ones.
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
            let rest = referer.split_once("://")?.1;
            let host = rest.split('/').next()?;
            Some(format!("{}://{host}", referer.split_once("://")?.0))
        });
    if origin.as_deref() == Some(own.as_str()) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Formuläret skickades från en annan webbplats och togs inte emot.".into(),
        ))
    }
}

/// A form that cannot be read (a field missing or not a number): a page, not JSON.
pub fn form_error(err: actix_web::error::UrlencodedError, _: &HttpRequest) -> actix_web::Error {
    let page = html(
        StatusCode::BAD_REQUEST,
        pages::error_page(
            StatusCode::BAD_REQUEST,
            "Formuläret kunde inte läsas. Ladda om sidan och försök igen.",
        ),
    );
    actix_web::error::InternalError::from_response(err, page).into()
}

/// What a page answers when something is wrong: a page, never JSON.
#[derive(Debug)]
pub enum WebError {
    /// Not signed in: to the sign-in page, then back.
    SignIn(String),
    Forbidden(String),
    NotFound(String),
    /// A page made where the session is known (a refusal in words, under the caller's own
    /// header).
    Page(StatusCode, maud::Markup),
    /// Anything else, with its Swedish message.
    App(AppError),
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebError::SignIn(_) => f.write_str("sign in"),
            WebError::Forbidden(m) | WebError::NotFound(m) => f.write_str(m),
            WebError::Page(status, _) => write!(f, "page {status}"),
            WebError::App(e) => write!(f, "{e}"),
        }
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Forbidden { sv, .. } => WebError::Forbidden(sv),
            AppError::NotFound { sv, .. } => WebError::NotFound(sv),
            AppError::Unauthorized { .. } => WebError::SignIn("/".into()),
            other => WebError::App(other),
        }
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::SignIn(_) => StatusCode::SEE_OTHER,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Page(status, _) => *status,
            WebError::App(e) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let WebError::SignIn(next) = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, login_url(next)))
                .finish();
        }
        let status = self.status_code();
        let message = match self {
            WebError::Forbidden(m) | WebError::NotFound(m) => m.clone(),
            WebError::App(e) => app_message(e),
            WebError::Page(_, page) => return html(status, page.clone()),
            WebError::SignIn(_) => String::new(),
        };
        if status.is_server_error() {
            log::error!("web page failed: {self}");
        }
        html(status, pages::error_page(status, &message))
    }
}

pub(super) type WebResult = Result<HttpResponse, WebError>;

pub(super) fn login_url(next: &str) -> String {
    format!("/logga-in?next={}", percent(next))
}

/// Who writes, from a page: the API's audit metadata.
pub(super) fn meta(user: &User, req: &HttpRequest, reason: Option<&str>) -> Result<WriteMeta, WebError> {
    crate::service::write_meta(user, req, reason).map_err(WebError::from)
}

pub(super) fn session_view(session: &Session) -> SessionView {
    SessionView {
        user: session.user.clone(),
        csrf: session.csrf(),
        expired: session.expired,
        known: true,
    }
}

/// `user` may change `unit`, or the page that says in words why not (who they are, whose the
/// unit is, who may), under their own header.
pub(super) fn may_edit(
    session: &Session,
    user: &User,
    directory: &crate::directory::Directory,
    unit: &crate::domain::Unit,
) -> Result<(), WebError> {
    match user.editor_of(directory, &unit.organisation_id) {
        Ok(_) => Ok(()),
        Err(_) => {
            let page = pages::may_not_edit(&session_view(session), directory, user, unit);
            Err(WebError::Page(StatusCode::FORBIDDEN, page))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginParams {
    #[serde(default)]
    next: String,
}

#[get("/logga-in")]
pub(super) async fn login_page(session: Session, params: web::Query<LoginParams>) -> WebResult {
    ok(pages::login(
        &session_view(&session),
        &safe_next(&params.next),
        None,
    ))
}

/// Only a path of this site: never a redirect elsewhere.
pub(super) fn safe_next(next: &str) -> String {
    let printable = next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    if printable && next.starts_with('/') && !next.starts_with("//") {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginInput {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// A token from the identity provider, instead of a password.
    #[serde(default)]
    token: String,
    #[serde(default)]
    next: String,
}

/// Signs in with a built-in account or a token, and keeps the token in the session cookie.
#[post("/logga-in")]
pub(super) async fn login(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<LoginInput>,
) -> WebResult {
    same_origin(&req)?;
    let next = safe_next(&form.next);
    let signed = if form.token.trim().is_empty() {
        start_session(&state, &req, &form.username, form.password.clone())
            .await
            .map(|issued| (issued.token, Some(issued.ttl), issued.password_change_required))
    } else {
        let token = form.token.trim().to_owned();
        user_of(&**state, &token).map(|_| (token, None, false))
    };
    match signed {
        Ok((token, ttl, renew_password)) => {
            let mut res = see_other(&after_sign_in(next, renew_password));
            res.add_cookie(&session_cookie(secure(&req), token, ttl))
                .map_err(|e| AppError::Unexpected(e.into()))?;
            Ok(res)
        }
        Err(e) => {
            let status = match e {
                AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            let message = match e {
                AppError::Unauthorized { sv, .. } => sv,
                other => app_message(&other),
            };
            let page = pages::login(&session_view(&session), &next, Some(&message));
            Ok(html(status, page))
        }
    }
}

/// The session cookie of this request, checked (who it speaks for, or nobody).
#[derive(Clone)]
struct CheckedCookie(Option<User>);

/// Renews a web session while it is in use: the answer to a signed-in browser carries its
/// cookie again, good for `SESSION_IDLE` from now but never past `SESSION_MAX` after signing
/// in (see [`crate::auth::Auth::renewed_session`]). A session of an account that has changed
/// since is not renewed, nor one the answer itself sets or ends (signing in or out).
pub async fn renew_session(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let renewed = req.cookie(SESSION_COOKIE).and_then(|cookie| {
        let state = req.app_data::<web::Data<AppState>>()?;
        let user = user_of(&***state, cookie.value()).ok();
        req.extensions_mut().insert(CheckedCookie(user.clone()));
        user?;
        state.auth.renewed_session(cookie.value())
    });
    let secure = secure(req.request());
    let mut res = next.call(req).await?;
    if let Some((token, ttl)) = renewed
        && !res.response().cookies().any(|c| c.name() == SESSION_COOKIE)
    {
        res.response_mut()
            .add_cookie(&session_cookie(secure, token, Some(ttl)))
            .map_err(actix_web::error::ErrorInternalServerError)?;
    }
    Ok(res)
}

/// Whether the browser reached the service over https (so the cookie is `Secure`).
fn secure(req: &HttpRequest) -> bool {
    own_origin(req).starts_with("https:")
}

/// The session cookie for `token`: HttpOnly, Secure over https, SameSite=Lax (a link from mail
/// or chat opens the page signed in; every form that changes something carries a CSRF token,
/// and a GET changes nothing); as long as the token, when the service issued it.
pub(super) fn session_cookie(
    secure: bool,
    token: String,
    ttl: Option<std::time::Duration>,
) -> Cookie<'static> {
    let mut cookie = Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish();
    if let Some(ttl) = ttl {
        cookie.set_max_age(CookieDuration::seconds(ttl.as_secs() as i64));
    }
    cookie
}

/// Where signing in leads: where the user was going, but first to a new password when theirs
/// falls short of today's rules.
fn after_sign_in(next: String, renew_password: bool) -> String {
    match renew_password {
        true => format!("{PASSWORD_PAGE}?krav=ja&next={}", percent(&next)),
        false => next,
    }
}

/// The page on which a signed-in user of a built-in account changes their own password.
const PASSWORD_PAGE: &str = "/byt-losenord";

#[derive(Debug, Default, Deserialize)]
pub struct PasswordParams {
    #[serde(default)]
    next: String,
    /// `ja`: sent here after signing in, because the password falls short of today's rules.
    #[serde(default)]
    krav: String,
}

#[get("/byt-losenord")]
pub(super) async fn password_page(
    session: Session,
    req: HttpRequest,
    params: web::Query<PasswordParams>,
) -> WebResult {
    let user = session.signed_in(&req)?;
    ok(pages::change_password(
        &session_view(&session),
        user,
        &safe_next(&params.next),
        params.krav == "ja",
        None,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordInput {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    present_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    again: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    krav: String,
}

/// Changes the signed-in user's own password, then carries on where they were going with a
/// new session (the account's other sessions end: its version changed).
#[post("/byt-losenord")]
pub(super) async fn change_password(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<PasswordInput>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?;
    let next = safe_next(&form.next);
    let refused = |message: String| {
        let page = pages::change_password(
            &session_view(&session),
            user,
            &next,
            form.krav == "ja",
            Some(&message),
        );
        Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
    };
    if form.new_password != form.again {
        return refused("De två nya lösenorden är inte lika. Skriv samma lösenord två gånger.".into());
    }
    let (present, new) = (form.present_password.clone(), form.new_password.clone());
    match crate::service::accounts::change_own_password(&state, &req, user, present, new).await {
        Ok((user, _)) => {
            let (token, ttl) = state.auth.session(&user).map_err(AppError::Unexpected)?;
            let mut res = see_other(&next);
            res.add_cookie(&session_cookie(secure(&req), token, Some(ttl)))
                .map_err(|e| AppError::Unexpected(e.into()))?;
            Ok(res)
        }
        Err(refusal) => refused(password_refusal(refusal)?),
    }
}

/// Why a new password was not taken, in words for the page; anything else as an error page.
fn password_refusal(e: AppError) -> Result<String, WebError> {
    match e {
        AppError::Unauthorized { .. } => Ok("Det nuvarande lösenordet stämmer inte.".into()),
        AppError::Validation(errors) => Ok(errors.first().map_or_else(
            || "Lösenordet kan inte användas.".into(),
            |e| format!("Det nya lösenordet: {}.", e.sv),
        )),
        AppError::Forbidden { sv, .. } => Ok(sv),
        other => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// Signs out: the session ends on the server (every instance refuses its cookie and its
/// bearer use from now on, also after a restart), and the browser forgets the cookie.
#[post("/logga-ut")]
pub(super) async fn logout(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<CsrfOnly>,
) -> WebResult {
    if let Some(user) = &session.user {
        session.writer(&req, &form.csrf)?;
        if let Some(id) = user.session.clone() {
            crate::service::accounts::end_session(&state, id).await?;
        }
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    let mut res = see_other("/logga-in");
    res.add_cookie(&gone)
        .map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(res)
}
