//! Contract 1.3 (`plugin-api/wit/1.3.0`, the same files the SDK reads): the host bindings
//! generated from it, which are also the host's own request and description types (a template of
//! an older contract is adapted to them in its module, [`super::v1_2`], [`super::v1_1`],
//! [`super::v1_0`]), and the one place the contract's document types become the app's own
//! [`crate::document`] model. A later contract version becomes the host's types in turn, and 1.3
//! templates are adapted to it.

use crate::document as model;

wasmtime::component::bindgen!({
    path: "../plugin-api/wit/1.3.0",
    world: "plugin",
    additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
});

pub use zhibu::plugin::host::LogLevel;
pub use zhibu::plugin::types::*;

/// A document model returned by a template as the app's model (a move of every field; nothing is dropped).
pub fn to_model(doc: Document) -> model::Document {
    model::Document {
        title: doc.title,
        style: match doc.style {
            DocStyle::Official => model::DocStyle::Official,
            DocStyle::Plain => model::DocStyle::Plain,
        },
        sections: doc.sections.into_iter().map(section).collect(),
    }
}

fn section(section: Section) -> model::Section {
    model::Section {
        title: section.title,
        orientation: match section.orientation {
            Orientation::Portrait => model::Orientation::Portrait,
            Orientation::Landscape => model::Orientation::Landscape,
        },
        blocks: section.blocks.into_iter().map(block).collect(),
    }
}

fn block(block: Block) -> model::Block {
    match block {
        Block::Heading(h) => model::Block::Heading(model::Heading { level: h.level, text: h.text }),
        Block::Paragraph(p) => model::Block::Paragraph(paragraph(p)),
        Block::Bullets(items) => model::Block::Bullets(items.into_iter().map(paragraph).collect()),
        Block::Numbered(items) => model::Block::Numbered(items.into_iter().map(paragraph).collect()),
        Block::Table(t) => model::Block::Table(model::Table {
            widths: t.widths,
            header_rows: t.header_rows,
            rows: t
                .rows
                .into_iter()
                .map(|row| model::Row {
                    cells: row
                        .cells
                        .into_iter()
                        .map(|c| model::Cell {
                            paragraphs: c.paragraphs.into_iter().map(paragraph).collect(),
                            col_span: c.col_span,
                            row_span: c.row_span,
                            shading: c.shading,
                        })
                        .collect(),
                })
                .collect(),
        }),
        Block::PageBreak => model::Block::PageBreak,
        Block::Signature(s) => model::Block::Signature(model::Signature { lines: s.lines, date: s.date }),
    }
}

fn paragraph(p: Paragraph) -> model::Paragraph {
    model::Paragraph {
        runs: p
            .runs
            .into_iter()
            .map(|r| model::TextRun { text: r.text, bold: r.bold, italic: r.italic, underline: r.underline })
            .collect(),
        align: match p.align {
            Align::Left => model::Align::Left,
            Align::Center => model::Align::Center,
            Align::Right => model::Align::Right,
            Align::Justify => model::Align::Justify,
        },
        indent: p.indent,
    }
}
