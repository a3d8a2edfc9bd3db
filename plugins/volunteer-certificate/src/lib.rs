//! Reference template 志愿服务记录证明 (DOCUMENTS.md §4): a volunteer's certificate with the
//! fields 民政部令第67号 lists (name, ID type and masked number, volunteer number, hours and
//! content, issuer, responsible person, handler, contact, certificate number and date, seal),
//! and the yearly hours summary of every volunteer with cumulative hours and star levels.

use plugin_api::{
    Document, DocumentBuilder, Member, Output, ParamKind, RecordKind, RenderError, RenderRequest, RequestExt,
    TableBuilder, Template, TemplateInfo, VolunteerActivity, cell_text, chinese_date, param, stars,
};
use std::collections::BTreeMap;

/// The template.
pub struct VolunteerCertificate;

plugin_api::export_template!(VolunteerCertificate);

/// Stars for cumulative `hours` by the thresholds the host passes (its rule set, with the user's
/// overrides): never hard-coded here.
pub fn star_level(thresholds: &[f64], hours: f64) -> u8 {
    thresholds.iter().filter(|&&h| hours >= h).count().min(5) as u8
}

/// The thresholds in words: `一星100小时、二星300小时…`.
fn thresholds_text(thresholds: &[f64]) -> String {
    let names = ["一", "二", "三", "四", "五"];
    thresholds.iter().zip(names).map(|(h, n)| format!("{n}星{}小时", hours_text(*h))).collect::<Vec<_>>().join("、")
}

impl Template for VolunteerCertificate {
    fn info() -> TemplateInfo {
        let mut variant = param(
            "variant",
            "文书类型",
            ParamKind::Choice,
            false,
            Some("时长证明"),
            "时长证明：一名志愿者；年度汇总：全部志愿者",
        );
        variant.choices = vec!["时长证明".into(), "年度汇总".into()];
        let mut personal = param(
            "personal_data",
            "证件号码",
            ParamKind::Choice,
            false,
            Some("隐藏"),
            "默认隐去中间位；选“显示”须经用户确认，主程序才会提供完整号码",
        );
        personal.choices = vec!["隐藏".into(), "显示".into()];
        TemplateInfo {
            id: "volunteer-certificate".into(),
            name: "志愿服务证明".into(),
            version: "1.2.0".into(),
            description: "志愿服务记录证明（民政部令第67号所列事项，身份证号隐去中间位）和年度志愿服务时长汇总表（含累计时长和星级）。".into(),
            parameters: vec![
                variant,
                param("year", "年度", ParamKind::Year, true, None, "证明或汇总的年度"),
                param("member", "志愿者", ParamKind::Member, false, None, "出具证明的党员（时长证明必填）"),
                param("serial", "证明序号", ParamKind::Number, false, Some("1"), "证明编号的序号部分"),
                param("unit_code", "单位代码", ParamKind::Text, false, Some("DH"), "证明编号的单位代码部分"),
                param("volunteer_no", "志愿者编号", ParamKind::Text, false, None, "默认按党员编号生成"),
                param("issuer", "出具单位", ParamKind::Text, false, None, "默认为本单位名称"),
                param("responsible", "负责人", ParamKind::Text, false, None, ""),
                param("handler", "经办人", ParamKind::Text, false, None, ""),
                param("contact", "联系电话", ParamKind::Text, false, None, ""),
                personal,
            ],
            needs: vec![RecordKind::Organizations, RecordKind::Members, RecordKind::VolunteerActivities],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        let document =
            if request.param("variant") == Some("年度汇总") { summary(request) } else { certificate(request) };
        document.map(Output::from)
    }
}

fn hours_text(hours: f64) -> String {
    if (hours - hours.round()).abs() < 1e-9 { format!("{hours:.0}") } else { format!("{hours:.1}") }
}

fn optional<'a>(request: &'a RenderRequest, key: &str) -> Option<&'a str> {
    request.param(key).map(str::trim).filter(|v| !v.is_empty())
}

/// Hours `member` served in `activity`.
fn served(activity: &VolunteerActivity, member: i64) -> Option<f64> {
    activity.participants.iter().find(|p| p.member == member).map(|p| p.hours)
}

