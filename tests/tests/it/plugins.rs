//! The plugin host: the reference templates on demo data, and every way a hostile plugin can
//! misbehave contained with a clear message while the host keeps working and no record changes.

use std::sync::OnceLock;
use std::time::Duration;
use tests::day;
use zhibu_core::rules::RuleSet;
use zhibu_core::services::compliance;
use zhibu_core::services::demo::{DemoOptions, generate};
use zhibu_core::store::Store;
use zhibu_report::document::Block;
use zhibu_report::plugin_host::package::{self, Package, Source};
use zhibu_report::plugin_host::{CancelToken, ComponentCache, Limits, PluginError, PluginHost, RenderRequest};
use zhibu_report::services::ReportError;
use zhibu_report::services::report::{self, Catalog};

/// Tight limits so a runaway plugin is stopped quickly in tests.
fn limits() -> Limits {
    Limits { fuel: 400_000_000, timeout: Duration::from_secs(5), ..Limits::default() }
}

fn host() -> PluginHost {
    PluginHost::new(limits(), None).unwrap()
}

fn hostile_bytes() -> Vec<u8> {
    std::fs::read(env!("HOSTILE_WASM")).unwrap()
}

/// A demo database shared by the tests that only read it.
pub(crate) fn demo_db() -> &'static std::path::Path {
    static DB: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        let mut store = Store::open(&path, "测试").unwrap();
        generate(&mut store, &DemoOptions::default()).unwrap();
        (dir, path)
    });
    path
}

fn text_of(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(h) => out.push_str(&h.text),
            Block::Paragraph(p) => p.runs.iter().for_each(|r| out.push_str(&r.text)),
            Block::Bullets(items) | Block::Numbered(items) => {
                items.iter().flat_map(|p| &p.runs).for_each(|r| out.push_str(&r.text))
            }
            Block::Table(t) => {
                t.rows.iter().flat_map(|r| &r.cells).flat_map(|c| &c.paragraphs).flat_map(|p| &p.runs).for_each(|r| {
                    out.push_str(&r.text);
                    out.push('|');
                })
            }
            Block::PageBreak => {}
            Block::Signature(s) => s.lines.iter().chain([&s.date]).for_each(|l| out.push_str(l)),
        }
        out.push('\n');
    }
    out
}

fn hostile_request(mode: &str) -> RenderRequest {
    let json = format!(
        r#"{{"params":[{{"key":"mode","value":"{mode}"}}],"generated_at":"2026-01-05T10:00:00","unit_name":"测试单位",
        "records":{{"organizations":[],"terms":[],"members":[],"meetings":[],"duty_reviews":[],"appraisals":[],"schemes":[],
        "star_ratings":[],"volunteer_activities":[],"compliance":[],"elections":[],
        "quota_checks":[],"dues":[],"volunteers":[],"service_teams":[]}},
        "rules":{{"volunteer_star_hours":[],"volunteer_star_clause":"","dues_flag_months":6,"dues_clause":"","version":""}}}}"#
    );
    serde_json::from_str(&json).unwrap()
}

#[test]
fn the_duty_review_shows_the_same_figures_as_compliance() {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let catalog = Catalog::load(host(), None).unwrap();
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    let params = vec![("branch".to_owned(), "3".to_owned()), ("year".to_owned(), "2025".to_owned())];
    let outcome =
        report::render(&store, &RuleSet::default(), &catalog, "duty-review", &params, at, &CancelToken::new()).unwrap();
    let doc = &outcome.document;
    assert_eq!(doc.title, "金山社区党支部书记2025年度抓基层党建工作述职报告");
    let text = text_of(&doc.sections[0].blocks);
    let result =
        compliance::run(&store, &RuleSet::default(), 2025, day(2025, 12, 31), Some(zhibu_core::domain::OrgId(3)))
            .unwrap();
    for tally in result.branches[0].meetings.iter().filter(|t| {
        matches!(t.kind.code(), "general_meeting" | "committee_meeting" | "group_meeting" | "party_lecture")
    }) {
        let row = format!("{}|{}|{}|", tally.label, tally.required, tally.held);
        assert!(text.contains(&row), "the table row {row} matches zhibu compliance:\n{text}");
    }
    for heading in ["一、履行职责情况", "二、存在的问题及原因", "三、下一步工作打算", "民主测评结果", "综合评价等次："]
    {
        assert!(text.contains(heading), "{heading} in\n{text}");
    }
    assert!(text.contains("述职人："), "signature block");
    assert!(!text.contains("330784"), "no full ID number reaches the document");
}

#[test]
fn the_star_rating_lists_every_rated_branch_with_stars_and_ranks() {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let catalog = Catalog::load(host(), None).unwrap();
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    let params = vec![("year".to_owned(), "2025".to_owned()), ("contact_phone".to_owned(), "0570-8881234".to_owned())];
    let outcome =
        report::render(&store, &RuleSet::default(), &catalog, "star-rating", &params, at, &CancelToken::new()).unwrap();
    let section = &outcome.document.sections[0];
    let Some(Block::Table(table)) = section.blocks.iter().find(|b| matches!(b, Block::Table(_))) else {
        panic!("a table")
    };
    assert_eq!(table.rows.len(), 1 + DemoOptions::default().branches as usize);
    assert_eq!(table.header_rows, 1);
    let text = text_of(&section.blocks);
    assert!(text.contains("★"), "{text}");
    assert!(text.contains("公示期为5个工作日（2026年1月5日至2026年1月9日）"), "{text}");
    assert!(text.contains("名额比例核对"), "{text}");
}

