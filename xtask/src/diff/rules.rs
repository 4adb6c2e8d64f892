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
    /// A schema changed its type, format (where it picks the Rust type), nullability,
    /// enum-ness, or the component it refers to.
    TypeChanged,
    /// A new component schema (a new Rust type).
    SchemaAdded,
    /// A component schema is gone (its Rust type is gone).
    SchemaRemoved,
}

impl Kind {
    /// Whether this change breaks a Rust user of the generated crate when it happens to data
    /// that travels `side`.
    pub fn breaking(self, side: Side) -> bool {
        match self {
            Kind::OperationAdded
            | Kind::OperationDeprecated
            | Kind::ParameterOptional
            | Kind::ParameterMoved
            | Kind::StatusAdded
            | Kind::StatusRemoved
            | Kind::SchemaAdded => false,
            Kind::OperationRemoved
            | Kind::OperationRenamed
            | Kind::ParameterRemoved
            | Kind::ParameterRequired
            | Kind::RequestBodyAdded
            | Kind::RequestBodyRemoved
            | Kind::BodyChanged
            | Kind::PropertyRemoved
            | Kind::EnumValueRemoved
            | Kind::TypeChanged
            | Kind::SchemaRemoved => true,
            Kind::ParameterAdded { required } => required,
            Kind::PropertyAdded { required } => required && side.sent(),
            Kind::RequiredAdded { type_changes } => {
                side.sent() || (side.received() && type_changes)
            }
            Kind::RequiredRemoved { type_changes } => side.received() && type_changes,
            Kind::EnumValueAdded => side.received(),
        }
    }

    /// A stable kebab-case name, for JSON.
    pub fn tag(self) -> &'static str {
        match self {
            Kind::OperationAdded => "operation-added",
            Kind::OperationRemoved => "operation-removed",
            Kind::OperationRenamed => "operation-renamed",
            Kind::OperationDeprecated => "operation-deprecated",
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
            Kind::SchemaAdded => "schema-added",
            Kind::SchemaRemoved => "schema-removed",
        }
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
        assert!(!became_optional.breaking(Side::Sent));
        assert!(became_optional.breaking(Side::Received));
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
            Kind::SchemaAdded,
            Kind::SchemaRemoved,
        ];
        let tags: std::collections::BTreeSet<&str> = kinds.iter().map(|k| k.tag()).collect();
        assert_eq!(tags.len(), kinds.len());
    }
}
