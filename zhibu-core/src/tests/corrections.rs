//! A real year's corrections in the store: organisations dissolved (with their records kept and
//! reported), terms that must not overlap, elections that close one term and open the next,
//! amendments that keep what they replaced, deletes that can be undone, one rating per subject,
//! audit rows that say what changed without personal data, and drafts that do not count as held.

use crate::domain::{
    Candidate, CommitteeRole, CommitteeTerm, Election, ElectionRules, MeetingKind, MeetingStatus, MemberId, OrgKind,
    RoleAssignment, Voter, Votes,
};
use crate::fixtures::{Fixture, day, meeting, member, org};
use crate::rules::{FindingCode, RuleSet, evaluate};
use crate::services::demo::branch_scheme;
use crate::store::{AuditAction, AuditQuery, StoreError};

fn term(fx: &Fixture, number: u32, elected: chrono::NaiveDate, members: &[MemberId]) -> CommitteeTerm {
    let roles = [CommitteeRole::Secretary, CommitteeRole::OrganizationOfficer, CommitteeRole::PublicityOfficer];
    CommitteeTerm {
        org: fx.branch,
        number,
        elected_on: Some(elected),
        ends_on: None,
        closed_on: None,
        roles: members.iter().zip(roles).map(|(&member, role)| RoleAssignment { member, role }).collect(),
    }
}

fn election(fx: &Fixture, members: &[MemberId]) -> Election {
    Election {
        org: fx.branch,
        term_number: 4,
        requested_on: Some(day(2025, 10, 8)),
        approved_on: Some(day(2025, 10, 20)),
        approval_ref: "城东党工委〔2025〕31号".into(),
        held_on: day(2025, 11, 20),
        place: "党群服务中心".into(),
        seats: 3,
        voters: members.iter().map(|&member| Voter { member, present: true }).collect(),
        candidates: members[..4]
            .iter()
            .zip([9u32, 8, 8, 2])
            .zip([Some(CommitteeRole::Secretary), Some(CommitteeRole::OrganizationOfficer), None, None])
            .map(|((&member, yes), role)| Candidate { member, votes: Votes { yes, no: 9 - yes, abstain: 0 }, role })
            .collect(),
        result_approved_on: Some(day(2025, 11, 28)),
        result_approval_ref: String::new(),
        meeting: None,
        status: MeetingStatus::Draft,
    }
}

#[test]
fn terms_may_not_overlap_and_an_election_closes_one_and_opens_the_next() {
    let mut fx = Fixture::new().unwrap();
    let members = fx.add_members(9).unwrap();
    let first = term(&fx, 3, day(2021, 3, 15), &members);
    fx.store.write(|w| w.create_term(&first)).unwrap();
    let overlapping = term(&fx, 2, day(2022, 1, 1), &members);
    let error = fx.store.write(|w| w.create_term(&overlapping)).unwrap_err().to_string();
    assert_eq!(error, "选举日期与第3届（2021年3月15日起）任期重叠：2022年1月1日");

    let mut e = election(&fx, &members);
    let rules = ElectionRules { margin_percent: 20 };
    let id = fx.store.write(|w| w.create_election(&e)).unwrap();
    // Not finalised while a check blocks it (no secretary yet → the third candidate has no post; fine;
    // remove the result approval to block).
    e.result_approved_on = None;
    fx.store.write(|w| w.update_election(id, &e)).unwrap();
    let error = fx.store.write(|w| w.finalize_election(id, rules)).unwrap_err().to_string();
    assert!(error.contains("不能定稿：未记录上级党组织对选举结果的批复日期"), "{error}");
    e.result_approved_on = Some(day(2025, 11, 28));
    fx.store.write(|w| w.update_election(id, &e)).unwrap();
    let new_term = fx.store.write(|w| w.finalize_election(id, rules)).unwrap();
    let terms = fx.store.terms(fx.branch).unwrap();
    assert_eq!(terms[0].record.closed_on, Some(day(2025, 11, 20)), "the old term closes on the election day");
    let opened = fx.store.term(new_term).unwrap();
    assert_eq!((opened.number, opened.elected_on), (4, Some(day(2025, 11, 20))));
    let posts: Vec<CommitteeRole> = opened.roles.iter().map(|r| r.role).collect();
    assert_eq!(posts, [CommitteeRole::Secretary, CommitteeRole::OrganizationOfficer, CommitteeRole::Member]);
    // A final election is amended, not updated; the term follows the correction.
    let error = fx.store.write(|w| w.update_election(id, &e)).unwrap_err();
    assert!(matches!(error, StoreError::LockedRecord { .. }), "{error}");
    let mut corrected = e.clone();
    corrected.held_on = day(2025, 11, 21);
    corrected.result_approved_on = Some(day(2025, 11, 29));
    let error = fx.store.write(|w| w.amend_election(id, &corrected, "  ", rules)).unwrap_err().to_string();
    assert!(error.starts_with("更正原因不能为空"), "{error}");
    fx.store.write(|w| w.amend_election(id, &corrected, "选举日期记错一天", rules)).unwrap();
    assert_eq!(fx.store.term(new_term).unwrap().elected_on, Some(day(2025, 11, 21)));
    assert_eq!(fx.store.terms(fx.branch).unwrap()[0].record.closed_on, Some(day(2025, 11, 21)));
    let history = fx.store.election_amendments(id).unwrap();
    assert_eq!(history.len(), 1);
    assert!(history[0].previous.contains("2025-11-20"), "the replaced version is kept");
    let error = fx.store.write(|w| w.delete_election(id)).unwrap_err();
    assert!(matches!(error, StoreError::LockedRecord { .. }));
}

