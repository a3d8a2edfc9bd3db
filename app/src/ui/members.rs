//! 党员: the roster as a virtualised table with search and filters, the detail form (ID numbers
//! masked until the user asks to see one), delete with undo, and roster import with its report.

use super::command::Command;
use super::picker::{Dialog, Then};
use super::widgets::{self, field_ui, hinted_field_ui};
use super::workspace::{Data, Workspace};
use chrono::NaiveDate;
use egui::Ui;
use egui_extras::{Column, TableBuilder};
use std::path::PathBuf;
use zhibu_core::domain::{IdNumber, Member, MemberId, MemberStatus, OrgId, Phone};

/// The roster screen's state.
#[derive(Default)]
pub struct State {
    /// The search text (name, ID number or phone digits).
    pub search: String,
    /// Only this branch.
    pub branch: Option<OrgId>,
    /// Only this status.
    pub status: Option<MemberStatus>,
    /// Indices into `Data::members` that pass the filters.
    pub rows: Vec<usize>,
    /// The form being edited, and its state when opened (for the unsaved-change guard).
    pub form: Option<(MemberForm, MemberForm)>,
    /// A delete waiting for confirmation.
    pub confirm_delete: Option<MemberId>,
    /// The last import's file and report.
    pub import_report: Option<(PathBuf, Vec<String>)>,
    /// Extra header mappings for the import (`表头=字段` per line).
    pub mapping: String,
    /// The problems of the last check, each offered for correction.
    pub import_problems: Vec<zhibu_core::import::Problem>,
    /// Values typed to correct cells: (row, column header) → value.
    pub fixes: std::collections::BTreeMap<(usize, String), String>,
    /// Rows chosen to be left out.
    pub skips: std::collections::BTreeSet<usize>,
    /// The branch chosen for a roster without a 所在支部 column (the usual branch 花名册).
    pub import_branch: Option<OrgId>,
    /// The last check found no 所在支部 column, so the report offers the branch chooser.
    pub import_needs_branch: bool,
    /// Another row was clicked while the form had unsaved changes.
    pub switch_refused: bool,
    filter_key: (String, Option<OrgId>, Option<MemberStatus>, usize),
}

/// The detail form's fields, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberForm {
    /// The member edited, or None for a new one.
    pub id: Option<MemberId>,
    /// 姓名.
    pub name: String,
    /// 身份证号.
    pub id_number: String,
    /// Whether the full ID number is shown.
    pub reveal: bool,
    /// 民族.
    pub ethnicity: String,
    /// 联系电话 (mobile or landline).
    pub phone: String,
    /// 党员状态.
    pub status: Option<MemberStatus>,
    /// 入党时间.
    pub joined_on: String,
    /// 转正时间.
    pub confirmed_on: String,
    /// 所在支部.
    pub branch: Option<OrgId>,
    /// 在职党员.
    pub in_service: bool,
    /// 学历, 工作单位及职务, 籍贯, 备注.
    pub details: zhibu_core::domain::MemberDetails,
    /// Fields the form does not show, kept as they were.
    pub kept: Option<Member>,
    /// Why the last save was refused.
    pub error: Option<String>,
}

impl MemberForm {
    fn from_member(id: MemberId, member: &Member) -> Self {
        Self {
            id: Some(id),
            name: member.name.clone(),
            id_number: member.id_number.as_str().to_owned(),
            reveal: false,
            ethnicity: member.ethnicity.clone(),
            phone: member.phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default(),
            status: Some(member.status),
            joined_on: member.joined_on.format("%Y-%m-%d").to_string(),
            confirmed_on: member.confirmed_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            branch: Some(member.branch),
            in_service: member.in_service,
            details: member.details.clone(),
            kept: Some(member.clone()),
            error: None,
        }
    }

