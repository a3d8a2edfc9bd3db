//! The committee's word on what branches report (owip-style): a branch's year is reported, then
//! passed (通过) or returned (退回) with an opinion; a returned branch corrects its records and
//! reports again, which puts it back in the queue. Decisions live in the committee-owned
//! `zhibu.reviews`; a branch's login reads its own (that is its feedback) and nothing else.

use super::CommitteeError;
use super::read::BranchEntry;
use postgres::Client;

/// The topic of a branch's yearly submission.
pub const SUBMISSION: &str = "年度报送";

/// A decision of the committee about one branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The committee's id of it (kept when the decision is revised).
    pub uuid: String,
    /// The branch.
    pub branch: String,
    /// The year it is about.
    pub year: i32,
    /// What it is about ([`SUBMISSION`], 述职评议考核, …).
    pub topic: String,
    /// 通过, 退回, a grade, a rank.
    pub verdict: String,
    /// The committee's opinion.
    pub opinion: String,
    /// The branch's counter the decision was made on.
    pub counter: i64,
    /// The login that decided.
    pub decided_by: String,
    /// When (`YYYY-MM-DD HH:MM`, the server's time).
    pub decided_at: String,
}

/// Records (or revises) the committee's decision on `branch`'s `topic` for `year`, made on what
/// the branch has reported so far. Returning a submission needs an opinion saying what to fix.
pub fn decide(
    client: &mut Client,
    branch: &str,
    year: i32,
    topic: &str,
    verdict: &str,
    opinion: &str,
) -> Result<Review, CommitteeError> {
    if verdict == "退回" && opinion.trim().is_empty() {
        return Err(CommitteeError::Invalid {
            what: "退回须写明意见（要支部改什么）", value: branch.to_owned()
        });
    }
    if !(2000..=2100).contains(&year) {
        return Err(CommitteeError::Invalid { what: "年度应在2000至2100之间", value: year.to_string() });
    }
    let mut tx = client.transaction()?;
    let counter: i64 = tx
        .query_opt("SELECT last_counter FROM zhibu.branches WHERE uuid = $1", &[&branch])?
        .map(|r| r.get(0))
        .ok_or_else(|| CommitteeError::Invalid {
            what: "委员会数据库中没有这个支部", value: branch.to_owned()
        })?;
    if topic == SUBMISSION && counter == 0 {
        return Err(CommitteeError::Invalid { what: "该支部尚未报送，无从审核", value: branch.to_owned() });
    }
    let uuid = uuid::Uuid::new_v4().to_string();
    let row = tx.query_one(
        "INSERT INTO zhibu.reviews(uuid, branch_uuid, year, topic, verdict, opinion, counter)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (branch_uuid, year, topic) DO UPDATE
             SET verdict = EXCLUDED.verdict, opinion = EXCLUDED.opinion, counter = EXCLUDED.counter,
                 decided_by = CURRENT_USER, decided_at = CURRENT_TIMESTAMP
         RETURNING uuid, decided_by, to_char(decided_at, 'YYYY-MM-DD HH24:MI')",
        &[&uuid, &branch, &year, &topic, &verdict, &opinion.trim(), &counter],
    )?;
    tx.commit()?;
    Ok(Review {
        uuid: row.get(0),
        branch: branch.to_owned(),
        year,
        topic: topic.to_owned(),
        verdict: verdict.to_owned(),
        opinion: opinion.trim().to_owned(),
        counter,
        decided_by: row.get(1),
        decided_at: row.get(2),
    })
}

/// The decisions this login may read (the committee: all; a branch: its own), for `year` or all
/// years, by branch, year and topic.
pub fn reviews(client: &mut Client, year: Option<i32>) -> Result<Vec<Review>, CommitteeError> {
    let rows = client.query(
        "SELECT uuid, branch_uuid, year, topic, verdict, opinion, counter, decided_by,
                to_char(decided_at, 'YYYY-MM-DD HH24:MI')
         FROM zhibu.reviews WHERE $1::INTEGER IS NULL OR year = $1 ORDER BY branch_uuid, year, topic",
        &[&year],
    )?;
    Ok(rows
        .iter()
        .map(|r| Review {
            uuid: r.get(0),
            branch: r.get(1),
            year: r.get(2),
            topic: r.get(3),
            verdict: r.get(4),
            opinion: r.get(5),
            counter: r.get(6),
            decided_by: r.get(7),
            decided_at: r.get(8),
        })
        .collect())
}

/// Where a branch's yearly submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submission {
    /// Nothing reported yet: remind it.
    NotReported,
    /// Reported, not yet reviewed.
    Awaiting,
    /// Returned with an opinion; the branch has not reported since.
    Returned,
    /// Returned, and the branch has reported again since: review again.
    Resubmitted,
    /// Passed.
    Passed,
}

impl Submission {
    /// Where `branch` stands, given its `review` for the year (if any).
    pub fn of(branch: &BranchEntry, review: Option<&Review>) -> Self {
        match review {
            _ if branch.acknowledged == 0 => Self::NotReported,
            None => Self::Awaiting,
            Some(r) if r.verdict == "退回" && branch.acknowledged > r.counter => Self::Resubmitted,
            Some(r) if r.verdict == "退回" => Self::Returned,
            Some(_) => Self::Passed,
        }
    }

    /// The state in Chinese, as the committee's list shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotReported => "未报送",
            Self::Awaiting => "已报送，待审核",
            Self::Returned => "已退回，待支部修改",
            Self::Resubmitted => "退回后已重新报送，待审核",
            Self::Passed => "已通过",
        }
    }
}
