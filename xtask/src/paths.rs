//! Reading OpenAPI path templates: which segments are parameters, versions or a tenant scope,
//! and the shape of a path with its parameter names left out. Shared by operation naming, the
//! access table and `spec-sync`, so they agree on what "the same path" means.

/// Leading segments that only say whose data it is (`/organization/{orgid}/…`): every operation
/// of a tenant API has them, so names and file choices look past them.
const TENANT_SCOPES: [&str; 4] = ["organization", "organizations", "org", "orgs"];

/// The non-empty segments of a path.
pub fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// `{id}`: a whole segment that is one parameter.
pub fn is_parameter(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// `v2`, `V10`.
pub fn is_version(segment: &str) -> bool {
    segment
        .to_ascii_lowercase()
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// How many leading segments are a tenant scope: 2 for `organization/{orgid}/…`, else 0.
pub fn tenant_scope(segments: &[&str]) -> usize {
    match segments {
        [scope, param, ..]
            if TENANT_SCOPES.contains(&scope.to_ascii_lowercase().as_str())
                && is_parameter(param) =>
        {
            2
        }
        _ => 0,
    }
}

/// The path with parameter names left out, so a renamed parameter is the same path:
/// `/organization/{orgId}/flows/{flowId}:export` → `/organization/{}/flows/{}:export`.
pub fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_the_same_way_everywhere() {
        assert_eq!(
            template("/organization/{orgId}/flows/{flowId}:export"),
            "/organization/{}/flows/{}:export"
        );
        assert_eq!(tenant_scope(&segments("/organization/{orgid}/team")), 2);
        assert_eq!(tenant_scope(&segments("/Orgs/{id}")), 2);
        assert_eq!(tenant_scope(&segments("/organization/team")), 0);
        assert_eq!(tenant_scope(&segments("/v1/tasks")), 0);
        assert!(is_version("v2") && is_version("V10"));
        assert!(!is_version("v") && !is_version("vx") && !is_version("view"));
        assert!(is_parameter("{id}") && !is_parameter("{id}:export"));
    }
}
