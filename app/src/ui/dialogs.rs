//! The window's dialogs: the unsaved-change guard, the operator's name asked once, the
//! first-start offer of the demo data, the backup passphrase (set for a backup leaving the data
//! folder, asked to restore one), the consent dialogs of the report and plugin screens, and
//! the page shown instead of a workspace (a damaged or unavailable database).

use super::app::{App, Problem, Screen};
use super::command::Command;
use super::picker::{Dialog, Then};
use super::workspace::Paths;
use super::{plugins, reports};
use egui::Key;

impl App {
    pub(super) fn dialogs_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if let Some(target) = self.guard {
            egui::Modal::new(egui::Id::unique("unsaved")).show(&ctx, |ui| {
                ui.heading("有未保存的修改");
                ui.label("离开此页将丢失尚未保存的修改。");
                ui.horizontal(|ui| {
                    if ui.button("放弃修改并离开").clicked() {
                        self.commands.push(Command::DiscardAndNavigate(target));
                    }
                    if ui.button("留在此页").clicked() {
                        self.guard = None;
                    }
                });
            });
        } else if let Some(mut name) = self.ask_operator.take() {
            egui::Modal::new(egui::Id::unique("operator")).show(&ctx, |ui| {
                ui.heading("欢迎使用支部工作台");
                ui.label("请填写您的姓名。每一次修改都会以此姓名记入操作记录，只需填写一次。");
                let label = ui.label("操作员姓名");
                let edit = ui.text_edit_singleline(&mut name).labelled_by(label.id);
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                let ok = ui.add_enabled(!name.trim().is_empty(), egui::Button::new("确定")).clicked();
                if (ok || enter) && !name.trim().is_empty() {
                    self.commands.push(Command::SetOperator(name.clone()));
                } else {
                    self.ask_operator = Some(name.clone());
                }
            });
        } else if self.offer_demo && self.ask_passphrase.is_none() {
            // (A restore waiting for its passphrase comes first: it may fill the empty database.)
            egui::Modal::new(egui::Id::unique("first-start")).show(&ctx, |ui| {
                ui.heading("数据库是空的");
                ui.label(format!("数据文件：{}", self.paths.db.display()));
                ui.label("可以先载入演示数据（虚构的党委、支部、党员和会议记录）熟悉功能，\n也可以直接到“组织”页添加本单位的党支部。");
                ui.horizontal(|ui| {
                    if ui.button("载入演示数据").clicked() {
                        self.commands.push(Command::LoadDemo);
                        self.offer_demo = false;
                    }
                    if ui.button("从空白开始").clicked() {
                        self.offer_demo = false;
                        self.commands.push(Command::Navigate(Screen::Organizations));
                    }
                });
            });
        }
        self.passphrase_dialog_ui(&ctx);
        if let Ok(workspace) = &mut self.state {
            reports::consent_dialog_ui(&ctx, workspace, &mut self.commands);
            plugins::consent_dialog_ui(&ctx, workspace, &mut self.commands);
        }
    }
}

impl App {
    /// The backup passphrase: set (typed twice) for a backup leaving the data folder, typed once
    /// to restore an encrypted backup. Said plainly: a forgotten passphrase cannot be recovered.
    fn passphrase_dialog_ui(&mut self, ctx: &egui::Context) {
        use super::app::PassphraseFor;
        use super::command::Passphrase;
        let Some(prompt) = &mut self.ask_passphrase else { return };
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("backup-passphrase")).show(ctx, |ui| {
            let backup = prompt.purpose == PassphraseFor::Backup;
            ui.heading(if backup { "为备份设置口令" } else { "输入备份口令" });
            ui.label(format!("备份文件：{}", prompt.file.display()));
            if backup {
                ui.label("备份写到数据文件夹以外（U盘、共享盘），其中有全部党员的身份证号，须用口令加密。");
            } else {
                ui.label("这个备份是加密的，请输入备份时设的口令。");
            }
            ui.colored_label(ui.visuals().warn_fg_color, "请牢记口令：忘记的口令无法找回，备份也就无法恢复。");
            egui::Grid::new("passphrase-grid").num_columns(2).show(ui, |ui| {
                let label = ui.label("口令");
                ui.add(egui::TextEdit::singleline(&mut prompt.first).password(true)).labelled_by(label.id);
                ui.end_row();
                if backup {
                    let label = ui.label("再次输入口令");
                    ui.add(egui::TextEdit::singleline(&mut prompt.second).password(true)).labelled_by(label.id);
                    ui.end_row();
                }
            });
            if let Some(error) = &prompt.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            ui.horizontal(|ui| {
                if ui.button(if backup { "加密备份" } else { "用此口令恢复" }).clicked() {
                    answer = Some(true);
                }
                if ui.button("取消").clicked() {
                    answer = Some(false);
                }
            });
        });
        match answer {
            Some(false) => self.ask_passphrase = None,
            Some(true) => {
                let min = zhibu_core::services::backup::MIN_PASSPHRASE;
                if prompt.purpose == PassphraseFor::Backup && prompt.first.chars().count() < min {
                    prompt.error = Some(format!("口令至少{min}个字符"));
                } else if prompt.purpose == PassphraseFor::Backup && prompt.first != prompt.second {
                    prompt.error = Some("两次输入的口令不一致".to_owned());
                } else {
                    let (file, passphrase) = (prompt.file.clone(), Passphrase(prompt.first.clone()));
                    self.commands.push(match prompt.purpose {
                        PassphraseFor::Backup => Command::BackupEncrypted(file, passphrase),
                        PassphraseFor::Restore => Command::RestoreWith(file, passphrase),
                    });
                    self.ask_passphrase = None;
                }
            }
            None => {}
        }
    }
}

pub(super) fn problem_ui(ui: &mut egui::Ui, problem: &Problem, paths: &Paths, commands: &mut Vec<Command>) {
    match problem {
        Problem::Damaged { message, backup } => {
            ui.heading("数据库已损坏");
            ui.colored_label(ui.visuals().error_fg_color, message);
            ui.label("程序没有改动这个文件。");
            match backup {
                Some(backup) => {
                    ui.label(format!("最近的完好备份：{}", backup.display()));
                    ui.label("恢复时，损坏的文件会改名保留，不会删除。");
                    if ui.button("从这个备份恢复").clicked() {
                        commands.push(Command::Restore(backup.clone()));
                    }
                }
                None => {
                    ui.label(format!("在 {} 中没有找到完好的自动备份。", paths.backup_dir.display()));
                }
            }
            if ui.button("选择其他备份文件……").clicked() {
                commands.push(Command::Pick(Dialog::Open { title: "选择备份文件", filter: None }, Then::Restore));
            }
        }
        Problem::Unavailable(message) => {
            ui.heading("无法打开数据库");
            ui.colored_label(ui.visuals().error_fg_color, message);
        }
    }
}
