//! Comparing two schemas: type, enum values, properties and their `required` flags, array items,
//! map values and composition branches, following `$ref`s into `components.schemas`.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::Change;
use super::rules::{Kind, Side};

const SCHEMA_REF: &str = "#/components/schemas/";

/// Walks two schemas side by side and records what changed.
pub(super) struct Walker<'a> {
    old: &'a Value,
    new: &'a Value,
    side: Side,
    at: String,
    follow_refs: bool,
    /// Component schemas already compared in this walk: each once, and cycles end.
    seen: BTreeSet<String>,
    /// What changed, in walk order.
    pub out: Vec<Change>,
}

impl<'a> Walker<'a> {
    /// A walker over the `components.schemas` of two documents, recording changes at `at`
    /// (`request body`, `success response`, ...). With `follow_refs` false, a `$ref` to the same
    /// component on both sides counts as unchanged (the component is compared on its own).
    pub fn new(old_doc: &'a Value, new_doc: &'a Value, side: Side, at: String) -> Self {
        Self {
            old: old_doc
                .pointer("/components/schemas")
                .unwrap_or(&Value::Null),
            new: new_doc
                .pointer("/components/schemas")
                .unwrap_or(&Value::Null),
            side,
            at,
            follow_refs: true,
            seen: BTreeSet::new(),
            out: Vec::new(),
        }
    }

    /// Compares referenced components only by name.
    pub fn shallow(mut self) -> Self {
        self.follow_refs = false;
        self
    }

    /// Records a change of the whole parameter, body or response.
    pub fn push_at(&mut self, kind: Kind, detail: String) {
        self.push(kind, "", None, detail);
    }

    fn push(&mut self, kind: Kind, field: &str, schema: Option<&str>, detail: String) {
        self.out.push(Change {
            kind,
            breaking: kind.breaking(self.side),
            side: self.side,
            at: self.at.clone(),
            field: field.to_owned(),
            schema: schema.map(str::to_owned),
            detail,
        });
    }

    /// Compares `old` and `new`, found at `field` (a property path such as `items[].name`) inside
    /// component `schema` (or inline, when `None`).
    pub fn compare(&mut self, old: &Value, new: &Value, field: &str, schema: Option<&str>) {
        let old = unwrap_single_all_of(old);
        let new = unwrap_single_all_of(new);
        match (ref_name(old), ref_name(new)) {
            (Some(a), Some(b)) if a != b => {
                self.push(
                    Kind::TypeChanged,
                    field,
                    schema,
                    format!("type changed from `{a}` to `{b}`"),
                );
                return;
            }
            (Some(name), Some(_)) => {
                if !self.follow_refs || !self.seen.insert(name.clone()) {
                    return;
                }
                if let (Some(a), Some(b)) = (self.old.get(&name), self.new.get(&name)) {
                    self.compare(a, b, field, Some(&name));
                }
                return;
            }
            (Some(a), None) => {
                let b = describe(new);
                self.push(
                    Kind::TypeChanged,
                    field,
                    schema,
                    format!("type changed from `{a}` to an inline {b}"),
                );
                return;
            }
            (None, Some(b)) => {
                let a = describe(old);
                self.push(
                    Kind::TypeChanged,
                    field,
                    schema,
                    format!("type changed from an inline {a} to `{b}`"),
                );
                return;
            }
            (None, None) => {}
        }
        let (a, b) = (describe(old), describe(new));
        if a != b {
            self.push(
                Kind::TypeChanged,
                field,
                schema,
                format!("type changed from {a} to {b}"),
            );
            return;
        }
        if old.get("enum").is_some() {
            self.enum_values(old, new, field, schema);
            return;
        }
        match shape(old) {
            Shape::Object => self.properties(old, new, field, schema),
            Shape::Array => {
                if let (Some(a), Some(b)) = (old.get("items"), new.get("items")) {
                    self.compare(a, b, &join(field, "[]"), schema);
                }
            }
            Shape::Map => {
                if let (Some(a), Some(b)) = (
                    old.get("additionalProperties"),
                    new.get("additionalProperties"),
                ) {
                    self.compare(a, b, &join(field, "{}"), schema);
                }
            }
            Shape::Composed(key) => {
                let branches = (
                    old.get(key).and_then(Value::as_array),
                    new.get(key).and_then(Value::as_array),
                );
                if let (Some(a), Some(b)) = branches {
                    for (i, (a, b)) in a.iter().zip(b).enumerate() {
                        self.compare(a, b, &join(field, &format!("<{key} {i}>")), schema);
                    }
                }
            }
            Shape::Scalar(_) | Shape::Any => {}
        }
    }

