//! Configuration lists (v1: bare arrays; v2: pages with metadata) and get-by-id, for teams,
//! users, contact service queues, entry points, sites, skills and auxiliary codes.

use std::collections::HashMap;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{WxccState, same_org};
use crate::data::{Channel, DAY, Dataset};
use crate::http::{Call, Fail, Reply};
use crate::sync::lock;

/// The resources served, by path segment.
pub(super) const RESOURCES: [&str; 7] = [
    "team",
    "user",
    "contact-service-queue",
    "entry-point",
    "site",
    "skill",
    "auxiliary-code",
];

/// The largest page the lists return (larger requests are silently capped).
const MAX_PAGE_SIZE: usize = 1_000;

/// Builds every configuration record from the data set.
pub(super) fn build(data: &Dataset) -> HashMap<&'static str, Vec<Value>> {
    let org = &data.org_id;
    let created = data.anchor - 400 * DAY;
    let updated = data.anchor - 30 * DAY;
    let audit = |mut v: Value| {
        if let Some(object) = v.as_object_mut() {
            object.insert("organizationId".into(), json!(org));
            object.insert("version".into(), json!(1));
            object.insert("createdTime".into(), json!(created));
            object.insert("lastUpdatedTime".into(), json!(updated));
        }
        v
    };
    let mut config = HashMap::new();
    config.insert(
        "site",
        data.sites
            .iter()
            .map(|s| {
                audit(json!({
                    "id": s.id, "name": s.name, "active": true,
                    "multimediaProfileId": format!("{}-mmp", &s.id[..8]),
                    "description": format!("{} contact center", s.name),
                    "systemDefault": false,
                }))
            })
            .collect(),
    );
    config.insert(
        "team",
        data.teams
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let site = data.sites.get(t.site);
                let users: Vec<&str> = data
                    .agents
                    .iter()
                    .filter(|a| a.team == i)
                    .map(|a| a.id.as_str())
                    .collect();
                audit(json!({
                    "id": t.id, "name": t.name, "teamType": "AGENT", "teamStatus": "IN_SERVICE",
                    "active": true, "siteId": site.map(|s| s.id.as_str()),
                    "siteName": site.map(|s| s.name), "userIds": users,
                    "description": format!("The {} team", t.name), "systemDefault": false,
                    "rankQueuesForTeam": false, "queueRankings": [],
                }))
            })
            .collect(),
    );
    config.insert(
        "user",
        data.agents
            .iter()
            .map(|a| {
                let team = data.teams.get(a.team);
                let site = team.and_then(|t| data.sites.get(t.site));
                audit(json!({
                    "id": a.id, "firstName": a.first, "lastName": a.last, "email": a.email,
                    "workPhone": a.phone, "ciUserId": a.id, "contactCenterEnabled": true,
                    "timezone": "America/Chicago", "userProfileType": "STANDARD",
                    "siteId": site.map(|s| s.id.as_str()), "siteName": site.map(|s| s.name),
                    "teamIds": team.map(|t| vec![t.id.as_str()]).unwrap_or_default(),
                    "active": true, "systemDefault": false,
                    "deafultDialledNumber": a.phone,
                }))
            })
            .collect(),
    );
    config.insert(
        "contact-service-queue",
        data.queues
            .iter()
            .map(|q| {
                let groups: Vec<Value> = q
                    .teams
                    .iter()
                    .filter_map(|t| data.teams.get(*t))
                    .map(|t| json!({ "teamId": t.id }))
                    .collect();
                audit(json!({
                    "id": q.id, "name": q.name, "description": format!("{} queue", q.name),
                    "queueType": "INBOUND", "checkAgentAvailability": true,
                    "channelType": q.channel.config_name(),
                    "serviceLevelThreshold": q.service_level_s,
                    "maxActiveContacts": 100,
                    "maxTimeInQueue": if q.channel == Channel::Email { 86_400 } else { 1_800 },
                    "timezone": "America/Chicago", "active": true,
                    "monitoringPermitted": true, "parkingPermitted": true,
                    "recordingPermitted": q.channel == Channel::Telephony,
                    "recordingAllCallsPermitted": q.channel == Channel::Telephony,
                    "pauseRecordingPermitted": true, "recordingPauseDuration": 10,
                    "routingType": "LONGEST_AVAILABLE_AGENT", "queueRoutingType": "TEAM_BASED",
                    "callDistributionGroups": [{ "agentGroups": groups, "order": 1, "duration": 0 }],
                    "systemDefault": false, "manuallyAssignable": false,
                }))
            })
            .collect(),
    );
    config.insert(
        "entry-point",
        data.entry_points
            .iter()
            .map(|e| {
                audit(json!({
                    "id": e.id, "name": e.name, "description": format!("{} entry point", e.name),
                    "entryPointType": if e.outbound { "OUTBOUND" } else { "INBOUND" },
                    "channelType": e.channel.config_name(), "active": true,
                    "serviceLevelThreshold": 30, "maximumActiveContacts": 200,
                    "timezone": "America/Chicago", "systemDefault": false,
                    "callbackEnabled": e.channel == Channel::Telephony && !e.outbound,
                    "dnEpMappingCount": i64::from(e.channel == Channel::Telephony),
                }))
            })
            .collect(),
    );
    config.insert(
        "skill",
        data.skills
            .iter()
            .map(|s| {
                audit(json!({
                    "id": s.id, "name": s.name, "description": format!("{} skill", s.name),
                    "serviceLevelThreshold": 30, "enumSkillValues": [], "active": true,
                    "dynamicSkill": false, "skillType": s.kind,
                }))
            })
            .collect(),
    );
    config.insert(
        "auxiliary-code",
        data.aux_codes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                audit(json!({
                    "id": c.id, "name": c.name, "description": format!("{} code", c.name),
                    "defaultCode": i == 0 || (c.wrap_up && c.name == "Resolved"),
                    "active": true, "isSystemCode": false,
                    "workTypeCode": if c.wrap_up { "WRAP_UP_CODE" } else { "IDLE_CODE" },
                    "burnoutInclusion": "NOT_APPLICABLE", "systemDefault": false,
                }))
            })
            .collect(),
    );
    config
}

