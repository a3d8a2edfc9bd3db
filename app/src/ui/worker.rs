//! The window's background worker: one thread with its own database connection carries out every
//! store write, import, backup, demo, rule load and plugin compile or install, and the opening
//! work (today's automatic backup, the templates, the first load), then sends back what changed.
//! The UI thread never waits on it: `App::logic` hands it [`Task`]s and polls for [`Done`]s, and
//! the draw pass only reads the state they brought. Tasks run one at a time, in order; after a
//! save only what the save touched is read again (`Overview::refresh`).

mod sync;

use super::command::Undo;
use super::ops::{Form, Op};
use super::workspace::{Data, Paths};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use zhibu_core::domain::{
    Attachment, AttachmentKind, DutyReview, Meeting, MeetingId, Member, MemberAppraisal, MemberId, Organization,
    StarRating, VolunteerActivity,
};
use zhibu_core::rules::RuleSet;
use zhibu_core::services::overview::Touched;
use zhibu_core::services::{Progress, ServiceError};
use zhibu_core::store::{Amendment, AuditEntry, Store, StoreError, TrashItem};
use zhibu_report::services::report::{self, Catalog};

/// Work that touches the database, the disk or the plugin engine.
#[derive(Debug)]
pub enum Task {
    /// The opening work after the first frame: open the database (its integrity check and
    /// migrations), today's automatic backup (unless the database was just created), the templates
    /// (compiled, or from the cache), the rating schemes they provide, and the year's overview.
    Open {
        /// The database was created just now.
        first_start: bool,
        /// The year to show.
        year: i32,
        /// The operator named on the command line, if any (else the saved one).
        operator: Option<String>,
    },
    /// Create (`None`) or update a member.
    SaveMember(Option<MemberId>, Box<Member>),
    /// Delete a member.
    DeleteMember(MemberId),
    /// Create or update a draft meeting, and finalize it when asked.
    SaveMeeting(Option<MeetingId>, Box<Meeting>, bool),
    /// Delete a draft meeting.
    DeleteMeeting(MeetingId),
    /// Read a meeting in full for the editor.
    OpenMeeting(MeetingId),
    /// Copy a file into the attachment store.
    Attach(PathBuf),
    /// A correction after a record's first save.
    Op(Op),
    /// Read the audit log rows the query selects, the trash and the operator names.
    LoadAudit(zhibu_core::store::AuditQuery),
    /// Write the audit rows the query selects to a CSV file.
    ExportAudit(zhibu_core::store::AuditQuery, PathBuf),
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
    /// Fill the empty database with the demo set, its last year `year`.
    LoadDemo(chrono::NaiveDate),
    /// Show another year.
    SetYear(i32),
    /// The operator recorded in the audit log from now on.
    SetOperator(String),
    /// The unit name printed on documents.
    SetUnitName(String),
    /// Save the window's colour theme (`system`, `light` or `dark`).
    SetTheme(String),
    /// Use a rule override file.
    LoadRules(PathBuf),
    /// Install a plugin package the user consented to.
    InstallPlugin(PathBuf),
    /// Remove an installed plugin.
    RemovePlugin(String),
    /// Load the templates again, with the developer folder's plugin when one is watched;
    /// `changed` when its files changed on disk (rather than the user choosing the folder).
    ReloadCatalog {
        /// The developer folder watched, if any.
        dev: Option<PathBuf>,
        /// Its files changed.
        changed: bool,
    },
    /// Back up to a file.
    BackupTo(PathBuf, Option<super::command::Passphrase>),
    /// Read a plugin package's manifest (folder or zip) for the consent dialog.
    ReadPackage(PathBuf),
    /// Reporting up (上级报送).
    Sync(super::reporting::SyncRequest),
    /// Read a final election's corrections.
    ElectionHistory(zhibu_core::domain::ElectionId),
    /// Check (and unless `dry_run`, import) a roster file.
    ImportMembers {
        /// The file.
        file: PathBuf,
        /// Only report.
        dry_run: bool,
        /// Unknown header → field.
        mapping: Vec<(String, String)>,
        /// Cells corrected and rows skipped in the report.
        corrections: zhibu_core::import::roster::Corrections,
        /// The branch for a sheet without a 所在支部 column.
        default_branch: Option<zhibu_core::domain::OrgId>,
    },
    /// Check (`dry_run`) or import a sheet into a branch: every row, or none.
    ImportSheet {
        /// Which sheet.
        sheet: zhibu_core::services::import::Sheet,
        /// The file.
        file: PathBuf,
        /// The branch it goes into.
        branch: zhibu_core::domain::OrgId,
        /// Unknown header → field.
        mapping: Vec<(String, String)>,
        /// Only report.
        dry_run: bool,
    },
}

