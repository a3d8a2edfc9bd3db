//! Elections (换届选举) in the store: drafts edited freely, finalising that closes the old term
//! and opens the new one with the elected committee, and amendments of a final election that
//! keep the replaced version and correct the term it opened.

use super::{AuditAction, Result, Store, StoreError, Writer, codec};
use crate::domain::{
    Candidate, CommitteeRole, CommitteeTerm, Election, ElectionId, ElectionRules, MeetingId, MeetingStatus, MemberId,
    OrgId, RoleAssignment, Stored, TermId, ValidationError, Voter, Votes,
};
use rusqlite::{Connection, OptionalExtension, params};

/// One amendment of a final record other than a meeting (an election): the replaced version
/// and the new one, as JSON of the record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordAmendment {
    /// 1 for the first amendment.
    pub revision: i64,
    /// When.
    pub amended_at: String,
    /// Who.
    pub operator: String,
    /// Why (更正原因).
    pub reason: String,
    /// The record before (JSON).
    pub previous: String,
    /// The record after (JSON).
    pub current: String,
}

impl Writer<'_> {
    /// Saves a new election as a draft.
    pub fn create_election(&mut self, election: &Election) -> Result<ElectionId> {
        if election.status == MeetingStatus::Final {
            return Err(ValidationError::new("选举状态", "请先保存草稿，再用“定稿”操作定稿", "final").into());
        }
        self.check_election(election, None)?;
        self.tx.execute(
            "INSERT INTO elections(org_id, term_number, requested_on, approved_on, approval_ref, held_on, place, seats,
                 result_approved_on, result_approval_ref, meeting_id, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'draft')",
            params![
                election.org.0,
                election.term_number,
                election.requested_on,
                election.approved_on,
                election.approval_ref.trim(),
                election.held_on,
                election.place.trim(),
                election.seats,
                election.result_approved_on,
                election.result_approval_ref.trim(),
                election.meeting.map(|m| m.0),
            ],
        )?;
        let id = self.tx.last_insert_rowid();
        self.insert_election_details(id, election)?;
        self.audit_change::<Election>(
            AuditAction::Create,
            "election",
            Some(id),
            &format!("第{}届换届选举", election.term_number),
            None,
            Some(election),
        )?;
        Ok(ElectionId(id))
    }

    /// Replaces a draft election. A final one is amended ([`Writer::amend_election`]).
    pub fn update_election(&mut self, id: ElectionId, election: &Election) -> Result<()> {
        let before = load_election(&self.tx, id)?;
        if before.status == MeetingStatus::Final {
            return Err(StoreError::LockedRecord { what: "选举记录", id: id.0 });
        }
        if election.status == MeetingStatus::Final {
            return Err(ValidationError::new("选举状态", "请用“定稿”操作定稿", "final").into());
        }
        self.check_election(election, Some(id))?;
        self.replace_election(id, election, "status = 'draft'")?;
        self.audit_change(
            AuditAction::Update,
            "election",
            Some(id.0),
            &format!("第{}届换届选举", election.term_number),
            Some(&before),
            Some(election),
        )
    }

    /// Deletes a draft election (kept in the trash for undo); a final one is never deleted.
    pub fn delete_election(&mut self, id: ElectionId) -> Result<Election> {
        let election = load_election(&self.tx, id)?;
        if election.status == MeetingStatus::Final {
            return Err(StoreError::LockedRecord { what: "选举记录", id: id.0 });
        }
        self.tx.execute("DELETE FROM elections WHERE id = ?1", [id.0])?;
        self.trash("election", id.0, &format!("第{}届换届选举", election.term_number), &election)?;
        Ok(election)
    }

    /// Finalises a draft election whose checks pass: the organisation's term in force is closed
    /// on the election day and the new term opens with the elected committee. Returns the new term.
    pub fn finalize_election(&mut self, id: ElectionId, rules: ElectionRules) -> Result<TermId> {
        let election = load_election(&self.tx, id)?;
        if election.status == MeetingStatus::Final {
            return Err(StoreError::LockedRecord { what: "选举记录", id: id.0 });
        }
        self.require_checks(&election, rules)?;
        let term = new_term(&election);
        self.check_term_after_election(&term)?;
        self.tx.execute(
            "UPDATE committee_terms SET closed_on = ?1
             WHERE org_id = ?2 AND number < ?3 AND closed_on IS NULL AND (elected_on IS NULL OR elected_on < ?1)",
            params![election.held_on, election.org.0, election.term_number],
        )?;
        self.tx.execute(
            "INSERT INTO committee_terms(org_id, number, elected_on, ends_on, closed_on) VALUES (?1, ?2, ?3, NULL, NULL)",
            params![term.org.0, term.number, term.elected_on],
        )?;
        let term_id = self.tx.last_insert_rowid();
        self.insert_roles(term_id, &term)?;
        self.tx.execute("UPDATE elections SET status = 'final', term_id = ?1 WHERE id = ?2", params![term_id, id.0])?;
        self.audit(
            AuditAction::Finalize,
            "election",
            Some(id.0),
            &format!("第{}届换届选举定稿，新一届委员会{}人", election.term_number, term.roles.len()),
        )?;
        self.audit_change::<CommitteeTerm>(
            AuditAction::Create,
            "committee_term",
            Some(term_id),
            &format!("第{}届（换届选举产生）", term.number),
            None,
            Some(&term),
        )?;
        Ok(TermId(term_id))
    }

    /// Amends a final election with a reason: the replaced version is kept, and the term it
    /// opened is corrected to match (start day, committee).
    pub fn amend_election(
        &mut self,
        id: ElectionId,
        election: &Election,
        reason: &str,
        rules: ElectionRules,
    ) -> Result<i64> {
        let previous = load_election(&self.tx, id)?;
        if previous.status != MeetingStatus::Final {
            return Err(StoreError::NotFinalRecord { what: "选举记录", id: id.0 });
        }
        crate::domain::require_text("更正原因", reason, 500)?;
        let mut current = election.clone();
        current.status = MeetingStatus::Final;
        if current.org != previous.org || current.term_number != previous.term_number {
            return Err(ValidationError::new("更正", "不能改变选举的组织和届次", current.term_number).into());
        }
        self.check_election(&current, Some(id))?;
        self.require_checks(&current, rules)?;
        let revision: i64 =
            self.tx.query_row("SELECT revision + 1 FROM elections WHERE id = ?1", [id.0], |r| r.get(0))?;
        self.replace_election(id, &current, &format!("revision = {revision}"))?;
        let term_id: Option<i64> =
            self.tx.query_row("SELECT term_id FROM elections WHERE id = ?1", [id.0], |r| r.get(0))?;
        if let Some(term_id) = term_id {
            let term = new_term(&current);
            self.tx.execute(
                "UPDATE committee_terms SET elected_on = ?1 WHERE id = ?2",
                params![current.held_on, term_id],
            )?;
            self.tx.execute(
                "UPDATE committee_terms SET closed_on = ?1 WHERE org_id = ?2 AND number < ?3 AND closed_on = ?4",
                params![current.held_on, current.org.0, current.term_number, previous.held_on],
            )?;
            self.tx.execute("DELETE FROM term_roles WHERE term_id = ?1", [term_id])?;
            self.insert_roles(term_id, &term)?;
        }
        self.tx.execute(
            "INSERT INTO record_amendments(record_kind, record_id, revision, amended_at, operator, reason, previous, current)
             VALUES ('election', ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id.0,
                revision,
                self.now,
                self.operator,
                reason.trim(),
                codec::to_json(&previous),
                codec::to_json(&current)
            ],
        )?;
        self.audit_change(
            AuditAction::Amend,
            "election",
            Some(id.0),
            &format!("第{revision}次更正：{}", reason.trim()),
            Some(&previous),
            Some(&current),
        )?;
        Ok(revision)
    }

    fn require_checks(&self, election: &Election, rules: ElectionRules) -> Result<()> {
        let names = super::member::names(&self.tx)?;
        let name = |m: MemberId| names.get(&m).cloned().unwrap_or_else(|| m.to_string());
        let blocking: Vec<String> =
            election.checks(rules, &name).into_iter().filter(|c| c.blocking).map(|c| c.message).collect();
        if let Some(first) = blocking.first() {
            return Err(ValidationError::new("选举记录", format!("不能定稿：{first}"), blocking.len()).into());
        }
        Ok(())
    }

    /// The new term must not collide with a term entered directly.
    fn check_term_after_election(&self, term: &CommitteeTerm) -> Result<()> {
        let taken: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM committee_terms WHERE org_id = ?1 AND number = ?2",
                params![term.org.0, term.number],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_some() {
            return Err(StoreError::Duplicate { what: "届次", value: format!("第{}届", term.number) });
        }
        Ok(())
    }

    fn check_election(&self, election: &Election, id: Option<ElectionId>) -> Result<()> {
        election.validate()?;
        let org = super::org::organization(&self.tx, election.org)?;
        if org.kind == crate::domain::OrgKind::Group {
            return Err(ValidationError::new("选举组织", "党小组不设委员会", org.name).into());
        }
        if let Some(day) = org.dissolved_on {
            return Err(ValidationError::new("选举组织", "已撤销", day).into());
        }
        for voter in &election.voters {
            super::member::require_member(&self.tx, voter.member)?;
        }
        for candidate in &election.candidates {
            super::member::require_member(&self.tx, candidate.member)?;
        }
        let other: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM elections WHERE org_id = ?1 AND term_number = ?2 AND id IS NOT ?3",
                params![election.org.0, election.term_number, id.map(|i| i.0)],
                |r| r.get(0),
            )
            .optional()?;
        if other.is_some() {
            return Err(StoreError::Duplicate {
                what: "换届选举", value: format!("第{}届", election.term_number)
            });
        }
        if id.is_none() || election.status == MeetingStatus::Draft {
            let existing: Option<i64> = self
                .tx
                .query_row(
                    "SELECT id FROM committee_terms WHERE org_id = ?1 AND number = ?2",
                    params![election.org.0, election.term_number],
                    |r| r.get(0),
                )
                .optional()?;
            if existing.is_some() {
                return Err(ValidationError::new(
                    "届次",
                    "已录入该届委员会，换届选举应产生新的一届",
                    format!("第{}届", election.term_number),
                )
                .into());
            }
        }
        Ok(())
    }

    fn replace_election(&mut self, id: ElectionId, election: &Election, extra: &str) -> Result<()> {
        self.tx.execute(
            &format!(
                "UPDATE elections SET requested_on = ?1, approved_on = ?2, approval_ref = ?3, held_on = ?4, place = ?5,
                     seats = ?6, result_approved_on = ?7, result_approval_ref = ?8, meeting_id = ?9, {extra}
                 WHERE id = ?10"
            ),
            params![
                election.requested_on,
                election.approved_on,
                election.approval_ref.trim(),
                election.held_on,
                election.place.trim(),
                election.seats,
                election.result_approved_on,
                election.result_approval_ref.trim(),
                election.meeting.map(|m| m.0),
                id.0
            ],
        )?;
        self.tx.execute("DELETE FROM election_voters WHERE election_id = ?1", [id.0])?;
        self.tx.execute("DELETE FROM election_candidates WHERE election_id = ?1", [id.0])?;
        self.insert_election_details(id.0, election)
    }

    fn insert_election_details(&mut self, id: i64, election: &Election) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO election_voters(election_id, position, member_id, present) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, v) in election.voters.iter().enumerate() {
            stmt.execute(params![id, i as i64, v.member.0, v.present])?;
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO election_candidates(election_id, position, member_id, yes, no, abstain, role)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (i, c) in election.candidates.iter().enumerate() {
            stmt.execute(params![
                id,
                i as i64,
                c.member.0,
                c.votes.yes,
                c.votes.no,
                c.votes.abstain,
                c.role.map(|r| codec::code(&r))
            ])?;
        }
        Ok(())
    }
}

