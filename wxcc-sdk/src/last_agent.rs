//! The headline use case: which agent did this caller last speak to?
//!
//! Modeled on Cisco's last-agent-routing blueprint for Flow Designer (WebexCC-SA blueprints,
//! "Last Agent Routing for Voice Using the Search API"): search the caller's recent tasks whose
//! `origin` is the caller's number and that had an agent (`owner.id` not null), optionally of
//! the same line of business (a string global variable), newest first, and take the first
//! one's agent.

use chrono::{DateTime, TimeDelta, Utc};
use phonenumber::Mode;
use phonenumber::country::Id;

use crate::Client;
use crate::error::{Error, Result};
use crate::search::{
    ChannelType, Field, FieldType, Filter, FilterValue, GlobalVariableType, Named, Query,
    SortOrder, Window, task,
};

/// The agent a caller last spoke to, and the call it was found on.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct LastAgent {
    /// The agent's id: what a flow's Queue To Agent activity takes.
    pub agent_id: String,
    /// The agent's name.
    pub agent_name: Option<String>,
    /// The task (call) the agent handled.
    pub task_id: Option<String>,
    /// When that call came in.
    pub called_at: Option<DateTime<Utc>>,
    /// The number as WxCC recorded it on that call.
    pub matched_origin: Option<String>,
    /// The queue of that call.
    pub queue: Option<Named>,
    /// The team of the agent on that call.
    pub team: Option<Named>,
    /// The entry point the call came in on.
    pub entry_point: Option<Named>,
}

/// A caller id as a phone network delivers it, read into the spellings WxCC may have recorded.
///
/// Accepts an E.164 number (`+442079460958`), an international number with `00`, a national
/// number of the default region (`020 7946 0958` in `GB`, `(408) 555-0123` in `US`), and
/// `tel:` and `sip:` URIs (`sip:+14085550123@example.com;user=phone`). A withheld caller
/// (`anonymous`, `private`, `restricted`, `unavailable`, `unknown`, empty) and an internal
/// extension (six digits or fewer) have no number to look up: [`CallerId::parse`] returns
/// `Ok(None)` for them.
///
/// ```
/// use wxcc_sdk::CallerId;
///
/// let gb = CallerId::parse("020 7946 0958", "GB").unwrap().unwrap();
/// assert_eq!(gb.e164(), "+442079460958");
/// let us = CallerId::parse("tel:(408) 555-0123", "US").unwrap().unwrap();
/// assert_eq!(us.candidates(), ["+14085550123", "14085550123", "4085550123"]);
/// assert!(CallerId::parse("anonymous", "US").unwrap().is_none());
/// assert!(CallerId::parse("4711", "US").unwrap().is_none());
/// assert!(CallerId::parse("not a number", "US").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerId {
    e164: String,
    national: String,
}

const WITHHELD: [&str; 8] = [
    "anonymous",
    "private",
    "restricted",
    "unavailable",
    "unknown",
    "withheld",
    "blocked",
    "invalid",
];

impl CallerId {
    /// Reads a caller id; `default_region` (ISO 3166 alpha-2, such as `US` or `GB`) says how to
    /// read a number without a country code.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for an unknown region, or text that is not a phone number.
    pub fn parse(raw: &str, default_region: &str) -> Result<Option<CallerId>> {
        let region: Id = default_region.trim().to_ascii_uppercase().parse().map_err(|_| {
            Error::InvalidRequest(format!(
                "`{default_region}` is not a region code (use ISO 3166 alpha-2, such as US or GB)"
            ))
        })?;
        let mut text = raw.trim();
        for scheme in ["tel:", "sips:", "sip:"] {
            if text.len() >= scheme.len() && text[..scheme.len()].eq_ignore_ascii_case(scheme) {
                text = &text[scheme.len()..];
                break;
            }
        }
        // `user@host;params` (SIP) and `number;ext=...` (tel): the number is the user part.
        let text = text.split(['@', ';']).next().unwrap_or_default().trim();
        if text.is_empty() || WITHHELD.iter().any(|w| text.eq_ignore_ascii_case(w)) {
            return Ok(None);
        }
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let decorations = text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-./()".contains(c));
        if !decorations || digits == 0 {
            return Err(Error::InvalidRequest(format!(
                "`{raw}` is not a phone number (digits, spaces, + - . / ( ), or a tel: or sip: URI)"
            )));
        }
        if digits <= 6 && !text.starts_with('+') {
            // An internal extension: no external number to look up.
            return Ok(None);
        }
        let international = text.strip_prefix("00").map(|rest| format!("+{rest}"));
        let number = phonenumber::parse(Some(region), international.as_deref().unwrap_or(text))
            .map_err(|e| Error::InvalidRequest(format!("`{raw}` is not a phone number: {e}")))?;
        if !number.is_valid() {
            return Err(Error::InvalidRequest(format!(
                "`{raw}` is not a valid number (read with default region {default_region})"
            )));
        }
        let e164 = number.format().mode(Mode::E164).to_string();
        let national: String = number
            .format()
            .mode(Mode::National)
            .to_string()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        Ok(Some(CallerId { e164, national }))
    }

