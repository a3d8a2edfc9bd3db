//! Word export: the app's document model (`crate::document`) → a `.docx` that opens cleanly in Word,
//! WPS and LibreOffice, in the GB/T 9704-2012 layout by default.
//!
//! docx-rs builds the parts; `package.rs` then patches what docx-rs cannot express (core
//! properties, repeated header rows) and packs them with Deflate and fixed timestamps, so the
//! same document and options give byte-identical files. Every run names its East Asian font;
//! every table has an explicit grid and fixed layout (WPS ignores widths otherwise).

mod layout;
mod package;
pub mod pdf;
mod xml;

use crate::document::{Align, Block, Cell, DocStyle, Document, Orientation, Paragraph, Section, Table, TextRun};
use chrono::NaiveDateTime;
use docx_rs::{
    AlignmentType, BreakType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing, LineSpacingType,
    PageMargin, PageOrientationType, Run, RunFonts, SectionProperty, Shading, ShdType, SpecialIndentType, TableCell,
    TableLayoutType, TableRow, VMergeType, WidthType,
};
use layout::*;

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// docx-rs could not serialise a part (a bug, reported with the part's name).
    #[error("生成 Word 文件失败（{0}）")]
    Build(String),
    /// The document breaks the model's rules; nothing is written.
    #[error("文档不合规（{0}），已拒绝导出")]
    Invalid(#[from] crate::document::InvalidDocument),
    /// Writing the file failed.
    #[error("无法写入文件（{source}）：{path}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
}

/// What the file's properties say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// The author: the issuing unit.
    pub author: String,
    /// Created and modified time: the host's generation timestamp (never the wall clock).
    pub created: NaiveDateTime,
}

/// The styles of one document: official or plain.
#[derive(Clone, Copy)]
struct Style {
    official: bool,
}

impl Style {
    fn body_font(self) -> &'static str {
        if self.official { FONT_BODY } else { plain::FONT_BODY }
    }
    fn body_size(self) -> usize {
        if self.official { BODY_SIZE } else { plain::BODY_SIZE }
    }
    fn table_size(self) -> usize {
        if self.official { TABLE_SIZE } else { plain::TABLE_SIZE }
    }
    fn fonts(east_asia: &str) -> RunFonts {
        RunFonts::new().east_asia(east_asia).ascii(FONT_LATIN).hi_ansi(FONT_LATIN).cs(FONT_LATIN)
    }
    /// Exact line pitch of body text (official: 22 lines a page).
    fn body_lines(self) -> LineSpacing {
        if self.official {
            LineSpacing::new().line_rule(LineSpacingType::Exact).line(LINE_PITCH).before(0).after(0)
        } else {
            LineSpacing::new().line_rule(LineSpacingType::Auto).line(360).before(0).after(0)
        }
    }
}

/// Replaces characters Word cannot hold (validation refuses them already; this is the last guard).
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
}

/// Runs for `text` in `font`/`size`, turning `\n` into line breaks (docx-rs drops them otherwise).
fn text_runs(text: &str, font: &str, size: usize, condense: bool, style: impl Fn(Run) -> Run) -> Vec<Run> {
    clean(text)
        .split('\n')
        .enumerate()
        .map(|(i, line)| {
            let mut run = Run::new().fonts(Style::fonts(font)).size(size);
            if condense {
                run = run.character_spacing(BODY_CONDENSE);
            }
            if i > 0 {
                run = run.add_break(BreakType::TextWrapping);
            }
            style(run.add_text(line))
        })
        .collect()
}

fn styled(run_model: &TextRun) -> impl Fn(Run) -> Run + '_ {
    move |mut run: Run| {
        if run_model.bold {
            run = run.bold();
        }
        if run_model.italic {
            run = run.italic();
        }
        if run_model.underline {
            run = run.underline("single");
        }
        run
    }
}

fn alignment(align: Align) -> AlignmentType {
    match align {
        Align::Left => AlignmentType::Left,
        Align::Center => AlignmentType::Center,
        Align::Right => AlignmentType::Right,
        // docx-rs writes `Justified` as an invalid value; `Both` is OOXML's justify.
        Align::Justify => AlignmentType::Both,
    }
}

