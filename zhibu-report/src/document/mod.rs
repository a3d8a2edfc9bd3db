//! The app's own document model: what a report template produces, whatever contract version it
//! speaks. Sections of blocks (headings, paragraphs, lists, tables, page breaks, signatures).
//!
//! Plain Rust types with no tie to the plugin engine: the Word export, the validation and the
//! window's preview read these, and each contract version's generated types are converted into
//! them in one place (`plugin_host::v1_0` for `plugin-api/wit/1.0.0`). The serde form is the
//! `--json` output of `zhibu report` and `zhibu plugin run`.

mod validate;

pub use validate::{InvalidDocument, validate};

use serde::{Deserialize, Serialize};

/// Page orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Orientation {
    /// A4 portrait.
    Portrait,
    /// A4 landscape, for wide tables.
    Landscape,
}

/// The document style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocStyle {
    /// GB/T 9704-2012 official-document layout.
    Official,
    /// A plain layout for working sheets.
    Plain,
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Align {
    /// Left (start).
    Left,
    /// Centred.
    Center,
    /// Right (end).
    Right,
    /// Justified on both sides.
    Justify,
}

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextRun {
    /// The text; no control characters but line breaks and tabs.
    pub text: String,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Underlined (for fill-in lines).
    pub underline: bool,
}

/// A paragraph of runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// The runs.
    pub runs: Vec<TextRun>,
    /// Alignment.
    pub align: Align,
    /// Indent the first line by two characters (body text).
    pub indent: bool,
}

/// A heading; level 1 is `一、`, 2 `（一）`, 3 `1.` (the template writes the numbering).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heading {
    /// 1 to 3.
    pub level: u8,
    /// The heading text including its numbering.
    pub text: String,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// Paragraphs in the cell.
    pub paragraphs: Vec<Paragraph>,
    /// Columns covered (at least 1).
    pub col_span: u32,
    /// Rows covered (at least 1); the cells it covers below are left out of those rows.
    pub row_span: u32,
    /// Background colour `RRGGBB`, if shaded.
    pub shading: Option<String>,
}

/// A table row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The row's cells, left to right.
    pub cells: Vec<Cell>,
}

/// A table with fixed column widths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Column widths in tenths of a millimetre; their sum must fit the type area.
    pub widths: Vec<u32>,
    /// How many leading rows are headers (repeated on every page).
    pub header_rows: u32,
    /// The rows.
    pub rows: Vec<Row>,
}

/// A signature and date block, right-aligned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// Lines such as `述职人：张三` or `出具单位（盖章）`.
    pub lines: Vec<String>,
    /// The date line (`2025年12月28日`).
    pub date: String,
}

/// One block of the document body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A heading.
    Heading(Heading),
    /// A paragraph.
    Paragraph(Paragraph),
    /// A bulleted list.
    Bullets(Vec<Paragraph>),
    /// A numbered list.
    Numbered(Vec<Paragraph>),
    /// A table.
    Table(Table),
    /// Start a new page.
    PageBreak,
    /// A signature and date block.
    Signature(Signature),
}

/// One section of a document; a batch document has several, each starting on a new page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The section's title (printed as the document title at its top).
    pub title: String,
    /// Orientation of the section's pages.
    pub orientation: Orientation,
    /// The section's body.
    pub blocks: Vec<Block>,
}

/// A whole document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The document's title (also its file properties' title).
    pub title: String,
    /// Official or plain.
    pub style: DocStyle,
    /// The sections, at least one.
    pub sections: Vec<Section>,
}
