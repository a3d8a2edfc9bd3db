//! 志愿服务: the year's activities with hours, and a form to record one with its participants
//! (members of a branch and volunteers of its register, each credited with the activity's length
//! unless changed); a saved activity is corrected in the same form (修改) or removed (删除,
//! undoable). The 志愿者名册 tab keeps the branch's register of volunteers who are not members
//! (residents, 双报到 members of other units) and its service teams.

use super::command::Command;
use super::members::parse_date;
use super::ops::Op;
use super::widgets::{self, field_ui, hinted_field_ui, multiline_ui};
use super::workspace::{Data, Workspace};
use chrono::NaiveTime;
use egui::Ui;
use zhibu_core::domain::{
    ActivityId, IdNumber, MemberId, OrgId, Participant, Phone, ServiceTeam, TeamId, Volunteer, VolunteerActivity,
    VolunteerCategory, VolunteerHours, VolunteerId, VolunteerKind,
};

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
    /// Registered volunteers ticked, with their hours (`None`: the activity's length).
    pub volunteers: Vec<(VolunteerId, Option<f64>)>,
    /// Whether the register is shown instead of the activities.
    pub register_tab: bool,
    /// The register's form.
    pub person: PersonForm,
    /// 服务队名称 for a new team.
    pub team_name: String,
    /// 队长 for a new team.
    pub team_leader: String,
    /// The saved team the form corrects (None: the form adds one).
    pub editing_team: Option<TeamId>,
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
            volunteers: Vec::new(),
            register_tab: false,
            person: PersonForm::default(),
            team_name: String::new(),
            team_leader: String::new(),
            editing_team: None,
            editing: None,
            error: None,
        }
    }
}

/// The register's form: one volunteer who is not a member.
#[derive(Default)]
pub struct PersonForm {
    /// The registered volunteer being corrected.
    pub editing: Option<VolunteerId>,
    /// 姓名.
    pub name: String,
    /// 类别.
    pub kind: Option<VolunteerKind>,
    /// 身份证号.
    pub id_number: String,
    /// 联系电话.
    pub phone: String,
    /// 工作单位 / 所在党组织.
    pub unit: String,
    /// 服务队.
    pub team: Option<TeamId>,
}

impl PersonForm {
    fn volunteer(&self, branch: OrgId) -> Result<Volunteer, String> {
        let id_number = match self.id_number.trim() {
            "" => None,
            text => Some(IdNumber::parse(text).map_err(|e| e.to_string())?),
        };
        let phone = match self.phone.trim() {
            "" => None,
            text => Some(Phone::parse(text).map_err(|e| e.to_string())?),
        };
        let volunteer = Volunteer {
            branch,
            name: self.name.trim().to_owned(),
            kind: self.kind.unwrap_or(VolunteerKind::Resident),
            id_number,
            phone,
            unit: self.unit.trim().to_owned(),
            team: self.team,
            registered_on: Some(chrono::Local::now().date_naive()),
            note: String::new(),
        };
        volunteer.validate().map_err(|e| e.to_string())?;
        Ok(volunteer)
    }
}

impl State {
    /// After a save: a fresh form for the same branch and organiser.
    pub fn saved(&mut self) {
        let (branch, register_tab) = (self.branch, self.register_tab);
        let organiser = std::mem::take(&mut self.organiser);
        *self = Self { branch, organiser, register_tab, ..Self::default() };
    }

