//! Word export: every reference template's output reopened from the zip and checked for what
//! a reviewer's Word, WPS or LibreOffice relies on: text, East Asian fonts on every run, A4 and
//! the GB/T 9704 margins, table grids with fixed layout and repeated headers, properties, and
//! byte-identical output for the same input.

use std::io::Read as _;
use std::sync::OnceLock;
use tests::day;
use zhibu_core::rules::RuleSet;
use zhibu_core::services::demo::{DemoOptions, generate};
use zhibu_core::store::Store;
use zhibu_report::document::Document;
use zhibu_report::export::{ExportOptions, to_docx};
use zhibu_report::plugin_host::{CancelToken, Limits, PluginHost};
use zhibu_report::services::report::{self, Catalog};

fn render(template: &str, params: &[(&str, &str)]) -> Document {
    render_with(template, params, &RuleSet::default())
}

fn render_with(template: &str, params: &[(&str, &str)], rules: &RuleSet) -> Document {
    static DB: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        generate(&mut Store::open(&path, "测试").unwrap(), &DemoOptions::default()).unwrap();
        (dir, path)
    });
    let store = Store::open_existing(path, "测试").unwrap();
    let catalog = Catalog::load(PluginHost::new(Limits::default(), None).unwrap(), None).unwrap();
    let params: Vec<(String, String)> = params.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    report::render(&store, rules, &catalog, template, &params, at, &CancelToken::new()).unwrap().document
}

fn options() -> ExportOptions {
    ExportOptions {
        author: "东湖经济开发区党工委".into(), created: day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap()
    }
}

pub(crate) fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut entry = zip.by_name(name).unwrap();
    assert_eq!(entry.compression(), zip::CompressionMethod::Deflated, "{name} is compressed");
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

/// The text of every `<w:t>`, paragraphs separated by newlines.
pub(crate) fn text_dump(document: &str) -> String {
    let mut out = String::new();
    for paragraph in document.split("</w:p>") {
        for piece in paragraph.split("<w:t xml:space=\"preserve\">").skip(1) {
            out.push_str(piece.split("</w:t>").next().unwrap_or(""));
        }
        out.push('\n');
    }
    out
}

fn check_common(docx: &[u8]) -> String {
    let document = part(docx, "word/document.xml");
    // Every run that holds text names its East Asian font.
    for run in document.split("<w:r>").skip(1) {
        let run = run.split("</w:r>").next().unwrap();
        if run.contains("<w:t") {
            assert!(run.contains("w:eastAsia=\""), "a run without an East Asian font: {run}");
        }
    }
    // Every table has a grid and a fixed layout, and its cells are as wide as the grid says.
    let tables = document.matches("<w:tbl>").count();
    assert!(tables >= 1);
    assert_eq!(document.matches("<w:tblGrid>").count(), tables);
    assert_eq!(document.matches("<w:tblLayout w:type=\"fixed\" />").count(), tables);
    assert!(document.contains("<w:tblHeader />"), "header rows repeat on every page");
    assert!(
        document.contains("<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\""),
        "GB/T 9704 margins"
    );
    assert!(!document.contains("w:val=\"justified\""), "no invalid alignment value");
    let core = part(docx, "docProps/core.xml");
    assert!(core.contains("<dc:creator>东湖经济开发区党工委</dc:creator>"), "{core}");
    assert!(core.contains("2026-01-05T10:00:00Z"), "created = the host's timestamp: {core}");
    let footer = part(docx, "word/footer1.xml");
    assert!(footer.contains("PAGE") && footer.contains("— ") && footer.contains("w:eastAsia=\"宋体\""), "{footer}");
    text_dump(&document)
}

#[test]
fn the_duty_review_exports_as_an_official_document() {
    let doc = render("duty-review", &[("branch", "3"), ("year", "2025")]);
    let docx = to_docx(&doc, &options()).unwrap();
    let text = check_common(&docx);
    let document = part(&docx, "word/document.xml");
    assert!(document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\""), "A4 portrait");
    assert!(document.contains("w:eastAsia=\"方正小标宋简体\""), "title font");
    assert!(
        document.contains("w:eastAsia=\"黑体\"") && document.contains("w:eastAsia=\"楷体_GB2312\""),
        "heading fonts"
    );
    assert!(document.contains("w:line=\"579\" w:lineRule=\"exact\""), "22 lines a page");
    for expected in [
        "金山社区党支部书记2025年度抓基层党建工作述职报告",
        "一、履行职责情况",
        "（二）组织建设",
        "民主测评结果",
        "述职人：",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    assert!(
        part(&docx, "docProps/core.xml")
            .contains("<dc:title>金山社区党支部书记2025年度抓基层党建工作述职报告</dc:title>")
    );
}

