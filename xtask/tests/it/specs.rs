//! The project's own specs: valid OpenAPI 3.0, complete enough, classified, and clean enough
//! that the normalizer has nothing to fix in them.

use serde_json::Value;
use xtask::codegen::{TARGETS, workspace_root};
use xtask::load::{Spec, load};
use xtask::normalize::normalize;
use xtask::validate;

fn spec(folder: &str) -> Spec {
    load(&workspace_root().join(folder)).unwrap_or_else(|e| panic!("{e}"))
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ]
            .contains(&method.as_str())
            {
                out.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    out
}

#[test]
fn both_specs_are_valid_openapi_3_0() {
    for target in TARGETS {
        let spec = spec(target.spec);
        assert_eq!(spec.doc["openapi"], "3.0.3", "{}", target.spec);
        // Version, every $ref resolves, and the document reads into openapiv3's types.
        validate::check(&spec).unwrap_or_else(|e| panic!("{e}"));
        let problems = validate::lint(&spec);
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[test]
fn the_wxcc_spec_covers_at_least_80_operations_and_engage_13() {
    assert!(operations(&spec("specs/wxcc").doc).len() >= 80);
    assert!(operations(&spec("specs/engage").doc).len() >= 13);
}

#[test]
fn every_operation_is_classified_described_and_scoped() {
    for target in TARGETS {
        let spec = spec(target.spec);
        for (method, path, op) in operations(&spec.doc) {
            let at = format!("{} {method} {path}", target.spec);
            assert!(
                matches!(op["x-wxcc-access"].as_str(), Some("read" | "write")),
                "{at}: x-wxcc-access"
            );
            assert!(op["x-wxcc-scopes"].is_array(), "{at}: x-wxcc-scopes");
            assert!(
                op["operationId"]
                    .as_str()
                    .is_some_and(|id| !id.contains('_')),
                "{at}: operationId"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{at}: summary"
            );
            assert_eq!(
                op["tags"].as_array().map(Vec::len),
                Some(1),
                "{at}: one tag"
            );
            if method == "GET" {
                assert_eq!(op["x-wxcc-access"], "read", "{at}: a GET is a read");
            }
        }
    }
}

#[test]
fn reads_that_use_post_are_classified_read() {
    let doc = spec("specs/wxcc").doc;
    assert_eq!(doc["paths"]["/search"]["post"]["x-wxcc-access"], "read");
    assert_eq!(
        doc["paths"]["/v1/captures/query"]["post"]["x-wxcc-access"],
        "read"
    );
    assert_eq!(doc["paths"]["/v1/tasks"]["post"]["x-wxcc-access"], "write");
}

#[test]
fn search_answers_the_graphql_envelope_not_a_string() {
    let doc = spec("specs/wxcc").doc;
    let schema = &doc["paths"]["/search"]["post"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    let name = schema["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
    let envelope = &doc["components"]["schemas"][name]["properties"];
    assert!(
        envelope.get("data").is_some() && envelope.get("errors").is_some(),
        "{envelope}"
    );
}

/// Whether the place a fix names (`METHOD /path (id)` or a pointer into the components) was
/// added by `cargo xtask spec-sync`, which keeps Cisco's structure for the normalizer to fix.
fn synced(doc: &Value, place: &str) -> bool {
    let origin = |v: &Value| v["x-wxcc-origin"] == "spec-sync";
    if let Some(rest) = place.strip_prefix("#/components/schemas/") {
        let name = rest.split('/').next().unwrap();
        return origin(&doc["components"]["schemas"][name]);
    }
    let mut words = place.split(' ');
    let (Some(method), Some(path)) = (words.next(), words.next()) else {
        return false;
    };
    origin(&doc["paths"][path][method.to_lowercase()])
}

#[test]
fn the_files_we_wrote_need_no_normalization() {
    for target in TARGETS {
        let original = spec(target.spec).doc;
        let mut doc = original.clone();
        let report = normalize(&mut doc);
        let ours: Vec<_> = report
            .fixes
            .iter()
            .filter(|f| !synced(&original, &f.place))
            .collect();
        assert!(ours.is_empty(), "{}:\n{ours:#?}", target.spec);
        eprintln!(
            "{}: {} fixes, all in what spec-sync added",
            target.spec,
            report.fixes.len()
        );
    }
}

#[test]
fn the_engage_spec_says_its_paths_are_modeled() {
    let doc = spec("specs/engage").doc;
    let description = doc["info"]["description"].as_str().unwrap().to_lowercase();
    assert!(
        description.contains("modeled") || description.contains("modelled"),
        "{description}"
    );
    let readme = std::fs::read_to_string(workspace_root().join("specs/README.md")).unwrap();
    assert!(readme.contains("modeled, not documented"));
}
