//! Tests of the message types: validation, builders and the wire round trip.

use super::*;
use serde_json::json;

fn field_of(result: Result<Message>) -> String {
    match result {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[test]
fn text_messages_serialize_as_the_engage_message_object() {
    let message = Message::outbound()
        .text("Your invoice is attached.")
        .attachment(Attachment::new(
            "https://files.example.com/invoice.pdf",
            "invoice.pdf",
            "application/pdf",
        ))
        .alias_id("msg-001")
        .deliver(true)
        .timestamp("2026-01-15T09:30:00Z".parse().unwrap())
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&message).unwrap(),
        json!({
            "aliasId": "msg-001", "direction": "outbound", "type": "text-with-attachments",
            "text": "Your invoice is attached.",
            "attachments": [{"mimeType": "application/pdf", "fileName": "invoice.pdf",
                "fileUrl": "https://files.example.com/invoice.pdf", "dropped": false}],
            "timestamp": "2026-01-15T09:30:00Z", "attemptGwDelivery": true
        })
    );
    let back: Message = serde_json::from_value(serde_json::to_value(&message).unwrap()).unwrap();
    assert_eq!(back, message);
}

#[test]
fn the_builder_refuses_what_engage_would_refuse() {
    assert_eq!(field_of(Message::inbound_text("  ")), "text");
    assert_eq!(field_of(Message::inbound().build()), "text");
    assert_eq!(
        field_of(
            Message::announcement()
                .attachment(Attachment::new(
                    "https://x.example/a.png",
                    "a.png",
                    "image/png"
                ))
                .build()
        ),
        "type"
    );
    assert_eq!(
        field_of(Message::inbound().text("hi").deliver(true).build()),
        "attemptGwDelivery"
    );
    let mut with_url = Attachment::dropped("a.png", "image/png");
    with_url.file_url = Some("https://x.example/a.png".into());
    assert_eq!(
        field_of(Message::inbound().attachment(with_url).build()),
        "attachments[0].fileUrl"
    );
    let mut no_url = Attachment::new("", "a.png", "image/png");
    no_url.file_url = None;
    assert_eq!(
        field_of(Message::inbound().attachment(no_url).build()),
        "attachments[0].fileUrl"
    );
    assert_eq!(
        field_of(
            Message::inbound()
                .attachment(Attachment::new("ftp://x.example/a", "a", "image/png"))
                .build()
        ),
        "attachments[0].fileUrl"
    );
    assert_eq!(
        field_of(
            Message::inbound()
                .attachment(Attachment::new("https://x.example/a", "a", "png"))
                .build()
        ),
        "attachments[0].mimeType"
    );
    assert_eq!(
        field_of(Message::outbound().whatsapp_reply("yes", "Yes").build()),
        "direction"
    );
    assert_eq!(
        field_of(
            Message::outbound()
                .text("x")
                .whatsapp_buttons(Buttons::new("b").button("a", "A"))
                .build()
        ),
        "type"
    );
}

#[test]
fn dropped_attachments_are_accepted_and_sent_with_an_empty_url() {
    let message = Message::inbound()
        .attachment(Attachment::dropped("photo.jpg", "image/jpeg"))
        .build()
        .unwrap();
    let wire = serde_json::to_value(&message).unwrap();
    assert_eq!(wire["type"], "attachments");
    assert_eq!(wire["attachments"][0]["fileUrl"], "");
    assert_eq!(wire["attachments"][0]["dropped"], true);
    let back: Message = serde_json::from_value(wire).unwrap();
    assert_eq!(back.attachments()[0].file_url(), None);
}

#[test]
fn whatsapp_limits_are_enforced() {
    let title21 = "x".repeat(21);
    assert_eq!(
        field_of(
            Message::outbound()
                .whatsapp_buttons(Buttons::new("b").button("a", title21))
                .build()
        ),
        "wabButtons.action.buttons[0].reply.title"
    );
    assert_eq!(
        field_of(
            Message::outbound()
                .whatsapp_buttons(Buttons::new("b"))
                .build()
        ),
        "wabButtons.action.buttons"
    );
    assert_eq!(
        field_of(
            Message::outbound()
                .whatsapp_buttons(Buttons::new("b").button("a", "A").button("a", "B"))
                .build()
        ),
        "wabButtons.action.buttons[1].reply.id"
    );
    assert_eq!(
        field_of(
            Message::outbound()
                .whatsapp_buttons(Buttons::new("x".repeat(1025)).button("a", "A"))
                .build()
        ),
        "wabButtons.body.text"
    );
    // 1,024 characters of multi-byte text is fine: limits count characters.
    Message::outbound()
        .whatsapp_buttons(Buttons::new("é".repeat(1024)).button("a", "A"))
        .build()
        .unwrap();
    let eleven = (0..11).fold(Section::new("All"), |s, i| {
        s.row(Row::new(format!("r{i}"), format!("Row {i}")))
    });
    assert_eq!(
        field_of(
            Message::outbound()
                .whatsapp_list(List::new("b", "Open").section(eleven))
                .build()
        ),
        "wabList.action.sections"
    );
    let two_untitled = List::new("b", "Open")
        .section(Section::untitled().row(Row::new("a", "A")))
        .section(Section::untitled().row(Row::new("b", "B")));
    assert_eq!(
        field_of(Message::outbound().whatsapp_list(two_untitled).build()),
        "wabList.action.sections[0].title"
    );
    let image_header = List::new("b", "Open")
        .header(Header::Image {
            url: "https://x.example/i.png".into(),
        })
        .section(Section::untitled().row(Row::new("a", "A")));
    assert_eq!(
        field_of(Message::outbound().whatsapp_list(image_header).build()),
        "wabList.header.type"
    );
}

#[test]
fn whatsapp_content_round_trips_through_the_wire_format() {
    let buttons = Buttons::new("Callback today?")
        .header(Header::Document {
            url: "https://x.example/terms.pdf".into(),
            filename: Some("terms.pdf".into()),
        })
        .footer("Reply any time")
        .button("yes", "Yes")
        .button("no", "No");
    let message = Message::outbound()
        .whatsapp_buttons(buttons)
        .build()
        .unwrap();
    let wire = serde_json::to_value(&message).unwrap();
    assert_eq!(wire["type"], "wab-buttons");
    assert_eq!(wire["wabButtons"]["header"]["type"], "document");
    assert_eq!(
        wire["wabButtons"]["action"]["buttons"][1],
        json!({"type": "reply", "reply": {"id": "no", "title": "No"}})
    );
    assert_eq!(serde_json::from_value::<Message>(wire).unwrap(), message);

    let list = List::new("Topics?", "Open")
        .header(Header::text("Help"))
        .section(Section::new("Money").row(Row::new("bill", "Billing").description("Invoices")))
        .section(Section::new("Stuff").row(Row::new("ord", "Orders")));
    let message = Message::outbound().whatsapp_list(list).build().unwrap();
    let wire = serde_json::to_value(&message).unwrap();
    assert_eq!(
        wire["wabList"]["action"]["sections"][0]["rows"][0]["description"],
        "Invoices"
    );
    assert_eq!(serde_json::from_value::<Message>(wire).unwrap(), message);

    let reply: Message = serde_json::from_value(json!({
        "direction": "inbound", "type": "wab-interactive-response",
        "wabInteractiveResponse": {"title": "Yes", "identifier": "yes"}
    }))
    .unwrap();
    assert_eq!(
        reply.content(),
        &Content::WhatsAppReply(InteractiveReply {
            identifier: "yes".into(),
            title: "Yes".into()
        })
    );
    reply.validate().unwrap();
}
