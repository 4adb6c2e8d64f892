//! Each class of spec defect, fed as a tiny spec through the whole pipeline: the normalizer
//! fixes it, counts it in the report, and progenitor then generates a client.

use serde_json::{Value, json};
use xtask::generate::generate;
use xtask::load::Spec;
use xtask::normalize::{Defect, Report};

fn spec(paths: Value, schemas: Value) -> Spec {
    Spec::from_value(
        "tiny.json",
        json!({
            "openapi": "3.0.3",
            "info": {"title": "tiny", "version": "1"},
            "paths": paths,
            "components": {"schemas": schemas}
        }),
    )
}

/// Generates the spec and returns the report, failing the test if progenitor fails.
fn report(spec: &Spec) -> Report {
    match generate(spec) {
        Ok(generated) => generated.report,
        Err(error) => panic!("generation failed: {error}"),
    }
}

fn ok_json(schema: Value) -> Value {
    json!({"description": "ok", "content": {"application/json": {"schema": schema}}})
}

fn only(report: &Report, defect: Defect, count: usize) {
    for class in Defect::ALL {
        let expected = if class == defect { count } else { 0 };
        assert_eq!(
            report.count(class),
            expected,
            "{class}: {:#?}",
            report.fixes
        );
    }
}

#[test]
fn duplicate_operation_ids() {
    let op = json!({"operationId": "getThing", "responses": {"204": {"description": "ok"}}});
    let s = spec(
        json!({"/team": {"get": op}, "/site": {"get": op}}),
        json!({}),
    );
    let r = report(&s);
    only(&r, Defect::DuplicateOperationId, 2);
    assert_eq!(r.operations, 2);
}

#[test]
fn numbered_operation_ids() {
    let op = |id: &str| json!({"operationId": id, "responses": {"204": {"description": "ok"}}});
    let s = spec(
        json!({"/team": {"get": op("getConfig_22")}, "/site": {"get": op("getConfig_3")}, "/x": {"get": op("getX")}}),
        json!({}),
    );
    let r = report(&s);
    // `getX` is already the name `GET /x` derives.
    only(&r, Defect::NumberedOperationIds, 2);
}

#[test]
fn case_colliding_enum_values() {
    let s = spec(
        json!({"/var": {"get": {"operationId": "getVar", "responses": {"200": ok_json(json!({"$ref": "#/components/schemas/Var"}))}}}}),
        json!({"Var": {"type": "object", "properties": {
            "variableType": {"type": "string", "enum": ["STRING", "String", "INTEGER", "Integer"]}
        }}}),
    );
    only(&report(&s), Defect::CollidingEnumValues, 1);
}

#[test]
fn colliding_type_names() {
    let s = spec(
        json!({"/l": {"get": {"operationId": "getL", "responses": {"200": ok_json(json!({"$ref": "#/components/schemas/location"}))}}},
               "/m": {"get": {"operationId": "getM", "responses": {"200": ok_json(json!({"$ref": "#/components/schemas/Location"}))}}}}),
        json!({
            "location": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Location": {"type": "object", "properties": {"name": {"type": "string"}}}
        }),
    );
    only(&report(&s), Defect::CollidingTypeNames, 1);
}

#[test]
fn format_without_type() {
    let s = spec(
        json!({"/sub": {"post": {"operationId": "subscribe", "responses": {"200": ok_json(json!({"$ref": "#/components/schemas/Sub"}))}}}}),
        json!({"Sub": {"type": "object", "properties": {"subscriptionId": {"format": "uuid"}}}}),
    );
    only(&report(&s), Defect::FormatWithoutType, 1);
}

#[test]
fn several_request_media_types() {
    let s = spec(
        json!({"/user/{id}": {"patch": {
            "operationId": "patchUser",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {
                "application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}},
                "multipart/form-data": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}
            }},
            "responses": {"204": {"description": "ok"}}
        }}}),
        json!({}),
    );
    only(&report(&s), Defect::SeveralMediaTypes, 1);
}

