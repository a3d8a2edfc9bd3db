//! Word export: the app's document model (`crate::document`) → a `.docx` that opens cleanly in Word,
//! WPS and LibreOffice, in the GB/T 9704-2012 layout by default.
//!
//! docx-rs builds every element; the body is written as it is built, element by element and a
//! table row by row, through the schema repair (`xml.rs`) straight into the zip's deflater, so
//! memory follows the largest element and not the whole document. `package.rs` patches what
//! docx-rs cannot express (core properties, repeated header rows) and packs the parts with
//! Deflate and fixed timestamps, so the same document and options give byte-identical files. Every run names its East Asian font;
//! every table has an explicit grid and fixed layout (WPS ignores widths otherwise).

mod layout;
mod package;
pub mod pdf;
mod xml;

use crate::document::{Align, Block, Cell, DocStyle, Document, Orientation, Paragraph, Section, Table, TextRun};
use chrono::NaiveDateTime;
use docx_rs::{
    AlignmentType, BreakType, BuildXML, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, PageOrientationType, Run, RunFonts, SectionProperty, Shading, ShdType,
    SpecialIndentType, TableCell, TableLayoutType, TableRow, VMergeType, WidthType,
};
use layout::*;
use std::collections::HashMap;
use std::io::{Seek, Write};
use std::rc::Rc;

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// docx-rs could not serialise a part (a bug, reported with the part's name).
    #[error("生成 Word 文件失败（{0}）")]
    Build(String),
    /// The document breaks the model's rules; nothing is written.
    #[error("文档不合规（{0}），已拒绝导出")]
    Invalid(#[from] crate::document::InvalidDocument),
    /// Writing the document's bytes failed (the destination refused them: disk full, …).
    #[error("无法写入 Word 文件（{0}）")]
    Write(#[source] std::io::Error),
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

/// How a run looks: everything of a run but its text.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct RunLook {
    size: usize,
    /// Official body text is condensed by half a point (22 lines of 28 characters).
    condense: bool,
    /// The run starts on a new line (a `\n` in the model's text).
    line_break: bool,
    bold: bool,
    italic: bool,
    underline: bool,
}

impl RunLook {
    fn plain(size: usize, condense: bool) -> Self {
        RunLook { size, condense, line_break: false, bold: false, italic: false, underline: false }
    }

    fn of(model: &TextRun, size: usize, condense: bool) -> Self {
        RunLook { bold: model.bold, italic: model.italic, underline: model.underline, ..Self::plain(size, condense) }
    }
}

/// One run of `text` in `font` with `look`: the one place a run's markup is decided.
fn run(font: &str, look: RunLook, text: &str) -> Run {
    let mut run = Run::new().fonts(Style::fonts(font)).size(look.size);
    if look.condense {
        run = run.character_spacing(BODY_CONDENSE);
    }
    if look.line_break {
        run = run.add_break(BreakType::TextWrapping);
    }
    run = run.add_text(text);
    if look.bold {
        run = run.bold();
    }
    if look.italic {
        run = run.italic();
    }
    if look.underline {
        run = run.underline("single");
    }
    run
}

/// Runs for `text`, turning `\n` into line breaks (docx-rs drops them otherwise).
fn text_runs(text: &str, font: &str, look: RunLook) -> Vec<Run> {
    clean(text)
        .split('\n')
        .enumerate()
        .map(|(i, line)| run(font, RunLook { line_break: i > 0, ..look }, line))
        .collect()
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

/// A body paragraph's properties without its runs (body text, list items and table cells).
fn body_paragraph_shell(style: Style, align: Align, indent: bool, in_table: bool) -> docx_rs::Paragraph {
    let mut p = docx_rs::Paragraph::new().align(alignment(align));
    p = if in_table {
        p.line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).before(0).after(0))
    } else {
        p.line_spacing(style.body_lines())
    };
    if indent {
        p = p.indent(None, Some(SpecialIndentType::FirstLine(INDENT_TWO_CHARS)), None, None);
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
    for run in text_runs(title, font, RunLook::plain(size, false)) {
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
    for run in text_runs(text, font, RunLook { bold, ..RunLook::plain(style.body_size(), style.official) }) {
        p = p.add_run(run);
    }
    p
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
        for run in text_runs(line, style.body_font(), RunLook::plain(style.body_size(), style.official)) {
            p = p.add_run(run);
        }
        out.push(p);
    }
    out
}

/// One cell of a row as it will be written.
enum CellPlan<'m> {
    /// A cell covered by a row span from above: a `vMerge` continuation.
    Covered { width: usize, span: usize },
    /// A cell of the model.
    Cell { cell: &'m Cell, width: usize, span: usize },
}

/// A table's rows one at a time, as plans of cells with their widths, spans (covered cells become
/// `vMerge` continuations) and shading: a 20,000-row table never exists whole in docx-rs's form.
struct Rows<'m> {
    model: &'m Table,
    grid: Vec<usize>,
    /// For each column: rows still covered by a span from above, and that span's column span.
    covered: Vec<(u32, u32)>,
    next: usize,
}

