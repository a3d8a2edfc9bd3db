//! What the screens ask for ([`Command`]) and how [`Workspace::apply`] carries it out: store
//! writes, imports, backups, the demo and plugin work go to the background worker as tasks,
//! reports to a background job; [`Workspace::poll`] takes in what finished.

use super::app::{Problem, Screen};
use super::jobs::{Job, JobOutcome, JobRequest};
use super::ops::Op;
use super::picker::{Dialog, Then};
use super::worker::{Done, Effect, Task};
use super::workspace::{Paths, Workspace};
use std::path::{Path, PathBuf};
use zhibu_core::domain::{
    DutyReview, Meeting, MeetingId, Member, MemberAppraisal, MemberId, Organization, StarRating, VolunteerActivity,
};

impl Workspace {
    /// After a correction: the form it finished closes or shows the saved record.
    fn op_done(&mut self, form: super::ops::Form) {
        use super::ops::Form;
        match form {
            Form::Organization | Form::Term => self.orgs.saved(&form),
            Form::Election(id) => {
                self.orgs.election_saved(id);
                // A correction adds to the history the editor shows.
                self.worker.send(Task::ElectionHistory(id));
            }
            Form::Meeting(id) => {
                // Read again: the record as amended, with its new history.
                self.meetings.amended(id);
                self.worker.send(Task::OpenMeeting(id));
            }
            Form::DutyReview | Form::Appraisal => self.reviews.saved(),
            Form::StarRating | Form::Subject => self.reviews.stars.saved(),
            Form::Scheme(id) => self.reviews.stars.sheet_saved(id),
            Form::Volunteer => self.volunteer.saved(),
            Form::Dues => self.dues.saved(),
            Form::Register => self.volunteer.register_saved(),
            Form::Restored => {}
        }
    }
}

/// Something a screen asks for; [`App::logic`] carries it out next frame.
#[derive(Debug)]
pub enum Command {
    /// Go to a screen (asks first when the current form has unsaved changes).
    Navigate(Screen),
    /// Open the report centre on a template with these parameters (the rest at their defaults)
    /// and preview it: a record's own "make its document" button.
    OpenReport(String, Vec<(String, String)>),
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
    /// Read a meeting in full and open it in the editor.
    OpenMeeting(MeetingId),
    /// Show a native file dialog (on its own thread); the path becomes the command `Then` names.
    Pick(Dialog, Then),
    /// Attach a file to the meeting being edited.
    Attach(PathBuf),
    /// Restore what the last delete removed.
    UndoDelete,
    /// A correction after a record's first save (edit, dissolve, amend, delete, restore).
    Op(Op),
    /// Read the audit log rows (and the trash) for the viewer.
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
    /// Fill the empty database with the demo set.
    LoadDemo,
    /// Change the year the screens show.
    SetYear(i32),
    /// Set the operator name recorded in the audit log.
    SetOperator(String),
    /// Use the rule override file (TOML) instead of the built-in rules.
    LoadRules(PathBuf),
    /// Set the unit name printed on documents.
    SetUnitName(String),
    /// Save the colour theme (`system`, `light` or `dark`).
    SetTheme(String),
    /// Start rendering a report in the background.
    StartJob(JobRequest),
    /// Cancel the running job.
    CancelJob,
    /// Cancel the worker's running task (an import).
    CancelTask,
    /// Install a plugin package (folder or zip) the user consented to.
    InstallPlugin(PathBuf),
    /// Remove an installed plugin.
    RemovePlugin(String),
    /// Watch a developer folder and reload its plugin when the wasm changes.
    WatchDevFolder(Option<PathBuf>),
    /// Back up now to this file (outside the data folder the window asks for a passphrase first).
    BackupTo(PathBuf),
    /// Back up to this file encrypted with the passphrase the user set.
    BackupEncrypted(PathBuf, Passphrase),
    /// Restore from an encrypted backup with the passphrase the user typed.
    RestoreWith(PathBuf, Passphrase),
    /// Ask the user to confirm restoring from this backup (settings).
    ConfirmRestore(PathBuf),
    /// Read a plugin package (folder or zip) and ask for consent to install it.
    ReadPackage(PathBuf),
    /// Put a path into the report screen's 保存到 field.
    SetExportPath(PathBuf),
    /// Start a report job, asking first when it wants full ID and phone numbers.
    SubmitReport(Box<JobRequest>),
    /// Restore the database from a backup file (the window reopens it).
    Restore(PathBuf),
    /// Import a roster file (`dry_run` only reports).
    ImportMembers(PathBuf, bool),
    /// Check (`true`: a dry run) or import a sheet into a branch with these header mappings:
    /// the register, the volunteer hours, a dues list; all rows or none.
    ImportSheet(zhibu_core::services::import::Sheet, PathBuf, zhibu_core::domain::OrgId, Vec<(String, String)>, bool),
    /// Read a final election's corrections for its editor.
    LoadElectionHistory(zhibu_core::domain::ElectionId),
    /// Reporting up (上级报送): registration, connection file, push, package, feedback.
    Sync(super::reporting::SyncRequest),
}

