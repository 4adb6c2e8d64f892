//! Proof of the rules of `spec-diff` (ignored by default because it compiles; `.ci/run` runs
//! it): for each rule, a tiny spec before and after the change, and a consumer written against
//! the crate generated from the old one. The consumer is built against both crates and run; it
//! must build and run against the old crate, and against the new one it must fail to compile
//! exactly when the diff says the change's effect is *compile*, and fail when run exactly when
//! the diff says *run time*. The diff must report exactly the rule's kind for the case.
//!
//! All cases share one spec pair (each has its own paths and schemas), so two crates are
//! generated, and every consumer is a package of one temporary workspace built by a single
//! `cargo build --keep-going --offline` with the workspace's `Cargo.lock`: the dependencies
//! compile once and nothing is fetched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use heck::{ToKebabCase, ToLowerCamelCase, ToUpperCamelCase};
use serde_json::{Map, Value, json};
use xtask::codegen::{Standalone, standalone, workspace_root};
use xtask::diff::{Effect, Kind, SpecDiff, Status, diff_specs};
use xtask::load::Spec;

/// One rule: the paths and schemas of the old and new spec, the consumer (Rust items defining
/// `fn run()`; `{op}` is the client method, `{T}` the schema prefix), and what the diff must
/// report for it (`None`: nothing).
struct Case {
    name: &'static str,
    old: (Value, Value),
    new: (Value, Value),
    consumer: &'static str,
    expect: Option<Kind>,
}

impl Case {
    fn camel(&self) -> String {
        self.name.to_upper_camel_case()
    }

    fn path(&self) -> String {
        format!("/{}", self.name.to_kebab_case())
    }

    fn source(&self) -> String {
        let body = self
            .consumer
            .replace("{op}", self.name)
            .replace("{T}", &self.camel());
        format!("{PRELUDE}\n{body}\n")
    }
}

/// What every consumer starts with: a client whose token never comes, so that `send()` either
/// fails at once (the builder is incomplete or invalid) or waits forever for the token; one poll
/// tells which, and nothing is sent.
const PRELUDE: &str = r#"#![deny(deprecated)]
#![allow(dead_code, unused_imports, unused_variables, unreachable_code, clippy::all)]
use std::future::Future;
use std::task::{Context, Poll, Waker};

#[derive(Debug)]
struct NoToken;

impl wxcc_auth::TokenSource for NoToken {
    fn name(&self) -> &str {
        "none"
    }

    fn token(&self) -> wxcc_auth::TokenFuture<'_> {
        Box::pin(std::future::pending())
    }
}

fn client() -> api::Client {
    api::Client::new("http://127.0.0.1:9", wxcc_auth::Signer::new(NoToken, api::OPERATIONS))
}

fn send<T, E>(call: impl Future<Output = Result<T, api::Error<E>>>) {
    // The signer puts a timeout on the token, which needs a Tokio runtime to register with.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let _context = runtime.enter();
    let mut call = std::pin::pin!(call);
    let mut cx = Context::from_waker(Waker::noop());
    if let Poll::Ready(Err(api::Error::InvalidRequest(message))) = call.as_mut().poll(&mut cx) {
        eprintln!("invalid request: {message}");
        std::process::exit(3);
    }
}

fn main() {
    run();
}
"#;

fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

fn string() -> Value {
    json!({"type": "string"})
}

fn strings() -> Value {
    json!({"type": "array", "items": string()})
}

fn with(mut schema: Value, extra: Value) -> Value {
    if let (Some(s), Some(e)) = (schema.as_object_mut(), extra.as_object()) {
        s.extend(e.clone());
    }
    schema
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn no_content(id: &str) -> Value {
    json!({"operationId": id, "responses": {"204": {"description": "done"}}})
}

/// `POST /{name}` taking a `{T}Body`.
fn request(
    name: &'static str,
    old: Value,
    new: Value,
    consumer: &'static str,
    expect: Kind,
) -> Case {
    let camel = name.to_upper_camel_case();
    let part = |body: Value| {
        let mut op = no_content(&name.to_lower_camel_case());
        op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": reference(&format!("{camel}Body"))}}});
        (
            json!({format!("/{}", name.to_kebab_case()): {"post": op}}),
            json!({format!("{camel}Body"): body}),
        )
    };
    Case {
        name,
        old: part(old),
        new: part(new),
        consumer,
        expect: Some(expect),
    }
}

/// `GET /{name}` returning a `{T}Out`.
fn response(
    name: &'static str,
    old: Value,
    new: Value,
    consumer: &'static str,
    expect: Option<Kind>,
) -> Case {
    let camel = name.to_upper_camel_case();
    let part = |out: Value| {
        let op = json!({"operationId": name.to_lower_camel_case(), "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": reference(&format!("{camel}Out"))}}}}});
        (
            json!({format!("/{}", name.to_kebab_case()): {"get": op}}),
            json!({format!("{camel}Out"): out}),
        )
    };
    Case {
        name,
        old: part(old),
        new: part(new),
        consumer,
        expect,
    }
}

