//! The API's operations, each listed once: routed from that list and documented from it (the
//! OpenAPI document, generated from the handlers' annotations). `openapi/openapi.json` is a
//! checked-in copy; a test fails when it drifts (`UPDATE_OPENAPI=1 cargo test` rewrites it).

use actix_web::web;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

use crate::routes;

/// Every operation of the API, once, by resource: [`ApiDoc`] documents exactly these and
/// [`configure_v1`] and [`configure_root`] route exactly these, so the document and the
/// routes cannot drift apart. An entry `handler => service` routes through `service` (a
/// resource with settings of its own) and documents `handler`.
macro_rules! operations {
    (
        v1: [$($($v1:ident)::+ $(=> $service:expr)?),* $(,)?],
        root: [$($($root:ident)::+),* $(,)?] $(,)?
    ) => {
        #[derive(OpenApi)]
        #[openapi(
            info(
                title = "kontaktnav",
                description = "Kontaktkatalog för närvården i Borås: en väg in till vårdcentraler, hemtjänst, funktionsstöd, myndighet och rehab.\n\nContact directory for health and social care in Borås, with a one-way-in lookup. Errors are `application/problem+json` (RFC 9457) with Swedish and English `detail`.\n\nEvery `/v1` operation needs a bearer token (JWT) except `POST /v1/auth/token`; reads accept anonymous callers only when the service runs with `ANONYMOUS_READ=true`, and then show `public` numbers only. Writes need `If-Match` with the `ETag` from the GET.",
                license(name = "MIT OR Apache-2.0"),
            ),
            modifiers(&BearerScheme, &CommonResponses),
            paths($($($v1)::+,)* $($($root)::+),*),
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

        /// Every operation under `/v1`.
        pub fn configure_v1(cfg: &mut web::ServiceConfig) {
            $(cfg.service(operations!(@service $($v1)::+ $(, $service)?));)*
        }

        /// The health checks, at the root.
        pub fn configure_root(cfg: &mut web::ServiceConfig) {
            $(cfg.service($($root)::+);)*
        }
    };
    (@service $handler:path) => { $handler };
    (@service $handler:path, $service:expr) => { $service };
}

operations! {
    v1: [
        // Finding the one number
        routes::lookup::lookup,
        routes::lookup::address,
        routes::lookup::preschool,
        routes::lookup::calendar,
        // Units
        routes::units::list_units,
        routes::units::get_unit,
        routes::units::create_unit,
        routes::units::update_unit,
        routes::units::deactivate_unit,
        routes::units::revert_unit,
        routes::units::confirm_unit,
        routes::units::unit_history,
        routes::units::call_now,
        routes::units::responsible,
        routes::units::unit_vcard,
        routes::units::list_kinds,
        // A unit's numbers
        routes::contact_points::add_contact_point,
        routes::contact_points::update_contact_point,
        routes::contact_points::remove_contact_point,
        // Organisations
        routes::organisations::list_organisations,
        routes::organisations::get_organisation,
        routes::organisations::create_organisation,
        routes::organisations::update_organisation,
        routes::organisations::deactivate_organisation,
        // Areas and districts, with their streets
        routes::areas::list_areas,
        routes::areas::get_area,
        routes::areas::create_area,
        routes::areas::update_area,
        routes::areas::deactivate_area,
        routes::areas::import_streets,
        // The search vocabulary
        routes::vocabulary::list_vocabulary,
        routes::vocabulary::replace_vocabulary,
        routes::vocabulary::create_word,
        routes::vocabulary::update_word,
        routes::vocabulary::remove_word,
        // Accounts
        routes::accounts::list_accounts,
        routes::accounts::create_account,
        routes::accounts::update_account,
        // Reports of wrong information
        routes::corrections::report_correction,
        routes::corrections::list_corrections,
        routes::corrections::get_correction,
        routes::corrections::accept_correction,
        routes::corrections::reject_correction,
        // The yearly review and the audit log
        routes::reviews::reviews,
        routes::audit::audit_log,
        // Export, the change feed, import
        routes::export::export,
        routes::export::changes,
        routes::export::import => routes::export::import_service(),
        // Signing in
        routes::session::issue_token,
        routes::session::change_password,
        routes::session::me,
    ],
    root: [routes::healthz, routes::readyz],
}

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
/// - 422: every operation that takes a body or query parameters answers a value of the right
///   form that breaks a rule (`domain::Invalid::rule`);
/// - 503: the database does not answer (a pool that runs dry, a server that went away).
///
/// Each is a shared response (`#/components/responses/...`) with the problem document.
struct CommonResponses;

