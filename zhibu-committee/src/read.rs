//! What the committee reads back from its database: the registered branches with how far each
//! has reported, and the branches' current records (tombstones left out) of the kinds asked for,
//! one branch at a time, streamed from one query so thousands of branches never sit in memory
//! at once.

use super::CommitteeError;
use postgres::Client;
use postgres::fallible_iterator::FallibleIterator as _;

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
pub fn records_by_branch<E: From<CommitteeError>>(
    client: &mut Client,
    kinds: &[&str],
    mut each: impl FnMut(String, Vec<Stored>) -> Result<(), E>,
) -> Result<(), E> {
    let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
    let mut rows = client
        .query_raw(
            "SELECT branch_uuid, kind, uuid, body FROM zhibu.records
             WHERE NOT deleted AND kind = ANY($1) ORDER BY branch_uuid",
            [&kinds],
        )
        .map_err(CommitteeError::from)?;
    let mut current: Option<(String, Vec<Stored>)> = None;
    while let Some(row) = rows.next().map_err(CommitteeError::from)? {
        let branch: String = row.get(0);
        let stored =
            Stored { kind: row.get(1), uuid: row.get(2), body: row.get::<_, Option<String>>(3).unwrap_or_default() };
        match &mut current {
            Some((open, records)) if *open == branch => records.push(stored),
            _ => {
                if let Some((done, records)) = current.replace((branch, vec![stored])) {
                    each(done, records)?;
                }
            }
        }
    }
    if let Some((done, records)) = current {
        each(done, records)?;
    }
    Ok(())
}
