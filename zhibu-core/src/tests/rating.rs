//! Star ratings as the source reports run them: a street's 小区 sheet with 发案率 and 居民满意度
//! entered by hand and organisational life bound to the records, three compounds rated over two
//! years — stars, moves, ranking with ties and quotas, what lifts each to the next star — and
//! sheet versions that keep last year's results on last year's sheet.

use crate::domain::{
    Indicator, IndicatorScore, Measure, MeetingKind, MemberId, Move, OrgKind, Quota, RatingScheme, RatingSubject,
    RatingSubjectKind, StarBand, StarRating, SubjectId,
};
use crate::fixtures::{Fixture, day, meeting, member, org};
use crate::rules::{Frequency, RuleSet};
use crate::services::rating::{board, measure};

fn sheet() -> RatingScheme {
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
        ],
        bonus: vec![indicator("bonus", "加分项", 10.0, None)],
        bands: [(90.0, 5), (80.0, 4), (70.0, 3), (60.0, 2), (0.0, 1)]
            .into_iter()
            .map(|(min_score, stars)| StarBand { min_score, stars })
            .collect(),
        quotas: vec![Quota { stars: 4, max_percent: 34.0 }, Quota { stars: 2, max_percent: 34.0 }],
    }
}

/// Periods the default rules require in a whole past year of a branch of three members (no
/// groups, no committee elected: 党员大会 and the rest, no 党小组会 or 支委会), counted from the
/// rule table itself, not by the engine.
fn required_per_year(rules: &RuleSet) -> u32 {
    rules
        .meetings
        .iter()
        .filter(|(kind, _)| !matches!(kind, MeetingKind::GroupMeeting | MeetingKind::CommitteeMeeting))
        .map(|(_, rule)| match rule.frequency {
            Frequency::Monthly => 12,
            Frequency::Quarterly => 4,
            Frequency::Yearly => 1,
            Frequency::None => 0,
        })
        .sum()
}

struct Street {
    fx: Fixture,
    compounds: [SubjectId; 3],
}

/// A community branch rating three compounds, each measured by its own branch's records: the
/// first holds its quarterly 党员大会 and 党课 and its monthly 主题党日 both years (20 periods),
/// the second only the 党员大会 (4), the third nothing.
fn street() -> Street {
    let mut fx = Fixture::new().unwrap();
    let (committee, home) = (fx.committee, fx.branch);
    let compounds = fx
        .store
        .write(|w| {
            let mut out = Vec::new();
            for (i, name) in ["锦绣花园小区", "东湖苑小区", "幸福里小区"].into_iter().enumerate() {
                let branch = w.create_organization(&org(Some(committee), OrgKind::Branch, &format!("{name}党支部")))?;
                let members: Vec<MemberId> = (0..3)
                    .map(|m| w.create_member(&member(branch, 100 + 10 * i as u32 + m)))
                    .collect::<Result<_, _>>()?;
                for year in [2024, 2025] {
                    if i < 2 {
                        for q in 0..4 {
                            w.create_meeting(&meeting(
                                branch,
                                MeetingKind::GeneralMeeting,
                                day(year, 3 * q + 2, 10),
                                &members,
                                3,
                            ))?;
                        }
                    }
                    if i == 0 {
                        for q in 0..4 {
                            let lecture = day(year, 3 * q + 2, 20);
                            w.create_meeting(&meeting(branch, MeetingKind::PartyLecture, lecture, &members, 3))?;
                        }
                        for month in 1..=12 {
                            let theme_day = day(year, month, 25);
                            w.create_meeting(&meeting(branch, MeetingKind::ThemeDay, theme_day, &members, 3))?;
                        }
                    }
                }
                out.push(w.create_subject(&RatingSubject {
                    branch: home,
                    kind: RatingSubjectKind::ResidentialCompound,
                    name: name.into(),
                    org: Some(branch),
                    member: None,
                    volunteer: None,
                    note: String::new(),
                })?);
            }
            Ok::<_, crate::store::StoreError>(out)
        })
        .unwrap();
    Street { fx, compounds: [compounds[0], compounds[1], compounds[2]] }
}

/// Rates `subject` for `year` under `scheme`: the hand-entered scores given, the bound one measured.
fn rate(street: &mut Street, scheme: crate::domain::SchemeId, subject: SubjectId, year: i32, hand: [f64; 3]) -> f64 {
    let rules = RuleSet::default();
    let store = &street.fx.store;
    let sheet = store.rating_scheme(scheme).unwrap();
    let measured = measure(store, &rules, &store.subject(subject).unwrap(), &sheet, year, day(2026, 1, 10)).unwrap();
    assert_eq!(measured.len(), 1, "only 组织生活 is bound");
    let score = measured[0].score;
    let scores = vec![
        IndicatorScore { key: "case_rate".into(), score: hand[0] },
        IndicatorScore { key: "satisfaction".into(), score: hand[1] },
        IndicatorScore { key: "meetings".into(), score },
        IndicatorScore { key: "bonus".into(), score: hand[2] },
    ];
    street.fx.store.write(|w| w.create_star_rating(&StarRating { scheme, year, subject, scores })).unwrap();
    score
}