#[test]
fn the_star_rating_exports_landscape_with_a_grid_per_column() {
    let doc = render("star-rating", &[("year", "2025")]);
    let docx = to_docx(&doc, &options()).unwrap();
    let text = check_common(&docx);
    let document = part(&docx, "word/document.xml");
    assert!(document.contains("<w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\""), "A4 landscape");
    let grid = document.split("<w:tblGrid>").nth(1).unwrap().split("</w:tblGrid>").next().unwrap();
    assert_eq!(grid.matches("<w:gridCol").count(), 11, "序号, 党支部, 5 indicators, 总分, 星级, 排名, 较上年");
    assert!(text.contains("★★★★☆"), "{text}");
    // The demo rates its branches every year: the move since last year is printed.
    assert!(text.contains("升1星") || text.contains("降1星") || text.contains("持平"), "{text}");
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let doc = render("duty-review", &[("branch", "3"), ("year", "2025")]);
    let first = to_docx(&doc, &options()).unwrap();
    let other = render("star-rating", &[("year", "2025")]);
    let _ = to_docx(&other, &options()).unwrap();
    let again = to_docx(&doc, &options()).unwrap();
    assert_eq!(first, again, "byte-identical, even after other documents in the same process");
}

#[test]
fn files_of_one_look_made_at_other_times_carry_their_own_times_and_titles() {
    // Every part but the body and the core properties is built once per look and reused: the
    // creation time and the title must still be each file's own.
    let review = render("duty-review", &[("branch", "3"), ("year", "2025")]);
    let later = ExportOptions { created: day(2027, 2, 3).and_hms_opt(8, 30, 0).unwrap(), ..options() };
    let first = to_docx(&review, &options()).unwrap();
    let second = to_docx(&review, &later).unwrap();
    let mut other = review.clone();
    other.title = "另一份述职报告".into();
    let third = to_docx(&other, &options()).unwrap();
    assert!(part(&first, "docProps/core.xml").contains("2026-01-05T10:00:00Z"));
    let core = part(&second, "docProps/core.xml");
    assert!(core.contains("2027-02-03T08:30:00Z") && !core.contains("2026-01-05"), "{core}");
    assert!(part(&third, "docProps/core.xml").contains("<dc:title>另一份述职报告</dc:title>"));
    assert_eq!(part(&first, "word/document.xml"), part(&third, "word/document.xml"));
    assert_eq!(part(&first, "word/styles.xml"), part(&second, "word/styles.xml"));
}

