//! The store layer's error type.

use crate::domain::ValidationError;
use std::path::PathBuf;

/// Why a store operation failed. Any write that fails leaves the database as it was.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A record broke a rule of the domain; nothing was written.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// A record the operation refers to does not exist.
    #[error("{kind}不存在：{id}")]
    NotFound {
        /// The record's kind, in Chinese (`党支部`, `党员`).
        kind: &'static str,
        /// The id that was looked up.
        id: i64,
    },
    /// A record with the same unique key exists already.
    #[error("{what}已存在：{value}")]
    Duplicate {
        /// The key's Chinese name (`身份证号`).
        what: &'static str,
        /// The key's value (masked if it is personal data).
        value: String,
    },
    /// The meeting record is final; it may only be amended.
    #[error("会议记录已定稿，不能直接修改或删除，请以更正方式修改：会议{0}")]
    Locked(i64),
    /// A final record other than a meeting (an election); it may only be amended.
    #[error("{what}已定稿，不能直接修改或删除，请以更正方式修改：{id}")]
    LockedRecord {
        /// The record's kind, in Chinese.
        what: &'static str,
        /// Its id.
        id: i64,
    },
    /// An amendment was asked for a record that is still a draft.
    #[error("{what}尚未定稿，请直接修改：{id}")]
    NotFinalRecord {
        /// The record's kind, in Chinese.
        what: &'static str,
        /// Its id.
        id: i64,
    },
    /// The operation needs a final record but this one is a draft.
    #[error("会议记录尚未定稿，请直接修改：会议{0}")]
    NotFinal(i64),
    /// A command that reads records was pointed at a file that does not exist.
    #[error("数据库文件不存在：{0}")]
    NoDatabase(PathBuf),
    /// The file is damaged; it is left exactly as it was.
    #[error(
        "数据库文件已损坏（{detail}），程序没有改动它；请从备份恢复（zhibu restore --db 数据库 --from 备份文件）：{path}"
    )]
    Damaged {
        /// What SQLite's check reported.
        detail: String,
        /// The database file.
        path: PathBuf,
    },
    /// Another instance of the app has the database open.
    #[error("数据库正被另一个支部工作台窗口或命令使用，请先关闭它再试：{0}")]
    InUse(PathBuf),
    /// The file is an SQLite database of another program.
    #[error("不是支部工作台的数据库（application_id = {found}）：{path}")]
    ForeignDatabase {
        /// The application id found in the file.
        found: i32,
        /// The database file.
        path: PathBuf,
    },
    /// The database was written by a newer version of the program.
    #[error("数据库结构版本为{found}，本程序只支持到{supported}，请升级程序：{path}")]
    TooNew {
        /// The schema version in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
        /// The database file.
        path: PathBuf,
    },
    /// A migration failed; the database keeps its previous version.
    #[error("数据库升级到第{number}版失败：{source}")]
    Migration {
        /// The migration's number.
        number: i64,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A stored value cannot be read back as the domain type (the file was edited by hand or damaged).
    #[error("数据库中的{what}无法识别：{value}")]
    Corrupt {
        /// What was being read.
        what: &'static str,
        /// The stored value.
        value: String,
    },
    /// Reading or copying an attachment file failed.
    #[error("附件文件读写失败（{source}）：{path}")]
    Attachment {
        /// The file involved.
        path: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// Reading, writing or locking a database, backup or lock file failed.
    #[error("文件读写失败（{source}）：{path}")]
    File {
        /// The file or folder involved.
        path: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The disk (or the database's size limit) is full: nothing of this save was written.
    #[error("{}", disk_full_message(.0))]
    DiskFull(PathBuf),
    /// SQLite reported an error (file locked, I/O error, …).
    #[error("数据库操作失败：{0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        match &error {
            rusqlite::Error::SqliteFailure(e, _) if e.code == rusqlite::ErrorCode::DiskFull => {
                // The path is filled in by the store, which knows it (see `Store::write`).
                Self::DiskFull(PathBuf::new())
            }
            _ => Self::Sqlite(error),
        }
    }
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The disk-full message, naming the database file when the failing step knew it.
fn disk_full_message(path: &std::path::Path) -> String {
    let text = "磁盘空间不足，本次保存未写入（已填写的内容仍保留），请清理磁盘后重试";
    if path.as_os_str().is_empty() { text.to_owned() } else { format!("{text}：{}", path.display()) }
}
