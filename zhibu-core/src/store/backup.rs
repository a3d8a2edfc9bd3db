//! Keeping records safe: integrity checks, online backups through SQLite's backup API, the
//! check a backup must pass before it may replace anything, and the lock that keeps a second
//! instance away from an open database.
//!
//! A backup is one file the user can carry: a consistent copy of the database with every
//! attachment file inside it (table `backup_attachments`, content by SHA-256). It stays an
//! SQLite database of ours, so a backup made before attachments were packed (a plain `.db`)
//! still restores; restoring unpacks the files into `attachments/` beside the database
//! (checked against their hashes first) and drops the table from the restored copy.

use super::{APPLICATION_ID, Result, Store, StoreError, latest_version};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The table a backup carries its attachment files in.
const PACKED: &str = "backup_attachments";

/// What a backup holds beside the records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSummary {
    /// Attachment files packed (or, for a restore, unpacked or already in place).
    pub attachments: usize,
    /// Their bytes.
    pub bytes: u64,
    /// Attachments the records name that are in neither the backup nor the attachments
    /// folder (file names), e.g. from an old `.db` backup on a new PC.
    pub missing: Vec<String>,
}

/// What a restore did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreSummary {
    /// Where the replaced database was kept, if there was one.
    pub kept: Option<PathBuf>,
    /// The attachments brought back.
    pub attachments: BackupSummary,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Where attachment `sha256` lives under `dir` (the same layout the store writes).
fn attachment_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(sha256.get(..2).unwrap_or("00")).join(sha256)
}

/// The attachments folder of the database at `database`.
pub fn attachments_dir_of(database: &Path) -> PathBuf {
    database.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf).join("attachments")
}

/// Every attachment file in `dir` (named by its content hash).
fn attachment_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(shards) = std::fs::read_dir(dir) else { return out };
    for shard in shards.filter_map(std::result::Result::ok) {
        let Ok(files) = std::fs::read_dir(shard.path()) else { continue };
        for file in files.filter_map(std::result::Result::ok) {
            let name = file.file_name().to_string_lossy().into_owned();
            if name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                out.push((name, file.path()));
            }
        }
    }
    out.sort();
    out
}

/// The attachments the records name: (sha256, file name), once per content.
fn referenced_attachments(conn: &Connection) -> Result<Vec<(String, String)>> {
    let exists: Option<String> = conn
        .query_row("SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 'meeting_attachments'", [], |r| {
            r.get(0)
        })
        .optional()?;
    if exists.is_none() {
        return Ok(Vec::new());
    }
    let mut stmt =
        conn.prepare("SELECT sha256, min(file_name) FROM meeting_attachments GROUP BY sha256 ORDER BY sha256")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn has_packed_table(conn: &Connection) -> Result<bool> {
    let found: Option<String> = conn
        .query_row("SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?1", [PACKED], |r| r.get(0))
        .optional()?;
    Ok(found.is_some())
}

/// Checks every packed attachment against its hash; returns (count, bytes).
fn check_packed(conn: &Connection, file: &Path) -> Result<(usize, u64)> {
    if !has_packed_table(conn)? {
        return Ok((0, 0));
    }
    let mut stmt = conn.prepare(&format!("SELECT sha256, data FROM {PACKED} ORDER BY sha256"))?;
    let mut rows = stmt.query([])?;
    let (mut count, mut bytes) = (0, 0u64);
    while let Some(row) = rows.next()? {
        let sha: String = row.get(0)?;
        let data = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        if sha256_hex(data) != sha {
            return Err(StoreError::Damaged {
                detail: format!("备份中的附件{sha}内容与校验值不符"),
                path: file.to_owned(),
            });
        }
        count += 1;
        bytes += data.len() as u64;
    }
    Ok((count, bytes))
}

/// `PRAGMA quick_check` (tens of milliseconds); a damaged or non-database file becomes
/// [`StoreError::Damaged`] before anything is written to it.
pub(super) fn quick_check(conn: &Connection, path: &Path) -> Result<()> {
    let damaged = |detail: String| StoreError::Damaged { detail, path: path.to_owned() };
    let result: rusqlite::Result<String> = conn.query_row("PRAGMA quick_check", [], |r| r.get(0));
    match result {
        Ok(text) if text == "ok" => Ok(()),
        Ok(text) => Err(damaged(text)),
        Err(rusqlite::Error::SqliteFailure(e, message))
            if matches!(e.code, rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) =>
        {
            Err(damaged(message.unwrap_or_else(|| e.to_string())))
        }
        Err(other) => Err(other.into()),
    }
}

/// Full `integrity_check` and `foreign_key_check` of an open connection: the problems found.
fn full_check(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|line| line != "ok")
        .collect();
    let dangling = conn.prepare("PRAGMA foreign_key_check")?.query_map([], |r| r.get::<_, String>(0))?.count();
    if dangling > 0 {
        problems.push(format!("{dangling}条记录引用了不存在的记录"));
    }
    Ok(problems)
}

