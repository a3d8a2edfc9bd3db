//! A volunteer-hours export (志愿服务时长记录, as volunteer platforms and community offices keep
//! them): one row per volunteer and activity with 姓名, 身份证号 or 志愿者编号, 活动名称, 服务时间 and
//! 时长. Rows of one activity (same name and day) become one volunteer activity with each member's
//! own hours, and each registered volunteer's (the branch's register of non-members); anyone in
//! neither is listed and left out (register them first); an activity already stored is skipped.

use super::roster::{half_width, parse_date};
use super::table::Cell;
use super::{ImportError, Problem};
use crate::domain::{
    ActivityId, IdNumber, Member, MemberId, OrgId, Participant, Stored, Volunteer, VolunteerActivity,
    VolunteerCategory, VolunteerHours, VolunteerId,
};
use chrono::{NaiveDate, NaiveTime};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Name,
    IdNumber,
    VolunteerNumber,
    Activity,
    Date,
    Hours,
    Place,
    Category,
}

const HEADERS: &[(Column, &[&str])] = &[
    (Column::Name, &["姓名", "志愿者姓名"]),
    (Column::IdNumber, &["身份证号", "身份证号码", "公民身份号码", "证件号码"]),
    (Column::VolunteerNumber, &["志愿者编号", "志愿者证号", "注册编号"]),
    (Column::Activity, &["活动名称", "服务项目", "项目名称", "活动"]),
    (Column::Date, &["服务时间", "服务日期", "活动时间", "活动日期", "日期"]),
    (Column::Hours, &["时长", "服务时长", "时长（小时）", "服务时长（小时）", "小时数"]),
    (Column::Place, &["地点", "服务地点", "活动地点"]),
    (Column::Category, &["服务类别", "活动类别", "类别"]),
];

/// One activity ready to store, with the rows it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityPlan {
    /// The sheet rows of its participants.
    pub rows: Vec<usize>,
    /// The activity.
    pub activity: VolunteerActivity,
    /// Already stored (same title and day): skipped.
    pub duplicate: bool,
}

/// The checked export.
#[derive(Debug, Clone, Default)]
pub struct VolunteerPlan {
    /// Activities, by day and name.
    pub activities: Vec<ActivityPlan>,
    /// Rows left out and why (volunteers who are not members).
    pub skipped: Vec<(usize, String)>,
    /// Problems by row and column; an import proceeds only when there are none.
    pub problems: Vec<Problem>,
}

/// The category a title suggests (the export rarely has one).
fn category_of(title: &str, written: &str) -> VolunteerCategory {
    if let Some(found) = VolunteerCategory::ALL.into_iter().find(|c| c.label() == written.trim()) {
        return found;
    }
    let has = |words: &[&str]| words.iter().any(|w| title.contains(w));
    if has(&["禁毒"]) {
        VolunteerCategory::AntiDrug
    } else if has(&["巡逻", "平安", "治安"]) {
        VolunteerCategory::Patrol
    } else if has(&["清扫", "环境", "卫生", "整治", "垃圾"]) {
        VolunteerCategory::CleanUp
    } else if has(&["老人", "独居", "慰问", "助老", "敬老"]) {
        VolunteerCategory::ElderlyCare
    } else if has(&["宣传", "宣讲"]) {
        VolunteerCategory::Publicity
    } else {
        VolunteerCategory::Other
    }
}

/// Hours as exports write them: `2`, `2.5`, `2小时`, `150分钟`.
fn hours_of(cell: &Cell) -> Option<f64> {
    let text = half_width(&cell.text());
    let text = text.trim();
    let value = if let Some(minutes) = text.strip_suffix("分钟") {
        minutes.trim().parse::<f64>().ok()? / 60.0
    } else {
        text.trim_end_matches("小时").trim_end_matches('h').trim().parse::<f64>().ok()?
    };
    (value.is_finite() && value > 0.0 && value <= 24.0).then_some(value)
}

/// The day (and start, when written) of a 服务时间 cell: `2025-06-26`, `2025-06-26 09:00`, an Excel date.
fn when(cell: &Cell) -> Option<(NaiveDate, Option<NaiveTime>)> {
    if let Cell::Date(d) = cell {
        return Some((*d, None));
    }
    let text = half_width(&cell.text());
    let mut parts = text.split_whitespace();
    let day = parse_date(parts.next()?)?;
    let start = parts.next().and_then(|t| NaiveTime::parse_from_str(t.split(['-', '—', '~']).next()?, "%H:%M").ok());
    Some((day, start))
}

