//! 党费 (NORMS.md, Dues): the monthly dues a member owes from the base confirmed once a year
//! (income bracket or category), the payments (or approved exemptions) that settle months, and
//! which ended months are still owed. Money is kept in fen so every sum is exact.

use super::{MemberId, ValidationError, check_text};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in fen (分).
pub type Fen = i64;

/// `1234` fen as `12.34` (元, two decimals), for forms and documents.
pub fn yuan(fen: Fen) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

/// Parses `12.34`, `12.3`, `12` or `12.34元` into fen; refuses more than two decimals.
pub fn parse_yuan(text: &str) -> Option<Fen> {
    let text = text.trim().trim_end_matches('元').trim().replace([',', '，'], "");
    let (whole, part) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || part.len() > 2 {
        return None;
    }
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let cents = format!("{part:0<2}").parse::<Fen>().ok()?;
    whole.parse::<Fen>().ok()?.checked_mul(100)?.checked_add(cents)
}

/// A calendar month, the unit dues are owed and paid in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    /// The year.
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl YearMonth {
    /// The month `date` falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self { year: date.year(), month: date.month() }
    }

    /// `2025-03` (or `2025-3`, `2025/03`, `2025年3月`).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_end_matches('月');
        let (year, month) = text.split_once(['-', '/', '.', '年'])?;
        let (year, month) = (year.trim().parse::<i32>().ok()?, month.trim().parse::<u32>().ok()?);
        ((2000..=2100).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// The month after.
    pub fn next(self) -> Self {
        if self.month == 12 { Self { year: self.year + 1, month: 1 } } else { Self { month: self.month + 1, ..self } }
    }

    /// Months from `self` to `to`, both included (empty when `to` is earlier).
    pub fn through(self, to: Self) -> impl Iterator<Item = Self> {
        std::iter::successors(Some(self), move |m| Some(m.next()).filter(|n| *n <= to)).take_while(move |m| *m <= to)
    }

    /// Months from `self` to `to`, both included.
    pub fn count_to(self, to: Self) -> i64 {
        i64::from(to.year - self.year) * 12 + i64::from(to.month) - i64::from(self.month) + 1
    }

    /// `2025年3月`.
    pub fn label(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for YearMonth {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text).ok_or_else(|| format!("不是年月（YYYY-MM）：{text}"))
    }
}

impl From<YearMonth> for String {
    fn from(month: YearMonth) -> Self {
        month.to_string()
    }
}

/// What the dues are reckoned from (NORMS.md: income brackets for the employed, pension for
/// retirees, a fixed small amount for farmers, students and the unemployed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuesCategory {
    /// 在职: monthly after-tax income.
    Employed,
    /// 离退休: monthly pension.
    Retired,
    /// 农民: 0.2 to 1 yuan a month.
    Farmer,
    /// 学生.
    Student,
    /// 下岗失业、无固定收入.
    Unemployed,
}

impl DuesCategory {
    /// Every category, in the order forms list them.
    pub const ALL: [DuesCategory; 5] = [Self::Employed, Self::Retired, Self::Farmer, Self::Student, Self::Unemployed];

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Employed => "在职",
            Self::Retired => "离退休",
            Self::Farmer => "农民",
            Self::Student => "学生",
            Self::Unemployed => "下岗失业或无固定收入",
        }
    }

    /// Whether the base is an income (after-tax pay or pension) the rate applies to.
    pub fn has_income(self) -> bool {
        matches!(self, Self::Employed | Self::Retired)
    }
}

/// Up to `up_to` fen of monthly income (none: any amount above the previous bracket), dues are
/// `per_mille` thousandths of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bracket {
    /// The bracket's upper bound, included, in fen.
    pub up_to: Option<Fen>,
    /// The rate in thousandths (5 = 0.5%).
    pub per_mille: u32,
}

/// The dues rates (NORMS.md; a rule file may override them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuesRates {
    /// 在职: after-tax monthly income brackets, lowest first.
    pub employed: Vec<Bracket>,
    /// 离退休: monthly pension brackets, lowest first.
    pub retired: Vec<Bracket>,
    /// 农民: the least a month, in fen.
    pub farmer_min: Fen,
    /// 农民: the most the rule asks a month, in fen.
    pub farmer_max: Fen,
    /// 学生, 下岗失业: a month, in fen.
    pub fixed: Fen,
}

impl Default for DuesRates {
    fn default() -> Self {
        let b = |up_to: Option<Fen>, per_mille| Bracket { up_to, per_mille };
        Self {
            employed: vec![b(Some(300_000), 5), b(Some(500_000), 10), b(Some(1_000_000), 15), b(None, 20)],
            retired: vec![b(Some(500_000), 5), b(None, 10)],
            farmer_min: 20,
            farmer_max: 100,
            fixed: 20,
        }
    }
}

