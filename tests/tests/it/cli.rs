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
    // Every rule file the page shows is one `--rules` takes.
    for (i, block) in doc.split("```toml").skip(1).map(|b| b.split("```").next().unwrap()).enumerate() {
        let file = dir.path().join(format!("rules{i}.toml"));
        std::fs::write(&file, block).unwrap();
        if let Err(error) = RuleSet::load(&file) {
            panic!("the documented rule file {i} is refused: {error}\n{block}");
        }
    }
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
    run(Cli::try_parse_from([
        "zhibu",
        "demo",
        "--db",
        &db_arg,
        "--branches",
        "1",
        "--years",
        "1",
        "--last-year",
        "2025",
    ])
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

/// Runs one command line; panics with the message when it fails.
pub(crate) fn zhibu(args: &[&str]) {
    let mut all = vec!["zhibu"];
    all.extend_from_slice(args);
    if let Err(error) = run(Cli::try_parse_from(&all).unwrap()) {
        panic!("{args:?}: {error:#}");
    }
}

/// Runs one command line that must fail; returns its message.
pub(crate) fn zhibu_fails(args: &[&str]) -> String {
    let mut all = vec!["zhibu"];
    all.extend_from_slice(args);
    run(Cli::try_parse_from(&all).unwrap()).unwrap_err().to_string()
}

/// An office's database in a folder, used through the command line as 李书记 with its automatic
/// backups beside it.
struct Office {
    /// The database file.
    db: String,
    /// `--db … --operator … --backup-dir …`.
    base: Vec<String>,
}

impl Office {
    fn new(dir: &std::path::Path) -> Self {
        let db = dir.join("支部.db").to_str().unwrap().to_owned();
        let backups = dir.join("自动备份").to_str().unwrap().to_owned();
        let base = ["--db", &db, "--operator", "李书记", "--backup-dir", &backups].map(str::to_owned).to_vec();
        Self { db, base }
    }

    fn args<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        self.base.iter().map(String::as_str).chain(args.iter().copied()).collect()
    }

    fn go(&self, args: &[&str]) {
        zhibu(&self.args(args));
    }

    fn fails(&self, args: &[&str]) -> String {
        zhibu_fails(&self.args(args))
    }

    /// 城东街道党工委 (id 1) and 金山社区党支部 (id 2) under it; the branch's id.
    fn committee_and_branch(&self, dir: &std::path::Path) -> zhibu_core::domain::OrgId {
        use zhibu_core::domain::{BranchCategory, OrgId, OrgKind, Organization};
        let committee = Organization {
            parent: None,
            kind: OrgKind::Committee,
            category: BranchCategory::Community,
            name: "城东街道党工委".into(),
            dissolved_on: None,
        };
        self.go(&["record", "add", "org", "--file", &json_file(dir, "c.json", &committee)]);
        let branch =
            Organization {
                parent: Some(OrgId(1)), kind: OrgKind::Branch, name: "金山社区党支部".into(), ..committee
            };
        self.go(&["record", "add", "org", "--file", &json_file(dir, "b.json", &branch)]);
        OrgId(2)
    }
}

/// The branch secretary's duty review of 2025 with `voters` ballots, all returned (two thirds
/// excellent, the rest good).
fn secretary_review(
    branch: zhibu_core::domain::OrgId,
    subject: zhibu_core::domain::MemberId,
    voters: u32,
) -> zhibu_core::domain::DutyReview {
    use zhibu_core::domain::{BallotTally, DutyReview, ReportSection};
    DutyReview {
        year: 2025,
        branch,
        subject,
        held_on: Some(tests::day(2025, 12, 20)),
        sections: vec![ReportSection {
            heading: "主要工作及成效".into(), body: "全年按时召开“三会一课”。".into()
        }],
        ballots: BallotTally { excellent: voters * 2 / 3, good: voters - voters * 2 / 3, fair: 0, poor: 0 },
        voters_expected: voters,
        voters_returned: voters,
        higher_comment: String::new(),
        overall_grade: None,
    }
}

fn json_file(dir: &std::path::Path, name: &str, value: &impl serde::Serialize) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

