//! 换届选举 editor: the higher committee's approval to start, who should vote and who came, the
//! candidates with their ballots and posts, the approval of the result; the 选举工作条例 checks
//! (4/5 quorum, 差额, more than half of those who should attend, ties) recomputed live from what
//! is typed; save a draft, finalise (the old term closes, the new one opens) or, once final,
//! correct it with a reason.

use super::command::Command;
use super::members::parse_date;
use super::ops::Op;
use super::orgs::ROLES;
use super::widgets::{self, hinted_field_ui};
use super::workspace::Data;
use egui::Ui;
use zhibu_core::domain::{
    Candidate, CommitteeRole, Election, ElectionId, MeetingStatus, MemberId, OrgId, Voter, Votes,
};
use zhibu_core::rules::RuleSet;

/// One candidate row as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRow {
    /// The member.
    pub member: Option<MemberId>,
    /// 赞成.
    pub yes: u32,
    /// 反对.
    pub no: u32,
    /// 弃权.
    pub abstain: u32,
    /// The post in the new committee.
    pub role: Option<CommitteeRole>,
}

/// One voter row: a member of the organization, whether they should attend and whether they came.
#[derive(Debug, Clone, PartialEq)]
pub struct VoterRow {
    /// The member.
    pub member: MemberId,
    /// Their name.
    pub name: String,
    /// 应到 (has the right to vote and is expected).
    pub expected: bool,
    /// 实到.
    pub present: bool,
}

/// The election editor's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ElectionEditor {
    /// The election edited, or None for a new one.
    pub id: Option<ElectionId>,
    /// Draft or final (final: corrected only with a reason).
    pub status: MeetingStatus,
    /// The organization.
    pub org: OrgId,
    /// 第N届 elected.
    pub term_number: u32,
    /// 请示日期.
    pub requested_on: String,
    /// 批复日期.
    pub approved_on: String,
    /// 批复文号.
    pub approval_ref: String,
    /// 选举日期.
    pub held_on: String,
    /// 地点.
    pub place: String,
    /// 应选名额.
    pub seats: u32,
    /// The organization's members.
    pub voters: Vec<VoterRow>,
    /// Candidates.
    pub candidates: Vec<CandidateRow>,
    /// 选举结果批复日期.
    pub result_approved_on: String,
    /// 结果批复文号.
    pub result_approval_ref: String,
    /// The record's linked meeting, kept as it was.
    pub meeting: Option<zhibu_core::domain::MeetingId>,
    /// 更正原因 (a final election).
    pub reason: String,
    /// Finalising waits for confirmation.
    pub confirm_finalize: bool,
    /// Why the last save was refused.
    pub error: Option<String>,
    /// A final election's corrections, oldest first (read when it is opened or corrected).
    pub history: Vec<zhibu_core::store::RecordAmendment>,
}

impl ElectionEditor {
    /// A new election for `org`: the next term, its full members expected and present.
    pub fn new(org: OrgId, data: &Data) -> Self {
        let next = data.terms.get(&org).and_then(|t| t.iter().map(|t| t.record.number).max()).unwrap_or(0) + 1;
        let today = data.today;
        let mut editor = Self {
            id: None,
            status: MeetingStatus::Draft,
            org,
            term_number: next,
            requested_on: String::new(),
            approved_on: String::new(),
            approval_ref: String::new(),
            held_on: today.to_string(),
            place: String::new(),
            seats: 3,
            voters: Vec::new(),
            candidates: Vec::new(),
            result_approved_on: String::new(),
            result_approval_ref: String::new(),
            meeting: None,
            reason: String::new(),
            confirm_finalize: false,
            error: None,
            history: Vec::new(),
        };
        editor.voters = data
            .members
            .iter()
            .filter(|m| m.record.branch == org)
            .map(|m| {
                // Probationary members have no vote (党章第七条).
                let full = m.record.is_full_on(today);
                VoterRow { member: m.id, name: m.record.name.clone(), expected: full, present: full }
            })
            .collect();
        editor
    }

