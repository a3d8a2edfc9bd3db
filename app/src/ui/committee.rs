//! The committee's window (`zhibu --committee URL`): the branches that report into the
//! committee's PostgreSQL database — 报送审核 (each branch's submission, passed or returned with an
//! opinion, and who has not reported), 组织生活核查 (each branch's compliance from its reported
//! records), 星级排名 (every sheet's ranking across branches, with its quotas) and 述职评议考核 (the
//! year-end meeting: each secretary's ballots entered, the grades, and the results document
//! rendered by the `duty-assessment` template in the committee's scope). The database is
//! read and written on background threads: `CommitteeApp::logic` applies the screens' commands
//! and collects the results; `CommitteeApp::ui` only draws. The connection string (and its
//! password) is never shown.

use crate::rollup::BranchReport;
use chrono::Datelike;
use egui_extras::{Column, TableBuilder};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zhibu_committee::BranchEntry;
use zhibu_committee::review::{Review, SUBMISSION, Submission};
use zhibu_core::rules::{RuleSet, Severity};
use zhibu_core::services::received::Ranking;

/// The committee window's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// 报送审核.
    Status,
    /// 组织生活核查.
    Compliance,
    /// 星级排名.
    Ranking,
    /// 述职评议考核.
    Duty,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Status, Tab::Compliance, Tab::Ranking, Tab::Duty];

    fn label(self) -> &'static str {
        match self {
            Self::Status => "报送审核",
            Self::Compliance => "组织生活核查",
            Self::Ranking => "星级排名",
            Self::Duty => "述职评议考核",
        }
    }

    fn file(self) -> &'static str {
        match self {
            Self::Status => "committee-status",
            Self::Compliance => "committee-compliance",
            Self::Ranking => "committee-ranking",
            Self::Duty => "committee-duty",
        }
    }
}

/// What the screens ask for; applied by `logic`.
#[derive(Debug, Clone, PartialEq)]
pub enum CommitteeCommand {
    /// Show another tab.
    Tab(Tab),
    /// Read everything again (for `year`).
    Load(i32),
    /// Select a branch (its UUID) in the review list.
    Select(Option<String>),
    /// Pass (`true`) or return a branch's year with the opinion.
    Decide {
        /// The branch.
        branch: String,
        /// Pass or return.
        pass: bool,
        /// The opinion.
        opinion: String,
    },
    /// Read the year's 述职评议考核 meeting, its ballots and each branch's secretary.
    LoadDuty,
    /// Record (or correct) the year's meeting.
    HoldMeeting {
        /// When (`YYYY-MM-DD`).
        held_on: String,
        /// Voters expected.
        voters: u32,
        /// Its title.
        title: String,
    },
    /// Show a branch's ballots in the editor (its UUID).
    SelectBallot(Option<String>),
    /// Store the editor's ballots for its branch.
    EnterBallot,
    /// Render the results document to a file (none: ask where, with the save dialog).
    ExportResults(Option<PathBuf>),
}

/// The year's 述职评议考核 as stored.
pub struct DutyData {
    /// The meeting, once recorded.
    pub meeting: Option<zhibu_committee::duty::DutyMeeting>,
    /// The ballots entered.
    pub ballots: Vec<zhibu_committee::duty::Ballot>,
    /// Each branch's secretary as it reported (by UUID).
    pub secretaries: std::collections::HashMap<String, String>,
}

/// What the 述职评议考核 tab is editing.
#[derive(Debug, Clone, Default)]
pub struct DutyForm {
    /// The meeting's date (`YYYY-MM-DD`).
    pub held_on: String,
    /// Voters expected.
    pub voters: u32,
    /// The meeting's title (empty: the usual one).
    pub title: String,
    /// The branch whose ballots are edited.
    pub branch: Option<String>,
    /// 好, 较好, 一般, 差.
    pub votes: [u32; 4],
    /// The grade decided; none: the one the votes point to.
    pub grade: Option<zhibu_core::domain::ReviewGrade>,
    /// Why the grade differs from the votes.
    pub reason: String,
    /// The secretary.
    pub secretary: String,
    /// The unit issuing the results document.
    pub unit: String,
}

/// Everything the window shows for one year.
pub struct Loaded {
    /// The registered branches.
    pub branches: Vec<BranchEntry>,
    /// The year's decisions.
    pub reviews: Vec<Review>,
    /// Each branch's compliance.
    pub compliance: Vec<BranchReport>,
    /// Each sheet's ranking.
    pub rankings: Vec<Ranking>,
    /// How long reading and evaluating took.
    pub took: Duration,
}

/// The result of a background step: the year's data, or a decision made (then it reloads).
enum Done {
    Loaded(Box<Loaded>),
    Decided(String),
    DutyLoaded(Box<DutyData>),
    DutyChanged(String),
    Exported(String),
}

