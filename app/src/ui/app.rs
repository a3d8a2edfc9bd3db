//! The application state and its two halves: [`App::logic`] applies the [`Command`]s the
//! screens emitted last frame (store writes, services, background jobs) and [`App::ui`] draws
//! the navigation, the current screen and any dialog.

use super::jobs::{Job, JobOutcome, JobRequest};
use super::{dashboard, meetings, members, orgs, plugins, reports, reviews, settings, volunteer};
use crate::domain::{
    ActivityId, DutyReview, Meeting, MeetingId, Member, MemberAppraisal, MemberId, OrgId, Organization, RatingScheme,
    SchemeId, StarRating, Stored, VolunteerActivity,
};
use crate::rules::RuleSet;
use crate::services::compliance::{self, ComplianceReport};
use crate::services::report::Catalog;
use crate::store::{InstanceLock, MeetingFilter, Store, StoreError};
use chrono::{Datelike, NaiveDate};
use egui::{Key, KeyboardShortcut, Modifiers};
use std::path::PathBuf;
use std::sync::Arc;

/// Where the window keeps its files.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The database.
    pub db: PathBuf,
    /// Installed plugin packages.
    pub plugins_dir: PathBuf,
    /// Compiled plugin components.
    pub cache_dir: PathBuf,
    /// Automatic daily backups.
    pub backup_dir: PathBuf,
}

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
    /// 报表: templates, preview, export.
    Reports,
    /// 插件: installed templates.
    Plugins,
    /// 设置.
    Settings,
}

impl Screen {
    /// Every screen, in navigation order.
    pub const ALL: [Screen; 9] = [
        Self::Dashboard,
        Self::Organizations,
        Self::Members,
        Self::Meetings,
        Self::Reviews,
        Self::Volunteer,
        Self::Reports,
        Self::Plugins,
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
            Self::Reports => "报表",
            Self::Plugins => "插件",
            Self::Settings => "设置",
        }
    }
}

/// Something a screen asks for; [`App::logic`] carries it out next frame.
#[derive(Debug)]
pub enum Command {
    /// Go to a screen (asks first when the current form has unsaved changes).
    Navigate(Screen),
    /// Leave the current screen even though its form has unsaved changes.
    DiscardAndNavigate(Screen),
    /// Create (`id` None) or update a member.
    SaveMember(Option<MemberId>, Box<Member>),
    /// Delete a member (undoable until the next delete).
    DeleteMember(MemberId),
    /// Create or update a draft meeting; `finalize` locks it afterwards.
    SaveMeeting(Option<MeetingId>, Box<Meeting>, bool),
    /// Delete a draft meeting (undoable).
    DeleteMeeting(MeetingId),
    /// Ask for a file with the native dialog and attach it to the meeting being edited.
    PickAttachment,
    /// Restore what the last delete removed.
    UndoDelete,
    /// Create an organization.
    SaveOrganization(Box<Organization>),
    /// Record a duty review.
    SaveDutyReview(Box<DutyReview>),
    /// Record a member appraisal.
    SaveAppraisal(Box<MemberAppraisal>),
    /// Record a star rating.
    SaveStarRating(Box<StarRating>),
    /// Record a volunteer activity.
    SaveVolunteer(Box<VolunteerActivity>),
    /// Fill the empty database with the demo set.
    LoadDemo,
    /// Change the year the screens show.
    SetYear(i32),
    /// Set the operator name recorded in the audit log.
    SetOperator(String),
    /// Set the unit name printed on documents.
    SetUnitName(String),
    /// Start rendering a report in the background.
    StartJob(JobRequest),
    /// Cancel the running job.
    CancelJob,
    /// Install a plugin package (folder or zip) the user consented to.
    InstallPlugin(PathBuf),
    /// Remove an installed plugin.
    RemovePlugin(String),
    /// Watch a developer folder and reload its plugin when the wasm changes.
    WatchDevFolder(Option<PathBuf>),
    /// Back up now to a file chosen with the save dialog.
    BackupNow,
    /// Restore the database from a backup file (the window reopens it).
    Restore(PathBuf),
    /// Import a roster file (`dry_run` only reports).
    ImportMembers(PathBuf, bool),
}

/// A message shown in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text, in Chinese.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
}

