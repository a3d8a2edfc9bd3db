//! The rule set: every number of NORMS.md as a default, with the clause it comes from,
//! and the override file an installation may use for its local variant.

use crate::domain::{BranchCategory, MeetingKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The version of the built-in defaults; bumped whenever a default changes.
pub const DEFAULT_VERSION: &str = "zhibu-default-2026.1";

pub(super) const BRANCH_REGULATIONS: &str = "《中国共产党支部工作条例（试行）》";

/// Why an override file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The file could not be read.
    #[error("无法读取规则文件（{source}）：{path}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or names unknown settings.
    #[error("规则文件格式有误（{message}）：{path}")]
    Parse {
        /// The file.
        path: std::path::PathBuf,
        /// The parser's explanation.
        message: String,
    },
    /// A value is outside what the rules can use.
    #[error("规则文件中的{field}{problem}：{value}")]
    Invalid {
        /// The setting's name.
        field: String,
        /// What is wrong with it.
        problem: &'static str,
        /// The value found.
        value: String,
    },
}

/// "More than num/den of": written `"1/2"` in rule files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ratio {
    /// Numerator.
    pub num: u32,
    /// Denominator (never 0).
    pub den: u32,
}

impl Ratio {
    /// Whether `count` is more than this share of `of`.
    pub fn exceeded_by(self, count: u32, of: u32) -> bool {
        u64::from(count) * u64::from(self.den) > u64::from(of) * u64::from(self.num)
    }

    /// Chinese wording: `半数` for 1/2, otherwise `4/5`.
    pub fn label(self) -> String {
        if self.num * 2 == self.den { "半数".to_owned() } else { format!("{}/{}", self.num, self.den) }
    }
}

impl TryFrom<String> for Ratio {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        let (num, den) = text.split_once('/').ok_or_else(|| format!("比例应写成“分子/分母”：{text}"))?;
        let num: u32 = num.trim().parse().map_err(|_| format!("比例的分子不是整数：{text}"))?;
        let den: u32 = den.trim().parse().map_err(|_| format!("比例的分母不是整数：{text}"))?;
        if den == 0 || num > den {
            return Err(format!("比例应在0到1之间：{text}"));
        }
        Ok(Self { num, den })
    }
}

impl From<Ratio> for String {
    fn from(r: Ratio) -> Self {
        format!("{}/{}", r.num, r.den)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// How often a meeting type is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every calendar month.
    Monthly,
    /// Every calendar quarter.
    Quarterly,
    /// At least once a calendar year.
    Yearly,
    /// Not required (a local variant may switch a requirement off).
    None,
}

impl Frequency {
    /// The Chinese wording (`每月`).
    pub fn label(self) -> &'static str {
        match self {
            Self::Monthly => "每月",
            Self::Quarterly => "每季度",
            Self::Yearly => "每年",
            Self::None => "不作要求",
        }
    }
}

/// How often a meeting type must be held, and where that is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingRule {
    /// The required frequency.
    pub frequency: Frequency,
    /// The clause cited in findings.
    pub clause: String,
}

/// The attendance and vote thresholds of a meeting type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuorumRule {
    /// The meeting is valid only when those present (with voting rights, for general meetings
    /// and elections) are more than this share of those expected.
    pub present_more_than: Ratio,
    /// A motion passes (a candidate is elected) only with yes votes above this share of those
    /// expected to attend with voting rights.
    pub yes_more_than: Option<Ratio>,
    /// The clause cited in findings.
    pub clause: String,
}

/// Term lengths and the expiry warnings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermRules {
    /// Term length in years per branch category.
    pub years: BTreeMap<BranchCategory, u32>,
    /// Warn this many months before expiry (largest first: 6, then 3).
    pub warn_months: Vec<u32>,
    /// The clause cited in findings.
    pub clause: String,
}

/// The six-month participation flag (党章第九条).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipationRule {
    /// Consecutive months without taking part that raise the flag.
    pub months: u32,
    /// The clause cited in findings.
    pub clause: String,
}

/// Branch size and committee composition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchSizeRules {
    /// A branch needs at least this many full members.
    pub min_full_members: u32,
    /// A branch generally has at most this many members.
    pub max_members: u32,
    /// From this many full members a committee (支委会) is set up.
    pub committee_from_full_members: u32,
    /// Smallest committee.
    pub committee_min: u32,
    /// Largest committee.
    pub committee_max: u32,
    /// The clause cited in findings.
    pub clause: String,
}