/// A backup passphrase on its way to the worker: its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(pub String);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

/// What the last delete removed, so it can be put back: its row in the trash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    /// The trash row.
    pub trash: i64,
    /// What it was, for the button's tooltip.
    pub what: String,
}

impl Workspace {
    /// Carries out one command: what touches the database, the disk or the plugin engine goes to
    /// the background worker; the rest changes the window's own state. Returns the status-bar
    /// message, if there is one to show now.
    pub(super) fn apply(
        &mut self,
        ctx: &egui::Context,
        command: Command,
        paths: &Paths,
    ) -> Result<Option<String>, String> {
        let task = match command {
            Command::Navigate(_)
            | Command::DiscardAndNavigate(_)
            | Command::OpenReport(..)
            | Command::Restore(_)
            | Command::RestoreWith(..)
            | Command::Pick(..) => {
                return Ok(None);
            }
            Command::SaveMember(id, member) => Task::SaveMember(id, member),
            Command::DeleteMember(id) => Task::DeleteMember(id),
            Command::SaveMeeting(id, meeting, finalize) => Task::SaveMeeting(id, meeting, finalize),
            Command::DeleteMeeting(id) => Task::DeleteMeeting(id),
            Command::OpenMeeting(id) => Task::OpenMeeting(id),
            Command::Attach(path) => Task::Attach(path),
            Command::ConfirmRestore(path) => {
                self.settings.confirm_restore = Some(path);
                return Ok(None);
            }
            Command::ReadPackage(path) => Task::ReadPackage(path),
            Command::SetExportPath(path) => {
                self.reports.save_to = path.display().to_string();
                return Ok(None);
            }
            Command::SubmitReport(request) => {
                if zhibu_report::services::report::asks_personal_data(&request.params) {
                    self.reports.pending_consent = Some(*request);
                    return Ok(None);
                }
                return self.start_job(ctx, *request, paths);
            }
            Command::UndoDelete => {
                let Some(undo) = self.undo.take() else { return Ok(None) };
                Task::Op(Op::Restore(undo.trash))
            }
            Command::Op(op) => Task::Op(op),
            Command::LoadAudit(query) => Task::LoadAudit(query),
            Command::ExportAudit(query, path) => Task::ExportAudit(query, path),
            Command::SaveOrganization(org) => Task::SaveOrganization(org),
            Command::SaveDutyReview(review) => Task::SaveDutyReview(review),
            Command::SaveAppraisal(appraisal) => Task::SaveAppraisal(appraisal),
            Command::SaveStarRating(rating) => Task::SaveStarRating(rating),
            Command::SaveVolunteer(activity) => Task::SaveVolunteer(activity),
            Command::LoadDemo => Task::LoadDemo(self.data.today),
            Command::SetYear(year) => {
                self.year = year;
                Task::SetYear(year)
            }
            Command::SetOperator(name) => Task::SetOperator(name),
            Command::LoadRules(file) => Task::LoadRules(file),
            Command::SetUnitName(name) => Task::SetUnitName(name),
            Command::SetTheme(theme) => Task::SetTheme(theme),
            Command::StartJob(request) => return self.start_job(ctx, request, paths),
            Command::CancelJob => {
                if let Some(job) = &self.job {
                    job.cancel();
                }
                return Ok(Some("正在取消……".into()));
            }
            Command::CancelTask => {
                self.worker.cancel();
                return Ok(Some("正在取消……".into()));
            }
            Command::InstallPlugin(path) => {
                if self.job.is_some() {
                    return Err("报表生成期间不能安装插件".into());
                }
                Task::InstallPlugin(path)
            }
            Command::RemovePlugin(id) => Task::RemovePlugin(id),
            Command::WatchDevFolder(folder) => {
                self.plugins.watch(folder.clone());
                Task::ReloadCatalog { dev: folder, changed: false }
            }
            Command::BackupTo(path) => Task::BackupTo(path, None),
            Command::BackupEncrypted(path, passphrase) => Task::BackupTo(path, Some(passphrase)),
            Command::ImportSheet(sheet, file, branch, mapping, dry_run) => {
                Task::ImportSheet { sheet, file, branch, mapping, dry_run }
            }
            Command::Sync(request) => Task::Sync(request),
            Command::LoadElectionHistory(id) => Task::ElectionHistory(id),
            Command::ImportMembers(file, dry_run) => Task::ImportMembers {
                default_branch: self.members.import_default_branch(&file, &self.data),
                file,
                dry_run,
                mapping: self.members.import_mapping(),
                corrections: self.members.import_corrections(),
            },
        };
        self.worker.send(task);
        Ok(None)
    }

