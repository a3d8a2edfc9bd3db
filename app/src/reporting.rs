//! The branch's side of reporting up (issue 17): its change set from `zhibu-core` in the form
//! the committee's crate sends and signs — the one conversion the push, the package export and
//! the benchmarks share.

use anyhow::Result;
use zhibu_core::domain::OrgId;
use zhibu_core::store::Store;

/// The branch's change set after `after`, as the committee stores it.
pub fn change_set(store: &Store, branch: OrgId, after: u64) -> Result<zhibu_committee::ChangeSet> {
    let set = zhibu_core::services::sync::change_set(store, branch, after)?;
    let counter = |c: u64| i64::try_from(c).unwrap_or(i64::MAX);
    Ok(zhibu_committee::ChangeSet {
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
    })
}