#[test]
fn the_bound_indicator_is_the_share_of_required_periods_held_from_the_compounds_own_records() {
    let street = street();
    let rules = RuleSet::default();
    let required = required_per_year(&rules);
    let store = &street.fx.store;
    let sheet = sheet();
    for (i, covered) in [20u32, 4, 0].into_iter().enumerate() {
        let subject = store.subject(street.compounds[i]).unwrap();
        let measured = measure(store, &rules, &subject, &sheet, 2024, day(2025, 3, 1)).unwrap();
        assert_eq!(measured.len(), 1);
        let m = &measured[0];
        assert_eq!((m.figure.value, m.figure.of), (f64::from(covered), f64::from(required)), "{}", subject.name);
        let expected = (25.0 * f64::from(covered) / f64::from(required) * 10.0).round() / 10.0;
        assert_eq!(m.score, expected, "{}", subject.name);
        assert_eq!(m.text, format!("按期召开{covered}次，应开{required}次"));
        assert_eq!(m.source, format!("2024年会议记录：{}党支部", subject.name));
    }
    // A subject with no organisation linked has nothing to measure: every indicator is typed in.
    let mut loose = store.subject(street.compounds[0]).unwrap();
    loose.org = None;
    assert!(measure(store, &rules, &loose, &sheet, 2024, day(2025, 3, 1)).unwrap().is_empty());
}

