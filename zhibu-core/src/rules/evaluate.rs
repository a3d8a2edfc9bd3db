//! The evaluation: for each branch and a year (up to an `as_of` day), required meetings
//! held vs missing, quorum and vote checks, term status, six-month participation, branch
//! size and volunteer hours. Pure: same ledger, rules and day give the same result.

use super::{Frequency, RuleSet};
use crate::domain::{
    AttendanceSummary, AttendanceTally, BranchCategory, CommitteeTerm, DuesBase, DuesPayment, Fen, Ledger, Meeting,
    MeetingId, MeetingKind, MeetingStatus, Member, MemberId, OrgId, OrgKind, YearMonth, dues_status, yuan,
};
use chrono::{Datelike, Months, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 违规: a rule is broken (a required meeting is missing, a term is overdue).
    Violation,
    /// 预警: something needs action soon or needs checking (term expiring, member inactive).
    Warning,
    /// 提示: worth knowing.
    Notice,
}

impl Severity {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Violation => "违规",
            Self::Warning => "预警",
            Self::Notice => "提示",
        }
    }
}

/// What a finding is about; stable codes for the JSON output and the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// A required meeting was not held in one or more elapsed periods.
    MeetingMissing,
    /// Fewer were present than the quorum requires.
    QuorumNotMet,
    /// A resolution was recorded without enough yes votes to pass.
    MotionNotPassed,
    /// A meeting that needs an attendance list has none.
    AttendanceMissing,
    /// The committee's term ends within the warning window.
    TermExpiring,
    /// The committee's term has ended without a recorded election.
    TermOverdue,
    /// No term or no election date is recorded.
    TermDateMissing,
    /// A member took part in no meeting for the rule's number of months.
    InactiveMember,
    /// Fewer full members than a branch needs.
    BranchTooSmall,
    /// More members than a branch generally has.
    BranchTooLarge,
    /// Enough full members for a committee, but none is recorded.
    CommitteeMissing,
    /// A committee smaller or larger than allowed.
    CommitteeSize,
    /// A meeting record still a draft: it does not count as held until it is finalised.
    MeetingDraft,
    /// A member has paid no dues for the rule's number of ended months.
    DuesUnpaid,
}

/// One thing the rules found, with the clause it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code.
    pub code: FindingCode,
    /// How serious.
    pub severity: Severity,
    /// The finding in Chinese, as a secretary reads it.
    pub message: String,
    /// The clause (`《中国共产党支部工作条例（试行）》第十二条`).
    pub clause: String,
    /// The meeting type concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_kind: Option<MeetingKind>,
    /// The meeting concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting: Option<MeetingId>,
    /// The member concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberId>,
    /// The periods concerned (`2025-03`, `2025-Q2`, `2025`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<String>,
}

/// A period of a meeting requirement and whether a meeting was held in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodMark {
    /// `2025-03`, `2025-Q1` or `2025`; for group meetings prefixed by the group (`第一党小组 2025-03`).
    pub period: String,
    /// Meetings held in the period (final records).
    pub held: u32,
    /// Draft records in the period: not held until finalised, but not missing either (the
    /// draft has its own `meeting_draft` finding).
    #[serde(default)]
    pub drafts: u32,
    /// Whether the period has ended by the `as_of` day (only ended periods can be missing).
    pub elapsed: bool,
}

/// One required meeting type of a branch for the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingTally {
    /// The type.
    pub kind: MeetingKind,
    /// Its Chinese name.
    pub label: String,
    /// How often it is required.
    pub frequency: Frequency,
    /// Periods elapsed by `as_of` (per group, for group meetings): the meetings required so far.
    pub required: u32,
    /// Meetings of the type held in the year up to `as_of`.
    pub held: u32,
    /// Elapsed periods with no meeting.
    pub missing: Vec<String>,
    /// Every period of the year with its count, for the dashboard's grid.
    pub periods: Vec<PeriodMark>,
    /// The clause requiring it.
    pub clause: String,
}

/// The committee term in force on the `as_of` day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermStatus {
    /// 第N届.
    pub number: u32,
    /// Election date, if recorded.
    pub elected_on: Option<NaiveDate>,
    /// Expiry (recorded, or election date + the term length for the branch's category).
    pub ends_on: Option<NaiveDate>,
    /// Committee size (role holders).
    pub committee_size: u32,
}

