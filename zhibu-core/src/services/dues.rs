//! 党费 for a branch and a year, as the dues screen, the command line and the documents show it:
//! each member's base, months due, settled and owed, what was paid, and whether the rules flag
//! the member (the same evaluation compliance runs, so the two never disagree).

use super::ServiceError;
use crate::domain::{
    DuesBase, DuesPayment, DuesStatus, Fen, MemberId, OrgId, PaymentId, Stored, YearMonth, dues_status,
};
use crate::rules::{FindingCode, RuleSet, evaluate, needed_from};
use crate::store::Store;
use chrono::NaiveDate;

/// One member's dues for the year.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberDues {
    /// The member.
    pub member: MemberId,
    /// 姓名.
    pub name: String,
    /// The base that applies to the year (the year's own, or the last one before it).
    pub base: Option<DuesBase>,
    /// Whether `base` was confirmed for this year (false: carried over from an earlier year).
    pub base_confirmed: bool,
    /// Months due, settled, owed.
    pub status: DuesStatus,
    /// Payments and exemptions touching the year, oldest first.
    pub payments: Vec<Stored<PaymentId, DuesPayment>>,
    /// The rules' six-month flag, in Chinese, when raised.
    pub flag: Option<String>,
}

/// A branch's dues for a year as of a day.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchDues {
    /// Members, in roster order.
    pub members: Vec<MemberDues>,
    /// Paid within the year, in fen.
    pub paid_fen: Fen,
    /// Owed for ended months, in fen.
    pub owed_fen: Fen,
}

/// Every member of `branch` with their dues for `year`, as of `as_of`.
pub fn branch_dues(
    store: &Store,
    rules: &RuleSet,
    branch: OrgId,
    year: i32,
    as_of: NaiveDate,
) -> Result<BranchDues, ServiceError> {
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    let ledger = store.ledger_for(needed_from(rules, year), year_end, Some(branch))?;
    let flags: Vec<(MemberId, String)> = evaluate(&ledger, rules, year, as_of, Some(branch))
        .into_iter()
        .flat_map(|b| b.findings)
        .filter(|f| f.code == FindingCode::DuesUnpaid)
        .filter_map(|f| Some((f.member?, f.message)))
        .collect();
    let (first, last) = (YearMonth { year, month: 1 }, YearMonth { year, month: 12 });
    let mut out = BranchDues { members: Vec::new(), paid_fen: 0, owed_fen: 0 };
    for member in ledger.members.iter().filter(|m| m.record.branch == branch) {
        let bases: Vec<&DuesBase> =
            ledger.dues_bases.iter().filter(|b| b.record.member == member.id).map(|b| &b.record).collect();
        let mine: Vec<&Stored<PaymentId, DuesPayment>> =
            ledger.dues_payments.iter().filter(|p| p.record.member == member.id).collect();
        let records: Vec<&DuesPayment> = mine.iter().map(|p| &p.record).collect();
        let status = dues_status(member.record.joined_on, &bases, &records, year, as_of);
        let base = bases.iter().filter(|b| b.year <= year).max_by_key(|b| b.year).map(|b| (*b).clone());
        out.paid_fen += status.paid_fen;
        out.owed_fen += status.owed_fen;
        out.members.push(MemberDues {
            member: member.id,
            name: member.record.name.clone(),
            base_confirmed: base.as_ref().is_some_and(|b| b.year == year),
            base,
            payments: mine.into_iter().filter(|p| p.record.from <= last && p.record.to >= first).cloned().collect(),
            flag: flags.iter().find(|(m, _)| *m == member.id).map(|(_, text)| text.clone()),
            status,
        });
    }
    Ok(out)
}