/// `GET /{name}` with parameters.
fn params(
    name: &'static str,
    old: Value,
    new: Value,
    consumer: &'static str,
    expect: Kind,
) -> Case {
    let part = |params: Value| {
        let mut op = no_content(&name.to_lower_camel_case());
        op["parameters"] = params;
        (
            json!({format!("/{}", name.to_kebab_case()): {"get": op}}),
            json!({}),
        )
    };
    Case {
        name,
        old: part(old),
        new: part(new),
        consumer,
        expect: Some(expect),
    }
}

fn query(name: &str, schema: Value, required: bool) -> Value {
    json!({"name": name, "in": "query", "required": required, "schema": schema})
}

/// Sets `name`, the one call most request consumers make.
const SET_NAME: &str = r#"fn run() { send(client().{op}().body_map(|b| b.name("x")).send()); }"#;
const SET_ID: &str =
    r#"fn run() { send(client().{op}().body_map(|b| b.id("1".to_string())).send()); }"#;
const SET_Q: &str = r#"fn run() { send(client().{op}().q("v").send()); }"#;
const CALL: &str = r#"fn run() { send(client().{op}().send()); }"#;

fn cases() -> Vec<Case> {
    let id = || json!({"id": string()});
    let id_name = || json!({"id": string(), "name": string()});
    let id_tags = || json!({"id": string(), "tags": strings()});
    let name_is = |schema: Value| json!({"name": schema});
    let tags_are = |schema: Value| json!({"tags": schema});
    let state = |values: Value| json!({"state": {"type": "string", "enum": values}});
    let max = |n: u64| with(string(), json!({"maxLength": n}));
    let unique = || with(strings(), json!({"uniqueItems": true}));
    let nullable = |s: Value| with(s, json!({"nullable": true}));
    let deprecated = |s: Value| with(s, json!({"deprecated": true}));
    let int = |extra: Value| with(json!({"type": "integer"}), extra);
    use Kind::*;
    vec![
        // Request properties.
        request(
            "req_required_property_added",
            object(id(), &[]),
            object(id_name(), &["name"]),
            SET_ID,
            PropertyAdded { required: true },
        ),
        request(
            "req_optional_property_added",
            object(id(), &[]),
            object(id_name(), &[]),
            SET_ID,
            PropertyAdded { required: false },
        ),
        request(
            "req_property_removed",
            object(id_name(), &["name"]),
            object(id(), &[]),
            SET_NAME,
            PropertyRemoved,
        ),
        request(
            "req_property_became_required",
            object(id_name(), &[]),
            object(id_name(), &["name"]),
            SET_ID,
            RequiredAdded { type_changes: true },
        ),
        request(
            "req_vec_became_required",
            object(id_tags(), &[]),
            object(id_tags(), &["tags"]),
            SET_ID,
            RequiredAdded {
                type_changes: false,
            },
        ),
        request(
            "req_property_became_optional",
            object(id_name(), &["name"]),
            object(id_name(), &[]),
            SET_NAME,
            RequiredRemoved { type_changes: true },
        ),
        request(
            "req_vec_became_optional",
            object(id_tags(), &["tags"]),
            object(id_tags(), &[]),
            r#"fn run() { send(client().{op}().body_map(|b| b.tags(vec!["a".to_string()])).send()); }"#,
            RequiredRemoved {
                type_changes: false,
            },
        ),
        request(
            "req_enum_value_added",
            object(state(json!(["idle"])), &[]),
            object(state(json!(["idle", "busy"])), &[]),
            r#"fn run() { send(client().{op}().body_map(|b| b.state(api::types::{T}BodyState::Idle)).send()); }"#,
            EnumValueAdded,
        ),
        request(
            "req_enum_value_removed",
            object(state(json!(["idle", "busy"])), &[]),
            object(state(json!(["idle"])), &[]),
            r#"fn run() { send(client().{op}().body_map(|b| b.state(api::types::{T}BodyState::Busy)).send()); }"#,
            EnumValueRemoved,
        ),
        request(
            "req_string_constrained",
            object(name_is(string()), &["name"]),
            object(name_is(max(3)), &["name"]),
            r#"fn run() { send(client().{op}().body_map(|b| b.name("abcdef")).send()); }"#,
            StringConstrained,
        ),
        request(
            "req_string_unconstrained",
            object(name_is(max(10)), &["name"]),
            object(name_is(string()), &["name"]),
            r#"fn run() { send(client().{op}().body_map(|b| b.name(api::types::{T}BodyName::try_from("ab").unwrap())).send()); }"#,
            StringUnconstrained,
        ),
        request(
            "req_constraint_tightened",
            object(name_is(max(10)), &["name"]),
            object(name_is(max(3)), &["name"]),
            r#"fn run() { send(client().{op}().body_map(|b| b.name("abcdef")).send()); }"#,
            StringConstraintChanged { tighter: true },
        ),
        request(
            "req_constraint_loosened",
            object(name_is(max(3)), &["name"]),
            object(name_is(max(10)), &["name"]),
            r#"fn run() { send(client().{op}().body_map(|b| b.name("ab")).send()); }"#,
            StringConstraintChanged { tighter: false },
        ),
        request(
            "req_pattern_added",
            object(name_is(max(10)), &["name"]),
            object(
                name_is(with(max(10), json!({"pattern": "^[a-z]+$"}))),
                &["name"],
            ),
            r#"fn run() { send(client().{op}().body_map(|b| b.name("AB")).send()); }"#,
            StringConstraintChanged { tighter: true },
        ),
        request(
            "req_nullable_optional",
            object(name_is(string()), &[]),
            object(name_is(nullable(string())), &[]),
            r#"fn run() { send(client().{op}().body_map(|b| b.name(Some("x".to_string()))).send()); }"#,
            Nullable {
                now: true,
                type_changes: false,
            },
        ),
        request(
            "req_nullable_required",
            object(name_is(string()), &["name"]),
            object(name_is(nullable(string())), &["name"]),
            SET_NAME,
            Nullable {
                now: true,
                type_changes: true,
            },
        ),
        request(
            "req_unique_items_optional",
            object(tags_are(strings()), &[]),
            object(tags_are(unique()), &[]),
            r#"fn run() { send(client().{op}().body_map(|b| b.tags(["a".to_string()])).send()); }"#,
            UniqueItems {
                now: true,
                type_changes: true,
            },
        ),
        request(
            "req_unique_items_required",
            object(tags_are(strings()), &["tags"]),
            object(tags_are(unique()), &["tags"]),
            r#"fn run() { send(client().{op}().body_map(|b| b.tags(["a".to_string()])).send()); }"#,
            UniqueItems {
                now: true,
                type_changes: false,
            },
        ),
        request(
            "req_property_deprecated",
            object(name_is(string()), &["name"]),
            object(name_is(deprecated(string())), &["name"]),
            SET_NAME,
            Deprecated { now: true },
        ),
        request(
            "req_format_changed",
            object(json!({"n": int(json!({"format": "int32"}))}), &[]),
            object(json!({"n": int(json!({"format": "int64"}))}), &[]),
            r#"fn run() { send(client().{op}().body_map(|b| b.n(5i32)).send()); }"#,
            TypeChanged,
        ),
        // Response properties: the consumers only need to compile.
        response(
            "resp_required_property_added",
            object(id(), &[]),
            object(id_name(), &["name"]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Option<String> = r.id; }",
            Some(PropertyAdded { required: true }),
        ),
        response(
            "resp_property_removed",
            object(id_name(), &[]),
            object(id(), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _ = r.name; }",
            Some(PropertyRemoved),
        ),
        response(
            "resp_property_became_required",
            object(id_name(), &[]),
            object(id_name(), &["name"]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Option<String> = r.name; }",
            Some(RequiredAdded { type_changes: true }),
        ),
        response(
            "resp_vec_became_required",
            object(id_tags(), &[]),
            object(id_tags(), &["tags"]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Vec<String> = r.tags; }",
            Some(RequiredAdded {
                type_changes: false,
            }),
        ),
        response(
            "resp_property_became_optional",
            object(id_name(), &["name"]),
            object(id_name(), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: String = r.name; }",
            Some(RequiredRemoved { type_changes: true }),
        ),
        response(
            "resp_vec_became_optional",
            object(id_tags(), &["tags"]),
            object(id_tags(), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Vec<String> = r.tags; }",
            Some(RequiredRemoved {
                type_changes: false,
            }),
        ),
        response(
            "resp_enum_value_added",
            object(state(json!(["idle", "busy"])), &[]),
            object(state(json!(["idle", "busy", "away"])), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) {\n    use api::types::{T}OutState as S;\n    match r.state { Some(S::Idle | S::Busy | S::Unknown(_)) | None => {} }\n}",
            Some(EnumValueAdded),
        ),
        response(
            "resp_enum_value_removed",
            object(state(json!(["idle", "busy"])), &[]),
            object(state(json!(["idle"])), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) {\n    use api::types::{T}OutState as S;\n    match r.state { Some(S::Idle | S::Busy | S::Unknown(_)) | None => {} }\n}",
            Some(EnumValueRemoved),
        ),
        response(
            "resp_type_changed",
            object(json!({"n": string()}), &[]),
            object(json!({"n": int(json!({}))}), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Option<String> = r.n; }",
            Some(TypeChanged),
        ),
        response(
            "resp_format_changed",
            object(json!({"n": int(json!({"format": "int32"}))}), &[]),
            object(json!({"n": int(json!({"format": "int64"}))}), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Option<i32> = r.n; }",
            Some(TypeChanged),
        ),
        response(
            "resp_integer_minimum",
            object(json!({"n": int(json!({}))}), &[]),
            object(json!({"n": int(json!({"minimum": 0}))}), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Option<i64> = r.n; }",
            Some(TypeChanged),
        ),
        response(
            "resp_fixed_length_array",
            object(json!({"pair": strings()}), &[]),
            object(
                json!({"pair": with(strings(), json!({"minItems": 2, "maxItems": 2}))}),
                &[],
            ),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Vec<String> = r.pair; }",
            Some(TypeChanged),
        ),
        response(
            "resp_ignored_keywords",
            object(
                json!({"n": int(json!({})), "x": {"type": "number"}, "tags": strings(), "mail": string(), "ro": string()}),
                &[],
            ),
            object(
                json!({
                    "n": int(json!({"maximum": 10})),
                    "x": {"type": "number", "minimum": 0, "maximum": 1},
                    "tags": with(strings(), json!({"minItems": 1, "maxItems": 3})),
                    "mail": with(string(), json!({"format": "email"})),
                    "ro": with(string(), json!({"readOnly": true})),
                }),
                &[],
            ),
            "fn run() {}\nfn read(r: api::types::{T}Out) {\n    let _: (Option<i64>, Option<f64>, Vec<String>, Option<String>, Option<String>) = (r.n, r.x, r.tags, r.mail, r.ro);\n}",
            None,
        ),
        response(
            "resp_string_constrained",
            object(name_is(string()), &[]),
            object(name_is(max(5)), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Option<String> = r.name; }",
            Some(StringConstrained),
        ),
        response(
            "resp_string_unconstrained",
            object(name_is(max(5)), &[]),
            object(name_is(string()), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Option<api::types::{T}OutName> = r.name; }",
            Some(StringUnconstrained),
        ),
        response(
            "resp_constraint_tightened",
            object(name_is(max(10)), &[]),
            object(name_is(max(5)), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Option<api::types::{T}OutName> = r.name; }",
            Some(StringConstraintChanged { tighter: true }),
        ),
        response(
            "resp_nullable_optional",
            object(name_is(string()), &[]),
            object(name_is(nullable(string())), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Option<String> = r.name; }",
            Some(Nullable {
                now: true,
                type_changes: false,
            }),
        ),
        response(
            "resp_nullable_required",
            object(name_is(string()), &["name"]),
            object(name_is(nullable(string())), &["name"]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: String = r.name; }",
            Some(Nullable {
                now: true,
                type_changes: true,
            }),
        ),
        response(
            "resp_nullable_items",
            object(tags_are(strings()), &[]),
            object(
                tags_are(json!({"type": "array", "items": nullable(string())})),
                &[],
            ),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Vec<String> = r.tags; }",
            Some(Nullable {
                now: true,
                type_changes: true,
            }),
        ),
        response(
            "resp_unique_items_optional",
            object(tags_are(strings()), &[]),
            object(tags_are(unique()), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Vec<String> = r.tags; }",
            Some(UniqueItems {
                now: true,
                type_changes: true,
            }),
        ),
        response(
            "resp_unique_items_required",
            object(tags_are(strings()), &["tags"]),
            object(tags_are(unique()), &["tags"]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Vec<String> = r.tags; }",
            Some(UniqueItems {
                now: true,
                type_changes: false,
            }),
        ),
        response(
            "resp_property_undeprecated",
            object(name_is(deprecated(string())), &[]),
            object(name_is(string()), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Option<String> = r.name; }",
            Some(Deprecated { now: false }),
        ),
        response(
            "resp_default_added",
            object(name_is(string()), &[]),
            object(name_is(with(string(), json!({"default": "x"}))), &[]),
            "fn run() {}\nfn read(r: api::types::{T}Out) { let _: Option<String> = r.name; }",
            Some(TypeChanged),
        ),
        // Parameters.
        params(
            "required_parameter_added",
            json!([]),
            json!([query("q", string(), true)]),
            CALL,
            ParameterAdded { required: true },
        ),
        params(
            "optional_parameter_added",
            json!([]),
            json!([query("q", string(), false)]),
            CALL,
            ParameterAdded { required: false },
        ),
        params(
            "parameter_removed",
            json!([query("q", string(), false)]),
            json!([]),
            SET_Q,
            ParameterRemoved,
        ),
        params(
            "parameter_became_required",
            json!([query("q", string(), false)]),
            json!([query("q", string(), true)]),
            CALL,
            ParameterRequired,
        ),
        params(
            "parameter_became_optional",
            json!([query("q", string(), true)]),
            json!([query("q", string(), false)]),
            SET_Q,
            ParameterOptional,
        ),
        params(
            "parameter_moved",
            json!([query("q", string(), false)]),
            json!([{"name": "q", "in": "header", "required": false, "schema": string()}]),
            SET_Q,
            ParameterMoved,
        ),
        params(
            "parameter_type_changed",
            json!([query("q", string(), false)]),
            json!([query("q", int(json!({})), false)]),
            SET_Q,
            TypeChanged,
        ),
        params(
            "parameter_deprecated",
            json!([query("q", string(), false)]),
            json!([with(
                query("q", string(), false),
                json!({"deprecated": true})
            )]),
            SET_Q,
            Deprecated { now: true },
        ),
        params(
            "parameter_constrained",
            json!([query("q", string(), false)]),
            json!([query("q", max(3), false)]),
            r#"fn run() { send(client().{op}().q("abcdef").send()); }"#,
            StringConstrained,
        ),
        params(
            "parameter_unique_items",
            json!([query("ids", strings(), false)]),
            json!([query("ids", unique(), false)]),
            r#"fn run() { send(client().{op}().ids(vec!["a".to_string()]).send()); }"#,
            UniqueItems {
                now: true,
                type_changes: false,
            },
        ),
        // Operations, bodies, statuses and component schemas.
        operation_added(),
        operation_removed(),
        operation_renamed(),
        operation_deprecated(true),
        operation_deprecated(false),
        request_body_added(),
        request_body_removed(),
        body_kind_changed(),
        statuses(
            "response_status_added",
            &["200"],
            &["200", "201"],
            StatusAdded,
        ),
        statuses(
            "response_status_removed",
            &["200", "201"],
            &["200"],
            StatusRemoved,
        ),
        component(
            "schema_added",
            json!({"SchemaAddedKept": object(id(), &[])}),
            json!({"SchemaAddedKept": object(id(), &[]), "SchemaAddedThing": object(id(), &[])}),
            "fn run() {}\nfn read(_: api::types::{T}Kept) {}",
            SchemaAdded,
        ),
        component(
            "schema_removed",
            json!({"SchemaRemovedThing": object(id(), &[])}),
            json!({}),
            "fn run() {}\nfn read(_: api::types::{T}Thing) {}",
            SchemaRemoved,
        ),
        component(
            "schema_deprecated",
            json!({"SchemaDeprecatedThing": object(id(), &[])}),
            json!({"SchemaDeprecatedThing": deprecated(object(id(), &[]))}),
            "fn run() {}\nfn read(_: api::types::{T}Thing) {}",
            Deprecated { now: true },
        ),
    ]
}