#[test]
fn a_malformed_document_is_refused_and_no_file_appears() {
    let mut doc = render("star-rating", &[("year", "2025")]);
    if let Some(zhibu_report::document::Block::Table(table)) =
        doc.sections[0].blocks.iter_mut().find(|b| matches!(b, zhibu_report::document::Block::Table(_)))
    {
        table.rows[1].cells.pop();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("坏文件.docx");
    let error = zhibu_report::export::write_docx(&doc, &options(), &path).unwrap_err();
    assert!(error.to_string().contains("的表格第2行只有10列，应为11列"), "{error}");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing written");
}

#[test]
fn meeting_minutes_hold_every_field_the_norms_require() {
    let doc = render("meeting-minutes", &[("branch", "3"), ("year", "2025")]);
    assert!(doc.sections.len() >= 2, "a cover and one section per meeting");
    let docx = to_docx(&doc, &options()).unwrap();
    let text = check_common(&docx);
    for field in [
        "会议名称",
        "会议时间",
        "会议地点",
        "主持人",
        "记录人",
        "应到人数",
        "实到人数",
        "请假人员及原因",
        "缺席人员及原因",
        "列席人员",
        "一、会议议题",
        "二、会议内容",
        "三、决议事项",
        "主持人（签字）",
    ] {
        assert!(text.contains(field), "{field} in\n{text}");
    }
    assert!(text.contains("表决情况：赞成"), "votes are recorded: {text}");
    assert!(text.contains("会议有效") || text.contains("会议不能有效召开"), "the quorum line: {text}");
    // Each meeting section but the last ends with a next-page section break; the last has none.
    let document = part(&docx, "word/document.xml");
    assert_eq!(document.matches("<w:sectPr>").count(), doc.sections.len(), "one section break per section");
}

#[test]
fn the_volunteer_certificate_masks_the_id_number() {
    let doc = render("volunteer-certificate", &[("year", "2025"), ("member", "20")]);
    let docx = to_docx(&doc, &options()).unwrap();
    let text = check_common(&docx);
    assert!(text.contains("志愿服务记录证明") && text.contains("证明编号：DH-2025-001"), "{text}");
    assert!(text.contains("证件类型：居民身份证") && text.contains("********"), "masked ID number: {text}");
    assert!(text.contains("特此证明。") && text.contains("出具单位（盖章）"), "{text}");
    let summary = render("volunteer-certificate", &[("year", "2025"), ("variant", "年度汇总")]);
    let text = check_common(&to_docx(&summary, &options()).unwrap());
    assert!(text.contains("各支部合计") && text.contains("累计时长"), "{text}");
}

#[test]
fn a_rule_override_of_the_volunteer_star_thresholds_changes_the_certificate() {
    let params = [("year", "2025"), ("variant", "年度汇总")];
    let text = |doc: &Document| check_common(&to_docx(doc, &options()).unwrap());
    let default = text(&render("volunteer-certificate", &params));
    assert!(default.contains("一星100小时、二星300小时、三星600小时、四星1000小时、五星1500小时"), "{default}");
    let mut rules = RuleSet::default();
    rules.volunteer_stars.hours = vec![1.0, 2.0, 3.0, 4.0, 5.0];
    rules.volunteer_stars.clause = "某县星级志愿者认定办法".into();
    let county = text(&render_with("volunteer-certificate", &params, &rules));
    assert!(county.contains("星级按累计服务时长认定（某县星级志愿者认定办法）：一星1小时、二星2小时"), "{county}");
    // The demo's members have served well under 100 hours and over 5: none is five-star by
    // default, many are under the county's thresholds.
    assert_eq!(default.matches("5星").count(), 0, "{default}");
    assert!(county.matches("5星").count() > 3, "{county}");
}

#[test]
fn full_id_numbers_appear_only_when_the_template_asks_and_the_user_confirms() {
    use zhibu_report::services::report::{Consent, RenderArgs, render_one};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    generate(&mut Store::open(&path, "测试").unwrap(), &DemoOptions { branches: 1, ..DemoOptions::default() }).unwrap();
    let store = Store::open_existing(&path, "测试").unwrap();
    let member = store.members(None).unwrap()[0].clone();
    let full = member.record.id_number.as_str().to_owned();
    let catalog = Catalog::load(PluginHost::new(Limits::default(), None).unwrap(), None).unwrap();
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    let params = |show: &str| {
        vec![
            ("year".to_owned(), "2025".to_owned()),
            ("member".to_owned(), member.id.0.to_string()),
            ("personal_data".to_owned(), show.to_owned()),
        ]
    };
    let text_of = |consent, show| {
        let outcome = render_one(&RenderArgs {
            store: &store,
            rules: &RuleSet::default(),
            catalog: &catalog,
            template_id: "volunteer-certificate",
            params: &params(show),
            generated_at: at,
            cancel: &CancelToken::new(),
            consent,
        })?;
        Ok::<_, zhibu_report::services::ReportError>(serde_json::to_string(&outcome.document).unwrap())
    };
    let masked = text_of(Consent::PersonalDataConfirmed, "隐藏").unwrap();
    assert!(!masked.contains(&full) && masked.contains(&member.record.id_number.masked()), "masked by default");
    let refused = text_of(Consent::None, "显示").unwrap_err();
    assert!(refused.to_string().contains("须经确认"), "{refused}");
    let shown = text_of(Consent::PersonalDataConfirmed, "显示").unwrap();
    assert!(shown.contains(&full), "shown once asked and confirmed");
}

/// The body is written element by element and a table row by row (issue 18): a long document
/// comes out whole and in order, its paragraph ids counted on across pieces (Word reports a
/// duplicate as corruption), its header row marked once, and markup characters escaped.
#[test]
fn a_long_document_streams_out_whole_in_order_with_unique_paragraph_ids() {
    use zhibu_report::document::{Align, Block, Cell, DocStyle, Orientation, Paragraph, Row, Section, Table, TextRun};
    let para = |text: String| Paragraph {
        runs: vec![TextRun { text, bold: false, italic: false, underline: false }],
        align: Align::Left,
        indent: false,
    };
    let cell = |text: String, row_span: u32| Cell {
        paragraphs: if text.is_empty() { Vec::new() } else { vec![para(text)] },
        col_span: 1,
        row_span,
        shading: None,
    };
    let mut rows = vec![Row { cells: vec![cell("序号".into(), 1), cell("事项".into(), 1)] }];
    for i in 0..3000 {
        // Every tenth row spans two rows in the first column; the row under it has one cell fewer.
        let cells = match i % 10 {
            0 => vec![cell(format!("第{i}组"), 2), cell(format!("事项{i}"), 1)],
            1 => vec![cell(format!("事项{i}"), 1)],
            _ => vec![cell(i.to_string(), 1), cell(if i % 7 == 0 { String::new() } else { format!("事项{i}") }, 1)],
        };
        rows.push(Row { cells });
    }
    let table = Table { widths: vec![300, 1200], header_rows: 1, rows };
    let mut first = vec![Block::Paragraph(para("甲&乙<丙>\"丁\"'戊'\n第二行".into()))];
    first.extend((0..2000).map(|i| Block::Paragraph(para(format!("第{i}段")))));
    first.push(Block::Numbered((0..50).map(|i| para(format!("条目{i}"))).collect()));
    let doc = Document {
        title: "长文档".into(),
        style: DocStyle::Official,
        sections: vec![
            Section { title: "第一部分".into(), orientation: Orientation::Portrait, blocks: first },
            Section {
                title: "第二部分".into(),
                orientation: Orientation::Landscape,
                blocks: vec![Block::Table(table)],
            },
        ],
    };
    let docx = to_docx(&doc, &options()).unwrap();
    let document = part(&docx, "word/document.xml");
    let ids: Vec<u32> =
        document.split("w14:paraId=\"").skip(1).map(|s| u32::from_str_radix(&s[..8], 16).unwrap()).collect();
    assert_eq!(ids, (1..=ids.len() as u32).collect::<Vec<_>>(), "paragraph ids are 1, 2, 3… in document order");
    assert!(ids.len() > 2000 + 50 + 3000 * 2, "{} paragraphs", ids.len());
    assert!(
        document.contains("甲&amp;乙&lt;丙&gt;&quot;丁&quot;&apos;戊&apos;</w:t></w:r><w:r>"),
        "escaped, then a new run"
    );
    assert!(document.contains("<w:br w:type=\"textWrapping\" /><w:t xml:space=\"preserve\">第二行"));
    assert_eq!(document.matches("<w:tblHeader />").count(), 1, "the header row only");
    assert_eq!(document.matches("<w:tr>").count(), 3001);
    assert_eq!(document.matches("<w:vMerge w:val=\"restart\" />").count(), 300);
    assert_eq!(document.matches("<w:vMerge w:val=\"continue\" />").count(), 300);
    let text = text_dump(&document);
    let order: Vec<usize> = ["第0段", "第1999段", "10．条目9", "第二部分", "第0组", "事项2999"]
        .iter()
        .map(|needle| text.find(needle).unwrap_or_else(|| panic!("{needle} is in the document")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "in the model's order: {order:?}");
    // The file reopens, and the same document still gives the same bytes.
    assert!(docx_rs::read_docx(&docx).is_ok());
    assert_eq!(docx, to_docx(&doc, &options()).unwrap());
}

/// LibreOffice's profile folder goes to it as a `file:` URL: on Windows the drive follows a third
/// slash (`file://C:/…` would name a host called C:), and a user folder with a space or Chinese
/// characters is percent-encoded.
#[test]
fn the_pdf_converter_gets_a_valid_file_url_for_windows_and_unix_paths() {
    use zhibu_report::export::pdf::file_url;
    assert_eq!(
        file_url(std::path::Path::new("C:\\Users\\李 明\\AppData\\Local\\Temp\\zhibu-lo-1")),
        "file:///C:/Users/%E6%9D%8E%20%E6%98%8E/AppData/Local/Temp/zhibu-lo-1"
    );
    assert_eq!(file_url(std::path::Path::new("/tmp/zhibu lo")), "file:///tmp/zhibu%20lo");
}
