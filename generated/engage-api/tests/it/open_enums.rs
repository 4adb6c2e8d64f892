//! Open string enums: for every string enum of the client (listed by the generated
//! `for_each_string_enum!`, so a new enum is checked without editing this file), a value the
//! client does not know decodes into the unknown variant and is written back unchanged, and every
//! known value still decodes into its own variant.

use engage_api::{for_each_string_enum, types};
use serde_json::json;

// One body for both generated crates: it names only what `for_each_string_enum!` lists.
include!("../../../wxcc-api/tests/it/support/open_enums.rs");

#[test]
fn a_conversation_in_a_new_status_on_a_new_channel_decodes_and_keeps_them() {
    let body = json!({"id": "c-1", "status": "archived", "channel": "telepathy"});
    let summary: types::ConversationSummary = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        summary.status,
        Some(types::ConversationStatus::Unknown("archived".into()))
    );
    assert_eq!(
        summary.channel,
        Some(types::Channel::Unknown("telepathy".into()))
    );
    assert_eq!(serde_json::to_value(&summary).unwrap(), body);
}
