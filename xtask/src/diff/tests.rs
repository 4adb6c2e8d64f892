//! One tiny hand-written pair of specs per class of change.

use serde_json::{Value, json};

use super::*;

fn doc(paths: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "tiny", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

fn run(old: Value, new: Value) -> SpecDiff {
    let old = Spec::from_value("old.json", old);
    let new = Spec::from_value("new.json", new);
    match diff_specs(&old, &new) {
        Ok(diff) => diff,
        Err(e) => panic!("{e}"),
    }
}

/// The only change of the only changed operation.
fn one_change(diff: &SpecDiff) -> &Change {
    assert_eq!(diff.operations.len(), 1, "{:#?}", diff.operations);
    let changes = &diff.operations[0].changes;
    assert_eq!(changes.len(), 1, "{changes:#?}");
    &changes[0]
}

fn get(id: &str, params: Value) -> Value {
    json!({"operationId": id, "parameters": params, "responses": {"204": {"description": "ok"}}})
}

fn query(name: &str, schema: Value, required: bool) -> Value {
    json!({"name": name, "in": "query", "required": required, "schema": schema})
}

fn post_json(id: &str, body: Value, response: Value) -> Value {
    json!({
        "operationId": id,
        "requestBody": {"required": true, "content": {"application/json": {"schema": body}}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}
    })
}

fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

fn string() -> Value {
    json!({"type": "string"})
}

#[test]
fn an_added_operation_is_not_breaking() {
    let old = doc(json!({"/a": {"get": get("getA", json!([]))}}), json!({}));
    let new = doc(
        json!({"/a": {"get": get("getA", json!([]))}, "/b": {"delete": get("deleteB", json!([]))}}),
        json!({}),
    );
    let d = run(old, new);
    assert_eq!(d.operations.len(), 1);
    let op = &d.operations[0];
    assert_eq!(
        (op.status, op.method.as_str(), op.path.as_str()),
        (Status::Added, "DELETE", "/b")
    );
    assert_eq!(op.rust_name, "delete_b");
    assert!(!op.breaking());
    assert_eq!(
        (
            d.summary.added,
            d.summary.non_breaking_changes,
            d.summary.breaking_changes
        ),
        (1, 1, 0)
    );
}

#[test]
fn a_removed_operation_is_breaking() {
    let old = doc(
        json!({"/a": {"get": get("getA", json!([])), "put": get("putA", json!([]))}}),
        json!({}),
    );
    let new = doc(json!({"/a": {"get": get("getA", json!([]))}}), json!({}));
    let d = run(old, new);
    assert_eq!(d.operations.len(), 1);
    assert_eq!(d.operations[0].status, Status::Removed);
    assert_eq!(d.operations[0].operation_id, "putA");
    assert!(d.operations[0].breaking());
    assert_eq!(
        (
            d.summary.removed,
            d.summary.breaking_operations,
            d.summary.breaking_changes
        ),
        (1, 1, 1)
    );
}

#[test]
fn operations_match_by_method_and_path_not_by_id() {
    let old = doc(json!({"/a": {"get": get("getA", json!([]))}}), json!({}));
    let new = doc(json!({"/a": {"get": get("fetchA", json!([]))}}), json!({}));
    let d = run(old, new);
    let change = one_change(&d);
    assert_eq!(change.kind, Kind::OperationRenamed);
    assert!(change.breaking);
    assert!(
        change.detail.contains("`get_a` to `fetch_a`"),
        "{}",
        change.detail
    );

    // Only the spelling changed, not the client method name: nothing to report.
    let old = doc(json!({"/a": {"get": get("getA", json!([]))}}), json!({}));
    let new = doc(json!({"/a": {"get": get("get_a", json!([]))}}), json!({}));
    assert!(run(old, new).operations.is_empty());
}

#[test]
fn a_renamed_path_parameter_keeps_the_operation_and_renames_the_setter() {
    let path_param = |name: &str| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}});
    let old = doc(
        json!({"/team/{id}": {"get": get("getTeam", json!([path_param("id")]))}}),
        json!({}),
    );
    let new = doc(
        json!({"/team/{teamId}": {"get": get("getTeam", json!([path_param("teamId")]))}}),
        json!({}),
    );
    let d = run(old, new);
    assert_eq!(d.operations.len(), 1);
    let op = &d.operations[0];
    assert_eq!(
        (op.status, op.path.as_str()),
        (Status::Changed, "/team/{teamId}")
    );
    let kinds: Vec<Kind> = op.changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::ParameterRemoved,
            Kind::ParameterAdded { required: true }
        ]
    );
}

