//! `cargo xtask spec-diff OLD NEW`: what changed between two versions of a spec, and whether each
//! change breaks a Rust user of the crate generated from it.
//!
//! Both documents are first normalized exactly as `codegen` normalizes them, so the comparison
//! sees what the generated crates see: operation ids are the ones the client methods are named
//! after, one media type per body, one success and one error type per operation. Operations are
//! matched by method and path (a path whose parameters were only renamed still matches), never by
//! id. Schemas are compared through their `$ref`s into `components.schemas`, so a change in a
//! shared schema is listed on every operation that uses it; each component is visited once per
//! body, which also ends reference cycles. Changed component schemas are listed once more, on
//! their own.
//!
//! # What counts as breaking
//!
//! Breaking means code written against the old crate stops compiling (effect *compile*), or a
//! call that worked fails before it reaches the server (effect *run time*: a builder or `send()`
//! returns an error). The rules assume the crate is used as generated: operations through their
//! builders, request types through typify's builders (`Type::builder()`) or `body_map`, whose
//! setters take `TryInto<FieldType>` (a `&str` or `String` for a string, `T` or `Some(T)` for an
//! optional `T`, a `Vec`, array or slice for an array), response types read field by field and
//! enums matched exhaustively (typify's structs and enums are not `#[non_exhaustive]`). Code that
//! builds structs with literal syntax breaks on any new field, and is not considered.
//!
//! Each rule is proven by `tests/spec_diff_rules.rs`, which generates a crate from a tiny spec
//! before and after the change and builds and runs a consumer written against the old one.
//!
//! | Change | Sent (parameters, request bodies) | Received (responses) |
//! |---|---|---|
//! | operation added; deprecated or no longer | no | no |
//! | operation removed; renamed (same method and path) | compile: the method is gone | = |
//! | parameter added | run time if required (`send()` fails until it is set), else no | – |
//! | parameter removed | compile: the setter is gone | – |
//! | parameter became required / optional | run time / no (the setter takes `T` either way) | – |
//! | parameter moved (query ↔ header) | no: same setter | – |
//! | request body added / removed | run time (`send()` fails until it is set) / compile | – |
//! | body kind changed (JSON, other media type, none) | compile | compile |
//! | response status added or removed (same type) | – | no |
//! | property added | run time if required (the builder fails until it is set), else no | no |
//! | property removed | compile | compile |
//! | property became required | run time (and compile for callers passing `Some`) | compile if the field type changes (`Option<T>` → `T`) |
//! | property became optional | compile if the field type changes: the setter wants `Option<T>`, which a `&str` is not (E0277) | compile if the field type changes |
//! | enum value added | no | compile: exhaustive `match`es miss the variant (the open enum would have decoded the value as `Unknown` before) |
//! | enum value removed | compile: the variant is gone | compile |
//! | type changed (type, referenced component, enum or not, the Rust type a format or integer bounds pick, `minItems` = `maxItems`) | compile | compile |
//! | `nullable` set or cleared | compile if the Rust type changes | compile if the Rust type changes |
//! | `uniqueItems` set or cleared | compile if the field type changes (an optional set is `Option<Vec<T>>`, an optional array `Vec<T>`) | = |
//! | string gains `minLength`/`maxLength`/`pattern` (becomes a validating newtype) | run time: the setters still take a `&str`, but values the constraint rejects fail in the builder | compile: the field is the newtype, not `String` |
//! | string loses all its constraints | compile: the newtype is gone | compile |
//! | constraint tightened (bound added or lowered, pattern added or changed) / loosened | run time / no | no |
//! | parameter, property or schema deprecated or no longer | no: no `#[deprecated]` is generated | no |
//! | component schema added / removed | no / compile | = |
//!
//! A schema used by requests and responses alike (and, in the component section, one used by
//! no operation) takes the stronger effect. The Rust type of a property is `Option<T>` when it is
//! nullable, or optional without a default and not an array (not a set), map or free-form
//! object; a change of `required`, `nullable`, `uniqueItems` or `default` is a type change of the
//! field exactly when it flips that. Descriptions, examples, tags and summaries are not compared,
//! nor keywords typify ignores: formats it maps to `String` anyway (`email`, `uri`), number
//! bounds, integer bounds that do not change the integer type, `minItems`/`maxItems` unless
//! equal, `readOnly`, `writeOnly`. Constraints on an enum are not compared (typify drops the
//! values they reject; the values are compared instead).

