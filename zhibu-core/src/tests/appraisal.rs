//! 民主评议党员 as it is run: the suggestion from the 民主测评 ballots at each share's boundary, held
//! back by the year's flags; a decision against it needs a reason; and a member's profile equals
//! the figures counted independently from the same records.

use crate::domain::{
    AppraisalGrade, AppraisalVotes, DuesBase, DuesCategory, DuesPayment, DuesRates, MeetingKind, MeetingStatus,
    MemberAppraisal, Participant, PaymentMethod, Presence, VolunteerActivity, VolunteerCategory, YearMonth,
};
use crate::fixtures::{Fixture, day, meeting};
use crate::rules::{Finding, FindingCode, RuleSet, Severity, suggest};
use crate::services::profile::branch_profiles;

fn votes(outstanding: u32, qualified: u32, basically_qualified: u32, unqualified: u32) -> AppraisalVotes {
    AppraisalVotes { outstanding, qualified, basically_qualified, unqualified }
}

#[test]
fn the_suggestion_follows_the_ballot_shares_at_each_boundary() {
    let rule = RuleSet::default().appraisal;
    let grade = |v: AppraisalVotes| suggest(&v, &[], &rule).grade;
    // 优秀 above half of the valid ballots.
    assert_eq!(grade(votes(6, 5, 0, 0)), AppraisalGrade::Outstanding);
    assert_eq!(grade(votes(5, 5, 0, 0)), AppraisalGrade::Qualified, "exactly half is not above half");
    // 基本合格 + 不合格 above a third.
    assert_eq!(grade(votes(0, 8, 4, 0)), AppraisalGrade::Qualified, "exactly a third");
    assert_eq!(grade(votes(0, 7, 3, 2)), AppraisalGrade::BasicallyQualified);
    // 不合格 above a third comes first.
    assert_eq!(grade(votes(0, 7, 0, 5)), AppraisalGrade::Unqualified);
    assert_eq!(grade(votes(7, 1, 0, 4)), AppraisalGrade::Outstanding, "4 of 12 is a third, not more: 优秀 decides");
    let reasons = suggest(&votes(6, 5, 0, 0), &[], &rule).reasons;
    assert_eq!(reasons, vec!["“优秀”票6张，占54.5%，超过半数".to_owned()]);
    // A flag on the year holds a better grade back to 基本合格, and says why.
    let flag = Finding {
        code: FindingCode::DuesUnpaid,
        severity: Severity::Warning,
        message: "党员1自2025年3月起已连续6个月未交纳党费（欠缴120.00元），请核实原因".into(),
        clause: "《中国共产党章程》第九条".into(),
        meeting_kind: None,
        meeting: None,
        member: None,
        periods: Vec::new(),
    };
    let held = suggest(&votes(9, 1, 0, 0), &[&flag], &rule);
    assert_eq!(held.grade, AppraisalGrade::BasicallyQualified);
    assert!(held.reasons[1].starts_with("党员1自2025年3月起已连续6个月未交纳党费"), "{:?}", held.reasons);
    assert_eq!(suggest(&votes(0, 0, 0, 0), &[], &rule).grade, AppraisalGrade::Qualified);
}

#[test]
fn a_decision_against_the_suggestion_needs_its_reason() {
    let mut fx = Fixture::new().unwrap();
    let m = fx.add_members(1).unwrap()[0];
    let mut appraisal = MemberAppraisal {
        year: 2025,
        member: m,
        self_assessment: "按时参加组织生活。".into(),
        votes: votes(3, 7, 0, 0),
        grade: AppraisalGrade::Outstanding,
        suggested: Some(AppraisalGrade::Qualified),
        reason: String::new(),
    };
    let error = fx.store.write(|w| w.create_appraisal(&appraisal)).unwrap_err();
    assert_eq!(error.to_string(), "评定理由评定为“优秀”与建议的“合格”不同，须写明理由：（空）");
    appraisal.reason = "牵头组建小区平安巡逻队，获街道表彰。".into();
    let id = fx.store.write(|w| w.create_appraisal(&appraisal)).unwrap();
    let stored = fx.store.appraisals(2025).unwrap();
    assert_eq!(stored[0].id, id);
    assert_eq!(stored[0].record, appraisal, "ballots, suggestion and reason are kept");
}

