//! 首页: this year's required meetings per branch as a period grid (missing ones marked, the
//! clause on hover), committee terms to act on, members to follow up, attendance by month and
//! volunteer hours by branch, and quick actions.

use super::app::Screen;
use super::command::Command;
use super::picker;
use super::widgets;
use super::workspace::{Data, Workspace};
use chrono::Datelike;
use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Plot};
use zhibu_core::domain::{OrgId, Presence};
use zhibu_core::rules::{BranchCompliance, FindingCode, MeetingTally, Severity};

/// Dashboard filters and the chart series computed when the records change.
#[derive(Default)]
pub struct State {
    /// Show one branch, or all.
    pub branch: Option<OrgId>,
    /// Attendance rate (percent) by month, for months with attendance recorded.
    pub attendance_by_month: Vec<(u32, f64)>,
    /// Volunteer hours by branch name.
    pub hours_by_branch: Vec<(String, f64)>,
}

impl State {
    /// Recomputes the chart series from freshly loaded records.
    pub fn refresh(&mut self, data: &Data) {
        let mut expected = [0u32; 12];
        let mut present = [0u32; 12];
        for meeting in data.meetings.iter().filter(|m| self.branch.is_none_or(|b| m.record.branch == b)) {
            let month = meeting.record.date().month0() as usize;
            expected[month] += meeting.record.attendance.len() as u32;
            present[month] +=
                meeting.record.attendance.iter().filter(|a| a.presence == Presence::Present).count() as u32;
        }
        self.attendance_by_month = (0..12)
            .filter(|&m| expected[m] > 0)
            .map(|m| (m as u32 + 1, f64::from(present[m]) * 100.0 / f64::from(expected[m])))
            .collect();
        self.hours_by_branch =
            data.compliance.iter().flat_map(|c| &c.branches).map(|b| (b.name.clone(), b.volunteer_hours)).collect();
    }
}

const HELD: Color32 = Color32::from_rgb(0x2e, 0x8b, 0x57);
const MISSING: Color32 = Color32::from_rgb(0xc8, 0x10, 0x2e);

/// Draws the dashboard.
pub fn dashboard_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let data = &workspace.data;
    let state = &mut workspace.dashboard;
    ui.horizontal(|ui| {
        ui.heading(format!("{}年度 组织生活落实情况", workspace.year));
        ui.add_space(24.0);
        let mut options = vec![(None, "全部支部".to_owned())];
        options.extend(data.branches().map(|b| (Some(b.id), b.record.name.clone())));
        let label = ui.label("支部");
        let before = state.branch;
        egui::ComboBox::from_id_salt("dashboard-branch")
            .selected_text(options.iter().find(|(v, _)| *v == state.branch).map_or("", |(_, t)| t.as_str()))
            .width(240.0)
            .show_ui(ui, |ui| {
                for (value, text) in &options {
                    ui.selectable_value(&mut state.branch, *value, text);
                }
            })
            .response
            .labelled_by(label.id);
        if before != state.branch {
            state.refresh(data);
        }
    });
    ui.horizontal(|ui| {
        if ui.button("＋ 记录会议").clicked() {
            commands.push(Command::Navigate(Screen::Meetings));
        }
        if ui.button("＋ 添加党员").clicked() {
            commands.push(Command::Navigate(Screen::Members));
        }
        if ui.button("生成述职评议报告").clicked() {
            commands.push(Command::Navigate(Screen::Reports));
        }
        // The year's 台账 is a branch's: the button waits for one to be chosen above.
        let binder = ui
            .add_enabled(state.branch.is_some(), egui::Button::new("生成年度台账"))
            .on_hover_text("所选支部本年度的全部记录装订成一份 Word 文件：封面、目录、会议记录、评议、党费和检查结果")
            .on_disabled_hover_text("先在上方选择一个支部");
        if binder.clicked()
            && let Some(branch) = state.branch
        {
            let params =
                vec![("branch".to_owned(), branch.0.to_string()), ("year".to_owned(), workspace.year.to_string())];
            commands.push(Command::OpenReport("year-binder".into(), params));
        }
        if ui.button("立即备份").clicked() {
            commands.push(picker::backup_now());
        }
    });
    reporting_ui(ui, &workspace.reporting, data, state.branch, workspace.year);
    feedback_ui(ui, data, state.branch);
    ui.separator();
    let Some(report) = &data.compliance else {
        ui.label("没有可统计的记录。");
        return;
    };
    let branches: Vec<&BranchCompliance> =
        report.branches.iter().filter(|b| state.branch.is_none_or(|id| b.branch == id)).collect();
    if branches.is_empty() {
        ui.label("还没有党支部。到“组织”页添加，或在“设置”页载入演示数据。");
        return;
    }
    let violations: usize =
        branches.iter().map(|b| b.findings.iter().filter(|f| f.severity == Severity::Violation).count()).sum();
    ui.label(format!(
        "统计截至 {}：{} 个支部，{} 处违规，{} 处预警。● 已开　○ 记录未定稿　× 缺开　· 未到期（悬停查看依据）",
        report.as_of.format("%Y-%m-%d"),
        branches.len(),
        violations,
        branches.iter().map(|b| b.findings.len()).sum::<usize>() - violations,
    ));
    let height = ui.available_height();
    egui::ScrollArea::both().id_salt("grid").max_height(height * 0.5).auto_shrink([false, true]).show(ui, |ui| {
        grid_ui(ui, &branches);
    });
    ui.separator();
    ui.columns(3, |columns| {
        charts_ui(columns, state, height * 0.4);
        egui::ScrollArea::vertical().id_salt("follow-up").show(&mut columns[2], |ui| follow_up_ui(ui, &branches, data));
    });
}