const COMMON: [(&str, &str, &str); 5] = [
    (
        "400",
        "BadRequest",
        "A parameter, a path value or the body cannot be read or is invalid; `errors` names each",
    ),
    (
        "422",
        "UnprocessableContent",
        "Every refused value has the form this document gives it but breaks a rule of the directory: it names something that does not exist, is no number in any numbering plan, or contradicts another field; `errors` names each",
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
            // A list of entity tags (RFC 9110); only the strong one GET sent can match.
            .pattern(Some(
                r#"^[ \t]*(W/)?"[!#-~]*"([ \t]*,[ \t]*(W/)?"[!#-~]*")*[ \t]*$"#,
            ))
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
                let has_in = |place: utoipa::openapi::path::ParameterIn| {
                    operation.parameters.iter().flatten().any(|p| match p {
                        RefOr::T(p) => p.parameter_in == place,
                        RefOr::Ref(_) => false,
                    })
                };
                let has_path_id = has_in(utoipa::openapi::path::ParameterIn::Path);
                let has_query = has_in(utoipa::openapi::path::ParameterIn::Query);
                for (status, name, _) in COMMON {
                    let applies = match status {
                        "401" => secured,
                        "404" => has_path_id,
                        "422" => operation.request_body.is_some() || has_query,
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

/// The document as served and as checked in: the annotations' document with the form of
/// every request value written in ([`constrain`]).
pub fn document_value() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    constrain(&mut doc);
    link(&mut doc);
    doc
}

/// OpenAPI links: from a read or a write of a unit, organisation or area to the writes that
/// take its id and its `ETag` as `If-Match`, so that a client (and schemathesis's stateful
/// tests) can follow read → change → change again.
fn link(doc: &mut serde_json::Value) {
    use serde_json::json;
    let id_from_body = "$response.body#/id";
    let id_from_path = "$request.path.id";
    let etag = "$response.header.ETag";
    let unit_writes = [
        "update_unit",
        "add_contact_point",
        "confirm_unit",
        "deactivate_unit",
    ];
    /// Path, method, status, where the id comes from, reads and writes it links to.
    type Row<'a> = (&'a str, &'a str, &'a str, &'a str, &'a [&'a str], &'a [&'a str]);
    let rows: [Row; 6] = [
        (
            "/v1/units",
            "post",
            "201",
            id_from_body,
            &["get_unit", "unit_history", "call_now"],
            &unit_writes,
        ),
        (
            "/v1/units/{id}",
            "get",
            "200",
            id_from_body,
            &["unit_history", "call_now"],
            &unit_writes,
        ),
        (
            "/v1/units/{id}",
            "patch",
            "200",
            id_from_body,
            &["get_unit"],
            &unit_writes,
        ),
        (
            "/v1/organisations",
            "post",
            "201",
            id_from_body,
            &["get_organisation"],
            &["update_organisation"],
        ),
        (
            "/v1/organisations/{id}",
            "get",
            "200",
            id_from_path,
            &[],
            &["update_organisation"],
        ),
        (
            "/v1/areas/{id}",
            "get",
            "200",
            id_from_path,
            &[],
            &["update_area"],
        ),
    ];
    for (path, method, status, id, reads, writes) in rows {
        let Some(response) = doc.pointer_mut(&format!(
            "/paths/{}/{method}/responses/{status}",
            path.replace('~', "~0").replace('/', "~1")
        )) else {
            continue;
        };
        let mut links = serde_json::Map::new();
        for op in reads.iter() {
            links.insert(
                op.to_string(),
                json!({"operationId": op, "parameters": {"path.id": id}}),
            );
        }
        for op in writes.iter() {
            links.insert(
                op.to_string(),
                json!({"operationId": op, "parameters": {"path.id": id, "header.If-Match": etag}}),
            );
        }
        if let Some(map) = response.as_object_mut() {
            map.insert("links".into(), serde_json::Value::Object(links));
        }
    }
}

/// The document as served and as checked in: pretty JSON with a final newline.
pub fn document() -> String {
    let mut json =
        serde_json::to_string_pretty(&document_value()).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}

// The form of text, as `domain::text::check` and the domain's field rules read it, written as
// JSON Schema patterns (the character classes are the same lists as there):
/// Characters no text may hold: controls but tab and line breaks, direction overrides.
const FORBIDDEN: &str = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069";
/// White space that trimming removes (the controls among it are forbidden anyway).
const SPACE: &str = r"\t\n\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// Characters that show nothing.
const INVISIBLE: &str = r"\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0";

/// Text with something to read in it.
fn text() -> String {
    format!("^[^{FORBIDDEN}]*[^{FORBIDDEN}{SPACE}{INVISIBLE}][^{FORBIDDEN}]*$")
}

/// Text that may also be blank (read as "none").
fn optional_text() -> String {
    format!("^([{SPACE}]*|[^{FORBIDDEN}]*[^{FORBIDDEN}{SPACE}{INVISIBLE}][^{FORBIDDEN}]*)$")
}

/// What a phone number may be typed with (whether it is a number at all is a rule, 422).
fn phone(optional: bool) -> String {
    let number = format!("[{SPACE}]*[0-9()+./-][0-9 ()+./-]*[{SPACE}]*");
    if optional {
        format!("^([{SPACE}]*|{number})$")
    } else {
        format!("^{number}$")
    }
}

/// Ids of organisations and areas (`domain::edit::slug`).
const SLUG: &str = "^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$";

/// The rules for one value: pattern, least and most characters.
struct Form {
    pattern: String,
    min: Option<usize>,
    max: Option<usize>,
}

fn form(pattern: String, min: Option<usize>, max: Option<usize>) -> Option<Form> {
    Some(Form { pattern, min, max })
}

/// The form of a request value by its name (body property, query or path parameter), with the
/// limits of the domain's own constants. `schema` is the body schema or `""` for parameters.
fn form_of(schema: &str, name: &str) -> Option<Form> {
    use crate::domain::{MAX_ADDRESS_CHARS, MAX_LABEL_CHARS, MAX_NAME_CHARS, MAX_NOTE_CHARS};
    // Limits count characters as sent (`domain::bounded_text`), blanks around included.
    let hsa = format!("[{SPACE}]*[Ss][Ee][0-9]{{10}}-[A-Za-z0-9]{{1,18}}[{SPACE}]*");
    let codes = |codes: &[&str]| format!("[{SPACE}]*({})[{SPACE}]*", codes.join("|"));
    let kinds: Vec<&str> = crate::domain::UnitKind::ALL.iter().map(|k| k.code()).collect();
    let kinds = codes(&kinds);
    let statuses: Vec<&str> = crate::domain::CorrectionStatus::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    let entities: Vec<&str> = crate::db::audit::Entity::ALL_CODES.split(", ").collect();
    match (schema, name) {
        ("", "id") | (_, "organisation_id" | "organisation" | "area") => form(SLUG.into(), None, None),
        (_, "parent_id") => form(format!("^([{SPACE}]*|{})$", &SLUG[1..SLUG.len() - 1]), None, None),
        ("NewOrganisation" | "NewArea", "id") => form(SLUG.into(), None, None),
        (_, "username") => form(
            format!("^[{SPACE}]*[A-Za-z0-9._@-]{{2,64}}[{SPACE}]*$"),
            None,
            None,
        ),
        (_, "password" | "new_password") => form(
            optional_text(),
            Some(crate::auth::passwords::MIN_PASSWORD_CHARS),
            Some(crate::auth::passwords::MAX_PASSWORD_CHARS),
        ),
        (_, "present_password") => form(
            optional_text(),
            None,
            Some(crate::auth::passwords::MAX_PASSWORD_CHARS),
        ),
        (_, "name") => form(text(), Some(1), Some(MAX_NAME_CHARS)),
        (_, "display_name") => form(text(), Some(1), Some(MAX_LABEL_CHARS)),
        (_, "short_name") => form(
            optional_text(),
            None,
            Some(crate::domain::edit::MAX_SHORT_NAME_CHARS),
        ),
        (_, "label") => form(text(), Some(1), Some(MAX_LABEL_CHARS)),
        (_, "message") => form(
            text(),
            Some(1),
            Some(crate::domain::correction::MAX_MESSAGE_CHARS),
        ),
        ("RejectBody", "reason") => form(text(), Some(1), Some(crate::domain::edit::MAX_REASON_CHARS)),
        (_, "reason") => form(optional_text(), None, Some(crate::domain::edit::MAX_REASON_CHARS)),
        ("DateException", "note") => form(
            optional_text(),
            None,
            Some(crate::domain::hours::MAX_EXCEPTION_NOTE_CHARS),
        ),
        ("Period", "note") => form(
            optional_text(),
            None,
            Some(crate::domain::hours::MAX_PERIOD_NOTE_CHARS),
        ),
        ("Notice", "text") => form(text(), Some(1), Some(crate::domain::hours::MAX_PERIOD_NOTE_CHARS)),
        (_, "note") => form(optional_text(), None, Some(MAX_NOTE_CHARS)),
        ("NewWord" | "", "word") => form(text(), Some(1), Some(crate::domain::vocabulary::MAX_WORD_CHARS)),
        (_, "expansion") => form(
            text(),
            Some(1),
            Some(crate::domain::vocabulary::MAX_EXPANSION_CHARS),
        ),
        (_, "street" | "city" | "postal_code") if schema.starts_with("Address") => {
            form(optional_text(), None, Some(MAX_ADDRESS_CHARS))
        }
        ("", "street") | (_, "street_name") | ("StreetPart", "street") | ("StreetInput", "") => {
            form(text(), Some(1), Some(100))
        }
        (_, "preschool") => form(text(), Some(1), Some(MAX_NAME_CHARS)),
        ("", "q") => form(optional_text(), None, Some(200)),
        ("", "kind") => form(format!("^{kinds}(,{kinds})*$"), None, None),
        ("", "status") => form(format!("^{}$", codes(&statuses)), None, None),
        ("", "entity_type") => form(format!("^{}$", codes(&entities)), None, None),
        ("", "format") => form(
            format!("^{}$", codes(&crate::routes::export::FORMATS)),
            None,
            None,
        ),
        (_, "number") => form(phone(false), Some(1), Some(40)),
        (_, "proposed_number") => form(phone(true), None, Some(40)),
        (_, "hsa_id") => form(format!("^([{SPACE}]*|{hsa})$"), None, None),
        _ => None,
    }
}

/// Writes the form of every string a request carries into the document: the fields of request
/// bodies (and the schemas they use) and the query and path parameters, by [`form_of`]; any
/// other text gets the common rule of [`optional_text`] (what `domain::text::check` lets
/// through). Values with a format, an enumeration or a pattern of their own keep it. Lists of
/// names (`area_ids`, `preschools`, `streets`) take the form of their items.
fn constrain(doc: &mut serde_json::Value) {
    use serde_json::Value;
    fn apply(schema: &mut Value, owner: &str, name: &str) {
        let Some(map) = schema.as_object_mut() else { return };
        let is_string = match map.get("type") {
            Some(Value::String(t)) => t == "string",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
            _ => false,
        };
        if map.get("type").and_then(Value::as_str) == Some("array")
            || map
                .get("type")
                .and_then(Value::as_array)
                .is_some_and(|ts| ts.iter().any(|t| t == "array"))
        {
            if matches!(name, "periods" | "notices") {
                map.entry("maxItems")
                    .or_insert(Value::from(crate::domain::hours::MAX_PERIODS));
            }
            if name == "expansions" {
                map.entry("minItems").or_insert(Value::from(1));
                map.entry("maxItems")
                    .or_insert(Value::from(crate::domain::vocabulary::MAX_EXPANSIONS));
            }
            let item_name = match name {
                "expansions" => "expansion",
                "area_ids" | "organisations" => "area",
                "preschools" => "preschool",
                "streets" => "street_name",
                other => other,
            };
            if let Some(items) = map.get_mut("items") {
                apply(items, owner, item_name);
            }
            return;
        }
        if !is_string
            || ["format", "enum", "pattern", "$ref"]
                .iter()
                .any(|k| map.contains_key(*k))
        {
            return;
        }
        // A required parameter takes the form of its name; if that is optional text, it must
        // have something in it.
        let form = match owner {
            "required" => form_of("", name).map(|f| match f.pattern == optional_text() {
                true => Form {
                    pattern: text(),
                    min: Some(1),
                    ..f
                },
                false => f,
            }),
            _ => form_of(owner, name),
        };
        let form = form.unwrap_or(Form {
            pattern: optional_text(),
            min: None,
            max: None,
        });
        map.insert("pattern".into(), Value::String(form.pattern));
        if let Some(min) = form.min {
            map.entry("minLength").or_insert(Value::from(min));
        }
        if let Some(max) = form.max {
            map.entry("maxLength").or_insert(Value::from(max));
        }
    }
    // The schemas request bodies name, and those they name in turn.
    let mut wanted: Vec<String> = Vec::new();
    let refs = |v: &Value, out: &mut Vec<String>| {
        let text = v.to_string();
        for part in text.split("#/components/schemas/").skip(1) {
            if let Some(name) = part.split('"').next() {
                out.push(name.to_owned());
            }
        }
    };
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for op in item.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                if let Some(body) = op.get("requestBody") {
                    refs(body, &mut wanted);
                }
                for p in op
                    .get_mut("parameters")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    let (Some(name), Some(place)) = (
                        p.get("name").and_then(Value::as_str).map(str::to_owned),
                        p.get("in").and_then(Value::as_str).map(str::to_owned),
                    ) else {
                        continue;
                    };
                    if place == "header" {
                        continue;
                    }
                    let required = p.get("required").and_then(Value::as_bool) == Some(true);
                    if let Some(schema) = p.get_mut("schema") {
                        apply(schema, if required { "required" } else { "" }, &name);
                    }
                }
            }
        }
    }
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut i = 0;
    while i < wanted.len() {
        if let Some(schema) = schemas.get(&wanted[i]) {
            let mut more = Vec::new();
            refs(schema, &mut more);
            for m in more {
                if !wanted.contains(&m) {
                    wanted.push(m);
                }
            }
        }
        i += 1;
    }
    fn properties(schema: &mut Value, owner: &str) {
        if let Some(parts) = schema.get_mut("allOf").and_then(Value::as_array_mut) {
            for part in parts {
                properties(part, owner);
            }
        } else if let Some(parts) = schema.get_mut("oneOf").and_then(Value::as_array_mut) {
            // One of several forms: an object's fields, or a bare value (named "").
            for part in parts {
                if part.get("properties").is_some() {
                    properties(part, owner);
                } else {
                    apply(part, owner, "");
                }
            }
        } else if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            for (prop, p) in props.iter_mut() {
                apply(p, owner, prop);
            }
        }
    }
    for name in wanted {
        if let Some(schema) = schemas.get_mut(&name) {
            properties(schema, &name);
        }
    }
    // A time of day (`domain::hours::Clock`): HH:MM from 00:00 to 24:00.
    if let Some(clock) = schemas.get_mut("Clock").and_then(Value::as_object_mut) {
        clock.insert(
            "pattern".into(),
            Value::String(format!(
                "^[{SPACE}]*(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)[{SPACE}]*$"
            )),
        );
    }
}
