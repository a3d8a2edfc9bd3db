//! Reference template 换届选举 (NORMS.md, Elections): for a branch and a year, the 选举结果报告 to
//! the higher committee (attendance against the 4/5 quorum, the 差额 method, who was elected with
//! how many votes, the new committee's posts) with the 选票统计表 attached, or the count sheet
//! alone. Every verdict (quorum, elected, tied, seats left) is the host's, from its rules: the
//! template words them and never recounts.

use plugin_api::{
    Candidate, Document, DocumentBuilder, Election, Output, ParamKind, RecordKind, RenderError, RenderRequest,
    RequestExt, TableBuilder, Template, TemplateInfo, chinese_date, param,
};

/// The template.
pub struct ElectionReport;

plugin_api::export_template!(ElectionReport);

/// The `document` choice: the report with the sheet attached.
pub const REPORT: &str = "选举结果报告";
/// The `document` choice: the count sheet alone.
pub const SHEET: &str = "选票统计表";

impl Template for ElectionReport {
    fn info() -> TemplateInfo {
        let mut document =
            param("document", "文书", ParamKind::Choice, false, Some(REPORT), "报告附选票统计表，或只要统计表");
        document.choices = vec![REPORT.into(), SHEET.into()];
        TemplateInfo {
            id: "election-report".into(),
            name: "换届选举结果报告".into(),
            version: "1.0.0".into(),
            description: "党支部换届选举结果的报告（报上级党组织审批），附选票统计表；也可只生成选票统计表。".into(),
            parameters: vec![
                param("branch", "党支部", ParamKind::Branch, true, None, "进行换届选举的党支部"),
                param("year", "年度", ParamKind::Year, true, None, "选举所在年度（有多次时取最后一次）"),
                document,
                param("superior", "上级党组织", ParamKind::Text, false, None, "报告的主送单位；默认为上级党组织名称"),
                param("date", "报告日期", ParamKind::Date, false, None, "落款日期；默认为生成当天"),
            ],
            needs: vec![RecordKind::Organizations, RecordKind::Members, RecordKind::Elections],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        render(request).map(Output::from)
    }
}

/// 1 → 一, 12 → 十二, 21 → 二十一 (terms are numbered in Chinese in the documents).
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[(n % 10) as usize] }),
        20..=99 => {
            format!(
                "{}十{}",
                DIGITS[(n / 10) as usize],
                if n.is_multiple_of(10) { "" } else { DIGITS[(n % 10) as usize] }
            )
        }
        _ => n.to_string(),
    }
}

/// The fewest yes votes that elect: more than half of those who should attend.
fn votes_to_elect(election: &Election) -> u32 {
    election.voters_expected / 2 + 1
}

/// A share of those who should attend, one decimal.
fn share(yes: u32, expected: u32) -> String {
    if expected == 0 { "—".to_owned() } else { format!("{:.1}%", f64::from(yes) * 100.0 / f64::from(expected)) }
}