/// A branch's year from an empty database, on the command line alone: organisations, the
/// roster, the committee, every required meeting (finalised, one amended), an election that
/// opens a new term, evaluations corrected, a volunteer activity; then compliance finds
/// nothing, the audit log lists every step and a delete is undone.
#[test]
fn a_branch_year_from_an_empty_database_on_the_command_line() {
    use zhibu_core::domain::*;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let office = Office::new(d);
    let (db, backups) = (office.db.as_str(), d.join("自动备份"));
    let go = |args: &[&str]| office.go(args);
    let fails = |args: &[&str]| office.fails(args);

    // Organisations.
    let branch_id = office.committee_and_branch(d);

    // The roster as the office has it.
    let roster = d.join("名册.csv");
    std::fs::write(&roster, tests::roster_csv(9, "金山社区党支部")).unwrap();
    go(&["import", "members", "--file", roster.to_str().unwrap()]);
    assert_eq!(
        zhibu_core::services::backup::automatic_backups(&backups, std::path::Path::new(db)).len(),
        1,
        "a backup before the import"
    );
    let store = Store::open_existing(std::path::Path::new(db), "检查").unwrap();
    let members: Vec<MemberId> = store.members(Some(branch_id)).unwrap().into_iter().map(|m| m.id).collect();
    assert_eq!(members.len(), 9);
    drop(store);

    // The committee in office, entered directly, and a term that would overlap it refused.
    let roles = [CommitteeRole::Secretary, CommitteeRole::OrganizationOfficer, CommitteeRole::PublicityOfficer];
    let term = CommitteeTerm {
        org: branch_id,
        number: 3,
        elected_on: Some(tests::day(2021, 3, 15)),
        ends_on: None,
        closed_on: None,
        roles: members.iter().zip(roles).map(|(&member, role)| RoleAssignment { member, role }).collect(),
    };
    go(&["record", "add", "term", "--file", &json_file(d, "t.json", &term)]);
    let overlapping = CommitteeTerm { number: 2, elected_on: Some(tests::day(2022, 1, 1)), ..term.clone() };
    let error = fails(&["record", "add", "term", "--file", &json_file(d, "t2.json", &overlapping)]);
    assert!(error.starts_with("选举日期与第3届（2021年3月15日起）任期重叠"), "{error}");

    // Every required meeting of 2025, finalised.
    let mut plan = Vec::new();
    for month in 1..=12 {
        plan.push((MeetingKind::CommitteeMeeting, tests::day(2025, month, 5), &members[..3]));
        plan.push((MeetingKind::ThemeDay, tests::day(2025, month, 10), &members[..]));
    }
    for quarter in 0..4 {
        plan.push((MeetingKind::GeneralMeeting, tests::day(2025, quarter * 3 + 2, 15), &members[..]));
        plan.push((MeetingKind::PartyLecture, tests::day(2025, quarter * 3 + 2, 20), &members[..]));
    }
    plan.push((MeetingKind::HeartToHeartTalk, tests::day(2025, 11, 12), &members[..]));
    plan.push((MeetingKind::OrgLifeMeeting, tests::day(2025, 12, 12), &members[..]));
    plan.push((MeetingKind::MemberAppraisal, tests::day(2025, 12, 13), &members[..]));
    for (i, (kind, date, expected)) in plan.iter().enumerate() {
        let mut record = tests::meeting(branch_id, *kind, *date, expected, expected.len());
        record.status = MeetingStatus::Draft;
        if *kind == MeetingKind::GeneralMeeting {
            record
                .observers
                .push(Observer { name: "王主任".into(), affiliation: "城东街道党工委组织委员".into() });
        }
        go(&["record", "add", "meeting", "--file", &json_file(d, &format!("m{i}.json"), &record)]);
        go(&["meeting", "finalize", "--id", &(i + 1).to_string()]);
    }

    // A final meeting is corrected only with a reason, and keeps what it replaced.
    let mut corrected = tests::meeting(branch_id, MeetingKind::GeneralMeeting, tests::day(2025, 2, 15), &members, 9);
    corrected.place = "金山社区党群服务中心二楼".into();
    let file = json_file(d, "fix.json", &corrected);
    let general = plan.iter().position(|p| p.0 == MeetingKind::GeneralMeeting).unwrap() + 1;
    let error = fails(&["meeting", "amend", "--id", &general.to_string(), "--file", &file, "--reason", " "]);
    assert!(error.starts_with("更正原因不能为空"), "{error}");
    go(&["meeting", "amend", "--id", &general.to_string(), "--file", &file, "--reason", "会议地点记录有误"]);

    // The election that opens the fourth term.
    let election = Election {
        org: branch_id,
        term_number: 4,
        requested_on: Some(tests::day(2025, 10, 8)),
        approved_on: Some(tests::day(2025, 10, 20)),
        approval_ref: "城东党工委〔2025〕31号".into(),
        held_on: tests::day(2025, 11, 20),
        place: "金山社区党群服务中心".into(),
        seats: 3,
        voters: members.iter().map(|&member| Voter { member, present: true }).collect(),
        candidates: members[..4]
            .iter()
            .zip([9u32, 8, 8, 3])
            .zip([
                Some(CommitteeRole::Secretary),
                Some(CommitteeRole::OrganizationOfficer),
                Some(CommitteeRole::PublicityOfficer),
                None,
            ])
            .map(|((&member, yes), role)| Candidate { member, votes: Votes { yes, no: 9 - yes, abstain: 0 }, role })
            .collect(),
        result_approved_on: Some(tests::day(2025, 11, 28)),
        result_approval_ref: "城东党工委〔2025〕40号".into(),
        meeting: None,
        status: MeetingStatus::Draft,
    };
    let mut too_many = election.clone();
    too_many.voters[8].present = false;
    let error = fails(&["record", "add", "election", "--file", &json_file(d, "bad.json", &too_many)]);
    assert!(error.contains("候选人得票") && error.contains("超过实到人数8人"), "{error}");
    go(&["record", "add", "election", "--file", &json_file(d, "e.json", &election)]);
    go(&["election", "finalize", "--id", "1"]);
    let store = Store::open_existing(std::path::Path::new(db), "检查").unwrap();
    let terms = store.terms(branch_id).unwrap();
    assert_eq!(terms.len(), 2);
    assert_eq!(terms[0].record.closed_on, Some(tests::day(2025, 11, 20)), "the old term closes");
    assert_eq!(terms[1].record.number, 4);
    assert_eq!(terms[1].record.roles.len(), 3, "the elected committee with its posts");
    drop(store);

    // Evaluations, entered and corrected.
    let review = DutyReview {
        ballots: BallotTally { excellent: 6, good: 2, fair: 1, poor: 0 },
        higher_comment: "工作扎实。".into(),
        ..secretary_review(branch_id, members[0], 9)
    };
    go(&["record", "add", "review", "--file", &json_file(d, "r.json", &review)]);
    let graded = DutyReview { overall_grade: Some(ReviewGrade::Excellent), ..review };
    go(&["record", "edit", "review", "--id", "1", "--file", &json_file(d, "r2.json", &graded)]);
    let appraisal = MemberAppraisal {
        year: 2025,
        member: members[4],
        self_assessment: "按时参加组织生活。".into(),
        votes: AppraisalVotes { outstanding: 2, qualified: 6, basically_qualified: 0, unqualified: 0 },
        grade: AppraisalGrade::Qualified,
        suggested: None,
        reason: String::new(),
    };
    go(&["record", "add", "appraisal", "--file", &json_file(d, "a.json", &appraisal)]);
    // 优秀 against the suggested 合格 needs its reason.
    let appraisal = MemberAppraisal { grade: AppraisalGrade::Outstanding, ..appraisal };
    let refused = fails(&["record", "edit", "appraisal", "--id", "1", "--file", &json_file(d, "a2.json", &appraisal)]);
    assert!(refused.starts_with("评定理由须写明：按民主测评票数和本年度记录建议评定为“合格”"), "{refused}");
    let appraisal =
        MemberAppraisal { reason: "带头开展小区环境整治，群众评价好。".into(), ..appraisal };
    go(&["record", "edit", "appraisal", "--id", "1", "--file", &json_file(d, "a2.json", &appraisal)]);
    // The branch registers itself as a subject and defines its sheet, then rates itself.
    let subject = zhibu_core::domain::RatingSubject {
        branch: branch_id,
        kind: zhibu_core::domain::RatingSubjectKind::Branch,
        name: "金山社区党支部".into(),
        org: Some(branch_id),
        member: None,
        volunteer: None,
        note: String::new(),
    };
    go(&["record", "add", "rating-subject", "--file", &json_file(d, "subject.json", &subject)]);
    let sheet = zhibu_core::services::demo::branch_scheme();
    go(&["record", "add", "rating-scheme", "--file", &json_file(d, "sheet.json", &sheet)]);
    let store = Store::open_existing(std::path::Path::new(db), "检查").unwrap();
    let (scheme, subject) = (store.current_rating_schemes().unwrap()[0].id, store.subjects().unwrap()[0].id);
    drop(store);
    let rating = StarRating {
        scheme,
        year: 2025,
        subject,
        scores: ["organization", "institutions", "role", "satisfaction"]
            .iter()
            .zip([18.0, 22.0, 23.0, 18.0])
            .map(|(key, score)| IndicatorScore { key: (*key).into(), score })
            .collect(),
    };
    let file = json_file(d, "s.json", &rating);
    go(&["record", "add", "rating", "--file", &file]);
    let error = fails(&["record", "add", "rating", "--file", &file]);
    assert!(error.starts_with("该对象本年度星级评定已存在"), "{error}");
    let activity = VolunteerActivity {
        title: "禁毒宣传进小区".into(),
        category: VolunteerCategory::AntiDrug,
        date: tests::day(2025, 6, 26),
        starts: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        ends: chrono::NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
        place: "金山社区广场".into(),
        organiser: "金山社区党支部".into(),
        organiser_org: Some(branch_id),
        description: "发放禁毒宣传资料".into(),
        participants: vec![
            Participant { member: members[5], hours: 2.5 },
            Participant { member: members[6], hours: 1.5 },
        ],
        volunteers: Vec::new(),
    };
    go(&["record", "add", "volunteer", "--file", &json_file(d, "v.json", &activity)]);

    // A delete is undone.
    go(&["record", "delete", "volunteer", "--id", "1"]);
    go(&["trash", "restore", "--id", "1"]);

    // Compliance: nothing to find in a year done by the rules.
    let store = Store::open_existing(std::path::Path::new(db), "检查").unwrap();
    let report = compliance::run(&store, &RuleSet::default(), 2025, tests::day(2025, 12, 31), None).unwrap();
    let findings: Vec<&str> = report.branches.iter().flat_map(|b| &b.findings).map(|f| f.message.as_str()).collect();
    assert!(findings.is_empty(), "no false findings: {findings:#?}");
    assert_eq!(store.volunteer_activities(tests::day(2025, 1, 1), tests::day(2025, 12, 31)).unwrap().len(), 1);
    let amendments = store.amendments(MeetingId(general as i64)).unwrap();
    assert_eq!(amendments[0].reason, "会议地点记录有误");
    assert_eq!(amendments[0].previous.place, "党群服务中心会议室", "the replaced version is kept");

    // The audit log lists each step under the operator, with what changed.
    let log = store
        .audit_entries(&zhibu_core::store::AuditQuery { operator: Some("李书记".into()), ..Default::default() })
        .unwrap();
    for (action, kind) in [
        ("create", "organization"),
        ("create", "member"),
        ("create", "committee_term"),
        ("finalize", "meeting"),
        ("amend", "meeting"),
        ("finalize", "election"),
        ("update", "duty_review"),
        ("update", "member_appraisal"),
        ("create", "star_rating"),
        ("delete", "volunteer_activity"),
        ("restore", "volunteer_activity"),
    ] {
        assert!(
            log.iter().any(|e| serde_json::to_value(e.action).unwrap() == action && e.record_kind == kind),
            "the audit log has {action} {kind}"
        );
    }
    let amend =
        log.iter().find(|e| e.record_kind == "meeting" && e.action == zhibu_core::store::AuditAction::Amend).unwrap();
    assert!(amend.detail.contains("地点：党群服务中心会议室 → 金山社区党群服务中心二楼"), "{}", amend.detail);
    drop(store);
    let csv = d.join("审计.csv");
    go(&["audit", "--record", "meeting", "--csv", csv.to_str().unwrap()]);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("\u{feff}时间,操作人,操作,记录类型"), "{}", &text[..60]);
    let kinds: std::collections::BTreeSet<&str> =
        text.lines().skip(1).filter_map(|l| l.split(',').nth(3)).filter(|k| !k.is_empty()).collect();
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["会议记录"], "only meeting rows");
    assert!(text.contains(",更正,"), "the amendment is listed");
}