#[test]
fn a_dissolved_branch_keeps_its_records_and_is_required_only_until_it_was_dissolved() {
    let mut fx = Fixture::new().unwrap();
    let members = fx.add_members(3).unwrap();
    let record = meeting(fx.branch, MeetingKind::GeneralMeeting, day(2025, 2, 10), &members, 3);
    fx.store.write(|w| w.create_meeting(&record)).unwrap();
    let mut branch = fx.store.organization(fx.branch).unwrap();
    branch.dissolved_on = Some(day(2025, 6, 30));
    let error = fx.store.write(|w| w.update_organization(fx.branch, &branch)).unwrap_err().to_string();
    assert!(error.starts_with("撤销还有3名党员，请先将他们转到其他支部或党小组"), "{error}");
    let other =
        fx.store.write(|w| w.create_organization(&org(Some(fx.committee), OrgKind::Branch, "银湖社区党支部"))).unwrap();
    for &id in &members {
        let mut m = fx.store.member(id).unwrap();
        m.branch = other;
        fx.store.write(|w| w.update_member(id, &m)).unwrap();
    }
    fx.store.write(|w| w.update_organization(fx.branch, &branch)).unwrap();
    // No new member, and no meeting after the day, for a dissolved branch; its records stay.
    let error = fx.store.write(|w| w.create_member(&member(fx.branch, 40))).unwrap_err().to_string();
    assert!(error.starts_with("所在支部已撤销"), "{error}");
    let late = meeting(fx.branch, MeetingKind::GeneralMeeting, day(2025, 7, 1), &[], 0);
    assert!(fx.store.write(|w| w.create_meeting(&late)).is_err());
    let error = fx.store.write(|w| w.delete_organization(fx.branch)).unwrap_err().to_string();
    assert!(error.contains("不能删除，请改用“撤销”"), "{error}");
    // The rules ask of it only the quarters before it was dissolved, and nothing the next year.
    let ledger = fx.store.ledger(day(2024, 7, 1), day(2026, 12, 31)).unwrap();
    let rules = RuleSet::default();
    let year = evaluate(&ledger, &rules, 2025, day(2025, 12, 31), Some(fx.branch));
    let general = year[0].meetings.iter().find(|t| t.kind == MeetingKind::GeneralMeeting).unwrap();
    assert_eq!((general.required, general.held), (2, 1), "Q1 held, Q2 missing, Q3 and Q4 not required");
    assert!(evaluate(&ledger, &rules, 2026, day(2026, 12, 31), Some(fx.branch)).is_empty());
}

