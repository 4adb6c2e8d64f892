//! Typed Search records. Every field is optional (a query selects what it needs) and fields the
//! types do not name are ignored, so new API fields never break decoding. To read fields these
//! types do not name (global variables, newer fields), decode into your own type with
//! [`Query::records_as`](super::Query::records_as).

use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};

/// An `{id name}` reference to a team, site, entry point or queue.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Named {
    /// Its id.
    pub id: Option<String>,
    /// Its name.
    pub name: Option<String>,
}

/// The agent who last handled a task.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AgentRef {
    /// Agent id.
    pub id: Option<String>,
    /// Agent name.
    pub name: Option<String>,
    /// Sign-in id (email).
    pub sign_in_id: Option<String>,
    /// The agent session.
    pub session_id: Option<String>,
    /// Dial number.
    pub phone_number: Option<String>,
    /// Channel id.
    pub channel_id: Option<String>,
}

/// The queue a task was last in.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QueueRef {
    /// Queue id.
    pub id: Option<String>,
    /// Queue name.
    pub name: Option<String>,
    /// Time spent in it, in ms.
    pub duration: Option<i64>,
}

/// The customer of a task.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Customer {
    /// Name.
    pub name: Option<String>,
    /// Phone number.
    pub phone_number: Option<String>,
    /// Email address.
    pub email: Option<String>,
}

/// Callback details of a task.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CallbackData {
    /// When the callback was requested (epoch ms).
    pub callback_request_time: Option<i64>,
    /// When it connected (epoch ms).
    pub callback_connect_time: Option<i64>,
    /// The number called back.
    pub callback_number: Option<String>,
    /// Its status.
    pub callback_status: Option<String>,
    /// Where it was requested.
    pub callback_origin: Option<String>,
    /// Its type.
    pub callback_type: Option<String>,
    /// The queue.
    pub callback_queue_name: Option<String>,
    /// The agent.
    pub callback_agent_name: Option<String>,
    /// The team.
    pub callback_team_name: Option<String>,
    /// Retries so far.
    pub callback_retry_count: Option<i64>,
}

/// A task (contact session record) from `taskDetails`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Task {
    /// Task id.
    pub id: Option<String>,
    /// Status (`created`, `ended`, `parked`, ...).
    pub status: Option<String>,
    /// `telephony`, `chat`, `email`, `social`, ...
    pub channel_type: Option<String>,
    /// Channel sub type.
    pub channel_sub_type: Option<String>,
    /// `inbound`, `outbound`, ...
    pub direction: Option<String>,
    /// The caller (ANI) or sender.
    pub origin: Option<String>,
    /// The number dialled (DNIS) or recipient.
    pub destination: Option<String>,
    /// Whether the task is still going on.
    pub is_active: Option<bool>,
    /// Created (epoch ms).
    pub created_time: Option<i64>,
    /// Ended (epoch ms).
    pub ended_time: Option<i64>,
    /// How it ended.
    pub termination_type: Option<String>,
    /// Why it ended.
    pub termination_reason: Option<String>,
    /// Contact reason.
    pub contact_reason: Option<String>,
    /// Whether it was a callback.
    pub is_callback: Option<bool>,
    /// Whether an agent handled it.
    pub is_contact_handled: Option<bool>,
    /// Total duration in ms.
    pub total_duration: Option<i64>,
    /// Time in queue in ms.
    pub queue_duration: Option<i64>,
    /// Time on hold in ms.
    pub hold_duration: Option<i64>,
    /// Wrap-up time in ms.
    pub wrapup_duration: Option<i64>,
    /// The last agent.
    pub last_agent: Option<AgentRef>,
    /// The task's owner (its agent), as Cisco's samples and blueprints select it.
    pub owner: Option<Named>,
    /// The last queue.
    pub last_queue: Option<QueueRef>,
    /// The last team.
    pub last_team: Option<Named>,
    /// The last site.
    pub last_site: Option<Named>,
    /// The last entry point.
    pub last_entry_point: Option<Named>,
    /// The queue before the last one.
    pub previous_queue: Option<Named>,
    /// The customer.
    pub customer: Option<Customer>,
    /// Callback details.
    pub callback_data: Option<CallbackData>,
}

impl Task {
    /// When the task was created.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        self.created_time
            .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
    }
}

/// An agent session record from `agentSession`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AgentSession {
    /// Session id.
    pub agent_session_id: Option<String>,
    /// Agent id.
    pub agent_id: Option<String>,
    /// Agent name.
    pub agent_name: Option<String>,
    /// Team id.
    pub team_id: Option<String>,
    /// Team name.
    pub team_name: Option<String>,
    /// Site id.
    pub site_id: Option<String>,
    /// Site name.
    pub site_name: Option<String>,
    /// Signed in (epoch ms).
    pub start_time: Option<i64>,
    /// Signed out (epoch ms).
    pub end_time: Option<i64>,
    /// Whether the session is going on.
    pub is_active: Option<bool>,
}

/// A task leg record from `taskLegDetails`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TaskLeg {
    /// Leg id.
    pub id: Option<String>,
    /// The task it belongs to.
    pub task_id: Option<String>,
    /// Channel type.
    pub channel_type: Option<String>,
    /// Direction.
    pub direction: Option<String>,
    /// Created (epoch ms).
    pub created_time: Option<i64>,
    /// Ended (epoch ms).
    pub ended_time: Option<i64>,
    /// The queue of the leg.
    pub queue: Option<Named>,
    /// The agent who owned the leg (`owner` in Cisco's CLR dictionary).
    pub owner: Option<Named>,
}

/// One row of an aggregation query: the group-by fields and the aggregated values.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AggregateRow {
    /// The aggregations, by name.
    #[serde(default)]
    pub aggregation: Vec<AggregateValue>,
    /// Start of the interval (epoch ms), when an interval was requested.
    pub interval_start_time: Option<i64>,
    /// The group-by fields.
    #[serde(flatten)]
    pub group: Map<String, Value>,
}

impl AggregateRow {
    /// The value of the aggregation named `name`.
    pub fn value(&self, name: &str) -> Option<f64> {
        self.aggregation
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.value)
    }
}

/// One aggregated value.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[non_exhaustive]
pub struct AggregateValue {
    /// The name given in the query.
    pub name: String,
    /// The value (Search reports aggregates as floats).
    pub value: Option<f64>,
}

/// The interval and time zone an aggregation query ran with.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[non_exhaustive]
pub struct IntervalInfo {
    /// The interval.
    pub interval: Option<String>,
    /// The time zone.
    pub timezone: Option<String>,
}

/// One page of Search results.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<R> {
    /// The records of the page.
    pub records: Vec<R>,
    /// Whether another page follows.
    pub has_next_page: bool,
    /// The cursor of the next page.
    pub end_cursor: Option<String>,
    /// The interval settings, for interval queries.
    pub interval: Option<IntervalInfo>,
}
