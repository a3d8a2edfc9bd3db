//! What a Word-file template is filled with: [`Fields`] (values, conditions and lists by their
//! Chinese names), and the standard set every template made by `zhibu plugin new --from-docx`
//! starts from ([`standard_fields`]), described entry by entry in [`CATALOGUE`] (the scaffold
//! lists it beside the placeholders it finds, so an author sees what each name can take).

use crate::{RecordKind, RenderError, RenderRequest, RequestExt, chinese_date};

/// One named value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text put in place of `{{名称}}`.
    Text(String),
    /// A condition for `{{#名称}}` / `{{^名称}}`.
    Flag(bool),
    /// Records, each filling the content of `{{#名称}} … {{/名称}}` once.
    List(Vec<Fields>),
}

/// Values by name, in the order they were set; setting a name again replaces its value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    entries: Vec<(String, Value)>,
}

impl Fields {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`.
    pub fn set(mut self, name: &str, value: Value) -> Self {
        if let Some(entry) = self.entries.iter_mut().find(|(n, _)| n == name) {
            entry.1 = value;
        } else {
            self.entries.push((name.to_owned(), value));
        }
        self
    }

    /// Sets a text value.
    pub fn text(self, name: &str, value: impl Into<String>) -> Self {
        self.set(name, Value::Text(value.into()))
    }

    /// Sets a condition.
    pub fn flag(self, name: &str, value: bool) -> Self {
        self.set(name, Value::Flag(value))
    }

    /// Sets a list of records.
    pub fn list(self, name: &str, items: impl IntoIterator<Item = Fields>) -> Self {
        self.set(name, Value::List(items.into_iter().collect()))
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The names and values, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v))
    }
}

/// What a name in [`standard_fields`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A value: `{{名称}}`.
    Text,
    /// A condition: `{{#名称}} … {{/名称}}`.
    Flag,
    /// A list: `{{#名称}} … {{/名称}}`, repeated per record.
    List,
}

/// One name of the standard set.
#[derive(Debug, Clone, Copy)]
pub struct CatalogueEntry {
    /// The name as typed between the braces.
    pub name: &'static str,
    /// The list it belongs to (`会议`), or none for the document's own fields.
    pub within: Option<&'static str>,
    /// Value, condition or list.
    pub kind: EntryKind,
    /// The record kinds the host must pass for it (besides organisations).
    pub needs: &'static [RecordKind],
    /// What it holds, with an example.
    pub help: &'static str,
}

const fn entry(
    name: &'static str,
    within: Option<&'static str>,
    kind: EntryKind,
    help: &'static str,
) -> CatalogueEntry {
    CatalogueEntry { name, within, kind, needs: &[], help }
}

const MEMBERS: &[RecordKind] = &[RecordKind::Members];
const MEETINGS: &[RecordKind] = &[RecordKind::Meetings, RecordKind::Members];
const ACTIVITIES: &[RecordKind] = &[RecordKind::VolunteerActivities, RecordKind::Members];

use EntryKind::{Flag, List, Text};
const M: Option<&str> = Some("党员");
const C: Option<&str> = Some("会议");
const A: Option<&str> = Some("志愿活动");

/// Every name [`standard_fields`] sets, in the order it sets them (`序号` is in every list too).
pub const CATALOGUE: &[CatalogueEntry] = &[
    entry("单位名称", None, Text, "出具文件的单位（本机设置），如 金山社区党委"),
    entry("生成日期", None, Text, "生成文件的日期，如 2025年12月28日"),
    entry("年度", None, Text, "参数 year，如 2025"),
    entry("支部名称", None, Text, "参数 branch 所选党组织的全称"),
    entry("上级党组织", None, Text, "所选党组织的上级党组织全称（没有时为空）"),
    entry("书记", None, Text, "最近一届支部委员会的书记姓名（没有时为空）"),
    CatalogueEntry { needs: MEMBERS, ..entry("党员人数", None, Text, "本支部党员人数，如 32") },
    CatalogueEntry { needs: MEMBERS, ..entry("正式党员人数", None, Text, "正式党员人数") },
    CatalogueEntry { needs: MEMBERS, ..entry("预备党员人数", None, Text, "预备党员人数") },
    CatalogueEntry { needs: MEETINGS, ..entry("会议次数", None, Text, "本年度本支部召开的会议次数") },
    CatalogueEntry {
        needs: ACTIVITIES,
        ..entry("志愿活动次数", None, Text, "本年度有本支部党员参加的志愿服务活动次数")
    },
    entry("支部委员", None, List, "最近一届支部委员会的成员，每人一行：{{职务}} {{姓名}}"),
    entry("职务", Some("支部委员"), Text, "如 书记、组织委员"),
    entry("姓名", Some("支部委员"), Text, "委员姓名"),
    CatalogueEntry { needs: MEMBERS, ..entry("党员", None, List, "本支部党员名册，每人一份") },
    entry("姓名", M, Text, "党员姓名"),
    entry("性别", M, Text, "男 或 女"),
    entry("民族", M, Text, "如 汉族"),
    entry("出生日期", M, Text, "如 1985年3月2日（主机未传时为空）"),
    entry("入党时间", M, Text, "如 2010年6月1日"),
    entry("转正时间", M, Text, "如 2011年6月1日（预备党员为空）"),
    entry("党员状态", M, Text, "正式党员 或 预备党员"),
    entry("身份证号", M, Text, "已遮盖，如 330784********002X"),
    entry("手机号码", M, Text, "已遮盖，如 138****8000（未登记时为空）"),
    entry("在职党员", M, Flag, "是否在职党员"),
    CatalogueEntry {
        needs: MEETINGS, ..entry("会议", None, List, "本年度本支部的会议记录，按时间先后，每次一份")
    },
    entry("会议名称", C, Text, "如 3月支部党员大会"),
    entry("会议类型", C, Text, "如 支部党员大会、支委会、党小组会、党课"),
    entry("日期", C, Text, "如 2025年3月12日"),
    entry("时间", C, Text, "起止时间，如 14:30—16:00"),
    entry("地点", C, Text, "会议地点"),
    entry("主持人", C, Text, "主持人姓名"),
    entry("记录人", C, Text, "记录人姓名"),
    entry("应到人数", C, Text, "应到人数"),
    entry("实到人数", C, Text, "实到人数"),
    entry("出席人员", C, Text, "到会党员姓名，以顿号分隔"),
    entry("请假人员", C, Text, "请假党员姓名及事由，以顿号分隔（没有时为空）"),
    entry("缺席人员", C, Text, "缺席党员姓名，以顿号分隔（没有时为空）"),
    entry("列席人员", C, Text, "列席人员姓名及单位，以顿号分隔（没有时为空）"),
    entry("有到会规定", C, Flag, "这类会议是否有到会人数的规定（党小组会、谈心谈话等没有）"),
    entry(
        "人数符合规定",
        C,
        Flag,
        "到会人数是否符合规定（只有未达到规定人数时为否；没有到会规定的会议为是，用“有到会规定”区分）",
    ),
    entry("到会规定", C, Text, "如 实到有表决权的党员超过应到人数的1/2"),
    entry("议题", C, List, "会议议题，每项：{{序号}} {{内容}}"),
    entry("内容", Some("议题"), Text, "议题内容"),
    entry("发言", C, List, "发言记录，每条：{{发言人}}：{{内容}}"),
    entry("发言人", Some("发言"), Text, "发言人姓名"),
    entry("内容", Some("发言"), Text, "发言内容"),
    entry("有决议", C, Flag, "会议是否作出决议"),
    entry("决议", C, List, "决议及表决，每项：{{内容}} 赞成{{赞成}} 反对{{反对}} 弃权{{弃权}} {{表决结果}}"),
    entry("内容", Some("决议"), Text, "决议内容"),
    entry("赞成", Some("决议"), Text, "赞成票数"),
    entry("反对", Some("决议"), Text, "反对票数"),
    entry("弃权", Some("决议"), Text, "弃权票数"),
    entry("表决结果", Some("决议"), Text, "通过 或 未通过（该类会议无表决规定时为空）"),
    entry("记录状态", C, Text, "定稿 或 草稿"),
    CatalogueEntry {
        needs: ACTIVITIES,
        ..entry("志愿活动", None, List, "本年度有本支部党员参加的志愿服务活动，按日期先后")
    },
    entry("活动名称", A, Text, "如 垃圾分类宣传"),
    entry("类别", A, Text, "活动类别"),
    entry("日期", A, Text, "如 2025年5月10日"),
    entry("时间", A, Text, "起止时间，如 08:30—11:30"),
    entry("地点", A, Text, "活动地点"),
    entry("组织者", A, Text, "组织单位或个人"),
    entry("活动内容", A, Text, "活动简介"),
    entry("参加人数", A, Text, "参加的党员和志愿者人数"),
    entry("参加党员", A, Text, "参加的本支部党员姓名，以顿号分隔"),
    entry("服务时长", A, Text, "本支部党员的服务时长合计（小时），如 7.5"),
];

/// `HH:MM` of a `YYYY-MM-DDTHH:MM:SS` timestamp or an `HH:MM` time.
fn clock(time: &str) -> &str {
    let time = time.split('T').nth(1).unwrap_or(time);
    time.get(..5).unwrap_or(time)
}

fn hours(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

/// The standard fields of a request for the parameters `branch` (a branch) and `year`: the
/// branch, its committee and roster, its meetings of the year and the volunteer activities its
/// members took part in that year, as [`CATALOGUE`] describes them. Personal data is as the
/// host passed it (masked unless the user consented).
pub fn standard_fields(request: &RenderRequest) -> Result<Fields, RenderError> {
    let branch = request.organization("branch")?;
    let year = request.int("year")?;
    let records = &request.records;
    let parent = branch.parent.and_then(|p| records.organizations.iter().find(|o| o.id == p));
    let members: Vec<_> = records.members.iter().filter(|m| m.branch == branch.id).collect();
    let name_of = |id: i64| records.members.iter().find(|m| m.id == id).map(|m| m.name.clone()).unwrap_or_default();
    let term = records.terms.iter().filter(|t| t.org == branch.id).max_by_key(|t| t.number);
    let secretary = term
        .and_then(|t| t.roles.iter().find(|r| r.role == "secretary"))
        .map(|r| name_of(r.member))
        .unwrap_or_default();
    let prefix = format!("{year}-");
    let mut meetings: Vec<_> =
        records.meetings.iter().filter(|m| m.branch == branch.id && m.starts_at.starts_with(&prefix)).collect();
    meetings.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    let in_branch = |id: i64| members.iter().any(|m| m.id == id);
    let mut activities: Vec<_> = records
        .volunteer_activities
        .iter()
        .filter(|a| a.date.starts_with(&prefix) && a.participants.iter().any(|p| in_branch(p.member)))
        .collect();
    activities.sort_by(|a, b| (&a.date, &a.starts).cmp(&(&b.date, &b.starts)));
    let full = members.iter().filter(|m| m.status == "full").count();

    let committee = term
        .map(|t| t.roles.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|r| Fields::new().text("职务", r.label.clone()).text("姓名", name_of(r.member)));
    let roster = members.iter().map(|m| {
        Fields::new()
            .text("姓名", m.name.clone())
            .text("性别", if m.gender == "female" { "女" } else { "男" })
            .text("民族", m.ethnicity.clone())
            .text("出生日期", chinese_date(&m.birth_date))
            .text("入党时间", chinese_date(&m.joined_on))
            .text("转正时间", m.confirmed_on.as_deref().map(chinese_date).unwrap_or_default())
            .text("党员状态", if m.status == "full" { "正式党员" } else { "预备党员" })
            .text("身份证号", m.id_number.clone())
            .text("手机号码", m.phone.clone().unwrap_or_default())
            .flag("在职党员", m.in_service)
    });
    let minutes = meetings.iter().map(|m| {
        let names = |presence: &str, with_reason: bool| {
            m.attendance
                .iter()
                .filter(|a| a.presence == presence)
                .map(|a| {
                    let name = name_of(a.member);
                    if with_reason && !a.reason.is_empty() { format!("{name}（{}）", a.reason) } else { name }
                })
                .collect::<Vec<_>>()
                .join("、")
        };
        let observers = m
            .observers
            .iter()
            .map(|o| if o.affiliation.is_empty() { o.name.clone() } else { format!("{}（{}）", o.name, o.affiliation) })
            .collect::<Vec<_>>()
            .join("、");
        let present = m.attendance.iter().filter(|a| a.presence == "present").count();
        Fields::new()
            .text("会议名称", m.title.clone())
            .text("会议类型", m.kind_label.clone())
            .text("日期", chinese_date(&m.starts_at))
            .text("时间", format!("{}—{}", clock(&m.starts_at), clock(&m.ends_at)))
            .text("地点", m.place.clone())
            .text("主持人", m.host.clone())
            .text("记录人", m.recorder.clone())
            .text("应到人数", m.attendance.len().to_string())
            .text("实到人数", present.to_string())
            .text("出席人员", names("present", false))
            .text("请假人员", names("on_leave", true))
            .text("缺席人员", names("absent", true))
            .text("列席人员", observers)
            // "Does not apply" is not "failed": a meeting without a rule meets it, and says so
            // through 有到会规定 (a 党小组会 at 8 of 8 once printed 未达到规定人数).
            .flag("有到会规定", m.quorum.is_some())
            .flag("人数符合规定", m.quorum.as_ref().is_none_or(|q| q.met))
            .text("到会规定", m.quorum.as_ref().map(|q| q.rule.clone()).unwrap_or_default())
            .list("议题", m.agenda.iter().map(|a| Fields::new().text("内容", a.clone())))
            .list(
                "发言",
                m.speeches
                    .iter()
                    .map(|s| Fields::new().text("发言人", s.speaker.clone()).text("内容", s.content.clone())),
            )
            .flag("有决议", !m.resolutions.is_empty())
            .list(
                "决议",
                m.resolutions.iter().map(|r| {
                    Fields::new()
                        .text("内容", r.text.clone())
                        .text("赞成", r.yes.to_string())
                        .text("反对", r.no.to_string())
                        .text("弃权", r.abstain.to_string())
                        .text(
                            "表决结果",
                            match r.passed {
                                Some(true) => "通过",
                                Some(false) => "未通过",
                                None => "",
                            },
                        )
                }),
            )
            .text("记录状态", if m.status == "final" { "定稿" } else { "草稿" })
    });
    let service = activities.iter().map(|a| {
        let ours: Vec<_> = a.participants.iter().filter(|p| in_branch(p.member)).collect();
        Fields::new()
            .text("活动名称", a.title.clone())
            .text("类别", a.category.clone())
            .text("日期", chinese_date(&a.date))
            .text("时间", format!("{}—{}", clock(&a.starts), clock(&a.ends)))
            .text("地点", a.place.clone())
            .text("组织者", a.organiser.clone())
            .text("活动内容", a.description.clone())
            .text("参加人数", (a.participants.len() + a.volunteers.len()).to_string())
            .text("参加党员", ours.iter().map(|p| name_of(p.member)).collect::<Vec<_>>().join("、"))
            .text("服务时长", hours(ours.iter().map(|p| p.hours).sum()))
    });
    Ok(Fields::new()
        .text("单位名称", request.unit_name.clone())
        .text("生成日期", chinese_date(request.generated_on()))
        .text("年度", year.to_string())
        .text("支部名称", branch.name.clone())
        .text("上级党组织", parent.map(|p| p.name.clone()).unwrap_or_default())
        .text("书记", secretary)
        .text("党员人数", members.len().to_string())
        .text("正式党员人数", full.to_string())
        .text("预备党员人数", (members.len() - full).to_string())
        .text("会议次数", meetings.len().to_string())
        .text("志愿活动次数", activities.len().to_string())
        .list("支部委员", committee)
        .list("党员", roster)
        .list("会议", minutes)
        .list("志愿活动", service))
}

/// `{{序号}}`: the number every list gives its records.
pub const SEQUENCE: CatalogueEntry = entry("序号", None, Text, "在列表里：记录的序号，从1开始");

/// The catalogue entry a placeholder named `name` inside the sections `within` (outermost
/// first) is filled from: a field of the innermost list that has it, or of the document.
pub fn catalogue_entry(name: &str, within: &[String]) -> Option<&'static CatalogueEntry> {
    for list in within.iter().rev() {
        if name == SEQUENCE.name && CATALOGUE.iter().any(|e| e.name == list && e.within.is_none() && e.kind == List) {
            return Some(&SEQUENCE);
        }
        if let Some(entry) = CATALOGUE.iter().find(|e| e.name == name && e.within == Some(list.as_str())) {
            return Some(entry);
        }
    }
    CATALOGUE.iter().find(|e| e.name == name && e.within.is_none())
}
