//! Reference template 年度述职评议 (DOCUMENTS.md §1): for a branch and a year, the secretary's
//! 述职报告 with the year's figures from the records (三会一课 required vs held, attendance,
//! volunteer hours, open findings), the ballot table with shares, and the overall grade.

use plugin_api::{
    Document, DocumentBuilder, DutyReview, Meeting, Output, ParamKind, RecordKind, RenderError, RenderRequest,
    RequestExt, TableBuilder, Template, TemplateInfo, chinese_date, param,
};

/// The template.
pub struct DutyReviewTemplate;

plugin_api::export_template!(DutyReviewTemplate);

impl Template for DutyReviewTemplate {
    fn info() -> TemplateInfo {
        TemplateInfo {
            id: "duty-review".into(),
            name: "年度述职评议".into(),
            version: "1.2.0".into(),
            description: "党支部书记年度抓基层党建工作述职报告，附民主测评结果和综合评价等次。".into(),
            parameters: vec![
                param("branch", "党支部", ParamKind::Branch, true, None, "述职的党支部"),
                param("year", "年度", ParamKind::Year, true, None, "述职年度"),
                param(
                    "superior",
                    "上级党组织",
                    ParamKind::Text,
                    false,
                    None,
                    "发出述职通知的上级党组织；默认为本单位名称",
                ),
            ],
            needs: vec![
                RecordKind::Organizations,
                RecordKind::Members,
                RecordKind::Meetings,
                RecordKind::DutyReviews,
                RecordKind::Appraisals,
                RecordKind::VolunteerActivities,
                RecordKind::Compliance,
            ],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        render(request).map(Output::from)
    }
}

const THREE_MEETINGS: [&str; 4] = ["general_meeting", "committee_meeting", "group_meeting", "party_lecture"];

/// Percent with one decimal, `—` when there is nothing to divide.
fn percent(part: f64, whole: f64) -> String {
    if whole > 0.0 { format!("{:.1}%", part * 100.0 / whole) } else { "—".to_owned() }
}

fn attendance_rate(meetings: &[&Meeting]) -> String {
    let expected: usize = meetings.iter().map(|m| m.attendance.len()).sum();
    let present: usize = meetings.iter().map(|m| m.attendance.iter().filter(|a| a.presence == "present").count()).sum();
    percent(present as f64, expected as f64)
}

/// A grade code (`excellent` …) as printed.
pub fn grade_label(code: &str) -> &'static str {
    match code {
        "excellent" => "好",
        "good" => "较好",
        "fair" => "一般",
        "poor" => "差",
        _ => "",
    }
}

/// The 综合评价等次 line: the grade the branch stored (the host's reading of the ballots beside it
/// when the two differ), or, before one is stored, what the host's rules make of the ballots.
pub fn grade_line(review: &DutyReview) -> String {
    let ballots = review.ballot_grade.as_deref().map(grade_label);
    match (review.overall_grade.as_deref().map(grade_label), ballots) {
        (Some(stored), Some(by_ballots)) if review.grade_differs => {
            format!("综合评价等次：{stored}（经研究确定；按民主测评票数为“{by_ballots}”）。")
        }
        (Some(stored), _) => format!("综合评价等次：{stored}。"),
        (None, Some(by_ballots)) => format!("综合评价等次：待评定（按民主测评票数为“{by_ballots}”）。"),
        (None, None) => "综合评价等次：待评定。".to_owned(),
    }
}

