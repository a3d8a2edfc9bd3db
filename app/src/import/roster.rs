//! The member roster: columns matched by their Chinese headers (with a mapping for unknown
//! ones), every row validated, ID and phone numbers read as text only, and members matched on
//! their ID number so a second import updates rather than duplicates.

use super::table::Cell;
use super::{ImportError, Problem};
use crate::domain::{
    DualRegistration, Gender, IdNumber, Member, MemberId, MemberStatus, OrgId, OrgKind, Organization, Phone, Stored,
};
use chrono::NaiveDate;
use std::collections::HashMap;

/// A roster field and the headers that name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// 姓名.
    Name,
    /// 性别.
    Gender,
    /// 出生日期.
    BirthDate,
    /// 民族.
    Ethnicity,
    /// 身份证号.
    IdNumber,
    /// 联系电话.
    Phone,
    /// 党员状态.
    Status,
    /// 入党时间.
    JoinedOn,
    /// 转正时间.
    ConfirmedOn,
    /// 所在支部.
    Branch,
    /// 党小组.
    Group,
    /// 在职.
    InService,
    /// 双报到社区.
    DualCommunity,
}

const HEADERS: &[(Field, &[&str])] = &[
    (Field::Name, &["姓名", "党员姓名"]),
    (Field::Gender, &["性别"]),
    (Field::BirthDate, &["出生日期", "出生年月", "出生时间"]),
    (Field::Ethnicity, &["民族"]),
    (Field::IdNumber, &["身份证号", "身份证号码", "公民身份号码", "身份证"]),
    (Field::Phone, &["联系电话", "手机", "手机号", "手机号码", "电话"]),
    (Field::Status, &["党员状态", "人员类别", "党籍状态", "党员类别"]),
    (Field::JoinedOn, &["入党时间", "入党日期", "加入党组织日期"]),
    (Field::ConfirmedOn, &["转正时间", "转正日期"]),
    (Field::Branch, &["所在支部", "所在党支部", "党支部", "支部"]),
    (Field::Group, &["党小组", "所在党小组"]),
    (Field::InService, &["在职", "是否在职", "在职党员", "工作状态"]),
    (Field::DualCommunity, &["双报到社区", "报到社区"]),
];

impl Field {
    /// The field's Chinese name (the first header that names it).
    pub fn label(self) -> &'static str {
        HEADERS.iter().find(|(f, _)| *f == self).map_or("", |(_, names)| names[0])
    }

    /// The field a header (or a `--map` target) names.
    pub fn from_header(header: &str) -> Option<Self> {
        let clean: String = header.chars().filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊').collect();
        HEADERS.iter().find(|(_, names)| names.contains(&clean.as_str())).map(|(f, _)| *f)
    }
}

/// What happens to one row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Action {
    /// A new member.
    Create,
    /// An existing member (same ID number) is updated.
    Update(i64),
}

/// One valid row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowPlan {
    /// The spreadsheet row number.
    pub row: usize,
    /// Create or update.
    pub action: Action,
    /// The member as it will be stored.
    pub member: Member,
}

/// The outcome of reading and checking a roster.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Valid rows.
    pub rows: Vec<RowPlan>,
    /// Every problem found; a real import proceeds only when this is empty.
    pub problems: Vec<Problem>,
    /// Headers the importer did not recognise (map them with `--map 列名=字段`).
    pub unknown_headers: Vec<String>,
    /// Blank rows skipped.
    pub blank_rows: usize,
}

/// Parses a date as rosters write it: `2010-06-01`, `2010/6/1`, `2010.06.01`, `2010年6月1日`,
/// `20100601`, or a month (`2010.06`, `2010年6月`, taken as the month's first day).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim().trim_end_matches('日');
    let normal: String = t.chars().map(|c| if matches!(c, '/' | '.' | '年' | '月') { '-' } else { c }).collect();
    let normal = normal.trim_end_matches('-');
    if let Ok(d) = NaiveDate::parse_from_str(normal, "%Y-%m-%d") {
        return Some(d);
    }
    if normal.len() == 8 && normal.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(normal, "%Y%m%d").ok();
    }
    let mut parts = normal.split('-');
    let (Some(y), Some(m), None) = (parts.next(), parts.next(), parts.next()) else { return None };
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

fn date_cell(cell: &Cell) -> Option<NaiveDate> {
    match cell {
        Cell::Date(d) => Some(*d),
        other => parse_date(&other.text()),
    }
}

/// The header row's index, its recognised columns, and the headers it did not recognise.
type Header = (usize, HashMap<usize, Field>, Vec<String>);

