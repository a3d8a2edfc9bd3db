//! Meeting records in the store: drafts, finalizing, amendments that keep the original,
//! and attachments copied into the data directory by content hash.

use super::{AuditAction, Result, Store, StoreError, Writer, codec};
use crate::domain::{
    AgendaItem, Attachment, AttachmentKind, Attendance, AttendanceTally, Meeting, MeetingId, MeetingKind,
    MeetingStatus, MemberId, Observer, OrgId, Presence, Resolution, Speech, Stored, ValidationError, Votes,
};
use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Which meetings to load. Every field narrows the selection; all `None` means every meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingFilter {
    /// Only this meeting.
    pub id: Option<MeetingId>,
    /// Only this branch's meetings.
    pub branch: Option<OrgId>,
    /// Only meetings of this type.
    pub kind: Option<MeetingKind>,
    /// Only meetings starting on or after this day.
    pub from: Option<NaiveDate>,
    /// Only meetings starting on or before this day.
    pub to: Option<NaiveDate>,
    /// Load only attendance and resolutions (what the rules read), not agenda, speeches,
    /// observers or attachments.
    pub summary: bool,
    /// Load no attendance either (the compliance read takes the store's counts instead).
    pub without_attendance: bool,
}

impl MeetingFilter {
    /// Meetings starting between `from` and `to`, both days included.
    pub fn between(from: NaiveDate, to: NaiveDate) -> Self {
        Self { from: Some(from), to: Some(to), ..Self::default() }
    }
}

/// One amendment of a final meeting: the version it replaced and the version it made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    /// 1 for the first amendment.
    pub revision: i64,
    /// When.
    pub amended_at: String,
    /// Who.
    pub operator: String,
    /// Why (更正原因).
    pub reason: String,
    /// The record before this amendment (for revision 1: the original as finalized).
    pub previous: Meeting,
    /// The record after it.
    pub current: Meeting,
}

