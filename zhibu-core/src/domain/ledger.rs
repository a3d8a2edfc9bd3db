//! [`Ledger`] (台账): the records of one scope and period, as the rules and reports read them.

use super::{
    ActivityId, CommitteeTerm, DuesBase, DuesBaseId, DuesPayment, Meeting, MeetingId, Member, MemberId, OrgId,
    Organization, PaymentId, Stored, TermId, VolunteerActivity,
};
use serde::{Deserialize, Serialize};

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
}

impl Ledger {
    /// The organization with `id`.
    pub fn organization(&self, id: OrgId) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.id == id).map(|o| &o.record)
    }
}
