//! Every operation's request and success outcome, against a mocked Engage.

use crate::common;

use common::{AGENT, API, CONVERSATION, Op};
use engage_sdk::{
    Attachment, Buttons, Channel, ConversationUpdate, CustomField, Customer, HasOutcome, Message,
    NewConversation, Outcome, Queue, SearchOutcome,
};
use httpmock::{Method, MockServer};
use serde_json::json;
use wxcc_auth::RetryPolicy;

#[tokio::test]
async fn every_operation_reports_its_success_outcome_and_signs_with_the_node_authorization() {
    for op in Op::ALL {
        let server = MockServer::start_async().await;
        let token = common::token_accepts(&server, "secret-1", "tok-1").await;
        let (status, body) = op.success();
        let (method, path) = (op.method(), op.path());
        let api = server
            .mock_async(|when, then| {
                when.method(method)
                    .path(path)
                    .header("authorization", "Bearer tok-1")
                    .header_exists("TrackingId");
                then.status(status).json_body(body);
            })
            .await;
        let (_registry, _node, client) =
            common::node_client(&server, "secret-1", RetryPolicy::none());
        let result = op.run(&client).await;
        assert_eq!(
            result.as_ref().ok(),
            Some(&op.success_outcome()),
            "{op:?}: {result:?}"
        );
        api.assert_calls_async(1).await;
        token.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn search_sends_the_address_pair_and_channel_context_and_maps_every_status() {
    let server = MockServer::start_async().await;
    common::token_accepts(&server, "secret-1", "tok-1").await;
    let (_r, _n, client) = common::node_client(&server, "secret-1", RetryPolicy::none());
    let cases = [
        ("active", Outcome::ConversationActive),
        ("queued", Outcome::ConversationInQueue),
        ("onhold", Outcome::ConversationOnHold),
        ("closed", Outcome::ConversationClosed),
    ];
    for (status, outcome) in cases {
        let mock = server
            .mock_async(|when, then| {
                when.method(Method::GET)
                    .path(format!("{API}/conversations"))
                    .query_param("channel", "email")
                    .query_param("customerAddress", "ada@example.com")
                    .query_param("bizAddress", "help@example.com")
                    .query_param("subject", "Order A-1")
                    .query_param("inReplyTo", "<m1@example.com>");
                then.status(200).json_body(json!([
                    {"id": "c-new", "status": status, "aliasId": "ticket-1", "teamId": "team-1",
                     "userId": "ada.agent@example.com", "channel": "email",
                     "updatedAt": "2026-01-15T09:30:00Z"},
                    {"id": "c-old", "status": "closed"}
                ]));
            })
            .await;
        let customer = Customer::email("ada@example.com", "help@example.com")
            .subject("Order A-1")
            .in_reply_to("<m1@example.com>");
        let found = client.search(&customer).await.unwrap();
        assert_eq!(found.outcome(), outcome);
        let conversation = found.conversation().unwrap();
        assert_eq!(conversation.conversation_id, "c-new");
        assert_eq!(conversation.alias_id.as_deref(), Some("ticket-1"));
        assert_eq!(conversation.team_id.as_deref(), Some("team-1"));
        assert_eq!(
            conversation.assignee.as_deref(),
            Some("ada.agent@example.com")
        );
        assert_eq!(conversation.channel, Some(Channel::Email));
        assert_eq!(conversation.matches, 2);
        assert_eq!(found.is_open(), status != "closed");
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn search_without_matches_is_no_conversation_found() {
    let server = MockServer::start_async().await;
    common::token_accepts(&server, "secret-1", "tok-1").await;
    let (_r, _n, client) = common::node_client(&server, "secret-1", RetryPolicy::none());
    let mock = server
        .mock_async(|when, then| {
            when.path(format!("{API}/conversations"))
                .query_param("channel", "livechat")
                .query_param("customerAddress", "visitor-42")
                .query_param("bizAddress", "app-7")
                .query_param("threadId", "thread-9")
                .query_param("userId", "visitor-42");
            then.status(200).json_body(json!([]));
        })
        .await;
    let found = client
        .search(&Customer::live_chat("visitor-42", "app-7", "thread-9"))
        .await
        .unwrap();
    assert_eq!(found, SearchOutcome::NotFound);
    assert_eq!(found.outcome().to_string(), "noConversationFound");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn create_sends_customer_messages_and_custom_fields() {
    let server = MockServer::start_async().await;
    common::token_accepts(&server, "secret-1", "tok-1").await;
    let (_r, _n, client) = common::node_client(&server, "secret-1", RetryPolicy::none());
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path(format!("{API}/conversations"))
                .json_body(json!({
                    "aliasId": "ticket-881",
                    "channel": "whatsapp",
                    "bizAddress": "+447700900000",
                    "customer": {"address": "+447700900123", "name": "Ada Lovelace"},
                    "messages": [
                        {"direction": "inbound", "type": "text", "text": "Where is my order?"},
                        {"direction": "outbound", "type": "wab-buttons", "attemptGwDelivery": true,
                         "wabButtons": {"body": {"text": "Track it?"},
                            "action": {"buttons": [{"type": "reply", "reply": {"id": "yes", "title": "Yes"}}]}}}
                    ],
                    "customFields": [
                        {"scope": "Conversation", "key": "orderNumber", "value": "A-10023"},
                        {"scope": "Profile", "key": "tier", "value": "gold"}
                    ]
                }));
            then.status(202).json_body(json!({"transId": "t-9"}));
        })
        .await;
    let conversation = NewConversation::new(
        Customer::whatsapp("+447700900123", "+447700900000").name("Ada Lovelace"),
    )
    .alias_id("ticket-881")
    .message(Message::inbound_text("Where is my order?").unwrap())
    .message(
        Message::outbound()
            .whatsapp_buttons(Buttons::new("Track it?").button("yes", "Yes"))
            .deliver(true)
            .build()
            .unwrap(),
    )
    .custom_field(CustomField::conversation("orderNumber", "A-10023"))
    .custom_field(CustomField::profile("tier", "gold"));
    let created = client.create(conversation).await.unwrap();
    assert_eq!(created.outcome(), Outcome::OnConversationCreated);
    assert_eq!(created.trans_id, "t-9");
    assert_eq!(created.conversation_id, None, "Engage did not know it yet");
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn changes_send_their_bodies_and_carry_the_trans_id() {
    let server = MockServer::start_async().await;
    common::token_accepts(&server, "secret-1", "tok-1").await;
    let (_r, _n, client) = common::node_client(&server, "secret-1", RetryPolicy::none());
    let conversation = format!("{API}/conversations/{CONVERSATION}");

    let append = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path(format!("{conversation}/messages"))
                .json_body(json!({"messages": [
                    {"direction": "announcement", "type": "text", "text": "**Ada** joined"},
                    {"direction": "outbound", "type": "text-with-attachments", "text": "Here it is",
                     "attachments": [{"fileUrl": "https://files.example.com/i.pdf", "fileName": "i.pdf",
                                      "mimeType": "application/pdf", "dropped": false}]}
                ]}));
            then.status(202).json_body(json!({"transId": "t-append"}));
        })
        .await;
    let receipt = client
        .append(
            CONVERSATION,
            [
                Message::announcement_text("**Ada** joined").unwrap(),
                Message::outbound()
                    .text("Here it is")
                    .attachment(Attachment::new(
                        "https://files.example.com/i.pdf",
                        "i.pdf",
                        "application/pdf",
                    ))
                    .build()
                    .unwrap(),
            ],
        )
        .await
        .unwrap();
    assert_eq!(receipt.outcome(), Outcome::OnAppendMessageSuccess);
    assert_eq!(receipt.trans_id.as_deref(), Some("t-append"));
    assert_eq!(receipt.conversation_id, CONVERSATION);
    append.assert_calls_async(1).await;

    let update = server
        .mock_async(|when, then| {
            when.method(Method::PATCH)
                .path(&conversation)
                .json_body(json!({"aliasId": "ticket-2", "customFields": [{"scope": "Profile", "key": "tier", "value": "gold"}]}));
            then.status(202).json_body(json!({"transId": "t-update"}));
        })
        .await;
    let update_result = client
        .update(
            CONVERSATION,
            ConversationUpdate::new()
                .alias_id("ticket-2")
                .custom_field(CustomField::profile("tier", "gold")),
        )
        .await;
    assert_eq!(
        update_result.outcome(),
        Outcome::OnConversationUpdatedSuccess
    );
    update.assert_calls_async(1).await;

    let add = server
        .mock_async(|when, then| {
            when.method(Method::POST)
                .path(format!("{conversation}/participants"))
                .json_body(json!({"participantId": AGENT}));
            then.status(202).json_body(json!({"transId": "t-add"}));
        })
        .await;
    assert_eq!(
        client
            .add_participant(CONVERSATION, AGENT)
            .await
            .outcome()
            .to_string(),
        "OnAddParticipantSuccess"
    );
    add.assert_calls_async(1).await;

    for (queue, kind, outcome) in [
        (Queue::team("team-2"), "team", "onConversationTransferred"),
        (Queue::skill("skill-9"), "skill", "Success"),
    ] {
        let id = match &queue {
            Queue::Team(id) | Queue::Skill(id) => id.clone(),
        };
        let transfer = server
            .mock_async(|when, then| {
                when.method(Method::POST)
                    .path(format!("{conversation}/transfer"))
                    .json_body(json!({"queueType": kind, "queueId": id}));
                then.status(202).json_body(json!({"transId": "t-transfer"}));
            })
            .await;
        assert_eq!(
            client
                .transfer(CONVERSATION, queue)
                .await
                .outcome()
                .to_string(),
            outcome
        );
        transfer.assert_calls_async(1).await;
        transfer.delete_async().await;
    }
}

#[tokio::test]
async fn ids_are_escaped_in_paths_and_an_empty_success_body_is_fine() {
    let server = MockServer::start_async().await;
    common::token_accepts(&server, "secret-1", "tok-1").await;
    let (_r, _n, client) = common::node_client(&server, "secret-1", RetryPolicy::none());
    let mock = server
        .mock_async(|when, then| {
            when.method(Method::DELETE)
                .path(format!("{API}/conversations/c%2F1/participants/agent%20x"));
            then.status(204);
        })
        .await;
    let receipt = client.remove_participant("c/1", "agent x").await.unwrap();
    assert_eq!(receipt.outcome(), Outcome::OnParticipantRemoved);
    assert_eq!(receipt.trans_id, None);
    mock.assert_calls_async(1).await;
}
