//! Conversions from domain records (and compliance results) to the contract's record types.
//! Personal data leaves the host masked ([`IdNumber::masked`](zhibu_core::domain::IdNumber::masked),
//! [`Phone::masked`](zhibu_core::domain::Phone::masked)) unless the user confirmed a template's request.

use super::v1_3 as wit;
use serde::Serialize;
use zhibu_core::domain::{self, Stored};

/// The snake_case code of a unit enum (the same text as in the database and JSON).
pub fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

/// A record set with nothing in it, to be filled with the kinds a template may see.
pub fn empty_records() -> wit::Records {
    wit::Records {
        organizations: Vec::new(),
        terms: Vec::new(),
        members: Vec::new(),
        meetings: Vec::new(),
        duty_reviews: Vec::new(),
        appraisals: Vec::new(),
        schemes: Vec::new(),
        star_ratings: Vec::new(),
        volunteer_activities: Vec::new(),
        compliance: Vec::new(),
        elections: Vec::new(),
        quota_checks: Vec::new(),
        dues: Vec::new(),
        volunteers: Vec::new(),
        service_teams: Vec::new(),
        committee: None,
    }
}

/// An election with the host's verdicts on it (quorum, 差额, who is elected), from `rules`.
pub fn election(e: &Stored<domain::ElectionId, domain::Election>, rules: domain::ElectionRules) -> wit::Election {
    let r = &e.record;
    let outcome = r.outcome();
    wit::Election {
        id: e.id.0,
        org: r.org.0,
        term_number: r.term_number,
        requested_on: r.requested_on.map(|d| d.to_string()),
        approved_on: r.approved_on.map(|d| d.to_string()),
        approval_ref: r.approval_ref.clone(),
        held_on: r.held_on.to_string(),
        place: r.place.clone(),
        seats: r.seats,
        voters: r.voters.iter().map(|v| wit::Voter { member: v.member.0, present: v.present }).collect(),
        voters_expected: r.should_attend(),
        voters_present: r.present(),
        quorum_met: r.quorum_met(),
        candidates_needed: r.candidates_needed(rules),
        candidates: r
            .candidates
            .iter()
            .map(|c| {
                let elected = outcome.elected.contains(&c.member);
                let role = c.role.filter(|_| elected);
                wit::Candidate {
                    member: c.member.0,
                    yes: c.votes.yes,
                    no: c.votes.no,
                    abstain: c.votes.abstain,
                    elected,
                    tied: outcome.tied.contains(&c.member),
                    role: role.map(|role| code(&role)),
                    role_label: role.map(|role| role.label().to_owned()),
                }
            })
            .collect(),
        unfilled: outcome.unfilled,
        result_approved_on: r.result_approved_on.map(|d| d.to_string()),
        result_approval_ref: r.result_approval_ref.clone(),
        meeting: r.meeting.map(|m| m.0),
        status: code(&r.status),
    }
}

/// An organization.
pub fn organization(o: &Stored<domain::OrgId, domain::Organization>) -> wit::Organization {
    wit::Organization {
        id: o.id.0,
        parent: o.record.parent.map(|p| p.0),
        kind: code(&o.record.kind),
        category: code(&o.record.category),
        name: o.record.name.clone(),
    }
}

/// A committee term.
pub fn term(t: &domain::CommitteeTerm) -> wit::CommitteeTerm {
    wit::CommitteeTerm {
        org: t.org.0,
        number: t.number,
        elected_on: t.elected_on.map(|d| d.to_string()),
        ends_on: t.ends_on.map(|d| d.to_string()),
        roles: t
            .roles
            .iter()
            .map(|r| wit::RoleHolder { member: r.member.0, role: code(&r.role), label: r.role.label().to_owned() })
            .collect(),
    }
}

