//! The committee's roll-up (issue 17): every registered branch with how far it has reported, and
//! its compliance computed from the records it reported — decoded by `zhibu-core` into the ledger
//! its own PC reads and run through the same rules engine — for the command line and the
//! committee's window. Branches are decoded and evaluated in parallel across the cores while the
//! next ones stream in from the server; the result keeps the registry's order.

use anyhow::Result;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use zhibu_core::rules::{BranchCompliance, RuleSet};
use zhibu_core::services::received;

/// One registered branch in the roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct BranchReport {
    /// The branch's UUID.
    pub uuid: String,
    /// Its name as registered.
    pub name: String,
    /// The branch's counter the committee acknowledged (0: never reported).
    pub acknowledged: i64,
    /// When its newest record arrived, if ever.
    pub last_received: Option<String>,
    /// Its compliance for the year, from what it reported (none before its first report).
    pub compliance: Option<BranchCompliance>,
    /// The UUIDs of the member and the meeting each finding concerns, in the findings' order
    /// (the ids inside `compliance` are the roll-up's own numbering).
    pub finding_records: Vec<FindingRecords>,
}

/// The records one finding concerns, by UUID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FindingRecords {
    /// The member concerned.
    pub member: Option<String>,
    /// The meeting concerned.
    pub meeting: Option<String>,
}

/// Every registered branch with its compliance for `year` up to `as_of` under `rules`.
pub fn compliance(
    client: &mut zhibu_committee::Client,
    rules: &RuleSet,
    year: i32,
    as_of: NaiveDate,
) -> Result<Vec<BranchReport>> {
    let entries = zhibu_committee::branches(client)?;
    let (from, to) = received::ledger_range(rules, year);
    let evaluate = |branch: String,
                    rows: Vec<zhibu_committee::Stored>|
     -> Result<(String, BranchCompliance, Vec<FindingRecords>)> {
        let decoded =
            received::decode(rows.iter().map(|r| (r.kind.as_str(), r.uuid.as_str(), r.body.as_str())), from, to)?;
        let mut results = received::compliance(&decoded, rules, year, as_of);
        // The branch's own organisation among the evaluated ones (its groups are not branches).
        let own = results.iter().position(|c| decoded.uuid_of(c.branch.0) == Some(branch.as_str()));
        let Some(result) = own.map(|i| results.swap_remove(i)) else {
            anyhow::bail!("上报的记录中没有支部本身的组织记录：{branch}");
        };
        let records = result
            .findings
            .iter()
            .map(|f| FindingRecords {
                member: f.member.and_then(|m| decoded.uuid_of(m.0)).map(str::to_owned),
                meeting: f.meeting.and_then(|m| decoded.uuid_of(m.0)).map(str::to_owned),
            })
            .collect();
        Ok((branch, result, records))
    };
    // The server's rows stream in on this thread while the cores decode and evaluate the
    // branches already read (a bounded queue between them keeps memory to a few branches).
    let (send, receive) = std::sync::mpsc::sync_channel::<(String, Vec<zhibu_committee::Stored>)>(16);
    let (read, done) = std::thread::scope(|scope| {
        let workers = scope.spawn(move || {
            receive.into_iter().par_bridge().map(|(branch, rows)| evaluate(branch, rows)).collect::<Result<Vec<_>>>()
        });
        let read = zhibu_committee::records_by_branch(client, &received::LEDGER_KINDS, |branch, rows| -> Result<()> {
            // A closed queue means the workers stopped on an error, which they report.
            let _ = send.send((branch, rows));
            Ok(())
        });
        drop(send);
        (read, workers.join())
    });
    read?;
    let done = done.map_err(|_| anyhow::anyhow!("核查线程意外退出"))??;
    let mut evaluated: HashMap<String, (BranchCompliance, Vec<FindingRecords>)> =
        done.into_iter().map(|(branch, result, records)| (branch, (result, records))).collect();
    Ok(entries
        .into_iter()
        .map(|entry| {
            let (compliance, finding_records) =
                evaluated.remove(&entry.uuid).map_or((None, Vec::new()), |(c, r)| (Some(c), r));
            BranchReport {
                uuid: entry.uuid,
                name: entry.name,
                acknowledged: entry.acknowledged,
                last_received: entry.last_received,
                compliance,
                finding_records,
            }
        })
        .collect())
}

