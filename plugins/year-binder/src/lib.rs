//! Reference template 年度党建工作台账 (the year-end 台账 a branch hands an inspector): for a branch
//! and a year, one Word file with a cover, a table of contents and the sections in the order
//! inspectors read them — the organisation and its committee, the roster (masked), the year's
//! required meetings against those held, every meeting's minutes with attendance and resolutions,
//! the democratic appraisal, the secretary's duty review, star ratings, volunteer service, dues,
//! and the compliance findings with their clauses.
//!
//! The layout is `binder.docx`, a Word file (written by `scripts/make-word-templates.py`) filled by
//! the SDK's Word-file engine: the standard fields of a branch's year, plus the binder's own
//! below. Verdicts (quorum, grades, findings, dues owed) are the host's; the template prints them.

use plugin_api::docx::{self, Fields, Value};
use plugin_api::{
    DocxFile, Output, ParamKind, RecordKind, RenderError, RenderRequest, RequestExt, Template, TemplateInfo,
    chinese_date, param, stars,
};

/// The binder's Word file, embedded at build time.
pub const BINDER: &[u8] = include_bytes!("../binder.docx");

/// The template.
pub struct YearBinder;

plugin_api::export_template!(YearBinder);

impl Template for YearBinder {
    fn info() -> TemplateInfo {
        TemplateInfo {
            id: "year-binder".into(),
            name: "年度党建工作台账".into(),
            version: "1.0.0".into(),
            description: "一个党支部一个年度的全部记录装订成册：封面、目录、组织概况与党员名册、组织生活安排与落实、每次会议记录、民主评议、述职评议、星级评定、志愿服务、党费收缴和合规检查结果，页码连续。".into(),
            parameters: vec![
                param("branch", "党支部", ParamKind::Branch, true, None, "要装订台账的党支部"),
                param("year", "年度", ParamKind::Year, true, None, "台账年度"),
            ],
            needs: vec![
                RecordKind::Organizations,
                RecordKind::Members,
                RecordKind::Meetings,
                RecordKind::DutyReviews,
                RecordKind::Appraisals,
                RecordKind::StarRatings,
                RecordKind::VolunteerActivities,
                RecordKind::Compliance,
                RecordKind::Dues,
            ],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        let fields = fields(request)?;
        let title = match (fields.get("支部名称"), fields.get("年度")) {
            (Some(Value::Text(branch)), Some(Value::Text(year))) => format!("{branch}{year}年度党建工作台账"),
            _ => "年度党建工作台账".to_owned(),
        };
        Ok(Output::Docx(DocxFile { title, bytes: docx::fill(BINDER, &fields)? }))
    }
}

/// Fen as yuan with two decimals (`1250` → `12.50`).
fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

/// A duty review's grade in words.
fn duty_grade(code: &str) -> &'static str {
    match code {
        "excellent" => "好",
        "good" => "较好",
        "fair" => "一般",
        "poor" => "差",
        _ => "",
    }
}

fn severity(code: &str) -> &'static str {
    match code {
        "violation" => "违规",
        "warning" => "预警",
        _ => "提示",
    }
}

/// A count, or empty for none (so `{{#名称}}` holds only when there is something to say).
fn count_or_empty(n: usize) -> String {
    if n == 0 { String::new() } else { n.to_string() }
}

