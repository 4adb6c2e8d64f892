//! A local emulator of Webex Contact Center (WxCC), Webex Engage and Webex OAuth, for tests,
//! examples and anyone without a tenant.
//!
//! An emulator, not a mock: it keeps state, applies the services' rules and lets time pass.
//! Tokens expire and can be revoked, refresh tokens rotate, requests are rate-limited with
//! `429` and `Retry-After`, Search runs real GraphQL over a seeded data set, Engage
//! conversations move through their states, and tests can inject faults.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = wxcc_sandbox::Sandbox::start().await?;
//! let creds = sandbox.credentials();
//! println!("OAuth:  {}", sandbox.oauth_base()); // http://127.0.0.1:PORT/oauth/v1
//! println!("WxCC:   {}", sandbox.wxcc_base()); // http://127.0.0.1:PORT/wxcc
//! println!("Engage: {}", sandbox.engage_base()); // http://127.0.0.1:PORT/engage/api/v1
//! println!("caller {} last spoke to {}", creds.known.repeat_caller_ani, creds.known.last_agent_name);
//! # Ok(()) }
//! ```
//!
//! # What it serves
//!
//! - **Webex OAuth** under [`Sandbox::oauth_base`]: `GET /authorize` (auto-approves and
//!   redirects with a code; PKCE `S256` checked when a challenge is sent), `POST /access_token`
//!   (`authorization_code` and `refresh_token`; refresh tokens rotate and codes are single-use),
//!   `POST /applications/{id}/token` (service apps, needs a bearer with
//!   `spark:applications_token`). Errors are `{"error", "error_description"}` with 400 or 401.
//! - **WxCC** under [`Sandbox::wxcc_base`], with the paths of the project's `specs/wxcc`:
//!   `/search` (GraphQL), `/v1/tasks`, `/v1/ewt`, `/v1/queues/statistics`,
//!   `/v1/agents/statistics`, `/v1/captures/query`, scheduled callbacks, webhook
//!   subscriptions v1 and v2 with event types, and configuration lists v1 and v2 (teams, users,
//!   contact service queues, entry points, sites, skills, auxiliary codes) with get-by-id.
//!   Authentication as the real service: a missing or malformed `Authorization` header is
//!   `400`, an unknown or expired token `401`, a token without one of the operation's
//!   `x-wxcc-scopes` `403`. Error bodies are `ApiErrorResponse` (`SubscriptionError` on webhook
//!   routes) and echo the request's `TrackingId` header.
//! - **Engage** under [`Sandbox::engage_base`]: `POST /oauth/token` (client credentials) and
//!   the conversation operations of `specs/engage`, with the state machine queued → active →
//!   on hold → closed → (reopen) queued, transfers, messages and transcripts.
//!
//! # Search
//!
//! `POST {wxcc_base}/search` takes `{"query", "variables", "operationName"}` and runs it
//! against the GraphQL schema Cisco's Search material documents, built from one fact table
//! (`src/search/facts.tsv`: every field of Cisco's five data dictionaries with its type and
//! whether it filters, sorts, groups and aggregates, plus the few fields Cisco's own samples
//! use beyond them, each with its source). The roots are `task` (legacy), `taskDetails`,
//! `agentSession` and `taskLegDetails`; the input types carry the names Cisco's material
//! declares (`TaskFilters`, `TaskDetailsFilters`, `TaskDetailsSpecificFilters`,
//! `AgentSessionFilters`, `AgentSessionSpecificFilters`, `TaskLegDetailsFilters`,
//! `TaskV2Aggregation`, `AgentSessionV2Aggregation`, `TaskLegV2Aggregation`, `IntervalData`,
//! `Pagination`, `QueryTimeType`), so a query copied from Flow Designer declares its variables
//! unchanged. A query naming anything else fails GraphQL validation (200 with
//! `{"data": null, "errors": [...]}`); windows and arguments the service checks are answered
//! `400` with an `ApiErrorResponse`. Times are epoch milliseconds (`Long`, also accepted as a
//! string of digits, as Flow Designer sends them).
//!
//! Rules applied, from Cisco's guide and spec: `from` at most 36 months back, a window of at
//! most 13 months (a future `to` becomes now), raw activity records (CAR, AAR) for windows of
//! at most 30 days, fixed page sizes (raw `task`/`taskDetails` and `agentSession` 250, raw
//! `taskLegDetails` 500, aggregations 1,000), at most 100,000 raw task or leg records
//! reachable, at most 10 group-by fields and 1,000 conditions across filters and predicates,
//! and the interval lengths allowed per window length. Cursors take the service's forms: page
//! numbers for raw tasks and legs, the last session id for sessions, `field=value::...` group
//! keys for aggregations, a start time for activity pages; `"NA"` or no cursor is the first
//! page. Aggregation queries group by every selected field other than `aggregation` (and by
//! `intervalStartTime` with an interval). `extFilter` also narrows the activities a raw query
//! returns, as Cisco's published responses show. `match` is a whole-value regular expression.
//!
//! # The seeded data
//!
//! Deterministic by seed (default 42): 2 sites, 6 teams, 30 agents, 8 queues (4 telephony,
//! 2 chat, 2 email), 5 entry points, 5 skills, 9 idle and wrap-up codes, 12,000 customers and
//! about 40,000 tasks over the last 182 days (2,000 of them in the last 24 hours) with agent
//! sessions and task legs. Phone numbers, including the `origin` (ANI) of calls, are E.164
//! with a leading `+` (`+14085550123`). Timestamps are offsets from the start time rounded
//! down to 15 minutes, so two sandboxes with one seed started in the same quarter hour hold
//! identical data. [`KnownIds`] names a repeat caller (30 calls handled by different agents,
//! the latest a day ago) and their last agent, and a queue, entry point and team.
//!
//! # Rules and faults
//!
//! Requests with a WxCC or Engage token are rate-limited per client id (default 300 per
//! minute, a token bucket with a burst of the same size): over the limit, the answer is `429`
//! with `Retry-After` in seconds and the group's error body. Token endpoints are not limited.
//! [`Fault`]s make chosen requests fail, stall, return malformed JSON or lose their
//! connection. [`Sandbox::requests`] lists what was asked and answered.
//!
//! Token expiry and rate-limit refills follow tokio's clock (`tokio::time::Instant`), so a
//! test with paused time can advance past a token's lifetime; data timestamps and Search
//! windows use the wall clock. Access tokens look like Webex's (`<random>_<cluster>_<orgId>`)
//! and are otherwise opaque.
//!
//! # Simplifications
//!
//! The sandbox models the documented contracts, not Cisco's implementation: `match` is a
//! case-insensitive all-words match and `contains` a case-insensitive substring; Search time
//! zones are any IANA zone (the tz database of `chrono-tz`) or a fixed offset; statistics come from the
//! seeded tasks; Engage paths and bodies follow the project's modeled spec. Task call control,
//! agent login, Journey and configuration writes are not served (`404`).
//!
//! # Notifications
//!
//! `POST {wxcc_base}/v1/notification/subscribe` registers a websocket session and answers its
//! `webSocketUrl` (`ws://127.0.0.1:PORT/notifs/v1/{subscriptionId}`, good for one connection).
//! The socket sends `Welcome` first and a `{"keepalive":"true"}` every 4 seconds, drops a
//! session registered with `isKeepAliveEnabled` whose client sends no keepalive for 16
//! seconds, and ends an older session of the same user and `clientType` with
//! `AGENT_MULTI_LOGIN` when a new one subscribes without `allowMultiLogin`. Events come from
//! the sandbox's state: a task created with `POST /v1/tasks` is offered to the agent of an open
//! socket (`AgentOfferContact`), answered 2 s later (`AgentContactAssigned`), ended 5 s after
//! that (`ContactEnded`, `AgentWrapup`) and wrapped up 2 s later (`AgentWrappedUp`);
//! `PUT /v1/agents/session/state` answers `202` and sends `AgentStateChange`.
//! [`Sandbox::drop_notification_sockets`], [`Sandbox::stall_notification_sockets`] and
//! drop-connection faults on `/notifs/**` break sockets for tests.
//!
//! # Webhook deliveries
//!
//! The same happenings (`task:new`, `task:connected`, `task:ended`, `agent:state_change`) are
//! posted, signed with the subscription's secret, to the webhook subscriptions that list them:
//! at least once (retried after 1 s and 2 s until a `2xx`), a seeded share twice, each copy
//! delayed so that order is not kept ([`Sandbox::set_webhook_chaos`]); every attempt is in
//! [`Sandbox::webhook_deliveries`]. Only loopback receivers are posted to (and accepted over
//! plain `http`); other destinations are logged as not sent.

