//! The message object: typed content, builders that validate before anything is sent, and the
//! conversion to and from the wire format of the generated client.

use chrono::{DateTime, Utc};
use engage_api::types;

use crate::error::{Error, Result};

/// WhatsApp Business limits, as Meta documents them for interactive messages. Engage relays
/// these messages to WhatsApp, which refuses anything beyond them.
pub mod whatsapp_limits {
    /// Reply buttons in one message (at least one).
    pub const MAX_BUTTONS: usize = 3;
    /// Characters in a reply button's title.
    pub const MAX_BUTTON_TITLE: usize = 20;
    /// Characters in a reply button's id.
    pub const MAX_BUTTON_ID: usize = 256;
    /// Characters in the body text.
    pub const MAX_BODY: usize = 1024;
    /// Characters in a text header.
    pub const MAX_HEADER_TEXT: usize = 60;
    /// Characters in the footer.
    pub const MAX_FOOTER: usize = 60;
    /// Characters in the label of the button that opens a list.
    pub const MAX_LIST_BUTTON: usize = 20;
    /// Sections in a list (at least one).
    pub const MAX_SECTIONS: usize = 10;
    /// Rows in a list, all sections together (at least one).
    pub const MAX_ROWS: usize = 10;
    /// Characters in a section title (required when a list has more than one section).
    pub const MAX_SECTION_TITLE: usize = 24;
    /// Characters in a row title.
    pub const MAX_ROW_TITLE: usize = 24;
    /// Characters in a row id.
    pub const MAX_ROW_ID: usize = 200;
    /// Characters in a row description.
    pub const MAX_ROW_DESCRIPTION: usize = 72;
}

use whatsapp_limits as wa;

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

/// A file attached to a message.
///
/// ```
/// use engage_sdk::Attachment;
///
/// let invoice = Attachment::new("https://files.example.com/invoice.pdf", "invoice.pdf", "application/pdf");
/// assert_eq!(invoice.file_url(), Some("https://files.example.com/invoice.pdf"));
/// // A file the channel dropped: no URL to fetch it from.
/// let lost = Attachment::dropped("photo.jpg", "image/jpeg");
/// assert!(lost.is_dropped() && lost.file_url().is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Attachment {
    file_url: Option<String>,
    file_name: Option<String>,
    mime_type: Option<String>,
    dropped: bool,
}

impl Attachment {
    /// A file that can be downloaded from `file_url`.
    pub fn new(
        file_url: impl Into<String>,
        file_name: impl Into<String>,
        mime_type: impl Into<String>,
    ) -> Self {
        Self {
            file_url: Some(file_url.into()),
            file_name: Some(file_name.into()),
            mime_type: Some(mime_type.into()),
            dropped: false,
        }
    }

    /// A file that was dropped (too large, blocked, expired): it is named, but has no URL.
    pub fn dropped(file_name: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self {
            file_url: None,
            file_name: Some(file_name.into()),
            mime_type: Some(mime_type.into()),
            dropped: true,
        }
    }

    /// Where the file can be downloaded; `None` when dropped.
    pub fn file_url(&self) -> Option<&str> {
        self.file_url.as_deref().filter(|u| !u.is_empty())
    }

    /// The file name shown to the reader.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type (`application/pdf`).
    pub fn mime_type(&self) -> Option<&str> {
        self.mime_type.as_deref()
    }

    /// Whether the file was dropped and cannot be downloaded.
    pub fn is_dropped(&self) -> bool {
        self.dropped
    }

    fn validate(&self, field: &str) -> Result<()> {
        let url = self.file_url.as_deref().unwrap_or_default();
        if self.dropped {
            if !url.is_empty() {
                return Err(Error::invalid(
                    format!("{field}.fileUrl"),
                    "a dropped attachment has no URL",
                ));
            }
        } else {
            if url.trim().is_empty() {
                return Err(Error::invalid(
                    format!("{field}.fileUrl"),
                    "an attachment that is not dropped needs a URL",
                ));
            }
            check_url(&format!("{field}.fileUrl"), url)?;
        }
        if let Some(name) = &self.file_name {
            non_blank(&format!("{field}.fileName"), name)?;
        }
        if let Some(mime) = &self.mime_type {
            let valid = mime
                .split_once('/')
                .is_some_and(|(kind, sub)| !kind.trim().is_empty() && !sub.trim().is_empty());
            if !valid {
                return Err(Error::invalid(
                    format!("{field}.mimeType"),
                    format!("`{mime}` is not a media type such as `application/pdf`"),
                ));
            }
        }
        Ok(())
    }
}

