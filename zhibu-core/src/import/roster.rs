//! The member roster as offices keep it: the header row found below title rows, columns matched
//! by their Chinese headers (with a mapping for unknown ones), total, footer and signature rows
//! skipped and reported, full-width characters and spaced-out names normalised, dates in the
//! forms rosters write them (and Excel serials), landlines accepted, the member status derived
//! from 转正时间 or 备注 when there is no status column (said so per row), every row validated, ID
//! and phone numbers read as text only, and members matched on their ID number so a second
//! import updates rather than duplicates.

use super::table::Cell;
use super::{ImportError, Problem};
use crate::domain::{
    DualRegistration, Gender, IdNumber, Member, MemberDetails, MemberId, MemberStatus, OrgId, OrgKind, Organization,
    Phone, Stored,
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
    /// 学历.
    Education,
    /// 工作单位及职务.
    Work,
    /// 籍贯.
    NativePlace,
    /// 备注.
    Remarks,
}

const HEADERS: &[(Field, &[&str])] = &[
    (Field::Name, &["姓名", "党员姓名"]),
    (Field::Gender, &["性别"]),
    (Field::BirthDate, &["出生日期", "出生年月", "出生时间", "出生年月日"]),
    (Field::Ethnicity, &["民族"]),
    (Field::IdNumber, &["身份证号", "身份证号码", "公民身份号码", "身份证"]),
    (Field::Phone, &["联系电话", "手机", "手机号", "手机号码", "电话", "联系方式", "电话号码", "联系电话（手机）"]),
    (Field::Status, &["党员状态", "人员类别", "党员类别"]),
    (Field::JoinedOn, &["入党时间", "入党日期", "加入党组织日期", "入党年月", "加入中国共产党时间"]),
    (Field::ConfirmedOn, &["转正时间", "转正日期", "转正年月", "转为正式党员日期"]),
    (Field::Branch, &["所在支部", "所在党支部", "党支部", "支部"]),
    (Field::Group, &["党小组", "所在党小组"]),
    (Field::InService, &["在职", "是否在职", "在职党员", "工作状态"]),
    (Field::DualCommunity, &["双报到社区", "报到社区"]),
    (Field::Education, &["学历", "文化程度", "全日制学历", "最高学历", "学历学位"]),
    (
        Field::Work,
        &["工作单位及职务", "工作单位及职务（职称）", "现工作单位及职务", "单位及职务", "工作单位", "职务", "工作岗位"],
    ),
    (Field::NativePlace, &["籍贯"]),
    (Field::Remarks, &["备注"]),
];

/// Columns rosters carry that hold nothing to import (a row number): not reported as unknown.
const IGNORED: &[&str] = &["序号", "编号", "序"];

/// Rows that are not members: totals, and the signature lines under the table.
const FOOTER_WORDS: &[(&str, &str)] = &[
    ("合计", "合计行，不是党员"),
    ("小计", "小计行，不是党员"),
    ("总计", "合计行，不是党员"),
    ("共计", "合计行，不是党员"),
    ("制表人", "表尾（制表人、审核人），不是党员"),
    ("制表：", "表尾（制表人、审核人），不是党员"),
    ("审核人", "表尾（制表人、审核人），不是党员"),
    ("审核：", "表尾（制表人、审核人），不是党员"),
    ("填表人", "表尾（制表人、审核人），不是党员"),
    ("填表日期", "表尾（填表日期），不是党员"),
    ("填报日期", "表尾（填表日期），不是党员"),
    ("制表日期", "表尾（填表日期），不是党员"),
    ("负责人：", "表尾（负责人签字），不是党员"),
    ("（盖章）", "表尾（盖章），不是党员"),
];

/// What the user corrected before checking again (the window's import report): cells given a new
/// value (row as the sheet numbers it, the column's header as the report names it) and rows to
/// leave out. Applied to the sheet as read; the file itself is never changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Corrections {
    /// (row, column header, new value).
    pub cells: Vec<(usize, String, String)>,
    /// Rows not to import.
    pub skip: Vec<usize>,
}

