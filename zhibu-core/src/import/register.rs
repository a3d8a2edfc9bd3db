//! The 三会一课 register (台账登记表) many branches keep in Excel: one row per meeting with
//! date, type, topic, place, host, recorder, expected/present counts and who was on leave or
//! absent. Rows become draft meeting records of one branch, attendance filled from its roster;
//! a row already imported (same branch, type, start and title) is skipped, not duplicated.

use super::table::Cell;
use super::{ImportError, Problem};
use crate::domain::{
    AgendaItem, Attendance, Meeting, MeetingKind, MeetingStatus, Member, MemberId, OrgId, Presence, Stored,
};
use chrono::{NaiveDate, NaiveTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Date,
    Time,
    Kind,
    Title,
    Place,
    Host,
    Recorder,
    Expected,
    Present,
    OnLeave,
    Absent,
}

const HEADERS: &[(Column, &[&str])] = &[
    (Column::Date, &["日期", "会议日期", "时间", "会议时间"]),
    (Column::Time, &["开始时间", "起止时间"]),
    (Column::Kind, &["会议类型", "类型", "类别", "会议类别"]),
    (Column::Title, &["会议主题", "主题", "会议名称", "内容", "会议内容"]),
    (Column::Place, &["地点", "会议地点"]),
    (Column::Host, &["主持人"]),
    (Column::Recorder, &["记录人"]),
    (Column::Expected, &["应到", "应到人数"]),
    (Column::Present, &["实到", "实到人数"]),
    (Column::OnLeave, &["请假", "请假人员", "请假人员及原因"]),
    (Column::Absent, &["缺席", "缺席人员", "缺席人员及原因"]),
];

/// One meeting ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRow {
    /// The spreadsheet row number.
    pub row: usize,
    /// The record (draft).
    pub meeting: Meeting,
    /// Already in the database: skipped.
    pub duplicate: bool,
}

/// The checked register.
#[derive(Debug, Clone, Default)]
pub struct RegisterPlan {
    /// Valid rows.
    pub rows: Vec<MeetingRow>,
    /// Problems by row and column.
    pub problems: Vec<Problem>,
}

fn kind_of(label: &str) -> Option<MeetingKind> {
    let label = label.trim();
    Some(match label {
        "支部党员大会" | "党员大会" | "支部大会" => MeetingKind::GeneralMeeting,
        "支委会" | "支部委员会" | "支委会议" => MeetingKind::CommitteeMeeting,
        "党小组会" | "党小组会议" => MeetingKind::GroupMeeting,
        "党课" => MeetingKind::PartyLecture,
        "主题党日" => MeetingKind::ThemeDay,
        "组织生活会" => MeetingKind::OrgLifeMeeting,
        "谈心谈话" => MeetingKind::HeartToHeartTalk,
        "民主评议党员" | "民主评议" => MeetingKind::MemberAppraisal,
        _ => return MeetingKind::ALL.into_iter().find(|k| k.label() == label),
    })
}

