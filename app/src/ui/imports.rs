//! The check → correct → import flow of the sheets that go into one branch — the 三会一课
//! register (会议), the volunteer-hours export (志愿服务) and the dues list (党费) — on the service
//! `zhibu import meetings|volunteer|dues` calls: the chosen file is checked first (a dry run)
//! and its row-by-row report shown; unknown headers are mapped (表头=字段) and the branch chosen
//! (the selected one at first); checked again; then imported whole, or not at all.

use super::command::Command;
use super::picker::{Dialog, Then};
use super::widgets;
use super::workspace::Data;
use egui::Ui;
use std::path::PathBuf;
use zhibu_core::domain::OrgId;
use zhibu_core::services::import::Sheet;

/// One sheet being checked or imported.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Which sheet.
    pub sheet: Sheet,
    /// The file.
    pub file: PathBuf,
    /// The branch it goes into.
    pub branch: Option<OrgId>,
    /// Header mappings typed (`表头=字段` per line).
    pub mapping: String,
    /// The last check's or import's report, a line each.
    pub report: Vec<String>,
    /// Problems the last check found.
    pub problems: usize,
    /// The last run wrote the rows.
    pub applied: bool,
}

impl Panel {
    /// The header mappings typed.
    pub fn mapping(&self) -> Vec<(String, String)> {
        parse_mapping(&self.mapping)
    }

    /// The command that checks (or imports) the file as the panel stands.
    pub fn command(&self, dry_run: bool) -> Option<Command> {
        Some(Command::ImportSheet(self.sheet, self.file.clone(), self.branch?, self.mapping(), dry_run))
    }
}

/// The import panel (one at a time, shown on the screen its sheet belongs to).
#[derive(Debug, Default)]
pub struct State {
    /// The sheet being checked or imported.
    pub panel: Option<Panel>,
}

impl State {
    /// Takes in a check's or an import's report; a new file starts without mappings.
    pub fn done(
        &mut self,
        sheet: Sheet,
        file: PathBuf,
        branch: OrgId,
        result: zhibu_core::services::import::SheetImport,
    ) {
        let same = self.panel.as_ref().is_some_and(|p| p.file == file && p.sheet == sheet);
        let mapping =
            if same { self.panel.as_ref().map(|p| p.mapping.clone()).unwrap_or_default() } else { String::new() };
        self.panel = Some(Panel {
            sheet,
            file,
            branch: Some(branch),
            mapping,
            report: result.report.lines().map(str::to_owned).collect(),
            problems: result.problems,
            applied: result.applied,
        });
    }
}

/// The button that starts an import of `sheet` into `branch`: the file dialog, then a check.
pub fn start_ui(ui: &mut Ui, text: &str, sheet: Sheet, branch: Option<OrgId>, commands: &mut Vec<Command>) {
    let button = ui.add_enabled(branch.is_some(), egui::Button::new(text)).on_disabled_hover_text("先选择一个支部");
    if button.clicked()
        && let Some(branch) = branch
    {
        commands.push(Command::Pick(
            Dialog::Open {
                title: "选择表格（.xlsx、.xls 或 .csv）", filter: Some(("表格", &["xlsx", "xls", "csv"]))
            },
            Then::CheckSheet(sheet, branch),
        ));
    }
}

/// The panel for sheets `belongs` accepts (this screen's), when one is open.
pub fn panel_ui(
    ui: &mut Ui,
    state: &mut State,
    belongs: impl Fn(Sheet) -> bool,
    data: &Data,
    commands: &mut Vec<Command>,
) {
    let Some(panel) = state.panel.as_mut().filter(|p| belongs(p.sheet)) else { return };
    ui.separator();
    ui.heading(format!("导入{}", panel.sheet.label()));
    ui.label(format!("文件：{}", panel.file.display()));
    let branches: Vec<_> = data.branches().map(|b| (Some(b.id), b.record.name.clone())).collect();
    egui::Grid::new("sheet-import-branch").show(ui, |ui| {
        widgets::choice_ui(ui, "导入到支部", &mut panel.branch, &branches);
    });
    report_ui(ui, "sheet-import-report", 220.0, &panel.report);
    ui.label(
        "表头无法识别时，在下面按“表头=字段”逐行填写对应关系（如 活动名=活动名称）；改好原文件或对应关系后重新检查：",
    );
    let label = ui.label("表头对应");
    ui.add(egui::TextEdit::multiline(&mut panel.mapping).desired_rows(2)).labelled_by(label.id);
    let mut close = false;
    ui.horizontal(|ui| {
        if ui.button("重新检查").clicked()
            && let Some(command) = panel.command(true)
        {
            commands.push(command);
        }
        let ready = panel.problems == 0 && !panel.applied;
        let import = ui.add_enabled(ready, egui::Button::new("导入（全部成功才写入）")).on_disabled_hover_text(
            if panel.applied { "已导入" } else { "先改正报告中的问题并重新检查" },
        );
        if import.clicked()
            && let Some(command) = panel.command(false)
        {
            commands.push(command);
        }
        if ui.button("关闭").clicked() {
            close = true;
        }
    });
    if close {
        state.panel = None;
    }
}

/// Header mappings as typed, `表头=字段` a line (incomplete lines left out): the roster's panel
/// and the sheets' read them alike.
pub fn parse_mapping(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .collect()
}

/// An import's report, a line a row, laid out only where visible (a county's roster reports ten
/// thousand lines).
pub fn report_ui(ui: &mut Ui, id: &str, max_height: f32, report: &[String]) {
    let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
    egui::ScrollArea::both().id_salt(id).max_height(max_height).show_rows(ui, row_height, report.len(), |ui, rows| {
        for line in &report[rows] {
            ui.add(egui::Label::new(egui::RichText::new(line).monospace()).extend());
        }
    });
}
