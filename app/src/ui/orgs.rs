//! 组织: the organization tree (dissolved ones greyed, still listed); the selected organization's
//! form (rename, move, dissolve, remove one entered by mistake); its committee terms with an
//! editor for the posts; its elections, opening the election editor; and a form to add an
//! organization. Drawing reads only the loaded overview; every change is a command.

use super::command::Command;
use super::elections::{self, ElectionEditor};
use super::members::parse_date;
use super::ops::{Form, Op};
use super::widgets::{self, field_ui, hinted_field_ui};
use super::workspace::{Data, Workspace};
use egui::Ui;
use zhibu_core::domain::{
    BranchCategory, CommitteeRole, CommitteeTerm, ElectionId, MeetingStatus, MemberId, OrgId, OrgKind, Organization,
    RoleAssignment, Stored, TermId,
};

/// Every committee post, in the order forms list them.
pub const ROLES: [CommitteeRole; 6] = [
    CommitteeRole::Secretary,
    CommitteeRole::DeputySecretary,
    CommitteeRole::OrganizationOfficer,
    CommitteeRole::PublicityOfficer,
    CommitteeRole::DisciplineOfficer,
    CommitteeRole::Member,
];

/// The organization screen's state.
pub struct State {
    /// The organization shown on the right.
    pub selected: Option<OrgId>,
    /// The selected organization's fields, as typed.
    pub edit: Option<OrgForm>,
    /// The new-organization form.
    pub kind: OrgKind,
    /// Parent of the new organization.
    pub parent: Option<OrgId>,
    /// Category of the new organization.
    pub category: BranchCategory,
    /// Name of the new organization.
    pub name: String,
    /// Why the new-organization form was refused.
    pub error: Option<String>,
    /// The term being entered or corrected.
    pub term: Option<TermForm>,
    /// The election editor, when open (it takes the whole screen).
    pub election: Option<ElectionEditor>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            selected: None,
            edit: None,
            kind: OrgKind::Branch,
            parent: None,
            category: BranchCategory::Community,
            name: String::new(),
            error: None,
            term: None,
            election: None,
        }
    }
}

/// The selected organization's form.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgForm {
    /// Which organization.
    pub id: OrgId,
    /// 全称.
    pub name: String,
    /// 层级.
    pub kind: OrgKind,
    /// 上级组织.
    pub parent: Option<OrgId>,
    /// 所在领域.
    pub category: BranchCategory,
    /// 撤销日期 as typed (empty: in being).
    pub dissolved_on: String,
    /// Dissolving waits for confirmation.
    pub confirm_dissolve: bool,
    /// Removing waits for confirmation.
    pub confirm_delete: bool,
    /// Why the form was refused.
    pub error: Option<String>,
}

impl OrgForm {
    fn from(id: OrgId, org: &Organization) -> Self {
        Self {
            id,
            name: org.name.clone(),
            kind: org.kind,
            parent: org.parent,
            category: org.category,
            dissolved_on: org.dissolved_on.map(|d| d.to_string()).unwrap_or_default(),
            confirm_dissolve: false,
            confirm_delete: false,
            error: None,
        }
    }

    fn to_org(&self) -> Result<Organization, String> {
        let dissolved_on = if self.dissolved_on.trim().is_empty() {
            None
        } else {
            Some(parse_date("撤销日期", &self.dissolved_on)?)
        };
        let org = Organization {
            parent: self.parent,
            kind: self.kind,
            category: self.category,
            name: self.name.trim().to_owned(),
            dissolved_on,
        };
        org.validate().map_err(|e| e.to_string())?;
        Ok(org)
    }
}

/// A term as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct TermForm {
    /// The term corrected, or None for a new one.
    pub id: Option<TermId>,
    /// Its organization.
    pub org: OrgId,
    /// 第N届.
    pub number: u32,
    /// 选举日期.
    pub elected_on: String,
    /// 届满日期 (only when it differs from the rule's length).
    pub ends_on: String,
    /// 任期结束日期 (a past term).
    pub closed_on: String,
    /// Posts: (member, role).
    pub roles: Vec<(Option<MemberId>, CommitteeRole)>,
    /// Why the form was refused.
    pub error: Option<String>,
}

