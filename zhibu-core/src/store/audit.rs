//! The audit log: one append-only row per create, update, delete, finalize, amend and export.

use super::{Result, Store, Writer, codec};
use serde::{Deserialize, Serialize};

/// What an operator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// 新增.
    Create,
    /// 修改.
    Update,
    /// 删除.
    Delete,
    /// 定稿.
    Finalize,
    /// 更正 (an amendment of a final record).
    Amend,
    /// 导出.
    Export,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When (local time, `YYYY-MM-DD HH:MM:SS`).
    pub at: String,
    /// Who (the operator name set in the app).
    pub operator: String,
    /// What was done.
    pub action: AuditAction,
    /// The kind of record (`member`, `meeting`, …).
    pub record_kind: String,
    /// The record's id, when it has one.
    pub record_id: Option<i64>,
    /// A short description (never personal data such as ID numbers).
    pub summary: String,
}

impl Writer<'_> {
    /// Appends a row to the audit log in this transaction.
    pub(super) fn audit(&mut self, action: AuditAction, kind: &str, id: Option<i64>, summary: &str) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO audit_log(at, operator, action, record_kind, record_id, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        stmt.execute(rusqlite::params![self.now, self.operator, codec::code(&action), kind, id, summary])?;
        Ok(())
    }

    /// Records that the user exported `what` (a document, a backup) to `target`.
    pub fn record_export(&mut self, kind: &str, id: Option<i64>, what: &str) -> Result<()> {
        self.audit(AuditAction::Export, kind, id, what)
    }
}

impl Store {
    /// The newest `limit` audit rows, newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, operator, action, record_kind, record_id, summary FROM audit_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (at, operator, action, record_kind, record_id, summary) = row?;
            let action = codec::decode("审计操作", &action)?;
            entries.push(AuditEntry { at, operator, action, record_kind, record_id, summary });
        }
        Ok(entries)
    }

    /// How many rows the audit log holds.
    pub fn audit_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)
    }
}
