//! The fixed catalogue the generator draws from: names of sites, teams, people, queues, entry
//! points, skills and codes, the values of the seeded global variables, and the phone numbers.
//!
//! Kept apart from the generator so the ids and numbers a test can rely on are read in one
//! place, and so changing a name never moves a random draw.

use super::model::Channel;

/// The well-known repeat caller's number (E.164).
pub(crate) const REPEAT_CALLER_ANI: &str = "+14085550123";

/// Contact reasons (the `contactReason` field and the chat reason / email subject).
pub(crate) const REASONS: [&str; 8] = [
    "Billing question",
    "Order status",
    "Technical issue",
    "New purchase",
    "Cancel service",
    "Change address",
    "Password reset",
    "Complaint",
];
/// Values of the `Global_Language` string global variable.
pub(crate) const LANGUAGES: [&str; 3] = ["en-US", "es-US", "fr-CA"];
/// Values of the `AccountTier` string global variable.
pub(crate) const TIERS: [&str; 3] = ["Gold", "Silver", "Bronze"];

pub(super) const SITE_NAMES: [&str; 2] = ["Austin", "Dublin"];
pub(super) const TEAM_NAMES: [&str; 6] = [
    "Sales East",
    "Sales West",
    "Billing",
    "Support Tier 1",
    "Support Tier 2",
    "Digital",
];
pub(super) const FIRST_NAMES: [&str; 30] = [
    "Ava", "Ben", "Chloe", "Diego", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonas", "Keiko",
    "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor",
    "Wen", "Ximena", "Yusuf", "Zoe", "Aaron", "Bianca", "Carlos", "Dana",
];
pub(super) const LAST_NAMES: [&str; 30] = [
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Kowalski",
    "Haddad",
    "Lindqvist",
    "Tanaka",
    "Murphy",
    "Dubois",
    "Sato",
    "Walsh",
    "Patel",
    "Garcia",
    "Ivanova",
    "Sharma",
    "Baker",
    "Moreno",
    "Chen",
    "Aziz",
    "Brennan",
    "Costa",
    "Li",
    "Reyes",
    "Demir",
    "Fischer",
    "Kaplan",
    "Ferreira",
    "Alvarez",
    "Novak",
];
pub(super) const CUSTOMER_FIRST: [&str; 20] = [
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Parker", "Quincy",
    "Harper", "Rowan", "Emerson", "Finley", "Hayden", "Kendall", "Logan", "Reese", "Sawyer",
    "Skyler",
];
pub(super) const CUSTOMER_LAST: [&str; 20] = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Thomas", "Moore", "Martin", "Jackson", "White", "Harris", "Clark", "Lewis", "Young", "Hall",
    "King",
];
/// (name, channel, service level threshold in seconds)
pub(super) const QUEUES: [(&str, Channel, i64); 8] = [
    ("Sales", Channel::Telephony, 30),
    ("Billing", Channel::Telephony, 45),
    ("Tech Support", Channel::Telephony, 60),
    ("Premium", Channel::Telephony, 20),
    ("Chat Sales", Channel::Chat, 60),
    ("Chat Support", Channel::Chat, 90),
    ("Email Support", Channel::Email, 14_400),
    ("Email Billing", Channel::Email, 14_400),
];
/// (name, channel, outbound, address)
pub(super) const ENTRY_POINTS: [(&str, Channel, bool, &str); 5] = [
    ("Main Line", Channel::Telephony, false, "+18005550100"),
    ("Support Line", Channel::Telephony, false, "+18005550111"),
    ("Outdial", Channel::Telephony, true, "+18005550199"),
    ("Web Chat", Channel::Chat, false, "chat.sandbox.example.com"),
    (
        "Email Support",
        Channel::Email,
        false,
        "support@sandbox.example.com",
    ),
];
pub(super) const SKILLS: [(&str, &str); 5] = [
    ("English", "Proficiency"),
    ("Spanish", "Proficiency"),
    ("French", "Proficiency"),
    ("Billing Expert", "Boolean"),
    ("VIP Handling", "Boolean"),
];
pub(super) const IDLE_CODES: [&str; 4] = ["Lunch", "Meeting", "Training", "Break"];
pub(super) const WRAP_UP_CODES: [&str; 5] = [
    "Resolved",
    "Follow-up needed",
    "Escalated",
    "Sale completed",
    "No answer",
];

/// An agent's work phone (E.164), unique per agent.
pub(super) fn agent_phone(agent: usize) -> String {
    format!("+1512555{:04}", 2000 + agent)
}

/// A customer's phone (E.164): the repeat caller's for customer 0, else a number in the area
/// code of a few US cities, unique by construction.
pub(super) fn customer_phone(customer: usize) -> String {
    if customer == 0 {
        return REPEAT_CALLER_ANI.to_owned();
    }
    const AREAS: [usize; 6] = [212, 312, 415, 512, 617, 206];
    let area = AREAS[customer % AREAS.len()];
    format!("+1{area}{:07}", 2_000_000 + customer * 37)
}
