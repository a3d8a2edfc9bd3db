//! Plain record types of the domain and their validation: no IO, no SQL, no UI.
//!
//! Everything a branch secretary records is a value here first. A value that
//! breaks a rule of the domain (an ID number with a wrong check digit, a vote
//! count above the attendance) is either unrepresentable (validated newtypes such
//! as [`IdNumber`]) or rejected by the record's `validate` method with a
//! [`ValidationError`] whose message is Chinese and names the field.

mod dues;
mod election;
mod error;
mod ids;
mod ledger;
mod meeting;
mod member;
mod org;
mod rating;
mod review;
mod volunteer;

pub use dues::{
    Bracket, DuesBase, DuesCategory, DuesPayment, DuesRates, DuesStatus, Fen, PaymentMethod, YearMonth, parse_yuan,
    status as dues_status, yuan,
};
pub use election::{Candidate, Election, ElectionCheck, ElectionRules, Outcome, Voter};
pub use error::ValidationError;
pub use ids::{
    ActivityId, AppraisalId, DuesBaseId, ElectionId, MeetingId, MemberId, OrgId, PaymentId, RatingId, ReviewId,
    SchemeId, Stored, SubjectId, TeamId, TermId, VolunteerId,
};
pub use ledger::{AttendanceSummary, AttendanceTally, Ledger};
pub use meeting::{
    AgendaItem, Attachment, AttachmentKind, Attendance, Meeting, MeetingKind, MeetingStatus, Observer, Presence,
    Resolution, Speech, Votes,
};
pub use member::{DualRegistration, Gender, IdNumber, Member, MemberDetails, MemberStatus, Phone};
pub use org::{BranchCategory, CommitteeRole, CommitteeTerm, OrgKind, Organization, RoleAssignment};
pub use rating::{
    Gap, Indicator, IndicatorScore, Measure, MeasuredFigure, Move, NextStar, Quota, QuotaCheck, RatingScheme,
    RatingSubject, RatingSubjectKind, StarBand, StarRating, check_quotas, ranks, star_string,
};
pub use review::{
    AppraisalGrade, AppraisalVotes, BallotTally, DutyReview, MemberAppraisal, ReportSection, ReviewGrade,
};
pub use volunteer::{
    Participant, ServiceTeam, Volunteer, VolunteerActivity, VolunteerCategory, VolunteerHours, VolunteerKind,
};

/// Checks that a required text is present, not too long and free of control characters.
///
/// `field` is the Chinese field name shown to the user.
pub(crate) fn require_text(field: &'static str, value: &str, max_chars: usize) -> Result<(), ValidationError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::new(field, "不能为空", value));
    }
    let count = trimmed.chars().count();
    if count > max_chars {
        return Err(ValidationError::new(field, format!("过长（最多{max_chars}字，现有{count}字）"), shorten(trimmed)));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(ValidationError::new(field, "含有不可见的控制字符", shorten(trimmed)));
    }
    Ok(())
}

/// Checks an optional free-text field (may be empty) for length and control characters.
pub(crate) fn check_text(field: &'static str, value: &str, max_chars: usize) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Ok(());
    }
    require_text(field, value, max_chars)
}

/// The first characters of a long value, so an error message stays readable.
fn shorten(value: &str) -> String {
    const KEEP: usize = 30;
    if value.chars().count() <= KEEP {
        value.to_owned()
    } else {
        let head: String = value.chars().take(KEEP).collect();
        format!("{head}…")
    }
}
