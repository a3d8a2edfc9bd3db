//! Importing the roster: read the sheet, check every row against the stored organizations and
//! members, and (unless it is a dry run, and only when no row has a problem) write all rows in
//! one transaction — creating new members and updating those whose ID number is known.

use super::{Progress, ServiceError};
use crate::domain::{MemberId, OrgId};
use crate::import::roster::{self, Action, Corrections, Plan};
use crate::import::table::{self, Encoding};
use crate::store::{Store, StoreError};

use std::path::Path;

/// What an import did.
#[derive(Debug, Clone)]
pub struct MemberImport {
    /// The checked rows and problems.
    pub plan: Plan,
    /// Whether anything was written (never when there are problems or in a dry run).
    pub applied: bool,
}

/// Imports the roster in `file`. `mapping` pairs unknown headers with field names
/// (`证件号码` → `身份证号`); `default_branch` serves sheets without a branch column.
pub fn members(
    store: &mut Store,
    file: &Path,
    encoding: Encoding,
    mapping: &[(String, String)],
    default_branch: Option<OrgId>,
    dry_run: bool,
) -> Result<MemberImport, ServiceError> {
    let request = MemberRequest { encoding, mapping, default_branch, corrections: &Corrections::default() };
    members_with_progress(store, file, &request, dry_run, &Progress::new())
}

/// How to read a roster: the CSV encoding, the header mapping, the branch for a sheet without a
/// branch column, and the user's corrections.
#[derive(Debug, Clone, Copy)]
pub struct MemberRequest<'a> {
    /// CSV encoding.
    pub encoding: Encoding,
    /// Unknown header → field.
    pub mapping: &'a [(String, String)],
    /// The branch for a sheet without a branch column.
    pub default_branch: Option<OrgId>,
    /// Cells corrected and rows left out before checking again.
    pub corrections: &'a Corrections,
}

/// [`members`], counting the rows written on `progress` and stopping when it is cancelled: then
/// the transaction is rolled back and nothing is imported ([`ServiceError::Cancelled`]).
pub fn members_with_progress(
    store: &mut Store,
    file: &Path,
    request: &MemberRequest<'_>,
    dry_run: bool,
    progress: &Progress,
) -> Result<MemberImport, ServiceError> {
    let MemberRequest { encoding, mapping, default_branch, corrections } = *request;
    if let Some(branch) = default_branch {
        require_branch(store, branch)?;
    }
    let sheets = table::read_sheets(file, encoding)?;
    if progress.is_cancelled() {
        return Err(ServiceError::Cancelled);
    }
    let today = chrono::Local::now().date_naive();
    let (organizations, existing) = (store.organizations()?, store.members(None)?);
    // The roster is the first sheet with a roster header (a workbook often opens with notes).
    let mut found = None;
    for sheet in &sheets {
        match roster::plan(&sheet.rows, mapping, &organizations, &existing, default_branch, today, corrections) {
            Err(crate::import::ImportError::NoHeader) => continue,
            Err(other) => return Err(other.into()),
            Ok(mut plan) => {
                if sheets.len() > 1 {
                    plan.sheet = Some(sheet.name.clone());
                }
                found = Some(plan);
                break;
            }
        }
    }
    let plan = found.ok_or(crate::import::ImportError::NoHeader)?;
    if dry_run || !plan.problems.is_empty() || plan.rows.is_empty() {
        return Ok(MemberImport { plan, applied: false });
    }
    progress.start(plan.rows.len());
    store.write(|w| {
        for row in &plan.rows {
            progress.step()?;
            match row.action {
                Action::Create => {
                    w.create_member(&row.member)?;
                }
                Action::Update(id) => w.update_member(MemberId(id), &row.member)?,
            }
        }
        Ok::<_, ServiceError>(())
    })?;
    Ok(MemberImport { plan, applied: true })
}

/// The name of `branch`, refused unless it is a 党支部 in the database: every import into one
/// branch checks this before reading the file.
fn require_branch(store: &Store, branch: OrgId) -> Result<String, ServiceError> {
    store
        .organizations()?
        .into_iter()
        .find(|o| o.id == branch && o.record.kind == crate::domain::OrgKind::Branch)
        .map(|o| o.record.name)
        .ok_or(ServiceError::UnknownBranch(branch.0))
}