/// Everything the rules say about one branch for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchCompliance {
    /// The branch.
    pub branch: OrgId,
    /// Its name.
    pub name: String,
    /// Its category.
    pub category: BranchCategory,
    /// Full members on `as_of`.
    pub full_members: u32,
    /// Probationary members on `as_of`.
    pub probationary_members: u32,
    /// Required meeting types with counts.
    pub meetings: Vec<MeetingTally>,
    /// Present / expected over all the branch's meetings in the year up to `as_of`, in percent.
    pub attendance_rate: Option<f64>,
    /// Volunteer activities with a member of the branch taking part, in the year.
    pub volunteer_activities: u32,
    /// Volunteer hours served by the branch's members in the year.
    pub volunteer_hours: f64,
    /// The committee term in force.
    pub term: Option<TermStatus>,
    /// The findings, most serious first.
    pub findings: Vec<Finding>,
}

/// The number in a name like `第十二党小组` or `第3党小组` (`u32::MAX` for a name without one).
fn ordinal(name: &str) -> u32 {
    let Some((_, rest)) = name.split_once('第') else { return u32::MAX };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        return digits.parse().unwrap_or(u32::MAX);
    }
    let numeral = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|d| d as u32);
    let mut value = None::<u32>;
    let mut pending = None::<u32>;
    for c in rest.chars() {
        match (c, numeral(c)) {
            ('十', _) => {
                value = Some(value.unwrap_or(0) + pending.take().unwrap_or(1) * 10);
            }
            ('两', _) => pending = Some(2),
            (_, Some(d)) => pending = Some(d),
            _ => break,
        }
    }
    match (value, pending) {
        (None, None) => u32::MAX,
        (value, pending) => value.unwrap_or(0) + pending.unwrap_or(0),
    }
}

/// The first day the ledger must cover to evaluate `year` (the participation rule looks back).
pub fn needed_from(rules: &RuleSet, year: i32) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    start.checked_sub_months(Months::new(rules.participation.months)).unwrap_or(start)
}

/// Evaluates every branch (or only `only`) for `year`, counting what happened up to `as_of`
/// (clamped to the year's last day). The ledger must cover [`needed_from`]..=year end.
pub fn evaluate(
    ledger: &Ledger,
    rules: &RuleSet,
    year: i32,
    as_of: NaiveDate,
    only: Option<OrgId>,
) -> Vec<BranchCompliance> {
    let year_start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    let as_of = as_of.min(year_end);
    // Built once: per-member lookups below would otherwise rescan every meeting.
    let members: Map<MemberId, &Member> = ledger.members.iter().map(|m| (m.id, &m.record)).collect();
    // The store's compliance read counted attendance already; any other ledger is counted here.
    let counted;
    let attendance = match &ledger.attendance {
        Some(summary) => summary,
        None => {
            counted = AttendanceSummary::of(ledger);
            &counted
        }
    };
    // Each branch's volunteer service, per activity its members served in (hours added in the
    // participants' order), grouped once: every branch would otherwise scan every activity.
    let mut served: Map<OrgId, Vec<(NaiveDate, f64)>> = Map::default();
    for activity in &ledger.volunteer_activities {
        let mut by_branch: Vec<(OrgId, f64)> = Vec::new();
        for participant in &activity.record.participants {
            let Some(member) = members.get(&participant.member) else { continue };
            match by_branch.iter_mut().find(|(b, _)| *b == member.branch) {
                Some((_, hours)) => *hours += participant.hours,
                None => by_branch.push((member.branch, participant.hours)),
            }
        }
        for (branch, hours) in by_branch.into_iter().filter(|&(_, hours)| hours > 0.0) {
            served.entry(branch).or_default().push((activity.record.date, hours));
        }
    }
    // Each member's dues, grouped once: every member's check would otherwise scan every payment.
    let mut dues: Map<MemberId, MemberDues<'_>> = Map::default();
    for base in &ledger.dues_bases {
        dues.entry(base.record.member).or_default().0.push(&base.record);
    }
    for payment in &ledger.dues_payments {
        dues.entry(payment.record.member).or_default().1.push(&payment.record);
    }
    let context = Context {
        ledger,
        rules,
        year,
        year_start,
        as_of,
        ledger_from: needed_from(rules, year),
        presence_until: as_of,
        members,
        attendance,
        served,
        dues,
    };
    // Branches are independent: evaluated across the cores, collected in the ledger's order.
    ledger
        .organizations
        .par_iter()
        .filter(|o| o.record.kind == OrgKind::Branch && only.is_none_or(|id| id == o.id))
        // A branch dissolved before the year has nothing to report for it.
        .filter(|o| o.record.dissolved_on.is_none_or(|d| d >= year_start))
        .map(|o| match o.record.dissolved_on {
            // Dissolved within the year: required up to its last day only.
            Some(day) if day < context.as_of => {
                Context { as_of: day, ..context.clone() }.branch(o.id, &o.record.name, o.record.category)
            }
            _ => context.branch(o.id, &o.record.name, o.record.category),
        })
        .collect()
}

