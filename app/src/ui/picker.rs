//! Native file dialogs off the UI thread: a screen asks with [`Command::Pick`], the dialog runs on
//! a thread of its own (a blocking dialog inside the draw pass freezes the window and, on Linux,
//! garbles its input), and the path comes back to `App::logic` as the command [`Then`] names.

use super::command::Command;
use super::jobs::{JobRequest, Target};
use super::reporting::SyncRequest;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};

/// Which dialog to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    /// Choose an existing file, optionally of some extensions (`名册`, `["xlsx", "csv"]`).
    Open {
        /// The dialog's title.
        title: &'static str,
        /// A named filter.
        filter: Option<(&'static str, &'static [&'static str])>,
    },
    /// Choose a folder.
    Folder {
        /// The dialog's title.
        title: &'static str,
    },
    /// Choose where to save, starting from `file_name`.
    Save {
        /// The dialog's title.
        title: &'static str,
        /// The proposed name.
        file_name: String,
        /// A named filter.
        filter: Option<(&'static str, &'static [&'static str])>,
    },
}

/// The dialog that asks where to write a backup now, named after this moment.
pub fn backup_now() -> Command {
    let file_name = format!("zhibu-{}.db", chrono::Local::now().format("%Y%m%d-%H%M%S"));
    Command::Pick(Dialog::Save { title: "备份到", file_name, filter: None }, Then::BackupTo)
}

/// What the chosen path is for.
#[derive(Debug, Clone)]
pub enum Then {
    /// Attach the file to the meeting being edited.
    Attach,
    /// Back up to it.
    BackupTo,
    /// Ask to restore from it (settings).
    ConfirmRestore,
    /// Restore from it at once (the damaged-database page).
    Restore,
    /// Check a roster (a dry run first).
    CheckRoster,
    /// Read a plugin package and ask for consent.
    ReadPackage,
    /// Watch a developer folder.
    WatchDevFolder,
    /// Put the path into the report screen's 保存到 field.
    ExportTo,
    /// Export the report one file per meeting into the folder.
    ExportEachMeeting(Box<JobRequest>),
    /// Export the report one file per volunteer of the year into the folder.
    ExportEachVolunteer(Box<JobRequest>),
    /// Export the report one file per branch into the folder.
    ExportEachBranch(Box<JobRequest>),
    /// Use the rule file.
    LoadRules,
    /// Write the audit rows the query selects to the CSV file.
    ExportAudit(Box<zhibu_core::store::AuditQuery>),
    /// Check the sheet for import into the branch.
    CheckSheet(zhibu_core::services::import::Sheet, zhibu_core::domain::OrgId),
    /// Write the branch's registration file there.
    WriteRegistration(zhibu_core::domain::OrgId),
    /// Take in the committee's connection file.
    ImportConnection,
    /// Write the branch's report package there.
    ExportPackage(zhibu_core::domain::OrgId),
    /// Read the committee's feedback package.
    ReadFeedback,
}

impl Then {
    /// The command the chosen path becomes.
    pub fn command(self, path: PathBuf) -> Command {
        match self {
            Self::Attach => Command::Attach(path),
            Self::BackupTo => Command::BackupTo(path),
            Self::ConfirmRestore => Command::ConfirmRestore(path),
            Self::Restore => Command::Restore(path),
            Self::CheckRoster => Command::ImportMembers(path, true),
            Self::ReadPackage => Command::ReadPackage(path),
            Self::WatchDevFolder => Command::WatchDevFolder(Some(path)),
            Self::ExportTo => Command::SetExportPath(path),
            Self::ExportEachMeeting(request) => {
                Command::SubmitReport(Box::new(JobRequest { target: Target::EachMeeting(path), ..*request }))
            }
            Self::ExportEachVolunteer(request) => {
                Command::SubmitReport(Box::new(JobRequest { target: Target::EachVolunteer(path), ..*request }))
            }
            Self::ExportEachBranch(request) => {
                Command::SubmitReport(Box::new(JobRequest { target: Target::EachBranch(path), ..*request }))
            }
            Self::LoadRules => Command::LoadRules(path),
            Self::ExportAudit(query) => Command::ExportAudit(*query, path),
            Self::CheckSheet(sheet, branch) => Command::ImportSheet(sheet, path, branch, Vec::new(), true),
            Self::WriteRegistration(branch) => Command::Sync(SyncRequest::Registration(branch, path)),
            Self::ImportConnection => Command::Sync(SyncRequest::Connect(path, false)),
            Self::ExportPackage(branch) => Command::Sync(SyncRequest::Export(branch, path)),
            Self::ReadFeedback => Command::Sync(SyncRequest::PullFile(path)),
        }
    }
}

/// The dialogs open now and the paths they returned.
pub struct Pickers {
    sender: Sender<(Then, Option<PathBuf>)>,
    receiver: Receiver<(Then, Option<PathBuf>)>,
}

impl Default for Pickers {
    fn default() -> Self {
        let (sender, receiver) = mpsc::channel();
        Self { sender, receiver }
    }
}

impl Pickers {
    /// Shows `dialog` on its own thread; `ctx` is woken when the user has chosen (or cancelled).
    pub fn open(&self, ctx: &egui::Context, dialog: Dialog, then: Then) {
        let sender = self.sender.clone();
        let ctx = ctx.clone();
        let shown = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
            let path = show(&dialog);
            // The window may have closed meanwhile; then nobody waits for the path.
            let _ = sender.send((then, path));
            ctx.request_repaint();
        });
        // Without a thread there is no dialog: the click simply does nothing, as a cancel would.
        drop(shown);
    }

    /// The commands the dialogs that closed since the last frame lead to.
    pub fn poll(&self) -> Vec<Command> {
        let mut commands = Vec::new();
        while let Ok((then, path)) = self.receiver.try_recv() {
            if let Some(path) = path {
                commands.push(then.command(path));
            }
        }
        commands
    }
}

/// Shows `dialog` on the calling thread (never the UI thread: see [`Pickers::open`]) and returns the choice.
pub(super) fn show(dialog: &Dialog) -> Option<PathBuf> {
    match dialog {
        Dialog::Open { title, filter } => {
            let mut picker = rfd::FileDialog::new().set_title(*title);
            if let Some((name, extensions)) = filter {
                picker = picker.add_filter(*name, extensions);
            }
            picker.pick_file()
        }
        Dialog::Folder { title } => rfd::FileDialog::new().set_title(*title).pick_folder(),
        Dialog::Save { title, file_name, filter } => {
            let mut picker = rfd::FileDialog::new().set_title(*title).set_file_name(file_name);
            if let Some((name, extensions)) = filter {
                picker = picker.add_filter(*name, extensions);
            }
            picker.save_file()
        }
    }
}
