//! Nothing lost: backup and restore round trips, damaged files left alone, a second instance
//! refused, automatic backups rotated, and writers killed with SIGKILL at random moments
//! losing no committed record.

use std::io::Read as _;
use std::path::Path;
use tests::{Fixture, day, meeting};
use zhibu_core::domain::MeetingKind;
use zhibu_core::services::backup;
use zhibu_core::services::demo::{DemoOptions, generate};
use zhibu_core::store::{InstanceLock, Store, StoreError};

/// Every row of every table, in a stable order: what "the same database" means to a user.
fn dump(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables = tests::table_names(&conn);
    let mut rows = Vec::new();
    for table in tables {
        // A table WITHOUT ROWID is read in its key's order.
        let without_rowid: bool =
            conn.query_row("SELECT wr FROM pragma_table_list WHERE name = ?1", [&table], |r| r.get(0)).unwrap();
        let order = if without_rowid { "" } else { " ORDER BY rowid" };
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}{order}")).unwrap();
        let columns = stmt.column_count();
        let mut cursor = stmt.query([]).unwrap();
        while let Some(row) = cursor.next().unwrap() {
            let values: Vec<String> = (0..columns)
                .map(|i| {
                    format!("{:?}", row.get_ref(i).unwrap().data_type()) + &format!("{:?}", row.get_ref(i).unwrap())
                })
                .collect();
            rows.push(format!("{table}: {}", values.join(" | ")));
        }
    }
    rows
}

#[test]
fn backup_and_restore_round_trip_the_demo_database_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("支部 数据.db");
    let mut store = Store::open(&db, "测试").unwrap();
    generate(&mut store, &DemoOptions { branches: 3, ..DemoOptions::default() }).unwrap();
    let before = dump(&db);
    assert!(before.iter().any(|r| r.starts_with("audit_log:")), "the audit log is part of the copy");
    let copy = dir.path().join("备份.db");
    store.backup_to(&copy).unwrap();
    drop(store);
    assert_eq!(dump(&copy), before, "the backup holds the same rows and audit log");

    // Damage the live file, then restore: the damaged file is kept, the restored one is identical.
    std::fs::write(&db, b"not a database any more").unwrap();
    let _ = std::fs::remove_file(dir.path().join("支部 数据.db-wal"));
    let err = Store::open(&db, "测试").map(|_| ()).unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), b"not a database any more", "a damaged file is never overwritten");
    let kept = backup::restore(&db, &copy, None).unwrap().kept.unwrap();
    assert_eq!(std::fs::read(&kept).unwrap(), b"not a database any more", "the replaced file is kept");
    assert_eq!(dump(&db), before);
    assert!(Store::open(&db, "测试").is_ok());
}

#[test]
fn a_backup_that_is_not_sound_is_refused_before_anything_is_replaced() {
    let mut fx = Fixture::new().unwrap();
    fx.add_members(3).unwrap();
    let db = fx.dir.path().join("test.db");
    drop(fx.store);
    let before = dump(&db);
    let foreign = fx.dir.path().join("other.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    let err = backup::restore(&db, &foreign, None).map(|_| ()).unwrap_err();
    assert!(err.to_string().starts_with("不是支部工作台的数据库"), "{err}");
    let garbage = fx.dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![7u8; 8192]).unwrap();
    assert!(backup::restore(&db, &garbage, None).is_err());
    assert_eq!(dump(&db), before, "nothing replaced");
}

#[test]
fn a_second_instance_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let first = InstanceLock::acquire(&db).unwrap();
    let err = InstanceLock::acquire(&db).unwrap_err();
    assert_eq!(err.to_string(), format!("数据库正被另一个支部工作台窗口或命令使用，请先关闭它再试：{}", db.display()));
    drop(first);
    assert!(InstanceLock::acquire(&db).is_ok(), "free again once the first instance closes");
}

