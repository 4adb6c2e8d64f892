//! Who may call: the seeded clients and their secrets, the tokens issued to them, the token
//! lifetimes and the per-client rate limit.
//!
//! One layer for every service, below all of them: a token Webex OAuth issues is the token
//! WxCC admits, and the control methods of [`crate::Sandbox`] (revoke, expire, rotate, limit)
//! act on every service at once. It knows no HTTP and no service.

mod credentials;
mod limiter;
mod tokens;

use std::sync::Mutex;
use std::time::Duration;

use secrecy::SecretString;
use tokio::time::Instant;

pub(crate) use credentials::seeded;
pub use credentials::{Credentials, EngageTenant, Integration, KnownIds, ServiceAppCredentials};
pub use credentials::{ENGAGE_SCOPES, WEBEX_SCOPES};
pub(crate) use tokens::{Audience, Grant, RefreshGrant, random_token};

use crate::sync::lock;
use limiter::Limiter;
use tokens::Tokens;

/// Settings the control methods change at run time.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub access_lifetime: Duration,
    pub refresh_lifetime: Duration,
    pub rate_limit: Option<u32>,
    pub refresh_tokens: RefreshTokens,
}

/// What a refresh does to the refresh token it spends.
///
/// Which one Webex does is not settled by Cisco's material: Webex's authentication guide says
/// a refresh token in regular use keeps being extended, while a Cisco sample's log shows each
/// refresh answering with the same token and a shrinking `refresh_token_expires_in`. The
/// default follows that observation; [`RefreshTokens::Rotated`] is what strict OAuth servers
/// do (OAuth 2.0 Security BCP, refresh token rotation), to make races between replicas
/// visible instead of hidden.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefreshTokens {
    /// The refresh token stays valid; each refresh answers with it again, with its remaining
    /// lifetime (as a Cisco sample's log shows).
    #[default]
    Reused,
    /// Each refresh answers with a new refresh token and spends the one presented; presenting
    /// a spent one again revokes the whole grant (every refresh and access token descending
    /// from the same authorization), so the client must be authorized again.
    Rotated,
}

/// What the Webex token endpoint has done since the sandbox started: for tests that count
/// refreshes across many clients (the request log keeps only the latest requests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenStats {
    /// Authorization codes exchanged for tokens.
    pub codes_exchanged: u64,
    /// Refresh-token grants answered with new tokens.
    pub refreshes: u64,
    /// Refresh-token grants refused (`invalid_grant`: unknown, revoked, expired or reused).
    pub refused_refreshes: u64,
    /// Of those, spent refresh tokens presented again (each revoked its grant).
    pub reuses: u64,
}

/// Why a refresh token was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RefreshRefusal {
    /// Unknown, revoked or expired.
    Unknown,
    /// Spent before, under rotation: the grant is revoked now.
    Reused,
}

/// The identity state of one sandbox.
#[derive(Debug)]
pub(crate) struct Identity {
    /// The organization: Webex tokens end in it, and the service app's subject names it.
    org_id: String,
    credentials: Mutex<Credentials>,
    /// Bumped when the Engage secret rotates; Engage tokens of an older generation are dead.
    engage_generation: Mutex<u64>,
    settings: Mutex<Settings>,
    tokens: Mutex<Tokens>,
    limiter: Mutex<Limiter>,
    stats: Mutex<TokenStats>,
}

impl Identity {
    pub(crate) fn new(org_id: String, credentials: Credentials, settings: Settings) -> Identity {
        Identity {
            org_id,
            credentials: Mutex::new(credentials),
            engage_generation: Mutex::new(0),
            settings: Mutex::new(settings),
            tokens: Mutex::default(),
            limiter: Mutex::default(),
            stats: Mutex::default(),
        }
    }

    /// The clients as currently valid (the Engage secret may have rotated).
    pub(crate) fn credentials(&self) -> Credentials {
        lock(&self.credentials).clone()
    }

    pub(crate) fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    /// Changes the lifetime of access tokens issued from now on.
    pub(crate) fn set_access_lifetime(&self, lifetime: Duration) {
        lock(&self.settings).access_lifetime = lifetime;
    }

    /// Changes the rate limit and refills every client's allowance.
    pub(crate) fn set_rate_limit(&self, limit: Option<u32>) {
        lock(&self.settings).rate_limit = limit;
        lock(&self.limiter).reset();
    }

    /// The generation Engage tokens are issued for now.
    pub(crate) fn engage_generation(&self) -> u64 {
        *lock(&self.engage_generation)
    }

    /// Rotates the Engage tenant secret, killing the old one and its tokens; returns the new.
    pub(crate) fn rotate_engage_secret(&self) -> String {
        let secret = random_token();
        *lock(&self.engage_generation) += 1;
        lock(&self.credentials).engage.tenant_secret = SecretString::from(secret.clone());
        secret
    }

