//! Importing the Excel and CSV sheets secretaries already keep: the roster (`roster.rs`), read
//! through `table.rs`. A dry run reports every problem by row, column and value; a real import
//! is all or nothing, and importing the same sheet again updates instead of duplicating.

pub mod dues;
pub mod register;
pub mod roster;
pub mod table;
pub mod volunteer;

use std::path::PathBuf;

/// Why a file could not be imported at all (row problems are reported in [`Problem`]s instead).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("无法读取文件（{source}）：{path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a sheet this importer understands.
    #[error("{0}")]
    Format(String),
    /// The file is larger than an import may be.
    #[error("文件过大：{0}")]
    TooLarge(String),
    /// No header row with the needed columns was found.
    #[error("找不到表头：前10行中没有同时含有“姓名”和“身份证号”的一行")]
    NoHeader,
    /// A column mapping names a field the importer does not know.
    #[error("列对应关系有误（{0}）")]
    Mapping(String),
}

/// One problem in one cell (or row) of the sheet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The row number as the spreadsheet shows it (1-based).
    pub row: usize,
    /// The column's header.
    pub column: String,
    /// The value found (personal data masked).
    pub value: String,
    /// What is wrong, in Chinese.
    pub problem: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}行「{}」{}：{}", self.row, self.column, self.problem, self.value)
    }
}

/// The `--map 列名=字段` pairs as a lookup from a sheet's header to a column of `headers` (the
/// target may be any header the column is known by); an unknown target names the fields there are.
pub(crate) fn mapped_headers<C: Copy>(
    mapping: &[(String, String)],
    headers: &[(C, &[&str])],
) -> Result<std::collections::HashMap<String, C>, ImportError> {
    let mut out = std::collections::HashMap::new();
    for (header, target) in mapping {
        let target = target.trim();
        let column = headers.iter().find(|(_, names)| names.contains(&target)).map(|(c, _)| *c).ok_or_else(|| {
            ImportError::Mapping(format!(
                "没有名为“{target}”的字段，可用：{}",
                headers.iter().map(|(_, names)| names[0]).collect::<Vec<_>>().join("、")
            ))
        })?;
        out.insert(header.trim().to_owned(), column);
    }
    Ok(out)
}

/// A header row found: its index and each column's cell index.
pub(crate) type FoundHeader<C> = (usize, std::collections::HashMap<C, usize>);

/// The header row of a one-table sheet (a register, an hours export): the first of the first ten
/// rows whose cells name every column in `required`, `mapping` (`--map`) first, then `headers`
/// (spaces and full-width forms ignored). Returns the row's index and each column's cell index.
pub(crate) fn find_header<C: Copy + Eq + std::hash::Hash>(
    rows: &[Vec<table::Cell>],
    headers: &[(C, &[&str])],
    mapping: &[(String, String)],
    required: &[C],
) -> Result<Option<FoundHeader<C>>, ImportError> {
    let extra = mapped_headers(mapping, headers)?;
    Ok(rows.iter().enumerate().take(10).find_map(|(i, row)| {
        let mut map = std::collections::HashMap::new();
        for (c, cell) in row.iter().enumerate() {
            let text: String = roster::half_width(&cell.text()).chars().filter(|c| !c.is_whitespace()).collect();
            // Both sides in half-width forms: `金额（元）` in a header list matches `金额(元)` in a sheet.
            let known = headers
                .iter()
                .find(|(_, names)| names.iter().any(|n| roster::half_width(n) == text))
                .map(|(col, _)| *col);
            if let Some(col) = extra.get(cell.text().trim()).copied().or(known) {
                map.entry(col).or_insert(c);
            }
        }
        required.iter().all(|c| map.contains_key(c)).then_some((i, map))
    }))
}
