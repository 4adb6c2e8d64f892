//! Time zones for Search intervals and callback scheduling: any IANA zone (from the tz database
//! in `chrono-tz`) or a fixed offset such as `+05:30` or `UTC-03:00`.

use chrono::offset::LocalResult;
use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// A time zone, with the name the request used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Zone {
    pub name: String,
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Named(Tz),
    Fixed(FixedOffset),
}

impl Zone {
    /// UTC.
    pub(crate) fn utc() -> Zone {
        Zone {
            name: "UTC".to_owned(),
            kind: Kind::Named(Tz::UTC),
        }
    }

    /// A zone by IANA name, or a fixed offset (`+05:30`, `UTC-03:00`, `GMT+1`).
    pub(crate) fn parse(name: &str) -> Option<Zone> {
        if let Ok(tz) = name.parse::<Tz>() {
            return Some(Zone {
                name: name.to_owned(),
                kind: Kind::Named(tz),
            });
        }
        let rest = name
            .strip_prefix("UTC")
            .or_else(|| name.strip_prefix("GMT"))
            .unwrap_or(name);
        let (sign, rest) = match rest.as_bytes().first() {
            Some(b'+') => (1, &rest[1..]),
            Some(b'-') => (-1, &rest[1..]),
            _ => return None,
        };
        let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
        let hours: i32 = hours.parse().ok()?;
        let minutes: i32 = minutes.parse().ok()?;
        if hours > 14 || minutes >= 60 {
            return None;
        }
        let offset = FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))?;
        Some(Zone {
            name: name.to_owned(),
            kind: Kind::Fixed(offset),
        })
    }

    /// The offset from UTC in minutes at an instant.
    pub(crate) fn offset_minutes(&self, at: DateTime<Utc>) -> i32 {
        let seconds = match self.kind {
            Kind::Named(tz) => tz
                .offset_from_utc_datetime(&at.naive_utc())
                .fix()
                .local_minus_utc(),
            Kind::Fixed(offset) => offset.local_minus_utc(),
        };
        seconds / 60
    }

    /// The local wall-clock time at an instant.
    pub(crate) fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.naive_utc() + TimeDelta::minutes(i64::from(self.offset_minutes(at)))
    }

    /// The instant of a local wall-clock time: the earlier one when the clocks went back, and
    /// the time read with the offset before the change when they went forward over it.
    pub(crate) fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self.kind {
            Kind::Named(tz) => match tz.from_local_datetime(&local) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
                LocalResult::None => {
                    let before = tz.offset_from_utc_datetime(&local).fix().local_minus_utc();
                    (local - TimeDelta::seconds(i64::from(before))).and_utc()
                }
            },
            Kind::Fixed(offset) => {
                (local - TimeDelta::seconds(i64::from(offset.local_minus_utc()))).and_utc()
            }
        }
    }
}

/// Start of the local day containing `local`.
pub(crate) fn start_of_day(local: NaiveDateTime) -> NaiveDateTime {
    local.date().and_time(chrono::NaiveTime::MIN)
}

/// Truncates a local time to a multiple of `minutes` within its day.
pub(crate) fn truncate_minutes(local: NaiveDateTime, minutes: u32) -> NaiveDateTime {
    let total = local.hour() * 60 + local.minute();
    let kept = total - total % minutes.max(1);
    start_of_day(local) + TimeDelta::minutes(i64::from(kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn new_york_switches_in_march_and_november() {
        let ny = Zone::parse("America/New_York").unwrap_or_else(Zone::utc);
        assert_eq!(ny.offset_minutes(at("2026-01-15T12:00:00Z")), -300);
        assert_eq!(ny.offset_minutes(at("2026-07-15T12:00:00Z")), -240);
        // 2026-03-08 is the second Sunday of March: 02:00 EST = 07:00 UTC.
        assert_eq!(ny.offset_minutes(at("2026-03-08T06:59:00Z")), -300);
        assert_eq!(ny.offset_minutes(at("2026-03-08T07:00:00Z")), -240);
    }

    #[test]
    fn any_iana_zone_and_fixed_offsets() {
        let paris = Zone::parse("Europe/Paris").unwrap_or_else(Zone::utc);
        assert_eq!(paris.offset_minutes(at("2026-07-01T00:00:00Z")), 120);
        assert_eq!(paris.offset_minutes(at("2026-12-01T00:00:00Z")), 60);
        let kathmandu = Zone::parse("Asia/Kathmandu").unwrap_or_else(Zone::utc);
        assert_eq!(kathmandu.offset_minutes(at("2026-12-01T00:00:00Z")), 345);
        let fixed = Zone::parse("+05:30").unwrap_or_else(Zone::utc);
        assert_eq!(fixed.offset_minutes(at("2026-12-01T00:00:00Z")), 330);
        assert!(Zone::parse("Mars/Olympus").is_none());
    }

    #[test]
    fn local_times_in_a_spring_gap_still_map_to_an_instant() {
        let ny = Zone::parse("America/New_York").unwrap_or_else(Zone::utc);
        let gap = at("2026-03-08T07:30:00Z").naive_utc() - TimeDelta::hours(5);
        // 02:30 on the switch day does not exist in New York; it reads as 07:30 UTC.
        assert_eq!(ny.instant(gap), at("2026-03-08T07:30:00Z"));
    }
}
