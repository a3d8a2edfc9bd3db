//! 会议: the year's meetings by type and month, and the editor: attendance grid pre-filled from
//! the branch roster, agenda, speeches, resolutions with votes, the quorum check shown live,
//! attachments through the native file dialog, and finalize.

use super::command::Command;
use super::members::parse_date;
use super::ops::Op;
use super::picker::{Dialog, Then};
use super::widgets::{self, field_ui, hinted_field_ui};
use super::workspace::{Data, Workspace};
use chrono::{Datelike, NaiveDateTime, NaiveTime};
use egui::Ui;
use egui_extras::{Column, TableBuilder};
use zhibu_core::domain::{
    AgendaItem, Attachment, AttachmentKind, Attendance, Meeting, MeetingId, MeetingKind, MeetingStatus, MemberId,
    Observer, OrgId, OrgKind, Presence, Resolution, Speech, Votes,
};
use zhibu_core::rules::{RuleSet, Severity};
use zhibu_core::store::Amendment;

/// The meeting screen's state.
#[derive(Default)]
pub struct State {
    /// Only this type.
    pub kind: Option<MeetingKind>,
    /// Only this month (1–12).
    pub month: Option<u32>,
    /// Only this branch.
    pub branch: Option<OrgId>,
    /// The editor, and its state when opened.
    pub editor: Option<(Editor, Editor)>,
    /// A delete waiting for confirmation.
    pub confirm_delete: bool,
    /// Finalizing waits for confirmation.
    pub confirm_finalize: bool,
    /// Why the last meeting could not be opened.
    pub load_error: Option<String>,
}

/// How a member's attendance is marked in the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// 出席.
    Present,
    /// 请假.
    Leave,
    /// 缺席.
    Absent,
    /// Not expected (not counted as 应到).
    NotExpected,
}

/// One attendance row of the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct AttendanceRow {
    /// The member.
    pub member: MemberId,
    /// Their name.
    pub name: String,
    /// The mark.
    pub mark: Mark,
    /// Reason for leave or absence.
    pub reason: String,
}

/// The editor's fields, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Editor {
    /// The meeting edited, or None for a new one.
    pub id: Option<MeetingId>,
    /// Final meetings are shown read-only.
    pub status: MeetingStatus,
    /// 会议类型.
    pub kind: MeetingKind,
    /// 支部.
    pub branch: Option<OrgId>,
    /// 党小组 (group meetings).
    pub group: Option<OrgId>,
    /// 会议名称.
    pub title: String,
    /// 日期.
    pub date: String,
    /// 开始时间.
    pub starts: String,
    /// 结束时间.
    pub ends: String,
    /// 地点.
    pub place: String,
    /// 主持人.
    pub host: String,
    /// 记录人.
    pub recorder: String,
    /// The attendance grid.
    pub attendance: Vec<AttendanceRow>,
    /// 议题.
    pub agenda: Vec<String>,
    /// 列席 (name, unit and post).
    pub observers: Vec<(String, String)>,
    /// 发言 (agenda item, speaker, content).
    pub speeches: Vec<(Option<u32>, String, String)>,
    /// 决议 (text, yes, no, abstain).
    pub resolutions: Vec<(String, u32, u32, u32)>,
    /// 附件.
    pub attachments: Vec<Attachment>,
    /// The amendments of a final record, first first (each keeps the version it replaced).
    pub amendments: Vec<Amendment>,
    /// A final record being corrected: the fields are open and a reason is asked.
    pub amending: bool,
    /// 更正原因.
    pub reason: String,
    /// Why the last save was refused.
    pub error: Option<String>,
}

impl Editor {
    fn new(data: &Data, branch: Option<OrgId>, year: i32) -> Self {
        let today = chrono::Local::now().date_naive();
        let date = if today.year() == year { today } else { today.with_year(year).unwrap_or(today) };
        let mut editor = Self {
            id: None,
            status: MeetingStatus::Draft,
            kind: MeetingKind::CommitteeMeeting,
            branch,
            group: None,
            title: String::new(),
            date: date.format("%Y-%m-%d").to_string(),
            starts: "14:30".into(),
            ends: "16:00".into(),
            place: String::new(),
            host: String::new(),
            recorder: String::new(),
            attendance: Vec::new(),
            agenda: vec![String::new()],
            observers: Vec::new(),
            speeches: Vec::new(),
            resolutions: Vec::new(),
            attachments: Vec::new(),
            amendments: Vec::new(),
            amending: false,
            reason: String::new(),
            error: None,
        };
        editor.fill_roster(data);
        editor
    }

