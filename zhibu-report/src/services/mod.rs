//! Report services: the template catalog and rendering ([`report`]), the one export path
//! ([`export`]) and writing templates ([`scaffold`]), called by the command line and the window
//! alike.

pub mod export;
pub mod report;
pub mod scaffold;

use crate::plugin_host::PluginError;
use zhibu_core::rules::RulesError;
use zhibu_core::services::ServiceError;
use zhibu_core::store::StoreError;

/// Why a report service failed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A core service failed: the store (validation included), the rules, an unknown branch.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// A plugin failed to load or run, or its package is not trusted.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// The Word export refused the document or could not write it.
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    /// The PDF conversion failed (LibreOffice missing or refusing the file).
    #[error(transparent)]
    Pdf(#[from] crate::export::pdf::PdfError),
    /// A folder or file of the export could not be made or written.
    #[error("无法写入（{source}）：{path}")]
    Io {
        /// The file or folder.
        path: std::path::PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The output file's name says neither Word nor the document model.
    #[error("输出文件应以 .docx 结尾（或加 --json 输出文档模型）：{}", .0.display())]
    OutputName(std::path::PathBuf),
    /// A template parameter is unusable.
    #[error("参数 {key} 不正确：{why}")]
    Param {
        /// The parameter's key.
        key: String,
        /// Why, in Chinese.
        why: String,
    },
}

impl From<StoreError> for ReportError {
    fn from(error: StoreError) -> Self {
        Self::Service(ServiceError::Store(error))
    }
}

impl From<RulesError> for ReportError {
    fn from(error: RulesError) -> Self {
        Self::Service(ServiceError::Rules(error))
    }
}
