//! Fixes for classes of spec defects that make progenitor fail or generate poor code.
//!
//! Each fix is a small function over the JSON document that knows one class of defect, never a
//! particular path or operation, so it works on any spec with the same kind of problem. Every
//! change is recorded in a [`Report`]: how many of each class, and which operations changed or
//! were left out and why.

mod defaults;
mod enums;
mod formats;
mod identical_schemas;
mod media_types;
mod operation_ids;
mod parameters;
mod path_parameters;
mod prepare;
mod responses;
mod type_names;
mod unsupported_bodies;

pub use operation_ids::{Naming, derived_name, duplicate_names, numbers_ties};

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// The classes of defect the normalizer knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Defect {
    /// Two operations share an `operationId` (or one has none).
    DuplicateOperationId,
    /// The spec numbers ids to break ties (`getConfig_8`); every operation is named from its
    /// method and path instead.
    NumberedOperationIds,
    /// A schema has `format` but no `type`.
    FormatWithoutType,
    /// Enum values that become the same Rust identifier (`STRING` and `String`).
    CollidingEnumValues,
    /// Schemas that become the same Rust type name (`location` and `Location`).
    CollidingTypeNames,
    /// A request or response offers several media types.
    SeveralMediaTypes,
    /// A JSON body declared as `*/*`, `+json` or `hal+json` instead of `application/json`.
    JsonMediaTypeVariant,
    /// A media type entry without a schema.
    MediaTypeWithoutSchema,
    /// A JSON body typed as a plain string although it carries a JSON document.
    StringTypedJsonBody,
    /// An operation with success responses of different kinds or schemas.
    SeveralSuccessTypes,
    /// An operation with error responses of different kinds or schemas.
    SeveralErrorTypes,
    /// A parameter progenitor cannot express as a builder argument (an object-typed parameter,
    /// or a name that collides with another parameter or the body).
    CollidingParameter,
    /// A request body in a form progenitor cannot send (multipart); the operation is left out.
    UnsupportedRequestBody,
    /// A `default` that is not a value of its own schema (a sentence outside the `enum`, a
    /// boolean written as a string): dropped.
    NonConformingDefault,
    /// A path `{variable}` no parameter declares (given a required string parameter), or a path
    /// parameter the template does not name (dropped).
    PathParameterMismatch,
    /// Responses of one class whose schemas are equal apart from documentation (`ApiError400`,
    /// `ApiError404`, ...): pointed at the first one's schema, so the statuses share one type.
    IdenticalSchemas,
}

impl Defect {
    /// Every class, in report order.
    pub const ALL: [Defect; 16] = [
        Defect::DuplicateOperationId,
        Defect::NumberedOperationIds,
        Defect::FormatWithoutType,
        Defect::CollidingEnumValues,
        Defect::CollidingTypeNames,
        Defect::SeveralMediaTypes,
        Defect::JsonMediaTypeVariant,
        Defect::MediaTypeWithoutSchema,
        Defect::StringTypedJsonBody,
        Defect::SeveralSuccessTypes,
        Defect::SeveralErrorTypes,
        Defect::CollidingParameter,
        Defect::UnsupportedRequestBody,
        Defect::NonConformingDefault,
        Defect::PathParameterMismatch,
        Defect::IdenticalSchemas,
    ];

    /// A short human name for the report.
    pub fn label(self) -> &'static str {
        match self {
            Defect::DuplicateOperationId => "duplicate or missing operationId",
            Defect::NumberedOperationIds => "tie-breaking numbers in operationIds (renamed)",
            Defect::FormatWithoutType => "format without type",
            Defect::CollidingEnumValues => "enum values colliding as Rust names",
            Defect::CollidingTypeNames => "schema names colliding as Rust types",
            Defect::SeveralMediaTypes => "several media types",
            Defect::JsonMediaTypeVariant => "*/*, +json or hal+json media type",
            Defect::MediaTypeWithoutSchema => "media type without schema",
            Defect::StringTypedJsonBody => "JSON body typed as string",
            Defect::SeveralSuccessTypes => "several success response types",
            Defect::SeveralErrorTypes => "several error response types",
            Defect::CollidingParameter => "parameter colliding with generated ones",
            Defect::UnsupportedRequestBody => "multipart or other unsupported body (skipped)",
            Defect::NonConformingDefault => "default outside its schema (dropped)",
            Defect::PathParameterMismatch => "path template and path parameters disagree",
            Defect::IdenticalSchemas => "identical response schemas under different names (shared)",
        }
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One change the normalizer made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// The class of defect.
    pub defect: Defect,
    /// Where: `METHOD /path (operationId)` or a JSON pointer to a schema.
    pub place: String,
    /// What was done.
    pub note: String,
}

/// An operation left out of the generated client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// `METHOD /path (operationId)`.
    pub operation: String,
    /// Why progenitor cannot express it.
    pub reason: String,
}

/// What the normalizer did to one document.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Every change, in the order made.
    pub fixes: Vec<Fix>,
    /// Operations left out.
    pub skipped: Vec<Skipped>,
    /// Operations in the document after normalization.
    pub operations: usize,
}

impl Report {
    pub(crate) fn fix(
        &mut self,
        defect: Defect,
        place: impl Into<String>,
        note: impl Into<String>,
    ) {
        self.fixes.push(Fix {
            defect,
            place: place.into(),
            note: note.into(),
        });
    }

