//! Word-file templates (the SDK's `docx` engine, `zhibu plugin new --from-docx`): a template made
//! from a Word file written the way Word writes one (placeholders split across runs, a header with
//! a logo, custom styles, a repeated table row) filled with demo data keeps every part of the
//! author's file but the filled text, and fills every placeholder; the placeholder syntax's cases
//! and errors, one table; and the scaffold makes exactly the crate `tests/word-template` holds.

use crate::plugins::demo_db;
use crate::word_files::{part, rebuild, text_of};
use plugin_api::docx::{self, DocxError, Fields};
use std::io::Read;
use std::time::Duration;
use tests::day;
use zhibu_core::store::{MeetingFilter, Store};
use zhibu_report::plugin_host::package::{self, Package, Source};
use zhibu_report::plugin_host::{Limits, PluginHost};
use zhibu_report::services::export::{self, Destination, ExportRequest, Progress};
use zhibu_report::services::report::{Catalog, Consent};
use zhibu_report::services::scaffold;

const TEMPLATE_DOCX: &[u8] = include_bytes!("../../word-template/template.docx");

/// The catalog with the word-template component installed as an external package.
fn catalog(dir: &std::path::Path) -> Catalog {
    let host =
        PluginHost::new(Limits { fuel: 4_000_000_000, timeout: Duration::from_secs(20), ..Limits::default() }, None)
            .unwrap();
    let mut catalog = Catalog::load(host, None).unwrap();
    let wasm = std::fs::read(env!("WORD_TEMPLATE_WASM")).unwrap();
    let manifest = format!(
        "id = \"word-template\"\nname = \"工作台账模板\"\nversion = \"0.1.0\"\napi_version = \"1.3.0\"\nsha256 = \"{}\"\n\
         permissions = [\"organizations\", \"members\", \"meetings\", \"volunteer-activities\"]\n",
        zhibu_report::plugin_host::sha256_bytes(&wasm)
    );
    let manifest = package::Manifest::parse(&manifest, std::path::Path::new("plugin.toml")).unwrap();
    catalog.add(Package { manifest, wasm, source: Source::External(dir.to_owned()) }).unwrap();
    catalog
}

fn request(destination: Destination) -> ExportRequest {
    ExportRequest {
        template: "word-template".into(),
        params: vec![("branch".into(), "3".into()), ("year".into(), "2025".into())],
        consent: Consent::None,
        generated_at: day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap(),
        destination,
        pdf: false,
    }
}

fn parts(docx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            (file.name().unwrap().into_owned(), data)
        })
        .collect()
}

/// The text of every `w:t` of a part, paragraph by paragraph (a crude reader on purpose: it
/// sees what Word would show, whatever the filler did to the runs).
fn paragraphs(xml: &str) -> Vec<String> {
    xml.split("</w:p>")
        .map(|p| {
            let mut text = String::new();
            for piece in p.split("<w:t").skip(1) {
                let body = &piece[piece.find('>').unwrap() + 1..];
                if piece.starts_with("/>") || piece.starts_with(" />") {
                    continue;
                }
                text.push_str(&body[..body.find("</w:t>").unwrap_or(0)]);
            }
            text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&#123;", "{")
        })
        .filter(|t| !t.is_empty())
        .collect()
}