/// Checks that `file` is a sound Zhibu database this build can open: integrity, application id
/// and schema version. Opened read-only; nothing is written.
pub fn check_backup(file: &Path) -> Result<()> {
    if !file.is_file() {
        return Err(StoreError::NoDatabase(file.to_owned()));
    }
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    quick_check(&conn, file)?;
    let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if app_id != APPLICATION_ID {
        return Err(StoreError::ForeignDatabase { found: app_id, path: file.to_owned() });
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > latest_version() {
        return Err(StoreError::TooNew { found: version, supported: latest_version(), path: file.to_owned() });
    }
    let problems = full_check(&conn)?;
    if !problems.is_empty() {
        return Err(StoreError::Damaged { detail: problems.join("；"), path: file.to_owned() });
    }
    check_packed(&conn, file)?;
    Ok(())
}

/// What happens to the attachments on the way.
enum Attachments<'a> {
    /// Pack every file of this folder into the copy (a backup).
    Pack(&'a Path),
    /// Drop the packed table from the copy (a restore: the files were unpacked before).
    Drop,
}

/// Copies the open database `conn` to `target` through the online backup API: to a temporary
/// name first, synced, checked, then renamed, so `target` is complete or absent (a failed
/// copy, e.g. on a full or read-only disk, leaves no partial file behind).
fn copy_to(conn: &Connection, target: &Path, attachments: &Attachments<'_>) -> Result<BackupSummary> {
    let temp = target.with_extension("part");
    let summary = prepare_copy(conn, target, &temp, attachments)?;
    if let Err(source) = std::fs::rename(&temp, target) {
        let _ = std::fs::remove_file(&temp);
        return Err(StoreError::File { path: target.to_owned(), source });
    }
    Ok(summary)
}

/// Writes the checked copy to `temp` (removed again if any step fails).
fn prepare_copy(conn: &Connection, target: &Path, temp: &Path, attachments: &Attachments<'_>) -> Result<BackupSummary> {
    let _ = std::fs::remove_file(temp);
    let result = copy_via(conn, target, temp, attachments);
    if result.is_err() {
        let _ = std::fs::remove_file(temp);
    }
    result.map_err(|error| about_target(error, target))
}

/// SQLite's errors about the file being written, as the user meets them: the target's disk
/// is full, or its folder cannot be written (read-only, no permission, missing).
fn about_target(error: StoreError, target: &Path) -> StoreError {
    use std::io::{Error, ErrorKind};
    let file =
        |kind: ErrorKind, text: &str| StoreError::File { path: target.to_owned(), source: Error::new(kind, text) };
    match error {
        StoreError::DiskFull(_) => file(ErrorKind::StorageFull, "目标磁盘空间不足"),
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
            if matches!(e.code, rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly) =>
        {
            file(ErrorKind::PermissionDenied, "目标文件夹不能写入（只读、没有权限或不存在）")
        }
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::SystemIoFailure => {
            file(ErrorKind::Other, "写入目标文件失败（磁盘已满或已拔出）")
        }
        other => other,
    }
}

fn copy_via(conn: &Connection, target: &Path, temp: &Path, attachments: &Attachments<'_>) -> Result<BackupSummary> {
    let io = |source| StoreError::File { path: target.to_owned(), source };
    conn.backup(rusqlite::MAIN_DB, temp, None::<fn(rusqlite::backup::Progress)>)?;
    let mut summary = BackupSummary::default();
    {
        // The copy inherits WAL mode; switch it back so the backup is one self-contained file.
        let copy = Connection::open(temp)?;
        copy.pragma_update(None, "journal_mode", "DELETE")?;
        match attachments {
            Attachments::Pack(dir) => summary = pack(&copy, dir)?,
            Attachments::Drop => {
                if has_packed_table(&copy)? {
                    copy.execute_batch(&format!("DROP TABLE {PACKED}; VACUUM;"))?;
                }
            }
        }
    }
    // Opened for writing: Windows flushes only through a handle with write access (a read-only
    // handle fails with "Access denied", found under Wine).
    std::fs::OpenOptions::new().write(true).open(temp).and_then(|f| f.sync_all()).map_err(io)?;
    check_backup(temp)?;
    Ok(summary)
}

/// Packs every attachment file of `dir` into the copy `conn`, each checked against its hash.
fn pack(copy: &Connection, dir: &Path) -> Result<BackupSummary> {
    copy.execute_batch(&format!(
        "CREATE TABLE {PACKED} (sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64), data BLOB NOT NULL) STRICT"
    ))?;
    let mut summary = BackupSummary::default();
    let tx = copy.unchecked_transaction()?;
    {
        let mut insert = tx.prepare(&format!("INSERT INTO {PACKED}(sha256, data) VALUES (?1, ?2)"))?;
        for (sha, path) in attachment_files(dir) {
            let bytes = std::fs::read(&path).map_err(|source| StoreError::Attachment { path: path.clone(), source })?;
            if sha256_hex(&bytes) != sha {
                return Err(StoreError::Damaged { detail: "附件文件内容与校验值不符".to_owned(), path });
            }
            insert.execute(rusqlite::params![sha, bytes])?;
            summary.attachments += 1;
            summary.bytes += bytes.len() as u64;
        }
    }
    tx.commit()?;
    for (sha, name) in referenced_attachments(copy)? {
        if !attachment_path(dir, &sha).is_file() {
            summary.missing.push(name);
        }
    }
    Ok(summary)
}

/// Writes the packed attachments of backup `from` into `dir` (each checked, written to a
/// temporary name and renamed; files already there are kept), and lists the attachments the
/// backup's records name that are in neither.
fn unpack(from: &Connection, dir: &Path) -> Result<BackupSummary> {
    let mut summary = BackupSummary::default();
    if has_packed_table(from)? {
        let mut stmt = from.prepare(&format!("SELECT sha256, data FROM {PACKED} ORDER BY sha256"))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let sha: String = row.get(0)?;
            let data = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
            let target = attachment_path(dir, &sha);
            summary.attachments += 1;
            summary.bytes += data.len() as u64;
            if target.is_file() && std::fs::read(&target).is_ok_and(|bytes| sha256_hex(&bytes) == sha) {
                continue;
            }
            let io = |source| StoreError::Attachment { path: target.clone(), source };
            let shard = target.parent().unwrap_or(dir);
            std::fs::create_dir_all(shard).map_err(io)?;
            let temp = shard.join(format!("{sha}.part"));
            let written = std::fs::File::create(&temp).and_then(|mut file| {
                std::io::Write::write_all(&mut file, data)?;
                file.sync_all()
            });
            if let Err(source) = written.and_then(|()| std::fs::rename(&temp, &target)) {
                let _ = std::fs::remove_file(&temp);
                return Err(io(source));
            }
        }
    }
    for (sha, name) in referenced_attachments(from)? {
        if !attachment_path(dir, &sha).is_file() {
            summary.missing.push(name);
        }
    }
    Ok(summary)
}