#[test]
fn the_same_input_gives_the_same_document() {
    let host = host();
    let plugin = host.load(&hostile_bytes(), "hostile").unwrap();
    let a = host.render(&plugin, &hostile_request("echo"), &CancelToken::new()).unwrap();
    let b = host.render(&plugin, &hostile_request("echo"), &CancelToken::new()).unwrap();
    assert_eq!(serde_json::to_string(&a.document).unwrap(), serde_json::to_string(&b.document).unwrap());
}

/// Each hostile mode fails with its message; the same host then still renders a good request.
#[test]
fn hostile_render_modes_are_contained() {
    let host = host();
    let plugin = host.load(&hostile_bytes(), "hostile").unwrap();
    let cases: &[(&str, &str)] = &[
        ("loop", "插件计算量超出限制"),
        ("memory", "插件内存用量超出限制"),
        ("recursion", "插件递归过深"),
        ("panic", "插件运行出错：插件内部错误（panic）：panicked at"),
        ("huge", "插件返回的文档不合规（内容超过32 MB）"),
        ("ragged", "插件返回的文档不合规（第1节第1块的表格第2行只有1列，应为2列）"),
        ("heading", "的标题级别应为1至3，实为7"),
        ("control", "含有控制字符 U+0001"),
        ("err", "模板无法生成文档：模板拒绝生成：测试"),
    ];
    for (mode, expected) in cases {
        let error = host.render(&plugin, &hostile_request(mode), &CancelToken::new()).unwrap_err();
        assert!(error.to_string().contains(expected), "mode {mode}: {error}");
        let ok = host.render(&plugin, &hostile_request("echo"), &CancelToken::new());
        assert!(ok.is_ok(), "the host keeps working after {mode}");
    }
    let panic = host.render(&plugin, &hostile_request("panic"), &CancelToken::new()).unwrap_err();
    assert!(panic.to_string().contains("故意的错误：测试用 panic"), "the panic message reaches the user: {panic}");
}

#[test]
fn a_log_flood_is_cut_to_the_budget() {
    let host = PluginHost::new(Limits { fuel: 5_000_000_000, ..limits() }, None).unwrap();
    let plugin = host.load(&hostile_bytes(), "hostile").unwrap();
    let outcome = host.render(&plugin, &hostile_request("log-flood"), &CancelToken::new()).unwrap();
    assert_eq!(outcome.log.lines.len(), Limits::default().log_lines);
    assert_eq!(outcome.log.dropped, 1_000_000 - Limits::default().log_lines as u64);
}

#[test]
fn a_plugin_sees_no_files_environment_or_sockets() {
    let host = host();
    let plugin = host.load(&hostile_bytes(), "hostile").unwrap();
    let outcome = host.render(&plugin, &hostile_request("read-file"), &CancelToken::new()).unwrap();
    let text = text_of(&outcome.document.sections[0].blocks);
    assert!(text.contains("file=Err(") && text.contains("env=Err(") && text.contains("socket=Err("), "{text}");
    assert!(!text.contains("root:"), "no file content leaked: {text}");
    // A component that asks for WASI at all is refused before it runs.
    let wasi = wat::parse_str(r#"(component (import "wasi:filesystem/types@0.2.0" (instance)))"#).unwrap();
    let error = host.load(&wasi, "wasi").map(|_| ()).unwrap_err();
    assert!(error.to_string().contains("需要本程序不提供的接口 wasi:filesystem/types@0.2.0"), "{error}");
    let socket = wat::parse_str(r#"(component (import "wasi:sockets/tcp@0.2.0" (instance)))"#).unwrap();
    assert!(host.load(&socket, "socket").is_err());
}

#[test]
fn hangs_before_render_are_contained() {
    let host = host();
    for (file, name) in
        [(env!("HOSTILE_DESCRIBE_LOOP_WASM"), "describe"), (env!("HOSTILE_INIT_LOOP_WASM"), "instantiation")]
    {
        let bytes = std::fs::read(file).unwrap();
        let error = host.load(&bytes, name).map(|_| ()).unwrap_err();
        assert!(matches!(error, PluginError::OutOfFuel | PluginError::Timeout(_)), "{name}: {error}");
    }
    assert!(host.load(&hostile_bytes(), "hostile").is_ok(), "the host keeps working");
}

#[test]
fn a_long_render_can_be_cancelled_from_another_thread() {
    let host =
        PluginHost::new(Limits { fuel: u64::MAX / 4, timeout: Duration::from_secs(60), ..limits() }, None).unwrap();
    let plugin = host.load(&hostile_bytes(), "hostile").unwrap();
    let cancel = CancelToken::new();
    let remote = cancel.clone();
    let started = std::time::Instant::now();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        remote.cancel();
    });
    let error = host.render(&plugin, &hostile_request("loop"), &cancel).unwrap_err();
    canceller.join().unwrap();
    assert!(matches!(error, PluginError::Cancelled), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10), "stopped soon after the cancel");
}