    fn from_meeting(id: MeetingId, meeting: &Meeting, amendments: Vec<Amendment>, data: &Data) -> Self {
        let mark = |p: &Presence| match p {
            Presence::Present => (Mark::Present, String::new()),
            Presence::OnLeave { reason } => (Mark::Leave, reason.clone()),
            Presence::Absent { reason } => (Mark::Absent, reason.clone()),
        };
        let mut editor = Self {
            id: Some(id),
            status: meeting.status,
            kind: meeting.kind,
            branch: Some(meeting.branch),
            group: meeting.group,
            title: meeting.title.clone(),
            date: meeting.starts_at.format("%Y-%m-%d").to_string(),
            starts: meeting.starts_at.format("%H:%M").to_string(),
            ends: meeting.ends_at.format("%H:%M").to_string(),
            place: meeting.place.clone(),
            host: meeting.host.clone(),
            recorder: meeting.recorder.clone(),
            attendance: meeting
                .attendance
                .iter()
                .map(|a| {
                    let (mark, reason) = mark(&a.presence);
                    AttendanceRow { member: a.member, name: data.member_name(a.member), mark, reason }
                })
                .collect(),
            agenda: meeting.agenda.iter().map(|a| a.title.clone()).collect(),
            observers: meeting.observers.iter().map(|o| (o.name.clone(), o.affiliation.clone())).collect(),
            speeches: meeting.speeches.iter().map(|s| (s.agenda_index, s.speaker.clone(), s.content.clone())).collect(),
            resolutions: meeting
                .resolutions
                .iter()
                .map(|r| (r.text.clone(), r.votes.yes, r.votes.no, r.votes.abstain))
                .collect(),
            attachments: meeting.attachments.clone(),
            amendments,
            amending: false,
            reason: String::new(),
            error: None,
        };
        // Members who joined the branch since are offered too, as not expected.
        let listed: Vec<MemberId> = editor.attendance.iter().map(|a| a.member).collect();
        for member in data.members.iter().filter(|m| Some(m.record.branch) == editor.branch && !listed.contains(&m.id))
        {
            editor.attendance.push(AttendanceRow {
                member: member.id,
                name: member.record.name.clone(),
                mark: Mark::NotExpected,
                reason: String::new(),
            });
        }
        editor
    }

    /// Lists the branch's members, everyone expected and marked present (the usual case; the
    /// secretary marks the exceptions). A committee meeting expects only the committee members.
    fn fill_roster(&mut self, data: &Data) {
        let committee = self
            .branch
            .filter(|_| self.kind == MeetingKind::CommitteeMeeting)
            .and_then(|b| data.committees.get(&b))
            .filter(|c| !c.is_empty());
        self.attendance = data
            .members
            .iter()
            .filter(|m| Some(m.record.branch) == self.branch)
            .map(|m| {
                let expected = committee.is_none_or(|c| c.contains(&m.id));
                let mark = if expected { Mark::Present } else { Mark::NotExpected };
                AttendanceRow { member: m.id, name: m.record.name.clone(), mark, reason: String::new() }
            })
            .collect();
        // Expected members first, so the committee sits at the top of the grid.
        self.attendance.sort_by_key(|row| row.mark == Mark::NotExpected);
    }

