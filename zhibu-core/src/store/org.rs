//! Organizations and committee terms in the store.

use super::{AuditAction, Result, Store, StoreError, Writer, codec};
use crate::domain::{CommitteeTerm, OrgId, OrgKind, Organization, RoleAssignment, Stored, TermId, ValidationError};
use rusqlite::{Connection, OptionalExtension, params};

impl Writer<'_> {
    /// Adds an organization under an existing parent of a suitable kind.
    pub fn create_organization(&mut self, org: &Organization) -> Result<OrgId> {
        org.validate()?;
        self.check_parent(org)?;
        self.tx.execute(
            "INSERT INTO organizations(parent_id, kind, category, name) VALUES (?1, ?2, ?3, ?4)",
            params![org.parent.map(|p| p.0), codec::code(&org.kind), codec::code(&org.category), org.name.trim()],
        )?;
        let id = self.tx.last_insert_rowid();
        self.audit(AuditAction::Create, "organization", Some(id), &org.name)?;
        Ok(OrgId(id))
    }

    /// Replaces an organization's fields.
    pub fn update_organization(&mut self, id: OrgId, org: &Organization) -> Result<()> {
        org.validate()?;
        self.check_parent(org)?;
        if org.parent == Some(id) {
            return Err(ValidationError::new("上级组织", "不能是自身", &org.name).into());
        }
        let changed = self.tx.execute(
            "UPDATE organizations SET parent_id = ?1, kind = ?2, category = ?3, name = ?4 WHERE id = ?5",
            params![org.parent.map(|p| p.0), codec::code(&org.kind), codec::code(&org.category), org.name.trim(), id.0],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound { kind: "党组织", id: id.0 });
        }
        self.audit(AuditAction::Update, "organization", Some(id.0), &org.name)
    }

    fn check_parent(&self, org: &Organization) -> Result<()> {
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
        Ok(())
    }

    /// Records a committee term with its role holders (members of the organization's tree).
    pub fn create_term(&mut self, term: &CommitteeTerm) -> Result<TermId> {
        term.validate()?;
        org_kind(&self.tx, term.org)?;
        for role in &term.roles {
            super::member::require_member(&self.tx, role.member)?;
        }
        let exists: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM committee_terms WHERE org_id = ?1 AND number = ?2",
                params![term.org.0, term.number],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_some() {
            return Err(StoreError::Duplicate { what: "届次", value: format!("第{}届", term.number) });
        }
        self.tx.execute(
            "INSERT INTO committee_terms(org_id, number, elected_on, ends_on) VALUES (?1, ?2, ?3, ?4)",
            params![term.org.0, term.number, term.elected_on, term.ends_on],
        )?;
        let id = self.tx.last_insert_rowid();
        let mut stmt = self
            .tx
            .prepare_cached("INSERT INTO term_roles(term_id, position, member_id, role) VALUES (?1, ?2, ?3, ?4)")?;
        for (position, role) in term.roles.iter().enumerate() {
            stmt.execute(params![id, position as i64, role.member.0, codec::code(&role.role)])?;
        }
        drop(stmt);
        self.audit(AuditAction::Create, "committee_term", Some(id), &format!("第{}届", term.number))?;
        Ok(TermId(id))
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

/// Every organization, parents before children where ids allow (ordered by id).
pub(super) fn organizations(conn: &Connection) -> Result<Vec<Stored<OrgId, Organization>>> {
    let mut stmt = conn.prepare_cached("SELECT id, parent_id, kind, category, name FROM organizations ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, parent, kind, category, name) = row?;
        out.push(Stored {
            id: OrgId(id),
            record: Organization {
                parent: parent.map(OrgId),
                kind: codec::decode("组织类型", &kind)?,
                category: codec::decode("组织类别", &category)?,
                name,
            },
        });
    }
    Ok(out)
}

/// Every term (of one organization, or all), oldest first, with roles.
pub(super) fn terms(conn: &Connection, org: Option<OrgId>) -> Result<Vec<Stored<TermId, CommitteeTerm>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, org_id, number, elected_on, ends_on FROM committee_terms
         WHERE ?1 IS NULL OR org_id = ?1 ORDER BY org_id, number",
    )?;
    let rows = stmt.query_map([org.map(|o| o.0)], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, u32>(2)?, r.get(3)?, r.get(4)?))
    })?;
    let mut out = Vec::new();
    let mut index = std::collections::HashMap::new();
    for row in rows {
        let (id, org_id, number, elected_on, ends_on) = row?;
        index.insert(id, out.len());
        out.push(Stored {
            id: TermId(id),
            record: CommitteeTerm { org: OrgId(org_id), number, elected_on, ends_on, roles: Vec::new() },
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
        organizations(&self.conn)?
            .into_iter()
            .find(|o| o.id == id)
            .map(|o| o.record)
            .ok_or(StoreError::NotFound { kind: "党组织", id: id.0 })
    }

    /// The terms of one organization, oldest first.
    pub fn terms(&self, org: OrgId) -> Result<Vec<Stored<TermId, CommitteeTerm>>> {
        terms(&self.conn, Some(org))
    }
}
