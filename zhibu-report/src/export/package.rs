//! Packing the parts into the `.docx` zip as they are written: Deflate-compressed on the fly,
//! fixed entry timestamps (same input, same bytes), `document.xml`'s body streamed in between the
//! shell docx-rs writes, and the core properties (title, author) docx-rs has no API for. The
//! parts that depend only on a document's look (styles, settings, footers, theme, …) are built
//! and deflated once per look (`Frame`) and copied, still deflated, into every file of it.

use super::{ExportError, ExportOptions};
use crate::document::Document;
use docx_rs::XMLDocx;
use std::io::{Cursor, Seek, Write};
use std::sync::{Arc, Mutex};

/// The theme part (Word writes one with every file; the Open XML validator requires it).
const THEME: &[u8] = include_bytes!("theme1.xml");
const THEME_TYPE: &str = "application/vnd.openxmlformats-officedocument.theme+xml";
const THEME_RELATIONSHIP: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme";

/// `xml` with `entry` added before its closing `close` (docx-rs's content types and document
/// relationships have no API for a theme).
fn insert_before(xml: &[u8], close: &str, entry: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(xml);
    match text.rfind(close) {
        Some(at) => format!("{}{entry}{}", &text[..at], &text[at..]).into_bytes(),
        None => xml.to_vec(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The core properties with the document's title and the issuing unit as author.
fn core_properties(core: &[u8], doc: &Document, options: &ExportOptions) -> Vec<u8> {
    let text = String::from_utf8_lossy(core);
    let author = escape(&options.author);
    let text = text
        .replace(
            "<dc:creator>unknown</dc:creator>",
            &format!("<dc:title>{}</dc:title><dc:creator>{author}</dc:creator>", escape(&doc.title)),
        )
        .replace(
            "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
            &format!("<cp:lastModifiedBy>{author}</cp:lastModifiedBy>"),
        );
    text.into_bytes()
}

/// What a frame is built for: everything docx-rs writes outside the body and the core
/// properties follows from these.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Look {
    /// Official (GB/T 9704) or plain.
    pub official: bool,
    /// The last section's orientation (the body's closing page setup).
    pub landscape: bool,
    /// The created and modified time in the core properties.
    pub created: chrono::NaiveDateTime,
}

/// Everything in a `.docx` but its body and core properties, for one [`Look`]: the document
/// part's opening and closing around the body, docx-rs's core properties (title and author are
/// filled in per file), and the other parts already deflated, in their order in the file.
pub(super) struct Frame {
    head: String,
    tail: String,
    core: Vec<u8>,
    parts: zip::ZipArchive<Cursor<Arc<[u8]>>>,
}

/// Parts before `document.xml` in the frame's zip (the core properties go between the third
/// and the fourth of them).
const PARTS_BEFORE_BODY: usize = 5;
const CORE_AT: usize = 3;

/// The frames made lately: a batch writes many files of one look, and building a frame (docx-rs's
/// parts, their schema repair, a dozen small deflate streams) was half of a duty review's file.
static FRAMES: Mutex<Vec<(Look, Arc<Frame>)>> = Mutex::new(Vec::new());
const FRAMES_KEPT: usize = 8;

/// The frame for `look`, built with `shell` when it is not kept already.
pub(super) fn frame(look: Look, shell: impl FnOnce() -> XMLDocx) -> Result<Arc<Frame>, ExportError> {
    let kept = FRAMES.lock().ok().and_then(|frames| frames.iter().find(|(l, _)| *l == look).map(|(_, f)| f.clone()));
    if let Some(frame) = kept {
        return Ok(frame);
    }
    let frame = Arc::new(build_frame(&shell())?);
    // A poisoned lock only loses the keeping: the frame is whole either way.
    if let Ok(mut frames) = FRAMES.lock() {
        if frames.len() >= FRAMES_KEPT {
            frames.remove(0);
        }
        frames.push((look, frame.clone()));
    }
    Ok(frame)
}

fn build_frame(xml: &XMLDocx) -> Result<Frame, ExportError> {
    let shell = String::from_utf8_lossy(&xml.document);
    let (head, tail) = match shell.find("<w:body>") {
        Some(at) => shell.split_at(at + "<w:body>".len()),
        None => return Err(ExportError::Build("document.xml 缺少 w:body".to_owned())),
    };
    let (head, tail) = (super::xml::repair(head), super::xml::repair(tail));
    let styles = super::xml::repair_styles(&String::from_utf8_lossy(&xml.styles)).into_bytes();
    let numbering = super::xml::repair_styles(&String::from_utf8_lossy(&xml.numberings)).into_bytes();
    let content_types = insert_before(
        &xml.content_type,
        "</Types>",
        &format!(r#"<Override PartName="/word/theme/theme1.xml" ContentType="{THEME_TYPE}" />"#),
    );
    let document_rels = insert_before(
        &xml.document_rels,
        "</Relationships>",
        &format!(r#"<Relationship Id="rIdTheme1" Type="{THEME_RELATIONSHIP}" Target="theme/theme1.xml" />"#),
    );
    let settings = super::xml::repair(&String::from_utf8_lossy(&xml.settings)).into_bytes();
    let footers: Vec<Vec<u8>> =
        xml.footers.iter().map(|f| super::xml::repair(&String::from_utf8_lossy(f)).into_bytes()).collect();
    let mut parts: Vec<(String, &[u8])> = vec![
        ("[Content_Types].xml".into(), &content_types),
        ("_rels/.rels".into(), &xml.rels),
        ("docProps/app.xml".into(), &xml.doc_props.app),
        // docProps/core.xml goes here, per file.
        ("docProps/custom.xml".into(), &xml.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), &document_rels),
        // word/document.xml goes here, per file.
        ("word/styles.xml".into(), &styles),
        ("word/settings.xml".into(), &settings),
        ("word/fontTable.xml".into(), &xml.font_table),
        ("word/theme/theme1.xml".into(), THEME),
        ("word/comments.xml".into(), &xml.comments),
        ("word/numbering.xml".into(), &numbering),
        ("word/commentsExtended.xml".into(), &xml.comments_extended),
        ("word/footnotes.xml".into(), &xml.footnotes),
    ];
    for (i, footer) in footers.iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), footer));
    }
    for (i, rels) in xml.footer_rels.iter().enumerate() {
        parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels));
    }
    for (i, header) in xml.headers.iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), header));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), deflated()).map_err(zip_error)?;
        zip.write_all(bytes).map_err(ExportError::Write)?;
    }
    let bytes: Arc<[u8]> = zip.finish().map_err(zip_error)?.into_inner().into();
    Ok(Frame {
        head,
        tail,
        core: xml.doc_props.core.clone(),
        parts: zip::ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?,
    })
}