impl Writer<'_> {
    /// Saves a new meeting record (draft or final).
    pub fn create_meeting(&mut self, meeting: &Meeting) -> Result<MeetingId> {
        self.check_meeting(meeting)?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO meetings(kind, branch_id, group_id, title, starts_at, ends_at, place, host, recorder, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        stmt.execute(params![
            meeting.kind.code(),
            meeting.branch.0,
            meeting.group.map(|g| g.0),
            meeting.title.trim(),
            meeting.starts_at,
            meeting.ends_at,
            meeting.place.trim(),
            meeting.host.trim(),
            meeting.recorder.trim(),
            codec::code(&meeting.status),
        ])?;
        drop(stmt);
        let id = MeetingId(self.tx.last_insert_rowid());
        self.insert_details(id, meeting)?;
        let action = if meeting.status == MeetingStatus::Final { "（定稿）" } else { "" };
        let summary = format!("{}{action}", meeting.title.trim());
        self.audit_change::<Meeting>(AuditAction::Create, "meeting", Some(id.0), &summary, None, Some(meeting))?;
        Ok(id)
    }

    /// Replaces a draft meeting record. A final record is refused: use [`Writer::amend_meeting`].
    pub fn update_meeting(&mut self, id: MeetingId, meeting: &Meeting) -> Result<()> {
        if load_one(&self.tx, id)?.status == MeetingStatus::Final {
            return Err(StoreError::Locked(id.0));
        }
        if meeting.status == MeetingStatus::Final {
            return Err(ValidationError::new("会议状态", "请用“定稿”操作定稿", "final").into());
        }
        let before = load_one(&self.tx, id)?;
        self.check_meeting(meeting)?;
        self.replace(id, meeting, "status = 'draft'")?;
        self.audit_change(
            AuditAction::Update,
            "meeting",
            Some(id.0),
            meeting.title.trim(),
            Some(&before),
            Some(meeting),
        )
    }

    /// Finalizes a draft: from now on it is archived and can only be amended.
    pub fn finalize_meeting(&mut self, id: MeetingId) -> Result<()> {
        let meeting = load_one(&self.tx, id)?;
        if meeting.status == MeetingStatus::Final {
            return Err(StoreError::Locked(id.0));
        }
        self.tx.execute("UPDATE meetings SET status = 'final' WHERE id = ?1", [id.0])?;
        self.audit(AuditAction::Finalize, "meeting", Some(id.0), &meeting.title)
    }

    /// Amends a final record: the new content replaces it and the replaced version is kept
    /// in the amendment history with the reason. Returns the new revision number.
    pub fn amend_meeting(&mut self, id: MeetingId, meeting: &Meeting, reason: &str) -> Result<i64> {
        let previous = load_one(&self.tx, id)?;
        if previous.status != MeetingStatus::Final {
            return Err(StoreError::NotFinal(id.0));
        }
        crate::domain::require_text("更正原因", reason, 500)?;
        let mut current = meeting.clone();
        current.status = MeetingStatus::Final;
        self.check_meeting(&current)?;
        let revision: i64 =
            self.tx.query_row("SELECT revision + 1 FROM meetings WHERE id = ?1", [id.0], |r| r.get(0))?;
        self.replace(id, &current, &format!("revision = {revision}"))?;
        self.tx.execute(
            "INSERT INTO meeting_amendments(meeting_id, revision, amended_at, operator, reason, previous, current)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
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
            "meeting",
            Some(id.0),
            &format!("第{revision}次更正：{}", reason.trim()),
            Some(&previous),
            Some(&current),
        )?;
        Ok(revision)
    }

    /// Deletes a draft record; a final record is archived and is never deleted.
    pub fn delete_meeting(&mut self, id: MeetingId) -> Result<Meeting> {
        let meeting = load_one(&self.tx, id)?;
        if meeting.status == MeetingStatus::Final {
            return Err(StoreError::Locked(id.0));
        }
        let used: Option<i64> = self
            .tx
            .query_row("SELECT term_number FROM elections WHERE meeting_id = ?1", [id.0], |r| r.get(0))
            .optional()?;
        if let Some(number) = used {
            return Err(ValidationError::new(
                "会议记录",
                format!("是第{number}届换届选举的会议记录，不能删除"),
                &meeting.title,
            )
            .into());
        }
        self.tx.execute("DELETE FROM meetings WHERE id = ?1", [id.0])?;
        self.trash("meeting", id.0, &meeting.title, &meeting)?;
        Ok(meeting)
    }

    /// Rewrites the main row (the `extra` SET clause marks draft or the new revision) and the details.
    fn replace(&mut self, id: MeetingId, meeting: &Meeting, extra: &str) -> Result<()> {
        self.tx.execute(
            &format!(
                "UPDATE meetings SET kind = ?1, branch_id = ?2, group_id = ?3, title = ?4, starts_at = ?5, ends_at = ?6,
                     place = ?7, host = ?8, recorder = ?9, {extra} WHERE id = ?10"
            ),
            params![
                meeting.kind.code(),
                meeting.branch.0,
                meeting.group.map(|g| g.0),
                meeting.title.trim(),
                meeting.starts_at,
                meeting.ends_at,
                meeting.place.trim(),
                meeting.host.trim(),
                meeting.recorder.trim(),
                id.0
            ],
        )?;
        for table in [
            "meeting_attendance",
            "meeting_observers",
            "agenda_items",
            "speeches",
            "resolutions",
            "meeting_attachments",
        ] {
            self.tx.execute(&format!("DELETE FROM {table} WHERE meeting_id = ?1"), [id.0])?;
        }
        self.insert_details(id, meeting)
    }

    fn check_meeting(&self, meeting: &Meeting) -> Result<()> {
        meeting.validate()?;
        super::org::require_branch(&self.tx, meeting.branch, "召开支部")?;
        if let Some(day) = super::org::dissolved_on(&self.tx, meeting.branch)?
            && meeting.date() > day
        {
            return Err(ValidationError::new("召开支部", format!("已于{day}撤销"), meeting.date()).into());
        }
        if let Some(group) = meeting.group {
            let parent: Option<Option<i64>> = self
                .tx
                .prepare_cached("SELECT parent_id FROM organizations WHERE id = ?1 AND kind = 'group'")?
                .query_row([group.0], |r| r.get(0))
                .optional()?;
            if parent != Some(Some(meeting.branch.0)) {
                return Err(ValidationError::new("党小组", "不属于召开支部", group).into());
            }
        }
        for entry in &meeting.attendance {
            super::member::require_member(&self.tx, entry.member)?;
        }
        for attachment in &meeting.attachments {
            let path = attachment_path(self.attachments_dir, &attachment.sha256);
            if !path.is_file() {
                return Err(ValidationError::new("附件", "文件未导入数据目录", &attachment.file_name).into());
            }
        }
        Ok(())
    }

    fn insert_details(&mut self, id: MeetingId, meeting: &Meeting) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO meeting_attendance(meeting_id, position, member_id, presence, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (i, entry) in meeting.attendance.iter().enumerate() {
            let (presence, reason) = match &entry.presence {
                Presence::Present => ("present", ""),
                Presence::OnLeave { reason } => ("on_leave", reason.trim()),
                Presence::Absent { reason } => ("absent", reason.trim()),
            };
            stmt.execute(params![id.0, i as i64, entry.member.0, presence, reason])?;
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO meeting_observers(meeting_id, position, name, affiliation) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, o) in meeting.observers.iter().enumerate() {
            stmt.execute(params![id.0, i as i64, o.name.trim(), o.affiliation.trim()])?;
        }
        let mut stmt =
            self.tx.prepare_cached("INSERT INTO agenda_items(meeting_id, position, title) VALUES (?1, ?2, ?3)")?;
        for (i, item) in meeting.agenda.iter().enumerate() {
            stmt.execute(params![id.0, i as i64, item.title.trim()])?;
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO speeches(meeting_id, position, agenda_index, speaker, content) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (i, s) in meeting.speeches.iter().enumerate() {
            stmt.execute(params![id.0, i as i64, s.agenda_index, s.speaker.trim(), s.content.trim()])?;
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO resolutions(meeting_id, position, text, yes, no, abstain) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (i, r) in meeting.resolutions.iter().enumerate() {
            stmt.execute(params![id.0, i as i64, r.text.trim(), r.votes.yes, r.votes.no, r.votes.abstain])?;
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO meeting_attachments(meeting_id, position, file_name, sha256, size, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (i, a) in meeting.attachments.iter().enumerate() {
            stmt.execute(params![id.0, i as i64, a.file_name.trim(), a.sha256, a.size as i64, codec::code(&a.kind)])?;
        }
        Ok(())
    }
}

/// Where the attachment with content hash `sha256` lives.
fn attachment_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(sha256.get(..2).unwrap_or("00")).join(sha256)
}

/// The SQL conditions on `meetings m` that `filter` sets, and their values.
fn conditions(filter: &MeetingFilter) -> (String, Vec<Value>) {
    // Only the conditions the filter sets: SQLite cannot use an index through `(?1 IS NULL OR …)`,
    // which made every load scan all meetings (and again for each detail table).
    let mut conditions: Vec<&str> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut condition = |sql: &'static str, value: Value| {
        conditions.push(sql);
        values.push(value);
    };
    if let Some(id) = filter.id {
        condition("m.id = ?", Value::Integer(id.0));
    }
    if let Some(branch) = filter.branch {
        condition("m.branch_id = ?", Value::Integer(branch.0));
    }
    if let Some(kind) = filter.kind {
        condition("m.kind = ?", Value::Text(kind.code().to_owned()));
    }
    if let Some(from) = filter.from {
        condition("m.starts_at >= ?", Value::Text(from.format("%Y-%m-%d").to_string()));
    }
    if let Some(until) = filter.to.and_then(|d| d.succ_opt()) {
        condition("m.starts_at < ?", Value::Text(until.format("%Y-%m-%d").to_string()));
    }
    let where_clause = if conditions.is_empty() { "1".to_owned() } else { conditions.join(" AND ") };
    (where_clause, values)
}

/// The attendance counts of the meetings `filter` selects (kept by migration 0011's triggers).
pub(super) fn tallies(conn: &Connection, filter: &MeetingFilter) -> Result<HashMap<MeetingId, AttendanceTally>> {
    let (where_clause, values) = conditions(filter);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT t.meeting_id, t.listed, t.present, t.voting_listed, t.voting_present
         FROM meeting_tallies t WHERE t.meeting_id IN (SELECT m.id FROM meetings m WHERE {where_clause})"
    ))?;
    let mut rows = stmt.query(params_from_iter(values))?;
    let mut out = HashMap::new();
    while let Some(r) = rows.next()? {
        let tally = AttendanceTally {
            listed: r.get(1)?,
            present: r.get(2)?,
            voting_listed: r.get(3)?,
            voting_present: r.get(4)?,
        };
        out.insert(MeetingId(r.get(0)?), tally);
    }
    Ok(out)
}

