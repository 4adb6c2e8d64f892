//! Comparing two schemas: type, enum values, properties and their `required` flags, array items,
//! map values and composition branches, following `$ref`s into `components.schemas`.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::Change;
use super::rules::{Kind, Side};
use super::rust_types::{
    Shape, StringRules, describe, field_is_option, flag, properties_of, ref_name, required, shape,
    unique_items, unwrap_single_all_of,
};

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
            effect: kind.effect(self.side),
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
        self.node(old, new, field, schema, false);
    }

    /// Compares one schema node. With `in_field`, the caller (a property) has already accounted
    /// for what `nullable` and `uniqueItems` do to the field's type, so they are not reported
    /// here.
    fn node(
        &mut self,
        old: &Value,
        new: &Value,
        field: &str,
        schema: Option<&str>,
        in_field: bool,
    ) {
        let (wrapper_old, wrapper_new) = (old, new);
        let old = unwrap_single_all_of(old);
        let new = unwrap_single_all_of(new);
        let deprecated = (
            flag(wrapper_old, old, "deprecated"),
            flag(wrapper_new, new, "deprecated"),
        );
        if deprecated.0 != deprecated.1 {
            let detail = if deprecated.1 {
                "now deprecated"
            } else {
                "no longer deprecated"
            };
            self.push(
                Kind::Deprecated { now: deprecated.1 },
                field,
                schema,
                detail.into(),
            );
        }
        let nullable = (
            flag(wrapper_old, old, "nullable"),
            flag(wrapper_new, new, "nullable"),
        );
        // Outside a property, `Option<T>` for a nullable `T` is always a new type (an item of
        // a `Vec`, a map value, a body, a component's newtype).
        let nullable_changed = !in_field && nullable.0 != nullable.1;
        let push_nullable = |walker: &mut Self| {
            if nullable_changed {
                walker.push(
                    Kind::Nullable {
                        now: nullable.1,
                        type_changes: true,
                    },
                    field,
                    schema,
                    nullable_detail(nullable.1).into(),
                );
            }
        };
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
                push_nullable(self);
                if !self.follow_refs || !self.seen.insert(name.clone()) {
                    return;
                }
                if let (Some(a), Some(b)) = (self.old.get(&name), self.new.get(&name)) {
                    self.node(a, b, field, Some(&name), false);
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
        push_nullable(self);
        if old.get("enum").is_some() {
            self.enum_values(old, new, field, schema);
            return;
        }
        match shape(old) {
            Shape::Object => self.properties(old, new, field, schema),
            Shape::Array => {
                let unique = (unique_items(old), unique_items(new));
                if !in_field && unique.0 != unique.1 {
                    // Typify renders a set as a `Vec` as well: only an optional property
                    // notices (see `field_is_option`).
                    self.push(
                        Kind::UniqueItems {
                            now: unique.1,
                            type_changes: false,
                        },
                        field,
                        schema,
                        unique_detail(unique.1, false),
                    );
                }
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
            Shape::Scalar("string") => self.string_constraints(old, new, field, schema),
            Shape::Scalar(_) | Shape::Any => {}
        }
    }

    /// `minLength`, `maxLength` and `pattern` of a string typify keeps as a string (no format
    /// it maps to another type, no enum: enums are compared by their values).
    fn string_constraints(&mut self, old: &Value, new: &Value, field: &str, schema: Option<&str>) {
        let (a, b) = (StringRules::of(old), StringRules::of(new));
        let (kind, detail) = match (&a, &b) {
            (None, None) => return,
            (None, Some(b)) => (
                Kind::StringConstrained,
                format!("now constrained ({b}): a validating newtype instead of `String`"),
            ),
            (Some(a), None) => (
                Kind::StringUnconstrained,
                format!(
                    "no longer constrained (was {a}): `String` instead of a validating newtype"
                ),
            ),
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) => {
                let tighter = b.tighter_than(a);
                (
                    Kind::StringConstraintChanged { tighter },
                    format!("constraints changed from {a} to {b}"),
                )
            }
        };
        self.push(kind, field, schema, detail);
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
                    self.field_wrapping(pa, pb, (was, is), &at, schema);
                    self.node(pa, pb, &at, schema, true);
                }
                (None, None) => {}
            }
        }
    }

    /// What `required`, `nullable`, `uniqueItems` and `default` do to a property's Rust type:
    /// whether it is `Option<T>` or `T`. A change of required-ness is reported on its own;
    /// otherwise a change of the wrapping is put on the keyword that caused it.
    fn field_wrapping(
        &mut self,
        old: &Value,
        new: &Value,
        (was, is): (bool, bool),
        field: &str,
        schema: Option<&str>,
    ) {
        let (wa, wb) = (field_is_option(old, was), field_is_option(new, is));
        let mut type_changes = wa != wb;
        if was != is {
            let (kind, detail) = if is {
                (Kind::RequiredAdded { type_changes }, "became required")
            } else {
                (Kind::RequiredRemoved { type_changes }, "became optional")
            };
            self.push(kind, field, schema, detail.into());
            type_changes = false;
        }
        let (ua, ub) = (unwrap_single_all_of(old), unwrap_single_all_of(new));
        // A `$ref` on either side is a type change the node comparison reports.
        if ref_name(ua).is_some() != ref_name(ub).is_some() || describe(ua) != describe(ub) {
            return;
        }
        let nullable = (flag(old, ua, "nullable"), flag(new, ub, "nullable"));
        if nullable.0 != nullable.1 {
            self.push(
                Kind::Nullable {
                    now: nullable.1,
                    type_changes,
                },
                field,
                schema,
                nullable_detail(nullable.1).into(),
            );
            type_changes = false;
        }
        if shape(ua) == Shape::Array && ref_name(ua).is_none() {
            let unique = (unique_items(ua), unique_items(ub));
            if unique.0 != unique.1 {
                self.push(
                    Kind::UniqueItems {
                        now: unique.1,
                        type_changes,
                    },
                    field,
                    schema,
                    unique_detail(unique.1, type_changes),
                );
                type_changes = false;
            }
        }
        if type_changes {
            let (a, b) = if wb {
                ("T", "Option<T>")
            } else {
                ("Option<T>", "T")
            };
            self.push(
                Kind::TypeChanged,
                field,
                schema,
                format!("field type changed from `{a}` to `{b}` (`default` added or removed)"),
            );
        }
    }
}

