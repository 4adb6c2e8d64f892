//! Webex Connect node outcomes, and which operation reports which.

use std::fmt;
use std::str::FromStr;

/// The outcome a Webex Connect "Webex Engage" node would take for the same call, spelled as the
/// node spells it ([`Display`](fmt::Display) and [`Outcome::as_str`]), so a flow ports one to
/// one: branch on the outcome where the flow branched on the node's edge.
///
/// Every result and every [`Error`](crate::Error) of this crate answers
/// [`outcome()`](HasOutcome::outcome).
///
/// Spellings follow the node tables of the Webex Connect help pages. Where the WxCC palette and
/// the standalone Engage nodes disagree, the standalone spelling wins, since this API is meant
/// for standalone Engage tenants: [`ConversationReopened`](Outcome::ConversationReopened) is
/// `conversationReopened` (the WxCC node writes `ConversationReopened`), and the authorization
/// failure is `onAuthorizationFailure` (node tables abbreviate it `onauthorizationfail`).
/// [`FromStr`] accepts those other spellings too.
///
/// ```
/// use engage_sdk::Outcome;
///
/// assert_eq!(Outcome::NoConversationFound.to_string(), "noConversationFound");
/// assert_eq!(Outcome::OnAddParticipantSuccess.to_string(), "OnAddParticipantSuccess");
/// assert_eq!("ConversationReopened".parse(), Ok(Outcome::ConversationReopened));
/// assert!(Outcome::OnAppendMessageSuccess.is_success());
/// assert!(Outcome::OnTimeout.is_standard());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    // Search Conversation.
    /// Search: the customer has no conversation with this business address.
    NoConversationFound,
    /// Search: the conversation is assigned to an agent.
    ConversationActive,
    /// Search: the conversation waits in a queue.
    ConversationInQueue,
    /// Search: the conversation is on hold.
    ConversationOnHold,
    /// Search: the conversation is closed.
    ConversationClosed,

    // Create Conversation.
    /// Create: Engage accepted the conversation.
    OnConversationCreated,
    /// Create: Engage refused it (for example, one is already open).
    OnConversationFailed,

    // Append Message.
    /// Append: Engage accepted the messages.
    OnAppendMessageSuccess,
    /// Append: Engage refused them.
    OnAppendMessageFailure,

    // Update Conversation.
    /// Update: the alias id or custom fields were changed.
    OnConversationUpdatedSuccess,
    /// Update: the change was refused.
    OnConversationUpdatedFailure,
    /// Fetch transcript (a method of the Update Conversation node): a page was read. Spelled
    /// `success`, in lower case, as that method spells it.
    TranscriptSuccess,

    // Add Participant.
    /// Add participant: the agent was added. Spelled `OnAddParticipantSuccess`, with a capital
    /// `O` unlike the other nodes, as the Add Participant node's outcome table spells it; a flow
    /// matches that text, so it is kept.
    OnAddParticipantSuccess,
    /// Add participant: refused (`OnAddParticipantFailure`, spelled as the node spells it).
    OnAddParticipantFailure,

    // Remove Participant.
    /// Remove participant: the agent was removed.
    OnParticipantRemoved,
    /// Remove participant: refused.
    OnRemoveParticipantFailure,

    // Close Conversation.
    /// Close: the conversation was closed.
    OnConversationClosed,
    /// Close: refused.
    OnCloseConversationFailure,

    // Re-open Conversation.
    /// Reopen: the conversation is queued again.
    ConversationReopened,
    /// Reopen: refused (not closed, or a live chat, which never reopens).
    ConversationReopenFailed,

    // Transfer (team queue).
    /// Transfer to a team queue: done.
    OnConversationTransferred,
    /// Transfer to a team queue: refused.
    OnConversationTransferFailed,

    // Generic outcomes of the standalone nodes (Hold; Transfer to a skill queue).
    /// Hold, or transfer to a skill queue: done.
    Success,
    /// Hold, transfer to a skill queue, or fetch transcript: refused.
    Failure,

    // Standard outcomes of every node.
    /// Processing failed: the service failed, throttled the call past the retry budget, sent
    /// an unusable answer, or could not be reached.
    OnError,
    /// Data was missing or malformed (caught before sending, or a `400` from Engage).
    OnInvalidData,
    /// The service answered with a case the node has no outcome for (for example, a
    /// conversation status this crate does not know).
    OnInvalidChoice,
    /// No answer in time (`408`, or a timeout of this client).
    OnTimeout,
    /// The node authorization is wrong, expired, rejected or lacks access (`401`, `403`).
    OnAuthorizationFailure,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 29] = [
        Outcome::NoConversationFound,
        Outcome::ConversationActive,
        Outcome::ConversationInQueue,
        Outcome::ConversationOnHold,
        Outcome::ConversationClosed,
        Outcome::OnConversationCreated,
        Outcome::OnConversationFailed,
        Outcome::OnAppendMessageSuccess,
        Outcome::OnAppendMessageFailure,
        Outcome::OnConversationUpdatedSuccess,
        Outcome::OnConversationUpdatedFailure,
        Outcome::TranscriptSuccess,
        Outcome::OnAddParticipantSuccess,
        Outcome::OnAddParticipantFailure,
        Outcome::OnParticipantRemoved,
        Outcome::OnRemoveParticipantFailure,
        Outcome::OnConversationClosed,
        Outcome::OnCloseConversationFailure,
        Outcome::ConversationReopened,
        Outcome::ConversationReopenFailed,
        Outcome::OnConversationTransferred,
        Outcome::OnConversationTransferFailed,
        Outcome::Success,
        Outcome::Failure,
        Outcome::OnError,
        Outcome::OnInvalidData,
        Outcome::OnInvalidChoice,
        Outcome::OnTimeout,
        Outcome::OnAuthorizationFailure,
    ];

    /// The node's spelling of the outcome.
    pub const fn as_str(self) -> &'static str {
        match self {
            Outcome::NoConversationFound => "noConversationFound",
            Outcome::ConversationActive => "conversationActive",
            Outcome::ConversationInQueue => "conversationInQueue",
            Outcome::ConversationOnHold => "conversationOnHold",
            Outcome::ConversationClosed => "conversationClosed",
            Outcome::OnConversationCreated => "onConversationCreated",
            Outcome::OnConversationFailed => "onConversationFailed",
            Outcome::OnAppendMessageSuccess => "onAppendMessageSuccess",
            Outcome::OnAppendMessageFailure => "onAppendMessageFailure",
            Outcome::OnConversationUpdatedSuccess => "onConversationUpdatedSuccess",
            Outcome::OnConversationUpdatedFailure => "onConversationUpdatedFailure",
            Outcome::TranscriptSuccess => "success",
            Outcome::OnAddParticipantSuccess => "OnAddParticipantSuccess",
            Outcome::OnAddParticipantFailure => "OnAddParticipantFailure",
            Outcome::OnParticipantRemoved => "onParticipantRemoved",
            Outcome::OnRemoveParticipantFailure => "onRemoveParticipantFailure",
            Outcome::OnConversationClosed => "onConversationClosed",
            Outcome::OnCloseConversationFailure => "onCloseConversationFailure",
            Outcome::ConversationReopened => "conversationReopened",
            Outcome::ConversationReopenFailed => "conversationReopenFailed",
            Outcome::OnConversationTransferred => "onConversationTransferred",
            Outcome::OnConversationTransferFailed => "onConversationTransferFailed",
            Outcome::Success => "Success",
            Outcome::Failure => "Failure",
            Outcome::OnError => "onError",
            Outcome::OnInvalidData => "onInvalidData",
            Outcome::OnInvalidChoice => "onInvalidChoice",
            Outcome::OnTimeout => "onTimeout",
            Outcome::OnAuthorizationFailure => "onAuthorizationFailure",
        }
    }

    /// Whether the node would take a success edge: a found conversation of any status counts,
    /// and so does `noConversationFound` (the search worked; there was nothing to find).
    pub const fn is_success(self) -> bool {
        matches!(
            self,
            Outcome::NoConversationFound
                | Outcome::ConversationActive
                | Outcome::ConversationInQueue
                | Outcome::ConversationOnHold
                | Outcome::ConversationClosed
                | Outcome::OnConversationCreated
                | Outcome::OnAppendMessageSuccess
                | Outcome::OnConversationUpdatedSuccess
                | Outcome::TranscriptSuccess
                | Outcome::OnAddParticipantSuccess
                | Outcome::OnParticipantRemoved
                | Outcome::OnConversationClosed
                | Outcome::ConversationReopened
                | Outcome::OnConversationTransferred
                | Outcome::Success
        )
    }

    /// Whether this is one of the standard outcomes every node has (`onError`,
    /// `onInvalidData`, `onInvalidChoice`, `onTimeout`, `onAuthorizationFailure`).
    pub const fn is_standard(self) -> bool {
        matches!(
            self,
            Outcome::OnError
                | Outcome::OnInvalidData
                | Outcome::OnInvalidChoice
                | Outcome::OnTimeout
                | Outcome::OnAuthorizationFailure
        )
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is no node outcome this crate knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a Webex Engage node outcome this crate knows")]
pub struct UnknownOutcome(pub String);

impl FromStr for Outcome {
    type Err = UnknownOutcome;

    /// Accepts the exact spellings of [`Outcome::as_str`], and the variants other node tables
    /// use: `ConversationReopened`, `ConversationReopenFailed`, `onauthorizationfail`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(outcome) = Outcome::ALL.into_iter().find(|o| o.as_str() == s) {
            return Ok(outcome);
        }
        match s {
            "ConversationReopened" => Ok(Outcome::ConversationReopened),
            "ConversationReopenFailed" => Ok(Outcome::ConversationReopenFailed),
            "onauthorizationfail" | "onAuthorizationFail" => Ok(Outcome::OnAuthorizationFailure),
            _ => Err(UnknownOutcome(s.to_owned())),
        }
    }
}

