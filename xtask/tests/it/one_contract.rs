//! One contract: an operation's HTTP method and path are written in `specs/` only. The facades
//! send the generated operation constants (`wxcc_api::operations`, `engage_api::operations`);
//! this test fails on a method or an API path typed by hand in their code or examples.
//!
//! Test modules (`#[cfg(test)]` and below) and comments are not searched: tests may name the
//! paths they expect. The sandbox (a server, checked against the spec by
//! `sandbox/tests/it/routes.rs`), the benchmark's raw-reqwest baseline and the OAuth endpoints of
//! `wxcc-auth` (Webex identity, in no spec of this project) are outside this rule.

use std::path::{Path, PathBuf};

/// Where facade code lives.
const FACADE_DIRS: [&str; 4] = [
    "wxcc-sdk/src",
    "wxcc-sdk/examples",
    "engage-sdk/src",
    "engage-sdk/examples",
];

/// What a hand-typed operation looks like: an HTTP method constant, or a string literal that
/// starts like a path of either API.
const PATTERNS: [&str; 14] = [
    "Method::GET",
    "Method::POST",
    "Method::PUT",
    "Method::PATCH",
    "Method::DELETE",
    "\"/v1",
    "\"/v2",
    "\"/v3",
    "\"/search",
    "\"/conversations",
    "\"/organization",
    "\"/notification",
    "\"/tasks",
    "\"/oauth",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `source` outside test modules and comments, with their numbers.
fn code_lines(source: &str) -> impl Iterator<Item = (usize, &str)> {
    source
        .lines()
        .enumerate()
        .take_while(|(_, line)| line.trim() != "#[cfg(test)]")
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(i, line)| (i + 1, line))
}

fn hand_typed(source: &str) -> Vec<(usize, &'static str)> {
    code_lines(source)
        .flat_map(|(n, line)| {
            PATTERNS
                .iter()
                .filter(move |p| line.contains(**p))
                .map(move |p| (n, *p))
        })
        .collect()
}

#[test]
fn no_method_or_api_path_is_typed_by_hand_in_the_facades() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in FACADE_DIRS {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(
        files.len() > 20,
        "found only {} files under {FACADE_DIRS:?}",
        files.len()
    );
    let mut found = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap_or_default();
        for (line, pattern) in hand_typed(&source) {
            found.push(format!("{}:{line}: {pattern}", file.display()));
        }
    }
    assert!(
        found.is_empty(),
        "send a generated operation constant (wxcc_api::operations, engage_api::operations) \
         instead of typing its method or path:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_what_it_is_meant_to_see() {
    let source = "fn f() {\n    c.request(Method::POST, \"/v1/tasks\");\n    // \"/v1/x\" in a comment\n}\n#[cfg(test)]\nmod tests { const P: &str = \"/v1/y\"; }\n";
    assert_eq!(
        hand_typed(source),
        [(2, "Method::POST"), (2, "\"/v1")],
        "only the code line counts"
    );
}
