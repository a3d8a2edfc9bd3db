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
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY rowid")).unwrap();
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
    let kept = backup::restore(&db, &copy).unwrap().unwrap();
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
    let err = backup::restore(&db, &foreign).map(|_| ()).unwrap_err();
    assert!(err.to_string().starts_with("不是支部工作台的数据库"), "{err}");
    let garbage = fx.dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![7u8; 8192]).unwrap();
    assert!(backup::restore(&db, &garbage).is_err());
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
    for d in 1..=9 {
        let written = backup::automatic(&fx.store, &dir, day(2026, 3, d), 7).unwrap();
        assert!(written.is_some());
        assert!(backup::automatic(&fx.store, &dir, day(2026, 3, d), 7).unwrap().is_none(), "once a day");
    }
    let kept = backup::automatic_backups(&dir);
    assert_eq!(kept.len(), 7);
    assert!(kept[0].ends_with("zhibu-2026-03-09.db") && kept[6].ends_with("zhibu-2026-03-03.db"));
    std::fs::write(&kept[0], b"broken").unwrap();
    assert_eq!(backup::newest_good(&dir).unwrap(), kept[1], "a broken backup is skipped");
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
