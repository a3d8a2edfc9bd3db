//! 报表: choose a template, fill the form built from its parameter list, preview the document
//! model in the window, export through the native save dialog (one file, or one per meeting into
//! a folder); rendering runs as a background job with progress and a cancel button.

use super::command::Command;
use super::jobs::{JobRequest, Target};
use super::picker::{Dialog, Then};
use super::widgets;
use super::workspace::{Data, Workspace};
use egui::{RichText, Ui};
use std::collections::HashMap;
use std::path::PathBuf;
use zhibu_report::document::{Align, Block, Document, Paragraph};
use zhibu_report::plugin_host::{ParamKind, ParamSpec, PluginLog};
use zhibu_report::services::report::{Catalog, Consent};

/// The report centre's state.
#[derive(Default)]
pub struct State {
    /// The chosen template's id.
    pub template: Option<String>,
    /// Parameter values by key, as typed.
    pub values: HashMap<String, String>,
    /// The last preview.
    pub preview: Option<Document>,
    /// The last job's plugin log.
    pub log: PluginLog,
    /// The files the last export wrote.
    pub written: Vec<PathBuf>,
    /// What the last batch export's template declined: the meeting and its reason.
    pub skipped: Vec<(String, String)>,
    /// A job waiting for the personal-data confirmation.
    pub pending_consent: Option<JobRequest>,
    /// Where exports go: a folder (the file is named after the template) or a .docx path.
    pub save_to: String,
    /// Also convert each Word file to PDF (through an installed LibreOffice).
    pub pdf: bool,
    /// Why the last export could not start.
    pub error: Option<String>,
}

/// Where an export goes: `save_to` itself when it names a .docx, else a file named after the
/// document's title in that folder (the user's documents folder when empty).
fn export_target(save_to: &str) -> Result<Target, String> {
    let save_to = save_to.trim();
    let base = if save_to.is_empty() {
        directories::UserDirs::new()
            .and_then(|d| d.document_dir().map(std::path::Path::to_path_buf))
            .or_else(|| directories::UserDirs::new().map(|d| d.home_dir().to_path_buf()))
            .ok_or("找不到“文档”文件夹，请在“保存到”中填写")?
    } else {
        PathBuf::from(save_to)
    };
    if base.extension().is_some_and(|e| e.eq_ignore_ascii_case("docx")) {
        return Ok(Target::File(base));
    }
    if !base.is_dir() {
        return Err(format!("“保存到”的文件夹不存在：{}", base.display()));
    }
    Ok(Target::Folder(base))
}