#[test]
fn a_required_parameter_added_is_breaking_an_optional_one_is_not() {
    let old = doc(json!({"/a": {"get": get("getA", json!([]))}}), json!({}));
    let new = doc(
        json!({"/a": {"get": get("getA", json!([query("page", string(), true)]))}}),
        json!({}),
    );
    let change = one_change(&run(old.clone(), new)).clone();
    assert_eq!(change.kind, Kind::ParameterAdded { required: true });
    assert!(change.breaking);
    assert_eq!(change.at, "query parameter `page`");

    let new = doc(
        json!({"/a": {"get": get("getA", json!([query("page", string(), false)]))}}),
        json!({}),
    );
    let d = run(old, new);
    let change = one_change(&d);
    assert_eq!(change.kind, Kind::ParameterAdded { required: false });
    assert!(!change.breaking);
}

#[test]
fn a_removed_parameter_is_breaking() {
    let old = doc(
        json!({"/a": {"get": get("getA", json!([query("page", string(), false)]))}}),
        json!({}),
    );
    let new = doc(json!({"/a": {"get": get("getA", json!([]))}}), json!({}));
    let d = run(old, new);
    let change = one_change(&d);
    assert_eq!(change.kind, Kind::ParameterRemoved);
    assert!(change.breaking);
}

#[test]
fn a_parameter_type_change_is_breaking() {
    let old = doc(
        json!({"/a": {"get": get("getA", json!([query("page", json!({"type": "integer", "format": "int32"}), false)]))}}),
        json!({}),
    );
    let new = doc(
        json!({"/a": {"get": get("getA", json!([query("page", string(), false)]))}}),
        json!({}),
    );
    let d = run(old, new);
    let change = one_change(&d);
    assert_eq!(change.kind, Kind::TypeChanged);
    assert!(change.breaking);
    assert_eq!(change.detail, "type changed from integer (i32) to string");
}

#[test]
fn parameters_that_become_required_or_move() {
    let old = doc(
        json!({"/a": {"get": get("getA", json!([query("page", string(), false), query("size", string(), true)]))}}),
        json!({}),
    );
    let mut moved = query("size", string(), false);
    moved["in"] = json!("header");
    let new = doc(
        json!({"/a": {"get": get("getA", json!([query("page", string(), true), moved]))}}),
        json!({}),
    );
    let d = run(old, new);
    let changes: Vec<(Kind, bool)> = d.operations[0]
        .changes
        .iter()
        .map(|c| (c.kind, c.breaking))
        .collect();
    assert_eq!(
        changes,
        [
            (Kind::ParameterRequired, true),
            (Kind::ParameterMoved, false),
            (Kind::ParameterOptional, false),
        ]
    );
}

#[test]
fn a_required_request_property_added_is_breaking_an_optional_one_is_not() {
    let body = |props: Value, required: &[&str]| {
        doc(
            json!({"/a": {"post": post_json("postA", object(props, required), string())}}),
            json!({}),
        )
    };
    let old = body(json!({"name": string()}), &["name"]);
    let required = body(
        json!({"name": string(), "team": string()}),
        &["name", "team"],
    );
    let optional = body(json!({"name": string(), "team": string()}), &["name"]);

    let d = run(old.clone(), required);
    let change = one_change(&d);
    assert_eq!(change.kind, Kind::PropertyAdded { required: true });
    assert_eq!(
        (change.at.as_str(), change.field.as_str()),
        ("request body", "team")
    );
    assert!(change.breaking);

    let d = run(old, optional);
    let change = one_change(&d);
    assert_eq!(change.kind, Kind::PropertyAdded { required: false });
    assert!(!change.breaking);
}

