//! Just enough time-zone support for Search intervals and callback scheduling: UTC, fixed
//! offsets, and a table of common IANA zones with their daylight-saving rules (US, EU, AU).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc, Weekday};

/// Daylight-saving rule families.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dst {
    None,
    /// Second Sunday of March to first Sunday of November, 02:00 local.
    Us,
    /// Last Sunday of March to last Sunday of October, 01:00 UTC.
    Eu,
    /// First Sunday of October to first Sunday of April, 02:00 standard time (southern).
    Au,
}

/// A time zone: a standard offset and a daylight-saving rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Zone {
    pub name: String,
    standard_minutes: i32,
    dst: Dst,
}

const ZONES: &[(&str, i32, Dst)] = &[
    ("UTC", 0, Dst::None),
    ("Etc/UTC", 0, Dst::None),
    ("GMT", 0, Dst::None),
    ("America/New_York", -300, Dst::Us),
    ("America/Toronto", -300, Dst::Us),
    ("America/Detroit", -300, Dst::Us),
    ("America/Chicago", -360, Dst::Us),
    ("America/Mexico_City", -360, Dst::None),
    ("America/Denver", -420, Dst::Us),
    ("America/Phoenix", -420, Dst::None),
    ("America/Los_Angeles", -480, Dst::Us),
    ("America/Vancouver", -480, Dst::Us),
    ("America/Anchorage", -540, Dst::Us),
    ("Pacific/Honolulu", -600, Dst::None),
    ("America/Sao_Paulo", -180, Dst::None),
    ("Europe/London", 0, Dst::Eu),
    ("Europe/Dublin", 0, Dst::Eu),
    ("Europe/Lisbon", 0, Dst::Eu),
    ("Europe/Paris", 60, Dst::Eu),
    ("Europe/Berlin", 60, Dst::Eu),
    ("Europe/Amsterdam", 60, Dst::Eu),
    ("Europe/Madrid", 60, Dst::Eu),
    ("Europe/Rome", 60, Dst::Eu),
    ("Europe/Stockholm", 60, Dst::Eu),
    ("Europe/Warsaw", 60, Dst::Eu),
    ("Europe/Athens", 120, Dst::Eu),
    ("Europe/Helsinki", 120, Dst::Eu),
    ("Asia/Dubai", 240, Dst::None),
    ("Asia/Kolkata", 330, Dst::None),
    ("Asia/Singapore", 480, Dst::None),
    ("Asia/Shanghai", 480, Dst::None),
    ("Asia/Hong_Kong", 480, Dst::None),
    ("Asia/Tokyo", 540, Dst::None),
    ("Australia/Brisbane", 600, Dst::None),
    ("Australia/Sydney", 600, Dst::Au),
    ("Australia/Melbourne", 600, Dst::Au),
    ("Pacific/Auckland", 720, Dst::None),
];

impl Zone {
    /// UTC.
    pub(crate) fn utc() -> Zone {
        Zone {
            name: "UTC".to_owned(),
            standard_minutes: 0,
            dst: Dst::None,
        }
    }

    /// A zone by IANA name (from the table), or a fixed offset such as `+05:30`, `UTC-03:00`.
    pub(crate) fn parse(name: &str) -> Option<Zone> {
        if let Some((zone, minutes, dst)) = ZONES.iter().find(|(n, _, _)| *n == name) {
            return Some(Zone {
                name: (*zone).to_owned(),
                standard_minutes: *minutes,
                dst: *dst,
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
        Some(Zone {
            name: name.to_owned(),
            standard_minutes: sign * (hours * 60 + minutes),
            dst: Dst::None,
        })
    }

    /// The offset from UTC in minutes at an instant.
    pub(crate) fn offset_minutes(&self, at: DateTime<Utc>) -> i32 {
        let std = self.standard_minutes;
        let year = at.year();
        let in_dst = match self.dst {
            Dst::None => false,
            Dst::Us => {
                // 02:00 local standard time, expressed in UTC.
                let start = local_at(nth_sunday(year, 3, 2), 2, std);
                let end = local_at(nth_sunday(year, 11, 1), 2, std + 60);
                start.is_some_and(|s| at >= s) && end.is_some_and(|e| at < e)
            }
            Dst::Eu => {
                let start = local_at(last_sunday(year, 3), 1, 0);
                let end = local_at(last_sunday(year, 10), 1, 0);
                start.is_some_and(|s| at >= s) && end.is_some_and(|e| at < e)
            }
            Dst::Au => {
                let end = local_at(nth_sunday(year, 4, 1), 3, std + 60);
                let start = local_at(nth_sunday(year, 10, 1), 2, std);
                end.is_some_and(|e| at < e) || start.is_some_and(|s| at >= s)
            }
        };
        if in_dst { std + 60 } else { std }
    }

    /// The local wall-clock time at an instant.
    pub(crate) fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.naive_utc() + TimeDelta::minutes(i64::from(self.offset_minutes(at)))
    }

    /// The instant of a local wall-clock time (the earlier one when ambiguous).
    pub(crate) fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        // Two passes settle the offset except within a transition hour.
        let guess = local - TimeDelta::minutes(i64::from(self.standard_minutes));
        let guess = guess.and_utc();
        let offset = self.offset_minutes(guess);
        (local - TimeDelta::minutes(i64::from(offset))).and_utc()
    }
}

fn nth_sunday(year: i32, month: u32, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, n)
}

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let last = next.pred_opt()?;
    let back = last.weekday().num_days_from_sunday();
    last.checked_sub_signed(TimeDelta::days(i64::from(back)))
}

/// `hour`:00 on `date` at UTC offset `offset_minutes`, as an instant.
fn local_at(date: Option<NaiveDate>, hour: u32, offset_minutes: i32) -> Option<DateTime<Utc>> {
    let local = date?.and_hms_opt(hour, 0, 0)?;
    Some((local - TimeDelta::minutes(i64::from(offset_minutes))).and_utc())
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
    fn europe_and_offsets() {
        let paris = Zone::parse("Europe/Paris").unwrap_or_else(Zone::utc);
        assert_eq!(paris.offset_minutes(at("2026-07-01T00:00:00Z")), 120);
        assert_eq!(paris.offset_minutes(at("2026-12-01T00:00:00Z")), 60);
        let fixed = Zone::parse("+05:30").unwrap_or_else(Zone::utc);
        assert_eq!(fixed.offset_minutes(at("2026-12-01T00:00:00Z")), 330);
        assert!(Zone::parse("Mars/Olympus").is_none());
    }
}
