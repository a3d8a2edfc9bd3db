//! The window, driven the way a secretary uses it (egui_kittest, through the accessibility tree):
//! add a member, record a meeting with attendance and a resolution, see the dashboard change,
//! enter the duty review and export the report to a file. The harness panics on a missing glyph,
//! so every screen visited is also a check that the bundled font covers its Chinese text.

use chrono::Datelike;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use std::path::Path;
use tests::Fixture;
use zhibu::ui::{App, Paths};

fn paths(dir: &Path) -> Paths {
    Paths {
        db: dir.join("test.db"),
        plugins_dir: dir.join("plugins"),
        cache_dir: dir.join("cache"),
        backup_dir: dir.join("backups"),
    }
}

fn harness(app: App) -> Harness<'static, App> {
    let mut harness = Harness::builder()
        .with_size([1360.0, 900.0])
        .with_context_setup(zhibu::ui::fonts::install)
        .build_eframe(move |_| app);
    settle(&mut harness);
    harness
}

/// Steps frames (the window keeps drawing) until the background worker and any report job are
/// done and no command waits, then lets the frame settle.
fn settle(harness: &mut Harness<'_, App>) {
    let started = std::time::Instant::now();
    harness.step();
    while harness.state().is_busy() || !harness.state().commands.is_empty() {
        assert!(started.elapsed() < std::time::Duration::from_secs(120), "the background work did not finish");
        std::thread::sleep(std::time::Duration::from_millis(2));
        harness.step();
    }
    harness.run_steps(2);
}

/// Clicks the widget named `label` and waits for what it started.
fn click(harness: &mut Harness<'_, App>, label: &str) {
    // Long editors scroll: bring the widget into view first, as a user would.
    // The scroll lands a frame or two later (the target is applied, then laid out).
    harness.get_by_label(label).scroll_to_me();
    harness.run_steps(4);
    harness.get_by_label(label).click();
    harness.run_steps(1);
    settle(harness);
}

/// Types `text` into the text box named `label` (after what it already holds).
fn type_into(harness: &mut Harness<'_, App>, label: &str, text: &str) {
    let text_box = |harness: &Harness<'_, App>, scroll: bool| {
        let mut boxes = harness.get_all_by_label(label).filter(|n| {
            matches!(n.accesskit_node().role(), Role::TextInput | Role::MultilineTextInput | Role::PasswordInput)
        });
        let found = boxes.next().unwrap_or_else(|| panic!("no text box named {label}"));
        if scroll {
            found.scroll_to_me();
        }
        assert!(boxes.next().is_none(), "two text boxes named {label}");
        found.rect().center()
    };
    // Long forms scroll: bring the box into view, let the scroll land, then find where it is.
    text_box(harness, true);
    harness.run_steps(4);
    let centre = text_box(harness, false);
    harness.get_all_by_label(label).find(|n| n.rect().center() == centre).unwrap().click();
    harness.run_steps(2);
    harness.get_all_by_label(label).find(|n| n.rect().center() == centre).unwrap().type_text(text);
    harness.run_steps(2);
}

/// Opens the combo box named `label` and picks `option`.
fn choose(harness: &mut Harness<'_, App>, label: &str, option: &str) {
    harness.get_all_by_label(label).find(|n| n.accesskit_node().role() == Role::ComboBox).unwrap().click();
    harness.run_steps(3);
    click(harness, option);
}

fn notice(harness: &Harness<'_, App>) -> String {
    harness.state().notice.as_ref().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn a_secretary_records_a_month_and_exports_the_duty_review() {
    let mut fixture = Fixture::new().unwrap();
    fixture.add_members(4).unwrap();
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    assert!(!harness.state().offer_demo, "a database with records does not offer the demo");

    // The dashboard: no general meeting held yet this year, so no ● under 支部党员大会.
    let held_before = harness.query_all_by_label_contains("●").count();

    // 党员: a new member through the form.
    click(&mut harness, "党员");
    click(&mut harness, "＋ 新增党员（Ctrl+N）");
    type_into(&mut harness, "姓名", "王建国");
    type_into(&mut harness, "身份证号", "11010519491231002X");
    type_into(&mut harness, "入党时间", "2015-07-01");
    type_into(&mut harness, "转正时间", "2016-07-01");
    click(&mut harness, "保存（Ctrl+S）");
    assert_eq!(notice(&harness), "已保存党员：王建国", "the form saved");
    let workspace = harness.state().workspace().unwrap();
    let saved = workspace.data.members.iter().find(|m| m.record.name == "王建国").unwrap();
    assert_eq!(saved.record.gender.label(), "女", "gender comes from the ID number");
    assert!(harness.query_all_by_label("110105********002X").next().is_some(), "the roster shows the ID masked");
    assert!(harness.query_all_by_label_contains("11010519491231002X").next().is_none(), "and never in full");

    // 会议: a general meeting with one member on leave and a resolution.
    click(&mut harness, "会议");
    click(&mut harness, "＋ 记录会议（Ctrl+N）");
    choose(&mut harness, "会议类型", "支部党员大会");
    type_into(&mut harness, "会议名称", "第四季度支部党员大会");
    type_into(&mut harness, "地点", "党群服务中心");
    type_into(&mut harness, "主持人", "党员0");
    type_into(&mut harness, "记录人", "党员1");
    type_into(&mut harness, "议题1", "学习贯彻党的二十届四中全会精神");
    // The grid lists the branch in roster order; 党员3 is the fourth row.
    harness.get_all_by_label("请假").nth(3).unwrap().click();
    harness.run_steps(2);
    click(&mut harness, "＋ 决议");
    type_into(&mut harness, "决议1", "同意王建国同志转为正式党员");
    assert!(
        harness.query_by_label_contains("到会人数和表决票数符合规定").is_some(),
        "the quorum check passes live: 4 of 5 present"
    );
    click(&mut harness, "保存草稿（Ctrl+S）");
    assert_eq!(notice(&harness), "已保存会议：第四季度支部党员大会");
    let workspace = harness.state().workspace().unwrap();
    let meeting = workspace.data.meetings.iter().find(|m| m.record.title == "第四季度支部党员大会").unwrap();
    assert_eq!((meeting.record.attendance.len(), meeting.record.present_count()), (5, 4));
    assert_eq!(meeting.record.resolutions[0].votes.yes, 4, "yes votes start at those present");
    // A draft does not count as held: the minutes are finalised.
    click(&mut harness, "定稿……");
    click(&mut harness, "确定定稿");
    assert_eq!(notice(&harness), "已定稿：第四季度支部党员大会（此后只能修订）");

    // 首页: the quarter's mark for the general meeting is now held.
    click(&mut harness, "← 返回列表");
    click(&mut harness, "首页");
    let held_after = harness.query_all_by_label_contains("●").count();
    assert!(held_after > held_before, "the dashboard shows the meeting ({held_before} → {held_after} held marks)");

    // 首页 → 生成年度台账: the branch's year as one Word file, previewed in the report centre.
    // The dashboard's branch list (its entries are buttons; the grid below names the branch too).
    harness.get_all_by_label("支部").find(|n| n.accesskit_node().role() == Role::ComboBox).unwrap().click();
    harness.run_steps(3);
    harness.get_all_by_label("金山社区党支部").find(|n| n.accesskit_node().role() == Role::Button).unwrap().click();
    settle(&mut harness);
    click(&mut harness, "生成年度台账");
    wait_for_job(&mut harness);
    let reports = &harness.state().workspace().unwrap().reports;
    assert_eq!(reports.template.as_deref(), Some("year-binder"));
    let preview = reports.preview.as_ref().expect("the binder is previewed");
    let text: String = preview.sections[0]
        .blocks
        .iter()
        .filter_map(|b| match b {
            zhibu_report::document::Block::Heading(h) => Some(format!("{}\n", h.text)),
            _ => None,
        })
        .collect();
    assert!(text.contains("三、会议记录\n1. 第四季度支部党员大会\n"), "{text}");

    // 评议: the secretary's duty report and the ballots.
    click(&mut harness, "评议");
    choose(&mut harness, "支部", "金山社区党支部");
    choose(&mut harness, "述职人", "党员0");
    type_into(&mut harness, "主要工作及成效", "全年召开支部党员大会，按时发展党员。");
    click(&mut harness, "保存述职评议");
    assert_eq!(notice(&harness), "已保存述职评议");

    // 报表: export the duty review into the test folder.
    click(&mut harness, "报表");
    click(&mut harness, "年度述职评议");
    type_into(&mut harness, "保存到", &dir.display().to_string());
    click(&mut harness, "导出 Word");
    wait_for_job(&mut harness);
    let year = chrono::Local::now().year();
    // Written before the review meeting (no ballots yet): a draft, the ballots left for after it.
    let file = dir.join(format!("金山社区党支部书记{year}年度抓基层党建工作述职报告（草稿）.docx"));
    assert_eq!(notice(&harness), format!("已导出：{}", file.display()), "named after the document's title");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains(&format!("金山社区党支部书记{year}年度抓基层党建工作述职报告（草稿）")), "the title");
    assert!(xml.contains("民主测评在述职评议会议上进行，测评结果待会后录入"), "the ballots part waits");
    assert!(xml.contains("全年召开支部党员大会，按时发展党员。"), "the section typed in the form");

    // Everything went through the audit log under the operator's name.
    let store = zhibu_core::store::Store::open_existing(&dir.join("test.db"), "检查").unwrap();
    let log = store.audit_log(50).unwrap();
    let exports: Vec<_> =
        log.iter().filter(|e| e.action == zhibu_core::store::AuditAction::Export && e.operator == "测试员").collect();
    assert_eq!(exports.len(), 1, "the export is audited");
    assert!(exports[0].summary.starts_with("duty-review："), "{}", exports[0].summary);
    let exports = exports.len();
    assert_eq!(exports, 1, "the export is audited");
    drop(store);

    // 同时转为 PDF: beside the Word file where LibreOffice is installed (as .ci/run installs it);
    // without it the Word file is still written and the message says what to install.
    click(&mut harness, "同时转为 PDF");
    click(&mut harness, "导出 Word");
    wait_for_job(&mut harness);
    let pdf = file.with_extension("pdf");
    if zhibu_report::export::pdf::find_libreoffice().is_some() {
        assert_eq!(notice(&harness), "已导出 2 个文件", "the Word file and its PDF");
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    } else {
        assert!(
            notice(&harness).contains("未找到 LibreOffice，无法转换为 PDF（Word 文件已生成）"),
            "{}",
            notice(&harness)
        );
        assert!(file.exists() && !pdf.exists());
    }
}

