//! A filled Word file a template returned (contract 1.1's `docx` output): checked before anything
//! is written, and read back into the app's document model so the preview shows its text and
//! tables in order.
//!
//! What is refused, each with a message naming the part or the value: a file above the output
//! limit; anything that is not a zip; too many parts, a part above the limit, a compression ratio
//! no Word file has (a zip bomb), a part name that leaves the package; macros (`vbaProject`, a
//! macro-enabled content type), embedded objects and ActiveX controls; any relationship to
//! something outside the file (linked images, remote templates, hyperlinks: a reviewer's Word
//! would fetch or open them); a main part that is not well-formed WordprocessingML (root
//! `w:document` with a `w:body`); and an ID or mobile number in full that the host did not pass
//! in full (the user's consent is the only way full numbers reach a document).

use super::{Limits, PluginError, RenderRequest};
use crate::document as model;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// The WordprocessingML namespace of the main part's elements.
const W_NS: &[u8] = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// The main part's content type (not the macro-enabled or template ones).
const MAIN_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
/// Parts a Word file needs at most (a long document with images has a few dozen).
const MAX_PARTS: usize = 1000;
/// The largest ratio of a part's size to its compressed size taken for a part above 1 MB (text
/// XML compresses about 10:1; a zip bomb, thousands to one).
const MAX_RATIO: u64 = 100;
/// Relationship types that pull in code or other files.
const FORBIDDEN_RELATIONSHIPS: &[(&str, &str)] = &[
    ("/vbaProject", "宏"),
    ("/oleObject", "嵌入对象"),
    ("/package", "嵌入对象"),
    ("/control", "ActiveX 控件"),
    ("/activeXControl", "ActiveX 控件"),
    ("/attachedTemplate", "外部模板"),
    ("/subDocument", "子文档"),
    ("/aFChunk", "外部内容块"),
    ("/frame", "外部框架"),
];

fn refuse(why: impl Into<String>) -> PluginError {
    PluginError::InvalidDocx(why.into())
}

/// The ID and phone numbers the request carried in full (only with the user's consent): the only
/// full numbers a returned file may hold.
pub fn allowed_numbers(request: &RenderRequest) -> HashSet<String> {
    let mut allowed = HashSet::new();
    for member in &request.records.members {
        if !member.id_number.contains('*') {
            allowed.insert(member.id_number.to_uppercase());
        }
        if let Some(phone) = member.phone.as_ref().filter(|p| !p.contains('*')) {
            allowed.insert(phone.clone());
        }
    }
    allowed
}

/// Checks a returned Word file and reads it into the document model (for the preview; the file
/// itself is what gets written).
pub fn check(
    title: &str,
    bytes: &[u8],
    allowed: &HashSet<String>,
    limits: &Limits,
) -> Result<model::Document, PluginError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 || title.chars().any(char::is_control) {
        return Err(refuse(format!("标题应为1至200个字且不含控制字符：{title}")));
    }
    let limit = limits.output_bytes;
    if bytes.len() > limit {
        return Err(refuse(format!("文件大于{} MB：{} 字节", limit >> 20, bytes.len())));
    }
    let parts = read_parts(bytes, limit)?;
    let types = parts.get("[Content_Types].xml").ok_or_else(|| refuse("缺少部件：[Content_Types].xml"))?;
    check_content_types(types)?;
    for (name, data) in &parts {
        if name.ends_with(".rels") {
            check_relationships(name, data)?;
        }
    }
    let main = main_part_name(&parts)?;
    let main_bytes = parts.get(&main).ok_or_else(|| refuse(format!("缺少正文部件：{main}")))?;
    let document = read_main(title, &main, main_bytes)?;
    for (name, data) in &parts {
        let text_part = name.starts_with("word/") && name.ends_with(".xml") && !name.contains("/_rels/");
        if text_part {
            scan_personal_data(name, data, allowed)?;
        }
    }
    Ok(document)
}

