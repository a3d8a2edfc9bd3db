//! The window's state and its two halves: [`App::logic`] applies the [`Command`]s the screens
//! emitted last frame (through [`Workspace::apply`]) and [`App::ui`] draws the navigation, the
//! current screen and any dialog. Opening the database (lock, integrity check, daily backup,
//! templates) happens here; the commands live in `command.rs`, the loaded records in
//! `workspace.rs`, the screenshot tour in `tour.rs` and the dialogs in `dialogs.rs`.

use super::command::Command;
use super::dialogs::problem_ui;
use super::picker::Pickers;
use super::tour::Tour;
use super::worker::{Task, Worker};
use super::workspace::{Data, Paths, Workspace};
use super::{
    audit, dashboard, dues, meetings, members, orgs, plugins, reporting, reports, reviews, settings, volunteer, widgets,
};
use chrono::Datelike;
use egui::{Key, KeyboardShortcut, Modifiers};
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use zhibu_core::rules::RuleSet;
use zhibu_core::store::InstanceLock;

/// The screens of the navigation bar, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    /// 首页: the compliance dashboard.
    Dashboard,
    /// 组织: the organization tree and committee terms.
    Organizations,
    /// 党员: the roster.
    Members,
    /// 会议: meetings and their editor.
    Meetings,
    /// 评议: duty reviews, appraisals, star ratings.
    Reviews,
    /// 志愿服务.
    Volunteer,
    /// 党费: bases, payments, arrears.
    Dues,
    /// 报表: templates, preview, export.
    Reports,
    /// 上级报送: registration, the committee's connection file, push, package, feedback.
    Reporting,
    /// 插件: installed templates.
    Plugins,
    /// 审计: the audit log and the trash.
    Audit,
    /// 设置.
    Settings,
}

impl Screen {
    /// Every screen, in navigation order.
    pub const ALL: [Screen; 12] = [
        Self::Dashboard,
        Self::Organizations,
        Self::Members,
        Self::Meetings,
        Self::Reviews,
        Self::Volunteer,
        Self::Dues,
        Self::Reports,
        Self::Reporting,
        Self::Plugins,
        Self::Audit,
        Self::Settings,
    ];

    /// The navigation label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Dashboard => "首页",
            Self::Organizations => "组织",
            Self::Members => "党员",
            Self::Meetings => "会议",
            Self::Reviews => "评议",
            Self::Volunteer => "志愿服务",
            Self::Dues => "党费",
            Self::Reports => "报表",
            Self::Reporting => "上级报送",
            Self::Plugins => "插件",
            Self::Audit => "审计",
            Self::Settings => "设置",
        }
    }
}

/// A message shown in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text, in Chinese.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
}

/// Why the window shows no workspace.
pub enum Problem {
    /// The database failed its integrity check; the newest good backup, if any, is offered.
    Damaged {
        /// The message.
        message: String,
        /// The backup to restore from.
        backup: Option<PathBuf>,
    },
    /// Another instance has the database open, or it cannot be opened at all.
    Unavailable(String),
}

/// What a restore ends with: the name the replaced file was kept under, if there was one.
/// A restore's outcome: what came back, or why not and whether the backup wants a passphrase.
type RestoreResult = Result<zhibu_core::store::RestoreSummary, (String, bool)>;

/// What the passphrase dialog is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassphraseFor {
    /// A backup written outside the data folder: set (typed twice).
    Backup,
    /// An encrypted backup to restore: typed once.
    Restore,
}

/// The passphrase dialog: the file, what for, what was typed, why the last try failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassphrasePrompt {
    /// The backup file.
    pub file: PathBuf,
    /// Backing up or restoring.
    pub purpose: PassphraseFor,
    /// The passphrase typed.
    pub first: String,
    /// Typed again (backups only).
    pub second: String,
    /// Why the last try failed.
    pub error: Option<String>,
}

