//! Open string enums: every enum typify generates for a string schema with an `enum` list gets
//! a variant that keeps a value the client does not know, so that a server adding a value
//! (`teamType: "BRAND_NEW_TYPE"`) does not make a whole response fail to decode.
//!
//! typify 0.8 and progenitor 0.15 have no setting for this (their `#[serde(other)]` support is
//! for unit variants, which lose the value), so the generated token stream is rewritten: for
//! each enum whose variants are all unit variants and that has typify's `FromStr`, the derived
//! `Serialize` and `Deserialize` (and `Copy`, which a `String` rules out) are dropped, the
//! variant `Unknown(String)` is added (`Other`, then `UnknownValue`, when a known value already
//! has that name), and `Display`, `FromStr`, `Serialize` and `Deserialize` are written for it:
//! known values decode to their variants and are written as before, any other string decodes to
//! the unknown variant and is written back unchanged. `as_str` gives the value on the wire.
//!
//! The rewritten enums are listed in the macro `for_each_string_enum!` at the end of the
//! generated file, which the generated crates' tests use to check every one of them.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{Fields, Item, ItemEnum, Meta, Path, Token};

/// A string enum that was opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenEnum {
    /// Type name.
    pub name: String,
    /// The variant that keeps unknown values.
    pub unknown: String,
    /// Known values on the wire, with their variant names, in declaration order.
    pub known: Vec<(String, String)>,
}

/// The names tried, in order, for the variant that keeps unknown values.
const UNKNOWN_NAMES: [&str; 3] = ["Unknown", "Other", "UnknownValue"];

/// Opens every string enum in `file` (in any inline module) and appends the
/// `for_each_string_enum!` macro listing them. Returns the opened enums, sorted by name.
///
/// # Errors
///
/// A string enum carrying a serde attribute other than a variant's `rename` (typify does not
/// write any, so a newer typify would have changed its output), or variant names so crowded
/// that no name for the unknown variant is free.
pub fn open(file: &mut syn::File) -> Result<Vec<OpenEnum>, String> {
    let mut opened = Vec::new();
    open_items(&mut file.items, &mut opened)?;
    opened.sort_by(|a, b| a.name.cmp(&b.name));
    file.items
        .push(syn::parse2(list_macro(&opened)).map_err(|e| e.to_string())?);
    Ok(opened)
}

fn open_items(items: &mut Vec<Item>, opened: &mut Vec<OpenEnum>) -> Result<(), String> {
    for item in items.iter_mut() {
        if let Item::Mod(module) = item
            && let Some((_, inner)) = &mut module.content
        {
            open_items(inner, opened)?;
        }
    }
    let with_from_str: BTreeSet<String> = items
        .iter()
        .filter_map(|item| impl_of(item, "FromStr"))
        .collect();
    let mut here = Vec::new();
    for item in items.iter_mut() {
        if let Item::Enum(e) = item
            && with_from_str.contains(&e.ident.to_string())
            && is_string_enum(e)
        {
            here.push(open_enum(e)?);
        }
    }
    if here.is_empty() {
        return Ok(());
    }
    let names: BTreeSet<&str> = here.iter().map(|e| e.name.as_str()).collect();
    // typify's `Display` and `FromStr` are replaced; its `TryFrom` impls call `parse` and stay.
    items.retain(|item| {
        !(impl_of(item, "Display").is_some_and(|n| names.contains(n.as_str()))
            || impl_of(item, "FromStr").is_some_and(|n| names.contains(n.as_str())))
    });
    for open in &here {
        let at = items
            .iter()
            .position(|item| matches!(item, Item::Enum(e) if e.ident == open.name))
            .map_or(items.len(), |i| i + 1);
        let file: syn::File = syn::parse2(impls(open)).map_err(|e| e.to_string())?;
        items.splice(at..at, file.items);
    }
    opened.extend(here);
    Ok(())
}