// The modules by layer, each using only layers below it (`tests/it/layers.rs` checks):
// ground (`rng`, `sync`, `tz`; then `data`, `faults`) ← `identity` ← `http` and `search` ←
// the services (`oauth`, `wxcc`, `engage`) ← `app` ← this file.
mod app;
mod data;
mod engage;
mod faults;
mod http;
mod identity;
mod oauth;
mod rng;
mod search;
mod sync;
mod tz;
mod wxcc;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use app::{RequestRecord, ServedRoute, Service, served_routes};
pub use engage::SeededConversation;
pub use faults::{Fault, FaultKind};
pub use identity::{
    Credentials, EngageTenant, Integration, KnownIds, RefreshTokens, ServiceAppCredentials,
    TokenStats,
};
/// The scopes the sandbox grants: WxCC (the seeded integration and service app) and Engage.
pub use identity::{ENGAGE_SCOPES, WEBEX_SCOPES};
pub use wxcc::WebhookDelivery;

use crate::app::App;
use crate::identity::{Audience, Settings};

/// Errors starting a sandbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The Search schema could not be built from its fact table (a defect of this crate).
    #[error("{0}")]
    Schema(String),
}

/// Options for a sandbox; see [`Sandbox::builder`].
#[derive(Clone, Debug)]
pub struct SandboxBuilder {
    seed: u64,
    host: std::net::IpAddr,
    port: u16,
    token_lifetime: Duration,
    refresh_lifetime: Duration,
    rate_limit: Option<u32>,
    refresh_tokens: RefreshTokens,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            seed: 42,
            host: std::net::IpAddr::from([127, 0, 0, 1]),
            port: 0,
            token_lifetime: Duration::from_secs(12 * 3600),
            refresh_lifetime: Duration::from_secs(60 * 24 * 3600),
            rate_limit: Some(300),
            refresh_tokens: RefreshTokens::Reused,
        }
    }
}

