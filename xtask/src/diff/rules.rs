//! The classes of change and, for each, whether it breaks a Rust user of the generated crate.
//! The table is [`Kind::breaking`]; the module documentation of [`crate::diff`] explains it.

/// Which way the data of a schema travels, from the point of view of the Rust user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// The user builds it: parameters and request bodies.
    Sent,
    /// The user reads it: success and error responses.
    Received,
    /// Both, or not known (a component schema used both ways, or by no operation: its Rust type
    /// is still generated and may be used either way).
    Both,
}

impl Side {
    /// Whether users build values of this schema.
    pub fn sent(self) -> bool {
        matches!(self, Side::Sent | Side::Both)
    }

    /// Whether users read values of this schema.
    pub fn received(self) -> bool {
        matches!(self, Side::Received | Side::Both)
    }

    /// Lower-case name, for JSON.
    pub fn name(self) -> &'static str {
        match self {
            Side::Sent => "sent",
            Side::Received => "received",
            Side::Both => "both",
        }
    }
}

/// How a change reaches a Rust user who upgrades from the old crate to the new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// Code written against the old crate compiles and behaves as before.
    None,
    /// Code that compiled against the old crate still compiles, but a call that worked now fails
    /// before it reaches the server (a builder or `send()` returns an error).
    Runtime,
    /// Code written against the old crate stops compiling.
    Compile,
}

impl Effect {
    /// Lower-case name, for JSON.
    pub fn name(self) -> &'static str {
        match self {
            Effect::None => "none",
            Effect::Runtime => "runtime",
            Effect::Compile => "compile",
        }
    }
}

/// One class of change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A new operation (a new client method).
    OperationAdded,
    /// An operation is gone (its client method is gone).
    OperationRemoved,
    /// The operation keeps its method and path but its client method has a new name.
    OperationRenamed,
    /// The operation is now marked deprecated.
    OperationDeprecated,
    /// The operation is no longer marked deprecated.
    OperationUndeprecated,
    /// A new parameter (a new builder setter).
    ParameterAdded {
        /// Whether calls must set it.
        required: bool,
    },
    /// A parameter is gone (its setter is gone).
    ParameterRemoved,
    /// An optional parameter became required.
    ParameterRequired,
    /// A required parameter became optional.
    ParameterOptional,
    /// A parameter moved (from query to header, say); its setter keeps its name and type.
    ParameterMoved,
    /// The operation now takes a request body.
    RequestBodyAdded,
    /// The operation no longer takes a request body.
    RequestBodyRemoved,
    /// A body changed kind: JSON, another media type, or none (the Rust type changes).
    BodyChanged,
    /// A response status was added; it has the type of its class.
    StatusAdded,
    /// A response status was removed; it would now arrive as an unexpected response.
    StatusRemoved,
    /// A new property (a new struct field).
    PropertyAdded {
        /// Whether it is in the schema's `required` list.
        required: bool,
    },
    /// A property is gone (its struct field is gone).
    PropertyRemoved,
    /// An optional property became required.
    RequiredAdded {
        /// Whether the Rust type of the field changes (`Option<T>` to `T`); it does not for
        /// arrays, maps, nullable values and properties with a default.
        type_changes: bool,
    },
    /// A required property became optional.
    RequiredRemoved {
        /// Whether the Rust type of the field changes (`T` to `Option<T>`).
        type_changes: bool,
    },
    /// An enum gained a value (a new variant).
    EnumValueAdded,
    /// An enum lost a value (a variant is gone).
    EnumValueRemoved,
    /// A schema changed its type, the Rust type its format or bounds pick (`i32`, `u64`,
    /// `NonZeroU64`, `DateTime`, `[T; 2]`), enum-ness, or the component it refers to.
    TypeChanged,
    /// `nullable` was set or cleared.
    Nullable {
        /// Whether it is nullable now.
        now: bool,
        /// Whether the Rust type changes (`T` ↔ `Option<T>`); it does not for an optional
        /// property that is an `Option` either way.
        type_changes: bool,
    },
    /// `uniqueItems` was set or cleared on an array.
    UniqueItems {
        /// Whether the items are unique now.
        now: bool,
        /// Whether the Rust type changes: typify renders a set as a `Vec` too, but an optional
        /// property holding one is `Option<Vec<T>>` where a plain array is `Vec<T>`.
        type_changes: bool,
    },
    /// A plain string gained `minLength`, `maxLength` or `pattern`: typify now makes it a
    /// newtype whose constructors validate.
    StringConstrained,
    /// A constrained string lost all its constraints: the validating newtype is gone.
    StringUnconstrained,
    /// A constrained string keeps its newtype but its `minLength`, `maxLength` or `pattern`
    /// changed.
    StringConstraintChanged {
        /// Whether it may reject a value it accepted before (a bound tightened, a pattern
        /// added or changed).
        tighter: bool,
    },
    /// `deprecated` was set or cleared on a parameter, property or schema. Neither progenitor
    /// nor typify turn it into `#[deprecated]`, so the Rust is unchanged.
    Deprecated {
        /// Whether it is deprecated now.
        now: bool,
    },
    /// A new component schema (a new Rust type).
    SchemaAdded,
    /// A component schema is gone (its Rust type is gone).
    SchemaRemoved,
}