/// Draws the report centre.
pub fn reports_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let Some(catalog) = workspace.catalog.clone() else {
        ui.heading("报表");
        widgets::error_text_ui(ui, workspace.catalog_error.as_deref().unwrap_or("报表模板未能加载"));
        return;
    };
    let state = &mut workspace.reports;
    let data = &workspace.data;
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(430.0);
            ui.heading("选择模板");
            // Templates of the committee's scope run in the committee's window, never on a branch's records.
            let branch_scope = catalog
                .templates
                .iter()
                .filter(|t| !t.plugin.info.needs.contains(&zhibu_report::plugin_host::RecordKind::Committee));
            for template in branch_scope {
                let info = &template.plugin.info;
                let selected = state.template.as_deref() == Some(info.id.as_str());
                let response = ui
                    .add(
                        egui::Button::selectable(selected, RichText::new(&info.name).strong())
                            .min_size(egui::vec2(410.0, 30.0)),
                    )
                    .on_hover_text(&info.description);
                if response.clicked() && !selected {
                    select_template(state, &catalog, &info.id, data, workspace.year);
                }
            }
            ui.separator();
            let Some(template) = state.template.as_deref().and_then(|id| catalog.get(id).ok()) else {
                ui.label("从上面选一个模板。");
                return;
            };
            let info = &template.plugin.info;
            ui.label(&info.description);
            ui.add_space(6.0);
            egui::Grid::new("report-params").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
                for spec in &info.parameters {
                    param_ui(ui, spec, &mut state.values, data);
                }
            });
            ui.horizontal(|ui| {
                let label = ui.label("保存到");
                ui.add(
                    egui::TextEdit::singleline(&mut state.save_to)
                        .hint_text("文件夹或 .docx 文件")
                        .desired_width(250.0),
                )
                .labelled_by(label.id);
                if ui.button("浏览……").clicked() {
                    commands.push(Command::Pick(
                        Dialog::Save {
                            title: "导出到",
                            file_name: format!("{}.docx", zhibu_report::services::export::file_name(&info.name)),
                            filter: Some(("Word 文档", &["docx"])),
                        },
                        Then::ExportTo,
                    ));
                }
                ui.checkbox(&mut state.pdf, "同时转为 PDF")
                    .on_hover_text("需要本机装有 LibreOffice；没有时只生成 Word 文件，并提示安装");
            });
            if let Some(error) = &state.error {
                widgets::error_text_ui(ui, error);
            }
            ui.add_space(6.0);
            let params: Vec<(String, String)> = info
                .parameters
                .iter()
                .filter_map(|s| {
                    state.values.get(&s.key).filter(|v| !v.trim().is_empty()).map(|v| (s.key.clone(), v.clone()))
                })
                .collect();
            let pdf = state.pdf;
            let request = |target| JobRequest {
                template: info.id.clone(),
                params: params.clone(),
                consent: Consent::None,
                pdf,
                target,
            };
            let running = workspace.job.is_some();
            ui.horizontal(|ui| {
                if ui.add_enabled(!running, egui::Button::new("预览")).clicked() {
                    submit(request(Target::Preview), state, commands);
                }
                if ui.add_enabled(!running, egui::Button::new("导出 Word")).clicked() {
                    match export_target(&state.save_to) {
                        Ok(target) => submit(request(target), state, commands),
                        Err(error) => state.error = Some(error),
                    }
                }
                if info.parameters.iter().any(|p| p.key == "meeting")
                    && ui.add_enabled(!running, egui::Button::new("按会议逐个导出……")).clicked()
                {
                    // The folder is chosen on the dialog's thread; the job starts when it comes back.
                    let pending = Box::new(request(Target::Preview));
                    commands.push(Command::Pick(
                        Dialog::Folder { title: "导出到文件夹" },
                        Then::ExportEachMeeting(pending),
                    ));
                }
                // A file per branch where there is more than one (the committee's PC, or an office
                // keeping several branches): the duty reviews of all of them at once.
                if info.parameters.iter().any(|p| p.kind == ParamKind::Branch)
                    && data.branches().nth(1).is_some()
                    && ui.add_enabled(!running, egui::Button::new("为每个党支部逐个导出……")).clicked()
                {
                    let pending = Box::new(request(Target::Preview));
                    commands
                        .push(Command::Pick(Dialog::Folder { title: "导出到文件夹" }, Then::ExportEachBranch(pending)));
                }
                if info.parameters.iter().any(|p| p.kind == ParamKind::Member)
                    && ui.add_enabled(!running, egui::Button::new("为每名志愿者逐个导出……")).clicked()
                {
                    let pending = Box::new(request(Target::Preview));
                    commands.push(Command::Pick(
                        Dialog::Folder { title: "导出到文件夹" },
                        Then::ExportEachVolunteer(pending),
                    ));
                }
            });
            if let Some(job) = &workspace.job {
                ui.horizontal(|ui| {
                    ui.spinner();
                    let (done, total) = job.progress();
                    if total > 1 {
                        ui.add(
                            egui::ProgressBar::new(done as f32 / total as f32)
                                .text(format!("{done}/{total}"))
                                .desired_width(160.0),
                        );
                    }
                    ui.label(format!("正在生成……{:.0} 秒", job.elapsed()));
                    if ui.button("取消").clicked() {
                        commands.push(Command::CancelJob);
                    }
                });
            }
            for path in &state.written {
                ui.label(format!("已导出：{}", path.display()));
            }
            for (name, why) in &state.skipped {
                super::widgets::warning_text_ui(ui, &format!("未生成 {name}：{why}"));
            }
            for line in &state.log.lines {
                if line.level == "host" {
                    super::widgets::warning_text_ui(ui, &format!("注意：{}", line.message));
                } else {
                    ui.small(format!("[插件 {}] {}", line.level, line.message));
                }
            }
        });
        ui.separator();
        ui.vertical(|ui| {
            ui.heading("预览");
            match &state.preview {
                Some(document) => {
                    egui::ScrollArea::vertical().id_salt("preview").show(ui, |ui| preview_ui(ui, document));
                }
                None => {
                    ui.label("点“预览”在这里查看文档内容（版式以导出的 Word 文件为准）。");
                }
            }
        });
    });
}