/// Every part's bytes (read through a cap, since a zip's sizes are what its writer claims),
/// refusing bad names, macros, embedded objects, oversized parts and zip bombs.
fn read_parts(bytes: &[u8], limit: usize) -> Result<HashMap<String, Vec<u8>>, PluginError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| refuse(format!("不是有效的 Word 文件（zip 无法打开：{e}）")))?;
    if archive.len() > MAX_PARTS {
        return Err(refuse(format!("部件数量超过{MAX_PARTS}个：{}", archive.len())));
    }
    let total_limit = (limit as u64).saturating_mul(4);
    let mut total: u64 = 0;
    let mut parts = HashMap::new();
    for index in 0..archive.len() {
        let file = archive.by_index(index).map_err(|e| refuse(format!("部件无法读取（{e}）：第{}个", index + 1)))?;
        let name = file.name().map_err(|e| refuse(format!("部件名称无法读取（{e}）：第{}个", index + 1)))?.into_owned();
        if file.enclosed_name().is_none() || name.starts_with('/') || name.contains('\\') {
            return Err(refuse(format!("部件路径不安全：{name}")));
        }
        if file.is_dir() {
            continue;
        }
        let lower = name.to_lowercase();
        if lower.contains("vbaproject") || lower.contains("vbadata") {
            return Err(refuse(format!("含宏：{name}")));
        }
        if lower.starts_with("word/embeddings/") || lower.contains("oleobject") || lower.ends_with(".bin") {
            return Err(refuse(format!("含嵌入对象：{name}")));
        }
        if lower.starts_with("word/activex/") {
            return Err(refuse(format!("含 ActiveX 控件：{name}")));
        }
        let size = file.size();
        if size > limit as u64 {
            return Err(refuse(format!("部件大于{} MB：{name}", limit >> 20)));
        }
        if size > 1 << 20 && size / file.compressed_size().max(1) > MAX_RATIO {
            return Err(refuse(format!("压缩比异常（疑似压缩炸弹）：{name}")));
        }
        let mut data = Vec::new();
        file.take(limit as u64 + 1)
            .read_to_end(&mut data)
            .map_err(|e| refuse(format!("部件解压失败（{e}）：{name}")))?;
        if data.len() > limit {
            return Err(refuse(format!("部件大于{} MB：{name}", limit >> 20)));
        }
        total += data.len() as u64;
        if total > total_limit {
            return Err(refuse(format!("解压后总大小超过{} MB（疑似压缩炸弹）：{name}", total_limit >> 20)));
        }
        // Only XML parts are read again; images and fonts count toward the size and are dropped.
        if lower.ends_with(".xml") || lower.ends_with(".rels") {
            parts.insert(name, data);
        }
    }
    Ok(parts)
}

/// Reads every start (or empty) element of an XML part, calling `each` with its local name and a
/// way to read its attributes; fails on anything not well-formed.
fn each_element(
    name: &str,
    data: &[u8],
    mut each: impl FnMut(&[u8], &BytesStart<'_>) -> Result<(), PluginError>,
) -> Result<(), PluginError> {
    let mut reader = NsReader::from_reader(data);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => each(e.local_name().as_ref(), &e)?,
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(refuse(format!("XML 格式错误（{e}）：{name}"))),
        }
        buf.clear();
    }
}

fn attribute(element: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| a.decoded_and_normalized_value(quick_xml::XmlVersion::default(), element.decoder()).ok())
        .map(|v| v.into_owned())
}

fn check_content_types(data: &[u8]) -> Result<(), PluginError> {
    let mut main_found = false;
    each_element("[Content_Types].xml", data, |local, e| {
        if local != b"Override" && local != b"Default" {
            return Ok(());
        }
        let content_type = attribute(e, b"ContentType").unwrap_or_default();
        let lower = content_type.to_lowercase();
        if lower.contains("macroenabled") || lower.contains("vbaproject") {
            return Err(refuse(format!("含宏的内容类型：{content_type}")));
        }
        if lower.contains("oleobject") || lower.contains("activex") {
            return Err(refuse(format!("含嵌入对象的内容类型：{content_type}")));
        }
        if attribute(e, b"PartName").as_deref() == Some("/word/document.xml") {
            if content_type != MAIN_TYPE {
                return Err(refuse(format!("正文的内容类型不是 Word 文档：{content_type}")));
            }
            main_found = true;
        }
        Ok(())
    })?;
    if main_found { Ok(()) } else { Err(refuse("[Content_Types].xml 没有登记正文部件：/word/document.xml")) }
}

