//! Reference template 民主评议党员 (NORMS.md): for a branch and a year, the results list the branch
//! reports to the higher committee — each member's 民主测评 ballots (优秀/合格/基本合格/不合格), the
//! grade the host's rules suggested and the grade the branch decided, with the reason where the two
//! differ — and the count per grade. Suggestions and decisions are the host's records: the
//! template prints them and never recounts.

use plugin_api::{
    Appraisal, Document, DocumentBuilder, Output, ParamKind, RecordKind, RenderError, RenderRequest, RequestExt,
    TableBuilder, Template, TemplateInfo, chinese_date, param,
};

/// The template.
pub struct AppraisalResults;

plugin_api::export_template!(AppraisalResults);

/// The grades in the order the list counts them: (code, label).
pub const GRADES: [(&str, &str); 4] =
    [("outstanding", "优秀"), ("qualified", "合格"), ("basically_qualified", "基本合格"), ("unqualified", "不合格")];

impl Template for AppraisalResults {
    fn info() -> TemplateInfo {
        TemplateInfo {
            id: "appraisal-results".into(),
            name: "民主评议党员结果".into(),
            version: "1.0.0".into(),
            description: "党支部民主评议党员结果：每名党员的民主测评票数、建议等次和支部评定等次（与建议不同的写明理由），各等次人数和比例。".into(),
            parameters: vec![
                param("branch", "党支部", ParamKind::Branch, true, None, "开展评议的党支部"),
                param("year", "年度", ParamKind::Year, true, None, "评议年度"),
                param("date", "报送日期", ParamKind::Date, false, None, "落款日期；默认为生成当天"),
            ],
            needs: vec![RecordKind::Organizations, RecordKind::Members, RecordKind::Appraisals],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        render(request).map(Output::from)
    }
}

fn label(code: &str) -> &'static str {
    GRADES.iter().find(|(c, _)| *c == code).map_or("", |(_, l)| l)
}

/// Percent of `part` in `whole`, one decimal.
fn percent(part: usize, whole: usize) -> String {
    if whole == 0 { "—".to_owned() } else { format!("{:.1}%", part as f64 * 100.0 / whole as f64) }
}

/// The 说明 cell: the reason when the branch decided otherwise than suggested.
pub fn remark(a: &Appraisal) -> String {
    match a.suggested.as_deref() {
        Some(suggested) if suggested != a.grade => format!("建议{}；{}", label(suggested), a.reason.trim()),
        _ => String::new(),
    }
}

fn render(request: &RenderRequest) -> Result<Document, RenderError> {
    let branch = request.organization("branch")?;
    let branch_id = branch.id;
    let year = request.int("year")?;
    let records = &request.records;
    let member_of = |id: i64| records.members.iter().find(|m| m.id == id);
    let mut rows: Vec<(&str, &Appraisal)> = records
        .appraisals
        .iter()
        .filter(|a| i64::from(a.year) == year)
        .filter_map(|a| member_of(a.member).filter(|m| m.branch == branch_id).map(|m| (m.name.as_str(), a)))
        .collect();
    if rows.is_empty() {
        return Err(RenderError::MissingData(format!("{}{year}年度没有民主评议党员结果", branch.name)));
    }
    // Grade order first (优秀 … 不合格), then name: the list reads as the results are announced.
    let order = |code: &str| GRADES.iter().position(|(c, _)| *c == code).unwrap_or(GRADES.len());
    rows.sort_by(|a, b| order(&a.1.grade).cmp(&order(&b.1.grade)).then_with(|| a.0.cmp(b.0)));
    let branch_members = records.members.iter().filter(|m| m.branch == branch_id).count();

    let mut doc = DocumentBuilder::official(format!("{}{year}年度民主评议党员结果", branch.name)).landscape();
    doc = doc.paragraph(format!(
        "按照民主评议党员工作安排，{}经个人自评、党员互评、民主测评和支部评定，对{}名党员进行了评议（支部共有党员{}名）。结果如下：",
        branch.name,
        rows.len(),
        branch_members
    ));
    let mut table = TableBuilder::new(&[12.0, 26.0, 18.0, 18.0, 20.0, 18.0, 22.0, 22.0, 87.0]).header([
        "序号",
        "姓名",
        "优秀票",
        "合格票",
        "基本合格票",
        "不合格票",
        "建议等次",
        "评定等次",
        "说明",
    ]);
    for (i, (name, a)) in rows.iter().enumerate() {
        let held = a.votes_outstanding + a.votes_qualified + a.votes_basically_qualified + a.votes_unqualified > 0;
        let vote = |n: u32| if held { n.to_string() } else { "—".to_owned() };
        table = table.row([
            (i + 1).to_string(),
            (*name).to_owned(),
            vote(a.votes_outstanding),
            vote(a.votes_qualified),
            vote(a.votes_basically_qualified),
            vote(a.votes_unqualified),
            a.suggested.as_deref().map_or("—", label).to_owned(),
            label(&a.grade).to_owned(),
            remark(a),
        ]);
    }
    doc = doc.table(table.build());
    let counts: Vec<String> = GRADES
        .iter()
        .map(|(code, name)| {
            let n = rows.iter().filter(|(_, a)| a.grade == *code).count();
            format!("{name}{n}名（{}）", percent(n, rows.len()))
        })
        .collect();
    doc = doc.paragraph(format!("评定结果：{}。", counts.join("，")));
    let differ = rows.iter().filter(|(_, a)| !remark(a).is_empty()).count();
    if differ > 0 {
        doc =
            doc.paragraph(format!("其中{differ}名党员的评定等次与按民主测评票数建议的等次不同，已在说明栏写明理由。"));
    }
    let weak: Vec<&str> = rows
        .iter()
        .filter(|(_, a)| matches!(a.grade.as_str(), "basically_qualified" | "unqualified"))
        .map(|(name, _)| *name)
        .collect();
    if !weak.is_empty() {
        doc = doc.paragraph(format!(
            "对评定为基本合格、不合格的党员（{}），支部将按规定进行谈心谈话、限期改正或组织处置。",
            weak.join("、")
        ));
    }
    let date = request.param("date").map(str::trim).filter(|d| !d.is_empty()).unwrap_or(request.generated_on());
    doc = doc.signature([format!("中共{}（盖章）", branch.name)], chinese_date(date));
    Ok(doc.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn appraisal(grade: &str, suggested: Option<&str>, reason: &str) -> Appraisal {
        Appraisal {
            year: 2025,
            member: 1,
            grade: grade.into(),
            grade_label: label(grade).into(),
            votes_outstanding: 3,
            votes_qualified: 6,
            votes_basically_qualified: 0,
            votes_unqualified: 0,
            suggested: suggested.map(Into::into),
            reason: reason.into(),
        }
    }

    #[test]
    fn the_reason_shows_only_where_the_branch_decided_otherwise() {
        assert_eq!(remark(&appraisal("qualified", Some("qualified"), "")), "");
        assert_eq!(remark(&appraisal("qualified", None, "")), "");
        assert_eq!(
            remark(&appraisal("outstanding", Some("qualified"), "带头参加志愿服务")),
            "建议合格；带头参加志愿服务"
        );
    }
}