#[test]
fn an_empty_database_offers_the_demo_and_a_second_window_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(paths(dir.path()), Some("测试员".into()));
    let second = App::open(paths(dir.path()), Some("另一人".into()));
    assert!(second.workspace().is_none(), "the database is held by the first window");
    let mut harness = harness(app);
    assert!(harness.state().offer_demo, "first start offers the demo data");
    click(&mut harness, "载入演示数据");
    harness.run_steps(3);
    assert!(notice(&harness).starts_with("已载入演示数据"), "{}", notice(&harness));
    let workspace = harness.state().workspace().unwrap();
    assert!(workspace.data.branches().count() >= 3, "the demo's branches are on the dashboard");
    assert!(harness.query_by_label_contains("组织生活落实情况").is_some());
}

#[test]
fn deleting_a_member_can_be_undone_and_unsaved_changes_are_guarded() {
    let mut fixture = Fixture::new().unwrap();
    fixture.add_members(2).unwrap();
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    harness.run_steps(3);
    click(&mut harness, "党员");
    click(&mut harness, "党员1");
    type_into(&mut harness, "民族", "族");
    click(&mut harness, "首页");
    assert!(
        harness.query_by_label("离开此页将丢失尚未保存的修改。").is_some(),
        "leaving with unsaved changes asks first"
    );
    click(&mut harness, "留在此页");
    click(&mut harness, "删除");
    click(&mut harness, "确定删除");
    assert!(notice(&harness).starts_with("已删除党员：党员1"), "{}", notice(&harness));
    assert_eq!(harness.state().workspace().unwrap().data.members.len(), 1);
    click(&mut harness, "撤销删除");
    assert_eq!(notice(&harness), "已恢复党员：党员1");
    assert_eq!(harness.state().workspace().unwrap().data.members.len(), 2);
}

#[test]
fn a_damaged_database_is_left_alone_and_the_newest_good_backup_is_offered() {
    let mut fixture = Fixture::new().unwrap();
    fixture.add_members(3).unwrap();
    let dir = fixture.dir.path().to_owned();
    let paths = paths(&dir);
    let today = chrono::Local::now().date_naive();
    zhibu_core::services::backup::automatic(&fixture.store, &paths.backup_dir, today, 7).unwrap().unwrap();
    drop(fixture.store);
    let _ = std::fs::remove_file(dir.join("test.db-wal"));
    std::fs::write(&paths.db, b"not a database any more").unwrap();

    let mut harness = harness(App::open(paths.clone(), Some("测试员".into())));
    harness.run_steps(3);
    assert!(harness.state().workspace().is_none(), "nothing opens a damaged file");
    assert!(harness.query_by_label("数据库已损坏").is_some());
    assert!(harness.query_by_label("程序没有改动这个文件。").is_some());
    assert_eq!(std::fs::read(&paths.db).unwrap(), b"not a database any more", "the damaged file is untouched");

    click(&mut harness, "从这个备份恢复");
    let workspace = harness.state().workspace().expect("the restored database opens");
    assert_eq!(workspace.data.members.len(), 3, "the backup's records are back");
    assert!(notice(&harness).starts_with("已从"), "{}", notice(&harness));
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| std::fs::read(e.path()).is_ok_and(|b| b == b"not a database any more"))
        .collect();
    assert_eq!(kept.len(), 1, "the damaged file is kept beside the restored one");
}

#[test]
fn a_watched_developer_folder_is_reloaded_when_its_wasm_changes() {
    let fixture = Fixture::new().unwrap();
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    let dev = dir.join("dev");
    std::fs::create_dir_all(&dev).unwrap();
    let wasm = std::fs::read(env!("HOSTILE_WASM")).unwrap();
    std::fs::write(dev.join("plugin.wasm"), &wasm).unwrap();
    let manifest = format!(
        "id = \"hostile\"\nname = \"开发中的模板\"\nversion = \"0.1.0\"\napi_version = \"1.3.0\"\nsha256 = \"{}\"\npermissions = [\"members\"]\n",
        zhibu_report::plugin_host::sha256_bytes(&wasm)
    );
    std::fs::write(dev.join("plugin.toml"), manifest).unwrap();
    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    harness.run_steps(2);
    click(&mut harness, "插件");
    // The folder comes from the native dialog in the window; here the command it sends is given directly.
    harness.state_mut().commands.push(zhibu::ui::Command::WatchDevFolder(Some(dev.clone())));
    settle(&mut harness);
    assert!(notice(&harness).starts_with("已加载开发目录中的插件"), "{}", notice(&harness));
    assert!(harness.query_by_label("开发中的模板").is_some(), "listed with its source");
    assert_eq!(harness.query_all_by_label("开发目录").count(), 2, "the heading and the template's source");

    // The author rebuilds: the wasm changes on disk and the window reloads it by itself.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(dev.join("plugin.wasm"), &wasm).unwrap();
    let filetime = std::fs::File::options().write(true).open(dev.join("plugin.wasm")).unwrap();
    filetime.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5)).unwrap();
    for _ in 0..40 {
        harness.step();
        if notice(&harness).starts_with("开发目录中的插件已变化") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(notice(&harness), "开发目录中的插件已变化，已重新加载");
}

#[test]
fn a_roster_is_checked_then_imported_from_the_window() {
    let fixture = Fixture::new().unwrap();
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    let good = tests::id_number(tests::day(1980, 5, 12), 31);
    let bad = format!("{}{}", &good.as_str()[..17], if good.as_str().ends_with('1') { '2' } else { '1' });
    let header = "姓名,性别,身份证号,联系电话,党员状态,入党时间,转正时间,所在支部";
    let file = dir.join("花名册.csv");
    let rows = |id: &str| {
        format!(
            "{header}\n张伟,男,{},13800138000,正式党员,2005-07-01,2006-07-01,金山社区党支部\n赵刚,男,{id},,正式党员,1999-07-01,2000-07-01,金山社区党支部\n",
            good.as_str()
        )
    };
    std::fs::write(&file, rows(&bad)).unwrap();

    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    harness.run_steps(2);
    click(&mut harness, "党员");
    // The file comes from the native dialog in the window; here the command it sends is given directly.
    harness.state_mut().commands.push(zhibu::ui::Command::ImportMembers(file.clone(), true));
    settle(&mut harness);
    assert_eq!(notice(&harness), "检查完毕：1处问题，见报告");
    assert!(
        harness.query_all_by_label_contains("第3行「身份证号」校验位不正确").next().is_some(),
        "the report names row and column"
    );
    click(&mut harness, "导入（全部成功才写入）");
    assert!(notice(&harness).starts_with("发现1处问题，未导入任何记录"), "{}", notice(&harness));
    assert!(harness.state().workspace().unwrap().data.members.is_empty(), "nothing partial is written");

    // The secretary fixes the sheet and imports it.
    let fixed = tests::id_number(tests::day(1972, 3, 8), 11);
    std::fs::write(&file, rows(fixed.as_str())).unwrap();
    click(&mut harness, "重新检查");
    assert_eq!(notice(&harness), "检查完毕：没有问题，可以导入");
    click(&mut harness, "导入（全部成功才写入）");
    assert_eq!(notice(&harness), "导入完成");
    assert_eq!(harness.state().workspace().unwrap().data.members.len(), 2);
}

