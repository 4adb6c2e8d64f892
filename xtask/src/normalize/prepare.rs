//! Puts every operation in one self-contained shape before the fixes look at it: shared
//! parameters, request bodies and responses referenced from `components` are copied into the
//! operations that use them, and path-level parameters move into each operation.
//!
//! This is not a defect fix (nothing is counted): it lets each fix change one operation without
//! changing another that shares the same component.

use serde_json::Value;

use super::{METHODS, operations};

/// Replaces `$ref`s to `components.parameters`, `components.requestBodies` and
/// `components.responses` inside operations with copies of their targets.
pub fn inline_component_refs(doc: &mut Value) {
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    for op in operations(doc) {
        let Some(operation) = op.get_mut(doc) else {
            continue;
        };
        if let Some(params) = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
        {
            for param in params {
                resolve(param, &components, "parameters");
            }
        }
        if let Some(body) = operation.get_mut("requestBody") {
            resolve(body, &components, "requestBodies");
        }
        if let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        {
            for response in responses.values_mut() {
                resolve(response, &components, "responses");
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
                for param in params {
                    resolve(param, &components, "parameters");
                }
            }
        }
    }
}

/// Follows a chain of references into one components section (at most a few hops, so a cycle
/// cannot loop forever; a dangling or cyclic reference is left for validation to report).
fn resolve(value: &mut Value, components: &Value, section: &str) {
    let prefix = format!("#/components/{section}/");
    for _ in 0..8 {
        let Some(name) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(&prefix))
        else {
            return;
        };
        let Some(target) = components.get(section).and_then(|s| s.get(name)) else {
            return;
        };
        *value = target.clone();
    }
}

/// Copies path-level parameters into every operation of the path, unless the operation
/// declares a parameter with the same name and location (which overrides it, per OpenAPI).
pub fn push_down_path_parameters(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let Some(Value::Array(shared)) = item.remove("parameters") else {
            continue;
        };
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let own = operation
                .entry("parameters")
                .or_insert_with(|| Value::Array(Vec::new()));
            let Some(own) = own.as_array_mut() else {
                continue;
            };
            for param in &shared {
                let key = (param.get("name"), param.get("in"));
                if !own.iter().any(|p| (p.get("name"), p.get("in")) == key) {
                    own.push(param.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::test_support::doc;

    #[test]
    fn shared_components_are_copied_into_operations() {
        let mut d = doc(json!({"/x/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "get": {
                "parameters": [{"$ref": "#/components/parameters/Page"}],
                "responses": {"404": {"$ref": "#/components/responses/NotFound"}}
            }
        }}));
        d["components"] = json!({
            "parameters": {"Page": {"name": "page", "in": "query", "schema": {"type": "integer"}}},
            "responses": {"NotFound": {"description": "missing"}}
        });
        inline_component_refs(&mut d);
        push_down_path_parameters(&mut d);
        let op = &d["paths"]["/x/{id}"]["get"];
        assert_eq!(op["parameters"][0]["name"], "page");
        assert_eq!(op["parameters"][1]["name"], "id");
        assert_eq!(op["responses"]["404"]["description"], "missing");
        assert!(d["paths"]["/x/{id}"].get("parameters").is_none());
    }
}