/// The 56 ethnic groups as rosters may write them without 族.
const ETHNIC_GROUPS: &[&str] = &[
    "汉",
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
];

/// Full-width letters, digits and signs as their ASCII forms, the ideographic space as a space:
/// rosters typed with a Chinese input method often hold `１１０１０５…` or `Ｘ`.
pub fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .collect()
}

impl Field {
    /// The field's Chinese name (the first header that names it).
    pub fn label(self) -> &'static str {
        HEADERS.iter().find(|(f, _)| *f == self).map_or("", |(_, names)| names[0])
    }

    /// The field a header (or a `--map` target) names. Spaces, line breaks and required-field
    /// stars are ignored (`性 别`, `身份证\n号码`, `*姓名`), and an ASCII bracket matches a Chinese one.
    pub fn from_header(header: &str) -> Option<Self> {
        let clean = clean_header(header);
        HEADERS.iter().find(|(_, names)| names.contains(&clean.as_str())).map(|(f, _)| *f)
    }
}

fn clean_header(header: &str) -> String {
    half_width(header)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            other => other,
        })
        .collect()
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
    /// What was derived or normalised on the way (said in the report).
    pub notes: Vec<String>,
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
    /// Rows that are not members (totals, signature lines): row number and why.
    pub skipped: Vec<(usize, String)>,
    /// The sheet read, when the file has several.
    pub sheet: Option<String>,
    /// The branch every member goes to when the sheet has no 所在支部 column (the usual branch
    /// 花名册), with its name for the report; None when the sheet names each row's branch.
    pub into_branch: Option<(OrgId, String)>,
}

/// Parses a date as rosters write it: `2010-06-01`, `2010/6/1`, `2010.06.01`, `2010年6月1日`,
/// `20100601`, or a month (`2010.06`, `2010年6月`, taken as the month's first day).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = half_width(text);
    let t = t.trim().trim_end_matches('日').trim_end_matches('号');
    let normal: String = t.chars().map(|c| if matches!(c, '/' | '.' | '年' | '月') { '-' } else { c }).collect();
    let normal = normal.trim_end_matches('-');
    if let Ok(d) = NaiveDate::parse_from_str(normal, "%Y-%m-%d") {
        return Some(d);
    }
    if normal.len() == 8 && normal.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(normal, "%Y%m%d").ok();
    }
    if normal.len() == 6 && normal.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::from_ymd_opt(normal[..4].parse().ok()?, normal[4..].parse().ok()?, 1);
    }
    let mut parts = normal.split('-');
    let (Some(y), Some(m), None) = (parts.next(), parts.next(), parts.next()) else { return None };
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

fn date_cell(cell: &Cell) -> Option<NaiveDate> {
    match cell {
        Cell::Date(d) => Some(*d),
        // An Excel date serial (days since 1899-12-30) in a cell not formatted as a date: 20000 is
        // 1954, 80000 is 2119; a year written as a number (1985) is not a serial.
        Cell::Number(n) if n.fract() == 0.0 && (20_000.0..=80_000.0).contains(n) => {
            NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(*n as u64))
        }
        other => parse_date(&other.text()),
    }
}

/// The header: the index of its last row, its cells (two header rows merged into one), its
/// recognised columns, and the headers it did not recognise.
type Header = (usize, Vec<Cell>, HashMap<usize, Field>, Vec<String>);

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
    // One header row, else two: a group title over some columns (`基本信息`) with the fields in the
    // row below, and fields merged down over both rows (their text in the upper row only).
    let candidates = (0..rows.len().min(10)).flat_map(|i| {
        let single = (i, rows[i].clone());
        let double = rows.get(i + 1).map(|below| {
            let width = rows[i].len().max(below.len());
            let merged: Vec<Cell> = (0..width)
                .map(|c| match below.get(c).filter(|cell| !cell.is_blank()) {
                    Some(cell) => cell.clone(),
                    None => rows[i].get(c).cloned().unwrap_or(Cell::Empty),
                })
                .collect();
            (i + 1, merged)
        });
        std::iter::once(single).chain(double)
    });
    for (index, row) in candidates {
        let mut columns = HashMap::new();
        let mut unknown = Vec::new();
        for (col, cell) in row.iter().enumerate() {
            let header = cell.text();
            if header.is_empty() {
                continue;
            }
            if IGNORED.contains(&clean_header(&header).as_str()) {
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
            return Ok((index, row, columns, unknown));
        }
    }
    Err(ImportError::NoHeader)
}

