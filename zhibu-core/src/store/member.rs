//! Members in the store: create, update, delete, look up by id or ID number.

use super::{AuditAction, Result, Store, StoreError, Writer, codec};
use crate::domain::{
    DualRegistration, IdNumber, Member, MemberDetails, MemberId, OrgId, Phone, Stored, ValidationError,
};
use rusqlite::{Connection, OptionalExtension, Row};

const MEMBER_COLUMNS: &str = "id, name, gender, birth_date, ethnicity, id_number, phone, status, joined_on,
     confirmed_on, branch_id, group_id, in_service, dual_community, dual_posts, dual_registered_on,
     education, work, native_place, remarks";

impl Writer<'_> {
    /// Adds a member to an existing branch; the ID number must be new.
    pub fn create_member(&mut self, member: &Member) -> Result<MemberId> {
        self.check_member(member, None)?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO members(name, gender, birth_date, ethnicity, id_number, phone, status, joined_on, confirmed_on,
                 branch_id, group_id, in_service, dual_community, dual_posts, dual_registered_on,
                 education, work, native_place, remarks)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        )?;
        stmt.execute(rusqlite::params_from_iter(member_params(member).iter()))?;
        drop(stmt);
        let id = self.tx.last_insert_rowid();
        self.audit_change::<Member>(AuditAction::Create, "member", Some(id), member.name.trim(), None, Some(member))?;
        Ok(MemberId(id))
    }

    /// Replaces a member's fields.
    pub fn update_member(&mut self, id: MemberId, member: &Member) -> Result<()> {
        let before = self::member(&self.tx, id)?;
        self.check_member(member, Some(id))?;
        let mut values = member_params(member);
        values.push(Box::new(id.0));
        self.tx.execute(
            "UPDATE members SET name = ?1, gender = ?2, birth_date = ?3, ethnicity = ?4, id_number = ?5, phone = ?6,
                 status = ?7, joined_on = ?8, confirmed_on = ?9, branch_id = ?10, group_id = ?11, in_service = ?12,
                 dual_community = ?13, dual_posts = ?14, dual_registered_on = ?15,
                 education = ?16, work = ?17, native_place = ?18, remarks = ?19
             WHERE id = ?20",
            rusqlite::params_from_iter(values.iter()),
        )?;
        self.audit_change(AuditAction::Update, "member", Some(id.0), member.name.trim(), Some(&before), Some(member))
    }

    /// Removes a member who appears in no meeting, term, review or activity; otherwise
    /// explains that the records referring to them must stay.
    pub fn delete_member(&mut self, id: MemberId) -> Result<Member> {
        let member = member(&self.tx, id)?;
        let referenced: i64 = self.tx.query_row(
            "SELECT (SELECT count(*) FROM meeting_attendance WHERE member_id = ?1)
                  + (SELECT count(*) FROM term_roles WHERE member_id = ?1)
                  + (SELECT count(*) FROM duty_reviews WHERE subject_id = ?1)
                  + (SELECT count(*) FROM member_appraisals WHERE member_id = ?1)
                  + (SELECT count(*) FROM volunteer_participants WHERE member_id = ?1)
                  + (SELECT count(*) FROM star_ratings WHERE subject_member_id = ?1)
                  + (SELECT count(*) FROM election_voters WHERE member_id = ?1)
                  + (SELECT count(*) FROM election_candidates WHERE member_id = ?1)
                  + (SELECT count(*) FROM dues_bases WHERE member_id = ?1)
                  + (SELECT count(*) FROM dues_payments WHERE member_id = ?1)",
            [id.0],
            |r| r.get(0),
        )?;
        if referenced > 0 {
            return Err(ValidationError::new(
                "党员",
                format!("已出现在{referenced}条记录中，不能删除（台账须保留）"),
                &member.name,
            )
            .into());
        }
        self.tx.execute("DELETE FROM members WHERE id = ?1", [id.0])?;
        self.trash("member", id.0, &member.name, &member)?;
        Ok(member)
    }

    fn check_member(&self, member: &Member, id: Option<MemberId>) -> Result<()> {
        member.validate()?;
        super::org::require_branch(&self.tx, member.branch, "所在支部")?;
        if let Some(day) = super::org::dissolved_on(&self.tx, member.branch)? {
            return Err(ValidationError::new("所在支部", "已撤销", day).into());
        }
        if let Some(group) = member.group {
            let parent: Option<Option<i64>> = self
                .tx
                .query_row("SELECT parent_id FROM organizations WHERE id = ?1 AND kind = 'group'", [group.0], |r| {
                    r.get(0)
                })
                .optional()?;
            if parent != Some(Some(member.branch.0)) {
                return Err(ValidationError::new("所在党小组", "不属于所在支部", group).into());
            }
        }
        let holder: Option<i64> = self
            .tx
            .query_row("SELECT id FROM members WHERE id_number = ?1", [member.id_number.as_str()], |r| r.get(0))
            .optional()?;
        if holder.is_some_and(|holder| Some(MemberId(holder)) != id) {
            return Err(StoreError::Duplicate { what: "身份证号", value: member.id_number.masked() });
        }
        Ok(())
    }
}

