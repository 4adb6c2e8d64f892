//! A conversation's transcript as a stream, read a page at a time.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use engage_api::types;
use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::conversation::check_id;
use crate::error::{Error, Result};
use crate::outcome::{HasOutcome, Operation, Outcome};
use crate::{Client, Message};

/// The most messages Engage returns per page.
pub const MAX_PAGE_SIZE: u32 = 500;

/// One page of a transcript: the fetch-transcript method's `success` outcome.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TranscriptPage {
    /// How many messages were skipped before this page.
    pub offset: u32,
    /// How many messages the whole conversation holds (`countOfRecords`).
    pub total_count: u32,
    /// The messages of this page, oldest first.
    pub messages: Vec<Message>,
    /// The `TrackingId` of the request.
    pub tracking_id: String,
}

impl HasOutcome for TranscriptPage {
    fn outcome(&self) -> Outcome {
        Outcome::TranscriptSuccess
    }
}

/// A conversation's messages, oldest first, as a [`Stream`] of `Result<Message>`.
///
/// Pages of [`limit`](Transcript::limit) messages (500 unless set; at most 500) are requested
/// one at a time, each only when the previous one has been consumed, and only one page is held
/// in memory. The stream ends after the last message, or after the first error (an
/// [`Error`] whose outcome is the node's, as for every call).
///
/// ```no_run
/// use futures_util::TryStreamExt;
///
/// # async fn demo(client: engage_sdk::Client) -> Result<(), engage_sdk::Error> {
/// let mut transcript = client.transcript("c-1");
/// while let Some(message) = transcript.try_next().await? {
///     println!("{:?}: {}", message.direction(), message.text().unwrap_or("(no text)"));
/// }
/// # Ok(()) }
/// ```
#[must_use = "a transcript does nothing until it is polled"]
pub struct Transcript {
    client: Client,
    conversation_id: String,
    offset: u32,
    limit: u32,
    messages: Option<BoxStream<'static, Result<Message>>>,
}

impl Client {
    /// The transcript of a conversation: the transcript method of the Update Conversation node,
    /// paged for you.
    pub fn transcript(&self, conversation_id: impl Into<String>) -> Transcript {
        Transcript {
            client: self.clone(),
            conversation_id: conversation_id.into(),
            offset: 0,
            limit: MAX_PAGE_SIZE,
            messages: None,
        }
    }

    /// One page of a transcript, as the node reads it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a blank conversation id, one that cannot be a path segment
    /// (`.`, `..`), or a `limit` outside 1 to 500 (nothing is sent); otherwise see [`Error`].
    pub async fn transcript_page(
        &self,
        conversation_id: &str,
        offset: u32,
        limit: u32,
    ) -> Result<TranscriptPage> {
        let operation = Operation::Transcript;
        check_id("conversationId", conversation_id)?;
        check_limit(limit)?;
        let query = [("offset", offset.to_string()), ("limit", limit.to_string())];
        let call = operation
            .call()?
            .path_param("conversationId", conversation_id);
        let reply = self.send(operation, call.query(&query)).await?;
        let page: types::Transcript = reply.decode(operation)?;
        let total_count = u32::try_from(page.total_count).map_err(|_| Error::Decode {
            operation,
            message: format!("totalCount {} is negative", page.total_count),
            body: String::new(),
        })?;
        Ok(TranscriptPage {
            offset,
            total_count,
            messages: page
                .messages
                .into_iter()
                .map(Message::try_from)
                .collect::<Result<_>>()
                .map_err(|e| Error::Decode {
                    operation,
                    message: e.to_string(),
                    body: crate::error::truncate(&String::from_utf8_lossy(&reply.body)),
                })?,
            tracking_id: reply.tracking_id,
        })
    }
}

fn check_limit(limit: u32) -> Result<()> {
    if limit == 0 || limit > MAX_PAGE_SIZE {
        return Err(Error::invalid(
            "limit",
            format!("must be 1 to {MAX_PAGE_SIZE}; got {limit}"),
        ));
    }
    Ok(())
}

/// Where the next page starts, or `None` after the last one.
type Next = Option<u32>;

impl Transcript {
    /// Messages per page, 1 to 500 (default 500). A value outside that range makes the stream
    /// yield [`Error::InvalidInput`] without sending anything.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit;
        self
    }

    /// Skips the first `offset` messages (default 0).
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = offset;
        self
    }

    /// The transcript as a stream of pages instead of messages, each with the total count.
    pub fn pages(self) -> BoxStream<'static, Result<TranscriptPage>> {
        let Transcript {
            client,
            conversation_id,
            offset,
            limit,
            ..
        } = self;
        let start: Next = Some(offset);
        stream::try_unfold(start, move |next| {
            let client = client.clone();
            let conversation_id = conversation_id.clone();
            async move {
                let Some(offset) = next else {
                    return Ok(None);
                };
                let page = client
                    .transcript_page(&conversation_id, offset, limit)
                    .await?;
                let read = u32::try_from(page.messages.len()).unwrap_or(u32::MAX);
                let after = offset.saturating_add(read);
                // An empty page ends the stream even if the total promised more, so a server
                // that miscounts cannot make it loop.
                let next = (read > 0 && after < page.total_count).then_some(after);
                Ok(Some((page, next)))
            }
        })
        .boxed()
    }

    fn start(&mut self) -> &mut BoxStream<'static, Result<Message>> {
        self.messages.get_or_insert_with(|| {
            let pages = Transcript {
                client: self.client.clone(),
                conversation_id: self.conversation_id.clone(),
                offset: self.offset,
                limit: self.limit,
                messages: None,
            }
            .pages();
            pages
                .map_ok(|page| stream::iter(page.messages.into_iter().map(Ok)))
                .try_flatten()
                .boxed()
        })
    }
}

impl Stream for Transcript {
    type Item = Result<Message>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.start().poll_next_unpin(cx)
    }
}

impl fmt::Debug for Transcript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transcript")
            .field("conversation_id", &self.conversation_id)
            .field("offset", &self.offset)
            .field("limit", &self.limit)
            .field("started", &self.messages.is_some())
            .finish()
    }
}
