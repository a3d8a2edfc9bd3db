//! What the committee reads back from its database: the registered branches with how far each
//! has reported, and the branches' current records (tombstones left out) of the kinds asked for,
//! one branch at a time, so thousands of branches never sit in memory at once.

use super::CommitteeError;
use postgres::Client;

/// A registered branch and how far it has reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchEntry {
    /// Its UUID.
    pub uuid: String,
    /// Its name as registered.
    pub name: String,
    /// The counter the committee acknowledged (0: never reported).
    pub acknowledged: i64,
    /// When its newest record arrived (`YYYY-MM-DD HH:MM`, the server's time), if ever.
    pub last_received: Option<String>,
    /// Its records stored (tombstones left out).
    pub records: i64,
}

/// Every registered branch, by name.
pub fn branches(client: &mut Client) -> Result<Vec<BranchEntry>, CommitteeError> {
    let rows = client.query(
        "SELECT b.uuid, b.name, b.last_counter,
                to_char(max(r.received_at), 'YYYY-MM-DD HH24:MI'), count(r.uuid) FILTER (WHERE NOT r.deleted)
         FROM zhibu.branches b LEFT JOIN zhibu.records r ON r.branch_uuid = b.uuid
         GROUP BY b.uuid, b.name, b.last_counter ORDER BY b.name, b.uuid",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| BranchEntry {
            uuid: r.get(0),
            name: r.get(1),
            acknowledged: r.get(2),
            last_received: r.get(3),
            records: r.get(4),
        })
        .collect())
}

/// One stored record: kind, UUID and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The record kind.
    pub kind: String,
    /// Its UUID.
    pub uuid: String,
    /// The record as JSON.
    pub body: String,
}

/// Calls `each` with every branch's current records of `kinds` (branch by branch, in UUID order).
/// Stops at the first error `each` returns.
///
/// One indexed query per branch (`records_branch_counter`) rather than one query over everything
/// ordered by branch: the server then never sorts the whole table (hundreds of megabytes of JSON
/// for thousands of branches, far beyond its sort memory), and each branch can be worked on as
/// soon as it arrives.
pub fn records_by_branch<E: From<CommitteeError>>(
    client: &mut Client,
    kinds: &[&str],
    mut each: impl FnMut(String, Vec<Stored>) -> Result<(), E>,
) -> Result<(), E> {
    let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
    let branches: Vec<String> = client
        .query("SELECT uuid FROM zhibu.branches ORDER BY uuid", &[])
        .map_err(CommitteeError::from)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let statement = client
        .prepare(
            "SELECT kind, uuid, body FROM zhibu.records
             WHERE branch_uuid = $1 AND NOT deleted AND kind = ANY($2)",
        )
        .map_err(CommitteeError::from)?;
    for branch in branches {
        let rows = client.query(&statement, &[&branch, &kinds]).map_err(CommitteeError::from)?;
        if rows.is_empty() {
            continue;
        }
        let records = rows
            .iter()
            .map(|r| Stored { kind: r.get(0), uuid: r.get(1), body: r.get::<_, Option<String>>(2).unwrap_or_default() })
            .collect();
        each(branch, records)?;
    }
    Ok(())
}

/// Every branch's current records of `kinds` in one query, in no particular order: for kinds of
/// a few records a branch (star ratings, rating subjects), where one round trip per branch would
/// cost more than the rows.
pub fn records_of_kinds(client: &mut Client, kinds: &[&str]) -> Result<Vec<(String, Stored)>, CommitteeError> {
    let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
    let rows = client.query(
        "SELECT branch_uuid, kind, uuid, body FROM zhibu.records WHERE NOT deleted AND kind = ANY($1)",
        &[&kinds],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r.get(0),
                Stored { kind: r.get(1), uuid: r.get(2), body: r.get::<_, Option<String>>(3).unwrap_or_default() },
            )
        })
        .collect())
}

/// A file a branch attached to its meetings, as the committee holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// Its SHA-256 (what the branch's meeting records name it by).
    pub sha256: String,
    /// The name it was first reported under.
    pub file_name: String,
    /// Its size in bytes.
    pub size: i64,
}

/// The attachment files branch `branch` has reported, by name.
pub fn attachments(client: &mut Client, branch: &str) -> Result<Vec<StoredFile>, CommitteeError> {
    let rows = client.query(
        "SELECT sha256, file_name, size FROM zhibu.attachments WHERE branch_uuid = $1 ORDER BY file_name, sha256",
        &[&branch],
    )?;
    Ok(rows.iter().map(|r| StoredFile { sha256: r.get(0), file_name: r.get(1), size: r.get(2) }).collect())
}

/// The content of branch `branch`'s attachment `sha256`, if reported.
pub fn attachment_content(client: &mut Client, branch: &str, sha256: &str) -> Result<Option<Vec<u8>>, CommitteeError> {
    Ok(client
        .query_opt("SELECT content FROM zhibu.attachments WHERE branch_uuid = $1 AND sha256 = $2", &[&branch, &sha256])?
        .map(|r| r.get(0)))
}
