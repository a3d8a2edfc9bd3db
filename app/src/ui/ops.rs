//! Corrections the screens ask for after a record's first save: organisations edited, moved,
//! dissolved or removed; terms entered and corrected; elections drafted, finalised and amended;
//! final meetings amended; evaluations and activities edited and deleted; a delete undone from
//! the trash. Each [`Op`] is one store transaction run by the worker; the UI only builds them.

use zhibu_core::domain::{
    ActivityId, AppraisalId, CommitteeTerm, DuesBase, DuesBaseId, DuesPayment, DutyReview, Election, ElectionId,
    Meeting, MeetingId, MemberAppraisal, OrgId, Organization, PaymentId, RatingId, RatingScheme, RatingSubject,
    ReviewId, SchemeId, StarRating, SubjectId, TermId, VolunteerActivity,
};
use zhibu_core::rules::RuleSet;
use zhibu_core::services::overview::Touched;
use zhibu_core::store::{Store, StoreError};

/// One correction.
#[derive(Debug, Clone)]
pub enum Op {
    /// Rename, move, dissolve (a `dissolved_on` day) or take a dissolution back.
    UpdateOrganization(OrgId, Box<Organization>),
    /// Remove an organization entered by mistake (one with no records).
    DeleteOrganization(OrgId),
    /// Enter (`None`) or correct a committee term.
    SaveTerm(Option<TermId>, Box<CommitteeTerm>),
    /// Remove a term entered by mistake.
    DeleteTerm(TermId),
    /// Save an election draft (new when `None`).
    SaveElection(Option<ElectionId>, Box<Election>),
    /// Save the draft and finalise it: the old term closes, the new one opens.
    FinalizeElection(Option<ElectionId>, Box<Election>),
    /// Correct a final election with a reason.
    AmendElection(ElectionId, Box<Election>, String),
    /// Delete an election draft.
    DeleteElection(ElectionId),
    /// Correct a final meeting with a reason.
    AmendMeeting(MeetingId, Box<Meeting>, String),
    /// Correct a duty review.
    UpdateDutyReview(ReviewId, Box<DutyReview>),
    /// Delete a duty review.
    DeleteDutyReview(ReviewId),
    /// Correct an appraisal.
    UpdateAppraisal(AppraisalId, Box<MemberAppraisal>),
    /// Delete an appraisal.
    DeleteAppraisal(AppraisalId),
    /// Correct a star rating.
    UpdateStarRating(RatingId, Box<StarRating>),
    /// Delete a star rating.
    DeleteStarRating(RatingId),
    /// Register (`None`) or correct a rating subject.
    SaveSubject(Option<SubjectId>, Box<RatingSubject>),
    /// Remove a subject registered by mistake (one not rated).
    DeleteSubject(SubjectId),
    /// Define (`None`) or adjust an indicator sheet (a sheet with results gets a new version).
    SaveScheme(Option<SchemeId>, Box<RatingScheme>),
    /// Correct a volunteer activity.
    UpdateVolunteer(ActivityId, Box<VolunteerActivity>),
    /// Delete a volunteer activity.
    DeleteVolunteer(ActivityId),
    /// Register (`None`) or correct a volunteer who is not a member.
    SaveVolunteerPerson(Option<zhibu_core::domain::VolunteerId>, Box<zhibu_core::domain::Volunteer>),
    /// Remove a volunteer registered by mistake.
    DeleteVolunteerPerson(zhibu_core::domain::VolunteerId),
    /// Create a service team.
    SaveTeam(Option<zhibu_core::domain::TeamId>, Box<zhibu_core::domain::ServiceTeam>),
    /// Remove a service team with no volunteers.
    DeleteTeam(zhibu_core::domain::TeamId),
    /// Confirm (or correct) a member's dues base for a year.
    SaveDuesBase(Box<DuesBase>),
    /// Remove a dues base entered by mistake.
    DeleteDuesBase(DuesBaseId),
    /// Record (`None`) or correct a dues payment or exemption.
    SaveDuesPayment(Option<PaymentId>, Box<DuesPayment>),
    /// Remove a dues payment entered by mistake.
    DeleteDuesPayment(PaymentId),
    /// Undo a delete: bring trash row `id` back.
    Restore(i64),
}

/// Which form an operation finished, so the screen can close or refresh it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// The organisation form.
    Organization,
    /// The term form.
    Term,
    /// The election editor, now showing this election.
    Election(ElectionId),
    /// The meeting editor, now showing this meeting.
    Meeting(MeetingId),
    /// A duty review.
    DutyReview,
    /// An appraisal.
    Appraisal,
    /// A star rating.
    StarRating,
    /// The rating subject form.
    Subject,
    /// The sheet editor, now showing this sheet version.
    Scheme(SchemeId),
    /// A volunteer activity.
    Volunteer,
    /// The dues screen's forms.
    Dues,
    /// The volunteer register's forms.
    Register,
    /// The trash (a record came back).
    Restored,
}