    /// The E.164 form (`+442079460958`).
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The spellings searched for, most likely first: E.164, the same digits without `+`, and
    /// the national form (`02079460958`, `4085550123`). Cisco's samples and blueprints compare
    /// `origin` with E.164 numbers; the others catch numbers a trunk delivered undecorated.
    pub fn candidates(&self) -> Vec<String> {
        let mut out = vec![self.e164.clone(), self.e164[1..].to_owned()];
        if !self.national.is_empty() && !out.contains(&self.national) {
            out.push(self.national.clone());
        }
        out
    }
}

/// The spellings of a phone number that [`Client::last_agent_for_caller`] searches for, read
/// with default region `US`.
///
/// ```
/// use wxcc_sdk::ani_candidates;
///
/// assert_eq!(ani_candidates("(408) 555-0123").unwrap(), ["+14085550123", "14085550123", "4085550123"]);
/// assert_eq!(ani_candidates("0044 20 7946 0958").unwrap(), ["+442079460958", "442079460958", "02079460958"]);
/// assert!(ani_candidates("anonymous").is_err());
/// ```
///
/// # Errors
///
/// [`Error::InvalidRequest`] when the input is not a phone number, or is withheld.
pub fn ani_candidates(ani: &str) -> Result<Vec<String>> {
    CallerId::parse(ani, "US")?
        .map(|c| c.candidates())
        .ok_or_else(|| Error::InvalidRequest(format!("`{ani}` has no number to look up")))
}

/// The longest look-back: Search windows span at most 13 months.
const MAX_LOOKBACK: TimeDelta = TimeDelta::days(395);

/// A last-agent lookup: the caller, how far back, and the conditions a previous call must meet.
///
/// ```
/// use chrono::TimeDelta;
/// use wxcc_sdk::LastAgentLookup;
///
/// // As Cisco's blueprint: the same line of business, a day back, numbers read as British.
/// let lookup = LastAgentLookup::new("020 7946 0958", TimeDelta::days(1))
///     .default_region("GB")
///     .line_of_business("LOB", "Sales");
/// # let _ = lookup;
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct LastAgentLookup {
    ani: String,
    lookback: TimeDelta,
    region: String,
    conditions: Vec<Filter>,
}

impl LastAgentLookup {
    /// The caller's number (as delivered: E.164, national, `tel:` or `sip:`) and how far back
    /// to look (Cisco's flows use minutes to a day).
    pub fn new(ani: impl Into<String>, lookback: TimeDelta) -> Self {
        Self {
            ani: ani.into(),
            lookback,
            region: "US".to_owned(),
            conditions: Vec::new(),
        }
    }

    /// How to read a number without a country code (ISO 3166 alpha-2; `US` by default).
    #[must_use]
    pub fn default_region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Only calls whose string global variable `variable` equals `value`, as the blueprint's
    /// line-of-business check.
    #[must_use]
    pub fn line_of_business(self, variable: impl Into<String>, value: impl Into<String>) -> Self {
        self.condition(Filter::global_variable(
            GlobalVariableType::String,
            variable,
            value.into(),
        ))
    }

    /// Only calls that came in on this entry point.
    #[must_use]
    pub fn entry_point(self, id: impl Into<String>) -> Self {
        self.condition(task::LAST_ENTRY_POINT_ID.equals(id.into()))
    }

    /// Only calls whose double global variable `variable` (a CSAT score, say) is at least
    /// `min`, as Cisco's CSAT-based routing labs do.
    #[must_use]
    pub fn min_score(self, variable: impl Into<String>, min: f64) -> Self {
        self.condition(Filter::global_variable_cmp(
            GlobalVariableType::Double,
            variable,
            crate::search::Op::Gte,
            min,
        ))
    }

    /// Any further condition on the previous call.
    #[must_use]
    pub fn condition(mut self, filter: Filter) -> Self {
        self.conditions.push(filter);
        self
    }
}

impl Client {
    /// The agent who handled the caller's most recent finished inbound call within `lookback`,
    /// or `None` if there was none with an agent, or the caller id is withheld or internal.
    /// Numbers without a country code are read as North American; use
    /// [`Client::last_agent`] to choose the region and add conditions.
    ///
    /// # Errors
    ///
    /// As [`Client::last_agent`].
    pub async fn last_agent_for_caller(
        &self,
        ani: &str,
        lookback: TimeDelta,
    ) -> Result<Option<LastAgent>> {
        self.last_agent(&LastAgentLookup::new(ani, lookback)).await
    }

