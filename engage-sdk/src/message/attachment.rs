//! Attachments: files a message carries, and their wire form.

use engage_api::types;

use super::{check_url, non_blank};
use crate::error::{Error, Result};

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
    pub(super) file_url: Option<String>,
    pub(super) file_name: Option<String>,
    pub(super) mime_type: Option<String>,
    pub(super) dropped: bool,
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

    pub(super) fn validate(&self, field: &str) -> Result<()> {
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

pub(super) fn attachment_to_wire(attachment: Attachment) -> types::Attachment {
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

pub(super) fn attachment_from_wire(wire: types::Attachment) -> Attachment {
    Attachment {
        file_url: wire.file_url.filter(|u| !u.is_empty()),
        file_name: wire.file_name,
        mime_type: wire.mime_type,
        dropped: wire.dropped.unwrap_or(false),
    }
}
