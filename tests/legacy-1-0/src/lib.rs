//! A template crate as authors wrote them before contract 1.1: its own bindings generated from
//! the frozen `plugin-api/wit/1.0.0`, no newer SDK linked in. Built only for the tests, which prove
//! the host still runs it: it lists the members it receives (ID numbers as they arrive) and fails
//! when asked to.
// The generated export glue declares `unsafe extern` functions under the contract's names.
#![allow(unsafe_code)]

// Generated from the frozen 1.0 WIT, as the SDK of the time did.
#[allow(missing_docs, unsafe_code, clippy::all)] // generated ABI glue: documented in the WIT files
mod bindings {
    wit_bindgen::generate!({ path: "../../plugin-api/wit/1.0.0", world: "plugin" });
}

use bindings::exports::zhibu::plugin::template::Guest;
use bindings::zhibu::plugin::types::{
    Align, Block, DocStyle, Document, Orientation, Paragraph, ParamKind, ParamSpec, RecordKind, RenderError,
    RenderRequest, Section, TemplateInfo, TextRun,
};

/// The 1.0 template.
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
            id: "legacy-roster".into(),
            name: "旧版花名册".into(),
            version: "0.9.0".into(),
            description: "按接口1.0编写的模板：列出党员姓名和遮盖后的身份证号。".into(),
            parameters: vec![ParamSpec {
                key: "mode".into(),
                label: "行为".into(),
                kind: ParamKind::Choice,
                required: false,
                default_value: Some("list".into()),
                choices: vec!["list".into(), "err".into()],
                help: String::new(),
            }],
            needs: vec![RecordKind::Members],
            schemes: Vec::new(),
        }
    }

    fn render(request: RenderRequest) -> Result<Document, RenderError> {
        if request.params.iter().any(|p| p.key == "mode" && p.value == "err") {
            return Err(RenderError::MissingData("旧版模板：没有党员".into()));
        }
        let blocks =
            request.records.members.iter().map(|m| paragraph(format!("{}（{}）", m.name, m.id_number))).collect();
        Ok(Document {
            title: format!("{}花名册", request.unit_name),
            style: DocStyle::Plain,
            sections: vec![Section { title: "花名册".into(), orientation: Orientation::Portrait, blocks }],
        })
    }
}