/// What the last delete removed, so it can be put back.
#[derive(Debug, Clone)]
pub enum Undo {
    /// A member.
    Member(Box<Member>),
    /// A draft meeting.
    Meeting(Box<Meeting>),
}

/// Records loaded for the screens; reloaded after every change.
#[derive(Default)]
pub struct Data {
    /// The organization tree.
    pub orgs: Vec<Stored<OrgId, Organization>>,
    /// The roster.
    pub members: Vec<Stored<MemberId, Member>>,
    /// The year's meetings (summaries: attendance and resolutions).
    pub meetings: Vec<Stored<MeetingId, Meeting>>,
    /// The year's compliance for every branch.
    pub compliance: Option<ComplianceReport>,
    /// The year's duty reviews.
    pub duty_reviews: Vec<Stored<crate::domain::ReviewId, DutyReview>>,
    /// The year's appraisals.
    pub appraisals: Vec<Stored<crate::domain::AppraisalId, MemberAppraisal>>,
    /// Rating schemes (provided by plugins).
    pub schemes: Vec<Stored<SchemeId, RatingScheme>>,
    /// The year's star ratings, by scheme.
    pub ratings: Vec<Stored<crate::domain::RatingId, StarRating>>,
    /// The year's volunteer activities.
    pub volunteer: Vec<Stored<ActivityId, VolunteerActivity>>,
    /// The unit name setting.
    pub unit_name: String,
    /// Each organization's committee members (its newest term's role holders).
    pub committees: std::collections::HashMap<OrgId, Vec<MemberId>>,
}

impl Data {
    /// The name of organization `id`, or its number when unknown.
    pub fn org_name(&self, id: OrgId) -> String {
        self.orgs.iter().find(|o| o.id == id).map_or_else(|| format!("组织{}", id.0), |o| o.record.name.clone())
    }

    /// The name of member `id`.
    pub fn member_name(&self, id: MemberId) -> String {
        self.members.iter().find(|m| m.id == id).map_or_else(|| format!("党员{}", id.0), |m| m.record.name.clone())
    }

    /// The branches as choices for a combo box.
    pub fn branch_choices(&self) -> Vec<(Option<OrgId>, String)> {
        self.branches().map(|b| (Some(b.id), b.record.name.clone())).collect()
    }

    /// The members of `branch` as choices for a combo box.
    pub fn member_choices(&self, branch: Option<OrgId>) -> Vec<(Option<MemberId>, String)> {
        self.members
            .iter()
            .filter(|m| Some(m.record.branch) == branch)
            .map(|m| (Some(m.id), m.record.name.clone()))
            .collect()
    }

    /// Branches (not committees or groups), by id.
    pub fn branches(&self) -> impl Iterator<Item = &Stored<OrgId, Organization>> {
        self.orgs.iter().filter(|o| o.record.kind == crate::domain::OrgKind::Branch)
    }
}

