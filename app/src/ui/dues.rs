//! 党费: a branch's year month by month (✓ paid, 免 exempt, 欠 owed once the month has ended),
//! the members the rules flag for six months unpaid, and the forms that confirm a member's base
//! (the monthly amount worked out from the rates as it is typed) and record a payment or
//! exemption; a bank's or payroll office's list is imported through a file dialog, all or nothing.

use super::command::Command;
use super::members::parse_date;
use super::ops::Op;
use super::widgets::{self, field_ui, hinted_field_ui};
use super::workspace::{Data, Workspace};
use egui::{Color32, RichText, Ui};
use zhibu_core::domain::{
    DuesBase, DuesCategory, DuesPayment, DuesRates, MemberId, OrgId, PaymentId, PaymentMethod, YearMonth, dues_status,
    parse_yuan, yuan,
};
use zhibu_core::rules::{FindingCode, RuleSet};

/// The dues screen's state: the branch shown and the two forms.
pub struct State {
    /// The branch shown.
    pub branch: Option<OrgId>,
    /// The member the forms are for.
    pub member: Option<MemberId>,
    /// 类别.
    pub category: DuesCategory,
    /// 税后月收入或养老金（元）.
    pub income: String,
    /// 每月党费（元）; empty: the rate's amount.
    pub monthly: String,
    /// 基数确认日期.
    pub confirmed_on: String,
    /// 起始月份.
    pub from: String,
    /// 截止月份.
    pub to: String,
    /// 金额（元）; empty: what the months owe.
    pub amount: String,
    /// 缴纳方式.
    pub method: PaymentMethod,
    /// 缴纳日期.
    pub paid_on: String,
    /// 凭证号或免交原因.
    pub note: String,
    /// The payment the form corrects.
    pub editing: Option<PaymentId>,
    /// How an imported list was paid.
    pub import_method: PaymentMethod,
    /// Why a form was refused.
    pub error: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        let today = chrono::Local::now().date_naive();
        Self {
            branch: None,
            member: None,
            category: DuesCategory::Employed,
            income: String::new(),
            monthly: String::new(),
            confirmed_on: today.format("%Y-%m-%d").to_string(),
            from: YearMonth::of(today).to_string(),
            to: String::new(),
            amount: String::new(),
            method: PaymentMethod::Cash,
            paid_on: today.format("%Y-%m-%d").to_string(),
            note: String::new(),
            editing: None,
            import_method: PaymentMethod::Payroll,
            error: None,
        }
    }
}

impl State {
    /// After a save: the forms cleared for the same branch and member.
    pub fn saved(&mut self) {
        let (branch, member, import_method) = (self.branch, self.member, self.import_method);
        *self = Self { branch, member, import_method, ..Self::default() };
    }

    fn base(&self, year: i32, rates: &DuesRates) -> Result<DuesBase, String> {
        let member = self.member.ok_or("请选择党员")?;
        let income = match self.income.trim() {
            "" => None,
            text => Some(parse_yuan(text).ok_or_else(|| format!("月收入应为金额（元）：{text}"))?),
        };
        let monthly = match self.monthly.trim() {
            "" => rates.monthly(self.category, income).ok_or("在职和离退休党员须填写税后月收入或养老金")?,
            text => parse_yuan(text).ok_or_else(|| format!("每月党费应为金额（元）：{text}"))?,
        };
        let base = DuesBase {
            member,
            year,
            category: self.category,
            income,
            monthly,
            base_confirmed_on: parse_date("确认日期", &self.confirmed_on)?,
            note: String::new(),
        };
        base.validate(rates).map_err(|e| e.to_string())?;
        Ok(base)
    }

    fn payment(&self, data: &Data) -> Result<DuesPayment, String> {
        let member = self.member.ok_or("请选择党员")?;
        let month = |field: &str, text: &str| {
            YearMonth::parse(text).ok_or_else(|| format!("{field}应写成 年-月（如 2025-03）：{}", text.trim()))
        };
        let from = month("起始月份", &self.from)?;
        let to = if self.to.trim().is_empty() { from } else { month("截止月份", &self.to)? };
        let amount = match (self.method, self.amount.trim()) {
            (PaymentMethod::Exempt, _) => 0,
            (_, "") => owed_for(data, member, from, to).ok_or("这些月份中有的没有确认党费基数，请先确认基数")?,
            (_, text) => parse_yuan(text).ok_or_else(|| format!("金额应为金额（元，最多两位小数）：{text}"))?,
        };
        let payment = DuesPayment {
            member,
            from,
            to,
            amount,
            paid_on: parse_date("缴纳日期", &self.paid_on)?,
            method: self.method,
            note: self.note.trim().to_owned(),
        };
        payment.validate().map_err(|e| e.to_string())?;
        Ok(payment)
    }