    fn start_job(&mut self, ctx: &egui::Context, request: JobRequest, paths: &Paths) -> Result<Option<String>, String> {
        if self.job.is_some() {
            return Err("已有报表在生成，请等待完成或取消".into());
        }
        let catalog = self.catalog()?;
        let (db, operator, rules) = (paths.db.clone(), self.operator.clone(), self.rules.clone());
        self.job = Some(Job::start(ctx.clone(), request, db, operator, rules, catalog));
        Ok(None)
    }

    /// Takes in what the worker finished: the new overview and templates first, then what the
    /// task means for the screens. Returns the status-bar message.
    pub(super) fn finished(
        &mut self,
        done: Done,
        offer_demo: &mut bool,
        paths: &Paths,
    ) -> Result<Option<String>, String> {
        if let Some(templates) = done.templates {
            match templates {
                Ok(catalog) => {
                    self.catalog = Some(catalog);
                    self.catalog_error = None;
                }
                Err(error) => self.catalog_error = Some(error),
            }
        }
        if let Some(data) = done.data {
            self.set_data(*data);
            // Every change is a new audit row: the viewer reads again when next shown.
            self.audit.invalidate();
        }
        match done.effect {
            Effect::None => {}
            Effect::Opened { empty, operator, year } => {
                self.loading = false;
                self.year = year;
                *offer_demo = empty;
                match operator {
                    Some(operator) => self.operator = operator,
                    None => self.ask_operator = true,
                }
                self.settings.load(&self.data, &self.operator, paths);
                // Where the branches stand with their committee, for the dashboard.
                self.reporting.requested = true;
                self.worker.send(Task::Sync(super::reporting::SyncRequest::Status));
            }
            Effect::Unopened { message, damaged, backup } => {
                self.loading = false;
                self.unopened =
                    Some(if damaged { Problem::Damaged { message, backup } } else { Problem::Unavailable(message) });
            }
            Effect::MemberSaved(id) => self.members.saved(id, &self.data),
            Effect::MemberDeleted(id, undo) => {
                self.undo = undo;
                self.members.deleted(id);
            }
            Effect::MeetingSaved(id, meeting) => match meeting {
                Ok(meeting) => {
                    let (meeting, amendments) = *meeting;
                    self.meetings.saved(id, meeting, amendments, &self.data);
                }
                Err(error) => return Err(format!("读取会议失败：{error}")),
            },
            Effect::MeetingDeleted(id, undo) => {
                self.undo = undo;
                self.meetings.deleted(id);
            }
            Effect::Op(form, undo) => {
                if undo.is_some() {
                    self.undo = undo;
                }
                self.op_done(form);
            }
            Effect::Audit(entries, trash, operators) => self.audit.loaded(entries, trash, operators),
            Effect::MeetingOpened(id, meeting) => self.meetings.opened(id, meeting.map(|m| *m), &self.data),
            Effect::Attached(attachment) => self.meetings.attach(attachment),
            Effect::OrganizationSaved | Effect::DemoLoaded => *offer_demo = false,
            Effect::DutyReviewSaved => self.reviews.saved(),
            Effect::VolunteerSaved => self.volunteer.saved(),
            Effect::Imported(file, report, problems, into) => self.members.imported(file, &report, problems, into),
            Effect::SheetImported(sheet, file, branch, result) => self.imports.done(sheet, file, branch, result),
            Effect::Sync(status, key_changed) => self.reporting.loaded(status, key_changed),
            Effect::ElectionHistory(id, history) => self.orgs.election_history(id, history),
            Effect::RulesLoaded(file, rules) => match rules {
                Ok(rules) => {
                    self.rules = *rules;
                    self.settings.rules_file = Some(file);
                    self.settings.rules_error = None;
                }
                Err(error) => self.settings.rules_error = Some(error),
            },
            Effect::OperatorSet(name) => self.operator = name,
            Effect::PackageRead(path, manifest) => self.plugins.package_read(path, manifest),
        }
        done.result
    }

