//! Builders so a template reads like the document: headings, paragraphs, lists, tables,
//! signatures and star strings.

use crate::{
    Align, Block, Cell, DocStyle, Document, Heading, Orientation, Paragraph, Row, Section, Signature, Table, TextRun,
};

/// A plain run of text.
pub fn text(text: impl Into<String>) -> TextRun {
    TextRun { text: text.into(), bold: false, italic: false, underline: false }
}

/// A left-aligned paragraph of one plain run, without first-line indent (for table cells and lists).
pub fn para(value: impl Into<String>) -> Paragraph {
    Paragraph { runs: vec![text(value)], align: Align::Left, indent: false }
}

/// A table cell holding one paragraph of text, spanning one row and one column.
pub fn cell_text(value: impl Into<String>) -> Cell {
    cell(para(value))
}

/// A table cell holding `paragraph`.
pub fn cell(paragraph: Paragraph) -> Cell {
    Cell { paragraphs: vec![paragraph], col_span: 1, row_span: 1, shading: None }
}

/// Stars out of five as printed in rating tables: `★★★★☆`.
pub fn stars(count: u8) -> String {
    let filled = usize::from(count.min(5));
    format!("{}{}", "★".repeat(filled), "☆".repeat(5 - filled))
}

/// Builds a [`Document`] block by block.
#[derive(Debug, Clone)]
pub struct DocumentBuilder {
    doc: Document,
}

impl DocumentBuilder {
    /// A document in the official (GB/T 9704) style whose first section is titled `title`.
    pub fn official(title: impl Into<String>) -> Self {
        Self::new(title.into(), DocStyle::Official)
    }

    /// A document in the plain style (working sheets).
    pub fn plain(title: impl Into<String>) -> Self {
        Self::new(title.into(), DocStyle::Plain)
    }

    fn new(title: String, style: DocStyle) -> Self {
        let first = Section { title: title.clone(), orientation: Orientation::Portrait, blocks: Vec::new() };
        Self { doc: Document { title, style, sections: vec![first] } }
    }

    fn push(mut self, block: Block) -> Self {
        if let Some(section) = self.doc.sections.last_mut() {
            section.blocks.push(block);
        }
        self
    }

    /// Lays the current section's pages out in landscape.
    pub fn landscape(mut self) -> Self {
        if let Some(section) = self.doc.sections.last_mut() {
            section.orientation = Orientation::Landscape;
        }
        self
    }

    /// Starts a new section (a new page with its own title), as batch documents do per record.
    pub fn section(mut self, title: impl Into<String>) -> Self {
        self.doc.sections.push(Section { title: title.into(), orientation: Orientation::Portrait, blocks: Vec::new() });
        self
    }

    /// A heading of `level` 1–3; write its numbering in `text` (`一、`, `（一）`, `1.`).
    pub fn heading(self, level: u8, text: impl Into<String>) -> Self {
        self.push(Block::Heading(Heading { level, text: text.into() }))
    }

    /// A body paragraph: justified, first line indented two characters.
    pub fn paragraph(self, value: impl Into<String>) -> Self {
        self.push(Block::Paragraph(Paragraph { runs: vec![text(value)], align: Align::Justify, indent: true }))
    }

    /// A paragraph built by hand (several runs, another alignment).
    pub fn paragraph_with(self, paragraph: Paragraph) -> Self {
        self.push(Block::Paragraph(paragraph))
    }

    /// A centred paragraph (subtitles, `附件` headings).
    pub fn centered(self, value: impl Into<String>) -> Self {
        self.push(Block::Paragraph(Paragraph { runs: vec![text(value)], align: Align::Center, indent: false }))
    }

    /// A right-aligned paragraph (certificate numbers).
    pub fn right(self, value: impl Into<String>) -> Self {
        self.push(Block::Paragraph(Paragraph { runs: vec![text(value)], align: Align::Right, indent: false }))
    }

    /// A bulleted list.
    pub fn bullets<S: Into<String>>(self, items: impl IntoIterator<Item = S>) -> Self {
        self.push(Block::Bullets(items.into_iter().map(para).collect()))
    }

    /// A numbered list.
    pub fn numbered<S: Into<String>>(self, items: impl IntoIterator<Item = S>) -> Self {
        self.push(Block::Numbered(items.into_iter().map(para).collect()))
    }

    /// A table (see [`TableBuilder`]).
    pub fn table(self, table: Table) -> Self {
        self.push(Block::Table(table))
    }

    /// Starts a new page within the section.
    pub fn page_break(self) -> Self {
        self.push(Block::PageBreak)
    }

    /// A right-aligned signature block: `lines` (`述职人：张三`) and the `date` line.
    pub fn signature<S: Into<String>>(self, lines: impl IntoIterator<Item = S>, date: impl Into<String>) -> Self {
        self.push(Block::Signature(Signature { lines: lines.into_iter().map(Into::into).collect(), date: date.into() }))
    }

    /// The finished document.
    pub fn build(self) -> Document {
        self.doc
    }
}

/// Builds a [`Table`] row by row with fixed column widths.
#[derive(Debug, Clone)]
pub struct TableBuilder {
    table: Table,
}

impl TableBuilder {
    /// A table whose columns are `widths_mm` millimetres wide (the official type area is 156 mm
    /// wide in portrait, 225 mm in landscape).
    pub fn new(widths_mm: &[f64]) -> Self {
        let widths = widths_mm.iter().map(|w| (w * 10.0).round().max(1.0) as u32).collect();
        Self { table: Table { widths, header_rows: 0, rows: Vec::new() } }
    }

    /// A header row (bold, centred, lightly shaded), repeated at the top of every page.
    pub fn header<S: Into<String>>(mut self, titles: impl IntoIterator<Item = S>) -> Self {
        let cells = titles
            .into_iter()
            .map(|t| {
                let mut run = text(t);
                run.bold = true;
                Cell {
                    paragraphs: vec![Paragraph { runs: vec![run], align: Align::Center, indent: false }],
                    col_span: 1,
                    row_span: 1,
                    shading: Some("E7E6E6".to_owned()),
                }
            })
            .collect();
        self.table.rows.push(Row { cells });
        self.table.header_rows += 1;
        self
    }

    /// A row of plain text cells.
    pub fn row<S: Into<String>>(self, values: impl IntoIterator<Item = S>) -> Self {
        self.cells(values.into_iter().map(cell_text).collect())
    }

    /// A row of cells built by hand (spans, shading, several paragraphs).
    pub fn cells(mut self, cells: Vec<Cell>) -> Self {
        self.table.rows.push(Row { cells });
        self
    }

    /// The finished table.
    pub fn build(self) -> Table {
        self.table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_reads_like_the_page() {
        let doc = DocumentBuilder::official("金山社区党支部书记2025年度述职报告")
            .paragraph("根据通知要求，现将履职情况报告如下。")
            .heading(1, "一、履行职责情况")
            .table(TableBuilder::new(&[40.0, 30.0]).header(["会议", "次数"]).row(["支委会", "12"]).build())
            .signature(["述职人：张三"], "2025年12月28日")
            .build();
        assert_eq!(doc.sections.len(), 1);
        assert_eq!(doc.sections[0].blocks.len(), 4);
        let Block::Table(table) = &doc.sections[0].blocks[2] else { panic!("third block is the table") };
        assert_eq!(table.widths, vec![400, 300]);
        assert_eq!(table.header_rows, 1);
        assert_eq!(stars(4), "★★★★☆");
    }
}
