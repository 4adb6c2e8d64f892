//! Operation ids, which progenitor turns into method names.
//!
//! Two problems meet here. Progenitor needs one unique id per operation, and many specs share or
//! leave out ids. Worse, specs produced by springdoc (Cisco's WxCC spec among them) break ties by
//! numbering: `getConfig_8`, `getConfig_22`. Those numbers say nothing, and they move between
//! versions of the spec as operations are added, so an update renames methods that did not
//! change (203 of 414 methods of a crate generated from one WxCC version carried such numbers).
//!
//! The cure is a name that is a function of the method and the path alone
//! (`GET /organization/{orgid}/team/{id}` → `getTeamById`), so the same operation has the same
//! name in every version of the spec. [`Naming`] says when to use it: for every operation when
//! the spec numbers its ids to break ties, and otherwise only for the ids that are missing or
//! shared. No name ever carries a number added to break a tie: when two derived names meet, both
//! take the long form, which keeps every path parameter and version.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Defect, OpRef, Report, ident_key, operations};
use crate::paths;

/// How operations are named.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Naming {
    /// Keep the spec's ids; derive a name only for ids that are missing or shared. For specs
    /// whose ids are curated (this workspace's own).
    Spec,
    /// Derive every name from the method and path.
    Derived,
    /// [`Naming::Derived`] when the spec numbers ids to break ties (see [`numbers_ties`]),
    /// otherwise [`Naming::Spec`].
    #[default]
    Auto,
}

impl Naming {
    /// Parses `spec`, `derived` or `auto`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "spec" => Some(Naming::Spec),
            "derived" => Some(Naming::Derived),
            "auto" => Some(Naming::Auto),
            _ => None,
        }
    }
}

/// Names every operation as `naming` says.
pub fn fix(doc: &mut Value, naming: Naming, report: &mut Report) {
    let ops = operations(doc);
    let ids: Vec<Option<String>> = ops.iter().map(|op| spec_id(doc, op)).collect();
    let derive_all = match naming {
        Naming::Spec => false,
        Naming::Derived => true,
        Naming::Auto => numbers_ties(ids.iter().flatten().map(String::as_str)),
    };

    let mut shared: BTreeMap<String, usize> = BTreeMap::new();
    for id in ids.iter().flatten() {
        *shared.entry(ident_key(id)).or_default() += 1;
    }
    let renamed: Vec<bool> = ids
        .iter()
        .map(|id| match id {
            _ if derive_all => true,
            Some(id) => id.is_empty() || shared.get(&ident_key(id)).is_some_and(|n| *n > 1),
            None => true,
        })
        .collect();

    // Names kept from the spec come first: a derived name must not take one of them.
    let kept: BTreeSet<String> = ids
        .iter()
        .zip(&renamed)
        .filter(|(_, renamed)| !**renamed)
        .filter_map(|(id, _)| id.as_deref().map(ident_key))
        .collect();
    let short: Vec<String> = ops
        .iter()
        .map(|op| derive(op.method, &op.path, Form::Short))
        .collect();
    let mut short_uses: BTreeMap<String, usize> = BTreeMap::new();
    for (name, renamed) in short.iter().zip(&renamed) {
        if *renamed {
            *short_uses.entry(ident_key(name)).or_default() += 1;
        }
    }

    for (i, op) in ops.iter().enumerate() {
        if !renamed[i] {
            continue;
        }
        let key = ident_key(&short[i]);
        let name = if short_uses.get(&key) == Some(&1) && !kept.contains(&key) {
            short[i].clone()
        } else {
            // The long form is unique among operations of one method unless two paths differ
            // only in punctuation or case; `generate` refuses a spec where that is left.
            derive(op.method, &op.path, Form::Long)
        };
        record(doc, op, &ids[i], &name, derive_all, report);
    }
}

/// Whether the ids carry tie-breaking numbers: some id `base_N` whose `base` (as a Rust name) is
/// also the base of another id. One `v_2` alone is a name, not a tie.
pub fn numbers_ties<'a>(ids: impl IntoIterator<Item = &'a str>) -> bool {
    let mut bases: BTreeMap<String, usize> = BTreeMap::new();
    let mut numbered = BTreeSet::new();
    for id in ids {
        let base = match id.rsplit_once('_') {
            Some((base, n)) if !base.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                if n.is_empty() {
                    id
                } else {
                    numbered.insert(ident_key(base));
                    base
                }
            }
            _ => id,
        };
        *bases.entry(ident_key(base)).or_default() += 1;
    }
    numbered
        .iter()
        .any(|base| bases.get(base).is_some_and(|n| *n > 1))
}

/// The first two operations whose ids become the same Rust method name, as
/// `(first, second, name)` labels, or `None` when every name is unique.
///
/// Left only when two paths differ in nothing but punctuation or case, or when a derived name
/// meets an id the spec keeps; the user then picks other names (`--names`) or fixes the spec.
pub fn duplicate_names(doc: &Value) -> Option<(String, String, String)> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for op in operations(doc) {
        let id = spec_id(doc, &op).unwrap_or_default();
        let label = op.label(doc);
        if let Some(first) = seen.insert(ident_key(&id), label.clone()) {
            return Some((first, label, id));
        }
    }
    None
}

