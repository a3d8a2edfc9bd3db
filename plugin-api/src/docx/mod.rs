//! Word-file templates (feature `docx`): fill a .docx the author made in Word with the records of
//! a request, keeping every style, header, font and picture of the file as it was.
//!
//! The syntax, typed in Word anywhere text goes (body, tables, headers, footers, footnotes):
//!
//! - `{{支部名称}}`: a value, in the formatting of the run the placeholder starts in;
//! - `{{#会议}} … {{/会议}}`: repeated once per record of a list. Both tags in one table row (or
//!   in two rows of a table): the rows repeat. In two paragraphs: the paragraphs between repeat (a
//!   paragraph holding nothing but a tag is left out). Within one paragraph: the text between;
//! - `{{#有决议}} … {{/有决议}}`: kept when a condition holds (a flag, a non-empty text or list);
//!   `{{^有决议}} … {{/有决议}}`: kept when it does not.
//!
//! Inside a list's section the record's own fields come first, then the enclosing ones, and
//! `{{序号}}` numbers the records from 1. Word often splits what was typed into several runs
//! (spell checking, an edit, a language change); the filler joins them again first.

mod fields;
mod fill;
mod toc;
mod tree;

pub use fields::{CATALOGUE, CatalogueEntry, EntryKind, Fields, SEQUENCE, Value, catalogue_entry, standard_fields};

use crate::RenderError;
use std::io::{Cursor, Read, Write};
use zip_sdk as zip;

/// Why a Word-file template could not be filled. The messages are the user's: in Chinese, with
/// the part and the offending text last.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocxError {
    /// The bytes are not a Word file (not a zip, or no `word/document.xml`).
    #[error("不是有效的 Word 文件（{0}）")]
    NotDocx(String),
    /// A part is not well-formed XML.
    #[error("Word 文件的 XML 格式错误（{why}）：{part}")]
    Xml {
        /// The part's name in the file.
        part: String,
        /// What the XML reader found.
        why: String,
    },
    /// A `{{` with no `}}` after it.
    #[error("占位符缺少结尾的 }}}}（{part}）：{text}")]
    Unclosed {
        /// The part.
        part: String,
        /// The text from the `{{`.
        text: String,
    },
    /// `{{}}`, `{{#}}` and the like.
    #[error("占位符没有名称（{part}）：{text}")]
    Unnamed {
        /// The part.
        part: String,
        /// The tag as written.
        text: String,
    },
    /// A name no field or list has.
    #[error("未知的占位符（{part}）：{name}")]
    Unknown {
        /// The part.
        part: String,
        /// The name inside the braces.
        name: String,
    },
    /// A list or condition used as a value (`{{会议}}` instead of `{{#会议}}`).
    #[error("这是列表或条件，应写成 {{{{#名称}}}} … {{{{/名称}}}}（{part}）：{name}")]
    NotText {
        /// The part.
        part: String,
        /// The name.
        name: String,
    },
    /// A section opened and never closed.
    #[error("缺少结束标记 {{{{/{name}}}}}（{part}）：{name}")]
    MissingEnd {
        /// The part.
        part: String,
        /// The section's name.
        name: String,
    },
    /// `{{/名称}}` with no section open.
    #[error("多余的结束标记（{part}）：{{{{/{name}}}}}")]
    StrayEnd {
        /// The part.
        part: String,
        /// The name in the tag.
        name: String,
    },
    /// A section closed with another name than it was opened with.
    #[error("结束标记与 {{{{#{open}}}}} 不配（{part}）：{{{{/{close}}}}}")]
    Mismatch {
        /// The part.
        part: String,
        /// The open section.
        open: String,
        /// The name the closing tag gave.
        close: String,
    },
}

impl From<DocxError> for RenderError {
    fn from(error: DocxError) -> Self {
        RenderError::Failed(error.to_string())
    }
}

/// What a placeholder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlaceholderKind {
    /// `{{名称}}`.
    Field,
    /// `{{#名称}}`.
    Section,
    /// `{{^名称}}`.
    Inverted,
}

/// A placeholder found in a Word file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The name between the braces.
    pub name: String,
    /// Field, section or inverted section.
    pub kind: PlaceholderKind,
    /// The sections it is inside, outermost first.
    pub within: Vec<String>,
    /// The part it is in (`word/document.xml`, `word/header1.xml`).
    pub part: String,
}

/// The file's properties: its title may hold placeholders too (`{{支部名称}}年度台账`).
const CORE: &str = "docProps/core.xml";

