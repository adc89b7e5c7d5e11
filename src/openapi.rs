//! The OpenAPI document, generated from the handlers' annotations. `openapi/openapi.json` is a
//! checked-in copy; a test fails when it drifts (`UPDATE_OPENAPI=1 cargo test` rewrites it).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kontaktnav",
        description = "Kontaktkatalog för närvården i Borås: en väg in till vårdcentraler, hemtjänst, funktionsstöd, myndighet och rehab.\n\nContact directory for health and social care in Borås, with a one-way-in lookup. Errors are `application/problem+json` (RFC 9457) with Swedish and English `detail`.\n\nEvery `/v1` operation needs a bearer token (JWT) except `POST /v1/auth/token`; reads accept anonymous callers only when the service runs with `ANONYMOUS_READ=true`, and then show `public` numbers only. Writes need `If-Match` with the `ETag` from the GET.",
        license(name = "MIT OR Apache-2.0"),
    ),
    modifiers(&BearerScheme),
    paths(
        routes::lookup::lookup,
        routes::now::call_now,
        routes::now::calendar,
        routes::now::responsible,
        routes::now::preschool,
        routes::streets::address,
        routes::streets::import_streets,
        routes::units::list_units,
        routes::units::get_unit,
        routes::history::unit_history,
        routes::editing::create_unit,
        routes::editing::update_unit,
        routes::editing::deactivate_unit,
        routes::editing::revert_unit,
        routes::editing::confirm_unit,
        routes::editing::add_contact_point,
        routes::editing::update_contact_point,
        routes::editing::remove_contact_point,
        routes::reference::list_organisations,
        routes::admin::get_organisation,
        routes::admin::create_organisation,
        routes::admin::update_organisation,
        routes::admin::deactivate_organisation,
        routes::reference::list_areas,
        routes::admin::get_area,
        routes::admin::create_area,
        routes::admin::update_area,
        routes::admin::deactivate_area,
        routes::reference::list_kinds,
        routes::admin::list_accounts,
        routes::admin::create_account,
        routes::admin::update_account,
        routes::history::audit_log,
        routes::reviews::reviews,
        routes::corrections::report_correction,
        routes::corrections::list_corrections,
        routes::corrections::get_correction,
        routes::corrections::accept_correction,
        routes::corrections::reject_correction,
        routes::sync::export,
        routes::sync::changes,
        routes::sync::unit_vcard,
        routes::sync::import,
        routes::session::issue_token,
        routes::session::me,
        routes::healthz,
        routes::readyz,
    ),
    components(schemas(
        crate::error::Problem,
        crate::error::ProblemField,
        crate::error::Suggestion,
        routes::params::ActiveParam,
    )),
    tags(
        (name = "lookup", description = "En väg in: the one number to call"),
        (name = "units", description = "Units and their contact points"),
        (name = "editing", description = "Changing units and their numbers (editors, admins)"),
        (name = "history", description = "Versions of a unit, and the audit log"),
        (name = "reference", description = "Organisations, areas and unit kinds"),
        (name = "admin", description = "Organisations, areas and accounts (admins)"),
        (name = "corrections", description = "Reports of wrong information, and their decisions"),
        (name = "sync", description = "Export and the change feed, for other systems"),
        (name = "auth", description = "Signing in"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme that the operations name.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A JWT from POST /v1/auth/token, `kontaktnav token`, or the configured identity provider",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document as served and as checked in: pretty JSON with a final newline.
pub fn document() -> String {
    let mut json = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}
