//! 上级报送: a branch's reporting up in the window, on the same `zhibu-sync` services as
//! `zhibu sync …` — the registration file for the committee, the connection file it sends back
//! (encrypted to this PC), 立即报送 over the network, 导出报送包 for a USB stick, 获取反馈 online or
//! from a feedback package. The password never shows; a connection file naming other committee
//! keys than the trusted ones is taken only after the user confirms.

use super::command::Command;
use super::picker::{Dialog, Then};
use super::widgets;
use super::workspace::Workspace;
use egui::Ui;
use std::path::PathBuf;
use zhibu_core::domain::OrgId;
use zhibu_core::store::Route;

/// What the screens ask of reporting up; the worker carries it out on `zhibu-sync`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncRequest {
    /// Read where every branch stands.
    Status,
    /// Write the branch's registration file here.
    Registration(OrgId, PathBuf),
    /// Take in the connection file; `true`: the user confirmed replacing the committee's keys.
    Connect(PathBuf, bool),
    /// 立即报送.
    Push(OrgId),
    /// 导出报送包 to this file.
    Export(OrgId, PathBuf),
    /// 获取反馈 online.
    Pull(OrgId),
    /// 获取反馈 from a feedback package.
    PullFile(PathBuf),
}

/// The screen's state.
#[derive(Default)]
pub struct State {
    /// The branch shown (the first when none was chosen).
    pub branch: Option<OrgId>,
    /// Where every branch stands, as last read.
    pub status: Vec<zhibu_sync::Status>,
    /// The status was asked for (once per opening; every sync task sends it again).
    pub requested: bool,
    /// A connection file whose committee keys differ from the trusted ones, waiting for the
    /// user's word.
    pub confirm_key: Option<PathBuf>,
}

impl State {
    /// Takes in what a sync task left.
    pub fn loaded(&mut self, status: Vec<zhibu_sync::Status>, key_changed: Option<PathBuf>) {
        self.status = status;
        self.confirm_key = key_changed;
    }

    /// The status of the branch shown.
    pub fn shown(&self) -> Option<&zhibu_sync::Status> {
        self.status.iter().find(|s| Some(s.branch) == self.branch).or_else(|| self.status.first())
    }
}

/// A last report as one line.
pub fn last_report_text(status: &zhibu_sync::Status) -> String {
    let since = match status.pending {
        0 => "此后没有新的变更".to_owned(),
        n => format!("此后有 {n} 条记录变更未报送"),
    };
    match &status.last_report {
        Some(report) => {
            let route = match report.route {
                Route::Push => "联网报送",
                Route::Package => "报送包",
            };
            format!("上次报送：{}（{route}），{since}", report.at)
        }
        None => format!("尚未向上级报送过，共 {} 条记录待报送", status.pending),
    }
}

