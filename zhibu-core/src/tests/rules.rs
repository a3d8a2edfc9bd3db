//! The rules on hand-built cases at each boundary of NORMS.md.

use crate::domain::{CommitteeRole, CommitteeTerm, MeetingKind, MemberId, RoleAssignment};
use crate::fixtures::{Fixture, day, meeting};
use crate::rules::{BranchCompliance, FindingCode, RuleSet, Severity, evaluate, needed_from};

/// The branch's result, evaluated twice: from every attendance row (counted by the rules) and
/// from the store's compliance read (its kept summaries); both must agree on every case here.
fn run(fx: &Fixture, year: i32, as_of: chrono::NaiveDate) -> BranchCompliance {
    let rules = RuleSet::default();
    let mut ledger = fx.store.ledger(needed_from(&rules, year), day(year, 12, 31)).unwrap();
    ledger.attendance = None;
    let mut result = evaluate(&ledger, &rules, year, as_of, Some(fx.branch));
    let summarised = fx.store.compliance_ledger(year, needed_from(&rules, year), Some(fx.branch)).unwrap();
    assert_eq!(evaluate(&summarised, &rules, year, as_of, Some(fx.branch)), result);
    assert_eq!(result.len(), 1);
    result.remove(0)
}

fn codes(result: &BranchCompliance) -> Vec<FindingCode> {
    result.findings.iter().map(|f| f.code).collect()
}

fn add_term(fx: &mut Fixture, elected_on: chrono::NaiveDate, committee: &[MemberId]) {
    let roles = [
        CommitteeRole::Secretary,
        CommitteeRole::DeputySecretary,
        CommitteeRole::OrganizationOfficer,
        CommitteeRole::PublicityOfficer,
    ];
    let term = CommitteeTerm {
        org: fx.branch,
        number: 2,
        elected_on: Some(elected_on),
        ends_on: None,
        closed_on: None,
        roles: committee.iter().zip(roles).map(|(&member, role)| RoleAssignment { member, role }).collect(),
    };
    fx.store.write(|w| w.create_term(&term)).unwrap();
}

#[test]
fn a_quarter_without_a_general_meeting_is_missing_with_its_clause() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(4).unwrap();
    let branch = fx.branch;
    fx.store
        .write(|w| {
            for month in [2, 5, 11] {
                w.create_meeting(&meeting(branch, MeetingKind::GeneralMeeting, day(2025, month, 10), &ids, 4))?;
            }
            Ok::<_, crate::store::StoreError>(())
        })
        .unwrap();
    let result = run(&fx, 2025, day(2025, 12, 31));
    let tally = result.meetings.iter().find(|t| t.kind == MeetingKind::GeneralMeeting).unwrap();
    assert_eq!((tally.required, tally.held), (4, 3));
    assert_eq!(tally.missing, vec!["2025-Q3".to_owned()]);
    let finding = result.findings.iter().find(|f| f.meeting_kind == Some(MeetingKind::GeneralMeeting)).unwrap();
    assert_eq!(finding.code, FindingCode::MeetingMissing);
    assert_eq!(finding.severity, Severity::Violation);
    assert!(finding.message.contains("第三季度未召开"), "{}", finding.message);
    assert_eq!(finding.clause, "《中国共产党支部工作条例（试行）》第十一条");

    // Mid-year, only the quarters that have ended can be missing.
    let early = run(&fx, 2025, day(2025, 8, 15));
    let tally = early.meetings.iter().find(|t| t.kind == MeetingKind::GeneralMeeting).unwrap();
    assert_eq!((tally.required, tally.held), (2, 2));
    assert!(tally.missing.is_empty());
}

