//! The attendance summaries the store keeps for the compliance read (migration 0011): equal to
//! counting every attendance row, after every kind of write, and giving the same findings over
//! the demo data sets.

use crate::domain::{AttendanceSummary, Ledger, MeetingKind, MeetingStatus, MemberStatus};
use crate::fixtures::{Fixture, at, day, meeting};
use crate::rules::{RuleSet, evaluate, needed_from};
use crate::services::demo::{DemoOptions, generate};
use crate::store::Store;

/// Every meeting and attendance row from 2000 on, counted by the rules (no kept summary).
fn recounted(store: &Store) -> AttendanceSummary {
    let mut ledger = store.ledger(day(2000, 1, 1), day(2100, 12, 31)).unwrap();
    ledger.attendance = None;
    AttendanceSummary::of(&ledger)
}

/// The summaries as the compliance read returns them, for every year the recount covers.
fn kept(store: &Store, years: std::ops::RangeInclusive<i32>) -> AttendanceSummary {
    let mut out = AttendanceSummary::default();
    for year in years {
        let ledger: Ledger = store.compliance_ledger(year, day(year, 1, 1), None).unwrap();
        let summary = ledger.attendance.unwrap();
        out.tallies.extend(summary.tallies);
        for (member, days) in summary.presence {
            out.presence.entry(member).or_default().extend(days);
        }
    }
    out
}

/// Panics unless the kept summaries equal a recount of every attendance row.
pub(super) fn assert_kept_matches_recount(store: &Store, years: std::ops::RangeInclusive<i32>, step: &str) {
    let (kept, recounted) = (kept(store, years), recounted(store));
    assert_eq!(kept.tallies, recounted.tallies, "meeting counts after {step}");
    assert_eq!(kept.presence, recounted.presence, "days present after {step}");
}

#[test]
fn the_kept_counts_follow_every_kind_of_write() {
    let mut fx = Fixture::new().unwrap();
    let members = fx.add_members(5).unwrap();
    let years = 2024..=2026;
    // A probationary member, confirmed later: voting rights from that day on.
    let mut probationary = fx.store.member(members[4]).unwrap();
    probationary.status = MemberStatus::Probationary;
    probationary.confirmed_on = None;
    fx.store.write(|w| w.update_member(members[4], &probationary)).unwrap();

    let general = meeting(fx.branch, MeetingKind::GeneralMeeting, day(2025, 3, 10), &members, 4);
    let first = fx.store.write(|w| w.create_meeting(&general)).unwrap();
    assert_kept_matches_recount(&fx.store, years.clone(), "a final meeting saved");
    // A second final meeting the same day: the day stays when one of them moves away.
    let lecture = meeting(fx.branch, MeetingKind::PartyLecture, day(2025, 3, 10), &members[..2], 2);
    fx.store.write(|w| w.create_meeting(&lecture)).unwrap();

    let mut draft = meeting(fx.branch, MeetingKind::CommitteeMeeting, day(2025, 4, 2), &members[..3], 2);
    draft.status = MeetingStatus::Draft;
    let draft_id = fx.store.write(|w| w.create_meeting(&draft)).unwrap();
    assert_kept_matches_recount(&fx.store, years.clone(), "a draft saved (counted, but no day present)");
    draft.attendance.swap(0, 2);
    fx.store.write(|w| w.update_meeting(draft_id, &draft)).unwrap();
    fx.store.write(|w| w.finalize_meeting(draft_id)).unwrap();
    assert_kept_matches_recount(&fx.store, years.clone(), "a draft edited and finalized");

    // An amendment that moves the meeting to another day and year and changes the roll.
    let mut amended = general.clone();
    amended.starts_at = at(day(2024, 12, 30), 9);
    amended.ends_at = at(day(2024, 12, 30), 11);
    amended.attendance.truncate(3);
    fx.store.write(|w| w.amend_meeting(first, &amended, "日期记错")).unwrap();
    assert_kept_matches_recount(&fx.store, years.clone(), "an amendment moving the day and the roll");

    let mut confirmed = fx.store.member(members[4]).unwrap();
    confirmed.status = MemberStatus::Full;
    confirmed.confirmed_on = Some(day(2025, 3, 31));
    fx.store.write(|w| w.update_member(members[4], &confirmed)).unwrap();
    assert_kept_matches_recount(&fx.store, years.clone(), "a member confirmed");

    let mut gone = meeting(fx.branch, MeetingKind::PartyLecture, day(2026, 1, 5), &members, 5);
    gone.status = MeetingStatus::Draft;
    let gone_id = fx.store.write(|w| w.create_meeting(&gone)).unwrap();
    fx.store.write(|w| w.delete_meeting(gone_id)).unwrap();
    assert_kept_matches_recount(&fx.store, years.clone(), "a draft deleted");

    // And what the rules read: voting counts on the meeting's own day.
    let kept = kept(&fx.store, years);
    let tally = kept.tallies[&draft_id];
    assert_eq!((tally.listed, tally.present, tally.voting_listed, tally.voting_present), (3, 2, 3, 2));
    assert_eq!(kept.presence[&members[0]], vec![day(2024, 12, 30), day(2025, 3, 10), day(2025, 4, 2)]);
}

#[test]
fn the_compliance_read_gives_the_same_findings_as_every_attendance_row_on_the_demo_sets() {
    let dir = tempfile::tempdir().unwrap();
    let sets = [
        DemoOptions::default(),
        DemoOptions { branches: 4, members_per_branch: 30, years: 2, last_year: 2026, seed: 7, until: None },
        DemoOptions::up_to(day(2026, 8, 15)),
    ];
    let rules = RuleSet::default();
    for (n, options) in sets.iter().enumerate() {
        let mut store = Store::open(&dir.path().join(format!("demo-{n}.db")), "演示").unwrap();
        generate(&mut store, options).unwrap();
        let first_year = options.last_year - options.years as i32 + 1;
        assert_kept_matches_recount(&store, first_year..=options.last_year, "the demo");
        for year in first_year..=options.last_year {
            let year_end = day(year, 12, 31);
            let mut full = store.ledger(needed_from(&rules, year), year_end).unwrap();
            full.attendance = None;
            let summarised = store.compliance_ledger(year, needed_from(&rules, year), None).unwrap();
            for as_of in [day(year, 6, 30), year_end] {
                let expected = evaluate(&full, &rules, year, as_of, None);
                assert!(expected.iter().any(|b| !b.findings.is_empty()), "set {n}, {year}: something to compare");
                assert_eq!(evaluate(&summarised, &rules, year, as_of, None), expected, "set {n}, {year}, {as_of}");
                // A branch read on its own says what the whole read says of it.
                for branch in &expected {
                    let one = store.compliance_ledger(year, needed_from(&rules, year), Some(branch.branch)).unwrap();
                    assert_eq!(evaluate(&one, &rules, year, as_of, Some(branch.branch)), vec![branch.clone()]);
                }
            }
        }
    }
}
