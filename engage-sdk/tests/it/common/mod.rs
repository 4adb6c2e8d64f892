//! Shared test setup (included by each test file).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use engage_sdk::{
    Client, ConversationUpdate, CustomField, Customer, Error, HasOutcome, Message, NewConversation,
    Outcome, Queue, Timeouts,
};
use futures_util::TryStreamExt;
use httpmock::{Method, Mock, MockServer};
use serde_json::{Value, json};
use wxcc_auth::{Credentials, NodeAuthorization, NodeAuthorizations, RetryPolicy, StaticToken};

/// The API prefix the mock serves, like the published regions.
pub const API: &str = "/api/v1";
/// The client-credentials token endpoint.
pub const TOKEN_PATH: &str = "/api/v1/oauth/token";
/// The tenant id of the tests.
pub const TENANT: &str = "tenant-1";
/// The name of the node authorization of the tests.
pub const NODE: &str = "engage-test";
/// The conversation most tests act on.
pub const CONVERSATION: &str = "c-1";
/// The WxCC agent of the tests.
pub const AGENT: &str = "agent-7";

/// An HTTP client without timers, for token calls, so tests can pause tokio's clock.
pub fn timerless_http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

/// A client for a mock server, signed with a static token. No timers of its own.
pub fn static_client(server: &MockServer, retry: RetryPolicy, timeouts: Timeouts) -> Client {
    Client::builder()
        .base_url(server.url(API))
        .token_source(StaticToken::new("static", "tok-static"))
        .timeouts(timeouts)
        .retry_policy(retry)
        .build()
        .unwrap()
}

/// Waits, in real time, until `mock` has seen `calls` requests.
///
/// httpmock hands its servers from test to test, and under a paused clock a client timeout
/// fires at once, possibly before the server's own thread has read the request. A test that
/// ended then would leave that request to land on the next test's server and be counted
/// there. Tests that give up on a request call this before dropping their server.
pub async fn wait_for_calls(mock: &Mock<'_>, calls: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while mock.calls_async().await < calls {
        assert!(
            std::time::Instant::now() < deadline,
            "the mock server never saw {calls} request(s)"
        );
        // Real time: tokio's clock may be paused, and the server runs on its own thread.
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// A node authorization registry whose token endpoint is the mock server's.
pub fn registry(server: &MockServer) -> NodeAuthorizations {
    NodeAuthorizations::builder(server.url(TOKEN_PATH))
        .http_client(timerless_http())
        .build()
        .unwrap()
}

/// A client signed by a fresh node authorization with `secret` (see [`token_accepts`]).
pub fn node_client(
    server: &MockServer,
    secret: &str,
    retry: RetryPolicy,
) -> (NodeAuthorizations, NodeAuthorization, Client) {
    let registry = registry(server);
    let node = registry
        .add(NODE, Credentials::client_credentials(TENANT, secret))
        .unwrap();
    let client = Client::builder()
        .base_url(server.url(API))
        .node_authorization(node.clone())
        .timeouts(Timeouts::none())
        .retry_policy(retry)
        .build()
        .unwrap();
    (registry, node, client)
}

/// The token endpoint hands out `token` for the tenant's `secret`.
pub async fn token_accepts<'a>(server: &'a MockServer, secret: &str, token: &str) -> Mock<'a> {
    let (secret, token) = (secret.to_owned(), token.to_owned());
    server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path(TOKEN_PATH)
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("client_id", TENANT)
                .form_urlencoded_tuple("client_secret", secret);
            then.status(200).json_body(json!({
                "access_token": token, "expires_in": 3600, "token_type": "Bearer",
                "scope": ["conversations:read", "conversations:write",
                          "conversations-messages:read", "conversations-messages:write"]
            }));
        })
        .await
}

/// The token endpoint refuses every other request, as after a secret rotation.
pub async fn token_rejects_the_rest(server: &MockServer) -> Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(Method::POST).path(TOKEN_PATH);
            then.status(401).json_body(
                json!({"error": "invalid_client", "error_description": "client authentication failed"}),
            );
        })
        .await
}

/// The JSON body of a recorded request.
pub fn body_of(request: &httpmock::HttpMockRequest) -> Value {
    serde_json::from_slice(request.body().as_ref()).unwrap()
}

/// Every operation of the client, with the request it sends and what it answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Search,
    Create,
    Append,
    Update,
    AddParticipant,
    RemoveParticipant,
    Close,
    Reopen,
    Hold,
    TransferToTeam,
    TransferToSkill,
    Transcript,
}

impl Op {
    pub const ALL: [Op; 12] = [
        Op::Search,
        Op::Create,
        Op::Append,
        Op::Update,
        Op::AddParticipant,
        Op::RemoveParticipant,
        Op::Close,
        Op::Reopen,
        Op::Hold,
        Op::TransferToTeam,
        Op::TransferToSkill,
        Op::Transcript,
    ];

    pub fn method(self) -> Method {
        match self {
            Op::Search | Op::Transcript => Method::GET,
            Op::Update => Method::PATCH,
            Op::RemoveParticipant => Method::DELETE,
            _ => Method::POST,
        }
    }