#[test]
fn three_compounds_over_two_years_stars_moves_ranking_quotas_and_the_next_star() {
    let mut street = street();
    let [a, b, c] = street.compounds;
    let v1 = street.fx.store.write(|w| w.create_rating_scheme(&sheet())).unwrap();
    let m_a = rate(&mut street, v1, a, 2024, [25.0, 25.0, 3.0]);
    let m_b = rate(&mut street, v1, b, 2024, [27.0, 28.0, 5.0]);
    let m_c = rate(&mut street, v1, c, 2024, [20.0, 22.0, 0.0]);
    assert_eq!((m_a, m_b, m_c), (21.7, 4.3, 0.0), "25 × 20/23, 25 × 4/23, none held");

    // The street adjusts the sheet after the first year's results: a new version; 2024 keeps v1.
    let mut adjusted = sheet();
    adjusted.quotas = vec![Quota { stars: 4, max_percent: 34.0 }, Quota { stars: 2, max_percent: 34.0 }];
    adjusted.name = "小区星级评定指标（2025年修订）".into();
    let v2 = street.fx.store.write(|w| w.revise_rating_scheme(v1, &adjusted)).unwrap();
    assert_ne!(v2, v1);
    assert_eq!(street.fx.store.rating_scheme(v1).unwrap().name, "小区星级评定指标");
    assert_eq!(street.fx.store.rating_scheme(v2).unwrap().version, 2);
    // Adjusting v2 again before it has results changes it in place.
    adjusted.name = "小区星级评定指标（2025年版）".into();
    assert_eq!(street.fx.store.write(|w| w.revise_rating_scheme(v2, &adjusted)).unwrap(), v2);
    let error = street.fx.store.write(|w| w.revise_rating_scheme(v1, &adjusted)).unwrap_err().to_string();
    assert!(error.contains("只能调整最新版本（第2版）"), "{error}");

    rate(&mut street, v2, a, 2025, [28.0, 28.0, 5.0]);
    rate(&mut street, v2, b, 2025, [27.0, 28.0, 5.0]);
    rate(&mut street, v2, c, 2025, [29.0, 28.3, 7.0]);
    // A second 2025 rating of the same compound, even under the other version, is refused.
    let twice = StarRating { scheme: v1, year: 2025, subject: a, scores: Vec::new() };
    assert!(street.fx.store.write(|w| w.create_star_rating(&twice)).is_err());

    let first = board(&street.fx.store, "compound-star", 2024, Some(street.fx.branch)).unwrap();
    let line = |b: &crate::services::rating::Board| -> Vec<(String, f64, u8, Move, u32, bool)> {
        b.rows
            .iter()
            .map(|r| (r.name.clone(), (r.total * 10.0).round() / 10.0, r.stars, r.movement, r.rank, r.tied))
            .collect()
    };
    assert_eq!(
        line(&first),
        vec![
            ("锦绣花园小区".into(), 74.7, 3, Move::New, 1, false),
            ("东湖苑小区".into(), 64.3, 2, Move::New, 2, false),
            ("幸福里小区".into(), 42.0, 1, Move::New, 3, false),
        ]
    );
    let next = first.rows[1].next.clone().unwrap();
    assert_eq!((next.stars, next.points_needed), (3, 5.7), "70 − 64.3 to the third star");
    let gaps: Vec<(&str, f64)> = next.gaps.iter().map(|g| (g.name.as_str(), g.gap)).collect();
    assert_eq!(gaps, vec![("组织生活", 20.7), ("加分项", 5.0), ("发案率", 3.0), ("居民满意度", 2.0)]);

    let second = board(&street.fx.store, "compound-star", 2025, Some(street.fx.branch)).unwrap();
    assert_eq!(second.scheme.id, v2);
    assert_eq!(
        line(&second),
        vec![
            ("锦绣花园小区".into(), 82.7, 4, Move::Up(1), 1, false),
            ("东湖苑小区".into(), 64.3, 2, Move::Same, 2, true),
            ("幸福里小区".into(), 64.3, 2, Move::Up(1), 2, true),
        ]
    );
    assert_eq!(second.rows[0].last_year, Some(3));
    let next = second.rows[0].next.clone().unwrap();
    assert_eq!((next.stars, next.points_needed), (5, 7.3));
    assert_eq!(
        next.gaps.iter().map(|g| (g.key.as_str(), g.gap)).collect::<Vec<_>>(),
        vec![("bonus", 5.0), ("meetings", 3.3), ("case_rate", 2.0), ("satisfaction", 2.0)]
    );
    // Quotas over three compounds: 34% is one place. One four-star fits; two two-stars do not,
    // and as they are tied at the line neither is marked: the rating group decides.
    let checks: Vec<(u8, u32, u32, bool)> =
        second.quotas.iter().map(|q| (q.stars, q.allowed, q.count, q.exceeded())).collect();
    assert_eq!(checks, vec![(4, 1, 1, false), (2, 1, 2, true)]);
    assert!(second.rows.iter().all(|r| !r.beyond_quota));

    // Break the tie: the lower total is beyond the quota.
    let rating = second.rows[2].rating;
    let mut lower = second.rows[2].record.clone();
    lower.scores[0].score = 28.0;
    street.fx.store.write(|w| w.update_star_rating(rating, &lower)).unwrap();
    let second = board(&street.fx.store, "compound-star", 2025, Some(street.fx.branch)).unwrap();
    let beyond: Vec<(&str, bool)> = second.rows.iter().map(|r| (r.name.as_str(), r.beyond_quota)).collect();
    assert_eq!(beyond, vec![("锦绣花园小区", false), ("东湖苑小区", false), ("幸福里小区", true)]);
    assert_eq!(second.rows[2].rank, 3);
}

#[test]
fn a_subject_of_another_kind_and_a_member_subject_without_a_member_are_refused() {
    let mut street = street();
    let v1 = street.fx.store.write(|w| w.create_rating_scheme(&sheet())).unwrap();
    let branch = street.fx.branch;
    let committee = street
        .fx
        .store
        .write(|w| {
            w.create_subject(&RatingSubject {
                branch,
                kind: RatingSubjectKind::OwnersCommittee,
                name: "锦绣花园业主委员会".into(),
                org: None,
                member: None,
                volunteer: None,
                note: String::new(),
            })
        })
        .unwrap();
    let rating = StarRating { scheme: v1, year: 2025, subject: committee, scores: Vec::new() };
    let error = street.fx.store.write(|w| w.create_star_rating(&rating)).unwrap_err().to_string();
    assert!(error.contains("是业委会，方案评定的是小区"), "{error}");
    let nobody = RatingSubject {
        branch,
        kind: RatingSubjectKind::Member,
        name: "某党员".into(),
        org: None,
        member: None,
        volunteer: None,
        note: String::new(),
    };
    let error = street.fx.store.write(|w| w.create_subject(&nobody)).unwrap_err().to_string();
    assert!(error.contains("党员须从名册中选择"), "{error}");
    // A rated subject is kept; an unrated one can be removed and restored.
    let error = street.fx.store.write(|w| w.delete_subject(street.compounds[0])).map(|_| ());
    assert!(error.is_ok(), "not rated yet");
    let second = street.compounds[1];
    rate(&mut street, v1, second, 2025, [20.0, 20.0, 0.0]);
    let error = street.fx.store.write(|w| w.delete_subject(street.compounds[1])).unwrap_err().to_string();
    assert!(error.contains("已有1次星级评定，不能删除"), "{error}");
}
