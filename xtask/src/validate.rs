//! Checks that a document is an OpenAPI 3.0 description progenitor can read, and turns the
//! failures into errors that name the file and the place.

use serde_json::Value;

use crate::error::Result;
use crate::load::{Spec, escape};

/// Checks the `openapi` version field.
pub fn check_version(spec: &Spec) -> Result<()> {
    let version = spec.doc.get("openapi").and_then(Value::as_str);
    match version {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) if v.starts_with("3.1") => Err(spec.error_at(
            "/openapi",
            format!(
                "OpenAPI {v} is not supported; progenitor reads OpenAPI 3.0.x only. \
                 Convert the document to 3.0 first"
            ),
        )),
        Some(v) => Err(spec.error_at(
            "/openapi",
            format!("OpenAPI version `{v}` is not supported; expected 3.0.x"),
        )),
        None if spec.doc.get("swagger").is_some() => Err(spec.error_at(
            "/swagger",
            "this is a Swagger 2.0 document; convert it to OpenAPI 3.0 first",
        )),
        None => Err(spec.error_at(
            "",
            "not an OpenAPI document: there is no `openapi` version field",
        )),
    }
}

/// Checks that every `$ref` points inside the document at something that exists.
pub fn check_refs(spec: &Spec) -> Result<()> {
    let mut problem = None;
    walk_refs(&spec.doc, &mut String::new(), &mut |at, target| {
        if problem.is_some() {
            return;
        }
        let Some(pointer) = target.strip_prefix('#') else {
            problem = Some(spec.error_at(
                at,
                format!(
                    "`$ref: {target}` points outside the document; bundle external files first"
                ),
            ));
            return;
        };
        if spec.doc.pointer(pointer).is_none() {
            problem = Some(spec.error_at(at, format!("`$ref: {target}` points at nothing")));
        }
    });
    problem.map_or(Ok(()), Err)
}

fn walk_refs(value: &Value, at: &mut String, visit: &mut impl FnMut(&str, &str)) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                visit(at, target);
            }
            for (key, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&escape(key));
                walk_refs(child, at, visit);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                walk_refs(child, at, visit);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Reads the document into `openapiv3`'s types, reporting the place of a structural error.
pub fn typed(spec: &Spec) -> Result<openapiv3::OpenAPI> {
    serde_path_to_error::deserialize(&spec.doc).map_err(|e| {
        use serde_path_to_error::Segment;
        let mut pointer = String::new();
        for segment in e.path().iter() {
            match segment {
                Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                Segment::Map { key } => pointer.push_str(&format!("/{}", escape(key))),
                Segment::Enum { variant } => pointer.push_str(&format!("/{}", escape(variant))),
                Segment::Unknown => pointer.push_str("/?"),
            }
        }
        spec.error_at(
            &pointer,
            format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
        )
    })
}

/// Keys that `openapiv3` would silently ignore but that a strict OpenAPI 3.0 validator rejects:
/// unknown keys in path items, operations and responses (usually an indentation slip that
/// moves a response out of `responses`), and response codes that are not codes.
pub fn lint(spec: &Spec) -> Vec<String> {
    const PATH_ITEM: &[&str] = &[
        "summary",
        "description",
        "servers",
        "parameters",
        "$ref",
        "get",
        "put",
        "post",
        "delete",
        "options",
        "head",
        "patch",
        "trace",
    ];
    const OPERATION: &[&str] = &[
        "tags",
        "summary",
        "description",
        "externalDocs",
        "operationId",
        "parameters",
        "requestBody",
        "responses",
        "callbacks",
        "deprecated",
        "security",
        "servers",
    ];
    const RESPONSE: &[&str] = &["description", "headers", "content", "links", "$ref"];
    let allowed = |key: &str, list: &[&str]| key.starts_with("x-") || list.contains(&key);
    let mut problems = Vec::new();
    let mut problem = |pointer: String, message: String| {
        problems.push(format!(
            "{}: {pointer}: {message}",
            spec.file_of(&pointer).display()
        ));
    };
    let Some(paths) = spec.doc.get("paths").and_then(Value::as_object) else {
        return problems;
    };
    for (path, item) in paths {
        let item_pointer = format!("/paths/{}", escape(path));
        let Some(item) = item.as_object() else {
            continue;
        };
        for key in item.keys().filter(|k| !allowed(k, PATH_ITEM)) {
            problem(
                item_pointer.clone(),
                format!("unknown path item key `{key}`"),
            );
        }
        for method in crate::normalize::METHODS {
            let Some(op) = item.get(method).and_then(Value::as_object) else {
                continue;
            };
            let op_pointer = format!("{item_pointer}/{method}");
            for key in op.keys().filter(|k| !allowed(k, OPERATION)) {
                problem(op_pointer.clone(), format!("unknown operation key `{key}`"));
            }
            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                problem(op_pointer, "operation has no `responses`".into());
                continue;
            };
            for (status, response) in responses {
                let code = status == "default"
                    || (status.len() == 3
                        && status.starts_with(['1', '2', '3', '4', '5'])
                        && status[1..]
                            .chars()
                            .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x'));
                let response_pointer = format!("{op_pointer}/responses/{}", escape(status));
                if !code {
                    problem(
                        response_pointer.clone(),
                        format!("`{status}` is not a response code"),
                    );
                }
                let Some(response) = response.as_object() else {
                    continue;
                };
                for key in response.keys().filter(|k| !allowed(k, RESPONSE)) {
                    problem(
                        response_pointer.clone(),
                        format!("unknown response key `{key}`"),
                    );
                }
                if !response.contains_key("description") && !response.contains_key("$ref") {
                    problem(response_pointer, "response has no `description`".into());
                }
            }
        }
    }
    problems
}

/// All three checks, in the order that gives the clearest message first.
pub fn check(spec: &Spec) -> Result<openapiv3::OpenAPI> {
    check_version(spec)?;
    check_refs(spec)?;
    typed(spec)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec(doc: Value) -> Spec {
        Spec::from_value("tiny.yaml", doc)
    }

    #[test]
    fn versions_other_than_3_0_are_refused_with_a_reason() {
        let e = check(&spec(json!({"openapi": "3.1.0"})))
            .unwrap_err()
            .to_string();
        assert!(e.contains("tiny.yaml") && e.contains("3.0.x only"), "{e}");
        let e = check(&spec(json!({"swagger": "2.0"})))
            .unwrap_err()
            .to_string();
        assert!(e.contains("Swagger 2.0"), "{e}");
        let e = check(&spec(json!({"hello": "world"})))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not an OpenAPI document"), "{e}");
    }

    #[test]
    fn a_dangling_ref_names_where_it_is_used() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Missing"}}}
            }}}}}
        });
        let e = check(&spec(doc)).unwrap_err().to_string();
        assert!(
            e.contains("/paths/~1x/get/responses/200/content/application~1json/schema"),
            "{e}"
        );
        assert!(
            e.contains("#/components/schemas/Missing` points at nothing"),
            "{e}"
        );
    }

    #[test]
    fn misplaced_keys_are_linted() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {
                "responses": {"200": {"description": "ok"}},
                "400": {"description": "bad"}
            }}}
        });
        let problems = lint(&spec(doc));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("/paths/~1x/get: unknown operation key `400`"),
            "{problems:?}"
        );
    }

    #[test]
    fn structural_errors_name_the_place() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"responses": {"200": {"description": 5}}}}}
        });
        let e = check(&spec(doc)).unwrap_err().to_string();
        assert!(e.contains("not a valid OpenAPI 3.0 document"), "{e}");
        assert!(e.contains("/paths"), "{e}");
    }
}