    /// After the register changed: its forms cleared, the activity form kept.
    pub fn register_saved(&mut self) {
        self.person = PersonForm::default();
        self.team_name.clear();
        self.team_leader.clear();
        self.editing_team = None;
        self.error = None;
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
        self.volunteers = a.volunteers.iter().map(|v| (v.volunteer, Some(v.hours))).collect();
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
            volunteers: self
                .volunteers
                .iter()
                .filter(|(id, _)| data.volunteers.iter().any(|v| v.id == *id))
                .map(|&(volunteer, own)| VolunteerHours { volunteer, hours: own.unwrap_or(hours) })
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
    ui.horizontal(|ui| {
        ui.selectable_value(&mut state.register_tab, false, "志愿服务活动");
        ui.selectable_value(&mut state.register_tab, true, "志愿者名册");
    });
    ui.separator();
    if state.register_tab {
        register_ui(ui, state, data, commands);
        return;
    }
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width((ui.available_width() * 0.5).max(360.0));
            let hours: f64 =
                data.volunteer.iter().map(|a| a.record.participants.iter().map(|p| p.hours).sum::<f64>()).sum();
            ui.heading(format!("{}年度志愿服务：{} 次，{:.1} 小时", workspace.year, data.volunteer.len(), hours));
            let branch = data.branches().next().map(|b| b.id);
            let sheet = zhibu_core::services::import::Sheet::Volunteer;
            super::imports::start_ui(ui, "导入志愿服务时长记录……", sheet, branch, commands);
            super::imports::panel_ui(
                ui,
                &mut workspace.imports,
                |s| s == zhibu_core::services::import::Sheet::Volunteer,
                data,
                commands,
            );
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
    let register: Vec<_> = data.volunteers.iter().filter(|v| Some(v.record.branch) == state.branch).collect();
    if !register.is_empty() {
        ui.strong("参加的志愿者（非党员，本支部名册）");
        egui::Grid::new("volunteer-register-participants").num_columns(4).show(ui, |ui| {
            for (i, person) in register.iter().enumerate() {
                let position = state.volunteers.iter().position(|(id, _)| *id == person.id);
                let mut ticked = position.is_some();
                if ui
                    .checkbox(&mut ticked, format!("{}（{}）", person.record.name, person.record.kind.label()))
                    .changed()
                {
                    if ticked {
                        state.volunteers.push((person.id, None));
                    } else {
                        state.volunteers.retain(|(id, _)| *id != person.id);
                    }
                }
                if let Some(p) = position
                    && let Some((_, own)) = state.volunteers.get_mut(p)
                {
                    let mut hours = own.unwrap_or(0.0);
                    let label = format!("{}服务时长", person.record.name);
                    let response = ui
                        .add(egui::DragValue::new(&mut hours).range(0.0..=24.0).speed(0.5).suffix(" 小时"))
                        .on_hover_text(&label);
                    if response.changed() {
                        *own = Some(hours);
                    }
                } else {
                    ui.label("");
                }
                if i % 2 == 1 {
                    ui.end_row();
                }
            }
        });
    }
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

/// The register of volunteers who are not members, and the branch's service teams.
fn register_ui(ui: &mut Ui, state: &mut State, data: &Data, commands: &mut Vec<Command>) {
    let branches = data.branch_choices();
    egui::Grid::new("register-branch").num_columns(2).show(ui, |ui| {
        widgets::choice_ui(ui, "名册所属支部", &mut state.branch, &branches);
    });
    let Some(branch) = state.branch else {
        ui.label("选择支部后显示其志愿者名册。");
        return;
    };
    let year_hours = |id: VolunteerId| -> (usize, f64) {
        let served: Vec<f64> = data
            .volunteer
            .iter()
            .filter_map(|a| a.record.volunteers.iter().find(|v| v.volunteer == id).map(|v| v.hours))
            .collect();
        (served.len(), served.iter().fold(0.0, |sum, h| sum + h))
    };
    let team_name = |id: Option<TeamId>| {
        id.and_then(|t| data.teams.iter().find(|x| x.id == t)).map_or_else(String::new, |t| t.record.name.clone())
    };
    // The list is wide: the forms go below it, the teams beside the volunteer's form.
    egui::ScrollArea::vertical().id_salt("register").show(ui, |ui| {
        let people: Vec<_> = data.volunteers.iter().filter(|v| v.record.branch == branch).collect();
        ui.heading(format!("志愿者名册：{} 人（非党员）", people.len()));
        egui::Grid::new("register-list").striped(true).show(ui, |ui| {
            for title in ["姓名", "类别", "服务队", "工作单位", "身份证号", "本年次数/时长", ""] {
                ui.strong(title);
            }
            ui.end_row();
            for person in &people {
                let v = &person.record;
                ui.label(&v.name);
                ui.label(v.kind.label());
                ui.label(team_name(v.team));
                ui.label(&v.unit);
                ui.label(v.id_number.as_ref().map_or_else(String::new, IdNumber::masked));
                let (times, hours) = year_hours(person.id);
                ui.label(format!("{times} 次 / {hours:.1} 小时"));
                ui.horizontal(|ui| {
                    if ui.small_button("修改").on_hover_text(format!("修改志愿者{}", v.name)).clicked() {
                        state.person = PersonForm {
                            editing: Some(person.id),
                            name: v.name.clone(),
                            kind: Some(v.kind),
                            id_number: v.id_number.as_ref().map_or_else(String::new, |n| n.as_str().to_owned()),
                            phone: v.phone.as_ref().map_or_else(String::new, |p| p.as_str().to_owned()),
                            unit: v.unit.clone(),
                            team: v.team,
                        };
                    }
                    if ui.small_button("删除").on_hover_text(format!("删除志愿者{}", v.name)).clicked() {
                        commands.push(Command::Op(Op::DeleteVolunteerPerson(person.id)));
                    }
                });
                ui.end_row();
            }
        });
        ui.separator();
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| person_form_ui(ui, state, data, branch, commands));
            ui.separator();
            ui.vertical(|ui| teams_ui(ui, state, data, branch, commands));
        });
    });
}

