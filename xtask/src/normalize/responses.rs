//! Operations whose success responses (or whose error responses) differ in kind or schema.
//!
//! Progenitor gives each operation one success type and one error type, and stops when the
//! responses of a class disagree: two different schemas, a typed body beside a body-less one, or
//! a typed body beside a raw one. Per class, the normalizer keeps the responses that agree with
//! one chosen response and removes the others. A removed status still reaches the caller, as
//! progenitor's `UnexpectedResponse` with the raw response, so nothing the server says is lost.
//!
//! Schemas are compared by structure, not by name (see [`super::identical_schemas`]): statuses
//! whose bodies are the same type apart from documentation (`ApiError400`, `ApiError404`, ...)
//! agree, and all of them are pointed at the first one's schema so they share its Rust type.
//!
//! The chosen success response is the lowest status with a JSON body (else the lowest status);
//! the chosen error response is the most common kind among the errors (ties go to the lowest
//! status), which keeps the shared error schema of an API group.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::identical_schemas::structure;
use super::{Defect, Report, operations};

/// The kind of one response, as progenitor sees it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A JSON body of this structure.
    Json(String),
    /// A non-JSON body (bytes).
    Raw,
    /// No body.
    Empty,
}

impl Kind {
    fn of(response: &Value, schemas: &Value) -> Kind {
        match response.get("content").and_then(Value::as_object) {
            None => Kind::Empty,
            Some(content) if content.is_empty() => Kind::Empty,
            Some(content) => match json_schema(content) {
                Some(schema) => Kind::Json(structure(schema, schemas)),
                None => Kind::Raw,
            },
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Kind::Json(_) => "a JSON body",
            Kind::Raw => "a raw body",
            Kind::Empty => "no body",
        }
    }
}

fn json_schema(content: &Map<String, Value>) -> Option<&Value> {
    content.get("application/json")?.get("schema")
}

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

/// Makes the responses of each class agree, per operation.
pub fn fix(doc: &mut Value, report: &mut Report) {
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    for op in operations(doc) {
        let label = op.label(doc);
        let Some(responses) = op
            .get_mut(doc)
            .and_then(|o| o.get_mut("responses"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for (class, defect) in [
            (Class::Success, Defect::SeveralSuccessTypes),
            (Class::Error, Defect::SeveralErrorTypes),
        ] {
            if let Some(note) = unify(responses, class, &schemas) {
                report.fix(defect, label.clone(), note);
            }
            if let Some(note) = share_schema(responses, class, &schemas) {
                report.fix(Defect::IdenticalSchemas, label.clone(), note);
            }
        }
    }
}

fn unify(responses: &mut Map<String, Value>, class: Class, schemas: &Value) -> Option<String> {
    let mut members: Vec<(String, Kind)> = responses
        .iter()
        .filter(|(status, _)| class_of(status) == Some(class))
        .map(|(status, r)| (status.clone(), Kind::of(r, schemas)))
        .collect();
    members.sort_by(|a, b| a.0.cmp(&b.0));
    let first_kind = members.first()?.1.clone();
    if members.iter().all(|(_, k)| *k == first_kind) {
        return None;
    }
    let keep = match class {
        Class::Success => members
            .iter()
            .find(|(_, k)| matches!(k, Kind::Json(_)))
            .unwrap_or(&members[0])
            .1
            .clone(),
        Class::Error => {
            let mut counts: BTreeMap<&Kind, (usize, &str)> = BTreeMap::new();
            for (status, kind) in &members {
                let entry = counts.entry(kind).or_insert((0, status));
                entry.0 += 1;
            }
            counts
                .into_iter()
                .max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| b.1.1.cmp(a.1.1)))
                .map(|(k, _)| k.clone())?
        }
    };
    let removed: Vec<String> = members
        .iter()
        .filter(|(_, k)| *k != keep)
        .map(|(status, k)| format!("{status} ({})", k.describe()))
        .collect();
    responses.retain(|status, r| class_of(status) != Some(class) || Kind::of(r, schemas) == keep);
    let kept: Vec<&str> = members
        .iter()
        .filter(|(_, k)| *k == keep)
        .map(|(s, _)| s.as_str())
        .collect();
    let what = if class == Class::Success {
        "success"
    } else {
        "error"
    };
    Some(format!(
        "{what} responses disagree; kept {} with {}, removed {} (they arrive as unexpected responses)",
        kept.join(", "),
        keep.describe(),
        removed.join(", ")
    ))
}

