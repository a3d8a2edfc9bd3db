//! Contract 1.1 through the host: a template that returns a filled Word file has it checked (a
//! good one is written byte for byte and previewed as text and tables; a zip bomb, a 200 MB part,
//! an external image link, a macro, an embedded object or an unmasked ID number is refused with
//! a message naming it, nothing is written, and the host keeps working); and a template built for
//! the frozen contract 1.0 still loads and renders.

use std::io::{Read, Write};
use std::time::Duration;
use tests::day;
use zhibu_core::store::Store;
use zhibu_report::document::{self as model, Block};
use zhibu_report::export::{ExportOptions, to_docx};
use zhibu_report::plugin_host::package::{self, Package, Source};
use zhibu_report::plugin_host::{CancelToken, Limits, PluginError, PluginHost, RecordKind, RenderRequest};
use zhibu_report::services::ReportError;
use zhibu_report::services::export::{self, Destination, ExportRequest, Progress};
use zhibu_report::services::report::{Catalog, Consent};

fn host() -> PluginHost {
    PluginHost::new(Limits { fuel: 2_000_000_000, timeout: Duration::from_secs(20), ..Limits::default() }, None)
        .unwrap()
}

fn hostile() -> Vec<u8> {
    std::fs::read(env!("HOSTILE_WASM")).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn request(params: &[(&str, &str)], members: &str) -> RenderRequest {
    let params: Vec<serde_json::Value> =
        params.iter().map(|(k, v)| serde_json::json!({ "key": k, "value": v })).collect();
    let json = format!(
        r#"{{"params":{},"generated_at":"2026-01-05T10:00:00","unit_name":"金山社区党委",
        "records":{{"organizations":[],"terms":[],"members":{members},"meetings":[],"duty_reviews":[],"appraisals":[],
        "schemes":[],"star_ratings":[],"volunteer_activities":[],"compliance":[],"elections":[],
        "quota_checks":[],"dues":[],"volunteers":[],"service_teams":[]}},
        "rules":{{"volunteer_star_hours":[],"volunteer_star_clause":"","dues_flag_months":6,"dues_clause":"","version":""}}}}"#,
        serde_json::Value::Array(params)
    );
    serde_json::from_str(&json).unwrap()
}

fn docx_request(bytes: &[u8]) -> RenderRequest {
    request(&[("mode", "docx"), ("hex", &hex(bytes))], "[]")
}

/// A Word file as Word would write one: a heading, a paragraph and a table, made by the app's
/// own export (so it is known to open in Word, WPS and LibreOffice).
fn good_docx() -> Vec<u8> {
    let para = |text: &str| model::Paragraph {
        runs: vec![model::TextRun { text: text.into(), bold: false, italic: false, underline: false }],
        align: model::Align::Left,
        indent: false,
    };
    let cell = |text: &str| model::Cell { paragraphs: vec![para(text)], col_span: 1, row_span: 1, shading: None };
    let document = model::Document {
        title: "金山社区党支部换届选举结果的报告".into(),
        style: model::DocStyle::Plain,
        sections: vec![model::Section {
            title: "金山社区党支部换届选举结果的报告".into(),
            orientation: model::Orientation::Portrait,
            blocks: vec![
                Block::Heading(model::Heading { level: 1, text: "一、选举情况".into() }),
                Block::Paragraph(para("应到会党员32名，实到30名，超过应到会人数的五分之四。")),
                Block::Table(model::Table {
                    widths: vec![400, 400],
                    header_rows: 1,
                    rows: vec![
                        model::Row { cells: vec![cell("候选人"), cell("赞成票")] },
                        model::Row { cells: vec![cell("王建国"), cell("29")] },
                    ],
                }),
            ],
        }],
    };
    let options =
        ExportOptions { author: "金山社区党委".into(), created: day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap() };
    to_docx(&document, &options).unwrap()
}