/// Volunteer star levels by cumulative hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolunteerStarRule {
    /// Hours needed for one to five stars, ascending.
    pub hours: Vec<f64>,
    /// Where the levels come from.
    pub clause: String,
}

/// Dues (党费): the rates and the unpaid-months flag (党章第九条).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuesRule {
    /// The rates by category and bracket.
    pub rates: crate::domain::DuesRates,
    /// Consecutive ended months unpaid that raise the flag.
    pub months: u32,
    /// The clause cited in findings.
    pub clause: String,
}

/// The 民主评议党员 suggestion from the 民主测评 ballots (the branch decides; NORMS.md gives no
/// numbers, so these are the common practice and a rule file may change them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppraisalRule {
    /// 优秀 ballots above this share of the valid ones suggest 优秀.
    pub outstanding_more_than: Ratio,
    /// 基本合格 and 不合格 ballots together above this share suggest 基本合格.
    pub below_qualified_more_than: Ratio,
    /// 不合格 ballots above this share suggest 不合格.
    pub unqualified_more_than: Ratio,
    /// Where the procedure comes from.
    pub clause: String,
}

/// The overall grade of a 述职评议 from its ballots (the branch or the higher committee decides;
/// the review form and the documents show where the ballots point).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutyReviewRule {
    /// 好 needs at least this share of valid ballots for 好, in percent …
    pub excellent_percent: u32,
    /// … and fewer 差 than this share.
    pub poor_below_percent: u32,
    /// 较好 needs 好 and 较好 together at least this share.
    pub good_percent: u32,
}

/// 差额 in committee elections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionRule {
    /// Candidates must exceed the seats by at least this share, in percent (20).
    pub margin_percent: u32,
    /// The clause.
    pub clause: String,
}

/// The whole rule set. [`RuleSet::default`] is NORMS.md; [`RuleSet::load`] applies a local file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// The rule set's version, printed with every compliance result.
    pub version: String,
    /// Required frequency per meeting type.
    pub meetings: BTreeMap<MeetingKind, MeetingRule>,
    /// Quorum and vote thresholds per meeting type.
    pub quorum: BTreeMap<MeetingKind, QuorumRule>,
    /// Terms.
    pub terms: TermRules,
    /// The six-month participation flag.
    pub participation: ParticipationRule,
    /// Branch size and committee.
    pub branch_size: BranchSizeRules,
    /// Volunteer star levels.
    pub volunteer_stars: VolunteerStarRule,
    /// Elections (差额).
    pub elections: ElectionRule,
    /// Dues rates and the unpaid flag.
    pub dues: DuesRule,
    /// The appraisal suggestion.
    pub appraisal: AppraisalRule,
    /// The duty review's grade from its ballots.
    pub duty_review: DutyReviewRule,
}

