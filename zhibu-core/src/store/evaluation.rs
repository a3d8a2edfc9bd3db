//! Evaluations in the store: duty reviews, member appraisals, rating schemes and star ratings.

use super::{AuditAction, Result, Store, StoreError, Writer, codec};
use crate::domain::{
    AppraisalId, BallotTally, DutyReview, MemberAppraisal, MemberId, OrgId, ReportSection, ReviewId, Stored,
};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};

impl Writer<'_> {
    /// Saves a duty review; one per secretary and year.
    pub fn create_duty_review(&mut self, review: &DutyReview) -> Result<ReviewId> {
        self.check_duty_review(review, None)?;
        self.tx.execute(
            "INSERT INTO duty_reviews(year, branch_id, subject_id, held_on, ballots_excellent, ballots_good, ballots_fair,
                 ballots_poor, voters_expected, voters_returned, higher_comment, overall_grade)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            rusqlite::params_from_iter(review_values(review)),
        )?;
        let id = self.tx.last_insert_rowid();
        self.insert_sections(id, review)?;
        self.audit_change::<DutyReview>(
            AuditAction::Create,
            "duty_review",
            Some(id),
            &format!("{}年度述职评议", review.year),
            None,
            Some(review),
        )?;
        Ok(ReviewId(id))
    }

    /// Corrects a saved duty review (ballots, comment, grade, report sections).
    pub fn update_duty_review(&mut self, id: ReviewId, review: &DutyReview) -> Result<()> {
        let before = duty_review(&self.tx, id)?;
        self.check_duty_review(review, Some(id))?;
        self.tx.execute(
            "UPDATE duty_reviews SET year = ?1, branch_id = ?2, subject_id = ?3, held_on = ?4, ballots_excellent = ?5,
                 ballots_good = ?6, ballots_fair = ?7, ballots_poor = ?8, voters_expected = ?9, voters_returned = ?10,
                 higher_comment = ?11, overall_grade = ?12
             WHERE id = ?13",
            rusqlite::params_from_iter(review_values(review).into_iter().chain([Value::Integer(id.0)])),
        )?;
        self.tx.execute("DELETE FROM duty_review_sections WHERE review_id = ?1", [id.0])?;
        self.insert_sections(id.0, review)?;
        self.audit_change(
            AuditAction::Update,
            "duty_review",
            Some(id.0),
            &format!("{}年度述职评议", review.year),
            Some(&before),
            Some(review),
        )
    }

    /// Deletes a duty review (kept in the trash for undo).
    pub fn delete_duty_review(&mut self, id: ReviewId) -> Result<DutyReview> {
        let review = duty_review(&self.tx, id)?;
        self.tx.execute("DELETE FROM duty_reviews WHERE id = ?1", [id.0])?;
        self.trash("duty_review", id.0, &format!("{}年度述职评议", review.year), &review)?;
        Ok(review)
    }

    fn check_duty_review(&self, review: &DutyReview, id: Option<ReviewId>) -> Result<()> {
        review.validate()?;
        super::org::require_branch(&self.tx, review.branch, "述职支部")?;
        super::member::require_member(&self.tx, review.subject)?;
        let exists: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM duty_reviews WHERE year = ?1 AND subject_id = ?2 AND id IS NOT ?3",
                params![review.year, review.subject.0, id.map(|i| i.0)],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_some() {
            return Err(StoreError::Duplicate {
                what: "该书记本年度述职评议", value: review.year.to_string()
            });
        }
        Ok(())
    }

    fn insert_sections(&mut self, id: i64, review: &DutyReview) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO duty_review_sections(review_id, position, heading, body) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, s) in review.sections.iter().enumerate() {
            stmt.execute(params![id, i as i64, s.heading.trim(), s.body.trim()])?;
        }
        Ok(())
    }

    /// Saves a member's appraisal result; one per member and year.
    pub fn create_appraisal(&mut self, appraisal: &MemberAppraisal) -> Result<AppraisalId> {
        appraisal.validate()?;
        super::member::require_member(&self.tx, appraisal.member)?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO member_appraisals(year, member_id, self_assessment, grade, votes_outstanding, votes_qualified,
                 votes_basically_qualified, votes_unqualified, suggested, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT(year, member_id) DO NOTHING",
        )?;
        let v = appraisal.votes;
        let inserted = stmt.execute(params![
            appraisal.year,
            appraisal.member.0,
            appraisal.self_assessment.trim(),
            codec::code(&appraisal.grade),
            v.outstanding,
            v.qualified,
            v.basically_qualified,
            v.unqualified,
            appraisal.suggested.map(|g| codec::code(&g)),
            appraisal.reason.trim()
        ])?;
        drop(stmt);
        if inserted == 0 {
            return Err(StoreError::Duplicate {
                what: "该党员本年度评议结果", value: appraisal.year.to_string()
            });
        }
        let id = self.tx.last_insert_rowid();
        self.audit_change::<MemberAppraisal>(
            AuditAction::Create,
            "member_appraisal",
            Some(id),
            &format!("{}年度民主评议", appraisal.year),
            None,
            Some(appraisal),
        )?;
        Ok(AppraisalId(id))
    }

    /// Corrects a saved appraisal (grade, self-assessment).
    pub fn update_appraisal(&mut self, id: AppraisalId, appraisal: &MemberAppraisal) -> Result<()> {
        appraisal.validate()?;
        let before = appraisal_by_id(&self.tx, id)?;
        super::member::require_member(&self.tx, appraisal.member)?;
        let clash: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM member_appraisals WHERE year = ?1 AND member_id = ?2 AND id <> ?3",
                params![appraisal.year, appraisal.member.0, id.0],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(StoreError::Duplicate {
                what: "该党员本年度评议结果", value: appraisal.year.to_string()
            });
        }
        self.tx.execute(
            "UPDATE member_appraisals SET year = ?1, member_id = ?2, self_assessment = ?3, grade = ?4,
                 votes_outstanding = ?5, votes_qualified = ?6, votes_basically_qualified = ?7, votes_unqualified = ?8,
                 suggested = ?9, reason = ?10 WHERE id = ?11",
            params![
                appraisal.year,
                appraisal.member.0,
                appraisal.self_assessment.trim(),
                codec::code(&appraisal.grade),
                appraisal.votes.outstanding,
                appraisal.votes.qualified,
                appraisal.votes.basically_qualified,
                appraisal.votes.unqualified,
                appraisal.suggested.map(|g| codec::code(&g)),
                appraisal.reason.trim(),
                id.0
            ],
        )?;
        self.audit_change(
            AuditAction::Update,
            "member_appraisal",
            Some(id.0),
            &format!("{}年度民主评议", appraisal.year),
            Some(&before),
            Some(appraisal),
        )
    }

    /// Deletes an appraisal (kept in the trash for undo).
    pub fn delete_appraisal(&mut self, id: AppraisalId) -> Result<MemberAppraisal> {
        let appraisal = appraisal_by_id(&self.tx, id)?;
        self.tx.execute("DELETE FROM member_appraisals WHERE id = ?1", [id.0])?;
        self.trash("member_appraisal", id.0, &format!("{}年度民主评议", appraisal.year), &appraisal)?;
        Ok(appraisal)
    }
}