impl<'m> Rows<'m> {
    fn new(model: &'m Table) -> Self {
        let grid: Vec<usize> = model.widths.iter().map(|w| tenth_mm_to_twips(*w)).collect();
        let covered = vec![(0, 1); grid.len()];
        Rows { model, grid, covered, next: 0 }
    }

    /// The table without rows: `<w:tbl>`, its properties and grid (the rows go before `</w:tbl>`).
    fn shell(&self) -> docx_rs::Table {
        let total: usize = self.grid.iter().sum();
        docx_rs::Table::new(Vec::new())
            .set_grid(self.grid.clone())
            .layout(TableLayoutType::Fixed)
            .width(total, WidthType::Dxa)
    }
}

impl<'m> Iterator for Rows<'m> {
    type Item = Vec<CellPlan<'m>>;

    fn next(&mut self) -> Option<Vec<CellPlan<'m>>> {
        let row = self.model.rows.get(self.next)?;
        self.next += 1;
        let (grid, covered, columns) = (&self.grid, &mut self.covered, self.grid.len());
        let mut cells = Vec::new();
        let mut column = 0usize;
        let mut source = row.cells.iter();
        while column < columns {
            let (left, span) = covered[column];
            if left > 0 {
                let end = (column + span as usize).min(columns);
                cells.push(CellPlan::Covered { width: grid[column..end].iter().sum(), span: span as usize });
                for entry in &mut covered[column..end] {
                    entry.0 = left - 1;
                }
                column += span as usize;
                continue;
            }
            let Some(cell) = source.next() else { break };
            let span = (cell.col_span as usize).max(1).min(columns - column);
            cells.push(CellPlan::Cell { cell, width: grid[column..column + span].iter().sum(), span });
            covered[column..column + span].fill((cell.row_span.saturating_sub(1), span as u32));
            column += span;
        }
        Some(cells)
    }
}

/// Where content goes in an element docx-rs builds around it (never in a model's text: the
/// markers are only ever put into the shells' own sample elements).
const HOLE: &str = "\u{E000}";

/// docx-rs's markup around an element's content, in schema order: built once per distinct look
/// and reused, so the bulk of a document (body text, list items, table cells) costs string
/// copies instead of a docx-rs tree and serialiser per run.
struct Shell {
    open: String,
    close: String,
}

impl Shell {
    /// Cuts `element`'s XML at `at` (the hole is dropped; a closing tag starts `close`).
    fn cut(element: &impl BuildXML, at: &str) -> Rc<Shell> {
        let text = xml::reorder(&String::from_utf8_lossy(&element.build()));
        let (open, close) = match text.rfind(at) {
            Some(i) if at == HOLE => (text[..i].to_owned(), text[i + at.len()..].to_owned()),
            Some(i) => (text[..i].to_owned(), text[i..].to_owned()),
            None => (text, String::new()),
        };
        Rc::new(Shell { open, close })
    }
}

/// A table cell's look: its width, span, vertical merge and shading.
#[derive(Clone, PartialEq, Eq, Hash)]
struct CellLook {
    width: usize,
    span: usize,
    restart: bool,
    shading: Option<String>,
}