/// The usual branch 花名册: a title row, no 所在支部 column and no status column. The window
/// offers the branch chooser (the first branch at first), the secretary picks the other branch,
/// checks again and imports: every member lands in the branch chosen, the status derived from
/// 转正时间.
#[test]
fn an_office_roster_without_a_branch_column_is_imported_into_the_chosen_branch() {
    use zhibu_core::domain::{MemberStatus, OrgKind};
    let mut fixture = Fixture::new().unwrap();
    let committee = fixture.committee;
    let second = fixture
        .store
        .write(|w| w.create_organization(&tests::org(Some(committee), OrgKind::Branch, "银湖社区党支部")))
        .unwrap();
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    let (wang, li) = (tests::id_number(tests::day(1985, 3, 2), 22), tests::id_number(tests::day(1990, 11, 9), 31));
    let file = dir.join("银湖社区党支部花名册.csv");
    std::fs::write(
        &file,
        format!(
            "银湖社区党支部党员花名册,,,,,,\n序号,姓名,性别,身份证号,民族,入党时间,转正时间,联系电话\n\
             1,王芳,女,{},汉族,2010.06,2011.06,139 1234 5678\n\
             2,李强,男,{},汉族,2015年7月1日,2016年7月1日,\n",
            wang.as_str(),
            li.as_str()
        ),
    )
    .unwrap();

    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    harness.run_steps(2);
    click(&mut harness, "党员");
    harness.state_mut().commands.push(zhibu::ui::Command::ImportMembers(file.clone(), true));
    settle(&mut harness);
    assert_eq!(notice(&harness), "检查完毕：没有问题，可以导入");
    assert!(harness.query_by_label_contains("名册中没有“所在支部”列").is_some(), "the chooser is offered");
    assert!(
        harness.query_by_label("表中没有“所在支部”列：全部导入到 金山社区党支部").is_some(),
        "the first branch at first"
    );

    choose(&mut harness, "导入到支部", "银湖社区党支部");
    click(&mut harness, "重新检查");
    assert!(harness.query_by_label("表中没有“所在支部”列：全部导入到 银湖社区党支部").is_some());
    click(&mut harness, "导入（全部成功才写入）");
    assert_eq!(notice(&harness), "导入完成");
    let members = &harness.state().workspace().unwrap().data.members;
    assert_eq!(members.len(), 2);
    assert!(members.iter().all(|m| m.record.branch == second), "every member in the branch chosen");
    let wang = members.iter().find(|m| m.record.name == "王芳").unwrap();
    assert_eq!(wang.record.status, MemberStatus::Full, "转正时间 makes a full member");
    assert_eq!(wang.record.phone.as_ref().map(|p| p.as_str().to_owned()).as_deref(), Some("13912345678"));
}

#[test]
fn a_long_import_leaves_the_window_drawing_and_can_be_cancelled() {
    let fixture = Fixture::new().unwrap();
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    // A county's roster: 20,000 rows (reading, checking and writing take seconds in a test build).
    let file = dir.join("全县花名册.csv");
    std::fs::write(&file, tests::roster_csv(20_000, "金山社区党支部")).unwrap();

    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    click(&mut harness, "党员");
    harness.state_mut().commands.push(zhibu::ui::Command::ImportMembers(file, false));
    harness.step();
    assert!(harness.state().is_busy(), "the import runs in the background");
    // The window keeps drawing while the import runs: frames come, each quickly.
    let mut frames = 0;
    let mut slowest = std::time::Duration::ZERO;
    while frames < 10 {
        std::thread::sleep(std::time::Duration::from_millis(5));
        let started = std::time::Instant::now();
        harness.step();
        slowest = slowest.max(started.elapsed());
        frames += 1;
    }
    assert!(harness.state().is_busy(), "still importing after {frames} frames");
    assert!(harness.query_by_label_contains("正在导入花名册").is_some(), "the status bar says what runs");
    eprintln!("{frames} frames drawn during the import, slowest {slowest:?} (test build)");
    click(&mut harness, "取消导入");
    assert!(!harness.state().is_busy());
    assert_eq!(notice(&harness), "已取消导入，未写入任何记录");
    assert!(harness.state().workspace().unwrap().data.members.is_empty(), "nothing was written");
    let store = zhibu_core::store::Store::open_existing(&dir.join("test.db"), "检查").unwrap();
    assert!(store.members(None).unwrap().is_empty(), "the transaction was rolled back");
}

/// Lets the report job (a preview or an export) finish, up to 30 s, and the window take its result.
fn wait_for_job(harness: &mut Harness<'_, App>) {
    for _ in 0..600 {
        if harness.state().workspace().unwrap().job.is_none() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        harness.step();
    }
    harness.run_steps(2);
}

/// Replaces what the text box named `label` holds with `text` (select all, then type).
fn replace_in(harness: &mut Harness<'_, App>, label: &str, text: &str) {
    type_into(harness, label, "");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(1);
    // Typed into the focused box without clicking again (a click would drop the selection).
    harness
        .get_all_by_label(label)
        .find(|n| n.accesskit_node().role() == Role::TextInput)
        .unwrap_or_else(|| panic!("no text box named {label}"))
        .type_text(text);
    harness.run_steps(2);
}

/// Opens the `nth` combo box named `label` and picks `option`.
fn choose_nth(harness: &mut Harness<'_, App>, label: &str, nth: usize, option: &str) {
    let combo = harness.get_all_by_label(label).filter(|n| n.accesskit_node().role() == Role::ComboBox).nth(nth);
    let combo = combo.unwrap_or_else(|| panic!("no combo box {nth} named {label}"));
    combo.scroll_to_me();
    harness.run_steps(4);
    harness.get_all_by_label(label).filter(|n| n.accesskit_node().role() == Role::ComboBox).nth(nth).unwrap().click();
    harness.run_steps(3);
    harness.get_all_by_label(option).last().unwrap_or_else(|| panic!("no option {option}")).click();
    harness.run_steps(1);
    settle(harness);
}

/// Sets the `nth` number field named `label` to `value` (a drag value takes typed input).
fn set_number(harness: &mut Harness<'_, App>, label: &str, nth: usize, value: u32) {
    let field = |harness: &Harness<'_, App>| {
        harness
            .get_all_by_label(label)
            .filter(|n| n.accesskit_node().role() == Role::SpinButton)
            .nth(nth)
            .unwrap_or_else(|| panic!("no number field {nth} named {label}"))
            .rect()
            .center()
    };
    let centre = field(harness);
    harness.get_all_by_label(label).find(|n| n.rect().center() == centre).unwrap().scroll_to_me();
    harness.run_steps(4);
    let centre = field(harness);
    harness.get_all_by_label(label).find(|n| n.rect().center() == centre).unwrap().click();
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run_steps(1);
    let node = harness.get_all_by_label(label).find(|n| n.accesskit_node().role() == Role::TextInput);
    match node {
        Some(node) => node.type_text(&value.to_string()),
        None => harness.event(egui::Event::Text(value.to_string())),
    }
    harness.run_steps(1);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
    settle(harness);
}

/// Records one meeting through the editor and finalises it.
fn record_meeting(harness: &mut Harness<'_, App>, kind: &str, title: &str, date: &str, observer: Option<(&str, &str)>) {
    click(harness, "会议");
    click(harness, "＋ 记录会议（Ctrl+N）");
    choose(harness, "会议类型", kind);
    type_into(harness, "会议名称", title);
    replace_in(harness, "日期", date);
    type_into(harness, "地点", "金山社区党群服务中心");
    type_into(harness, "主持人", "党员0");
    type_into(harness, "记录人", "党员1");
    if let Some((name, affiliation)) = observer {
        click(harness, "＋ 列席人员");
        type_into(harness, "列席1姓名", name);
        type_into(harness, "单位及职务", affiliation);
    }
    click(harness, "保存草稿（Ctrl+S）");
    let error = harness.state().workspace().unwrap().meetings.editor.as_ref().and_then(|e| e.0.error.clone());
    assert_eq!(notice(harness), format!("已保存会议：{title}"), "{error:?}");
    click(harness, "定稿……");
    click(harness, "确定定稿");
    assert_eq!(notice(harness), format!("已定稿：{title}（此后只能修订）"));
    click(harness, "← 返回列表");
}