/// What a register import did.
#[derive(Debug, Clone)]
pub struct MeetingImport {
    /// The checked rows and problems.
    pub plan: crate::import::register::RegisterPlan,
    /// Whether anything was written.
    pub applied: bool,
}

/// Imports a 三会一课 register for `branch` as draft meetings; rows already imported are skipped.
pub fn meetings(
    store: &mut Store,
    file: &Path,
    encoding: Encoding,
    branch: OrgId,
    mapping: &[(String, String)],
    dry_run: bool,
) -> Result<MeetingImport, ServiceError> {
    use crate::import::register;
    require_branch(store, branch)?;
    let rows = table::read(file, encoding)?;
    let filter =
        crate::store::MeetingFilter { branch: Some(branch), from: Some(register::earliest()), ..Default::default() };
    let plan = register::plan(&rows, branch, &store.members(Some(branch))?, &store.meetings(&filter)?, mapping)?;
    if dry_run || !plan.problems.is_empty() || plan.rows.iter().all(|r| r.duplicate) {
        return Ok(MeetingImport { plan, applied: false });
    }
    store.write(|w| {
        for row in plan.rows.iter().filter(|r| !r.duplicate) {
            w.create_meeting(&row.meeting)?;
        }
        Ok::<_, StoreError>(())
    })?;
    Ok(MeetingImport { plan, applied: true })
}

/// What a volunteer-hours import did.
#[derive(Debug, Clone)]
pub struct VolunteerImport {
    /// The activities, skipped rows and problems.
    pub plan: crate::import::volunteer::VolunteerPlan,
    /// Whether anything was written.
    pub applied: bool,
}

/// Imports a volunteer-hours export as activities organised by `branch` (its members matched by
/// ID number, else by a unique name); activities already stored are skipped.
pub fn volunteer(
    store: &mut Store,
    file: &Path,
    encoding: Encoding,
    branch: OrgId,
    mapping: &[(String, String)],
    dry_run: bool,
) -> Result<VolunteerImport, ServiceError> {
    use crate::import::volunteer;
    let organiser = require_branch(store, branch)?;
    let rows = table::read(file, encoding)?;
    let (from, to) = (
        chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
        chrono::NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or_default(),
    );
    let stored = store.volunteer_activities(from, to)?;
    let register = store.volunteers(Some(branch))?;
    let plan = volunteer::plan(&rows, &store.members(None)?, &register, (Some(branch), &organiser), &stored, mapping)?;
    if dry_run || !plan.problems.is_empty() || plan.activities.iter().all(|a| a.duplicate) {
        return Ok(VolunteerImport { plan, applied: false });
    }
    store.write(|w| {
        for planned in plan.activities.iter().filter(|a| !a.duplicate) {
            w.create_volunteer_activity(&planned.activity)?;
        }
        Ok::<_, StoreError>(())
    })?;
    Ok(VolunteerImport { plan, applied: true })
}

/// The report of a volunteer-hours import.
pub fn volunteer_report_text(result: &VolunteerImport) -> String {
    use std::fmt::Write as _;
    let plan = &result.plan;
    let mut out = String::new();
    for a in &plan.activities {
        let note = if a.duplicate { "已导入过，跳过" } else { "新增" };
        let hours: f64 = a.activity.participants.iter().map(|p| p.hours).sum();
        let _ = writeln!(
            out,
            "{}  {note}  {}（{}人，共{hours:.1}小时；第{}行）",
            a.activity.date,
            a.activity.title,
            a.activity.participants.len(),
            a.rows.iter().map(ToString::to_string).collect::<Vec<_>>().join("、")
        );
    }
    for (row, why) in &plan.skipped {
        let _ = writeln!(out, "第{row}行  跳过：{why}");
    }
    for problem in &plan.problems {
        let _ = writeln!(out, "{problem}");
    }
    let state = if result.applied {
        "已导入"
    } else if plan.problems.is_empty() {
        "试运行（未写入）"
    } else {
        "未写入"
    };
    let new = plan.activities.iter().filter(|a| !a.duplicate).count();
    let _ = writeln!(
        out,
        "{state}：活动{}次（新增{new}），跳过{}行，问题{}处",
        plan.activities.len(),
        plan.skipped.len(),
        plan.problems.len()
    );
    out
}