/// The WhatsApp button or list row a customer picked.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct InteractiveReply {
    /// The id of the button or row, as the business set it.
    pub identifier: String,
    /// The label the customer saw.
    pub title: String,
}

/// The header of a WhatsApp interactive message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Header {
    /// Text (at most 60 characters).
    Text(String),
    /// An image.
    Image {
        /// Where WhatsApp fetches it.
        url: String,
    },
    /// A video.
    Video {
        /// Where WhatsApp fetches it.
        url: String,
    },
    /// A document.
    Document {
        /// Where WhatsApp fetches it.
        url: String,
        /// The file name shown to the customer.
        filename: Option<String>,
    },
}

impl Header {
    /// A text header.
    pub fn text(text: impl Into<String>) -> Self {
        Header::Text(text.into())
    }

    fn validate(&self, field: &str, text_only: bool) -> Result<()> {
        match self {
            Header::Text(text) => {
                non_blank(&format!("{field}.text"), text)?;
                at_most(&format!("{field}.text"), text, wa::MAX_HEADER_TEXT)
            }
            _ if text_only => Err(Error::invalid(
                format!("{field}.type"),
                "a WhatsApp list message only takes a text header",
            )),
            Header::Image { url } | Header::Video { url } | Header::Document { url, .. } => {
                check_url(&format!("{field}.url"), url)
            }
        }
    }

    fn to_wire(&self) -> types::WabHeader {
        let mut header = types::WabHeader::default();
        match self {
            Header::Text(text) => {
                header.type_ = Some(types::WabHeaderType::Text);
                header.text = Some(text.clone());
            }
            Header::Image { url } => {
                header.type_ = Some(types::WabHeaderType::Image);
                header.image = Some(types::WabMedia {
                    url: Some(url.clone()),
                });
            }
            Header::Video { url } => {
                header.type_ = Some(types::WabHeaderType::Video);
                header.video = Some(types::WabMedia {
                    url: Some(url.clone()),
                });
            }
            Header::Document { url, filename } => {
                header.type_ = Some(types::WabHeaderType::Document);
                header.document = Some(types::WabDocument {
                    url: Some(url.clone()),
                    filename: filename.clone(),
                });
            }
        }
        header
    }

    fn from_wire(header: types::WabHeader) -> Option<Self> {
        let media = |m: Option<types::WabMedia>| m.and_then(|m| m.url).unwrap_or_default();
        // A header type this crate does not know is read from the part that is present.
        let named = header
            .type_
            .clone()
            .filter(|t| !matches!(t, types::WabHeaderType::Unknown(_)));
        let kind = named.or(if header.text.is_some() {
            Some(types::WabHeaderType::Text)
        } else if header.image.is_some() {
            Some(types::WabHeaderType::Image)
        } else if header.video.is_some() {
            Some(types::WabHeaderType::Video)
        } else if header.document.is_some() {
            Some(types::WabHeaderType::Document)
        } else {
            None
        })?;
        Some(match kind {
            types::WabHeaderType::Text => Header::Text(header.text.unwrap_or_default()),
            types::WabHeaderType::Image => Header::Image {
                url: media(header.image),
            },
            types::WabHeaderType::Video => Header::Video {
                url: media(header.video),
            },
            types::WabHeaderType::Document => {
                let document = header.document.unwrap_or_default();
                Header::Document {
                    url: document.url.unwrap_or_default(),
                    filename: document.filename,
                }
            }
            types::WabHeaderType::Unknown(_) => return None,
        })
    }
}

/// One WhatsApp reply button.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyButton {
    /// Returned as [`InteractiveReply::identifier`] when picked (at most 256 characters).
    pub id: String,
    /// The label (at most 20 characters).
    pub title: String,
}

