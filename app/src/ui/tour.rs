//! The `--screenshots` tour: every screen, the meeting and election editors and the duty review's preview
//! photographed in turn (through `ctx.request_screenshot`, so both renderers work), then the
//! window closes. `scripts/screenshots.sh` runs it under Xvfb.

use super::app::{App, Screen};
use super::command::Command;
use super::reports;
use std::path::PathBuf;
use std::sync::Arc;

impl App {
    /// Photographs each screen into `dir` (PNG), then closes the window.
    /// `started` is when the program started; the time to the first frame is printed from it.
    pub fn start_screenshot_tour(&mut self, dir: PathBuf, started: Option<std::time::Instant>) {
        // Taken from the end: the screens in navigation order, then the editor and the preview.
        let mut screens = vec![
            TourShot::ReportPreview,
            TourShot::SheetEditor,
            TourShot::RatingBoard,
            TourShot::Register,
            TourShot::AppraisalForm,
            TourShot::ElectionEditor,
            TourShot::MeetingEditor,
        ];
        screens.extend(Screen::ALL.iter().rev().map(|s| TourShot::Screen(*s)));
        self.offer_demo = false;
        self.ask_operator = None;
        self.tour = Some(Tour { dir, screens, frames: 0, shot: Arc::default(), started, drawn: 0, prepared: false });
    }

