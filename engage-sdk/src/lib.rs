//! The ergonomic Rust SDK for Webex Engage conversations, with the node outcomes of Webex
//! Connect's "Webex Engage" flow nodes.
//!
//! **Who this API is for.** Cisco intends the Webex Engage REST API for Webex Engage
//! standalone customers and for Cisco's own cross-product integrations. Customers and partners
//! on Webex Contact Center (or CCE) are asked to use the WxCC REST APIs instead (for example
//! WxCC's bring-your-own custom messaging channel, or the `wxcc-sdk` crate).
//!
//! **Modeled paths.** Cisco publishes the regional hosts, the token call and the scopes, but not
//! the conversation paths and bodies. The `engage-api` client underneath is generated from this
//! project's model of them (built from the documented node contracts), so expect the live
//! service to differ until the model is confirmed; the base URL is configurable.
//!
//! What is here:
//!
//! - [`Client`]: an [`EngageRegion`] (the eight published `/api/v1` hosts) or a base URL, a
//!   node authorization from [`wxcc_auth::NodeAuthorizations`] (tenant id and secret as client
//!   credentials), [`Timeouts`], and the family's [`RetryPolicy`](wxcc_auth::RetryPolicy).
//! - Conversations: [`Client::search`] by [`Customer`] (a channel-specific customer and
//!   business address) answering [`SearchOutcome`]; [`Client::create`], [`Client::append`],
//!   [`Client::update`], [`Client::add_participant`], [`Client::remove_participant`],
//!   [`Client::close`], [`Client::reopen`], [`Client::hold`], [`Client::transfer`]; and
//!   [`Client::transcript`], a stream that pages through the messages.
//! - [`Message`]: text, text with attachments, attachments, announcements, WhatsApp replies,
//!   buttons and lists, with builders that refuse what Engage or WhatsApp would refuse, before
//!   anything is sent.
//! - [`Outcome`]: every result and every [`Error`] answers [`HasOutcome::outcome`] with the
//!   outcome the matching node takes (`onConversationCreated`, `noConversationFound`,
//!   `onAppendMessageSuccess`, ..., `onError`, `onInvalidData`, `onInvalidChoice`, `onTimeout`,
//!   `onAuthorizationFailure`), so a flow ports one to one. [`Error`] has the mapping table.
//!
//! When Engage rejects the node authorization's credentials (a rotated tenant secret), calls
//! report `onAuthorizationFailure` and [`Error::requires_reauthorization`]; once
//! [`NodeAuthorizations::reauthorize`](wxcc_auth::NodeAuthorizations::reauthorize) succeeds with
//! the new secret, the same client carries on.
//!
//! ```no_run
//! use engage_sdk::{Client, Customer, EngageRegion, HasOutcome, Message, NewConversation, SearchOutcome};
//! use wxcc_auth::{Credentials, NodeAuthorizations};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let region = EngageRegion::UsOregon;
//! let registry = NodeAuthorizations::builder(region.token_url()).build()?;
//! let engage = registry.add(
//!     "engage-us",
//!     Credentials::client_credentials(std::env::var("ENGAGE_TENANT_ID")?, std::env::var("ENGAGE_TENANT_SECRET")?),
//! )?;
//! let client = Client::builder().region(region).node_authorization(engage).build()?;
//!
//! let customer = Customer::sms("+14155550100", "+14155550199");
//! let hello = Message::inbound_text("Hi, where is my order?")?;
//! let found = client.search(&customer).await?;
//! let conversation_id = match found.conversation_id() {
//!     Some(id) if found.is_open() => {
//!         client.append(id, [hello]).await?;
//!         id.to_owned()
//!     }
//!     _ => {
//!         let created = client.create(NewConversation::new(customer).message(hello)).await?;
//!         println!("{}", created.outcome()); // onConversationCreated
//!         created.conversation_id.unwrap_or_default()
//!     }
//! };
//! # let _ = conversation_id; Ok(()) }
//! ```

mod client;
mod conversation;
mod customer;
mod error;
mod message;
mod outcome;
mod region;
mod requests;
mod transcript;

pub use client::{Client, ClientBuilder, Timeouts};
pub use conversation::{Created, FoundConversation, Receipt, SearchOutcome};
pub use customer::{Channel, Customer};
pub use error::{ApiError, Error, Result, TypedErrors};
pub use message::{
    Attachment, Buttons, Content, Direction, Header, InteractiveReply, List, Message,
    MessageBuilder, ReplyButton, Row, Section, whatsapp_limits,
};
pub use outcome::{HasOutcome, Operation, Outcome, UnknownOutcome};
pub use region::{EngageRegion, UnknownEngageRegion};
pub use requests::{ConversationUpdate, CustomField, CustomFieldScope, NewConversation, Queue};
pub use transcript::{MAX_PAGE_SIZE, Transcript, TranscriptPage};
pub use wxcc_auth::ErrorKind;

pub use engage_api as api;
pub use wxcc_auth as auth;

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
