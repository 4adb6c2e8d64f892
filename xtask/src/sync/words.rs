//! Names and short phrases of our own for what `spec-sync` adds: operation names, summaries,
//! response descriptions. Made from the method, path and status only, never from Cisco's text.

use crate::paths;

/// `dncList` → `dnc-list`, `dataSources` → `data-sources`, `agent_burnout` → `agent-burnout`.
pub fn kebab(word: &str) -> String {
    words(word).join("-")
}

/// Lower-case words of a path segment or parameter name.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A summary from the method and path: `GET /organization/{orgid}/v2/team/{id}` →
/// "Read one team by id (v2)".
pub fn summary(method: &str, path: &str) -> String {
    let segments = paths::segments(path);
    let skip = paths::tenant_scope(&segments);
    let mut nouns = Vec::new();
    let mut version = None;
    let mut by = None;
    let last = segments.len().saturating_sub(1);
    for (i, segment) in segments.iter().enumerate().skip(skip) {
        if paths::is_version(segment) {
            version = Some(segment.to_ascii_lowercase());
        } else if segment.starts_with('{') {
            if i == last {
                by = Some(words(segment).join(" "));
            }
        } else {
            nouns.extend(words(segment));
        }
    }
    let what = if nouns.is_empty() {
        "the root resource".to_owned()
    } else {
        nouns.join(" ")
    };
    let mut text = match (method, &by) {
        ("get", Some(by)) => format!("Read one {what} by {by}"),
        ("get", None) => format!("Read {what}"),
        ("post", _) => format!("Send a POST to {what}"),
        ("put", Some(by)) => format!("Replace one {what} by {by}"),
        ("put", None) => format!("Replace {what}"),
        ("patch", Some(by)) => format!("Change fields of one {what} by {by}"),
        ("patch", None) => format!("Change fields of {what}"),
        ("delete", Some(by)) => format!("Delete one {what} by {by}"),
        ("delete", None) => format!("Delete {what}"),
        (other, _) => format!("{} {what}", other.to_uppercase()),
    };
    if let Some(v) = version {
        text.push_str(&format!(" ({v})"));
    }
    text
}

/// A plain phrase for a response status.
pub fn status_phrase(status: &str) -> String {
    match status {
        "200" => "Success.".into(),
        "201" => "Created.".into(),
        "202" => "Accepted.".into(),
        "204" => "Success, no content.".into(),
        "default" => "Any other response.".into(),
        s if s.starts_with('4') || s.starts_with('5') => format!("Error {s}."),
        s => format!("Status {s}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_made_from_the_method_and_path() {
        assert_eq!(
            summary("get", "/organization/{orgid}/v2/business-hours/{id}"),
            "Read one business hours by id (v2)"
        );
        assert_eq!(
            summary("get", "/organization/{orgid}/dial-plan"),
            "Read dial plan"
        );
        assert_eq!(
            summary(
                "post",
                "/v3/campaign-management/dncList/{dncListName}/phoneNumber"
            ),
            "Send a POST to campaign management dnc list phone number (v3)"
        );
        assert_eq!(summary("delete", "/"), "Delete the root resource");
        assert_eq!(kebab("dncList"), "dnc-list");
        assert_eq!(kebab("agent_burnout"), "agent-burnout");
        assert_eq!(kebab("CSAT"), "csat");
        assert_eq!(status_phrase("404"), "Error 404.");
    }
}
