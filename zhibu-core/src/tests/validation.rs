//! Bad input: each case gets a clear Chinese error naming the field, and nothing is written.

use crate::domain::{IdNumber, MeetingKind, OrgId, Resolution, Votes};
use crate::fixtures::{Fixture, at, day, meeting, member};
use crate::store::StoreError;

/// Row counts of every table plus the audit log, to prove a refused write changed nothing.
fn snapshot(fx: &Fixture) -> Vec<i64> {
    let conn = rusqlite::Connection::open(fx.dir.path().join("test.db")).unwrap();
    let tables = crate::fixtures::table_names(&conn);
    tables.iter().map(|t| conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap()).collect()
}

#[test]
fn bad_input_is_refused_with_the_field_named_and_nothing_written() {
    let mut fx = Fixture::new().unwrap();
    let ids = fx.add_members(4).unwrap();
    let branch = fx.branch;

    let mut bad_id = member(branch, 40);
    // Flip the check character of a valid number.
    let valid = bad_id.id_number.as_str().to_owned();
    let wrong = if valid.ends_with('1') { format!("{}2", &valid[..17]) } else { format!("{}1", &valid[..17]) };
    let id_error = IdNumber::parse(&wrong).map(|_| ()).unwrap_err();
    assert!(id_error.to_string().starts_with("身份证号校验位不正确："), "{id_error}");
    assert!(!id_error.to_string().contains(&wrong), "the full number is masked: {id_error}");
    // The same number arriving through serde (an import, a plugin) is refused too.
    let json = serde_json::to_string(&bad_id).unwrap().replace(&valid, &wrong);
    assert!(serde_json::from_str::<crate::domain::Member>(&json).is_err());

    let mut too_many_votes = meeting(branch, MeetingKind::GeneralMeeting, day(2025, 4, 2), &ids, 3);
    too_many_votes.resolutions =
        vec![Resolution { text: "同意接收预备党员".into(), votes: Votes { yes: 3, no: 1, abstain: 0 } }];
    let mut ends_before_start = meeting(branch, MeetingKind::CommitteeMeeting, day(2025, 4, 3), &ids, 3);
    ends_before_start.ends_at = at(day(2025, 4, 3), 8);
    let unknown_branch = meeting(OrgId(999), MeetingKind::ThemeDay, day(2025, 4, 4), &ids, 3);
    bad_id.name = " ".into();

    let before = snapshot(&fx);
    let cases: Vec<(&str, Result<(), StoreError>)> = vec![
        (
            "表决票数合计超过实到人数3人：赞成3、反对1、弃权0，共4票",
            fx.store.write(|w| w.create_meeting(&too_many_votes)).map(|_| ()),
        ),
        (
            "会议结束时间应晚于开始时间 2025-04-03 09:00：2025-04-03 08:00",
            fx.store.write(|w| w.create_meeting(&ends_before_start)).map(|_| ()),
        ),
        ("召开支部不存在：999", fx.store.write(|w| w.create_meeting(&unknown_branch)).map(|_| ())),
        ("姓名不能为空： ", fx.store.write(|w| w.create_member(&bad_id)).map(|_| ())),
    ];
    for (expected, result) in cases {
        let err = result.unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
    assert_eq!(snapshot(&fx), before, "a refused write must leave every table as it was");
}

#[test]
fn a_batch_that_fails_half_way_writes_nothing() {
    let mut fx = Fixture::new().unwrap();
    let before = snapshot(&fx);
    let branch = fx.branch;
    let result = fx.store.write(|w| {
        w.create_member(&member(branch, 1))?;
        w.create_member(&member(branch, 1)) // the same ID number again
    });
    let err = result.map(|_| ()).unwrap_err();
    assert!(err.to_string().starts_with("身份证号已存在："), "{err}");
    assert_eq!(snapshot(&fx), before);
}

#[test]
fn member_cross_checks_against_the_id_number() {
    let branch = OrgId(1);
    let mut m = member(branch, 3);
    m.gender = crate::domain::Gender::Female;
    assert!(m.validate().unwrap_err().to_string().starts_with("性别与身份证号不符"));
    let mut m = member(branch, 3);
    m.birth_date = day(1999, 1, 1);
    assert!(m.validate().unwrap_err().to_string().starts_with("出生日期与身份证号不符"));
    let mut m = member(branch, 3);
    m.joined_on = m.birth_date;
    assert!(m.validate().unwrap_err().to_string().starts_with("入党时间早于年满18周岁"));
}
