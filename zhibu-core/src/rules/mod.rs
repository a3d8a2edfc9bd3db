//! The rules engine: a versioned rule set (defaults from NORMS.md, overridable by a local
//! TOML file) and a pure evaluation from a [`Ledger`](crate::domain::Ledger) and a period to
//! findings, each citing its clause.
//!
//! Nothing here reads files other than the override file the caller names, opens the
//! database or looks at the clock: the caller passes the records and the `as_of` day.

mod appraisal;
mod evaluate;
mod review;
mod ruleset;

pub use appraisal::{Suggestion, suggest};
pub use evaluate::{
    BranchCompliance, Finding, FindingCode, MeetingTally, MeetingVerdict, PeriodMark, Severity, TermStatus,
    check_meeting, evaluate, meeting_verdict, needed_from,
};
pub use review::review_grade;
pub use ruleset::{
    AppraisalRule, BranchSizeRules, DuesRule, DutyReviewRule, ElectionRule, Frequency, MeetingRule, ParticipationRule,
    QuorumRule, Ratio, RuleSet, RulesError, TermRules, VolunteerStarRule,
};
