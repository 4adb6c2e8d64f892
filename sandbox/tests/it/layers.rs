//! The sandbox's modules form layers with no import circle: a module names (`crate::x`) only
//! itself or a module of a lower layer. So a service cannot reach into another service or
//! into the app that composes them, and the identity and HTTP layers know no service; a new
//! module has to be given a layer here before the crate passes.

use std::path::{Path, PathBuf};

/// Every top-level module of `src/` with its layer; a module may use lower layers only.
/// `lib` stands for `lib.rs` and the items it defines (`crate::Sandbox`).
const LAYERS: &[(&str, u8)] = &[
    // Ground: primitives, then the seeded data set and the fault rules built on them.
    ("rng", 0),
    ("sync", 0),
    ("tz", 0),
    ("data", 1),
    ("faults", 1),
    // Who may call: clients, tokens, lifetimes, the rate limit.
    ("identity", 2),
    // Shared HTTP (routing, admission against identity, error shapes) and the Search engine,
    // which knows no HTTP state.
    ("http", 3),
    ("search", 3),
    // The services; WxCC serves Search.
    ("oauth", 4),
    ("wxcc", 4),
    ("engage", 4),
    // Composes the services' state and routers.
    ("app", 5),
    // The public API.
    ("lib", 6),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to (`wxcc/ops.rs` → `wxcc`); `None` for the
/// binary, a crate of its own.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative
        .components()
        .next()?
        .as_os_str()
        .to_str()?
        .to_owned();
    match first.as_str() {
        "bin" => None,
        "lib.rs" => Some("lib".to_owned()),
        name => Some(name.trim_end_matches(".rs").to_owned()),
    }
}

/// The source with comments and string and character literals blanked, so only paths the
/// compiler resolves are read (a doc link to `crate::Sandbox` is no import).
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                match chars.get(j) {
                    None => break,
                    Some('"') if (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    Some(_) => j += 1,
                }
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('x', '\n', '\''); otherwise a lifetime, kept as code.
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn leading_ident(text: &str) -> Option<String> {
    let ident: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!ident.is_empty() && ident != "self").then_some(ident)
}

/// The first segment of each path that follows `crate::`: `x::y` gives `x`, and a group
/// `{a, b::c, d::{e, f}}` gives `a`, `b` and `d`.
fn heads(after: &str) -> Vec<String> {
    let after = after.trim_start();
    let Some(group) = after.strip_prefix('{') else {
        return leading_ident(after).into_iter().collect();
    };
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.into_iter().filter_map(leading_ident).collect()
}

/// Every top-level name a source refers to through `crate::`, in `use` lines and in code.
fn crate_references(source: &str) -> Vec<String> {
    let code = code_only(source);
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let start = from + at;
        let end = start + "crate::".len();
        let whole_word = !code[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
        if whole_word {
            found.extend(heads(&code[end..]));
        }
        from = end;
    }
    found
}

#[test]
fn lower_layers_never_use_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        seen.insert(module.clone());
        let name = file.strip_prefix(&src).unwrap().display().to_string();
        let Some(own) = layer(&module) else {
            problems.push(format!("{name}: module `{module}` has no layer in LAYERS"));
            continue;
        };
        let source = std::fs::read_to_string(file).unwrap();
        for head in crate_references(&source) {
            // A name that is no module is an item of lib.rs (`crate::Sandbox`).
            let used = if layer(&head).is_some() {
                head.clone()
            } else {
                "lib".to_owned()
            };
            let theirs = layer(&used).unwrap_or(u8::MAX);
            if used != module && theirs >= own {
                problems.push(format!(
                    "{name} (`{module}`, layer {own}) uses crate::{head} (`{used}`, layer {theirs})"
                ));
            }
        }
    }
    for (module, _) in LAYERS {
        if !seen.contains(*module) {
            problems.push(format!("LAYERS names `{module}`, which src/ no longer has"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn references_are_read_from_groups_paths_and_code_only() {
    let source = r#"
use crate::{data::{Dataset, Task}, http, self};
use crate::identity::Grant;
// use crate::app; (a comment)
/// A doc link: [`crate::Sandbox`].
fn f() -> String {
    let _ = crate::wxcc::router;
    let _ = "crate::engage in a string";
    let _ = '"'; let _ = crate::search::run;
    let _ = wxcc_crate::x;
    format!("{}", crate::tz::Zone::utc().name)
}
"#;
    assert_eq!(
        crate_references(source),
        ["data", "http", "identity", "wxcc", "search", "tz"]
    );
}