/// The window's state.
pub struct App {
    /// Where files live.
    pub paths: Paths,
    /// The open workspace, or why there is none.
    pub state: Result<Box<Workspace>, Problem>,
    /// The screen shown.
    pub screen: Screen,
    /// Commands emitted while drawing, applied by the next `logic`.
    pub commands: Vec<Command>,
    /// The status-bar message.
    pub notice: Option<Notice>,
    /// Navigation waiting for the user to confirm discarding unsaved changes.
    pub guard: Option<Screen>,
    /// The first-start dialog (empty database: offer the demo data).
    pub offer_demo: bool,
    /// The operator-name dialog (asked once, then kept in the settings).
    pub ask_operator: Option<String>,
    /// Screens still to photograph, and where.
    pub(super) tour: Option<Tour>,
    /// Native file dialogs open on their own threads.
    pickers: Pickers,
    /// A frame has been drawn.
    drawn: bool,
    /// A restore running on its own thread: the backup, and where its result arrives.
    /// The backup being restored, where the result arrives, and the operator to reopen with.
    restoring: Option<(PathBuf, Receiver<RestoreResult>, Option<String>)>,
    /// The passphrase dialog, when a backup or a restore waits for one.
    pub ask_passphrase: Option<PassphrasePrompt>,
}

impl App {
    /// Opens the database at `paths.db` (creating an empty one on first start), checks it,
    /// takes today's automatic backup and loads the templates. Problems become a dialog, not a crash.
    pub fn open(paths: Paths, operator: Option<String>) -> Self {
        let mut app = Self {
            paths,
            state: Err(Problem::Unavailable(String::new())),
            screen: Screen::Dashboard,
            commands: Vec::new(),
            notice: None,
            guard: None,
            offer_demo: false,
            ask_operator: None,
            tour: None,
            pickers: Pickers::default(),
            drawn: false,
            restoring: None,
            ask_passphrase: None,
        };
        app.state = app.open_workspace(operator, false);
        app
    }

    /// `restored`: the file was just restored from a backup (no automatic backup of it is due).
    fn open_workspace(&mut self, operator: Option<String>, restored: bool) -> Result<Box<Workspace>, Problem> {
        if let Some(dir) = self.paths.db.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(error) = std::fs::create_dir_all(dir)
        {
            return Err(Problem::Unavailable(format!("无法创建数据目录（{error}）：{}", dir.display())));
        }
        let lock = InstanceLock::acquire(&self.paths.db).map_err(|e| Problem::Unavailable(e.to_string()))?;
        let first_start = restored || !self.paths.db.exists();
        let year = chrono::Local::now().year();
        let rules = RuleSet::default();
        // Opening the database (its integrity check), today's backup, the templates and the first
        // load happen on the worker, after the first frame: the window shows at once and says what
        // it is preparing; a damaged file turns into the restore page when the check says so.
        let worker = Worker::start(self.paths.clone(), rules.clone());
        let given = operator.clone().filter(|o| !o.trim().is_empty());
        Ok(Box::new(Workspace {
            worker,
            opening: Some(Task::Open { first_start, year, operator: given.clone() }),
            ask_operator: false,
            unopened: None,
            _lock: lock,
            operator: given.unwrap_or_default(),
            loading: true,
            rules,
            catalog: None,
            catalog_error: None,
            data: Data::default(),
            year,
            members: members::State::default(),
            meetings: meetings::State::default(),
            reviews: reviews::State::default(),
            volunteer: volunteer::State::default(),
            dues: dues::State::default(),
            reports: reports::State::default(),
            reporting: reporting::State::default(),
            imports: Default::default(),
            plugins: plugins::State::default(),
            settings: settings::State::default(),
            orgs: orgs::State::default(),
            audit: audit::State::default(),
            dashboard: dashboard::State::default(),
            job: None,
            undo: None,
        }))
    }

    /// Whether the worker or a report job is still busy (tests and the screenshot tour wait for it).
    pub fn is_busy(&self) -> bool {
        self.restoring.is_some() || self.workspace().is_some_and(Workspace::is_busy)
    }