impl Task {
    /// What the status bar says while the task runs.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Open { .. } => "正在准备（自动备份、加载报表模板）",
            Self::ImportMembers { dry_run: true, .. } => "正在检查花名册",
            Self::ImportMembers { .. } => "正在导入花名册",
            Self::ImportSheet { dry_run: true, .. } => "正在检查表格",
            Self::ImportSheet { .. } => "正在导入表格",
            Self::Sync(request) => match request {
                super::reporting::SyncRequest::Push(_) => "正在联网报送",
                super::reporting::SyncRequest::Pull(_) => "正在获取上级反馈",
                super::reporting::SyncRequest::Export(..) => "正在导出报送包",
                _ => "正在读取报送状态",
            },
            Self::LoadDemo(_) => "正在生成演示数据",
            Self::BackupTo(..) => "正在备份",
            Self::InstallPlugin(_) | Self::RemovePlugin(_) | Self::ReloadCatalog { .. } => "正在加载报表模板",
            Self::SetYear(_) | Self::LoadRules(_) => "正在读取记录",
            Self::OpenMeeting(_) => "正在读取会议",
            Self::ElectionHistory(_) => "正在读取更正记录",
            _ => "正在保存",
        }
    }

    /// Whether the task stops when asked (the import: its transaction is rolled back).
    pub fn cancellable(&self) -> bool {
        matches!(self, Self::ImportMembers { .. })
    }
}

/// What the UI does with a finished task's result, besides showing its message.
pub enum Effect {
    /// Nothing more.
    None,
    /// The opening work is done; `empty` when the database has no organization yet.
    Opened {
        /// No organization: offer the demo data.
        empty: bool,
        /// The operator in force; `None`: none given or saved, ask once.
        operator: Option<String>,
        /// The year opened (the newest with records).
        year: i32,
    },
    /// The database could not be opened: nothing else happens until the window reopens it.
    Unopened {
        /// Why, in Chinese.
        message: String,
        /// It failed its integrity check (rather than being unreadable or in use).
        damaged: bool,
        /// The newest good automatic backup, to offer.
        backup: Option<PathBuf>,
    },
    /// A member was saved under this id.
    MemberSaved(MemberId),
    /// A member was deleted; how to put it back.
    MemberDeleted(MemberId, Option<Undo>),
    /// A meeting was saved; the whole record as stored.
    MeetingSaved(MeetingId, Result<Box<(Meeting, Vec<Amendment>)>, String>),
    /// A meeting was deleted; how to put it back.
    MeetingDeleted(MeetingId, Option<Undo>),
    /// A correction finished this form; a delete can be undone so.
    Op(Form, Option<Undo>),
    /// The audit viewer's rows, the trash and the operators.
    Audit(Result<Vec<AuditEntry>, String>, Vec<TrashItem>, Vec<String>),
    /// A meeting was read for the editor.
    MeetingOpened(MeetingId, Result<Box<(Meeting, Vec<Amendment>)>, String>),
    /// A file is in the attachment store.
    Attached(Attachment),
    /// An organization was created.
    OrganizationSaved,
    /// A duty review was saved.
    DutyReviewSaved,
    /// A volunteer activity was saved.
    VolunteerSaved,
    /// The demo data is in.
    DemoLoaded,
    /// A roster was checked or imported: the file and the row-by-row report.
    Imported(PathBuf, String, Vec<zhibu_core::import::Problem>, Option<zhibu_core::domain::OrgId>),
    /// A sheet was checked or imported (or refused): which, from where, into which branch, and
    /// the row-by-row report.
    SheetImported(
        zhibu_core::services::import::Sheet,
        PathBuf,
        zhibu_core::domain::OrgId,
        zhibu_core::services::import::SheetImport,
    ),
    /// A sync task ran: where every branch stands now, and a connection file waiting for the
    /// user's word on the committee's changed keys.
    Sync(Vec<zhibu_sync::Status>, Option<PathBuf>),
    /// A final election's corrections, oldest first.
    ElectionHistory(zhibu_core::domain::ElectionId, Vec<zhibu_core::store::RecordAmendment>),
    /// A rule file was read (and is in force when `Ok`).
    RulesLoaded(PathBuf, Result<Box<RuleSet>, String>),
    /// The operator's name was saved.
    OperatorSet(String),
    /// A plugin package was read: its manifest, or why it cannot be used.
    PackageRead(PathBuf, Result<Box<zhibu_report::plugin_host::package::Manifest>, String>),
}

