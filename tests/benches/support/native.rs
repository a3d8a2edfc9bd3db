//! The duty-review template called natively (its crate is also an rlib), for the benchmark's
//! "plugin render through wasmtime vs native" row, and the comparison of its document with the
//! host's. The host's request types derive serde and the
//! SDK's do not, so the request crosses over as JSON once, outside the timed part, and is rebuilt
//! here field by field into the SDK's types (the same WIT records under the same names).

use plugin_api::{
    Appraisal, Attendance, BranchCompliance, Candidate, CommitteeTerm, DutyReview, Election, Finding, Indicator,
    Meeting, MeetingTally, Member, Observer, Organization, Param, Participant, Quota, RatingScheme, Records,
    RenderRequest, ReportSection, Resolution, RoleHolder, Score, Speech, StarBand, StarRating, VolunteerActivity,
    Voter,
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
    Resolution { text, yes, no, abstain }
    Meeting { id, kind, kind_label, branch, group, title, starts_at, ends_at, place, host, recorder, attendance,
              observers, agenda, speeches, resolutions, attachments, status }
    ReportSection { heading, body }
    DutyReview { id, year, branch, subject, held_on, sections, excellent, good, fair, poor, voters_expected,
                 voters_returned, higher_comment, overall_grade }
    Appraisal { year, member, grade }
    Indicator { key, name, max_score }
    StarBand { min_score, stars }
    Quota { stars, max_percent }
    RatingScheme { key, name, subject_kind, indicators, bonus, bands, quotas }
    Score { key, points }
    StarRating { scheme, year, subject_name, subject_org, subject_member, scores }
    Participant { member, hours }
    VolunteerActivity { id, title, category, date, starts, ends, place, organiser, description, participants }
    MeetingTally { kind, label, required, held, missing, clause }
    Finding { code, severity, message, clause }
    BranchCompliance { branch, meetings, attendance_rate, volunteer_activities, volunteer_hours, findings }
    Voter { member, present }
    Candidate { member, yes, no, abstain, elected, tied, role, role_label }
    Election { id, org, term_number, requested_on, approved_on, approval_ref, held_on, place, seats, voters,
               voters_expected, voters_present, quorum_met, candidates_needed, candidates, unfilled,
               result_approved_on, result_approval_ref, meeting, status }
    Records { organizations, terms, members, meetings, duty_reviews, appraisals, schemes, star_ratings,
              volunteer_activities, compliance, elections }
    RenderRequest { params, generated_at, unit_name, records }
}

/// The host's request as the SDK's request.
pub fn request(host: &zhibu_report::plugin_host::RenderRequest) -> RenderRequest {
    RenderRequest::from_json(&serde_json::to_value(host).expect("the host request serializes"))
}

/// The SDK document's `Debug` text as the app's model prints the same document: wit-bindgen names
/// enum cases with their type (`Align::Left`) and fields in the contract's kebab case
/// (`header-rows`); the host converts the same values into the model (`plugin_host::v1_1`).
pub fn debug_as_model(sdk: &str) -> String {
    let mut text = sdk.to_owned();
    for prefix in ["DocStyle::", "Orientation::", "Align::", "Block::"] {
        text = text.replace(prefix, "");
    }
    text.replace("header-rows:", "header_rows:").replace("col-span:", "col_span:").replace("row-span:", "row_span:")
}