    /// The record the editor describes, or the first problem in Chinese.
    pub fn to_meeting(&self) -> Result<Meeting, String> {
        let date = parse_date("会议日期", &self.date)?;
        let time = |field: &str, text: &str| {
            NaiveTime::parse_from_str(text.trim(), "%H:%M")
                .map_err(|_| format!("{field}应写成 时:分（如 14:30）：{}", text.trim()))
        };
        let starts_at = NaiveDateTime::new(date, time("开始时间", &self.starts)?);
        let ends_at = NaiveDateTime::new(date, time("结束时间", &self.ends)?);
        let meeting = Meeting {
            kind: self.kind,
            branch: self.branch.ok_or("请选择支部")?,
            group: self.group.filter(|_| self.kind == MeetingKind::GroupMeeting),
            title: self.title.trim().to_owned(),
            starts_at,
            ends_at,
            place: self.place.trim().to_owned(),
            host: self.host.trim().to_owned(),
            recorder: self.recorder.trim().to_owned(),
            attendance: self
                .attendance
                .iter()
                .filter_map(|row| {
                    let presence = match row.mark {
                        Mark::Present => Presence::Present,
                        Mark::Leave => Presence::OnLeave { reason: row.reason.trim().to_owned() },
                        Mark::Absent => Presence::Absent { reason: row.reason.trim().to_owned() },
                        Mark::NotExpected => return None,
                    };
                    Some(Attendance { member: row.member, presence })
                })
                .collect(),
            observers: self
                .observers
                .iter()
                .filter(|(n, a)| !n.trim().is_empty() || !a.trim().is_empty())
                .map(|(n, a)| Observer { name: n.trim().to_owned(), affiliation: a.trim().to_owned() })
                .collect(),
            agenda: self
                .agenda
                .iter()
                .filter(|t| !t.trim().is_empty())
                .map(|t| AgendaItem { title: t.trim().to_owned() })
                .collect(),
            speeches: self
                .speeches
                .iter()
                .filter(|(_, s, c)| !s.trim().is_empty() || !c.trim().is_empty())
                .map(|(item, s, c)| Speech {
                    agenda_index: *item,
                    speaker: s.trim().to_owned(),
                    content: c.trim().to_owned(),
                })
                .collect(),
            resolutions: self
                .resolutions
                .iter()
                .filter(|(t, ..)| !t.trim().is_empty())
                .map(|(t, yes, no, abstain)| Resolution {
                    text: t.trim().to_owned(),
                    votes: Votes { yes: *yes, no: *no, abstain: *abstain },
                })
                .collect(),
            attachments: self.attachments.clone(),
            status: MeetingStatus::Draft,
        };
        meeting.validate().map_err(|e| e.to_string())?;
        Ok(meeting)
    }
}

impl State {
    /// Opens the editor on a meeting read in full (after [`Command::OpenMeeting`]), or says why not.
    pub fn opened(&mut self, id: MeetingId, meeting: Result<(Meeting, Vec<Amendment>), String>, data: &Data) {
        match meeting {
            Ok((meeting, amendments)) => {
                let editor = Editor::from_meeting(id, &meeting, amendments, data);
                self.editor = Some((editor.clone(), editor));
                self.load_error = None;
            }
            Err(error) => self.load_error = Some(format!("读取会议失败：{error}")),
        }
    }

    /// Whether the editor differs from what was loaded.
    pub fn is_dirty(&self) -> bool {
        self.editor.as_ref().is_some_and(|(editor, original)| {
            let mut a = editor.clone();
            a.error = None;
            let mut b = original.clone();
            b.error = None;
            a != b
        })
    }

    /// Drops the editor's changes.
    pub fn discard(&mut self) {
        self.editor = None;
    }

    /// Opens a new meeting (Ctrl+N) for the filtered branch, or the first one.
    pub fn new_form(&mut self, data: &Data, year: i32) {
        let branch = self.branch.or_else(|| data.branches().next().map(|b| b.id));
        let editor = Editor::new(data, branch, year);
        self.editor = Some((editor.clone(), editor));
        self.confirm_finalize = false;
        self.confirm_delete = false;
    }

    /// Saves the editor (Ctrl+S).
    pub fn request_save(&mut self, commands: &mut Vec<Command>) {
        if let Some((editor, _)) = &mut self.editor {
            save(editor, false, commands);
        }
    }

    /// After a save: show the saved meeting as loaded.
    pub fn saved(&mut self, id: MeetingId, meeting: Meeting, amendments: Vec<Amendment>, data: &Data) {
        let editor = Editor::from_meeting(id, &meeting, amendments, data);
        self.editor = Some((editor.clone(), editor));
        self.confirm_finalize = false;
    }

    /// After an amendment: the editor is read again from the store (with its new history).
    pub fn amended(&mut self, id: MeetingId) {
        if let Some((editor, original)) = &mut self.editor
            && editor.id == Some(id)
        {
            editor.amending = false;
            editor.reason.clear();
            *original = editor.clone();
        }
    }

    /// After a delete: close the editor.
    pub fn deleted(&mut self, _id: MeetingId) {
        self.editor = None;
        self.confirm_delete = false;
    }

