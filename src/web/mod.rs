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
//! service functions as the API (`service/`), so roles, If-Match versions and the audit history
//! apply unchanged; they import nothing from `routes/`.
//!
//! One module per page family: lookup, editing, review, admin (files, accounts, the log, the
//! vocabulary), reference (organisations and areas); session.rs (the cookie, CSRF, errors,
//! signing in), forms.rs (what the forms send), pages.rs (the markup, maud).

mod admin;
mod editing;
mod forms;
mod lookup;
mod pages;
mod reference;
mod refusals;
mod review;
mod session;

use std::sync::LazyLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, get, web};
use maud::Markup;
use uuid::Uuid;

pub use refusals::refusals_as_html;
use session::{WebError, WebResult};
pub use session::{form_error, renew_session};

/// Every page once, with its address and methods: `configure` registers the handlers, and
/// `PAGES` lists the addresses for `Allow` and 405 (`tests/api/contract.rs` checks them against
/// what the server answers). Both come from the one list below.
macro_rules! pages {
    ($($path:literal => [$($method:ident $handler:path),+ $(,)?]),* $(,)?) => {
        pub fn configure(cfg: &mut web::ServiceConfig) {
            $($(cfg.service($handler);)+)*
        }

        /// The pages' addresses and methods.
        pub const PAGES: &[(&str, &[Method])] = &[$(($path, &[$(Method::$method),+])),*];
    };
}

pages! {
    "/" => [GET lookup::lookup_page],
    "/sok" => [GET lookup::results_fragment],
    "/enhet/{id}" => [GET lookup::unit_page],
    "/enhet/{id}/rapport" => [POST lookup::report_wrong],
    "/gata" => [GET lookup::street_page],
    "/logga-in" => [GET session::login_page, POST session::login],
    "/logga-ut" => [POST session::logout],
    "/byt-losenord" => [GET session::password_page, POST session::change_password],
    "/enhet/{id}/redigera" => [GET editing::edit_page],
    "/enhet/{id}/uppgifter" => [GET editing::unit_fields_page, POST editing::save_unit_fields],
    "/enhet/{id}/avsluta" => [POST editing::deactivate_unit],
    "/ny-enhet" => [GET editing::new_unit_page, POST editing::create_unit],
    "/nummer" => [GET editing::number_check],
    "/telefontid" => [GET editing::hours_check],
    "/enhet/{id}/nummer" => [POST editing::add_number],
    "/enhet/{id}/nummer/{point}" => [POST editing::save_number],
    "/enhet/{id}/nummer/{point}/ta-bort" => [POST editing::remove_number],
    "/enhet/{id}/historik" => [GET editing::history_page],
    "/enhet/{id}/aterstall" => [POST editing::revert_unit],
    "/granska" => [GET review::review_page],
    "/import" => [GET admin::import_page, POST admin::import_file],
    "/konton" => [GET admin::accounts_page, POST admin::create_account],
    "/konton/{username}" => [POST admin::change_account],
    "/logg" => [GET admin::audit_page],
    "/organisationer" => [GET reference::organisations_page, POST reference::create_organisation],
    "/organisationer/{id}" => [POST reference::change_organisation],
    "/omraden" => [GET reference::areas_page, POST reference::create_area],
    "/omraden/{id}" => [POST reference::change_area],
    "/ord" => [GET admin::vocabulary_page, POST admin::add_word],
    "/ord/{word}" => [POST admin::change_word],
    "/enhet/{id}/bekrafta" => [POST review::confirm_unit],
    "/rattelse/{id}" => [POST review::decide_correction],
    "/static/{name}" => [GET asset],
}

/// No inline script or style, nothing from elsewhere, no framing.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

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