    /// Runs a last-agent lookup: telephony tasks, inbound, no longer active (the call in
    /// progress does not count), that had an agent (`owner.id` not null, checked by the
    /// service), whose `origin` is one of the caller's [`CallerId::candidates`], plus the
    /// lookup's conditions; newest first. Values travel as GraphQL variables. It needs a token
    /// with `cjp:config` or `cjp:config_read`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a malformed number, region or look-back (nothing is
    /// sent); the Search call's error otherwise.
    pub async fn last_agent(&self, lookup: &LastAgentLookup) -> Result<Option<LastAgent>> {
        if lookup.lookback <= TimeDelta::zero() || lookup.lookback > MAX_LOOKBACK {
            return Err(Error::InvalidRequest(format!(
                "the look-back must be positive and at most {} days (a Search window spans at \
                 most 13 months)",
                MAX_LOOKBACK.num_days()
            )));
        }
        let Some(caller) = CallerId::parse(&lookup.ani, &lookup.region)? else {
            return Ok(None);
        };
        let mut all = vec![
            task::CHANNEL_TYPE.equals(ChannelType::Telephony),
            task::DIRECTION.equals("inbound"),
            task::IS_ACTIVE.equals(false),
            Field::known("owner.id", FieldType::String).not_equals(FilterValue::Null),
            Filter::or(
                caller
                    .candidates()
                    .iter()
                    .map(|c| task::ORIGIN.equals(c.as_str())),
            ),
        ];
        all.extend(lookup.conditions.iter().cloned());
        let query = Query::task_details(Window::last(lookup.lookback))
            .filter(Filter::and(all))
            .fields([
                "id",
                "createdTime",
                "origin",
                "owner.id",
                "owner.name",
                "lastAgent.id",
                "lastAgent.name",
                "lastQueue.id",
                "lastQueue.name",
                "lastTeam.id",
                "lastTeam.name",
                "lastEntryPoint.id",
                "lastEntryPoint.name",
            ])
            .sort(SortOrder::Descending);
        // The newest match is on the first page; the service filtered out tasks without an
        // owner, so the first record decides.
        let page = self.search(query).first_page().await?;
        for task in page.records {
            let owner = task.owner.as_ref();
            let agent = task.last_agent.as_ref();
            let Some(agent_id) = agent
                .and_then(|a| a.id.clone())
                .or_else(|| owner.and_then(|o| o.id.clone()))
                .filter(|id| !id.is_empty())
            else {
                continue;
            };
            return Ok(Some(LastAgent {
                agent_id,
                agent_name: agent
                    .and_then(|a| a.name.clone())
                    .or_else(|| owner.and_then(|o| o.name.clone())),
                task_id: task.id.clone(),
                called_at: task.created_at(),
                matched_origin: task.origin.clone(),
                queue: task.last_queue.as_ref().map(|q| Named {
                    id: q.id.clone(),
                    name: q.name.clone(),
                    ..Named::default()
                }),
                team: task.last_team.clone(),
                entry_point: task.last_entry_point.clone(),
            }));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_numbers_outside_north_america_find_their_e164_form() {
        let cases = [
            ("020 7946 0958", "GB", "+442079460958"),
            ("+44 20 7946 0958", "US", "+442079460958"),
            ("0044 20 7946 0958", "US", "+442079460958"),
            ("030 901820", "DE", "+4930901820"),
            (
                "sip:+14085550123@pbx.example.com;user=phone",
                "GB",
                "+14085550123",
            ),
            ("tel:+1-408-555-0123;ext=12", "US", "+14085550123"),
            ("408.555.0123", "US", "+14085550123"),
        ];
        for (raw, region, e164) in cases {
            let caller = CallerId::parse(raw, region)
                .unwrap_or_else(|e| panic!("{raw}: {e}"))
                .unwrap_or_else(|| panic!("{raw}: no number"));
            assert_eq!(caller.e164(), e164, "{raw} in {region}");
        }
    }

    #[test]
    fn withheld_and_internal_callers_have_no_number() {
        for raw in [
            "",
            "  ",
            "anonymous",
            "Anonymous",
            "sip:anonymous@anonymous.invalid",
            "PRIVATE",
            "4711",
            "tel:1234",
        ] {
            assert_eq!(CallerId::parse(raw, "US").ok(), Some(None), "{raw:?}");
        }
    }

    #[test]
    fn garbage_and_bad_regions_are_typed_errors() {
        for (raw, region) in [
            ("call me", "US"),
            ("+1 408 555", "US"),
            ("020 7946 0958", "Atlantis"),
            ("12345678901234567890", "US"),
        ] {
            assert!(
                matches!(CallerId::parse(raw, region), Err(Error::InvalidRequest(_))),
                "{raw} {region}"
            );
        }
    }
}
