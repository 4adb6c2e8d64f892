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

/// Whether `key` is `true` on a schema or, for a single-member `allOf`, on its member.
fn flag(wrapper: &Value, unwrapped: &Value, key: &str) -> bool {
    let set = |s: &Value| s.get(key).and_then(Value::as_bool) == Some(true);
    set(wrapper) || set(unwrapped)
}

fn unique_items(schema: &Value) -> bool {
    schema.get("uniqueItems").and_then(Value::as_bool) == Some(true)
}

/// Whether typify gives a property the Rust type `Option<T>` (rather than `T`): when it is
/// nullable, or when it is optional without a default and its type has no empty value of its
/// own (typify leaves optional arrays, maps and free-form objects unwrapped, and skips them
/// when empty; a set, `uniqueItems`, is not one of them).
fn field_is_option(property: &Value, required: bool) -> bool {
    let inner = unwrap_single_all_of(property);
    if flag(property, inner, "nullable") {
        return true;
    }
    if required || property.get("default").is_some() || inner.get("default").is_some() {
        return false;
    }
    if ref_name(inner).is_some() {
        return true;
    }
    let has_empty_value = match shape(inner) {
        Shape::Array => !unique_items(inner) && fixed_length(inner).is_none(),
        Shape::Map => true,
        Shape::Object => inner.get("properties").is_none(),
        _ => false,
    };
    !has_empty_value
}

/// The limits typify checks on a string: a newtype with validating constructors when any is
/// set.
#[derive(Clone, Debug, PartialEq, Eq)]
struct StringRules {
    min: Option<u64>,
    max: Option<u64>,
    pattern: Option<String>,
}

impl StringRules {
    /// The limits of a string schema typify keeps as text, `None` when it has none (and so is
    /// a plain `String`).
    fn of(schema: &Value) -> Option<Self> {
        let format = schema.get("format").and_then(Value::as_str);
        if schema.get("enum").is_some() || rust_format(Shape::Scalar("string"), format).is_some() {
            return None;
        }
        let rules = StringRules {
            min: schema.get("minLength").and_then(Value::as_u64),
            max: schema.get("maxLength").and_then(Value::as_u64),
            pattern: schema
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        (rules.min.is_some() || rules.max.is_some() || rules.pattern.is_some()).then_some(rules)
    }

    /// Whether `self` may reject a value `old` accepted: a bound tightened or added, or a
    /// pattern added or changed (two patterns are not compared beyond their text).
    fn tighter_than(&self, old: &Self) -> bool {
        let max = match (old.max, self.max) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(a), Some(b)) => b < a,
        };
        let min = match (old.min, self.min) {
            (_, None) => false,
            (None, Some(b)) => b > 0,
            (Some(a), Some(b)) => b > a,
        };
        let pattern = self.pattern.is_some() && self.pattern != old.pattern;
        max || min || pattern
    }
}

impl std::fmt::Display for StringRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(min) = self.min {
            parts.push(format!("`minLength` {min}"));
        }
        if let Some(max) = self.max {
            parts.push(format!("`maxLength` {max}"));
        }
        if let Some(pattern) = &self.pattern {
            parts.push(format!("`pattern` `{pattern}`"));
        }
        f.write_str(&parts.join(", "))
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