#[test]
fn a_wall_clock_timeout_stops_a_plugin_with_fuel_to_spare() {
    let host =
        PluginHost::new(Limits { fuel: u64::MAX / 4, timeout: Duration::from_millis(300), ..limits() }, None).unwrap();
    let plugin = host.load(&hostile_bytes(), "hostile").unwrap();
    let error = host.render(&plugin, &hostile_request("loop"), &CancelToken::new()).unwrap_err();
    assert!(matches!(error, PluginError::Timeout(_)), "{error}");
}

#[test]
fn files_that_are_not_plugins_are_refused_clearly() {
    let host = host();
    let garbage = host.load(b"this is not wasm", "garbage.wasm").map(|_| ()).unwrap_err();
    assert_eq!(garbage.to_string(), "不是 WebAssembly 插件文件（文件头不是 \\0asm）：garbage.wasm");
    let core = wat::parse_str("(module)").unwrap();
    let error = host.load(&core, "core.wasm").map(|_| ()).unwrap_err();
    assert!(error.to_string().starts_with("这是 WebAssembly 核心模块而不是组件"), "{error}");
    let empty = wat::parse_str("(component)").unwrap();
    let error = host.load(&empty, "empty.wasm").map(|_| ()).unwrap_err();
    assert_eq!(error.to_string(), "插件接口不符（没有导出 zhibu:plugin/template 接口）");
    let future =
        wat::parse_str(r#"(component (instance $i) (export "zhibu:plugin/template@2.0.0" (instance $i)))"#).unwrap();
    let error = host.load(&future, "future.wasm").map(|_| ()).unwrap_err();
    assert_eq!(error.to_string(), "插件接口版本 2.0.0 不受支持（本程序支持 1.0.x, 1.1.x, 1.2.x, 1.3.x）");
    let truncated = &hostile_bytes()[..2000];
    assert!(host.load(truncated, "truncated.wasm").is_err());
}

fn write_package(dir: &std::path::Path, manifest: &str, wasm: &[u8]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("plugin.toml"), manifest).unwrap();
    std::fs::write(dir.join("plugin.wasm"), wasm).unwrap();
}

fn manifest_for(wasm: &[u8], extra: &str) -> String {
    format!(
        "id = \"hostile\"\nname = \"恶意测试模板\"\nversion = \"0.1.0\"\napi_version = \"1.3.0\"\nsha256 = \"{}\"\npermissions = [\"members\"]\n{extra}",
        zhibu_report::plugin_host::sha256_bytes(wasm)
    )
}

#[test]
fn packages_are_checked_before_they_are_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hostile_bytes();
    let plugins = dir.path().join("installed");
    let mut catalog = Catalog::load(host(), Some(&plugins)).unwrap();

    let tampered = dir.path().join("tampered");
    write_package(&tampered, &manifest_for(b"other bytes", ""), &wasm);
    let error = package::read(&tampered).map(|_| ()).unwrap_err();
    assert!(error.to_string().starts_with("插件文件校验值与清单不符"), "{error}");

    let escaping = dir.path().join("escaping");
    write_package(&escaping, &manifest_for(&wasm, "wasm = \"../plugin.wasm\"\n"), &wasm);
    let error = package::read(&escaping).map(|_| ()).unwrap_err();
    assert!(error.to_string().contains("wasm 文件路径越出插件目录"), "{error}");

    let zip_path = dir.path().join("evil.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    zip.start_file("../evil.txt", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut zip, b"x").unwrap();
    zip.finish().unwrap();
    let error = package::read(&zip_path).map(|_| ()).unwrap_err();
    assert!(error.to_string().contains("压缩包中的路径越出插件目录"), "{error}");

    let good = dir.path().join("good");
    write_package(&good, &manifest_for(&wasm, ""), &wasm);
    let manifest = report::install(&mut catalog, &good, &plugins).unwrap();
    assert_eq!(manifest.id, "hostile");
    let error = report::install(&mut catalog, &good, &plugins).map(|_| ()).unwrap_err();
    assert!(matches!(error, ReportError::Plugin(PluginError::IdClash(_))), "{error}");
    // An installed package whose wasm is replaced afterwards is refused at the next load.
    std::fs::write(plugins.join("hostile/plugin.wasm"), b"\0asm tampered").unwrap();
    let reloaded = Catalog::load(host(), Some(&plugins)).unwrap();
    assert!(reloaded.templates.iter().all(|t| t.plugin.info.id != "hostile"));
    assert!(reloaded.broken.iter().any(|(_, e)| e.to_string().starts_with("插件文件校验值与清单不符")));

    // A package claiming a reference template's id clashes too.
    let clash = Package {
        manifest: package::Manifest { id: "duty-review".into(), ..manifest.clone() },
        wasm: wasm.clone(),
        source: Source::External(good.clone()),
    };
    let error = package::install(&clash, &plugins, &catalog.ids()).map(|_| ()).unwrap_err();
    assert!(matches!(error, PluginError::IdClash(_)), "{error}");
}

