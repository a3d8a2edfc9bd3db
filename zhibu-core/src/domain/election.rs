//! 换届选举: an election record from the higher committee's approval to start to the approval of
//! its result, the ballot count per candidate, and what the 选举工作条例 makes of it (the 4/5
//! quorum, "more than half of those who should attend", 差额, ties at the last seat).
//!
//! Validation refuses what cannot be true (more ballots than voters present); [`Election::checks`]
//! lists what still stands between the record and finalising it, for the editor to show live.

use super::{CommitteeRole, MeetingId, MeetingStatus, MemberId, OrgId, ValidationError, Votes, check_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// One member with the right to vote who should attend (应到), and whether they did (实到).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voter {
    /// The member.
    pub member: MemberId,
    /// 实到.
    pub present: bool,
}

/// A candidate (候选人) with the ballots cast for them and, once elected, the post the new
/// committee gave them (书记 is elected by the new committee, recorded here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// The member.
    pub member: MemberId,
    /// 赞成 / 反对 / 弃权 on this candidate.
    pub votes: Votes,
    /// The post in the new committee, for an elected candidate.
    pub role: Option<CommitteeRole>,
}

/// A 换届选举 record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Election {
    /// The organisation whose committee is elected.
    pub org: OrgId,
    /// The term it elects (第N届).
    pub term_number: u32,
    /// 请示 sent to the higher committee.
    pub requested_on: Option<NaiveDate>,
    /// The higher committee's approval to start (批复).
    pub approved_on: Option<NaiveDate>,
    /// Its reference (文号), may be empty.
    pub approval_ref: String,
    /// The day of the 党员大会 that voted.
    pub held_on: NaiveDate,
    /// Where it voted.
    pub place: String,
    /// Seats on the committee (应选名额).
    pub seats: u32,
    /// 应到 voters and whether each came.
    pub voters: Vec<Voter>,
    /// Candidates with their ballots.
    pub candidates: Vec<Candidate>,
    /// The higher committee's approval of the result.
    pub result_approved_on: Option<NaiveDate>,
    /// Its reference (文号), may be empty.
    pub result_approval_ref: String,
    /// The meeting record of the 党员大会, if kept.
    pub meeting: Option<MeetingId>,
    /// Draft or final; finalising closes the old term and opens the new one.
    pub status: MeetingStatus,
}

/// The thresholds an election is checked against (from the rule set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElectionRules {
    /// Committee candidates must exceed the seats by at least this share (20 = 20%), when more
    /// than one seat is elected.
    pub margin_percent: u32,
}

/// What the ballots elect.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Elected candidates, most votes first.
    pub elected: Vec<MemberId>,
    /// Candidates tied for the last seat(s): they must be voted on again.
    pub tied: Vec<MemberId>,
    /// Seats still empty after this round (a further round is held for them).
    pub unfilled: u32,
}

/// One thing still wrong with an election, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionCheck {
    /// Whether it stops finalising (otherwise it is a warning shown with the record).
    pub blocking: bool,
    /// The message.
    pub message: String,
}

impl Election {
    /// 应到: voters who should attend.
    pub fn should_attend(&self) -> u32 {
        self.voters.len() as u32
    }

    /// 实到: voters present.
    pub fn present(&self) -> u32 {
        self.voters.iter().filter(|v| v.present).count() as u32
    }

    /// Voting is valid only when those present exceed four fifths of those who should attend.
    pub fn quorum_met(&self) -> bool {
        self.present() * 5 > self.should_attend() * 4
    }

    /// The fewest candidates the margin rule allows for the seats.
    pub fn candidates_needed(&self, rules: ElectionRules) -> u32 {
        if self.seats <= 1 {
            return self.seats;
        }
        // Round the margin up: 5 seats at 20% need 6 candidates, 3 seats need 4.
        self.seats + (self.seats * rules.margin_percent).div_ceil(100)
    }