/// What the rules make of one meeting's attendance and votes: the numbers a document prints, so
/// no template recounts them (the same reckoning the compliance check uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingVerdict {
    /// 应到: those counted (members with voting rights; a committee meeting's expected members).
    pub expected: u32,
    /// 实到 of those.
    pub present: u32,
    /// `有表决权的` when only full members count, else empty.
    pub who: &'static str,
    /// Whether those present exceed the share the rules ask.
    pub quorum_met: bool,
    /// The quorum rule in words (`实到有表决权的党员超过应到人数的1/2`).
    pub quorum_rule: String,
    /// The vote rule in words, empty when the type has none.
    pub vote_rule: String,
    /// Per resolution, in order: passed by the vote rule (none when the type has no vote rule).
    pub passed: Vec<Option<bool>>,
    /// The clause.
    pub clause: String,
}

/// The verdict on one meeting over the roster (`None`: no quorum rule for its type, or no
/// attendance recorded).
pub fn meeting_verdict(
    rules: &RuleSet,
    meeting: &Meeting,
    roster: &[crate::domain::Stored<MemberId, Member>],
) -> Option<MeetingVerdict> {
    let ledger = Ledger::default();
    let empty = AttendanceSummary::default();
    let context = Context {
        ledger: &ledger,
        rules,
        year: meeting.date().year(),
        year_start: meeting.date(),
        as_of: meeting.date(),
        ledger_from: meeting.date(),
        presence_until: meeting.date(),
        members: roster.iter().map(|m| (m.id, &m.record)).collect(),
        attendance: &empty,
        served: Map::default(),
        dues: Map::default(),
    };
    context.meeting_verdict(MeetingId(0), meeting)
}

/// The quorum and vote findings for one meeting being edited (the editor shows them live):
/// the same check a compliance run makes, over the roster the meeting's attendance names.
pub fn check_meeting(
    rules: &RuleSet,
    meeting: &Meeting,
    roster: &[crate::domain::Stored<MemberId, Member>],
) -> Vec<Finding> {
    let ledger = Ledger::default();
    let empty = AttendanceSummary::default();
    let year = meeting.date().year();
    let context = Context {
        ledger: &ledger,
        rules,
        year,
        year_start: meeting.date(),
        as_of: meeting.date(),
        ledger_from: meeting.date(),
        presence_until: meeting.date(),
        members: roster.iter().map(|m| (m.id, &m.record)).collect(),
        attendance: &empty,
        served: Map::default(),
        dues: Map::default(),
    };
    let mut findings = Vec::new();
    context.check_meeting(MeetingId(0), meeting, &mut findings);
    findings
}

/// A meeting of the ledger with its id.
type MeetingRef<'a> = (MeetingId, &'a Meeting);

#[derive(Clone)]
struct Context<'a> {
    ledger: &'a Ledger,
    rules: &'a RuleSet,
    year: i32,
    year_start: NaiveDate,
    as_of: NaiveDate,
    ledger_from: NaiveDate,
    /// Presence counts up to this day (the evaluation's day, also for a branch dissolved earlier).
    presence_until: NaiveDate,
    members: Map<MemberId, &'a Member>,
    attendance: &'a AttendanceSummary,
    /// Per branch: (day, hours its members served) of each activity they served in.
    served: Map<OrgId, Vec<(NaiveDate, f64)>>,
    dues: Map<MemberId, MemberDues<'a>>,
}

