//! Services: the one place that changes state on behalf of the command line and the UI
//! (the report services, which need the plugin engine, live in `zhibu-report`).
//!
//! A service takes the store and plain arguments, calls the layers below (store, rules)
//! and returns plain results; it never prints and never draws.

pub mod audit;
pub mod backup;
pub mod compliance;
pub mod demo;
pub mod dues;
pub mod import;
mod names;
pub mod overview;
pub mod profile;
pub mod rating;
pub mod received;
pub mod sync;

use crate::rules::RulesError;
use crate::store::StoreError;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
    /// The file to import could not be read as a sheet.
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    /// The user cancelled; nothing was written (the transaction was rolled back).
    #[error("已取消，未写入任何记录")]
    Cancelled,
    /// A backup written outside the data folder needs a passphrase, or an encrypted backup's was
    /// not given or is wrong (what to do, in Chinese; the file last).
    #[error("{what}：{}", file.display())]
    Passphrase {
        /// What is wrong and what to do.
        what: &'static str,
        /// The backup file.
        file: std::path::PathBuf,
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

/// Rows done, rows in all, and the cancel request of a long service call (an import), shared with
/// the thread that shows it. Cheap to clone; every clone is the same handle.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    cancelled: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

impl Progress {
    /// A handle at 0 of 0, not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the call to stop at its next check; what it wrote so far is rolled back.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether cancel was asked.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Done and in all (0 of 0 until the call knows its size).
    pub fn counts(&self) -> (usize, usize) {
        (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed))
    }

    /// Sets the size of the work.
    pub fn start(&self, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    /// Counts one step; [`ServiceError::Cancelled`] when cancel was asked.
    pub fn step(&self) -> Result<(), ServiceError> {
        self.done.fetch_add(1, Ordering::Relaxed);
        if self.is_cancelled() { Err(ServiceError::Cancelled) } else { Ok(()) }
    }
}
