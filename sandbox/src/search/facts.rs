//! The Search schema's facts: every field of Cisco's five data dictionaries (and the few fields
//! Cisco's own samples use beyond them), with its type and what Search may do with it, read from
//! `facts.tsv`. The schema, the filter compiler and the aggregation checks all read this table,
//! so it is the one place a field is added or changed.

use std::sync::OnceLock;

/// The record a field belongs to, named as Cisco's data dictionaries name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Rec {
    /// Customer session record (`taskDetails`, and the legacy `task` root).
    Csr,
    /// Customer activity record (`activities.nodes` of a task).
    Car,
    /// Agent session record (`agentSession`).
    Asr,
    /// Agent activity record (`channelInfo.activities.nodes` of a session).
    Aar,
    /// Call leg record (`taskLegDetails`).
    Clr,
    /// Fields only the legacy `task` root has.
    Task,
}

impl Rec {
    fn parse(text: &str) -> Option<Rec> {
        Some(match text {
            "CSR" => Rec::Csr,
            "CAR" => Rec::Car,
            "ASR" => Rec::Asr,
            "AAR" => Rec::Aar,
            "CLR" => Rec::Clr,
            "TASK" => Rec::Task,
            _ => return None,
        })
    }

    /// The dictionary file of the record, for the cross-check against Cisco's material.
    #[cfg(test)]
    pub(crate) fn dictionary(self) -> Option<&'static str> {
        Some(match self {
            Rec::Csr => "CSR",
            Rec::Car => "CAR",
            Rec::Asr => "ASR",
            Rec::Aar => "AAR",
            Rec::Clr => "CLR",
            Rec::Task => return None,
        })
    }
}

/// The GraphQL type of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Ty {
    String,
    Long,
    Int,
    Float,
    Boolean,
    /// A JSON value (skills, the raw global variables).
    Json,
    /// One of [`ENUMS`], by name.
    Enum(&'static str),
}

impl Ty {
    fn parse(text: &'static str) -> Option<Ty> {
        Some(match text {
            "String" => Ty::String,
            "Long" => Ty::Long,
            "Int" => Ty::Int,
            "Float" => Ty::Float,
            "Boolean" => Ty::Boolean,
            "JSON" => Ty::Json,
            name if ENUMS.iter().any(|(n, _)| *n == name) => Ty::Enum(name),
            _ => return None,
        })
    }

    /// Whether `min`, `max`, `sum` and `average` apply.
    pub(crate) fn is_numeric(self) -> bool {
        matches!(self, Ty::Long | Ty::Int | Ty::Float)
    }

    /// The GraphQL scalar or enum name.
    pub(crate) fn graphql(self) -> &'static str {
        match self {
            Ty::String => "String",
            Ty::Long => "Long",
            Ty::Int => "Int",
            Ty::Float => "Float",
            Ty::Boolean => "Boolean",
            Ty::Json => "JSON",
            Ty::Enum(name) => name,
        }
    }
}

/// Enums of the schema whose values Cisco's material shows. Values that are not GraphQL names
/// (`logged-out`) cannot be enum values; those states are only reachable through the string
/// fields of agent activities.
pub(crate) const ENUMS: &[(&str, &[&str])] = &[
    // Task channels: the data dictionaries name telephony, email and chat; the published
    // responses also carry social, video and social_channel.
    (
        "ChannelType",
        &[
            "telephony",
            "email",
            "chat",
            "social",
            "video",
            "social_channel",
        ],
    ),
    // An agent channel's current state: the states agent activities carry in Cisco's published
    // responses, as far as they are GraphQL names.
    (
        "AgentChannelState",
        &[
            "available",
            "idle",
            "ringing",
            "connected",
            "wrapup",
            "consulting",
            "conferencing",
            "transferred",
            "consult",
            "ctq",
            "AvailableConsultReserved",
            "ConnectedConsultReserved",
            "IdleConsultReserved",
            "EndConsult",
            "Conference",
            "ConsultTransfer",
            "BlindTransfer",
        ],
    ),
];

/// One field.
#[derive(Clone, Debug)]
pub(crate) struct Fact {
    pub rec: Rec,
    /// As the dictionaries write it: `lastAgent.id`, `activities.nodes.queueId`.
    pub path: &'static str,
    pub ty: Ty,
    pub select: bool,
    pub aggregate: bool,
    pub group: bool,
    /// Usable in `filter`.
    pub filter: bool,
    /// Usable in `extFilter`.
    pub ext_filter: bool,
    pub sort: bool,
}

const TABLE: &str = include_str!("facts.tsv");

