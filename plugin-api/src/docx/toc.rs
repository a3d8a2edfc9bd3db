//! The table of contents of a filled Word file: a `TOC` field the author put in the file gets
//! one entry per heading of the filled body (its text, a link to a `_Toc` bookmark put around the
//! heading, and a `PAGEREF` field), so the file opens with its contents listed in Word, WPS and
//! LibreOffice alike, and each of them can update it (`w:dirty` asks Word to on opening).
//!
//! The page numbers written come from a layout estimate, since no layout engine runs in the
//! sandbox: each paragraph's height from its style (font size, line spacing, space before and
//! after, indents, the characters' widths), table rows as their tallest cell, rows that may not
//! split and headings kept with what follows moved whole, page breaks counted exactly. With exact
//! line spacing (the binder's styles) most entries name the printed page and the rest are one page
//! off (LibreOffice's line breaking is not reproduced); Word and WPS recompute on opening,
//! LibreOffice on 工具 → 更新 → 全部更新.

use super::DocxError;
use super::tree::{self, Element, Node};

/// How a paragraph is laid out, as far as its height goes.
#[derive(Debug, Clone, Copy, Default)]
struct Look {
    /// Font size in half-points.
    size: Option<u32>,
    /// Line spacing: twips and rule (`exact`, `atLeast`, `auto` in 240ths).
    line: Option<(u32, Rule)>,
    before: Option<u32>,
    after: Option<u32>,
    /// Left + right indent in twips.
    indent: Option<u32>,
    /// First-line indent in twips.
    first: Option<u32>,
    page_break: Option<bool>,
    keep_next: Option<bool>,
    outline: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Exact,
    AtLeast,
    Auto,
}

impl Look {
    /// `self` with whatever `over` sets.
    fn under(self, over: Look) -> Look {
        Look {
            size: over.size.or(self.size),
            line: over.line.or(self.line),
            before: over.before.or(self.before),
            after: over.after.or(self.after),
            indent: over.indent.or(self.indent),
            first: over.first.or(self.first),
            page_break: over.page_break.or(self.page_break),
            keep_next: over.keep_next.or(self.keep_next),
            outline: over.outline.or(self.outline),
        }
    }

    /// What a `w:pPr` or `w:rPr` (or a style, holding both) sets.
    fn read(element: &Element) -> Look {
        let mut look = Look::default();
        let number = |e: &Element, key: &str| attribute(&e.start, key).and_then(|v| v.parse::<i64>().ok());
        let on = |e: &Element| attribute(&e.start, "w:val").is_none_or(|v| v != "0" && v != "false");
        let mut visit = |e: &Element| match e.name.as_str() {
            "w:sz" => look.size = number(e, "w:val").map(|v| v.max(1) as u32),
            "w:spacing" => {
                let rule = match attribute(&e.start, "w:lineRule") {
                    Some("exact") => Rule::Exact,
                    Some("atLeast") => Rule::AtLeast,
                    _ => Rule::Auto,
                };
                if let Some(line) = number(e, "w:line") {
                    look.line = Some((line.max(1) as u32, rule));
                }
                look.before = number(e, "w:before").map(|v| v.max(0) as u32).or(look.before);
                look.after = number(e, "w:after").map(|v| v.max(0) as u32).or(look.after);
            }
            "w:ind" => {
                let side = |k| number(e, k).unwrap_or(0).max(0) as u32;
                look.indent = Some(side("w:left").max(side("w:start")) + side("w:right").max(side("w:end")));
                look.first = number(e, "w:firstLine").map(|v| v.max(0) as u32);
            }
            "w:pageBreakBefore" => look.page_break = Some(on(e)),
            "w:keepNext" => look.keep_next = Some(on(e)),
            "w:outlineLvl" => look.outline = number(e, "w:val").map(|v| v.clamp(0, 9) as u8),
            _ => {}
        };
        for part in element.elements().filter(|e| e.name == "w:pPr" || e.name == "w:rPr") {
            for e in part.elements() {
                visit(e);
            }
        }
        look
    }
}

/// A paragraph style: what it sets and what it is based on.
#[derive(Debug, Clone)]
struct Style {
    id: String,
    based_on: Option<String>,
    look: Look,
    /// `toc 1` … `toc 9`: the level.
    toc: Option<u8>,
}

/// The styles part, as far as headings and heights go.
#[derive(Debug, Default)]
pub(crate) struct Styles {
    defaults: Look,
    styles: Vec<Style>,
    /// The paragraph style used when a paragraph names none.
    normal: Option<String>,
}

