//! Reference template 双报到 (在职党员到社区报到): for a community branch, a year and a quarter, the
//! feedback letter to each registered member's home unit (工作单位) on their service in the
//! community that quarter — every activity with its date and their own hours, the quarter's and
//! the year's totals — one letter per member on its own page, or one member's alone. Members
//! registered here from other units are in the branch's volunteer register (kind
//! `dual_registered`); their hours are the host's records of each activity.

use plugin_api::{
    Document, DocumentBuilder, Output, ParamKind, RecordKind, RenderError, RenderRequest, RequestExt, TableBuilder,
    Template, TemplateInfo, Volunteer, VolunteerActivity, chinese_date, param,
};

/// The template.
pub struct DualRegistrationFeedback;

plugin_api::export_template!(DualRegistrationFeedback);

impl Template for DualRegistrationFeedback {
    fn info() -> TemplateInfo {
        let mut quarter = param("quarter", "季度", ParamKind::Choice, false, Some("4"), "反馈的季度");
        quarter.choices = vec!["1".into(), "2".into(), "3".into(), "4".into()];
        TemplateInfo {
            id: "dual-registration-feedback".into(),
            name: "在职党员双报到情况反馈".into(),
            version: "1.0.0".into(),
            description: "社区党组织向在职党员所在单位反馈其本季度到社区报到、参加志愿服务的情况（活动、时长、季度和全年合计），每人一页。".into(),
            parameters: vec![
                param("branch", "社区党支部", ParamKind::Branch, true, None, "在职党员报到的社区党支部"),
                param("year", "年度", ParamKind::Year, true, None, "反馈年度"),
                quarter,
                param("volunteer", "党员姓名", ParamKind::Text, false, None, "只反馈这一名党员；默认为本季度参加过服务的全部双报到党员"),
                param("contact", "联系人及电话", ParamKind::Text, false, None, "社区联系人"),
            ],
            needs: vec![RecordKind::Organizations, RecordKind::VolunteerActivities, RecordKind::Volunteers],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        render(request).map(Output::from)
    }
}

fn hours_text(hours: f64) -> String {
    if (hours - hours.round()).abs() < 1e-9 { format!("{hours:.0}") } else { format!("{hours:.1}") }
}

/// Whom the letter goes to: the home unit's party organisation (a unit written as a party
/// organisation already is one).
pub fn addressee(unit: &str) -> String {
    let unit = unit.trim();
    let is_party = ["支部", "党委", "党组", "总支", "工委", "党组织"].iter().any(|s| unit.ends_with(s));
    match unit {
        "" => "所在单位党组织".to_owned(),
        _ if is_party => unit.to_owned(),
        _ => format!("{unit}党组织"),
    }
}

/// The quarter's first and last month (`2025-10`, `2025-12`).
pub fn quarter_span(year: i64, q: u32) -> (String, String) {
    (format!("{year}-{:02}", (q - 1) * 3 + 1), format!("{year}-{:02}", q * 3))
}

/// `volunteer`'s activities (with their own hours) dated from `from` to `to` months, oldest first.
pub fn served<'a>(
    activities: &'a [VolunteerActivity],
    volunteer: i64,
    from: &str,
    to: &str,
) -> Vec<(&'a VolunteerActivity, f64)> {
    let mut out: Vec<(&VolunteerActivity, f64)> = activities
        .iter()
        .filter(|a| a.date.get(..7).is_some_and(|m| m >= from && m <= to))
        .filter_map(|a| a.volunteers.iter().find(|v| v.volunteer == volunteer).map(|v| (a, v.hours)))
        .collect();
    out.sort_by(|a, b| a.0.date.cmp(&b.0.date));
    out
}

