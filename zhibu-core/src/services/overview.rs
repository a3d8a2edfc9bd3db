//! The overview the window shows for one year: the organization tree and committees, the roster,
//! the year's meetings (summaries), compliance, evaluations and volunteer activities, with the
//! lookups the screens share (names, branch and member choices). Loaded here, without a window,
//! so the loading is tested on its own.

use super::ServiceError;
use super::compliance::{self, ComplianceReport};
use crate::domain::{
    ActivityId, CommitteeTerm, DutyReview, Meeting, MeetingId, Member, MemberAppraisal, MemberId, OrgId, Organization,
    RatingScheme, SchemeId, StarRating, Stored, TermId, VolunteerActivity,
};
use crate::rules::RuleSet;
use crate::store::{MeetingFilter, Store};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Arc;

/// The records the window's screens show for one year. The large lists are shared (`Arc`): the
/// worker sends a copy to the window after every save, and a copy then costs only what the save
/// read again.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    /// The year shown.
    pub year: i32,
    /// The day compliance is counted up to.
    pub today: NaiveDate,
    /// The organization tree.
    pub orgs: Vec<Stored<OrgId, Organization>>,
    /// The roster.
    pub members: Arc<Vec<Stored<MemberId, Member>>>,
    /// The year's meetings (summaries: attendance and resolutions), in date order.
    pub meetings: Arc<Vec<Stored<MeetingId, Meeting>>>,
    /// The year's compliance for every branch.
    pub compliance: Option<ComplianceReport>,
    /// The year's duty reviews.
    pub duty_reviews: Vec<Stored<crate::domain::ReviewId, DutyReview>>,
    /// The year's appraisals.
    pub appraisals: Vec<Stored<crate::domain::AppraisalId, MemberAppraisal>>,
    /// Every indicator sheet, every version (provided by plugins or defined in the window).
    pub schemes: Vec<Stored<SchemeId, RatingScheme>>,
    /// The year's star ratings, by scheme.
    pub ratings: Vec<Stored<crate::domain::RatingId, StarRating>>,
    /// Every registered rating subject.
    pub subjects: Vec<Stored<crate::domain::SubjectId, crate::domain::RatingSubject>>,
    /// The year's board of each sheet in force that has results (ranking, moves, quotas).
    pub boards: Vec<super::rating::Board>,
    /// The bound indicators of each sheet in force, filled in for each subject of its kind.
    pub measured: Vec<(crate::domain::SubjectId, SchemeId, Vec<super::rating::Measured>)>,
    /// The year's volunteer activities.
    pub volunteer: Arc<Vec<Stored<ActivityId, VolunteerActivity>>>,
    /// The unit name setting.
    pub unit_name: String,
    /// The window's colour theme setting: `system` (the default), `light` or `dark`.
    pub theme: String,
    /// Each organization's committee terms, newest last.
    pub terms: HashMap<OrgId, Vec<Stored<TermId, CommitteeTerm>>>,
    /// Every election (换届选举) record, oldest first.
    pub elections: Vec<Stored<crate::domain::ElectionId, crate::domain::Election>>,
    /// Each organization's committee members (its newest term's role holders).
    pub committees: HashMap<OrgId, Vec<MemberId>>,
    /// Every member's dues bases, every year (the dues screen reckons each year from them).
    pub dues_bases: Arc<Vec<Stored<crate::domain::DuesBaseId, crate::domain::DuesBase>>>,
    /// Every dues payment and exemption, every year.
    pub dues_payments: Arc<Vec<Stored<crate::domain::PaymentId, crate::domain::DuesPayment>>>,
    /// Every branch's register of volunteers who are not members.
    pub volunteers: Vec<Stored<crate::domain::VolunteerId, crate::domain::Volunteer>>,
    /// Every branch's service teams.
    pub teams: Vec<Stored<crate::domain::TeamId, crate::domain::ServiceTeam>>,
    /// The committee's feedback to each branch, as last pulled (read-only).
    pub feedback: Vec<(OrgId, crate::store::Feedback)>,
}

/// What a change touched, so that only that is read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touched {
    /// Everything (a restore, an import, the demo, another year).
    All,
    /// The roster; the compliance of these branches (a member's old and new branch).
    Members(Option<OrgId>, Option<OrgId>),
    /// The meetings of a branch, and its compliance.
    Meetings(OrgId),
    /// The organization tree, terms, committees and elections (and so every branch's compliance).
    Organizations,
    /// Duty reviews.
    DutyReviews,
    /// Appraisals.
    Appraisals,
    /// Rating schemes and star ratings.
    Ratings,
    /// Volunteer activities, and the compliance of every branch (hours per branch).
    Volunteer,
    /// Settings (the unit name).
    Settings,
    /// The committee's feedback (a pull).
    Feedback,
    /// Dues bases and payments, and the compliance of this branch (the unpaid flag).
    Dues(OrgId),
}

fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), ServiceError> {
    let out_of_range = || ServiceError::OutOfRange { what: "年度", min: 2000, max: 2100, value: i64::from(year) };
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(out_of_range)?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(out_of_range)?;
    Ok((from, to))
}