/// The open workspace: database, rules, templates and the per-screen state.
pub struct Workspace {
    /// The database.
    pub store: Store,
    /// Held while the window is open: a second instance is told, not let in.
    _lock: InstanceLock,
    /// The rules in force.
    pub rules: RuleSet,
    /// Templates; shared with a running job.
    pub catalog: Option<Arc<Catalog>>,
    /// Why the templates could not be loaded.
    pub catalog_error: Option<String>,
    /// The loaded records.
    pub data: Data,
    /// The year the screens show.
    pub year: i32,
    /// Per-screen state.
    pub members: members::State,
    /// Meeting list and editor.
    pub meetings: meetings::State,
    /// Review forms.
    pub reviews: reviews::State,
    /// Volunteer form.
    pub volunteer: volunteer::State,
    /// Template form, preview and job.
    pub reports: reports::State,
    /// Plugin manager.
    pub plugins: plugins::State,
    /// Settings form.
    pub settings: settings::State,
    /// New-organization form.
    pub orgs: orgs::State,
    /// Dashboard filters.
    pub dashboard: dashboard::State,
    /// The background job, if one runs.
    pub job: Option<Job>,
    /// The last delete, for 撤销.
    pub undo: Option<Undo>,
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
    tour: Option<Tour>,
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
        };
        app.state = app.open_workspace(operator);
        app
    }

    fn open_workspace(&mut self, operator: Option<String>) -> Result<Box<Workspace>, Problem> {
        if let Some(dir) = self.paths.db.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(error) = std::fs::create_dir_all(dir)
        {
            return Err(Problem::Unavailable(format!("无法创建数据目录（{error}）：{}", dir.display())));
        }
        let lock = InstanceLock::acquire(&self.paths.db).map_err(|e| Problem::Unavailable(e.to_string()))?;
        let first_start = !self.paths.db.exists();
        let mut store = match Store::open(&self.paths.db, operator.as_deref().unwrap_or("")) {
            Ok(store) => store,
            Err(error @ StoreError::Damaged { .. }) => {
                return Err(Problem::Damaged {
                    message: error.to_string(),
                    backup: crate::services::backup::newest_good(&self.paths.backup_dir),
                });
            }
            Err(error) => return Err(Problem::Unavailable(error.to_string())),
        };
        let saved_operator = store.setting("operator").ok().flatten().filter(|s| !s.trim().is_empty());
        match (operator, saved_operator) {
            (Some(given), _) if !given.trim().is_empty() => store.set_operator(&given),
            (_, Some(saved)) => store.set_operator(&saved),
            _ => self.ask_operator = Some(String::new()),
        }
        if !first_start {
            let today = chrono::Local::now().date_naive();
            match crate::services::backup::automatic(&store, &self.paths.backup_dir, today, 7) {
                Ok(Some(path)) => self.notice = Some(info(format!("已自动备份：{}", path.display()))),
                Ok(None) => {}
                Err(error) => self.notice = Some(failure(format!("自动备份失败：{error}"))),
            }
        }
        let host = crate::plugin_host::PluginHost::new(
            crate::plugin_host::Limits::default(),
            Some(self.paths.cache_dir.clone()),
        );
        let (catalog, catalog_error) = match host
            .map_err(crate::services::ServiceError::from)
            .and_then(|host| Catalog::load(host, Some(&self.paths.plugins_dir)))
        {
            Ok(mut catalog) => {
                if let Err(error) = crate::services::report::sync_schemes(&mut store, &catalog) {
                    catalog.broken.push((String::new(), crate::plugin_host::PluginError::Engine(error.to_string())));
                }
                (Some(Arc::new(catalog)), None)
            }
            Err(error) => (None, Some(error.to_string())),
        };
        let year = chrono::Local::now().year();
        let mut workspace = Box::new(Workspace {
            store,
            _lock: lock,
            rules: RuleSet::default(),
            catalog,
            catalog_error,
            data: Data::default(),
            year,
            members: members::State::default(),
            meetings: meetings::State::default(),
            reviews: reviews::State::default(),
            volunteer: volunteer::State::default(),
            reports: reports::State::default(),
            plugins: plugins::State::default(),
            settings: settings::State::default(),
            orgs: orgs::State::default(),
            dashboard: dashboard::State::default(),
            job: None,
            undo: None,
        });
        if let Err(error) = workspace.reload() {
            self.notice = Some(failure(error));
        }
        self.offer_demo = workspace.data.orgs.is_empty();
        workspace.settings.load(&workspace.data, workspace.store.operator(), &self.paths);
        Ok(workspace)
    }

    /// Photographs each screen into `dir` (PNG), then closes the window.
    /// `started` is when the program started; the time to the first frame is printed from it.
    pub fn start_screenshot_tour(&mut self, dir: PathBuf, started: Option<std::time::Instant>) {
        // Taken from the end: the screens in navigation order, then the editor and the preview.
        let mut screens = vec![TourShot::ReportPreview, TourShot::MeetingEditor];
        screens.extend(Screen::ALL.iter().rev().map(|s| TourShot::Screen(*s)));
        self.offer_demo = false;
        self.ask_operator = None;
        self.tour = Some(Tour { dir, screens, frames: 0, shot: Arc::default(), started, drawn: 0, prepared: false });
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
        if let Command::Restore(backup) = command {
            self.restore(&backup);
            return;
        }
        let Ok(workspace) = &mut self.state else { return };
        let result = workspace.apply(ctx, command, &self.paths, &mut self.offer_demo);
        match result {
            Ok(Some(text)) => self.notice = Some(info(text)),
            Ok(None) => {}
            Err(text) => self.notice = Some(failure(text)),
        }
    }

    fn restore(&mut self, backup: &std::path::Path) {
        // Close the database (and release the lock) before its file is replaced.
        self.state = Err(Problem::Unavailable("正在恢复……".into()));
        let result = crate::services::backup::restore(&self.paths.db, backup);
        let operator = None;
        self.state = self.open_workspace(operator);
        self.notice = Some(match result {
            Ok(Some(kept)) => info(format!("已从 {} 恢复；被替换的文件保留为 {}", backup.display(), kept.display())),
            Ok(None) => info(format!("已从 {} 恢复", backup.display())),
            Err(error) => failure(format!("恢复失败：{error}")),
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

    fn tour_step(&mut self, ctx: &egui::Context) {
        let Some(tour) = &mut self.tour else { return };
        // The second `logic` call comes after the first frame was drawn and presented.
        tour.drawn += 1;
        if tour.drawn == 2
            && let Some(started) = tour.started
        {
            eprintln!("首帧用时：{:.0} 毫秒", started.elapsed().as_secs_f64() * 1000.0);
        }
        // The picture arrives through the callback some frames after it was asked for.
        let shot = tour.shot.lock().ok().and_then(|mut slot| slot.take());
        if let Some(image) = shot {
            let name = match tour.screens.last() {
                Some(TourShot::Screen(screen)) => {
                    let number = Screen::ALL.iter().position(|s| s == screen).map_or(0, |i| i + 1);
                    format!("{number:02}-{}.png", screen_file(*screen))
                }
                Some(TourShot::MeetingEditor) => "10-meeting-editor.png".to_owned(),
                Some(TourShot::ReportPreview) | None => "11-report-preview.png".to_owned(),
            };
            let path = tour.dir.join(name);
            if let Err(error) = save_png(&path, &image) {
                eprintln!("截图保存失败（{error}）：{}", path.display());
            }
            tour.screens.pop();
            tour.frames = 0;
            tour.prepared = false;
            if tour.screens.is_empty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                self.tour = None;
                return;
            }
        }
        let Some(next) = tour.screens.last().copied() else { return };
        if !tour.prepared {
            tour.prepared = true;
            self.screen = next.screen();
            if let Ok(workspace) = &mut self.state {
                match next {
                    TourShot::Screen(_) => {}
                    TourShot::MeetingEditor => workspace.meetings.new_form(&workspace.data, workspace.year),
                    TourShot::ReportPreview => {
                        if let Some(catalog) = workspace.catalog.clone()
                            && let Some(request) = reports::select_template(
                                &mut workspace.reports,
                                &catalog,
                                "duty-review",
                                &workspace.data,
                                workspace.year,
                            )
                        {
                            self.commands.push(Command::StartJob(request));
                        }
                    }
                }
            }
        }
        // A preview waits for its job.
        let busy = self.state.as_ref().is_ok_and(|w| w.job.is_some()) || !self.commands.is_empty();
        if !busy {
            tour.frames += 1;
        }
        // Let the screen settle (layout, fonts, plots) before asking for its picture.
        if tour.frames == 8 {
            let slot = tour.shot.clone();
            ctx.request_screenshot(move |image| {
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some(image);
                }
            });
        }
        ctx.request_repaint();
    }
}

