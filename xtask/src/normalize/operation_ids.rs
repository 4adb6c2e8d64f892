//! Duplicate or missing `operationId`s.
//!
//! Progenitor needs one unique id per operation; it becomes the method name. Ids count as
//! duplicates when they reduce to the same Rust identifier (`getTeam`, `get_team`). Every member
//! of a duplicate group is renamed, not only the later ones, so the result does not depend on
//! the order of the document: the new id is derived from the method and the path
//! (`GET /organization/{orgid}/team/{id}` → `getOrganizationByOrgidTeamById`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Defect, Report, ident_key, operations};

/// Renames every operation whose id is missing or shared.
pub fn fix(doc: &mut Value, report: &mut Report) {
    let ops = operations(doc);
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    for op in &ops {
        if let Some(id) = op
            .get(doc)
            .and_then(|o| o.get("operationId"))
            .and_then(Value::as_str)
        {
            *groups.entry(ident_key(id)).or_default() += 1;
        }
    }
    let mut taken: BTreeSet<String> = ops
        .iter()
        .filter_map(|op| op.get(doc)?.get("operationId")?.as_str().map(ident_key))
        .filter(|key| groups.get(key) == Some(&1))
        .collect();
    for op in ops {
        let current = op
            .get(doc)
            .and_then(|o| o.get("operationId"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let needs_new = match &current {
            Some(id) => id.is_empty() || groups.get(&ident_key(id)).is_some_and(|n| *n > 1),
            None => true,
        };
        if !needs_new {
            continue;
        }
        let base = derive(op.method, &op.path);
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(ident_key(&id)) {
            id = format!("{base}{n}");
            n += 1;
        }
        let label = format!("{} {}", op.method.to_uppercase(), op.path);
        let note = match &current {
            Some(old) => format!("operationId `{old}` is shared; renamed to `{id}`"),
            None => format!("no operationId; named `{id}`"),
        };
        if let Some(operation) = op.get_mut(doc).and_then(Value::as_object_mut) {
            operation.insert("operationId".into(), Value::String(id.clone()));
        }
        report.fix(
            Defect::DuplicateOperationId,
            format!("{label} ({id})"),
            note,
        );
    }
}

/// `get` + `/organization/{orgid}/team/{id}` → `getOrganizationByOrgidTeamById`.
fn derive(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let (prefix, name) = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => ("By", param),
            None => ("", segment),
        };
        id.push_str(prefix);
        for word in name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                id.push(first.to_ascii_uppercase());
                id.extend(chars);
            }
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::test_support::doc;

    fn ok() -> Value {
        json!({"responses": {"204": {"description": "ok"}}})
    }

    #[test]
    fn shared_and_missing_ids_get_stable_names_from_method_and_path() {
        let op = |id: Option<&str>| {
            let mut o = ok();
            if let Some(id) = id {
                o["operationId"] = json!(id);
            }
            o
        };
        let mut d = doc(json!({
            "/organization/{orgid}/team": {"get": op(Some("getConfig_22")), "post": op(Some("createTeam"))},
            "/organization/{orgid}/team/{id}": {"get": op(Some("getConfig_22")), "delete": op(None)},
            "/organization/{orgid}/site": {"get": op(Some("get_config_22"))}
        }));
        let mut report = Report::default();
        fix(&mut d, &mut report);
        let id = |p: &str, m: &str| d["paths"][p][m]["operationId"].as_str().unwrap().to_owned();
        assert_eq!(
            id("/organization/{orgid}/team", "get"),
            "getOrganizationByOrgidTeam"
        );
        assert_eq!(
            id("/organization/{orgid}/team/{id}", "get"),
            "getOrganizationByOrgidTeamById"
        );
        assert_eq!(
            id("/organization/{orgid}/site", "get"),
            "getOrganizationByOrgidSite"
        );
        assert_eq!(
            id("/organization/{orgid}/team/{id}", "delete"),
            "deleteOrganizationByOrgidTeamById"
        );
        assert_eq!(
            id("/organization/{orgid}/team", "post"),
            "createTeam",
            "unique ids are kept"
        );
        assert_eq!(report.count(Defect::DuplicateOperationId), 4);
    }

    #[test]
    fn a_derived_name_never_collides_with_a_kept_one() {
        let mut d = doc(json!({
            "/a": {"get": {"operationId": "getA", "responses": {}}},
            "/b": {"get": {"operationId": "dup", "responses": {}}, "put": {"operationId": "dup", "responses": {}}},
            "/A": {"get": {"operationId": "dup2", "responses": {}}, "put": {"operationId": "dup2", "responses": {}}}
        }));
        let mut report = Report::default();
        fix(&mut d, &mut report);
        assert_eq!(d["paths"]["/a"]["get"]["operationId"], "getA");
        assert_eq!(d["paths"]["/A"]["get"]["operationId"], "getA2");
    }
}
