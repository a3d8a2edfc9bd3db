//! Star ratings as the window and the templates show them: the indicators a sheet binds to the
//! records, filled in for a subject with the figure and where it comes from; and a year's board
//! of one sheet: each subject's total and stars beside last year's, the move, what lifts it to the
//! next star, the ranking with ties, and the quota check (the lowest-ranked beyond a quota marked).

use super::ServiceError;
use super::profile::branch_profiles;
use crate::domain::{
    Measure, MeasuredFigure, Move, NextStar, OrgId, QuotaCheck, RatingId, RatingScheme, RatingSubject, SchemeId,
    StarRating, Stored, SubjectId, check_quotas, ranks,
};
use crate::rules::{RuleSet, evaluate, needed_from};
use crate::store::Store;
use chrono::NaiveDate;

/// One bound indicator filled in from the records.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// The indicator's key.
    pub key: String,
    /// The figure read.
    pub figure: MeasuredFigure,
    /// The figure as the form shows it (`召开12次，应开12次`).
    pub text: String,
    /// Where it comes from (`2025年会议记录：严村村党支部`).
    pub source: String,
    /// The score it earns on the indicator.
    pub score: f64,
}

/// The bound indicators of `scheme` filled in for `subject` in `year`, as of `as_of` (the year's
/// end at most). An indicator whose figure the subject's records cannot give (a 小区 with no
/// organisation linked, dues for a volunteer) is left out: it is entered by hand.
pub fn measure(
    store: &Store,
    rules: &RuleSet,
    subject: &RatingSubject,
    scheme: &RatingScheme,
    year: i32,
    as_of: NaiveDate,
) -> Result<Vec<Measured>, ServiceError> {
    let bound: Vec<(&str, f64, Measure)> =
        scheme.all_indicators().filter_map(|i| Some((i.key.as_str(), i.max_score, i.measure?))).collect();
    if bound.is_empty() {
        return Ok(Vec::new());
    }
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    let as_of = as_of.min(year_end);
    let figures = if let Some(member) = subject.member {
        member_figures(store, rules, member, year, as_of)?
    } else if let Some(org) = subject.org {
        org_figures(store, rules, org, year, as_of)?
    } else if let Some(volunteer) = subject.volunteer {
        volunteer_figures(store, volunteer, year, as_of)?
    } else {
        return Ok(Vec::new());
    };
    Ok(bound
        .into_iter()
        .filter_map(|(key, max, measure)| {
            let (figure, text, source) =
                figures.iter().find(|(m, ..)| m.same_kind(measure)).map(|(_, f, t, s)| (*f, t.clone(), s.clone()))?;
            Some(Measured { key: key.to_owned(), figure, text, source, score: measure.score(figure, max) })
        })
        .collect())
}

type Figure = (Measure, MeasuredFigure, String, String);