/// Every sheet's ranking of `year` across all branches' subjects, with its quotas checked.
pub fn rankings(client: &mut zhibu_committee::Client, year: i32) -> Result<Vec<received::Ranking>> {
    let rows = zhibu_committee::records_of_kinds(client, &["star_rating", "rating_subject"])?;
    Ok(received::rankings(
        rows.iter().map(|(branch, r)| (branch.as_str(), r.kind.as_str(), r.uuid.as_str(), r.body.as_str())),
        year,
    )?)
}

/// Each branch's secretary as its reported records name them (the newest term's 书记), by branch
/// UUID — the name the 述职评议考核 meeting lists a branch's ballots under.
pub fn secretaries(client: &mut zhibu_committee::Client) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    let far = chrono::NaiveDate::MIN;
    zhibu_committee::records_by_branch(
        client,
        &["organization", "committee_term", "member"],
        |branch, rows| -> Result<()> {
            let decoded =
                received::decode(rows.iter().map(|r| (r.kind.as_str(), r.uuid.as_str(), r.body.as_str())), far, far)?;
            let ledger = &decoded.ledger;
            let own = ledger.organizations.iter().find(|o| decoded.uuid_of(o.id.0) == Some(branch.as_str()));
            let term = own
                .and_then(|org| ledger.terms.iter().filter(|t| t.record.org == org.id).max_by_key(|t| t.record.number));
            let secretary = term
                .and_then(|t| t.record.roles.iter().find(|r| r.role == zhibu_core::domain::CommitteeRole::Secretary));
            if let Some(member) = secretary.and_then(|r| ledger.members.iter().find(|m| m.id == r.member)) {
                out.insert(branch, member.record.name.clone());
            }
            Ok(())
        },
    )?;
    Ok(out)
}

/// One secretary's ballots at the 述职评议考核 meeting as the committee stores them: the grade
/// the votes point to by the rule set, the grade decided (`grade`, else the one pointed to) and the
/// secretary (`secretary`, else the one the branch reported). The command line and the window
/// enter ballots through this one reckoning.
pub fn duty_ballot(
    client: &mut zhibu_committee::Client,
    rules: &RuleSet,
    branch: &str,
    votes: [i32; 4],
    grade: Option<zhibu_core::domain::ReviewGrade>,
    reason: &str,
    secretary: Option<&str>,
) -> Result<zhibu_committee::duty::Ballot> {
    use anyhow::Context as _;
    let (pointed, _) = zhibu_core::rules::review_grade(&tally(votes), &rules.duty_review);
    let decided = grade.unwrap_or(pointed);
    let secretary = match secretary.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => name.to_owned(),
        None => secretaries(client)?
            .remove(branch)
            .with_context(|| format!("支部报送的记录中找不到书记，请写明书记姓名：{branch}"))?,
    };
    Ok(zhibu_committee::duty::Ballot {
        branch: branch.to_owned(),
        secretary,
        votes,
        ballot_grade: pointed.label().to_owned(),
        grade: decided.label().to_owned(),
        reason: reason.trim().to_owned(),
    })
}

/// Votes 好, 较好, 一般, 差 as the rules count them (a negative count, refused when stored, as 0).
fn tally(votes: [i32; 4]) -> zhibu_core::domain::BallotTally {
    let count = |v: i32| u32::try_from(v).unwrap_or(0);
    zhibu_core::domain::BallotTally {
        excellent: count(votes[0]),
        good: count(votes[1]),
        fair: count(votes[2]),
        poor: count(votes[3]),
    }
}

/// The grade labelled `label` (好, 较好, 一般, 差).
pub fn grade_of(label: &str) -> Option<zhibu_core::domain::ReviewGrade> {
    zhibu_core::domain::ReviewGrade::ALL.into_iter().find(|g| g.label() == label.trim())
}

