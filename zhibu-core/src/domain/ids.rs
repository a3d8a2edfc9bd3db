//! Typed row identifiers, and [`Stored`], a record together with its id.
//!
//! Ids are assigned by the store; the domain records themselves carry none, so a
//! record that was never saved cannot pretend to have an id.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

id_type! {
    /// Identifies an organization (committee, general branch, branch or group).
    OrgId,
    /// Identifies a committee term of an organization.
    TermId,
    /// Identifies a party member.
    MemberId,
    /// Identifies a meeting record.
    MeetingId,
    /// Identifies a year-end duty review.
    ReviewId,
    /// Identifies a member appraisal (民主评议党员 result).
    AppraisalId,
    /// Identifies a star-rating scheme (indicator sheet).
    SchemeId,
    /// Identifies one star rating of one subject.
    RatingId,
    /// Identifies a rating subject (评定对象).
    SubjectId,
    /// Identifies a volunteer activity.
    ActivityId,
    /// Identifies an election (换届选举) record.
    ElectionId,
    /// Identifies a member's dues base (党费基数) for a year.
    DuesBaseId,
    /// Identifies a dues payment (or exemption).
    PaymentId,
    /// Identifies a registered volunteer who is not a member.
    VolunteerId,
    /// Identifies a volunteer service team.
    TeamId,
}

/// A record as the store holds it: its id beside its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored<I, T> {
    /// The id the store assigned.
    pub id: I,
    /// The record's content.
    #[serde(flatten)]
    pub record: T,
}
