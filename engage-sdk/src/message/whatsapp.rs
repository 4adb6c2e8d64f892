//! WhatsApp interactive content: reply buttons, lists and the customer's pick, within the
//! limits Meta documents.

use engage_api::types;

use super::{at_most, check_url, non_blank};
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

    pub(super) fn validate(&self, field: &str, text_only: bool) -> Result<()> {
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

    pub(super) fn to_wire(&self) -> types::WabHeader {
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

    pub(super) fn from_wire(header: types::WabHeader) -> Option<Self> {
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

    pub(super) fn validate(&self) -> Result<()> {
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

    pub(super) fn to_wire(&self) -> types::WabButtons {
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

    pub(super) fn from_wire(wire: types::WabButtons) -> Self {
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

    pub(super) fn validate(&self) -> Result<()> {
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

    pub(super) fn to_wire(&self) -> types::WabList {
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

    pub(super) fn from_wire(wire: types::WabList) -> Self {
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

fn wab_text(text: &str) -> types::WabText {
    types::WabText {
        text: Some(text.to_owned()),
    }
}

fn text_of(text: Option<types::WabText>) -> String {
    text.and_then(|t| t.text).unwrap_or_default()
}

pub(super) fn interactive_texts(field: &str, body: &str, footer: Option<&str>) -> Result<()> {
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