impl Store {
    /// Full `integrity_check` and `foreign_key_check`: the problems found (empty when sound).
    pub fn full_check(&self) -> Result<Vec<String>> {
        Ok(full_check(&self.conn)?)
    }

    /// Writes a consistent copy of the database with every attachment file inside it to
    /// `target` (checked before and after copying). The database is only read.
    pub fn backup_to(&self, target: &Path) -> Result<BackupSummary> {
        let problems = full_check(&self.conn)?;
        if !problems.is_empty() {
            return Err(StoreError::Damaged { detail: problems.join("；"), path: self.path.clone() });
        }
        copy_to(&self.conn, target, &Attachments::Pack(&self.attachments_dir))
    }
}

/// Replaces the database at `database` with the backup `from`, after checking the backup
/// (integrity, application id, version, every packed attachment's hash). The attachments are
/// written into `attachments/` beside the database first (existing files are kept: the folder
/// only grows); then the database is replaced, the replaced file kept beside it as
/// `<name>.replaced-<time>`, never deleted. Take the [`InstanceLock`] first.
pub fn restore_from(database: &Path, from: &Path) -> Result<RestoreSummary> {
    check_backup(from)?;
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    let attachments = unpack(&source, &attachments_dir_of(database))?;
    // The restored copy is made and checked before the current database is touched.
    let temp = database.with_extension("restoring");
    prepare_copy(&source, database, &temp, &Attachments::Drop)?;
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| StoreError::File { path, source }
    };
    let mut kept = None;
    if database.exists() {
        // Fold the write-ahead log into the file when it opens cleanly; a damaged file is kept as it is.
        if let Ok(conn) = Connection::open(database) {
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let mut name = database.as_os_str().to_owned();
        name.push(format!(".replaced-{stamp}"));
        let target = PathBuf::from(name);
        if let Err(source) = std::fs::rename(database, &target) {
            let _ = std::fs::remove_file(&temp);
            return Err(io(database)(source));
        }
        for suffix in ["-wal", "-shm"] {
            let mut side = database.as_os_str().to_owned();
            side.push(suffix);
            let side = PathBuf::from(side);
            if side.exists() {
                let mut moved = target.as_os_str().to_owned();
                moved.push(suffix);
                std::fs::rename(&side, PathBuf::from(moved)).map_err(io(&side))?;
            }
        }
        kept = Some(target);
    }
    if let Err(source) = std::fs::rename(&temp, database) {
        // Put the replaced database back rather than leave none.
        if let Some(kept) = &kept {
            let _ = std::fs::rename(kept, database);
        }
        let _ = std::fs::remove_file(&temp);
        return Err(io(database)(source));
    }
    Ok(RestoreSummary { kept, attachments })
}

/// An exclusive lock on `<database>.lock`, held for as long as a window or a writing command
/// uses the database, so a second instance gets a clear message instead of a busy file.
#[derive(Debug)]
pub struct InstanceLock {
    _file: std::fs::File,
    path: PathBuf,
}

impl InstanceLock {
    /// Takes the lock for `database`, or reports that another instance holds it.
    pub fn acquire(database: &Path) -> Result<Self> {
        let mut name = database.as_os_str().to_owned();
        name.push(".lock");
        let path = PathBuf::from(name);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| StoreError::File { path: path.clone(), source })?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file, path }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::InUse(database.to_owned())),
            Err(std::fs::TryLockError::Error(source)) => Err(StoreError::File { path, source }),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
