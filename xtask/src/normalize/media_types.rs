//! Media type defects: several media types on one body, JSON declared as `*/*`, `+json` or
//! `hal+json`, media types without a schema, and JSON bodies typed as a plain string.
//!
//! Progenitor types only exact `application/json` bodies, stops on a body with several media
//! types or with a media type but no schema, and would decode a JSON document typed `string`
//! as a string (and fail).

use serde_json::{Map, Value};

use super::{Defect, OpRef, Report, operations};

const JSON: &str = "application/json";

/// Where a body sits in an operation, for the report.
enum Body {
    Request,
    Response(String),
}

impl Body {
    fn describe(&self) -> String {
        match self {
            Body::Request => "request body".into(),
            Body::Response(status) => format!("{status} response"),
        }
    }
}

/// Calls `visit` on the `content` mapping of the request body and of every response.
fn for_each_content(
    doc: &mut Value,
    mut visit: impl FnMut(&mut Map<String, Value>, &Body, &mut Vec<String>),
) -> Vec<(OpRef, Vec<String>)> {
    let mut changed = Vec::new();
    for op in operations(doc) {
        let mut notes = Vec::new();
        let Some(operation) = op.get_mut(doc) else {
            continue;
        };
        if let Some(content) = operation
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        {
            visit(content, &Body::Request, &mut notes);
        }
        if let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        {
            for (status, response) in responses.iter_mut() {
                if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
                    visit(content, &Body::Response(status.clone()), &mut notes);
                }
            }
        }
        if !notes.is_empty() {
            changed.push((op, notes));
        }
    }
    changed
}

fn record(doc: &Value, report: &mut Report, defect: Defect, changed: Vec<(OpRef, Vec<String>)>) {
    for (op, notes) in changed {
        let place = op.label(doc);
        for note in notes {
            report.fix(defect, place.clone(), note);
        }
    }
}

/// How much we prefer a media type when a body offers several.
fn preference(media: &str) -> u8 {
    match media {
        JSON => 0,
        m if is_json_variant(m) && m != "*/*" => 1,
        "application/x-www-form-urlencoded" => 2,
        "application/octet-stream" => 3,
        "text/plain" => 4,
        "*/*" => 5,
        _ => 6,
    }
}

fn is_json_variant(media: &str) -> bool {
    if media == JSON {
        return false;
    }
    let base = media.split(';').next().unwrap_or(media).trim();
    base == JSON || base.ends_with("+json") || matches!(base, "*/*" | "application/*" | "text/json")
}

/// Keeps the one media type progenitor handles best when a body offers several.
pub fn fix_several(doc: &mut Value, report: &mut Report) {
    let changed = for_each_content(doc, |content, body, notes| {
        if content.len() < 2 {
            return;
        }
        let Some(keep) = content.keys().min_by_key(|m| preference(m)).cloned() else {
            return;
        };
        let dropped: Vec<String> = content.keys().filter(|m| **m != keep).cloned().collect();
        content.retain(|m, _| *m == keep);
        notes.push(format!(
            "{} offered {}; kept `{keep}`",
            body.describe(),
            list(&keep, &dropped)
        ));
    });
    record(doc, report, Defect::SeveralMediaTypes, changed);
}

fn list(keep: &str, dropped: &[String]) -> String {
    let mut all = vec![format!("`{keep}`")];
    all.extend(dropped.iter().map(|d| format!("`{d}`")));
    all.join(", ")
}

/// Declares JSON bodies as `application/json`. A `*/*` body whose schema is binary becomes
/// `application/octet-stream` instead.
pub fn fix_json_variants(doc: &mut Value, report: &mut Report) {
    let changed = for_each_content(doc, |content, body, notes| {
        let variants: Vec<String> = content
            .keys()
            .filter(|m| is_json_variant(m))
            .cloned()
            .collect();
        for media in variants {
            let Some(entry) = content.remove(&media) else {
                continue;
            };
            let binary = entry.pointer("/schema/format").and_then(Value::as_str) == Some("binary");
            let target = if binary && media == "*/*" {
                "application/octet-stream"
            } else {
                JSON
            };
            if content.contains_key(target) {
                notes.push(format!(
                    "{}: dropped `{media}` beside `{target}`",
                    body.describe()
                ));
            } else {
                notes.push(format!(
                    "{}: `{media}` declared as `{target}`",
                    body.describe()
                ));
                content.insert(target.into(), entry);
            }
        }
    });
    record(doc, report, Defect::JsonMediaTypeVariant, changed);
}

/// Removes media types that have no schema; a body left without any becomes a body-less one.
pub fn fix_missing_schema(doc: &mut Value, report: &mut Report) {
    let changed = for_each_content(doc, |content, body, notes| {
        let empty: Vec<String> = content
            .iter()
            .filter(|(_, e)| e.get("schema").is_none())
            .map(|(m, _)| m.clone())
            .collect();
        for media in empty {
            content.remove(&media);
            notes.push(format!(
                "{}: `{media}` has no schema; removed",
                body.describe()
            ));
        }
    });
    // Drop the `content` mappings (and request bodies) that are now empty.
    for op in operations(doc) {
        let Some(operation) = op.get_mut(doc).and_then(Value::as_object_mut) else {
            continue;
        };
        let empty_request = operation
            .get("requestBody")
            .and_then(|b| b.get("content"))
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty);
        if empty_request {
            operation.remove("requestBody");
        }
        if let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        {
            for response in responses.values_mut() {
                let Some(response) = response.as_object_mut() else {
                    continue;
                };
                if response
                    .get("content")
                    .and_then(Value::as_object)
                    .is_some_and(Map::is_empty)
                {
                    response.remove("content");
                }
            }
        }
    }
    record(doc, report, Defect::MediaTypeWithoutSchema, changed);
}

