//! The audit log: one append-only row per create, update, delete, finalize, amend, restore and
//! export, with what changed (before → after, personal data masked); and the trash, which keeps
//! every deleted record whole so a delete can be undone.

use super::{Result, Store, StoreError, Writer, codec};
use chrono::NaiveDate;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// What an operator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// 新增.
    Create,
    /// 修改.
    Update,
    /// 删除.
    Delete,
    /// 定稿.
    Finalize,
    /// 更正 (an amendment of a final record).
    Amend,
    /// 导出.
    Export,
    /// 撤销删除 (a deleted record brought back from the trash).
    Restore,
}

impl AuditAction {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Create => "新增",
            Self::Update => "修改",
            Self::Delete => "删除",
            Self::Finalize => "定稿",
            Self::Amend => "更正",
            Self::Export => "导出",
            Self::Restore => "撤销删除",
        }
    }
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The row's number (rows are never changed or removed, so numbers only grow).
    pub id: i64,
    /// When (local time, `YYYY-MM-DD HH:MM:SS`).
    pub at: String,
    /// Who (the operator name set in the app).
    pub operator: String,
    /// What was done.
    pub action: AuditAction,
    /// The kind of record (`member`, `meeting`, …).
    pub record_kind: String,
    /// The record's id, when it has one.
    pub record_id: Option<i64>,
    /// A short description (never personal data such as ID numbers).
    pub summary: String,
    /// What changed, `字段：旧 → 新；…`, personal data masked (empty for older rows).
    pub detail: String,
}

/// Which audit rows to list; every field narrows, all `None` lists the newest rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Rows on or after this day.
    pub from: Option<NaiveDate>,
    /// Rows on or before this day.
    pub to: Option<NaiveDate>,
    /// Rows by this operator.
    pub operator: Option<String>,
    /// Rows about this record kind (`meeting`) or one record (`meeting:12`).
    pub record: Option<String>,
    /// At most this many rows, newest first (`None`: all).
    pub limit: Option<usize>,
}

/// The Chinese name of a record kind as the audit log and the trash store it.
pub fn record_kind_label(kind: &str) -> &str {
    match kind {
        "organization" => "党组织",
        "committee_term" => "届次",
        "member" => "党员",
        "meeting" => "会议记录",
        "election" => "换届选举",
        "duty_review" => "述职评议",
        "member_appraisal" => "民主评议",
        "rating_scheme" => "评定方案",
        "star_rating" => "星级评定",
        "rating_subject" => "评定对象",
        "volunteer_activity" => "志愿服务",
        "volunteer" => "志愿者",
        "service_team" => "志愿服务队",
        "dues_base" => "党费基数",
        "dues_payment" => "党费缴纳",
        "setting" => "设置",
        "report" => "报表文档",
        "backup" => "备份",
        "import" => "导入",
        other => other,
    }
}

/// One deleted record kept for undo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashItem {
    /// The trash row (what [`Writer::restore_deleted`] takes).
    pub id: i64,
    /// The record's kind (`meeting`, …).
    pub record_kind: String,
    /// Its id before it was deleted.
    pub record_id: i64,
    /// When.
    pub deleted_at: String,
    /// Who.
    pub operator: String,
    /// What it was (title, name).
    pub summary: String,
    /// The whole record as JSON.
    pub data: String,
}