impl Overview {
    /// Loads every record the screens show for `year`, with compliance counted up to `today`.
    pub fn load(store: &Store, rules: &RuleSet, year: i32, today: NaiveDate) -> Result<Self, ServiceError> {
        let mut overview = Self { year, today, ..Self::default() };
        overview.refresh(store, rules, Touched::All)?;
        Ok(overview)
    }

    /// Reads again only what `touched` names; compliance is re-evaluated only for the branches
    /// it names (the rest keep their figures).
    pub fn refresh(&mut self, store: &Store, rules: &RuleSet, touched: Touched) -> Result<(), ServiceError> {
        let (from, to) = year_bounds(self.year)?;
        let year = self.year;
        match touched {
            Touched::All => {
                self.refresh_organizations(store)?;
                self.members = Arc::new(store.members(None)?);
                self.meetings =
                    Arc::new(store.meetings(&MeetingFilter { summary: true, ..MeetingFilter::between(from, to) })?);
                self.compliance = Some(compliance::run(store, rules, year, self.today, None)?);
                self.duty_reviews = store.duty_reviews(year)?;
                self.appraisals = store.appraisals(year)?;
                self.refresh_ratings(store, rules)?;
                self.volunteer = Arc::new(store.volunteer_activities(from, to)?);
                self.load_settings(store)?;
                self.dues_bases = Arc::new(store.dues_bases(None)?);
                self.dues_payments = Arc::new(store.dues_payments(None)?);
                self.volunteers = store.volunteers(None)?;
                self.teams = store.service_teams(None)?;
                self.refresh_feedback(store)?;
            }
            Touched::Members(before, after) => {
                self.members = Arc::new(store.members(None)?);
                for branch in [before, after].into_iter().flatten() {
                    self.refresh_compliance(store, rules, branch)?;
                }
            }
            Touched::Meetings(branch) => {
                let filter = MeetingFilter { branch: Some(branch), summary: true, ..MeetingFilter::between(from, to) };
                let mut meetings: Vec<_> =
                    self.meetings.iter().filter(|m| m.record.branch != branch).cloned().collect();
                meetings.extend(store.meetings(&filter)?);
                meetings.sort_by(|a, b| a.record.starts_at.cmp(&b.record.starts_at).then(a.id.0.cmp(&b.id.0)));
                self.meetings = Arc::new(meetings);
                self.refresh_compliance(store, rules, branch)?;
                self.refresh_measured_of(store, rules, branch)?;
            }
            Touched::Organizations => {
                self.refresh_organizations(store)?;
                self.compliance = Some(compliance::run(store, rules, year, self.today, None)?);
            }
            Touched::DutyReviews => self.duty_reviews = store.duty_reviews(year)?,
            Touched::Appraisals => self.appraisals = store.appraisals(year)?,
            Touched::Ratings => self.refresh_ratings(store, rules)?,
            Touched::Volunteer => {
                self.volunteer = Arc::new(store.volunteer_activities(from, to)?);
                self.volunteers = store.volunteers(None)?;
                self.teams = store.service_teams(None)?;
                self.compliance = Some(compliance::run(store, rules, year, self.today, None)?);
                self.refresh_measured(store, rules)?;
            }
            Touched::Settings => self.load_settings(store)?,
            Touched::Feedback => self.refresh_feedback(store)?,
            Touched::Dues(branch) => {
                self.dues_bases = Arc::new(store.dues_bases(None)?);
                self.dues_payments = Arc::new(store.dues_payments(None)?);
                self.refresh_compliance(store, rules, branch)?;
                self.refresh_measured_of(store, rules, branch)?;
            }
        }
        Ok(())
    }

    fn refresh_organizations(&mut self, store: &Store) -> Result<(), ServiceError> {
        self.orgs = store.organizations()?;
        self.terms.clear();
        self.committees.clear();
        for org in &self.orgs {
            let mut terms = store.terms(org.id)?;
            terms.sort_by_key(|t| t.record.number);
            if let Some(term) = terms.last() {
                self.committees.insert(org.id, term.record.roles.iter().map(|r| r.member).collect());
            }
            self.terms.insert(org.id, terms);
        }
        self.elections = store.elections(None)?;
        Ok(())
    }

    fn refresh_ratings(&mut self, store: &Store, rules: &RuleSet) -> Result<(), ServiceError> {
        self.schemes = store.rating_schemes()?;
        self.subjects = store.subjects()?;
        self.ratings.clear();
        for scheme in &self.schemes {
            self.ratings.extend(store.star_ratings(scheme.id, self.year)?);
        }
        self.boards.clear();
        for scheme in store.current_rating_schemes()? {
            let board = super::rating::board(store, &scheme.record.key, self.year, None)?;
            if !board.rows.is_empty() {
                self.boards.push(board);
            }
        }
        self.refresh_measured(store, rules)
    }

