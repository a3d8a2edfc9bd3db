//! Star ratings (星级评定): the subjects a branch rates, versioned indicator sheets with bands,
//! quotas and indicators bound to measures the records hold, scored ratings, and what follows from
//! a year's results: the move since last year, what lifts a subject to the next star, the ranking
//! and the quota check.

use super::{MemberId, OrgId, SchemeId, SubjectId, ValidationError, VolunteerId, require_text};
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
    /// 业主委员会（业委会）.
    OwnersCommittee,
    /// 物业服务企业.
    PropertyCompany,
    /// 网格员.
    GridWorker,
}

impl RatingSubjectKind {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Branch => "党支部",
            Self::Member => "党员",
            Self::Volunteer => "志愿者",
            Self::ResidentialCompound => "小区",
            Self::OwnersCommittee => "业委会",
            Self::PropertyCompany => "物业服务企业",
            Self::GridWorker => "网格员",
        }
    }

    /// Every kind, in the order the window lists them.
    pub const ALL: [Self; 7] = [
        Self::Branch,
        Self::ResidentialCompound,
        Self::OwnersCommittee,
        Self::PropertyCompany,
        Self::GridWorker,
        Self::Volunteer,
        Self::Member,
    ];
}

/// Someone or something a branch rates (评定对象): a branch, a 小区, a 业委会, a property company, a
/// grid worker, a volunteer or a member, registered once under the branch that rates it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingSubject {
    /// The branch that rates it (and keeps its register).
    pub branch: OrgId,
    /// What it is.
    pub kind: RatingSubjectKind,
    /// Its name (`锦绣花园小区`), unique among the branch's subjects of its kind.
    pub name: String,
    /// The organisation whose records measure it (a branch rates itself; a 小区 is measured by the
    /// records of the 小区's own branch); none when nothing it does is in the records.
    #[serde(default)]
    pub org: Option<OrgId>,
    /// The member, when it is a member (or a grid worker who is one).
    #[serde(default)]
    pub member: Option<MemberId>,
    /// The registered volunteer, when it is one who is not a member.
    #[serde(default)]
    pub volunteer: Option<VolunteerId>,
    /// 备注.
    #[serde(default)]
    pub note: String,
}

impl RatingSubject {
    /// Checks the name and that the links fit the kind.
    pub fn validate(&self) -> Result<(), ValidationError> {
        require_text("评定对象名称", &self.name, 60)?;
        if self.kind == RatingSubjectKind::Member && self.member.is_none() {
            return Err(ValidationError::new("评定对象", "党员须从名册中选择", &self.name));
        }
        if self.kind == RatingSubjectKind::Branch && self.org.is_none() {
            return Err(ValidationError::new("评定对象", "党支部须从组织中选择", &self.name));
        }
        Ok(())
    }
}

/// A figure the records already hold, to which an indicator may be bound: the indicator is then
/// filled in from the records (its maximum times the figure's share), the rest are entered by hand.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    /// Meetings held against those the rules require in the year (三会一课 and the rest), capped at 1.
    MeetingsHeld,
    /// The year's attendance rate (present of those expected, leave counted absent).
    AttendanceRate,
    /// Volunteer hours per member (a member subject: their own hours); full marks at `full_at` hours.
    VolunteerHours {
        /// Hours per member that earn the full score.
        full_at: f64,
    },
    /// Dues months settled (paid or exempted) of the months due so far.
    DuesOnTime,
    /// Compliance findings of the year: the maximum less `deduct` per finding, not below 0.
    Findings {
        /// Points taken off per finding.
        deduct: f64,
    },
}

impl Measure {
    /// Every measure with its default setting, in the order the window lists them.
    pub const ALL: [Self; 5] = [
        Self::MeetingsHeld,
        Self::AttendanceRate,
        Self::VolunteerHours { full_at: 20.0 },
        Self::DuesOnTime,
        Self::Findings { deduct: 2.0 },
    ];