fn simple(
    name: &'static str,
    old: Value,
    new: Value,
    consumer: &'static str,
    expect: Kind,
) -> Case {
    Case {
        name,
        old: (old, json!({})),
        new: (new, json!({})),
        consumer,
        expect: Some(expect),
    }
}

fn operation_added() -> Case {
    let op = || json!({"get": no_content("operationAdded")});
    simple(
        "operation_added",
        json!({"/operation-added": op()}),
        json!({"/operation-added": op(), "/operation-added/more": {"get": no_content("operationAddedMore")}}),
        CALL,
        Kind::OperationAdded,
    )
}

fn operation_removed() -> Case {
    simple(
        "operation_removed",
        json!({"/operation-removed": {"delete": no_content("operationRemoved")}}),
        json!({}),
        CALL,
        Kind::OperationRemoved,
    )
}

fn operation_renamed() -> Case {
    simple(
        "operation_renamed",
        json!({"/operation-renamed": {"get": no_content("operationRenamed")}}),
        json!({"/operation-renamed": {"get": no_content("operationRenamedNow")}}),
        CALL,
        Kind::OperationRenamed,
    )
}

fn operation_deprecated(now: bool) -> Case {
    let (name, id) = if now {
        ("operation_deprecated", "operationDeprecated")
    } else {
        ("operation_undeprecated", "operationUndeprecated")
    };
    let path = format!("/{}", name.to_kebab_case());
    let deprecated =
        json!({path.clone(): {"get": with(no_content(id), json!({"deprecated": true}))}});
    let plain = json!({path: {"get": no_content(id)}});
    let (old, new, kind) = if now {
        (plain, deprecated, Kind::OperationDeprecated)
    } else {
        (deprecated, plain, Kind::OperationUndeprecated)
    };
    simple(name, old, new, CALL, kind)
}

