//! Evaluations: the secretary's year-end duty review (述职评议) with its ballot tally,
//! and the yearly democratic appraisal of members (民主评议党员).

use super::{MemberId, OrgId, ValidationError, check_text, require_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A grade on a duty-review ballot and the overall grade (好 / 较好 / 一般 / 差).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewGrade {
    /// 好.
    Excellent,
    /// 较好.
    Good,
    /// 一般.
    Fair,
    /// 差.
    Poor,
}

impl ReviewGrade {
    /// Every grade, best first.
    pub const ALL: [ReviewGrade; 4] = [Self::Excellent, Self::Good, Self::Fair, Self::Poor];

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Excellent => "好",
            Self::Good => "较好",
            Self::Fair => "一般",
            Self::Poor => "差",
        }
    }
}

/// Valid ballots counted per grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BallotTally {
    /// 好.
    pub excellent: u32,
    /// 较好.
    pub good: u32,
    /// 一般.
    pub fair: u32,
    /// 差.
    pub poor: u32,
}

impl BallotTally {
    /// Valid ballots (有效票数).
    pub fn total(self) -> u32 {
        self.excellent + self.good + self.fair + self.poor
    }

    /// The count for one grade.
    pub fn count(self, grade: ReviewGrade) -> u32 {
        match grade {
            ReviewGrade::Excellent => self.excellent,
            ReviewGrade::Good => self.good,
            ReviewGrade::Fair => self.fair,
            ReviewGrade::Poor => self.poor,
        }
    }
}

/// One section of the 述职报告 (`存在问题及原因`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSection {
    /// The section heading.
    pub heading: String,
    /// The secretary's text.
    pub body: String,
}

/// A year-end duty review of a branch secretary (年度述职评议考核).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyReview {
    /// 年度 reviewed.
    pub year: i32,
    /// The branch whose secretary reports.
    pub branch: OrgId,
    /// The secretary (述职人).
    pub subject: MemberId,
    /// The day of the review meeting.
    pub held_on: Option<NaiveDate>,
    /// The 述职报告's sections.
    pub sections: Vec<ReportSection>,
    /// 测评票 counted by grade.
    pub ballots: BallotTally,
    /// 应参评人数.
    pub voters_expected: u32,
    /// 实参评人数 (ballots returned, valid or not).
    pub voters_returned: u32,
    /// 上级点评.
    pub higher_comment: String,
    /// 综合评价等次, once decided.
    pub overall_grade: Option<ReviewGrade>,
}

impl DutyReview {
    /// Checks the year, the sections and that the ballots add up.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !(2000..=2100).contains(&self.year) {
            return Err(ValidationError::new("年度", "不在2000至2100之间", self.year));
        }
        for section in &self.sections {
            require_text("报告章节标题", &section.heading, 50)?;
            check_text("报告章节内容", &section.body, 20_000)?;
        }
        if self.voters_returned > self.voters_expected {
            return Err(ValidationError::new(
                "实参评人数",
                format!("超过应参评人数{}人", self.voters_expected),
                self.voters_returned,
            ));
        }
        let valid = self.ballots.total();
        if valid > self.voters_returned {
            return Err(ValidationError::new("有效票数", format!("超过实参评人数{}人", self.voters_returned), valid));
        }
        check_text("上级点评", &self.higher_comment, 5000)?;
        Ok(())
    }
}

/// A grade of 民主评议党员.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppraisalGrade {
    /// 优秀.
    Outstanding,
    /// 合格.
    Qualified,
    /// 基本合格.
    BasicallyQualified,
    /// 不合格.
    Unqualified,
}

impl AppraisalGrade {
    /// Every grade, best first.
    pub const ALL: [AppraisalGrade; 4] =
        [Self::Outstanding, Self::Qualified, Self::BasicallyQualified, Self::Unqualified];

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Outstanding => "优秀",
            Self::Qualified => "合格",
            Self::BasicallyQualified => "基本合格",
            Self::Unqualified => "不合格",
        }
    }
}

/// 民主测评: the ballots cast on one member, by grade (all zero: not recorded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppraisalVotes {
    /// 优秀.
    pub outstanding: u32,
    /// 合格.
    pub qualified: u32,
    /// 基本合格.
    pub basically_qualified: u32,
    /// 不合格.
    pub unqualified: u32,
}

impl AppraisalVotes {
    /// Valid ballots.
    pub fn total(&self) -> u32 {
        self.outstanding + self.qualified + self.basically_qualified + self.unqualified
    }

    /// The ballots for `grade`.
    pub fn of(&self, grade: AppraisalGrade) -> u32 {
        match grade {
            AppraisalGrade::Outstanding => self.outstanding,
            AppraisalGrade::Qualified => self.qualified,
            AppraisalGrade::BasicallyQualified => self.basically_qualified,
            AppraisalGrade::Unqualified => self.unqualified,
        }
    }
}

/// One member's yearly appraisal: 个人自评 → 民主测评 → 支部评定.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAppraisal {
    /// 年度.
    pub year: i32,
    /// The member appraised.
    pub member: MemberId,
    /// 个人自评.
    pub self_assessment: String,
    /// 民主测评 ballots (all zero when not recorded).
    #[serde(default)]
    pub votes: AppraisalVotes,
    /// 支部评定 result.
    pub grade: AppraisalGrade,
    /// The grade the rules suggested when it was decided (from the ballots and the year's records).
    #[serde(default)]
    pub suggested: Option<AppraisalGrade>,
    /// Why the branch decided otherwise than suggested (required then).
    #[serde(default)]
    pub reason: String,
}

impl MemberAppraisal {
    /// Checks the year, the texts, and that a decision against the suggestion gives its reason.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !(2000..=2100).contains(&self.year) {
            return Err(ValidationError::new("年度", "不在2000至2100之间", self.year));
        }
        if self.votes.total() > 100_000 {
            return Err(ValidationError::new("民主测评票数", "超过10万张", self.votes.total()));
        }
        if let Some(suggested) = self.suggested
            && suggested != self.grade
            && self.reason.trim().is_empty()
        {
            return Err(ValidationError::new(
                "评定理由",
                format!("评定为“{}”与建议的“{}”不同，须写明理由", self.grade.label(), suggested.label()),
                "（空）",
            ));
        }
        check_text("个人自评", &self.self_assessment, 5000)?;
        check_text("评定理由", &self.reason, 500)
    }
}