/// One picture of the `--screenshots` tour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TourShot {
    /// A screen as it opens.
    Screen(Screen),
    /// The meeting editor with a new meeting.
    MeetingEditor,
    /// The report centre showing the duty review's preview.
    ReportPreview,
}

impl TourShot {
    fn screen(self) -> Screen {
        match self {
            Self::Screen(screen) => screen,
            Self::MeetingEditor => Screen::Meetings,
            Self::ReportPreview => Screen::Reports,
        }
    }
}

/// Screens still to photograph for `--screenshots`.
struct Tour {
    dir: PathBuf,
    screens: Vec<TourShot>,
    frames: u32,
    shot: Arc<std::sync::Mutex<Option<Arc<egui::ColorImage>>>>,
    started: Option<std::time::Instant>,
    drawn: u32,
    prepared: bool,
}

fn screen_file(screen: Screen) -> &'static str {
    match screen {
        Screen::Dashboard => "dashboard",
        Screen::Organizations => "organizations",
        Screen::Members => "members",
        Screen::Meetings => "meetings",
        Screen::Reviews => "reviews",
        Screen::Volunteer => "volunteer",
        Screen::Reports => "reports",
        Screen::Plugins => "plugins",
        Screen::Settings => "settings",
    }
}

fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let [width, height] = image.size;
    let mut rgba = Vec::with_capacity(width * height * 4);
    for pixel in &image.pixels {
        rgba.extend_from_slice(&pixel.to_array());
    }
    super::widgets::write_png(path, width as u32, height as u32, &rgba)
}