/// Every example in docs/records-json.md reads as the record it documents.
#[test]
fn the_documented_record_examples_are_what_the_command_line_reads() {
    use zhibu_core::domain::*;
    let doc = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/records-json.md"))
        .unwrap();
    let blocks: Vec<&str> = doc.split("```json").skip(1).map(|b| b.split("```").next().unwrap()).collect();
    assert_eq!(blocks.len(), 15);
    fn parse<T: serde::de::DeserializeOwned>(text: &str) {
        if let Err(error) = serde_json::from_str::<T>(text) {
            panic!("{error}: {text}");
        }
    }
    parse::<Organization>(blocks[0]);
    parse::<CommitteeTerm>(blocks[1]);
    parse::<Member>(blocks[2]);
    parse::<Meeting>(blocks[3]);
    parse::<Election>(blocks[4]);
    parse::<DutyReview>(blocks[5]);
    parse::<MemberAppraisal>(blocks[6]);
    parse::<StarRating>(blocks[7]);
    parse::<VolunteerActivity>(blocks[8]);
    parse::<RatingSubject>(blocks[9]);
    parse::<RatingScheme>(blocks[10]);
    parse::<DuesBase>(blocks[11]);
    parse::<DuesPayment>(blocks[12]);
    parse::<Volunteer>(blocks[13]);
    parse::<ServiceTeam>(blocks[14]);
    let sheet: RatingScheme = serde_json::from_str(blocks[10]).unwrap();
    assert!(sheet.validate().is_ok());
    assert_eq!(sheet, zhibu_core::services::demo::compound_scheme(), "the demo's sheet is the documented one");
    // The documented base is at least what the default rates ask (6,500 元 → 1.5%).
    let base: DuesBase = serde_json::from_str(blocks[11]).unwrap();
    assert!(base.validate(&zhibu_core::rules::RuleSet::default().dues.rates).is_ok());
}

