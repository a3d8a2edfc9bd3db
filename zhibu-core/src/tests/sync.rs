//! Stable identity for reporting up (migration 0009): the installation's id, a UUID per record
//! made where it was created and kept through edits, and each branch's change counter with the
//! newest change of every record (deletes and moves leave tombstones) — whatever write path made
//! the change.

use crate::domain::{MeetingKind, OrgKind};
use crate::fixtures::{Fixture, day, meeting, org};
use crate::store::{SYNCED, Store};

fn is_uuid_v4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && text.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        && parts[2].starts_with('4')
        && parts[3].starts_with(['8', '9', 'a', 'b'])
}

#[test]
fn the_installation_has_one_id_for_good() {
    let fx = Fixture::new().unwrap();
    let id = fx.store.installation_id().unwrap();
    assert!(is_uuid_v4(&id), "{id}");
    let path = fx.store.path().to_owned();
    drop(fx.store);
    assert_eq!(Store::open(&path, "测试员").unwrap().installation_id().unwrap(), id);
    let other = Fixture::new().unwrap();
    assert_ne!(other.store.installation_id().unwrap(), id, "each installation its own");
}

#[test]
fn every_write_of_a_branch_record_counts_and_the_newest_change_is_kept() {
    let mut fx = Fixture::new().unwrap();
    let branch = fx.branch;
    let start = fx.store.change_counter(Some(branch)).unwrap();
    assert_eq!(start, 1, "the branch's own creation is its first change");
    let members = fx.add_members(4).unwrap();
    let uuid = fx.store.record_uuid("member", members[0].0).unwrap();
    assert!(is_uuid_v4(&uuid), "{uuid}");
    assert_eq!(fx.store.change_counter(Some(branch)).unwrap(), start + 4);
    // An edit keeps the UUID and moves the record's change to the new counter.
    let mut edited = fx.store.member(members[0]).unwrap();
    edited.ethnicity = "回族".into();
    fx.store.write(|w| w.update_member(members[0], &edited)).unwrap();
    assert_eq!(fx.store.record_uuid("member", members[0].0).unwrap(), uuid);
    let changes = fx.store.changes_since(Some(branch), start + 4).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].kind.as_str(), changes[0].uuid.as_str(), changes[0].deleted),
        ("member", uuid.as_str(), false)
    );
    // A meeting, finalised then amended: one record, its newest change, the same UUID.
    let mut m = meeting(branch, MeetingKind::GeneralMeeting, day(2025, 3, 10), &members[..3], 3);
    m.status = crate::domain::MeetingStatus::Draft;
    let id = fx.store.write(|w| w.create_meeting(&m)).unwrap();
    let meeting_uuid = fx.store.record_uuid("meeting", id.0).unwrap();
    fx.store.write(|w| w.finalize_meeting(id)).unwrap();
    let before = fx.store.change_counter(Some(branch)).unwrap();
    let mut amended = fx.store.meeting(id).unwrap();
    amended.place = "社区党群服务中心二楼".into();
    fx.store.write(|w| w.amend_meeting(id, &amended, "地点记错")).unwrap();
    assert_eq!(fx.store.record_uuid("meeting", id.0).unwrap(), meeting_uuid);
    let since: Vec<String> =
        fx.store.changes_since(Some(branch), before).unwrap().into_iter().map(|c| c.uuid).collect();
    assert_eq!(since, vec![meeting_uuid.clone()]);
    // A delete (of a member entered by mistake, in no record) leaves a tombstone at a newer counter.
    let gone = fx.store.record_uuid("member", members[3].0).unwrap();
    let before = fx.store.change_counter(Some(branch)).unwrap();
    fx.store.write(|w| w.delete_member(members[3])).unwrap();
    let changes = fx.store.changes_since(Some(branch), before).unwrap();
    assert_eq!(changes.len(), 1);
    assert!(changes[0].deleted && changes[0].uuid == gone && changes[0].counter == before + 1, "{changes:?}");
    // Whatever was changed appears once, with its newest counter.
    let all = fx.store.changes_since(Some(branch), 0).unwrap();
    let mut uuids: Vec<&str> = all.iter().map(|c| c.uuid.as_str()).collect();
    uuids.sort_unstable();
    uuids.dedup();
    assert_eq!(uuids.len(), all.len());
}