/// `base` with some parts replaced or added (`None` content: removed).
pub(crate) fn rebuild(base: &[u8], changes: &[(&str, Option<Vec<u8>>)]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(base)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        if changes.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        out.start_file(name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    for (name, data) in changes {
        if let Some(data) = data {
            out.start_file(*name, options).unwrap();
            out.write_all(data).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

pub(crate) fn part(base: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(base)).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

pub(crate) fn text_of(document: &model::Document) -> String {
    let paragraph = |p: &model::Paragraph| p.runs.iter().map(|r| r.text.as_str()).collect::<String>();
    let mut out = Vec::new();
    for block in &document.sections[0].blocks {
        match block {
            Block::Heading(h) => out.push(format!("# {}", h.text)),
            Block::Paragraph(p) => out.push(paragraph(p)),
            Block::Table(t) => {
                for row in &t.rows {
                    let cells: Vec<String> =
                        row.cells.iter().map(|c| c.paragraphs.iter().map(paragraph).collect()).collect();
                    out.push(format!("| {} |", cells.join(" | ")));
                }
            }
            _ => {}
        }
    }
    out.join("\n")
}

#[test]
fn a_returned_word_file_is_written_as_it_came_and_previewed_in_order() {
    let host = host();
    let plugin = host.load(&hostile(), "hostile").unwrap();
    let bytes = good_docx();
    let outcome = host.render(&plugin, &docx_request(&bytes), &CancelToken::new()).unwrap();
    assert_eq!(outcome.docx.as_deref(), Some(&bytes[..]), "the file is kept byte for byte");
    assert_eq!(outcome.document.title, "返回的Word文件");
    let text = text_of(&outcome.document);
    assert!(text.contains("应到会党员32名，实到30名"), "{text}");
    assert!(text.contains("| 候选人 | 赞成票 |\n| 王建国 | 29 |"), "{text}");

    // Through the export service: the file on disk is the template's file.
    let dir = tempfile::tempdir().unwrap();
    let (mut store, mut catalog) = store_and_catalog(&dir);
    let path = dir.path().join("结果.docx");
    let exported = export::run(
        &mut store,
        &zhibu_core::rules::RuleSet::default(),
        &catalog,
        &export_request(&bytes, &path),
        &Progress::new(),
    )
    .unwrap();
    assert_eq!(exported.files, vec![path.clone()]);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    catalog.templates.clear();
}

fn store_and_catalog(dir: &tempfile::TempDir) -> (Store, Catalog) {
    let store = Store::open(&dir.path().join("zhibu.db"), "测试").unwrap();
    let mut catalog = Catalog::load(host(), None).unwrap();
    let wasm = hostile();
    let manifest = format!(
        "id = \"hostile\"\nname = \"恶意测试模板\"\nversion = \"0.1.0\"\napi_version = \"1.3.0\"\nsha256 = \"{}\"\npermissions = [\"members\"]\n",
        zhibu_report::plugin_host::sha256_bytes(&wasm)
    );
    let manifest = package::Manifest::parse(&manifest, std::path::Path::new("plugin.toml")).unwrap();
    catalog.add(Package { manifest, wasm, source: Source::External(dir.path().to_owned()) }).unwrap();
    (store, catalog)
}

fn export_request(bytes: &[u8], path: &std::path::Path) -> ExportRequest {
    ExportRequest {
        template: "hostile".into(),
        params: vec![("mode".into(), "docx".into()), ("hex".into(), hex(bytes))],
        consent: Consent::None,
        generated_at: day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap(),
        destination: Destination::File { path: path.to_owned(), json: false },
        pdf: false,
    }
}

#[test]
fn hostile_word_files_are_refused_with_the_problem_named_and_nothing_written() {
    let good = good_docx();
    let rels = part(&good, "word/_rels/document.xml.rels");
    let external_image = rels.replace(
        "</Relationships>",
        r#"<Relationship Id="rIdLogo" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="http://example.com/logo.png" TargetMode="External"/></Relationships>"#,
    );
    let main = part(&good, "word/document.xml");
    // A full ID number split across three runs, as Word's editing leaves it.
    let id_split = main.replacen(
        "<w:t xml:space=\"preserve\">应到会",
        "<w:t>33078419850312</w:t></w:r><w:r><w:t>00</w:t></w:r><w:r><w:t>2X</w:t></w:r><w:r><w:t xml:space=\"preserve\">应到会",
        1,
    );
    assert_ne!(id_split, main, "the paragraph to change is there");
    let types = part(&good, "[Content_Types].xml");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "zip bomb",
            rebuild(&good, &[("word/media/image1.png", Some(vec![0; 30 << 20]))]),
            "压缩比异常（疑似压缩炸弹）：word/media/image1.png",
        ),
        (
            "200 MB part",
            rebuild(&good, &[("word/media/image2.png", Some(vec![7; 200 << 20]))]),
            "部件大于32 MB：word/media/image2.png",
        ),
        (
            "external image",
            rebuild(&good, &[("word/_rels/document.xml.rels", Some(external_image.into_bytes()))]),
            "含外部链接（word/_rels/document.xml.rels）：http://example.com/logo.png",
        ),
        (
            "macro",
            rebuild(&good, &[("word/vbaProject.bin", Some(b"Attribute VB_Name".to_vec()))]),
            "含宏：word/vbaProject.bin",
        ),
        (
            "macro content type",
            rebuild(
                &good,
                &[(
                    "[Content_Types].xml",
                    Some(types.replace("document.main+xml", "document.macroEnabled.main+xml").into_bytes()),
                )],
            ),
            "含宏的内容类型：application/vnd.openxmlformats-officedocument.wordprocessingml.document.macroEnabled.main+xml",
        ),
        (
            "embedded object",
            rebuild(&good, &[("word/embeddings/oleObject1.bin", Some(vec![1; 64]))]),
            "含嵌入对象：word/embeddings/oleObject1.bin",
        ),
        (
            "unmasked ID",
            rebuild(&good, &[("word/document.xml", Some(id_split.into_bytes()))]),
            "含未遮盖的身份证号（word/document.xml）：330784********002X",
        ),
        ("not a zip", b"PK\x03\x04 this is not a zip".to_vec(), "不是有效的 Word 文件"),
        ("no main part", rebuild(&good, &[("word/document.xml", None)]), "缺少正文部件：word/document.xml"),
        (
            "not WordprocessingML",
            rebuild(&good, &[("word/document.xml", Some(b"<?xml version=\"1.0\"?><html><body/></html>".to_vec()))]),
            "正文根元素不是 w:document：word/document.xml",
        ),
        (
            "broken XML",
            rebuild(&good, &[("word/document.xml", Some(main.replace("</w:body>", "").into_bytes()))]),
            "XML 格式错误",
        ),
    ];
    let host = host();
    let plugin = host.load(&hostile(), "hostile").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut store, catalog) = store_and_catalog(&dir);
    for (what, bytes, message) in &cases {
        let error = host.render(&plugin, &docx_request(bytes), &CancelToken::new()).unwrap_err();
        assert!(matches!(error, PluginError::InvalidDocx(_)), "{what}: {error}");
        let text = error.to_string();
        assert!(text.starts_with("插件返回的 Word 文件不合规，已拒绝导出："), "{what}: {text}");
        assert!(text.contains(message), "{what}: {text}");
        // The same host renders the good file right after.
        assert!(host.render(&plugin, &docx_request(&good), &CancelToken::new()).is_ok(), "{what}: host still works");
    }
    // Through the export service: nothing appears on disk, no export is audited.
    let path = dir.path().join("拒绝.docx");
    let (_, bomb, _) = &cases[0];
    let error = export::run(
        &mut store,
        &zhibu_core::rules::RuleSet::default(),
        &catalog,
        &export_request(bomb, &path),
        &Progress::new(),
    )
    .unwrap_err();
    assert!(matches!(error, ReportError::Plugin(PluginError::InvalidDocx(_))), "{error}");
    assert!(!path.exists() && !path.with_extension("docx.part").exists(), "nothing is written");
}

#[test]
fn full_numbers_in_a_word_file_pass_only_when_the_host_passed_them_in_full() {
    let good = good_docx();
    let main = part(&good, "word/document.xml");
    // A valid ID (checksum) and a mobile number, in one paragraph.
    let id = "33078419850312002X";
    assert!(zhibu_core::domain::IdNumber::parse(id).is_ok(), "the sample is a valid ID number");
    let with_numbers = main.replacen("应到会党员", &format!("身份证号{id}，手机13857901234，应到会党员"), 1);
    let bytes = rebuild(&good, &[("word/document.xml", Some(with_numbers.into_bytes()))]);
    let host = host();
    let plugin = host.load(&hostile(), "hostile").unwrap();
    let masked = r#"[{"id":1,"name":"王建国","gender":"male","birth_date":"","ethnicity":"汉族","id_number":"330784********002X","phone":"138****1234","status":"full","joined_on":"2005-07-01","confirmed_on":null,"branch":3,"group":null,"in_service":false,"dual_community":null}]"#;
    let full = masked.replace("330784********002X", id).replace("138****1234", "13857901234");
    let params = [("mode", "docx"), ("hex", hex(&bytes).leak() as &str)];
    let error = host.render(&plugin, &request(&params, masked), &CancelToken::new()).unwrap_err();
    assert!(error.to_string().ends_with("含未遮盖的身份证号（word/document.xml）：330784********002X"), "{error}");
    let outcome = host.render(&plugin, &request(&params, &full), &CancelToken::new()).unwrap();
    assert!(text_of(&outcome.document).contains("手机13857901234"), "consented numbers pass");
}

#[test]
fn a_template_built_for_contract_1_0_still_runs() {
    let host = host();
    let plugin = host.load(&std::fs::read(env!("LEGACY_1_0_WASM")).unwrap(), "legacy").unwrap();
    assert_eq!(plugin.api_version, "1.0.0");
    assert_eq!(plugin.info.id, "legacy-roster");
    assert_eq!(plugin.info.needs, vec![RecordKind::Members]);
    assert_eq!(plugin.info.parameters[0].default_value.as_deref(), Some("list"));
    let members = r#"[{"id":1,"name":"王建国","gender":"male","birth_date":"","ethnicity":"汉族","id_number":"330784********002X","phone":null,"status":"full","joined_on":"2005-07-01","confirmed_on":null,"branch":3,"group":null,"in_service":false,"dual_community":null}]"#;
    let mut list = request(&[("mode", "list")], members);
    // Elections exist only from 1.1: the host leaves them out for a 1.0 template instead of failing.
    list.records.elections.push(
        serde_json::from_str(
            r#"{"id":1,"org":3,"term_number":4,"requested_on":null,"approved_on":"2026-03-01","approval_ref":"",
            "held_on":"2026-03-20","place":"党群服务中心","seats":5,"voters":[{"member":1,"present":true}],
            "voters_expected":1,"voters_present":1,"quorum_met":true,"candidates_needed":6,"candidates":[],"unfilled":5,
            "result_approved_on":null,"result_approval_ref":"","meeting":null,"status":"draft"}"#,
        )
        .unwrap(),
    );
    let outcome = host.render(&plugin, &list, &CancelToken::new()).unwrap();
    assert!(outcome.docx.is_none());
    assert_eq!(outcome.document.title, "金山社区党委花名册");
    assert_eq!(text_of(&outcome.document), "王建国（330784********002X）");
    let error = host.render(&plugin, &request(&[("mode", "err")], members), &CancelToken::new()).unwrap_err();
    assert_eq!(error.to_string(), "模板无法生成文档：缺少数据：旧版模板：没有党员");
}

