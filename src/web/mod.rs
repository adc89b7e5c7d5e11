//! The web pages, in Swedish, served by the service itself: look a number up (for everyone who
//! may read), keep the numbers right (for editors). Server-rendered (maud), a little plain
//! JavaScript for results as you type, assets embedded in the binary, a strict
//! Content-Security-Policy.
//!
//! A web session is the service's own token (or the identity provider's) in an HttpOnly,
//! SameSite=Lax cookie (Lax, so that a link from a mail or another system opens the page
//! signed in; every write is a POST that also checks the CSRF token and the origin), never in
//! localStorage. Every form that changes something carries
//! the session's CSRF token, and a POST from another origin is refused. The pages call the same
//! domain and database functions as the API, so roles, If-Match versions and the audit history
//! apply unchanged.

mod pages;

use std::future::{Ready, ready};
use std::sync::LazyLock;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, get, post, web};
use maud::Markup;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::{SESSION_COOKIE, User, csrf_token, user_of};
use crate::db::audit::{self, Entity, WriteMeta};
use crate::db::corrections as correction_repo;
use crate::domain::correction::Correction;
use crate::domain::edit::ContactPointPatch;
use crate::domain::hours::{Clock, Days, Mode, TelephoneHours, WeeklySpan};
use crate::domain::{CorrectionStatus, FieldError, Invalid, Visibility, shown};
use crate::error::AppError;
use crate::service::Author;
use crate::service::accounts::sign_in;
use crate::service::corrections::{Decision, Report, decide, report};
use crate::service::units::{self, UnitChange};
use crate::state::{self, AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(lookup_page)
        .service(results_fragment)
        .service(unit_page)
        .service(report_wrong)
        .service(street_page)
        .service(login_page)
        .service(login)
        .service(logout)
        .service(edit_page)
        .service(save_number)
        .service(history_page)
        .service(review_page)
        .service(confirm_unit)
        .service(decide_correction)
        .service(asset);
}

/// The pages' addresses and methods, as `configure` registers them (for `Allow` and 405;
/// `tests/api/contract.rs` checks the two against each other).
pub const PAGES: &[(&str, &[Method])] = &[
    ("/", &[Method::GET]),
    ("/sok", &[Method::GET]),
    ("/enhet/{id}", &[Method::GET]),
    ("/enhet/{id}/rapport", &[Method::POST]),
    ("/gata", &[Method::GET]),
    ("/logga-in", &[Method::GET, Method::POST]),
    ("/logga-ut", &[Method::POST]),
    ("/enhet/{id}/redigera", &[Method::GET]),
    ("/enhet/{id}/nummer/{point}", &[Method::POST]),
    ("/enhet/{id}/historik", &[Method::GET]),
    ("/granska", &[Method::GET]),
    ("/enhet/{id}/bekrafta", &[Method::POST]),
    ("/rattelse/{id}", &[Method::POST]),
    ("/static/{name}", &[Method::GET]),
];

/// No inline script or style, nothing from elsewhere, no framing.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

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
        let user = token.as_deref().and_then(|t| user_of(&***state, t).ok());
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
    fn reader(&self, req: &HttpRequest) -> Result<bool, WebError> {
        match (&self.user, self.anonymous_read) {
            (Some(_), _) => Ok(true),
            (None, true) => Ok(false),
            (None, false) => Err(WebError::SignIn(req.uri().to_string())),
        }
    }

    fn signed_in(&self, req: &HttpRequest) -> Result<&User, WebError> {
        self.user
            .as_ref()
            .ok_or_else(|| WebError::SignIn(req.uri().to_string()))
    }

    fn csrf(&self) -> String {
        self.token.as_deref().map(csrf_token).unwrap_or_default()
    }

    /// A form that changes something: signed in, sent from this site, with this session's
    /// CSRF token.
    fn writer(&self, req: &HttpRequest, csrf: &str) -> Result<&User, WebError> {
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
fn own_origin(req: &HttpRequest) -> String {
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
fn same_origin(req: &HttpRequest) -> Result<(), WebError> {
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
    /// Anything else, with its Swedish message.
    App(AppError),
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebError::SignIn(_) => f.write_str("sign in"),
            WebError::Forbidden(m) | WebError::NotFound(m) => f.write_str(m),
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
            WebError::SignIn(_) => String::new(),
        };
        if status.is_server_error() {
            log::error!("web page failed: {self}");
        }
        html(status, pages::error_page(status, &message))
    }
}

