//! Validation of every document, before anything is exported or shown: heading levels, ragged
//! tables, spans, widths, colours, control characters and overall size.

use super::{Block, Cell, Document, Orientation, Paragraph, Table};

/// What is wrong with a document, in Chinese, naming where (section and block).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidDocument(pub String);

/// Widest table in tenths of a millimetre: the official type area (156 mm portrait, 243 mm
/// landscape) plus a little tolerance for rounding.
const MAX_WIDTH_PORTRAIT: u32 = 1570;
const MAX_WIDTH_LANDSCAPE: u32 = 2440;

/// Checks `doc`; `max_bytes` caps its total text.
pub fn validate(doc: &Document, max_bytes: usize) -> Result<(), InvalidDocument> {
    let mut size = 0usize;
    let mut text = |where_: &str, value: &str| -> Result<(), InvalidDocument> {
        size += value.len();
        if size > max_bytes {
            return Err(InvalidDocument(format!("内容超过{} MB", max_bytes >> 20)));
        }
        if let Some(c) = value.chars().find(|&c| c.is_control() && c != '\n' && c != '\t') {
            return Err(InvalidDocument(format!("{where_}含有控制字符 U+{:04X}", c as u32)));
        }
        Ok(())
    };
    if doc.title.trim().is_empty() {
        return Err(InvalidDocument("文档标题为空".to_owned()));
    }
    text("文档标题", &doc.title)?;
    if doc.sections.is_empty() {
        return Err(InvalidDocument("文档没有任何内容".to_owned()));
    }
    for (s, section) in doc.sections.iter().enumerate() {
        let at = |b: usize| format!("第{}节第{}块", s + 1, b + 1);
        text(&format!("第{}节标题", s + 1), &section.title)?;
        for (b, block) in section.blocks.iter().enumerate() {
            match block {
                Block::Heading(heading) => {
                    if !(1..=3).contains(&heading.level) {
                        return Err(InvalidDocument(format!("{}的标题级别应为1至3，实为{}", at(b), heading.level)));
                    }
                    text(&at(b), &heading.text)?;
                }
                Block::Paragraph(paragraph) => paragraph_text(paragraph, &at(b), &mut text)?,
                Block::Bullets(items) | Block::Numbered(items) => {
                    for item in items {
                        paragraph_text(item, &at(b), &mut text)?;
                    }
                }
                Block::Table(table) => {
                    check_table(table, section.orientation, &at(b))?;
                    for cell in table.rows.iter().flat_map(|r| &r.cells) {
                        for paragraph in &cell.paragraphs {
                            paragraph_text(paragraph, &at(b), &mut text)?;
                        }
                    }
                }
                Block::PageBreak => {}
                Block::Signature(signature) => {
                    for line in signature.lines.iter().chain(std::iter::once(&signature.date)) {
                        text(&at(b), line)?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn paragraph_text(
    paragraph: &Paragraph,
    at: &str,
    text: &mut impl FnMut(&str, &str) -> Result<(), InvalidDocument>,
) -> Result<(), InvalidDocument> {
    paragraph.runs.iter().try_for_each(|run| text(at, &run.text))
}

/// Every row must cover exactly the grid's columns, counting cells still covered by a
/// row span from above; spans stay inside the table; widths fit the page.
fn check_table(table: &Table, orientation: Orientation, at: &str) -> Result<(), InvalidDocument> {
    let bad = |why: String| Err(InvalidDocument(format!("{at}的表格{why}")));
    let columns = table.widths.len();
    if columns == 0 || columns > 63 {
        return bad(format!("列数应为1至63，实为{columns}"));
    }
    if table.widths.contains(&0) {
        return bad("有宽度为0的列".to_owned());
    }
    let total: u32 = table.widths.iter().sum();
    let max = if orientation == Orientation::Landscape { MAX_WIDTH_LANDSCAPE } else { MAX_WIDTH_PORTRAIT };
    if total > max {
        return bad(format!("总宽{:.1}毫米，超出版心{:.1}毫米", f64::from(total) / 10.0, f64::from(max) / 10.0));
    }
    if table.header_rows as usize > table.rows.len() {
        return bad(format!("表头行数{}超过总行数{}", table.header_rows, table.rows.len()));
    }
    // How many more rows each column stays covered by a row span from above.
    let mut covered = vec![0u32; columns];
    for (r, row) in table.rows.iter().enumerate() {
        let mut column = 0usize;
        let mut cells = row.cells.iter();
        while column < columns {
            if covered[column] > 0 {
                covered[column] -= 1;
                column += 1;
                continue;
            }
            let Some(cell) = cells.next() else {
                return bad(format!("第{}行只有{}列，应为{columns}列", r + 1, column));
            };
            check_cell(cell, r, table.rows.len(), at)?;
            let span = cell.col_span as usize;
            if column + span > columns {
                return bad(format!("第{}行超出{columns}列（跨列越界）", r + 1));
            }
            covered[column..column + span].fill(cell.row_span - 1);
            column += span;
        }
        if cells.next().is_some() {
            return bad(format!("第{}行多于{columns}列", r + 1));
        }
    }
    Ok(())
}

fn check_cell(cell: &Cell, row: usize, rows: usize, at: &str) -> Result<(), InvalidDocument> {
    let bad = |why: String| Err(InvalidDocument(format!("{at}的表格第{}行{why}", row + 1)));
    if cell.col_span == 0 || cell.row_span == 0 {
        return bad("有跨度为0的单元格".to_owned());
    }
    if row + cell.row_span as usize > rows {
        return bad(format!("的跨行{}超出表格末尾", cell.row_span));
    }
    if let Some(colour) = &cell.shading
        && !(colour.len() == 6 && colour.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return bad(format!("的底色不是 RRGGBB：{colour}"));
    }
    Ok(())
}
