//! `zhibu demo`: a realistic, deterministic data set for trying the app and for benchmarks.
//!
//! A development-zone party working committee with community, village and enterprise
//! branches; members with plausible names and valid ID numbers; years of meetings (mostly
//! compliant, some missing or late, some without quorum); duty reviews with ballots, star
//! ratings, appraisals and volunteer activities after the seeds' news reports; dues (bases by
//! category, quarterly payments, an exemption, members away for work falling behind). The same
//! options always give the same records: one seeded ChaCha generator, fixed iteration order,
//! and no clock (the last year and the day the records run up to are options; the window and
//! `zhibu demo` pass today, so the current year shows real progress).

use super::{ServiceError, names};
use crate::domain::{
    AgendaItem, AppraisalGrade, AppraisalVotes, Attendance, BallotTally, BranchCategory, Candidate, CommitteeRole,
    CommitteeTerm, DualRegistration, DutyReview, Election, Gender, IdNumber, Indicator, IndicatorScore, Measure,
    Meeting, MeetingKind, MeetingStatus, Member, MemberAppraisal, MemberId, MemberStatus, Observer, OrgId, OrgKind,
    Organization, Participant, Phone, Presence, Quota, RatingScheme, RatingSubject, RatingSubjectKind, ReportSection,
    Resolution, ReviewGrade, RoleAssignment, SchemeId, Speech, StarBand, StarRating, SubjectId, VolunteerActivity,
    VolunteerCategory, Voter, Votes,
};
use crate::store::{Store, Writer};
use chrono::{Datelike, Months, NaiveDate, NaiveTime};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// Number of branches.
    pub branches: u32,
    /// Members per branch.
    pub members_per_branch: u32,
    /// Years of records, ending with `last_year`.
    pub years: u32,
    /// The last (complete) year of records.
    pub last_year: i32,
    /// The generator's seed.
    pub seed: u64,
    /// The last day with records (`None`: the whole last year). Records after it are not made:
    /// a demo made today holds this year's meetings up to today and nothing yet to come.
    pub until: Option<NaiveDate>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self { branches: 6, members_per_branch: 15, years: 3, last_year: 2025, seed: 2026, until: None }
    }
}

impl DemoOptions {
    /// The default set ending today: its last year is the current year, up to `today`.
    pub fn up_to(today: NaiveDate) -> Self {
        Self { last_year: today.year(), until: Some(today), ..Self::default() }
    }