fn check_relationships(name: &str, data: &[u8]) -> Result<(), PluginError> {
    each_element(name, data, |local, e| {
        if local != b"Relationship" {
            return Ok(());
        }
        let target = attribute(e, b"Target").unwrap_or_default();
        if attribute(e, b"TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External")) {
            return Err(refuse(format!("含外部链接（{name}）：{target}")));
        }
        let kind = attribute(e, b"Type").unwrap_or_default();
        if let Some((_, what)) = FORBIDDEN_RELATIONSHIPS.iter().find(|(suffix, _)| kind.ends_with(suffix)) {
            return Err(refuse(format!("含{what}（{name}）：{target}")));
        }
        Ok(())
    })
}

/// The main part's name, from the package's relationships (Word always writes `word/document.xml`,
/// which the content types check already requires).
fn main_part_name(parts: &HashMap<String, Vec<u8>>) -> Result<String, PluginError> {
    let rels = parts.get("_rels/.rels").ok_or_else(|| refuse("缺少部件：_rels/.rels"))?;
    let mut main = None;
    each_element("_rels/.rels", rels, |local, e| {
        let office = attribute(e, b"Type").is_some_and(|t| t.ends_with("/officeDocument"));
        if local == b"Relationship" && office {
            main = attribute(e, b"Target").map(|t| t.trim_start_matches('/').to_owned());
        }
        Ok(())
    })?;
    match main {
        Some(name) if name == "word/document.xml" => Ok(name),
        Some(other) => Err(refuse(format!("正文部件应为 word/document.xml：{other}"))),
        None => Err(refuse("_rels/.rels 没有指向正文的关系：officeDocument")),
    }
}

/// The text of each paragraph of a part (runs joined: Word splits a number across runs as it
/// likes), for the personal-data scan.
fn paragraph_texts(name: &str, data: &[u8]) -> Result<Vec<String>, PluginError> {
    let mut reader = NsReader::from_reader(data);
    let mut buf = Vec::new();
    let mut texts = Vec::new();
    let mut current = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"t" => in_text = true,
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => texts.push(std::mem::take(&mut current)),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => current.push_str(&t.decode().unwrap_or_default()),
            Ok(Event::GeneralRef(r)) if in_text => current.push_str(&entity(&r)),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(refuse(format!("XML 格式错误（{e}）：{name}"))),
        }
        buf.clear();
    }
    texts.push(current);
    Ok(texts)
}

fn entity(r: &quick_xml::events::BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    match r.decode().unwrap_or_default().as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
    .to_owned()
}

/// Refuses a full ID number (checksum valid) or mobile number the request did not carry in full.
fn scan_personal_data(name: &str, data: &[u8], allowed: &HashSet<String>) -> Result<(), PluginError> {
    for text in paragraph_texts(name, data)? {
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            if !chars[start].is_ascii_digit() {
                start += 1;
                continue;
            }
            let mut end = start;
            while end < chars.len()
                && (chars[end].is_ascii_digit() || (end == start + 17 && matches!(chars[end], 'X' | 'x')))
            {
                end += 1;
            }
            let run: String = chars[start..end].iter().collect::<String>().to_uppercase();
            if run.len() == 18 && id_checksum_ok(&run) && !allowed.contains(&run) {
                return Err(refuse(format!("含未遮盖的身份证号（{name}）：{}********{}", &run[..6], &run[14..])));
            }
            let mobile = run.len() == 11 && run.starts_with('1') && matches!(run.as_bytes()[1], b'3'..=b'9');
            if mobile && !allowed.contains(&run) {
                return Err(refuse(format!("含未遮盖的手机号（{name}）：{}****{}", &run[..3], &run[7..])));
            }
            start = end.max(start + 1);
        }
    }
    Ok(())
}

/// The GB 11643 check digit of an 18-character ID number.
fn id_checksum_ok(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let bytes = id.as_bytes();
    let mut sum = 0;
    for (b, w) in bytes[..17].iter().zip(WEIGHTS) {
        if !b.is_ascii_digit() {
            return false;
        }
        sum += u32::from(b - b'0') * w;
    }
    CHECK[(sum % 11) as usize] == bytes[17]
}

fn empty_run() -> model::TextRun {
    model::TextRun { text: String::new(), bold: false, italic: false, underline: false }
}

/// What is being read in the main part.
struct Reading {
    blocks: Vec<model::Block>,
    /// Open top-level table: its grid and rows.
    table: Option<(Vec<u32>, Vec<model::Row>)>,
    /// Open row's cells.
    row: Vec<model::Cell>,
    /// Open cell.
    cell: Option<model::Cell>,
    /// Tables open (nested ones are read as paragraphs of their cell).
    table_depth: u32,
    /// Open paragraph, its style and alignment.
    paragraph: Option<(model::Paragraph, Option<u8>)>,
    /// Open run's formatting.
    run: model::TextRun,
    in_text: bool,
    in_run_properties: bool,
    landscape: bool,
    page_break: bool,
}

