//! `zhibu dues …`: a member's base for a year from the rates, a payment or exemption for whole
//! months, and a branch's dues for a year (each member's months settled and owed, the six-month
//! flag). Bank and payroll lists go in through `zhibu import dues`.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;
use zhibu_core::domain::{
    DuesBase, DuesCategory, DuesPayment, MemberId, OrgId, PaymentMethod, YearMonth, parse_yuan, yuan,
};
use zhibu_core::rules::RuleSet;
use zhibu_core::store::Store;

/// 党费类别 on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Category {
    /// 在职（按税后月收入）
    Employed,
    /// 离退休（按养老金）
    Retired,
    /// 农民
    Farmer,
    /// 学生
    Student,
    /// 下岗失业或无固定收入
    Unemployed,
}

impl From<Category> for DuesCategory {
    fn from(category: Category) -> Self {
        match category {
            Category::Employed => Self::Employed,
            Category::Retired => Self::Retired,
            Category::Farmer => Self::Farmer,
            Category::Student => Self::Student,
            Category::Unemployed => Self::Unemployed,
        }
    }
}

/// 缴纳方式 on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// 现金
    Cash,
    /// 银行转账
    Transfer,
    /// 工资代扣
    Payroll,
    /// 线上缴纳
    Online,
    /// 经批准免交（须在 --note 写明原因）
    Exempt,
}

impl From<Method> for PaymentMethod {
    fn from(method: Method) -> Self {
        match method {
            Method::Cash => Self::Cash,
            Method::Transfer => Self::Transfer,
            Method::Payroll => Self::Payroll,
            Method::Online => Self::Online,
            Method::Exempt => Self::Exempt,
        }
    }
}

