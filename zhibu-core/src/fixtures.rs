//! Shared test fixtures (feature `fixtures`, and this crate's own tests): a throwaway database
//! with a small organization tree and helpers that build valid records, so each test states only
//! what it is about.

use crate::domain::{
    Attendance, BranchCategory, Gender, IdNumber, Meeting, MeetingKind, MeetingStatus, Member, MemberId, MemberStatus,
    OrgId, OrgKind, Organization, Participant, Presence, RatingSubject, RatingSubjectKind, SubjectId,
    VolunteerActivity, VolunteerCategory,
};
use crate::store::{Store, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use tempfile::TempDir;

/// A database in a temporary folder with a committee and one community branch.
pub struct Fixture {
    /// Keeps the folder alive for the test's duration.
    pub dir: TempDir,
    /// The open store.
    pub store: Store,
    /// The root committee.
    pub committee: OrgId,
    /// A community branch under it.
    pub branch: OrgId,
}

impl Fixture {
    /// Creates the database and the two organizations.
    pub fn new() -> Result<Self, StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Attachment { path: "tmp".into(), source: e })?;
        let mut store = Store::open(&dir.path().join("test.db"), "测试员")?;
        let (committee, branch) = store.write(|w| {
            let committee = w.create_organization(&org(None, OrgKind::Committee, "东湖经济开发区党工委"))?;
            let branch = w.create_organization(&org(Some(committee), OrgKind::Branch, "金山社区党支部"))?;
            Ok::<_, StoreError>((committee, branch))
        })?;
        Ok(Self { dir, store, committee, branch })
    }

    /// Adds `count` full members to the branch (joined 2010) and returns their ids.
    pub fn add_members(&mut self, count: u32) -> Result<Vec<MemberId>, StoreError> {
        let branch = self.branch;
        let start = self.store.members(None)?.len() as u32;
        self.store.write(|w| (start..start + count).map(|i| w.create_member(&member(branch, i))).collect())
    }

    /// Registers the branch as a subject it rates itself (under its own name).
    pub fn branch_subject(&mut self) -> Result<SubjectId, StoreError> {
        let branch = self.branch;
        self.store.write(|w| {
            w.create_subject(&RatingSubject {
                branch,
                kind: RatingSubjectKind::Branch,
                name: "金山社区党支部".into(),
                org: Some(branch),
                member: None,
                volunteer: None,
                note: String::new(),
            })
        })
    }
}

/// An organization of `kind` under `parent`, in the community category.
pub fn org(parent: Option<OrgId>, kind: OrgKind, name: &str) -> Organization {
    Organization { parent, kind, category: BranchCategory::Community, name: name.to_owned(), dissolved_on: None }
}

/// A valid 18-character ID number for a birth date; `sequence` picks the 15th–17th digits
/// (odd last digit: male).
pub fn id_number(birth: NaiveDate, sequence: u32) -> IdNumber {
    let body = format!("330784{}{:03}", birth.format("%Y%m%d"), sequence % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    match IdNumber::parse(&format!("{body}{check}")) {
        Ok(id) => id,
        Err(e) => panic!("fixture built an invalid ID number: {e}"),
    }
}

/// The `index`-th valid full member of `branch`, born 1970–1989, joined 2010.
pub fn member(branch: OrgId, index: u32) -> Member {
    let birth = day(1970 + (index % 20) as i32, 1 + index % 12, 1 + index % 28);
    let sequence = index * 2 + 1; // odd: male
    Member {
        name: format!("党员{index}"),
        gender: Gender::Male,
        birth_date: birth,
        ethnicity: "汉族".to_owned(),
        id_number: id_number(birth, sequence),
        phone: None,
        status: MemberStatus::Full,
        joined_on: day(2010, 6, 1),
        confirmed_on: Some(day(2011, 6, 1)),
        branch,
        group: None,
        in_service: false,
        dual_registration: None,
        details: crate::domain::MemberDetails::default(),
    }
}

/// A date; panics on an impossible one (fixtures only use real dates).
pub fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_else(|| panic!("bad fixture date {year}-{month}-{day}"))
}

/// `date` at `hour`:00.
pub fn at(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_hms_opt(hour, 0, 0).unwrap_or_else(|| panic!("bad fixture hour {hour}"))
}

/// A final meeting of `kind` on `date` (9:00–11:00) in `branch` where `present` of `expected` came.
pub fn meeting(branch: OrgId, kind: MeetingKind, date: NaiveDate, expected: &[MemberId], present: usize) -> Meeting {
    Meeting {
        kind,
        branch,
        group: None,
        title: format!("{}{}", date.format("%-m月"), kind.label()),
        starts_at: at(date, 9),
        ends_at: at(date, 11),
        place: "党群服务中心会议室".to_owned(),
        host: "党员0".to_owned(),
        recorder: "党员1".to_owned(),
        attendance: expected
            .iter()
            .enumerate()
            .map(|(i, &m)| Attendance {
                member: m,
                presence: if i < present {
                    Presence::Present
                } else {
                    Presence::OnLeave { reason: "出差".to_owned() }
                },
            })
            .collect(),
        observers: Vec::new(),
        agenda: Vec::new(),
        speeches: Vec::new(),
        resolutions: Vec::new(),
        attachments: Vec::new(),
        status: MeetingStatus::Final,
    }
}

/// A morning's anti-drug campaign (9:00–11:30) on `date`, organised by `branch`, each of
/// `served` members serving 2.5 hours.
pub fn volunteer_activity(branch: OrgId, date: NaiveDate, served: &[MemberId]) -> VolunteerActivity {
    let time = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    VolunteerActivity {
        title: "禁毒宣传进小区".into(),
        category: VolunteerCategory::AntiDrug,
        date,
        starts: time(9, 0),
        ends: time(11, 30),
        place: "金山社区广场".into(),
        organiser: "金山社区党支部".into(),
        organiser_org: Some(branch),
        description: "发放禁毒宣传资料".into(),
        participants: served.iter().map(|&member| Participant { member, hours: 2.5 }).collect(),
        volunteers: Vec::new(),
    }
}

/// The store's branches (党支部), by id: what most batch tests iterate over.
pub fn branches(store: &Store) -> Result<Vec<crate::domain::Stored<OrgId, Organization>>, StoreError> {
    Ok(store.organizations()?.into_iter().filter(|o| o.record.kind == OrgKind::Branch).collect())
}

/// A roster CSV of `rows` valid full members of the branch named `branch` (names 党员0…, unique
/// ID numbers born 1950–1979, joined 2010), as a secretary's export would hold them.
pub fn roster_csv(rows: u32, branch: &str) -> String {
    let mut text = String::from("姓名,身份证号,党员状态,入党时间,所在支部\n");
    for i in 0..rows {
        let birth = day(1950 + (i % 30) as i32, 1 + i % 12, 1 + i % 28);
        // 420 rows cycle through distinct birth dates; each cycle takes the next sequence number.
        let id = id_number(birth, (i / 420) * 2 + 1);
        text.push_str(&format!("党员{i},{},正式党员,2010-06-01,{branch}\n", id.as_str()));
    }
    text
}

/// The names of every table of `conn`'s database, in name order.
pub fn table_names(conn: &rusqlite::Connection) -> Vec<String> {
    let names = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>());
    match names {
        Ok(names) => names,
        Err(e) => panic!("cannot list the tables: {e}"),
    }
}