/// Reads the main part into the model: headings (styles 标题 1–3 / Heading 1–3), paragraphs with
/// their alignment and bold/italic/underline runs, tables with column spans; refuses a part that
/// is not WordprocessingML or holds external content.
fn read_main(title: &str, name: &str, data: &[u8]) -> Result<model::Document, PluginError> {
    let mut reader = NsReader::from_reader(data);
    let mut buf = Vec::new();
    let mut state = Reading {
        blocks: Vec::new(),
        table: None,
        row: Vec::new(),
        cell: None,
        table_depth: 0,
        paragraph: None,
        run: empty_run(),
        in_text: false,
        in_run_properties: false,
        landscape: false,
        page_break: false,
    };
    let mut depth = 0u32;
    let mut body_seen = false;
    loop {
        let (ns, event) =
            reader.read_resolved_event_into(&mut buf).map_err(|e| refuse(format!("XML 格式错误（{e}）：{name}")))?;
        let in_w = matches!(ns, ResolveResult::Bound(ns) if ns.as_ref() == W_NS);
        match event {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_vec();
                if depth == 0 && !(in_w && local == b"document") {
                    return Err(refuse(format!("正文根元素不是 w:document：{name}")));
                }
                if depth == 1 && in_w && local == b"body" {
                    body_seen = true;
                }
                depth += 1;
                state.start(&local, &e, in_w)?;
            }
            Event::Empty(e) => {
                let local = e.local_name().as_ref().to_vec();
                if depth == 0 {
                    return Err(refuse(format!("正文根元素不是 w:document：{name}")));
                }
                state.start(&local, &e, in_w)?;
                state.end(&local, in_w);
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                state.end(e.local_name().as_ref(), in_w);
            }
            Event::Text(t) if state.in_text => state.run.text.push_str(&t.decode().unwrap_or_default()),
            Event::GeneralRef(r) if state.in_text => state.run.text.push_str(&entity(&r)),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !body_seen {
        return Err(refuse(format!("正文缺少 w:body：{name}")));
    }
    let orientation = if state.landscape { model::Orientation::Landscape } else { model::Orientation::Portrait };
    Ok(model::Document {
        title: title.to_owned(),
        style: model::DocStyle::Plain,
        sections: vec![model::Section { title: title.to_owned(), orientation, blocks: state.blocks }],
    })
}

impl Reading {
    fn start(&mut self, local: &[u8], e: &BytesStart<'_>, in_w: bool) -> Result<(), PluginError> {
        if !in_w {
            return Ok(());
        }
        let value = || attribute(e, b"val");
        match local {
            b"altChunk" => return Err(refuse("含外部内容块：w:altChunk")),
            b"object" | b"control" => return Err(refuse("含嵌入对象：w:object")),
            b"tbl" => {
                self.table_depth += 1;
                if self.table_depth == 1 {
                    self.table = Some((Vec::new(), Vec::new()));
                }
            }
            b"gridCol" if self.table_depth == 1 => {
                let twips = attribute(e, b"w").and_then(|w| w.parse::<u32>().ok()).unwrap_or(0);
                if let Some((grid, _)) = &mut self.table {
                    // Twentieths of a point to tenths of a millimetre.
                    grid.push((twips * 254 / 1440).max(1));
                }
            }
            b"tr" if self.table_depth == 1 => self.row.clear(),
            b"tc" if self.table_depth == 1 => {
                self.cell = Some(model::Cell { paragraphs: Vec::new(), col_span: 1, row_span: 1, shading: None });
            }
            b"gridSpan" if self.table_depth == 1 => {
                if let Some(cell) = &mut self.cell {
                    cell.col_span = value().and_then(|v| v.parse().ok()).unwrap_or(1).clamp(1, 63);
                }
            }
            b"p" => {
                let paragraph = model::Paragraph { runs: Vec::new(), align: model::Align::Left, indent: false };
                self.paragraph = Some((paragraph, None));
            }
            b"pStyle" => {
                if let Some((_, level)) = &mut self.paragraph {
                    *level = value().and_then(|style| heading_level(&style));
                }
            }
            b"jc" if !self.in_run_properties => {
                if let Some((paragraph, _)) = &mut self.paragraph {
                    paragraph.align = match value().as_deref() {
                        Some("center") => model::Align::Center,
                        Some("right" | "end") => model::Align::Right,
                        Some("both" | "distribute") => model::Align::Justify,
                        _ => model::Align::Left,
                    };
                }
            }
            b"r" => self.run = empty_run(),
            b"rPr" => self.in_run_properties = true,
            b"b" if self.in_run_properties => self.run.bold = on(value()),
            b"i" if self.in_run_properties => self.run.italic = on(value()),
            b"u" if self.in_run_properties => self.run.underline = value().is_none_or(|v| v != "none"),
            b"t" => self.in_text = true,
            b"tab" if self.paragraph.is_some() && !self.in_run_properties => self.run.text.push('\t'),
            b"br" => match attribute(e, b"type").as_deref() {
                Some("page") => self.page_break = true,
                _ => self.run.text.push('\n'),
            },
            b"pgSz" => self.landscape = attribute(e, b"orient").as_deref() == Some("landscape"),
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, local: &[u8], in_w: bool) {
        if !in_w {
            return;
        }
        match local {
            b"t" => self.in_text = false,
            b"rPr" => self.in_run_properties = false,
            b"r" => {
                if let Some((paragraph, _)) = &mut self.paragraph
                    && !self.run.text.is_empty()
                {
                    paragraph.runs.push(std::mem::replace(&mut self.run, empty_run()));
                }
            }
            b"p" => self.end_paragraph(),
            b"tc" if self.table_depth == 1 => {
                if let Some(cell) = self.cell.take() {
                    self.row.push(cell);
                }
            }
            b"tr" if self.table_depth == 1 => {
                let cells = std::mem::take(&mut self.row);
                if let Some((_, rows)) = &mut self.table {
                    rows.push(model::Row { cells });
                }
            }
            b"tbl" => {
                self.table_depth = self.table_depth.saturating_sub(1);
                if self.table_depth == 0
                    && let Some((grid, rows)) = self.table.take()
                {
                    self.blocks.push(model::Block::Table(table(grid, rows)));
                }
            }
            _ => {}
        }
    }

    fn end_paragraph(&mut self) {
        let Some((paragraph, level)) = self.paragraph.take() else { return };
        if let Some(cell) = &mut self.cell {
            cell.paragraphs.push(paragraph);
        } else if let Some(level) = level {
            let text = paragraph.runs.iter().map(|r| r.text.as_str()).collect();
            self.blocks.push(model::Block::Heading(model::Heading { level, text }));
        } else {
            self.blocks.push(model::Block::Paragraph(paragraph));
        }
        if std::mem::take(&mut self.page_break) && self.cell.is_none() {
            self.blocks.push(model::Block::PageBreak);
        }
    }
}

/// A table whose rows all cover the same columns (short rows padded, the grid evened out when the
/// file's grid does not match its rows), as the preview draws it.
fn table(grid: Vec<u32>, mut rows: Vec<model::Row>) -> model::Table {
    let span = |row: &model::Row| row.cells.iter().map(|c| c.col_span as usize).sum::<usize>();
    let columns = rows.iter().map(span).max().unwrap_or(0).max(1);
    for row in &mut rows {
        for _ in span(row)..columns {
            row.cells.push(model::Cell { paragraphs: Vec::new(), col_span: 1, row_span: 1, shading: None });
        }
    }
    let widths = if grid.len() == columns { grid } else { vec![(1560 / columns as u32).max(1); columns] };
    model::Table { widths, header_rows: 0, rows }
}

/// Whether a toggle property (`w:b`, `w:i`) is on: present without a value, or not switched off.
fn on(value: Option<String>) -> bool {
    !matches!(value.as_deref(), Some("0" | "false" | "off"))
}

/// The heading level of a paragraph style id: Word's `Heading1`, the Chinese Word's `1`, or a
/// style named like `标题 1`.
fn heading_level(style: &str) -> Option<u8> {
    let style = style.trim();
    let digits = style
        .strip_prefix("Heading")
        .or_else(|| style.strip_prefix("heading"))
        .or_else(|| style.strip_prefix("标题"))
        .unwrap_or(style)
        .trim();
    match digits {
        "1" => Some(1),
        "2" => Some(2),
        "3" => Some(3),
        _ => None,
    }
}