/// Anything that answers with a node outcome: every result type of this crate, [`Error`], and
/// a `Result` of the two, so `client.close(id).await.outcome()` works whichever way the call
/// went.
///
/// [`Error`]: crate::Error
pub trait HasOutcome {
    /// The node outcome.
    fn outcome(&self) -> Outcome;
}

impl<T: HasOutcome, E: HasOutcome> HasOutcome for Result<T, E> {
    fn outcome(&self) -> Outcome {
        match self {
            Ok(value) => value.outcome(),
            Err(error) => error.outcome(),
        }
    }
}

/// The operations of this crate, each with the node that does the same in a flow and the
/// outcomes that node reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// [`Client::search`](crate::Client::search): the Search Conversation node.
    Search,
    /// [`Client::create`](crate::Client::create): Create Conversation.
    Create,
    /// [`Client::append`](crate::Client::append): Append Message.
    Append,
    /// [`Client::update`](crate::Client::update): Update Conversation.
    Update,
    /// [`Client::add_participant`](crate::Client::add_participant): Add Participant.
    AddParticipant,
    /// [`Client::remove_participant`](crate::Client::remove_participant): Remove Participant.
    RemoveParticipant,
    /// [`Client::close`](crate::Client::close): Close Conversation.
    Close,
    /// [`Client::reopen`](crate::Client::reopen): Re-open Conversation.
    Reopen,
    /// [`Client::hold`](crate::Client::hold): Hold (standalone Engage).
    Hold,
    /// [`Client::transfer`](crate::Client::transfer) to a team queue: Transfer.
    TransferToTeam,
    /// [`Client::transfer`](crate::Client::transfer) to a skill queue: Transfer.
    TransferToSkill,
    /// [`Client::transcript`](crate::Client::transcript): the transcript method of Update
    /// Conversation.
    Transcript,
    /// A call through [`Client::api`](crate::Client::api), the generated client, reported with
    /// [`TypedErrors`](crate::TypedErrors). No node does the same.
    Api,
}