#[test]
fn automatic_backups_run_once_a_day_and_keep_the_newest() {
    let fx = Fixture::new().unwrap();
    let dir = fx.dir.path().join("backups");
    let db = fx.store.path().to_owned();
    for d in 1..=9 {
        let written = backup::automatic(&fx.store, &dir, day(2026, 3, d), 7).unwrap();
        assert!(written.is_some());
        assert!(backup::automatic(&fx.store, &dir, day(2026, 3, d), 7).unwrap().is_none(), "once a day");
    }
    let kept = backup::automatic_backups(&dir, &db);
    assert_eq!(kept.len(), 7);
    let key = backup::backup_key(&db);
    assert!(key.starts_with("test-"), "named after the database: {key}");
    assert!(kept[0].ends_with(format!("{key}-2026-03-09.db")) && kept[6].ends_with(format!("{key}-2026-03-03.db")));
    std::fs::write(&kept[0], b"broken").unwrap();
    assert_eq!(backup::newest_good(&dir, &db).unwrap(), kept[1], "a broken backup is skipped");
}

/// Two databases on one PC, backed up into one folder on the same day: each gets its own backup
/// (the second was once skipped because `zhibu-DATE.db` existed), each lists only its own, and a
/// backup made before backups were keyed is still offered for restore and never rotated away.
#[test]
fn two_databases_on_one_pc_each_get_their_own_backup() {
    let a = Fixture::new().unwrap();
    let b_dir = tempfile::tempdir().unwrap();
    // The same file name in another folder: the stem alone would not tell them apart.
    let b = Store::open(&b_dir.path().join("test.db"), "测试员").unwrap();
    let dir = a.dir.path().join("backups");
    std::fs::create_dir_all(&dir).unwrap();
    let legacy = dir.join("zhibu-2026-03-01.db");
    a.store.backup_to(&legacy).unwrap();

    let today = day(2026, 3, 5);
    let from_a = backup::automatic(&a.store, &dir, today, 1).unwrap().expect("a's backup");
    let from_b = backup::automatic(&b, &dir, today, 1).unwrap().expect("b's backup, though a's exists");
    assert_ne!(from_a, from_b);
    assert_eq!(backup::automatic_backups(&dir, a.store.path()), [from_a.clone(), legacy.clone()]);
    assert_eq!(backup::automatic_backups(&dir, b.path()), [from_b.clone(), legacy.clone()]);
    // The rotation (keep 1) removed neither the other database's backup nor the old one.
    backup::automatic(&a.store, &dir, day(2026, 3, 6), 1).unwrap().expect("a's next day");
    assert!(!from_a.exists() && from_b.exists() && legacy.exists());
    // What each copies is its own database: a's has the fixture's organisations, b's none.
    let restored = Store::open_existing(&from_b, "检查").unwrap();
    assert!(restored.organizations().unwrap().is_empty());
    std::fs::write(backup::automatic_backups(&dir, a.store.path())[0].clone(), b"broken").unwrap();
    assert_eq!(backup::newest_good(&dir, a.store.path()).unwrap(), legacy, "the old unkeyed backup is offered");
}

const CHILD: &str = "ZHIBU_CRASH_CHILD_DB";

/// The writer the crash test kills: does nothing unless started by that test.
#[test]
fn crash_child() {
    let Ok(db) = std::env::var(CHILD) else { return };
    let mut store = Store::open(Path::new(&db), "崩溃测试").unwrap();
    let branch = store.organizations().unwrap().into_iter().find(|o| o.record.name.contains("支部")).unwrap().id;
    let members: Vec<_> = store.members(Some(branch)).unwrap().into_iter().map(|m| m.id).collect();
    for i in 0u32.. {
        let record = meeting(branch, MeetingKind::ThemeDay, day(2025, 1 + i % 12, 1 + i % 28), &members, 2);
        let id = store.write(|w| w.create_meeting(&record)).unwrap();
        // Reported only after the commit returned.
        println!("{}", id.0);
    }
}