/// The recognised columns of a sheet: which column holds which field, and the header text
/// each problem is reported under.
struct Columns<'a> {
    by_field: HashMap<Field, usize>,
    header: &'a [Cell],
}

impl Columns<'_> {
    fn has(&self, field: Field) -> bool {
        self.by_field.contains_key(&field)
    }

    /// The cell of `field` in `row` (empty when the sheet has no such column), its text in
    /// half-width forms.
    fn cell(&self, row: &[Cell], field: Field) -> Cell {
        match self.by_field.get(&field).and_then(|c| row.get(*c)) {
            Some(Cell::Text(text)) => Cell::Text(half_width(text)),
            Some(other) => other.clone(),
            None => Cell::Empty,
        }
    }

    /// The header a problem with `field` is reported under: the sheet's own, else the field's name.
    fn header_of(&self, field: Field) -> String {
        self.by_field.get(&field).and_then(|c| self.header.get(*c)).map_or(field.label().to_owned(), Cell::text)
    }

    fn is_blank(&self, row: &[Cell]) -> bool {
        self.by_field.values().all(|c| row.get(*c).is_none_or(Cell::is_blank))
    }
}

/// What the rows are checked against: the organizations and members already stored, the branch
/// to use when the sheet has none, and the ID numbers seen in earlier rows.
struct Context<'a> {
    organizations: &'a [Stored<OrgId, Organization>],
    existing: HashMap<&'a str, MemberId>,
    default_branch: Option<OrgId>,
    seen: HashMap<String, usize>,
    today: NaiveDate,
}

/// One row being read: its cells, and the problems found so far (in column order).
struct RowReader<'a> {
    columns: &'a Columns<'a>,
    row: &'a [Cell],
    number: usize,
    problems: Vec<Problem>,
    notes: Vec<String>,
}

