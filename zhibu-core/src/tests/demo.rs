//! The demo generator: deterministic, mostly compliant, and showing every kind of finding
//! a secretary meets, when run through its own compliance check.

use crate::rules::{FindingCode, RuleSet};
use crate::services::compliance;
use crate::services::demo::{DemoOptions, generate};
use crate::store::Store;
use std::collections::BTreeSet;

fn demo(dir: &std::path::Path, name: &str, options: &DemoOptions) -> Store {
    let mut store = Store::open(&dir.join(name), "演示").unwrap();
    generate(&mut store, options).unwrap();
    store
}

fn report_json(store: &Store, year: i32) -> String {
    let as_of = crate::fixtures::day(year, 12, 31);
    serde_json::to_string(&compliance::run(store, &RuleSet::default(), year, as_of, None).unwrap()).unwrap()
}

#[test]
fn the_default_demo_is_mostly_compliant_with_every_kind_of_finding() {
    let dir = tempfile::tempdir().unwrap();
    let options = DemoOptions::default();
    let store = demo(dir.path(), "demo.db", &options);
    let report =
        compliance::run(&store, &RuleSet::default(), options.last_year, crate::fixtures::day(2025, 12, 31), None)
            .unwrap();
    assert_eq!(report.branches.len(), options.branches as usize);

    let (mut periods, mut held) = (0, 0);
    for branch in &report.branches {
        assert_eq!(branch.full_members + branch.probationary_members, options.members_per_branch);
        assert!(branch.volunteer_hours > 0.0, "{} has volunteer hours", branch.name);
        for tally in &branch.meetings {
            periods += tally.required;
            held += tally.required - tally.missing.len() as u32;
        }
    }
    let share = f64::from(held) / f64::from(periods);
    assert!(share > 0.9 && share < 1.0, "mostly, not perfectly, compliant: {share:.3}");

    let found: BTreeSet<FindingCode> = report.branches.iter().flat_map(|b| b.findings.iter().map(|f| f.code)).collect();
    for code in [
        FindingCode::MeetingMissing,
        FindingCode::QuorumNotMet,
        FindingCode::InactiveMember,
        FindingCode::TermExpiring,
        FindingCode::TermOverdue,
        FindingCode::TermDateMissing,
    ] {
        assert!(found.contains(&code), "the demo shows {code:?}; found {found:?}");
    }
    for finding in report.branches.iter().flat_map(|b| &b.findings) {
        assert!(finding.clause.starts_with('《'), "every finding cites its clause: {finding:?}");
    }
    // Every record kind is there.
    assert!(!store.duty_reviews(2025).unwrap().is_empty());
    assert!(!store.appraisals(2025).unwrap().is_empty());
    let scheme = store.rating_schemes().unwrap()[0].id;
    assert_eq!(store.star_ratings(scheme, 2025).unwrap().len(), options.branches as usize);
}

#[test]
fn the_same_seed_gives_the_same_records_and_another_seed_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let small = DemoOptions { branches: 3, members_per_branch: 8, years: 2, ..DemoOptions::default() };
    let a = demo(dir.path(), "a.db", &small);
    let b = demo(dir.path(), "b.db", &small);
    let c = demo(dir.path(), "c.db", &DemoOptions { seed: 7, ..small });
    for year in [2024, 2025] {
        assert_eq!(report_json(&a, year), report_json(&b, year));
    }
    assert_eq!(a.members(None).unwrap(), b.members(None).unwrap());
    assert_ne!(a.members(None).unwrap(), c.members(None).unwrap());
}

#[test]
fn demo_data_only_goes_into_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo(
        dir.path(),
        "full.db",
        &DemoOptions { branches: 1, members_per_branch: 5, years: 1, ..DemoOptions::default() },
    );
    let before = store.members(None).unwrap().len();
    let err = generate(&mut store, &DemoOptions::default()).unwrap_err();
    assert!(err.to_string().contains("演示数据只能写入新的空数据库"), "{err}");
    assert_eq!(store.members(None).unwrap().len(), before);
    let err = generate(&mut store, &DemoOptions { branches: 0, ..DemoOptions::default() }).unwrap_err();
    assert_eq!(err.to_string(), "支部数应在1至500之间：0");
}

/// The branch-scoped reads a branch's report uses return exactly the branch's share of the
/// whole reads, for every branch and every combination of meeting filters.
#[test]
fn branch_scoped_reads_match_the_whole_reads_filtered() {
    use crate::domain::{MeetingKind, OrgKind};
    use crate::store::MeetingFilter;
    let dir = tempfile::tempdir().unwrap();
    let store = demo(dir.path(), "scoped.db", &DemoOptions { branches: 3, ..DemoOptions::default() });
    let (from, to) = (crate::fixtures::day(2024, 7, 1), crate::fixtures::day(2025, 12, 31));
    let members = store.members(None).unwrap();
    let branch_of = |member| members.iter().find(|m| m.id == member).map(|m| m.record.branch);
    let all_meetings = store.meetings(&MeetingFilter::default()).unwrap();
    let all_activities = store.volunteer_activities(from, to).unwrap();
    let all_appraisals = store.appraisals(2025).unwrap();
    let branches: Vec<_> =
        store.organizations().unwrap().into_iter().filter(|o| o.record.kind == OrgKind::Branch).map(|o| o.id).collect();
    let mut seen = 0;
    for &branch in &branches {
        for kind in [None, Some(MeetingKind::CommitteeMeeting)] {
            for (lo, hi) in [(None, None), (Some(from), Some(to)), (Some(crate::fixtures::day(2025, 3, 1)), None)] {
                let filter = MeetingFilter { branch: Some(branch), kind, from: lo, to: hi, ..MeetingFilter::default() };
                let scoped: Vec<_> = store.meetings(&filter).unwrap().into_iter().map(|m| m.id).collect();
                let expected: Vec<_> = all_meetings
                    .iter()
                    .filter(|m| m.record.branch == branch && kind.is_none_or(|k| m.record.kind == k))
                    .filter(|m| lo.is_none_or(|d| m.record.date() >= d) && hi.is_none_or(|d| m.record.date() <= d))
                    .map(|m| m.id)
                    .collect();
                assert_eq!(scoped, expected, "{branch:?} {kind:?} {lo:?}..{hi:?}");
                seen += scoped.len();
            }
        }
        let scoped = store.branch_volunteer_activities(branch, from, to).unwrap();
        let expected: Vec<_> = all_activities
            .iter()
            .filter(|a| a.record.participants.iter().any(|p| branch_of(p.member) == Some(branch)))
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(scoped.iter().collect::<Vec<_>>(), expected, "volunteer activities of {branch:?}");
        let scoped = store.branch_appraisals(2025, branch).unwrap();
        let expected: Vec<_> =
            all_appraisals.iter().filter(|a| branch_of(a.record.member) == Some(branch)).cloned().collect();
        assert!(!expected.is_empty());
        assert_eq!(scoped, expected, "appraisals of {branch:?}");
    }
    assert!(seen > 0);
    let one = store.meetings(&MeetingFilter { id: Some(all_meetings[5].id), ..MeetingFilter::default() }).unwrap();
    assert_eq!(one, vec![all_meetings[5].clone()]);
}