fn org_figures(
    store: &Store,
    rules: &RuleSet,
    org: OrgId,
    year: i32,
    as_of: NaiveDate,
) -> Result<Vec<Figure>, ServiceError> {
    let ledger = store.compliance_ledger(year, needed_from(rules, year), Some(org))?;
    let Some(compliance) = evaluate(&ledger, rules, year, as_of, Some(org)).into_iter().find(|c| c.branch == org)
    else {
        return Ok(Vec::new());
    };
    let name = &compliance.name;
    let mut out = Vec::new();
    // A period counts once it has a final meeting of its kind: four meetings in one quarter do
    // not make up for three quarters without.
    let required: u32 = compliance.meetings.iter().map(|m| m.required).sum();
    let held: u32 =
        compliance.meetings.iter().flat_map(|m| &m.periods).filter(|p| p.elapsed && p.held > 0).count() as u32;
    out.push((
        Measure::MeetingsHeld,
        MeasuredFigure { value: f64::from(held), of: f64::from(required) },
        format!("按期召开{held}次，应开{required}次"),
        format!("{year}年会议记录：{name}"),
    ));
    if let Some(rate) = compliance.attendance_rate {
        out.push((
            Measure::AttendanceRate,
            MeasuredFigure { value: rate, of: 100.0 },
            format!("参会率{rate:.1}%"),
            format!("{year}年会议出席记录：{name}"),
        ));
    }
    let members = compliance.full_members + compliance.probationary_members;
    out.push((
        Measure::VolunteerHours { full_at: 0.0 },
        MeasuredFigure { value: compliance.volunteer_hours, of: f64::from(members) },
        format!(
            "志愿服务{:.1}小时，党员{members}名，人均{:.1}小时",
            compliance.volunteer_hours,
            if members > 0 { compliance.volunteer_hours / f64::from(members) } else { 0.0 }
        ),
        format!("{year}年志愿服务记录：{name}"),
    ));
    let profiles = branch_profiles(store, rules, org, year, as_of)?;
    let due: usize = profiles.iter().map(|(_, p)| p.dues.due.len()).sum();
    let settled: usize = profiles.iter().map(|(_, p)| p.dues.settled.len()).sum();
    out.push((
        Measure::DuesOnTime,
        MeasuredFigure { value: settled as f64, of: due as f64 },
        format!("应交{due}人月，已交{settled}人月"),
        format!("{year}年党费记录：{name}"),
    ));
    let findings = compliance.findings.len();
    out.push((
        Measure::Findings { deduct: 0.0 },
        MeasuredFigure { value: findings as f64, of: 0.0 },
        format!("合规问题{findings}项"),
        format!("{year}年合规检查：{name}"),
    ));
    Ok(out)
}

fn member_figures(
    store: &Store,
    rules: &RuleSet,
    member: crate::domain::MemberId,
    year: i32,
    as_of: NaiveDate,
) -> Result<Vec<Figure>, ServiceError> {
    let branch = store.member(member)?.branch;
    let Some((name, profile)) =
        branch_profiles(store, rules, branch, year, as_of)?.into_iter().find(|(_, p)| p.member == member)
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    if let Some(rate) = profile.attendance_rate() {
        out.push((
            Measure::AttendanceRate,
            MeasuredFigure { value: rate, of: 100.0 },
            format!("应到{}次，出席{}次", profile.expected, profile.present),
            format!("{year}年会议出席记录：{name}"),
        ));
    }
    out.push((
        Measure::VolunteerHours { full_at: 0.0 },
        MeasuredFigure { value: profile.hours, of: 1.0 },
        format!("志愿服务{}次，{:.1}小时", profile.activities, profile.hours),
        format!("{year}年志愿服务记录：{name}"),
    ));
    out.push((
        Measure::DuesOnTime,
        MeasuredFigure { value: profile.dues.settled.len() as f64, of: profile.dues.due.len() as f64 },
        format!("应交{}个月，已交{}个月", profile.dues.due.len(), profile.dues.settled.len()),
        format!("{year}年党费记录：{name}"),
    ));
    out.push((
        Measure::Findings { deduct: 0.0 },
        MeasuredFigure { value: profile.flags.len() as f64, of: 0.0 },
        format!("提示{}项", profile.flags.len()),
        format!("{year}年合规检查：{name}"),
    ));
    Ok(out)
}

fn volunteer_figures(
    store: &Store,
    volunteer: crate::domain::VolunteerId,
    year: i32,
    as_of: NaiveDate,
) -> Result<Vec<Figure>, ServiceError> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let v = store.volunteer(volunteer)?;
    let activities = store.branch_volunteer_activities(v.branch, from, as_of)?;
    let (mut count, mut hours) = (0u32, 0.0);
    for activity in &activities {
        if let Some(h) = activity.record.volunteers.iter().find(|h| h.volunteer == volunteer) {
            count += 1;
            hours += h.hours;
        }
    }
    Ok(vec![(
        Measure::VolunteerHours { full_at: 0.0 },
        MeasuredFigure { value: hours, of: 1.0 },
        format!("志愿服务{count}次，{hours:.1}小时"),
        format!("{year}年志愿服务记录：{}", v.name),
    )])
}

