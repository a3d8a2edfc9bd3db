//! A branch's change set (issue 17): everything of one branch changed after a counter, each
//! record in its portable form — the record as `zhibu record show` prints it, with every local id
//! replaced by the UUID of the record it names, so nothing of this PC's numbering leaves it —
//! and a tombstone for each record deleted. A star rating carries a copy of the sheet it was
//! scored on (`scheme_sheet`), since sheets are the installation's and do not travel otherwise.
//! The same change set goes straight to the committee's server or into a signed package file;
//! building either is not this module's business.

use super::ServiceError;
use crate::domain::{
    ActivityId, AppraisalId, Attachment, DuesBaseId, ElectionId, MeetingId, MemberId, OrgId, PaymentId, RatingId,
    ReviewId, SchemeId, SubjectId, TeamId, TermId, VolunteerId,
};
use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

/// One record of a change set: its newest version, or its tombstone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireRecord {
    /// The record kind (`member`, `meeting`, …).
    pub kind: String,
    /// Its UUID.
    pub uuid: String,
    /// The branch's counter at this version.
    pub counter: u64,
    /// The record as JSON with UUIDs for ids; none for a tombstone.
    pub body: Option<Value>,
}

/// Everything of one branch changed after `after`, up to `upto` (the branch's counter when read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// The installation that made it.
    pub installation: String,
    /// The branch's UUID.
    pub branch: String,
    /// The branch's name, for messages.
    pub branch_name: String,
    /// The counter the committee acknowledged before (0: everything).
    pub after: u64,
    /// The branch's counter when the set was read.
    pub upto: u64,
    /// The records, oldest change first.
    pub records: Vec<WireRecord>,
    /// The files the set's meetings attach (once per content): they travel with the records, or
    /// the committee would hold a sign-in sheet's name without the sheet.
    pub attachments: Vec<Attachment>,
}

/// The fields that name another record, by the record kind they name. `subject` names a member
/// in a duty review and a rating subject in a star rating; the record's kind decides.
pub(super) fn named_kind(record_kind: &str, field: &str) -> Option<&'static str> {
    Some(match field {
        "parent" | "branch" | "group" | "org" | "organiser_org" => "organization",
        "member" | "elected" | "tied" => "member",
        "subject" if record_kind == "star_rating" => "rating_subject",
        "subject" => "member",
        "scheme" => "rating_scheme",
        "volunteer" => "volunteer",
        "team" => "service_team",
        "meeting" => "meeting",
        _ => return None,
    })
}

/// Local id → UUID of the records a change set names, looked up as they are met (a PC holding
/// many branches has far more records than one branch's set names) and remembered.
struct Uuids<'a> {
    store: &'a Store,
    known: HashMap<(&'static str, i64), String>,
}

impl<'a> Uuids<'a> {
    fn load(store: &'a Store) -> Result<Self, StoreError> {
        Ok(Self { store, known: HashMap::new() })
    }

