//! Parameters progenitor cannot turn into builder arguments.
//!
//! - An object-typed query parameter: OpenAPI's default (`style: form`, `explode: true`) sends
//!   each property as its own query parameter, so the object is replaced by one parameter per
//!   property, which is exactly what goes on the wire. Nested objects inside it, and object
//!   parameters in a path or header, become strings.
//! - Two parameters that become the same Rust name (`orgId` and `orgid`), or a parameter that
//!   collides with a name the generated builder uses itself (`body` when there is a body,
//!   `client`): the later one is dropped, since one builder cannot hold both.
//! - Cookie parameters, which progenitor cannot send: dropped.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::{Defect, Report, ident_key, operations};

/// Rewrites or drops the parameters of every operation as described above.
pub fn fix(doc: &mut Value, report: &mut Report) {
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    for op in operations(doc) {
        let label = op.label(doc);
        let Some(operation) = op.get_mut(doc).and_then(Value::as_object_mut) else {
            continue;
        };
        let has_body = operation.contains_key("requestBody");
        let Some(Value::Array(params)) = operation.remove("parameters") else {
            continue;
        };
        let mut taken: BTreeSet<String> = BTreeSet::from(["client".to_owned()]);
        if has_body {
            taken.insert("body".into());
        }
        let mut kept = Vec::new();
        let mut notes = Vec::new();
        for param in params {
            for param in rewrite_object(param, &schemas, &mut notes) {
                let name = param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let location = param
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if location == "cookie" {
                    notes.push(format!("cookie parameter `{name}` cannot be sent; dropped"));
                    continue;
                }
                if !taken.insert(ident_key(&name)) {
                    notes.push(format!(
                        "{location} parameter `{name}` collides with another name of this operation; dropped"
                    ));
                    continue;
                }
                kept.push(param);
            }
        }
        operation.insert("parameters".into(), Value::Array(kept));
        for note in notes {
            report.fix(Defect::CollidingParameter, label.clone(), note);
        }
    }
}

/// The parameter itself, or what replaces it when its schema is an object.
fn rewrite_object(mut param: Value, schemas: &Value, notes: &mut Vec<String>) -> Vec<Value> {
    let name = param
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let location = param
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let Some(schema) = param.get("schema").map(|s| resolve(s, schemas)) else {
        return vec![param];
    };
    if !is_object(&schema) {
        return vec![param];
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    let explode = param
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let style = param.get("style").and_then(Value::as_str).unwrap_or("form");
    if let (Some(properties), "query", true, "form") =
        (properties, location.as_str(), explode, style)
    {
        let required_param = param
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        for (prop, prop_schema) in properties {
            let mut prop_schema = resolve(prop_schema, schemas);
            if is_object(&prop_schema) {
                prop_schema = string_schema(&prop_schema);
            }
            let mut p = Map::new();
            p.insert("name".into(), json!(prop));
            p.insert("in".into(), json!("query"));
            p.insert(
                "required".into(),
                json!(required_param && required.contains(prop.as_str())),
            );
            if let Some(d) = prop_schema.get("description") {
                p.insert("description".into(), d.clone());
            }
            p.insert("schema".into(), prop_schema);
            out.push(Value::Object(p));
        }
        notes.push(format!(
            "object query parameter `{name}` sent as its {} properties, one query parameter each",
            out.len()
        ));
        return out;
    }
    if let Some(slot) = param.get_mut("schema") {
        *slot = string_schema(&schema);
    }
    notes.push(format!(
        "object {location} parameter `{name}` typed as a string"
    ));
    vec![param]
}

fn resolve(schema: &Value, schemas: &Value) -> Value {
    let mut current = schema.clone();
    for _ in 0..8 {
        let Some(name) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        else {
            break;
        };
        match schemas.get(name) {
            Some(target) => current = target.clone(),
            None => break,
        }
    }
    current
}

fn is_object(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
        || ["properties", "allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| schema.get(*k).is_some())
}

fn string_schema(original: &Value) -> Value {
    let mut s = Map::new();
    s.insert("type".into(), json!("string"));
    if let Some(d) = original.get("description") {
        s.insert("description".into(), d.clone());
    }
    Value::Object(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::doc_with_schemas;

    #[test]
    fn object_query_parameters_are_exploded_and_collisions_dropped() {
        let mut d = doc_with_schemas(
            json!({"/organization/{orgid}/skill": {"post": {
                "operationId": "createSkill",
                "parameters": [
                    {"name": "orgid", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "payloadDTO", "in": "query", "required": true, "schema": {"$ref": "#/components/schemas/Skill"}},
                    {"name": "orgId", "in": "query", "schema": {"type": "string"}},
                    {"name": "X-Filter", "in": "header", "schema": {"type": "object"}},
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}}
                ],
                "responses": {"201": {"description": "created"}}
            }}}),
            json!({"Skill": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"},
                "active": {"type": "boolean"},
                "meta": {"type": "object", "properties": {"x": {"type": "string"}}}
            }}}),
        );
        let mut report = Report::default();
        fix(&mut d, &mut report);
        let params = d["paths"]["/organization/{orgid}/skill"]["post"]["parameters"]
            .as_array()
            .unwrap();
        let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["orgid", "name", "active", "meta", "X-Filter"]);
        assert_eq!(params[1]["required"], true);
        assert_eq!(params[2]["required"], false);
        assert_eq!(params[3]["schema"]["type"], "string");
        assert_eq!(params[4]["schema"]["type"], "string");
        // payloadDTO exploded, orgId dropped, X-Filter retyped, cookie dropped.
        assert_eq!(report.count(Defect::CollidingParameter), 4);
    }

    #[test]
    fn a_parameter_named_body_yields_to_the_request_body() {
        let mut d = doc_with_schemas(
            json!({"/x": {"post": {
                "parameters": [{"name": "body", "in": "query", "schema": {"type": "string"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"204": {"description": "ok"}}
            }}}),
            json!({}),
        );
        let mut report = Report::default();
        fix(&mut d, &mut report);
        assert_eq!(d["paths"]["/x"]["post"]["parameters"], json!([]));
        assert_eq!(report.count(Defect::CollidingParameter), 1);
    }
}