#[test]
fn a_template_never_receives_a_birth_date_beside_a_masked_id_number() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hostile_bytes();
    let plugins = dir.path().join("installed");
    let mut catalog = Catalog::load(host(), Some(&plugins)).unwrap();
    let granted = dir.path().join("granted");
    write_package(&granted, &manifest_for(&wasm, ""), &wasm);
    report::install(&mut catalog, &granted, &plugins).unwrap();
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    let params = vec![("mode".to_owned(), "echo".to_owned())];
    let rendered =
        report::render(&store, &RuleSet::default(), &catalog, "hostile", &params, at, &CancelToken::new()).unwrap();
    let text: String = rendered.document.sections.iter().map(|s| text_of(&s.blocks)).collect();
    assert!(text.contains("********"), "ID numbers arrive masked: {}", &text[..200.min(text.len())]);
    assert!(text.contains("，生日）"), "the birth date arrives empty");
    for member in store.members(None).unwrap() {
        let birth = member.record.birth_date.to_string();
        assert!(!text.contains(&birth), "{birth} would give the masked digits back");
    }
    // With the user's consent (a template asking for personal data) the date comes along.
    let first = &store.members(None).unwrap()[0];
    let unmasked = zhibu_report::plugin_host::convert::member(first, true);
    assert_eq!(unmasked.birth_date, first.record.birth_date.to_string());
    assert_eq!(unmasked.id_number, first.record.id_number.as_str());
}

#[test]
fn a_template_gets_only_what_its_package_was_granted() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hostile_bytes();
    let plugins = dir.path().join("installed");
    let mut catalog = Catalog::load(host(), Some(&plugins)).unwrap();
    let ungranted = dir.path().join("ungranted");
    write_package(&ungranted, &manifest_for(&wasm, "").replace("[\"members\"]", "[\"meetings\"]"), &wasm);
    report::install(&mut catalog, &ungranted, &plugins).unwrap();
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let audit_before = store.audit_count().unwrap();
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    let params = vec![("mode".to_owned(), "echo".to_owned())];
    let error = report::render(&store, &RuleSet::default(), &catalog, "hostile", &params, at, &CancelToken::new())
        .map(|_| ())
        .unwrap_err();
    assert!(error.to_string().starts_with("模板需要未获授权的数据（党员名册"), "{error}");
    assert_eq!(store.audit_count().unwrap(), audit_before, "no record changes");
}

#[test]
fn compiled_components_are_cached_and_a_corrupt_entry_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let key = dir.path().join("data/component-cache.key");
    let host = PluginHost::new(limits(), Some(ComponentCache::open(cache.clone(), &key).unwrap())).unwrap();
    let wasm = hostile_bytes();
    let first = host.load(&wasm, "hostile").unwrap();
    assert!(!first.load.cached);
    let second = host.load(&wasm, "hostile").unwrap();
    assert!(second.load.cached, "the second load comes from the cache");
    assert_eq!(std::fs::read(&key).unwrap().len(), 64, "the installation's secret was made once");
    let entry = std::fs::read_dir(&cache).unwrap().next().unwrap().unwrap().path();
    let mut bytes = std::fs::read(&entry).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xFF;
    std::fs::write(&entry, &bytes).unwrap();
    let third = host.load(&wasm, "hostile").unwrap();
    assert!(!third.load.cached, "a corrupt entry is not trusted");
    assert!(host.render(&third, &hostile_request("echo"), &CancelToken::new()).is_ok());
    assert!(host.load(&wasm, "hostile").unwrap().load.cached, "and it was rebuilt");
}

#[test]
fn a_cache_entry_the_host_did_not_write_is_recompiled_not_loaded() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let wasm = hostile_bytes();
    // Someone who can write the cache folder (not the installation's key): an entry with a valid
    // plain SHA-256 over a real compiled component, made by another installation.
    let theirs = dir.path().join("theirs");
    let other =
        PluginHost::new(limits(), Some(ComponentCache::open(theirs.clone(), &dir.path().join("k2")).unwrap())).unwrap();
    other.load(&wasm, "hostile").unwrap();
    let their_entry = std::fs::read_dir(&theirs).unwrap().next().unwrap().unwrap().path();
    let payload = std::fs::read(&their_entry).unwrap()[32..].to_vec();
    let mut forged = Sha256::digest(&payload).to_vec();
    forged.extend_from_slice(&payload);

    let ours = dir.path().join("ours");
    std::fs::create_dir_all(&ours).unwrap();
    let name = their_entry.file_name().unwrap();
    for planted in [forged, std::fs::read(&their_entry).unwrap()] {
        std::fs::write(ours.join(name), &planted).unwrap();
        let host = PluginHost::new(limits(), Some(ComponentCache::open(ours.clone(), &dir.path().join("k1")).unwrap()))
            .unwrap();
        let loaded = host.load(&wasm, "hostile").unwrap();
        assert!(!loaded.load.cached, "a planted entry is never deserialized: it is recompiled");
        assert_ne!(std::fs::read(ours.join(name)).unwrap(), planted, "and replaced by the host's own");
        assert!(host.load(&wasm, "hostile").unwrap().load.cached);
    }
}

#[test]
fn released_wit_folders_are_never_edited() {
    let wit = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugin-api/wit");
    let sums = std::fs::read_to_string(wit.join("SHA256SUMS")).unwrap();
    let mut checked = 0;
    for (sum, file) in sums.lines().filter_map(|l| l.split_once("  ")) {
        assert_eq!(
            zhibu_report::plugin_host::sha256_file(&wit.join(file)).unwrap(),
            sum,
            "released contract file {file} was edited: add a new version folder instead"
        );
        checked += 1;
    }
    assert!(checked >= 1);
    for folder in std::fs::read_dir(&wit).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        for file in std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()) {
            let relative = file.strip_prefix(&wit).unwrap().to_string_lossy().replace('\\', "/");
            assert!(sums.contains(&relative), "{relative} is listed in plugin-api/wit/SHA256SUMS");
        }
    }
}

