//! Backups as the user meets them: on demand (`zhibu backup`), automatically once a day with
//! the last N kept, restore with the replaced file kept, and finding the newest good backup
//! when the database turns out to be damaged.

use super::ServiceError;
use crate::store::{self, Store};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Automatic backups are named `zhibu-YYYY-MM-DD.db` in the backup folder.
const PREFIX: &str = "zhibu-";

/// The automatic backups in `dir`, newest first.
pub fn automatic_backups(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix(PREFIX))
                .and_then(|n| n.strip_suffix(".db"))
                .is_some_and(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
        })
        .collect();
    files.sort();
    files.reverse();
    files
}

/// Makes today's automatic backup if there is none yet, then keeps only the newest `keep`.
/// Returns the backup written, if one was.
pub fn automatic(store: &Store, dir: &Path, today: NaiveDate, keep: usize) -> Result<Option<PathBuf>, ServiceError> {
    let target = dir.join(format!("{PREFIX}{}.db", today.format("%Y-%m-%d")));
    let written = if target.exists() {
        None
    } else {
        std::fs::create_dir_all(dir).map_err(|source| store::StoreError::File { path: dir.to_owned(), source })?;
        store.backup_to(&target)?;
        Some(target)
    };
    for old in automatic_backups(dir).into_iter().skip(keep.max(1)) {
        // An old backup that cannot be removed only costs disk space.
        let _ = std::fs::remove_file(old);
    }
    Ok(written)
}

/// The newest automatic backup in `dir` that passes the full check, for the offer to restore.
pub fn newest_good(dir: &Path) -> Option<PathBuf> {
    automatic_backups(dir).into_iter().find(|file| store::check_backup(file).is_ok())
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