fn render(request: &RenderRequest) -> Result<Document, RenderError> {
    let branch = request.organization("branch")?;
    let branch_id = branch.id;
    let year = request.int("year")?;
    let q: u32 = request
        .param("quarter")
        .and_then(|q| q.trim().parse().ok())
        .filter(|q| (1..=4).contains(q))
        .ok_or_else(|| RenderError::InvalidParameter(("quarter".into(), "应为1至4".into())))?;
    let records = &request.records;
    let only = request.param("volunteer").map(str::trim).filter(|v| !v.is_empty());
    let (from, to) = quarter_span(year, q);
    let year_from = format!("{year}-01");
    let registered: Vec<&Volunteer> = records
        .volunteers
        .iter()
        .filter(|v| v.branch == branch_id && v.kind == "dual_registered")
        .filter(|v| only.is_none_or(|name| v.name == name))
        .filter(|v| !served(&records.volunteer_activities, v.id, &from, &to).is_empty())
        .collect();
    let quarter_name = ["", "一", "二", "三", "四"][q as usize];
    if registered.is_empty() {
        let who = only.map_or("双报到党员".to_owned(), |n| format!("双报到党员{n}"));
        return Err(RenderError::MissingData(format!(
            "{}{year}年第{quarter_name}季度没有{who}参加服务的记录",
            branch.name
        )));
    }
    let mut doc =
        DocumentBuilder::official(format!("{}{year}年第{quarter_name}季度在职党员双报到情况反馈", branch.name));
    for (i, volunteer) in registered.iter().enumerate() {
        if i > 0 {
            doc = doc.section(format!("{}（{}）", volunteer.name, volunteer.unit));
        }
        let quarter = served(&records.volunteer_activities, volunteer.id, &from, &to);
        let whole_year = served(&records.volunteer_activities, volunteer.id, &year_from, &to);
        let quarter_hours: f64 = quarter.iter().map(|(_, h)| h).sum();
        let year_hours: f64 = whole_year.iter().map(|(_, h)| h).sum();
        let unit = addressee(&volunteer.unit);
        doc = doc.paragraph(format!("{unit}："));
        doc = doc.paragraph(format!(
            "贵单位党员{}同志{}到我社区报到{}。{year}年第{quarter_name}季度，该同志参加社区志愿服务{}次，服务时长{}小时；本年度累计{}次、{}小时。具体情况如下：",
            volunteer.name,
            volunteer.registered_on.as_deref().map_or(String::new(), |d| format!("于{}", chinese_date(d))),
            volunteer.team.as_deref().map_or(String::new(), |t| format!("，编入{t}")),
            quarter.len(),
            hours_text(quarter_hours),
            whole_year.len(),
            hours_text(year_hours)
        ));
        let mut table = TableBuilder::new(&[12.0, 36.0, 58.0, 28.0, 22.0]).header([
            "序号",
            "日期",
            "服务活动",
            "服务类别",
            "时长（小时）",
        ]);
        for (n, (activity, hours)) in quarter.iter().enumerate() {
            table = table.row([
                (n + 1).to_string(),
                chinese_date(&activity.date),
                activity.title.clone(),
                activity.category.clone(),
                hours_text(*hours),
            ]);
        }
        table = table.row(["".to_owned(), "合计".to_owned(), String::new(), String::new(), hours_text(quarter_hours)]);
        doc = doc.table(table.build());
        doc = doc.paragraph("感谢贵单位对社区工作的支持。请将以上情况作为该同志参加组织生活、民主评议党员的参考。");
        if let Some(contact) = request.param("contact").map(str::trim).filter(|c| !c.is_empty()) {
            doc = doc.paragraph(format!("社区联系人：{contact}"));
        }
        doc = doc.signature([format!("中共{}（盖章）", branch.name)], chinese_date(request.generated_on()));
    }
    Ok(doc.build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plugin_api::VolunteerHours;

    fn activity(date: &str, volunteer: i64, hours: f64) -> VolunteerActivity {
        VolunteerActivity {
            id: 1,
            title: "小区环境整治".into(),
            category: "环境卫生".into(),
            date: date.into(),
            starts: "09:00".into(),
            ends: "11:00".into(),
            place: "锦绣花园".into(),
            organiser: "金山社区党支部".into(),
            description: String::new(),
            participants: Vec::new(),
            volunteers: vec![VolunteerHours { volunteer, hours }],
        }
    }

    #[test]
    fn a_quarter_holds_only_its_own_months_and_the_volunteers_own_hours() {
        let list = [
            activity("2025-09-30", 7, 2.0),
            activity("2025-10-01", 7, 1.5),
            activity("2025-12-31", 7, 3.0),
            activity("2025-11-05", 8, 4.0),
        ];
        let (from, to) = quarter_span(2025, 4);
        let hours: Vec<f64> = served(&list, 7, &from, &to).iter().map(|(_, h)| *h).collect();
        assert_eq!(hours, vec![1.5, 3.0]);
        assert_eq!(served(&list, 7, "2025-01", &to).len(), 3);
    }

    #[test]
    fn the_letter_goes_to_the_home_units_party_organisation() {
        assert_eq!(addressee("区税务局第二党支部"), "区税务局第二党支部");
        assert_eq!(addressee("区教育局"), "区教育局党组织");
        assert_eq!(addressee(""), "所在单位党组织");
    }
}
