//! Packing docx-rs's parts into the `.docx` zip: Deflate-compressed (docx-rs stores them
//! uncompressed), fixed entry timestamps (same input, same bytes), and the patches docx-rs has
//! no API for: core properties (title, author) and repeated table header rows (`w:tblHeader`).

use super::{ExportError, ExportOptions};
use crate::document::{Block, Document};
use docx_rs::XMLDocx;
use std::io::Write as _;

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

/// Marks the first `header_rows` rows of each table (in document order) as header rows that
/// repeat on every page. docx-rs writes each row's properties as `<w:trPr><w:cantSplit />`.
fn repeat_header_rows(document: &[u8], doc: &Document) -> Vec<u8> {
    let headers: Vec<u32> = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| if let Block::Table(t) = b { Some(t.header_rows) } else { None })
        .collect();
    let text = String::from_utf8_lossy(document);
    let mut out = String::with_capacity(text.len() + headers.len() * 64);
    let mut rest: &str = &text;
    for count in headers {
        let Some(start) = rest.find("<w:tbl>") else { break };
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find("</w:tbl>").map_or(rest.len(), |e| e + "</w:tbl>".len());
        let (table, after) = rest.split_at(end);
        let mut patched = String::with_capacity(table.len() + 64);
        let mut remaining = table;
        for _ in 0..count {
            let Some(row) = remaining.find("<w:trPr>") else { break };
            let (before, tail) = remaining.split_at(row + "<w:trPr>".len());
            patched.push_str(before);
            patched.push_str("<w:tblHeader />");
            remaining = tail;
        }
        patched.push_str(remaining);
        out.push_str(&patched);
        rest = after;
    }
    out.push_str(rest);
    out.into_bytes()
}

/// Zips the parts.
pub(super) fn pack(xml: XMLDocx, doc: &Document, options: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    let core = core_properties(&xml.doc_props.core, doc, options);
    let document = super::xml::repair(&String::from_utf8_lossy(&repeat_header_rows(&xml.document, doc))).into_bytes();
    let styles = super::xml::repair_styles(&String::from_utf8_lossy(&xml.styles)).into_bytes();
    let settings = super::xml::repair(&String::from_utf8_lossy(&xml.settings)).into_bytes();
    let footers: Vec<Vec<u8>> =
        xml.footers.iter().map(|f| super::xml::repair(&String::from_utf8_lossy(f)).into_bytes()).collect();
    let mut parts: Vec<(String, &[u8])> = vec![
        ("[Content_Types].xml".into(), &xml.content_type),
        ("_rels/.rels".into(), &xml.rels),
        ("docProps/app.xml".into(), &xml.doc_props.app),
        ("docProps/core.xml".into(), &core),
        ("docProps/custom.xml".into(), &xml.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), &xml.document_rels),
        ("word/document.xml".into(), &document),
        ("word/styles.xml".into(), &styles),
        ("word/settings.xml".into(), &settings),
        ("word/fontTable.xml".into(), &xml.font_table),
        ("word/comments.xml".into(), &xml.comments),
        ("word/numbering.xml".into(), &xml.numberings),
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
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buffer);
    // The default timestamp (1980-01-01) is fixed: the same document gives the same bytes.
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let fail = |e: zip::result::ZipError| ExportError::Build(e.to_string());
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), options).map_err(fail)?;
        zip.write_all(bytes).map_err(|e| ExportError::Build(e.to_string()))?;
    }
    zip.finish().map_err(fail)?;
    Ok(buffer.into_inner())
}