/// The shells of one document (its style decides fonts and spacing).
#[derive(Default)]
struct Shells {
    runs: HashMap<RunLook, Rc<Shell>>,
    paragraphs: HashMap<(u8, bool, bool), Rc<Shell>>,
    cells: HashMap<CellLook, Rc<Shell>>,
    covered: HashMap<(usize, usize), Rc<str>>,
    rows: HashMap<bool, Rc<Shell>>,
    empty_cell_paragraph: Option<Rc<str>>,
}

impl Shells {
    fn run(&mut self, style: Style, look: RunLook) -> Rc<Shell> {
        self.runs.entry(look).or_insert_with(|| Shell::cut(&run(style.body_font(), look, HOLE), HOLE)).clone()
    }

    fn paragraph(&mut self, style: Style, align: Align, indent: bool, in_table: bool) -> Rc<Shell> {
        let key = (align as u8, indent, in_table);
        self.paragraphs
            .entry(key)
            .or_insert_with(|| Shell::cut(&body_paragraph_shell(style, align, indent, in_table), "</w:p>"))
            .clone()
    }

    fn cell(&mut self, look: &CellLook) -> Rc<Shell> {
        if let Some(shell) = self.cells.get(look) {
            return shell.clone();
        }
        let mut cell = TableCell::new().width(look.width, WidthType::Dxa);
        // A sample paragraph (docx-rs adds an empty one to an empty cell); the cut drops it.
        cell = cell.add_paragraph(docx_rs::Paragraph::new());
        if look.span > 1 {
            cell = cell.grid_span(look.span);
        }
        if look.restart {
            cell = cell.vertical_merge(VMergeType::Restart);
        }
        if let Some(fill) = &look.shading {
            cell = cell.shading(Shading::new().shd_type(ShdType::Clear).color("auto").fill(fill.to_uppercase()));
        }
        let cut = Shell::cut(&cell, "<w:p ");
        let close = cut.close.rfind("</w:tc>").map_or(String::new(), |i| cut.close[i..].to_owned());
        let shell = Rc::new(Shell { open: cut.open.clone(), close });
        self.cells.insert(look.clone(), shell.clone());
        shell
    }

    fn covered(&mut self, width: usize, span: usize) -> Rc<str> {
        self.covered
            .entry((width, span))
            .or_insert_with(|| {
                let mut continuation = TableCell::new()
                    .vertical_merge(VMergeType::Continue)
                    .width(width, WidthType::Dxa)
                    .add_paragraph(docx_rs::Paragraph::new());
                if span > 1 {
                    continuation = continuation.grid_span(span);
                }
                xml::reorder(&String::from_utf8_lossy(&continuation.build())).into()
            })
            .clone()
    }

    /// A row's `<w:tr>` with its properties; a header row repeats on every page (`w:tblHeader`,
    /// which docx-rs has no setter for: its rows open with `<w:trPr><w:cantSplit />`).
    fn row(&mut self, header: bool) -> Rc<Shell> {
        self.rows
            .entry(header)
            .or_insert_with(|| {
                let cut = Shell::cut(&TableRow::new(Vec::new()).cant_split(), "</w:tr>");
                if header {
                    let open = cut.open.replacen("<w:trPr>", "<w:trPr><w:tblHeader />", 1);
                    Rc::new(Shell { open, close: cut.close.clone() })
                } else {
                    cut
                }
            })
            .clone()
    }

    /// A cell must hold a paragraph; an empty one still names its font.
    fn empty_cell_paragraph(&mut self, style: Style) -> Rc<str> {
        self.empty_cell_paragraph
            .get_or_insert_with(|| {
                let p = docx_rs::Paragraph::new()
                    .add_run(Run::new().fonts(Style::fonts(style.body_font())).size(style.table_size()));
                xml::reorder(&String::from_utf8_lossy(&p.build())).into()
            })
            .clone()
    }
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

/// `document.xml`'s body as it is written: rare elements (titles, headings, signatures, section
/// breaks) built by docx-rs and repaired (`xml::Repair`), the bulk from cached shells; each
/// element is handed straight to the zip's deflater, so memory follows the largest paragraph or
/// table row, never the whole document.
struct Body<'w> {
    out: &'w mut dyn Write,
    repair: xml::Repair,
    style: Style,
    shells: Shells,
    /// The element being assembled (reused: one allocation for the whole body).
    xml: String,
}

