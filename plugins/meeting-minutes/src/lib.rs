//! Reference template 会议记录 (DOCUMENTS.md §3): the minutes of one meeting, or of every
//! meeting of a branch in a year (optionally one type or one month) with a cover page. Each
//! minute holds what NORMS.md requires: time, place, host, recorder, expected and present
//! counts, leave and absence with reasons, observers, agenda, speeches, resolutions with
//! votes and whether they passed, the quorum result, attachments and signature lines.

use plugin_api::{
    Cell, Document, DocumentBuilder, Meeting, Member, Output, ParamKind, RecordKind, RenderError, RenderRequest,
    RequestExt, TableBuilder, Template, TemplateInfo, cell_text, chinese_date, para, param,
};

/// The template.
pub struct MeetingMinutes;

plugin_api::export_template!(MeetingMinutes);

/// Meeting types and the name minutes use for them.
const KINDS: [(&str, &str); 12] = [
    ("general_meeting", "支部党员大会"),
    ("committee_meeting", "支部委员会"),
    ("group_meeting", "党小组"),
    ("party_lecture", "党课"),
    ("theme_day", "主题党日"),
    ("org_life_meeting", "组织生活会"),
    ("heart_to_heart_talk", "谈心谈话"),
    ("member_appraisal", "民主评议党员"),
    ("term_change", "换届选举大会"),
    ("democratic_life_meeting", "民主生活会"),
    ("deliberation_meeting", "议事会"),
    ("four_deliberations_two_disclosures", "四议两公开"),
];