/// A WhatsApp message with one to three reply buttons.
///
/// ```
/// use engage_sdk::{Buttons, Header, Message};
///
/// # fn main() -> Result<(), engage_sdk::Error> {
/// let offer = Buttons::new("Shall we call you back today?")
///     .header(Header::text("Callback"))
///     .button("yes", "Yes, please")
///     .button("no", "No, thanks");
/// let message = Message::outbound().whatsapp_buttons(offer).build()?;
/// # let _ = message;
/// // A fourth button is more than WhatsApp shows.
/// let crowded = (0..4).fold(Buttons::new("Pick one"), |b, i| b.button(format!("b{i}"), format!("Option {i}")));
/// assert!(Message::outbound().whatsapp_buttons(crowded).build().is_err());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Buttons {
    /// The header.
    pub header: Option<Header>,
    /// The body text (required, at most 1,024 characters).
    pub body: String,
    /// The footer (at most 60 characters).
    pub footer: Option<String>,
    /// The buttons, in display order.
    pub buttons: Vec<ReplyButton>,
}

impl Buttons {
    /// A buttons message with this body text and no buttons yet.
    pub fn new(body: impl Into<String>) -> Self {
        Self {
            body: body.into(),
            ..Self::default()
        }
    }

    /// Sets the header.
    #[must_use]
    pub fn header(mut self, header: Header) -> Self {
        self.header = Some(header);
        self
    }

    /// Sets the footer.
    #[must_use]
    pub fn footer(mut self, footer: impl Into<String>) -> Self {
        self.footer = Some(footer.into());
        self
    }

    /// Adds a button.
    #[must_use]
    pub fn button(mut self, id: impl Into<String>, title: impl Into<String>) -> Self {
        self.buttons.push(ReplyButton {
            id: id.into(),
            title: title.into(),
        });
        self
    }

    fn validate(&self) -> Result<()> {
        const F: &str = "wabButtons";
        if let Some(header) = &self.header {
            header.validate(&format!("{F}.header"), false)?;
        }
        interactive_texts(F, &self.body, self.footer.as_deref())?;
        let field = format!("{F}.action.buttons");
        if self.buttons.is_empty() || self.buttons.len() > wa::MAX_BUTTONS {
            return Err(Error::invalid(
                field,
                format!(
                    "WhatsApp shows 1 to {} reply buttons; this message has {}",
                    wa::MAX_BUTTONS,
                    self.buttons.len()
                ),
            ));
        }
        let mut ids = std::collections::HashSet::new();
        for (i, button) in self.buttons.iter().enumerate() {
            let id_field = format!("{field}[{i}].reply.id");
            non_blank(&id_field, &button.id)?;
            at_most(&id_field, &button.id, wa::MAX_BUTTON_ID)?;
            if !ids.insert(button.id.as_str()) {
                return Err(Error::invalid(id_field, "button ids must be unique"));
            }
            let title_field = format!("{field}[{i}].reply.title");
            non_blank(&title_field, &button.title)?;
            at_most(&title_field, &button.title, wa::MAX_BUTTON_TITLE)?;
        }
        Ok(())
    }

    fn to_wire(&self) -> types::WabButtons {
        types::WabButtons {
            header: self.header.as_ref().map(Header::to_wire),
            body: Some(wab_text(&self.body)),
            footer: self.footer.as_deref().map(wab_text),
            action: Some(types::WabButtonsAction {
                buttons: self
                    .buttons
                    .iter()
                    .map(|b| types::WabButton {
                        type_: Some(types::WabButtonType::Reply),
                        reply: Some(types::WabReply {
                            id: Some(b.id.clone()),
                            title: Some(b.title.clone()),
                        }),
                    })
                    .collect(),
            }),
        }
    }

    fn from_wire(wire: types::WabButtons) -> Self {
        Self {
            header: wire.header.and_then(Header::from_wire),
            body: text_of(wire.body),
            footer: wire.footer.and_then(|f| f.text),
            buttons: wire
                .action
                .map(|a| a.buttons)
                .unwrap_or_default()
                .into_iter()
                .map(|b| {
                    let reply = b.reply.unwrap_or_default();
                    ReplyButton {
                        id: reply.id.unwrap_or_default(),
                        title: reply.title.unwrap_or_default(),
                    }
                })
                .collect(),
        }
    }
}

/// One choice in a WhatsApp list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Returned as [`InteractiveReply::identifier`] when picked (at most 200 characters).
    pub id: String,
    /// The label (at most 24 characters).
    pub title: String,
    /// Secondary text (at most 72 characters).
    pub description: Option<String>,
}

