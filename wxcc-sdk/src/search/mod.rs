//! Search: GraphQL reporting over tasks, agent sessions and task legs.
//!
//! Build a [`Query`], then run it with [`Client::search`](crate::Client::search) as a stream of
//! pages or records, or fetch one page. The service pages at a fixed size (250 raw tasks or
//! agent sessions, 500 task legs, 1,000 aggregation rows); the stream asks for the next page
//! only when the previous one has been consumed, and holds one page at a time.
//!
//! ```no_run
//! use chrono::TimeDelta;
//! use futures_util::TryStreamExt;
//! use wxcc_sdk::search::{task, ChannelType, Filter, Query, Window};
//!
//! # async fn demo(client: wxcc_sdk::Client) -> Result<(), wxcc_sdk::Error> {
//! let query = Query::task_details(Window::last(TimeDelta::hours(4)))
//!     .filter(task::CHANNEL_TYPE.equals(ChannelType::Chat));
//! let mut tasks = client.search(query).records();
//! while let Some(task) = tasks.try_next().await? {
//!     println!("{:?} handled by {:?}", task.id, task.last_agent.and_then(|a| a.name));
//! }
//! # Ok(()) }
//! ```

mod aggregation;
mod filter;
mod query;
mod records;
mod text;
mod window;

use std::fmt;
use std::sync::Arc;

use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use wxcc_api::operations as ops;
use wxcc_auth::Call;

pub use aggregation::{Aggregation, AggregationType, Interval};
pub use filter::{Field, FieldType, Filter, FilterValue, GlobalVariableType, MAX_FILTER_DEPTH, Op};
pub use query::{Query, SortOrder, TimeComparator};
pub use records::{
    AgentRef, AgentSession, AggregateRow, AggregateValue, CallbackData, Customer, IntervalInfo,
    Named, Page, QueueRef, Task, TaskLeg,
};
pub use window::{MAX_AGE_MONTHS, MAX_SPAN, MAX_SPAN_MONTHS, Window};

use crate::Client;
use std::collections::HashMap;

use serde::Deserialize;

use crate::client::decode;
use crate::error::{Error, Result};

/// Channel types of tasks. Unknown values from newer APIs fit in [`ChannelType::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChannelType {
    /// Voice.
    Telephony,
    /// Web chat.
    Chat,
    /// Email.
    Email,
    /// Social and messaging channels.
    Social,
    /// Any other value (checked to be a plain GraphQL enum name when used in a filter).
    Other(String),
}

impl ChannelType {
    /// The value as the API spells it.
    pub fn as_str(&self) -> &str {
        match self {
            ChannelType::Telephony => "telephony",
            ChannelType::Chat => "chat",
            ChannelType::Email => "email",
            ChannelType::Social => "social",
            ChannelType::Other(other) => other,
        }
    }
}

impl fmt::Display for ChannelType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<ChannelType> for FilterValue {
    fn from(value: ChannelType) -> Self {
        FilterValue::Enum(value.as_str().to_owned())
    }
}

/// Documented filterable fields of tasks (`taskDetails`).
pub mod task {
    use super::{Field, FieldType};

