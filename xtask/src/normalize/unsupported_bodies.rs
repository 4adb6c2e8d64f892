//! Request bodies progenitor cannot send (`multipart/form-data` and other media types outside
//! its list). Such operations are left out of the generated client and listed in the report;
//! the facades hand-write the few that matter.

use serde_json::Value;

use super::{Defect, Report, Skipped, operations};

/// Media types progenitor can send as a request body.
const SENDABLE: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// Removes every operation whose request body has no sendable media type.
pub fn fix(doc: &mut Value, report: &mut Report) {
    for op in operations(doc) {
        let Some(content) = op
            .get(doc)
            .and_then(|o| o.get("requestBody"))
            .and_then(|b| b.get("content"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        if content.keys().any(|m| SENDABLE.contains(&m.as_str())) {
            continue;
        }
        let media: Vec<&str> = content.keys().map(String::as_str).collect();
        let reason = format!(
            "request body is {}, which progenitor cannot send",
            media
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let label = op.label(doc);
        report.fix(
            Defect::UnsupportedRequestBody,
            label.clone(),
            format!("left out: {reason}"),
        );
        report.skipped.push(Skipped {
            operation: label,
            reason,
        });
        if let Some(item) = doc
            .get_mut("paths")
            .and_then(|p| p.get_mut(&op.path))
            .and_then(Value::as_object_mut)
        {
            item.remove(op.method);
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        paths.retain(|_, item| {
            item.as_object()
                .is_none_or(|i| super::METHODS.iter().any(|m| i.contains_key(*m)))
        });
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::test_support::doc;

    #[test]
    fn multipart_operations_are_skipped_and_listed() {
        let mut d = doc(json!({
            "/audio": {"post": {
                "operationId": "uploadAudio",
                "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
                "responses": {"201": {"description": "ok"}}
            }},
            "/audio/{id}": {
                "put": {
                    "operationId": "replaceAudio",
                    "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
                    "responses": {"200": {"description": "ok"}}
                },
                "get": {"operationId": "getAudio", "responses": {"200": {"description": "ok"}}}
            }
        }));
        let mut report = Report::default();
        fix(&mut d, &mut report);
        assert!(
            d["paths"].get("/audio").is_none(),
            "an emptied path goes too"
        );
        assert!(d["paths"]["/audio/{id}"].get("put").is_none());
        assert!(d["paths"]["/audio/{id}"].get("get").is_some());
        assert_eq!(report.count(Defect::UnsupportedRequestBody), 2);
        assert_eq!(report.skipped.len(), 2);
        assert!(report.skipped[0].operation.contains("uploadAudio"));
        assert!(report.skipped[0].reason.contains("multipart/form-data"));
    }
}
