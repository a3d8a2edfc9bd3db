//! Report work off the UI thread: a job runs the one export path (`zhibu_report::services::export`)
//! on its own thread with its own database connection, reports progress, and stops when cancelled.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use zhibu_core::rules::RuleSet;
use zhibu_core::store::Store;
use zhibu_report::document::Document;
use zhibu_report::plugin_host::PluginLog;
use zhibu_report::services::export::{self, Destination, ExportRequest, Exported, Progress};
use zhibu_report::services::report::{Catalog, Consent};

/// What to do with the rendered document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Show it in the app.
    Preview,
    /// Write one .docx file.
    File(PathBuf),
    /// Write one .docx into a folder, named after the document's title.
    Folder(PathBuf),
    /// Write one .docx per meeting into a folder.
    EachMeeting(PathBuf),
    /// Write one .docx per volunteer of the year into a folder.
    EachVolunteer(PathBuf),
    /// Write one .docx per branch into a folder.
    EachBranch(PathBuf),
}

/// A report to produce.
#[derive(Debug, Clone)]
pub struct JobRequest {
    /// Template id.
    pub template: String,
    /// Parameter values.
    pub params: Vec<(String, String)>,
    /// The user's answer about personal data.
    pub consent: Consent,
    /// Where the result goes.
    pub target: Target,
    /// Also convert each Word file to PDF.
    pub pdf: bool,
}

/// How a job ended.
pub enum JobOutcome {
    /// The document to preview, with the plugin's log.
    Preview(Box<Document>, PluginLog),
    /// The files written, what the template declined (name and reason), and the plugin's log.
    Written(Vec<PathBuf>, Vec<(String, String)>, PluginLog),
    /// The user cancelled.
    Cancelled,
    /// A readable error.
    Failed(String),
}

/// A running job.
pub struct Job {
    progress: Progress,
    receiver: Receiver<JobOutcome>,
    /// What it was asked to do (shown while it runs).
    pub request: JobRequest,
    started: std::time::Instant,
}

impl Job {
    /// Starts `request` on a new thread; `ctx` is woken when it ends.
    pub fn start(
        ctx: egui::Context,
        request: JobRequest,
        db: PathBuf,
        operator: String,
        rules: RuleSet,
        catalog: Arc<Catalog>,
    ) -> Self {
        let (sender, receiver) = mpsc::channel();
        let progress = Progress::new();
        let job =
            Self { progress: progress.clone(), receiver, request: request.clone(), started: std::time::Instant::now() };
        std::thread::spawn(move || {
            let outcome = run(&request, &db, &operator, &rules, &catalog, &progress);
            let outcome = if progress.is_cancelled() { JobOutcome::Cancelled } else { outcome };
            // The window may have closed; nobody is left to tell.
            let _ = sender.send(outcome);
            ctx.request_repaint();
        });
        job
    }

    /// Asks the job to stop (the plugin is interrupted at its next check).
    pub fn cancel(&self) {
        self.progress.cancel();
    }

    /// Files done and files in all (1 of 1 for a single document).
    pub fn progress(&self) -> (usize, usize) {
        self.progress.counts()
    }

    /// Seconds since the job started.
    pub fn elapsed(&self) -> f32 {
        self.started.elapsed().as_secs_f32()
    }

    /// The outcome, once the job has ended.
    pub fn poll(&self) -> Option<JobOutcome> {
        match self.receiver.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(JobOutcome::Failed("报表线程意外结束".into())),
        }
    }
}

/// The job's thread: its own connection, then the one export path (which also writes the audit
/// rows through that connection).
fn run(
    request: &JobRequest,
    db: &std::path::Path,
    operator: &str,
    rules: &RuleSet,
    catalog: &Catalog,
    progress: &Progress,
) -> JobOutcome {
    let mut store = match Store::open_existing(db, operator) {
        Ok(store) => store,
        Err(error) => return JobOutcome::Failed(format!("无法打开数据库：{error}")),
    };
    let destination = match &request.target {
        Target::Preview => Destination::Preview,
        Target::File(path) => Destination::File { path: path.clone(), json: false },
        Target::Folder(dir) => Destination::Folder(dir.clone()),
        Target::EachMeeting(dir) => Destination::EachMeeting(dir.clone()),
        Target::EachVolunteer(dir) => Destination::EachVolunteer(dir.clone()),
        Target::EachBranch(dir) => Destination::EachBranch(dir.clone()),
    };
    let export = ExportRequest {
        template: request.template.clone(),
        params: request.params.clone(),
        consent: request.consent,
        generated_at: chrono::Local::now().naive_local(),
        destination,
        // A preview is never converted.
        pdf: request.pdf && !matches!(request.target, Target::Preview),
    };
    match export::run(&mut store, rules, catalog, &export, progress) {
        Ok(Exported { preview: Some(document), log, .. }) => JobOutcome::Preview(document, log),
        Ok(exported) => {
            // The PDFs are listed with the Word files they were made from.
            let files = exported.files.into_iter().chain(exported.pdfs).collect();
            JobOutcome::Written(files, exported.skipped, exported.log)
        }
        Err(error) => JobOutcome::Failed(format!("生成失败：{error}")),
    }
}
