//! Identity for reporting up (issue 17): the installation's id, each record's UUID, and each
//! branch's change counter with the newest change of every record (deletes as tombstones). The
//! triggers of migration 0009 keep them; this module only reads them, so no write path can
//! forget to count a change. Migration 0010 adds what reporting by package file needs (each
//! branch's signing key, the counter last reported) and the committee's feedback as received.

use super::{AuditAction, Result, Store, StoreError, Writer};
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

/// One item of the committee's feedback to a branch, as received (read-only on the branch).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Feedback {
    /// The committee's id of the item.
    pub uuid: String,
    /// The year it is about.
    pub year: i32,
    /// What it is about (年度报送, 述职评议考核, …).
    pub topic: String,
    /// The committee's verdict (通过, 退回, a grade, a rank).
    pub verdict: String,
    /// The committee's opinion, if any.
    pub opinion: String,
    /// When the committee decided (as the committee's server wrote it).
    pub decided_at: String,
}

/// How a branch last reported up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Straight into the committee's server.
    Push,
    /// By a signed package file.
    Package,
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
            .prepare_cached(&format!("SELECT uuid FROM {table} WHERE id = ?1"))?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound { kind: "记录", id })
    }

    /// The local id of the record of `kind` with `uuid`.
    pub fn id_of(&self, kind: &str, uuid: &str) -> Result<i64> {
        let table = table_of(kind)?;
        self.conn
            .prepare_cached(&format!("SELECT id FROM {table} WHERE uuid = ?1"))?
            .query_row([uuid], |r| r.get(0))
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

/// A branch's last report up: the counter it reached, by which route, when (local time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastReport {
    /// The branch's counter the report reached.
    pub upto: u64,
    /// Online or by package.
    pub route: Route,
    /// When, as `YYYY-MM-DD HH:MM`.
    pub at: String,
}

impl Store {
    /// `branch`'s last report up, if it ever reported.
    pub fn last_report(&self, branch: OrgId) -> Result<Option<LastReport>> {
        let key = self.branch_key(Some(branch))?;
        let row: Option<(i64, String, String)> = self
            .conn
            .query_row(
                "SELECT upto, route, strftime('%Y-%m-%d %H:%M', reported_at, 'localtime')
                 FROM sync_reported WHERE branch_key = ?1",
                [&key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.map(|(upto, route, at)| LastReport {
            upto: upto.max(0) as u64,
            route: if route == "push" { Route::Push } else { Route::Package },
            at,
        }))
    }

    /// The counter `branch` last reported up to (0 if it never reported).
    pub fn reported_upto(&self, branch: OrgId) -> Result<u64> {
        let key = self.branch_key(Some(branch))?;
        let upto: Option<i64> = self
            .conn
            .query_row("SELECT upto FROM sync_reported WHERE branch_key = ?1", [&key], |r| r.get(0))
            .optional()?;
        Ok(upto.map_or(0, |u| u.max(0) as u64))
    }

    /// `branch`'s feedback from the committee, newest year first, then newest decision first.
    pub fn feedback(&self, branch: OrgId) -> Result<Vec<Feedback>> {
        let key = self.branch_key(Some(branch))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT uuid, year, topic, verdict, opinion, decided_at FROM committee_feedback
             WHERE branch_key = ?1 ORDER BY year DESC, decided_at DESC, topic",
        )?;
        let rows = stmt.query_map([&key], |r| {
            Ok(Feedback {
                uuid: r.get(0)?,
                year: r.get(1)?,
                topic: r.get(2)?,
                verdict: r.get(3)?,
                opinion: r.get(4)?,
                decided_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Writer<'_> {
    /// `branch`'s signing key for package files: the stored one, or `fresh` stored now (the
    /// caller makes it from the system's randomness; the first one kept is the branch's key).
    pub fn signing_secret(&self, branch: OrgId, fresh: [u8; 32]) -> Result<[u8; 32]> {
        let key = branch_key_in(&self.tx, branch)?;
        self.tx.execute(
            "INSERT INTO sync_keys(branch_key, secret) VALUES (?1, ?2) ON CONFLICT(branch_key) DO NOTHING",
            params![key, fresh.as_slice()],
        )?;
        let stored: Vec<u8> =
            self.tx.query_row("SELECT secret FROM sync_keys WHERE branch_key = ?1", [&key], |r| r.get(0))?;
        <[u8; 32]>::try_from(stored.as_slice())
            .map_err(|_| StoreError::Corrupt { what: "支部签名密钥", value: key })
    }

    /// The secret encryption key of `branch` (age's `AGE-SECRET-KEY-…`): the stored one, or
    /// `fresh` stored now on first use (made by the caller, which holds the encryption crate).
    pub fn encryption_identity(&self, branch: OrgId, fresh: &str) -> Result<String> {
        let key = branch_key_in(&self.tx, branch)?;
        self.tx.execute(
            "INSERT INTO sync_encryption(branch_key, identity) VALUES (?1, ?2) ON CONFLICT(branch_key) DO NOTHING",
            params![key, fresh],
        )?;
        Ok(self.tx.query_row("SELECT identity FROM sync_encryption WHERE branch_key = ?1", [&key], |r| r.get(0))?)
    }

    /// Records that `branch` reported up to `upto` by `route`.
    pub fn set_reported(&self, branch: OrgId, upto: u64, route: Route) -> Result<()> {
        let key = branch_key_in(&self.tx, branch)?;
        let route = match route {
            Route::Push => "push",
            Route::Package => "package",
        };
        self.tx.execute(
            "INSERT INTO sync_reported(branch_key, upto, route) VALUES (?1, ?2, ?3)
             ON CONFLICT(branch_key) DO UPDATE
                 SET upto = excluded.upto, route = excluded.route, reported_at = CURRENT_TIMESTAMP",
            params![key, upto as i64, route],
        )?;
        Ok(())
    }

    /// Replaces `branch`'s feedback with `items` (everything the committee holds for it now; an
    /// item the committee withdrew disappears).
    pub fn replace_feedback(&mut self, branch: OrgId, items: &[Feedback]) -> Result<()> {
        let key = branch_key_in(&self.tx, branch)?;
        self.tx.execute("DELETE FROM committee_feedback WHERE branch_key = ?1", [&key])?;
        {
            let mut insert = self.tx.prepare(
                "INSERT INTO committee_feedback(uuid, branch_key, year, topic, verdict, opinion, decided_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for item in items {
                insert.execute(params![
                    item.uuid,
                    key,
                    item.year,
                    item.topic,
                    item.verdict,
                    item.opinion,
                    item.decided_at
                ])?;
            }
        }
        self.audit(AuditAction::Update, "committee_feedback", None, &format!("收到上级反馈{}条", items.len()))?;
        Ok(())
    }
}

/// The change-log key of `branch` inside a write.
fn branch_key_in(tx: &rusqlite::Transaction<'_>, branch: OrgId) -> Result<String> {
    tx.query_row("SELECT uuid FROM organizations WHERE id = ?1 AND kind = 'branch'", [branch.0], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::NotFound { kind: "党支部", id: branch.0 })
}