/// The committee window.
pub struct CommitteeApp {
    url: String,
    /// What the title shows of the database (no password).
    pub place: String,
    /// The year shown.
    pub year: i32,
    /// The tab shown.
    pub tab: Tab,
    /// The year's data, once loaded.
    pub data: Option<Loaded>,
    /// The branch selected in the review list.
    pub selected: Option<String>,
    /// The opinion being written for it.
    pub opinion: String,
    /// The year's 述职评议考核, once read (the tab reads it when opened).
    pub duty: Option<DutyData>,
    /// The 述职评议考核 tab's editor.
    pub duty_form: DutyForm,
    /// Where the committee's templates are (plugins folder, compiled-component cache).
    templates: Option<(PathBuf, PathBuf)>,
    /// The status line (text, is an error).
    pub notice: Option<(String, bool)>,
    /// Commands emitted while drawing.
    pub commands: Vec<CommitteeCommand>,
    busy: Option<Receiver<Result<Done, String>>>,
    /// The save dialog open now (on its own thread), and where its answer comes.
    saving: Option<Receiver<Option<PathBuf>>>,
    tour: Option<CommitteeTour>,
    /// A frame is on screen: the first load waits for it, so it does not compete with the
    /// window's own start for the cores.
    drawn: bool,
}

impl CommitteeApp {
    /// The window on the committee's database at `url`; loading starts at once.
    pub fn new(url: String) -> Self {
        let today = chrono::Local::now().date_naive();
        let mut app = Self {
            place: zhibu_committee::describe(&url),
            url,
            // Until December the year under review is the last one.
            year: if today.month() == 12 { today.year() } else { today.year() - 1 },
            tab: Tab::Status,
            data: None,
            selected: None,
            opinion: String::new(),
            duty: None,
            duty_form: DutyForm { voters: 40, ..DutyForm::default() },
            templates: None,
            notice: None,
            commands: Vec::new(),
            busy: None,
            saving: None,
            tour: None,
            drawn: false,
        };
        app.commands.push(CommitteeCommand::Load(app.year));
        app
    }

    /// Renders the committee's documents with the templates in `plugins_dir` (compiled ones cached
    /// in `cache_dir`); without, only the reference templates, compiled on each use.
    pub fn with_templates(mut self, plugins_dir: PathBuf, cache_dir: PathBuf) -> Self {
        self.templates = Some((plugins_dir, cache_dir));
        self
    }

    /// Photographs each tab into `dir` once the data is loaded, then closes; prints the time to
    /// the first frame and to the loaded data from `started`.
    pub fn start_screenshot_tour(&mut self, dir: PathBuf, started: Option<Instant>) {
        self.tour = Some(CommitteeTour {
            dir,
            tabs: Tab::ALL.iter().rev().copied().collect(),
            started,
            frames: 0,
            drawn: 0,
            shot: Arc::default(),
        });
    }

    /// Whether a background step is running.
    pub fn is_busy(&self) -> bool {
        self.busy.is_some()
    }

