//! Optional PDF output through an installed LibreOffice (`soffice --headless --convert-to pdf`).
//! Each conversion gets a profile folder of its own: concurrent conversions sharing one
//! silently lose output.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No LibreOffice was found.
    #[error("未找到 LibreOffice，无法转换为 PDF（Word 文件已生成）；请安装 LibreOffice 后重试：{0}")]
    NotInstalled(String),
    /// LibreOffice ran but produced no PDF.
    #[error("LibreOffice 转换 PDF 失败（{detail}）：{path}")]
    Failed {
        /// What LibreOffice said.
        detail: String,
        /// The Word file.
        path: PathBuf,
    },
}

/// The LibreOffice program: `soffice`/`libreoffice` on the PATH, or the usual install folders
/// (on Windows under every Program Files folder the system names, whatever its drive or language).
pub fn find_libreoffice() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = ["soffice", "libreoffice"].iter().map(PathBuf::from).collect();
    for variable in ["ProgramW6432", "ProgramFiles", "ProgramFiles(x86)"] {
        if let Some(folder) = std::env::var_os(variable) {
            candidates.push(PathBuf::from(folder).join("LibreOffice").join("program").join("soffice.exe"));
        }
    }
    candidates.extend(
        [
            "C:\\Program Files\\LibreOffice\\program\\soffice.exe",
            "C:\\Program Files (x86)\\LibreOffice\\program\\soffice.exe",
            "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        ]
        .iter()
        .map(PathBuf::from),
    );
    candidates.into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Converts `docx` to a PDF beside it and returns the PDF's path.
pub fn convert(docx: &Path) -> Result<PathBuf, PdfError> {
    let program = find_libreoffice().ok_or_else(|| PdfError::NotInstalled("soffice".to_owned()))?;
    let out_dir =
        docx.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let profile = std::env::temp_dir().join(format!("zhibu-lo-{}-{}", std::process::id(), nanos()));
    let profile_url = file_url(&profile);
    let output = Command::new(program)
        .arg(format!("-env:UserInstallation={profile_url}"))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out_dir)
        .arg(docx)
        .output()
        .map_err(|e| PdfError::Failed { detail: e.to_string(), path: docx.to_owned() })?;
    let _ = std::fs::remove_dir_all(&profile);
    let pdf = out_dir.join(docx.with_extension("pdf").file_name().unwrap_or_default());
    if output.status.success() && pdf.is_file() {
        Ok(pdf)
    } else {
        let detail = String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or("无输出").to_owned();
        Err(PdfError::Failed { detail, path: docx.to_owned() })
    }
}

/// `path` as the `file:` URL LibreOffice takes for its profile: `file:///tmp/x` on Unix,
/// `file:///C:/Users/...` on Windows (the drive after a third slash; `file://C:/…` names a host),
/// with spaces and non-ASCII characters (a user folder named 李明) percent-encoded.
pub fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut url = String::from(if text.starts_with('/') { "file://" } else { "file:///" });
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/:-._~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

fn nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}