impl SandboxBuilder {
    /// The data seed (default 42). The same seed gives the same data and credentials.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The port (default 0: a free port).
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The address to listen on (default `127.0.0.1`: this machine only). `0.0.0.0` serves
    /// containers and other machines; the base URLs then name that address, so clients on
    /// other machines use the host's own name instead.
    #[must_use]
    pub fn host(mut self, host: std::net::IpAddr) -> Self {
        self.host = host;
        self
    }

    /// Lifetime of access tokens (default 12 hours; Engage tokens last at most one hour).
    #[must_use]
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Lifetime of refresh tokens (default 60 days).
    #[must_use]
    pub fn refresh_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.refresh_lifetime = lifetime;
        self
    }

    /// Requests per minute per client id (default `Some(300)`; `None` disables limiting).
    #[must_use]
    pub fn rate_limit_per_minute(mut self, limit: Option<u32>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// What refreshes do to refresh tokens (default [`RefreshTokens::Reused`]);
    /// [`RefreshTokens::Rotated`] for strict rotation with reuse detection.
    #[must_use]
    pub fn refresh_tokens(mut self, mode: RefreshTokens) -> Self {
        self.refresh_tokens = mode;
        self
    }

    /// Seeds the data, binds the port and starts serving.
    ///
    /// # Errors
    ///
    /// [`SandboxError::Bind`] when the port cannot be opened; [`SandboxError::Schema`] never in
    /// a released build (a test builds the schema).
    pub async fn start(self) -> Result<Sandbox, SandboxError> {
        let began = std::time::Instant::now();
        let addr = SocketAddr::new(self.host, self.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let base = format!("http://{local}");
        let data = Arc::new(data::Dataset::generate(self.seed, data::now_ms()));
        let settings = Settings {
            access_lifetime: self.token_lifetime,
            refresh_lifetime: self.refresh_lifetime,
            rate_limit: self.rate_limit,
            refresh_tokens: self.refresh_tokens,
        };
        let app = App::new(data, base, settings).map_err(SandboxError::Schema)?;
        let (tx, rx) = oneshot::channel();
        let task = tokio::spawn(app::serve(listener, app.router(), rx));
        let started_in = began.elapsed();
        tracing::info!(%local, seed = self.seed, ?started_in, "wxcc sandbox listening");
        Ok(Sandbox {
            app,
            addr: local,
            shutdown: Some(tx),
            task: Some(task),
            started_in,
        })
    }
}

/// A running sandbox. Dropping it (or [`Sandbox::shutdown`]) stops the server.
pub struct Sandbox {
    app: App,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    started_in: Duration,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .field("seed", &self.app.data.seed)
            .finish()
    }
}

