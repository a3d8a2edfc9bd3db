//! Store round trips for every record type, the audit log, final-record locking with
//! amendments, and content-addressed attachments.

use crate::domain::{
    AgendaItem, AppraisalGrade, AttachmentKind, BallotTally, CommitteeRole, CommitteeTerm, DualRegistration,
    DutyReview, IndicatorScore, MeetingKind, MeetingStatus, MemberAppraisal, Observer, OrgKind, Participant, Phone,
    ReportSection, Resolution, ReviewGrade, RoleAssignment, Speech, StarRating, VolunteerActivity, VolunteerCategory,
    Votes,
};
use crate::fixtures::{Fixture, day, meeting, member, org};
use crate::services::demo::branch_scheme;
use crate::store::{AuditAction, MeetingFilter, StoreError};

#[test]
fn organizations_terms_and_members_round_trip() {
    let mut fx = Fixture::new().unwrap();
    let group = fx.store.write(|w| w.create_organization(&org(Some(fx.branch), OrgKind::Group, "第一党小组"))).unwrap();
    let mut m = member(fx.branch, 7);
    m.group = Some(group);
    m.phone = Some(Phone::parse("138 0013 8000").unwrap());
    m.in_service = true;
    m.dual_registration = Some(DualRegistration {
        community: "金山社区".into(),
        posts: vec!["平安巡逻岗".into()],
        registered_on: day(2024, 3, 5),
    });
    let id = fx.store.write(|w| w.create_member(&m)).unwrap();
    assert_eq!(fx.store.member(id).unwrap(), m);
    assert_eq!(fx.store.member_by_id_number(&m.id_number).unwrap(), Some(id));

    let term = CommitteeTerm {
        org: fx.branch,
        number: 3,
        elected_on: Some(day(2023, 4, 1)),
        ends_on: None,
        closed_on: None,
        roles: vec![RoleAssignment { member: id, role: CommitteeRole::Secretary }],
    };
    fx.store.write(|w| w.create_term(&term)).unwrap();
    assert_eq!(fx.store.terms(fx.branch).unwrap()[0].record, term);
    let orgs = fx.store.organizations().unwrap();
    assert_eq!(orgs.len(), 3);
    assert_eq!(fx.store.organization(group).unwrap().parent, Some(fx.branch));

    let mut changed = m.clone();
    changed.name = "改名后".into();
    fx.store.write(|w| w.update_member(id, &changed)).unwrap();
    assert_eq!(fx.store.member(id).unwrap().name, "改名后");
}

#[test]
fn a_meeting_with_every_detail_round_trips() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(5).unwrap();
    let source = fx.dir.path().join("签到表.jpg");
    std::fs::write(&source, b"fake image bytes").unwrap();
    let attachment = fx.store.import_attachment(&source, AttachmentKind::SignInSheet).unwrap();
    let mut record = meeting(fx.branch, MeetingKind::CommitteeMeeting, day(2025, 3, 12), &ids, 4);
    record.observers = vec![Observer { name: "张列席".into(), affiliation: "街道党工委".into() }];
    record.agenda = vec![AgendaItem { title: "研究发展党员工作".into() }];
    record.speeches =
        vec![Speech {
            agenda_index: Some(0), speaker: "党员0".into(), content: "介绍发展对象情况。".into()
        }];
    record.resolutions =
        vec![Resolution { text: "同意列为发展对象".into(), votes: Votes { yes: 3, no: 1, abstain: 0 } }];
    record.attachments = vec![attachment.clone()];
    record.status = MeetingStatus::Draft;
    let id = fx.store.write(|w| w.create_meeting(&record)).unwrap();
    assert_eq!(fx.store.meeting(id).unwrap(), record);
    let listed = fx.store.meetings(&MeetingFilter::between(day(2025, 3, 1), day(2025, 3, 31))).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].record, record);
    assert!(fx.store.meetings(&MeetingFilter::between(day(2025, 4, 1), day(2025, 4, 30))).unwrap().is_empty());
    let stored = std::fs::read(fx.store.attachment_file(&attachment)).unwrap();
    assert_eq!(stored, b"fake image bytes");
}

