//! The inputs of create, update and transfer: a new conversation, an update, custom fields and
//! queues, each checked before anything is sent.

use engage_api::types;

use crate::Message;
use crate::customer::Customer;
use crate::error::{Error, Result};
use crate::message::non_blank;

/// Where a custom field is stored.
pub use engage_api::types::CustomFieldScope;

/// A custom field: a key and a value on the conversation, or on the customer's 360 profile
/// (shared by all their conversations).
///
/// ```
/// use engage_sdk::{CustomField, CustomFieldScope};
///
/// let order = CustomField::conversation("orderNumber", "A-10023");
/// let tier = CustomField::profile("tier", "gold");
/// assert_eq!(tier.scope(), CustomFieldScope::Profile);
/// # let _ = order;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomField {
    scope: CustomFieldScope,
    key: String,
    value: String,
}

impl CustomField {
    /// A field on the conversation.
    pub fn conversation(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(CustomFieldScope::Conversation, key, value)
    }

    /// A field on the customer's profile.
    pub fn profile(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(CustomFieldScope::Profile, key, value)
    }

    /// A field in the given scope.
    pub fn new(scope: CustomFieldScope, key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            scope,
            key: key.into(),
            value: value.into(),
        }
    }

    /// The scope.
    pub fn scope(&self) -> CustomFieldScope {
        self.scope.clone()
    }

    /// The key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value.
    pub fn value(&self) -> &str {
        &self.value
    }

    fn to_wire(&self) -> types::CustomField {
        types::CustomField {
            scope: self.scope.clone(),
            key: self.key.clone(),
            value: Some(self.value.clone()),
        }
    }
}

fn check_custom_fields(fields: &[CustomField]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for (i, field) in fields.iter().enumerate() {
        let name = format!("customFields[{i}].key");
        non_blank(&name, &field.key)?;
        if !seen.insert((&field.scope, field.key.as_str())) {
            return Err(Error::invalid(
                name,
                format!("`{}` is set twice in the {} scope", field.key, field.scope),
            ));
        }
    }
    Ok(())
}

fn check_messages(messages: &[Message]) -> Result<()> {
    for (i, message) in messages.iter().enumerate() {
        message.validate().map_err(|e| match e {
            Error::InvalidInput { field, reason } => Error::InvalidInput {
                field: format!("messages[{i}].{field}"),
                reason,
            },
            other => other,
        })?;
    }
    Ok(())
}

pub(crate) fn check_message_list(messages: &[Message]) -> Result<()> {
    if messages.is_empty() {
        return Err(Error::invalid("messages", "append at least one message"));
    }
    check_messages(messages)
}

/// A conversation to create: the customer, and optionally your alias id, first messages and
/// custom fields.
///
/// ```
/// use engage_sdk::{Customer, CustomField, Message, NewConversation};
///
/// # fn main() -> Result<(), engage_sdk::Error> {
/// let new = NewConversation::new(Customer::whatsapp("+447700900123", "+447700900000"))
///     .alias_id("ticket-881")
///     .message(Message::inbound_text("Hi, where is my order?")?)
///     .custom_field(CustomField::conversation("orderNumber", "A-10023"));
/// # let _ = new; Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct NewConversation {
    customer: Customer,
    alias_id: Option<String>,
    messages: Vec<Message>,
    custom_fields: Vec<CustomField>,
}

impl NewConversation {
    /// An empty conversation with this customer.
    pub fn new(customer: Customer) -> Self {
        Self {
            customer,
            alias_id: None,
            messages: Vec::new(),
            custom_fields: Vec::new(),
        }
    }

    /// Your external reference for the conversation.
    pub fn alias_id(mut self, alias_id: impl Into<String>) -> Self {
        self.alias_id = Some(alias_id.into());
        self
    }

    /// Adds a first message (oldest first).
    pub fn message(mut self, message: Message) -> Self {
        self.messages.push(message);
        self
    }

    /// Adds first messages (oldest first).
    pub fn messages(mut self, messages: impl IntoIterator<Item = Message>) -> Self {
        self.messages.extend(messages);
        self
    }

    /// Adds a custom field.
    pub fn custom_field(mut self, field: CustomField) -> Self {
        self.custom_fields.push(field);
        self
    }

