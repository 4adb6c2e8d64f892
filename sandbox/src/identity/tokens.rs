//! The tokens the sandbox issued: access tokens with their grants (client, scopes, audience,
//! subject, expiry) and refresh tokens. One store for every service, so revoking or expiring
//! acts on WxCC and Engage alike.

use std::collections::HashMap;

use tokio::time::Instant;

/// Who a token was issued to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Audience {
    /// Webex (WxCC APIs).
    Webex,
    /// Engage, for one generation of the tenant secret.
    Engage { generation: u64 },
}

/// An issued access token.
#[derive(Clone, Debug)]
pub(crate) struct Grant {
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires_at: Instant,
    pub audience: Audience,
    /// The user or machine account acting (its email).
    pub subject: String,
    /// The refresh-token family it descends from (code exchange, then refreshes), so that
    /// reuse of a rotated refresh token revokes every token of the grant.
    pub family: Option<u64>,
}

impl Grant {
    pub(crate) fn has_any(&self, scopes: &[&str]) -> bool {
        scopes.is_empty() || scopes.iter().any(|s| self.scopes.iter().any(|g| g == s))
    }
}

/// An issued refresh token.
#[derive(Clone, Debug)]
pub(crate) struct RefreshGrant {
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires_at: Instant,
    pub subject: String,
    /// One per authorization (code exchange or service-app mint); refreshes stay in it.
    pub family: u64,
}

/// Every access and refresh token issued.
#[derive(Debug, Default)]
pub(super) struct Tokens {
    pub access: HashMap<String, Grant>,
    pub refresh: HashMap<String, RefreshGrant>,
    /// Refresh tokens spent under rotation, with their family and expiry: presenting one again
    /// is reuse.
    pub spent: HashMap<String, (u64, Instant)>,
    pub next_family: u64,
}

impl Tokens {
    /// Drops expired entries once the maps grow (bounded memory for long runs).
    pub(super) fn sweep(&mut self, now: Instant) {
        if self.access.len() > 5_000 {
            self.access.retain(|_, g| g.expires_at > now);
        }
        if self.refresh.len() > 5_000 {
            self.refresh.retain(|_, g| g.expires_at > now);
        }
        if self.spent.len() > 5_000 {
            self.spent.retain(|_, (_, expires_at)| *expires_at > now);
        }
    }
}

impl Tokens {
    /// Revokes every token of a refresh-token family.
    pub(super) fn revoke_family(&mut self, family: u64) {
        self.refresh.retain(|_, g| g.family != family);
        self.access.retain(|_, g| g.family != Some(family));
    }
}

/// 64 hex characters of OS randomness (two v4 UUIDs).
pub(crate) fn random_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}