    /// Adds an attachment the user picked.
    pub fn attach(&mut self, attachment: Attachment) {
        if let Some((editor, _)) = &mut self.editor {
            editor.attachments.push(attachment);
        }
    }
}

fn save(editor: &mut Editor, finalize: bool, commands: &mut Vec<Command>) {
    match editor.to_meeting() {
        Ok(meeting) => {
            editor.error = None;
            commands.push(Command::SaveMeeting(editor.id, Box::new(meeting), finalize));
        }
        Err(error) => editor.error = Some(error),
    }
}

/// Draws the meeting screen.
pub fn meetings_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let data = &workspace.data;
    let state = &mut workspace.meetings;
    if let Some((editor, _)) = &mut state.editor {
        let mut close = false;
        let flags = (&mut state.confirm_finalize, &mut state.confirm_delete, &mut close);
        editor_ui(ui, editor, data, &workspace.rules, commands, flags);
        if close {
            state.editor = None;
        }
        return;
    }
    ui.horizontal(|ui| {
        ui.heading(format!("{}年度会议", workspace.year));
        if ui.button("＋ 记录会议（Ctrl+N）").clicked() {
            state.new_form(data, workspace.year);
        }
        // Into the branch the list is filtered to, else the first (the panel lets it be changed).
        let branch = state.branch.or_else(|| data.branches().next().map(|b| b.id));
        let sheet = zhibu_core::services::import::Sheet::Register;
        super::imports::start_ui(ui, "导入三会一课登记表……", sheet, branch, commands);
    });
    super::imports::panel_ui(
        ui,
        &mut workspace.imports,
        |s| s == zhibu_core::services::import::Sheet::Register,
        data,
        commands,
    );
    ui.horizontal(|ui| {
        egui::Grid::new("meeting-filters").num_columns(6).show(ui, |ui| {
            let mut kinds = vec![(None, "全部类型".to_owned())];
            kinds.extend(MeetingKind::ALL.iter().map(|k| (Some(*k), k.label().to_owned())));
            let label = ui.label("类型");
            combo(ui, "meeting-kind", label.id, &mut state.kind, &kinds);
            let mut months = vec![(None, "全年".to_owned())];
            months.extend((1..=12).map(|m| (Some(m), format!("{m}月"))));
            let label = ui.label("月份");
            combo(ui, "meeting-month", label.id, &mut state.month, &months);
            let mut branches = vec![(None, "全部支部".to_owned())];
            branches.extend(data.branches().map(|b| (Some(b.id), b.record.name.clone())));
            let label = ui.label("支部");
            combo(ui, "meeting-branch", label.id, &mut state.branch, &branches);
        });
    });
    let rows: Vec<usize> = data
        .meetings
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            let r = &m.record;
            state.kind.is_none_or(|k| r.kind == k)
                && state.month.is_none_or(|mo| r.date().month() == mo)
                && state.branch.is_none_or(|b| r.branch == b)
        })
        .map(|(i, _)| i)
        .collect();
    ui.label(format!("共 {} 次会议（点击一行打开）", rows.len()));
    if let Some(error) = &state.load_error {
        widgets::error_text_ui(ui, error);
    }
    ui.separator();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let mut open = None;
    // A click anywhere on a row opens it; selectable text would swallow the click.
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(110.0))
        .column(Column::exact(130.0))
        .column(Column::exact(260.0))
        .column(Column::exact(160.0))
        .column(Column::exact(90.0))
        .column(Column::remainder())
        .header(row_height, |mut header| {
            for title in ["日期", "类型", "会议名称", "支部", "应到/实到", "状态"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, rows.len(), |mut row| {
                let Some(stored) = rows.get(row.index()).and_then(|&i| data.meetings.get(i)) else { return };
                let m = &stored.record;
                row.col(|ui| {
                    ui.label(m.starts_at.format("%Y-%m-%d").to_string());
                });
                row.col(|ui| {
                    ui.label(m.kind.label());
                });
                row.col(|ui| {
                    ui.label(&m.title);
                });
                row.col(|ui| {
                    ui.label(data.org_name(m.branch));
                });
                row.col(|ui| {
                    ui.label(format!("{}/{}", m.attendance.len(), m.present_count()));
                });
                row.col(|ui| {
                    ui.label(if m.status == MeetingStatus::Final { "定稿" } else { "草稿" });
                });
                if row.response().clicked() {
                    open = Some(stored.id);
                }
            });
        });
    if let Some(id) = open {
        // The list holds summaries; the whole record is read by `App::logic`, not while drawing.
        commands.push(Command::OpenMeeting(id));
    }
}