/// Where each branch shown stands with its committee: the last report, what changed since, and
/// the committee's verdict on the year (待审核 until it decides).
fn reporting_ui(ui: &mut Ui, reporting: &super::reporting::State, data: &Data, branch: Option<OrgId>, year: i32) {
    for status in reporting.status.iter().filter(|s| branch.is_none_or(|id| s.branch == id)) {
        if status.server.is_none() && status.last_report.is_none() {
            continue;
        }
        let decision = data
            .feedback
            .iter()
            .filter(|(b, f)| *b == status.branch && f.year == year && f.topic == zhibu_committee::review::SUBMISSION)
            .map(|(_, f)| f)
            .next();
        let verdict = match (decision, &status.last_report) {
            // The opinion itself is in 上级反馈 just below.
            (Some(f), _) if f.verdict == "退回" => "已退回（意见见下）".to_owned(),
            (Some(f), _) if f.verdict == "通过" => "已通过".to_owned(),
            (Some(f), _) => f.verdict.clone(),
            (None, Some(_)) => "待审核".to_owned(),
            (None, None) => "未报送".to_owned(),
        };
        ui.label(format!(
            "上级报送　{}：{}；{year}年度：{verdict}",
            status.name,
            super::reporting::last_report_text(status)
        ));
    }
}

/// The committee's word on the branches shown (read-only: it comes from `zhibu sync pull`).
fn feedback_ui(ui: &mut Ui, data: &Data, branch: Option<OrgId>) {
    let items: Vec<_> = data.feedback.iter().filter(|(b, _)| branch.is_none_or(|id| *b == id)).collect();
    if items.is_empty() {
        return;
    }
    ui.separator();
    ui.label(egui::RichText::new("上级反馈（只读）").strong());
    for (org, item) in items {
        let name = data.orgs.iter().find(|o| o.id == *org).map_or("", |o| o.record.name.as_str());
        let text = format!(
            "{name} {}：{}{}（{}）",
            zhibu_sync::feedback_title(item.year, &item.topic),
            item.verdict,
            if item.opinion.is_empty() { String::new() } else { format!("，意见：{}", item.opinion) },
            item.decided_at
        );
        let color = if item.verdict == "退回" { ui.visuals().warn_fg_color } else { ui.visuals().text_color() };
        ui.colored_label(color, text);
    }
}

fn grid_ui(ui: &mut Ui, branches: &[&BranchCompliance]) {
    let kinds: Vec<&MeetingTally> = branches.first().map(|b| b.meetings.iter().collect()).unwrap_or_default();
    egui::Grid::new("meeting-grid").striped(true).spacing([14.0, 6.0]).show(ui, |ui| {
        ui.strong("支部");
        for tally in &kinds {
            ui.strong(&tally.label);
        }
        ui.end_row();
        for branch in branches {
            ui.label(&branch.name);
            for kind in &kinds {
                match branch.meetings.iter().find(|t| t.kind == kind.kind) {
                    Some(tally) => tally_ui(ui, tally),
                    None => {
                        ui.label("—").on_hover_text("本支部不适用（如未设支委会）");
                    }
                }
            }
            ui.end_row();
        }
    });
}

fn tally_ui(ui: &mut Ui, tally: &MeetingTally) {
    let mut job = egui::text::LayoutJob::default();
    let font = egui::TextStyle::Body.resolve(ui.style());
    // Group meetings have one mark per group and month; show them by period, any group missing = missing.
    let mut periods: Vec<(String, bool, bool, bool)> = Vec::new();
    for mark in &tally.periods {
        let period = mark.period.rsplit(' ').next().unwrap_or(&mark.period).to_owned();
        let (held, draft) = (mark.held > 0, mark.held == 0 && mark.drafts > 0);
        match periods.iter_mut().find(|(p, ..)| *p == period) {
            Some(entry) => {
                entry.1 &= held;
                entry.2 |= draft;
                entry.3 |= mark.elapsed;
            }
            None => periods.push((period, held, draft, mark.elapsed)),
        }
    }
    for (_, held, draft, elapsed) in &periods {
        let (text, color) = match (held, draft, elapsed) {
            (true, ..) => ("●", HELD),
            (false, true, _) => ("○", HELD),
            (false, false, true) => ("×", MISSING),
            (false, false, false) => ("·", ui.visuals().weak_text_color()),
        };
        job.append(text, 0.0, egui::TextFormat { font_id: font.clone(), color, ..Default::default() });
    }
    let response = ui.label(job);
    response.on_hover_ui(|ui| {
        ui.label(RichText::new(format!("{}：应开{}次，已开{}次", tally.label, tally.required, tally.held)).strong());
        if !tally.missing.is_empty() {
            widgets::error_text_ui(ui, &format!("缺开：{}", tally.missing.join("、")));
        }
        ui.label(format!("依据：{}", tally.clause));
    });
}

