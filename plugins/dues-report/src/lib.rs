//! Reference template 党费 (NORMS.md, Party dues): for a branch, the quarterly 党费收缴公示 posted
//! for the members (each member's monthly dues, what the quarter's months came to, what is settled
//! and what is still owed), or the yearly 党费收缴情况报告 to the higher committee (totals,
//! exemptions, arrears by member and the six-month flags of 党章第九条). Every figure is the
//! host's reckoning (its rates, bases and payments); the template adds up what it was given.

use plugin_api::{
    Document, DocumentBuilder, MemberDues, Output, ParamKind, RecordKind, RenderError, RenderRequest, RequestExt,
    TableBuilder, Template, TemplateInfo, chinese_date, param,
};

/// The template.
pub struct DuesReport;

plugin_api::export_template!(DuesReport);

/// The `document` choice: the quarterly publicity list.
pub const PUBLICITY: &str = "党费收缴公示";
/// The `document` choice: the yearly report.
pub const REPORT: &str = "年度党费收缴情况报告";

impl Template for DuesReport {
    fn info() -> TemplateInfo {
        let mut document = param(
            "document",
            "文书",
            ParamKind::Choice,
            false,
            Some(PUBLICITY),
            "季度公示（支部张贴），或年度报告（报上级）",
        );
        document.choices = vec![PUBLICITY.into(), REPORT.into()];
        let mut quarter = param("quarter", "季度", ParamKind::Choice, false, Some("4"), "公示的季度");
        quarter.choices = vec!["1".into(), "2".into(), "3".into(), "4".into()];
        TemplateInfo {
            id: "dues-report".into(),
            name: "党费收缴公示和年度报告".into(),
            version: "1.0.0".into(),
            description: "党支部季度党费收缴公示（每名党员的月缴纳额、本季度应交、已交和欠缴），或年度党费收缴情况报告（合计、免交、欠缴和连续六个月未交党费的提示）。".into(),
            parameters: vec![
                param("branch", "党支部", ParamKind::Branch, true, None, "收缴党费的党支部"),
                param("year", "年度", ParamKind::Year, true, None, "收缴年度"),
                document,
                quarter,
                param("date", "日期", ParamKind::Date, false, None, "落款日期；默认为生成当天"),
            ],
            needs: vec![RecordKind::Organizations, RecordKind::Members, RecordKind::Dues],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        render(request).map(Output::from)
    }
}

/// Fen as yuan with two decimals (`3000` → `30.00`).
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.abs();
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

/// The months of `year`'s quarter `q` as the host writes them (`2025-10`, `2025-11`, `2025-12`).
pub fn quarter_months(year: i64, q: u32) -> Vec<String> {
    (1..=3).map(|m| format!("{year}-{:02}", (q - 1) * 3 + m)).collect()
}

/// One member's quarter: months due, settled and owed within it, and what they come to.
pub struct Quarter {
    /// Months due in the quarter.
    pub due: usize,
    /// Of those, settled.
    pub settled: usize,
    /// Of those, owed (`2025-11` …).
    pub owed: Vec<String>,
    /// Owed months in fen.
    pub owed_fen: i64,
    /// Due months in fen.
    pub due_fen: i64,
}

/// `d`'s quarter from the host's month lists and monthly amount.
pub fn quarter(d: &MemberDues, months: &[String]) -> Quarter {
    let count = |list: &[String]| list.iter().filter(|m| months.contains(m)).count();
    let monthly = d.monthly.unwrap_or(0);
    let owed: Vec<String> = d.owed_months.iter().filter(|m| months.contains(m)).cloned().collect();
    Quarter {
        due: count(&d.due_months),
        settled: count(&d.settled_months),
        owed_fen: owed.len() as i64 * monthly,
        due_fen: count(&d.due_months) as i64 * monthly,
        owed,
    }
}

fn month_label(month: &str) -> String {
    month.split_once('-').map_or(month.to_owned(), |(_, m)| format!("{}月", m.trim_start_matches('0')))
}

fn render(request: &RenderRequest) -> Result<Document, RenderError> {
    let branch = request.organization("branch")?;
    let branch_id = branch.id;
    let year = request.int("year")?;
    let records = &request.records;
    let mut members: Vec<(&str, &MemberDues)> = records
        .dues
        .iter()
        .filter_map(|d| {
            let m = records.members.iter().find(|m| m.id == d.member && m.branch == branch_id)?;
            Some((m.name.as_str(), d))
        })
        .collect();
    members.sort_by_key(|(_, d)| d.member);
    if members.iter().all(|(_, d)| d.monthly.is_none()) {
        return Err(RenderError::MissingData(format!("{}{year}年没有确认党费基数，请先在“党费”中录入", branch.name)));
    }
    let date = request.param("date").map(str::trim).filter(|d| !d.is_empty()).unwrap_or(request.generated_on());
    if request.param("document") == Some(REPORT) {
        return Ok(report(request, &branch.name, year, &members, date));
    }
    let q: u32 =
        request.param("quarter").and_then(|q| q.trim().parse().ok()).filter(|q| (1..=4).contains(q)).ok_or_else(
            || {
                RenderError::InvalidParameter((
                    "quarter".into(),
                    format!("应为1至4：{}", request.param("quarter").unwrap_or("")),
                ))
            },
        )?;
    let months = quarter_months(year, q);
    let quarter_name = ["", "一", "二", "三", "四"][q as usize];
    let mut doc = DocumentBuilder::official(format!("{}{year}年第{quarter_name}季度党费收缴情况公示", branch.name));
    doc = doc.paragraph(format!(
        "根据《中国共产党章程》和中央组织部关于党费收缴、使用和管理的规定，现将本支部{year}年第{quarter_name}季度（{}至{}）党员交纳党费情况公示如下：",
        month_label(&months[0]),
        month_label(&months[2])
    ));
    let mut table = TableBuilder::new(&[12.0, 26.0, 20.0, 26.0, 18.0, 18.0, 36.0]).header([
        "序号",
        "姓名",
        "类别",
        "月交纳额（元）",
        "应交月数",
        "已交月数",
        "欠交月份",
    ]);
    let (mut due_total, mut owed_total) = (0i64, 0i64);
    for (i, (name, d)) in members.iter().enumerate() {
        let quarter = quarter(d, &months);
        due_total += quarter.due_fen;
        owed_total += quarter.owed_fen;
        table = table.row([
            (i + 1).to_string(),
            (*name).to_owned(),
            d.category.clone().unwrap_or_else(|| "未确认".into()),
            d.monthly.map_or("—".to_owned(), yuan),
            quarter.due.to_string(),
            quarter.settled.to_string(),
            if quarter.owed.is_empty() {
                "—".to_owned()
            } else {
                quarter.owed.iter().map(|m| month_label(m)).collect::<Vec<_>>().join("、")
            },
        ]);
    }
    doc = doc.table(table.build());
    doc = doc.paragraph(format!(
        "本季度应交党费{}元，已交{}元，欠交{}元（免交月份按经批准的免交计为已交）。",
        yuan(due_total),
        yuan(due_total - owed_total),
        yuan(owed_total)
    ));
    doc = doc.paragraph("公示期5个工作日。对公示内容如有疑问，请向党支部组织委员反映。");
    Ok(doc.signature([format!("中共{}", branch.name)], chinese_date(date)).build())
}

fn report(request: &RenderRequest, branch: &str, year: i64, members: &[(&str, &MemberDues)], date: &str) -> Document {
    let due: i64 = members.iter().map(|(_, d)| d.due_months.len() as i64 * d.monthly.unwrap_or(0)).sum();
    let owed: i64 = members.iter().map(|(_, d)| d.owed).sum();
    let paid: i64 = members.iter().map(|(_, d)| d.paid).sum();
    let settled_all = members.iter().filter(|(_, d)| d.owed_months.is_empty() && d.monthly.is_some()).count();
    let exempt: Vec<&str> = members
        .iter()
        .filter(|(_, d)| d.payments.iter().any(|p| p.method == "exempt"))
        .map(|(name, _)| *name)
        .collect();
    let mut doc = DocumentBuilder::official(format!("{branch}{year}年度党费收缴情况报告"));
    doc = doc.paragraph(format!("{}：", request.unit_name));
    doc = doc.paragraph(format!(
        "{year}年，本支部共有{}名党员按月交纳党费，应交{}元，实交{}元，尚欠{}元；{}名党员按时足额交纳。{}",
        members.len(),
        yuan(due),
        yuan(paid),
        yuan(owed),
        settled_all,
        if exempt.is_empty() {
            String::new()
        } else {
            format!("经批准免交党费的党员{}名（{}）。", exempt.len(), exempt.join("、"))
        }
    ));
    let mut table = TableBuilder::new(&[12.0, 26.0, 20.0, 26.0, 24.0, 24.0, 24.0]).header([
        "序号",
        "姓名",
        "类别",
        "月交纳额（元）",
        "实交（元）",
        "欠交月数",
        "欠交（元）",
    ]);
    for (i, (name, d)) in members.iter().enumerate() {
        table = table.row([
            (i + 1).to_string(),
            (*name).to_owned(),
            d.category.clone().unwrap_or_else(|| "未确认".into()),
            d.monthly.map_or("—".to_owned(), yuan),
            yuan(d.paid),
            d.owed_months.len().to_string(),
            yuan(d.owed),
        ]);
    }
    doc = doc.table(table.build());
    let flagged: Vec<String> = members
        .iter()
        // The host's flag names the member and the months.
        .filter_map(|(_, d)| d.flag.as_ref().map(|flag| flag.trim_end_matches("，请核实原因").to_owned()))
        .collect();
    if flagged.is_empty() {
        doc = doc.paragraph(format!("没有党员连续{}个月不交纳党费。", request.rules.dues_flag_months));
    } else {
        doc = doc.paragraph(format!(
            "依据{}，连续{}个月不交纳党费的党员须按规定处理：{}。支部已逐一谈话提醒，限期补交。",
            request.rules.dues_clause,
            request.rules.dues_flag_months,
            flagged.join("；")
        ));
    }
    doc = doc.paragraph("特此报告。");
    doc.signature([format!("中共{branch}（盖章）")], chinese_date(date)).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fen_print_as_yuan() {
        assert_eq!(yuan(9750), "97.50");
        assert_eq!(yuan(20), "0.20");
        assert_eq!(yuan(0), "0.00");
    }

    #[test]
    fn a_quarter_counts_only_its_own_months() {
        let d = MemberDues {
            member: 1,
            category: Some("在职".into()),
            monthly: Some(3000),
            base_confirmed: true,
            due_months: (1..=11).map(|m| format!("2025-{m:02}")).collect(),
            settled_months: (1..=9).map(|m| format!("2025-{m:02}")).collect(),
            owed_months: vec!["2025-10".into(), "2025-11".into()],
            owed: 6000,
            paid: 27000,
            payments: Vec::new(),
            flag: None,
        };
        let q = quarter(&d, &quarter_months(2025, 4));
        assert_eq!((q.due, q.settled, q.owed.len(), q.owed_fen, q.due_fen), (2, 0, 2, 6000, 6000));
        let q = quarter(&d, &quarter_months(2025, 3));
        assert_eq!((q.due, q.settled, q.owed_fen), (3, 3, 0));
    }
}