    /// The Chinese name of the figure.
    pub fn label(self) -> &'static str {
        match self {
            Self::MeetingsHeld => "会议按时召开",
            Self::AttendanceRate => "参会率",
            Self::VolunteerHours { .. } => "人均志愿服务时长",
            Self::DuesOnTime => "党费按时交纳",
            Self::Findings { .. } => "合规问题",
        }
    }

    /// The same measure (kind) ignoring its setting.
    pub fn same_kind(self, other: Self) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }

    /// The score for `figure` on an indicator worth `max`, to one decimal.
    pub fn score(self, figure: MeasuredFigure, max: f64) -> f64 {
        let share = match self {
            Self::MeetingsHeld | Self::AttendanceRate | Self::DuesOnTime => {
                if figure.of > 0.0 {
                    figure.value / figure.of
                } else {
                    1.0
                }
            }
            Self::VolunteerHours { full_at } => {
                if full_at > 0.0 && figure.of > 0.0 {
                    figure.value / figure.of / full_at
                } else {
                    0.0
                }
            }
            Self::Findings { deduct } => return round1((max - deduct * figure.value).clamp(0.0, max)),
        };
        round1(max * share.clamp(0.0, 1.0))
    }

    fn validate(self) -> Result<(), ValidationError> {
        match self {
            Self::VolunteerHours { full_at } if !(full_at.is_finite() && full_at > 0.0) => {
                Err(ValidationError::new("满分时长", "应为正数", full_at))
            }
            Self::Findings { deduct } if !(deduct.is_finite() && deduct > 0.0) => {
                Err(ValidationError::new("每项扣分", "应为正数", deduct))
            }
            _ => Ok(()),
        }
    }
}

/// A figure read from the records for a [`Measure`]: `value` of `of` (held of required, present
/// of expected, hours of members, settled of due months; findings: `value` findings, `of` unused).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeasuredFigure {
    /// The count or amount.
    pub value: f64,
    /// What it is counted against.
    pub of: f64,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
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
    /// The figure it is filled in from, when the records hold it (none: entered by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<Measure>,
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
    /// Stable key (`branch-star`), shared by the sheet's versions.
    pub key: String,
    /// The version (1, 2, …): adjusting a sheet that has results makes a new version, so last
    /// year's results keep last year's sheet.
    #[serde(default = "first_version")]
    pub version: u32,
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

fn first_version() -> u32 {
    1
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
            if let Some(measure) = indicator.measure {
                measure.validate()?;
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
        let mut levels = HashSet::new();
        for band in &self.bands {
            if !levels.insert(band.stars) {
                return Err(ValidationError::new("星级标准", "同一星级只能有一档", band.stars));
            }
        }
        for quota in &self.quotas {
            if !(quota.max_percent.is_finite() && quota.max_percent > 0.0 && quota.max_percent <= 100.0) {
                return Err(ValidationError::new("名额比例", "应在0至100之间", quota.max_percent));
            }
        }
        Ok(())
    }

    /// Every indicator, bonus items last.
    pub fn all_indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.indicators.iter().chain(&self.bonus)
    }

    /// What lifts a subject with `scores` to the next star: the lowest band above the stars it
    /// has, the points still needed, and the indicators with room left, largest gap first (a gap
    /// is in points, so an indicator worth more weighs more). None at the top band.
    pub fn next_star(&self, scores: &[IndicatorScore]) -> Option<NextStar> {
        let total: f64 = scores.iter().map(|s| s.score).sum();
        let stars = self.stars_for(total);
        let band = self.bands.iter().filter(|b| b.stars > stars).min_by(|a, b| a.min_score.total_cmp(&b.min_score))?;
        let mut gaps: Vec<Gap> = self
            .all_indicators()
            .map(|i| {
                let score = scores.iter().find(|s| s.key == i.key).map_or(0.0, |s| s.score);
                Gap {
                    key: i.key.clone(),
                    name: i.name.clone(),
                    score,
                    max: i.max_score,
                    gap: round1(i.max_score - score),
                }
            })
            .filter(|g| g.gap > 0.0)
            .collect();
        gaps.sort_by(|a, b| b.gap.total_cmp(&a.gap).then(b.max.total_cmp(&a.max)));
        Some(NextStar { stars: band.stars, points_needed: round1((band.min_score - total).max(0.0)), gaps })
    }
}