#[test]
fn a_members_profile_equals_the_figures_counted_from_the_records() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(4).unwrap();
    let branch = fx.branch;
    // Eight meetings in 2025: member 3 is present at the first two, then on leave (and one is a
    // draft, which does not count); one meeting in 2024 does not count either.
    let mut meetings = Vec::new();
    for month in 1..=8u32 {
        let present = if month <= 2 { 4 } else { 3 };
        let mut m = meeting(branch, MeetingKind::CommitteeMeeting, day(2025, month, 10), &ids, present);
        if month == 5 {
            m.attendance[3].presence = Presence::Absent { reason: String::new() };
        }
        if month == 8 {
            m.status = MeetingStatus::Draft;
        }
        meetings.push(m);
    }
    meetings.push(meeting(branch, MeetingKind::CommitteeMeeting, day(2024, 12, 10), &ids, 0));
    let activity = |date, hours: &[f64]| VolunteerActivity {
        title: "小区环境整治".into(),
        category: VolunteerCategory::CleanUp,
        date,
        starts: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        ends: chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        place: "金山小区".into(),
        organiser: "金山社区党支部".into(),
        organiser_org: Some(branch),
        description: String::new(),
        participants: ids.iter().zip(hours).map(|(&member, &hours)| Participant { member, hours }).collect(),
        volunteers: Vec::new(),
    };
    let activities =
        [activity(day(2025, 3, 5), &[2.0, 3.0, 4.0, 1.5]), activity(day(2025, 6, 1), &[4.0, 4.0, 4.0, 2.5])];
    let rates = DuesRates::default();
    fx.store
        .write(|w| {
            for m in &meetings {
                w.create_meeting(m)?;
            }
            for a in &activities {
                w.create_volunteer_activity(a)?;
            }
            for &m in &ids {
                let base = DuesBase {
                    member: m,
                    year: 2025,
                    category: DuesCategory::Retired,
                    income: Some(300_000),
                    monthly: 1500,
                    base_confirmed_on: day(2025, 1, 5),
                    note: String::new(),
                };
                w.save_dues_base(&base, &rates)?;
            }
            w.create_dues_payment(&DuesPayment {
                member: ids[3],
                from: YearMonth { year: 2025, month: 1 },
                to: YearMonth { year: 2025, month: 2 },
                amount: 3000,
                paid_on: day(2025, 2, 20),
                method: PaymentMethod::Cash,
                note: String::new(),
            })
        })
        .unwrap();
    let as_of = day(2025, 9, 30);
    let rules = RuleSet::default();
    let profiles = branch_profiles(&fx.store, &rules, branch, 2025, as_of).unwrap();
    let (name, p) = profiles.iter().find(|(_, p)| p.member == ids[3]).unwrap();
    assert_eq!(name, "党员3");

    // Counted here from the records written above, without the service.
    let finals: Vec<_> =
        meetings.iter().filter(|m| m.status == MeetingStatus::Final && m.date().year() == 2025).collect();
    let expected = finals.iter().filter(|m| m.attendance.iter().any(|a| a.member == ids[3])).count() as u32;
    let present = finals
        .iter()
        .filter(|m| m.attendance.iter().any(|a| a.member == ids[3] && a.presence == Presence::Present))
        .count() as u32;
    assert_eq!((p.expected, p.present), (expected, present));
    assert_eq!((expected, present), (7, 2));
    let missed: Vec<(chrono::NaiveDate, &str)> = p.missed.iter().map(|m| (m.date, m.why.as_str())).collect();
    assert_eq!(
        missed,
        vec![
            (day(2025, 3, 10), "请假（出差）"),
            (day(2025, 4, 10), "请假（出差）"),
            (day(2025, 5, 10), "缺席"),
            (day(2025, 6, 10), "请假（出差）"),
            (day(2025, 7, 10), "请假（出差）"),
        ]
    );
    assert_eq!(p.attendance_rate().map(|r| (r * 10.0).round() / 10.0), Some(28.6));
    let hours: f64 =
        activities.iter().flat_map(|a| &a.participants).filter(|x| x.member == ids[3]).map(|x| x.hours).sum();
    assert_eq!((p.activities, p.hours), (2, hours));
    assert_eq!(hours, 4.0);
    // Dues: January and February paid; March to August ended unpaid by September 30.
    assert_eq!(p.dues.settled.len(), 2);
    assert_eq!(p.dues.owed.len(), 6);
    assert_eq!(p.dues.owed_fen, 6 * 1500);
    // Flags: the unpaid dues (six months), and not having taken part since February 10.
    let codes: Vec<FindingCode> = p.flags.iter().map(|f| f.code).collect();
    assert!(codes.contains(&FindingCode::DuesUnpaid), "{codes:?}");
    assert!(codes.contains(&FindingCode::InactiveMember), "{codes:?}");
    assert_eq!(p.suggest(&votes(8, 1, 0, 0), &rules).grade, AppraisalGrade::BasicallyQualified);
    // Another member with everything in order is not flagged for the year.
    let (_, other) = profiles.iter().find(|(_, p)| p.member == ids[0]).unwrap();
    assert_eq!((other.expected, other.present), (7, 7));
    assert!(other.flags.iter().all(|f| f.code != FindingCode::InactiveMember));
}

use chrono::Datelike as _;

#[test]
fn the_duty_review_grade_follows_the_ballot_shares_at_each_boundary() {
    use crate::domain::{BallotTally, ReviewGrade};
    use crate::rules::review_grade;
    let rule = RuleSet::default().duty_review;
    let grade = |excellent, good, fair, poor| review_grade(&BallotTally { excellent, good, fair, poor }, &rule).0;
    assert_eq!(grade(6, 3, 1, 0), ReviewGrade::Excellent, "好 60% and 差 0");
    assert_eq!(grade(6, 3, 0, 1), ReviewGrade::Good, "差 10% is not fewer than 10%");
    assert_eq!(grade(5, 1, 4, 0), ReviewGrade::Good, "好 and 较好 60%");
    assert_eq!(grade(5, 0, 5, 0), ReviewGrade::Fair);
    assert_eq!(grade(2, 2, 2, 3), ReviewGrade::Poor, "差 a third");
    assert_eq!(grade(0, 0, 0, 0), ReviewGrade::Fair, "no ballots");
}