#[test]
fn a_member_who_moves_leaves_a_tombstone_where_they_were_and_other_branches_are_untouched() {
    let mut fx = Fixture::new().unwrap();
    let committee = fx.committee;
    let other =
        fx.store.write(|w| w.create_organization(&org(Some(committee), OrgKind::Branch, "头格社区党支部"))).unwrap();
    let members = fx.add_members(1).unwrap();
    let uuid = fx.store.record_uuid("member", members[0].0).unwrap();
    let (here, there) =
        (fx.store.change_counter(Some(fx.branch)).unwrap(), fx.store.change_counter(Some(other)).unwrap());
    let mut moved = fx.store.member(members[0]).unwrap();
    moved.branch = other;
    moved.group = None;
    fx.store.write(|w| w.update_member(members[0], &moved)).unwrap();
    let left = fx.store.changes_since(Some(fx.branch), here).unwrap();
    assert!(left.len() == 1 && left[0].deleted && left[0].uuid == uuid, "{left:?}");
    let arrived = fx.store.changes_since(Some(other), there).unwrap();
    assert!(arrived.len() == 1 && !arrived[0].deleted && arrived[0].uuid == uuid, "{arrived:?}");
    // The committee itself is the installation's own record, not a branch's.
    assert!(fx.store.changes_since(None, 0).unwrap().iter().any(|c| c.kind == "organization"));
}

#[test]
fn every_record_of_the_demo_has_its_own_uuid_and_one_change_each() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("demo.db"), "测试").unwrap();
    crate::services::demo::generate(
        &mut store,
        &crate::services::demo::DemoOptions { branches: 3, ..Default::default() },
    )
    .unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("demo.db")).unwrap();
    let mut total = 0i64;
    for (_, table) in SYNCED {
        let (rows, distinct, missing): (i64, i64, i64) = conn
            .query_row(
                &format!("SELECT count(*), count(DISTINCT uuid), count(*) - count(uuid) FROM {table}"),
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((distinct, missing), (rows, 0), "{table}");
        total += rows;
    }
    let (changes, live): (i64, i64) = conn
        .query_row("SELECT count(*), count(*) - sum(deleted) FROM sync_changes", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(live, total, "every record has exactly one live change");
    assert!(changes >= total);
    // Each branch's counter is the highest counter it logged.
    for branch in store.organizations().unwrap().iter().filter(|o| o.record.kind == OrgKind::Branch) {
        let changes = store.changes_since(Some(branch.id), 0).unwrap();
        assert_eq!(store.change_counter(Some(branch.id)).unwrap(), changes.last().unwrap().counter);
    }
}

/// Whether any field that names another record still holds a local (integer) id.
fn leaks_local_ids(value: &serde_json::Value) -> Option<String> {
    const NAMING: [&str; 14] = [
        "parent",
        "branch",
        "group",
        "org",
        "organiser_org",
        "member",
        "elected",
        "tied",
        "subject",
        "scheme",
        "volunteer",
        "team",
        "meeting",
        "id",
    ];
    match value {
        serde_json::Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            let numeric = v.is_number() || v.as_array().is_some_and(|a| a.iter().any(serde_json::Value::is_number));
            if NAMING.contains(&k.as_str()) && numeric { Some(format!("{k}: {v}")) } else { leaks_local_ids(v) }
        }),
        serde_json::Value::Array(items) => items.iter().find_map(leaks_local_ids),
        _ => None,
    }
}