    fn edit(&mut self, id: PaymentId, payment: &DuesPayment) {
        self.editing = Some(id);
        self.member = Some(payment.member);
        self.from = payment.from.to_string();
        self.to = payment.to.to_string();
        self.amount = yuan(payment.amount);
        self.method = payment.method;
        self.paid_on = payment.paid_on.format("%Y-%m-%d").to_string();
        self.note.clone_from(&payment.note);
        self.error = None;
    }
}

/// What months `from..=to` owe by `member`'s bases (a year without one keeps the last).
fn owed_for(data: &Data, member: MemberId, from: YearMonth, to: YearMonth) -> Option<i64> {
    from.through(to)
        .map(|m| {
            data.dues_bases
                .iter()
                .filter(|b| b.record.member == member && b.record.year <= m.year)
                .max_by_key(|b| b.record.year)
                .map(|b| b.record.monthly)
        })
        .sum()
}

/// Draws the dues screen.
pub fn dues_ui(ui: &mut Ui, workspace: &mut Workspace, commands: &mut Vec<Command>) {
    let year = workspace.year;
    let data = &workspace.data;
    let rules = &workspace.rules;
    let state = &mut workspace.dues;
    let imports = &mut workspace.imports;
    if state.branch.is_none() {
        state.branch = data.branches().next().map(|b| b.id);
    }
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width((ui.available_width() * 0.62).max(520.0));
            grid_ui(ui, state, data, rules, year);
        });
        ui.separator();
        ui.vertical(|ui| {
            egui::ScrollArea::vertical()
                .id_salt("dues-forms")
                .show(ui, |ui| forms_ui(ui, (state, imports), data, rules, year, commands));
        });
    });
}