#[test]
fn the_election_report_words_the_stores_own_verdicts() {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let catalog = Catalog::load(host(), None).unwrap();
    let elections = store.elections(None).unwrap();
    let election = elections.first().expect("the demo records elections");
    let record = &election.record;
    let year = chrono::Datelike::year(&record.held_on).to_string();
    let params = vec![("branch".to_owned(), record.org.0.to_string()), ("year".to_owned(), year)];
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    let outcome =
        report::render(&store, &RuleSet::default(), &catalog, "election-report", &params, at, &CancelToken::new())
            .unwrap();
    let doc = &outcome.document;
    let branch = store.organizations().unwrap().into_iter().find(|o| o.id == record.org).unwrap();
    assert_eq!(doc.title, format!("关于{}换届选举结果的报告", branch.record.name));
    let text: String = doc.sections.iter().map(|s| text_of(&s.blocks)).collect();
    assert!(
        text.contains(&format!("应到会有选举权的党员{}名，实到{}名，", record.should_attend(), record.present())),
        "{text}"
    );
    let members = store.members(None).unwrap();
    let name = |id| members.iter().find(|m| m.id == id).map(|m| m.record.name.clone()).unwrap();
    // Every candidate the store's rules elect is named as elected with their votes, and no other.
    let elected = record.outcome().elected;
    assert!(!elected.is_empty());
    for candidate in &record.candidates {
        let row_result = if elected.contains(&candidate.member) { "当选" } else { "未当选" };
        let row = format!(
            "{}|{}|{}|{}|",
            name(candidate.member),
            candidate.votes.yes,
            candidate.votes.no,
            candidate.votes.abstain
        );
        assert!(text.contains(&row), "{row} in\n{text}");
        let verdict = format!("{row}{}|{row_result}|", format_share(candidate.votes.yes, record.should_attend()));
        assert!(text.contains(&verdict), "{verdict} in\n{text}");
    }
    assert!(!text.contains("330784"), "no ID number reaches the document");
}

fn format_share(yes: u32, expected: u32) -> String {
    format!("{:.1}%", f64::from(yes) * 100.0 / f64::from(expected))
}

/// The request `template` receives on the demo with `given` (the demo's records up to 2026-01-05).
fn demo_request(template: &str, given: &[(&str, &str)]) -> zhibu_report::plugin_host::RenderRequest {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let catalog = Catalog::load(host(), None).unwrap();
    let template = catalog.get(template).unwrap();
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    let given: Vec<(String, String)> = given.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let params = report::resolve_params(template, &given).unwrap();
    report::build_request(&store, &RuleSet::default(), template, params, at, report::Consent::None).unwrap()
}

#[test]
fn a_template_for_one_member_receives_that_member_and_their_activities_only() {
    let build = |given: &[(&str, &str)]| demo_request("volunteer-certificate", given);
    let one = build(&[("year", "2025"), ("member", "20")]);
    assert_eq!(one.records.members.iter().map(|m| m.id).collect::<Vec<_>>(), vec![20]);
    assert!(!one.records.volunteer_activities.is_empty());
    assert!(one.records.volunteer_activities.iter().all(|a| a.participants.iter().any(|p| p.member == 20)));
    // The yearly summary has no member: every member and activity, as before.
    let all = build(&[("year", "2025"), ("variant", "年度汇总")]);
    assert!(all.records.members.len() > 1);
    assert!(all.records.volunteer_activities.len() > one.records.volunteer_activities.len());
}

#[test]
fn a_template_for_one_meeting_receives_that_meeting_only() {
    let build = |given: &[(&str, &str)]| demo_request("meeting-minutes", given);
    let year = build(&[("branch", "3"), ("year", "2025")]);
    assert!(year.records.meetings.len() > 20, "the year's meetings without a meeting given");
    let id = year.records.meetings[5].id;
    let one = build(&[("branch", "3"), ("year", "2025"), ("meeting", &id.to_string())]);
    assert_eq!(one.records.meetings, vec![year.records.meetings[5].clone()]);
    assert_eq!(one.records.members, year.records.members, "the roll call still names every member");
}

#[test]
fn a_template_for_one_branch_or_member_receives_its_part_of_the_tree_only() {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let member = store.members(Some(zhibu_core::domain::OrgId(3))).unwrap()[0].id.0.to_string();
    for request in [
        demo_request("meeting-minutes", &[("branch", "3"), ("year", "2025")]),
        // A certificate for one member: the tree around that member's branch.
        demo_request("volunteer-certificate", &[("member", &member), ("year", "2025")]),
    ] {
        let tree = store.organizations().unwrap();
        let parent = |id: i64| tree.iter().find(|o| o.id.0 == id).and_then(|o| o.record.parent).map(|p| p.0);
        let mut expected: Vec<i64> = Vec::new();
        let mut at_id = Some(3);
        while let Some(id) = at_id {
            expected.push(id);
            at_id = parent(id);
        }
        expected.extend(tree.iter().filter(|o| o.record.parent.map(|p| p.0) == Some(3)).map(|o| o.id.0));
        expected.sort_unstable();
        let mut got: Vec<i64> = request.records.organizations.iter().map(|o| o.id).collect();
        got.sort_unstable();
        assert_eq!(got, expected, "the branch, the organizations above it and its groups");
        assert!(expected.len() > 2, "the demo's branch has a committee above it and groups below");
        assert!(
            request.records.terms.iter().all(|t| expected.contains(&t.org)) && !request.records.terms.is_empty(),
            "only the terms of those organizations"
        );
        let other_branch = tree.iter().find(|o| o.id.0 != 3 && o.record.kind == zhibu_core::domain::OrgKind::Branch);
        assert!(other_branch.is_some_and(|o| !got.contains(&o.id.0)), "no other branch");
    }
}