    /// The machine account a service app's tokens act as.
    pub(crate) fn service_app_subject(&self) -> String {
        let short = self.org_id.get(..8).unwrap_or(&self.org_id);
        format!("service-app@{short}.sandbox.example.com")
    }

    /// Makes every refresh token issued so far invalid.
    pub(crate) fn revoke_refresh_tokens(&self) {
        lock(&self.tokens).refresh.clear();
    }

    /// Expires every access token issued so far.
    pub(crate) fn expire_access_tokens(&self) {
        let now = Instant::now();
        for grant in lock(&self.tokens).access.values_mut() {
            grant.expires_at = grant.expires_at.min(now);
        }
    }

    /// Issues an access token.
    pub(crate) fn issue_access(
        &self,
        client_id: &str,
        scopes: Vec<String>,
        audience: Audience,
        subject: &str,
        lifetime: Duration,
        family: Option<u64>,
    ) -> String {
        let token = match &audience {
            // Webex tokens end in `_<cluster>_<orgId>`, as samples that split them expect.
            Audience::Webex => format!("{}_P0A1_{}", random_token(), self.org_id),
            Audience::Engage { .. } => random_token(),
        };
        let now = Instant::now();
        let mut tokens = lock(&self.tokens);
        tokens.sweep(now);
        tokens.access.insert(
            token.clone(),
            Grant {
                client_id: client_id.to_owned(),
                scopes,
                expires_at: now + lifetime,
                audience,
                subject: subject.to_owned(),
                family,
            },
        );
        token
    }

    /// A new refresh-token family, for a new authorization.
    pub(crate) fn new_family(&self) -> u64 {
        let mut tokens = lock(&self.tokens);
        tokens.next_family += 1;
        tokens.next_family
    }

    /// Issues a refresh token in `family`.
    pub(crate) fn issue_refresh(
        &self,
        client_id: &str,
        scopes: Vec<String>,
        subject: &str,
        family: u64,
    ) -> String {
        let token = format!("{}{}", random_token(), random_token());
        let lifetime = lock(&self.settings).refresh_lifetime;
        let now = Instant::now();
        let mut tokens = lock(&self.tokens);
        tokens.sweep(now);
        tokens.refresh.insert(
            token.clone(),
            RefreshGrant {
                client_id: client_id.to_owned(),
                scopes,
                expires_at: now + lifetime,
                subject: subject.to_owned(),
                family,
            },
        );
        token
    }

    /// The grant of a presented refresh token, as [`RefreshTokens`] says: kept (reused), or
    /// spent (rotated; presenting a spent one revokes its family).
    pub(crate) fn use_refresh(&self, token: &str) -> Result<RefreshGrant, RefreshRefusal> {
        let mode = lock(&self.settings).refresh_tokens;
        let mut tokens = lock(&self.tokens);
        match mode {
            RefreshTokens::Reused => tokens
                .refresh
                .get(token)
                .cloned()
                .ok_or(RefreshRefusal::Unknown),
            RefreshTokens::Rotated => {
                if let Some(grant) = tokens.refresh.remove(token) {
                    tokens
                        .spent
                        .insert(token.to_owned(), (grant.family, grant.expires_at));
                    return Ok(grant);
                }
                match tokens.spent.get(token).copied() {
                    Some((family, _)) => {
                        tokens.revoke_family(family);
                        tracing::warn!(
                            family,
                            "a spent refresh token was presented again: the grant is revoked"
                        );
                        Err(RefreshRefusal::Reused)
                    }
                    None => Err(RefreshRefusal::Unknown),
                }
            }
        }
    }

    /// What the token endpoint has done so far.
    pub(crate) fn token_stats(&self) -> TokenStats {
        *lock(&self.stats)
    }

    /// Counts one answer of the token endpoint.
    pub(crate) fn count(&self, change: impl FnOnce(&mut TokenStats)) {
        change(&mut lock(&self.stats));
    }

    /// Switches how refreshes treat refresh tokens, from the next refresh on.
    pub(crate) fn set_refresh_tokens(&self, mode: RefreshTokens) {
        lock(&self.settings).refresh_tokens = mode;
    }

    /// The grant behind a bearer token, if it is known and unexpired.
    pub(crate) fn grant(&self, token: &str) -> Option<Grant> {
        let grant = lock(&self.tokens).access.get(token).cloned()?;
        if grant.expires_at <= Instant::now() {
            return None;
        }
        if let Audience::Engage { generation } = grant.audience
            && generation != *lock(&self.engage_generation)
        {
            return None;
        }
        Some(grant)
    }

    /// Applies the rate limit to a client; `Err` holds the `Retry-After` seconds.
    pub(crate) fn rate_limit(&self, client: &str) -> Result<(), u64> {
        let Some(limit) = lock(&self.settings).rate_limit else {
            return Ok(());
        };
        lock(&self.limiter).take(client, limit, Instant::now())
    }
}