    /// The workspace, when the database is open.
    pub fn workspace(&self) -> Option<&Workspace> {
        self.state.as_ref().ok().map(|w| &**w)
    }

    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        if let Command::Navigate(screen) = command {
            if self.has_unsaved_changes() && screen != self.screen {
                self.guard = Some(screen);
            } else {
                self.screen = screen;
            }
            // 上级报送 reads where the branches stand each time it is opened (a branch added since).
            if screen == Screen::Reporting
                && let Ok(workspace) = &mut self.state
            {
                workspace.reporting.requested = false;
            }
            return;
        }
        if let Command::OpenReport(template, params) = command {
            let Ok(workspace) = &mut self.state else { return };
            let Some(catalog) = workspace.catalog.clone() else {
                self.notice = Some(failure("报表模板尚在加载，请稍后再试"));
                return;
            };
            let (data, year) = (&workspace.data, workspace.year);
            let Some(mut request) = reports::select_template(&mut workspace.reports, &catalog, &template, data, year)
            else {
                self.notice = Some(failure(format!("没有找到模板：{template}")));
                return;
            };
            for (key, value) in params {
                request.params.retain(|(k, _)| *k != key);
                request.params.push((key.clone(), value.clone()));
                workspace.reports.values.insert(key, value);
            }
            self.screen = Screen::Reports;
            self.apply(ctx, Command::StartJob(request));
            return;
        }
        if let Command::DiscardAndNavigate(screen) = command {
            if let Ok(workspace) = &mut self.state {
                workspace.members.discard();
                workspace.meetings.discard();
            }
            self.guard = None;
            self.screen = screen;
            return;
        }
        if let Command::Pick(dialog, then) = command {
            self.pickers.open(ctx, dialog, then);
            return;
        }
        if let Command::Restore(backup) = command {
            self.restore(ctx, &backup, None);
            return;
        }
        if let Command::RestoreWith(backup, passphrase) = command {
            self.restore(ctx, &backup, Some(passphrase.0));
            return;
        }
        // A backup leaving the data folder is encrypted: the passphrase is asked for first.
        if let Command::BackupTo(target) = &command
            && zhibu_core::services::backup::needs_passphrase(&self.paths.db, target)
        {
            self.ask_passphrase = Some(PassphrasePrompt {
                file: target.clone(),
                purpose: PassphraseFor::Backup,
                first: String::new(),
                second: String::new(),
                error: None,
            });
            return;
        }
        let Ok(workspace) = &mut self.state else { return };
        let result = workspace.apply(ctx, command, &self.paths);
        match result {
            Ok(Some(text)) => self.notice = Some(info(text)),
            Ok(None) => {}
            Err(text) => self.notice = Some(failure(text)),
        }
    }

    /// Closes the database (the worker's thread is joined and the lock released before the file is
    /// replaced), then checks and copies the backup on a thread of its own; `logic` reopens the
    /// database when it is done.
    fn restore(&mut self, ctx: &egui::Context, backup: &std::path::Path, passphrase: Option<String>) {
        // The operator stays the one working now (a name given with --operator is not saved).
        let operator = self.workspace().map(|w| w.operator.clone()).filter(|o| !o.trim().is_empty());
        self.state = Err(Problem::Unavailable("正在恢复……".into()));
        let (sender, receiver) = std::sync::mpsc::channel();
        let (db, from, wake) = (self.paths.db.clone(), backup.to_owned(), ctx.clone());
        let started = std::thread::Builder::new().name("restore".into()).spawn(move || {
            let result = zhibu_core::services::backup::restore(&db, &from, passphrase.as_deref()).map_err(|e| {
                let ask = matches!(e, zhibu_core::services::ServiceError::Passphrase { .. });
                (e.to_string(), ask)
            });
            // The window may have closed meanwhile.
            let _ = sender.send(result);
            wake.request_repaint();
        });
        match started {
            Ok(_) => self.restoring = Some((backup.to_owned(), receiver, operator)),
            Err(error) => {
                self.state = self.open_workspace(None, false);
                self.notice = Some(failure(format!("恢复失败：{error}")));
            }
        }
    }

    /// Reopens the database once a restore has finished.
    fn poll_restore(&mut self) {
        let Some((backup, receiver, operator)) = &self.restoring else { return };
        let result = match receiver.try_recv() {
            Ok(result) => result,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(("恢复线程意外结束".into(), false)),
        };
        let (backup, operator) = (backup.clone(), operator.clone());
        self.restoring = None;
        self.state = self.open_workspace(operator, result.is_ok());
        self.notice = Some(match result {
            Ok(summary) => info(zhibu_core::services::backup::restore_text(&backup, &summary)),
            Err((error, ask)) => {
                if ask {
                    // An encrypted backup: ask for its passphrase (again, after a wrong one).
                    self.ask_passphrase = Some(PassphrasePrompt {
                        file: backup.clone(),
                        purpose: PassphraseFor::Restore,
                        first: String::new(),
                        second: String::new(),
                        error: Some(error.clone()),
                    });
                }
                failure(format!("恢复失败：{error}"))
            }
        });
    }

    /// Whether the form on the current screen has changes not yet saved.
    pub fn has_unsaved_changes(&self) -> bool {
        self.workspace().is_some_and(|w| match self.screen {
            Screen::Members => w.members.is_dirty(),
            Screen::Meetings => w.meetings.is_dirty(),
            _ => false,
        })
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let save = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
        let new = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
        let search = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
        let undo = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
        let (save, new, search, undo) = ctx.input_mut(|i| {
            (
                i.consume_shortcut(&save),
                i.consume_shortcut(&new),
                i.consume_shortcut(&search),
                i.consume_shortcut(&undo),
            )
        });
        let screen = self.screen;
        let Ok(workspace) = &mut self.state else { return };
        if save {
            match screen {
                Screen::Members => workspace.members.request_save(&mut self.commands),
                Screen::Meetings => workspace.meetings.request_save(&mut self.commands),
                _ => {}
            }
        }
        if new {
            match screen {
                Screen::Members => workspace.members.new_form(&workspace.data),
                Screen::Meetings => workspace.meetings.new_form(&workspace.data, workspace.year),
                _ => {}
            }
        }
        if search {
            ctx.memory_mut(|m| m.request_focus(egui::Id::unique(widgets::SEARCH_ID).with(screen)));
        }
        if undo && workspace.undo.is_some() {
            self.commands.push(Command::UndoDelete);
        }
    }
}

