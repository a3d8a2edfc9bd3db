//! 插件: the installed templates with version, contract version and permissions; install from a
//! folder or zip after the user consents to the permissions shown; remove; and a developer
//! folder whose plugin is reloaded whenever its wasm file changes.

use super::command::Command;
use super::picker::{Dialog, Then};
use super::widgets;
use super::workspace::Workspace;
use egui::{RichText, Ui};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};
use zhibu_report::plugin_host::package::{self, Manifest, Source};

/// The plugin manager's state.
#[derive(Default)]
pub struct State {
    /// A package read from disk, waiting for the user's consent to its permissions.
    pub pending_install: Option<(PathBuf, Manifest)>,
    /// Why the last package could not be read.
    pub error: Option<String>,
    /// The watched developer folder and its wasm file's last change.
    dev: Option<(PathBuf, Option<SystemTime>)>,
    last_check: Option<Instant>,
    /// A package removal waiting for confirmation.
    pub confirm_remove: Option<String>,
}

impl State {
    /// Starts (Some) or stops (None) watching a developer folder.
    pub fn watch(&mut self, folder: Option<PathBuf>) {
        self.dev = folder.map(|f| {
            let stamp = wasm_stamp(&f);
            (f, stamp)
        });
    }

    /// The watched developer folder.
    pub fn dev_folder(&self) -> Option<&Path> {
        self.dev.as_ref().map(|(f, _)| f.as_path())
    }

    /// Whether a developer folder is watched.
    pub fn watching(&self) -> bool {
        self.dev.is_some()
    }

    /// Whether the watched wasm changed since the last look (checked at most once a second).
    pub fn changed(&mut self) -> bool {
        let Some((folder, stamp)) = &mut self.dev else { return false };
        if self.last_check.is_some_and(|t| t.elapsed().as_secs_f32() < 1.0) {
            return false;
        }
        self.last_check = Some(Instant::now());
        let now = wasm_stamp(folder);
        if now != *stamp {
            *stamp = now;
            return now.is_some();
        }
        false
    }
}

/// The later modification time of the package's wasm file (named in its plugin.toml) and of the
/// manifest: a build writes both (the manifest carries the wasm's hash), in either order.
fn wasm_stamp(folder: &Path) -> Option<SystemTime> {
    let manifest_path = folder.join("plugin.toml");
    let text = std::fs::read_to_string(&manifest_path).ok()?;
    let manifest = Manifest::parse(&text, &manifest_path).ok()?;
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    modified(&folder.join(manifest.wasm)).max(modified(&manifest_path))
}