/// What an operation did.
#[derive(Debug, Clone)]
pub struct OpDone {
    /// The status-bar message.
    pub message: String,
    /// What to read again.
    pub touched: Touched,
    /// The form it finished.
    pub form: Form,
    /// A delete: what it removed (undo takes the newest trash row).
    pub deleted: Option<String>,
}

impl Op {
    /// Runs the operation in one transaction.
    pub fn run(&self, store: &mut Store, rules: &RuleSet) -> Result<OpDone, StoreError> {
        let done = |message: String, touched, form| OpDone { message, touched, form, deleted: None };
        let deleted = |what: String, touched, form| OpDone {
            message: format!("已删除：{what}（Ctrl+Z 撤销）"),
            touched,
            form,
            deleted: Some(what),
        };
        Ok(match self {
            Self::UpdateOrganization(id, org) => {
                store.write(|w| w.update_organization(*id, org))?;
                let what = match org.dissolved_on {
                    Some(day) => format!("已撤销：{}（{day}），其记录照常保留", org.name),
                    None => format!("已保存组织：{}", org.name),
                };
                done(what, Touched::Organizations, Form::Organization)
            }
            Self::DeleteOrganization(id) => {
                let org = store.write(|w| w.delete_organization(*id))?;
                deleted(org.name, Touched::Organizations, Form::Organization)
            }
            Self::SaveTerm(id, term) => {
                store.write(|w| match id {
                    Some(id) => w.update_term(*id, term),
                    None => w.create_term(term).map(|_| ()),
                })?;
                done(format!("已保存第{}届支部委员会", term.number), Touched::Organizations, Form::Term)
            }
            Self::DeleteTerm(id) => {
                let term = store.write(|w| w.delete_term(*id))?;
                deleted(format!("第{}届", term.number), Touched::Organizations, Form::Term)
            }
            Self::SaveElection(id, election) => {
                let id = store.write(|w| match id {
                    Some(id) => w.update_election(*id, election).map(|()| *id),
                    None => w.create_election(election),
                })?;
                let text = format!("已保存第{}届换届选举（草稿）", election.term_number);
                done(text, Touched::Organizations, Form::Election(id))
            }
            Self::FinalizeElection(id, election) => {
                let id = store.write(|w| {
                    let id = match id {
                        Some(id) => w.update_election(*id, election).map(|()| *id)?,
                        None => w.create_election(election)?,
                    };
                    w.finalize_election(id, rules.election_rules())?;
                    Ok::<_, StoreError>(id)
                })?;
                let text = format!("已定稿：第{}届支部委员会产生，上一届任期结束", election.term_number);
                done(text, Touched::Organizations, Form::Election(id))
            }
            Self::AmendElection(id, election, reason) => {
                let revision = store.write(|w| w.amend_election(*id, election, reason, rules.election_rules()))?;
                let text = format!("已更正第{}届换届选举（第{revision}次更正，原记录已保留）", election.term_number);
                done(text, Touched::Organizations, Form::Election(*id))
            }
            Self::DeleteElection(id) => {
                let election = store.write(|w| w.delete_election(*id))?;
                deleted(format!("第{}届换届选举", election.term_number), Touched::Organizations, Form::Organization)
            }
            Self::AmendMeeting(id, meeting, reason) => {
                let revision = store.write(|w| w.amend_meeting(*id, meeting, reason))?;
                let text = format!("已更正：{}（第{revision}次更正，原记录已保留）", meeting.title);
                done(text, Touched::Meetings(meeting.branch), Form::Meeting(*id))
            }
            Self::UpdateDutyReview(id, review) => {
                store.write(|w| w.update_duty_review(*id, review))?;
                done("已保存述职评议的修改".into(), Touched::DutyReviews, Form::DutyReview)
            }
            Self::DeleteDutyReview(id) => {
                let review = store.write(|w| w.delete_duty_review(*id))?;
                deleted(format!("{}年度述职评议", review.year), Touched::DutyReviews, Form::DutyReview)
            }
            Self::UpdateAppraisal(id, appraisal) => {
                store.write(|w| w.update_appraisal(*id, appraisal))?;
                done("已保存民主评议的修改".into(), Touched::Appraisals, Form::Appraisal)
            }
            Self::DeleteAppraisal(id) => {
                let appraisal = store.write(|w| w.delete_appraisal(*id))?;
                deleted(format!("{}年度民主评议结果", appraisal.year), Touched::Appraisals, Form::Appraisal)
            }
            Self::UpdateStarRating(id, rating) => {
                store.write(|w| w.update_star_rating(*id, rating))?;
                let name = store.subject(rating.subject)?.name;
                done(format!("已保存星级评定的修改：{name}"), Touched::Ratings, Form::StarRating)
            }
            Self::DeleteStarRating(id) => {
                let rating = store.write(|w| w.delete_star_rating(*id))?;
                let name = store.subject(rating.subject)?.name;
                deleted(format!("星级评定：{}年度{name}", rating.year), Touched::Ratings, Form::StarRating)
            }
            Self::SaveSubject(id, subject) => {
                match id {
                    Some(id) => store.write(|w| w.update_subject(*id, subject))?,
                    None => drop(store.write(|w| w.create_subject(subject))?),
                }
                done(format!("已登记评定对象：{}", subject.name.trim()), Touched::Ratings, Form::Subject)
            }
            Self::DeleteSubject(id) => {
                let subject = store.write(|w| w.delete_subject(*id))?;
                deleted(format!("评定对象：{}", subject.name), Touched::Ratings, Form::Subject)
            }
            Self::SaveScheme(id, scheme) => {
                let (now, message) = match id {
                    Some(id) => {
                        let now = store.write(|w| w.revise_rating_scheme(*id, scheme))?;
                        let version = store.rating_scheme(now)?.version;
                        let message = if now == *id {
                            format!("已修改评定指标：{}", scheme.name.trim())
                        } else {
                            format!(
                                "原指标已有评定结果，已存为第{version}版：{}（原结果仍按原版本）",
                                scheme.name.trim()
                            )
                        };
                        (now, message)
                    }
                    None => {
                        let now = store.write(|w| w.create_rating_scheme(scheme))?;
                        (now, format!("已新建评定指标：{}", scheme.name.trim()))
                    }
                };
                done(message, Touched::Ratings, Form::Scheme(now))
            }
            Self::UpdateVolunteer(id, activity) => {
                store.write(|w| w.update_volunteer_activity(*id, activity))?;
                done(format!("已保存志愿服务的修改：{}", activity.title), Touched::Volunteer, Form::Volunteer)
            }
            Self::DeleteVolunteer(id) => {
                let activity = store.write(|w| w.delete_volunteer_activity(*id))?;
                deleted(format!("志愿服务：{}", activity.title), Touched::Volunteer, Form::Volunteer)
            }
            Self::SaveVolunteerPerson(id, volunteer) => {
                match id {
                    Some(id) => store.write(|w| w.update_volunteer(*id, volunteer))?,
                    None => drop(store.write(|w| w.create_volunteer(volunteer))?),
                }
                done(format!("已登记志愿者：{}", volunteer.name.trim()), Touched::Volunteer, Form::Register)
            }
            Self::DeleteVolunteerPerson(id) => {
                let volunteer = store.write(|w| w.delete_volunteer(*id))?;
                deleted(format!("志愿者：{}", volunteer.name), Touched::Volunteer, Form::Register)
            }
            Self::SaveTeam(id, team) => match id {
                Some(id) => {
                    store.write(|w| w.update_team(*id, team))?;
                    done(format!("已修改服务队：{}", team.name.trim()), Touched::Volunteer, Form::Register)
                }
                None => {
                    store.write(|w| w.create_team(team))?;
                    done(format!("已添加服务队：{}", team.name.trim()), Touched::Volunteer, Form::Register)
                }
            },
            Self::DeleteTeam(id) => {
                let team = store.write(|w| w.delete_team(*id))?;
                deleted(format!("服务队：{}", team.name), Touched::Volunteer, Form::Register)
            }
            Self::SaveDuesBase(base) => {
                let branch = store.member(base.member)?.branch;
                store.write(|w| w.save_dues_base(base, &rules.dues.rates))?;
                let text = format!("已确认{}年党费基数：每月{}元", base.year, zhibu_core::domain::yuan(base.monthly));
                done(text, Touched::Dues(branch), Form::Dues)
            }
            Self::DeleteDuesBase(id) => {
                let base = store.write(|w| w.delete_dues_base(*id))?;
                let branch = store.member(base.member)?.branch;
                deleted(format!("{}年党费基数", base.year), Touched::Dues(branch), Form::Dues)
            }
            Self::SaveDuesPayment(id, payment) => {
                let branch = store.member(payment.member)?.branch;
                match id {
                    Some(id) => store.write(|w| w.update_dues_payment(*id, payment))?,
                    None => drop(store.write(|w| w.create_dues_payment(payment))?),
                }
                let months = if payment.from == payment.to {
                    payment.from.label()
                } else {
                    format!("{}至{}", payment.from.label(), payment.to.label())
                };
                let text = match payment.method {
                    zhibu_core::domain::PaymentMethod::Exempt => format!("已记录免交：{months}"),
                    _ => format!("已记录党费：{months}，{}元", zhibu_core::domain::yuan(payment.amount)),
                };
                done(text, Touched::Dues(branch), Form::Dues)
            }
            Self::DeleteDuesPayment(id) => {
                let payment = store.write(|w| w.delete_dues_payment(*id))?;
                let branch = store.member(payment.member)?.branch;
                let what = format!("{}至{}的党费", payment.from.label(), payment.to.label());
                deleted(what, Touched::Dues(branch), Form::Dues)
            }
            Self::Restore(trash) => {
                let (kind, _, summary) = store.write(|w| w.restore_deleted(*trash))?;
                let label = zhibu_core::store::record_kind_label(&kind).to_owned();
                done(format!("已恢复{label}：{summary}"), Touched::All, Form::Restored)
            }
        })
    }
}
