//! Operations whose path template and path parameters disagree.
//!
//! Progenitor builds the URL from the template and panics ("missing path name mapping") on a
//! `{variable}` that no path parameter declares. Such a variable is plainly a value the caller
//! must supply, so it gets a required string parameter of that name. The other direction, a
//! path parameter whose name is not in the template, can never be sent: it is dropped.
//!
//! Runs after path-level parameters have been pushed down into the operations, so a variable
//! declared once for the whole path counts as declared.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{Defect, Report, operations};

/// Adds a parameter for every undeclared path variable and drops path parameters the template
/// does not name.
pub fn fix(doc: &mut Value, report: &mut Report) {
    for op in operations(doc) {
        let label = op.label(doc);
        let variables = variables(&op.path);
        let Some(operation) = op.get_mut(doc).and_then(Value::as_object_mut) else {
            continue;
        };
        if variables.is_empty() && !operation.contains_key("parameters") {
            continue;
        }
        let params = operation
            .entry("parameters")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Some(params) = params.as_array_mut() else {
            continue;
        };
        let mut notes = Vec::new();
        params.retain(|p| {
            let Some(name) = path_name(p) else {
                return true;
            };
            let known = variables.iter().any(|v| v == name);
            if !known {
                notes.push(format!(
                    "path parameter `{name}` is not in the path template; dropped"
                ));
            }
            known
        });
        let declared: BTreeSet<String> = params
            .iter()
            .filter_map(path_name)
            .map(str::to_owned)
            .collect();
        for variable in &variables {
            if declared.contains(variable) {
                continue;
            }
            params.push(json!({
                "name": variable,
                "in": "path",
                "required": true,
                "schema": {"type": "string"}
            }));
            notes.push(format!(
                "path variable `{{{variable}}}` has no parameter; added a required string parameter"
            ));
        }
        for note in notes {
            report.fix(Defect::PathParameterMismatch, label.clone(), note);
        }
    }
}

/// The name of a path parameter, `None` for a parameter elsewhere (or a `$ref` left
/// unresolved, which validation reports).
fn path_name(param: &Value) -> Option<&str> {
    if param.get("in").and_then(Value::as_str) != Some("path") {
        return None;
    }
    param.get("name").and_then(Value::as_str)
}

/// The `{variables}` of a path template, in order, each once.
fn variables(path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        let name = &after[..close];
        if !name.is_empty() && !out.iter().any(|v| v == name) {
            out.push(name.to_owned());
        }
        rest = &after[close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::test_support::doc;

    fn path_param(name: &str) -> Value {
        json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
    }

    #[test]
    fn an_undeclared_variable_gets_a_required_string_parameter() {
        let mut d = doc(json!({"/codes/{codeId}/items/{itemId}": {"put": {
            "parameters": [path_param("itemId"), {"name": "q", "in": "query", "schema": {"type": "string"}}],
            "responses": {"204": {"description": "ok"}}
        }}}));
        let mut report = Report::default();
        fix(&mut d, &mut report);
        let params = d["paths"]["/codes/{codeId}/items/{itemId}"]["put"]["parameters"]
            .as_array()
            .unwrap();
        assert_eq!(params.len(), 3);
        assert_eq!(params[2], path_param("codeId"));
        assert_eq!(report.count(Defect::PathParameterMismatch), 1);
        assert_eq!(
            report.fixes[0].place,
            "PUT /codes/{codeId}/items/{itemId} (no operationId)"
        );
        assert!(report.fixes[0].note.contains("`{codeId}`"));
    }

    #[test]
    fn an_operation_without_parameters_gets_them_and_extra_ones_are_dropped() {
        let mut d = doc(json!({
            "/a/{id}": {"get": {"responses": {"204": {"description": "ok"}}}},
            "/b": {"get": {"parameters": [path_param("id")], "responses": {"204": {"description": "ok"}}}}
        }));
        let mut report = Report::default();
        fix(&mut d, &mut report);
        assert_eq!(
            d["paths"]["/a/{id}"]["get"]["parameters"],
            json!([path_param("id")])
        );
        assert_eq!(d["paths"]["/b"]["get"]["parameters"], json!([]));
        assert_eq!(report.count(Defect::PathParameterMismatch), 2);
    }

    #[test]
    fn agreeing_operations_are_left_alone() {
        let mut d = doc(json!({"/a/{id}": {"get": {
            "parameters": [path_param("id")], "responses": {"204": {"description": "ok"}}
        }}}));
        let before = d.clone();
        let mut report = Report::default();
        fix(&mut d, &mut report);
        assert_eq!(d, before);
        assert!(report.fixes.is_empty());
    }

    #[test]
    fn variables_are_read_in_order_once() {
        assert_eq!(variables("/a/{x}/b/{y}/{x}"), ["x", "y"]);
        assert_eq!(variables("/a/{}/{open"), Vec::<String>::new());
    }
}
