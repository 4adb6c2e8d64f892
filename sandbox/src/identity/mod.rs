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
pub(crate) use tokens::{Audience, Grant, random_token};

use crate::sync::lock;
use limiter::Limiter;
use tokens::{RefreshGrant, Tokens};

/// Settings the control methods change at run time.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub access_lifetime: Duration,
    pub refresh_lifetime: Duration,
    pub rate_limit: Option<u32>,
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
            },
        );
        token
    }

    /// Issues a refresh token.
    pub(crate) fn issue_refresh(
        &self,
        client_id: &str,
        scopes: Vec<String>,
        subject: &str,
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
            },
        );
        token
    }

    /// Takes a refresh token out of the store (rotation: it is spent whatever happens next).
    pub(crate) fn spend_refresh(&self, token: &str) -> Option<RefreshGrant> {
        lock(&self.tokens).refresh.remove(token)
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