/// Renders `template` on the demo with `params` (the demo's records up to 2026-01-05).
fn render_demo(template: &str, params: &[(&str, &str)]) -> zhibu_report::document::Document {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let catalog = Catalog::load(host(), None).unwrap();
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    let params: Vec<(String, String)> = params.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    report::render(&store, &RuleSet::default(), &catalog, template, &params, at, &CancelToken::new()).unwrap().document
}

#[test]
fn the_star_rating_prints_the_hosts_board_for_compounds_with_moves_quotas_and_the_next_star() {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let board = zhibu_core::services::rating::board(&store, "compound-star", 2025, None).unwrap();
    let doc = render_demo("star-rating", &[("year", "2025"), ("scheme", "compound-star"), ("variant", "评定表")]);
    let text = text_of(&doc.sections[0].blocks);
    assert!(text.contains("|小区|") && text.contains("|较上年|"), "{text}");
    for row in &board.rows {
        // Each compound's line: its stars, its rank and its move, exactly as the store's board has them.
        let line = format!("|{}|{}|{}|", zhibu_core::domain::star_string(row.stars), row.rank, row.movement.label());
        assert!(text.contains(&line), "{} {line} in\n{text}", row.name);
        if let Some(next) = &row.next {
            let gap = &next.gaps[0];
            assert!(text.contains(&format!("{}距", row.name)) && text.contains(&gap.name), "{text}");
        }
    }
    for check in board.quotas.iter().filter(|q| q.exceeded()) {
        assert!(text.contains(&format!("实有{}个，超出名额", check.count)), "{text}");
    }
}

#[test]
fn the_appraisal_results_list_every_member_with_ballots_suggestion_and_decision() {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let branch = store.organizations().unwrap().into_iter().find(|o| o.record.name == "金山社区党支部").unwrap();
    let appraisals = store.branch_appraisals(2025, branch.id).unwrap();
    assert!(!appraisals.is_empty());
    let doc = render_demo("appraisal-results", &[("branch", &branch.id.0.to_string()), ("year", "2025")]);
    assert_eq!(doc.title, "金山社区党支部2025年度民主评议党员结果");
    let text = text_of(&doc.sections[0].blocks);
    let members = store.members(None).unwrap();
    for a in &appraisals {
        let name = &members.iter().find(|m| m.id == a.record.member).unwrap().record.name;
        let v = a.record.votes;
        let row = format!(
            "{name}|{}|{}|{}|{}|{}|{}|",
            v.outstanding,
            v.qualified,
            v.basically_qualified,
            v.unqualified,
            a.record.suggested.map_or("—", |g| g.label()),
            a.record.grade.label()
        );
        assert!(text.contains(&row), "{row} in\n{text}");
    }
    let outstanding = appraisals.iter().filter(|a| a.record.grade == zhibu_core::domain::AppraisalGrade::Outstanding);
    assert!(text.contains(&format!("优秀{}名", outstanding.count())), "{text}");
}

#[test]
fn the_dues_documents_add_up_the_hosts_dues() {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let branch = store.organizations().unwrap().into_iter().find(|o| o.record.name == "严村村党支部").unwrap();
    let id = branch.id.0.to_string();
    let as_of = day(2026, 1, 5);
    let dues = zhibu_core::services::dues::branch_dues(&store, &RuleSet::default(), branch.id, 2025, as_of).unwrap();
    let yuan = zhibu_core::domain::yuan;
    let report = render_demo("dues-report", &[("branch", &id), ("year", "2025"), ("document", "年度党费收缴情况报告")]);
    let text = text_of(&report.sections[0].blocks);
    assert!(text.contains(&format!("实交{}元，尚欠{}元", yuan(dues.paid_fen), yuan(dues.owed_fen))), "{text}");
    for (member, flag) in dues.members.iter().filter_map(|m| Some((m, m.flag.as_ref()?))) {
        assert!(text.contains(&member.name) && text.contains(flag.trim_end_matches("，请核实原因")), "{text}");
    }
    // The fourth quarter's publicity: a member owing a month of it shows the month.
    let publicity = render_demo("dues-report", &[("branch", &id), ("year", "2025"), ("quarter", "4")]);
    let text = text_of(&publicity.sections[0].blocks);
    assert!(text.contains("2025年第四季度党费收缴情况公示") || publicity.title.contains("第四季度"), "{text}");
    for m in &dues.members {
        let owed: Vec<String> = m
            .status
            .owed
            .iter()
            .filter(|month| month.year == 2025 && month.month >= 10)
            .map(|month| format!("{}月", month.month))
            .collect();
        if !owed.is_empty() {
            assert!(text.contains(&format!("|{}|", owed.join("、"))), "{} owes {owed:?}:\n{text}", m.name);
        }
    }
}