    fn enum_values(&mut self, old: &Value, new: &Value, field: &str, schema: Option<&str>) {
        let values = |s: &Value| -> BTreeSet<String> {
            s.get("enum")
                .and_then(Value::as_array)
                .map(|v| v.iter().map(show_value).collect())
                .unwrap_or_default()
        };
        let (a, b) = (values(old), values(new));
        for removed in a.difference(&b) {
            self.push(
                Kind::EnumValueRemoved,
                field,
                schema,
                format!("enum value `{removed}` removed"),
            );
        }
        for added in b.difference(&a) {
            self.push(
                Kind::EnumValueAdded,
                field,
                schema,
                format!("enum value `{added}` added"),
            );
        }
    }

    fn properties(&mut self, old: &Value, new: &Value, field: &str, schema: Option<&str>) {
        let empty = Map::new();
        let (a, b) = (
            properties_of(old).unwrap_or(&empty),
            properties_of(new).unwrap_or(&empty),
        );
        let (ra, rb) = (required(old), required(new));
        let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for name in names {
            let at = join(field, name);
            match (a.get(name), b.get(name)) {
                (None, Some(_)) => {
                    let required = rb.contains(name.as_str());
                    let detail = if required {
                        "required property added"
                    } else {
                        "optional property added"
                    };
                    self.push(Kind::PropertyAdded { required }, &at, schema, detail.into());
                }
                (Some(_), None) => {
                    self.push(
                        Kind::PropertyRemoved,
                        &at,
                        schema,
                        "property removed".into(),
                    );
                }
                (Some(pa), Some(pb)) => {
                    let (was, is) = (ra.contains(name.as_str()), rb.contains(name.as_str()));
                    if was != is {
                        let type_changes = !optional_keeps_type(pb);
                        let (kind, detail) = if is {
                            (Kind::RequiredAdded { type_changes }, "became required")
                        } else {
                            (Kind::RequiredRemoved { type_changes }, "became optional")
                        };
                        self.push(kind, &at, schema, detail.into());
                    }
                    self.compare(pa, pb, &at, schema);
                }
                (None, None) => {}
            }
        }
    }
}

/// The component a schema refers to, if it is a `$ref` into `components.schemas`.
pub(super) fn ref_name(schema: &Value) -> Option<String> {
    let target = schema.get("$ref")?.as_str()?.strip_prefix(SCHEMA_REF)?;
    Some(target.replace("~1", "/").replace("~0", "~"))
}

/// `allOf` with one member (often used to put a description beside a `$ref`) is that member.
fn unwrap_single_all_of(schema: &Value) -> &Value {
    let mut current = schema;
    for _ in 0..8 {
        match current.get("allOf").and_then(Value::as_array) {
            Some(members) if members.len() == 1 && current.get("properties").is_none() => {
                current = &members[0];
            }
            _ => break,
        }
    }
    current
}

fn properties_of(schema: &Value) -> Option<&Map<String, Value>> {
    schema.get("properties").and_then(Value::as_object)
}

fn required(schema: &Value) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether typify gives the property the same Rust type required or not: arrays (`Vec`), maps
/// and free-form objects, nullable values (already `Option`) and properties with a default.
fn optional_keeps_type(property: &Value) -> bool {
    if property.get("$ref").is_some() {
        return false;
    }
    let nullable = property.get("nullable").and_then(Value::as_bool) == Some(true);
    nullable
        || property.get("default").is_some()
        || matches!(shape(property), Shape::Array | Shape::Map)
        || (matches!(shape(property), Shape::Object) && property.get("properties").is_none())
}