/// The self type's name of `impl <...>::Trait for Name`.
fn impl_of(item: &Item, trait_name: &str) -> Option<String> {
    let Item::Impl(imp) = item else { return None };
    let (path, _) = imp.trait_.as_ref()?;
    if path.segments.last()?.ident != trait_name {
        return None;
    }
    let syn::Type::Path(ty) = imp.self_ty.as_ref() else {
        return None;
    };
    if ty.qself.is_some() || ty.path.segments.len() != 1 {
        return None;
    }
    Some(ty.path.segments[0].ident.to_string())
}

fn derives(e: &ItemEnum) -> Vec<Path> {
    e.attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

fn last_is(path: &Path, name: &str) -> bool {
    path.segments.last().is_some_and(|s| s.ident == name)
}

/// Unit variants only, serde's derives, no container-level serde attribute (`untagged`, ...).
fn is_string_enum(e: &ItemEnum) -> bool {
    let derives = derives(e);
    !e.variants.is_empty()
        && e.generics.params.is_empty()
        && e.variants
            .iter()
            .all(|v| matches!(v.fields, Fields::Unit) && v.discriminant.is_none())
        && derives.iter().any(|p| last_is(p, "Serialize"))
        && derives.iter().any(|p| last_is(p, "Deserialize"))
        && !e.attrs.iter().any(|a| a.path().is_ident("serde"))
}

fn open_enum(e: &mut ItemEnum) -> Result<OpenEnum, String> {
    let name = e.ident.to_string();
    let mut known = Vec::new();
    for variant in &mut e.variants {
        let mut wire = None;
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let value: syn::LitStr = meta.value()?.parse()?;
                    wire = Some(value.value());
                    Ok(())
                } else {
                    Err(meta.error("only `rename` is expected"))
                }
            })
            .map_err(|err| format!("enum `{name}`, variant `{}`: {err}", variant.ident))?;
        }
        variant.attrs.retain(|a| !a.path().is_ident("serde"));
        let ident = variant.ident.to_string();
        known.push((wire.unwrap_or_else(|| ident.clone()), ident));
    }
    let taken: BTreeSet<&str> = known.iter().map(|(_, v)| v.as_str()).collect();
    let unknown = UNKNOWN_NAMES
        .iter()
        .find(|n| !taken.contains(**n))
        .ok_or_else(|| format!("enum `{name}`: no free name for its unknown variant"))?
        .to_string();

    let kept: Vec<Path> = derives(e)
        .into_iter()
        .filter(|p| {
            !["Serialize", "Deserialize", "Copy"]
                .iter()
                .any(|n| last_is(p, n))
        })
        .collect();
    e.attrs.retain(|a| !a.path().is_ident("derive"));
    let at = e
        .attrs
        .iter()
        .position(|a| !matches!(&a.meta, Meta::NameValue(nv) if nv.path.is_ident("doc")))
        .unwrap_or(e.attrs.len());
    e.attrs.insert(at, syn::parse_quote!(#[derive(#(#kept),*)]));
    let doc = " A value this client does not know (the API added it after this client was \
               generated), kept as sent.";
    let unknown_ident = format_ident!("{unknown}");
    e.variants.push(syn::parse_quote! {
        #[doc = #doc]
        #unknown_ident(::std::string::String)
    });
    Ok(OpenEnum {
        name,
        unknown,
        known,
    })
}

fn impls(open: &OpenEnum) -> TokenStream {
    let name = format_ident!("{}", open.name);
    let unknown = format_ident!("{}", open.unknown);
    let wire: Vec<&str> = open.known.iter().map(|(w, _)| w.as_str()).collect();
    let variants: Vec<_> = open
        .known
        .iter()
        .map(|(_, v)| format_ident!("{v}"))
        .collect();
    let expecting = format!("a string (a {} value)", open.name);
    quote! {
        impl #name {
            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wire,)*
                    Self::#unknown(value) => value.as_str(),
                }
            }
            fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    #(#wire => ::std::option::Option::Some(Self::#variants),)*
                    _ => ::std::option::Option::None,
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = self::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                ::std::result::Result::Ok(
                    Self::known(value).unwrap_or_else(|| Self::#unknown(value.to_owned())),
                )
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_str<E>(self, value: &str) -> ::std::result::Result<#name, E>
                    where
                        E: ::serde::de::Error,
                    {
                        ::std::result::Result::Ok(
                            #name::known(value).unwrap_or_else(|| #name::#unknown(value.to_owned())),
                        )
                    }
                    fn visit_string<E>(
                        self,
                        value: ::std::string::String,
                    ) -> ::std::result::Result<#name, E>
                    where
                        E: ::serde::de::Error,
                    {
                        ::std::result::Result::Ok(match #name::known(&value) {
                            ::std::option::Option::Some(known) => known,
                            ::std::option::Option::None => #name::#unknown(value),
                        })
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    }
}