/// The term an election opens.
fn new_term(election: &Election) -> CommitteeTerm {
    CommitteeTerm {
        org: election.org,
        number: election.term_number,
        elected_on: Some(election.held_on),
        ends_on: None,
        closed_on: None,
        roles: election.committee().into_iter().map(|(member, role)| RoleAssignment { member, role }).collect(),
    }
}

fn load_elections(
    conn: &Connection,
    org: Option<OrgId>,
    id: Option<ElectionId>,
) -> Result<Vec<Stored<ElectionId, Election>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, org_id, term_number, requested_on, approved_on, approval_ref, held_on, place, seats,
                result_approved_on, result_approval_ref, meeting_id, status
         FROM elections WHERE (?1 IS NULL OR org_id = ?1) AND (?2 IS NULL OR id = ?2) ORDER BY held_on, id",
    )?;
    let mut rows = stmt.query(params![org.map(|o| o.0), id.map(|i| i.0)])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(Stored {
            id: ElectionId(r.get(0)?),
            record: Election {
                org: OrgId(r.get(1)?),
                term_number: r.get(2)?,
                requested_on: r.get(3)?,
                approved_on: r.get(4)?,
                approval_ref: r.get(5)?,
                held_on: r.get(6)?,
                place: r.get(7)?,
                seats: r.get(8)?,
                voters: Vec::new(),
                candidates: Vec::new(),
                result_approved_on: r.get(9)?,
                result_approval_ref: r.get(10)?,
                meeting: r.get::<_, Option<i64>>(11)?.map(MeetingId),
                status: codec::decode("选举状态", &r.get::<_, String>(12)?)?,
            },
        });
    }
    drop(rows);
    for election in &mut out {
        let mut stmt = conn.prepare_cached(
            "SELECT member_id, present FROM election_voters WHERE election_id = ?1 ORDER BY position",
        )?;
        election.record.voters = stmt
            .query_map([election.id.0], |r| Ok(Voter { member: MemberId(r.get(0)?), present: r.get(1)? }))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = conn.prepare_cached(
            "SELECT member_id, yes, no, abstain, role FROM election_candidates WHERE election_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([election.id.0], |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, Option<String>>(4)?))
        })?;
        for row in rows {
            let (member, yes, no, abstain, role) = row?;
            let role: Option<CommitteeRole> = role.map(|r| codec::decode("职务", &r)).transpose()?;
            election.record.candidates.push(Candidate {
                member: MemberId(member),
                votes: Votes { yes, no, abstain },
                role,
            });
        }
    }
    Ok(out)
}

fn load_election(conn: &Connection, id: ElectionId) -> Result<Election> {
    load_elections(conn, None, Some(id))?
        .pop()
        .map(|e| e.record)
        .ok_or(StoreError::NotFound { kind: "选举记录", id: id.0 })
}

impl Store {
    /// Elections of one organization (or all), oldest first.
    pub fn elections(&self, org: Option<OrgId>) -> Result<Vec<Stored<ElectionId, Election>>> {
        load_elections(&self.conn, org, None)
    }

    /// One election.
    pub fn election(&self, id: ElectionId) -> Result<Election> {
        load_election(&self.conn, id)
    }

    /// The amendments of a final election, first first.
    pub fn election_amendments(&self, id: ElectionId) -> Result<Vec<RecordAmendment>> {
        let mut stmt = self.conn.prepare(
            "SELECT revision, amended_at, operator, reason, previous, current FROM record_amendments
             WHERE record_kind = 'election' AND record_id = ?1 ORDER BY revision",
        )?;
        let rows = stmt.query_map([id.0], |r| {
            Ok(RecordAmendment {
                revision: r.get(0)?,
                amended_at: r.get(1)?,
                operator: r.get(2)?,
                reason: r.get(3)?,
                previous: r.get(4)?,
                current: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
