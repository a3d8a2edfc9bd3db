//! The one export path: render a template over the records, validate, write the file(s)
//! atomically, convert to PDF when asked, and record one audit row per file written. The command
//! line and the window's background jobs both call [`run`]; a [`Progress`] handle reports files
//! done and carries the cancel request.

use super::ReportError;
use super::report::{self, Catalog, Consent};
use crate::document::Document;
use crate::export::{self as docx, ExportOptions};
use crate::plugin_host::{CancelToken, PluginError, PluginLog, RenderOutcome};
use chrono::NaiveDateTime;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use zhibu_core::rules::RuleSet;
use zhibu_core::store::Store;

/// Where the rendered document goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Nowhere: the document comes back to be shown (nothing written, nothing audited).
    Preview,
    /// One file: `.docx`, or the document model as JSON when `json` is set or the name ends in `.json`.
    File {
        /// The file.
        path: PathBuf,
        /// Write the document model as JSON instead of Word.
        json: bool,
    },
    /// One `.docx` in a folder, named after the document's title.
    Folder(PathBuf),
    /// One `.docx` per meeting of the branch and year in a folder, named `YYYY-MM-DD 会议名称.docx`.
    EachMeeting(PathBuf),
    /// One `.docx` per branch in a folder (the template's branch parameter set to each), named
    /// after the branch; rendered across the cores, each worker reading through its own connection.
    EachBranch(PathBuf),
    /// One `.docx` per member who served in a volunteer activity in the year, in a folder (the
    /// template's member parameter set to each, its `serial` counting up), named `党支部 姓名`;
    /// rendered across the cores from one read of the records.
    EachVolunteer(PathBuf),
}

/// One export: what to render and where it goes.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// Template id.
    pub template: String,
    /// Parameter values as given (defaults are filled in by the template's specs).
    pub params: Vec<(String, String)>,
    /// The user's answer about full ID and phone numbers.
    pub consent: Consent,
    /// The host's generation time: the documents' date and file properties.
    pub generated_at: NaiveDateTime,
    /// Where the result goes.
    pub destination: Destination,
    /// Also convert every `.docx` written to PDF with an installed LibreOffice.
    pub pdf: bool,
}

/// Files done, files in all, and the cancel request of a running export; cheap to clone and share
/// with the thread that shows it.
#[derive(Debug, Clone)]
pub struct Progress {
    cancel: CancelToken,
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

impl Default for Progress {
    fn default() -> Self {
        Self { cancel: CancelToken::new(), done: Arc::default(), total: Arc::new(AtomicUsize::new(1)) }
    }
}

impl Progress {
    /// A handle at 0 of 1, not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the export to stop: the running plugin is interrupted, no further file is written.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Whether cancel was asked.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// The token the plugin host checks.
    pub fn token(&self) -> &CancelToken {
        &self.cancel
    }

    /// Files done and files in all (1 of 1 for a single document).
    pub fn counts(&self) -> (usize, usize) {
        (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed))
    }
}

/// What an export produced.
#[derive(Debug, Default)]
pub struct Exported {
    /// The document, for [`Destination::Preview`] only.
    pub preview: Option<Box<Document>>,
    /// The titles of the documents rendered, in order.
    pub titles: Vec<String>,
    /// The files written (`.docx` or `.json`), in order; each has its audit row.
    pub files: Vec<PathBuf>,
    /// The PDFs made from them, when asked.
    pub pdfs: Vec<PathBuf>,
    /// What a batch's template declined, in order: the branch, meeting or volunteer and the template's
    /// reason (see [`report::Batch`]).
    pub skipped: Vec<(String, String)>,
    /// The plugin's log over every render.
    pub log: PluginLog,
    /// Time spent in the plugin, instantiation included.
    pub render_time: Duration,
}

/// Renders `request.template` over `store`'s records and delivers it to `request.destination`.
/// Every file appears whole or not at all; each file written gets its audit row (with a note when
/// full ID and phone numbers went into it). Cancelling stops between files and interrupts the
/// plugin; files already written stay (and are audited).
pub fn run(
    store: &mut Store,
    rules: &RuleSet,
    catalog: &Catalog,
    request: &ExportRequest,
    progress: &Progress,
) -> Result<Exported, ReportError> {
    let options = ExportOptions { author: report::unit_name(store)?, created: request.generated_at };
    let render = report::RenderArgs {
        store,
        rules,
        catalog,
        template_id: &request.template,
        params: &request.params,
        generated_at: request.generated_at,
        cancel: progress.token(),
        consent: request.consent,
    };
    let mut out = Exported::default();
    let result = deliver(&render, request, progress, &options, &mut out);
    // Whatever was written before a failure or a cancel is on disk: it is audited all the same.
    if !out.files.is_empty() {
        report::record_exports(store, &request.template, &request.params, &out.files)?;
    }
    result.map(|()| out)
}

