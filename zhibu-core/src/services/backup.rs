//! Backups as the user meets them: on demand (`zhibu backup`), automatically once a day with
//! the last N kept, restore with the replaced file kept, and finding the newest good backup
//! when the database turns out to be damaged.

use super::ServiceError;
use crate::store::{self, Store};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Automatic backups made before they were keyed by database were all named `zhibu-YYYY-MM-DD.db`;
/// they are still listed for restore (never removed by the rotation, which now only counts a
/// database's own), since one of them may be the only copy of a database.
const LEGACY_PREFIX: &str = "zhibu-";

/// The part of an automatic backup's name that says which database it copies: the database's
/// file stem and 8 hex digits of the SHA-256 of its absolute path. Two databases on one PC
/// (`a.db` and `b.db`, or two `zhibu.db` in different folders) never share a name, so neither
/// skips its backup because the other's exists (they once shared `zhibu-DATE.db`).
pub fn backup_key(database: &Path) -> String {
    use sha2::Digest;
    // Canonical when the file exists (symlinks and `..` resolved), else made absolute as given.
    let absolute = std::fs::canonicalize(database)
        .or_else(|_| std::path::absolute(database))
        .unwrap_or_else(|_| database.to_owned());
    let digest = sha2::Sha256::digest(absolute.to_string_lossy().as_bytes());
    let stem = database.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{stem}-{hash}")
}

/// The day an automatic backup's file name carries, if it is one of `key`'s (or, with
/// `legacy`, one made before backups were keyed).
fn backup_day(name: &str, key: &str, legacy: bool) -> Option<NaiveDate> {
    let stem = name.strip_suffix(".db")?;
    let split = stem.len().checked_sub(10)?;
    let (before, date) = (stem.get(..split)?, stem.get(split..)?);
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let owner = before.strip_suffix('-')?;
    (owner == key || (legacy && before == LEGACY_PREFIX)).then_some(day)
}

/// The automatic backups of `database` in `dir`, newest first: its own, then (for restore) those
/// made before backups were keyed by database.
pub fn automatic_backups(dir: &Path, database: &Path) -> Vec<PathBuf> {
    backups_in(dir, &backup_key(database), true)
}

/// The backups in `dir` named for `key` (and the unkeyed ones with `legacy`), newest first; an
/// own backup before an unkeyed one of the same day.
fn backups_in(dir: &Path, key: &str, legacy: bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<(NaiveDate, bool, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?;
            let day = backup_day(name, key, legacy)?;
            let own = backup_day(name, key, false).is_some();
            Some((day, own, p))
        })
        .collect();
    files.sort();
    files.into_iter().rev().map(|(_, _, p)| p).collect()
}

/// Makes today's automatic backup of `store`'s database if there is none yet, then keeps only
/// its newest `keep`. Returns the backup written, if one was.
pub fn automatic(store: &Store, dir: &Path, today: NaiveDate, keep: usize) -> Result<Option<PathBuf>, ServiceError> {
    let key = backup_key(store.path());
    let target = dir.join(format!("{key}-{}.db", today.format("%Y-%m-%d")));
    let written = if target.exists() {
        None
    } else {
        std::fs::create_dir_all(dir).map_err(|source| store::StoreError::File { path: dir.to_owned(), source })?;
        store.backup_to(&target)?;
        Some(target)
    };
    for old in backups_in(dir, &key, false).into_iter().skip(keep.max(1)) {
        // An old backup that cannot be removed only costs disk space.
        let _ = std::fs::remove_file(old);
    }
    Ok(written)
}

/// The newest automatic backup of `database` in `dir` that passes the full check, for the offer
/// to restore.
pub fn newest_good(dir: &Path, database: &Path) -> Option<PathBuf> {
    automatic_backups(dir, database).into_iter().find(|file| store::check_backup(file).is_ok())
}

/// Restores `database` (and its attachments) from `backup` under the instance lock; returns
/// where the replaced file was kept and what came back.
pub fn restore(database: &Path, backup: &Path) -> Result<store::RestoreSummary, ServiceError> {
    let _lock = store::InstanceLock::acquire(database)?;
    Ok(store::restore_from(database, backup)?)
}

/// What a restore did, in Chinese, for the window and the command line.
pub fn restore_text(backup: &Path, summary: &store::RestoreSummary) -> String {
    let mut text = format!("已从 {} 恢复", backup.display());
    let files = &summary.attachments;
    if files.attachments > 0 {
        text.push_str(&format!("，附件{}个（{}）", files.attachments, size_text(files.bytes)));
    }
    if let Some(kept) = &summary.kept {
        text.push_str(&format!("；被替换的数据库保留为 {}", kept.display()));
    }
    if !files.missing.is_empty() {
        text.push_str(&format!(
            "；注意：备份中没有以下{}个附件文件（旧版备份不含附件），请从原电脑复制 attachments 文件夹：{}",
            files.missing.len(),
            files.missing.join("、")
        ));
    }
    text
}

/// What a backup holds, in Chinese.
pub fn backup_text(target: &Path, summary: &store::BackupSummary) -> String {
    let mut text =
        format!("已备份到：{}（含附件{}个，{}）", target.display(), summary.attachments, size_text(summary.bytes));
    if !summary.missing.is_empty() {
        text.push_str(&format!(
            "；注意：记录中的{}个附件文件在数据目录中找不到，未能备份：{}",
            summary.missing.len(),
            summary.missing.join("、")
        ));
    }
    text
}

/// Bytes as KB or MB.
fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