#[test]
fn json_media_type_variants() {
    let s = spec(
        json!({"/person/{id}": {"patch": {
            "operationId": "patchPerson",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"content": {"application/json-patch+json": {"schema": {"type": "array", "items": {"type": "object"}}}}},
            "responses": {
                "200": {"description": "ok", "content": {"application/hal+json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}},
                "400": {"description": "bad", "content": {"*/*": {"schema": {"type": "object", "properties": {"m": {"type": "string"}}}}}}
            }
        }}}),
        json!({}),
    );
    only(&report(&s), Defect::JsonMediaTypeVariant, 3);
}

#[test]
fn media_type_without_schema() {
    let s = spec(
        json!({"/ewt": {"get": {"operationId": "ewt", "responses": {
            "204": {"description": "no data", "content": {"application/json": {}}}
        }}}}),
        json!({}),
    );
    only(&report(&s), Defect::MediaTypeWithoutSchema, 1);
}

#[test]
fn string_typed_json_body() {
    let s = spec(
        json!({"/search": {"post": {"operationId": "search", "responses": {"200": ok_json(json!({"type": "string"}))}}}}),
        json!({}),
    );
    only(&report(&s), Defect::StringTypedJsonBody, 1);
}

#[test]
fn several_success_response_types() {
    let s = spec(
        json!({"/ewt": {"get": {"operationId": "ewt", "responses": {
            "200": ok_json(json!({"type": "object", "properties": {"ms": {"type": "integer"}}})),
            "204": {"description": "not enough data"}
        }}}}),
        json!({}),
    );
    only(&report(&s), Defect::SeveralSuccessTypes, 1);
}

#[test]
fn several_error_response_types() {
    let s = spec(
        json!({"/dnc": {"get": {"operationId": "dnc", "responses": {
            "200": ok_json(json!({"type": "object", "properties": {"n": {"type": "string"}}})),
            "400": ok_json(json!({"$ref": "#/components/schemas/A"})),
            "404": ok_json(json!({"$ref": "#/components/schemas/A"})),
            "429": ok_json(json!({"$ref": "#/components/schemas/B"})),
            "401": {"description": "no body"}
        }}}}),
        json!({"A": {"type": "object", "properties": {"a": {"type": "string"}}},
               "B": {"type": "object", "properties": {"b": {"type": "integer"}}}}),
    );
    only(&report(&s), Defect::SeveralErrorTypes, 1);
}

#[test]
fn parameters_colliding_with_generated_ones() {
    let s = spec(
        json!({"/skill": {"post": {
            "operationId": "createSkill",
            "parameters": [{"name": "payloadDTO", "in": "query", "required": true, "schema": {"$ref": "#/components/schemas/Skill"}}],
            "responses": {"201": {"description": "created"}}
        }}}),
        json!({"Skill": {"type": "object", "properties": {"name": {"type": "string"}, "active": {"type": "boolean"}}}}),
    );
    only(&report(&s), Defect::CollidingParameter, 1);
}

#[test]
fn multipart_bodies_are_skipped_with_a_note() {
    let s = spec(
        json!({"/audio": {
            "post": {
                "operationId": "uploadAudio",
                "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
                "responses": {"201": {"description": "created"}}
            },
            "get": {"operationId": "listAudio", "responses": {"204": {"description": "ok"}}}
        }}),
        json!({}),
    );
    let r = report(&s);
    only(&r, Defect::UnsupportedRequestBody, 1);
    assert_eq!(r.operations, 1);
    assert_eq!(r.skipped.len(), 1);
    assert!(r.skipped[0].operation.contains("uploadAudio"));
    assert!(r.summary().contains("skipped POST /audio (uploadAudio)"));
}

#[test]
fn a_default_outside_its_enum() {
    let s = spec(
        json!({"/metrics": {"get": {
            "operationId": "metrics",
            "parameters": [{"name": "unit", "in": "query", "schema": {
                "type": "string", "enum": ["celsius", "fahrenheit"],
                "default": "celsius when the metric is temperature"
            }}, {"name": "aggregate", "in": "query", "schema": {"type": "boolean", "default": "false"}}],
            "responses": {"204": {"description": "ok"}}
        }}}),
        json!({"Reading": {"type": "object", "properties": {
            "unit": {"type": "string", "enum": ["c", "f"], "default": "kelvin"}
        }}}),
    );
    let r = report(&s);
    only(&r, Defect::NonConformingDefault, 3);
    assert!(
        r.fixes
            .iter()
            .any(|f| f.place == "#/paths/~1metrics/get/parameters/0/schema"),
        "{:#?}",
        r.fixes
    );
}

#[test]
fn a_path_variable_without_a_parameter() {
    let s = spec(
        json!({"/codes/{codeId}": {"put": {
            "operationId": "updateCode",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"204": {"description": "ok"}}
        }}}),
        json!({}),
    );
    let generated = generate(&s).unwrap_or_else(|e| panic!("{e}"));
    only(&generated.report, Defect::PathParameterMismatch, 1);
    assert!(generated.client.contains("code_id"));
}

#[test]
fn identical_error_schemas_keep_every_status_typed() {
    let error = |example: &str| {
        json!({"type": "object", "description": example, "properties": {
            "trackingId": {"type": "string", "example": example}
        }})
    };
    let typed = |name: &str| json!({"description": "x", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}});
    let s = spec(
        json!({"/x": {"get": {"operationId": "x", "responses": {
            "204": {"description": "ok"},
            "400": typed("ApiError400"),
            "404": typed("ApiError404"),
            "409": typed("ApiError409")
        }}}}),
        json!({"ApiError400": error("a"), "ApiError404": error("b"), "ApiError409": error("c")}),
    );
    let generated = generate(&s).unwrap_or_else(|e| panic!("{e}"));
    only(&generated.report, Defect::IdenticalSchemas, 1);
    // Each status decodes into the one shared error type.
    for status in ["400u16", "404u16", "409u16"] {
        assert!(
            generated.client.contains(status),
            "{status} is not a typed error"
        );
    }
}

/// An operation of a kind the normalizer does not know to fix, between two fine ones.
fn spec_failing_at_operation() -> Spec {
    let fine = json!({"responses": {"204": {"description": "ok"}}});
    spec(
        json!({
            "/a": {"get": fine},
            "/b/{id}": {"post": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {
                    "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
                    "encoding": {"a": {"contentType": "text/plain"}}
                }}},
                "responses": {"204": {"description": "ok"}}
            }},
            "/c": {"get": fine}
        }),
        json!({}),
    )
}

#[test]
fn a_progenitor_failure_names_the_file_and_the_operation() {
    let error = generate(&spec_failing_at_operation())
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("tiny.json: /paths/~1b~1{id}/post: progenitor could not"),
        "{error}"
    );
}

#[test]
fn a_progenitor_failure_in_a_schema_names_the_schema() {
    let s = spec(
        json!({"/a": {"get": {"responses": {"204": {"description": "ok"}}}}}),
        json!({
            "Fine": {"type": "string"},
            "Broken": {"type": "string", "pattern": "(unclosed"},
            "AlsoFine": {"type": "integer"}
        }),
    );
    let error = generate(&s).unwrap_err().to_string();
    assert!(
        error.starts_with("tiny.json: /components/schemas/Broken: progenitor could not"),
        "{error}"
    );
}
