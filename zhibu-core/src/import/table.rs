//! Reading a spreadsheet into plain cells: CSV in UTF-8 (with or without BOM), UTF-16 or
//! GBK/GB18030 (detected, or forced), and Excel `.xlsx`/`.xls` through calamine with its
//! dimensions capped and panics caught at this boundary.

use super::ImportError;
use chrono::NaiveDate;
use std::path::Path;

/// Largest file read.
const MAX_FILE_BYTES: u64 = 50 << 20;
/// Most rows and columns read.
const MAX_ROWS: usize = 200_000;
const MAX_COLUMNS: usize = 200;

/// One cell as the sheet stored it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (CSV cells are always text).
    Text(String),
    /// A number Excel stored as a number.
    Number(f64),
    /// A date Excel stored as a date.
    Date(NaiveDate),
}

impl Cell {
    /// The cell as trimmed text (numbers in their shortest exact form).
    pub fn text(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Text(t) => t.trim().to_owned(),
            Self::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Self::Number(n) => n.to_string(),
            Self::Date(d) => d.to_string(),
        }
    }

    /// Whether the cell holds nothing but spaces.
    pub fn is_blank(&self) -> bool {
        self.text().is_empty()
    }
}

/// How to decode a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Byte-order mark, else valid UTF-8, else GB18030 (which covers GBK).
    Auto,
    /// UTF-8.
    Utf8,
    /// GBK / GB18030 (Excel's CSV on Chinese Windows).
    Gbk,
}

/// Rows of cells; row 0 is the file's first row.
pub fn read(path: &Path, encoding: Encoding) -> Result<Vec<Vec<Cell>>, ImportError> {
    let io = |source| ImportError::Io { path: path.to_owned(), source };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge(format!("{} MB", size >> 20)));
    }
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    match extension.as_str() {
        "csv" | "txt" => read_csv(&std::fs::read(path).map_err(io)?, encoding),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_excel(path),
        other => Err(ImportError::Format(format!("不支持的文件类型 .{other}（请用 .xlsx、.xls 或 .csv）"))),
    }
}

/// Decodes CSV bytes to text.
pub fn decode(bytes: &[u8], encoding: Encoding) -> Result<String, ImportError> {
    let undecodable =
        |name: &str| ImportError::Format(format!("文件内容不是有效的{name}编码，请确认编码或用 --encoding 指定"));
    match encoding {
        Encoding::Utf8 => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            String::from_utf8(bytes.to_vec()).map_err(|_| undecodable("UTF-8"))
        }
        Encoding::Gbk => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| text.into_owned())
            .ok_or_else(|| undecodable("GBK/GB18030")),
        Encoding::Auto => {
            if let Some((found, bom)) = encoding_rs::Encoding::for_bom(bytes) {
                return found
                    .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
                    .map(|text| text.into_owned())
                    .ok_or_else(|| undecodable(found.name()));
            }
            match std::str::from_utf8(bytes) {
                Ok(text) => Ok(text.to_owned()),
                // Not UTF-8: Excel's CSV export on Chinese Windows is GBK without a BOM.
                Err(_) => decode(bytes, Encoding::Gbk).map_err(|_| {
                    ImportError::Format("文件编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）".to_owned())
                }),
            }
        }
    }
}

fn read_csv(bytes: &[u8], encoding: Encoding) -> Result<Vec<Vec<Cell>>, ImportError> {
    let text = decode(bytes, encoding)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Format(format!("CSV 格式有误（{e}）")))?;
        if rows.len() >= MAX_ROWS || record.len() > MAX_COLUMNS {
            return Err(ImportError::TooLarge(format!("超过{MAX_ROWS}行或{MAX_COLUMNS}列")));
        }
        rows.push(
            record.iter().map(|c| if c.trim().is_empty() { Cell::Empty } else { Cell::Text(c.to_owned()) }).collect(),
        );
    }
    Ok(rows)
}

fn read_excel(path: &Path) -> Result<Vec<Vec<Cell>>, ImportError> {
    // calamine has panicked on malformed .xls files: contain it here.
    let path = path.to_owned();
    let result = std::panic::catch_unwind(move || read_excel_inner(&path));
    result.unwrap_or_else(|_| Err(ImportError::Format("Excel 文件已损坏或格式异常，无法读取".to_owned())))
}

fn read_excel_inner(path: &Path) -> Result<Vec<Vec<Cell>>, ImportError> {
    use calamine::{Data, DataType as _, Reader};
    let mut workbook =
        calamine::open_workbook_auto(path).map_err(|e| ImportError::Format(format!("无法打开 Excel 文件（{e}）")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| ImportError::Format("Excel 文件中没有工作表".to_owned()))?
        .map_err(|e| ImportError::Format(format!("无法读取第一张工作表（{e}）")))?;
    let (height, width) = range.get_size();
    if height > MAX_ROWS || width > MAX_COLUMNS {
        return Err(ImportError::TooLarge(format!("工作表为{height}行×{width}列，超过{MAX_ROWS}行或{MAX_COLUMNS}列")));
    }
    // Rows before the used range's start are empty in the sheet; keep row numbers as the user sees them.
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<Cell>> = (0..first_row).map(|_| Vec::new()).collect();
    for row in range.rows() {
        let mut cells: Vec<Cell> = (0..first_col).map(|_| Cell::Empty).collect();
        cells.extend(row.iter().map(|cell| match cell {
            Data::Empty => Cell::Empty,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
            Data::Int(i) => Cell::Number(*i as f64),
            Data::Float(f) => Cell::Number(*f),
            Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.to_owned()),
            Data::DateTime(_) => cell.as_datetime().map_or(Cell::Empty, |dt| Cell::Date(dt.date())),
            Data::Error(e) => Cell::Text(format!("#{e:?}")),
        }));
        rows.push(cells);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected() {
        let text = "姓名,身份证号\n张三,11010519491231002X\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk, Encoding::Auto).unwrap(), text, "GBK without a BOM");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom, Encoding::Auto).unwrap(), text, "UTF-8 with a BOM");
        assert_eq!(decode(text.as_bytes(), Encoding::Auto).unwrap(), text);
        assert!(
            decode(b"\xFF\xFF\xFF\x80\x80", Encoding::Auto).is_err(),
            "undecodable bytes are refused, not replaced"
        );
    }
}
