//! Schemas for `spec-sync`: facts without Cisco's words, imports of the components new
//! operations use, and request schemas aligned with Cisco's (split off where one of ours serves
//! a request and a response).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::{Folder, Outcome};

const SCHEMA_REF: &str = "#/components/schemas/";

/// Keys of a schema that hold prose or samples, not facts.
fn is_prose(key: &str) -> bool {
    matches!(
        key,
        "description" | "example" | "examples" | "title" | "externalDocs" | "xml"
    ) || key.starts_with("x-")
}

/// A copy of `schema` without descriptions, examples, titles and extensions.
pub fn strip(schema: &Value) -> Value {
    strip_in(schema, false)
}

fn strip_in(value: &Value, names: bool) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, child) in map {
                if names {
                    // Inside `properties` every key is a field name, every value a schema.
                    out.insert(key.clone(), strip_in(child, false));
                } else if is_prose(key) {
                    continue;
                } else if matches!(key.as_str(), "enum" | "default" | "required") {
                    out.insert(key.clone(), child.clone());
                } else {
                    out.insert(key.clone(), strip_in(child, key == "properties"));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| strip_in(v, false)).collect()),
        other => other.clone(),
    }
}

/// Every component name `value` refers to.
fn refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(SCHEMA_REF))
            {
                out.insert(name.to_owned());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Components of Cisco's document that added operations use and the folder lacks.
pub struct Imports<'a> {
    up: &'a Value,
    existing: BTreeSet<String>,
    /// Name → the file that gets it (the file of the first operation that needed it).
    wanted: BTreeMap<String, String>,
}

impl<'a> Imports<'a> {
    pub fn new(up: &'a Value, existing: &BTreeMap<String, String>) -> Self {
        Self {
            up,
            existing: existing.keys().cloned().collect(),
            wanted: BTreeMap::new(),
        }
    }

    fn upstream(&self, name: &str) -> Option<&'a Value> {
        self.up.pointer(&format!(
            "/components/schemas/{}",
            crate::load::escape(name)
        ))
    }

    /// Notes the components `schema` uses, and the ones they use.
    pub fn need(&mut self, schema: &Value, file: &str) {
        let mut names = BTreeSet::new();
        refs(schema, &mut names);
        let mut queue: Vec<String> = names.into_iter().collect();
        while let Some(name) = queue.pop() {
            if self.existing.contains(&name) || self.wanted.contains_key(&name) {
                continue;
            }
            let Some(found) = self.upstream(&name) else {
                continue;
            };
            self.wanted.insert(name, file.to_owned());
            let mut more = BTreeSet::new();
            refs(found, &mut more);
            queue.extend(more);
        }
    }

    /// Writes the noted components into their files; returns how many.
    pub fn write(&mut self, folder: &mut Folder) -> usize {
        let mut count = 0;
        let wanted = std::mem::take(&mut self.wanted);
        self.existing.extend(wanted.keys().cloned());
        for (name, file) in &wanted {
            let Some(found) = self.upstream(name) else {
                continue;
            };
            let fragment = folder.fragment(file);
            let Some(doc) = fragment.doc.as_object_mut() else {
                continue;
            };
            let schemas = doc
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()));
            let Some(schemas) = schemas.as_object_mut().map(|c| {
                c.entry("schemas")
                    .or_insert_with(|| Value::Object(Map::new()))
            }) else {
                continue;
            };
            if let Some(schemas) = schemas.as_object_mut() {
                let mut schema = strip(found);
                if let Some(map) = schema.as_object_mut() {
                    map.insert("x-wxcc-origin".into(), Value::String(super::ORIGIN.into()));
                }
                schemas.insert(name.clone(), schema);
                fragment.changed = true;
                count += 1;
            }
            folder.schemas.insert(name.clone(), file.clone());
        }
        count
    }
}

/// Brings a parameter schema's type, format and enum to Cisco's; returns whether it changed.
pub fn update_facts(ours: &mut Value, theirs: &Value) -> bool {
    let (Some(ours), Some(theirs)) = (ours.as_object_mut(), theirs.as_object()) else {
        return false;
    };
    if theirs.contains_key("$ref") || ours.contains_key("$ref") {
        return false;
    }
    let mut changed = false;
    for key in ["type", "format", "enum"] {
        // `format: string` (or any format naming the type) says nothing.
        if key == "format" && theirs.get("format") == theirs.get("type") {
            continue;
        }
        match (ours.get(key), theirs.get(key)) {
            (a, Some(b)) if a != Some(b) => {
                ours.insert(key.into(), b.clone());
                changed = true;
            }
            _ => {}
        }
    }
    changed
}