impl TermForm {
    fn new(org: OrgId, data: &Data) -> Self {
        let next = data.terms.get(&org).and_then(|t| t.iter().map(|t| t.record.number).max()).unwrap_or(0) + 1;
        Self {
            id: None,
            org,
            number: next,
            elected_on: String::new(),
            ends_on: String::new(),
            closed_on: String::new(),
            roles: vec![(None, CommitteeRole::Secretary)],
            error: None,
        }
    }

    fn from(id: TermId, term: &CommitteeTerm) -> Self {
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        Self {
            id: Some(id),
            org: term.org,
            number: term.number,
            elected_on: date(term.elected_on),
            ends_on: date(term.ends_on),
            closed_on: date(term.closed_on),
            roles: term.roles.iter().map(|r| (Some(r.member), r.role)).collect(),
            error: None,
        }
    }

    fn to_term(&self) -> Result<CommitteeTerm, String> {
        let date = |field: &str, text: &str| {
            if text.trim().is_empty() { Ok(None) } else { parse_date(field, text).map(Some) }
        };
        let mut roles = Vec::new();
        for (i, (member, role)) in self.roles.iter().enumerate() {
            let member = member.ok_or_else(|| format!("第{}个职务请选择党员", i + 1))?;
            roles.push(RoleAssignment { member, role: *role });
        }
        let term = CommitteeTerm {
            org: self.org,
            number: self.number,
            elected_on: date("选举日期", &self.elected_on)?,
            ends_on: date("届满日期", &self.ends_on)?,
            closed_on: date("任期结束日期", &self.closed_on)?,
            roles,
        };
        term.validate().map_err(|e| e.to_string())?;
        Ok(term)
    }
}

impl State {
    /// After a correction of the organization or a term: close the forms.
    pub fn saved(&mut self, form: &Form) {
        match form {
            Form::Term => self.term = None,
            _ => {
                // A removed organization or election draft: back to the tree.
                self.edit = None;
                self.election = None;
            }
        }
    }

    /// After an election was saved, finalised or amended: show it as stored next time it loads.
    pub fn election_saved(&mut self, id: ElectionId) {
        if let Some(editor) = &mut self.election {
            editor.saved(id);
        }
    }

    /// Takes in a final election's corrections, for its editor if still open.
    pub fn election_history(&mut self, id: ElectionId, history: Vec<zhibu_core::store::RecordAmendment>) {
        if let Some(editor) = self.election.as_mut().filter(|e| e.id == Some(id)) {
            editor.history = history;
        }
    }
}

/// Draws the organization screen.
pub fn orgs_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let data = &workspace.data;
    let state = &mut workspace.orgs;
    if let Some(editor) = &mut state.election {
        let mut close = false;
        elections::editor_ui(ui, editor, data, &workspace.rules, commands, &mut close);
        if close {
            state.election = None;
        }
        return;
    }
    let mut select = None;
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(380.0);
            ui.heading("组织架构");
            egui::ScrollArea::vertical().id_salt("org-tree").max_height(ui.available_height() - 10.0).show(ui, |ui| {
                for root in data.orgs.iter().filter(|o| o.record.parent.is_none()) {
                    tree_ui(ui, data, root, state.selected, &mut select);
                }
                if data.orgs.is_empty() {
                    ui.label("还没有组织。先在右边添加上级党委，再添加党支部。");
                }
            });
        });
        ui.separator();
        egui::ScrollArea::vertical().id_salt("org-detail").show(ui, |ui| {
            ui.vertical(|ui| {
                if let Some(id) = state.selected {
                    detail_ui(ui, state, data, id, commands);
                    ui.separator();
                }
                form_ui(ui, state, data, commands);
            });
        });
    });
    if let Some(id) = select {
        state.select(id, data);
    }
}

impl State {
    /// Shows organization `id` on the right, its form filled.
    pub fn select(&mut self, id: OrgId, data: &Data) {
        self.selected = Some(id);
        // The add form offers a child of the selected organization.
        let kind = data.orgs.iter().find(|o| o.id == id).map(|o| o.record.kind);
        match kind {
            Some(OrgKind::Committee | OrgKind::GeneralBranch) => {
                self.kind = OrgKind::Branch;
                self.parent = Some(id);
            }
            Some(OrgKind::Branch) => {
                self.kind = OrgKind::Group;
                self.parent = Some(id);
            }
            _ => {}
        }
        self.edit = data.orgs.iter().find(|o| o.id == id).map(|o| OrgForm::from(id, &o.record));
        self.term = None;
    }
}