/// `for_each_string_enum!(callback)` calls `callback!` with every opened enum:
/// `Name { Unknown; "WIRE" => Variant, ... }, ...`, names relative to the `types` module.
fn list_macro(opened: &[OpenEnum]) -> TokenStream {
    let entries = opened.iter().map(|open| {
        let name = format_ident!("{}", open.name);
        let unknown = format_ident!("{}", open.unknown);
        let wire = open.known.iter().map(|(w, _)| w.as_str());
        let variants = open.known.iter().map(|(_, v)| format_ident!("{v}"));
        quote!(#name { #unknown; #(#wire => #variants),* })
    });
    let doc = format!(
        " Calls `$callback!` with every string enum of this client ({}), for tests: \
         `Name {{ Unknown; \"VALUE\" => Variant, ... }}, ...`, each the name of a type in \
         `types`, the variant that keeps unknown values, and the known values with their variants.",
        opened.len()
    );
    quote! {
        #[doc = #doc]
        #[doc(hidden)]
        #[macro_export]
        macro_rules! for_each_string_enum {
            ($callback:ident) => {
                $callback! { #(#entries),* }
            };
        }
    }
}

/// What [`audit`] found in generated code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Audit {
    /// Enums of unit variants plus one `(String)` variant named like the unknown variant.
    pub open: Vec<String>,
    /// Enums of unit variants only: string enums that reject values they do not know.
    pub closed: Vec<String>,
    /// Opened enums that still derive `Copy`, `Serialize` or `Deserialize`.
    pub still_derived: Vec<String>,
    /// The enums named by `for_each_string_enum!`.
    pub listed: Vec<String>,
}

/// Reads generated code back (in any inline module): which enums are open, which closed, and
/// which the `for_each_string_enum!` macro lists. Every list is sorted.
pub fn audit(file: &syn::File) -> Audit {
    fn walk(items: &[Item], audit: &mut Audit) {
        for item in items {
            match item {
                Item::Mod(module) => {
                    if let Some((_, inner)) = &module.content {
                        walk(inner, audit);
                    }
                }
                Item::Enum(e) => {
                    let name = e.ident.to_string();
                    let unit = |v: &&syn::Variant| matches!(v.fields, Fields::Unit);
                    let others: Vec<&syn::Variant> =
                        e.variants.iter().filter(|v| !unit(v)).collect();
                    if e.variants.is_empty() {
                        // An empty enum has no values to keep.
                    } else if others.is_empty() {
                        audit.closed.push(name);
                    } else if let [other] = others.as_slice()
                        && UNKNOWN_NAMES.iter().any(|n| other.ident == n)
                        && matches!(&other.fields, Fields::Unnamed(f) if f.unnamed.len() == 1
                            && quote!(#f).to_string().replace(' ', "") == "(::std::string::String)")
                    {
                        if derives(e).iter().any(|p| {
                            ["Serialize", "Deserialize", "Copy"]
                                .iter()
                                .any(|n| last_is(p, n))
                        }) {
                            audit.still_derived.push(name.clone());
                        }
                        audit.open.push(name);
                    }
                }
                Item::Macro(m)
                    if m.ident
                        .as_ref()
                        .is_some_and(|i| i == "for_each_string_enum") =>
                {
                    // `($callback:ident) => { $callback! { Name { ... }, ... } };`
                    let mut depth_two = Vec::new();
                    collect_groups(m.mac.tokens.clone(), 0, &mut depth_two);
                    audit.listed.extend(depth_two);
                }
                _ => {}
            }
        }
    }
    /// Idents directly followed by a brace group, three groups deep (rule body, call, list).
    fn collect_groups(tokens: TokenStream, depth: usize, out: &mut Vec<String>) {
        let tokens: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
        for (i, token) in tokens.iter().enumerate() {
            if let proc_macro2::TokenTree::Group(g) = token {
                if depth == 2
                    && g.delimiter() == proc_macro2::Delimiter::Brace
                    && let Some(proc_macro2::TokenTree::Ident(name)) =
                        i.checked_sub(1).map(|j| &tokens[j])
                {
                    out.push(name.to_string());
                } else if depth < 2 {
                    collect_groups(g.stream(), depth + 1, out);
                }
            }
        }
    }
    let mut audit = Audit::default();
    walk(&file.items, &mut audit);
    audit.open.sort();
    audit.closed.sort();
    audit.still_derived.sort();
    audit.listed.sort();
    audit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(tokens: TokenStream) -> (String, Vec<OpenEnum>) {
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        let opened = open(&mut file).unwrap();
        (prettyplease::unparse(&file), opened)
    }

    #[test]
    fn string_enums_get_an_unknown_variant_and_others_stay() {
        let (code, opened) = run(quote! {
            pub mod types {
                ///Doc.
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, PartialEq)]
                pub enum Kind {
                    #[serde(rename = "A_B")]
                    AB,
                    Plain,
                }
                impl ::std::fmt::Display for Kind {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str("fixture") }
                }
                impl ::std::str::FromStr for Kind {
                    type Err = self::error::ConversionError;
                    fn from_str(value: &str) -> Result<Self, self::error::ConversionError> { Err(value.into()) }
                }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
                #[serde(untagged)]
                pub enum Either { S(String), I(i64) }
                impl ::std::fmt::Display for Either {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str("fixture") }
                }
            }
        });
        assert_eq!(
            opened,
            vec![OpenEnum {
                name: "Kind".into(),
                unknown: "Unknown".into(),
                known: vec![
                    ("A_B".into(), "AB".into()),
                    ("Plain".into(), "Plain".into())
                ],
            }]
        );
        assert!(
            code.contains("#[derive(Clone, Debug, PartialEq)]\n    pub enum Kind"),
            "{code}"
        );
        assert!(code.contains("Unknown(::std::string::String)"));
        assert!(!code.contains("rename"));
        for replaced in [
            "impl ::std::fmt::Display for Kind",
            "impl ::std::str::FromStr for Kind",
        ] {
            assert_eq!(code.matches(replaced).count(), 1, "{code}");
        }
        assert_eq!(
            code.matches("\"fixture\"").count(),
            1,
            "only Either's:\n{code}"
        );
        assert!(code.contains("impl ::serde::Serialize for Kind"));
        // The untagged enum is untouched, its Display kept.
        assert!(code.contains("#[serde(untagged)]"));
        assert!(code.contains("impl ::std::fmt::Display for Either"));
        assert!(code.contains("macro_rules! for_each_string_enum"));

        let audit = audit(&syn::parse_file(&code).unwrap());
        assert_eq!(audit.open, ["Kind"]);
        assert_eq!(audit.listed, ["Kind"]);
        assert!(
            audit.closed.is_empty() && audit.still_derived.is_empty(),
            "{audit:?}"
        );
    }

    #[test]
    fn the_unknown_variant_avoids_known_names() {
        let (_, opened) = run(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub enum State {
                #[serde(rename = "UNKNOWN")]
                Unknown,
                #[serde(rename = "OTHER")]
                Other,
            }
            impl ::std::str::FromStr for State {
                type Err = ();
                fn from_str(value: &str) -> Result<Self, ()> { Err(()) }
            }
        });
        assert_eq!(opened[0].unknown, "UnknownValue");
    }

    #[test]
    fn an_unexpected_serde_attribute_is_an_error() {
        let mut file: syn::File = syn::parse2(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub enum State {
                #[serde(alias = "x")]
                A,
            }
            impl ::std::str::FromStr for State {
                type Err = ();
                fn from_str(value: &str) -> Result<Self, ()> { Err(()) }
            }
        })
        .unwrap();
        let error = open(&mut file).unwrap_err();
        assert!(error.contains("State"), "{error}");
    }
}