impl Kind {
    /// How this change reaches a Rust user when it happens to data that travels `side`; for
    /// [`Side::Both`], the stronger of the two.
    pub fn effect(self, side: Side) -> Effect {
        let sent = if side.sent() {
            self.effect_sent()
        } else {
            Effect::None
        };
        let received = if side.received() {
            self.effect_received()
        } else {
            Effect::None
        };
        sent.max(received)
    }

    /// Whether this change breaks a Rust user of the generated crate when it happens to data
    /// that travels `side`.
    pub fn breaking(self, side: Side) -> bool {
        self.effect(side) != Effect::None
    }

    /// The effect on code that builds the value (setters, builders).
    fn effect_sent(self) -> Effect {
        match self {
            // The builder (or `send()`) fails until the new required value is set; a value
            // that breaks a new or tighter constraint fails in the builder.
            Kind::ParameterAdded { required: true }
            | Kind::ParameterRequired
            | Kind::RequestBodyAdded
            | Kind::PropertyAdded { required: true }
            | Kind::RequiredAdded { .. }
            | Kind::StringConstrained
            | Kind::StringConstraintChanged { tighter: true } => Effect::Runtime,
            // Setters take `TryInto<T>`: a new `T` rejects what the old one accepted
            // (`Option<String>` does not come from a `&str`).
            Kind::RequiredRemoved { type_changes }
            | Kind::Nullable { type_changes, .. }
            | Kind::UniqueItems { type_changes, .. } => compile_if(type_changes),
            Kind::EnumValueAdded => Effect::None,
            other => other.effect_common(),
        }
    }

    /// The effect on code that reads the value (fields, `match`es).
    fn effect_received(self) -> Effect {
        match self {
            // Reading code does not care what must be set.
            Kind::ParameterAdded { .. }
            | Kind::ParameterRequired
            | Kind::RequestBodyAdded
            | Kind::PropertyAdded { .. } => Effect::None,
            Kind::RequiredAdded { type_changes }
            | Kind::RequiredRemoved { type_changes }
            | Kind::Nullable { type_changes, .. }
            | Kind::UniqueItems { type_changes, .. } => compile_if(type_changes),
            // The field's type is now the newtype, not `String`.
            Kind::StringConstrained => Effect::Compile,
            // The same newtype; the server promises what it now checks.
            Kind::StringConstraintChanged { .. } => Effect::None,
            // Open enums decode the new value either way, but an exhaustive `match` written
            // against the old variants no longer compiles.
            Kind::EnumValueAdded => Effect::Compile,
            other => other.effect_common(),
        }
    }

    /// The effect that does not depend on the side.
    fn effect_common(self) -> Effect {
        match self {
            Kind::OperationAdded
            | Kind::OperationDeprecated
            | Kind::OperationUndeprecated
            | Kind::ParameterAdded { required: false }
            | Kind::ParameterOptional
            | Kind::ParameterMoved
            | Kind::StatusAdded
            | Kind::StatusRemoved
            | Kind::PropertyAdded { required: false }
            | Kind::StringConstraintChanged { tighter: false }
            | Kind::Deprecated { .. }
            | Kind::SchemaAdded => Effect::None,
            // The method, setter, field, variant or type the old code names is gone or has
            // another type.
            Kind::OperationRemoved
            | Kind::OperationRenamed
            | Kind::ParameterRemoved
            | Kind::RequestBodyRemoved
            | Kind::BodyChanged
            | Kind::PropertyRemoved
            | Kind::EnumValueRemoved
            | Kind::TypeChanged
            | Kind::StringUnconstrained
            | Kind::SchemaRemoved => Effect::Compile,
            // Decided by side in `effect_sent` and `effect_received`, never asked here.
            Kind::ParameterAdded { required: true }
            | Kind::ParameterRequired
            | Kind::RequestBodyAdded
            | Kind::PropertyAdded { required: true }
            | Kind::RequiredAdded { .. }
            | Kind::RequiredRemoved { .. }
            | Kind::EnumValueAdded
            | Kind::Nullable { .. }
            | Kind::UniqueItems { .. }
            | Kind::StringConstrained
            | Kind::StringConstraintChanged { tighter: true } => Effect::Compile,
        }
    }