fn member_params(m: &Member) -> Vec<Box<dyn rusqlite::ToSql>> {
    let dual = m.dual_registration.as_ref();
    vec![
        Box::new(m.name.trim().to_owned()),
        Box::new(codec::code(&m.gender)),
        Box::new(m.birth_date),
        Box::new(m.ethnicity.trim().to_owned()),
        Box::new(m.id_number.as_str().to_owned()),
        Box::new(m.phone.as_ref().map(|p| p.as_str().to_owned())),
        Box::new(codec::code(&m.status)),
        Box::new(m.joined_on),
        Box::new(m.confirmed_on),
        Box::new(m.branch.0),
        Box::new(m.group.map(|g| g.0)),
        Box::new(m.in_service),
        Box::new(dual.map(|d| d.community.trim().to_owned())),
        Box::new(dual.map(|d| codec::to_json(&d.posts))),
        Box::new(dual.map(|d| d.registered_on)),
        Box::new(m.details.education.trim().to_owned()),
        Box::new(m.details.work.trim().to_owned()),
        Box::new(m.details.native_place.trim().to_owned()),
        Box::new(m.details.remarks.trim().to_owned()),
    ]
}

fn member_from_row(r: &Row<'_>) -> Result<Stored<MemberId, Member>> {
    let id: i64 = r.get(0)?;
    let id_text: String = r.get(5)?;
    let id_number = IdNumber::parse(&id_text)
        .map_err(|_| StoreError::Corrupt { what: "身份证号", value: format!("党员{id}") })?;
    let phone = match r.get::<_, Option<String>>(6)? {
        Some(text) => Some(
            Phone::parse(&text)
                .map_err(|_| StoreError::Corrupt { what: "联系电话", value: format!("党员{id}") })?,
        ),
        None => None,
    };
    let dual_registration = match (r.get::<_, Option<String>>(13)?, r.get::<_, Option<String>>(14)?, r.get(15)?) {
        (Some(community), Some(posts), Some(registered_on)) => {
            Some(DualRegistration { community, posts: codec::from_json("认领岗位", &posts)?, registered_on })
        }
        _ => None,
    };
    Ok(Stored {
        id: MemberId(id),
        record: Member {
            name: r.get(1)?,
            gender: codec::decode("性别", &r.get::<_, String>(2)?)?,
            birth_date: codec::day(r, 3)?,
            ethnicity: r.get(4)?,
            id_number,
            phone,
            status: codec::decode("党员状态", &r.get::<_, String>(7)?)?,
            joined_on: codec::day(r, 8)?,
            confirmed_on: codec::day_opt(r, 9)?,
            branch: OrgId(r.get(10)?),
            group: r.get::<_, Option<i64>>(11)?.map(OrgId),
            in_service: r.get(12)?,
            dual_registration,
            details: MemberDetails {
                education: r.get(16)?,
                work: r.get(17)?,
                native_place: r.get(18)?,
                remarks: r.get(19)?,
            },
        },
    })
}

/// Every member (of one branch, or all), ordered by id.
pub(super) fn members(conn: &Connection, branch: Option<OrgId>) -> Result<Vec<Stored<MemberId, Member>>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MEMBER_COLUMNS} FROM members WHERE ?1 IS NULL OR branch_id = ?1 ORDER BY id"
    ))?;
    let mut rows = stmt.query([branch.map(|b| b.0)])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(member_from_row(row)?);
    }
    Ok(out)
}

/// One member, or NotFound.
pub(super) fn member(conn: &Connection, id: MemberId) -> Result<Member> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?1"))?;
    let mut rows = stmt.query([id.0])?;
    match rows.next()? {
        Some(row) => Ok(member_from_row(row)?.record),
        None => Err(StoreError::NotFound { kind: "党员", id: id.0 }),
    }
}

/// NotFound unless member `id` exists.
/// Every member's name by id (for messages that name people).
pub(super) fn names(conn: &Connection) -> Result<std::collections::HashMap<MemberId, String>> {
    let mut stmt = conn.prepare_cached("SELECT id, name FROM members")?;
    let rows = stmt.query_map([], |r| Ok((MemberId(r.get(0)?), r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn require_member(conn: &Connection, id: MemberId) -> Result<()> {
    let found: Option<i64> =
        conn.prepare_cached("SELECT id FROM members WHERE id = ?1")?.query_row([id.0], |r| r.get(0)).optional()?;
    found.map(|_| ()).ok_or(StoreError::NotFound { kind: "党员", id: id.0 })
}

impl Store {
    /// Members of one branch, or all members, ordered by id.
    pub fn members(&self, branch: Option<OrgId>) -> Result<Vec<Stored<MemberId, Member>>> {
        members(&self.conn, branch)
    }

    /// One member.
    pub fn member(&self, id: MemberId) -> Result<Member> {
        member(&self.conn, id)
    }

    /// The member holding ID number `id_number`, if any.
    pub fn member_by_id_number(&self, id_number: &IdNumber) -> Result<Option<MemberId>> {
        Ok(self
            .conn
            .query_row("SELECT id FROM members WHERE id_number = ?1", [id_number.as_str()], |r| r.get(0))
            .optional()?
            .map(MemberId))
    }
}
