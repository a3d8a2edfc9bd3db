//! 审计: the audit log viewer (who changed what and when, before → after, personal data already
//! masked by the store), filtered by dates, operator and record kind, exported as CSV; and the
//! trash, where a deleted record is brought back.

use super::command::Command;
use super::members::parse_date;
use super::ops::Op;
use super::picker::{Dialog, Then};
use super::widgets;
use super::workspace::Workspace;
use egui::Ui;
use egui_extras::{Column, TableBuilder};
use zhibu_core::store::{AuditEntry, AuditQuery, TrashItem, record_kind_label};

/// Record kinds offered in the filter: (code, label).
const KINDS: [&str; 11] = [
    "organization",
    "committee_term",
    "member",
    "meeting",
    "election",
    "duty_review",
    "member_appraisal",
    "star_rating",
    "volunteer_activity",
    "report",
    "backup",
];

/// The viewer's filters and what the worker read.
#[derive(Default)]
pub struct State {
    /// 起始日期 as typed.
    pub from: String,
    /// 截止日期 as typed.
    pub to: String,
    /// Only this operator.
    pub operator: Option<String>,
    /// Only this record kind.
    pub kind: Option<&'static str>,
    /// The rows read (newest first); `None` until the first read.
    pub entries: Option<Vec<AuditEntry>>,
    /// Deleted records that can be brought back.
    pub trash: Vec<TrashItem>,
    /// Every operator in the log.
    pub operators: Vec<String>,
    /// Why the filters or the read were refused.
    pub error: Option<String>,
}

impl State {
    /// The query the filters describe, or the first problem in Chinese.
    pub fn query(&self) -> Result<AuditQuery, String> {
        let date = |field: &str, text: &str| {
            if text.trim().is_empty() { Ok(None) } else { parse_date(field, text).map(Some) }
        };
        Ok(AuditQuery {
            from: date("起始日期", &self.from)?,
            to: date("截止日期", &self.to)?,
            operator: self.operator.clone(),
            record: self.kind.map(str::to_owned),
            limit: Some(2000),
        })
    }

    /// Takes in what the worker read.
    pub fn loaded(&mut self, entries: Result<Vec<AuditEntry>, String>, trash: Vec<TrashItem>, operators: Vec<String>) {
        match entries {
            Ok(entries) => {
                self.entries = Some(entries);
                self.error = None;
            }
            Err(error) => self.error = Some(format!("读取审计日志失败：{error}")),
        }
        self.trash = trash;
        self.operators = operators;
    }

    /// Reads again after a change elsewhere (the next draw asks the worker).
    pub fn invalidate(&mut self) {
        self.entries = None;
    }
}

/// Draws the audit screen.
pub fn audit_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let state = &mut workspace.audit;
    if state.entries.is_none()
        && state.error.is_none()
        && !workspace.loading
        && let Ok(query) = state.query()
    {
        // Marked read so one request goes out; the worker's answer replaces it.
        state.entries = Some(Vec::new());
        commands.push(Command::LoadAudit(query));
    }
    ui.heading("审计日志");
    ui.label("每一次新增、修改、删除、定稿、更正、导出和撤销删除都记在这里，不能修改或删除；身份证号、手机号已遮盖。");
    egui::Grid::new("audit-filters").num_columns(8).spacing([8.0, 6.0]).show(ui, |ui| {
        // Sized explicitly: in the grid's first pass a box is laid out narrow and its hint elided.
        let label = ui.label("起始日期");
        ui.add_sized([110.0, 22.0], egui::TextEdit::singleline(&mut state.from).hint_text("年-月-日"))
            .labelled_by(label.id);
        let label = ui.label("截止日期");
        ui.add_sized([110.0, 22.0], egui::TextEdit::singleline(&mut state.to).hint_text("年-月-日"))
            .labelled_by(label.id);
        let label = ui.label("操作人");
        let operator = state.operator.clone().unwrap_or_else(|| "全部".to_owned());
        egui::ComboBox::from_id_salt("audit-operator")
            .selected_text(operator)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.operator, None, "全部");
                for name in &state.operators {
                    ui.selectable_value(&mut state.operator, Some(name.clone()), name);
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label("记录类型");
        egui::ComboBox::from_id_salt("audit-kind")
            .selected_text(state.kind.map_or("全部", record_kind_label))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.kind, None, "全部");
                for kind in KINDS {
                    ui.selectable_value(&mut state.kind, Some(kind), record_kind_label(kind));
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
    });
    ui.horizontal(|ui| {
        if ui.button("查询").clicked() {
            match state.query() {
                Ok(query) => commands.push(Command::LoadAudit(query)),
                Err(error) => state.error = Some(error),
            }
        }
        if ui.button("导出 CSV……").clicked() {
            match state.query() {
                Ok(query) => commands.push(Command::Pick(
                    Dialog::Save {
                        title: "导出审计日志",
                        file_name: "审计日志.csv".into(),
                        filter: Some(("CSV 表格", &["csv"])),
                    },
                    Then::ExportAudit(Box::new(AuditQuery { limit: None, ..query })),
                )),
                Err(error) => state.error = Some(error),
            }
        }
    });
    if let Some(error) = &state.error {
        widgets::error_text_ui(ui, error);
    }
    let entries = state.entries.as_deref().unwrap_or_default();
    ui.label(format!("共 {} 条（最新在前）", entries.len()));
    let trash_height = if state.trash.is_empty() { 0.0 } else { 170.0 };
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    ui.push_id("audit-table", |ui| {
        let height = (ui.available_height() - trash_height - 40.0).max(120.0);
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(height)
            .column(Column::exact(150.0))
            .column(Column::exact(80.0))
            .column(Column::exact(70.0))
            .column(Column::exact(130.0))
            .column(Column::exact(220.0))
            .column(Column::remainder())
            .header(row_height, |mut header| {
                for title in ["时间", "操作人", "操作", "记录", "摘要", "修改内容"] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, entries.len(), |mut row| {
                    let Some(entry) = entries.get(row.index()) else { return };
                    let [at, operator, action, kind, id, summary, detail] = zhibu_core::services::audit::row(entry);
                    row.col(|ui| {
                        ui.label(at);
                    });
                    row.col(|ui| {
                        ui.label(operator);
                    });
                    row.col(|ui| {
                        ui.label(action);
                    });
                    row.col(|ui| {
                        ui.label(if id.is_empty() { kind } else { format!("{kind} #{id}") });
                    });
                    row.col(|ui| {
                        ui.add(egui::Label::new(&summary).truncate()).on_hover_text(&summary);
                    });
                    row.col(|ui| {
                        // One line per row; the whole change shows on hover (and in the CSV).
                        ui.add(egui::Label::new(&detail).truncate()).on_hover_text(&detail);
                    });
                });
            });
    });
    if !state.trash.is_empty() {
        ui.separator();
        ui.strong(format!("回收站：{} 条已删除的记录（可恢复）", state.trash.len()));
        egui::ScrollArea::vertical().id_salt("trash").max_height(130.0).show(ui, |ui| {
            for item in &state.trash {
                ui.horizontal(|ui| {
                    ui.label(format!(
                        "{}  {}  {}（{}删除）",
                        item.deleted_at,
                        record_kind_label(&item.record_kind),
                        item.summary,
                        item.operator
                    ));
                    if ui.small_button("恢复").on_hover_text(format!("恢复{}", item.summary)).clicked() {
                        commands.push(Command::Op(Op::Restore(item.id)));
                    }
                });
            }
        });
    }
}
