//! The command line in-process, and the stability of the documented compliance JSON.

use clap::Parser;
use zhibu::cli::{Cli, compliance_text, run};
use zhibu::rules::RuleSet;
use zhibu::services::compliance;
use zhibu::store::Store;

#[test]
fn demo_then_compliance_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("城东 数据.db");
    let db_arg = db.to_str().unwrap();
    run(Cli::try_parse_from([
        "zhibu",
        "demo",
        "--db",
        db_arg,
        "--branches",
        "2",
        "--members-per-branch",
        "6",
        "--years",
        "1",
    ])
    .unwrap())
    .unwrap();
    run(Cli::try_parse_from(["zhibu", "compliance", "--db", db_arg, "--year", "2025", "--json"]).unwrap()).unwrap();
    let missing = dir.path().join("没有这个文件.db");
    let err =
        run(Cli::try_parse_from(["zhibu", "compliance", "--db", missing.to_str().unwrap(), "--year", "2025"]).unwrap())
            .unwrap_err();
    assert_eq!(err.to_string(), format!("数据库文件不存在：{}", missing.display()));
    assert!(!missing.exists(), "a read command never creates a database");
    let err =
        run(Cli::try_parse_from(["zhibu", "compliance", "--db", db_arg, "--year", "2025", "--branch", "1"]).unwrap())
            .unwrap_err();
    assert_eq!(err.to_string(), "党支部不存在：1", "the committee is not a branch");
}

#[test]
fn compliance_json_keys_are_the_documented_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("j.db"), "测试").unwrap();
    zhibu::services::demo::generate(
        &mut store,
        &zhibu::services::demo::DemoOptions { branches: 3, ..Default::default() },
    )
    .unwrap();
    let report = compliance::run(&store, &RuleSet::default(), 2025, tests::day(2025, 12, 31), None).unwrap();
    let doc =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/compliance-json.md"))
            .unwrap();
    let value = serde_json::to_value(&report).unwrap();
    let mut keys = std::collections::BTreeSet::new();
    collect_keys(&value, &mut keys);
    for key in &keys {
        assert!(doc.contains(&format!("`{key}`")), "docs/compliance-json.md documents `{key}`");
    }
    assert_eq!(value["schema"], "zhibu.compliance/1");
    let text = compliance_text(&report);
    assert!(text.contains("【金山社区党支部】"), "{text}");
}

fn collect_keys(value: &serde_json::Value, keys: &mut std::collections::BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                keys.insert(k.clone());
                collect_keys(v, keys);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_keys(v, keys)),
        _ => {}
    }
}
