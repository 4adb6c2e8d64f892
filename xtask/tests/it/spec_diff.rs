//! The spec-diff command: reads two spec files or folders, prints Markdown or JSON, and rejects
//! bad command lines with a usage message.

use crate::support;
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const OLD: &str = "\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /teams:
    get:
      operationId: listTeams
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Team'}}
components:
  schemas:
    Team:
      type: object
      properties:
        state: {type: string, enum: [active, inactive]}
";

#[test]
fn a_yaml_file_and_a_folder_compare_in_both_formats() {
    let dir = support::temp("spec-diff", "formats");
    let old = dir.join("old.yaml");
    std::fs::write(&old, OLD).unwrap();
    // The new version is a folder of two fragments.
    let new = dir.join("new");
    std::fs::create_dir_all(&new).unwrap();
    let (paths, components) = OLD.split_at(OLD.find("components:").unwrap());
    std::fs::write(new.join("a.yaml"), paths).unwrap();
    std::fs::write(
        new.join("b.yaml"),
        components.replace("[active, inactive]", "[active, inactive, paused]"),
    )
    .unwrap();

    let (code, markdown, stderr) =
        run(&["spec-diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(markdown.contains("## Breaking"), "{markdown}");
    assert!(
        markdown.contains("- success response `[].state` (in `Team`): enum value `paused` added"),
        "{markdown}"
    );

    let (code, json, stderr) = run(&[
        "spec-diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["summary"]["changed"], 1);
    assert_eq!(value["schemas"][0]["name"], "Team");
    assert_eq!(value["schemas"][0]["side"], "received");
}

#[test]
fn bad_command_lines_and_files_get_clear_errors() {
    let (code, _, stderr) = run(&["spec-diff", "only-one.yaml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("OLD and NEW") && stderr.contains("usage:"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["spec-diff", "a", "b", "--format", "xml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unknown format `xml`"), "{stderr}");

    let dir = support::temp("spec-diff", "bad");
    let good = dir.join("good.yaml");
    std::fs::write(&good, OLD).unwrap();
    let swagger = dir.join("swagger.json");
    std::fs::write(&swagger, "{\"swagger\": \"2.0\", \"paths\": {}}").unwrap();
    let (code, _, stderr) = run(&[
        "spec-diff",
        good.to_str().unwrap(),
        swagger.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("swagger.json") && stderr.contains("Swagger 2.0"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&[
        "spec-diff",
        good.to_str().unwrap(),
        dir.join("missing.yaml").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("missing.yaml: cannot read"), "{stderr}");
}

/// Cisco's two published versions differ in string constraints and `uniqueItems` on 32
/// component properties (the 33 changes the issue counted by hand include a deprecation, now
/// reported too). Skipped with a note when `../shared/upstream` is missing, unless
/// `WXCC_REQUIRE_FIXTURES` is set.
#[test]
fn the_constraint_changes_between_cisco_versions_are_reported() {
    let dir = xtask::codegen::workspace_root()
        .parent()
        .unwrap()
        .join("shared")
        .join("upstream");
    let [old, new] =
        ["2025-11-24", "2026-04-30"].map(|v| dir.join(format!("webex-contact-center.{v}.json")));
    if !old.is_file() || !new.is_file() {
        assert!(
            std::env::var_os("WXCC_REQUIRE_FIXTURES").is_none(),
            "{} is missing and WXCC_REQUIRE_FIXTURES is set",
            dir.display()
        );
        eprintln!("note: {} not found; test skipped", dir.display());
        return;
    }
    let (code, json, stderr) = run(&[
        "spec-diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for schema in value["schemas"].as_array().unwrap() {
        for change in schema["changes"].as_array().unwrap() {
            *counts
                .entry(change["kind"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    let get = |k: &str| counts.get(k).copied().unwrap_or(0);
    let constraints = get("string-constrained")
        + get("string-unconstrained")
        + get("string-constraint-tightened")
        + get("string-constraint-loosened")
        + get("items-became-unique")
        + get("items-no-longer-unique");
    assert_eq!(constraints, 32, "{counts:#?}");
    assert_eq!(get("deprecated"), 1, "{counts:#?}");
    // 126 fewer than with Cisco's own ids: operations are named from method and path, so
    // Cisco renumbering `getConfig_N` no longer reads as a rename.
    assert_eq!(value["summary"]["breaking_changes"], 456);
    assert_eq!(value["summary"]["non_breaking_changes"], 439);
}