fn app_message(e: &AppError) -> String {
    match e {
        AppError::Validation(errors) => errors.iter().map(|e| e.sv.clone()).collect::<Vec<_>>().join(" "),
        AppError::Conflict { sv, .. } => sv.clone(),
        AppError::PreconditionFailed { .. } => {
            "Någon annan har ändrat uppgifterna sedan du öppnade sidan. Ladda om sidan och gör ändringen igen.".into()
        }
        AppError::TooManyRequests { retry_after_seconds } => {
            format!("För många försök. Vänta {retry_after_seconds} sekunder och försök igen.")
        }
        AppError::Unavailable(_) => "Databasen svarar inte just nu. Försök igen om en stund.".into(),
        _ => "Något gick fel. Försök igen; hör av dig till förvaltningen om det händer igen.".into(),
    }
}

type WebResult = Result<HttpResponse, WebError>;

fn login_url(next: &str) -> String {
    format!("/logga-in?next={}", percent(next))
}

fn percent(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A page or fragment with the security headers every page carries.
fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        // Pages show internal numbers and who changed what: never kept by a shared cache.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(markup.into_string())
}

fn ok(markup: Markup) -> WebResult {
    Ok(html(StatusCode::OK, markup))
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// Who writes, from a page: the API's audit metadata.
fn meta(user: &User, req: &HttpRequest, reason: Option<&str>) -> Result<WriteMeta, WebError> {
    crate::service::write_meta(user, req, reason).map_err(WebError::from)
}

fn unit_not_found() -> WebError {
    WebError::NotFound("Enheten finns inte.".into())
}

/// The unit a page's path names.
fn unit_of<'d>(
    directory: &'d crate::directory::Directory,
    raw: &str,
) -> Result<&'d crate::domain::Unit, WebError> {
    directory.unit(parse_uuid(raw)?).ok_or_else(unit_not_found)
}

fn parse_uuid(raw: &str) -> Result<Uuid, WebError> {
    Uuid::parse_str(raw.trim()).map_err(|_| WebError::NotFound("Sidan finns inte.".into()))
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    area: String,
    /// The API's cursor for the next page ("Visa fler").
    #[serde(default)]
    cursor: String,
}

impl SearchForm {
    /// The address of this search, at `cursor` (none: the first page).
    pub fn link(&self, cursor: Option<&str>) -> String {
        let mut link = format!(
            "/?q={}&kind={}&area={}",
            percent(&self.q),
            percent(&self.kind),
            percent(&self.area)
        );
        if let Some(c) = cursor {
            link.push_str(&format!("&cursor={}", percent(c)));
        }
        link
    }
}

/// The lookup page: one search box, filters, results.
#[get("/")]
async fn lookup_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Query<SearchForm>,
) -> WebResult {
    let internal = session.reader(&req)?;
    let directory = state.directory.current();
    let results = pages::search_results(&directory, &form, internal, chrono::Utc::now());
    ok(pages::lookup(&session_view(&session), &directory, &form, results))
}

/// The results alone, for the script that updates them as you type.
#[get("/sok")]
async fn results_fragment(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Query<SearchForm>,
) -> WebResult {
    // For the script: a fragment that says to sign in, not a redirect to a whole page.
    let Ok(internal) = session.reader(&req) else {
        return Ok(html(StatusCode::UNAUTHORIZED, pages::signed_out_fragment()));
    };
    let directory = state.directory.current();
    ok(pages::search_results(
        &directory,
        &form,
        internal,
        chrono::Utc::now(),
    ))
}

/// What the layout needs to know about the caller.
pub struct SessionView {
    pub user: Option<User>,
    pub csrf: String,
    pub expired: bool,
}

