//! Schemas that typify would give the same Rust type name, which makes the generated code
//! define a type twice.
//!
//! Typify names a component schema after its key in PascalCase (`location` and `Location` both
//! become `Location`), and an inline object or enum after its `title`, or else after its parent
//! and property (`Event.data` becomes `EventData`, which collides with a component `eventData`).
//! The normalizer renames the colliding component schemas (`location` → `location2`, so the type
//! becomes `Location2`) and rewrites every `$ref` to them. In a group of components, the one
//! already spelled in PascalCase keeps its name.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToPascalCase;
use serde_json::Value;

use super::{Defect, Report, ident_key};
use crate::load::escape;

/// Renames component schemas whose Rust type names collide.
pub fn fix(doc: &mut Value, report: &mut Report) {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    let names: Vec<String> = schemas.keys().cloned().collect();

    // Type names typify derives for inline schemas, which cannot be renamed.
    let mut inline = BTreeSet::new();
    for (name, schema) in schemas {
        inline_names(schema, &name.to_pascal_case(), true, &mut inline);
    }

    // Group components by the identifier their type name reduces to.
    let mut groups: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for name in &names {
        groups
            .entry(ident_key(&name.to_pascal_case()))
            .or_default()
            .push(name);
    }
    let mut taken: BTreeSet<String> = groups.keys().cloned().collect();
    taken.extend(inline.iter().map(|n| ident_key(n)));

    let mut renames: Vec<(String, String, &'static str)> = Vec::new();
    for (key, mut members) in groups {
        // A PascalCase spelling keeps the name; ties keep document order.
        members.sort_by_key(|n| !n.chars().next().is_some_and(char::is_uppercase));
        let keep_first = !inline.iter().any(|n| ident_key(n) == key);
        let (kept, renamed) = if keep_first {
            members.split_at(1)
        } else {
            members.split_at(0)
        };
        let reason = if kept.is_empty() {
            "an inline type"
        } else {
            "another schema"
        };
        for old in renamed {
            let mut n = 2;
            let mut new = format!("{old}{n}");
            while !taken.insert(ident_key(&new.to_pascal_case())) {
                n += 1;
                new = format!("{old}{n}");
            }
            renames.push(((*old).clone(), new, reason));
        }
    }
    if renames.is_empty() {
        return;
    }

    let map: BTreeMap<String, String> = renames
        .iter()
        .map(|(old, new, _)| {
            (
                format!("#/components/schemas/{}", escape(old)),
                format!("#/components/schemas/{}", escape(new)),
            )
        })
        .collect();
    rewrite_refs(doc, &map);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        let old = std::mem::take(schemas);
        for (name, schema) in old {
            let name = renames
                .iter()
                .find(|(o, _, _)| *o == name)
                .map_or(name, |(_, n, _)| n.clone());
            schemas.insert(name, schema);
        }
    }
    for (old, new, reason) in renames {
        report.fix(
            Defect::CollidingTypeNames,
            format!("#/components/schemas/{}", escape(&old)),
            format!(
                "type name `{}` collides with {reason}; schema renamed to `{new}`",
                old.to_pascal_case()
            ),
        );
    }
}

/// Collects the names typify gives to inline schemas under `schema`, named `name`.
fn inline_names(schema: &Value, name: &str, root: bool, out: &mut BTreeSet<String>) {
    if schema.get("$ref").is_some() {
        return;
    }
    let own = match schema.get("title").and_then(Value::as_str) {
        Some(title) if !root => title.to_pascal_case(),
        _ => name.to_owned(),
    };
    let named_type = schema.get("properties").is_some() || schema.get("enum").is_some();
    if !root && named_type {
        out.insert(own.clone());
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (prop, child) in properties {
            inline_names(
                child,
                &format!("{own}{}", prop.to_pascal_case()),
                false,
                out,
            );
        }
    }
    if let Some(items) = schema.get("items") {
        inline_names(items, &format!("{own}Item"), false, out);
    }
}

fn rewrite_refs(value: &mut Value, map: &BTreeMap<String, String>) {
    match value {
        Value::Object(obj) => {
            if let Some(Value::String(target)) = obj.get_mut("$ref")
                && let Some(new) = map.get(target.as_str())
            {
                *target = new.clone();
            }
            for child in obj.values_mut() {
                rewrite_refs(child, map);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|c| rewrite_refs(c, map)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::test_support::doc_with_schemas;

    #[test]
    fn colliding_schema_names_are_renamed_and_refs_follow() {
        let mut d = doc_with_schemas(
            json!({"/x": {"get": {"responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/location"}}
            }}}}}}),
            json!({
                "location": {"type": "object", "properties": {"id": {"type": "string"}}},
                "Location": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Event": {"type": "object", "properties": {"data": {"type": "object", "properties": {"id": {"type": "string"}}}}},
                "eventData": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/location"}}}
            }),
        );
        let mut report = Report::default();
        fix(&mut d, &mut report);
        let schemas = d["components"]["schemas"].as_object().unwrap();
        let keys: Vec<&str> = schemas.keys().map(String::as_str).collect();
        assert_eq!(keys, ["location2", "Location", "Event", "eventData2"]);
        assert_eq!(
            d["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/location2"
        );
        assert_eq!(
            schemas["eventData2"]["properties"]["x"]["$ref"],
            "#/components/schemas/location2"
        );
        assert_eq!(report.count(Defect::CollidingTypeNames), 2);
    }
}