/// Names in a cell such as `张三（出差）、李四`: (name, reason).
fn names(text: &str) -> Vec<(String, String)> {
    text.split(['、', ',', '，', ';', '；', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "无")
        .map(|entry| match entry.split_once(['（', '(']) {
            Some((name, reason)) => (name.trim().to_owned(), reason.trim_end_matches([')', '）']).trim().to_owned()),
            None => (entry.to_owned(), String::new()),
        })
        .collect()
}

/// Reads the register of `branch` against its roster and the meetings already stored.
pub fn plan(
    rows: &[Vec<Cell>],
    branch: OrgId,
    roster: &[Stored<MemberId, Member>],
    existing: &[Stored<crate::domain::MeetingId, Meeting>],
    mapping: &[(String, String)],
) -> Result<RegisterPlan, ImportError> {
    let (header_row, columns) = super::find_header(rows, HEADERS, mapping, &[Column::Date, Column::Kind])?
        .ok_or_else(|| ImportError::Format("找不到表头：前10行中没有同时含有“日期”和“会议类型”的一行".to_owned()))?;
    let header = |c: Column| columns.get(&c).and_then(|i| rows[header_row].get(*i)).map_or(String::new(), Cell::text);
    let members: Vec<&Stored<MemberId, Member>> = roster.iter().filter(|m| m.record.branch == branch).collect();
    let mut out = RegisterPlan::default();
    for (index, row) in rows.iter().enumerate().skip(header_row + 1) {
        let number = index + 1;
        let cell = |c: Column| columns.get(&c).and_then(|i| row.get(*i)).cloned().unwrap_or(Cell::Empty);
        if columns.values().all(|i| row.get(*i).is_none_or(Cell::is_blank)) {
            continue;
        }
        let mut problems = Vec::new();
        let mut problem = |c: Column, value: String, text: &str| {
            problems.push(Problem { row: number, column: header(c), value, problem: text.to_owned() });
        };
        let date = match cell(Column::Date) {
            Cell::Date(d) => Some(d),
            other => {
                let parsed = super::roster::parse_date(&other.text())
                    .filter(|_| other.text().chars().filter(char::is_ascii_digit).count() >= 6);
                if parsed.is_none() {
                    problem(Column::Date, other.text(), "不是完整的日期（例：2025-03-12）");
                }
                parsed
            }
        };
        let kind = kind_of(&cell(Column::Kind).text());
        if kind.is_none() {
            problem(
                Column::Kind,
                cell(Column::Kind).text(),
                "不是可识别的会议类型（如支委会、支部党员大会、党小组会、党课）",
            );
        }
        let start = NaiveTime::parse_from_str(
            cell(Column::Time).text().split(['-', '—', '～', '~']).next().unwrap_or("").trim(),
            "%H:%M",
        )
        .unwrap_or_else(|_| NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default());
        let mut leave = names(&cell(Column::OnLeave).text());
        let absent = names(&cell(Column::Absent).text());
        let find = |name: &str| members.iter().find(|m| m.record.name == name).map(|m| m.id);
        for (name, _) in leave.iter().chain(&absent) {
            if find(name).is_none() {
                let column = if leave.iter().any(|(n, _)| n == name) { Column::OnLeave } else { Column::Absent };
                problem(column, name.clone(), "不是本支部党员");
            }
        }
        let Some(date) = date else {
            out.problems.extend(problems);
            continue;
        };
        let expected: Vec<&&Stored<MemberId, Member>> = members.iter().filter(|m| m.record.joined_on <= date).collect();
        let present = expected.len().saturating_sub(leave.len() + absent.len());
        let count = |c: Column| cell(c).text().trim_end_matches('人').parse::<usize>().ok();
        if let Some(n) = count(Column::Expected)
            && n != expected.len()
        {
            problem(Column::Expected, n.to_string(), &format!("与名册不符（该日本支部有党员{}名）", expected.len()));
        }
        if let Some(n) = count(Column::Present)
            && n != present
        {
            problem(Column::Present, n.to_string(), &format!("与请假、缺席人员不符（应为{present}人）"));
        }
        let text_or = |c: Column, fallback: &str| {
            Some(cell(c).text()).filter(|t| !t.is_empty()).unwrap_or_else(|| fallback.to_owned())
        };
        if let (Some(kind), true) = (kind, problems.is_empty()) {
            let attendance = expected
                .iter()
                .map(|m| {
                    let presence = if let Some(i) = leave.iter().position(|(n, _)| *n == m.record.name) {
                        Presence::OnLeave { reason: leave.remove(i).1 }
                    } else if let Some((_, reason)) = absent.iter().find(|(n, _)| *n == m.record.name) {
                        Presence::Absent { reason: reason.clone() }
                    } else {
                        Presence::Present
                    };
                    Attendance { member: m.id, presence }
                })
                .collect();
            let title = text_or(Column::Title, kind.label());
            let starts_at = date.and_time(start);
            let meeting = Meeting {
                kind,
                branch,
                group: None,
                title: title.clone(),
                starts_at,
                ends_at: starts_at + chrono::Duration::hours(2),
                place: text_or(Column::Place, "未登记"),
                host: text_or(Column::Host, "未登记"),
                recorder: text_or(Column::Recorder, "未登记"),
                attendance,
                observers: Vec::new(),
                agenda: vec![AgendaItem { title }],
                speeches: Vec::new(),
                resolutions: Vec::new(),
                attachments: Vec::new(),
                status: MeetingStatus::Draft,
            };
            let duplicate = existing.iter().any(|e| {
                e.record.branch == branch
                    && e.record.kind == kind
                    && e.record.starts_at == starts_at
                    && e.record.title == meeting.title
            });
            match meeting.validate() {
                Ok(()) => out.rows.push(MeetingRow { row: number, meeting, duplicate }),
                Err(e) => problems.push(Problem {
                    row: number,
                    column: e.field.to_owned(),
                    value: e.value,
                    problem: e.problem,
                }),
            }
        }
        out.problems.extend(problems);
    }
    Ok(out)
}

/// The first day a register's dates can cover (for loading existing meetings).
pub fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN)
}
