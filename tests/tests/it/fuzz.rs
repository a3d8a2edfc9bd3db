//! Property tests standing in for fuzzing (they run everywhere, no nightly): the importer fed
//! arbitrary bytes and arbitrary CSV must never panic, and any document the validator accepts
//! must export to a .docx that reads back, while any it refuses never reaches a file.
//! `scripts/fuzz.sh` runs the same properties with many more cases for a bounded time.

use proptest::prelude::*;
use proptest::strategy::ValueTree as _;
use tests::day;
use zhibu_core::import::roster;
use zhibu_core::import::table::{Encoding, decode};
use zhibu_report::document::{
    Align, Block, Cell, DocStyle, Document, Heading, Orientation, Paragraph, Row, Section, Signature, Table, TextRun,
    validate as validate_document,
};
use zhibu_report::export::{ExportOptions, to_docx};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn cjk_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("党".to_owned()),
            Just("支部".to_owned()),
            Just("，".to_owned()),
            Just("2025".to_owned()),
            Just("&<>\"".to_owned()),
            Just("\n".to_owned()),
            "[a-z ]{0,3}",
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

fn run() -> impl Strategy<Value = TextRun> {
    (cjk_text(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(text, bold, italic, underline)| TextRun {
        text,
        bold,
        italic,
        underline,
    })
}

fn paragraph() -> impl Strategy<Value = Paragraph> {
    (prop::collection::vec(run(), 0..3), 0..4u8, any::<bool>()).prop_map(|(runs, a, indent)| Paragraph {
        runs,
        align: [Align::Left, Align::Center, Align::Right, Align::Justify][usize::from(a)],
        indent,
    })
}

fn table() -> impl Strategy<Value = Table> {
    (1..5usize, 0..6usize, 0..3u32, any::<bool>()).prop_flat_map(|(columns, rows, header_rows, regular)| {
        let cell = (paragraph(), 1..3u32, 1..3u32, prop::option::of(Just("D9D9D9".to_owned())))
            .prop_map(|(p, col_span, row_span, shading)| Cell { paragraphs: vec![p], col_span, row_span, shading });
        // Half the tables are regular grids (mostly valid), half have random spans (often ragged).
        let row_cells = if regular { columns..columns + 1 } else { 0..5 };
        (
            prop::collection::vec(100..600u32, columns),
            prop::collection::vec(prop::collection::vec(cell, row_cells), rows),
            Just(header_rows),
            Just(regular),
        )
            .prop_map(|(widths, rows, header_rows, regular)| Table {
                widths,
                header_rows,
                rows: rows
                    .into_iter()
                    .map(|cells| Row {
                        cells: cells
                            .into_iter()
                            .map(|c| if regular { Cell { col_span: 1, row_span: 1, ..c } } else { c })
                            .collect(),
                    })
                    .collect(),
            })
    })
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        (0..5u8, cjk_text()).prop_map(|(level, text)| Block::Heading(Heading { level, text })),
        paragraph().prop_map(Block::Paragraph),
        prop::collection::vec(paragraph(), 0..3).prop_map(Block::Numbered),
        prop::collection::vec(paragraph(), 0..3).prop_map(Block::Bullets),
        table().prop_map(Block::Table),
        Just(Block::PageBreak),
        (prop::collection::vec(cjk_text(), 0..3), cjk_text())
            .prop_map(|(lines, date)| Block::Signature(Signature { lines, date })),
    ]
}

