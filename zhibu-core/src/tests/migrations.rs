//! Frozen files: each migration runs on an empty database and released ones are unchanged; a file that
//! is not ours (or is newer than this build) is refused without being touched.

use crate::store::{APPLICATION_ID, MIGRATIONS, Store, StoreError, latest_version};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

fn sha256_hex(path: &std::path::Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap()).iter().map(|b| format!("{b:02x}")).collect()
}

fn migrations_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

#[test]
fn each_migration_prefix_applies_to_an_empty_database() {
    for upto in 1..=MIGRATIONS.len() {
        let conn = Connection::open_in_memory().unwrap();
        for &(number, name, sql) in &MIGRATIONS[..upto] {
            conn.execute_batch(sql).unwrap_or_else(|e| panic!("migration {number} ({name}) failed: {e}"));
        }
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
    }
}

#[test]
fn new_database_has_latest_version_our_id_wal_and_only_strict_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let store = Store::open(&path, "测试员").unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!(app_id, APPLICATION_ID);
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let mut stmt = conn.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").unwrap();
    let tables: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    assert!(tables.len() >= 15, "expected the full schema, got {}", tables.len());
    for (name, sql) in tables {
        assert!(sql.trim_end().ends_with("STRICT"), "table {name} is not STRICT");
    }
}

#[test]
fn foreign_keys_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fk.db");
    drop(Store::open(&path, "测试员").unwrap());
    // Through the store's own connection settings: a dangling reference must fail.
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    let result = conn.execute(
        "INSERT INTO organizations(parent_id, kind, category, name) VALUES (999, 'branch', 'community', '悬空支部')",
        [],
    );
    assert!(result.is_err(), "a parent that does not exist must be refused");
}

#[test]
fn released_migrations_are_never_edited() {
    let sums = std::fs::read_to_string(migrations_dir().join("SHA256SUMS")).unwrap();
    let listed: Vec<(&str, &str)> = sums.lines().filter_map(|l| l.split_once("  ")).collect();
    assert_eq!(listed.len(), MIGRATIONS.len(), "every migration needs a line in app/migrations/SHA256SUMS");
    for ((sum, file), &(number, name, _)) in listed.iter().zip(MIGRATIONS) {
        assert_eq!(*file, name, "migration {number} is listed under another name");
        assert_eq!(sha256_hex(&migrations_dir().join(name)), *sum, "released migration {name} was edited");
        assert!(name.starts_with(&format!("{number:04}_")), "migration file {name} must start with its number");
    }
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ('keep me');").unwrap();
    drop(conn);
    let err = Store::open(&path, "测试员").map(|_| ()).unwrap_err();
    assert!(matches!(err, StoreError::ForeignDatabase { .. }), "{err}");
    assert!(err.to_string().starts_with("不是支部工作台的数据库"), "{err}");
    let conn = Connection::open(&path).unwrap();
    let kept: String = conn.query_row("SELECT x FROM notes", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, "keep me");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    drop(Store::open(&path, "测试员").unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", latest_version() + 1).unwrap();
    drop(conn);
    let err = Store::open(&path, "测试员").map(|_| ()).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
}

/// Writes a genuine version-1 file at `v1` holding the records of the latest-version file
/// `latest`: the first migration's schema, every column it has copied over.
fn downgrade_to_version_1(latest: &std::path::Path, v1: &std::path::Path) {
    let conn = Connection::open(v1).unwrap();
    conn.execute_batch(MIGRATIONS[0].2).unwrap();
    conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    conn.execute("ATTACH DATABASE ?1 AS latest", [latest.to_str().unwrap()]).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM main.sqlite_schema WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for table in tables {
        let columns: Vec<String> = conn
            .prepare(&format!("PRAGMA main.table_info({table})"))
            .unwrap()
            .query_map([], |r| r.get(1))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let columns = columns.join(", ");
        // Version 1 rated four kinds of subject: the sheets of later kinds (and their ratings) stay behind.
        let only = match table.as_str() {
            "rating_schemes" => "WHERE subject_kind IN ('branch', 'member', 'volunteer', 'residential_compound')",
            "star_ratings" => "WHERE scheme_id IN (SELECT id FROM main.rating_schemes)",
            "star_rating_scores" => "WHERE rating_id IN (SELECT id FROM main.star_ratings)",
            _ => "",
        };
        conn.execute(&format!("INSERT INTO main.{table}({columns}) SELECT {columns} FROM latest.{table} {only}"), [])
            .unwrap();
    }
    conn.execute("DETACH DATABASE latest", []).unwrap();
}

#[test]
fn a_version_1_database_with_records_is_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let latest = dir.path().join("latest.db");
    let path = dir.path().join("v1.db");
    let mut fx_store = Store::open(&latest, "测试员").unwrap();
    crate::services::demo::generate(
        &mut fx_store,
        &crate::services::demo::DemoOptions { branches: 2, years: 1, ..Default::default() },
    )
    .unwrap();
    let before = fx_store.meetings(&crate::store::MeetingFilter::default()).unwrap();
    let audit_rows = fx_store.audit_count().unwrap();
    drop(fx_store);
    downgrade_to_version_1(&latest, &path);
    // Version 1 let a star rating be saved twice for the same subject.
    let conn = Connection::open(&path).unwrap();
    let ratings: i64 = conn.query_row("SELECT count(*) FROM star_ratings", [], |r| r.get(0)).unwrap();
    conn.execute_batch(
        "INSERT INTO star_ratings(scheme_id, year, subject_name, subject_org_id, subject_member_id, total, stars)
             SELECT scheme_id, year, subject_name, subject_org_id, subject_member_id, total, stars FROM star_ratings
             ORDER BY id LIMIT 1;",
    )
    .unwrap();
    drop(conn);

    let store = Store::open(&path, "测试员").unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    assert_eq!(store.meetings(&crate::store::MeetingFilter::default()).unwrap(), before);
    assert_eq!(store.audit_count().unwrap(), audit_rows, "every audit row is kept by the rebuild");
    assert!(store.full_check().unwrap().is_empty());
    // The attendance summaries (0011) were filled from the records already there.
    super::summaries::assert_kept_matches_recount(&store, 2024..=2025, "an upgrade from version 1");
    let trash = store.trash().unwrap();
    assert_eq!(trash.len(), 1, "the older duplicate rating is kept in the trash: {trash:?}");
    assert_eq!(trash[0].record_kind, "star_rating");
    // Every rated subject became a registered subject of its branch, and the trashed rating names it.
    let subjects = store.subjects().unwrap();
    assert!(!subjects.is_empty() && subjects.iter().all(|s| s.record.org == Some(s.record.branch)), "{subjects:?}");
    let mut store = store;
    let error = store.write(|w| w.restore_deleted(trash[0].id)).unwrap_err().to_string();
    assert!(error.starts_with("该对象本年度星级评定已存在"), "{error}");
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let after: i64 = conn.query_row("SELECT count(*) FROM star_ratings", [], |r| r.get(0)).unwrap();
    assert_eq!(after, ratings);
    let unnamed: i64 =
        conn.query_row("SELECT count(*) FROM star_ratings WHERE subject_id IS NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(unnamed, 0);
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT d.member_id, d.presence FROM meeting_attendance d WHERE d.meeting_id = 1 ORDER BY d.position",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("COVERING INDEX meeting_attendance_by_position"), "{plan}");
}
