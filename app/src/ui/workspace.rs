//! The open workspace: the database connection, rules and templates, the records the screens
//! show for the selected year ([`Data`], loaded by `zhibu_core::services::overview`), and each
//! screen's state.

use super::command::Undo;
use super::jobs::Job;
use super::{dashboard, meetings, members, orgs, plugins, reports, reviews, settings, volunteer};
use std::path::PathBuf;
use std::sync::Arc;
use zhibu_core::rules::RuleSet;
use zhibu_core::store::{InstanceLock, Store};
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

/// The open workspace: database, rules, templates and the per-screen state.
pub struct Workspace {
    /// The database.
    pub store: Store,
    /// Held while the window is open: a second instance is told, not let in.
    pub(super) _lock: InstanceLock,
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

impl Workspace {
    /// Reloads every record the screens show for the selected year.
    pub fn reload(&mut self) -> Result<(), String> {
        let today = chrono::Local::now().date_naive();
        let data = Data::load(&self.store, &self.rules, self.year, today).map_err(|e| format!("读取记录失败：{e}"))?;
        self.data = data;
        self.dashboard.refresh(&self.data);
        self.members.refresh(&self.data);
        Ok(())
    }

    pub(super) fn catalog(&self) -> Result<Arc<Catalog>, String> {
        self.catalog.clone().ok_or_else(|| {
            format!("报表模板未能加载：{}", self.catalog_error.clone().unwrap_or_else(|| "原因不明".into()))
        })
    }
}