/// Finds the header row (the first of the first ten that names both 姓名 and 身份证号) and
/// maps its columns, `mapping` (header → field label) first.
fn header_map(rows: &[Vec<Cell>], mapping: &[(String, String)]) -> Result<Header, ImportError> {
    let mut extra: HashMap<String, Field> = HashMap::new();
    for (header, target) in mapping {
        let field = Field::from_header(target).ok_or_else(|| {
            ImportError::Mapping(format!(
                "没有名为“{target}”的字段，可用：{}",
                HEADERS.iter().map(|(f, _)| f.label()).collect::<Vec<_>>().join("、")
            ))
        })?;
        extra.insert(header.trim().to_owned(), field);
    }
    for (index, row) in rows.iter().enumerate().take(10) {
        let mut columns = HashMap::new();
        let mut unknown = Vec::new();
        for (col, cell) in row.iter().enumerate() {
            let header = cell.text();
            if header.is_empty() {
                continue;
            }
            match extra.get(&header).copied().or_else(|| Field::from_header(&header)) {
                Some(field) if !columns.values().any(|f| *f == field) => {
                    columns.insert(col, field);
                }
                Some(_) => unknown.push(format!("{header}（重复）")),
                None => unknown.push(header),
            }
        }
        let has = |f: Field| columns.values().any(|v| *v == f);
        if has(Field::Name) && has(Field::IdNumber) {
            return Ok((index, columns, unknown));
        }
    }
    Err(ImportError::NoHeader)
}

