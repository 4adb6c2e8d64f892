//! Agent events: login, logout, state changes and their failures.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::decode::{field_str, field_time, reason_code};

/// Something that happened to an agent.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum AgentEvent {
    /// The agent logged in (`AgentStationLoginSuccess`, `AgentReloginSuccess`; webhook
    /// `agent:login`).
    LoggedIn(AgentDetails),
    /// The agent logged out (`AgentLogoutSuccess`; webhook `agent:logout`).
    LoggedOut(AgentDetails),
    /// The agent's state changed (`AgentStateChange`, `AgentStateChangeSuccess`; webhook
    /// `agent:state_change`).
    StateChanged(AgentDetails),
    /// The agent's state on one channel changed (webhook `agent:channel_state_change`).
    ChannelStateChanged(AgentDetails),
    /// A login, relogin, logout or state change failed (`AgentStationLoginFailed`,
    /// `AgentReloginFailed`, `AgentLogoutFailed`, `AgentStateChangeFailed`); `reason` and
    /// `reason_code` say why.
    Failed(AgentDetails),
    /// Another session of the same user took over (`AGENT_MULTI_LOGIN`): this session ends.
    MultiLogin(AgentDetails),
    /// Any other agent event, as sent.
    Other {
        /// The event's name.
        name: String,
        /// The event's `data`.
        data: Value,
    },
}

impl AgentEvent {
    /// The event's name as sent.
    pub fn name(&self) -> &str {
        match self {
            AgentEvent::LoggedIn(d)
            | AgentEvent::LoggedOut(d)
            | AgentEvent::StateChanged(d)
            | AgentEvent::ChannelStateChanged(d)
            | AgentEvent::Failed(d)
            | AgentEvent::MultiLogin(d) => &d.name,
            AgentEvent::Other { name, .. } => name,
        }
    }

    /// The typed payload, for every arm but [`AgentEvent::Other`].
    pub fn details(&self) -> Option<&AgentDetails> {
        match self {
            AgentEvent::LoggedIn(d)
            | AgentEvent::LoggedOut(d)
            | AgentEvent::StateChanged(d)
            | AgentEvent::ChannelStateChanged(d)
            | AgentEvent::Failed(d)
            | AgentEvent::MultiLogin(d) => Some(d),
            AgentEvent::Other { .. } => None,
        }
    }

    /// The agent event called `name`, or `None` when the name is no agent event.
    pub(super) fn decode(name: &str, data: &Value) -> Option<AgentEvent> {
        let details = || AgentDetails::read(name, data);
        Some(match name {
            "AgentStationLoginSuccess" | "AgentReloginSuccess" | "agent:login" => {
                AgentEvent::LoggedIn(details())
            }
            "AgentLogoutSuccess" | "agent:logout" => AgentEvent::LoggedOut(details()),
            "AgentStateChange" | "AgentStateChangeSuccess" | "agent:state_change" => {
                AgentEvent::StateChanged(details())
            }
            "agent:channel_state_change" => AgentEvent::ChannelStateChanged(details()),
            "AgentStationLoginFailed"
            | "AgentReloginFailed"
            | "AgentLogoutFailed"
            | "AgentStateChangeFailed" => AgentEvent::Failed(details()),
            "AGENT_MULTI_LOGIN" => AgentEvent::MultiLogin(details()),
            // Named by Cisco's SDK as agent events, with payloads this crate does not type.
            "AgentDNRegistered"
            | "BuddyAgents"
            | "BuddyAgentsRetrieveFailed"
            | "WellnessBreak"
            | "Logout"
            | "StationLogin" => AgentEvent::Other {
                name: name.to_owned(),
                data: data.clone(),
            },
            other if other.starts_with("agent:") => AgentEvent::Other {
                name: name.to_owned(),
                data: data.clone(),
            },
            _ => return None,
        })
    }
}

/// What an agent event says about the agent. Every field is optional: the wire may omit any
/// of them, and `data` keeps the rest.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AgentDetails {
    /// The event's name as sent.
    pub name: String,
    /// `agentId`.
    pub agent_id: Option<String>,
    /// `agentSessionId`.
    pub session_id: Option<String>,
    /// `status` (`LoggedIn`, `LoggedOut`, ...).
    pub status: Option<String>,
    /// `subStatus` (`Available`, `Idle`, ...).
    pub sub_status: Option<String>,
    /// `auxCodeId`: the idle or available code of the state.
    pub aux_code_id: Option<String>,
    /// `teamId`.
    pub team_id: Option<String>,
    /// `lastStateChangeTimestamp` (epoch milliseconds on the wire).
    pub changed_at: Option<DateTime<Utc>>,
    /// `lastStateChangeReason`, or a failure's `reason`.
    pub reason: Option<String>,
    /// A failure's `reasonCode`.
    pub reason_code: Option<i64>,
    /// The event's `data` as received.
    pub data: Value,
}

impl AgentDetails {
    fn read(name: &str, data: &Value) -> AgentDetails {
        AgentDetails {
            name: name.to_owned(),
            agent_id: field_str(data, "agentId"),
            session_id: field_str(data, "agentSessionId"),
            status: field_str(data, "status"),
            sub_status: field_str(data, "subStatus"),
            aux_code_id: field_str(data, "auxCodeId"),
            team_id: field_str(data, "teamId"),
            changed_at: field_time(data, "lastStateChangeTimestamp"),
            reason: field_str(data, "lastStateChangeReason").or_else(|| field_str(data, "reason")),
            reason_code: reason_code(data),
            data: data.clone(),
        }
    }
}
