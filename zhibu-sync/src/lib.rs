//! A branch's side of reporting up (issues 17 and 33), as the services the window and the
//! command line both call: the branch's registration file, the committee's connection file taken
//! in (the committee's keys pinned on first use), 立即报送 (push over the network), 导出报送包 (a
//! package encrypted to the committee) and 获取反馈 (online, or from a feedback package encrypted
//! to the branch). It joins the branch's records (`zhibu-core`) to the committee's formats and
//! server (`zhibu-committee`); it never draws, parses arguments or prints.
//!
//! The connection file is kept as it came, still encrypted to the branch's key, in a file only
//! this user may read beside the database ([`connection_path`]): the password is never stored
//! readable, never in the database (so never in a backup) and never in the audit log.

pub mod outgoing;

use std::path::{Path, PathBuf};
use zhibu_committee::connection::{Connection, Registration};
use zhibu_core::domain::{OrgId, OrgKind, Organization, Stored};
use zhibu_core::store::{Feedback, Route, Store, StoreError};

/// What can go wrong reporting up.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The branch's database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Reading the branch's records.
    #[error(transparent)]
    Service(#[from] zhibu_core::services::ServiceError),
    /// The committee's server or a package, registration or connection file.
    #[error(transparent)]
    Committee(#[from] zhibu_committee::CommitteeError),
    /// A file could not be read or written (what, then the file and the system's reason).
    #[error("{what}：{}（{source}）", path.display())]
    File {
        /// What was being done, in Chinese.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The branch asked for is not (or not alone) in this database.
    #[error("{what}：{value}")]
    Branch {
        /// What is wrong, in Chinese.
        what: &'static str,
        /// The branch named, or the branches to choose from.
        value: String,
    },
    /// No connection file was taken in for the branch yet.
    #[error("本机还没有导入上级发来的账号文件（上级报送 → 导入上级发来的账号文件）：{0}")]
    NotConnected(String),
    /// A connection file names other committee keys than the ones this PC trusts.
    #[error(
        "账号文件中的上级密钥与本机已信任的不同（上级可能更换了密钥，也可能是伪造的文件），确认是上级更换后才能替换：{0}"
    )]
    KeyChanged(String),
}

type Result<T> = std::result::Result<T, SyncError>;

/// The setting holding the committee's signing key this PC trusts (64 hex digits), pinned on
/// first use (a connection file, an online pull, or `--committee-key` once).
pub const COMMITTEE_KEY: &str = "committee_key";

/// The setting holding the committee's public encryption key report packages are encrypted to.
pub const COMMITTEE_ENCRYPTION_KEY: &str = "committee_encryption_key";

/// The branches of this database.
pub fn branches(store: &Store) -> Result<Vec<Stored<OrgId, Organization>>> {
    Ok(store.organizations()?.into_iter().filter(|o| o.record.kind == OrgKind::Branch).collect())
}

/// The branch named by `wanted` (name or UUID), or the only one.
pub fn chosen_branch(store: &Store, wanted: Option<&str>) -> Result<Stored<OrgId, Organization>> {
    let all = branches(store)?;
    match wanted {
        Some(wanted) => {
            let wanted = wanted.trim();
            for org in all {
                if org.record.name == wanted || store.branch_key(Some(org.id))? == wanted {
                    return Ok(org);
                }
            }
            Err(SyncError::Branch { what: "本机数据库中没有这个支部", value: wanted.to_owned() })
        }
        None => match <[_; 1]>::try_from(all) {
            Ok([only]) => Ok(only),
            Err(all) if all.is_empty() => {
                Err(SyncError::Branch { what: "本机数据库中还没有党支部", value: String::new() })
            }
            Err(all) => Err(SyncError::Branch {
                what: "本机数据库中有多个支部，请指定一个",
                value: all.iter().map(|o| o.record.name.as_str()).collect::<Vec<_>>().join("、"),
            }),
        },
    }
}

/// The branch the committee knows by `uuid`.
pub fn own_branch(store: &Store, uuid: &str) -> Result<Stored<OrgId, Organization>> {
    for org in branches(store)? {
        if store.branch_key(Some(org.id))? == uuid {
            return Ok(org);
        }
    }
    Err(SyncError::Branch {
        what: "本机数据库中没有上级登记的这个支部（标识不符）", value: uuid.to_owned()
    })
}