fn body_paragraph(style: Style, paragraph: &Paragraph, size: usize, in_table: bool) -> docx_rs::Paragraph {
    let mut p = docx_rs::Paragraph::new().align(alignment(paragraph.align));
    p = if in_table {
        p.line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).before(0).after(0))
    } else {
        p.line_spacing(style.body_lines())
    };
    if paragraph.indent {
        p = p.indent(None, Some(SpecialIndentType::FirstLine(INDENT_TWO_CHARS)), None, None);
    }
    let condense = style.official && !in_table;
    for run in &paragraph.runs {
        for r in text_runs(&run.text, style.body_font(), size, condense, styled(run)) {
            p = p.add_run(r);
        }
    }
    p
}

fn title_paragraph(style: Style, title: &str) -> Vec<docx_rs::Paragraph> {
    let (font, size) = if style.official { (FONT_TITLE, TITLE_SIZE) } else { (plain::FONT_TITLE, plain::TITLE_SIZE) };
    let mut p = docx_rs::Paragraph::new().align(AlignmentType::Center).line_spacing(
        LineSpacing::new()
            .line_rule(LineSpacingType::Exact)
            .line(if style.official { 700 } else { 480 })
            .before(0)
            .after(0),
    );
    for run in text_runs(title, font, size, false, |r| r) {
        p = p.add_run(run);
    }
    // GB/T 9704: one empty line between the title and the body.
    let blank = docx_rs::Paragraph::new()
        .line_spacing(style.body_lines())
        .add_run(Run::new().fonts(Style::fonts(style.body_font())).size(style.body_size()));
    vec![p, blank]
}

fn heading_paragraph(style: Style, level: u8, text: &str) -> docx_rs::Paragraph {
    let (font, bold) = match (style.official, level) {
        (true, 1) => (FONT_HEADING_1, false),
        (true, 2) => (FONT_HEADING_2, false),
        (true, _) => (FONT_BODY, true),
        (false, _) => (plain::FONT_TITLE, level > 1),
    };
    let mut p = docx_rs::Paragraph::new()
        .line_spacing(style.body_lines())
        .indent(None, Some(SpecialIndentType::FirstLine(INDENT_TWO_CHARS)), None, None)
        .keep_next(true)
        .outline_lvl(usize::from(level.saturating_sub(1)));
    for run in text_runs(text, font, style.body_size(), style.official, |r| if bold { r.bold() } else { r }) {
        p = p.add_run(run);
    }
    p
}

fn list_paragraphs(style: Style, items: &[Paragraph], numbered: bool) -> Vec<docx_rs::Paragraph> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            // The marker is written as text: numbering parts are where WPS and Word disagree most.
            let marker = if numbered { format!("{}．", i + 1) } else { "• ".to_owned() };
            let mut runs = vec![TextRun { text: marker, bold: false, italic: false, underline: false }];
            runs.extend(item.runs.iter().cloned());
            let with_marker = Paragraph { runs, align: Align::Justify, indent: true };
            body_paragraph(style, &with_marker, style.body_size(), false)
        })
        .collect()
}

fn signature_paragraphs(style: Style, lines: &[String], date: &str) -> Vec<docx_rs::Paragraph> {
    // A blank line, the signature lines, and the date right-aligned four characters in.
    let mut out = vec![docx_rs::Paragraph::new().line_spacing(style.body_lines())];
    for line in lines.iter().chain(std::iter::once(&date.to_owned())) {
        let mut p = docx_rs::Paragraph::new().align(AlignmentType::Right).line_spacing(style.body_lines()).indent(
            None,
            None,
            Some(INDENT_TWO_CHARS * 2),
            None,
        );
        for run in text_runs(line, style.body_font(), style.body_size(), style.official, |r| r) {
            p = p.add_run(run);
        }
        out.push(p);
    }
    out
}

fn cell_content(style: Style, cell: &Cell) -> Vec<docx_rs::Paragraph> {
    let mut paragraphs: Vec<docx_rs::Paragraph> =
        cell.paragraphs.iter().map(|p| body_paragraph(style, p, style.table_size(), true)).collect();
    if paragraphs.is_empty() {
        // A cell must hold a paragraph; an empty one still names its font.
        paragraphs.push(
            docx_rs::Paragraph::new()
                .add_run(Run::new().fonts(Style::fonts(style.body_font())).size(style.table_size())),
        );
    }
    paragraphs
}