mod render;
mod rules;
mod rust_types;
mod schema;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

pub use render::{Format, render};
pub use rules::{Effect, Kind, Side};
use rust_types::ref_name;
use schema::Walker;

use crate::error::Result;
use crate::generate::rust_operation_id;
use crate::load::Spec;
use crate::normalize::{self, METHODS};

/// One change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The class of change.
    pub kind: Kind,
    /// Whether it breaks a Rust user of the generated crate (`effect` is not `None`).
    pub breaking: bool,
    /// How it reaches that user: not at all, at run time, or as a compile error.
    pub effect: Effect,
    /// Which way the changed data travels.
    pub side: Side,
    /// Where in the operation: `query parameter `page``, `request body`, `success response`,
    /// `error response`, `operation`; or the component schema's name.
    pub at: String,
    /// The property path inside it (`items[].name`), empty for the whole thing.
    pub field: String,
    /// The component schema that holds the field, when it is in one.
    pub schema: Option<String>,
    /// What changed, in words.
    pub detail: String,
}

/// Whether something was added, removed or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Only in the new spec.
    Added,
    /// Only in the old spec.
    Removed,
    /// In both, with changes.
    Changed,
}

impl Status {
    /// Lower-case name, for JSON.
    pub fn name(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
        }
    }
}

/// The changes of one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationDiff {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path (the new one, unless removed).
    pub path: String,
    /// The operation id after normalization (the new one, unless removed).
    pub operation_id: String,
    /// The client method name.
    pub rust_name: String,
    /// Added, removed or changed.
    pub status: Status,
    /// For a changed operation, what changed, in order: operation, parameters, request body,
    /// success response, error response.
    pub changes: Vec<Change>,
}

impl OperationDiff {
    /// Whether the operation has a breaking change (a removed one does).
    pub fn breaking(&self) -> bool {
        self.status == Status::Removed || self.changes.iter().any(|c| c.breaking)
    }
}

/// The changes of one component schema, compared on its own (references to other components
/// by name only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaDiff {
    /// The component name.
    pub name: String,
    /// Added, removed or changed.
    pub status: Status,
    /// How it is used (the stricter of both specs).
    pub side: Side,
    /// What changed inside it (empty when added or removed).
    pub changes: Vec<Change>,
}

impl SchemaDiff {
    /// Whether the schema has a breaking change (a removed one does).
    pub fn breaking(&self) -> bool {
        self.status == Status::Removed || self.changes.iter().any(|c| c.breaking)
    }
}

/// Counts, for the top of the report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Operations compared in the old spec (after normalization).
    pub old_operations: usize,
    /// Operations compared in the new spec.
    pub new_operations: usize,
    /// Operations codegen leaves out of the old spec (not compared).
    pub old_skipped: usize,
    /// Operations codegen leaves out of the new spec.
    pub new_skipped: usize,
    /// Operations added.
    pub added: usize,
    /// Operations removed.
    pub removed: usize,
    /// Operations in both with at least one change.
    pub changed: usize,
    /// Removed operations plus changed ones with a breaking change.
    pub breaking_operations: usize,
    /// Removed operations plus breaking changes of changed operations.
    pub breaking_changes: usize,
    /// Added operations plus non-breaking changes of changed operations.
    pub non_breaking_changes: usize,
    /// Component schemas added.
    pub schemas_added: usize,
    /// Component schemas removed.
    pub schemas_removed: usize,
    /// Component schemas changed.
    pub schemas_changed: usize,
}

/// Everything that changed between two specs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecDiff {
    /// Where the old spec was read from.
    pub old: String,
    /// Where the new spec was read from.
    pub new: String,
    /// Counts.
    pub summary: Summary,
    /// Operations added, removed or changed, by path then method.
    pub operations: Vec<OperationDiff>,
    /// Component schemas added, removed or changed, by name.
    pub schemas: Vec<SchemaDiff>,
}