/// A dry run that finds problems exits with an error, so a script can tell a sheet the import
/// would refuse; a clean sheet's dry run succeeds and writes nothing.
#[test]
fn a_dry_run_with_problems_fails_and_a_clean_one_passes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let db_arg = db.to_str().unwrap();
    let backups = dir.path().join("backups");
    let mut store = Store::open(&db, "测试").unwrap();
    store
        .write(|w| {
            let committee =
                w.create_organization(&tests::org(None, zhibu_core::domain::OrgKind::Committee, "城东街道党工委"))?;
            w.create_organization(&tests::org(Some(committee), zhibu_core::domain::OrgKind::Branch, "金山社区党支部"))
        })
        .unwrap();
    drop(store);
    let clean = dir.path().join("名册.csv");
    std::fs::write(&clean, tests::roster_csv(3, "金山社区党支部")).unwrap();
    let broken = dir.path().join("名册（有误）.csv");
    let text = tests::roster_csv(3, "金山社区党支部").replacen(",正式党员,2010-06-01", ",正式党员,2010-13-01", 1);
    std::fs::write(&broken, text).unwrap();
    let dry = |file: &std::path::Path| {
        run(Cli::try_parse_from([
            "zhibu",
            "--backup-dir",
            backups.to_str().unwrap(),
            "import",
            "members",
            "--db",
            db_arg,
            "--file",
            file.to_str().unwrap(),
            "--dry-run",
        ])
        .unwrap())
    };
    let error = dry(&broken).unwrap_err().to_string();
    assert_eq!(error, "试运行发现1处问题：导入时会全部拒绝；请按上面的行号修改后再导入");
    dry(&clean).unwrap();
    assert!(Store::open_existing(&db, "测试").unwrap().members(None).unwrap().is_empty(), "a dry run writes nothing");
}