/// A member; ID and phone numbers masked unless `unmasked` (the user confirmed a template's
/// request). The birth date is left empty unless unmasked: it is eight of the ten digits the
/// mask hides, so passing it beside the masked number would give the number back.
pub fn member(m: &Stored<domain::MemberId, domain::Member>, unmasked: bool) -> wit::Member {
    let r = &m.record;
    wit::Member {
        id: m.id.0,
        name: r.name.clone(),
        gender: code(&r.gender),
        birth_date: if unmasked { r.birth_date.to_string() } else { String::new() },
        ethnicity: r.ethnicity.clone(),
        id_number: if unmasked { r.id_number.as_str().to_owned() } else { r.id_number.masked() },
        phone: r.phone.as_ref().map(|p| if unmasked { p.as_str().to_owned() } else { p.masked() }),
        status: code(&r.status),
        joined_on: r.joined_on.to_string(),
        confirmed_on: r.confirmed_on.map(|d| d.to_string()),
        branch: r.branch.0,
        group: r.group.map(|g| g.0),
        in_service: r.in_service,
        dual_community: r.dual_registration.as_ref().map(|d| d.community.clone()),
    }
}

/// A meeting, with the host's verdict on its attendance and, per resolution, whether it passed
/// (both worked out by the rules in the service layer).
pub fn meeting(
    m: &Stored<domain::MeetingId, domain::Meeting>,
    quorum: Option<wit::Quorum>,
    passed: &[Option<bool>],
) -> wit::Meeting {
    let r = &m.record;
    wit::Meeting {
        id: m.id.0,
        kind: r.kind.code().to_owned(),
        kind_label: r.kind.label().to_owned(),
        branch: r.branch.0,
        group: r.group.map(|g| g.0),
        title: r.title.clone(),
        starts_at: r.starts_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        ends_at: r.ends_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        place: r.place.clone(),
        host: r.host.clone(),
        recorder: r.recorder.clone(),
        attendance: r
            .attendance
            .iter()
            .map(|a| {
                let (presence, reason) = match &a.presence {
                    domain::Presence::Present => ("present", String::new()),
                    domain::Presence::OnLeave { reason } => ("on_leave", reason.clone()),
                    domain::Presence::Absent { reason } => ("absent", reason.clone()),
                };
                wit::Attendance { member: a.member.0, presence: presence.to_owned(), reason }
            })
            .collect(),
        observers: r
            .observers
            .iter()
            .map(|o| wit::Observer { name: o.name.clone(), affiliation: o.affiliation.clone() })
            .collect(),
        agenda: r.agenda.iter().map(|a| a.title.clone()).collect(),
        speeches: r
            .speeches
            .iter()
            .map(|s| wit::Speech {
                agenda_index: s.agenda_index,
                speaker: s.speaker.clone(),
                content: s.content.clone(),
            })
            .collect(),
        resolutions: r
            .resolutions
            .iter()
            .enumerate()
            .map(|(i, x)| wit::Resolution {
                text: x.text.clone(),
                yes: x.votes.yes,
                no: x.votes.no,
                abstain: x.votes.abstain,
                passed: passed.get(i).copied().flatten(),
            })
            .collect(),
        // Contract 1.0 carries attachments as text: each names its kind, the sign-in sheet first,
        // so the minutes show which file is the 签到表.
        attachments: {
            let mut files: Vec<&domain::Attachment> = r.attachments.iter().collect();
            files.sort_by_key(|a| a.kind != domain::AttachmentKind::SignInSheet);
            files.iter().map(|a| format!("{}（{}）", a.file_name, a.kind.label())).collect()
        },
        status: code(&r.status),
        quorum,
    }
}

