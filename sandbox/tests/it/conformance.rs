//! Cisco's published Search samples against the sandbox: every sample query, sent as written
//! (only its window moved to end now), is accepted, and where Cisco published the real
//! response beside it, the sandbox's response has the same shape: the same keys at every
//! level and the same JSON types, a `null` on either side matching anything.
//!
//! The samples are read from `../shared/reference/search-samples` beside the workspace (never
//! copied into the project). Without that folder the test says so and passes, unless
//! `WXCC_REQUIRE_FIXTURES` is set, as `.ci/run` does. `WXCC_EXTRA_SEARCH_QUERIES` may name
//! another folder of `.graphql` files (with optional `.vars.json` beside each) to run the same
//! way, such as queries copied from Flow Designer.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::{Value, json};
use wxcc_sandbox::Sandbox;

fn samples() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/search-samples");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("WXCC_REQUIRE_FIXTURES").is_none(),
        "{} is missing and WXCC_REQUIRE_FIXTURES is set",
        dir.display()
    );
    eprintln!(
        "note: {} not found; conformance test skipped",
        dir.display()
    );
    None
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.to_string_lossy().ends_with(ext) {
            out.push(path);
        }
    }
}

/// A file name reduced to its words, so `Pagination 2.graphql` finds `Pagination 2 -
/// response.json` and `SortingQueryForCAR.graphql` finds `SortingQueryForCAR.json`.
fn stem_key(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy().to_lowercase();
    let name = name.trim_end_matches(".graphql").trim_end_matches(".json");
    name.replace("response", "")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Moves the literal window (`from: N`, `to: N`) to end now, keeping its span.
fn move_window(query: &str, now: i64) -> String {
    let find = |name: &str| -> Option<(usize, usize, i64)> {
        let mut at = 0;
        while let Some(pos) = query[at..].find(name) {
            let start = at + pos;
            at = start + name.len();
            let before = query[..start].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let rest = query[at..].trim_start();
            let Some(rest) = rest.strip_prefix(':') else {
                continue;
            };
            let rest_trimmed = rest.trim_start();
            let digits: String = rest_trimmed
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if digits.len() < 10 {
                continue;
            }
            let begin = query.len() - rest_trimmed.len();
            return Some((begin, begin + digits.len(), digits.parse().ok()?));
        }
        None
    };
    let (Some(from), Some(to)) = (find("from"), find("to")) else {
        return query.to_owned();
    };
    let span = to.2 - from.2;
    let mut out = query.to_owned();
    let mut edits = [
        (from.0, from.1, (now - span).to_string()),
        (to.0, to.1, now.to_string()),
    ];
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (start, end, text) in edits {
        out.replace_range(start..end, &text);
    }
    out
}

/// Every key of a published response appears in its query: otherwise Cisco published the
/// response of another query beside it, and shapes cannot be compared.
fn keys_in_query(value: &Value, query: &str, missing: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let word = query.match_indices(key.as_str()).any(|(i, _)| {
                    let before = query[..i].chars().next_back();
                    let after = query[i + key.len()..].chars().next();
                    !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                        && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                });
                if !word && key != "data" {
                    missing.push(key.clone());
                }
                keys_in_query(v, query, missing);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys_in_query(v, query, missing)),
        _ => {}
    }
}

/// The published elements of a list merged into one shape (keys united, `null` giving way).
fn merge(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Null, x) | (x, Value::Null) => x.clone(),
        (Value::Object(x), Value::Object(y)) => {
            let mut out = x.clone();
            for (k, v) in y {
                let merged = out.get(k).map_or_else(|| v.clone(), |old| merge(old, v));
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (Value::Array(x), Value::Array(y)) => {
            let all: Vec<Value> = x.iter().chain(y).cloned().collect();
            Value::Array(
                all.iter()
                    .fold(None, |acc: Option<Value>, v| {
                        Some(acc.map_or_else(|| v.clone(), |a| merge(&a, v)))
                    })
                    .into_iter()
                    .collect(),
            )
        }
        (x, _) => x.clone(),
    }
}