/// Once the responses of a class agree in structure, points the JSON ones at the schema of the
/// lowest status, so that progenitor sees one type rather than several identical ones.
fn share_schema(
    responses: &mut Map<String, Value>,
    class: Class,
    schemas: &Value,
) -> Option<String> {
    let mut statuses: Vec<String> = responses
        .iter()
        .filter(|(status, r)| {
            class_of(status) == Some(class) && matches!(Kind::of(r, schemas), Kind::Json(_))
        })
        .map(|(status, _)| status.clone())
        .collect();
    statuses.sort();
    let (first, others) = statuses.split_first()?;
    let shared = responses
        .get(first)
        .and_then(|r| r.get("content"))
        .and_then(Value::as_object)
        .and_then(json_schema)?
        .clone();
    let mut moved = Vec::new();
    for status in others {
        let Some(schema) = responses
            .get_mut(status)
            .and_then(|r| r.pointer_mut("/content/application~1json/schema"))
        else {
            continue;
        };
        if *schema != shared {
            moved.push(format!("{status} ({})", name(schema)));
            *schema = shared.clone();
        }
    }
    if moved.is_empty() {
        return None;
    }
    Some(format!(
        "{} equal {first}'s {} apart from documentation; they share its type",
        moved.join(", "),
        name(&shared)
    ))
}

/// `ApiError404` for a reference, else `inline schema`.
fn name(schema: &Value) -> String {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
    {
        Some(name) => format!("`{}`", crate::load::unescape(name)),
        None => "inline schema".into(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::test_support::{doc, doc_with_schemas};

    fn typed(schema: &str) -> Value {
        json!({"description": "x", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
    }

    fn empty() -> Value {
        json!({"description": "x"})
    }

    #[test]
    fn success_keeps_the_typed_body_and_errors_keep_the_common_shape() {
        let mut d = doc(
            json!({"/v1/ewt": {"get": {"operationId": "ewt", "responses": {
                "200": typed("Ewt"),
                "204": empty(),
                "400": typed("ApiError"),
                "401": empty(),
                "404": typed("ApiError"),
                "429": typed("GatewayError"),
                "500": typed("ApiError")
            }}}}),
        );
        let mut report = Report::default();
        fix(&mut d, &mut report);
        let r = d["paths"]["/v1/ewt"]["get"]["responses"]
            .as_object()
            .unwrap();
        let statuses: Vec<&str> = r.keys().map(String::as_str).collect();
        assert_eq!(statuses, ["200", "400", "404", "500"]);
        assert_eq!(report.count(Defect::SeveralSuccessTypes), 1);
        assert_eq!(report.count(Defect::SeveralErrorTypes), 1);
        assert!(
            report.fixes[1]
                .note
                .contains("removed 401 (no body), 429 (a JSON body)"),
            "{}",
            report.fixes[1].note
        );
    }

    #[test]
    fn agreeing_responses_are_left_alone() {
        let mut d = doc(json!({"/x": {"post": {"responses": {
            "202": empty(), "204": empty(), "400": typed("E"), "default": typed("E")
        }}}}));
        let before = d.clone();
        let mut report = Report::default();
        fix(&mut d, &mut report);
        assert_eq!(d, before);
        assert!(report.fixes.is_empty());
    }

    #[test]
    fn error_schemas_identical_but_for_documentation_share_one_type() {
        let error = |example: &str| {
            json!({"type": "object", "required": ["trackingId"], "properties": {
                "trackingId": {"type": "string", "example": example}
            }})
        };
        let mut d = doc_with_schemas(
            json!({"/x": {"get": {"responses": {
                "200": typed("Thing"),
                "400": typed("ApiError400"),
                "404": typed("ApiError404"),
                "409": typed("ApiError409"),
                "429": typed("Throttled")
            }}}}),
            json!({
                "Thing": {"type": "string"},
                "ApiError400": error("a"),
                "ApiError404": error("b"),
                "ApiError409": error("c"),
                "Throttled": {"type": "object", "properties": {"retry": {"type": "integer"}}}
            }),
        );
        let mut report = Report::default();
        fix(&mut d, &mut report);
        let r = d["paths"]["/x"]["get"]["responses"].as_object().unwrap();
        let statuses: Vec<&str> = r.keys().map(String::as_str).collect();
        assert_eq!(statuses, ["200", "400", "404", "409"]);
        for status in ["400", "404", "409"] {
            assert_eq!(r[status], typed("ApiError400"), "{status}");
        }
        assert_eq!(report.count(Defect::SeveralErrorTypes), 1);
        assert_eq!(report.count(Defect::IdenticalSchemas), 1);
        let note = &report.fixes[1].note;
        assert!(
            note.contains("404 (`ApiError404`), 409 (`ApiError409`) equal 400's `ApiError400`"),
            "{note}"
        );
        // The components stay: other operations may use them by name.
        assert!(d["components"]["schemas"].get("ApiError404").is_some());
    }

    #[test]
    fn two_different_success_schemas_keep_the_lowest_status() {
        let mut d =
            doc(json!({"/x": {"post": {"responses": {"200": typed("A"), "201": typed("B")}}}}));
        let mut report = Report::default();
        fix(&mut d, &mut report);
        let r = d["paths"]["/x"]["post"]["responses"].as_object().unwrap();
        assert!(r.contains_key("200") && !r.contains_key("201"));
    }
}
