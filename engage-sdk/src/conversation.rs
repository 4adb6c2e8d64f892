//! The conversation lifecycle: search, create, append, update, participants, close, reopen,
//! hold and transfer, each answering with the node outcome.

use chrono::{DateTime, Utc};
use engage_api::types;
use tracing::Instrument;

use crate::customer::Customer;
use crate::error::{Error, Result};
use crate::message::non_blank;
use crate::outcome::{HasOutcome, Operation, Outcome};
use crate::requests::{ConversationUpdate, NewConversation, Queue, check_message_list};
use crate::{Channel, Client, Message};
use wxcc_auth::Call;

/// What a search found: the Search Conversation node's outcomes.
///
/// ```no_run
/// # async fn demo(client: engage_sdk::Client) -> Result<(), engage_sdk::Error> {
/// use engage_sdk::{Customer, HasOutcome, SearchOutcome};
///
/// let customer = Customer::sms("+14155550100", "+14155550199");
/// match client.search(&customer).await? {
///     SearchOutcome::NotFound => println!("create one"),
///     SearchOutcome::Closed(found) => println!("{} is closed; last agent {:?}", found.conversation_id, found.assignee),
///     open => println!("append to it ({})", open.outcome()),
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SearchOutcome {
    /// `noConversationFound`.
    NotFound,
    /// `conversationActive`: assigned to an agent.
    Active(FoundConversation),
    /// `conversationInQueue`: waiting for an agent.
    InQueue(FoundConversation),
    /// `conversationOnHold`.
    OnHold(FoundConversation),
    /// `conversationClosed`.
    Closed(FoundConversation),
}

impl SearchOutcome {
    /// The conversation, unless none was found.
    pub fn conversation(&self) -> Option<&FoundConversation> {
        match self {
            SearchOutcome::NotFound => None,
            SearchOutcome::Active(c)
            | SearchOutcome::InQueue(c)
            | SearchOutcome::OnHold(c)
            | SearchOutcome::Closed(c) => Some(c),
        }
    }

    /// The id of the conversation found, if any.
    pub fn conversation_id(&self) -> Option<&str> {
        self.conversation().map(|c| c.conversation_id.as_str())
    }

    /// Whether a conversation was found that is not closed (active, queued or on hold), so new
    /// messages can be appended to it.
    pub fn is_open(&self) -> bool {
        matches!(
            self,
            SearchOutcome::Active(_) | SearchOutcome::InQueue(_) | SearchOutcome::OnHold(_)
        )
    }
}

impl HasOutcome for SearchOutcome {
    fn outcome(&self) -> Outcome {
        match self {
            SearchOutcome::NotFound => Outcome::NoConversationFound,
            SearchOutcome::Active(_) => Outcome::ConversationActive,
            SearchOutcome::InQueue(_) => Outcome::ConversationInQueue,
            SearchOutcome::OnHold(_) => Outcome::ConversationOnHold,
            SearchOutcome::Closed(_) => Outcome::ConversationClosed,
        }
    }
}

/// A conversation a search found: the Search Conversation node's outputs.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FoundConversation {
    /// The conversation id (`conversationId`).
    pub conversation_id: String,
    /// Your external reference (`aliasId`).
    pub alias_id: Option<String>,
    /// The team whose queue holds or held it (`teamId`).
    pub team_id: Option<String>,
    /// The assigned agent's login (`userId`): none while queued; for a closed conversation,
    /// the last agent, useful to route a returning customer back to them.
    pub assignee: Option<String>,
    /// The channel.
    pub channel: Option<Channel>,
    /// When it last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// How many conversations matched in all; the most recently updated one is this one.
    pub matches: usize,
    /// The `TrackingId` of the search request.
    pub tracking_id: String,
}

/// Engage accepted a new conversation: `onConversationCreated`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Created {
    /// The request id Engage issued (`transId`).
    pub trans_id: String,
    /// The new conversation's id, when Engage already knows it. When it does not, find the
    /// conversation with [`Client::search`] a moment later.
    pub conversation_id: Option<String>,
    /// The `TrackingId` of the request.
    pub tracking_id: String,
}

impl HasOutcome for Created {
    fn outcome(&self) -> Outcome {
        Outcome::OnConversationCreated
    }
}

/// Engage accepted a change (append, update, participants, close, reopen, hold, transfer).
/// The change may finish after the answer; [`outcome()`](HasOutcome::outcome) is the node's
/// success outcome for the operation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Receipt {
    /// What was done.
    pub operation: Operation,
    /// The conversation.
    pub conversation_id: String,
    /// The request id Engage issued (`transId`), when it sent one.
    pub trans_id: Option<String>,
    /// The `TrackingId` of the request.
    pub tracking_id: String,
}

impl HasOutcome for Receipt {
    fn outcome(&self) -> Outcome {
        self.operation.success_outcome()
    }
}

pub(crate) fn check_id(field: &str, id: &str) -> Result<()> {
    non_blank(field, id)?;
    if id.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(())
}