fn certificate(request: &RenderRequest) -> Result<Document, RenderError> {
    let year = request.int("year")?.to_string();
    let member_id = optional(request, "member")
        .ok_or_else(|| RenderError::InvalidParameter(("member".into(), "时长证明须选择志愿者".into())))
        .and_then(|_| request.int("member"))?;
    let records = &request.records;
    let member: &Member = records
        .members
        .iter()
        .find(|m| m.id == member_id)
        .ok_or_else(|| RenderError::InvalidParameter(("member".into(), format!("党员不存在：{member_id}"))))?;
    let mut activities: Vec<(&VolunteerActivity, f64)> = records
        .volunteer_activities
        .iter()
        .filter(|a| a.date.starts_with(&year))
        .filter_map(|a| served(a, member_id).map(|h| (a, h)))
        .collect();
    activities.sort_by(|a, b| a.0.date.cmp(&b.0.date).then(a.0.id.cmp(&b.0.id)));
    let (Some(first), Some(last)) = (activities.first(), activities.last()) else {
        return Err(RenderError::MissingData(format!("{}{year}年没有志愿服务记录", member.name)));
    };
    let year_hours: f64 = activities.iter().map(|(_, h)| h).sum();
    let total_hours: f64 = records
        .volunteer_activities
        .iter()
        .filter(|a| a.date.as_str() <= last.0.date.as_str())
        .filter_map(|a| served(a, member_id))
        .sum();
    let mut organisers: Vec<&str> = activities.iter().map(|(a, _)| a.organiser.as_str()).collect();
    organisers.sort_unstable();
    organisers.dedup();
    let unit = optional(request, "issuer").unwrap_or(&request.unit_name).to_owned();
    let serial = request.int("serial").unwrap_or(1);
    let code = optional(request, "unit_code").unwrap_or("DH");
    let volunteer_no = optional(request, "volunteer_no").map_or_else(|| format!("ZY{member_id:06}"), str::to_owned);

    let mut table =
        TableBuilder::new(&[36.0, 42.0, 54.0, 24.0]).header(["日期", "活动名称", "服务内容", "时长（小时）"]);
    for (activity, hours) in &activities {
        table = table.row([
            chinese_date(&activity.date),
            activity.title.clone(),
            activity.description.clone(),
            hours_text(*hours),
        ]);
    }
    let mut total = cell_text("合计");
    total.col_span = 3;
    table = table.cells(vec![total, cell_text(hours_text(year_hours))]);

    let level = star_level(&request.rules.volunteer_star_hours, total_hours);
    let star_line = if level == 0 {
        format!("截至{}，该志愿者累计服务时长{}小时。", chinese_date(&last.0.date), hours_text(total_hours))
    } else {
        format!(
            "截至{}，该志愿者累计服务时长{}小时，达到{}星级志愿者标准（{}）。",
            chinese_date(&last.0.date),
            hours_text(total_hours),
            ["", "一", "二", "三", "四", "五"][usize::from(level)],
            stars(level)
        )
    };
    let line = |label: &str, key: &str| format!("{label}：{}", optional(request, key).unwrap_or("__________"));
    Ok(DocumentBuilder::official("志愿服务记录证明")
        .right(format!("证明编号：{code}-{year}-{serial:03}"))
        .paragraph(format!(
            "兹证明{}（证件类型：居民身份证，证件号码：{}，志愿者编号：{volunteer_no}）于{}至{}期间参加{}组织的志愿服务活动，累计服务时长{}小时，服务内容如下：",
            member.name,
            member.id_number,
            chinese_date(&first.0.date),
            chinese_date(&last.0.date),
            organisers.join("、"),
            hours_text(year_hours)
        ))
        .table(table.build())
        .paragraph(star_line)
        .paragraph("特此证明。")
        .signature(
            [format!("出具单位（盖章）：{unit}"), line("负责人", "responsible"), line("经办人", "handler"), line("联系电话", "contact")],
            chinese_date(request.generated_on()),
        )
        .build())
}

