//! The message object: typed content, builders that validate before anything is sent, and the
//! conversion to and from the wire format of the generated client.

mod attachment;
mod checks;
mod whatsapp;
mod wire;

use chrono::{DateTime, Utc};
use engage_api::types;

pub use attachment::Attachment;
pub(crate) use checks::non_blank;
use checks::{at_most, check_url};
pub use whatsapp::{
    Buttons, Header, InteractiveReply, List, ReplyButton, Row, Section, whatsapp_limits,
};

use crate::error::{Error, Result};

/// Who a message is from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the customer.
    Inbound,
    /// From the business (an agent or a bot).
    Outbound,
    /// A notice shown in the conversation, such as "Ada joined". Always text; markdown bold
    /// (`**bold**`) and italics (`_italic_`) are allowed.
    Announcement,
}

/// What a message carries. Each variant is one wire `type`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Content {
    /// `text`.
    Text(String),
    /// `text-with-attachments`.
    TextWithAttachments {
        /// The text.
        text: String,
        /// The files (at least one).
        attachments: Vec<Attachment>,
    },
    /// `attachments`: files only.
    Attachments(Vec<Attachment>),
    /// `wab-interactive-response`: the WhatsApp button or list row a customer picked.
    WhatsAppReply(InteractiveReply),
    /// `wab-buttons`: a WhatsApp message with reply buttons.
    WhatsAppButtons(Buttons),
    /// `wab-list`: a WhatsApp list message.
    WhatsAppList(List),
}

/// One message of a conversation.
///
/// Build messages to send with [`Message::inbound`], [`Message::outbound`] or
/// [`Message::announcement`] (or the `*_text` shortcuts); [`MessageBuilder::build`] checks
/// them before anything is sent, so a bad message fails with [`Error::InvalidInput`]
/// (`onInvalidData`) instead of a `400` from Engage. Messages read from a transcript are taken
/// as Engage sends them, unchecked.
///
/// `Serialize` and `Deserialize` use Engage's JSON message object.
///
/// ```
/// use engage_sdk::{Attachment, Content, Message};
///
/// # fn main() -> Result<(), engage_sdk::Error> {
/// let reply = Message::outbound()
///     .text("Your invoice is attached.")
///     .attachment(Attachment::new("https://files.example.com/invoice.pdf", "invoice.pdf", "application/pdf"))
///     .deliver(true)
///     .alias_id("msg-001")
///     .build()?;
/// assert!(matches!(reply.content(), Content::TextWithAttachments { .. }));
///
/// // An announcement is always text.
/// let bad = Message::announcement()
///     .text("**Ada** joined")
///     .attachment(Attachment::new("https://files.example.com/a.png", "a.png", "image/png"))
///     .build();
/// assert!(bad.is_err());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(into = "types::Message", try_from = "types::Message")]
pub struct Message {
    alias_id: Option<String>,
    direction: Direction,
    content: Content,
    timestamp: Option<DateTime<Utc>>,
    redacted: Option<bool>,
    attempt_gateway_delivery: Option<bool>,
}

impl Message {
    /// A message from the customer.
    pub fn inbound() -> MessageBuilder {
        MessageBuilder::new(Direction::Inbound)
    }

    /// A message from the business.
    pub fn outbound() -> MessageBuilder {
        MessageBuilder::new(Direction::Outbound)
    }

    /// A notice shown in the conversation: text only, markdown bold and italics allowed.
    pub fn announcement() -> MessageBuilder {
        MessageBuilder::new(Direction::Announcement)
    }

    /// A text message from the customer.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the text is blank.
    pub fn inbound_text(text: impl Into<String>) -> Result<Message> {
        Message::inbound().text(text).build()
    }

    /// A text message from the business, to be delivered to the customer through the channel
    /// (`attemptGwDelivery`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the text is blank.
    pub fn outbound_text(text: impl Into<String>) -> Result<Message> {
        Message::outbound().text(text).deliver(true).build()
    }

    /// An announcement (markdown bold `**` and italics `_` allowed).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the text is blank.
    pub fn announcement_text(markdown: impl Into<String>) -> Result<Message> {
        Message::announcement().text(markdown).build()
    }