#[test]
fn the_dual_registration_feedback_gives_each_volunteer_their_own_hours() {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let volunteers = store.volunteers(None).unwrap();
    let dual: Vec<_> =
        volunteers.iter().filter(|v| v.record.kind == zhibu_core::domain::VolunteerKind::DualRegistered).collect();
    assert!(!dual.is_empty(), "the demo registers 双报到 members");
    let activities = store.volunteer_activities(day(2025, 1, 1), day(2025, 12, 31)).unwrap();
    // A quarter in which one of them served, and what they served then.
    let (volunteer, quarter) = dual
        .iter()
        .find_map(|v| {
            let served = activities.iter().find(|a| a.record.volunteers.iter().any(|h| h.volunteer == v.id))?;
            Some((*v, (chrono::Datelike::month(&served.record.date) - 1) / 3 + 1))
        })
        .expect("a 双报到 member served in 2025");
    let months = (quarter - 1) * 3 + 1..=quarter * 3;
    let hours: f64 = activities
        .iter()
        .filter(|a| months.contains(&chrono::Datelike::month(&a.record.date)))
        .flat_map(|a| a.record.volunteers.iter().filter(|h| h.volunteer == volunteer.id))
        .map(|h| h.hours)
        .sum();
    let params = [
        ("branch", volunteer.record.branch.0.to_string()),
        ("year", "2025".to_owned()),
        ("quarter", quarter.to_string()),
        ("volunteer", volunteer.record.name.clone()),
    ];
    let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let doc = render_demo("dual-registration-feedback", &params);
    let text: String = doc.sections.iter().map(|s| text_of(&s.blocks)).collect();
    let hours = if (hours - hours.round()).abs() < 1e-9 { format!("{hours:.0}") } else { format!("{hours:.1}") };
    assert!(text.contains(&format!("贵单位党员{}同志", volunteer.record.name)), "{text}");
    assert!(text.contains(&format!("服务时长{hours}小时")) && text.contains(&format!("|合计|||{hours}|")), "{text}");
}

/// A year of minutes, one file a meeting, is rendered across the cores from one request; the
/// batch holds, in the meetings' order, exactly the documents rendering each meeting alone makes.
#[test]
fn the_minutes_batch_renders_in_parallel_what_each_meeting_alone_renders_in_order() {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let catalog = Catalog::load(host(), None).unwrap();
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    let params: Vec<(String, String)> = [("branch", "3"), ("year", "2025")].map(|(k, v)| (k.into(), v.into())).to_vec();
    let cancel = CancelToken::new();
    let args = report::RenderArgs {
        store: &store,
        rules: &RuleSet::default(),
        catalog: &catalog,
        template_id: "meeting-minutes",
        params: &params,
        generated_at: at,
        cancel: &cancel,
        consent: report::Consent::None,
    };
    let batch = report::render_each_meeting(&args).unwrap();
    let filter = zhibu_core::store::MeetingFilter {
        branch: Some(zhibu_core::domain::OrgId(3)),
        from: Some(day(2025, 1, 1)),
        to: Some(day(2025, 12, 31)),
        ..Default::default()
    };
    let meetings = store.meetings(&filter).unwrap();
    assert!(meetings.len() > 20, "a year of the demo branch's meetings");
    assert_eq!(batch.made.len(), meetings.len());
    assert!(batch.skipped.is_empty(), "{:?}", batch.skipped);
    for ((name, outcome), meeting) in batch.made.iter().zip(&meetings) {
        assert!(name.starts_with(&meeting.record.date().to_string()), "{name}");
        let mut alone = params.clone();
        alone.push(("meeting".into(), meeting.id.0.to_string()));
        let single =
            report::render(&store, &RuleSet::default(), &catalog, "meeting-minutes", &alone, at, &cancel).unwrap();
        assert_eq!(format!("{:?}", outcome.document), format!("{:?}", single.document), "{name}");
    }
    // A month's batch: the other months' meetings are the template's filter, not listed; a
    // type that matches no meeting makes nothing and lists every meeting with the reason.
    let month: Vec<(String, String)> = params.iter().cloned().chain([("month".into(), "3".into())]).collect();
    let march = report::render_each_meeting(&report::RenderArgs { params: &month, ..args }).unwrap();
    assert!(!march.made.is_empty() && march.made.len() < meetings.len(), "{}", march.made.len());
    assert!(march.made.iter().all(|(name, _)| name.starts_with("2025-03-")));
    assert!(march.skipped.is_empty(), "{:?}", march.skipped);
    let none: Vec<(String, String)> = params.iter().cloned().chain([("kind".into(), "换届选举大会".into())]).collect();
    let declined = report::render_each_meeting(&report::RenderArgs { params: &none, ..args }).unwrap();
    assert!(declined.made.is_empty());
    assert_eq!(declined.skipped.len(), meetings.len());
    // Each is named with the filter that left it out, not as a meeting missing from the year.
    for ((name, why), meeting) in declined.skipped.iter().zip(&meetings) {
        let expected =
            format!("“{}”是{}，不是所选的会议类型：换届选举大会", meeting.record.title, meeting.record.kind.label());
        assert!(why.contains(&expected), "{name}: {why}");
    }
    // One meeting asked for with another month: the month is named.
    let first = &meetings[0];
    let other = chrono::Datelike::month(&first.record.date()) % 12 + 1;
    let asked: Vec<(String, String)> = params
        .iter()
        .cloned()
        .chain([("meeting".into(), first.id.0.to_string()), ("month".into(), other.to_string())])
        .collect();
    let refused = report::render(&store, &RuleSet::default(), &catalog, "meeting-minutes", &asked, at, &cancel)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    let expected = format!("“{}”于{}召开，不在所选的月份：{other}月", first.record.title, first.record.date());
    assert!(refused.contains(&expected), "{refused}");
}