/// 党费 on the command line: bases from the rates, a payment, a payroll list refused whole for one
/// bad row and then taken, a member six months behind flagged by compliance with the clause.
#[test]
fn dues_on_the_command_line() {
    use zhibu_core::domain::*;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let office = Office::new(d);
    let db = office.db.as_str();
    let go = |args: &[&str]| office.go(args);
    let fails = |args: &[&str]| office.fails(args);
    office.committee_and_branch(d);
    let roster = d.join("名册.csv");
    std::fs::write(&roster, tests::roster_csv(3, "金山社区党支部")).unwrap();
    go(&["import", "members", "--file", roster.to_str().unwrap()]);
    let store = Store::open_existing(std::path::Path::new(db), "检查").unwrap();
    let members = store.members(Some(OrgId(2))).unwrap();
    let (a, b, c) = (members[0].id.0.to_string(), members[1].id.0.to_string(), members[2].id.0.to_string());
    let names: Vec<String> = members.iter().map(|m| m.record.name.clone()).collect();
    drop(store);

    // Bases: 6,500 元 after tax → 1.5% = 97.50 元; a retiree's 4,000 元 pension → 20.00 元; a student.
    go(&["dues", "base", "--member", &a, "--year", "2025", "--category", "employed", "--income", "6500"]);
    go(&["dues", "base", "--member", &b, "--year", "2025", "--category", "retired", "--income", "4000.00"]);
    go(&["dues", "base", "--member", &c, "--year", "2025", "--category", "student"]);
    let low = fails(&[
        "dues",
        "base",
        "--member",
        &a,
        "--year",
        "2025",
        "--category",
        "employed",
        "--income",
        "6500",
        "--monthly",
        "90",
    ]);
    assert_eq!(low, "每月党费少于按标准应交的97.50元：90.00元");
    // The student pays January to June at once; the amount defaults to what those months owe.
    go(&["dues", "pay", "--member", &c, "--from", "2025-01", "--to", "2025-06", "--paid-on", "2025-01-10"]);

    // A payroll list for the first quarter: the third row pays less than its months owe.
    let list = d.join("代扣.csv");
    std::fs::write(
        &list,
        format!(
            "姓名,代扣金额,代扣日期,所属月份\n{},292.50,2025-03-25,2025-01至2025-03\n{},40.00,2025-03-25,2025-01至2025-03\n",
            names[0], names[1]
        ),
    )
    .unwrap();
    let list_arg = list.to_str().unwrap();
    let refused = fails(&["import", "dues", "--file", list_arg, "--branch", "2", "--method", "payroll"]);
    assert_eq!(refused, "发现1处问题，未导入任何记录；请按上面的行号修改后重新导入");
    let store = Store::open_existing(std::path::Path::new(db), "检查").unwrap();
    assert_eq!(store.dues_payments(None).unwrap().len(), 1, "nothing of the list was written");
    drop(store);
    std::fs::write(
        &list,
        format!(
            "姓名,代扣金额,代扣日期,所属月份\n{},292.50,2025-03-25,2025-01至2025-03\n{},60.00,2025-03-25,2025-01至2025-03\n",
            names[0], names[1]
        ),
    )
    .unwrap();
    go(&["import", "dues", "--file", list_arg, "--branch", "2", "--method", "payroll"]);
    go(&["dues", "status", "--branch", "2", "--year", "2025", "--as-of", "2025-10-08"]);

    // By October 8 the two who paid to March have owed April to September: six months, flagged.
    let store = Store::open_existing(std::path::Path::new(db), "检查").unwrap();
    let report = zhibu_core::services::dues::branch_dues(
        &store,
        &zhibu_core::rules::RuleSet::default(),
        OrgId(2),
        2025,
        tests::day(2025, 10, 8),
    )
    .unwrap();
    let flagged: Vec<&str> = report.members.iter().filter(|m| m.flag.is_some()).map(|m| m.name.as_str()).collect();
    assert_eq!(flagged, vec![names[0].as_str(), names[1].as_str()]);
    assert_eq!(
        report.members[0].flag.as_deref(),
        Some(format!("{}自2025年4月起已连续6个月未交纳党费（欠缴585.00元），请核实原因", names[0]).as_str())
    );
    // The student paid to June: July to September owed, three months, not flagged.
    assert_eq!(report.members[2].status.owed.len(), 3);
    assert_eq!(report.paid_fen, 29250 + 6000 + 120);
    let audit = store.audit_entries(&zhibu_core::store::AuditQuery::default()).unwrap();
    assert!(audit.iter().any(|e| e.summary == format!("{} 2025年1月至2025年3月党费292.50元", names[0])), "audited");
}