/// Gives JSON responses typed as a plain string an open schema, so the client decodes the JSON
/// document the server sends (an object, usually) instead of failing on it.
pub fn fix_string_bodies(doc: &mut Value, report: &mut Report) {
    let changed = for_each_content(doc, |content, body, notes| {
        if matches!(body, Body::Request) {
            return;
        }
        let Some(schema) = content.get_mut(JSON).and_then(|e| e.get_mut("schema")) else {
            return;
        };
        let plain_string = schema.get("type").and_then(Value::as_str) == Some("string")
            && !["format", "enum", "pattern", "$ref"]
                .iter()
                .any(|k| schema.get(*k).is_some());
        if plain_string {
            let mut open = Map::new();
            if let Some(description) = schema.get("description") {
                open.insert("description".into(), description.clone());
            }
            *schema = Value::Object(open);
            notes.push(format!(
                "{}: JSON typed as `string`; decoded as any JSON value",
                body.describe()
            ));
        }
    });
    record(doc, report, Defect::StringTypedJsonBody, changed);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::test_support::doc;

    fn body(content: Value) -> Value {
        json!({"content": content})
    }

    #[test]
    fn several_media_types_keep_json() {
        let mut d = doc(json!({"/greeting": {"patch": {
            "requestBody": body(json!({
                "multipart/form-data": {"schema": {"type": "object"}},
                "application/json": {"schema": {"type": "object"}}
            })),
            "responses": {"200": body(json!({
                "application/xml": {"schema": {"type": "object"}},
                "application/hal+json": {"schema": {"type": "object"}}
            }))}
        }}}));
        let mut report = Report::default();
        fix_several(&mut d, &mut report);
        let op = &d["paths"]["/greeting"]["patch"];
        assert_eq!(op["requestBody"]["content"].as_object().unwrap().len(), 1);
        assert!(
            op["requestBody"]["content"]
                .get("application/json")
                .is_some()
        );
        assert!(
            op["responses"]["200"]["content"]
                .get("application/hal+json")
                .is_some()
        );
        assert_eq!(report.count(Defect::SeveralMediaTypes), 2);
    }

    #[test]
    fn json_variants_become_application_json() {
        let mut d = doc(json!({"/p": {"patch": {
            "requestBody": body(json!({"application/json-patch+json": {"schema": {"type": "array", "items": {"type": "object"}}}})),
            "responses": {
                "200": body(json!({"*/*": {"schema": {"type": "object"}}})),
                "201": body(json!({"application/hal+json": {"schema": {"type": "object"}}})),
                "202": body(json!({"*/*": {"schema": {"type": "string", "format": "binary"}}})),
                "203": body(json!({"application/json;charset=UTF-8": {"schema": {"type": "object"}}}))
            }
        }}}));
        let mut report = Report::default();
        fix_json_variants(&mut d, &mut report);
        let op = &d["paths"]["/p"]["patch"];
        assert!(op["requestBody"]["content"].get(JSON).is_some());
        for status in ["200", "201", "203"] {
            assert!(
                op["responses"][status]["content"].get(JSON).is_some(),
                "{status}"
            );
        }
        assert!(
            op["responses"]["202"]["content"]
                .get("application/octet-stream")
                .is_some()
        );
        assert_eq!(report.count(Defect::JsonMediaTypeVariant), 5);
    }

    #[test]
    fn media_types_without_schema_are_removed() {
        let mut d = doc(json!({"/ewt": {"get": {
            "responses": {
                "200": body(json!({"application/json": {"schema": {"type": "object"}}})),
                "204": body(json!({"application/json": {}})),
                "503": body(json!({"*/*": {}}))
            }
        }}}));
        let mut report = Report::default();
        fix_missing_schema(&mut d, &mut report);
        let responses = &d["paths"]["/ewt"]["get"]["responses"];
        assert!(responses["204"].get("content").is_none());
        assert!(responses["503"].get("content").is_none());
        assert!(responses["200"]["content"].get(JSON).is_some());
        assert_eq!(report.count(Defect::MediaTypeWithoutSchema), 2);
    }

    #[test]
    fn string_typed_json_responses_decode_any_json() {
        let mut d = doc(json!({"/search": {"post": {
            "requestBody": body(json!({"application/json": {"schema": {"type": "string"}}})),
            "responses": {
                "200": body(json!({"application/json": {"schema": {"type": "string", "description": "result"}}})),
                "201": body(json!({"application/json": {"schema": {"type": "string", "format": "uuid"}}}))
            }
        }}}));
        let mut report = Report::default();
        fix_string_bodies(&mut d, &mut report);
        let op = &d["paths"]["/search"]["post"];
        assert_eq!(
            op["responses"]["200"]["content"][JSON]["schema"],
            json!({"description": "result"})
        );
        assert_eq!(
            op["responses"]["201"]["content"][JSON]["schema"]["format"],
            "uuid"
        );
        assert_eq!(
            op["requestBody"]["content"][JSON]["schema"]["type"],
            "string"
        );
        assert_eq!(report.count(Defect::StringTypedJsonBody), 1);
    }
}