#[test]
fn a_template_built_for_contract_1_1_still_runs_and_its_sheet_reads_back() {
    let host = host();
    let plugin = host.load(&std::fs::read(env!("LEGACY_1_1_WASM")).unwrap(), "legacy-1-1").unwrap();
    assert_eq!(plugin.api_version, "1.1.0");
    assert_eq!(plugin.info.needs, vec![RecordKind::Members, RecordKind::StarRatings]);
    // The sheet a 1.1 template provides reads as a 1.2 sheet without what 1.2 added.
    let sheet = &plugin.info.schemes[0];
    assert_eq!(
        (sheet.key.as_str(), sheet.version, sheet.indicators[0].measure.as_deref()),
        ("legacy-sheet", None, None)
    );
    let members = r#"[{"id":1,"name":"王建国","gender":"male","birth_date":"","ethnicity":"汉族","id_number":"330784********002X","phone":null,"status":"full","joined_on":"2005-07-01","confirmed_on":null,"branch":3,"group":null,"in_service":false,"dual_community":null}]"#;
    let mut req = request(&[], members);
    // What 1.2 added (the host's reckoning of a rating, dues) is dropped for a 1.1 template.
    req.records.star_ratings.push(
        serde_json::from_str(
            r#"{"scheme":"legacy-sheet","year":2025,"subject_name":"金山社区党支部","subject_org":3,"subject_member":null,
            "scores":[{"key":"work","points":82.5}],"subject_kind":"branch","subject_kind_label":"党支部","rated_by":3,
            "total":82.5,"stars":1,"last_year_stars":null,"move_label":"新评","rank":1,"tied":false,"beyond_quota":false,
            "next_star":null}"#,
        )
        .unwrap(),
    );
    req.records.dues.push(
        serde_json::from_str(
            r#"{"member":1,"category":"在职","monthly":3000,"base_confirmed":true,"due_months":["2025-01"],
            "settled_months":[],"owed_months":["2025-01"],"owed":3000,"paid":0,"payments":[],"flag":null}"#,
        )
        .unwrap(),
    );
    let outcome = host.render(&plugin, &req, &CancelToken::new()).unwrap();
    assert_eq!(outcome.document.title, "金山社区党委评星名单");
    assert_eq!(text_of(&outcome.document), "王建国\n金山社区党支部：82.5分");
}