    /// The editor on a stored election.
    pub fn from_stored(id: ElectionId, election: &Election, data: &Data) -> Self {
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut voters: Vec<VoterRow> = election
            .voters
            .iter()
            .map(|v| VoterRow {
                member: v.member,
                name: data.member_name(v.member),
                expected: true,
                present: v.present,
            })
            .collect();
        for member in data.members.iter().filter(|m| m.record.branch == election.org) {
            if !voters.iter().any(|v| v.member == member.id) {
                voters.push(VoterRow {
                    member: member.id,
                    name: member.record.name.clone(),
                    expected: false,
                    present: false,
                });
            }
        }
        Self {
            id: Some(id),
            status: election.status,
            org: election.org,
            term_number: election.term_number,
            requested_on: date(election.requested_on),
            approved_on: date(election.approved_on),
            approval_ref: election.approval_ref.clone(),
            held_on: election.held_on.to_string(),
            place: election.place.clone(),
            seats: election.seats,
            voters,
            candidates: election
                .candidates
                .iter()
                .map(|c| CandidateRow {
                    member: Some(c.member),
                    yes: c.votes.yes,
                    no: c.votes.no,
                    abstain: c.votes.abstain,
                    role: c.role,
                })
                .collect(),
            result_approved_on: date(election.result_approved_on),
            result_approval_ref: election.result_approval_ref.clone(),
            meeting: election.meeting,
            reason: String::new(),
            confirm_finalize: false,
            error: None,
            history: Vec::new(),
        }
    }

    /// After a save: the editor now edits the stored record (finalised when it was).
    pub fn saved(&mut self, id: ElectionId) {
        self.id = Some(id);
        if self.confirm_finalize {
            self.status = MeetingStatus::Final;
        }
        self.confirm_finalize = false;
        self.reason.clear();
        self.error = None;
    }

    /// The record the editor describes, or the first problem in Chinese.
    pub fn to_election(&self) -> Result<Election, String> {
        let date = |field: &str, text: &str| {
            if text.trim().is_empty() { Ok(None) } else { parse_date(field, text).map(Some) }
        };
        let mut candidates = Vec::new();
        for (i, row) in self.candidates.iter().enumerate() {
            let member = row.member.ok_or_else(|| format!("候选人{}请选择党员", i + 1))?;
            candidates.push(Candidate {
                member,
                votes: Votes { yes: row.yes, no: row.no, abstain: row.abstain },
                role: row.role,
            });
        }
        let election = Election {
            org: self.org,
            term_number: self.term_number,
            requested_on: date("请示日期", &self.requested_on)?,
            approved_on: date("批复日期", &self.approved_on)?,
            approval_ref: self.approval_ref.trim().to_owned(),
            held_on: parse_date("选举日期", &self.held_on)?,
            place: self.place.trim().to_owned(),
            seats: self.seats,
            voters: self
                .voters
                .iter()
                .filter(|v| v.expected)
                .map(|v| Voter { member: v.member, present: v.present })
                .collect(),
            candidates,
            result_approved_on: date("选举结果批复日期", &self.result_approved_on)?,
            result_approval_ref: self.result_approval_ref.trim().to_owned(),
            meeting: self.meeting,
            status: self.status,
        };
        election.validate().map_err(|e| e.to_string())?;
        Ok(election)
    }
}

/// Draws the election editor; `close` returns to the organization screen.
pub fn editor_ui(
    ui: &mut Ui,
    editor: &mut ElectionEditor,
    data: &Data,
    rules: &RuleSet,
    commands: &mut Vec<Command>,
    close: &mut bool,
) {
    let final_record = editor.status == MeetingStatus::Final;
    ui.horizontal(|ui| {
        if ui.button("← 返回组织").clicked() {
            *close = true;
        }
        ui.heading(format!(
            "{}第{}届换届选举{}",
            data.org_name(editor.org),
            editor.term_number,
            if final_record { "（已定稿，修改须填写更正原因）" } else { "" }
        ));
    });
    ui.separator();
    egui::ScrollArea::vertical().id_salt("election-editor").show(ui, |ui| {
        ui.columns(2, |columns| {
            basics_ui(&mut columns[0], editor);
            voters_ui(&mut columns[1], editor);
        });
        ui.separator();
        candidates_ui(ui, editor, data);
        ui.separator();
        checks_ui(ui, editor, data, rules);
        if let Some(error) = &editor.error {
            widgets::error_text_ui(ui, error);
        }
        actions_ui(ui, editor, commands);
    });
}