    pub(super) fn tour_step(&mut self, ctx: &egui::Context) {
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
                // The editors and the preview come after the screens, numbered on from them.
                Some(TourShot::MeetingEditor) => format!("{:02}-meeting-editor.png", Screen::ALL.len() + 1),
                Some(TourShot::ElectionEditor) => format!("{:02}-election-editor.png", Screen::ALL.len() + 2),
                Some(TourShot::AppraisalForm) => format!("{:02}-appraisal-form.png", Screen::ALL.len() + 3),
                Some(TourShot::Register) => format!("{:02}-volunteer-register.png", Screen::ALL.len() + 4),
                Some(TourShot::RatingBoard) => format!("{:02}-rating-board.png", Screen::ALL.len() + 5),
                Some(TourShot::SheetEditor) => format!("{:02}-rating-sheet-editor.png", Screen::ALL.len() + 6),
                Some(TourShot::ReportPreview) | None => format!("{:02}-report-preview.png", Screen::ALL.len() + 7),
            };
            let path = tour.dir.join(name);
            if let Err(error) = super::widgets::save_color_image(&path, &image) {
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
        // The opening work (templates, the first load) runs in the background: wait for it.
        if self.state.as_ref().is_ok_and(|w| w.loading) {
            ctx.request_repaint();
            return;
        }
        if !tour.prepared {
            tour.prepared = true;
            self.screen = next.screen();
            if let Ok(workspace) = &mut self.state {
                match next {
                    TourShot::Screen(Screen::Organizations) => {
                        // A branch with its committee and election, rather than an empty pane.
                        let branch = workspace.data.elections.last().map(|e| e.record.org);
                        if let Some(branch) = branch {
                            workspace.orgs.select(branch, &workspace.data);
                        }
                    }
                    TourShot::Screen(Screen::Dues) => {
                        // A branch where someone has fallen behind, so the grid shows what it marks.
                        workspace.dues.branch = flagged_member(&workspace.data).map(|(branch, _)| branch);
                    }
                    TourShot::Screen(_) => {}
                    TourShot::Register => {
                        // A branch with a register: residents, 双报到 members and a team.
                        let volunteer = &mut workspace.volunteer;
                        volunteer.register_tab = true;
                        volunteer.branch = workspace.data.teams.first().map(|t| t.record.branch);
                    }
                    TourShot::AppraisalForm => {
                        // A flagged member: the year beside the form and a suggestion held back.
                        let reviews = &mut workspace.reviews;
                        reviews.tab = super::reviews::Tab::Appraisal;
                        if let Some((branch, member)) = flagged_member(&workspace.data) {
                            reviews.branch = Some(branch);
                            reviews.appraisal_member = Some(member);
                            reviews.appraisal_votes = [9, 4, 0, 0];
                        }
                    }
                    TourShot::RatingBoard | TourShot::SheetEditor => {
                        // The 小区 sheet: bound indicators, moves since last year, quotas.
                        let reviews = &mut workspace.reviews;
                        reviews.tab = super::reviews::Tab::Stars;
                        let sheet = workspace.data.schemes.iter().rfind(|s| s.record.key == "compound-star");
                        let stars = &mut reviews.stars;
                        stars.scheme = sheet.map(|s| s.id);
                        if next == TourShot::SheetEditor {
                            stars.part = super::ratings::Part::Sheets;
                            stars.sheet = sheet.map(|s| super::ratings::SheetForm::of(s.id, &s.record, true));
                        } else {
                            stars.part = super::ratings::Part::Results;
                            // Ratings are made in December: before then, last year's results.
                            if !workspace.data.boards.iter().any(|b| b.scheme.record.key == "compound-star") {
                                self.commands.push(Command::SetYear(workspace.year - 1));
                            }
                            // The first compound in the form: its bound indicators filled in from the records.
                            stars.subject = workspace
                                .data
                                .subjects
                                .iter()
                                .find(|s| s.record.kind == zhibu_core::domain::RatingSubjectKind::ResidentialCompound)
                                .map(|s| s.id);
                        }
                    }
                    TourShot::MeetingEditor => workspace.meetings.new_form(&workspace.data, workspace.year),
                    TourShot::ElectionEditor => {
                        // The newest election of the demo, as recorded.
                        if let Some(election) = workspace.data.elections.iter().max_by_key(|e| e.record.held_on) {
                            workspace.orgs.election = Some(super::elections::ElectionEditor::from_stored(
                                election.id,
                                &election.record,
                                &workspace.data,
                            ));
                        }
                    }
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
        // A preview waits for its job, a screen for the worker.
        let busy = self.state.as_ref().is_ok_and(|w| w.is_busy()) || !self.commands.is_empty();
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
    /// The election editor on the newest election.
    ElectionEditor,
    /// The 民主评议 form on a member the year's records flag.
    AppraisalForm,
    /// The volunteer register of a branch with a service team.
    Register,
    /// The star-rating results of the 小区 sheet with the rating form.
    RatingBoard,
    /// The 小区 sheet in the sheet editor.
    SheetEditor,
    /// The report centre showing the duty review's preview.
    ReportPreview,
}

impl TourShot {
    fn screen(self) -> Screen {
        match self {
            Self::Screen(screen) => screen,
            Self::MeetingEditor => Screen::Meetings,
            Self::ElectionEditor => Screen::Organizations,
            Self::AppraisalForm => Screen::Reviews,
            Self::Register => Screen::Volunteer,
            Self::RatingBoard | Self::SheetEditor => Screen::Reviews,
            Self::ReportPreview => Screen::Reports,
        }
    }
}

/// Screens still to photograph for `--screenshots`.
pub(super) struct Tour {
    dir: PathBuf,
    screens: Vec<TourShot>,
    frames: u32,
    shot: Arc<std::sync::Mutex<Option<Arc<egui::ColorImage>>>>,
    started: Option<std::time::Instant>,
    drawn: u32,
    prepared: bool,
}

/// The branch and a member of it the year's compliance flags for unpaid dues (else for inactivity).
fn flagged_member(data: &super::workspace::Data) -> Option<(zhibu_core::domain::OrgId, zhibu_core::domain::MemberId)> {
    use zhibu_core::rules::FindingCode;
    let branches = data.compliance.as_ref().map(|c| c.branches.as_slice()).unwrap_or_default();
    [FindingCode::DuesUnpaid, FindingCode::InactiveMember].into_iter().find_map(|code| {
        branches
            .iter()
            .find_map(|b| b.findings.iter().find(|f| f.code == code).and_then(|f| Some((b.branch, f.member?))))
    })
}

fn screen_file(screen: Screen) -> &'static str {
    match screen {
        Screen::Dashboard => "dashboard",
        Screen::Organizations => "organizations",
        Screen::Members => "members",
        Screen::Meetings => "meetings",
        Screen::Reviews => "reviews",
        Screen::Volunteer => "volunteer",
        Screen::Dues => "dues",
        Screen::Reports => "reports",
        Screen::Reporting => "reporting",
        Screen::Plugins => "plugins",
        Screen::Audit => "audit",
        Screen::Settings => "settings",
    }
}
