//! 志愿服务: the year's activities with hours, and a form to record one with its participants
//! (members of a branch, each credited with the activity's length unless changed); a saved
//! activity is corrected in the same form (修改) or removed (删除, undoable).

use super::command::Command;
use super::members::parse_date;
use super::ops::Op;
use super::widgets::{self, field_ui, hinted_field_ui, multiline_ui};
use super::workspace::{Data, Workspace};
use chrono::NaiveTime;
use egui::Ui;
use zhibu_core::domain::{ActivityId, MemberId, OrgId, Participant, VolunteerActivity, VolunteerCategory};

/// The volunteer screen's state.
pub struct State {
    /// 活动名称.
    pub title: String,
    /// 服务类别.
    pub category: VolunteerCategory,
    /// 日期.
    pub date: String,
    /// 开始时间.
    pub starts: String,
    /// 结束时间.
    pub ends: String,
    /// 地点.
    pub place: String,
    /// 组织单位.
    pub organiser: String,
    /// 服务内容.
    pub description: String,
    /// Branch whose members are listed.
    pub branch: Option<OrgId>,
    /// Members ticked, with the hours each served (`None`: the activity's length).
    pub participants: Vec<(MemberId, Option<f64>)>,
    /// The saved activity the form corrects.
    pub editing: Option<ActivityId>,
    /// Why the form was refused.
    pub error: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            title: String::new(),
            category: VolunteerCategory::CleanUp,
            date: chrono::Local::now().date_naive().format("%Y-%m-%d").to_string(),
            starts: "09:00".into(),
            ends: "11:00".into(),
            place: String::new(),
            organiser: String::new(),
            description: String::new(),
            branch: None,
            participants: Vec::new(),
            editing: None,
            error: None,
        }
    }
}

impl State {
    /// After a save: a fresh form for the same branch and organiser.
    pub fn saved(&mut self) {
        let branch = self.branch;
        let organiser = std::mem::take(&mut self.organiser);
        *self = Self { branch, organiser, ..Self::default() };
    }

    /// Loads a saved activity into the form.
    fn edit(&mut self, id: ActivityId, a: &VolunteerActivity, data: &Data) {
        self.editing = Some(id);
        self.title.clone_from(&a.title);
        self.category = a.category;
        self.date = a.date.format("%Y-%m-%d").to_string();
        self.starts = a.starts.format("%H:%M").to_string();
        self.ends = a.ends.format("%H:%M").to_string();
        self.place.clone_from(&a.place);
        self.organiser.clone_from(&a.organiser);
        self.description.clone_from(&a.description);
        // The form lists one branch's members: the first participant's.
        self.branch = a
            .participants
            .first()
            .and_then(|p| data.members.iter().find(|m| m.id == p.member))
            .map(|m| m.record.branch)
            .or(a.organiser_org)
            .or(self.branch);
        self.participants = a.participants.iter().map(|p| (p.member, Some(p.hours))).collect();
        self.error = None;
    }

    fn activity(&self, data: &Data) -> Result<VolunteerActivity, String> {
        let date = parse_date("活动日期", &self.date)?;
        let time = |field: &str, text: &str| {
            NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| format!("{field}应写成 时:分：{}", text.trim()))
        };
        let starts = time("开始时间", &self.starts)?;
        let ends = time("结束时间", &self.ends)?;
        let hours = (ends - starts).num_minutes() as f64 / 60.0;
        let activity = VolunteerActivity {
            title: self.title.trim().to_owned(),
            category: self.category,
            date,
            starts,
            ends,
            place: self.place.trim().to_owned(),
            organiser: self.organiser.trim().to_owned(),
            organiser_org: self.branch,
            description: self.description.trim().to_owned(),
            participants: self
                .participants
                .iter()
                .filter(|(id, _)| data.members.iter().any(|m| m.id == *id))
                .map(|&(member, own)| Participant { member, hours: own.unwrap_or(hours) })
                .collect(),
        };
        activity.validate().map_err(|e| e.to_string())?;
        Ok(activity)
    }
}