/// What the committee's documents receive (contract 1.3, `records.committee`): every branch with
/// its submission, the committee's opinion and its findings of `year`; the year's 述职评议考核
/// meeting with every secretary's ballots; and the rule grading them, in words.
pub fn committee_records(
    client: &mut zhibu_committee::Client,
    rules: &RuleSet,
    year: i32,
    as_of: NaiveDate,
) -> Result<zhibu_report::plugin_host::CommitteeRecords> {
    use zhibu_committee::review::{SUBMISSION, Submission};
    use zhibu_report::plugin_host::{self as wit, convert};
    let reports = compliance(client, rules, year, as_of)?;
    let entries: HashMap<String, zhibu_committee::BranchEntry> =
        zhibu_committee::branches(client)?.into_iter().map(|b| (b.uuid.clone(), b)).collect();
    let reviews = zhibu_committee::review::reviews(client, Some(year))?;
    let secretaries = secretaries(client)?;
    let branches = reports
        .iter()
        .filter_map(|report| {
            let entry = entries.get(&report.uuid)?;
            let review = reviews.iter().find(|r| r.branch == report.uuid && r.topic == SUBMISSION);
            Some(wit::ReportedBranch {
                uuid: report.uuid.clone(),
                name: report.name.clone(),
                secretary: secretaries.get(&report.uuid).cloned().unwrap_or_default(),
                acknowledged: report.acknowledged,
                submission: Submission::of(entry, review).label().to_owned(),
                opinion: review.map(|r| r.opinion.clone()).unwrap_or_default(),
                findings: report
                    .compliance
                    .as_ref()
                    .map(|c| zhibu_report::services::report::compliance_record(c).findings)
                    .unwrap_or_default(),
            })
        })
        .collect();
    let code = |label: &str| grade_of(label).map_or_else(|| label.to_owned(), |g| convert::code(&g));
    let names: HashMap<&str, &str> = reports.iter().map(|r| (r.uuid.as_str(), r.name.as_str())).collect();
    let duty_ballots = zhibu_committee::duty::ballots(client, year)?
        .into_iter()
        .map(|b| wit::DutyBallot {
            branch_name: names.get(b.branch.as_str()).map_or_else(|| b.branch.clone(), |n| (*n).to_owned()),
            excellent: b.votes[0].unsigned_abs(),
            good: b.votes[1].unsigned_abs(),
            fair: b.votes[2].unsigned_abs(),
            poor: b.votes[3].unsigned_abs(),
            ballot_grade: code(&b.ballot_grade),
            grade: code(&b.grade),
            reason: b.reason,
            secretary: b.secretary,
            branch: b.branch,
        })
        .collect();
    let duty_meeting = zhibu_committee::duty::meeting(client, year)?.map(|m| wit::DutyMeeting {
        year: m.year,
        held_on: m.held_on,
        title: m.title,
        voters_expected: m.voters_expected.unsigned_abs(),
    });
    Ok(wit::CommitteeRecords {
        year,
        branches,
        duty_meeting,
        duty_ballots,
        grade_rule: zhibu_core::rules::review_grade(&tally([0; 4]), &rules.duty_review).1,
    })
}

/// Renders `template` over the committee's roll-up of `params`' year to `out` (Word, or the model
/// as JSON): the committee's documents, shared by the command line and the window.
pub fn render(
    client: &mut zhibu_committee::Client,
    catalog: &zhibu_report::services::report::Catalog,
    template: &str,
    params: &[(String, String)],
    unit: &str,
    now: chrono::NaiveDateTime,
    out: &std::path::Path,
) -> Result<std::path::PathBuf> {
    let year = params
        .iter()
        .find(|(k, _)| k == "year")
        .and_then(|(_, v)| v.parse::<i32>().ok())
        .ok_or_else(|| anyhow::anyhow!("缺少年度参数（year）"))?;
    if unit.trim().is_empty() {
        anyhow::bail!("请写明发文单位（--unit）");
    }
    let rules = zhibu_core::rules::RuleSet::default();
    let records = crate::rollup::committee_records(client, &rules, year, now.date())?;
    let args = zhibu_report::services::report::CommitteeArgs {
        catalog,
        rules: &rules,
        template_id: template,
        params,
        unit_name: unit,
        generated_at: now,
        cancel: &zhibu_report::plugin_host::CancelToken::new(),
    };
    let outcome = zhibu_report::services::report::render_committee(&args, records)?;
    let options = zhibu_report::export::ExportOptions { author: unit.trim().to_owned(), created: now };
    Ok(zhibu_report::services::export::write_file(&outcome, out, false, &options)?)
}