    /// The record the form describes, or the first problem in Chinese (field, problem, value).
    pub fn to_member(&self) -> Result<Member, String> {
        let id_number = IdNumber::parse(&self.id_number).map_err(|e| e.to_string())?;
        let birth_date =
            id_number.birth_date().ok_or_else(|| format!("身份证号中的出生日期无效：{}", self.id_number))?;
        let phone = match self.phone.trim() {
            "" => None,
            text => Some(Phone::parse(text).map_err(|e| e.to_string())?),
        };
        let joined_on = parse_date("入党时间", &self.joined_on)?;
        let confirmed_on = match self.confirmed_on.trim() {
            "" => None,
            text => Some(parse_date("转正时间", text)?),
        };
        let member = Member {
            name: self.name.trim().to_owned(),
            gender: id_number.gender(),
            birth_date,
            ethnicity: self.ethnicity.trim().to_owned(),
            id_number,
            phone,
            status: self.status.ok_or("请选择党员状态")?,
            joined_on,
            confirmed_on,
            branch: self.branch.ok_or("请选择所在支部")?,
            group: self.kept.as_ref().and_then(|m| m.group),
            in_service: self.in_service,
            dual_registration: self.kept.as_ref().and_then(|m| m.dual_registration.clone()).filter(|_| self.in_service),
            details: zhibu_core::domain::MemberDetails {
                education: self.details.education.trim().to_owned(),
                work: self.details.work.trim().to_owned(),
                native_place: self.details.native_place.trim().to_owned(),
                remarks: self.details.remarks.trim().to_owned(),
            },
        };
        member.validate().map_err(|e| e.to_string())?;
        Ok(member)
    }
}

/// Parses a `YYYY-MM-DD` date typed into field `field`.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y.%m.%d"))
        .map_err(|_| format!("{field}应写成 年-月-日（如 2021-07-01）：{text}"))
}

impl State {
    /// Re-applies the filters after the records changed.
    pub fn refresh(&mut self, data: &Data) {
        self.filter_key.3 = usize::MAX;
        self.filter(data);
    }

    fn filter(&mut self, data: &Data) {
        let key = (self.search.clone(), self.branch, self.status, data.members.len());
        if key == self.filter_key {
            return;
        }
        let needle = self.search.trim();
        self.rows = data
            .members
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                let r = &m.record;
                self.branch.is_none_or(|b| r.branch == b)
                    && self.status.is_none_or(|s| r.status == s)
                    && (needle.is_empty()
                        || r.name.contains(needle)
                        || r.id_number.as_str().contains(needle)
                        || r.phone.as_ref().is_some_and(|p| p.as_str().contains(needle)))
            })
            .map(|(i, _)| i)
            .collect();
        self.filter_key = key;
    }

    /// Whether the form differs from what was loaded.
    pub fn is_dirty(&self) -> bool {
        self.form.as_ref().is_some_and(|(form, original)| {
            let mut a = form.clone();
            a.reveal = false;
            a.error = None;
            let mut b = original.clone();
            b.reveal = false;
            b.error = None;
            a != b
        })
    }

    /// Drops the form's changes.
    pub fn discard(&mut self) {
        self.form = None;
    }

    /// Opens an empty form (Ctrl+N).
    pub fn new_form(&mut self, data: &Data) {
        let form = MemberForm {
            ethnicity: "汉族".into(),
            status: Some(MemberStatus::Full),
            branch: self.branch.or_else(|| data.branches().next().map(|b| b.id)),
            ..MemberForm::default()
        };
        self.form = Some((form.clone(), form));
    }

    /// Saves the form (Ctrl+S), or shows why it cannot be saved.
    pub fn request_save(&mut self, commands: &mut Vec<Command>) {
        if let Some((form, _)) = &mut self.form {
            save_form(form, commands);
        }
    }

    /// After a save: keep showing the saved member.
    pub fn saved(&mut self, id: MemberId, data: &Data) {
        self.form = data.members.iter().find(|m| m.id == id).map(|m| {
            let form = MemberForm::from_member(m.id, &m.record);
            (form.clone(), form)
        });
    }

    /// After a delete: close the form.
    pub fn deleted(&mut self, id: MemberId) {
        if self.form.as_ref().is_some_and(|(f, _)| f.id == Some(id)) {
            self.form = None;
        }
        self.confirm_delete = None;
    }

    /// The header mappings typed for the import.
    /// The corrections typed in the import report, for the next check or import.
    pub fn import_corrections(&self) -> zhibu_core::import::roster::Corrections {
        zhibu_core::import::roster::Corrections {
            cells: self
                .fixes
                .iter()
                .filter(|(_, value)| !value.trim().is_empty())
                .map(|((row, column), value)| (*row, column.clone(), value.trim().to_owned()))
                .collect(),
            skip: self.skips.iter().copied().collect(),
        }
    }

    /// Takes in a check's report: a new file starts without corrections. `into_branch` is the
    /// branch a sheet without a 所在支部 column went to (None when the sheet names each row's).
    pub fn imported(
        &mut self,
        file: PathBuf,
        report: &str,
        problems: Vec<zhibu_core::import::Problem>,
        into_branch: Option<OrgId>,
    ) {
        if self.import_report.as_ref().is_none_or(|(old, _)| *old != file) {
            self.fixes.clear();
            self.skips.clear();
        }
        self.import_report = Some((file, report.lines().map(str::to_owned).collect()));
        self.import_problems = problems;
        self.import_needs_branch = into_branch.is_some();
        if into_branch.is_some() {
            self.import_branch = into_branch;
        }
    }

    /// The branch for `file`'s members when it has no 所在支部 column: the one chosen in its
    /// report, else the branch the roster is filtered to, else the first branch.
    pub fn import_default_branch(&self, file: &std::path::Path, data: &Data) -> Option<OrgId> {
        let same_file = self.import_report.as_ref().is_some_and(|(old, _)| old == file);
        let chosen = if same_file { self.import_branch } else { None };
        chosen.or(self.branch).or_else(|| data.branches().next().map(|b| b.id))
    }

    /// The header mappings typed in the import report.
    pub fn import_mapping(&self) -> Vec<(String, String)> {
        super::imports::parse_mapping(&self.mapping)
    }
}

