//! The headline use case: which agent did this caller last speak to?

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::TryStreamExt;

use crate::Client;
use crate::error::{Error, Result};
use crate::search::{ChannelType, Filter, Named, Query, SortOrder, Window, task};

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

/// The spellings of a phone number that [`Client::last_agent_for_caller`] searches for.
///
/// WxCC does not document which format it records callers in (`origin`), so the lookup asks
/// for each likely one. The input may contain spaces, `-`, `.`, `/` and parentheses, and may
/// start with `+` or the international prefix `00`. Then:
///
/// - with `+` or `00`: the number is taken as international (`+<country><number>`);
/// - 10 digits without a prefix: a North American number, country code 1 is added;
/// - other digit strings: taken as already including the country code.
///
/// The candidates are the E.164 form (`+14085550123`), the same digits without `+`
/// (`14085550123`) and, for country code 1, the 10-digit national form (`4085550123`).
///
/// ```
/// use wxcc_sdk::ani_candidates;
///
/// assert_eq!(ani_candidates("(408) 555-0123").unwrap(), ["+14085550123", "14085550123", "4085550123"]);
/// assert_eq!(ani_candidates("0044 20 7946 0958").unwrap(), ["+442079460958", "442079460958"]);
/// assert!(ani_candidates("anonymous").is_err());
/// ```
///
/// # Errors
///
/// [`Error::InvalidRequest`] when the input is not a phone number of 7 to 15 digits.
pub fn ani_candidates(ani: &str) -> Result<Vec<String>> {
    let trimmed = ani.trim();
    let (international, rest) = if let Some(rest) = trimmed.strip_prefix('+') {
        (true, rest)
    } else if let Some(rest) = trimmed.strip_prefix("00") {
        (true, rest)
    } else {
        (false, trimmed)
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '/' | '(' | ')' => {}
            _ => {
                return Err(Error::InvalidRequest(format!(
                    "`{ani}` is not a phone number (only digits, spaces, - . / ( ) and a leading + or 00)"
                )));
            }
        }
    }
    if !(7..=15).contains(&digits.len()) {
        return Err(Error::InvalidRequest(format!(
            "`{ani}` has {} digits; a phone number has 7 to 15",
            digits.len()
        )));
    }
    let e164 = if !international && digits.len() == 10 {
        format!("+1{digits}")
    } else {
        format!("+{digits}")
    };
    let mut candidates = vec![e164.clone(), e164[1..].to_owned()];
    if let Some(national) = e164.strip_prefix("+1").filter(|n| n.len() == 10) {
        candidates.push(national.to_owned());
    }
    Ok(candidates)
}

impl Client {
    /// The agent who handled the caller's most recent finished inbound call within `lookback`
    /// (at most 365 days), or `None` if there was no such call with an agent.
    ///
    /// It searches `taskDetails` for telephony tasks with direction `inbound`, not active (so
    /// the call in progress does not count), whose `origin` is one of [`ani_candidates`],
    /// newest first, and returns the first with a `lastAgent.id`. Values travel as GraphQL
    /// variables. It needs a token with `cjp:config` or `cjp:config_read`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a malformed number or lookback (nothing is sent); the
    /// Search call's error otherwise.
    pub async fn last_agent_for_caller(
        &self,
        ani: &str,
        lookback: TimeDelta,
    ) -> Result<Option<LastAgent>> {
        if lookback <= TimeDelta::zero() {
            return Err(Error::InvalidRequest(
                "the lookback must be positive".into(),
            ));
        }
        let candidates = ani_candidates(ani)?;
        let filter = Filter::and([
            task::CHANNEL_TYPE.equals(ChannelType::Telephony),
            task::DIRECTION.equals("inbound"),
            task::IS_ACTIVE.equals(false),
            Filter::or(candidates.iter().map(|c| task::ORIGIN.equals(c.as_str()))),
        ]);
        let query = Query::task_details(Window::last(lookback))
            .filter(filter)
            .fields([
                "id",
                "createdTime",
                "origin",
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
        let mut tasks = self.search(query).records();
        while let Some(task) = tasks.try_next().await? {
            let Some(agent) = task.last_agent.as_ref() else {
                continue;
            };
            let Some(agent_id) = agent.id.clone().filter(|id| !id.is_empty()) else {
                continue;
            };
            return Ok(Some(LastAgent {
                agent_id,
                agent_name: agent.name.clone(),
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