/// Kills a writing child process with SIGKILL at pseudo-random moments; every id it reported
/// as committed must be there and the database must pass `integrity_check`.
/// `ZHIBU_CRASH_KILLS` sets the count (scripts/crash-test.sh runs 250).
#[test]
fn killed_writers_lose_no_committed_record() {
    let kills: u32 = std::env::var("ZHIBU_CRASH_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(25);
    let mut fx = Fixture::new().unwrap();
    fx.add_members(3).unwrap();
    let db = fx.dir.path().join("test.db");
    drop(fx.store);
    let exe = std::env::current_exe().unwrap();
    let mut seed: u64 = 0x2026_1121;
    let mut reported_total = 0usize;
    let started = std::time::Instant::now();
    for _ in 0..kills {
        let mut child = std::process::Command::new(&exe)
            .args(["safety::crash_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, &db)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        std::thread::sleep(std::time::Duration::from_millis(30 + (seed >> 33) % 120));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        // Only whole lines: a line cut by the kill was never fully reported.
        let complete = out.rfind('\n').map_or("", |end| &out[..end]);
        let ids: Vec<i64> = complete.lines().filter_map(|l| l.trim().parse().ok()).collect();
        reported_total += ids.len();
        let store = Store::open(&db, "检查").unwrap();
        assert!(store.full_check().unwrap().is_empty(), "integrity after a kill");
        for id in ids {
            assert!(store.meeting(zhibu_core::domain::MeetingId(id)).is_ok(), "meeting {id} was reported committed");
        }
    }
    eprintln!(
        "crash test: {kills} kills, {reported_total} committed records checked, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(reported_total > 0, "the writer got to commit between kills");
}

/// A branch with a final meeting carrying a sign-in sheet (binary, 300 KB) and minutes notes.
fn branch_with_attachments(fx: &mut Fixture) -> (Vec<(String, Vec<u8>)>, zhibu_core::domain::MeetingId) {
    use zhibu_core::domain::AttachmentKind;
    let members = fx.add_members(5).unwrap();
    let scan: Vec<u8> = (0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let notes = "会议材料：学习贯彻党的二十届四中全会精神\n".repeat(40).into_bytes();
    let source = fx.dir.path().join("材料");
    std::fs::create_dir_all(&source).unwrap();
    let files = vec![("签到表.png".to_owned(), scan), ("会议材料.txt".to_owned(), notes)];
    let mut record = meeting(fx.branch, MeetingKind::GeneralMeeting, day(2026, 3, 20), &members, 5);
    for ((name, bytes), kind) in files.iter().zip([AttachmentKind::SignInSheet, AttachmentKind::Other]) {
        let path = source.join(name);
        std::fs::write(&path, bytes).unwrap();
        record.attachments.push(fx.store.import_attachment(&path, kind).unwrap());
    }
    let id = fx.store.write(|w| w.create_meeting(&record)).unwrap();
    std::fs::remove_dir_all(&source).unwrap();
    (files, id)
}

#[test]
fn a_backup_brings_back_every_record_and_attachment_after_the_data_folder_is_gone() {
    let mut fx = Fixture::new().unwrap();
    let (files, id) = branch_with_attachments(&mut fx);
    let data = fx.dir.path().to_owned();
    let db = data.join("test.db");
    let carried = tempfile::tempdir().unwrap();
    let copy = carried.path().join("支部备份.db");
    let summary = fx.store.backup_to(&copy).unwrap();
    assert_eq!((summary.attachments, summary.missing.len()), (2, 0), "{summary:?}");
    let before = fx.store.meeting(id).unwrap();
    drop(fx.store);
    let rows = dump(&db);

    // The PC is replaced: the whole data folder is gone.
    std::fs::remove_dir_all(&data).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    let restored = backup::restore(&db, &copy, None).unwrap();
    assert_eq!(restored.attachments.attachments, 2);
    assert!(restored.attachments.missing.is_empty(), "{restored:?}");
    assert_eq!(dump(&db), rows, "every record, the audit log included");
    let store = Store::open(&db, "测试").unwrap();
    let after = store.meeting(id).unwrap();
    assert_eq!(after, before);
    for (attachment, (name, bytes)) in after.attachments.iter().zip(&files) {
        assert_eq!(&attachment.file_name, name);
        assert_eq!(&std::fs::read(store.attachment_file(attachment)).unwrap(), bytes, "{name} byte-exact");
    }
    let text = backup::restore_text(&copy, &restored);
    assert!(text.contains("附件2个"), "{text}");
}

#[test]
fn an_old_database_only_backup_restores_and_names_the_attachments_it_lacks() {
    let mut fx = Fixture::new().unwrap();
    let (_, id) = branch_with_attachments(&mut fx);
    let db = fx.dir.path().join("test.db");
    let old = fx.dir.path().join("旧备份.db");
    fx.store.backup_to(&old).unwrap();
    drop(fx.store);
    // What a backup made before attachments were packed looks like.
    rusqlite::Connection::open(&old).unwrap().execute_batch("DROP TABLE backup_attachments; VACUUM;").unwrap();
    std::fs::remove_dir_all(fx.dir.path().join("attachments")).unwrap();
    let restored = backup::restore(&db, &old, None).unwrap();
    let mut missing = restored.attachments.missing.clone();
    missing.sort();
    assert_eq!(missing, ["会议材料.txt", "签到表.png"]);
    let store = Store::open(&db, "测试").unwrap();
    assert_eq!(store.meeting(id).unwrap().attachments.len(), 2, "the records come back all the same");
    let text = backup::restore_text(&old, &restored);
    assert!(text.contains("备份中没有以下2个附件文件"), "{text}");
}

#[test]
fn a_backup_with_a_damaged_attachment_is_refused_before_anything_is_replaced() {
    let mut fx = Fixture::new().unwrap();
    branch_with_attachments(&mut fx);
    let db = fx.dir.path().join("test.db");
    let copy = fx.dir.path().join("备份.db");
    fx.store.backup_to(&copy).unwrap();
    drop(fx.store);
    rusqlite::Connection::open(&copy)
        .unwrap()
        .execute_batch("UPDATE backup_attachments SET data = zeroblob(length(data)) WHERE rowid = 1")
        .unwrap();
    let before = dump(&db);
    let err = backup::restore(&db, &copy, None).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("内容与校验值不符"), "{err}");
    assert_eq!(dump(&db), before, "nothing replaced");
}

const FOLDER_CHILD: &str = "ZHIBU_FULL_FOLDER_CHILD_DB";

/// Runs `zhibu backup` into the folder `ZHIBU_FULL_FOLDER_CHILD_OUT`, which the parent test
/// mounted full or read-only; does nothing unless started by that test.
#[test]
fn backup_into_a_mounted_folder_child() {
    let Ok(db) = std::env::var(FOLDER_CHILD) else { return };
    let out = std::path::PathBuf::from(std::env::var("ZHIBU_FULL_FOLDER_CHILD_OUT").unwrap());
    let target = out.join("备份.db");
    let cli = <zhibu::cli::Cli as clap::Parser>::try_parse_from([
        "zhibu",
        "backup",
        "--db",
        &db,
        "--operator",
        "测试",
        "--out",
        target.to_str().unwrap(),
    ])
    .unwrap();
    let err = zhibu::cli::run(cli).unwrap_err().to_string();
    println!("MESSAGE {err}");
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
    println!("LEFT {left:?}");
}

/// A backup to a full disk or a read-only folder (a tmpfs mounted in a private namespace with
/// `unshare`) fails with a message naming the target and leaves the database as it was.
#[test]
fn a_backup_to_a_full_or_read_only_folder_fails_and_leaves_the_database_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("zhibu.db");
    let mut store = Store::open(&db, "测试").unwrap();
    generate(&mut store, &DemoOptions { branches: 2, years: 1, ..DemoOptions::default() }).unwrap();
    drop(store);
    let before = dump(&db);
    let audit_before = Store::open(&db, "测试").unwrap().audit_count().unwrap();
    let exe = std::env::current_exe().unwrap();
    for (options, expected) in [("size=64k", "目标磁盘空间不足"), ("ro", "目标文件夹不能写入")] {
        let out = dir.path().join(format!("mnt-{}", options.replace('=', "")));
        std::fs::create_dir_all(&out).unwrap();
        let output = std::process::Command::new("unshare")
            .args(["-rm", "sh", "-c", r#"mount -t tmpfs -o "$1" none "$2" && exec "$3" --exact safety::backup_into_a_mounted_folder_child --nocapture"#, "sh", options])
            .arg(&out)
            .arg(&exe)
            .env(FOLDER_CHILD, &db)
            .env("ZHIBU_FULL_FOLDER_CHILD_OUT", &out)
            .output()
            .expect("unshare (util-linux) runs the child in a private mount namespace");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
        let message = stdout.lines().find_map(|l| l.strip_prefix("MESSAGE ")).unwrap_or_default();
        assert!(message.contains(expected) && message.ends_with("备份.db"), "{options}: {message}");
        assert!(stdout.contains("LEFT []"), "no partial file is left behind: {stdout}");
        assert_eq!(dump(&db), before, "{options}: the database is untouched");
    }
    assert_eq!(Store::open(&db, "测试").unwrap().audit_count().unwrap(), audit_before, "a failed backup is not logged");
}

/// A backup written outside the data folder is encrypted with the user's passphrase (issue 33):
/// refused without one or with one too short, unreadable without it (no ID number, phone or name
/// in its bytes), restored only with the right one, and no plain copy left behind in either
/// folder. Plain backups made before still restore without a passphrase.
#[test]
fn a_backup_leaving_the_data_folder_is_encrypted_with_a_passphrase() {
    let mut fx = Fixture::new().unwrap();
    fx.add_members(3).unwrap();
    let db = fx.store.path().to_owned();
    let member = fx.store.members(None).unwrap()[0].record.clone();
    let stick = tempfile::tempdir().unwrap();
    let target = stick.path().join("备份.db");

    let refused = backup::backup(&fx.store, &target, None).unwrap_err().to_string();
    assert!(refused.starts_with("备份写到数据文件夹以外（U盘、共享盘）时须设口令加密"), "{refused}");
    let short = backup::backup(&fx.store, &target, Some("1234567")).unwrap_err().to_string();
    assert!(short.starts_with("备份口令至少8个字符"), "{short}");
    assert!(!target.exists());
    backup::backup(&fx.store, &target, Some("金山支部2026备份")).unwrap();
    assert!(backup::is_encrypted(&target));
    let bytes = std::fs::read(&target).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for secret in [member.id_number.as_str(), &member.name] {
        assert!(!text.contains(secret), "the backup shows {secret}");
    }
    // Inside the data folder a backup may stay plain (the daily ones do).
    let inside = fx.dir.path().join("同一文件夹.db");
    backup::backup(&fx.store, &inside, None).unwrap();
    assert!(!backup::is_encrypted(&inside));

    // Restoring asks for the passphrase, refuses a wrong one, and takes the right one.
    fx.store
        .write(|w| w.create_organization(&tests::org(None, zhibu_core::domain::OrgKind::Committee, "后加的党委")))
        .unwrap();
    drop(fx.store);
    let asked = backup::restore(&db, &target, None).unwrap_err().to_string();
    assert!(asked.starts_with("这个备份已加密，请输入备份时设的口令（忘记的口令无法找回）"), "{asked}");
    let wrong = backup::restore(&db, &target, Some("不是这个口令")).unwrap_err().to_string();
    assert!(wrong.starts_with("口令不对，无法打开这个加密的备份"), "{wrong}");
    backup::restore(&db, &target, Some("金山支部2026备份")).unwrap();
    let store = Store::open_existing(&db, "检查").unwrap();
    assert!(store.organizations().unwrap().iter().all(|o| o.record.name != "后加的党委"), "the backup's state is back");
    assert_eq!(store.members(None).unwrap().len(), 3);
    let scratch = |dir: &Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count()
    };
    assert_eq!((scratch(fx.dir.path()), scratch(stick.path())), (0, 0), "no plain copy left behind");
    // A plain backup made before restores as it did.
    drop(store);
    backup::restore(&db, &inside, None).unwrap();
}
