//! End to end against the local emulator (`wxcc-sandbox`): the conversation state machine,
//! transcript paging and a rotated tenant secret, through the real token flow.

use engage_sdk::{
    Client, ConversationUpdate, CustomField, Customer, Error, HasOutcome, Message, NewConversation,
    Outcome, Queue, SearchOutcome,
};
use futures_util::TryStreamExt;
use wxcc_auth::{Credentials, NodeAuthorization, NodeAuthorizations, Status};
use wxcc_sandbox::Sandbox;

const NODE: &str = "engage-sandbox";

fn connect(sandbox: &Sandbox) -> (NodeAuthorizations, NodeAuthorization, Client) {
    let tenant = sandbox.credentials().engage;
    let registry = NodeAuthorizations::builder(sandbox.engage_token_url())
        .build()
        .unwrap();
    let node = registry
        .add(
            NODE,
            Credentials::client_credentials(tenant.tenant_id, tenant.tenant_secret),
        )
        .unwrap();
    let client = Client::builder()
        .base_url(sandbox.engage_base())
        .node_authorization(node.clone())
        .build()
        .unwrap();
    (registry, node, client)
}

#[tokio::test]
async fn a_conversation_goes_through_every_node_and_its_outcomes() {
    let sandbox = Sandbox::start().await.unwrap();
    let known = sandbox.credentials().known;
    let (_registry, _node, client) = connect(&sandbox);
    let customer = Customer::whatsapp("+447700900123", "+447700900000").name("Ada Lovelace");

    let found = client.search(&customer).await.unwrap();
    assert_eq!(found.outcome(), Outcome::NoConversationFound);

    let created = client
        .create(
            NewConversation::new(customer.clone())
                .alias_id("ticket-1")
                .message(Message::inbound_text("Where is my order?").unwrap())
                .custom_field(CustomField::conversation("orderNumber", "A-10023")),
        )
        .await
        .unwrap();
    assert_eq!(created.outcome(), Outcome::OnConversationCreated);
    let id = created.conversation_id.clone().unwrap();

    // One open conversation per customer and business address.
    let again = client.create(NewConversation::new(customer.clone())).await;
    assert_eq!(again.outcome(), Outcome::OnConversationFailed);
    assert_eq!(again.unwrap_err().status(), Some(409));

    let found = client.search(&customer).await.unwrap();
    assert_eq!(found.outcome(), Outcome::ConversationInQueue);
    let conversation = found.conversation().unwrap();
    assert_eq!(conversation.conversation_id, id);
    assert_eq!(conversation.alias_id.as_deref(), Some("ticket-1"));
    assert!(conversation.team_id.is_some());
    assert_eq!(
        conversation.assignee, None,
        "nobody is assigned while queued"
    );

    let receipt = client
        .append(
            &id,
            [Message::inbound_text("It was due yesterday").unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(receipt.outcome(), Outcome::OnAppendMessageSuccess);
    assert!(receipt.trans_id.is_some());

    let update = client
        .update(&id, ConversationUpdate::new().alias_id("ticket-2"))
        .await;
    assert_eq!(update.outcome(), Outcome::OnConversationUpdatedSuccess);

    let added = client.add_participant(&id, &known.last_agent_id).await;
    assert_eq!(added.outcome(), Outcome::OnAddParticipantSuccess);
    let twice = client.add_participant(&id, &known.last_agent_id).await;
    assert_eq!(twice.outcome(), Outcome::OnAddParticipantFailure);
    let unknown_agent = client.add_participant(&id, "no-such-agent").await;
    assert_eq!(unknown_agent.outcome(), Outcome::OnAddParticipantFailure);

    let found = client.search(&customer).await.unwrap();
    assert_eq!(found.outcome(), Outcome::ConversationActive);
    let conversation = found.conversation().unwrap();
    assert_eq!(
        conversation.assignee.as_deref(),
        Some(known.last_agent_id.as_str())
    );
    assert_eq!(conversation.alias_id.as_deref(), Some("ticket-2"));

    assert_eq!(client.hold(&id).await.outcome(), Outcome::Success);
    assert_eq!(client.hold(&id).await.outcome(), Outcome::Failure);
    assert!(matches!(
        client.search(&customer).await.unwrap(),
        SearchOutcome::OnHold(_)
    ));

    let transferred = client.transfer(&id, Queue::team(&known.team_id)).await;
    assert_eq!(transferred.outcome(), Outcome::OnConversationTransferred);
    let to_nowhere = client.transfer(&id, Queue::skill("no-such-skill")).await;
    assert_eq!(to_nowhere.outcome(), Outcome::Failure);
    assert_eq!(
        client.search(&customer).await.unwrap().outcome(),
        Outcome::ConversationInQueue
    );

    assert_eq!(
        client
            .add_participant(&id, &known.last_agent_id)
            .await
            .outcome(),
        Outcome::OnAddParticipantSuccess
    );
    assert_eq!(
        client
            .remove_participant(&id, &known.last_agent_id)
            .await
            .outcome(),
        Outcome::OnParticipantRemoved
    );
    assert_eq!(
        client
            .remove_participant(&id, &known.last_agent_id)
            .await
            .outcome(),
        Outcome::OnRemoveParticipantFailure
    );

    assert_eq!(
        client.reopen(&id).await.outcome(),
        Outcome::ConversationReopenFailed
    );
    assert_eq!(
        client.close(&id).await.outcome(),
        Outcome::OnConversationClosed
    );
    assert_eq!(
        client.close(&id).await.outcome(),
        Outcome::OnCloseConversationFailure
    );
    let appended = client
        .append(&id, [Message::inbound_text("Hello?").unwrap()])
        .await;
    assert_eq!(appended.outcome(), Outcome::OnAppendMessageFailure);
    assert_eq!(
        client.search(&customer).await.unwrap().outcome(),
        Outcome::ConversationClosed
    );
    assert_eq!(
        client.reopen(&id).await.outcome(),
        Outcome::ConversationReopened
    );
    assert_eq!(
        client.search(&customer).await.unwrap().outcome(),
        Outcome::ConversationInQueue
    );

    let texts: Vec<_> = client
        .transcript(&id)
        .map_ok(|m| m.text().unwrap_or_default().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(texts, ["Where is my order?", "It was due yesterday"]);

    assert_eq!(
        client.close("no-such-conversation").await.outcome(),
        Outcome::OnCloseConversationFailure
    );
}

#[tokio::test]
async fn live_chat_never_reopens() {
    let sandbox = Sandbox::start().await.unwrap();
    let (_registry, _node, client) = connect(&sandbox);
    let chat = Customer::live_chat("visitor-42", "app-7", "thread-9");
    let created = client
        .create(NewConversation::new(chat.clone()))
        .await
        .unwrap();
    let id = created.conversation_id.unwrap();
    client.close(&id).await.unwrap();
    let reopened = client.reopen(&id).await;
    assert_eq!(reopened.outcome().to_string(), "conversationReopenFailed");
    assert_eq!(reopened.unwrap_err().status(), Some(409));
    let found = client.search(&chat).await.unwrap();
    assert_eq!(found.outcome(), Outcome::ConversationClosed);
}

#[tokio::test]
async fn a_transcript_of_1234_messages_arrives_in_order_in_three_pages() {
    let sandbox = Sandbox::start().await.unwrap();
    let (_registry, _node, client) = connect(&sandbox);
    let seeded = sandbox.seed_conversation(1234);
    let pattern = format!("/engage/api/v1/conversations/{}/messages", seeded.id);
    let messages: Vec<_> = client.transcript(&seeded.id).try_collect().await.unwrap();
    assert_eq!(messages.len(), 1234);
    for (i, message) in messages.iter().enumerate() {
        assert_eq!(
            message.text(),
            Some(format!("Message {} of 1234", i + 1).as_str())
        );
    }
    assert_eq!(sandbox.count_requests("GET", &pattern), 3);
}

#[tokio::test]
async fn a_rotated_tenant_secret_needs_reauthorization_then_the_same_client_continues() {
    let sandbox = Sandbox::start().await.unwrap();
    let (registry, node, client) = connect(&sandbox);
    let tenant_id = sandbox.credentials().engage.tenant_id;
    let customer = Customer::sms("+14155550100", "+14155550199");
    assert_eq!(
        client.search(&customer).await.outcome(),
        Outcome::NoConversationFound
    );

    let new_secret = sandbox.rotate_engage_secret();
    let error = client.search(&customer).await.unwrap_err();
    assert_eq!(error.outcome(), Outcome::OnAuthorizationFailure);
    assert!(error.requires_reauthorization(), "{error}");
    assert!(matches!(
        node.status(),
        Status::ReauthorizationRequired { .. }
    ));
    let error = client
        .create(NewConversation::new(customer.clone()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Auth { .. }), "{error:?}");
    assert_eq!(error.outcome(), Outcome::OnAuthorizationFailure);

    registry
        .reauthorize(NODE, Credentials::client_credentials(tenant_id, new_secret))
        .await
        .unwrap();
    let created = client.create(NewConversation::new(customer.clone())).await;
    assert_eq!(created.outcome(), Outcome::OnConversationCreated);
    assert_eq!(
        client.search(&customer).await.outcome(),
        Outcome::ConversationInQueue
    );
}