/// A branch's year through the window alone, from an empty database without the demo: the
/// organisation tree, the committee in office, the roster, twelve 支委会 and four 党员大会 with
/// attendance and 列席 (one with its sign-in sheet), an amendment with a reason, an election
/// that opens a new term, an appraisal and a duty review corrected, a star rating, a volunteer
/// activity, the duty review exported; then the compliance, the audit viewer, and a backup →
/// data folder deleted → restore round trip with every record and attachment back.
#[test]
fn a_branch_year_through_the_window_from_an_empty_database() {
    use zhibu_core::store::AuditAction;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("数据");
    std::fs::create_dir_all(&dir).unwrap();
    let mut harness = harness(App::open(paths(&dir), Some("李书记".into())));
    assert!(harness.state().offer_demo, "an empty database offers the demo");
    click(&mut harness, "从空白开始");

    // 组织: the committee, then the branch under it.
    choose(&mut harness, "层级", "党（工）委");
    type_into(&mut harness, "全称", "城东街道党工委");
    click(&mut harness, "添加");
    assert_eq!(notice(&harness), "已添加组织：城东街道党工委");
    click(&mut harness, "城东街道党工委（党（工）委）");
    choose(&mut harness, "层级", "党支部");
    type_into(&mut harness, "全称", "金山社区党支部");
    click(&mut harness, "添加");
    assert_eq!(notice(&harness), "已添加组织：金山社区党支部");

    // 党员: the roster the office has (the file comes from the native dialog).
    let roster = home.path().join("花名册.csv");
    std::fs::write(&roster, tests::roster_csv(9, "金山社区党支部")).unwrap();
    click(&mut harness, "党员");
    harness.state_mut().commands.push(zhibu::ui::Command::ImportMembers(roster, true));
    settle(&mut harness);
    click(&mut harness, "导入（全部成功才写入）");
    assert_eq!(notice(&harness), "导入完成");

    // The year the records are for.
    click(&mut harness, "◀");
    assert_eq!(harness.state().workspace().unwrap().year, chrono::Local::now().year() - 1);
    let year = harness.state().workspace().unwrap().year;

    // 组织: the committee in office, entered directly.
    click(&mut harness, "组织");
    click(&mut harness, "金山社区党支部（党支部）");
    click(&mut harness, "＋ 录入届次");
    set_number(&mut harness, "第几届", 0, 3);
    type_into(&mut harness, "选举日期", &format!("{}-03-15", year - 2));
    choose_nth(&mut harness, "任职党员1", 0, "党员0");
    click(&mut harness, "＋ 职务");
    choose_nth(&mut harness, "任职党员2", 0, "党员1");
    click(&mut harness, "＋ 职务");
    choose_nth(&mut harness, "任职党员3", 0, "党员2");
    click(&mut harness, "保存届次");
    assert_eq!(notice(&harness), "已保存第3届支部委员会");
    let branch = harness.state().workspace().unwrap().data.branches().next().unwrap().id;
    assert_eq!(harness.state().workspace().unwrap().data.committees[&branch].len(), 3);

    // 会议: twelve committee meetings and four general meetings with an observer.
    for month in 1..=12 {
        let title = format!("{month}月支委会");
        record_meeting(&mut harness, "支委会", &title, &format!("{year}-{month:02}-05"), None);
    }
    for quarter in 1..=4 {
        let title = format!("第{quarter}季度支部党员大会");
        let date = format!("{year}-{:02}-15", quarter * 3 - 1);
        record_meeting(&mut harness, "支部党员大会", &title, &date, Some(("王主任", "城东街道党工委组织委员")));
    }

    // A final record is corrected with a reason; the sign-in sheet is attached as one.
    click(&mut harness, "会议");
    click(&mut harness, "第1季度支部党员大会");
    click(&mut harness, "更正……");
    replace_in(&mut harness, "地点", "金山社区党群服务中心二楼");
    click(&mut harness, "保存更正");
    assert!(notice(&harness).contains("更正原因不能为空"), "an amendment without a reason: {}", notice(&harness));
    let sheet = home.path().join("签到表.png");
    let sheet_bytes: Vec<u8> = (0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    std::fs::write(&sheet, &sheet_bytes).unwrap();
    harness.state_mut().commands.push(zhibu::ui::Command::Attach(sheet));
    settle(&mut harness);
    choose(&mut harness, "附件1类型", "签到表");
    type_into(&mut harness, "更正原因", "会议地点记录有误，补签到表");
    click(&mut harness, "保存更正");
    assert!(notice(&harness).starts_with("已更正：第1季度支部党员大会（第1次更正"), "{}", notice(&harness));
    assert!(harness.query_by_label_contains("第1次更正：").is_some(), "the history is shown with the record");
    assert!(harness.query_by_label_contains("原因：会议地点记录有误").is_some(), "with the reason");
    click(&mut harness, "← 返回列表");

    // 组织: the election that opens the fourth term.
    click(&mut harness, "组织");
    click(&mut harness, "金山社区党支部（党支部）");
    click(&mut harness, "＋ 换届选举");
    type_into(&mut harness, "上级批复日期", &format!("{year}-10-20"));
    replace_in(&mut harness, "选举日期", &format!("{year}-11-20"));
    type_into(&mut harness, "结果批复日期", &format!("{year}-11-28"));
    for (i, (name, yes, post)) in
        [("党员0", 9, "书记"), ("党员1", 8, "组织委员"), ("党员3", 8, "宣传委员"), ("党员4", 3, "（未任职）")]
            .into_iter()
            .enumerate()
    {
        click(&mut harness, "＋ 候选人");
        choose_nth(&mut harness, &format!("候选人{}", i + 1), 0, name);
        set_number(&mut harness, "赞成", i, yes);
        set_number(&mut harness, "反对", i, 9 - yes);
        choose_nth(&mut harness, "职务", i, post);
    }
    // More ballots than voters present is refused, and nothing is saved.
    set_number(&mut harness, "赞成", 0, 10);
    click(&mut harness, "保存草稿");
    let error = harness.state().workspace().unwrap().orgs.election.as_ref().unwrap().error.clone().unwrap_or_default();
    assert!(error.contains("候选人得票") && error.contains("超过实到人数9人"), "{error}");
    assert!(harness.state().workspace().unwrap().data.elections.is_empty());
    set_number(&mut harness, "赞成", 0, 9);
    assert!(harness.query_by_label("√ 符合选举工作条例，可以定稿").is_some(), "the checks pass live");
    click(&mut harness, "定稿……");
    click(&mut harness, "确定定稿");
    assert_eq!(notice(&harness), "已定稿：第4届支部委员会产生，上一届任期结束");
    // Its documents come from the reference template, straight from the editor.
    click(&mut harness, "生成选举结果报告");
    let preview = harness.state().workspace().unwrap().reports.preview.clone().expect("the report is previewed");
    assert_eq!(preview.title, "关于金山社区党支部换届选举结果的报告");
    let text = serde_json::to_string(&preview).unwrap();
    assert!(text.contains("党员0（9票）、党员1（8票）、党员3（8票）当选为第四届支部委员会委员"), "{text}");
    assert!(text.contains("金山社区党支部第四届支部委员会选票统计表"), "the sheet is attached");
    click(&mut harness, "组织");
    // A final election is corrected with a reason; the editor lists each correction.
    assert!(harness.query_by_label("定稿后没有更正过。").is_some());
    type_into(&mut harness, "选举地点", "（二楼会议室）");
    type_into(&mut harness, "更正原因", "选举地点记录不全");
    click(&mut harness, "保存更正");
    assert!(
        harness.query_by_label_contains("第1次更正：").is_some()
            && harness.query_by_label_contains("原因：选举地点记录不全").is_some(),
        "{}",
        notice(&harness)
    );
    click(&mut harness, "← 返回组织");
    let terms = harness.state().workspace().unwrap().data.terms[&branch].clone();
    assert_eq!(terms.len(), 2);
    assert_eq!(terms[1].record.number, 4);
    assert_eq!(terms[0].record.closed_on.map(|d| d.to_string()), Some(format!("{year}-11-20")));

    // 评议: a duty review and an appraisal, each saved and corrected.
    click(&mut harness, "评议");
    choose(&mut harness, "支部", "金山社区党支部");
    choose(&mut harness, "述职人", "党员0");
    set_number(&mut harness, "应参评人数", 0, 9);
    set_number(&mut harness, "实参评人数（收回票数）", 0, 9);
    set_number(&mut harness, "“好”票", 0, 7);
    type_into(&mut harness, "主要工作及成效", "全年按时召开支委会和党员大会。");
    click(&mut harness, "保存述职评议");
    assert_eq!(notice(&harness), "已保存述职评议");
    click(&mut harness, "修改");
    choose_nth(&mut harness, "综合评定", 0, "好");
    click(&mut harness, "保存述职评议的修改");
    assert_eq!(notice(&harness), "已保存述职评议的修改");
    click(&mut harness, "民主评议党员");
    choose(&mut harness, "党员", "党员5");
    choose(&mut harness, "评定结果", "合格");
    click(&mut harness, "保存民主评议");
    click(&mut harness, "修改");
    // 民主测评 ballots, with the member's year beside the form and the suggestion from them.
    set_number(&mut harness, "“优秀”票", 0, 3);
    set_number(&mut harness, "“合格”票", 0, 6);
    assert!(harness.query_by_label("建议评定：合格").is_some(), "3 of 9 for 优秀 is not above half");
    assert!(harness.query_by_label_contains("组织生活：应参加").is_some(), "the member's year is shown");
    choose(&mut harness, "评定结果", "优秀");
    click(&mut harness, "保存评议结果的修改");
    let error = harness.state().workspace().unwrap().reviews.error.clone().unwrap_or_default();
    assert_eq!(error, "评定理由评定为“优秀”与建议的“合格”不同，须写明理由：（空）");
    type_into(&mut harness, "评定理由（与建议不同时必填）", "带头参加社区志愿服务，群众评价好。");
    click(&mut harness, "保存评议结果的修改");
    assert_eq!(notice(&harness), "已保存民主评议的修改");

    // A star rating and a volunteer activity.
    // The branch registers itself as a subject, defines its own sheet with one indicator bound
    // to its meeting records, and rates itself: the bound score comes from the records.
    click(&mut harness, "星级评定");
    click(&mut harness, "对象登记");
    choose(&mut harness, "评定单位（支部）", "金山社区党支部");
    choose_nth(&mut harness, "对象类型", 0, "党支部");
    type_into(&mut harness, "对象名称", "金山社区党支部");
    click(&mut harness, "保存评定对象");
    assert_eq!(notice(&harness), "已登记评定对象：金山社区党支部");
    click(&mut harness, "指标设置");
    click(&mut harness, "新建评定指标");
    type_into(&mut harness, "指标名称", "社区党支部评星指标");
    choose_nth(&mut harness, "评定对象类型", 0, "党支部");
    type_into(&mut harness, "第1项", "组织生活");
    choose(&mut harness, "第1项计分方式", "记录：会议按时召开");
    click(&mut harness, "添加指标项");
    type_into(&mut harness, "第2项", "群众满意度");
    // The default bands (90/80/70/60) need a 100-point sheet; a smaller one is refused until they fit.
    click(&mut harness, "保存评定指标");
    let error = harness.state().workspace().unwrap().reviews.stars.error.clone().unwrap_or_default();
    assert_eq!(error, "星级分数线应在0至30之间：90");
    set_number(&mut harness, "分值", 0, 50);
    set_number(&mut harness, "分值", 1, 50);
    click(&mut harness, "保存评定指标");
    assert_eq!(notice(&harness), "已新建评定指标：社区党支部评星指标");
    click(&mut harness, "评定结果");
    choose(&mut harness, "评定指标", "社区党支部评星指标（第1版）");
    choose(&mut harness, "评定对象", "金山社区党支部（金山社区党支部）");
    assert!(harness.query_by_label_contains("来自记录：按期召开").is_some(), "the bound indicator shows its figure");
    click(&mut harness, "保存星级评定");
    assert_eq!(notice(&harness), "已保存星级评定：金山社区党支部");
    let data = &harness.state().workspace().unwrap().data;
    let board = data.boards.iter().find(|b| b.scheme.record.name == "社区党支部评星指标").unwrap();
    assert_eq!(board.rows.len(), 1);
    assert_eq!(board.rows[0].movement, zhibu_core::domain::Move::New);
    click(&mut harness, "志愿服务");
    // A resident who volunteers goes into the branch's register first.
    click(&mut harness, "志愿者名册");
    choose(&mut harness, "名册所属支部", "金山社区党支部");
    type_into(&mut harness, "志愿者姓名", "王秀兰");
    choose(&mut harness, "志愿者类别", "居民");
    click(&mut harness, "登记");
    assert_eq!(notice(&harness), "已登记志愿者：王秀兰");
    // A service team, its leader's name corrected afterwards.
    type_into(&mut harness, "服务队名称", "金山红袖标巡逻队");
    type_into(&mut harness, "队长", "王秀");
    click(&mut harness, "添加服务队");
    assert_eq!(notice(&harness), "已添加服务队：金山红袖标巡逻队");
    // The register's rows have 修改 too; the team's is the last on the page.
    harness.get_all_by_label("修改").last().unwrap().click();
    harness.run_steps(2);
    type_into(&mut harness, "队长", "兰");
    click(&mut harness, "保存服务队");
    assert_eq!(notice(&harness), "已修改服务队：金山红袖标巡逻队");
    let teams = &harness.state().workspace().unwrap().data.teams;
    assert_eq!(teams.len(), 1, "corrected, not added again");
    assert_eq!(teams[0].record.leader, "王秀兰");
    click(&mut harness, "志愿服务活动");
    type_into(&mut harness, "活动名称", "禁毒宣传进小区");
    replace_in(&mut harness, "日期", &format!("{year}-06-26"));
    type_into(&mut harness, "地点", "金山社区广场");
    type_into(&mut harness, "组织单位", "金山社区党支部");
    choose(&mut harness, "参加支部", "金山社区党支部");
    click(&mut harness, "党员5");
    click(&mut harness, "党员6");
    click(&mut harness, "王秀兰（居民）");
    click(&mut harness, "保存");
    assert_eq!(notice(&harness), "已保存志愿服务：禁毒宣传进小区");
    let activity = harness.state().workspace().unwrap().data.volunteer.last().unwrap().record.clone();
    assert_eq!((activity.participants.len(), activity.volunteers.len()), (2, 1), "two members and the resident");

    // 报表: the duty review exported.
    click(&mut harness, "报表");
    click(&mut harness, "年度述职评议");
    type_into(&mut harness, "保存到", &home.path().display().to_string());
    click(&mut harness, "导出 Word");
    wait_for_job(&mut harness);
    assert!(notice(&harness).starts_with("已导出："), "{}", notice(&harness));

    // Compliance: only the meeting types this test did not record are missing.
    let data = &harness.state().workspace().unwrap().data;
    let report = data.compliance.as_ref().unwrap();
    for finding in report.branches.iter().flat_map(|b| &b.findings) {
        let recorded = matches!(
            finding.meeting_kind,
            Some(zhibu_core::domain::MeetingKind::CommitteeMeeting | zhibu_core::domain::MeetingKind::GeneralMeeting)
        );
        assert!(
            finding.code == zhibu_core::rules::FindingCode::MeetingMissing && !recorded,
            "no false finding: {}",
            finding.message
        );
    }

    // 审计: every step is in the viewer, under the operator.
    click(&mut harness, "审计");
    let entries = harness.state().workspace().unwrap().audit.entries.clone().unwrap();
    for (action, kind) in [
        (AuditAction::Create, "organization"),
        (AuditAction::Create, "member"),
        (AuditAction::Create, "committee_term"),
        (AuditAction::Finalize, "meeting"),
        (AuditAction::Amend, "meeting"),
        (AuditAction::Finalize, "election"),
        (AuditAction::Update, "duty_review"),
        (AuditAction::Update, "member_appraisal"),
        (AuditAction::Create, "star_rating"),
        (AuditAction::Create, "volunteer_activity"),
        (AuditAction::Export, "report"),
    ] {
        assert!(
            entries.iter().any(|e| e.action == action && e.record_kind == kind && e.operator == "李书记"),
            "the audit viewer lists {action:?} {kind}"
        );
    }
    assert!(harness.query_by_label_contains("会议地点记录有误").is_some(), "the amendment's reason is on screen");

    // A backup, the data folder gone, and a restore through the window bring everything back.
    let before = {
        let store = zhibu_core::store::Store::open_existing(&dir.join("test.db"), "检查").unwrap();
        store.meetings(&zhibu_core::store::MeetingFilter::default()).unwrap()
    };
    let carried = home.path().join("U盘");
    std::fs::create_dir_all(&carried).unwrap();
    let backup = carried.join("支部备份.db");
    harness.state_mut().commands.push(zhibu::ui::Command::BackupTo(backup.clone()));
    settle(&mut harness);
    // A USB stick is outside the data folder: the backup is encrypted with a passphrase.
    type_into(&mut harness, "口令", "李书记的备份口令");
    type_into(&mut harness, "再次输入口令", "李书记的备份口令");
    click(&mut harness, "加密备份");
    assert!(notice(&harness).starts_with("已备份到："), "{}", notice(&harness));
    drop(harness);
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let mut harness = self::harness(App::open(paths(&dir), Some("李书记".into())));
    click(&mut harness, "从空白开始");
    click(&mut harness, "设置");
    harness.state_mut().commands.push(zhibu::ui::Command::ConfirmRestore(backup));
    settle(&mut harness);
    click(&mut harness, "确定恢复");
    type_into(&mut harness, "口令", "李书记的备份口令");
    click(&mut harness, "用此口令恢复");
    for _ in 0..600 {
        if harness.state().workspace().is_some_and(|w| !w.loading) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    settle(&mut harness);
    assert!(notice(&harness).contains("附件1个"), "{}", notice(&harness));
    drop(harness);
    let store = zhibu_core::store::Store::open_existing(&dir.join("test.db"), "检查").unwrap();
    let after = store.meetings(&zhibu_core::store::MeetingFilter::default()).unwrap();
    assert_eq!(after, before, "every meeting back");
    let attachment = after.iter().flat_map(|m| &m.record.attachments).next().unwrap();
    assert_eq!(attachment.kind, zhibu_core::domain::AttachmentKind::SignInSheet);
    assert_eq!(std::fs::read(store.attachment_file(attachment)).unwrap(), sheet_bytes, "byte-exact");
    assert_eq!(store.elections(None).unwrap().len(), 1);
    assert_eq!(store.terms(branch).unwrap().len(), 2);
}

const FULL_DISK_CHILD: &str = "ZHIBU_FULL_DISK_CHILD_DIR";

/// Fills the disk the window's database is on, then saves a member: run by the test below in
/// a private namespace where that folder is a small tmpfs; does nothing unless started by it.
#[test]
fn a_save_on_a_full_disk_child() {
    let Ok(dir) = std::env::var(FULL_DISK_CHILD) else { return };
    let dir = std::path::PathBuf::from(dir);
    let outside = tempfile::tempdir().unwrap();
    let paths = Paths {
        db: dir.join("test.db"),
        plugins_dir: outside.path().join("plugins"),
        cache_dir: outside.path().join("cache"),
        backup_dir: outside.path().join("backups"),
    };
    {
        let mut store = zhibu_core::store::Store::open(&paths.db, "测试员").unwrap();
        store
            .write(|w| {
                let committee =
                    w.create_organization(&tests::org(None, zhibu_core::domain::OrgKind::Committee, "城东街道党工委"))?;
                let branch = w.create_organization(&tests::org(
                    Some(committee),
                    zhibu_core::domain::OrgKind::Branch,
                    "金山社区党支部",
                ))?;
                w.create_member(&tests::member(branch, 0)).map(|_| ())
            })
            .unwrap();
    }
    let mut harness = harness(App::open(paths.clone(), Some("测试员".into())));
    click(&mut harness, "党员");
    click(&mut harness, "＋ 新增党员（Ctrl+N）");
    type_into(&mut harness, "姓名", "王建国");
    type_into(&mut harness, "身份证号", "11010519491231002X");
    type_into(&mut harness, "入党时间", "2015-07-01");
    // Now the disk fills up (another program's files, a full USB stick).
    let mut filler = std::fs::File::create(dir.join("filler")).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut filler, &block).is_ok() {}
    drop(filler);
    click(&mut harness, "保存（Ctrl+S）");
    println!("NOTICE {}", notice(&harness));
    let kept = harness.query_all_by_label("姓名").filter(|n| n.value().as_deref() == Some("王建国")).count();
    println!("KEPT {kept}");
    println!("MEMBERS {}", harness.state().workspace().unwrap().data.members.len());
    drop(harness);
    std::fs::remove_file(dir.join("filler")).unwrap();
    let store = zhibu_core::store::Store::open_existing(&paths.db, "检查").unwrap();
    println!("CHECK {:?} {}", store.full_check().unwrap(), store.members(None).unwrap().len());
}

/// A save that fails because the disk is full keeps the form filled, says why and writes
/// nothing (a real full disk: a tmpfs mounted with `unshare` in a private namespace).
#[test]
fn a_save_on_a_full_disk_keeps_the_form_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("小磁盘");
    std::fs::create_dir_all(&mount).unwrap();
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new("unshare")
        .args([
            "-rm",
            "sh",
            "-c",
            r#"mount -t tmpfs -o size=4m none "$1" && exec "$2" --exact ui::a_save_on_a_full_disk_child --nocapture"#,
            "sh",
        ])
        .arg(&mount)
        .arg(&exe)
        .env(FULL_DISK_CHILD, &mount)
        .output()
        .expect("unshare (util-linux) runs the child in a private mount namespace");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    let line = |key: &str| stdout.lines().find_map(|l| l.strip_prefix(key)).unwrap_or_default().to_owned();
    let notice = line("NOTICE ");
    assert!(notice.starts_with("保存失败：磁盘空间不足，本次保存未写入（已填写的内容仍保留）"), "{notice}");
    assert_eq!(line("KEPT "), "1", "the form keeps what was typed");
    assert_eq!(line("MEMBERS "), "1", "nothing was added");
    assert_eq!(line("CHECK "), "[] 1", "the database is sound and holds what it held");
}