/// The branch's Ed25519 signing secret, made on first use.
fn signing_secret(store: &mut Store, branch: OrgId) -> Result<[u8; 32]> {
    let fresh = zhibu_committee::package::new_secret()?;
    Ok(store.write(|w| w.signing_secret(branch, fresh))?)
}

/// The branch's secret encryption key, made on first use.
fn encryption_identity(store: &mut Store, branch: OrgId) -> Result<String> {
    let fresh = zhibu_committee::crypt::new_identity();
    Ok(store.write(|w| w.encryption_identity(branch, &fresh))?)
}

/// The branch's registration file: name, UUID, installation and both public keys (made now if
/// the branch has none yet; kept in its database, so a restored backup keeps them).
pub fn registration(store: &mut Store, branch: &Stored<OrgId, Organization>) -> Result<Registration> {
    let secret = signing_secret(store, branch.id)?;
    let identity = encryption_identity(store, branch.id)?;
    Ok(Registration {
        format: zhibu_committee::connection::REGISTRATION_FORMAT.to_owned(),
        branch: store.branch_key(Some(branch.id))?,
        name: branch.record.name.clone(),
        installation: store.installation_id()?,
        signing_key: zhibu_committee::package::public_key_hex(&secret),
        encryption_key: zhibu_committee::crypt::public_of(&identity)?,
    })
}

/// Where the connection file of branch `uuid` is kept for the database `store` opened: beside it,
/// in `connections/`, named after the database and the branch.
pub fn connection_path(store: &Store, uuid: &str) -> PathBuf {
    let database = store.path();
    let stem = database.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    database.parent().unwrap_or(Path::new(".")).join("connections").join(format!("{stem}-{uuid}.zhibu-connection"))
}

/// What taking in a connection file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connected {
    /// The branch it connects.
    pub branch: String,
    /// `role@host:port/database`.
    pub server: String,
    /// The committee's signing key replaced one trusted before (the user confirmed).
    pub replaced_key: bool,
}

/// Takes in the connection file `bytes` the committee sent: opened with the branch's key (only
/// the PC that wrote the registration file can), the committee's keys checked against those this
/// PC trusts — pinned on first use; another key is refused unless `replace_key` (the user
/// confirmed the committee changed it), the replacement written to the audit log — and the file
/// kept, still encrypted, where [`connection`] finds it.
pub fn import_connection(store: &mut Store, bytes: &[u8], replace_key: bool) -> Result<Connected> {
    let uuid = Connection::branch_of(bytes)?;
    let branch = own_branch(store, &uuid)?;
    let identity = encryption_identity(store, branch.id)?;
    let connection = Connection::open(bytes, &identity)?;
    let trusted = (store.setting(COMMITTEE_KEY)?, store.setting(COMMITTEE_ENCRYPTION_KEY)?);
    let changed = trusted.0.as_deref().is_some_and(|k| k != connection.committee_signing_key)
        || trusted.1.as_deref().is_some_and(|k| k != connection.committee_encryption_key);
    if changed && !replace_key {
        return Err(SyncError::KeyChanged(connection.committee_signing_key.clone()));
    }
    let path = connection_path(store, &uuid);
    write_private(&path, bytes)?;
    store.write(|w| {
        // Each set is audited (the key's name and time; the values are public keys).
        if trusted.0.as_deref() != Some(connection.committee_signing_key.as_str()) {
            w.set_setting(COMMITTEE_KEY, &connection.committee_signing_key)?;
        }
        if trusted.1.as_deref() != Some(connection.committee_encryption_key.as_str()) {
            w.set_setting(COMMITTEE_ENCRYPTION_KEY, &connection.committee_encryption_key)?;
        }
        Ok::<_, StoreError>(())
    })?;
    Ok(Connected { branch: branch.record.name, server: connection.describe(), replaced_key: changed })
}

/// Writes `bytes` to `path` readable by this user only (0600 on Unix; on Windows the file sits in
/// the user's own data folder), through a temporary name so a half-written file never counts.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    fn fail(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> SyncError {
        let path = path.to_owned();
        move |source| SyncError::File { what, path, source }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail("无法创建文件夹", dir))?;
    }
    let partial = path.with_extension("partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&partial).map_err(fail("无法写入账号文件", &partial))?;
    std::io::Write::write_all(&mut file, bytes).map_err(fail("无法写入账号文件", &partial))?;
    file.sync_all().map_err(fail("无法写入账号文件", &partial))?;
    drop(file);
    std::fs::rename(&partial, path).map_err(fail("无法写入账号文件", path))
}