#[test]
fn a_committee_meeting_at_exactly_half_has_no_quorum() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(8).unwrap();
    add_term(&mut fx, day(2024, 3, 1), &ids[..4]);
    let branch = fx.branch;
    let committee = ids[..4].to_vec();
    let (half, more) = fx
        .store
        .write(|w| {
            let half =
                w.create_meeting(&meeting(branch, MeetingKind::CommitteeMeeting, day(2025, 3, 5), &committee, 2))?;
            let more =
                w.create_meeting(&meeting(branch, MeetingKind::CommitteeMeeting, day(2025, 4, 5), &committee, 3))?;
            Ok::<_, crate::store::StoreError>((half, more))
        })
        .unwrap();
    let result = run(&fx, 2025, day(2025, 12, 31));
    let quorum: Vec<_> = result.findings.iter().filter(|f| f.code == FindingCode::QuorumNotMet).collect();
    assert_eq!(quorum.len(), 1, "{:?}", codes(&result));
    assert_eq!(quorum[0].meeting, Some(half));
    assert!(quorum[0].message.contains("应到4人、实到2人，未超过应到人数的半数"), "{}", quorum[0].message);
    assert!(result.findings.iter().all(|f| f.meeting != Some(more)));
    // With a committee of four, monthly committee meetings are required.
    assert!(result.meetings.iter().any(|t| t.kind == MeetingKind::CommitteeMeeting));
}

#[test]
fn a_general_meeting_counts_only_members_with_voting_rights() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(4).unwrap();
    // A probationary member may attend but neither counts towards the quorum nor votes.
    let mut probationary = crate::fixtures::member(fx.branch, 20);
    probationary.status = crate::domain::MemberStatus::Probationary;
    probationary.confirmed_on = None;
    let extra = fx.store.write(|w| w.create_member(&probationary)).unwrap();
    let mut expected = ids.clone();
    expected.insert(0, extra);
    let mut record = meeting(fx.branch, MeetingKind::GeneralMeeting, day(2025, 6, 1), &expected, 3);
    record.resolutions = vec![crate::domain::Resolution {
        text: "同意接收预备党员".into(),
        votes: crate::domain::Votes { yes: 2, no: 0, abstain: 0 },
    }];
    fx.store.write(|w| w.create_meeting(&record)).unwrap();
    let result = run(&fx, 2025, day(2025, 12, 31));
    // Present with voting rights: 2 of 4. Not more than half: no quorum, and 2 yes votes do not pass.
    let quorum = result.findings.iter().find(|f| f.code == FindingCode::QuorumNotMet).unwrap();
    assert!(quorum.message.contains("应到有表决权的4人、实到2人"), "{}", quorum.message);
    assert!(codes(&result).contains(&FindingCode::MotionNotPassed));
}

#[test]
fn term_warnings_start_six_months_before_expiry() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(3).unwrap();
    // A community branch: five-year term, so 2021-07-01 expires 2026-07-01.
    add_term(&mut fx, day(2021, 7, 1), &ids[..1]);
    let term_findings = |result: &BranchCompliance| {
        result
            .findings
            .iter()
            .filter(|f| matches!(f.code, FindingCode::TermExpiring | FindingCode::TermOverdue))
            .map(|f| (f.code, f.severity))
            .collect::<Vec<_>>()
    };
    assert_eq!(term_findings(&run(&fx, 2025, day(2025, 12, 31))), vec![]);
    assert_eq!(term_findings(&run(&fx, 2026, day(2026, 1, 1))), vec![(FindingCode::TermExpiring, Severity::Notice)]);
    assert_eq!(term_findings(&run(&fx, 2026, day(2026, 3, 31))), vec![(FindingCode::TermExpiring, Severity::Notice)]);
    assert_eq!(term_findings(&run(&fx, 2026, day(2026, 4, 1))), vec![(FindingCode::TermExpiring, Severity::Warning)]);
    assert_eq!(term_findings(&run(&fx, 2026, day(2026, 7, 1))), vec![(FindingCode::TermOverdue, Severity::Violation)]);
    let result = run(&fx, 2026, day(2026, 1, 1));
    let finding = result.findings.iter().find(|f| f.code == FindingCode::TermExpiring).unwrap();
    assert!(finding.message.contains("2026年7月1日届满（不足6个月）"), "{}", finding.message);
    assert_eq!(result.term.as_ref().and_then(|t| t.ends_on), Some(day(2026, 7, 1)));
}

#[test]
fn a_missing_term_or_election_date_is_flagged() {
    let mut fx = Fixture::new().unwrap();
    fx.add_members(3).unwrap();
    assert!(codes(&run(&fx, 2025, day(2025, 12, 31))).contains(&FindingCode::TermDateMissing));
    let term = CommitteeTerm {
        org: fx.branch,
        number: 1,
        elected_on: None,
        ends_on: None,
        closed_on: None,
        roles: Vec::new(),
    };
    fx.store.write(|w| w.create_term(&term)).unwrap();
    let result = run(&fx, 2025, day(2025, 12, 31));
    let finding = result.findings.iter().find(|f| f.code == FindingCode::TermDateMissing).unwrap();
    assert!(finding.message.contains("未录入选举（任职）日期"), "{}", finding.message);
}

