//! The committee's PostgreSQL database, against a real server: `ZHIBU_TEST_PG` names a throwaway
//! cluster's admin connection when it is given (`.ci/run` starts one); without it the test binary
//! starts its own from the installed PostgreSQL (`scripts/pg-cluster.sh start --watch`, stopped
//! once the binary exits). No test is skipped: where PostgreSQL is not installed they fail and say
//! how to install it. Each test works in a database of its own.

use postgres::Client;

/// The admin connection string of the test server, the cluster started once per test binary.
pub(crate) fn admin() -> String {
    static CLUSTER: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    match CLUSTER.get_or_init(start_cluster) {
        Ok(url) => url.clone(),
        Err(why) => panic!("{why}"),
    }
}

/// `ZHIBU_TEST_PG`, or a throwaway cluster started here that outlives no test binary.
fn start_cluster() -> Result<String, String> {
    if let Ok(url) = std::env::var("ZHIBU_TEST_PG")
        && !url.trim().is_empty()
    {
        return Ok(url);
    }
    let installed = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.filter_map(Result::ok).any(|d| d.path().join("bin/pg_ctl").exists()))
        .unwrap_or(false);
    if !installed {
        return Err("委员会的测试需要 PostgreSQL，本机没有安装：apt-get install -y postgresql openssl \
                    （scripts/test.sh 会安装测试所需的一切）"
            .to_owned());
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-cluster.sh");
    let output = std::process::Command::new("bash")
        .arg(&script)
        .args(["start", "--watch", &std::process::id().to_string()])
        .output()
        .map_err(|e| format!("无法运行 {}：{e}", script.display()))?;
    let url = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !output.status.success() || url.is_empty() {
        return Err(format!(
            "测试用 PostgreSQL 未能启动（{}）：{}",
            script.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(url)
}

/// A fresh database on the test server; returns its admin connection string and its name.
pub(crate) fn fresh_database(admin: &str) -> (String, String) {
    let mut bytes = [0u8; 6];
    std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes)).unwrap();
    let name = format!("zhibu_test_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let mut client = Client::connect(admin, postgres::NoTls).unwrap();
    client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    (format!("{admin} dbname={name}"), name)
}

/// A demo branch database of one branch and one year at `db`; returns the branch.
fn demo_branch(
    db: &std::path::Path,
    seed: u64,
) -> zhibu_core::domain::Stored<zhibu_core::domain::OrgId, zhibu_core::domain::Organization> {
    let mut store = zhibu_core::store::Store::open(db, "测试").unwrap();
    zhibu_core::services::demo::generate(
        &mut store,
        &zhibu_core::services::demo::DemoOptions { branches: 1, years: 1, seed, ..Default::default() },
    )
    .unwrap();
    only_branch(&store)
}

/// The only branch of `store`.
fn only_branch(
    store: &zhibu_core::store::Store,
) -> zhibu_core::domain::Stored<zhibu_core::domain::OrgId, zhibu_core::domain::Organization> {
    store.organizations().unwrap().into_iter().find(|o| o.record.kind == zhibu_core::domain::OrgKind::Branch).unwrap()
}

/// Registers the branch `branch` (its name; None: the only one) of the PC `db` the way an office
/// does: the PC writes its registration file, the committee registers it and writes the connection
/// file `out` (encrypted to that branch; the server reached over TLS on 127.0.0.1 with the test
/// cluster's certificate), the PC takes it in. Returns the branch's login as a connection string.
fn register(url: &str, db: &std::path::Path, branch: Option<&str>, out: &std::path::Path) -> String {
    let registration = out.with_extension("registration");
    let mut args = vec!["sync", "id", "--db", db.to_str().unwrap(), "--out", registration.to_str().unwrap()];
    args.extend(branch.iter().flat_map(|b| ["--branch", b]));
    super::cli::zhibu(&args);
    add_branch(url, &registration, out);
    super::cli::zhibu(&["sync", "connect", "--db", db.to_str().unwrap(), "--file", out.to_str().unwrap()]);
    let mut store = zhibu_core::store::Store::open_existing(db, "测试").unwrap();
    let org = zhibu_sync::chosen_branch(&store, branch).unwrap();
    let connection = zhibu_sync::connection(&mut store, &org).unwrap();
    as_role(url, &connection.role, &connection.password)
}

/// The committee registers the branch of `registration` on the command line and writes its
/// connection file `out`: the server as branches reach it, TLS on 127.0.0.1 with the test
/// cluster's certificate.
pub(crate) fn add_branch(url: &str, registration: &std::path::Path, out: &std::path::Path) {
    let dir = cluster_dir(url);
    let port = std::fs::read_to_string(dir.join("tls-port")).unwrap().trim().to_owned();
    super::cli::zhibu(&[
        "committee",
        "add-branch",
        "--db-url",
        url,
        "--registration",
        registration.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--server",
        &format!("127.0.0.1:{port}"),
        "--root-cert",
        dir.join("root.crt").to_str().unwrap(),
    ]);
}

/// Every stored record's UUID and counter, in UUID order.
fn snapshot(client: &mut Client) -> Vec<(String, i64)> {
    client
        .query("SELECT uuid, counter FROM zhibu.records ORDER BY uuid", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// `admin` with another role and password (later keys override earlier ones).
fn as_role(url: &str, role: &str, password: &str) -> String {
    format!("{url} user={role} password={password}")
}

/// A record or branch UUID numbered `n` within the test database `db` (roles are the whole
/// server's, so branch UUIDs must differ between runs).
fn uuid(db: &str, n: u8) -> String {
    let tag = db.trim_start_matches("zhibu_test_");
    format!("{n:08x}-{}-4000-8000-{}{n:02x}", &tag[..4], &tag[2..12])
}

#[test]
fn init_creates_the_schema_once_and_again_changes_nothing() {
    let admin = admin();
    let (url, _) = fresh_database(&admin);
    let mut client = zhibu_committee::connect(&url).unwrap();
    assert_eq!(zhibu_committee::schema_version(&mut client).unwrap(), 0);
    let latest = zhibu_committee::MIGRATIONS.len() as i64;
    assert_eq!(zhibu_committee::init(&mut client).unwrap(), latest);
    assert_eq!(zhibu_committee::init(&mut client).unwrap(), latest, "a second init is a no-op");
    let applied: i64 = client.query_one("SELECT count(*) FROM zhibu.schema_migrations", &[]).unwrap().get(0);
    assert_eq!(applied, zhibu_committee::MIGRATIONS.len() as i64);
}

#[test]
fn a_branch_role_writes_and_reads_only_its_own_rows_and_the_committee_reads_all() {
    let admin = admin();
    let (url, db) = fresh_database(&admin);
    let uuid = |n| uuid(&db, n);
    let mut client = zhibu_committee::connect(&url).unwrap();
    zhibu_committee::init(&mut client).unwrap();
    let (a, b) = (uuid(1), uuid(2));
    let login_a = zhibu_committee::add_branch(&mut client, &a, "金山社区党支部", None, None).unwrap();
    let login_b = zhibu_committee::add_branch(&mut client, &b, "严村村党支部", None, None).unwrap();
    let error =
        zhibu_committee::add_branch(&mut client, "a'; DROP TABLE x; --", "坏", None, None).unwrap_err().to_string();
    assert!(error.starts_with("支部标识应为UUID："), "{error}");
    let error = zhibu_committee::add_branch(&mut client, &a, "金山社区党支部", None, None).unwrap_err().to_string();
    assert_eq!(error, format!("该支部已登记：{a}"));
    // A committee login, as the committee's staff would have.
    client
        .batch_execute(&format!("CREATE ROLE reviewer_{db} LOGIN PASSWORD 'review-pass' IN ROLE zhibu_committee"))
        .unwrap();

    let insert = "INSERT INTO zhibu.records(branch_uuid, kind, uuid, counter, body) VALUES ($1, 'member', $2, 1, '{}')";
    let mut branch_a = Client::connect(&as_role(&url, &login_a.role, &login_a.password), postgres::NoTls).unwrap();
    branch_a.execute(insert, &[&a, &uuid(11)]).unwrap();
    // Writing a row in another branch's name is refused by the server, not by this program.
    let refused = zhibu_committee::CommitteeError::from(branch_a.execute(insert, &[&b, &uuid(12)]).unwrap_err());
    assert_eq!(
        refused.to_string(),
        "委员会数据库出错：new row violates row-level security policy for table \"records\"（42501）"
    );
    let mut branch_b = Client::connect(&as_role(&url, &login_b.role, &login_b.password), postgres::NoTls).unwrap();
    branch_b.execute(insert, &[&b, &uuid(21)]).unwrap();

    let seen = |client: &mut Client| -> Vec<String> {
        client.query("SELECT uuid FROM zhibu.records ORDER BY uuid", &[]).unwrap().iter().map(|r| r.get(0)).collect()
    };
    assert_eq!(seen(&mut branch_a), vec![uuid(11)], "A sees nothing of B");
    assert_eq!(seen(&mut branch_b), vec![uuid(21)]);
    // A cannot change B's row or B's acknowledged counter, even by naming them.
    let changed = branch_a.execute("UPDATE zhibu.records SET counter = 99 WHERE uuid = $1", &[&uuid(21)]).unwrap();
    assert_eq!(changed, 0);
    let changed = branch_a.execute("UPDATE zhibu.branches SET last_counter = 99 WHERE uuid = $1", &[&b]).unwrap();
    assert_eq!(changed, 0);
    let branches: i64 = branch_a.query_one("SELECT count(*) FROM zhibu.branches", &[]).unwrap().get(0);
    assert_eq!(branches, 1, "a branch sees only its own registration");
    // A wrong password does not get in.
    let Err(wrong) = zhibu_committee::connect(&as_role(&url, &login_a.role, "wrong-password")) else {
        panic!("a wrong password gets in")
    };
    let wrong = wrong.to_string();
    assert!(wrong.contains("password authentication failed") && !wrong.contains("wrong-password"), "{wrong}");

    let mut committee =
        Client::connect(&as_role(&url, &format!("reviewer_{db}"), "review-pass"), postgres::NoTls).unwrap();
    assert_eq!(seen(&mut committee), vec![uuid(11), uuid(21)], "the committee reads every branch");
    let refused = zhibu_committee::CommitteeError::from(committee.execute(insert, &[&a, &uuid(13)]).unwrap_err());
    assert!(refused.to_string().contains("permission denied"), "the committee writes no branch row: {refused}");
}

#[test]
fn the_committee_sets_up_its_database_and_registers_a_branch_from_the_command_line() {
    let admin = admin();
    let (url, _) = fresh_database(&admin);
    let dir = tempfile::tempdir().unwrap();
    // A branch's PC writes its registration file: nothing secret, nothing typed by hand.
    let db = dir.path().join("branch.db");
    let branch = demo_branch(&db, zhibu_core::services::demo::DemoOptions::default().seed);
    let store = zhibu_core::store::Store::open_existing(&db, "测试").unwrap();
    let branch_uuid = store.branch_key(Some(branch.id)).unwrap();
    drop(store);
    let registration = dir.path().join("金山社区党支部.registration");
    super::cli::zhibu(&["sync", "id", "--db", db.to_str().unwrap(), "--out", registration.to_str().unwrap()]);
    let read = zhibu_committee::connection::Registration::read(&std::fs::read(&registration).unwrap()).unwrap();
    assert_eq!((read.branch.as_str(), read.name.as_str()), (branch_uuid.as_str(), branch.record.name.as_str()));

    super::cli::zhibu(&["committee", "init", "--db-url", &url]);
    super::cli::zhibu(&["committee", "init", "--db-url", &url]);
    let login = dir.path().join("金山社区党支部.zhibu-connection");
    let cluster = cluster_dir(&url);
    let port = std::fs::read_to_string(cluster.join("tls-port")).unwrap().trim().to_owned();
    let server = format!("127.0.0.1:{port}");
    let root = cluster.join("root.crt");
    let args = |out: &std::path::Path| {
        [
            "committee",
            "add-branch",
            "--db-url",
            &url,
            "--registration",
            registration.to_str().unwrap(),
            "--server",
            &server,
            "--root-cert",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<String>>()
    };
    super::cli::zhibu(&args(&login).iter().map(String::as_str).collect::<Vec<_>>());
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&login).unwrap().permissions()) & 0o777,
        0o600
    );
    // A connection file without a local socket's address names the server as branches reach it.
    let error = super::cli::zhibu_fails(&[
        "committee",
        "add-branch",
        "--db-url",
        &url,
        "--registration",
        registration.to_str().unwrap(),
        "--out",
        dir.path().join("x").to_str().unwrap(),
    ]);
    assert!(error.starts_with("连接串用的是本机套接字，请写明支部电脑连接本服务器的地址"), "{error}");

    // Only the branch's PC opens it; the password is in it for that PC alone.
    let bytes = std::fs::read(&login).unwrap();
    let stranger = zhibu_committee::crypt::new_identity();
    let refused = zhibu_committee::connection::Connection::open(&bytes, &stranger).unwrap_err().to_string();
    assert!(refused.starts_with("文件不是加密给本机的"), "{refused}");
    super::cli::zhibu(&["sync", "connect", "--db", db.to_str().unwrap(), "--file", login.to_str().unwrap()]);
    let mut store = zhibu_core::store::Store::open_existing(&db, "测试").unwrap();
    let connection = zhibu_sync::connection(&mut store, &branch).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains(&connection.password), "the file is encrypted");
    // The login works over TLS, as that branch, with the certificate the file carries.
    let mut client = connection.connect().unwrap();
    let mine: String = client.query_one("SELECT uuid FROM zhibu.branches", &[]).unwrap().get(0);
    assert_eq!(mine, branch_uuid);
    // The same file is never overwritten, and a second registration is refused.
    let error = super::cli::zhibu_fails(&args(&login).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(error.starts_with("无法创建账号文件（已存在的不覆盖）"), "{error}");
    let other = dir.path().join("again.zhibu-connection");
    let error = super::cli::zhibu_fails(&args(&other).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(error, format!("该支部已登记：{branch_uuid}"));
    assert!(!other.exists(), "nothing written for a refused registration");
}

/// A branch PC with its demo year, registered with the committee: (database file, login URL, name).
fn branch_pc(dir: &std::path::Path, url: &str, seed: u64) -> (std::path::PathBuf, String, String) {
    let db = dir.join(format!("branch-{seed}.db"));
    let branch = demo_branch(&db, seed);
    let key = zhibu_core::store::Store::open_existing(&db, "测试").unwrap().branch_key(Some(branch.id)).unwrap();
    let login = register(url, &db, None, &dir.join(format!("branch-{seed}.zhibu-connection")));
    (db, login, key)
}

#[test]
fn branches_push_their_changes_and_pushing_again_changes_nothing() {
    let admin = admin();
    let (url, _) = fresh_database(&admin);
    zhibu_committee::init(&mut zhibu_committee::connect(&url).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pcs: Vec<_> = [7, 8].into_iter().map(|seed| branch_pc(dir.path(), &url, seed)).collect();
    let mut admin_client = zhibu_committee::connect(&url).unwrap();
    let stored = |client: &mut Client, branch: &str| -> i64 {
        client.query_one("SELECT count(*) FROM zhibu.records WHERE branch_uuid = $1", &[&branch]).unwrap().get(0)
    };
    for (db, login, key) in &pcs {
        super::cli::zhibu(&["sync", "push", "--db", db.to_str().unwrap(), "--to", login]);
        let store = zhibu_core::store::Store::open_existing(db, "测试").unwrap();
        let branch = only_branch(&store);
        let changes = store.changes_since(Some(branch.id), 0).unwrap();
        assert_eq!(stored(&mut admin_client, key), changes.len() as i64, "every record of the branch arrived");
        let acknowledged: i64 =
            admin_client.query_one("SELECT last_counter FROM zhibu.branches WHERE uuid = $1", &[key]).unwrap().get(0);
        assert_eq!(acknowledged as u64, store.change_counter(Some(branch.id)).unwrap());
    }
    // Pushing again sends nothing and changes nothing.
    let (db, login, key) = &pcs[0];
    let before = snapshot(&mut admin_client);
    super::cli::zhibu(&["sync", "push", "--db", db.to_str().unwrap(), "--to", login]);
    assert_eq!(snapshot(&mut admin_client), before);
    // A correction on the PC arrives as the newer version of the same record.
    let rows_before = stored(&mut admin_client, key);
    let mut store = zhibu_core::store::Store::open_existing(db, "测试").unwrap();
    let member = store.members(None).unwrap()[0].clone();
    let uuid = store.record_uuid("member", member.id.0).unwrap();
    let mut edited = member.record.clone();
    edited.ethnicity = "壮族".into();
    store.write(|w| w.update_member(member.id, &edited)).unwrap();
    drop(store);
    super::cli::zhibu(&["sync", "push", "--db", db.to_str().unwrap(), "--to", login]);
    let body: String =
        admin_client.query_one("SELECT body FROM zhibu.records WHERE uuid = $1", &[&uuid]).unwrap().get(0);
    assert!(body.contains("壮族"), "{body}");
    assert_eq!(stored(&mut admin_client, key), rows_before, "replaced, not added");
    // A set that does not start where the committee left off is refused, naming both counters.
    let mut branch_client = Client::connect(login, postgres::NoTls).unwrap();
    let (_, acknowledged) = zhibu_committee::whoami(&mut branch_client).unwrap();
    let empty = |after: i64, upto: i64| zhibu_committee::ChangeSet {
        installation: String::new(),
        branch: key.to_owned(),
        branch_name: String::new(),
        after,
        upto,
        rows: Vec::new(),
        attachments: Vec::new(),
    };
    let stale = zhibu_committee::push(&mut branch_client, key, &empty(acknowledged - 5, acknowledged + 1)).unwrap_err();
    assert_eq!(
        stale.to_string(),
        format!("报送与上级记录的进度不符：上级已确认到第{acknowledged}号变更，本次从第{}号之后开始", acknowledged - 5)
    );
    // The other branch's login cannot push in this branch's name.
    let other = zhibu_committee::push(
        &mut Client::connect(&pcs[1].1, postgres::NoTls).unwrap(),
        key,
        &empty(acknowledged, acknowledged + 1),
    );
    assert!(other.unwrap_err().to_string().contains("委员会数据库中没有这个支部"));
}

const PUSH_CHILD_DB: &str = "ZHIBU_PUSH_CHILD_DB";
const PUSH_CHILD_URL: &str = "ZHIBU_PUSH_CHILD_URL";

/// The push the kill test kills: does nothing unless started by that test.
#[test]
fn push_child() {
    let (Ok(db), Ok(url)) = (std::env::var(PUSH_CHILD_DB), std::env::var(PUSH_CHILD_URL)) else { return };
    super::cli::zhibu(&["sync", "push", "--db", &db, "--to", &url]);
}

/// A push killed (SIGKILL) after its rows were copied into the staging table, before they were
/// merged, leaves the committee's database as it was; the next push completes.
#[test]
fn a_killed_push_leaves_the_committee_unchanged_and_the_next_one_completes() {
    let admin = admin();
    let (url, _) = fresh_database(&admin);
    zhibu_committee::init(&mut zhibu_committee::connect(&url).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (db, login, key) = branch_pc(dir.path(), &url, 9);
    let role = login.rsplit("user=").next().unwrap().split(' ').next().unwrap().to_owned();
    // Hold the records table: the push copies its rows into staging, then waits at the merge.
    let mut holder = Client::connect(&url, postgres::NoTls).unwrap();
    let mut hold = holder.transaction().unwrap();
    hold.batch_execute("LOCK TABLE zhibu.records IN ACCESS EXCLUSIVE MODE").unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["committee::push_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(PUSH_CHILD_DB, &db)
        .env(PUSH_CHILD_URL, &login)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut watcher = Client::connect(&url, postgres::NoTls).unwrap();
    let started = std::time::Instant::now();
    loop {
        let waiting: i64 = watcher
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'",
                &[&role],
            )
            .unwrap()
            .get(0);
        if waiting > 0 {
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "the push never reached the merge");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    hold.rollback().unwrap();
    let count = |client: &mut Client| -> (i64, i64) {
        let rows: i64 = client.query_one("SELECT count(*) FROM zhibu.records", &[]).unwrap().get(0);
        let acknowledged: i64 =
            client.query_one("SELECT last_counter FROM zhibu.branches WHERE uuid = $1", &[&key]).unwrap().get(0);
        (rows, acknowledged)
    };
    // The server notices the dead connection and rolls its transaction back.
    let started = std::time::Instant::now();
    while watcher
        .query_one("SELECT count(*) FROM pg_stat_activity WHERE usename = $1", &[&role])
        .unwrap()
        .get::<_, i64>(0)
        > 0
    {
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(count(&mut watcher), (0, 0), "nothing of the killed push remains");
    super::cli::zhibu(&["sync", "push", "--db", db.to_str().unwrap(), "--to", &login]);
    let (rows, acknowledged) = count(&mut watcher);
    assert!(rows > 100 && acknowledged > 0, "{rows} rows, acknowledged {acknowledged}");
}

/// The only branch of `db`: its UUID and public key, as `zhibu sync id` shows them.
fn branch_identity(db: &std::path::Path) -> (String, String) {
    super::cli::zhibu(&["sync", "id", "--db", db.to_str().unwrap()]);
    let mut store = zhibu_core::store::Store::open_existing(db, "测试").unwrap();
    let branch = only_branch(&store);
    // A fresh key offered now is not taken: the key `sync id` made stays the branch's.
    let secret = store.write(|w| w.signing_secret(branch.id, [7; 32])).unwrap();
    assert_ne!(secret, [7; 32]);
    (store.branch_key(Some(branch.id)).unwrap(), zhibu_committee::package::public_key_hex(&secret))
}

/// Exports `db`'s changes since its last report to `out`.
fn export(db: &std::path::Path, out: &std::path::Path, full: bool) {
    let mut args = vec!["sync", "export", "--db", db.to_str().unwrap(), "--out", out.to_str().unwrap()];
    if full {
        args.push("--full");
    }
    super::cli::zhibu(&args)
}

/// Renames the first member of `db` (a change to report).
fn rename_first_member(db: &std::path::Path, name: &str) {
    let mut store = zhibu_core::store::Store::open_existing(db, "测试").unwrap();
    let member = store.members(None).unwrap()[0].clone();
    let mut edited = member.record.clone();
    edited.name = name.into();
    store.write(|w| w.update_member(member.id, &edited)).unwrap();
}

/// Attaches a new file named `name` holding `content` to meeting number `nth` of `db` (amending a
/// final meeting, as a secretary adding a sign-in sheet afterwards would).
fn attach(db: &std::path::Path, dir: &std::path::Path, nth: usize, name: &str, content: &[u8]) {
    use zhibu_core::domain::{AttachmentKind, MeetingStatus};
    let mut store = zhibu_core::store::Store::open_existing(db, "测试").unwrap();
    let source = dir.join(name);
    std::fs::write(&source, content).unwrap();
    let file = store.import_attachment(&source, AttachmentKind::SignInSheet).unwrap();
    let meeting = store.meetings(&Default::default()).unwrap().remove(nth);
    let mut edited = meeting.record.clone();
    edited.attachments.push(file);
    if meeting.record.status == MeetingStatus::Final {
        store.write(|w| w.amend_meeting(meeting.id, &edited, "补充签到表")).unwrap();
    } else {
        store.write(|w| w.update_meeting(meeting.id, &edited)).unwrap();
    }
}

/// The files of `branch` the committee holds: (name, content), by name.
fn committee_files(client: &mut Client, branch: &str) -> Vec<(String, Vec<u8>)> {
    zhibu_committee::attachments(client, branch)
        .unwrap()
        .into_iter()
        .map(|f| {
            let content = zhibu_committee::attachment_content(client, branch, &f.sha256).unwrap().unwrap();
            (f.file_name, content)
        })
        .collect()
}

/// A meeting's attachments reach the committee with its records: a package carries every file its
/// meetings name, a push sends only those the committee lacks, the committee saves them as the
/// branch attached them, no other branch sees them, and a file whose content was swapped is refused.
#[test]
fn meeting_attachments_reach_the_committee_by_package_and_by_push() {
    let admin = admin();
    let (url, _) = fresh_database(&admin);
    super::cli::zhibu(&["committee", "init", "--db-url", &url]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("branch-31.db");
    let branch = demo_branch(&db, 31);
    let sheet = "签到表（第一次支委会）.jpg";
    let sheet_bytes: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
    attach(&db, dir.path(), 0, sheet, &sheet_bytes);
    attach(&db, dir.path(), 1, "会议材料.pdf", b"%PDF-1.4 minutes");
    let (uuid, _) = branch_identity(&db);
    let mut client = zhibu_committee::connect(&url).unwrap();
    let login = register(&url, &db, None, &dir.path().join("账号.zhibu-connection"));

    // Offline: the package carries both files; the committee saves them as they were.
    let package = dir.path().join("full.zbp");
    export(&db, &package, false);
    super::cli::zhibu(&["committee", "import", "--db-url", &url, package.to_str().unwrap()]);
    let mut files = committee_files(&mut client, &uuid);
    files.sort();
    assert_eq!(
        files,
        vec![("会议材料.pdf".to_owned(), b"%PDF-1.4 minutes".to_vec()), (sheet.to_owned(), sheet_bytes.clone())]
    );
    let saved = dir.path().join("saved");
    super::cli::zhibu(&[
        "committee",
        "attachments",
        "--db-url",
        &url,
        "--branch",
        &uuid,
        "--out",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(saved.join(sheet)).unwrap(), sheet_bytes);

    // Online: a third file is attached; the push carries only it, not the two the committee holds.
    attach(&db, dir.path(), 2, "照片.png", b"\x89PNG photo");
    let store = zhibu_core::store::Store::open_existing(&db, "测试").unwrap();
    let mut branch_client = Client::connect(&login, postgres::NoTls).unwrap();
    let (_, acknowledged) = zhibu_committee::whoami(&mut branch_client).unwrap();
    let outgoing = zhibu_sync::outgoing::change_set_with(&store, branch.id, acknowledged as u64, |shas| {
        Ok(zhibu_committee::held_attachments(&mut branch_client, &uuid, shas)?)
    })
    .unwrap();
    let sent: Vec<&str> = outgoing.set.attachments.iter().map(|a| a.file_name.as_str()).collect();
    assert_eq!(sent, ["照片.png"]);
    drop(store);
    super::cli::zhibu(&["sync", "push", "--db", db.to_str().unwrap(), "--to", &login]);
    let mut names: Vec<String> = committee_files(&mut client, &uuid).into_iter().map(|f| f.0).collect();
    names.sort();
    let mut expected = ["会议材料.pdf", sheet, "照片.png"];
    expected.sort();
    assert_eq!(names, expected);

    // Another branch's login sees none of them.
    let (_, other_login, _) = branch_pc(dir.path(), &url, 32);
    let mut other = Client::connect(&other_login, postgres::NoTls).unwrap();
    let seen: i64 = other.query_one("SELECT count(*) FROM zhibu.attachments", &[]).unwrap().get(0);
    assert_eq!(seen, 0);

    // A set whose file content does not match the hash its meeting names is refused whole, even
    // when signed with the branch's own key.
    attach(&db, dir.path(), 3, "决议.docx", b"resolution");
    let mut store = zhibu_core::store::Store::open_existing(&db, "测试").unwrap();
    let mut outgoing =
        zhibu_sync::outgoing::change_set(&store, branch.id, store.reported_upto(branch.id).unwrap()).unwrap();
    outgoing.set.attachments[0].content = b"swapped".to_vec();
    let secret = store.write(|w| w.signing_secret(branch.id, [0; 32])).unwrap();
    let committee = zhibu_committee::package::committee_encryption_key(&mut client).unwrap();
    let bytes = zhibu_committee::package::seal(&secret, &outgoing.set, &committee).unwrap();
    let before = snapshot(&mut client);
    let refused = zhibu_committee::package::import(&mut client, &bytes).unwrap_err();
    assert_eq!(refused.to_string(), "附件内容与其校验值不符：决议.docx");
    assert_eq!(snapshot(&mut client), before);
    assert_eq!(committee_files(&mut client, &uuid).len(), 3);
}

#[test]
fn signed_packages_import_once_in_order_and_tampered_replayed_or_foreign_ones_are_refused() {
    let admin = admin();
    let (url, _) = fresh_database(&admin);
    super::cli::zhibu(&["committee", "init", "--db-url", &url]);
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    // Two branch PCs, registered with their public keys; a third one never registered.
    let mut pcs = Vec::new();
    for seed in [11, 12, 13] {
        let db = path(&format!("branch-{seed}.db"));
        let branch = demo_branch(&db, seed);
        let (uuid, key) = branch_identity(&db);
        if seed != 13 {
            register(&url, &db, None, &path(&format!("login-{seed}.zhibu-connection")));
        }
        let _ = branch;
        pcs.push((db, uuid, key));
    }
    // The key is made once: asking again shows the same one.
    assert_eq!(branch_identity(&pcs[0].0).1, pcs[0].2);
    let mut client = zhibu_committee::connect(&url).unwrap();
    // The command line, for files given together; the library, for each refusal's own message.
    let import_all = |files: &[&str]| {
        let mut args = vec!["committee", "import", "--db-url", url.as_str()];
        let files: Vec<String> = files.iter().map(|f| path(f).to_str().unwrap().to_owned()).collect();
        args.extend(files.iter().map(String::as_str));
        super::cli::zhibu(&args);
    };
    let import = |client: &mut Client, file: &str| -> Result<zhibu_committee::Imported, String> {
        zhibu_committee::package::import(client, &std::fs::read(path(file)).unwrap()).map_err(|e| e.to_string())
    };

    // Both registered branches report by package; every record arrives.
    for (n, (db, uuid, _)) in pcs[..2].iter().enumerate() {
        let file = format!("first-{n}.zbp");
        export(db, &path(&file), false);
        import_all(&[&file]);
        let store = zhibu_core::store::Store::open_existing(db, "测试").unwrap();
        let branch = only_branch(&store);
        let stored: i64 =
            client.query_one("SELECT count(*) FROM zhibu.records WHERE branch_uuid = $1", &[uuid]).unwrap().get(0);
        assert_eq!(stored as usize, store.changes_since(Some(branch.id), 0).unwrap().len());
    }
    // Importing the same file again is refused as a replay and changes nothing.
    let before = snapshot(&mut client);
    let error = import(&mut client, "first-0.zbp").unwrap_err();
    assert!(error.starts_with("报送包已导入过：包内变更到第"), "{error}");
    let error =
        super::cli::zhibu_fails(&["committee", "import", "--db-url", &url, path("first-0.zbp").to_str().unwrap()]);
    assert_eq!(error, "1 个报送包未导入（原因见上）");
    assert_eq!(snapshot(&mut client), before);

    // Two later packages from branch 0: the second alone leaves a gap and is refused, asking for
    // a full export; given together in any order, they go in in order.
    let (db, uuid, _) = &pcs[0];
    rename_first_member(db, "王改一");
    export(db, &path("second.zbp"), false);
    rename_first_member(db, "王改二");
    export(db, &path("third.zbp"), false);
    let error = import(&mut client, "third.zbp").unwrap_err();
    assert!(error.contains("缺少变更") && error.ends_with("zhibu sync export --full）"), "{error}");
    assert_eq!(snapshot(&mut client), before);
    import_all(&["third.zbp", "second.zbp"]);
    let names: Vec<String> = client
        .query("SELECT body FROM zhibu.records WHERE branch_uuid = $1 AND kind = 'member'", &[uuid])
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .filter(|b| b.contains("王改"))
        .collect();
    assert_eq!(names.len(), 1);
    assert!(names[0].contains("王改二"), "the newest version stands: {}", names[0]);

    // A lost package: the committee asks for a full export, which goes in.
    rename_first_member(db, "王改三");
    export(db, &path("lost.zbp"), false);
    rename_first_member(db, "王改四");
    export(db, &path("after-lost.zbp"), false);
    assert!(import(&mut client, "after-lost.zbp").unwrap_err().contains("缺少变更"));
    export(db, &path("full.zbp"), true);
    import_all(&["full.zbp"]);
    let newest: i64 = client
        .query_one("SELECT count(*) FROM zhibu.records WHERE branch_uuid = $1 AND body LIKE '%王改四%'", &[uuid])
        .unwrap()
        .get(0);
    assert_eq!(newest, 1);

    // Tampering: a changed payload, and a changed label outside the signature.
    rename_first_member(db, "王改五");
    export(db, &path("genuine.zbp"), false);
    let genuine = std::fs::read_to_string(path("genuine.zbp")).unwrap();
    let mut envelope: serde_json::Value = serde_json::from_str(&genuine).unwrap();
    let payload = envelope["payload"].as_str().unwrap().to_owned();
    let flipped = if payload.as_bytes()[40] == b'A' { 'B' } else { 'A' };
    envelope["payload"] = format!("{}{flipped}{}", &payload[..40], &payload[41..]).into();
    std::fs::write(path("tampered.zbp"), envelope.to_string()).unwrap();
    let error = import(&mut client, "tampered.zbp").unwrap_err();
    assert!(error.starts_with("报送包被改动过，拒绝导入："), "{error}");
    let mut relabelled: serde_json::Value = serde_json::from_str(&genuine).unwrap();
    relabelled["after"] = 0.into();
    std::fs::write(path("relabelled.zbp"), relabelled.to_string()).unwrap();
    assert!(import(&mut client, "relabelled.zbp").unwrap_err().contains("包外标注的支部或变更号与包内不同"));
    // A file that is not a package at all.
    std::fs::write(path("notes.zbp"), "会议记录").unwrap();
    assert!(import(&mut client, "notes.zbp").unwrap_err().starts_with("不是可读的支部报送包"));
    // Foreign: an unregistered branch (a PC that knows the committee's key), and a registered
    // branch's name under another key.
    let committee = zhibu_committee::package::committee_encryption_key(&mut client).unwrap();
    zhibu_core::store::Store::open_existing(&pcs[2].0, "测试")
        .unwrap()
        .write(|w| w.set_setting(zhibu_sync::COMMITTEE_ENCRYPTION_KEY, &committee))
        .unwrap();
    export(&pcs[2].0, &path("stranger.zbp"), false);
    let error = import(&mut client, "stranger.zbp").unwrap_err();
    assert_eq!(error, format!("报送包来自未在本委员会登记的支部：{}", pcs[2].1));
    let mut forged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("stranger.zbp")).unwrap()).unwrap();
    forged["branch"] = uuid.clone().into();
    std::fs::write(path("forged.zbp"), forged.to_string()).unwrap();
    assert!(import(&mut client, "forged.zbp").unwrap_err().starts_with("报送包的签名密钥不是该支部登记的密钥"));
    assert_eq!(
        client
            .query_one("SELECT count(*) FROM zhibu.records WHERE body LIKE '%王改五%'", &[])
            .unwrap()
            .get::<_, i64>(0),
        0,
        "nothing of a refused package was stored"
    );
    // The genuine one still goes in; a key can be replaced only on purpose.
    import_all(&["genuine.zbp"]);
    // Branch 1's registration file with branch 0's name: another key for branch 0, refused.
    let mut other: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path("login-12.registration")).unwrap()).unwrap();
    other["branch"] = uuid.clone().into();
    std::fs::write(path("other.registration"), other.to_string()).unwrap();
    let set_key = |file: &str| {
        super::cli::zhibu_fails(&[
            "committee",
            "set-key",
            "--db-url",
            &url,
            "--registration",
            path(file).to_str().unwrap(),
        ])
    };
    let error = set_key("other.registration");
    assert!(error.starts_with("该支部已登记了另一个公钥"), "{error}");
    other["signing_key"] = "abc".into();
    std::fs::write(path("bad.registration"), other.to_string()).unwrap();
    let error = set_key("bad.registration");
    assert!(error.starts_with("公钥应为64位十六进制数字") && error.ends_with("abc"), "{error}");
}

/// A branch's compliance as JSON with every id named by its UUID (the branch's by `branch`, the
/// findings' by `records`) and the findings in a fixed order, so the branch's own result and the
/// committee's can be compared whole.
fn comparable(
    compliance: &zhibu_core::rules::BranchCompliance,
    branch: &str,
    records: &[zhibu::rollup::FindingRecords],
) -> serde_json::Value {
    let mut value = serde_json::to_value(compliance).unwrap();
    value["branch"] = branch.into();
    let mut findings: Vec<serde_json::Value> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .zip(records)
        .map(|(finding, named)| {
            let mut finding = finding.clone();
            finding["member"] = named.member.clone().into();
            finding["meeting"] = named.meeting.clone().into();
            finding
        })
        .collect();
    findings.sort_by_key(|f| f.to_string());
    value["findings"] = findings.into();
    value
}

#[test]
fn the_committees_compliance_equals_each_branchs_own() {
    let admin = admin();
    let (url, name) = fresh_database(&admin);
    zhibu_committee::init(&mut zhibu_committee::connect(&url).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let rules = zhibu_core::rules::RuleSet::default();
    // The demo's year (2025), counted to its end and to a day within it.
    let year = zhibu_core::services::demo::DemoOptions::default().last_year;
    let mut pcs = Vec::new();
    for seed in [21, 22, 23] {
        let (db, login, key) = branch_pc(dir.path(), &url, seed);
        pcs.push((db, login, key));
    }
    // One branch deletes a draft meeting after reporting: the tombstone must take it (and its
    // "not finalised" finding) out of the committee's view too.
    let (db, login, _) = &pcs[0];
    super::cli::zhibu(&["sync", "push", "--db", db.to_str().unwrap(), "--to", login]);
    {
        let mut store = zhibu_core::store::Store::open_existing(db, "测试").unwrap();
        let filter = zhibu_core::store::MeetingFilter::default();
        let meetings = store.meetings(&filter).unwrap();
        let draft = meetings.iter().find(|m| m.record.status == zhibu_core::domain::MeetingStatus::Draft).unwrap().id;
        store.write(|w| w.delete_meeting(draft)).unwrap();
    }
    // A registered branch that never reports is listed as such.
    let silent = uuid(&name, 99);
    zhibu_committee::add_branch(&mut zhibu_committee::connect(&url).unwrap(), &silent, "未报送党支部", None, None)
        .unwrap();
    for (db, login, _) in &pcs {
        super::cli::zhibu(&["sync", "push", "--db", db.to_str().unwrap(), "--to", login]);
    }
    let mut client = zhibu_committee::connect(&url).unwrap();
    let mut compared = 0;
    for as_of in
        [chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap(), chrono::NaiveDate::from_ymd_opt(year, 8, 15).unwrap()]
    {
        let rollup = zhibu::rollup::compliance(&mut client, &rules, year, as_of).unwrap();
        assert_eq!(rollup.len(), 4);
        let never = rollup.iter().find(|r| r.uuid == silent).unwrap();
        assert!(never.compliance.is_none() && never.acknowledged == 0);
        for (db, _, key) in &pcs {
            let store = zhibu_core::store::Store::open_existing(db, "测试").unwrap();
            let branch = only_branch(&store);
            let own = zhibu_core::services::compliance::run(&store, &rules, year, as_of, Some(branch.id)).unwrap();
            let own = &own.branches[0];
            let member_uuids = store.uuids_of("member").unwrap();
            let meeting_uuids = store.uuids_of("meeting").unwrap();
            let own_records: Vec<zhibu::rollup::FindingRecords> = own
                .findings
                .iter()
                .map(|f| zhibu::rollup::FindingRecords {
                    member: f.member.map(|m| member_uuids[&m.0].clone()),
                    meeting: f.meeting.map(|m| meeting_uuids[&m.0].clone()),
                })
                .collect();
            let theirs = rollup.iter().find(|r| &r.uuid == key).unwrap();
            compared += own.findings.len();
            assert_eq!(
                comparable(theirs.compliance.as_ref().unwrap(), key, &theirs.finding_records),
                comparable(own, key, &own_records),
                "{}",
                branch.record.name
            );
        }
    }
    assert!(compared >= 10, "the demo years have findings to compare: {compared}");
}

#[test]
fn the_committee_passes_or_returns_a_year_and_the_branch_pulls_its_feedback() {
    use zhibu_committee::review::{SUBMISSION, Submission};
    let admin = admin();
    let (url, name) = fresh_database(&admin);
    zhibu_committee::init(&mut zhibu_committee::connect(&url).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = branch_pc(dir.path(), &url, 31);
    let b = branch_pc(dir.path(), &url, 32);
    let silent = uuid(&name, 77);
    let mut client = zhibu_committee::connect(&url).unwrap();
    zhibu_committee::add_branch(&mut client, &silent, "未报送党支部", None, None).unwrap();
    for (db, login, _) in [&a, &b] {
        super::cli::zhibu(&["sync", "push", "--db", db.to_str().unwrap(), "--to", login]);
    }
    let year = "2025";
    let state = |client: &mut Client, branch: &str| {
        let entry = zhibu_committee::branches(client).unwrap().into_iter().find(|e| e.uuid == branch).unwrap();
        let reviews = zhibu_committee::review::reviews(client, Some(2025)).unwrap();
        Submission::of(&entry, reviews.iter().find(|r| r.branch == branch && r.topic == SUBMISSION))
    };
    assert_eq!(state(&mut client, &a.2), Submission::Awaiting);
    assert_eq!(state(&mut client, &silent), Submission::NotReported);
    // Returning needs an opinion; a branch that never reported cannot be reviewed.
    let error = super::cli::zhibu_fails(&[
        "committee",
        "review",
        "--db-url",
        &url,
        "--branch",
        &a.2,
        "--year",
        year,
        "--return",
    ]);
    assert_eq!(error, format!("退回须写明意见（要支部改什么）：{}", a.2));
    let error = super::cli::zhibu_fails(&[
        "committee",
        "review",
        "--db-url",
        &url,
        "--branch",
        &silent,
        "--year",
        year,
        "--pass",
    ]);
    assert_eq!(error, format!("该支部尚未报送，无从审核：{silent}"));
    super::cli::zhibu(&[
        "committee",
        "review",
        "--db-url",
        &url,
        "--branch",
        &a.2,
        "--year",
        year,
        "--return",
        "--opinion",
        "第三季度支部党员大会记录缺少表决结果，请补充后重新报送",
    ]);
    super::cli::zhibu(&["committee", "review", "--db-url", &url, "--branch", &b.2, "--year", year, "--pass"]);
    super::cli::zhibu(&["committee", "status", "--db-url", &url, "--year", year]);
    assert_eq!(state(&mut client, &a.2), Submission::Returned);
    assert_eq!(state(&mut client, &b.2), Submission::Passed);

    // Each branch pulls only its own feedback, and cannot write any.
    super::cli::zhibu(&["sync", "pull", "--db", a.0.to_str().unwrap(), "--from", &a.1]);
    let store = zhibu_core::store::Store::open_existing(&a.0, "测试").unwrap();
    let branch = only_branch(&store);
    let feedback = store.feedback(branch.id).unwrap();
    assert_eq!(feedback.len(), 1);
    assert_eq!(
        (feedback[0].year, feedback[0].topic.as_str(), feedback[0].verdict.as_str()),
        (2025, SUBMISSION, "退回")
    );
    assert!(feedback[0].opinion.contains("缺少表决结果"));
    let overview = zhibu_core::services::overview::Overview::load(
        &store,
        &zhibu_core::rules::RuleSet::default(),
        2025,
        chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
    )
    .unwrap();
    assert_eq!(overview.feedback.len(), 1, "the dashboard reads it");
    drop(store);
    let mut branch_b = Client::connect(&b.1, postgres::NoTls).unwrap();
    let seen = zhibu_committee::review::reviews(&mut branch_b, None).unwrap();
    assert_eq!(seen.iter().map(|r| r.branch.as_str()).collect::<Vec<_>>(), [b.2.as_str()]);
    let forged = branch_b.execute("UPDATE zhibu.reviews SET verdict = '通过' WHERE branch_uuid = $1", &[&a.2]);
    let error = forged.unwrap_err();
    assert_eq!(error.code(), Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE), "{error:?}");
    let forged = zhibu_committee::review::decide(&mut branch_b, &b.2, 2025, SUBMISSION, "通过", "");
    let error = forged.unwrap_err().to_string();
    assert!(error.contains("（42501）"), "insufficient privilege: {error}");

    // The branch corrects and reports again: back in the queue.
    let mut store = zhibu_core::store::Store::open_existing(&a.0, "测试").unwrap();
    let member = store.members(None).unwrap()[0].clone();
    let mut edited = member.record.clone();
    edited.ethnicity = "回族".into();
    store.write(|w| w.update_member(member.id, &edited)).unwrap();
    drop(store);
    super::cli::zhibu(&["sync", "push", "--db", a.0.to_str().unwrap(), "--to", &a.1]);
    assert_eq!(state(&mut client, &a.2), Submission::Resubmitted);
    super::cli::zhibu(&["committee", "review", "--db-url", &url, "--branch", &a.2, "--year", year, "--pass"]);
    super::cli::zhibu(&["sync", "pull", "--db", a.0.to_str().unwrap(), "--from", &a.1]);
    let store = zhibu_core::store::Store::open_existing(&a.0, "测试").unwrap();
    let feedback = store.feedback(branch.id).unwrap();
    assert_eq!(feedback.len(), 1, "the revised decision replaces the first");
    assert_eq!(feedback[0].verdict, "通过");
}

#[test]
fn the_committees_ranking_across_branches_equals_the_boards_of_one_pc_holding_them_all() {
    let admin = admin();
    let (url, _) = fresh_database(&admin);
    super::cli::zhibu(&["committee", "init", "--db-url", &url]);
    let dir = tempfile::tempdir().unwrap();
    // One PC holding four branches (a 党委's own PC): its boards rank them all together.
    let db = dir.path().join("town.db");
    let mut store = zhibu_core::store::Store::open(&db, "测试").unwrap();
    let options = zhibu_core::services::demo::DemoOptions { branches: 4, years: 2, seed: 41, ..Default::default() };
    zhibu_core::services::demo::generate(&mut store, &options).unwrap();
    drop(store);
    super::cli::zhibu(&["sync", "id", "--db", db.to_str().unwrap()]);
    let store = zhibu_core::store::Store::open_existing(&db, "测试").unwrap();
    let branches = tests::branches(&store).unwrap();
    assert_eq!(branches.len(), 4);
    for branch in &branches {
        let login = dir.path().join(format!("{}.zhibu-connection", branch.id.0));
        register(&url, &db, Some(&branch.record.name), &login);
        let file = dir.path().join(format!("{}.zbp", branch.id.0));
        super::cli::zhibu(&[
            "sync",
            "export",
            "--db",
            db.to_str().unwrap(),
            "--branch",
            &branch.record.name,
            "--out",
            file.to_str().unwrap(),
        ]);
        super::cli::zhibu(&["committee", "import", "--db-url", &url, file.to_str().unwrap()]);
    }
    let mut client = zhibu_committee::connect(&url).unwrap();
    let rankings = zhibu::rollup::rankings(&mut client, 2025).unwrap();
    let mut keys: Vec<String> = store.rating_schemes().unwrap().into_iter().map(|s| s.record.key).collect();
    keys.sort();
    keys.dedup();
    let mut compared = 0;
    for key in keys {
        let board = zhibu_core::services::rating::board(&store, &key, 2025, None).unwrap();
        if board.rows.is_empty() {
            assert!(rankings.iter().all(|r| r.key != key));
            continue;
        }
        let ranking = rankings.iter().find(|r| r.key == key).unwrap();
        let mut own: Vec<(String, String, u8, u32)> =
            board.rows.iter().map(|r| (r.name.clone(), format!("{:.1}", r.total), r.stars, r.rank)).collect();
        let mut theirs: Vec<(String, String, u8, u32)> =
            ranking.rows.iter().map(|r| (r.name.clone(), format!("{:.1}", r.total), r.stars, r.rank)).collect();
        own.sort();
        theirs.sort();
        assert_eq!(theirs, own, "{key}");
        assert_eq!(ranking.quotas, board.quotas, "{key}");
        compared += own.len();
    }
    assert!(compared >= 8, "branches and compounds were ranked: {compared}");
    assert!(rankings.iter().all(|r| r.rows.windows(2).all(|w| w[0].rank <= w[1].rank)), "best first");
    super::cli::zhibu(&["committee", "ranking", "--db-url", &url, "--year", "2025"]);
}

/// Steps the committee window until its background work is done and no command waits.
fn settle_committee(harness: &mut egui_kittest::Harness<'_, zhibu::ui::committee::CommitteeApp>) {
    let started = std::time::Instant::now();
    harness.step();
    while harness.state().is_busy() || !harness.state().commands.is_empty() {
        assert!(started.elapsed() < std::time::Duration::from_secs(120), "the committee's database did not answer");
        std::thread::sleep(std::time::Duration::from_millis(5));
        harness.step();
    }
    harness.run_steps(2);
}

#[test]
fn the_committee_window_lists_who_reported_and_returns_a_year_with_an_opinion() {
    use egui_kittest::kittest::Queryable;
    let admin = admin();
    let (url, name) = fresh_database(&admin);
    zhibu_committee::init(&mut zhibu_committee::connect(&url).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (db, login, key) = branch_pc(dir.path(), &url, 51);
    super::cli::zhibu(&["sync", "push", "--db", db.to_str().unwrap(), "--to", &login]);
    let silent = uuid(&name, 88);
    zhibu_committee::add_branch(&mut zhibu_committee::connect(&url).unwrap(), &silent, "桃源村党支部", None, None)
        .unwrap();
    let reported = zhibu_committee::branches(&mut zhibu_committee::connect(&url).unwrap())
        .unwrap()
        .into_iter()
        .find(|b| b.uuid == key)
        .unwrap()
        .name;

    let app = zhibu::ui::committee::CommitteeApp::new(url.clone());
    assert!(!app.place.contains("password") && app.place.ends_with(&name), "{}", app.place);
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1360.0, 900.0])
        .with_context_setup(zhibu::ui::fonts::install)
        .build_eframe(move |_| app);
    // The demo's year is 2025; the window opens on the year under review.
    harness.state_mut().commands.push(zhibu::ui::committee::CommitteeCommand::Load(2025));
    settle_committee(&mut harness);
    assert!(harness.state().data.is_some(), "{:?}", harness.state().notice);
    harness.get_by_label("请催报：桃源村党支部");
    harness.get_by_label(&reported).click();
    harness.run_steps(2);
    settle_committee(&mut harness);
    assert_eq!(harness.state().selected.as_deref(), Some(key.as_str()));
    harness.get_by_label("审核意见（退回时必填）").click();
    harness.run_steps(1);
    harness.get_by_label("审核意见（退回时必填）").type_text("支部党员大会记录缺少表决结果");
    harness.run_steps(2);
    harness.get_by_label("退回").click();
    harness.run_steps(2);
    settle_committee(&mut harness);
    let reviews = zhibu_committee::review::reviews(&mut zhibu_committee::connect(&url).unwrap(), Some(2025)).unwrap();
    assert_eq!(reviews.len(), 1);
    assert_eq!((reviews[0].branch.as_str(), reviews[0].verdict.as_str()), (key.as_str(), "退回"));
    assert_eq!(reviews[0].opinion, "支部党员大会记录缺少表决结果");
    harness.get_by_label("已退回，待支部修改");
    // The other tabs draw from the same data.
    harness.get_by_label("组织生活核查").click();
    harness.run_steps(3);
    harness.get_by_label("2025年度组织生活核查");
    harness.get_by_label("星级排名").click();
    harness.run_steps(3);
    harness.get_by_label("2025年度星级评定排名");

    // 述职评议考核: the meeting is recorded, a secretary's ballots entered with a grade decided
    // otherwise (and why), and the results document rendered by the committee's template.
    harness.get_by_label("述职评议考核").click();
    harness.run_steps(2);
    settle_committee(&mut harness);
    harness.get_by_label("先登记本年度的述职评议考核会议（日期、应到人数），再录入各书记的测评票数。");
    harness.get_by_label("会议日期").click();
    harness.run_steps(1);
    harness.get_by_label("会议日期").type_text("2026-01-10");
    harness.run_steps(2);
    harness.get_by_label("登记会议").click();
    harness.run_steps(2);
    settle_committee(&mut harness);
    let meeting = zhibu_committee::duty::meeting(&mut zhibu_committee::connect(&url).unwrap(), 2025).unwrap().unwrap();
    assert_eq!((meeting.held_on.as_str(), meeting.voters_expected), ("2026-01-10", 40));
    harness.get_by_label(&reported).click();
    harness.run_steps(2);
    settle_committee(&mut harness);
    let secretary = harness.state().duty_form.secretary.clone();
    assert!(!secretary.is_empty(), "the secretary the branch reported is offered");
    harness.state_mut().duty_form.votes = [30, 8, 2, 0];
    harness.state_mut().duty_form.grade = Some(zhibu_core::domain::ReviewGrade::Good);
    harness.run_steps(2);
    harness.get_by_label("有效票40张（应到40人）；按票数为“好”");
    harness.get_by_label("理由（确定等次与票数不同，必填）").click();
    harness.run_steps(1);
    harness.get_by_label("理由（确定等次与票数不同，必填）").type_text("年内发生安全责任事故");
    harness.run_steps(2);
    harness.get_by_label("保存测评结果").click();
    harness.run_steps(2);
    settle_committee(&mut harness);
    let ballots = zhibu_committee::duty::ballots(&mut zhibu_committee::connect(&url).unwrap(), 2025).unwrap();
    assert_eq!(ballots.len(), 1);
    assert_eq!(
        (ballots[0].secretary.as_str(), ballots[0].votes, ballots[0].ballot_grade.as_str(), ballots[0].grade.as_str()),
        (secretary.as_str(), [30, 8, 2, 0], "好", "较好")
    );
    assert_eq!(ballots[0].reason, "年内发生安全责任事故");
    harness.get_by_label("较好（按票数好）");
    harness.get_by_label("发文单位").click();
    harness.run_steps(1);
    harness.get_by_label("发文单位").type_text("中共金山街道工作委员会");
    harness.run_steps(2);
    let out = dir.path().join("述职评议考核结果.docx");
    harness.state_mut().commands.push(zhibu::ui::committee::CommitteeCommand::ExportResults(Some(out.clone())));
    settle_committee(&mut harness);
    assert_eq!(harness.state().notice, Some((format!("已生成：{}", out.display()), false)));
    let text = super::export::text_dump(&super::export::part(&std::fs::read(&out).unwrap(), "word/document.xml"));
    assert!(text.contains(&format!("\n{secretary}\n30\n8\n2\n0\n40\n75.0%\n好\n较好\n")), "{text}");
}

/// The throwaway cluster's folder (the socket's `host=`), where it keeps its TLS port and root.
pub(crate) fn cluster_dir(admin: &str) -> std::path::PathBuf {
    admin.split_whitespace().find_map(|kv| kv.strip_prefix("host=")).unwrap().into()
}

#[test]
fn a_remote_server_is_reached_over_tls_checked_against_the_committees_root_certificate() {
    let admin = admin();
    let dir = cluster_dir(&admin);
    let port = std::fs::read_to_string(dir.join("tls-port")).unwrap().trim().to_owned();
    let password = admin.split_whitespace().find_map(|kv| kv.strip_prefix("password=")).unwrap();
    let remote = format!("host=127.0.0.1 port={port} user=zhibu_admin password={password} dbname=postgres");
    // Checked against the committee's root certificate: TLS it is.
    let mut client =
        zhibu_committee::connect_with(&format!("{remote} sslmode=require"), Some(&dir.join("root.crt"))).unwrap();
    let ssl: bool = client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0);
    assert!(ssl);
    // A server whose certificate nothing vouches for is refused, with the reason, not the password.
    let error = zhibu_committee::connect_with(&format!("{remote} sslmode=require"), None).err().unwrap().to_string();
    assert!(error.starts_with("委员会数据库出错：") && error.contains("certificate"), "{error}");
    assert!(!error.contains(password), "{error}");
    // Plain TCP is refused by the server (TLS only), whatever the client would accept.
    let error = zhibu_committee::connect_with(&format!("{remote} sslmode=disable"), None).err().unwrap().to_string();
    assert!(error.contains("no encryption") || error.contains("pg_hba.conf"), "{error}");
    // A root file that is not a certificate is named.
    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(bad.path(), "不是证书").unwrap();
    let error = zhibu_committee::connect_with(&remote, Some(bad.path())).err().unwrap().to_string();
    assert_eq!(error, format!("根证书文件不是PEM格式的证书：{}", bad.path().display()));
    // The title shows where, never the password.
    assert_eq!(zhibu_committee::describe(&remote), "zhibu_admin@127.0.0.1/postgres");
    assert!(!zhibu_committee::describe("postgresql://a:secret@server:5432/zhibu").contains("secret"));
}

#[test]
fn init_makes_the_committees_database_when_the_server_has_none() {
    let admin = admin();
    let mut bytes = [0u8; 4];
    std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes)).unwrap();
    let name = format!("zhibu_new_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
    let url = format!("{admin} dbname={name}");
    super::cli::zhibu(&["committee", "init", "--db-url", &url]);
    let mut client = zhibu_committee::connect(&url).unwrap();
    assert_eq!(zhibu_committee::schema_version(&mut client).unwrap(), zhibu_committee::MIGRATIONS.len() as i64);
    // Again: the database is there, nothing is made twice.
    super::cli::zhibu(&["committee", "init", "--db-url", &url]);
    let error = super::cli::zhibu_fails(&["committee", "init", "--db-url", &format!("{admin} dbname=a-b")]);
    assert_eq!(error, "数据库名只能用字母、数字和下划线：a-b");
}

#[test]
fn the_year_end_review_meeting_grades_each_secretary_by_the_ballots_and_tells_the_branch() {
    let admin = admin();
    let (url, _) = fresh_database(&admin);
    zhibu_committee::init(&mut zhibu_committee::connect(&url).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = branch_pc(dir.path(), &url, 61);
    let b = branch_pc(dir.path(), &url, 62);
    for (db, login, _) in [&a, &b] {
        super::cli::zhibu(&["sync", "push", "--db", db.to_str().unwrap(), "--to", login]);
    }
    let ballot = |branch: &str, votes: &str, extra: &[&str]| {
        let mut args = vec![
            "committee",
            "ballot",
            "--db-url",
            url.as_str(),
            "--year",
            "2025",
            "--branch",
            branch,
            "--votes",
            votes,
        ];
        args.extend_from_slice(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| super::cli::zhibu(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let fails = |args: Vec<String>| super::cli::zhibu_fails(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(fails(ballot(&a.2, "30,8,2,0", &[])).starts_with("该年度还没有述职评议考核会议"));
    super::cli::zhibu(&[
        "committee",
        "duty-meeting",
        "--db-url",
        &url,
        "--year",
        "2025",
        "--held-on",
        "2026-01-10",
        "--voters",
        "40",
    ]);
    // The ballots point to 好 (75% 好, no 差); the secretary is the one the branch reported.
    run(ballot(&a.2, "30,8,2,0", &[]));
    let store = zhibu_core::store::Store::open_existing(&a.0, "测试").unwrap();
    let branch = only_branch(&store);
    let term = store.terms(branch.id).unwrap().into_iter().max_by_key(|t| t.record.number).unwrap();
    let secretary = term.record.roles.iter().find(|r| r.role == zhibu_core::domain::CommitteeRole::Secretary).unwrap();
    let secretary = store.member(secretary.member).unwrap().name;
    drop(store);
    let mut client = zhibu_committee::connect(&url).unwrap();
    let ballots = zhibu_committee::duty::ballots(&mut client, 2025).unwrap();
    assert_eq!(ballots.len(), 1);
    assert_eq!(
        (ballots[0].secretary.as_str(), ballots[0].ballot_grade.as_str(), ballots[0].grade.as_str()),
        (secretary.as_str(), "好", "好")
    );
    // 10 好 + 20 较好 of 40 points to 较好; deciding 好 needs a reason.
    let error = fails(ballot(&b.2, "10,20,8,2", &["--grade", "好", "--secretary", "李明"]));
    assert_eq!(error, "确定的等次与票数得出的不同，须写明理由：好≠较好");
    assert_eq!(
        fails(ballot(&b.2, "30,8,2,1", &["--secretary", "李明"])),
        "票数不合理（不能为负，合计不能超过应到人数）：41/40"
    );
    assert_eq!(
        fails(ballot(&b.2, "30,8,2", &["--secretary", "李明"])),
        "票数应为“好,较好,一般,差”四个非负整数：30,8,2"
    );
    run(ballot(&b.2, "10,20,8,2", &["--grade", "好", "--secretary", "李明", "--reason", "年内获评市级先进基层党组织"]));
    super::cli::zhibu(&["committee", "duty-results", "--db-url", &url, "--year", "2025"]);
    // Each branch hears its own grade; a branch login reads no ballots.
    super::cli::zhibu(&["sync", "pull", "--db", b.0.to_str().unwrap(), "--from", &b.1]);
    let store = zhibu_core::store::Store::open_existing(&b.0, "测试").unwrap();
    let branch = only_branch(&store);
    let feedback = store.feedback(branch.id).unwrap();
    let grade = feedback.iter().find(|f| f.topic == zhibu_committee::duty::TOPIC).unwrap();
    assert_eq!(grade.verdict, "好");
    assert!(
        grade.opinion.contains("李明同志：好10票、较好20票、一般8票、差2票") && grade.opinion.contains("市级先进"),
        "{}",
        grade.opinion
    );
    let mut branch_login = Client::connect(&b.1, postgres::NoTls).unwrap();
    let error = branch_login.query("SELECT * FROM zhibu.duty_ballots", &[]).unwrap_err();
    assert_eq!(error.code(), Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE));

    // The meeting's summary, through the reference plugin granted the cross-branch permission.
    let plugins = dir.path().join("plugins");
    let cache = dir.path().join("cache");
    let (plugins, cache) = (plugins.to_str().unwrap(), cache.to_str().unwrap());
    let out = dir.path().join("述职评议考核结果.json");
    let render = |template: &str, out: &str| {
        let args = [
            "--plugins-dir",
            plugins,
            "--cache-dir",
            cache,
            "committee",
            "render",
            "--db-url",
            &url,
            "--template",
            template,
            "--year",
            "2025",
            "--unit",
            "中共金山街道工作委员会",
            "--param",
            "date=2026-01-15",
            "--out",
            out,
        ];
        args.map(str::to_owned).to_vec()
    };
    run(render("duty-assessment", out.to_str().unwrap()));
    let text = document_text(&serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap());
    let names = [only_branch(&zhibu_core::store::Store::open_existing(&a.0, "测试").unwrap()).record.name];
    for expected in [
        "中共金山街道工作委员会2025年度基层党组织书记抓基层党建工作述职评议考核结果".to_owned(),
        "2026年1月10日，中共金山街道工作委员会召开2025年度基层党组织书记抓基层党建工作述职评议考核会议，2名党组织书记进行了述职，应到参评人员40人。".to_owned(),
        // 好 first; each row: votes, valid, share of 好, grade by the ballots, grade decided.
        format!("|{secretary}|30|8|2|0|40|75.0%|好|好|"),
        "|李明|10|20|8|2|40|25.0%|较好|好|".to_owned(),
        "评议考核等次：“好”2名（100.0%），“较好”0名（0.0%），“一般”0名（0.0%），“差”0名（0.0%）。".to_owned(),
        "同志按票数为“较好”，理由：年内获评市级先进基层党组织，确定为“好”。".to_owned(),
        format!("|{}|已报送，待审核|", names[0]),
        "中共金山街道工作委员会（盖章）2026年1月15日".to_owned(),
    ] {
        assert!(text.contains(&expected), "{expected}\n not in\n{text}");
    }
    // A branch template is refused in the committee's scope, and the committee's template on a
    // branch's PC, each saying why, and nothing is written.
    let refused = dir.path().join("refused.json");
    let error = fails(render("appraisal-results", refused.to_str().unwrap()));
    assert!(error.starts_with("上级党委的汇总库只向模板提供跨支部汇总记录，该模板还需要党组织及换届信息、"), "{error}");
    assert!(error.ends_with("：appraisal-results"), "{error}");
    let error = super::cli::zhibu_fails(&[
        "--plugins-dir",
        plugins,
        "--cache-dir",
        cache,
        "report",
        "--db",
        a.0.to_str().unwrap(),
        "--template",
        "duty-assessment",
        "--param",
        "year=2025",
        "--out",
        refused.to_str().unwrap(),
    ]);
    assert_eq!(
        error,
        "该模板汇总上级党委所辖各支部的记录，只能在上级党委的汇总库中生成（zhibu committee render 或上级党委窗口）：duty-assessment"
    );
    assert!(!refused.exists());
}

/// Every text of a document model (JSON): titles, runs, signature lines and date, table cells each
/// followed by `|` (fields in the order serde_json keeps them, which is enough for `contains`).
fn document_text(value: &serde_json::Value) -> String {
    use serde_json::Value;
    fn walk(value: &Value, out: &mut String) {
        match value {
            Value::Object(fields) => {
                if let (Some(Value::Array(lines)), Some(Value::String(date))) =
                    (fields.get("lines"), fields.get("date"))
                {
                    lines.iter().filter_map(Value::as_str).for_each(|l| out.push_str(l));
                    out.push_str(date);
                    return;
                }
                for (key, field) in fields {
                    match field {
                        Value::String(text) if key == "text" || key == "title" => out.push_str(text),
                        _ => walk(field, out),
                    }
                }
                if fields.contains_key("col_span") {
                    out.push('|');
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = String::new();
    walk(value, &mut out);
    out
}

/// Nothing personal leaves the PC readable (issue 33): the bytes of a report package, a feedback
/// package and a connection file hold no member's ID number, phone or name and no password, not
/// even once the package's payload is decoded and inflated as a format-1 package's could be.
/// Each still opens where it is meant to: the committee imports the package, the branch reads its
/// feedback.
#[test]
fn packages_feedback_and_connection_files_carry_nothing_readable() {
    use base64::Engine as _;
    let admin = admin();
    let (url, _) = fresh_database(&admin);
    zhibu_committee::init(&mut zhibu_committee::connect(&url).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (db, _login, uuid) = branch_pc(dir.path(), &url, 61);
    let store = zhibu_core::store::Store::open_existing(&db, "测试").unwrap();
    let members = store.members(None).unwrap();
    let member = members.iter().find(|m| m.record.phone.is_some()).expect("a member with a phone");
    let secrets = [
        member.record.id_number.as_str().to_owned(),
        member.record.phone.as_ref().unwrap().as_str().to_owned(),
        member.record.name.clone(),
    ];
    let password = {
        let mut store = zhibu_core::store::Store::open_existing(&db, "测试").unwrap();
        let branch = only_branch(&store);
        zhibu_sync::connection(&mut store, &branch).unwrap().password
    };
    drop(store);
    let readable = |bytes: &[u8], what: &str| {
        let text = String::from_utf8_lossy(bytes);
        for secret in secrets.iter().chain([&password]) {
            assert!(!text.contains(secret.as_str()), "{what} shows {secret}");
        }
        // A payload in the JSON envelope, decoded, and inflated where it inflates at all.
        let Ok(envelope) = serde_json::from_slice::<serde_json::Value>(bytes) else { return };
        let Some(payload) = envelope["payload"].as_str() else { return };
        let decoded = base64::engine::general_purpose::STANDARD.decode(payload).unwrap();
        let mut inflated = Vec::new();
        let _ = std::io::Read::read_to_end(&mut flate2::read::DeflateDecoder::new(decoded.as_slice()), &mut inflated);
        for bytes in [decoded, inflated] {
            let text = String::from_utf8_lossy(&bytes);
            assert!(secrets.iter().chain([&password]).all(|s| !text.contains(s.as_str())), "{what}'s payload");
        }
    };

    let package = dir.path().join("2026.zbp");
    export(&db, &package, false);
    readable(&std::fs::read(&package).unwrap(), "the report package");
    // A backup to a USB stick (outside the data folder) is encrypted with the user's passphrase.
    let stick = tempfile::tempdir().unwrap();
    let passphrase = dir.path().join("口令.txt");
    std::fs::write(&passphrase, "金山支部2026备份\n").unwrap();
    let backup = stick.path().join("备份.db");
    let backup_args = ["backup", "--db", db.to_str().unwrap(), "--out", backup.to_str().unwrap()];
    let refused = super::cli::zhibu_fails(&backup_args);
    assert!(refused.starts_with("备份写到数据文件夹以外（U盘、共享盘）时须设口令加密"), "{refused}");
    let mut with_passphrase = backup_args.to_vec();
    with_passphrase.extend(["--passphrase-file", passphrase.to_str().unwrap()]);
    super::cli::zhibu(&with_passphrase);
    readable(&std::fs::read(&backup).unwrap(), "the backup on the stick");
    readable(&std::fs::read(dir.path().join("branch-61.zhibu-connection")).unwrap(), "the connection file");
    super::cli::zhibu(&["committee", "import", "--db-url", &url, package.to_str().unwrap()]);
    let mut client = zhibu_committee::connect(&url).unwrap();
    let stored: i64 = client
        .query_one("SELECT count(*) FROM zhibu.records WHERE body LIKE '%' || $1 || '%'", &[&secrets[2]])
        .unwrap()
        .get(0);
    assert!(stored > 0, "the committee reads what it imported");

    let opinion = format!("请补充{}的转正材料", secrets[2]);
    super::cli::zhibu(&[
        "committee",
        "review",
        "--db-url",
        &url,
        "--branch",
        &uuid,
        "--year",
        "2026",
        "--return",
        "--opinion",
        &opinion,
    ]);
    let feedback = dir.path().join("反馈.zbf");
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
    readable(&std::fs::read(&feedback).unwrap(), "the feedback package");
    super::cli::zhibu(&["sync", "pull", "--db", db.to_str().unwrap(), "--file", feedback.to_str().unwrap()]);
    let store = zhibu_core::store::Store::open_existing(&db, "测试").unwrap();
    let pulled = store.feedback(only_branch(&store).id).unwrap();
    assert_eq!(pulled.iter().map(|f| f.opinion.as_str()).collect::<Vec<_>>(), [opinion.as_str()]);
}