/// Compares shapes; a difference is described with its path.
fn same_shape(ours: &Value, theirs: &Value, path: &str, diffs: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::Null, _) | (_, Value::Null) => {}
        (Value::Object(a), Value::Object(b)) => {
            let ka: Vec<&String> = a.keys().collect();
            let kb: Vec<&String> = b.keys().collect();
            let mut sa = ka.clone();
            let mut sb = kb.clone();
            sa.sort();
            sb.sort();
            if sa != sb {
                diffs.push(format!("{path}: keys {sa:?} vs published {sb:?}"));
                return;
            }
            for (k, v) in a {
                same_shape(v, &b[k], &format!("{path}.{k}"), diffs);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.is_empty() || b.is_empty() {
                return;
            }
            let merged = b.iter().skip(1).fold(b[0].clone(), |acc, v| merge(&acc, v));
            for (i, v) in a.iter().enumerate() {
                same_shape(v, &merged, &format!("{path}[{i}]"), diffs);
                if !diffs.is_empty() {
                    return;
                }
            }
        }
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_)) => {}
        (a, b) => diffs.push(format!("{path}: {a} vs published {b}")),
    }
}

/// Paths where the sandbox answers `null` and Cisco's response has a value: shapes still
/// match, but the sandbox has no data for the field. Reported, not failed.
fn null_gaps(
    ours: &Value,
    theirs: &Value,
    path: &str,
    out: &mut std::collections::BTreeSet<String>,
) {
    match (ours, theirs) {
        (Value::Null, Value::Null) => {}
        (Value::Null, _) => {
            out.insert(path.to_owned());
        }
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                if let Some(w) = b.get(k) {
                    null_gaps(v, w, &format!("{path}.{k}"), out);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if !a.is_empty() && !b.is_empty() => {
            let merged = b.iter().skip(1).fold(b[0].clone(), |acc, v| merge(&acc, v));
            let mut gaps = std::collections::BTreeSet::new();
            for v in a {
                null_gaps(v, &merged, &format!("{path}[]"), &mut gaps);
            }
            // A gap only when no element of ours has the value.
            for gap in gaps {
                out.insert(gap);
            }
        }
        _ => {}
    }
}

struct Tally {
    accepted: usize,
    total: usize,
    shapes: usize,
    comparable: usize,
    /// Comparisons where the sandbox returned records (not just an empty list).
    with_records: usize,
    refused: Vec<String>,
    differ: Vec<String>,
    not_comparable: Vec<String>,
    null_gaps: std::collections::BTreeSet<String>,
}

async fn run(sandbox: &Sandbox, token: &str, queries: &[PathBuf], base: &Path) -> Tally {
    let now = now_ms();
    let mut tally = Tally {
        accepted: 0,
        total: 0,
        shapes: 0,
        comparable: 0,
        with_records: 0,
        refused: Vec::new(),
        differ: Vec::new(),
        not_comparable: Vec::new(),
        null_gaps: std::collections::BTreeSet::new(),
    };
    let mut responses: Vec<PathBuf> = Vec::new();
    files(base, ".json", &mut responses);
    let by_key: BTreeMap<(PathBuf, String), PathBuf> = responses
        .into_iter()
        .filter(|p| !p.to_string_lossy().ends_with(".vars.json"))
        .map(|p| ((p.parent().unwrap().to_path_buf(), stem_key(&p)), p))
        .collect();
    for path in queries {
        tally.total += 1;
        let name = path
            .strip_prefix(base)
            .unwrap_or(path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let query = move_window(&text, now);
        let vars_path = PathBuf::from(path.to_string_lossy().replace(".graphql", ".vars.json"));
        let variables = std::fs::read_to_string(&vars_path)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .unwrap_or_else(|| json!({}));
        let (status, body) = search(sandbox, token, &query, variables).await;
        let ok = status == 200 && body.get("errors").is_none() && !body["data"].is_null();
        if !ok {
            tally.refused.push(format!("{name}: {status} {body}"));
            continue;
        }
        tally.accepted += 1;
        let key = (path.parent().unwrap().to_path_buf(), stem_key(path));
        let Some(published) = by_key.get(&key) else {
            continue;
        };
        let published: Value =
            serde_json::from_str(&std::fs::read_to_string(published).unwrap()).unwrap();
        let mut missing = Vec::new();
        keys_in_query(&published, &text, &mut missing);
        if !missing.is_empty() {
            tally.not_comparable.push(format!(
                "{name}: the published response has {missing:?}, which its query does not select"
            ));
            continue;
        }
        tally.comparable += 1;
        let mut diffs = Vec::new();
        same_shape(&body["data"], &published["data"], "data", &mut diffs);
        let records = body["data"]
            .as_object()
            .and_then(|m| m.values().next())
            .and_then(|root| root.as_object())
            .and_then(|root| root.values().find_map(Value::as_array))
            .is_some_and(|list| !list.is_empty());
        null_gaps(
            &body["data"],
            &published["data"],
            "data",
            &mut tally.null_gaps,
        );
        if diffs.is_empty() {
            tally.shapes += 1;
            tally.with_records += usize::from(records);
        } else {
            tally.differ.push(format!("{name}: {}", diffs.join("; ")));
        }
    }
    tally
}

#[tokio::test]
async fn cisco_search_samples_run_as_written() {
    let Some(base) = samples() else { return };
    let sandbox = Sandbox::start().await.unwrap();
    let token = admin_token(&sandbox).await;
    let mut queries = Vec::new();
    files(&base, ".graphql", &mut queries);
    let tally = run(&sandbox, &token, &queries, &base).await;
    println!(
        "{} of {} accepted, {} of {} published responses matched in shape, {} of them with records \
         ({} published responses belong to another query)",
        tally.accepted,
        tally.total,
        tally.shapes,
        tally.comparable,
        tally.with_records,
        tally.not_comparable.len()
    );
    if !tally.null_gaps.is_empty() {
        println!("  fields the sandbox leaves null where Cisco's responses have values:");
        for gap in &tally.null_gaps {
            println!("    {gap}");
        }
    }
    for line in tally.not_comparable.iter() {
        println!("  not compared: {line}");
    }
    assert!(tally.total >= 100, "{} sample queries found", tally.total);
    assert!(
        tally.refused.is_empty(),
        "refused:\n{}",
        tally.refused.join("\n")
    );
    assert!(
        tally.differ.is_empty(),
        "shapes differ:\n{}",
        tally.differ.join("\n")
    );
    assert!(
        tally.comparable >= 75,
        "{} responses compared",
        tally.comparable
    );
}

/// Further real queries from a folder named by `WXCC_EXTRA_SEARCH_QUERIES`.
#[tokio::test]
async fn extra_real_queries_run_as_written() {
    let Some(dir) = std::env::var_os("WXCC_EXTRA_SEARCH_QUERIES").map(PathBuf::from) else {
        return;
    };
    let sandbox = Sandbox::start().await.unwrap();
    let token = admin_token(&sandbox).await;
    let mut queries = Vec::new();
    files(&dir, ".graphql", &mut queries);
    let tally = run(&sandbox, &token, &queries, &dir).await;
    println!("{} of {} accepted", tally.accepted, tally.total);
    assert!(
        tally.refused.is_empty(),
        "refused:\n{}",
        tally.refused.join("\n")
    );
}

#[test]
fn windows_move_to_end_now() {
    let moved = move_window(
        "{ taskDetails(from: 1000000000000, to:1000000005000) { tasks { id } } }",
        2_000_000_000_000,
    );
    assert!(moved.contains("from: 1999999995000"), "{moved}");
    assert!(moved.contains("to:2000000000000"), "{moved}");
    let untouched = "{ a(after: \"1697205941011\") }";
    assert_eq!(move_window(untouched, 5), untouched);
}