#[test]
fn a_member_absent_six_months_is_flagged_not_before() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(4).unwrap();
    let (absent, others) = (ids[0], ids[1..].to_vec());
    let branch = fx.branch;
    fx.store
        .write(|w| {
            // The absentee takes part in December and January, then nothing.
            for (y, m) in [(2024, 12), (2025, 1)] {
                w.create_meeting(&meeting(branch, MeetingKind::ThemeDay, day(y, m, 10), &ids, 4))?;
            }
            for (y, m) in
                [(2024, 7), (2024, 8), (2024, 9), (2024, 10), (2024, 11)].into_iter().chain((2..=12).map(|m| (2025, m)))
            {
                w.create_meeting(&meeting(branch, MeetingKind::ThemeDay, day(y, m, 10), &others, 3))?;
            }
            Ok::<_, crate::store::StoreError>(())
        })
        .unwrap();
    let flagged = |as_of| {
        run(&fx, 2025, as_of).findings.into_iter().filter(|f| f.code == FindingCode::InactiveMember).collect::<Vec<_>>()
    };
    assert!(flagged(day(2025, 7, 9)).is_empty(), "five months and 29 days is not six months");
    let at_six = flagged(day(2025, 7, 10));
    assert_eq!(at_six.len(), 1);
    assert_eq!(at_six[0].member, Some(absent));
    assert_eq!(at_six[0].clause, "《中国共产党章程》第九条");
    assert!(
        at_six[0].message.contains("自2025年1月10日起已连续6个月未参加组织生活，请核实原因"),
        "{}",
        at_six[0].message
    );
    assert_eq!(at_six[0].severity, Severity::Warning, "flagged for checking, never decided");
}

#[test]
fn a_local_rule_file_changes_the_requirements() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(3).unwrap();
    let branch = fx.branch;
    fx.store
        .write(|w| w.create_meeting(&meeting(branch, MeetingKind::PartyLecture, day(2025, 2, 10), &ids, 3)))
        .unwrap();
    let file = fx.dir.path().join("rules.toml");
    std::fs::write(&file, "version = \"东湖2026\"\n[meetings.party_lecture]\nfrequency = \"yearly\"\n").unwrap();
    let rules = RuleSet::load(&file).unwrap();
    let ledger = fx.store.ledger(needed_from(&rules, 2025), day(2025, 12, 31)).unwrap();
    let result = &evaluate(&ledger, &rules, 2025, day(2025, 12, 31), None)[0];
    let tally = result.meetings.iter().find(|t| t.kind == MeetingKind::PartyLecture).unwrap();
    assert_eq!((tally.required, tally.held, tally.missing.len()), (1, 1, 0));
    assert_eq!(rules.version, "zhibu-default-2026.1+东湖2026");

    std::fs::write(&file, "[meetings.party_lecture]\nfrequncy = \"yearly\"\n").unwrap();
    let err = RuleSet::load(&file).unwrap_err();
    assert!(err.to_string().starts_with("规则文件格式有误"), "{err}");
}

#[test]
fn groups_are_listed_by_their_number_whatever_order_they_were_entered_in() {
    let mut fx = Fixture::new().unwrap();
    fx.add_members(3).unwrap();
    let branch = fx.branch;
    for name in ["第十党小组", "第二党小组", "第十一党小组", "第3党小组", "老干部党小组"] {
        let group = crate::fixtures::org(Some(branch), crate::domain::OrgKind::Group, name);
        fx.store.write(|w| w.create_organization(&group)).unwrap();
    }
    let result = run(&fx, 2025, day(2025, 2, 1));
    let tally = result.meetings.iter().find(|t| t.kind == MeetingKind::GroupMeeting).unwrap();
    let january: Vec<&str> = tally.periods.iter().filter_map(|p| p.period.strip_suffix(" 2025-01")).collect();
    assert_eq!(january, ["第二党小组", "第3党小组", "第十党小组", "第十一党小组", "老干部党小组"]);
}
