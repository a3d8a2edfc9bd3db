//! Identity for reporting up (issue 17): the installation's id, each record's UUID, and each
//! branch's change counter with the newest change of every record (deletes as tombstones). The
//! triggers of migration 0009 keep them; this module only reads them, so no write path can
//! forget to count a change.

use super::{Result, Store, StoreError};
use crate::domain::OrgId;
use rusqlite::{OptionalExtension, params};

/// The tables whose records leave the PC, with the record kind their changes are logged under.
pub const SYNCED: [(&str, &str); 15] = [
    ("organization", "organizations"),
    ("member", "members"),
    ("committee_term", "committee_terms"),
    ("meeting", "meetings"),
    ("election", "elections"),
    ("duty_review", "duty_reviews"),
    ("member_appraisal", "member_appraisals"),
    ("rating_scheme", "rating_schemes"),
    ("rating_subject", "rating_subjects"),
    ("star_rating", "star_ratings"),
    ("volunteer_activity", "volunteer_activities"),
    ("service_team", "service_teams"),
    ("volunteer", "volunteers"),
    ("dues_base", "dues_bases"),
    ("dues_payment", "dues_payments"),
];

/// The table of a [`SYNCED`] kind (from the fixed list only: table names cannot be bound).
fn table_of(kind: &str) -> Result<&'static str> {
    SYNCED
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, t)| *t)
        .ok_or_else(|| StoreError::Corrupt { what: "记录类型", value: kind.to_owned() })
}

/// The newest change of one record, as the change log holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The record kind (`member`, `meeting`, …: [`SYNCED`]).
    pub kind: String,
    /// The record's UUID.
    pub uuid: String,
    /// The branch's counter at this change.
    pub counter: u64,
    /// The record was deleted (a tombstone).
    pub deleted: bool,
}

impl Store {
    /// This installation's id, made by migration 0009 on first use.
    pub fn installation_id(&self) -> Result<String> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = 'installation_id'", [], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::Corrupt { what: "安装标识", value: "（缺失）".into() })
    }

    /// The change-log key of `branch`: its UUID; `None` is the installation's own records
    /// (committees, sheets), keyed ''.
    pub fn branch_key(&self, branch: Option<OrgId>) -> Result<String> {
        let Some(branch) = branch else { return Ok(String::new()) };
        self.conn
            .query_row("SELECT uuid FROM organizations WHERE id = ?1 AND kind = 'branch'", [branch.0], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound { kind: "党支部", id: branch.0 })
    }

    /// The UUID of record `id` of `kind` (a [`SYNCED`] kind).
    pub fn record_uuid(&self, kind: &str, id: i64) -> Result<String> {
        let table = table_of(kind)?;
        self.conn
            .query_row(&format!("SELECT uuid FROM {table} WHERE id = ?1"), [id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound { kind: "记录", id })
    }

    /// The local id of the record of `kind` with `uuid`.
    pub fn id_of(&self, kind: &str, uuid: &str) -> Result<i64> {
        let table = table_of(kind)?;
        self.conn
            .query_row(&format!("SELECT id FROM {table} WHERE uuid = ?1"), [uuid], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Corrupt { what: "记录标识", value: uuid.to_owned() })
    }

    /// Every record of `kind`: local id → UUID.
    pub fn uuids_of(&self, kind: &str) -> Result<std::collections::HashMap<i64, String>> {
        let table = table_of(kind)?;
        let mut stmt = self.conn.prepare(&format!("SELECT id, uuid FROM {table}"))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// `branch`'s change counter (0 before its first change).
    pub fn change_counter(&self, branch: Option<OrgId>) -> Result<u64> {
        let key = self.branch_key(branch)?;
        let counter: Option<i64> = self
            .conn
            .query_row("SELECT counter FROM sync_counters WHERE branch_key = ?1", [&key], |r| r.get(0))
            .optional()?;
        Ok(counter.map_or(0, |c| c.max(0) as u64))
    }

    /// The newest change of every record of `branch` changed after counter `after`, oldest first.
    pub fn changes_since(&self, branch: Option<OrgId>, after: u64) -> Result<Vec<Change>> {
        let key = self.branch_key(branch)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_kind, record_uuid, counter, deleted FROM sync_changes
             WHERE branch_key = ?1 AND counter > ?2 ORDER BY counter",
        )?;
        let rows = stmt.query_map(params![key, after as i64], |r| {
            Ok(Change {
                kind: r.get(0)?,
                uuid: r.get(1)?,
                counter: r.get::<_, i64>(2)?.max(0) as u64,
                deleted: r.get::<_, i64>(3)? != 0,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
