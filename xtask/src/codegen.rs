//! `cargo xtask codegen`: the workspace's generated crates, the `--check` drift test, and
//! standalone crates from any spec.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::access::AccessRules;
use crate::error::{Error, Result};
use crate::generate::{self, Generated};
use crate::load;
use crate::normalize::Naming;

/// A generated crate of this workspace.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// Crate name.
    pub name: &'static str,
    /// Spec folder, relative to the workspace root.
    pub spec: &'static str,
    /// Crate folder, relative to the workspace root.
    pub dir: &'static str,
}

/// The workspace's generated crates.
pub const TARGETS: [Target; 2] = [
    Target {
        name: "wxcc-api",
        spec: "specs/wxcc",
        dir: "generated/wxcc-api",
    },
    Target {
        name: "engage-api",
        spec: "specs/engage",
        dir: "generated/engage-api",
    },
];

/// The files the xtask writes into a crate's `src/`, relative to the crate folder.
pub const GENERATED_FILES: [&str; 2] = ["src/generated.rs", "src/operations.rs"];

/// The workspace root (the xtask lives one level below it).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}

/// Generates (or, with `check`, verifies) every target of the workspace.
pub fn workspace(root: &Path, check: bool, verbose: bool) -> Result<()> {
    let mut stale = String::new();
    for target in TARGETS {
        let started = Instant::now();
        let spec = load::load(&root.join(target.spec))?;
        let problems = crate::validate::lint(&spec);
        if !problems.is_empty() {
            return Err(Error::Spec {
                path: root.join(target.spec),
                place: format!("{} problems", problems.len()),
                message: problems.join("\n"),
            });
        }
        let generated = generate::generate(&spec)?;
        print_report(target.spec, &generated, started, verbose);
        for (file, contents) in outputs(&generated) {
            let path = root.join(target.dir).join(file);
            if check {
                if let Some(block) = compare(root, &path, contents, verbose)? {
                    stale.push_str(&block);
                }
            } else {
                write_if_changed(&path, contents)?;
            }
        }
    }
    if stale.is_empty() {
        if check {
            println!("generated code is up to date");
        }
        Ok(())
    } else {
        Err(Error::Stale { summary: stale })
    }
}

fn outputs(generated: &Generated) -> [(&'static str, &str); 2] {
    [
        (GENERATED_FILES[0], &generated.client),
        (GENERATED_FILES[1], &generated.operations),
    ]
}

fn print_report(name: &str, generated: &Generated, started: Instant, verbose: bool) {
    let report = &generated.report;
    println!(
        "{name}: {} operations generated, {} skipped, {} fixes ({:.1?})",
        report.operations,
        report.skipped.len(),
        report.fixes.len(),
        started.elapsed()
    );
    if !report.fixes.is_empty() || !report.skipped.is_empty() {
        print!("{}", report.summary());
    }
    if generated.overridden > 0 {
        println!(
            "  {} operations classified read or write by the --access file",
            generated.overridden
        );
    }
    if generated.known_reads > 0 {
        println!(
            "  {} POSTs classified read by the table of Cisco's read-only operations",
            generated.known_reads
        );
    }
    if generated.unclassified > 0 {
        println!(
            "  {} operations classified by method (GET/HEAD/OPTIONS read, the rest write); \
             a file passed with --access can say otherwise",
            generated.unclassified
        );
    }
    if verbose && !report.fixes.is_empty() {
        println!("changes by operation:");
        print!("{}", report.details());
    }
}

/// `None` when the file on disk matches; otherwise a summary block naming the file.
fn compare(root: &Path, path: &Path, expected: &str, verbose: bool) -> Result<Option<String>> {
    let shown = path
        .strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string();
    let actual = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some(format!("  {shown}: missing\n")));
        }
        Err(source) => {
            return Err(Error::Read {
                path: path.into(),
                source,
            });
        }
    };
    if actual == expected {
        return Ok(None);
    }
    let diff = similar::TextDiff::from_lines(actual.as_str(), expected);
    let mut changed = 0;
    let mut first = None;
    for change in diff.iter_all_changes() {
        if change.tag() != similar::ChangeTag::Equal {
            changed += 1;
            if first.is_none() {
                first = change.old_index().or(change.new_index()).map(|i| i + 1);
            }
        }
    }
    let mut block = format!(
        "  {shown}: {changed} changed lines{}\n",
        first
            .map(|l| format!(", first at line {l}"))
            .unwrap_or_default()
    );
    let limit = if verbose { usize::MAX } else { 20 };
    let unified = diff
        .unified_diff()
        .context_radius(2)
        .header("on disk", "from the specs")
        .to_string();
    let lines: Vec<&str> = unified.lines().collect();
    for line in lines.iter().take(limit) {
        let _ = writeln!(block, "    {line}");
    }
    if lines.len() > limit {
        let _ = writeln!(
            block,
            "    ... {} more diff lines (use --verbose)",
            lines.len() - limit
        );
    }
    Ok(Some(block))
}

fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|current| current == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.into(),
            source,
        })?;
    }
    std::fs::write(path, contents).map_err(|source| Error::Write {
        path: path.into(),
        source,
    })
}

/// Options of `codegen --spec FILE --out DIR`.
#[derive(Debug, Clone)]
pub struct Standalone {
    /// The spec file (JSON or YAML) or folder of fragments.
    pub spec: PathBuf,
    /// Where to write the crate.
    pub out: PathBuf,
    /// Crate name; defaults to the name of the output folder.
    pub name: Option<String>,
    /// Where the crate finds `wxcc-auth`: a path to its folder, or a crates.io version
    /// requirement. Defaults to this workspace's `auth/` folder.
    pub auth: Option<String>,
    /// Print every change the normalizer made.
    pub verbose: bool,
    /// How operations are named (`--names`).
    pub naming: Naming,
    /// A file of read/write classifications (`--access`) that win over the spec's.
    pub access: Option<PathBuf>,
}

/// Builds a standalone client crate from any OpenAPI 3.0 document.
pub fn standalone(options: &Standalone) -> Result<()> {
    let started = Instant::now();
    let spec = load::load(&options.spec)?;
    for problem in crate::validate::lint(&spec) {
        eprintln!("warning: {problem}");
    }
    let access = match &options.access {
        Some(path) => AccessRules::load(path)?,
        None => AccessRules::default(),
    };
    let generate_options = generate::Options {
        naming: options.naming,
        access,
    };
    let generated = generate::generate_with(&spec, &generate_options)?;
    print_report(
        &options.spec.display().to_string(),
        &generated,
        started,
        options.verbose,
    );
    let name = match &options.name {
        Some(name) => name.clone(),
        None => options
            .out
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::Usage("cannot derive a crate name from `--out`; pass `--name`".into())
            })?,
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::Usage(format!(
            "`{name}` is not a valid crate name; pass `--name`"
        )));
    }
    let auth = match &options.auth {
        Some(a)
            if a.chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || "^~=<>".contains(c)) =>
        {
            format!("{{ version = \"{a}\" }}")
        }
        Some(path) => format!("{{ path = {:?} }}", absolute(Path::new(path))),
        None => format!("{{ path = {:?} }}", workspace_root().join("auth")),
    };
    let title = spec
        .doc
        .pointer("/info/title")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("the API");
    let manifest = standalone_manifest(&name, title, &auth, &generated);
    let lib = standalone_lib(title, &options.spec);
    write_if_changed(&options.out.join("Cargo.toml"), &manifest)?;
    write_if_changed(&options.out.join("src/lib.rs"), &lib)?;
    for (file, contents) in outputs(&generated) {
        write_if_changed(&options.out.join(file), contents)?;
    }
    let mut report = format!("# Generation report for {}\n\n", options.spec.display());
    let _ = writeln!(
        report,
        "{} operations generated, {} skipped, {} fixes.\n\n```\n{}```\n\n## Changes by operation\n\n```\n{}```",
        generated.report.operations,
        generated.report.skipped.len(),
        generated.report.fixes.len(),
        generated.report.summary(),
        generated.report.details()
    );
    write_if_changed(&options.out.join("GENERATION.md"), &report)?;
    println!("wrote crate `{name}` to {}", options.out.display());
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn standalone_manifest(name: &str, title: &str, auth: &str, generated: &Generated) -> String {
    let mut extra = String::new();
    if generated.uses_regress {
        // The version typify checks the patterns with (and the workspace's lock file holds).
        extra.push_str("regress = \"0.12\"\n");
    }
    if generated.uses_futures {
        extra.push_str("futures = \"0.3\"\n");
    }
    let title = title.replace('"', "'");
    format!(
        r#"# @generated by cargo xtask codegen.
[package]
name = "{name}"
description = "Client for {title}, generated by the wxcc xtask."
version = "0.1.0"
edition = "2024"
rust-version = "1.88"
publish = false

# A crate of its own, even when written inside another workspace.
[workspace]

[features]
default = ["rustls"]
rustls = ["wxcc-auth/rustls"]
native-tls = ["wxcc-auth/native-tls"]

[dependencies]
wxcc-auth = {auth_with_defaults}
progenitor-client = "0.15.1"
reqwest = {{ version = "0.13.5", default-features = false, features = ["json", "query", "form", "stream"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
chrono = {{ version = "0.4", default-features = false, features = ["serde", "clock", "std"] }}
uuid = {{ version = "1", features = ["serde", "v4"] }}
{extra}"#,
        auth_with_defaults = auth.replacen('}', ", default-features = false }", 1),
    )
}

fn standalone_lib(title: &str, spec: &Path) -> String {
    let spec = spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(
        r#"// @generated by cargo xtask codegen. Edit freely: the xtask rewrites this file only when it changes.
//! Client for {title}, generated from `{spec}` by the wxcc xtask.
//!
//! Requests are signed by a [`wxcc_auth::Signer`]: bearer token, `TrackingId`, the access level
//! of the token source, and one retry with a fresh token after a `401`.

#[rustfmt::skip]
#[allow(missing_docs, unused_imports, unused_comparisons, clippy::all, clippy::pedantic)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod generated;
#[rustfmt::skip]
#[allow(clippy::all)]
pub mod operations;

pub use generated::*;
pub use operations::OPERATIONS;

impl Client {{
    /// A client for `baseurl` whose requests are signed with tokens from `source`.
    ///
    /// Redirects are not followed; timeouts are the family's defaults.
    ///
    /// # Errors
    ///
    /// When `reqwest` cannot build its client (its TLS backend failed to initialize).
    pub fn with_token_source(
        baseurl: &str,
        source: impl wxcc_auth::TokenSource + 'static,
    ) -> Result<Self, wxcc_auth::Error> {{
        let signer = wxcc_auth::Signer::new(source, OPERATIONS);
        let user_agent = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
        let transport = wxcc_auth::Transport::new(signer, wxcc_auth::Timeouts::default(), user_agent)?;
        Ok(Self::new_with_client(baseurl, transport.http().clone(), transport.signer().clone()))
    }}
}}

impl progenitor_client::ClientHooks<wxcc_auth::Signer> for Client {{
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {{
        use progenitor_client::ClientInfo as _;
        // Before the token is fetched: a path parameter of `.`, `..` or nothing would retarget
        // the request once the URL parser resolves it.
        OPERATIONS
            .check_path(self.baseurl(), request.url(), info.operation_id)
            .map_err(progenitor_client::Error::InvalidRequest)?;
        self.inner()
            .authorize(request, info.operation_id)
            .await
            .map_err(|e| progenitor_client::Error::Custom(wxcc_auth::runtime::refusal_message(e)))
    }}

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {{
        use progenitor_client::ClientInfo as _;
        self.inner().send(self.client(), request, info.operation_id).await
    }}
}}
"#
    )
}
