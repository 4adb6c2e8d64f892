//! A message to and from the generated client's wire type.

use engage_api::types;

use super::attachment::{attachment_from_wire, attachment_to_wire};
use super::{Buttons, Content, Direction, InteractiveReply, List, Message};
use crate::error::{Error, Result};

impl From<Message> for types::Message {
    fn from(message: Message) -> Self {
        let type_ = message.message_type();
        let mut wire = types::Message {
            alias_id: message.alias_id,
            attachments: Vec::new(),
            attempt_gw_delivery: message.attempt_gateway_delivery,
            direction: match message.direction {
                Direction::Inbound => types::MessageDirection::Inbound,
                Direction::Outbound => types::MessageDirection::Outbound,
                Direction::Announcement => types::MessageDirection::Announcement,
            },
            redacted: message.redacted,
            text: None,
            timestamp: message.timestamp,
            type_,
            wab_buttons: None,
            wab_interactive_response: None,
            wab_list: None,
        };
        match message.content {
            Content::Text(text) => wire.text = Some(text),
            Content::TextWithAttachments { text, attachments } => {
                wire.text = Some(text);
                wire.attachments = attachments.into_iter().map(attachment_to_wire).collect();
            }
            Content::Attachments(attachments) => {
                wire.attachments = attachments.into_iter().map(attachment_to_wire).collect();
            }
            Content::WhatsAppReply(reply) => {
                wire.wab_interactive_response = Some(types::WabInteractiveResponse {
                    identifier: Some(reply.identifier),
                    title: Some(reply.title),
                });
            }
            Content::WhatsAppButtons(buttons) => wire.wab_buttons = Some(buttons.to_wire()),
            Content::WhatsAppList(list) => wire.wab_list = Some(list.to_wire()),
        }
        wire
    }
}

impl TryFrom<types::Message> for Message {
    type Error = Error;

    /// Takes a message as Engage sent it, without checking it: missing parts become empty.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a `type` or `direction` value this crate does not know (the
    /// generated client keeps such values in their `Unknown` variants).
    fn try_from(wire: types::Message) -> Result<Self> {
        let attachments = || {
            wire.attachments
                .iter()
                .cloned()
                .map(attachment_from_wire)
                .collect::<Vec<_>>()
        };
        let text = || wire.text.clone().unwrap_or_default();
        let content = match wire.type_ {
            types::MessageType::Text => Content::Text(text()),
            types::MessageType::TextWithAttachments => Content::TextWithAttachments {
                text: text(),
                attachments: attachments(),
            },
            types::MessageType::Attachments => Content::Attachments(attachments()),
            types::MessageType::WabInteractiveResponse => {
                let reply = wire.wab_interactive_response.clone().unwrap_or_default();
                Content::WhatsAppReply(InteractiveReply {
                    identifier: reply.identifier.unwrap_or_default(),
                    title: reply.title.unwrap_or_default(),
                })
            }
            types::MessageType::WabButtons => Content::WhatsAppButtons(Buttons::from_wire(
                wire.wab_buttons.clone().unwrap_or_default(),
            )),
            types::MessageType::WabList => {
                Content::WhatsAppList(List::from_wire(wire.wab_list.clone().unwrap_or_default()))
            }
            types::MessageType::Unknown(kind) => {
                return Err(Error::invalid(
                    "type",
                    format!("`{kind}` is not a message type this crate knows"),
                ));
            }
        };
        Ok(Message {
            alias_id: wire.alias_id,
            direction: match wire.direction {
                types::MessageDirection::Inbound => Direction::Inbound,
                types::MessageDirection::Outbound => Direction::Outbound,
                types::MessageDirection::Announcement => Direction::Announcement,
                types::MessageDirection::Unknown(direction) => {
                    return Err(Error::invalid(
                        "direction",
                        format!("`{direction}` is not a message direction this crate knows"),
                    ));
                }
            },
            content,
            timestamp: wire.timestamp,
            redacted: wire.redacted,
            attempt_gateway_delivery: wire.attempt_gw_delivery,
        })
    }
}
