//! 评议: duty reviews with ballot entry (the total checked against ballots returned, live),
//! member appraisals (个人自评 → 民主测评 ballots → 支部评定, with the member's year beside the form
//! and the grade the rules suggest; deciding otherwise needs a reason), and the star-rating tab ([`super::ratings`]). A saved one is corrected by loading it back into
//! its form (修改) or removed (删除, undoable).

use super::command::Command;
use super::ops::Op;
use super::widgets::{self, field_ui, multiline_ui};
use super::workspace::{Data, Workspace};
use egui::Ui;
use zhibu_core::domain::{
    AppraisalGrade, AppraisalId, AppraisalVotes, BallotTally, DutyReview, MemberAppraisal, MemberId, OrgId,
    ReportSection, ReviewGrade, ReviewId,
};
use zhibu_core::rules::{RuleSet, review_grade};
use zhibu_core::services::profile::{MemberProfile, YearRecords, profile};

/// The parts of a duty report, in the order the template prints them (it finds each by its heading).
pub const SECTIONS: [&str; 4] = ["履行第一责任人职责情况", "主要工作及成效", "存在问题及原因", "下一步打算"];

/// Which part of the screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// 述职评议.
    #[default]
    Duty,
    /// 民主评议党员.
    Appraisal,
    /// 星级评定.
    Stars,
}

/// The review screen's state.
#[derive(Default)]
pub struct State {
    /// The tab shown.
    pub tab: Tab,
    /// Duty review form: branch, subject, ballots, expected, returned, overall grade, comment.
    pub branch: Option<OrgId>,
    /// The secretary reviewed.
    pub subject: Option<MemberId>,
    /// 好 / 较好 / 一般 / 差 ballots.
    pub ballots: [u32; 4],
    /// 应参评人数.
    pub expected: u32,
    /// 实参评人数.
    pub returned: u32,
    /// 综合评定.
    pub grade: Option<ReviewGrade>,
    /// 上级点评.
    pub comment: String,
    /// The four parts of the secretary's report, by [`SECTIONS`].
    pub sections: [String; 4],
    /// Appraisal form.
    pub appraisal_member: Option<MemberId>,
    /// Appraisal grade.
    pub appraisal_grade: Option<AppraisalGrade>,
    /// 个人自评.
    pub self_assessment: String,
    /// 民主测评 ballots: 优秀, 合格, 基本合格, 不合格.
    pub appraisal_votes: [u32; 4],
    /// Why the branch decides otherwise than suggested.
    pub appraisal_reason: String,
    /// The star-rating tab.
    pub stars: super::ratings::State,
    /// Why the last form was refused.
    pub error: Option<String>,
    /// The saved duty review the form corrects.
    pub editing_review: Option<ReviewId>,
    /// The saved appraisal the form corrects.
    pub editing_appraisal: Option<AppraisalId>,
}

impl State {
    /// After a save or correction: clear the forms.
    pub fn saved(&mut self) {
        self.ballots = [0; 4];
        self.comment.clear();
        self.sections = Default::default();
        self.error = None;
        self.editing_review = None;
        self.editing_appraisal = None;
        self.appraisal_votes = [0; 4];
        self.appraisal_reason.clear();
    }

    /// Loads a saved duty review into the form.
    fn edit_review(&mut self, id: ReviewId, r: &DutyReview) {
        self.editing_review = Some(id);
        self.branch = Some(r.branch);
        self.subject = Some(r.subject);
        self.ballots = [r.ballots.excellent, r.ballots.good, r.ballots.fair, r.ballots.poor];
        self.expected = r.voters_expected;
        self.returned = r.voters_returned;
        self.grade = r.overall_grade;
        self.comment.clone_from(&r.higher_comment);
        for (heading, body) in SECTIONS.iter().zip(self.sections.iter_mut()) {
            *body = r.sections.iter().find(|s| s.heading == *heading).map(|s| s.body.clone()).unwrap_or_default();
        }
        self.error = None;
    }
}

/// Draws the review screen.
pub fn reviews_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let data = &workspace.data;
    let year = workspace.year;
    let rules = &workspace.rules;
    let state = &mut workspace.reviews;
    ui.horizontal(|ui| {
        ui.selectable_value(&mut state.tab, Tab::Duty, "述职评议");
        ui.selectable_value(&mut state.tab, Tab::Appraisal, "民主评议党员");
        ui.selectable_value(&mut state.tab, Tab::Stars, "星级评定");
    });
    ui.separator();
    egui::ScrollArea::vertical().id_salt("reviews").show(ui, |ui| match state.tab {
        Tab::Duty => duty_ui(ui, state, data, rules, year, commands),
        Tab::Appraisal => appraisal_ui(ui, state, data, rules, year, commands),
        Tab::Stars => super::ratings::stars_ui(ui, &mut state.stars, data, year, commands),
    });
}

