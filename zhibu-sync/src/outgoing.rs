//! The branch's side of reporting up (issue 17): its change set from `zhibu-core` in the form
//! the committee's crate sends and signs, with the content of the files its meetings attach — the
//! one conversion the push, the package export and the benchmarks share.

use super::SyncError;
use zhibu_core::domain::OrgId;
use zhibu_core::store::Store;

type Result<T> = std::result::Result<T, SyncError>;

/// A change set ready to send, and the attachments its records name that this PC no longer has
/// (file names: reported, not sent, so the user can restore them from a backup).
pub struct Outgoing {
    /// The set.
    pub set: zhibu_committee::ChangeSet,
    /// Attachments named but missing from the data directory.
    pub missing: Vec<String>,
}

/// The branch's change set after `after`, as the committee stores it, with every file it attaches.
pub fn change_set(store: &Store, branch: OrgId, after: u64) -> Result<Outgoing> {
    change_set_with(store, branch, after, |_| Ok(Vec::new()))
}

/// The branch's change set after `after`, with the files it attaches less those `held` says the
/// receiver holds already (given every file's SHA-256, it returns the ones to leave out).
pub fn change_set_with(
    store: &Store,
    branch: OrgId,
    after: u64,
    held: impl FnOnce(&[String]) -> Result<Vec<String>>,
) -> Result<Outgoing> {
    let set = zhibu_core::services::sync::change_set(store, branch, after)?;
    let counter = |c: u64| i64::try_from(c).unwrap_or(i64::MAX);
    let shas: Vec<String> = set.attachments.iter().map(|a| a.sha256.clone()).collect();
    let held = held(&shas)?;
    let mut attachments = Vec::new();
    let mut missing = Vec::new();
    for file in set.attachments.iter().filter(|a| !held.contains(&a.sha256)) {
        let path = store.attachment_file(file);
        match std::fs::read(&path) {
            Ok(content) => attachments.push(zhibu_committee::Attachment {
                sha256: file.sha256.clone(),
                file_name: file.file_name.clone(),
                content,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(file.file_name.clone()),
            Err(source) => return Err(SyncError::File { what: "无法读取附件", path, source }),
        }
    }
    Ok(Outgoing {
        set: zhibu_committee::ChangeSet {
            installation: set.installation,
            branch: set.branch,
            branch_name: set.branch_name,
            after: counter(set.after),
            upto: counter(set.upto),
            rows: set
                .records
                .into_iter()
                .map(|r| zhibu_committee::Row {
                    kind: r.kind,
                    uuid: r.uuid,
                    counter: counter(r.counter),
                    body: r.body.as_ref().map(ToString::to_string),
                })
                .collect(),
            attachments,
        },
        missing,
    })
}