impl Client {
    /// Finds the customer's conversation with the business address: the Search Conversation
    /// node. When several match, the most recently updated one decides the outcome.
    ///
    /// A `404` from Engage counts as [`SearchOutcome::NotFound`], as the node reports
    /// `noConversationFound`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for bad addresses (nothing is sent); [`Error::UnexpectedStatus`]
    /// (`onInvalidChoice`) when the conversation has a status no outcome fits; otherwise see
    /// [`Error`].
    pub async fn search(&self, customer: &Customer) -> Result<SearchOutcome> {
        let operation = Operation::Search;
        let span = tracing::debug_span!("engage.search", channel = %customer.channel());
        async {
            customer.validate()?;
            let query = customer.search_query();
            let reply = match self.send(operation, operation.call()?.query(&query)).await {
                Ok(reply) => reply,
                Err(Error::Api(e)) if e.status == 404 => return Ok(SearchOutcome::NotFound),
                Err(e) => return Err(e),
            };
            let values: Vec<serde_json::Value> = reply.decode(operation)?;
            let matches = values.len();
            let Some(first) = values.into_iter().next() else {
                return Ok(SearchOutcome::NotFound);
            };
            let id = first
                .get("id")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let status = first.get("status").cloned();
            let summary: types::ConversationSummary = match serde_json::from_value(first) {
                Ok(summary) => summary,
                // Tell a status no outcome fits apart from a malformed body.
                Err(_)
                    if !id.is_empty() && matches!(status, Some(serde_json::Value::String(_))) =>
                {
                    return Err(Error::UnexpectedStatus {
                        operation,
                        conversation_id: id,
                        status: status.and_then(|s| s.as_str().map(str::to_owned)),
                    });
                }
                Err(e) => {
                    return Err(Error::Decode {
                        operation,
                        message: e.to_string(),
                        body: crate::error::truncate(&String::from_utf8_lossy(&reply.body)),
                    });
                }
            };
            let found = FoundConversation {
                conversation_id: summary.id,
                alias_id: summary.alias_id,
                team_id: summary.team_id,
                assignee: summary.user_id,
                channel: summary.channel,
                updated_at: summary.updated_at,
                matches,
                tracking_id: reply.tracking_id,
            };
            Ok(match summary.status {
                Some(types::ConversationStatus::Active) => SearchOutcome::Active(found),
                Some(types::ConversationStatus::Queued) => SearchOutcome::InQueue(found),
                Some(types::ConversationStatus::Onhold) => SearchOutcome::OnHold(found),
                Some(types::ConversationStatus::Closed) => SearchOutcome::Closed(found),
                Some(types::ConversationStatus::Unknown(status)) => {
                    return Err(Error::UnexpectedStatus {
                        operation,
                        conversation_id: found.conversation_id,
                        status: Some(status),
                    });
                }
                None => {
                    return Err(Error::UnexpectedStatus {
                        operation,
                        conversation_id: found.conversation_id,
                        status: None,
                    });
                }
            })
        }
        .instrument(span)
        .await
    }

    /// Creates a conversation and queues it for routing: the Create Conversation node.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a bad customer, message or custom field (nothing is sent);
    /// otherwise see [`Error`] (`409` when the customer already has an open conversation is
    /// `onConversationFailed`).
    pub async fn create(&self, conversation: NewConversation) -> Result<Created> {
        let operation = Operation::Create;
        let span = tracing::debug_span!(
            "engage.create",
            channel = %conversation.customer().channel()
        );
        async {
            conversation.validate()?;
            let body = conversation.to_wire();
            let reply = self.send(operation, operation.call()?.json(&body)).await?;
            let created: types::CreateConversationResponse = reply.decode(operation)?;
            Ok(Created {
                trans_id: created.trans_id,
                conversation_id: created.conversation_id,
                tracking_id: reply.tracking_id,
            })
        }
        .instrument(span)
        .await
    }

    /// Appends messages, in order: the Append Message node.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for no messages or a bad one (nothing is sent); otherwise see
    /// [`Error`].
    pub async fn append(
        &self,
        conversation_id: &str,
        messages: impl IntoIterator<Item = Message>,
    ) -> Result<Receipt> {
        let messages: Vec<Message> = messages.into_iter().collect();
        let check = check_message_list(&messages);
        let body = types::AppendMessagesRequest {
            messages: messages.into_iter().map(Into::into).collect(),
        };
        self.change(Operation::Append, conversation_id, check, |call| {
            call.json(&body)
        })
        .await
    }

    /// Changes the alias id and/or custom fields: the Update Conversation node.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty or bad update (nothing is sent); otherwise see
    /// [`Error`].
    pub async fn update(
        &self,
        conversation_id: &str,
        update: ConversationUpdate,
    ) -> Result<Receipt> {
        let body = update.to_wire();
        self.change(
            Operation::Update,
            conversation_id,
            update.validate(),
            |call| call.json(&body),
        )
        .await
    }

