//! 设置: unit name, operator name, the colour theme, where the database and backups live, backup now and restore,
//! the rule file in force, and the demo data.

use super::command::Command;
use super::picker::{self, Dialog, Then};
use super::widgets;
use super::workspace::{Data, Paths, Workspace};
use egui::Ui;

/// The settings form.
#[derive(Default)]
pub struct State {
    /// 单位名称 as typed.
    pub unit_name: String,
    /// 操作员 as typed.
    pub operator: String,
    /// Automatic backups found in the backup folder, newest first.
    pub backups: Vec<std::path::PathBuf>,
    /// A restore waiting for confirmation.
    pub confirm_restore: Option<std::path::PathBuf>,
    /// The rule file loaded, if not the built-in rules.
    pub rules_file: Option<std::path::PathBuf>,
    /// Why the rule file was refused.
    pub rules_error: Option<String>,
}

impl State {
    /// Fills the form from the stored settings.
    pub fn load(&mut self, data: &Data, operator: &str, paths: &Paths) {
        self.unit_name.clone_from(&data.unit_name);
        operator.clone_into(&mut self.operator);
        self.backups = zhibu_core::services::backup::automatic_backups(&paths.backup_dir, &paths.db);
        self.backups.reverse();
    }
}

/// Draws the settings screen.
pub fn settings_ui(ui: &mut Ui, workspace: &mut Workspace, paths: &Paths, commands: &mut Vec<Command>) {
    let theme = workspace.data.theme.clone();
    let state = &mut workspace.settings;
    ui.heading("设置");
    egui::Grid::new("settings").num_columns(3).spacing([12.0, 10.0]).show(ui, |ui| {
        let label = ui.label("单位名称");
        ui.add(egui::TextEdit::singleline(&mut state.unit_name).desired_width(320.0)).labelled_by(label.id);
        if ui.button("保存单位名称").clicked() {
            commands.push(Command::SetUnitName(state.unit_name.clone()));
        }
        ui.end_row();
        let label = ui.label("操作员");
        ui.add(egui::TextEdit::singleline(&mut state.operator).desired_width(320.0)).labelled_by(label.id);
        if ui.button("保存操作员").clicked() {
            commands.push(Command::SetOperator(state.operator.clone()));
        }
        ui.end_row();
        ui.label("界面颜色");
        ui.horizontal(|ui| {
            for (value, label) in [("system", "跟随系统"), ("light", "浅色"), ("dark", "深色")] {
                if ui.radio(theme == value, label).clicked() && theme != value {
                    commands.push(Command::SetTheme(value.to_owned()));
                }
            }
        });
        ui.label("跟随系统时，系统未说明则用浅色");
        ui.end_row();
        ui.label("数据库文件");
        ui.label(paths.db.display().to_string());
        ui.label("");
        ui.end_row();
        ui.label("自动备份目录");
        ui.label(paths.backup_dir.display().to_string());
        ui.label("每天首次打开时备份，保留最近 7 份");
        ui.end_row();
        ui.label("插件目录");
        ui.label(paths.plugins_dir.display().to_string());
        ui.label("");
        ui.end_row();
    });
    ui.separator();
    ui.heading("备份与恢复");
    ui.horizontal(|ui| {
        if ui.button("立即备份到……").clicked() {
            commands.push(picker::backup_now());
        }
        if ui.button("从备份文件恢复……").clicked() {
            commands.push(Command::Pick(Dialog::Open { title: "选择备份文件", filter: None }, Then::ConfirmRestore));
        }
    });
    for backup in state.backups.iter().take(7) {
        ui.horizontal(|ui| {
            ui.label(backup.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
            if ui.small_button("恢复").on_hover_text(backup.display().to_string()).clicked() {
                state.confirm_restore = Some(backup.clone());
            }
        });
    }
    if let Some(backup) = state.confirm_restore.clone() {
        widgets::warning_text_ui(
            ui,
            &format!("用 {} 替换当前数据库？当前文件会改名保留，不会删除。", backup.display()),
        );
        ui.horizontal(|ui| {
            if ui.button("确定恢复").clicked() {
                commands.push(Command::Restore(backup));
                state.confirm_restore = None;
            }
            if ui.button("取消").clicked() {
                state.confirm_restore = None;
            }
        });
    }
    ui.separator();
    ui.heading("规则");
    ui.label(match &state.rules_file {
        Some(file) => format!("使用规则文件：{}", file.display()),
        None => format!("使用内置规则（{}）", workspace.rules.version),
    });
    if ui.button("加载规则文件（TOML）……").clicked() {
        // Chosen on the dialog's thread, read and applied by the worker, not while drawing.
        commands.push(Command::Pick(
            Dialog::Open { title: "选择规则文件", filter: Some(("规则", &["toml"])) },
            Then::LoadRules,
        ));
    }
    if let Some(error) = &state.rules_error {
        widgets::error_text_ui(ui, error);
    }
    ui.separator();
    ui.heading("演示数据");
    if workspace.data.orgs.is_empty() {
        if ui.button("载入演示数据").clicked() {
            commands.push(Command::LoadDemo);
        }
    } else {
        ui.label("数据库中已有记录；演示数据只能载入空数据库。");
    }
}