/// Photos by their extension; everything else is filed as other material (the user can tell a
/// sign-in sheet apart in the editor).
fn attachment_kind(path: &std::path::Path) -> crate::domain::AttachmentKind {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if matches!(extension.as_str(), "jpg" | "jpeg" | "png" | "heic" | "bmp" | "gif" | "webp") {
        crate::domain::AttachmentKind::Photo
    } else {
        crate::domain::AttachmentKind::Other
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

impl Workspace {
    /// Reloads every record the screens show for the selected year.
    pub fn reload(&mut self) -> Result<(), String> {
        let from = NaiveDate::from_ymd_opt(self.year, 1, 1).ok_or("年度无效")?;
        let to = NaiveDate::from_ymd_opt(self.year, 12, 31).ok_or("年度无效")?;
        let store = &self.store;
        let load = || -> Result<Data, crate::services::ServiceError> {
            let today = chrono::Local::now().date_naive();
            let compliance = compliance::run(store, &self.rules, self.year, today, None)?;
            let schemes = store.rating_schemes()?;
            let mut ratings = Vec::new();
            for scheme in &schemes {
                ratings.extend(store.star_ratings(scheme.id, self.year)?);
            }
            let orgs = store.organizations()?;
            let mut committees = std::collections::HashMap::new();
            for org in &orgs {
                let terms = store.terms(org.id)?;
                if let Some(term) = terms.iter().max_by_key(|t| t.record.number) {
                    committees.insert(org.id, term.record.roles.iter().map(|r| r.member).collect());
                }
            }
            Ok(Data {
                orgs,
                committees,
                members: store.members(None)?,
                meetings: store.meetings(&MeetingFilter { summary: true, ..MeetingFilter::between(from, to) })?,
                compliance: Some(compliance),
                duty_reviews: store.duty_reviews(self.year)?,
                appraisals: store.appraisals(self.year)?,
                schemes,
                ratings,
                volunteer: store.volunteer_activities(from, to)?,
                unit_name: store.setting("unit_name")?.unwrap_or_default(),
            })
        };
        let data = load().map_err(|e| format!("读取记录失败：{e}"))?;
        self.data = data;
        self.dashboard.refresh(&self.data);
        self.members.refresh(&self.data);
        Ok(())
    }

    fn catalog(&self) -> Result<Arc<Catalog>, String> {
        self.catalog.clone().ok_or_else(|| {
            format!("报表模板未能加载：{}", self.catalog_error.clone().unwrap_or_else(|| "原因不明".into()))
        })
    }

    /// Carries out one command; returns the status-bar message.
    fn apply(
        &mut self,
        ctx: &egui::Context,
        command: Command,
        paths: &Paths,
        offer_demo: &mut bool,
    ) -> Result<Option<String>, String> {
        let message = match command {
            Command::Navigate(_) | Command::DiscardAndNavigate(_) | Command::Restore(_) => None,
            Command::SaveMember(id, member) => {
                let name = member.name.clone();
                let saved = self.store.write(|w| match id {
                    Some(id) => w.update_member(id, &member).map(|()| id),
                    None => w.create_member(&member),
                });
                let id = saved.map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                self.members.saved(id, &self.data);
                Some(format!("已保存党员：{name}"))
            }
            Command::DeleteMember(id) => {
                let member = self.store.write(|w| w.delete_member(id)).map_err(|e| format!("删除失败：{e}"))?;
                let text = format!("已删除党员：{}（Ctrl+Z 撤销）", member.name);
                self.undo = Some(Undo::Member(Box::new(member)));
                self.members.deleted(id);
                self.reload()?;
                Some(text)
            }
            Command::SaveMeeting(id, meeting, finalize) => {
                let title = meeting.title.clone();
                let saved = self.store.write(|w| {
                    let id = match id {
                        Some(id) => w.update_meeting(id, &meeting).map(|()| id)?,
                        None => w.create_meeting(&meeting)?,
                    };
                    if finalize {
                        w.finalize_meeting(id)?;
                    }
                    Ok::<_, StoreError>(id)
                });
                let id = saved.map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                let full = self.store.meeting(id).map_err(|e| format!("读取会议失败：{e}"))?;
                self.meetings.saved(id, full, &self.data);
                Some(if finalize {
                    format!("已定稿：{title}（此后只能修订）")
                } else {
                    format!("已保存会议：{title}")
                })
            }
            Command::DeleteMeeting(id) => {
                let meeting = self.store.write(|w| w.delete_meeting(id)).map_err(|e| format!("删除失败：{e}"))?;
                let text = format!("已删除会议：{}（Ctrl+Z 撤销）", meeting.title);
                self.undo = Some(Undo::Meeting(Box::new(meeting)));
                self.meetings.deleted(id);
                self.reload()?;
                Some(text)
            }
            Command::PickAttachment => {
                let Some(path) = rfd::FileDialog::new().set_title("选择附件").pick_file() else { return Ok(None) };
                let kind = attachment_kind(&path);
                let attachment = self.store.import_attachment(&path, kind).map_err(|e| format!("附件导入失败：{e}"))?;
                let name = attachment.file_name.clone();
                self.meetings.attach(attachment);
                Some(format!("已添加附件：{name}"))
            }
            Command::UndoDelete => {
                let Some(undo) = self.undo.take() else { return Ok(None) };
                let text = match &undo {
                    Undo::Member(member) => {
                        self.store.write(|w| w.create_member(member)).map_err(|e| format!("撤销失败：{e}"))?;
                        format!("已恢复党员：{}", member.name)
                    }
                    Undo::Meeting(meeting) => {
                        self.store.write(|w| w.create_meeting(meeting)).map_err(|e| format!("撤销失败：{e}"))?;
                        format!("已恢复会议：{}", meeting.title)
                    }
                };
                self.reload()?;
                Some(text)
            }
            Command::SaveOrganization(org) => {
                self.store.write(|w| w.create_organization(&org)).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                *offer_demo = false;
                Some(format!("已添加组织：{}", org.name))
            }
            Command::SaveDutyReview(review) => {
                self.store.write(|w| w.create_duty_review(&review)).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                self.reviews.saved();
                Some("已保存述职评议".into())
            }
            Command::SaveAppraisal(appraisal) => {
                self.store.write(|w| w.create_appraisal(&appraisal)).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                Some("已保存民主评议".into())
            }
            Command::SaveStarRating(rating) => {
                self.store.write(|w| w.create_star_rating(&rating)).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                Some(format!("已保存星级评定：{}", rating.subject_name))
            }
            Command::SaveVolunteer(activity) => {
                self.store.write(|w| w.create_volunteer_activity(&activity)).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                self.volunteer.saved();
                Some(format!("已保存志愿服务：{}", activity.title))
            }
            Command::LoadDemo => {
                let options = crate::services::demo::DemoOptions { last_year: self.year, ..Default::default() };
                let summary = crate::services::demo::generate(&mut self.store, &options)
                    .map_err(|e| format!("演示数据生成失败：{e}"))?;
                if let Some(catalog) = &self.catalog {
                    let _ = crate::services::report::sync_schemes(&mut self.store, catalog);
                }
                self.reload()?;
                *offer_demo = false;
                Some(format!(
                    "已载入演示数据：{} 个党组织、{} 名党员、{} 次会议",
                    summary.organizations, summary.members, summary.meetings
                ))
            }
            Command::SetYear(year) => {
                self.year = year;
                self.reload()?;
                None
            }
            Command::SetOperator(name) => {
                let name = name.trim().to_owned();
                if name.is_empty() {
                    return Err("操作员姓名不能为空".into());
                }
                self.store.set_operator(&name);
                self.store.write(|w| w.set_setting("operator", &name)).map_err(|e| format!("保存失败：{e}"))?;
                Some(format!("操作员：{name}"))
            }
            Command::SetUnitName(name) => {
                self.store.write(|w| w.set_setting("unit_name", name.trim())).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                Some(format!("单位名称：{}", name.trim()))
            }
            Command::StartJob(request) => {
                if self.job.is_some() {
                    return Err("已有报表在生成，请等待完成或取消".into());
                }
                let catalog = self.catalog()?;
                self.job = Some(Job::start(
                    ctx.clone(),
                    request,
                    paths.db.clone(),
                    self.store.operator().to_owned(),
                    self.rules.clone(),
                    catalog,
                ));
                None
            }
            Command::CancelJob => {
                if let Some(job) = &self.job {
                    job.cancel();
                }
                Some("正在取消……".into())
            }
            Command::InstallPlugin(path) => {
                if self.job.is_some() {
                    return Err("报表生成期间不能安装插件".into());
                }
                let mut catalog = self.catalog.take().and_then(|c| Arc::try_unwrap(c).ok());
                let result = match catalog.as_mut() {
                    Some(catalog) => crate::services::report::install(catalog, &path, &paths.plugins_dir)
                        .map_err(|e| format!("安装失败：{e}")),
                    None => Err("报表模板未能加载，无法安装".to_owned()),
                };
                if let Some(mut catalog) = catalog {
                    let _ = crate::services::report::sync_schemes(&mut self.store, &catalog);
                    catalog.broken.retain(|(id, _)| !id.is_empty());
                    self.catalog = Some(Arc::new(catalog));
                }
                let manifest = result?;
                self.reload()?;
                Some(format!("已安装插件：{} {}", manifest.name, manifest.version))
            }
            Command::RemovePlugin(id) => {
                crate::plugin_host::package::remove(&paths.plugins_dir, &id).map_err(|e| format!("删除失败：{e}"))?;
                self.reload_catalog(paths)?;
                Some(format!("已删除插件：{id}"))
            }
            Command::WatchDevFolder(folder) => {
                let watching = folder.is_some();
                self.plugins.watch(folder);
                self.reload_catalog(paths)?;
                watching.then(|| "已加载开发目录中的插件，wasm 变化时自动重新加载".to_owned())
            }
            Command::BackupNow => {
                let name = format!("zhibu-{}.db", chrono::Local::now().format("%Y%m%d-%H%M%S"));
                let Some(path) = rfd::FileDialog::new().set_title("备份到").set_file_name(name).save_file() else {
                    return Ok(None);
                };
                self.store.backup_to(&path).map_err(|e| format!("备份失败：{e}"))?;
                self.store
                    .write(|w| w.record_export("backup", None, &path.display().to_string()))
                    .map_err(|e| format!("备份已写出，但审计记录失败：{e}"))?;
                Some(format!("已备份到：{}", path.display()))
            }
            Command::ImportMembers(file, dry_run) => {
                if !dry_run {
                    let today = chrono::Local::now().date_naive();
                    crate::services::backup::automatic(&self.store, &paths.backup_dir, today, 7)
                        .map_err(|e| format!("导入前的自动备份失败，未导入：{e}"))?;
                }
                let result = crate::services::import::members(
                    &mut self.store,
                    &file,
                    crate::import::table::Encoding::Auto,
                    &self.members.import_mapping(),
                    None,
                    dry_run,
                )
                .map_err(|e| format!("导入失败：{e}"))?;
                let report = crate::services::import::report_text(&result);
                let problems = result.plan.problems.len();
                self.members.import_report = Some((file, report));
                if !dry_run {
                    self.reload()?;
                }
                Some(match (dry_run, problems) {
                    (true, 0) => "检查完毕：没有问题，可以导入".to_owned(),
                    (true, n) => format!("检查完毕：{n}处问题，见报告"),
                    (false, 0) => "导入完成".to_owned(),
                    (false, n) => format!("发现{n}处问题，未导入任何记录；请按报告修改后重新导入"),
                })
            }
        };
        Ok(message)
    }

    /// Reloads the templates from disk (after a remove, or when a watched plugin changed).
    pub fn reload_catalog(&mut self, paths: &Paths) -> Result<(), String> {
        let host =
            crate::plugin_host::PluginHost::new(crate::plugin_host::Limits::default(), Some(paths.cache_dir.clone()))
                .map_err(|e| format!("插件引擎无法启动：{e}"))?;
        let mut catalog =
            Catalog::load(host, Some(&paths.plugins_dir)).map_err(|e| format!("报表模板未能加载：{e}"))?;
        let dev = self.plugins.dev_folder().map(|folder| {
            let package =
                crate::plugin_host::package::read(folder).map_err(|e| format!("开发目录中的插件无法读取：{e}"))?;
            let package = crate::plugin_host::package::Package {
                source: crate::plugin_host::package::Source::External(folder.to_owned()),
                ..package
            };
            // The developer's build replaces an installed copy of the same template while it is watched.
            catalog.templates.retain(|t| t.plugin.info.id != package.manifest.id);
            catalog.add(package).map(|_| ()).map_err(|e| format!("开发目录中的插件无法加载：{e}"))
        });
        self.catalog = Some(Arc::new(catalog));
        dev.transpose().map(|_| ())
    }

    fn poll_job(&mut self) -> Option<Result<String, String>> {
        let outcome = self.job.as_ref()?.poll()?;
        let request = self.job.take().map(|job| job.request)?;
        Some(match outcome {
            JobOutcome::Preview(document, log) => {
                self.reports.preview = Some(*document);
                self.reports.log = log;
                Ok("预览已生成".into())
            }
            JobOutcome::Written(paths, log) => {
                self.reports.log = log;
                let audit = crate::services::report::record_exports(
                    &mut self.store,
                    &request.template,
                    &request.params,
                    &paths,
                );
                self.reports.written.clone_from(&paths);
                match audit {
                    Ok(()) => Ok(match paths.as_slice() {
                        [one] => format!("已导出：{}", one.display()),
                        many => format!("已导出 {} 个文件", many.len()),
                    }),
                    Err(e) => Err(format!("文件已导出，但审计记录失败：{e}")),
                }
            }
            JobOutcome::Cancelled => Ok("已取消".into()),
            JobOutcome::Failed(error) => Err(error),
        })
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.shortcuts(ctx);
        for command in std::mem::take(&mut self.commands) {
            self.apply(ctx, command);
        }
        if let Ok(workspace) = &mut self.state {
            if let Some(result) = workspace.poll_job() {
                self.notice = Some(match result {
                    Ok(text) => info(text),
                    Err(text) => failure(text),
                });
            }
            if workspace.plugins.changed() {
                let result = workspace.reload_catalog(&self.paths);
                self.notice = Some(match result {
                    Ok(()) => info("开发目录中的插件已变化，已重新加载"),
                    Err(text) => failure(text),
                });
            }
            if workspace.job.is_some() || workspace.plugins.watching() {
                ctx.request_repaint_after(std::time::Duration::from_millis(250));
            }
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
                    ui.label(format!("操作员：{}", workspace.store.operator()));
                    if workspace.undo.is_some() && ui.button("撤销删除").clicked() {
                        commands.push(Command::UndoDelete);
                    }
                }
            });
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| match &self.notice {
                Some(notice) if notice.error => {
                    ui.colored_label(ui.visuals().error_fg_color, &notice.text);
                }
                Some(notice) => {
                    ui.label(&notice.text);
                }
                None => {
                    ui.label("就绪");
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
                Screen::Reports => reports::reports_ui(ui, workspace, commands),
                Screen::Plugins => plugins::plugins_ui(ui, workspace, commands),
                Screen::Settings => settings::settings_ui(ui, workspace, &self.paths, commands),
            },
        });
        self.dialogs_ui(ui);
    }
}

impl App {
    fn dialogs_ui(&mut self, ui: &mut egui::Ui) {
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
        } else if self.offer_demo {
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
        if let Ok(workspace) = &mut self.state {
            reports::consent_dialog_ui(&ctx, workspace, &mut self.commands);
            plugins::consent_dialog_ui(&ctx, workspace, &mut self.commands);
        }
    }
}

fn problem_ui(ui: &mut egui::Ui, problem: &Problem, paths: &Paths, commands: &mut Vec<Command>) {
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
            if ui.button("选择其他备份文件……").clicked()
                && let Some(file) = rfd::FileDialog::new().set_title("选择备份文件").pick_file()
            {
                commands.push(Command::Restore(file));
            }
        }
        Problem::Unavailable(message) => {
            ui.heading("无法打开数据库");
            ui.colored_label(ui.visuals().error_fg_color, message);
        }
    }
}

use super::widgets;