    fn run(
        &mut self,
        ctx: &egui::Context,
        work: impl FnOnce(&mut zhibu_committee::Client) -> anyhow::Result<Done> + Send + 'static,
    ) {
        let (send, receive) = channel();
        let url = self.url.clone();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let result = zhibu_committee::connect(&url)
                .map_err(anyhow::Error::from)
                .and_then(|mut client| work(&mut client))
                .map_err(|e| format!("{e:#}"));
            let _ = send.send(result);
            ctx.request_repaint();
        });
        self.busy = Some(receive);
    }

    fn apply(&mut self, ctx: &egui::Context, command: CommitteeCommand) {
        match command {
            CommitteeCommand::Tab(tab) => {
                self.tab = tab;
                if tab == Tab::Duty && self.duty.is_none() {
                    self.commands.push(CommitteeCommand::LoadDuty);
                }
            }
            CommitteeCommand::Select(branch) => {
                self.opinion = branch
                    .as_ref()
                    .and_then(|b| self.data.as_ref()?.reviews.iter().find(|r| &r.branch == b && r.topic == SUBMISSION))
                    .map(|r| r.opinion.clone())
                    .unwrap_or_default();
                self.selected = branch;
            }
            CommitteeCommand::Load(year) => {
                if year != self.year {
                    self.duty = None;
                    self.duty_form.branch = None;
                }
                if self.tab == Tab::Duty {
                    self.commands.push(CommitteeCommand::LoadDuty);
                }
                self.year = year;
                self.run(ctx, move |client| {
                    let started = Instant::now();
                    let today = chrono::Local::now().date_naive();
                    let as_of = chrono::NaiveDate::from_ymd_opt(year, 12, 31).map_or(today, |end| end.min(today));
                    let branches = zhibu_committee::branches(client)?;
                    let reviews = zhibu_committee::review::reviews(client, Some(year))?;
                    let compliance = crate::rollup::compliance(client, &RuleSet::default(), year, as_of)?;
                    let rankings = crate::rollup::rankings(client, year)?;
                    Ok(Done::Loaded(Box::new(Loaded {
                        branches,
                        reviews,
                        compliance,
                        rankings,
                        took: started.elapsed(),
                    })))
                });
            }
            CommitteeCommand::LoadDuty => {
                let year = self.year;
                self.run(ctx, move |client| {
                    Ok(Done::DutyLoaded(Box::new(DutyData {
                        meeting: zhibu_committee::duty::meeting(client, year)?,
                        ballots: zhibu_committee::duty::ballots(client, year)?,
                        secretaries: crate::rollup::secretaries(client)?,
                    })))
                });
            }
            CommitteeCommand::HoldMeeting { held_on, voters, title } => {
                let year = self.year;
                self.run(ctx, move |client| {
                    let title = match title.trim() {
                        "" => format!("{year}年度基层党组织书记抓基层党建工作述职评议考核会议"),
                        given => given.to_owned(),
                    };
                    let voters = i32::try_from(voters).unwrap_or(i32::MAX);
                    let meeting = zhibu_committee::duty::DutyMeeting { year, held_on, title, voters_expected: voters };
                    zhibu_committee::duty::hold(client, &meeting)?;
                    Ok(Done::DutyChanged(format!("已登记：{}（{}，应到{}人）", meeting.title, meeting.held_on, voters)))
                });
            }
            CommitteeCommand::SelectBallot(branch) => {
                let stored = branch.as_ref().and_then(|b| self.duty.as_ref()?.ballots.iter().find(|x| &x.branch == b));
                let form = &mut self.duty_form;
                match stored {
                    Some(ballot) => {
                        form.votes = ballot.votes.map(i32::unsigned_abs);
                        form.grade = (ballot.grade != ballot.ballot_grade)
                            .then(|| crate::rollup::grade_of(&ballot.grade))
                            .flatten();
                        form.reason = ballot.reason.clone();
                        form.secretary = ballot.secretary.clone();
                    }
                    None => {
                        form.votes = [0; 4];
                        form.grade = None;
                        form.reason.clear();
                        form.secretary = branch
                            .as_ref()
                            .and_then(|b| self.duty.as_ref()?.secretaries.get(b).cloned())
                            .unwrap_or_default();
                    }
                }
                form.branch = branch;
            }
            CommitteeCommand::EnterBallot => {
                let (year, form) = (self.year, self.duty_form.clone());
                let Some(branch) = form.branch.clone() else { return };
                self.run(ctx, move |client| {
                    let votes = form.votes.map(|v| i32::try_from(v).unwrap_or(i32::MAX));
                    let rules = RuleSet::default();
                    let ballot = crate::rollup::duty_ballot(
                        client,
                        &rules,
                        &branch,
                        votes,
                        form.grade,
                        &form.reason,
                        Some(&form.secretary),
                    )?;
                    zhibu_committee::duty::enter(client, year, &ballot)?;
                    Ok(Done::DutyChanged(format!(
                        "已录入：{}，按票数为“{}”，确定为“{}”",
                        ballot.secretary, ballot.ballot_grade, ballot.grade
                    )))
                });
            }
            CommitteeCommand::ExportResults(path) => {
                let Some(path) = path else {
                    // The dialog runs on a thread of its own (a blocking dialog in the frame
                    // freezes the window); its answer comes back as this command with the path.
                    let dialog = super::picker::Dialog::Save {
                        title: "保存结果汇总到",
                        file_name: format!("{}年度述职评议考核结果.docx", self.year),
                        filter: Some(("Word 文档", &["docx"])),
                    };
                    let (send, receive) = channel();
                    let ctx = ctx.clone();
                    let shown = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
                        let _ = send.send(super::picker::show(&dialog));
                        ctx.request_repaint();
                    });
                    if shown.is_ok() {
                        self.saving = Some(receive);
                    }
                    return;
                };
                let (year, unit, templates) = (self.year, self.duty_form.unit.clone(), self.templates.clone());
                self.run(ctx, move |client| {
                    let catalog = match templates {
                        Some((plugins, cache)) => zhibu_report::services::report::Catalog::open(&cache, &plugins)?,
                        None => zhibu_report::services::report::Catalog::load(
                            zhibu_report::plugin_host::PluginHost::new(Default::default(), None)?,
                            None,
                        )?,
                    };
                    let params = [("year".to_owned(), year.to_string())];
                    let now = chrono::Local::now().naive_local();
                    let written =
                        crate::rollup::render(client, &catalog, "duty-assessment", &params, &unit, now, &path)?;
                    Ok(Done::Exported(format!("已生成：{}", written.display())))
                });
            }
            CommitteeCommand::Decide { branch, pass, opinion } => {
                let year = self.year;
                self.run(ctx, move |client| {
                    let verdict = if pass { "通过" } else { "退回" };
                    let review = zhibu_committee::review::decide(client, &branch, year, SUBMISSION, verdict, &opinion)?;
                    Ok(Done::Decided(format!("已{}（审核至第{}号变更）", review.verdict, review.counter)))
                });
            }
        }
    }

    fn poll(&mut self, ctx: &egui::Context) {
        if let Some(answer) = self.saving.as_ref().and_then(|r| r.try_recv().ok()) {
            self.saving = None;
            if let Some(path) = answer {
                self.commands.push(CommitteeCommand::ExportResults(Some(path)));
            }
        }
        let Some(receive) = &self.busy else { return };
        let Ok(result) = receive.try_recv() else { return };
        self.busy = None;
        match result {
            Ok(Done::Loaded(loaded)) => {
                self.notice = Some((
                    format!("已读取 {} 个支部（用时 {:.1} 秒）", loaded.branches.len(), loaded.took.as_secs_f64()),
                    false,
                ));
                self.data = Some(*loaded);
            }
            Ok(Done::Decided(text)) => {
                self.notice = Some((text, false));
                self.commands.push(CommitteeCommand::Load(self.year));
            }
            Ok(Done::DutyLoaded(duty)) => {
                if let Some(meeting) = &duty.meeting {
                    self.duty_form.held_on.clone_from(&meeting.held_on);
                    self.duty_form.voters = meeting.voters_expected.unsigned_abs();
                    self.duty_form.title.clone_from(&meeting.title);
                }
                self.duty = Some(*duty);
                // The editor shows what is stored for its branch now (the saved ballots, corrected).
                let branch = self.duty_form.branch.clone();
                self.commands.insert(0, CommitteeCommand::SelectBallot(branch));
            }
            Ok(Done::DutyChanged(text)) => {
                self.notice = Some((text, false));
                self.commands.push(CommitteeCommand::LoadDuty);
            }
            Ok(Done::Exported(text)) => self.notice = Some((text, false)),
            Err(text) => self.notice = Some((text, true)),
        }
        ctx.request_repaint();
    }

    fn tour_step(&mut self, ctx: &egui::Context) {
        let Some(tour) = &mut self.tour else { return };
        tour.drawn += 1;
        if tour.drawn == 2
            && let Some(started) = tour.started
        {
            eprintln!("首帧用时：{:.0} 毫秒", started.elapsed().as_secs_f64() * 1000.0);
        }
        if self.data.is_none() || self.busy.is_some() {
            ctx.request_repaint_after(Duration::from_millis(20));
            return;
        }
        if tour.frames == 0
            && let Some(started) = tour.started.take()
        {
            eprintln!("数据就绪用时：{:.0} 毫秒", started.elapsed().as_secs_f64() * 1000.0);
        }
        let shot = tour.shot.lock().ok().and_then(|mut slot| slot.take());
        if let Some(image) = shot {
            let number = tour.tabs.len();
            if let Some(tab) = tour.tabs.pop() {
                let path = tour.dir.join(format!("{:02}-{}.png", Tab::ALL.len() + 1 - number, tab.file()));
                if let Err(error) = super::widgets::save_color_image(&path, &image) {
                    eprintln!("截图保存失败（{error}）：{}", path.display());
                }
            }
            tour.frames = 0;
            if tour.tabs.is_empty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                self.tour = None;
                return;
            }
        }
        if let Some(tab) = tour.tabs.last().copied() {
            self.tab = tab;
            // The meeting's ballots with the first entered one in the editor.
            if tab == Tab::Duty {
                match &self.duty {
                    None if tour.frames == 0 => self.commands.push(CommitteeCommand::LoadDuty),
                    Some(duty) if self.duty_form.branch.is_none() && self.commands.is_empty() => {
                        if let Some(first) = duty.ballots.first() {
                            self.commands.push(CommitteeCommand::SelectBallot(Some(first.branch.clone())));
                            tour.frames = 0;
                        }
                    }
                    _ => {}
                }
            }
            // The review list with a branch selected, so the decision panel shows.
            if tab == Tab::Status && self.selected.is_none() && tour.frames == 0 {
                let first = self.data.as_ref().and_then(|d| d.compliance.iter().find(|b| b.compliance.is_some()));
                let first = first.map(|b| b.uuid.clone());
                self.commands.push(CommitteeCommand::Select(first));
            }
        }
        tour.frames += 1;
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

