//! The seeded clients: the OAuth integration, the service app and the Engage tenant, with
//! their secrets and the scopes they may be granted, and the well-known ids of the data set
//! handed out with them. Derived from the seed, so a test can hard-code nothing and still
//! find the same clients every run.

use secrecy::SecretString;

use crate::data::{Dataset, REPEAT_CALLER_ANI};
use crate::rng::Rng;

/// Scopes every seeded Webex client may be granted.
pub const WEBEX_SCOPES: &[&str] = &[
    "cjp:config",
    "cjp:config_read",
    "cjp:config_write",
    "cjp:user",
    "cloud-contact-center:pod_conv",
    "cjds:admin_org_read",
    "cjds:admin_org_write",
    "spark:applications_token",
    "spark:kms",
    "spark:people_read",
];

/// Scopes an Engage token carries.
pub const ENGAGE_SCOPES: &[&str] = &[
    "conversations:read",
    "conversations:write",
    "conversations-messages:read",
    "conversations-messages:write",
    "conversations-participants:read",
    "conversations-participants:write",
];

/// A Webex OAuth integration (authorization code grant).
#[derive(Clone, Debug)]
pub struct Integration {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: SecretString,
    /// The one registered redirect URI (served by the sandbox at `/callback`).
    pub redirect_uri: String,
    /// The scopes the integration may be granted.
    pub scopes: Vec<String>,
}

/// A Webex service app (machine account) authorized in the sandbox organization.
#[derive(Clone, Debug)]
pub struct ServiceAppCredentials {
    /// The application id (path segment of the token call).
    pub application_id: String,
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: SecretString,
    /// The organization the app is authorized in.
    pub target_org_id: String,
    /// The scopes its tokens carry.
    pub scopes: Vec<String>,
}

/// The Engage tenant's client credentials.
#[derive(Clone, Debug)]
pub struct EngageTenant {
    /// The tenant id (OAuth `client_id`).
    pub tenant_id: String,
    /// The current tenant secret (OAuth `client_secret`); see [`crate::Sandbox::rotate_engage_secret`].
    pub tenant_secret: SecretString,
}

/// Well-known ids in the seeded data, so tests and examples find interesting records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownIds {
    /// A caller who called many times (E.164 with `+`, as Search's `origin` holds it).
    pub repeat_caller_ani: String,
    /// How many inbound calls that caller made.
    pub repeat_caller_calls: usize,
    /// The agent who handled the caller's latest call.
    pub last_agent_id: String,
    /// That agent's name.
    pub last_agent_name: String,
    /// A telephony queue with recent traffic (enough samples for wait-time estimates).
    pub queue_id: String,
    /// Its name.
    pub queue_name: String,
    /// An inbound telephony entry point.
    pub entry_point_id: String,
    /// Its name.
    pub entry_point_name: String,
    /// A team.
    pub team_id: String,
    /// Its name.
    pub team_name: String,
}

/// Everything needed to authenticate against the sandbox.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The organization id (path and query parameter of many WxCC calls).
    pub org_id: String,
    /// The email of the administrator who authorizes integrations.
    pub admin_email: String,
    /// The OAuth integration.
    pub integration: Integration,
    /// The service app.
    pub service_app: ServiceAppCredentials,
    /// The Engage tenant.
    pub engage: EngageTenant,
    /// Well-known seeded ids.
    pub known: KnownIds,
}

/// The credentials of the data set's organization, served at `base`.
pub(crate) fn seeded(data: &Dataset, base: &str) -> Credentials {
    let mut r = Rng::new(data.seed).fork(11);
    let tenant = 100_000 + r.below(900_000);
    let mut hex = |n: usize| -> String {
        let mut out = String::with_capacity(n);
        while out.len() < n {
            out.push_str(&format!("{:016x}", r.next_u64()));
        }
        out.truncate(n);
        out
    };
    let scopes: Vec<String> = WEBEX_SCOPES.iter().map(|s| (*s).to_owned()).collect();
    let service_scopes: Vec<String> = [
        "cjp:config",
        "cjp:config_read",
        "cjp:config_write",
        "cjp:user",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let agent = data.agents.get(data.repeat_caller_agent);
    let queue = data.queues.first();
    let entry_point = data.entry_points.first();
    let team = data.teams.first();
    Credentials {
        org_id: data.org_id.clone(),
        admin_email: data.admin_email.clone(),
        integration: Integration {
            client_id: format!("C{}", hex(64)),
            client_secret: SecretString::from(hex(64)),
            redirect_uri: format!("{base}/callback"),
            scopes,
        },
        service_app: ServiceAppCredentials {
            application_id: format!("sandbox-app-{}", hex(24)),
            client_id: format!("C{}", hex(64)),
            client_secret: SecretString::from(hex(64)),
            target_org_id: data.org_id.clone(),
            scopes: service_scopes,
        },
        engage: EngageTenant {
            tenant_id: tenant.to_string(),
            tenant_secret: SecretString::from(hex(40)),
        },
        known: KnownIds {
            repeat_caller_ani: REPEAT_CALLER_ANI.to_owned(),
            repeat_caller_calls: data.tasks.iter().filter(|t| t.customer == 0).count(),
            last_agent_id: agent.map(|a| a.id.clone()).unwrap_or_default(),
            last_agent_name: agent.map(|a| a.name.clone()).unwrap_or_default(),
            queue_id: queue.map(|q| q.id.clone()).unwrap_or_default(),
            queue_name: queue.map(|q| q.name.to_owned()).unwrap_or_default(),
            entry_point_id: entry_point.map(|e| e.id.clone()).unwrap_or_default(),
            entry_point_name: entry_point.map(|e| e.name.to_owned()).unwrap_or_default(),
            team_id: team.map(|t| t.id.clone()).unwrap_or_default(),
            team_name: team.map(|t| t.name.to_owned()).unwrap_or_default(),
        },
    }
}