    fn poll_job(&mut self) -> Option<Result<String, String>> {
        let outcome = self.job.as_ref()?.poll()?;
        self.job = None;
        Some(match outcome {
            JobOutcome::Preview(document, log) => {
                self.reports.preview = Some(*document);
                self.reports.log = log;
                Ok("预览已生成".into())
            }
            JobOutcome::Written(paths, skipped, log) => {
                self.reports.log = log;
                self.reports.written.clone_from(&paths);
                let declined = skipped.len();
                self.reports.skipped = skipped;
                match (paths.as_slice(), declined) {
                    ([], 1..) => Err(format!("模板没有生成任何文件，{declined} 项未生成（原因见报表页）")),
                    ([one], 0) => Ok(format!("已导出：{}", one.display())),
                    (many, 0) => Ok(format!("已导出 {} 个文件", many.len())),
                    (many, _) => Ok(format!("已导出 {} 个文件，{declined} 项未生成（原因见报表页）", many.len())),
                }
            }
            JobOutcome::Cancelled => Ok("已取消".into()),
            JobOutcome::Failed(error) => Err(error),
        })
    }

    /// Everything that finished since the last frame (worker tasks, the report job), each as a
    /// status-bar message.
    pub(super) fn poll(&mut self, offer_demo: &mut bool, paths: &Paths) -> Vec<Result<String, String>> {
        let mut messages = Vec::new();
        while let Some(done) = self.worker.poll() {
            match self.finished(done, offer_demo, paths) {
                Ok(Some(text)) => messages.push(Ok(text)),
                Ok(None) => {}
                Err(text) => messages.push(Err(text)),
            }
        }
        if let Some(result) = self.poll_job() {
            messages.push(result);
        }
        if self.plugins.changed() {
            self.worker.send(Task::ReloadCatalog { dev: self.plugins.dev_folder().map(Path::to_owned), changed: true });
        }
        messages
    }
}