fn render(request: &RenderRequest) -> Result<Document, RenderError> {
    let branch = request.organization("branch")?;
    let branch_id = branch.id;
    let year = request.int("year")?;
    let records = &request.records;
    let election = records
        .elections
        .iter()
        .filter(|e| e.org == branch_id && e.held_on.starts_with(&year.to_string()))
        .max_by(|a, b| a.held_on.cmp(&b.held_on))
        .ok_or_else(|| {
            RenderError::MissingData(format!("{}{year}年没有换届选举记录，请先在“组织”中录入选举", branch.name))
        })?;
    let name_of = |id: i64| records.members.iter().find(|m| m.id == id).map_or("（已删除）", |m| m.name.as_str());
    let term = format!("第{}届", chinese_number(election.term_number));
    let sheet_title = format!("{}{term}支部委员会选票统计表", branch.name);
    if request.param("document") == Some(SHEET) {
        return Ok(sheet(DocumentBuilder::plain(&sheet_title), election, &name_of).build());
    }
    let superior = request
        .param("superior")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .or_else(|| {
            let parent = branch.parent?;
            records.organizations.iter().find(|o| o.id == parent).map(|o| o.name.clone())
        })
        .unwrap_or_else(|| request.unit_name.clone());

    let mut doc =
        DocumentBuilder::official(format!("关于{}换届选举结果的报告", branch.name)).paragraph(format!("{superior}："));
    let mut opening = String::from("根据");
    match (&election.approved_on, election.approval_ref.trim()) {
        (Some(day), "") => opening.push_str(&format!("{superior}{}的批复", chinese_date(day))),
        (Some(day), reference) => opening.push_str(&format!("{superior}{}的批复（{reference}）", chinese_date(day))),
        (None, _) => opening.push_str(&format!("{superior}的有关要求")),
    }
    let place = election.place.trim();
    let at = if place.is_empty() { String::new() } else { format!("在{place}") };
    opening.push_str(&format!(
        "，{}于{}{at}召开党员大会，进行换届选举，选举产生了{term}支部委员会。现将选举结果报告如下。",
        branch.name,
        chinese_date(&election.held_on)
    ));
    doc = doc.paragraph(opening);

    doc = doc.heading(1, "一、到会情况");
    let quorum = if election.quorum_met {
        "超过应到会人数的五分之四，符合选举条件"
    } else {
        "未超过应到会人数的五分之四，不符合选举条件，选举应另行组织"
    };
    doc = doc.paragraph(format!(
        "本支部应到会有选举权的党员{}名，实到{}名，{quorum}。",
        election.voters_expected, election.voters_present
    ));

    doc = doc.heading(1, "二、选举办法和结果");
    let count = election.candidates.len() as u32;
    let mut method = format!("大会采用无记名投票方式进行选举。应选委员{}名，候选人{count}名", election.seats);
    if count > election.seats {
        method.push_str(&format!("，差额{}名，实行差额选举", count - election.seats));
    }
    if count < election.candidates_needed {
        method.push_str(&format!("（按规定候选人应不少于{}名）", election.candidates_needed));
    }
    method.push_str(&format!(
        "。候选人获得的赞成票超过应到会有选举权党员的半数（至少{}票）始得当选。",
        votes_to_elect(election)
    ));
    doc = doc.paragraph(method);
    let mut elected: Vec<&Candidate> = election.candidates.iter().filter(|c| c.elected).collect();
    elected.sort_by_key(|c| std::cmp::Reverse(c.yes));
    if elected.is_empty() {
        doc = doc.paragraph("本次选举没有候选人获得当选所需票数。");
    } else {
        let names: Vec<String> = elected.iter().map(|c| format!("{}（{}票）", name_of(c.member), c.yes)).collect();
        doc = doc.paragraph(format!("经投票选举，{}当选为{term}支部委员会委员。", names.join("、")));
    }
    let tied: Vec<&str> = election.candidates.iter().filter(|c| c.tied).map(|c| name_of(c.member)).collect();
    if !tied.is_empty() {
        doc = doc.paragraph(format!("{}得票相等，就其再次投票。", tied.join("、")));
    }
    if election.unfilled > 0 {
        doc = doc.paragraph(format!("尚缺额{}名，将就缺额另行选举。", election.unfilled));
    }

    doc = doc.heading(1, "三、委员会分工");
    let with_posts: Vec<&&Candidate> = elected.iter().filter(|c| c.role_label.is_some()).collect();
    let post_of = |code: &str| -> Vec<&str> {
        with_posts.iter().filter(|c| c.role.as_deref() == Some(code)).map(|c| name_of(c.member)).collect()
    };
    let secretary = post_of("secretary");
    let deputy = post_of("deputy_secretary");
    let mut posts = match secretary.as_slice() {
        [] => "新一届支部委员会书记尚待选举产生".to_owned(),
        names => format!("新一届支部委员会第一次全体会议选举{}为书记", names.join("、")),
    };
    if !deputy.is_empty() {
        posts.push_str(&format!("、{}为副书记", deputy.join("、")));
    }
    let others: Vec<String> = with_posts
        .iter()
        .filter(|c| !matches!(c.role.as_deref(), Some("secretary" | "deputy_secretary")))
        .map(|c| format!("{}任{}", name_of(c.member), c.role_label.as_deref().unwrap_or("委员")))
        .collect();
    if !others.is_empty() {
        posts.push_str(&format!("；{}", others.join("，")));
    }
    posts.push('。');
    doc = doc.paragraph(posts);

    doc = doc.paragraph("特此报告，请予审批。").paragraph(format!("附件：{sheet_title}"));
    let date = request.param("date").map(str::trim).filter(|d| !d.is_empty()).unwrap_or(request.generated_on());
    doc = doc.signature([format!("中共{}（盖章）", branch.name)], chinese_date(date));
    Ok(sheet(doc.section(sheet_title), election, &name_of).build())
}

