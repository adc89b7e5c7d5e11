//! A request to a page that is refused before the page's handler runs (text the service never
//! reads, such as a direction override in the query, refused by `routes::text_guard` for
//! every address) is answered as pages answer: in HTML, the refusal in Swedish, not as the
//! API's problem document. A fragment the page's script asks for (results as you type, the
//! number or the hours as they will be saved) gets a fragment; a page gets the error page.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::Next;
use maud::html;

use super::{PAGES, html as page_response, pages};

/// The fragments the pages' script fetches.
const FRAGMENTS: [&str; 3] = ["/sok", "/nummer", "/telefontid"];

/// Whether `path` is one of the pages' addresses (`{…}` stands for any one segment).
fn is_page(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    PAGES.iter().any(|(pattern, _)| {
        let parts: Vec<&str> = pattern.split('/').collect();
        parts.len() == segments.len()
            && parts
                .iter()
                .zip(&segments)
                .all(|(p, s)| p == s || (p.starts_with('{') && p.ends_with('}')))
    })
}

pub async fn refusals_as_html(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> actix_web::Result<ServiceResponse<EitherBody<impl MessageBody>>> {
    let path = req.path().to_owned();
    let res = next.call(req).await?;
    let problem = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/problem+json"));
    if res.status() != StatusCode::BAD_REQUEST || !problem || !is_page(&path) {
        return Ok(res.map_into_left_body());
    }
    let (req, res) = res.into_parts();
    let body = actix_web::body::to_bytes(res.into_body())
        .await
        .unwrap_or_default();
    let detail = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["detail"].as_str().map(str::to_owned))
        .unwrap_or_default();
    // The detail is "svenska / English"; a page speaks Swedish.
    let swedish = detail.split(" / ").next().unwrap_or_default().to_owned();
    let markup = if FRAGMENTS.contains(&path.as_str()) {
        html! { p.field-error { (swedish) } }
    } else {
        pages::error_page(StatusCode::BAD_REQUEST, &swedish)
    };
    let res = page_response(StatusCode::BAD_REQUEST, markup);
    Ok(ServiceResponse::new(req, res).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::is_page;

    #[test]
    fn page_addresses_are_told_from_the_apis() {
        assert!(is_page("/telefontid"));
        assert!(is_page("/enhet/abc/nummer/def"));
        assert!(!is_page("/v1/units"));
        assert!(!is_page("/enhet/abc/nummer/def/extra"));
    }
}