fn combo<T: PartialEq + Copy>(ui: &mut Ui, salt: &str, label: egui::Id, value: &mut T, options: &[(T, String)]) {
    let text = options.iter().find(|(v, _)| v == value).map_or("", |(_, t)| t.as_str());
    egui::ComboBox::from_id_salt(salt)
        .selected_text(text)
        .width(180.0)
        .show_ui(ui, |ui| {
            for (option, text) in options {
                ui.selectable_value(value, *option, text);
            }
        })
        .response
        .labelled_by(label);
}

/// The editor; `flags` are the screen's confirm-finalize, confirm-delete and close flags.
fn editor_ui(
    ui: &mut Ui,
    editor: &mut Editor,
    data: &Data,
    rules: &RuleSet,
    commands: &mut Vec<Command>,
    flags: (&mut bool, &mut bool, &mut bool),
) {
    let (confirm_finalize, confirm_delete, close) = flags;
    let locked = editor.status == MeetingStatus::Final && !editor.amending;
    ui.horizontal(|ui| {
        if ui.button("← 返回列表").clicked() {
            *close = true;
        }
        ui.heading(match (editor.id, editor.status, editor.amending) {
            (None, ..) => "记录会议",
            (Some(_), MeetingStatus::Draft, _) => "编辑会议（草稿）",
            (Some(_), MeetingStatus::Final, false) => "会议记录（已定稿，只读）",
            (Some(_), MeetingStatus::Final, true) => "更正会议记录（须填写更正原因，原记录将保留）",
        });
    });
    ui.separator();
    egui::ScrollArea::vertical().id_salt("meeting-editor").show(ui, |ui| {
        ui.add_enabled_ui(!locked, |ui| {
            ui.columns(2, |columns| {
                basics_ui(&mut columns[0], editor, data);
                attendance_ui(&mut columns[1], editor);
            });
            ui.separator();
            observers_ui(ui, editor);
            ui.separator();
            agenda_ui(ui, editor);
            ui.separator();
            resolutions_ui(ui, editor);
        });
        ui.separator();
        attachments_ui(ui, editor, locked, commands);
        ui.separator();
        quorum_ui(ui, editor, data, rules);
        if let Some(error) = &editor.error {
            widgets::error_text_ui(ui, error);
        }
        if editor.status == MeetingStatus::Final {
            amend_ui(ui, editor, commands);
            history_ui(ui, editor, data);
            return;
        }
        if !locked {
            ui.horizontal(|ui| {
                if ui.button("保存草稿（Ctrl+S）").clicked() {
                    save(editor, false, commands);
                }
                if ui.button("定稿……").clicked() {
                    *confirm_finalize = true;
                }
                if editor.id.is_some() && ui.button("删除").clicked() {
                    *confirm_delete = true;
                }
            });
            if *confirm_finalize {
                widgets::warning_text_ui(ui, "定稿后记录存档备查，不能再直接修改（只能留痕修订）。确定定稿？");
                ui.horizontal(|ui| {
                    if ui.button("确定定稿").clicked() {
                        save(editor, true, commands);
                    }
                    if ui.button("暂不定稿").clicked() {
                        *confirm_finalize = false;
                    }
                });
            }
            if *confirm_delete && let Some(id) = editor.id {
                widgets::warning_text_ui(ui, "确定删除这次会议的草稿？可用“撤销删除”（Ctrl+Z）恢复。");
                ui.horizontal(|ui| {
                    if ui.button("确定删除").clicked() {
                        commands.push(Command::DeleteMeeting(id));
                    }
                    if ui.button("取消").clicked() {
                        *confirm_delete = false;
                    }
                });
            }
        }
    });
}