/// Draws the plugin manager.
pub fn plugins_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let state = &mut workspace.plugins;
    ui.heading("报表插件");
    ui.horizontal(|ui| {
        if ui.button("从文件夹安装……").clicked() {
            commands.push(Command::Pick(Dialog::Folder { title: "选择插件文件夹" }, Then::ReadPackage));
        }
        if ui.button("从 zip 安装……").clicked() {
            commands.push(Command::Pick(
                Dialog::Open { title: "选择插件包", filter: Some(("插件包", &["zip"])) },
                Then::ReadPackage,
            ));
        }
    });
    if let Some(error) = &state.error {
        widgets::error_text_ui(ui, error);
    }
    ui.separator();
    let Some(catalog) = &workspace.catalog else {
        widgets::error_text_ui(ui, workspace.catalog_error.as_deref().unwrap_or("报表模板未能加载"));
        return;
    };
    egui::Grid::new("plugins").striped(true).num_columns(6).spacing([16.0, 8.0]).show(ui, |ui| {
        for title in ["名称", "标识", "版本", "接口版本", "可读取的记录", "来源"] {
            ui.strong(title);
        }
        ui.label("");
        ui.end_row();
        for template in &catalog.templates {
            let manifest = &template.package.manifest;
            ui.label(&manifest.name).on_hover_text(&template.plugin.info.description);
            ui.label(&manifest.id);
            ui.label(&manifest.version);
            ui.label(&manifest.api_version);
            ui.label(permissions_text(manifest));
            match &template.package.source {
                Source::Reference => {
                    ui.label("内置");
                    ui.label("");
                }
                Source::Installed(dir) => {
                    ui.label("已安装").on_hover_text(dir.display().to_string());
                    if ui.button("删除").on_hover_text(format!("删除插件 {}", manifest.id)).clicked() {
                        state.confirm_remove = Some(manifest.id.clone());
                    }
                }
                Source::External(dir) => {
                    ui.label("开发目录").on_hover_text(dir.display().to_string());
                    ui.label("");
                }
            }
            ui.end_row();
        }
    });
    for (id, error) in &catalog.broken {
        widgets::error_text_ui(ui, &format!("未加载 {id}：{error}"));
    }
    if let Some(id) = state.confirm_remove.clone() {
        widgets::warning_text_ui(ui, &format!("确定删除插件 {id}？"));
        ui.horizontal(|ui| {
            if ui.button("确定删除").clicked() {
                commands.push(Command::RemovePlugin(id));
                state.confirm_remove = None;
            }
            if ui.button("取消").clicked() {
                state.confirm_remove = None;
            }
        });
    }
    ui.separator();
    ui.heading("开发目录");
    ui.label("插件作者：选择 `zhibu plugin build` 生成的插件文件夹，其中的 wasm 一变化就自动重新加载。");
    ui.horizontal(|ui| {
        match state.dev_folder() {
            Some(folder) => {
                ui.label(format!("正在监视：{}", folder.display()));
                if ui.button("停止监视").clicked() {
                    commands.push(Command::WatchDevFolder(None));
                }
            }
            None => {
                ui.label("未设置");
            }
        }
        if ui.button("选择开发目录……").clicked() {
            commands.push(Command::Pick(Dialog::Folder { title: "选择插件开发目录" }, Then::WatchDevFolder));
        }
    });
}

impl State {
    /// Asks for consent to install the package the worker read, or says why it cannot be read.
    pub fn package_read(&mut self, path: PathBuf, manifest: Result<Box<Manifest>, String>) {
        match manifest {
            Ok(manifest) => {
                self.error = None;
                self.pending_install = Some((path, *manifest));
            }
            Err(error) => self.error = Some(format!("无法读取插件包：{error}")),
        }
    }
}

fn permissions_text(manifest: &Manifest) -> String {
    let labels: Vec<&str> = manifest.granted().into_iter().map(package::permission_label).collect();
    if labels.is_empty() { "（不读取记录）".to_owned() } else { labels.join("、") }
}

/// Asks the user to consent to a package's permissions before it is installed.
pub fn consent_dialog_ui(ctx: &egui::Context, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let Some((path, manifest)) = &workspace.plugins.pending_install else { return };
    let mut answer = None;
    egui::Modal::new(egui::Id::unique("install-consent")).show(ctx, |ui| {
        ui.heading(format!("安装插件“{}”？", manifest.name));
        ui.label(format!("标识 {}，版本 {}，接口版本 {}", manifest.id, manifest.version, manifest.api_version));
        ui.label(RichText::new("它将可以读取以下记录：").strong());
        for kind in manifest.granted() {
            let line = format!("• {}", package::permission_label(kind));
            if kind == zhibu_report::plugin_host::RecordKind::Committee {
                // Reading every branch's records is a different order of trust: say so plainly.
                ui.label(RichText::new(line).strong().color(ui.visuals().warn_fg_color));
            } else {
                ui.label(line);
            }
        }
        ui.label("插件在沙箱中运行：不能读写文件、访问网络或直接打开数据库。");
        ui.horizontal(|ui| {
            if ui.button("同意并安装").clicked() {
                answer = Some(true);
            }
            if ui.button("取消").clicked() {
                answer = Some(false);
            }
        });
    });
    if let Some(yes) = answer {
        if yes {
            commands.push(Command::InstallPlugin(path.clone()));
        }
        workspace.plugins.pending_install = None;
    }
}
