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
            let _ = roster::plan(&rows, &[], &[], &[], Some(zhibu_core::domain::OrgId(1)), tests::day(2026, 1, 1));
        }
    }

    #[test]
    fn arbitrary_bytes_as_excel_are_refused_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..2000), zip_header in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if zip_header { "r.xlsx" } else { "r.xls" });
        let mut data = if zip_header { b"PK\x03\x04".to_vec() } else { vec![0xD0, 0xCF, 0x11, 0xE0] };
        data.extend(bytes);
        std::fs::write(&path, data).unwrap();
        let _ = zhibu_core::import::table::read(&path, Encoding::Auto);
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
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
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
