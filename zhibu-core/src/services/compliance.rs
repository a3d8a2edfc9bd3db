//! The compliance computation shared by the dashboard, the reports and `zhibu compliance`:
//! load the ledger the rules need, evaluate, and wrap the result with its provenance.

use super::ServiceError;
use crate::domain::{OrgId, OrgKind};
use crate::rules::{self, BranchCompliance, RuleSet};
use crate::store::Store;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The JSON schema identifier of [`ComplianceReport`]; bumped on any incompatible change.
pub const SCHEMA: &str = "zhibu.compliance/1";

/// The result of a compliance run, as `zhibu compliance --json` prints it (see docs/compliance-json.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceReport {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The rule set's version.
    pub rule_set: String,
    /// The year evaluated.
    pub year: i32,
    /// The day up to which the year was counted.
    pub as_of: NaiveDate,
    /// One entry per branch, by id.
    pub branches: Vec<BranchCompliance>,
}

/// Evaluates `year` for every branch, or only `branch`, counting up to `as_of`.
pub fn run(
    store: &Store,
    rules: &RuleSet,
    year: i32,
    as_of: NaiveDate,
    branch: Option<OrgId>,
) -> Result<ComplianceReport, ServiceError> {
    if !(2000..=2100).contains(&year) {
        return Err(ServiceError::OutOfRange { what: "年度", min: 2000, max: 2100, value: i64::from(year) });
    }
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(as_of);
    let ledger = store.compliance_ledger(year, rules::needed_from(rules, year), branch)?;
    if let Some(id) = branch
        && ledger.organization(id).is_none_or(|o| o.kind != OrgKind::Branch)
    {
        return Err(ServiceError::UnknownBranch(id.0));
    }
    let as_of = as_of.min(year_end);
    Ok(ComplianceReport {
        schema: SCHEMA.to_owned(),
        rule_set: rules.version.clone(),
        year,
        as_of,
        branches: rules::evaluate(&ledger, rules, year, as_of, branch),
    })
}
