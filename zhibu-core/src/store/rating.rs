//! Star ratings in the store: the subjects a branch rates, the indicator sheets and their
//! versions, and the ratings themselves. A sheet with results is never changed in place:
//! adjusting it makes the next version, and the results keep the version they were scored on.

use super::{AuditAction, Result, Store, StoreError, Writer, codec};
use crate::domain::{
    IndicatorScore, MemberId, OrgId, RatingId, RatingScheme, RatingSubject, SchemeId, StarRating, Stored, SubjectId,
    ValidationError, VolunteerId,
};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// The part of a scheme kept as one JSON column.
#[derive(Serialize, Deserialize)]
struct SchemeDefinition {
    indicators: Vec<crate::domain::Indicator>,
    bonus: Vec<crate::domain::Indicator>,
    bands: Vec<crate::domain::StarBand>,
    quotas: Vec<crate::domain::Quota>,
}

impl SchemeDefinition {
    fn of(scheme: &RatingScheme) -> Self {
        Self {
            indicators: scheme.indicators.clone(),
            bonus: scheme.bonus.clone(),
            bands: scheme.bands.clone(),
            quotas: scheme.quotas.clone(),
        }
    }
}

impl Writer<'_> {
    /// Registers a subject a branch rates; the same kind and name twice in a branch is refused.
    pub fn create_subject(&mut self, subject: &RatingSubject) -> Result<SubjectId> {
        self.check_subject(subject)?;
        let inserted = self.tx.execute(
            "INSERT INTO rating_subjects(branch_id, kind, name, org_id, member_id, volunteer_id, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(branch_id, kind, name) DO NOTHING",
            rusqlite::params_from_iter(subject_values(subject)),
        )?;
        if inserted == 0 {
            return Err(StoreError::Duplicate {
                what: "本支部的评定对象", value: subject.name.trim().to_owned()
            });
        }
        let id = self.tx.last_insert_rowid();
        self.audit_change::<RatingSubject>(
            AuditAction::Create,
            "rating_subject",
            Some(id),
            subject.name.trim(),
            None,
            Some(subject),
        )?;
        Ok(SubjectId(id))
    }

    /// Corrects a registered subject (its ratings follow it).
    pub fn update_subject(&mut self, id: SubjectId, subject: &RatingSubject) -> Result<()> {
        let before = subject_by_id(&self.tx, id)?;
        self.check_subject(subject)?;
        let clash: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM rating_subjects WHERE branch_id = ?1 AND kind = ?2 AND name = ?3 AND id <> ?4",
                params![subject.branch.0, codec::code(&subject.kind), subject.name.trim(), id.0],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(StoreError::Duplicate {
                what: "本支部的评定对象", value: subject.name.trim().to_owned()
            });
        }
        self.tx.execute(
            "UPDATE rating_subjects SET branch_id = ?1, kind = ?2, name = ?3, org_id = ?4, member_id = ?5,
                 volunteer_id = ?6, note = ?7 WHERE id = ?8",
            rusqlite::params_from_iter(subject_values(subject).into_iter().chain([Value::Integer(id.0)])),
        )?;
        // The rows keep the subject's name beside its id (the first schema's columns).
        self.tx.execute(
            "UPDATE star_ratings SET subject_name = ?1, subject_org_id = ?2, subject_member_id = ?3 WHERE subject_id = ?4",
            params![subject.name.trim(), subject.org.map(|o| o.0), subject.member.map(|m| m.0), id.0],
        )?;
        self.audit_change(
            AuditAction::Update,
            "rating_subject",
            Some(id.0),
            subject.name.trim(),
            Some(&before),
            Some(subject),
        )
    }

    /// Removes a subject registered by mistake (kept in the trash); one already rated is kept.
    pub fn delete_subject(&mut self, id: SubjectId) -> Result<RatingSubject> {
        let subject = subject_by_id(&self.tx, id)?;
        let rated: i64 =
            self.tx.query_row("SELECT count(*) FROM star_ratings WHERE subject_id = ?1", [id.0], |r| r.get(0))?;
        if rated > 0 {
            return Err(ValidationError::new(
                "评定对象",
                format!("已有{rated}次星级评定，不能删除（评定结果须保留）"),
                &subject.name,
            )
            .into());
        }
        self.tx.execute("DELETE FROM rating_subjects WHERE id = ?1", [id.0])?;
        self.trash("rating_subject", id.0, &subject.name, &subject)?;
        Ok(subject)
    }

    fn check_subject(&self, subject: &RatingSubject) -> Result<()> {
        subject.validate()?;
        super::org::require_branch(&self.tx, subject.branch, "评定对象所属支部")?;
        if let Some(org) = subject.org {
            super::org::org_kind(&self.tx, org)?;
        }
        if let Some(member) = subject.member {
            super::member::require_member(&self.tx, member)?;
        }
        if let Some(volunteer) = subject.volunteer {
            super::register::require_volunteer(&self.tx, volunteer)?;
        }
        Ok(())
    }

    /// Saves a new indicator sheet as its version 1; its key must be new.
    pub fn create_rating_scheme(&mut self, scheme: &RatingScheme) -> Result<SchemeId> {
        scheme.validate()?;
        let taken: i64 =
            self.tx
                .query_row("SELECT count(*) FROM rating_schemes WHERE key = ?1", [scheme.key.trim()], |r| r.get(0))?;
        if taken > 0 {
            return Err(StoreError::Duplicate { what: "评定方案", value: scheme.key.clone() });
        }
        let id = self.insert_scheme(scheme, 1)?;
        self.audit(AuditAction::Create, "rating_scheme", Some(id.0), &scheme.name)?;
        Ok(id)
    }

    /// Adjusts the sheet `id` (the newest version of its key; the key stays). Without results it
    /// is changed in place; with results the change becomes the next version and the results keep
    /// theirs. Returns the id of the version now in force.
    pub fn revise_rating_scheme(&mut self, id: SchemeId, scheme: &RatingScheme) -> Result<SchemeId> {
        scheme.validate()?;
        let before = scheme_by_id(&self.tx, id)?;
        if before.key != scheme.key.trim() {
            return Err(
                ValidationError::new("评定方案标识", format!("不能修改（原为{}）", before.key), &scheme.key).into()
            );
        }
        let newest: u32 =
            self.tx.query_row("SELECT max(version) FROM rating_schemes WHERE key = ?1", [&before.key], |r| r.get(0))?;
        if newest != before.version {
            return Err(ValidationError::new(
                "评定方案",
                format!("只能调整最新版本（第{newest}版）"),
                format!("{}第{}版", before.name, before.version),
            )
            .into());
        }
        let used: i64 =
            self.tx.query_row("SELECT count(*) FROM star_ratings WHERE scheme_id = ?1", [id.0], |r| r.get(0))?;
        let now = if used > 0 {
            self.insert_scheme(scheme, newest + 1)?
        } else {
            self.tx.execute(
                "UPDATE rating_schemes SET name = ?1, source = ?2, subject_kind = ?3, definition = ?4 WHERE id = ?5",
                params![
                    scheme.name.trim(),
                    scheme.source,
                    codec::code(&scheme.subject_kind),
                    codec::to_json(&SchemeDefinition::of(scheme)),
                    id.0
                ],
            )?;
            id
        };
        let after = RatingScheme { version: if used > 0 { newest + 1 } else { newest }, ..scheme.clone() };
        self.audit_change(
            AuditAction::Update,
            "rating_scheme",
            Some(now.0),
            &format!("{}第{}版", scheme.name.trim(), after.version),
            Some(&before),
            Some(&after),
        )?;
        Ok(now)
    }

    fn insert_scheme(&mut self, scheme: &RatingScheme, version: u32) -> Result<SchemeId> {
        self.tx.execute(
            "INSERT INTO rating_schemes(key, version, name, source, subject_kind, definition)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                scheme.key.trim(),
                version,
                scheme.name.trim(),
                scheme.source,
                codec::code(&scheme.subject_kind),
                codec::to_json(&SchemeDefinition::of(scheme))
            ],
        )?;
        Ok(SchemeId(self.tx.last_insert_rowid()))
    }

    /// Saves one subject's star rating, scored against its sheet; stores the total and stars.
    /// One per subject, sheet (any version) and year: a second one is refused (correct the first).
    pub fn create_star_rating(&mut self, rating: &StarRating) -> Result<RatingId> {
        let (scheme, subject) = self.check_star_rating(rating, None)?;
        let total = rating.total();
        self.tx.execute(
            "INSERT INTO star_ratings(scheme_id, year, subject_id, subject_name, subject_org_id, subject_member_id,
                 total, stars) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                rating.scheme.0,
                rating.year,
                rating.subject.0,
                subject.name,
                subject.org.map(|o| o.0),
                subject.member.map(|m| m.0),
                total,
                scheme.stars_for(total)
            ],
        )?;
        let id = self.tx.last_insert_rowid();
        self.insert_scores(id, rating)?;
        self.audit_change::<StarRating>(
            AuditAction::Create,
            "star_rating",
            Some(id),
            &format!("{}年度{}", rating.year, subject.name),
            None,
            Some(rating),
        )?;
        Ok(RatingId(id))
    }

    /// Corrects a saved star rating (scores, subject); total and stars are recomputed.
    pub fn update_star_rating(&mut self, id: RatingId, rating: &StarRating) -> Result<()> {
        let before = star_rating(&self.tx, id)?;
        let (scheme, subject) = self.check_star_rating(rating, Some(id))?;
        let total = rating.total();
        self.tx.execute(
            "UPDATE star_ratings SET scheme_id = ?1, year = ?2, subject_id = ?3, subject_name = ?4,
                 subject_org_id = ?5, subject_member_id = ?6, total = ?7, stars = ?8 WHERE id = ?9",
            params![
                rating.scheme.0,
                rating.year,
                rating.subject.0,
                subject.name,
                subject.org.map(|o| o.0),
                subject.member.map(|m| m.0),
                total,
                scheme.stars_for(total),
                id.0
            ],
        )?;
        self.tx.execute("DELETE FROM star_rating_scores WHERE rating_id = ?1", [id.0])?;
        self.insert_scores(id.0, rating)?;
        self.audit_change(
            AuditAction::Update,
            "star_rating",
            Some(id.0),
            &format!("{}年度{}", rating.year, subject.name),
            Some(&before),
            Some(rating),
        )
    }

    /// Deletes a star rating (kept in the trash for undo).
    pub fn delete_star_rating(&mut self, id: RatingId) -> Result<StarRating> {
        let rating = star_rating(&self.tx, id)?;
        let name = subject_by_id(&self.tx, rating.subject)?.name;
        self.tx.execute("DELETE FROM star_ratings WHERE id = ?1", [id.0])?;
        self.trash("star_rating", id.0, &format!("{}年度{}", rating.year, name), &rating)?;
        Ok(rating)
    }

    fn check_star_rating(&self, rating: &StarRating, id: Option<RatingId>) -> Result<(RatingScheme, RatingSubject)> {
        let scheme = scheme_by_id(&self.tx, rating.scheme)?;
        let subject = subject_by_id(&self.tx, rating.subject)?;
        if subject.kind != scheme.subject_kind {
            return Err(ValidationError::new(
                "评定对象",
                format!("是{}，方案评定的是{}", subject.kind.label(), scheme.subject_kind.label()),
                &subject.name,
            )
            .into());
        }
        rating.validate(&scheme)?;
        let clash: Option<i64> = self
            .tx
            .query_row(
                "SELECT r.id FROM star_ratings r JOIN rating_schemes s ON s.id = r.scheme_id
                 WHERE s.key = ?1 AND r.year = ?2 AND r.subject_id = ?3 AND r.id IS NOT ?4",
                params![scheme.key, rating.year, rating.subject.0, id.map(|i| i.0)],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(StoreError::Duplicate {
                what: "该对象本年度星级评定",
                value: format!("{}年度{}", rating.year, subject.name),
            });
        }
        Ok((scheme, subject))
    }

    fn insert_scores(&mut self, id: i64, rating: &StarRating) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO star_rating_scores(rating_id, position, indicator_key, score) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, s) in rating.scores.iter().enumerate() {
            stmt.execute(params![id, i as i64, s.key, s.score])?;
        }
        Ok(())
    }
}