    /// How many fixes of a class were made.
    pub fn count(&self, defect: Defect) -> usize {
        self.fixes.iter().filter(|f| f.defect == defect).count()
    }

    /// Fixes grouped by the operation (or schema) they changed.
    pub fn by_place(&self) -> BTreeMap<&str, Vec<&Fix>> {
        let mut map: BTreeMap<&str, Vec<&Fix>> = BTreeMap::new();
        for fix in &self.fixes {
            map.entry(fix.place.as_str()).or_default().push(fix);
        }
        map
    }

    /// Counts per class, one line each, then the skipped operations.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for defect in Defect::ALL {
            out.push_str(&format!(
                "  {:>5}  {}\n",
                self.count(defect),
                defect.label()
            ));
        }
        for skip in &self.skipped {
            out.push_str(&format!("  skipped {}: {}\n", skip.operation, skip.reason));
        }
        out
    }

    /// Every change, one line each, for `--verbose`.
    pub fn details(&self) -> String {
        let mut out = String::new();
        for (place, fixes) in self.by_place() {
            out.push_str(&format!("  {place}\n"));
            for fix in fixes {
                out.push_str(&format!("    - [{}] {}\n", fix.defect.label(), fix.note));
            }
        }
        out
    }
}

/// Applies every fix, naming operations the [`Naming::Auto`] way.
pub fn normalize(doc: &mut Value) -> Report {
    normalize_with(doc, Naming::Auto)
}

/// Applies every fix, in an order where each sees the result of the ones it depends on.
pub fn normalize_with(doc: &mut Value, naming: Naming) -> Report {
    let mut report = Report::default();
    prepare::inline_component_refs(doc);
    prepare::push_down_path_parameters(doc);
    path_parameters::fix(doc, &mut report);
    operation_ids::fix(doc, naming, &mut report);
    formats::fix(doc, &mut report);
    defaults::fix(doc, &mut report);
    enums::fix(doc, &mut report);
    type_names::fix(doc, &mut report);
    media_types::fix_several(doc, &mut report);
    media_types::fix_json_variants(doc, &mut report);
    media_types::fix_missing_schema(doc, &mut report);
    media_types::fix_string_bodies(doc, &mut report);
    unsupported_bodies::fix(doc, &mut report);
    responses::fix(doc, &mut report);
    parameters::fix(doc, &mut report);
    report.operations = operations(doc).len();
    report
}

/// The HTTP methods a path item can hold, in the order progenitor reads them.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Where one operation sits in the document.
#[derive(Clone, Debug)]
pub(crate) struct OpRef {
    pub path: String,
    pub method: &'static str,
}

impl OpRef {
    pub fn get<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        doc.get("paths")?.get(&self.path)?.get(self.method)
    }

    pub fn get_mut<'a>(&self, doc: &'a mut Value) -> Option<&'a mut Value> {
        doc.get_mut("paths")?
            .get_mut(&self.path)?
            .get_mut(self.method)
    }

    /// `GET /path (operationId)`, for the report.
    pub fn label(&self, doc: &Value) -> String {
        let id = self
            .get(doc)
            .and_then(|op| op.get("operationId"))
            .and_then(Value::as_str)
            .unwrap_or("no operationId");
        format!("{} {} ({id})", self.method.to_uppercase(), self.path)
    }
}

/// Every operation in the document, in document order.
pub(crate) fn operations(doc: &Value) -> Vec<OpRef> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if item.get(method).is_some_and(Value::is_object) {
                out.push(OpRef {
                    path: path.clone(),
                    method,
                });
            }
        }
    }
    out
}

/// Calls `visit` on every schema-like object of the document, skipping example values, enum
/// lists, defaults and extensions, which hold data rather than schemas. Inside a `properties`
/// mapping every key is a property name, so nothing is skipped there.
pub(crate) fn walk_schemas(
    value: &mut Value,
    at: &mut String,
    visit: &mut impl FnMut(&mut serde_json::Map<String, Value>, &str),
) {
    walk(value, at, false, visit);
}

fn walk(
    value: &mut Value,
    at: &mut String,
    names_only: bool,
    visit: &mut impl FnMut(&mut serde_json::Map<String, Value>, &str),
) {
    match value {
        Value::Object(map) => {
            if !names_only {
                visit(map, at);
            }
            for (key, child) in map.iter_mut() {
                let data = matches!(key.as_str(), "example" | "examples" | "default" | "enum")
                    || key.starts_with("x-");
                if data && !names_only {
                    continue;
                }
                let len = at.len();
                at.push('/');
                at.push_str(&crate::load::escape(key));
                let children_are_names = !names_only && key == "properties";
                walk(child, at, children_are_names, visit);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                walk(child, at, false, visit);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// A name reduced to what survives in a Rust identifier: lower-case letters and digits.
pub(crate) fn ident_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
pub(crate) mod test_support {
    use serde_json::{Value, json};

    /// A tiny valid document around the given paths.
    pub fn doc(paths: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "tiny", "version": "1"}, "paths": paths})
    }

    /// A tiny document with paths and component schemas.
    pub fn doc_with_schemas(paths: Value, schemas: Value) -> Value {
        let mut d = doc(paths);
        d["components"] = json!({"schemas": schemas});
        d
    }
}
