//! The audit log as a reviewer reads it: the rows a query selects, in Chinese, and as a CSV
//! file Excel opens (UTF-8 with a byte-order mark). Personal data is already masked in the rows.

use super::ServiceError;
use crate::store::{AuditEntry, record_kind_label};
use std::io::Write;
use std::path::Path;

/// The CSV header.
const HEADER: [&str; 7] = ["时间", "操作人", "操作", "记录类型", "记录编号", "摘要", "修改内容"];

/// One row as the viewer and the CSV show it.
pub fn row(entry: &AuditEntry) -> [String; 7] {
    [
        entry.at.clone(),
        entry.operator.clone(),
        entry.action.label().to_owned(),
        record_kind_label(&entry.record_kind).to_owned(),
        entry.record_id.map(|id| id.to_string()).unwrap_or_default(),
        entry.summary.clone(),
        entry.detail.clone(),
    ]
}

/// Writes `entries` as CSV to `out` (with a BOM so Excel reads it as UTF-8).
pub fn write_csv(entries: &[AuditEntry], out: impl Write) -> Result<(), csv::Error> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    for entry in entries {
        writer.write_record(row(entry))?;
    }
    writer.flush()?;
    Ok(())
}

/// Writes `entries` to the CSV file `path` (to a temporary name first, then renamed).
pub fn export_csv(entries: &[AuditEntry], path: &Path) -> Result<(), ServiceError> {
    let temp = path.with_extension("csv.part");
    let io = |source: std::io::Error| crate::store::StoreError::File { path: path.to_owned(), source };
    let file = std::fs::File::create(&temp).map_err(io)?;
    let written = write_csv(entries, std::io::BufWriter::new(file))
        .map_err(|e| io(std::io::Error::other(e.to_string())))
        .and_then(|()| std::fs::rename(&temp, path).map_err(io));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    Ok(written?)
}

/// The rows as aligned text for the terminal.
pub fn text(entries: &[AuditEntry]) -> String {
    let mut out = String::new();
    for entry in entries {
        let [at, operator, action, kind, id, summary, detail] = row(entry);
        let id = if id.is_empty() { String::new() } else { format!("#{id}") };
        out.push_str(&format!("{at}  {operator}  {action}  {kind}{id}  {summary}"));
        if !detail.is_empty() {
            out.push_str(&format!("\n    {detail}"));
        }
        out.push('\n');
    }
    out
}
