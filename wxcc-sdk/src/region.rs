//! WxCC data centers.

use std::fmt;
use std::str::FromStr;

/// The WxCC data center that holds an organization. No API reports it; it is configuration.
///
/// ```
/// use wxcc_sdk::Region;
///
/// let region: Region = "eu2".parse().unwrap();
/// assert_eq!(region.base_url(), "https://api.wxcc-eu2.cisco.com");
/// assert_eq!(region.to_string(), "eu2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// United States.
    Us1,
    /// Europe (United Kingdom, per Cisco's samples).
    Eu1,
    /// Europe (Germany, per Cisco's samples).
    Eu2,
    /// Australia and New Zealand.
    Anz1,
    /// Canada.
    Ca1,
    /// Japan.
    Jp1,
    /// Singapore.
    Sg1,
}

impl Region {
    /// Every region.
    pub const ALL: [Region; 7] = [
        Region::Us1,
        Region::Eu1,
        Region::Eu2,
        Region::Anz1,
        Region::Ca1,
        Region::Jp1,
        Region::Sg1,
    ];

    /// The short name used in host names (`us1`).
    pub const fn code(self) -> &'static str {
        match self {
            Region::Us1 => "us1",
            Region::Eu1 => "eu1",
            Region::Eu2 => "eu2",
            Region::Anz1 => "anz1",
            Region::Ca1 => "ca1",
            Region::Jp1 => "jp1",
            Region::Sg1 => "sg1",
        }
    }

    /// The API base URL of the region.
    pub fn base_url(self) -> String {
        format!("https://api.wxcc-{}.cisco.com", self.code())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A region name that is not one of [`Region::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown WxCC region `{0}`; expected one of us1, eu1, eu2, anz1, ca1, jp1, sg1, or configure a base URL"
)]
pub struct UnknownRegion(pub String);

impl FromStr for Region {
    type Err = UnknownRegion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Region::ALL
            .into_iter()
            .find(|r| r.code() == wanted)
            .ok_or_else(|| UnknownRegion(s.to_owned()))
    }
}