/// Reads and checks every row against the organizations and members already stored.
/// `default_branch` is used when the sheet has no branch column.
pub fn plan(
    rows: &[Vec<Cell>],
    mapping: &[(String, String)],
    organizations: &[Stored<OrgId, Organization>],
    existing: &[Stored<MemberId, Member>],
    default_branch: Option<OrgId>,
) -> Result<Plan, ImportError> {
    let (header_row, columns, unknown) = header_map(rows, mapping)?;
    let mut out = Plan { unknown_headers: unknown, ..Plan::default() };
    let header_of = |field: Field| {
        columns
            .iter()
            .find(|(_, f)| **f == field)
            .and_then(|(c, _)| rows[header_row].get(*c))
            .map_or(field.label().to_owned(), Cell::text)
    };
    if !columns.values().any(|f| *f == Field::Branch) && default_branch.is_none() {
        return Err(ImportError::Mapping("表中没有“所在支部”列，请用 --branch 指定支部编号".to_owned()));
    }
    let by_id: HashMap<&str, MemberId> = existing.iter().map(|m| (m.record.id_number.as_str(), m.id)).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, row) in rows.iter().enumerate().skip(header_row + 1) {
        let row_number = index + 1;
        let cell = |field: Field| -> Cell {
            columns.iter().find(|(_, f)| **f == field).and_then(|(c, _)| row.get(*c)).cloned().unwrap_or(Cell::Empty)
        };
        if columns.keys().all(|c| row.get(*c).is_none_or(Cell::is_blank)) {
            out.blank_rows += 1;
            continue;
        }
        let mut problems = Vec::new();
        let mut problem = |field: Field, value: String, text: &str| {
            problems.push(Problem { row: row_number, column: header_of(field), value, problem: text.to_owned() });
        };

        let name = cell(Field::Name).text();
        if name.is_empty() {
            problem(Field::Name, String::new(), "不能为空");
        }
        // ID numbers are read as text only: a number cell may already have lost digits.
        let id_cell = cell(Field::IdNumber);
        let id_number = match &id_cell {
            Cell::Number(n) => {
                problem(
                    Field::IdNumber,
                    format!("{n:e}"),
                    "被 Excel 存成了数字（末几位可能已丢失），请把该列设为文本后重新录入",
                );
                None
            }
            other => {
                let text = other.text();
                if text.contains(['E', 'e']) && text.contains('+') {
                    problem(Field::IdNumber, text, "是科学计数法形式（末几位已丢失），请把该列设为文本后重新录入");
                    None
                } else {
                    match IdNumber::parse(&text) {
                        Ok(id) => Some(id),
                        Err(e) => {
                            problem(Field::IdNumber, e.value.clone(), &e.problem);
                            None
                        }
                    }
                }
            }
        };
        if let Some(id) = &id_number
            && let Some(first) = seen.insert(id.as_str().to_owned(), row_number)
        {
            problem(Field::IdNumber, id.masked(), &format!("与第{first}行重复"));
        }
        let gender = match cell(Field::Gender).text().as_str() {
            "" => id_number.as_ref().map(IdNumber::gender),
            "男" => Some(Gender::Male),
            "女" => Some(Gender::Female),
            other => {
                problem(Field::Gender, other.to_owned(), "应为“男”或“女”");
                None
            }
        };
        if let (Some(given), Some(id)) = (gender, &id_number)
            && given != id.gender()
        {
            problem(
                Field::Gender,
                given.label().to_owned(),
                &format!("与身份证号不符（身份证号为{}性）", id.gender().label()),
            );
        }
        let birth = id_number.as_ref().and_then(IdNumber::birth_date);
        let birth_cell = cell(Field::BirthDate);
        if !birth_cell.is_blank() {
            match (date_cell(&birth_cell), birth) {
                (None, _) => problem(Field::BirthDate, birth_cell.text(), "不是日期"),
                (Some(given), Some(from_id))
                    if (given.format("%Y%m").to_string()) != from_id.format("%Y%m").to_string() =>
                {
                    problem(Field::BirthDate, birth_cell.text(), "与身份证号中的出生日期不符")
                }
                _ => {}
            }
        }
        let phone_cell = cell(Field::Phone);
        let phone = match &phone_cell {
            Cell::Empty => None,
            Cell::Number(n) if n.fract() != 0.0 || *n >= 1e11 => {
                problem(Field::Phone, format!("{n:e}"), "被 Excel 存成了数字且位数不对，请把该列设为文本后重新录入");
                None
            }
            other => match Phone::parse(&other.text()) {
                Ok(p) => Some(p),
                Err(e) => {
                    problem(Field::Phone, e.value, &e.problem);
                    None
                }
            },
        };
        let status = match cell(Field::Status).text().as_str() {
            "正式党员" | "正式" => Some(MemberStatus::Full),
            "预备党员" | "预备" => Some(MemberStatus::Probationary),
            "" => {
                problem(Field::Status, String::new(), "不能为空（正式党员或预备党员）");
                None
            }
            other => {
                problem(Field::Status, other.to_owned(), "应为“正式党员”或“预备党员”");
                None
            }
        };
        let date = |field: Field, required: bool, problem: &mut dyn FnMut(Field, String, &str)| {
            let c = cell(field);
            if c.is_blank() {
                if required {
                    problem(field, String::new(), "不能为空");
                }
                return None;
            }
            let parsed = date_cell(&c);
            if parsed.is_none() {
                problem(field, c.text(), "不是日期（例：2010-06-01）");
            }
            parsed
        };
        let joined_on = date(Field::JoinedOn, true, &mut problem);
        let confirmed_on = date(Field::ConfirmedOn, false, &mut problem);
        let branch_cell = cell(Field::Branch).text();
        let branch = if branch_cell.is_empty() {
            default_branch
        } else {
            let found = organizations.iter().find(|o| {
                o.record.kind == OrgKind::Branch
                    && (o.record.name == branch_cell
                        || o.record.name.trim_end_matches("党支部") == branch_cell.trim_end_matches("党支部"))
            });
            if found.is_none() {
                problem(Field::Branch, branch_cell.clone(), "不存在（请先在“组织”中建立该支部）");
            }
            found.map(|o| o.id)
        };
        if branch.is_none() && branch_cell.is_empty() {
            problem(Field::Branch, String::new(), "不能为空");
        }
        let group_cell = cell(Field::Group).text();
        let group = if group_cell.is_empty() {
            None
        } else {
            let found = organizations.iter().find(|o| {
                o.record.kind == OrgKind::Group
                    && o.record.parent == branch
                    && (o.record.name == group_cell || o.record.name.ends_with(&group_cell))
            });
            if found.is_none() && branch.is_some() {
                problem(Field::Group, group_cell.clone(), "不是该支部的党小组");
            }
            found.map(|o| o.id)
        };
        let in_service = match cell(Field::InService).text().as_str() {
            "" | "否" | "不在职" | "退休" | "离退休" | "N" | "n" => false,
            "是" | "在职" | "Y" | "y" => true,
            other => {
                problem(Field::InService, other.to_owned(), "应为“是”或“否”");
                false
            }
        };
        let community = cell(Field::DualCommunity).text();
        if problems.is_empty()
            && let (Some(id_number), Some(gender), Some(birth_date), Some(status), Some(joined_on), Some(branch)) =
                (id_number, gender, birth, status, joined_on, branch)
        {
            let member = Member {
                name: name.clone(),
                gender,
                birth_date,
                ethnicity: Some(cell(Field::Ethnicity).text())
                    .filter(|e| !e.is_empty())
                    .unwrap_or_else(|| "汉族".to_owned()),
                id_number: id_number.clone(),
                phone,
                status,
                joined_on,
                confirmed_on: if status == MemberStatus::Probationary { None } else { confirmed_on },
                branch,
                group,
                in_service: in_service || !community.is_empty(),
                dual_registration: (!community.is_empty()).then(|| DualRegistration {
                    community: community.clone(),
                    posts: Vec::new(),
                    registered_on: joined_on,
                }),
            };
            match member.validate() {
                Ok(()) => {
                    let action = by_id.get(id_number.as_str()).map_or(Action::Create, |id| Action::Update(id.0));
                    out.rows.push(RowPlan { row: row_number, action, member });
                }
                Err(e) => out.problems.push(Problem {
                    row: row_number,
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
