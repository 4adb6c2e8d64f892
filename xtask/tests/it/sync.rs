//! `cargo xtask spec-sync`: a tiny folder of ours brought up to a tiny "Cisco" document, and the
//! workspace's own folder checked to be in sync with Cisco's latest spec in `../shared/upstream`.

use crate::support;
use std::path::Path;

use serde_json::{Value, json};
use xtask::codegen::workspace_root;
use xtask::sync::{Options, sync};

fn yaml(path: &Path) -> Value {
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const OURS_ROOT: &str = "\
openapi: 3.0.3
info: {title: ours, version: '1'}
tags: [{name: config, description: Our words.}]
paths: {}
";

const OURS_TEAMS: &str = "\
# Our header, kept.
paths:
  /organization/{orgid}/team/{id}:
    get:
      operationId: getTeam
      tags: [config]
      summary: Our summary.
      x-wxcc-access: read
      x-wxcc-scopes: ['cjp:config_read']
      parameters:
        - {name: orgid, in: path, required: true, description: Our words., schema: {type: string}}
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: Ours., content: {application/json: {schema: {$ref: '#/components/schemas/Team'}}}}
    put:
      operationId: updateTeam
      tags: [config]
      summary: Our summary.
      x-wxcc-access: write
      x-wxcc-scopes: ['cjp:config_write']
      parameters:
        - {name: orgid, in: path, required: true, schema: {type: string}}
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Team'}}}}
      responses:
        '200': {description: Ours., content: {application/json: {schema: {$ref: '#/components/schemas/Team'}}}}
components:
  schemas:
    Team:
      type: object
      description: Our words.
      properties:
        name: {type: string, description: Our words.}
        createdTime: {type: integer}
";

