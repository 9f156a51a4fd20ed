//! Constructors for the custom-field types, which typify generates as plain structs: a value
//! for the `customfields` parameter is one call, `CustomFieldValue::new("code", "value")`.

use crate::types::CustomFieldValue;

impl CustomFieldValue {
    /// The value of the custom field `code` (its code in the LiveAgent account settings).
    pub fn new(code: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            value: value.into(),
        }
    }
}