/// Parses the table; an error names the line.
pub(crate) fn parse(table: &'static str) -> Result<Vec<Fact>, String> {
    let mut facts: Vec<Fact> = Vec::new();
    for (number, line) in table.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&'static str> = line.split('\t').collect();
        let [rec, path, ty, flags, _source] = cells[..] else {
            return Err(format!("facts.tsv line {}: expected 5 columns", number + 1));
        };
        let bad = |what: &str| format!("facts.tsv line {}: unknown {what}", number + 1);
        let rec = Rec::parse(rec).ok_or_else(|| bad("record"))?;
        let ty = Ty::parse(ty).ok_or_else(|| bad("type"))?;
        if flags.chars().any(|c| !"sagfxo".contains(c)) {
            return Err(bad("flag"));
        }
        if facts.iter().any(|f| f.rec == rec && f.path == path) {
            return Err(format!("facts.tsv line {}: {path} twice", number + 1));
        }
        facts.push(Fact {
            rec,
            path,
            ty,
            select: flags.contains('s'),
            aggregate: flags.contains('a'),
            group: flags.contains('g'),
            filter: flags.contains('f'),
            ext_filter: flags.contains('x'),
            sort: flags.contains('o'),
        });
    }
    Ok(facts)
}

/// Every field (an empty table if `facts.tsv` does not parse, which the tests rule out).
pub(crate) fn all() -> &'static [Fact] {
    static FACTS: OnceLock<Vec<Fact>> = OnceLock::new();
    FACTS.get_or_init(|| parse(TABLE).unwrap_or_default())
}

/// The fields of the records one root reads (its record and its nested records).
pub(crate) fn of(recs: &[Rec]) -> impl Iterator<Item = &'static Fact> + '_ {
    all().iter().filter(move |f| recs.contains(&f.rec))
}

/// A field of those records by path.
pub(crate) fn find(recs: &[Rec], path: &str) -> Option<&'static Fact> {
    of(recs).find(|f| f.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_with_every_record() {
        let facts = parse(TABLE).unwrap_or_else(|e| panic!("{e}"));
        assert!(facts.len() > 480, "{}", facts.len());
        for rec in [Rec::Csr, Rec::Car, Rec::Asr, Rec::Aar, Rec::Clr, Rec::Task] {
            assert!(facts.iter().any(|f| f.rec == rec), "{rec:?}");
        }
        let created = find(&[Rec::Csr], "createdTime").unwrap_or_else(|| panic!("createdTime"));
        assert!(
            created.sort && !created.filter,
            "Cisco: createdTime sorts, never filters"
        );
    }

    /// Every field of Cisco's dictionaries is in the table with the same type and flags.
    #[test]
    fn the_table_agrees_with_cisco_data_dictionaries() {
        let Some(dir) = crate::search::fixtures::dir("DataDictionary") else {
            return;
        };
        let facts = parse(TABLE).unwrap_or_else(|e| panic!("{e}"));
        let mut checked = 0;
        for rec in [Rec::Csr, Rec::Car, Rec::Asr, Rec::Aar, Rec::Clr] {
            let Some(name) = rec.dictionary() else {
                continue;
            };
            let text = std::fs::read_to_string(dir.join(format!("{name}.md")))
                .unwrap_or_else(|e| panic!("{name}.md: {e}"));
            for line in text.lines() {
                let cells: Vec<&str> = line
                    .trim()
                    .trim_matches('|')
                    .split('|')
                    .map(str::trim)
                    .collect();
                if cells.len() < 7 || cells[0] == "Field Name" || cells[0].starts_with([':', '-']) {
                    continue;
                }
                let (path, ty, agg, group, filter, sort) =
                    (cells[0], cells[1], cells[3], cells[4], cells[5], cells[6]);
                // The activity dictionaries repeat a few parent fields; the parent's table
                // owns them.
                let prefix = match rec {
                    Rec::Car => Some("activities.nodes."),
                    Rec::Aar => Some("channelInfo.activities.nodes."),
                    _ => None,
                };
                if prefix.is_some_and(|p| !path.starts_with(p)) {
                    continue;
                }
                let fact = facts
                    .iter()
                    .find(|f| f.rec == rec && f.path == path)
                    .unwrap_or_else(|| panic!("{name}: {path} missing"));
                let yes = |c: &str| c.to_ascii_lowercase().starts_with("yes");
                let ty_ok = match (ty, fact.ty) {
                    ("AgentState", Ty::String) => true,
                    (_, Ty::Enum(_)) => ty == "String",
                    (t, f) => t == f.graphql(),
                };
                assert!(ty_ok, "{name}: {path}: {ty} vs {:?}", fact.ty);
                assert_eq!(fact.aggregate, yes(agg), "{name}: {path} aggregation");
                assert_eq!(fact.group, yes(group), "{name}: {path} group by");
                assert_eq!(
                    fact.filter || fact.ext_filter,
                    yes(filter),
                    "{name}: {path} filter"
                );
                assert_eq!(
                    fact.ext_filter,
                    filter.contains("extFilter"),
                    "{name}: {path}"
                );
                assert_eq!(fact.sort, yes(sort), "{name}: {path} sort");
                checked += 1;
            }
        }
        assert!(checked > 480, "{checked} dictionary fields checked");
    }
}
