//! 组织: the organization tree, the selected organization's committee terms (from the loaded
//! overview: drawing reads no database), and a form to add an organization under another.

use super::command::Command;
use super::widgets::{self, field_ui};
use super::workspace::{Data, Workspace};
use egui::Ui;
use zhibu_core::domain::{BranchCategory, CommitteeTerm, OrgId, OrgKind, Organization, Stored, TermId};

/// The organization screen's state.
pub struct State {
    /// The organization whose terms are shown (from the loaded overview).
    pub selected: Option<OrgId>,
    /// The new-organization form.
    pub kind: OrgKind,
    /// Parent of the new organization.
    pub parent: Option<OrgId>,
    /// Category of the new organization.
    pub category: BranchCategory,
    /// Name of the new organization.
    pub name: String,
    /// Why the form was refused.
    pub error: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            selected: None,
            kind: OrgKind::Branch,
            parent: None,
            category: BranchCategory::Community,
            name: String::new(),
            error: None,
        }
    }
}

/// Draws the organization screen.
pub fn orgs_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let data = &workspace.data;
    let state = &mut workspace.orgs;
    let mut select = None;
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(420.0);
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
        ui.vertical(|ui| {
            if let Some(id) = state.selected {
                ui.heading(data.org_name(id));
                let terms: &[Stored<TermId, CommitteeTerm>] = data.terms.get(&id).map_or(&[], Vec::as_slice);
                if terms.is_empty() {
                    ui.label("没有记录届次。");
                }
                for term in terms {
                    let t = &term.record;
                    ui.strong(format!(
                        "第{}届：{} 选举，{} 届满",
                        t.number,
                        t.elected_on.map_or_else(|| "（未记录）".to_owned(), |d| d.format("%Y-%m-%d").to_string()),
                        t.ends_on.map_or_else(|| "（未记录）".to_owned(), |d| d.format("%Y-%m-%d").to_string()),
                    ));
                    for role in &t.roles {
                        ui.label(format!("　{}：{}", role.role.label(), data.member_name(role.member)));
                    }
                }
                ui.separator();
            }
            form_ui(ui, state, data, commands);
        });
    });
    if let Some(id) = select {
        state.selected = Some(id);
        state.parent = Some(id);
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
    let text = format!("{}（{}）", org.record.name, org.record.kind.label());
    if children.is_empty() {
        if ui.selectable_label(selected == Some(org.id), text).clicked() {
            *select = Some(org.id);
        }
        return;
    }
    egui::CollapsingHeader::new(text).id_salt(org.id.0).default_open(org.record.kind == OrgKind::Committee).show(
        ui,
        |ui| {
            if ui.selectable_label(selected == Some(org.id), "查看届次").clicked() {
                *select = Some(org.id);
            }
            for child in children {
                tree_ui(ui, data, child, selected, select);
            }
        },
    );
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
                .filter(|o| state.kind.may_sit_under(o.record.kind))
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