/// Compares two loaded specs (normalizing copies of both first).
pub fn diff_specs(old: &Spec, new: &Spec) -> Result<SpecDiff> {
    crate::validate::check_version(old)?;
    crate::validate::check_version(new)?;
    let (mut old_doc, mut new_doc) = (old.doc.clone(), new.doc.clone());
    let old_report = normalize::normalize(&mut old_doc);
    let new_report = normalize::normalize(&mut new_doc);
    let mut diff = diff_documents(&old_doc, &new_doc);
    diff.old = old.origin.display().to_string();
    diff.new = new.origin.display().to_string();
    diff.summary.old_skipped = old_report.skipped.len();
    diff.summary.new_skipped = new_report.skipped.len();
    Ok(diff)
}

/// Compares two documents that are already normalized.
pub fn diff_documents(old: &Value, new: &Value) -> SpecDiff {
    let old_ops = operations(old);
    let new_ops = operations(new);
    let mut out = Vec::new();
    let (pairs, removed, added) = pair(&old_ops, &new_ops);
    for (i, j) in pairs {
        let changes = operation(old, new, &old_ops[i], &new_ops[j]);
        if !changes.is_empty() {
            out.push(new_ops[j].diff(Status::Changed, changes));
        }
    }
    out.extend(
        removed
            .into_iter()
            .map(|i| old_ops[i].diff(Status::Removed, Vec::new())),
    );
    out.extend(
        added
            .into_iter()
            .map(|j| new_ops[j].diff(Status::Added, Vec::new())),
    );
    out.sort_by(|a, b| {
        (a.path.as_str(), method_rank(&a.method)).cmp(&(b.path.as_str(), method_rank(&b.method)))
    });
    let schemas = components(old, new);
    let summary = summarize(&out, &schemas, old_ops.len(), new_ops.len());
    SpecDiff {
        old: String::new(),
        new: String::new(),
        summary,
        operations: out,
        schemas,
    }
}

fn summarize(ops: &[OperationDiff], schemas: &[SchemaDiff], old: usize, new: usize) -> Summary {
    let count = |status| ops.iter().filter(|o| o.status == status).count();
    let count_schemas = |status| schemas.iter().filter(|s| s.status == status).count();
    let changes = ops.iter().flat_map(|o| &o.changes);
    let breaking = changes.clone().filter(|c| c.breaking).count();
    let non_breaking = changes.filter(|c| !c.breaking).count();
    Summary {
        old_operations: old,
        new_operations: new,
        old_skipped: 0,
        new_skipped: 0,
        added: count(Status::Added),
        removed: count(Status::Removed),
        changed: count(Status::Changed),
        breaking_operations: ops.iter().filter(|o| o.breaking()).count(),
        breaking_changes: count(Status::Removed) + breaking,
        non_breaking_changes: count(Status::Added) + non_breaking,
        schemas_added: count_schemas(Status::Added),
        schemas_removed: count_schemas(Status::Removed),
        schemas_changed: count_schemas(Status::Changed),
    }
}

/// One operation of a document.
struct Op<'a> {
    method: &'static str,
    path: &'a str,
    value: &'a Value,
}

impl Op<'_> {
    fn id(&self) -> &str {
        self.value
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    fn diff(&self, status: Status, changes: Vec<Change>) -> OperationDiff {
        OperationDiff {
            method: self.method.to_uppercase(),
            path: self.path.to_owned(),
            operation_id: self.id().to_owned(),
            rust_name: rust_operation_id(self.id()),
            status,
            changes,
        }
    }
}

fn operations(doc: &Value) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(value) = item.get(method).filter(|v| v.is_object()) {
                out.push(Op {
                    method,
                    path,
                    value,
                });
            }
        }
    }
    out
}

fn method_rank(method: &str) -> usize {
    METHODS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(method))
        .unwrap_or(METHODS.len())
}

