//! The Webex Engage deployments that publish an `/api/v1` host.

use std::fmt;
use std::str::FromStr;

/// Where a Webex Engage tenant is deployed. The tenant's provisioning tells you which one; no API
/// reports it.
///
/// Private deployments and the alternate hosts some Cisco guides list
/// (`api-<site>.<region>.webexengage.com`, `engage-api.<env>.ciscoccservice.com`) are not
/// variants: pass them to [`ClientBuilder::base_url`](crate::ClientBuilder::base_url).
///
/// ```
/// use engage_sdk::EngageRegion;
///
/// let region: EngageRegion = "us-oregon".parse().unwrap();
/// assert_eq!(region, EngageRegion::UsOregon);
/// assert_eq!(region.base_url(), "https://api-us-site-1.imiengage.io/api/v1");
/// assert_eq!(region.token_url(), "https://api-us-site-1.imiengage.io/api/v1/oauth/token");
/// // The site name from the host works too.
/// assert_eq!("syd-site-1".parse::<EngageRegion>().unwrap(), EngageRegion::AnzSydney);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EngageRegion {
    /// United States, hosted on AWS in Oregon (`api-us-site-1.imiengage.io`).
    UsOregon,
    /// United States, hosted on Azure (`api-us-site-2.imichat.us`).
    UsAzure,
    /// United Kingdom, hosted on AWS in London (`api-uk-site-1.imiengage.io`).
    UkLondon,
    /// European Union, hosted on AWS in Ireland (`api-eu-site-1.imiengage.io`).
    EuIreland,
    /// Canada, hosted on AWS in Toronto (`api-ca-site-1.imiengage.io`).
    CaToronto,
    /// Australia and New Zealand, hosted on AWS in Sydney (`api-syd-site-1.imiengage.com.au`).
    AnzSydney,
    /// Asia Pacific, hosted on AWS in Mumbai (`api-ind-site-1.imiengage.io`).
    ApacMumbai,
    /// The United Kingdom private data center (`api-tc.imi.chat`).
    UkPrivate,
}

impl EngageRegion {
    /// Every region.
    pub const ALL: [EngageRegion; 8] = [
        EngageRegion::UsOregon,
        EngageRegion::UsAzure,
        EngageRegion::UkLondon,
        EngageRegion::EuIreland,
        EngageRegion::CaToronto,
        EngageRegion::AnzSydney,
        EngageRegion::ApacMumbai,
        EngageRegion::UkPrivate,
    ];

    /// The short name this crate uses for the region (`us-oregon`).
    pub const fn code(self) -> &'static str {
        match self {
            EngageRegion::UsOregon => "us-oregon",
            EngageRegion::UsAzure => "us-azure",
            EngageRegion::UkLondon => "uk-london",
            EngageRegion::EuIreland => "eu-ireland",
            EngageRegion::CaToronto => "ca-toronto",
            EngageRegion::AnzSydney => "anz-sydney",
            EngageRegion::ApacMumbai => "apac-mumbai",
            EngageRegion::UkPrivate => "uk-private",
        }
    }

    /// The site name in the region's host (`us-site-1`; `tc` for the private data center).
    pub const fn site(self) -> &'static str {
        match self {
            EngageRegion::UsOregon => "us-site-1",
            EngageRegion::UsAzure => "us-site-2",
            EngageRegion::UkLondon => "uk-site-1",
            EngageRegion::EuIreland => "eu-site-1",
            EngageRegion::CaToronto => "ca-site-1",
            EngageRegion::AnzSydney => "syd-site-1",
            EngageRegion::ApacMumbai => "ind-site-1",
            EngageRegion::UkPrivate => "tc",
        }
    }

    /// The published API base URL of the region, `/api/v1` included.
    pub const fn base_url(self) -> &'static str {
        match self {
            EngageRegion::UsOregon => "https://api-us-site-1.imiengage.io/api/v1",
            EngageRegion::UsAzure => "https://api-us-site-2.imichat.us/api/v1",
            EngageRegion::UkLondon => "https://api-uk-site-1.imiengage.io/api/v1",
            EngageRegion::EuIreland => "https://api-eu-site-1.imiengage.io/api/v1",
            EngageRegion::CaToronto => "https://api-ca-site-1.imiengage.io/api/v1",
            EngageRegion::AnzSydney => "https://api-syd-site-1.imiengage.com.au/api/v1",
            EngageRegion::ApacMumbai => "https://api-ind-site-1.imiengage.io/api/v1",
            EngageRegion::UkPrivate => "https://api-tc.imi.chat/api/v1",
        }
    }

    /// The client-credentials token URL: `<base URL>/oauth/token`, for
    /// [`wxcc_auth::NodeAuthorizations::builder`].
    ///
    /// Cisco documents the token call as `https://<deployment URL>/oauth/token` without saying
    /// whether the deployment URL carries `/api/v1`; this guess keeps it. If your tenant's token
    /// endpoint lives at the bare host, build the registry with that URL instead.
    pub fn token_url(self) -> String {
        format!("{}/oauth/token", self.base_url())
    }
}

impl fmt::Display for EngageRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A region name that is none of [`EngageRegion::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown Engage region `{0}`; expected one of us-oregon, us-azure, uk-london, eu-ireland, \
     ca-toronto, anz-sydney, apac-mumbai, uk-private (or a site name such as us-site-1), or \
     configure a base URL"
)]
pub struct UnknownEngageRegion(pub String);

impl FromStr for EngageRegion {
    type Err = UnknownEngageRegion;

    /// Accepts the [`code`](EngageRegion::code) or the [`site`](EngageRegion::site), in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        EngageRegion::ALL
            .into_iter()
            .find(|r| r.code() == wanted || r.site() == wanted)
            .ok_or_else(|| UnknownEngageRegion(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_round_trips_and_has_an_https_api_v1_base() {
        for region in EngageRegion::ALL {
            assert_eq!(region.code().parse::<EngageRegion>(), Ok(region));
            assert_eq!(region.site().parse::<EngageRegion>(), Ok(region));
            assert!(region.base_url().starts_with("https://api-"));
            assert!(region.base_url().ends_with("/api/v1"));
            assert!(region.base_url().contains(region.site()));
        }
        assert!("us1".parse::<EngageRegion>().is_err());
    }
}
