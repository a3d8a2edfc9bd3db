//! [`Ledger`] (台账): the records of one scope and period, as the rules and reports read them.

use super::{
    ActivityId, CommitteeTerm, DuesBase, DuesBaseId, DuesPayment, Meeting, MeetingId, MeetingStatus, Member, MemberId,
    OrgId, Organization, PaymentId, Presence, Stored, TermId, VolunteerActivity,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The records an inspector reviews for a period: the organization tree, terms, the roster,
/// meetings and volunteer activities. Loaded by the store, read by the rules; holds no connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    /// Every organization (the tree is small; it is always loaded whole).
    pub organizations: Vec<Stored<OrgId, Organization>>,
    /// Every committee term.
    pub terms: Vec<Stored<TermId, CommitteeTerm>>,
    /// Every member.
    pub members: Vec<Stored<MemberId, Member>>,
    /// Meetings in the loaded date range, oldest first (attendance and resolutions only).
    pub meetings: Vec<Stored<MeetingId, Meeting>>,
    /// Volunteer activities in the loaded date range, oldest first.
    pub volunteer_activities: Vec<Stored<ActivityId, VolunteerActivity>>,
    /// Each branch's first final meeting ever recorded: the day its records start. Before it
    /// the app knows nothing (a branch starts using it mid-life), so no one is flagged for it.
    #[serde(default)]
    pub records_start: std::collections::BTreeMap<OrgId, chrono::NaiveDate>,
    /// The members' dues bases, every year (a dozen rows a member at most per year).
    #[serde(default)]
    pub dues_bases: Vec<Stored<DuesBaseId, DuesBase>>,
    /// The members' dues payments and exemptions, every year.
    #[serde(default)]
    pub dues_payments: Vec<Stored<PaymentId, DuesPayment>>,
    /// What the rules read of attendance, when the store counted it already (its compliance
    /// read: the meetings then carry no attendance rows). `None`: the rules count it from the
    /// meetings' attendance ([`AttendanceSummary::of`]).
    #[serde(skip)]
    pub attendance: Option<AttendanceSummary>,
}

/// One meeting's attendance counts: what a quorum check and an attendance rate need.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttendanceTally {
    /// Everyone on the attendance list (应到, all members).
    pub listed: u32,
    /// Those present (实到).
    pub present: u32,
    /// Those listed with voting rights on the meeting's day (full members, confirmed by then).
    pub voting_listed: u32,
    /// Those present with voting rights.
    pub voting_present: u32,
}

impl AttendanceTally {
    /// Counts `meeting`'s attendance; voting rights are looked up in `members` (one not there
    /// has none).
    pub fn of<S: std::hash::BuildHasher>(meeting: &Meeting, members: &HashMap<MemberId, &Member, S>) -> Self {
        let date = meeting.date();
        let mut tally = Self::default();
        for entry in &meeting.attendance {
            let present = u32::from(entry.presence == Presence::Present);
            let voting = u32::from(members.get(&entry.member).is_some_and(|m| m.is_full_on(date)));
            tally.listed += 1;
            tally.present += present;
            tally.voting_listed += voting;
            tally.voting_present += voting * present;
        }
        tally
    }
}

/// What the rules read of attendance: each meeting's counts and each member's days present at
/// a final meeting. The store keeps both up to date as records are written (migration 0011), so
/// a compliance read takes a row per meeting and per member and year, not every attendance row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttendanceSummary {
    /// Per meeting.
    pub tallies: HashMap<MeetingId, AttendanceTally>,
    /// Per member: the days present at a final meeting, ascending, each once.
    pub presence: HashMap<MemberId, Vec<NaiveDate>>,
}

impl AttendanceSummary {
    /// Counted from the ledger's meetings and their attendance rows (voting rights from the
    /// ledger's members).
    pub fn of(ledger: &Ledger) -> Self {
        let members: HashMap<MemberId, &Member> = ledger.members.iter().map(|m| (m.id, &m.record)).collect();
        Self {
            tallies: ledger.meetings.iter().map(|m| (m.id, AttendanceTally::of(&m.record, &members))).collect(),
            presence: Self::presence_of(&ledger.meetings),
        }
    }

    /// Each member's days present at a final meeting of `meetings`, ascending, each once.
    pub fn presence_of(meetings: &[Stored<MeetingId, Meeting>]) -> HashMap<MemberId, Vec<NaiveDate>> {
        let mut presence: HashMap<MemberId, Vec<NaiveDate>> = HashMap::new();
        // Only final records count: a draft may still be a plan or half-typed minutes.
        for meeting in meetings.iter().filter(|m| m.record.status == MeetingStatus::Final) {
            for entry in meeting.record.attendance.iter().filter(|a| a.presence == Presence::Present) {
                presence.entry(entry.member).or_default().push(meeting.record.date());
            }
        }
        for days in presence.values_mut() {
            days.sort_unstable();
            days.dedup();
        }
        presence
    }
}

impl Ledger {
    /// The organization with `id`.
    pub fn organization(&self, id: OrgId) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.id == id).map(|o| &o.record)
    }
}
