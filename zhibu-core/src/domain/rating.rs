//! Star ratings (星级评定): configurable indicator sheets with bands and quotas, and scored subjects.

use super::{MemberId, OrgId, SchemeId, ValidationError, require_text};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What a scheme rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingSubjectKind {
    /// 党支部.
    Branch,
    /// 党员.
    Member,
    /// 志愿者.
    Volunteer,
    /// 小区.
    ResidentialCompound,
}

impl RatingSubjectKind {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Branch => "党支部",
            Self::Member => "党员",
            Self::Volunteer => "志愿者",
            Self::ResidentialCompound => "小区",
        }
    }
}

/// One indicator (指标) of a sheet, or one bonus item (加分项).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Stable key used by scores (`org_building`).
    pub key: String,
    /// The name printed in the sheet's header (`组织建设`).
    pub name: String,
    /// 分值: the most a subject can score on it.
    pub max_score: f64,
}

/// A band: a total of at least `min_score` earns `stars`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StarBand {
    /// The lowest total in the band.
    pub min_score: f64,
    /// Stars awarded (1–5).
    pub stars: u8,
}

/// A quota: at most `max_percent` of the rated subjects may receive `stars`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Quota {
    /// The star level the quota limits.
    pub stars: u8,
    /// Its maximum share, in percent.
    pub max_percent: f64,
}

/// An indicator sheet: indicators, bonus items, bands and quotas. Never hard-coded: a plugin or the user supplies it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingScheme {
    /// Stable key (`branch-star-2025`), unique in the database.
    pub key: String,
    /// The sheet's name (`党支部星级评定指标`).
    pub name: String,
    /// Who supplied it: `user` or a plugin id.
    pub source: String,
    /// What it rates.
    pub subject_kind: RatingSubjectKind,
    /// The scored indicators.
    pub indicators: Vec<Indicator>,
    /// Bonus items on top of the indicators.
    pub bonus: Vec<Indicator>,
    /// Bands, any order; the highest band a total reaches applies.
    pub bands: Vec<StarBand>,
    /// Quotas across the subjects rated together (may be empty).
    pub quotas: Vec<Quota>,
}

impl RatingScheme {
    /// Checks keys, maxima, bands and quotas.
    pub fn validate(&self) -> Result<(), ValidationError> {
        require_text("评定方案标识", &self.key, 60)?;
        require_text("评定方案名称", &self.name, 60)?;
        if self.indicators.is_empty() {
            return Err(ValidationError::new("指标", "至少需要一项", &self.name));
        }
        let mut keys = HashSet::new();
        for indicator in self.indicators.iter().chain(&self.bonus) {
            require_text("指标名称", &indicator.name, 30)?;
            if !keys.insert(indicator.key.as_str()) {
                return Err(ValidationError::new("指标标识", "重复", &indicator.key));
            }
            if !(indicator.max_score.is_finite() && indicator.max_score > 0.0) {
                return Err(ValidationError::new("指标分值", "应为正数", indicator.max_score));
            }
        }
        if self.bands.is_empty() {
            return Err(ValidationError::new("星级标准", "至少需要一档", &self.name));
        }
        for band in &self.bands {
            if !(1..=5).contains(&band.stars) {
                return Err(ValidationError::new("星级", "应为1至5", band.stars));
            }
            if !(band.min_score.is_finite() && band.min_score >= 0.0 && band.min_score <= self.max_total()) {
                return Err(ValidationError::new(
                    "星级分数线",
                    format!("应在0至{}之间", self.max_total()),
                    band.min_score,
                ));
            }
        }
        for quota in &self.quotas {
            if !(quota.max_percent.is_finite() && quota.max_percent > 0.0 && quota.max_percent <= 100.0) {
                return Err(ValidationError::new("名额比例", "应在0至100之间", quota.max_percent));
            }
        }
        Ok(())
    }

    /// The most a subject can score, bonus included (often 110).
    pub fn max_total(&self) -> f64 {
        self.indicators.iter().chain(&self.bonus).map(|i| i.max_score).sum()
    }

    /// Stars for a total: the highest band reached, or 0 below every band.
    pub fn stars_for(&self, total: f64) -> u8 {
        self.bands.iter().filter(|b| total >= b.min_score).map(|b| b.stars).max().unwrap_or(0)
    }

    /// Checks `scores` against the sheet: every indicator scored once, none above its maximum.
    pub fn check_scores(&self, scores: &[IndicatorScore]) -> Result<(), ValidationError> {
        let mut seen = HashSet::new();
        for score in scores {
            let Some(indicator) = self.indicators.iter().chain(&self.bonus).find(|i| i.key == score.key) else {
                return Err(ValidationError::new("评分指标", "不在评定方案中", &score.key));
            };
            if !seen.insert(score.key.as_str()) {
                return Err(ValidationError::new("评分指标", "重复评分", &indicator.name));
            }
            if !(score.score.is_finite() && score.score >= 0.0 && score.score <= indicator.max_score) {
                return Err(ValidationError::new(
                    "得分",
                    format!("应在0至{}之间（{}）", indicator.max_score, indicator.name),
                    score.score,
                ));
            }
        }
        if let Some(missing) = self.indicators.iter().find(|i| !seen.contains(i.key.as_str())) {
            return Err(ValidationError::new("得分", "缺少指标", &missing.name));
        }
        Ok(())
    }
}

/// A score on one indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorScore {
    /// The indicator's key.
    pub key: String,
    /// The points given.
    pub score: f64,
}

/// One subject's rating for a year under a scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StarRating {
    /// The sheet used.
    pub scheme: SchemeId,
    /// 年度.
    pub year: i32,
    /// The subject's display name (a branch, a member, a compound).
    pub subject_name: String,
    /// The subject, when it is an organization in the database.
    pub subject_org: Option<OrgId>,
    /// The subject, when it is a member.
    pub subject_member: Option<MemberId>,
    /// Points per indicator.
    pub scores: Vec<IndicatorScore>,
}

impl StarRating {
    /// The total of all indicator and bonus scores.
    pub fn total(&self) -> f64 {
        self.scores.iter().map(|s| s.score).sum()
    }

    /// Checks the subject and the scores against `scheme`.
    pub fn validate(&self, scheme: &RatingScheme) -> Result<(), ValidationError> {
        if !(2000..=2100).contains(&self.year) {
            return Err(ValidationError::new("年度", "不在2000至2100之间", self.year));
        }
        require_text("评定对象", &self.subject_name, 60)?;
        scheme.check_scores(&self.scores)
    }
}

/// Stars as printed in documents: `★★★★☆` (filled then hollow, out of five).
pub fn star_string(stars: u8) -> String {
    let filled = usize::from(stars.min(5));
    format!("{}{}", "★".repeat(filled), "☆".repeat(5 - filled))
}