/// Each member's days present at a final meeting from `from` to `to` (of `branch`'s members
/// when given), ascending: read from the month bits migration 0011's triggers keep.
pub(super) fn presence(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    branch: Option<OrgId>,
) -> Result<HashMap<MemberId, Vec<NaiveDate>>> {
    // In key order (year, member): each member's years come oldest first, so their days ascend.
    const COLUMNS: &str =
        "SELECT member_id, year, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12 FROM presence_days";
    let mut stmt = match branch {
        Some(_) => conn.prepare_cached(&format!(
            "{COLUMNS} WHERE year BETWEEN ?1 AND ?2 AND member_id IN (SELECT id FROM members WHERE branch_id = ?3)"
        ))?,
        None => conn.prepare_cached(&format!("{COLUMNS} WHERE year BETWEEN ?1 AND ?2 AND ?3 IS NULL"))?,
    };
    let mut rows = stmt.query(params![from.year(), to.year(), branch.map(|b| b.0)])?;
    let mut out: HashMap<MemberId, Vec<NaiveDate>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let year: i32 = r.get(1)?;
        let mut days = Vec::new();
        for month in 1..=12u32 {
            let mut bits: i64 = r.get(month as usize + 1)?;
            if bits == 0 {
                continue;
            }
            let stored = bits;
            let corrupt =
                || StoreError::Corrupt { what: "出席日期", value: format!("{year}-{month:02}: {stored:#x}") };
            let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(corrupt)?;
            while bits != 0 {
                let day = bits.trailing_zeros() + 1;
                bits &= bits - 1;
                let date = first.with_day(day).ok_or_else(corrupt)?;
                if (from..=to).contains(&date) {
                    days.push(date);
                }
            }
        }
        if !days.is_empty() {
            out.entry(MemberId(r.get(0)?)).or_default().extend(days);
        }
    }
    Ok(out)
}

