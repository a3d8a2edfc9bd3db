//! The duty-review template called natively (its crate is also an rlib), for the benchmark's
//! "plugin render through wasmtime vs native" row, and the comparison of its document with the
//! host's. The host's request types derive serde and the
//! SDK's do not, so the request crosses over as JSON once, outside the timed part, and is rebuilt
//! here field by field into the SDK's types (the same WIT records under the same names).

use plugin_api::{
    Appraisal, Attendance, BranchCompliance, Candidate, CommitteeRecords, CommitteeTerm, DuesPayment, DutyBallot,
    DutyMeeting, DutyReview, Election, Finding, Gap, Indicator, Meeting, MeetingTally, Member, MemberDues, NextStar,
    Observer, Organization, Param, Participant, Quorum, Quota, QuotaCheck, RatingScheme, Records, RenderRequest,
    ReportSection, ReportedBranch, Resolution, RoleHolder, RuleFigures, Score, ServiceTeam, Speech, StarBand,
    StarRating, Volunteer, VolunteerActivity, VolunteerHours, Voter,
};
use serde_json::Value;

/// A value rebuilt from the host type's JSON form.
pub trait FromJson: Sized {
    /// Panics on a shape the contract does not have: a benchmark stops loudly.
    fn from_json(value: &Value) -> Self;
}

impl FromJson for String {
    fn from_json(value: &Value) -> Self {
        value.as_str().expect("a string").to_owned()
    }
}
impl FromJson for bool {
    fn from_json(value: &Value) -> Self {
        value.as_bool().expect("a bool")
    }
}
impl FromJson for f64 {
    fn from_json(value: &Value) -> Self {
        value.as_f64().expect("a number")
    }
}
macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(value: &Value) -> Self {
                <$t>::try_from(value.as_i64().expect("an integer")).expect("in range")
            }
        }
    )*};
}
integers!(i64, i32, u32, u8);
impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value) -> Self {
        (!value.is_null()).then(|| T::from_json(value))
    }
}
impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value) -> Self {
        value.as_array().expect("a list").iter().map(T::from_json).collect()
    }
}
macro_rules! records {
    ($($name:ident { $($field:ident),* })*) => {$(
        impl FromJson for $name {
            fn from_json(value: &Value) -> Self {
                $name { $($field: FromJson::from_json(&value[stringify!($field)])),* }
            }
        }
    )*};
}
records! {
    Param { key, value }
    Organization { id, parent, kind, category, name }
    RoleHolder { member, role, label }
    CommitteeTerm { org, number, elected_on, ends_on, roles }
    Member { id, name, gender, birth_date, ethnicity, id_number, phone, status, joined_on, confirmed_on, branch, group,
             in_service, dual_community }
    Attendance { member, presence, reason }
    Observer { name, affiliation }
    Speech { agenda_index, speaker, content }
    Resolution { text, yes, no, abstain, passed }
    Quorum { expected, present, met, rule, vote_rule, clause }
    Meeting { id, kind, kind_label, branch, group, title, starts_at, ends_at, place, host, recorder, attendance,
              observers, agenda, speeches, resolutions, attachments, status, quorum }
    ReportSection { heading, body }
    DutyReview { id, year, branch, subject, held_on, sections, excellent, good, fair, poor, voters_expected,
                 voters_returned, higher_comment, overall_grade, ballot_grade, grade_differs }
    Appraisal { year, member, grade, grade_label, votes_outstanding, votes_qualified, votes_basically_qualified,
                votes_unqualified, suggested, reason }
    Indicator { key, name, max_score, measure }
    StarBand { min_score, stars }
    Quota { stars, max_percent }
    RatingScheme { key, name, subject_kind, version, indicators, bonus, bands, quotas }
    Score { key, points }
    Gap { key, name, score, max, gap }
    NextStar { stars, points_needed, gaps }
    QuotaCheck { scheme, stars, max_percent, allowed, count }
    StarRating { scheme, year, subject_name, subject_org, subject_member, scores, subject_kind, subject_kind_label,
                 rated_by, total, stars, last_year_stars, move_label, rank, tied, beyond_quota, next_star }
    Participant { member, hours }
    VolunteerHours { volunteer, hours }
    VolunteerActivity { id, title, category, date, starts, ends, place, organiser, description, participants,
                        volunteers }
    Volunteer { id, branch, name, kind, kind_label, unit, team, phone, registered_on }
    ServiceTeam { id, branch, name, leader }
    DuesPayment { from_month, to_month, amount, paid_on, method, method_label, note }
    MemberDues { member, category, monthly, base_confirmed, due_months, settled_months, owed_months, owed, paid,
                 payments, flag }
    RuleFigures { volunteer_star_hours, volunteer_star_clause, dues_flag_months, dues_clause, version }
    MeetingTally { kind, label, required, held, missing, clause }
    Finding { code, severity, message, clause }
    BranchCompliance { branch, meetings, attendance_rate, volunteer_activities, volunteer_hours, findings }
    Voter { member, present }
    Candidate { member, yes, no, abstain, elected, tied, role, role_label }
    Election { id, org, term_number, requested_on, approved_on, approval_ref, held_on, place, seats, voters,
               voters_expected, voters_present, quorum_met, candidates_needed, candidates, unfilled,
               result_approved_on, result_approval_ref, meeting, status }
    Records { organizations, terms, members, meetings, duty_reviews, appraisals, schemes, star_ratings,
              volunteer_activities, compliance, elections, quota_checks, dues, volunteers, service_teams, committee }
    ReportedBranch { uuid, name, secretary, acknowledged, submission, opinion, findings }
    DutyMeeting { year, held_on, title, voters_expected }
    DutyBallot { branch, branch_name, secretary, excellent, good, fair, poor, ballot_grade, grade, reason }
    CommitteeRecords { year, branches, duty_meeting, duty_ballots, grade_rule }
    RenderRequest { params, generated_at, unit_name, records, rules }
}

/// The host's request as the SDK's request.
pub fn request(host: &zhibu_report::plugin_host::RenderRequest) -> RenderRequest {
    RenderRequest::from_json(&serde_json::to_value(host).expect("the host request serializes"))
}

/// The SDK document's `Debug` text as the app's model prints the same document: wit-bindgen names
/// enum cases with their type (`Align::Left`) and fields in the contract's kebab case
/// (`header-rows`); the host converts the same values into the model (`plugin_host::v1_3`).
pub fn debug_as_model(sdk: &str) -> String {
    let mut text = sdk.to_owned();
    for prefix in ["DocStyle::", "Orientation::", "Align::", "Block::"] {
        text = text.replace(prefix, "");
    }
    text.replace("header-rows:", "header_rows:").replace("col-span:", "col_span:").replace("row-span:", "row_span:")
}