impl Default for RuleSet {
    fn default() -> Self {
        let art = |n: &str| format!("{BRANCH_REGULATIONS}{n}");
        let rule = |frequency, clause: String| MeetingRule { frequency, clause };
        let meetings = BTreeMap::from([
            (MeetingKind::GeneralMeeting, rule(Frequency::Quarterly, art("第十一条"))),
            (MeetingKind::CommitteeMeeting, rule(Frequency::Monthly, art("第十二条"))),
            (MeetingKind::GroupMeeting, rule(Frequency::Monthly, art("第十三条"))),
            (MeetingKind::PartyLecture, rule(Frequency::Quarterly, art("第十六条"))),
            (MeetingKind::ThemeDay, rule(Frequency::Monthly, art("第十六条"))),
            (MeetingKind::OrgLifeMeeting, rule(Frequency::Yearly, art("第十七条"))),
            (MeetingKind::HeartToHeartTalk, rule(Frequency::Yearly, art("第十八条"))),
            (MeetingKind::MemberAppraisal, rule(Frequency::Yearly, art("第十九条"))),
        ]);
        let half = Ratio { num: 1, den: 2 };
        let quorum = BTreeMap::from([
            (
                MeetingKind::GeneralMeeting,
                QuorumRule { present_more_than: half, yes_more_than: Some(half), clause: art("第十一条") },
            ),
            (
                MeetingKind::CommitteeMeeting,
                QuorumRule { present_more_than: half, yes_more_than: Some(half), clause: art("第十二条") },
            ),
            (
                MeetingKind::TermChange,
                QuorumRule {
                    present_more_than: Ratio { num: 4, den: 5 },
                    yes_more_than: Some(half),
                    clause: "《中国共产党基层组织选举工作条例》".to_owned(),
                },
            ),
        ]);
        Self {
            version: DEFAULT_VERSION.to_owned(),
            meetings,
            quorum,
            terms: TermRules {
                years: BTreeMap::from([
                    (BranchCategory::Community, 5),
                    (BranchCategory::Village, 5),
                    (BranchCategory::Enterprise, 3),
                    (BranchCategory::Institution, 3),
                    (BranchCategory::Other, 3),
                ]),
                warn_months: vec![6, 3],
                clause: art("第二十二条"),
            },
            participation: ParticipationRule { months: 6, clause: "《中国共产党章程》第九条".to_owned() },
            branch_size: BranchSizeRules {
                min_full_members: 3,
                max_members: 50,
                committee_from_full_members: 7,
                committee_min: 3,
                committee_max: 7,
                clause: art("第八条、第二十条"),
            },
            volunteer_stars: VolunteerStarRule {
                hours: vec![100.0, 300.0, 600.0, 1000.0, 1500.0],
                clause: "《中国注册志愿者管理办法》星级认定".to_owned(),
            },
            elections: ElectionRule {
                margin_percent: 20,
                clause: "《中国共产党基层组织选举工作条例》第十二条".to_owned(),
            },
            dues: DuesRule {
                rates: crate::domain::DuesRates::default(),
                months: 6,
                clause: "《中国共产党章程》第九条".to_owned(),
            },
            appraisal: AppraisalRule {
                outstanding_more_than: half,
                below_qualified_more_than: Ratio { num: 1, den: 3 },
                unqualified_more_than: Ratio { num: 1, den: 3 },
                clause: "中共中央组织部《关于建立民主评议党员制度的意见》".to_owned(),
            },
            duty_review: DutyReviewRule { excellent_percent: 60, poor_below_percent: 10, good_percent: 60 },
        }
    }
}

