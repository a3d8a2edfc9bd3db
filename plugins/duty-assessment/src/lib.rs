//! Reference template 述职评议考核结果 (NORMS.md, 年度述职评议考核), in the committee's scope: the
//! summary a 党委 or 党工委 issues after its year-end meeting where all its branch secretaries
//! report — each secretary's 好/较好/一般/差 ballots, the grade the host's rule gives them, the grade
//! decided (with the reason where the two differ), the count per grade, who has not been entered,
//! and, as an annex, each branch's submission and open findings. It reads only the committee's
//! roll-up (`RecordKind::Committee`): grades and findings are the host's, printed, never recounted.

use plugin_api::{
    CommitteeRecords, Document, DocumentBuilder, DutyBallot, Output, ParamKind, RecordKind, RenderError, RenderRequest,
    RequestExt, TableBuilder, Template, TemplateInfo, chinese_date, param,
};

/// The template.
pub struct DutyAssessment;

plugin_api::export_template!(DutyAssessment);

/// The grades in the order results are announced: (code, label).
pub const GRADES: [(&str, &str); 4] = [("excellent", "好"), ("good", "较好"), ("fair", "一般"), ("poor", "差")];

impl Template for DutyAssessment {
    fn info() -> TemplateInfo {
        TemplateInfo {
            id: "duty-assessment".into(),
            name: "述职评议考核结果汇总".into(),
            version: "1.0.0".into(),
            description: "上级党委年终基层党组织书记抓基层党建工作述职评议考核结果：各书记的测评票数、按规则的等次和确定的等次，各等次人数，附各党组织报送和核查情况。仅在上级党委的汇总库中使用。".into(),
            parameters: vec![
                param("year", "年度", ParamKind::Year, true, None, "述职评议考核的年度"),
                param("date", "印发日期", ParamKind::Date, false, None, "落款日期；默认为生成当天"),
            ],
            needs: vec![RecordKind::Committee],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        render(request).map(Output::from)
    }
}

/// The label of grade `code` (the code itself when unknown, so nothing is silently blank).
pub fn label(code: &str) -> &str {
    GRADES.iter().find(|(c, _)| *c == code).map_or(code, |(_, l)| l)
}

fn order(code: &str) -> usize {
    GRADES.iter().position(|(c, _)| *c == code).unwrap_or(GRADES.len())
}

/// Percent of `part` in `whole`, one decimal (`—` of nothing).
pub fn percent(part: u32, whole: u32) -> String {
    if whole == 0 { "—".to_owned() } else { format!("{:.1}%", f64::from(part) * 100.0 / f64::from(whole)) }
}

/// Why the grade decided differs from the ballots (empty where it does not).
pub fn remark(b: &DutyBallot) -> String {
    if b.grade == b.ballot_grade {
        String::new()
    } else {
        format!("按票数为“{}”；{}", label(&b.ballot_grade), b.reason.trim())
    }
}

fn valid(b: &DutyBallot) -> u32 {
    b.excellent + b.good + b.fair + b.poor
}

fn render(request: &RenderRequest) -> Result<Document, RenderError> {
    let year = request.int("year")?;
    let Some(committee) = request.records.committee.as_ref() else {
        return Err(RenderError::MissingData("没有上级党委的汇总记录（本模板只能在上级党委的汇总库中使用）".into()));
    };
    let Some(meeting) = committee.duty_meeting.as_ref().filter(|m| i64::from(m.year) == year) else {
        return Err(RenderError::MissingData(format!("{year}年度还没有召开述职评议考核会议的记录")));
    };
    if committee.duty_ballots.is_empty() {
        return Err(RenderError::MissingData(format!("{year}年度述职评议考核还没有录入任何书记的测评结果")));
    }
    let unit = request.unit_name.trim();
    let mut ballots: Vec<&DutyBallot> = committee.duty_ballots.iter().collect();
    // Grade first (好 … 差), then the share of 好 votes, then the branch: the order results are read out.
    ballots.sort_by(|a, b| {
        order(&a.grade)
            .cmp(&order(&b.grade))
            .then_with(|| {
                (u64::from(b.excellent) * u64::from(valid(a))).cmp(&(u64::from(a.excellent) * u64::from(valid(b))))
            })
            .then_with(|| a.branch_name.cmp(&b.branch_name))
    });

    let mut doc =
        DocumentBuilder::official(format!("{unit}{year}年度基层党组织书记抓基层党建工作述职评议考核结果")).landscape();
    // The meeting's own title only where it says more than the sentence already does.
    let title = if meeting.title.contains("述职评议") { String::new() } else { format!("（{}）", meeting.title) };
    doc = doc.paragraph(format!(
        "{}，{unit}召开{year}年度基层党组织书记抓基层党建工作述职评议考核会议{title}，{}名党组织书记进行了述职，应到参评人员{}人。按照测评规则（{}），现将评议考核结果通报如下。",
        chinese_date(&meeting.held_on),
        ballots.len(),
        meeting.voters_expected,
        committee.grade_rule.trim_end_matches('。'),
    ));
    doc = doc.heading(1, "一、测评结果");
    let mut table = TableBuilder::new(&[14.0, 62.0, 26.0, 14.0, 16.0, 16.0, 14.0, 18.0, 22.0, 21.0, 21.0]).header([
        "序号",
        "党组织",
        "书记",
        "好",
        "较好",
        "一般",
        "差",
        "有效票",
        "好票占比",
        "按票数等次",
        "确定等次",
    ]);
    for (i, b) in ballots.iter().enumerate() {
        table = table.row([
            (i + 1).to_string(),
            b.branch_name.clone(),
            b.secretary.clone(),
            b.excellent.to_string(),
            b.good.to_string(),
            b.fair.to_string(),
            b.poor.to_string(),
            valid(b).to_string(),
            percent(b.excellent, valid(b)),
            label(&b.ballot_grade).to_owned(),
            label(&b.grade).to_owned(),
        ]);
    }
    doc = doc.table(table.build());
    let total = u32::try_from(ballots.len()).unwrap_or(u32::MAX);
    let counts: Vec<String> = GRADES
        .iter()
        .map(|(code, name)| {
            let n = u32::try_from(ballots.iter().filter(|b| b.grade == *code).count()).unwrap_or(u32::MAX);
            format!("“{name}”{n}名（{}）", percent(n, total))
        })
        .collect();
    doc = doc.paragraph(format!("评议考核等次：{}。", counts.join("，")));
    // The reasons below the table, one per secretary: a column of them would squeeze the figures.
    for b in ballots.iter().filter(|b| b.grade != b.ballot_grade) {
        doc = doc.paragraph(format!(
            "{}{}同志{}，确定为“{}”。",
            b.branch_name,
            b.secretary,
            remark(b).replacen('；', "，理由：", 1),
            label(&b.grade)
        ));
    }
    let entered = |uuid: &str| ballots.iter().any(|b| b.branch == uuid);
    let missing: Vec<&str> = committee.branches.iter().filter(|b| !entered(&b.uuid)).map(|b| b.name.as_str()).collect();
    if !missing.is_empty() {
        doc = doc.paragraph(format!("尚未录入测评结果的党组织（{}个）：{}。", missing.len(), missing.join("、")));
    }
    doc = annex(doc, committee);
    let date = request.param("date").map(str::trim).filter(|d| !d.is_empty()).unwrap_or(request.generated_on());
    doc = doc.signature([format!("{unit}（盖章）")], chinese_date(date));
    Ok(doc.build())
}

/// 二、各党组织年度报送和核查情况: each branch's submission, and its open findings by severity.
fn annex(mut doc: DocumentBuilder, committee: &CommitteeRecords) -> DocumentBuilder {
    doc = doc.heading(1, "二、各党组织年度报送和组织生活核查情况");
    let mut table = TableBuilder::new(&[14.0, 52.0, 40.0, 16.0, 16.0, 106.0]).header([
        "序号",
        "党组织",
        "年度报送",
        "违规",
        "提醒",
        "主要问题",
    ]);
    for (i, b) in committee.branches.iter().enumerate() {
        let count = |severity: &str| b.findings.iter().filter(|f| f.severity == severity).count();
        // Most serious first (the host's order); the rest counted, the full list being the
        // compliance report's.
        let main: Vec<String> = b.findings.iter().take(2).map(|f| format!("{}（{}）", f.message, f.clause)).collect();
        let more = if b.findings.len() > 2 { format!("等{}项", b.findings.len()) } else { String::new() };
        let submission = if b.opinion.trim().is_empty() {
            b.submission.clone()
        } else {
            format!("{}：{}", b.submission, b.opinion.trim())
        };
        let reported = b.acknowledged > 0;
        table = table.row([
            (i + 1).to_string(),
            b.name.clone(),
            submission,
            if reported { count("violation").to_string() } else { "—".into() },
            if reported { count("warning").to_string() } else { "—".into() },
            if !reported {
                "尚未报送".into()
            } else if main.is_empty() {
                "未发现问题".into()
            } else {
                format!("{}{more}", main.join("；"))
            },
        ]);
    }
    doc.table(table.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ballot(grade: &str, ballot_grade: &str, reason: &str) -> DutyBallot {
        DutyBallot {
            branch: "b".into(),
            branch_name: "金山社区党支部".into(),
            secretary: "王建国".into(),
            excellent: 30,
            good: 10,
            fair: 2,
            poor: 0,
            ballot_grade: ballot_grade.into(),
            grade: grade.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn the_reason_shows_only_where_the_grade_decided_differs_from_the_ballots() {
        assert_eq!(remark(&ballot("excellent", "excellent", "")), "");
        assert_eq!(remark(&ballot("good", "excellent", "年内发生安全事故")), "按票数为“好”；年内发生安全事故");
        assert_eq!(percent(30, 42), "71.4%");
        assert_eq!(percent(0, 0), "—");
    }
}
