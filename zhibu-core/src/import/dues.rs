//! A dues-payment sheet (党费收缴明细, as a bank's transfer list or the payroll office's deduction
//! list gives it): one row per member and payment with 姓名 (and 身份证号 when names repeat), 金额,
//! 缴费日期 and the months paid for (缴费月份 `2025-01` or `2025-01至2025-03`, or 起始月份 and
//! 截止月份). Each row is checked here on its own; the store then checks it against the bases and
//! the payments already recorded, and the whole sheet goes in or none of it does.

use super::roster::{half_width, parse_date};
use super::table::Cell;
use super::{ImportError, Problem};
use crate::domain::{DuesPayment, IdNumber, Member, MemberId, PaymentMethod, Stored, YearMonth, parse_yuan};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Name,
    IdNumber,
    Amount,
    Date,
    Months,
    From,
    To,
    Note,
}

const HEADERS: &[(Column, &[&str])] = &[
    (Column::Name, &["姓名", "党员姓名", "户名", "付款人"]),
    (Column::IdNumber, &["身份证号", "身份证号码", "公民身份号码", "证件号码"]),
    (Column::Amount, &["金额", "缴费金额", "交纳金额", "党费金额", "金额（元）", "实缴金额", "代扣金额"]),
    (Column::Date, &["缴费日期", "交纳日期", "交易日期", "日期", "代扣日期", "缴纳日期"]),
    (Column::Months, &["缴费月份", "所属月份", "交纳月份", "党费月份", "所属期"]),
    (Column::From, &["起始月份", "开始月份", "起"]),
    (Column::To, &["截止月份", "结束月份", "止"]),
    (Column::Note, &["备注", "摘要", "凭证号", "流水号"]),
];

/// The checked sheet: one payment per row, or the rows' problems.
#[derive(Debug, Clone, Default)]
pub struct DuesPlan {
    /// Payments with the sheet row each came from.
    pub payments: Vec<(usize, DuesPayment)>,
    /// Problems by row and column; an import proceeds only when there are none.
    pub problems: Vec<Problem>,
}

/// `2025-01至2025-03`, `2025-01~03`, `2025年1-3月` or one month.
fn months_of(text: &str) -> Option<(YearMonth, YearMonth)> {
    let text = half_width(text).replace(' ', "");
    if let Some(one) = YearMonth::parse(&text) {
        return Some((one, one));
    }
    if let Some((from, to)) = text.split_once(['至', '~', '—']) {
        let from = YearMonth::parse(from)?;
        let to = YearMonth::parse(to)
            .or_else(|| YearMonth::parse(&format!("{}-{}", from.year, to.trim_end_matches('月'))))?;
        return Some((from, to));
    }
    // `2025年1-3月`: the dash sits between two months of one year.
    let (year, rest) = text.split_once('年')?;
    let (a, b) = rest.trim_end_matches('月').split_once('-')?;
    Some((YearMonth::parse(&format!("{year}-{a}"))?, YearMonth::parse(&format!("{year}-{b}"))?))
}