/// A problem in the check is corrected in the window (the cell's new value typed beside it) or its
/// row skipped, then checked again and imported; the file itself is left as it was.
#[test]
fn a_roster_problem_is_corrected_or_its_row_skipped_in_the_window() {
    let fixture = Fixture::new().unwrap();
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    let good = tests::id_number(tests::day(1980, 5, 12), 31);
    let typo = format!("{}{}", &good.as_str()[..17], if good.as_str().ends_with('1') { '2' } else { '1' });
    let other = tests::id_number(tests::day(1972, 3, 8), 11);
    let file = dir.join("花名册.csv");
    let text = format!(
        "姓名,身份证号,党员状态,入党时间,所在支部\n张伟,{typo},正式党员,2005-07-01,金山社区党支部\n赵刚,{},正式党员,1999-13-01,金山社区党支部\n",
        other.as_str()
    );
    std::fs::write(&file, &text).unwrap();
    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    click(&mut harness, "党员");
    harness.state_mut().commands.push(zhibu::ui::Command::ImportMembers(file.clone(), true));
    settle(&mut harness);
    assert_eq!(notice(&harness), "检查完毕：2处问题，见报告");
    type_into(&mut harness, "第2行身份证号改为", good.as_str());
    click(&mut harness, "跳过第3行");
    click(&mut harness, "重新检查");
    let report = harness.state().workspace().unwrap().members.import_report.clone().unwrap().1;
    assert_eq!(notice(&harness), "检查完毕：没有问题，可以导入", "{report:#?}");
    assert!(harness.query_by_label_contains("第3行  跳过：按选择跳过，不导入").is_some());
    click(&mut harness, "导入（全部成功才写入）");
    assert_eq!(notice(&harness), "导入完成");
    let members = &harness.state().workspace().unwrap().data.members;
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].record.id_number.as_str(), good.as_str(), "the corrected value went in");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "the file is not changed");
}