#[test]
fn a_template_built_for_contract_1_2_still_runs_and_never_sees_the_committees_records() {
    let host = host();
    let plugin = host.load(&std::fs::read(env!("LEGACY_1_2_WASM")).unwrap(), "legacy-1-2").unwrap();
    assert_eq!(plugin.api_version, "1.2.0");
    assert_eq!(plugin.info.needs, vec![RecordKind::Members, RecordKind::Dues]);
    let members = r#"[{"id":1,"name":"王建国","gender":"male","birth_date":"","ethnicity":"汉族","id_number":"330784********002X","phone":null,"status":"full","joined_on":"2005-07-01","confirmed_on":null,"branch":3,"group":null,"in_service":false,"dual_community":null}]"#;
    let mut req = request(&[], members);
    req.records.dues.push(
        serde_json::from_str(
            r#"{"member":1,"category":"在职","monthly":3000,"base_confirmed":true,"due_months":["2025-01"],
            "settled_months":[],"owed_months":["2025-01"],"owed":3000,"paid":0,"payments":[],"flag":null}"#,
        )
        .unwrap(),
    );
    // What 1.3 added (the committee's roll-up) is dropped for a 1.2 template, not an error.
    req.records.committee = Some(
        serde_json::from_str(
            r#"{"year":2025,"branches":[],"duty_meeting":null,"duty_ballots":[],"grade_rule":"好票占有效票60%以上"}"#,
        )
        .unwrap(),
    );
    let outcome = host.render(&plugin, &req, &CancelToken::new()).unwrap();
    assert_eq!(outcome.document.title, "金山社区党委欠缴党费名单");
    assert_eq!(text_of(&outcome.document), "王建国：欠缴3000分");
}
