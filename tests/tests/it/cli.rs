//! The command line in-process, and the stability of the documented compliance JSON.

use clap::Parser;
use zhibu::cli::{Cli, compliance_text, run};
use zhibu_core::rules::RuleSet;
use zhibu_core::services::compliance;
use zhibu_core::store::Store;

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
    zhibu_core::services::demo::generate(
        &mut store,
        &zhibu_core::services::demo::DemoOptions { branches: 3, ..Default::default() },
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

#[test]
fn every_writing_command_waits_for_the_database_to_be_free() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let db_arg = db.to_str().unwrap().to_owned();
    run(Cli::try_parse_from(["zhibu", "demo", "--db", &db_arg, "--branches", "1", "--years", "1", "--last-year", "2025"])
        .unwrap())
    .unwrap();
    let out = dir.path().join("备份.db");
    let docx = dir.path().join("述职.docx");
    let plugins = dir.path().join("plugins");
    let cache = dir.path().join("cache");
    let (plugins, cache) = (plugins.to_str().unwrap(), cache.to_str().unwrap());
    let branch = Store::open_existing(&db, "测试")
        .unwrap()
        .organizations()
        .unwrap()
        .into_iter()
        .find(|o| o.record.kind == zhibu_core::domain::OrgKind::Branch)
        .unwrap()
        .id;
    let branch = format!("branch={}", branch.0);
    let writers: Vec<Vec<&str>> = vec![
        vec!["zhibu", "backup", "--db", &db_arg, "--out", out.to_str().unwrap()],
        vec![
            "zhibu",
            "--plugins-dir",
            plugins,
            "--cache-dir",
            cache,
            "report",
            "--db",
            &db_arg,
            "--template",
            "duty-review",
            "--param",
            &branch,
            "--param",
            "year=2025",
            "--out",
            docx.to_str().unwrap(),
        ],
        vec!["zhibu", "demo", "--db", &db_arg],
    ];
    let window = zhibu_core::store::InstanceLock::acquire(&db).unwrap();
    let audit_before = Store::open_existing(&db, "测试").unwrap().audit_count().unwrap();
    for args in &writers {
        let error = run(Cli::try_parse_from(args).unwrap()).unwrap_err();
        assert!(error.to_string().starts_with("数据库正被另一个支部工作台窗口或命令使用"), "{args:?}: {error}");
    }
    assert!(!out.exists() && !docx.exists(), "nothing written while the window has the database");
    assert_eq!(Store::open_existing(&db, "测试").unwrap().audit_count().unwrap(), audit_before);
    drop(window);
    for args in &writers[..2] {
        run(Cli::try_parse_from(args).unwrap()).unwrap();
    }
    assert!(out.exists() && docx.exists());
    assert_eq!(Store::open_existing(&db, "测试").unwrap().audit_count().unwrap(), audit_before + 2, "one row each");
}