/// Draws the roster screen.
pub fn members_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let data = &workspace.data;
    let state = &mut workspace.members;
    state.filter(data);
    ui.horizontal(|ui| {
        ui.heading("党员名册");
        let label = ui.label("搜索");
        ui.add(
            egui::TextEdit::singleline(&mut state.search)
                .id(egui::Id::unique(widgets::SEARCH_ID).with(super::Screen::Members))
                .hint_text("姓名、身份证号或电话（Ctrl+F）")
                .desired_width(220.0),
        )
        .labelled_by(label.id);
        let mut branches = vec![(None, "全部支部".to_owned())];
        branches.extend(data.branches().map(|b| (Some(b.id), b.record.name.clone())));
        egui::Grid::new("member-filters").show(ui, |ui| {
            widgets::choice_ui(ui, "支部", &mut state.branch, &branches);
        });
        let statuses = [
            (None, "全部".to_owned()),
            (Some(MemberStatus::Full), "正式党员".to_owned()),
            (Some(MemberStatus::Probationary), "预备党员".to_owned()),
        ];
        egui::Grid::new("member-status").show(ui, |ui| {
            widgets::choice_ui(ui, "状态", &mut state.status, &statuses);
        });
    });
    ui.horizontal(|ui| {
        ui.label(format!("共 {} 人", state.rows.len()));
        if ui.button("＋ 新增党员（Ctrl+N）").clicked() {
            state.new_form(data);
        }
        if ui.button("导入名册……").clicked() {
            commands.push(Command::Pick(
                Dialog::Open { title: "选择名册", filter: Some(("名册", &["xlsx", "xls", "csv"])) },
                Then::CheckRoster,
            ));
        }
    });
    ui.separator();
    let form_width = if state.form.is_some() || state.import_report.is_some() { 470.0 } else { 0.0 };
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width((ui.available_width() - form_width).max(300.0));
            table_ui(ui, state, data);
        });
        if form_width > 0.0 {
            ui.separator();
            ui.vertical(|ui| {
                egui::ScrollArea::vertical().id_salt("member-form").show(ui, |ui| {
                    if state.import_report.is_some() {
                        import_ui(ui, state, data, commands);
                    } else {
                        form_ui(ui, state, data, commands);
                    }
                });
            });
        }
    });
}