fn tree_ui(
    ui: &mut Ui,
    data: &Data,
    org: &Stored<OrgId, Organization>,
    selected: Option<OrgId>,
    select: &mut Option<OrgId>,
) {
    let children: Vec<_> = data.orgs.iter().filter(|o| o.record.parent == Some(org.id)).collect();
    let mut text = format!("{}（{}）", org.record.name, org.record.kind.label());
    if let Some(day) = org.record.dissolved_on {
        text.push_str(&format!(" 已于{day}撤销"));
    }
    let text = if org.record.dissolved_on.is_some() { egui::RichText::new(text).weak() } else { text.into() };
    if children.is_empty() {
        if ui.selectable_label(selected == Some(org.id), text).clicked() {
            *select = Some(org.id);
        }
        return;
    }
    egui::CollapsingHeader::new(text).id_salt(org.id.0).default_open(org.record.kind == OrgKind::Committee).show(
        ui,
        |ui| {
            if ui.selectable_label(selected == Some(org.id), "查看本组织").clicked() {
                *select = Some(org.id);
            }
            for child in children {
                tree_ui(ui, data, child, selected, select);
            }
        },
    );
}

/// The selected organization: its form, its terms and its elections.
fn detail_ui(ui: &mut Ui, state: &mut State, data: &Data, id: OrgId, commands: &mut Vec<Command>) {
    ui.heading(data.org_name(id));
    if let Some(form) = &mut state.edit {
        egui::Grid::new("org-edit").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
            field_ui(ui, "组织全称", &mut form.name);
            let kinds = [OrgKind::Committee, OrgKind::GeneralBranch, OrgKind::Branch, OrgKind::Group]
                .map(|k| (k, k.label().to_owned()));
            widgets::choice_ui(ui, "组织层级", &mut form.kind, &kinds);
            let mut parents = vec![(None, "（无，最上级）".to_owned())];
            parents.extend(
                data.orgs
                    .iter()
                    .filter(|o| o.id != id && form.kind.may_sit_under(o.record.kind))
                    .map(|o| (Some(o.id), o.record.name.clone())),
            );
            widgets::choice_ui(ui, "隶属上级", &mut form.parent, &parents);
            let categories = BranchCategory::ALL.map(|c| (c, c.label().to_owned()));
            widgets::choice_ui(ui, "组织领域", &mut form.category, &categories);
        });
        if let Some(error) = &form.error {
            widgets::error_text_ui(ui, error);
        }
        ui.horizontal(|ui| {
            if ui.button("保存修改").clicked() {
                match form.to_org() {
                    Ok(org) => commands.push(Command::Op(Op::UpdateOrganization(id, Box::new(org)))),
                    Err(error) => form.error = Some(error),
                }
            }
            if form.dissolved_on.trim().is_empty() || form.confirm_dissolve {
                if ui.button("撤销组织……").clicked() {
                    form.confirm_dissolve = true;
                }
            } else if ui.button("恢复（取消撤销）").clicked() {
                form.dissolved_on.clear();
                match form.to_org() {
                    Ok(org) => commands.push(Command::Op(Op::UpdateOrganization(id, Box::new(org)))),
                    Err(error) => form.error = Some(error),
                }
            }
            if ui.button("删除（误建时）……").clicked() {
                form.confirm_delete = true;
            }
        });
        if form.confirm_dissolve {
            widgets::warning_text_ui(ui, "撤销后组织和它的全部记录保留并照常统计，此后不再要求开会。党员须先转出。");
            ui.horizontal(|ui| {
                let label = ui.label("撤销日期");
                ui.add(egui::TextEdit::singleline(&mut form.dissolved_on).hint_text("2026-06-30").desired_width(110.0))
                    .labelled_by(label.id);
                if ui.button("确定撤销").clicked() {
                    match form.to_org() {
                        Ok(org) if org.dissolved_on.is_some() => {
                            commands.push(Command::Op(Op::UpdateOrganization(id, Box::new(org))));
                        }
                        Ok(_) => form.error = Some("请填写撤销日期".into()),
                        Err(error) => form.error = Some(error),
                    }
                }
                if ui.button("取消").clicked() {
                    form.confirm_dissolve = false;
                    form.dissolved_on.clear();
                }
            });
        }
        if form.confirm_delete {
            widgets::warning_text_ui(ui, "只能删除误建、还没有任何记录的组织；有记录的请用“撤销组织”。确定删除？");
            ui.horizontal(|ui| {
                if ui.button("确定删除").clicked() {
                    commands.push(Command::Op(Op::DeleteOrganization(id)));
                    form.confirm_delete = false;
                }
                if ui.button("不删除").clicked() {
                    form.confirm_delete = false;
                }
            });
        }
    }
    let kind = data.orgs.iter().find(|o| o.id == id).map(|o| o.record.kind);
    if kind == Some(OrgKind::Group) {
        return;
    }
    ui.separator();
    terms_ui(ui, state, data, id, commands);
    ui.separator();
    elections_list_ui(ui, state, data, id, commands);
}