/// `zhibu plugin fixture` writes the request the host passes a template on a real database: the
/// declared kinds only, personal data masked, and rendering it gives the document `zhibu report`
/// makes; a package folder works as well as an id.
#[test]
fn a_fixture_is_the_request_the_host_would_pass() {
    use zhibu_report::plugin_host::{CancelToken, RenderRequest};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let mut store = Store::open(&db, "测试").unwrap();
    zhibu_core::services::demo::generate(
        &mut store,
        &zhibu_core::services::demo::DemoOptions { branches: 2, ..Default::default() },
    )
    .unwrap();
    drop(store);
    let (plugins, cache) = (dir.path().join("plugins"), dir.path().join("cache"));
    let out = dir.path().join("fixture.json");
    let at = "2026-01-05T10:00:00";
    // `zhibu --db … --plugins-dir … --cache-dir … plugin fixture --out fixture.json` and `rest`.
    let fixture = |rest: &[&str]| -> Vec<String> {
        let (db, plugins, cache, out) =
            (db.to_str().unwrap(), plugins.to_str().unwrap(), cache.to_str().unwrap(), out.to_str().unwrap());
        ["--db", db, "--plugins-dir", plugins, "--cache-dir", cache, "plugin", "fixture", "--out", out]
            .iter()
            .chain(rest)
            .map(|s| (*s).to_owned())
            .collect()
    };
    let run = |rest: &[&str]| zhibu(&fixture(rest).iter().map(String::as_str).collect::<Vec<_>>());
    run(&["--template", "duty-review", "--param", "branch=3", "--param", "year=2025", "--generated-at", at]);
    let text = std::fs::read_to_string(&out).unwrap();
    let request: RenderRequest = serde_json::from_str(&text).unwrap();
    assert!(!request.records.meetings.is_empty() && !request.records.volunteer_activities.is_empty());
    assert!(request.records.members.iter().all(|m| m.id_number.contains("********") && m.birth_date.is_empty()));
    assert!(request.records.star_ratings.is_empty(), "a kind duty-review does not declare is left out");
    // Rendering the fixture gives the document the report command makes.
    let store = Store::open_existing(&db, "测试").unwrap();
    let catalog = zhibu_report::services::report::Catalog::open(&cache, &plugins).unwrap();
    let template = catalog.get("duty-review").unwrap();
    let from_fixture = catalog.host.render(&template.plugin, &request, &CancelToken::new()).unwrap().document;
    let params = vec![("branch".to_owned(), "3".to_owned()), ("year".to_owned(), "2025".to_owned())];
    let generated = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S").unwrap();
    let reported = zhibu_report::services::report::render(
        &store,
        &RuleSet::default(),
        &catalog,
        "duty-review",
        &params,
        generated,
        &CancelToken::new(),
    )
    .unwrap()
    .document;
    assert_eq!(from_fixture, reported);
    // A package folder (as `zhibu plugin build` leaves in dist/) instead of an id.
    let package = dir.path().join("dist").join("hostile");
    std::fs::create_dir_all(&package).unwrap();
    let wasm = std::fs::read(env!("HOSTILE_WASM")).unwrap();
    std::fs::write(package.join("plugin.wasm"), &wasm).unwrap();
    std::fs::write(
        package.join("plugin.toml"),
        format!(
            "id = \"hostile\"\nname = \"开发中的模板\"\nversion = \"0.1.0\"\napi_version = \"1.3.0\"\nsha256 = \"{}\"\npermissions = [\"members\"]\n",
            zhibu_report::plugin_host::sha256_bytes(&wasm)
        ),
    )
    .unwrap();
    run(&["--template", package.to_str().unwrap(), "--param", "mode=echo"]);
    let request: RenderRequest = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(request.records.members.len(), 30, "every member: the template has no branch parameter");
    assert!(request.records.meetings.is_empty(), "meetings were not declared");
    // An unknown template is named.
    let args = fixture(&["--template", "no-such-template"]);
    let error = zhibu_fails(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(error, "没有找到模板：no-such-template");
}

/// A batch over branches the template refuses says which and why, from a new database: with no
/// duty reviews entered, `report --each-branch` writes nothing and fails (an empty folder is not
/// a finished job), and the export lists each branch with the template's reason; with one
/// branch's review entered, that branch's file is written and the other is still listed.
#[test]
fn a_branch_batch_lists_each_branch_the_template_declined_and_why() {
    use zhibu_core::domain::*;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let office = Office::new(d);
    let first = office.committee_and_branch(d);
    let other = Organization {
        parent: Some(OrgId(1)),
        kind: OrgKind::Branch,
        category: BranchCategory::Village,
        name: "七里村党支部".into(),
        dissolved_on: None,
    };
    office.go(&["record", "add", "org", "--file", &json_file(d, "o.json", &other)]);
    let (plugins, cache, out) = (d.join("plugins"), d.join("cache"), d.join("述职"));
    let (plugins, cache, out) = (plugins.to_str().unwrap(), cache.to_str().unwrap(), out.to_str().unwrap());
    let batch = ["--plugins-dir", plugins, "--cache-dir", cache, "report", "--template", "duty-review"];
    let batch: Vec<&str> = batch.into_iter().chain(["--param", "year=2025", "--each-branch", "--out", out]).collect();
    let error = office.fails(&batch);
    assert_eq!(error, "模板没有生成任何文件（2 项均未生成，原因见上）：duty-review");

    // What the command printed above its error, from the export it ran.
    let mut store = Store::open_existing(std::path::Path::new(&office.db), "检查").unwrap();
    let catalog = zhibu_report::services::report::Catalog::load(
        zhibu_report::plugin_host::PluginHost::new(zhibu_report::plugin_host::Limits::default(), None).unwrap(),
        None,
    )
    .unwrap();
    let export = |store: &mut Store| {
        let request = zhibu_report::services::export::ExportRequest {
            template: "duty-review".into(),
            params: vec![("year".into(), "2025".into())],
            consent: zhibu_report::services::report::Consent::None,
            generated_at: tests::day(2026, 1, 5).and_hms_opt(9, 0, 0).unwrap(),
            destination: zhibu_report::services::export::Destination::EachBranch(d.join("述职")),
            pdf: false,
        };
        let progress = zhibu_report::services::export::Progress::new();
        zhibu_report::services::export::run(store, &RuleSet::default(), &catalog, &request, &progress).unwrap()
    };
    let exported = export(&mut store);
    assert!(exported.files.is_empty());
    let names: Vec<&str> = exported.skipped.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["金山社区党支部", "七里村党支部"]);
    for (name, why) in &exported.skipped {
        assert!(why.contains(name.as_str()) && why.contains("2025"), "the template's reason names the branch: {why}");
    }

    // One branch's review entered: its file is written, the other branch still listed.
    let roster = d.join("名册.csv");
    std::fs::write(&roster, tests::roster_csv(3, "金山社区党支部")).unwrap();
    office.go(&["import", "members", "--file", roster.to_str().unwrap()]);
    let subject = store.members(Some(first)).unwrap()[0].id;
    let review = secretary_review(first, subject, 3);
    office.go(&["record", "add", "review", "--file", &json_file(d, "r.json", &review)]);
    let exported = export(&mut store);
    assert_eq!(exported.files, [d.join("述职").join("金山社区党支部.docx")]);
    let names: Vec<&str> = exported.skipped.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["七里村党支部"]);
}

