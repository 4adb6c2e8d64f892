//! The agent notification websocket as a [`Stream`] of typed events:
//! [`Client::notifications`] subscribes (`POST /v1/notification/subscribe`), checks the
//! `webSocketUrl` it is given, connects, waits for `Welcome`, and then keeps the connection
//! alive for as long as the stream lives.
//!
//! - **Keepalive**: `{"keepalive":"true"}` on connect and every 4 seconds; the service drops a
//!   socket after 16 seconds without one.
//! - **Silence**: no frame (the service sends keepalives too) for 8 seconds means the
//!   connection is lost, even when TCP has not noticed.
//! - **Reconnect**: a lost connection yields [`Notification::Disconnected`], then the client
//!   subscribes again (a session URL is good for one connection; the call takes a fresh token
//!   like every other) with jittered exponential backoff, and yields
//!   [`Notification::Reconnected`] with how long events could have been missed.
//! - **Multi-login**: `AGENT_MULTI_LOGIN` (another session of the same user took over) ends
//!   the stream with [`NotificationError::MultiLogin`]; reconnecting would only take the
//!   session back and forth.
//! - **Slow consumers**: events wait in a bounded buffer (default 1,024). When it is full the
//!   oldest are dropped and the consumer gets [`Notification::Lagged`] with how many, rather
//!   than the connection stalling until the service drops it.
//! - **Drop**: dropping the stream closes the socket.
//!
//! Subscribing needs a token with the `cjp:user` scope (a user's token, or a read-write
//! connector: a read-only connector does not ask for it). The websocket itself is opened
//! without a token, as Cisco's SDK opens it: its URL identifies the session, which is why only
//! trusted URLs are opened and none is ever logged in full.
//!
//! Timing uses tokio's clock, so tests can run it under `tokio::time::pause`. The numbers
//! (4 s, 16 s, 8 s, `Welcome` within 30 s) and the trusted domains are those of Cisco's
//! `@webex/contact-center` SDK; the backoff is the family's (`wxcc_auth::runtime::jittered_backoff`).
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use wxcc_sdk::events::{EventKind, TaskEvent};
//! use wxcc_sdk::notifications::Notification;
//!
//! # async fn demo(client: wxcc_sdk::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let mut events = client.notifications().connect().await?;
//! while let Some(item) = events.next().await {
//!     match item? {
//!         Notification::Event(event) => {
//!             if let EventKind::Task(TaskEvent::Offered(task)) = &event.kind {
//!                 println!("offered: {:?}", task.task_id);
//!             }
//!         }
//!         Notification::Reconnected { missed_for } => println!("back after {missed_for:?}"),
//!         other => println!("{other:?}"),
//!     }
//! }
//! # Ok(()) }
//! ```

mod driver;
mod trust;

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;

use crate::Client;
use crate::events::Event;

/// One item of the [`Notifications`] stream.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
// Events are nearly every item: boxing them would cost an allocation each to save space on
// the rare connection notices.
#[allow(clippy::large_enum_variant)]
pub enum Notification {
    /// An event.
    Event(Event),
    /// The connection was lost (closed, failed, or silent for too long); the client is
    /// reconnecting. Events sent meanwhile are not replayed by the service.
    Disconnected {
        /// Why, in words.
        reason: String,
    },
    /// The connection is back, after events could have been missed for this long: from the
    /// last frame heard on the old socket to the new socket's `Welcome`.
    Reconnected {
        /// How long the stream was disconnected.
        missed_for: Duration,
    },
    /// The consumer fell behind and this many of the oldest buffered items were dropped.
    Lagged {
        /// How many items were dropped.
        missed: u64,
    },
}

/// Why the notification stream could not start, or ended.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// The subscribe call failed, and retrying would not help (or, from
    /// [`NotificationsBuilder::connect`], failed at all).
    #[error("subscribing to notifications failed: {0}")]
    Subscribe(Arc<crate::Error>),
    /// The subscribe answer named a socket the client does not trust.
    #[error("refusing the notification socket: {reason}")]
    UntrustedUrl {
        /// Why (the scheme and host, never the full URL).
        reason: String,
    },
    /// The socket could not be opened, or did not say `Welcome` in time.
    #[error("the notification socket failed: {reason}")]
    Connect {
        /// Why.
        reason: String,
    },
    /// Another session of the same user and client type took over (`AGENT_MULTI_LOGIN`).
    #[error(
        "another session of this user took over the notifications (AGENT_MULTI_LOGIN); subscribe with allow_multi_login to run several"
    )]
    MultiLogin,
}

/// Options of a notification stream; see [`Client::notifications`].
#[derive(Clone)]
pub struct NotificationsBuilder {
    client: Client,
    settings: driver::Settings,
}