fn duty_ui(ui: &mut Ui, state: &mut State, data: &Data, rules: &RuleSet, year: i32, commands: &mut Vec<Command>) {
    ui.heading(format!("{year}年度 党支部书记抓基层党建述职评议"));
    egui::Grid::new("duty-list").striped(true).show(ui, |ui| {
        for title in ["支部", "述职人", "好", "较好", "一般", "差", "应参评/实参评", "综合评定", ""]
        {
            ui.strong(title);
        }
        ui.end_row();
        for review in &data.duty_reviews {
            let r = &review.record;
            ui.label(data.org_name(r.branch));
            let name = data.member_name(r.subject);
            ui.label(&name);
            for grade in ReviewGrade::ALL {
                ui.label(r.ballots.count(grade).to_string());
            }
            ui.label(format!("{}/{}", r.voters_expected, r.voters_returned));
            // A stored grade the ballots do not point to is marked, not recomputed.
            let (pointed, _) = review_grade(&r.ballots, &rules.duty_review);
            match r.overall_grade {
                Some(grade) if grade != pointed => {
                    ui.label(format!("{} ⚠", grade.label()))
                        .on_hover_text(format!("测评票数指向“{}”，请核实", pointed.label()));
                }
                Some(grade) => {
                    ui.label(grade.label());
                }
                None => {
                    ui.label("—");
                }
            }
            ui.horizontal(|ui| {
                if ui.small_button("修改").on_hover_text(format!("修改{name}的述职评议")).clicked() {
                    state.edit_review(review.id, r);
                }
                if ui.small_button("删除").on_hover_text(format!("删除{name}的述职评议")).clicked() {
                    commands.push(Command::Op(Op::DeleteDutyReview(review.id)));
                }
            });
            ui.end_row();
        }
    });
    ui.separator();
    match state.editing_review {
        Some(_) => {
            ui.horizontal(|ui| {
                ui.strong("修改已保存的述职评议");
                if ui.button("取消修改").clicked() {
                    state.saved();
                }
            });
        }
        None => {
            ui.strong("录入述职报告和评议票（述职评议报告由“报表”页生成）");
        }
    }
    egui::Grid::new("duty-form").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        let branches = data.branch_choices();
        widgets::choice_ui(ui, "支部", &mut state.branch, &branches);
        let members = data.member_choices(state.branch);
        widgets::choice_ui(ui, "述职人", &mut state.subject, &members);
        let label = ui.label("应参评人数");
        ui.add(egui::DragValue::new(&mut state.expected).range(0..=10_000)).labelled_by(label.id);
        ui.end_row();
        let label = ui.label("实参评人数（收回票数）");
        ui.add(egui::DragValue::new(&mut state.returned).range(0..=10_000)).labelled_by(label.id);
        ui.end_row();
        for (i, grade) in ReviewGrade::ALL.iter().enumerate() {
            let label = ui.label(format!("“{}”票", grade.label()));
            ui.add(egui::DragValue::new(&mut state.ballots[i]).range(0..=10_000)).labelled_by(label.id);
            ui.end_row();
        }
        let mut grades = vec![(None, "（未评定）".to_owned())];
        grades.extend(ReviewGrade::ALL.iter().map(|g| (Some(*g), g.label().to_owned())));
        widgets::choice_ui(ui, "综合评定", &mut state.grade, &grades);
        let [excellent, good, fair, poor] = state.ballots;
        let (pointed, words) = review_grade(&BallotTally { excellent, good, fair, poor }, &rules.duty_review);
        ui.label("测评票数指向");
        ui.label(format!("“{}”", pointed.label())).on_hover_text(words);
        ui.end_row();
        multiline_ui(ui, "上级点评", &mut state.comment);
        for (heading, body) in SECTIONS.iter().zip(state.sections.iter_mut()) {
            multiline_ui(ui, heading, body);
        }
    });
    let total: u32 = state.ballots.iter().sum();
    let check = if state.returned > state.expected {
        Err(format!("实参评人数 {} 超过应参评人数 {}", state.returned, state.expected))
    } else if total > state.returned {
        Err(format!("有效票合计 {total} 超过收回票数 {}，请核对", state.returned))
    } else {
        Ok(format!("有效票合计 {total}，收回 {}，废票或弃权 {}", state.returned, state.returned - total))
    };
    match &check {
        Ok(text) => {
            ui.label(text);
        }
        Err(text) => widgets::error_text_ui(ui, text),
    }
    let [excellent, good, fair, poor] = state.ballots;
    let (pointed, _) = review_grade(&BallotTally { excellent, good, fair, poor }, &rules.duty_review);
    if let Some(grade) = state.grade.filter(|g| *g != pointed && total > 0) {
        widgets::warning_text_ui(
            ui,
            &format!(
                "综合评定“{}”与测评票数指向的“{}”不同：可以这样保存，报告照录，请核实",
                grade.label(),
                pointed.label()
            ),
        );
    }
    if let Some(error) = &state.error {
        widgets::error_text_ui(ui, error);
    }
    let button = if state.editing_review.is_some() { "保存述职评议的修改" } else { "保存述职评议" };
    if ui.add_enabled(check.is_ok(), egui::Button::new(button)).clicked() {
        match (state.branch, state.subject) {
            (Some(branch), Some(subject)) => {
                let review = DutyReview {
                    year,
                    branch,
                    subject,
                    held_on: None,
                    sections: SECTIONS
                        .iter()
                        .zip(&state.sections)
                        .filter(|(_, body)| !body.trim().is_empty())
                        .map(|(heading, body)| ReportSection {
                            heading: (*heading).to_owned(),
                            body: body.trim().to_owned(),
                        })
                        .collect(),
                    ballots: BallotTally {
                        excellent: state.ballots[0],
                        good: state.ballots[1],
                        fair: state.ballots[2],
                        poor: state.ballots[3],
                    },
                    voters_expected: state.expected,
                    voters_returned: state.returned,
                    higher_comment: state.comment.trim().to_owned(),
                    overall_grade: state.grade,
                };
                match (review.validate(), state.editing_review) {
                    (Ok(()), Some(id)) => commands.push(Command::Op(Op::UpdateDutyReview(id, Box::new(review)))),
                    (Ok(()), None) => commands.push(Command::SaveDutyReview(Box::new(review))),
                    (Err(error), _) => state.error = Some(error.to_string()),
                }
            }
            _ => state.error = Some("请选择支部和述职人".into()),
        }
    }
}

