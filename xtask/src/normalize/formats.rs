//! Schemas with a `format` but no `type` (`{format: uuid}`), on which typify stops.
//!
//! The type follows from the format: `int32`/`int64` are integers, `float`/`double` numbers,
//! anything else (`uuid`, `date-time`, `byte`, `email`, ...) a string.

use serde_json::Value;

use super::{Defect, Report, walk_schemas};

/// Adds the implied `type` to every schema that has only a `format`.
pub fn fix(doc: &mut Value, report: &mut Report) {
    let mut found = Vec::new();
    walk_schemas(doc, &mut String::new(), &mut |schema, at| {
        let Some(format) = schema.get("format").and_then(Value::as_str) else {
            return;
        };
        let composite = [
            "type",
            "$ref",
            "allOf",
            "oneOf",
            "anyOf",
            "properties",
            "items",
        ]
        .iter()
        .any(|k| schema.contains_key(*k));
        if composite {
            return;
        }
        let ty = match format {
            "int32" | "int64" => "integer",
            "float" | "double" => "number",
            _ => "string",
        };
        found.push((
            at.to_owned(),
            format!("`format: {format}` without a type; added `type: {ty}`"),
        ));
        schema.insert("type".into(), Value::String(ty.into()));
    });
    for (at, note) in found {
        report.fix(Defect::FormatWithoutType, format!("#{at}"), note);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::test_support::doc_with_schemas;

    #[test]
    fn the_type_is_implied_by_the_format() {
        let mut d = doc_with_schemas(
            json!({}),
            json!({
                "Sub": {"type": "object", "properties": {
                    "subscriptionId": {"format": "uuid"},
                    "count": {"format": "int64"},
                    "ratio": {"format": "double"},
                    "format": {"type": "string"},
                    "fine": {"type": "string", "format": "date-time"}
                }}
            }),
        );
        let mut report = Report::default();
        fix(&mut d, &mut report);
        let props = &d["components"]["schemas"]["Sub"]["properties"];
        assert_eq!(props["subscriptionId"]["type"], "string");
        assert_eq!(props["count"]["type"], "integer");
        assert_eq!(props["ratio"]["type"], "number");
        assert_eq!(report.count(Defect::FormatWithoutType), 3);
        assert!(
            report.fixes[0]
                .place
                .starts_with("#/components/schemas/Sub/properties/")
        );
    }
}