/// Chooses template `id` with its default parameters; returns the request that previews it.
pub fn select_template(state: &mut State, catalog: &Catalog, id: &str, data: &Data, year: i32) -> Option<JobRequest> {
    let info = &catalog.get(id).ok()?.plugin.info;
    state.template = Some(info.id.clone());
    state.values.clear();
    state.preview = None;
    for spec in &info.parameters {
        state.values.insert(spec.key.clone(), default_value(spec, data, year));
    }
    let params =
        state.values.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (k.clone(), v.clone())).collect();
    Some(JobRequest { template: info.id.clone(), params, consent: Consent::None, target: Target::Preview, pdf: false })
}

fn submit(request: JobRequest, state: &mut State, commands: &mut Vec<Command>) {
    state.error = None;
    let asks = zhibu_report::services::report::asks_personal_data(&request.params);
    state.written.clear();
    state.skipped.clear();
    if asks {
        state.pending_consent = Some(request);
    } else {
        commands.push(Command::StartJob(request));
    }
}

/// The confirmation a template's request for full ID and phone numbers needs.
pub fn consent_dialog_ui(ctx: &egui::Context, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let Some(request) = &workspace.reports.pending_consent else { return };
    let mut answer = None;
    egui::Modal::new(egui::Id::unique("personal-data")).show(ctx, |ui| {
        ui.heading("显示完整身份证号和手机号？");
        ui.label("这份文档将含有党员完整的身份证号和手机号。请确认确有必要，并妥善保管导出的文件。");
        ui.label(format!("模板：{}；此次导出会记入操作记录。", request.template));
        ui.horizontal(|ui| {
            if ui.button("确认，显示完整号码").clicked() {
                answer = Some(true);
            }
            if ui.button("取消").clicked() {
                answer = Some(false);
            }
        });
    });
    if let Some(confirmed) = answer
        && let Some(mut request) = workspace.reports.pending_consent.take()
        && confirmed
    {
        request.consent = Consent::PersonalDataConfirmed;
        commands.push(Command::StartJob(request));
    }
}