impl Writer<'_> {
    /// Appends a row to the audit log in this transaction.
    pub(super) fn audit(&mut self, action: AuditAction, kind: &str, id: Option<i64>, summary: &str) -> Result<()> {
        self.audit_detail(action, kind, id, summary, "")
    }

    /// Appends a row with what changed between `before` and `after` (serialised records).
    pub(super) fn audit_change<T: Serialize>(
        &mut self,
        action: AuditAction,
        kind: &str,
        id: Option<i64>,
        summary: &str,
        before: Option<&T>,
        after: Option<&T>,
    ) -> Result<()> {
        let before = before.and_then(|b| serde_json::to_value(b).ok());
        let after = after.and_then(|a| serde_json::to_value(a).ok());
        // Ids of organizations and members are written as their names: the log is read by people.
        let tx = &self.tx;
        let name = |key: &str, id: i64| -> Option<String> {
            let sql = match key {
                // A star rating's subject is a registered subject, a duty review's a member.
                "subject" if kind == "star_rating" => "SELECT name FROM rating_subjects WHERE id = ?1",
                "parent" | "branch" | "group" | "org" | "subject_org" | "organiser_org" => {
                    "SELECT name FROM organizations WHERE id = ?1"
                }
                "member" | "subject" | "subject_member" => "SELECT name FROM members WHERE id = ?1",
                "scheme" => "SELECT name FROM rating_schemes WHERE id = ?1",
                "team" => "SELECT name FROM service_teams WHERE id = ?1",
                _ => return None,
            };
            // Cached: an import writes one row per member, each naming its branch.
            tx.prepare_cached(sql).and_then(|mut stmt| stmt.query_row([id], |r| r.get(0))).ok()
        };
        let detail = change_detail(before.as_ref(), after.as_ref(), &name);
        self.audit_detail(action, kind, id, summary, &detail)
    }

    fn audit_detail(
        &mut self,
        action: AuditAction,
        kind: &str,
        id: Option<i64>,
        summary: &str,
        detail: &str,
    ) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO audit_log(at, operator, action, record_kind, record_id, summary, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        stmt.execute(rusqlite::params![self.now, self.operator, codec::code(&action), kind, id, summary, detail])?;
        Ok(())
    }

    /// Records that the user exported `what` (a document, a backup) to `target`.
    pub fn record_export(&mut self, kind: &str, id: Option<i64>, what: &str) -> Result<()> {
        self.audit(AuditAction::Export, kind, id, what)
    }

    /// Keeps a record being deleted in the trash and logs the delete (with its content, masked).
    pub(super) fn trash<T: Serialize>(&mut self, kind: &str, id: i64, summary: &str, record: &T) -> Result<()> {
        self.tx.execute(
            "INSERT INTO trash(record_kind, record_id, deleted_at, operator, summary, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![kind, id, self.now, self.operator, summary, codec::to_json(record)],
        )?;
        self.audit_change(AuditAction::Delete, kind, Some(id), summary, Some(record), None)
    }

    /// Takes a trash row for restoring: its kind and record JSON; marks it restored.
    pub(super) fn take_from_trash(&mut self, trash_id: i64) -> Result<(String, String, String)> {
        let row: Option<(String, String, String, Option<String>)> =
            rusqlite::OptionalExtension::optional(self.tx.query_row(
                "SELECT record_kind, summary, data, restored_at FROM trash WHERE id = ?1",
                [trash_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            ))?;
        let (kind, summary, data, restored) =
            row.ok_or(StoreError::NotFound { kind: "已删除记录", id: trash_id })?;
        if restored.is_some() {
            return Err(StoreError::Duplicate { what: "已恢复的删除记录", value: summary });
        }
        self.tx.execute("UPDATE trash SET restored_at = ?1 WHERE id = ?2", rusqlite::params![self.now, trash_id])?;
        Ok((kind, summary, data))
    }

    /// Undoes a delete: the record in trash row `trash_id` is saved again (under a new id, with
    /// the same checks as a new record) and the undo is logged. Returns the kind, the new id and
    /// what the record was.
    pub fn restore_deleted(&mut self, trash_id: i64) -> Result<(String, i64, String)> {
        use crate::domain::*;
        let (kind, summary, data) = self.take_from_trash(trash_id)?;
        let id = match kind.as_str() {
            "organization" => self.create_organization(&codec::from_json::<Organization>("已删除记录", &data)?)?.0,
            "committee_term" => self.create_term(&codec::from_json::<CommitteeTerm>("已删除记录", &data)?)?.0,
            "member" => self.create_member(&codec::from_json::<Member>("已删除记录", &data)?)?.0,
            "meeting" => self.create_meeting(&codec::from_json::<Meeting>("已删除记录", &data)?)?.0,
            "election" => self.create_election(&codec::from_json::<Election>("已删除记录", &data)?)?.0,
            "duty_review" => self.create_duty_review(&codec::from_json::<DutyReview>("已删除记录", &data)?)?.0,
            "member_appraisal" => self.create_appraisal(&codec::from_json::<MemberAppraisal>("已删除记录", &data)?)?.0,
            "star_rating" => self.create_star_rating(&codec::from_json::<StarRating>("已删除记录", &data)?)?.0,
            "rating_subject" => self.create_subject(&codec::from_json::<RatingSubject>("已删除记录", &data)?)?.0,
            "volunteer_activity" => {
                self.create_volunteer_activity(&codec::from_json::<VolunteerActivity>("已删除记录", &data)?)?.0
            }
            "volunteer" => {
                self.create_volunteer(&codec::from_json::<crate::domain::Volunteer>("已删除记录", &data)?)?.0
            }
            "service_team" => {
                self.create_team(&codec::from_json::<crate::domain::ServiceTeam>("已删除记录", &data)?)?.0
            }
            "dues_base" => {
                self.restore_dues_base(&codec::from_json::<crate::domain::DuesBase>("已删除记录", &data)?)?.0
            }
            "dues_payment" => {
                self.create_dues_payment(&codec::from_json::<crate::domain::DuesPayment>("已删除记录", &data)?)?.0
            }
            other => return Err(StoreError::Corrupt { what: "已删除记录的类型", value: other.to_owned() }),
        };
        self.audit(AuditAction::Restore, &kind, Some(id), &summary)?;
        Ok((kind, id, summary))
    }
}

