//! A branch reporting straight into the committee's server, under its own login: the rows of its
//! change set go into a temporary staging table by binary COPY, then merge into `zhibu.records`
//! (a row replaces the stored one only when its counter is newer), and the branch's acknowledged
//! counter moves from `after` to `upto` — all in one transaction, so a push cut off midway leaves
//! the committee's database as it was, and sending the same set again changes nothing.

use super::CommitteeError;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use postgres::{Client, Transaction};
use serde::{Deserialize, Serialize};

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

/// What a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    /// Rows sent.
    pub sent: u64,
    /// Rows stored or replaced (older or equal versions are left as they are).
    pub stored: u64,
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

/// Sends `rows` (every change of `branch` after `after`, up to `upto`) in one transaction.
/// Refused when the committee acknowledged another counter than `after` (a replay, or a gap).
pub fn push(client: &mut Client, branch: &str, after: i64, upto: i64, rows: &[Row]) -> Result<Pushed, CommitteeError> {
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
    let (sent, stored) = merge(&mut tx, branch, upto, rows)?;
    tx.commit()?;
    Ok(Pushed { sent, stored, acknowledged: upto })
}

/// Loads `rows` of `branch` into a staging table by binary COPY, merges them into
/// `zhibu.records` (a row replaces the stored one only when its counter is newer) and sets the
/// acknowledged counter to `upto`: (rows sent, rows stored). The caller commits.
pub(crate) fn merge(
    tx: &mut Transaction<'_>,
    branch: &str,
    upto: i64,
    rows: &[Row],
) -> Result<(u64, u64), CommitteeError> {
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
    tx.execute("UPDATE zhibu.branches SET last_counter = $2 WHERE uuid = $1", &[&branch, &upto])?;
    Ok((sent, stored))
}
