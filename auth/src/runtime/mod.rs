//! The request path every call of the family takes, as named stages.
//!
//! A call (a facade's, `client.api()`'s, or a path-only request) passes, in order:
//!
//! 1. **deadline** ([`Transport`]): the overall timeout, which covers everything below,
//!    getting the token included;
//! 2. **authorize** ([`Signer::authorize`]): the operation's access class against the token
//!    source's access level (a refusal sends nothing), then the bearer token and a `TrackingId`;
//! 3. **rate limit** ([`RateLimit`]): each attempt takes a send slot first, waiting for one
//!    within the deadline ([`RateLimiter`] in one process, `RedisRateLimiter` across replicas);
//! 4. **retry** ([`RetryPolicy`]): `429` and `503` wait out `Retry-After` (read on the injected
//!    [`Clock`](crate::Clock)), other transient failures back off with jitter, only replayable
//!    requests are sent again, and no retry starts past the deadline;
//! 5. **refresh on `401`**: the refused token is invalidated and the request sent once more
//!    with a fresh one;
//! 6. **transport**: one attempt through `reqwest`, under a `wxcc.attempt` span of its own.
//!
//! [`Call`] is what a facade hands to the runtime: a spec [`Operation`](crate::Operation) with
//! its path parameters, query and body. The answer is a [`Reply`] or a [`CallError`], whose
//! [`ErrorKind`] is the one vocabulary every crate of the family reports failures in.

mod attempt;
mod call;
mod generated;
mod kind;
mod rate_limit;
mod refresh;
pub(crate) mod refusal;
mod retry;
mod signer;
mod transport;

pub use crate::backoff::jittered as jittered_backoff;
pub use call::{Call, CallError, ErrorResponse, PathError, Reply};
pub use generated::generated_call;
pub use kind::ErrorKind;
pub use rate_limit::{LimitFuture, RateLimit, RateLimiter};
pub use refusal::{Refused, capture_refusals, refusal_message};
pub use retry::{RetryPolicy, retry_after};
pub use signer::{Signer, TRACKING_ID_HEADER};
pub(crate) use transport::describe;
pub use transport::{Timeouts, Transport, TransportError, body};
