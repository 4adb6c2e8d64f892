//! Open string enums: for every string enum of the client (listed by the generated
//! `for_each_string_enum!`, so a new enum is checked without editing this file), a value the
//! client does not know decodes into the unknown variant and is written back unchanged, and every
//! known value still decodes into its own variant.

use serde_json::json;
use wxcc_api::{for_each_string_enum, types};

include!("support/open_enums.rs");

#[test]
fn a_team_of_a_new_type_decodes_and_keeps_it() {
    let body = json!({"name": "Ops", "teamType": "BRAND_NEW_TYPE", "teamStatus": "IN_SERVICE"});
    let team: types::Team = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        team.team_type,
        Some(types::TeamTeamType::Unknown("BRAND_NEW_TYPE".into()))
    );
    assert_eq!(team.team_status, Some(types::TeamTeamStatus::InService));
    assert_eq!(serde_json::to_value(&team).unwrap(), body);
}