/// Reads and checks the sheet against the roster of the branch; every payment is recorded with
/// `method` (the sheet's source: a bank list is a transfer, a payroll list a deduction).
pub fn plan(
    rows: &[Vec<Cell>],
    roster: &[Stored<MemberId, Member>],
    method: PaymentMethod,
    mapping: &[(String, String)],
) -> Result<DuesPlan, ImportError> {
    let required = [Column::Name, Column::Amount, Column::Date];
    let (header_row, columns) = super::find_header(rows, HEADERS, mapping, &required)?.ok_or_else(|| {
        ImportError::Format("找不到表头：前10行中没有同时含有“姓名”“金额”“缴费日期”的一行".to_owned())
    })?;
    let has_months = columns.contains_key(&Column::Months) || columns.contains_key(&Column::From);
    if !has_months {
        return Err(ImportError::Format("找不到表头：没有“缴费月份”（或“起始月份”“截止月份”）列".to_owned()));
    }
    let header = |c: Column| columns.get(&c).and_then(|i| rows[header_row].get(*i)).map_or(String::new(), Cell::text);
    let by_id: HashMap<&str, MemberId> = roster.iter().map(|m| (m.record.id_number.as_str(), m.id)).collect();
    let mut by_name: HashMap<&str, Vec<MemberId>> = HashMap::new();
    for m in roster {
        by_name.entry(m.record.name.as_str()).or_default().push(m.id);
    }
    let mut out = DuesPlan::default();
    for (index, row) in rows.iter().enumerate().skip(header_row + 1) {
        let number = index + 1;
        let cell = |c: Column| columns.get(&c).and_then(|i| row.get(*i)).cloned().unwrap_or(Cell::Empty);
        if columns.values().all(|i| row.get(*i).is_none_or(Cell::is_blank)) {
            continue;
        }
        let name: String = cell(Column::Name).text().chars().filter(|c| !c.is_whitespace()).collect();
        // A bank list ends with a 合计 row: not a payment.
        if matches!(name.as_str(), "合计" | "总计" | "小计") {
            continue;
        }
        let mut problems = Vec::new();
        let mut problem = |c: Column, value: String, text: &str| {
            problems.push(Problem { row: number, column: header(c), value, problem: text.to_owned() });
        };
        let id_text = half_width(&cell(Column::IdNumber).text());
        let member = match IdNumber::parse(&id_text) {
            Ok(id) => match by_id.get(id.as_str()) {
                Some(member) => Some(*member),
                None => {
                    problem(Column::IdNumber, id.masked(), "不在本支部党员名册中");
                    None
                }
            },
            Err(_) => match by_name.get(name.as_str()).map(Vec::as_slice) {
                Some([only]) => Some(*only),
                Some(_) => {
                    problem(Column::Name, name.clone(), "名册中有同名党员，请填写身份证号");
                    None
                }
                None => {
                    problem(Column::Name, name.clone(), "不在本支部党员名册中");
                    None
                }
            },
        };
        let amount_text = match cell(Column::Amount) {
            Cell::Number(n) => format!("{n:.2}"),
            other => other.text(),
        };
        let amount = parse_yuan(&half_width(&amount_text)).filter(|a| *a > 0);
        if amount.is_none() {
            problem(Column::Amount, amount_text.clone(), "不是大于0、最多两位小数的金额（元）");
        }
        let date_cell = cell(Column::Date);
        let paid_on = match &date_cell {
            Cell::Date(d) => Some(*d),
            other => parse_date(&other.text()),
        };
        if paid_on.is_none() {
            problem(Column::Date, date_cell.text(), "不是日期（例：2025-03-20）");
        }
        let months = if columns.contains_key(&Column::Months) {
            let text = cell(Column::Months).text();
            let found = months_of(&text);
            if found.is_none() {
                problem(Column::Months, text, "不是月份（例：2025-03 或 2025-01至2025-03）");
            }
            found
        } else {
            let (from, to) = (cell(Column::From).text(), cell(Column::To).text());
            let parsed = (
                YearMonth::parse(&from),
                if to.trim().is_empty() { YearMonth::parse(&from) } else { YearMonth::parse(&to) },
            );
            match parsed {
                (Some(a), Some(b)) => Some((a, b)),
                (None, _) => {
                    problem(Column::From, from, "不是月份（例：2025-03）");
                    None
                }
                (_, None) => {
                    problem(Column::To, to, "不是月份（例：2025-03）");
                    None
                }
            }
        };
        if !problems.is_empty() {
            out.problems.extend(problems);
            continue;
        }
        let (Some(member), Some(amount), Some(paid_on), Some((from, to))) = (member, amount, paid_on, months) else {
            continue;
        };
        let payment = DuesPayment { member, from, to, amount, paid_on, method, note: cell(Column::Note).text() };
        if let Err(e) = payment.validate() {
            out.problems.push(Problem { row: number, column: e.field.to_owned(), value: e.value, problem: e.problem });
            continue;
        }
        out.payments.push((number, payment));
    }
    Ok(out)
}
