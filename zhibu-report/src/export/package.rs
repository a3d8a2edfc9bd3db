//! Packing the parts into the `.docx` zip as they are written: Deflate-compressed on the fly,
//! fixed entry timestamps (same input, same bytes), `document.xml`'s body streamed in between the
//! shell docx-rs writes, and the core properties (title, author) docx-rs has no API for.

use super::{ExportError, ExportOptions};
use crate::document::Document;
use docx_rs::XMLDocx;
use std::io::{Seek, Write};

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

/// Zips the parts in a fixed order; `body` writes the elements of `document.xml`'s body into the
/// entry as it is being deflated (between the shell's `<w:body>` and its closing `w:sectPr`).
pub(super) fn pack<W: Write + Seek>(
    xml: XMLDocx,
    doc: &Document,
    options: &ExportOptions,
    out: W,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<W, ExportError> {
    let core = core_properties(&xml.doc_props.core, doc, options);
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
    let before: [(&str, &[u8]); 6] = [
        ("[Content_Types].xml", &content_types),
        ("_rels/.rels", &xml.rels),
        ("docProps/app.xml", &xml.doc_props.app),
        ("docProps/core.xml", &core),
        ("docProps/custom.xml", &xml.doc_props.custom),
        ("word/_rels/document.xml.rels", &document_rels),
    ];
    let mut after: Vec<(String, &[u8])> = vec![
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
        after.push((format!("word/footer{}.xml", i + 1), footer));
    }
    for (i, rels) in xml.footer_rels.iter().enumerate() {
        after.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels));
    }
    for (i, header) in xml.headers.iter().enumerate() {
        after.push((format!("word/header{}.xml", i + 1), header));
    }
    let mut zip = zip::ZipWriter::new(out);
    // The default timestamp (1980-01-01) is fixed: the same document gives the same bytes.
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in before {
        zip.start_file(name, deflated).map_err(zip_error)?;
        zip.write_all(bytes).map_err(ExportError::Write)?;
    }
    zip.start_file("word/document.xml", deflated).map_err(zip_error)?;
    zip.write_all(head.as_bytes()).map_err(ExportError::Write)?;
    {
        // The body arrives in small pieces; the deflater works best on larger ones.
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut zip);
        body(&mut buffered).and_then(|()| buffered.flush()).map_err(ExportError::Write)?;
    }
    zip.write_all(tail.as_bytes()).map_err(ExportError::Write)?;
    for (name, bytes) in after {
        zip.start_file(name.as_str(), deflated).map_err(zip_error)?;
        zip.write_all(bytes).map_err(ExportError::Write)?;
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
