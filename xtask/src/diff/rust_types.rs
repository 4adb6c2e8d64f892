//! How typify turns a schema into Rust, as far as the diff needs it: the shape of the type,
//! the integer type and formats it picks, when a field becomes `Option<T>`, when a string
//! becomes a validating newtype, and the schema-reading helpers those answers rest on (`$ref`
//! targets, single-member `allOf`, properties and `required`).
//!
//! Kept apart from the walker in [`super::schema`] so that the one place that models typify's
//! choices can be checked against typify when it is upgraded.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

pub(super) const SCHEMA_REF: &str = "#/components/schemas/";

/// Whether `key` is `true` on a schema or, for a single-member `allOf`, on its member.
pub(super) fn flag(wrapper: &Value, unwrapped: &Value, key: &str) -> bool {
    let set = |s: &Value| s.get(key).and_then(Value::as_bool) == Some(true);
    set(wrapper) || set(unwrapped)
}

pub(super) fn unique_items(schema: &Value) -> bool {
    schema.get("uniqueItems").and_then(Value::as_bool) == Some(true)
}

/// Whether typify gives a property the Rust type `Option<T>` (rather than `T`): when it is
/// nullable, or when it is optional without a default and its type has no empty value of its
/// own (typify leaves optional arrays, maps and free-form objects unwrapped, and skips them
/// when empty; a set, `uniqueItems`, is not one of them).
pub(super) fn field_is_option(property: &Value, required: bool) -> bool {
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
pub(super) struct StringRules {
    min: Option<u64>,
    max: Option<u64>,
    pattern: Option<String>,
}

impl StringRules {
    /// The limits of a string schema typify keeps as text, `None` when it has none (and so is
    /// a plain `String`).
    pub(super) fn of(schema: &Value) -> Option<Self> {
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
    pub(super) fn tighter_than(&self, old: &Self) -> bool {
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
pub(super) fn unwrap_single_all_of(schema: &Value) -> &Value {
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

pub(super) fn properties_of(schema: &Value) -> Option<&Map<String, Value>> {
    schema.get("properties").and_then(Value::as_object)
}

pub(super) fn required(schema: &Value) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The structural kind of a schema.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Object,
    Map,
    Array,
    Composed(&'static str),
    Scalar(&'static str),
    Any,
}

pub(super) fn shape(schema: &Value) -> Shape {
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
pub(super) fn rust_format(shape: Shape, format: Option<&str>) -> Option<&'static str> {
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
pub(super) fn integer_type(schema: &Value) -> &'static str {
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
pub(super) fn fixed_length(schema: &Value) -> Option<u64> {
    let min = schema.get("minItems").and_then(Value::as_u64)?;
    let max = schema.get("maxItems").and_then(Value::as_u64)?;
    (min == max && max > 0 && !unique_items(schema)).then_some(max)
}

/// What decides the Rust type of a schema, in words: `integer (u64) enum`. Nullability,
/// unique items and string constraints are compared on their own.
pub(super) fn describe(schema: &Value) -> String {
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