fn json_body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

fn request_body_added() -> Case {
    let body = json!({"RequestBodyAddedBody": object(json!({"name": string()}), &["name"])});
    let mut with_body = no_content("requestBodyAdded");
    with_body["requestBody"] = json_body(reference("RequestBodyAddedBody"));
    Case {
        name: "request_body_added",
        old: (
            json!({"/request-body-added": {"post": no_content("requestBodyAdded")}}),
            body.clone(),
        ),
        new: (json!({"/request-body-added": {"post": with_body}}), body),
        consumer: CALL,
        expect: Some(Kind::RequestBodyAdded),
    }
}

fn request_body_removed() -> Case {
    let body = json!({"RequestBodyRemovedBody": object(json!({"name": string()}), &["name"])});
    let mut with_body = no_content("requestBodyRemoved");
    with_body["requestBody"] = json_body(reference("RequestBodyRemovedBody"));
    Case {
        name: "request_body_removed",
        old: (
            json!({"/request-body-removed": {"post": with_body}}),
            body.clone(),
        ),
        new: (
            json!({"/request-body-removed": {"post": no_content("requestBodyRemoved")}}),
            body,
        ),
        consumer: SET_NAME,
        expect: Some(Kind::RequestBodyRemoved),
    }
}

fn body_kind_changed() -> Case {
    let body = json!({"BodyKindChangedBody": object(json!({"name": string()}), &["name"])});
    let mut json_op = no_content("bodyKindChanged");
    json_op["requestBody"] = json_body(reference("BodyKindChangedBody"));
    let mut binary = no_content("bodyKindChanged");
    binary["requestBody"] = json!({"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}});
    Case {
        name: "body_kind_changed",
        old: (
            json!({"/body-kind-changed": {"post": json_op}}),
            body.clone(),
        ),
        new: (json!({"/body-kind-changed": {"post": binary}}), body),
        consumer: SET_NAME,
        expect: Some(Kind::BodyChanged),
    }
}

fn statuses(name: &'static str, old: &[&str], new: &[&str], expect: Kind) -> Case {
    let camel = name.to_upper_camel_case();
    let op = |codes: &[&str]| {
        let responses: Map<String, Value> = codes
            .iter()
            .map(|c| {
                (
                    (*c).to_owned(),
                    json!({"description": "ok", "content": {"application/json": {"schema": reference(&format!("{camel}Out"))}}}),
                )
            })
            .collect();
        json!({format!("/{}", name.to_kebab_case()): {"get": {"operationId": name.to_lower_camel_case(), "responses": responses}}})
    };
    let schemas = json!({format!("{camel}Out"): object(json!({"id": string()}), &[])});
    Case {
        name,
        old: (op(old), schemas.clone()),
        new: (op(new), schemas),
        consumer: CALL,
        expect: Some(expect),
    }
}

fn component(
    name: &'static str,
    old: Value,
    new: Value,
    consumer: &'static str,
    expect: Kind,
) -> Case {
    Case {
        name,
        old: (json!({}), old),
        new: (json!({}), new),
        consumer,
        expect: Some(expect),
    }
}

/// One spec holding every case's paths and schemas.
fn spec(cases: &[Case], new: bool) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for case in cases {
        let (p, s) = if new { &case.new } else { &case.old };
        for (target, source) in [(&mut paths, p), (&mut schemas, s)] {
            for (k, v) in source.as_object().into_iter().flatten() {
                assert!(
                    target.insert(k.clone(), v.clone()).is_none(),
                    "{k} is used twice"
                );
            }
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "spec-diff rules", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

/// The kinds the diff reports for a case, with their effects: on its operations, or (when it
/// has none) on its component schemas.
fn reported(diff: &SpecDiff, case: &Case) -> Vec<(Kind, Effect)> {
    let path = case.path();
    let mut out = Vec::new();
    for op in &diff.operations {
        if op.path != path && !op.path.starts_with(&format!("{path}/")) {
            continue;
        }
        match op.status {
            Status::Added => out.push((Kind::OperationAdded, Effect::None)),
            Status::Removed => out.push((Kind::OperationRemoved, Effect::Compile)),
            Status::Changed => out.extend(op.changes.iter().map(|c| (c.kind, c.effect))),
        }
    }
    if !out.is_empty() {
        return out;
    }
    let camel = case.camel();
    for schema in &diff.schemas {
        let ours = schema
            .name
            .strip_prefix(&camel)
            .is_some_and(|rest| ["Thing", "Kept", "Body", "Out"].contains(&rest));
        if !ours {
            continue;
        }
        match schema.status {
            Status::Added => out.push((Kind::SchemaAdded, Kind::SchemaAdded.effect(schema.side))),
            Status::Removed => {
                out.push((Kind::SchemaRemoved, Kind::SchemaRemoved.effect(schema.side)))
            }
            Status::Changed => out.extend(schema.changes.iter().map(|c| (c.kind, c.effect))),
        }
    }
    out
}

fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).is_ok_and(|c| c == contents) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Generates the crate of one spec into `root/stage/{side}` and copies it into the workspace at
/// `root/{side}` as a member (without the `[workspace]` table standalone crates carry), touching
/// only files that changed so that a second run rebuilds nothing.
fn generate(root: &Path, side: &str, doc: &Value) {
    let stage = root.join("stage");
    let spec = stage.join(format!("{side}.json"));
    write_if_changed(&spec, &serde_json::to_string_pretty(doc).unwrap());
    let out = stage.join(side);
    standalone(&Standalone {
        spec,
        out: out.clone(),
        name: Some(format!("rules-{side}")),
        auth: None,
        verbose: false,
        naming: xtask::normalize::Naming::default(),
        access: None,
    })
    .unwrap_or_else(|e| panic!("{side}: {e}"));
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/generated.rs",
        "src/operations.rs",
    ] {
        let mut text = std::fs::read_to_string(out.join(file)).unwrap();
        if file == "Cargo.toml" {
            text = text.replace("\n[workspace]\n", "\n");
        }
        write_if_changed(&root.join(side).join(file), &text);
    }
}

fn consumer_manifest(package: &str, side: &str) -> String {
    let auth = workspace_root().join("auth");
    format!(
        r#"[package]
name = "{package}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
api = {{ package = "rules-{side}", path = "../../{side}", default-features = false }}
wxcc-auth = {{ path = {auth:?}, default-features = false }}
tokio = {{ version = "1", features = ["rt", "time"] }}
"#
    )
}

/// What happened to one consumer.
#[derive(Clone, Debug, Default)]
struct Outcome {
    executable: Option<PathBuf>,
    errors: Vec<String>,
}

/// Builds the workspace once, keeping going past failures; the outcome of each binary target.
fn build(root: &Path) -> BTreeMap<String, Outcome> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
        .join("spec-diff-rules");
    let output = Command::new(cargo)
        .args([
            "build",
            "--offline",
            "--keep-going",
            "--workspace",
            "--message-format=json",
        ])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap();
    let mut out: BTreeMap<String, Outcome> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let Some(name) = message.pointer("/target/name").and_then(Value::as_str) else {
            continue;
        };
        let entry = out.entry(name.to_owned()).or_default();
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                if let Some(exe) = message["executable"].as_str() {
                    entry.executable = Some(PathBuf::from(exe));
                }
            }
            Some("compiler-message")
                if message.pointer("/message/level") == Some(&json!("error")) =>
            {
                let code = message
                    .pointer("/message/code/code")
                    .and_then(Value::as_str)
                    .unwrap_or("error");
                let text = message
                    .pointer("/message/message")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                entry.errors.push(format!("{code}: {text}"));
            }
            _ => {}
        }
    }
    for lib in ["rules_old", "rules_new"] {
        assert!(
            out.get(lib).is_some_and(|o| o.errors.is_empty()),
            "the generated crate {lib} does not build:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    out
}

/// How a consumer fared against one crate: it failed to compile (with the first error), failed
/// when run, or did neither.
fn observe(outcomes: &BTreeMap<String, Outcome>, package: &str) -> (Effect, String) {
    let outcome = outcomes.get(package).cloned().unwrap_or_default();
    let Some(exe) = outcome.executable else {
        let first = outcome
            .errors
            .first()
            .cloned()
            .unwrap_or_else(|| "not built".into());
        return (Effect::Compile, first);
    };
    let run = Command::new(exe).output().unwrap();
    if run.status.success() {
        (Effect::None, String::new())
    } else {
        let stderr = String::from_utf8_lossy(&run.stderr);
        {
            let first = stderr.lines().find(|l| !l.trim().is_empty());
            (Effect::Runtime, first.unwrap_or_default().to_owned())
        }
    }
}

#[test]
#[ignore = "builds two generated crates and ~130 consumers; run by .ci/run"]
fn every_rule_holds_for_a_real_consumer() {
    let started = Instant::now();
    let cases = cases();
    let (old, new) = (spec(&cases, false), spec(&cases, true));
    let diff = diff_specs(
        &Spec::from_value("old.json", old.clone()),
        &Spec::from_value("new.json", new.clone()),
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let root = std::env::temp_dir().join("wxcc-xtask-spec-diff-rules");
    generate(&root, "old", &old);
    generate(&root, "new", &new);
    let mut members = vec!["\"old\"".to_owned(), "\"new\"".to_owned()];
    for case in &cases {
        for side in ["old", "new"] {
            let package = format!("{}-on-{side}", case.name.replace('_', "-"));
            let dir = root.join("consumers").join(&package);
            write_if_changed(&dir.join("Cargo.toml"), &consumer_manifest(&package, side));
            write_if_changed(&dir.join("src/main.rs"), &case.source());
            members.push(format!("\"consumers/{package}\""));
        }
    }
    write_if_changed(
        &root.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n# Only whether it builds and runs matters.\n[profile.dev]\ndebug = 0\n",
            members.join(", ")
        ),
    );
    // The versions the workspace is tested with; cargo adds the local packages to the copy, so
    // it is replaced only when the workspace's lock file changed since it was copied.
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock")).unwrap();
    let copied = root.join("stage").join("Cargo.lock.copied");
    if std::fs::read_to_string(&copied).ok().as_deref() != Some(lock.as_str())
        || !root.join("Cargo.lock").is_file()
    {
        std::fs::write(root.join("Cargo.lock"), &lock).unwrap();
        std::fs::write(&copied, &lock).unwrap();
    }
    let generated = started.elapsed();
    let outcomes = build(&root);
    let built = started.elapsed();

    let mut failures = Vec::new();
    let mut table = String::from("case | reported | expected effect | observed | why\n");
    for case in &cases {
        let package = case.name.replace('_', "-");
        let reported = reported(&diff, case);
        let expected_kinds: Vec<Kind> = case.expect.into_iter().collect();
        let kinds: Vec<Kind> = reported.iter().map(|r| r.0).collect();
        if kinds != expected_kinds {
            failures.push(format!(
                "{}: the diff reports {reported:?}, expected {expected_kinds:?}",
                case.name
            ));
        }
        let expected = reported.iter().map(|r| r.1).max().unwrap_or(Effect::None);
        let (on_old, why_old) = observe(&outcomes, &format!("{package}-on-old"));
        if on_old != Effect::None {
            failures.push(format!(
                "{}: the consumer fails against the old crate ({on_old:?}): {why_old}",
                case.name
            ));
        }
        let (on_new, why) = observe(&outcomes, &format!("{package}-on-new"));
        if on_new != expected {
            failures.push(format!(
                "{}: expected {expected:?} against the new crate, observed {on_new:?} {why}",
                case.name
            ));
        }
        let tags: Vec<&str> = kinds.iter().map(|k| k.tag()).collect();
        table.push_str(&format!(
            "{} | {} | {} | {} | {}\n",
            case.name,
            tags.join(", "),
            expected.name(),
            on_new.name(),
            why.replace('\n', " ")
        ));
    }
    eprintln!("{table}");
    eprintln!(
        "{} cases; generated in {generated:.1?}, built in {:.1?}, total {:.1?}",
        cases.len(),
        built - generated,
        started.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
