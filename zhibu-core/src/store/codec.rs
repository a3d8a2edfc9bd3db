//! Conversions between domain enums and their snake_case text in the database.
//!
//! The text is the same code name serde uses (GLOSSARY.md), so JSON, SQL and the plugin
//! interface agree; an unknown text read back is reported as [`StoreError::Corrupt`].

use super::{Result, StoreError};
use serde::{Serialize, de::DeserializeOwned};

/// The code name of a unit-variant enum value.
pub(super) fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        // Only unit variants are passed here; anything else is a programming error that
        // the round-trip tests catch, and would be refused by the table's CHECK constraint.
        other => format!("{other:?}"),
    }
}

/// The enum value whose code name is `text`.
pub(super) fn decode<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| StoreError::Corrupt { what, value: text.to_owned() })
}

/// Parses a JSON column.
pub(super) fn from_json<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|_| StoreError::Corrupt { what, value: text.chars().take(80).collect() })
}

/// Writes a JSON column.
pub(super) fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising plain domain structs (strings, numbers, vectors) cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}