fn appraisal_ui(ui: &mut Ui, state: &mut State, data: &Data, rules: &RuleSet, year: i32, commands: &mut Vec<Command>) {
    ui.heading(format!("{year}年度 民主评议党员"));
    let mut counts = [0usize; 4];
    for appraisal in &data.appraisals {
        counts[appraisal.record.grade as usize] += 1;
    }
    ui.label(format!(
        "已评定 {} 人：优秀 {}，合格 {}，基本合格 {}，不合格 {}",
        data.appraisals.len(),
        counts[0],
        counts[1],
        counts[2],
        counts[3]
    ));
    ui.separator();
    if let Some(branch) = state.branch {
        egui::Grid::new("appraisal-list").striped(true).show(ui, |ui| {
            for appraisal in &data.appraisals {
                let a = &appraisal.record;
                if !data.members.iter().any(|m| m.id == a.member && m.record.branch == branch) {
                    continue;
                }
                let name = data.member_name(a.member);
                ui.label(&name);
                ui.label(a.grade.label());
                if ui.small_button("修改").on_hover_text(format!("修改{name}的评议结果")).clicked() {
                    state.editing_appraisal = Some(appraisal.id);
                    state.appraisal_member = Some(a.member);
                    state.appraisal_grade = Some(a.grade);
                    state.self_assessment.clone_from(&a.self_assessment);
                    let v = a.votes;
                    state.appraisal_votes = [v.outstanding, v.qualified, v.basically_qualified, v.unqualified];
                    state.appraisal_reason.clone_from(&a.reason);
                }
                if ui.small_button("删除").on_hover_text(format!("删除{name}的评议结果")).clicked() {
                    commands.push(Command::Op(Op::DeleteAppraisal(appraisal.id)));
                }
                ui.end_row();
            }
        });
        ui.separator();
    }
    egui::Grid::new("appraisal-form").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        let branches = data.branch_choices();
        widgets::choice_ui(ui, "支部", &mut state.branch, &branches);
        let members = data.member_choices(state.branch);
        widgets::choice_ui(ui, "党员", &mut state.appraisal_member, &members);
        multiline_ui(ui, "个人自评", &mut state.self_assessment);
    });
    let Some(member) = state.appraisal_member.and_then(|id| data.members.iter().find(|m| m.id == id)) else {
        ui.label("选择党员后，这里显示其本年度的出席、志愿服务、党费和预警，并按民主测评票数给出建议等次。");
        return;
    };
    let profile = member_profile(data, member.id, &member.record, year);
    profile_ui(ui, &profile);
    ui.strong("民主测评（票数）");
    ui.horizontal(|ui| {
        for (grade, votes) in AppraisalGrade::ALL.iter().zip(state.appraisal_votes.iter_mut()) {
            widgets::number_ui(ui, &format!("“{}”票", grade.label()), votes);
        }
    });
    let [outstanding, qualified, basically_qualified, unqualified] = state.appraisal_votes;
    let votes = AppraisalVotes { outstanding, qualified, basically_qualified, unqualified };
    let suggestion = profile.suggest(&votes, rules);
    ui.label(format!("建议评定：{}", suggestion.grade.label()));
    for reason in &suggestion.reasons {
        ui.small(format!("· {reason}"));
    }
    egui::Grid::new("appraisal-decision").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        let grades = AppraisalGrade::ALL.map(|g| (Some(g), g.label().to_owned()));
        widgets::choice_ui(ui, "评定结果", &mut state.appraisal_grade, &grades);
        if state.appraisal_grade.is_some_and(|g| g != suggestion.grade) {
            field_ui(ui, "评定理由（与建议不同时必填）", &mut state.appraisal_reason);
        }
    });
    let button = if state.editing_appraisal.is_some() { "保存评议结果的修改" } else { "保存民主评议" };
    if ui.button(button).clicked() {
        let grade = state.appraisal_grade.unwrap_or(suggestion.grade);
        let differs = grade != suggestion.grade;
        let appraisal = MemberAppraisal {
            year,
            member: member.id,
            self_assessment: state.self_assessment.trim().to_owned(),
            votes,
            grade,
            suggested: Some(suggestion.grade),
            reason: if differs { state.appraisal_reason.trim().to_owned() } else { String::new() },
        };
        match appraisal.validate() {
            Ok(()) => {
                state.self_assessment.clear();
                commands.push(match state.editing_appraisal.take() {
                    Some(id) => Command::Op(Op::UpdateAppraisal(id, Box::new(appraisal))),
                    None => Command::SaveAppraisal(Box::new(appraisal)),
                });
            }
            Err(error) => state.error = Some(error.to_string()),
        }
    }
    if let Some(error) = &state.error {
        widgets::error_text_ui(ui, error);
    }
}