#[test]
fn a_required_response_property_added_is_not_breaking() {
    let op = |response: Value| {
        doc(
            json!({"/a": {"post": post_json("postA", string(), response)}}),
            json!({}),
        )
    };
    let old = op(object(json!({"id": string()}), &["id"]));
    let new = op(object(
        json!({"id": string(), "etag": string()}),
        &["id", "etag"],
    ));
    let d = run(old, new);
    let change = one_change(&d);
    assert_eq!(change.kind, Kind::PropertyAdded { required: true });
    assert_eq!(change.at, "success response");
    assert!(!change.breaking);
}

#[test]
fn a_removed_response_property_is_breaking() {
    let op = |response: Value| {
        doc(
            json!({"/a": {"post": post_json("postA", string(), response)}}),
            json!({}),
        )
    };
    let old = op(object(json!({"id": string(), "etag": string()}), &[]));
    let new = op(object(json!({"id": string()}), &[]));
    let d = run(old, new);
    let change = one_change(&d);
    assert_eq!(change.kind, Kind::PropertyRemoved);
    assert_eq!(change.field, "etag");
    assert!(change.breaking);
}

#[test]
fn an_enum_value_added_breaks_responses_not_requests() {
    let op = |values: Value| {
        let state = json!({"type": "string", "enum": values});
        doc(
            json!({
                "/in": {"post": post_json("send", object(json!({"state": state}), &[]), string())},
                "/out": {"get": {"operationId": "read", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": object(json!({"state": state}), &[])}}}}}}
            }),
            json!({}),
        )
    };
    let d = run(op(json!(["idle"])), op(json!(["idle", "busy"])));
    assert_eq!(d.operations.len(), 2);
    let sent = &d.operations[0].changes[0];
    let received = &d.operations[1].changes[0];
    assert_eq!(
        (sent.kind, sent.at.as_str()),
        (Kind::EnumValueAdded, "request body")
    );
    assert!(!sent.breaking);
    assert_eq!(
        (received.kind, received.at.as_str()),
        (Kind::EnumValueAdded, "success response")
    );
    assert!(received.breaking);
    assert_eq!(received.detail, "enum value `busy` added");
}

#[test]
fn an_enum_value_removed_is_breaking() {
    let op = |values: Value| {
        doc(
            json!({"/a": {"get": get("getA", json!([query("state", json!({"type": "string", "enum": values}), false)]))}}),
            json!({}),
        )
    };
    let d = run(op(json!(["idle", "busy"])), op(json!(["idle"])));
    let change = one_change(&d);
    assert_eq!(change.kind, Kind::EnumValueRemoved);
    assert!(change.breaking);
}

#[test]
fn required_fields_added_and_removed() {
    let schemas = |required: &[&str]| json!({"Team": object(json!({"name": string(), "tags": {"type": "array", "items": string()}}), required)});
    let op = json!({"/team": {"post": post_json("createTeam",
        json!({"$ref": "#/components/schemas/Team"}),
        json!({"$ref": "#/components/schemas/Team"}))}});
    let d = run(
        doc(op.clone(), schemas(&[])),
        doc(op.clone(), schemas(&["name", "tags"])),
    );
    let changes: Vec<(&str, &str, Kind, bool)> = d.operations[0]
        .changes
        .iter()
        .map(|c| (c.at.as_str(), c.field.as_str(), c.kind, c.breaking))
        .collect();
    assert_eq!(
        changes,
        [
            (
                "request body",
                "name",
                Kind::RequiredAdded { type_changes: true },
                true
            ),
            (
                "request body",
                "tags",
                Kind::RequiredAdded {
                    type_changes: false
                },
                true
            ),
            (
                "success response",
                "name",
                Kind::RequiredAdded { type_changes: true },
                true
            ),
            // A Vec stays a Vec: reading code is not affected.
            (
                "success response",
                "tags",
                Kind::RequiredAdded {
                    type_changes: false
                },
                false
            ),
        ]
    );
    assert!(
        d.operations[0]
            .changes
            .iter()
            .all(|c| c.schema.as_deref() == Some("Team"))
    );

    let d = run(doc(op.clone(), schemas(&["name"])), doc(op, schemas(&[])));
    let changes: Vec<(&str, bool)> = d.operations[0]
        .changes
        .iter()
        .map(|c| (c.at.as_str(), c.breaking))
        .collect();
    // The setter of an optional `name` takes `TryInto<Option<String>>`, which a `&str` is not.
    assert_eq!(
        changes,
        [("request body", true), ("success response", true)]
    );
    assert_eq!(
        d.operations[0].changes[0].kind,
        Kind::RequiredRemoved { type_changes: true }
    );
}

#[test]
fn a_schema_type_change_is_breaking() {
    let op = json!({"/a": {"post": post_json("postA", string(), json!({"$ref": "#/components/schemas/Count"}))}});
    let old = doc(op.clone(), json!({"Count": {"type": "integer"}}));
    let new = doc(
        op,
        json!({"Count": {"type": "string", "format": "date-time"}}),
    );
    let d = run(old, new);
    let change = one_change(&d);
    assert_eq!(change.kind, Kind::TypeChanged);
    assert!(change.breaking);
    assert_eq!(
        change.detail,
        "type changed from integer (i64) to string (date-time)"
    );
    assert_eq!(d.schemas.len(), 1);
    assert_eq!(d.schemas[0].name, "Count");
    assert_eq!(d.schemas[0].side, Side::Received);
}

#[test]
fn a_change_in_a_shared_schema_shows_on_every_user_and_once_as_a_component() {
    let schemas = |extra: bool| {
        let mut props = json!({"name": string(), "sites": {"type": "array", "items": {"$ref": "#/components/schemas/Site"}}});
        if !extra {
            props.as_object_mut().map(|p| p.remove("sites"));
        }
        json!({
            "Team": object(props, &[]),
            "Site": object(json!({"id": string(), "teams": {"type": "array", "items": {"$ref": "#/components/schemas/Team"}}}), &[]),
            "List": {"type": "array", "items": {"$ref": "#/components/schemas/Team"}},
        })
    };
    let response = |schema: &str| json!({"operationId": format!("get{schema}"), "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}}});
    let paths = json!({"/team": {"get": response("Team")}, "/teams": {"get": response("List")}, "/site": {"get": response("Site")}});
    let d = run(
        doc(paths.clone(), schemas(true)),
        doc(paths, schemas(false)),
    );
    let ops: Vec<(&str, &str)> = d
        .operations
        .iter()
        .map(|o| (o.path.as_str(), o.changes[0].field.as_str()))
        .collect();
    // Site → teams[] → Team → sites[] → Site ... ends after one round.
    assert_eq!(
        ops,
        [
            ("/site", "teams[].sites"),
            ("/team", "sites"),
            ("/teams", "[].sites")
        ]
    );
    assert!(
        d.operations
            .iter()
            .all(|o| o.changes.len() == 1 && o.changes[0].breaking)
    );
    assert_eq!(d.schemas.len(), 1);
    assert_eq!(d.schemas[0].name, "Team");
    assert_eq!(d.schemas[0].changes[0].field, "sites");
}

#[test]
fn request_bodies_added_removed_or_of_another_kind() {
    let with_body = |content: Value| {
        doc(
            json!({"/a": {"post": {"operationId": "postA", "requestBody": {"content": content}, "responses": {"204": {"description": "ok"}}}}}),
            json!({}),
        )
    };
    let none = doc(
        json!({"/a": {"post": {"operationId": "postA", "responses": {"204": {"description": "ok"}}}}}),
        json!({}),
    );
    let json_body =
        with_body(json!({"application/json": {"schema": object(json!({"a": string()}), &[])}}));
    let form = with_body(
        json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}),
    );
    assert_eq!(
        one_change(&run(none.clone(), json_body.clone())).kind,
        Kind::RequestBodyAdded
    );
    assert_eq!(
        one_change(&run(json_body.clone(), none)).kind,
        Kind::RequestBodyRemoved
    );
    let d = run(json_body, form);
    let change = one_change(&d);
    assert_eq!(change.kind, Kind::BodyChanged);
    assert!(change.breaking);
    assert_eq!(
        change.detail,
        "changed from a JSON body to a `application/octet-stream` body"
    );
}

#[test]
fn a_new_status_of_the_same_type_is_not_breaking() {
    let op = |statuses: &[&str]| {
        let responses: serde_json::Map<String, Value> = statuses
            .iter()
            .map(|s| ((*s).to_owned(), json!({"description": "x"})))
            .collect();
        doc(
            json!({"/a": {"delete": {"operationId": "deleteA", "responses": responses}}}),
            json!({}),
        )
    };
    let d = run(op(&["204", "404"]), op(&["202", "204", "404"]));
    let change = one_change(&d);
    assert_eq!((change.kind, change.breaking), (Kind::StatusAdded, false));
    assert_eq!(change.detail, "status 202 added");
}

#[test]
fn descriptions_and_examples_are_not_changes() {
    let op = |text: &str| {
        let mut s = object(
            json!({"id": {"type": "string", "description": text, "example": text}}),
            &[],
        );
        s["description"] = json!(text);
        doc(
            json!({"/a": {"post": post_json("postA", s.clone(), s)}}),
            json!({}),
        )
    };
    let d = run(op("one"), op("two"));
    assert!(d.operations.is_empty() && d.schemas.is_empty(), "{d:#?}");
}

#[test]
fn both_formats_are_deterministic_and_carry_the_counts() {
    let old = doc(
        json!({"/b": {"get": get("getB", json!([]))}, "/a": {"get": get("getA", json!([query("q", string(), false)]))}}),
        json!({}),
    );
    let new = doc(
        json!({"/a": {"get": get("getA", json!([]))}, "/c": {"get": get("getC", json!([]))}}),
        json!({}),
    );
    let d = run(old.clone(), new.clone());
    assert_eq!(d, run(old, new));
    let markdown = render(&d, Format::Markdown);
    assert!(
        markdown.starts_with("# API changes from `old.json` to `new.json`"),
        "{markdown}"
    );
    assert!(
        markdown.contains("(1 added, 1 removed, 1 changed; 2 with breaking changes)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- Changes: 2 breaking, 1 non-breaking"),
        "{markdown}"
    );
    let breaking = markdown.find("## Breaking").unwrap_or(usize::MAX);
    let non_breaking = markdown.find("## Non-breaking").unwrap_or(0);
    assert!(breaking < non_breaking, "{markdown}");
    assert!(markdown.contains("- `GET /b` (`get_b`)"), "{markdown}");
    assert!(
        markdown.contains("- query parameter `q`: parameter removed"),
        "{markdown}"
    );

    let text = render(&d, Format::Json);
    let value: Value = serde_json::from_str(&text).unwrap_or_default();
    assert_eq!(value["summary"]["breaking_changes"], 2);
    let paths: Vec<&str> = value["operations"]
        .as_array()
        .map(|ops| ops.iter().filter_map(|o| o["path"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(paths, ["/a", "/b", "/c"]);
    assert_eq!(
        value["operations"][0]["changes"][0]["kind"],
        "parameter-removed"
    );
}