fn basics_ui(ui: &mut Ui, editor: &mut ElectionEditor) {
    egui::Grid::new("election-basics").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        let label = ui.label("选举第几届");
        ui.add_enabled(editor.id.is_none(), egui::DragValue::new(&mut editor.term_number).range(1..=99))
            .labelled_by(label.id);
        ui.end_row();
        hinted_field_ui(ui, "请示日期", &mut editor.requested_on, "2026-03-01");
        hinted_field_ui(ui, "上级批复日期", &mut editor.approved_on, "2026-03-10");
        hinted_field_ui(ui, "批复文号", &mut editor.approval_ref, "街道党工委〔2026〕12号");
        hinted_field_ui(ui, "选举日期", &mut editor.held_on, "2026-03-25");
        hinted_field_ui(ui, "选举地点", &mut editor.place, "党群服务中心");
        let label = ui.label("应选名额");
        ui.add(egui::DragValue::new(&mut editor.seats).range(1..=7)).labelled_by(label.id);
        ui.end_row();
        hinted_field_ui(ui, "结果批复日期", &mut editor.result_approved_on, "2026-04-02");
        hinted_field_ui(ui, "结果批复文号", &mut editor.result_approval_ref, "");
    });
}

fn voters_ui(ui: &mut Ui, editor: &mut ElectionEditor) {
    let expected = editor.voters.iter().filter(|v| v.expected).count();
    let present = editor.voters.iter().filter(|v| v.expected && v.present).count();
    ui.strong(format!("有选举权的党员：应到 {expected} 人，实到 {present} 人"));
    egui::ScrollArea::vertical().id_salt("voters").max_height(300.0).show(ui, |ui| {
        egui::Grid::new("voters-grid").striped(true).num_columns(3).show(ui, |ui| {
            for (i, row) in editor.voters.iter_mut().enumerate() {
                ui.push_id(("voter", i), |ui| {
                    ui.label(&row.name);
                });
                ui.push_id(("voter-expected", i), |ui| {
                    ui.checkbox(&mut row.expected, "应到").on_hover_text(format!("{}：应到", row.name));
                });
                ui.push_id(("voter-present", i), |ui| {
                    ui.add_enabled(row.expected, egui::Checkbox::new(&mut row.present, "实到"))
                        .on_hover_text(format!("{}：实到", row.name));
                });
                ui.end_row();
            }
        });
    });
}