fn document() -> impl Strategy<Value = Document> {
    (
        cjk_text(),
        any::<bool>(),
        prop::collection::vec((cjk_text(), any::<bool>(), prop::collection::vec(block(), 0..6)), 0..3),
    )
        .prop_map(|(title, official, sections)| Document {
            title,
            style: if official { DocStyle::Official } else { DocStyle::Plain },
            sections: sections
                .into_iter()
                .map(|(title, landscape, blocks)| Section {
                    title,
                    orientation: if landscape { Orientation::Landscape } else { Orientation::Portrait },
                    blocks,
                })
                .collect(),
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for encoding in [Encoding::Auto, Encoding::Utf8, Encoding::Gbk] {
            let _ = decode(&bytes, encoding);
        }
    }

    #[test]
    fn utf8_and_gbk_text_decodes_to_itself(text in "[\\PC&&[^\u{FEFF}]]{0,40}", gbk in any::<bool>()) {
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
        if gbk && !unmappable && std::str::from_utf8(&bytes).is_err() {
            prop_assert_eq!(decode(&bytes, Encoding::Auto).unwrap(), text.clone());
        }
        prop_assert_eq!(decode(text.as_bytes(), Encoding::Auto).unwrap(), text);
    }

    #[test]
    fn arbitrary_csv_rosters_are_checked_without_panicking(
        lines in prop::collection::vec(prop::collection::vec("[^\r\n]{0,12}", 0..9), 0..12),
        with_header in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        let mut text = String::new();
        if with_header {
            text.push_str("姓名,身份证号,党员状态,入党时间,所在支部\n");
        }
        for line in &lines {
            text.push_str(&line.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(","));
            text.push('\n');
        }
        std::fs::write(&path, text).unwrap();
        if let Ok(rows) = zhibu_core::import::table::read(&path, Encoding::Auto) {
            let _ = roster::plan(
                &rows,
                &[],
                &[],
                &[],
                Some(zhibu_core::domain::OrgId(1)),
                tests::day(2026, 1, 1),
                &roster::Corrections::default(),
            );
        }
    }

    #[test]
    fn arbitrary_volunteer_hours_are_checked_without_panicking(
        lines in prop::collection::vec(prop::collection::vec("[^\r\n]{0,12}", 0..7), 0..12),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.csv");
        let mut text = String::from("姓名,身份证号,活动名称,服务时间,时长,地点\n");
        for line in &lines {
            text.push_str(&line.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(","));
            text.push('\n');
        }
        std::fs::write(&path, text).unwrap();
        if let Ok(rows) = zhibu_core::import::table::read(&path, Encoding::Auto) {
            let _ = zhibu_core::import::volunteer::plan(&rows, &[], &[], (None, "金山社区党支部"), &[], &[]);
        }
    }

    #[test]
    fn arbitrary_bytes_as_excel_are_refused_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..2000), zip_header in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if zip_header { "r.xlsx" } else { "r.xls" });
        let mut data = if zip_header { b"PK\x03\x04".to_vec() } else { vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] };
        data.extend(bytes);
        std::fs::write(&path, data).unwrap();
        let _ = zhibu_core::import::table::read(&path, Encoding::Auto);
    }

    /// However a secretary wrote a sound row — the ID in full-width digits, the name spaced out,
    /// the dates in any of the roster forms, the phone with any separators — it imports as the
    /// same member.
    #[test]
    fn a_sound_row_written_any_way_imports_as_the_same_member(
        year in 1950i32..2000,
        month in 1u32..13,
        day_of in 1u32..29,
        sequence in 0u32..400,
        date_form in 0usize..7,
        full_width in any::<bool>(),
        spaced in any::<bool>(),
        phone_form in 0usize..4,
    ) {
        let birth = tests::day(year, month, day_of);
        let id = tests::id_number(birth, sequence * 2 + 1);
        let joined = tests::day(year + 25, month, 1);
        let date = |d: chrono::NaiveDate| match date_form {
            0 => d.format("%Y-%m-%d").to_string(),
            1 => d.format("%Y/%-m/%-d").to_string(),
            2 => d.format("%Y.%m.%d").to_string(),
            3 => d.format("%Y年%-m月%-d日").to_string(),
            4 => d.format("%Y%m%d").to_string(),
            5 => d.format("%Y.%-m").to_string(),
            _ => d.format("%Y%m").to_string(),
        };
        let wide = |text: &str| -> String {
            if full_width { text.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect() } else { text.to_owned() }
        };
        let name = if spaced { "张  伟" } else { "张伟" };
        let phone = ["13800138000", "138-0013-8000", "138 0013 8000", "+86 13800138000"][phone_form];
        let text = format!(
            "姓名,身份证号,入党时间,转正时间,联系电话,所在支部\n{name},{},{},{},{phone},金山社区党支部\n",
            wide(id.as_str()),
            date(joined),
            date(tests::day(year + 26, month, 1)),
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        std::fs::write(&path, text).unwrap();
        let rows = zhibu_core::import::table::read(&path, Encoding::Auto).unwrap();
        let branch = zhibu_core::domain::Stored {
            id: zhibu_core::domain::OrgId(2),
            record: tests::org(Some(zhibu_core::domain::OrgId(1)), zhibu_core::domain::OrgKind::Branch, "金山社区党支部"),
        };
        let plan =
            roster::plan(&rows, &[], &[branch], &[], None, tests::day(2026, 1, 1), &roster::Corrections::default())
                .unwrap();
        prop_assert!(plan.problems.is_empty(), "{:?}", plan.problems);
        let member = &plan.rows[0].member;
        prop_assert_eq!(member.name.as_str(), "张伟");
        prop_assert_eq!(member.id_number.as_str(), id.as_str());
        prop_assert_eq!(member.joined_on, joined);
        prop_assert_eq!(member.phone.as_ref().map(|p| p.as_str().to_owned()), Some("13800138000".to_owned()));
        prop_assert_eq!(member.status, zhibu_core::domain::MemberStatus::Full);
    }

    #[test]
    fn accepted_documents_export_and_read_back_refused_ones_never_do(doc in document()) {
        let options = ExportOptions { author: "测试单位".into(), created: day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap() };
        let valid = validate_document(&doc, 32 << 20).is_ok();
        match to_docx(&doc, &options) {
            Ok(bytes) => {
                prop_assert!(valid, "only valid documents export");
                prop_assert!(docx_rs::read_docx(&bytes).is_ok(), "the file reads back");
            }
            Err(_) => prop_assert!(!valid, "a valid document must export"),
        }
    }
}

#[test]
fn the_document_generator_produces_valid_documents_too() {
    // A fixed seed: the share of valid documents is a property of the generator, not of one draw
    // (a random one fell below the bound now and then).
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(
        ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() },
        proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    let mut valid = 0;
    for _ in 0..64 {
        let doc = document().new_tree(&mut runner).unwrap().current();
        if validate_document(&doc, 32 << 20).is_ok() {
            valid += 1;
            let options = ExportOptions {
                author: "测试单位".into(),
                created: day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap(),
            };
            assert!(docx_rs::read_docx(&to_docx(&doc, &options).unwrap()).is_ok());
        }
    }
    assert!(valid >= 8, "only {valid} of 64 generated documents were valid");
}