impl Body<'_> {
    /// An element docx-rs built, repaired.
    fn element(&mut self, element: &impl BuildXML) -> std::io::Result<()> {
        self.repair.write(&String::from_utf8_lossy(&element.build()), self.out)
    }

    fn paragraphs(&mut self, paragraphs: Vec<docx_rs::Paragraph>) -> std::io::Result<()> {
        paragraphs.iter().try_for_each(|p| self.element(p))
    }

    /// The element assembled from shells (already in schema order): only its ids are numbered.
    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.repair.number(&self.xml, self.out);
        self.xml.clear();
        result
    }

    /// Appends a body paragraph (body text, a list item, a table cell's paragraph).
    fn push_paragraph(&mut self, paragraph: &Paragraph, size: usize, in_table: bool) {
        let style = self.style;
        let shell = self.shells.paragraph(style, paragraph.align, paragraph.indent, in_table);
        self.xml.push_str(&shell.open);
        let condense = style.official && !in_table;
        for model in &paragraph.runs {
            for (i, line) in clean(&model.text).split('\n').enumerate() {
                let look = RunLook { line_break: i > 0, ..RunLook::of(model, size, condense) };
                let run = self.shells.run(style, look);
                self.xml.push_str(&run.open);
                // docx-rs's own escaping, as `Run::add_text` applies it.
                self.xml.push_str(&docx_rs::Text::new(line).text);
                self.xml.push_str(&run.close);
            }
        }
        self.xml.push_str(&shell.close);
    }

    fn paragraph(&mut self, paragraph: &Paragraph) -> std::io::Result<()> {
        self.push_paragraph(paragraph, self.style.body_size(), false);
        self.flush()
    }

    fn list(&mut self, items: &[Paragraph], numbered: bool) -> std::io::Result<()> {
        for (i, item) in items.iter().enumerate() {
            // The marker is written as text: numbering parts are where WPS and Word disagree most.
            let marker = if numbered { format!("{}．", i + 1) } else { "• ".to_owned() };
            let mut runs = vec![TextRun { text: marker, bold: false, italic: false, underline: false }];
            runs.extend(item.runs.iter().cloned());
            self.paragraph(&Paragraph { runs, align: Align::Justify, indent: true })?;
        }
        Ok(())
    }

    /// A table row by row.
    fn table(&mut self, model: &Table) -> std::io::Result<()> {
        let rows = Rows::new(model);
        let table = String::from_utf8_lossy(&rows.shell().build()).into_owned();
        let (open, close) = table.rsplit_once("</w:tbl>").map_or((table.as_str(), ""), |(open, _)| (open, "</w:tbl>"));
        self.repair.write(open, self.out)?;
        for (i, plan) in rows.enumerate() {
            let row = self.shells.row(i < model.header_rows as usize);
            self.xml.push_str(&row.open);
            for cell in plan {
                match cell {
                    CellPlan::Covered { width, span } => {
                        let covered = self.shells.covered(width, span);
                        self.xml.push_str(&covered);
                    }
                    CellPlan::Cell { cell, width, span } => {
                        let look = CellLook { width, span, restart: cell.row_span > 1, shading: cell.shading.clone() };
                        let shell = self.shells.cell(&look);
                        self.xml.push_str(&shell.open);
                        if cell.paragraphs.is_empty() {
                            let empty = self.shells.empty_cell_paragraph(self.style);
                            self.xml.push_str(&empty);
                        }
                        for p in &cell.paragraphs {
                            self.push_paragraph(p, self.style.table_size(), true);
                        }
                        self.xml.push_str(&shell.close);
                    }
                }
            }
            self.xml.push_str(&row.close);
            self.flush()?;
        }
        self.out.write_all(close.as_bytes())
    }

    fn section(&mut self, section: &Section) -> std::io::Result<()> {
        let style = self.style;
        self.paragraphs(title_paragraph(style, &section.title))?;
        for block in &section.blocks {
            match block {
                Block::Heading(h) => self.element(&heading_paragraph(style, h.level, &h.text))?,
                Block::Paragraph(p) => self.paragraph(p)?,
                Block::Bullets(items) => self.list(items, false)?,
                Block::Numbered(items) => self.list(items, true)?,
                Block::PageBreak => {
                    self.element(&docx_rs::Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))?
                }
                Block::Signature(s) => self.paragraphs(signature_paragraphs(style, &s.lines, &s.date))?,
                Block::Table(t) => {
                    self.table(t)?;
                    // A paragraph after a table keeps the next table or section break from fusing with it.
                    self.element(
                        &docx_rs::Paragraph::new()
                            .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(200)),
                    )?;
                }
            }
        }
        Ok(())
    }
}