fn default_value(spec: &ParamSpec, data: &Data, year: i32) -> String {
    if let Some(value) = &spec.default_value {
        return value.clone();
    }
    match spec.kind {
        ParamKind::Year => year.to_string(),
        ParamKind::Branch => data.branches().next().map(|b| b.id.0.to_string()).unwrap_or_default(),
        ParamKind::Choice => spec.choices.first().cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

fn param_ui(ui: &mut Ui, spec: &ParamSpec, values: &mut HashMap<String, String>, data: &Data) {
    let title = if spec.required { format!("{} *", spec.label) } else { spec.label.clone() };
    let branch: Option<i64> = values.get("branch").and_then(|b| b.parse().ok());
    let year: Option<i32> = values.get("year").and_then(|y| y.parse().ok());
    let value = values.entry(spec.key.clone()).or_default();
    let options: Option<Vec<(String, String)>> = match spec.kind {
        ParamKind::Branch => Some(data.branches().map(|b| (b.id.0.to_string(), b.record.name.clone())).collect()),
        ParamKind::Member => Some(
            data.members
                .iter()
                .filter(|m| branch.is_none_or(|b| m.record.branch.0 == b))
                .map(|m| (m.id.0.to_string(), m.record.name.clone()))
                .collect(),
        ),
        ParamKind::Choice => Some(spec.choices.iter().map(|c| (c.clone(), c.clone())).collect()),
        _ if spec.key == "meeting" => {
            let mut list = vec![(String::new(), "（全部）".to_owned())];
            list.extend(
                data.meetings
                    .iter()
                    .filter(|m| branch.is_none_or(|b| m.record.branch.0 == b))
                    .filter(|m| year.is_none_or(|y| chrono::Datelike::year(&m.record.date()) == y))
                    .map(|m| {
                        (m.id.0.to_string(), format!("{} {}", m.record.starts_at.format("%m-%d"), m.record.title))
                    }),
            );
            Some(list)
        }
        _ => None,
    };
    let label = ui.label(title);
    match options {
        Some(options) => {
            let text = options.iter().find(|(v, _)| v == value).map_or_else(|| value.clone(), |(_, t)| t.clone());
            egui::ComboBox::from_id_salt(("param", &spec.key))
                .selected_text(text)
                .width(260.0)
                .show_ui(ui, |ui| {
                    for (option, text) in &options {
                        ui.selectable_value(value, option.clone(), text);
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text(&spec.help);
        }
        None => {
            ui.add(egui::TextEdit::singleline(value).desired_width(260.0))
                .labelled_by(label.id)
                .on_hover_text(&spec.help);
        }
    }
    ui.end_row();
}

/// Shows the document model roughly as it will print: headings, paragraphs, lists, tables.
pub fn preview_ui(ui: &mut Ui, document: &Document) {
    ui.label(RichText::new(&document.title).size(22.0).strong());
    for section in &document.sections {
        ui.add_space(10.0);
        ui.vertical_centered(|ui| ui.label(RichText::new(&section.title).size(20.0).strong()));
        for (i, block) in section.blocks.iter().enumerate() {
            ui.push_id(i, |ui| block_ui(ui, block));
        }
    }
}

fn block_ui(ui: &mut Ui, block: &Block) {
    match block {
        Block::Heading(heading) => {
            let size = match heading.level {
                1 => 19.0,
                2 => 17.5,
                _ => 16.0,
            };
            ui.label(RichText::new(&heading.text).size(size).strong());
        }
        Block::Paragraph(paragraph) => paragraph_ui(ui, paragraph, ""),
        Block::Bullets(items) => {
            for item in items {
                paragraph_ui(ui, item, "• ");
            }
        }
        Block::Numbered(items) => {
            for (i, item) in items.iter().enumerate() {
                paragraph_ui(ui, item, &format!("{}. ", i + 1));
            }
        }
        Block::Table(table) => {
            egui::Grid::new("table").striped(true).show(ui, |ui| {
                for row in &table.rows {
                    for cell in &row.cells {
                        let text: Vec<String> = cell.paragraphs.iter().map(plain).collect();
                        ui.label(text.join("\n"));
                        for _ in 1..cell.col_span {
                            ui.label("");
                        }
                    }
                    ui.end_row();
                }
            });
        }
        Block::PageBreak => {
            ui.separator();
        }
        Block::Signature(signature) => {
            ui.with_layout(egui::Layout::top_down(egui::Align::Max), |ui| {
                for line in &signature.lines {
                    ui.label(line);
                }
                ui.label(&signature.date);
            });
        }
    }
}

fn plain(paragraph: &Paragraph) -> String {
    paragraph.runs.iter().map(|r| r.text.as_str()).collect()
}

fn paragraph_ui(ui: &mut Ui, paragraph: &Paragraph, prefix: &str) {
    let mut job = egui::text::LayoutJob::default();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let color = ui.visuals().text_color();
    let indent = if paragraph.indent { "　　" } else { "" };
    job.append(
        &format!("{indent}{prefix}"),
        0.0,
        egui::TextFormat { font_id: font.clone(), color, ..Default::default() },
    );
    for run in &paragraph.runs {
        let format = egui::TextFormat {
            font_id: font.clone(),
            color: if run.bold { ui.visuals().strong_text_color() } else { color },
            italics: run.italic,
            underline: if run.underline { egui::Stroke::new(1.0, color) } else { egui::Stroke::NONE },
            ..Default::default()
        };
        job.append(&run.text, 0.0, format);
    }
    job.wrap.max_width = ui.available_width();
    let layout = match paragraph.align {
        Align::Center => egui::Layout::top_down(egui::Align::Center),
        Align::Right => egui::Layout::top_down(egui::Align::Max),
        _ => egui::Layout::top_down(egui::Align::Min),
    };
    ui.with_layout(layout, |ui| ui.label(job));
}
