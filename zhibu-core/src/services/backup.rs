//! Backups as the user meets them: on demand (`zhibu backup`), automatically once a day with
//! the last N kept, restore with the replaced file kept, and finding the newest good backup
//! when the database turns out to be damaged. A backup written outside the data folder (a USB
//! stick, a shared drive) carries every member's ID number: it is encrypted with a passphrase the
//! user sets (age's scrypt recipient), and restoring it asks for that passphrase, which cannot be
//! recovered when forgotten. The daily backups inside the data folder stay plain.

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

/// The shortest passphrase an encrypted backup takes.
pub const MIN_PASSPHRASE: usize = 8;

/// What starts every age file, so an encrypted backup is told from a plain one.
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// The folder `database` lives in, where its automatic backups, attachments and connection files
/// are (canonical where it exists).
fn data_folder(database: &Path) -> PathBuf {
    let folder = database.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_owned())
}

/// Whether a backup of `database` written to `target` leaves the data folder (and so must be
/// encrypted).
pub fn needs_passphrase(database: &Path, target: &Path) -> bool {
    let folder = data_folder(database);
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let parent = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_owned());
    !parent.starts_with(&folder)
}

/// Whether `file` is an encrypted backup.
pub fn is_encrypted(file: &Path) -> bool {
    let mut start = [0u8; 22];
    std::fs::File::open(file).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut start)).is_ok()
        && start.as_slice() == AGE_MAGIC
}

/// A temporary file inside `database`'s data folder (the plain copy an encrypted backup is made
/// from, or an encrypted one is opened into), removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(database: &Path, what: &str) -> Self {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        Self(data_folder(database).join(format!(".zhibu-{what}-{}-{stamp}.tmp", std::process::id())))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Nothing of it may stay behind; a file already gone is fine.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Backs `store` up to `target`: plain inside the data folder; outside it only with a
/// `passphrase` (at least [`MIN_PASSPHRASE`] characters), encrypted with it — made as a checked
/// plain copy inside the data folder, encrypted into `target` through a temporary name, the copy
/// removed. A passphrase given for a backup inside the data folder encrypts it too.
pub fn backup(store: &Store, target: &Path, passphrase: Option<&str>) -> Result<store::BackupSummary, ServiceError> {
    let Some(passphrase) = passphrase else {
        if needs_passphrase(store.path(), target) {
            return Err(ServiceError::Passphrase {
                what: "备份写到数据文件夹以外（U盘、共享盘）时须设口令加密；请牢记口令，忘记无法找回",
                file: target.to_owned(),
            });
        }
        return Ok(store.backup_to(target)?);
    };
    if passphrase.chars().count() < MIN_PASSPHRASE {
        return Err(ServiceError::Passphrase { what: "备份口令至少8个字符", file: target.to_owned() });
    }
    let plain = Scratch::new(store.path(), "backup");
    let summary = store.backup_to(&plain.0)?;
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ServiceError::Store(store::StoreError::File { path, source })
    };
    let partial = target.with_extension("part");
    let written = (|| {
        let mut input = std::fs::File::open(&plain.0).map_err(io(&plain.0))?;
        let output = std::fs::File::create(&partial).map_err(io(&partial))?;
        let encryptor = age::Encryptor::with_user_passphrase(age::secrecy::SecretString::from(passphrase.to_owned()));
        let mut writer = encryptor.wrap_output(output).map_err(io(&partial))?;
        std::io::copy(&mut input, &mut writer).map_err(io(&partial))?;
        writer.finish().and_then(|file| file.sync_all()).map_err(io(&partial))?;
        std::fs::rename(&partial, target).map_err(io(target))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written?;
    Ok(summary)
}

/// Restores `database` (and its attachments) from `backup` under the instance lock; returns
/// where the replaced file was kept and what came back. An encrypted backup is opened with
/// `passphrase` into a temporary file inside the data folder first (removed afterwards).
pub fn restore(
    database: &Path,
    backup: &Path,
    passphrase: Option<&str>,
) -> Result<store::RestoreSummary, ServiceError> {
    let _lock = store::InstanceLock::acquire(database)?;
    if !is_encrypted(backup) {
        return Ok(store::restore_from(database, backup)?);
    }
    let Some(passphrase) = passphrase else {
        return Err(ServiceError::Passphrase {
            what: "这个备份已加密，请输入备份时设的口令（忘记的口令无法找回）",
            file: backup.to_owned(),
        });
    };
    let plain = Scratch::new(database, "restore");
    decrypt_to(backup, &plain.0, passphrase)?;
    Ok(store::restore_from(database, &plain.0)?)
}

/// Decrypts the backup `from` into `to` with `passphrase`; a wrong one says so.
fn decrypt_to(from: &Path, to: &Path, passphrase: &str) -> Result<(), ServiceError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ServiceError::Store(store::StoreError::File { path, source })
    };
    let wrong = || ServiceError::Passphrase {
        what: "口令不对，无法打开这个加密的备份（忘记的口令无法找回）",
        file: from.to_owned(),
    };
    let input = std::io::BufReader::new(std::fs::File::open(from).map_err(io(from))?);
    let decryptor = age::Decryptor::new_buffered(input).map_err(|_| wrong())?;
    let identity = age::scrypt::Identity::new(age::secrecy::SecretString::from(passphrase.to_owned()));
    let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|_| wrong())?;
    let mut output = std::fs::File::create(to).map_err(io(to))?;
    // A file changed after it was written fails its authentication here.
    std::io::copy(&mut reader, &mut output)
        .map_err(|_| ServiceError::Passphrase {
            what: "加密的备份已损坏或被改动，无法恢复", file: from.to_owned()
        })?;
    output.sync_all().map_err(io(to))
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