fn session_view(session: &Session) -> SessionView {
    SessionView {
        user: session.user.clone(),
        csrf: session.csrf(),
        expired: session.expired,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NoticeParams {
    #[serde(default)]
    klart: Option<String>,
    /// "Who answers at …": a Borås time (`2026-11-25T12:30`, as a datetime-local field
    /// sends it) or an RFC 3339 moment; default now.
    #[serde(default)]
    vid: Option<String>,
}

/// The moment a page asks about: `vid` in Borås time or RFC 3339, else now (an unreadable
/// value is now too, and the page says which moment it shows).
fn asked_moment(raw: Option<&str>) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let raw = raw?.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    // (RFC 3339 has four-digit years; the form's field is checked below.)
    let local = chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M").ok()?;
    // Years the calendar knows (as `/v1/calendar`): no date arithmetic near chrono's limits.
    if !(1900..=2200).contains(&chrono::Datelike::year(&local)) {
        return None;
    }
    chrono_tz::Europe::Stockholm
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// One unit: every number the caller may see, telefontid, who is responsible, and a form to
/// report wrong information.
#[get("/enhet/{id}")]
async fn unit_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    notice: web::Query<NoticeParams>,
) -> WebResult {
    let internal = session.reader(&req)?;
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    let done = notice.klart.as_deref() == Some("rapport");
    ok(pages::unit(
        &session_view(&session),
        &directory,
        unit,
        internal,
        asked_moment(notice.vid.as_deref()),
        &pages::ReportForm {
            done,
            ..pages::ReportForm::default()
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportInput {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    proposed_number: String,
}

/// "Rapportera fel": the corrections API's report, from the unit page.
#[post("/enhet/{id}/rapport")]
async fn report_wrong(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<ReportInput>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?.clone();
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    let id = unit.id;
    let meta = meta(&user, &req, None)?;
    let what = Report {
        message: &form.message,
        contact_point_id: None,
        proposed_number: Some(form.proposed_number.as_str()).filter(|p| !p.trim().is_empty()),
    };
    match report(&state, unit, &user, meta, what).await {
        Err(AppError::Validation(errors)) => {
            let view = pages::ReportForm {
                message: form.message.clone(),
                proposed_number: form.proposed_number.clone(),
                errors,
                done: false,
            };
            let page = pages::unit(&session_view(&session), &directory, unit, true, None, &view);
            Ok(html(StatusCode::BAD_REQUEST, page))
        }
        Err(other) => Err(other.into()),
        Ok(_) => Ok(see_other(&format!("/enhet/{id}?klart=rapport#rapportera"))),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StreetForm {
    #[serde(default)]
    gata: String,
}

/// Which hemtjänst group (and funktionsstöd, myndighet) serves a street.
#[get("/gata")]
async fn street_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Query<StreetForm>,
) -> WebResult {
    let internal = session.reader(&req)?;
    let directory = state.directory.current();
    if form.gata.chars().count() > 100 {
        return Err(WebError::App(AppError::invalid(
            "gata",
            Invalid::new(
                "Gatunamnet är längre än 100 tecken.",
                "the street name is too long",
            ),
        )));
    }
    ok(pages::street(
        &session_view(&session),
        &directory,
        &form.gata,
        internal,
        chrono::Utc::now(),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginParams {
    #[serde(default)]
    next: String,
}

#[get("/logga-in")]
async fn login_page(session: Session, params: web::Query<LoginParams>) -> WebResult {
    ok(pages::login(
        &session_view(&session),
        &safe_next(&params.next),
        None,
    ))
}

/// Only a path of this site: never a redirect elsewhere.
fn safe_next(next: &str) -> String {
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
async fn login(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<LoginInput>,
) -> WebResult {
    same_origin(&req)?;
    let next = safe_next(&form.next);
    let signed = if form.token.trim().is_empty() {
        sign_in(&state, &req, &form.username, form.password.clone())
            .await
            .map(|(token, ttl)| (token, Some(ttl)))
    } else {
        let token = form.token.trim().to_owned();
        user_of(&**state, &token).map(|_| (token, None))
    };
    match signed {
        Ok((token, ttl)) => {
            let mut res = see_other(&next);
            res.add_cookie(&session_cookie(&req, token, ttl))
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

/// The session cookie for `token`: HttpOnly, Secure over https, SameSite=Lax (a link from mail
/// or chat opens the page signed in; every form that changes something carries a CSRF token,
/// and a GET changes nothing); as long as the token, when the service issued it.
fn session_cookie(req: &HttpRequest, token: String, ttl: Option<std::time::Duration>) -> Cookie<'static> {
    let secure = own_origin(req).starts_with("https:");
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

#[derive(Debug, Default, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

#[post("/logga-ut")]
async fn logout(session: Session, req: HttpRequest, form: web::Form<CsrfOnly>) -> WebResult {
    if session.user.is_some() {
        session.writer(&req, &form.csrf)?;
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    let mut res = see_other("/logga-in");
    res.add_cookie(&gone)
        .map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(res)
}

#[derive(Debug, Default, Deserialize)]
pub struct EditParams {
    #[serde(default)]
    sparat: Option<String>,
}

/// Editing a unit's numbers and telephone hours (editors of its organisation).
#[get("/enhet/{id}/redigera")]
async fn edit_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    params: web::Query<EditParams>,
) -> WebResult {
    let user = session.signed_in(&req)?;
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    user.editor_of(&directory, &unit.organisation_id)?;
    let notice = params
        .sparat
        .is_some()
        .then(|| pages::Notice::Ok("Ändringen är sparad.".into()));
    ok(pages::edit(
        &session_view(&session),
        &directory,
        unit,
        notice,
        None,
    ))
}

/// One number as the edit form sends it.
#[derive(Debug, Default, Deserialize)]
pub struct NumberInput {
    #[serde(default)]
    csrf: String,
    /// The unit's version the form was made from (If-Match).
    version: i64,
    #[serde(default)]
    label: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    visibility: String,
    /// `unknown` (not recorded), `always` (day and night), `open_during`, `closed_during` or
    /// `keep`.
    #[serde(default)]
    hours_mode: String,
    #[serde(default)]
    days_1: String,
    #[serde(default)]
    from_1: String,
    #[serde(default)]
    to_1: String,
    #[serde(default)]
    days_2: String,
    #[serde(default)]
    from_2: String,
    #[serde(default)]
    to_2: String,
    #[serde(default)]
    days_3: String,
    #[serde(default)]
    from_3: String,
    #[serde(default)]
    to_3: String,
    #[serde(default)]
    reason: String,
}

impl NumberInput {
    /// The change the form asks for to the number `stored`.
    fn patch(&self, stored: &crate::domain::ContactPoint) -> Result<ContactPointPatch, FieldError> {
        let visibility = match self.visibility.as_str() {
            "public" => Visibility::Public,
            _ => Visibility::Internal,
        };
        Ok(ContactPointPatch {
            label: Some(self.label.clone()),
            number: Some(self.number.clone()),
            visibility: Some(visibility),
            hours: Some(self.hours(stored.hours.as_ref())?),
            ..ContactPointPatch::default()
        })
    }

    /// The telephone hours of the form, keeping what the form does not show (date exceptions,
    /// validity) from the stored hours.
    fn hours(&self, stored: Option<&TelephoneHours>) -> Result<Option<TelephoneHours>, FieldError> {
        if self.hours_mode == "unknown" {
            return Ok(None);
        }
        if self.hours_mode == "always" {
            // Day and night as data, keeping the dated exceptions and validity.
            let mut always = TelephoneHours::always();
            if let Some(stored) = stored {
                always.exceptions = stored.exceptions.clone();
                always.valid_from = stored.valid_from;
                always.valid_to = stored.valid_to;
            }
            return Ok(Some(always));
        }
        if self.hours_mode == "keep" {
            return Ok(stored.cloned());
        }
        let rows = [
            (&self.days_1, &self.from_1, &self.to_1),
            (&self.days_2, &self.from_2, &self.to_2),
            (&self.days_3, &self.from_3, &self.to_3),
        ];
        let mut filled = Vec::new();
        for (days, from, to) in rows {
            let (from, to) = (from.trim(), to.trim());
            if days.is_empty() && from.is_empty() && to.is_empty() {
                continue;
            }
            if days.is_empty() {
                return Err(Invalid::new(
                    "välj vilka dagar tiden gäller",
                    "choose the days the span applies to",
                )
                .at("hours"));
            }
            filled.push((days.as_str(), from, to));
        }
        if filled.is_empty() {
            return Err(Invalid::new(
                "ange minst en tid då numret svarar, eller välj ”dygnet runt” eller ”telefontid saknas”",
                "give at least one span, or choose day and night or hours not recorded",
            )
            .at("hours"));
        }
        let unreadable = |what: &str| {
            Invalid::new(
                format!("telefontiden kan inte läsas: {}", shown(what)),
                format!("the hours cannot be read: {}", shown(what)),
            )
            .at("hours")
        };
        let mode = Mode::parse(&self.hours_mode).ok_or_else(|| unreadable(&self.hours_mode))?;
        let clock = |raw: &str| {
            Clock::try_from(raw.to_owned())
                .map_err(|e| Invalid::new("skriv tiderna som TT:MM, till exempel 08:00", e).at("hours"))
        };
        let mut weekly = Vec::new();
        for (days, from, to) in filled {
            weekly.push(WeeklySpan {
                days: [Days::parse(days).ok_or_else(|| unreadable(days))?].into(),
                from: clock(from)?,
                to: clock(to)?,
            });
        }
        Ok(Some(TelephoneHours {
            mode,
            weekly,
            exceptions: stored.map(|s| s.exceptions.clone()).unwrap_or_default(),
            valid_from: stored.and_then(|s| s.valid_from),
            valid_to: stored.and_then(|s| s.valid_to),
        }))
    }
}

/// Saves one number: the same change as `PATCH /v1/units/{id}/contact-points/{point}`.
#[post("/enhet/{id}/nummer/{point}")]
async fn save_number(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<NumberInput>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?.clone();
    let point_id = parse_uuid(&path.1)?;
    let directory = state.directory.current();
    let unit = unit_of(&directory, &path.0)?;
    user.editor_of(&directory, &unit.organisation_id)?;
    // The form again, with what was typed and why it was refused.
    let again = |errors: Vec<FieldError>| {
        let failed = Some((point_id, errors, &*form));
        let page = pages::edit(&session_view(&session), &directory, unit, None, failed);
        Ok(html(StatusCode::BAD_REQUEST, page))
    };
    let stored = unit.contact_points.iter().find(|c| c.id == point_id);
    let stored = stored.ok_or_else(|| WebError::NotFound("Numret finns inte längre.".into()))?;
    let patch = match form.patch(stored) {
        Ok(patch) => patch,
        Err(e) => return again(vec![e]),
    };
    let by = Author {
        user: &user,
        req: &req,
        reason: Some(form.reason.as_str()).filter(|r| !r.trim().is_empty()),
    };
    // A reason not fit to keep: the error page, as for a bad form.
    by.meta().map_err(WebError::from)?;
    let change = UnitChange::ChangeNumber(point_id, Box::new(patch));
    let saved = format!("/enhet/{}/redigera?sparat=1#nummer-{point_id}", unit.id);
    match units::change(&state, by, unit.id, Ok(form.version), change).await {
        Ok(_) => Ok(see_other(&saved)),
        Err(AppError::Validation(errors)) => again(errors),
        Err(AppError::PreconditionFailed { .. }) => stale_edit(&state, &session, unit.id),
        Err(other) => Err(other.into()),
    }
}

/// The editing page again, as stored now, after someone else changed the unit first.
fn stale_edit(state: &AppState, session: &Session, id: Uuid) -> WebResult {
    let (now, top) = (state.directory.current(), pages::Notice::Error(STALE.into()));
    let unit = now.unit(id).ok_or_else(unit_not_found)?;
    let page = pages::edit(&session_view(session), &now, unit, Some(top), None);
    Ok(html(StatusCode::PRECONDITION_FAILED, page))
}

/// Why an edit was not saved when someone else changed the unit first.
const STALE: &str = "Någon annan har ändrat enheten sedan du öppnade sidan, så din ändring sparades inte. \
     Sidan visar nu de senaste uppgifterna: gör din ändring igen.";

/// A unit's history: who changed what, when, and why.
#[get("/enhet/{id}/historik")]
async fn history_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> WebResult {
    session.signed_in(&req)?;
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    let id = unit.id;
    let rows = state::read(&state, move |conn| {
        audit::history(conn, Entity::Unit, &id.to_string())
    })
    .await?;
    ok(pages::history(&session_view(&session), unit, &rows))
}

/// "Att granska": the units to review, and the open reports, of the editor's organisations.
#[get("/granska")]
async fn review_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    notice: web::Query<NoticeParams>,
) -> WebResult {
    let user = session.signed_in(&req)?;
    if user.role == crate::domain::Role::Reader {
        return Err(WebError::Forbidden(
            "Sidan är för redaktörer: du har inget att granska.".into(),
        ));
    }
    let directory = state.directory.current();
    let open = state::read(&state, |conn| {
        correction_repo::list(conn, Some(CorrectionStatus::Open), None)
    })
    .await?;
    let open: Vec<Correction> = open
        .into_iter()
        .filter(|c| {
            directory
                .unit(c.unit_id)
                .is_some_and(|u| user.editor_of(&directory, &u.organisation_id).is_ok())
        })
        .collect();
    let notice = notice.klart.as_deref().map(|what| {
        pages::Notice::Ok(match what {
            "bekraftad" => "Enheten är bekräftad.".into(),
            "godtagen" => "Rapporten är godtagen.".into(),
            _ => "Rapporten är avvisad.".into(),
        })
    });
    ok(pages::review(
        &session_view(&session),
        &directory,
        user,
        &open,
        notice,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    csrf: String,
    version: i64,
}

/// "Kontrollerad, stämmer": the yearly review's confirm.
#[post("/enhet/{id}/bekrafta")]
async fn confirm_unit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<VersionForm>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?;
    let id = parse_uuid(&id)?;
    let by = Author {
        user,
        req: &req,
        reason: Some("årlig granskning"),
    };
    units::change(&state, by, id, Ok(form.version), UnitChange::Confirm).await?;
    Ok(see_other("/granska?klart=bekraftad"))
}

#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    version: i64,
    /// `godta` or `avvisa`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    reason: String,
}

/// Accept or reject a report.
#[post("/rattelse/{id}")]
async fn decide_correction(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<DecisionForm>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?;
    let id = parse_uuid(&id)?;
    let reason = Some(form.reason.as_str()).filter(|r| !r.trim().is_empty());
    let meta = meta(user, &req, reason)?;
    let (decision, done) = form.decision(meta.reason.is_some())?;
    decide(&state, user, meta, id, form.version, decision).await?;
    Ok(see_other(&format!("/granska?klart={done}")))
}

impl DecisionForm {
    /// The decision the form asks for, and the word for it in the page's address.
    fn decision(&self, has_reason: bool) -> Result<(Decision, &'static str), WebError> {
        match self.decision.as_str() {
            // An empty field: accept without changing any number.
            "godta" => {
                let number = Some(self.number.trim().to_owned()).filter(|n| !n.is_empty());
                Ok((Decision::Accept(Some(number)), "godtagen"))
            }
            "avvisa" if has_reason => Ok((Decision::Reject, "avvisad")),
            "avvisa" => Err(WebError::App(AppError::invalid(
                "reason",
                Invalid::new(
                    "Skriv varför rapporten avvisas; den som rapporterade ser det.",
                    "say why the report is rejected",
                ),
            ))),
            _ => Err(WebError::App(AppError::invalid(
                "decision",
                Invalid::new("Välj godta eller avvisa.", "choose accept or reject"),
            ))),
        }
    }
}

/// The embedded assets, by name, with a digest of their content for the URL.
struct Asset {
    body: &'static str,
    content_type: &'static str,
}

const CSS: Asset = Asset {
    body: include_str!("app.css"),
    content_type: "text/css; charset=utf-8",
};
const JS: Asset = Asset {
    body: include_str!("app.js"),
    content_type: "text/javascript; charset=utf-8",
};

/// `?v=` of the asset URLs: changes when an asset does, so a year-long cache is safe.
pub static ASSET_VERSION: LazyLock<String> = LazyLock::new(|| {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{}{}", CSS.body, JS.body).as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
});

#[get("/static/{name}")]
async fn asset(name: web::Path<String>) -> HttpResponse {
    let asset = match name.as_str() {
        "app.css" => CSS,
        "app.js" => JS,
        _ => {
            return html(
                StatusCode::NOT_FOUND,
                pages::error_page(StatusCode::NOT_FOUND, "Filen finns inte."),
            );
        }
    };
    HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(asset.body)
}
