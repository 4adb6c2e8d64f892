// Shared by the open enum tests of wxcc-api and engage-api (engage-api includes this file by
// path); included by `tests/it/open_enums.rs` after `use <crate>::{for_each_string_enum, types};`.

/// A value no spec will ever list.
const NEW_VALUE: &str = "BRAND_NEW_VALUE_FROM_A_NEWER_API";

/// Checks every enum named by `for_each_string_enum!`: `unknown_values` decodes a value the
/// client does not know into the unknown variant and writes it back unchanged; `known_values`
/// decodes each known value into its own variant and writes it as before. Each returns how many
/// enums (values) it checked.
macro_rules! checks {
    ($( $name:ident { $unknown:ident; $( $wire:literal => $variant:ident ),* } ),* $(,)?) => {
        fn unknown_values() -> usize {
            let mut checked = 0;
            $(
                {
                    let name = stringify!($name);
                    let json = format!("\"{NEW_VALUE}\"");
                    // From a borrowed string and from an owned one (serde_json::Value).
                    let from_text: types::$name = serde_json::from_str(&json)
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                    let from_value: types::$name =
                        serde_json::from_value(serde_json::Value::String(NEW_VALUE.into()))
                            .unwrap_or_else(|e| panic!("{name}: {e}"));
                    let parsed: types::$name = NEW_VALUE.parse()
                        .unwrap_or_else(|_| panic!("{name}: parse failed"));
                    let tried = types::$name::try_from(NEW_VALUE)
                        .unwrap_or_else(|_| panic!("{name}: try_from failed"));
                    for decoded in [&from_text, &from_value, &parsed, &tried] {
                        assert!(
                            matches!(decoded, types::$name::$unknown(raw) if raw == NEW_VALUE),
                            "{name}: {decoded:?}"
                        );
                        assert_eq!(serde_json::to_string(decoded).unwrap(), json, "{name}");
                        assert_eq!(decoded.to_string(), NEW_VALUE, "{name}");
                        assert_eq!(decoded.as_str(), NEW_VALUE, "{name}");
                    }
                    // Round trip through the unknown variant built by hand.
                    let built = types::$name::$unknown(NEW_VALUE.to_owned());
                    assert_eq!(built, from_text, "{name}");
                    // Values are matched exactly: a known value in another case is unknown.
                    let first = [$($wire),*][0];
                    let other_case = if first.to_ascii_lowercase() == first {
                        first.to_ascii_uppercase()
                    } else {
                        first.to_ascii_lowercase()
                    };
                    if other_case != first {
                        let decoded: types::$name =
                            serde_json::from_value(serde_json::Value::String(other_case.clone()))
                                .unwrap_or_else(|e| panic!("{name}: {e}"));
                        assert!(
                            matches!(&decoded, types::$name::$unknown(raw) if *raw == other_case),
                            "{name}: {decoded:?}"
                        );
                    }
                    // Still a string enum: other JSON types are refused.
                    assert!(serde_json::from_str::<types::$name>("42").is_err(), "{name}");
                    assert!(serde_json::from_str::<types::$name>("null").is_err(), "{name}");
                    checked += 1;
                }
            )*
            checked
        }

        fn known_values() -> usize {
            let mut checked = 0;
            $(
                $(
                    {
                        let name = concat!(stringify!($name), "::", stringify!($variant));
                        let json = format!("\"{}\"", $wire);
                        let decoded: types::$name = serde_json::from_str(&json)
                            .unwrap_or_else(|e| panic!("{name}: {e}"));
                        assert_eq!(decoded, types::$name::$variant, "{name}");
                        assert!(!matches!(decoded, types::$name::$unknown(_)), "{name}");
                        assert_eq!(serde_json::to_string(&decoded).unwrap(), json, "{name}");
                        assert_eq!(decoded.to_string(), $wire, "{name}");
                        assert_eq!(decoded.as_str(), $wire, "{name}");
                        assert_eq!($wire.parse::<types::$name>().ok(), Some(types::$name::$variant), "{name}");
                        checked += 1;
                    }
                )*
            )*
            checked
        }
    };
}

for_each_string_enum!(checks);

#[test]
fn every_string_enum_keeps_an_unknown_value_and_writes_it_back() {
    let count = unknown_values();
    eprintln!("{count} string enums checked with an unknown value");
    // That the list holds every string enum of the generated code is checked by the xtask's
    // tests (xtask/tests/codegen.rs), which parse it.
    assert!(count > 0);
}

#[test]
fn every_known_value_decodes_to_its_variant_and_writes_as_before() {
    let count = known_values();
    eprintln!("{count} known values checked");
    assert!(count >= unknown_values(), "{count}");
}