fn summary(request: &RenderRequest) -> Result<Document, RenderError> {
    let year = request.int("year")?.to_string();
    let records = &request.records;
    let year_end = format!("{year}-12-31");
    // (activities, hours in the year, hours to date) per member.
    let mut per_member: BTreeMap<i64, (u32, f64, f64)> = BTreeMap::new();
    for activity in &records.volunteer_activities {
        if activity.date.as_str() > year_end.as_str() {
            continue;
        }
        let this_year = activity.date.starts_with(&year);
        for p in &activity.participants {
            let entry = per_member.entry(p.member).or_default();
            entry.2 += p.hours;
            if this_year {
                entry.0 += 1;
                entry.1 += p.hours;
            }
        }
    }
    let mut rows: Vec<(&Member, u32, f64, f64)> = per_member
        .iter()
        .filter(|(_, (count, _, _))| *count > 0)
        .filter_map(|(id, (count, hours, total))| {
            records.members.iter().find(|m| m.id == *id).map(|m| (m, *count, *hours, *total))
        })
        .collect();
    if rows.is_empty() {
        return Err(RenderError::MissingData(format!("{year}年没有志愿服务记录")));
    }
    rows.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.name.cmp(&b.0.name)));
    let branch_name = |id: i64| records.organizations.iter().find(|o| o.id == id).map_or("", |o| o.name.as_str());
    let mut table = TableBuilder::new(&[12.0, 24.0, 50.0, 18.0, 18.0, 18.0, 16.0]).header([
        "序号",
        "姓名",
        "所在支部",
        "活动次数",
        "年度时长",
        "累计时长",
        "星级",
    ]);
    for (i, (member, count, hours, total)) in rows.iter().enumerate() {
        let level = star_level(&request.rules.volunteer_star_hours, *total);
        table = table.row([
            (i + 1).to_string(),
            member.name.clone(),
            branch_name(member.branch).to_owned(),
            count.to_string(),
            hours_text(*hours),
            hours_text(*total),
            if level == 0 { "—".to_owned() } else { format!("{level}星") },
        ]);
    }
    let mut branches: BTreeMap<&str, (u32, u32, f64)> = BTreeMap::new();
    for (member, count, hours, _) in &rows {
        let entry = branches.entry(branch_name(member.branch)).or_default();
        entry.0 += 1;
        entry.1 += count;
        entry.2 += hours;
    }
    let mut by_branch =
        TableBuilder::new(&[70.0, 28.0, 28.0, 30.0]).header(["党支部", "参与人数", "服务人次", "服务时长"]);
    let mut sums = (0u32, 0u32, 0.0f64);
    for (name, (people, turnouts, hours)) in &branches {
        by_branch = by_branch.row([(*name).to_owned(), people.to_string(), turnouts.to_string(), hours_text(*hours)]);
        sums = (sums.0 + people, sums.1 + turnouts, sums.2 + hours);
    }
    by_branch = by_branch.row(["合计".to_owned(), sums.0.to_string(), sums.1.to_string(), hours_text(sums.2)]);
    let unit = optional(request, "issuer").unwrap_or(&request.unit_name).to_owned();
    Ok(DocumentBuilder::official(format!("{unit}{year}年度党员志愿服务时长汇总表"))
        .paragraph(format!(
            "{year}年共有{}名党员参加志愿服务，累计{}人次、{}小时。星级按累计服务时长认定（{}）：{}。",
            rows.len(),
            sums.1,
            hours_text(sums.2),
            request.rules.volunteer_star_clause,
            thresholds_text(&request.rules.volunteer_star_hours)
        ))
        .table(table.build())
        .heading(1, "各支部合计")
        .table(by_branch.build())
        .signature([unit], chinese_date(request.generated_on()))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_levels_follow_the_thresholds_passed() {
        let default = plugin_api::RuleFigures::default().volunteer_star_hours;
        assert_eq!(star_level(&default, 99.5), 0);
        assert_eq!(star_level(&default, 100.0), 1);
        assert_eq!(star_level(&default, 600.0), 3);
        assert_eq!(star_level(&default, 1500.0), 5);
        // A county that counts from 50 hours.
        assert_eq!(star_level(&[50.0, 150.0, 300.0, 600.0, 1000.0], 99.5), 1);
        assert_eq!(thresholds_text(&default), "一星100小时、二星300小时、三星600小时、四星1000小时、五星1500小时");
    }
}