impl RowReader<'_> {
    fn cell(&self, field: Field) -> Cell {
        self.columns.cell(self.row, field)
    }

    fn problem(&mut self, field: Field, value: String, text: &str) {
        let column = self.columns.header_of(field);
        self.problems.push(Problem { row: self.number, column, value, problem: text.to_owned() });
    }

    fn name(&mut self) -> String {
        let written = self.cell(Field::Name).text();
        if written.is_empty() {
            self.problem(Field::Name, String::new(), "不能为空");
        }
        // `张  三`: spaces put in to line two-character names up with three-character ones.
        let chinese = written.chars().all(|c| c.is_whitespace() || c == '·' || ('\u{4E00}'..='\u{9FFF}').contains(&c));
        if chinese && written.chars().any(char::is_whitespace) {
            let joined: String = written.chars().filter(|c| !c.is_whitespace()).collect();
            self.notes.push(format!("姓名“{written}”中的空格已去掉"));
            return joined;
        }
        written
    }

    fn ethnicity(&mut self) -> String {
        let written = self.cell(Field::Ethnicity).text();
        if written.is_empty() {
            return "汉族".to_owned();
        }
        if !written.ends_with('族') && ETHNIC_GROUPS.contains(&written.as_str()) {
            self.notes.push(format!("民族“{written}”记为“{written}族”"));
            return format!("{written}族");
        }
        written
    }

    fn detail(&self, field: Field) -> String {
        self.cell(field).text()
    }

    /// The ID number, read as text only: a number cell may already have lost digits.
    fn id_number(&mut self, seen: &mut HashMap<String, usize>) -> Option<IdNumber> {
        let id_number = match self.cell(Field::IdNumber) {
            Cell::Number(n) => {
                self.problem(
                    Field::IdNumber,
                    format!("{n:e}"),
                    "被 Excel 存成了数字（末几位可能已丢失），请把该列设为文本后重新录入",
                );
                None
            }
            other => {
                let text = other.text();
                if text.contains(['E', 'e']) && text.contains('+') {
                    self.problem(Field::IdNumber, text, "是科学计数法形式（末几位已丢失），请把该列设为文本后重新录入");
                    None
                } else {
                    match IdNumber::parse(&text) {
                        Ok(id) => Some(id),
                        Err(e) => {
                            self.problem(Field::IdNumber, e.value.clone(), &e.problem);
                            None
                        }
                    }
                }
            }
        };
        if let Some(id) = &id_number
            && let Some(first) = seen.insert(id.as_str().to_owned(), self.number)
        {
            self.problem(Field::IdNumber, id.masked(), &format!("与第{first}行重复"));
        }
        id_number
    }

    /// The gender as written, else from the ID number; a contradiction is a problem.
    fn gender(&mut self, id_number: Option<&IdNumber>) -> Option<Gender> {
        let gender = match self.cell(Field::Gender).text().as_str() {
            "" => id_number.map(IdNumber::gender),
            "男" => Some(Gender::Male),
            "女" => Some(Gender::Female),
            other => {
                self.problem(Field::Gender, other.to_owned(), "应为“男”或“女”");
                None
            }
        };
        if let (Some(given), Some(id)) = (gender, id_number)
            && given != id.gender()
        {
            self.problem(
                Field::Gender,
                given.label().to_owned(),
                &format!("与身份证号不符（身份证号为{}性）", id.gender().label()),
            );
        }
        gender
    }

    /// The birth date from the ID number; a written one must agree with it to the month.
    fn birth_date(&mut self, id_number: Option<&IdNumber>) -> Option<NaiveDate> {
        let birth = id_number.and_then(IdNumber::birth_date);
        let written = self.cell(Field::BirthDate);
        if !written.is_blank() {
            match (date_cell(&written), birth) {
                (None, _) => self.problem(Field::BirthDate, written.text(), "不是日期"),
                (Some(given), Some(from_id))
                    if given.format("%Y%m").to_string() != from_id.format("%Y%m").to_string() =>
                {
                    self.problem(Field::BirthDate, written.text(), "与身份证号中的出生日期不符")
                }
                _ => {}
            }
        }
        birth
    }

    fn phone(&mut self) -> Option<Phone> {
        match self.cell(Field::Phone) {
            Cell::Empty => None,
            Cell::Number(n) if n.fract() != 0.0 || n >= 1e11 => {
                self.problem(
                    Field::Phone,
                    format!("{n:e}"),
                    "被 Excel 存成了数字且位数不对，请把该列设为文本后重新录入",
                );
                None
            }
            other => {
                let written = other.text();
                match Phone::parse(&written) {
                    Ok(p) => {
                        if p.as_str() != written {
                            self.notes.push(format!("电话规范为{}", p.masked()));
                        }
                        Some(p)
                    }
                    Err(e) => {
                        self.problem(Field::Phone, e.value, &e.problem);
                        None
                    }
                }
            }
        }
    }

    /// The status as written; else from 备注 (`预备党员`), else from 转正时间 (a date: full; none and
    /// joined within the last year: probationary; none and joined earlier: full, the date missing).
    fn status(
        &mut self,
        joined_on: Option<NaiveDate>,
        confirmed_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Option<MemberStatus> {
        match self.cell(Field::Status).text().as_str() {
            "正式党员" | "正式" => return Some(MemberStatus::Full),
            "预备党员" | "预备" => return Some(MemberStatus::Probationary),
            "" => {}
            other => {
                self.problem(Field::Status, other.to_owned(), "应为“正式党员”或“预备党员”");
                return None;
            }
        }
        let remarks = self.cell(Field::Remarks).text();
        if remarks.contains("预备") {
            self.notes.push("党员状态按备注推定为预备党员".to_owned());
            return Some(MemberStatus::Probationary);
        }
        if confirmed_on.is_some() {
            self.notes.push("党员状态按转正时间推定为正式党员".to_owned());
            return Some(MemberStatus::Full);
        }
        let joined_on = joined_on?;
        let a_year_ago = today.checked_sub_months(chrono::Months::new(12)).unwrap_or(today);
        if joined_on > a_year_ago {
            self.notes.push("无转正时间且入党未满一年，推定为预备党员".to_owned());
            Some(MemberStatus::Probationary)
        } else {
            self.notes.push("无转正时间，入党已满一年，推定为正式党员（请补录转正时间）".to_owned());
            Some(MemberStatus::Full)
        }
    }

    fn date(&mut self, field: Field, required: bool) -> Option<NaiveDate> {
        let c = self.cell(field);
        if c.is_blank() {
            if required {
                self.problem(field, String::new(), "不能为空");
            }
            return None;
        }
        let parsed = date_cell(&c);
        if parsed.is_none() {
            self.problem(field, c.text(), "不是日期（例：2010-06-01）");
        }
        parsed
    }

    /// The branch named in the row (by its name, with or without 党支部), else the default.
    fn branch(&mut self, organizations: &[Stored<OrgId, Organization>], default: Option<OrgId>) -> Option<OrgId> {
        let written = self.cell(Field::Branch).text();
        if written.is_empty() {
            if default.is_none() {
                self.problem(Field::Branch, String::new(), "不能为空");
            }
            return default;
        }
        let found = organizations.iter().find(|o| {
            o.record.kind == OrgKind::Branch
                && (o.record.name == written
                    || o.record.name.trim_end_matches("党支部") == written.trim_end_matches("党支部"))
        });
        if found.is_none() {
            self.problem(Field::Branch, written.clone(), "不存在（请先在“组织”中建立该支部）");
        }
        found.map(|o| o.id)
    }

    fn group(&mut self, organizations: &[Stored<OrgId, Organization>], branch: Option<OrgId>) -> Option<OrgId> {
        let written = self.cell(Field::Group).text();
        if written.is_empty() {
            return None;
        }
        let found = organizations.iter().find(|o| {
            o.record.kind == OrgKind::Group
                && o.record.parent == branch
                && (o.record.name == written || o.record.name.ends_with(&written))
        });
        if found.is_none() && branch.is_some() {
            self.problem(Field::Group, written.clone(), "不是该支部的党小组");
        }
        found.map(|o| o.id)
    }

    fn in_service(&mut self) -> bool {
        match self.cell(Field::InService).text().as_str() {
            "" | "否" | "不在职" | "退休" | "离退休" | "N" | "n" => false,
            "是" | "在职" | "Y" | "y" => true,
            other => {
                self.problem(Field::InService, other.to_owned(), "应为“是”或“否”");
                false
            }
        }
    }
}