/// The committee tour's state.
struct CommitteeTour {
    dir: PathBuf,
    tabs: Vec<Tab>,
    started: Option<Instant>,
    frames: u32,
    drawn: u32,
    shot: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
}

impl eframe::App for CommitteeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll(ctx);
        // One step at a time: a command waits while the database is busy (and the first until
        // the first frame is drawn).
        if !self.drawn {
            ctx.request_repaint();
        }
        while self.drawn && self.busy.is_none() && !self.commands.is_empty() {
            let command = self.commands.remove(0);
            self.apply(ctx, command);
        }
        self.tour_step(ctx);
        super::app::apply_theme(ctx, "system");
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let commands = &mut self.commands;
        egui::Panel::top("committee-top").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("支部工作台 · 上级党组织");
                ui.separator();
                ui.label(&self.place);
                ui.separator();
                if ui.small_button("◀").on_hover_text("上一年度").clicked() {
                    commands.push(CommitteeCommand::Load(self.year - 1));
                }
                ui.strong(format!("{}年度", self.year));
                if ui.small_button("▶").on_hover_text("下一年度").clicked() {
                    commands.push(CommitteeCommand::Load(self.year + 1));
                }
                if ui.button("刷新").clicked() {
                    commands.push(CommitteeCommand::Load(self.year));
                }
            });
        });
        egui::Panel::bottom("committee-status").show(ui, |ui| {
            ui.horizontal(|ui| {
                if self.busy.is_some() {
                    ui.spinner();
                    ui.label("正在读取委员会数据库……");
                } else {
                    match &self.notice {
                        Some((text, true)) => {
                            ui.colored_label(ui.visuals().error_fg_color, text);
                        }
                        Some((text, false)) => {
                            ui.label(text);
                        }
                        None => {
                            ui.label("就绪");
                        }
                    }
                }
            });
        });
        egui::Panel::left("committee-nav").resizable(false).exact_size(130.0).show(ui, |ui| {
            ui.add_space(8.0);
            for tab in Tab::ALL {
                let button = egui::Button::selectable(self.tab == tab, tab.label()).min_size(egui::vec2(114.0, 34.0));
                if ui.add(button).clicked() {
                    commands.push(CommitteeCommand::Tab(tab));
                }
            }
        });
        let busy = self.busy.is_some();
        egui::CentralPanel::default().show(ui, |ui| {
            let Some(data) = &self.data else {
                ui.label(if self.busy.is_some() {
                    "正在读取……"
                } else {
                    "没有读到数据（见下方状态栏）。"
                });
                return;
            };
            match self.tab {
                Tab::Status => {
                    status_ui(ui, data, self.year, self.selected.as_deref(), &mut self.opinion, busy, commands)
                }
                Tab::Compliance => compliance_ui(ui, data, self.year),
                Tab::Ranking => ranking_ui(ui, data, self.year),
                Tab::Duty => duty_ui(ui, data, self.duty.as_ref(), &mut self.duty_form, self.year, busy, commands),
            }
        });
        self.drawn = true;
    }
}