    /// Fills in the bound indicators again (the records they read may have changed).
    fn refresh_measured(&mut self, store: &Store, rules: &RuleSet) -> Result<(), ServiceError> {
        self.measured.clear();
        let as_of = self.today.min(NaiveDate::from_ymd_opt(self.year, 12, 31).unwrap_or(self.today));
        for scheme in store.current_rating_schemes()? {
            if scheme.record.all_indicators().all(|i| i.measure.is_none()) {
                continue;
            }
            for subject in self.subjects.iter().filter(|s| s.record.kind == scheme.record.subject_kind) {
                let measured = super::rating::measure(store, rules, &subject.record, &scheme.record, self.year, as_of)?;
                self.measured.push((subject.id, scheme.id, measured));
            }
        }
        Ok(())
    }

    /// Fills in again the bound indicators of the subjects a change to `branch`'s meetings or
    /// dues can move: the branch itself and its members (a member's figures are reckoned within
    /// their branch, an organization's within itself). Every other subject keeps its figures, so a
    /// save in one branch costs that branch, not all fifty.
    fn refresh_measured_of(&mut self, store: &Store, rules: &RuleSet, branch: OrgId) -> Result<(), ServiceError> {
        let as_of = self.today.min(NaiveDate::from_ymd_opt(self.year, 12, 31).unwrap_or(self.today));
        let in_branch = |subject: &crate::domain::RatingSubject| {
            subject.branch == branch
                || subject.org == Some(branch)
                || subject.member.is_some_and(|id| self.members.iter().any(|m| m.id == id && m.record.branch == branch))
        };
        let mut fresh = Vec::new();
        for scheme in store.current_rating_schemes()? {
            if scheme.record.all_indicators().all(|i| i.measure.is_none()) {
                continue;
            }
            for subject in
                self.subjects.iter().filter(|s| s.record.kind == scheme.record.subject_kind && in_branch(&s.record))
            {
                let measured = super::rating::measure(store, rules, &subject.record, &scheme.record, self.year, as_of)?;
                fresh.push((subject.id, scheme.id, measured));
            }
        }
        for entry in fresh {
            match self.measured.iter_mut().find(|(s, scheme, _)| *s == entry.0 && *scheme == entry.1) {
                Some(slot) => *slot = entry,
                None => self.measured.push(entry),
            }
        }
        Ok(())
    }

    /// Re-evaluates one branch and puts its figures in place of the old ones.
    fn refresh_compliance(&mut self, store: &Store, rules: &RuleSet, branch: OrgId) -> Result<(), ServiceError> {
        let is_branch = self.orgs.iter().any(|o| o.id == branch && o.record.kind == crate::domain::OrgKind::Branch);
        let Some(report) = self.compliance.as_mut().filter(|_| is_branch) else { return Ok(()) };
        let fresh = compliance::run(store, rules, self.year, self.today, Some(branch))?;
        for entry in fresh.branches {
            match report.branches.iter_mut().find(|b| b.branch == entry.branch) {
                Some(slot) => *slot = entry,
                None => report.branches.push(entry),
            }
        }
        Ok(())
    }

    /// The committee's feedback to every branch, as last pulled.
    fn refresh_feedback(&mut self, store: &Store) -> Result<(), ServiceError> {
        self.feedback.clear();
        for branch in self.orgs.iter().filter(|o| o.record.kind == crate::domain::OrgKind::Branch) {
            self.feedback.extend(store.feedback(branch.id)?.into_iter().map(|f| (branch.id, f)));
        }
        Ok(())
    }

    /// The settings the screens show (unit name, theme).
    fn load_settings(&mut self, store: &Store) -> Result<(), ServiceError> {
        self.unit_name = store.setting("unit_name")?.unwrap_or_default();
        self.theme = store.setting("theme")?.unwrap_or_else(|| "system".to_owned());
        Ok(())
    }

    /// The name of organization `id`, or its number when unknown.
    pub fn org_name(&self, id: OrgId) -> String {
        self.orgs.iter().find(|o| o.id == id).map_or_else(|| format!("组织{}", id.0), |o| o.record.name.clone())
    }

    /// The name of member `id`.
    pub fn member_name(&self, id: MemberId) -> String {
        self.members.iter().find(|m| m.id == id).map_or_else(|| format!("党员{}", id.0), |m| m.record.name.clone())
    }

    /// The branches as choices for a combo box.
    pub fn branch_choices(&self) -> Vec<(Option<OrgId>, String)> {
        self.branches().map(|b| (Some(b.id), b.record.name.clone())).collect()
    }

    /// The members of `branch` as choices for a combo box.
    pub fn member_choices(&self, branch: Option<OrgId>) -> Vec<(Option<MemberId>, String)> {
        self.members
            .iter()
            .filter(|m| Some(m.record.branch) == branch)
            .map(|m| (Some(m.id), m.record.name.clone()))
            .collect()
    }

    /// Branches (not committees or groups), by id.
    pub fn branches(&self) -> impl Iterator<Item = &Stored<OrgId, Organization>> {
        self.orgs.iter().filter(|o| o.record.kind == crate::domain::OrgKind::Branch)
    }
}