fn basics_ui(ui: &mut Ui, editor: &mut Editor, data: &Data) {
    egui::Grid::new("meeting-basics").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        let kinds: Vec<_> = MeetingKind::ALL.iter().map(|k| (*k, k.label().to_owned())).collect();
        let kind_before = editor.kind;
        widgets::choice_ui(ui, "会议类型", &mut editor.kind, &kinds);
        let branches = data.branch_choices();
        let before = editor.branch;
        widgets::choice_ui(ui, "支部", &mut editor.branch, &branches);
        if before != editor.branch {
            editor.group = None;
        }
        // A new meeting's expected list follows its type and branch; a saved one keeps its record.
        if editor.id.is_none() && (before != editor.branch || kind_before != editor.kind) {
            editor.fill_roster(data);
        }
        if editor.kind == MeetingKind::GroupMeeting {
            let groups: Vec<_> = data
                .orgs
                .iter()
                .filter(|o| o.record.kind == OrgKind::Group && o.record.parent == editor.branch)
                .map(|o| (Some(o.id), o.record.name.clone()))
                .collect();
            widgets::choice_ui(ui, "党小组", &mut editor.group, &groups);
        }
        hinted_field_ui(ui, "会议名称", &mut editor.title, "如：11月支委会");
        hinted_field_ui(ui, "日期", &mut editor.date, "2025-11-20");
        hinted_field_ui(ui, "开始时间", &mut editor.starts, "14:30");
        hinted_field_ui(ui, "结束时间", &mut editor.ends, "16:00");
        field_ui(ui, "地点", &mut editor.place);
        field_ui(ui, "主持人", &mut editor.host);
        field_ui(ui, "记录人", &mut editor.recorder);
    });
}