/// A subject's columns in the order the INSERT and UPDATE name them (?1 … ?7).
fn subject_values(subject: &RatingSubject) -> Vec<Value> {
    let opt = |id: Option<i64>| id.map_or(Value::Null, Value::Integer);
    vec![
        Value::Integer(subject.branch.0),
        Value::Text(codec::code(&subject.kind)),
        Value::Text(subject.name.trim().to_owned()),
        opt(subject.org.map(|o| o.0)),
        opt(subject.member.map(|m| m.0)),
        opt(subject.volunteer.map(|v| v.0)),
        Value::Text(subject.note.trim().to_owned()),
    ]
}

const SUBJECT_COLUMNS: &str = "id, branch_id, kind, name, org_id, member_id, volunteer_id, note";

fn subject_row(r: &rusqlite::Row<'_>) -> Result<Stored<SubjectId, RatingSubject>> {
    Ok(Stored {
        id: SubjectId(r.get(0)?),
        record: RatingSubject {
            branch: OrgId(r.get(1)?),
            kind: codec::decode("评定对象类型", &r.get::<_, String>(2)?)?,
            name: r.get(3)?,
            org: r.get::<_, Option<i64>>(4)?.map(OrgId),
            member: r.get::<_, Option<i64>>(5)?.map(MemberId),
            volunteer: r.get::<_, Option<i64>>(6)?.map(VolunteerId),
            note: r.get(7)?,
        },
    })
}