fn candidates_ui(ui: &mut Ui, editor: &mut ElectionEditor, data: &Data) {
    ui.strong("候选人与得票");
    let members = data.member_choices(Some(editor.org));
    let mut remove = None;
    for (i, row) in editor.candidates.iter_mut().enumerate() {
        ui.push_id(("candidate", i), |ui| {
            ui.horizontal(|ui| {
                let label = ui.label(format!("候选人{}", i + 1));
                let name =
                    members.iter().find(|(m, _)| *m == row.member).map_or("（请选择）", |(_, n)| n.as_str());
                egui::ComboBox::from_id_salt("candidate-member")
                    .selected_text(name)
                    .show_ui(ui, |ui| {
                        for (option, text) in &members {
                            ui.selectable_value(&mut row.member, *option, text);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                widgets::number_ui(ui, "赞成", &mut row.yes);
                widgets::number_ui(ui, "反对", &mut row.no);
                widgets::number_ui(ui, "弃权", &mut row.abstain);
                let label = ui.label("职务");
                egui::ComboBox::from_id_salt("candidate-role")
                    .selected_text(row.role.map_or("（未任职）", CommitteeRole::label))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut row.role, None, "（未任职）");
                        for role in ROLES {
                            ui.selectable_value(&mut row.role, Some(role), role.label());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if ui.small_button("删除").on_hover_text(format!("删除候选人{}", i + 1)).clicked() {
                    remove = Some(i);
                }
            });
        });
    }
    if let Some(i) = remove {
        editor.candidates.remove(i);
    }
    if ui.button("＋ 候选人").clicked() {
        editor.candidates.push(CandidateRow { member: None, yes: 0, no: 0, abstain: 0, role: None });
    }
}

/// The 选举工作条例 checks, recomputed every frame from what is typed.
fn checks_ui(ui: &mut Ui, editor: &ElectionEditor, data: &Data, rules: &RuleSet) {
    ui.strong("选举工作条例核对");
    match editor.to_election() {
        Ok(election) => {
            let name = |m: MemberId| data.member_name(m);
            let outcome = election.outcome();
            let elected: Vec<String> = outcome.elected.iter().map(|&m| name(m)).collect();
            ui.label(format!(
                "应到 {} 人，实到 {} 人；候选人 {} 名，应选 {} 名；当选：{}",
                election.should_attend(),
                election.present(),
                election.candidates.len(),
                election.seats,
                if elected.is_empty() { "（无）".to_owned() } else { elected.join("、") }
            ));
            let checks = election.checks(rules.election_rules(), &name);
            if checks.is_empty() {
                ui.colored_label(egui::Color32::from_rgb(0x2e, 0x8b, 0x57), "√ 符合选举工作条例，可以定稿");
            }
            for check in checks {
                let text = format!("{}（依据：{}）", check.message, rules.elections.clause);
                if check.blocking { widgets::error_text_ui(ui, &text) } else { widgets::warning_text_ui(ui, &text) }
            }
        }
        Err(problem) => widgets::warning_text_ui(ui, &format!("填写完整后核对：{problem}")),
    }
}

fn actions_ui(ui: &mut Ui, editor: &mut ElectionEditor, commands: &mut Vec<Command>) {
    if editor.id.is_some() && ui.button("生成选举结果报告").clicked() {
        let year = editor.held_on.get(..4).unwrap_or_default().to_owned();
        let params = vec![("branch".to_owned(), editor.org.0.to_string()), ("year".to_owned(), year)];
        commands.push(Command::OpenReport("election-report".into(), params));
    }
    let record = |editor: &mut ElectionEditor| match editor.to_election() {
        Ok(election) => {
            editor.error = None;
            Some(Box::new(election))
        }
        Err(error) => {
            editor.error = Some(error);
            None
        }
    };
    if editor.status == MeetingStatus::Final {
        ui.horizontal(|ui| {
            let label = ui.label("更正原因");
            ui.add(egui::TextEdit::singleline(&mut editor.reason).desired_width(360.0)).labelled_by(label.id);
            if ui.button("保存更正").clicked()
                && let (Some(id), Some(election)) = (editor.id, record(editor))
            {
                commands.push(Command::Op(Op::AmendElection(id, election, editor.reason.clone())));
            }
        });
        history_ui(ui, &editor.history);
        return;
    }
    ui.horizontal(|ui| {
        if ui.button("保存草稿").clicked()
            && let Some(election) = record(editor)
        {
            commands.push(Command::Op(Op::SaveElection(editor.id, election)));
        }
        if ui.button("定稿……").clicked() {
            editor.confirm_finalize = true;
        }
        if let Some(id) = editor.id
            && ui.button("删除草稿").clicked()
        {
            commands.push(Command::Op(Op::DeleteElection(id)));
        }
    });
    if editor.confirm_finalize {
        widgets::warning_text_ui(
            ui,
            "定稿后，上一届任期在选举日结束，新一届支部委员会按当选人和职务产生；此后只能更正。确定定稿？",
        );
        ui.horizontal(|ui| {
            if ui.button("确定定稿").clicked()
                && let Some(election) = record(editor)
            {
                commands.push(Command::Op(Op::FinalizeElection(editor.id, election)));
            }
            if ui.button("暂不定稿").clicked() {
                editor.confirm_finalize = false;
            }
        });
    }
}

/// A final election's corrections: each with when, who and why (the versions themselves are in
/// `zhibu election history` and the audit log).
fn history_ui(ui: &mut Ui, history: &[zhibu_core::store::RecordAmendment]) {
    if history.is_empty() {
        ui.label("定稿后没有更正过。");
        return;
    }
    ui.strong("更正记录");
    for amendment in history {
        ui.label(format!(
            "第{}次更正：{}，{}，原因：{}",
            amendment.revision, amendment.amended_at, amendment.operator, amendment.reason
        ));
    }
}