/// Loads meetings matching `filter`, oldest first, with every detail.
pub(super) fn load_meetings(conn: &Connection, filter: &MeetingFilter) -> Result<Vec<Stored<MeetingId, Meeting>>> {
    let (where_clause, values) = conditions(filter);
    let args = values.as_slice();

    let mut out: Vec<Stored<MeetingId, Meeting>> = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT m.id, m.kind, m.branch_id, m.group_id, m.title, m.starts_at, m.ends_at, m.place, m.host, m.recorder, m.status
         FROM meetings m WHERE {where_clause} ORDER BY m.starts_at, m.id"
    ))?;
    let mut rows = stmt.query(params_from_iter(args))?;
    let mut statuses = codec::Codes::new("会议状态");
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let kind: String = r.get(1)?;
        let kind = MeetingKind::from_code(&kind).ok_or(StoreError::Corrupt { what: "会议类型", value: kind })?;
        index.insert(id, out.len());
        out.push(Stored {
            id: MeetingId(id),
            record: Meeting {
                kind,
                branch: OrgId(r.get(2)?),
                group: r.get::<_, Option<i64>>(3)?.map(OrgId),
                title: r.get(4)?,
                starts_at: codec::moment(r, 5)?,
                ends_at: codec::moment(r, 6)?,
                place: r.get(7)?,
                host: r.get(8)?,
                recorder: r.get(9)?,
                status: statuses.decode(r.get_ref(10)?.as_str().map_err(rusqlite::Error::from)?)?,
                attendance: Vec::new(),
                observers: Vec::new(),
                agenda: Vec::new(),
                speeches: Vec::new(),
                resolutions: Vec::new(),
                attachments: Vec::new(),
            },
        });
    }
    drop(rows);
    if out.is_empty() {
        return Ok(out);
    }
    let detail = |table: &str, columns: &str| {
        format!(
            // The subquery runs once; each detail table is then read through its primary key
            // (meeting_id first) instead of being scanned whole.
            "SELECT d.meeting_id, {columns} FROM {table} d WHERE d.meeting_id IN (SELECT m.id FROM meetings m WHERE {where_clause})
             ORDER BY d.meeting_id, d.position"
        )
    };
    let target = |id: i64| index.get(&id).copied();

    if !filter.without_attendance {
        load_attendance(conn, &detail, args, &target, &mut out)?;
    }
    if !filter.summary {
        load_extra_details(conn, &detail, args, &target, &mut out)?;
    }
    let mut stmt = conn.prepare_cached(&detail("resolutions", "d.text, d.yes, d.no, d.abstain"))?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        let Some(i) = target(r.get(0)?) else { continue };
        let votes = Votes { yes: r.get(2)?, no: r.get(3)?, abstain: r.get(4)? };
        out[i].record.resolutions.push(Resolution { text: r.get(1)?, votes });
    }
    Ok(out)
}