/// A duty review, with what the rules make of its ballots (`ballot_grade`, worked out in the
/// service layer) beside the grade the user stored.
pub fn duty_review(
    d: &Stored<domain::ReviewId, domain::DutyReview>,
    ballot_grade: Option<domain::ReviewGrade>,
) -> wit::DutyReview {
    let r = &d.record;
    wit::DutyReview {
        id: d.id.0,
        year: r.year,
        branch: r.branch.0,
        subject: r.subject.0,
        held_on: r.held_on.map(|d| d.to_string()),
        sections: r
            .sections
            .iter()
            .map(|s| wit::ReportSection { heading: s.heading.clone(), body: s.body.clone() })
            .collect(),
        excellent: r.ballots.excellent,
        good: r.ballots.good,
        fair: r.ballots.fair,
        poor: r.ballots.poor,
        voters_expected: r.voters_expected,
        voters_returned: r.voters_returned,
        higher_comment: r.higher_comment.clone(),
        overall_grade: r.overall_grade.map(|g| code(&g)),
        ballot_grade: ballot_grade.map(|g| code(&g)),
        grade_differs: matches!((r.overall_grade, ballot_grade), (Some(stored), Some(ballots)) if stored != ballots),
    }
}

/// An appraisal with its ballots, the suggestion and the reason.
pub fn appraisal(a: &domain::MemberAppraisal) -> wit::Appraisal {
    wit::Appraisal {
        year: a.year,
        member: a.member.0,
        grade: code(&a.grade),
        grade_label: a.grade.label().to_owned(),
        votes_outstanding: a.votes.outstanding,
        votes_qualified: a.votes.qualified,
        votes_basically_qualified: a.votes.basically_qualified,
        votes_unqualified: a.votes.unqualified,
        suggested: a.suggested.map(|g| code(&g)),
        reason: a.reason.clone(),
    }
}

/// A rating scheme.
pub fn scheme(s: &domain::RatingScheme) -> wit::RatingScheme {
    let indicator = |i: &domain::Indicator| wit::Indicator {
        key: i.key.clone(),
        name: i.name.clone(),
        max_score: i.max_score,
        measure: i.measure.map(|m| m.label().to_owned()),
    };
    wit::RatingScheme {
        key: s.key.clone(),
        version: Some(s.version),
        name: s.name.clone(),
        subject_kind: code(&s.subject_kind),
        indicators: s.indicators.iter().map(indicator).collect(),
        bonus: s.bonus.iter().map(indicator).collect(),
        bands: s.bands.iter().map(|b| wit::StarBand { min_score: b.min_score, stars: b.stars }).collect(),
        quotas: s.quotas.iter().map(|q| wit::Quota { stars: q.stars, max_percent: q.max_percent }).collect(),
    }
}

/// A rating scheme as a template provides it, back to the domain (stored by the host).
pub fn scheme_from(s: &wit::RatingScheme, source: &str) -> Option<domain::RatingScheme> {
    let subject_kind = serde_json::from_value(serde_json::Value::String(s.subject_kind.clone())).ok()?;
    let indicator = |i: &wit::Indicator| domain::Indicator {
        key: i.key.clone(),
        name: i.name.clone(),
        max_score: i.max_score,
        measure: None,
    };
    Some(domain::RatingScheme {
        key: s.key.clone(),
        version: 1,
        name: s.name.clone(),
        source: source.to_owned(),
        subject_kind,
        indicators: s.indicators.iter().map(indicator).collect(),
        bonus: s.bonus.iter().map(indicator).collect(),
        bands: s.bands.iter().map(|b| domain::StarBand { min_score: b.min_score, stars: b.stars }).collect(),
        quotas: s.quotas.iter().map(|q| domain::Quota { stars: q.stars, max_percent: q.max_percent }).collect(),
    })
}