/// The committee's duty reviews, a file a branch, are rendered across the cores, each worker
/// reading through its own connection; the batch holds, in the branches' order, exactly the
/// documents rendering each branch alone makes.
#[test]
fn the_branch_batch_renders_in_parallel_what_each_branch_alone_renders_in_order() {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let catalog = Catalog::load(host(), None).unwrap();
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    let params = vec![("year".to_owned(), "2025".to_owned())];
    let cancel = CancelToken::new();
    let args = report::RenderArgs {
        store: &store,
        rules: &RuleSet::default(),
        catalog: &catalog,
        template_id: "duty-review",
        params: &params,
        generated_at: at,
        cancel: &cancel,
        consent: report::Consent::None,
    };
    let batch = report::render_each_branch(&args).unwrap();
    let branches = tests::branches(&store).unwrap();
    assert!(branches.len() > 3);
    let (mut expected, mut declined) = (Vec::new(), Vec::new());
    for branch in &branches {
        let alone = vec![("branch".to_owned(), branch.id.0.to_string()), ("year".to_owned(), "2025".to_owned())];
        match report::render(&store, &RuleSet::default(), &catalog, "duty-review", &alone, at, &cancel) {
            Ok(single) => expected.push((branch.record.name.clone(), format!("{:?}", single.document))),
            Err(ReportError::Plugin(PluginError::Render(why))) => declined.push((branch.record.name.clone(), why)),
            Err(other) => panic!("{other}"),
        }
    }
    let got: Vec<(String, String)> =
        batch.made.iter().map(|(name, outcome)| (name.clone(), format!("{:?}", outcome.document))).collect();
    assert!(!got.is_empty());
    assert_eq!(got, expected);
    // A branch the template refuses is listed with the template's reason, not dropped.
    assert_eq!(batch.skipped, declined);
}

/// Certificates for every volunteer of a year: one per member who served, branch by branch,
/// rendered across the cores from one read; each is exactly the certificate rendering that
/// member alone makes, its serial number counting up from the one given, so no two certificates
/// share a number.
#[test]
fn the_volunteer_batch_renders_what_each_volunteer_alone_renders_numbered_in_turn() {
    let store = Store::open_existing(demo_db(), "测试").unwrap();
    let catalog = Catalog::load(host(), None).unwrap();
    let at = day(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap();
    let params: Vec<(String, String)> = [("year", "2025"), ("serial", "7")].map(|(k, v)| (k.into(), v.into())).to_vec();
    let cancel = CancelToken::new();
    let args = report::RenderArgs {
        store: &store,
        rules: &RuleSet::default(),
        catalog: &catalog,
        template_id: "volunteer-certificate",
        params: &params,
        generated_at: at,
        cancel: &cancel,
        consent: report::Consent::None,
    };
    let batch = report::render_each_volunteer(&args).unwrap();
    // The year's volunteers, as the register shows them, branch by branch.
    let activities = store.volunteer_activities(day(2025, 1, 1), day(2025, 12, 31)).unwrap();
    let served = |id: zhibu_core::domain::MemberId| {
        activities.iter().any(|a| a.record.participants.iter().any(|p| p.member == id))
    };
    let mut volunteers: Vec<_> = store.members(None).unwrap().into_iter().filter(|m| served(m.id)).collect();
    let branches = tests::branches(&store).unwrap();
    volunteers.sort_by_key(|m| (branches.iter().position(|b| b.id == m.record.branch), m.id));
    assert!(volunteers.len() > 10, "{}", volunteers.len());
    assert!(batch.skipped.is_empty(), "{:?}", batch.skipped);
    assert_eq!(batch.made.len(), volunteers.len());
    for (i, ((name, outcome), member)) in batch.made.iter().zip(&volunteers).enumerate() {
        let branch = branches.iter().find(|b| b.id == member.record.branch).unwrap();
        assert!(name.starts_with(&format!("{} {}", branch.record.name, member.record.name)), "{name}");
        let alone: Vec<(String, String)> = [
            ("year".to_owned(), "2025".to_owned()),
            ("member".to_owned(), member.id.0.to_string()),
            ("serial".to_owned(), (7 + i).to_string()),
        ]
        .to_vec();
        let single =
            report::render(&store, &RuleSet::default(), &catalog, "volunteer-certificate", &alone, at, &cancel)
                .unwrap();
        assert_eq!(format!("{:?}", outcome.document), format!("{:?}", single.document), "{name}");
    }
    // Every certificate has a number of its own.
    let numbers: std::collections::HashSet<String> = batch
        .made
        .iter()
        .map(|(_, outcome)| {
            let text = format!("{:?}", outcome.document);
            let at = text.find("DH-").unwrap_or_else(|| panic!("a certificate number: {text}"));
            text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect()
        })
        .collect();
    assert_eq!(numbers.len(), batch.made.len());
    // A template with no member parameter is refused with the reason.
    let refused = report::render_each_volunteer(&report::RenderArgs { template_id: "duty-review", ..args })
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(refused.contains("没有党员参数"), "{refused}");
}