    /// `id`
    pub const ID: Field = Field::known("id", FieldType::String);
    /// `status`
    pub const STATUS: Field = Field::known("status", FieldType::String);
    /// `channelType` (an enum: use [`ChannelType`](super::ChannelType))
    pub const CHANNEL_TYPE: Field = Field::known("channelType", FieldType::Enum);
    /// `direction` (`inbound`, `outbound`, ...)
    pub const DIRECTION: Field = Field::known("direction", FieldType::String);
    /// `origin`: the caller's number (ANI) or the sender's address.
    pub const ORIGIN: Field = Field::known("origin", FieldType::String);
    /// `destination`: the number dialled (DNIS) or the recipient.
    pub const DESTINATION: Field = Field::known("destination", FieldType::String);
    /// `isActive`
    pub const IS_ACTIVE: Field = Field::known("isActive", FieldType::Boolean);
    /// `isCallback`
    pub const IS_CALLBACK: Field = Field::known("isCallback", FieldType::Boolean);
    /// `isContactHandled`
    pub const IS_CONTACT_HANDLED: Field = Field::known("isContactHandled", FieldType::Boolean);
    /// `endedTime` (epoch ms)
    pub const ENDED_TIME: Field = Field::known("endedTime", FieldType::Long);
    /// `terminationType`
    pub const TERMINATION_TYPE: Field = Field::known("terminationType", FieldType::String);
    /// `totalDuration` (ms)
    pub const TOTAL_DURATION: Field = Field::known("totalDuration", FieldType::Long);
    /// `queueDuration` (ms)
    pub const QUEUE_DURATION: Field = Field::known("queueDuration", FieldType::Long);
    /// `lastAgent.id`
    pub const LAST_AGENT_ID: Field = Field::known("lastAgent.id", FieldType::String);
    /// `lastAgent.name`
    pub const LAST_AGENT_NAME: Field = Field::known("lastAgent.name", FieldType::String);
    /// `lastQueue.id`
    pub const LAST_QUEUE_ID: Field = Field::known("lastQueue.id", FieldType::String);
    /// `lastQueue.name`
    pub const LAST_QUEUE_NAME: Field = Field::known("lastQueue.name", FieldType::String);
    /// `lastTeam.id`
    pub const LAST_TEAM_ID: Field = Field::known("lastTeam.id", FieldType::String);
    /// `lastEntryPoint.id`
    pub const LAST_ENTRY_POINT_ID: Field = Field::known("lastEntryPoint.id", FieldType::String);
    /// `customer.phoneNumber`
    pub const CUSTOMER_PHONE_NUMBER: Field =
        Field::known("customer.phoneNumber", FieldType::String);
}

/// Documented filterable fields of agent sessions (`agentSession`).
pub mod agent_session {
    use super::{Field, FieldType};

    /// `agentId`
    pub const AGENT_ID: Field = Field::known("agentId", FieldType::String);
    /// `teamId`
    pub const TEAM_ID: Field = Field::known("teamId", FieldType::String);
    /// `siteId`
    pub const SITE_ID: Field = Field::known("siteId", FieldType::String);
    /// `isActive`
    pub const IS_ACTIVE: Field = Field::known("isActive", FieldType::Boolean);
}

/// Documented filterable fields of task legs (`taskLegDetails`).
pub mod task_leg {
    use super::{Field, FieldType};

    /// `taskId`
    pub const TASK_ID: Field = Field::known("taskId", FieldType::String);
    /// `channelType` (a string on task legs: Cisco's CLR dictionary types it `String`)
    pub const CHANNEL_TYPE: Field = Field::known("channelType", FieldType::String);
    /// `queue.id`
    pub const QUEUE_ID: Field = Field::known("queue.id", FieldType::String);
}

/// The GraphQL envelope of a typed query.
#[derive(Deserialize)]
#[serde(bound = "R: DeserializeOwned")]
struct Envelope<R> {
    data: Option<HashMap<String, RootResult<R>>>,
    #[serde(default)]
    errors: Vec<wxcc_api::types::GraphQlError>,
}

/// `{tasks|agentSessions|taskLegs, pageInfo}`.
#[derive(Deserialize)]
#[serde(bound = "R: DeserializeOwned", rename_all = "camelCase")]
struct RootResult<R> {
    #[serde(alias = "tasks", alias = "agentSessions", alias = "taskLegs")]
    records: Option<Vec<R>>,
    page_info: Option<PageInfo>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: Option<bool>,
    end_cursor: Option<String>,
}

/// A query bound to a client, ready to run. Made by [`Client::search`].
pub struct Search<R> {
    client: Client,
    query: Arc<Query<R>>,
}

impl<R> fmt::Debug for Search<R> {
    /// The client; the query's values may be personal data (phone numbers), so they are not
    /// shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Search")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl<R> Clone for Search<R> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            query: Arc::clone(&self.query),
        }
    }
}

impl Client {
    /// Binds a query to this client. Nothing is sent until a page is asked for.
    pub fn search<R>(&self, query: Query<R>) -> Search<R> {
        Search {
            client: self.clone(),
            query: Arc::new(query),
        }
    }