/// What `record show member` prints (numbers masked) can be edited and given back to `record
/// edit member`: the masked fields stay as stored, a masked number changed by hand is refused by
/// name, and a wrong value names its field.
#[test]
fn a_shown_member_edited_and_given_back_keeps_its_numbers() {
    use zhibu_core::domain::MemberId;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let office = Office::new(d);
    office.committee_and_branch(d);
    let roster = d.join("名册.csv");
    std::fs::write(&roster, tests::roster_csv(2, "金山社区党支部")).unwrap();
    office.go(&["import", "members", "--file", roster.to_str().unwrap()]);
    let stored = Store::open_existing(std::path::Path::new(&office.db), "检查").unwrap().member(MemberId(1)).unwrap();
    let mut shown = zhibu::cli::masked_member(&stored).unwrap();
    assert!(shown["id_number"].as_str().unwrap().contains('*'), "shown masked");
    shown["details"]["work"] = "金山社区网格长".into();
    office.go(&["record", "edit", "member", "--id", "1", "--file", &json_file(d, "m.json", &shown)]);
    let edited = Store::open_existing(std::path::Path::new(&office.db), "检查").unwrap().member(MemberId(1)).unwrap();
    assert_eq!(edited.details.work, "金山社区网格长");
    assert_eq!(
        (&edited.id_number, &edited.phone, edited.birth_date),
        (&stored.id_number, &stored.phone, stored.birth_date)
    );

    let mut altered = shown.clone();
    let masked = altered["id_number"].as_str().unwrap().to_owned();
    altered["id_number"] = format!("{}X", &masked[..masked.len() - 1]).into();
    let error = office.fails(&["record", "edit", "member", "--id", "1", "--file", &json_file(d, "m2.json", &altered)]);
    assert_eq!(error, "记录文件中的值仍含遮挡的“*”（保留显示时的原样表示不修改，或填写完整的新值）：id_number");

    let mut wrong = shown;
    wrong["status"] = serde_json::Value::Null;
    let file = json_file(d, "m3.json", &wrong);
    let error = office.fails(&["record", "edit", "member", "--id", "1", "--file", &file]);
    assert_eq!(error, format!("记录文件中字段 status 的值不对（见 docs/records-json.md）：{file}"));
}