/// Reads and checks the export against the roster; `organiser` names the activities' organiser
/// (the branch importing them) and `stored` the activities already in the database.
pub fn plan(
    rows: &[Vec<Cell>],
    roster: &[Stored<MemberId, Member>],
    register: &[Stored<VolunteerId, Volunteer>],
    organiser: (Option<OrgId>, &str),
    stored: &[Stored<ActivityId, VolunteerActivity>],
    mapping: &[(String, String)],
) -> Result<VolunteerPlan, ImportError> {
    let required = [Column::Name, Column::Activity, Column::Date, Column::Hours];
    let (header_row, columns) = super::find_header(rows, HEADERS, mapping, &required)?.ok_or_else(|| {
        ImportError::Format("找不到表头：前10行中没有同时含有“姓名”“活动名称”“服务时间”“时长”的一行".to_owned())
    })?;
    let header = |c: Column| columns.get(&c).and_then(|i| rows[header_row].get(*i)).map_or(String::new(), Cell::text);
    let by_id: HashMap<&str, MemberId> = roster.iter().map(|m| (m.record.id_number.as_str(), m.id)).collect();
    let mut by_name: HashMap<&str, Vec<MemberId>> = HashMap::new();
    for m in roster {
        by_name.entry(m.record.name.as_str()).or_default().push(m.id);
    }
    let volunteer_by_id: HashMap<&str, VolunteerId> =
        register.iter().filter_map(|v| Some((v.record.id_number.as_ref()?.as_str(), v.id))).collect();
    let mut volunteer_by_name: HashMap<&str, Vec<VolunteerId>> = HashMap::new();
    for v in register {
        volunteer_by_name.entry(v.record.name.as_str()).or_default().push(v.id);
    }
    let mut out = VolunteerPlan::default();
    // (day, title) → (rows, start, place, category text, members, registered volunteers)
    type Group = (Vec<usize>, Option<NaiveTime>, String, String, Vec<Participant>, Vec<VolunteerHours>);
    let mut groups: BTreeMap<(NaiveDate, String), Group> = BTreeMap::new();
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
        let name: String = cell(Column::Name).text().chars().filter(|c| !c.is_whitespace()).collect();
        let title = cell(Column::Activity).text();
        if title.is_empty() {
            problem(Column::Activity, String::new(), "不能为空");
        }
        let when = when(&cell(Column::Date));
        if when.is_none() {
            problem(Column::Date, cell(Column::Date).text(), "不是日期（例：2025-06-26 或 2025-06-26 09:00）");
        }
        let hours = hours_of(&cell(Column::Hours));
        if hours.is_none() {
            problem(Column::Hours, cell(Column::Hours).text(), "不是0到24之间的小时数（例：2.5、2小时、150分钟）");
        }
        // The member: by ID number (text only), else by a name that is unique in the roster.
        let id_text = half_width(&cell(Column::IdNumber).text());
        let parsed = IdNumber::parse(&id_text).ok();
        let member = match &parsed {
            Some(id) => by_id.get(id.as_str()).copied(),
            None => match by_name.get(name.as_str()).map(Vec::as_slice) {
                Some([only]) => Some(*only),
                _ => None,
            },
        };
        let volunteer = match &parsed {
            Some(id) => volunteer_by_id.get(id.as_str()).copied(),
            None => match volunteer_by_name.get(name.as_str()).map(Vec::as_slice) {
                Some([only]) => Some(*only),
                _ => None,
            },
        };
        if !problems.is_empty() {
            out.problems.extend(problems);
            continue;
        }
        let (Some((day, start)), Some(hours)) = (when, hours) else { continue };
        let group = groups.entry((day, title.clone())).or_insert_with(|| {
            (Vec::new(), start, cell(Column::Place).text(), cell(Column::Category).text(), Vec::new(), Vec::new())
        });
        let Some(member) = member else {
            match volunteer {
                Some(volunteer) if !group.5.iter().any(|v| v.volunteer == volunteer) => {
                    group.0.push(number);
                    group.5.push(VolunteerHours { volunteer, hours });
                }
                Some(_) => out.problems.push(Problem {
                    row: number,
                    column: header(Column::Name),
                    value: name,
                    problem: "在同一活动中重复".to_owned(),
                }),
                None => {
                    let who = if name.is_empty() { cell(Column::VolunteerNumber).text() } else { name };
                    out.skipped.push((
                        number,
                        format!("{who}不在党员名册和志愿者名册中，未导入（请先在“志愿服务”中登记为志愿者）"),
                    ));
                }
            }
            continue;
        };
        if group.4.iter().any(|p| p.member == member) {
            out.problems.push(Problem {
                row: number,
                column: header(Column::Name),
                value: name,
                problem: "在同一活动中重复".to_owned(),
            });
            continue;
        }
        group.0.push(number);
        group.4.push(Participant { member, hours });
    }
    for ((date, title), (rows, start, place, category, participants, volunteers)) in groups {
        if participants.is_empty() && volunteers.is_empty() {
            continue;
        }
        let starts = start.unwrap_or_else(|| NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default());
        let longest =
            participants.iter().map(|p| p.hours).chain(volunteers.iter().map(|v| v.hours)).fold(0.0_f64, f64::max);
        // The activity spans at least its longest participant's hours (to the half hour).
        let minutes = ((longest * 2.0).ceil() * 30.0) as i64;
        let ends = (starts + chrono::Duration::minutes(minutes))
            .max(starts + chrono::Duration::minutes(30))
            .min(NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default());
        let activity = VolunteerActivity {
            category: category_of(&title, &category),
            title: title.clone(),
            date,
            starts,
            ends,
            place: if place.is_empty() { "未注明".to_owned() } else { place },
            organiser: organiser.1.to_owned(),
            organiser_org: organiser.0,
            description: String::new(),
            participants,
            volunteers,
        };
        if let Err(e) = activity.validate() {
            out.problems.push(Problem {
                row: rows.first().copied().unwrap_or(0),
                column: e.field.to_owned(),
                value: e.value,
                problem: e.problem,
            });
            continue;
        }
        let duplicate = stored.iter().any(|s| s.record.date == date && s.record.title == title);
        out.activities.push(ActivityPlan { rows, activity, duplicate });
    }
    Ok(out)
}