/// Each branch's submission; the selected one's findings and the decision on the right.
fn status_ui(
    ui: &mut egui::Ui,
    data: &Loaded,
    year: i32,
    selected: Option<&str>,
    opinion: &mut String,
    busy: bool,
    commands: &mut Vec<CommitteeCommand>,
) {
    let states: Vec<(&BranchEntry, Submission, Option<&Review>)> = data
        .branches
        .iter()
        .map(|b| {
            let review = data.reviews.iter().find(|r| r.branch == b.uuid && r.topic == SUBMISSION);
            (b, Submission::of(b, review), review)
        })
        .collect();
    let missing: Vec<&str> =
        states.iter().filter(|(_, s, _)| *s == Submission::NotReported).map(|(b, _, _)| b.name.as_str()).collect();
    let count = |wanted: Submission| states.iter().filter(|(_, s, _)| *s == wanted).count();
    ui.heading(format!("{year}年度报送审核"));
    ui.label(format!(
        "登记 {} 个支部：待审核 {}，退回后重新报送 {}，已退回 {}，已通过 {}，未报送 {}",
        states.len(),
        count(Submission::Awaiting),
        count(Submission::Resubmitted),
        count(Submission::Returned),
        count(Submission::Passed),
        missing.len()
    ));
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(12).copied().collect();
        let more = if missing.len() > shown.len() { format!(" 等 {} 个", missing.len()) } else { String::new() };
        ui.colored_label(ui.visuals().warn_fg_color, format!("请催报：{}{more}", shown.join("、")));
    }
    ui.separator();
    let findings: std::collections::HashMap<&str, &BranchReport> =
        data.compliance.iter().map(|r| (r.uuid.as_str(), r)).collect();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    ui.columns(2, |columns| {
        columns[0].push_id("committee-status-table", |ui| {
            let height = ui.available_height();
            TableBuilder::new(ui)
                .striped(true)
                .sense(egui::Sense::click())
                .max_scroll_height(height)
                .column(Column::exact(210.0))
                .column(Column::exact(170.0))
                .column(Column::exact(90.0))
                .column(Column::remainder())
                .header(row_height, |mut header| {
                    for title in ["支部", "状态", "报送至", "问题/违规"] {
                        header.col(|ui| {
                            // Never wrapped: a header broken over two lines hides under the rows.
                            ui.add(egui::Label::new(egui::RichText::new(title).strong()).extend());
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, states.len(), |mut row| {
                        let Some((branch, state, _)) = states.get(row.index()) else { return };
                        let is_selected = selected == Some(branch.uuid.as_str());
                        row.set_selected(is_selected);
                        row.col(|ui| {
                            // A button as well as the row: reachable by keyboard and screen readers.
                            if ui.add(egui::Button::selectable(is_selected, &branch.name).truncate()).clicked() {
                                commands.push(CommitteeCommand::Select(Some(branch.uuid.clone())));
                            }
                        });
                        row.col(|ui| {
                            ui.label(state.label());
                        });
                        row.col(|ui| {
                            ui.label(if branch.acknowledged > 0 {
                                format!("第{}号", branch.acknowledged)
                            } else {
                                "—".into()
                            });
                        });
                        row.col(|ui| {
                            if let Some(c) = findings.get(branch.uuid.as_str()).and_then(|r| r.compliance.as_ref()) {
                                let violations =
                                    c.findings.iter().filter(|f| f.severity == Severity::Violation).count();
                                ui.label(format!("{}/{}", c.findings.len(), violations));
                            }
                        });
                        if row.response().clicked() {
                            commands.push(CommitteeCommand::Select(Some(branch.uuid.clone())));
                        }
                    });
                });
        });
        let ui = &mut columns[1];
        let Some((branch, state, review)) = states.iter().find(|(b, _, _)| Some(b.uuid.as_str()) == selected) else {
            ui.label("在左侧选择一个支部，查看它报送的记录核查结果并审核。");
            return;
        };
        ui.heading(&branch.name);
        ui.label(format!(
            "{}；报送至第{}号变更（{}，{}条记录）",
            state.label(),
            branch.acknowledged,
            branch.last_received.as_deref().unwrap_or("—"),
            branch.records
        ));
        if let Some(review) = review {
            ui.label(format!("上次审核：{}（{}，{}）", review.verdict, review.decided_at, review.decided_by));
        }
        let report = findings.get(branch.uuid.as_str()).and_then(|r| r.compliance.as_ref());
        egui::ScrollArea::vertical().id_salt("committee-findings").max_height(ui.available_height() - 150.0).show(
            ui,
            |ui| match report {
                None => {
                    ui.label("尚未报送记录。");
                }
                Some(report) if report.findings.is_empty() => {
                    ui.label("按规则核查未发现问题。");
                }
                Some(report) => {
                    for finding in &report.findings {
                        let color = if finding.severity == Severity::Violation {
                            ui.visuals().error_fg_color
                        } else {
                            ui.visuals().text_color()
                        };
                        ui.colored_label(color, format!("· {}", finding.message)).on_hover_text(&finding.clause);
                    }
                }
            },
        );
        ui.separator();
        let label = ui.label("审核意见（退回时必填）");
        ui.add(egui::TextEdit::multiline(opinion).desired_rows(3).desired_width(f32::INFINITY)).labelled_by(label.id);
        ui.horizontal(|ui| {
            let can = !busy && branch.acknowledged > 0;
            if ui.add_enabled(can, egui::Button::new("通过")).clicked() {
                commands.push(CommitteeCommand::Decide {
                    branch: branch.uuid.clone(),
                    pass: true,
                    opinion: opinion.clone(),
                });
            }
            if ui.add_enabled(can && !opinion.trim().is_empty(), egui::Button::new("退回")).clicked() {
                commands.push(CommitteeCommand::Decide {
                    branch: branch.uuid.clone(),
                    pass: false,
                    opinion: opinion.clone(),
                });
            }
        });
    });
}

/// Each reported branch's figures, most violations first.
fn compliance_ui(ui: &mut egui::Ui, data: &Loaded, year: i32) {
    let mut reported: Vec<(&BranchReport, &zhibu_core::rules::BranchCompliance)> =
        data.compliance.iter().filter_map(|r| r.compliance.as_ref().map(|c| (r, c))).collect();
    let violations = |c: &zhibu_core::rules::BranchCompliance| {
        c.findings.iter().filter(|f| f.severity == Severity::Violation).count()
    };
    reported
        .sort_by_key(|(r, c)| (std::cmp::Reverse(violations(c)), std::cmp::Reverse(c.findings.len()), r.name.clone()));
    ui.heading(format!("{year}年度组织生活核查"));
    ui.label(format!(
        "已报送 {} 个支部，共 {} 处违规、{} 处预警；按各支部报送的记录，以支部电脑上的同一套规则计算。",
        reported.len(),
        reported.iter().map(|(_, c)| violations(c)).sum::<usize>(),
        reported.iter().map(|(_, c)| c.findings.len() - violations(c)).sum::<usize>()
    ));
    ui.separator();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    ui.push_id("committee-compliance-table", |ui| {
        let height = ui.available_height();
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(height)
            .column(Column::exact(200.0))
            .column(Column::exact(140.0))
            .column(Column::exact(80.0))
            .column(Column::exact(70.0))
            .column(Column::exact(70.0))
            .column(Column::remainder())
            .header(row_height, |mut header| {
                for title in ["支部", "党员（正式/预备）", "出席率", "违规", "预警", "首要问题"] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, reported.len(), |mut row| {
                    let Some((report, c)) = reported.get(row.index()) else { return };
                    row.col(|ui| {
                        ui.add(egui::Label::new(&report.name).truncate());
                    });
                    row.col(|ui| {
                        ui.label(format!("{}/{}", c.full_members, c.probationary_members));
                    });
                    row.col(|ui| {
                        ui.label(c.attendance_rate.map_or_else(|| "—".to_owned(), |r| format!("{r}%")));
                    });
                    row.col(|ui| {
                        ui.label(violations(c).to_string());
                    });
                    row.col(|ui| {
                        ui.label((c.findings.len() - violations(c)).to_string());
                    });
                    row.col(|ui| {
                        if let Some(first) = c.findings.first() {
                            ui.add(egui::Label::new(&first.message).truncate()).on_hover_text(&first.clause);
                        }
                    });
                });
            });
    });
}

