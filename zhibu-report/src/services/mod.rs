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
    /// A template reading the committee's roll-up was asked to run on a branch's records (it runs
    /// only where a committee's database is open: `zhibu committee render`, the committee's window).
    #[error(
        "该模板汇总上级党委所辖各支部的记录，只能在上级党委的汇总库中生成（zhibu committee render 或上级党委窗口）：{0}"
    )]
    CommitteeOnly(String),
    /// A template run in the committee's scope asks for a branch's own records, which a committee's
    /// database does not give templates (the kinds, then the template).
    #[error("上级党委的汇总库只向模板提供跨支部汇总记录，该模板还需要{kinds}：{template}")]
    BranchOnly {
        /// The kinds asked for beyond the committee's roll-up, in Chinese.
        kinds: String,
        /// The template's id.
        template: String,
    },
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
