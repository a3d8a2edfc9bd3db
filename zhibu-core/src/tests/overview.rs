//! The window's overview loaded without a window: the demo's year as the screens see it.

use crate::domain::{OrgKind, Presence};
use crate::fixtures::day;
use crate::rules::RuleSet;
use crate::services::demo::{DemoOptions, generate};
use crate::services::overview::Overview;
use crate::store::Store;

#[test]
fn the_overview_holds_the_years_records_and_the_shared_lookups() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("o.db"), "测试").unwrap();
    generate(&mut store, &DemoOptions { branches: 3, members_per_branch: 8, years: 2, ..DemoOptions::default() })
        .unwrap();
    let overview = Overview::load(&store, &RuleSet::default(), 2025, day(2025, 12, 31)).unwrap();

    let branches: Vec<_> = overview.branches().collect();
    assert_eq!(branches.len(), 3);
    assert_eq!(overview.branch_choices().len(), 3);
    let compliance = overview.compliance.as_ref().unwrap();
    assert_eq!(compliance.branches.len(), 3, "every branch's compliance");
    assert_eq!(overview.members.len(), 24);
    let first = branches[0].id;
    assert_eq!(overview.member_choices(Some(first)).len(), 8);
    assert!(
        overview.meetings.iter().all(|m| m.record.date() >= day(2025, 1, 1) && m.record.date() <= day(2025, 12, 31))
    );
    assert!(!overview.meetings.is_empty());
    // Summaries still carry attendance: the dashboard's chart counts who was present.
    assert!(overview.meetings.iter().any(|m| m.record.attendance.iter().any(|a| a.presence == Presence::Present)));
    let committee = &overview.committees[&first];
    assert!(!committee.is_empty(), "the newest term's role holders");
    assert!(committee.iter().all(|m| overview.members.iter().any(|x| x.id == *m)));
    assert_eq!(overview.org_name(first), branches[0].record.name);
    assert_eq!(overview.org_name(crate::domain::OrgId(999)), "组织999");
    assert!(overview.orgs.iter().any(|o| o.record.kind == OrgKind::Committee));

    let error = Overview::load(&store, &RuleSet::default(), 1999, day(2025, 12, 31)).unwrap_err();
    assert_eq!(error.to_string(), "年度应在2000至2100之间：1999");
}

/// Three branches of six members, one year of demo records.
fn small_demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("o.db"), "测试").unwrap();
    generate(&mut store, &DemoOptions { branches: 3, members_per_branch: 6, years: 1, ..DemoOptions::default() })
        .unwrap();
    (dir, store)
}

/// The overview's bound indicators in subject and sheet order (a refresh may append).
fn measured(
    o: &Overview,
) -> Vec<(crate::domain::SubjectId, crate::domain::SchemeId, Vec<crate::services::rating::Measured>)> {
    let mut measured = o.measured.clone();
    measured.sort_by_key(|(subject, scheme, _)| (subject.0, scheme.0));
    measured
}

#[test]
fn a_save_refreshes_only_what_it_touched_and_ends_where_a_full_load_would() {
    use crate::fixtures::meeting;
    use crate::services::overview::Touched;
    let (_dir, mut store) = small_demo();
    let rules = RuleSet::default();
    let today = day(2025, 12, 31);
    let mut overview = Overview::load(&store, &rules, 2025, today).unwrap();
    let branch = overview.branches().nth(1).unwrap().id;
    let other = overview.branches().next().unwrap().id;
    let before_other = overview.compliance.as_ref().unwrap().branches.iter().find(|b| b.branch == other).cloned();

    let members: Vec<_> = overview.members.iter().filter(|m| m.record.branch == branch).map(|m| m.id).collect();
    let held =
        meeting(branch, crate::domain::MeetingKind::CommitteeMeeting, day(2025, 12, 20), &members, members.len());
    store.write(|w| w.create_meeting(&held)).unwrap();
    overview.refresh(&store, &rules, Touched::Meetings(branch)).unwrap();

    let full = Overview::load(&store, &rules, 2025, today).unwrap();
    assert_eq!(overview.meetings, full.meetings, "the branch's meetings were read again, in date order");
    assert_eq!(overview.compliance, full.compliance, "its compliance was evaluated again");
    let after_other = overview.compliance.as_ref().unwrap().branches.iter().find(|b| b.branch == other).cloned();
    assert_eq!(before_other, after_other, "another branch's figures are untouched");
    // Only the branch's own rating subjects were measured again, and every figure is what a full
    // load measures.
    assert!(!full.measured.is_empty(), "the demo's sheets bind indicators to records");
    assert_eq!(measured(&overview), measured(&full), "the bound indicators");
}

/// A save measures again the bound indicators of the rating subjects its branch's records feed
/// (issue 18: only those), and they end where a full load puts them: the first meeting
/// of a year (a general meeting) moves the 小区 sheet's "meetings held" for the compound the branch serves.
#[test]
fn a_meeting_saved_measures_its_branchs_rating_subjects_again() {
    use crate::fixtures::meeting;
    use crate::services::overview::Touched;
    let (_dir, mut store) = small_demo();
    let rules = RuleSet::default();
    // A year the demo has no meetings in, a quarter in.
    let today = day(2026, 3, 31);
    let mut overview = Overview::load(&store, &rules, 2026, today).unwrap();
    // A compound measured on its own organization's meetings, and that organization.
    let (subject, branch) = overview
        .subjects
        .iter()
        .filter_map(|s| Some((s.id, s.record.org?)))
        .find(|(id, org)| overview.measured.iter().any(|(s, ..)| s == id) && overview.branches().any(|b| b.id == *org))
        .unwrap();
    let before = measured(&overview);
    let members: Vec<_> = overview.members.iter().filter(|m| m.record.branch == branch).map(|m| m.id).collect();
    let held = meeting(branch, crate::domain::MeetingKind::GeneralMeeting, day(2026, 1, 20), &members, members.len());
    store.write(|w| w.create_meeting(&held)).unwrap();
    overview.refresh(&store, &rules, Touched::Meetings(branch)).unwrap();

    let after = measured(&overview);
    let of = |all: &[(crate::domain::SubjectId, crate::domain::SchemeId, Vec<crate::services::rating::Measured>)]| {
        all.iter().filter(|(s, ..)| *s == subject).cloned().collect::<Vec<_>>()
    };
    assert_ne!(of(&before), of(&after), "the compound's figures moved");
    assert_eq!(after, measured(&Overview::load(&store, &rules, 2026, today).unwrap()), "as a full load measures them");
}