impl Store {
    /// The newest `limit` audit rows, newest first.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        self.audit_entries(&AuditQuery { limit: Some(limit), ..AuditQuery::default() })
    }

    /// The audit rows `query` selects, newest first.
    pub fn audit_entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let mut conditions: Vec<&str> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        if let Some(from) = query.from {
            conditions.push("at >= ?");
            values.push(Value::Text(from.format("%Y-%m-%d").to_string()));
        }
        if let Some(until) = query.to.and_then(|d| d.succ_opt()) {
            conditions.push("at < ?");
            values.push(Value::Text(until.format("%Y-%m-%d").to_string()));
        }
        if let Some(operator) = query.operator.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            conditions.push("operator = ?");
            values.push(Value::Text(operator.to_owned()));
        }
        if let Some(record) = query.record.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            match record.split_once(':') {
                Some((kind, id)) => {
                    let id: i64 = id
                        .trim()
                        .parse()
                        .map_err(|_| StoreError::Corrupt { what: "记录编号", value: record.to_owned() })?;
                    conditions.push("record_kind = ?");
                    values.push(Value::Text(kind.trim().to_owned()));
                    conditions.push("record_id = ?");
                    values.push(Value::Integer(id));
                }
                None => {
                    conditions.push("record_kind = ?");
                    values.push(Value::Text(record.to_owned()));
                }
            }
        }
        let where_clause = if conditions.is_empty() { "1".to_owned() } else { conditions.join(" AND ") };
        let limit = query.limit.map_or(-1, |l| l as i64);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, at, operator, action, record_kind, record_id, summary, detail FROM audit_log
             WHERE {where_clause} ORDER BY id DESC LIMIT {limit}"
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
        let mut entries = Vec::new();
        while let Some(r) = rows.next()? {
            let action: String = r.get(3)?;
            entries.push(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                operator: r.get(2)?,
                action: codec::decode("审计操作", &action)?,
                record_kind: r.get(4)?,
                record_id: r.get(5)?,
                summary: r.get(6)?,
                detail: r.get(7)?,
            });
        }
        Ok(entries)
    }

    /// Every operator name in the audit log, for the viewer's filter.
    pub fn audit_operators(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT DISTINCT operator FROM audit_log ORDER BY operator")?;
        let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(names)
    }

    /// How many rows the audit log holds.
    pub fn audit_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)
    }

    /// Deleted records not yet restored, newest first.
    pub fn trash(&self) -> Result<Vec<TrashItem>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, record_kind, record_id, deleted_at, operator, summary, data FROM trash
             WHERE restored_at IS NULL ORDER BY id DESC",
        )?;
        let items = stmt
            .query_map([], |r| {
                Ok(TrashItem {
                    id: r.get(0)?,
                    record_kind: r.get(1)?,
                    record_id: r.get(2)?,
                    deleted_at: r.get(3)?,
                    operator: r.get(4)?,
                    summary: r.get(5)?,
                    data: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(items)
    }
}

/// Fields never shown in full in the log.
fn masked_value(key: &str, value: &Json) -> Option<String> {
    let text = value.as_str()?;
    match key {
        "id_number" => Some(crate::domain::IdNumber::parse(text).map_or_else(|_| "******".to_owned(), |n| n.masked())),
        "phone" => Some(crate::domain::Phone::parse(text).map_or_else(|_| "****".to_owned(), |p| p.masked())),
        "birth_date" => Some("****-**-**".to_owned()),
        _ => None,
    }
}

/// The Chinese label of a record field in the log.
fn field_label(key: &str) -> &str {
    match key {
        "name" => "名称",
        "title" => "标题",
        "kind" => "类型",
        "category" => "类别",
        "parent" => "上级组织",
        "dissolved_on" => "撤销日期",
        "number" => "届次",
        "elected_on" => "选举日期",
        "ends_on" => "届满日期",
        "closed_on" => "任期结束日期",
        "roles" => "委员及职务",
        "gender" => "性别",
        "birth_date" => "出生日期",
        "ethnicity" => "民族",
        "id_number" => "身份证号",
        "phone" => "手机号",
        "status" => "状态",
        "joined_on" => "入党时间",
        "confirmed_on" => "转正时间",
        "branch" => "所在支部",
        "group" => "党小组",
        "in_service" => "在职党员",
        "dual_registration" => "双报到",
        "starts_at" => "开始时间",
        "ends_at" => "结束时间",
        "place" => "地点",
        "host" => "主持人",
        "recorder" => "记录人",
        "attendance" => "出席情况",
        "observers" => "列席人员",
        "agenda" => "议题",
        "speeches" => "发言",
        "resolutions" => "决议",
        "attachments" => "附件",
        "year" => "年度",
        "subject" => "述职人",
        "held_on" => "召开日期",
        "sections" => "述职报告",
        "ballots" => "测评票",
        "voters_expected" => "应参评人数",
        "voters_returned" => "实参评人数",
        "higher_comment" => "上级点评",
        "overall_grade" => "综合评价等次",
        "member" => "党员",
        "self_assessment" => "个人自评",
        "grade" => "评议等次",
        "scheme" => "评定方案",
        "subject_name" => "评定对象",
        "subject_org" => "评定组织",
        "subject_member" => "评定党员",
        "organiser_org" => "组织单位（组织）",
        "org" => "党组织",
        "meeting" => "会议记录",
        "approval_ref" => "批复文号",
        "requested_on" => "请示日期",
        "result_approval_ref" => "结果批复文号",
        "scores" => "各项得分",
        "date" => "日期",
        "starts" => "开始",
        "ends" => "结束",
        "organiser" => "组织单位",
        "description" => "服务内容",
        "participants" => "参加人员及时长",
        "term_number" => "届次",
        "approved_on" => "批复日期",
        "seats" => "应选名额",
        "voters" => "应到党员",
        "candidates" => "候选人及得票",
        "result_approved_on" => "结果批复日期",
        "income" => "月收入（分）",
        "monthly" => "每月党费（分）",
        "base_confirmed_on" => "基数确认日期",
        "from" => "起始月份",
        "to" => "截止月份",
        "amount" => "金额（分）",
        "paid_on" => "缴纳日期",
        "method" => "缴纳方式",
        "note" => "备注",
        "votes" => "民主测评票数",
        "volunteers" => "参加的志愿者及时长",
        "unit" => "工作单位",
        "team" => "服务队",
        "registered_on" => "注册日期",
        "leader" => "队长",
        "suggested" => "建议等次",
        "reason" => "评定理由",
        other => other,
    }
}

/// Resolves the id in field `key` to a name (an organization, a member), when it is one.
type Names<'a> = dyn Fn(&str, i64) -> Option<String> + 'a;

/// An enumeration's code (`anti_drug`, `probationary`) as the Chinese the screens show.
fn code_label(key: &str, value: &Json) -> Option<&'static str> {
    use crate::domain::{
        AppraisalGrade, BranchCategory, CommitteeRole, DuesCategory, Gender, MeetingKind, MeetingStatus, MemberStatus,
        OrgKind, PaymentMethod, ReviewGrade, VolunteerCategory, VolunteerKind,
    };
    fn as_<T: serde::de::DeserializeOwned>(value: &Json) -> Option<T> {
        serde_json::from_value(value.clone()).ok()
    }
    match key {
        "category" => as_::<VolunteerCategory>(value)
            .map(VolunteerCategory::label)
            .or_else(|| as_::<BranchCategory>(value).map(BranchCategory::label))
            .or_else(|| as_::<DuesCategory>(value).map(DuesCategory::label)),
        "method" => as_::<PaymentMethod>(value).map(PaymentMethod::label),
        "kind" => as_::<MeetingKind>(value)
            .map(MeetingKind::label)
            .or_else(|| as_::<OrgKind>(value).map(OrgKind::label))
            .or_else(|| as_::<VolunteerKind>(value).map(VolunteerKind::label)),
        "status" => as_::<MemberStatus>(value)
            .map(MemberStatus::label)
            .or_else(|| as_::<MeetingStatus>(value).map(|s| if s == MeetingStatus::Final { "定稿" } else { "草稿" })),
        "gender" => as_::<Gender>(value).map(Gender::label),
        "grade" | "suggested" => as_::<AppraisalGrade>(value).map(AppraisalGrade::label),
        "overall_grade" => as_::<ReviewGrade>(value).map(ReviewGrade::label),
        "role" => as_::<CommitteeRole>(value).map(CommitteeRole::label),
        _ => None,
    }
}

/// A value as one short line: text as it is, codes and ids as what they stand for, lists as a
/// count, objects compactly.
fn show(key: &str, value: &Json, names: &Names<'_>) -> String {
    if let Some(masked) = masked_value(key, value) {
        return masked;
    }
    if let Some(label) = value.as_str().and_then(|_| code_label(key, value)) {
        return label.to_owned();
    }
    if let Some(name) = value.as_i64().and_then(|id| names(key, id)) {
        return name;
    }
    let text = match value {
        Json::Null => "（空）".to_owned(),
        Json::Bool(true) => "是".to_owned(),
        Json::Bool(false) => "否".to_owned(),
        Json::String(s) if s.is_empty() => "（空）".to_owned(),
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        Json::Array(items) => format!("{}项", items.len()),
        Json::Object(_) => value.to_string(),
    };
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}

/// `字段：旧 → 新；…` for an update, `字段：值；…` for a create or delete.
pub(super) fn change_detail(before: Option<&Json>, after: Option<&Json>, names: &Names<'_>) -> String {
    let empty = serde_json::Map::new();
    let fields = |v: Option<&Json>| v.and_then(Json::as_object).unwrap_or(&empty).clone();
    let (old, new) = (fields(before), fields(after));
    let mut parts = Vec::new();
    match (before.is_some(), after.is_some()) {
        (true, true) => {
            let mut keys: Vec<&String> = old.keys().chain(new.keys().filter(|k| !old.contains_key(*k))).collect();
            keys.dedup();
            for key in keys {
                let (a, b) = (old.get(key).unwrap_or(&Json::Null), new.get(key).unwrap_or(&Json::Null));
                if a == b {
                    continue;
                }
                let (a_text, b_text) = (show(key, a, names), show(key, b, names));
                let change = if a_text == b_text {
                    format!("{a_text}（内容有修改）")
                } else {
                    format!("{a_text} → {b_text}")
                };
                parts.push(format!("{}：{change}", field_label(key)));
            }
        }
        (false, true) | (true, false) => {
            let record = if after.is_some() { &new } else { &old };
            for (key, value) in record {
                if value.is_null() || value.as_str() == Some("") || value.as_array().is_some_and(Vec::is_empty) {
                    continue;
                }
                parts.push(format!("{}：{}", field_label(key), show(key, value, names)));
            }
        }
        (false, false) => {}
    }
    let text = parts.join("；");
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(1000).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}