/// The connection of `branch`, opened from the kept file.
pub fn connection(store: &mut Store, branch: &Stored<OrgId, Organization>) -> Result<Connection> {
    let uuid = store.branch_key(Some(branch.id))?;
    let path = connection_path(store, &uuid);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SyncError::NotConnected(branch.record.name.clone()));
        }
        Err(source) => return Err(SyncError::File { what: "无法读取账号文件", path, source }),
    };
    let identity = encryption_identity(store, branch.id)?;
    Ok(Connection::open(&bytes, &identity)?)
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// The branch.
    pub branch: String,
    /// Changes sent.
    pub sent: u64,
    /// Attachment files sent (the committee had the others).
    pub files: u64,
    /// The counter the committee now acknowledges.
    pub acknowledged: i64,
    /// Attachments the records name that this PC no longer has (reported, not sent).
    pub missing: Vec<String>,
}

/// 立即报送: sends the branch's changes since the committee's acknowledged counter over
/// `client` (a branch login), leaving out the files the committee holds.
pub fn push(store: &mut Store, client: &mut zhibu_committee::Client) -> Result<Pushed> {
    let (uuid, acknowledged) = zhibu_committee::whoami(client)?;
    let branch = own_branch(store, &uuid)?;
    let after = u64::try_from(acknowledged).unwrap_or(0);
    let outgoing = outgoing::change_set_with(store, branch.id, after, |shas| {
        Ok(zhibu_committee::held_attachments(client, &uuid, shas)?)
    })?;
    let set = outgoing.set;
    let pushed = zhibu_committee::push(client, &uuid, &set)?;
    store.write(|w| w.set_reported(branch.id, set.upto.max(0) as u64, Route::Push))?;
    Ok(Pushed {
        branch: branch.record.name,
        sent: pushed.sent,
        files: pushed.files,
        acknowledged: pushed.acknowledged,
        missing: outgoing.missing,
    })
}

/// What a package export did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The branch.
    pub branch: String,
    /// Changes in the package (0: nothing new, no file written).
    pub changes: usize,
    /// Attachment files in it.
    pub files: usize,
    /// The counters it spans.
    pub after: i64,
    /// The counter it reaches.
    pub upto: i64,
    /// The file's size.
    pub bytes: usize,
    /// Attachments the records name that this PC no longer has.
    pub missing: Vec<String>,
}

/// 导出报送包: the branch's changes since its last report (everything with `full`) as a package
/// encrypted to the committee's key and signed with the branch's, written to `out` (through a
/// temporary name). Nothing is written when nothing changed.
pub fn export(store: &mut Store, branch: &Stored<OrgId, Organization>, full: bool, out: &Path) -> Result<Exported> {
    let committee =
        store.setting(COMMITTEE_ENCRYPTION_KEY)?.ok_or_else(|| SyncError::NotConnected(branch.record.name.clone()))?;
    let after = if full { 0 } else { store.reported_upto(branch.id)? };
    let outgoing = outgoing::change_set(store, branch.id, after)?;
    let set = outgoing.set;
    let mut done = Exported {
        branch: branch.record.name.clone(),
        changes: set.rows.len(),
        files: set.attachments.len(),
        after: set.after,
        upto: set.upto,
        bytes: 0,
        missing: outgoing.missing,
    };
    if set.rows.is_empty() {
        return Ok(done);
    }
    let secret = signing_secret(store, branch.id)?;
    let bytes = zhibu_committee::package::seal(&secret, &set, &committee)?;
    let partial = out.with_extension("partial");
    std::fs::write(&partial, &bytes).map_err(|source| SyncError::File {
        what: "无法写入报送包",
        path: partial.clone(),
        source,
    })?;
    std::fs::rename(&partial, out).map_err(|source| SyncError::File {
        what: "无法写入报送包",
        path: out.to_owned(),
        source,
    })?;
    store.write(|w| w.set_reported(branch.id, set.upto.max(0) as u64, Route::Package))?;
    done.bytes = bytes.len();
    Ok(done)
}

/// What a pull brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pulled {
    /// The branch.
    pub branch: String,
    /// Every decision the committee holds for it.
    pub items: Vec<Feedback>,
}