/// 党费 through the window: a base confirmed with the amount from the rates, a quarter paid, a
/// payroll list with a bad row refused whole (its row named) and then taken, the grid showing
/// each month, a member six months behind flagged with the clause.
#[test]
fn dues_are_kept_through_the_window() {
    let mut fixture = Fixture::new().unwrap();
    let ids = fixture.add_members(2).unwrap();
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    let year = chrono::Local::now().year();
    let mut harness = harness(App::open(paths(&dir), Some("李书记".into())));
    harness.run_steps(2);
    click(&mut harness, "党费");
    choose_nth(&mut harness, "党员", 0, "党员0");
    choose(&mut harness, "类别", "离退休");
    type_into(&mut harness, "税后月收入（元）", "4000");
    assert!(harness.query_by_label_contains("按标准 20.00 元（0.5%）").is_some(), "the amount from the rates");
    replace_in(&mut harness, "确认日期", &format!("{year}-01-10"));
    click(&mut harness, "确认基数");
    assert_eq!(notice(&harness), format!("已确认{year}年党费基数：每月20.00元"));
    choose_nth(&mut harness, "党员", 0, "党员1");
    choose(&mut harness, "类别", "学生");
    click(&mut harness, "确认基数");
    assert_eq!(notice(&harness), format!("已确认{year}年党费基数：每月0.20元"));
    // A base confirmed by mistake is deleted, then confirmed again.
    click(&mut harness, &format!("删除{year}年基数"));
    assert!(notice(&harness).contains(&format!("{year}年党费基数")), "{}", notice(&harness));
    assert_eq!(harness.state().workspace().unwrap().data.dues_bases.len(), 1);
    choose(&mut harness, "类别", "学生");
    click(&mut harness, "确认基数");
    assert_eq!(harness.state().workspace().unwrap().data.dues_bases.len(), 2);

    // 党员0 pays January to March; the amount defaults to what the months owe.
    choose_nth(&mut harness, "缴费党员", 0, "党员0");
    replace_in(&mut harness, "起始月份", &format!("{year}-01"));
    type_into(&mut harness, "截止月份", &format!("{year}-03"));
    replace_in(&mut harness, "缴纳日期", &format!("{year}-03-20"));
    click(&mut harness, "记录缴纳");
    assert_eq!(notice(&harness), format!("已记录党费：{year}年1月至{year}年3月，60.00元"));

    // A payroll list whose second row overlaps what is recorded: nothing is written.
    let list = dir.join("代扣.csv");
    std::fs::write(
        &list,
        format!("姓名,金额,缴费日期,缴费月份\n党员1,0.60,{year}-03-25,{year}-01至{year}-03\n党员0,20,{year}-03-25,{year}-03\n"),
    )
    .unwrap();
    let branch = harness.state().workspace().unwrap().dues.branch.unwrap();
    let method = zhibu_core::domain::PaymentMethod::Payroll;
    let sheet = zhibu_core::services::import::Sheet::Dues(method);
    // The file comes from 选择明细文件……'s dialog, which sends this check.
    harness.state_mut().commands.push(zhibu::ui::Command::ImportSheet(sheet, list.clone(), branch, Vec::new(), true));
    settle(&mut harness);
    assert_eq!(notice(&harness), "检查完毕：1处问题，见报告");
    assert!(harness.query_by_label_contains("第3行「缴费月份」与已记录的").is_some(), "the row is named");
    assert!(
        harness.get_by_label("导入（全部成功才写入）").accesskit_node().is_disabled(),
        "nothing to import while a row is wrong"
    );
    assert_eq!(harness.state().workspace().unwrap().data.dues_payments.len(), 1);
    std::fs::write(&list, format!("姓名,金额,缴费日期,缴费月份\n党员1,0.60,{year}-03-25,{year}-01至{year}-03\n"))
        .unwrap();
    click(&mut harness, "重新检查");
    assert_eq!(notice(&harness), "检查完毕：没有问题，可以导入");
    assert_eq!(harness.state().workspace().unwrap().data.dues_payments.len(), 1, "a check writes nothing");
    click(&mut harness, "导入（全部成功才写入）");
    assert_eq!(notice(&harness), "已导入党费明细");
    let data = &harness.state().workspace().unwrap().data;
    assert_eq!(data.dues_payments.len(), 2);
    assert!(data.dues_payments.iter().all(|p| p.record.member == ids[0] || p.record.method == method));
    // Three months paid for each of the two: six ✓ in the grid.
    assert_eq!(harness.query_all_by_label("✓").count(), 6);
}