/// A star rating of `subject` on its year's board under the sheet with key `scheme_key`: the
/// stars, rank, move and next star as the host reckons them.
pub fn star_rating(
    row: &zhibu_core::services::rating::BoardRow,
    scheme_key: &str,
    subject: &domain::RatingSubject,
) -> wit::StarRating {
    let r = &row.record;
    wit::StarRating {
        scheme: scheme_key.to_owned(),
        year: r.year,
        subject_name: subject.name.clone(),
        subject_org: subject.org.map(|o| o.0),
        subject_member: subject.member.map(|m| m.0),
        scores: r.scores.iter().map(|s| wit::Score { key: s.key.clone(), points: s.score }).collect(),
        subject_kind: code(&subject.kind),
        subject_kind_label: subject.kind.label().to_owned(),
        rated_by: subject.branch.0,
        total: row.total,
        stars: row.stars,
        last_year_stars: row.last_year,
        move_label: row.movement.label(),
        rank: row.rank,
        tied: row.tied,
        beyond_quota: row.beyond_quota,
        next_star: row.next.as_ref().map(|n| wit::NextStar {
            stars: n.stars,
            points_needed: n.points_needed,
            gaps: n
                .gaps
                .iter()
                .map(|g| wit::Gap { key: g.key.clone(), name: g.name.clone(), score: g.score, max: g.max, gap: g.gap })
                .collect(),
        }),
    }
}

/// One quota checked under the sheet `scheme_key`.
pub fn quota_check(q: &domain::QuotaCheck, scheme_key: &str) -> wit::QuotaCheck {
    wit::QuotaCheck {
        scheme: scheme_key.to_owned(),
        stars: q.stars,
        max_percent: q.max_percent,
        allowed: q.allowed,
        count: q.count,
    }
}

/// A member's dues for the year.
pub fn member_dues(d: &zhibu_core::services::dues::MemberDues) -> wit::MemberDues {
    let months = |list: &[domain::YearMonth]| list.iter().map(ToString::to_string).collect();
    wit::MemberDues {
        member: d.member.0,
        category: d.base.as_ref().map(|b| b.category.label().to_owned()),
        monthly: d.base.as_ref().map(|b| b.monthly),
        base_confirmed: d.base_confirmed,
        due_months: months(&d.status.due),
        settled_months: months(&d.status.settled),
        owed_months: months(&d.status.owed),
        owed: d.status.owed_fen,
        paid: d.status.paid_fen,
        payments: d
            .payments
            .iter()
            .map(|p| wit::DuesPayment {
                from_month: p.record.from.to_string(),
                to_month: p.record.to.to_string(),
                amount: p.record.amount,
                paid_on: Some(p.record.paid_on.to_string()),
                method: code(&p.record.method),
                method_label: p.record.method.label().to_owned(),
                note: p.record.note.clone(),
            })
            .collect(),
        flag: d.flag.clone(),
    }
}

/// A registered volunteer (the phone masked unless the user confirmed the template may see it).
pub fn volunteer(
    v: &Stored<domain::VolunteerId, domain::Volunteer>,
    team: Option<&str>,
    unmasked: bool,
) -> wit::Volunteer {
    let r = &v.record;
    wit::Volunteer {
        id: v.id.0,
        branch: r.branch.0,
        name: r.name.clone(),
        kind: code(&r.kind),
        kind_label: r.kind.label().to_owned(),
        unit: r.unit.clone(),
        team: team.map(str::to_owned),
        phone: r.phone.as_ref().map(|p| if unmasked { p.as_str().to_owned() } else { p.masked() }),
        registered_on: r.registered_on.map(|d| d.to_string()),
    }
}

/// A volunteer activity.
pub fn volunteer_activity(a: &Stored<domain::ActivityId, domain::VolunteerActivity>) -> wit::VolunteerActivity {
    let r = &a.record;
    wit::VolunteerActivity {
        id: a.id.0,
        title: r.title.clone(),
        category: r.category.label().to_owned(),
        date: r.date.to_string(),
        starts: r.starts.format("%H:%M").to_string(),
        ends: r.ends.format("%H:%M").to_string(),
        place: r.place.clone(),
        organiser: r.organiser.clone(),
        description: r.description.clone(),
        participants: r.participants.iter().map(|p| wit::Participant { member: p.member.0, hours: p.hours }).collect(),
        volunteers: r
            .volunteers
            .iter()
            .map(|v| wit::VolunteerHours { volunteer: v.volunteer.0, hours: v.hours })
            .collect(),
    }
}