impl Operation {
    /// The operation id in the generated client (the spec's `operationId` in snake case), as
    /// the request signer and the logs know it; `api` for [`Operation::Api`], whose spec operation is not recorded.
    pub const fn operation_id(self) -> &'static str {
        match self.spec() {
            Some(operation) => operation.id,
            None => "api",
        }
    }

    /// The spec operation it sends: method, path template and access class, from
    /// `specs/engage/` through the generated crate (`None` for [`Operation::Api`]).
    pub const fn spec(self) -> Option<&'static wxcc_auth::Operation> {
        use engage_api::operations as ops;
        Some(match self {
            Operation::Search => &ops::SEARCH_CONVERSATIONS,
            Operation::Create => &ops::CREATE_CONVERSATION,
            Operation::Append => &ops::APPEND_MESSAGES,
            Operation::Update => &ops::UPDATE_CONVERSATION,
            Operation::AddParticipant => &ops::ADD_PARTICIPANT,
            Operation::RemoveParticipant => &ops::REMOVE_PARTICIPANT,
            Operation::Close => &ops::CLOSE_CONVERSATION,
            Operation::Reopen => &ops::REOPEN_CONVERSATION,
            Operation::Hold => &ops::HOLD_CONVERSATION,
            Operation::TransferToTeam | Operation::TransferToSkill => &ops::TRANSFER_CONVERSATION,
            Operation::Transcript => &ops::GET_TRANSCRIPT,
            Operation::Api => return None,
        })
    }

    /// A call of its spec operation.
    pub(crate) fn call(self) -> crate::Result<wxcc_auth::Call<'static>> {
        match self.spec() {
            Some(operation) => Ok(wxcc_auth::Call::new(operation)),
            None => Err(crate::Error::Config(format!(
                "`{self}` names no spec operation; send it through Client::api"
            ))),
        }
    }

    /// The Webex Connect node that does the same.
    pub const fn node(self) -> &'static str {
        match self {
            Operation::Search => "Search Conversation",
            Operation::Create => "Create Conversation",
            Operation::Append => "Append Message",
            Operation::Update | Operation::Transcript => "Update Conversation",
            Operation::AddParticipant => "Add Participant",
            Operation::RemoveParticipant => "Remove Participant",
            Operation::Close => "Close Conversation",
            Operation::Reopen => "Re-open Conversation",
            Operation::Hold => "Hold",
            Operation::TransferToTeam | Operation::TransferToSkill => "Transfer",
            Operation::Api => "(none: a generated client call)",
        }
    }

    /// The outcome of a successful call. For [`Operation::Search`] it depends on what was
    /// found; this answers `conversationActive`, and [`SearchOutcome`](crate::SearchOutcome)
    /// gives the real one.
    pub const fn success_outcome(self) -> Outcome {
        match self {
            Operation::Search => Outcome::ConversationActive,
            Operation::Create => Outcome::OnConversationCreated,
            Operation::Append => Outcome::OnAppendMessageSuccess,
            Operation::Update => Outcome::OnConversationUpdatedSuccess,
            Operation::AddParticipant => Outcome::OnAddParticipantSuccess,
            Operation::RemoveParticipant => Outcome::OnParticipantRemoved,
            Operation::Close => Outcome::OnConversationClosed,
            Operation::Reopen => Outcome::ConversationReopened,
            Operation::Hold | Operation::TransferToSkill => Outcome::Success,
            Operation::TransferToTeam => Outcome::OnConversationTransferred,
            Operation::Transcript => Outcome::TranscriptSuccess,
            Operation::Api => Outcome::Success,
        }
    }

    /// The node-specific outcome of a refusal that is none of the standard cases: a `404`, a
    /// `409` conflict, or another status with no standard outcome. The Search node has no
    /// failure edge; a conversation it cannot find is `noConversationFound`.
    pub const fn failure_outcome(self) -> Outcome {
        match self {
            Operation::Search => Outcome::NoConversationFound,
            Operation::Create => Outcome::OnConversationFailed,
            Operation::Append => Outcome::OnAppendMessageFailure,
            Operation::Update => Outcome::OnConversationUpdatedFailure,
            Operation::AddParticipant => Outcome::OnAddParticipantFailure,
            Operation::RemoveParticipant => Outcome::OnRemoveParticipantFailure,
            Operation::Close => Outcome::OnCloseConversationFailure,
            Operation::Reopen => Outcome::ConversationReopenFailed,
            Operation::Hold
            | Operation::TransferToSkill
            | Operation::Transcript
            | Operation::Api => Outcome::Failure,
            Operation::TransferToTeam => Outcome::OnConversationTransferFailed,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::Search => "search",
            Operation::Create => "create",
            Operation::Append => "append",
            Operation::Update => "update",
            Operation::AddParticipant => "add participant",
            Operation::RemoveParticipant => "remove participant",
            Operation::Close => "close",
            Operation::Reopen => "reopen",
            Operation::Hold => "hold",
            Operation::TransferToTeam => "transfer to a team queue",
            Operation::TransferToSkill => "transfer to a skill queue",
            Operation::Transcript => "fetch transcript",
            Operation::Api => "generated client call",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_parses_back_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for outcome in Outcome::ALL {
            assert_eq!(outcome.as_str().parse(), Ok(outcome));
            assert!(seen.insert(outcome.as_str()), "{outcome} twice");
        }
        assert_eq!(seen.len(), Outcome::ALL.len());
        assert_eq!(
            "onauthorizationfail".parse(),
            Ok(Outcome::OnAuthorizationFailure)
        );
        assert!("onSomething".parse::<Outcome>().is_err());
    }

    #[test]
    fn success_and_failure_outcomes_are_on_the_right_side() {
        for op in [
            Operation::Create,
            Operation::Append,
            Operation::Update,
            Operation::AddParticipant,
            Operation::RemoveParticipant,
            Operation::Close,
            Operation::Reopen,
            Operation::Hold,
            Operation::TransferToTeam,
            Operation::TransferToSkill,
            Operation::Transcript,
        ] {
            assert!(op.success_outcome().is_success(), "{op}");
            assert!(!op.failure_outcome().is_success(), "{op}");
            assert!(!op.failure_outcome().is_standard(), "{op}");
        }
    }
}