/// The format, where typify picks a different Rust type for it (`date-time` →
/// `DateTime<Utc>`, `float` → `f32`); other formats (`email`, `uri`) are plain strings, and
/// integers are described by [`integer_type`].
fn rust_format(shape: Shape, format: Option<&str>) -> Option<&'static str> {
    match (shape, format?) {
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

/// The integer formats typify knows, from most to least restrictive: format, Rust type, the
/// `NonZero` type it uses for `minimum: 1`, and the type's range.
const INTEGERS: [(&str, &str, &str, f64, f64); 10] = [
    ("int8", "i8", "NonZeroU8", i8::MIN as f64, i8::MAX as f64),
    ("uint8", "u8", "NonZeroU8", u8::MIN as f64, u8::MAX as f64),
    (
        "int16",
        "i16",
        "NonZeroU16",
        i16::MIN as f64,
        i16::MAX as f64,
    ),
    (
        "uint16",
        "u16",
        "NonZeroU16",
        u16::MIN as f64,
        u16::MAX as f64,
    ),
    ("int", "i32", "NonZeroU32", i32::MIN as f64, i32::MAX as f64),
    (
        "int32",
        "i32",
        "NonZeroU32",
        i32::MIN as f64,
        i32::MAX as f64,
    ),
    (
        "uint",
        "u32",
        "NonZeroU32",
        u32::MIN as f64,
        u32::MAX as f64,
    ),
    (
        "uint32",
        "u32",
        "NonZeroU32",
        u32::MIN as f64,
        u32::MAX as f64,
    ),
    (
        "int64",
        "i64",
        "NonZeroU64",
        i64::MIN as f64,
        i64::MAX as f64,
    ),
    (
        "uint64",
        "u64",
        "NonZeroU64",
        u64::MIN as f64,
        u64::MAX as f64,
    ),
];

/// The Rust type typify 0.8 picks for an integer schema (its `convert_integer`): the format's
/// type when the bounds fit in it (`NonZero` for `minimum: 1`), else a type whose range the
/// bounds match exactly (`minimum: 0` alone is `u64`), else `i64`. OpenAPI 3.0's boolean
/// `exclusiveMinimum` and `exclusiveMaximum` move the bound by one, as progenitor does.
fn integer_type(schema: &Value) -> &'static str {
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    let exclusive = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
    let bound = |key: &str, exclusive_key: &str, step: f64| {
        number(key).map(|v| {
            if exclusive(exclusive_key) {
                v + step
            } else {
                v
            }
        })
    };
    let mut min = bound("minimum", "exclusiveMinimum", 1.0);
    let mut max = bound("maximum", "exclusiveMaximum", -1.0);
    let format = schema.get("format").and_then(Value::as_str);
    if let Some(&(_, ty, non_zero, lo, hi)) = INTEGERS.iter().find(|i| Some(i.0) == format) {
        let fits = min.is_none_or(|m| m >= lo) && max.is_none_or(|m| m <= hi);
        if schema.get("multipleOf").is_none() && fits {
            return if min == Some(1.0) { non_zero } else { ty };
        }
        min.get_or_insert(lo);
        max.get_or_insert(hi);
    }
    let same = |a: f64, b: f64| (a - b).abs() <= f64::EPSILON;
    let found = INTEGERS
        .iter()
        .rev()
        .find_map(|&(_, ty, non_zero, lo, hi)| match (min, max) {
            (None, Some(max)) => same(hi, max).then_some(ty),
            (Some(min), _) if same(min, 1.0) => Some(non_zero),
            (Some(min), None) => same(lo, min).then_some(ty),
            (Some(min), Some(max)) => (same(hi, max) && same(lo, min)).then_some(ty),
            (None, None) => None,
        });
    found.unwrap_or("i64")
}

/// The length of the Rust array (`[T; N]`) typify makes of an array whose `minItems` and
/// `maxItems` are equal, when they are.
fn fixed_length(schema: &Value) -> Option<u64> {
    let min = schema.get("minItems").and_then(Value::as_u64)?;
    let max = schema.get("maxItems").and_then(Value::as_u64)?;
    (min == max && max > 0 && !unique_items(schema)).then_some(max)
}

/// What decides the Rust type of a schema, in words: `integer (u64) enum`. Nullability,
/// unique items and string constraints are compared on their own.
fn describe(schema: &Value) -> String {
    let shape = shape(schema);
    let mut out = String::new();
    out.push_str(match shape {
        Shape::Object => "object",
        Shape::Map => "map",
        Shape::Array => "array",
        Shape::Composed(key) => key,
        Shape::Scalar(name) => name,
        Shape::Any => "any value",
    });
    if shape == Shape::Scalar("integer") {
        out.push_str(&format!(" ({})", integer_type(schema)));
    }
    if let Some(format) = rust_format(shape, schema.get("format").and_then(Value::as_str)) {
        out.push_str(&format!(" ({format})"));
    }
    if shape == Shape::Array
        && let Some(n) = fixed_length(schema)
    {
        out.push_str(&format!(" of exactly {n} items"));
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
