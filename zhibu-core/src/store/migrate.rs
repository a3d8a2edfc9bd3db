//! Numbered, append-only schema migrations tracked by `PRAGMA user_version`.
//!
//! Each file in `app/migrations/` runs once, in order, inside one `BEGIN IMMEDIATE`
//! transaction together with the version bump, so a failed migration leaves the
//! previous version intact. Foreign keys are off meanwhile (SQLite's procedure for rebuilding a
//! table that others refer to) and checked with `foreign_key_check` before each commit. Released files are never edited (a test checks their hashes).

use super::{Result, StoreError};
use rusqlite::Connection;
use std::path::Path;

/// `PRAGMA application_id` of a Zhibu database: the bytes "ZHBU".
pub const APPLICATION_ID: i32 = 0x5A48_4255;

/// The migrations, in order: (number, file name, SQL).
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "0001_initial.sql", include_str!("../../migrations/0001_initial.sql")),
    (2, "0002_attendance_by_position.sql", include_str!("../../migrations/0002_attendance_by_position.sql")),
    (3, "0003_real_year.sql", include_str!("../../migrations/0003_real_year.sql")),
    (4, "0004_member_details.sql", include_str!("../../migrations/0004_member_details.sql")),
    (5, "0005_dues.sql", include_str!("../../migrations/0005_dues.sql")),
    (6, "0006_appraisal_votes.sql", include_str!("../../migrations/0006_appraisal_votes.sql")),
    (7, "0007_volunteer_register.sql", include_str!("../../migrations/0007_volunteer_register.sql")),
    (8, "0008_rating_subjects.sql", include_str!("../../migrations/0008_rating_subjects.sql")),
    (9, "0009_sync_identity.sql", include_str!("../../migrations/0009_sync_identity.sql")),
    (10, "0010_sync_packages.sql", include_str!("../../migrations/0010_sync_packages.sql")),
    (11, "0011_compliance_summaries.sql", include_str!("../../migrations/0011_compliance_summaries.sql")),
    (12, "0012_sync_encryption.sql", include_str!("../../migrations/0012_sync_encryption.sql")),
];

/// The schema version this build creates.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Checks the file belongs to Zhibu and brings its schema up to date.
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if app_id != APPLICATION_ID {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if app_id != 0 || tables > 0 {
            return Err(StoreError::ForeignDatabase { found: app_id, path: path.to_owned() });
        }
    }
    if version > latest_version() {
        return Err(StoreError::TooNew { found: version, supported: latest_version(), path: path.to_owned() });
    }
    for &(number, _, sql) in MIGRATIONS.iter().filter(|m| m.0 > version) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let step = tx
            .execute_batch(sql)
            .and_then(|()| tx.pragma_update(None, "user_version", number))
            .and_then(|()| tx.pragma_update(None, "application_id", APPLICATION_ID));
        step.map_err(|source| StoreError::Migration { number, source })?;
        // Foreign keys are off during migrations (a rebuilt table must not cascade or refuse
        // its drop); what they would have caught is checked before the commit.
        let orphans: i64 = tx
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
            .map_err(|source| StoreError::Migration { number, source })?;
        if orphans > 0 {
            return Err(StoreError::Migration {
                number,
                source: rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                    Some(format!("升级后有{orphans}条记录引用了不存在的记录")),
                ),
            });
        }
        tx.commit().map_err(|source| StoreError::Migration { number, source })?;
    }
    Ok(())
}
