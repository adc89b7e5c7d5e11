//! The OpenAPI document, generated from the handlers' annotations. `openapi/openapi.json` is a
//! checked-in copy; a test fails when it drifts (`UPDATE_OPENAPI=1 cargo test` rewrites it).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kontaktnav",
        description = "Kontaktkatalog för närvården i Borås: en väg in till vårdcentraler, hemtjänst, funktionsstöd, myndighet och rehab.\n\nContact directory for health and social care in Borås, with a one-way-in lookup. Errors are `application/problem+json` (RFC 9457) with Swedish and English `detail`.\n\nEvery `/v1` operation needs a bearer token (JWT) except `POST /v1/auth/token`; reads accept anonymous callers only when the service runs with `ANONYMOUS_READ=true`, and then show `public` numbers only. Writes need `If-Match` with the `ETag` from the GET.",
        license(name = "MIT OR Apache-2.0"),
    ),
    modifiers(&BearerScheme, &CommonResponses),
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

/// The answers every operation of a kind can give, added where the operation does not name
/// them itself, so that the document lists every status the code can answer:
/// - 400: every operation refuses unknown or unreadable query parameters, path values and bodies
///   (`tests/api/contract.rs` sends each one an unknown parameter);
/// - 401: every operation that takes a token answers a missing or invalid one;
/// - 404: every address with an id answers for an id that names nothing;
/// - 503: the database does not answer (a pool that runs dry, a server that went away).
///
/// Each is a shared response (`#/components/responses/...`) with the problem document.
struct CommonResponses;

const COMMON: [(&str, &str, &str); 4] = [
    (
        "400",
        "BadRequest",
        "A parameter, a path value or the body cannot be read or is invalid; `errors` names each",
    ),
    ("401", "Unauthorized", "No token, or one that does not verify"),
    ("404", "NotFound", "Nothing by that id"),
    (
        "503",
        "Unavailable",
        "The database does not answer; try again after `Retry-After` seconds",
    ),
];

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let etag = utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .pattern(Some(r#"^"[0-9]+"$"#))
            .examples([serde_json::json!("\"3\"")])
            .build();
        let global_security = openapi.security.as_ref().is_some_and(|s| !s.is_empty());
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                // `If-Match` carries a strong ETag as GET sent it; other forms are refused.
                for parameter in operation.parameters.iter_mut().flatten() {
                    if let RefOr::T(p) = parameter
                        && p.name == "If-Match"
                    {
                        p.schema = Some(RefOr::T(utoipa::openapi::Schema::Object(etag.clone())));
                    }
                }
                let secured = operation
                    .security
                    .as_ref()
                    .map_or(global_security, |s| !s.is_empty());
                let has_path_id = operation.parameters.iter().flatten().any(|p| match p {
                    RefOr::T(p) => p.parameter_in == utoipa::openapi::path::ParameterIn::Path,
                    RefOr::Ref(_) => false,
                });
                for (status, name, _) in COMMON {
                    let applies = match status {
                        "401" => secured,
                        "404" => has_path_id,
                        _ => true,
                    };
                    if applies {
                        operation
                            .responses
                            .responses
                            .entry(status.to_owned())
                            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
                    }
                }
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        for (_, name, description) in COMMON {
            let mut response = Response::new(description);
            response.content.insert(
                crate::error::PROBLEM_JSON.to_owned(),
                RefOr::T(Content::new(Some(Ref::from_schema_name("Problem")))),
            );
            components.responses.insert(name.to_owned(), RefOr::T(response));
        }
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
