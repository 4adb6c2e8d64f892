//! Every spec of a folder of public Webex OpenAPI specs (Cisco's `webex/webex-openapi-specs`,
//! one or more versions of each) generates a standalone crate with zero edits, and each crate
//! passes `cargo check`.
//!
//! The specs are not part of the repository: point `WXCC_WEBEX_SPECS_DIR` at a folder holding
//! them (any depth; every `*.json`, `*.yaml` and `*.yml` is a spec) and run
//!
//! ```text
//! WXCC_WEBEX_SPECS_DIR=/path/to/specs cargo test -p xtask --test it webex_specs:: -- --ignored --nocapture
//! ```
//!
//! `WXCC_WEBEX_SPECS_FILTER=meeting` keeps only the specs whose path contains the text. Without
//! the folder the test prints a note and passes; it never touches the network. The crates are
//! written to a fixed folder under the system temp dir, so a second run leaves them (and the
//! build) unchanged, and all checks share one target folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use xtask::codegen::{Standalone, standalone, workspace_root};

/// What happened to one spec.
struct Outcome {
    spec: PathBuf,
    operations: Option<usize>,
    generated: Result<Duration, String>,
    checked: Option<Result<Duration, String>>,
}

/// Every spec under `dir`, sorted, so runs and their tables come out in the same order.
fn specs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A crate name from the spec's path below the folder: `meeting/2026-04-17.json` becomes
/// `webex-meeting-2026-04-17`.
fn crate_name(dir: &Path, spec: &Path) -> String {
    let relative = spec.strip_prefix(dir).unwrap_or(spec).with_extension("");
    let mut name = String::from("webex-");
    for c in relative.to_string_lossy().chars() {
        name.push(if c.is_ascii_alphanumeric() { c } else { '-' });
    }
    name
}

/// The operation count from the crate's `GENERATION.md` (`N operations generated, ...`).
fn operations(out: &Path) -> Option<usize> {
    let report = std::fs::read_to_string(out.join("GENERATION.md")).ok()?;
    report
        .lines()
        .find_map(|line| line.split_once(" operations generated"))
        .and_then(|(n, _)| n.trim().parse().ok())
}

/// Generates one spec into `out`; a panic counts as a failure of that spec, not of the run.
fn generate(spec: &Path, out: &Path, name: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let options = Standalone {
        spec: spec.to_path_buf(),
        out: out.to_path_buf(),
        name: Some(name.to_owned()),
        auth: None,
        verbose: false,
        naming: xtask::normalize::Naming::default(),
        access: None,
    };
    match std::panic::catch_unwind(|| standalone(&options)) {
        Ok(Ok(())) => {}
        Ok(Err(error)) => return Err(error.to_string()),
        Err(_) => return Err("the generator panicked".into()),
    }
    // Check against the versions the workspace is tested with; cargo drops what is not needed.
    std::fs::copy(workspace_root().join("Cargo.lock"), out.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(started.elapsed())
}

/// `cargo check` of one crate, in the shared target folder.
fn check(out: &Path, target: &Path) -> Result<Duration, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let output = Command::new(cargo)
        .args(["check", "--quiet", "--message-format=short"])
        .current_dir(out)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(started.elapsed())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains("error"))
            .take(10)
            .collect();
        Err(errors.join("\n"))
    }
}

fn seconds(result: &Result<Duration, String>) -> String {
    match result {
        Ok(took) => format!("ok {:.1}s", took.as_secs_f64()),
        Err(_) => "FAIL".into(),
    }
}

#[test]
#[ignore = "generates and compiles every spec of WXCC_WEBEX_SPECS_DIR; minutes per spec"]
fn every_public_webex_spec_generates_and_compiles() {
    let Some(dir) = std::env::var_os("WXCC_WEBEX_SPECS_DIR").map(PathBuf::from) else {
        eprintln!("note: WXCC_WEBEX_SPECS_DIR is not set; no Webex specs to try");
        return;
    };
    let filter = std::env::var("WXCC_WEBEX_SPECS_FILTER").unwrap_or_default();
    let specs: Vec<PathBuf> = specs(&dir)
        .into_iter()
        .filter(|s| s.to_string_lossy().contains(&filter))
        .collect();
    assert!(!specs.is_empty(), "no specs under {}", dir.display());
    let root = std::env::temp_dir().join("wxcc-xtask-webex-specs");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
        .join("webex-specs-check");

    // Generation is single-threaded and checks share (and lock) one target folder: generate
    // the next spec while the previous crate is checked.
    let (sender, receiver) = mpsc::channel();
    let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        scope.spawn(|| {
            for spec in &specs {
                let name = crate_name(&dir, spec);
                let out = root.join(&name);
                let generated = generate(spec, &out, &name);
                if sender.send((spec.clone(), out, generated)).is_err() {
                    return;
                }
            }
            drop(sender);
        });
        let mut outcomes = Vec::new();
        for (spec, out, generated) in receiver {
            let checked = generated.is_ok().then(|| check(&out, &target));
            let outcome = Outcome {
                operations: operations(&out).filter(|_| generated.is_ok()),
                spec,
                generated,
                checked,
            };
            eprintln!(
                "{}: generate {}, compile {}",
                outcome.spec.display(),
                seconds(&outcome.generated),
                outcome.checked.as_ref().map_or("skipped".into(), seconds)
            );
            outcomes.push(outcome);
        }
        outcomes
    });

    let mut table =
        String::from("| spec | operations | generate | compile |\n|---|---:|---|---|\n");
    let mut failures = String::new();
    for o in &outcomes {
        let relative = o.spec.strip_prefix(&dir).unwrap_or(&o.spec).display();
        let _ = writeln!(
            table,
            "| {relative} | {} | {} | {} |",
            o.operations.map_or("-".into(), |n| n.to_string()),
            seconds(&o.generated),
            o.checked.as_ref().map_or("-".into(), seconds)
        );
        if let Err(why) = &o.generated {
            let _ = writeln!(failures, "{relative}: generate: {why}");
        }
        if let Some(Err(why)) = &o.checked {
            let _ = writeln!(failures, "{relative}: cargo check:\n{why}");
        }
    }
    eprintln!("\n{table}");
    assert!(failures.is_empty(), "failed:\n{failures}");
}
