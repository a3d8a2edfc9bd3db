//! A hostile template for the sandbox tests. `render` misbehaves as its `mode` parameter asks
//! (`docx` hands back the Word file given in `hex`, good or hostile; `output-limit` is no misdeed
//! but the largest document the limits let through, for the export's memory); the `describe-loop` and
//! `init-loop` features build variants that hang before `render`.
// `_initialize` must keep its exact symbol name: the component calls it while instantiating.
#![allow(unsafe_code)]

use plugin_api::{
    Block, Document, DocumentBuilder, DocxFile, Heading, LogLevel, Output, ParamKind, ParamSpec, RecordKind,
    RenderError, RenderRequest, RequestExt, TableBuilder, Template, TemplateInfo, cell_text,
};
use std::hint::black_box;

/// The template.
pub struct Hostile;

plugin_api::export_template!(Hostile);

/// Called by the component while it is instantiated; loops forever in the `init-loop` build.
#[cfg(all(feature = "init-loop", target_arch = "wasm32"))]
#[unsafe(no_mangle)]
pub extern "C" fn _initialize() {
    spin();
}

fn spin() -> ! {
    let mut i: u64 = 0;
    loop {
        i = black_box(i.wrapping_add(1));
    }
}

#[allow(unconditional_recursion)] // the point: a recursion that never ends
fn recurse(depth: u64) -> u64 {
    black_box(recurse(black_box(depth + 1))) + 1
}

impl Template for Hostile {
    fn info() -> TemplateInfo {
        if cfg!(feature = "describe-loop") {
            spin();
        }
        TemplateInfo {
            id: "hostile".into(),
            name: "恶意测试模板".into(),
            version: "0.1.0".into(),
            description: "只用于测试沙箱：按 mode 参数死循环、耗尽内存、崩溃或返回不合规文档。".into(),
            parameters: vec![
                ParamSpec {
                    key: "mode".into(),
                    label: "行为".into(),
                    kind: ParamKind::Text,
                    required: true,
                    default_value: None,
                    choices: Vec::new(),
                    help: String::new(),
                },
                ParamSpec {
                    key: "hex".into(),
                    label: "Word 文件（十六进制）".into(),
                    kind: ParamKind::Text,
                    required: false,
                    default_value: None,
                    choices: Vec::new(),
                    help: String::new(),
                },
            ],
            needs: vec![RecordKind::Members],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        if request.text("mode")? == "docx" {
            // Hands back the Word file the test put in the `hex` parameter, as a Word-file template would.
            let hex = request.text("hex")?;
            let bytes = (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .map_err(|e| RenderError::InvalidParameter(("hex".into(), e.to_string())))?;
            return Ok(Output::Docx(DocxFile { title: "返回的Word文件".into(), bytes }));
        }
        render(request).map(Output::from)
    }
}

fn render(request: &RenderRequest) -> Result<Document, RenderError> {
    let doc = DocumentBuilder::plain("测试");
    Ok(match request.text("mode")? {
        "loop" => spin(),
        "memory" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(black_box(vec![1u8; 1 << 20]));
            }
        }
        "recursion" => doc.paragraph(recurse(0).to_string()).build(),
        "panic" => panic!("故意的错误：测试用 panic"),
        "log-flood" => {
            for i in 0..1_000_000u32 {
                plugin_api::log(LogLevel::Info, &format!("第{i}行日志"));
            }
            doc.paragraph("日志写完").build()
        }
        "huge" => doc.paragraph("字".repeat(12 << 20)).build(),
        "output-limit" => {
            // 100,000 paragraphs of 100 characters and a 20,000-row table: about 31 MB of text,
            // just inside the 32 MB output limit (what issue 18 measures the export's memory on).
            let mut doc = doc;
            let filler = "党支部按期召开支部党员大会、支部委员会会议和党小组会，按时上党课，落实三会一课制度，";
            for i in 0..100_000u32 {
                let head = format!("第{i:06}段：");
                let body: String = filler.chars().cycle().take(100 - head.chars().count()).collect();
                doc = doc.paragraph(head + &body);
            }
            let mut table = TableBuilder::new(&[25.0, 30.0, 45.0, 56.0]).header(["序号", "姓名", "日期", "事项"]);
            for i in 0..20_000u32 {
                table = table.row([
                    format!("{}", i + 1),
                    format!("党员{i:05}"),
                    format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
                    "参加支部主题党日活动，学习党的二十届四中全会精神".to_owned(),
                ]);
            }
            doc.table(table.build()).build()
        }
        "ragged" => doc
            .table(TableBuilder::new(&[30.0, 30.0]).row(["a", "b"]).cells(vec![cell_text("只有一格")]).build())
            .build(),
        "heading" => {
            let mut built = doc.build();
            built.sections[0].blocks.push(Block::Heading(Heading { level: 7, text: "七级标题".into() }));
            built
        }
        "control" => doc.paragraph("含控制字符\u{1}的文本").build(),
        "err" => return Err(RenderError::Failed("模板拒绝生成：测试".into())),
        "read-file" => {
            let file = std::fs::read_to_string("/etc/passwd").map_err(|e| e.to_string());
            let env = std::env::var("HOME").map_err(|e| e.to_string());
            let socket = std::net::TcpStream::connect("127.0.0.1:80").map(|_| ()).map_err(|e| e.to_string());
            doc.paragraph(format!("file={file:?}"))
                .paragraph(format!("env={env:?}"))
                .paragraph(format!("socket={socket:?}"))
                .build()
        }
        "echo" => {
            // Everything personal a template receives, to prove what arrives masked.
            let names: Vec<String> = request
                .records
                .members
                .iter()
                .map(|m| format!("{}（{}，生日{}）", m.name, m.id_number, m.birth_date))
                .collect();
            let records = format!("{} 名党员：{}", names.len(), names.join("、"));
            doc.paragraph(request.generated_at.clone()).paragraph(records).build()
        }
        other => return Err(RenderError::InvalidParameter(("mode".into(), format!("未知的 mode：{other}")))),
    })
}