/// The rules' own lookups: keyed by small ids, hashed many times per branch (SipHash's
/// protection against crafted keys buys nothing here).
type Map<K, V> = rustc_hash::FxHashMap<K, V>;

/// A member's dues bases and payments (any years).
type MemberDues<'a> = (Vec<&'a DuesBase>, Vec<&'a DuesPayment>);

impl Context<'_> {
    fn branch(&self, id: OrgId, name: &str, category: BranchCategory) -> BranchCompliance {
        let members: Vec<_> = self.ledger.members.iter().filter(|m| m.record.branch == id).collect();
        let full = members.iter().filter(|m| m.record.is_full_on(self.as_of)).count() as u32;
        let probationary = members.len() as u32 - full;
        let (meetings, drafts): (Vec<MeetingRef<'_>>, Vec<MeetingRef<'_>>) = self
            .ledger
            .meetings
            .iter()
            .filter(|m| m.record.branch == id && m.record.date() >= self.year_start && m.record.date() <= self.as_of)
            .map(|m| (m.id, &m.record))
            .partition(|(_, m)| m.status == MeetingStatus::Final);
        let term = self.current_term(id);
        let committee_size = term.map_or(0, |t| t.roles.len() as u32);
        let mut groups: Vec<(OrgId, &str)> = self
            .ledger
            .organizations
            .iter()
            .filter(|o| o.record.kind == OrgKind::Group && o.record.parent == Some(id))
            // Periods name the group the way the branch does: `第一党小组`, not the full name.
            .map(|o| (o.id, o.record.name.strip_prefix(name).unwrap_or(&o.record.name)))
            .collect();
        // In the order of their numbers (第二 before 第十), not of the local ids: the committee,
        // numbering the same records its own way, must list them as the branch's PC does.
        groups.sort_by(|a, b| (ordinal(a.1), a.1).cmp(&(ordinal(b.1), b.1)));

        let mut findings = Vec::new();
        let mut tallies = Vec::new();
        for (&kind, rule) in &self.rules.meetings {
            if rule.frequency == Frequency::None
                || (kind == MeetingKind::CommitteeMeeting && committee_size < self.rules.branch_size.committee_min)
                || (kind == MeetingKind::GroupMeeting && groups.is_empty())
            {
                continue;
            }
            let tally = self.tally(kind, rule, &meetings, &drafts, &groups);
            if !tally.missing.is_empty() {
                findings.push(Finding {
                    code: FindingCode::MeetingMissing,
                    severity: Severity::Violation,
                    message: format!(
                        "{}{}年应召开{}次（{}），截至{}实际召开{}次，{}未召开",
                        tally.label,
                        self.year,
                        tally.required,
                        rule.frequency.label(),
                        self.as_of.format("%Y年%-m月%-d日"),
                        tally.held,
                        tally.missing.iter().map(|p| period_label(p)).collect::<Vec<_>>().join("、"),
                    ),
                    clause: rule.clause.clone(),
                    meeting_kind: Some(kind),
                    meeting: None,
                    member: None,
                    periods: tally.missing.clone(),
                });
            }
            tallies.push(tally);
        }
        for &(meeting_id, meeting) in &meetings {
            self.check_meeting(meeting_id, meeting, &mut findings);
        }
        for &(meeting_id, meeting) in &drafts {
            findings.push(Finding {
                code: FindingCode::MeetingDraft,
                severity: Severity::Warning,
                message: format!(
                    "{}{}“{}”尚未定稿，未计入已召开次数",
                    meeting.date().format("%Y年%-m月%-d日"),
                    meeting.kind.label(),
                    meeting.title
                ),
                // The requirement the meeting would count towards.
                clause: self
                    .rules
                    .meetings
                    .get(&meeting.kind)
                    .map(|r| r.clause.clone())
                    .or_else(|| self.rules.quorum.get(&meeting.kind).map(|r| r.clause.clone()))
                    .unwrap_or_else(|| super::ruleset::BRANCH_REGULATIONS.to_owned()),
                meeting_kind: Some(meeting.kind),
                meeting: Some(meeting_id),
                member: None,
                periods: Vec::new(),
            });
        }
        self.check_term(category, term, &mut findings);
        self.check_size(full, members.len() as u32, committee_size, &mut findings);
        for member in &members {
            self.check_participation(
                member.id,
                &member.record,
                self.ledger.records_start.get(&id).copied(),
                &mut findings,
            );
            self.check_dues(member.id, &member.record, &mut findings);
        }
        findings.sort_by(|a, b| a.severity.cmp(&b.severity).then(a.code.cmp(&b.code)));

        let (expected, present) = meetings.iter().fold((0u32, 0u32), |(e, p), &(id, m)| {
            let tally = self.attendance_of(id, m);
            (e + tally.listed, p + tally.present)
        });
        let (mut activities, mut hours) = (0, 0.0);
        for &(date, served) in self.served.get(&id).map_or(&[][..], Vec::as_slice) {
            if date >= self.year_start && date <= self.as_of {
                activities += 1;
                hours += served;
            }
        }
        BranchCompliance {
            branch: id,
            name: name.to_owned(),
            category,
            full_members: full,
            probationary_members: probationary,
            meetings: tallies,
            attendance_rate: (expected > 0).then(|| (f64::from(present) * 1000.0 / f64::from(expected)).round() / 10.0),
            volunteer_activities: activities,
            volunteer_hours: (hours * 10.0).round() / 10.0,
            term: term.map(|t| TermStatus {
                number: t.number,
                elected_on: t.elected_on,
                ends_on: self.term_end(category, t),
                committee_size,
            }),
            findings,
        }
    }

    /// Counts one meeting type per period of the year.
    fn tally(
        &self,
        kind: MeetingKind,
        rule: &super::MeetingRule,
        meetings: &[(MeetingId, &Meeting)],
        drafts: &[(MeetingId, &Meeting)],
        groups: &[(OrgId, &str)],
    ) -> MeetingTally {
        let of_kind: Vec<&Meeting> = meetings.iter().filter(|(_, m)| m.kind == kind).map(|&(_, m)| m).collect();
        let drafts_of_kind: Vec<&Meeting> = drafts.iter().filter(|(_, m)| m.kind == kind).map(|&(_, m)| m).collect();
        let periods = periods_of(self.year, rule.frequency);
        let mut marks = Vec::new();
        // Group meetings are required per group; every other type once per branch.
        let scopes: Vec<(Option<OrgId>, String)> = if kind == MeetingKind::GroupMeeting {
            groups.iter().map(|&(g, name)| (Some(g), format!("{name} "))).collect()
        } else {
            vec![(None, String::new())]
        };
        for (group, prefix) in &scopes {
            for (code, start, end) in &periods {
                let in_period =
                    |m: &&&Meeting| group.is_none_or(|g| m.group == Some(g)) && m.date() >= *start && m.date() <= *end;
                let held = of_kind.iter().filter(in_period).count() as u32;
                let drafts = drafts_of_kind.iter().filter(in_period).count() as u32;
                marks.push(PeriodMark { period: format!("{prefix}{code}"), held, drafts, elapsed: *end <= self.as_of });
            }
        }
        let required = marks.iter().filter(|m| m.elapsed).count() as u32;
        let missing =
            marks.iter().filter(|m| m.elapsed && m.held == 0 && m.drafts == 0).map(|m| m.period.clone()).collect();
        MeetingTally {
            kind,
            label: kind.label().to_owned(),
            frequency: rule.frequency,
            required,
            held: of_kind.len() as u32,
            missing,
            periods: marks,
            clause: rule.clause.clone(),
        }
    }

    fn check_meeting(&self, id: MeetingId, meeting: &Meeting, findings: &mut Vec<Finding>) {
        let Some(rule) = self.rules.quorum.get(&meeting.kind) else { return };
        let date = meeting.date();
        let when = format!("{}{}", date.format("%Y年%-m月%-d日"), meeting.kind.label());
        let finding = |code, severity, message: String| Finding {
            code,
            severity,
            message,
            clause: rule.clause.clone(),
            meeting_kind: Some(meeting.kind),
            meeting: Some(id),
            member: None,
            periods: Vec::new(),
        };
        let Some(verdict) = self.meeting_verdict(id, meeting) else {
            findings.push(finding(
                FindingCode::AttendanceMissing,
                Severity::Warning,
                format!("{when}未记录应到、实到人员，无法核对是否达到法定人数"),
            ));
            return;
        };
        let (expected, present, who) = (verdict.expected, verdict.present, verdict.who);
        if !verdict.quorum_met {
            findings.push(finding(
                FindingCode::QuorumNotMet,
                Severity::Violation,
                format!(
                    "{when}应到{who}{expected}人、实到{present}人，未超过应到人数的{}，会议不能有效召开",
                    rule.present_more_than.label()
                ),
            ));
        }
        if let Some(threshold) = rule.yes_more_than {
            for (resolution, passed) in meeting.resolutions.iter().zip(&verdict.passed) {
                if *passed == Some(false) {
                    findings.push(finding(
                        FindingCode::MotionNotPassed,
                        Severity::Warning,
                        format!(
                            "{when}决议“{}”赞成{}票，未超过应到{who}{expected}人的{}，不能视为通过",
                            resolution.text.chars().take(30).collect::<String>(),
                            resolution.votes.yes,
                            threshold.label()
                        ),
                    ));
                }
            }
        }
    }

    /// The meeting's attendance counts: the ledger's summary, or counted from its rows (a meeting
    /// checked on its own, which the summary does not hold).
    fn attendance_of(&self, id: MeetingId, meeting: &Meeting) -> AttendanceTally {
        self.attendance.tallies.get(&id).copied().unwrap_or_else(|| AttendanceTally::of(meeting, &self.members))
    }

    /// What the rules make of a meeting's attendance and votes; none when the type has no quorum
    /// rule or no attendance was recorded.
    fn meeting_verdict(&self, id: MeetingId, meeting: &Meeting) -> Option<MeetingVerdict> {
        let rule = self.rules.quorum.get(&meeting.kind)?;
        let tally = self.attendance_of(id, meeting);
        if tally.listed == 0 {
            return None;
        }
        // General meetings and elections count members with voting rights (full members);
        // a committee meeting counts the committee members expected.
        let voting_only = meeting.kind != MeetingKind::CommitteeMeeting;
        let (expected, present) =
            if voting_only { (tally.voting_listed, tally.voting_present) } else { (tally.listed, tally.present) };
        let who = if voting_only { "有表决权的" } else { "" };
        let passed = meeting
            .resolutions
            .iter()
            .map(|r| rule.yes_more_than.map(|threshold| threshold.exceeded_by(r.votes.yes, expected)))
            .collect();
        Some(MeetingVerdict {
            expected,
            present,
            who,
            quorum_met: rule.present_more_than.exceeded_by(present, expected),
            quorum_rule: format!("实到{who}党员超过应到人数的{}", rule.present_more_than.label()),
            vote_rule: rule
                .yes_more_than
                .map(|t| format!("赞成票超过应到{who}党员的{}", t.label()))
                .unwrap_or_default(),
            passed,
            clause: rule.clause.clone(),
        })
    }

    /// The latest term in force on `as_of`: elected on or before it (or undated) and not closed.
    fn current_term(&self, org: OrgId) -> Option<&CommitteeTerm> {
        self.ledger
            .terms
            .iter()
            .map(|t| &t.record)
            .filter(|t| t.org == org && t.in_force_on(self.as_of))
            .max_by_key(|t| t.number)
    }

    fn term_end(&self, category: BranchCategory, term: &CommitteeTerm) -> Option<NaiveDate> {
        term.ends_on.or_else(|| {
            let years = self.rules.term_years(category);
            term.elected_on.and_then(|d| d.checked_add_months(Months::new(years * 12)))
        })
    }

    fn check_term(&self, category: BranchCategory, term: Option<&CommitteeTerm>, findings: &mut Vec<Finding>) {
        let rule = &self.rules.terms;
        let finding = |code, severity, message: String| Finding {
            code,
            severity,
            message,
            clause: rule.clause.clone(),
            meeting_kind: Some(MeetingKind::TermChange),
            meeting: None,
            member: None,
            periods: Vec::new(),
        };
        let Some(term) = term else {
            findings.push(finding(
                FindingCode::TermDateMissing,
                Severity::Warning,
                "未录入支部委员会（书记）的届次和选举日期".to_owned(),
            ));
            return;
        };
        let Some(end) = self.term_end(category, term) else {
            findings.push(finding(
                FindingCode::TermDateMissing,
                Severity::Warning,
                format!("第{}届支部委员会未录入选举（任职）日期，无法计算届满时间", term.number),
            ));
            return;
        };
        let end_text = end.format("%Y年%-m月%-d日");
        if self.as_of >= end {
            let months = months_between(end, self.as_of);
            findings.push(finding(
                FindingCode::TermOverdue,
                Severity::Violation,
                format!("第{}届支部委员会已于{end_text}届满，超期{months}个月未换届，应及时按期换届", term.number),
            ));
            return;
        }
        let mut windows = rule.warn_months.clone();
        windows.sort_unstable();
        if let Some(&months) =
            windows.iter().find(|&&m| end.checked_sub_months(Months::new(m)).is_some_and(|start| self.as_of >= start))
        {
            let severity = if months <= 3 { Severity::Warning } else { Severity::Notice };
            findings.push(finding(
                FindingCode::TermExpiring,
                severity,
                format!("第{}届支部委员会将于{end_text}届满（不足{months}个月），请做好换届准备", term.number),
            ));
        }
    }

    fn check_size(&self, full: u32, total: u32, committee: u32, findings: &mut Vec<Finding>) {
        let rule = &self.rules.branch_size;
        let mut push = |code, severity, message: String| {
            findings.push(Finding {
                code,
                severity,
                message,
                clause: rule.clause.clone(),
                meeting_kind: None,
                meeting: None,
                member: None,
                periods: Vec::new(),
            });
        };
        if full < rule.min_full_members {
            push(
                FindingCode::BranchTooSmall,
                Severity::Violation,
                format!("正式党员{full}名，少于成立党支部所需的{}名", rule.min_full_members),
            );
        }
        if total > rule.max_members {
            push(
                FindingCode::BranchTooLarge,
                Severity::Notice,
                format!("党员{total}名，超过{}名，可考虑分设党支部或设立党总支", rule.max_members),
            );
        }
        if full >= rule.committee_from_full_members && committee < rule.committee_min {
            push(
                FindingCode::CommitteeMissing,
                Severity::Warning,
                format!(
                    "正式党员{full}名（{}名以上），应设立支部委员会，现有委员{committee}名",
                    rule.committee_from_full_members
                ),
            );
        } else if committee > rule.committee_max {
            push(
                FindingCode::CommitteeSize,
                Severity::Warning,
                format!("支部委员会{committee}人，超过{}人", rule.committee_max),
            );
        }
    }

    /// Flags (never decides) a run of at least `months` ended months without dues, reaching into
    /// the year, for a member whose dues bases are recorded.
    fn check_dues(&self, id: MemberId, member: &Member, findings: &mut Vec<Finding>) {
        let rule = &self.rules.dues;
        let Some((bases, payments)) = self.dues.get(&id) else { return };
        if bases.is_empty() {
            return;
        }
        let status = dues_status(member.joined_on, bases, payments, self.year, self.as_of);
        let run = &status.unpaid_run;
        let (Some(first), Some(last)) = (run.first(), run.last()) else { return };
        if (run.len() as u32) < rule.months {
            return;
        }
        let owed: Fen = run
            .iter()
            .map(|m| bases.iter().filter(|b| b.year <= m.year).max_by_key(|b| b.year).map_or(0, |b| b.monthly))
            .sum();
        findings.push(Finding {
            code: FindingCode::DuesUnpaid,
            severity: Severity::Warning,
            message: if last.next() >= YearMonth::of(self.as_of) {
                format!(
                    "{}自{}起已连续{}个月未交纳党费（欠缴{}元），请核实原因",
                    member.name,
                    first.label(),
                    run.len(),
                    yuan(owed)
                )
            } else {
                format!(
                    "{}自{}至{}连续{}个月未交纳党费（欠缴{}元），请核实原因",
                    member.name,
                    first.label(),
                    last.label(),
                    run.len(),
                    yuan(owed)
                )
            },
            clause: rule.clause.clone(),
            meeting_kind: None,
            meeting: None,
            member: Some(id),
            periods: run.iter().map(|m| m.to_string()).collect(),
        });
    }

    /// Flags (never decides) the longest stretch of at least `months` months in which the
    /// member took part in no meeting, when that stretch reaches into the year.
    fn check_participation(
        &self,
        id: MemberId,
        member: &Member,
        records_start: Option<NaiveDate>,
        findings: &mut Vec<Finding>,
    ) {
        let rule = &self.rules.participation;
        let months = Months::new(rule.months);
        let dates = self.attendance.presence.get(&id).map_or(&[][..], Vec::as_slice);
        let counted = dates.partition_point(|&d| d <= self.presence_until);
        let dates = &dates[..counted];
        // Nothing is known before the branch's records start: no stretch is counted from before it.
        let Some(records_start) = records_start else { return };
        let mut previous = member.joined_on.max(self.ledger_from).max(records_start);
        let mut worst: Option<(NaiveDate, Option<NaiveDate>)> = None;
        let ends = dates.iter().map(|&d| (d, Some(d))).chain(std::iter::once((self.as_of, None)));
        for (end, next) in ends {
            let long = previous.checked_add_months(months).is_some_and(|limit| end >= limit);
            if long && end >= self.year_start {
                let longer = worst.is_none_or(|(start, stop)| {
                    months_between(previous, end) > months_between(start, stop.unwrap_or(self.as_of))
                });
                if longer {
                    worst = Some((previous, next));
                }
            }
            previous = previous.max(end);
        }
        let Some((start, stop)) = worst else { return };
        let message = match stop {
            Some(stop) => format!(
                "{}自{}至{}连续{}个月未参加组织生活，请核实原因",
                member.name,
                start.format("%Y年%-m月%-d日"),
                stop.format("%Y年%-m月%-d日"),
                months_between(start, stop)
            ),
            None => format!(
                "{}自{}起已连续{}个月未参加组织生活，请核实原因",
                member.name,
                start.format("%Y年%-m月%-d日"),
                months_between(start, self.as_of)
            ),
        };
        findings.push(Finding {
            code: FindingCode::InactiveMember,
            severity: Severity::Warning,
            message,
            clause: rule.clause.clone(),
            meeting_kind: None,
            meeting: None,
            member: Some(id),
            periods: Vec::new(),
        });
    }
}

