//! 星级评定 as a street or a branch runs it, in three parts: the year's results of a sheet (rank,
//! stars, last year's stars and the move, what lifts each subject to the next star, the quota
//! check) with the rating form (bound indicators filled in from the records with their figure and
//! source, the rest typed); the register of subjects (branches, 小区, 业委会, property companies,
//! grid workers, volunteers, members); and the sheet editor (indicators, bonus items, measures,
//! bands, quotas; a sheet with results is saved as its next version).

use super::command::Command;
use super::ops::Op;
use super::widgets::{self, field_ui};
use super::workspace::Data;
use egui::Ui;
use zhibu_core::domain::{
    Indicator, IndicatorScore, Measure, MemberId, OrgId, Quota, RatingId, RatingScheme, RatingSubject,
    RatingSubjectKind, SchemeId, StarBand, StarRating, Stored, SubjectId, star_string,
};
use zhibu_core::services::rating::Board;

/// Which part of the screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Part {
    /// 评定结果 and the rating form.
    #[default]
    Results,
    /// 评定对象.
    Subjects,
    /// 指标设置.
    Sheets,
}

/// One indicator row of the sheet editor.
#[derive(Debug, Clone, Default)]
pub struct IndicatorRow {
    /// Its key (kept when the sheet is adjusted, so scores keep their meaning).
    pub key: String,
    /// 指标名称.
    pub name: String,
    /// 分值.
    pub max: f64,
    /// 加分项.
    pub bonus: bool,
    /// The measure it is bound to: an index into [`Measure::ALL`], or none (entered by hand).
    pub measure: Option<usize>,
    /// The measure's setting (full-mark hours, points per finding).
    pub setting: f64,
}

/// The sheet editor's form.
#[derive(Debug, Clone)]
pub struct SheetForm {
    /// The sheet version adjusted (`None`: a new sheet).
    pub editing: Option<SchemeId>,
    /// Whether that version already has results (saving makes the next version).
    pub has_results: bool,
    /// Its key.
    pub key: String,
    /// Its name.
    pub name: String,
    /// Its source (`user` or a plugin id).
    pub source: String,
    /// What it rates.
    pub kind: RatingSubjectKind,
    /// Indicators and bonus items.
    pub rows: Vec<IndicatorRow>,
    /// Bands: lowest total, stars.
    pub bands: Vec<(f64, u8)>,
    /// Quotas: stars, percent.
    pub quotas: Vec<(u8, f64)>,
}

impl SheetForm {
    fn blank() -> Self {
        Self {
            editing: None,
            has_results: false,
            key: String::new(),
            name: String::new(),
            source: "user".into(),
            kind: RatingSubjectKind::ResidentialCompound,
            rows: vec![IndicatorRow { max: 20.0, ..IndicatorRow::default() }],
            bands: vec![(90.0, 5), (80.0, 4), (70.0, 3), (60.0, 2), (0.0, 1)],
            quotas: Vec::new(),
        }
    }

    /// The editor on a saved sheet version.
    pub fn of(id: SchemeId, scheme: &RatingScheme, has_results: bool) -> Self {
        let row = |bonus: bool| {
            move |i: &Indicator| {
                let measure = i.measure.and_then(|m| Measure::ALL.iter().position(|a| a.same_kind(m)));
                let setting = match i.measure {
                    Some(Measure::VolunteerHours { full_at }) => full_at,
                    Some(Measure::Findings { deduct }) => deduct,
                    _ => 0.0,
                };
                IndicatorRow { key: i.key.clone(), name: i.name.clone(), max: i.max_score, bonus, measure, setting }
            }
        };
        Self {
            editing: Some(id),
            has_results,
            key: scheme.key.clone(),
            name: scheme.name.clone(),
            source: scheme.source.clone(),
            kind: scheme.subject_kind,
            rows: scheme.indicators.iter().map(row(false)).chain(scheme.bonus.iter().map(row(true))).collect(),
            bands: scheme.bands.iter().map(|b| (b.min_score, b.stars)).collect(),
            quotas: scheme.quotas.iter().map(|q| (q.stars, q.max_percent)).collect(),
        }
    }

