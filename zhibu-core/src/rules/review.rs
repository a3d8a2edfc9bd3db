//! The overall grade (综合评价等次) the 述职评议 ballots point to, by the rule set's shares: the one
//! computation the review form, the command line and the documents share, so a stored grade that
//! disagrees with the ballots is shown as such rather than silently recomputed somewhere else.

use super::ruleset::DutyReviewRule;
use crate::domain::{BallotTally, ReviewGrade};

/// The grade the ballots point to, and the rule in words (for the document's footnote).
pub fn review_grade(ballots: &BallotTally, rule: &DutyReviewRule) -> (ReviewGrade, String) {
    let valid = u64::from(ballots.excellent + ballots.good + ballots.fair + ballots.poor);
    let at_least = |count: u32, percent: u32| u64::from(count) * 100 >= valid * u64::from(percent);
    let words = format!(
        "好票占有效票{}%以上且差票少于{}%的，评为“好”；好票与较好票合计占{}%以上的，评为“较好”；差票占三分之一以上的，评为“差”；其余评为“一般”。",
        rule.excellent_percent, rule.poor_below_percent, rule.good_percent
    );
    let grade = if valid == 0 {
        ReviewGrade::Fair
    } else if at_least(ballots.excellent, rule.excellent_percent) && !at_least(ballots.poor, rule.poor_below_percent) {
        ReviewGrade::Excellent
    } else if at_least(ballots.excellent + ballots.good, rule.good_percent) {
        ReviewGrade::Good
    } else if u64::from(ballots.poor) * 3 >= valid {
        ReviewGrade::Poor
    } else {
        ReviewGrade::Fair
    };
    (grade, words)
}