impl DuesRates {
    /// The least a member of `category` with monthly `income` (fen) owes a month: the bracket's
    /// rate of the income, rounded half up to the fen. None when an income is needed and missing.
    pub fn monthly(&self, category: DuesCategory, income: Option<Fen>) -> Option<Fen> {
        let brackets = match category {
            DuesCategory::Employed => &self.employed,
            DuesCategory::Retired => &self.retired,
            DuesCategory::Farmer => return Some(self.farmer_min),
            DuesCategory::Student | DuesCategory::Unemployed => return Some(self.fixed),
        };
        let income = income?;
        let bracket = brackets.iter().find(|b| b.up_to.is_none_or(|up| income <= up)).or(brackets.last())?;
        Some((income * i64::from(bracket.per_mille) + 500) / 1000)
    }

    /// The bracket's rate for an income, as `0.5%`, for forms and documents.
    pub fn rate_label(&self, category: DuesCategory, income: Option<Fen>) -> String {
        let brackets = match category {
            DuesCategory::Employed => &self.employed,
            DuesCategory::Retired => &self.retired,
            _ => return "定额".to_owned(),
        };
        let Some(income) = income else { return String::new() };
        match brackets.iter().find(|b| b.up_to.is_none_or(|up| income <= up)).or(brackets.last()) {
            Some(b) if b.per_mille % 10 == 0 => format!("{}%", b.per_mille / 10),
            Some(b) => format!("{}.{}%", b.per_mille / 10, b.per_mille % 10),
            None => String::new(),
        }
    }
}

/// A member's dues base for a year (党费基数), confirmed once a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuesBase {
    /// The member.
    pub member: MemberId,
    /// The year it is for.
    pub year: i32,
    /// What the dues are reckoned from.
    pub category: DuesCategory,
    /// Monthly after-tax income or pension, in fen (employed and retired members).
    pub income: Option<Fen>,
    /// Dues a month, in fen: at least what the rates give (a member may pay more of their own will).
    pub monthly: Fen,
    /// When the branch confirmed it.
    pub base_confirmed_on: NaiveDate,
    /// 备注.
    pub note: String,
}

impl DuesBase {
    /// Refuses what cannot be true against `rates`; nothing is saved when this fails.
    pub fn validate(&self, rates: &DuesRates) -> Result<(), ValidationError> {
        if !(2000..=2100).contains(&self.year) {
            return Err(ValidationError::new("年度", "应在2000至2100之间", self.year));
        }
        match (self.category.has_income(), self.income) {
            (true, None) => {
                return Err(ValidationError::new("月收入", "在职和离退休党员须填写月收入（税后）或养老金", "（空）"));
            }
            (true, Some(income)) if !(0..=100_000_000).contains(&income) => {
                return Err(ValidationError::new("月收入", "应在0至100万元之间", yuan(income)));
            }
            (false, Some(income)) => {
                return Err(ValidationError::new("月收入", "该类别按定额交纳，不填月收入", yuan(income)));
            }
            _ => {}
        }
        let least = rates.monthly(self.category, self.income).unwrap_or(0);
        if self.monthly < least {
            return Err(ValidationError::new(
                "每月党费",
                format!("少于按标准应交的{}元", yuan(least)),
                format!("{}元", yuan(self.monthly)),
            ));
        }
        if self.monthly > 10_000_000 {
            return Err(ValidationError::new("每月党费", "超过10万元", format!("{}元", yuan(self.monthly))));
        }
        // Confirmed in the year or the year before; later is a base entered afterwards (a branch
        // recording past years), earlier cannot be.
        if self.base_confirmed_on.year() < self.year - 1 {
            return Err(ValidationError::new(
                "确认日期",
                format!("不应早于{}年", self.year - 1),
                self.base_confirmed_on,
            ));
        }
        check_text("备注", &self.note, 200)
    }
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// 现金, handed to the branch's organiser.
    Cash,
    /// 银行转账.
    Transfer,
    /// 工资代扣.
    Payroll,
    /// 线上缴纳 (the party-building app, WeChat).
    Online,
    /// 免交: approved exemption for the months, with its reason; no money.
    Exempt,
}

impl PaymentMethod {
    /// Every method, in the order forms list them.
    pub const ALL: [PaymentMethod; 5] = [Self::Cash, Self::Transfer, Self::Payroll, Self::Online, Self::Exempt];

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Cash => "现金",
            Self::Transfer => "银行转账",
            Self::Payroll => "工资代扣",
            Self::Online => "线上缴纳",
            Self::Exempt => "经批准免交",
        }
    }
}

/// A dues payment for one or more whole months (or an approved exemption for them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuesPayment {
    /// The member.
    pub member: MemberId,
    /// The first month it settles.
    pub from: YearMonth,
    /// The last month it settles (the same as `from` for one month).
    pub to: YearMonth,
    /// The amount paid, in fen (0 for an exemption).
    pub amount: Fen,
    /// When it was paid (or the exemption approved).
    pub paid_on: NaiveDate,
    /// How.
    pub method: PaymentMethod,
    /// 凭证号, or the exemption's reason.
    pub note: String,
}

