//! Reading a spreadsheet into plain cells: CSV in UTF-8 (with or without BOM), UTF-16 or
//! GBK/GB18030 (detected, or forced), and Excel `.xlsx`/`.xls`/`.ods` through calamine with its
//! dimensions capped and panics caught at this boundary. The format is told by the file's content,
//! not its name (a `.xls` that is really a CSV, an `.xlsx` renamed `.xls`); every sheet is read, so
//! the caller can pick the one that holds its table.

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

/// One sheet of a workbook (a CSV file is one sheet named after nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's name as the workbook shows it (empty for CSV).
    pub name: String,
    /// Rows of cells; row 0 is the sheet's first row.
    pub rows: Vec<Vec<Cell>>,
}

/// What a file holds, told by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A zip: `.xlsx` (or `.ods`).
    Zip,
    /// An OLE2 compound file: `.xls` (BIFF), or a WPS `.et`.
    Ole,
    /// Text: CSV.
    Text,
}

fn kind_of(bytes: &[u8]) -> Kind {
    if bytes.starts_with(b"PK\x03\x04") {
        Kind::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Kind::Ole
    } else {
        Kind::Text
    }
}

/// The rows of the file's first sheet; row 0 is the sheet's first row.
pub fn read(path: &Path, encoding: Encoding) -> Result<Vec<Vec<Cell>>, ImportError> {
    Ok(read_sheets(path, encoding)?.into_iter().next().map(|s| s.rows).unwrap_or_default())
}

/// Every sheet of the file, in workbook order, the format told by the content.
pub fn read_sheets(path: &Path, encoding: Encoding) -> Result<Vec<Sheet>, ImportError> {
    let io = |source| ImportError::Io { path: path.to_owned(), source };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge(format!("{} MB", size >> 20)));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    match kind_of(&bytes) {
        Kind::Zip => read_excel(path, if extension == "ods" { Book::Ods } else { Book::Xlsx }),
        Kind::Ole => read_excel(path, Book::Xls),
        Kind::Text if bytes.contains(&0) && !bytes.starts_with(b"\xFF\xFE") && !bytes.starts_with(b"\xFE\xFF") => {
            Err(ImportError::Format(format!(
                "无法识别的文件格式（.{extension}）：请在 Excel 或 WPS 中另存为 .xlsx（或 .csv）后再导入"
            )))
        }
        Kind::Text => Ok(vec![Sheet { name: String::new(), rows: read_csv(&bytes, encoding)? }]),
    }
}

/// Which reader a workbook needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Book {
    Xlsx,
    Xls,
    Ods,
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

fn read_excel(path: &Path, book: Book) -> Result<Vec<Sheet>, ImportError> {
    // calamine has panicked on malformed .xls files: contain it here.
    let owned = path.to_owned();
    let result = std::panic::catch_unwind(move || read_excel_inner(&owned, book));
    let unreadable = || {
        ImportError::Format(
            "Excel 文件已损坏或格式异常，无法读取；如是 WPS 表格（.et）或旧版文件，请另存为 .xlsx 后再导入".to_owned(),
        )
    };
    match result {
        Ok(Ok(sheets)) => Ok(sheets),
        Ok(Err(ImportError::Format(_))) if book == Book::Xls => Err(ImportError::Format(
            "无法读取这个文件：它可能是 WPS 表格（.et）或损坏的 .xls；请在 WPS 或 Excel 中另存为 .xlsx 后再导入"
                .to_owned(),
        )),
        Ok(Err(other)) => Err(other),
        Err(_) => Err(unreadable()),
    }
}

fn read_excel_inner(path: &Path, book: Book) -> Result<Vec<Sheet>, ImportError> {
    use calamine::Reader;
    let open = |e: &dyn std::fmt::Display| ImportError::Format(format!("无法打开 Excel 文件（{e}）"));
    let sheets = match book {
        Book::Xlsx => {
            let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(path).map_err(|e| open(&e))?;
            let names = workbook.sheet_names();
            names
                .into_iter()
                .map(|name| workbook.worksheet_range(&name).map(|r| (name, r)).map_err(|e| open(&e)))
                .collect::<Result<Vec<_>, _>>()?
        }
        Book::Xls => {
            let mut workbook: calamine::Xls<_> = calamine::open_workbook(path).map_err(|e| open(&e))?;
            let names = workbook.sheet_names();
            names
                .into_iter()
                .map(|name| workbook.worksheet_range(&name).map(|r| (name, r)).map_err(|e| open(&e)))
                .collect::<Result<Vec<_>, _>>()?
        }
        Book::Ods => {
            let mut workbook: calamine::Ods<_> = calamine::open_workbook(path).map_err(|e| open(&e))?;
            let names = workbook.sheet_names();
            names
                .into_iter()
                .map(|name| workbook.worksheet_range(&name).map(|r| (name, r)).map_err(|e| open(&e)))
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    if sheets.is_empty() {
        return Err(ImportError::Format("Excel 文件中没有工作表".to_owned()));
    }
    sheets.into_iter().map(|(name, range)| Ok(Sheet { name, rows: range_rows(&range)? })).collect()
}

fn range_rows(range: &calamine::Range<calamine::Data>) -> Result<Vec<Vec<Cell>>, ImportError> {
    use calamine::{Data, DataType as _};
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