fn upstream() -> Value {
    let ok = |schema: Value| json!({"description": "THEIR WORDS", "content": {"application/json": {"schema": schema}}});
    json!({
        "openapi": "3.0.1",
        "info": {"title": "theirs", "version": "2"},
        "paths": {
            "/organization/{orgid}/team/{id}": {
                "get": {
                    "operationId": "getConfig_3", "summary": "THEIR WORDS",
                    "parameters": [
                        {"name": "orgid", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "withNames", "in": "query", "description": "THEIR WORDS", "schema": {"type": "boolean"}}
                    ],
                    "responses": {"200": ok(json!({"$ref": "#/components/schemas/TeamDTO"}))}
                },
                "put": {
                    "operationId": "updateConfig_3",
                    "parameters": [
                        {"name": "orgid", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "teamDTO", "in": "query", "schema": {"$ref": "#/components/schemas/TeamDTO"}}
                    ],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/TeamDTO"}}}},
                    "responses": {"200": ok(json!({"$ref": "#/components/schemas/TeamDTO"}))}
                }
            },
            "/organization/{orgid}/team": {
                "post": {
                    "operationId": "createConfig_3", "summary": "THEIR WORDS", "description": "THEIR WORDS",
                    "parameters": [{"name": "orgid", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/TeamDTO"}}}},
                    "responses": {"201": ok(json!({"$ref": "#/components/schemas/TeamDTO"}))}
                }
            },
            "/search": {
                "post": {
                    "operationId": "getSearchResults",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Query"}}}},
                    "responses": {"200": ok(json!({"type": "object"}))}
                }
            }
        },
        "components": {"schemas": {
            "TeamDTO": {
                "type": "object", "description": "THEIR WORDS", "required": ["name", "teamType"],
                "properties": {
                    "name": {"type": "string", "description": "THEIR WORDS", "example": "THEIR WORDS"},
                    "teamType": {"type": "string", "enum": ["AGENT", "CAPACITY"]},
                    "createdTime": {"type": "integer", "readOnly": true}
                }
            },
            "Query": {"type": "object", "properties": {"query": {"type": "string"}}},
            "Unused": {"type": "string"}
        }}
    })
}

#[test]
fn a_folder_takes_over_cisco_facts_but_never_its_words() {
    let dir = support::temp("sync", "tiny");
    let specs = dir.join("specs");
    std::fs::create_dir_all(&specs).unwrap();
    std::fs::write(specs.join("openapi.yaml"), OURS_ROOT).unwrap();
    std::fs::write(specs.join("config-teams.yaml"), OURS_TEAMS).unwrap();
    let up = dir.join("cisco.json");
    std::fs::write(&up, serde_json::to_string(&upstream()).unwrap()).unwrap();
    let options = Options {
        upstream: up.clone(),
        specs: specs.clone(),
    };
    let outcome = sync(&options).unwrap();
    assert_eq!(
        outcome.added,
        ["POST /organization/{orgid}/team", "POST /search"]
    );
    assert!(
        outcome.diff.contains("Operations: 2 → 4"),
        "{}",
        outcome.diff
    );

    // Nothing of theirs in prose, anywhere.
    for file in std::fs::read_dir(&specs).unwrap() {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(!text.contains("THEIR WORDS"), "{text}");
    }
    let teams_text = std::fs::read_to_string(specs.join("config-teams.yaml")).unwrap();
    assert!(teams_text.starts_with("# Our header, kept.\n"));
    let teams = yaml(&specs.join("config-teams.yaml"));
    let paths = &teams["paths"];

    // Added next to their resource, named from method and path, classified, with our summary.
    let create = &paths["/organization/{orgid}/team"]["post"];
    assert_eq!(create["operationId"], "postTeam");
    assert_eq!(create["x-wxcc-access"], "write");
    assert_eq!(
        create["x-wxcc-scopes"],
        json!(["cjp:config_write"]),
        "the neighbours' scopes"
    );
    assert_eq!(create["summary"], "Send a POST to team");
    assert_eq!(create["responses"]["201"]["description"], "Created.");
    let search = yaml(&specs.join("search.yaml"));
    assert_eq!(
        search["paths"]["/search"]["post"]["x-wxcc-access"], "read",
        "Search only reads"
    );
    assert_eq!(
        search["paths"]["/search"]["post"]["x-wxcc-scopes"],
        json!([]),
        "unknown scopes are not guessed"
    );
    assert_eq!(
        search["paths"]["/search"]["post"]["x-wxcc-origin"],
        "spec-sync"
    );

    // Existing operations keep our words and gain Cisco's parameters, but not form bindings.
    let get = &paths["/organization/{orgid}/team/{id}"]["get"];
    assert_eq!(get["summary"], "Our summary.");
    assert_eq!(get["parameters"][0]["description"], "Our words.");
    assert_eq!(get["parameters"][2]["name"], "withNames");
    let put = &paths["/organization/{orgid}/team/{id}"]["put"];
    assert_eq!(
        put["parameters"].as_array().unwrap().len(),
        2,
        "teamDTO is not a query parameter"
    );

    // Team types responses too: the request gets its own schema, without the response-only
    // field, with Cisco's required fields, and Team keeps what responses carry.
    assert_eq!(
        put["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/TeamRequest"
    );
    let schemas = &teams["components"]["schemas"];
    let request = &schemas["TeamRequest"];
    assert!(request["properties"].get("createdTime").is_none());
    assert_eq!(request["required"], json!(["name", "teamType"]));
    assert_eq!(
        request["properties"]["teamType"]["enum"],
        json!(["AGENT", "CAPACITY"])
    );
    assert!(schemas["Team"]["properties"].get("createdTime").is_some());
    assert_eq!(schemas["Team"]["description"], "Our words.");
    assert!(
        schemas.get("TeamDTO").is_some(),
        "imported for the added operation"
    );
    assert!(
        schemas.get("Unused").is_none() && search["components"]["schemas"].get("Unused").is_none()
    );

    // A second run finds nothing to do and writes nothing.
    let again = sync(&options).unwrap();
    assert!(
        again.added.is_empty() && again.updated.is_empty(),
        "{again:#?}"
    );
    assert!(again.files.is_empty(), "{:?}", again.files);
}

#[test]
fn the_workspace_specs_are_in_sync_with_ciscos_latest_spec() {
    let up = workspace_root()
        .parent()
        .unwrap()
        .join("shared/upstream/webex-contact-center.2026-04-30.json");
    if !up.is_file() {
        assert!(
            std::env::var_os("WXCC_REQUIRE_FIXTURES").is_none(),
            "{} is missing and WXCC_REQUIRE_FIXTURES is set",
            up.display()
        );
        eprintln!("note: {} not found; test skipped", up.display());
        return;
    }
    let dir = support::temp("sync", "workspace");
    let specs = dir.join("wxcc");
    std::fs::create_dir_all(&specs).unwrap();
    for entry in std::fs::read_dir(workspace_root().join("specs/wxcc")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, specs.join(path.file_name().unwrap())).unwrap();
    }
    let outcome = sync(&Options {
        upstream: up,
        specs,
    })
    .unwrap();
    assert!(
        outcome.added.is_empty() && outcome.updated.is_empty() && outcome.files.is_empty(),
        "specs/wxcc is behind Cisco's spec; run `cargo xtask spec-sync {}`:\n{}",
        "../shared/upstream/webex-contact-center.2026-04-30.json",
        xtask::sync::report(&outcome)
    );
}