    /// The sheet as entered (keys made for new rows: `item1`, `item2`, …).
    fn scheme(&self) -> RatingScheme {
        let mut used: Vec<String> = self.rows.iter().map(|r| r.key.clone()).filter(|k| !k.is_empty()).collect();
        let indicator = |row: &IndicatorRow, used: &mut Vec<String>| {
            let key = if row.key.is_empty() {
                let key = (1..).map(|n| format!("item{n}")).find(|k| !used.contains(k)).unwrap_or_default();
                used.push(key.clone());
                key
            } else {
                row.key.clone()
            };
            let measure = row.measure.and_then(|i| Measure::ALL.get(i).copied()).map(|m| match m {
                Measure::VolunteerHours { .. } => Measure::VolunteerHours { full_at: row.setting },
                Measure::Findings { .. } => Measure::Findings { deduct: row.setting },
                other => other,
            });
            Indicator { key, name: row.name.trim().to_owned(), max_score: row.max, measure }
        };
        let mut indicators = Vec::new();
        let mut bonus = Vec::new();
        for row in &self.rows {
            let made = indicator(row, &mut used);
            if row.bonus { bonus.push(made) } else { indicators.push(made) }
        }
        let key =
            if self.key.trim().is_empty() { format!("user-{}", self.name.trim()) } else { self.key.trim().to_owned() };
        RatingScheme {
            key,
            version: 1,
            name: self.name.trim().to_owned(),
            source: self.source.clone(),
            subject_kind: self.kind,
            indicators,
            bonus,
            bands: self.bands.iter().map(|&(min_score, stars)| StarBand { min_score, stars }).collect(),
            quotas: self.quotas.iter().map(|&(stars, max_percent)| Quota { stars, max_percent }).collect(),
        }
    }
}

/// The subject form.
#[derive(Debug, Clone)]
pub struct SubjectForm {
    /// The subject corrected (`None`: a new one).
    pub editing: Option<SubjectId>,
    /// The branch that rates it.
    pub branch: Option<OrgId>,
    /// What it is.
    pub kind: RatingSubjectKind,
    /// Its name.
    pub name: String,
    /// The organisation whose records measure it.
    pub org: Option<OrgId>,
    /// The member, for a member (or a grid worker who is one).
    pub member: Option<MemberId>,
    /// 备注.
    pub note: String,
}

impl Default for SubjectForm {
    fn default() -> Self {
        Self {
            editing: None,
            branch: None,
            kind: RatingSubjectKind::ResidentialCompound,
            name: String::new(),
            org: None,
            member: None,
            note: String::new(),
        }
    }
}

/// The star-rating screen's state.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The part shown.
    pub part: Part,
    /// The sheet whose results are shown (its version in force).
    pub scheme: Option<SchemeId>,
    /// The subject of the rating form.
    pub subject: Option<SubjectId>,
    /// Scores typed, by indicator key.
    pub scores: Vec<(String, f64)>,
    /// The saved rating the form corrects, and the sheet version it was scored on.
    pub editing: Option<(RatingId, SchemeId)>,
    /// The subject form.
    pub subject_form: SubjectForm,
    /// The sheet editor (open when some).
    pub sheet: Option<SheetForm>,
    /// Why the last form was refused.
    pub error: Option<String>,
}

impl State {
    /// After a save: clear the rating form (the subject form too).
    pub fn saved(&mut self) {
        self.editing = None;
        self.subject = None;
        self.scores.clear();
        self.subject_form = SubjectForm { branch: self.subject_form.branch, ..SubjectForm::default() };
        self.error = None;
    }

    /// A sheet was saved as `id`: the editor shows it and the results follow it.
    pub fn sheet_saved(&mut self, id: SchemeId) {
        self.sheet = None;
        self.scheme = Some(id);
        self.error = None;
    }
}