/// The count sheet: the figures the tellers sign under, every candidate with yes/no/abstain, the
/// share of those who should attend and the result.
fn sheet<'a>(doc: DocumentBuilder, election: &Election, name_of: &dyn Fn(i64) -> &'a str) -> DocumentBuilder {
    let place = election.place.trim();
    let mut head = format!("选举日期：{}", chinese_date(&election.held_on));
    if !place.is_empty() {
        head.push_str(&format!("　地点：{place}"));
    }
    let figures = format!(
        "应到会有选举权党员{}名，实到{}名（{}）；应选委员{}名，候选人{}名；当选须获赞成票至少{}票。",
        election.voters_expected,
        election.voters_present,
        if election.quorum_met { "超过五分之四" } else { "未超过五分之四" },
        election.seats,
        election.candidates.len(),
        votes_to_elect(election)
    );
    let mut table = TableBuilder::new(&[12.0, 24.0, 16.0, 16.0, 16.0, 28.0, 20.0, 24.0]).header([
        "序号",
        "候选人",
        "赞成",
        "反对",
        "弃权",
        "赞成票占应到人数",
        "结果",
        "新任职务",
    ]);
    for (i, c) in election.candidates.iter().enumerate() {
        let result = if c.elected {
            "当选"
        } else if c.tied {
            "票数相等，再次投票"
        } else {
            "未当选"
        };
        table = table.row([
            (i + 1).to_string(),
            name_of(c.member).to_owned(),
            c.yes.to_string(),
            c.no.to_string(),
            c.abstain.to_string(),
            share(c.yes, election.voters_expected),
            result.to_owned(),
            c.role_label.clone().unwrap_or_default(),
        ]);
    }
    doc.paragraph(head)
        .paragraph(figures)
        .table(table.build())
        .signature(["总监票人（签字）：", "监票人（签字）：", "计票人（签字）："], chinese_date(&election.held_on))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plugin_api::{Block, Member, Organization, Param, Records, Voter};

    fn member(id: i64, name: &str) -> Member {
        Member {
            id,
            name: name.into(),
            gender: "male".into(),
            birth_date: String::new(),
            ethnicity: "汉族".into(),
            id_number: "330784********0011".into(),
            phone: None,
            status: "full".into(),
            joined_on: "2010-06-01".into(),
            confirmed_on: None,
            branch: 3,
            group: None,
            in_service: false,
            dual_community: None,
        }
    }

    fn candidate(member: i64, yes: u32, elected: bool, role: Option<(&str, &str)>) -> Candidate {
        Candidate {
            member,
            yes,
            no: 20 - yes.min(20),
            abstain: 0,
            elected,
            tied: false,
            role: role.map(|r| r.0.to_owned()),
            role_label: role.map(|r| r.1.to_owned()),
        }
    }

    fn request(document: &str) -> RenderRequest {
        let org = |id, parent, kind: &str, name: &str| Organization {
            id,
            parent,
            kind: kind.into(),
            category: "community".into(),
            name: name.into(),
        };
        let election = Election {
            id: 1,
            org: 3,
            term_number: 4,
            requested_on: Some("2026-02-20".into()),
            approved_on: Some("2026-03-02".into()),
            approval_ref: "金党委〔2026〕5号".into(),
            held_on: "2026-03-20".into(),
            place: "金山社区党群服务中心".into(),
            seats: 3,
            voters: (1..=20).map(|m| Voter { member: m, present: m <= 18 }).collect(),
            voters_expected: 20,
            voters_present: 18,
            quorum_met: true,
            candidates_needed: 4,
            candidates: vec![
                candidate(1, 17, true, Some(("secretary", "书记"))),
                candidate(2, 15, true, Some(("organization_officer", "组织委员"))),
                candidate(3, 12, true, Some(("publicity_officer", "宣传委员"))),
                candidate(4, 8, false, None),
            ],
            unfilled: 0,
            result_approved_on: None,
            result_approval_ref: String::new(),
            meeting: None,
            status: "final".into(),
        };
        RenderRequest {
            params: vec![
                Param { key: "branch".into(), value: "3".into() },
                Param { key: "year".into(), value: "2026".into() },
                Param { key: "document".into(), value: document.into() },
            ],
            generated_at: "2026-03-21T09:00:00".into(),
            unit_name: "金山街道党工委".into(),
            records: Records {
                organizations: vec![
                    org(1, None, "committee", "金山社区党委"),
                    org(3, Some(1), "branch", "金山社区党支部"),
                ],
                terms: Vec::new(),
                members: vec![member(1, "王建国"), member(2, "李秀英"), member(3, "陈志强"), member(4, "周敏")],
                meetings: Vec::new(),
                duty_reviews: Vec::new(),
                appraisals: Vec::new(),
                schemes: Vec::new(),
                star_ratings: Vec::new(),
                volunteer_activities: Vec::new(),
                compliance: Vec::new(),
                elections: vec![election],
                ..Records::default()
            },
            rules: plugin_api::RuleFigures::default(),
        }
    }

    fn text(document: &Document) -> String {
        let mut out = String::new();
        for block in document.sections.iter().flat_map(|s| &s.blocks) {
            match block {
                Block::Heading(h) => out.push_str(&h.text),
                Block::Paragraph(p) => p.runs.iter().for_each(|r| out.push_str(&r.text)),
                Block::Table(t) => t.rows.iter().for_each(|row| {
                    for c in &row.cells {
                        c.paragraphs.iter().flat_map(|p| &p.runs).for_each(|r| out.push_str(&r.text));
                        out.push('|');
                    }
                    out.push('\n');
                }),
                Block::Signature(s) => s.lines.iter().chain([&s.date]).for_each(|l| out.push_str(l)),
                _ => {}
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn the_report_states_attendance_method_result_and_posts_then_attaches_the_sheet() {
        let doc = render(&request(REPORT)).unwrap();
        assert_eq!(doc.title, "关于金山社区党支部换届选举结果的报告");
        assert_eq!(doc.sections.len(), 2, "the report, then the attached sheet on its own page");
        let text = text(&doc);
        for expected in [
            "金山社区党委：",
            "根据金山社区党委2026年3月2日的批复（金党委〔2026〕5号），金山社区党支部于2026年3月20日在金山社区党群服务中心召开党员大会",
            "选举产生了第四届支部委员会",
            "应到会有选举权的党员20名，实到18名，超过应到会人数的五分之四，符合选举条件。",
            "应选委员3名，候选人4名，差额1名，实行差额选举。候选人获得的赞成票超过应到会有选举权党员的半数（至少11票）始得当选。",
            "经投票选举，王建国（17票）、李秀英（15票）、陈志强（12票）当选为第四届支部委员会委员。",
            "新一届支部委员会第一次全体会议选举王建国为书记；李秀英任组织委员，陈志强任宣传委员。",
            "特此报告，请予审批。",
            "中共金山社区党支部（盖章）2026年3月21日",
            "1|王建国|17|3|0|85.0%|当选|书记|",
            "4|周敏|8|12|0|40.0%|未当选||",
        ] {
            assert!(text.contains(expected), "{expected}\nin\n{text}");
        }
        let mut dated = request(REPORT);
        dated.params.push(Param { key: "date".into(), value: "2026-03-23".into() });
        assert!(
            super::tests::text(&render(&dated).unwrap()).contains("中共金山社区党支部（盖章）2026年3月23日"),
            "the date given"
        );
    }

    #[test]
    fn the_sheet_alone_and_the_missing_election() {
        let doc = render(&request(SHEET)).unwrap();
        assert_eq!(doc.title, "金山社区党支部第四届支部委员会选票统计表");
        assert_eq!(doc.sections.len(), 1);
        assert!(text(&doc).contains(
            "应到会有选举权党员20名，实到18名（超过五分之四）；应选委员3名，候选人4名；当选须获赞成票至少11票。"
        ));
        let mut other_year = request(REPORT);
        other_year.params[1].value = "2025".into();
        let error = render(&other_year).unwrap_err();
        assert!(
            matches!(&error, RenderError::MissingData(m) if m == "金山社区党支部2025年没有换届选举记录，请先在“组织”中录入选举"),
            "{error:?}"
        );
    }

    #[test]
    fn chinese_numbers_for_terms() {
        assert_eq!(
            [1, 4, 10, 12, 20, 21].map(chinese_number),
            ["一", "四", "十", "十二", "二十", "二十一"].map(String::from)
        );
    }
}