/// Draws 上级报送.
pub fn reporting_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let state = &mut workspace.reporting;
    if !state.requested {
        state.requested = true;
        commands.push(Command::Sync(SyncRequest::Status));
    }
    ui.heading("上级报送");
    ui.label("向上级党委报送本支部的记录、取回上级的审核意见。报送的内容加密，只有上级能打开。");
    let options: Vec<_> = state.status.iter().map(|s| (Some(s.branch), s.name.clone())).collect();
    if options.len() > 1 {
        if state.branch.is_none() {
            state.branch = options.first().and_then(|o| o.0);
        }
        egui::Grid::new("reporting-branch").show(ui, |ui| {
            widgets::choice_ui(ui, "报送支部", &mut state.branch, &options);
        });
    }
    let Some(status) = state.shown().cloned() else {
        ui.separator();
        ui.label(if state.requested && workspace.data.branches().next().is_none() {
            "还没有党支部。先到“组织”页添加本支部。"
        } else {
            "正在读取……"
        });
        return;
    };
    ui.separator();
    ui.strong("一、登记");
    ui.label(format!("{}　标识 {}", status.name, status.uuid));
    ui.label("把登记文件交给上级（U盘、聊天软件均可）：文件中只有本支部的名称、标识和公钥，没有口令和党员信息。");
    if ui.button("写出登记文件……").clicked() {
        let file_name = format!("{}.zhibu-registration", status.name);
        commands.push(Command::Pick(
            Dialog::Save {
                title: "登记文件保存到", file_name, filter: Some(("登记文件", &["zhibu-registration"]))
            },
            Then::WriteRegistration(status.branch),
        ));
    }

    ui.add_space(8.0);
    ui.strong("二、上级账号");
    match (&status.server, &status.server_error) {
        (Some(server), _) => {
            ui.label(format!("已导入上级发来的账号文件：{server}（口令已加密保存，不显示）"));
        }
        (None, Some(error)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("账号文件无法打开：{error}"));
        }
        (None, None) => {
            ui.label("上级登记本支部后，会发来一个账号文件（只有本机能打开）。导入后即可联网报送。");
        }
    }
    if ui.button("导入上级发来的账号文件……").clicked() {
        commands.push(Command::Pick(
            Dialog::Open {
                title: "选择上级发来的账号文件", filter: Some(("账号文件", &["zhibu-connection"]))
            },
            Then::ImportConnection,
        ));
    }
    if let Some(file) = state.confirm_key.clone() {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "这个账号文件中的上级密钥与本机信任的不同：上级可能更换了密钥，也可能是伪造的文件。请先与上级核实。",
        );
        ui.horizontal(|ui| {
            if ui.button("已与上级核实，替换密钥").clicked() {
                commands.push(Command::Sync(SyncRequest::Connect(file.clone(), true)));
            }
            if ui.button("不导入").clicked() {
                state.confirm_key = None;
            }
        });
    }

    ui.add_space(8.0);
    ui.strong("三、报送");
    ui.label(last_report_text(&status));
    ui.horizontal(|ui| {
        let online = ui
            .add_enabled(status.server.is_some(), egui::Button::new("立即报送"))
            .on_disabled_hover_text("先导入上级发来的账号文件");
        if online.clicked() {
            commands.push(Command::Sync(SyncRequest::Push(status.branch)));
        }
        let package = ui
            .add_enabled(status.can_export, egui::Button::new("导出报送包……"))
            .on_hover_text("不联网时用：写成加密的报送包，用U盘交给上级")
            .on_disabled_hover_text("先导入上级发来的账号文件（报送包要加密给上级）");
        if package.clicked() {
            let file_name = format!("{} {}.zbp", status.name, chrono::Local::now().format("%Y-%m-%d"));
            commands.push(Command::Pick(
                Dialog::Save { title: "报送包保存到", file_name, filter: Some(("报送包", &["zbp"])) },
                Then::ExportPackage(status.branch),
            ));
        }
    });

    ui.add_space(8.0);
    ui.strong("四、上级反馈");
    let feedback: Vec<_> = workspace.data.feedback.iter().filter(|(b, _)| *b == status.branch).collect();
    if feedback.is_empty() {
        ui.label("还没有上级反馈。");
    }
    for (_, item) in feedback {
        let verdict = match item.verdict.as_str() {
            "通过" => "已通过".to_owned(),
            "退回" => "已退回".to_owned(),
            other => other.to_owned(),
        };
        let opinion = if item.opinion.is_empty() { String::new() } else { format!("，意见：{}", item.opinion) };
        let title = zhibu_sync::feedback_title(item.year, &item.topic);
        ui.label(format!("{title}：{verdict}{opinion}（{}）", item.decided_at));
    }
    ui.horizontal(|ui| {
        let online = ui
            .add_enabled(status.server.is_some(), egui::Button::new("获取反馈"))
            .on_disabled_hover_text("先导入上级发来的账号文件");
        if online.clicked() {
            commands.push(Command::Sync(SyncRequest::Pull(status.branch)));
        }
        if ui.button("从反馈包读取……").clicked() {
            commands.push(Command::Pick(
                Dialog::Open { title: "选择上级发来的反馈包", filter: Some(("反馈包", &["zbf", "json"])) },
                Then::ReadFeedback,
            ));
        }
    });
}