/// The attendance rows of the meetings in `out`, in roll-call order.
fn load_attendance(
    conn: &Connection,
    detail: &dyn Fn(&str, &str) -> String,
    args: &[Value],
    target: &dyn Fn(i64) -> Option<usize>,
    out: &mut [Stored<MeetingId, Meeting>],
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&detail("meeting_attendance", "d.member_id, d.presence, d.reason"))?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        let Some(i) = target(r.get(0)?) else { continue };
        // A year's attendance is ~100,000 rows: the code is read in place, and a reason is
        // copied out only where there is one (those present have none).
        let presence = match r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)? {
            "present" => Presence::Present,
            "on_leave" => Presence::OnLeave { reason: r.get(3)? },
            "absent" => Presence::Absent { reason: r.get(3)? },
            other => return Err(StoreError::Corrupt { what: "出席情况", value: other.to_owned() }),
        };
        out[i].record.attendance.push(Attendance { member: MemberId(r.get(1)?), presence });
    }
    Ok(())
}

/// Agenda, speeches, observers and attachments of the meetings in `out`.
fn load_extra_details(
    conn: &Connection,
    detail: &dyn Fn(&str, &str) -> String,
    args: &[Value],
    target: &dyn Fn(i64) -> Option<usize>,
    out: &mut [Stored<MeetingId, Meeting>],
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&detail("meeting_observers", "d.name, d.affiliation"))?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        let Some(i) = target(r.get(0)?) else { continue };
        out[i].record.observers.push(Observer { name: r.get(1)?, affiliation: r.get(2)? });
    }
    drop(rows);
    let mut stmt = conn.prepare_cached(&detail("agenda_items", "d.title"))?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        let Some(i) = target(r.get(0)?) else { continue };
        out[i].record.agenda.push(AgendaItem { title: r.get(1)? });
    }
    drop(rows);
    let mut stmt = conn.prepare_cached(&detail("speeches", "d.agenda_index, d.speaker, d.content"))?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        let Some(i) = target(r.get(0)?) else { continue };
        out[i].record.speeches.push(Speech { agenda_index: r.get(1)?, speaker: r.get(2)?, content: r.get(3)? });
    }
    drop(rows);
    let mut stmt = conn.prepare_cached(&detail("meeting_attachments", "d.file_name, d.sha256, d.size, d.kind"))?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        let Some(i) = target(r.get(0)?) else { continue };
        let kind: AttachmentKind = codec::decode("附件类型", &r.get::<_, String>(4)?)?;
        out[i].record.attachments.push(Attachment {
            file_name: r.get(1)?,
            sha256: r.get(2)?,
            size: r.get::<_, i64>(3)?.max(0) as u64,
            kind,
        });
    }
    Ok(())
}