fn grid_ui(ui: &mut Ui, state: &mut State, data: &Data, rules: &RuleSet, year: i32) {
    let branches = data.branch_choices();
    egui::Grid::new("dues-branch").num_columns(2).show(ui, |ui| {
        widgets::choice_ui(ui, "支部", &mut state.branch, &branches);
    });
    let as_of = data.today;
    let members: Vec<_> = data.members.iter().filter(|m| Some(m.record.branch) == state.branch).collect();
    let flags: Vec<(MemberId, String)> = data
        .compliance
        .iter()
        .flat_map(|c| &c.branches)
        .filter(|b| Some(b.branch) == state.branch)
        .flat_map(|b| &b.findings)
        .filter(|f| f.code == FindingCode::DuesUnpaid)
        .filter_map(|f| Some((f.member?, f.message.clone())))
        .collect();
    let mut rows = Vec::new();
    let (mut paid, mut owed) = (0, 0);
    for member in &members {
        let bases: Vec<_> =
            data.dues_bases.iter().filter(|b| b.record.member == member.id).map(|b| &b.record).collect();
        let payments: Vec<_> =
            data.dues_payments.iter().filter(|p| p.record.member == member.id).map(|p| &p.record).collect();
        let status = dues_status(member.record.joined_on, &bases, &payments, year, as_of);
        paid += status.paid_fen;
        owed += status.owed_fen;
        let base = bases.iter().filter(|b| b.year <= year).max_by_key(|b| b.year).copied();
        rows.push((member, base, status, payments));
    }
    ui.heading(format!("{year}年度党费：已交 {} 元，欠缴 {} 元", yuan(paid), yuan(owed)));
    ui.small("✓ 已交  免 经批准免交  欠 已过月份未交  · 未到期或未确认基数");
    egui::ScrollArea::both().id_salt("dues-grid").max_height(ui.available_height() - 120.0).show(ui, |ui| {
        egui::Grid::new("dues-grid-cells").striped(true).spacing([6.0, 4.0]).show(ui, |ui| {
            ui.strong("姓名");
            ui.strong("类别");
            ui.strong("每月");
            for month in 1..=12 {
                ui.strong(format!("{month}月"));
            }
            ui.strong("欠缴");
            ui.end_row();
            for (member, base, status, payments) in &rows {
                if ui.link(&member.record.name).on_hover_text(format!("为{}填写", member.record.name)).clicked() {
                    state.member = Some(member.id);
                    if let Some(base) = base {
                        state.category = base.category;
                        state.income = base.income.map(yuan).unwrap_or_default();
                    }
                }
                match base {
                    Some(b) => {
                        let carried = if b.year == year { "" } else { "*" };
                        ui.label(format!("{}{carried}", b.category.label()));
                        ui.label(yuan(b.monthly));
                    }
                    None => {
                        ui.label(RichText::new("未确认").color(Color32::GRAY));
                        ui.label("—");
                    }
                }
                for m in 1..=12 {
                    let month = YearMonth { year, month: m };
                    let exempt =
                        payments.iter().any(|p| p.method == PaymentMethod::Exempt && p.from <= month && month <= p.to);
                    let cell = if status.owed.contains(&month) {
                        RichText::new("欠").color(Color32::from_rgb(0xc0, 0x30, 0x30)).strong()
                    } else if exempt && status.settled.contains(&month) {
                        RichText::new("免")
                    } else if payments.iter().any(|p| p.from <= month && month <= p.to) {
                        RichText::new("✓").color(Color32::from_rgb(0x2e, 0x7d, 0x32))
                    } else {
                        RichText::new("·").color(Color32::GRAY)
                    };
                    ui.label(cell);
                }
                ui.label(if status.owed_fen > 0 { yuan(status.owed_fen) } else { String::new() });
                ui.end_row();
            }
        });
    });
    if rows.is_empty() {
        ui.label("该支部没有党员。");
    }
    if rows.iter().any(|(_, b, _, _)| b.is_some_and(|b| b.year != year)) {
        ui.small("* 本年度基数尚未确认，沿用上一年度");
    }
    for (_, text) in &flags {
        widgets::warning_text_ui(ui, &format!("{text}（{}）", rules.dues.clause));
    }
}