/// The next star within reach: see [`RatingScheme::next_star`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextStar {
    /// The stars of the next band.
    pub stars: u8,
    /// Points still needed to reach it.
    pub points_needed: f64,
    /// Indicators with room left, largest gap first.
    pub gaps: Vec<Gap>,
}

/// One indicator's room left: its maximum less the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// The indicator's key.
    pub key: String,
    /// Its name.
    pub name: String,
    /// The score it has.
    pub score: f64,
    /// Its maximum.
    pub max: f64,
    /// Maximum less score.
    pub gap: f64,
}

/// The change of stars since last year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "by", rename_all = "snake_case")]
pub enum Move {
    /// Not rated last year.
    New,
    /// As many stars as last year.
    Same,
    /// More stars than last year, by so many.
    Up(u8),
    /// Fewer stars than last year, by so many.
    Down(u8),
}

impl Move {
    /// From last year's stars (if rated) to this year's.
    pub fn between(last_year: Option<u8>, stars: u8) -> Self {
        match last_year {
            None => Self::New,
            Some(before) if stars > before => Self::Up(stars - before),
            Some(before) if stars < before => Self::Down(before - stars),
            Some(_) => Self::Same,
        }
    }

    /// As printed: 新评, 持平, 升1星, 降2星.
    pub fn label(self) -> String {
        match self {
            Self::New => "新评".into(),
            Self::Same => "持平".into(),
            Self::Up(n) => format!("升{n}星"),
            Self::Down(n) => format!("降{n}星"),
        }
    }
}

/// Competition ranks of `totals` (highest first; equal totals share a rank and the next rank
/// skips: 1, 2, 2, 4), in the order given.
pub fn ranks(totals: &[f64]) -> Vec<u32> {
    totals.iter().map(|t| 1 + totals.iter().filter(|o| round1(**o) > round1(*t)).count() as u32).collect()
}

/// One quota's check across the subjects rated together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotaCheck {
    /// The star level.
    pub stars: u8,
    /// Its maximum share, in percent.
    pub max_percent: f64,
    /// Places: ⌊subjects × share⌋.
    pub allowed: u32,
    /// Subjects rated at that level.
    pub count: u32,
}

impl QuotaCheck {
    /// Whether more subjects have the level than the quota allows.
    pub fn exceeded(&self) -> bool {
        self.count > self.allowed
    }
}

/// Checks `scheme`'s quotas against the stars of every subject rated together.
pub fn check_quotas(scheme: &RatingScheme, stars: &[u8]) -> Vec<QuotaCheck> {
    let n = stars.len() as f64;
    scheme
        .quotas
        .iter()
        .map(|q| QuotaCheck {
            stars: q.stars,
            max_percent: q.max_percent,
            // The tiny epsilon keeps 10 × 30% at 3 places despite binary fractions.
            allowed: (n * q.max_percent / 100.0 + 1e-9).floor() as u32,
            count: stars.iter().filter(|&&s| s == q.stars).count() as u32,
        })
        .collect()
}

impl RatingScheme {
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

/// One subject's star rating for a year under a scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StarRating {
    /// The sheet used (the version in force when it was rated).
    pub scheme: SchemeId,
    /// 年度.
    pub year: i32,
    /// Who or what is rated.
    pub subject: SubjectId,
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
        scheme.check_scores(&self.scores)
    }
}

/// Stars as printed in documents: `★★★★☆` (filled then hollow, out of five).
pub fn star_string(stars: u8) -> String {
    let filled = usize::from(stars.min(5));
    format!("{}{}", "★".repeat(filled), "☆".repeat(5 - filled))
}
