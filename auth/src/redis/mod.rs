//! State shared by replicas through Redis: the token store with its leases, and the rate
//! limiter. Behind the `redis` feature.
//!
//! One [`Connection`] per store or limiter: a lazily opened `redis` connection manager (it
//! reconnects by itself), a timeout on every command, and errors that name the server without
//! its credentials.

mod lease;
mod limiter;
mod store;

use std::future::Future;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::{ExposeSecret, SecretString};

use crate::Error;

pub use limiter::{RedisRateLimiter, RedisRateLimiterBuilder};
pub use store::{RedisStore, RedisStoreBuilder};

/// A Redis server, opened on first use.
pub(crate) struct Connection {
    client: redis::Client,
    manager: tokio::sync::OnceCell<ConnectionManager>,
    /// `redis://host:port/db`, for errors and `Debug`: never the user name or password.
    display: String,
    /// The password in the URL, if any, so that no error text can carry it.
    password: Option<SecretString>,
    timeout: Duration,
}

impl Connection {
    /// Parses `url` (`redis://`, or `rediss://` with the `redis-tls` feature; user name and
    /// password in the URL). Nothing is connected yet.
    pub(crate) fn open(url: &SecretString, timeout: Duration) -> Result<Self, Error> {
        let parsed = reqwest::Url::parse(url.expose_secret()).ok();
        let display = parsed.as_ref().map_or_else(
            || "(unparsable Redis URL)".to_owned(),
            |u| {
                format!(
                    "{}://{}{}{}",
                    u.scheme(),
                    u.host_str().unwrap_or("localhost"),
                    u.port().map(|p| format!(":{p}")).unwrap_or_default(),
                    u.path()
                )
            },
        );
        let password = parsed
            .as_ref()
            .and_then(|u| u.password())
            .filter(|p| !p.is_empty())
            .map(|p| SecretString::from(p.to_owned()));
        let client = redis::Client::open(url.expose_secret()).map_err(|e| {
            let mut reason = e.to_string();
            if let Some(password) = &password {
                reason = reason.replace(password.expose_secret(), "[redacted]");
            }
            Error::Config(format!(
                "the Redis URL for {display} is unusable ({reason}); it takes the form \
                 redis://[user:password@]host[:port][/db]"
            ))
        })?;
        Ok(Self {
            client,
            manager: tokio::sync::OnceCell::new(),
            display,
            password,
            timeout,
        })
    }

    /// The server, without credentials.
    pub(crate) fn display(&self) -> &str {
        &self.display
    }

    /// The time allowed for one command.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The error for a failed command: the server and what went wrong, without secrets.
    pub(crate) fn unavailable(&self, message: impl std::fmt::Display) -> Error {
        let mut message = message.to_string();
        if let Some(password) = &self.password {
            message = message.replace(password.expose_secret(), "[redacted]");
        }
        Error::StoreUnavailable {
            store: self.display.clone(),
            message,
        }
    }

    async fn manager(&self) -> Result<ConnectionManager, Error> {
        let timeout = self.timeout;
        self.manager
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(timeout))
                    .set_response_timeout(Some(timeout))
                    // The manager reconnects in the background; a command fails fast meanwhile
                    // and the caller's own backoff decides when to try again.
                    .set_number_of_retries(1)
                    .set_max_delay(Duration::from_secs(1));
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
                    .map_err(|e| self.unavailable(describe(&e)))
            })
            .await
            .cloned()
    }

    /// Runs one command (or script) with the connection, within the command timeout.
    pub(crate) async fn run<T, F, Fut>(&self, what: &str, command: F) -> Result<T, Error>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let manager = self.manager().await?;
        match tokio::time::timeout(self.timeout, command(manager)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(self.unavailable(format!("{what} failed: {}", describe(&e)))),
            Err(_) => {
                Err(self.unavailable(format!("{what} got no answer within {:?}", self.timeout)))
            }
        }
    }
}

/// A Redis error in words (the `redis` crate never puts a command's arguments in them; the
/// password is taken out by [`Connection::unavailable`]).
fn describe(error: &redis::RedisError) -> String {
    error.to_string()
}
