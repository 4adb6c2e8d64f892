// Shared by the open enum tests of wxcc-api and engage-api (engage-api includes this file by
// path); included by `tests/it/open_enums.rs` after `use <crate>::{for_each_string_enum, types};`.

/// A value no spec will ever list.
const NEW_VALUE: &str = "BRAND_NEW_VALUE_FROM_A_NEWER_API";

/// What the generated string enums implement; the checks below are generic over it so that each
/// enum costs one instantiation, not a copy of every assertion (this file used to expand all of
/// them inline, which took most of a minute to compile).
trait OpenEnum:
    serde::de::DeserializeOwned
    + serde::Serialize
    + std::str::FromStr
    + std::fmt::Display
    + std::fmt::Debug
    + PartialEq
    + for<'a> TryFrom<&'a str>
{
}

impl<T> OpenEnum for T where
    T: serde::de::DeserializeOwned
        + serde::Serialize
        + std::str::FromStr
        + std::fmt::Display
        + std::fmt::Debug
        + PartialEq
        + for<'a> TryFrom<&'a str>
{
}

/// A value the client does not know decodes into the unknown variant (from a borrowed string,
/// an owned `serde_json::Value`, `FromStr` and `TryFrom`) and is written back unchanged; a known
/// value in another case is unknown (values are matched exactly); other JSON types are refused.
fn check_unknown<T: OpenEnum>(
    name: &str,
    wires: &[&str],
    unknown: fn(String) -> T,
    as_str: fn(&T) -> &str,
) {
    let json = format!("\"{NEW_VALUE}\"");
    let expected = unknown(NEW_VALUE.to_owned());
    let from_text: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
    let from_value: T = serde_json::from_value(serde_json::Value::String(NEW_VALUE.into()))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let parsed: T = NEW_VALUE
        .parse()
        .unwrap_or_else(|_| panic!("{name}: parse failed"));
    let tried =
        T::try_from(NEW_VALUE).unwrap_or_else(|_| panic!("{name}: try_from failed"));
    for decoded in [&from_text, &from_value, &parsed, &tried] {
        assert_eq!(decoded, &expected, "{name}");
        assert_eq!(serde_json::to_string(decoded).unwrap(), json, "{name}");
        assert_eq!(decoded.to_string(), NEW_VALUE, "{name}");
        assert_eq!(as_str(decoded), NEW_VALUE, "{name}");
    }
    if let Some(first) = wires.first() {
        let other_case = if first.to_ascii_lowercase() == *first {
            first.to_ascii_uppercase()
        } else {
            first.to_ascii_lowercase()
        };
        if other_case != *first {
            let decoded: T =
                serde_json::from_value(serde_json::Value::String(other_case.clone()))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(decoded, unknown(other_case), "{name}");
        }
    }
    assert!(serde_json::from_str::<T>("42").is_err(), "{name}");
    assert!(serde_json::from_str::<T>("null").is_err(), "{name}");
}

/// A known value decodes into its own variant (not the unknown one) and is written as before.
fn check_known<T: OpenEnum>(
    name: &str,
    wire: &str,
    variant: T,
    unknown: fn(String) -> T,
    as_str: fn(&T) -> &str,
) {
    let json = format!("\"{wire}\"");
    let decoded: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(decoded, variant, "{name}");
    assert_ne!(decoded, unknown(wire.to_owned()), "{name}");
    assert_eq!(serde_json::to_string(&decoded).unwrap(), json, "{name}");
    assert_eq!(decoded.to_string(), wire, "{name}");
    assert_eq!(as_str(&decoded), wire, "{name}");
    assert!(wire.parse::<T>().ok() == Some(variant), "{name}");
}

/// Checks every enum named by `for_each_string_enum!`: `unknown_values` runs `check_unknown` on
/// each, `known_values` runs `check_known` on each of their values. Each returns how many enums
/// (values) it checked.
macro_rules! checks {
    ($( $name:ident { $unknown:ident; $( $wire:literal => $variant:ident ),* } ),* $(,)?) => {
        fn unknown_values() -> usize {
            let mut checked = 0;
            $(
                check_unknown::<types::$name>(
                    stringify!($name),
                    &[$($wire),*],
                    types::$name::$unknown,
                    types::$name::as_str,
                );
                checked += 1;
            )*
            checked
        }

        fn known_values() -> usize {
            let mut checked = 0;
            $(
                $(
                    check_known::<types::$name>(
                        concat!(stringify!($name), "::", stringify!($variant)),
                        $wire,
                        types::$name::$variant,
                        types::$name::$unknown,
                        types::$name::as_str,
                    );
                    checked += 1;
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
    // tests (xtask/tests/it/codegen.rs), which parse it.
    assert!(count > 0);
}

#[test]
fn every_known_value_decodes_to_its_variant_and_writes_as_before() {
    let count = known_values();
    eprintln!("{count} known values checked");
    assert!(count >= unknown_values(), "{count}");
}
