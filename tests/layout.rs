//! The crate's plumbing, measured from its source (issue 15): which top-level modules import
//! which (`crate::x` in the code outside `#[cfg(test)]`), the import circles between them, the
//! storage and format modules that speak HTTP (a status, the service's HTTP error, a route of
//! the API), the web pages that reach into the routes, and formats that touch the database.
//! There are none of any of these.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What speaks HTTP: the service's HTTP error, a status, a response, or a route of the API
/// (in code; a comment may say which route uses a function).
const HTTP_WORDS: &[&str] = &[
    "AppError",
    "AppResult",
    "StatusCode",
    "HttpResponse",
    "actix",
    "/v1/",
];

fn speaks_http(text: &str) -> bool {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .any(|l| HTTP_WORDS.iter().any(|w| l.contains(w)))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its test module.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("source");
    match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// The top-level module a file belongs to: `src/db/units.rs` → `db`, `src/watch.rs` → `watch`.
fn top(src: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

/// Every `crate::name` a text names.
fn crate_paths(text: &str) -> BTreeSet<String> {
    text.match_indices("crate::")
        .map(|(i, _)| {
            text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|m| !m.is_empty())
        .collect()
}

/// The modules that lie on a circle: those that reach themselves.
fn in_circles(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<String> {
    let reaches = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = vec![from];
        while let Some(m) = stack.pop() {
            for next in graph.get(m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next);
                }
            }
        }
        seen
    };
    graph
        .keys()
        .filter(|m| reaches(m).contains(*m))
        .cloned()
        .collect()
}

#[test]
fn the_plumbing_only_gets_better() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut db_speaking_http = Vec::new();
    let mut web_to_routes = Vec::new();
    let mut impure_formats = Vec::new();
    for path in &files {
        let module = top(&src, path);
        if module == "main" || module == "lib" {
            continue;
        }
        let text = code(path);
        let uses = crate_paths(&text);
        graph
            .entry(module.clone())
            .or_default()
            .extend(uses.into_iter().filter(|m| *m != module));
        if (module == "db" || module == "formats") && speaks_http(&text) {
            db_speaking_http.push(path.display().to_string());
        }
        if module == "formats" && ["diesel", "crate::db"].iter().any(|w| text.contains(w)) {
            impure_formats.push(path.display().to_string());
        }
        if module == "web" {
            web_to_routes.extend(
                text.lines()
                    .filter(|l| l.contains("crate::routes"))
                    .map(|l| format!("{}: {}", path.display(), l.trim())),
            );
        }
    }
    let circles = in_circles(&graph);
    println!("modules and what they import: {graph:#?}");
    println!("on import circles: {circles:?}");
    println!("storage and format files that speak HTTP: {db_speaking_http:#?}");
    println!("web imports of routes: {web_to_routes:#?}");
    assert!(circles.is_empty(), "modules on import circles: {circles:?}");
    assert!(
        impure_formats.is_empty(),
        "formats are pure (no database): {impure_formats:#?}"
    );
    assert!(
        db_speaking_http.is_empty(),
        "storage and formats speak HTTP (map their errors in error.rs instead): {db_speaking_http:#?}"
    );
    assert!(
        web_to_routes.is_empty(),
        "the pages reach into the routes (share it through service/ instead): {web_to_routes:#?}"
    );
}

/// The longest a handler may be: extract, one call to what the service does, respond.
const MAX_HANDLER_LINES: usize = 40;

/// Every handler (an `async fn` under a route attribute: `#[get("…")]`, `#[post("…")]` …)
/// with its length in lines, from `async fn` to its closing brace.
fn handlers(path: &Path) -> Vec<(usize, String)> {
    let text = code(path);
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let route = ["#[get(", "#[post(", "#[patch(", "#[put(", "#[delete("]
            .iter()
            .any(|a| line.trim_start().starts_with(a));
        if !route {
            continue;
        }
        let Some(start) = (i + 1..lines.len()).find(|&j| lines[j].contains("async fn ")) else {
            continue;
        };
        let Some(end) = (start..lines.len()).find(|&j| lines[j] == "}") else {
            continue;
        };
        let name = lines[start].trim().to_owned();
        found.push((end - start + 1, format!("{}: {name}", path.display())));
    }
    found
}

#[test]
fn handlers_stay_short() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut all: Vec<(usize, String)> = files.iter().flat_map(|f| handlers(f)).collect();
    all.sort_by(|a, b| b.cmp(a));
    println!(
        "{} handlers; the longest: {:#?}",
        all.len(),
        &all[..all.len().min(5)]
    );
    assert!(all.len() > 50, "the handlers were not found: {all:?}");
    let long: Vec<&(usize, String)> = all.iter().filter(|(n, _)| *n > MAX_HANDLER_LINES).collect();
    assert!(
        long.is_empty(),
        "handlers over {MAX_HANDLER_LINES} lines: {long:#?}"
    );
}

/// Within one folder: `src/db/audit.rs` → `audit`, for the files of `folder`.
fn siblings(src: &Path, folder: &str, files: &[PathBuf]) -> BTreeMap<String, PathBuf> {
    files
        .iter()
        .filter_map(|f| {
            let rel = f.strip_prefix(src).ok()?;
            let mut parts = rel.components();
            let first = parts.next()?.as_os_str().to_string_lossy().into_owned();
            let second = parts.next()?.as_os_str().to_string_lossy().into_owned();
            (first == folder && parts.next().is_none() && second != "mod.rs")
                .then(|| (second.trim_end_matches(".rs").to_owned(), f.clone()))
        })
        .collect()
}

/// No two files of one folder import each other, not even through others (`super::x`,
/// `crate::folder::x`): inside a folder, too, the arrows point one way.
#[test]
fn no_circles_inside_a_folder() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let folders: BTreeSet<String> = files
        .iter()
        .filter(|f| f.parent() != Some(&src))
        .map(|f| top(&src, f))
        .collect();
    for folder in folders {
        let modules = siblings(&src, &folder, &files);
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (name, path) in &modules {
            let text = code(path);
            let named = |prefix: &str| -> BTreeSet<String> {
                text.match_indices(prefix)
                    .map(|(i, _)| {
                        text[i + prefix.len()..]
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect::<String>()
                    })
                    .collect()
            };
            let mut uses = named("super::");
            uses.extend(named(&format!("crate::{folder}::")));
            // `use super::{a, b::c}`: each name in the braces.
            for (i, _) in text.match_indices("super::{") {
                let list = &text[i + 8..];
                let list = &list[..list.find('}').unwrap_or(list.len())];
                uses.extend(list.split(',').map(|item| {
                    item.trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect::<String>()
                }));
            }
            graph
                .entry(name.clone())
                .or_default()
                .extend(uses.into_iter().filter(|m| m != name && modules.contains_key(m)));
        }
        let circles = in_circles(&graph);
        assert!(
            circles.is_empty(),
            "files of src/{folder}/ on import circles: {circles:?}"
        );
    }
}