/// A table with its grid, fixed layout, spans (covered cells become `vMerge` continuations) and shading.
fn table(style: Style, model: &Table) -> docx_rs::Table {
    let grid: Vec<usize> = model.widths.iter().map(|w| tenth_mm_to_twips(*w)).collect();
    let columns = grid.len();
    // For each column: rows still covered by a span from above, and that span's column span.
    let mut covered: Vec<(u32, u32)> = vec![(0, 1); columns];
    let mut rows = Vec::new();
    for row in &model.rows {
        let mut cells = Vec::new();
        let mut column = 0usize;
        let mut source = row.cells.iter();
        while column < columns {
            let (left, span) = covered[column];
            if left > 0 {
                let width: usize = grid[column..(column + span as usize).min(columns)].iter().sum();
                let mut continuation = TableCell::new()
                    .vertical_merge(VMergeType::Continue)
                    .width(width, WidthType::Dxa)
                    .add_paragraph(docx_rs::Paragraph::new());
                if span > 1 {
                    continuation = continuation.grid_span(span as usize);
                }
                cells.push(continuation);
                for entry in &mut covered[column..(column + span as usize).min(columns)] {
                    entry.0 = left - 1;
                }
                column += span as usize;
                continue;
            }
            let Some(cell) = source.next() else { break };
            let span = (cell.col_span as usize).max(1).min(columns - column);
            let width: usize = grid[column..column + span].iter().sum();
            let mut out = TableCell::new().width(width, WidthType::Dxa);
            for p in cell_content(style, cell) {
                out = out.add_paragraph(p);
            }
            if span > 1 {
                out = out.grid_span(span);
            }
            if cell.row_span > 1 {
                out = out.vertical_merge(VMergeType::Restart);
            }
            if let Some(fill) = &cell.shading {
                out = out.shading(Shading::new().shd_type(ShdType::Clear).color("auto").fill(fill.to_uppercase()));
            }
            covered[column..column + span].fill((cell.row_span.saturating_sub(1), span as u32));
            cells.push(out);
            column += span;
        }
        rows.push(TableRow::new(cells).cant_split());
    }
    let total: usize = grid.iter().sum();
    docx_rs::Table::new(rows).set_grid(grid).layout(TableLayoutType::Fixed).width(total, WidthType::Dxa)
}

/// The page-number paragraph "— N —": odd pages right, even pages left, one character in.
fn page_number_footer(right: bool) -> Footer {
    let fonts = Style::fonts(FONT_PAGE_NUMBER);
    let run = |r: Run| r.fonts(fonts.clone()).size(PAGE_NUMBER_SIZE);
    let mut p = docx_rs::Paragraph::new().align(if right { AlignmentType::Right } else { AlignmentType::Left });
    p = if right {
        p.indent(None, None, Some(ONE_CHAR_14PT), None)
    } else {
        p.indent(Some(ONE_CHAR_14PT), None, None, None)
    };
    p = p
        .add_run(run(Run::new().add_text("— ")))
        .add_run(run(Run::new().add_field_char(FieldCharType::Begin, false)))
        .add_run(run(Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new()))))
        .add_run(run(Run::new().add_field_char(FieldCharType::Separate, false)))
        .add_run(run(Run::new().add_text("1")))
        .add_run(run(Run::new().add_field_char(FieldCharType::End, false)))
        .add_run(run(Run::new().add_text(" —")));
    Footer::new().add_paragraph(p)
}

fn page_setup(style: Style, orientation: Orientation) -> (u32, u32, PageMargin) {
    let (w, h) = match orientation {
        Orientation::Portrait => (PAGE_WIDTH, PAGE_HEIGHT),
        Orientation::Landscape => (PAGE_HEIGHT, PAGE_WIDTH),
    };
    let margin = if style.official {
        PageMargin::new().top(MARGIN_TOP).bottom(MARGIN_BOTTOM).left(MARGIN_LEFT).right(MARGIN_RIGHT)
    } else {
        PageMargin::new().top(plain::MARGIN).bottom(plain::MARGIN).left(plain::MARGIN).right(plain::MARGIN)
    };
    (w, h, margin.header(851).footer(FOOTER_DISTANCE).gutter(0))
}

