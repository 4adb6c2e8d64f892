//! Enum values that typify would turn into the same Rust variant name (`STRING` and `String`,
//! `in-progress` and `in_progress`), on which it panics.
//!
//! Folding the values together would make the client reject one of the spellings the server
//! sends, so the enum is opened instead: the schema keeps its type (string) and drops the closed
//! list, and the values are kept in `x-wxcc-enum-values` for readers of the spec.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Defect, Report, ident_key, walk_schemas};

/// Opens every enum whose values collide as Rust names.
pub fn fix(doc: &mut Value, report: &mut Report) {
    let mut found = Vec::new();
    walk_schemas(doc, &mut String::new(), &mut |schema, at| {
        let Some(values) = schema.get("enum").and_then(Value::as_array) else {
            return;
        };
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        let mut collision = None;
        for value in values.iter().filter_map(Value::as_str) {
            if let Some(previous) = seen.insert(ident_key(value), value) {
                collision = Some(format!("`{previous}` and `{value}`"));
                break;
            }
        }
        let Some(collision) = collision else { return };
        if let Some(values) = schema.remove("enum") {
            schema.insert("x-wxcc-enum-values".into(), values);
        }
        schema
            .entry("type")
            .or_insert_with(|| Value::String("string".into()));
        found.push((
            at.to_owned(),
            format!("enum values {collision} collide as Rust names; opened to a string"),
        ));
    });
    for (at, note) in found {
        report.fix(Defect::CollidingEnumValues, format!("#{at}"), note);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::test_support::doc_with_schemas;

    #[test]
    fn colliding_enums_become_strings_and_others_stay() {
        let mut d = doc_with_schemas(
            json!({}),
            json!({
                "Var": {"type": "object", "properties": {
                    "variableType": {"type": "string", "enum": ["STRING", "String", "INTEGER", "Integer"]},
                    "state": {"type": "string", "enum": ["in-progress", "in_progress"]},
                    "fine": {"type": "string", "enum": ["a", "b"]}
                }}
            }),
        );
        let mut report = Report::default();
        fix(&mut d, &mut report);
        let props = &d["components"]["schemas"]["Var"]["properties"];
        assert!(props["variableType"].get("enum").is_none());
        assert_eq!(props["variableType"]["type"], "string");
        assert_eq!(props["variableType"]["x-wxcc-enum-values"][1], "String");
        assert!(props["state"].get("enum").is_none());
        assert_eq!(props["fine"]["enum"], json!(["a", "b"]));
        assert_eq!(report.count(Defect::CollidingEnumValues), 2);
    }
}