    /// Adds an agent (the WxCC agent id from the routing event) to the conversation: the Add
    /// Participant node.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a blank agent id (nothing is sent); otherwise see [`Error`].
    pub async fn add_participant(&self, conversation_id: &str, agent_id: &str) -> Result<Receipt> {
        let body = types::AddParticipantRequest {
            participant_id: agent_id.to_owned(),
        };
        let check = check_id("participantId", agent_id);
        self.change(Operation::AddParticipant, conversation_id, check, |call| {
            call.json(&body)
        })
        .await
    }

    /// Removes an agent from the conversation: the Remove Participant node.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a blank agent id, or one that cannot be a path segment (`.`,
    /// `..`; nothing is sent); otherwise see [`Error`].
    pub async fn remove_participant(
        &self,
        conversation_id: &str,
        agent_id: &str,
    ) -> Result<Receipt> {
        let check = check_id("participantId", agent_id);
        self.change(
            Operation::RemoveParticipant,
            conversation_id,
            check,
            |call| call.path_param("participantId", agent_id),
        )
        .await
    }

    /// Closes the conversation: the Close Conversation node.
    ///
    /// # Errors
    ///
    /// See [`Error`] (`409` when it is already closed is `onCloseConversationFailure`).
    pub async fn close(&self, conversation_id: &str) -> Result<Receipt> {
        self.change(Operation::Close, conversation_id, Ok(()), |call| call)
            .await
    }

    /// Reopens a closed conversation, which queues it again: the Re-open Conversation node.
    /// Live chat conversations never reopen.
    ///
    /// # Errors
    ///
    /// See [`Error`] (`409` for a conversation that is not closed, or a live chat, is
    /// `conversationReopenFailed`).
    pub async fn reopen(&self, conversation_id: &str) -> Result<Receipt> {
        self.change(Operation::Reopen, conversation_id, Ok(()), |call| call)
            .await
    }

    /// Puts the conversation on hold: the Hold node (standalone Engage).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn hold(&self, conversation_id: &str) -> Result<Receipt> {
        self.change(Operation::Hold, conversation_id, Ok(()), |call| call)
            .await
    }

    /// Moves the conversation to a team or skill queue: the Transfer node (standalone Engage).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a blank queue id (nothing is sent); otherwise see [`Error`].
    pub async fn transfer(&self, conversation_id: &str, queue: Queue) -> Result<Receipt> {
        let operation = match queue {
            Queue::Team(_) => Operation::TransferToTeam,
            Queue::Skill(_) => Operation::TransferToSkill,
        };
        let body = queue.to_wire();
        let check = check_id("queueId", queue.id());
        self.change(operation, conversation_id, check, |call| call.json(&body))
            .await
    }

    /// One change to one conversation: refuses bad input (`check`, and the conversation id),
    /// sends the operation with what `fill` adds (a body, another path parameter), reads the
    /// receipt.
    async fn change<'a>(
        &self,
        operation: Operation,
        conversation_id: &'a str,
        check: Result<()>,
        fill: impl FnOnce(Call<'a>) -> Call<'a>,
    ) -> Result<Receipt> {
        let span = tracing::debug_span!(
            "engage.change",
            operation = operation.operation_id(),
            conversation_id
        );
        async {
            check_id("conversationId", conversation_id)?;
            check?;
            let call = operation
                .call()?
                .path_param("conversationId", conversation_id);
            let reply = self.send(operation, fill(call)).await?;
            let trans_id = if reply.body.iter().all(u8::is_ascii_whitespace) {
                None
            } else {
                Some(
                    reply
                        .decode::<types::TransactionReceipt>(operation)?
                        .trans_id,
                )
            };
            Ok(Receipt {
                operation,
                conversation_id: conversation_id.to_owned(),
                trans_id,
                tracking_id: reply.tracking_id,
            })
        }
        .instrument(span)
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(conversation_id: &str) -> Result<String> {
        Operation::Close
            .call()?
            .path_param("conversationId", conversation_id)
            .path()
            .map_err(|e| Error::from_call(Operation::Close, wxcc_auth::CallError::Path(e)))
    }

    #[test]
    fn path_segments_are_escaped() {
        let segment = |value| {
            let path = path(value).unwrap();
            path["/conversations/".len()..path.len() - "/close".len()].to_owned()
        };
        assert_eq!(segment("c-1_a.b~"), "c-1_a.b~");
        assert_eq!(segment("a/b c?"), "a%2Fb%20c%3F");
        assert_eq!(segment("é"), "%C3%A9");
        assert_eq!(segment("#%..."), "%23%25...");
    }

    #[test]
    fn dot_and_empty_segments_are_refused() {
        for value in ["", ".", ".."] {
            assert!(matches!(
                path(value),
                Err(Error::InvalidInput { field, .. }) if field == "conversationId"
            ));
        }
    }
}