fn subjects_where(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<Stored<SubjectId, RatingSubject>>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {SUBJECT_COLUMNS} FROM rating_subjects {filter} ORDER BY id"))?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(subject_row(r)?);
    }
    Ok(out)
}

fn subject_by_id(conn: &Connection, id: SubjectId) -> Result<RatingSubject> {
    subjects_where(conn, "WHERE id = ?1", [id.0])?
        .pop()
        .map(|s| s.record)
        .ok_or(StoreError::NotFound { kind: "评定对象", id: id.0 })
}

fn star_rating(conn: &Connection, id: RatingId) -> Result<StarRating> {
    let row: Option<(i64, i32)> = conn
        .query_row("SELECT scheme_id, year FROM star_ratings WHERE id = ?1", [id.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (scheme, year) = row.ok_or(StoreError::NotFound { kind: "星级评定", id: id.0 })?;
    star_ratings(conn, SchemeId(scheme), year)?
        .into_iter()
        .find(|r| r.id == id)
        .map(|r| r.record)
        .ok_or(StoreError::NotFound { kind: "星级评定", id: id.0 })
}

fn scheme_by_id(conn: &Connection, id: SchemeId) -> Result<RatingScheme> {
    let row: Option<(String, u32, String, String, String, String)> = conn
        .query_row(
            "SELECT key, version, name, source, subject_kind, definition FROM rating_schemes WHERE id = ?1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?;
    let (key, version, name, source, subject_kind, definition) =
        row.ok_or(StoreError::NotFound { kind: "评定方案", id: id.0 })?;
    let definition: SchemeDefinition = codec::from_json("评定方案", &definition)?;
    Ok(RatingScheme {
        key,
        version,
        name,
        source,
        subject_kind: codec::decode("评定对象类型", &subject_kind)?,
        indicators: definition.indicators,
        bonus: definition.bonus,
        bands: definition.bands,
        quotas: definition.quotas,
    })
}

fn star_ratings(conn: &Connection, scheme: SchemeId, year: i32) -> Result<Vec<Stored<RatingId, StarRating>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, subject_id FROM star_ratings WHERE scheme_id = ?1 AND year = ?2 AND subject_id IS NOT NULL
         ORDER BY id",
    )?;
    let mut rows = stmt.query(params![scheme.0, year])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(Stored {
            id: RatingId(r.get(0)?),
            record: StarRating { scheme, year, subject: SubjectId(r.get(1)?), scores: Vec::new() },
        });
    }
    drop(rows);
    let mut stmt = conn.prepare_cached(
        "SELECT s.rating_id, s.indicator_key, s.score FROM star_rating_scores s JOIN star_ratings r ON r.id = s.rating_id
         WHERE r.scheme_id = ?1 AND r.year = ?2 ORDER BY s.rating_id, s.position",
    )?;
    let mut rows = stmt.query(params![scheme.0, year])?;
    let index: std::collections::HashMap<RatingId, usize> = out.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&RatingId(r.get(0)?)) {
            out[i].record.scores.push(IndicatorScore { key: r.get(1)?, score: r.get(2)? });
        }
    }
    Ok(out)
}

