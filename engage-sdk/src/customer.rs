//! Who a conversation is with: channel-specific customer and business addresses.

use engage_api::types;

use crate::error::{Error, Result};
use crate::message::non_blank;

pub use engage_api::types::Channel;

/// A customer on one channel, with the business address they talk to: the pair a conversation
/// is found by.
///
/// Each constructor names the two addresses in the channel's own terms. Addresses are checked
/// when a call uses them ([`Error::InvalidInput`], outcome `onInvalidData`).
///
/// ```
/// use engage_sdk::{Channel, Customer};
///
/// let sms = Customer::sms("+14155550100", "+14155550199").name("Ada Lovelace");
/// assert_eq!(sms.channel(), Channel::Sms);
/// assert_eq!(sms.customer_address(), "+14155550100");
///
/// let mail = Customer::email("ada@example.com", "support@example.com")
///     .subject("Order A-10023")
///     .in_reply_to("<CAF=abc@mail.example.com>");
/// assert_eq!(mail.business_address(), "support@example.com");
///
/// let chat = Customer::live_chat("visitor-42", "app-7", "thread-9");
/// assert_eq!(chat.customer_address(), "visitor-42");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    pub(crate) channel: Channel,
    pub(crate) customer: String,
    pub(crate) business: String,
    pub(crate) name: Option<String>,
    context: types::ConversationContext,
}

impl Customer {
    fn new(channel: Channel, customer: impl Into<String>, business: impl Into<String>) -> Self {
        Self {
            channel,
            customer: customer.into(),
            business: business.into(),
            name: None,
            context: types::ConversationContext::default(),
        }
    }

    /// SMS: the customer's mobile number and the business long code.
    pub fn sms(mobile_number: impl Into<String>, long_code: impl Into<String>) -> Self {
        Self::new(Channel::Sms, mobile_number, long_code)
    }

    /// Facebook Messenger: the customer's page-scoped id and the page id.
    pub fn messenger(page_scoped_id: impl Into<String>, page_id: impl Into<String>) -> Self {
        Self::new(Channel::Messenger, page_scoped_id, page_id)
    }

    /// Live chat: the visitor's user id, the app id, and the chat thread id. The user id is both
    /// the customer address and the user id matched with the thread.
    pub fn live_chat(
        user_id: impl Into<String>,
        app_id: impl Into<String>,
        thread_id: impl Into<String>,
    ) -> Self {
        let user_id = user_id.into();
        let mut customer = Self::new(Channel::Livechat, user_id.clone(), app_id);
        customer.context.user_id = Some(user_id);
        customer.context.thread_id = Some(thread_id.into());
        customer
    }

    /// Email: the customer's address and the business mailbox. Add the subject and the
    /// `In-Reply-To` id of the incoming mail with [`Customer::subject`] and
    /// [`Customer::in_reply_to`]: Engage matches on `In-Reply-To` first, then on customer,
    /// mailbox and subject.
    pub fn email(address: impl Into<String>, mailbox: impl Into<String>) -> Self {
        Self::new(Channel::Email, address, mailbox)
    }

    /// Apple Messages for Business: the customer's AMB user id and the AMB account id.
    pub fn apple_business(user_id: impl Into<String>, account_id: impl Into<String>) -> Self {
        Self::new(Channel::AppleBusinessChat, user_id, account_id)
    }

    /// WhatsApp: the customer's WhatsApp number and the WhatsApp business number.
    pub fn whatsapp(mobile_number: impl Into<String>, business_number: impl Into<String>) -> Self {
        Self::new(Channel::Whatsapp, mobile_number, business_number)
    }

    /// The generic API channel: your user id for the customer and the business id from the
    /// Engage admin console.
    pub fn api(user_id: impl Into<String>, business_id: impl Into<String>) -> Self {
        Self::new(Channel::Api, user_id, business_id)
    }

