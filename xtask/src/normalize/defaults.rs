//! Schemas whose `default` is not a value of the schema itself: a sentence describing the
//! default (`"Celsius if the metric is temperature"`) outside the schema's `enum`, a boolean
//! written as the string `"false"`, a number outside `minimum`/`maximum`, and so on.
//!
//! typify refuses such a schema ("value does not conform to the given schema") and with it the
//! whole spec. A default only documents what the server assumes when the value is absent, so
//! the client loses nothing it could send: the default is dropped and the report says which.
//!
//! The check errs on the side of keeping: it knows the keywords typify checks (`type`, `enum`,
//! `nullable`, numeric bounds and integer formats, string lengths, array items, object
//! properties, `$ref`, `allOf`, `oneOf`, `anyOf`) and calls anything else conforming.

use serde_json::{Map, Value};

use super::{Defect, Report, walk_schemas};

/// How many `$ref`s the check follows before calling a value conforming (a cycle guard).
const MAX_DEPTH: usize = 32;

/// Drops every `default` that its own schema rejects.
pub fn fix(doc: &mut Value, report: &mut Report) {
    let schemas = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let mut found = Vec::new();
    walk_schemas(doc, &mut String::new(), &mut |schema, at| {
        let Some(default) = schema.get("default") else {
            return;
        };
        if let Err(why) = conforms(default, schema, &schemas, 0) {
            found.push((
                at.to_owned(),
                format!("`default: {}` {why}; dropped", short(default)),
            ));
            schema.remove("default");
        }
    });
    for (at, note) in found {
        report.fix(Defect::NonConformingDefault, format!("#{at}"), note);
    }
}

/// The value as JSON, cut to a length that fits on a report line.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// `Ok` when `value` is a value of `schema`, else why not.
fn conforms(
    value: &Value,
    schema: &Map<String, Value>,
    schemas: &Value,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| schemas.get(name))
            .and_then(Value::as_object);
        // A reference elsewhere is not this fix's business; validation reports dangling ones.
        return match target {
            Some(target) => conforms(value, target, schemas, depth + 1),
            None => Ok(()),
        };
    }
    if value.is_null() {
        return if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            Ok(())
        } else {
            Err("is null but the schema is not nullable".into())
        };
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return Err("is not one of the schema's `enum` values".into());
    }
    if let Some(ty) = schema.get("type").and_then(Value::as_str) {
        check_type(value, ty, schema, schemas, depth)?;
    }
    for (keyword, all) in [("allOf", true), ("oneOf", false), ("anyOf", false)] {
        let Some(parts) = schema.get(keyword).and_then(Value::as_array) else {
            continue;
        };
        let mut results = parts
            .iter()
            .filter_map(Value::as_object)
            .map(|part| conforms(value, part, schemas, depth + 1));
        let ok = if all {
            results.all(|r| r.is_ok())
        } else {
            parts.is_empty() || results.any(|r| r.is_ok())
        };
        if !ok {
            return Err(format!("does not satisfy the schema's `{keyword}`"));
        }
    }
    Ok(())
}

fn check_type(
    value: &Value,
    ty: &str,
    schema: &Map<String, Value>,
    schemas: &Value,
    depth: usize,
) -> Result<(), String> {
    let wrong = || Err(format!("is not of the schema's type `{ty}`"));
    match ty {
        "string" => {
            let Some(text) = value.as_str() else {
                return wrong();
            };
            let len = text.chars().count() as u64;
            let min = schema.get("minLength").and_then(Value::as_u64);
            let max = schema.get("maxLength").and_then(Value::as_u64);
            if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                return Err("has a length outside `minLength`/`maxLength`".into());
            }
            Ok(())
        }
        "boolean" if value.is_boolean() => Ok(()),
        "integer" if value.is_i64() || value.is_u64() => check_bounds(value, schema),
        "number" if value.is_number() => check_bounds(value, schema),
        "array" => {
            let Some(items) = value.as_array() else {
                return wrong();
            };
            if let Some(item_schema) = schema.get("items").and_then(Value::as_object) {
                for item in items {
                    conforms(item, item_schema, schemas, depth + 1)
                        .map_err(|why| format!("has an item that {why}"))?;
                }
            }
            Ok(())
        }
        "object" => {
            let Some(fields) = value.as_object() else {
                return wrong();
            };
            let properties = schema.get("properties").and_then(Value::as_object);
            for (name, field) in fields {
                let Some(field_schema) = properties
                    .and_then(|p| p.get(name))
                    .and_then(Value::as_object)
                else {
                    continue;
                };
                conforms(field, field_schema, schemas, depth + 1)
                    .map_err(|why| format!("has a field `{name}` that {why}"))?;
            }
            Ok(())
        }
        "boolean" | "integer" | "number" => wrong(),
        // An unknown type is validation's business.
        _ => Ok(()),
    }
}