    /// Who is elected: yes votes above half of those who should attend, the most votes first,
    /// as many as there are seats; a tie across the last seat elects no one of the tied.
    pub fn outcome(&self) -> Outcome {
        let should = self.should_attend();
        let mut above: Vec<&Candidate> = self.candidates.iter().filter(|c| c.votes.yes * 2 > should).collect();
        above.sort_by_key(|c| std::cmp::Reverse(c.votes.yes));
        let seats = self.seats as usize;
        if above.len() <= seats {
            return Outcome {
                elected: above.iter().map(|c| c.member).collect(),
                tied: Vec::new(),
                unfilled: (seats - above.len()) as u32,
            };
        }
        let last = above[seats - 1].votes.yes;
        let elected: Vec<MemberId> = above.iter().filter(|c| c.votes.yes > last).map(|c| c.member).collect();
        let tied: Vec<MemberId> = above.iter().filter(|c| c.votes.yes == last).map(|c| c.member).collect();
        let unfilled = (seats - elected.len()) as u32;
        if tied.len() as u32 == unfilled {
            // Everyone on the last vote count fits: no tie to break.
            let mut all = elected;
            all.extend(tied);
            return Outcome { elected: all, tied: Vec::new(), unfilled: 0 };
        }
        Outcome { elected, tied, unfilled }
    }

