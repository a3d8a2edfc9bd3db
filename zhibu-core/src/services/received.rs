//! Records received from a branch (issue 17), read back for the committee: the rows of one
//! branch as `zhibu.records` holds them (kind, UUID, the JSON of [`super::sync`]) decoded into the
//! [`Ledger`] the rules read, with ids of the committee's own numbering standing for the UUIDs,
//! and evaluated by the same rules engine the branch's PC runs. So a branch's findings at the
//! committee are the findings its own PC computes for the same records; only the ids differ,
//! and [`Received::uuid_of`] names every id by its UUID.

use super::ServiceError;
use super::sync::named_kind;
use crate::domain::{
    ActivityId, CommitteeTerm, DuesBase, DuesBaseId, DuesPayment, Ledger, Meeting, MeetingId, MeetingStatus, Member,
    MemberId, OrgId, OrgKind, Organization, PaymentId, Stored, TermId, VolunteerActivity,
};
use crate::rules::{self, BranchCompliance, RuleSet};
use crate::store::StoreError;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;

/// The record kinds the rules read; the committee loads only these for compliance.
pub const LEDGER_KINDS: [&str; 7] =
    ["organization", "committee_term", "member", "meeting", "volunteer_activity", "dues_base", "dues_payment"];

/// One branch's records decoded: the ledger, and the UUID behind every id in it.
#[derive(Debug, Default)]
pub struct Received {
    /// The records the rules read.
    pub ledger: Ledger,
    ids: HashMap<(&'static str, String), i64>,
    uuids: Vec<(&'static str, String)>,
}

impl Received {
    /// The id standing for the record of `kind` with `uuid` (made on first sight: a record named
    /// but not received, such as the branch's parent committee, still gets one).
    fn id(&mut self, kind: &'static str, uuid: &str) -> i64 {
        if let Some(id) = self.ids.get(&(kind, uuid.to_owned())) {
            return *id;
        }
        self.uuids.push((kind, uuid.to_owned()));
        let id = self.uuids.len() as i64;
        self.ids.insert((kind, uuid.to_owned()), id);
        id
    }

    /// The UUID of the record id `id` stands for.
    pub fn uuid_of(&self, id: i64) -> Option<&str> {
        usize::try_from(id - 1).ok().and_then(|i| self.uuids.get(i)).map(|(_, uuid)| uuid.as_str())
    }

    /// `value` with every UUID under a naming field replaced by its id (recursively).
    fn decode(&mut self, record_kind: &str, value: &mut Value) {
        match value {
            Value::Object(fields) => {
                for (field, inner) in fields.iter_mut() {
                    match named_kind(record_kind, field) {
                        Some(kind) => self.replace(kind, inner),
                        None => self.decode(record_kind, inner),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.decode(record_kind, item)),
            _ => {}
        }
    }

    fn replace(&mut self, kind: &'static str, value: &mut Value) {
        match value {
            Value::String(uuid) => *value = Value::from(self.id(kind, uuid)),
            Value::Array(items) => items.iter_mut().for_each(|item| self.replace(kind, item)),
            _ => {}
        }
    }

    /// The record `body` of `kind` with its ids, and its own id.
    fn record<T: DeserializeOwned>(
        &mut self,
        kind: &'static str,
        uuid: &str,
        body: &str,
    ) -> Result<(i64, T), ServiceError> {
        let corrupt = || StoreError::Corrupt { what: "支部报送记录", value: format!("{kind} {uuid}") };
        let text = self.rewrite(kind, body).ok_or_else(corrupt)?;
        let record = serde_json::from_str(&text).map_err(|_| corrupt())?;
        Ok((self.id(kind, uuid), record))
    }

    /// `body` (compact JSON as the branch wrote it) with the UUID under every naming field — a
    /// string, or an array of strings — replaced by its id, in one pass over the text, so the record
    /// is then read straight into its type (thousands of attendance entries a branch; building a
    /// generic JSON tree first took twice as long). `None` if the text is not well-formed.
    fn rewrite(&mut self, record_kind: &str, body: &str) -> Option<String> {
        let bytes = body.as_bytes();
        let mut out = String::with_capacity(body.len());
        let mut copied = 0; // bytes of `body` already in `out`
        let mut i = 0;
        // The naming kind of the key just read, while its value is ahead.
        let mut pending: Option<&'static str> = None;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => {
                    let end = string_end(bytes, i)?;
                    let text = &body[i + 1..end];
                    let mut after = end + 1;
                    while bytes.get(after).is_some_and(u8::is_ascii_whitespace) {
                        after += 1;
                    }
                    if bytes.get(after) == Some(&b':') {
                        // A key: is its value a reference?
                        pending = named_kind(record_kind, text);
                        i = after + 1;
                        continue;
                    }
                    if let Some(kind) = pending {
                        // A reference (or one element of an array of them): the string becomes its id.
                        out.push_str(&body[copied..i]);
                        out.push_str(&self.id(kind, text).to_string());
                        copied = end + 1;
                    }
                    i = end + 1;
                    continue;
                }
                // Inside an array under a naming key the next elements are references too; any
                // other structure ends it.
                b'[' | b',' | b' ' => {}
                b']' | b'{' | b'}' => pending = None,
                _ => {
                    if pending.is_some() && !matches!(bytes[i], b'0'..=b'9' | b'-' | b'n' | b'u' | b'l') {
                        pending = None;
                    }
                }
            }
            i += 1;
        }
        out.push_str(&body[copied..]);
        Some(out)
    }
}

/// The index of the quote closing the string that opens at `start` (backslash escapes skipped).
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Decodes one branch's received rows (`(kind, uuid, body)`, tombstones left out) into the
/// ledger the rules read for meetings and activities dated `from..=to`, as the branch's own
/// store would load it.
pub fn decode<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Received, ServiceError> {
    let mut received = Received::default();
    let mut meetings = Vec::new();
    let mut activities = Vec::new();
    for (kind, uuid, body) in rows {
        match kind {
            "organization" => {
                let (id, record) = received.record::<Organization>("organization", uuid, body)?;
                received.ledger.organizations.push(Stored { id: OrgId(id), record });
            }
            "committee_term" => {
                let (id, record) = received.record::<CommitteeTerm>("committee_term", uuid, body)?;
                received.ledger.terms.push(Stored { id: TermId(id), record });
            }
            "member" => {
                let (id, record) = received.record::<Member>("member", uuid, body)?;
                received.ledger.members.push(Stored { id: MemberId(id), record });
            }
            "meeting" => {
                let (id, record) = received.record::<Meeting>("meeting", uuid, body)?;
                meetings.push(Stored { id: MeetingId(id), record });
            }
            "volunteer_activity" => {
                let (id, record) = received.record::<VolunteerActivity>("volunteer_activity", uuid, body)?;
                activities.push(Stored { id: ActivityId(id), record });
            }
            "dues_base" => {
                let (id, record) = received.record::<DuesBase>("dues_base", uuid, body)?;
                received.ledger.dues_bases.push(Stored { id: DuesBaseId(id), record });
            }
            "dues_payment" => {
                let (id, record) = received.record::<DuesPayment>("dues_payment", uuid, body)?;
                received.ledger.dues_payments.push(Stored { id: PaymentId(id), record });
            }
            _ => {}
        }
    }
    // Each branch's first final meeting ever (before `from` too), as the store reckons it.
    for meeting in &meetings {
        if meeting.record.status == MeetingStatus::Final {
            let day = meeting.record.starts_at.date();
            let start = received.ledger.records_start.entry(meeting.record.branch).or_insert(day);
            *start = (*start).min(day);
        }
    }
    received.ledger.records_start.retain(|org, _| {
        received.ledger.organizations.iter().any(|o| o.id == *org && o.record.kind == OrgKind::Branch)
    });
    meetings.retain(|m| (from..=to).contains(&m.record.starts_at.date()));
    meetings.sort_by_key(|m| m.record.starts_at);
    activities.retain(|a| (from..=to).contains(&a.record.date));
    activities.sort_by_key(|a| a.record.date);
    received.ledger.meetings = meetings;
    received.ledger.volunteer_activities = activities;
    Ok(received)
}

/// Evaluates `year` up to `as_of` for the branches among `received`, as
/// [`super::compliance::run`] does on the branch's PC.
pub fn compliance(received: &Received, rules: &RuleSet, year: i32, as_of: NaiveDate) -> Vec<BranchCompliance> {
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(as_of);
    rules::evaluate(&received.ledger, rules, year, as_of.min(year_end), None)
}

/// The dates [`decode`] needs for `year` under `rules`: (from, to).
pub fn ledger_range(rules: &RuleSet, year: i32) -> (NaiveDate, NaiveDate) {
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    (rules::needed_from(rules, year), to)
}

/// One subject's place in a ranking across branches.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Ranked {
    /// The branch that rated it (UUID).
    pub branch: String,
    /// The subject (UUID).
    pub subject: String,
    /// The subject's name.
    pub name: String,
    /// What kind of subject it is.
    pub kind: crate::domain::RatingSubjectKind,
    /// The total score.
    pub total: f64,
    /// The stars its own sheet gives the total.
    pub stars: u8,
    /// The competition rank across all branches (ties share a rank).
    pub rank: u32,
}