impl Row {
    /// A row without a description.
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            description: None,
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// A titled group of rows in a WhatsApp list.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Section {
    /// The heading (at most 24 characters; required when the list has several sections).
    pub title: Option<String>,
    /// The rows.
    pub rows: Vec<Row>,
}

impl Section {
    /// A section with a heading.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: Some(title.into()),
            rows: Vec::new(),
        }
    }

    /// A section without a heading (fine when it is the only one).
    pub fn untitled() -> Self {
        Self::default()
    }

    /// Adds a row.
    #[must_use]
    pub fn row(mut self, row: Row) -> Self {
        self.rows.push(row);
        self
    }
}

/// A WhatsApp list message: a body, and a button that opens a menu of rows in sections.
///
/// ```
/// use engage_sdk::{List, Message, Row, Section};
///
/// # fn main() -> Result<(), engage_sdk::Error> {
/// let menu = List::new("What can we help you with?", "Topics")
///     .section(Section::untitled()
///         .row(Row::new("billing", "Billing").description("Invoices and payments"))
///         .row(Row::new("orders", "Orders")));
/// let message = Message::outbound().whatsapp_list(menu).build()?;
/// # let _ = message; Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct List {
    /// The header (text only).
    pub header: Option<Header>,
    /// The body text (required, at most 1,024 characters).
    pub body: String,
    /// The footer (at most 60 characters).
    pub footer: Option<String>,
    /// The label of the button that opens the list (at most 20 characters).
    pub button: String,
    /// The sections.
    pub sections: Vec<Section>,
}

impl List {
    /// A list with this body text and button label, and no sections yet.
    pub fn new(body: impl Into<String>, button: impl Into<String>) -> Self {
        Self {
            body: body.into(),
            button: button.into(),
            ..Self::default()
        }
    }

    /// Sets the header (text only).
    #[must_use]
    pub fn header(mut self, header: Header) -> Self {
        self.header = Some(header);
        self
    }

    /// Sets the footer.
    #[must_use]
    pub fn footer(mut self, footer: impl Into<String>) -> Self {
        self.footer = Some(footer.into());
        self
    }

    /// Adds a section.
    #[must_use]
    pub fn section(mut self, section: Section) -> Self {
        self.sections.push(section);
        self
    }

    fn validate(&self) -> Result<()> {
        const F: &str = "wabList";
        if let Some(header) = &self.header {
            header.validate(&format!("{F}.header"), true)?;
        }
        interactive_texts(F, &self.body, self.footer.as_deref())?;
        let button = format!("{F}.action.button");
        non_blank(&button, &self.button)?;
        at_most(&button, &self.button, wa::MAX_LIST_BUTTON)?;
        let sections = format!("{F}.action.sections");
        if self.sections.is_empty() || self.sections.len() > wa::MAX_SECTIONS {
            return Err(Error::invalid(
                sections,
                format!(
                    "WhatsApp lists have 1 to {} sections; this one has {}",
                    wa::MAX_SECTIONS,
                    self.sections.len()
                ),
            ));
        }
        let rows: usize = self.sections.iter().map(|s| s.rows.len()).sum();
        if rows > wa::MAX_ROWS {
            return Err(Error::invalid(
                sections,
                format!(
                    "WhatsApp lists have at most {} rows in all; this one has {rows}",
                    wa::MAX_ROWS
                ),
            ));
        }
        let mut ids = std::collections::HashSet::new();
        for (s, section) in self.sections.iter().enumerate() {
            let field = format!("{sections}[{s}]");
            match &section.title {
                Some(title) => {
                    non_blank(&format!("{field}.title"), title)?;
                    at_most(&format!("{field}.title"), title, wa::MAX_SECTION_TITLE)?;
                }
                None if self.sections.len() > 1 => {
                    return Err(Error::invalid(
                        format!("{field}.title"),
                        "every section needs a title when a list has several",
                    ));
                }
                None => {}
            }
            if section.rows.is_empty() {
                return Err(Error::invalid(
                    format!("{field}.rows"),
                    "a section needs at least one row",
                ));
            }
            for (r, row) in section.rows.iter().enumerate() {
                let field = format!("{field}.rows[{r}]");
                non_blank(&format!("{field}.id"), &row.id)?;
                at_most(&format!("{field}.id"), &row.id, wa::MAX_ROW_ID)?;
                if !ids.insert(row.id.as_str()) {
                    return Err(Error::invalid(
                        format!("{field}.id"),
                        "row ids must be unique across the list",
                    ));
                }
                non_blank(&format!("{field}.title"), &row.title)?;
                at_most(&format!("{field}.title"), &row.title, wa::MAX_ROW_TITLE)?;
                if let Some(description) = &row.description {
                    at_most(
                        &format!("{field}.description"),
                        description,
                        wa::MAX_ROW_DESCRIPTION,
                    )?;
                }
            }
        }
        Ok(())
    }