#[test]
fn attachments_are_stored_once_per_content() {
    let fx = Fixture::new().unwrap();
    let a = fx.dir.path().join("a.png");
    let b = fx.dir.path().join("b.png");
    std::fs::write(&a, b"same").unwrap();
    std::fs::write(&b, b"same").unwrap();
    let first = fx.store.import_attachment(&a, AttachmentKind::Photo).unwrap();
    let second = fx.store.import_attachment(&b, AttachmentKind::Photo).unwrap();
    assert_eq!(first.sha256, second.sha256);
    assert_eq!(first.sha256, "0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5");
    let files: Vec<_> = walk(fx.store.attachments_dir());
    assert_eq!(files.len(), 1, "one copy per content: {files:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

#[test]
fn a_final_meeting_is_locked_and_amendments_keep_the_original() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(4).unwrap();
    let mut draft = meeting(fx.branch, MeetingKind::GeneralMeeting, day(2025, 5, 8), &ids, 3);
    draft.status = MeetingStatus::Draft;
    let id = fx.store.write(|w| w.create_meeting(&draft)).unwrap();
    let mut edited = draft.clone();
    edited.place = "村委会议室".into();
    fx.store.write(|w| w.update_meeting(id, &edited)).unwrap();
    fx.store.write(|w| w.finalize_meeting(id)).unwrap();
    let original = fx.store.meeting(id).unwrap();
    assert_eq!(original.status, MeetingStatus::Final);

    let mut change = original.clone();
    change.title = "五月支部党员大会（更正）".into();
    let err = fx.store.write(|w| w.update_meeting(id, &change)).unwrap_err();
    assert!(matches!(err, StoreError::Locked(_)), "{err}");
    let err = fx.store.write(|w| w.delete_meeting(id)).map(|_| ()).unwrap_err();
    assert!(matches!(err, StoreError::Locked(_)), "{err}");

    let revision = fx.store.write(|w| w.amend_meeting(id, &change, "会议名称笔误")).unwrap();
    assert_eq!(revision, 1);
    assert_eq!(fx.store.meeting(id).unwrap().title, "五月支部党员大会（更正）");
    let history = fx.store.amendments(id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].previous, original, "the original is kept");
    assert_eq!(history[0].reason, "会议名称笔误");
    assert_eq!(history[0].operator, "测试员");

    let actions: Vec<AuditAction> = fx.store.audit_log(3).unwrap().iter().map(|e| e.action).collect();
    assert_eq!(actions, vec![AuditAction::Amend, AuditAction::Finalize, AuditAction::Update]);
}

#[test]
fn the_database_itself_refuses_to_change_a_final_meeting() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(3).unwrap();
    let id = fx
        .store
        .write(|w| w.create_meeting(&meeting(fx.branch, MeetingKind::ThemeDay, day(2025, 1, 9), &ids, 3)))
        .unwrap();
    let conn = rusqlite::Connection::open(fx.dir.path().join("test.db")).unwrap();
    let err = conn.execute("UPDATE meetings SET title = 'x' WHERE id = ?1", [id.0]).unwrap_err();
    assert!(err.to_string().contains("已定稿"), "{err}");
    assert!(conn.execute("DELETE FROM audit_log", []).is_err(), "the audit log is append-only");
}

