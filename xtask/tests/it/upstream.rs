//! Cisco's published WxCC specs, read from `../shared/upstream` beside the workspace: both
//! versions generate, only operations progenitor cannot express are left out, every string enum
//! is open, the diff between them is non-empty and stable, and (ignored by default, run by
//! `.ci/run`) both generated crates pass `cargo check`.
//!
//! When the folder is missing (a plain clone has no `../shared`), every test prints a note and
//! passes, unless `WXCC_REQUIRE_FIXTURES` is set (`.ci/run` sets it). Everything generated is written under the system temp folder, never into the repo.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use xtask::codegen::{Standalone, standalone, workspace_root};
use xtask::diff::{Format, diff_specs, render};
use xtask::generate::generate;
use xtask::generate::rust_operation_id;
use xtask::load::{Spec, load};
use xtask::normalize::{Defect, Naming, normalize};

const OLD: &str = "webex-contact-center.2025-11-24.json";
const NEW: &str = "webex-contact-center.2026-04-30.json";

/// The upstream spec file, or `None` (with a note) when it is not there.
fn upstream(file: &str) -> Option<PathBuf> {
    let dir = workspace_root().parent()?.join("shared").join("upstream");
    let path = dir.join(file);
    if path.is_file() {
        Some(path)
    } else {
        assert!(
            std::env::var_os("WXCC_REQUIRE_FIXTURES").is_none(),
            "{} is missing and WXCC_REQUIRE_FIXTURES is set",
            path.display()
        );
        eprintln!(
            "note: {} not found; upstream spec tests skipped",
            path.display()
        );
        None
    }
}

fn load_spec(path: &Path) -> Spec {
    load(path).unwrap_or_else(|e| panic!("{e}"))
}

/// Generates one upstream version and checks what was left out and why.
fn generates_with_only_unsupported_bodies_skipped(file: &str) {
    let Some(path) = upstream(file) else { return };
    let spec = load_spec(&path);
    let generated = generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    let report = &generated.report;
    eprintln!(
        "{file}: {} operations generated, {} skipped, {} fixes",
        report.operations,
        report.skipped.len(),
        report.fixes.len()
    );
    assert!(report.operations > 400, "{}", report.operations);
    // POSTs that only read are reads, so a read-only token can run Search there too.
    eprintln!(
        "{file}: {} POSTs classified read by the table of Cisco's read-only operations, {} by method",
        generated.known_reads, generated.unclassified
    );
    assert!(generated.known_reads >= 8, "{}", generated.known_reads);
    // Compared without whitespace: the layout of the generated file is prettyplease's.
    let operations: String = generated
        .operations
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for path in ["/search", "/v1/captures/query"] {
        let entry = format!("method:\"POST\",path:\"{path}\",access:Access::Read,");
        assert!(operations.contains(&entry), "{path} is not a read");
    }
    let audit = xtask::open_enums::audit(&syn::parse_file(&generated.client).unwrap());
    eprintln!("{file}: {} open string enums", audit.open.len());
    assert!(!audit.open.is_empty());
    assert!(audit.closed.is_empty(), "closed enums: {:?}", audit.closed);
    assert!(audit.still_derived.is_empty(), "{audit:?}");
    assert_eq!(audit.listed, audit.open);
    assert_eq!(
        report.skipped.len(),
        report.count(Defect::UnsupportedRequestBody),
        "every skipped operation is an unsupported request body:\n{}",
        report.summary()
    );
    for skip in &report.skipped {
        assert!(
            report
                .fixes
                .iter()
                .any(|f| f.defect == Defect::UnsupportedRequestBody && f.place == skip.operation),
            "{skip:?}"
        );
        assert!(skip.reason.contains("progenitor cannot send"), "{skip:?}");
    }
}

#[test]
fn the_2025_11_24_spec_generates() {
    generates_with_only_unsupported_bodies_skipped(OLD);
}

#[test]
fn the_2026_04_30_spec_generates() {
    generates_with_only_unsupported_bodies_skipped(NEW);
}