    /// A stable kebab-case name, for JSON.
    pub fn tag(self) -> &'static str {
        match self {
            Kind::OperationAdded => "operation-added",
            Kind::OperationRemoved => "operation-removed",
            Kind::OperationRenamed => "operation-renamed",
            Kind::OperationDeprecated => "operation-deprecated",
            Kind::OperationUndeprecated => "operation-undeprecated",
            Kind::ParameterAdded { required: true } => "required-parameter-added",
            Kind::ParameterAdded { required: false } => "optional-parameter-added",
            Kind::ParameterRemoved => "parameter-removed",
            Kind::ParameterRequired => "parameter-became-required",
            Kind::ParameterOptional => "parameter-became-optional",
            Kind::ParameterMoved => "parameter-moved",
            Kind::RequestBodyAdded => "request-body-added",
            Kind::RequestBodyRemoved => "request-body-removed",
            Kind::BodyChanged => "body-kind-changed",
            Kind::StatusAdded => "response-status-added",
            Kind::StatusRemoved => "response-status-removed",
            Kind::PropertyAdded { required: true } => "required-property-added",
            Kind::PropertyAdded { required: false } => "optional-property-added",
            Kind::PropertyRemoved => "property-removed",
            Kind::RequiredAdded { .. } => "property-became-required",
            Kind::RequiredRemoved { .. } => "property-became-optional",
            Kind::EnumValueAdded => "enum-value-added",
            Kind::EnumValueRemoved => "enum-value-removed",
            Kind::TypeChanged => "type-changed",
            Kind::Nullable { now: true, .. } => "became-nullable",
            Kind::Nullable { now: false, .. } => "no-longer-nullable",
            Kind::UniqueItems { now: true, .. } => "items-became-unique",
            Kind::UniqueItems { now: false, .. } => "items-no-longer-unique",
            Kind::StringConstrained => "string-constrained",
            Kind::StringUnconstrained => "string-unconstrained",
            Kind::StringConstraintChanged { tighter: true } => "string-constraint-tightened",
            Kind::StringConstraintChanged { tighter: false } => "string-constraint-loosened",
            Kind::Deprecated { now: true } => "deprecated",
            Kind::Deprecated { now: false } => "undeprecated",
            Kind::SchemaAdded => "schema-added",
            Kind::SchemaRemoved => "schema-removed",
        }
    }
}

fn compile_if(changes: bool) -> Effect {
    if changes {
        Effect::Compile
    } else {
        Effect::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_side_decides_for_properties_and_enums() {
        let required = Kind::PropertyAdded { required: true };
        assert!(required.breaking(Side::Sent));
        assert!(!required.breaking(Side::Received));
        assert!(required.breaking(Side::Both));
        assert!(!Kind::PropertyAdded { required: false }.breaking(Side::Both));

        assert!(!Kind::EnumValueAdded.breaking(Side::Sent));
        assert!(Kind::EnumValueAdded.breaking(Side::Received));
        assert!(Kind::EnumValueRemoved.breaking(Side::Sent));

        let became_optional = Kind::RequiredRemoved { type_changes: true };
        assert_eq!(became_optional.effect(Side::Sent), Effect::Compile);
        assert!(became_optional.breaking(Side::Received));
        let vec_became_optional = Kind::RequiredRemoved {
            type_changes: false,
        };
        assert!(!vec_became_optional.breaking(Side::Sent));
        assert_eq!(Kind::StringConstrained.effect(Side::Sent), Effect::Runtime);
        assert_eq!(Kind::StringConstrained.effect(Side::Both), Effect::Compile);
        let vec_became_optional = Kind::RequiredRemoved {
            type_changes: false,
        };
        assert!(!vec_became_optional.breaking(Side::Received));
        assert!(
            Kind::RequiredAdded {
                type_changes: false
            }
            .breaking(Side::Sent)
        );
    }

    #[test]
    fn tags_are_unique() {
        let kinds = [
            Kind::OperationAdded,
            Kind::OperationRemoved,
            Kind::OperationRenamed,
            Kind::OperationDeprecated,
            Kind::OperationUndeprecated,
            Kind::ParameterAdded { required: true },
            Kind::ParameterAdded { required: false },
            Kind::ParameterRemoved,
            Kind::ParameterRequired,
            Kind::ParameterOptional,
            Kind::ParameterMoved,
            Kind::RequestBodyAdded,
            Kind::RequestBodyRemoved,
            Kind::BodyChanged,
            Kind::StatusAdded,
            Kind::StatusRemoved,
            Kind::PropertyAdded { required: true },
            Kind::PropertyAdded { required: false },
            Kind::PropertyRemoved,
            Kind::RequiredAdded { type_changes: true },
            Kind::RequiredRemoved { type_changes: true },
            Kind::EnumValueAdded,
            Kind::EnumValueRemoved,
            Kind::TypeChanged,
            Kind::Nullable {
                now: true,
                type_changes: true,
            },
            Kind::Nullable {
                now: false,
                type_changes: true,
            },
            Kind::UniqueItems {
                now: true,
                type_changes: true,
            },
            Kind::UniqueItems {
                now: false,
                type_changes: true,
            },
            Kind::StringConstrained,
            Kind::StringUnconstrained,
            Kind::StringConstraintChanged { tighter: true },
            Kind::StringConstraintChanged { tighter: false },
            Kind::Deprecated { now: true },
            Kind::Deprecated { now: false },
            Kind::SchemaAdded,
            Kind::SchemaRemoved,
        ];
        let tags: std::collections::BTreeSet<&str> = kinds.iter().map(|k| k.tag()).collect();
        assert_eq!(tags.len(), kinds.len());
    }
}