    /// The customer's display name (used when a conversation is created).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Email: the subject line.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.context.subject = Some(subject.into());
        self
    }

    /// Email: the `In-Reply-To` message id of the incoming mail.
    #[must_use]
    pub fn in_reply_to(mut self, message_id: impl Into<String>) -> Self {
        self.context.in_reply_to = Some(message_id.into());
        self
    }

    /// Email: a `To` address (sent when a conversation is created).
    #[must_use]
    pub fn to(mut self, address: impl Into<String>) -> Self {
        self.context.to.push(address.into());
        self
    }

    /// Email: a `Cc` address (sent when a conversation is created).
    #[must_use]
    pub fn cc(mut self, address: impl Into<String>) -> Self {
        self.context.cc.push(address.into());
        self
    }

    /// Live chat: the visitor's browser fingerprint (sent when a conversation is created).
    #[must_use]
    pub fn browser_fingerprint(mut self, fingerprint: impl Into<String>) -> Self {
        self.context.browser_fingerprint = Some(fingerprint.into());
        self
    }

    /// The channel.
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// The customer's address on the channel.
    pub fn customer_address(&self) -> &str {
        &self.customer
    }

    /// The business address on the channel.
    pub fn business_address(&self) -> &str {
        &self.business
    }

    /// The display name, if set.
    pub fn display_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The channel-specific context (thread, subject, ...).
    pub fn context(&self) -> &types::ConversationContext {
        &self.context
    }

    /// Checks the addresses and the context for the channel.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the first problem.
    pub fn validate(&self) -> Result<()> {
        non_blank("customerAddress", &self.customer)?;
        non_blank("bizAddress", &self.business)?;
        for (field, value) in [
            ("customerAddress", &self.customer),
            ("bizAddress", &self.business),
        ] {
            if value.chars().any(char::is_control) {
                return Err(Error::invalid(field, "must not contain control characters"));
            }
        }
        if let Some(name) = &self.name {
            non_blank("customer.name", name)?;
        }
        let context = &self.context;
        let wrong_channel = |field: &str, channel: &str| {
            Err(Error::invalid(
                field,
                format!("only {channel} conversations carry it"),
            ))
        };
        match self.channel {
            Channel::Email => {
                for (field, address) in [
                    ("customerAddress", &self.customer),
                    ("bizAddress", &self.business),
                ] {
                    email_address(field, address)?;
                }
                for (i, address) in context.to.iter().enumerate() {
                    email_address(&format!("context.to[{i}]"), address)?;
                }
                for (i, address) in context.cc.iter().enumerate() {
                    email_address(&format!("context.cc[{i}]"), address)?;
                }
            }
            _ if context.subject.is_some() => return wrong_channel("subject", "email"),
            _ if context.in_reply_to.is_some() => return wrong_channel("inReplyTo", "email"),
            _ if !context.to.is_empty() => return wrong_channel("to", "email"),
            _ if !context.cc.is_empty() => return wrong_channel("cc", "email"),
            _ => {}
        }
        match self.channel {
            Channel::Livechat => {
                non_blank("threadId", context.thread_id.as_deref().unwrap_or_default())?;
            }
            _ if context.browser_fingerprint.is_some() => {
                return wrong_channel("browserFingerprint", "live chat");
            }
            _ => {}
        }
        Ok(())
    }

    /// The query of a search for this customer.
    pub(crate) fn search_query(&self) -> Vec<(&'static str, String)> {
        let mut query = vec![
            ("channel", self.channel.to_string()),
            ("customerAddress", self.customer.clone()),
            ("bizAddress", self.business.clone()),
        ];
        let context = &self.context;
        let optional = [
            ("threadId", &context.thread_id),
            ("userId", &context.user_id),
            ("subject", &context.subject),
            ("inReplyTo", &context.in_reply_to),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                query.push((key, value.clone()));
            }
        }
        query
    }

    pub(crate) fn wire_context(&self) -> Option<types::ConversationContext> {
        (self.context != types::ConversationContext::default()).then(|| self.context.clone())
    }
}

fn email_address(field: &str, address: &str) -> Result<()> {
    let valid = address
        .trim()
        .rsplit_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
    if !valid {
        return Err(Error::invalid(
            field,
            format!("`{address}` is not an email address"),
        ));
    }
    Ok(())
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
    fn searches_carry_the_channel_context() {
        let chat = Customer::live_chat("visitor-42", "app-7", "thread-9");
        assert_eq!(
            chat.search_query(),
            vec![
                ("channel", "livechat".to_owned()),
                ("customerAddress", "visitor-42".to_owned()),
                ("bizAddress", "app-7".to_owned()),
                ("threadId", "thread-9".to_owned()),
                ("userId", "visitor-42".to_owned()),
            ]
        );
        let mail = Customer::email("ada@example.com", "help@example.com")
            .subject("Order")
            .in_reply_to("<m1@example.com>");
        let query = mail.search_query();
        assert!(query.contains(&("subject", "Order".to_owned())));
        assert!(query.contains(&("inReplyTo", "<m1@example.com>".to_owned())));
        assert_eq!(
            Customer::apple_business("u", "a").search_query()[0].1,
            "apple_business_chat"
        );
    }

    #[test]
    fn addresses_are_checked_for_the_channel() {
        assert_eq!(
            field_of(Customer::sms(" ", "+1415").validate()),
            "customerAddress"
        );
        assert_eq!(
            field_of(Customer::whatsapp("+1", "").validate()),
            "bizAddress"
        );
        assert_eq!(
            field_of(Customer::email("ada", "help@example.com").validate()),
            "customerAddress"
        );
        assert_eq!(
            field_of(Customer::sms("+1", "+2").subject("Hi").validate()),
            "subject"
        );
        assert_eq!(
            field_of(Customer::live_chat("u", "a", "").validate()),
            "threadId"
        );
        assert_eq!(
            field_of(Customer::api("u\n", "b").validate()),
            "customerAddress"
        );
        Customer::messenger("psid", "page").validate().unwrap();
    }
}