/// A member's year from what the window has loaded (the year's meetings, activities, dues and
/// the branch's compliance findings).
fn member_profile(data: &Data, id: MemberId, member: &zhibu_core::domain::Member, year: i32) -> MemberProfile {
    let findings: Vec<zhibu_core::rules::Finding> = data
        .compliance
        .iter()
        .flat_map(|c| &c.branches)
        .filter(|b| b.branch == member.branch)
        .flat_map(|b| b.findings.iter().cloned())
        .collect();
    let records = YearRecords {
        year,
        as_of: data.today,
        meetings: &data.meetings,
        activities: &data.volunteer,
        dues_bases: &data.dues_bases,
        dues_payments: &data.dues_payments,
        findings: &findings,
    };
    profile(id, member, &records)
}

/// The member's year beside the form.
fn profile_ui(ui: &mut Ui, p: &MemberProfile) {
    ui.strong("本年度情况");
    let rate = p.attendance_rate().map_or_else(|| "—".to_owned(), |r| format!("{r:.1}%"));
    for flag in &p.flags {
        widgets::warning_text_ui(ui, &format!("{}（{}）", flag.message, flag.clause));
    }
    ui.label(format!("组织生活：应参加 {} 次，出席 {} 次，出席率 {rate}", p.expected, p.present));
    if !p.missed.is_empty() {
        // A long list would push the ballots off the screen: open only when short.
        egui::CollapsingHeader::new(format!("未出席的 {} 次会议", p.missed.len()))
            .default_open(p.missed.len() <= 4)
            .show(ui, |ui| {
                for missed in &p.missed {
                    ui.small(format!("· {} {}：{}", missed.date.format("%Y-%m-%d"), missed.title, missed.why));
                }
            });
    }
    ui.label(format!("志愿服务：{} 次，{:.1} 小时", p.activities, p.hours));
    let dues = if p.dues.due.is_empty() {
        "党费：未确认基数".to_owned()
    } else {
        format!(
            "党费：应交 {} 个月，已交（含免交）{} 个月，欠缴 {} 个月 {} 元",
            p.dues.due.len(),
            p.dues.settled.len(),
            p.dues.owed.len(),
            zhibu_core::domain::yuan(p.dues.owed_fen)
        )
    };
    ui.label(dues);
}
