//! Uploaded CSV files: the start every admin upload shares ([`begin`]), and a whole table
//! replaced from a file (the street table, the vocabulary): the
//! header checked first, every problem with its line and in line order, problems inside the
//! file as broken rules (422: the document can only say "text/csv"), and an empty file that
//! empties the table only when asked (`clear=true`).

use actix_web::HttpRequest;

use crate::auth::SignedIn;
use crate::db::audit::WriteMeta;
use crate::domain::{FieldError, Invalid};
use crate::error::{AppError, AppResult};
use crate::service::write_meta;

/// The start of every admin's CSV upload (units, streets, the vocabulary), in the API's
/// order: the caller is an admin, the body is CSV (`what`: the file, in Swedish and English),
/// and what the audit event records.
pub fn begin(
    user: &SignedIn,
    req: &HttpRequest,
    what: (&str, &str),
    reason: Option<&str>,
) -> AppResult<WriteMeta> {
    let user = user.admin()?;
    super::require_csv(req, what.0, what.1)?;
    write_meta(user, req, reason)
}

/// A reader over `body` whose header has every one of `columns` (each an English name and its
/// Swedish alias); otherwise `header_sv`/`header_en` as the problem of line 1.
pub fn reader<'a>(
    body: &'a str,
    columns: &[(&str, &str)],
    header_sv: &str,
    header_en: &str,
) -> Result<csv::Reader<&'a [u8]>, Vec<FieldError>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_owned).collect())
        .unwrap_or_default();
    let has = |(a, b): &(&str, &str)| header.iter().any(|h| h == a || h == b);
    if columns.iter().all(has) {
        Ok(reader)
    } else {
        Err(vec![Invalid::new(header_sv, header_en).at("line 1")])
    }
}

/// Puts problems in the order of their lines (`line 7: number` is line 7).
pub fn by_line(errors: &mut [FieldError]) {
    errors.sort_by_key(|e| {
        e.field
            .split(':')
            .next()
            .and_then(|l| l.trim_start_matches("line ").parse::<usize>().ok())
    });
}

/// What is wrong inside a file breaks a rule (422).
pub fn problems(errors: Vec<FieldError>) -> AppError {
    AppError::Validation(
        errors
            .into_iter()
            .map(|e| FieldError { rule: true, ..e })
            .collect(),
    )
}

/// A file without rows would empty the whole table: only with `clear`, and `clear` only with
/// a file without rows. `what_sv`/`what_en` name the rows and the table: ("gator",
/// "gatutabellen"), ("streets", "street table").
pub fn check_clear(rows: usize, clear: bool, what_sv: (&str, &str), what_en: (&str, &str)) -> AppResult<()> {
    match (rows, clear) {
        (0, false) => Err(AppError::invalid(
            "body",
            Invalid::rule(
                format!(
                    "filen har inga {}; en uppladdning utan rader skulle tömma hela {}. Vill du det, skicka clear=true",
                    what_sv.0, what_sv.1
                ),
                format!(
                    "the file has no {}; an upload without rows would empty the whole {}. To do that on purpose, send clear=true",
                    what_en.0, what_en.1
                ),
            ),
        )),
        (n, true) if n > 0 => Err(AppError::invalid(
            "clear",
            Invalid::rule(
                format!(
                    "clear=true tömmer {} och tar en fil utan rader (bara rubrikraden)",
                    what_sv.1
                ),
                format!(
                    "clear=true empties the {} and takes a file without rows (the header only)",
                    what_en.1
                ),
            ),
        )),
        _ => Ok(()),
    }
}

/// The body as text: a CSV file must be UTF-8. A file saved as Latin-1 or Windows-1252 (as
/// older spreadsheets do) is refused with the line of its first such byte and how to save it.
pub fn utf8_text(bytes: &[u8]) -> AppResult<&str> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        let why = Invalid::new(
            format!(
                "filen är inte UTF-8 (rad {line} har ett tecken i en annan teckenkodning, troligen Latin-1); spara den som \"CSV UTF-8\""
            ),
            format!(
                "the file is not UTF-8 (line {line} has a character in another encoding, probably Latin-1); save it as \"CSV UTF-8\""
            ),
        )
        .at(format!("line {line}"));
        AppError::Validation(vec![why])
    })
}