fn terms_ui(ui: &mut Ui, state: &mut State, data: &Data, id: OrgId, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.strong("届次与支部委员会");
        if state.term.is_none() && ui.button("＋ 录入届次").clicked() {
            state.term = Some(TermForm::new(id, data));
        }
    });
    let terms: &[Stored<TermId, CommitteeTerm>] = data.terms.get(&id).map_or(&[], Vec::as_slice);
    if terms.is_empty() {
        ui.label("没有录入届次：已经在任的支部委员会（或书记）请用“录入届次”补录，以后的换届用“换届选举”。");
    }
    let date = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "（未记录）".to_owned(), |d| d.to_string());
    for term in terms {
        let t = &term.record;
        ui.horizontal(|ui| {
            let end = match t.closed_on {
                Some(day) => format!("，{day} 任期结束"),
                None => String::new(),
            };
            ui.label(format!("第{}届：{} 选举{end}", t.number, date(t.elected_on)));
            if state.term.is_none() && ui.small_button("修改").on_hover_text(format!("修改第{}届", t.number)).clicked()
            {
                state.term = Some(TermForm::from(term.id, t));
            }
        });
        let posts: Vec<String> =
            t.roles.iter().map(|r| format!("{}：{}", r.role.label(), data.member_name(r.member))).collect();
        ui.label(format!("　{}", posts.join("　")));
    }
    if let Some(form) = &mut state.term {
        term_form_ui(ui, form, data, commands);
        if form.id.is_none() && ui.button("放弃录入").clicked() {
            state.term = None;
        }
    }
}