/// Whether a part holds text the filler reads: the body, headers, footers, notes, properties.
fn text_part(name: &str) -> bool {
    if name == CORE {
        return true;
    }
    let Some(file) = name.strip_prefix("word/").and_then(|n| n.strip_suffix(".xml")) else { return false };
    if file.contains('/') {
        return false;
    }
    file == "document"
        || file == "footnotes"
        || file == "endnotes"
        || ["header", "footer"]
            .iter()
            .any(|p| file.strip_prefix(p).is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())))
}

fn not_docx(why: impl std::fmt::Display) -> DocxError {
    DocxError::NotDocx(why.to_string())
}

/// Reads each text part of a Word file and passes it to `each`; returns the file's entries.
fn text_parts(
    docx: &[u8],
    mut each: impl FnMut(&str, &str) -> Result<Option<String>, DocxError>,
) -> Result<Vec<u8>, DocxError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).map_err(not_docx)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(docx.len() + 4096)));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut main = false;
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).map_err(not_docx)?;
        let name = file.name().to_owned();
        if !text_part(&name) {
            out.raw_copy_file(file).map_err(not_docx)?;
            continue;
        }
        main |= name == "word/document.xml";
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(|e| DocxError::Xml { part: name.clone(), why: e.to_string() })?;
        let filled = each(&name, &text)?.unwrap_or(text);
        out.start_file(name.as_str(), options).map_err(not_docx)?;
        out.write_all(filled.as_bytes()).map_err(not_docx)?;
    }
    if !main {
        return Err(not_docx("缺少正文部件 word/document.xml"));
    }
    Ok(out.finish().map_err(not_docx)?.into_inner())
}

/// Fills the Word file `template` with `fields`: every placeholder of the body, headers, footers
/// and notes replaced, every section expanded; every other part (styles, fonts, pictures,
/// numbering, settings) copied as it was.
///
/// A table of contents (a `TOC` field) in the body is refilled with the filled body's headings,
/// each bookmarked, with estimated page numbers Word and WPS update on opening.
pub fn fill(template: &[u8], fields: &Fields) -> Result<Vec<u8>, DocxError> {
    let styles = read_part(template, "word/styles.xml")?
        .map(|text| tree::parse("word/styles.xml", &text).map(|root| toc::Styles::read(&root)))
        .transpose()?
        .unwrap_or_default();
    text_parts(template, |part, text| {
        if part == CORE {
            return text.contains("{{").then(|| fill::fill_inline(part, text, &[fields])).transpose();
        }
        let main = part == "word/document.xml";
        // Word may split even the two braces of `{{` into two runs.
        if !(text.contains('{') || main && text.contains("TOC")) {
            return Ok(None);
        }
        let mut root = tree::parse(part, text)?;
        fill::normalize(part, &mut root)?;
        fill::fill(part, &mut root, &[fields])?;
        if main {
            toc::refresh(&mut root, &styles)?;
        }
        Ok(Some(tree::write(&root)))
    })
}

/// The text of one part of a Word file, if it has it.
fn read_part(docx: &[u8], name: &str) -> Result<Option<String>, DocxError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).map_err(not_docx)?;
    let Ok(mut file) = archive.by_name(name) else { return Ok(None) };
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(|e| DocxError::Xml { part: name.to_owned(), why: e.to_string() })?;
    Ok(Some(text))
}

/// The placeholders of a Word file, part by part in document order; fails on the errors
/// [`fill`] would meet whatever the records (a `{{` never closed, a section never ended).
pub fn placeholders(template: &[u8]) -> Result<Vec<Placeholder>, DocxError> {
    let mut found = Vec::new();
    text_parts(template, |part, text| {
        let mut root = tree::parse(part, text)?;
        fill::normalize(part, &mut root)?;
        found.extend(fill::placeholders(part, &root)?);
        Ok(None)
    })?;
    Ok(found)
}

/// The placeholders of a Word file that [`standard_fields`] has nothing for (each once), so a
/// template's unit test can say which ones the author must fill in `render`.
pub fn unknown_placeholders(template: &[u8]) -> Result<Vec<Placeholder>, DocxError> {
    let mut unknown: Vec<Placeholder> = Vec::new();
    for placeholder in placeholders(template)? {
        let seen = unknown.iter().any(|u| u.name == placeholder.name && u.within == placeholder.within);
        if !seen && fields::catalogue_entry(&placeholder.name, &placeholder.within).is_none() {
            unknown.push(placeholder);
        }
    }
    Ok(unknown)
}
