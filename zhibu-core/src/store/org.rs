//! Organizations and committee terms in the store.

use super::{AuditAction, Result, Store, StoreError, Writer, codec};
use crate::domain::{CommitteeTerm, OrgId, OrgKind, Organization, RoleAssignment, Stored, TermId, ValidationError};
use rusqlite::{Connection, OptionalExtension, params};

impl Writer<'_> {
    /// Adds an organization under an existing parent of a suitable kind.
    pub fn create_organization(&mut self, org: &Organization) -> Result<OrgId> {
        org.validate()?;
        self.check_parent(org, None)?;
        self.tx.execute(
            "INSERT INTO organizations(parent_id, kind, category, name, dissolved_on) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                org.parent.map(|p| p.0),
                codec::code(&org.kind),
                codec::code(&org.category),
                org.name.trim(),
                org.dissolved_on
            ],
        )?;
        let id = self.tx.last_insert_rowid();
        self.audit_change::<Organization>(
            AuditAction::Create,
            "organization",
            Some(id),
            org.name.trim(),
            None,
            Some(org),
        )?;
        Ok(OrgId(id))
    }

    /// Replaces an organization's fields: renames it, moves it under another parent, dissolves
    /// it (a `dissolved_on` day) or takes a dissolution back. The previous version is in the
    /// audit log; the records of a dissolved organization stay and are still reported.
    pub fn update_organization(&mut self, id: OrgId, org: &Organization) -> Result<()> {
        org.validate()?;
        let before = organization(&self.tx, id)?;
        if org.parent == Some(id) {
            return Err(ValidationError::new("上级组织", "不能是自身", &org.name).into());
        }
        self.check_parent(org, Some(id))?;
        // Children must still fit under the new kind.
        for (child_name, child_kind) in children(&self.tx, id)? {
            if !child_kind.may_sit_under(org.kind) {
                return Err(ValidationError::new(
                    "组织类型",
                    format!("改为{}后，下级的{}“{child_name}”不能设在其下", org.kind.label(), child_kind.label()),
                    org.kind.label(),
                )
                .into());
            }
        }
        if let Some(day) = org.dissolved_on
            && before.dissolved_on.is_none()
        {
            self.check_dissolvable(id, &org.name, day)?;
        }
        self.tx.execute(
            "UPDATE organizations SET parent_id = ?1, kind = ?2, category = ?3, name = ?4, dissolved_on = ?5 WHERE id = ?6",
            params![
                org.parent.map(|p| p.0),
                codec::code(&org.kind),
                codec::code(&org.category),
                org.name.trim(),
                org.dissolved_on,
                id.0
            ],
        )?;
        let summary = match (before.dissolved_on, org.dissolved_on) {
            (None, Some(day)) => format!("撤销{}（{day}）", org.name.trim()),
            (Some(_), None) => format!("恢复{}", org.name.trim()),
            _ => org.name.trim().to_owned(),
        };
        self.audit_change(AuditAction::Update, "organization", Some(id.0), &summary, Some(&before), Some(org))
    }

    /// Removes an organization entered by mistake: only one no record refers to (no members,
    /// meetings, terms, lower organizations, ratings or activities). One with records is
    /// dissolved instead ([`Writer::update_organization`] with a `dissolved_on` day).
    pub fn delete_organization(&mut self, id: OrgId) -> Result<Organization> {
        let org = organization(&self.tx, id)?;
        let referenced: i64 = self.tx.query_row(
            "SELECT (SELECT count(*) FROM organizations WHERE parent_id = ?1)
                  + (SELECT count(*) FROM members WHERE branch_id = ?1 OR group_id = ?1)
                  + (SELECT count(*) FROM meetings WHERE branch_id = ?1 OR group_id = ?1)
                  + (SELECT count(*) FROM committee_terms WHERE org_id = ?1)
                  + (SELECT count(*) FROM elections WHERE org_id = ?1)
                  + (SELECT count(*) FROM duty_reviews WHERE branch_id = ?1)
                  + (SELECT count(*) FROM star_ratings WHERE subject_org_id = ?1)
                  + (SELECT count(*) FROM volunteer_activities WHERE organiser_org_id = ?1)",
            [id.0],
            |r| r.get(0),
        )?;
        if referenced > 0 {
            return Err(ValidationError::new(
                "党组织",
                format!("已有{referenced}条记录（下级组织、党员、会议等），不能删除，请改用“撤销”"),
                &org.name,
            )
            .into());
        }
        self.tx.execute("DELETE FROM organizations WHERE id = ?1", [id.0])?;
        self.trash("organization", id.0, &org.name, &org)?;
        Ok(org)
    }

    /// A dissolved organization must have no members left and no lower organization still active.
    fn check_dissolvable(&self, id: OrgId, name: &str, day: chrono::NaiveDate) -> Result<()> {
        let members: i64 =
            self.tx.query_row("SELECT count(*) FROM members WHERE branch_id = ?1 OR group_id = ?1", [id.0], |r| {
                r.get(0)
            })?;
        if members > 0 {
            return Err(ValidationError::new(
                "撤销",
                format!("还有{members}名党员，请先将他们转到其他支部或党小组"),
                name,
            )
            .into());
        }
        let active: Option<String> = self
            .tx
            .query_row(
                "SELECT name FROM organizations WHERE parent_id = ?1 AND dissolved_on IS NULL LIMIT 1",
                [id.0],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(child) = active {
            return Err(ValidationError::new("撤销", format!("下级组织“{child}”尚未撤销"), name).into());
        }
        let last: Option<String> = self.tx.query_row(
            "SELECT max(substr(starts_at, 1, 10)) FROM meetings WHERE branch_id = ?1",
            [id.0],
            |r| r.get(0),
        )?;
        if let Some(last) = last
            && last.as_str() > day.to_string().as_str()
        {
            return Err(ValidationError::new("撤销日期", format!("早于该组织最后一次会议（{last}）"), day).into());
        }
        Ok(())
    }

    fn check_parent(&self, org: &Organization, id: Option<OrgId>) -> Result<()> {
        let Some(parent) = org.parent else { return Ok(()) };
        let parent_kind = org_kind(&self.tx, parent)?;
        if !org.kind.may_sit_under(parent_kind) {
            return Err(ValidationError::new(
                "上级组织",
                format!("类型不符（{}不能设在{}之下）", org.kind.label(), parent_kind.label()),
                &org.name,
            )
            .into());
        }
        let parent_org = organization(&self.tx, parent)?;
        if parent_org.dissolved_on.is_some() && org.dissolved_on.is_none() {
            return Err(ValidationError::new("上级组织", "已撤销", parent_org.name).into());
        }
        // Moving under one's own descendant would cut the branch off the tree.
        if let Some(id) = id {
            let mut cursor = Some(parent);
            let mut steps = 0;
            while let Some(current) = cursor {
                if current == id {
                    return Err(ValidationError::new("上级组织", "不能是本组织的下级", parent_org.name).into());
                }
                cursor = self
                    .tx
                    .query_row("SELECT parent_id FROM organizations WHERE id = ?1", [current.0], |r| {
                        r.get::<_, Option<i64>>(0)
                    })
                    .optional()?
                    .flatten()
                    .map(OrgId);
                steps += 1;
                if steps > 64 {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Records a committee term with its role holders, entered directly (a branch's current or
    /// past committee) rather than produced by an election.
    pub fn create_term(&mut self, term: &CommitteeTerm) -> Result<TermId> {
        self.check_term(term, None)?;
        self.tx.execute(
            "INSERT INTO committee_terms(org_id, number, elected_on, ends_on, closed_on) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![term.org.0, term.number, term.elected_on, term.ends_on, term.closed_on],
        )?;
        let id = self.tx.last_insert_rowid();
        self.insert_roles(id, term)?;
        self.audit_change::<CommitteeTerm>(
            AuditAction::Create,
            "committee_term",
            Some(id),
            &format!("第{}届", term.number),
            None,
            Some(term),
        )?;
        Ok(TermId(id))
    }

    /// Corrects a term: dates, roles (a 补选 or a member who left), its end.
    pub fn update_term(&mut self, id: TermId, term: &CommitteeTerm) -> Result<()> {
        let before = term_by_id(&self.tx, id)?;
        if before.org != term.org {
            return Err(ValidationError::new("届次", "不能改到其他组织", term.number).into());
        }
        self.check_term(term, Some(id))?;
        self.tx.execute(
            "UPDATE committee_terms SET number = ?1, elected_on = ?2, ends_on = ?3, closed_on = ?4 WHERE id = ?5",
            params![term.number, term.elected_on, term.ends_on, term.closed_on, id.0],
        )?;
        self.tx.execute("DELETE FROM term_roles WHERE term_id = ?1", [id.0])?;
        self.insert_roles(id.0, term)?;
        self.audit_change(
            AuditAction::Update,
            "committee_term",
            Some(id.0),
            &format!("第{}届", term.number),
            Some(&before),
            Some(term),
        )
    }

    /// Removes a term entered by mistake (one an election opened is kept: amend the election).
    pub fn delete_term(&mut self, id: TermId) -> Result<CommitteeTerm> {
        let term = term_by_id(&self.tx, id)?;
        let elected: i64 =
            self.tx.query_row("SELECT count(*) FROM elections WHERE term_id = ?1", [id.0], |r| r.get(0))?;
        if elected > 0 {
            return Err(ValidationError::new("届次", "由换届选举产生，不能删除，请更正选举记录", term.number).into());
        }
        self.tx.execute("DELETE FROM committee_terms WHERE id = ?1", [id.0])?;
        self.trash("committee_term", id.0, &format!("第{}届", term.number), &term)?;
        Ok(term)
    }

    pub(super) fn insert_roles(&mut self, id: i64, term: &CommitteeTerm) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached("INSERT INTO term_roles(term_id, position, member_id, role) VALUES (?1, ?2, ?3, ?4)")?;
        for (position, role) in term.roles.iter().enumerate() {
            stmt.execute(params![id, position as i64, role.member.0, codec::code(&role.role)])?;
        }
        Ok(())
    }

    /// Checks a term against its organization and the organization's other terms: numbers are
    /// unique, later numbers start later, and no term starts before the previous one ended.
    pub(super) fn check_term(&self, term: &CommitteeTerm, id: Option<TermId>) -> Result<()> {
        term.validate()?;
        let org = organization(&self.tx, term.org)?;
        if org.kind == OrgKind::Group {
            return Err(ValidationError::new("届次", "党小组不设委员会", org.name).into());
        }
        for role in &term.roles {
            super::member::require_member(&self.tx, role.member)?;
        }
        let others: Vec<Stored<TermId, CommitteeTerm>> =
            terms(&self.tx, Some(term.org))?.into_iter().filter(|t| Some(t.id) != id).collect();
        if others.iter().any(|t| t.record.number == term.number) {
            return Err(StoreError::Duplicate { what: "届次", value: format!("第{}届", term.number) });
        }
        let fmt = |d: chrono::NaiveDate| d.format("%Y年%-m月%-d日").to_string();
        for other in &others {
            let o = &other.record;
            let (Some(start), Some(other_start)) = (term.elected_on, o.elected_on) else { continue };
            let (earlier, later) = if o.number < term.number { (o, term) } else { (term, o) };
            let (Some(earlier_start), Some(later_start)) = (earlier.elected_on, later.elected_on) else { continue };
            let overlap = later_start <= earlier_start || earlier.closed_on.is_some_and(|end| end > later_start);
            if overlap {
                let span = match o.closed_on {
                    Some(end) => format!("{}至{}", fmt(other_start), fmt(end)),
                    None => format!("{}起", fmt(other_start)),
                };
                return Err(ValidationError::new(
                    "选举日期",
                    format!("与第{}届（{span}）任期重叠", o.number),
                    fmt(start),
                )
                .into());
            }
        }
        Ok(())
    }
}

/// The kind of organization `id`, or NotFound.
pub(super) fn org_kind(conn: &Connection, id: OrgId) -> Result<OrgKind> {
    let kind: Option<String> =
        conn.query_row("SELECT kind FROM organizations WHERE id = ?1", [id.0], |r| r.get(0)).optional()?;
    match kind {
        Some(kind) => codec::decode("组织类型", &kind),
        None => Err(StoreError::NotFound { kind: "党组织", id: id.0 }),
    }
}

/// Checks that `id` is a branch; the error names the form field (`召开支部`) holding the id.
pub(super) fn require_branch(conn: &Connection, id: OrgId, field: &'static str) -> Result<()> {
    match org_kind(conn, id) {
        Ok(OrgKind::Branch) => Ok(()),
        Ok(_) => Err(ValidationError::new(field, "不是党支部", id).into()),
        Err(StoreError::NotFound { .. }) => Err(ValidationError::new(field, "不存在", id).into()),
        Err(other) => Err(other),
    }
}

/// One organization, or NotFound.
pub(super) fn organization(conn: &Connection, id: OrgId) -> Result<Organization> {
    organizations(conn)?
        .into_iter()
        .find(|o| o.id == id)
        .map(|o| o.record)
        .ok_or(StoreError::NotFound { kind: "党组织", id: id.0 })
}

/// The day organization `id` was dissolved, if it was (one indexed read: saving a meeting or a
/// member checks it, and reading the whole tree for that cost seconds over a demo's 5,000 meetings).
pub(super) fn dissolved_on(conn: &Connection, id: OrgId) -> Result<Option<chrono::NaiveDate>> {
    let day: Option<Option<chrono::NaiveDate>> = conn
        .prepare_cached("SELECT dissolved_on FROM organizations WHERE id = ?1")?
        .query_row([id.0], |r| r.get(0))
        .optional()?;
    day.ok_or(StoreError::NotFound { kind: "党组织", id: id.0 })
}

/// The direct children of `id`: (name, kind).
fn children(conn: &Connection, id: OrgId) -> Result<Vec<(String, OrgKind)>> {
    let mut stmt = conn.prepare_cached("SELECT name, kind FROM organizations WHERE parent_id = ?1")?;
    let rows = stmt.query_map([id.0], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (name, kind) = row?;
        out.push((name, codec::decode("组织类型", &kind)?));
    }
    Ok(out)
}

/// One term with its roles, or NotFound.
pub(super) fn term_by_id(conn: &Connection, id: TermId) -> Result<CommitteeTerm> {
    let org: Option<i64> =
        conn.query_row("SELECT org_id FROM committee_terms WHERE id = ?1", [id.0], |r| r.get(0)).optional()?;
    let org = org.ok_or(StoreError::NotFound { kind: "届次", id: id.0 })?;
    terms(conn, Some(OrgId(org)))?
        .into_iter()
        .find(|t| t.id == id)
        .map(|t| t.record)
        .ok_or(StoreError::NotFound { kind: "届次", id: id.0 })
}

/// Every organization, parents before children where ids allow (ordered by id).
pub(super) fn organizations(conn: &Connection) -> Result<Vec<Stored<OrgId, Organization>>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, parent_id, kind, category, name, dissolved_on FROM organizations ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get(4)?,
            r.get::<_, Option<chrono::NaiveDate>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, parent, kind, category, name, dissolved_on) = row?;
        out.push(Stored {
            id: OrgId(id),
            record: Organization {
                parent: parent.map(OrgId),
                kind: codec::decode("组织类型", &kind)?,
                category: codec::decode("组织类别", &category)?,
                name,
                dissolved_on,
            },
        });
    }
    Ok(out)
}

/// Every term (of one organization, or all), oldest first, with roles.
pub(super) fn terms(conn: &Connection, org: Option<OrgId>) -> Result<Vec<Stored<TermId, CommitteeTerm>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, org_id, number, elected_on, ends_on, closed_on FROM committee_terms
         WHERE ?1 IS NULL OR org_id = ?1 ORDER BY org_id, number",
    )?;
    let rows = stmt.query_map([org.map(|o| o.0)], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, u32>(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
    })?;
    let mut out = Vec::new();
    let mut index = std::collections::HashMap::new();
    for row in rows {
        let (id, org_id, number, elected_on, ends_on, closed_on) = row?;
        index.insert(id, out.len());
        out.push(Stored {
            id: TermId(id),
            record: CommitteeTerm { org: OrgId(org_id), number, elected_on, ends_on, closed_on, roles: Vec::new() },
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT r.term_id, r.member_id, r.role FROM term_roles r JOIN committee_terms t ON t.id = r.term_id
         WHERE ?1 IS NULL OR t.org_id = ?1 ORDER BY r.term_id, r.position",
    )?;
    let rows =
        stmt.query_map([org.map(|o| o.0)], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))?;
    for row in rows {
        let (term, member, role) = row?;
        if let Some(&i) = index.get(&term) {
            out[i]
                .record
                .roles
                .push(RoleAssignment {
                    member: crate::domain::MemberId(member), role: codec::decode("职务", &role)?
                });
        }
    }
    Ok(out)
}

impl Store {
    /// Every organization, ordered by id.
    pub fn organizations(&self) -> Result<Vec<Stored<OrgId, Organization>>> {
        organizations(&self.conn)
    }

    /// One organization.
    pub fn organization(&self, id: OrgId) -> Result<Organization> {
        organization(&self.conn, id)
    }

    /// One committee term.
    pub fn term(&self, id: TermId) -> Result<CommitteeTerm> {
        term_by_id(&self.conn, id)
    }

    /// Every term of every organization, by organization and number.
    pub fn all_terms(&self) -> Result<Vec<Stored<TermId, CommitteeTerm>>> {
        terms(&self.conn, None)
    }

    /// The terms of one organization, oldest first.
    pub fn terms(&self, org: OrgId) -> Result<Vec<Stored<TermId, CommitteeTerm>>> {
        terms(&self.conn, Some(org))
    }
}
