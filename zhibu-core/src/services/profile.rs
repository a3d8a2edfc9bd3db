//! A member's year as the 民主评议 form shows it beside the grade: attendance at the meetings the
//! member was expected at (final records only, up to the day), the meetings missed with their
//! dates, volunteer hours, dues, and the compliance flags on the member; and the grade the rules
//! suggest from the ballots and those flags. Pure over records already loaded, so the window
//! computes it from what it shows and the command line from a ledger.

use super::ServiceError;
use crate::domain::{
    ActivityId, AppraisalVotes, DuesBase, DuesBaseId, DuesPayment, DuesStatus, Meeting, MeetingId, MeetingStatus,
    Member, MemberId, OrgId, PaymentId, Presence, Stored, VolunteerActivity, dues_status,
};
use crate::rules::{Finding, FindingCode, RuleSet, Suggestion, evaluate, needed_from, suggest};
use crate::store::Store;
use chrono::{Datelike, NaiveDate};

/// A meeting the member was expected at and did not attend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missed {
    /// The meeting.
    pub meeting: MeetingId,
    /// Its day.
    pub date: NaiveDate,
    /// Its title.
    pub title: String,
    /// `请假` or `缺席`, with the reason when one was recorded.
    pub why: String,
}

/// One member's year.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberProfile {
    /// The member.
    pub member: MemberId,
    /// Final meetings of the year (up to the day) the member was expected at.
    pub expected: u32,
    /// Of those, attended.
    pub present: u32,
    /// The others, oldest first.
    pub missed: Vec<Missed>,
    /// Volunteer activities of the year the member served in.
    pub activities: u32,
    /// Their hours.
    pub hours: f64,
    /// Dues for the year.
    pub dues: DuesStatus,
    /// The compliance findings on the member (six months inactive, dues unpaid).
    pub flags: Vec<Finding>,
}

impl MemberProfile {
    /// Attendance in percent, when the member was expected anywhere.
    pub fn attendance_rate(&self) -> Option<f64> {
        (self.expected > 0).then(|| f64::from(self.present) * 100.0 / f64::from(self.expected))
    }

    /// The grade the rules suggest for these ballots and this year.
    pub fn suggest(&self, votes: &AppraisalVotes, rules: &RuleSet) -> Suggestion {
        let flags: Vec<&Finding> = self.flags.iter().collect();
        suggest(votes, &flags, &rules.appraisal)
    }
}

/// The records of a year a profile is made from.
pub struct YearRecords<'a> {
    /// The year.
    pub year: i32,
    /// The day counted up to.
    pub as_of: NaiveDate,
    /// Meetings (at least the year's, with attendance).
    pub meetings: &'a [Stored<MeetingId, Meeting>],
    /// Volunteer activities (at least the year's).
    pub activities: &'a [Stored<ActivityId, VolunteerActivity>],
    /// Dues bases, any years.
    pub dues_bases: &'a [Stored<DuesBaseId, DuesBase>],
    /// Dues payments, any years.
    pub dues_payments: &'a [Stored<PaymentId, DuesPayment>],
    /// Compliance findings of the member's branch for the year.
    pub findings: &'a [Finding],
}

/// `member`'s year from `records`.
pub fn profile(id: MemberId, member: &Member, records: &YearRecords<'_>) -> MemberProfile {
    let in_year = |date: NaiveDate| date.year() == records.year && date <= records.as_of;
    let mut out = MemberProfile {
        member: id,
        expected: 0,
        present: 0,
        missed: Vec::new(),
        activities: 0,
        hours: 0.0,
        dues: DuesStatus::default(),
        flags: Vec::new(),
    };
    for meeting in
        records.meetings.iter().filter(|m| m.record.status == MeetingStatus::Final && in_year(m.record.date()))
    {
        let Some(entry) = meeting.record.attendance.iter().find(|a| a.member == id) else { continue };
        out.expected += 1;
        let why = match &entry.presence {
            Presence::Present => {
                out.present += 1;
                continue;
            }
            Presence::OnLeave { reason } if reason.trim().is_empty() => "请假".to_owned(),
            Presence::OnLeave { reason } => format!("请假（{}）", reason.trim()),
            Presence::Absent { reason } if reason.trim().is_empty() => "缺席".to_owned(),
            Presence::Absent { reason } => format!("缺席（{}）", reason.trim()),
        };
        out.missed.push(Missed {
            meeting: meeting.id,
            date: meeting.record.date(),
            title: meeting.record.title.clone(),
            why,
        });
    }
    out.missed.sort_by_key(|m| m.date);
    for activity in records.activities.iter().filter(|a| in_year(a.record.date)) {
        if let Some(p) = activity.record.participants.iter().find(|p| p.member == id) {
            out.activities += 1;
            out.hours += p.hours;
        }
    }
    let bases: Vec<&DuesBase> =
        records.dues_bases.iter().filter(|b| b.record.member == id).map(|b| &b.record).collect();
    let payments: Vec<&DuesPayment> =
        records.dues_payments.iter().filter(|p| p.record.member == id).map(|p| &p.record).collect();
    out.dues = dues_status(member.joined_on, &bases, &payments, records.year, records.as_of);
    out.flags = records
        .findings
        .iter()
        .filter(|f| f.member == Some(id) && matches!(f.code, FindingCode::InactiveMember | FindingCode::DuesUnpaid))
        .cloned()
        .collect();
    out
}

/// Every member of `branch` with their year, from the store (one ledger, one evaluation).
pub fn branch_profiles(
    store: &Store,
    rules: &RuleSet,
    branch: OrgId,
    year: i32,
    as_of: NaiveDate,
) -> Result<Vec<(String, MemberProfile)>, ServiceError> {
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    let ledger = store.ledger_for(needed_from(rules, year), year_end, Some(branch))?;
    let findings: Vec<Finding> =
        evaluate(&ledger, rules, year, as_of, Some(branch)).into_iter().flat_map(|b| b.findings).collect();
    let records = YearRecords {
        year,
        as_of,
        meetings: &ledger.meetings,
        activities: &ledger.volunteer_activities,
        dues_bases: &ledger.dues_bases,
        dues_payments: &ledger.dues_payments,
        findings: &findings,
    };
    Ok(ledger
        .members
        .iter()
        .filter(|m| m.record.branch == branch)
        .map(|m| (m.record.name.clone(), profile(m.id, &m.record, &records)))
        .collect())
}

/// The suggestion for `appraisal`'s ballots and its member's year as of `as_of` (the year's end
/// at most), for a front end that records appraisals without showing the form (the command line).
pub fn suggestion_for(
    store: &Store,
    rules: &RuleSet,
    appraisal: &crate::domain::MemberAppraisal,
    as_of: NaiveDate,
) -> Result<Suggestion, ServiceError> {
    let member = store.member(appraisal.member)?;
    let year_end = NaiveDate::from_ymd_opt(appraisal.year, 12, 31).unwrap_or(NaiveDate::MAX);
    let profiles = branch_profiles(store, rules, member.branch, appraisal.year, as_of.min(year_end))?;
    let flags: Vec<Finding> =
        profiles.into_iter().find(|(_, p)| p.member == appraisal.member).map(|(_, p)| p.flags).unwrap_or_default();
    let flags: Vec<&Finding> = flags.iter().collect();
    Ok(suggest(&appraisal.votes, &flags, &rules.appraisal))
}
