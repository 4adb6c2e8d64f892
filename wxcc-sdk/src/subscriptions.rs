//! Webhook subscriptions: registering where WxCC delivers events, in both API versions.

use wxcc_api::operations as ops;
use wxcc_api::types::{
    CreateWebhookSubscriptionRequest, CreateWebhookSubscriptionRequestV2,
    CreatedWebhookSubscription, CreatedWebhookSubscriptionV2, WebhookSubscriptionList,
    WebhookSubscriptionListV2,
};
use wxcc_auth::Call;

use crate::Client;
use crate::error::Result;

impl Client {
    /// Creates a version 1 webhook subscription.
    ///
    /// # Errors
    ///
    /// The call's error.
    pub async fn create_subscription(
        &self,
        request: &CreateWebhookSubscriptionRequest,
    ) -> Result<CreatedWebhookSubscription> {
        self.call(Call::new(&ops::CREATE_WEBHOOK_SUBSCRIPTION).json(request))
            .await
    }

    /// Creates a version 2 webhook subscription (`resource_version` such as `agent:1.0.0`).
    ///
    /// # Errors
    ///
    /// The call's error.
    pub async fn create_subscription_v2(
        &self,
        request: &CreateWebhookSubscriptionRequestV2,
    ) -> Result<CreatedWebhookSubscriptionV2> {
        self.call(Call::new(&ops::CREATE_WEBHOOK_SUBSCRIPTION_V2).json(request))
            .await
    }

    /// Lists version 1 subscriptions (each version sees only its own).
    ///
    /// # Errors
    ///
    /// The call's error.
    pub async fn subscriptions(&self) -> Result<WebhookSubscriptionList> {
        let org = self.org_param();
        self.call(Call::new(&ops::LIST_WEBHOOK_SUBSCRIPTIONS).query(&org))
            .await
    }

    /// Lists version 2 subscriptions.
    ///
    /// # Errors
    ///
    /// The call's error.
    pub async fn subscriptions_v2(&self) -> Result<WebhookSubscriptionListV2> {
        let org = self.org_param();
        self.call(Call::new(&ops::LIST_WEBHOOK_SUBSCRIPTIONS_V2).query(&org))
            .await
    }

    /// Deletes a version 1 subscription.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an id that cannot be a path
    /// segment (empty, `.`, `..`; nothing is sent); the call's error otherwise.
    pub async fn delete_subscription(&self, id: &str) -> Result<()> {
        let org = self.org_param();
        let call = Call::new(&ops::DELETE_WEBHOOK_SUBSCRIPTION).path_param("id", id);
        self.send(call.query(&org)).await.map(|_| ())
    }

    /// Deletes a version 2 subscription.
    ///
    /// # Errors
    ///
    /// As [`Client::delete_subscription`].
    pub async fn delete_subscription_v2(&self, id: &str) -> Result<()> {
        let org = self.org_param();
        let call = Call::new(&ops::DELETE_WEBHOOK_SUBSCRIPTION_V2).path_param("id", id);
        self.send(call.query(&org)).await.map(|_| ())
    }

    fn org_param(&self) -> Vec<(&'static str, String)> {
        self.org_id()
            .map(|o| ("orgId", o.to_owned()))
            .into_iter()
            .collect()
    }
}