/// The newest version of each sheet key, in the order the keys were first saved.
fn current(data: &Data) -> Vec<&Stored<SchemeId, RatingScheme>> {
    let mut out: Vec<&Stored<SchemeId, RatingScheme>> = Vec::new();
    for s in &data.schemes {
        match out.iter_mut().find(|o| o.record.key == s.record.key) {
            Some(o) if o.record.version < s.record.version => *o = s,
            Some(_) => {}
            None => out.push(s),
        }
    }
    out.sort_by_key(|s| data.schemes.iter().position(|o| o.record.key == s.record.key));
    out
}

/// Draws the star-rating tab.
pub fn stars_ui(ui: &mut Ui, state: &mut State, data: &Data, year: i32, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.selectable_value(&mut state.part, Part::Results, "评定结果");
        ui.selectable_value(&mut state.part, Part::Subjects, "对象登记");
        ui.selectable_value(&mut state.part, Part::Sheets, "指标设置");
    });
    ui.separator();
    match state.part {
        Part::Results => results_ui(ui, state, data, year, commands),
        Part::Subjects => subjects_ui(ui, state, data, commands),
        Part::Sheets => sheets_ui(ui, state, data, commands),
    }
    if let Some(error) = &state.error {
        widgets::error_text_ui(ui, error);
    }
}

fn results_ui(ui: &mut Ui, state: &mut State, data: &Data, year: i32, commands: &mut Vec<Command>) {
    ui.heading(format!("{year}年度 星级评定"));
    let sheets = current(data);
    if sheets.is_empty() {
        ui.label("还没有评定指标。请在“指标设置”中新建，或安装提供指标的报表插件（如内置的“星级评定公示”）。");
        return;
    }
    let choices: Vec<_> =
        sheets.iter().map(|s| (Some(s.id), format!("{}（第{}版）", s.record.name, s.record.version))).collect();
    if state.scheme.is_none_or(|id| !sheets.iter().any(|s| s.id == id)) {
        state.scheme = sheets.first().map(|s| s.id);
    }
    let before = state.scheme;
    egui::Grid::new("scheme-pick").num_columns(2).show(ui, |ui| {
        widgets::choice_ui(ui, "评定指标", &mut state.scheme, &choices);
    });
    if before != state.scheme {
        state.saved();
    }
    let Some(sheet) = state.scheme.and_then(|id| sheets.iter().find(|s| s.id == id)).copied() else { return };
    ui.label(format!(
        "评定{}；来源：{}；满分{}分",
        sheet.record.subject_kind.label(),
        if sheet.record.source == "user" { "本单位设置" } else { &sheet.record.source },
        sheet.record.max_total()
    ));
    if let Some(board) = data.boards.iter().find(|b| b.scheme.record.key == sheet.record.key) {
        board_ui(ui, state, data, board, commands);
    } else {
        ui.label("本年度尚无评定结果。");
    }
    ui.separator();
    rating_form_ui(ui, state, data, sheet, year, commands);
}

fn board_ui(ui: &mut Ui, state: &mut State, data: &Data, board: &Board, commands: &mut Vec<Command>) {
    egui::Grid::new("ratings").striped(true).show(ui, |ui| {
        for title in ["排名", "评定对象", "总分", "星级", "上年", "升降", "距下一星", "名额", ""] {
            ui.strong(title);
        }
        ui.end_row();
        for row in &board.rows {
            ui.label(if row.tied { format!("{}（并列）", row.rank) } else { row.rank.to_string() });
            ui.label(&row.name);
            ui.label(format!("{:.1}", row.total));
            ui.label(star_string(row.stars));
            ui.label(row.last_year.map_or("—".into(), |s| format!("{s}星")));
            ui.label(row.movement.label());
            ui.label(row.next.as_ref().map_or("已达最高星级".into(), |n| {
                let top: Vec<String> = n.gaps.iter().take(2).map(|g| format!("{}差{:.1}", g.name, g.gap)).collect();
                format!("{}星差{:.1}分（{}）", n.stars, n.points_needed, top.join("，"))
            }));
            if row.beyond_quota {
                widgets::warning_text_ui(ui, "超出名额");
            } else {
                ui.label("");
            }
            ui.horizontal(|ui| {
                if ui.small_button("修改").on_hover_text(format!("修改{}的评定", row.name)).clicked() {
                    state.editing = Some((row.rating, row.scheme));
                    state.subject = Some(row.subject);
                    state.scores = row.record.scores.iter().map(|s| (s.key.clone(), s.score)).collect();
                    state.error = None;
                }
                if ui.small_button("删除").on_hover_text(format!("删除{}的评定", row.name)).clicked() {
                    commands.push(Command::Op(Op::DeleteStarRating(row.rating)));
                }
            });
            ui.end_row();
        }
    });
    for q in board.quotas.iter().filter(|q| q.exceeded()) {
        widgets::warning_text_ui(
            ui,
            &format!(
                "名额：{}星{}个，超过{}%的名额（{}个）{}",
                q.stars,
                q.count,
                q.max_percent,
                q.allowed,
                if board.rows.iter().any(|r| r.stars == q.stars && r.tied) {
                    "；同分并列者由评定小组确定"
                } else {
                    ""
                }
            ),
        );
    }
    let _ = data;
}