/// The JSON schema of a body (`application/json` first, else the first media type).
fn body_schema(body: &Value) -> Option<&Value> {
    let content = body.get("content")?.as_object()?;
    content
        .get("application/json")
        .or_else(|| content.values().next())?
        .get("schema")
}

/// Follows `$ref`s into `doc`'s components.
fn resolve<'v>(doc: &'v Value, mut schema: &'v Value) -> Option<&'v Value> {
    for _ in 0..16 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(SCHEMA_REF))
        {
            Some(name) => {
                schema = doc.pointer(&format!(
                    "/components/schemas/{}",
                    crate::load::escape(name)
                ))?
            }
            None => return Some(schema),
        }
    }
    None
}

/// Components that some response of the folder refers to directly (or as array items).
pub fn response_schemas(folder: &Folder) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for fragment in folder.files.values() {
        let Some(paths) = fragment.doc.get("paths").and_then(Value::as_object) else {
            continue;
        };
        for item in paths.values() {
            for op in item.as_object().into_iter().flat_map(|i| i.values()) {
                if let Some(responses) = op.get("responses") {
                    refs(responses, &mut out);
                }
            }
        }
    }
    out
}

fn names(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Aligns the request schema of one of our operations with Cisco's: missing fields added,
/// required-ness taken over, and a request schema of its own where ours is shared with a
/// response and the two disagree. Returns notes for the report.
#[allow(clippy::too_many_arguments)]
pub fn align_request(
    folder: &mut Folder,
    file: &str,
    ours_path: &str,
    method: &str,
    op: &Value,
    up: &Value,
    responses: &BTreeSet<String>,
    imports: &mut Imports<'_>,
    outcome: &mut Outcome,
) -> Vec<String> {
    let mut notes = Vec::new();
    let Some(theirs) = op
        .get("requestBody")
        .and_then(body_schema)
        .and_then(|s| resolve(up, s))
    else {
        return notes;
    };
    let Some(their_props) = theirs.get("properties").and_then(Value::as_object) else {
        return notes;
    };
    let pointer = format!(
        "/paths/{}/{method}/requestBody",
        crate::load::escape(ours_path)
    );
    let Some(our_body) = folder
        .files
        .get(file)
        .and_then(|f| f.doc.pointer(&pointer))
        .cloned()
    else {
        return notes;
    };
    let Some(name) = body_schema(&our_body)
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(SCHEMA_REF))
        .map(str::to_owned)
    else {
        // An inline or non-object request body of ours: left as written.
        return notes;
    };
    let Some(schema_file) = folder.schemas.get(&name).cloned() else {
        return notes;
    };
    let schema_pointer = format!("/components/schemas/{}", crate::load::escape(&name));
    let Some(ours) = folder
        .files
        .get(&schema_file)
        .and_then(|f| f.doc.pointer(&schema_pointer))
        .cloned()
    else {
        return notes;
    };
    let Some(our_props) = ours.get("properties").and_then(Value::as_object) else {
        return notes;
    };

    let read_only: BTreeSet<&str> = their_props
        .iter()
        .filter(|(_, p)| p.get("readOnly") == Some(&Value::Bool(true)))
        .map(|(k, _)| k.as_str())
        .collect();
    let response_only: Vec<String> = our_props
        .keys()
        .filter(|k| !their_props.contains_key(*k) || read_only.contains(k.as_str()))
        .cloned()
        .collect();
    let missing: Vec<String> = their_props
        .keys()
        .filter(|k| !our_props.contains_key(*k) && !read_only.contains(k.as_str()))
        .cloned()
        .collect();
    let shared = responses.contains(&name);

    let mut request = ours.clone();
    if shared && let Some(props) = request.get_mut("properties").and_then(Value::as_object_mut) {
        for field in &response_only {
            props.remove(field);
        }
    }
    if let Some(props) = request.get_mut("properties").and_then(Value::as_object_mut) {
        for field in &missing {
            let facts = strip(&their_props[field]);
            imports.need(&facts, &schema_file);
            props.insert(field.clone(), facts);
        }
    }
    let kept: BTreeSet<String> = request
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    // Ours stay required too: where we require more than Cisco marks (the query of a Search),
    // our description says why, and loosening it would only move the error to the server.
    let had_required = names(ours.get("required"));
    let mut required: Vec<String> = had_required
        .iter()
        .filter(|r| kept.contains(*r))
        .cloned()
        .collect();
    for field in names(theirs.get("required")) {
        if kept.contains(&field) && !required.contains(&field) {
            required.push(field);
        }
    }
    if let Some(map) = request.as_object_mut() {
        if required.is_empty() {
            map.remove("required");
        } else {
            map.insert(
                "required".into(),
                Value::Array(required.iter().cloned().map(Value::String).collect()),
            );
        }
    }
    if request == ours {
        return notes;
    }
    let became_required: Vec<&String> = required
        .iter()
        .filter(|r| !had_required.contains(r))
        .collect();
    if !became_required.is_empty() {
        notes.push(format!(
            "request fields now required: {}",
            became_required
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !missing.is_empty() {
        notes.push(format!("request fields added: {}", missing.join(", ")));
    }

    if !shared {
        set_schema(folder, &schema_file, &name, request);
        return notes;
    }
    // Ours also types a response: the request gets a schema of its own.
    if let Some(map) = request.as_object_mut() {
        map.insert(
            "description".into(),
            Value::String(format!(
                "The fields of `{name}` a request sends; `{name}` itself is what responses carry (split by `cargo xtask spec-sync`)."
            )),
        );
    }
    let mut split = format!("{name}Request");
    if let Some(existing) = folder.schemas.get(&split).cloned() {
        let pointer = format!("/components/schemas/{}", crate::load::escape(&split));
        let same = folder
            .files
            .get(&existing)
            .and_then(|f| f.doc.pointer(&pointer))
            == Some(&request);
        if !same {
            split = format!("{name}{}Request", capitalized(method));
        }
    }
    set_schema(folder, &schema_file, &split, request);
    if let Some(body) = folder
        .fragment(file)
        .doc
        .pointer_mut(&format!("{pointer}/content"))
        .and_then(Value::as_object_mut)
    {
        for media in body.values_mut() {
            if let Some(schema) = media.get_mut("schema").and_then(Value::as_object_mut) {
                schema.insert("$ref".into(), Value::String(format!("{SCHEMA_REF}{split}")));
            }
        }
    }
    folder.fragment(file).changed = true;
    let left_out = response_only
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    outcome.split.push(format!(
        "{name} → {split} ({} {ours_path}){}",
        method.to_uppercase(),
        if left_out.is_empty() {
            String::new()
        } else {
            format!(": response-only fields left out: {left_out}")
        }
    ));
    notes.push(format!("request body now `{split}`"));
    notes
}

fn capitalized(method: &str) -> String {
    let mut chars = method.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn set_schema(folder: &mut Folder, file: &str, name: &str, schema: Value) {
    let fragment = folder.fragment(file);
    fragment.changed = true;
    if let Some(schemas) = fragment
        .doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.insert(name.to_owned(), schema);
    }
    folder.schemas.insert(name.to_owned(), file.to_owned());
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn strip_keeps_facts_and_fields_named_like_prose() {
        let schema = json!({
            "type": "object", "description": "theirs", "title": "T", "example": {"a": 1},
            "x-internal": true, "required": ["description"],
            "properties": {
                "description": {"type": "string", "description": "theirs", "maxLength": 5},
                "kind": {"type": "string", "enum": ["A"], "default": "A", "examples": ["A"]}
            }
        });
        assert_eq!(
            strip(&schema),
            json!({
                "type": "object", "required": ["description"],
                "properties": {
                    "description": {"type": "string", "maxLength": 5},
                    "kind": {"type": "string", "enum": ["A"], "default": "A"}
                }
            })
        );
    }

    #[test]
    fn parameter_facts_follow_theirs_but_keep_refs_alone() {
        let mut ours = json!({"type": "integer"});
        assert!(update_facts(
            &mut ours,
            &json!({"type": "string", "enum": ["a"]})
        ));
        assert_eq!(ours, json!({"type": "string", "enum": ["a"]}));
        assert!(!update_facts(
            &mut ours,
            &json!({"type": "string", "enum": ["a"]})
        ));
        let mut r = json!({"$ref": "#/components/schemas/X"});
        assert!(!update_facts(&mut r, &json!({"type": "string"})));
    }
}
