//! Finding the one number: `GET /v1/lookup` (by name or word), `/v1/lookup/address` (by
//! street and house number: the district and every unit serving it), `/v1/lookup/preschool`
//! (the BVC of a preschool), and the holiday calendar the answers go by (`/v1/calendar`).

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::directory::answers::{Moment, Read};
use crate::directory::{Directory, UnitFilter};
use crate::domain::calendar::{Holiday, holidays};
use crate::domain::{Invalid, Purpose, Visibility, shown, today};
use crate::error::{AppError, AppResult, Problem, Suggestion};
use crate::service::search;
use crate::service::search::{FilterParams, FoundBy};
use crate::state::AppState;

use super::params::{NoParams, moment};
use super::views::{AreaRef, CallNowView, LookupResult, NumberView, UnitRef};
use super::{answered, json_bytes, params};

const DEFAULT_LIMIT: usize = 3;
const MAX_LIMIT: usize = 20;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LookupParams {
    /// What to look for, typed the way people type: "sodra torget", "herk", "Brämhlut", or a
    /// phone number.
    #[param(required = true, example = "sodra torget", max_length = 200)]
    q: Option<String>,
    /// Only units of these kinds, comma-separated.
    #[param(example = "vardcentral")]
    kind: Option<String>,
    /// Only units in this area.
    area: Option<String>,
    /// How many answers at most, 1–20 (default 3).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 20, example = 3)]
    limit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LookupResponse {
    /// The query as received.
    pub query: String,
    /// Best match first.
    pub results: Vec<LookupResult>,
    /// Words of `q` (folded) that matched no unit and were left out: the results match the
    /// most of the others.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_words: Vec<String>,
}

/// The one number to call.
///
/// Finds the active units that best match `q` and answers, for each, exactly one number: its
/// `vag_in` (one way in), in E.164 and national form and as a `tel:` URI. With several words,
/// the units that match the most of them, and the words that matched nothing in
/// `ignored_words`. When no word matches anything, the 404 problem lists the nearest names in
/// `suggestions`.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(LookupParams),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The best matches, each with its one number", body = LookupResponse),
        (status = 400, description = "Missing or bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token (and anonymous reading is off)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Nothing matches; see `suggestions`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/lookup")]
pub async fn lookup(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<LookupParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let directory = state.directory.current();
    // Now to the second, as each answer says it: the same answers all that second.
    let now = Utc::now().trunc_subsecs(0);
    let moment = Moment::Second(now.timestamp());
    let answer = || lookup_answer(&directory, query.into_inner(), internal, now);
    let body = directory.answer(Read::Lookup, req.query_string(), internal, moment, answer)?;
    Ok(answered(HttpResponse::Ok(), body))
}