    /// Who the message is from.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// What it carries.
    pub fn content(&self) -> &Content {
        &self.content
    }

    /// Its text, for text and text-with-attachments messages.
    pub fn text(&self) -> Option<&str> {
        match &self.content {
            Content::Text(text) | Content::TextWithAttachments { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Its attachments (empty for other kinds).
    pub fn attachments(&self) -> &[Attachment] {
        match &self.content {
            Content::TextWithAttachments { attachments, .. }
            | Content::Attachments(attachments) => attachments,
            _ => &[],
        }
    }

    /// Your id for the message.
    pub fn alias_id(&self) -> Option<&str> {
        self.alias_id.as_deref()
    }

    /// When it was sent.
    pub fn timestamp(&self) -> Option<DateTime<Utc>> {
        self.timestamp
    }

    /// Whether sensitive content was masked, if Engage said.
    pub fn redacted(&self) -> Option<bool> {
        self.redacted
    }

    /// Outbound only: whether Engage should deliver it to the customer through the channel.
    pub fn attempt_gateway_delivery(&self) -> Option<bool> {
        self.attempt_gateway_delivery
    }

    /// The wire `type`.
    pub fn message_type(&self) -> types::MessageType {
        match &self.content {
            Content::Text(_) => types::MessageType::Text,
            Content::TextWithAttachments { .. } => types::MessageType::TextWithAttachments,
            Content::Attachments(_) => types::MessageType::Attachments,
            Content::WhatsAppReply(_) => types::MessageType::WabInteractiveResponse,
            Content::WhatsAppButtons(_) => types::MessageType::WabButtons,
            Content::WhatsAppList(_) => types::MessageType::WabList,
        }
    }

    /// Checks the message the way [`MessageBuilder::build`] does. The client calls it on every
    /// message before sending, so a message deserialized from elsewhere is checked too.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the first problem.
    pub fn validate(&self) -> Result<()> {
        if let Some(alias) = &self.alias_id {
            non_blank("aliasId", alias)?;
        }
        match (&self.direction, &self.content) {
            (Direction::Announcement, Content::Text(_)) => {}
            (Direction::Announcement, _) => {
                return Err(Error::invalid(
                    "type",
                    "an announcement is always text: no attachments and no WhatsApp content",
                ));
            }
            (Direction::Inbound, Content::WhatsAppButtons(_) | Content::WhatsAppList(_)) => {
                return Err(Error::invalid(
                    "direction",
                    "WhatsApp buttons and lists are sent by the business: use an outbound message",
                ));
            }
            (Direction::Outbound, Content::WhatsAppReply(_)) => {
                return Err(Error::invalid(
                    "direction",
                    "a WhatsApp interactive response comes from the customer: use an inbound message",
                ));
            }
            _ => {}
        }
        if self.attempt_gateway_delivery.is_some() && self.direction != Direction::Outbound {
            return Err(Error::invalid(
                "attemptGwDelivery",
                "only outbound messages are delivered through the channel",
            ));
        }
        match &self.content {
            Content::Text(text) => non_blank("text", text),
            Content::TextWithAttachments { text, attachments } => {
                non_blank("text", text)?;
                check_attachments(attachments)
            }
            Content::Attachments(attachments) => check_attachments(attachments),
            Content::WhatsAppReply(reply) => {
                non_blank("wabInteractiveResponse.identifier", &reply.identifier)
            }
            Content::WhatsAppButtons(buttons) => buttons.validate(),
            Content::WhatsAppList(list) => list.validate(),
        }
    }
}

fn check_attachments(attachments: &[Attachment]) -> Result<()> {
    if attachments.is_empty() {
        return Err(Error::invalid(
            "attachments",
            "an attachment message needs at least one attachment",
        ));
    }
    for (i, attachment) in attachments.iter().enumerate() {
        attachment.validate(&format!("attachments[{i}]"))?;
    }
    Ok(())
}

/// Builds a [`Message`]; see [`Message`] for an example.
#[derive(Clone, Debug)]
#[must_use]
pub struct MessageBuilder {
    direction: Direction,
    text: Option<String>,
    attachments: Vec<Attachment>,
    special: Vec<Content>,
    alias_id: Option<String>,
    timestamp: Option<DateTime<Utc>>,
    redacted: Option<bool>,
    deliver: Option<bool>,
}

impl MessageBuilder {
    fn new(direction: Direction) -> Self {
        Self {
            direction,
            text: None,
            attachments: Vec::new(),
            special: Vec::new(),
            alias_id: None,
            timestamp: None,
            redacted: None,
            deliver: None,
        }
    }

    /// Sets the text (must not be blank).
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Adds an attachment: with text the message becomes `text-with-attachments`, without it
    /// `attachments`.
    pub fn attachment(mut self, attachment: Attachment) -> Self {
        self.attachments.push(attachment);
        self
    }

    /// Adds attachments.
    pub fn attachments(mut self, attachments: impl IntoIterator<Item = Attachment>) -> Self {
        self.attachments.extend(attachments);
        self
    }

    /// Makes it the WhatsApp button or list row the customer picked (inbound only).
    pub fn whatsapp_reply(
        mut self,
        identifier: impl Into<String>,
        title: impl Into<String>,
    ) -> Self {
        self.special.push(Content::WhatsAppReply(InteractiveReply {
            identifier: identifier.into(),
            title: title.into(),
        }));
        self
    }

    /// Makes it a WhatsApp reply-buttons message (outbound only).
    pub fn whatsapp_buttons(mut self, buttons: Buttons) -> Self {
        self.special.push(Content::WhatsAppButtons(buttons));
        self
    }

    /// Makes it a WhatsApp list message (outbound only).
    pub fn whatsapp_list(mut self, list: List) -> Self {
        self.special.push(Content::WhatsAppList(list));
        self
    }

    /// Your id for the message, unique within the conversation.
    pub fn alias_id(mut self, alias_id: impl Into<String>) -> Self {
        self.alias_id = Some(alias_id.into());
        self
    }

    /// When the message was sent (default: Engage decides).
    pub fn timestamp(mut self, at: DateTime<Utc>) -> Self {
        self.timestamp = Some(at);
        self
    }

    /// Marks the text as redacted (sensitive content masked).
    pub fn redacted(mut self, redacted: bool) -> Self {
        self.redacted = Some(redacted);
        self
    }

    /// Outbound only: whether Engage should deliver the message to the customer through the
    /// channel (`attemptGwDelivery`), rather than only record it.
    pub fn deliver(mut self, deliver: bool) -> Self {
        self.deliver = Some(deliver);
        self
    }

    /// Checks and builds the message.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] (node outcome `onInvalidData`) naming the first problem: a blank
    /// text, an announcement that is not plain text, an attachment that is dropped yet has a
    /// URL (or is not dropped and has none), WhatsApp content in the wrong direction or beyond
    /// WhatsApp's limits, several kinds of content at once, or no content.
    pub fn build(self) -> Result<Message> {
        let mut special = self.special;
        if special.len() > 1 {
            return Err(Error::invalid(
                "type",
                "a message carries one kind of WhatsApp content",
            ));
        }
        let content = match (special.pop(), self.text, self.attachments) {
            (Some(special), None, attachments) if attachments.is_empty() => special,
            (Some(_), _, _) => {
                return Err(Error::invalid(
                    "type",
                    "WhatsApp interactive content cannot be combined with text or attachments",
                ));
            }
            (None, Some(text), attachments) if attachments.is_empty() => Content::Text(text),
            (None, Some(text), attachments) => Content::TextWithAttachments { text, attachments },
            (None, None, attachments) if !attachments.is_empty() => {
                Content::Attachments(attachments)
            }
            (None, None, _) => {
                return Err(Error::invalid(
                    "text",
                    "a message needs text, attachments or WhatsApp content",
                ));
            }
        };
        let message = Message {
            alias_id: self.alias_id,
            direction: self.direction,
            content,
            timestamp: self.timestamp,
            redacted: self.redacted,
            attempt_gateway_delivery: self.deliver,
        };
        message.validate()?;
        Ok(message)
    }
}

#[cfg(test)]
mod tests;