fn forms_ui(
    ui: &mut Ui,
    (state, imports): (&mut State, &mut super::imports::State),
    data: &Data,
    rules: &RuleSet,
    year: i32,
    commands: &mut Vec<Command>,
) {
    let rates = &rules.dues.rates;
    let members = data.member_choices(state.branch);
    ui.heading(format!("确认{year}年党费基数"));
    egui::Grid::new("dues-base-form").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        widgets::choice_ui(ui, "党员", &mut state.member, &members);
        let categories = DuesCategory::ALL.map(|c| (c, c.label().to_owned()));
        widgets::choice_ui(ui, "类别", &mut state.category, &categories);
        if state.category.has_income() {
            hinted_field_ui(ui, "税后月收入（元）", &mut state.income, "6500.00");
        }
        let income = parse_yuan(&state.income);
        let least = rates.monthly(state.category, income.filter(|_| state.category.has_income()));
        let standard = match least {
            Some(fen) => format!("按标准 {} 元（{}）", yuan(fen), rates.rate_label(state.category, income)),
            None => "先填月收入".to_owned(),
        };
        ui.label("标准");
        ui.label(&standard);
        ui.end_row();
        hinted_field_ui(ui, "每月党费（元）", &mut state.monthly, "空着按标准，自愿多交可填更多");
        hinted_field_ui(ui, "确认日期", &mut state.confirmed_on, "2025-01-15");
    });
    if ui.button("确认基数").clicked() {
        if !state.category.has_income() {
            state.income.clear();
        }
        match state.base(year, rates) {
            Ok(base) => {
                state.error = None;
                commands.push(Command::Op(Op::SaveDuesBase(Box::new(base))));
            }
            Err(error) => state.error = Some(error),
        }
    }
    // A base confirmed by mistake is deleted (to the trash, undoable); the year falls back to the
    // base of the year before, as the grid shows with *.
    let confirmed = state
        .member
        .and_then(|member| data.dues_bases.iter().find(|b| b.record.member == member && b.record.year == year));
    if let Some(base) = confirmed
        && ui.button(format!("删除{year}年基数")).on_hover_text("确认有误时删除（可在审计页撤销）").clicked()
    {
        commands.push(Command::Op(Op::DeleteDuesBase(base.id)));
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.heading(if state.editing.is_some() { "修改缴纳记录" } else { "记录一笔党费或免交" });
        if state.editing.is_some() && ui.button("取消修改").clicked() {
            state.saved();
        }
    });
    egui::Grid::new("dues-pay-form").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        widgets::choice_ui(ui, "缴费党员", &mut state.member, &members);
        hinted_field_ui(ui, "起始月份", &mut state.from, "2025-01");
        hinted_field_ui(ui, "截止月份", &mut state.to, "同起始月份");
        let methods = PaymentMethod::ALL.map(|m| (m, m.label().to_owned()));
        widgets::choice_ui(ui, "缴纳方式", &mut state.method, &methods);
        if state.method != PaymentMethod::Exempt {
            let owed = state.member.zip(YearMonth::parse(&state.from)).and_then(|(member, from)| {
                let to = YearMonth::parse(&state.to).unwrap_or(from);
                owed_for(data, member, from, to)
            });
            let hint = owed.map_or_else(|| "应交合计".to_owned(), |fen| format!("应交 {} 元", yuan(fen)));
            hinted_field_ui(ui, "金额（元）", &mut state.amount, &hint);
        }
        hinted_field_ui(ui, "缴纳日期", &mut state.paid_on, "2025-03-20");
        let note = if state.method == PaymentMethod::Exempt { "免交原因" } else { "凭证号或备注" };
        field_ui(ui, note, &mut state.note);
    });
    let label = if state.editing.is_some() { "保存修改" } else { "记录缴纳" };
    if ui.button(label).on_hover_text("记录这笔党费").clicked() {
        match state.payment(data) {
            Ok(payment) => {
                state.error = None;
                commands.push(Command::Op(Op::SaveDuesPayment(state.editing, Box::new(payment))));
            }
            Err(error) => state.error = Some(error),
        }
    }
    if let Some(error) = &state.error {
        widgets::error_text_ui(ui, error);
    }
    if let Some(member) = state.member {
        let mine: Vec<_> = data.dues_payments.iter().filter(|p| p.record.member == member).collect();
        if !mine.is_empty() {
            ui.strong(format!("{}的缴纳记录", data.member_name(member)));
            egui::Grid::new("dues-payments").striped(true).show(ui, |ui| {
                for p in mine.iter().rev() {
                    let r = &p.record;
                    let months =
                        if r.from == r.to { r.from.label() } else { format!("{}至{}", r.from.label(), r.to.label()) };
                    ui.label(months.clone());
                    ui.label(r.method.label());
                    ui.label(if r.method == PaymentMethod::Exempt {
                        r.note.clone()
                    } else {
                        format!("{}元", yuan(r.amount))
                    });
                    ui.label(r.paid_on.format("%Y-%m-%d").to_string());
                    if ui.small_button("修改").on_hover_text(format!("修改：{months}")).clicked() {
                        state.edit(p.id, r);
                    }
                    if ui.small_button("删除").on_hover_text(format!("删除：{months}")).clicked() {
                        commands.push(Command::Op(Op::DeleteDuesPayment(p.id)));
                    }
                    ui.end_row();
                }
            });
        }
    }
    ui.separator();
    ui.heading("导入代扣或转账明细");
    ui.small("表头需有 姓名、金额、缴费日期、缴费月份（如 2025-01至2025-03）；有一行不对则全部不导入。");
    egui::Grid::new("dues-import").num_columns(2).show(ui, |ui| {
        let methods = [PaymentMethod::Payroll, PaymentMethod::Transfer, PaymentMethod::Online, PaymentMethod::Cash]
            .map(|m| (m, m.label().to_owned()));
        widgets::choice_ui(ui, "明细的缴纳方式", &mut state.import_method, &methods);
    });
    let sheet = zhibu_core::services::import::Sheet::Dues(state.import_method);
    super::imports::start_ui(ui, "选择明细文件……", sheet, state.branch, commands);
    super::imports::panel_ui(
        ui,
        imports,
        |s| matches!(s, zhibu_core::services::import::Sheet::Dues(_)),
        data,
        commands,
    );
}