fn render(request: &RenderRequest) -> Result<Document, RenderError> {
    let branch_id = request.int("branch")?;
    let year = request.int("year")?;
    let records = &request.records;
    let branch = records
        .organizations
        .iter()
        .find(|o| o.id == branch_id && o.kind == "branch")
        .ok_or_else(|| RenderError::InvalidParameter(("branch".into(), format!("党支部不存在：{branch_id}"))))?;
    let review =
        records.duty_reviews.iter().find(|r| r.branch == branch_id && i64::from(r.year) == year).ok_or_else(|| {
            RenderError::MissingData(format!("未找到{}{year}年度的述职评议记录，请先在“评议”中录入", branch.name))
        })?;
    // The secretary writes the report (评议 → 述职评议) before the review meeting; the ballots
    // come after it. Until they are entered the report is a draft: marked 草稿, the ballots left
    // for after the meeting.
    let draft = review.excellent + review.good + review.fair + review.poor == 0;
    let name_of = |id: i64| records.members.iter().find(|m| m.id == id).map_or("（已删除）", |m| m.name.as_str());
    let secretary = name_of(review.subject);
    let superior = request.param("superior").map(str::trim).filter(|s| !s.is_empty()).unwrap_or(&request.unit_name);
    let compliance = records.compliance.iter().find(|c| c.branch == branch_id);
    let meetings: Vec<&Meeting> = records
        .meetings
        .iter()
        .filter(|m| m.branch == branch_id && m.starts_at.starts_with(&year.to_string()))
        .collect();
    let of_kind = |kind: &str| meetings.iter().copied().filter(|m| m.kind == kind).collect::<Vec<_>>();
    let section_text = |needle: &str| {
        review.sections.iter().find(|s| s.heading.contains(needle)).map(|s| s.body.clone()).unwrap_or_default()
    };

    let title = format!("{}书记{year}年度抓基层党建工作述职报告{}", branch.name, if draft { "（草稿）" } else { "" });
    let mut doc = DocumentBuilder::official(title).paragraph(format!(
        "根据{superior}关于开展{year}年度基层党组织书记抓基层党建工作述职评议考核的通知要求，现将本人履行抓基层党建工作第一责任人职责情况报告如下。"
    ));
    doc = doc.heading(1, "一、履行职责情况");
    let own = section_text("第一责任人");
    if !own.is_empty() {
        doc = doc.paragraph(own);
    }

    // (一) 政治建设: theme days and lectures with their topics.
    let theme_days = of_kind("theme_day");
    let lectures = of_kind("party_lecture");
    let topics: Vec<&str> = theme_days.iter().chain(&lectures).take(4).map(|m| m.title.as_str()).collect();
    let mut political = format!("全年开展主题党日{}次、党课{}次", theme_days.len(), lectures.len());
    if !topics.is_empty() {
        political.push_str(&format!("，主要有“{}”等", topics.join("”“")));
    }
    political.push('。');
    doc = doc.heading(2, "（一）政治建设").paragraph(political);

    // (二) 组织建设: the 三会一课 table from the host's compliance figures.
    doc = doc.heading(2, "（二）组织建设").paragraph(format!("{year}年“三会一课”落实情况如下表。"));
    let mut table =
        TableBuilder::new(&[46.0, 30.0, 30.0, 50.0]).header(["会议类型", "应开次数", "实开次数", "平均出席率"]);
    for kind in THREE_MEETINGS {
        let Some(tally) = compliance.and_then(|c| c.meetings.iter().find(|t| t.kind == kind)) else { continue };
        table = table.row([
            tally.label.clone(),
            tally.required.to_string(),
            tally.held.to_string(),
            attendance_rate(&of_kind(kind)),
        ]);
    }
    doc = doc.table(table.build());
    let members: Vec<_> = records.members.iter().filter(|m| m.branch == branch_id).collect();
    let full = members.iter().filter(|m| m.status == "full").count();
    let developed = members.iter().filter(|m| m.joined_on.starts_with(&year.to_string())).count();
    let mut organisation = format!(
        "支部现有党员{}名，其中正式党员{full}名、预备党员{}名；本年度发展党员{developed}名。",
        members.len(),
        members.len() - full
    );
    if let Some(term) = records.terms.iter().filter(|t| t.org == branch_id).max_by_key(|t| t.number) {
        let roles: Vec<String> = term.roles.iter().map(|r| format!("{}{}", r.label, name_of(r.member))).collect();
        organisation.push_str(&format!("第{}届支部委员会", term.number));
        if let Some(elected) = &term.elected_on {
            organisation.push_str(&format!("于{}选举产生", chinese_date(elected)));
        }
        organisation.push_str(&format!("，成员{}名（{}）。", term.roles.len(), roles.join("、")));
    }
    let grades = ["outstanding", "qualified", "basically_qualified", "unqualified"];
    let labels = ["优秀", "合格", "基本合格", "不合格"];
    let appraised: Vec<_> = records
        .appraisals
        .iter()
        .filter(|a| members.iter().any(|m| m.id == a.member) && i64::from(a.year) == year)
        .collect();
    if !appraised.is_empty() {
        let counts: Vec<String> = grades
            .iter()
            .zip(labels)
            .map(|(g, l)| format!("{l}{}名", appraised.iter().filter(|a| a.grade == *g).count()))
            .collect();
        organisation.push_str(&format!("民主评议党员{}名，评定{}。", appraised.len(), counts.join("、")));
    }
    doc = doc.paragraph(organisation);

    // (三) 作风建设.
    let life = of_kind("org_life_meeting");
    let talks = of_kind("heart_to_heart_talk");
    let conduct = match life.first() {
        Some(meeting) => format!(
            "{}召开组织生活会，开展批评和自我批评；全年开展谈心谈话{}次。",
            chinese_date(&meeting.starts_at),
            talks.len()
        ),
        None => format!("本年度未召开组织生活会；全年开展谈心谈话{}次。", talks.len()),
    };
    doc = doc.heading(2, "（三）作风建设").paragraph(conduct);

    // (四) 服务群众: volunteer activities of the year by the branch's members.
    let member_ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    let activities: Vec<_> = records
        .volunteer_activities
        .iter()
        .filter(|a| {
            a.date.starts_with(&year.to_string()) && a.participants.iter().any(|p| member_ids.contains(&p.member))
        })
        .collect();
    let hours: f64 = activities
        .iter()
        .flat_map(|a| a.participants.iter().filter(|p| member_ids.contains(&p.member)))
        .map(|p| p.hours)
        .sum();
    let turnouts: usize =
        activities.iter().map(|a| a.participants.iter().filter(|p| member_ids.contains(&p.member)).count()).sum();
    let mut titles: Vec<&str> = activities.iter().map(|a| a.title.as_str()).collect();
    titles.dedup();
    titles.truncate(4);
    let dual = members.iter().filter(|m| m.dual_community.is_some()).count();
    let mut service =
        format!("全年组织志愿服务活动{}次，党员参与{turnouts}人次，累计服务{hours:.1}小时", activities.len());
    if !titles.is_empty() {
        service.push_str(&format!("，开展了“{}”等活动", titles.join("”“")));
    }
    service.push_str(&format!("；{dual}名在职党员到居住地社区双报到。"));
    doc = doc.heading(2, "（四）服务群众").paragraph(service);
    let results = section_text("成效");
    if !results.is_empty() {
        doc = doc.paragraph(results);
    }

    // 二、problems: the secretary's text and the rules' open findings.
    doc = doc.heading(1, "二、存在的问题及原因");
    let problems = section_text("问题");
    if !problems.is_empty() {
        doc = doc.paragraph(problems);
    }
    let findings: Vec<String> = compliance
        .map(|c| {
            c.findings
                .iter()
                .filter(|f| f.severity != "notice")
                .map(|f| format!("{}（{}）", f.message, f.clause))
                .collect()
        })
        .unwrap_or_default();
    if findings.is_empty() {
        doc = doc.paragraph("对照《中国共产党支部工作条例（试行）》核查，本年度组织生活未发现未落实事项。");
    } else {
        doc = doc.paragraph("对照制度规定核查，本年度还存在以下问题：").numbered(findings);
    }

    doc = doc.heading(1, "三、下一步工作打算");
    let plans = section_text("打算");
    doc = doc.paragraph(if plans.is_empty() {
        "针对上述问题，逐项整改落实，持续提升支部组织力。".to_owned()
    } else {
        plans
    });
    let signed_on = review.held_on.clone().unwrap_or_else(|| request.generated_on().to_owned());
    doc = doc.signature([format!("述职人：{secretary}")], chinese_date(&signed_on));

    // 附件：民主测评结果 — after the review meeting.
    if draft {
        doc = doc
            .page_break()
            .paragraph_with(plugin_api::para("附件"))
            .centered("民主测评结果")
            .paragraph("民主测评在述职评议会议上进行，测评结果待会后录入（评议 → 述职评议）后生成。");
        return Ok(doc.build());
    }
    let valid = review.excellent + review.good + review.fair + review.poor;
    let mut ballots = TableBuilder::new(&[52.0, 52.0, 52.0]).header(["测评等次", "票数", "占比"]);
    for (label, count) in [("好", review.excellent), ("较好", review.good), ("一般", review.fair), ("差", review.poor)]
    {
        ballots = ballots.row([label.to_owned(), count.to_string(), percent(f64::from(count), f64::from(valid))]);
    }
    doc = doc
        .page_break()
        .paragraph_with(plugin_api::para("附件"))
        .centered("民主测评结果")
        .table(ballots.build())
        .paragraph(format!(
            "应参评人数{}人，实参评人数{}人，有效票数{valid}票。好和较好票合计{}票，占有效票的{}。",
            review.voters_expected,
            review.voters_returned,
            review.excellent + review.good,
            percent(f64::from(review.excellent + review.good), f64::from(valid))
        ))
        .paragraph(grade_line(review));
    if !review.higher_comment.trim().is_empty() {
        doc = doc.paragraph(format!("上级点评：{}", review.higher_comment.trim()));
    }
    Ok(doc.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(excellent: u32, good: u32, fair: u32, poor: u32) -> DutyReview {
        DutyReview {
            id: 1,
            year: 2025,
            branch: 3,
            subject: 10,
            held_on: None,
            sections: Vec::new(),
            excellent,
            good,
            fair,
            poor,
            voters_expected: 40,
            voters_returned: 40,
            higher_comment: String::new(),
            overall_grade: None,
            ballot_grade: None,
            grade_differs: false,
        }
    }

    #[test]
    fn the_stored_grade_is_printed_and_the_ballots_reading_only_beside_it() {
        let stored = |grade: &str, ballots: &str, differs| DutyReview {
            overall_grade: Some(grade.into()),
            ballot_grade: Some(ballots.into()),
            grade_differs: differs,
            ..review(6, 3, 1, 0)
        };
        assert_eq!(grade_line(&stored("good", "good", false)), "综合评价等次：较好。");
        assert_eq!(
            grade_line(&stored("good", "excellent", true)),
            "综合评价等次：较好（经研究确定；按民主测评票数为“好”）。"
        );
        let pending = DutyReview { ballot_grade: Some("fair".into()), ..review(2, 2, 4, 2) };
        assert_eq!(grade_line(&pending), "综合评价等次：待评定（按民主测评票数为“一般”）。");
        assert_eq!(grade_line(&review(0, 0, 0, 0)), "综合评价等次：待评定。");
    }

    #[test]
    fn dates_print_in_arabic_numerals() {
        assert_eq!(chinese_date("2025-12-08"), "2025年12月8日");
        assert_eq!(chinese_date("2025-03-01T09:00:00"), "2025年3月1日");
    }
}