/// Reads one row: the member it describes, or the problems that keep it out (in column order).
fn read_row(
    columns: &Columns<'_>,
    row: &[Cell],
    number: usize,
    ctx: &mut Context<'_>,
) -> Result<RowPlan, Vec<Problem>> {
    let mut r = RowReader { columns, row, number, problems: Vec::new(), notes: Vec::new() };
    let name = r.name();
    let ethnicity = r.ethnicity();
    let id_number = r.id_number(&mut ctx.seen);
    let gender = r.gender(id_number.as_ref());
    let birth = r.birth_date(id_number.as_ref());
    let phone = r.phone();
    let joined_on = r.date(Field::JoinedOn, true);
    let confirmed_on = r.date(Field::ConfirmedOn, false);
    let status = r.status(joined_on, confirmed_on, ctx.today);
    let branch = r.branch(ctx.organizations, ctx.default_branch);
    let group = r.group(ctx.organizations, branch);
    let in_service = r.in_service();
    let community = r.cell(Field::DualCommunity).text();
    let details = MemberDetails {
        education: r.detail(Field::Education),
        work: r.detail(Field::Work),
        native_place: r.detail(Field::NativePlace),
        remarks: r.detail(Field::Remarks),
    };
    let (Some(id_number), Some(gender), Some(birth_date), Some(status), Some(joined_on), Some(branch), true) =
        (id_number, gender, birth, status, joined_on, branch, r.problems.is_empty())
    else {
        return Err(r.problems);
    };
    let member = Member {
        name,
        gender,
        birth_date,
        ethnicity,
        id_number,
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
        details,
    };
    if let Err(e) = member.validate() {
        return Err(vec![Problem { row: number, column: e.field.to_owned(), value: e.value, problem: e.problem }]);
    }
    let action = ctx.existing.get(member.id_number.as_str()).map_or(Action::Create, |id| Action::Update(id.0));
    Ok(RowPlan { row: number, action, member, notes: r.notes })
}