impl Store {
    /// One registered subject.
    pub fn subject(&self, id: SubjectId) -> Result<RatingSubject> {
        subject_by_id(&self.conn, id)
    }

    /// The subjects `branch` rates, in the order they were registered.
    pub fn branch_subjects(&self, branch: OrgId) -> Result<Vec<Stored<SubjectId, RatingSubject>>> {
        subjects_where(&self.conn, "WHERE branch_id = ?1", [branch.0])
    }

    /// Every registered subject.
    pub fn subjects(&self) -> Result<Vec<Stored<SubjectId, RatingSubject>>> {
        subjects_where(&self.conn, "", [])
    }

    /// One sheet version.
    pub fn rating_scheme(&self, id: SchemeId) -> Result<RatingScheme> {
        scheme_by_id(&self.conn, id)
    }

    /// Every sheet, every version, by key then version.
    pub fn rating_schemes(&self) -> Result<Vec<Stored<SchemeId, RatingScheme>>> {
        let ids: Vec<i64> = self
            .conn
            .prepare_cached("SELECT id FROM rating_schemes ORDER BY key, version")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.into_iter()
            .map(|id| Ok(Stored { id: SchemeId(id), record: scheme_by_id(&self.conn, SchemeId(id))? }))
            .collect()
    }

    /// The sheets in force: the newest version of each key, in the order the keys were first saved.
    pub fn current_rating_schemes(&self) -> Result<Vec<Stored<SchemeId, RatingScheme>>> {
        let ids: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT s.id FROM rating_schemes s
                 WHERE s.version = (SELECT max(version) FROM rating_schemes o WHERE o.key = s.key)
                 ORDER BY (SELECT min(id) FROM rating_schemes o WHERE o.key = s.key)",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.into_iter()
            .map(|id| Ok(Stored { id: SchemeId(id), record: scheme_by_id(&self.conn, SchemeId(id))? }))
            .collect()
    }

    /// One star rating.
    pub fn star_rating(&self, id: RatingId) -> Result<StarRating> {
        star_rating(&self.conn, id)
    }

    /// Star ratings of `year` under the sheet version `scheme`, in the order they were entered.
    pub fn star_ratings(&self, scheme: SchemeId, year: i32) -> Result<Vec<Stored<RatingId, StarRating>>> {
        star_ratings(&self.conn, scheme, year)
    }

    /// Star ratings of `year` under any version of the sheet `key`, in the order they were entered.
    pub fn ratings_under(&self, key: &str, year: i32) -> Result<Vec<Stored<RatingId, StarRating>>> {
        let versions: Vec<i64> = self
            .conn
            .prepare_cached("SELECT id FROM rating_schemes WHERE key = ?1 ORDER BY version")?
            .query_map([key], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for id in versions {
            out.extend(star_ratings(&self.conn, SchemeId(id), year)?);
        }
        out.sort_by_key(|r| r.id);
        Ok(out)
    }
}