fn orientation_type(orientation: Orientation) -> PageOrientationType {
    if orientation == Orientation::Landscape { PageOrientationType::Landscape } else { PageOrientationType::Portrait }
}

/// Writes `doc` as `.docx` into `out`, part by part: `document.xml` is deflated as its elements
/// are built, so a document at the output limit needs memory for its model and little more.
/// The same document and options give the same bytes.
pub fn write_docx_to<W: Write + Seek>(doc: &Document, options: &ExportOptions, out: W) -> Result<W, ExportError> {
    // The host validated the document already; checking again here means no caller can turn a
    // malformed model into a corrupt file.
    crate::document::validate(doc, usize::MAX)?;
    let style = Style { official: doc.style == DocStyle::Official };
    // Every part but the body comes from docx-rs as it would write this document; the last
    // section's page setup is the body's closing `w:sectPr`.
    let orientation = doc.sections.last().map_or(Orientation::Portrait, |s| s.orientation);
    let look = package::Look {
        official: style.official,
        landscape: orientation == Orientation::Landscape,
        created: options.created,
    };
    let frame = package::frame(look, || {
        let (w, h, margin) = page_setup(style, orientation);
        Docx::new()
            .default_fonts(Style::fonts(style.body_font()))
            .default_size(style.body_size())
            .footer(page_number_footer(true))
            .even_footer(page_number_footer(false))
            .created_at(&options.created.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .updated_at(&options.created.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .page_size(w, h)
            .page_margin(margin)
            .page_orient(orientation_type(orientation))
            .build()
    })?;
    package::pack(&frame, doc, options, out, |out| {
        let mut body =
            Body { out, repair: xml::Repair::default(), style, shells: Shells::default(), xml: String::new() };
        let count = doc.sections.len();
        for (i, section) in doc.sections.iter().enumerate() {
            body.section(section)?;
            if i + 1 < count {
                // Every section but the last ends with a paragraph carrying its own section
                // properties (a next-page break): no blank page after the last record.
                let (w, h, margin) = page_setup(style, section.orientation);
                let property = SectionProperty::new()
                    .page_size(
                        docx_rs::PageSize::new().width(w).height(h).orient(orientation_type(section.orientation)),
                    )
                    .page_margin(margin)
                    .footer(page_number_footer(true), "rIdFooter1")
                    .even_footer(page_number_footer(false), "rIdFooter2");
                body.element(&docx_rs::Paragraph::new().section_property(property))?;
            }
        }
        Ok(())
    })
}

/// Renders `doc` to `.docx` bytes in memory (previews, tests, the benchmarks' export rows).
pub fn to_docx(doc: &Document, options: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    Ok(write_docx_to(doc, options, std::io::Cursor::new(Vec::new()))?.into_inner())
}

/// Writes `doc` to `path` as `.docx`, streamed to disk; the file appears whole or not at all.
pub fn write_docx(doc: &Document, options: &ExportOptions, path: &std::path::Path) -> Result<(), ExportError> {
    let io = |source| ExportError::Io { path: path.to_owned(), source };
    let temp = path.with_extension("docx.part");
    let written = std::fs::File::create(&temp)
        .map_err(io)
        .and_then(|file| {
            write_docx_to(doc, options, std::io::BufWriter::with_capacity(1 << 16, file)).map_err(|e| match e {
                ExportError::Write(source) => io(source),
                other => other,
            })
        })
        .and_then(|writer| writer.into_inner().map_err(|e| io(e.into_error())))
        .and_then(|file| file.sync_all().map_err(io))
        .and_then(|()| std::fs::rename(&temp, path).map_err(io));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