    /// Runs any Search query text with variables and returns its `data`: the escape hatch for
    /// what the typed builders do not cover. Put every value from users in `variables`.
    ///
    /// # Errors
    ///
    /// [`Error::GraphQl`] when the response carries GraphQL errors, or the call's error.
    pub async fn search_raw(
        &self,
        query: &str,
        variables: Map<String, Value>,
    ) -> Result<Map<String, Value>> {
        let body = wxcc_api::types::SearchRequest {
            query: query.to_owned(),
            variables,
        };
        let params: Vec<(&str, String)> = self
            .org_id()
            .map(|o| ("orgId", o.to_owned()))
            .into_iter()
            .collect();
        let reply = self
            .send(Call::new(&ops::SEARCH).query(&params).json(&body))
            .await?;
        let envelope: wxcc_api::types::SearchResponse = decode(&reply.body)?;
        if !envelope.errors.is_empty() {
            return Err(Error::GraphQl {
                errors: envelope.errors,
                tracking_id: Some(reply.tracking_id),
            });
        }
        Ok(envelope.data.unwrap_or_default())
    }

    async fn search_request(
        &self,
        query: &str,
        variables: Map<String, Value>,
    ) -> Result<wxcc_auth::Reply> {
        let body = wxcc_api::types::SearchRequest {
            query: query.to_owned(),
            variables,
        };
        let params: Vec<(&str, String)> = self
            .org_id()
            .map(|o| ("orgId", o.to_owned()))
            .into_iter()
            .collect();
        self.send(Call::new(&ops::SEARCH).query(&params).json(&body))
            .await
    }

    /// Like [`Client::search_raw`], decoding `data` into `T`.
    ///
    /// # Errors
    ///
    /// As [`Client::search_raw`], or [`Error::Decode`] when `data` does not fit `T`.
    pub async fn search_raw_as<T: DeserializeOwned>(
        &self,
        query: &str,
        variables: Map<String, Value>,
    ) -> Result<T> {
        let data = self.search_raw(query, variables).await?;
        serde_json::from_value(Value::Object(data)).map_err(|e| Error::Decode {
            message: e.to_string(),
            body: String::new(),
        })
    }
}

impl<R: DeserializeOwned + Send + 'static> Search<R> {
    /// The page after `cursor` (the first page for `None`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] before sending for a query the service would refuse; the
    /// call's error otherwise.
    pub async fn page(&self, cursor: Option<&str>) -> Result<Page<R>> {
        let (text, variables) = self.query.render(cursor)?;
        let reply = self.client.search_request(&text, variables).await?;
        // One pass from bytes to typed records: no intermediate JSON tree.
        let envelope: Envelope<R> = decode(&reply.body)?;
        if !envelope.errors.is_empty() {
            return Err(Error::GraphQl {
                errors: envelope.errors,
                tracking_id: Some(reply.tracking_id),
            });
        }
        let root = self.query.root().0;
        let Some(result) = envelope.data.and_then(|mut data| data.remove(root)) else {
            return Err(Error::Decode {
                message: format!("the response has no `{root}`"),
                body: String::new(),
            });
        };
        let page_info = result.page_info.unwrap_or_default();
        Ok(Page {
            records: result.records.unwrap_or_default(),
            has_next_page: page_info.has_next_page.unwrap_or(false),
            end_cursor: page_info.end_cursor.filter(|c| !c.is_empty()),
            // The interval the query asked for: only the legacy `task` root reports it back
            // (`intervalInfo`), so it is not asked of the service.
            interval: self.query.interval_info(),
        })
    }

    /// The first page.
    ///
    /// # Errors
    ///
    /// As [`Search::page`].
    pub async fn first_page(&self) -> Result<Page<R>> {
        self.page(None).await
    }

    /// Every page, in order. The next page is requested only after the previous one was taken
    /// from the stream; the stream ends after the last page or the first error.
    pub fn pages(self) -> BoxStream<'static, Result<Page<R>>> {
        /// `None` once the last page was yielded; otherwise the cursor of the next page.
        type Next = Option<Option<String>>;
        stream::try_unfold((self, Some(None) as Next), |(search, next)| async move {
            let Some(cursor) = next else { return Ok(None) };
            let page = search.page(cursor.as_deref()).await?;
            let next = match (&page.end_cursor, page.has_next_page) {
                (Some(end), true) if Some(end) == cursor.as_ref() => {
                    return Err(Error::Decode {
                        message: "the service returned the same cursor again; stopping instead of looping".into(),
                        body: String::new(),
                    });
                }
                (Some(end), true) => Some(Some(end.clone())),
                _ => None,
            };
            Ok(Some((page, (search, next))))
        })
        .boxed()
    }

    /// Every record of every page, in order, one page in memory at a time.
    pub fn records(self) -> BoxStream<'static, Result<R>> {
        self.pages()
            .map_ok(|page| stream::iter(page.records.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}
