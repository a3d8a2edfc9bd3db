//! The committee's year-end 述职评议考核 meeting across its branch secretaries: the meeting of a
//! year, each secretary's ballots with the grade they point to and the grade decided, and the
//! decided grade sent down as the branch's review (topic [`TOPIC`]) in the same transaction. The
//! grade rule itself is the rules engine's; this module stores what the caller computed with it.

use super::CommitteeError;
use postgres::Client;

/// The review topic a decided grade reaches the branch under.
pub const TOPIC: &str = "述职评议考核";

/// A year's meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyMeeting {
    /// The year reviewed.
    pub year: i32,
    /// When it was held (`YYYY-MM-DD`).
    pub held_on: String,
    /// Its title.
    pub title: String,
    /// Voters expected (应到人数).
    pub voters_expected: i32,
}

/// One secretary's result at the meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// The branch (UUID).
    pub branch: String,
    /// The secretary's name.
    pub secretary: String,
    /// 好, 较好, 一般, 差 votes.
    pub votes: [i32; 4],
    /// The grade the ballots point to under the rule.
    pub ballot_grade: String,
    /// The grade decided.
    pub grade: String,
    /// Why the decided grade differs (empty where it does not).
    pub reason: String,
}

/// Records (or corrects) the meeting of `meeting.year`.
pub fn hold(client: &mut Client, meeting: &DutyMeeting) -> Result<(), CommitteeError> {
    if meeting.voters_expected <= 0 {
        return Err(CommitteeError::Invalid {
            what: "应到人数应大于0", value: meeting.voters_expected.to_string()
        });
    }
    client.execute(
        "INSERT INTO zhibu.duty_meetings(year, held_on, title, voters_expected) VALUES ($1, $2::TEXT::DATE, $3, $4)
         ON CONFLICT (year) DO UPDATE
             SET held_on = EXCLUDED.held_on, title = EXCLUDED.title, voters_expected = EXCLUDED.voters_expected",
        &[&meeting.year, &meeting.held_on, &meeting.title, &meeting.voters_expected],
    )?;
    Ok(())
}

/// The meeting of `year`, if held.
pub fn meeting(client: &mut Client, year: i32) -> Result<Option<DutyMeeting>, CommitteeError> {
    Ok(client
        .query_opt(
            "SELECT year, held_on::TEXT, title, voters_expected FROM zhibu.duty_meetings WHERE year = $1",
            &[&year],
        )?
        .map(|r| DutyMeeting { year: r.get(0), held_on: r.get(1), title: r.get(2), voters_expected: r.get(3) }))
}

/// Enters (or corrects) one secretary's ballots at the meeting of `year`, and sends the decided
/// grade down as the branch's review — one transaction. More ballots than voters expected, or a
/// decided grade that differs from the ballots without a reason, is refused.
pub fn enter(client: &mut Client, year: i32, ballot: &Ballot) -> Result<(), CommitteeError> {
    let mut tx = client.transaction()?;
    let expected: i32 = tx
        .query_opt("SELECT voters_expected FROM zhibu.duty_meetings WHERE year = $1", &[&year])?
        .map(|r| r.get(0))
        .ok_or_else(|| CommitteeError::Invalid {
            what: "该年度还没有述职评议考核会议（先用 zhibu committee duty-meeting 登记）",
            value: year.to_string(),
        })?;
    let cast: i32 = ballot.votes.iter().sum();
    if ballot.votes.iter().any(|v| *v < 0) || cast > expected {
        return Err(CommitteeError::Invalid {
            what: "票数不合理（不能为负，合计不能超过应到人数）",
            value: format!("{cast}/{expected}"),
        });
    }
    if ballot.grade != ballot.ballot_grade && ballot.reason.trim().is_empty() {
        return Err(CommitteeError::Invalid {
            what: "确定的等次与票数得出的不同，须写明理由",
            value: format!("{}≠{}", ballot.grade, ballot.ballot_grade),
        });
    }
    let [excellent, good, fair, poor] = ballot.votes;
    tx.execute(
        "INSERT INTO zhibu.duty_ballots(year, branch_uuid, secretary, excellent, good, fair, poor, ballot_grade, grade, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (year, branch_uuid) DO UPDATE
             SET secretary = EXCLUDED.secretary, excellent = EXCLUDED.excellent, good = EXCLUDED.good,
                 fair = EXCLUDED.fair, poor = EXCLUDED.poor, ballot_grade = EXCLUDED.ballot_grade,
                 grade = EXCLUDED.grade, reason = EXCLUDED.reason,
                 entered_by = CURRENT_USER, entered_at = CURRENT_TIMESTAMP",
        &[
            &year,
            &ballot.branch,
            &ballot.secretary,
            &excellent,
            &good,
            &fair,
            &poor,
            &ballot.ballot_grade,
            &ballot.grade,
            &ballot.reason.trim(),
        ],
    )?;
    let mut opinion = format!("{}同志：好{excellent}票、较好{good}票、一般{fair}票、差{poor}票", ballot.secretary);
    if !ballot.reason.trim().is_empty() {
        opinion.push_str(&format!("；{}", ballot.reason.trim()));
    }
    let counter: i64 = tx
        .query_opt("SELECT last_counter FROM zhibu.branches WHERE uuid = $1", &[&ballot.branch])?
        .map(|r| r.get(0))
        .ok_or_else(|| CommitteeError::Invalid {
            what: "委员会数据库中没有这个支部", value: ballot.branch.clone()
        })?;
    tx.execute(
        "INSERT INTO zhibu.reviews(uuid, branch_uuid, year, topic, verdict, opinion, counter)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (branch_uuid, year, topic) DO UPDATE
             SET verdict = EXCLUDED.verdict, opinion = EXCLUDED.opinion, counter = EXCLUDED.counter,
                 decided_by = CURRENT_USER, decided_at = CURRENT_TIMESTAMP",
        &[&uuid::Uuid::new_v4().to_string(), &ballot.branch, &year, &TOPIC, &ballot.grade, &opinion, &counter],
    )?;
    tx.commit()?;
    Ok(())
}

/// Every secretary's result at the meeting of `year`, in the order entered.
pub fn ballots(client: &mut Client, year: i32) -> Result<Vec<Ballot>, CommitteeError> {
    let rows = client.query(
        "SELECT branch_uuid, secretary, excellent, good, fair, poor, ballot_grade, grade, reason
         FROM zhibu.duty_ballots WHERE year = $1 ORDER BY entered_at, branch_uuid",
        &[&year],
    )?;
    Ok(rows
        .iter()
        .map(|r| Ballot {
            branch: r.get(0),
            secretary: r.get(1),
            votes: [r.get(2), r.get(3), r.get(4), r.get(5)],
            ballot_grade: r.get(6),
            grade: r.get(7),
            reason: r.get(8),
        })
        .collect())
}