#[test]
fn a_word_file_template_keeps_the_authors_parts_and_fills_every_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(demo_db(), "测试").unwrap();
    let catalog = catalog(dir.path());
    let path = dir.path().join("台账.docx");
    let rules = zhibu_core::rules::RuleSet::default();
    let exported = export::run(
        &mut store,
        &rules,
        &catalog,
        &request(Destination::File { path: path.clone(), json: false }),
        &Progress::new(),
    )
    .unwrap();
    assert_eq!(exported.titles, vec!["金山社区党支部工作台账模板".to_owned()]);
    let filled = std::fs::read(&path).unwrap();

    // Every part but the three that hold placeholders is the author's, byte for byte, in order.
    let (before, after) = (parts(TEMPLATE_DOCX), parts(&filled));
    let names = |p: &[(String, Vec<u8>)]| p.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&before), names(&after));
    for ((name, old), (_, new)) in before.iter().zip(&after) {
        let holds_placeholders = ["word/document.xml", "word/header1.xml", "word/footer1.xml"].contains(&name.as_str());
        assert_eq!(old == new, !holds_placeholders, "{name}");
    }
    // The header keeps its logo and style; only the placeholder's text changed.
    let header = part(&filled, "word/header1.xml");
    let template_header = part(TEMPLATE_DOCX, "word/header1.xml");
    let drawing = |xml: &str| xml[xml.find("<w:drawing>").unwrap()..xml.find("</w:drawing>").unwrap()].to_owned();
    assert_eq!(drawing(&header), drawing(&template_header));
    assert!(header.contains(r#"<w:pStyle w:val="a4"/>"#));
    assert_eq!(paragraphs(&header), vec![" 中共东湖经济开发区党工委委员会"]);
    assert_eq!(paragraphs(&part(&filled, "word/footer1.xml")), vec!["东湖经济开发区党工委 第1页"]);

    // Every placeholder is filled, with the branch's own records.
    let body = paragraphs(&part(&filled, "word/document.xml"));
    let all = body.join("\n");
    assert!(!all.contains("{{") && !all.contains("}}"), "{all}");
    assert_eq!(body[0], "金山社区党支部2025年度工作台账");
    assert!(body[1].starts_with("截至2026年1月5日，本支部共有党员"), "{}", body[1]);
    let meetings = store
        .meetings(&MeetingFilter {
            branch: Some(zhibu_core::domain::OrgId(3)),
            from: Some(day(2025, 1, 1)),
            to: Some(day(2025, 12, 31)),
            ..MeetingFilter::default()
        })
        .unwrap();
    assert!(meetings.len() > 20, "the demo branch holds a year of meetings");
    for (i, meeting) in meetings.iter().enumerate() {
        // A table row (序号 first), then the meeting's own paragraphs under its title.
        let row = format!("{}", i + 1);
        assert!(body.iter().any(|p| p == &row), "row {row}");
        let same_title = meetings.iter().filter(|m| m.record.title == meeting.record.title).count();
        let shown = body.iter().filter(|p| **p == meeting.record.title).count();
        assert_eq!(shown, 2 * same_title, "{}", meeting.record.title);
    }
    let decided = body.iter().filter(|p| p.starts_with("决议：")).count();
    let undecided = body.iter().filter(|p| *p == "本次会议未作决议。").count();
    assert_eq!(decided + undecided, meetings.len());
    assert_eq!(decided, meetings.iter().filter(|m| !m.record.resolutions.is_empty()).count());
    // The repeated row keeps the author's table (style, header row) and adds one row a meeting.
    let xml = part(&filled, "word/document.xml");
    assert!(xml.contains(r#"<w:tblStyle w:val="a7"/>"#) && xml.contains("<w:tblHeader/>"));
    assert_eq!(xml.matches("<w:tr ").count(), meetings.len() + 1);
    // Every paragraph style the filled file names is one the author's styles define.
    let styles = part(TEMPLATE_DOCX, "word/styles.xml");
    for style in xml.split(r#"<w:pStyle w:val=""#).skip(1).map(|s| &s[..s.find('"').unwrap()]) {
        assert!(styles.contains(&format!(r#"w:styleId="{style}""#)), "{style}");
    }

    // The window's preview reads the same file: the title and the table in order.
    let preview = export::run(&mut store, &rules, &catalog, &request(Destination::Preview), &Progress::new()).unwrap();
    let text = text_of(&preview.preview.unwrap());
    assert!(text.starts_with("金山社区党支部2025年度工作台账\n"), "{text}");
    assert!(text.contains(&format!("| 1 | {} |", zhibu_report_date(&meetings[0].record.starts_at.date()))), "{text}");
}

fn zhibu_report_date(date: &chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// A Word file whose body is `body` (paragraphs as Word writes them), on the author's file.
fn with_body(body: &str) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    rebuild(TEMPLATE_DOCX, &[("word/document.xml", Some(xml.into_bytes()))])
}

/// A paragraph of runs, each `|`-separated piece its own run (as Word splits what is typed).
fn p(runs: &str) -> String {
    let runs: String = runs.split('|').map(|r| format!(r#"<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{r}</w:t></w:r><w:proofErr w:type="spellStart"/>"#)).collect();
    format!("<w:p>{runs}</w:p>")
}

fn fields() -> Fields {
    let meeting = |title: &str, resolutions: &[&str]| {
        Fields::new()
            .text("会议名称", title)
            .flag("有决议", !resolutions.is_empty())
            .list("决议", resolutions.iter().map(|r| Fields::new().text("内容", *r)))
    };
    Fields::new()
        .text("单位名称", "金山社区党委")
        .text("上级党组织", "金山社区")
        .text("支部名称", "金山社区党支部")
        .text("年度", "2025")
        .text("备注", "第一行\n第二行 <含尖括号> & {{不是占位符}}")
        .list("会议", [meeting("3月支委会", &["同意甲", "同意乙"]), meeting("4月党员大会", &[])])
        .list("志愿活动", [])
}

#[test]
fn the_placeholder_syntax_fills_splits_sections_and_conditions_as_documented() {
    // (what the author typed, the paragraphs of the filled body)
    let cases: &[(&str, &[&str])] = &[
        // A value, and one split by Word into four runs.
        (&p("{{支部名称}}"), &["金山社区党支部"]),
        (&p("{|{支部|名称}|}{{年度}}年"), &["金山社区党支部2025年"]),
        // Spaces inside the braces are allowed.
        (&p("{{ 年度 }}"), &["2025"]),
        // A value is written as text: markup, braces and line breaks stay text.
        (&p("{{备注}}"), &["第一行第二行 <含尖括号> & {{不是占位符}}"]),
        // A section within one paragraph, split over runs; 序号 numbers the records.
        (&p("{{#会议}}{{序号}}.|{{会议名称}}；{{/|会议}}"), &["1.3月支委会；2.4月党员大会；"]),
        // Paragraphs between two tag-only paragraphs repeat; the tag paragraphs go.
        (&format!("{}{}{}", p("{{#会议}}"), p("{{会议名称}}"), p("{{/会议}}")), &["3月支委会", "4月党员大会"]),
        // Nested: a list inside a list, a condition and its inverse.
        (
            &format!(
                "{}{}{}{}",
                p("{{#会议}}"),
                p("{{会议名称}}：{{#有决议}}{{#决议}}{{内容}}，{{/决议}}{{/有决议}}"),
                p("{{^有决议}}未作决议{{/有决议}}"),
                p("{{/会议}}")
            ),
            &["3月支委会：同意甲，同意乙，", "4月党员大会：", "未作决议"],
        ),
        // An empty list: its section is left out, its inverse kept.
        (&p("{{#志愿活动}}有{{/志愿活动}}{{^志愿活动}}没有志愿服务{{/志愿活动}}"), &["没有志愿服务"]),
    ];
    for (body, expected) in cases {
        let filled = docx::fill(&with_body(body), &fields()).unwrap_or_else(|e| panic!("{body}: {e}"));
        let xml = part(&filled, "word/document.xml");
        assert_eq!(paragraphs(&xml), *expected, "{body}");
        // What stays is Word's markup: the runs' formatting and the spelling marks are kept.
        assert!(xml.contains("<w:rPr><w:b/></w:rPr>") && xml.contains(r#"<w:proofErr w:type="spellStart"/>"#));
    }
    // A paragraph that held only a section left empty goes (no blank line where nothing was).
    let body = format!("{}{}", p("{{#志愿活动}}有活动{{/志愿活动}}"), p("后文"));
    let xml = part(&docx::fill(&with_body(&body), &fields()).unwrap(), "word/document.xml");
    assert_eq!((paragraphs(&xml), xml.matches("<w:p>").count()), (vec!["后文".to_owned()], 1));
    // A bookmark in repeated content stays once (names and ids must be unique in a file).
    let marked = format!(
        "{}<w:p><w:bookmarkStart w:id=\"0\" w:name=\"_GoBack\"/>{}<w:bookmarkEnd w:id=\"0\"/></w:p>{}",
        p("{{#会议}}"),
        &p("{{会议名称}}")[5..p("{{会议名称}}").len() - 6],
        p("{{/会议}}")
    );
    let xml = part(&docx::fill(&with_body(&marked), &fields()).unwrap(), "word/document.xml");
    assert_eq!(paragraphs(&xml), ["3月支委会", "4月党员大会"]);
    assert_eq!((xml.matches("<w:bookmarkStart ").count(), xml.matches("<w:bookmarkEnd ").count()), (1, 1));
    // A line break in a value is Word's own line break.
    let filled = docx::fill(&with_body(&p("{{备注}}")), &fields()).unwrap();
    assert!(part(&filled, "word/document.xml").contains(r#"第一行</w:t><w:br/><w:t xml:space="preserve">第二行"#));
}

#[test]
fn a_placeholder_that_cannot_be_filled_is_an_error_naming_it() {
    let part = "word/document.xml".to_owned();
    let cases: Vec<(String, DocxError, &str)> = vec![
        (
            p("{{支部}}"),
            DocxError::Unknown { part: part.clone(), name: "支部".into() },
            "未知的占位符（word/document.xml）：支部",
        ),
        (
            p("{{支部名称"),
            DocxError::Unclosed { part: part.clone(), text: "{{支部名称".into() },
            "占位符缺少结尾的 }}（word/document.xml）：{{支部名称",
        ),
        (
            p("{{#}}"),
            DocxError::Unnamed { part: part.clone(), text: "{{#}}".into() },
            "占位符没有名称（word/document.xml）：{{#}}",
        ),
        (
            p("{{会议}}"),
            DocxError::NotText { part: part.clone(), name: "会议".into() },
            "这是列表或条件，应写成 {{#名称}} … {{/名称}}（word/document.xml）：会议",
        ),
        (
            p("{{#会议}}{{会议名称}}"),
            DocxError::MissingEnd { part: part.clone(), name: "会议".into() },
            "缺少结束标记 {{/会议}}（word/document.xml）：会议",
        ),
        (
            p("{{/会议}}"),
            DocxError::StrayEnd { part: part.clone(), name: "会议".into() },
            "多余的结束标记（word/document.xml）：{{/会议}}",
        ),
        (
            format!("{}{}", p("{{#会议}}"), p("{{/志愿活动}}")),
            DocxError::Mismatch { part: part.clone(), open: "会议".into(), close: "志愿活动".into() },
            "结束标记与 {{#会议}} 不配（word/document.xml）：{{/志愿活动}}",
        ),
    ];
    for (body, error, message) in cases {
        assert_eq!(docx::fill(&with_body(&body), &fields()), Err(error.clone()), "{body}");
        assert_eq!(error.to_string(), message);
    }
    assert!(matches!(docx::fill(b"PK not a zip", &fields()), Err(DocxError::NotDocx(_))));
    // The listing meets the structural errors without any records.
    assert!(matches!(docx::placeholders(&with_body(&p("{{#会议}}"))), Err(DocxError::MissingEnd { .. })));
}

#[test]
fn the_scaffold_makes_the_word_template_crate_and_lists_what_each_placeholder_takes() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("word-template/template.docx");
    let made = scaffold::create_from_docx(dir.path(), "word-template", &source).unwrap();
    // The crate the tests build and run is exactly what the scaffold writes.
    let lib = std::fs::read_to_string(made.root.join("src/lib.rs")).unwrap();
    assert_eq!(lib, include_str!("../../word-template/src/lib.rs"));
    assert_eq!(std::fs::read(made.root.join("template.docx")).unwrap(), TEMPLATE_DOCX);
    assert_eq!(made.title, "工作台账模板");
    let manifest = std::fs::read_to_string(made.root.join("Cargo.toml")).unwrap();
    assert!(manifest.contains(r#"plugin-api = { path = "sdk/plugin-api", features = ["docx"] }"#), "{manifest}");
    // The SDK copy is whole: every source file and the contract, so the crate builds on its own.
    let sdk = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugin-api");
    let mut pending = vec![sdk.join("src")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(&sdk).unwrap();
                let copy = made.root.join("sdk/plugin-api").join(relative);
                assert_eq!(std::fs::read(&copy).ok(), Some(std::fs::read(&path).unwrap()), "{}", relative.display());
            }
        }
    }
    assert!(made.root.join("sdk/plugin-api/wit/1.3.0/types.wit").is_file());

    // Each placeholder once, with what it takes; a field of a list is found inside it.
    let tags: Vec<String> = made.found.iter().map(|f| f.tag()).collect();
    assert_eq!(tags.iter().filter(|t| *t == "{{#会议}}").count(), 1, "{tags:?}");
    assert!(made.found.iter().all(|f| f.field.is_some()), "{tags:?}");
    let place = |tag: &str| made.found.iter().find(|f| f.tag() == tag).unwrap().place();
    assert_eq!(place("{{上级党组织}}"), "页眉");
    assert_eq!(place("{{会议名称}}"), "正文，在 {{#会议}} 里");
    let readme = std::fs::read_to_string(made.root.join("README.md")).unwrap();
    assert!(readme.contains("| `{{实到人数}}` | 正文，在 {{#会议}} 里 | 实到人数 |"), "{readme}");

    // The sample request holds what the placeholders need: the branch's meetings and roster.
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(made.root.join("fixture.json")).unwrap()).unwrap();
    assert!(fixture["records"]["meetings"].as_array().unwrap().len() > 10);
    assert!(!fixture["records"]["members"].as_array().unwrap().is_empty());
    assert_eq!(fixture["params"][1]["key"], "year");

    // A placeholder without a standard field is listed as such.
    let odd = dir.path().join("odd.docx");
    std::fs::write(&odd, with_body(&p("{{联系电话}}{{#会议}}{{会议名称}}{{/会议}}"))).unwrap();
    let made = scaffold::create_from_docx(dir.path(), "odd", &odd).unwrap();
    let unknown: Vec<String> = made.found.iter().filter(|f| f.field.is_none()).map(|f| f.tag()).collect();
    assert_eq!(unknown, vec!["{{联系电话}}"]);
    assert_eq!(docx::unknown_placeholders(&with_body(&p("{{联系电话}}"))).unwrap().len(), 1);

    // Word copies the first line into the file's title: a title holding placeholders is no name,
    // so the template is named after its file instead of "{{支部名称}}{{年度}}年度三会一课登记表".
    let core = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{{支部名称}}{{年度}}年度三会一课登记表</dc:title></cp:coreProperties>"#;
    let titled = dir.path().join("三会一课登记表.docx");
    std::fs::write(&titled, rebuild(TEMPLATE_DOCX, &[("docProps/core.xml", Some(core.as_bytes().to_vec()))])).unwrap();
    let made = scaffold::create_from_docx(dir.path(), "register-form", &titled).unwrap();
    assert_eq!(made.title, "三会一课登记表");
}

#[test]
fn a_word_file_the_host_would_refuse_makes_no_crate() {
    let dir = tempfile::tempdir().unwrap();
    let macro_file = dir.path().join("宏.docx");
    std::fs::write(&macro_file, rebuild(TEMPLATE_DOCX, &[("word/vbaProject.bin", Some(vec![0; 64]))])).unwrap();
    let error = scaffold::create_from_docx(dir.path(), "bad", &macro_file).unwrap_err().to_string();
    assert!(error.contains("含宏") && error.contains("宏.docx"), "{error}");
    let unclosed = dir.path().join("unclosed.docx");
    std::fs::write(&unclosed, with_body(&p("{{#会议}}"))).unwrap();
    let error = scaffold::create_from_docx(dir.path(), "bad", &unclosed).unwrap_err().to_string();
    assert!(error.contains("缺少结束标记 {{/会议}}"), "{error}");
    assert!(!dir.path().join("bad").exists(), "nothing is written");
}

/// The value of `key="…"` in each tag `tag` of `xml`, in order.
fn attributes(xml: &str, tag: &str, key: &str) -> Vec<String> {
    xml.split(&format!("<{tag} "))
        .skip(1)
        .filter_map(|rest| {
            let end = rest.find('>')?;
            let at = rest[..end].find(&format!("{key}=\""))? + key.len() + 2;
            Some(rest[at..at + rest[at..].find('"')?].to_owned())
        })
        .collect()
}

#[test]
fn the_year_binder_holds_the_branchs_year_with_a_filled_table_of_contents() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(demo_db(), "测试").unwrap();
    let catalog = Catalog::load(
        PluginHost::new(Limits { fuel: 4_000_000_000, timeout: Duration::from_secs(20), ..Limits::default() }, None)
            .unwrap(),
        None,
    )
    .unwrap();
    let path = dir.path().join("台账.docx");
    let request = ExportRequest {
        template: "year-binder".into(),
        destination: Destination::File { path: path.clone(), json: false },
        ..request(Destination::Preview)
    };
    let rules = zhibu_core::rules::RuleSet::default();
    let exported = export::run(&mut store, &rules, &catalog, &request, &Progress::new()).unwrap();
    assert_eq!(exported.titles, vec!["金山社区党支部2025年度党建工作台账".to_owned()]);
    let docx = std::fs::read(&path).unwrap();
    let xml = part(&docx, "word/document.xml");
    let body = paragraphs(&xml);
    assert!(!body.join("\n").contains("{{"), "every placeholder filled");
    // The file's own title too (Word shows it in 属性; the document check looks for it).
    assert!(part(&docx, "docProps/core.xml").contains("<dc:title>金山社区党支部2025年度党建工作台账</dc:title>"));

    // The sections in the order inspectors read them, each level-1 heading once.
    let sections = [
        "一、组织概况",
        "二、年度组织生活安排与落实",
        "三、会议记录",
        "四、民主评议党员",
        "五、书记抓党建述职评议",
        "六、星级评定",
        "七、志愿服务",
        "八、党费收缴",
        "九、合规检查",
    ];
    // Each appears twice: its table-of-contents entry (with its page), then the heading.
    let at: Vec<usize> = sections.iter().map(|s| body.iter().rposition(|p| p == s).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    for section in sections {
        let entry = |p: &&String| p.strip_prefix(section).is_some_and(|n| n.parse::<usize>().is_ok());
        assert_eq!(body.iter().filter(entry).count(), 1, "{section}");
    }

    // The table of contents: a TOC field Word updates on opening, one entry per heading, each a
    // link to a bookmark on its heading and a PAGEREF to it; pages never go back.
    assert!(xml.contains(r#"<w:fldChar w:fldCharType="begin" w:dirty="true"/>"#));
    assert!(xml.contains(r#"TOC \o "1-2" \h \z \u"#));
    let anchors = attributes(&xml, "w:hyperlink", "w:anchor");
    let bookmarks = attributes(&xml, "w:bookmarkStart", "w:name");
    let meetings = store
        .meetings(&MeetingFilter {
            branch: Some(zhibu_core::domain::OrgId(3)),
            from: Some(day(2025, 1, 1)),
            to: Some(day(2025, 12, 31)),
            summary: true,
            ..MeetingFilter::default()
        })
        .unwrap();
    assert!(anchors.len() >= sections.len() + meetings.len() + 2, "{} entries", anchors.len());
    assert_eq!(anchors, bookmarks, "every entry's bookmark, in order, once");
    for anchor in &anchors {
        assert!(xml.contains(&format!(" PAGEREF {anchor} \\h ")), "{anchor}");
    }
    let ids = attributes(&xml, "w:bookmarkStart", "w:id");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "bookmark ids are unique");
    // Each PAGEREF's shown result: the text of the first `w:t` after its instruction.
    let pages: Vec<usize> = xml
        .split(" PAGEREF ")
        .skip(1)
        .map(|rest| {
            let text = &rest[rest.find("<w:t").unwrap()..];
            let text = &text[text.find('>').unwrap() + 1..];
            text[..text.find('<').unwrap()].parse().unwrap()
        })
        .collect();
    assert_eq!(pages.len(), anchors.len());
    assert!(pages[0] >= 3 && pages.windows(2).all(|w| w[0] <= w[1]), "{pages:?}");

    // Page numbers run on: one section, a PAGE field in its footer, the cover without one.
    assert_eq!(xml.matches("<w:sectPr").count(), 1);
    assert!(xml.contains("<w:titlePg/>"));
    assert!(part(&docx, "word/footer1.xml").contains(" PAGE "));

    // What each section holds: the roster masked, every meeting, the findings with their clauses.
    let all = body.join("\n");
    for member in store.members(Some(zhibu_core::domain::OrgId(3))).unwrap() {
        assert!(all.contains(&member.record.name), "{}", member.record.name);
        assert!(!all.contains(member.record.id_number.as_str()), "an ID number in full");
    }
    assert!(all.contains("********"), "IDs masked");
    for meeting in &meetings {
        assert!(all.contains(&meeting.record.title), "{}", meeting.record.title);
    }
    let branch = zhibu_core::domain::OrgId(3);
    let compliance =
        zhibu_core::services::compliance::run(&store, &rules, 2025, day(2025, 12, 31), Some(branch)).unwrap();
    let ours = compliance.branches.iter().find(|b| b.branch == branch).unwrap();
    assert!(!ours.findings.is_empty());
    for finding in &ours.findings {
        assert!(all.contains(&finding.message), "{}", finding.message);
    }
}
