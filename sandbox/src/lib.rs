//! A local emulator of Webex Contact Center, Webex Engage and Webex OAuth.
//!
//! **Not usable yet.** This crate reserves its place in the workspace; nothing in it works today.
//! It will run in-process for tests and examples (`Sandbox::start().await`) and as a binary for
//! anyone else's tests: OAuth with expiring and revocable tokens, Search over a seeded data set
//! through a real GraphQL schema, the Engage conversation state machine, rate limits answered
//! with `429` and `Retry-After`, credential rotation and fault injection.