/// `/team/{teamId}/user/{id}` → `/team/{}/user/{}`.
fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

type Pairing = (Vec<(usize, usize)>, Vec<usize>, Vec<usize>);

/// Matches operations by method and path, then the rest by method and path shape (path
/// parameters renamed) where the shape is unique on both sides. Returns the pairs, the
/// removed (old) and the added (new) indexes.
fn pair(old: &[Op<'_>], new: &[Op<'_>]) -> Pairing {
    let exact: BTreeMap<(&str, &str), usize> = new
        .iter()
        .enumerate()
        .map(|(j, op)| ((op.method, op.path), j))
        .collect();
    let mut pairs = Vec::new();
    let mut old_left = Vec::new();
    let mut new_taken = BTreeSet::new();
    for (i, op) in old.iter().enumerate() {
        match exact.get(&(op.method, op.path)) {
            Some(&j) => {
                pairs.push((i, j));
                new_taken.insert(j);
            }
            None => old_left.push(i),
        }
    }
    let new_left: Vec<usize> = (0..new.len()).filter(|j| !new_taken.contains(j)).collect();
    let shapes = |ops: &[Op<'_>], idx: &[usize]| {
        let mut map: BTreeMap<(&'static str, String), Vec<usize>> = BTreeMap::new();
        for &i in idx {
            map.entry((ops[i].method, path_shape(ops[i].path)))
                .or_default()
                .push(i);
        }
        map
    };
    let old_shapes = shapes(old, &old_left);
    let new_shapes = shapes(new, &new_left);
    let mut matched_old = BTreeSet::new();
    let mut matched_new = BTreeSet::new();
    for (key, is) in &old_shapes {
        if let (&[i], Some(&[j])) = (is.as_slice(), new_shapes.get(key).map(Vec::as_slice)) {
            pairs.push((i, j));
            matched_old.insert(i);
            matched_new.insert(j);
        }
    }
    let removed = old_left
        .into_iter()
        .filter(|i| !matched_old.contains(i))
        .collect();
    let added = new_left
        .into_iter()
        .filter(|j| !matched_new.contains(j))
        .collect();
    (pairs, removed, added)
}

/// Everything that changed in one operation.
fn operation(old_doc: &Value, new_doc: &Value, old: &Op<'_>, new: &Op<'_>) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |kind: Kind, at: &str, detail: String| {
        out.push(Change {
            kind,
            breaking: kind.breaking(Side::Both),
            effect: kind.effect(Side::Both),
            side: Side::Both,
            at: at.to_owned(),
            field: String::new(),
            schema: None,
            detail,
        });
    };
    let (old_name, new_name) = (rust_operation_id(old.id()), rust_operation_id(new.id()));
    if old_name != new_name {
        push(
            Kind::OperationRenamed,
            "operation",
            format!("client method renamed from `{old_name}` to `{new_name}`"),
        );
    }
    let deprecated =
        |op: &Op<'_>| op.value.get("deprecated").and_then(Value::as_bool) == Some(true);
    match (deprecated(old), deprecated(new)) {
        (false, true) => push(
            Kind::OperationDeprecated,
            "operation",
            "now deprecated".into(),
        ),
        (true, false) => push(
            Kind::OperationUndeprecated,
            "operation",
            "no longer deprecated".into(),
        ),
        _ => {}
    }
    out.extend(parameters(old_doc, new_doc, old.value, new.value));
    out.extend(request_body(old_doc, new_doc, old.value, new.value));
    for class in [Class::Success, Class::Error] {
        out.extend(responses(old_doc, new_doc, old.value, new.value, class));
    }
    out
}

