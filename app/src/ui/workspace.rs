//! The open workspace: the background worker that owns the database connection, the rules and
//! templates, the records the screens show for the selected year ([`Data`], loaded by
//! `zhibu_core::services::overview` on the worker), and each screen's state. Nothing here reads
//! the database: the draw pass reads what the worker sent.

use super::command::Undo;
use super::jobs::Job;
use super::worker::{Task, Worker};
use super::{audit, dashboard, meetings, members, orgs, plugins, reports, reviews, settings, volunteer};
use std::path::PathBuf;
use std::sync::Arc;
use zhibu_core::rules::RuleSet;
use zhibu_core::store::InstanceLock;
use zhibu_report::services::report::Catalog;

/// The records the screens show, loaded by the core's overview service (testable without a window).
pub use zhibu_core::services::overview::Overview as Data;

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

/// The open workspace: the worker, rules, templates and the per-screen state.
pub struct Workspace {
    /// Carries out every write, import, backup and plugin load on its own thread and connection.
    /// (Declared before the lock: dropped first, its thread is joined before the lock is released.)
    pub worker: Worker,
    /// Held while the window is open: a second instance is told, not let in.
    pub(super) _lock: InstanceLock,
    /// The opening work, handed to the worker once the first frame is drawn.
    pub(super) opening: Option<Task>,
    /// The operator's name shown in the top bar and written to the audit log.
    pub operator: String,
    /// Until the opening work is done (the database opened, templates, the first load).
    pub loading: bool,
    /// No operator was given or saved: the window asks once.
    pub(super) ask_operator: bool,
    /// The database could not be opened: the window shows why instead of the workspace.
    pub(super) unopened: Option<super::app::Problem>,
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
    /// The dues screen.
    pub dues: super::dues::State,
    /// Template form, preview and job.
    pub reports: reports::State,
    /// The sheet import panel (register, volunteer hours, dues list).
    pub imports: super::imports::State,
    /// 上级报送.
    pub reporting: super::reporting::State,
    /// Plugin manager.
    pub plugins: plugins::State,
    /// Settings form.
    pub settings: settings::State,
    /// Organization forms, terms and the election editor.
    pub orgs: orgs::State,
    /// The audit log viewer and the trash.
    pub audit: audit::State,
    /// Dashboard filters.
    pub dashboard: dashboard::State,
    /// The background job, if one runs.
    pub job: Option<Job>,
    /// The last delete, for 撤销.
    pub undo: Option<Undo>,
}

impl Workspace {
    /// Shows the records the worker loaded.
    pub fn set_data(&mut self, data: Data) {
        self.data = data;
        self.dashboard.refresh(&self.data);
        self.members.refresh(&self.data);
    }

    /// Whether work is running in the background (a task or a report job).
    pub fn is_busy(&self) -> bool {
        self.loading || self.worker.is_busy() || self.job.is_some()
    }

    pub(super) fn catalog(&self) -> Result<Arc<Catalog>, String> {
        self.catalog.clone().ok_or_else(|| match &self.catalog_error {
            Some(error) => format!("报表模板未能加载：{error}"),
            None => "报表模板正在加载，请稍候".to_owned(),
        })
    }
}