fn deliver(
    render: &report::RenderArgs<'_>,
    request: &ExportRequest,
    progress: &Progress,
    options: &ExportOptions,
    out: &mut Exported,
) -> Result<(), ReportError> {
    let batch = match &request.destination {
        Destination::EachMeeting(dir) | Destination::EachBranch(dir) | Destination::EachVolunteer(dir) => {
            // Meetings come named `YYYY-MM-DD 会议名称`, branches by their names, volunteers by
            // their branch's and their own.
            let batch = match request.destination {
                Destination::EachBranch(_) => report::render_each_branch(render)?,
                Destination::EachVolunteer(_) => report::render_each_volunteer(render)?,
                _ => report::render_each_meeting(render)?,
            };
            out.skipped = batch.skipped;
            std::fs::create_dir_all(dir).map_err(|source| ReportError::Io { path: dir.clone(), source })?;
            let named =
                batch.made.into_iter().map(|(name, outcome)| (dir.join(format!("{}.docx", file_name(&name))), outcome));
            named.map(|(path, outcome)| (Some(path), outcome)).collect()
        }
        _ => vec![(None, report::render_one(render)?)],
    };
    progress.total.store(batch.len().max(1), Ordering::Relaxed);
    // A batch's Word files are written across the cores; what each made is taken in order.
    let batch: Vec<(Option<PathBuf>, RenderOutcome)> = batch;
    let written = render.catalog.host.in_parallel(batch.len(), |i| {
        if progress.is_cancelled() {
            return Err(PluginError::Cancelled.into());
        }
        let (path, outcome) = &batch[i];
        let made = match (&request.destination, path) {
            (Destination::Preview, _) => None,
            (Destination::File { path, json }, _) => Some(write_file(outcome, path, *json, options)?),
            (Destination::Folder(dir), _) => {
                let path = dir.join(format!("{}.docx", file_name(&outcome.document.title)));
                Some(write_file(outcome, &path, false, options)?)
            }
            (Destination::EachMeeting(_) | Destination::EachBranch(_) | Destination::EachVolunteer(_), Some(path)) => {
                Some(write_file(outcome, path, false, options)?)
            }
            (Destination::EachMeeting(dir) | Destination::EachBranch(dir) | Destination::EachVolunteer(dir), None) => {
                return Err(ReportError::OutputName(dir.clone()));
            }
        };
        progress.done.fetch_add(1, Ordering::Relaxed);
        Ok(made)
    });
    // Every file that was written is listed (and so audited), even when another one failed.
    let mut failed = None;
    for ((_, mut outcome), made) in batch.into_iter().zip(written) {
        out.log.lines.append(&mut outcome.log.lines);
        out.log.dropped += outcome.log.dropped;
        out.render_time += outcome.elapsed;
        out.titles.push(outcome.document.title.clone());
        match made {
            Ok(Some(path)) => out.files.push(path),
            Ok(None) => out.preview = Some(Box::new(outcome.document)),
            Err(error) => {
                failed.get_or_insert(error);
            }
        }
    }
    if let Some(error) = failed {
        return Err(error);
    }
    if request.pdf {
        for made in out.files.iter().filter(|p| has_extension(p, "docx")) {
            out.pdfs.push(docx::pdf::convert(made)?);
        }
    }
    Ok(())
}

/// Writes one rendered document: `.docx` through the Word export (or, from a Word-file template,
/// the checked file as it came), or the model as JSON (`json`, or a `.json` file name; for a
/// Word-file template, what the preview shows); either appears whole or not at all. Nothing is
/// audited here: [`run`] does that, and `zhibu plugin run` (a template author's check, no
/// database) calls this directly.
pub fn write_file(
    outcome: &RenderOutcome,
    path: &Path,
    json: bool,
    options: &ExportOptions,
) -> Result<PathBuf, ReportError> {
    let io = |source| ReportError::Io { path: path.to_owned(), source };
    let write_whole = |bytes: &[u8], part: &str| {
        let temp = path.with_extension(part);
        std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path)).map_err(|source| {
            let _ = std::fs::remove_file(&temp);
            io(source)
        })
    };
    if json || has_extension(path, "json") {
        let text = serde_json::to_string_pretty(&outcome.document).map_err(|e| io(std::io::Error::other(e)))?;
        write_whole(text.as_bytes(), "json.part")?;
    } else if has_extension(path, "docx") {
        match &outcome.docx {
            Some(bytes) => write_whole(bytes, "docx.part")?,
            None => docx::write_docx(&outcome.document, options, path)?,
        }
    } else {
        return Err(ReportError::OutputName(path.to_owned()));
    }
    Ok(path.to_owned())
}

fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

/// A file name from a document title: no path separators or characters Windows refuses.
pub fn file_name(title: &str) -> String {
    let name: String =
        title.chars().map(|c| if "\\/:*?\"<>|".contains(c) || c.is_control() { '_' } else { c }).collect();
    let name = name.trim().trim_end_matches('.').to_owned();
    if name.is_empty() { "报表".to_owned() } else { name }
}