/// The value of attribute `key` in a start tag.
fn attribute<'a>(start: &'a str, key: &str) -> Option<&'a str> {
    let at = start.find(&format!(" {key}=\""))? + key.len() + 3;
    let end = start[at..].find('"')? + at;
    Some(&start[at..end])
}

fn find<'a>(element: &'a Element, name: &str) -> Option<&'a Element> {
    for e in element.elements() {
        if e.name == name {
            return Some(e);
        }
        if let Some(found) = find(e, name) {
            return Some(found);
        }
    }
    None
}

fn find_mut<'a>(element: &'a mut Element, name: &str) -> Option<&'a mut Element> {
    for child in &mut element.children {
        if let Node::Element(e) = child {
            if e.name == name {
                return Some(e);
            }
            if let Some(found) = find_mut(e, name) {
                return Some(found);
            }
        }
    }
    None
}

impl Styles {
    /// Reads the styles part (whatever it lacks is left at Word's defaults).
    pub(crate) fn read(root: &Element) -> Styles {
        let mut styles = Styles::default();
        let Some(all) = find(root, "w:styles") else { return styles };
        if let Some(defaults) = find(all, "w:docDefaults") {
            for holder in defaults.elements() {
                styles.defaults = styles.defaults.under(Look::read(holder));
            }
        }
        for style in all.elements().filter(|e| e.name == "w:style") {
            if attribute(&style.start, "w:type").is_some_and(|t| t != "paragraph") {
                continue;
            }
            let Some(id) = attribute(&style.start, "w:styleId") else { continue };
            let name =
                find(style, "w:name").and_then(|e| attribute(&e.start, "w:val")).unwrap_or_default().to_lowercase();
            let mut look = Look::read(style);
            if look.outline.is_none()
                && let Some(n) = name.strip_prefix("heading ").and_then(|n| n.parse::<u8>().ok())
            {
                look.outline = Some(n.saturating_sub(1));
            }
            if attribute(&style.start, "w:default") == Some("1") {
                styles.normal = Some(id.to_owned());
            }
            styles.styles.push(Style {
                id: id.to_owned(),
                based_on: find(style, "w:basedOn").and_then(|e| attribute(&e.start, "w:val")).map(str::to_owned),
                look,
                toc: name.strip_prefix("toc ").and_then(|n| n.parse().ok()),
            });
        }
        styles
    }

    /// A style's look with everything it inherits (defaults, then its bases, then itself).
    fn resolved(&self, id: Option<&str>) -> Look {
        let mut chain = Vec::new();
        let mut next = id.or(self.normal.as_deref());
        while let Some(id) = next {
            let Some(style) = self.styles.iter().find(|s| s.id == id) else { break };
            if chain.len() > 20 {
                break;
            }
            chain.push(style.look);
            next = style.based_on.as_deref();
        }
        chain.into_iter().rev().fold(self.defaults, Look::under)
    }
}

fn style_of(paragraph: &Element) -> Option<&str> {
    let properties = paragraph.elements().find(|e| e.name == "w:pPr")?;
    let style = properties.elements().find(|e| e.name == "w:pStyle")?;
    attribute(&style.start, "w:val")
}

/// A paragraph's look: its style's, then its own properties, then its first run's size.
fn look_of(styles: &Styles, paragraph: &Element) -> Look {
    let mut look = styles.resolved(style_of(paragraph)).under(Look::read(paragraph));
    let run_size =
        paragraph.elements().find(|e| e.name == "w:r" && find(e, "w:t").is_some()).and_then(|r| Look::read(r).size);
    if let Some(size) = run_size {
        look.size = Some(size);
    }
    look
}