/// The standard fields of the branch's year and the binder's own.
pub fn fields(request: &RenderRequest) -> Result<Fields, RenderError> {
    let standard = docx::standard_fields(request)?;
    let branch = request.organization("branch")?.id;
    let year = request.int("year")?;
    let records = &request.records;
    let in_branch = |member: i64| records.members.iter().any(|m| m.id == member && m.branch == branch);
    let name_of = |id: i64| records.members.iter().find(|m| m.id == id).map(|m| m.name.clone()).unwrap_or_default();
    let term = records.terms.iter().filter(|t| t.org == branch).max_by_key(|t| t.number);
    let compliance = records.compliance.iter().find(|c| c.branch == branch);

    // Each meeting's particulars as the rows of its table, the empty ones left out.
    let mut meetings: Vec<_> = records
        .meetings
        .iter()
        .filter(|m| m.branch == branch && m.starts_at.starts_with(&format!("{year}-")))
        .collect();
    meetings.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    let standard_meetings = match standard.get("会议") {
        Some(Value::List(items)) => items.clone(),
        _ => Vec::new(),
    };
    let meetings: Vec<Fields> = standard_meetings
        .into_iter()
        .zip(&meetings)
        .map(|(fields, meeting)| {
            let text = |name: &str| match fields.get(name) {
                Some(Value::Text(t)) => t.clone(),
                _ => String::new(),
            };
            let quorum = match &meeting.quorum {
                Some(q) => format!("（{}，{}）", q.rule, if q.met { "符合规定" } else { "不符合规定" }),
                None => String::new(),
            };
            let rows = [
                ("会议类型", text("会议类型")),
                ("时间", format!("{} {}", text("日期"), text("时间"))),
                ("地点", text("地点")),
                ("主持人", text("主持人")),
                ("记录人", text("记录人")),
                ("到会情况", format!("应到{}人，实到{}人{quorum}", text("应到人数"), text("实到人数"))),
                ("出席人员", text("出席人员")),
                ("请假人员", text("请假人员")),
                ("缺席人员", text("缺席人员")),
                ("列席人员", text("列席人员")),
            ];
            let rows = rows
                .into_iter()
                .filter(|(_, value)| !value.trim().is_empty())
                .map(|(item, value)| Fields::new().text("项目", item).text("内容", value));
            fields.list("会议要素", rows)
        })
        .collect();

    let plan = compliance.map(|c| c.meetings.as_slice()).unwrap_or_default().iter().map(|t| {
        Fields::new()
            .text("会议类型", t.label.clone())
            .text("应开", t.required.to_string())
            .text("已开", t.held.to_string())
            .text("未开期间", t.missing.join("、"))
            .text("依据", t.clause.clone())
    });
    let mut appraisals: Vec<_> =
        records.appraisals.iter().filter(|a| i64::from(a.year) == year && in_branch(a.member)).collect();
    appraisals.sort_by_key(|a| records.members.iter().position(|m| m.id == a.member));
    let appraisal_rows: Vec<Fields> = appraisals
        .iter()
        .map(|a| {
            Fields::new()
                .text("姓名", name_of(a.member))
                .text("优秀", a.votes_outstanding.to_string())
                .text("合格", a.votes_qualified.to_string())
                .text("基本合格", a.votes_basically_qualified.to_string())
                .text("不合格", a.votes_unqualified.to_string())
                .text("评定等次", a.grade_label.clone())
                .text("说明", a.reason.clone())
        })
        .collect();
    let reviews = records.duty_reviews.iter().filter(|r| r.branch == branch && i64::from(r.year) == year).map(|r| {
        Fields::new()
            .text("述职人", name_of(r.subject))
            .text("评议日期", r.held_on.as_deref().map(chinese_date).unwrap_or_else(|| "未记录".into()))
            .text("应参评", r.voters_expected.to_string())
            .text("实参评", r.voters_returned.to_string())
            .text("好", r.excellent.to_string())
            .text("较好", r.good.to_string())
            .text("一般", r.fair.to_string())
            .text("差", r.poor.to_string())
            .text("等次", r.overall_grade.as_deref().map(duty_grade).unwrap_or("未评定"))
            .list(
                "述职内容",
                r.sections.iter().map(|s| Fields::new().text("标题", s.heading.clone()).text("内容", s.body.clone())),
            )
            .text("上级点评", r.higher_comment.clone())
    });
    let mut ratings: Vec<_> = records
        .star_ratings
        .iter()
        .filter(|r| {
            i64::from(r.year) == year && (r.subject_org == Some(branch) || r.subject_member.is_some_and(in_branch))
        })
        .collect();
    ratings.sort_by(|a, b| (&a.subject_kind, a.rank).cmp(&(&b.subject_kind, b.rank)));
    let ratings = ratings.iter().map(|r| {
        Fields::new()
            .text("评定对象", r.subject_name.clone())
            .text("类别", r.subject_kind_label.clone())
            .text("总分", format!("{:.1}", r.total))
            .text("星级", stars(r.stars))
            .text("排名", r.rank.to_string())
    });
    let mut dues: Vec<_> = records.dues.iter().filter(|d| in_branch(d.member)).collect();
    dues.sort_by_key(|d| records.members.iter().position(|m| m.id == d.member));
    // What the year asks (each member's monthly amount for each month due), what was paid for it,
    // and what is still owed, as the host reckons them.
    let due: i64 = dues.iter().map(|d| d.monthly.unwrap_or(0) * d.due_months.len() as i64).sum();
    let (owed, paid): (i64, i64) = dues.iter().fold((0, 0), |(o, p), d| (o + d.owed, p + d.paid));
    let flagged = dues.iter().filter(|d| d.flag.is_some()).count();
    let dues_rows = dues.iter().map(|d| {
        Fields::new()
            .text("姓名", name_of(d.member))
            .text("月缴纳额", d.monthly.map(yuan).unwrap_or_else(|| "未核定".into()))
            .text("应缴月数", d.due_months.len().to_string())
            .text("已缴月数", d.settled_months.len().to_string())
            .text("欠缴月数", d.owed_months.len().to_string())
            .text("已缴金额", yuan(d.paid))
            .text("说明", d.flag.clone().unwrap_or_default())
    });
    let findings: Vec<Fields> = compliance
        .map(|c| c.findings.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|f| {
            Fields::new()
                .text("严重程度", severity(&f.severity))
                .text("问题", f.message.clone())
                .text("依据", f.clause.clone())
        })
        .collect();
    let hours = compliance.map(|c| c.volunteer_hours).unwrap_or_default();
    Ok(standard
        .text("届次", term.map(|t| t.number.to_string()).unwrap_or_default())
        .text("选举日期", term.and_then(|t| t.elected_on.as_deref()).map(chinese_date).unwrap_or_default())
        .text("规则版本", request.rules.version.clone())
        .text("参会率", compliance.and_then(|c| c.attendance_rate).map(|r| format!("{r:.1}%")).unwrap_or_default())
        .list("组织生活", plan)
        .list("会议", meetings)
        .text("民主评议人数", count_or_empty(appraisal_rows.len()))
        .list("民主评议", appraisal_rows)
        .list("述职评议", reviews)
        .list("星级评定", ratings)
        .text("志愿服务时长", format!("{hours:.1}").trim_end_matches(".0").to_owned())
        .text("党费应缴", yuan(due))
        .text("党费已缴", yuan(paid))
        .text("党费欠缴", yuan(owed))
        .text(
            "党费提示",
            if flagged > 0 {
                format!("其中{flagged}名党员欠缴较长，已在说明中注明。")
            } else {
                String::new()
            },
        )
        .list("党费", dues_rows)
        .text("问题数", count_or_empty(findings.len()))
        .list("检查结果", findings))
}
