//! Path-only requests: what the spec lacks, sent like every other call.

use std::fmt;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wxcc_auth::Call;

use crate::Client;
use crate::client::decode;
use crate::error::{Error, Result};

/// A request to a path of the API, relative to the client's base URL, for what the spec (and
/// so [`Client::api`]) lacks: as Flow Designer's HTTP connector takes a path, not a URL. Built
/// by [`Client::request`].
///
/// It is signed, retried, timed out and access-checked like every other call: a path the spec
/// has is that operation (a read-only token source may send `POST /search`), any other path is
/// a read for `GET`, `HEAD` and `OPTIONS` and a write otherwise. Errors are the same
/// [`Error`]s.
///
/// ```no_run
/// use reqwest::Method;
/// use wxcc_sdk::Client;
///
/// # async fn demo(client: Client) -> Result<(), wxcc_sdk::Error> {
/// let sites = client
///     .request(Method::GET, "/organization/my-org/v2/site")
///     .query("page", "0")
///     .send()
///     .await?;
/// println!("{sites}");
/// # Ok(()) }
/// ```
#[must_use]
pub struct PathRequest<'a> {
    client: &'a Client,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<std::result::Result<Value, String>>,
}

impl fmt::Debug for PathRequest<'_> {
    /// Method, path and query names only: query values and the body may hold personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PathRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "query",
                &self.query.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            )
            .field("body", &self.body.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a request to `path` (such as `/v1/...`, relative to the base URL). See
    /// [`PathRequest`].
    pub fn request(&self, method: Method, path: impl Into<String>) -> PathRequest<'_> {
        PathRequest {
            client: self,
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
        }
    }
}

impl PathRequest<'_> {
    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// The JSON body.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        self.body = Some(serde_json::to_value(body).map_err(|e| e.to_string()));
        self
    }

    /// Sends the request; the response's JSON body (`null` when it has none).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a path that is not one (a URL, a query or fragment in it,
    /// an empty, `.` or `..` segment) or a body that cannot be encoded: nothing is sent. Then
    /// every error any other call can have, a read-only refusal included.
    pub async fn send(self) -> Result<Value> {
        self.send_as().await
    }

    /// Like [`PathRequest::send`], decoding the body into `T` (an empty body decodes as
    /// `null`).
    ///
    /// # Errors
    ///
    /// As [`PathRequest::send`], and [`Error::Decode`] when the body does not fit `T`.
    pub async fn send_as<T: DeserializeOwned>(self) -> Result<T> {
        let operations = &wxcc_api::OPERATIONS;
        let call = Call::raw(operations, self.method, &self.path)
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let query: Vec<(&str, String)> = self
            .query
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        let mut call = call.query(&query);
        if let Some(body) = &self.body {
            let body = body
                .as_ref()
                .map_err(|e| Error::InvalidRequest(format!("cannot encode the body: {e}")))?;
            call = call.json(body);
        }
        let reply = self.client.send(call).await?;
        if reply.body.is_empty() {
            return decode(b"null");
        }
        decode(&reply.body)
    }
}
