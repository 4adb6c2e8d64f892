//! When two schemas are the same type under different names.
//!
//! Specs often repeat one schema per use: an error body per status (`ApiError400`,
//! `ApiError404`, ...) that differ only in their examples and descriptions. Each becomes its own
//! Rust type, so the error responses of an operation seem to disagree and all but one status
//! would lose their typed body (see [`super::responses`]). Comparing responses by
//! [`structure`] instead lets those statuses share one type.
//!
//! Only the responses of one operation are merged, never the component schemas themselves: two
//! components of the same shape may well mean different things (a queue and an owner that
//! both hold an `id`), and renaming a type the rest of the document (or a hand-written SDK)
//! uses would be a breaking change that buys nothing.
//!
//! Set aside as documentation: `description`, `title`, `example`, `examples`,
//! `externalDocs` and `deprecated`. Everything else, extensions included, must match, and the
//! order of `required` does not matter.

use serde_json::{Map, Value};

const PREFIX: &str = "#/components/schemas/";

/// Keys that document a schema without changing what it accepts.
const DOCUMENTATION: [&str; 6] = [
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "deprecated",
];

/// How many `$ref`s in a row [`structure`] follows before it stops (a cycle guard).
const MAX_HOPS: usize = 8;

/// A key equal for two schemas exactly when they are the same type apart from documentation.
///
/// A `$ref` at the top is followed into `components.schemas` (that is what differs between
/// `ApiError400` and `ApiError404`); references further down are compared by name, which keeps
/// the key small and never merges two different named types.
pub fn structure(schema: &Value, schemas: &Value) -> String {
    let mut schema = schema;
    for _ in 0..MAX_HOPS {
        let Some(target) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(PREFIX))
            .and_then(|name| schemas.get(crate::load::unescape(name)))
        else {
            break;
        };
        schema = target;
    }
    strip(schema, false).to_string()
}

/// The schema without its documentation. Inside `properties` every key is a property name, and
/// `enum`, `default` and extensions hold data, so nothing is removed there.
fn strip(value: &Value, names: bool) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, child) in map {
                if !names && DOCUMENTATION.contains(&key.as_str()) {
                    continue;
                }
                let data =
                    !names && (matches!(key.as_str(), "enum" | "default") || key.starts_with("x-"));
                let child = if data {
                    child.clone()
                } else if !names && key == "required" {
                    sorted(child)
                } else {
                    strip(child, !names && key == "properties")
                };
                out.insert(key.clone(), child);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| strip(i, false)).collect()),
        other => other.clone(),
    }
}

fn sorted(value: &Value) -> Value {
    match value.as_array() {
        Some(items) => {
            let mut items = items.clone();
            items.sort_by_key(Value::to_string);
            Value::Array(items)
        }
        None => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn error(example: &str) -> Value {
        json!({
            "type": "object", "required": ["trackingId", "status"],
            "description": format!("an error {example}"),
            "properties": {
                "trackingId": {"type": "string", "example": example},
                "status": {"type": "string", "enum": ["400 BAD_REQUEST", "404 NOT_FOUND"]}
            }
        })
    }

    fn reference(name: &str) -> Value {
        json!({"$ref": format!("{PREFIX}{name}")})
    }

    #[test]
    fn schemas_differing_in_documentation_have_one_structure() {
        let mut other = error("c");
        other["required"] = json!(["status", "trackingId"]);
        other["deprecated"] = json!(true);
        let schemas = json!({
            "ApiError400": error("a"), "ApiError404": error("b"), "ApiError409": other,
            "Alias": reference("ApiError404")
        });
        let first = structure(&reference("ApiError400"), &schemas);
        for name in ["ApiError404", "ApiError409", "Alias"] {
            assert_eq!(structure(&reference(name), &schemas), first, "{name}");
        }
        assert_eq!(structure(&error("inline"), &schemas), first);
    }

    #[test]
    fn schemas_that_differ_in_structure_or_data_stay_apart() {
        let schemas = json!({});
        let all = [
            json!({"type": "string", "enum": ["a"]}),
            json!({"type": "string", "enum": ["b"]}),
            json!({"type": "object", "properties": {"description": {"type": "string"}}}),
            json!({"type": "object", "properties": {"title": {"type": "string"}}}),
            json!({"type": "string", "x-rust-type": "E"}),
            json!({"type": "string"}),
            reference("Missing"),
            json!({"type": "array", "items": reference("A")}),
            json!({"type": "array", "items": reference("B")}),
        ];
        let keys: std::collections::BTreeSet<String> =
            all.iter().map(|s| structure(s, &schemas)).collect();
        assert_eq!(keys.len(), all.len());
    }

    #[test]
    fn a_reference_cycle_ends() {
        let schemas = json!({"A": reference("B"), "B": reference("A")});
        assert!(structure(&reference("A"), &schemas).contains("$ref"));
    }
}