fn term_form_ui(ui: &mut Ui, form: &mut TermForm, data: &Data, commands: &mut Vec<Command>) {
    ui.group(|ui| {
        ui.strong(if form.id.is_some() { "修改届次" } else { "录入届次" });
        egui::Grid::new("term-form").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            let label = ui.label("第几届");
            ui.add(egui::DragValue::new(&mut form.number).range(1..=99)).labelled_by(label.id);
            ui.end_row();
            hinted_field_ui(ui, "选举日期", &mut form.elected_on, "2023-06-28");
            hinted_field_ui(ui, "届满日期（不同于规定任期时填）", &mut form.ends_on, "");
            hinted_field_ui(ui, "任期结束日期（已结束的届次填）", &mut form.closed_on, "");
        });
        let members: Vec<(Option<MemberId>, String)> = data.member_choices(Some(form.org));
        let mut remove = None;
        for (i, (member, role)) in form.roles.iter_mut().enumerate() {
            ui.push_id(("role", i), |ui| {
                ui.horizontal(|ui| {
                    let label = ui.label(format!("职务{}", i + 1));
                    egui::ComboBox::from_id_salt("role-kind")
                        .selected_text(role.label())
                        .show_ui(ui, |ui| {
                            for option in ROLES {
                                ui.selectable_value(role, option, option.label());
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    let label = ui.label(format!("任职党员{}", i + 1));
                    let name = members.iter().find(|(m, _)| m == member).map_or("（请选择）", |(_, n)| n.as_str());
                    egui::ComboBox::from_id_salt("role-member")
                        .selected_text(name)
                        .show_ui(ui, |ui| {
                            for (option, text) in &members {
                                ui.selectable_value(member, *option, text);
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    if ui.small_button("删除").on_hover_text(format!("删除职务{}", i + 1)).clicked() {
                        remove = Some(i);
                    }
                });
            });
        }
        if let Some(i) = remove {
            form.roles.remove(i);
        }
        if ui.button("＋ 职务").clicked() {
            let next = ROLES
                .iter()
                .copied()
                .find(|r| !form.roles.iter().any(|(_, x)| x == r))
                .unwrap_or(CommitteeRole::Member);
            form.roles.push((None, next));
        }
        if let Some(error) = &form.error {
            widgets::error_text_ui(ui, error);
        }
        ui.horizontal(|ui| {
            if ui.button("保存届次").clicked() {
                match form.to_term() {
                    Ok(term) => {
                        form.error = None;
                        commands.push(Command::Op(Op::SaveTerm(form.id, Box::new(term))));
                    }
                    Err(error) => form.error = Some(error),
                }
            }
            if let Some(id) = form.id
                && ui.button("删除此届（误录时）").clicked()
            {
                commands.push(Command::Op(Op::DeleteTerm(id)));
            }
        });
    });
}

fn elections_list_ui(ui: &mut Ui, state: &mut State, data: &Data, id: OrgId, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.strong("换届选举");
        let dissolved = data.orgs.iter().any(|o| o.id == id && o.record.dissolved_on.is_some());
        if !dissolved && ui.button("＋ 换届选举").clicked() {
            state.election = Some(ElectionEditor::new(id, data));
        }
    });
    let mut open = None;
    for election in data.elections.iter().filter(|e| e.record.org == id) {
        let e = &election.record;
        let status = if e.status == MeetingStatus::Final { "已定稿" } else { "草稿" };
        ui.horizontal(|ui| {
            ui.label(format!("第{}届换届选举：{}，{status}", e.term_number, e.held_on));
            if ui.small_button("打开").on_hover_text(format!("打开第{}届换届选举", e.term_number)).clicked() {
                open = Some(election);
            }
        });
    }
    if let Some(election) = open {
        state.election = Some(ElectionEditor::from_stored(election.id, &election.record, data));
        if election.record.status == MeetingStatus::Final {
            commands.push(Command::LoadElectionHistory(election.id));
        }
    }
}

fn form_ui(ui: &mut Ui, state: &mut State, data: &Data, commands: &mut Vec<Command>) {
    ui.heading("添加组织");
    egui::Grid::new("org-form").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        let kinds = [OrgKind::Committee, OrgKind::GeneralBranch, OrgKind::Branch, OrgKind::Group]
            .map(|k| (k, k.label().to_owned()));
        widgets::choice_ui(ui, "层级", &mut state.kind, &kinds);
        let mut parents = vec![(None, "（无，最上级）".to_owned())];
        parents.extend(
            data.orgs
                .iter()
                .filter(|o| state.kind.may_sit_under(o.record.kind) && o.record.dissolved_on.is_none())
                .map(|o| (Some(o.id), o.record.name.clone())),
        );
        widgets::choice_ui(ui, "上级组织", &mut state.parent, &parents);
        let categories = BranchCategory::ALL.map(|c| (c, c.label().to_owned()));
        widgets::choice_ui(ui, "所在领域", &mut state.category, &categories);
        field_ui(ui, "全称", &mut state.name);
    });
    if let Some(error) = &state.error {
        widgets::error_text_ui(ui, error);
    }
    if ui.button("添加").clicked() {
        let org = Organization {
            parent: state.parent,
            kind: state.kind,
            category: state.category,
            name: state.name.trim().to_owned(),
            dissolved_on: None,
        };
        match org.validate() {
            Ok(()) => {
                state.error = None;
                state.name.clear();
                commands.push(Command::SaveOrganization(Box::new(org)));
            }
            Err(error) => state.error = Some(error.to_string()),
        }
    }
}
