//! The conversation state machine: close, reopen, hold, transfer to a queue, and agents
//! joining and leaving (which make a conversation active or queued again).

use serde::Deserialize;

use super::conversation::{Conversation, Status};
use super::{EngageState, receipt};
use crate::http::{Call, Fail, Reply};
use crate::sync::lock;

/// Applies a state change to one conversation.
fn change(
    call: &Call<'_, EngageState>,
    f: impl FnOnce(&mut Conversation) -> Result<(), Fail>,
) -> Result<Reply, Fail> {
    let mut state = lock(&call.state.tenant);
    let c = state.get_mut(call.param("conversationId"))?;
    f(c)?;
    c.touch();
    Ok(receipt())
}

pub(super) fn close(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    change(call, |c| {
        if c.status == Status::Closed {
            return Err(Fail::conflict("the conversation is already closed"));
        }
        c.status = Status::Closed;
        c.participants.clear();
        Ok(())
    })
}

pub(super) fn reopen(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    change(call, |c| {
        if c.status != Status::Closed {
            return Err(Fail::conflict("only a closed conversation can be reopened"));
        }
        if c.channel == "livechat" {
            return Err(Fail::conflict(
                "live chat conversations are never reopened; create a new one",
            ));
        }
        c.status = Status::Queued;
        c.user_id = None;
        Ok(())
    })
}

pub(super) fn hold(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    change(call, |c| match c.status {
        Status::Closed => Err(Fail::conflict("the conversation is closed")),
        Status::Onhold => Err(Fail::conflict("the conversation is already on hold")),
        _ => {
            c.status = Status::Onhold;
            Ok(())
        }
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransferRequest {
    queue_type: Option<String>,
    queue_id: Option<String>,
}

pub(super) fn transfer(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let request: TransferRequest = call.json()?;
    let queue_type = request
        .queue_type
        .ok_or_else(|| Fail::bad("`queueType` is required"))?;
    let queue_id = request
        .queue_id
        .ok_or_else(|| Fail::bad("`queueId` is required"))?;
    let data = &call.state.data;
    let known = match queue_type.as_str() {
        "team" => data.teams.iter().any(|t| t.id == queue_id),
        "skill" => data.skills.iter().any(|s| s.id == queue_id),
        _ => return Err(Fail::bad("`queueType` must be team or skill")),
    };
    if !known {
        return Err(Fail::not_found(format!(
            "no {queue_type} queue `{queue_id}`"
        )));
    }
    change(call, |c| {
        if c.status == Status::Closed {
            return Err(Fail::conflict("the conversation is closed"));
        }
        if queue_type == "team"
            && c.status == Status::Queued
            && c.team_id.as_deref() == Some(&queue_id)
        {
            return Err(Fail::conflict(
                "the conversation already waits in that queue",
            ));
        }
        if queue_type == "team" {
            c.team_id = Some(queue_id.clone());
        }
        c.status = Status::Queued;
        c.participants.clear();
        c.user_id = None;
        Ok(())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ParticipantRequest {
    participant_id: Option<String>,
}

pub(super) fn add_participant(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let request: ParticipantRequest = call.json()?;
    let agent = request
        .participant_id
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Fail::bad("`participantId` is required"))?;
    if !call.state.data.agents.iter().any(|a| a.id == agent) {
        return Err(Fail::not_found(format!("no agent `{agent}`")));
    }
    change(call, |c| {
        if c.status == Status::Closed {
            return Err(Fail::conflict("the conversation is closed"));
        }
        if c.participants.contains(&agent) {
            return Err(Fail::conflict("the agent already takes part"));
        }
        c.participants.push(agent.clone());
        c.user_id = Some(agent.clone());
        c.status = Status::Active;
        Ok(())
    })
}

pub(super) fn remove_participant(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let agent = call.param("participantId").to_owned();
    change(call, |c| {
        let Some(at) = c.participants.iter().position(|p| *p == agent) else {
            return Err(Fail::not_found(
                "the agent does not take part in the conversation",
            ));
        };
        c.participants.remove(at);
        c.user_id = c.participants.last().cloned();
        if c.participants.is_empty() && c.status == Status::Active {
            c.status = Status::Queued;
        }
        Ok(())
    })
}