/// `zhibu dues …`.
#[derive(Debug, Subcommand)]
pub enum DuesCommand {
    /// 确认党员某年度的党费基数：按类别和月收入算出每月党费（同一年度再次确认即更正）
    Base {
        /// 党员编号
        #[arg(long)]
        member: i64,
        /// 年度
        #[arg(long)]
        year: i32,
        /// 类别
        #[arg(long, value_enum)]
        category: Category,
        /// 税后月收入或养老金（元；在职、离退休必填）
        #[arg(long, value_name = "元")]
        income: Option<String>,
        /// 每月党费（元；默认按标准计算，自愿多交可填更多；农民可在0.2至1元间选择）
        #[arg(long, value_name = "元")]
        monthly: Option<String>,
        /// 确认日期（默认今天）
        #[arg(long, value_name = "YYYY-MM-DD")]
        confirmed_on: Option<NaiveDate>,
        /// 备注
        #[arg(long, default_value = "")]
        note: String,
        /// 本地规则文件（TOML），覆盖默认的党费标准
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
    /// 记录一笔党费（整月，可一次缴多个月），或经批准的免交
    Pay {
        /// 党员编号
        #[arg(long)]
        member: i64,
        /// 起始月份
        #[arg(long, value_name = "YYYY-MM")]
        from: String,
        /// 截止月份（默认与起始月份相同）
        #[arg(long, value_name = "YYYY-MM")]
        to: Option<String>,
        /// 金额（元；默认为这些月份应交的合计）
        #[arg(long, value_name = "元")]
        amount: Option<String>,
        /// 缴纳日期（默认今天）
        #[arg(long, value_name = "YYYY-MM-DD")]
        paid_on: Option<NaiveDate>,
        /// 缴纳方式
        #[arg(long, value_enum, default_value = "cash")]
        method: Method,
        /// 凭证号或备注；免交时写明原因
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 支部某年度的党费收缴情况：每名党员应交、已交、欠缴月份，连续6个月未交的标注
    Status {
        /// 支部编号
        #[arg(long)]
        branch: i64,
        /// 年度
        #[arg(long)]
        year: i32,
        /// 统计截至日期（默认今天）
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// 本地规则文件（TOML）
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
}

fn money(text: &str, what: &str) -> Result<i64> {
    parse_yuan(text).with_context(|| format!("{what}应为金额（元，最多两位小数）：{text}"))
}

fn month(text: &str) -> Result<YearMonth> {
    YearMonth::parse(text).with_context(|| format!("月份应为 YYYY-MM：{text}"))
}

fn rules(path: Option<&PathBuf>) -> Result<RuleSet> {
    Ok(match path {
        Some(path) => RuleSet::load(path)?,
        None => RuleSet::default(),
    })
}

/// Runs `zhibu dues …`.
pub fn dues(store: &mut Store, command: DuesCommand, today: NaiveDate) -> Result<()> {
    match command {
        DuesCommand::Base { member, year, category, income, monthly, confirmed_on, note, rules: file } => {
            let rules = rules(file.as_ref())?;
            let category = DuesCategory::from(category);
            let income = income.as_deref().map(|t| money(t, "月收入")).transpose()?;
            let least = rules.dues.rates.monthly(category, income);
            let monthly = match monthly {
                Some(text) => money(&text, "每月党费")?,
                None => least.context("在职和离退休党员须用 --income 填写税后月收入或养老金")?,
            };
            let base = DuesBase {
                member: MemberId(member),
                year,
                category,
                income,
                monthly,
                base_confirmed_on: confirmed_on.unwrap_or(today),
                note,
            };
            let id = store.write(|w| w.save_dues_base(&base, &rules.dues.rates))?;
            println!(
                "已确认{year}年党费基数（编号 {id}）：{}，每月{}元（标准 {}）",
                category.label(),
                yuan(monthly),
                rules.dues.rates.rate_label(category, income)
            );
        }
        DuesCommand::Pay { member, from, to, amount, paid_on, method, note } => {
            let from = month(&from)?;
            let to = to.as_deref().map(month).transpose()?.unwrap_or(from);
            let method = PaymentMethod::from(method);
            let amount = match (amount, method) {
                (_, PaymentMethod::Exempt) => 0,
                (Some(text), _) => money(&text, "金额")?,
                (None, _) => {
                    let bases = store.dues_bases(None)?;
                    let mut owed = 0;
                    for m in from.through(to) {
                        let base = bases
                            .iter()
                            .filter(|b| b.record.member.0 == member && b.record.year <= m.year)
                            .max_by_key(|b| b.record.year)
                            .with_context(|| format!("{}没有确认党费基数，请先用 zhibu dues base 确认", m.label()))?;
                        owed += base.record.monthly;
                    }
                    owed
                }
            };
            let payment = DuesPayment {
                member: MemberId(member),
                from,
                to,
                amount,
                paid_on: paid_on.unwrap_or(today),
                method,
                note,
            };
            let id = store.write(|w| w.create_dues_payment(&payment))?;
            let months = if from == to { from.label() } else { format!("{}至{}", from.label(), to.label()) };
            println!("已记录（编号 {id}）：{months}，{}，{}元", method.label(), yuan(amount));
        }
        DuesCommand::Status { branch, year, as_of, rules: file } => {
            let rules = rules(file.as_ref())?;
            let as_of = as_of.unwrap_or(today);
            let report = zhibu_core::services::dues::branch_dues(store, &rules, OrgId(branch), year, as_of)?;
            println!("{year}年党费收缴情况（统计截至{}）", as_of.format("%Y年%-m月%-d日"));
            println!("姓名\t类别\t每月\t应交月数\t已交（含免交）\t欠缴月数\t欠缴金额\t本年已交金额");
            for m in &report.members {
                let (category, monthly) = match &m.base {
                    Some(b) => {
                        let carried = if m.base_confirmed { "" } else { "（沿用上年）" };
                        (format!("{}{carried}", b.category.label()), yuan(b.monthly))
                    }
                    None => ("未确认基数".to_owned(), "—".to_owned()),
                };
                println!(
                    "{}\t{category}\t{monthly}\t{}\t{}\t{}\t{}\t{}",
                    m.name,
                    m.status.due.len(),
                    m.status.settled.len(),
                    m.status.owed.len(),
                    yuan(m.status.owed_fen),
                    yuan(m.status.paid_fen)
                );
                if let Some(flag) = &m.flag {
                    println!("  ⚠ {flag}（{}）", rules.dues.clause);
                }
            }
            println!("合计：本年已交{}元，欠缴{}元", yuan(report.paid_fen), yuan(report.owed_fen));
        }
    }
    Ok(())
}