impl Sandbox {
    /// Starts a sandbox with the defaults (seed 42, a free port, 12 h tokens, 300 requests
    /// per minute).
    ///
    /// # Errors
    ///
    /// [`SandboxError::Bind`] when no port can be opened.
    pub async fn start() -> Result<Sandbox, SandboxError> {
        SandboxBuilder::default().start().await
    }

    /// Options: seed, port, token lifetimes, rate limit.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.app.base.clone()
    }

    /// The Webex OAuth base (`http://127.0.0.1:PORT/oauth/v1`); `/authorize`,
    /// `/access_token` and `/applications/{id}/token` hang off it.
    pub fn oauth_base(&self) -> String {
        format!("{}/oauth/v1", self.app.base)
    }

    /// The WxCC API base (`http://127.0.0.1:PORT/wxcc`), in place of a regional host.
    pub fn wxcc_base(&self) -> String {
        format!("{}/wxcc", self.app.base)
    }

    /// The Engage API base (`http://127.0.0.1:PORT/engage/api/v1`).
    pub fn engage_base(&self) -> String {
        format!("{}/engage/api/v1", self.app.base)
    }

    /// The Engage token URL (`{engage_base}/oauth/token`).
    pub fn engage_token_url(&self) -> String {
        format!("{}/oauth/token", self.engage_base())
    }

    /// The seeded credentials (the Engage secret as currently valid).
    pub fn credentials(&self) -> Credentials {
        self.app.identity.credentials()
    }

    /// The data seed.
    pub fn seed(&self) -> u64 {
        self.app.data.seed
    }

    /// How long [`SandboxBuilder::start`] took, seeding included.
    pub fn startup_time(&self) -> Duration {
        self.started_in
    }

    /// How many tasks the seeded data holds.
    pub fn task_count(&self) -> usize {
        self.app.data.tasks.len()
    }

    /// Makes every refresh token issued so far invalid (`invalid_grant`), as when an
    /// administrator revokes the integration's grants.
    pub fn revoke_refresh_tokens(&self) {
        self.app.identity.revoke_refresh_tokens();
    }

    /// Expires every access token issued so far (WxCC and Engage); they now get `401`.
    pub fn expire_access_tokens(&self) {
        self.app.identity.expire_access_tokens();
    }

    /// Changes the lifetime of access tokens issued from now on.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.app.identity.set_access_lifetime(lifetime);
    }

    /// Changes the rate limit (requests per minute per client id; `None` disables it) and
    /// refills every client's allowance.
    pub fn set_rate_limit(&self, limit: Option<u32>) {
        self.app.identity.set_rate_limit(limit);
    }

    /// Rotates the Engage tenant secret and returns the new one. The old secret and every
    /// Engage token issued with it stop working (`401`).
    pub fn rotate_engage_secret(&self) -> String {
        self.app.identity.rotate_engage_secret()
    }

    /// Issues a WxCC access token directly (no OAuth round trip) for the integration's
    /// client id with exactly these scopes, for tests of scope checks.
    pub fn mint_access_token(&self, scopes: &[&str]) -> String {
        let credentials = self.credentials();
        let lifetime = self.app.identity.settings().access_lifetime;
        self.app.identity.issue_access(
            &credentials.integration.client_id,
            scopes.iter().map(|s| (*s).to_owned()).collect(),
            Audience::Webex,
            &credentials.admin_email,
            lifetime,
            None,
        )
    }

    /// What the Webex token endpoint has done so far: codes exchanged, refreshes granted and
    /// refused, reused refresh tokens. Counted since start, whatever the request log kept.
    pub fn token_stats(&self) -> TokenStats {
        self.app.identity.token_stats()
    }

    /// Switches what refreshes do to refresh tokens (see [`RefreshTokens`]), from the next
    /// refresh on.
    pub fn set_refresh_tokens(&self, mode: RefreshTokens) {
        self.app.identity.set_refresh_tokens(mode);
    }

    /// Injects a fault. A [`Fault::drop_connection`] whose pattern matches the path of open
    /// notification sockets (`/notifs/v1/{subscriptionId}`, for example `/notifs/**`) also
    /// drops those sockets at once, without a close frame; further matching requests
    /// (reconnects) are dropped as the fault's budget says.
    pub fn inject(&self, fault: Fault) {
        if *fault.kind() == FaultKind::DropConnection {
            self.app
                .wxcc
                .drop_notification_sockets(|path| fault.matches("GET", path));
        }
        self.app.gate.inject(fault);
    }

    /// Drops every open notification socket without a close frame, as a network failure
    /// would; returns how many were open.
    pub fn drop_notification_sockets(&self) -> usize {
        self.app.wxcc.drop_notification_sockets(|_| true)
    }

    /// Makes every open notification socket silent (no events, no keepalives) while the
    /// connection stays up, as a stuck server or proxy would; returns how many. Sockets
    /// opened afterwards behave normally.
    pub fn stall_notification_sockets(&self) -> usize {
        self.app.wxcc.stall_notification_sockets()
    }

    /// How many notification sockets are open.
    pub fn notification_sockets(&self) -> usize {
        self.app.wxcc.open_notification_sockets()
    }

    /// Every webhook delivery attempt so far (the last 10,000), in order of attempt: which
    /// subscription, event and attempt, the receiver's status or why there was none, and
    /// the body, signature and timestamp sent.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.app.wxcc.webhook_deliveries()
    }

    /// How unkind webhook delivery is: the probability that a delivery is sent twice
    /// (default 0.1) and the most each copy is delayed (default 250 ms; random below it, so
    /// events can arrive out of order). `(0.0, Duration::ZERO)` delivers each event once, at
    /// once, though a failed attempt is still retried.
    pub fn set_webhook_chaos(&self, duplicate_probability: f64, max_delay: Duration) {
        self.app
            .wxcc
            .set_webhook_chaos(duplicate_probability, max_delay);
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        self.app.gate.clear_faults();
    }

    /// The requests received so far, in order of arrival (the last 100,000). A request is
    /// logged as it arrives, before any fault delays it, so attempts a client gave up on count.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.app.gate.requests()
    }

    /// How many requests with this method and path pattern (see [`Fault`]) were received.
    pub fn count_requests(&self, method: &str, path: &str) -> usize {
        self.app.gate.count_requests(method, path)
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.app.gate.clear_requests();
    }

    /// Creates an Engage conversation (channel `api`, status `queued`) holding `messages`
    /// messages, alternating inbound and outbound, for transcript paging tests.
    pub fn seed_conversation(&self, messages: usize) -> SeededConversation {
        self.app.engage.seed_conversation(messages)
    }

    /// Stops the server and waits (up to 5 seconds) for open requests to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    fn send_sync<T: Send + Sync>() {}

    #[test]
    fn handles_can_be_shared_across_tasks() {
        send_sync::<super::Sandbox>();
        send_sync::<super::Credentials>();
        send_sync::<super::Fault>();
    }
}

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