#[test]
fn the_diff_between_the_versions_is_non_empty_and_stable() {
    let (Some(old), Some(new)) = (upstream(OLD), upstream(NEW)) else {
        return;
    };
    let first = diff_specs(&load_spec(&old), &load_spec(&new)).unwrap_or_else(|e| panic!("{e}"));
    let second = diff_specs(&load_spec(&old), &load_spec(&new)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first, second);
    for format in [Format::Markdown, Format::Json] {
        assert_eq!(render(&first, format), render(&second, format));
    }
    let s = &first.summary;
    eprintln!("{s:#?}");
    assert!(s.added > 0 && s.removed > 0 && s.changed > 0, "{s:#?}");
    assert!(
        s.breaking_changes > 0 && s.non_breaking_changes > 0,
        "{s:#?}"
    );
    assert!(s.schemas_added + s.schemas_removed + s.schemas_changed > 0);

    // Nothing changes between a version and itself.
    let same = diff_specs(&load_spec(&new), &load_spec(&new)).unwrap_or_else(|e| panic!("{e}"));
    assert!(same.operations.is_empty() && same.schemas.is_empty());
}

/// Method name of every operation after normalization, by `METHOD /path` with parameter
/// names left out (a renamed parameter is the same operation).
fn method_names(path: &Path) -> std::collections::BTreeMap<String, String> {
    let mut doc = load_spec(path).doc;
    normalize(&mut doc);
    let mut names = std::collections::BTreeMap::new();
    for (route, item) in doc["paths"].as_object().unwrap() {
        let template = xtask::paths::template(route);
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                names.insert(
                    format!("{} {template}", method.to_uppercase()),
                    rust_operation_id(id),
                );
            }
        }
    }
    names
}

/// A name that ends in a number that is not a version (`get_config_22`, not `list_teams_v2`).
fn numbered(name: &str) -> bool {
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    stem.len() < name.len() && !stem.ends_with('v')
}

#[test]
fn an_operation_has_the_same_name_in_both_versions_and_no_name_is_numbered() {
    let (Some(old), Some(new)) = (upstream(OLD), upstream(NEW)) else {
        return;
    };
    let (old, new) = (method_names(&old), method_names(&new));
    let common: Vec<&String> = old.keys().filter(|k| new.contains_key(*k)).collect();
    let same = common.iter().filter(|k| old[**k] == new[**k]).count();
    let numbered_names: Vec<&String> = old
        .values()
        .chain(new.values())
        .filter(|n| numbered(n))
        .collect();
    eprintln!(
        "{} operations in both versions, {same} with identical names; {} numbered names \
         ({} and {} operations)",
        common.len(),
        numbered_names.len(),
        old.len(),
        new.len()
    );
    assert!(common.len() > 350, "{}", common.len());
    let renamed: Vec<String> = common
        .iter()
        .filter(|k| old[**k] != new[**k])
        .map(|k| format!("{k}: {} → {}", old[*k], new[*k]))
        .collect();
    assert!(renamed.is_empty(), "renamed between versions: {renamed:#?}");
    assert!(numbered_names.is_empty(), "{numbered_names:?}");
    assert!(!numbered("list_teams_v2") && numbered("get_config_22") && numbered("get2"));
}

/// Generates `file` into a fixed folder under the temp dir, so that a second run leaves the
/// files (and so the build) unchanged. Returns the crate folder.
fn generate_crate(file: &str) -> Option<PathBuf> {
    let path = upstream(file)?;
    let stem = file.trim_end_matches(".json").replace('.', "-");
    let out = std::env::temp_dir()
        .join("wxcc-xtask-upstream-check")
        .join(&stem);
    standalone(&Standalone {
        spec: path,
        out: out.clone(),
        name: Some(stem),
        auth: None,
        verbose: false,
        naming: Naming::default(),
        access: None,
    })
    .unwrap_or_else(|e| panic!("{file}: {e}"));
    // Check against the versions the workspace is tested with; cargo drops the entries the
    // crate does not need.
    std::fs::copy(workspace_root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    Some(out)
}

/// Runs `cargo check` on a generated crate, sharing one target folder between runs.
fn check(out: &Path) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let output = Command::new(cargo)
        .args(["check", "--quiet"])
        .current_dir(out)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target").join("upstream-check"),
        )
        .output()
        .unwrap();
    eprintln!(
        "{}: cargo check took {:.1?}",
        out.display(),
        started.elapsed()
    );
    assert!(
        output.status.success(),
        "cargo check failed for {}:\n{}",
        out.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
#[ignore = "compiles two ~100k-line crates; run by .ci/run"]
fn both_versions_compile() {
    // Generation is single-threaded: both at once. The checks share a target folder, which
    // cargo locks, so they run one after the other.
    let crates: Vec<Option<PathBuf>> = std::thread::scope(|scope| {
        let handles = [OLD, NEW].map(|file| scope.spawn(move || generate_crate(file)));
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for out in crates.into_iter().flatten() {
        check(&out);
    }
}
