//! Report work off the UI thread: a job renders a template (and writes the .docx files) on its
//! own thread with its own database connection, reports progress, and stops when cancelled.

use crate::export::ExportOptions;
use crate::plugin_host::{CancelToken, Document, PluginLog};
use crate::rules::RuleSet;
use crate::services::report::{self, Catalog, Consent};
use crate::store::Store;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};

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
}

/// How a job ended.
pub enum JobOutcome {
    /// The document to preview, with the plugin's log.
    Preview(Box<Document>, PluginLog),
    /// The files written.
    Written(Vec<PathBuf>, PluginLog),
    /// The user cancelled.
    Cancelled,
    /// A readable error.
    Failed(String),
}

/// A running job.
pub struct Job {
    cancel: CancelToken,
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
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
        let cancel = CancelToken::new();
        let done = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicUsize::new(1));
        let job = Self {
            cancel: cancel.clone(),
            done: done.clone(),
            total: total.clone(),
            receiver,
            request: request.clone(),
            started: std::time::Instant::now(),
        };
        std::thread::spawn(move || {
            let outcome = run(&request, &db, &operator, &rules, &catalog, &cancel, &done, &total);
            let outcome = if cancel.is_cancelled() { JobOutcome::Cancelled } else { outcome };
            // The window may have closed; nobody is left to tell.
            let _ = sender.send(outcome);
            ctx.request_repaint();
        });
        job
    }

    /// Asks the job to stop (the plugin is interrupted at its next check).
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Files done and files in all (1 of 1 for a single document).
    pub fn progress(&self) -> (usize, usize) {
        (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed))
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

#[allow(clippy::too_many_arguments)] // the thread's whole context, passed once
fn run(
    request: &JobRequest,
    db: &std::path::Path,
    operator: &str,
    rules: &RuleSet,
    catalog: &Catalog,
    cancel: &CancelToken,
    done: &AtomicUsize,
    total: &AtomicUsize,
) -> JobOutcome {
    let store = match Store::open_existing(db, operator) {
        Ok(store) => store,
        Err(error) => return JobOutcome::Failed(format!("无法打开数据库：{error}")),
    };
    let generated_at = chrono::Local::now().naive_local();
    let author = match report::unit_name(&store) {
        Ok(name) => name,
        Err(error) => return JobOutcome::Failed(format!("读取单位名称失败：{error}")),
    };
    let options = ExportOptions { author, created: generated_at };
    let render = || {
        report::render_with_consent(
            &store,
            rules,
            catalog,
            &request.template,
            &request.params,
            generated_at,
            cancel,
            request.consent,
        )
    };
    match &request.target {
        Target::Preview => match render() {
            Ok(outcome) => JobOutcome::Preview(Box::new(outcome.document), outcome.log),
            Err(error) => JobOutcome::Failed(format!("生成失败：{error}")),
        },
        Target::File(_) | Target::Folder(_) => {
            let outcome = match render() {
                Ok(outcome) => outcome,
                Err(error) => return JobOutcome::Failed(format!("生成失败：{error}")),
            };
            let path = match &request.target {
                Target::Folder(dir) => dir.join(format!("{}.docx", file_name(&outcome.document.title))),
                Target::File(path) => path.clone(),
                _ => return JobOutcome::Failed("导出目标无效".into()),
            };
            match crate::export::write_docx(&outcome.document, &options, &path) {
                Ok(()) => {
                    done.store(1, Ordering::Relaxed);
                    JobOutcome::Written(vec![path], outcome.log)
                }
                Err(error) => JobOutcome::Failed(format!("写出文件失败：{error}")),
            }
        }
        Target::EachMeeting(dir) => {
            let batch = match report::render_each_meeting(
                &store,
                rules,
                catalog,
                &request.template,
                &request.params,
                generated_at,
                cancel,
                request.consent,
            ) {
                Ok(batch) => batch,
                Err(error) => return JobOutcome::Failed(format!("生成失败：{error}")),
            };
            if let Err(error) = std::fs::create_dir_all(dir) {
                return JobOutcome::Failed(format!("无法创建文件夹（{error}）：{}", dir.display()));
            }
            total.store(batch.len().max(1), Ordering::Relaxed);
            let mut written = Vec::new();
            let mut log = PluginLog::default();
            for (name, outcome) in batch {
                if cancel.is_cancelled() {
                    return JobOutcome::Cancelled;
                }
                let path = dir.join(format!("{name}.docx"));
                if let Err(error) = crate::export::write_docx(&outcome.document, &options, &path) {
                    return JobOutcome::Failed(format!("写出文件失败：{error}"));
                }
                log.lines.extend(outcome.log.lines);
                written.push(path);
                done.fetch_add(1, Ordering::Relaxed);
            }
            JobOutcome::Written(written, log)
        }
    }
}

/// A file name from a document title: no path separators or characters Windows refuses.
pub fn file_name(title: &str) -> String {
    let name: String =
        title.chars().map(|c| if "\\/:*?\"<>|".contains(c) || c.is_control() { '_' } else { c }).collect();
    let name = name.trim().trim_end_matches('.').to_owned();
    if name.is_empty() { "报表".to_owned() } else { name }
}