    /// The last day with records.
    fn end(&self) -> NaiveDate {
        self.until.unwrap_or_else(|| date(self.last_year, 12, 31)).min(date(self.last_year, 12, 31))
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoSummary {
    /// Organizations (committee, general branch, branches, groups).
    pub organizations: u32,
    /// Members.
    pub members: u32,
    /// Meetings.
    pub meetings: u32,
    /// Attendance entries over all meetings.
    pub attendance: u32,
    /// Duty reviews.
    pub duty_reviews: u32,
    /// Member appraisals.
    pub appraisals: u32,
    /// Star ratings.
    pub star_ratings: u32,
    /// Volunteer activities.
    pub volunteer_activities: u32,
    /// Dues payments and exemptions.
    pub dues_payments: u32,
    /// Registered volunteers who are not members.
    pub volunteers: u32,
}

/// How reliably a branch holds its required meetings.
#[derive(Clone, Copy)]
struct Profile {
    /// Chance that a required meeting takes place in its period.
    held: f64,
    /// Chance that a missed monthly meeting is made up early in the next month (late).
    made_up: f64,
    /// Chance that a quorum meeting falls short of its quorum.
    short: f64,
}

struct DemoMember {
    id: MemberId,
    name: String,
    joined_on: NaiveDate,
    full: bool,
    group: Option<OrgId>,
    /// A stretch when the member was away (外出务工) and took part in nothing.
    away: Option<(NaiveDate, NaiveDate)>,
}

struct Branch {
    index: u32,
    id: OrgId,
    name: String,
    short: String,
    category: BranchCategory,
    profile: Profile,
    members: Vec<DemoMember>,
    groups: Vec<(OrgId, String)>,
    committee: Vec<usize>,
    place: String,
    /// The branch's register of volunteers who are not its members.
    register: Vec<crate::domain::VolunteerId>,
    /// The branch as a rating subject (it rates itself under the branch sheet).
    subject: SubjectId,
}

/// Writes the demo set into an empty database.
pub fn generate(store: &mut Store, options: &DemoOptions) -> Result<DemoSummary, ServiceError> {
    check_range("支部数", options.branches.into(), 1, 500)?;
    check_range("每支部党员数", options.members_per_branch.into(), 3, 200)?;
    check_range("年数", options.years.into(), 1, 20)?;
    check_range("最后年度", options.last_year.into(), 2001, 2100)?;
    if let Some(until) = options.until
        && until.year() != options.last_year
    {
        return Err(ServiceError::OutOfRange {
            what: "截止日期的年份",
            min: options.last_year.into(),
            max: options.last_year.into(),
            value: until.year().into(),
        });
    }
    let existing = store.organizations()?.len();
    if existing > 0 {
        return Err(ServiceError::NotEmpty(existing));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut summary = DemoSummary::default();
    let first_year = options.last_year - options.years as i32 + 1;

    // The star-rating template provides the same scheme; the app registers it at start, so reuse it.
    let scheme_key = branch_scheme().key;
    let provided = store.rating_schemes()?.into_iter().find(|s| s.record.key == scheme_key).map(|s| s.id);
    let (root, enterprise_parent, scheme) = store.write(|w| {
        w.set_setting("unit_name", "东湖经济开发区党工委")?;
        let root = w.create_organization(&Organization {
            parent: None,
            kind: OrgKind::Committee,
            category: BranchCategory::Institution,
            name: "东湖经济开发区党工委".into(),
            dissolved_on: None,
        })?;
        let general = w.create_organization(&Organization {
            parent: Some(root),
            kind: OrgKind::GeneralBranch,
            category: BranchCategory::Enterprise,
            name: "开发区非公企业党总支".into(),
            dissolved_on: None,
        })?;
        let scheme = match provided {
            Some(id) => id,
            None => w.create_rating_scheme(&branch_scheme())?,
        };
        Ok::<_, ServiceError>((root, general, scheme))
    })?;
    summary.organizations += 2;

    let mut branches = Vec::new();
    for index in 0..options.branches {
        let mut branch_rng =
            ChaCha8Rng::seed_from_u64(options.seed ^ (u64::from(index) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let branch = store.write(|w| {
            let mut branch = create_branch(w, &mut branch_rng, index, root, enterprise_parent, options, &mut summary)?;
            create_terms(w, &mut branch_rng, &mut branch, options)?;
            branch.register = create_register(w, &branch, first_year, options, &mut summary)?;
            for year in first_year..=options.last_year {
                create_year(w, &mut branch_rng, &branch, year, options, &mut summary)?;
            }
            // Last: the draws above (and so the rest of the demo) stay what they were before dues.
            create_dues(w, &mut branch_rng, &branch, first_year, options, &mut summary)?;
            Ok::<_, ServiceError>(branch)
        })?;
        branches.push(branch);
    }
    store.write(|w| {
        // Star ratings are made in December: the current year is rated once December has come.
        for year in (first_year..=options.last_year).filter(|&y| options.end() >= date(y, 12, 1)) {
            rate_branches(w, &mut rng, &branches, scheme, year, &mut summary)?;
        }
        Ok::<_, ServiceError>(())
    })?;
    rate_neighbourhood(store, &branches, first_year, options, &mut summary)?;
    Ok(summary)
}

/// The first branch's neighbourhood: its compounds (each measured by the records of one of the
/// demo's branches), a 业委会 and a property company, registered and rated every December under
/// sheets defined in the user's name (the compound sheet's bound indicators filled in from the
/// records, as the window does).
fn rate_neighbourhood(
    store: &mut Store,
    branches: &[Branch],
    first_year: i32,
    options: &DemoOptions,
    summary: &mut DemoSummary,
) -> Result<(), ServiceError> {
    let Some(home) = branches.first() else { return Ok(()) };
    // Its own stream: the draws of everything above stay what they were.
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed ^ 0x5EED_C0DE);
    let rules = crate::rules::RuleSet::default();
    let (compound_sheet, committee_sheet, compounds, committee) = store.write(|w| {
        let compound_sheet = w.create_rating_scheme(&compound_scheme())?;
        let committee_sheet = w.create_rating_scheme(&owners_committee_scheme())?;
        let mut compounds = Vec::new();
        for (i, name) in COMPOUNDS.iter().enumerate() {
            let measured_by = branches.get(i + 1).unwrap_or(home);
            compounds.push(w.create_subject(&RatingSubject {
                branch: home.id,
                kind: RatingSubjectKind::ResidentialCompound,
                name: (*name).to_owned(),
                org: Some(measured_by.id),
                member: None,
                volunteer: None,
                note: format!("小区党组织：{}", measured_by.name),
            })?);
        }
        let committee = w.create_subject(&RatingSubject {
            branch: home.id,
            kind: RatingSubjectKind::OwnersCommittee,
            name: format!("{}业主委员会", COMPOUNDS[0].trim_end_matches("小区")),
            org: None,
            member: None,
            volunteer: None,
            note: "第二届，2023年换届".into(),
        })?;
        w.create_subject(&RatingSubject {
            branch: home.id,
            kind: RatingSubjectKind::PropertyCompany,
            name: "鑫安物业服务有限公司".into(),
            org: None,
            member: None,
            volunteer: None,
            note: "服务锦绣花园、东湖苑两个小区".into(),
        })?;
        Ok::<_, ServiceError>((compound_sheet, committee_sheet, compounds, committee))
    })?;
    let sheet = compound_scheme();
    for year in (first_year..=options.last_year).filter(|&y| options.end() >= date(y, 12, 1)) {
        let as_of = options.end().min(date(year, 12, 31));
        let mut ratings = Vec::new();
        for (i, &subject) in compounds.iter().enumerate() {
            let measured = super::rating::measure(store, &rules, &store.subject(subject)?, &sheet, year, as_of)?;
            // Compounds differ, and each drifts from year to year.
            let level = 0.5 + 0.1 * ((i + year as usize) % 4) as f64 + rng.random_range(0.0..0.06);
            let scores = sheet
                .all_indicators()
                .map(|indicator| {
                    let score = measured.iter().find(|m| m.key == indicator.key).map_or_else(
                        || ((indicator.max_score * level).min(indicator.max_score) * 2.0).round() / 2.0,
                        |m| m.score,
                    );
                    IndicatorScore { key: indicator.key.clone(), score }
                })
                .collect();
            ratings.push(StarRating { scheme: compound_sheet, year, subject, scores });
        }
        let level = 0.7 + rng.random_range(0.0..0.2);
        let committee_scores = owners_committee_scheme()
            .indicators
            .iter()
            .map(|i| IndicatorScore { key: i.key.clone(), score: ((i.max_score * level) * 2.0).round() / 2.0 })
            .collect();
        ratings.push(StarRating { scheme: committee_sheet, year, subject: committee, scores: committee_scores });
        store.write(|w| {
            for rating in &ratings {
                w.create_star_rating(rating)?;
                summary.star_ratings += 1;
            }
            Ok::<_, ServiceError>(())
        })?;
    }
    Ok(())
}

/// A branch's register of volunteers who are not its members: in a community, residents of the
/// compound and members of other units registered here (双报到), in one service team; a few
/// residents in a village; none in an enterprise. Drawn from a generator of their own, so the
/// rest of the demo keeps its draws.
fn create_register(
    w: &mut Writer<'_>,
    branch: &Branch,
    first_year: i32,
    options: &DemoOptions,
    summary: &mut DemoSummary,
) -> Result<Vec<crate::domain::VolunteerId>, ServiceError> {
    use crate::domain::{ServiceTeam, Volunteer, VolunteerKind};
    let (residents, dual) = match branch.category {
        BranchCategory::Community => (5, 2),
        BranchCategory::Village => (3, 0),
        _ => return Ok(Vec::new()),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed ^ 0x005e_ed0f_7e57 ^ (u64::from(branch.index) << 8));
    let team = if branch.category == BranchCategory::Community {
        Some(w.create_team(&ServiceTeam {
            branch: branch.id,
            name: format!("{}红色志愿服务队", branch.short),
            leader: branch.members.first().map(|m| m.name.clone()).unwrap_or_default(),
            note: String::new(),
        })?)
    } else {
        None
    };
    let mut out = Vec::new();
    for i in 0..residents + dual {
        let gender = if rng.random_bool(0.5) { Gender::Male } else { Gender::Female };
        let birth = date(rng.random_range(1950..=2002), rng.random_range(1..=12), rng.random_range(1..=28));
        let kind = if i < residents { VolunteerKind::Resident } else { VolunteerKind::DualRegistered };
        let unit = match kind {
            VolunteerKind::DualRegistered => {
                (*pick(&mut rng, &["区教育局机关党支部", "区人民医院党总支", "区税务局第二党支部"])).to_owned()
            }
            _ => String::new(),
        };
        let phone =
            Phone::parse(&format!("1{}{:09}", rng.random_range(3..=9), rng.random_range(0..1_000_000_000u32))).ok();
        let volunteer = Volunteer {
            branch: branch.id,
            name: person_name(&mut rng, gender),
            kind,
            id_number: Some(id_number(&mut rng, birth, gender)),
            phone,
            unit,
            team,
            registered_on: Some(date(first_year, rng.random_range(1..=6), rng.random_range(1..=28))),
            note: String::new(),
        };
        let mut volunteer = volunteer;
        let id = loop {
            match w.create_volunteer(&volunteer) {
                Err(error) if id_taken(&error) => volunteer.id_number = Some(id_number(&mut rng, birth, gender)),
                other => break other?,
            }
        };
        out.push(id);
        summary.volunteers += 1;
    }
    Ok(out)
}

/// The registered volunteers who served in an activity of the branch on `day`: about half of the
/// register, for the activity's length (drawn from the day, not from the demo's generator).
fn register_volunteers(branch: &Branch, day: NaiveDate, span: u32) -> Vec<crate::domain::VolunteerHours> {
    let mut rng = ChaCha8Rng::seed_from_u64((u64::from(branch.index) << 32) ^ day.num_days_from_ce() as u64);
    branch
        .register
        .iter()
        .filter(|_| rng.random_bool(0.5))
        .map(|&volunteer| crate::domain::VolunteerHours { volunteer, hours: f64::from(span) })
        .collect()
}

/// A branch's dues: each member's base every year (farmers in villages, retirees and the employed
/// in communities, the employed in enterprises), paid by quarter once the quarter is over (payroll
/// in enterprises, cash elsewhere); a member away for work pays nothing while away, one member in
/// thirty stops paying in the last year, and the first branch's first member is exempted for a
/// quarter of illness.
fn create_dues(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    branch: &Branch,
    first_year: i32,
    options: &DemoOptions,
    summary: &mut DemoSummary,
) -> Result<(), ServiceError> {
    use crate::domain::{DuesBase, DuesCategory, DuesPayment, DuesRates, PaymentMethod, YearMonth};
    let rates = DuesRates::default();
    let end = options.end();
    for (position, member) in branch.members.iter().enumerate() {
        let (category, income) = match branch.category {
            BranchCategory::Village => (DuesCategory::Farmer, None),
            BranchCategory::Community if rng.random_bool(0.5) => {
                (DuesCategory::Retired, Some(rng.random_range(2_400..=6_500) * 100))
            }
            BranchCategory::Community => (DuesCategory::Employed, Some(rng.random_range(2_800..=9_000) * 100)),
            _ => (DuesCategory::Employed, Some(rng.random_range(3_500..=16_000) * 100)),
        };
        let monthly = match category {
            DuesCategory::Farmer => *pick(rng, &[20, 50, 100]),
            _ => rates.monthly(category, income).unwrap_or(rates.fixed),
        };
        let stops = rng.random_bool(1.0 / 30.0);
        let method =
            if branch.category == BranchCategory::Enterprise { PaymentMethod::Payroll } else { PaymentMethod::Cash };
        for year in first_year.max(member.joined_on.year())..=options.last_year {
            let confirmed = date(year, 1, rng.random_range(8..=25)).max(member.joined_on);
            if confirmed > end {
                break;
            }
            let base = DuesBase {
                member: member.id,
                year,
                category,
                income,
                monthly,
                base_confirmed_on: confirmed,
                note: String::new(),
            };
            w.save_dues_base(&base, &rates)?;
            for quarter in 0..4u32 {
                let first = YearMonth { year, month: quarter * 3 + 1 }.max(YearMonth::of(member.joined_on));
                let mut last = YearMonth { year, month: quarter * 3 + 3 };
                let mut paid_on = date(year, last.month, rng.random_range(18..=28));
                if paid_on > end {
                    // The quarter under way: the months already ended are paid as they end.
                    let ended = end.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(end);
                    last = last.min(YearMonth::of(ended));
                    paid_on = date(last.year, last.month, 25);
                }
                if first > last || paid_on > end {
                    continue;
                }
                let away = member.away.is_some_and(|(from, to)| from <= paid_on && paid_on <= to);
                if away || (stops && year == options.last_year && quarter >= 1) {
                    continue;
                }
                let exempt = branch.index == 0 && position == 0 && year == options.last_year && quarter == 1;
                let payment = DuesPayment {
                    member: member.id,
                    from: first,
                    to: last,
                    amount: if exempt { 0 } else { monthly * first.count_to(last) },
                    paid_on,
                    method: if exempt { PaymentMethod::Exempt } else { method },
                    note: if exempt {
                        "住院治疗，经支委会研究同意免交".to_owned()
                    } else {
                        String::new()
                    },
                };
                w.create_dues_payment(&payment)?;
                summary.dues_payments += 1;
            }
        }
    }
    Ok(())
}

fn check_range(what: &'static str, value: i64, min: i64, max: i64) -> Result<(), ServiceError> {
    if (min..=max).contains(&value) { Ok(()) } else { Err(ServiceError::OutOfRange { what, min, max, value }) }
}

/// The indicator sheet of DOCUMENTS.md: 100 points plus 10 bonus, bands at 90/80/70/60.
pub fn branch_scheme() -> RatingScheme {
    let indicator =
        |key: &str, name: &str, max_score| Indicator { key: key.into(), name: name.into(), max_score, measure: None };
    RatingScheme {
        key: "branch-star".into(),
        version: 1,
        name: "党支部星级评定指标".into(),
        source: "user".into(),
        subject_kind: RatingSubjectKind::Branch,
        indicators: vec![
            indicator("organization", "组织建设", 20.0),
            indicator("institutions", "制度落实", 25.0),
            indicator("role", "作用发挥", 25.0),
            indicator("satisfaction", "群众满意度", 20.0),
        ],
        bonus: vec![indicator("bonus", "加分项", 10.0)],
        bands: hundred_point_bands(),
        quotas: vec![Quota { stars: 5, max_percent: 10.0 }, Quota { stars: 4, max_percent: 30.0 }],
    }
}

/// The bands of a 100-point sheet as DOCUMENTS.md gives them: 90, 80, 70 and 60 points for five to
/// two stars, one star below.
fn hundred_point_bands() -> Vec<StarBand> {
    [(90.0, 5), (80.0, 4), (70.0, 3), (60.0, 2), (0.0, 1)]
        .into_iter()
        .map(|(min_score, stars)| StarBand { min_score, stars })
        .collect()
}

/// A 小区 sheet as a street office defines it in the window: 发案率 and 居民满意度 entered by hand,
/// the compound's organisational life and its members' volunteer service read from the records of
/// the compound's own branch; quotas 10% / 30% / 40% / 20%.
pub fn compound_scheme() -> RatingScheme {
    let indicator = |key: &str, name: &str, max_score, measure| Indicator {
        key: key.into(),
        name: name.into(),
        max_score,
        measure,
    };
    RatingScheme {
        key: "compound-star".into(),
        version: 1,
        name: "小区星级评定指标".into(),
        source: "user".into(),
        subject_kind: RatingSubjectKind::ResidentialCompound,
        indicators: vec![
            indicator("case_rate", "发案率", 30.0, None),
            indicator("satisfaction", "居民满意度", 30.0, None),
            indicator("meetings", "组织生活", 25.0, Some(Measure::MeetingsHeld)),
            indicator("volunteering", "志愿服务", 15.0, Some(Measure::VolunteerHours { full_at: 6.0 })),
        ],
        bonus: vec![indicator("bonus", "加分项", 10.0, None)],
        bands: hundred_point_bands(),
        quotas: vec![
            Quota { stars: 5, max_percent: 10.0 },
            Quota { stars: 4, max_percent: 30.0 },
            Quota { stars: 3, max_percent: 40.0 },
            Quota { stars: 2, max_percent: 20.0 },
        ],
    }
}

/// The 业委会 sheet of the demo, all entered by hand.
pub fn owners_committee_scheme() -> RatingScheme {
    let indicator =
        |key: &str, name: &str, max_score| Indicator { key: key.into(), name: name.into(), max_score, measure: None };
    RatingScheme {
        key: "owners-committee-star".into(),
        version: 1,
        name: "业委会星级评定指标".into(),
        source: "user".into(),
        subject_kind: RatingSubjectKind::OwnersCommittee,
        indicators: vec![
            indicator("duties", "依法履职", 30.0),
            indicator("finance", "财务公开", 25.0),
            indicator("satisfaction", "业主满意度", 30.0),
            indicator("cooperation", "配合社区党组织", 15.0),
        ],
        bonus: Vec::new(),
        bands: hundred_point_bands(),
        quotas: Vec::new(),
    }
}

/// Compounds of the first branch's neighbourhood, each with the branch whose records measure it.
const COMPOUNDS: &[&str] = &["锦绣花园小区", "东湖苑小区", "幸福里小区", "翠竹园小区"];

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    // Word lists are constant and non-empty; `choose` only fails on an empty slice.
    items.choose(rng).unwrap_or(&items[0])
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day.min(28)).unwrap_or(NaiveDate::MIN)
}

fn person_name(rng: &mut ChaCha8Rng, gender: Gender) -> String {
    // Favour common surnames: the square of a uniform number leans to the front of the list.
    let r: f64 = rng.random();
    let surname = names::SURNAMES[((r * r) * names::SURNAMES.len() as f64) as usize % names::SURNAMES.len()];
    let chars = if gender == Gender::Male { names::MALE_CHARS } else { names::FEMALE_CHARS };
    let mut name = surname.to_owned();
    name.push_str(pick::<&str>(rng, chars));
    if rng.random_bool(0.7) {
        name.push_str(pick::<&str>(rng, chars));
    }
    name
}

/// Whether `error` says a made-up ID number is already someone's (a member's or a volunteer's).
fn id_taken(error: &crate::store::StoreError) -> bool {
    match error {
        crate::store::StoreError::Duplicate { what, .. } => *what == "身份证号",
        crate::store::StoreError::Invalid(invalid) => invalid.field == "身份证号",
        _ => false,
    }
}

/// A valid 18-character ID number for a birth date and gender (GB 11643 check character).
fn id_number(rng: &mut ChaCha8Rng, birth: NaiveDate, gender: Gender) -> IdNumber {
    loop {
        let region = pick(rng, names::REGION_CODES);
        let mut sequence: u32 = rng.random_range(0..500) * 2;
        if gender == Gender::Male {
            sequence += 1;
        }
        let body = format!("{region}{}{sequence:03}", birth.format("%Y%m%d"));
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = body.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
        let check = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"][(sum % 11) as usize];
        if let Ok(id) = IdNumber::parse(&format!("{body}{check}")) {
            return id;
        }
    }
}

fn create_branch(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    index: u32,
    root: OrgId,
    enterprise_parent: OrgId,
    options: &DemoOptions,
    summary: &mut DemoSummary,
) -> Result<Branch, ServiceError> {
    let round = (index / 3) as usize;
    let (category, stem, parent, place) = match index % 3 {
        0 => {
            let stem = names::COMMUNITIES[round % names::COMMUNITIES.len()];
            (BranchCategory::Community, format!("{stem}社区"), root, format!("{stem}社区党群服务中心二楼会议室"))
        }
        1 => {
            let stem = names::VILLAGES[round % names::VILLAGES.len()];
            (BranchCategory::Village, format!("{stem}村"), root, format!("{stem}村村委会议室"))
        }
        _ => {
            let stem = names::ENTERPRISES[round % names::ENTERPRISES.len()];
            (BranchCategory::Enterprise, stem.to_owned(), enterprise_parent, format!("{stem}三楼党员活动室"))
        }
    };
    let lap = round / names::COMMUNITIES.len().min(names::VILLAGES.len()).min(names::ENTERPRISES.len());
    let short = if lap == 0 { stem } else { format!("{stem}第{}", names::ORDINALS[lap % names::ORDINALS.len()]) };
    let name = format!("{short}党支部");
    let id = w.create_organization(&Organization {
        parent: Some(parent),
        kind: OrgKind::Branch,
        category,
        name: name.clone(),
        dissolved_on: None,
    })?;
    summary.organizations += 1;

    let group_count = match options.members_per_branch {
        0..=9 => 0,
        10..=19 => 2,
        _ => 3,
    };
    let mut groups = Vec::new();
    for g in 0..group_count {
        let group_name = format!("第{}党小组", names::ORDINALS[g]);
        let gid = w.create_organization(&Organization {
            parent: Some(id),
            kind: OrgKind::Group,
            category,
            name: format!("{short}党支部{group_name}"),
            dissolved_on: None,
        })?;
        groups.push((gid, group_name));
        summary.organizations += 1;
    }

    // Six branches in ten are diligent, three fairly good and one weak, in a fixed pattern so
    // that even a small demo set shows every kind of finding.
    let profile = match index % 10 {
        1 | 5 | 8 => Profile { held: 0.96, made_up: 0.6, short: 0.04 },
        3 => Profile { held: 0.8, made_up: 0.4, short: 0.1 },
        _ => Profile { held: 0.995, made_up: 0.8, short: 0.01 },
    };

    let first_year = options.last_year - options.years as i32 + 1;
    let mut members = Vec::new();
    for m in 0..options.members_per_branch {
        let gender = if rng.random_bool(0.62) { Gender::Male } else { Gender::Female };
        let birth_year = rng.random_range(1948..=1999);
        let birth = date(birth_year, rng.random_range(1..=12), rng.random_range(1..=28));
        let probationary = m >= 3 && rng.random_bool(0.06);
        let (joined_on, confirmed_on, status) = if probationary {
            let joined = date(options.last_year, rng.random_range(1..=6), rng.random_range(1..=28));
            // Joined before the demo's last day (early in the year: late the year before).
            let joined = if joined > options.end() {
                date(options.last_year - 1, joined.month() + 6, joined.day())
            } else {
                joined
            };
            (joined, None, MemberStatus::Probationary)
        } else {
            let latest = (first_year - 1).max(birth_year + 23);
            let joined_year = rng.random_range((birth_year + 20).min(latest)..=latest);
            let joined = date(joined_year, rng.random_range(1..=12), rng.random_range(1..=28));
            (joined, joined.checked_add_months(Months::new(12)), MemberStatus::Full)
        };
        let in_service = category == BranchCategory::Community && rng.random_bool(0.35);
        let name = person_name(rng, gender);
        let mut member = Member {
            name: name.clone(),
            gender,
            birth_date: birth,
            ethnicity: if rng.random_bool(0.95) {
                "汉族".into()
            } else {
                (*pick(rng, &names::ETHNICITIES[1..])).to_owned()
            },
            id_number: id_number(rng, birth, gender),
            phone: Phone::parse(&format!("1{}{:09}", rng.random_range(3..=9), rng.random_range(0..1_000_000_000u32)))
                .ok(),
            status,
            joined_on,
            confirmed_on,
            branch: id,
            group: (!groups.is_empty()).then(|| groups[m as usize % groups.len()].0),
            in_service,
            dual_registration: in_service.then(|| DualRegistration {
                community: stem_community(&short),
                posts: vec![(*pick(rng, &["环境卫生监督岗", "平安巡逻岗", "政策宣讲岗", "邻里帮扶岗"])).to_owned()],
                registered_on: date(first_year, 3, rng.random_range(1..=28)),
            }),
            details: crate::domain::MemberDetails::default(),
        };
        // Tens of thousands of made-up ID numbers can meet (same place, day and sequence): draw again.
        let member_id = loop {
            match w.create_member(&member) {
                Err(error) if id_taken(&error) => member.id_number = id_number(rng, birth, gender),
                other => break other?,
            }
        };
        summary.members += 1;
        // One branch in five has a member away working elsewhere for most of the last year.
        let away = (m == options.members_per_branch - 1 && index % 5 == 1).then(|| {
            let start = date(options.last_year, rng.random_range(1..=4), rng.random_range(1..=28));
            (start, start.checked_add_months(Months::new(8)).unwrap_or(start))
        });
        members.push(DemoMember {
            id: member_id,
            name,
            joined_on,
            full: status == MemberStatus::Full,
            group: member.group,
            away,
        });
    }
    let full_members: Vec<usize> =
        (0..members.len()).filter(|&i| members[i].full && members[i].away.is_none()).collect();
    let subject = w.create_subject(&RatingSubject {
        branch: id,
        kind: RatingSubjectKind::Branch,
        name: name.clone(),
        org: Some(id),
        member: None,
        volunteer: None,
        note: String::new(),
    })?;
    let committee_size = if full_members.len() >= 7 { 5.min(full_members.len()) } else { 1 };
    Ok(Branch {
        index,
        id,
        name,
        short,
        category,
        profile,
        committee: full_members[..committee_size.min(full_members.len())].to_vec(),
        members,
        groups,
        place,
        register: Vec::new(),
        subject,
    })
}

fn stem_community(short: &str) -> String {
    if short.ends_with("社区") { short.to_owned() } else { "金山社区".to_owned() }
}

fn create_terms(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    branch: &mut Branch,
    options: &DemoOptions,
) -> Result<(), ServiceError> {
    let years = if matches!(branch.category, BranchCategory::Community | BranchCategory::Village) { 5 } else { 3 };
    let year_end = options.end().min(date(options.last_year, 12, 28));
    // A fixed share of branches is overdue, about to expire or undated; the rest are mid-term.
    let months_back = match branch.index % 4 {
        2 => years * 12 + rng.random_range(2..8),
        3 => years * 12 - rng.random_range(1..6),
        _ => rng.random_range(6..years * 12 - 6),
    };
    let elected = year_end.checked_sub_months(Months::new(months_back)).unwrap_or(year_end);
    let roles = [
        CommitteeRole::Secretary,
        CommitteeRole::DeputySecretary,
        CommitteeRole::OrganizationOfficer,
        CommitteeRole::PublicityOfficer,
        CommitteeRole::DisciplineOfficer,
    ];
    let assignments: Vec<RoleAssignment> = branch
        .committee
        .iter()
        .zip(roles)
        .map(|(&i, role)| RoleAssignment { member: branch.members[i].id, role })
        .collect();
    let number = rng.random_range(3..=9);
    // One branch in six never recorded its election date.
    let dated = branch.index % 6 != 4;
    let previous = elected.checked_sub_months(Months::new(years * 12)).unwrap_or(elected);
    let first_year = options.last_year - options.years as i32 + 1;
    // An election within the demo's years is recorded as one (批复, ballots, the new term);
    // older or undated terms were entered directly, as a branch that starts using the app does.
    let recorded_election = dated && elected.year() >= first_year;
    w.create_term(&CommitteeTerm {
        org: branch.id,
        number: number - 1,
        elected_on: Some(previous),
        ends_on: None,
        closed_on: (dated && !recorded_election).then_some(elected),
        roles: assignments.clone(),
    })?;
    if !recorded_election {
        w.create_term(&CommitteeTerm {
            org: branch.id,
            number,
            elected_on: dated.then_some(elected),
            ends_on: None,
            closed_on: None,
            roles: assignments,
        })?;
        return Ok(());
    }
    let secretary = branch.members[branch.committee[0]].name.clone();
    let attendance = attend(rng, branch, elected, |m| m.full, 0.0, 0.93);
    let present = attendance.iter().filter(|a| a.presence == Presence::Present).count() as u32;
    let meeting = Meeting {
        kind: MeetingKind::TermChange,
        branch: branch.id,
        group: None,
        title: format!("{}第{number}届支部委员会换届选举大会", branch.name),
        starts_at: elected.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default()),
        ends_at: elected.and_time(NaiveTime::from_hms_opt(11, 30, 0).unwrap_or_default()),
        place: branch.place.clone(),
        host: secretary.clone(),
        recorder: recorder_name(branch),
        attendance: attendance.clone(),
        observers: vec![Observer {
            name: person_name(rng, Gender::Male), affiliation: "开发区党工委组织办".into()
        }],
        agenda: vec![AgendaItem { title: "选举产生新一届支部委员会".into() }],
        speeches: vec![Speech {
            agenda_index: Some(0),
            speaker: secretary,
            content: "作上一届支部委员会工作报告。".into(),
        }],
        resolutions: vec![Resolution {
            text: format!("选举产生第{number}届支部委员会"),
            votes: Votes { yes: present.saturating_sub(1), no: 0, abstain: present.min(1) },
        }],
        attachments: Vec::new(),
        status: MeetingStatus::Final,
    };
    let meeting_id = w.create_meeting(&meeting)?;
    // 差额: one candidate more than the seats (none for a secretary-only branch).
    let seats = assignments.len() as u32;
    let mut candidates: Vec<Candidate> = assignments
        .iter()
        .map(|a| Candidate { member: a.member, votes: Votes::default(), role: Some(a.role) })
        .collect();
    if seats > 1
        && let Some(extra) = branch.members.iter().enumerate().find(|(i, m)| m.full && !branch.committee.contains(i))
    {
        candidates.push(Candidate { member: extra.1.id, votes: Votes::default(), role: None });
    }
    // Everyone with voting rights on the day; a few on leave, always fewer than one in five.
    let mut voters: Vec<Voter> = attendance.iter().map(|a| Voter { member: a.member, present: true }).collect();
    let may_miss = (voters.len().saturating_sub(1)) / 5;
    for voter in voters.iter_mut().rev().take(may_miss.min(2)) {
        voter.present = false;
    }
    let present = voters.iter().filter(|v| v.present).count() as u32;
    let last = candidates.len().saturating_sub(1);
    for (i, candidate) in candidates.iter_mut().enumerate() {
        // The extra candidate falls short of half of those who should attend.
        let yes = if seats > 1 && i == last { present / 3 } else { present - rng.random_range(0..=present / 5) };
        candidate.votes = Votes { yes, no: present - yes, abstain: 0 };
    }
    let election = Election {
        org: branch.id,
        term_number: number,
        requested_on: elected.checked_sub_days(chrono::Days::new(45)),
        approved_on: elected.checked_sub_days(chrono::Days::new(30)),
        approval_ref: format!("开党工委〔{}〕{}号", elected.year(), 10 + branch.index),
        held_on: elected,
        place: branch.place.clone(),
        seats,
        voters,
        candidates,
        result_approved_on: elected.checked_add_days(chrono::Days::new(7)),
        result_approval_ref: format!("开党工委〔{}〕{}号", elected.year(), 40 + branch.index),
        meeting: Some(meeting_id),
        status: MeetingStatus::Draft,
    };
    let id = w.create_election(&election)?;
    w.finalize_election(id, crate::domain::ElectionRules { margin_percent: 20 })?;
    Ok(())
}

fn recorder_name(branch: &Branch) -> String {
    let index = branch.committee.get(2).or(branch.committee.first()).copied().unwrap_or(0);
    let index = if branch.committee.len() > 1 { index } else { 1.min(branch.members.len() - 1) };
    branch.members[index].name.clone()
}

/// Attendance of the members `expected` selects who had joined by `day`: present with
/// probability `rate`, otherwise on leave with a reason (or absent); members away are on leave.
fn attend(
    rng: &mut ChaCha8Rng,
    branch: &Branch,
    day: NaiveDate,
    expected: impl Fn(&DemoMember) -> bool,
    _floor: f64,
    rate: f64,
) -> Vec<Attendance> {
    branch
        .members
        .iter()
        .filter(|m| m.joined_on <= day && expected(m))
        .map(|m| {
            let away = m.away.is_some_and(|(from, to)| day >= from && day <= to);
            let presence = if away {
                Presence::OnLeave { reason: "外出务工，长期在外".into() }
            } else if rng.random_bool(rate) {
                Presence::Present
            } else if rng.random_bool(0.85) {
                Presence::OnLeave { reason: (*pick(rng, names::LEAVE_REASONS)).to_owned() }
            } else {
                Presence::Absent { reason: String::new() }
            };
            Attendance { member: m.id, presence }
        })
        .collect()
}

/// The meetings, review, appraisals and volunteer activities of one branch and year.
fn create_year(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    branch: &Branch,
    year: i32,
    options: &DemoOptions,
    summary: &mut DemoSummary,
) -> Result<(), ServiceError> {
    let has_committee = branch.committee.len() >= 3;
    let mut plan: Vec<(MeetingKind, Option<usize>, NaiveDate)> = Vec::new();
    let monthly = |rng: &mut ChaCha8Rng, kind, group: Option<usize>, plan: &mut Vec<_>| {
        for month in 1..=12 {
            if rng.random_bool(branch.profile.held) {
                plan.push((kind, group, date(year, month, rng.random_range(3..=26))));
            } else if month < 12 && rng.random_bool(branch.profile.made_up) {
                // Made up late, early the next month: the missed month still shows as missing.
                plan.push((kind, group, date(year, month + 1, rng.random_range(1..=5))));
            }
        }
    };
    if has_committee {
        monthly(rng, MeetingKind::CommitteeMeeting, None, &mut plan);
    }
    monthly(rng, MeetingKind::ThemeDay, None, &mut plan);
    for g in 0..branch.groups.len() {
        monthly(rng, MeetingKind::GroupMeeting, Some(g), &mut plan);
    }
    for kind in [MeetingKind::GeneralMeeting, MeetingKind::PartyLecture] {
        for quarter in 0..4 {
            if rng.random_bool(branch.profile.held) {
                plan.push((kind, None, date(year, quarter * 3 + rng.random_range(1..=3), rng.random_range(3..=26))));
            }
        }
    }
    for (kind, month) in
        [(MeetingKind::HeartToHeartTalk, 11), (MeetingKind::OrgLifeMeeting, 12), (MeetingKind::MemberAppraisal, 12)]
    {
        if rng.random_bool(branch.profile.held) {
            plan.push((kind, None, date(year, month, rng.random_range(5..=26))));
        }
    }
    plan.sort_by_key(|p| p.2);
    let end = options.end();
    for (kind, group, day) in plan {
        // Drawn for every planned day, so a demo up to today is the same as the whole year's up to today.
        let meeting = build_meeting(rng, branch, kind, group, day, year == options.last_year, end);
        if day > end {
            continue;
        }
        summary.attendance += meeting.attendance.len() as u32;
        w.create_meeting(&meeting)?;
        summary.meetings += 1;
    }
    // The year-end duty review and appraisals are held in December.
    let year_done = end >= date(year, 12, 28);
    if year_done {
        create_review(w, rng, branch, year)?;
        summary.duty_reviews += 1;
    }
    for member in branch.members.iter().filter(|m| year_done && m.joined_on.year() < year) {
        let roll: f64 = rng.random();
        let grade = if member.away.is_some_and(|(from, _)| from.year() == year) {
            AppraisalGrade::BasicallyQualified
        } else if roll < 0.15 {
            AppraisalGrade::Outstanding
        } else {
            AppraisalGrade::Qualified
        };
        // The 民主测评 ballots fit the grade; drawn from a generator of their own so the rest of
        // the demo keeps its draws.
        let mut ballots = ChaCha8Rng::seed_from_u64((member.id.0 as u64) << 16 ^ year as u64);
        let voters = (branch.members.len() as u32).saturating_sub(ballots.random_range(1..=3)).max(3);
        let lead = match grade {
            AppraisalGrade::Outstanding => voters * 3 / 5 + ballots.random_range(0..=voters / 5),
            _ => ballots.random_range(0..=voters / 6),
        };
        let lagging = match grade {
            AppraisalGrade::BasicallyQualified => voters * 2 / 5 + ballots.random_range(0..=voters / 6),
            _ => ballots.random_range(0..=1).min(voters - lead),
        };
        let votes = AppraisalVotes {
            outstanding: lead,
            qualified: voters - lead - lagging,
            basically_qualified: lagging,
            unqualified: 0,
        };
        // The suggestion from the ballots alone (the demo's flags come from its own records, which
        // the window and the command line weigh when the secretary saves the form).
        let suggested = crate::rules::suggest(&votes, &[], &crate::rules::RuleSet::default().appraisal).grade;
        let reason = match grade {
            _ if grade == suggested => String::new(),
            AppraisalGrade::BasicallyQualified => "长期外出务工，未能正常参加组织生活和志愿服务。".into(),
            _ => "带头参加小区环境整治和志愿服务，群众评价好。".into(),
        };
        w.create_appraisal(&MemberAppraisal {
            year,
            member: member.id,
            self_assessment: "能够认真学习党的理论，按时参加组织生活，积极参加志愿服务。".into(),
            votes,
            grade,
            suggested: Some(suggested),
            reason,
        })?;
        summary.appraisals += 1;
    }
    let activities = rng.random_range(5..=10);
    for _ in 0..activities {
        let &(category, title, description) = pick(rng, names::ACTIVITIES);
        let category = VolunteerCategory::ALL[category];
        let day = date(year, rng.random_range(1..=12), rng.random_range(1..=28));
        if day > end {
            continue;
        }
        let start_hour = *pick(rng, &[8u32, 9, 14, 19]);
        let span = rng.random_range(2..=4);
        let mut participants = Vec::new();
        for m in &branch.members {
            let around = m.joined_on <= day && m.away.is_none_or(|(from, to)| day < from || day > to);
            if around && rng.random_bool(0.45) {
                let hours = if rng.random_bool(0.8) { f64::from(span) } else { f64::from(span) - 0.5 };
                participants.push(Participant { member: m.id, hours });
            }
        }
        w.create_volunteer_activity(&VolunteerActivity {
            title: title.into(),
            category,
            date: day,
            starts: NaiveTime::from_hms_opt(start_hour, 0, 0).unwrap_or_default(),
            ends: NaiveTime::from_hms_opt(start_hour + span, 0, 0).unwrap_or_default(),
            place: branch
                .place
                .replace("二楼会议室", "")
                .replace("村委会议室", "文化礼堂")
                .replace("三楼党员活动室", "厂区"),
            organiser: branch.name.clone(),
            organiser_org: Some(branch.id),
            description: description.into(),
            participants,
            volunteers: register_volunteers(branch, day, span),
        })?;
        summary.volunteer_activities += 1;
    }
    Ok(())
}

fn build_meeting(
    rng: &mut ChaCha8Rng,
    branch: &Branch,
    kind: MeetingKind,
    group: Option<usize>,
    day: NaiveDate,
    last_year: bool,
    end: NaiveDate,
) -> Meeting {
    let secretary =
        branch.committee.first().map_or_else(|| branch.members[0].name.clone(), |&i| branch.members[i].name.clone());
    let short = rng.random_bool(branch.profile.short);
    let committee_ids: Vec<MemberId> = branch.committee.iter().map(|&i| branch.members[i].id).collect();
    let group_id = group.map(|g| branch.groups[g].0);
    let rate = if short { 0.35 } else { 0.9 };
    let mut attendance = match kind {
        MeetingKind::CommitteeMeeting => attend(rng, branch, day, |m| committee_ids.contains(&m.id), 0.0, 0.97),
        MeetingKind::GroupMeeting => attend(rng, branch, day, |m| m.group == group_id, 0.0, 0.9),
        _ => attend(rng, branch, day, |_| true, 0.0, rate),
    };
    if short && kind == MeetingKind::CommitteeMeeting {
        // Exactly half the committee (rounded down) came: not more than half, so no quorum.
        let keep = attendance.len() / 2;
        for (i, entry) in attendance.iter_mut().enumerate() {
            entry.presence =
                if i < keep { Presence::Present } else { Presence::OnLeave { reason: "外出开会".into() } };
        }
    }
    let present: Vec<&str> = attendance
        .iter()
        .filter(|a| a.presence == Presence::Present)
        .filter_map(|a| branch.members.iter().find(|m| m.id == a.member).map(|m| m.name.as_str()))
        .collect();
    let present_count = present.len() as u32;
    let (title, agenda): (String, Vec<String>) = match kind {
        MeetingKind::CommitteeMeeting => {
            let items: Vec<String> = (0..2).map(|_| (*pick(rng, names::COMMITTEE_AGENDA)).to_owned()).collect();
            (format!("{}月份支委会", day.month()), dedup(items))
        }
        MeetingKind::GeneralMeeting => {
            let items: Vec<String> = (0..2).map(|_| (*pick(rng, names::GENERAL_AGENDA)).to_owned()).collect();
            (format!("{}年第{}季度支部党员大会", day.year(), (day.month() - 1) / 3 + 1), dedup(items))
        }
        MeetingKind::GroupMeeting => {
            let name = group.map_or("", |g| branch.groups[g].1.as_str());
            (format!("{name}{}月份党小组会", day.month()), vec!["学习上级文件精神，交流思想工作情况".into()])
        }
        MeetingKind::PartyLecture => {
            let topic = pick(rng, names::LECTURE_TOPICS);
            (format!("专题党课：{topic}"), vec![format!("书记讲党课：{topic}")])
        }
        MeetingKind::ThemeDay => {
            let topic = pick(rng, names::THEME_DAY_TOPICS);
            (format!("{}月主题党日：{topic}", day.month()), vec![(*topic).to_owned()])
        }
        MeetingKind::OrgLifeMeeting => {
            (format!("{}年度组织生活会", day.year()), vec!["支部班子对照检查".into(), "党员开展批评和自我批评".into()])
        }
        MeetingKind::HeartToHeartTalk => {
            (format!("{}年度谈心谈话", day.year()), vec!["支部书记与党员逐一谈心谈话".into()])
        }
        _ => (format!("{}年度民主评议党员大会", day.year()), vec!["党员个人自评和互评".into(), "民主测评".into()]),
    };
    let agenda_items: Vec<AgendaItem> = agenda.iter().map(|t| AgendaItem { title: t.clone() }).collect();
    let mut speeches = Vec::new();
    for (i, item) in agenda.iter().enumerate() {
        let speaker = if i == 0 { secretary.clone() } else { (*pick(rng, &present[..])).to_owned() };
        speeches.push(Speech {
            agenda_index: Some(i as u32),
            speaker,
            content: format!("围绕“{item}”，结合本支部实际谈了意见和建议，要求党员带头落实。"),
        });
        if present.len() > 2 && rng.random_bool(0.6) {
            let other = (*pick(rng, &present[..])).to_owned();
            speeches.push(Speech {
                agenda_index: Some(i as u32),
                speaker: other,
                content: "表示赞同，并就具体落实提出建议。".into(),
            });
        }
    }
    let resolutions = match kind {
        MeetingKind::CommitteeMeeting | MeetingKind::GeneralMeeting if rng.random_bool(0.6) => {
            let against = u32::from(present_count > 6 && rng.random_bool(0.3));
            vec![Resolution {
                text: format!("同意{}", agenda[0].trim_start_matches("讨论").trim_start_matches("研究")),
                votes: Votes { yes: present_count - against, no: against, abstain: 0 },
            }]
        }
        _ => Vec::new(),
    };
    let (hour, minutes) = *pick(rng, &[(9u32, 90i64), (14, 120), (19, 90)]);
    let starts_at = day.and_time(NaiveTime::from_hms_opt(hour, if hour == 14 { 30 } else { 0 }, 0).unwrap_or_default());
    // Some of the last weeks' minutes are not finalised yet.
    let recent = end.checked_sub_days(chrono::Days::new(40)).is_some_and(|from| day > from);
    let draft = last_year && recent && rng.random_bool(0.3);
    Meeting {
        kind,
        branch: branch.id,
        group: group_id,
        title,
        starts_at,
        ends_at: starts_at + chrono::Duration::minutes(minutes),
        place: branch.place.clone(),
        host: secretary,
        recorder: recorder_name(branch),
        attendance,
        observers: Vec::new(),
        agenda: agenda_items,
        speeches,
        resolutions,
        attachments: Vec::new(),
        status: if draft { MeetingStatus::Draft } else { MeetingStatus::Final },
    }
}

fn dedup(mut items: Vec<String>) -> Vec<String> {
    items.dedup();
    items
}

fn create_review(w: &mut Writer<'_>, rng: &mut ChaCha8Rng, branch: &Branch, year: i32) -> Result<(), ServiceError> {
    let Some(&secretary) = branch.committee.first() else { return Ok(()) };
    let expected = branch.members.iter().filter(|m| m.joined_on.year() <= year).count() as u32 + 4;
    let returned = expected - rng.random_range(0..=expected.min(4) / 2);
    let valid = returned - u32::from(rng.random_bool(0.2));
    let strength = branch.profile.held;
    let excellent = ((f64::from(valid) * (strength - 0.25 + rng.random_range(0.0..0.15))).round() as u32).min(valid);
    let good = ((f64::from(valid - excellent)) * 0.7).round() as u32;
    let poor = u32::from(strength < 0.8 && valid - excellent - good > 0);
    let fair = valid - excellent - good - poor;
    let ballots = BallotTally { excellent, good, fair, poor };
    let share = |n: u32| f64::from(n) / f64::from(valid.max(1));
    let grade = if share(excellent) >= 0.6 && share(poor) < 0.1 {
        ReviewGrade::Excellent
    } else if share(excellent + good) >= 0.6 {
        ReviewGrade::Good
    } else {
        ReviewGrade::Fair
    };
    let sections = vec![
        ReportSection {
            heading: "履行第一责任人职责情况".into(),
            body: format!(
                "{year}年，本人认真履行抓基层党建第一责任人职责，坚持“三会一课”制度，带头讲党课，推动支部各项工作落实。"
            ),
        },
        ReportSection {
            heading: "主要工作及成效".into(),
            body:
                "组织党员开展禁毒宣传、小区环境整治、平安巡逻和走访慰问独居老人等志愿服务，党员先锋模范作用进一步发挥。"
                    .into(),
        },
        ReportSection {
            heading: "存在问题及原因".into(),
            body: "部分党员参加组织生活不够经常，流动党员管理有短板；支部书记抓党建的精力投入还不够。".into(),
        },
        ReportSection {
            heading: "下一步打算".into(),
            body: "严格落实组织生活制度，加强流动党员联系管理，推动党建与基层治理深度融合。".into(),
        },
    ];
    w.create_duty_review(&DutyReview {
        year,
        branch: branch.id,
        subject: branch.members[secretary].id,
        held_on: Some(date(year, 12, rng.random_range(20..=28))),
        sections,
        ballots,
        voters_expected: expected,
        voters_returned: returned,
        higher_comment: format!("{}书记履职较为到位，下一步要在规范组织生活上下功夫。", branch.short),
        overall_grade: Some(grade),
    })?;
    Ok(())
}

fn rate_branches(
    w: &mut Writer<'_>,
    rng: &mut ChaCha8Rng,
    branches: &[Branch],
    scheme: SchemeId,
    year: i32,
    summary: &mut DemoSummary,
) -> Result<(), ServiceError> {
    for branch in branches {
        let q = branch.profile.held;
        let mut score =
            |max: f64| ((max * (q - 0.12 + rng.random_range(0.0..0.14))).clamp(0.0, max) * 2.0).round() / 2.0;
        let scores = vec![
            IndicatorScore { key: "organization".into(), score: score(20.0) },
            IndicatorScore { key: "institutions".into(), score: score(25.0) },
            IndicatorScore { key: "role".into(), score: score(25.0) },
            IndicatorScore { key: "satisfaction".into(), score: score(20.0) },
            IndicatorScore { key: "bonus".into(), score: f64::from(rng.random_range(0..=6u32)) },
        ];
        w.create_star_rating(&StarRating { scheme, year, subject: branch.subject, scores })?;
        summary.star_ratings += 1;
    }
    Ok(())
}