/// A paragraph's text (its own runs, not a nested paragraph's), unescaped enough to measure.
fn text(element: &Element, out: &mut String) {
    for e in element.elements() {
        match e.name.as_str() {
            "w:t" => out.push_str(&e.text().replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")),
            "w:tab" => out.push_str("    "),
            "w:p" | "w:instrText" | "w:delText" => {}
            _ => text(e, out),
        }
    }
}

/// Height of one line in twips.
fn line_height(look: &Look) -> u32 {
    let size = look.size.unwrap_or(21);
    // A CJK font's natural line: about 1.3 em.
    let natural = size * 10 * 13 / 10;
    match look.line {
        Some((twips, Rule::Exact)) => twips,
        Some((twips, Rule::AtLeast)) => twips.max(natural),
        Some((factor, Rule::Auto)) => natural * factor / 240,
        None => natural,
    }
}

/// Lines a paragraph takes in a column `width` twips wide.
fn lines(look: &Look, width: u32, text: &str) -> u32 {
    let em = look.size.unwrap_or(21) * 10;
    // Widths in half-ems: CJK characters and full-width punctuation are one em; ASCII and the
    // curly quotes (set in the Latin font, as Word and LibreOffice do) half of one.
    let halves: u32 =
        text.chars().map(|c| if c.is_ascii() || matches!(c, '\u{2018}'..='\u{201D}') { 1 } else { 2 }).sum();
    // A line holds whole characters (what does not fit moves down whole), so count per line.
    let available = width.saturating_sub(look.indent.unwrap_or(0)).max(em);
    let per_line = (available / em).max(1) * 2;
    let first = look.first.unwrap_or(0).div_ceil(em) * 2;
    (halves + first).div_ceil(per_line).max(1)
}

/// A paragraph's height in a column `width` twips wide, without space before and after.
fn body_height(look: &Look, width: u32, paragraph: &Element) -> (u32, u32) {
    let mut own = String::new();
    text(paragraph, &mut own);
    (lines(look, width, &own), line_height(look))
}

/// The page area: text width and height in twips.
fn area(body: &Element) -> (u32, u32) {
    let (mut width, mut height) = (9026u32, 13958u32);
    if let Some(section) = body.elements().find(|e| e.name == "w:sectPr") {
        let get = |name: &str, key: &str| {
            section
                .elements()
                .find(|e| e.name == name)
                .and_then(|e| attribute(&e.start, key))
                .and_then(|v| v.parse::<i64>().ok())
                .map(|v| v.max(0) as u32)
        };
        if let (Some(w), Some(h)) = (get("w:pgSz", "w:w"), get("w:pgSz", "w:h")) {
            let margin = |key| get("w:pgMar", key).unwrap_or(1440);
            width = w.saturating_sub(margin("w:left") + margin("w:right"));
            height = h.saturating_sub(margin("w:top") + margin("w:bottom"));
        }
    }
    (width, height)
}

/// Where the layout is: the page, and how much of it is used.
struct Cursor {
    page: usize,
    used: u32,
    height: u32,
}

impl Cursor {
    fn new_page(&mut self) {
        self.page += 1;
        self.used = 0;
    }

    /// Places a block of `lines` lines of `line` twips with space around; lines flow on.
    fn flow(&mut self, before: u32, lines: u32, line: u32, after: u32) {
        let before = if self.used == 0 { 0 } else { before };
        if self.used + before + line > self.height && self.used > 0 {
            self.new_page();
        } else {
            self.used += before;
        }
        let mut left = lines;
        while left > 0 {
            let room =
                ((self.height - self.used.min(self.height)) / line.max(1)).max(if self.used == 0 { 1 } else { 0 });
            if room >= left {
                self.used += left * line;
                left = 0;
            } else {
                left -= room;
                self.new_page();
            }
        }
        self.used = (self.used + after).min(self.height);
    }

    /// Places a block that may not split (a table row): on the next page if it does not fit.
    fn whole(&mut self, height: u32) {
        if self.used + height > self.height && self.used > 0 {
            self.new_page();
        }
        self.used += height;
        while self.used > self.height {
            self.used -= self.height;
            self.page += 1;
        }
    }
}

/// Twips a table row adds to its tallest cell (borders, padding).
const ROW_EXTRA: u32 = 30;

/// A table's rows as heights, the header rows marked.
fn rows(styles: &Styles, table: &Element) -> Vec<(u32, bool)> {
    let grid: Vec<u32> = find(table, "w:tblGrid")
        .map(|g| g.elements().filter_map(|c| attribute(&c.start, "w:w").and_then(|w| w.parse().ok())).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for row in table.elements().filter(|e| e.name == "w:tr") {
        let header = find(row, "w:tblHeader").is_some();
        let mut tallest = 0;
        let mut column = 0usize;
        for cell in row.elements().filter(|e| e.name == "w:tc") {
            let span = find(cell, "w:gridSpan")
                .and_then(|e| attribute(&e.start, "w:val"))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(1);
            let width: u32 = grid.iter().skip(column).take(span).sum::<u32>().saturating_sub(216).max(200);
            column += span;
            let mut height = 0;
            for p in cell.elements().filter(|e| e.name == "w:p") {
                let look = look_of(styles, p);
                let (n, line) = body_height(&look, width, p);
                height += look.before.unwrap_or(0) + n * line + look.after.unwrap_or(0);
            }
            tallest = tallest.max(height);
        }
        // Borders and the cell padding Word and LibreOffice add to every row.
        out.push((tallest.max(240) + ROW_EXTRA, header));
    }
    out
}

/// Whether a paragraph holds a page break (`<w:br w:type="page"/>`).
fn has_page_break(paragraph: &Element) -> bool {
    paragraph
        .elements()
        .filter(|r| r.name == "w:r")
        .any(|r| r.elements().any(|b| b.name == "w:br" && attribute(&b.start, "w:type") == Some("page")))
}

/// Lays the body out and returns the page each of `marked` (body child indexes) starts on.
fn pages(styles: &Styles, body: &Element, marked: &[usize]) -> Vec<usize> {
    let (width, height) = area(body);
    let mut cursor = Cursor { page: 1, used: 0, height: height.max(1) };
    let mut found = vec![1; marked.len()];
    let children: Vec<&Element> = body
        .children
        .iter()
        .filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Raw(_) => None,
        })
        .collect();
    let indexes: Vec<usize> =
        body.children.iter().enumerate().filter(|(_, n)| matches!(n, Node::Element(_))).map(|(i, _)| i).collect();
    for (position, element) in children.iter().enumerate() {
        match element.name.as_str() {
            "w:p" => {
                let look = look_of(styles, element);
                if look.page_break == Some(true) && cursor.used > 0 {
                    cursor.new_page();
                }
                let (n, line) = body_height(&look, width, element);
                // A heading kept with what follows: a paragraph's first line, a table's first two
                // rows (a header row alone at the foot of a page is not kept either).
                if look.keep_next == Some(true) {
                    let next_line = children.get(position + 1).map_or(0, |next| match next.name.as_str() {
                        "w:p" => line_height(&look_of(styles, next)),
                        "w:tbl" => rows(styles, next).iter().take(2).map(|(h, _)| h).sum(),
                        _ => 0,
                    });
                    let need = look.before.unwrap_or(0) + n * line + look.after.unwrap_or(0) + next_line;
                    if cursor.used > 0 && cursor.used + need > cursor.height {
                        cursor.new_page();
                    }
                }
                if let Some(slot) = marked.iter().position(|&m| m == indexes[position]) {
                    found[slot] = cursor.page;
                }
                cursor.flow(look.before.unwrap_or(0), n, line, look.after.unwrap_or(0));
                if has_page_break(element) {
                    cursor.new_page();
                }
            }
            "w:tbl" => {
                let rows = rows(styles, element);
                let header: u32 = rows.iter().filter(|(_, h)| *h).map(|(h, _)| h).sum();
                for (row, is_header) in &rows {
                    let page = cursor.page;
                    cursor.whole(*row);
                    if cursor.page != page && !is_header {
                        // The header rows repeat at the top of the new page.
                        cursor.used += header;
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// The body children the TOC field spans (the paragraph with its `begin`, the one with its
/// `end`) and its instruction.
fn toc_field(body: &Element) -> Option<(usize, usize, String)> {
    let mut first = None;
    let mut instruction = String::new();
    for (index, node) in body.children.iter().enumerate() {
        let Node::Element(p) = node else { continue };
        let mut all = Vec::new();
        field_parts(p, &mut all);
        for e in all {
            match (first, e.name.as_str()) {
                (None, "w:instrText") if e.text().trim_start().starts_with("TOC") => {
                    first = Some(index);
                    instruction = e.text().trim().to_owned();
                }
                (Some(_), "w:fldChar") if attribute(&e.start, "w:fldCharType") == Some("end") => {
                    return first.map(|f| (f, index, instruction));
                }
                _ => {}
            }
        }
    }
    None
}

/// Every `w:instrText` and `w:fldChar` under an element, in order.
fn field_parts<'a>(element: &'a Element, out: &mut Vec<&'a Element>) {
    for e in element.elements() {
        if e.name == "w:instrText" || e.name == "w:fldChar" {
            out.push(e);
        } else {
            field_parts(e, out);
        }
    }
}

/// The outline levels a `TOC \o "1-3"` instruction lists (1 to 3 without `\o`).
fn levels(instruction: &str) -> (u8, u8) {
    let range = instruction.split("\\o").nth(1).and_then(|rest| rest.split('"').nth(1));
    let parse = |s: Option<&str>| s.and_then(|v| v.trim().parse::<u8>().ok());
    match range.map(|r| r.split('-')) {
        Some(mut parts) => (parse(parts.next()).unwrap_or(1), parse(parts.next()).unwrap_or(3)),
        None => (1, 3),
    }
}

fn max_bookmark_id(element: &Element) -> u64 {
    let mut max = 0;
    for e in element.elements() {
        if e.name == "w:bookmarkStart" {
            max = max.max(attribute(&e.start, "w:id").and_then(|v| v.parse().ok()).unwrap_or(0));
        }
        max = max.max(max_bookmark_id(e));
    }
    max
}

fn field_start(instruction: &str) -> String {
    format!(
        r#"<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>"#
    )
}

/// Refills the first `TOC` field of the body with its headings; returns whether there was one.
pub(crate) fn refresh(root: &mut Element, styles: &Styles) -> Result<bool, DocxError> {
    let Some(body) = find_mut(root, "w:body") else { return Ok(false) };
    let Some((first, last, instruction)) = toc_field(body) else { return Ok(false) };
    let (min, max) = levels(&instruction);
    let (width, _) = area(body);
    // The headings after the field: (index, level, text).
    let mut headings = Vec::new();
    for (index, node) in body.children.iter().enumerate().skip(last + 1) {
        let Node::Element(p) = node else { continue };
        if p.name != "w:p" {
            continue;
        }
        let Some(level) = look_of(styles, p).outline.map(|l| l + 1).filter(|l| (min..=max).contains(l)) else {
            continue;
        };
        let mut own = String::new();
        for t in p.elements().filter(|e| e.name == "w:r").flat_map(|r| r.elements()).filter(|e| e.name == "w:t") {
            own.push_str(&t.text());
        }
        if !own.trim().is_empty() {
            headings.push((index, level, own.trim().to_owned()));
        }
    }
    // The entries (page numbers to come), parsed so the layout measures them too.
    let toc_style = |level: u8| styles.styles.iter().find(|s| s.toc == Some(level)).map(|s| s.id.clone());
    let mut markup = String::new();
    for (n, (_, level, heading)) in headings.iter().enumerate() {
        let properties = match toc_style(*level) {
            Some(id) => format!(r#"<w:pStyle w:val="{id}"/>"#),
            None => format!(r#"<w:ind w:left="{}"/>"#, u32::from(level.saturating_sub(1)) * 420),
        };
        let start = if n == 0 { field_start(&instruction) } else { String::new() };
        markup.push_str(&format!(
            r#"<w:p><w:pPr>{properties}<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{width}"/></w:tabs></w:pPr>{start}<w:hyperlink w:anchor="_Toc{}" w:history="1"><w:r><w:t xml:space="preserve">{heading}</w:t></w:r><w:r><w:tab/></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGEREF _Toc{} \h </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>0</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink></w:p>"#,
            100_000 + n,
            100_000 + n
        ));
    }
    if headings.is_empty() {
        // No headings: the field stays, with an empty result Word fills on update.
        markup.push_str(&format!("<w:p>{}</w:p>", field_start(&instruction)));
    }
    // The field ends in its last paragraph: a paragraph of its own could spill onto a page alone.
    let end = r#"<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#;
    markup.truncate(markup.len() - "</w:p>".len());
    markup.push_str(end);
    let entries = tree::parse("word/document.xml", &markup)?.children;
    let count = entries.len();
    body.children.splice(first..=last, entries);
    let shift = |index: usize| index + count - (last + 1 - first);
    // Bookmarks around the headings, ids after every id the file has.
    let first_id = max_bookmark_id(body) + 1;
    for ((n, (index, _, _)), id) in headings.iter().enumerate().zip(first_id..) {
        if let Some(Node::Element(p)) = body.children.get_mut(shift(*index)) {
            let at =
                p.children.iter().position(|c| matches!(c, Node::Element(e) if e.name == "w:pPr")).map_or(0, |i| i + 1);
            p.children.insert(at, Node::Raw(format!(r#"<w:bookmarkStart w:id="{id}" w:name="_Toc{}"/>"#, 100_000 + n)));
            p.children.push(Node::Raw(format!(r#"<w:bookmarkEnd w:id="{id}"/>"#)));
        }
    }
    let marked: Vec<usize> = headings.iter().map(|(index, _, _)| shift(*index)).collect();
    let found = pages(styles, body, &marked);
    for (n, page) in found.iter().enumerate() {
        if let Some(Node::Element(p)) = body.children.get_mut(first + n)
            && let Some(link) = find_mut(p, "w:hyperlink")
            && let Some(Node::Element(run)) = link.children.iter_mut().rev().nth(1)
            && let Some(t) = find_mut(run, "w:t")
        {
            t.set_text(page.to_string());
        }
    }
    Ok(true)
}
