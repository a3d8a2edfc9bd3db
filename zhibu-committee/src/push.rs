//! A branch reporting straight into the committee's server, under its own login: the rows of its
//! change set go into a temporary staging table by binary COPY, then merge into `zhibu.records`
//! (a row replaces the stored one only when its counter is newer), and the branch's acknowledged
//! counter moves from `after` to `upto` — all in one transaction, so a push cut off midway leaves
//! the committee's database as it was, and sending the same set again changes nothing.

use super::CommitteeError;
use super::package::ChangeSet;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use postgres::{Client, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// One row of a change set as the server stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The record kind.
    pub kind: String,
    /// The record's UUID.
    pub uuid: String,
    /// The branch's counter at this version.
    pub counter: i64,
    /// The record as JSON; none for a tombstone.
    pub body: Option<String>,
}

/// A file a branch's meetings attach, with its content: stored once per branch and content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Lower-case hex SHA-256 of the content (what the records name it by).
    pub sha256: String,
    /// The name it was attached under.
    pub file_name: String,
    /// The content (base64 in a package file).
    #[serde(with = "base64_bytes")]
    pub content: Vec<u8>,
}

/// Bytes as base64 text in JSON (a package), not as a list of numbers four times their size.
mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize as _, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// What a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    /// Rows sent.
    pub sent: u64,
    /// Rows stored or replaced (older or equal versions are left as they are).
    pub stored: u64,
    /// Attachment files stored (the committee had the others already).
    pub files: u64,
    /// The branch's counter the committee now acknowledges.
    pub acknowledged: i64,
}

/// The branch this login reports for, and the counter the committee acknowledged for it.
pub fn whoami(client: &mut Client) -> Result<(String, i64), CommitteeError> {
    let rows = client.query("SELECT uuid, last_counter FROM zhibu.branches", &[])?;
    match rows.as_slice() {
        [row] => Ok((row.get(0), row.get(1))),
        [] => Err(CommitteeError::Invalid {
            what: "此账号不是已登记支部的账号（请用上级发给本支部的账号）",
            value: client_user(client)?,
        }),
        _ => Err(CommitteeError::Invalid {
            what: "此账号能看到多个支部，不是支部账号（报送须用支部自己的账号）",
            value: client_user(client)?,
        }),
    }
}

fn client_user(client: &mut Client) -> Result<String, CommitteeError> {
    Ok(client.query_one("SELECT current_user::text", &[])?.get(0))
}

/// The files of `shas` the committee already holds for this login's branch (a push need not
/// send them again).
pub fn held_attachments(client: &mut Client, branch: &str, shas: &[String]) -> Result<Vec<String>, CommitteeError> {
    if shas.is_empty() {
        return Ok(Vec::new());
    }
    let rows = client
        .query("SELECT sha256 FROM zhibu.attachments WHERE branch_uuid = $1 AND sha256 = ANY($2)", &[&branch, &shas])?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Sends `set` (every change of `branch` after `set.after`, up to `set.upto`, with the files it
/// attaches) in one transaction. Refused when the committee acknowledged another counter than
/// `set.after` (a replay, or a gap).
pub fn push(client: &mut Client, branch: &str, set: &ChangeSet) -> Result<Pushed, CommitteeError> {
    let (after, upto) = (set.after, set.upto);
    let mut tx = client.transaction()?;
    // Locks the branch's row: two pushes of one branch cannot interleave.
    let acknowledged: i64 = tx
        .query_opt("SELECT last_counter FROM zhibu.branches WHERE uuid = $1 FOR UPDATE", &[&branch])?
        .map(|r| r.get(0))
        .ok_or_else(|| CommitteeError::Invalid {
            what: "委员会数据库中没有这个支部", value: branch.to_owned()
        })?;
    if acknowledged != after {
        return Err(CommitteeError::OutOfStep { acknowledged, after });
    }
    let (sent, stored, files) = merge(&mut tx, branch, set)?;
    tx.commit()?;
    Ok(Pushed { sent, stored, files, acknowledged: upto })
}

/// Loads the rows of `set` into a staging table by binary COPY, merges them into
/// `zhibu.records` (a row replaces the stored one only when its counter is newer), stores the
/// files it attaches that the committee lacks, and sets the acknowledged counter to `set.upto`:
/// (rows sent, rows stored, files stored). A file whose content does not match its hash is
/// refused, and with it the whole set. The caller commits.
pub(crate) fn merge(
    tx: &mut Transaction<'_>,
    branch: &str,
    set: &ChangeSet,
) -> Result<(u64, u64, u64), CommitteeError> {
    let (upto, rows) = (set.upto, &set.rows);
    tx.batch_execute(
        "CREATE TEMPORARY TABLE staging (kind TEXT, uuid TEXT, counter BIGINT, deleted BOOLEAN, body TEXT)
         ON COMMIT DROP",
    )?;
    let sink = tx.copy_in("COPY staging (kind, uuid, counter, deleted, body) FROM STDIN (FORMAT binary)")?;
    let mut writer = BinaryCopyInWriter::new(sink, &[Type::TEXT, Type::TEXT, Type::INT8, Type::BOOL, Type::TEXT]);
    for row in rows {
        let deleted = row.body.is_none();
        writer.write(&[&row.kind, &row.uuid, &row.counter, &deleted, &row.body])?;
    }
    let sent = writer.finish()?;
    let stored = tx.execute(
        "INSERT INTO zhibu.records (branch_uuid, kind, uuid, counter, deleted, body)
         SELECT $1, kind, uuid, counter, deleted, body FROM staging
         ON CONFLICT (kind, uuid) DO UPDATE
             SET counter = EXCLUDED.counter, deleted = EXCLUDED.deleted, body = EXCLUDED.body,
                 received_at = CURRENT_TIMESTAMP
             WHERE zhibu.records.counter < EXCLUDED.counter",
        &[&branch],
    )?;
    let mut files = 0;
    for file in &set.attachments {
        let actual: String = Sha256::digest(&file.content).iter().map(|b| format!("{b:02x}")).collect();
        if actual != file.sha256 {
            return Err(CommitteeError::Invalid {
                what: "附件内容与其校验值不符", value: file.file_name.clone()
            });
        }
        let size = i64::try_from(file.content.len()).unwrap_or(i64::MAX);
        files += tx.execute(
            "INSERT INTO zhibu.attachments (branch_uuid, sha256, file_name, size, content) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (branch_uuid, sha256) DO NOTHING",
            &[&branch, &file.sha256, &file.file_name, &size, &file.content],
        )?;
    }
    tx.execute("UPDATE zhibu.branches SET last_counter = $2 WHERE uuid = $1", &[&branch, &upto])?;
    Ok((sent, stored, files))
}