/// A duty review's columns in the order the INSERT and UPDATE name them (?1 … ?12).
fn review_values(review: &DutyReview) -> Vec<Value> {
    let b = review.ballots;
    let int = |n: u32| Value::Integer(i64::from(n));
    vec![
        Value::Integer(i64::from(review.year)),
        Value::Integer(review.branch.0),
        Value::Integer(review.subject.0),
        review.held_on.map_or(Value::Null, |d| Value::Text(d.to_string())),
        int(b.excellent),
        int(b.good),
        int(b.fair),
        int(b.poor),
        int(review.voters_expected),
        int(review.voters_returned),
        Value::Text(review.higher_comment.trim().to_owned()),
        review.overall_grade.map_or(Value::Null, |g| Value::Text(codec::code(&g))),
    ]
}

/// One duty review with its sections.
fn duty_review(conn: &rusqlite::Connection, id: ReviewId) -> Result<DutyReview> {
    let found: Option<(i32, i64)> = conn
        .query_row("SELECT year, branch_id FROM duty_reviews WHERE id = ?1", [id.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (year, branch) = found.ok_or(StoreError::NotFound { kind: "述职评议", id: id.0 })?;
    duty_reviews(conn, year, Some(OrgId(branch)))?
        .into_iter()
        .find(|r| r.id == id)
        .map(|r| r.record)
        .ok_or(StoreError::NotFound { kind: "述职评议", id: id.0 })
}

fn appraisal_by_id(conn: &rusqlite::Connection, id: AppraisalId) -> Result<MemberAppraisal> {
    let year: Option<i32> =
        conn.query_row("SELECT year FROM member_appraisals WHERE id = ?1", [id.0], |r| r.get(0)).optional()?;
    let year = year.ok_or(StoreError::NotFound { kind: "民主评议结果", id: id.0 })?;
    let stmt = conn.prepare_cached("SELECT a.id, a.member_id, a.self_assessment, a.grade, a.votes_outstanding, a.votes_qualified, a.votes_basically_qualified, a.votes_unqualified, a.suggested, a.reason FROM member_appraisals a WHERE a.id = ?1")?;
    appraisal_rows(stmt, params![id.0], year)?
        .pop()
        .map(|a| a.record)
        .ok_or(StoreError::NotFound { kind: "民主评议结果", id: id.0 })
}

impl Store {
    /// Duty reviews of `year`, by branch.
    pub fn duty_reviews(&self, year: i32) -> Result<Vec<Stored<ReviewId, DutyReview>>> {
        duty_reviews(&self.conn, year, None)
    }

    /// The duty reviews of `year` of `branch` (a report on one branch reads no other's).
    pub fn branch_duty_reviews(&self, year: i32, branch: OrgId) -> Result<Vec<Stored<ReviewId, DutyReview>>> {
        duty_reviews(&self.conn, year, Some(branch))
    }

    /// One duty review.
    pub fn duty_review(&self, id: ReviewId) -> Result<DutyReview> {
        duty_review(&self.conn, id)
    }

    /// One member appraisal.
    pub fn appraisal(&self, id: AppraisalId) -> Result<MemberAppraisal> {
        appraisal_by_id(&self.conn, id)
    }

    /// Member appraisals of `year`, by member.
    pub fn appraisals(&self, year: i32) -> Result<Vec<Stored<AppraisalId, MemberAppraisal>>> {
        let stmt = self.conn.prepare_cached(
            "SELECT a.id, a.member_id, a.self_assessment, a.grade, a.votes_outstanding, a.votes_qualified, a.votes_basically_qualified, a.votes_unqualified, a.suggested, a.reason FROM member_appraisals a WHERE a.year = ?1 ORDER BY a.member_id",
        )?;
        appraisal_rows(stmt, params![year], year)
    }

    /// Member appraisals of `year` of the members of `branch`, by member.
    pub fn branch_appraisals(&self, year: i32, branch: OrgId) -> Result<Vec<Stored<AppraisalId, MemberAppraisal>>> {
        // Through the branch's members and UNIQUE (year, member_id): a branch's 40 rows, not the year's thousands.
        let stmt = self.conn.prepare_cached(
            "SELECT a.id, a.member_id, a.self_assessment, a.grade, a.votes_outstanding, a.votes_qualified, a.votes_basically_qualified, a.votes_unqualified, a.suggested, a.reason FROM members m
             JOIN member_appraisals a ON a.year = ?1 AND a.member_id = m.id
             WHERE m.branch_id = ?2 ORDER BY a.member_id",
        )?;
        appraisal_rows(stmt, params![year, branch.0], year)
    }
}

/// Reads appraisal rows (id, member, self-assessment, grade) of `year` from a prepared query.
fn appraisal_rows(
    mut stmt: rusqlite::CachedStatement<'_>,
    args: impl rusqlite::Params,
    year: i32,
) -> Result<Vec<Stored<AppraisalId, MemberAppraisal>>> {
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(Stored {
            id: AppraisalId(r.get(0)?),
            record: MemberAppraisal {
                year,
                member: MemberId(r.get(1)?),
                self_assessment: r.get(2)?,
                grade: codec::decode("评议等次", &r.get::<_, String>(3)?)?,
                votes: crate::domain::AppraisalVotes {
                    outstanding: r.get(4)?,
                    qualified: r.get(5)?,
                    basically_qualified: r.get(6)?,
                    unqualified: r.get(7)?,
                },
                suggested: r.get::<_, Option<String>>(8)?.map(|code| codec::decode("建议等次", &code)).transpose()?,
                reason: r.get(9)?,
            },
        });
    }
    Ok(out)
}

fn duty_reviews(
    conn: &rusqlite::Connection,
    year: i32,
    branch: Option<OrgId>,
) -> Result<Vec<Stored<ReviewId, DutyReview>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, branch_id, subject_id, held_on, ballots_excellent, ballots_good, ballots_fair, ballots_poor,
                voters_expected, voters_returned, higher_comment, overall_grade
         FROM duty_reviews WHERE year = ?1 AND (?2 IS NULL OR branch_id = ?2) ORDER BY branch_id, id",
    )?;
    let mut rows = stmt.query(params![year, branch.map(|b| b.0)])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let grade: Option<String> = r.get(11)?;
        out.push(Stored {
            id: ReviewId(r.get(0)?),
            record: DutyReview {
                year,
                branch: OrgId(r.get(1)?),
                subject: MemberId(r.get(2)?),
                held_on: r.get(3)?,
                sections: Vec::new(),
                ballots: BallotTally { excellent: r.get(4)?, good: r.get(5)?, fair: r.get(6)?, poor: r.get(7)? },
                voters_expected: r.get(8)?,
                voters_returned: r.get(9)?,
                higher_comment: r.get(10)?,
                overall_grade: grade.map(|g| codec::decode("综合评价等次", &g)).transpose()?,
            },
        });
    }
    drop(rows);
    let mut stmt = conn.prepare_cached(
        "SELECT s.review_id, s.heading, s.body FROM duty_review_sections s JOIN duty_reviews d ON d.id = s.review_id
         WHERE d.year = ?1 AND (?2 IS NULL OR d.branch_id = ?2) ORDER BY s.review_id, s.position",
    )?;
    let mut rows = stmt.query(params![year, branch.map(|b| b.0)])?;
    while let Some(r) = rows.next()? {
        let review = ReviewId(r.get(0)?);
        if let Some(target) = out.iter_mut().find(|d| d.id == review) {
            target.record.sections.push(ReportSection { heading: r.get(1)?, body: r.get(2)? });
        }
    }
    Ok(out)
}