/// Every subject rated on one sheet in one year, across branches, ranked, with the quotas of
/// the sheet's newest version checked across them all.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Ranking {
    /// The sheet's key.
    pub key: String,
    /// Its name (newest version's).
    pub name: String,
    /// The year.
    pub year: i32,
    /// The subjects, best first (ties by name).
    pub rows: Vec<Ranked>,
    /// Each quota: places ⌊subjects × share⌋ against the subjects at that level.
    pub quotas: Vec<crate::domain::QuotaCheck>,
}

/// Ranks every star rating of `year` in `rows` (`(branch, kind, uuid, body)` of kinds
/// `star_rating` and `rating_subject`, tombstones left out), one ranking per sheet key.
pub fn rankings<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str, &'a str)>,
    year: i32,
) -> Result<Vec<Ranking>, ServiceError> {
    use crate::domain::{RatingScheme, RatingSubject};
    /// A star rating as it arrives: its scores, subject and the sheet scored on.
    #[derive(serde::Deserialize)]
    struct Arrived {
        year: i32,
        subject: String,
        scores: Vec<crate::domain::IndicatorScore>,
        scheme_sheet: RatingScheme,
    }
    let corrupt =
        |kind: &str, uuid: &str| StoreError::Corrupt { what: "支部报送记录", value: format!("{kind} {uuid}") };
    let mut subjects: HashMap<String, RatingSubject> = HashMap::new();
    let mut results: Vec<(String, Arrived)> = Vec::new();
    for (branch, kind, uuid, body) in rows {
        match kind {
            "rating_subject" => {
                let mut value: Value = serde_json::from_str(body).map_err(|_| corrupt(kind, uuid))?;
                // The ids inside (its branch, member, …) are not read here; any numbering does.
                let mut received = Received::default();
                received.decode(kind, &mut value);
                let subject: RatingSubject = serde_json::from_value(value).map_err(|_| corrupt(kind, uuid))?;
                subjects.insert(uuid.to_owned(), subject);
            }
            "star_rating" => {
                let arrived: Arrived = serde_json::from_str(body).map_err(|_| corrupt(kind, uuid))?;
                if arrived.year == year {
                    results.push((branch.to_owned(), arrived));
                }
            }
            _ => {}
        }
    }
    let mut by_key: std::collections::BTreeMap<String, Vec<(String, Arrived)>> = Default::default();
    for (branch, arrived) in results {
        by_key.entry(arrived.scheme_sheet.key.clone()).or_default().push((branch, arrived));
    }
    let mut out = Vec::new();
    for (key, group) in by_key {
        let Some(newest) = group.iter().map(|(_, a)| &a.scheme_sheet).max_by_key(|s| s.version).cloned() else {
            continue;
        };
        let totals: Vec<f64> = group.iter().map(|(_, a)| a.scores.iter().map(|s| s.score).sum()).collect();
        let ranks = crate::domain::ranks(&totals);
        let mut rows: Vec<Ranked> = group
            .into_iter()
            .zip(totals)
            .zip(ranks)
            .map(|(((branch, arrived), total), rank)| {
                let subject = subjects.get(&arrived.subject);
                Ranked {
                    branch,
                    name: subject.map_or_else(|| arrived.subject.clone(), |s| s.name.clone()),
                    kind: subject.map_or(arrived.scheme_sheet.subject_kind, |s| s.kind),
                    stars: arrived.scheme_sheet.stars_for(total),
                    subject: arrived.subject,
                    total,
                    rank,
                }
            })
            .collect();
        rows.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.name.cmp(&b.name)));
        let stars: Vec<u8> = rows.iter().map(|r| r.stars).collect();
        out.push(Ranking { quotas: crate::domain::check_quotas(&newest, &stars), key, name: newest.name, year, rows });
    }
    Ok(out)
}