/// One subject's line on a year's board.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardRow {
    /// The rating.
    pub rating: RatingId,
    /// The sheet version it was scored on.
    pub scheme: SchemeId,
    /// The subject.
    pub subject: SubjectId,
    /// Its name.
    pub name: String,
    /// The rating as saved.
    pub record: StarRating,
    /// Its total.
    pub total: f64,
    /// Its stars.
    pub stars: u8,
    /// Last year's stars under the same sheet (any version), when rated.
    pub last_year: Option<u8>,
    /// The move since.
    pub movement: Move,
    /// Competition rank among the subjects rated together (1 = highest total).
    pub rank: u32,
    /// Whether another subject has the same total.
    pub tied: bool,
    /// What lifts it to the next star (none at the top band).
    pub next: Option<NextStar>,
    /// Whether it is among the lowest-ranked of a star level beyond that level's quota.
    pub beyond_quota: bool,
}

/// A year's results of one sheet across the subjects rated together.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    /// The sheet version in force (the newest).
    pub scheme: Stored<SchemeId, RatingScheme>,
    /// The year.
    pub year: i32,
    /// The subjects, highest total first (ties in the order they were entered).
    pub rows: Vec<BoardRow>,
    /// Each quota's check.
    pub quotas: Vec<QuotaCheck>,
}

/// The board of sheet `key` for `year`, over the subjects of `branch` (or every branch's).
pub fn board(store: &Store, key: &str, year: i32, branch: Option<OrgId>) -> Result<Board, ServiceError> {
    let versions: Vec<Stored<SchemeId, RatingScheme>> =
        store.rating_schemes()?.into_iter().filter(|s| s.record.key == key).collect();
    let Some(current) = versions.iter().max_by_key(|s| s.record.version).cloned() else {
        return Err(crate::store::StoreError::NotFound { kind: "评定方案", id: 0 }.into());
    };
    let subjects = store.subjects()?;
    let in_scope =
        |id: SubjectId| subjects.iter().find(|s| s.id == id).filter(|s| branch.is_none_or(|b| s.record.branch == b));
    let this: Vec<_> =
        store.ratings_under(key, year)?.into_iter().filter(|r| in_scope(r.record.subject).is_some()).collect();
    let last: Vec<_> = store.ratings_under(key, year - 1)?;
    let stars_of =
        |r: &StarRating| versions.iter().find(|v| v.id == r.scheme).map_or(0, |v| v.record.stars_for(r.total()));
    let totals: Vec<f64> = this.iter().map(|r| r.record.total()).collect();
    let rank = ranks(&totals);
    let mut rows: Vec<BoardRow> = this
        .iter()
        .zip(rank)
        .map(|(r, rank)| {
            let sheet = versions.iter().find(|v| v.id == r.record.scheme).map_or(&current.record, |v| &v.record);
            let stars = stars_of(&r.record);
            let last_year = last.iter().find(|l| l.record.subject == r.record.subject).map(|l| stars_of(&l.record));
            BoardRow {
                rating: r.id,
                scheme: r.record.scheme,
                subject: r.record.subject,
                name: in_scope(r.record.subject).map(|s| s.record.name.clone()).unwrap_or_default(),
                total: r.record.total(),
                stars,
                last_year,
                movement: Move::between(last_year, stars),
                rank,
                tied: totals.iter().filter(|t| (**t - r.record.total()).abs() < 0.05).count() > 1,
                next: sheet.next_star(&r.record.scores),
                beyond_quota: false,
                record: r.record.clone(),
            }
        })
        .collect();
    rows.sort_by_key(|r| r.rank);
    let stars: Vec<u8> = rows.iter().map(|r| r.stars).collect();
    let quotas = check_quotas(&current.record, &stars);
    for check in quotas.iter().filter(|q| q.exceeded()) {
        // The places go to the highest totals. A subject is beyond the quota when the places are
        // taken by subjects ranked above it; subjects tied at the line are not marked (the quota
        // check still fails and the rating group decides between them).
        let level: Vec<u32> = rows.iter().filter(|r| r.stars == check.stars).map(|r| r.rank).collect();
        for row in rows.iter_mut().filter(|r| r.stars == check.stars) {
            let above = level.iter().filter(|&&rank| rank < row.rank).count() as u32;
            row.beyond_quota = above >= check.allowed;
        }
    }
    Ok(Board { scheme: current, year, rows, quotas })
}