/// What a dues-payment import did.
#[derive(Debug, Clone)]
pub struct DuesImport {
    /// The payments by sheet row, and the problems (the sheet's own and the store's checks).
    pub plan: crate::import::dues::DuesPlan,
    /// Whether anything was written (all rows, or none).
    pub applied: bool,
}

/// Why a checked dues import wrote nothing: a row the store refused (named in the plan), or the
/// store itself failed.
enum DuesRefusal {
    Rows,
    Store(StoreError),
}

impl From<StoreError> for DuesRefusal {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

/// Imports a bank's or the payroll office's dues list for `branch`'s members, every payment
/// recorded with `method`. Each row is checked on its own, then against the bases and the
/// payments already recorded (in one transaction): one bad row and nothing is written, with the
/// row named. A dry run checks everything and writes nothing.
pub fn dues(
    store: &mut Store,
    file: &Path,
    encoding: Encoding,
    branch: OrgId,
    method: crate::domain::PaymentMethod,
    mapping: &[(String, String)],
    dry_run: bool,
) -> Result<DuesImport, ServiceError> {
    use crate::import::{Problem, dues};
    require_branch(store, branch)?;
    let rows = table::read(file, encoding)?;
    let mut plan = dues::plan(&rows, &store.members(Some(branch))?, method, mapping)?;
    if !plan.problems.is_empty() {
        return Ok(DuesImport { plan, applied: false });
    }
    let mut problems = Vec::new();
    let result = store.write(|w| {
        for (row, payment) in &plan.payments {
            match w.create_dues_payment(payment) {
                Ok(_) => {}
                Err(StoreError::Invalid(e)) => {
                    problems.push(Problem {
                        row: *row,
                        column: e.field.to_owned(),
                        value: e.value,
                        problem: e.problem,
                    });
                }
                Err(other) => return Err(DuesRefusal::Store(other)),
            }
        }
        // A dry run, or a refused row, rolls everything back.
        if dry_run || !problems.is_empty() { Err(DuesRefusal::Rows) } else { Ok(()) }
    });
    plan.problems = problems;
    match result {
        Ok(()) => Ok(DuesImport { plan, applied: true }),
        Err(DuesRefusal::Rows) => Ok(DuesImport { plan, applied: false }),
        Err(DuesRefusal::Store(error)) => Err(error.into()),
    }
}

/// The report of a dues import.
pub fn dues_report_text(result: &DuesImport, names: &dyn Fn(MemberId) -> String) -> String {
    use crate::domain::yuan;
    use std::fmt::Write as _;
    let plan = &result.plan;
    let mut out = String::new();
    for (row, p) in &plan.payments {
        let months = if p.from == p.to { p.from.label() } else { format!("{}至{}", p.from.label(), p.to.label()) };
        let _ = writeln!(out, "第{row}行  {}  {months}  {}元  {}", names(p.member), yuan(p.amount), p.paid_on);
    }
    for problem in &plan.problems {
        let _ = writeln!(out, "{problem}");
    }
    let total: i64 = plan.payments.iter().map(|(_, p)| p.amount).sum();
    let state = if result.applied {
        "已导入"
    } else if plan.problems.is_empty() {
        "试运行（未写入）"
    } else {
        "未写入（须全部无误才导入）"
    };
    let _ = writeln!(out, "{state}：{}笔，共{}元，问题{}处", plan.payments.len(), yuan(total), plan.problems.len());
    out
}

/// The row-by-row report of a roster import.
pub fn report_text(result: &MemberImport) -> String {
    use crate::import::roster::Action;
    use std::fmt::Write as _;
    let plan = &result.plan;
    let mut out = String::new();
    if let Some(sheet) = &plan.sheet {
        let _ = writeln!(out, "读取工作表“{sheet}”");
    }
    if let Some((_, branch)) = &plan.into_branch {
        let _ = writeln!(out, "表中没有“所在支部”列：全部导入到 {branch}");
    }
    for row in &plan.rows {
        let action = match row.action {
            Action::Create => "新增",
            Action::Update(_) => "更新（身份证号已存在）",
        };
        let _ = writeln!(out, "第{}行  {action}  {}（{}）", row.row, row.member.name, row.member.id_number.masked());
        for note in &row.notes {
            let _ = writeln!(out, "        {note}");
        }
    }
    for (row, why) in &plan.skipped {
        let _ = writeln!(out, "第{row}行  跳过：{why}");
    }
    for problem in &plan.problems {
        let _ = writeln!(out, "{problem}");
    }
    if !plan.unknown_headers.is_empty() {
        let _ =
            writeln!(out, "未识别的表头（未导入）：{}；如需导入请用 --map 列名=字段", plan.unknown_headers.join("、"));
    }
    let created = plan.rows.iter().filter(|r| r.action == Action::Create).count();
    let updated = plan.rows.len() - created;
    let state = if result.applied {
        "已导入"
    } else if plan.problems.is_empty() {
        "试运行（未写入）"
    } else {
        "未写入"
    };
    let _ = writeln!(
        out,
        "{state}：有效{}行（新增{created}、更新{updated}），问题{}处，空行{}行，跳过{}行",
        plan.rows.len(),
        plan.problems.len(),
        plan.blank_rows,
        plan.skipped.len()
    );
    out
}

/// A register import's report, row by row, then the totals (the command line prints it, the
/// window shows it).
pub fn meetings_report_text(result: &MeetingImport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for row in &result.plan.rows {
        let note = if row.duplicate { "已导入过，跳过" } else { "新增（草稿）" };
        let _ = writeln!(
            out,
            "第{}行  {note}  {} {}",
            row.row,
            row.meeting.starts_at.format("%Y-%m-%d"),
            row.meeting.title
        );
    }
    for problem in &result.plan.problems {
        let _ = writeln!(out, "{problem}");
    }
    let state = if result.applied {
        "已导入"
    } else if result.plan.problems.is_empty() {
        "试运行（未写入）"
    } else {
        "未写入"
    };
    let _ = writeln!(out, "{state}：有效{}行，问题{}处", result.plan.rows.len(), result.plan.problems.len());
    out
}

/// The sheets imported into one branch: the 三会一课 register, the volunteer-hours export, and
/// the dues list (paid in one way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// A 三会一课 register, as draft meetings.
    Register,
    /// A volunteer-hours export, as activities with each member's hours.
    Volunteer,
    /// A bank's or payroll office's dues list, paid this way.
    Dues(crate::domain::PaymentMethod),
}