#[test]
fn a_change_set_carries_every_changed_record_with_uuids_for_ids_and_tombstones_for_deletes() {
    use crate::services::sync::change_set;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("demo.db"), "测试").unwrap();
    crate::services::demo::generate(
        &mut store,
        &crate::services::demo::DemoOptions { branches: 2, years: 1, ..Default::default() },
    )
    .unwrap();
    let branches: Vec<_> =
        store.organizations().unwrap().into_iter().filter(|o| o.record.kind == OrgKind::Branch).collect();
    let (branch, other) = (&branches[0], &branches[1]);
    let everything = change_set(&store, branch.id, 0).unwrap();
    assert_eq!(everything.branch, store.branch_key(Some(branch.id)).unwrap());
    assert_eq!(everything.upto, store.change_counter(Some(branch.id)).unwrap());
    assert_eq!(everything.records.len(), store.changes_since(Some(branch.id), 0).unwrap().len());
    for record in &everything.records {
        let body = record.body.as_ref().expect("nothing deleted yet");
        assert_eq!(leaks_local_ids(body), None, "{} {}", record.kind, record.uuid);
    }
    // A member's record names its branch by the branch's UUID; none of the other branch's records is here.
    let member = everything.records.iter().find(|r| r.kind == "member").unwrap();
    assert_eq!(member.body.as_ref().unwrap()["branch"], serde_json::json!(everything.branch));
    let theirs: Vec<String> = store.changes_since(Some(other.id), 0).unwrap().into_iter().map(|c| c.uuid).collect();
    assert!(!theirs.is_empty() && everything.records.iter().all(|r| !theirs.contains(&r.uuid)));
    // (It may still name the other branch: a compound rated here can be measured by its records.)
    // A meeting's attendance names members by UUID, each a member of the set.
    let members: Vec<&str> =
        everything.records.iter().filter(|r| r.kind == "member").map(|r| r.uuid.as_str()).collect();
    let meeting = everything.records.iter().find(|r| r.kind == "meeting").unwrap();
    let attendance = meeting.body.as_ref().unwrap()["attendance"].as_array().unwrap();
    assert!(!attendance.is_empty());
    assert!(attendance.iter().all(|a| members.contains(&a["member"].as_str().unwrap())));

    // After the committee acknowledged `upto`: only what changed since, deletes as tombstones.
    let upto = everything.upto;
    let first = store.members(Some(branch.id)).unwrap()[0].clone();
    let mut edited = first.record.clone();
    edited.ethnicity = "满族".into();
    store.write(|w| w.update_member(first.id, &edited)).unwrap();
    let team = store
        .write(|w| {
            w.create_team(&crate::domain::ServiceTeam {
                branch: branch.id,
                name: "临时服务队".into(),
                leader: String::new(),
                note: String::new(),
            })
        })
        .unwrap();
    let team_uuid = store.record_uuid("service_team", team.0).unwrap();
    store.write(|w| w.delete_team(team)).unwrap();
    let since = change_set(&store, branch.id, upto).unwrap();
    let got: Vec<(&str, bool)> = since.records.iter().map(|r| (r.kind.as_str(), r.body.is_none())).collect();
    assert_eq!(got, vec![("member", false), ("service_team", true)]);
    assert_eq!(since.records[1].uuid, team_uuid);
    assert_eq!(since.records[0].body.as_ref().unwrap()["ethnicity"], "满族");
}

#[test]
fn a_change_set_decodes_back_into_the_records_it_was_made_from() {
    let mut fx = Fixture::new().unwrap();
    let branch = fx.branch;
    let members = fx.add_members(3).unwrap();
    // Text that looks like a reference, quotes and backslashes must come through untouched.
    let mut m = meeting(branch, MeetingKind::GeneralMeeting, day(2025, 3, 10), &members, 2);
    m.title = r#"学习"member":"00000000-0000-4000-8000-000000000000"与\路径"#.into();
    m.place = "党群服务中心[二楼]{会议室}".into();
    let id = fx.store.write(|w| w.create_meeting(&m)).unwrap();
    let set = crate::services::sync::change_set(&fx.store, branch, 0).unwrap();
    let rows: Vec<(String, String, String)> = set
        .records
        .iter()
        .filter_map(|r| Some((r.kind.clone(), r.uuid.clone(), r.body.as_ref()?.to_string())))
        .collect();
    let received = crate::services::received::decode(
        rows.iter().map(|(k, u, b)| (k.as_str(), u.as_str(), b.as_str())),
        day(2025, 1, 1),
        day(2025, 12, 31),
    )
    .unwrap();
    let ledger = &received.ledger;
    assert_eq!(ledger.members.len(), 3);
    assert_eq!(ledger.meetings.len(), 1);
    let decoded = &ledger.meetings[0].record;
    assert_eq!((decoded.title.as_str(), decoded.place.as_str()), (m.title.as_str(), m.place.as_str()));
    // Every reference names the same record as on the PC, through the UUIDs.
    let uuid_of_member = |local: crate::domain::MemberId| fx.store.record_uuid("member", local.0).unwrap();
    let decoded_attendance: Vec<(String, crate::domain::Presence)> = decoded
        .attendance
        .iter()
        .map(|a| (received.uuid_of(a.member.0).unwrap().to_owned(), a.presence.clone()))
        .collect();
    let original: Vec<(String, crate::domain::Presence)> =
        m.attendance.iter().map(|a| (uuid_of_member(a.member), a.presence.clone())).collect();
    assert_eq!(decoded_attendance, original);
    assert_eq!(received.uuid_of(decoded.branch.0).unwrap(), fx.store.branch_key(Some(branch)).unwrap());
    assert_eq!(received.uuid_of(ledger.meetings[0].id.0).unwrap(), fx.store.record_uuid("meeting", id.0).unwrap());
    // A body that is not JSON is named, not guessed at.
    let broken = [("member", "x", "{\"name\":\"王")];
    let error = crate::services::received::decode(broken, day(2025, 1, 1), day(2025, 12, 31)).unwrap_err();
    assert_eq!(error.to_string(), "数据库中的支部报送记录无法识别：member x");
}