fn spec_id(doc: &Value, op: &OpRef) -> Option<String> {
    op.get(doc)
        .and_then(|o| o.get("operationId"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn record(
    doc: &mut Value,
    op: &OpRef,
    current: &Option<String>,
    name: &str,
    derive_all: bool,
    report: &mut Report,
) {
    if current.as_deref() == Some(name) {
        return;
    }
    let label = format!("{} {} ({name})", op.method.to_uppercase(), op.path);
    let (defect, note) = match current {
        Some(old) if derive_all => (
            Defect::NumberedOperationIds,
            format!("operationId `{old}` named `{name}` from its method and path"),
        ),
        Some(old) => (
            Defect::DuplicateOperationId,
            format!("operationId `{old}` is shared; renamed to `{name}`"),
        ),
        None => (
            Defect::DuplicateOperationId,
            format!("no operationId; named `{name}`"),
        ),
    };
    if let Some(operation) = op.get_mut(doc).and_then(Value::as_object_mut) {
        operation.insert("operationId".into(), Value::String(name.to_owned()));
    }
    report.fix(defect, label, note);
}

/// The short (or, with `long`, the long) name derived from a method and path.
pub fn derived_name(method: &str, path: &str, long: bool) -> String {
    derive(method, path, if long { Form::Long } else { Form::Short })
}

/// How much of the path a derived name spells out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// The words of the path; a trailing parameter as `By…`; a version other than `v1` as a
    /// suffix; a leading tenant scope (`/organization/{orgid}`) left out.
    Short,
    /// Every segment: parameters as `By…` where they stand, versions where they stand.
    Long,
}

/// `get` + `/organization/{orgid}/v2/team/{id}` → `getTeamByIdV2` (short) or
/// `getOrganizationByOrgidV2TeamById` (long).
pub(crate) fn derive(method: &str, path: &str, form: Form) -> String {
    let mut segments = paths::segments(path);
    if form == Form::Short {
        let scope = paths::tenant_scope(&segments);
        segments.drain(..scope);
    }
    let mut name = method.to_ascii_lowercase();
    let mut versions = String::new();
    let last = segments.len().saturating_sub(1);
    for (i, segment) in segments.iter().enumerate() {
        if form == Form::Short && paths::is_version(segment) {
            if *segment != "v1" {
                push_words(&mut versions, segment);
            }
            continue;
        }
        // A segment may mix a parameter and words: `{flowId}:export`.
        for (is_param, part) in parts(segment) {
            if !is_param {
                push_words(&mut name, part);
            } else if form == Form::Long || i == last {
                name.push_str("By");
                push_words(&mut name, part);
            }
        }
    }
    name.push_str(&versions);
    name
}

/// Splits `a{b}c` into `(false, "a")`, `(true, "b")`, `(false, "c")`.
fn parts(segment: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = segment;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push((false, &rest[..open]));
        out.push((true, &rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    out.push((false, rest));
    out.retain(|(_, part)| !part.is_empty());
    out
}

/// Appends `agent-burnout` as `AgentBurnout`, `dncList` as `DncList`.
fn push_words(name: &mut String, text: &str) {
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::test_support::doc;

    fn op(id: Option<&str>) -> Value {
        let mut o = json!({"responses": {"204": {"description": "ok"}}});
        if let Some(id) = id {
            o["operationId"] = json!(id);
        }
        o
    }

    fn id(d: &Value, p: &str, m: &str) -> String {
        d["paths"][p][m]["operationId"].as_str().unwrap().to_owned()
    }

    #[test]
    fn short_names_read_like_the_path() {
        let short = |m, p| derive(m, p, Form::Short);
        assert_eq!(short("get", "/organization/{orgid}/team"), "getTeam");
        assert_eq!(
            short("get", "/organization/{orgid}/team/{id}"),
            "getTeamById"
        );
        assert_eq!(
            short("get", "/organization/{orgid}/v2/team"),
            "getTeamV2",
            "the version goes last; v1 is the default and left out"
        );
        assert_eq!(short("post", "/v1/agents/login"), "postAgentsLogin");
        assert_eq!(short("post", "/v2/agents/login"), "postAgentsLoginV2");
        assert_eq!(
            short(
                "get",
                "/organization/{orgid}/auto-csat/{autoCsatId}/question/{id}"
            ),
            "getAutoCsatQuestionById"
        );
        assert_eq!(
            short(
                "get",
                "/flow-store/{orgId}/project/{projectId}/flows/{flowId}:export"
            ),
            "getFlowStoreProjectFlowsByFlowIdExport"
        );
        assert_eq!(short("get", "/"), "get");
    }

    #[test]
    fn long_names_keep_every_parameter_and_version() {
        assert_eq!(
            derive("get", "/organization/{orgid}/v2/team/{id}", Form::Long),
            "getOrganizationByOrgidV2TeamById"
        );
        assert_eq!(
            derive("get", "/flows/{flowId}:export", Form::Long),
            "getFlowsByFlowIdExport"
        );
    }

    #[test]
    fn tie_numbers_are_told_from_names_that_end_in_a_number() {
        assert!(numbers_ties(["getConfig", "getConfig_1", "other"]));
        assert!(numbers_ties(["getConfig_2", "getConfig_8"]));
        assert!(!numbers_ties(["listTeams", "listTeamsV2", "get_v2"]));
        assert!(!numbers_ties(["search_2", "list"]), "one numbered id alone");
        assert!(!numbers_ties(["a_", "a"]));
        assert!(!numbers_ties(Vec::<&str>::new()));
    }

    #[test]
    fn spec_naming_keeps_unique_ids_and_names_shared_or_missing_ones_from_the_path() {
        let mut d = doc(json!({
            "/organization/{orgid}/team": {"get": op(Some("getTeams")), "post": op(Some("createTeam"))},
            "/organization/{orgid}/team/{id}": {"get": op(Some("get_x")), "delete": op(None)},
            "/organization/{orgid}/site": {"get": op(Some("getX"))}
        }));
        let mut report = Report::default();
        fix(&mut d, Naming::Spec, &mut report);
        assert_eq!(id(&d, "/organization/{orgid}/team", "get"), "getTeams");
        assert_eq!(id(&d, "/organization/{orgid}/team", "post"), "createTeam");
        assert_eq!(
            id(&d, "/organization/{orgid}/team/{id}", "get"),
            "getTeamById"
        );
        assert_eq!(id(&d, "/organization/{orgid}/site", "get"), "getSite");
        assert_eq!(
            id(&d, "/organization/{orgid}/team/{id}", "delete"),
            "deleteTeamById"
        );
        assert_eq!(report.count(Defect::DuplicateOperationId), 3);
        assert_eq!(report.count(Defect::NumberedOperationIds), 0);
    }

    #[test]
    fn numbered_ids_make_auto_derive_every_name() {
        let mut d = doc(json!({
            "/organization/{orgid}/team/{id}": {"get": op(Some("getConfig_22")), "put": op(Some("updateConfig"))},
            "/organization/{orgid}/site/{id}": {"get": op(Some("getConfig_3"))},
            "/v1/ewt": {"get": op(Some("getEwt"))}
        }));
        let mut report = Report::default();
        fix(&mut d, Naming::Auto, &mut report);
        assert_eq!(
            id(&d, "/organization/{orgid}/team/{id}", "get"),
            "getTeamById"
        );
        assert_eq!(
            id(&d, "/organization/{orgid}/team/{id}", "put"),
            "putTeamById"
        );
        assert_eq!(
            id(&d, "/organization/{orgid}/site/{id}", "get"),
            "getSiteById"
        );
        assert_eq!(id(&d, "/v1/ewt", "get"), "getEwt");
        assert_eq!(report.count(Defect::NumberedOperationIds), 3);
    }

    #[test]
    fn the_same_operation_gets_the_same_name_whatever_else_the_spec_holds() {
        let name_in = |paths: Value| {
            let mut d = doc(paths);
            fix(&mut d, Naming::Derived, &mut Report::default());
            id(&d, "/organization/{orgid}/team/{id}", "get")
        };
        let before = name_in(json!({
            "/organization/{orgid}/team/{id}": {"get": op(Some("getConfig_8"))}
        }));
        let after = name_in(json!({
            "/organization/{orgid}/site/{id}": {"get": op(Some("getConfig_8"))},
            "/organization/{orgid}/team/{id}": {"get": op(Some("getConfig_9"))},
            "/organization/{orgid}/skill": {"get": op(Some("getConfig_2"))}
        }));
        assert_eq!(before, after);
    }

    #[test]
    fn colliding_short_names_both_take_the_long_form_and_never_a_number() {
        let mut d = doc(json!({
            "/team/{id}": {"get": op(None)},
            "/organization/{orgid}/team/{id}": {"get": op(None)},
            "/a": {"get": op(Some("getB"))},
            "/b": {"get": op(None)}
        }));
        fix(&mut d, Naming::Spec, &mut Report::default());
        assert_eq!(id(&d, "/team/{id}", "get"), "getTeamById");
        assert_eq!(
            id(&d, "/organization/{orgid}/team/{id}", "get"),
            "getOrganizationByOrgidTeamById"
        );
        assert_eq!(id(&d, "/a", "get"), "getB", "a kept id wins");
        assert_eq!(
            id(&d, "/b", "get"),
            "getB",
            "the long form of /b is the same"
        );
        let (first, second, name) = duplicate_names(&d).unwrap();
        assert_eq!(
            (first.as_str(), second.as_str(), name.as_str()),
            ("GET /a (getB)", "GET /b (getB)", "getB")
        );
        let mut derived = d.clone();
        fix(&mut derived, Naming::Derived, &mut Report::default());
        assert_eq!(id(&derived, "/a", "get"), "getA");
        assert_eq!(duplicate_names(&derived), None);
    }
}
