//! The ergonomic Rust SDK for Webex Engage conversations.
//!
//! **Not usable yet.** This crate reserves its place in the workspace; nothing in it works today.
//! It will hold a client bound to an Engage region and a named node authorization, the
//! conversation lifecycle (search, create, append, update, participants, close, reopen, hold,
//! transfer, transcript paging) and results that report the Webex Connect node outcome a flow
//! author knows (`onConversationCreated`, `noConversationFound`, `onAuthorizationFailure`, ...).
//!
//! Until then, use the generated client in the `engage-api` crate directly.
