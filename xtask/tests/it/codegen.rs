//! The codegen command: deterministic output, a drift check that names the stale file, and
//! clear errors (never a panic) for bad spec files.

use crate::support;
use std::path::Path;
use std::process::Command;

use xtask::codegen::{GENERATED_FILES, TARGETS, workspace, workspace_root};
use xtask::generate::{HEADER, generate};
use xtask::load::load;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn generation_is_deterministic_and_marked_as_generated() {
    for target in TARGETS {
        let spec = load(&workspace_root().join(target.spec)).unwrap();
        let first = generate(&spec).unwrap();
        let second = generate(&spec).unwrap();
        assert_eq!(first.client, second.client, "{}", target.name);
        assert_eq!(first.operations, second.operations, "{}", target.name);
        assert!(first.client.starts_with(HEADER));
        assert!(first.operations.starts_with(HEADER));
        assert!(!first.client.contains('\r'));
    }
}

#[test]
fn the_committed_generated_code_is_current() {
    workspace(&workspace_root(), true, false).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn check_names_the_file_that_was_edited_by_hand() {
    let root = support::temp("codegen", "drift");
    for target in TARGETS {
        copy_dir(&workspace_root().join(target.spec), &root.join(target.spec));
    }
    workspace(&root, false, false).unwrap();
    workspace(&root, true, false).expect("freshly generated code is current");

    let edited = root.join(TARGETS[0].dir).join(GENERATED_FILES[0]);
    let text = std::fs::read_to_string(&edited).unwrap();
    let at = text.find("pub struct").unwrap();
    let mut bytes = text.into_bytes();
    bytes[at] = b'P';
    std::fs::write(&edited, bytes).unwrap();

    let message = workspace(&root, true, false).unwrap_err().to_string();
    assert!(
        message.contains("generated/wxcc-api/src/generated.rs"),
        "{message}"
    );
    assert!(message.contains("out of date"), "{message}");
    assert!(
        !message.contains("engage-api"),
        "only the edited file is named: {message}"
    );

    // Regenerating repairs it.
    workspace(&root, false, false).unwrap();
    workspace(&root, true, false).unwrap();
}

fn run_xtask(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().unwrap_or(-1), stderr)
}

#[test]
fn bad_spec_files_get_clear_errors_not_panics() {
    let dir = support::temp("codegen", "bad");
    let cases = [
        (
            "not-a-spec.json",
            "{\"openapi\": \"3.0.3\", \"paths\": {",
            "not valid JSON",
        ),
        ("not-yaml.yaml", "paths:\n  /x: [\n", "not valid YAML"),
        (
            "swagger.json",
            "{\"swagger\": \"2.0\", \"paths\": {}}",
            "Swagger 2.0",
        ),
        (
            "three-one.yaml",
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "3.0.x only",
        ),
        (
            "dangling.yaml",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Nope'}\n",
            "#/components/schemas/Nope` points at nothing",
        ),
    ];
    for (name, text, expected) in cases {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let out = dir.join("out");
        let (code, stderr) = run_xtask(&[
            "codegen",
            "--spec",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(
            stderr.contains(name),
            "{name}: the message names the file: {stderr}"
        );
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
    let (code, stderr) = run_xtask(&["codegen", "--spec", "x.json"]);
    assert_eq!(code, 2, "usage errors exit with 2: {stderr}");
    assert!(stderr.contains("usage:"));
}

#[test]
fn a_standalone_crate_is_written_from_any_spec() {
    let out = support::temp("codegen", "standalone").join("tiny-client");
    let spec = workspace_root().join("specs/engage");
    let (code, stderr) = run_xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"tiny-client\""));
    assert!(manifest.contains("[workspace]"), "the crate stands alone");
    for file in [
        "src/lib.rs",
        "src/generated.rs",
        "src/operations.rs",
        "GENERATION.md",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
}

#[test]
fn names_and_access_classes_follow_the_command_line() {
    let dir = support::temp("codegen", "access");
    let spec = dir.join("tiny.yaml");
    let ok = "responses: {'204': {description: ok}}";
    std::fs::write(
        &spec,
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  \
             /search:\n    post: {{operationId: runSearch, {ok}}}\n  \
             /things/{{id}}:\n    parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n    \
             post: {{operationId: poke, {ok}}}\n    \
             get: {{operationId: getThing, {ok}}}\n"
        ),
    )
    .unwrap();
    let access = dir.join("access.txt");
    std::fs::write(&access, "# ours\nread POST /things/{thingId}\n").unwrap();
    let out = dir.join("out");
    let (code, stderr) = run_xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--names",
        "derived",
        "--access",
        access.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let table = std::fs::read_to_string(out.join("src/operations.rs")).unwrap();
    let entry = |id: &str, access: &str| {
        let at = table
            .find(&format!("id: \"{id}\""))
            .unwrap_or_else(|| panic!("{id}: {table}"));
        table[at..].split("},").next().unwrap().contains(access)
    };
    assert!(
        entry("post_search", "Access::Read"),
        "Cisco's table: {table}"
    );
    assert!(
        entry("post_things_by_id", "Access::Read"),
        "the --access file: {table}"
    );
    assert!(entry("get_things_by_id", "Access::Read"), "{table}");

    std::fs::write(&access, "reed POST /search\n").unwrap();
    let (code, stderr) = run_xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--access",
        access.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("access.txt: line 1"), "{stderr}");
    let (code, stderr) = run_xtask(&["codegen", "--spec", "x", "--out", "y", "--names", "nice"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`auto`, `derived` or `spec`"), "{stderr}");
}

#[test]
fn every_string_enum_of_the_generated_crates_is_open_and_listed() {
    for target in TARGETS {
        let path = workspace_root().join(target.dir).join(GENERATED_FILES[0]);
        let code = std::fs::read_to_string(&path).unwrap();
        let audit = xtask::open_enums::audit(&syn::parse_file(&code).unwrap());
        eprintln!("{}: {} open string enums", target.name, audit.open.len());
        assert!(!audit.open.is_empty(), "{}", target.name);
        assert!(
            audit.closed.is_empty(),
            "{}: enums that reject unknown values: {:?}",
            target.name,
            audit.closed
        );
        assert!(audit.still_derived.is_empty(), "{audit:?}");
        assert_eq!(
            audit.listed, audit.open,
            "{}: for_each_string_enum! lists every open enum",
            target.name
        );
        let spec = load(&workspace_root().join(target.spec)).unwrap();
        let mut opened: Vec<String> = generate(&spec)
            .unwrap()
            .string_enums
            .into_iter()
            .map(|e| e.name)
            .collect();
        opened.sort();
        assert_eq!(opened, audit.open, "{}", target.name);
    }
}