/// The roster table; only the visible rows are laid out, so 100,000 rows scroll smoothly.
pub fn table_ui(ui: &mut Ui, state: &mut State, data: &Data) {
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let selected = state.form.as_ref().and_then(|(f, _)| f.id);
    let mut clicked = None;
    // A click anywhere on a row opens it; selectable text would swallow the click.
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(90.0))
        .column(Column::exact(50.0))
        .column(Column::exact(190.0))
        .column(Column::exact(120.0))
        .column(Column::exact(100.0))
        .column(Column::exact(110.0))
        .column(Column::remainder().at_least(120.0))
        .header(row_height, |mut header| {
            for title in ["姓名", "性别", "身份证号", "联系电话", "状态", "入党时间", "所在支部"]
            {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, state.rows.len(), |mut row| {
                let Some(stored) = state.rows.get(row.index()).and_then(|&i| data.members.get(i)) else { return };
                let m = &stored.record;
                row.set_selected(selected == Some(stored.id));
                row.col(|ui| {
                    ui.label(&m.name);
                });
                row.col(|ui| {
                    ui.label(m.gender.label());
                });
                row.col(|ui| {
                    ui.label(m.id_number.masked());
                });
                row.col(|ui| {
                    ui.label(m.phone.as_ref().map(Phone::masked).unwrap_or_default());
                });
                row.col(|ui| {
                    ui.label(m.status.label());
                });
                row.col(|ui| {
                    ui.label(m.joined_on.format("%Y-%m-%d").to_string());
                });
                row.col(|ui| {
                    ui.label(data.org_name(m.branch));
                });
                if row.response().clicked() {
                    clicked = Some(stored.id);
                }
            });
        });
    state.switch_refused |= clicked.is_some() && state.is_dirty();
    if let Some(id) = clicked
        && !state.is_dirty()
        && let Some(stored) = data.members.iter().find(|m| m.id == id)
    {
        state.switch_refused = false;
        let form = MemberForm::from_member(stored.id, &stored.record);
        state.form = Some((form.clone(), form));
        state.import_report = None;
    }
}

fn form_ui(ui: &mut Ui, state: &mut State, data: &Data, commands: &mut Vec<Command>) {
    let dirty = state.is_dirty();
    let Some((form, _)) = &mut state.form else { return };
    ui.heading(if form.id.is_some() { "党员信息" } else { "新增党员" });
    egui::Grid::new("member-form-grid").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        field_ui(ui, "姓名", &mut form.name);
        if form.reveal || form.id.is_none() {
            hinted_field_ui(ui, "身份证号", &mut form.id_number, "18位，末位可为X");
        } else {
            let label = ui.label("身份证号");
            ui.horizontal(|ui| {
                let masked = IdNumber::parse(&form.id_number).map(|n| n.masked()).unwrap_or_default();
                ui.add(egui::Label::new(masked)).labelled_by(label.id);
                if ui.small_button("显示并修改").clicked() {
                    form.reveal = true;
                }
            });
            ui.end_row();
        }
        if let Ok(number) = IdNumber::parse(&form.id_number) {
            ui.label("性别、出生日期");
            ui.label(format!(
                "{}，{}（由身份证号得出）",
                number.gender().label(),
                number.birth_date().map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
            ));
            ui.end_row();
        }
        field_ui(ui, "民族", &mut form.ethnicity);
        hinted_field_ui(ui, "联系电话", &mut form.phone, "手机或带区号的固定电话，可不填");
        let statuses = [
            (Some(MemberStatus::Full), "正式党员".to_owned()),
            (Some(MemberStatus::Probationary), "预备党员".to_owned()),
        ];
        widgets::choice_ui(ui, "党员状态", &mut form.status, &statuses);
        hinted_field_ui(ui, "入党时间", &mut form.joined_on, "2021-07-01");
        hinted_field_ui(ui, "转正时间", &mut form.confirmed_on, "预备党员不填");
        let branches = data.branch_choices();
        widgets::choice_ui(ui, "所在支部", &mut form.branch, &branches);
        ui.label("");
        ui.checkbox(&mut form.in_service, "在职党员");
        ui.end_row();
        field_ui(ui, "学历", &mut form.details.education);
        field_ui(ui, "工作单位及职务", &mut form.details.work);
        field_ui(ui, "籍贯", &mut form.details.native_place);
        field_ui(ui, "备注", &mut form.details.remarks);
    });
    if let Some(error) = &form.error {
        widgets::error_text_ui(ui, error);
    }
    let mut close = false;
    ui.horizontal(|ui| {
        let save = ui.add_enabled(dirty || form.id.is_none(), egui::Button::new("保存（Ctrl+S）"));
        if save.clicked() {
            save_form(form, commands);
        }
        if let Some(id) = form.id
            && ui.button("删除").clicked()
        {
            state.confirm_delete = Some(id);
        }
        close = ui.add_enabled(!dirty, egui::Button::new("关闭")).clicked();
        if dirty {
            widgets::warning_text_ui(ui, "有未保存的修改");
        }
    });
    if dirty && state.switch_refused {
        widgets::warning_text_ui(ui, "请先保存或关闭当前表单，再打开其他党员。");
    }
    if close {
        state.form = None;
        return;
    }
    if let Some(id) = state.confirm_delete {
        ui.separator();
        widgets::warning_text_ui(ui, "确定删除这名党员？删除后可用“撤销删除”（Ctrl+Z）恢复。");
        ui.horizontal(|ui| {
            if ui.button("确定删除").clicked() {
                commands.push(Command::DeleteMember(id));
            }
            if ui.button("取消").clicked() {
                state.confirm_delete = None;
            }
        });
    }
}