fn charts_ui(columns: &mut [Ui], state: &State, height: f32) {
    {
        columns[0].label("各月出席率（%）");
        let bars: Vec<Bar> = state
            .attendance_by_month
            .iter()
            .map(|&(month, rate)| Bar::new(f64::from(month), rate).width(0.7))
            .collect();
        if bars.is_empty() {
            no_data_ui(&mut columns[0], height, "本年度还没有定稿的会议出席记录");
        } else {
            Plot::new("attendance")
                .height(height.max(120.0))
                .include_y(0.0)
                .include_y(100.0)
                .allow_drag(false)
                .allow_zoom(false)
                .allow_scroll(false)
                .x_axis_formatter(|mark, _| {
                    let month = mark.value.round();
                    if (mark.value - month).abs() > 1e-6 || !(1.0..=12.0).contains(&month) {
                        String::new()
                    } else {
                        format!("{month}月")
                    }
                })
                .show(&mut columns[0], |plot| plot.bar_chart(BarChart::new("出席率", bars).color(HELD)));
        }
        columns[1].label("各支部志愿服务时长（小时）");
        // Axis labels: the branch name without the common suffix, so six fit under the bars.
        let names: Vec<String> = state
            .hours_by_branch
            .iter()
            .map(|(name, _)| name.trim_end_matches("党支部").chars().take(4).collect())
            .collect();
        let bars: Vec<Bar> = state
            .hours_by_branch
            .iter()
            .enumerate()
            .map(|(i, (name, hours))| Bar::new(i as f64 + 1.0, *hours).name(name).width(0.7))
            .collect();
        if bars.iter().all(|b| b.value <= 0.0) {
            no_data_ui(&mut columns[1], height, "本年度还没有志愿服务记录");
            return;
        }
        Plot::new("hours")
            .height(height.max(120.0))
            .include_y(0.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .x_axis_formatter(move |mark, _| {
                if (mark.value - mark.value.round()).abs() > 1e-6 {
                    return String::new();
                }
                let index = mark.value.round() as usize;
                names.get(index.wrapping_sub(1)).cloned().unwrap_or_default()
            })
            .show(&mut columns[1], |plot| {
                plot.bar_chart(BarChart::new("志愿服务时长", bars).color(Color32::from_rgb(0xd9, 0x7a, 0x1e)))
            });
    }
}

/// An empty chart's place: says there is nothing yet instead of drawing bare axes.
fn no_data_ui(ui: &mut Ui, height: f32, why: &str) {
    ui.allocate_ui(egui::vec2(ui.available_width(), height.max(120.0)), |ui| {
        ui.centered_and_justified(|ui| {
            ui.label(egui::RichText::new(format!("无数据\n{why}")).weak());
        });
    });
}

fn follow_up_ui(ui: &mut Ui, branches: &[&BranchCompliance], data: &Data) {
    ui.heading("届期提醒");
    let mut any = false;
    for branch in branches {
        for finding in branch.findings.iter().filter(|f| {
            matches!(f.code, FindingCode::TermExpiring | FindingCode::TermOverdue | FindingCode::TermDateMissing)
        }) {
            any = true;
            let text = format!("{}：{}", branch.name, finding.message);
            let response =
                if finding.severity == Severity::Violation { ui.colored_label(MISSING, text) } else { ui.label(text) };
            response.on_hover_text(format!("依据：{}", finding.clause));
        }
    }
    if !any {
        ui.label("各支部届期正常。");
    }
    ui.add_space(12.0);
    ui.heading("需关注的党员");
    let inactive: Vec<_> = branches
        .iter()
        .flat_map(|b| b.findings.iter().filter(|f| f.code == FindingCode::InactiveMember).map(move |f| (b, f)))
        .collect();
    if inactive.is_empty() {
        ui.label("没有需要跟进的党员。");
    }
    for (branch, finding) in inactive.iter().take(40) {
        let who = finding.member.map(|m| data.member_name(m)).unwrap_or_default();
        ui.label(format!("{} {}：{}", branch.name, who, finding.message))
            .on_hover_text(format!("依据：{}", finding.clause));
    }
    if inactive.len() > 40 {
        ui.label(format!("……另有 {} 人", inactive.len() - 40));
    }
    ui.add_space(12.0);
    ui.heading("其他问题");
    for branch in branches {
        for finding in branch.findings.iter().filter(|f| {
            !matches!(
                f.code,
                FindingCode::TermExpiring
                    | FindingCode::TermOverdue
                    | FindingCode::TermDateMissing
                    | FindingCode::InactiveMember
                    | FindingCode::MeetingMissing
            )
        }) {
            ui.label(format!("{}：{}", branch.name, finding.message))
                .on_hover_text(format!("依据：{}", finding.clause));
        }
    }
}