    /// The full request path on the mock server.
    pub fn path(self) -> String {
        let conversation = format!("{API}/conversations/{CONVERSATION}");
        match self {
            Op::Search | Op::Create => format!("{API}/conversations"),
            Op::Append | Op::Transcript => format!("{conversation}/messages"),
            Op::Update => conversation,
            Op::AddParticipant => format!("{conversation}/participants"),
            Op::RemoveParticipant => format!("{conversation}/participants/{AGENT}"),
            Op::Close => format!("{conversation}/close"),
            Op::Reopen => format!("{conversation}/reopen"),
            Op::Hold => format!("{conversation}/hold"),
            Op::TransferToTeam | Op::TransferToSkill => format!("{conversation}/transfer"),
        }
    }

    /// The status and body of a successful answer.
    pub fn success(self) -> (u16, Value) {
        match self {
            Op::Search => (
                200,
                json!([{"id": CONVERSATION, "status": "active", "aliasId": "ticket-1",
                        "teamId": "team-1", "userId": "ada@example.com", "channel": "sms"}]),
            ),
            Op::Create => (
                202,
                json!({"transId": "t-create", "conversationId": CONVERSATION}),
            ),
            Op::Transcript => (
                200,
                json!({"totalCount": 1, "messages": [{"direction": "inbound", "type": "text", "text": "hi"}]}),
            ),
            _ => (202, json!({"transId": "t-1"})),
        }
    }

    /// The node outcome of success.
    pub fn success_outcome(self) -> Outcome {
        match self {
            Op::Search => Outcome::ConversationActive,
            Op::Create => Outcome::OnConversationCreated,
            Op::Append => Outcome::OnAppendMessageSuccess,
            Op::Update => Outcome::OnConversationUpdatedSuccess,
            Op::AddParticipant => Outcome::OnAddParticipantSuccess,
            Op::RemoveParticipant => Outcome::OnParticipantRemoved,
            Op::Close => Outcome::OnConversationClosed,
            Op::Reopen => Outcome::ConversationReopened,
            Op::Hold | Op::TransferToSkill => Outcome::Success,
            Op::TransferToTeam => Outcome::OnConversationTransferred,
            Op::Transcript => Outcome::TranscriptSuccess,
        }
    }

    /// The node outcome of a 404.
    pub fn not_found_outcome(self) -> Outcome {
        match self {
            Op::Search => Outcome::NoConversationFound,
            Op::Create => Outcome::OnConversationFailed,
            Op::Append => Outcome::OnAppendMessageFailure,
            Op::Update => Outcome::OnConversationUpdatedFailure,
            Op::AddParticipant => Outcome::OnAddParticipantFailure,
            Op::RemoveParticipant => Outcome::OnRemoveParticipantFailure,
            Op::Close => Outcome::OnCloseConversationFailure,
            Op::Reopen => Outcome::ConversationReopenFailed,
            Op::Hold | Op::TransferToSkill | Op::Transcript => Outcome::Failure,
            Op::TransferToTeam => Outcome::OnConversationTransferFailed,
        }
    }

    /// Whether the retry policy may replay it after a 5xx (reads and idempotent methods).
    pub fn replayable(self) -> bool {
        matches!(self, Op::Search | Op::Transcript | Op::RemoveParticipant)
    }

    /// Mocks a successful answer.
    pub async fn mock_success(self, server: &MockServer) -> Mock<'_> {
        let (status, body) = self.success();
        self.mock(server, status, body).await
    }

    /// Mocks an answer.
    pub async fn mock(self, server: &MockServer, status: u16, body: Value) -> Mock<'_> {
        let (method, path) = (self.method(), self.path());
        server
            .mock_async(|when, then| {
                when.method(method).path(path);
                then.status(status).json_body(body);
            })
            .await
    }

    /// Runs the operation with valid input; `Ok` carries the result's outcome.
    pub async fn run(self, client: &Client) -> Result<Outcome, Error> {
        let customer = || Customer::sms("+14155550100", "+14155550199");
        match self {
            Op::Search => client.search(&customer()).await.map(|r| r.outcome()),
            Op::Create => client
                .create(NewConversation::new(customer()))
                .await
                .map(|r| r.outcome()),
            Op::Append => client
                .append(CONVERSATION, [Message::inbound_text("hello").unwrap()])
                .await
                .map(|r| r.outcome()),
            Op::Update => client
                .update(
                    CONVERSATION,
                    ConversationUpdate::new().custom_field(CustomField::conversation("k", "v")),
                )
                .await
                .map(|r| r.outcome()),
            Op::AddParticipant => client
                .add_participant(CONVERSATION, AGENT)
                .await
                .map(|r| r.outcome()),
            Op::RemoveParticipant => client
                .remove_participant(CONVERSATION, AGENT)
                .await
                .map(|r| r.outcome()),
            Op::Close => client.close(CONVERSATION).await.map(|r| r.outcome()),
            Op::Reopen => client.reopen(CONVERSATION).await.map(|r| r.outcome()),
            Op::Hold => client.hold(CONVERSATION).await.map(|r| r.outcome()),
            Op::TransferToTeam => client
                .transfer(CONVERSATION, Queue::team("team-2"))
                .await
                .map(|r| r.outcome()),
            Op::TransferToSkill => client
                .transfer(CONVERSATION, Queue::skill("skill-9"))
                .await
                .map(|r| r.outcome()),
            Op::Transcript => client
                .transcript(CONVERSATION)
                .try_collect::<Vec<_>>()
                .await
                .map(|_| Outcome::TranscriptSuccess),
        }
    }
}

/// The outcome of a run, whichever way it went.
pub fn outcome_of(result: &Result<Outcome, Error>) -> Outcome {
    match result {
        Ok(outcome) => *outcome,
        Err(error) => error.outcome(),
    }
}