impl RuleSet {
    /// The defaults with the settings of the TOML file at `path` laid over them: tables are
    /// merged key by key (so a file may change one meeting type only), other values replace.
    /// Unknown settings are refused, so a misspelt key cannot silently do nothing.
    pub fn load(path: &Path) -> Result<Self, RulesError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| RulesError::Read { path: path.to_owned(), source })?;
        Self::from_override(&text).map_err(|message| match message {
            OverrideError::Parse(message) => RulesError::Parse { path: path.to_owned(), message },
            OverrideError::Invalid(e) => e,
        })
    }

    /// The defaults overlaid with an override file's text.
    fn from_override(text: &str) -> Result<Self, OverrideError> {
        let overlay: toml::Table =
            text.parse().map_err(|e: toml::de::Error| OverrideError::Parse(e.message().to_owned()))?;
        let mut base = toml::Table::try_from(Self::default()).map_err(|e| OverrideError::Parse(e.to_string()))?;
        let local_version = overlay.get("version").and_then(|v| v.as_str()).map(str::to_owned);
        merge(&mut base, overlay);
        let mut rules: Self = toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| OverrideError::Parse(e.message().to_owned()))?;
        rules.version = match local_version {
            Some(local) => format!("{DEFAULT_VERSION}+{local}"),
            None => format!("{DEFAULT_VERSION}+local"),
        };
        rules.check().map_err(OverrideError::Invalid)?;
        Ok(rules)
    }

    /// Refuses values the evaluation cannot use.
    fn check(&self) -> Result<(), RulesError> {
        let invalid =
            |field: &str, problem, value: String| RulesError::Invalid { field: field.to_owned(), problem, value };
        if self.participation.months == 0 {
            return Err(invalid("participation.months", "应大于0", "0".into()));
        }
        if let Some((category, _)) = self.terms.years.iter().find(|(_, y)| **y == 0 || **y > 10) {
            return Err(invalid("terms.years", "应在1至10年之间", category.label().into()));
        }
        let review = &self.duty_review;
        if [review.excellent_percent, review.poor_below_percent, review.good_percent].iter().any(|p| *p > 100) {
            return Err(invalid("duty_review", "比例应在0至100之间", format!("{review:?}")));
        }
        if self.dues.months == 0 {
            return Err(invalid("dues.months", "应大于0", "0".into()));
        }
        let rates = &self.dues.rates;
        for (field, brackets) in [("dues.rates.employed", &rates.employed), ("dues.rates.retired", &rates.retired)] {
            let ascending = brackets.windows(2).all(|w| {
                matches!((w[0].up_to, w[1].up_to), (Some(a), Some(b)) if a < b)
                    || matches!((w[0].up_to, w[1].up_to), (Some(_), None))
            });
            let open_last = brackets.last().is_some_and(|b| b.up_to.is_none());
            if !ascending || !open_last || brackets.iter().any(|b| b.per_mille == 0 || b.per_mille > 100) {
                return Err(invalid(
                    field,
                    "档次应从低到高、最后一档不设上限、比例在0.1%至10%之间",
                    format!("{brackets:?}"),
                ));
            }
        }
        if rates.farmer_min <= 0 || rates.farmer_min > rates.farmer_max || rates.fixed <= 0 {
            return Err(invalid(
                "dues.rates",
                "农民和定额党费应大于0，且下限不超过上限",
                format!("{} {} {}", rates.farmer_min, rates.farmer_max, rates.fixed),
            ));
        }
        if self.volunteer_stars.hours.windows(2).any(|w| w[0] >= w[1]) {
            return Err(invalid(
                "volunteer_stars.hours",
                "应从小到大排列",
                format!("{:?}", self.volunteer_stars.hours),
            ));
        }
        Ok(())
    }

    /// The thresholds an election record is checked against.
    pub fn election_rules(&self) -> crate::domain::ElectionRules {
        crate::domain::ElectionRules { margin_percent: self.elections.margin_percent }
    }

    /// Term length in years for a branch of `category`.
    pub fn term_years(&self, category: BranchCategory) -> u32 {
        self.terms.years.get(&category).copied().unwrap_or(3)
    }

    /// Volunteer stars (0–5) for `hours` of cumulative service.
    pub fn volunteer_star(&self, hours: f64) -> u8 {
        self.volunteer_stars.hours.iter().filter(|&&needed| hours >= needed).count().min(5) as u8
    }
}

enum OverrideError {
    Parse(String),
    Invalid(RulesError),
}

/// Lays `overlay` over `base`: tables merge recursively, anything else replaces.
fn merge(base: &mut toml::Table, overlay: toml::Table) {
    for (key, value) in overlay {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(existing)), toml::Value::Table(incoming)) => merge(existing, incoming),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_changes_one_meeting_type_and_keeps_the_rest() {
        let rules =
            RuleSet::from_override("version = \"某区2026\"\n[meetings.party_lecture]\nfrequency = \"monthly\"\n")
                .map_err(|_| "parse")
                .unwrap();
        assert_eq!(rules.meetings[&MeetingKind::PartyLecture].frequency, Frequency::Monthly);
        assert_eq!(
            rules.meetings[&MeetingKind::PartyLecture].clause,
            RuleSet::default().meetings[&MeetingKind::PartyLecture].clause
        );
        assert_eq!(rules.meetings[&MeetingKind::CommitteeMeeting].frequency, Frequency::Monthly);
        assert_eq!(rules.version, "zhibu-default-2026.1+某区2026");
    }

    #[test]
    fn override_with_unknown_key_is_refused() {
        assert!(RuleSet::from_override("[participation]\nmonth = 3\n").is_err());
        assert!(RuleSet::from_override("[quorum.general_meeting]\npresent_more_than = \"3/2\"\n").is_err());
    }

    #[test]
    fn volunteer_star_levels() {
        let rules = RuleSet::default();
        assert_eq!(rules.volunteer_star(99.5), 0);
        assert_eq!(rules.volunteer_star(100.0), 1);
        assert_eq!(rules.volunteer_star(1499.0), 4);
        assert_eq!(rules.volunteer_star(2000.0), 5);
    }
}