/// 获取反馈 online: the committee's decisions for the branch `client` logs in as, kept read-only;
/// the committee's signing key pinned when none was trusted yet.
pub fn pull_online(store: &mut Store, client: &mut zhibu_committee::Client) -> Result<Pulled> {
    let (uuid, _) = zhibu_committee::whoami(client)?;
    let branch = own_branch(store, &uuid)?;
    let key = zhibu_committee::package::committee_key(client)?;
    let items = zhibu_committee::review::reviews(client, None)?
        .into_iter()
        .map(|r| Feedback {
            uuid: r.uuid,
            year: r.year,
            topic: r.topic,
            verdict: r.verdict,
            opinion: r.opinion,
            decided_at: r.decided_at,
        })
        .collect();
    keep_feedback(store, branch, items, &key)
}

/// 获取反馈 from a feedback package: checked against the committee key this PC trusts (`given`
/// once, on first use, when none is trusted yet), decrypted with the branch's key.
pub fn pull_file(store: &mut Store, bytes: &[u8], given: Option<&str>) -> Result<Pulled> {
    let trusted = match (given, store.setting(COMMITTEE_KEY)?) {
        (_, Some(stored)) => stored,
        (Some(given), None) => given.trim().to_owned(),
        (None, None) => return Err(SyncError::NotConnected("没有信任的上级公钥，无法核对反馈包".to_owned())),
    };
    let key = zhibu_committee::package::parse_public_key(&trusted)?;
    let addressed = zhibu_committee::package::feedback_branch(bytes)?;
    let branch = own_branch(store, &addressed)?;
    let identity = encryption_identity(store, branch.id)?;
    let feedback = zhibu_committee::package::open_feedback(bytes, &key, &addressed, &identity)?;
    let items = feedback
        .items
        .into_iter()
        .map(|(uuid, year, topic, verdict, opinion, decided_at)| Feedback {
            uuid,
            year,
            topic,
            verdict,
            opinion,
            decided_at,
        })
        .collect();
    keep_feedback(store, branch, items, &trusted)
}

/// Keeps `items` as the branch's feedback, pinning `key` when no committee key was trusted yet.
fn keep_feedback(
    store: &mut Store,
    branch: Stored<OrgId, Organization>,
    items: Vec<Feedback>,
    key: &str,
) -> Result<Pulled> {
    let trusted = store.setting(COMMITTEE_KEY)?;
    if trusted.as_deref().is_some_and(|t| t != key) {
        return Err(SyncError::KeyChanged(key.to_owned()));
    }
    store.write(|w| {
        if trusted.is_none() {
            w.set_setting(COMMITTEE_KEY, key)?;
        }
        w.replace_feedback(branch.id, &items)
    })?;
    Ok(Pulled { branch: branch.record.name, items })
}

/// Where one branch stands with its committee, for the 上级报送 page and the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The branch.
    pub branch: OrgId,
    /// Its name.
    pub name: String,
    /// Its UUID.
    pub uuid: String,
    /// `role@host:port/database` when a connection file was taken in (never the password).
    pub server: Option<String>,
    /// Why the kept connection file could not be opened, if it could not.
    pub server_error: Option<String>,
    /// The last report up.
    pub last_report: Option<zhibu_core::store::LastReport>,
    /// Records changed since the last report (what the next one carries).
    pub pending: usize,
    /// Whether the committee's encryption key is known (a package can be written).
    pub can_export: bool,
}

/// Where every branch of this database stands with its committee.
pub fn status(store: &mut Store) -> Result<Vec<Status>> {
    let can_export = store.setting(COMMITTEE_ENCRYPTION_KEY)?.is_some();
    let mut all = Vec::new();
    for branch in branches(store)? {
        let uuid = store.branch_key(Some(branch.id))?;
        let (server, server_error) = if connection_path(store, &uuid).exists() {
            match connection(store, &branch) {
                Ok(connection) => (Some(connection.describe()), None),
                Err(error) => (None, Some(error.to_string())),
            }
        } else {
            (None, None)
        };
        let last_report = store.last_report(branch.id)?;
        let pending = store.changes_since(Some(branch.id), last_report.as_ref().map_or(0, |r| r.upto))?.len();
        all.push(Status {
            branch: branch.id,
            name: branch.record.name,
            uuid,
            server,
            server_error,
            last_report,
            pending,
            can_export,
        });
    }
    Ok(all)
}

/// What a feedback item is about, as a line starts: `2026年度报送`, `2026年度述职评议考核`
/// (a topic that already says 年度 is not given it twice).
pub fn feedback_title(year: i32, topic: &str) -> String {
    match topic.strip_prefix("年度") {
        Some(rest) => format!("{year}年度{rest}"),
        None => format!("{year}年度{topic}"),
    }
}