/// A per-meeting export whose template declines every meeting (a type filter that matches none)
/// says so: the status is an error naming how many were not made, and the report page lists each
/// meeting with the template's reason.
#[test]
fn a_per_meeting_export_lists_what_the_template_declined() {
    use zhibu_core::domain::MeetingKind;
    let mut fixture = Fixture::new().unwrap();
    let members = fixture.add_members(4).unwrap();
    let branch = fixture.branch;
    let meeting = tests::meeting(branch, MeetingKind::ThemeDay, tests::day(2025, 3, 10), &members, 4);
    fixture.store.write(|w| w.create_meeting(&meeting)).unwrap();
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    let params = [("branch", branch.0.to_string()), ("year", "2025".into()), ("kind", "支部党员大会".into())];
    let request = zhibu::ui::JobRequest {
        template: "meeting-minutes".into(),
        params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        consent: zhibu_report::services::report::Consent::None,
        target: zhibu::ui::Target::EachMeeting(dir.join("会议记录")),
        pdf: false,
    };
    harness.state_mut().commands.push(zhibu::ui::Command::SubmitReport(Box::new(request)));
    settle(&mut harness);
    wait_for_job(&mut harness);
    assert_eq!(notice(&harness), "模板没有生成任何文件，1 项未生成（原因见报表页）");
    let skipped = harness.state().workspace().unwrap().reports.skipped.clone();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(skipped[0].0.starts_with("2025-03-10 "), "the meeting by its day and title: {skipped:?}");
    click(&mut harness, "报表");
    click(&mut harness, "会议记录");
    let shown = format!("未生成 {}：{}", skipped[0].0, skipped[0].1);
    assert!(harness.query_by_label(&shown).is_some(), "the report page lists it: {shown}");
}

/// The certificate template offers 为每名志愿者逐个导出 (the minutes' per-meeting button is not
/// its), and that export writes a certificate for each member who served in the year.
#[test]
fn certificates_for_every_volunteer_from_the_report_page() {
    let mut fixture = Fixture::new().unwrap();
    let members = fixture.add_members(3).unwrap();
    let activity = tests::volunteer_activity(fixture.branch, tests::day(2025, 6, 26), &members[..2]);
    fixture.store.write(|w| w.create_volunteer_activity(&activity)).unwrap();
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    click(&mut harness, "报表");
    click(&mut harness, "志愿服务证明");
    assert!(harness.query_by_label("为每名志愿者逐个导出……").is_some());
    assert!(harness.query_by_label("按会议逐个导出……").is_none());
    // What the folder dialog's answer submits.
    let request = zhibu::ui::JobRequest {
        template: "volunteer-certificate".into(),
        params: vec![("year".into(), "2025".into())],
        consent: zhibu_report::services::report::Consent::None,
        target: zhibu::ui::Target::EachVolunteer(dir.join("证明")),
        pdf: false,
    };
    harness.state_mut().commands.push(zhibu::ui::Command::SubmitReport(Box::new(request)));
    settle(&mut harness);
    wait_for_job(&mut harness);
    assert_eq!(notice(&harness), "已导出 2 个文件");
    assert_eq!(std::fs::read_dir(dir.join("证明")).unwrap().count(), 2);
}

/// With more than one branch, a template with a branch parameter offers 为每个党支部逐个导出
/// (with one branch it does not), and that export renders each branch, listing those the
/// template declined by name.
#[test]
fn a_per_branch_export_from_the_report_page() {
    use zhibu_core::domain::*;
    let mut fixture = Fixture::new().unwrap();
    fixture.add_members(3).unwrap();
    let dir = fixture.dir.path().to_owned();
    let committee = fixture.store.organization(fixture.branch).unwrap().parent;
    drop(fixture.store);
    let mut single = harness(App::open(paths(&dir), Some("测试员".into())));
    click(&mut single, "报表");
    click(&mut single, "年度述职评议");
    assert!(single.query_by_label("为每个党支部逐个导出……").is_none(), "one branch: nothing to batch");
    drop(single);

    let mut store = zhibu_core::store::Store::open_existing(&paths(&dir).db, "测试").unwrap();
    let other = tests::org(committee, OrgKind::Branch, "七里村党支部");
    store.write(|w| w.create_organization(&other)).unwrap();
    drop(store);
    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    click(&mut harness, "报表");
    click(&mut harness, "年度述职评议");
    assert!(harness.query_by_label("为每个党支部逐个导出……").is_some());
    let request = zhibu::ui::JobRequest {
        template: "duty-review".into(),
        params: vec![("year".into(), "2025".into())],
        consent: zhibu_report::services::report::Consent::None,
        target: zhibu::ui::Target::EachBranch(dir.join("述职")),
        pdf: false,
    };
    harness.state_mut().commands.push(zhibu::ui::Command::SubmitReport(Box::new(request)));
    settle(&mut harness);
    wait_for_job(&mut harness);
    // No duty review entered yet: each branch is listed with the template's reason.
    assert_eq!(notice(&harness), "模板没有生成任何文件，2 项未生成（原因见报表页）");
    let skipped = harness.state().workspace().unwrap().reports.skipped.clone();
    let names: Vec<&str> = skipped.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"七里村党支部"), "{names:?}");
}

/// 上级报送 through the branch's window alone (issue 33), from an empty database, against a
/// throwaway PostgreSQL committee (its side on the command line until it has a window of its
/// own): the registration file written, the connection file taken in, 立即报送, the committee
/// returns the year with an opinion, 获取反馈 shows it on the dashboard; then the USB route:
/// 导出报送包, imported by the committee, which passes the year; its feedback package read back.
#[test]
fn a_branch_reports_up_and_reads_the_committees_word_in_the_window() {
    use zhibu::ui::{Command, SyncRequest};
    let admin = super::committee::admin();
    let (url, _) = super::committee::fresh_database(&admin);
    super::cli::zhibu(&["committee", "init", "--db-url", &url]);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("数据");
    std::fs::create_dir_all(&dir).unwrap();
    let paths = paths(&dir);
    let mut harness = harness(App::open(paths.clone(), Some("李书记".into())));
    click(&mut harness, "从空白开始");
    choose(&mut harness, "层级", "党（工）委");
    type_into(&mut harness, "全称", "城东街道党工委");
    click(&mut harness, "添加");
    click(&mut harness, "城东街道党工委（党（工）委）");
    choose(&mut harness, "层级", "党支部");
    type_into(&mut harness, "全称", "金山社区党支部");
    click(&mut harness, "添加");
    let roster = home.path().join("花名册.csv");
    std::fs::write(&roster, tests::roster_csv(6, "金山社区党支部")).unwrap();
    click(&mut harness, "党员");
    harness.state_mut().commands.push(Command::ImportMembers(roster, true));
    settle(&mut harness);
    click(&mut harness, "导入（全部成功才写入）");
    assert_eq!(notice(&harness), "导入完成");
    let branch = harness.state().workspace().unwrap().data.branches().next().unwrap().id;
    let year = harness.state().workspace().unwrap().year.to_string();

    // 上级报送: nothing to report with yet; the registration file goes to the committee.
    click(&mut harness, "上级报送");
    assert!(harness.query_by_label_contains("上级登记本支部后，会发来一个账号文件").is_some());
    assert!(harness.query_by_label_contains("尚未向上级报送过").is_some());
    let registration = home.path().join("金山社区党支部.zhibu-registration");
    // The files come from the native dialogs in the window; here the commands they send are given.
    harness.state_mut().commands.push(Command::Sync(SyncRequest::Registration(branch, registration.clone())));
    settle(&mut harness);
    assert!(notice(&harness).starts_with("已写出登记文件，请交给上级"), "{}", notice(&harness));

    // The committee registers it and sends the connection file back.
    let connection = home.path().join("金山社区党支部.zhibu-connection");
    super::committee::add_branch(&url, &registration, &connection);
    harness.state_mut().commands.push(Command::Sync(SyncRequest::Connect(connection, false)));
    settle(&mut harness);
    assert!(
        notice(&harness).starts_with("已导入上级账号：金山社区党支部，服务器 zhibu_branch_"),
        "{}",
        notice(&harness)
    );
    assert!(harness.query_by_label_contains("已导入上级发来的账号文件：zhibu_branch_").is_some());

    // 立即报送; the committee returns the year; 获取反馈.
    click(&mut harness, "立即报送");
    assert!(notice(&harness).starts_with("已报送：金山社区党支部，"), "{}", notice(&harness));
    assert!(harness.query_by_label_contains("（联网报送），此后没有新的变更").is_some());
    let uuid = harness.state().workspace().unwrap().reporting.status[0].uuid.clone();
    let opinion = "第三季度支委会记录缺少表决结果，请补充后重新报送";
    super::cli::zhibu(&[
        "committee",
        "review",
        "--db-url",
        &url,
        "--branch",
        &uuid,
        "--year",
        &year,
        "--return",
        "--opinion",
        opinion,
    ]);
    click(&mut harness, "获取反馈");
    assert_eq!(notice(&harness), "已取回上级反馈：金山社区党支部，1 条");
    assert!(harness.query_by_label_contains(&format!("{year}年度报送：已退回，意见：{opinion}")).is_some());
    click(&mut harness, "首页");
    assert!(
        harness.query_by_label_contains(&format!("{year}年度：已退回（意见见下）")).is_some(),
        "the dashboard shows the verdict"
    );
    assert!(harness.query_by_label_contains(&format!("{year}年度报送：退回，意见：{opinion}")).is_some());

    // The USB route: a change, the package, the committee imports it and passes the year.
    let more = home.path().join("补充名册.csv");
    std::fs::write(&more, tests::roster_csv(8, "金山社区党支部")).unwrap();
    click(&mut harness, "党员");
    harness.state_mut().commands.push(Command::ImportMembers(more, true));
    settle(&mut harness);
    click(&mut harness, "导入（全部成功才写入）");
    click(&mut harness, "上级报送");
    let pending = harness.state().workspace().unwrap().reporting.status[0].pending;
    assert!(pending >= 2, "two members added since: {pending}");
    assert!(harness.query_by_label_contains(&format!("此后有 {pending} 条记录变更未报送")).is_some());
    let package = home.path().join("U盘").join("金山社区党支部.zbp");
    std::fs::create_dir_all(package.parent().unwrap()).unwrap();
    harness.state_mut().commands.push(Command::Sync(SyncRequest::Export(branch, package.clone())));
    settle(&mut harness);
    assert!(
        notice(&harness).starts_with(&format!("已导出报送包（已加密，只有上级能打开）：{pending} 条变更")),
        "{}",
        notice(&harness)
    );
    super::cli::zhibu(&["committee", "import", "--db-url", &url, package.to_str().unwrap()]);
    super::cli::zhibu(&["committee", "review", "--db-url", &url, "--branch", &uuid, "--year", &year, "--pass"]);
    let feedback = home.path().join("U盘").join("反馈.zbf");
    super::cli::zhibu(&[
        "committee",
        "feedback",
        "--db-url",
        &url,
        "--branch",
        &uuid,
        "--out",
        feedback.to_str().unwrap(),
    ]);
    harness.state_mut().commands.push(Command::Sync(SyncRequest::PullFile(feedback)));
    settle(&mut harness);
    assert_eq!(notice(&harness), "已读取上级反馈包：金山社区党支部，1 条");
    click(&mut harness, "首页");
    assert!(harness.query_by_label_contains(&format!("{year}年度：已通过")).is_some());
}