#[test]
fn evaluations_and_volunteer_activities_round_trip() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(6).unwrap();
    let review = DutyReview {
        year: 2025,
        branch: fx.branch,
        subject: ids[0],
        held_on: Some(day(2025, 12, 26)),
        sections: vec![ReportSection {
            heading: "存在问题及原因".into(), body: "组织生活不够经常。".into()
        }],
        ballots: BallotTally { excellent: 4, good: 1, fair: 0, poor: 0 },
        voters_expected: 6,
        voters_returned: 6,
        higher_comment: "履职到位。".into(),
        overall_grade: Some(ReviewGrade::Excellent),
    };
    let appraisal = MemberAppraisal {
        year: 2025,
        member: ids[1],
        self_assessment: "按时参加组织生活。".into(),
        votes: crate::domain::AppraisalVotes { outstanding: 5, qualified: 3, basically_qualified: 0, unqualified: 0 },
        grade: AppraisalGrade::Outstanding,
        suggested: Some(AppraisalGrade::Qualified),
        reason: "带头参加社区疫情防控志愿服务，群众反映好。".into(),
    };
    let activity = VolunteerActivity {
        title: "禁毒宣传进社区".into(),
        category: VolunteerCategory::AntiDrug,
        date: day(2025, 6, 26),
        starts: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        ends: chrono::NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
        place: "金山社区广场".into(),
        organiser: "金山社区党支部".into(),
        organiser_org: Some(fx.branch),
        description: "发放禁毒宣传资料".into(),
        participants: vec![Participant { member: ids[2], hours: 2.5 }, Participant { member: ids[3], hours: 2.0 }],
        volunteers: Vec::new(),
    };
    let scheme = branch_scheme();
    let subject = fx.branch_subject().unwrap();
    let (scheme_id, rating) = fx
        .store
        .write(|w| {
            w.create_duty_review(&review)?;
            w.create_appraisal(&appraisal)?;
            w.create_volunteer_activity(&activity)?;
            let scheme_id = w.create_rating_scheme(&scheme)?;
            let rating = StarRating {
                scheme: scheme_id,
                year: 2025,
                subject,
                scores: ["organization", "institutions", "role", "satisfaction", "bonus"]
                    .iter()
                    .zip([18.5, 23.0, 22.0, 19.0, 5.0])
                    .map(|(k, s)| IndicatorScore { key: (*k).into(), score: s })
                    .collect(),
            };
            w.create_star_rating(&rating)?;
            Ok::<_, StoreError>((scheme_id, rating))
        })
        .unwrap();
    assert_eq!(fx.store.duty_reviews(2025).unwrap()[0].record, review);
    assert_eq!(fx.store.appraisals(2025).unwrap()[0].record, appraisal);
    assert_eq!(fx.store.volunteer_activities(day(2025, 1, 1), day(2025, 12, 31)).unwrap()[0].record, activity);
    assert_eq!(fx.store.rating_schemes().unwrap()[0].record, scheme);
    let ratings = fx.store.star_ratings(scheme_id, 2025).unwrap();
    assert_eq!(ratings[0].record, rating);
    assert_eq!(rating.total(), 87.5);
    assert_eq!(scheme.stars_for(rating.total()), 4);

    let err = fx.store.write(|w| w.create_duty_review(&review)).map(|_| ()).unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { .. }), "one review per secretary and year: {err}");
}

#[test]
fn every_write_is_audited_with_operator_and_time() {
    let mut fx = Fixture::new().unwrap();
    let before = fx.store.audit_count().unwrap();
    fx.store.set_operator("李书记");
    fx.add_members(2).unwrap();
    assert_eq!(fx.store.audit_count().unwrap(), before + 2);
    let entry = &fx.store.audit_log(1).unwrap()[0];
    assert_eq!(entry.operator, "李书记");
    assert_eq!(entry.action, AuditAction::Create);
    assert_eq!(entry.record_kind, "member");
    assert_eq!(entry.at.len(), 19, "YYYY-MM-DD HH:MM:SS: {}", entry.at);
    assert!(!entry.summary.contains("330784"), "no ID number in the audit log: {}", entry.summary);
}

#[test]
fn a_member_who_appears_in_records_cannot_be_deleted() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(3).unwrap();
    fx.store.write(|w| w.create_meeting(&meeting(fx.branch, MeetingKind::ThemeDay, day(2025, 2, 3), &ids, 3))).unwrap();
    let err = fx.store.write(|w| w.delete_member(ids[0])).map(|_| ()).unwrap_err();
    assert!(err.to_string().contains("不能删除"), "{err}");
    let spare = fx.add_members(1).unwrap()[0];
    fx.store.write(|w| w.delete_member(spare)).unwrap();
    assert!(matches!(fx.store.member(spare), Err(StoreError::NotFound { .. })));
}