/// Each sheet's ranking across branches, with its quotas.
fn ranking_ui(ui: &mut egui::Ui, data: &Loaded, year: i32) {
    ui.heading(format!("{year}年度星级评定排名"));
    if data.rankings.is_empty() {
        ui.label("该年度还没有支部报送星级评定结果。");
        return;
    }
    let names: std::collections::HashMap<&str, &str> =
        data.branches.iter().map(|b| (b.uuid.as_str(), b.name.as_str())).collect();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    egui::ScrollArea::vertical().id_salt("committee-rankings").show(ui, |ui| {
        for ranking in &data.rankings {
            egui::CollapsingHeader::new(format!("{}（{}个评定对象）", ranking.name, ranking.rows.len()))
                .id_salt(&ranking.key)
                .default_open(true)
                .show(ui, |ui| {
                    for quota in &ranking.quotas {
                        let text = format!(
                            "{}星名额：不超过{}%，即{}个；实评{}个",
                            quota.stars, quota.max_percent, quota.allowed, quota.count
                        );
                        if quota.exceeded() {
                            ui.colored_label(ui.visuals().warn_fg_color, format!("{text}，超出名额"));
                        } else {
                            ui.label(text);
                        }
                    }
                    ui.push_id(&ranking.key, |ui| {
                        TableBuilder::new(ui)
                            .striped(true)
                            .max_scroll_height(320.0)
                            .column(Column::exact(60.0))
                            .column(Column::exact(200.0))
                            .column(Column::exact(200.0))
                            .column(Column::exact(70.0))
                            .column(Column::remainder())
                            .header(row_height, |mut header| {
                                for title in ["名次", "评定对象", "所属支部", "总分", "星级"] {
                                    header.col(|ui| {
                                        ui.strong(title);
                                    });
                                }
                            })
                            .body(|body| {
                                body.rows(row_height, ranking.rows.len(), |mut row| {
                                    let Some(r) = ranking.rows.get(row.index()) else { return };
                                    row.col(|ui| {
                                        ui.label(r.rank.to_string());
                                    });
                                    row.col(|ui| {
                                        ui.add(egui::Label::new(&r.name).truncate());
                                    });
                                    row.col(|ui| {
                                        ui.add(
                                            egui::Label::new(names.get(r.branch.as_str()).copied().unwrap_or(""))
                                                .truncate(),
                                        );
                                    });
                                    row.col(|ui| {
                                        ui.label(format!("{:.1}", r.total));
                                    });
                                    row.col(|ui| {
                                        ui.label(zhibu_core::domain::star_string(r.stars));
                                    });
                                });
                            });
                    });
                });
        }
    });
}