    /// `value` with every id under a naming field replaced by its UUID (recursively).
    fn encode(&mut self, record_kind: &str, value: &mut Value) -> Result<(), ServiceError> {
        match value {
            Value::Object(fields) => {
                for (field, inner) in fields.iter_mut() {
                    match named_kind(record_kind, field) {
                        Some(kind) => self.replace(kind, inner)?,
                        None => self.encode(record_kind, inner)?,
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.encode(record_kind, item)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn replace(&mut self, kind: &'static str, value: &mut Value) -> Result<(), ServiceError> {
        match value {
            Value::Number(n) => {
                let id = n.as_i64().unwrap_or_default();
                let uuid = match self.known.get(&(kind, id)) {
                    Some(uuid) => uuid.clone(),
                    None => {
                        let uuid = self
                            .store
                            .record_uuid(kind, id)
                            .map_err(|_| StoreError::NotFound { kind: "被引用的记录", id })?;
                        self.known.insert((kind, id), uuid.clone());
                        uuid
                    }
                };
                *value = Value::String(uuid);
            }
            Value::Array(items) => {
                for item in items {
                    self.replace(kind, item)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The record `kind` with local id `id`, as JSON with its own ids (what `zhibu record show` prints).
fn record_json(store: &Store, kind: &str, id: i64) -> Result<Value, ServiceError> {
    fn json<T: Serialize>(record: T) -> Value {
        serde_json::to_value(record).unwrap_or(Value::Null)
    }
    Ok(match kind {
        "organization" => json(store.organization(OrgId(id))?),
        "member" => json(store.member(MemberId(id))?),
        "committee_term" => json(store.term(TermId(id))?),
        "meeting" => json(store.meeting(MeetingId(id))?),
        "election" => json(store.election(ElectionId(id))?),
        "duty_review" => json(store.duty_review(ReviewId(id))?),
        "member_appraisal" => json(store.appraisal(AppraisalId(id))?),
        "rating_scheme" => json(store.rating_scheme(SchemeId(id))?),
        "rating_subject" => json(store.subject(SubjectId(id))?),
        "star_rating" => json(store.star_rating(RatingId(id))?),
        "volunteer_activity" => json(store.volunteer_activity(ActivityId(id))?),
        "service_team" => json(store.service_team(TeamId(id))?),
        "volunteer" => json(store.volunteer(VolunteerId(id))?),
        "dues_base" => json(store.dues_base(DuesBaseId(id))?),
        "dues_payment" => json(store.dues_payment(PaymentId(id))?),
        other => return Err(StoreError::Corrupt { what: "记录类型", value: other.to_owned() }.into()),
    })
}

/// Everything of `branch` changed after counter `after`, in portable form.
pub fn change_set(store: &Store, branch: OrgId, after: u64) -> Result<ChangeSet, ServiceError> {
    let upto = store.change_counter(Some(branch))?;
    let changes = store.changes_since(Some(branch), after)?;
    let mut uuids = Uuids::load(store)?;
    let mut sheets: HashMap<i64, Value> = HashMap::new();
    let mut records = Vec::with_capacity(changes.len());
    let mut attachments: Vec<Attachment> = Vec::new();
    for change in changes {
        let body = if change.deleted {
            None
        } else {
            let id = store.id_of(&change.kind, &change.uuid)?;
            let mut body = record_json(store, &change.kind, id)?;
            if change.kind == "star_rating"
                && let Some(scheme) = body.get("scheme").and_then(Value::as_i64)
            {
                // The sheet travels with each result: sheets are the installation's, not the
                // branch's, and the committee ranks and checks quotas by the sheet scored on
                // (a version with results never changes, so the copy stays true).
                let sheet = match sheets.get(&scheme) {
                    Some(sheet) => sheet,
                    None => sheets.entry(scheme).or_insert(record_json(store, "rating_scheme", scheme)?),
                };
                if let Value::Object(fields) = &mut body {
                    fields.insert("scheme_sheet".into(), sheet.clone());
                }
            }
            if change.kind == "meeting"
                && let Some(files) = body.get("attachments")
            {
                let files: Vec<Attachment> = serde_json::from_value(files.clone())
                    .map_err(|e| StoreError::Corrupt { what: "会议附件列表", value: e.to_string() })?;
                for file in files {
                    if !attachments.iter().any(|a| a.sha256 == file.sha256) {
                        attachments.push(file);
                    }
                }
            }
            uuids.encode(&change.kind, &mut body)?;
            Some(body)
        };
        records.push(WireRecord { kind: change.kind, uuid: change.uuid, counter: change.counter, body });
    }
    Ok(ChangeSet {
        installation: store.installation_id()?,
        branch: store.branch_key(Some(branch))?,
        branch_name: store.organization(branch)?.name,
        after,
        upto,
        records,
        attachments,
    })
}