impl Sheet {
    /// Its name, for titles and messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Register => "三会一课登记表",
            Self::Volunteer => "志愿服务时长记录",
            Self::Dues(_) => "党费明细",
        }
    }
}

/// What a sheet import did: its row-by-row report, how many problems, whether it wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetImport {
    /// The report, a line per row, then the totals.
    pub report: String,
    /// Problems found (nothing is written while there is one).
    pub problems: usize,
    /// Whether anything was written.
    pub applied: bool,
}

/// Checks (`dry_run`) or imports the `sheet` in `file` into `branch`, all rows or none, with
/// `mapping` pairing unknown headers with fields: the one service behind `zhibu import
/// meetings|volunteer|dues` and the window's import panels.
pub fn sheet(
    store: &mut Store,
    sheet: Sheet,
    file: &Path,
    encoding: Encoding,
    branch: OrgId,
    mapping: &[(String, String)],
    dry_run: bool,
) -> Result<SheetImport, ServiceError> {
    Ok(match sheet {
        Sheet::Register => {
            let result = meetings(store, file, encoding, branch, mapping, dry_run)?;
            let report = meetings_report_text(&result);
            SheetImport { report, problems: result.plan.problems.len(), applied: result.applied }
        }
        Sheet::Volunteer => {
            let result = volunteer(store, file, encoding, branch, mapping, dry_run)?;
            let report = volunteer_report_text(&result);
            SheetImport { report, problems: result.plan.problems.len(), applied: result.applied }
        }
        Sheet::Dues(method) => {
            let result = dues(store, file, encoding, branch, method, mapping, dry_run)?;
            let names: std::collections::HashMap<_, _> =
                store.members(Some(branch))?.into_iter().map(|m| (m.id, m.record.name)).collect();
            let report = dues_report_text(&result, &|id| names.get(&id).cloned().unwrap_or_default());
            SheetImport { report, problems: result.plan.problems.len(), applied: result.applied }
        }
    })
}
