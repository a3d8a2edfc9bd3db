//! The grade the rules suggest for a member's 民主评议 (the branch confirms it or decides otherwise
//! with a reason): from the 民主测评 ballots by the rule set's shares, and never better than 基本合格
//! while the year's records flag the member (six months without organisational life or without
//! dues, 党章第九条: flagged for checking, never decided here).

use super::ruleset::AppraisalRule;
use super::{Finding, FindingCode};
use crate::domain::{AppraisalGrade, AppraisalVotes};

/// A suggested grade and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The grade.
    pub grade: AppraisalGrade,
    /// Each reason, in Chinese (the ballot shares, the flags).
    pub reasons: Vec<String>,
}

/// The suggestion for ballots `votes` and the member's `flags` (their compliance findings).
pub fn suggest(votes: &AppraisalVotes, flags: &[&Finding], rule: &AppraisalRule) -> Suggestion {
    let total = votes.total();
    let mut reasons = Vec::new();
    let share = |n: u32| if total == 0 { 0.0 } else { f64::from(n) * 100.0 / f64::from(total) };
    let below = votes.basically_qualified + votes.unqualified;
    let mut grade = if total == 0 {
        reasons.push("未录入民主测评票数".to_owned());
        AppraisalGrade::Qualified
    } else if rule.unqualified_more_than.exceeded_by(votes.unqualified, total) {
        reasons.push(format!(
            "“不合格”票{}张，占{:.1}%，超过{}",
            votes.unqualified,
            share(votes.unqualified),
            rule.unqualified_more_than.label()
        ));
        AppraisalGrade::Unqualified
    } else if rule.below_qualified_more_than.exceeded_by(below, total) {
        reasons.push(format!(
            "“基本合格”“不合格”票共{below}张，占{:.1}%，超过{}",
            share(below),
            rule.below_qualified_more_than.label()
        ));
        AppraisalGrade::BasicallyQualified
    } else if rule.outstanding_more_than.exceeded_by(votes.outstanding, total) {
        reasons.push(format!(
            "“优秀”票{}张，占{:.1}%，超过{}",
            votes.outstanding,
            share(votes.outstanding),
            rule.outstanding_more_than.label()
        ));
        AppraisalGrade::Outstanding
    } else {
        reasons.push(format!("有效票{total}张，“合格”及以上占{:.1}%", share(total - below)));
        AppraisalGrade::Qualified
    };
    for flag in flags.iter().filter(|f| matches!(f.code, FindingCode::InactiveMember | FindingCode::DuesUnpaid)) {
        reasons.push(format!("{}（{}）", flag.message, flag.clause));
        // Worse grades stay: only a better one is held back while a flag stands.
        if matches!(grade, AppraisalGrade::Outstanding | AppraisalGrade::Qualified) {
            grade = AppraisalGrade::BasicallyQualified;
        }
    }
    Suggestion { grade, reasons }
}