/// The year-end 述职评议考核: the meeting (recorded once), each branch's secretary with the
/// ballots entered, the editor for the selected one (the grade the votes point to shown as they
/// are typed, by the same rule the store uses), and the results document.
fn duty_ui(
    ui: &mut egui::Ui,
    data: &Loaded,
    duty: Option<&DutyData>,
    form: &mut DutyForm,
    year: i32,
    busy: bool,
    commands: &mut Vec<CommitteeCommand>,
) {
    ui.heading(format!("{year}年度基层党组织书记述职评议考核"));
    let Some(duty) = duty else {
        ui.label("正在读取……");
        return;
    };
    ui.horizontal(|ui| {
        let label = ui.label("会议日期");
        ui.add(egui::TextEdit::singleline(&mut form.held_on).hint_text("YYYY-MM-DD").desired_width(110.0))
            .labelled_by(label.id);
        let label = ui.label("应到人数");
        ui.add(egui::DragValue::new(&mut form.voters).range(1..=100_000)).labelled_by(label.id);
        let label = ui.label("会议名称");
        ui.add(
            egui::TextEdit::singleline(&mut form.title).hint_text("默认为年度述职评议考核会议").desired_width(380.0),
        )
        .labelled_by(label.id);
        let date_ok = chrono::NaiveDate::parse_from_str(form.held_on.trim(), "%Y-%m-%d").is_ok();
        let text = if duty.meeting.is_some() { "修改会议" } else { "登记会议" };
        if ui.add_enabled(!busy && date_ok, egui::Button::new(text)).clicked() {
            commands.push(CommitteeCommand::HoldMeeting {
                held_on: form.held_on.trim().to_owned(),
                voters: form.voters,
                title: form.title.clone(),
            });
        }
    });
    let Some(meeting) = &duty.meeting else {
        ui.label("先登记本年度的述职评议考核会议（日期、应到人数），再录入各书记的测评票数。");
        return;
    };
    let counts: Vec<String> = zhibu_core::domain::ReviewGrade::ALL
        .iter()
        .map(|g| format!("{}{}人", g.label(), duty.ballots.iter().filter(|b| b.grade == g.label()).count()))
        .collect();
    ui.label(format!(
        "{}（{}，应到{}人）：已录入{}个支部，共{}个；{}",
        meeting.title,
        meeting.held_on,
        meeting.voters_expected,
        duty.ballots.len(),
        data.branches.len(),
        counts.join("、")
    ));
    ui.separator();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let rules = RuleSet::default();
    ui.columns(2, |columns| {
        columns[0].push_id("committee-duty-table", |ui| {
            let height = ui.available_height() - 60.0;
            TableBuilder::new(ui)
                .striped(true)
                .sense(egui::Sense::click())
                .max_scroll_height(height)
                .column(Column::exact(200.0))
                .column(Column::exact(80.0))
                .column(Column::exact(130.0))
                .column(Column::remainder())
                .header(row_height, |mut header| {
                    for title in ["支部", "书记", "好/较好/一般/差", "等次"] {
                        header.col(|ui| {
                            ui.add(egui::Label::new(egui::RichText::new(title).strong()).extend());
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, data.branches.len(), |mut row| {
                        let Some(branch) = data.branches.get(row.index()) else { return };
                        let ballot = duty.ballots.iter().find(|b| b.branch == branch.uuid);
                        let is_selected = form.branch.as_deref() == Some(branch.uuid.as_str());
                        row.set_selected(is_selected);
                        row.col(|ui| {
                            if ui.add(egui::Button::selectable(is_selected, &branch.name).truncate()).clicked() {
                                commands.push(CommitteeCommand::SelectBallot(Some(branch.uuid.clone())));
                            }
                        });
                        row.col(|ui| {
                            let name = ballot
                                .map(|b| b.secretary.as_str())
                                .or(duty.secretaries.get(&branch.uuid).map(String::as_str));
                            ui.label(name.unwrap_or("—"));
                        });
                        row.col(|ui| {
                            ui.label(ballot.map_or_else(
                                || "未录入".to_owned(),
                                |b| format!("{}/{}/{}/{}", b.votes[0], b.votes[1], b.votes[2], b.votes[3]),
                            ));
                        });
                        row.col(|ui| {
                            if let Some(b) = ballot {
                                ui.label(if b.grade == b.ballot_grade {
                                    b.grade.clone()
                                } else {
                                    format!("{}（按票数{}）", b.grade, b.ballot_grade)
                                });
                            }
                        });
                        if row.response().clicked() {
                            commands.push(CommitteeCommand::SelectBallot(Some(branch.uuid.clone())));
                        }
                    });
                });
        });
        let ui = &mut columns[1];
        match form.branch.as_deref().and_then(|b| data.branches.iter().find(|x| x.uuid == b)) {
            None => {
                ui.label("在左侧选择一个支部，录入其书记的测评票数。");
            }
            Some(branch) => ballot_editor_ui(ui, &branch.name, meeting.voters_expected, form, &rules, busy, commands),
        }
    });
    ui.separator();
    ui.horizontal(|ui| {
        let label = ui.label("发文单位");
        ui.add(egui::TextEdit::singleline(&mut form.unit).hint_text("如：中共某某街道工作委员会").desired_width(300.0))
            .labelled_by(label.id);
        let can = !busy && !duty.ballots.is_empty() && !form.unit.trim().is_empty();
        if ui
            .add_enabled(can, egui::Button::new("生成结果汇总（Word）"))
            .on_hover_text("用“述职评议考核结果汇总”模板生成本年度的结果通报")
            .clicked()
        {
            commands.push(CommitteeCommand::ExportResults(None));
        }
    });
}

/// One secretary's ballots: the four counts, the grade they point to, the grade decided and why.
fn ballot_editor_ui(
    ui: &mut egui::Ui,
    branch: &str,
    voters: i32,
    form: &mut DutyForm,
    rules: &RuleSet,
    busy: bool,
    commands: &mut Vec<CommitteeCommand>,
) {
    ui.heading(branch);
    ui.horizontal(|ui| {
        let label = ui.label("书记");
        ui.add(egui::TextEdit::singleline(&mut form.secretary).desired_width(120.0)).labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        for (i, name) in ["好", "较好", "一般", "差"].into_iter().enumerate() {
            let label = ui.label(name);
            ui.add(egui::DragValue::new(&mut form.votes[i]).range(0..=100_000)).labelled_by(label.id);
        }
    });
    let tally = zhibu_core::domain::BallotTally {
        excellent: form.votes[0],
        good: form.votes[1],
        fair: form.votes[2],
        poor: form.votes[3],
    };
    let (pointed, rule) = zhibu_core::rules::review_grade(&tally, &rules.duty_review);
    let cast: u32 = form.votes.iter().sum();
    let too_many = i64::from(cast) > i64::from(voters);
    ui.label(format!("有效票{cast}张（应到{voters}人）；按票数为“{}”", pointed.label())).on_hover_text(rule);
    if too_many {
        ui.colored_label(ui.visuals().error_fg_color, "票数合计超过应到人数");
    }
    ui.horizontal(|ui| {
        ui.label("确定等次");
        let shown = form.grade.map_or_else(|| format!("按票数（{}）", pointed.label()), |g| g.label().to_owned());
        egui::ComboBox::from_id_salt("duty-grade").selected_text(shown).show_ui(ui, |ui| {
            ui.selectable_value(&mut form.grade, None, format!("按票数（{}）", pointed.label()));
            for grade in zhibu_core::domain::ReviewGrade::ALL {
                ui.selectable_value(&mut form.grade, Some(grade), grade.label());
            }
        });
    });
    let differs = form.grade.is_some_and(|g| g != pointed);
    let label = ui.label(if differs { "理由（确定等次与票数不同，必填）" } else { "理由" });
    ui.add(egui::TextEdit::multiline(&mut form.reason).desired_rows(2).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    let reason_missing = differs && form.reason.trim().is_empty();
    let can = !(busy || cast == 0 || too_many || reason_missing);
    if ui.add_enabled(can, egui::Button::new("保存测评结果")).clicked() {
        commands.push(CommitteeCommand::EnterBallot);
    }
}