fn nullable_detail(now: bool) -> &'static str {
    if now {
        "became nullable"
    } else {
        "no longer nullable"
    }
}

fn unique_detail(now: bool, type_changes: bool) -> String {
    let what = if now {
        "items became unique"
    } else {
        "items no longer unique"
    };
    if type_changes {
        let (a, b) = if now {
            ("Vec<T>", "Option<Vec<T>>")
        } else {
            ("Option<Vec<T>>", "Vec<T>")
        };
        format!("{what}: the optional field changes from `{a}` to `{b}`")
    } else {
        format!("{what} (the Rust type is a `Vec` either way)")
    }
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

    use super::super::rust_types::integer_type;
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
            "type changed from integer (i32) to integer (i64)"
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
    fn which_properties_are_options() {
        let list = json!({"type": "array", "items": {"type": "string"}});
        // Optional arrays, maps and free-form objects are left unwrapped, empty when absent.
        assert!(!field_is_option(&list, false));
        assert!(!field_is_option(&json!({"type": "object"}), false));
        // A set is not: typify wraps it.
        let set = json!({"type": "array", "items": {"type": "string"}, "uniqueItems": true});
        assert!(field_is_option(&set, false));
        assert!(!field_is_option(&set, true));
        assert!(field_is_option(&json!({"type": "string"}), false));
        assert!(!field_is_option(&json!({"type": "string"}), true));
        assert!(field_is_option(
            &json!({"type": "string", "nullable": true}),
            true
        ));
        assert!(!field_is_option(
            &json!({"type": "string", "default": "x"}),
            false
        ));
        assert!(field_is_option(
            &json!({"$ref": "#/components/schemas/A"}),
            false
        ));
        let nullable_ref = json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true});
        assert!(field_is_option(&nullable_ref, true));
    }

    #[test]
    fn integer_types_follow_typify() {
        let int = |extra: Value| {
            let mut schema = json!({"type": "integer"});
            if let (Some(s), Some(e)) = (schema.as_object_mut(), extra.as_object()) {
                s.extend(e.clone());
            }
            integer_type(&schema)
        };
        assert_eq!(int(json!({})), "i64");
        assert_eq!(int(json!({"format": "int32"})), "i32");
        assert_eq!(int(json!({"format": "int32", "minimum": 1})), "NonZeroU32");
        assert_eq!(int(json!({"format": "int32", "minimum": 0})), "i32");
        assert_eq!(int(json!({"minimum": 0})), "u64");
        assert_eq!(int(json!({"minimum": 1})), "NonZeroU64");
        assert_eq!(
            int(json!({"minimum": 0, "exclusiveMinimum": true})),
            "NonZeroU64"
        );
        assert_eq!(int(json!({"minimum": 0, "maximum": 10})), "i64");
        assert_eq!(int(json!({"minimum": 0, "maximum": 255})), "u8");
        // Bounds outside the format's range: typify picks by the bounds.
        assert_eq!(
            int(json!({"format": "int32", "minimum": 0, "maximum": 4294967295u64})),
            "u32"
        );
        assert_eq!(int(json!({"format": "int32", "multipleOf": 2})), "i32");
    }

    #[test]
    fn string_constraints_and_their_direction() {
        let rules = |s: Value| StringRules::of(&s);
        assert_eq!(rules(json!({"type": "string", "format": "email"})), None);
        assert_eq!(
            rules(json!({"type": "string", "format": "uuid", "maxLength": 36})),
            None
        );
        assert_eq!(
            rules(json!({"type": "string", "enum": ["a"], "maxLength": 3})),
            None
        );
        let (Some(a), Some(b)) = (
            rules(json!({"type": "string", "maxLength": 10})),
            rules(json!({"type": "string", "maxLength": 3, "minLength": 0})),
        ) else {
            panic!("both are constrained");
        };
        assert!(b.tighter_than(&a) && !a.tighter_than(&b));
        assert_eq!(b.to_string(), "`minLength` 0, `maxLength` 3");
        let changes = walk(
            json!({"type": "string", "pattern": "^a"}),
            json!({"type": "string", "pattern": "^b"}),
            Side::Received,
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].kind,
            Kind::StringConstraintChanged { tighter: true }
        );
        assert!(!changes[0].breaking);
    }
}