/// `minimum`/`maximum` (OpenAPI 3.0's boolean `exclusive*` included) and the range of an
/// integer `format`, which typify checks against the Rust type it picks.
fn check_bounds(value: &Value, schema: &Map<String, Value>) -> Result<(), String> {
    let Some(x) = value.as_f64() else {
        return Ok(());
    };
    let exclusive = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && (x < min || (exclusive("exclusiveMinimum") && x <= min))
    {
        return Err("is below the schema's `minimum`".into());
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && (x > max || (exclusive("exclusiveMaximum") && x >= max))
    {
        return Err("is above the schema's `maximum`".into());
    }
    let range = match schema.get("format").and_then(Value::as_str) {
        Some("int8") => Some((i8::MIN as f64, i8::MAX as f64)),
        Some("uint8") => Some((0.0, u8::MAX as f64)),
        Some("int16") => Some((i16::MIN as f64, i16::MAX as f64)),
        Some("uint16") => Some((0.0, u16::MAX as f64)),
        Some("int32") => Some((i32::MIN as f64, i32::MAX as f64)),
        Some("uint32") => Some((0.0, u32::MAX as f64)),
        Some("int64") => Some((i64::MIN as f64, i64::MAX as f64)),
        Some("uint64") => Some((0.0, u64::MAX as f64)),
        _ => None,
    };
    if let Some((low, high)) = range
        && (x < low || x > high)
    {
        return Err("is outside the range of the schema's integer `format`".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::test_support::{doc, doc_with_schemas};

    fn param(schema: Value) -> Value {
        doc(json!({"/m": {"get": {
            "parameters": [{"name": "unit", "in": "query", "schema": schema}],
            "responses": {"204": {"description": "ok"}}
        }}}))
    }

    fn fixed(mut d: Value) -> (Value, Report) {
        let mut report = Report::default();
        fix(&mut d, &mut report);
        (d, report)
    }

    #[test]
    fn a_sentence_outside_the_enum_is_dropped_with_its_place() {
        let (d, report) = fixed(param(json!({
            "type": "string", "enum": ["celsius", "fahrenheit"],
            "default": "celsius when the metric is temperature"
        })));
        let schema = &d["paths"]["/m"]["get"]["parameters"][0]["schema"];
        assert!(schema.get("default").is_none());
        assert_eq!(schema["enum"], json!(["celsius", "fahrenheit"]));
        assert_eq!(report.count(Defect::NonConformingDefault), 1);
        assert_eq!(report.fixes[0].place, "#/paths/~1m/get/parameters/0/schema");
        assert!(
            report.fixes[0].note.contains("`enum`"),
            "{:?}",
            report.fixes
        );
    }

    #[test]
    fn values_of_the_wrong_type_or_range_are_dropped() {
        for schema in [
            json!({"type": "boolean", "default": "false"}),
            json!({"type": "integer", "default": 1.5}),
            json!({"type": "integer", "format": "int32", "default": 5_000_000_000_i64}),
            json!({"type": "integer", "minimum": 1, "default": 0}),
            json!({"type": "number", "maximum": 1, "exclusiveMaximum": true, "default": 1}),
            json!({"type": "string", "maxLength": 2, "default": "abc"}),
            json!({"type": "string", "default": null}),
            json!({"type": "array", "items": {"type": "string", "enum": ["a"]}, "default": ["b"]}),
            json!({"type": "object", "properties": {"n": {"type": "integer"}}, "default": {"n": "1"}}),
            json!({"oneOf": [{"type": "integer"}, {"type": "boolean"}], "default": "x"}),
        ] {
            let (d, report) = fixed(param(schema.clone()));
            assert!(
                d["paths"]["/m"]["get"]["parameters"][0]["schema"]
                    .get("default")
                    .is_none(),
                "{schema}"
            );
            assert_eq!(report.count(Defect::NonConformingDefault), 1, "{schema}");
        }
    }

    #[test]
    fn conforming_defaults_are_kept() {
        for schema in [
            json!({"type": "string", "enum": ["a", "b"], "default": "b"}),
            json!({"type": "boolean", "default": false}),
            json!({"type": "integer", "format": "int32", "minimum": 1, "default": 1}),
            json!({"type": "number", "default": 2}),
            json!({"type": "string", "nullable": true, "default": null}),
            json!({"type": "array", "items": {"type": "integer"}, "default": [1, 2]}),
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}], "default": "x"}),
            json!({"$ref": "#/components/schemas/Unit", "default": "c"}),
            json!({"type": "string", "format": "date-time", "default": "now"}),
        ] {
            let mut d = param(schema.clone());
            d["components"] = json!({"schemas": {"Unit": {"type": "string", "enum": ["c", "f"]}}});
            let before = d.clone();
            let (after, report) = fixed(d);
            assert_eq!(after, before, "{schema}");
            assert!(report.fixes.is_empty(), "{schema}: {:?}", report.fixes);
        }
    }

    #[test]
    fn defaults_in_component_schemas_and_through_refs_are_checked() {
        let (d, report) = fixed(doc_with_schemas(
            json!({}),
            json!({
                "Unit": {"type": "string", "enum": ["c", "f"]},
                "Reading": {"type": "object", "properties": {
                    "unit": {"allOf": [{"$ref": "#/components/schemas/Unit"}], "default": "kelvin"},
                    "default": {"type": "string"}
                }}
            }),
        ));
        let props = &d["components"]["schemas"]["Reading"]["properties"];
        assert!(props["unit"].get("default").is_none());
        // A property named `default` is a name, not a default.
        assert_eq!(props["default"], json!({"type": "string"}));
        assert_eq!(report.count(Defect::NonConformingDefault), 1);
        assert_eq!(
            report.fixes[0].place,
            "#/components/schemas/Reading/properties/unit"
        );
    }
}