/// The lookup's answer at `now`, or why there is none.
fn lookup_answer(
    directory: &Directory,
    p: LookupParams,
    internal: bool,
    now: DateTime<Utc>,
) -> AppResult<actix_web::web::Bytes> {
    let limit = params::limit(p.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let filter = search::filter(directory, p.filter(), internal)?;
    p.required(&filter)?;
    let page = directory
        .find(&filter, None, limit)
        .map_err(|e| AppError::invalid("q", e))?;
    let why = FoundBy::each(directory, &filter, &page, internal);
    let results: Vec<LookupResult> = page
        .units
        .iter()
        .zip(why)
        .filter_map(|(unit, found_by)| {
            LookupResult::new(directory, unit, internal, now).map(|r| LookupResult { found_by, ..r })
        })
        .collect();
    let q = p.q.unwrap_or_default();
    if results.is_empty() {
        let nearest = directory.suggestions(&filter, 3);
        return Err(AppError::NotFound {
            sv: format!("ingen aktiv enhet matchar '{}'", shown(&q)),
            en: format!("no active unit matches '{}'", shown(&q)),
            suggestions: nearest.into_iter().map(Suggestion::from).collect(),
        });
    }
    json_bytes(&LookupResponse {
        query: q,
        results,
        ignored_words: page.ignored_words,
    })
}

impl LookupParams {
    fn filter(&self) -> FilterParams<'_> {
        FilterParams {
            q: self.q.as_deref(),
            kind: self.kind.as_deref(),
            area: self.area.as_deref(),
            ..FilterParams::default()
        }
    }

    /// A lookup needs something to look for. Blank is the wrong form (400); text without a
    /// letter or digit to search for breaks a rule the document cannot state (422).
    fn required(&self, filter: &UnitFilter) -> AppResult<()> {
        if filter.query.is_some() {
            return Ok(());
        }
        let blank = self.q.as_deref().is_none_or(|q| q.trim().is_empty());
        let why = Invalid::new("ange vad du söker efter i q", "say what to look for in q");
        let why = if blank { why } else { why.as_rule() };
        Err(AppError::invalid("q", why))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Calendar {
    pub year: i32,
    /// Public holidays and the eves the joint plan counts as holidays, in date order.
    pub holidays: Vec<Holiday>,
}

/// The Swedish holiday calendar of a year.
///
/// Public holidays (helgdagar) and, marked `public_holiday: false`, the eves that the joint
/// plan counts as holidays: midsommarafton, julafton, nyårsafton.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(("year" = i32, Path, minimum = 1900, maximum = 2200)),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The year's holidays", body = Calendar),
        (status = 400, description = "Not a year from 1900 to 2200", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calendar/{year}")]
pub async fn calendar(
    caller: Caller,
    year: web::Path<String>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    caller.reader()?;
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| {
            AppError::invalid(
                "year",
                Invalid::new(
                    format!("'{}' är inget år mellan 1900 och 2200", shown(&year)),
                    format!("'{}' is not a year from 1900 to 2200", shown(&year)),
                ),
            )
        })?;
    Ok(HttpResponse::Ok().json(Calendar {
        year,
        holidays: holidays(year),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PreschoolParams {
    /// The preschool's name, or the beginnings of its words: "solros".
    #[param(required = true, example = "Solrosen", max_length = 200)]
    name: Option<String>,
    /// The moment for `call_now` (RFC 3339); default now.
    #[param(value_type = Option<String>, format = DateTime)]
    at: Option<String>,
}

/// A preschool and the BVC responsible for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreschoolAnswer {
    pub preschool: String,
    pub bvc: UnitRef,
    /// The BVC's one way in.
    pub call: NumberView,
    pub call_now: CallNowView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreschoolLookup {
    pub results: Vec<PreschoolAnswer>,
}

/// Which BVC (barnhälsovård) is responsible for a preschool.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(PreschoolParams),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The matching preschools and their BVC", body = PreschoolLookup),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No preschool by that name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/lookup/preschool")]
pub async fn preschool(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PreschoolParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let at = moment(query.at.as_deref())?;
    let name = query.name.as_deref().unwrap_or_default();
    let directory = state.directory.current();
    let found = search::preschools(&directory, name, crate::domain::today())
        .map_err(|e| AppError::invalid("name", e))?;
    let results: Vec<PreschoolAnswer> = found
        .into_iter()
        .filter_map(|(bvc, preschool)| {
            let call = bvc
                .vag_in()
                .filter(|c| internal || c.visibility == Visibility::Public)?;
            let answer = directory.call_now(bvc, Purpose::VagIn, at, internal)?;
            Some(PreschoolAnswer {
                preschool: preschool.to_owned(),
                bvc: UnitRef::new(&directory, bvc),
                call: NumberView::from(call),
                call_now: CallNowView::new(&directory, &answer, at),
            })
        })
        .collect();
    if results.is_empty() {
        return Err(AppError::not_found(
            format!("ingen förskola heter '{}'", shown(name)),
            format!("no preschool is called '{}'", shown(name)),
        ));
    }
    Ok(HttpResponse::Ok().json(PreschoolLookup { results }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AddressParams {
    /// A street, with its house number where the street is split between districts:
    /// "Sandwalls plats", "Allégatan 14", "Kungsg 12" (abbreviations as staff type them).
    #[param(required = true, example = "Sandwalls plats", max_length = 100)]
    street: Option<String>,
    /// The moment for `call_now` (RFC 3339); default now.
    #[param(value_type = Option<String>, format = DateTime)]
    at: Option<String>,
}

/// A unit serving the district, and who answers for it now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServingUnit {
    #[serde(flatten)]
    pub unit: UnitRef,
    pub call_now: CallNowView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddressAnswer {
    /// The street as the table writes it.
    pub street: String,
    /// The house number asked for, if one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub house_number: Option<u32>,
    /// The part of the street the district has, when it has not the whole street:
    /// "1–39, udda".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numbers: Option<String>,
    pub district: AreaRef,
    /// The district's active units: its hemtjänst groups, then funktionsstöd, then myndighet,
    /// then any other kind organised by district (e.g. kommunal primärvård).
    pub units: Vec<ServingUnit>,
}

/// Which hemtjänst group (and funktionsstöd and myndighet unit) serves a street.
///
/// Looks the street up in the street table (maintained by admins, `POST /v1/streets`), and
/// answers with the district's units and who to call for each now. A street split between
/// districts by house number needs the number: without it (422), or with one no part has
/// (404), the problem lists the parts.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(AddressParams),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The district and its units", body = AddressAnswer),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The street (or that house number of it) is not in the table; `suggestions` are not given, see `detail`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The street is split between districts and no house number was given; `detail` lists the parts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/lookup/address")]
pub async fn address(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AddressParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let street = query.street()?;
    let at = moment(query.at.as_deref())?;
    let directory = state.directory.current();
    let answer = crate::service::search::address(&directory, street)?;
    let (position, part) = &answer.parts[0];
    let district = directory.area_at(*position);
    let units = directory
        .units_in_area(&district.id, today())
        .into_iter()
        .filter_map(|unit| {
            let answer = directory.call_now(unit, Purpose::VagIn, at, internal)?;
            Some(ServingUnit {
                unit: UnitRef::new(&directory, unit),
                call_now: CallNowView::new(&directory, &answer, at),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(AddressAnswer {
        street: answer.street.clone(),
        house_number: answer.number,
        numbers: part.numbers_sv(),
        district: AreaRef {
            id: district.id.clone(),
            name: district.name.clone(),
        },
        units,
    }))
}

impl AddressParams {
    /// The street asked for: 1–100 characters, counted as sent (as the document's maxLength
    /// counts).
    fn street(&self) -> AppResult<&str> {
        let sent = self.street.as_deref().unwrap_or_default();
        if sent.trim().is_empty() || sent.chars().count() > 100 {
            return Err(AppError::invalid(
                "street",
                Invalid::new(
                    "ange ett gatunamn (högst 100 tecken)",
                    "give a street name (at most 100 characters)",
                ),
            ));
        }
        Ok(sent.trim())
    }
}