impl Client {
    /// The agent notification websocket of the token's user: agent state, logins and every
    /// task offered to them, as a stream of typed events that reconnects on its own.
    ///
    /// ```no_run
    /// # async fn demo(client: wxcc_sdk::Client) -> Result<(), wxcc_sdk::notifications::NotificationError> {
    /// let events = client
    ///     .notifications()
    ///     .client_type("routing-bot")
    ///     .buffer(4096)
    ///     .connect()
    ///     .await?;
    /// println!("connected as agent {:?}", events.agent_id());
    /// # Ok(()) }
    /// ```
    pub fn notifications(&self) -> NotificationsBuilder {
        NotificationsBuilder {
            client: self.clone(),
            settings: driver::Settings::default(),
        }
    }
}

impl NotificationsBuilder {
    /// The `clientType` the sessions are grouped by (default `wxcc-sdk-rust`; at most 20
    /// characters).
    #[must_use]
    pub fn client_type(mut self, client_type: impl Into<String>) -> Self {
        self.settings.subscribe.client_type = client_type.into();
        self
    }

    /// Whether several sessions of the same user and client type may run at once (default
    /// `false`: a new one ends the older ones with `AGENT_MULTI_LOGIN`).
    #[must_use]
    pub fn allow_multi_login(mut self, allow: bool) -> Self {
        self.settings.subscribe.allow_multi_login = allow;
        self
    }

    /// Whether a subscription over the connection limit drops existing connections instead
    /// of failing (default `false`).
    #[must_use]
    pub fn force(mut self, force: bool) -> Self {
        self.settings.subscribe.force = force;
        self
    }

    /// The domains a `webSocketUrl` may name (it must be `wss://`; a subdomain counts).
    /// Default: Cisco's, `cisco.com` and `ciscoccservice.com`.
    #[must_use]
    pub fn trusted_domains<I, S>(mut self, domains: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.settings.trust.domains = domains.into_iter().map(Into::into).collect();
        self
    }

    /// Also accept `ws://` and `wss://` URLs on a loopback host (`127.0.0.1`, `::1`,
    /// `localhost`), as a local sandbox hands out. Default `false`.
    #[must_use]
    pub fn trust_loopback(mut self, trust: bool) -> Self {
        self.settings.trust.loopback = trust;
        self
    }

    /// How many items wait for a slow consumer before the oldest are dropped (default 1,024;
    /// at least 1).
    #[must_use]
    pub fn buffer(mut self, items: usize) -> Self {
        self.settings.buffer = items.clamp(1, 1 << 20);
        self
    }

    /// How often a keepalive is sent (default 4 s; the service wants one within 16 s).
    #[must_use]
    pub fn keepalive_interval(mut self, every: Duration) -> Self {
        self.settings.keepalive_every = every.max(Duration::from_millis(10));
        self
    }

    /// How long without any frame means the connection is lost (default 8 s).
    #[must_use]
    pub fn silence_timeout(mut self, silence: Duration) -> Self {
        self.settings.silence_limit = silence;
        self
    }

    /// The wait before reconnect attempt `n`: `initial` doubled per failed attempt up to `max`,
    /// each wait scaled by a random factor in `[0.5, 1)` (default 500 ms to 30 s).
    #[must_use]
    pub fn reconnect_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.settings.backoff_initial = initial;
        self.settings.backoff_max = max.max(initial);
        self
    }

    /// Subscribes, connects and waits for `Welcome`, then returns the stream; reconnecting is
    /// the stream's business from here on.
    ///
    /// # Errors
    ///
    /// [`NotificationError::Subscribe`] when the subscribe call fails,
    /// [`NotificationError::UntrustedUrl`] for a socket URL that is not trusted,
    /// [`NotificationError::Connect`] when the socket cannot be opened or sends no `Welcome`
    /// within 30 seconds.
    pub async fn connect(self) -> Result<Notifications, NotificationError> {
        driver::start(self.client, self.settings).await
    }
}

impl fmt::Debug for NotificationsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotificationsBuilder")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// The stream of a notification session: [`Notification`]s, or the error that ended it (the
/// stream ends after an error). Dropping it closes the socket.
pub struct Notifications {
    items: Pin<Box<dyn Stream<Item = Result<Notification, NotificationError>> + Send>>,
    agent_id: Option<String>,
    /// Dropped with the stream, which tells the connection's task to close the socket.
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Notifications {
    /// The agent the session belongs to, as the first `Welcome` named it.
    pub fn agent_id(&self) -> Option<&str> {
        self.agent_id.as_deref()
    }
}

impl Stream for Notifications {
    type Item = Result<Notification, NotificationError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.items.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for Notifications {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifications")
            .field("agent_id", &self.agent_id)
            .finish_non_exhaustive()
    }
}