/// The templates after a (re)load, or why they could not be loaded.
pub type Templates = Result<Arc<Catalog>, String>;

/// A finished task.
pub struct Done {
    /// The status-bar message (`Ok(None)`: nothing to say).
    pub result: Result<Option<String>, String>,
    /// What the UI does next.
    pub effect: Effect,
    /// The overview after the task, when it changed.
    pub data: Option<Box<Data>>,
    /// The templates, when they were (re)loaded.
    pub templates: Option<Templates>,
}

impl Done {
    fn failed(text: String) -> Self {
        Self { result: Err(text), effect: Effect::None, data: None, templates: None }
    }
}

/// The UI thread's end: hands tasks over, tells what runs, and collects results.
pub struct Worker {
    tasks: Sender<(Task, Progress)>,
    done: Receiver<Done>,
    /// Tasks handed over and not yet finished: label, cancellable, progress.
    pending: std::collections::VecDeque<(&'static str, bool, Progress)>,
    /// The window to wake when a task ends (known from the first frame on).
    waker: Arc<OnceLock<egui::Context>>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker thread for the window's `paths` and `rules`; its first task must be
    /// [`Task::Open`], which opens the database on this thread.
    pub fn start(paths: Paths, rules: RuleSet) -> Self {
        let (tasks, inbox) = mpsc::channel::<(Task, Progress)>();
        let (outbox, done) = mpsc::channel();
        let waker = Arc::new(OnceLock::<egui::Context>::new());
        let wake = waker.clone();
        let thread = std::thread::Builder::new().name("store-worker".into()).spawn(move || {
            let mut backend: Option<Backend> = None;
            for (task, progress) in inbox {
                let finished = match (&mut backend, task) {
                    (Some(backend), task) => backend.run(task, &progress),
                    (None, Task::Open { first_start, year, operator }) => {
                        match Backend::open(&paths, &rules, operator.as_deref()) {
                            Ok(opened) => {
                                let open = Task::Open { first_start, year, operator };
                                backend.insert(opened).run(open, &progress)
                            }
                            Err(effect) => Done { result: Ok(None), effect, data: None, templates: None },
                        }
                    }
                    (None, _) => Done::failed("数据库未能打开".into()),
                };
                // The window may have closed; nobody is left to tell.
                if outbox.send(finished).is_err() {
                    break;
                }
                if let Some(ctx) = wake.get() {
                    ctx.request_repaint();
                }
            }
        });
        match thread {
            Ok(thread) => Self { tasks, done, pending: Default::default(), waker, thread: Some(thread) },
            // Without a thread nothing can be saved: the window says why.
            Err(error) => {
                let (tasks, _) = mpsc::channel();
                let (outbox, done) = mpsc::channel();
                let _ = outbox.send(Done::failed(format!("后台线程无法启动：{error}")));
                let pending = [("后台线程无法启动", false, Progress::new())].into_iter().collect();
                Self { tasks, done, pending, waker, thread: None }
            }
        }
    }

    /// Lets the worker wake `ctx` when a task ends (called every frame; only the first counts).
    pub fn wake(&self, ctx: &egui::Context) {
        if self.waker.get().is_none() {
            let _ = self.waker.set(ctx.clone());
        }
    }

    /// Hands `task` over; it runs after those already waiting.
    pub fn send(&mut self, task: Task) {
        let progress = Progress::new();
        self.pending.push_back((task.label(), task.cancellable(), progress.clone()));
        if self.tasks.send((task, progress)).is_err() {
            self.pending.pop_back();
        }
    }

    /// The next finished task, if one has finished.
    pub fn poll(&mut self) -> Option<Done> {
        match self.done.try_recv() {
            Ok(done) => {
                self.pending.pop_front();
                Some(done)
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                let had_work = self.pending.pop_front().is_some();
                had_work.then(|| Done::failed("后台线程意外结束".into()))
            }
        }
    }

    /// Whether a task is running or waiting.
    pub fn is_busy(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The running task: its label, whether it can be cancelled, rows done and in all.
    pub fn current(&self) -> Option<(&'static str, bool, (usize, usize))> {
        self.pending.front().map(|(label, cancellable, progress)| (*label, *cancellable, progress.counts()))
    }

    /// Asks the running task to stop (only an import listens).
    pub fn cancel(&self) {
        if let Some((_, true, progress)) = self.pending.front() {
            progress.cancel();
        }
    }
}

impl Drop for Worker {
    /// Closes the task queue, asks a running import to stop, and waits for the thread, so its
    /// connection is closed before the database file is replaced (restore) or unlocked.
    fn drop(&mut self) {
        self.cancel();
        let (closed, _) = mpsc::channel();
        self.tasks = closed;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The worker thread's state: its own connection, the rules, the templates and its copy of the
/// overview (refreshed in place, then sent).
struct Backend {
    store: Store,
    paths: Paths,
    rules: RuleSet,
    catalog: Option<Arc<Catalog>>,
    data: Data,
    dev: Option<PathBuf>,
}

/// A failed step, in the words the status bar shows.
impl Backend {
    /// A meeting with its amendments, for the editor.
    fn full_meeting(&self, id: MeetingId) -> Result<Box<(Meeting, Vec<Amendment>)>, String> {
        let meeting = self.store.meeting(id).map_err(|e| e.to_string())?;
        let amendments = self.store.amendments(id).map_err(|e| e.to_string())?;
        Ok(Box::new((meeting, amendments)))
    }

    /// The newest trash row, which a delete just wrote: undo brings it back.
    fn newest_trash(&self, what: &str) -> Option<Undo> {
        let trash = self.store.trash().ok()?.into_iter().next()?;
        Some(Undo { trash: trash.id, what: what.to_owned() })
    }
}

fn fail(what: &str) -> impl Fn(StoreError) -> String + '_ {
    move |e| format!("{what}失败：{e}")
}

impl Backend {
    /// Opens the database on the worker's thread (the integrity check of a large file takes a
    /// moment), with the operator given, else the saved one.
    fn open(paths: &Paths, rules: &RuleSet, operator: Option<&str>) -> Result<Self, Effect> {
        let mut store = match Store::open(&paths.db, operator.unwrap_or("")) {
            Ok(store) => store,
            Err(error @ StoreError::Damaged { .. }) => {
                return Err(Effect::Unopened {
                    message: error.to_string(),
                    damaged: true,
                    backup: zhibu_core::services::backup::newest_good(&paths.backup_dir, &paths.db),
                });
            }
            Err(error) => return Err(Effect::Unopened { message: error.to_string(), damaged: false, backup: None }),
        };
        let given = operator.map(str::trim).filter(|o| !o.is_empty());
        if given.is_none()
            && let Some(saved) = store.setting("operator").ok().flatten().filter(|s| !s.trim().is_empty())
        {
            store.set_operator(&saved);
        }
        let (paths, rules) = (paths.clone(), rules.clone());
        Ok(Self { store, paths, rules, catalog: None, data: Data::default(), dev: None })
    }

    fn run(&mut self, task: Task, progress: &Progress) -> Done {
        let mut touched = None;
        let mut templates = None;
        let result = self.carry_out(task, progress, &mut touched, &mut templates);
        let (result, effect) = match result {
            Ok((message, effect)) => (Ok(message), effect),
            Err(text) => (Err(text), Effect::None),
        };
        let data = match touched {
            Some(touched) => match self.data.refresh(&self.store, &self.rules, touched) {
                Ok(()) => Some(Box::new(self.data.clone())),
                Err(error) => {
                    return Done {
                        result: Err(format!("读取记录失败：{error}")), effect, data: None, templates
                    };
                }
            },
            None => None,
        };
        Done { result, effect, data, templates }
    }

    /// Does the work; says what it touched (to read again) and the templates it loaded.
    fn carry_out(
        &mut self,
        task: Task,
        progress: &Progress,
        touched: &mut Option<Touched>,
        templates: &mut Option<Templates>,
    ) -> Result<(Option<String>, Effect), String> {
        Ok(match task {
            Task::Open { first_start, year, .. } => {
                let mut notes = Vec::new();
                if !first_start {
                    let today = chrono::Local::now().date_naive();
                    match zhibu_core::services::backup::automatic(&self.store, &self.paths.backup_dir, today, 7) {
                        Ok(Some(path)) => notes.push(format!("已自动备份：{}", path.display())),
                        Ok(None) => {}
                        Err(error) => notes.push(format!("自动备份失败：{error}")),
                    }
                }
                *templates = Some(self.load_templates());
                let today = chrono::Local::now().date_naive();
                // Open on the newest year that has records (a database last used in 2025 opens on
                // 2025, not on an empty new year); an empty database on the current one.
                let year = self.store.newest_record_year(year).map_err(fail("读取记录"))?.unwrap_or(year);
                self.data = Data { year, today, ..Data::default() };
                *touched = Some(Touched::All);
                let empty = self.store.organizations().map_err(fail("读取记录"))?.is_empty();
                let operator = Some(self.store.operator().to_owned()).filter(|o| !o.trim().is_empty());
                ((!notes.is_empty()).then(|| notes.join("；")), Effect::Opened { empty, operator, year })
            }
            Task::SaveMember(id, member) => {
                let before = id.and_then(|id| self.data.members.iter().find(|m| m.id == id)).map(|m| m.record.branch);
                let saved = self.store.write(|w| match id {
                    Some(id) => w.update_member(id, &member).map(|()| id),
                    None => w.create_member(&member),
                });
                let id = saved.map_err(fail("保存"))?;
                *touched = Some(Touched::Members(before, Some(member.branch)));
                (Some(format!("已保存党员：{}", member.name)), Effect::MemberSaved(id))
            }
            Task::DeleteMember(id) => {
                let member = self.store.write(|w| w.delete_member(id)).map_err(fail("删除"))?;
                *touched = Some(Touched::Members(Some(member.branch), None));
                let text = format!("已删除党员：{}（Ctrl+Z 撤销）", member.name);
                (Some(text), Effect::MemberDeleted(id, self.newest_trash(&member.name)))
            }
            Task::SaveMeeting(id, meeting, finalize) => {
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
                let id = saved.map_err(fail("保存"))?;
                *touched = Some(Touched::Meetings(meeting.branch));
                let full = self.full_meeting(id);
                let text = if finalize {
                    format!("已定稿：{}（此后只能修订）", meeting.title)
                } else {
                    format!("已保存会议：{}", meeting.title)
                };
                (Some(text), Effect::MeetingSaved(id, full))
            }
            Task::DeleteMeeting(id) => {
                let meeting = self.store.write(|w| w.delete_meeting(id)).map_err(fail("删除"))?;
                *touched = Some(Touched::Meetings(meeting.branch));
                let text = format!("已删除会议：{}（Ctrl+Z 撤销）", meeting.title);
                (Some(text), Effect::MeetingDeleted(id, self.newest_trash(&meeting.title)))
            }
            Task::OpenMeeting(id) => (None, Effect::MeetingOpened(id, self.full_meeting(id))),
            Task::Attach(path) => {
                let attachment =
                    self.store.import_attachment(&path, attachment_kind(&path)).map_err(fail("附件导入"))?;
                (Some(format!("已添加附件：{}", attachment.file_name)), Effect::Attached(attachment))
            }
            Task::Op(op) => {
                let done = op.run(&mut self.store, &self.rules).map_err(fail("操作"))?;
                *touched = Some(done.touched);
                let undo = done.deleted.as_deref().and_then(|what| self.newest_trash(what));
                (Some(done.message), Effect::Op(done.form, undo))
            }
            Task::LoadAudit(query) => {
                let entries = self.store.audit_entries(&query).map_err(|e| e.to_string());
                let trash = self.store.trash().unwrap_or_default();
                let operators = self.store.audit_operators().unwrap_or_default();
                (None, Effect::Audit(entries, trash, operators))
            }
            Task::ExportAudit(query, path) => {
                let entries = self.store.audit_entries(&query).map_err(fail("读取审计日志"))?;
                zhibu_core::services::audit::export_csv(&entries, &path).map_err(|e| format!("导出失败：{e}"))?;
                (Some(format!("已导出审计日志 {} 条：{}", entries.len(), path.display())), Effect::None)
            }
            Task::SaveOrganization(org) => {
                self.store.write(|w| w.create_organization(&org)).map_err(fail("保存"))?;
                *touched = Some(Touched::Organizations);
                (Some(format!("已添加组织：{}", org.name)), Effect::OrganizationSaved)
            }
            Task::SaveDutyReview(review) => {
                self.store.write(|w| w.create_duty_review(&review)).map_err(fail("保存"))?;
                *touched = Some(Touched::DutyReviews);
                (Some("已保存述职评议".into()), Effect::DutyReviewSaved)
            }
            Task::SaveAppraisal(appraisal) => {
                self.store.write(|w| w.create_appraisal(&appraisal)).map_err(fail("保存"))?;
                *touched = Some(Touched::Appraisals);
                (Some("已保存民主评议".into()), Effect::None)
            }
            Task::SaveStarRating(rating) => {
                self.store.write(|w| w.create_star_rating(&rating)).map_err(fail("保存"))?;
                *touched = Some(Touched::Ratings);
                let name = self.store.subject(rating.subject).map(|s| s.name).unwrap_or_default();
                (Some(format!("已保存星级评定：{name}")), Effect::Op(super::ops::Form::StarRating, None))
            }
            Task::SaveVolunteer(activity) => {
                self.store.write(|w| w.create_volunteer_activity(&activity)).map_err(fail("保存"))?;
                *touched = Some(Touched::Volunteer);
                (Some(format!("已保存志愿服务：{}", activity.title)), Effect::VolunteerSaved)
            }
            Task::LoadDemo(today) => {
                // The demo's records run up to today: the current year shows real progress.
                let options = zhibu_core::services::demo::DemoOptions::up_to(today);
                if let Some(catalog) = &self.catalog {
                    // The templates' sheets first: the demo rates its branches on the star-rating
                    // template's own sheet.
                    report::sync_schemes(&mut self.store, catalog).map_err(|e| format!("演示数据生成失败：{e}"))?;
                }
                let summary = zhibu_core::services::demo::generate(&mut self.store, &options)
                    .map_err(|e| format!("演示数据生成失败：{e}"))?;
                *touched = Some(Touched::All);
                let text = format!(
                    "已载入演示数据：{} 个党组织、{} 名党员、{} 次会议",
                    summary.organizations, summary.members, summary.meetings
                );
                (Some(text), Effect::DemoLoaded)
            }
            Task::SetYear(year) => {
                self.data.year = year;
                *touched = Some(Touched::All);
                (None, Effect::None)
            }
            Task::SetOperator(name) => {
                let name = name.trim().to_owned();
                if name.is_empty() {
                    return Err("操作员姓名不能为空".into());
                }
                self.store.set_operator(&name);
                self.store.write(|w| w.set_setting("operator", &name)).map_err(fail("保存"))?;
                (Some(format!("操作员：{name}")), Effect::OperatorSet(name))
            }
            Task::SetUnitName(name) => {
                self.store.write(|w| w.set_setting("unit_name", name.trim())).map_err(fail("保存"))?;
                *touched = Some(Touched::Settings);
                (Some(format!("单位名称：{}", name.trim())), Effect::None)
            }
            Task::SetTheme(theme) => {
                self.store.write(|w| w.set_setting("theme", &theme)).map_err(fail("保存"))?;
                *touched = Some(Touched::Settings);
                (None, Effect::None)
            }
            Task::LoadRules(file) => match RuleSet::load(&file) {
                Ok(rules) => {
                    self.rules = rules.clone();
                    *touched = Some(Touched::All);
                    let text = format!("已使用规则：{}", rules.version);
                    (Some(text), Effect::RulesLoaded(file, Ok(Box::new(rules))))
                }
                Err(error) => (None, Effect::RulesLoaded(file, Err(error.to_string()))),
            },
            Task::InstallPlugin(path) => {
                let catalog = self.catalog.clone().ok_or("报表模板未能加载，无法安装")?;
                let manifest = report::install_package(&catalog, &path, &self.paths.plugins_dir)
                    .map_err(|e| format!("安装失败：{e}"))?;
                // Loaded again from disk (compiled components come from the cache): the catalog a
                // running report shares is never taken apart.
                *templates = Some(self.load_templates());
                *touched = Some(Touched::Ratings);
                (Some(format!("已安装插件：{} {}", manifest.name, manifest.version)), Effect::None)
            }
            Task::RemovePlugin(id) => {
                zhibu_report::plugin_host::package::remove(&self.paths.plugins_dir, &id)
                    .map_err(|e| format!("删除失败：{e}"))?;
                *templates = Some(self.load_templates());
                (Some(format!("已删除插件：{id}")), Effect::None)
            }
            Task::ReloadCatalog { dev, changed } => {
                let watching = dev.is_some();
                self.dev = dev;
                let loaded = self.load_templates();
                let error = loaded.as_ref().err().cloned();
                *templates = Some(loaded);
                if let Some(error) = error {
                    return Err(error);
                }
                let text = match (changed, watching) {
                    (true, _) => Some("开发目录中的插件已变化，已重新加载".to_owned()),
                    (false, true) => Some("已加载开发目录中的插件，wasm 变化时自动重新加载".to_owned()),
                    (false, false) => None,
                };
                (text, Effect::None)
            }
            Task::ReadPackage(path) => {
                let manifest = zhibu_report::plugin_host::package::read(&path)
                    .map(|package| Box::new(package.manifest))
                    .map_err(|e| e.to_string());
                (None, Effect::PackageRead(path, manifest))
            }
            Task::BackupTo(path, passphrase) => {
                let passphrase = passphrase.as_ref().map(|p| p.0.as_str());
                let summary = zhibu_core::services::backup::backup(&self.store, &path, passphrase)
                    .map_err(|e| format!("备份失败：{e}"))?;
                self.store
                    .write(|w| w.record_export("backup", None, &path.display().to_string()))
                    .map_err(|e| format!("备份已写出，但审计记录失败：{e}"))?;
                (Some(zhibu_core::services::backup::backup_text(&path, &summary)), Effect::None)
            }
            Task::Sync(request) => self.sync(request, touched)?,
            Task::ElectionHistory(id) => {
                let history = self.store.election_amendments(id).map_err(fail("读取更正记录"))?;
                (None, Effect::ElectionHistory(id, history))
            }
            Task::ImportSheet { sheet, file, branch, mapping, dry_run } => {
                use zhibu_core::services::import::Sheet;
                if !dry_run {
                    let today = chrono::Local::now().date_naive();
                    zhibu_core::services::backup::automatic(&self.store, &self.paths.backup_dir, today, 7)
                        .map_err(|e| format!("导入前的自动备份失败，未导入：{e}"))?;
                }
                let encoding = zhibu_core::import::table::Encoding::Auto;
                let result = zhibu_core::services::import::sheet(
                    &mut self.store,
                    sheet,
                    &file,
                    encoding,
                    branch,
                    &mapping,
                    dry_run,
                );
                let result = match result {
                    Ok(result) => result,
                    // A sheet whose header cannot be read opens the panel all the same, with why,
                    // so the header can be mapped there and the file checked again.
                    Err(error @ ServiceError::Import(_)) => {
                        let report = format!("{error}\n表头无法识别时，在“表头对应”中填写后重新检查。");
                        let result = zhibu_core::services::import::SheetImport { report, problems: 1, applied: false };
                        return Ok((
                            Some(format!("检查未通过：{error}")),
                            Effect::SheetImported(sheet, file, branch, result),
                        ));
                    }
                    Err(error) => return Err(format!("导入失败：{error}")),
                };
                if result.applied {
                    *touched = Some(match sheet {
                        Sheet::Register => Touched::Meetings(branch),
                        Sheet::Volunteer => Touched::Volunteer,
                        Sheet::Dues(_) => Touched::Dues(branch),
                    });
                }
                let text = match (dry_run, result.problems) {
                    (true, 0) => "检查完毕：没有问题，可以导入".to_owned(),
                    (true, n) => format!("检查完毕：{n}处问题，见报告"),
                    (false, 0) => format!("已导入{}", sheet.label()),
                    (false, n) => format!("{}有{n}处问题，未导入任何记录", sheet.label()),
                };
                (Some(text), Effect::SheetImported(sheet, file, branch, result))
            }
            Task::ImportMembers { file, dry_run, mapping, corrections, default_branch } => {
                if !dry_run {
                    let today = chrono::Local::now().date_naive();
                    zhibu_core::services::backup::automatic(&self.store, &self.paths.backup_dir, today, 7)
                        .map_err(|e| format!("导入前的自动备份失败，未导入：{e}"))?;
                }
                let request = zhibu_core::services::import::MemberRequest {
                    encoding: zhibu_core::import::table::Encoding::Auto,
                    mapping: &mapping,
                    default_branch,
                    corrections: &corrections,
                };
                let result = zhibu_core::services::import::members_with_progress(
                    &mut self.store,
                    &file,
                    &request,
                    dry_run,
                    progress,
                );
                let result = match result {
                    Ok(result) => result,
                    Err(ServiceError::Cancelled) => {
                        return Ok((Some("已取消导入，未写入任何记录".into()), Effect::None));
                    }
                    Err(error) => return Err(format!("导入失败：{error}")),
                };
                let report = zhibu_core::services::import::report_text(&result);
                if result.applied {
                    *touched = Some(Touched::All);
                }
                let text = match (dry_run, result.plan.problems.len()) {
                    (true, 0) => "检查完毕：没有问题，可以导入".to_owned(),
                    (true, n) => format!("检查完毕：{n}处问题，见报告"),
                    (false, 0) => "导入完成".to_owned(),
                    (false, n) => format!("发现{n}处问题，未导入任何记录；请按报告修改后重新导入"),
                };
                let into = result.plan.into_branch.map(|(id, _)| id);
                (Some(text), Effect::Imported(file, report, result.plan.problems, into))
            }
        })
    }

    /// The installation's templates, with the watched developer folder's plugin in place of an
    /// installed copy; their rating schemes stored for scoring.
    fn load_templates(&mut self) -> Templates {
        let mut catalog = Catalog::open(&self.paths.cache_dir, &self.paths.plugins_dir)
            .map_err(|e| format!("报表模板未能加载：{e}"))?;
        if let Some(folder) = &self.dev {
            let package = zhibu_report::plugin_host::package::read(folder)
                .map_err(|e| format!("开发目录中的插件无法读取：{e}"))?;
            let package = zhibu_report::plugin_host::package::Package {
                source: zhibu_report::plugin_host::package::Source::External(folder.to_owned()),
                ..package
            };
            // The developer's build replaces an installed copy of the same template while it is watched.
            catalog.templates.retain(|t| t.plugin.info.id != package.manifest.id);
            catalog.add(package).map_err(|e| format!("开发目录中的插件无法加载：{e}"))?;
        }
        if let Err(error) = report::sync_schemes(&mut self.store, &catalog) {
            catalog.broken.push((String::new(), zhibu_report::plugin_host::PluginError::Engine(error.to_string())));
        }
        let catalog = Arc::new(catalog);
        self.catalog = Some(catalog.clone());
        Ok(catalog)
    }
}

/// Photos by their extension; everything else is filed as other material (the user can tell a
/// sign-in sheet apart in the editor).
fn attachment_kind(path: &std::path::Path) -> AttachmentKind {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if matches!(extension.as_str(), "jpg" | "jpeg" | "png" | "heic" | "bmp" | "gif" | "webp") {
        AttachmentKind::Photo
    } else {
        AttachmentKind::Other
    }
}