/// Each branch's first final meeting day (of one branch, or all): one short walk of the
/// (branch, start) index per branch rather than a scan of every meeting.
pub(super) fn records_start(
    conn: &Connection,
    branch: Option<OrgId>,
) -> Result<std::collections::BTreeMap<OrgId, NaiveDate>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, (SELECT substr(m.starts_at, 1, 10) FROM meetings m
                       WHERE m.branch_id = o.id AND m.status = 'final' ORDER BY m.starts_at LIMIT 1)
         FROM organizations o WHERE o.kind = 'branch' AND (?1 IS NULL OR o.id = ?1)",
    )?;
    let rows = stmt.query_map([branch.map(|b| b.0)], |r| Ok((OrgId(r.get(0)?), codec::day_opt(r, 1)?)))?;
    let mut out = std::collections::BTreeMap::new();
    for row in rows {
        if let (id, Some(day)) = row? {
            out.insert(id, day);
        }
    }
    Ok(out)
}

fn load_one(conn: &Connection, id: MeetingId) -> Result<Meeting> {
    let filter = MeetingFilter { id: Some(id), ..MeetingFilter::default() };
    load_meetings(conn, &filter)?.pop().map(|m| m.record).ok_or(StoreError::NotFound { kind: "会议记录", id: id.0 })
}

impl Store {
    /// One meeting record with every detail.
    pub fn meeting(&self, id: MeetingId) -> Result<Meeting> {
        load_one(&self.conn, id)
    }

    /// Meetings matching `filter`, oldest first.
    pub fn meetings(&self, filter: &MeetingFilter) -> Result<Vec<Stored<MeetingId, Meeting>>> {
        load_meetings(&self.conn, filter)
    }

    /// The amendments of a final meeting, first first. The original is `amendments[0].previous`.
    pub fn amendments(&self, id: MeetingId) -> Result<Vec<Amendment>> {
        let mut stmt = self.conn.prepare(
            "SELECT revision, amended_at, operator, reason, previous, current FROM meeting_amendments
             WHERE meeting_id = ?1 ORDER BY revision",
        )?;
        let rows = stmt.query_map([id.0], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (revision, amended_at, operator, reason, previous, current) = row?;
            out.push(Amendment {
                revision,
                amended_at,
                operator,
                reason,
                previous: codec::from_json("更正前记录", &previous)?,
                current: codec::from_json("更正后记录", &current)?,
            });
        }
        Ok(out)
    }

    /// Copies a file into the attachments folder under its SHA-256 (once per content) and
    /// describes it for a meeting's attachment list.
    pub fn import_attachment(&self, source: &Path, kind: AttachmentKind) -> Result<Attachment> {
        let io = |source_err| StoreError::Attachment { path: source.to_owned(), source: source_err };
        let bytes = std::fs::read(source).map_err(io)?;
        let sha256: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        let target = attachment_path(&self.attachments_dir, &sha256);
        if !target.is_file() {
            let dir = target.parent().unwrap_or(&self.attachments_dir);
            std::fs::create_dir_all(dir).map_err(io)?;
            // Write to a temporary name, sync, then rename: a crash never leaves a truncated
            // file under a content hash it does not match.
            let temp = dir.join(format!("{sha256}.part"));
            let mut file = std::fs::File::create(&temp).map_err(io)?;
            file.write_all(&bytes).and_then(|()| file.sync_all()).map_err(io)?;
            std::fs::rename(&temp, &target).map_err(io)?;
        }
        let file_name = source.file_name().map_or_else(|| "附件".to_owned(), |n| n.to_string_lossy().into_owned());
        Ok(Attachment { file_name, sha256, size: bytes.len() as u64, kind })
    }

    /// The stored copy of an attachment.
    pub fn attachment_file(&self, attachment: &Attachment) -> PathBuf {
        attachment_path(&self.attachments_dir, &attachment.sha256)
    }
}