/// Why a row is not a member (a total, a signature line), if it is one of those: a row whose ID
/// column holds no ID-like text and one of whose cells says 合计, 制表人, 审核人, 填表日期 ….
fn footer_reason(columns: &Columns<'_>, row: &[Cell]) -> Option<&'static str> {
    let id = columns.cell(row, Field::IdNumber).text();
    if id.chars().filter(char::is_ascii_alphanumeric).count() >= 15 {
        return None;
    }
    row.iter().find_map(|cell| {
        let text = half_width(&cell.text()).replace(char::is_whitespace, "");
        FOOTER_WORDS
            .iter()
            .find(|(word, _)| text.starts_with(word) || (word.len() > 6 && text.contains(word)))
            .map(|(_, why)| *why)
    })
}

/// Reads and checks every row against the organizations and members already stored.
/// `default_branch` is used when the sheet has no branch column; `today` decides whether a
/// member without 转正时间 joined within the last year (probationary).
pub fn plan(
    rows: &[Vec<Cell>],
    mapping: &[(String, String)],
    organizations: &[Stored<OrgId, Organization>],
    existing: &[Stored<MemberId, Member>],
    default_branch: Option<OrgId>,
    today: NaiveDate,
    corrections: &Corrections,
) -> Result<Plan, ImportError> {
    let (header_row, header_cells, by_column, unknown) = header_map(rows, mapping)?;
    // The user's corrections, on a copy of the sheet (only when there are any).
    let corrected: Vec<Vec<Cell>>;
    let rows = if corrections.cells.is_empty() {
        rows
    } else {
        let mut copy = rows.to_vec();
        for (row, column, value) in &corrections.cells {
            let col = header_cells.iter().position(|cell| cell.text() == *column);
            if let (Some(col), Some(cells)) = (col, row.checked_sub(1).and_then(|r| copy.get_mut(r))) {
                if cells.len() <= col {
                    cells.resize(col + 1, Cell::Empty);
                }
                cells[col] = if value.trim().is_empty() { Cell::Empty } else { Cell::Text(value.clone()) };
            }
        }
        corrected = copy;
        &corrected
    };
    let columns = Columns {
        by_field: by_column.into_iter().map(|(column, field)| (field, column)).collect(),
        header: &header_cells,
    };
    let into_branch = if columns.has(Field::Branch) {
        None
    } else {
        let Some(branch) = default_branch else {
            return Err(ImportError::Mapping(
                "表中没有“所在支部”列，请选择导入到哪个支部（命令行用 --branch 支部编号）".to_owned(),
            ));
        };
        let name = organizations.iter().find(|o| o.id == branch).map(|o| o.record.name.clone());
        Some((branch, name.ok_or_else(|| ImportError::Mapping(format!("没有这个组织：{}", branch.0)))?))
    };
    let mut ctx = Context {
        organizations,
        existing: existing.iter().map(|m| (m.record.id_number.as_str(), m.id)).collect(),
        default_branch,
        seen: HashMap::new(),
        today,
    };
    let mut out = Plan { unknown_headers: unknown, into_branch, ..Plan::default() };
    for (index, row) in rows.iter().enumerate().skip(header_row + 1) {
        if columns.is_blank(row) {
            out.blank_rows += 1;
            continue;
        }
        if corrections.skip.contains(&(index + 1)) {
            out.skipped.push((index + 1, "按选择跳过，不导入".to_owned()));
            continue;
        }
        if let Some(why) = footer_reason(&columns, row) {
            out.skipped.push((index + 1, why.to_owned()));
            continue;
        }
        match read_row(&columns, row, index + 1, &mut ctx) {
            Ok(planned) => out.rows.push(planned),
            Err(problems) => out.problems.extend(problems),
        }
    }
    Ok(out)
}
