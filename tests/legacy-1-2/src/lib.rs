//! A template crate as authors wrote them for contract 1.2: its own bindings generated from the
//! frozen `plugin-api/wit/1.2.0`, no newer SDK linked in. Built only for the tests, which prove the
//! host still runs it after 1.3: it reads the members and what 1.2 added (dues), and cannot be
//! given the committee's records 1.3 added.
// The generated export glue declares `unsafe extern` functions under the contract's names.
#![allow(unsafe_code)]

// Generated from the frozen 1.2 WIT, as the SDK of the time did.
#[allow(missing_docs, unsafe_code, clippy::all)] // generated ABI glue: documented in the WIT files
mod bindings {
    wit_bindgen::generate!({ path: "../../plugin-api/wit/1.2.0", world: "plugin" });
}

use bindings::exports::zhibu::plugin::template::Guest;
use bindings::zhibu::plugin::types::{
    Align, Block, DocStyle, Document, Orientation, Output, Paragraph, RecordKind, RenderError, RenderRequest, Section,
    TemplateInfo, TextRun,
};

/// The 1.2 template.
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
            id: "legacy-dues".into(),
            name: "旧版欠缴党费名单".into(),
            version: "1.2.0".into(),
            description: "按接口1.2编写的模板：列出党员和欠缴的党费。".into(),
            parameters: Vec::new(),
            needs: vec![RecordKind::Members, RecordKind::Dues],
            schemes: Vec::new(),
        }
    }

    fn render(request: RenderRequest) -> Result<Output, RenderError> {
        let blocks: Vec<Block> = request
            .records
            .members
            .iter()
            .map(|m| {
                let owed: i64 = request.records.dues.iter().filter(|d| d.member == m.id).map(|d| d.owed).sum();
                paragraph(format!("{}：欠缴{}分", m.name, owed))
            })
            .collect();
        Ok(Output::Document(Document {
            title: format!("{}欠缴党费名单", request.unit_name),
            style: DocStyle::Plain,
            sections: vec![Section { title: "名单".into(), orientation: Orientation::Portrait, blocks }],
        }))
    }
}