/// The branch's service teams and the form that adds one.
fn teams_ui(ui: &mut Ui, state: &mut State, data: &Data, branch: OrgId, commands: &mut Vec<Command>) {
    let teams: Vec<_> = data.teams.iter().filter(|t| t.record.branch == branch).collect();
    ui.heading(format!("志愿服务队：{} 支", teams.len()));
    for team in &teams {
        ui.horizontal(|ui| {
            let count = data.volunteers.iter().filter(|v| v.record.team == Some(team.id)).count();
            ui.label(format!("{}（队长：{}，{count}人）", team.record.name, team.record.leader));
            if ui.small_button("修改").on_hover_text(format!("修改服务队{}", team.record.name)).clicked() {
                state.team_name.clone_from(&team.record.name);
                state.team_leader.clone_from(&team.record.leader);
                state.editing_team = Some(team.id);
            }
            if ui.small_button("删除").on_hover_text(format!("删除服务队{}", team.record.name)).clicked() {
                commands.push(Command::Op(Op::DeleteTeam(team.id)));
            }
        });
    }
    egui::Grid::new("team-form").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        field_ui(ui, "服务队名称", &mut state.team_name);
        field_ui(ui, "队长", &mut state.team_leader);
    });
    let editing = state.editing_team.and_then(|id| teams.iter().find(|t| t.id == id));
    ui.horizontal(|ui| {
        if ui.button(if editing.is_some() { "保存服务队" } else { "添加服务队" }).clicked() {
            // A team corrected keeps its note; a new one starts without.
            let team = ServiceTeam {
                branch,
                name: state.team_name.trim().to_owned(),
                leader: state.team_leader.trim().to_owned(),
                note: editing.map(|t| t.record.note.clone()).unwrap_or_default(),
            };
            match team.validate() {
                Ok(()) => commands.push(Command::Op(Op::SaveTeam(state.editing_team, Box::new(team)))),
                Err(error) => state.error = Some(error.to_string()),
            }
        }
        if editing.is_some() && ui.button("取消修改").clicked() {
            state.team_name.clear();
            state.team_leader.clear();
            state.editing_team = None;
        }
    });
}

/// The form that registers (or corrects) one volunteer.
fn person_form_ui(ui: &mut Ui, state: &mut State, data: &Data, branch: OrgId, commands: &mut Vec<Command>) {
    let person = &mut state.person;
    ui.heading(if person.editing.is_some() { "修改志愿者" } else { "登记志愿者" });
    egui::Grid::new("person-form").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        field_ui(ui, "志愿者姓名", &mut person.name);
        let kinds = VolunteerKind::ALL.map(|k| (Some(k), k.label().to_owned()));
        widgets::choice_ui(ui, "志愿者类别", &mut person.kind, &kinds);
        hinted_field_ui(ui, "志愿者身份证号", &mut person.id_number, "可不填；开具证明时需要");
        field_ui(ui, "志愿者联系电话", &mut person.phone);
        hinted_field_ui(ui, "工作单位或所在党组织", &mut person.unit, "双报到党员填原单位党组织");
        let mut teams = vec![(None, "（不属于服务队）".to_owned())];
        teams.extend(
            data.teams.iter().filter(|t| t.record.branch == branch).map(|t| (Some(t.id), t.record.name.clone())),
        );
        widgets::choice_ui(ui, "所属服务队", &mut person.team, &teams);
    });
    let label = if person.editing.is_some() { "保存志愿者的修改" } else { "登记" };
    if ui.button(label).clicked() {
        match person.volunteer(branch) {
            Ok(volunteer) => {
                state.error = None;
                commands.push(Command::Op(Op::SaveVolunteerPerson(person.editing, Box::new(volunteer))));
            }
            Err(error) => state.error = Some(error),
        }
    }
    if let Some(error) = &state.error {
        widgets::error_text_ui(ui, error);
    }
}