/// The default timestamp (1980-01-01) is fixed: the same document gives the same bytes.
fn deflated() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)
}

/// Zips the parts in a fixed order: the frame's, copied as they were deflated, the core
/// properties, and `document.xml`, whose body `body` writes into the entry as it is being
/// deflated (between the frame's opening and closing).
pub(super) fn pack<W: Write + Seek>(
    frame: &Frame,
    doc: &Document,
    options: &ExportOptions,
    out: W,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<W, ExportError> {
    let core = core_properties(&frame.core, doc, options);
    let mut parts = frame.parts.clone();
    let mut zip = zip::ZipWriter::new(out);
    for i in 0..PARTS_BEFORE_BODY {
        if i == CORE_AT {
            zip.start_file("docProps/core.xml", deflated()).map_err(zip_error)?;
            zip.write_all(&core).map_err(ExportError::Write)?;
        }
        zip.raw_copy_file(parts.by_index_raw(i).map_err(zip_error)?).map_err(zip_error)?;
    }
    zip.start_file("word/document.xml", deflated()).map_err(zip_error)?;
    zip.write_all(frame.head.as_bytes()).map_err(ExportError::Write)?;
    {
        // The body arrives in small pieces; the deflater works best on larger ones.
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut zip);
        body(&mut buffered).and_then(|()| buffered.flush()).map_err(ExportError::Write)?;
    }
    zip.write_all(frame.tail.as_bytes()).map_err(ExportError::Write)?;
    for i in PARTS_BEFORE_BODY..parts.len() {
        zip.raw_copy_file(parts.by_index_raw(i).map_err(zip_error)?).map_err(zip_error)?;
    }
    zip.finish().map_err(zip_error)
}

/// A failed write is the destination's (disk full, …); anything else is the zip writer's.
fn zip_error(error: zip::result::ZipError) -> ExportError {
    match error {
        zip::result::ZipError::Io(e) => ExportError::Write(e),
        other => ExportError::Build(other.to_string()),
    }
}
