//! The register of volunteers who are not members: registered once (an ID number only once),
//! grouped in the branch's own teams, credited with their own hours in activities (and found
//! through the branch that registered them), kept once they served, and credited by the hours
//! import when the export names them.

use crate::domain::{
    OrgKind, Participant, ServiceTeam, Volunteer, VolunteerActivity, VolunteerCategory, VolunteerHours, VolunteerKind,
};
use crate::fixtures::{Fixture, day, id_number, org};
use crate::store::StoreError;

fn volunteer(branch: crate::domain::OrgId, name: &str, sequence: u32) -> Volunteer {
    Volunteer {
        branch,
        name: name.into(),
        kind: VolunteerKind::Resident,
        id_number: Some(id_number(day(1965, 4, 9), sequence)),
        phone: None,
        unit: String::new(),
        team: None,
        registered_on: Some(day(2025, 3, 1)),
        note: String::new(),
    }
}

#[test]
fn registered_volunteers_serve_with_their_own_hours_and_are_kept_once_they_served() {
    let mut fx = Fixture::new().unwrap();
    let members = fx.add_members(1).unwrap();
    let branch = fx.branch;
    let committee = fx.committee;
    let (other, team, wang, li) = fx
        .store
        .write(|w| {
            let other = w.create_organization(&org(Some(committee), OrgKind::Branch, "银湖社区党支部"))?;
            let team = w.create_team(&ServiceTeam {
                branch,
                name: "金山红色志愿服务队".into(),
                leader: "党员0".into(),
                note: String::new(),
            })?;
            let wang = w.create_volunteer(&Volunteer { team: Some(team), ..volunteer(branch, "王阿姨", 12) })?;
            let li = w.create_volunteer(&volunteer(branch, "李大伯", 13))?;
            Ok::<_, StoreError>((other, team, wang, li))
        })
        .unwrap();
    // The same ID number twice, and a team of another branch, are refused.
    let twice = fx.store.write(|w| w.create_volunteer(&volunteer(branch, "王阿姨", 12))).unwrap_err();
    assert!(twice.to_string().starts_with("身份证号已登记为志愿者王阿姨："), "{twice}");
    let foreign =
        fx.store.write(|w| w.create_volunteer(&Volunteer { team: Some(team), ..volunteer(other, "赵", 15) }));
    assert_eq!(foreign.unwrap_err().to_string(), format!("服务队不属于登记支部：{team}"));

    // An activity with a member and two registered volunteers, each with their own hours.
    let activity = VolunteerActivity {
        title: "金山小区环境整治".into(),
        category: VolunteerCategory::CleanUp,
        date: day(2025, 5, 10),
        starts: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        ends: chrono::NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
        place: "金山小区".into(),
        organiser: "金山社区党支部".into(),
        organiser_org: Some(branch),
        description: String::new(),
        participants: vec![Participant { member: members[0], hours: 3.0 }],
        volunteers: vec![VolunteerHours { volunteer: wang, hours: 3.0 }, VolunteerHours { volunteer: li, hours: 1.5 }],
    };
    let id = fx.store.write(|w| w.create_volunteer_activity(&activity)).unwrap();
    assert_eq!(fx.store.volunteer_activity(id).unwrap(), activity);
    // Only registered volunteers: the activity still belongs to the branch that registered them.
    let only_register = VolunteerActivity {
        title: "重阳节敬老".into(),
        participants: Vec::new(),
        volunteers: vec![VolunteerHours { volunteer: li, hours: 2.0 }],
        ..activity.clone()
    };
    fx.store.write(|w| w.create_volunteer_activity(&only_register)).unwrap();
    let found = fx.store.branch_volunteer_activities(branch, day(2025, 1, 1), day(2025, 12, 31)).unwrap();
    assert_eq!(found.len(), 2);
    // Serving twice in one activity is refused.
    let twice = VolunteerActivity {
        volunteers: vec![VolunteerHours { volunteer: li, hours: 1.0 }, VolunteerHours { volunteer: li, hours: 1.0 }],
        ..activity.clone()
    };
    let error = fx.store.write(|w| w.create_volunteer_activity(&twice)).unwrap_err();
    assert_eq!(error.to_string(), format!("参加的志愿者重复：{li}"));

    // One who served is kept; one registered by mistake goes to the trash and comes back.
    let kept = fx.store.write(|w| w.delete_volunteer(li)).unwrap_err();
    assert_eq!(kept.to_string(), "志愿者已参加2次志愿服务，不能删除（台账须保留）：李大伯");
    let mistake = fx.store.write(|w| w.create_volunteer(&volunteer(branch, "误登记", 17))).unwrap();
    fx.store.write(|w| w.delete_volunteer(mistake)).unwrap();
    assert_eq!(fx.store.volunteers(Some(branch)).unwrap().len(), 2);
    let trash = fx.store.trash().unwrap();
    let item = trash.iter().find(|t| t.record_kind == "volunteer").unwrap();
    fx.store.write(|w| w.restore_deleted(item.id)).unwrap();
    assert_eq!(fx.store.volunteers(Some(branch)).unwrap().len(), 3);
    let team_kept = fx.store.write(|w| w.delete_team(team)).unwrap_err();
    assert_eq!(team_kept.to_string(), "服务队还有1名志愿者，不能删除：金山红色志愿服务队");
}

#[test]
fn the_hours_import_credits_registered_volunteers_and_names_the_unknown() {
    use crate::import::table::Encoding;
    let mut fx = Fixture::new().unwrap();
    let members = fx.add_members(1).unwrap();
    let branch = fx.branch;
    let wang = fx.store.write(|w| w.create_volunteer(&volunteer(branch, "王阿姨", 12))).unwrap();
    let member_name = fx.store.member(members[0]).unwrap().name;
    let file = fx.dir.path().join("时长.csv");
    std::fs::write(
        &file,
        format!(
            "姓名,身份证号,活动名称,服务时间,时长（小时）\n{member_name},,禁毒宣传进小区,2025-06-26 09:00,3\n\
             王阿姨,,禁毒宣传进小区,2025-06-26 09:00,2.5\n张路人,,禁毒宣传进小区,2025-06-26 09:00,1\n"
        ),
    )
    .unwrap();
    let result = crate::services::import::volunteer(&mut fx.store, &file, Encoding::Auto, branch, &[], false).unwrap();
    assert!(result.applied);
    assert_eq!(result.plan.skipped.len(), 1);
    assert_eq!(result.plan.skipped[0].1, "张路人不在党员名册和志愿者名册中，未导入（请先在“志愿服务”中登记为志愿者）");
    let stored = fx.store.volunteer_activities(day(2025, 1, 1), day(2025, 12, 31)).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].record.participants, vec![Participant { member: members[0], hours: 3.0 }]);
    assert_eq!(stored[0].record.volunteers, vec![VolunteerHours { volunteer: wang, hours: 2.5 }]);
}