/// Draws the volunteer screen.
pub fn volunteer_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let data = &workspace.data;
    let state = &mut workspace.volunteer;
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width((ui.available_width() * 0.5).max(360.0));
            let hours: f64 =
                data.volunteer.iter().map(|a| a.record.participants.iter().map(|p| p.hours).sum::<f64>()).sum();
            ui.heading(format!("{}年度志愿服务：{} 次，{:.1} 小时", workspace.year, data.volunteer.len(), hours));
            egui::ScrollArea::vertical().id_salt("volunteer-list").show(ui, |ui| {
                egui::Grid::new("volunteer-list-grid").striped(true).show(ui, |ui| {
                    for title in ["日期", "活动", "类别", "人数", "时长", ""] {
                        ui.strong(title);
                    }
                    ui.end_row();
                    for activity in data.volunteer.iter().rev() {
                        let a = &activity.record;
                        ui.label(a.date.format("%m-%d").to_string());
                        ui.label(&a.title);
                        ui.label(a.category.label());
                        ui.label(a.participants.len().to_string());
                        ui.label(format!("{:.1}", a.participants.iter().map(|p| p.hours).sum::<f64>()));
                        ui.horizontal(|ui| {
                            if ui.small_button("修改").on_hover_text(format!("修改：{}", a.title)).clicked() {
                                state.edit(activity.id, a, data);
                            }
                            if ui.small_button("删除").on_hover_text(format!("删除：{}", a.title)).clicked() {
                                commands.push(Command::Op(Op::DeleteVolunteer(activity.id)));
                            }
                        });
                        ui.end_row();
                    }
                });
            });
        });
        ui.separator();
        ui.vertical(|ui| {
            egui::ScrollArea::vertical().id_salt("volunteer-form").show(ui, |ui| form_ui(ui, state, data, commands));
        });
    });
}

fn form_ui(ui: &mut Ui, state: &mut State, data: &Data, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.heading(if state.editing.is_some() { "修改志愿服务" } else { "记录志愿服务" });
        if state.editing.is_some() && ui.button("取消修改").clicked() {
            state.saved();
        }
    });
    egui::Grid::new("volunteer-form-grid").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        field_ui(ui, "活动名称", &mut state.title);
        let categories = VolunteerCategory::ALL.map(|c| (c, c.label().to_owned()));
        widgets::choice_ui(ui, "服务类别", &mut state.category, &categories);
        hinted_field_ui(ui, "日期", &mut state.date, "2025-03-05");
        hinted_field_ui(ui, "开始时间", &mut state.starts, "09:00");
        hinted_field_ui(ui, "结束时间", &mut state.ends, "11:00");
        field_ui(ui, "地点", &mut state.place);
        field_ui(ui, "组织单位", &mut state.organiser);
        multiline_ui(ui, "服务内容", &mut state.description);
        let branches = data.branch_choices();
        widgets::choice_ui(ui, "参加支部", &mut state.branch, &branches);
    });
    ui.strong("参加党员（时长默认按活动时长，可逐人修改）");
    egui::Grid::new("volunteer-participants").num_columns(4).show(ui, |ui| {
        for (i, member) in data.members.iter().filter(|m| Some(m.record.branch) == state.branch).enumerate() {
            let position = state.participants.iter().position(|(id, _)| *id == member.id);
            let mut ticked = position.is_some();
            if ui.checkbox(&mut ticked, &member.record.name).changed() {
                if ticked {
                    state.participants.push((member.id, None));
                } else {
                    state.participants.retain(|(id, _)| *id != member.id);
                }
            }
            if let Some(p) = position
                && let Some((_, own)) = state.participants.get_mut(p)
            {
                let mut hours = own.unwrap_or(0.0);
                let label = format!("{}服务时长", member.record.name);
                let response = ui
                    .add(egui::DragValue::new(&mut hours).range(0.0..=24.0).speed(0.5).suffix(" 小时"))
                    .on_hover_text(&label);
                if response.changed() {
                    *own = Some(hours);
                }
                if own.is_none() {
                    ui.weak("（按活动时长）");
                }
            }
            if i % 2 == 1 {
                ui.end_row();
            }
        }
    });
    if let Some(error) = &state.error {
        widgets::error_text_ui(ui, error);
    }
    if ui.button("保存").clicked() {
        match state.activity(data) {
            Ok(activity) => {
                state.error = None;
                commands.push(match state.editing {
                    Some(id) => Command::Op(Op::UpdateVolunteer(id, Box::new(activity))),
                    None => Command::SaveVolunteer(Box::new(activity)),
                });
            }
            Err(error) => state.error = Some(error),
        }
    }
}
