//! A whole table replaced from an uploaded CSV file (the street table, the vocabulary): the
//! header checked first, every problem with its line and in line order, problems inside the
//! file as broken rules (422: the document can only say "text/csv"), and an empty file that
//! empties the table only when asked (`clear=true`).

use crate::domain::{FieldError, Invalid};
use crate::error::{AppError, AppResult};

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