fn resource<'a>(call: &'a Call<'_, WxccState>) -> Result<&'a str, Fail> {
    let name = call.param("resource");
    RESOURCES
        .iter()
        .find(|r| **r == name)
        .copied()
        .ok_or_else(|| Fail::not_found(format!("no configuration resource `{name}`")))
}

/// The string form of a JSON value for comparisons.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// `*` wildcards, case-sensitive.
fn glob(pattern: &str, value: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == value;
    }
    let mut rest = value;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(after) = rest.strip_prefix(part) else {
                return false;
            };
            rest = after;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(at) = rest.find(part) {
            rest = &rest[at + part.len()..];
        } else {
            return false;
        }
    }
    true
}

/// Splits at a separator outside quotes and parentheses.
fn split_top(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, c) in text.char_indices() {
        match c {
            '"' | '\'' if quote == Some(c) => quote = None,
            '"' | '\'' if quote.is_none() => quote = Some(c),
            '(' if quote.is_none() => depth += 1,
            ')' if quote.is_none() => depth -= 1,
            c if c == separator && quote.is_none() && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn unquote(value: &str) -> String {
    let value = value.trim();
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value)
        .to_owned()
}

/// A compiled RSQL filter: OR of ANDs of comparisons.
type Rsql = Vec<Vec<(String, String, Vec<String>)>>;

/// Parses the RSQL subset the lists accept: `field==value` (with `*` wildcards),
/// `field!=value`, `field=in=(a,b)`, `field=out=(a,b)`, joined with `;` (and) and `,` (or).
fn parse_rsql(filter: &str) -> Result<Rsql, Fail> {
    let mut any = Vec::new();
    for alternative in split_top(filter, ',') {
        let mut all = Vec::new();
        for comparison in split_top(alternative, ';') {
            let comparison = comparison.trim();
            let found = ["=in=", "=out=", "==", "!="]
                .iter()
                .filter_map(|op| comparison.find(op).map(|at| (at, *op)))
                .min_by_key(|(at, _)| *at);
            let Some((at, op)) = found else {
                return Err(Fail::bad(format!(
                    "unsupported filter `{comparison}`; use ==, !=, =in= or =out="
                )));
            };
            let field = comparison[..at].trim().to_owned();
            let value = comparison[at + op.len()..].trim();
            let values = if matches!(op, "=in=" | "=out=") {
                let inner = value
                    .strip_prefix('(')
                    .and_then(|v| v.strip_suffix(')'))
                    .ok_or_else(|| Fail::bad(format!("`{op}` needs a (list)")))?;
                split_top(inner, ',').into_iter().map(unquote).collect()
            } else {
                vec![unquote(value)]
            };
            if field.is_empty() {
                return Err(Fail::bad(format!("filter `{comparison}` has no field")));
            }
            all.push((field, op.to_owned(), values));
        }
        any.push(all);
    }
    Ok(any)
}

fn rsql_matches(filter: &Rsql, record: &Value) -> bool {
    filter.iter().any(|all| {
        all.iter().all(|(field, op, values)| {
            let value = text(record.pointer(&format!("/{}", field.replace('.', "/"))));
            let value = value.as_deref();
            match op.as_str() {
                "==" => values
                    .first()
                    .is_some_and(|p| value.is_some_and(|v| glob(p, v))),
                "!=" => values
                    .first()
                    .is_none_or(|p| !value.is_some_and(|v| glob(p, v))),
                "=in=" => value.is_some_and(|v| values.iter().any(|p| p == v)),
                _ => !value.is_some_and(|v| values.iter().any(|p| p == v)),
            }
        })
    })
}

/// Filtering, search, projection and paging shared by both list versions.
fn select(
    call: &Call<'_, WxccState>,
    records: &[Value],
    search: bool,
) -> Result<(Vec<Value>, usize, usize, usize), Fail> {
    let filter = call.query("filter").map(parse_rsql).transpose()?;
    let needle = if search {
        call.query("search").map(str::to_lowercase)
    } else {
        None
    };
    let matched: Vec<&Value> = records
        .iter()
        .filter(|r| filter.as_ref().is_none_or(|f| rsql_matches(f, r)))
        .filter(|r| {
            needle.as_ref().is_none_or(|n| {
                ["name", "firstName", "lastName", "email"]
                    .iter()
                    .any(|k| text(r.get(*k)).is_some_and(|v| v.to_lowercase().contains(n.as_str())))
            })
        })
        .collect();
    let page = call.query_i64("page")?.unwrap_or(0);
    let page_size = call.query_i64("pageSize")?.unwrap_or(100);
    if page < 0 || page_size < 1 {
        return Err(Fail::bad(
            "`page` must be 0 or more and `pageSize` 1 or more",
        ));
    }
    let page = page as usize;
    let page_size = (page_size as usize).min(MAX_PAGE_SIZE);
    let attributes: Option<Vec<String>> = call
        .query("attributes")
        .map(|a| a.split(',').map(|s| s.trim().to_owned()).collect());
    let total = matched.len();
    let items = matched
        .into_iter()
        .skip(page.saturating_mul(page_size))
        .take(page_size)
        .map(|r| match (&attributes, r.as_object()) {
            (Some(keep), Some(object)) => Value::Object(
                object
                    .iter()
                    .filter(|(k, _)| keep.iter().any(|a| a == *k) || *k == "id")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            _ => r.clone(),
        })
        .collect();
    Ok((items, total, page, page_size))
}

fn records(call: &Call<'_, WxccState>, name: &str) -> Vec<Value> {
    lock(&call.state.runtime)
        .config
        .get(name)
        .cloned()
        .unwrap_or_default()
}

fn single(call: &Call<'_, WxccState>, items: Vec<Value>) -> Result<Option<Reply>, Fail> {
    if call.query_bool("singleObjectResponse")? == Some(true) {
        let first = items
            .into_iter()
            .next()
            .ok_or_else(|| Fail::not_found("no record matches"))?;
        return Ok(Some(Reply::Json(StatusCode::OK, first)));
    }
    Ok(None)
}

/// `GET /organization/{orgid}/{resource}`: a bare array.
pub(super) fn list_v1(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    same_org(call, "orgid")?;
    let name = resource(call)?;
    let (items, ..) = select(call, &records(call, name), false)?;
    if let Some(reply) = single(call, items.clone())? {
        return Ok(reply);
    }
    Ok(Reply::Json(StatusCode::OK, Value::Array(items)))
}

/// `GET /organization/{orgid}/v2/{resource}`: a page with metadata and links.
pub(super) fn list_v2(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    same_org(call, "orgid")?;
    let name = resource(call)?;
    let (items, total, page, page_size) = select(call, &records(call, name), true)?;
    if let Some(reply) = single(call, items.clone())? {
        return Ok(reply);
    }
    let pages = total.div_ceil(page_size).max(1);
    let org = &call.state.data.org_id;
    let link = |p: usize| format!("/organization/{org}/v2/{name}?page={p}&pageSize={page_size}");
    let mut links = json!({ "self": link(page), "first": link(0), "last": link(pages - 1) });
    if page + 1 < pages {
        links["next"] = json!(link(page + 1));
    }
    if page > 0 {
        links["prev"] = json!(link(page - 1));
    }
    Ok(Reply::Json(
        StatusCode::OK,
        json!({
            "meta": {
                "orgid": org, "page": page, "pageSize": page_size,
                "totalPages": pages, "totalRecords": total, "links": links,
            },
            "data": items,
        }),
    ))
}

fn find_by(call: &Call<'_, WxccState>, name: &str, key: &str, id: &str) -> Result<Reply, Fail> {
    records(call, name)
        .into_iter()
        .find(|r| r.get(key).and_then(Value::as_str) == Some(id))
        .map(|r| Reply::Json(StatusCode::OK, r))
        .ok_or_else(|| Fail::not_found(format!("no {name} with id `{id}`")))
}

/// `GET /organization/{orgid}/{resource}/{id}`.
pub(super) fn get_one(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    same_org(call, "orgid")?;
    let name = resource(call)?;
    find_by(call, name, "id", call.param("id"))
}

/// `GET /organization/{orgid}/user/by-ci-user-id/{id}`.
pub(super) fn get_user_by_ci_id(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    same_org(call, "orgid")?;
    find_by(call, "user", "ciUserId", call.param("id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsql_subset() {
        let record = json!({ "id": "a1", "name": "Sales East", "active": true });
        let check = |f: &str| parse_rsql(f).map(|p| rsql_matches(&p, &record));
        assert_eq!(check("id==a1").ok(), Some(true));
        assert_eq!(check("name==Sales*").ok(), Some(true));
        assert_eq!(check("name==\"Sales East\";active==true").ok(), Some(true));
        assert_eq!(check("id=in=(\"x\",\"a1\")").ok(), Some(true));
        assert_eq!(check("id=out=(a1)").ok(), Some(false));
        assert_eq!(check("id==zz,name!=x").ok(), Some(true));
        assert!(check("id>3").is_err());
    }
}
