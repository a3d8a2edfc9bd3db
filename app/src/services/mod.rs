//! Services: the one place that changes state on behalf of the command line and the UI.
//!
//! A service takes the store and plain arguments, calls the layers below (store, rules)
//! and returns plain results; it never prints and never draws.

pub mod backup;
pub mod compliance;
pub mod demo;
pub mod import;
mod names;
pub mod report;
pub mod scaffold;

use crate::plugin_host::PluginError;
use crate::rules::RulesError;
use crate::store::StoreError;

/// Why a service failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The store refused or failed (validation errors arrive here too).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The rule override file could not be used.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// The branch asked for is not a branch in the database.
    #[error("党支部不存在：{0}")]
    UnknownBranch(i64),
    /// Demo data goes into an empty database only, so no real record is mixed with made-up ones.
    #[error("数据库中已有{0}个党组织，演示数据只能写入新的空数据库")]
    NotEmpty(usize),
    /// A plugin failed to load or run, or its package is not trusted.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// The file to import could not be read as a sheet.
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    /// A template parameter is unusable.
    #[error("参数 {key} 不正确：{why}")]
    Param {
        /// The parameter's key.
        key: String,
        /// Why, in Chinese.
        why: String,
    },
    /// An option is outside what the service accepts.
    #[error("{what}应在{min}至{max}之间：{value}")]
    OutOfRange {
        /// The option's Chinese name.
        what: &'static str,
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
        /// The value given.
        value: i64,
    },
}