/// `report --each-volunteer` from an empty database: a certificate for each member who served in
/// the year (not for one who served only the year before), numbered in turn; two members sharing
/// a name get files of their own.
#[test]
fn certificates_for_every_volunteer_of_the_year_on_the_command_line() {
    use zhibu_core::domain::*;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let office = Office::new(d);
    let branch = office.committee_and_branch(d);
    let roster = d.join("名册.csv");
    std::fs::write(&roster, tests::roster_csv(3, "金山社区党支部")).unwrap();
    office.go(&["import", "members", "--file", roster.to_str().unwrap()]);
    let store = Store::open_existing(std::path::Path::new(&office.db), "检查").unwrap();
    let first = store.member(MemberId(1)).unwrap();
    let mut namesake = zhibu::cli::masked_member(&store.member(MemberId(2)).unwrap()).unwrap();
    drop(store);
    namesake["name"] = first.name.clone().into();
    office.go(&["record", "edit", "member", "--id", "2", "--file", &json_file(d, "m.json", &namesake)]);
    let activity = |date: chrono::NaiveDate, who: &[i64], file: &str| {
        let served: Vec<MemberId> = who.iter().map(|&id| MemberId(id)).collect();
        let activity = tests::volunteer_activity(branch, date, &served);
        office.go(&["record", "add", "volunteer", "--file", &json_file(d, file, &activity)]);
    };
    activity(tests::day(2025, 6, 26), &[1, 2], "v1.json");
    activity(tests::day(2024, 9, 3), &[3], "v2.json");
    let (plugins, cache, out) = (d.join("plugins"), d.join("cache"), d.join("证明"));
    let (plugins, cache, folder) = (plugins.to_str().unwrap(), cache.to_str().unwrap(), out.to_str().unwrap());
    office.go(&[
        "--plugins-dir",
        plugins,
        "--cache-dir",
        cache,
        "report",
        "--template",
        "volunteer-certificate",
        "--param",
        "year=2025",
        "--each-volunteer",
        "--out",
        folder,
    ]);
    let mut files: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    let name = |id: i64| format!("金山社区党支部 {} {id}.docx", first.name);
    assert_eq!(files, [name(1), name(2)]);
    for (id, number) in [(1, "DH-2025-001"), (2, "DH-2025-002")] {
        let text = super::export::text_dump(&super::export::part(
            &std::fs::read(out.join(name(id))).unwrap(),
            "word/document.xml",
        ));
        assert!(text.contains(number) && text.contains(&first.name), "{text}");
    }
    // A template without a member parameter is refused, naming it.
    let error = office.fails(&[
        "--plugins-dir",
        plugins,
        "--cache-dir",
        cache,
        "report",
        "--template",
        "duty-review",
        "--param",
        "year=2025",
        "--each-volunteer",
        "--out",
        folder,
    ]);
    assert!(error.ends_with("模板 duty-review 没有党员参数，不能按志愿者逐个生成"), "{error}");
}