fn save_form(form: &mut MemberForm, commands: &mut Vec<Command>) {
    match form.to_member() {
        Ok(member) => {
            form.error = None;
            commands.push(Command::SaveMember(form.id, Box::new(member)));
        }
        Err(error) => form.error = Some(error),
    }
}

fn import_ui(ui: &mut Ui, state: &mut State, data: &Data, commands: &mut Vec<Command>) {
    let Some((file, report)) = &state.import_report else { return };
    let file = file.clone();
    ui.heading("导入名册");
    ui.label(format!("文件：{}", file.display()));
    if state.import_needs_branch {
        // The usual branch 花名册 has no 所在支部 column: every member goes to the branch chosen here.
        ui.label("名册中没有“所在支部”列，全部党员导入到下面选择的支部（改选后请重新检查）：");
        let branches: Vec<_> = data.branches().map(|b| (Some(b.id), b.record.name.clone())).collect();
        egui::Grid::new("import-branch").show(ui, |ui| {
            widgets::choice_ui(ui, "导入到支部", &mut state.import_branch, &branches);
        });
    }
    super::imports::report_ui(ui, "import-report", 360.0, report);
    if !state.import_problems.is_empty() {
        ui.strong("逐条改正（只改这次导入读到的内容，不改原文件），或跳过该行，然后重新检查：");
        egui::ScrollArea::vertical().id_salt("import-fixes").max_height(220.0).show(ui, |ui| {
            for (i, problem) in state.import_problems.iter().enumerate() {
                ui.push_id(("fix", i), |ui| {
                    ui.label(problem.to_string());
                    ui.horizontal(|ui| {
                        let key = (problem.row, problem.column.clone());
                        let value = state.fixes.entry(key).or_default();
                        let label = ui.label(format!("第{}行{}改为", problem.row, problem.column));
                        ui.add(egui::TextEdit::singleline(value).desired_width(180.0)).labelled_by(label.id);
                    });
                    // On a line of its own: beside the value it ran past the panel at 1366 px.
                    ui.horizontal(|ui| {
                        let mut skip = state.skips.contains(&problem.row);
                        if ui.checkbox(&mut skip, format!("跳过第{}行", problem.row)).changed() {
                            if skip {
                                state.skips.insert(problem.row);
                            } else {
                                state.skips.remove(&problem.row);
                            }
                        }
                    });
                });
            }
        });
    }
    ui.label("表头无法识别时，在下面按“表头=字段”逐行填写对应关系（如 证件号码=身份证号）：");
    let label = ui.label("表头对应");
    ui.add(egui::TextEdit::multiline(&mut state.mapping).desired_rows(3)).labelled_by(label.id);
    ui.horizontal(|ui| {
        if ui.button("重新检查").clicked() {
            commands.push(Command::ImportMembers(file.clone(), true));
        }
        if ui.button("导入（全部成功才写入）").clicked() {
            commands.push(Command::ImportMembers(file.clone(), false));
        }
        if ui.button("关闭").clicked() {
            state.import_report = None;
        }
    });
}