/// A body element in order: docx-rs adds paragraphs and tables through different methods.
enum Child {
    Paragraph(Box<docx_rs::Paragraph>),
    Table(Box<docx_rs::Table>),
}

fn section_body(style: Style, section: &Section) -> Vec<Child> {
    let mut out: Vec<Child> =
        title_paragraph(style, &section.title).into_iter().map(|p| Child::Paragraph(Box::new(p))).collect();
    for block in &section.blocks {
        match block {
            Block::Heading(h) => out.push(Child::Paragraph(Box::new(heading_paragraph(style, h.level, &h.text)))),
            Block::Paragraph(p) => {
                out.push(Child::Paragraph(Box::new(body_paragraph(style, p, style.body_size(), false))))
            }
            Block::Bullets(items) => {
                out.extend(list_paragraphs(style, items, false).into_iter().map(|p| Child::Paragraph(Box::new(p))))
            }
            Block::Numbered(items) => {
                out.extend(list_paragraphs(style, items, true).into_iter().map(|p| Child::Paragraph(Box::new(p))))
            }
            Block::PageBreak => out.push(Child::Paragraph(Box::new(
                docx_rs::Paragraph::new().add_run(Run::new().add_break(BreakType::Page)),
            ))),
            Block::Signature(s) => out.extend(
                signature_paragraphs(style, &s.lines, &s.date).into_iter().map(|p| Child::Paragraph(Box::new(p))),
            ),
            Block::Table(t) => {
                out.push(Child::Table(Box::new(table(style, t))));
                // A paragraph after a table keeps the next table or section break from fusing with it.
                let gap = docx_rs::Paragraph::new()
                    .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(200));
                out.push(Child::Paragraph(Box::new(gap)));
            }
        }
    }
    out
}

/// Renders `doc` to `.docx` bytes.
pub fn to_docx(doc: &Document, options: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    // The host validated the document already; checking again here means no caller can turn a
    // malformed model into a corrupt file.
    crate::document::validate(doc, usize::MAX)?;
    let style = Style { official: doc.style == DocStyle::Official };
    let mut docx = Docx::new()
        .default_fonts(Style::fonts(style.body_font()))
        .default_size(style.body_size())
        .footer(page_number_footer(true))
        .even_footer(page_number_footer(false))
        .created_at(&options.created.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .updated_at(&options.created.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    let count = doc.sections.len();
    for (i, section) in doc.sections.iter().enumerate() {
        let mut children = section_body(style, section);
        let (w, h, margin) = page_setup(style, section.orientation);
        let orient = if section.orientation == Orientation::Landscape {
            PageOrientationType::Landscape
        } else {
            PageOrientationType::Portrait
        };
        if i + 1 < count {
            // Every section but the last ends with a paragraph carrying its own section
            // properties (a next-page break): no blank page after the last record.
            let property = SectionProperty::new()
                .page_size(docx_rs::PageSize::new().width(w).height(h).orient(orient))
                .page_margin(margin)
                .footer(page_number_footer(true), "rIdFooter1")
                .even_footer(page_number_footer(false), "rIdFooter2");
            children.push(Child::Paragraph(Box::new(docx_rs::Paragraph::new().section_property(property))));
        } else {
            docx = docx.page_size(w, h).page_margin(margin).page_orient(orient);
        }
        for child in children {
            docx = match child {
                Child::Paragraph(p) => docx.add_paragraph(*p),
                Child::Table(t) => docx.add_table(*t),
            };
        }
    }
    package::pack(docx.build(), doc, options)
}

/// Writes `doc` to `path` as `.docx`; the file appears whole or not at all.
pub fn write_docx(doc: &Document, options: &ExportOptions, path: &std::path::Path) -> Result<(), ExportError> {
    let bytes = to_docx(doc, options)?;
    let io = |source| ExportError::Io { path: path.to_owned(), source };
    let temp = path.with_extension("docx.part");
    std::fs::write(&temp, bytes).map_err(io)?;
    std::fs::rename(&temp, path).map_err(io)
}