fn rating_form_ui(
    ui: &mut Ui,
    state: &mut State,
    data: &Data,
    current: &Stored<SchemeId, RatingScheme>,
    year: i32,
    commands: &mut Vec<Command>,
) {
    // A correction keeps the version it was scored on.
    let scheme_id = state.editing.map_or(current.id, |(_, s)| s);
    let Some(sheet) = data.schemes.iter().find(|s| s.id == scheme_id) else { return };
    match state.editing {
        Some(_) => {
            ui.horizontal(|ui| {
                ui.strong(format!("修改评定（按第{}版指标）", sheet.record.version));
                if ui.button("取消修改").clicked() {
                    state.saved();
                }
            });
        }
        None => {
            ui.strong("新增评定（每个对象每年一次，已评定的请点“修改”）");
        }
    }
    let subjects: Vec<_> = data
        .subjects
        .iter()
        .filter(|s| s.record.kind == sheet.record.subject_kind)
        .map(|s| (Some(s.id), format!("{}（{}）", s.record.name, data.org_name(s.record.branch))))
        .collect();
    if subjects.is_empty() {
        ui.label(format!("还没有登记{}。请先在“对象登记”中登记。", sheet.record.subject_kind.label()));
        return;
    }
    let measured = state
        .subject
        .and_then(|subject| data.measured.iter().find(|(s, scheme, _)| *s == subject && *scheme == sheet.id))
        .map(|(_, _, m)| m.as_slice())
        .unwrap_or_default();
    let mut scores = Vec::new();
    egui::Grid::new("rating-form").num_columns(3).spacing([12.0, 8.0]).show(ui, |ui| {
        let label = ui.label("评定对象");
        egui::ComboBox::from_id_salt("评定对象")
            .selected_text(subjects.iter().find(|(v, _)| *v == state.subject).map_or("", |(_, t)| t.as_str()))
            .width(260.0)
            .show_ui(ui, |ui| {
                for (option, text) in &subjects {
                    ui.selectable_value(&mut state.subject, *option, text);
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
        for indicator in sheet.record.all_indicators() {
            let bonus = if sheet.record.bonus.iter().any(|b| b.key == indicator.key) { "，加分项" } else { "" };
            let label = ui.label(format!("{}（满分{}{bonus}）", indicator.name, indicator.max_score));
            if let Some(m) = measured.iter().find(|m| m.key == indicator.key) {
                ui.label(format!("{:.1}", m.score)).labelled_by(label.id);
                ui.weak(format!("来自记录：{}", m.text)).on_hover_text(&m.source);
                scores.push(IndicatorScore { key: indicator.key.clone(), score: m.score });
            } else {
                let slot = match state.scores.iter().position(|(k, _)| *k == indicator.key) {
                    Some(i) => i,
                    None => {
                        state.scores.push((indicator.key.clone(), 0.0));
                        state.scores.len() - 1
                    }
                };
                let score = &mut state.scores[slot].1;
                ui.add(egui::DragValue::new(score).range(0.0..=indicator.max_score).speed(0.5)).labelled_by(label.id);
                ui.label(if indicator.measure.is_some() { "该对象无可用记录，手工录入" } else { "" });
                scores.push(IndicatorScore { key: indicator.key.clone(), score: *score });
            }
            ui.end_row();
        }
    });
    if !measured.is_empty() {
        let sources: Vec<String> = measured
            .iter()
            .filter_map(|m| {
                let name = sheet.record.all_indicators().find(|i| i.key == m.key)?.name.clone();
                Some(format!("{name}——{}", m.source))
            })
            .collect();
        ui.weak(format!("计分来源：{}", sources.join("；")));
    }
    let total: f64 = scores.iter().map(|s| s.score).sum();
    let next = sheet.record.next_star(&scores).map_or(String::new(), |n| {
        let top: Vec<String> = n.gaps.iter().take(3).map(|g| format!("{}差{:.1}", g.name, g.gap)).collect();
        format!("；距{}星还差{:.1}分，提升空间最大：{}", n.stars, n.points_needed, top.join("，"))
    });
    ui.label(format!("总分 {total:.1}，{}{next}", star_string(sheet.record.stars_for(total))));
    if ui.button("保存星级评定").clicked() {
        let Some(subject) = state.subject else {
            state.error = Some("请选择评定对象".into());
            return;
        };
        let rating = StarRating { scheme: sheet.id, year, subject, scores };
        match (rating.validate(&sheet.record), state.editing) {
            (Ok(()), Some((id, _))) => commands.push(Command::Op(Op::UpdateStarRating(id, Box::new(rating)))),
            (Ok(()), None) => commands.push(Command::SaveStarRating(Box::new(rating))),
            (Err(error), _) => state.error = Some(error.to_string()),
        }
    }
}

fn subjects_ui(ui: &mut Ui, state: &mut State, data: &Data, commands: &mut Vec<Command>) {
    ui.heading("评定对象");
    let branches = data.branch_choices();
    egui::Grid::new("subjects").striped(true).show(ui, |ui| {
        for title in ["类型", "名称", "所属支部", "按谁的记录计分", "备注", ""] {
            ui.strong(title);
        }
        ui.end_row();
        for s in &data.subjects {
            let r = &s.record;
            ui.label(r.kind.label());
            ui.label(&r.name);
            ui.label(data.org_name(r.branch));
            ui.label(match (r.member, r.org) {
                (Some(m), _) => data.member_name(m),
                (None, Some(o)) => data.org_name(o),
                (None, None) => "—（手工录入）".into(),
            });
            ui.label(&r.note);
            ui.horizontal(|ui| {
                if ui.small_button("修改").on_hover_text(format!("修改评定对象{}", r.name)).clicked() {
                    state.subject_form = SubjectForm {
                        editing: Some(s.id),
                        branch: Some(r.branch),
                        kind: r.kind,
                        name: r.name.clone(),
                        org: r.org,
                        member: r.member,
                        note: r.note.clone(),
                    };
                }
                if ui.small_button("删除").on_hover_text(format!("删除评定对象{}", r.name)).clicked() {
                    commands.push(Command::Op(Op::DeleteSubject(s.id)));
                }
            });
            ui.end_row();
        }
    });
    ui.separator();
    let form = &mut state.subject_form;
    ui.strong(if form.editing.is_some() { "修改评定对象" } else { "登记评定对象" });
    egui::Grid::new("subject-form").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        widgets::choice_ui(ui, "评定单位（支部）", &mut form.branch, &branches);
        let kinds: Vec<_> = RatingSubjectKind::ALL.iter().map(|k| (*k, k.label().to_owned())).collect();
        widgets::choice_ui(ui, "对象类型", &mut form.kind, &kinds);
        field_ui(ui, "对象名称", &mut form.name);
        let mut orgs = vec![(None, "无（全部手工录入）".to_owned())];
        orgs.extend(data.branch_choices());
        widgets::choice_ui(ui, "按此组织的记录计分", &mut form.org, &orgs);
        if matches!(form.kind, RatingSubjectKind::Member | RatingSubjectKind::GridWorker) {
            let mut members = vec![(None, "无".to_owned())];
            members.extend(data.member_choices(form.branch));
            widgets::choice_ui(ui, "党员", &mut form.member, &members);
        }
        field_ui(ui, "备注", &mut form.note);
    });
    ui.horizontal(|ui| {
        if ui.button("保存评定对象").clicked() {
            let Some(branch) = form.branch else {
                state.error = Some("请选择评定单位（支部）".into());
                return;
            };
            let member =
                form.member.filter(|_| matches!(form.kind, RatingSubjectKind::Member | RatingSubjectKind::GridWorker));
            // A branch rates itself by its own records unless told otherwise.
            let org = form.org.or((form.kind == RatingSubjectKind::Branch).then_some(branch));
            let name = match (form.kind, member) {
                (RatingSubjectKind::Member, Some(m)) if form.name.trim().is_empty() => data.member_name(m),
                _ => form.name.clone(),
            };
            let subject =
                RatingSubject { branch, kind: form.kind, name, org, member, volunteer: None, note: form.note.clone() };
            match subject.validate() {
                Ok(()) => commands.push(Command::Op(Op::SaveSubject(form.editing, Box::new(subject)))),
                Err(error) => state.error = Some(error.to_string()),
            }
        }
        if form.editing.is_some() && ui.button("取消修改").clicked() {
            *form = SubjectForm { branch: form.branch, ..SubjectForm::default() };
        }
    });
}

fn sheets_ui(ui: &mut Ui, state: &mut State, data: &Data, commands: &mut Vec<Command>) {
    ui.heading("指标设置");
    egui::Grid::new("sheets").striped(true).show(ui, |ui| {
        for title in ["指标", "版本", "评定对象", "来源", "满分", ""] {
            ui.strong(title);
        }
        ui.end_row();
        for s in current(data) {
            ui.label(&s.record.name);
            ui.label(format!("第{}版", s.record.version));
            ui.label(s.record.subject_kind.label());
            ui.label(if s.record.source == "user" { "本单位设置" } else { &s.record.source });
            ui.label(format!("{}", s.record.max_total()));
            if ui.small_button("调整").on_hover_text(format!("调整{}", s.record.name)).clicked() {
                let has_results = data.boards.iter().any(|b| b.rows.iter().any(|r| r.scheme == s.id))
                    || data.ratings.iter().any(|r| r.record.scheme == s.id);
                state.sheet = Some(SheetForm::of(s.id, &s.record, has_results));
                state.error = None;
            }
            ui.end_row();
        }
    });
    if state.sheet.is_none() && ui.button("新建评定指标").clicked() {
        state.sheet = Some(SheetForm::blank());
        state.error = None;
    }
    let Some(form) = state.sheet.as_mut() else { return };
    ui.separator();
    ui.strong(match form.editing {
        Some(_) if form.has_results => "调整评定指标（已有评定结果：保存为新版本，原结果仍按原版本）",
        Some(_) => "调整评定指标",
        None => "新建评定指标",
    });
    egui::Grid::new("sheet-form").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        field_ui(ui, "指标名称", &mut form.name);
        if form.editing.is_none() {
            let kinds: Vec<_> = RatingSubjectKind::ALL.iter().map(|k| (*k, k.label().to_owned())).collect();
            widgets::choice_ui(ui, "评定对象类型", &mut form.kind, &kinds);
        }
    });
    ui.label("指标项（绑定记录的项目由记录自动计分）");
    let mut measures: Vec<(Option<usize>, String)> = vec![(None, "手工录入".into())];
    measures.extend(Measure::ALL.iter().enumerate().map(|(i, m)| (Some(i), format!("记录：{}", m.label()))));
    let mut remove = None;
    egui::Grid::new("sheet-rows").num_columns(6).spacing([8.0, 6.0]).show(ui, |ui| {
        for (i, row) in form.rows.iter_mut().enumerate() {
            let n = i + 1;
            let label = ui.label(format!("第{n}项"));
            // Sized explicitly: inside a grid a text box otherwise shrinks to its column's last width.
            ui.add_sized([150.0, 20.0], egui::TextEdit::singleline(&mut row.name)).labelled_by(label.id);
            let max = ui.label("分值");
            ui.add(egui::DragValue::new(&mut row.max).range(0.5..=100.0).speed(0.5)).labelled_by(max.id);
            ui.checkbox(&mut row.bonus, format!("第{n}项为加分项"));
            let text = measures.iter().find(|(v, _)| *v == row.measure).map_or(String::new(), |(_, t)| t.clone());
            let name = format!("第{n}项计分方式");
            egui::ComboBox::from_id_salt(&name)
                .selected_text(text)
                .width(170.0)
                .show_ui(ui, |ui| {
                    for (option, text) in &measures {
                        if ui.selectable_value(&mut row.measure, *option, text).changed() {
                            row.setting = match option.and_then(|i| Measure::ALL.get(i)) {
                                Some(Measure::VolunteerHours { full_at }) => *full_at,
                                Some(Measure::Findings { deduct }) => *deduct,
                                _ => 0.0,
                            };
                        }
                    }
                })
                .response
                // Named without a visible label: the row's own 第N项 names it for screen readers.
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, &name));
            match row.measure.and_then(|i| Measure::ALL.get(i)) {
                Some(Measure::VolunteerHours { .. }) => {
                    let l = ui.label("满分时长");
                    ui.add(egui::DragValue::new(&mut row.setting).range(0.5..=500.0).suffix("小时")).labelled_by(l.id);
                }
                Some(Measure::Findings { .. }) => {
                    let l = ui.label("每项扣分");
                    ui.add(egui::DragValue::new(&mut row.setting).range(0.5..=100.0)).labelled_by(l.id);
                }
                _ => {
                    ui.label("");
                    ui.label("");
                }
            }
            if ui.small_button("移除").on_hover_text(format!("移除第{n}项")).clicked() {
                remove = Some(i);
            }
            ui.end_row();
        }
    });
    if let Some(i) = remove {
        form.rows.remove(i);
    }
    if ui.button("添加指标项").clicked() {
        form.rows.push(IndicatorRow { max: 10.0, ..IndicatorRow::default() });
    }
    ui.label("星级标准（总分达到即得该星级）");
    ui.horizontal_wrapped(|ui| {
        for (min, stars) in form.bands.iter_mut() {
            let l = ui.label(format!("{stars}星"));
            ui.add(egui::DragValue::new(min).range(0.0..=200.0).suffix("分")).labelled_by(l.id);
        }
    });
    ui.label("名额比例（不设则不限）");
    ui.horizontal_wrapped(|ui| {
        for stars in (1..=5u8).rev() {
            let mut percent = form.quotas.iter().find(|q| q.0 == stars).map_or(0.0, |q| q.1);
            let l = ui.label(format!("{stars}星名额"));
            if ui.add(egui::DragValue::new(&mut percent).range(0.0..=100.0).suffix("%")).labelled_by(l.id).changed() {
                form.quotas.retain(|q| q.0 != stars);
                if percent > 0.0 {
                    form.quotas.push((stars, percent));
                    form.quotas.sort_by_key(|q| std::cmp::Reverse(q.0));
                }
            }
        }
    });
    let scheme = form.scheme();
    let editing = form.editing;
    ui.label(format!("满分{}分（含加分项）", scheme.max_total()));
    let mut close = false;
    ui.horizontal(|ui| {
        if ui.button("保存评定指标").clicked() {
            match scheme.validate() {
                Ok(()) => commands.push(Command::Op(Op::SaveScheme(editing, Box::new(scheme)))),
                Err(error) => state.error = Some(error.to_string()),
            }
        }
        close = ui.button("关闭").clicked();
    });
    if close {
        state.sheet = None;
    }
}