fn attendance_ui(ui: &mut Ui, editor: &mut Editor) {
    let expected = editor.attendance.iter().filter(|a| a.mark != Mark::NotExpected).count();
    let present = editor.attendance.iter().filter(|a| a.mark == Mark::Present).count();
    ui.horizontal(|ui| {
        ui.strong(format!("出席情况：应到 {expected} 人，实到 {present} 人"));
        if ui.small_button("全部出席").clicked() {
            for row in &mut editor.attendance {
                if row.mark != Mark::NotExpected {
                    row.mark = Mark::Present;
                }
            }
        }
    });
    egui::ScrollArea::vertical().id_salt("attendance").max_height(330.0).show(ui, |ui| {
        egui::Grid::new("attendance-grid").striped(true).num_columns(3).show(ui, |ui| {
            for (i, row) in editor.attendance.iter_mut().enumerate() {
                let name = ui.label(&row.name);
                ui.horizontal(|ui| {
                    ui.push_id(i, |ui| {
                        for (mark, text) in [
                            (Mark::Present, "出席"),
                            (Mark::Leave, "请假"),
                            (Mark::Absent, "缺席"),
                            (Mark::NotExpected, "不计"),
                        ] {
                            ui.radio_value(&mut row.mark, mark, text).on_hover_text(format!("{}：{text}", row.name));
                        }
                    });
                });
                if matches!(row.mark, Mark::Leave | Mark::Absent) {
                    ui.push_id(("reason", i), |ui| {
                        ui.add(egui::TextEdit::singleline(&mut row.reason).hint_text("原因").desired_width(140.0))
                            .labelled_by(name.id);
                    });
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
    });
}

fn agenda_ui(ui: &mut Ui, editor: &mut Editor) {
    ui.strong("议题");
    let mut remove = None;
    for (i, item) in editor.agenda.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            let label = ui.label(format!("议题{}", i + 1));
            ui.add(egui::TextEdit::singleline(item).desired_width(520.0)).labelled_by(label.id);
            if ui.small_button("删除").on_hover_text(format!("删除议题{}", i + 1)).clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        editor.agenda.remove(i);
    }
    if ui.button("＋ 议题").clicked() {
        editor.agenda.push(String::new());
    }
    ui.strong("发言");
    let items: Vec<(Option<u32>, String)> = std::iter::once((None, "（不属某一议题）".to_owned()))
        .chain(editor.agenda.iter().enumerate().map(|(i, t)| {
            let short: String = t.chars().take(12).collect();
            (Some(i as u32), format!("议题{}：{short}", i + 1))
        }))
        .collect();
    let mut remove = None;
    for (i, (item, speaker, content)) in editor.speeches.iter_mut().enumerate() {
        ui.push_id(("speech", i), |ui| {
            ui.horizontal(|ui| {
                let label = ui.label(format!("发言议题{}", i + 1));
                let text =
                    items.iter().find(|(v, _)| v == item).map_or("（不属某一议题）", |(_, t)| t.as_str());
                egui::ComboBox::from_id_salt("speech-item")
                    .selected_text(text)
                    .width(150.0)
                    .show_ui(ui, |ui| {
                        for (value, text) in &items {
                            ui.selectable_value(item, *value, text);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                let label = ui.label(format!("发言人{}", i + 1));
                ui.add(egui::TextEdit::singleline(speaker).desired_width(90.0)).labelled_by(label.id);
                let label = ui.label("内容");
                ui.add(egui::TextEdit::multiline(content).desired_rows(2).desired_width(400.0)).labelled_by(label.id);
                if ui.small_button("删除").on_hover_text(format!("删除发言{}", i + 1)).clicked() {
                    remove = Some(i);
                }
            });
        });
    }
    if let Some(i) = remove {
        editor.speeches.remove(i);
    }
    if ui.button("＋ 发言").clicked() {
        let last = editor.agenda.len().checked_sub(1).map(|i| i as u32);
        editor.speeches.push((last.filter(|_| editor.agenda.len() == 1), String::new(), String::new()));
    }
}

fn observers_ui(ui: &mut Ui, editor: &mut Editor) {
    ui.strong("列席人员（其他支部党员、上级领导或非党员）");
    let mut remove = None;
    for (i, (name, affiliation)) in editor.observers.iter_mut().enumerate() {
        ui.push_id(("observer", i), |ui| {
            ui.horizontal(|ui| {
                let label = ui.label(format!("列席{}姓名", i + 1));
                ui.add(egui::TextEdit::singleline(name).desired_width(100.0)).labelled_by(label.id);
                let label = ui.label("单位及职务");
                ui.add(
                    egui::TextEdit::singleline(affiliation).hint_text("如：街道党工委组织委员").desired_width(260.0),
                )
                .labelled_by(label.id);
                if ui.small_button("删除").on_hover_text(format!("删除列席人员{}", i + 1)).clicked() {
                    remove = Some(i);
                }
            });
        });
    }
    if let Some(i) = remove {
        editor.observers.remove(i);
    }
    if ui.button("＋ 列席人员").clicked() {
        editor.observers.push((String::new(), String::new()));
    }
}

fn attachments_ui(ui: &mut Ui, editor: &mut Editor, locked: bool, commands: &mut Vec<Command>) {
    ui.strong("附件");
    if editor.attachments.is_empty() {
        ui.label("没有附件。签到表请拍照或扫描后添加，并标为“签到表”，会议记录中会注明。");
    }
    let mut remove = None;
    for (i, attachment) in editor.attachments.iter_mut().enumerate() {
        ui.push_id(("attachment", i), |ui| {
            ui.horizontal(|ui| {
                ui.label(format!("{}（{} KB）", attachment.file_name, attachment.size.div_ceil(1024)));
                ui.add_enabled_ui(!locked, |ui| {
                    let label = ui.label(format!("附件{}类型", i + 1));
                    egui::ComboBox::from_id_salt("attachment-kind")
                        .selected_text(attachment.kind.label())
                        .show_ui(ui, |ui| {
                            for kind in AttachmentKind::ALL {
                                ui.selectable_value(&mut attachment.kind, kind, kind.label());
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    if ui.small_button("移除").on_hover_text(format!("移除附件{}", i + 1)).clicked() {
                        remove = Some(i);
                    }
                });
            });
        });
    }
    if let Some(i) = remove {
        editor.attachments.remove(i);
    }
    if !locked && ui.button("添加附件（签到表、照片、会议材料）……").clicked() {
        commands.push(Command::Pick(Dialog::Open { title: "选择附件", filter: None }, Then::Attach));
    }
}

/// A final record: 更正 opens the fields; saving asks for the reason.
fn amend_ui(ui: &mut Ui, editor: &mut Editor, commands: &mut Vec<Command>) {
    if !editor.amending {
        if ui.button("更正……").on_hover_text("修改已定稿的记录：原记录和更正原因都会保留").clicked()
        {
            editor.amending = true;
        }
        return;
    }
    ui.horizontal(|ui| {
        let label = ui.label("更正原因");
        ui.add(egui::TextEdit::singleline(&mut editor.reason).hint_text("如：会议地点记录有误").desired_width(360.0))
            .labelled_by(label.id);
        if ui.button("保存更正").clicked() {
            match (editor.id, editor.to_meeting()) {
                (Some(id), Ok(meeting)) => {
                    editor.error = None;
                    commands.push(Command::Op(Op::AmendMeeting(id, Box::new(meeting), editor.reason.clone())));
                }
                (_, Err(error)) => editor.error = Some(error),
                (None, Ok(_)) => {}
            }
        }
        if ui.button("放弃更正").clicked() {
            editor.amending = false;
            editor.reason.clear();
        }
    });
}

/// The amendments, each with the version it replaced.
fn history_ui(ui: &mut Ui, editor: &Editor, data: &Data) {
    if editor.amendments.is_empty() {
        return;
    }
    ui.separator();
    ui.strong(format!("更正记录（{}次）", editor.amendments.len()));
    for amendment in &editor.amendments {
        let previous = &amendment.previous;
        egui::CollapsingHeader::new(format!(
            "第{}次更正：{}，{}，原因：{}",
            amendment.revision, amendment.amended_at, amendment.operator, amendment.reason
        ))
        .id_salt(("amendment", amendment.revision))
        .show(ui, |ui| {
            ui.label(format!(
                "更正前：{}，{} {}—{}，地点：{}，主持人：{}，记录人：{}",
                previous.title,
                previous.starts_at.format("%Y-%m-%d"),
                previous.starts_at.format("%H:%M"),
                previous.ends_at.format("%H:%M"),
                previous.place,
                previous.host,
                previous.recorder
            ));
            let absent: Vec<String> = previous
                .attendance
                .iter()
                .filter(|a| a.presence != Presence::Present)
                .map(|a| format!("{}（{}）", data.member_name(a.member), a.presence.label()))
                .collect();
            ui.label(format!(
                "应到{}人，实到{}人{}",
                previous.attendance.len(),
                previous.present_count(),
                if absent.is_empty() { String::new() } else { format!("；{}", absent.join("、")) }
            ));
            for item in &previous.agenda {
                ui.label(format!("议题：{}", item.title));
            }
            for r in &previous.resolutions {
                ui.label(format!(
                    "决议：{}（赞成{}，反对{}，弃权{}）",
                    r.text, r.votes.yes, r.votes.no, r.votes.abstain
                ));
            }
        });
    }
}

fn resolutions_ui(ui: &mut Ui, editor: &mut Editor) {
    ui.strong("决议与表决");
    let mut remove = None;
    for (i, (text, yes, no, abstain)) in editor.resolutions.iter_mut().enumerate() {
        ui.push_id(("resolution", i), |ui| {
            ui.horizontal(|ui| {
                let label = ui.label(format!("决议{}", i + 1));
                ui.add(egui::TextEdit::singleline(text).desired_width(360.0)).labelled_by(label.id);
                widgets::number_ui(ui, "赞成", yes);
                widgets::number_ui(ui, "反对", no);
                widgets::number_ui(ui, "弃权", abstain);
                if ui.small_button("删除").on_hover_text(format!("删除决议{}", i + 1)).clicked() {
                    remove = Some(i);
                }
            });
        });
    }
    if let Some(i) = remove {
        editor.resolutions.remove(i);
    }
    if ui.button("＋ 决议").clicked() {
        let present = editor.attendance.iter().filter(|a| a.mark == Mark::Present).count() as u32;
        editor.resolutions.push((String::new(), present, 0, 0));
    }
}

/// The quorum and vote check, recomputed every frame from what is typed.
fn quorum_ui(ui: &mut Ui, editor: &Editor, data: &Data, rules: &RuleSet) {
    ui.strong("法定人数与表决核对");
    match editor.to_meeting() {
        Ok(meeting) => {
            let findings = zhibu_core::rules::check_meeting(rules, &meeting, &data.members);
            if findings.is_empty() {
                if rules.quorum.contains_key(&meeting.kind) {
                    ui.colored_label(egui::Color32::from_rgb(0x2e, 0x8b, 0x57), "√ 到会人数和表决票数符合规定");
                } else {
                    ui.label("这类会议没有法定人数要求。");
                }
            }
            for finding in findings {
                let text = format!("{}（依据：{}）", finding.message, finding.clause);
                if finding.severity == Severity::Violation {
                    widgets::error_text_ui(ui, &text);
                } else {
                    widgets::warning_text_ui(ui, &text);
                }
            }
        }
        Err(problem) => {
            widgets::warning_text_ui(ui, &format!("填写完整后核对：{problem}"));
        }
    }
}