/// An information notice.
pub fn info(text: impl Into<String>) -> Notice {
    Notice { text: text.into(), error: false }
}

/// A failure notice.
pub fn failure(text: impl Into<String>) -> Notice {
    Notice { text: text.into(), error: true }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.shortcuts(ctx);
        self.poll_restore();
        let chosen = self.pickers.poll();
        self.commands.extend(chosen);
        for command in std::mem::take(&mut self.commands) {
            self.apply(ctx, command);
        }
        apply_theme(ctx, self.workspace().map_or("system", |w| w.data.theme.as_str()));
        if let Ok(workspace) = &mut self.state {
            workspace.worker.wake(ctx);
            // The opening work starts once the first frame is on screen, so it does not compete
            // with the window's own start for the machine's cores.
            if self.drawn
                && let Some(task) = workspace.opening.take()
            {
                workspace.worker.send(task);
            }
            for result in workspace.poll(&mut self.offer_demo, &self.paths) {
                self.notice = Some(match result {
                    Ok(text) => info(text),
                    Err(text) => failure(text),
                });
            }
            if std::mem::take(&mut workspace.ask_operator) && self.tour.is_none() {
                self.ask_operator = Some(String::new());
            }
            if workspace.is_busy() || workspace.plugins.watching() {
                // The worker wakes the window when a task ends; this also keeps a progress count moving.
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
        }
        if let Ok(workspace) = &mut self.state
            && let Some(problem) = workspace.unopened.take()
        {
            // Closing the workspace joins the worker and releases the lock: the file is left alone.
            self.state = Err(problem);
            self.offer_demo = false;
            self.ask_operator = None;
        }
        self.tour_step(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let commands = &mut self.commands;
        egui::Panel::top("top").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("支部工作台");
                if let Ok(workspace) = &self.state {
                    ui.separator();
                    ui.label(if workspace.data.unit_name.is_empty() {
                        "（未设置单位名称）"
                    } else {
                        &workspace.data.unit_name
                    });
                    ui.separator();
                    widgets::year_picker_ui(ui, workspace.year, commands);
                    ui.separator();
                    ui.label(format!("操作员：{}", workspace.operator));
                    if workspace.undo.is_some() && ui.button("撤销删除").clicked() {
                        commands.push(Command::UndoDelete);
                    }
                }
            });
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                if let Ok(workspace) = &self.state
                    && let Some((label, cancellable, (done, total))) = workspace.worker.current()
                {
                    ui.spinner();
                    ui.label(if total > 0 { format!("{label}（{done}/{total}）") } else { format!("{label}……") });
                    if cancellable && ui.button("取消导入").clicked() {
                        commands.push(Command::CancelTask);
                    }
                    ui.separator();
                }
                match &self.notice {
                    Some(notice) if notice.error => {
                        ui.colored_label(ui.visuals().error_fg_color, &notice.text);
                    }
                    Some(notice) => {
                        ui.label(&notice.text);
                    }
                    None => {
                        ui.label("就绪");
                    }
                }
            });
        });
        egui::Panel::left("nav").resizable(false).exact_size(120.0).show(ui, |ui| {
            ui.add_space(8.0);
            for screen in Screen::ALL {
                let selected = self.screen == screen;
                let button = egui::Button::selectable(selected, screen.label()).min_size(egui::vec2(104.0, 34.0));
                if ui.add_enabled(self.state.is_ok(), button).clicked() && !selected {
                    commands.push(Command::Navigate(screen));
                }
            }
        });
        egui::CentralPanel::default().show(ui, |ui| match &mut self.state {
            Err(problem) => problem_ui(ui, problem, &self.paths, commands),
            Ok(workspace) => match self.screen {
                Screen::Dashboard => dashboard::dashboard_ui(ui, workspace, commands),
                Screen::Organizations => orgs::orgs_ui(ui, workspace, commands),
                Screen::Members => members::members_ui(ui, workspace, commands),
                Screen::Meetings => meetings::meetings_ui(ui, workspace, commands),
                Screen::Reviews => reviews::reviews_ui(ui, workspace, commands),
                Screen::Volunteer => volunteer::volunteer_ui(ui, workspace, commands),
                Screen::Dues => dues::dues_ui(ui, workspace, commands),
                Screen::Reports => reports::reports_ui(ui, workspace, commands),
                Screen::Reporting => reporting::reporting_ui(ui, workspace, commands),
                Screen::Plugins => plugins::plugins_ui(ui, workspace, commands),
                Screen::Audit => audit::audit_ui(ui, workspace, commands),
                Screen::Settings => settings::settings_ui(ui, workspace, &self.paths, commands),
            },
        });
        self.dialogs_ui(ui);
        self.drawn = true;
    }
}

/// Follows the theme setting: the system's (light when the system does not say, as on most
/// office desktops and under a bare X server), or light or dark as chosen.
pub(super) fn apply_theme(ctx: &egui::Context, setting: &str) {
    let wanted = match setting {
        "light" => egui::ThemePreference::Light,
        "dark" => egui::ThemePreference::Dark,
        _ => egui::ThemePreference::System,
    };
    let (current, fallback) = ctx.options(|o| (o.theme_preference, o.fallback_theme));
    if fallback != egui::Theme::Light {
        ctx.options_mut(|o| o.fallback_theme = egui::Theme::Light);
    }
    if current != wanted {
        ctx.set_theme(wanted);
    }
}