impl DuesPayment {
    /// The months it settles.
    pub fn months(&self) -> impl Iterator<Item = YearMonth> {
        self.from.through(self.to)
    }

    /// Refuses what cannot be true on its own (the store checks it against the bases).
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.to < self.from {
            return Err(ValidationError::new(
                "截止月份",
                format!("早于起始月份{}", self.from.label()),
                self.to.label(),
            ));
        }
        if self.from.count_to(self.to) > 24 {
            return Err(ValidationError::new(
                "缴费月份",
                "一次最多缴24个月",
                format!("{}至{}", self.from.label(), self.to.label()),
            ));
        }
        match self.method {
            PaymentMethod::Exempt if self.amount != 0 => {
                return Err(ValidationError::new("金额", "免交不收取金额", format!("{}元", yuan(self.amount))));
            }
            PaymentMethod::Exempt if self.note.trim().is_empty() => {
                return Err(ValidationError::new("免交原因", "不能为空", "（空）"));
            }
            PaymentMethod::Exempt => {}
            _ if self.amount <= 0 => {
                return Err(ValidationError::new("金额", "应大于0", format!("{}元", yuan(self.amount))));
            }
            _ => {}
        }
        if self.amount > 100_000_000 {
            return Err(ValidationError::new("金额", "超过100万元", format!("{}元", yuan(self.amount))));
        }
        check_text("备注", &self.note, 200)
    }
}

/// Where a member stands for a year as of a day.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DuesStatus {
    /// Ended months of the year the member owed dues for (a base exists, after joining).
    pub due: Vec<YearMonth>,
    /// Of those, months settled by a payment or exemption.
    pub settled: Vec<YearMonth>,
    /// Of those, months still owed.
    pub owed: Vec<YearMonth>,
    /// What the owed months come to, in fen.
    pub owed_fen: Fen,
    /// Paid within the year (the payments' dates), in fen.
    pub paid_fen: Fen,
    /// The longest run of consecutive unpaid due months reaching into the year (it may start in
    /// an earlier year), oldest first; empty when every due month is settled.
    pub unpaid_run: Vec<YearMonth>,
}

/// A member's dues for `year` as of `as_of`: a month is due once it has ended, if the member had
/// joined by then and a base was confirmed for its year or an earlier one (a year not yet
/// confirmed keeps the last base; before the first base the app knows nothing, so nothing is owed). `bases` and `payments` are the member's, any years.
pub fn status(
    joined_on: NaiveDate,
    bases: &[&DuesBase],
    payments: &[&DuesPayment],
    year: i32,
    as_of: NaiveDate,
) -> DuesStatus {
    let current = YearMonth::of(as_of);
    let joined = YearMonth::of(joined_on);
    // A year whose base is not confirmed yet keeps the last confirmed one.
    let monthly = |m: YearMonth| bases.iter().filter(|b| b.year <= m.year).max_by_key(|b| b.year).map(|b| b.monthly);
    let settled = |m: YearMonth| payments.iter().any(|p| p.from <= m && m <= p.to);
    let is_due = |m: YearMonth| m >= joined && m < current && monthly(m).is_some();
    let mut out = DuesStatus::default();
    let first = YearMonth { year, month: 1 };
    for month in first.through(YearMonth { year, month: 12 }).filter(|m| is_due(*m)) {
        out.due.push(month);
        if settled(month) {
            out.settled.push(month);
        } else {
            out.owed.push(month);
            out.owed_fen += monthly(month).unwrap_or(0);
        }
    }
    out.paid_fen = payments.iter().filter(|p| p.paid_on.year() == year && p.paid_on <= as_of).map(|p| p.amount).sum();
    // The longest run of unpaid due months reaching into the year, across year ends (the months
    // before the first base are not due, so a run never starts before it).
    let Some(first_base) = bases.iter().map(|b| b.year).min() else { return out };
    let start = YearMonth { year: first_base, month: 1 }.max(joined);
    let mut run: Vec<YearMonth> = Vec::new();
    let mut longest: Vec<YearMonth> = Vec::new();
    let touches_year =
        |run: &[YearMonth]| run.first().is_some_and(|f| f.year <= year) && run.last().is_some_and(|l| l.year >= year);
    for month in start.through(YearMonth { year, month: 12 }).filter(|m| *m < current) {
        if is_due(month) && !settled(month) {
            run.push(month);
        } else {
            if touches_year(&run) && run.len() > longest.len() {
                longest = std::mem::take(&mut run);
            }
            run.clear();
        }
    }
    if touches_year(&run) && run.len() > longest.len() {
        longest = run;
    }
    out.unpaid_run = longest;
    out
}