/// The structural kind of a schema.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Object,
    Map,
    Array,
    Composed(&'static str),
    Scalar(&'static str),
    Any,
}

fn shape(schema: &Value) -> Shape {
    let has = |k: &str| schema.get(k).is_some();
    let map = !has("properties")
        && schema
            .get("additionalProperties")
            .is_some_and(Value::is_object);
    match schema.get("type").and_then(Value::as_str) {
        Some("object") if map => Shape::Map,
        Some("object") => Shape::Object,
        Some("array") => Shape::Array,
        Some("string") => Shape::Scalar("string"),
        Some("integer") => Shape::Scalar("integer"),
        Some("number") => Shape::Scalar("number"),
        Some("boolean") => Shape::Scalar("boolean"),
        Some(_) => Shape::Any,
        None if has("properties") => Shape::Object,
        None if map => Shape::Map,
        None if has("items") => Shape::Array,
        None => ["allOf", "oneOf", "anyOf"]
            .into_iter()
            .find(|k| has(k))
            .map_or(Shape::Any, Shape::Composed),
    }
}

/// The format, where typify picks a different Rust type for it (`int32` → `i32`,
/// `date-time` → `DateTime<Utc>`); other formats (`email`, `uri`) are plain strings.
fn rust_format(shape: Shape, format: Option<&str>) -> Option<&'static str> {
    match (shape, format?) {
        (Shape::Scalar("integer"), f) => match f {
            "int8" => Some("int8"),
            "uint8" => Some("uint8"),
            "int16" => Some("int16"),
            "uint16" => Some("uint16"),
            "int" | "int32" => Some("int32"),
            "uint" | "uint32" => Some("uint32"),
            "int64" => Some("int64"),
            "uint64" => Some("uint64"),
            _ => None,
        },
        (Shape::Scalar("number"), "float") => Some("float"),
        (Shape::Scalar("string"), f) => match f {
            "date" => Some("date"),
            "date-time" => Some("date-time"),
            "uuid" => Some("uuid"),
            "ip" => Some("ip"),
            "ipv4" => Some("ipv4"),
            "ipv6" => Some("ipv6"),
            _ => None,
        },
        _ => None,
    }
}

/// What decides the Rust type of a schema, in words: `nullable integer (int64) enum`.
fn describe(schema: &Value) -> String {
    let shape = shape(schema);
    let mut out = String::new();
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        out.push_str("nullable ");
    }
    out.push_str(match shape {
        Shape::Object => "object",
        Shape::Map => "map",
        Shape::Array => "array",
        Shape::Composed(key) => key,
        Shape::Scalar(name) => name,
        Shape::Any => "any value",
    });
    if let Some(format) = rust_format(shape, schema.get("format").and_then(Value::as_str)) {
        out.push_str(&format!(" ({format})"));
    }
    if schema.get("enum").is_some() {
        out.push_str(" enum");
    }
    if let Shape::Composed(key) = shape {
        let n = schema
            .get(key)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        out.push_str(&format!(" of {n}"));
    }
    out
}

fn show_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `items` + `name` → `items.name`; `items` + `[]` → `items[]`.
fn join(field: &str, part: &str) -> String {
    if field.is_empty() {
        part.to_owned()
    } else if part.starts_with(['[', '{', '<']) {
        format!("{field}{part}")
    } else {
        format!("{field}.{part}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn walk(old: Value, new: Value, side: Side) -> Vec<Change> {
        let doc = json!({"components": {"schemas": {}}});
        let mut w = Walker::new(&doc, &doc, side, "request body".into());
        w.compare(&old, &new, "", None);
        w.out
    }

    #[test]
    fn only_formats_that_pick_a_rust_type_count() {
        let a = json!({"type": "string", "format": "email"});
        let b = json!({"type": "string"});
        assert!(walk(a, b, Side::Both).is_empty());
        let a = json!({"type": "integer", "format": "int32"});
        let b = json!({"type": "integer", "format": "int64"});
        let changes = walk(a, b, Side::Sent);
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].detail,
            "type changed from integer (int32) to integer (int64)"
        );
    }

    #[test]
    fn a_single_all_of_is_its_member_and_paths_are_joined() {
        let a = json!({"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}});
        let b = json!({"allOf": [{"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}}}}]});
        let changes = walk(a, b, Side::Received);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "[].id");
    }

    #[test]
    fn a_vec_that_becomes_required_keeps_its_rust_type() {
        assert!(optional_keeps_type(
            &json!({"type": "array", "items": {"type": "string"}})
        ));
        assert!(optional_keeps_type(
            &json!({"type": "string", "nullable": true})
        ));
        assert!(!optional_keeps_type(&json!({"type": "string"})));
        assert!(!optional_keeps_type(
            &json!({"$ref": "#/components/schemas/A"})
        ));
    }
}