fn parameters(old_doc: &Value, new_doc: &Value, old: &Value, new: &Value) -> Vec<Change> {
    let by_name = |op: &'_ Value| -> BTreeMap<String, Value> {
        op.get("parameters")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| Some((p.get("name")?.as_str()?.to_owned(), p.clone())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (a, b) = (by_name(old), by_name(new));
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        let (pa, pb) = (a.get(name), b.get(name));
        let Some(shown) = pb.or(pa) else { continue };
        let location = |p: &Value| {
            p.get("in")
                .and_then(Value::as_str)
                .unwrap_or("query")
                .to_owned()
        };
        let required = |p: &Value| {
            p.get("required").and_then(Value::as_bool) == Some(true)
                || p.get("in").and_then(Value::as_str) == Some("path")
        };
        let at = format!("{} parameter `{name}`", location(shown));
        let mut walker = Walker::new(old_doc, new_doc, Side::Sent, at.clone());
        match (pa, pb) {
            (None, Some(p)) => {
                let required = required(p);
                let detail = if required {
                    "required parameter added"
                } else {
                    "optional parameter added"
                };
                walker.push_at(Kind::ParameterAdded { required }, detail.into());
            }
            (Some(_), None) => walker.push_at(Kind::ParameterRemoved, "parameter removed".into()),
            (Some(pa), Some(pb)) => {
                let (la, lb) = (location(pa), location(pb));
                if la != lb {
                    walker.push_at(Kind::ParameterMoved, format!("moved from {la} to {lb}"));
                }
                match (required(pa), required(pb)) {
                    (false, true) => {
                        walker.push_at(Kind::ParameterRequired, "became required".into())
                    }
                    (true, false) => {
                        walker.push_at(Kind::ParameterOptional, "became optional".into())
                    }
                    _ => {}
                }
                let deprecated =
                    |p: &Value| p.get("deprecated").and_then(Value::as_bool) == Some(true);
                match (deprecated(pa), deprecated(pb)) {
                    (false, true) => {
                        walker.push_at(Kind::Deprecated { now: true }, "now deprecated".into())
                    }
                    (true, false) => walker.push_at(
                        Kind::Deprecated { now: false },
                        "no longer deprecated".into(),
                    ),
                    _ => {}
                }
                if let (Some(sa), Some(sb)) = (pa.get("schema"), pb.get("schema")) {
                    walker.compare(sa, sb, "", None);
                }
            }
            (None, None) => {}
        }
        out.extend(walker.out);
    }
    out
}

/// The body of a request or response as progenitor sees it.
enum Body<'a> {
    None,
    Json(&'a Value),
    Other(&'a str),
}

impl Body<'_> {
    fn describe(&self) -> String {
        match self {
            Body::None => "no body".into(),
            Body::Json(_) => "a JSON body".into(),
            Body::Other(media) => format!("a `{media}` body"),
        }
    }
}

fn body_of(holder: Option<&Value>) -> Body<'_> {
    let Some((media, entry)) = holder
        .and_then(|h| h.get("content"))
        .and_then(Value::as_object)
        .and_then(|c| {
            c.get("application/json")
                .map(|e| ("application/json", e))
                .or_else(|| c.iter().next().map(|(m, e)| (m.as_str(), e)))
        })
    else {
        return Body::None;
    };
    match entry.get("schema") {
        Some(schema) if media == "application/json" => Body::Json(schema),
        _ => Body::Other(media),
    }
}

fn compare_bodies(walker: &mut Walker<'_>, old: &Body<'_>, new: &Body<'_>, request: bool) {
    match (old, new) {
        (Body::Json(a), Body::Json(b)) => walker.compare(a, b, "", None),
        (Body::None, Body::None) => {}
        (Body::Other(a), Body::Other(b)) if a == b => {}
        (Body::None, _) if request => {
            walker.push_at(
                Kind::RequestBodyAdded,
                format!("now takes {}", new.describe()),
            );
        }
        (_, Body::None) if request => {
            walker.push_at(
                Kind::RequestBodyRemoved,
                format!("no longer takes {}", old.describe()),
            );
        }
        _ => walker.push_at(
            Kind::BodyChanged,
            format!("changed from {} to {}", old.describe(), new.describe()),
        ),
    }
}

fn request_body(old_doc: &Value, new_doc: &Value, old: &Value, new: &Value) -> Vec<Change> {
    let mut walker = Walker::new(old_doc, new_doc, Side::Sent, "request body".into());
    compare_bodies(
        &mut walker,
        &body_of(old.get("requestBody")),
        &body_of(new.get("requestBody")),
        true,
    );
    walker.out
}

