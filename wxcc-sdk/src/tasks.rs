//! Creating tasks: callbacks, outdials and flows started from outside.

use serde_json::{Map, Value};
use wxcc_api::operations as ops;
use wxcc_api::types::{CreateTaskRequest, CreateTaskResponse, TaskCallbackDetails};
use wxcc_auth::Call;

use crate::Client;
use crate::error::{Error, Result};

/// A task to create with [`Client::create_task`], checked against the documented limits
/// before it is sent.
///
/// ```
/// use wxcc_sdk::NewTask;
///
/// let task = NewTask::callback("+14085550123", "entry-point-id")
///     .attribute("reason", "billing question")
///     .unwrap();
/// # let _ = task;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct NewTask {
    request: CreateTaskRequest,
}

/// The documented limits of `POST /v1/tasks`.
const MAX_DESTINATION: usize = 36;
const MAX_ATTRIBUTES: usize = 30;
const MAX_ATTRIBUTE_KEY: usize = 200;
const MAX_ATTRIBUTE_VALUE: usize = 1024;
const MAX_CUSTOM_ATTRIBUTES: usize = 20;
const MAX_CUSTOM_ATTRIBUTES_BYTES: usize = 1100;

impl NewTask {
    fn new(
        destination: &str,
        entry_point_id: &str,
        outbound_type: &str,
        origin: Option<&str>,
    ) -> Self {
        Self {
            request: CreateTaskRequest {
                attributes: Map::new(),
                callback: None,
                custom_attributes: Map::new(),
                destination: destination.to_owned(),
                entry_point_id: entry_point_id.to_owned(),
                media_type: "telephony".to_owned(),
                origin: origin.map(str::to_owned),
                outbound_type: Some(outbound_type.to_owned()),
            },
        }
    }

    /// An immediate web callback to `destination` through `entry_point_id`.
    pub fn callback(destination: &str, entry_point_id: &str) -> Self {
        let mut task = Self::new(destination, entry_point_id, "CALLBACK", None);
        task.request.callback = Some(TaskCallbackDetails {
            callback_origin: "web".into(),
            callback_type: "immediate".into(),
        });
        task
    }

    /// An outdial from `origin` (the ANI shown) to `destination`; the agent must be signed in.
    pub fn outdial(destination: &str, entry_point_id: &str, origin: &str) -> Self {
        Self::new(destination, entry_point_id, "OUTDIAL", Some(origin))
    }

    /// Runs the flow of `entry_point_id` for a call from `origin` to `destination`.
    pub fn execute_flow(destination: &str, entry_point_id: &str, origin: &str) -> Self {
        Self::new(destination, entry_point_id, "EXECUTE_FLOW", Some(origin))
    }

    /// Adds a flow attribute (at most 30; key up to 200 bytes, value up to 1024).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] beyond those limits.
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Result<Self> {
        let (key, value) = (key.into(), value.into());
        if key.len() > MAX_ATTRIBUTE_KEY || value.len() > MAX_ATTRIBUTE_VALUE {
            return Err(Error::InvalidRequest(format!(
                "attribute `{key}` is too long (key at most {MAX_ATTRIBUTE_KEY} bytes, value at most {MAX_ATTRIBUTE_VALUE})"
            )));
        }
        if self.request.attributes.len() >= MAX_ATTRIBUTES
            && !self.request.attributes.contains_key(&key)
        {
            return Err(Error::InvalidRequest(format!(
                "a task takes at most {MAX_ATTRIBUTES} attributes"
            )));
        }
        self.request.attributes.insert(key, Value::String(value));
        Ok(self)
    }

    /// Adds a SIP header sent with the call (at most 20, 1100 bytes together).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] beyond those limits.
    pub fn custom_attribute(
        mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Result<Self> {
        self.request
            .custom_attributes
            .insert(key.into(), Value::String(value.into()));
        let bytes: usize = self
            .request
            .custom_attributes
            .iter()
            .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
            .sum();
        if self.request.custom_attributes.len() > MAX_CUSTOM_ATTRIBUTES
            || bytes > MAX_CUSTOM_ATTRIBUTES_BYTES
        {
            return Err(Error::InvalidRequest(format!(
                "custom attributes are limited to {MAX_CUSTOM_ATTRIBUTES} headers and {MAX_CUSTOM_ATTRIBUTES_BYTES} bytes"
            )));
        }
        Ok(self)
    }

    fn validate(&self) -> Result<()> {
        let destination = &self.request.destination;
        if destination.is_empty() || destination.len() > MAX_DESTINATION {
            return Err(Error::InvalidRequest(format!(
                "the destination must have 1 to {MAX_DESTINATION} characters"
            )));
        }
        if self.request.entry_point_id.is_empty() {
            return Err(Error::InvalidRequest("the entry point id is empty".into()));
        }
        Ok(())
    }
}

impl Client {
    /// Creates a task and returns its id. The service answers at once; the call itself
    /// proceeds asynchronously (watch `task:*` webhooks or notifications for its progress).
    ///
    /// A write: it is not replayed after a gateway error, and a read-only token source refuses
    /// it before sending.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] before sending for a task beyond the documented limits; the
    /// call's error otherwise.
    pub async fn create_task(&self, task: NewTask) -> Result<uuid::Uuid> {
        task.validate()?;
        let created: CreateTaskResponse = self
            .call(Call::new(&ops::CREATE_TASK).json(&task.request))
            .await?;
        Ok(created.data.id)
    }
}