    /// Refuses what cannot be true; nothing is saved when this fails.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.term_number == 0 {
            return Err(ValidationError::new("届次", "应从1开始", self.term_number));
        }
        if !(1..=7).contains(&self.seats) {
            return Err(ValidationError::new("应选名额", "应为1至7名", self.seats));
        }
        check_text("批复文号", &self.approval_ref, 60)?;
        check_text("结果批复文号", &self.result_approval_ref, 60)?;
        check_text("选举地点", &self.place, 100)?;
        if let (Some(asked), Some(approved)) = (self.requested_on, self.approved_on)
            && approved < asked
        {
            return Err(ValidationError::new("批复日期", "早于请示日期", approved));
        }
        if let Some(approved) = self.approved_on
            && approved > self.held_on
        {
            return Err(ValidationError::new("批复日期", "晚于选举日期（应先批复后选举）", approved));
        }
        if let Some(result) = self.result_approved_on
            && result < self.held_on
        {
            return Err(ValidationError::new("选举结果批复日期", "早于选举日期", result));
        }
        let mut seen = HashSet::new();
        for voter in &self.voters {
            if !seen.insert(voter.member) {
                return Err(ValidationError::new("应到党员", "重复", voter.member));
            }
        }
        let mut seen = HashSet::new();
        let present = self.present();
        for candidate in &self.candidates {
            if !seen.insert(candidate.member) {
                return Err(ValidationError::new("候选人", "重复", candidate.member));
            }
            if candidate.votes.total() > present {
                return Err(ValidationError::new(
                    "候选人得票",
                    format!("赞成、反对、弃权合计{}票，超过实到人数{present}人", candidate.votes.total()),
                    candidate.member,
                ));
            }
        }
        let secretaries = self.candidates.iter().filter(|c| c.role == Some(CommitteeRole::Secretary)).count();
        if secretaries > 1 {
            return Err(ValidationError::new("书记", "只能有一名", secretaries));
        }
        Ok(())
    }

    /// What stands between this record and finalising it (blocking) and what a reviewer should
    /// see (warnings), checked against `rules`. `name` turns a member id into a name.
    pub fn checks(&self, rules: ElectionRules, name: &dyn Fn(MemberId) -> String) -> Vec<ElectionCheck> {
        let mut out = Vec::new();
        let mut push = |blocking, message: String| out.push(ElectionCheck { blocking, message });
        if self.approved_on.is_none() {
            push(true, "未记录上级党组织同意召开选举的批复日期".to_owned());
        }
        let (should, present) = (self.should_attend(), self.present());
        if should == 0 {
            push(true, "未录入应到会的有选举权党员".to_owned());
        } else if !self.quorum_met() {
            push(true, format!("应到{should}人、实到{present}人，未超过应到人数的五分之四，选举无效"));
        }
        let needed = self.candidates_needed(rules);
        let count = self.candidates.len() as u32;
        if count < needed {
            push(
                true,
                format!(
                    "候选人{count}名，应选{}名，差额选举至少需要{needed}名候选人（多于应选名额{}%）",
                    self.seats, rules.margin_percent
                ),
            );
        }
        let outcome = self.outcome();
        if !outcome.tied.is_empty() {
            let names: Vec<String> = outcome.tied.iter().map(|&m| name(m)).collect();
            push(true, format!("{}得票相等，争夺最后{}个名额，应就他们重新投票", names.join("、"), outcome.unfilled));
        } else if outcome.elected.is_empty() && count > 0 {
            push(true, format!("没有候选人赞成票超过应到人数{should}人的半数，无人当选"));
        } else if outcome.unfilled > 0 && count > 0 {
            push(false, format!("当选{}名，少于应选{}名，不足名额可另行选举", outcome.elected.len(), self.seats));
        }
        for candidate in &self.candidates {
            if candidate.role.is_some() && !outcome.elected.contains(&candidate.member) {
                push(true, format!("{}未当选，不能担任职务", name(candidate.member)));
            }
        }
        if !outcome.elected.is_empty() && !self.candidates.iter().any(|c| c.role == Some(CommitteeRole::Secretary)) {
            push(true, "新一届委员会尚未选举书记".to_owned());
        }
        if self.result_approved_on.is_none() {
            push(true, "未记录上级党组织对选举结果的批复日期".to_owned());
        }
        out
    }

    /// The new committee: elected candidates with their posts (委员 when none was given), the
    /// secretary first, then by post.
    pub fn committee(&self) -> Vec<(MemberId, CommitteeRole)> {
        let elected = self.outcome().elected;
        let mut committee: Vec<(MemberId, CommitteeRole)> = elected
            .iter()
            .map(|&m| {
                let role = self.candidates.iter().find(|c| c.member == m).and_then(|c| c.role);
                (m, role.unwrap_or(CommitteeRole::Member))
            })
            .collect();
        committee.sort_by_key(|&(_, role)| role);
        committee
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn election(present: u32, absent: u32, yes: &[u32], seats: u32) -> Election {
        let mut voters: Vec<Voter> =
            (0..present).map(|i| Voter { member: MemberId(i64::from(i)), present: true }).collect();
        voters.extend((0..absent).map(|i| Voter { member: MemberId(i64::from(100 + i)), present: false }));
        Election {
            org: OrgId(1),
            term_number: 2,
            requested_on: None,
            approved_on: NaiveDate::from_ymd_opt(2026, 3, 1),
            approval_ref: String::new(),
            held_on: NaiveDate::from_ymd_opt(2026, 3, 20).unwrap_or_default(),
            place: "会议室".into(),
            seats,
            voters,
            candidates: yes
                .iter()
                .enumerate()
                .map(|(i, &y)| Candidate {
                    member: MemberId(i as i64),
                    votes: Votes { yes: y, no: present - y, abstain: 0 },
                    role: None,
                })
                .collect(),
            result_approved_on: None,
            result_approval_ref: String::new(),
            meeting: None,
            status: MeetingStatus::Draft,
        }
    }

    #[test]
    fn quorum_is_more_than_four_fifths() {
        assert!(!election(24, 6, &[], 3).quorum_met(), "24 of 30 is exactly 4/5: not more");
        assert!(election(25, 5, &[], 3).quorum_met());
    }

    #[test]
    fn elected_needs_more_than_half_of_those_who_should_attend() {
        // 30 should attend: 15 yes is not more than half.
        let e = election(26, 4, &[20, 16, 15, 14], 3);
        assert_eq!(e.outcome(), Outcome { elected: vec![MemberId(0), MemberId(1)], tied: vec![], unfilled: 1 });
    }

    #[test]
    fn tie_for_the_last_seat_elects_neither() {
        let e = election(26, 0, &[25, 24, 20, 20], 3);
        let o = e.outcome();
        assert_eq!(o.elected, vec![MemberId(0), MemberId(1)]);
        assert_eq!(o.tied, vec![MemberId(2), MemberId(3)]);
        assert_eq!(o.unfilled, 1);
    }

    #[test]
    fn margin_rounds_up() {
        let rules = ElectionRules { margin_percent: 20 };
        assert_eq!(election(1, 0, &[], 5).candidates_needed(rules), 6);
        assert_eq!(election(1, 0, &[], 3).candidates_needed(rules), 4);
        assert_eq!(election(1, 0, &[], 1).candidates_needed(rules), 1);
    }

    #[test]
    fn ballots_above_those_present_are_refused() {
        let mut e = election(10, 0, &[8], 1);
        e.candidates[0].votes = Votes { yes: 9, no: 2, abstain: 0 };
        let error = e.validate().unwrap_err().to_string();
        assert!(error.contains("候选人得票") && error.contains("超过实到人数10人"), "{error}");
    }
}