/// Success (2xx) or error (4xx, 5xx, default) responses, which share one Rust type per class.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Success,
    Error,
}

fn class_of(status: &str) -> Option<Class> {
    match status.chars().next() {
        Some('2') => Some(Class::Success),
        Some('4' | '5') => Some(Class::Error),
        _ if status == "default" => Some(Class::Error),
        _ => None,
    }
}

fn responses(
    old_doc: &Value,
    new_doc: &Value,
    old: &Value,
    new: &Value,
    class: Class,
) -> Vec<Change> {
    let members = |op: &'_ Value| -> BTreeMap<String, Value> {
        op.get("responses")
            .and_then(Value::as_object)
            .map(|r| {
                r.iter()
                    .filter(|(status, _)| class_of(status) == Some(class))
                    .map(|(s, v)| (s.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (a, b) = (members(old), members(new));
    let at = match class {
        Class::Success => "success response",
        Class::Error => "error response",
    };
    let mut walker = Walker::new(old_doc, new_doc, Side::Received, at.into());
    for status in b.keys().filter(|s| !a.contains_key(*s)) {
        walker.push_at(Kind::StatusAdded, format!("status {status} added"));
    }
    for status in a.keys().filter(|s| !b.contains_key(*s)) {
        walker.push_at(Kind::StatusRemoved, format!("status {status} removed"));
    }
    compare_bodies(
        &mut walker,
        &body_of(a.values().next()),
        &body_of(b.values().next()),
        false,
    );
    walker.out
}

/// Component schemas added, removed or changed.
fn components(old: &Value, new: &Value) -> Vec<SchemaDiff> {
    let empty = serde_json::Map::new();
    let schemas = |doc: &'_ Value| {
        doc.pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_else(|| empty.clone())
    };
    let (a, b) = (schemas(old), schemas(new));
    let usage = {
        let mut u = usage(old);
        for (name, sides) in usage(new) {
            let entry = u.entry(name).or_default();
            entry.0 |= sides.0;
            entry.1 |= sides.1;
        }
        u
    };
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        let side = match usage.get(name.as_str()) {
            Some((true, false)) => Side::Sent,
            Some((false, true)) => Side::Received,
            _ => Side::Both,
        };
        let (status, changes) = match (a.get(name), b.get(name)) {
            (None, Some(_)) => (Status::Added, Vec::new()),
            (Some(_), None) => (Status::Removed, Vec::new()),
            (Some(sa), Some(sb)) => {
                let mut walker = Walker::new(old, new, side, name.clone()).shallow();
                walker.compare(sa, sb, "", None);
                if walker.out.is_empty() {
                    continue;
                }
                (Status::Changed, walker.out)
            }
            (None, None) => continue,
        };
        out.push(SchemaDiff {
            name: name.clone(),
            status,
            side,
            changes,
        });
    }
    out
}

/// For each component schema: whether requests use it, and whether responses do (through any
/// chain of references).
fn usage(doc: &Value) -> BTreeMap<String, (bool, bool)> {
    let schemas = doc.pointer("/components/schemas").unwrap_or(&Value::Null);
    let mut out: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for op in operations(doc) {
        let mut sent = BTreeSet::new();
        let mut received = BTreeSet::new();
        if let Some(params) = op.value.get("parameters") {
            reachable(params, schemas, &mut sent);
        }
        if let Some(body) = op.value.get("requestBody") {
            reachable(body, schemas, &mut sent);
        }
        if let Some(responses) = op.value.get("responses") {
            reachable(responses, schemas, &mut received);
        }
        for name in sent {
            out.entry(name).or_default().0 = true;
        }
        for name in received {
            out.entry(name).or_default().1 = true;
        }
    }
    out
}

/// Adds every component schema reachable from `value` to `found`.
fn reachable(value: &Value, schemas: &Value, found: &mut BTreeSet<String>) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(name) = ref_name(v)
                    && found.insert(name.clone())
                    && let Some(target) = schemas.get(&name)
                {
                    stack.push(target);
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}