impl Template for MeetingMinutes {
    fn info() -> TemplateInfo {
        let mut kind = param("kind", "会议类型", ParamKind::Choice, false, None, "批量时只输出这一类会议；不选为全部");
        kind.choices = KINDS.iter().map(|(_, label)| (*label).to_owned()).collect();
        TemplateInfo {
            id: "meeting-minutes".into(),
            name: "会议记录".into(),
            version: "1.2.0".into(),
            description: "一次会议或一个时期全部会议的会议记录，含出席、发言、决议表决和法定人数核对；批量时带封面。"
                .into(),
            parameters: vec![
                param("branch", "党支部", ParamKind::Branch, true, None, "召开会议的党支部"),
                param("year", "年度", ParamKind::Year, true, None, "会议所在年度"),
                param(
                    "meeting",
                    "会议编号",
                    ParamKind::Number,
                    false,
                    None,
                    "只输出这一次会议；不填则输出该年度全部会议",
                ),
                kind,
                param("month", "月份", ParamKind::Number, false, None, "批量时只输出这个月（1—12）"),
            ],
            needs: vec![RecordKind::Organizations, RecordKind::Members, RecordKind::Meetings],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        render(request).map(Output::from)
    }
}

fn kind_name(code: &str) -> &str {
    KINDS.iter().find(|(c, _)| *c == code).map_or(code, |(_, label)| label)
}

/// `2025-03-12T09:00:00`, `…T10:30:00` → `2025年3月12日 9:00—10:30`.
pub fn time_span(starts: &str, ends: &str) -> String {
    let date = |s: &str| {
        let mut p = s.get(..10).unwrap_or(s).split('-').map(|x| x.trim_start_matches('0').to_owned());
        format!(
            "{}年{}月{}日",
            p.next().unwrap_or_default(),
            p.next().unwrap_or_default(),
            p.next().unwrap_or_default()
        )
    };
    let clock = |s: &str| {
        let hm = s.get(11..16).unwrap_or("");
        hm.strip_prefix('0').unwrap_or(hm).to_owned()
    };
    if starts.get(..10) == ends.get(..10) {
        format!("{} {}—{}", date(starts), clock(starts), clock(ends))
    } else {
        format!("{} {}—{} {}", date(starts), clock(starts), date(ends), clock(ends))
    }
}

fn wide(label: &str, value: String) -> Vec<Cell> {
    let mut value_cell = cell_text(value);
    value_cell.col_span = 3;
    vec![label_cell(label), value_cell]
}

fn label_cell(label: &str) -> Cell {
    let mut cell = cell_text(label);
    cell.shading = Some("F2F2F2".into());
    cell
}

fn minutes(mut doc: DocumentBuilder, meeting: &Meeting, members: &[Member]) -> DocumentBuilder {
    let name_of =
        |id: i64| members.iter().find(|m| m.id == id).map_or_else(|| format!("（党员{id}）"), |m| m.name.clone());
    let with_reasons = |presence: &str| {
        let list: Vec<String> = meeting
            .attendance
            .iter()
            .filter(|a| a.presence == presence)
            .map(|a| {
                if a.reason.trim().is_empty() {
                    name_of(a.member)
                } else {
                    format!("{}（{}）", name_of(a.member), a.reason.trim())
                }
            })
            .collect();
        if list.is_empty() { "无".to_owned() } else { list.join("、") }
    };
    let expected = meeting.attendance.len();
    let present = meeting.attendance.iter().filter(|a| a.presence == "present").count();
    let observers = if meeting.observers.is_empty() {
        "无".to_owned()
    } else {
        meeting
            .observers
            .iter()
            .map(|o| if o.affiliation.is_empty() { o.name.clone() } else { format!("{}（{}）", o.name, o.affiliation) })
            .collect::<Vec<_>>()
            .join("、")
    };
    let table = TableBuilder::new(&[30.0, 48.0, 30.0, 48.0])
        .cells(wide("会议名称", meeting.title.clone()))
        .cells(wide("会议时间", time_span(&meeting.starts_at, &meeting.ends_at)))
        .cells(wide("会议地点", meeting.place.clone()))
        .cells(vec![
            label_cell("主持人"),
            cell_text(meeting.host.clone()),
            label_cell("记录人"),
            cell_text(meeting.recorder.clone()),
        ])
        .cells(vec![
            label_cell("应到人数"),
            cell_text(expected.to_string()),
            label_cell("实到人数"),
            cell_text(present.to_string()),
        ])
        .cells(wide("请假人员及原因", with_reasons("on_leave")))
        .cells(wide("缺席人员及原因", with_reasons("absent")))
        .cells(wide("列席人员", observers))
        .build();
    doc = doc.table(table);

    doc = doc.heading(1, "一、会议议题");
    doc = if meeting.agenda.is_empty() {
        doc.paragraph("（未记录议题）")
    } else {
        doc.numbered(meeting.agenda.iter().cloned())
    };

    doc = doc.heading(1, "二、会议内容");
    let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    for (i, item) in meeting.agenda.iter().enumerate() {
        let n = numerals.get(i).copied().unwrap_or("十");
        doc = doc.heading(2, format!("（{n}）{item}"));
        for speech in meeting.speeches.iter().filter(|s| s.agenda_index == Some(i as u32)) {
            doc = doc.paragraph(format!("{}：{}", speech.speaker, speech.content));
        }
    }
    let loose: Vec<_> =
        meeting.speeches.iter().filter(|s| s.agenda_index.is_none_or(|i| i as usize >= meeting.agenda.len())).collect();
    for speech in &loose {
        doc = doc.paragraph(format!("{}：{}", speech.speaker, speech.content));
    }
    if meeting.speeches.is_empty() {
        doc = doc.paragraph("（未记录发言）");
    }

    doc = doc.heading(1, "三、决议事项");
    // Whether a motion passed and whether the meeting was valid are the host's verdicts (its
    // rules, the user's overrides, voting rights counted on the meeting's day): worded here,
    // never recounted.
    if meeting.resolutions.is_empty() {
        doc = doc.paragraph("本次会议未作出需表决的决议。");
    }
    for (i, resolution) in meeting.resolutions.iter().enumerate() {
        let verdict = match (resolution.passed, &meeting.quorum) {
            (Some(true), Some(q)) => format!("{}，决议通过。", q.vote_rule),
            (Some(false), Some(q)) => format!("未达到“{}”，决议未通过。", q.vote_rule),
            _ => String::new(),
        };
        doc = doc.paragraph(format!("{}．{}", i + 1, resolution.text)).paragraph(format!(
            "表决情况：赞成{}票，反对{}票，弃权{}票。{verdict}",
            resolution.yes, resolution.no, resolution.abstain,
        ));
    }
    if let Some(q) = &meeting.quorum {
        doc = doc.paragraph(if q.met {
            format!("应到{}人，实到{}人，符合“{}”的规定，会议有效。", q.expected, q.present, q.rule)
        } else {
            format!(
                "应到{}人，实到{}人，未达到“{}”的规定，会议不能有效召开，所作决定无效。",
                q.expected, q.present, q.rule
            )
        });
    }
    if !meeting.attachments.is_empty() {
        doc = doc.paragraph(format!("附件：{}", meeting.attachments.join("、")));
    }
    if meeting.status == "draft" {
        doc = doc.paragraph("（本记录为草稿，尚未定稿存档。）");
    }
    doc.paragraph_with(para("")).paragraph_with(plugin_api::Paragraph {
        runs: vec![plugin_api::text("主持人（签字）：________　　记录人（签字）：________")],
        align: plugin_api::Align::Left,
        indent: true,
    })
}

fn render(request: &RenderRequest) -> Result<Document, RenderError> {
    let branch_id = request.int("branch")?;
    let year = request.int("year")?.to_string();
    let records = &request.records;
    let branch = records
        .organizations
        .iter()
        .find(|o| o.id == branch_id && o.kind == "branch")
        .ok_or_else(|| RenderError::InvalidParameter(("branch".into(), format!("党支部不存在：{branch_id}"))))?;
    let kind_filter = request.param("kind").map(str::trim).filter(|k| !k.is_empty());
    let kind_code =
        match kind_filter {
            Some(label) => {
                Some(KINDS.iter().find(|(_, l)| *l == label).map(|(c, _)| *c).ok_or_else(|| {
                    RenderError::InvalidParameter(("kind".into(), format!("未知的会议类型：{label}")))
                })?)
            }
            None => None,
        };
    let month = match request.param("month").map(str::trim).filter(|m| !m.is_empty()) {
        Some(_) => Some(request.int("month").and_then(|m| {
            if (1..=12).contains(&m) {
                Ok(m)
            } else {
                Err(RenderError::InvalidParameter(("month".into(), format!("月份应为1至12：{m}"))))
            }
        })?),
        None => None,
    };
    let single = match request.param("meeting").map(str::trim).filter(|m| !m.is_empty()) {
        Some(_) => Some(request.int("meeting")?),
        None => None,
    };
    let mut meetings: Vec<&Meeting> = records
        .meetings
        .iter()
        .filter(|m| m.branch == branch_id && m.starts_at.starts_with(&year))
        .filter(|m| single.is_none_or(|id| m.id == id))
        .filter(|m| kind_code.is_none_or(|k| m.kind == k))
        .filter(|m| month.is_none_or(|mo| m.starts_at.get(5..7).and_then(|x| x.parse::<i64>().ok()) == Some(mo)))
        .collect();
    meetings.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
    if meetings.is_empty() {
        // A meeting the type or month filter left out is named with the filter, not as missing:
        // a per-meeting batch asks for every meeting of the year with the user's filters.
        let asked = single.and_then(|id| {
            records.meetings.iter().find(|m| m.id == id && m.branch == branch_id && m.starts_at.starts_with(&year))
        });
        return Err(RenderError::MissingData(match (single, asked) {
            (Some(_), Some(m)) if kind_code.is_some_and(|k| m.kind != k) => {
                format!("“{}”是{}，不是所选的会议类型：{}", m.title, m.kind_label, kind_filter.unwrap_or_default())
            }
            (Some(_), Some(m)) => format!(
                "“{}”于{}召开，不在所选的月份：{}月",
                m.title,
                m.starts_at.get(..10).unwrap_or(""),
                month.unwrap_or_default()
            ),
            (Some(id), None) => format!("{}{year}年没有编号为{id}的会议记录", branch.name),
            (None, _) => format!("{}{year}年没有符合条件的会议记录", branch.name),
        }));
    }
    let title_of = |m: &Meeting| format!("{}{}会议记录", branch.name, kind_name(&m.kind));
    let mut doc = if single.is_some() {
        DocumentBuilder::official(title_of(meetings[0]))
    } else {
        let period = match month {
            Some(m) => format!("{year}年{m}月"),
            None => format!("{year}年度"),
        };
        let what = kind_filter.unwrap_or("会议");
        let cover = DocumentBuilder::official(format!("{}{period}{what}记录", branch.name))
            .centered(format!("（共{}次会议）", meetings.len()))
            .table(
                meetings
                    .iter()
                    .enumerate()
                    .fold(
                        TableBuilder::new(&[16.0, 40.0, 40.0, 60.0]).header(["序号", "日期", "类型", "会议名称"]),
                        |t, (i, m)| {
                            t.row([
                                (i + 1).to_string(),
                                m.starts_at.get(..10).unwrap_or("").to_owned(),
                                m.kind_label.clone(),
                                m.title.clone(),
                            ])
                        },
                    )
                    .build(),
            )
            .signature([format!("党支部：{}", branch.name)], chinese_date(request.generated_on()));
        cover.section(title_of(meetings[0]))
    };
    for (i, meeting) in meetings.iter().enumerate() {
        if i > 0 {
            doc = doc.section(title_of(meeting));
        }
        doc = minutes(doc, meeting, &records.members);
    }
    Ok(doc.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_spans_read_naturally() {
        assert_eq!(time_span("2025-03-12T09:00:00", "2025-03-12T10:30:00"), "2025年3月12日 9:00—10:30");
        assert_eq!(time_span("2025-03-12T19:00:00", "2025-03-12T20:30:00"), "2025年3月12日 19:00—20:30");
    }
}
