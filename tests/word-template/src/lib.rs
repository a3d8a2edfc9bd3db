//! word-template：由 Word 文件 template.docx 生成的报表模板（zhibu plugin new --from-docx）。
//!
//! 改格式和文字：在 Word 里编辑 template.docx，再 zhibu plugin build。占位符的写法和可用的
//! 字段见 README.md；标准字段没有的，在 render 里补上（见下面的注释）。

use plugin_api::docx::{self, Fields};
use plugin_api::{DocxFile, Output, ParamKind, RecordKind, RenderError, RenderRequest, Template, TemplateInfo, param};

/// 作者在 Word 里做的模板文件，编译时嵌入插件。
pub const WORD_FILE: &[u8] = include_bytes!("../template.docx");

/// 模板本体。
pub struct WordTemplate;

plugin_api::export_template!(WordTemplate);

impl Template for WordTemplate {
    fn info() -> TemplateInfo {
        TemplateInfo {
            id: "word-template".into(),
            name: "工作台账模板".into(),
            version: "0.1.0".into(),
            description: "由 Word 文件 template.docx 生成，用所选党支部一个年度的记录填写。".into(),
            parameters: vec![
                param("branch", "党支部", ParamKind::Branch, true, None, "要填写的党支部"),
                param("year", "年度", ParamKind::Year, true, None, "要填写的年度"),
            ],
            needs: vec![
                RecordKind::Organizations,
                RecordKind::Members,
                RecordKind::Meetings,
                RecordKind::VolunteerActivities,
            ],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        let fields: Fields = docx::standard_fields(request)?;
        // 标准字段以外的占位符在这里补上，例如：
        // let fields = fields.text("联系电话", "0570-8881234");
        let branch = match fields.get("支部名称") {
            Some(docx::Value::Text(name)) => name.clone(),
            _ => String::new(),
        };
        let bytes = docx::fill(WORD_FILE, &fields)?;
        Ok(Output::Docx(DocxFile { title: format!("{branch}{}", "工作台账模板"), bytes }))
    }
}

#[cfg(test)]
mod tests {
    /// Word 文件里的每个占位符都有字段可填（cargo test）。
    #[test]
    fn every_placeholder_has_a_field() {
        let unknown = plugin_api::docx::unknown_placeholders(super::WORD_FILE).map_err(|e| e.to_string());
        assert_eq!(unknown, Ok(Vec::new()), "这些占位符没有标准字段，请在 render 里补上");
    }
}
