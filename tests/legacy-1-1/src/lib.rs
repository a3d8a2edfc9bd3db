//! A template crate as authors wrote them for contract 1.1: its own bindings generated from the
//! frozen `plugin-api/wit/1.1.0`, no newer SDK linked in. Built only for the tests, which prove the
//! host still runs it after 1.2: it provides a rating sheet (read back without the fields 1.2
//! added), and lists the star ratings it receives with their points, and the members.
// The generated export glue declares `unsafe extern` functions under the contract's names.
#![allow(unsafe_code)]

// Generated from the frozen 1.1 WIT, as the SDK of the time did.
#[allow(missing_docs, unsafe_code, clippy::all)] // generated ABI glue: documented in the WIT files
mod bindings {
    wit_bindgen::generate!({ path: "../../plugin-api/wit/1.1.0", world: "plugin" });
}

use bindings::exports::zhibu::plugin::template::Guest;
use bindings::zhibu::plugin::types::{
    Align, Block, DocStyle, Document, Indicator, Orientation, Output, Paragraph, RatingScheme, RecordKind, RenderError,
    RenderRequest, Section, StarBand, TemplateInfo, TextRun,
};

/// The 1.1 template.
pub struct Legacy;

#[cfg(target_arch = "wasm32")]
bindings::export!(Legacy with_types_in bindings);

fn paragraph(text: String) -> Block {
    Block::Paragraph(Paragraph {
        runs: vec![TextRun { text, bold: false, italic: false, underline: false }],
        align: Align::Left,
        indent: true,
    })
}

impl Guest for Legacy {
    fn describe() -> TemplateInfo {
        TemplateInfo {
            id: "legacy-ratings".into(),
            name: "旧版评星名单".into(),
            version: "1.1.0".into(),
            description: "按接口1.1编写的模板：提供一份评定指标，列出评定对象和得分。".into(),
            parameters: Vec::new(),
            needs: vec![RecordKind::Members, RecordKind::StarRatings],
            schemes: vec![RatingScheme {
                key: "legacy-sheet".into(),
                name: "旧版评星指标".into(),
                subject_kind: "branch".into(),
                indicators: vec![Indicator { key: "work".into(), name: "工作实绩".into(), max_score: 100.0 }],
                bonus: Vec::new(),
                bands: vec![StarBand { min_score: 60.0, stars: 1 }],
                quotas: Vec::new(),
            }],
        }
    }

    fn render(request: RenderRequest) -> Result<Output, RenderError> {
        let mut blocks: Vec<Block> = request.records.members.iter().map(|m| paragraph(m.name.clone())).collect();
        blocks.extend(request.records.star_ratings.iter().map(|r| {
            let points: f64 = r.scores.iter().map(|s| s.points).sum();
            paragraph(format!("{}：{points}分", r.subject_name))
        }));
        Ok(Output::Document(Document {
            title: format!("{}评星名单", request.unit_name),
            style: DocStyle::Plain,
            sections: vec![Section { title: "名单".into(), orientation: Orientation::Portrait, blocks }],
        }))
    }
}
