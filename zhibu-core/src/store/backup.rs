//! Keeping records safe: integrity checks, online backups through SQLite's backup API, the
//! check a backup must pass before it may replace anything, and the lock that keeps a second
//! instance away from an open database.

use super::{APPLICATION_ID, Result, Store, StoreError, latest_version};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

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
    Ok(())
}

/// Copies the open database `conn` to `target` through the online backup API: to a temporary
/// name first, synced, checked, then renamed, so `target` is complete or absent.
pub(super) fn copy_to(conn: &Connection, target: &Path) -> Result<()> {
    let io = |source| StoreError::File { path: target.to_owned(), source };
    let temp = target.with_extension("part");
    let _ = std::fs::remove_file(&temp);
    conn.backup(rusqlite::MAIN_DB, &temp, None::<fn(rusqlite::backup::Progress)>)?;
    // The copy inherits WAL mode; switch it back so the backup is one self-contained file.
    {
        let copy = Connection::open(&temp)?;
        copy.pragma_update(None, "journal_mode", "DELETE")?;
    }
    // Opened for writing: Windows flushes only through a handle with write access (a read-only
    // handle fails with "Access denied", found under Wine).
    std::fs::OpenOptions::new().write(true).open(&temp).and_then(|f| f.sync_all()).map_err(io)?;
    check_backup(&temp)?;
    std::fs::rename(&temp, target).map_err(io)?;
    Ok(())
}

impl Store {
    /// Full `integrity_check` and `foreign_key_check`: the problems found (empty when sound).
    pub fn full_check(&self) -> Result<Vec<String>> {
        Ok(full_check(&self.conn)?)
    }

    /// Writes a consistent copy of the database to `target` (checked before and after copying).
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        let problems = full_check(&self.conn)?;
        if !problems.is_empty() {
            return Err(StoreError::Damaged { detail: problems.join("；"), path: self.path.clone() });
        }
        copy_to(&self.conn, target)
    }
}

/// Replaces the database at `database` with the backup `from`, after checking the backup
/// (integrity, application id, version). The replaced file is kept beside it as
/// `<name>.replaced-<time>` (returned), never deleted. Take the [`InstanceLock`] first.
pub fn restore_from(database: &Path, from: &Path) -> Result<Option<PathBuf>> {
    check_backup(from)?;
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
        std::fs::rename(database, &target).map_err(io(database))?;
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
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    copy_to(&source, database)?;
    Ok(kept)
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