#[test]
fn a_draft_is_not_held_but_not_missing_either() {
    let mut fx = Fixture::new().unwrap();
    let members = fx.add_members(3).unwrap();
    let mut draft = meeting(fx.branch, MeetingKind::GeneralMeeting, day(2025, 2, 10), &members, 3);
    draft.status = MeetingStatus::Draft;
    fx.store.write(|w| w.create_meeting(&draft)).unwrap();
    let ledger = fx.store.ledger(day(2024, 7, 1), day(2025, 12, 31)).unwrap();
    let result = &evaluate(&ledger, &RuleSet::default(), 2025, day(2025, 3, 31), Some(fx.branch))[0];
    let general = result.meetings.iter().find(|t| t.kind == MeetingKind::GeneralMeeting).unwrap();
    assert_eq!((general.held, general.missing.len(), general.periods[0].drafts), (0, 0, 1));
    let warning = result.findings.iter().find(|f| f.code == FindingCode::MeetingDraft).unwrap();
    assert_eq!(warning.message, "2025年2月10日支部党员大会“2月支部党员大会”尚未定稿，未计入已召开次数");
}

#[test]
fn deletes_go_to_the_trash_and_come_back() {
    let mut fx = Fixture::new().unwrap();
    let members = fx.add_members(3).unwrap();
    let mut draft = meeting(fx.branch, MeetingKind::CommitteeMeeting, day(2025, 3, 5), &members, 3);
    draft.status = MeetingStatus::Draft;
    let id = fx.store.write(|w| w.create_meeting(&draft)).unwrap();
    fx.store.write(|w| w.delete_meeting(id)).unwrap();
    let trash = fx.store.trash().unwrap();
    assert_eq!((trash.len(), trash[0].record_kind.as_str(), trash[0].summary.as_str()), (1, "meeting", "3月支委会"));
    let (kind, new_id, _) = fx.store.write(|w| w.restore_deleted(trash[0].id)).unwrap();
    assert_eq!(kind, "meeting");
    assert_eq!(fx.store.meeting(crate::domain::MeetingId(new_id)).unwrap(), draft);
    assert!(fx.store.trash().unwrap().is_empty(), "restored once");
    let error = fx.store.write(|w| w.restore_deleted(trash[0].id)).unwrap_err().to_string();
    assert!(error.starts_with("已恢复的删除记录已存在"), "{error}");
}

#[test]
fn one_rating_per_subject_and_year_and_the_log_says_what_changed_without_personal_data() {
    let mut fx = Fixture::new().unwrap();
    let members = fx.add_members(1).unwrap();
    let scheme = fx.store.write(|w| w.create_rating_scheme(&branch_scheme())).unwrap();
    let subject = fx.branch_subject().unwrap();
    let rating = crate::domain::StarRating {
        scheme,
        year: 2025,
        subject,
        scores: [("organization", 18.0), ("institutions", 22.0), ("role", 23.0), ("satisfaction", 18.0)]
            .into_iter()
            .map(|(key, score)| crate::domain::IndicatorScore { key: key.into(), score })
            .collect(),
    };
    let id = fx.store.write(|w| w.create_star_rating(&rating)).unwrap();
    let error = fx.store.write(|w| w.create_star_rating(&rating)).unwrap_err().to_string();
    assert_eq!(error, "该对象本年度星级评定已存在：2025年度金山社区党支部");
    let mut better = rating.clone();
    better.scores[0].score = 19.5;
    fx.store.write(|w| w.update_star_rating(id, &better)).unwrap();

    let mut m = fx.store.member(members[0]).unwrap();
    let old_phone = m.phone.clone();
    m.phone = Some(crate::domain::Phone::parse("13912345678").unwrap());
    m.name = "党员零".into();
    fx.store.write(|w| w.update_member(members[0], &m)).unwrap();
    let log = fx.store.audit_entries(&AuditQuery { record: Some("member".into()), ..AuditQuery::default() }).unwrap();
    let update = log.iter().find(|e| e.action == AuditAction::Update).unwrap();
    assert!(update.detail.contains("名称：党员0 → 党员零"), "{}", update.detail);
    assert!(update.detail.contains("139****5678"), "{}", update.detail);
    assert!(!update.detail.contains("13912345678"), "the full number never enters the log");
    if let Some(old) = old_phone {
        assert!(!update.detail.contains(old.as_str()));
    }
    let created = log.iter().find(|e| e.action == AuditAction::Create).unwrap();
    assert!(!created.detail.contains(m.id_number.as_str()), "{}", created.detail);
    assert!(created.detail.contains("所在支部：金山社区党支部"), "ids are written as names: {}", created.detail);
    assert!(created.detail.contains("出生日期：****-**-**"), "{}", created.detail);
    assert!(
        created.detail.contains("性别：男") && created.detail.contains("状态：正式党员"),
        "codes as Chinese: {}",
        created.detail
    );
}