    fn to_wire(&self) -> types::WabList {
        types::WabList {
            header: self.header.as_ref().map(Header::to_wire),
            body: Some(wab_text(&self.body)),
            footer: self.footer.as_deref().map(wab_text),
            action: Some(types::WabListAction {
                button: Some(self.button.clone()),
                sections: self
                    .sections
                    .iter()
                    .map(|s| types::WabListSection {
                        title: s.title.clone(),
                        rows: s
                            .rows
                            .iter()
                            .map(|r| types::WabListRow {
                                id: Some(r.id.clone()),
                                title: Some(r.title.clone()),
                                description: r.description.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
            }),
        }
    }

    fn from_wire(wire: types::WabList) -> Self {
        let action = wire.action.unwrap_or_default();
        Self {
            header: wire.header.and_then(Header::from_wire),
            body: text_of(wire.body),
            footer: wire.footer.and_then(|f| f.text),
            button: action.button.unwrap_or_default(),
            sections: action
                .sections
                .into_iter()
                .map(|s| Section {
                    title: s.title,
                    rows: s
                        .rows
                        .into_iter()
                        .map(|r| Row {
                            id: r.id.unwrap_or_default(),
                            title: r.title.unwrap_or_default(),
                            description: r.description,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
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

fn attachment_to_wire(attachment: Attachment) -> types::Attachment {
    types::Attachment {
        // A dropped attachment travels with an empty URL, as Engage sends it.
        file_url: if attachment.dropped {
            Some(String::new())
        } else {
            attachment.file_url
        },
        file_name: attachment.file_name,
        mime_type: attachment.mime_type,
        dropped: Some(attachment.dropped),
    }
}

fn attachment_from_wire(wire: types::Attachment) -> Attachment {
    Attachment {
        file_url: wire.file_url.filter(|u| !u.is_empty()),
        file_name: wire.file_name,
        mime_type: wire.mime_type,
        dropped: wire.dropped.unwrap_or(false),
    }
}

fn wab_text(text: &str) -> types::WabText {
    types::WabText {
        text: Some(text.to_owned()),
    }
}

fn text_of(text: Option<types::WabText>) -> String {
    text.and_then(|t| t.text).unwrap_or_default()
}

fn interactive_texts(field: &str, body: &str, footer: Option<&str>) -> Result<()> {
    let body_field = format!("{field}.body.text");
    non_blank(&body_field, body)?;
    at_most(&body_field, body, wa::MAX_BODY)?;
    if let Some(footer) = footer {
        let footer_field = format!("{field}.footer.text");
        non_blank(&footer_field, footer)?;
        at_most(&footer_field, footer, wa::MAX_FOOTER)?;
    }
    Ok(())
}

pub(crate) fn non_blank(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    Ok(())
}

fn at_most(field: &str, value: &str, limit: usize) -> Result<()> {
    let length = value.chars().count();
    if length > limit {
        return Err(Error::invalid(
            field,
            format!("WhatsApp allows at most {limit} characters here; this has {length}"),
        ));
    }
    Ok(())
}

fn check_url(field: &str, url: &str) -> Result<()> {
    match reqwest::Url::parse(url.trim()) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(()),
        Ok(_) => Err(Error::invalid(field, "must be an http or https URL")),
        Err(e) => Err(Error::invalid(field, format!("`{url}` is not a URL: {e}"))),
    }
}

#[cfg(test)]
mod tests {
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
        let back: Message =
            serde_json::from_value(serde_json::to_value(&message).unwrap()).unwrap();
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
}