    /// The customer.
    pub fn customer(&self) -> &Customer {
        &self.customer
    }

    pub(crate) fn validate(&self) -> Result<()> {
        self.customer.validate()?;
        if let Some(alias) = &self.alias_id {
            non_blank("aliasId", alias)?;
        }
        check_messages(&self.messages)?;
        check_custom_fields(&self.custom_fields)
    }

    pub(crate) fn to_wire(&self) -> types::CreateConversationRequest {
        let customer = &self.customer;
        types::CreateConversationRequest {
            alias_id: self.alias_id.clone(),
            biz_address: customer.business.clone(),
            channel: customer.channel.clone(),
            context: customer.wire_context(),
            custom_fields: self
                .custom_fields
                .iter()
                .map(CustomField::to_wire)
                .collect(),
            customer: types::Customer {
                address: customer.customer.clone(),
                name: customer.name.clone(),
            },
            messages: self.messages.iter().cloned().map(Into::into).collect(),
        }
    }
}

/// A change to a conversation: a new alias id and/or custom fields. What is left out stays.
///
/// ```
/// use engage_sdk::{ConversationUpdate, CustomField};
///
/// let update = ConversationUpdate::new()
///     .alias_id("ticket-882")
///     .custom_field(CustomField::profile("tier", "gold"));
/// # let _ = update;
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[must_use]
pub struct ConversationUpdate {
    alias_id: Option<String>,
    custom_fields: Vec<CustomField>,
}

impl ConversationUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a new alias id.
    pub fn alias_id(mut self, alias_id: impl Into<String>) -> Self {
        self.alias_id = Some(alias_id.into());
        self
    }

    /// Sets a custom field.
    pub fn custom_field(mut self, field: CustomField) -> Self {
        self.custom_fields.push(field);
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.alias_id.is_none() && self.custom_fields.is_empty() {
            return Err(Error::invalid(
                "update",
                "nothing to change: set an alias id or a custom field",
            ));
        }
        if let Some(alias) = &self.alias_id {
            non_blank("aliasId", alias)?;
        }
        check_custom_fields(&self.custom_fields)
    }

    pub(crate) fn to_wire(&self) -> types::UpdateConversationRequest {
        types::UpdateConversationRequest {
            alias_id: self.alias_id.clone(),
            custom_fields: self
                .custom_fields
                .iter()
                .map(CustomField::to_wire)
                .collect(),
        }
    }
}

/// Where a transfer sends a conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Queue {
    /// A team's queue (node outcomes `onConversationTransferred` / `onConversationTransferFailed`).
    Team(String),
    /// A skill queue (node outcomes `Success` / `Failure`).
    Skill(String),
}

impl Queue {
    /// A team queue.
    pub fn team(id: impl Into<String>) -> Self {
        Queue::Team(id.into())
    }

    /// A skill queue.
    pub fn skill(id: impl Into<String>) -> Self {
        Queue::Skill(id.into())
    }

    pub(crate) fn to_wire(&self) -> types::TransferConversationRequest {
        let (queue_type, id) = match self {
            Queue::Team(id) => (types::QueueType::Team, id),
            Queue::Skill(id) => (types::QueueType::Skill, id),
        };
        types::TransferConversationRequest {
            queue_type,
            queue_id: id.clone(),
        }
    }

    pub(crate) fn id(&self) -> &str {
        match self {
            Queue::Team(id) | Queue::Skill(id) => id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<()>) -> String {
        match result {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn creates_and_updates_are_checked() {
        let twice = NewConversation::new(Customer::api("u", "b"))
            .custom_field(CustomField::conversation("k", "1"))
            .custom_field(CustomField::profile("k", "2"))
            .custom_field(CustomField::conversation("k", "3"));
        assert_eq!(field_of(twice.validate()), "customFields[2].key");
        assert_eq!(field_of(ConversationUpdate::new().validate()), "update");
        let wire = NewConversation::new(Customer::sms("+1", "+2").name("Ada")).to_wire();
        assert_eq!(
            serde_json::to_value(wire).unwrap(),
            serde_json::json!({"bizAddress": "+2", "channel": "sms", "customer": {"address": "+1", "name": "Ada"}})
        );
    }
}
