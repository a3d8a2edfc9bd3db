//! GB/T 9704-2012 in docx units: page, margins, fonts and sizes, as measured through
//! LibreOffice (PITFALLS.md). Twips are 1/20 pt; sizes are half-points.

/// A4 width in twips.
pub const PAGE_WIDTH: u32 = 11906;
/// A4 height in twips.
pub const PAGE_HEIGHT: u32 = 16838;
/// Top margin, 37 mm.
pub const MARGIN_TOP: i32 = 2098;
/// Bottom margin, 35 mm.
pub const MARGIN_BOTTOM: i32 = 1984;
/// Left margin, 28 mm.
pub const MARGIN_LEFT: i32 = 1587;
/// Right margin, 26 mm.
pub const MARGIN_RIGHT: i32 = 1474;
/// Distance of the footer from the page edge: puts the page number about 7 mm below the type area.
pub const FOOTER_DISTANCE: i32 = 1219;

/// Body text: 3号, 16 pt.
pub const BODY_SIZE: usize = 32;
/// Title: 2号, 22 pt.
pub const TITLE_SIZE: usize = 44;
/// Page numbers: 4号, 14 pt.
pub const PAGE_NUMBER_SIZE: usize = 28;
/// Table text: 4号, 14 pt, so tables of several columns stay legible and fit.
pub const TABLE_SIZE: usize = 28;
/// Exact line pitch giving 22 lines on the type area.
pub const LINE_PITCH: i32 = 579;
/// Condensing of body runs (−0.25 pt) giving 28 characters a line.
pub const BODY_CONDENSE: i32 = -5;
/// First-line indent of two 16 pt characters.
pub const INDENT_TWO_CHARS: i32 = 640;
/// One 14 pt character, the page number's inset from the margin.
pub const ONE_CHAR_14PT: i32 = 280;

/// Body font (仿宋_GB2312).
pub const FONT_BODY: &str = "仿宋_GB2312";
/// Title font (方正小标宋简体).
pub const FONT_TITLE: &str = "方正小标宋简体";
/// Level-1 heading font (黑体).
pub const FONT_HEADING_1: &str = "黑体";
/// Level-2 heading font (楷体_GB2312).
pub const FONT_HEADING_2: &str = "楷体_GB2312";
/// Page-number font (宋体).
pub const FONT_PAGE_NUMBER: &str = "宋体";
/// Latin text and digits.
pub const FONT_LATIN: &str = "Times New Roman";

/// Plain style: a common office layout (宋体 12 pt, 25 mm margins).
pub mod plain {
    /// Margins, 25.4 mm.
    pub const MARGIN: i32 = 1440;
    /// Body size, 12 pt.
    pub const BODY_SIZE: usize = 24;
    /// Title size, 18 pt.
    pub const TITLE_SIZE: usize = 36;
    /// Table size, 10.5 pt.
    pub const TABLE_SIZE: usize = 21;
    /// Body font.
    pub const FONT_BODY: &str = "宋体";
    /// Title and heading font.
    pub const FONT_TITLE: &str = "黑体";
}

/// Tenths of a millimetre to twips.
pub fn tenth_mm_to_twips(tenths: u32) -> usize {
    (f64::from(tenths) * 1440.0 / 254.0).round() as usize
}