/// Whole months from `from` to `to` (a month counts once its day is reached).
fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        months -= 1;
    }
    months.max(0) as u32
}

/// The periods of `year` for a frequency: (code, first day, last day).
fn periods_of(year: i32, frequency: Frequency) -> Vec<(String, NaiveDate, NaiveDate)> {
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).unwrap_or(NaiveDate::MIN);
    let month_end = |m: u32| {
        if m == 12 { day(12, 31) } else { day(m + 1, 1).pred_opt().unwrap_or(NaiveDate::MIN) }
    };
    match frequency {
        Frequency::Monthly => (1..=12).map(|m| (format!("{year}-{m:02}"), day(m, 1), month_end(m))).collect(),
        Frequency::Quarterly => {
            (1..=4).map(|q| (format!("{year}-Q{q}"), day(q * 3 - 2, 1), month_end(q * 3))).collect()
        }
        Frequency::Yearly => vec![(year.to_string(), day(1, 1), day(12, 31))],
        Frequency::None => Vec::new(),
    }
}

/// `2025-03` → `3月`, `2025-Q2` → `第二季度`, `2025` → `全年`; a group prefix is kept.
fn period_label(code: &str) -> String {
    let (prefix, code) = code.rsplit_once(' ').map_or(("", code), |(p, c)| (p, c));
    let label = match code.split_once('-') {
        Some((_, q)) if q.starts_with('Q') => {
            let n = ["一", "二", "三", "四"];
            let index = q[1..].parse::<usize>().unwrap_or(1).clamp(1, 4) - 1;
            format!("第{}季度", n[index])
        }
        Some((_, m)) => format!("{}月", m.trim_start_matches('0')),
        None => "全年".to_owned(),
    };
    format!("{prefix}{label}")
}