/// A backup to a USB stick from the window asks for a passphrase first (at least 8 characters,
/// typed twice alike) and is written encrypted; restoring it asks for the passphrase, says when it
/// is wrong and restores with the right one (issue 33).
#[test]
fn a_backup_to_a_usb_stick_is_encrypted_and_restoring_it_asks_for_the_passphrase() {
    use zhibu::ui::Command;
    let mut fixture = Fixture::new().unwrap();
    fixture.add_members(2).unwrap();
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    let stick = tempfile::tempdir().unwrap();
    let target = stick.path().join("备份.db");
    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    // The file comes from the native save dialog; here the command it sends is given.
    harness.state_mut().commands.push(Command::BackupTo(target.clone()));
    settle(&mut harness);
    assert!(harness.query_by_label("为备份设置口令").is_some());
    assert!(harness.query_by_label("请牢记口令：忘记的口令无法找回，备份也就无法恢复。").is_some());
    type_into(&mut harness, "口令", "金山");
    type_into(&mut harness, "再次输入口令", "金山");
    click(&mut harness, "加密备份");
    assert!(harness.query_by_label("口令至少8个字符").is_some());
    type_into(&mut harness, "口令", "支部2026备份");
    click(&mut harness, "加密备份");
    assert!(harness.query_by_label("两次输入的口令不一致").is_some());
    type_into(&mut harness, "再次输入口令", "支部2026备份");
    click(&mut harness, "加密备份");
    assert!(notice(&harness).starts_with("已备份到"), "{}", notice(&harness));
    assert!(zhibu_core::services::backup::is_encrypted(&target));

    // 从备份文件恢复 → 确定恢复 sends this.
    harness.state_mut().commands.push(Command::Restore(target.clone()));
    settle(&mut harness);
    assert!(harness.query_by_label("输入备份口令").is_some());
    type_into(&mut harness, "口令", "不是这个口令");
    click(&mut harness, "用此口令恢复");
    // In the dialog and in the status bar.
    assert_eq!(
        harness.query_all_by_label_contains("口令不对，无法打开这个加密的备份").count(),
        2,
        "{}",
        notice(&harness)
    );
    type_into(&mut harness, "口令", "金山支部2026备份");
    click(&mut harness, "用此口令恢复");
    assert!(notice(&harness).starts_with("已从"), "{}", notice(&harness));
    assert_eq!(harness.state().workspace().unwrap().data.members.len(), 2);
}

/// The 三会一课 register and the volunteer-hours export imported through the window (issue 33):
/// chosen, checked (a row naming someone not in the branch reported by row and column; nothing
/// to import meanwhile), a header mapped, the file corrected, checked again, imported whole.
#[test]
fn the_register_and_the_volunteer_hours_are_imported_in_the_window() {
    use zhibu::ui::Command;
    use zhibu_core::services::import::Sheet;
    let mut fixture = Fixture::new().unwrap();
    fixture.add_members(4).unwrap();
    let branch = fixture.branch;
    let dir = fixture.dir.path().to_owned();
    drop(fixture.store);
    let mut harness = harness(App::open(paths(&dir), Some("测试员".into())));
    let year = chrono::Local::now().year();

    // 会议: the register, one row naming a stranger on leave.
    click(&mut harness, "会议");
    assert!(!harness.get_by_label("导入三会一课登记表……").accesskit_node().is_disabled());
    let register = dir.join("三会一课登记表.csv");
    let write = |leave: &str| {
        std::fs::write(
            &register,
            format!(
                "会议日期,会议类型,会议主题,地点,主持人,请假人员\n\
                 {year}-01-10,支委会,研究一月份工作,党群服务中心,党员0,无\n\
                 {year}-01-20,支部党员大会,学习传达上级精神,党群服务中心,党员0,{leave}\n"
            ),
        )
        .unwrap();
    };
    write("王五（出差）");
    harness.state_mut().commands.push(Command::ImportSheet(
        Sheet::Register,
        register.clone(),
        branch,
        Vec::new(),
        true,
    ));
    settle(&mut harness);
    assert_eq!(notice(&harness), "检查完毕：1处问题，见报告");
    assert!(harness.query_by_label_contains("第3行「请假人员」不是本支部党员：王五").is_some());
    assert!(harness.get_by_label("导入（全部成功才写入）").accesskit_node().is_disabled());
    write("党员1（出差）");
    click(&mut harness, "重新检查");
    assert_eq!(notice(&harness), "检查完毕：没有问题，可以导入");
    let before = harness.state().workspace().unwrap().data.meetings.len();
    click(&mut harness, "导入（全部成功才写入）");
    assert_eq!(notice(&harness), "已导入三会一课登记表");
    assert_eq!(harness.state().workspace().unwrap().data.meetings.len(), before + 2, "two draft meetings");
    assert!(harness.get_by_label("导入（全部成功才写入）").accesskit_node().is_disabled(), "imported once");
    click(&mut harness, "关闭");

    // 志愿服务: an export whose hours column the importer does not know, mapped in the panel.
    click(&mut harness, "志愿服务");
    let hours = dir.join("志愿服务时长.csv");
    std::fs::write(
        &hours,
        format!(
            "志愿者姓名,活动名称,服务日期,服务小时\n党员0,社区环境整治,{year}-03-05,2\n党员2,社区环境整治,{year}-03-05,1.5\n"
        ),
    )
    .unwrap();
    harness.state_mut().commands.push(Command::ImportSheet(Sheet::Volunteer, hours, branch, Vec::new(), true));
    settle(&mut harness);
    assert!(notice(&harness).starts_with("检查未通过："), "{}", notice(&harness));
    assert!(harness.get_by_label("导入（全部成功才写入）").accesskit_node().is_disabled());
    // The panel is open all the same: the unknown header is mapped there and the file checked again.
    type_into(&mut harness, "表头对应", "服务小时=时长");
    click(&mut harness, "重新检查");
    assert_eq!(notice(&harness), "检查完毕：没有问题，可以导入");
    click(&mut harness, "导入（全部成功才写入）");
    assert_eq!(notice(&harness), "已导入志愿服务时长记录");
    let volunteer = &harness.state().workspace().unwrap().data.volunteer;
    assert_eq!(volunteer.len(), 1);
    let served: f64 = volunteer[0].record.participants.iter().map(|p| p.hours).sum();
    assert!((served - 3.5).abs() < 1e-9, "each member's own hours: {served}");
}
