//! Conversions between domain enums and their snake_case text in the database.
//!
//! The text is the same code name serde uses (GLOSSARY.md), so JSON, SQL and the plugin
//! interface agree; an unknown text read back is reported as [`StoreError::Corrupt`]. Also the
//! direct reading of day and moment columns in the store's own text form.

use super::{Result, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::Row;
use rusqlite::types::ValueRef;
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

/// [`decode`] through a memo of the codes already seen: a column of a few codes (a payment's
/// method, a meeting's status) is read tens of thousands of times in one load.
pub(super) struct Codes<T> {
    what: &'static str,
    seen: Vec<(String, T)>,
}

impl<T: DeserializeOwned + Clone> Codes<T> {
    pub(super) fn new(what: &'static str) -> Self {
        Self { what, seen: Vec::new() }
    }

    /// The enum value whose code name is `text`.
    pub(super) fn decode(&mut self, text: &str) -> Result<T> {
        if let Some((_, value)) = self.seen.iter().find(|(code, _)| code == text) {
            return Ok(value.clone());
        }
        let value: T = decode(self.what, text)?;
        self.seen.push((text.to_owned(), value.clone()));
        Ok(value)
    }
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

/// The decimal number of ASCII digits `bytes`, if they are all digits.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
}

/// `YYYY-MM-DD`, the one form the store writes a day in.
fn parse_day(bytes: &[u8]) -> Option<NaiveDate> {
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(&bytes[..4])? as i32, digits(&bytes[5..7])?, digits(&bytes[8..10])?)
}

/// `YYYY-MM-DD HH:MM:SS` (or with a `T`), the form the store writes a moment in.
fn parse_moment(bytes: &[u8]) -> Option<NaiveDateTime> {
    if bytes.len() != 19 || !matches!(bytes[10], b' ' | b'T') || bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    parse_day(&bytes[..10])?.and_hms_opt(digits(&bytes[11..13])?, digits(&bytes[14..16])?, digits(&bytes[17..19])?)
}

/// A day column. rusqlite's conversion goes through chrono's format parser, which cost more than
/// the query itself when a compliance run reads tens of thousands of dated rows; the store's own
/// form is read directly, and any other text still goes through rusqlite (same values, same errors).
pub(super) fn day(row: &Row<'_>, index: usize) -> rusqlite::Result<NaiveDate> {
    match row.get_ref(index)? {
        ValueRef::Text(bytes) if let Some(day) = parse_day(bytes) => Ok(day),
        _ => row.get(index),
    }
}

/// An optional day column (see [`day`]).
pub(super) fn day_opt(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match row.get_ref(index)? {
        ValueRef::Null => Ok(None),
        ValueRef::Text(bytes) if let Some(day) = parse_day(bytes) => Ok(Some(day)),
        _ => row.get(index),
    }
}

/// A moment column (see [`day`]).
pub(super) fn moment(row: &Row<'_>, index: usize) -> rusqlite::Result<NaiveDateTime> {
    match row.get_ref(index)? {
        ValueRef::Text(bytes) if let Some(moment) = parse_moment(bytes) => Ok(moment),
        _ => row.get(index),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct reading gives what rusqlite's conversion gives, for the store's forms and for
    /// texts it must leave to rusqlite (refused or read another way).
    #[test]
    fn dates_read_directly_match_rusqlites_conversion() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let texts = [
            "2025-03-14",
            "2024-02-29",
            "2025-02-29",
            "2025-13-01",
            "2025-3-14",
            "20250314",
            "2025-03-14 09:00:00",
            "2025-03-14T09:00:00",
            "2025-03-14 09:00",
            "2025-03-14 24:00:00",
            "2025-03-14 09:00:00.5",
            "２０２５-03-14",
            "",
        ];
        for text in texts {
            conn.query_row("SELECT ?1, NULL", [text], |row| {
                let ours = day(row, 0).map_err(|e| e.to_string());
                let theirs = row.get::<_, NaiveDate>(0).map_err(|e| e.to_string());
                assert_eq!(ours, theirs, "day {text:?}");
                let ours = moment(row, 0).map_err(|e| e.to_string());
                let theirs = row.get::<_, NaiveDateTime>(0).map_err(|e| e.to_string());
                assert_eq!(ours, theirs, "moment {text:?}");
                assert_eq!(day_opt(row, 1).unwrap(), None);
                assert_eq!(
                    day_opt(row, 0).map_err(|e| e.to_string()),
                    row.get::<_, Option<NaiveDate>>(0).map_err(|e| e.to_string())
                );
                Ok(())
            })
            .unwrap();
        }
    }
}
