//! The OpenAPI document, generated from the handlers' annotations. `openapi/openapi.json` is a
//! checked-in copy; a test fails when it drifts (`UPDATE_OPENAPI=1 cargo test` rewrites it).

use utoipa::OpenApi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kontaktnav",
        description = "Kontaktkatalog för närvården i Borås: en väg in till vårdcentraler, hemtjänst, funktionsstöd, myndighet och rehab.\n\nContact directory for health and social care in Borås, with a one-way-in lookup. Errors are `application/problem+json` (RFC 9457) with Swedish and English `detail`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        routes::lookup::lookup,
        routes::units::list_units,
        routes::units::get_unit,
        routes::reference::list_organisations,
        routes::reference::list_areas,
        routes::reference::list_kinds,
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
        (name = "reference", description = "Organisations, areas and unit kinds"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

/// The document as served and as checked in: pretty JSON with a final newline.
pub fn document() -> String {
    let mut json = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}
